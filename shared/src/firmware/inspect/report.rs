//! The report a person reads: every entry, every manifest, the models served, and every
//! finding, worst first.
//!
//! Invariants: findings keep the order the phases found them within one severity (a stable
//! sort), and a manifest's or an image's role follows from the manifests that were read,
//! never from its name alone (a package's install script and load lists are known by name).

use super::Inspection;
use super::load::Load;
use super::names::{is_image_like, is_loads};
use crate::finding::{Finding, Severity, Tally};
use crate::firmware::package::{self, PackageFormat, TarFound};
use crate::firmware::signed::HashAlgorithm;
use crate::models::{self, FamilyId, ManifestStyle, Protocol};
use serde::{Deserialize, Serialize};

/// What an entry is to the phone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The load manifest (`SCCP41.8-3-3S.loads`).
    LoadManifest,
    /// A `termNN.default.loads` recovery manifest.
    RecoveryManifest,
    /// An image some manifest lists.
    Image,
    /// An image-like file no manifest lists.
    UnlistedImage,
    /// A Call Manager package's install script (`copstart.sh`, `copstart.py`): not served.
    InstallScript,
    /// A `loadNNN.txt`: which load a device type takes (read and checked, not served).
    LoadList,
    /// Anything else (ignored).
    Other,
}

/// One entry of the input, as reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryReport {
    /// The full path inside the input.
    pub path: String,
    /// The file name the phone asks for.
    pub name: String,
    /// Uncompressed size.
    pub size: u64,
    pub compressed_size: u64,
    /// `stored`, `deflate`, `file`, …
    pub method: String,
    /// CRC-32, 8 upper-case hex digits.
    pub crc32: String,
    /// Whether the data matched its CRC (`None`: not checked, or a loose file).
    pub crc_ok: Option<bool>,
    /// What it is.
    pub role: Role,
    /// The name in its signed header, when it has one.
    pub embedded_name: Option<String>,
}

/// How a listed image was found in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImageStatus {
    /// Present under exactly the listed name.
    Present,
    /// Present only under a name that differs in case.
    CaseMismatch,
    /// Not present.
    Missing,
    /// Not present, but the manifest marks it optional (`#+`).
    OptionalMissing,
}

/// One image a manifest lists, resolved against the input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageReport {
    /// The name as the manifest spells it.
    pub name: String,
    /// The entry name it resolves to, if any.
    pub entry: Option<String>,
    /// How it was found.
    pub status: ImageStatus,
    /// Its size in the input.
    pub size: Option<u64>,
}

/// One manifest, as reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestReport {
    /// The entry's file name.
    pub name: String,
    /// The name in its signed header.
    pub embedded_name: Option<String>,
    /// Its signed-header length.
    pub header_len: Option<usize>,
    /// The header's hash algorithm.
    pub hash_algorithm: Option<HashAlgorithm>,
    /// The build it carries, Cisco style (`9.4(2)ES9`).
    pub build: Option<String>,
    /// How its body is written.
    pub style: Option<ManifestStyle>,
    /// The `#HARDWARE_COMP_1` value.
    pub hardware_comp: Option<u32>,
    /// The 7940/7960 `LA_VERSION`.
    pub la_version: Option<String>,
    /// Whether it is a `termNN.default.loads`.
    pub recovery: bool,
    /// The images it lists, in order.
    pub images: Vec<ImageReport>,
}

/// A model the load serves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelReport {
    /// `7961`, `7961G-GE`.
    pub model: String,
    /// The `model` attribute for `XMLDefault.cnf.xml`.
    pub product: String,
    /// Device-type id for `loadInformation<ID>`.
    pub device_id: u16,
    /// The manifest a wiped phone of this model asks for.
    pub recovery_manifest: Option<String>,
    /// Whether that manifest is in the input.
    pub recovery_manifest_present: bool,
}

/// A Call Manager package's own facts, shown like a manifest's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageReport {
    /// How it is wrapped.
    pub format: PackageFormat,
    /// The name in its own signed header (tag 14).
    pub embedded_name: Option<String>,
    /// The signer (tag 4), e.g. `PT=3951_cop2;KT=dev;…`.
    pub signer: Option<String>,
    /// The header's hash algorithm (tag 8).
    pub hash_algorithm: Option<HashAlgorithm>,
    /// Its signed-header length.
    pub header_len: Option<usize>,
    /// Where the gzip stream (or the tar) starts.
    pub tar_offset: usize,
    /// How it was found.
    pub found: TarFound,
    /// The install script's path, when there is one.
    pub install_script: Option<String>,
    /// Archives nested inside (locale `.tar` files), by path: recognised, not read.
    pub nested_archives: Vec<String>,
}

/// One `loadNNN.txt`, read and checked against the catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadListReport {
    /// The entry's file name.
    pub name: String,
    /// The device-type id on its line.
    pub device_id: u16,
    /// The load it names.
    pub load: String,
    /// The model the catalogue gives that id, when it knows it.
    pub model: Option<String>,
    /// Whether it agrees with the catalogue, its own name and the input's load.
    pub agrees: bool,
}

