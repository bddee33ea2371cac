//! Transfer modes (RFC 1350): octet sends bytes as they are; netascii turns
//! a local text file's LF into CR LF and CR into CR NUL on the wire.

use std::io::{self, IoSliceMut, Read};

use serde::Serialize;

/// The transfer modes served.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TransferMode {
    /// Bytes as they are.
    Octet,
    /// Text: LF becomes CR LF and CR becomes CR NUL on the wire.
    Netascii,
}

impl TransferMode {
    /// The mode for a request's mode string (any case); `None` for `mail` and
    /// anything else.
    pub fn parse(mode: &str) -> Option<Self> {
        if mode.eq_ignore_ascii_case("octet") {
            Some(Self::Octet)
        } else if mode.eq_ignore_ascii_case("netascii") {
            Some(Self::Netascii)
        } else {
            None
        }
    }
}

/// A netascii encoder over a local (LF) text source.
#[derive(Debug)]
pub struct Netascii<R> {
    inner: R,
    pending: Option<u8>,
    buf: Box<[u8; 1024]>,
    pos: usize,
    len: usize,
}

impl<R: Read> Netascii<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            pending: None,
            buf: Box::new([0; 1024]),
            pos: 0,
            len: 0,
        }
    }
}

impl<R: Read> Read for Netascii<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < out.len() {
            if let Some(byte) = self.pending.take() {
                out[n] = byte;
                n += 1;
                continue;
            }
            if self.pos == self.len {
                if n > 0 {
                    break;
                }
                self.len = self.inner.read(&mut self.buf[..])?;
                self.pos = 0;
                if self.len == 0 {
                    break;
                }
            }
            let byte = self.buf[self.pos];
            self.pos += 1;
            out[n] = byte;
            n += 1;
            match byte {
                b'\n' => {
                    out[n - 1] = b'\r';
                    self.pending = Some(b'\n');
                }
                b'\r' => self.pending = Some(0),
                _ => {}
            }
        }
        Ok(n)
    }
}

/// The netascii size of a local text source (reads it to the end).
pub fn netascii_len(mut source: impl Read) -> io::Result<u64> {
    let mut buf = [0u8; 8192];
    let mut total = 0u64;
    loop {
        let n = match source.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        total += n as u64
            + buf[..n]
                .iter()
                .filter(|&&b| b == b'\n' || b == b'\r')
                .count() as u64;
    }
}

pub(super) enum Source<R> {
    Octet(R),
    Netascii(Netascii<R>),
}

impl<R: Read> Source<R> {
    /// Reads until every buffer is full or the source ends; returns the bytes
    /// read.
    pub(super) fn fill(&mut self, mut bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        let mut n = 0;
        while !bufs.is_empty() {
            let r = match self {
                Self::Octet(r) => r.read_vectored(bufs),
                Self::Netascii(r) => r.read_vectored(bufs),
            };
            match r {
                Ok(0) => break,
                Ok(k) => {
                    n += k;
                    IoSliceMut::advance_slices(&mut bufs, k);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }
}
