//! Reading firmware inputs: a zip (from bytes), or loose files, into [`Entry`]s.
//!
//! The zip reader walks the central directory itself rather than through a zip
//! library, because the inspection must *see* what such libraries hide: two
//! entries with the same name, names that would escape a folder, encrypted
//! entries. Every size is bounded by [`Limits`]; an entry that would exceed them is
//! a finding and is not decompressed. Decompression streams through one buffer at a
//! time (pure-Rust inflate), so memory stays flat whatever the input claims.
//!
//! Invariants:
//! - Untrusted bytes enter only through [`ZipIndex::open`] and [`ZipIndex::read`];
//!   every offset is checked before use.
//! - Nothing is written anywhere: names are only looked at.
//! - [`ArchiveError`] means the input could not be read at all; everything wrong
//!   with single entries is reported as a [`Finding`] instead.

use crate::finding::{Code, Finding, Severity};
use flate2::{Decompress, FlushDecompress, Status};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Bounds on what an input may make us do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most entries read (real firmware zips have under 30).
    pub max_entries: usize,
    /// Largest uncompressed entry (real images are under 50 MB).
    pub max_entry_size: u64,
    /// Largest total uncompressed size.
    pub max_total_size: u64,
    /// Largest uncompressed/compressed ratio for entries over 1 MiB (deflate tops out near 1032).
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 4096,
            max_entry_size: 256 << 20,
            max_total_size: 1 << 30,
            max_ratio: 200,
        }
    }
}

/// How an entry's data is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Not compressed.
    Stored,
    Deflate,
    /// Anything else (kept as its zip method number).
    Other(u16),
    /// A loose file, not from a zip.
    File,
}

impl Method {
    fn from_zip(m: u16) -> Method {
        match m {
            0 => Method::Stored,
            8 => Method::Deflate,
            other => Method::Other(other),
        }
    }

    /// A short name for tables.
    pub fn name(self) -> String {
        match self {
            Method::Stored => "stored".into(),
            Method::Deflate => "deflate".into(),
            Method::Other(9) => "deflate64".into(),
            Method::Other(12) => "bzip2".into(),
            Method::Other(14) => "lzma".into(),
            Method::Other(93) => "zstd".into(),
            Method::Other(99) => "aes".into(),
            Method::Other(n) => format!("method {n}"),
            Method::File => "file".into(),
        }
    }
}

/// Why an input could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// No end-of-central-directory record: not a zip.
    #[error("it is not a zip file (no zip directory found){hint}")]
    NotAZip {
        /// A hint about what it might be instead.
        hint: String,
    },
    /// The directory points past the end of the data.
    #[error("the zip is truncated or damaged: {what}")]
    Truncated {
        /// What was out of bounds.
        what: String,
    },
    /// Nothing to inspect.
    #[error("the input is empty")]
    Empty,
}

/// One file of the input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The full name inside the archive (`folder/name` or `name`).
    pub path: String,
    /// The file name the phone asks for: the last component of `path`.
    pub name: String,
    /// Uncompressed size.
    pub size: u64,
    /// Compressed size (equal to `size` for loose files).
    pub compressed_size: u64,
    /// How it is stored.
    pub method: Method,
    /// The CRC-32 the zip records (computed, for loose files).
    pub crc32: u32,
    /// Whether the data matched the CRC: `None` when it was not read (see findings).
    pub crc_ok: Option<bool>,
    /// Whether the zip marks it encrypted.
    pub encrypted: bool,
}

/// One central-directory record, checked.
#[derive(Clone, Debug)]
pub struct ZipEntry {
    /// The entry as reported.
    pub entry: Entry,
    /// Raw name bytes.
    raw_name: Vec<u8>,
    /// Offset of the local header.
    local_offset: u64,
    /// The zip method number.
    method: u16,
    /// A directory entry (`name/`).
    pub is_dir: bool,
}

