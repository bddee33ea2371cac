//! The model catalogue: one table of every phone Lifeline knows.
//!
//! Device-type ids (the `NN` of `loadInformationNN`) are the values three independent
//! code bases agree on. A family is a set of models that run the same load; each model
//! of a recoverable family names the `termNN.default.loads` manifest a wiped phone
//! asks for.

use serde::{Deserialize, Serialize};
use std::fmt;

mod loads;
mod wire;
pub use loads::models_of_load;
pub use wire::{BootOrder, PROVISION_HTTP_PORT, with_article};

/// Call-control protocol of a load.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Protocol {
    /// Skinny (Cisco's own).
    Sccp,
    Sip,
}

impl Protocol {
    /// `SCCP` or `SIP`.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Sccp => "SCCP",
            Protocol::Sip => "SIP",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A family of phones that share one firmware load.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FamilyId {
    /// 7941, 7961 (and their GE variants).
    #[serde(rename = "7941-7961")]
    F7941_7961,
    /// 7942, 7962.
    #[serde(rename = "7942-7962")]
    F7942_7962,
    /// 7945, 7965.
    #[serde(rename = "7945-7965")]
    F7945_7965,
    /// 7970, 7971.
    #[serde(rename = "7970-7971")]
    F7970_7971,
    /// 7975.
    #[serde(rename = "7975")]
    F7975,
    /// 7911, 7906.
    #[serde(rename = "7911-7906")]
    F7911_7906,
    /// 7931.
    #[serde(rename = "7931")]
    F7931,
    /// 7940, 7960 (the older generation, `P00…` loads).
    #[serde(rename = "7940-7960")]
    F7940_7960,
    /// The 6900 series (`*.zz.sgn` images).
    #[serde(rename = "69xx")]
    F69xx,
    /// 8941, 8945 (`*.binN.sgn` images).
    #[serde(rename = "894x")]
    F894x,
    /// 7921, 7925, 7926 wireless phones (`NAME SIZE MD5` manifests).
    #[serde(rename = "792x")]
    F792x,
    /// 7800 series (a different header and an INI body).
    #[serde(rename = "78xx")]
    F78xx,
    /// 8811, 8841, 8851, 8861 (`sip88xx.*.loads`: the 7800 series' header and INI body).
    #[serde(rename = "88xx")]
    F88xx,
    /// 8845, 8865 (`sip8845_65.*.loads`, the video models of the 8800 series).
    #[serde(rename = "8845-8865")]
    F8845_65,
}

impl FamilyId {
    /// The id as it travels and is written (`7941-7961`, `69xx`): its serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            FamilyId::F7941_7961 => "7941-7961",
            FamilyId::F7942_7962 => "7942-7962",
            FamilyId::F7945_7965 => "7945-7965",
            FamilyId::F7970_7971 => "7970-7971",
            FamilyId::F7975 => "7975",
            FamilyId::F7911_7906 => "7911-7906",
            FamilyId::F7931 => "7931",
            FamilyId::F7940_7960 => "7940-7960",
            FamilyId::F69xx => "69xx",
            FamilyId::F894x => "894x",
            FamilyId::F792x => "792x",
            FamilyId::F78xx => "78xx",
            FamilyId::F88xx => "88xx",
            FamilyId::F8845_65 => "8845-8865",
        }
    }

    /// The family whose [`FamilyId::as_str`] is `text`.
    pub fn parse(text: &str) -> Option<FamilyId> {
        FAMILIES.iter().map(|f| f.id).find(|id| id.as_str() == text)
    }
}

/// How a family's manifest body is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ManifestStyle {
    /// 79x1/79x2/79x5/797x/791x/7931: five `.sbn` names, jar cnu apps dsp cvm.
    FiveImages,
    /// 7940/7960: `.sbn`, `.sb2` and `LA_VERSION=`.
    LaVersion,
    /// 69xx: `*.zz.sgn` lines.
    ZzSgn,
    /// 894x: `*.binN.sgn` lines.
    BinSgn,
    /// 792x: `NAME SIZE MD5` lines.
    SizeMd5,
    /// 78xx, 88xx: INI body with `size=`.
    Ini,
}

