//! The Cisco signed-file header of `.loads`, `.sbn` and `.sgn` files.
//!
//! A header is a run of tag/length/value fields with big-endian `u16` lengths:
//!
//! ```text
//! 01 00 02 xx xx          tag 1 (version), 2 bytes
//! 02 00 02 HH HH          tag 2: header length (u16 BE at offset 8); the body starts there
//! 03 LL LL                tag 3 container: children follow inline (also 7 and 9)
//! 04 LL LL "CN=…"         signer name      08 00 01 02   hash algorithm (2 = SHA-256;
//!                                                        3 and 4 both read as SHA-512)
//! 0E LL LL "NAME\0"       the file name, NUL-terminated, exact case
//! 0D 0D 0D …              tag 13: one padding byte, no length, up to the header length
//! ```
//!
//! [`SignedHeader::parse`] is the only way in for untrusted bytes: every read is
//! bounds-checked and every failure is a typed [`SignedError`]. The signature is
//! Cisco's and cannot be checked here; the phone checks it. Files are never modified.
//!
//! The 7800 series uses a different header (magic `CD 34 12 AB`, little-endian
//! lengths: the header's at offset 4, the body's at 12, checked against the real
//! `sip78xx.11-0-1-11.loads`); [`SignedHeader::parse`] recognises it too, see
//! [`HeaderKind`]. The 8800 series' `sip88xx`/`sip8845_65` manifests are taken to
//! use the same form: no real one was available to check.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The first three bytes of a classic signed file.
pub const MAGIC: [u8; 3] = [0x01, 0x00, 0x02];
/// The first four bytes of a 78xx-style signed file.
pub const MAGIC_78XX: [u8; 4] = [0xCD, 0x34, 0x12, 0xAB];
/// Tags whose value is a container: 3 bytes (tag + length), children follow inline.
const CONTAINERS: [u8; 3] = [3, 7, 9];
/// The padding tag: a single byte with no length field.
const PADDING: u8 = 13;
/// The tag carrying the embedded file name.
const TAG_NAME: u8 = 14;
/// The tag carrying the hash algorithm.
const TAG_HASH: u8 = 8;
/// The tag carrying the header length.
const TAG_HEADER_LEN: u8 = 2;
/// The tag carrying the signer's name.
const TAG_SIGNER: u8 = 4;
/// The longest embedded name we accept.
const MAX_NAME: usize = 255;

/// Which kind of signed header a file carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HeaderKind {
    /// The tag/length/value header of 79xx, 69xx, 89xx and 792x files.
    Classic,
    /// The 7800 series header (magic `CD 34 12 AB`).
    Series78xx,
}

/// The hash algorithm a header names (tag 8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HashAlgorithm {
    /// 1
    Sha1,
    /// 2
    Sha256,
    /// 3, or 4: tools disagree on SHA-512's id (one reads 3, an older one 4), so both
    /// read as SHA-512 and neither is claimed to be anything else.
    Sha512,
    /// A value Lifeline does not know; kept as it is.
    Unknown(u8),
}

impl HashAlgorithm {
    fn from_u8(v: u8) -> Self {
        match v {
            1 => HashAlgorithm::Sha1,
            2 => HashAlgorithm::Sha256,
            3 | 4 => HashAlgorithm::Sha512,
            other => HashAlgorithm::Unknown(other),
        }
    }

    /// A short human name.
    pub fn name(self) -> String {
        match self {
            HashAlgorithm::Sha1 => "SHA-1".into(),
            HashAlgorithm::Sha256 => "SHA-256".into(),
            HashAlgorithm::Sha512 => "SHA-512".into(),
            HashAlgorithm::Unknown(v) => format!("unknown ({v})"),
        }
    }
}

/// Why a signed header could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SignedError {
    /// Fewer bytes than the smallest header.
    #[error("the file is {len} bytes long, too short for a Cisco signed header")]
    TooShort {
        /// The file's length.
        len: usize,
    },
    /// The file does not start with a known magic.
    #[error("the file does not start with a Cisco signed header (it starts {found:02X?})")]
    BadMagic {
        /// The first bytes found.
        found: Vec<u8>,
    },
    /// The header-length field is missing or not where it should be.
    #[error("the header-length field (tag 2 at offset 5) is missing")]
    NoHeaderLength,
    /// The header length points outside the file or inside the fixed fields.
    #[error("the header claims {header_len} bytes but the file has {len}")]
    HeaderLengthOutOfRange {
        /// The claimed header length.
        header_len: usize,
        /// The file's length.
        len: usize,
    },
    /// A field's length runs past the header.
    #[error("field tag {tag} at offset {offset} runs past the end of the header")]
    FieldOverrun {
        /// The field's tag.
        tag: u8,
        /// Where the field starts.
        offset: usize,
    },
    /// The embedded name is not NUL-terminated printable text.
    #[error("the embedded file name (tag 14) is not a valid name")]
    BadName,
}

