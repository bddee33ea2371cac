//! Every real `.loads` file in `../shared/fixtures/loads/` parses.
//!
//! The folder is read from the project's `shared/` checkout beside the repository
//! (or `LIFELINE_REAL_LOADS`). It is not part of the repository; outside CI the
//! test says so and passes, in CI (`CI=true`) a missing folder is a failure.

use lifeline_shared::firmware::inspect::{InputFile, inspect_files};
use lifeline_shared::firmware::manifest;
use lifeline_shared::firmware::signed::{HeaderKind, SignedHeader};
use lifeline_shared::models::{self, FamilyId, ManifestStyle};
use std::path::{Path, PathBuf};

fn fixtures() -> Option<PathBuf> {
    let dir = std::env::var_os("LIFELINE_REAL_LOADS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/loads")
        });
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI must have the real .loads files at {}",
        dir.display()
    );
    eprintln!(
        "note: {} not found; real-file checks not run",
        dir.display()
    );
    None
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("loads"))
        {
            out.push(p);
        }
    }
}

/// The name a file was published under: the fixtures keep a short id in the name
/// where two different files had the same name (`term41.default.933b6758.loads`).
fn published_name(file: &str) -> String {
    let parts: Vec<&str> = file.split('.').collect();
    if parts.len() == 4 && parts[2].len() == 8 && parts[2].bytes().all(|b| b.is_ascii_hexdigit()) {
        format!("{}.{}.{}", parts[0], parts[1], parts[3])
    } else {
        file.to_string()
    }
}

#[test]
fn every_real_loads_file_parses() {
    let Some(dir) = fixtures() else { return };
    let mut files = Vec::new();
    walk(&dir, &mut files);
    assert!(
        files.len() >= 60,
        "expected the full fixture set, found {}",
        files.len()
    );
    let mut five_image = 0;
    for path in &files {
        let file = path.file_name().unwrap().to_str().unwrap();
        let name = published_name(file);
        let data = std::fs::read(path).unwrap();
        let (header, body) =
            SignedHeader::parse(&data).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            header.file_name.as_deref(),
            Some(name.as_str()),
            "{}",
            path.display()
        );
        let m = manifest::parse(body).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let family = models::family_of_name(&name)
            .unwrap_or_else(|| panic!("{}: no family", path.display()));

        let report = inspect_files(
            &name,
            &[InputFile {
                name: name.clone(),
                data,
            }],
        );
        assert_eq!(report.family, Some(family), "{}", path.display());
        assert!(
            !report.findings.iter().any(|f| matches!(
                f.code,
                lifeline_shared::finding::Code::BadSignedHeader
                    | lifeline_shared::finding::Code::BadManifest
                    | lifeline_shared::finding::Code::EmbeddedNameMismatch
                    | lifeline_shared::finding::Code::UnknownFamily
            ) && f.severity
                != lifeline_shared::finding::Severity::Info),
            "{}: {:#?}",
            path.display(),
            report.findings
        );

        if models::family(family).manifest_style == ManifestStyle::FiveImages {
            five_image += 1;
            assert_eq!(header.kind, HeaderKind::Classic);
            assert_eq!(m.style, ManifestStyle::FiveImages, "{}", path.display());
            assert_eq!(m.images.len(), 5, "{}", path.display());
            let order: Vec<String> = m
                .images
                .iter()
                .map(|i| {
                    i.name
                        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                        .to_string()
                })
                .collect();
            let prefixes: Vec<&str> = m
                .images
                .iter()
                .map(|i| &i.name[..i.name.find(|c: char| c.is_ascii_digit()).unwrap()])
                .collect();
            assert_eq!(
                prefixes,
                ["jar", "cnu", "apps", "dsp", "cvm"],
                "{}",
                path.display()
            );
            assert!(order.iter().all(|o| !o.is_empty()));
            assert!(m.release.is_some(), "{}: no RELEASE line", path.display());
            assert!(report.build.is_some(), "{}: no build", path.display());
            assert!(report.protocol.is_some(), "{}: no protocol", path.display());
        } else {
            assert!(!m.images.is_empty(), "{}", path.display());
        }
    }
    assert!(five_image >= 40, "only {five_image} 79xx files");
}

