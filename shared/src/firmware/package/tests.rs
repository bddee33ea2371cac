use super::testkit::{
    COP_HEADER_LEN, COP_SIGNER, SEED_COP, TarBuilder, TarEntrySpec, cop_header, cop_sgn, gzip,
    kind, seed_cop, seed_package_files, tar_of,
};
use super::*;
use crate::finding::Code;
use crate::firmware::inspect::{
    Report, Role, inspect_archive, inspect_package, inspect_package_with, inspect_zip,
};
use crate::firmware::signed::HashAlgorithm;
use crate::testkit::{SEED_LOAD, signed_file, zip_of};
use proptest::prelude::*;

/// The seed package's files without `pred`'s, and with `extra`.
fn files_with(drop: impl Fn(&str) -> bool, extra: &[(&str, &[u8])]) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = seed_package_files()
        .into_iter()
        .filter(|(n, _)| !drop(n))
        .collect();
    files.extend(extra.iter().map(|(n, d)| (n.to_string(), d.to_vec())));
    files
}

fn codes(r: &Report) -> Vec<Code> {
    r.findings.iter().map(|f| f.code).collect()
}

/// What a package's report and a zip's of the same files must share.
fn assert_same_as_zip(package: &Report, files: &[(String, Vec<u8>)]) {
    let zip = inspect_zip("same.zip", &zip_of(files)).unwrap();
    assert_eq!(package.load, zip.load);
    assert_eq!(package.family, zip.family);
    assert_eq!(package.protocol, zip.protocol);
    assert_eq!(package.build, zip.build);
    assert_eq!(package.models, zip.models);
    assert_eq!(package.manifests, zip.manifests);
    assert_eq!(package.findings, zip.findings);
    assert_eq!(package.load_lists, zip.load_lists);
    let roles = |r: &Report| -> Vec<(String, Role, u64)> {
        r.entries
            .iter()
            .map(|e| (e.path.clone(), e.role, e.size))
            .collect()
    };
    assert_eq!(roles(package), roles(&zip));
}

#[test]
fn a_cop_sgn_reports_what_a_zip_of_the_same_files_reports_plus_its_header() {
    let r = inspect_package(SEED_COP, &seed_cop()).unwrap();
    assert_same_as_zip(&r, &seed_package_files());
    assert_eq!(r.load.as_deref(), Some(SEED_LOAD));
    assert!(!r.has_errors(), "{:?}", r.findings);
    let p = r.package.as_ref().unwrap();
    assert_eq!(p.format, PackageFormat::CopSgn);
    assert_eq!(p.embedded_name.as_deref(), Some(SEED_COP));
    assert_eq!(p.signer.as_deref(), Some(COP_SIGNER));
    assert_eq!(p.hash_algorithm, Some(HashAlgorithm::Sha512));
    assert_eq!(p.header_len, Some(COP_HEADER_LEN));
    assert_eq!(
        (p.tar_offset, p.found),
        (COP_HEADER_LEN, TarFound::HeaderLength)
    );
    assert_eq!(p.install_script.as_deref(), Some("copstart.sh"));
    let role = |n: &str| r.entries.iter().find(|e| e.name == n).unwrap().role;
    assert_eq!(role("copstart.sh"), Role::InstallScript);
    assert_eq!(role("load115.txt"), Role::LoadList);
    assert_eq!(
        r.entries
            .iter()
            .find(|e| e.name == "copstart.sh")
            .unwrap()
            .method,
        "tar"
    );
    assert_eq!(r.load_lists.len(), 2);
    assert!(r.load_lists.iter().all(|l| l.agrees), "{:?}", r.load_lists);
    assert_eq!(r.load_lists[1].model.as_deref(), Some("7961"));
}

#[test]
fn a_tar_gz_and_a_tar_report_the_same_without_a_header() {
    let tar = tar_of(&seed_package_files());
    for (name, data, format) in [
        ("seed.tar.gz", gzip(&tar), PackageFormat::TarGz),
        ("seed.tgz", gzip(&tar), PackageFormat::TarGz),
        ("seed.tar", tar.clone(), PackageFormat::Tar),
    ] {
        assert_eq!(kind_of(name, &data), InputKind::Package(format));
        let r = inspect_archive(name, &data).unwrap();
        assert_same_as_zip(&r, &seed_package_files());
        let p = r.package.unwrap();
        assert_eq!(
            (p.format, p.found, p.tar_offset),
            (format, TarFound::Start, 0)
        );
        assert_eq!(
            (p.signer, p.hash_algorithm, p.header_len),
            (None, None, None)
        );
    }
}

