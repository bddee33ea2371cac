//! A bundle: everything a TFTP root must hold to recover phones with one load.
//!
//! - the firmware files from the archive (manifests and images, by file name,
//!   flattened out of any folder);
//! - the generated `XMLDefault.cnf.xml` and one `SEP<MAC>.cnf.xml` per phone; for a
//!   7940/7960 load `OS79XX.TXT`, and for its SIP load `SIPDefault.cnf`, one
//!   `SIP<MAC>.cnf` per phone, `dialplan.xml` and `RINGLIST.DAT` (`family79`);
//! - case aliases: a copy under the spelling a manifest uses when the archive
//!   spells it differently (`Jar41sip…` served from `jar41sip…`), so that any TFTP
//!   server, case-sensitive or not, finds it;
//! - `lifeline-bundle.json`: id (a content hash), source archive, settings, and
//!   every file with its size and SHA-256.
//!
//! Building a bundle is pure; writing it to disk is the helper's job.
//!
//! # Layout
//!
//! - this module: [`build`] a [`Bundle`] from an inspected firmware and the settings.
//! - `manifest`: `lifeline-bundle.json` ([`Manifest`], its files and settings), the
//!   bundle id, and [`check_manifest`] for one received from elsewhere.

mod family79;
mod manifest;
mod plan;

pub use manifest::{
    Alias, FORMAT, File, Kind, MANIFEST_NAME, Manifest, Phone, Settings, bundle_id, check_manifest,
};
pub use plan::{PLAN_NAME, Package, build_plan, plan_json};

use crate::config::cnf_xml::{self, DefaultSettings, PhoneSettings, SipSettings};
use crate::config::mac::Mac;
use crate::finding::{Code, Finding, Severity};
use crate::firmware::archive::{ArchiveError, Limits, ZipIndex};
use crate::firmware::inspect::{ImageStatus, Report, Role};
use crate::firmware::package::{self, InputKind, PackageError};
use crate::models::{self, Protocol};
use crate::sorted;
use manifest::sha256_hex;
use std::collections::BTreeMap;
use thiserror::Error;

/// A bundle in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    pub manifest: Manifest,
    /// Every file's content, by name (the manifest file excluded).
    pub contents: BTreeMap<String, Vec<u8>>,
    /// Warnings from generating the configuration.
    pub findings: Vec<Finding>,
}

