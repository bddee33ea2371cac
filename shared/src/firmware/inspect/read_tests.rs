//! Reading: what is read and what never is, CRCs, limits, and what each phase keeps.

use super::*;
use crate::finding::{Code, Severity};
use crate::firmware::inspect::fixtures::{codes, has, inspection, loose};
use crate::firmware::inspect::{inspect_zip, inspect_zip_with};
use crate::testkit::{self, ZipBuilder, image, manifest_body, seed_files, signed_file};

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
fn a_manifest_is_read_whole_and_parsed_in_the_first_phase() {
    let body = manifest_body("8-3-2-27", None, &["a.sbn"]);
    let signed = signed_file("SCCP41.8-3-3S.loads", &body);
    let files = loose(&[
        ("SCCP41.8-3-3S.loads", signed.clone()),
        ("a.sbn", image("a.sbn", 3000)),
    ]);
    let mut ins = inspection(&files);
    ins.read_manifests();
    assert_eq!(ins.reads[0].as_ref().map(|r| &r.head), Some(&signed));
    assert!(ins.reads[1].is_none(), "images wait for the second phase");
    assert_eq!(ins.embedded[0].as_deref(), Some("SCCP41.8-3-3S.loads"));
    let parsed = &ins.parsed[0];
    assert_eq!(parsed.entry, 0);
    assert_eq!(parsed.body.as_ref().unwrap().images[0].name, "a.sbn");
    assert!(ins.findings.is_empty(), "{:#?}", ins.findings);
}

#[test]
fn an_oversized_manifest_is_reported_and_never_read() {
    let files = loose(&[("SCCP41.8-3-3S.loads", vec![b'#'; 200_000])]);
    let mut ins = inspection(&files);
    ins.read_manifests();
    assert!(ins.reads[0].is_none());
    assert!(ins.parsed.is_empty());
    let f = &ins.findings[0];
    assert_eq!((f.severity, f.code), (Severity::Error, Code::BadManifest));
    assert!(f.message.contains("200000 bytes"), "{}", f.message);
}

#[test]
fn an_image_keeps_its_head_and_a_loose_file_gets_its_crc() {
    let data = image("big41.8-3-2-27.sbn", 100_000);
    let files = loose(&[
        ("big41.8-3-2-27.sbn", data.clone()),
        ("readme.txt", b"hello".to_vec()),
    ]);
    let mut ins = inspection(&files);
    ins.read_the_rest();
    let img = ins.reads[0].as_ref().unwrap();
    assert!(img.ok);
    assert_eq!(img.head, data[..64 * 1024]);
    assert_eq!(img.md5, None, "no manifest states an MD5");
    assert_eq!(ins.items[0].entry.crc32, crate::crc32::hash(&data));
    let other = ins.reads[1].as_ref().unwrap();
    assert!(other.head.is_empty(), "only an image keeps its head");
    assert_eq!(ins.items[1].entry.crc32, crate::crc32::hash(b"hello"));
}