#[test]
fn the_tar_is_found_by_searching_when_the_header_length_misses_it() {
    let tar_gz = gzip(&tar_of(&seed_package_files()));
    let mut data = cop_header(SEED_COP, 3);
    // Padding after the header moves the gzip stream off where tag 2 points.
    data.extend([0x0D; 52]);
    data.extend(&tar_gz);
    let pkg = read(&data, &Limits::default()).unwrap();
    assert_eq!(pkg.found, TarFound::Search);
    assert_eq!(pkg.tar_offset, COP_HEADER_LEN + 52);
    assert_eq!(pkg.header.unwrap().file_name.as_deref(), Some(SEED_COP));
    // A damaged header length: still found, without a header to show.
    let mut data = cop_sgn(SEED_COP, 3, &tar_gz);
    data[8..10].copy_from_slice(&0xFFF0u16.to_be_bytes());
    let pkg = read(&data, &Limits::default()).unwrap();
    assert_eq!(
        (pkg.found, pkg.tar_offset, pkg.header),
        (TarFound::Search, COP_HEADER_LEN, None)
    );
    assert_eq!(pkg.entries.len(), seed_package_files().len());
    // Beyond the search window there is nothing to find.
    let mut far = cop_header(SEED_COP, 3);
    far.extend(vec![0x0D; SEARCH_WINDOW]);
    far.extend(&tar_gz);
    assert_eq!(
        read(&far, &Limits::default()),
        Err(PackageError::NoTar {
            window: SEARCH_WINDOW
        })
    );
}

#[test]
fn a_lone_signed_file_is_not_a_package() {
    let loads = signed_file("SCCP41.8-3-3S.loads", b"jar41sccp.8-3-2-27.sbn\r\n");
    assert_eq!(kind_of("SCCP41.8-3-3S.loads", &loads), InputKind::Other);
    let err = read(&loads, &Limits::default()).unwrap_err();
    assert!(matches!(err, PackageError::NoTar { .. }), "{err:?}");
    assert!(
        err.to_string().contains("not a Call Manager package"),
        "{err}"
    );
    assert_eq!(read(&[], &Limits::default()), Err(PackageError::Empty));
    // An image whose body is a gzip stream is still an image, by its name.
    let image = signed_file("dsp69xx.9-4-1-3.zz.sgn", &gzip(b"firmware"));
    assert_eq!(kind_of("dsp69xx.9-4-1-3.zz.sgn", &image), InputKind::Other);
    assert_eq!(kind_of("DSP.SBN", &image), InputKind::Other);
    assert_eq!(
        kind_of("renamed-package", &image),
        InputKind::Package(PackageFormat::CopSgn)
    );
}

#[test]
fn inputs_are_told_apart_by_their_bytes_then_their_names() {
    let cop = seed_cop();
    assert_eq!(
        kind_of("anything", &cop),
        InputKind::Package(PackageFormat::CopSgn)
    );
    assert_eq!(
        kind_of("x.COP", b"\x01\x00\x02"),
        InputKind::Package(PackageFormat::CopSgn)
    );
    assert_eq!(kind_of("fw.bin", b"PK\x03\x04"), InputKind::Zip);
    assert_eq!(kind_of("FW.ZIP", b""), InputKind::Zip);
    assert_eq!(
        kind_of("x", &gzip(b"")),
        InputKind::Package(PackageFormat::TarGz)
    );
    let one = TarBuilder::new().add("a", b"x".to_vec()).build();
    assert_eq!(kind_of("x", &one), InputKind::Package(PackageFormat::Tar));
    assert_eq!(
        kind_of("old.tar", &[0; 10]),
        InputKind::Package(PackageFormat::Tar)
    );
    assert_eq!(
        kind_of("a.tar.gz", b"??"),
        InputKind::Package(PackageFormat::TarGz)
    );
    assert_eq!(kind_of("readme.txt", b"hello"), InputKind::Other);
}

