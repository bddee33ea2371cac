//! Inflate: raw deflate streams (as zip entries hold them) and gzip members (as
//! Call Manager packages hold their tar), through miniz_oxide.
//!
//! miniz_oxide keeps no CRC tables of its own: a gzip member's CRC-32 is checked
//! with [`crate::crc32`], so the web app holds one small CRC table.
//!
//! Invariants: a gzip member is read to its trailer, and its CRC-32 and length are
//! checked there; a stream cut short is an error, never a shorter output.

use std::io::{self, Read};

use miniz_oxide::inflate::stream::{InflateState, inflate};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};
use thiserror::Error;

/// Why a deflate stream could not be inflated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum InflateError {
    /// The compressed data is not valid deflate.
    #[error("invalid deflate data")]
    Damaged,
    /// The data ends before the stream's last block does.
    #[error("the stream ends early")]
    Truncated,
}

/// What one [`Inflater::step`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// Input bytes used.
    pub consumed: usize,
    /// Output bytes written.
    pub written: usize,
    /// The stream's last block is out: nothing more will come.
    pub done: bool,
}

/// A raw deflate stream, inflated one output buffer at a time.
pub struct Inflater {
    state: Box<InflateState>,
}

impl std::fmt::Debug for Inflater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Inflater")
    }
}

impl Default for Inflater {
    fn default() -> Self {
        Self::new()
    }
}

impl Inflater {
    pub fn new() -> Self {
        Self {
            state: InflateState::new_boxed(DataFormat::Raw),
        }
    }

    /// Inflates from `input` (the rest of the stream, or a first part of it) into
    /// `out`. Call again with the input after `consumed` until `done`.
    pub fn step(&mut self, input: &[u8], out: &mut [u8]) -> Result<Step, InflateError> {
        let result = inflate(&mut self.state, input, out, MZFlush::None);
        let done = match result.status {
            Ok(MZStatus::StreamEnd) => true,
            Ok(MZStatus::Ok) => false,
            // Raw deflate has no preset dictionary.
            Ok(MZStatus::NeedDict) => return Err(InflateError::Damaged),
            // No progress: the input ended inside the stream.
            Err(MZError::Buf) => return Err(InflateError::Truncated),
            Err(_) => return Err(InflateError::Damaged),
        };
        Ok(Step {
            consumed: result.bytes_consumed,
            written: result.bytes_written,
            done,
        })
    }
}

/// The first bytes of a gzip stream (magic and the deflate method).
pub const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// The gzip header's flag bits.
const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;
const RESERVED: u8 = 0xE0;

/// The first gzip member of `data`, inflated as it is read. Bytes after the member
/// are ignored.
#[derive(Debug)]
pub struct GzReader<'a> {
    data: &'a [u8],
    /// Where the deflate stream continues; `None` until the header is read.
    at: Option<usize>,
    inflater: Inflater,
    crc: crate::crc32::Hasher,
    /// The output's length modulo 2^32, as the trailer holds it.
    size: u32,
    /// The trailer was read and checked.
    finished: bool,
}

impl<'a> GzReader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self {
            data,
            at: None,
            inflater: Inflater::new(),
            crc: crate::crc32::Hasher::new(),
            size: 0,
            finished: false,
        }
    }

    /// Where the deflate stream starts, after the header and its optional fields.
    fn header_end(data: &[u8]) -> io::Result<usize> {
        let short = || io::Error::new(io::ErrorKind::UnexpectedEof, "the gzip header is cut short");
        let fixed = data.get(..10).ok_or_else(short)?;
        if fixed[..3] != GZIP_MAGIC {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "invalid gzip header (not gzip, or not deflate)",
            ));
        }
        let flags = fixed[3];
        if flags & RESERVED != 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "invalid gzip header (reserved flags set)",
            ));
        }
        let mut at = 10;
        if flags & FEXTRA != 0 {
            let len = data.get(at..at + 2).ok_or_else(short)?;
            at += 2 + usize::from(u16::from_le_bytes([len[0], len[1]]));
        }
        for flag in [FNAME, FCOMMENT] {
            if flags & flag != 0 {
                let rest = data.get(at..).ok_or_else(short)?;
                at += 1 + rest.iter().position(|&b| b == 0).ok_or_else(short)?;
            }
        }
        if flags & FHCRC != 0 {
            at += 2;
        }
        if at > data.len() {
            return Err(short());
        }
        Ok(at)
    }

    /// Checks the trailer after the deflate stream: the CRC-32 and the length.
    fn check_trailer(&self, at: usize) -> io::Result<()> {
        let trailer = self.data.get(at..at + 8).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the gzip trailer (CRC-32 and length) is missing",
            )
        })?;
        let word = |i: usize| {
            u32::from_le_bytes([trailer[i], trailer[i + 1], trailer[i + 2], trailer[i + 3]])
        };
        if word(0) != self.crc.finalize() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the data does not match the gzip trailer's CRC-32",
            ));
        }
        if word(4) != self.size {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the data's length does not match the gzip trailer's",
            ));
        }
        Ok(())
    }
}