/// A zip's central directory, read and checked, over the zip's bytes.
#[derive(Debug)]
pub struct ZipIndex<'a> {
    data: &'a [u8],
    /// The entries in directory order.
    pub entries: Vec<ZipEntry>,
    /// How many entries the directory declares (may exceed `entries.len()`).
    pub declared: u64,
}

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(d.get(at..at + 2)?.try_into().ok()?))
}
fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(d.get(at..at + 4)?.try_into().ok()?))
}
fn u64_at(d: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(d.get(at..at + 8)?.try_into().ok()?))
}

const EOCD_SIG: u32 = 0x0605_4b50;
const EOCD64_LOCATOR_SIG: u32 = 0x0706_4b50;
const EOCD64_SIG: u32 = 0x0606_4b50;
const CDH_SIG: u32 = 0x0201_4b50;
const LFH_SIG: u32 = 0x0403_4b50;

/// Why a single entry could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EntryError {
    /// The local header or data lies outside the zip.
    #[error("its data lies outside the zip (truncated?)")]
    OutOfBounds,
    /// Inflate failed.
    #[error("its compressed data is damaged ({0})")]
    Inflate(String),
    /// More data came out than the directory declares.
    #[error("it decompresses to more than the {declared} bytes the zip declares")]
    Overlong {
        /// The declared size.
        declared: u64,
    },
    /// Less data came out than declared.
    #[error("it decompresses to {got} bytes, not the {declared} the zip declares")]
    Short {
        /// The declared size.
        declared: u64,
        /// What came out.
        got: u64,
    },
    /// A method this reader does not decompress.
    #[error("it uses compression {0}, which Lifeline cannot read")]
    Unsupported(String),
}

