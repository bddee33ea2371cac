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