/// Why a bundle could not be made.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BundleError {
    /// The firmware has error findings.
    #[error("the firmware has {0} error finding(s); fix them first (see `lifeline inspect`)")]
    FirmwareErrors(usize),
    /// No load manifest to name in `XMLDefault.cnf.xml`.
    #[error(
        "the firmware has no load manifest (SCCPnn….loads or SIPnn….loads) to name in XMLDefault.cnf.xml"
    )]
    NoLoad,
    /// No TFTP server.
    #[error("give at least one TFTP server address (the address phones reach this computer at)")]
    NoTftpServer,
    /// A phone whose model does not run this load.
    #[error("phone {mac} is a {model}, but this firmware is for the {family}")]
    WrongModel {
        /// The phone.
        mac: String,
        /// Its model.
        model: String,
        /// The firmware's family.
        family: String,
    },
    /// A model Lifeline does not know.
    #[error("`{0}` is not a phone model Lifeline knows (e.g. 7961, 7942, 7965)")]
    UnknownModel(String),
    /// The same phone twice.
    #[error("phone {0} is listed twice")]
    DuplicatePhone(String),
    /// Settings that cannot be written.
    #[error("{0}")]
    Settings(#[from] cnf_xml::SettingsError),
    /// The archive could not be read again.
    #[error("{0}")]
    Archive(#[from] ArchiveError),
    /// The package could not be read again.
    #[error("{0}")]
    Package(#[from] PackageError),
    /// Two packages hold different files of one name.
    #[error("two packages hold different files named `{0}`; a bundle can serve only one of them")]
    Clash(String),
    /// A firmware file named in the report is missing from the files given.
    #[error("the firmware file `{0}` could not be read")]
    MissingContent(String),
}

/// The firmware files a bundle takes from a zip: every manifest and image the
/// report read without error, by file name.
pub fn firmware_from_zip(
    data: &[u8],
    report: &Report,
) -> Result<Vec<(String, Vec<u8>)>, BundleError> {
    let index = ZipIndex::open(data, &Limits::default())?;
    let mut out = Vec::new();
    for e in report
        .entries
        .iter()
        .filter(|e| wanted(e.role) && e.crc_ok != Some(false))
    {
        let i = index
            .entries
            .iter()
            .position(|z| z.entry.path == e.path)
            .ok_or_else(|| BundleError::MissingContent(e.name.clone()))?;
        let mut buf = Vec::with_capacity(e.size as usize);
        index
            .read(i, &mut |c| buf.extend_from_slice(c))
            .map_err(|_| BundleError::MissingContent(e.name.clone()))?;
        out.push((e.name.clone(), buf));
    }
    Ok(out)
}

/// The firmware files a bundle takes from a Call Manager package (or a tar): every
/// manifest and image the report read, by file name. The package is inflated again and
/// each file moved out of it, never copied.
pub fn firmware_from_package(
    data: &[u8],
    report: &Report,
) -> Result<Vec<(String, Vec<u8>)>, BundleError> {
    let pkg = package::read(data, &Limits::default())?;
    // The first of two same paths is the one the report read.
    let mut by_path = sorted::index(pkg.entries.into_iter().map(|e| (e.path, e.data)).collect());
    let mut out = Vec::new();
    for e in report.entries.iter().filter(|e| wanted(e.role)) {
        let data = sorted::remove(&mut by_path, e.path.as_str())
            .ok_or_else(|| BundleError::MissingContent(e.name.clone()))?;
        out.push((e.name.clone(), data));
    }
    Ok(out)
}

/// The firmware files a bundle takes from one archive, a zip or a package, told apart as
/// [`crate::firmware::inspect::inspect_archive`] does.
pub fn firmware_from_archive(
    name: &str,
    data: &[u8],
    report: &Report,
) -> Result<Vec<(String, Vec<u8>)>, BundleError> {
    match package::kind_of(name, data) {
        InputKind::Package(_) => firmware_from_package(data, report),
        InputKind::Zip | InputKind::Other => firmware_from_zip(data, report),
    }
}

fn wanted(role: Role) -> bool {
    matches!(
        role,
        Role::LoadManifest | Role::RecoveryManifest | Role::Image | Role::UnlistedImage
    )
}

/// Builds a bundle from an inspected firmware, its files and the settings.
pub fn build(
    report: &Report,
    firmware: Vec<(String, Vec<u8>)>,
    settings: &Settings,
) -> Result<Bundle, BundleError> {
    build_with_sip(report, firmware, settings, &[])
}

/// How a bundle is made, beyond its settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// When the firmware lacks the `termNN.default.loads` its models ask for
    /// after a factory reset (a Call Manager package often does), serve a copy
    /// of the load manifest under each missing name. They list the same
    /// images; whether a wiped phone accepts the copy (its signed header names
    /// the load manifest) is unverified, and the bundle's findings say so.
    pub recovery_from_load: bool,
}

/// [`build`], with a SIP profile for some phones: each listed phone's
/// `SEP<MAC>.cnf.xml` gets its `sipProfile` (used only when the load is SIP; an
/// SCCP load ignores them). The profiles are not in `lifeline-bundle.json`'s
/// settings (they may hold passwords), only in the phones' own files.
pub fn build_with_sip(
    report: &Report,
    firmware: Vec<(String, Vec<u8>)>,
    settings: &Settings,
    sip: &[(Mac, SipSettings)],
) -> Result<Bundle, BundleError> {
    build_with_options(report, firmware, settings, sip, Options::default())
}

/// The recovery manifests the models of the report's family ask for and the
/// firmware lacks (any case), each once, in catalogue order.
pub fn missing_recovery_manifests(report: &Report) -> Vec<&'static str> {
    let Some(f) = report.family.filter(|f| models::family(*f).tftp_recovery) else {
        return Vec::new();
    };
    let mut out: Vec<&'static str> = Vec::new();
    for r in models::models_of(f).filter_map(|m| m.recovery_manifest) {
        let present = report
            .entries
            .iter()
            .any(|e| e.name.eq_ignore_ascii_case(r));
        if !present && !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// [`build_with_sip`] with [`Options`].
pub fn build_with_options(
    report: &Report,
    firmware: Vec<(String, Vec<u8>)>,
    settings: &Settings,
    sip: &[(Mac, SipSettings)],
    options: Options,
) -> Result<Bundle, BundleError> {
    if report.tally.errors > 0 {
        return Err(BundleError::FirmwareErrors(report.tally.errors));
    }
    let load = report.load.clone().ok_or(BundleError::NoLoad)?;
    let protocol = report.protocol.unwrap_or(Protocol::Sccp);
    if settings.tftp_servers.is_empty() {
        return Err(BundleError::NoTftpServer);
    }
    let mut contents: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut kinds: Vec<(String, Kind)> = Vec::new();
    // Of two files with one name, the last given wins.
    let by_name = sorted::index(
        firmware
            .iter()
            .rev()
            .map(|(n, d)| (n.as_str(), d))
            .collect(),
    );
    for e in report.entries.iter().filter(|e| wanted(e.role)) {
        let data = sorted::get(&by_name, e.name.as_str())
            .ok_or_else(|| BundleError::MissingContent(e.name.clone()))?;
        contents.insert(e.name.clone(), (*data).clone());
        sorted::set(&mut kinds, e.name.clone(), Kind::Firmware);
    }
    let mut aliases = Vec::new();
    for m in &report.manifests {
        for img in &m.images {
            if let (ImageStatus::CaseMismatch, Some(target)) = (img.status, &img.entry)
                && !contents.contains_key(&img.name)
            {
                let data = contents
                    .get(target)
                    .cloned()
                    .ok_or_else(|| BundleError::MissingContent(target.clone()))?;
                contents.insert(img.name.clone(), data);
                sorted::set(&mut kinds, img.name.clone(), Kind::Alias);
                aliases.push(Alias {
                    name: img.name.clone(),
                    target: target.clone(),
                });
            }
        }
    }

    let mut findings = Vec::new();
    if options.recovery_from_load
        && let Some(m) = report.load_manifest()
    {
        let data = contents
            .get(&m.name)
            .cloned()
            .ok_or_else(|| BundleError::MissingContent(m.name.clone()))?;
        for r in missing_recovery_manifests(report) {
            contents.insert(r.to_string(), data.clone());
            sorted::set(&mut kinds, r.to_string(), Kind::Alias);
            aliases.push(Alias {
                name: r.to_string(),
                target: m.name.clone(),
            });
            findings.push(Finding::new(
                Severity::Warning,
                Code::RecoveryManifestCopied,
                r.to_string(),
                format!("`{r}` is a copy of `{}`, made because the firmware lacks it: a wiped phone asks for it first. Unverified: its signed header still names `{}`, and whether a wiped phone accepts it has not been tested.", m.name, m.name),
                "If a wiped phone asks for it and goes no further, use Cisco's cmterm zip of the same load, which carries a signed one.",
            ));
        }
    }

    let family = report.family;
    let mut seen = Vec::new();
    for p in &settings.phones {
        if seen.contains(&p.mac) {
            return Err(BundleError::DuplicatePhone(p.mac.to_string()));
        }
        seen.push(p.mac);
        if let Some(model) = &p.model {
            let m = models::model(model).ok_or_else(|| BundleError::UnknownModel(model.clone()))?;
            if Some(m.family) != family {
                return Err(BundleError::WrongModel {
                    mac: p.mac.to_string(),
                    model: m.name.to_string(),
                    family: report
                        .family_name
                        .clone()
                        .unwrap_or_else(|| "another family".into()),
                });
            }
        }
    }

    let xml = cnf_xml::xml_default(&DefaultSettings {
        load: load.clone(),
        protocol,
        models: cnf_xml::ModelLoad::all_of(report),
        call_managers: settings.call_managers.clone(),
    })?;
    contents.insert("XMLDefault.cnf.xml".into(), xml.into_bytes());
    sorted::set(&mut kinds, "XMLDefault.cnf.xml".into(), Kind::Config);
    for p in &settings.phones {
        let (xml, f) = cnf_xml::sep_cnf(&PhoneSettings {
            mac: p.mac,
            protocol,
            load: load.clone(),
            call_managers: settings.call_managers.clone(),
            // A 7940/7960's SIP image reads its lines from SIP<MAC>.cnf; its
            // .cnf.xml carries no second copy of the password.
            sip: sip
                .iter()
                .find(|(mac, _)| *mac == p.mac && family != Some(models::FamilyId::F7940_7960))
                .map(|(_, s)| s.clone()),
        })?;
        findings.extend(f);
        let name = cnf_xml::sep_file_name(&p.mac);
        contents.insert(name.clone(), xml.into_bytes());
        sorted::set(&mut kinds, name, Kind::Config);
    }
    if protocol == Protocol::Sip
        && family != Some(models::FamilyId::F7940_7960)
        && settings
            .phones
            .iter()
            .any(|p| sip.iter().any(|(m, _)| *m == p.mac))
    {
        // What each sipProfile's dialTemplate names.
        let name = cnf_xml::DIALPLAN.to_string();
        contents.insert(
            name.clone(),
            crate::config::sip79::dialplan_xml().into_bytes(),
        );
        sorted::set(&mut kinds, name, Kind::Config);
    }
    let (extra, f) = family79::files(report, settings, sip)?;
    findings.extend(f);
    for (name, data) in extra {
        sorted::set(&mut kinds, name.clone(), Kind::Config);
        contents.insert(name, data);
    }

    let files: Vec<File> = contents
        .iter()
        .map(|(name, data)| {
            // Each file was given its kind where it went into `contents`.
            let kind = sorted::get(&kinds, name.as_str()).copied();
            File::of(name, data, kind.unwrap_or(Kind::Firmware))
        })
        .collect();
    let id = bundle_id(&files);
    Ok(Bundle {
        manifest: Manifest {
            format: FORMAT,
            id,
            source: report.source.clone(),
            load: Some(load),
            protocol: report.protocol,
            settings: settings.clone(),
            files,
            aliases,
        },
        contents,
        findings,
    })
}

impl Bundle {
    /// `lifeline-bundle.json`, pretty-printed.
    pub fn manifest_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.manifest).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Every file to write, the manifest last.
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.contents
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_slice()))
    }

    /// The whole bundle as one zip (stored entries, the manifest included).
    pub fn to_zip(&self) -> Result<Vec<u8>, crate::zipwrite::ZipWriteError> {
        let json = self.manifest_json();
        crate::zipwrite::write_stored(self.files().chain([(MANIFEST_NAME, json.as_bytes())]))
    }

    /// Checks `data` against the manifest's entry for `name`.
    pub fn verify(manifest: &Manifest, name: &str, data: &[u8]) -> bool {
        manifest
            .files
            .iter()
            .any(|f| f.name == name && f.size == data.len() as u64 && f.sha256 == sha256_hex(data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firmware::inspect::inspect_zip;
    use crate::testkit::{case_mismatch_zip, seed_files, seed_zip, zip_of};
    use std::net::Ipv4Addr;

    fn settings() -> Settings {
        Settings {
            tftp_servers: vec![Ipv4Addr::new(192, 168, 10, 105)],
            call_managers: vec!["192.168.10.1".into()],
            phones: vec![Phone {
                mac: "00:11:22:aa:bb:cc".parse().unwrap(),
                model: Some("7961".into()),
            }],
        }
    }

    #[test]
    fn the_seed_makes_a_complete_bundle() {
        let zip = seed_zip();
        let report = inspect_zip("seed.zip", &zip).unwrap();
        let fw = firmware_from_zip(&zip, &report).unwrap();
        let b = build(&report, fw, &settings()).unwrap();
        let names: Vec<&str> = b.manifest.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names.len(), 10, "{names:?}");
        for n in [
            "XMLDefault.cnf.xml",
            "SEP001122AABBCC.cnf.xml",
            "SCCP41.8-3-3S.loads",
            "term61.default.loads",
            "apps41.8-3-2-27.sbn",
        ] {
            assert!(names.contains(&n), "{n}");
        }
        assert!(b.manifest.aliases.is_empty());
        assert_eq!(b.manifest.id.len(), 64);
        for (name, data) in b.files() {
            assert!(Bundle::verify(&b.manifest, name, data), "{name}");
        }
        let xml = String::from_utf8(b.contents["XMLDefault.cnf.xml"].clone()).unwrap();
        assert!(xml.contains(
            "<loadInformation30018 model=\"IP Phone 7961\">SCCP41.8-3-3S</loadInformation30018>"
        ));
        // Same input, same id; other settings, other id.
        let again = build(
            &report,
            firmware_from_zip(&zip, &report).unwrap(),
            &settings(),
        )
        .unwrap();
        assert_eq!(again.manifest.id, b.manifest.id);
        let mut s = settings();
        s.call_managers = vec!["10.0.0.9".into()];
        assert_ne!(
            build(&report, firmware_from_zip(&zip, &report).unwrap(), &s)
                .unwrap()
                .manifest
                .id,
            b.manifest.id
        );
        // The zip holds every file and the manifest.
        let z = b.to_zip().unwrap();
        let idx = ZipIndex::open(&z, &Limits::default()).unwrap();
        assert_eq!(idx.entries.len(), 11);
        let json: Manifest = serde_json::from_str(&b.manifest_json()).unwrap();
        assert_eq!(json, b.manifest);
    }

    #[test]
    fn sip_profiles_go_into_the_phones_files_only() {
        use crate::config::cnf_xml::SipLine;
        let zip = crate::testkit::sip_seed_zip();
        let report = inspect_zip("sip.zip", &zip).unwrap();
        assert_eq!(
            report.protocol,
            Some(Protocol::Sip),
            "{:?}",
            report.findings
        );
        assert!(!report.has_errors(), "{:?}", report.findings);
        let mut s = settings();
        let other: Mac = "00:11:22:aa:bb:cd".parse().unwrap();
        s.phones.push(Phone {
            mac: other,
            model: None,
        });
        let sip = SipSettings {
            proxy: "pbx.example.net".into(),
            port: 5070,
            lines: vec![SipLine {
                display_name: "Front desk".into(),
                user: "201".into(),
                auth_name: "201".into(),
                auth_password: "a-very-long-secret".into(),
            }],
        };
        let b = build_with_sip(
            &report,
            firmware_from_zip(&zip, &report).unwrap(),
            &s,
            &[(s.phones[0].mac, sip.clone())],
        )
        .unwrap();
        let with = String::from_utf8(b.contents["SEP001122AABBCC.cnf.xml"].clone()).unwrap();
        assert!(with.contains("<proxy>pbx.example.net</proxy>"), "{with}");
        assert!(with.contains("<authPassword>a-very-long-secret</authPassword>"));
        let without = String::from_utf8(b.contents["SEP001122AABBCD.cnf.xml"].clone()).unwrap();
        assert!(!without.contains("sipProfile"), "{without}");
        assert!(without.contains("<deviceProtocol>SIP</deviceProtocol>"));
        // The long password is a warning, and the manifest never holds it.
        assert_eq!(b.findings.len(), 1, "{:?}", b.findings);
        assert!(!b.manifest_json().contains("secret"));
        // Without profiles, the same as `build`.
        let plain = build(&report, firmware_from_zip(&zip, &report).unwrap(), &s).unwrap();
        let none =
            build_with_sip(&report, firmware_from_zip(&zip, &report).unwrap(), &s, &[]).unwrap();
        assert_eq!(plain, none);
        // An SCCP load ignores them.
        let seed = seed_zip();
        let sr = inspect_zip("seed.zip", &seed).unwrap();
        let sccp = build_with_sip(
            &sr,
            firmware_from_zip(&seed, &sr).unwrap(),
            &settings(),
            &[(settings().phones[0].mac, sip)],
        )
        .unwrap();
        assert_eq!(
            sccp,
            build(&sr, firmware_from_zip(&seed, &sr).unwrap(), &settings()).unwrap()
        );
    }

    #[test]
    fn case_differences_get_an_alias() {
        let zip = case_mismatch_zip();
        let report = inspect_zip("case.zip", &zip).unwrap();
        let b = build(
            &report,
            firmware_from_zip(&zip, &report).unwrap(),
            &settings(),
        )
        .unwrap();
        assert_eq!(
            b.manifest.aliases,
            [Alias {
                name: "Jar41sccp.8-3-2-27.sbn".into(),
                target: "jar41sccp.8-3-2-27.sbn".into()
            }]
        );
        assert_eq!(
            b.contents["Jar41sccp.8-3-2-27.sbn"],
            b.contents["jar41sccp.8-3-2-27.sbn"]
        );
        let f = b
            .manifest
            .files
            .iter()
            .find(|f| f.name == "Jar41sccp.8-3-2-27.sbn")
            .unwrap();
        assert_eq!(f.kind, Kind::Alias);
    }

    #[test]
    fn refuses_what_would_not_work() {
        let zip = seed_zip();
        let report = inspect_zip("seed.zip", &zip).unwrap();
        let fw = || firmware_from_zip(&zip, &report).unwrap();
        let mut s = settings();
        s.phones[0].model = Some("7942".into());
        assert!(matches!(
            build(&report, fw(), &s),
            Err(BundleError::WrongModel { .. })
        ));
        s.phones[0].model = Some("9999".into());
        assert!(matches!(
            build(&report, fw(), &s),
            Err(BundleError::UnknownModel(_))
        ));
        let mut s = settings();
        s.phones.push(s.phones[0].clone());
        assert!(matches!(
            build(&report, fw(), &s),
            Err(BundleError::DuplicatePhone(_))
        ));
        let mut s = settings();
        s.tftp_servers.clear();
        assert_eq!(
            build(&report, fw(), &s).unwrap_err(),
            BundleError::NoTftpServer
        );
        let mut s = settings();
        s.call_managers.clear();
        assert!(matches!(
            build(&report, fw(), &s),
            Err(BundleError::Settings(_))
        ));
        let broken: Vec<_> = seed_files()
            .into_iter()
            .filter(|(n, _)| !n.starts_with("dsp"))
            .collect();
        let bz = zip_of(&broken);
        let br = inspect_zip("b.zip", &bz).unwrap();
        assert_eq!(
            build(&br, firmware_from_zip(&bz, &br).unwrap(), &settings()).unwrap_err(),
            BundleError::FirmwareErrors(1)
        );
    }

    #[test]
    fn a_package_without_recovery_manifests_gets_copies_of_the_load_manifest_only_when_asked() {
        use crate::firmware::inspect::inspect_package;
        use crate::firmware::package::testkit::{cop_sgn, gzip, seed_package_files, tar_of};
        let files: Vec<_> = seed_package_files()
            .into_iter()
            .filter(|(n, _)| !n.starts_with("term"))
            .collect();
        let name = "cmterm-7941_7961-sccp.8-3-3.cop.sgn";
        let cop = cop_sgn(name, 3, &gzip(&tar_of(&files)));
        let report = inspect_package(name, &cop).unwrap();
        assert_eq!(
            missing_recovery_manifests(&report),
            ["term41.default.loads", "term61.default.loads"]
        );
        let fw = firmware_from_archive(name, &cop, &report).unwrap();
        let plain = build(&report, fw.clone(), &settings()).unwrap();
        assert!(!plain.contents.contains_key("term41.default.loads"));
        assert!(plain.findings.is_empty());

        let options = Options {
            recovery_from_load: true,
        };
        let made = build_with_options(&report, fw, &settings(), &[], options).unwrap();
        let load = &made.contents["SCCP41.8-3-3S.loads"];
        for r in ["term41.default.loads", "term61.default.loads"] {
            assert_eq!(&made.contents[r], load, "{r}");
            let file = made.manifest.files.iter().find(|f| f.name == r).unwrap();
            assert_eq!(file.kind, Kind::Alias);
            assert!(
                made.manifest
                    .aliases
                    .iter()
                    .any(|a| a.name == r && a.target == "SCCP41.8-3-3S.loads")
            );
            let f = made.findings.iter().find(|f| f.subject == r).unwrap();
            assert_eq!(
                (f.severity, f.code),
                (Severity::Warning, Code::RecoveryManifestCopied)
            );
            assert!(f.message.contains("Unverified"), "{}", f.message);
        }
        assert_ne!(made.manifest.id, plain.manifest.id);

        // Firmware that has them gets no copies, asked or not.
        let zip = seed_zip();
        let report = inspect_zip("seed.zip", &zip).unwrap();
        assert!(missing_recovery_manifests(&report).is_empty());
        let fw = firmware_from_zip(&zip, &report).unwrap();
        let b = build_with_options(&report, fw, &settings(), &[], options).unwrap();
        assert!(b.manifest.aliases.is_empty() && b.findings.is_empty());
    }
}
