//! Call Manager packages: a `.cop.sgn` (a Cisco signed header, then a gzip'd flat tar), a
//! `.tar.gz`/`.tgz`, or a plain `.tar`, read into entries for the inspection.
//!
//! A `.cop.sgn` is the signed header of a `.loads` file (tag 2 holds its length) followed
//! at once by the gzip stream; the bytes after the header are the vendor's `.tar.gz`. The
//! stream is found by the header length, its gzip magic checked there, and otherwise
//! searched for in the first [`SEARCH_WINDOW`] bytes.
//!
//! Invariants:
//! - Untrusted bytes enter only through [`read`]. The inflated tar is streamed: each entry
//!   is read once, straight into its [`PackageEntry`], so the tar is never held twice.
//! - The inflated stream is bounded by [`Limits`]: its total size, and its ratio to the
//!   compressed bytes once past 1 MiB. An entry over the size limits, or with a name that
//!   could escape a folder, is listed but its data is not kept (the inspection reports it).
//! - Links, devices and other non-files are never followed: each is a note, and ignored.
//! - A stream cut short (gzip trailer, tar block or end-of-archive marker missing) is a
//!   [`PackageError`], never a shorter list of files.
//!
//! # Layout
//!
//! - this module: what an input is ([`kind_of`]), finding the tar, and reading it.
//! - `loadlist`: the `loadNNN.txt` lines and the names of a package's own files.
//! - `testkit` (tests and feature `testkit`): synthetic packages built the real way.

mod loadlist;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;

pub use loadlist::{
    LoadLine, LoadListError, MAX_LOAD_LIST, install_script, load_list_id, parse_load_list,
};

use crate::finding::{Code, Finding, Severity};
use crate::firmware::archive::{Limits, unsafe_name_reason};
use crate::firmware::signed::{self, SignedHeader};
use crate::inflate::GzReader;
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::io::{self, Read};
use thiserror::Error;

pub use crate::inflate::GZIP_MAGIC;
/// How far into a signed package the gzip stream is searched for when the header length
/// does not point at it (real headers are about 400 bytes).
pub const SEARCH_WINDOW: usize = 8 * 1024;
/// Below this many inflated bytes the ratio bound does not apply.
const RATIO_FLOOR: u64 = 1 << 20;
/// A tar block.
const BLOCK: u64 = 512;

/// How a Call Manager package is wrapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PackageFormat {
    /// A Cisco signed header, then a gzip'd tar (`.cop.sgn`, `.cop`).
    CopSgn,
    /// A gzip'd tar (`.tar.gz`, `.tgz`).
    TarGz,
    /// A plain tar.
    Tar,
}

impl PackageFormat {
    /// A short human name.
    pub fn name(self) -> &'static str {
        match self {
            PackageFormat::CopSgn => "Call Manager package (.cop.sgn)",
            PackageFormat::TarGz => "gzip'd tar (.tar.gz)",
            PackageFormat::Tar => "tar",
        }
    }
}

/// What an input file is, from its name and first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// A zip.
    Zip,
    /// A Call Manager package or a tar.
    Package(PackageFormat),
    /// Anything else (a lone `.loads` or image, say).
    Other,
}

