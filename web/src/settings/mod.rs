//! The settings a person types in steps 2 and 3, checked, and turned into the
//! files the phones read (pure).
//!
//! [`crate::state::State`] holds a [`Form`] (the text as typed) and the
//! components render what these functions say.
//!
//! Layout: this module checks the addresses and the phone list; [`sip`](mod@sip) checks
//! each phone's SIP line; [`files`](mod@files) writes the configuration files and gathers
//! what the bundle needs; `files79` adds a 7940/7960's own files.
//!
//! Invariants:
//! - Nothing is rewritten behind the person's back: the form keeps the text as
//!   typed; the checked values (normalized MACs, addresses) are shown next to it.
//! - What is previewed is what is bundled: [`files()`] and [`bundle_inputs`]
//!   feed the same settings to the same shared writers (a test holds them
//!   together).

mod files;
mod files79;
mod sip;

pub use files::{Blocked, bundle_inputs, files, protocol, usable_load};
pub use sip::{SipField, SipForm, own_auth_name, sip};

use lifeline_shared::bundle::Phone;
use lifeline_shared::config::cnf_xml::{self, MAX_CALL_MANAGERS, SettingsError};
use lifeline_shared::config::mac::Mac;
use lifeline_shared::dhcp::option150::{self, ListError, ServerList};
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::models;

/// Everything typed in steps 2 and 3, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Form {
    /// TFTP server addresses for option 150, in priority order.
    pub tftp: String,
    /// Call-control addresses, in priority order.
    pub call_managers: String,
    /// The phone list: MACs, one per line or comma-separated, optionally `MAC=MODEL`.
    pub phones: String,
    /// SIP line settings, one per phone (by MAC), for SIP loads.
    pub sip: Vec<SipForm>,
}

/// The SIP line typed for `mac`, if any.
pub fn sip_form<'a>(form: &'a Form, mac: &Mac) -> Option<&'a SipForm> {
    form.sip.iter().find(|s| s.mac == *mac)
}

/// A checked field: nothing typed yet, refused (with the reason), or accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check<T> {
    /// Nothing typed.
    Empty,
    /// Refused: what is wrong (names in backticks).
    Bad(String),
    /// Accepted.
    Good(T),
}

impl<T> Check<T> {
    /// The accepted value.
    pub fn good(&self) -> Option<&T> {
        match self {
            Check::Good(v) => Some(v),
            _ => None,
        }
    }
}

/// The TFTP list (step 2).
pub fn tftp(form: &Form) -> Check<ServerList> {
    if form.tftp.trim().is_empty() {
        return Check::Empty;
    }
    match option150::parse_list(&form.tftp) {
        Ok(list) => Check::Good(list),
        Err(ListError::Empty) => Check::Empty,
        Err(e) => Check::Bad(e.to_string()),
    }
}

/// The call-control list (step 3).
pub fn call_managers(form: &Form) -> Check<Vec<String>> {
    if form.call_managers.trim().is_empty() {
        return Check::Empty;
    }
    match cnf_xml::parse_call_managers(&form.call_managers) {
        Ok(list) => Check::Good(list),
        Err(SettingsError::NoCallManager) => Check::Empty,
        Err(SettingsError::TooManyCallManagers(n)) => Check::Bad(format!(
            "{n} addresses given; a phone takes at most {MAX_CALL_MANAGERS}: keep the ones it should try first"
        )),
        Err(e) => Check::Bad(e.to_string()),
    }
}

/// One entry of the phone list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneEntry {
    /// As typed (trimmed).
    pub text: String,
    /// The phone, or what is wrong with the entry.
    pub result: Result<Phone, String>,
}

/// Splits the phone list into entries: by line, comma or semicolon; a line of
/// several MACs separated by spaces is several entries; spaces around `=` are
/// allowed.
fn entries(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in text.split(['\n', '\r', ',', ';']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if let Some((mac, model)) = part.split_once('=') {
            out.push(format!("{}={}", mac.trim(), model.trim()));
        } else {
            out.extend(part.split_whitespace().map(str::to_string));
        }
    }
    out
}

/// The phone list (step 3), each entry checked against the firmware: a MAC in a
/// common notation, a model Lifeline knows that runs this load, no phone twice.
pub fn phones(form: &Form, report: Option<&Report>) -> Vec<PhoneEntry> {
    let mut seen: Vec<Mac> = Vec::new();
    entries(&form.phones)
        .into_iter()
        .map(|text| {
            let result = phone(&text, report, &seen);
            if let Ok(p) = &result {
                seen.push(p.mac);
            }
            PhoneEntry { text, result }
        })
        .collect()
}

