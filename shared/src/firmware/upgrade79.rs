//! The 7940/7960's upgrade rules (Cisco): SIP images are signed from release 5.x, and a
//! phone that has run a signed image refuses an unsigned one; a phone moves from SCCP to
//! SIP only from SCCP 5.x or later; and from SIP back to SCCP only from SIP 7.x or later.
//!
//! [`check_step`] judges one move (what the phone runs → what it is offered); a later
//! upgrade plan chains them. [`package_notes`] says what a package alone shows: which
//! phones it cannot reach in one step.

use super::inspect::strip_loads;
use super::version::Version;
use crate::models::Protocol;
use std::fmt;

/// SIP images are signed from this major release on.
pub const SIP_SIGNED_FROM: u32 = 5;
/// The SCCP release a phone must run before it moves to SIP.
pub const SCCP_BEFORE_SIP: u32 = 5;
/// The SIP release a phone must run before it moves back to SCCP.
pub const SIP_BEFORE_SCCP: u32 = 7;

/// One 7940/7960 image: its protocol and release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image79 {
    pub protocol: Protocol,
    pub version: Version,
}

impl Image79 {
    /// Reads `P0S3-8-12-00`, `P0030801SR02` (with or without `.loads`).
    pub fn of_name(name: &str) -> Option<Image79> {
        let stem = strip_loads(name);
        let protocol = crate::config::sip79::protocol_letter(stem)?;
        Some(Image79 {
            protocol,
            version: Version::from_load_name(stem)?,
        })
    }
}

impl fmt::Display for Image79 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.protocol, self.version)
    }
}

/// A rule one move breaks, with the step that makes it possible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Broken {
    /// Signed SIP (5.x or later) to unsigned SIP (before 5.x): refused for good.
    BackToUnsigned,
    /// SCCP before 5.x straight to SIP: first SCCP 5.x or later.
    SccpTooOldForSip,
    /// SIP before 7.x straight to SCCP: first SIP 7.x or later.
    SipTooOldForSccp,
}

impl Broken {
    /// The rule in words, and what to do instead.
    pub fn words(&self) -> (&'static str, &'static str) {
        match self {
            Broken::BackToUnsigned => (
                "SIP images are signed from 5.x, and a phone that runs a signed image refuses an unsigned one.",
                "Use a SIP load of 5.x or later; a phone cannot go back below it.",
            ),
            Broken::SccpTooOldForSip => (
                "A phone moves from SCCP to SIP only from SCCP 5.x or later.",
                "Load an SCCP image of 5.x or later first, then the SIP one.",
            ),
            Broken::SipTooOldForSccp => (
                "A phone moves from SIP back to SCCP only from SIP 7.x or later.",
                "Load a SIP image of 7.x or later first, then the SCCP one.",
            ),
        }
    }
}

/// Whether a phone running `from` may load `to` in one step.
pub fn check_step(from: &Image79, to: &Image79) -> Result<(), Broken> {
    match (from.protocol, to.protocol) {
        (Protocol::Sip, Protocol::Sip) => {
            if from.version.major >= SIP_SIGNED_FROM && to.version.major < SIP_SIGNED_FROM {
                Err(Broken::BackToUnsigned)
            } else {
                Ok(())
            }
        }
        (Protocol::Sccp, Protocol::Sip) => {
            if from.version.major < SCCP_BEFORE_SIP {
                Err(Broken::SccpTooOldForSip)
            } else {
                Ok(())
            }
        }
        (Protocol::Sip, Protocol::Sccp) => {
            if from.version.major < SIP_BEFORE_SCCP {
                Err(Broken::SipTooOldForSccp)
            } else {
                Ok(())
            }
        }
        (Protocol::Sccp, Protocol::Sccp) => Ok(()),
    }
}

/// What a package by itself says about who can take it: for each rule it cannot help
/// breaking for some phones, the rule. A SIP load before 5.x is refused by every phone
/// that ran a signed image; a SIP load is out of reach of SCCP before 5.x; an SCCP load
/// out of reach of SIP before 7.x.
pub fn package_notes(load: &Image79) -> Vec<Broken> {
    match load.protocol {
        Protocol::Sip if load.version.major < SIP_SIGNED_FROM => {
            vec![Broken::BackToUnsigned, Broken::SccpTooOldForSip]
        }
        Protocol::Sip => vec![Broken::SccpTooOldForSip],
        Protocol::Sccp => vec![Broken::SipTooOldForSccp],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i(name: &str) -> Image79 {
        Image79::of_name(name).unwrap()
    }

    #[test]
    fn names_read_as_protocol_and_release() {
        assert_eq!(i("P0S3-8-12-00.loads").to_string(), "SIP 8.12(0)");
        assert_eq!(i("P0030801SR02").to_string(), "SCCP 8.1(0)SR02");
        assert_eq!(i("P0S3-07-5-00").version.major, 7);
        assert_eq!(Image79::of_name("SIP41.8-5-4S"), None);
        assert_eq!(Image79::of_name("P0M3-1-0-0"), None);
    }

    #[test]
    fn the_three_rules() {
        // Signed SIP never goes back to unsigned.
        assert_eq!(
            check_step(&i("P0S3-8-12-00"), &i("P0S3-04-4-00")),
            Err(Broken::BackToUnsigned)
        );
        assert_eq!(check_step(&i("P0S3-04-4-00"), &i("P0S3-8-12-00")), Ok(()));
        assert_eq!(check_step(&i("P0S3-05-0-00"), &i("P0S3-8-12-00")), Ok(()));
        // SCCP must be at 5.x before SIP.
        assert_eq!(
            check_step(&i("P00304020100"), &i("P0S3-8-12-00")),
            Err(Broken::SccpTooOldForSip)
        );
        assert_eq!(check_step(&i("P00305020100"), &i("P0S3-8-12-00")), Ok(()));
        assert_eq!(check_step(&i("P0030801SR02"), &i("P0S3-8-12-00")), Ok(()));
        // SIP must be at 7.x before SCCP.
        assert_eq!(
            check_step(&i("P0S3-06-3-00"), &i("P0030801SR02")),
            Err(Broken::SipTooOldForSccp)
        );
        assert_eq!(check_step(&i("P0S3-07-5-00"), &i("P0030801SR02")), Ok(()));
        assert_eq!(check_step(&i("P0S3-8-12-00"), &i("P0030801SR02")), Ok(()));
        // SCCP to SCCP: no rule of these.
        assert_eq!(check_step(&i("P00304020100"), &i("P0030801SR02")), Ok(()));
    }

    #[test]
    fn a_package_says_who_it_cannot_reach() {
        assert_eq!(
            package_notes(&i("P0S3-8-12-00")),
            [Broken::SccpTooOldForSip]
        );
        assert_eq!(
            package_notes(&i("P0S3-04-4-00")),
            [Broken::BackToUnsigned, Broken::SccpTooOldForSip]
        );
        assert_eq!(
            package_notes(&i("P0030801SR02")),
            [Broken::SipTooOldForSccp]
        );
        for b in [
            Broken::BackToUnsigned,
            Broken::SccpTooOldForSip,
            Broken::SipTooOldForSccp,
        ] {
            let (why, fix) = b.words();
            assert!(why.ends_with('.') && fix.ends_with('.'));
        }
    }
}
