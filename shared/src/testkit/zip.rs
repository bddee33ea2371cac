//! A small zip writer for tests, which can also write the broken zips the
//! inspector must catch, and raw deflate.

use crate::crc32::Hasher;
use flate2::{Compress, Compression, FlushCompress, Status};
/// How an entry is written by [`ZipBuilder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    /// Not compressed.
    Stored,
    /// Deflated.
    Deflate,
}

/// One entry for [`ZipBuilder`], with knobs to write broken zips.
#[derive(Clone, Debug)]
pub struct ZipEntrySpec {
    /// Name bytes, written as they are.
    pub name: Vec<u8>,
    /// Content.
    pub data: Vec<u8>,
    /// How to store it.
    pub store: Store,
    /// Write this CRC instead of the right one.
    pub crc_override: Option<u32>,
    /// Write this uncompressed size instead of the right one.
    pub size_override: Option<u32>,
    /// Set the encrypted flag.
    pub encrypted: bool,
    /// Write this method number instead.
    pub method_override: Option<u16>,
}

/// A small zip writer that can also write the broken zips the inspector must catch
/// (duplicate names, unsafe names, bad CRCs, encrypted flags, lying sizes).
#[derive(Clone, Debug, Default)]
pub struct ZipBuilder {
    entries: Vec<ZipEntrySpec>,
}

impl ZipBuilder {
    /// An empty zip.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a deflated entry.
    pub fn add(self, name: &str, data: impl Into<Vec<u8>>) -> Self {
        self.add_spec(Self::spec(name, data))
    }

    /// Adds an entry described in full.
    pub fn add_spec(mut self, spec: ZipEntrySpec) -> Self {
        self.entries.push(spec);
        self
    }

    /// A spec for `name` with `data`, deflated and otherwise honest.
    pub fn spec(name: &str, data: impl Into<Vec<u8>>) -> ZipEntrySpec {
        ZipEntrySpec {
            name: name.as_bytes().to_vec(),
            data: data.into(),
            store: Store::Deflate,
            crc_override: None,
            size_override: None,
            encrypted: false,
            method_override: None,
        }
    }

    /// Writes the zip.
    pub fn build(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for e in &self.entries {
            let mut h = Hasher::new();
            h.update(&e.data);
            let crc = e.crc_override.unwrap_or_else(|| h.finalize());
            let (method, payload) = match e.store {
                Store::Stored => (0u16, e.data.clone()),
                Store::Deflate => (8u16, deflate(&e.data)),
            };
            let method = e.method_override.unwrap_or(method);
            let size = e.size_override.unwrap_or(e.data.len() as u32);
            let flags: u16 = if e.encrypted { 1 } else { 0 };
            let offset = out.len() as u32;
            out.extend(0x0403_4b50u32.to_le_bytes());
            out.extend(20u16.to_le_bytes());
            out.extend(flags.to_le_bytes());
            out.extend(method.to_le_bytes());
            out.extend([0u8; 4]); // time, date
            out.extend(crc.to_le_bytes());
            out.extend((payload.len() as u32).to_le_bytes());
            out.extend(size.to_le_bytes());
            out.extend((e.name.len() as u16).to_le_bytes());
            out.extend(0u16.to_le_bytes());
            out.extend(&e.name);
            out.extend(&payload);

            central.extend(0x0201_4b50u32.to_le_bytes());
            central.extend(20u16.to_le_bytes());
            central.extend(20u16.to_le_bytes());
            central.extend(flags.to_le_bytes());
            central.extend(method.to_le_bytes());
            central.extend([0u8; 4]);
            central.extend(crc.to_le_bytes());
            central.extend((payload.len() as u32).to_le_bytes());
            central.extend(size.to_le_bytes());
            central.extend((e.name.len() as u16).to_le_bytes());
            central.extend([0u8; 12]); // extra, comment, disk, internal attrs, external attrs
            central.extend(offset.to_le_bytes());
            central.extend(&e.name);
        }
        let cd_offset = out.len() as u32;
        out.extend(&central);
        out.extend(0x0605_4b50u32.to_le_bytes());
        out.extend([0u8; 4]);
        out.extend((self.entries.len() as u16).to_le_bytes());
        out.extend((self.entries.len() as u16).to_le_bytes());
        out.extend((central.len() as u32).to_le_bytes());
        out.extend(cd_offset.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out
    }
}

/// Raw deflate of `data`.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut c = Compress::new(Compression::default(), false);
    let mut out = Vec::with_capacity(data.len() / 2 + 1024);
    loop {
        if out.capacity() - out.len() < 1024 {
            out.reserve(out.capacity());
        }
        let consumed = c.total_in() as usize;
        let status = c
            .compress_vec(&data[consumed..], &mut out, FlushCompress::Finish)
            .expect("deflate into a Vec cannot fail");
        if status == Status::StreamEnd {
            return out;
        }
    }
}