/// What is known of a family.
#[derive(Clone, Copy, Debug)]
pub struct Family {
    pub id: FamilyId,
    /// A short human name, e.g. `7941/7961`.
    pub name: &'static str,
    /// How its firmware zips are named, e.g. `cmterm-7941_7961`.
    pub zip_prefix: &'static str,
    /// The SCCP load prefix, e.g. `SCCP41`.
    pub sccp_prefix: Option<&'static str>,
    /// The SIP load prefix, e.g. `SIP41`.
    pub sip_prefix: Option<&'static str>,
    /// How its manifests are written.
    pub manifest_style: ManifestStyle,
    /// How to factory-reset a phone of the family into TFTP recovery, step by step.
    pub reset_steps: &'static [&'static str],
    /// Power notes that matter during recovery.
    pub power_note: Option<&'static str>,
    /// Whether Lifeline can recover it over TFTP with a `termNN.default.loads`.
    pub tftp_recovery: bool,
}

/// One phone model.
#[derive(Clone, Copy, Debug)]
pub struct Model {
    /// Model name as people say it: `7961`, `7961G-GE`.
    pub name: &'static str,
    /// The `model` attribute in `XMLDefault.cnf.xml`: `IP Phone 7961`.
    pub product: &'static str,
    /// Device-type id used in `loadInformation<ID>`.
    pub device_id: u16,
    pub family: FamilyId,
    /// The manifest a wiped phone asks for, e.g. `term61.default.loads`.
    pub recovery_manifest: Option<&'static str>,
}

const RESET_79X1: &[&str] = &[
    "Unplug the phone (or its PoE cable).",
    "Hold the # key and plug the power back in; keep holding #.",
    "Release # when the line keys flash amber (after about 10 s).",
    "Type 123456789*0# to reset it, or 3491672850*# for a full flash wipe.",
    "The phone reboots into recovery and asks DHCP for a TFTP server. It may look dead for up to 15 minutes while it downloads: do not unplug it.",
];
const RESET_7911: &[&str] = &[
    "Unplug the phone (or its PoE cable).",
    "Hold the # key and plug the power back in; keep holding #.",
    "Release # when the Mute, Headset and Speaker buttons flash in sequence.",
    "Type 123456789*0# to reset it, or 3491672850*# for a full flash wipe.",
    "The phone reboots into recovery and asks DHCP for a TFTP server. It may look dead for up to 15 minutes while it downloads: do not unplug it.",
];
/// Cisco's 7960G/7940G administration guide, "factory reset": the Headset, Mute and
/// Speaker buttons flash (not the line buttons), 60 s for the keys, then
/// "Keep network cfg? 1 = yes 2 = no".
const RESET_7940: &[&str] = &[
    "Unplug the phone (or its PoE cable).",
    "Plug it back in and at once press and hold #; release # when the Headset, Mute and Speaker buttons flash in sequence.",
    "Within 60 s, type 123456789*0#. A wrong key ends the reset and the phone starts as usual: begin again.",
    "At \"Keep network cfg? 1 = yes 2 = no\", press 2, so the phone forgets its TFTP address and asks DHCP again.",
    "The phone asks DHCP for a TFTP server and reads OS79XX.TXT to choose its image.",
];
const RESET_OTHER: &[&str] = &[
    "Factory-reset the phone as its administration guide describes; Lifeline has no verified key sequence for this family.",
];
const BRICK: &str = "Recover it on a power brick (CP-PWR-CUBE-3): on PoE a 7970/7971/7975 stays in low-power mode and may fail to flash.";

