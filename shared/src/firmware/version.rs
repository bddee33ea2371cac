//! Firmware build numbers: `8-3-3S` in a file name is release 8.3(3).

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// A build as Cisco numbers it: `major.minor(maint)` plus the rest of the name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Version {
    /// 8 in 8.3(3).
    pub major: u32,
    /// 3 in 8.3(3).
    pub minor: u32,
    /// 3 in 8.3(3).
    pub maint: u32,
    /// What follows the numbers, e.g. `SR1` in 9.4(2)SR1, `ES9` in 9.4(2)ES9.
    pub suffix: String,
    /// The text it was read from, e.g. `9-4-2SR1-1S`.
    pub raw: String,
}

impl Version {
    /// Reads `8-3-3S`, `9-4-2SR1-1S`, `8-3-2-27`, `9-4-2ES9`, `1.4.6.3`.
    ///
    /// Returns `None` for anything that does not start with `N-N-N` or `N.N.N`.
    pub fn parse(raw: &str) -> Option<Version> {
        let raw = raw.trim();
        let mut parts = raw.splitn(3, ['-', '.']);
        let major: u32 = parts.next()?.parse().ok()?;
        let minor: u32 = parts.next()?.parse().ok()?;
        let rest = parts.next()?;
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 6 {
            return None;
        }
        let maint: u32 = rest[..digits].parse().ok()?;
        let mut suffix = rest[digits..].to_string();
        // `…-1S`: the trailing signed-build counter says nothing to a person.
        if let Some(cut) = suffix.rfind(['-', '.'])
            && suffix[cut + 1..]
                .trim_end_matches(['S', 's'])
                .bytes()
                .all(|b| b.is_ascii_digit())
        {
            suffix.truncate(cut);
        }
        if suffix == "S" || suffix == "s" {
            suffix.clear();
        }
        if !suffix.is_empty()
            && !suffix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return None;
        }
        Some(Version {
            major,
            minor,
            maint,
            suffix,
            raw: raw.to_string(),
        })
    }

    /// Reads the version out of a load name: `SCCP41.8-3-3S` → 8-3-3S.
    pub fn from_load_name(name: &str) -> Option<Version> {
        let stem = name
            .strip_suffix(".loads")
            .or_else(|| name.strip_suffix(".LOADS"))
            .unwrap_or(name);
        // SCCP41.8-3-3S, SIP41.8-5-4S, P0030801SR02, P0S3-8-12-00, CP7921G-1.4.6.3:
        // the version follows the first separator that ends a plain prefix.
        for sep in ['.', '-'] {
            if let Some((prefix, v)) = stem.split_once(sep)
                && prefix
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && let Some(v) = Version::parse(v)
            {
                return Some(v);
            }
        }
        // P00308010200 style: P003 + 08 01 02 (8.1(2)).
        let upper = stem.to_ascii_uppercase();
        let tail = upper
            .strip_prefix("P003")
            .or_else(|| upper.strip_prefix("P0S3"))?;
        let b = tail.as_bytes();
        let digits = b.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits < 4 {
            return None;
        }
        let n = |i: usize| u32::from((b[i] - b'0') * 10 + (b[i + 1] - b'0'));
        let (maint, used) = if digits >= 6 { (n(4), 6) } else { (0, 4) };
        // `P00305000300`: the last two digits count builds and say nothing to a person.
        let suffix = &tail[used..];
        let suffix = if suffix.bytes().all(|b| b.is_ascii_digit()) {
            ""
        } else {
            suffix
        };
        Some(Version {
            major: n(0),
            minor: n(2),
            maint,
            suffix: suffix.to_string(),
            raw: tail.to_string(),
        })
    }

    /// Compares release numbers only (major, minor, maint).
    pub fn cmp_release(&self, major: u32, minor: u32, maint: u32) -> Ordering {
        (self.major, self.minor, self.maint).cmp(&(major, minor, maint))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}({}){}",
            self.major, self.minor, self.maint, self.suffix
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_common_spellings() {
        let cases = [
            ("8-3-3S", "8.3(3)"),
            ("9-4-2SR1-1S", "9.4(2)SR1"),
            ("9-4-2SR3-1S", "9.4(2)SR3"),
            ("8-3-2-27", "8.3(2)"),
            ("9-4-2ES9", "9.4(2)ES9"),
            ("8-5-4TH1-6", "8.5(4)TH1"),
            ("1.4.6.3", "1.4(6)"),
        ];
        for (raw, shown) in cases {
            assert_eq!(Version::parse(raw).unwrap().to_string(), shown, "{raw}");
        }
        assert!(Version::parse("default").is_none());
        assert!(Version::parse("9-x-2").is_none());
    }

    #[test]
    fn reads_load_names() {
        let v = |n| Version::from_load_name(n).map(|v| v.to_string());
        assert_eq!(v("SCCP41.8-3-3S.loads").as_deref(), Some("8.3(3)"));
        assert_eq!(v("SIP45.9-4-2SR1-1S").as_deref(), Some("9.4(2)SR1"));
        assert_eq!(v("P0030801SR02.loads").as_deref(), Some("8.1(0)SR02"));
        assert_eq!(v("P0S3-8-12-00.loads").as_deref(), Some("8.12(0)"));
        assert_eq!(v("CP7921G-1.4.6.3.LOADS").as_deref(), Some("1.4(6)"));
        assert_eq!(v("term41.default.loads"), None);
    }

    #[test]
    fn orders_releases() {
        let v = Version::parse("9-2-3S").unwrap();
        assert_eq!(v.cmp_release(9, 2, 3), Ordering::Equal);
        assert_eq!(
            Version::parse("8-5-4S").unwrap().cmp_release(9, 2, 3),
            Ordering::Less
        );
    }
}
