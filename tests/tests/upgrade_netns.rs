//! The upgrade plan on a wire: two namespaces the test makes (10.78.0.0/24 on a
//! veth pair, nothing routed anywhere else), `lifeline serve` in one, simulated
//! 7961s in the other, each from an address of its own (as on a LAN: the helper
//! tells phones apart by address until a file name gives their MAC), 5% of the
//! datagrams dropped each way.
//!
//! - 20 phones from three starting loads (8.0(4), 8.3(3), 8.5(2)) are walked
//!   through the plan of two packages (8.5(2) and 9.4(2)SR3) to the target, and the
//!   helper is restarted half-way: every phone ends "now on 9.4(2)SR3", none is
//!   sent back, none skips the hop.
//! - A bundle whose plan lacks the hop (only the target, the person having said
//!   the phones start on 8.3(3)) meets a phone really on 8.0(4): it refuses the
//!   target, the helper holds it and says why, and the phone stays on its load.
//!
//! Outside CI a machine that cannot make namespaces skips with a loud message; with
//! CI=true that fails.

mod simulate_support;

use std::path::Path;
use std::time::Duration;

use lifeline_shared::testkit::{load_files, zip_of};
use lifeline_tests::lifeline_bin;
use lifeline_tests::netns::Pair;
use lifeline_tests::process::Proc;
use simulate_support::{SERVER, lifeline_bundle, mac_arg, pair_or_skip, simulate, tempdir};

const HOP: &str = "SCCP41.8-5-2S";
const TARGET: &str = "SCCP41.9-4-2SR3-1S";
/// A guard against a hung run; phones end long before.
const GUARD: Duration = Duration::from_secs(15 * 60);

/// The loads the phones start on, in turn (`--running A,B,C`), and the loads a phone
/// starting on each must have run.
const STARTS: [(&str, &[&str]); 3] = [
    ("SCCP41.8-0-4S", &["8.0(4)", "8.5(2)", "9.4(2)SR3"]),
    ("SCCP41.8-3-3S", &["8.3(3)", "8.5(2)", "9.4(2)SR3"]),
    ("SCCP41.8-5-2S", &["8.5(2)", "9.4(2)SR3"]),
];
const PHONES: u32 = 20;

fn package(dir: &Path, load: &str) -> String {
    let path = dir.join(format!("{load}.zip"));
    std::fs::write(&path, zip_of(&load_files(load, 12_000))).unwrap();
    path.display().to_string()
}

fn bundle(dir: &Path, name: &str, packages: &[String], start: &str) -> std::path::PathBuf {
    let out = dir.join(name);
    let mut args = packages.to_vec();
    args.extend(["--tftp-server", SERVER, "--start", start].map(String::from));
    lifeline_bundle(&args, &out);
    out
}

/// `lifeline serve` in the server namespace: TFTP from `root` on port 69.
fn serve(pair: &Pair, root: &Path, data: &Path) -> Proc {
    let mut c = pair.server_command(lifeline_bin().to_str().unwrap());
    c.args(["serve", "--http-listen", "127.0.0.1:0", "--root"])
        .arg(root)
        .args(["--tftp-listen", &format!("{SERVER}:69")])
        .args(["--provision-listen", "off", "--neighbours", "off"])
        .arg("--data-dir")
        .arg(data)
        .env("NO_COLOR", "1");
    let mut p = Proc::spawn("lifeline serve", c);
    p.wait_for("TFTP listening on");
    p
}

/// The phones' addresses: one each, on the phones' side.
const SOURCES: &str = "10.78.0.20-10.78.0.39";

fn phones(client: &str, running: &str, n: u32, base: [u8; 6]) -> serde_json::Value {
    let server = format!("{SERVER}:69");
    let out = simulate(
        Some(client),
        &[
            "--model",
            "7961",
            "--server",
            &server,
            "--source",
            SOURCES,
            "--mode",
            "boot",
            "--running",
            running,
            "--mac",
            &mac_arg(base),
            "--phones",
            &n.to_string(),
            "--time-limit",
            "12m",
            "--json",
        ],
        GUARD,
    );
    let v = out.json();
    assert!(out.code().is_some(), "{}", out.stderr);
    v
}

