//! The 7940/7960 from the terminal: `lifeline config` writes OS79XX.TXT and the SIP text
//! files and checks them; `inspect` and `bundle` take its zip and its `.cop.sgn` alike.

use lifeline_shared::testkit79::{
    SCCP79_LOAD, SIP79_LOAD, cop_name, sccp79_zip, sip79_cop, sip79_zip,
};
use lifeline_tests::lifeline_bin;
use std::path::Path;
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

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn config_writes_what_a_sip_7960_reads_and_checks_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let cop = dir.path().join(cop_name(SIP79_LOAD));
    std::fs::write(&cop, sip79_cop()).unwrap();
    let out = dir.path().join("cfg");
    let o = run(&[
        "config",
        "--firmware",
        s(&cop),
        "--call-manager",
        "10.0.0.1",
        "--phone",
        "00-11-22-AA-BB-CC",
        "--out",
        s(&out),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );
    // Exactly the name: no newline (CSCdv19260).
    assert_eq!(
        std::fs::read(out.join("OS79XX.TXT")).unwrap(),
        SIP79_LOAD.as_bytes()
    );
    let default = std::fs::read_to_string(out.join("SIPDefault.cnf")).unwrap();
    for want in [
        "image_version: \"P0S3-8-12-00\"",
        "proxy1_address: \"10.0.0.1\"",
        "proxy_register: \"1\"",
        "dial_template: \"dialplan\"",
    ] {
        assert!(default.contains(want), "{want} in\n{default}");
    }
    assert!(out.join("SIP001122AABBCC.cnf").is_file());
    assert!(out.join("dialplan.xml").is_file());
    assert!(out.join("RINGLIST.DAT").is_file());
    let xml = std::fs::read_to_string(out.join("XMLDefault.cnf.xml")).unwrap();
    assert!(
        xml.contains("<loadInformation7 model=\"IP Phone 7960\">P0S3-8-12-00</loadInformation7>")
    );

    // Its own files pass its own check, against the firmware.
    let o = run(&[
        "config",
        "--check",
        s(&out.join("SIPDefault.cnf")),
        s(&out.join("SIP001122AABBCC.cnf")),
        s(&out.join("OS79XX.TXT")),
        "--firmware",
        s(&cop),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o).matches(": ok\n").count(), 3, "{}", stdout(&o));

    // A hand-written file with the usual slips.
    let bad = dir.path().join("SIP001122AABBCD.cnf");
    std::fs::write(
        &bad,
        "image_version: P0S3-8-11-00\nline1_pasword: secret\nline1_password: \"0123456789012345678901234567890123\"\n",
    )
    .unwrap();
    let os = dir.path().join("OS79XX.TXT");
    std::fs::write(&os, "P0S3-8-12-00\n").unwrap();
    let o = run(&["config", "--check", s(&bad), s(&os), "--firmware", s(&cop)]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let t = stdout(&o);
    for want in [
        "cnf-unknown-load",
        "did you mean `line1_password`",
        "sip-password-too-long",
        "34 characters",
        "CSCdv19260",
    ] {
        assert!(t.contains(want), "{want} in\n{t}");
    }
}

#[test]
fn an_sccp_7960_gets_os79xx_and_its_xml_only() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("P0030801SR02.zip");
    std::fs::write(&zip, sccp79_zip()).unwrap();
    let out = dir.path().join("cfg");
    let o = run(&[
        "config",
        "--firmware",
        s(&zip),
        "--call-manager",
        "10.0.0.1",
        "--out",
        s(&out),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        std::fs::read(out.join("OS79XX.TXT")).unwrap(),
        SCCP79_LOAD.as_bytes()
    );
    assert!(!out.join("SIPDefault.cnf").exists());
    let xml = std::fs::read_to_string(out.join("XMLDefault.cnf.xml")).unwrap();
    assert!(
        xml.contains("<loadInformation8 model=\"IP Phone 7940\">P0030801SR02</loadInformation8>")
    );
}

#[test]
fn inspect_says_the_same_of_the_zip_and_the_cop() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("P0S3-8-12-00.zip");
    let cop = dir.path().join(cop_name(SIP79_LOAD));
    std::fs::write(&zip, sip79_zip()).unwrap();
    std::fs::write(&cop, sip79_cop()).unwrap();
    let json = |p: &Path| {
        let o = run(&["inspect", "--json", s(p)]);
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let (z, c) = (json(&zip), json(&cop));
    for key in ["load", "protocol", "family", "models"] {
        assert_eq!(z[key], c[key], "{key}");
    }
    assert_eq!(z["load"], SIP79_LOAD);
    let upgrade = |v: &serde_json::Value| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "upgrade-path")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(upgrade(&z), upgrade(&c));
    assert!(
        upgrade(&z)[0].contains("SCCP to SIP only from SCCP 5.x"),
        "{:?}",
        upgrade(&z)
    );
}