impl Read for GzReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.finished || buf.is_empty() {
            return Ok(0);
        }
        let mut at = match self.at {
            Some(at) => at,
            None => Self::header_end(self.data)?,
        };
        loop {
            let step = self
                .inflater
                .step(&self.data[at..], buf)
                .map_err(|e| match e {
                    InflateError::Truncated => io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the deflate stream ends early",
                    ),
                    InflateError::Damaged => io::Error::new(io::ErrorKind::InvalidData, e),
                })?;
            at += step.consumed;
            self.at = Some(at);
            let out = &buf[..step.written];
            self.crc.update(out);
            // The trailer holds the length modulo 2^32.
            self.size = self.size.wrapping_add(step.written as u32);
            if step.done {
                self.check_trailer(at)?;
                self.finished = true;
            }
            if step.written > 0 || self.finished {
                return Ok(step.written);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::{DeflateEncoder, GzEncoder};
    use std::io::Write as _;

    fn sample(len: usize) -> Vec<u8> {
        (0..len as u32).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn read_all(data: &[u8], chunk: usize) -> io::Result<Vec<u8>> {
        let mut r = GzReader::new(data);
        let mut out = Vec::new();
        let mut buf = vec![0u8; chunk];
        loop {
            let n = r.read(&mut buf)?;
            if n == 0 {
                return Ok(out);
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn raw_deflate_inflates_in_small_steps() {
        let data = sample(200_000);
        let mut e = DeflateEncoder::new(Vec::new(), Compression::best());
        e.write_all(&data).unwrap();
        let packed = e.finish().unwrap();
        let mut inflater = Inflater::new();
        let (mut at, mut out, mut buf) = (0, Vec::new(), vec![0u8; 1000]);
        loop {
            let step = inflater.step(&packed[at..], &mut buf).unwrap();
            at += step.consumed;
            out.extend_from_slice(&buf[..step.written]);
            if step.done {
                break;
            }
        }
        assert_eq!(out, data);
        assert_eq!(at, packed.len());
    }

    #[test]
    fn raw_deflate_cut_short_or_damaged_is_an_error() {
        let mut e = DeflateEncoder::new(Vec::new(), Compression::default());
        e.write_all(&sample(50_000)).unwrap();
        let packed = e.finish().unwrap();
        let run = |input: &[u8]| {
            let mut inflater = Inflater::new();
            let (mut at, mut buf) = (0, vec![0u8; 64 * 1024]);
            for _ in 0..1000 {
                let step = inflater.step(&input[at..], &mut buf)?;
                at += step.consumed;
                if step.done {
                    return Ok(());
                }
            }
            panic!("no end after 1000 steps")
        };
        assert_eq!(
            run(&packed[..packed.len() / 2]),
            Err(InflateError::Truncated)
        );
        // Block type 3 is reserved.
        assert_eq!(run(&[0x07, 0, 0]), Err(InflateError::Damaged));
    }

    #[test]
    fn a_gzip_member_reads_back_whatever_the_buffer_size() {
        let data = sample(300_000);
        let packed = gzip(&data);
        for chunk in [1, 7, 4096, 1 << 20] {
            assert_eq!(read_all(&packed, chunk).unwrap(), data, "chunk {chunk}");
        }
        assert_eq!(read_all(&gzip(b""), 64).unwrap(), b"");
    }

    #[test]
    fn header_fields_are_skipped_and_trailing_bytes_ignored() {
        let data = sample(5000);
        let mut e = flate2::GzBuilder::new()
            .filename("term41.default.loads")
            .comment("a comment")
            .extra(vec![1, 2, 3, 4])
            .write(Vec::new(), Compression::default());
        e.write_all(&data).unwrap();
        let mut packed = e.finish().unwrap();
        packed.extend_from_slice(b"trailing garbage");
        assert_eq!(read_all(&packed, 512).unwrap(), data);
    }

    #[test]
    fn a_wrong_crc_length_or_cut_is_an_error() {
        let packed = gzip(&sample(10_000));
        let n = packed.len();
        let error = |bytes: &[u8]| read_all(bytes, 4096).unwrap_err().to_string();

        let mut bad_crc = packed.clone();
        bad_crc[n - 8] ^= 1;
        assert!(error(&bad_crc).contains("CRC-32"), "{}", error(&bad_crc));

        let mut bad_len = packed.clone();
        bad_len[n - 1] ^= 1;
        assert!(error(&bad_len).contains("length"), "{}", error(&bad_len));

        assert!(error(&packed[..n - 4]).contains("trailer"));
        assert!(error(&packed[..n / 2]).contains("ends early"));
        assert!(error(&packed[..5]).contains("header is cut short"));
        assert!(error(b"PK\x03\x04 not gzip at all").contains("invalid gzip header"));
        let mut reserved = packed.clone();
        reserved[3] |= 0x80;
        assert!(error(&reserved).contains("reserved"));
    }
}
