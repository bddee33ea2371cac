//! Synthetic firmware for every family in its real format: the manifest's
//! header and body written as the real manifests in `../shared/fixtures/loads/`
//! are, the images pseudo-random bytes behind a header naming them. Nothing
//! here is Cisco's.
//!
//! - 79xx: [`super::seed_files`] (five `.sbn`, `termNN.default.loads`).
//! - 69xx: `SIP69xx.….loads` (classic header, CRLF) listing `BOOT69xx…`,
//!   `DSP69xx…` and the load's own `.zz.sgn`.
//! - 894x: `SCCP894x.….loads` (classic header, LF) listing `.bin1.sgn` …
//!   `.bin9.sgn`.
//! - 792x: `CP7925G-….LOADS` (classic header, LF): `#?` directives, `NAME
//!   SIZE MD5` lines, and `#+` lines for the Java components.
//! - 78xx, 88xx, 8845/8865: `sip78xx.….loads` / `sip88xx.….loads` /
//!   `sip8845_65.….loads` with the `cd 34 12 ab` header (little-endian header
//!   and body lengths, the name after its `u32` length) and an INI body, two
//!   `[PLATFORM_n]` sections of `key=NAME size=N` lines. Only the 78xx form is
//!   seen in a real file; the 88xx form is assumed the same (no 88xx manifest
//!   was available to check). Their images get the same header (unverified:
//!   no real 78xx image was available either).

use md5::{Digest, Md5};

use super::{image, noise, signed_file, zip_of};
use crate::firmware::signed::MAGIC_78XX;
use crate::models::{self, FamilyId};

/// A synthetic firmware of one family.
#[derive(Clone, Debug)]
pub struct FamilyFirmware {
    pub family: FamilyId,
    /// The load, without `.loads`.
    pub load: String,
    /// The load's manifest file name (`load` + `.loads`, or `.LOADS` for 792x).
    pub manifest: String,
    /// The images the manifest lists, in order (optional ones included).
    pub images: Vec<String>,
    /// Every file: images first, then the manifest.
    pub files: Vec<(String, Vec<u8>)>,
}

impl FamilyFirmware {
    /// [`FamilyFirmware::files`] as a zip.
    pub fn zip(&self) -> Vec<u8> {
        zip_of(&self.files)
    }

    /// The content of `name`.
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d.as_slice())
    }

    /// The first model the load is for, for tests that need one.
    pub fn model(&self) -> &'static models::Model {
        models::models_of_load(self.family, &self.load)
            .next()
            .expect("every load is for a model")
    }
}

/// The families [`family_firmware`] builds, one each beyond the 79xx seed.
pub const NEWER_FAMILIES: [FamilyId; 6] = [
    FamilyId::F69xx,
    FamilyId::F894x,
    FamilyId::F792x,
    FamilyId::F78xx,
    FamilyId::F88xx,
    FamilyId::F8845_65,
];

/// A 78xx-style signed file: magic, header length and body length as
/// little-endian `u32`s, a fake digest, the name after its `u32` length and a
/// NUL, fake signature bytes up to the header length, then `body`.
pub fn signed_file_78xx(name: &str, body: &[u8]) -> Vec<u8> {
    let header_len: u32 = 336;
    let mut h = Vec::with_capacity(header_len as usize + body.len());
    h.extend(MAGIC_78XX);
    h.extend(header_len.to_le_bytes());
    h.extend(0u32.to_le_bytes());
    h.extend((body.len() as u32).to_le_bytes());
    h.extend(0u32.to_le_bytes());
    h.extend(noise(0x78, 32));
    h.extend((name.len() as u32).to_le_bytes());
    h.extend(name.as_bytes());
    h.push(0);
    let seed = name.len() as u64 * 131;
    let pad = (header_len as usize).saturating_sub(h.len());
    // Printable-free filler, so the name is the header's only text.
    h.extend(noise(seed, pad).into_iter().map(|b| b | 0x80));
    h.truncate(header_len as usize);
    h.extend_from_slice(body);
    h
}

/// A 78xx-style image of exactly `size` bytes whose header names it `name`.
pub fn image_78xx(name: &str, size: usize) -> Vec<u8> {
    let head = signed_file_78xx(name, &[]);
    let mut f = signed_file_78xx(
        name,
        &noise(name.len() as u64 + 7, size.saturating_sub(head.len())),
    );
    f.truncate(size.max(head.len()));
    f
}

