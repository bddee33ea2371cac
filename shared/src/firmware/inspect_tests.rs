//! Inspection tests on synthetic firmware: one per finding, and the seed's shape.

use super::*;
use crate::testkit::{self, ZipBuilder, image, manifest_body, seed_files, signed_file, zip_of};

fn codes(r: &Report) -> Vec<(Severity, Code, String)> {
    r.findings
        .iter()
        .map(|f| (f.severity, f.code, f.subject.clone()))
        .collect()
}

fn has(r: &Report, sev: Severity, code: Code, subject: &str) -> bool {
    r.findings
        .iter()
        .any(|f| f.severity == sev && f.code == code && f.subject == subject)
}

fn seed_with(edit: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> Report {
    let mut files = seed_files();
    edit(&mut files);
    inspect_zip("test.zip", &zip_of(&files)).expect("a readable zip")
}

fn seed_images() -> Vec<&'static str> {
    testkit::SEED_IMAGES.iter().map(|(n, _)| *n).collect()
}

fn replace_manifest(files: &mut [(String, Vec<u8>)], name: &str, body: &[u8]) {
    let f = files
        .iter_mut()
        .find(|(n, _)| n == name)
        .expect("manifest present");
    f.1 = signed_file(name, body);
}

#[test]
fn seed_shaped_zip_is_clean_and_complete() {
    let r = inspect_zip("cmterm-7941_7961-sccp.8-3-3.zip", &testkit::seed_zip()).unwrap();
    assert_eq!(codes(&r), vec![], "no findings at all");
    assert_eq!(r.load.as_deref(), Some("SCCP41.8-3-3S"));
    assert_eq!(r.family, Some(FamilyId::F7941_7961));
    assert_eq!(r.protocol, Some(Protocol::Sccp));
    assert_eq!(r.build.as_deref(), Some("8.3(3)"));
    let models: Vec<_> = r
        .models
        .iter()
        .map(|m| (m.model.as_str(), m.device_id))
        .collect();
    assert_eq!(
        models,
        [
            ("7941", 115),
            ("7941G-GE", 309),
            ("7961", 30018),
            ("7961G-GE", 308)
        ]
    );
    assert!(r.models.iter().all(|m| m.recovery_manifest_present));
    assert_eq!(r.entries.len(), 8);
    assert!(r.entries.iter().all(|e| e.crc_ok == Some(true)));
    assert_eq!(r.manifests.len(), 3);
    let load = r.load_manifest().unwrap();
    assert_eq!(load.embedded_name.as_deref(), Some("SCCP41.8-3-3S.loads"));
    assert_eq!(
        load.images
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>(),
        seed_images()
    );
    assert!(load.images.iter().all(|i| i.status == ImageStatus::Present));
    let sizes: u64 = testkit::SEED_IMAGES.iter().map(|(_, s)| *s as u64).sum();
    assert!(r.total_size > sizes);
    let entry = r
        .entries
        .iter()
        .find(|e| e.name == "apps41.8-3-2-27.sbn")
        .unwrap();
    assert_eq!(entry.size, 2_494_499);
    assert_eq!(entry.role, Role::Image);
    assert_eq!(entry.embedded_name.as_deref(), Some("apps41.8-3-2-27.sbn"));
}