#[test]
fn real_term_files_match_their_load_bodies() {
    let Some(dir) = fixtures() else { return };
    // term41 and term61 differ only in the signed header, never in the body.
    let read = |p: &str| {
        let d = std::fs::read(dir.join(p)).unwrap();
        let (_, body) = SignedHeader::parse(&d).unwrap();
        body.to_vec()
    };
    assert_eq!(
        read("provision_sccp/7941/term41.default.loads"),
        read("provision_sccp/7941/term61.default.loads")
    );
    let m = manifest::parse(&read("provision_sccp/7941/SCCP41.9-4-2SR3-1S.loads")).unwrap();
    assert_eq!(m.release.as_deref(), Some("9-4-2ES26"));
    assert_eq!(m.images[0].name, "jar41sccp.9-4-2ES26.sbn");
    let files: Vec<InputFile> = [
        "SCCP41.9-4-2SR3-1S.loads",
        "term41.default.loads",
        "term61.default.loads",
    ]
    .iter()
    .map(|n| InputFile {
        name: n.to_string(),
        data: std::fs::read(dir.join("provision_sccp/7941").join(n)).unwrap(),
    })
    .collect();
    let r = inspect_files("7941", &files);
    assert_eq!(r.load.as_deref(), Some("SCCP41.9-4-2SR3-1S"));
    assert_eq!(r.family, Some(FamilyId::F7941_7961));
    assert_eq!(r.build.as_deref(), Some("9.4(2)SR3"));
    use lifeline_shared::finding::Code;
    assert!(r.findings.iter().any(|f| f.code == Code::UpgradePath));
    assert!(
        !r.findings
            .iter()
            .any(|f| f.code == Code::TermManifestDisagrees)
    );
    assert_eq!(
        r.findings
            .iter()
            .filter(|f| f.code == Code::MissingImage)
            .count(),
        5
    );
}

/// The newer families' real manifests: the form `testkit::families` writes
/// (its own test compares its 78xx header with the real one), and the models
/// each load is for.
#[test]
fn real_newer_family_manifests_have_the_forms_the_testkit_writes() {
    let Some(dir) = fixtures() else { return };
    let read = |p: &str| std::fs::read(dir.join(p)).unwrap();
    let le = |d: &[u8], at: usize| u32::from_le_bytes(d[at..at + 4].try_into().unwrap()) as usize;

    // 78xx: magic, header and body lengths little-endian at 4 and 12, the
    // name after its u32 length at 0x34, an INI body of two platforms.
    let d = read("cisco_prov/sip/sip78xx.11-0-1-11.loads");
    let (h, body) = SignedHeader::parse(&d).unwrap();
    assert_eq!(h.kind, HeaderKind::Series78xx);
    assert_eq!(le(&d, 4), h.header_len);
    assert_eq!(le(&d, 12), body.len());
    assert_eq!(h.header_len + body.len(), d.len());
    assert_eq!(le(&d, 0x34), "sip78xx.11-0-1-11.loads".len());
    let m = manifest::parse(body).unwrap();
    assert_eq!(m.style, ManifestStyle::Ini);
    assert_eq!(m.images.len(), 6);
    assert!(m.images.iter().all(|i| i.size.is_some()));
    assert_eq!(m.images[3].name, "sboot2.78xx.11-0-1-11.sbn");
    // 69xx, 894x, 792x: the classic header; the styles and the models.
    let cases: [(&str, ManifestStyle, &[&str]); 8] = [
        (
            "provision_sccp/6921/SCCP69xx.9-4-1-3SR3.loads",
            ManifestStyle::ZzSgn,
            &["6921", "6941", "6961"],
        ),
        (
            "cisco_prov/sip/SIP69xx.9-4-1-3SR2.loads",
            ManifestStyle::ZzSgn,
            &["6921", "6941", "6961"],
        ),
        (
            "provision_sccp/6901/SCCP6901.9-2-1-a.loads",
            ManifestStyle::ZzSgn,
            &["6901"],
        ),
        (
            "provision_sccp/6911/SCCP6911.9-2-1-a.loads",
            ManifestStyle::ZzSgn,
            &["6911"],
        ),
        // The 6945 runs a load of its own, written like the 894x's.
        (
            "provision_sccp/6945/SCCP6945.9-3-1-3.loads",
            ManifestStyle::BinSgn,
            &["6945"],
        ),
        (
            "provision_sccp/894x/SCCP894x.9-4-2SR1-2.loads",
            ManifestStyle::BinSgn,
            &["8941", "8945"],
        ),
        (
            "cisco_prov/sccp/CP7925G-1.4.7.3.LOADS",
            ManifestStyle::SizeMd5,
            &["7925"],
        ),
        (
            "provision_sccp/7926/CP7926G-1.4.1SR1.LOADS",
            ManifestStyle::SizeMd5,
            &["7926"],
        ),
    ];
    for (path, style, want) in cases {
        let d = read(path);
        let (h, body) = SignedHeader::parse(&d).unwrap();
        assert_eq!(h.kind, HeaderKind::Classic, "{path}");
        let m = manifest::parse(body).unwrap();
        assert_eq!(m.style, style, "{path}");
        let name = h.file_name.unwrap();
        let family = models::family_of_name(&name).unwrap();
        let got: Vec<&str> = models::models_of_load(family, &name)
            .map(|m| m.name)
            .collect();
        assert_eq!(got, want, "{path}");
    }
    // 7925/7926: the Java components are the #+ lines.
    let d = read("provision_sccp/7925/CP7925G-1.4.1SR1.LOADS");
    let (_, body) = SignedHeader::parse(&d).unwrap();
    let m = manifest::parse(body).unwrap();
    let optional: Vec<&str> = m
        .images
        .iter()
        .filter(|i| i.optional)
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(optional, ["JSYSH-1.4.1SR1.SBN", "JUIH-1.4.1SR1.SBN"]);
    assert!(m.images.iter().all(|i| i.size.is_some() && i.md5.is_some()));
}
