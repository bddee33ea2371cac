//! Upgrade plans from the command line, and the helper walking a phone through one
//! over real TFTP: `lifeline inspect A B`, `lifeline bundle A B --start`, and
//! `lifeline serve` handing one phone each hop's configuration in turn, kept across
//! a restart.

use lifeline_shared::testkit::{load_files, zip_of};
use lifeline_tests::{Server, TftpDownload, lifeline_bin};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const HOP: &str = "SCCP41.8-5-2S";
const TARGET: &str = "SCCP41.9-4-2SR3-1S";
const MAC: &str = "001122AABB01";

fn run(args: &[&str]) -> Output {
    Command::new(lifeline_bin())
        .args(args)
        .output()
        .expect("lifeline runs")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

struct Packages {
    dir: tempfile::TempDir,
    hop: PathBuf,
    target: PathBuf,
}

fn packages() -> Packages {
    let dir = tempfile::tempdir().unwrap();
    let hop = dir.path().join("cmterm-7941_7961-sccp.8-5-2.zip");
    let target = dir.path().join("cmterm-7941_7961-sccp.9-4-2SR3.zip");
    std::fs::write(&hop, zip_of(&load_files(HOP, 4000))).unwrap();
    std::fs::write(&target, zip_of(&load_files(TARGET, 4000))).unwrap();
    Packages { dir, hop, target }
}

#[test]
fn inspect_prints_the_plan_of_several_packages() {
    let p = packages();
    let o = run(&["inspect", s(&p.target), s(&p.hop)]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let t = out(&o);
    assert!(t.contains(&format!("== {}", p.hop.display())), "{t}");
    assert!(t.contains("Upgrade plan"), "{t}");
    assert!(
        t.contains("From before 8.3(3): 2 hops: 8.5(2) → 9.4(2)SR3."),
        "{t}"
    );
    assert!(
        t.contains("From 8.3(3) or later: straight to 9.4(2)SR3."),
        "{t}"
    );
    assert!(t.contains("Start unknown"), "{t}");

    let o = run(&[
        "inspect",
        s(&p.hop),
        s(&p.target),
        "--json",
        "--start",
        "8.0(4)",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["reports"].as_array().unwrap().len(), 2);
    let plan = &v["plan"];
    assert_eq!(plan["target"]["name"], TARGET);
    assert_eq!(plan["hops"][0]["name"], HOP);
    assert_eq!(plan["routes"][0]["from"], "before 8.3(3)");
    assert_eq!(plan["routes"][0]["loads"], serde_json::json!([HOP, TARGET]));
    assert_eq!(plan["start"]["from"], "8.0(4)");
    assert_eq!(plan["start"]["kind"], "via");

    // The target alone, from 8.0(4): the hop is named as missing.
    let o = run(&["inspect", s(&p.target), "--start", "8.0(4)"]);
    let t = out(&o);
    assert!(
        t.contains("Phones start on 8.0(4): needs any 8.5(2) load for 7941/7961 first"),
        "{t}"
    );
    // A start Lifeline cannot read says what it takes.
    let o = run(&["inspect", s(&p.target), s(&p.hop), "--start", "soon"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("8.0(4)"), "{}", err(&o));
    // …and nothing else: no report is printed before its error, and no file is
    // read (a path that does not exist is not what it is refused for).
    assert_eq!(out(&o), "");
    let missing = p.dir.path().join("missing.zip");
    let o = run(&["inspect", s(&p.target), s(&missing), "--start", "soon"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("--start `soon` is not a load"),
        "{}",
        err(&o)
    );
    assert!(!err(&o).contains("not found"), "{}", err(&o));
    let o = run(&[
        "inspect",
        s(&p.target),
        s(&p.hop),
        "--start",
        "soon",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["error"].as_str().unwrap().contains("--start `soon`"),
        "{v}"
    );
    // A target that is no load name, likewise; one that is not among the
    // packages is known only once they are read, and still printed alone.
    let o = run(&["inspect", s(&p.target), s(&missing), "--target", "newest"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("--target `newest` is not a load name"),
        "{}",
        err(&o)
    );
    assert_eq!(out(&o), "");
    let o = run(&[
        "inspect",
        s(&p.target),
        s(&p.hop),
        "--target",
        "SCCP41.8-3-3S",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("--target `SCCP41.8-3-3S` is not one of the loads given"),
        "{}",
        err(&o)
    );
    assert_eq!(out(&o), "");
    // `--start SIP 8.12(0)` unquoted: the protocol alone is refused before the
    // release is taken for a file.
    let o = run(&["inspect", s(&p.target), "--start", "SIP", "8.12(0)"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--start 'SIP 8.12(0)'"), "{}", err(&o));
    // A load of another family is no start for these phones, whatever its release.
    let o = run(&[
        "inspect",
        s(&p.target),
        s(&p.hop),
        "--start",
        "SCCP11.8-0-4S",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("--start `SCCP11.8-0-4S` is a load for the 7911"),
        "{}",
        err(&o)
    );
    // Judged after reading, since it needs the packages' family; still alone.
    assert_eq!(out(&o), "");
    // Two families make no plan.
    let other = p.dir.path().join("other.zip");
    std::fs::write(&other, zip_of(&load_files_42())).unwrap();
    let o = run(&["inspect", s(&p.target), s(&other)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("several phone families"), "{}", err(&o));
}

/// A 7942/7962 load: the testkit's 7941 files renamed.
fn load_files_42() -> Vec<(String, Vec<u8>)> {
    load_files("SCCP41.8-5-2S", 1000)
        .into_iter()
        .map(|(n, d)| (n.replace("41", "42").replace("term61", "term62"), d))
        .collect()
}

#[test]
fn bundle_writes_the_hops_and_refuses_a_start_it_cannot_walk() {
    let p = packages();
    let out_dir = p.dir.path().join("tftp");
    let o = run(&[
        "bundle",
        s(&p.hop),
        s(&p.target),
        "--tftp-server",
        "10.0.0.1",
        "--start",
        "8.0(4)",
        "--phone",
        MAC,
        "--out",
        s(&out_dir),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("Phones start on 8.0(4): 2 hops: 8.5(2) → 9.4(2)SR3."));
    for f in [
        "SCCP41.8-5-2S.loads",
        "SCCP41.8-5-2S.term61.default.loads",
        "apps41.8-5-2S.sbn",
        "SCCP41.9-4-2SR3-1S.loads",
        "term61.default.loads",
        "lifeline-plan.json",
    ] {
        assert!(out_dir.join(f).is_file(), "{f}");
    }
    let xml = std::fs::read_to_string(out_dir.join("XMLDefault.cnf.xml")).unwrap();
    assert!(xml.contains(TARGET), "{xml}");
    let plan: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("lifeline-plan.json")).unwrap())
            .unwrap();
    assert_eq!(plan["start"], "8.0(4)");

    let o = run(&[
        "bundle",
        s(&p.target),
        "--tftp-server",
        "10.0.0.1",
        "--start",
        "8.0(4)",
        "--out",
        s(&p.dir.path().join("no")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("phones on 8.0(4) cannot reach 9.4(2)SR3: needs any 8.5(2) load"),
        "{}",
        err(&o)
    );
    assert!(!p.dir.path().join("no").exists());
    // A start no package could make good is refused before any file is read.
    let o = run(&[
        "bundle",
        s(&p.target),
        s(&p.dir.path().join("missing.zip")),
        "--tftp-server",
        "10.0.0.1",
        "--start",
        "soon",
        "--out",
        s(&p.dir.path().join("no")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("--start `soon` is not a load"),
        "{}",
        err(&o)
    );
    assert!(!p.dir.path().join("no").exists());
}

fn fetch(server: std::net::SocketAddr, file: &str) -> Result<String, String> {
    TftpDownload::start(server, file)
        .finish()
        .map(|d| String::from_utf8_lossy(&d).into_owned())
}

fn offered(xml: &str) -> &str {
    let start = xml.find("<loadInformation>").map(|i| i + 17).unwrap_or(0);
    let end = xml[start..].find('<').map(|i| i + start).unwrap_or(start);
    &xml[start..end]
}

/// The bundle of both packages for phones starting at `start`, written to
/// `tftp/` for `serve --root`, and an empty data directory for the helper.
fn bundle_for_serve(p: &Packages, start: &str) -> (PathBuf, PathBuf) {
    let root = p.dir.path().join("tftp");
    let o = run(&[
        "bundle",
        s(&p.hop),
        s(&p.target),
        "--tftp-server",
        "127.0.0.1",
        "--start",
        start,
        "--phone",
        MAC,
        "--out",
        s(&root),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let data = p.dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    (root, data)
}

#[test]
fn the_helper_walks_a_phone_hop_by_hop_across_a_restart() {
    let p = packages();
    let (root, data) = bundle_for_serve(&p, "8.0(4)");
    let sep = format!("SEP{MAC}.cnf.xml");

    let server = Server::start_in(&data, &["--root", s(&root)]);
    let tftp = server.wait_for_tftp();
    // Boot 1 on 8.0(4): the hop.
    assert_eq!(offered(&fetch(tftp, &sep).unwrap()), HOP);
    // It takes it: the manifest, then it reboots (asks again) and runs it.
    fetch(tftp, &format!("{HOP}.loads")).unwrap();
    assert_eq!(offered(&fetch(tftp, &sep).unwrap()), HOP);
    server.wait_for_line(
        "Upgrade plan, SEP001122AABB01: 8.0(4) → 8.5(2) → 9.4(2)SR3: hop 1 of 2, fetching",
    );
    drop(server);

    // The helper restarts: the phone is not sent back.
    let server = Server::start_in(&data, &["--root", s(&root)]);
    let tftp = server.wait_for_tftp();
    let xml = fetch(tftp, &sep).unwrap();
    assert_eq!(offered(&xml), TARGET);
    // Every other byte of the file is the bundle's.
    let own = std::fs::read_to_string(root.join(&sep)).unwrap();
    assert_eq!(xml, own);
    fetch(tftp, &format!("{TARGET}.loads")).unwrap();
    assert_eq!(offered(&fetch(tftp, &sep).unwrap()), TARGET);
    assert_eq!(offered(&fetch(tftp, &sep).unwrap()), TARGET);
    server
        .wait_for_line("Upgrade plan, SEP001122AABB01: 8.0(4) → 8.5(2) → 9.4(2)SR3: on 9.4(2)SR3");
    // Wiped now, it gets the target's own recovery manifest: it was seen on it.
    let rec = TftpDownload::start(tftp, "term61.default.loads")
        .finish()
        .unwrap();
    assert_eq!(
        rec,
        std::fs::read(root.join("term61.default.loads")).unwrap()
    );
    // Another wiped phone starts where the bundle says (8.0(4)): the hop's.
    let other = std::net::Ipv4Addr::new(127, 0, 0, 2);
    let rec = TftpDownload::start_from(other, tftp, "term61.default.loads")
        .finish()
        .unwrap();
    assert_eq!(
        rec,
        std::fs::read(root.join("SCCP41.8-5-2S.term61.default.loads")).unwrap()
    );
}

#[test]
fn a_phone_said_to_run_the_target_is_told_it_is_there_and_served_the_bundle_as_it_is() {
    let p = packages();
    let (root, data) = bundle_for_serve(&p, "9.4(2)SR3");
    let sep = format!("SEP{MAC}.cnf.xml");
    let server = Server::start_in(&data, &["--root", s(&root)]);
    let tftp = server.wait_for_tftp();
    // The bundle's own configuration, naming the load it runs.
    let xml = fetch(tftp, &sep).unwrap();
    assert_eq!(xml, std::fs::read_to_string(root.join(&sep)).unwrap());
    server.wait_for_line(
        "Upgrade plan, SEP001122AABB01: 9.4(2)SR3: already on the target, as said: its configuration names that load",
    );
}

#[test]
fn one_package_with_no_hop_is_offered_to_every_phone_whose_start_is_unknown() {
    // A bundle with no hop behaves as before plans: with the start unknown (given
    // as `unknown` or not at all) it carries no plan, and the terminal says every
    // phone is offered the target. A known start rides in the plan, checked.
    let p = packages();
    let bundle = |dir: &str, start: Option<&str>| {
        let out_dir = p.dir.path().join(dir);
        let mut args = vec![
            "bundle",
            s(&p.target),
            "--tftp-server",
            "10.0.0.1",
            "--out",
            s(&out_dir),
        ];
        if let Some(start) = start {
            args.extend(["--start", start]);
        }
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
        (out(&o), out_dir.join("lifeline-plan.json"))
    };
    let (_, plain) = bundle("plain", None);
    assert!(!plain.exists());
    let (said, unknown) = bundle("unknown", Some("unknown"));
    assert!(!unknown.exists());
    assert!(
        said.contains(
            "Start unknown: with no hop in the bundle, every phone is offered 9.4(2)SR3 when it asks."
        ),
        "{said}"
    );
    assert!(!said.contains("offers a phone no load"), "{said}");
    let (said, known) = bundle("known", Some("8.3(3)"));
    assert!(
        said.contains("Phones start on 8.3(3): straight to 9.4(2)SR3."),
        "{said}"
    );
    let plan: serde_json::Value = serde_json::from_slice(&std::fs::read(known).unwrap()).unwrap();
    assert_eq!(plan["target"], TARGET, "{plan}");
    assert_eq!(plan["start"], "8.3(3)", "{plan}");
}

#[test]
fn serve_names_a_protocol_given_without_its_release() {
    // As `bundle` and `inspect` do: `--start SIP` alone (the release lost to an
    // unquoted space) is named as such before any file is read.
    let p = packages();
    let o = run(&[
        "serve",
        "--firmware",
        s(&p.target),
        "--start",
        "SIP",
        "--tftp-listen",
        "127.0.0.1:0",
        "--provision-listen",
        "off",
        "--http-listen",
        "127.0.0.1:0",
        "--tftp-server",
        "127.0.0.1",
        "--neighbours",
        "off",
        "--data-dir",
        s(p.dir.path()),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(
        err(&o).contains("--start SIP names a protocol without its release"),
        "{}",
        err(&o)
    );
}
