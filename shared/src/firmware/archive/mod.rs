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
//!
//! # Layout
//!
//! - this module: what an entry is, the [`Limits`], and [`check_entries`] (names,
//!   duplicates, encryption, methods, sizes) deciding which entries may be read.
//! - `reader`: [`ZipIndex`], the central directory and the streaming inflate.

mod reader;

pub use reader::{EntryError, ZipEntry, ZipIndex};

use crate::finding::{Code, Finding, Severity};
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
    /// A file in a tar (a Call Manager package): no compression of its own.
    Tar,
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
            Method::Tar => "tar".into(),
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

/// The last component of a path inside an archive.
pub fn base_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches(['/', '\\']);
    match trimmed.rfind(['/', '\\']) {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
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
                "The input holds {declared} entries; only the first {} were read.",
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
                    format!("The input holds `{}` twice; which copy a TFTP server would serve is a matter of chance.", e.path)
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
