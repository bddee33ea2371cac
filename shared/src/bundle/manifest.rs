//! `lifeline-bundle.json`: what a bundle holds, file by file, and the checks a manifest
//! received from elsewhere must pass before anything is written.
//!
//! Invariants: a bundle's id is a SHA-256 over its files' names and hashes in name order,
//! so equal content has an equal id; every file name is safe in a flat TFTP root.

use crate::config::mac::Mac;
use crate::models::{self, FamilyId, Protocol};
use crate::sorted;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::net::Ipv4Addr;

/// The bundle manifest's file name.
pub const MANIFEST_NAME: &str = "lifeline-bundle.json";
/// The manifest format version.
pub const FORMAT: u32 = 1;

/// A phone the bundle has its own configuration for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// Its MAC address.
    pub mac: Mac,
    /// Its model, when known (`7961`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub model: Option<String>,
}

/// What the person chose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// TFTP servers for option 150, in priority order.
    pub tftp_servers: Vec<Ipv4Addr>,
    /// Call-control addresses, in priority order.
    pub call_managers: Vec<String>,
    /// Phones with their own configuration.
    #[serde(default)]
    pub phones: Vec<Phone>,
}

/// What a bundle file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// From the firmware archive.
    Firmware,
    /// Generated configuration.
    Config,
    /// A copy under a manifest's spelling of a firmware file.
    Alias,
}

/// One file of the bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct File {
    /// Its name in the TFTP root.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// What it is.
    pub kind: Kind,
}

impl File {
    /// The entry for `data` served as `name`.
    pub fn of(name: &str, data: &[u8], kind: Kind) -> Self {
        Self {
            name: name.to_owned(),
            size: data.len() as u64,
            sha256: sha256_hex(data),
            kind,
        }
    }
}

/// A name a manifest spells differently from the file that serves it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    /// As the manifest (and so the phone) spells it.
    pub name: String,
    /// The file that serves it.
    pub target: String,
}

/// `lifeline-bundle.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: u32,
    /// SHA-256 over the sorted file list (names and hashes): equal content, equal id.
    pub id: String,
    /// The firmware archive's name.
    pub source: String,
    /// The load name.
    pub load: Option<String>,
    /// The load's protocol.
    pub protocol: Option<Protocol>,
    /// The settings used.
    pub settings: Settings,
    /// Every file, sorted by name.
    pub files: Vec<File>,
    /// Case aliases.
    pub aliases: Vec<Alias>,
}

impl Manifest {
    /// The phone family its load is for, from the load's name.
    pub fn family(&self) -> Option<FamilyId> {
        models::family_of_name(self.load.as_deref()?)
    }

    /// The models a phone of which can take this bundle: the family's models whose
    /// recovery manifest is among the files (any case), or every model of a family
    /// that recovers without one.
    pub fn models(&self) -> Vec<&'static str> {
        let Some(f) = self.family() else {
            return Vec::new();
        };
        let has = |name: &str| self.files.iter().any(|x| x.name.eq_ignore_ascii_case(name));
        models::models_of(f)
            .filter(|m| m.recovery_manifest.is_none_or(has))
            .map(|m| m.name)
            .collect()
    }
}