/// Upper-case hex MD5 of `data`, as a 792x manifest writes it.
pub fn md5_hex(data: &[u8]) -> String {
    Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// A synthetic firmware of `family` (one of [`NEWER_FAMILIES`], or the 79xx
/// seed for any other), every listed image present.
pub fn family_firmware(family: FamilyId) -> FamilyFirmware {
    build(family, true)
}

/// [`family_firmware`]; for a 792x, `with_optional` false leaves the `#+`
/// images out (a load served without its Java components).
pub fn build(family: FamilyId, with_optional: bool) -> FamilyFirmware {
    match family {
        FamilyId::F69xx => zz_sgn(),
        FamilyId::F894x => bin_sgn(),
        FamilyId::F792x => size_md5(with_optional),
        FamilyId::F78xx => ini(family, "sip78xx", "78xx", "12-8-1-0001-455"),
        FamilyId::F88xx => ini(family, "sip88xx", "88xx", "14-2-1-0101-33"),
        FamilyId::F8845_65 => ini(family, "sip8845_65", "8845_65", "14-2-1-0101-33"),
        _ => {
            let files = super::seed_files();
            FamilyFirmware {
                family: FamilyId::F7941_7961,
                load: super::SEED_LOAD.into(),
                manifest: format!("{}.loads", super::SEED_LOAD),
                images: super::SEED_IMAGE_NAMES
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                files,
            }
        }
    }
}

fn zz_sgn() -> FamilyFirmware {
    let load = "SIP69xx.9-4-1-3SR3".to_string();
    let images: Vec<String> = [
        "BOOT69xx.0-0-0-14.zz.sgn",
        "DSP69xx.12-4-123-2.160119.zz.sgn",
        "SIP69xx.9-4-1-3SR3.zz.sgn",
    ]
    .map(String::from)
    .to_vec();
    // CRLF between lines and none after the last, as the real file.
    let body = images.join("\r\n");
    classic(FamilyId::F69xx, load, images, body.as_bytes(), ".loads")
}

fn bin_sgn() -> FamilyFirmware {
    let load = "SCCP894x.9-4-2SR1-2".to_string();
    let images: Vec<String> = (1..=9).map(|n| format!("{load}.bin{n}.sgn")).collect();
    let body: String = images.iter().map(|i| format!("{i}\n")).collect();
    classic(FamilyId::F894x, load, images, body.as_bytes(), ".loads")
}

fn classic(
    family: FamilyId,
    load: String,
    images: Vec<String>,
    body: &[u8],
    suffix: &str,
) -> FamilyFirmware {
    let mut files: Vec<(String, Vec<u8>)> = images
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), image(n, 3000 + 700 * i)))
        .collect();
    let manifest = format!("{load}{suffix}");
    files.push((manifest.clone(), signed_file(&manifest, body)));
    FamilyFirmware {
        family,
        load,
        manifest,
        images,
        files,
    }
}

fn size_md5(with_optional: bool) -> FamilyFirmware {
    let load = "CP7925G-1.4.7.3".to_string();
    let required = ["TNUXH", "TNUXRH", "SYSH", "WLANH", "APPSH", "GUIH"];
    let optional = ["JSYSH", "JUIH"];
    let mut files = Vec::new();
    let mut images = Vec::new();
    let mut body = String::from("#? HW_REV 0-4.*\n#? SW_CAP EAP-TLS,PEAP,VSFIX\n\n");
    for (i, part) in required.iter().chain(&optional).enumerate() {
        let name = format!("{part}-1.4.7.3.SBN");
        let data = image(&name, 2500 + 900 * i);
        let is_optional = i >= required.len();
        // The real file pads the name to a column and right-aligns the size.
        let line = format!(
            "{}{name:<30}{:>12} {}\n",
            if is_optional { "#+ " } else { "" },
            data.len(),
            md5_hex(&data)
        );
        body.push_str(&line);
        images.push(name.clone());
        if !is_optional || with_optional {
            files.push((name, data));
        }
    }
    let manifest = format!("{load}.LOADS");
    files.push((manifest.clone(), signed_file(&manifest, body.as_bytes())));
    FamilyFirmware {
        family: FamilyId::F792x,
        load,
        manifest,
        images,
        files,
    }
}

