//! The settings a person types in steps 2 and 3, checked, and turned into the
//! files the phones read.
//!
//! Pure: [`crate::state`] holds a [`Form`] (the text as typed) and the components
//! render what these functions say. Invariants:
//! - Nothing is rewritten behind the person's back: the form keeps the text as
//!   typed; the checked values (normalized MACs, addresses) are shown next to it.
//! - What is previewed is what is bundled: [`files`] and [`bundle_inputs`] feed
//!   the same settings to the same shared writers (a test holds them together).

use std::net::Ipv4Addr;

use lifeline_shared::bundle::{Phone, Settings};
use lifeline_shared::config::cnf_xml::{
    self, DefaultSettings, MAX_CALL_MANAGERS, PhoneSettings, SIP_PASSWORD_LIMIT, SIP_PORT,
    SettingsError, SipLine, SipSettings,
};
use lifeline_shared::config::mac::Mac;
use lifeline_shared::dhcp::option150::{self, ListError, ServerList};
use lifeline_shared::finding::Finding;
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::models::{self, Protocol};

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

/// One phone's SIP line, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SipForm {
    pub mac: Mac,
    /// The SIP proxy (empty: the first call-control address).
    pub proxy: String,
    /// Its port (empty: 5060).
    pub port: String,
    /// The name on the phone's screen (empty: the user).
    pub display_name: String,
    /// The user, usually the extension.
    pub user: String,
    /// The authentication name (empty: the user).
    pub auth_name: String,
    /// The authentication password. Never put in a link.
    pub password: String,
}

/// A field of [`SipForm`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SipField {
    /// [`SipForm::proxy`].
    Proxy,
    /// [`SipForm::port`].
    Port,
    /// [`SipForm::display_name`].
    DisplayName,
    /// [`SipForm::user`].
    User,
    /// [`SipForm::auth_name`].
    AuthName,
    /// [`SipForm::password`].
    Password,
}

impl SipField {
    /// Every field, in the order the form shows them.
    pub const ALL: [SipField; 6] = [
        SipField::Proxy,
        SipField::Port,
        SipField::User,
        SipField::DisplayName,
        SipField::AuthName,
        SipField::Password,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SipField::Proxy => "SIP proxy",
            SipField::Port => "Port",
            SipField::DisplayName => "Display name",
            SipField::User => "User (extension)",
            SipField::AuthName => "Auth name",
            SipField::Password => "Password",
        }
    }

    /// A short id for element ids and test hooks.
    pub fn id(self) -> &'static str {
        match self {
            SipField::Proxy => "proxy",
            SipField::Port => "port",
            SipField::DisplayName => "display",
            SipField::User => "user",
            SipField::AuthName => "auth",
            SipField::Password => "password",
        }
    }
}

impl SipForm {
    /// An empty line for `mac`.
    pub fn new(mac: Mac) -> SipForm {
        SipForm {
            mac,
            proxy: String::new(),
            port: String::new(),
            display_name: String::new(),
            user: String::new(),
            auth_name: String::new(),
            password: String::new(),
        }
    }

    /// The value of `field`.
    pub fn get(&self, field: SipField) -> &str {
        match field {
            SipField::Proxy => &self.proxy,
            SipField::Port => &self.port,
            SipField::DisplayName => &self.display_name,
            SipField::User => &self.user,
            SipField::AuthName => &self.auth_name,
            SipField::Password => &self.password,
        }
    }

    /// Sets `field`.
    pub fn set(&mut self, field: SipField, value: String) {
        *match field {
            SipField::Proxy => &mut self.proxy,
            SipField::Port => &mut self.port,
            SipField::DisplayName => &mut self.display_name,
            SipField::User => &mut self.user,
            SipField::AuthName => &mut self.auth_name,
            SipField::Password => &mut self.password,
        } = value;
    }

    /// Whether nothing is typed (the phone gets no SIP profile).
    pub fn is_empty(&self) -> bool {
        SipField::ALL.iter().all(|f| self.get(*f).trim().is_empty())
    }
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

/// What a phone's SIP line says, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SipCheck {
    /// Refused fields and why.
    pub errors: Vec<(SipField, String)>,
    /// The password is longer than some phones accept.
    pub password_warning: Option<String>,
    /// The profile to write (none when nothing is typed, or when refused).
    pub settings: Option<SipSettings>,
}

