//! The settings a person types in steps 2 and 3, checked, and turned into the
//! files the phones read (pure).
//!
//! [`crate::state::State`] holds a [`Form`] (the text as typed) and the
//! components render what these functions say.
//!
//! Layout: this module checks the addresses; [`phones`](mod@phones) checks the phone
//! table, row by row, with the shared phone-list checks; [`import`](mod@import) turns
//! pasted or imported text into rows; [`files`](mod@files) writes the configuration
//! files and gathers what the bundle needs; `files79` adds a 7940/7960's own files.
//!
//! Invariants:
//! - Nothing is rewritten behind the person's back: the form keeps the text as
//!   typed; the checked values (normalized MACs, addresses) are shown next to it.
//! - What is previewed is what is bundled: [`files()`] and [`bundle_inputs`]
//!   feed the same settings to the same shared writers (a test holds them
//!   together).

mod files;
mod files79;
pub mod import;
pub mod phones;

pub use files::{Blocked, bundle_inputs, files, protocol, usable_load};
pub use phones::{PhoneRow, table};

use lifeline_shared::config::cnf_xml::{self, MAX_CALL_MANAGERS, SettingsError};
use lifeline_shared::dhcp::option150::{self, ListError, ServerList};

/// Everything typed in steps 2 and 3, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Form {
    /// TFTP server addresses for option 150, in priority order.
    pub tftp: String,
    /// Call-control addresses, in priority order.
    pub call_managers: String,
    /// The phone list: one row a phone (MAC, model, SIP line, label).
    pub rows: Vec<PhoneRow>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::form;

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
}