#[test]
fn twenty_phones_from_three_starts_walk_the_plan_through_loss_and_a_restart() {
    let Some(pair) = pair_or_skip(&["ip", "nft"]) else {
        return;
    };
    let dir = tempdir();
    let packages = [package(dir.path(), HOP), package(dir.path(), TARGET)];
    let root = bundle(dir.path(), "plan", &packages, "8.0(4)");
    let data = dir.path().join("data");
    for d in 20..40 {
        pair.add_client_address(&format!("10.78.0.{d}")).unwrap();
    }
    let mut helper = serve(&pair, &root, &data);
    pair.lose(5).unwrap();

    let running: Vec<&str> = STARTS.iter().map(|(l, _)| *l).collect();
    let running = running.join(",");
    let client = pair.client.clone();
    let run = std::thread::spawn(move || {
        phones(
            &client,
            &running,
            PHONES,
            [0x00, 0x1b, 0x54, 0x19, 0x00, 0x00],
        )
    });

    // Half-way: once half the phones are past the hop (moved on to the target),
    // the helper restarts, the other half still on their way.
    let mut past = std::collections::BTreeSet::new();
    while past.len() < PHONES as usize / 2 {
        let line = helper.wait_for("hop 2 of 2, offered");
        past.insert(phone_of(&line));
    }
    helper.terminate();
    let before = helper.drain();
    let mut helper = serve(&pair, &root, &data);

    let v = run.join().unwrap();
    let list = v["phones"].as_array().unwrap();
    assert_eq!(list.len(), PHONES as usize);
    for p in list {
        let verdict = &p["verdict"];
        assert_eq!(
            verdict["status"],
            "now-on",
            "{}",
            serde_json::to_string_pretty(p).unwrap()
        );
        assert_eq!(verdict["now_on_load"], TARGET);
        let first = p["ran"][0].as_str().unwrap();
        let (_, ran) = STARTS
            .iter()
            .find(|(_, ran)| ran[0] == first)
            .unwrap_or_else(|| panic!("started on {first}?"));
        assert_eq!(
            p["ran"],
            serde_json::json!(ran),
            "{}",
            serde_json::to_string_pretty(p).unwrap()
        );
    }
    assert!(pair.dropped() > 0, "the loss rules dropped nothing");
    // The helpers saw every phone on the target too, most of them after the
    // restart, which did not send any back to the hop.
    helper.terminate();
    let after = helper.drain();
    let on = |out: &str| -> std::collections::BTreeSet<String> {
        out.lines()
            .filter(|l| l.starts_with("Upgrade plan, ") && l.ends_with(": on 9.4(2)SR3"))
            .map(phone_of)
            .collect()
    };
    let (on_before, on_after) = (on(&before), on(&after));
    assert_eq!(
        on_before.union(&on_after).count(),
        PHONES as usize,
        "{after}"
    );
    assert!(on_after.len() > on_before.len(), "{after}");
    assert!(
        !after.contains("hop 1 of 2, offered")
            || !past.iter().any(|p| after.contains(&format!(
                "Upgrade plan, {p}: 8.0(4) → 8.5(2) → 9.4(2)SR3: hop 1 of 2"
            ))),
        "a phone past the hop was sent back after the restart:\n{after}"
    );
}

/// The phone an `Upgrade plan, <phone>: …` line is about.
fn phone_of(line: &str) -> String {
    line.split("Upgrade plan, ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_phone_whose_hop_is_missing_is_held_and_told_not_bricked() {
    let Some(pair) = pair_or_skip(&["ip"]) else {
        return;
    };
    let dir = tempdir();
    // The person said 8.3(3); the bundle has only the target.
    let root = bundle(
        dir.path(),
        "target",
        &[package(dir.path(), TARGET)],
        "8.3(3)",
    );
    let data = dir.path().join("data");
    pair.add_client_address("10.78.0.20").unwrap();
    let mut helper = serve(&pair, &root, &data);
    let v = phones(
        &pair.client,
        "SCCP41.8-0-4S",
        1,
        [0x00, 0x1b, 0x54, 0x19, 0x09, 0x00],
    );
    let p = &v["phones"][0];
    let verdict = &p["verdict"];
    assert_eq!(verdict["status"], "refused", "{verdict}");
    assert_eq!(verdict["end"], "settled", "{verdict}");
    assert_eq!(p["now_on"], "8.0(4)");
    assert_eq!(p["ran"], serde_json::json!(["8.0(4)"]));
    helper.wait_for("held. It fetched 9.4(2)SR3");
    helper.terminate();
}