/// Every family Lifeline knows.
pub const FAMILIES: &[Family] = &[
    Family {
        id: FamilyId::F7941_7961,
        name: "7941/7961",
        zip_prefix: "cmterm-7941_7961",
        sccp_prefix: Some("SCCP41"),
        sip_prefix: Some("SIP41"),
        manifest_style: ManifestStyle::FiveImages,
        reset_steps: RESET_79X1,
        power_note: None,
        tftp_recovery: true,
    },
    Family {
        id: FamilyId::F7942_7962,
        name: "7942/7962",
        zip_prefix: "cmterm-7942_7962",
        sccp_prefix: Some("SCCP42"),
        sip_prefix: Some("SIP42"),
        manifest_style: ManifestStyle::FiveImages,
        reset_steps: RESET_79X1,
        power_note: None,
        tftp_recovery: true,
    },
    Family {
        id: FamilyId::F7945_7965,
        name: "7945/7965",
        zip_prefix: "cmterm-7945_7965",
        sccp_prefix: Some("SCCP45"),
        sip_prefix: Some("SIP45"),
        manifest_style: ManifestStyle::FiveImages,
        reset_steps: RESET_79X1,
        power_note: None,
        tftp_recovery: true,
    },
    Family {
        id: FamilyId::F7970_7971,
        name: "7970/7971",
        zip_prefix: "cmterm-7970_7971",
        sccp_prefix: Some("SCCP70"),
        sip_prefix: Some("SIP70"),
        manifest_style: ManifestStyle::FiveImages,
        reset_steps: RESET_79X1,
        power_note: Some(BRICK),
        tftp_recovery: true,
    },
    Family {
        id: FamilyId::F7975,
        name: "7975",
        zip_prefix: "cmterm-7975",
        sccp_prefix: Some("SCCP75"),
        sip_prefix: Some("SIP75"),
        manifest_style: ManifestStyle::FiveImages,
        reset_steps: RESET_79X1,
        power_note: Some(BRICK),
        tftp_recovery: true,
    },
    Family {
        id: FamilyId::F7911_7906,
        name: "7911/7906",
        zip_prefix: "cmterm-7911_7906",
        sccp_prefix: Some("SCCP11"),
        sip_prefix: Some("SIP11"),
        manifest_style: ManifestStyle::FiveImages,
        reset_steps: RESET_7911,
        power_note: None,
        tftp_recovery: true,
    },
    Family {
        id: FamilyId::F7931,
        name: "7931",
        zip_prefix: "cmterm-7931",
        sccp_prefix: Some("SCCP31"),
        sip_prefix: None,
        manifest_style: ManifestStyle::FiveImages,
        reset_steps: RESET_79X1,
        power_note: None,
        tftp_recovery: true,
    },
    Family {
        id: FamilyId::F7940_7960,
        name: "7940/7960",
        zip_prefix: "P003",
        sccp_prefix: Some("P003"),
        sip_prefix: Some("P0S3"),
        manifest_style: ManifestStyle::LaVersion,
        reset_steps: RESET_7940,
        power_note: None,
        tftp_recovery: false,
    },
    Family {
        id: FamilyId::F69xx,
        name: "6900 series",
        zip_prefix: "cmterm-69xx",
        sccp_prefix: Some("SCCP69"),
        sip_prefix: Some("SIP69"),
        manifest_style: ManifestStyle::ZzSgn,
        reset_steps: RESET_OTHER,
        power_note: None,
        tftp_recovery: false,
    },
    Family {
        id: FamilyId::F894x,
        name: "8941/8945",
        zip_prefix: "cmterm-894x",
        sccp_prefix: Some("SCCP894x"),
        sip_prefix: Some("SIP894x"),
        manifest_style: ManifestStyle::BinSgn,
        reset_steps: RESET_OTHER,
        power_note: None,
        tftp_recovery: false,
    },
    Family {
        id: FamilyId::F792x,
        name: "7921/7925/7926",
        zip_prefix: "cmterm-792x",
        sccp_prefix: Some("CP792"),
        sip_prefix: None,
        manifest_style: ManifestStyle::SizeMd5,
        reset_steps: RESET_OTHER,
        power_note: None,
        tftp_recovery: false,
    },
    Family {
        id: FamilyId::F78xx,
        name: "7800 series",
        zip_prefix: "cmterm-78xx",
        sccp_prefix: None,
        sip_prefix: Some("sip78xx"),
        manifest_style: ManifestStyle::Ini,
        reset_steps: RESET_OTHER,
        power_note: None,
        tftp_recovery: false,
    },
    Family {
        id: FamilyId::F88xx,
        name: "8811/8841/8851/8861",
        zip_prefix: "cmterm-88xx",
        sccp_prefix: None,
        sip_prefix: Some("sip88xx"),
        manifest_style: ManifestStyle::Ini,
        reset_steps: RESET_OTHER,
        power_note: None,
        tftp_recovery: false,
    },
    Family {
        id: FamilyId::F8845_65,
        name: "8845/8865",
        zip_prefix: "cmterm-8845_65",
        sccp_prefix: None,
        sip_prefix: Some("sip8845_65"),
        manifest_style: ManifestStyle::Ini,
        reset_steps: RESET_OTHER,
        power_note: None,
        tftp_recovery: false,
    },
];