#[test]
fn a_truncated_gzip_is_a_gzip_error_wherever_it_is_cut() {
    let tar_gz = gzip(&tar_of(&files_with(|n| n.ends_with(".sbn"), &[])));
    let data = cop_sgn(SEED_COP, 3, &tar_gz);
    // Cut in the deflate data, and cut just before the end (the trailer's CRC and length).
    for cut in [data.len() / 2, data.len() - 4, data.len() - 1] {
        let err = read(&data[..cut], &Limits::default()).unwrap_err();
        assert!(
            matches!(err, PackageError::Gzip { .. }),
            "cut at {cut}: {err:?}"
        );
        assert!(
            err.to_string().contains("download the package again"),
            "{err}"
        );
    }
    // A flipped byte in the deflate data is damage, not a shorter list.
    let mut bad = data.clone();
    let at = COP_HEADER_LEN + tar_gz.len() / 2;
    bad[at] ^= 0xFF;
    assert!(read(&bad, &Limits::default()).is_err());
}

#[test]
fn a_truncated_tar_is_a_tar_error() {
    let tar = tar_of(&files_with(|n| n.ends_with(".sbn"), &[]));
    // Cut inside a file's data, and inside a header block.
    for cut in [700, 512 + 100, tar.len() - 1024 - 100] {
        let err = read(&tar[..cut], &Limits::default()).unwrap_err();
        assert!(
            matches!(err, PackageError::Tar { .. }),
            "cut at {cut}: {err:?}"
        );
    }
    // Cut at an entry boundary: no end-of-archive blocks, so files may be missing.
    let unended = TarBuilder::new()
        .add("a.loads", b"x".to_vec())
        .without_end_marker()
        .build();
    let err = read(&unended, &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("end-of-archive"), "{err}");
    let err = read(&gzip(&unended), &Limits::default()).unwrap_err();
    assert!(matches!(err, PackageError::Tar { .. }), "{err:?}");
    // A size that runs past the data.
    let lying = TarBuilder::new()
        .add_spec(TarEntrySpec {
            name: b"a.sbn".to_vec(),
            data: vec![1; 100],
            kind: kind::FILE,
            link: Vec::new(),
            size_override: Some(5000),
        })
        .build();
    let err = read(&lying, &Limits::default()).unwrap_err();
    assert!(matches!(err, PackageError::Tar { .. }), "{err:?}");
}

#[test]
fn names_that_climb_out_or_are_absolute_are_refused_and_never_kept() {
    let tar = TarBuilder::new()
        .add("../evil.sbn", vec![7; 2000])
        .add("/etc/passwd", b"root".to_vec())
        .add("ok/SCCP41.8-3-3S.loads", b"x".to_vec())
        .build();
    let pkg = read(&tar, &Limits::default()).unwrap();
    assert_eq!(pkg.entries[0].size, 2000);
    assert!(pkg.entries[0].data.is_empty() && pkg.entries[1].data.is_empty());
    let r = inspect_package("evil.tar", &tar).unwrap();
    let unsafe_names: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.code == Code::UnsafeName)
        .map(|f| f.subject.as_str())
        .collect();
    assert_eq!(unsafe_names, ["../evil.sbn", "/etc/passwd"]);
    assert!(r.has_errors());
}

#[test]
fn a_name_twice_in_a_tar_is_the_duplicate_a_zip_would_report() {
    let files = files_with(|_| false, &[("copy/SCCP41.8-3-3S.loads", b"x")]);
    let r = inspect_package("dup.tar", &tar_of(&files)).unwrap();
    assert_same_as_zip(&r, &files);
    let dup = r
        .findings
        .iter()
        .find(|f| f.code == Code::DuplicateEntry)
        .unwrap();
    assert!(
        dup.message
            .contains("`SCCP41.8-3-3S.loads` and `copy/SCCP41.8-3-3S.loads`"),
        "{}",
        dup.message
    );
    let same = files_with(|_| false, &[("copstart.sh", b"again")]);
    let r = inspect_package("dup.tar", &tar_of(&same)).unwrap();
    let dup = r
        .findings
        .iter()
        .find(|f| f.code == Code::DuplicateEntry)
        .unwrap();
    assert!(
        dup.message
            .starts_with("The input holds `copstart.sh` twice"),
        "{}",
        dup.message
    );
}

