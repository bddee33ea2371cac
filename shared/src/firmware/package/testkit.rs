//! Synthetic Call Manager packages, built the real way: a signed header, then a gzip'd
//! flat tar of the synthetic seed firmware (see [`crate::testkit`]) with the install script
//! and the `loadNNN.txt` lists a package carries. Nothing here is Cisco's.
//!
//! [`TarBuilder`] also writes the broken tars the reader must catch: names that climb out
//! of a folder, absolute names, links, devices, lying sizes, a missing end marker.

use crate::testkit::seed_files;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;

/// The seed firmware's package name.
pub const SEED_COP: &str = "cmterm-7941_7961-sccp.8-3-3.cop.sgn";
/// The signer a package's header names, shaped like a real one.
pub const COP_SIGNER: &str = "PT=3951_cop2;KT=dev;CN=lifeline-test";
/// The header length of a published package.
pub const COP_HEADER_LEN: usize = 408;

/// A tar entry type flag.
pub mod kind {
    /// A plain file.
    pub const FILE: u8 = b'0';
    /// A hard link.
    pub const HARD_LINK: u8 = b'1';
    /// A symbolic link.
    pub const SYMLINK: u8 = b'2';
    /// A character device.
    pub const CHAR_DEVICE: u8 = b'3';
    /// A directory.
    pub const DIRECTORY: u8 = b'5';
}

/// One entry for [`TarBuilder`].
#[derive(Clone, Debug)]
pub struct TarEntrySpec {
    /// Name bytes, written as they are (at most 100).
    pub name: Vec<u8>,
    /// Content.
    pub data: Vec<u8>,
    /// The type flag (see [`kind`]).
    pub kind: u8,
    /// The link target, for links.
    pub link: Vec<u8>,
    /// Write this size instead of the right one.
    pub size_override: Option<u64>,
}

/// A ustar writer that can also write broken tars.
#[derive(Clone, Debug)]
pub struct TarBuilder {
    entries: Vec<TarEntrySpec>,
    end_marker: bool,
}

impl Default for TarBuilder {
    fn default() -> Self {
        TarBuilder {
            entries: Vec::new(),
            end_marker: true,
        }
    }
}

impl TarBuilder {
    /// An empty tar.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a plain file.
    pub fn add(self, name: &str, data: impl Into<Vec<u8>>) -> Self {
        self.add_spec(TarEntrySpec {
            name: name.as_bytes().to_vec(),
            data: data.into(),
            kind: kind::FILE,
            link: Vec::new(),
            size_override: None,
        })
    }

    /// Adds an entry of another kind (a link to `link`, a device, a directory).
    pub fn add_kind(self, name: &str, kind: u8, link: &str) -> Self {
        self.add_spec(TarEntrySpec {
            name: name.as_bytes().to_vec(),
            data: Vec::new(),
            kind,
            link: link.as_bytes().to_vec(),
            size_override: None,
        })
    }

    /// Adds an entry described in full.
    pub fn add_spec(mut self, spec: TarEntrySpec) -> Self {
        self.entries.push(spec);
        self
    }

    /// Leaves out the two zero blocks that end an archive.
    pub fn without_end_marker(mut self) -> Self {
        self.end_marker = false;
        self
    }

    /// Writes the tar.
    pub fn build(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for e in &self.entries {
            let size = e.size_override.unwrap_or(e.data.len() as u64);
            out.extend(header(e, size));
            out.extend(&e.data);
            let pad = (512 - e.data.len() % 512) % 512;
            out.extend(std::iter::repeat_n(0u8, pad));
        }
        if self.end_marker {
            out.extend([0u8; 1024]);
        }
        out
    }
}

