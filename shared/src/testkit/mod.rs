//! Fixtures for every crate's tests, fuzz seeds and benchmarks: synthetic
//! firmware (signed files, `.loads` bodies, zips, the seed's image list),
//! pseudo-random bytes, bundle manifests, a helper's status, the DHCP
//! steps and sample events.
//!
//! The suite needs no Cisco file: the images are pseudo-random bytes behind a
//! real-shaped signed header; nothing here is Cisco's.

use crate::bundle::{self, File, Kind, Manifest, Settings};

mod events;
pub mod families;
mod zip;

pub use events::*;
pub use zip::*;

/// A signed file (classic header) named `name` with `body` after the header.
///
/// The header has the real layout: version, header length at offset 8, a signer
/// container, SHA-256 as hash algorithm, a fake 256-byte signature, the name
/// (NUL-terminated), and `0x0D` padding up to a multiple of 4.
pub fn signed_file(name: &str, body: &[u8]) -> Vec<u8> {
    let mut h = vec![0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x00, 0x02, 0x00, 0x00];
    let signer = b"CN=lifeline-test;OU=synthetic;O=none\0";
    let container_len = 3 + signer.len() + 4 + 3 + 256;
    h.push(0x03);
    h.extend((container_len as u16).to_be_bytes());
    h.push(0x04);
    h.extend((signer.len() as u16).to_be_bytes());
    h.extend(signer);
    h.extend([0x08, 0x00, 0x01, 0x02]);
    h.extend([0x0C, 0x01, 0x00]);
    h.extend((0..256u32).map(|i| (i * 7 + 3) as u8));
    h.push(0x0E);
    h.extend(((name.len() + 1) as u16).to_be_bytes());
    h.extend(name.as_bytes());
    h.push(0);
    h.push(0x0D);
    while h.len() % 4 != 0 {
        h.push(0x0D);
    }
    let len = h.len() as u16;
    h[8..10].copy_from_slice(&len.to_be_bytes());
    h.extend_from_slice(body);
    h
}

/// A 79xx manifest body (CRLF, comments, optional `#HARDWARE_COMP_1`).
pub fn manifest_body(release: &str, hardware_comp: Option<u32>, images: &[&str]) -> Vec<u8> {
    let mut s = String::from(
        "#\r\n# This file contains a list of archive image files that will be requested by the\r\n",
    );
    s.push_str(&format!("# RELEASE load version {release}\r\n#\r\n"));
    if let Some(h) = hardware_comp {
        s.push_str(&format!("#HARDWARE_COMP_1 {h}\r\n"));
    }
    s.push_str("\r\n");
    for (i, img) in images.iter().enumerate() {
        s.push_str(img);
        // Real files carry trailing spaces on some lines.
        if i >= 3 {
            s.push(' ');
        }
        s.push_str("\r\n");
    }
    s.into_bytes()
}

/// `len` pseudo-random bytes from `seed` (xorshift: fast, deterministic, incompressible).
pub fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A signed image of exactly `size` bytes whose header names it `name`.
pub fn image(name: &str, size: usize) -> Vec<u8> {
    let mut f = signed_file(name, &[]);
    let seed = name
        .bytes()
        .fold(0u64, |a, b| a.wrapping_mul(31).wrapping_add(u64::from(b)));
    let body = size.saturating_sub(f.len());
    // Mostly noise with some runs, so deflate does a little work, as on real images.
    let mut data = noise(seed, body);
    for chunk in data.chunks_mut(4096).step_by(3) {
        let n = chunk.len().min(512);
        chunk[..n].fill(0);
    }
    f.extend(data);
    f
}

/// The images of the seed firmware (`cmterm-7941_7961-sccp.8-3-3`), in the
/// order its manifests list them, which is the order a phone fetches them.
pub const SEED_IMAGE_NAMES: [&str; 5] = [
    "jar41sccp.8-3-2-27.sbn",
    "cnu41.8-3-2-27.sbn",
    "apps41.8-3-2-27.sbn",
    "dsp41.8-3-2-27.sbn",
    "cvm41sccp.8-3-2-27.sbn",
];

/// The seed firmware's images with their real sizes.
pub const SEED_IMAGES: [(&str, usize); 5] = [
    (SEED_IMAGE_NAMES[0], 315_827),
    (SEED_IMAGE_NAMES[1], 547_146),
    (SEED_IMAGE_NAMES[2], 2_494_499),
    (SEED_IMAGE_NAMES[3], 530_601),
    (SEED_IMAGE_NAMES[4], 2_452_629),
];

/// The load the seed firmware carries.
pub const SEED_LOAD: &str = "SCCP41.8-3-3S";