const fn m(
    name: &'static str,
    product: &'static str,
    device_id: u16,
    family: FamilyId,
    recovery_manifest: Option<&'static str>,
) -> Model {
    Model {
        name,
        product,
        device_id,
        family,
        recovery_manifest,
    }
}

/// Every model Lifeline knows, with its device-type id.
pub const MODELS: &[Model] = &[
    m(
        "7941",
        "IP Phone 7941",
        115,
        FamilyId::F7941_7961,
        Some("term41.default.loads"),
    ),
    m(
        "7941G-GE",
        "IP Phone 7941G-GE",
        309,
        FamilyId::F7941_7961,
        Some("term41.default.loads"),
    ),
    m(
        "7961",
        "IP Phone 7961",
        30018,
        FamilyId::F7941_7961,
        Some("term61.default.loads"),
    ),
    m(
        "7961G-GE",
        "IP Phone 7961G-GE",
        308,
        FamilyId::F7941_7961,
        Some("term61.default.loads"),
    ),
    m(
        "7942",
        "IP Phone 7942",
        434,
        FamilyId::F7942_7962,
        Some("term42.default.loads"),
    ),
    m(
        "7962",
        "IP Phone 7962",
        404,
        FamilyId::F7942_7962,
        Some("term62.default.loads"),
    ),
    m(
        "7945",
        "IP Phone 7945",
        435,
        FamilyId::F7945_7965,
        Some("term45.default.loads"),
    ),
    m(
        "7965",
        "IP Phone 7965",
        436,
        FamilyId::F7945_7965,
        Some("term65.default.loads"),
    ),
    m(
        "7970",
        "IP Phone 7970",
        30006,
        FamilyId::F7970_7971,
        Some("term70.default.loads"),
    ),
    m(
        "7971",
        "IP Phone 7971",
        119,
        FamilyId::F7970_7971,
        Some("term71.default.loads"),
    ),
    m(
        "7975",
        "IP Phone 7975",
        437,
        FamilyId::F7975,
        Some("term75.default.loads"),
    ),
    m(
        "7911",
        "IP Phone 7911",
        307,
        FamilyId::F7911_7906,
        Some("term11.default.loads"),
    ),
    m(
        "7906",
        "IP Phone 7906",
        369,
        FamilyId::F7911_7906,
        Some("term06.default.loads"),
    ),
    m(
        "7931",
        "IP Phone 7931",
        348,
        FamilyId::F7931,
        Some("term31.default.loads"),
    ),
    m("7940", "IP Phone 7940", 8, FamilyId::F7940_7960, None),
    m("7960", "IP Phone 7960", 7, FamilyId::F7940_7960, None),
    // 69xx: 6921/6941/6961 = 495/496/497 agreed by the three code bases above;
    // 6901/6911/6945 = 547/548/564 from chan-sccp-b's SKINNY_DEVICETYPE table,
    // matching the SCCP device-type enums of two other public SCCP stacks.
    m("6901", "IP Phone 6901", 547, FamilyId::F69xx, None),
    m("6911", "IP Phone 6911", 548, FamilyId::F69xx, None),
    m("6921", "IP Phone 6921", 495, FamilyId::F69xx, None),
    m("6941", "IP Phone 6941", 496, FamilyId::F69xx, None),
    m("6945", "IP Phone 6945", 564, FamilyId::F69xx, None),
    m("6961", "IP Phone 6961", 497, FamilyId::F69xx, None),
    // 894x and 792x: agreed by the three code bases above.
    m("8941", "IP Phone 8941", 586, FamilyId::F894x, None),
    m("8945", "IP Phone 8945", 585, FamilyId::F894x, None),
    m("7921", "IP Phone 7921", 365, FamilyId::F792x, None),
    m("7925", "IP Phone 7925", 484, FamilyId::F792x, None),
    m("7926", "IP Phone 7926", 577, FamilyId::F792x, None),
    // 78xx: 7821/7841/7861 = 621/622/623 in two published sources (a PBX's
    // endpoint table of `loadInformationNN` names and a provisioning script's
    // XMLDefault); 7811 = 36213 in the script only (unverified by a second source).
    m("7811", "Cisco 7811", 36213, FamilyId::F78xx, None),
    m("7821", "Cisco 7821", 621, FamilyId::F78xx, None),
    m("7841", "Cisco 7841", 622, FamilyId::F78xx, None),
    m("7861", "Cisco 7861", 623, FamilyId::F78xx, None),
    // 88xx: 8841/8851/8861 = 683/684/685 in the same two sources and a third
    // script's comments; 8811 = 36217 in both scripts (not in the table).
    m("8811", "Cisco 8811", 36217, FamilyId::F88xx, None),
    m("8841", "Cisco 8841", 683, FamilyId::F88xx, None),
    m("8851", "Cisco 8851", 684, FamilyId::F88xx, None),
    m("8861", "Cisco 8861", 685, FamilyId::F88xx, None),
    // 8845/8865 = 36224/36225 in the provisioning script only (unverified by a
    // second source), which names their load `sip8845_65.…`.
    m("8845", "Cisco 8845", 36224, FamilyId::F8845_65, None),
    m("8865", "Cisco 8865", 36225, FamilyId::F8845_65, None),
];