/// A parsed signed header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedHeader {
    /// Which kind of header it is.
    pub kind: HeaderKind,
    /// Where the body starts.
    pub header_len: usize,
    /// The embedded file name (tag 14), exact case, without its NUL.
    pub file_name: Option<String>,
    /// The hash algorithm (tag 8).
    pub hash_algorithm: Option<HashAlgorithm>,
    /// The signer's name (tag 4), e.g. `CN=…;OU=…`.
    pub signer: Option<String>,
    /// The body length the header states (78xx form: a little-endian `u32` at
    /// offset 12; the classic form states none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_len: Option<u64>,
}

fn text(value: &[u8]) -> Option<String> {
    let value = match value.iter().position(|&b| b == 0) {
        Some(nul) => &value[..nul],
        None => value,
    };
    if value.is_empty()
        || value.len() > MAX_NAME
        || !value.iter().all(|b| b.is_ascii_graphic() || *b == b' ')
    {
        return None;
    }
    Some(String::from_utf8_lossy(value).into_owned())
}

impl SignedHeader {
    /// Parses the header at the start of `bytes`; returns it and the body after it.
    ///
    /// Only the header is needed: `bytes` may be a prefix of a larger file as long
    /// as it holds the whole header.
    pub fn parse(bytes: &[u8]) -> Result<(SignedHeader, &[u8]), SignedError> {
        if bytes.len() >= 4 && bytes[..4] == MAGIC_78XX {
            return Self::parse_78xx(bytes);
        }
        if bytes.len() < 10 {
            return Err(SignedError::TooShort { len: bytes.len() });
        }
        if bytes[..3] != MAGIC {
            return Err(SignedError::BadMagic {
                found: bytes[..bytes.len().min(4)].to_vec(),
            });
        }
        if bytes[5] != TAG_HEADER_LEN || u16::from_be_bytes([bytes[6], bytes[7]]) != 2 {
            return Err(SignedError::NoHeaderLength);
        }
        let header_len = usize::from(u16::from_be_bytes([bytes[8], bytes[9]]));
        if header_len < 10 || header_len > bytes.len() {
            return Err(SignedError::HeaderLengthOutOfRange {
                header_len,
                len: bytes.len(),
            });
        }
        let header = &bytes[..header_len];
        let mut out = SignedHeader {
            kind: HeaderKind::Classic,
            header_len,
            file_name: None,
            hash_algorithm: None,
            signer: None,
            body_len: None,
        };
        let mut at = 0;
        while at < header.len() {
            let tag = header[at];
            if tag == PADDING {
                at += 1;
                continue;
            }
            if at + 3 > header.len() {
                return Err(SignedError::FieldOverrun { tag, offset: at });
            }
            let len = usize::from(u16::from_be_bytes([header[at + 1], header[at + 2]]));
            if CONTAINERS.contains(&tag) {
                // Children follow inline; the container's length only bounds them.
                if at + 3 + len > header.len() {
                    return Err(SignedError::FieldOverrun { tag, offset: at });
                }
                at += 3;
                continue;
            }
            let end = at + 3 + len;
            if end > header.len() {
                return Err(SignedError::FieldOverrun { tag, offset: at });
            }
            let value = &header[at + 3..end];
            match tag {
                TAG_NAME => out.file_name = Some(text(value).ok_or(SignedError::BadName)?),
                TAG_HASH if len == 1 => out.hash_algorithm = Some(HashAlgorithm::from_u8(value[0])),
                TAG_SIGNER => out.signer = text(value),
                _ => {}
            }
            at = end;
        }
        Ok((out, &bytes[header_len..]))
    }