/// The files of a synthetic `cmterm-7941_7961-sccp.8-3-3` firmware, shaped like the
/// seed's: five signed images of the same names and sizes, the load manifest and
/// term41/term61, each manifest listing the images in the phone's order.
pub fn seed_files() -> Vec<(String, Vec<u8>)> {
    let body = manifest_body("8-3-2-27", None, &SEED_IMAGE_NAMES);
    let mut files: Vec<(String, Vec<u8>)> = SEED_IMAGES
        .iter()
        .map(|(n, size)| (n.to_string(), image(n, *size)))
        .collect();
    for m in [
        format!("{SEED_LOAD}.loads"),
        "term41.default.loads".into(),
        "term61.default.loads".into(),
    ] {
        let f = signed_file(&m, &body);
        files.push((m, f));
    }
    files
}

/// The files of a synthetic 7941/7961 firmware zip for any load (`SCCP41.8-5-2S`,
/// `SIP41.9-4-2SR3-1S`): five signed images of `image_size` bytes named after the
/// load's version and protocol, the load manifest and term41/term61.
pub fn load_files(load: &str, image_size: usize) -> Vec<(String, Vec<u8>)> {
    let (prefix, ver) = load
        .split_once('.')
        .expect("a load name such as SCCP41.8-5-2S");
    let proto = prefix
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_ascii_lowercase();
    let names: Vec<String> = ["jar41{p}", "cnu41", "apps41", "dsp41", "cvm41{p}"]
        .iter()
        .map(|n| format!("{}.{ver}.sbn", n.replace("{p}", &proto)))
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let body = manifest_body(ver.trim_end_matches(['S', 's']), None, &refs);
    let mut files: Vec<(String, Vec<u8>)> = names
        .iter()
        .map(|n| (n.clone(), image(n, image_size)))
        .collect();
    for m in [
        format!("{load}.loads"),
        "term41.default.loads".into(),
        "term61.default.loads".into(),
    ] {
        let f = signed_file(&m, &body);
        files.push((m, f));
    }
    files
}

/// [`seed_files`] as a zip.
pub fn seed_zip() -> Vec<u8> {
    zip_of(&seed_files())
}

/// The seed as a SIP load: the same images under their SIP names
/// (`jar41sip…`, `cvm41sip…`), `SIP41.8-3-3S.loads` and term41/term61.
pub fn sip_seed_files() -> Vec<(String, Vec<u8>)> {
    let names: Vec<String> = SEED_IMAGE_NAMES
        .iter()
        .map(|n| n.replace("sccp", "sip"))
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let body = manifest_body("8-3-2-27", None, &refs);
    let mut files: Vec<(String, Vec<u8>)> = SEED_IMAGES
        .iter()
        .zip(&names)
        .map(|((_, size), n)| (n.clone(), image(n, *size)))
        .collect();
    for m in [
        "SIP41.8-3-3S.loads",
        "term41.default.loads",
        "term61.default.loads",
    ] {
        files.push((m.to_string(), signed_file(m, &body)));
    }
    files
}

/// [`sip_seed_files`] as a zip.
pub fn sip_seed_zip() -> Vec<u8> {
    zip_of(&sip_seed_files())
}

/// A bundle manifest of `files` (name, content), all firmware, with their real
/// sizes, hashes and bundle id, from `test.zip` with the seed's load, and no
/// settings or aliases.
pub fn manifest_of<N: AsRef<str>, D: AsRef<[u8]>>(files: &[(N, D)]) -> Manifest {
    let files: Vec<File> = files
        .iter()
        .map(|(n, d)| File::of(n.as_ref(), d.as_ref(), Kind::Firmware))
        .collect();
    Manifest {
        format: bundle::FORMAT,
        id: bundle::bundle_id(&files),
        source: "test.zip".into(),
        load: Some(SEED_LOAD.into()),
        protocol: None,
        settings: Settings {
            tftp_servers: vec![],
            call_managers: vec![],
            phones: vec![],
        },
        files,
        aliases: vec![],
    }
}

/// [`seed_files`] whose manifests spell the first image
/// `Jar41sccp.8-3-2-27.sbn` while the archive stores `jar41sccp.8-3-2-27.sbn`:
/// the case problem of loads 8.2 to 8.3 that a bundle's alias fixes.
pub fn case_mismatch_files() -> Vec<(String, Vec<u8>)> {
    let mut names = SEED_IMAGE_NAMES;
    names[0] = "Jar41sccp.8-3-2-27.sbn";
    let body = manifest_body("8-3-2-27", None, &names);
    seed_files()
        .into_iter()
        .map(|(name, data)| {
            if name.ends_with(".loads") {
                let signed = signed_file(&name, &body);
                (name, signed)
            } else {
                (name, data)
            }
        })
        .collect()
}

/// [`case_mismatch_files`] as a zip.
pub fn case_mismatch_zip() -> Vec<u8> {
    zip_of(&case_mismatch_files())
}

/// A deflated zip of `files`.
pub fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    files
        .iter()
        .fold(ZipBuilder::new(), |z, (n, d)| z.add(n, d.clone()))
        .build()
}
