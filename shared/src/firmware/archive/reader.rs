//! The zip reader: the central directory walked and checked, and one entry streamed
//! through inflate at a time.
//!
//! Invariants: every offset is checked against the data before use; an entry never
//! yields more bytes than the directory declares.

use super::{ArchiveError, Entry, Limits, Method, base_name};
use crate::inflate::Inflater;
use thiserror::Error;

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
        let mut crc = crate::crc32::Hasher::new();
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
                let mut inflater = Inflater::new();
                let mut buf = vec![0u8; 64 * 1024];
                let mut consumed = 0;
                let mut produced: u64 = 0;
                loop {
                    let step = inflater
                        .step(&raw[consumed..], &mut buf)
                        .map_err(|e| EntryError::Inflate(e.to_string()))?;
                    consumed += step.consumed;
                    let n = step.written;
                    produced += n as u64;
                    if produced > declared {
                        return Err(EntryError::Overlong { declared });
                    }
                    crc.update(&buf[..n]);
                    sink(&buf[..n]);
                    if step.done {
                        break;
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

/// What the first bytes say the input is, for the "not a zip" message.
fn sniff(data: &[u8]) -> String {
    if data.starts_with(&crate::firmware::signed::MAGIC) {
        " — it is a single Cisco signed file; inspect the folder or the zip it came from".into()
    } else if data.starts_with(&[0x1f, 0x8b]) {
        " — it is gzip-compressed (a Call Manager package or a .tar.gz?), not a zip".into()
    } else if data.len() > 262 && &data[257..262] == b"ustar" {
        " — it is a tar archive, not a zip".into()
    } else {
        String::new()
    }
}