#[test]
fn links_and_devices_are_ignored_with_a_note() {
    let files = files_with(|_| false, &[]);
    let tar = files
        .iter()
        .fold(TarBuilder::new(), |t, (n, d)| t.add(n, d.clone()))
        .add_kind("term42.default.loads", kind::SYMLINK, "/etc/shadow")
        .add_kind("hard.sbn", kind::HARD_LINK, "apps41.8-3-2-27.sbn")
        .add_kind("tty", kind::CHAR_DEVICE, "")
        .add_kind("dir/", kind::DIRECTORY, "")
        .build();
    let r = inspect_package("links.tar", &tar).unwrap();
    let notes: Vec<(&str, &str)> = r
        .findings
        .iter()
        .filter(|f| f.code == Code::PackageEntryIgnored)
        .map(|f| (f.subject.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(
        notes[0].1.contains("a symbolic link (to `/etc/shadow`)"),
        "{notes:?}"
    );
    assert!(notes[1].1.contains("a hard link"), "{notes:?}");
    assert!(notes[2].1.contains("a device"), "{notes:?}");
    assert!(
        r.entries
            .iter()
            .all(|e| e.name != "tty" && e.name != "term42.default.loads")
    );
    assert!(!r.has_errors(), "{:?}", r.findings);
}

#[test]
fn a_load_list_that_disagrees_is_a_finding() {
    let files = files_with(
        |n| n.starts_with("load"),
        &[
            // Its name says 115 (7941), its line 30018.
            ("load115.txt", b"30018 SCCP41.8-3-3S 1 // 7961\n"),
            // 495 is the 6921: not a 7941/7961 load.
            ("load495.txt", b"495  SCCP41.8-3-3S  11  // RT-Lite 6921\n"),
            // Another load than the package's.
            ("load308.txt", b"308 SCCP41.9-4-2SR3-1S 1\n"),
            // Not in the catalogue: checked against its name and the load only.
            ("load496.txt", b"496 SIP69xx.9-4-1-3 11\n"),
            ("load309.txt", b"not a line\n"),
        ],
    );
    let r = inspect_package("mixed.tar.gz", &gzip(&tar_of(&files))).unwrap();
    assert_same_as_zip(&r, &files);
    let of = |name: &str| -> Vec<&str> {
        r.findings
            .iter()
            .filter(|f| f.code == Code::LoadListDisagrees && f.subject == name)
            .map(|f| f.message.as_str())
            .collect()
    };
    assert!(
        of("load115.txt")[0].contains("its name says device type 115, but its line says 30018")
    );
    assert!(of("load495.txt")[0].contains("device type 495 is the 6921 in Lifeline's catalogue"));
    assert!(of("load308.txt")[0].contains("names the load `SCCP41.9-4-2SR3-1S`"));
    // Not in the catalogue: only its load is checked, and it is another load.
    assert_eq!(of("load496.txt").len(), 1, "{:?}", of("load496.txt"));
    assert!(of("load496.txt")[0].contains("names the load `SIP69xx.9-4-1-3`"));
    assert!(of("load309.txt")[0].contains("cannot be read"));
    let agrees: Vec<(u16, bool)> = r
        .load_lists
        .iter()
        .map(|l| (l.device_id, l.agrees))
        .collect();
    assert_eq!(
        agrees,
        [(30018, false), (495, false), (308, false), (496, false)]
    );
}

#[test]
fn a_package_without_term_manifests_says_how_to_make_them_and_that_it_is_unverified() {
    let files = files_with(|n| n.starts_with("term"), &[]);
    let r = inspect_package(SEED_COP, &cop_sgn(SEED_COP, 4, &gzip(&tar_of(&files)))).unwrap();
    assert_eq!(
        r.package.as_ref().unwrap().hash_algorithm,
        Some(HashAlgorithm::Sha512)
    );
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.code == Code::PackageLacksRecoveryManifests)
        .collect();
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message
            .contains("`term41.default.loads` and `term61.default.loads`"),
        "{}",
        f[0].message
    );
    assert!(
        f[0].fix.contains("copy `SCCP41.8-3-3S.loads` to"),
        "{}",
        f[0].fix
    );
    assert!(f[0].fix.contains("Unverified"), "{}", f[0].fix);
    // The zip of the same files has every other finding, and not this package's one.
    let zip = inspect_zip("same.zip", &zip_of(&files)).unwrap();
    let mut without = codes(&r);
    without.retain(|c| *c != Code::PackageLacksRecoveryManifests);
    assert_eq!(without, codes(&zip));
    assert!(codes(&zip).contains(&Code::MissingRecoveryManifest));
}

