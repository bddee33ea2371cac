//! `lifeline option150`, `config` and `bundle`, run as real processes.

use lifeline_shared::bundle::Manifest;
use lifeline_shared::testkit::{case_mismatch_zip, seed_files, seed_zip, zip_of};
use lifeline_tests::{lifeline_bin, sha256_hex};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(lifeline_bin())
        .args(args)
        .output()
        .expect("lifeline runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn option150_prints_every_server_and_json() {
    let o = run(&["option150", "192.168.10.105"]);
    assert_eq!(o.status.code(), Some(0));
    let t = stdout(&o);
    for want in [
        "96 04 C0 A8 0A 69",
        "C0A80A69",
        "0x690AA8C0",
        "1762306240",
        "option 150 ip 192.168.10.105",
        "dhcp-option-force=66,\"192.168.10.105\"",
        "Value: a 192.168.10.105",
    ] {
        assert!(t.contains(want), "missing {want:?} in\n{t}");
    }
    let o = run(&[
        "option150",
        "192.168.10.105,192.168.10.106",
        "--server",
        "kea",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["network_hex"], "C0A80A69C0A80A6A");
    assert_eq!(v["snippets"].as_array().unwrap().len(), 1);
    assert_eq!(v["snippets"][0]["server"], "kea");
}

#[test]
fn option150_decodes_and_refuses_clearly() {
    let o = run(&["option150", "--decode", "0x69AA8C0"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with(
        "0x69AA8C0 sends 192.168.154.6 as little-endian; you probably meant 0x690AA8C0 = 192.168.10.105"
    ));
    // Option 150's own bytes list the servers they send, not 32-bit readings.
    let o = run(&["option150", "--decode", "96 08 C0 A8 0A 69 C0 A8 0A 6A"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("TFTP server 1: 192.168.10.105\n"), "{text}");
    assert!(text.contains("TFTP server 2: 192.168.10.106\n"), "{text}");
    assert!(!text.contains("little-endian"), "{text}");
    for (args, says) in [
        (
            &["option150", "192.168.10.256"][..],
            "256 is larger than 255",
        ),
        (&["option150", "192.168.10"][..], "four numbers"),
        (&["option150", "tftp.local"][..], "host name"),
        (
            &["option150", "10.0.0.1", "--server", "nope"][..],
            "not a DHCP server",
        ),
        (&["option150", "--decode", "xyz"][..], "not a number"),
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.contains(says), "{args:?}: {e}");
        assert_eq!(e.lines().count(), 1);
    }
}

#[test]
fn config_writes_and_checks() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("seed.zip");
    std::fs::write(&zip, seed_zip()).unwrap();
    let out = dir.path().join("cfg");
    let o = run(&[
        "config",
        "--firmware",
        zip.to_str().unwrap(),
        "--call-manager",
        "10.0.0.1,10.0.0.2",
        "--phone",
        "00-11-22-AA-BB-CC",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let xml = std::fs::read_to_string(out.join("XMLDefault.cnf.xml")).unwrap();
    assert!(xml.contains(
        "<loadInformation115 model=\"IP Phone 7941\">SCCP41.8-3-3S</loadInformation115>"
    ));
    assert!(xml.contains("<processNodeName>10.0.0.2</processNodeName>"));
    assert!(out.join("SEP001122AABBCC.cnf.xml").is_file());
    let o = run(&[
        "config",
        "--check",
        out.join("XMLDefault.cnf.xml").to_str().unwrap(),
        "--firmware",
        zip.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    let bad = dir.path().join("bad.cnf.xml");
    std::fs::write(&bad, r#"<Default><callManagerGroup/><loadInformation5 model="IP Phone 7961">SCCP41.8-3-3S</loadInformation5></Default>"#).unwrap();
    let o = run(&["config", "--check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("cnf-wrong-device-id"), "{}", stdout(&o));

    let o = run(&[
        "config",
        "--firmware",
        zip.to_str().unwrap(),
        "--call-manager",
        "10.0.0.1",
        "--phone",
        "00:11:22",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a MAC address"));
}

#[test]
fn bundle_writes_a_verified_folder_with_aliases() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("fw.zip");
    std::fs::write(&zip, case_mismatch_zip()).unwrap();
    let out = dir.path().join("root");
    let o = run(&[
        "bundle",
        zip.to_str().unwrap(),
        "--tftp-server",
        "192.168.10.105",
        "--phone",
        "001122aabbcc=7961",
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
        serde_json::from_slice(&std::fs::read(out.join("lifeline-bundle.json")).unwrap()).unwrap();
    assert_eq!(m.load.as_deref(), Some("SCCP41.8-3-3S"));
    assert_eq!(m.aliases.len(), 1);
    assert_eq!(
        m.settings.call_managers,
        ["192.168.10.105"],
        "defaults to the TFTP server"
    );
    for f in &m.files {
        let data = std::fs::read(out.join(&f.name)).unwrap();
        assert_eq!(data.len() as u64, f.size, "{}", f.name);
        assert_eq!(sha256_hex(&data), f.sha256, "{}", f.name);
    }
    assert_eq!(
        std::fs::read(out.join("Jar41sccp.8-3-2-27.sbn")).unwrap(),
        std::fs::read(out.join("jar41sccp.8-3-2-27.sbn")).unwrap()
    );
    // Nothing else was left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");

    // Writing again replaces the bundle; a folder that is not a bundle is refused.
    let o = run(&[
        "bundle",
        zip.to_str().unwrap(),
        "--tftp-server",
        "192.168.10.106",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!out.join("SEP001122AABBCC.cnf.xml").exists());
    let precious = dir.path().join("precious");
    std::fs::create_dir(&precious).unwrap();
    std::fs::write(precious.join("notes.txt"), "keep me").unwrap();
    let o = run(&[
        "bundle",
        zip.to_str().unwrap(),
        "--tftp-server",
        "10.0.0.1",
        "--out",
        precious.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(precious.join("notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn bundle_as_zip_and_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("seed.zip");
    std::fs::write(&zip, seed_zip()).unwrap();
    let out = dir.path().join("bundle.zip");
    let o = run(&[
        "bundle",
        zip.to_str().unwrap(),
        "--tftp-server",
        "10.0.0.5",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&["inspect", out.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "the bundle zip inspects clean");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["load"], "SCCP41.8-3-3S");

    let broken: Vec<_> = seed_files()
        .into_iter()
        .filter(|(n, _)| !n.starts_with("apps"))
        .collect();
    let bz = dir.path().join("broken.zip");
    std::fs::write(&bz, zip_of(&broken)).unwrap();
    let o = run(&[
        "bundle",
        bz.to_str().unwrap(),
        "--tftp-server",
        "10.0.0.5",
        "--out",
        dir.path().join("no.zip").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("missing-image"));
    assert!(!dir.path().join("no.zip").exists());
    let o = run(&[
        "bundle",
        zip.to_str().unwrap(),
        "--tftp-server",
        "10.0.0.5",
        "--phone",
        "001122aabbcc=7942",
        "--out",
        dir.path().join("no.zip").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("7942"));
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Each refused `--out` says what is wrong with which path, and what to give
/// instead, in one `lifeline: error:` line without a raw OS error number.
#[test]
fn unwritable_outs_say_what_is_wrong_and_what_to_give() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("seed.zip");
    std::fs::write(&zip, seed_zip()).unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let config = |out: &str| {
        run(&[
            "config",
            "--firmware",
            zip.to_str().unwrap(),
            "--call-manager",
            "10.0.0.1",
            "--out",
            out,
        ])
    };
    let mut cases = vec![
        (config(file.to_str().unwrap()), "is a file, not a folder"),
        (config(file.join("cfg").to_str().unwrap()), "part of"),
        (
            run(&[
                "bundle",
                zip.to_str().unwrap(),
                "--tftp-server",
                "10.0.0.5",
                "--out",
                file.to_str().unwrap(),
            ]),
            "is a file, not a folder",
        ),
    ];
    if cfg!(target_os = "linux") {
        cases.push((config("/proc/cfg"), "cannot create /proc/cfg"));
    }
    for (o, says) in cases {
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let e = stderr(&o);
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.starts_with("lifeline: error: "), "{e}");
        assert!(e.contains(says), "{e}");
        assert!(e.contains("give --out"), "{e}");
        assert!(!e.contains("os error"), "{e}");
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a folder");
}

/// Warnings go to stderr, so stdout stays the answer alone.
#[test]
fn option150_warnings_are_on_stderr() {
    let o = run(&["option150", "127.0.0.1"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).starts_with("lifeline: warning: 127.0.0.1"),
        "{}",
        stderr(&o)
    );
    assert!(!stdout(&o).contains("warning"), "{}", stdout(&o));
}

#[test]
fn a_missing_file_to_check_is_named_without_an_os_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("XMLDefault.cnf.xml");
    let o = run(&["config", "--check", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.starts_with("lifeline: error: "), "{e}");
    assert!(e.contains(&missing.display().to_string()), "{e}");
    assert!(e.contains("not found: check the path"), "{e}");
    assert!(!e.contains("os error"), "{e}");
}
