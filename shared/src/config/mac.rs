//! MAC addresses as people type them, and as phones name their files.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// A phone's MAC address.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Mac(pub [u8; 6]);

/// Why a MAC address was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error(
    "`{input}` is not a MAC address: {reason}. Write it like 00:11:22:AA:BB:CC, 0011.22aa.bbcc or SEP001122AABBCC"
)]
pub struct MacError {
    /// What was typed.
    pub input: String,
    /// What is wrong.
    pub reason: String,
}

impl FromStr for Mac {
    type Err = MacError;

    /// Accepts `00:11:22:aa:bb:cc`, `00-11-22-AA-BB-CC`, `0011.22aa.bbcc`,
    /// `001122aabbcc` and `SEP001122AABBCC` (the file-name form).
    fn from_str(input: &str) -> Result<Mac, MacError> {
        let err = |reason: String| MacError {
            input: input.to_string(),
            reason,
        };
        let t = input.trim();
        // `get`, not an index: the input may have a multi-byte character there.
        let t = match (t.get(..3), t.get(3..)) {
            (Some(sep), Some(rest)) if sep.eq_ignore_ascii_case("SEP") && !rest.is_empty() => rest,
            _ => t,
        };
        if let Some(bad) = t
            .chars()
            .find(|c| !c.is_ascii_hexdigit() && !matches!(c, ':' | '-' | '.'))
        {
            return Err(err(format!("`{bad}` is not a hex digit")));
        }
        // Separators must be consistent with one of the common notations.
        let groups: Vec<&str> = t.split([':', '-', '.']).collect();
        let shape_ok = match groups.len() {
            1 => true,
            3 => groups.iter().all(|g| g.len() == 4) && t.contains('.'),
            6 => groups.iter().all(|g| g.len() == 2),
            _ => false,
        };
        let digits: String = groups.concat();
        if digits.len() != 12 {
            return Err(err(format!(
                "it has {} hex digits; a MAC address has 12",
                digits.len()
            )));
        }
        if !shape_ok {
            return Err(err(
                "its separators are not in one of the usual places".into()
            ));
        }
        let mut out = [0u8; 6];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&digits[i * 2..i * 2 + 2], 16)
                .map_err(|e| err(e.to_string()))?;
        }
        Ok(Mac(out))
    }
}

impl Mac {
    /// `SEP001122AABBCC`: the name a phone uses for its own files.
    pub fn sep_name(&self) -> String {
        format!("SEP{self}")
    }

    /// Whether the first three bytes are an OUI Cisco is known to use for phones.
    pub fn looks_cisco(&self) -> bool {
        // A sample of Cisco OUIs seen on 79xx phones.
        const CISCO: &[[u8; 3]] = &[
            [0x00, 0x07, 0x0E],
            [0x00, 0x0D, 0x28],
            [0x00, 0x0F, 0x8F],
            [0x00, 0x12, 0x43],
            [0x00, 0x13, 0x19],
            [0x00, 0x14, 0x1C],
            [0x00, 0x15, 0x2B],
            [0x00, 0x16, 0x46],
            [0x00, 0x17, 0x0E],
            [0x00, 0x17, 0x59],
            [0x00, 0x18, 0x18],
            [0x00, 0x19, 0x2F],
            [0x00, 0x19, 0xAA],
            [0x00, 0x1A, 0x2F],
            [0x00, 0x1B, 0x54],
            [0x00, 0x1B, 0xD4],
            [0x00, 0x1C, 0x58],
            [0x00, 0x1D, 0x45],
            [0x00, 0x1E, 0x13],
            [0x00, 0x1E, 0x4A],
            [0x00, 0x1E, 0x7A],
            [0x00, 0x1F, 0x6C],
            [0x00, 0x21, 0x55],
            [0x00, 0x22, 0x55],
            [0x00, 0x22, 0x90],
            [0x00, 0x23, 0x04],
            [0x00, 0x23, 0x33],
            [0x00, 0x24, 0xC4],
            [0x00, 0x25, 0x84],
            [0x00, 0x26, 0x0B],
            [0x00, 0x26, 0x99],
            [0x00, 0x27, 0x0D],
            [0x1C, 0x17, 0xD3],
            [0x20, 0x37, 0x06],
            [0x54, 0x75, 0xD0],
            [0x58, 0x8D, 0x09],
            [0x64, 0x16, 0x8D],
            [0x68, 0xEF, 0xBD],
            [0x6C, 0x20, 0x56],
            [0x88, 0x43, 0xE1],
            [0xA4, 0x0C, 0xC3],
            [0xB4, 0xA4, 0xE3],
            [0xC8, 0x9C, 0x1D],
            [0xE8, 0x04, 0x62],
            [0xF0, 0x25, 0x72],
            [0xF8, 0x66, 0xF2],
        ];
        CISCO.iter().any(|o| o[..] == self.0[..3])
    }
}