#[test]
fn a_nested_locale_tar_is_recognised_and_reported_plainly() {
    let inner = tar_of(&[(
        "usr/local/cm/tftp/german_germany/g3-tones.xml".into(),
        b"<x/>".to_vec(),
    )]);
    let files = files_with(
        |_| false,
        &[(
            "usr/local/cm/tftp/german_germany/german_germany.tar",
            &inner,
        )],
    );
    let r = inspect_package("locale.tar", &tar_of(&files)).unwrap();
    let p = r.package.as_ref().unwrap();
    assert_eq!(
        p.nested_archives,
        ["usr/local/cm/tftp/german_germany/german_germany.tar"]
    );
    let note = r
        .findings
        .iter()
        .find(|f| f.code == Code::NestedArchive)
        .unwrap();
    assert!(
        note.message.contains("locale files for `german_germany`"),
        "{}",
        note.message
    );
}

#[test]
fn the_zip_limits_bound_a_package_too() {
    let files = seed_package_files();
    let tar_gz = gzip(&tar_of(&files));
    // Entry count: the rest is not read, and that is a finding.
    let few = Limits {
        max_entries: 3,
        ..Limits::default()
    };
    let r = inspect_package_with("seed.tgz", &tar_gz, &few).unwrap();
    assert_eq!(r.entries.len(), 3);
    let many = r
        .findings
        .iter()
        .find(|f| f.code == Code::TooManyEntries)
        .unwrap();
    assert_eq!(
        many.message,
        format!(
            "The input holds {} entries; only the first 3 were read.",
            files.len()
        )
    );
    // Entry size: listed, not kept, refused.
    let small = Limits {
        max_entry_size: 1 << 20,
        ..Limits::default()
    };
    let pkg = read(&tar_gz, &small).unwrap();
    let apps = pkg
        .entries
        .iter()
        .find(|e| e.path.starts_with("apps"))
        .unwrap();
    assert!(apps.size > 1 << 20 && apps.data.is_empty());
    let r = inspect_package_with("seed.tgz", &tar_gz, &small).unwrap();
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == Code::TooLarge && f.subject.starts_with("apps"))
    );
    // Total size: the stream itself stops.
    let tiny = Limits {
        max_total_size: 1 << 20,
        max_entries: 8,
        ..Limits::default()
    };
    assert!(matches!(
        read(&tar_gz, &tiny),
        Err(PackageError::TooLarge { .. })
    ));
    // Ratio: 64 MiB of zeros in a few kilobytes.
    let bomb = gzip(
        &TarBuilder::new()
            .add("zeros.sbn", vec![0; 64 << 20])
            .build(),
    );
    let err = read(&bomb, &Limits::default()).unwrap_err();
    assert!(matches!(err, PackageError::Ratio { .. }), "{err:?}");
    assert!(err.to_string().contains("gzip bomb"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic_the_reader(data in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = read(&data, &Limits::default());
        let _ = inspect_archive("x.cop.sgn", &data);
        let _ = kind_of("x.tgz", &data);
    }

    #[test]
    fn a_damaged_package_never_panics_the_reader(
        at in 0usize..6000,
        byte in any::<u8>(),
        cut in 0usize..6000,
    ) {
        let files = files_with(|n| n.ends_with(".sbn"), &[]);
        let mut data = cop_sgn(SEED_COP, 3, &gzip(&tar_of(&files)));
        let at = at % data.len();
        data[at] = byte;
        data.truncate(data.len() - cut % data.len());
        let _ = inspect_archive("x.cop.sgn", &data);
        let _ = read(&TarBuilder::new().add("a", data.clone()).build()[..data.len() % 700], &Limits::default());
    }
}