/// Checks one phone's SIP line. `call_managers` gives the proxy when none is typed.
pub fn sip(line: &SipForm, call_managers: Option<&[String]>) -> SipCheck {
    let mut check = SipCheck::default();
    if line.is_empty() {
        return check;
    }
    let t = |s: &str| s.trim().to_string();
    let proxy = match line.proxy.trim() {
        "" => match call_managers.and_then(<[String]>::first) {
            Some(first) => Some(first.clone()),
            None => {
                check.errors.push((
                    SipField::Proxy,
                    "give the SIP proxy, or a call-control address above".into(),
                ));
                None
            }
        },
        typed => match cnf_xml::parse_call_managers(typed) {
            Ok(list) if list.len() == 1 => Some(typed.to_string()),
            _ => {
                check.errors.push((
                    SipField::Proxy,
                    format!("`{typed}` is not an IPv4 address or a host name"),
                ));
                None
            }
        },
    };
    let port = match line.port.trim() {
        "" => Some(SIP_PORT),
        typed => match typed.parse::<u16>() {
            Ok(p) if p > 0 => Some(p),
            _ => {
                check.errors.push((
                    SipField::Port,
                    format!("`{typed}` is not a port: give a number from 1 to 65535"),
                ));
                None
            }
        },
    };
    let user = t(&line.user);
    if user.is_empty() {
        check.errors.push((
            SipField::User,
            "give the line's user, usually its extension".into(),
        ));
    }
    let chars = line.password.chars().count();
    if chars > SIP_PASSWORD_LIMIT {
        check.password_warning = Some(format!(
            "{chars} characters: some phones (the 7942 is reported) fail to read passwords over {SIP_PASSWORD_LIMIT}"
        ));
    }
    if let (Some(proxy), Some(port), true) = (proxy, port, check.errors.is_empty()) {
        let or_user = |s: &str| {
            if s.is_empty() {
                user.clone()
            } else {
                s.to_string()
            }
        };
        check.settings = Some(SipSettings {
            proxy,
            port,
            lines: vec![SipLine {
                display_name: or_user(line.display_name.trim()),
                user: user.clone(),
                auth_name: or_user(line.auth_name.trim()),
                auth_password: line.password.clone(),
            }],
        });
    }
    check
}

/// The SIP line typed for `mac`, if any.
pub fn sip_form<'a>(form: &'a Form, mac: &Mac) -> Option<&'a SipForm> {
    form.sip.iter().find(|s| s.mac == *mac)
}

/// A generated file, with what to know about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    /// Its name in the TFTP root.
    pub name: String,
    pub text: String,
    /// When the phone reads it.
    pub note: String,
    /// Warnings from writing it (a long SIP password).
    pub findings: Vec<Finding>,
}

/// Why there are no files to show yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Blocked {
    /// No usable firmware report.
    Firmware(&'static str),
    /// The call-control list is empty or refused.
    CallManagers,
}

/// The load a usable report names (no errors, a load manifest).
pub fn usable_load(report: Option<&Report>) -> Result<&str, &'static str> {
    let Some(report) = report else {
        return Err("Inspect a firmware first");
    };
    if report.tally.errors > 0 {
        return Err("Fix the errors in the firmware first");
    }
    report
        .load
        .as_deref()
        .ok_or("The firmware has no load manifest to name")
}

/// The protocol of a report's load (SCCP when it does not say, as the bundle does).
pub fn protocol(report: &Report) -> Protocol {
    report.protocol.unwrap_or(Protocol::Sccp)
}

/// Every configuration file for the form: `XMLDefault.cnf.xml` first, then one
/// `SEP<MAC>.cnf.xml` per accepted phone (refused entries are left out).
pub fn files(report: Option<&Report>, form: &Form) -> Result<Vec<File>, Blocked> {
    let load = usable_load(report).map_err(Blocked::Firmware)?;
    let Some(report) = report else {
        return Err(Blocked::Firmware("Inspect a firmware first"));
    };
    let Check::Good(cms) = call_managers(form) else {
        return Err(Blocked::CallManagers);
    };
    let protocol = protocol(report);
    let phones: Vec<Phone> = phones(form, Some(report))
        .into_iter()
        .filter_map(|e| e.result.ok())
        .collect();
    let xml = cnf_xml::xml_default(&DefaultSettings {
        load: load.to_string(),
        protocol,
        models: cnf_xml::ModelLoad::all_of(report),
        call_managers: cms.clone(),
    })
    .map_err(|_| Blocked::CallManagers)?;
    let mut out = vec![File {
        name: "XMLDefault.cnf.xml".into(),
        text: xml,
        note: if phones.is_empty() {
            "The phone asks for this first: without a file of its own (a normal \"not found\"), it reads the load for its model here.".into()
        } else {
            "Phones without a file of their own read this one: it names the load for every model."
                .into()
        },
        findings: Vec::new(),
    }];
    for p in phones {
        let sip = match protocol {
            Protocol::Sip => sip_form(form, &p.mac).and_then(|l| sip(l, Some(&cms)).settings),
            Protocol::Sccp => None,
        };
        let Ok((text, findings)) = cnf_xml::sep_cnf(&PhoneSettings {
            mac: p.mac,
            protocol,
            load: load.to_string(),
            call_managers: cms.clone(),
            sip,
        }) else {
            continue;
        };
        out.push(File {
            name: cnf_xml::sep_file_name(&p.mac),
            text,
            note: "The phone asks for this first: its own file, by MAC.".into(),
            findings,
        });
    }
    Ok(out)
}

