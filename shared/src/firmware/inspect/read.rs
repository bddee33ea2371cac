//! The reading phases: every readable entry is read once, its CRC checked, and only what
//! the checks need is kept.
//!
//! Manifests come first, read whole and parsed, because they say which images need an MD5;
//! then every other entry is streamed, keeping an image's first 64 KiB for its signed header
//! and a `loadNNN.txt` whole (up to one byte past its bound, so an overlong one is seen).
//!
//! Invariants: an entry the archive checks refused is never read; a manifest over
//! [`MAX_LOADS_FILE`] is reported and never read; a damaged entry is a finding, not an error.

use super::InputFile;
use super::Inspection;
use super::names::{is_image_like, is_loads};
use crate::finding::{Code, Finding, Severity};
use crate::firmware::archive::{self, Entry, Limits, Method, ZipIndex};
use crate::firmware::manifest::{self, Manifest};
use crate::firmware::package::{self, Package};
use crate::firmware::signed::SignedHeader;
use crate::sorted;
use md5::{Digest, Md5};

/// How much of each image is kept to read its signed header.
const IMAGE_HEAD: usize = 64 * 1024;
/// The largest `.loads` file read whole (real ones are under 2 KiB).
const MAX_LOADS_FILE: u64 = 128 * 1024;

/// Where an entry's bytes are.
pub(super) enum Src<'a> {
    /// Entry `n` of the zip.
    Zip(usize),
    /// A loose file's content.
    File(&'a [u8]),
}

/// One entry of the input, before it is read.
pub(super) struct Item<'a> {
    pub(super) entry: Entry,
    /// The name as stored, for the archive's name checks.
    pub(super) raw: &'a [u8],
    pub(super) src: Src<'a>,
}

/// What was read of one entry.
#[derive(Default)]
pub(super) struct Read {
    /// The first bytes (the whole file for manifests).
    pub(super) head: Vec<u8>,
    /// The MD5 in upper-case hex, when it was asked for.
    pub(super) md5: Option<String>,
    /// Whether the bytes could be read and matched their CRC.
    pub(super) ok: bool,
}

/// A `.loads` entry, as far as it could be parsed.
pub(super) struct ParsedManifest {
    /// Its index among the entries.
    pub(super) entry: usize,
    pub(super) header: Option<SignedHeader>,
    pub(super) body: Option<Manifest>,
}

/// The zip's entries, directories left out.
pub(super) fn zip_items<'a>(index: &'a ZipIndex<'a>) -> Vec<Item<'a>> {
    index
        .entries
        .iter()
        .enumerate()
        .filter(|(_, z)| !z.is_dir)
        .map(|(i, z)| Item {
            entry: z.entry.clone(),
            raw: index.raw_name(i),
            src: Src::Zip(i),
        })
        .collect()
}

/// Loose files as entries, at most `limits.max_entries` of them.
pub(super) fn file_items<'a>(files: &'a [InputFile], limits: &Limits) -> Vec<Item<'a>> {
    files
        .iter()
        .take(limits.max_entries)
        .map(|f| Item {
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
            src: Src::File(&f.data),
        })
        .collect()
}

/// A package's files as entries, each under its path in the tar.
pub(super) fn package_items(pkg: &Package) -> Vec<Item<'_>> {
    pkg.entries
        .iter()
        .map(|e| Item {
            entry: Entry {
                path: e.path.clone(),
                name: archive::base_name(&e.path).to_string(),
                size: e.size,
                compressed_size: e.size,
                method: Method::Tar,
                crc32: 0,
                crc_ok: None,
                encrypted: false,
            },
            raw: &e.raw,
            src: Src::File(&e.data),
        })
        .collect()
}

