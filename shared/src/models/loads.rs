//! Which models of a family a load is for. Most families run one load on
//! every model; two do not:
//!
//! - 792x: each model has its own load, named after it (`CP7921G-…`,
//!   `CP7925G-…`, `CP7926G-…`: the real manifests in
//!   `../shared/fixtures/loads/` list different images for each, `TNUX-…`,
//!   `TNUXH-…`, `TNUXS-…`);
//! - 69xx: the 6901, 6911 and 6945 have loads of their own (`SCCP6901.…`,
//!   `SCCP6911.…`, `SCCP6945.…` in the same fixtures, the 6945's listing
//!   `.binN.sgn` images), while `SCCP69xx`/`SIP69xx` serve the 6921, 6941 and
//!   6961 (a published `loadNNN.txt`: `495  SIP69xx.9-4-1-3 … // RT-Lite 6921 SIP`).

use super::{FamilyId, Model, models_of};

/// The 69xx models with a load of their own.
const OWN_LOAD_69XX: [&str; 3] = ["6901", "6911", "6945"];

/// The models of `family` that `load` (a load or manifest name) is for; every
/// model of the family when the name does not say.
pub fn models_of_load(family: FamilyId, load: &str) -> impl Iterator<Item = &'static Model> {
    let l = load.to_ascii_lowercase();
    let named: Option<String> = match family {
        // `get`, not slicing: a name from a package may hold any UTF-8.
        FamilyId::F792x => l
            .strip_prefix("cp")
            .and_then(|r| r.get(..4))
            .map(str::to_string),
        FamilyId::F69xx => l
            .strip_prefix("sccp")
            .or_else(|| l.strip_prefix("sip"))
            .and_then(|r| r.get(..4))
            .map(str::to_string),
        _ => None,
    };
    let known = named
        .as_deref()
        .is_some_and(|n| models_of(family).any(|m| m.name == n));
    models_of(family).filter(move |m| match (family, named.as_deref()) {
        (_, Some(n)) if known => m.name == n,
        (FamilyId::F69xx, Some("69xx")) => !OWN_LOAD_69XX.contains(&m.name),
        _ => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(family: FamilyId, load: &str) -> Vec<&'static str> {
        models_of_load(family, load).map(|m| m.name).collect()
    }

    #[test]
    fn a_792x_load_is_for_the_model_it_is_named_after() {
        assert_eq!(names(FamilyId::F792x, "CP7925G-1.4.7.3"), ["7925"]);
        assert_eq!(names(FamilyId::F792x, "CP7921G-1.4.6.3.LOADS"), ["7921"]);
        assert_eq!(names(FamilyId::F792x, "cp7926g-1.4.1SR1"), ["7926"]);
    }

    #[test]
    fn the_69xx_load_is_for_6921_6941_6961_and_the_others_have_their_own() {
        assert_eq!(
            names(FamilyId::F69xx, "SIP69xx.9-4-1-3SR2"),
            ["6921", "6941", "6961"]
        );
        assert_eq!(names(FamilyId::F69xx, "SCCP6911.9-2-1-a"), ["6911"]);
        assert_eq!(names(FamilyId::F69xx, "SCCP6945.9-3-1-3.loads"), ["6945"]);
        assert_eq!(names(FamilyId::F69xx, "SCCP6901.9-2-1-a"), ["6901"]);
    }

    #[test]
    fn any_name_is_answered_without_a_panic() {
        for name in [
            "",
            "cp",
            "CP79",
            "cpé7925",
            "sccp6é",
            "SIP69",
            "cp\u{1F4DE}x",
        ] {
            assert_eq!(names(FamilyId::F792x, name).len(), 3, "{name}");
            assert!(!names(FamilyId::F69xx, name).is_empty(), "{name}");
        }
    }

    #[test]
    fn other_families_serve_every_model() {
        assert_eq!(
            names(FamilyId::F88xx, "sip88xx.14-2-1-0101-33"),
            ["8811", "8841", "8851", "8861"]
        );
        assert_eq!(names(FamilyId::F7941_7961, "SCCP41.8-3-3S").len(), 4);
    }
}