/// What [`lifeline_shared::bundle::build_with_sip`] takes besides the firmware:
/// the settings, and the SIP profiles by phone.
pub type BundleInputs = (Settings, Vec<(Mac, SipSettings)>);

/// Everything the bundle needs from the form, or the first thing still missing
/// (the reason shown on the Deliver step).
pub fn bundle_inputs(report: Option<&Report>, form: &Form) -> Result<BundleInputs, &'static str> {
    usable_load(report)?;
    let tftp_servers: Vec<Ipv4Addr> = match tftp(form) {
        Check::Good(list) => list.addresses,
        Check::Empty => return Err("Enter the TFTP address in step 2"),
        Check::Bad(_) => return Err("Fix the TFTP address in step 2"),
    };
    let cms = match call_managers(form) {
        Check::Good(list) => list,
        Check::Empty => return Err("Enter a call-control address in step 3"),
        Check::Bad(_) => return Err("Fix the call-control address in step 3"),
    };
    let mut phones = Vec::new();
    for e in self::phones(form, report) {
        phones.push(e.result.map_err(|_| "Fix the phone list in step 3")?);
    }
    let mut profiles = Vec::new();
    if report.and_then(|r| r.protocol) == Some(Protocol::Sip) {
        for p in &phones {
            if let Some(line) = sip_form(form, &p.mac) {
                let check = sip(line, Some(&cms));
                if !check.errors.is_empty() {
                    return Err("Fix the SIP settings in step 3");
                }
                if let Some(s) = check.settings {
                    profiles.push((p.mac, s));
                }
            }
        }
    }
    Ok((
        Settings {
            tftp_servers,
            call_managers: cms,
            phones,
        },
        profiles,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sip_report;
    use lifeline_shared::bundle;
    use lifeline_shared::firmware::inspect::inspect_zip;
    use lifeline_shared::testkit::{seed_zip, sip_seed_zip as sip_zip};

    fn seed() -> (Vec<u8>, Report) {
        let zip = seed_zip();
        let report = inspect_zip("seed.zip", &zip).unwrap();
        (zip, report)
    }

    fn form(tftp: &str, cms: &str, phones: &str) -> Form {
        Form {
            tftp: tftp.into(),
            call_managers: cms.into(),
            phones: phones.into(),
            sip: Vec::new(),
        }
    }

    fn mac(s: &str) -> Mac {
        s.parse().unwrap()
    }

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
        let (_, report) = seed();
        let list = phones(
            &form(
                "",
                "",
                "00:11:22:aa:bb:cc=7961\n00:11:22:zz:bb:cc\n001122AABBCC\n001122aabbcd=7942\n001122aabbce=9999\n001122aabbcf=\n001122aabbd0",
            ),
            Some(&report),
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
        let list = phones(&form("", "", "001122aabbcc=CP-7961G"), Some(&report));
        assert_eq!(
            list[0].result.as_ref().unwrap().model.as_deref(),
            Some("7961")
        );
        // Without a firmware, any known model is fine.
        let list = phones(&form("", "", "001122aabbcc=7942"), None);
        assert!(list[0].result.is_ok());
    }

    #[test]
    fn sip_lines_default_from_the_user_and_call_control() {
        let mut line = SipForm::new(mac("001122aabbcc"));
        assert_eq!(sip(&line, None), SipCheck::default());
        line.user = " 201 ".into();
        line.password = "secret".into();
        let cms = vec!["10.0.0.1".to_string()];
        let check = sip(&line, Some(&cms));
        assert!(check.errors.is_empty() && check.password_warning.is_none());
        let s = check.settings.unwrap();
        assert_eq!(s.proxy, "10.0.0.1");
        assert_eq!(s.port, 5060);
        assert_eq!(
            s.lines,
            [SipLine {
                display_name: "201".into(),
                user: "201".into(),
                auth_name: "201".into(),
                auth_password: "secret".into(),
            }]
        );
        line.proxy = "pbx.example.net".into();
        line.port = "5070".into();
        line.display_name = "Front desk".into();
        line.auth_name = "frontdesk".into();
        let s = sip(&line, Some(&cms)).settings.unwrap();
        assert_eq!((s.proxy.as_str(), s.port), ("pbx.example.net", 5070));
        assert_eq!(s.lines[0].display_name, "Front desk");
        assert_eq!(s.lines[0].auth_name, "frontdesk");
    }

    #[test]
    fn sip_lines_name_each_bad_field() {
        let mut line = SipForm::new(mac("001122aabbcc"));
        line.password = "thirteen-char".into();
        let check = sip(&line, None);
        let fields: Vec<SipField> = check.errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, [SipField::Proxy, SipField::User]);
        assert!(check.settings.is_none());
        assert_eq!(
            check.password_warning.as_deref(),
            Some(
                "13 characters: some phones (the 7942 is reported) fail to read passwords over 12"
            )
        );
        line.user = "201".into();
        line.proxy = "10.0.0.999".into();
        line.port = "70000".into();
        let check = sip(&line, None);
        assert_eq!(check.errors[0].0, SipField::Proxy);
        assert!(check.errors[0].1.contains("`10.0.0.999`"));
        assert_eq!(check.errors[1].0, SipField::Port);
        line.port = "0".into();
        assert_eq!(sip(&line, None).errors[1].0, SipField::Port);
    }

    #[test]
    fn sip_form_fields_round_trip() {
        let mut line = SipForm::new(mac("001122aabbcc"));
        assert!(line.is_empty());
        for (i, f) in SipField::ALL.into_iter().enumerate() {
            line.set(f, format!("v{i}"));
            assert_eq!(line.get(f), format!("v{i}"));
            assert!(!f.label().is_empty() && !f.id().is_empty());
        }
        assert!(!line.is_empty());
    }

    #[test]
    fn files_need_a_usable_firmware_and_call_control() {
        let (_, report) = seed();
        assert_eq!(
            files(None, &form("", "10.0.0.1", "")),
            Err(Blocked::Firmware("Inspect a firmware first"))
        );
        assert_eq!(
            files(Some(&report), &form("", "", "")),
            Err(Blocked::CallManagers)
        );
        assert_eq!(
            files(Some(&report), &form("", "10.0.0.300", "")),
            Err(Blocked::CallManagers)
        );
        let mut broken = report.clone();
        broken.tally.errors = 1;
        assert_eq!(
            files(Some(&broken), &form("", "10.0.0.1", "")),
            Err(Blocked::Firmware("Fix the errors in the firmware first"))
        );
        let mut no_load = report.clone();
        no_load.load = None;
        assert!(matches!(
            files(Some(&no_load), &form("", "10.0.0.1", "")),
            Err(Blocked::Firmware(_))
        ));
    }

    #[test]
    fn the_seed_gives_xmldefault_with_both_models() {
        let (_, report) = seed();
        let f = files(Some(&report), &form("", "192.168.10.1", "")).unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].name, "XMLDefault.cnf.xml");
        assert!(f[0].note.starts_with("The phone asks for this first"));
        let x = &f[0].text;
        assert!(
            x.contains(
                "<loadInformation115 model=\"IP Phone 7941\">SCCP41.8-3-3S</loadInformation115>"
            ),
            "{x}"
        );
        assert!(x.contains(
            "<loadInformation30018 model=\"IP Phone 7961\">SCCP41.8-3-3S</loadInformation30018>"
        ));
        assert!(x.contains("<ethernetPhonePort>2000</ethernetPhonePort>"));
        // Phones get their own files; bad entries are left out.
        let f = files(
            Some(&report),
            &form(
                "",
                "192.168.10.1",
                "001122aabbcc\nnot-a-mac\n001122aabbcd=7961",
            ),
        )
        .unwrap();
        let names: Vec<&str> = f.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "XMLDefault.cnf.xml",
                "SEP001122AABBCC.cnf.xml",
                "SEP001122AABBCD.cnf.xml"
            ]
        );
        assert!(f[0].note.starts_with("Phones without a file of their own"));
        assert!(f[1].note.starts_with("The phone asks for this first"));
    }

    #[test]
    fn sip_loads_write_the_line_into_the_phone_file() {
        let report = sip_report();
        assert_eq!(report.protocol, Some(Protocol::Sip));
        let mut f = form("192.168.10.105", "10.0.0.1", "001122aabbcc\n001122aabbcd");
        let mut line = SipForm::new(mac("001122aabbcc"));
        line.user = "201".into();
        line.password = "a-very-long-secret".into();
        f.sip.push(line);
        let out = files(Some(&report), &f).unwrap();
        assert!(out[0].text.contains("<sipPort>5060</sipPort>"));
        assert!(out[1].text.contains("<name>201</name>"), "{}", out[1].text);
        assert_eq!(out[1].findings.len(), 1);
        assert!(!out[2].text.contains("sipProfile"));
    }

    #[test]
    fn bundle_inputs_say_what_is_missing_first() {
        let (_, report) = seed();
        let r = Some(&report);
        assert_eq!(
            bundle_inputs(None, &form("192.168.10.105", "10.0.0.1", "")).unwrap_err(),
            "Inspect a firmware first"
        );
        assert_eq!(
            bundle_inputs(r, &form("", "10.0.0.1", "")).unwrap_err(),
            "Enter the TFTP address in step 2"
        );
        assert_eq!(
            bundle_inputs(r, &form("1.2.3", "10.0.0.1", "")).unwrap_err(),
            "Fix the TFTP address in step 2"
        );
        assert_eq!(
            bundle_inputs(r, &form("192.168.10.105", "", "")).unwrap_err(),
            "Enter a call-control address in step 3"
        );
        assert_eq!(
            bundle_inputs(r, &form("192.168.10.105", "300.1.1.1", "")).unwrap_err(),
            "Fix the call-control address in step 3"
        );
        assert_eq!(
            bundle_inputs(r, &form("192.168.10.105", "10.0.0.1", "xyz")).unwrap_err(),
            "Fix the phone list in step 3"
        );
        let (settings, sip) =
            bundle_inputs(r, &form("192.168.10.105", "10.0.0.1", "001122aabbcc=7961")).unwrap();
        assert_eq!(settings.tftp_servers, [Ipv4Addr::new(192, 168, 10, 105)]);
        assert_eq!(settings.call_managers, ["10.0.0.1"]);
        assert_eq!(settings.phones.len(), 1);
        assert!(sip.is_empty());

        let report = sip_report();
        let mut f = form("192.168.10.105", "10.0.0.1", "001122aabbcc");
        let mut line = SipForm::new(mac("001122aabbcc"));
        line.port = "x".into();
        f.sip.push(line);
        assert_eq!(
            bundle_inputs(Some(&report), &f).unwrap_err(),
            "Fix the SIP settings in step 3"
        );
        f.sip[0].port.clear();
        f.sip[0].user = "201".into();
        let (_, sip) = bundle_inputs(Some(&report), &f).unwrap();
        assert_eq!(sip.len(), 1);
    }

    #[test]
    fn what_is_previewed_is_what_is_bundled() {
        let (zip, report) = seed();
        let f = form(
            "192.168.10.105",
            "10.0.0.1, 10.0.0.2",
            "001122aabbcc=7961\n001122aabbcd",
        );
        let previews = files(Some(&report), &f).unwrap();
        let (settings, sip) = bundle_inputs(Some(&report), &f).unwrap();
        let fw = bundle::firmware_from_zip(&zip, &report).unwrap();
        let b = bundle::build_with_sip(&report, fw, &settings, &sip).unwrap();
        for p in &previews {
            assert_eq!(b.contents[&p.name], p.text.as_bytes(), "{}", p.name);
        }

        let zip = sip_zip();
        let report = inspect_zip("sip.zip", &zip).unwrap();
        let mut f = form("192.168.10.105", "10.0.0.1", "001122aabbcc\n001122aabbcd");
        let mut line = SipForm::new(mac("001122aabbcc"));
        line.user = "201".into();
        line.display_name = "Desk".into();
        line.password = "secret".into();
        f.sip.push(line);
        let previews = files(Some(&report), &f).unwrap();
        assert_eq!(previews.len(), 3);
        let (settings, sip) = bundle_inputs(Some(&report), &f).unwrap();
        let fw = bundle::firmware_from_zip(&zip, &report).unwrap();
        let b = bundle::build_with_sip(&report, fw, &settings, &sip).unwrap();
        for p in &previews {
            assert_eq!(b.contents[&p.name], p.text.as_bytes(), "{}", p.name);
        }
        assert!(
            previews[1]
                .text
                .contains("<authPassword>secret</authPassword>")
        );
    }
}