    /// The 7800-series header: magic, then little-endian `u32` fields; the body
    /// starts at the offset in bytes 4..8 and the NUL-terminated name follows a
    /// `u32` length somewhere before it.
    fn parse_78xx(bytes: &[u8]) -> Result<(SignedHeader, &[u8]), SignedError> {
        if bytes.len() < 16 {
            return Err(SignedError::TooShort { len: bytes.len() });
        }
        let header_len = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
        if header_len < 16 || header_len > bytes.len() {
            return Err(SignedError::HeaderLengthOutOfRange {
                header_len,
                len: bytes.len(),
            });
        }
        // The name is the first run of printable bytes preceded by its length as a
        // u32 (LE) and followed by a NUL (`17 00 00 00 "sip78xx….loads" 00`).
        let header = &bytes[..header_len];
        let mut file_name = None;
        let mut at = 16;
        while at + 4 < header.len() {
            let len =
                u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
                    as usize;
            if (5..=MAX_NAME).contains(&len) && at + 4 + len < header.len() {
                let value = &header[at + 4..at + 4 + len];
                if header[at + 4 + len] == 0 && value.iter().all(|b| b.is_ascii_graphic()) {
                    file_name = text(value);
                    break;
                }
            }
            at += 1;
        }
        Ok((
            SignedHeader {
                kind: HeaderKind::Series78xx,
                header_len,
                file_name,
                hash_algorithm: None,
                signer: None,
                body_len: Some(u64::from(u32::from_le_bytes([
                    bytes[12], bytes[13], bytes[14], bytes[15],
                ]))),
            },
            &bytes[header_len..],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal header in the classic layout, as `testkit` writes it.
    fn header(name: &str, pad_to: usize) -> Vec<u8> {
        let mut h = vec![0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x00, 0x02, 0, 0];
        h.extend([0x03, 0x00, 0x08, 0x08, 0x00, 0x01, 0x02]); // container, hash = SHA-256
        h.extend([0x0E]);
        let n = name.len() as u16 + 1;
        h.extend(n.to_be_bytes());
        h.extend(name.as_bytes());
        h.push(0);
        while h.len() < pad_to {
            h.push(PADDING);
        }
        let len = h.len() as u16;
        h[8..10].copy_from_slice(&len.to_be_bytes());
        h
    }

    #[test]
    fn parses_name_hash_and_length() {
        let mut f = header("SCCP41.8-3-3S.loads", 64);
        f.extend(b"body");
        let (h, body) = SignedHeader::parse(&f).unwrap();
        assert_eq!(h.file_name.as_deref(), Some("SCCP41.8-3-3S.loads"));
        assert_eq!(h.hash_algorithm, Some(HashAlgorithm::Sha256));
        assert_eq!(h.header_len, 64);
        assert_eq!(body, b"body");
    }

    #[test]
    fn hash_ids_3_and_4_both_read_as_sha512_and_unknown_ones_round_trip() {
        for (id, want) in [
            (1, HashAlgorithm::Sha1),
            (2, HashAlgorithm::Sha256),
            (3, HashAlgorithm::Sha512),
            (4, HashAlgorithm::Sha512),
            (9, HashAlgorithm::Unknown(9)),
        ] {
            let mut f = header("cmterm-69xx-sip.9-4-1-3.cop.sgn", 64);
            // The hash field's value byte: tag 8 inside the container at offset 10.
            assert_eq!(f[13..16], [0x08, 0x00, 0x01]);
            f[16] = id;
            let (h, _) = SignedHeader::parse(&f).unwrap();
            assert_eq!(h.hash_algorithm, Some(want), "id {id}");
        }
        assert_eq!(HashAlgorithm::Sha512.name(), "SHA-512");
        assert_eq!(HashAlgorithm::Unknown(9).name(), "unknown (9)");
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let mut f = header("jar41sccp.8-3-2-27.sbn", 80);
        f.extend([0xAA; 10]);
        for cut in 0..80 {
            assert!(SignedHeader::parse(&f[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn rejects_wrong_magic_and_overruns() {
        assert!(matches!(
            SignedHeader::parse(b"PK\x03\x04 not a signed file"),
            Err(SignedError::BadMagic { .. })
        ));
        let mut f = header("a.sbn", 40);
        // Make the name field claim more bytes than the header holds.
        let name_at = f.iter().position(|&b| b == 0x0E).unwrap();
        f[name_at + 1..name_at + 3].copy_from_slice(&200u16.to_be_bytes());
        assert!(matches!(
            SignedHeader::parse(&f),
            Err(SignedError::FieldOverrun { tag: 14, .. })
        ));
    }
}
