//! The input as a whole: the load, its family and build, recovery manifests, models.

use super::*;
use crate::firmware::inspect::fixtures::{
    has, inspection, manifest_report, replace_manifest, seed_images, seed_with,
};
use crate::firmware::inspect::{InputFile, inspect_files, inspect_zip};
use crate::testkit::{image, manifest_body, signed_file, zip_of};

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
fn the_load_is_the_first_manifest_that_is_not_a_recovery_one() {
    let mut ins = inspection(&[]);
    ins.manifests = vec![
        manifest_report("term41.default.loads", &["jar41sccp.8-3-2-27.sbn"]),
        manifest_report("SCCP41.8-3-3S.loads", &["jar41sccp.8-3-2-27.sbn"]),
    ];
    let load = ins.identify_load();
    assert_eq!(load.manifest, Some(1));
    assert_eq!(load.name.as_deref(), Some("SCCP41.8-3-3S"));
    assert_eq!(load.family, Some(FamilyId::F7941_7961));
    assert_eq!(load.protocol, Some(Protocol::Sccp));
    assert_eq!(
        load.version.map(|v| v.to_string()).as_deref(),
        Some("8.3(3)")
    );
    assert!(ins.findings.is_empty(), "{:#?}", ins.findings);
}

#[test]
fn only_recovery_manifests_of_the_loads_family_are_compared() {
    let mut ins = inspection(&[]);
    ins.manifests = vec![
        manifest_report("SCCP41.8-3-3S.loads", &["a.sbn", "b.sbn"]),
        manifest_report("term41.default.loads", &["b.sbn", "a.sbn"]),
        manifest_report("term06.default.loads", &["c.sbn"]),
        manifest_report("term61.default.loads", &["a.sbn", "b.sbn"]),
    ];
    let load = Load {
        manifest: Some(0),
        family: Some(FamilyId::F7941_7961),
        ..Load::default()
    };
    ins.check_recovery_manifests(&load);
    let subjects: Vec<(Code, &str)> = ins
        .findings
        .iter()
        .map(|f| (f.code, f.subject.as_str()))
        .collect();
    assert_eq!(
        subjects,
        [(Code::TermManifestDisagrees, "term41.default.loads")]
    );
}

#[test]
fn a_7940_load_needs_os79xx_and_no_recovery_manifest() {
    let mut ins = inspection(&[]);
    ins.manifests = vec![manifest_report("P0030801SR02.loads", &[])];
    let load = Load {
        name: Some("P0030801SR02".into()),
        family: Some(FamilyId::F7940_7960),
        ..Load::default()
    };
    let models = ins.check_models(&load);
    let names: Vec<&str> = models.iter().map(|m| m.model.as_str()).collect();
    assert_eq!(names, ["7940", "7960"]);
    assert!(models.iter().all(|m| m.recovery_manifest.is_none()));
    let found: Vec<(Severity, Code, &str)> = ins
        .findings
        .iter()
        .map(|f| (f.severity, f.code, f.subject.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (Severity::Info, Code::UnknownFamily, "P0030801SR02"),
            // Cisco's rule, from the package alone: SIP phones before 7.x cannot come back.
            (Severity::Info, Code::UpgradePath, "P0030801SR02"),
        ]
    );
    assert!(
        ins.findings[1]
            .message
            .contains("SIP back to SCCP only from SIP 7.x")
    );
}

#[test]
fn an_unsigned_sip_7960_load_is_a_warning() {
    for (load, want) in [
        ("P0S3-8-12-00", vec![Severity::Info]),
        ("P0S3-04-4-00", vec![Severity::Warning, Severity::Info]),
    ] {
        let mut ins = inspection(&[]);
        ins.check_models(&Load {
            name: Some(load.into()),
            family: Some(FamilyId::F7940_7960),
            ..Load::default()
        });
        let got: Vec<Severity> = ins
            .findings
            .iter()
            .filter(|f| f.code == Code::UpgradePath)
            .map(|f| f.severity)
            .collect();
        assert_eq!(got, want, "{load}");
    }
}

#[test]
fn the_upgrade_warning_starts_where_the_plan_asks_for_a_hop() {
    // The plan (firmware::upgrade) asks for the hop from below 8.3(3) to 8.5(3)
    // or later, as Cisco's release notes say; the warning starts there too.
    let load = |v: &str| Load {
        name: Some(format!("SCCP41.{v}")),
        version: Version::parse(v),
        ..Load::default()
    };
    let mut ins = inspection(&[]);
    ins.check_upgrade_path(FamilyId::F7941_7961, &load("8-5-2S"));
    ins.check_upgrade_path(FamilyId::F792x, &load("9-4-2S"));
    assert!(ins.findings.is_empty(), "{:#?}", ins.findings);
    for v in ["8-5-3S", "9-2-2S", "9-2-3S"] {
        ins.check_upgrade_path(FamilyId::F7941_7961, &load(v));
    }
    let got: Vec<_> = ins
        .findings
        .iter()
        .map(|f| (f.severity, f.code, f.subject.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (Severity::Warning, Code::UpgradePath, "SCCP41.8-5-3S"),
            (Severity::Warning, Code::UpgradePath, "SCCP41.9-2-2S"),
            (Severity::Warning, Code::UpgradePath, "SCCP41.9-2-3S"),
        ]
    );
    let f = &ins.findings[0];
    assert!(
        f.message
            .contains("older than 8.3(3) cannot go straight to 8.5(3) or later"),
        "{}",
        f.message
    );
    // Each load the warning names needs the hop in the plan too.
    let old = Version::from_load_name("SCCP41.8-0-4S").unwrap();
    for v in ["8-5-3S", "9-2-2S", "9-2-3S"] {
        let to = Version::parse(v).unwrap();
        assert!(
            crate::firmware::upgrade::hop_before(FamilyId::F7941_7961, &old, &to).is_some(),
            "{v}"
        );
    }
    let to = Version::parse("8-5-2S").unwrap();
    assert!(crate::firmware::upgrade::hop_before(FamilyId::F7941_7961, &old, &to).is_none());
}
