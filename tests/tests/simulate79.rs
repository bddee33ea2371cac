//! A simulated 7940/7960 against the real `lifeline serve`, on loopback: a bundle made by
//! `lifeline bundle` from a `.cop.sgn` switches a reset SCCP 7960 to SIP through
//! OS79XX.TXT, boots a SIP 7960 in Cisco's order, and an SCCP 7940 from its
//! XMLDefault.cnf.xml entry.

mod simulate_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use lifeline_shared::testkit79::{SCCP79_LOAD, SIP79_LOAD, cop_name, sccp79_zip, sip79_cop};
use lifeline_tests::lifeline_bin;
use simulate_support::{simulate, tempdir};

const GUARD: Duration = Duration::from_secs(180);
const MAC: &str = "00:1B:54:79:60:01";

/// `lifeline bundle FILE --phone MAC=MODEL` into `dir/bundle`.
fn bundle(dir: &Path, name: &str, data: &[u8], model: &str) -> PathBuf {
    let input = dir.join(name);
    std::fs::write(&input, data).unwrap();
    let out = dir.join("bundle");
    let o = Command::new(lifeline_bin())
        .arg("bundle")
        .arg(&input)
        .args(["--tftp-server", "127.0.0.1", "--call-manager", "127.0.0.1"])
        .args(["--phone", &format!("{MAC}={model}")])
        .arg("--out")
        .arg(&out)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "lifeline bundle failed:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

fn asked(v: &serde_json::Value) -> Vec<(String, String)> {
    v["phones"][0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_owned(),
                f["outcome"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_7960_recovers_and_boots_from_a_bundle_made_of_a_cop() {
    let dir = tempdir();
    let root = bundle(dir.path(), &cop_name(SIP79_LOAD), &sip79_cop(), "7960");
    assert_eq!(
        std::fs::read(root.join("OS79XX.TXT")).unwrap(),
        SIP79_LOAD.as_bytes()
    );
    let (_server, addr) = simulate_support::serve(&root, &[]);

    // A reset 7960 on SCCP: OS79XX.TXT names the SIP image, so it loads it.
    let out = simulate(
        None,
        &["--model", "7960", "--mac", MAC, "--server", &addr, "--json"],
        GUARD,
    );
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
    let v = out.json();
    let names: Vec<String> = asked(&v).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "OS79XX.TXT",
            "P0S3-8-12-00.loads",
            "P003-8-12-00.sbn",
            "P0S3-8-12-00.sb2"
        ]
    );
    assert_eq!(v["phones"][0]["verdict"]["load"], SIP79_LOAD);

    // A SIP 7960 booting: Cisco's order, its own SIP<MAC>.cnf found.
    let out = simulate(
        None,
        &[
            "--model",
            "7960",
            "--protocol",
            "sip",
            "--mode",
            "boot",
            "--mac",
            MAC,
            "--server",
            &addr,
            "--json",
        ],
        GUARD,
    );
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
    let files = asked(&out.json());
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "CTLSEP001B54796001.tlv",
            "SEP001B54796001.cnf.xml",
            "SIP001B54796001.cnf",
            "SEPDefault.cnf.xml",
            "SIPDefault.cnf",
            "P0S3-8-12-00.loads",
            "P003-8-12-00.sbn",
            "P0S3-8-12-00.sb2",
        ]
    );
    let outcome = |n: &str| files.iter().find(|(f, _)| f == n).unwrap().1.clone();
    assert_eq!(outcome("SIP001B54796001.cnf"), "received");
    assert_eq!(outcome("SEPDefault.cnf.xml"), "not-found");

    // The text report says what happened in words.
    let out = simulate(
        None,
        &["--model", "7960", "--mac", MAC, "--server", &addr],
        GUARD,
    );
    assert!(
        out.stdout.contains("loads P0S3-8-12-00 to switch"),
        "{}",
        out.stdout
    );
}

#[test]
fn an_sccp_7940_boots_from_its_xmldefault_entry() {
    let dir = tempdir();
    let root = bundle(dir.path(), "P0030801SR02.zip", &sccp79_zip(), "7940");
    let (_server, addr) = simulate_support::serve(&root, &[]);
    let out = simulate(
        None,
        &[
            "--model", "7940", "--mode", "boot", "--server", &addr, "--json",
        ],
        GUARD,
    );
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
    let v = out.json();
    assert_eq!(v["phones"][0]["verdict"]["load"], SCCP79_LOAD);
    let names: Vec<String> = asked(&v).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names[2], "XMLDefault.cnf.xml");
    assert_eq!(names[3], "P0030801SR02.loads");

    // --protocol belongs to the 7940/7960 only.
    let out = simulate(
        None,
        &["--model", "7961", "--protocol", "sip", "--server", &addr],
        GUARD,
    );
    assert_eq!(out.code(), Some(2));
    assert!(
        out.stderr.contains("--protocol is for a 7940/7960"),
        "{}",
        out.stderr
    );
}
