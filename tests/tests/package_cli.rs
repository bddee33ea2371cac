//! A Call Manager package (`.cop.sgn`, `.tar.gz`) given wherever a firmware zip is:
//! `lifeline inspect`, `config` and `bundle`, run as real processes on synthetic packages.

use lifeline_shared::bundle::Manifest;
use lifeline_shared::firmware::package::testkit::{
    SEED_COP, gzip, seed_cop, seed_package_files, tar_of,
};
use lifeline_shared::testkit::zip_of;
use lifeline_tests::lifeline_bin;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(lifeline_bin())
        .args(args)
        .output()
        .expect("lifeline runs")
}

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).expect("one JSON object")
}

#[test]
fn a_cop_sgn_and_a_tar_gz_inspect_like_the_zip_of_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let cop = write(dir.path(), SEED_COP, &seed_cop());
    let tgz = write(
        dir.path(),
        "seed.tar.gz",
        &gzip(&tar_of(&seed_package_files())),
    );
    let zip = write(dir.path(), "seed.zip", &zip_of(&seed_package_files()));
    let want = run(&["inspect", zip.to_str().unwrap(), "--json"]);
    assert_eq!(want.status.code(), Some(0));
    let want = json(&want);
    for p in [&cop, &tgz] {
        let o = run(&["inspect", p.to_str().unwrap(), "--json"]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let got = json(&o);
        for key in [
            "load",
            "family",
            "protocol",
            "build",
            "models",
            "manifests",
            "findings",
            "load_lists",
        ] {
            assert_eq!(got[key], want[key], "{key} of {}", p.display());
        }
    }
    let got = json(&run(&["inspect", cop.to_str().unwrap(), "--json"]));
    assert_eq!(got["package"]["format"], "cop-sgn");
    assert_eq!(got["package"]["embedded_name"], SEED_COP);
    assert_eq!(got["package"]["hash_algorithm"], "sha512");
    // The table shows the package's own header, like a manifest's.
    let o = run(&["inspect", cop.to_str().unwrap()]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("Package Call Manager package (.cop.sgn)"),
        "{text}"
    );
    assert!(text.contains(&format!("signed name {SEED_COP}")), "{text}");
    assert!(text.contains("SHA-512"), "{text}");
    assert!(text.contains("install script copstart.sh"), "{text}");
    assert!(text.contains("Load      SCCP41.8-3-3S"), "{text}");
}

#[test]
fn a_truncated_package_exits_2_with_one_line_saying_why() {
    let dir = tempfile::tempdir().unwrap();
    let whole = seed_cop();
    let cut = write(dir.path(), SEED_COP, &whole[..whole.len() / 2]);
    let o = run(&["inspect", cut.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("gzip stream is damaged or cut short"), "{err}");
    assert!(err.contains("download the package again"), "{err}");
}

#[test]
fn config_and_bundle_take_a_package_as_they_take_a_zip() {
    let dir = tempfile::tempdir().unwrap();
    let cop = write(dir.path(), SEED_COP, &seed_cop());
    let zip = write(dir.path(), "seed.zip", &zip_of(&seed_package_files()));
    let o = run(&[
        "config",
        "--firmware",
        cop.to_str().unwrap(),
        "--call-manager",
        "10.0.0.1",
        "--out",
        dir.path().join("cfg").to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let xml = std::fs::read_to_string(dir.path().join("cfg/XMLDefault.cnf.xml")).unwrap();
    assert!(
        xml.contains(">SCCP41.8-3-3S</loadInformation30018>"),
        "{xml}"
    );
    let files = |input: &Path, out: &str| {
        let out = dir.path().join(out);
        let o = run(&[
            "bundle",
            input.to_str().unwrap(),
            "--tftp-server",
            "192.168.10.105",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let m: Manifest =
            serde_json::from_slice(&std::fs::read(out.join("lifeline-bundle.json")).unwrap())
                .unwrap();
        let mut f: Vec<(String, String)> =
            m.files.into_iter().map(|f| (f.name, f.sha256)).collect();
        f.sort();
        f
    };
    let from_cop = files(&cop, "from-cop");
    assert_eq!(from_cop, files(&zip, "from-zip"));
    let names: Vec<&str> = from_cop.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"term61.default.loads"), "{names:?}");
    assert!(
        !names.contains(&"copstart.sh"),
        "the install script is not served"
    );
}

#[test]
fn a_package_without_recovery_manifests_gets_copies_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<_> = seed_package_files()
        .into_iter()
        .filter(|(n, _)| !n.starts_with("term"))
        .collect();
    let cop = write(
        dir.path(),
        SEED_COP,
        &lifeline_shared::firmware::package::testkit::cop_sgn(SEED_COP, 3, &gzip(&tar_of(&files))),
    );
    let bundle = |out: &str, extra: &[&str]| {
        let out = dir.path().join(out);
        let mut args = vec![
            "bundle",
            cop.to_str().unwrap(),
            "--tftp-server",
            "192.168.10.105",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        (
            out,
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (plain, _, warned) = bundle("plain", &[]);
    assert!(!plain.join("term41.default.loads").exists());
    assert!(
        warned.contains("lifeline: warning: no term41.default.loads or term61.default.loads: a wiped phone cannot recover from this bundle; `--make-recovery-manifests` adds copies"),
        "{warned}"
    );
    let (made, said, warned) = bundle("made", &["--make-recovery-manifests"]);
    assert!(!warned.contains("no term41"), "{warned}");
    let load = std::fs::read(made.join("SCCP41.8-3-3S.loads")).unwrap();
    for r in ["term41.default.loads", "term61.default.loads"] {
        assert_eq!(std::fs::read(made.join(r)).unwrap(), load, "{r}");
        assert!(
            said.contains(&format!("alias {r} -> SCCP41.8-3-3S.loads (a copy for wiped phones, --make-recovery-manifests; unverified)")),
            "{said}"
        );
    }
    assert!(
        said.contains("Unverified"),
        "the warning is printed: {said}"
    );

    // `serve --firmware` serves them too, and says they are unverified.
    let server = lifeline_tests::Server::start_with(&[
        "--http-listen",
        "127.0.0.1:0",
        "--tftp-listen",
        "127.0.0.1:0",
        "--provision-listen",
        "127.0.0.1:0",
        "--tftp-server",
        "192.168.10.105",
        "--firmware",
        cop.to_str().unwrap(),
        "--make-recovery-manifests",
    ]);
    let tftp = server.wait_for_tftp();
    let got = lifeline_tests::TftpDownload::start(tftp, "term41.default.loads")
        .finish()
        .unwrap();
    assert_eq!(got, load);
}