fn ini(family: FamilyId, prefix: &str, short: &str, version: &str) -> FamilyFirmware {
    let load = format!("{prefix}.{version}");
    let manifest = format!("{load}.loads");
    let mut body = format!(
        "#\n# Synthetic test manifest in the 5th-generation phones' form\n# RELEASE Model={short} Version={version}\n# LOADS={manifest}\n#\n\n[CISCO-ID]\nversion = {version}\nhwcompat = 0x00000003\nswcompat = 0x00000004\ntransition = 0x00000000\nloadversion = 0x00000001\n"
    );
    let mut files = Vec::new();
    let mut images = Vec::new();
    for (platform, infix) in [(1, ""), (2, "2.")] {
        body.push_str(&format!("\n[PLATFORM_{platform}]\n"));
        for (i, key) in ["sboot", "kern", "rootfs"].iter().enumerate() {
            let name = format!("{key}{infix}{short}.{version}.sbn");
            let data = image_78xx(&name, 3000 + 1100 * i + 500 * platform);
            body.push_str(&format!("{key}={name} size={}\n", data.len()));
            images.push(name.clone());
            files.push((name, data));
        }
        body.push_str("ebr_diskver = 1\n");
    }
    body.push_str("\n\n");
    files.push((
        manifest.clone(),
        signed_file_78xx(&manifest, body.as_bytes()),
    ));
    FamilyFirmware {
        family,
        load,
        manifest,
        images,
        files,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firmware::manifest;
    use crate::firmware::signed::{HeaderKind, SignedHeader};
    use crate::models::ManifestStyle;

    #[test]
    fn every_family_is_written_in_its_manifest_style_and_names_its_files() {
        for id in NEWER_FAMILIES {
            let fw = family_firmware(id);
            assert_eq!(fw.family, id);
            assert_eq!(
                models::family_of_name(&fw.manifest),
                Some(id),
                "{}",
                fw.manifest
            );
            let bytes = fw.file(&fw.manifest).unwrap();
            let (h, body) = SignedHeader::parse(bytes).unwrap();
            assert_eq!(h.file_name.as_deref(), Some(fw.manifest.as_str()));
            let m = manifest::parse(body).unwrap();
            assert_eq!(
                m.style,
                models::family(id).manifest_style,
                "{}",
                fw.manifest
            );
            let listed: Vec<&str> = m.image_names().collect();
            assert_eq!(listed, fw.images);
            for line in &m.images {
                let data = fw.file(&line.name).unwrap();
                let (h, _) = SignedHeader::parse(data).unwrap();
                assert_eq!(h.file_name.as_deref(), Some(line.name.as_str()));
                if let Some(size) = line.size {
                    assert_eq!(size, data.len() as u64, "{}", line.name);
                }
                if let Some(md5) = &line.md5 {
                    assert_eq!(md5, &md5_hex(data), "{}", line.name);
                }
            }
        }
    }

    #[test]
    fn the_78xx_header_has_little_endian_lengths_like_the_real_one() {
        let fw = family_firmware(FamilyId::F88xx);
        let bytes = fw.file(&fw.manifest).unwrap();
        let (h, body) = SignedHeader::parse(bytes).unwrap();
        assert_eq!(h.kind, HeaderKind::Series78xx);
        let le = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        assert_eq!(le(4), h.header_len);
        assert_eq!(le(12), body.len());
        assert_eq!(h.header_len + body.len(), bytes.len());
    }

    #[test]
    fn the_synthetic_78xx_header_is_laid_out_as_the_real_one() {
        let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/fixtures/loads/cisco_prov/sip/sip78xx.11-0-1-11.loads");
        let Ok(d) = std::fs::read(&real) else {
            eprintln!(
                "note: {} not found; compared with the real header in CI",
                real.display()
            );
            return;
        };
        let le = |d: &[u8], at: usize| u32::from_le_bytes(d[at..at + 4].try_into().unwrap());
        let fw = family_firmware(FamilyId::F78xx);
        let s = fw.file(&fw.manifest).unwrap();
        assert_eq!(s[..4], d[..4], "magic");
        assert_eq!(le(s, 4), le(&d, 4), "header length");
        assert_eq!(le(s, 8), le(&d, 8));
        assert_eq!(le(&d, 0x34) as usize, "sip78xx.11-0-1-11.loads".len());
        assert_eq!(
            le(s, 0x34) as usize,
            fw.manifest.len(),
            "the name where the real one has it"
        );
        assert_eq!(d[0x38 + le(&d, 0x34) as usize], 0);
        assert_eq!(s[0x38 + fw.manifest.len()], 0);
    }

    #[test]
    fn a_792x_without_its_optional_components_lists_them_all_the_same() {
        let fw = build(FamilyId::F792x, false);
        let (_, body) = SignedHeader::parse(fw.file(&fw.manifest).unwrap()).unwrap();
        let m = manifest::parse(body).unwrap();
        assert_eq!(m.style, ManifestStyle::SizeMd5);
        assert_eq!(m.images.iter().filter(|i| i.optional).count(), 2);
        assert!(fw.file("JSYSH-1.4.7.3.SBN").is_none());
        assert!(fw.file("GUIH-1.4.7.3.SBN").is_some());
    }
}