#[test]
fn loose_files_give_the_same_report_as_the_zip() {
    let files: Vec<InputFile> = seed_files()
        .into_iter()
        .map(|(name, data)| InputFile { name, data })
        .collect();
    let loose = inspect_files("folder", &files);
    let zipped = inspect_zip("folder", &testkit::seed_zip()).unwrap();
    assert_eq!(loose.findings, zipped.findings);
    assert_eq!(loose.load, zipped.load);
    assert_eq!(loose.models, zipped.models);
    assert_eq!(loose.manifests, zipped.manifests);
    let crcs = |r: &Report| {
        r.entries
            .iter()
            .map(|e| e.crc32.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        crcs(&loose),
        crcs(&zipped),
        "loose files get their CRC computed"
    );
}

#[test]
fn a_zip_written_by_the_zip_crate_reads_the_same() {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in seed_files() {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file(name, opts).unwrap();
        w.write_all(&data).unwrap();
    }
    let bytes = w.finish().unwrap().into_inner();
    let r = inspect_zip("third-party.zip", &bytes).unwrap();
    assert_eq!(codes(&r), vec![]);
    assert_eq!(r.load.as_deref(), Some("SCCP41.8-3-3S"));
}

#[test]
fn files_inside_a_folder_are_found_by_their_names() {
    let files: Vec<_> = seed_files()
        .into_iter()
        .map(|(n, d)| (format!("cmterm-7941_7961-sccp.8-3-3/{n}"), d))
        .collect();
    let r = inspect_zip("nested.zip", &zip_of(&files)).unwrap();
    assert_eq!(codes(&r), vec![]);
    assert_eq!(
        r.entries[0].path,
        "cmterm-7941_7961-sccp.8-3-3/jar41sccp.8-3-2-27.sbn"
    );
    assert_eq!(r.entries[0].name, "jar41sccp.8-3-2-27.sbn");
}

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
fn a_crc_mismatch_is_an_error() {
    let mut z = ZipBuilder::new();
    for (n, d) in seed_files() {
        let mut s = ZipBuilder::spec(&n, d);
        if n == "apps41.8-3-2-27.sbn" {
            s.crc_override = Some(0xDEAD_BEEF);
        }
        z = z.add_spec(s);
    }
    let r = inspect_zip("t.zip", &z.build()).unwrap();
    assert!(has(
        &r,
        Severity::Error,
        Code::CrcMismatch,
        "apps41.8-3-2-27.sbn"
    ));
    let e = r
        .entries
        .iter()
        .find(|e| e.name == "apps41.8-3-2-27.sbn")
        .unwrap();
    assert_eq!(e.crc_ok, Some(false));
    assert_eq!(e.crc32, "DEADBEEF");
}

#[test]
fn unsafe_names_are_findings_and_never_read() {
    let bad: [&[u8]; 7] = [
        b"../jar.sbn",
        b"a/../../etc/passwd",
        b"/etc/passwd",
        b"C:\\Windows\\x.sbn",
        b"C:x.sbn",
        b"dir\\x.sbn",
        b"nul\0byte.sbn",
    ];
    let mut z = ZipBuilder::new().add("readme.txt", b"hello".to_vec());
    for name in bad {
        let mut s = ZipBuilder::spec("x", b"data".to_vec());
        s.name = name.to_vec();
        z = z.add_spec(s);
    }
    let r = inspect_zip("t.zip", &z.build()).unwrap();
    let unsafe_count = r
        .findings
        .iter()
        .filter(|f| f.code == Code::UnsafeName)
        .count();
    assert_eq!(unsafe_count, bad.len(), "{:#?}", codes(&r));
    assert!(r.findings.iter().all(|f| f.code != Code::DuplicateEntry));
    for e in &r.entries {
        if e.name != "readme.txt" {
            assert_eq!(e.crc_ok, None, "{} must not be read", e.path);
        }
    }
}

#[test]
fn duplicate_names_are_errors() {
    let r = inspect_zip(
        "t.zip",
        &ZipBuilder::new()
            .add("a.sbn", image("a.sbn", 1000))
            .add("a.sbn", image("a.sbn", 2000))
            .add("x/b.sbn", image("b.sbn", 1000))
            .add("y/b.sbn", image("b.sbn", 1000))
            .build(),
    )
    .unwrap();
    assert!(has(&r, Severity::Error, Code::DuplicateEntry, "a.sbn"));
    assert!(has(&r, Severity::Error, Code::DuplicateEntry, "b.sbn"));
}

#[test]
fn encrypted_and_unsupported_entries_are_errors() {
    let mut enc = ZipBuilder::spec("e.sbn", b"xx".to_vec());
    enc.encrypted = true;
    let mut bz = ZipBuilder::spec("b.sbn", b"xx".to_vec());
    bz.method_override = Some(12);
    let r = inspect_zip(
        "t.zip",
        &ZipBuilder::new().add_spec(enc).add_spec(bz).build(),
    )
    .unwrap();
    assert!(has(&r, Severity::Error, Code::EncryptedEntry, "e.sbn"));
    assert!(has(
        &r,
        Severity::Error,
        Code::UnsupportedCompression,
        "b.sbn"
    ));
}

#[test]
fn a_zip_bomb_is_not_expanded() {
    // 16 MiB of zeros deflates to ~16 KiB: a ratio no firmware has.
    let zeros = vec![0u8; 16 << 20];
    let r = inspect_zip("bomb.zip", &ZipBuilder::new().add("big.sbn", zeros).build()).unwrap();
    assert!(has(&r, Severity::Error, Code::TooLarge, "big.sbn"));
    assert_eq!(r.entries[0].crc_ok, None);
}

#[test]
fn an_entry_that_lies_about_its_size_stops_at_the_declared_size() {
    let mut s = ZipBuilder::spec("liar.sbn", vec![7u8; 100_000]);
    s.size_override = Some(1000);
    let r = inspect_zip("t.zip", &ZipBuilder::new().add_spec(s).build()).unwrap();
    assert!(has(&r, Severity::Error, Code::CorruptEntry, "liar.sbn"));
}

#[test]
fn limits_bound_entries_and_sizes() {
    let limits = Limits {
        max_entries: 3,
        max_entry_size: 10_000,
        max_total_size: 15_000,
        max_ratio: 200,
    };
    let mut z = ZipBuilder::new();
    for i in 0..5 {
        z = z.add(&format!("f{i}.txt"), testkit::noise(i, 8_000));
    }
    let r = inspect_zip_with("t.zip", &z.build(), &limits).unwrap();
    assert_eq!(r.entries.len(), 3);
    assert!(r.findings.iter().any(|f| f.code == Code::TooManyEntries));
    assert!(
        has(&r, Severity::Error, Code::TooLarge, "f1.txt"),
        "{:#?}",
        codes(&r)
    );
    let big = inspect_zip_with(
        "t.zip",
        &ZipBuilder::new()
            .add("big.bin", testkit::noise(1, 20_000))
            .build(),
        &limits,
    )
    .unwrap();
    assert!(has(&big, Severity::Error, Code::TooLarge, "big.bin"));
}

#[test]
fn no_manifest_is_an_error() {
    let r = seed_with(|f| f.retain(|(n, _)| !n.ends_with(".loads")));
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == Code::NoManifest && f.severity == Severity::Error)
    );
    assert_eq!(r.load, None);
}