impl<'a> ZipIndex<'a> {
    /// Reads the central directory of `data`.
    pub fn open(data: &'a [u8], limits: &Limits) -> Result<ZipIndex<'a>, ArchiveError> {
        if data.is_empty() {
            return Err(ArchiveError::Empty);
        }
        // The EOCD is in the last 22 + 65535 bytes.
        let from = data.len().saturating_sub(22 + 0xFFFF);
        let eocd = (from..=data.len().saturating_sub(22))
            .rev()
            .find(|&i| u32_at(data, i) == Some(EOCD_SIG))
            .ok_or_else(|| {
                if data.starts_with(b"PK\x03\x04") {
                    ArchiveError::Truncated {
                        what: "its end is missing, so the download was probably cut short; download it again".into(),
                    }
                } else {
                    ArchiveError::NotAZip { hint: sniff(data) }
                }
            })?;
        let truncated = |what: &str| ArchiveError::Truncated { what: what.into() };
        let mut declared =
            u64::from(u16_at(data, eocd + 10).ok_or_else(|| truncated("end record"))?);
        let mut cd_size =
            u64::from(u32_at(data, eocd + 12).ok_or_else(|| truncated("end record"))?);
        let mut cd_offset =
            u64::from(u32_at(data, eocd + 16).ok_or_else(|| truncated("end record"))?);
        // Zip64: a locator just before the EOCD points at the 64-bit end record.
        if eocd >= 20 && u32_at(data, eocd - 20) == Some(EOCD64_LOCATOR_SIG) {
            let at = u64_at(data, eocd - 12).ok_or_else(|| truncated("zip64 locator"))?;
            let at = usize::try_from(at).map_err(|_| truncated("zip64 end record"))?;
            if u32_at(data, at) != Some(EOCD64_SIG) {
                return Err(truncated("zip64 end record"));
            }
            declared = u64_at(data, at + 32).ok_or_else(|| truncated("zip64 end record"))?;
            cd_size = u64_at(data, at + 40).ok_or_else(|| truncated("zip64 end record"))?;
            cd_offset = u64_at(data, at + 48).ok_or_else(|| truncated("zip64 end record"))?;
        }
        let start = usize::try_from(cd_offset).map_err(|_| truncated("central directory"))?;
        let end = start
            .checked_add(usize::try_from(cd_size).map_err(|_| truncated("central directory"))?)
            .filter(|&e| e <= data.len())
            .ok_or_else(|| truncated("the central directory lies past the end of the file"))?;
        let cd = &data[start..end];
        let mut entries = Vec::new();
        let mut at = 0usize;
        while at < cd.len() && entries.len() < limits.max_entries {
            if u32_at(cd, at) != Some(CDH_SIG) {
                return Err(truncated("a central directory record is damaged"));
            }
            let field =
                |off: usize| u16_at(cd, at + off).ok_or_else(|| truncated("directory record"));
            let flags = field(8)?;
            let method = field(10)?;
            let crc32 = u32_at(cd, at + 16).ok_or_else(|| truncated("directory record"))?;
            let mut csize =
                u64::from(u32_at(cd, at + 20).ok_or_else(|| truncated("directory record"))?);
            let mut usize_ =
                u64::from(u32_at(cd, at + 24).ok_or_else(|| truncated("directory record"))?);
            let name_len = usize::from(field(28)?);
            let extra_len = usize::from(field(30)?);
            let comment_len = usize::from(field(32)?);
            let mut local =
                u64::from(u32_at(cd, at + 42).ok_or_else(|| truncated("directory record"))?);
            let name_at = at + 46;
            let raw_name = cd
                .get(name_at..name_at + name_len)
                .ok_or_else(|| truncated("an entry name runs past the directory"))?
                .to_vec();
            let extra = cd
                .get(name_at + name_len..name_at + name_len + extra_len)
                .ok_or_else(|| truncated("an extra field runs past the directory"))?;
            // Zip64 extended information: only the fields whose 32-bit value is saturated.
            let mut e = 0;
            while e + 4 <= extra.len() {
                let id = u16_at(extra, e).unwrap_or(0);
                let len = usize::from(u16_at(extra, e + 2).unwrap_or(0));
                let body = extra.get(e + 4..e + 4 + len).unwrap_or(&[]);
                if id == 0x0001 {
                    let mut p = 0;
                    for v in [&mut usize_, &mut csize, &mut local] {
                        if *v == 0xFFFF_FFFF
                            && let Some(x) = u64_at(body, p)
                        {
                            *v = x;
                            p += 8;
                        }
                    }
                }
                e += 4 + len;
            }
            let is_utf8 = flags & 0x0800 != 0;
            let path = if is_utf8 {
                String::from_utf8_lossy(&raw_name).into_owned()
            } else {
                raw_name
                    .iter()
                    .map(|&b| if b < 0x80 { b as char } else { '\u{FFFD}' })
                    .collect()
            };
            let is_dir = path.ends_with('/') || path.ends_with('\\');
            let name = base_name(&path).to_string();
            entries.push(ZipEntry {
                entry: Entry {
                    path,
                    name,
                    size: usize_,
                    compressed_size: csize,
                    method: Method::from_zip(method),
                    crc32,
                    crc_ok: None,
                    encrypted: flags & 0x0001 != 0,
                },
                raw_name,
                local_offset: local,
                method,
                is_dir,
            });
            at = name_at + name_len + extra_len + comment_len;
        }
        Ok(ZipIndex {
            data,
            entries,
            declared,
        })
    }

    /// Streams entry `index`'s uncompressed data into `sink`, one buffer at a
    /// time, and returns the CRC-32 of what came out.
    ///
    /// Never produces more than the declared size, whatever the data claims.
    pub fn read(&self, index: usize, sink: &mut dyn FnMut(&[u8])) -> Result<u32, EntryError> {
        let z = &self.entries[index];
        let at = usize::try_from(z.local_offset).map_err(|_| EntryError::OutOfBounds)?;
        if u32_at(self.data, at) != Some(LFH_SIG) {
            return Err(EntryError::OutOfBounds);
        }
        let name_len = usize::from(u16_at(self.data, at + 26).ok_or(EntryError::OutOfBounds)?);
        let extra_len = usize::from(u16_at(self.data, at + 28).ok_or(EntryError::OutOfBounds)?);
        let start = at + 30 + name_len + extra_len;
        let len = usize::try_from(z.entry.compressed_size).map_err(|_| EntryError::OutOfBounds)?;
        let raw = start
            .checked_add(len)
            .and_then(|end| self.data.get(start..end))
            .ok_or(EntryError::OutOfBounds)?;
        let declared = z.entry.size;
        let mut crc = crc32fast::Hasher::new();
        match z.method {
            0 => {
                if raw.len() as u64 != declared {
                    return Err(EntryError::Short {
                        declared,
                        got: raw.len() as u64,
                    });
                }
                for chunk in raw.chunks(64 * 1024) {
                    crc.update(chunk);
                    sink(chunk);
                }
            }
            8 => {
                let mut inflate = Decompress::new(false);
                let mut buf = vec![0u8; 64 * 1024];
                let mut produced: u64 = 0;
                loop {
                    let consumed = inflate.total_in() as usize;
                    let before = inflate.total_out();
                    let status = inflate
                        .decompress(&raw[consumed..], &mut buf, FlushDecompress::None)
                        .map_err(|e| EntryError::Inflate(e.to_string()))?;
                    let n = (inflate.total_out() - before) as usize;
                    produced += n as u64;
                    if produced > declared {
                        return Err(EntryError::Overlong { declared });
                    }
                    crc.update(&buf[..n]);
                    sink(&buf[..n]);
                    match status {
                        Status::StreamEnd => break,
                        Status::Ok => {}
                        Status::BufError => {
                            if n == 0 {
                                return Err(EntryError::Inflate("the stream ends early".into()));
                            }
                        }
                    }
                }
                if produced != declared {
                    return Err(EntryError::Short {
                        declared,
                        got: produced,
                    });
                }
            }
            _ => return Err(EntryError::Unsupported(z.entry.method.name())),
        }
        Ok(crc.finalize())
    }

    /// The raw name bytes of entry `index`.
    pub fn raw_name(&self, index: usize) -> &[u8] {
        &self.entries[index].raw_name
    }
}

/// The last component of a path inside an archive.
pub fn base_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches(['/', '\\']);
    match trimmed.rfind(['/', '\\']) {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

/// What the first bytes say the input is, for the "not a zip" message.
fn sniff(data: &[u8]) -> String {
    if data.starts_with(&crate::firmware::signed::MAGIC) {
        " — it is a single Cisco signed file; inspect the folder or the zip it came from".into()
    } else if data.starts_with(&[0x1f, 0x8b]) {
        " — it is gzip-compressed (a .cop.sgn or .tar.gz?); Lifeline needs the phone firmware zip (cmterm-….zip)".into()
    } else if data.len() > 262 && &data[257..262] == b"ustar" {
        " — it is a tar archive; Lifeline needs the phone firmware zip (cmterm-….zip)".into()
    } else {
        String::new()
    }
}

/// Why a name could not be served safely from a TFTP root, or `None` if it can.
pub fn unsafe_name_reason(raw: &[u8], path: &str) -> Option<&'static str> {
    if raw.contains(&0) {
        return Some("contains a NUL byte");
    }
    if raw.iter().any(|&b| b < 0x20 || b == 0x7f) {
        return Some("contains control characters");
    }
    if path.starts_with('/') || path.starts_with('\\') {
        return Some("is an absolute path");
    }
    let b = path.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Some("starts with a drive letter");
    }
    if path.contains('\\') {
        return Some("contains a backslash");
    }
    if path.split('/').any(|c| c == "..") {
        return Some("contains a `..` component that climbs out of the folder");
    }
    None
}