impl fmt::Display for Mac {
    /// Twelve upper-case hex digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

/// The MAC a request's name reveals: `SEP<MAC>.cnf.xml`, `CTLSEP<MAC>.tlv`,
/// `ITLSEP<MAC>.tlv`, a 7940/7960's `SIP<MAC>.cnf` (any case, with or without a
/// leading separator); 12 upper-case hex digits.
pub fn mac_in_name(file: &str) -> Option<String> {
    let l = file.trim_start_matches(['/', '\\']).to_ascii_uppercase();
    if let Some(mac) = l.strip_prefix("SIP").and_then(|r| r.strip_suffix(".CNF"))
        && mac.len() == 12
        && mac.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Some(mac.to_string());
    }
    let rest = l
        .strip_prefix("CTLSEP")
        .or_else(|| l.strip_prefix("ITLSEP"))
        .or_else(|| l.strip_prefix("SEP"))?;
    let (mac, ext) = rest.split_at_checked(12)?;
    let known = [".CNF.XML", ".TLV", ".CNF.XML.SGN"];
    (mac.bytes().all(|b| b.is_ascii_hexdigit()) && known.contains(&ext)).then(|| mac.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_requests_name_reveals_its_mac() {
        assert_eq!(
            mac_in_name("/ctlsep001122aabbcc.tlv").as_deref(),
            Some("001122AABBCC")
        );
        assert_eq!(
            mac_in_name("SEP001122AABBCC.cnf.xml").as_deref(),
            Some("001122AABBCC")
        );
        assert_eq!(mac_in_name("SEP0011.cnf.xml"), None);
        assert_eq!(mac_in_name("SEPGG1122AABBCC.cnf.xml"), None);
        assert_eq!(mac_in_name("XMLDefault.cnf.xml"), None);
        // A 7940/7960's own SIP file, in any case; its default file names no phone.
        assert_eq!(
            mac_in_name("SIP001B54796001.cnf").as_deref(),
            Some("001B54796001")
        );
        assert_eq!(
            mac_in_name("/sip001b54796001.CNF").as_deref(),
            Some("001B54796001")
        );
        assert_eq!(mac_in_name("SIPDefault.cnf"), None);
        assert_eq!(mac_in_name("SIP41.8-5-4S.loads"), None);
    }

    #[test]
    fn reads_every_common_notation() {
        for s in [
            "00:11:22:aa:bb:cc",
            "0011.22aa.bbcc",
            "00-11-22-AA-BB-CC",
            "SEP001122AABBCC",
            "sep001122aabbcc",
            "001122AABBCC",
            " 00:11:22:AA:BB:CC ",
        ] {
            let m: Mac = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(m.to_string(), "001122AABBCC");
            assert_eq!(m.sep_name(), "SEP001122AABBCC");
        }
    }

    #[test]
    fn refuses_with_a_reason() {
        for (s, says) in [
            ("00:11:22:aa:bb", "10 hex digits"),
            ("00:11:22:aa:bb:zz", "`z` is not a hex digit"),
            ("0011:22aa:bbcc", "separators"),
            ("", "0 hex digits"),
            ("00:11:22:aa:bb:cc:dd", "14 hex digits"),
            // A multi-byte character where `SEP` would be (found by the phone_list fuzz target).
            ("a\u{fffd}bc", "`\u{fffd}` is not a hex digit"),
        ] {
            let e = s.parse::<Mac>().unwrap_err();
            assert!(e.to_string().contains(says), "{s}: {e}");
            assert!(
                e.to_string().contains("SEP001122AABBCC"),
                "the message shows the accepted forms"
            );
        }
    }
}
