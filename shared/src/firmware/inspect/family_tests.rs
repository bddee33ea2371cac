//! The inspection of every newer family's synthetic firmware (`testkit::families`):
//! clean when whole, and each family's own mistakes named: a 792x image whose
//! size or MD5 differs from its line, an absent `#+` component (a note, not an
//! error), a 69xx image renamed, a 78xx/88xx image cut short.

use super::fixtures::codes;
use super::*;
use crate::finding::{Code, Severity};
use crate::models::{self, FamilyId, Protocol};
use crate::testkit::families::{self, NEWER_FAMILIES, family_firmware};
use crate::testkit::{image, zip_of};

fn replace(files: &[(String, Vec<u8>)], name: &str, data: Vec<u8>) -> Vec<(String, Vec<u8>)> {
    files
        .iter()
        .map(|(n, d)| (n.clone(), if n == name { data.clone() } else { d.clone() }))
        .collect()
}

#[test]
fn every_newer_family_inspects_clean_with_its_models_and_load() {
    for id in NEWER_FAMILIES {
        let fw = family_firmware(id);
        let r = inspect_zip("fw.zip", &fw.zip()).unwrap();
        assert_eq!(codes(&r), vec![], "{id:?}: {:?}", r.findings);
        assert_eq!(r.family, Some(id));
        assert_eq!(r.load.as_deref(), Some(fw.load.as_str()));
        let want: Vec<&str> = models::models_of_load(id, &fw.load)
            .map(|m| m.name)
            .collect();
        let got: Vec<&str> = r.models.iter().map(|m| m.model.as_str()).collect();
        assert_eq!(got, want, "{id:?}");
        let m = r.load_manifest().unwrap();
        assert_eq!(m.images.len(), fw.images.len());
        assert!(
            m.images.iter().all(|i| i.status == ImageStatus::Present),
            "{id:?}"
        );
    }
    let r = inspect_zip("fw.zip", &family_firmware(FamilyId::F88xx).zip()).unwrap();
    assert_eq!(r.protocol, Some(Protocol::Sip));
    // A 792x load is for the one model it is named after.
    let r = inspect_zip("fw.zip", &family_firmware(FamilyId::F792x).zip()).unwrap();
    let got: Vec<(&str, u16)> = r
        .models
        .iter()
        .map(|m| (m.model.as_str(), m.device_id))
        .collect();
    assert_eq!(got, [("7925", 484)]);
}

#[test]
fn a_792x_image_of_another_size_or_md5_is_an_error_naming_it() {
    let fw = family_firmware(FamilyId::F792x);
    let sys = "SYSH-1.4.7.3.SBN";
    let original = fw.file(sys).unwrap().to_vec();

    // Same size, one byte changed: only the MD5 tells.
    let mut flipped = original.clone();
    *flipped.last_mut().unwrap() ^= 0x55;
    let r = inspect_zip("fw.zip", &zip_of(&replace(&fw.files, sys, flipped))).unwrap();
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.code == Code::Md5Mismatch)
        .collect();
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!(f[0].subject, sys);
    assert_eq!(f[0].severity, Severity::Error);
    assert!(
        f[0].message.contains(&families::md5_hex(&original)),
        "{}",
        f[0].message
    );

    // Another size (the header still names it).
    let r = inspect_zip("fw.zip", &zip_of(&replace(&fw.files, sys, image(sys, 999)))).unwrap();
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.code == Code::SizeMismatch)
        .collect();
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!(f[0].subject, sys);
}

#[test]
fn a_792x_without_its_optional_components_is_noted_not_refused() {
    let fw = families::build(FamilyId::F792x, false);
    let r = inspect_zip("fw.zip", &fw.zip()).unwrap();
    assert!(
        r.findings.iter().all(|f| f.severity != Severity::Error),
        "{:?}",
        r.findings
    );
    let m = r.load_manifest().unwrap();
    let absent: Vec<&str> = m
        .images
        .iter()
        .filter(|i| i.status == ImageStatus::OptionalMissing)
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(absent, ["JSYSH-1.4.7.3.SBN", "JUIH-1.4.7.3.SBN"]);
    let notes: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.code == Code::OptionalImageAbsent)
        .map(|f| f.subject.as_str())
        .collect();
    assert_eq!(notes, absent, "one note each");
    assert!(
        r.findings
            .iter()
            .filter(|f| f.code == Code::OptionalImageAbsent)
            .all(|f| f.severity == Severity::Info)
    );
}

#[test]
fn a_renamed_69xx_image_is_caught_by_its_embedded_name() {
    let fw = family_firmware(FamilyId::F69xx);
    let dsp = "DSP69xx.12-4-123-2.160119.zz.sgn";
    let other = image("DSP69xx.12-4-122-99.131025.zz.sgn", 4000);
    let r = inspect_zip("fw.zip", &zip_of(&replace(&fw.files, dsp, other))).unwrap();
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.code == Code::EmbeddedNameMismatch)
        .collect();
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!(f[0].subject, dsp);
    assert!(f[0].message.contains("DSP69xx.12-4-122-99.131025.zz.sgn"));
}

#[test]
fn an_88xx_image_cut_short_is_a_size_mismatch() {
    let fw = family_firmware(FamilyId::F88xx);
    let kern = fw.images[1].clone();
    let mut cut = fw.file(&kern).unwrap().to_vec();
    cut.truncate(cut.len() - 100);
    let r = inspect_zip("fw.zip", &zip_of(&replace(&fw.files, &kern, cut))).unwrap();
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.code == Code::SizeMismatch)
        .collect();
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!(f[0].subject, kern);
}

#[test]
fn an_88xx_manifest_whose_body_disagrees_with_its_header_is_an_error() {
    let fw = family_firmware(FamilyId::F88xx);
    let mut cut = fw.file(&fw.manifest).unwrap().to_vec();
    cut.truncate(cut.len() - 3);
    let r = inspect_zip("fw.zip", &zip_of(&replace(&fw.files, &fw.manifest, cut))).unwrap();
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.code == Code::BadSignedHeader)
        .collect();
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!(f[0].subject, fw.manifest);
    assert!(
        f[0].message.contains("bytes, but it is"),
        "{}",
        f[0].message
    );
}
