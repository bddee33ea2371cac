//! `lifeline simulate --running` against `lifeline serve --root` on loopback: a static
//! folder holding one load and an `XMLDefault.cnf.xml` naming it, so every boot is
//! offered that load. A phone the rules let take it ends "now on" it; a phone that
//! needs a hop first refuses it at every boot ("Load Authentication Failed") until
//! its boot bound; an unreadable `--running` is refused before anything runs.

mod simulate_support;

use std::time::Duration;

use lifeline_shared::config::cnf_xml::{self, DefaultSettings, ModelLoad};
use lifeline_shared::models::Protocol;
use lifeline_shared::testkit;
use simulate_support::{simulate, tempdir};

/// Guard for one simulated phone over loopback (16 boots take a few seconds).
const GUARD: Duration = Duration::from_secs(180);
const TARGET: &str = "SCCP41.9-4-2SR3-1S";

/// A folder with the target's files and an `XMLDefault.cnf.xml` naming it for the 7961.
fn root(dir: &std::path::Path) -> std::path::PathBuf {
    let root = dir.join("root");
    std::fs::create_dir_all(&root).unwrap();
    for (name, data) in testkit::load_files(TARGET, 20_000) {
        std::fs::write(root.join(name), data).unwrap();
    }
    let xml = cnf_xml::xml_default(&DefaultSettings {
        load: TARGET.into(),
        protocol: Protocol::Sccp,
        models: vec![ModelLoad {
            device_id: 30018,
            product: "IP Phone 7961".into(),
        }],
        call_managers: vec!["127.0.0.1".into()],
    })
    .unwrap();
    std::fs::write(root.join("XMLDefault.cnf.xml"), xml).unwrap();
    root
}

#[test]
fn a_phone_on_8_5_2_takes_the_target_and_one_on_8_0_4_refuses_it_in_a_loop() {
    let dir = tempdir();
    let (_server, addr) = simulate_support::serve(&root(dir.path()), &[]);
    let base = [
        "--model",
        "7961",
        "--server",
        &addr,
        "--mode",
        "boot",
        "--running",
    ];

    let mut args = base.to_vec();
    args.push("SCCP41.8-5-2S");
    let out = simulate(None, &args, GUARD);
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(&format!(
            "Verdict: the phone is now on 9.4(2)SR3 ({TARGET}): ran 8.5(2) → 9.4(2)SR3 in 2 boots"
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("  ran: 8.5(2) → 9.4(2)SR3\n"),
        "{}",
        out.stdout
    );
    args.push("--json");
    let out = simulate(None, &args, GUARD);
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
    let phone = &out.json()["phones"][0];
    assert_eq!(phone["ran"], serde_json::json!(["8.5(2)", "9.4(2)SR3"]));
    assert_eq!(phone["now_on"], "9.4(2)SR3");
    assert_eq!(phone["verdict"]["status"], "now-on");
    assert_eq!(phone["verdict"]["now_on_load"], TARGET);

    let mut args = base.to_vec();
    args.extend(["SCCP41.8-0-4S", "--json"]);
    let out = simulate(None, &args, GUARD);
    assert_eq!(out.code(), Some(1), "{}\n{}", out.stdout, out.stderr);
    let phone = &out.json()["phones"][0];
    let verdict = &phone["verdict"];
    assert_eq!(verdict["status"], "refused", "{verdict}");
    assert_eq!(verdict["end"], "bound");
    assert_eq!(verdict["boots"], 16);
    assert_eq!(verdict["refused"]["load"], TARGET);
    assert_eq!(phone["now_on"], "8.0(4)");
    let message = verdict["message"].as_str().unwrap();
    assert!(
        message
            .contains("(Load Authentication Failed: it needs any 8.5(2) load for 7941/7961 first)"),
        "{message}"
    );
    // It fetched the load at every boot, and never ran it.
    let manifests = phone["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"] == format!("{TARGET}.loads"))
        .count();
    assert_eq!(manifests, 16);
}

#[test]
fn an_unreadable_running_load_or_one_of_another_family_is_refused_with_exit_2() {
    let out = simulate(
        None,
        &[
            "--model",
            "7961",
            "--server",
            "127.0.0.1:9",
            "--running",
            "garbage",
        ],
        GUARD,
    );
    assert_eq!(out.code(), Some(2), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("--running `garbage` is neither a load name nor a release"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("SCCP41.8-0-4S"), "{}", out.stderr);
    assert!(out.stderr.contains("8.0(4)"), "{}", out.stderr);

    let out = simulate(
        None,
        &[
            "--model",
            "7960",
            "--server",
            "127.0.0.1:9",
            "--running",
            "SCCP41.8-0-4S",
        ],
        GUARD,
    );
    assert_eq!(out.code(), Some(2), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("--running SCCP41.8-0-4S is a load for the")
            && out.stderr.contains("--model 7960 is a"),
        "{}",
        out.stderr
    );
}