fn phone(text: &str, report: Option<&Report>, seen: &[Mac]) -> Result<Phone, String> {
    let (mac, model) = match text.split_once('=') {
        Some((mac, model)) => (mac, Some(model)),
        None => (text, None),
    };
    let mac: Mac = mac
        .parse()
        .map_err(|e: lifeline_shared::config::mac::MacError| {
            // The shared message ends with the accepted notations; keep it.
            e.to_string()
        })?;
    if seen.contains(&mac) {
        return Err(format!("{} is listed twice", mac.sep_name()));
    }
    let model = match model {
        None => None,
        Some("") => return Err("the model after `=` is empty (e.g. `=7961`)".into()),
        Some(name) => {
            let Some(m) = models::model(name) else {
                return Err(format!(
                    "`{name}` is not a phone model Lifeline knows (e.g. 7961, 7942, 7965)"
                ));
            };
            if let Some(r) = report
                && r.family.is_some()
                && r.family != Some(m.family)
            {
                return Err(format!(
                    "a {} does not run this firmware, which is for the {}",
                    m.name,
                    r.family_name.as_deref().unwrap_or("another family")
                ));
            }
            Some(m.name.to_string())
        }
    };
    Ok(Phone { mac, model })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{form, seed_report};

    #[test]
    fn tftp_is_empty_bad_or_good() {
        assert_eq!(tftp(&form("  ", "", "")), Check::Empty);
        assert_eq!(tftp(&form(" , ", "", "")), Check::Empty);
        let Check::Bad(why) = tftp(&form("192.168.10.256", "", "")) else {
            panic!()
        };
        assert!(
            why.starts_with("`192.168.10.256` is not an IPv4 address"),
            "{why}"
        );
        let Check::Good(list) = tftp(&form("192.168.10.105, 127.0.0.1", "", "")) else {
            panic!()
        };
        assert_eq!(list.addresses.len(), 2);
        assert_eq!(list.warnings.len(), 1);
    }

    #[test]
    fn call_managers_are_checked() {
        assert_eq!(call_managers(&form("", "", "")), Check::Empty);
        assert_eq!(
            call_managers(&form("", "10.0.0.1 pbx.example.net", "")),
            Check::Good(vec!["10.0.0.1".into(), "pbx.example.net".into()])
        );
        let Check::Bad(why) = call_managers(&form("", "10.0.0.300", "")) else {
            panic!()
        };
        assert!(why.contains("`10.0.0.300`"), "{why}");
        let Check::Bad(why) = call_managers(&form("", "a b c d e f", "")) else {
            panic!()
        };
        assert!(
            why.starts_with("6 addresses given; a phone takes at most 5"),
            "{why}"
        );
        assert!(matches!(
            call_managers(&form("", "a b c d e f", "")),
            Check::Bad(_)
        ));
    }

    #[test]
    fn phone_entries_are_split_every_usual_way() {
        assert_eq!(
            entries(
                "00:11:22:aa:bb:cc\n0011.22aa.bbcd, SEP001122AABBCE ; 001122aabbcf = 7961\r\n\n"
            ),
            [
                "00:11:22:aa:bb:cc",
                "0011.22aa.bbcd",
                "SEP001122AABBCE",
                "001122aabbcf=7961"
            ]
        );
        assert_eq!(entries("a b\tc"), ["a", "b", "c"]);
        assert!(entries(" \n , ").is_empty());
    }

    #[test]
    fn every_bad_phone_entry_says_why() {
        let report = seed_report();
        let list = phones(
            &form(
                "",
                "",
                "00:11:22:aa:bb:cc=7961\n00:11:22:zz:bb:cc\n001122AABBCC\n001122aabbcd=7942\n001122aabbce=9999\n001122aabbcf=\n001122aabbd0",
            ),
            Some(&*report),
        );
        let results: Vec<Result<String, String>> = list
            .iter()
            .map(|e| {
                e.result
                    .as_ref()
                    .map(|p| p.mac.sep_name())
                    .map_err(Clone::clone)
            })
            .collect();
        assert_eq!(results[0], Ok("SEP001122AABBCC".into()));
        assert_eq!(
            list[0].result.as_ref().unwrap().model.as_deref(),
            Some("7961")
        );
        assert!(
            results[1]
                .as_ref()
                .unwrap_err()
                .starts_with("`00:11:22:zz:bb:cc` is not a MAC address: `z` is not a hex digit"),
            "{results:?}"
        );
        assert_eq!(results[2], Err("SEP001122AABBCC is listed twice".into()));
        assert_eq!(
            results[3],
            Err("a 7942 does not run this firmware, which is for the 7941/7961".into())
        );
        assert!(
            results[4]
                .as_ref()
                .unwrap_err()
                .starts_with("`9999` is not a phone model")
        );
        assert!(results[5].as_ref().unwrap_err().contains("empty"));
        assert_eq!(results[6], Ok("SEP001122AABBD0".into()));
        assert_eq!(list[1].text, "00:11:22:zz:bb:cc");
        // Models are written the catalogue's way.
        let list = phones(&form("", "", "001122aabbcc=CP-7961G"), Some(&*report));
        assert_eq!(
            list[0].result.as_ref().unwrap().model.as_deref(),
            Some("7961")
        );
        // Without a firmware, any known model is fine.
        let list = phones(&form("", "", "001122aabbcc=7942"), None);
        assert!(list[0].result.is_ok());
    }
}