/// What `name` with content `data` is. The bytes decide first: a zip's magic, a signed
/// header whose length points at a gzip stream, gzip's magic, a tar's `ustar` magic; then
/// the name (`.zip`, `.cop.sgn`, `.cop`, `.tar.gz`, `.tgz`, `.tar`, any case). A signed
/// file that is not named as a package is a lone signed file (a `.loads` or an image)
/// when it has no gzip stream after its header, or when its name is a phone's file name
/// (`.loads`, `.sbn`, `.sb2`, `.sgn`, `.bin`): an image may hold a gzip stream itself.
pub fn kind_of(name: &str, data: &[u8]) -> InputKind {
    let lower = name.to_ascii_lowercase();
    let named_cop = lower.ends_with(".cop.sgn") || lower.ends_with(".cop");
    if data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") {
        return InputKind::Zip;
    }
    if data.starts_with(&signed::MAGIC) {
        // A signed image may itself hold a gzip stream: its name says it is a file a
        // phone asks for, not a package.
        let named_file = [".loads", ".sbn", ".sb2", ".sgn", ".bin"]
            .iter()
            .any(|ext| lower.ends_with(ext));
        let gzip_follows =
            SignedHeader::parse(data).is_ok_and(|(_, body)| body.starts_with(&GZIP_MAGIC));
        return if named_cop || (gzip_follows && !named_file) {
            InputKind::Package(PackageFormat::CopSgn)
        } else {
            InputKind::Other
        };
    }
    if data.starts_with(&GZIP_MAGIC[..2]) {
        return InputKind::Package(PackageFormat::TarGz);
    }
    if data.get(257..262) == Some(b"ustar") {
        return InputKind::Package(PackageFormat::Tar);
    }
    if lower.ends_with(".zip") {
        InputKind::Zip
    } else if named_cop {
        InputKind::Package(PackageFormat::CopSgn)
    } else if lower.ends_with(".tar.gz") || lower.ends_with(".tgz") {
        InputKind::Package(PackageFormat::TarGz)
    } else if lower.ends_with(".tar") {
        InputKind::Package(PackageFormat::Tar)
    } else {
        InputKind::Other
    }
}

/// How the tar was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TarFound {
    /// Right after the signed header, where its length field points.
    HeaderLength,
    /// By searching for gzip's magic: the header length did not point at it.
    Search,
    /// At the start (a `.tar.gz` or `.tar`).
    Start,
}

/// Why a package could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PackageError {
    /// Nothing to read.
    #[error("the input is empty")]
    Empty,
    /// A signed file with no gzip stream after its header.
    #[error(
        "it starts with a Cisco signed header, but no gzip stream follows it (nor is one in its first {window} bytes): it is a single signed file, not a Call Manager package; inspect the folder or the zip it came from"
    )]
    NoTar {
        /// How far it was searched for.
        window: usize,
    },
    /// The gzip stream is damaged or cut short.
    #[error(
        "the gzip stream is damaged or cut short ({detail}); the download was probably interrupted, so download the package again"
    )]
    Gzip {
        /// What the decoder said.
        detail: String,
    },
    /// The tar is damaged or cut short.
    #[error("the tar inside is damaged or cut short ({detail}); download the package again")]
    Tar {
        /// What is wrong.
        detail: String,
    },
    /// It inflates to more than any firmware package.
    #[error(
        "it expands to more than {limit} bytes, more than any phone firmware; check you picked a phone firmware package"
    )]
    TooLarge {
        /// The bound that was reached.
        limit: u64,
    },
    /// It inflates far more than firmware does (a gzip bomb?).
    #[error(
        "its {compressed} compressed bytes expand more than {ratio} times, which no firmware does (a gzip bomb?); it was not read further"
    )]
    Ratio {
        /// The compressed size.
        compressed: u64,
        /// The bound.
        ratio: u64,
    },
}

/// One file of a package's tar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageEntry {
    /// The name as stored, lossily decoded (non-ASCII bytes of a non-UTF-8 name become U+FFFD).
    pub path: String,
    /// The name's bytes as stored.
    pub raw: Vec<u8>,
    /// Its size as the tar records it.
    pub size: u64,
    /// Its content; empty when it was not kept (an unsafe name, over the size limits).
    pub data: Vec<u8>,
}

/// A package, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    pub format: PackageFormat,
    /// The package's own signed header (`.cop.sgn`), when it could be read.
    pub header: Option<SignedHeader>,
    /// Where the gzip stream (or the tar) starts.
    pub tar_offset: usize,
    /// How it was found.
    pub found: TarFound,
    /// The plain files, in tar order.
    pub entries: Vec<PackageEntry>,
    /// How many files the tar holds: more than `entries.len()` past the entry limit (the
    /// rest are counted, not read).
    pub declared: u64,
    /// Notes on entries that were ignored (links, devices).
    pub notes: Vec<Finding>,
}