/// Models with a device id but no family Lifeline can inspect (7905, 7912).
pub const OTHER_DEVICE_IDS: &[(&str, u16)] = &[("7912", 30007), ("7905", 20000)];

/// The family with this id.
pub fn family(id: FamilyId) -> &'static Family {
    FAMILIES
        .iter()
        .find(|f| f.id == id)
        .expect("every FamilyId has an entry in FAMILIES")
}

/// The models of a family, in catalogue order.
pub fn models_of(id: FamilyId) -> impl Iterator<Item = &'static Model> {
    MODELS.iter().filter(move |m| m.family == id)
}

/// A model by name (`7961`, `CP-7961G`, `7961G-GE`, case-insensitive).
pub fn model(name: &str) -> Option<&'static Model> {
    let n = name.trim();
    let n = n
        .strip_prefix("CP-")
        .or_else(|| n.strip_prefix("cp-"))
        .unwrap_or(n);
    // By `get`, never by slicing: a name is any text, and a byte count from
    // the catalogue may fall inside one of its characters.
    MODELS.iter().find(|m| {
        m.name.eq_ignore_ascii_case(n)
            || (n.len() == m.name.len() + 1
                && n.get(..m.name.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(m.name))
                && n.get(m.name.len()..)
                    .is_some_and(|tail| tail.eq_ignore_ascii_case("G")))
    })
}

/// The model whose device-type id is `id`.
pub fn model_by_device_id(id: u16) -> Option<&'static Model> {
    MODELS.iter().find(|m| m.device_id == id)
}

