//! The hops Cisco requires between two loads of one family: a pure rule a
//! phone's running load (announced over CDP/LLDP, or typed) is checked
//! against before it is reset onto another.
//!
//! 79x1/79x2/79x5 (and the other five-image families, which share their
//! loads' numbering): "For all SCCP and SIP firmware upgrades from firmware
//! release versions earlier than 8.3(3) to version 8.5(3) or a later release,
//! you must first upgrade your firmware to version 8.5(2)" (Cisco's release
//! notes for the 79x1/79x2/79x5 firmware).

use crate::firmware::version::Version;
use crate::models::{self, FamilyId, ManifestStyle};

/// A phone older than this release must take a hop first…
pub const HOP_BELOW: (u32, u32, u32) = (8, 3, 3);
/// …to reach this release or a later one.
pub const HOP_TO: (u32, u32, u32) = (8, 5, 3);

/// What a phone of family `family` on load version `from` must pass through
/// before `to`: the release to install first, or `None` when it can go
/// straight there (or Lifeline knows no rule for the family).
pub fn hop_before(family: FamilyId, from: &Version, to: &Version) -> Option<&'static str> {
    let five = models::family(family).manifest_style == ManifestStyle::FiveImages;
    let (below, to_at) = (HOP_BELOW, HOP_TO);
    (five
        && from.cmp_release(below.0, below.1, below.2).is_lt()
        && to.cmp_release(to_at.0, to_at.1, to_at.2).is_ge())
    .then_some("8.5(2)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::from_load_name(s).unwrap()
    }

    #[test]
    fn older_than_8_3_3_to_8_5_3_or_later_goes_through_8_5_2() {
        let f = FamilyId::F7941_7961;
        assert_eq!(
            hop_before(f, &v("SCCP41.8-2-1S"), &v("SCCP41.9-4-2SR3-1S")),
            Some("8.5(2)")
        );
        assert_eq!(
            hop_before(f, &v("SCCP41.8-2-1S"), &v("SCCP41.8-5-3S")),
            Some("8.5(2)")
        );
        // From 8.3(3) on, or to 8.5(2) itself, straight there.
        assert_eq!(
            hop_before(f, &v("SCCP41.8-3-3S"), &v("SCCP41.9-4-2SR3-1S")),
            None
        );
        assert_eq!(
            hop_before(f, &v("SCCP41.8-2-1S"), &v("SCCP41.8-5-2S")),
            None
        );
        // No rule known for the 69xx.
        assert_eq!(
            hop_before(FamilyId::F69xx, &v("SIP69xx.8-2-1"), &v("SIP69xx.9-4-1-3")),
            None
        );
    }
}