/// Reads a package held in memory: finds its tar, then streams it entry by entry.
pub fn read(data: &[u8], limits: &Limits) -> Result<Package, PackageError> {
    if data.is_empty() {
        return Err(PackageError::Empty);
    }
    let (format, header, tar_offset, found) = locate(data)?;
    let stream = &data[tar_offset..];
    let compressed = stream.len() as u64;
    // Headers and padding take at most two blocks per entry beyond the files themselves.
    let overhead = 2 * BLOCK * (limits.max_entries as u64 + 2);
    let total_cap = limits.max_total_size.saturating_add(overhead);
    let gzip = format != PackageFormat::Tar;
    let ratio_cap = compressed.saturating_mul(limits.max_ratio).max(RATIO_FLOOR);
    let state = State::default();
    let cap = if gzip {
        total_cap.min(ratio_cap)
    } else {
        total_cap
    };
    let outcome = if gzip {
        let mut r = Counted::new(GzReader::new(stream), cap, &state);
        read_tar(&mut r, limits).and_then(|t| {
            // The rest of the stream: the gzip trailer checks the CRC and the length.
            io::copy(&mut r, &mut io::sink())?;
            Ok(t)
        })
    } else {
        read_tar(&mut Counted::new(stream, cap, &state), limits)
    };
    let tar = outcome.map_err(|e| {
        if state.over.get() {
            if gzip && cap == ratio_cap && ratio_cap < total_cap {
                PackageError::Ratio {
                    compressed,
                    ratio: limits.max_ratio,
                }
            } else {
                PackageError::TooLarge { limit: cap }
            }
        } else if let Some(detail) = state.inner_error.take() {
            PackageError::Gzip { detail }
        } else {
            PackageError::Tar {
                detail: e.to_string(),
            }
        }
    })?;
    if !tar.end_marker {
        return Err(PackageError::Tar {
            detail: "it ends without the end-of-archive blocks, so files may be missing".into(),
        });
    }
    Ok(Package {
        format,
        header,
        tar_offset,
        found,
        entries: tar.entries,
        declared: tar.declared,
        notes: tar.notes,
    })
}

/// The format, the package's signed header, where the tar starts and how it was found.
fn locate(
    data: &[u8],
) -> Result<(PackageFormat, Option<SignedHeader>, usize, TarFound), PackageError> {
    if !data.starts_with(&signed::MAGIC) {
        let format = if data.starts_with(&GZIP_MAGIC[..2]) {
            PackageFormat::TarGz
        } else {
            PackageFormat::Tar
        };
        return Ok((format, None, 0, TarFound::Start));
    }
    let parsed = SignedHeader::parse(data).ok();
    if let Some((h, body)) = &parsed
        && body.starts_with(&GZIP_MAGIC)
    {
        return Ok((
            PackageFormat::CopSgn,
            Some(h.clone()),
            h.header_len,
            TarFound::HeaderLength,
        ));
    }
    let window = &data[..data.len().min(SEARCH_WINDOW)];
    let at = window
        .windows(GZIP_MAGIC.len())
        .position(|w| w == GZIP_MAGIC)
        .ok_or(PackageError::NoTar {
            window: SEARCH_WINDOW,
        })?;
    Ok((
        PackageFormat::CopSgn,
        parsed.map(|(h, _)| h),
        at,
        TarFound::Search,
    ))
}

/// What the reader under the tar saw.
#[derive(Default)]
struct State {
    /// The bound was reached.
    over: Cell<bool>,
    /// The reader under the tar reached its end.
    eof: Cell<bool>,
    /// The reader under the tar (the gzip decoder) failed, saying this.
    inner_error: Cell<Option<String>>,
}

/// A reader that counts what passes and stops at a bound.
struct Counted<'s, R> {
    inner: R,
    count: u64,
    cap: u64,
    state: &'s State,
}