/// One ustar header block.
fn header(e: &TarEntrySpec, size: u64) -> [u8; 512] {
    let mut h = [0u8; 512];
    let put = |h: &mut [u8; 512], at: usize, v: &[u8], max: usize| {
        let n = v.len().min(max);
        h[at..at + n].copy_from_slice(&v[..n]);
    };
    put(&mut h, 0, &e.name, 100);
    put(&mut h, 100, b"0000644\0", 8);
    put(&mut h, 108, b"0000000\0", 8);
    put(&mut h, 116, b"0000000\0", 8);
    put(&mut h, 124, format!("{size:011o}\0").as_bytes(), 12);
    put(&mut h, 136, b"00000000000\0", 12);
    h[156] = e.kind;
    put(&mut h, 157, &e.link, 100);
    put(&mut h, 257, b"ustar\0", 6);
    put(&mut h, 263, b"00", 2);
    h[148..156].fill(b' ');
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    put(&mut h, 148, format!("{sum:06o}\0 ").as_bytes(), 8);
    h
}

/// `data` gzip'd.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut g = GzEncoder::new(Vec::new(), Compression::default());
    g.write_all(data).expect("writing to a Vec cannot fail");
    g.finish().expect("writing to a Vec cannot fail")
}

/// A package's signed header in the real layout, [`COP_HEADER_LEN`] bytes: version, the
/// header length, a container with the signer, the hash id and a fake signature, the
/// package's own name, then padding.
pub fn cop_header(name: &str, hash_id: u8) -> Vec<u8> {
    let mut h = vec![0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x00, 0x02, 0x00, 0x00];
    let signer = format!("{COP_SIGNER}\0");
    let container_len = 3 + signer.len() + 4 + 3 + 256;
    h.push(0x03);
    h.extend((container_len as u16).to_be_bytes());
    h.push(0x04);
    h.extend((signer.len() as u16).to_be_bytes());
    h.extend(signer.as_bytes());
    h.extend([0x08, 0x00, 0x01, hash_id]);
    h.extend([0x0C, 0x01, 0x00]);
    h.extend((0..256u32).map(|i| (i * 11 + 5) as u8));
    h.push(0x0E);
    h.extend(((name.len() + 1) as u16).to_be_bytes());
    h.extend(name.as_bytes());
    h.push(0);
    while h.len() < COP_HEADER_LEN || h.len() % 4 != 0 {
        h.push(0x0D);
    }
    let len = h.len() as u16;
    h[8..10].copy_from_slice(&len.to_be_bytes());
    h
}

/// A `.cop.sgn`: [`cop_header`] then `tar_gz`.
pub fn cop_sgn(name: &str, hash_id: u8, tar_gz: &[u8]) -> Vec<u8> {
    let mut f = cop_header(name, hash_id);
    f.extend_from_slice(tar_gz);
    f
}

/// The install script a synthetic package carries.
pub const COPSTART: &[u8] = b"#!/bin/sh\n# Installs the phone firmware into the Call Manager's TFTP folder.\ncp *.loads *.sbn /usr/local/cm/tftp/\n";

/// The seed firmware's files as a package holds them: the seed's images and manifests,
/// `copstart.sh`, and a `loadNNN.txt` per model naming the seed's load.
pub fn seed_package_files() -> Vec<(String, Vec<u8>)> {
    let mut files = seed_files();
    files.push(("copstart.sh".into(), COPSTART.to_vec()));
    for (id, model) in [(115, "7941"), (30018, "7961")] {
        files.push((
            format!("load{id}.txt"),
            format!("{id}  {}  1  // {model} SCCP\n", crate::testkit::SEED_LOAD).into_bytes(),
        ));
    }
    files
}

/// A flat tar of `files`.
pub fn tar_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    files
        .iter()
        .fold(TarBuilder::new(), |t, (n, d)| t.add(n, d.clone()))
        .build()
}

/// [`seed_package_files`] as a `.cop.sgn` whose header names it [`SEED_COP`], SHA-512 (3).
pub fn seed_cop() -> Vec<u8> {
    cop_sgn(SEED_COP, 3, &gzip(&tar_of(&seed_package_files())))
}