/// The family a load, manifest or image name belongs to, from its prefix.
///
/// Recognises `SCCP41…`, `SIP41…`, `term61.default.loads`, `jar41sccp…`,
/// `P003…`, `SCCP69xx…`, `SCCP894x…`, `CP7925G…`, `sip78xx…`, `sip88xx…`,
/// `sip8845_65…` and the like.
pub fn family_of_name(name: &str) -> Option<FamilyId> {
    let lower = name.to_ascii_lowercase();
    let l = lower.as_str();
    if l.starts_with("p003") || l.starts_with("p0s3") {
        return Some(FamilyId::F7940_7960);
    }
    if l.starts_with("cp7921") || l.starts_with("cp7925") || l.starts_with("cp7926") {
        return Some(FamilyId::F792x);
    }
    if l.starts_with("sip78xx") || l.starts_with("sccp78xx") {
        return Some(FamilyId::F78xx);
    }
    if l.starts_with("sip8845_65") || l.starts_with("sip8845_8865") {
        return Some(FamilyId::F8845_65);
    }
    if l.starts_with("sip88xx") {
        return Some(FamilyId::F88xx);
    }
    for p in ["sccp894x", "sip894x"] {
        if l.starts_with(p) {
            return Some(FamilyId::F894x);
        }
    }
    for p in ["sccp69", "sip69"] {
        if l.starts_with(p) {
            return Some(FamilyId::F69xx);
        }
    }
    let digits = |rest: &str| -> Option<u8> {
        let b = rest.as_bytes();
        if b.len() >= 2 && b[0].is_ascii_digit() && b[1].is_ascii_digit() {
            Some((b[0] - b'0') * 10 + (b[1] - b'0'))
        } else {
            None
        }
    };
    let nn = ["sccp", "sip", "term", "jar", "cnu", "apps", "dsp", "cvm"]
        .iter()
        .find_map(|p| l.strip_prefix(p).and_then(digits))?;
    match nn {
        41 | 61 => Some(FamilyId::F7941_7961),
        42 | 62 => Some(FamilyId::F7942_7962),
        45 | 65 => Some(FamilyId::F7945_7965),
        70 | 71 => Some(FamilyId::F7970_7971),
        75 => Some(FamilyId::F7975),
        11 | 6 => Some(FamilyId::F7911_7906),
        31 => Some(FamilyId::F7931),
        _ => None,
    }
}