impl<'s, R> Counted<'s, R> {
    fn new(inner: R, cap: u64, state: &'s State) -> Self {
        Counted {
            inner,
            count: 0,
            cap,
            state,
        }
    }
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = match self.inner.read(buf) {
            Ok(n) => n,
            Err(e) => {
                self.state.inner_error.set(Some(e.to_string()));
                return Err(e);
            }
        };
        if n == 0 && !buf.is_empty() {
            self.state.eof.set(true);
        }
        self.count += n as u64;
        if self.count > self.cap {
            self.state.over.set(true);
            return Err(io::Error::other("the bound on inflated bytes was reached"));
        }
        Ok(n)
    }
}

/// The tar, read.
struct Tar {
    entries: Vec<PackageEntry>,
    declared: u64,
    notes: Vec<Finding>,
    /// The tar ended with its end-of-archive block, not at the end of the data.
    end_marker: bool,
}

/// Streams the tar: each plain file read into its entry, within the limits.
fn read_tar<R: Read>(r: &mut Counted<'_, R>, limits: &Limits) -> io::Result<Tar> {
    let mut archive = tar::Archive::new(r);
    let mut out = Tar {
        entries: Vec::new(),
        declared: 0,
        notes: Vec::new(),
        end_marker: false,
    };
    let mut total: u64 = 0;
    for entry in archive.entries()? {
        let mut entry = entry?;
        let kind = entry.header().entry_type();
        let raw = entry.path_bytes().into_owned();
        let path = match std::str::from_utf8(&raw) {
            Ok(s) => s.to_string(),
            Err(_) => raw
                .iter()
                .map(|&b| if b < 0x80 { b as char } else { '\u{FFFD}' })
                .collect(),
        };
        if kind.is_dir()
            || kind.is_pax_global_extensions()
            || kind.is_pax_local_extensions()
            || kind.is_gnu_longname()
            || kind.is_gnu_longlink()
        {
            continue;
        }
        if !(kind.is_file() || kind.is_contiguous()) {
            out.notes
                .push(ignored(&path, kind, entry.link_name_bytes()));
            continue;
        }
        out.declared += 1;
        if out.entries.len() >= limits.max_entries {
            // Counted, not read: the tar skips its data (within the stream's bound).
            continue;
        }
        let size = entry.size();
        let keep = unsafe_name_reason(&raw, &path).is_none()
            && size <= limits.max_entry_size
            && total.saturating_add(size) <= limits.max_total_size;
        let mut data = Vec::new();
        if keep {
            data.reserve(usize::try_from(size.min(64 << 20)).unwrap_or(0));
            (&mut entry).take(size).read_to_end(&mut data)?;
            if data.len() as u64 != size {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("`{path}` ends after {} of its {size} bytes", data.len()),
                ));
            }
        }
        total = total.saturating_add(size);
        out.entries.push(PackageEntry {
            path,
            raw,
            size,
            data,
        });
    }
    // The entries end either at an all-zero block (the end-of-archive marker) or at the
    // end of the data; only the second reaches the end of the reader.
    out.end_marker = !archive.into_inner().state.eof.get();
    Ok(out)
}

/// The note for an entry that is not a plain file.
fn ignored(path: &str, kind: tar::EntryType, link: Option<std::borrow::Cow<'_, [u8]>>) -> Finding {
    let what = if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_hard_link() {
        "a hard link"
    } else if kind.is_character_special() || kind.is_block_special() {
        "a device"
    } else if kind.is_fifo() {
        "a named pipe"
    } else if kind.is_gnu_sparse() {
        "a sparse file"
    } else {
        "not a plain file"
    };
    let target = link
        .map(|l| format!(" (to `{}`)", String::from_utf8_lossy(&l)))
        .unwrap_or_default();
    Finding::new(
        Severity::Info,
        Code::PackageEntryIgnored,
        path.to_string(),
        format!(
            "The package holds `{path}` as {what}{target}; Lifeline ignores it and serves only plain files."
        ),
        "Nothing to do: phone firmware is plain files. If a phone asks for this name, copy the file it points at under this name.",
    )
}

#[cfg(test)]
mod tests;
