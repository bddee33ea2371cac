//! The inspection end to end: the seed's shape, the same report from a zip and from loose
//! files, inputs that are not zips, and arbitrary bytes.

use super::fixtures::{codes, seed_images};
use super::*;
use crate::finding::Code;
use crate::models::{FamilyId, Protocol};
use crate::testkit::{self, image, manifest_body, seed_files, signed_file, zip_of};

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