/// The whole inspection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The input's name (the zip's file name, or the folder's).
    pub source: String,
    /// The load name: the manifest that is not `termNN.default`, without `.loads`.
    pub load: Option<String>,
    /// SCCP or SIP.
    pub protocol: Option<Protocol>,
    /// The family id.
    pub family: Option<FamilyId>,
    /// The family's human name (`7941/7961`).
    pub family_name: Option<String>,
    /// The build, Cisco style (`8.3(3)`).
    pub build: Option<String>,
    /// The models the load serves.
    pub models: Vec<ModelReport>,
    /// Every entry.
    pub entries: Vec<EntryReport>,
    /// Every manifest.
    pub manifests: Vec<ManifestReport>,
    /// Every finding, worst first.
    pub findings: Vec<Finding>,
    /// Findings by severity.
    pub tally: Tally,
    /// Total uncompressed size of the entries.
    pub total_size: u64,
    /// The package's own facts, when the input is a Call Manager package or a tar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<PackageReport>,
    /// Every `loadNNN.txt` that could be read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub load_lists: Vec<LoadListReport>,
}

impl Report {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.tally.errors > 0
    }

    /// Findings of one severity.
    pub fn findings_of(&self, severity: Severity) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.severity == severity)
    }

    /// The manifest that is the load (not `termNN.default`).
    pub fn load_manifest(&self) -> Option<&ManifestReport> {
        self.manifests.iter().find(|m| !m.recovery)
    }
}

impl Inspection<'_> {
    /// The last phase: every entry with its role, and the findings sorted worst first.
    pub(super) fn into_report(
        mut self,
        load: Load,
        models: Vec<ModelReport>,
        package: Option<PackageReport>,
    ) -> Report {
        let entries: Vec<EntryReport> = (0..self.items.len())
            .map(|i| self.entry_report(i))
            .collect();
        crate::sort::sort_by_key(&mut self.findings, |f| f.severity);
        let tally = Tally::of(&self.findings);
        Report {
            source: self.source.to_string(),
            load: load.name,
            protocol: load.protocol,
            family: load.family,
            family_name: load.family.map(|f| models::family(f).name.to_string()),
            build: load.version.map(|v| v.to_string()),
            models,
            total_size: entries.iter().map(|e| e.size).sum(),
            entries,
            manifests: self.manifests,
            findings: self.findings,
            tally,
            package,
            load_lists: self.load_lists,
        }
    }

    /// One entry as reported.
    fn entry_report(&self, i: usize) -> EntryReport {
        let e = &self.items[i].entry;
        EntryReport {
            path: e.path.clone(),
            name: e.name.clone(),
            size: e.size,
            compressed_size: e.compressed_size,
            method: e.method.name(),
            crc32: format!("{:08X}", e.crc32),
            crc_ok: e.crc_ok,
            role: self.role(i),
            embedded_name: self.embedded[i].clone(),
        }
    }

    /// What entry `i` is to the phone: a readable `.loads` file is a manifest (a recovery
    /// one when it was read as one), an entry some manifest lists is an image.
    fn role(&self, i: usize) -> Role {
        let name = self.items[i].entry.name.as_str();
        if is_loads(name) && self.readable[i] {
            if self.manifests.iter().any(|m| m.recovery && m.name == name) {
                Role::RecoveryManifest
            } else {
                Role::LoadManifest
            }
        } else if self.listed[i] {
            Role::Image
        } else if is_image_like(name) {
            Role::UnlistedImage
        } else if package::install_script(name) {
            Role::InstallScript
        } else if package::load_list_id(name).is_some() {
            Role::LoadList
        } else {
            Role::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firmware::inspect::fixtures::{inspection, loose, manifest_report, seed_with};
    use crate::firmware::inspect::inspect_zip;
    use crate::testkit::{self, image};

    #[test]
    fn report_serializes_with_the_documented_fields() {
        let r = inspect_zip("s.zip", &testkit::seed_zip()).unwrap();
        let v: serde_json::Value = serde_json::to_value(&r).unwrap();
        for key in [
            "load",
            "protocol",
            "family",
            "build",
            "models",
            "entries",
            "manifests",
            "findings",
        ] {
            assert!(v.get(key).is_some(), "{key}");
        }
        assert_eq!(v["protocol"], "SCCP");
        assert_eq!(v["family"], "7941-7961");
        assert_eq!(v["models"][2]["device_id"], 30018);
        assert_eq!(v["models"][2]["recovery_manifest"], "term61.default.loads");
        assert_eq!(
            v["manifests"][0]["images"][0]["name"],
            "jar41sccp.8-3-2-27.sbn"
        );
        let missing = seed_with(|f| f.retain(|(n, _)| n != "dsp41.8-3-2-27.sbn"));
        let v = serde_json::to_value(&missing).unwrap();
        assert_eq!(v["findings"][0]["severity"], "error");
        assert_eq!(v["findings"][0]["code"], "missing-image");
        assert_eq!(v["findings"][0]["subject"], "dsp41.8-3-2-27.sbn");
    }

    #[test]
    fn an_entry_is_what_the_manifests_that_were_read_make_it() {
        let files = loose(&[
            ("term41.default.loads", b"x".to_vec()),
            ("SCCP41.8-3-3S.loads", b"x".to_vec()),
            ("../SCCP41.8-3-3S.loads", b"x".to_vec()),
            ("a.sbn", image("a.sbn", 3000)),
            ("b.sbn", image("b.sbn", 3000)),
            ("readme.txt", b"hello".to_vec()),
        ]);
        let mut ins = inspection(&files);
        ins.manifests = vec![manifest_report("term41.default.loads", &["a.sbn"])];
        ins.listed[3] = true;
        let roles: Vec<Role> = (0..files.len()).map(|i| ins.role(i)).collect();
        assert_eq!(
            roles,
            [
                Role::RecoveryManifest,
                Role::LoadManifest,
                Role::Other,
                Role::Image,
                Role::UnlistedImage,
                Role::Other,
            ],
            "an unsafe name is never read, so it is nothing to the phone"
        );
    }
}
