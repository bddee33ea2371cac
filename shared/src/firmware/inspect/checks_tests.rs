//! Files against each other: signed headers, manifest lines, unlisted images.

use super::*;
use crate::finding::{Code, Severity};
use crate::firmware::inspect::fixtures::{
    has, inspection, loose, manifest_report, replace_manifest, seed_images, seed_with,
};
use crate::firmware::inspect::{ImageStatus, Role, inspect_zip};
use crate::models::FamilyId;
use crate::testkit::{image, manifest_body, signed_file, zip_of};
use md5::{Digest, Md5};

#[test]
fn a_missing_image_is_an_error_naming_it() {
    let r = seed_with(|f| f.retain(|(n, _)| n != "dsp41.8-3-2-27.sbn"));
    assert!(has(
        &r,
        Severity::Error,
        Code::MissingImage,
        "dsp41.8-3-2-27.sbn"
    ));
    // Reported once, although three manifests list it.
    assert_eq!(
        r.findings
            .iter()
            .filter(|f| f.code == Code::MissingImage)
            .count(),
        1
    );
    let load = r.load_manifest().unwrap();
    assert_eq!(load.images[3].status, ImageStatus::Missing);
}

#[test]
fn a_missing_image_names_the_closest_file() {
    let r = seed_with(|f| {
        let e = f
            .iter_mut()
            .find(|(n, _)| n == "dsp41.8-3-2-27.sbn")
            .unwrap();
        e.0 = "dsp41.8-3-2-27.sbn.bak".into();
    });
    let f = r
        .findings
        .iter()
        .find(|f| f.code == Code::MissingImage)
        .unwrap();
    assert!(
        f.message.contains("dsp41.8-3-2-27.sbn.bak"),
        "{}",
        f.message
    );
}

#[test]
fn a_case_difference_is_a_warning_naming_both() {
    let mut names = seed_images();
    names[0] = "Jar41sccp.8-3-2-27.sbn";
    let body = manifest_body("8-3-2-27", None, &names);
    let r = seed_with(|f| {
        for m in [
            "SCCP41.8-3-3S.loads",
            "term41.default.loads",
            "term61.default.loads",
        ] {
            replace_manifest(f, m, &body);
        }
    });
    let f = r
        .findings
        .iter()
        .find(|f| f.code == Code::CaseMismatch)
        .expect("case finding");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.subject, "Jar41sccp.8-3-2-27.sbn");
    assert!(f.message.contains("jar41sccp.8-3-2-27.sbn"));
    assert_eq!(r.tally.errors, 0);
    assert_eq!(
        r.load_manifest().unwrap().images[0].status,
        ImageStatus::CaseMismatch
    );
    assert_eq!(
        r.load_manifest().unwrap().images[0].entry.as_deref(),
        Some("jar41sccp.8-3-2-27.sbn")
    );
}

#[test]
fn a_renamed_image_is_caught_by_its_embedded_name() {
    let r = seed_with(|f| {
        let e = f
            .iter_mut()
            .find(|(n, _)| n == "cnu41.8-3-2-27.sbn")
            .unwrap();
        e.1 = image("cnu41.8-3-2-28.sbn", 547_146);
    });
    assert!(has(
        &r,
        Severity::Error,
        Code::EmbeddedNameMismatch,
        "cnu41.8-3-2-27.sbn"
    ));
    let e = r
        .entries
        .iter()
        .find(|e| e.name == "cnu41.8-3-2-27.sbn")
        .unwrap();
    assert_eq!(e.embedded_name.as_deref(), Some("cnu41.8-3-2-28.sbn"));
}

#[test]
fn a_renamed_manifest_is_caught_too() {
    let r = seed_with(|f| {
        let body = manifest_body("8-3-2-27", None, &seed_images());
        let e = f
            .iter_mut()
            .find(|(n, _)| n == "term61.default.loads")
            .unwrap();
        e.1 = signed_file("term41.default.loads", &body);
    });
    assert!(has(
        &r,
        Severity::Error,
        Code::EmbeddedNameMismatch,
        "term61.default.loads"
    ));
}

#[test]
fn an_unsigned_image_or_manifest_is_an_error() {
    let r = seed_with(|f| {
        f.iter_mut()
            .find(|(n, _)| n == "jar41sccp.8-3-2-27.sbn")
            .unwrap()
            .1 = b"plain bytes".to_vec();
        f.iter_mut()
            .find(|(n, _)| n == "term41.default.loads")
            .unwrap()
            .1 = b"jar41sccp.8-3-2-27.sbn\r\n".to_vec();
    });
    assert!(has(
        &r,
        Severity::Error,
        Code::BadSignedHeader,
        "jar41sccp.8-3-2-27.sbn"
    ));
    assert!(has(
        &r,
        Severity::Error,
        Code::BadSignedHeader,
        "term41.default.loads"
    ));
}