impl Inspection<'_> {
    /// Phase 1: every readable `.loads` entry read whole, its signed header and body parsed.
    pub(super) fn read_manifests(&mut self) {
        for i in 0..self.items.len() {
            if !self.readable[i] || !is_loads(&self.items[i].entry.name) {
                continue;
            }
            let size = self.items[i].entry.size;
            if size > MAX_LOADS_FILE {
                self.findings.push(Finding::new(
                    Severity::Error,
                    Code::BadManifest,
                    self.items[i].entry.name.clone(),
                    format!(
                        "The manifest is {size} bytes; real ones are under 2 KiB, so it was not read."
                    ),
                    "Replace it with the manifest from the original Cisco zip.",
                ));
                continue;
            }
            let read = self.read_entry(i, MAX_LOADS_FILE as usize, false);
            let parsed = if read.ok {
                self.parse_manifest(i, &read.head)
            } else {
                ParsedManifest {
                    entry: i,
                    header: None,
                    body: None,
                }
            };
            self.reads[i] = Some(read);
            self.parsed.push(parsed);
        }
    }

    /// A manifest's signed header, then its body; the name in the header is kept as the
    /// entry's embedded name.
    fn parse_manifest(&mut self, i: usize, bytes: &[u8]) -> ParsedManifest {
        let name = &self.items[i].entry.name;
        let mut parsed = ParsedManifest {
            entry: i,
            header: None,
            body: None,
        };
        match SignedHeader::parse(bytes) {
            Ok((header, body)) => {
                match manifest::parse(body) {
                    Ok(m) => parsed.body = Some(m),
                    Err(e) => self.findings.push(Finding::new(
                        Severity::Error,
                        Code::BadManifest,
                        name.clone(),
                        format!("The manifest's list of images cannot be read: {e}."),
                        "Replace it with the manifest from the original Cisco zip; never edit a .loads file (it is signed).",
                    )),
                }
                if let Some(stated) = header.body_len
                    && stated != body.len() as u64
                {
                    self.findings.push(Finding::new(
                        Severity::Error,
                        Code::BadSignedHeader,
                        name.clone(),
                        format!("The signed header says the manifest's body is {stated} bytes, but it is {} bytes: the file was cut short or changed, and a phone rejects it.", body.len()),
                        "Replace it with the manifest from the original Cisco zip; never edit or re-save a .loads file.",
                    ));
                }
                self.embedded[i] = header.file_name.clone();
                parsed.header = Some(header);
            }
            Err(e) => self.findings.push(Finding::new(
                Severity::Error,
                Code::BadSignedHeader,
                name.clone(),
                format!("The manifest's signed header cannot be read: {e}. A phone rejects an unsigned or damaged manifest."),
                "Replace it with the manifest from the original Cisco zip; never edit or re-save a .loads file.",
            )),
        }
        parsed
    }

    /// Phase 2: every other readable entry, its CRC checked; an image keeps its head for
    /// the signed header, and an image some manifest gives an MD5 for gets one.
    pub(super) fn read_the_rest(&mut self) {
        let mut md5_wanted: Vec<String> = Vec::new();
        let images = self
            .parsed
            .iter()
            .filter_map(|p| p.body.as_ref())
            .flat_map(|m| m.images.iter());
        for image in images.filter(|i| i.md5.is_some()) {
            sorted::insert(&mut md5_wanted, image.name.to_ascii_lowercase());
        }
        for i in 0..self.items.len() {
            if !self.readable[i] || self.reads[i].is_some() {
                continue;
            }
            let name = &self.items[i].entry.name;
            let keep = if is_image_like(name) {
                IMAGE_HEAD
            } else if package::load_list_id(name).is_some() {
                package::MAX_LOAD_LIST + 1
            } else {
                0
            };
            let want_md5 = sorted::contains(&md5_wanted, name.to_ascii_lowercase().as_str());
            self.reads[i] = Some(self.read_entry(i, keep, want_md5));
        }
    }

    /// Streams entry `i` once: keeps its first `keep` bytes, computes its MD5 when asked,
    /// and checks its CRC (a loose file gets its CRC computed). A damaged entry is a finding.
    fn read_entry(&mut self, i: usize, keep: usize, want_md5: bool) -> Read {
        let Inspection {
            items,
            zip,
            findings,
            ..
        } = self;
        let item = &mut items[i];
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
            (Src::Zip(z), Some(index)) => match index.read(*z, &mut sink) {
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
                let mut crc = crate::crc32::Hasher::new();
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
}

#[cfg(test)]
#[path = "read_tests.rs"]
mod tests;