pub(super) fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A bundle's id: SHA-256 over its files' names and hashes, in name order.
pub fn bundle_id(files: &[File]) -> String {
    let mut sorted: Vec<&File> = files.iter().collect();
    crate::sort::sort_by(&mut sorted, |a, b| a.name.cmp(&b.name));
    let mut h = Sha256::new();
    for f in sorted {
        h.update(f.name.as_bytes());
        h.update([0]);
        h.update(f.sha256.as_bytes());
        h.update([b'\n']);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a manifest received from elsewhere is not acceptable.
pub fn check_manifest(m: &Manifest, max_total: u64, max_files: usize) -> Result<u64, String> {
    if m.format != FORMAT {
        return Err(format!(
            "bundle format {} is not {FORMAT}: update the helper or the page",
            m.format
        ));
    }
    if m.files.is_empty() {
        return Err("the bundle has no files".into());
    }
    if m.files.len() > max_files {
        return Err(format!(
            "the bundle has {} files; at most {max_files}",
            m.files.len()
        ));
    }
    let mut total: u64 = 0;
    let mut names = Vec::new();
    for f in &m.files {
        let n = &f.name;
        let safe = !n.is_empty()
            && n.len() <= 255
            && n != MANIFEST_NAME
            && !n.starts_with('.')
            && n.bytes()
                .all(|b| b.is_ascii_graphic() && b != b'/' && b != b'\\' && b != b':');
        if !safe {
            return Err(format!("`{n}` is not a safe file name for a TFTP root"));
        }
        // Names that differ only in case are allowed: that is what aliases are.
        if !sorted::insert(&mut names, n.as_str()) {
            return Err(format!("`{n}` appears twice"));
        }
        if f.sha256.len() != 64
            || !f
                .sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return Err(format!("`{n}` has no valid SHA-256"));
        }
        total = total.saturating_add(f.size);
    }
    if total > max_total {
        return Err(format!("the bundle is {total} bytes; at most {max_total}"));
    }
    if m.id != bundle_id(&m.files) {
        return Err("the bundle id does not match its files (the manifest was altered)".into());
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::{build, firmware_from_zip};
    use crate::firmware::inspect::inspect_zip;
    use crate::testkit::seed_zip;
    use std::net::Ipv4Addr;

    fn manifest() -> Manifest {
        let zip = seed_zip();
        let report = inspect_zip("seed.zip", &zip).unwrap();
        let fw = firmware_from_zip(&zip, &report).unwrap();
        let settings = Settings {
            tftp_servers: vec![Ipv4Addr::new(10, 0, 0, 1)],
            call_managers: vec!["10.0.0.1".into()],
            phones: vec![],
        };
        build(&report, fw, &settings).unwrap().manifest
    }

    #[test]
    fn a_manifest_names_its_family_and_the_models_its_recovery_manifests_serve() {
        let mut m = manifest();
        assert_eq!(m.family(), Some(FamilyId::F7941_7961));
        let all = m.models();
        assert!(all.contains(&"7941") && all.contains(&"7961"), "{all:?}");
        // Without term61.default.loads a wiped 7961 has nothing to ask for.
        m.files
            .retain(|f| !f.name.eq_ignore_ascii_case("term61.default.loads"));
        let some = m.models();
        assert!(
            some.contains(&"7941") && !some.contains(&"7961"),
            "{some:?}"
        );
        m.load = None;
        assert_eq!((m.family(), m.models().len()), (None, 0));
    }

    #[test]
    fn a_built_manifest_passes_and_tampering_fails() {
        let m = manifest();
        let total = check_manifest(&m, 1 << 30, 100).unwrap();
        assert_eq!(total, m.files.iter().map(|f| f.size).sum::<u64>());
        assert!(
            check_manifest(&m, 1000, 100)
                .unwrap_err()
                .contains("at most 1000")
        );
        for bad in [
            "../x",
            "a/b",
            "a\\b",
            ".hidden",
            "C:x",
            "lifeline-bundle.json",
            "",
        ] {
            let mut t = m.clone();
            t.files[0].name = bad.into();
            t.id = bundle_id(&t.files);
            assert!(check_manifest(&t, 1 << 30, 100).is_err(), "{bad:?}");
        }
        let mut t = m.clone();
        t.files[0].sha256 = "zz".into();
        assert!(check_manifest(&t, 1 << 30, 100).is_err());
        let mut t = m.clone();
        t.files[0].size += 1;
        t.files[1].sha256 = "0".repeat(64);
        assert!(
            check_manifest(&t, 1 << 30, 100)
                .unwrap_err()
                .contains("altered")
        );
    }
}