#[test]
fn wireless_manifests_check_sizes_and_md5s() {
    let a = image("APPS-1.4.6.3.SBN", 4000);
    let b = image("GUI-1.4.6.3.SBN", 3000);
    let md5 = |d: &[u8]| {
        Md5::digest(d)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<String>()
    };
    let body = format!(
        "#? HW_REV 0-4.*\n\nAPPS-1.4.6.3.SBN  4000 {}\nGUI-1.4.6.3.SBN  3001 {}\n#+ OPT-1.4.6.3.SBN 10 {}\n",
        md5(&a),
        "0".repeat(32),
        md5(b"x")
    );
    let files = vec![
        (
            "CP7921G-1.4.6.3.LOADS".to_string(),
            signed_file("CP7921G-1.4.6.3.LOADS", body.as_bytes()),
        ),
        ("APPS-1.4.6.3.SBN".to_string(), a),
        ("GUI-1.4.6.3.SBN".to_string(), b),
    ];
    let r = inspect_zip("t.zip", &zip_of(&files)).unwrap();
    assert_eq!(r.family, Some(FamilyId::F792x));
    assert!(has(
        &r,
        Severity::Error,
        Code::SizeMismatch,
        "GUI-1.4.6.3.SBN"
    ));
    assert!(has(
        &r,
        Severity::Error,
        Code::Md5Mismatch,
        "GUI-1.4.6.3.SBN"
    ));
    assert!(!r.findings.iter().any(|f| f.subject == "APPS-1.4.6.3.SBN"));
    assert!(
        !r.findings.iter().any(|f| f.code == Code::MissingImage),
        "optional images may be absent"
    );
    let m = &r.manifests[0];
    assert_eq!(m.images[2].status, ImageStatus::OptionalMissing);
}

#[test]
fn an_unlisted_image_is_info() {
    let r = seed_with(|f| {
        f.push((
            "extra41.8-3-2-27.sbn".into(),
            image("extra41.8-3-2-27.sbn", 5000),
        ))
    });
    assert!(has(
        &r,
        Severity::Info,
        Code::UnlistedImage,
        "extra41.8-3-2-27.sbn"
    ));
    assert_eq!(r.tally.errors + r.tally.warnings, 0);
    assert_eq!(
        r.entries
            .iter()
            .find(|e| e.name == "extra41.8-3-2-27.sbn")
            .unwrap()
            .role,
        Role::UnlistedImage
    );
}

fn line(name: &str) -> ImageLine {
    ImageLine {
        name: name.to_string(),
        size: None,
        md5: None,
        optional: false,
        line: 1,
    }
}

#[test]
fn a_line_marks_its_entry_listed_and_each_name_is_reported_once() {
    let files = loose(&[("a.sbn", image("a.sbn", 3000))]);
    let mut ins = inspection(&files);
    let mut reported = Reported::default();
    let a = ins.check_line("m.loads", &line("A.SBN"), &mut reported);
    assert_eq!(
        (a.entry.as_deref(), a.status, a.size),
        (Some("a.sbn"), ImageStatus::CaseMismatch, Some(3000))
    );
    assert!(ins.listed[0]);
    for _ in 0..2 {
        let b = ins.check_line("other.loads", &line("b.sbn"), &mut reported);
        assert_eq!((b.entry, b.status), (None, ImageStatus::Missing));
    }
    let optional = ImageLine {
        optional: true,
        ..line("c.sbn")
    };
    for _ in 0..2 {
        let c = ins.check_line("m.loads", &optional, &mut reported);
        assert_eq!(c.status, ImageStatus::OptionalMissing);
    }
    let found: Vec<(Code, &str)> = ins
        .findings
        .iter()
        .map(|f| (f.code, f.subject.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (Code::CaseMismatch, "A.SBN"),
            (Code::MissingImage, "b.sbn"),
            (Code::OptionalImageAbsent, "c.sbn")
        ]
    );
}

#[test]
fn a_stated_size_is_checked_against_the_entry() {
    let files = loose(&[("a.sbn", image("a.sbn", 3000))]);
    let mut ins = inspection(&files);
    let right = ImageLine {
        size: Some(3000),
        ..line("a.sbn")
    };
    ins.check_line("m.loads", &right, &mut Reported::default());
    assert!(ins.findings.is_empty());
    let wrong = ImageLine {
        size: Some(2999),
        ..line("a.sbn")
    };
    ins.check_line("m.loads", &wrong, &mut Reported::default());
    let f = &ins.findings[0];
    assert_eq!((f.severity, f.code), (Severity::Error, Code::SizeMismatch));
    assert_eq!(
        f.message,
        "`m.loads` says the image is 2999 bytes, but it is 3000 bytes."
    );
}

#[test]
fn unlisted_images_are_mentioned_only_once_there_is_a_manifest() {
    let files = loose(&[("extra.sbn", image("extra.sbn", 3000))]);
    let mut ins = inspection(&files);
    ins.check_unlisted_images();
    assert!(
        ins.findings.is_empty(),
        "without a manifest nothing is unlisted"
    );
    ins.manifests
        .push(manifest_report("SCCP41.8-3-3S.loads", &[]));
    ins.check_unlisted_images();
    let f = &ins.findings[0];
    assert_eq!(
        (f.severity, f.code, f.subject.as_str()),
        (Severity::Info, Code::UnlistedImage, "extra.sbn")
    );
}
