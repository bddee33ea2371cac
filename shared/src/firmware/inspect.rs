//! The inspection report: everything a person needs to know about a firmware input.
//!
//! [`inspect_zip`] and [`inspect_files`] read the input (see [`super::archive`]),
//! parse every `.loads` manifest and every signed image header, and check them
//! against each other and the model catalogue. The [`Report`] carries every
//! finding at once (STYLE habit 9), worst first.

use super::archive::{self, ArchiveError, Entry, Limits, Method, ZipIndex};
use super::manifest::{self, Manifest};
use super::signed::{HashAlgorithm, SignedHeader};
use super::version::Version;
use crate::finding::{Code, Finding, Severity, Tally};
use crate::models::{self, FamilyId, ManifestStyle, Protocol};
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// How much of each image is kept to read its signed header.
const IMAGE_HEAD: usize = 64 * 1024;
/// The largest `.loads` file read whole (real ones are under 2 KiB).
const MAX_LOADS_FILE: u64 = 128 * 1024;

/// A loose file given to [`inspect_files`] (a dropped file, or one from a folder).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    /// Its name (a path relative to the folder, or just the file name).
    pub name: String,
    /// Its content.
    pub data: Vec<u8>,
}

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
    /// Compressed size.
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

/// Inspects a zip held in memory.
pub fn inspect_zip(source: &str, data: &[u8]) -> Result<Report, ArchiveError> {
    inspect_zip_with(source, data, &Limits::default())
}

/// Inspects a zip held in memory, with explicit limits.
pub fn inspect_zip_with(
    source: &str,
    data: &[u8],
    limits: &Limits,
) -> Result<Report, ArchiveError> {
    let index = ZipIndex::open(data, limits)?;
    let items: Vec<Item<'_>> = index
        .entries
        .iter()
        .enumerate()
        .filter(|(_, z)| !z.is_dir)
        .map(|(i, z)| Item {
            entry: z.entry.clone(),
            raw: index.raw_name(i),
            src: Src::Zip(i),
        })
        .collect();
    Ok(run(source, items, index.declared, Some(&index), limits))
}

/// Inspects loose files (dropped together, or read from a folder).
pub fn inspect_files(source: &str, files: &[InputFile]) -> Report {
    inspect_files_with(source, files, &Limits::default())
}

/// Inspects loose files, with explicit limits.
pub fn inspect_files_with(source: &str, files: &[InputFile], limits: &Limits) -> Report {
    let items: Vec<Item<'_>> = files
        .iter()
        .take(limits.max_entries)
        .enumerate()
        .map(|(i, f)| Item {
            entry: Entry {
                path: f.name.clone(),
                name: archive::base_name(&f.name).to_string(),
                size: f.data.len() as u64,
                compressed_size: f.data.len() as u64,
                method: Method::File,
                crc32: 0,
                crc_ok: None,
                encrypted: false,
            },
            raw: f.name.as_bytes(),
            src: Src::File(&files[i].data),
        })
        .collect();
    run(source, items, files.len() as u64, None, limits)
}

enum Src<'a> {
    Zip(usize),
    File(&'a [u8]),
}

struct Item<'a> {
    entry: Entry,
    raw: &'a [u8],
    src: Src<'a>,
}

/// What was read of one entry.
#[derive(Default)]
struct Read {
    /// The first bytes (the whole file for manifests).
    head: Vec<u8>,
    md5: Option<String>,
    ok: bool,
}

fn is_loads(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".loads")
}

fn is_term(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    l.len() == "term41.default.loads".len()
        && l.starts_with("term")
        && l[4..6].bytes().all(|b| b.is_ascii_digit())
        && l.ends_with(".default.loads")
}

fn is_image_like(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    l.ends_with(".sbn") || l.ends_with(".sb2") || l.ends_with(".sgn") || l.ends_with(".bin")
}