#[test]
fn term_manifests_alone_are_a_warning() {
    let r = seed_with(|f| f.retain(|(n, _)| n != "SCCP41.8-3-3S.loads"));
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == Code::NoManifest && f.severity == Severity::Warning)
    );
    assert_eq!(r.family, Some(FamilyId::F7941_7961));
    assert_eq!(r.tally.errors, 0);
}

#[test]
fn two_families_mixed_is_an_error() {
    let r = seed_with(|f| {
        let body = manifest_body("9-4-2ES9", Some(15), &["jar45sccp.9-4-2ES9.sbn"]);
        f.push((
            "SCCP45.9-4-2SR1-1S.loads".into(),
            signed_file("SCCP45.9-4-2SR1-1S.loads", &body),
        ));
    });
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == Code::MixedFamilies && f.severity == Severity::Error)
    );
    assert!(r.findings.iter().any(|f| f.code == Code::SeveralLoads));
}

#[test]
fn a_term_manifest_that_disagrees_is_an_error() {
    let mut other = seed_images();
    other.swap(0, 1);
    let body = manifest_body("8-3-2-27", None, &other);
    let r = seed_with(|f| replace_manifest(f, "term61.default.loads", &body));
    assert!(has(
        &r,
        Severity::Error,
        Code::TermManifestDisagrees,
        "term61.default.loads"
    ));
    assert!(
        !r.findings
            .iter()
            .any(|f| f.subject == "term41.default.loads")
    );
}

#[test]
fn a_missing_recovery_manifest_is_a_warning_per_model() {
    let r = seed_with(|f| f.retain(|(n, _)| n != "term61.default.loads"));
    let f = r
        .findings
        .iter()
        .find(|f| f.code == Code::MissingRecoveryManifest)
        .unwrap();
    assert_eq!(f.subject, "term61.default.loads");
    assert!(f.message.contains("7961 or 7961G-GE"), "{}", f.message);
    let m = r.models.iter().find(|m| m.model == "7961").unwrap();
    assert!(!m.recovery_manifest_present);
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

#[test]
fn a_late_load_warns_about_the_upgrade_path() {
    let names = [
        "jar41sccp.9-4-2ES26.sbn",
        "cnu41.9-4-2ES26.sbn",
        "apps41.9-4-2ES26.sbn",
        "dsp41.9-4-2ES26.sbn",
        "cvm41sccp.9-4-2ES26.sbn",
    ];
    let body = manifest_body("9-4-2ES26", None, &names);
    let mut files: Vec<(String, Vec<u8>)> = names
        .iter()
        .map(|n| (n.to_string(), image(n, 3000)))
        .collect();
    for m in [
        "SCCP41.9-4-2SR3-1S.loads",
        "term41.default.loads",
        "term61.default.loads",
    ] {
        files.push((m.into(), signed_file(m, &body)));
    }
    let r = inspect_zip("t.zip", &zip_of(&files)).unwrap();
    assert_eq!(r.build.as_deref(), Some("9.4(2)SR3"));
    assert!(has(
        &r,
        Severity::Warning,
        Code::UpgradePath,
        "SCCP41.9-4-2SR3-1S"
    ));
    let f = r
        .findings
        .iter()
        .find(|f| f.code == Code::UpgradePath)
        .unwrap();
    assert!(f.fix.contains("8.3(3)–8.5(2)"));
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
fn a_cop_file_is_explained() {
    let r = inspect_files(
        "x",
        &[InputFile {
            name: "cmterm-7941_7961-sccp.8-3-3.cop.sgn".into(),
            data: vec![0x1f, 0x8b, 0, 0],
        }],
    );
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == Code::CopFile && f.severity == Severity::Error)
    );
}