/// The protocol a load or image name implies (`SCCP41…`, `jar41sip…`, `P0S3…`).
pub fn protocol_of_name(name: &str) -> Option<Protocol> {
    let l = name.to_ascii_lowercase();
    if l.starts_with("sccp") || l.starts_with("p003") {
        return Some(Protocol::Sccp);
    }
    if l.starts_with("sip") || l.starts_with("p0s3") {
        return Some(Protocol::Sip);
    }
    // Component images carry the protocol after the family digits: jar41sccp, cvm41sip.
    let rest = l.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    if rest.starts_with("sccp") {
        Some(Protocol::Sccp)
    } else if rest.starts_with("sip") {
        Some(Protocol::Sip)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_has_its_agreed_device_id() {
        let table = [
            ("7940", 8),
            ("7960", 7),
            ("7941", 115),
            ("7941G-GE", 309),
            ("7961", 30018),
            ("7961G-GE", 308),
            ("7942", 434),
            ("7962", 404),
            ("7945", 435),
            ("7965", 436),
            ("7970", 30006),
            ("7971", 119),
            ("7975", 437),
            ("7911", 307),
            ("7906", 369),
            ("7931", 348),
            ("7921", 365),
            ("7925", 484),
            ("7926", 577),
            ("8941", 586),
            ("8945", 585),
            ("6901", 547),
            ("6911", 548),
            ("6921", 495),
            ("6941", 496),
            ("6945", 564),
            ("6961", 497),
            ("7811", 36213),
            ("7821", 621),
            ("7841", 622),
            ("7861", 623),
            ("8811", 36217),
            ("8841", 683),
            ("8851", 684),
            ("8861", 685),
            ("8845", 36224),
            ("8865", 36225),
        ];
        for (name, id) in table {
            let m = model(name).unwrap_or_else(|| panic!("{name} missing"));
            assert_eq!(m.device_id, id, "{name}");
            assert_eq!(model_by_device_id(id).map(|m| m.name), Some(name));
        }
        assert_eq!(MODELS.len(), table.len());
    }

    /// Found by the phone_list fuzz target: a model typed with a character
    /// of several bytes where a catalogue name's length ends.
    #[test]
    fn a_model_name_with_multibyte_characters_is_unknown_not_a_panic() {
        assert!(model("796\u{FFFD}").is_none());
        assert!(model("79\u{e9}G").is_none());
        assert!(model("796\u{e9}").is_none());
        assert!(model("\u{8d}\u{9a}\u{95}\u{FFFD}\u{7f}").is_none());
        assert_eq!(model("7961g").map(|m| m.name), Some("7961"));
        assert_eq!(model("CP-7961G").map(|m| m.name), Some("7961"));
    }

    #[test]
    fn a_family_id_as_text_is_its_serde_name_and_parses_back() {
        for f in FAMILIES {
            let serde = serde_json::to_value(f.id).unwrap();
            assert_eq!(serde.as_str(), Some(f.id.as_str()));
            assert_eq!(FamilyId::parse(f.id.as_str()), Some(f.id));
        }
        assert_eq!(FamilyId::parse("7941_7961"), None);
    }

    #[test]
    fn every_model_has_a_family_and_recoverable_ones_a_manifest() {
        for m in MODELS {
            let f = family(m.family);
            assert_eq!(f.tftp_recovery, m.recovery_manifest.is_some(), "{}", m.name);
        }
        for f in FAMILIES {
            assert!(models_of(f.id).count() > 0, "{}", f.name);
        }
    }

    #[test]
    fn the_7940_reset_follows_cisco_guide() {
        let steps = family(FamilyId::F7940_7960).reset_steps.join(" ");
        for want in [
            "Headset, Mute and Speaker buttons flash",
            "123456789*0#",
            "Within 60 s",
            "Keep network cfg? 1 = yes 2 = no",
            "press 2",
            "OS79XX.TXT",
        ] {
            assert!(steps.contains(want), "{want}");
        }
        assert!(!steps.contains("line buttons"));
    }

    #[test]
    fn model_lookup_accepts_common_spellings() {
        assert_eq!(model("CP-7961G").map(|m| m.device_id), Some(30018));
        assert_eq!(model("7961g").map(|m| m.device_id), Some(30018));
        assert_eq!(model("cp-7941g-ge").map(|m| m.device_id), Some(309));
        assert!(model("7999").is_none());
    }

    #[test]
    fn families_from_names() {
        assert_eq!(
            family_of_name("SCCP41.8-3-3S.loads"),
            Some(FamilyId::F7941_7961)
        );
        assert_eq!(
            family_of_name("term61.default.loads"),
            Some(FamilyId::F7941_7961)
        );
        assert_eq!(
            family_of_name("term06.default.loads"),
            Some(FamilyId::F7911_7906)
        );
        assert_eq!(
            family_of_name("Jar41sccp.8-3-2-27.sbn"),
            Some(FamilyId::F7941_7961)
        );
        assert_eq!(
            family_of_name("P0030801SR02.loads"),
            Some(FamilyId::F7940_7960)
        );
        assert_eq!(
            family_of_name("SIP69xx.9-4-1-3SR2.loads"),
            Some(FamilyId::F69xx)
        );
        assert_eq!(
            family_of_name("SCCP6911.9-2-1-a.loads"),
            Some(FamilyId::F69xx)
        );
        assert_eq!(
            family_of_name("SCCP894x.9-4-2SR1-2.loads"),
            Some(FamilyId::F894x)
        );
        assert_eq!(
            family_of_name("CP7925G-1.4.7.3.LOADS"),
            Some(FamilyId::F792x)
        );
        assert_eq!(
            family_of_name("sip78xx.11-0-1-11.loads"),
            Some(FamilyId::F78xx)
        );
        assert_eq!(
            family_of_name("sip88xx.14-2-1-0101-33.loads"),
            Some(FamilyId::F88xx)
        );
        assert_eq!(
            family_of_name("sip8845_65.14-2-1-0101-33.loads"),
            Some(FamilyId::F8845_65)
        );
        assert_eq!(family_of_name("readme.txt"), None);
        assert_eq!(family_of_name("term99.default.loads"), None);
    }

    #[test]
    fn protocols_from_names() {
        assert_eq!(
            protocol_of_name("SCCP41.8-3-3S.loads"),
            Some(Protocol::Sccp)
        );
        assert_eq!(
            protocol_of_name("jar41sip.8-5-4TH1-6.sbn"),
            Some(Protocol::Sip)
        );
        assert_eq!(
            protocol_of_name("cvm41sccp.8-3-2-27.sbn"),
            Some(Protocol::Sccp)
        );
        assert_eq!(protocol_of_name("P0S3-8-12-00.loads"), Some(Protocol::Sip));
        assert_eq!(protocol_of_name("apps41.8-3-2-27.sbn"), None);
    }
}