fn read_item(
    item: &mut Item<'_>,
    zip: Option<&ZipIndex<'_>>,
    keep: usize,
    want_md5: bool,
    findings: &mut Vec<Finding>,
) -> Read {
    let mut head = Vec::with_capacity(keep.min(item.entry.size as usize));
    let mut md5 = want_md5.then(Md5::new);
    let mut sink = |chunk: &[u8]| {
        if head.len() < keep {
            let take = (keep - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        if let Some(h) = md5.as_mut() {
            h.update(chunk);
        }
    };
    let ok = match (&item.src, zip) {
        (Src::Zip(i), Some(z)) => match z.read(*i, &mut sink) {
            Ok(crc) => {
                let good = crc == item.entry.crc32;
                item.entry.crc_ok = Some(good);
                if !good {
                    findings.push(Finding::new(
                        Severity::Error,
                        Code::CrcMismatch,
                        item.entry.path.clone(),
                        format!(
                            "The data does not match its checksum (CRC-32 {:08X}, the zip says {:08X}): the file is damaged.",
                            crc, item.entry.crc32
                        ),
                        "Download the firmware zip again; a phone given a damaged image fails to boot.",
                    ));
                }
                good
            }
            Err(e) => {
                item.entry.crc_ok = Some(false);
                findings.push(Finding::new(
                    Severity::Error,
                    Code::CorruptEntry,
                    item.entry.path.clone(),
                    format!("The entry cannot be read: {e}."),
                    "Download the firmware zip again.",
                ));
                false
            }
        },
        (Src::File(data), _) => {
            let mut crc = crc32fast::Hasher::new();
            for chunk in data.chunks(64 * 1024) {
                crc.update(chunk);
                sink(chunk);
            }
            item.entry.crc32 = crc.finalize();
            true
        }
        (Src::Zip(_), None) => false,
    };
    Read {
        head,
        md5: md5.map(|h| {
            h.finalize()
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<String>()
        }),
        ok,
    }
}

struct ParsedManifest {
    entry: usize,
    header: Option<SignedHeader>,
    body: Option<Manifest>,
}

fn run(
    source: &str,
    mut items: Vec<Item<'_>>,
    declared: u64,
    zip: Option<&ZipIndex<'_>>,
    limits: &Limits,
) -> Report {
    let mut findings = Vec::new();
    let readable = {
        let pairs: Vec<(&Entry, &[u8])> = items.iter().map(|i| (&i.entry, i.raw)).collect();
        archive::check_entries(&pairs, declared, limits, &mut findings)
    };
    let mut reads: Vec<Option<Read>> = (0..items.len()).map(|_| None).collect();

    // 1. Manifests first: small, read whole.
    let mut parsed = Vec::new();
    for i in 0..items.len() {
        if !readable[i] || !is_loads(&items[i].entry.name) {
            continue;
        }
        if items[i].entry.size > MAX_LOADS_FILE {
            findings.push(Finding::new(
                Severity::Error,
                Code::BadManifest,
                items[i].entry.name.clone(),
                format!(
                    "The manifest is {} bytes; real ones are under 2 KiB, so it was not read.",
                    items[i].entry.size
                ),
                "Replace it with the manifest from the original Cisco zip.",
            ));
            continue;
        }
        let read = read_item(
            &mut items[i],
            zip,
            MAX_LOADS_FILE as usize,
            false,
            &mut findings,
        );
        let mut pm = ParsedManifest {
            entry: i,
            header: None,
            body: None,
        };
        if read.ok {
            let name = items[i].entry.name.clone();
            match SignedHeader::parse(&read.head) {
                Ok((header, body)) => {
                    match manifest::parse(body) {
                        Ok(m) => pm.body = Some(m),
                        Err(e) => findings.push(Finding::new(
                            Severity::Error,
                            Code::BadManifest,
                            name.clone(),
                            format!("The manifest's list of images cannot be read: {e}."),
                            "Replace it with the manifest from the original Cisco zip; never edit a .loads file (it is signed).",
                        )),
                    }
                    pm.header = Some(header);
                }
                Err(e) => findings.push(Finding::new(
                    Severity::Error,
                    Code::BadSignedHeader,
                    name.clone(),
                    format!("The manifest's signed header cannot be read: {e}. A phone rejects an unsigned or damaged manifest."),
                    "Replace it with the manifest from the original Cisco zip; never edit or re-save a .loads file.",
                )),
            }
        }
        reads[i] = Some(read);
        parsed.push(pm);
    }

    // Which images need an MD5 (792x manifests state one).
    let md5_wanted: BTreeSet<String> = parsed
        .iter()
        .filter_map(|p| p.body.as_ref())
        .flat_map(|m| m.images.iter())
        .filter(|i| i.md5.is_some())
        .map(|i| i.name.to_ascii_lowercase())
        .collect();

    // 2. Everything else: CRC, header, MD5 when wanted.
    for i in 0..items.len() {
        if !readable[i] || reads[i].is_some() {
            continue;
        }
        let name = items[i].entry.name.clone();
        let keep = if is_image_like(&name) { IMAGE_HEAD } else { 0 };
        let want_md5 = md5_wanted.contains(&name.to_ascii_lowercase());
        reads[i] = Some(read_item(&mut items[i], zip, keep, want_md5, &mut findings));
    }

    // Name lookups.
    let mut exact: HashMap<&str, usize> = HashMap::new();
    let mut folded: HashMap<String, usize> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        if readable[i] {
            exact.entry(item.entry.name.as_str()).or_insert(i);
            folded
                .entry(item.entry.name.to_ascii_lowercase())
                .or_insert(i);
        }
    }
    let resolve = |name: &str| -> (Option<usize>, ImageStatus) {
        if let Some(&i) = exact.get(name) {
            (Some(i), ImageStatus::Present)
        } else if let Some(&i) = folded.get(&name.to_ascii_lowercase()) {
            (Some(i), ImageStatus::CaseMismatch)
        } else {
            (None, ImageStatus::Missing)
        }
    };

    // 3. Signed headers of images and manifests: the embedded name.
    let mut embedded: Vec<Option<String>> = vec![None; items.len()];
    for p in &parsed {
        embedded[p.entry] = p.header.as_ref().and_then(|h| h.file_name.clone());
    }
    for i in 0..items.len() {
        let Some(read) = reads[i].as_ref().filter(|r| r.ok) else {
            continue;
        };
        let name = &items[i].entry.name;
        if is_image_like(name) {
            match SignedHeader::parse(&read.head) {
                Ok((h, _)) => embedded[i] = h.file_name,
                Err(e) => findings.push(Finding::new(
                    Severity::Error,
                    Code::BadSignedHeader,
                    name.clone(),
                    format!("The image has no readable Cisco signed header ({e}); a phone will refuse it."),
                    "Replace it with the file from the original Cisco zip.",
                )),
            }
        }
        if let Some(e) = &embedded[i]
            && e != name
        {
            let case_only = e.eq_ignore_ascii_case(name);
            findings.push(Finding::new(
                    Severity::Error,
                    Code::EmbeddedNameMismatch,
                    name.clone(),
                    if case_only {
                        format!("The file is stored as `{name}` but its signed header names it `{e}` (the case differs). The phone checks the name it asked for against the header.")
                    } else {
                        format!("The file is stored as `{name}` but its signed header names it `{e}`: it was renamed, and the phone will reject it.")
                    },
                    format!("Rename it back to `{e}`, or use the file from the original Cisco zip."),
                ));
        }
    }

    // 4. Manifests against the input.
    let mut manifest_reports = Vec::new();
    let mut listed: BTreeSet<usize> = BTreeSet::new();
    let mut missing_reported: BTreeSet<String> = BTreeSet::new();
    let mut case_reported: BTreeSet<String> = BTreeSet::new();
    for p in &parsed {
        let entry = &items[p.entry].entry;
        let recovery = is_term(&entry.name);
        let mut images = Vec::new();
        if let Some(m) = &p.body {
            for line in &m.images {
                let (found, mut status) = resolve(&line.name);
                if found.is_none() && line.optional {
                    status = ImageStatus::OptionalMissing;
                }
                if let Some(i) = found {
                    listed.insert(i);
                }
                match status {
                    ImageStatus::Missing if missing_reported.insert(line.name.clone()) => {
                        let near = closest(&line.name, items.iter().map(|i| i.entry.name.as_str()));
                        findings.push(Finding::new(
                            Severity::Error,
                            Code::MissingImage,
                            line.name.clone(),
                            format!(
                                "`{}` lists `{}`, but the input does not contain it{}. The phone will ask for it, get \"File not found\", and stay stuck.",
                                entry.name,
                                line.name,
                                near.map(|n| format!(" (the closest name is `{n}`)")).unwrap_or_default()
                            ),
                            "Use the complete firmware zip for this load; every image a manifest lists must be served.",
                        ));
                    }
                    ImageStatus::CaseMismatch if case_reported.insert(line.name.clone()) => {
                        let actual = &items[found.unwrap_or_default()].entry.name;
                        findings.push(Finding::new(
                            Severity::Warning,
                            Code::CaseMismatch,
                            line.name.clone(),
                            format!(
                                "`{}` lists `{}` but the file is `{actual}`: only the case differs. A case-sensitive TFTP server (Linux) answers \"File not found\" and the phone is stuck.",
                                entry.name, line.name
                            ),
                            format!("Lifeline serves it under both names. For another TFTP server, add a copy named `{}`.", line.name),
                        ));
                    }
                    _ => {}
                }
                let size = found.map(|i| items[i].entry.size);
                if let (Some(i), Some(want)) = (found, line.size)
                    && items[i].entry.size != want
                {
                    findings.push(Finding::new(
                            Severity::Error,
                            Code::SizeMismatch,
                            items[i].entry.name.clone(),
                            format!("`{}` says the image is {want} bytes, but it is {} bytes.", entry.name, items[i].entry.size),
                            "Download the firmware again; the image does not belong to this load or is damaged.",
                        ));
                }
                if let (Some(i), Some(want)) = (found, line.md5.as_ref())
                    && let Some(got) = reads[i].as_ref().and_then(|r| r.md5.as_ref())
                    && got != want
                {
                    findings.push(Finding::new(
                                Severity::Error,
                                Code::Md5Mismatch,
                                items[i].entry.name.clone(),
                                format!("`{}` gives the image MD5 {want}, but its MD5 is {got}.", entry.name),
                                "Download the firmware again; the image does not belong to this load or is damaged.",
                            ));
                }
                images.push(ImageReport {
                    name: line.name.clone(),
                    entry: found.map(|i| items[i].entry.name.clone()),
                    status,
                    size,
                });
            }
            if m.style == ManifestStyle::FiveImages && m.images.len() != 5 {
                findings.push(Finding::new(
                    Severity::Warning,
                    Code::BadManifest,
                    entry.name.clone(),
                    format!("The manifest lists {} images; a 79xx load lists five (jar, cnu, apps, dsp, cvm).", m.images.len()),
                    "Check it against the manifest in the original Cisco zip.",
                ));
            }
        }
        let build = p.body.as_ref().and_then(|m| {
            m.release
                .as_deref()
                .and_then(Version::parse)
                .or_else(|| Version::from_load_name(&entry.name))
                .map(|v| v.to_string())
        });
        manifest_reports.push(ManifestReport {
            name: entry.name.clone(),
            embedded_name: p.header.as_ref().and_then(|h| h.file_name.clone()),
            header_len: p.header.as_ref().map(|h| h.header_len),
            hash_algorithm: p.header.as_ref().and_then(|h| h.hash_algorithm),
            build,
            style: p.body.as_ref().map(|m| m.style),
            hardware_comp: p.body.as_ref().and_then(|m| m.hardware_comp),
            la_version: p.body.as_ref().and_then(|m| m.la_version.clone()),
            recovery,
            images,
        });
    }

    // 5. The load, the family, the protocol.
    let loads: Vec<&ManifestReport> = manifest_reports.iter().filter(|m| !m.recovery).collect();
    let terms: Vec<&ManifestReport> = manifest_reports.iter().filter(|m| m.recovery).collect();
    let load_report = loads.first().copied();
    let load = load_report.map(|m| strip_loads(&m.name).to_string());
    if loads.len() > 1 {
        findings.push(Finding::new(
            Severity::Warning,
            Code::SeveralLoads,
            loads
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            format!(
                "The input holds {} load manifests; Lifeline uses the first, `{}`.",
                loads.len(),
                loads[0].name
            ),
            "Keep one firmware load per bundle, so every phone gets the same build.",
        ));
    }
    if let Some(cop) = items
        .iter()
        .find(|i| i.entry.name.to_ascii_lowercase().ends_with(".cop.sgn"))
    {
        findings.push(Finding::new(
            Severity::Error,
            Code::CopFile,
            cop.entry.name.clone(),
            "This is a Call Manager install file (.cop.sgn), a signed tarball for CUCM. Phones cannot use it over TFTP.",
            "Download the phone firmware zip instead (cmterm-<models>-<protocol>.<version>.zip), or extract the .loads and .sbn files from the .cop.sgn's tar inside.",
        ));
    }
    if manifest_reports.is_empty() {
        findings.push(Finding::new(
            Severity::Error,
            Code::NoManifest,
            source.to_string(),
            "The input has no .loads manifest, so nothing tells a phone which images to fetch.",
            "Use the complete firmware zip (it holds SCCPnn….loads or SIPnn….loads and termNN.default.loads).",
        ));
    } else if load.is_none() {
        findings.push(Finding::new(
            Severity::Warning,
            Code::NoManifest,
            source.to_string(),
            "There are recovery manifests (termNN.default.loads) but no load manifest (SCCPnn….loads or SIPnn….loads). A wiped phone can recover, but a running phone cannot be upgraded and XMLDefault.cnf.xml has no load to name.",
            "Use the complete firmware zip.",
        ));
    }
    let mut families: Vec<(FamilyId, String)> = Vec::new();
    for m in &manifest_reports {
        let fam = models::family_of_name(&m.name).or_else(|| {
            m.images
                .iter()
                .find_map(|i| models::family_of_name(&i.name))
        });
        match fam {
            Some(f) => {
                if !families.iter().any(|(g, _)| *g == f) {
                    families.push((f, m.name.clone()));
                }
            }
            None => findings.push(Finding::new(
                Severity::Warning,
                Code::UnknownFamily,
                m.name.clone(),
                "Lifeline does not know which phones this manifest is for.",
                "Check the firmware is for a phone Lifeline supports (79xx, 69xx, 89xx, 792x).",
            )),
        }
    }
    if families.len() > 1 {
        findings.push(Finding::new(
            Severity::Error,
            Code::MixedFamilies,
            families.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", "),
            format!(
                "The input mixes firmware for {}: a phone would be offered manifests that are not for it.",
                families.iter().map(|(f, _)| models::family(*f).name).collect::<Vec<_>>().join(" and ")
            ),
            "Prepare one bundle per phone family, each from its own firmware zip.",
        ));
    }
    let family = load_report
        .and_then(|m| models::family_of_name(&m.name))
        .or_else(|| families.first().map(|(f, _)| *f));
    let protocol = load_report
        .and_then(|m| models::protocol_of_name(&m.name))
        .or_else(|| {
            manifest_reports
                .iter()
                .flat_map(|m| m.images.iter())
                .find_map(|i| models::protocol_of_name(&i.name))
        });
    // The build: from the load's name, else from a manifest's RELEASE line.
    let version = load_report
        .and_then(|m| Version::from_load_name(&m.name))
        .or_else(|| {
            parsed
                .iter()
                .filter_map(|p| p.body.as_ref()?.release.as_deref())
                .find_map(Version::parse)
        });

    // 6. Recovery manifests against the load.
    if let Some(load_m) = load_report {
        let want: Vec<&str> = load_m.images.iter().map(|i| i.name.as_str()).collect();
        for t in &terms {
            let got: Vec<&str> = t.images.iter().map(|i| i.name.as_str()).collect();
            if got != want && models::family_of_name(&t.name) == family {
                findings.push(Finding::new(
                    Severity::Error,
                    Code::TermManifestDisagrees,
                    t.name.clone(),
                    format!(
                        "`{}` lists [{}] but `{}` lists [{}]. A wiped phone follows `{}`, so it would install a different build than the one configured.",
                        t.name,
                        got.join(", "),
                        load_m.name,
                        want.join(", "),
                        t.name
                    ),
                    "Use the term and load manifests from the same firmware zip.",
                ));
            }
        }
    }

    // 7. Models.
    let mut model_reports = Vec::new();
    if let Some(f) = family {
        for m in models::models_of(f) {
            let present = m
                .recovery_manifest
                .map(|r| folded.contains_key(r))
                .unwrap_or(false);
            model_reports.push(ModelReport {
                model: m.name.to_string(),
                product: m.product.to_string(),
                device_id: m.device_id,
                recovery_manifest: m.recovery_manifest.map(str::to_string),
                recovery_manifest_present: present,
            });
        }
        let fam = models::family(f);
        if fam.tftp_recovery && !manifest_reports.is_empty() {
            let mut missing: Vec<&str> = Vec::new();
            for m in models::models_of(f) {
                if let Some(r) = m.recovery_manifest
                    && !folded.contains_key(r)
                    && !missing.contains(&r)
                {
                    missing.push(r);
                }
            }
            for r in missing {
                let who: Vec<&str> = models::models_of(f)
                    .filter(|m| m.recovery_manifest == Some(r))
                    .map(|m| m.name)
                    .collect();
                findings.push(Finding::new(
                    Severity::Warning,
                    Code::MissingRecoveryManifest,
                    r.to_string(),
                    format!("A wiped {} asks for `{r}`, which is not in the input: such a phone cannot recover from this input.", who.join(" or ")),
                    format!("Use the firmware zip that contains `{r}` (Cisco's full cmterm zip does); it cannot be made by copying another manifest, because it is signed."),
                ));
            }
        }
        if f == FamilyId::F7940_7960 {
            findings.push(Finding::new(
                Severity::Info,
                Code::UnknownFamily,
                load.clone().unwrap_or_default(),
                "7940/7960 phones have no termNN recovery manifest: the protocol and load are chosen by OS79XX.TXT and SEP<MAC>.cnf.",
                "Serve OS79XX.TXT naming this load alongside the files.",
            ));
        }
        if fam.manifest_style == ManifestStyle::FiveImages
            && let Some(v) = &version
            && v.cmp_release(9, 2, 3).is_ge()
        {
            findings.push(Finding::new(
                        Severity::Warning,
                        Code::UpgradePath,
                        load.clone().unwrap_or_else(|| v.to_string()),
                        format!("This is build {v}. Phones running firmware older than 8.3(3) cannot go straight to 9.2(3) or later: they reboot in a loop or show \"Load Authentication Failed\"."),
                        "If a phone runs firmware older than 8.3(3), recover it with an 8.3(3)–8.5(2) load first, then with this one.",
                    ));
        }
    }

    // 8. Images no manifest lists.
    for (i, item) in items.iter().enumerate() {
        if readable[i]
            && is_image_like(&item.entry.name)
            && !listed.contains(&i)
            && !manifest_reports.is_empty()
        {
            findings.push(Finding::new(
                Severity::Info,
                Code::UnlistedImage,
                item.entry.name.clone(),
                "No manifest lists this image, so no phone will ask for it.",
                "Nothing to do; it is served anyway. If you expected a phone to use it, check you have the right manifest.",
            ));
        }
    }

    // 9. The report.
    let term_names: BTreeSet<&str> = terms.iter().map(|m| m.name.as_str()).collect();
    let entries: Vec<EntryReport> = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let e = &item.entry;
            let role = if is_loads(&e.name) && readable[i] {
                if term_names.contains(e.name.as_str()) {
                    Role::RecoveryManifest
                } else {
                    Role::LoadManifest
                }
            } else if listed.contains(&i) {
                Role::Image
            } else if is_image_like(&e.name) {
                Role::UnlistedImage
            } else {
                Role::Other
            };
            EntryReport {
                path: e.path.clone(),
                name: e.name.clone(),
                size: e.size,
                compressed_size: e.compressed_size,
                method: e.method.name(),
                crc32: format!("{:08X}", e.crc32),
                crc_ok: e.crc_ok,
                role,
                embedded_name: embedded[i].clone(),
            }
        })
        .collect();
    findings.sort_by_key(|f| f.severity);
    let tally = Tally::of(&findings);
    Report {
        source: source.to_string(),
        load,
        protocol,
        family,
        family_name: family.map(|f| models::family(f).name.to_string()),
        build: version.map(|v| v.to_string()),
        models: model_reports,
        total_size: entries.iter().map(|e| e.size).sum(),
        entries,
        manifests: manifest_reports,
        findings,
        tally,
    }
}

fn strip_loads(name: &str) -> &str {
    if name.len() > 6 && name[name.len() - 6..].eq_ignore_ascii_case(".loads") {
        &name[..name.len() - 6]
    } else {
        name
    }
}

/// The name among `candidates` closest to `wanted`, if it is close enough to be
/// the likely intended file: the same name with another case or a suffix
/// (`x.sbn.bak`), or one or two characters apart (`-27` for `-28`).
pub fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let w = wanted.to_ascii_lowercase();
    candidates
        .filter(|c| *c != wanted)
        .map(|c| {
            let l = c.to_ascii_lowercase();
            let d = if l.contains(&w) || w.contains(&l) {
                l.len().abs_diff(w.len()).min(1)
            } else {
                distance(&w, &l)
            };
            (d, c)
        })
        .filter(|(d, _)| *d <= (w.len() / 8).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 64 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
#[path = "inspect_tests.rs"]
mod tests;