#[test]
fn unreadable_inputs_are_errors_not_reports() {
    assert_eq!(inspect_zip("e", b"").unwrap_err(), ArchiveError::Empty);
    assert!(matches!(
        inspect_zip("t", b"hello world"),
        Err(ArchiveError::NotAZip { .. })
    ));
    let gz = inspect_zip("t", &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0]).unwrap_err();
    assert!(gz.to_string().contains("gzip"), "{gz}");
    let zip = testkit::seed_zip();
    // Cut inside the data: the directory is gone.
    let cut = inspect_zip("t", &zip[..zip.len() / 2]).unwrap_err();
    assert!(cut.to_string().contains("cut short"), "{cut}");
    // Cut inside the central directory: the end record points past the end.
    let mut broken = zip.clone();
    let n = broken.len();
    broken.drain(n - 200..n - 22);
    assert!(matches!(
        inspect_zip("t", &broken),
        Err(ArchiveError::Truncated { .. })
    ));
}

#[test]
fn a_single_manifest_file_is_inspected() {
    let body = manifest_body("8-3-2-27", None, &seed_images());
    let r = inspect_files(
        "SCCP41.8-3-3S.loads",
        &[InputFile {
            name: "SCCP41.8-3-3S.loads".into(),
            data: signed_file("SCCP41.8-3-3S.loads", &body),
        }],
    );
    assert_eq!(r.load.as_deref(), Some("SCCP41.8-3-3S"));
    assert_eq!(
        r.findings
            .iter()
            .filter(|f| f.code == Code::MissingImage)
            .count(),
        5
    );
}

#[test]
fn report_serializes_with_the_documented_fields() {
    let r = inspect_zip("s.zip", &testkit::seed_zip()).unwrap();
    let v: serde_json::Value = serde_json::to_value(&r).unwrap();
    for key in [
        "load",
        "protocol",
        "family",
        "build",
        "models",
        "entries",
        "manifests",
        "findings",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert_eq!(v["protocol"], "SCCP");
    assert_eq!(v["family"], "7941-7961");
    assert_eq!(v["models"][2]["device_id"], 30018);
    assert_eq!(v["models"][2]["recovery_manifest"], "term61.default.loads");
    assert_eq!(
        v["manifests"][0]["images"][0]["name"],
        "jar41sccp.8-3-2-27.sbn"
    );
    let missing = seed_with(|f| f.retain(|(n, _)| n != "dsp41.8-3-2-27.sbn"));
    let v = serde_json::to_value(&missing).unwrap();
    assert_eq!(v["findings"][0]["severity"], "error");
    assert_eq!(v["findings"][0]["code"], "missing-image");
    assert_eq!(v["findings"][0]["subject"], "dsp41.8-3-2-27.sbn");
}

mod fuzzish {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..4096)) {
            let _ = inspect_zip("p", &data);
            let _ = inspect_files("p", &[InputFile { name: "x.loads".into(), data: data.clone() }]);
        }

        #[test]
        fn a_damaged_small_zip_never_panics(flips in proptest::collection::vec((0usize..4000, any::<u8>()), 1..16)) {
            let body = manifest_body("8-3-2-27", None, &["a.sbn", "b.sbn"]);
            let mut zip = zip_of(&[
                ("SCCP41.8-3-3S.loads".into(), signed_file("SCCP41.8-3-3S.loads", &body)),
                ("a.sbn".into(), image("a.sbn", 1500)),
                ("b.sbn".into(), image("b.sbn", 900)),
            ]);
            let n = zip.len();
            for (at, byte) in flips {
                zip[at % n] = byte;
            }
            let _ = inspect_zip("p", &zip);
        }
    }
}