/// Structural findings about a set of entries: unsafe and duplicate names,
/// encryption, methods and sizes. Returns which entries are safe to read.
pub fn check_entries(
    entries: &[(&Entry, &[u8])],
    declared: u64,
    limits: &Limits,
    findings: &mut Vec<Finding>,
) -> Vec<bool> {
    let mut readable = vec![true; entries.len()];
    if declared > entries.len() as u64 && entries.len() >= limits.max_entries {
        findings.push(Finding::new(
            Severity::Error,
            Code::TooManyEntries,
            "archive",
            format!(
                "The zip declares {declared} entries; only the first {} were read.",
                limits.max_entries
            ),
            "A phone firmware zip holds a few dozen files at most: check you picked the right file.",
        ));
    }
    let mut seen: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    let mut total: u64 = 0;
    let mut over_total = false;
    for (i, (e, raw)) in entries.iter().enumerate() {
        if over_total {
            readable[i] = false;
            continue;
        }
        if let Some(why) = unsafe_name_reason(raw, &e.path) {
            findings.push(Finding::new(
                Severity::Error,
                Code::UnsafeName,
                e.path.clone(),
                format!("The entry name {why}: extracting it could write outside the TFTP folder, so Lifeline will not serve it."),
                "Use the firmware zip as Cisco publishes it; a zip with such names was built or altered by someone else.",
            ));
            readable[i] = false;
            continue;
        }
        if e.path.contains('\u{FFFD}') {
            findings.push(Finding::new(
                Severity::Warning,
                Code::BadName,
                e.path.clone(),
                "The entry name is not plain ASCII; a phone cannot ask for it by that name.",
                "Rename the file to its plain ASCII name.",
            ));
        }
        if let Some(first) = seen.insert(e.name.as_str(), e.path.as_str()) {
            let same_path = first == e.path;
            findings.push(Finding::new(
                Severity::Error,
                Code::DuplicateEntry,
                e.name.clone(),
                if same_path {
                    format!("The zip holds `{}` twice; which copy a TFTP server would serve is a matter of chance.", e.path)
                } else {
                    format!("`{first}` and `{}` have the same file name; the phone can only ask for one of them.", e.path)
                },
                "Remove the extra copy so each file name appears once.",
            ));
            readable[i] = false;
            continue;
        }
        if e.encrypted {
            findings.push(Finding::new(
                Severity::Error,
                Code::EncryptedEntry,
                e.path.clone(),
                "The entry is password-protected; Lifeline cannot read it and a phone could not use it.",
                "Extract the zip with its password and inspect the folder, or get an unencrypted copy.",
            ));
            readable[i] = false;
            continue;
        }
        if let Method::Other(_) = e.method {
            findings.push(Finding::new(
                Severity::Error,
                Code::UnsupportedCompression,
                e.path.clone(),
                format!("The entry is compressed with {}, which Lifeline does not read (only stored and deflate).", e.method.name()),
                "Extract the zip with a tool that knows this method and inspect the folder, or re-zip it with ordinary deflate.",
            ));
            readable[i] = false;
            continue;
        }
        let ratio_bad = e.size > (1 << 20) && e.size / e.compressed_size.max(1) > limits.max_ratio;
        if e.size > limits.max_entry_size || ratio_bad {
            findings.push(Finding::new(
                Severity::Error,
                Code::TooLarge,
                e.path.clone(),
                if ratio_bad {
                    format!(
                        "The entry claims to expand from {} to {} bytes, a ratio no firmware image has (a zip bomb?). It was not decompressed.",
                        e.compressed_size, e.size
                    )
                } else {
                    format!("The entry is {} bytes, more than the {} bytes a firmware file can be. It was not read.", e.size, limits.max_entry_size)
                },
                "Check you picked a Cisco phone firmware zip.",
            ));
            readable[i] = false;
            continue;
        }
        total = total.saturating_add(e.size);
        if total > limits.max_total_size {
            over_total = true;
            findings.push(Finding::new(
                Severity::Error,
                Code::TooLarge,
                e.path.clone(),
                format!("The input holds more than {} bytes in all; this entry and the rest were not read.", limits.max_total_size),
                "Check you picked a Cisco phone firmware zip, not a whole software distribution.",
            ));
            readable[i] = false;
        }
    }
    readable
}
