//! `lifeline simulate` on a wire: two network namespaces the test makes
//! (10.78.0.0/24 on a veth pair, nothing routed anywhere else), a server in
//! one, 50 simulated phones in the other, DHCP and TFTP between them.
//!
//! - Lifeline serving DHCP + TFTP from a bundle that `lifeline bundle` made
//!   of a synthetic seed zip: all 50 recover, in recovery and in boot mode.
//! - 50 phones that ask HTTP first (`--transport http`) get every file over
//!   HTTP from port 6970 of the option-150 address.
//! - The same with 5% of the datagrams dropped each way (nftables
//!   `numgen random`) on the phones' side: all 50 recover.
//! - dnsmasq configured with nothing but Lifeline's own dnsmasq snippet
//!   (`lifeline option150 IP --server dnsmasq`) and its TFTP serving the
//!   bundle: the phones recover and took option 150, which proves the
//!   snippet; being case-sensitive, dnsmasq also proves the bundle's `Jar…`
//!   alias, and without it the verdict names the file.
//!
//! Outside CI a machine that cannot make namespaces (or lacks a tool) skips
//! with a loud message; with CI=true that fails.

mod simulate_support;

use std::time::Duration;

use lifeline_shared::testkit::{self, case_mismatch_zip};
use lifeline_tests::netns::Pair;
use lifeline_tests::process::{self, Proc};
use simulate_support::{
    SERVER, bundle, lifeline_serve, mac_arg, macs, pair_or_skip, simulate, tempdir,
};

const PHONES: u32 = 50;
/// The first phone's MAC in each run (the rest count up).
const RECOVERY_MACS: [u8; 6] = [0x00, 0x1b, 0x54, 0x78, 0x00, 0x00];
const BOOT_MACS: [u8; 6] = [0x00, 0x1b, 0x54, 0x78, 0x01, 0x00];
const HTTP_MACS: [u8; 6] = [0x00, 0x1b, 0x54, 0x78, 0x02, 0x00];
/// Phones of the boot run that have their own SEP<MAC>.cnf.xml in the bundle.
const WITH_OWN_CONFIG: u32 = 5;
/// A guard for 50 phones on a clean wire (they take about 20 s in a debug build).
const CLEAN_GUARD: Duration = Duration::from_secs(8 * 60);
/// A guard for 50 phones through 5% loss (about two minutes).
const LOSSY_GUARD: Duration = Duration::from_secs(15 * 60);

fn simulate_phones(
    pair: &Pair,
    mode: &str,
    base: [u8; 6],
    time_limit: &str,
    guard: Duration,
) -> serde_json::Value {
    let out = simulate(
        Some(&pair.client),
        &[
            "--model",
            "7961",
            "--dhcp-interface",
            &pair.client_if,
            "--mode",
            mode,
            "--mac",
            &mac_arg(base),
            "--phones",
            &PHONES.to_string(),
            "--time-limit",
            time_limit,
            "--json",
        ],
        guard,
    );
    let v = out.json();
    assert_eq!(
        out.code(),
        Some(0),
        "{mode}: not every phone would recover:\n{}\n{}",
        serde_json::to_string_pretty(&v["summary"]).unwrap(),
        v["phones"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["verdict"]["status"] != "would-recover")
            .map(|p| format!("{}: {}", p["phone"], p["verdict"]["message"]))
            .collect::<Vec<_>>()
            .join("\n")
    );
    v
}

/// What every run must show: 50 distinct phones, each with its own lease,
/// the TFTP server from option 150, the images in manifest order.
fn check_run(v: &serde_json::Value, mode: &str, base: [u8; 6]) {
    assert_eq!(v["summary"]["would_recover"], PHONES, "{mode}");
    let phones = v["phones"].as_array().unwrap();
    let expected_macs = macs(base, PHONES);
    let mut leases = std::collections::BTreeSet::new();
    for (p, mac) in phones.iter().zip(&expected_macs) {
        assert_eq!(p["mac"], mac.as_str());
        assert_eq!(p["verdict"]["status"], "would-recover", "{p}");
        assert_eq!(p["tftp_server"]["source"], "option-150", "{p}");
        assert_eq!(p["tftp_server"]["address"], format!("{SERVER}:69"));
        assert_eq!(p["dhcp"]["server"], SERVER);
        leases.insert(p["dhcp"]["address"].as_str().unwrap().to_owned());
        let names: Vec<&str> = p["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["name"].as_str().unwrap().ends_with(".sbn"))
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            testkit::SEED_IMAGE_NAMES,
            "{mode}: the images, in the manifest's order"
        );
    }
    assert_eq!(
        leases.len(),
        PHONES as usize,
        "{mode}: one address per phone"
    );
}

/// Boot mode: the phones with their own configuration used it, the others
/// fell back to XMLDefault.cnf.xml.
fn check_boot_configs(v: &serde_json::Value) {
    for (i, p) in v["phones"].as_array().unwrap().iter().enumerate() {
        let got = |name: &str| {
            p["files"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["name"] == name && f["outcome"] == "received")
        };
        let own = format!("{}.cnf.xml", p["phone"].as_str().unwrap());
        if (i as u32) < WITH_OWN_CONFIG {
            assert!(got(&own) && !got("XMLDefault.cnf.xml"), "{p}");
        } else {
            assert!(!got(&own) && got("XMLDefault.cnf.xml"), "{p}");
        }
        assert_eq!(p["verdict"]["load"], testkit::SEED_LOAD);
    }
}

/// The server namespace with Lifeline serving the seed bundle; the bundle
/// gives the first few boot-mode phones their own configuration.
fn lifeline_on_the_wire(pair: &Pair, dir: &std::path::Path) -> Proc {
    let own: Vec<String> = macs(BOOT_MACS, WITH_OWN_CONFIG);
    let root = bundle(dir, "seed.zip", &testkit::seed_zip(), SERVER, &own);
    lifeline_serve(pair, &root, &dir.join("data"), "10.78.0.20-10.78.0.199")
}

#[test]
fn fifty_phones_recover_from_lifeline_dhcp_and_tftp_in_recovery_and_boot_modes() {
    let Some(pair) = pair_or_skip(&["ip"]) else {
        return;
    };
    let dir = tempdir();
    let mut server = lifeline_on_the_wire(&pair, dir.path());

    let v = simulate_phones(&pair, "recovery", RECOVERY_MACS, "5m", CLEAN_GUARD);
    check_run(&v, "recovery", RECOVERY_MACS);
    for p in v["phones"].as_array().unwrap() {
        assert_eq!(p["files"][0]["name"], "term61.default.loads");
        assert_eq!(p["files"].as_array().unwrap().len(), 6);
    }

    let v = simulate_phones(&pair, "boot", BOOT_MACS, "5m", CLEAN_GUARD);
    check_run(&v, "boot", BOOT_MACS);
    check_boot_configs(&v);

    // Lifeline saw the phones as 7961s (option 60) and their leases come back.
    server.wait_for("(7961) has 10.78.0.");
    server.wait_for("(7961) released 10.78.0.");
}

#[test]
fn fifty_http_first_phones_fetch_over_6970_of_the_option_150_address() {
    let Some(pair) = pair_or_skip(&["ip"]) else {
        return;
    };
    let dir = tempdir();
    let mut server = lifeline_on_the_wire(&pair, dir.path());
    let base = HTTP_MACS;
    let out = simulate(
        Some(&pair.client),
        &[
            "--model",
            "7961",
            "--dhcp-interface",
            &pair.client_if,
            "--mac",
            &mac_arg(base),
            "--phones",
            &PHONES.to_string(),
            "--transport",
            "http",
            "--time-limit",
            "5m",
            "--json",
        ],
        CLEAN_GUARD,
    );
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
    let v = out.json();
    check_run(&v, "recovery over HTTP", base);
    for p in v["phones"].as_array().unwrap() {
        for f in p["files"].as_array().unwrap() {
            assert_eq!(f["transport"], "http", "{p}");
        }
    }
    // Lifeline's default listener, 0.0.0.0:6970, served them.
    server.wait_for("HTTP #");
}

#[test]
fn fifty_phones_recover_through_five_percent_loss() {
    let Some(pair) = pair_or_skip(&["ip", "nft"]) else {
        return;
    };
    let dir = tempdir();
    let _server = lifeline_on_the_wire(&pair, dir.path());
    pair.lose(5).unwrap();

    // Both modes at once: the time goes into waiting out losses, not CPU.
    let (recovery, boot) = std::thread::scope(|s| {
        let r = s.spawn(|| simulate_phones(&pair, "recovery", RECOVERY_MACS, "12m", LOSSY_GUARD));
        let b = s.spawn(|| simulate_phones(&pair, "boot", BOOT_MACS, "12m", LOSSY_GUARD));
        (r.join().unwrap(), b.join().unwrap())
    });
    check_run(&recovery, "recovery", RECOVERY_MACS);
    check_run(&boot, "boot", BOOT_MACS);
    check_boot_configs(&boot);

    let dropped = pair.dropped();
    let resent: u64 = [&recovery, &boot]
        .iter()
        .flat_map(|v| v["phones"].as_array().unwrap())
        .flat_map(|p| p["files"].as_array().unwrap())
        .map(|f| f["retransmissions"].as_u64().unwrap())
        .sum();
    // About 2 × 50 × 12,400 blocks went by each way; 5% of them is thousands.
    assert!(
        dropped > 1000,
        "the loss rules dropped only {dropped} datagrams"
    );
    assert!(resent > 0, "no phone had to send anything again");
}

#[test]
fn dnsmasq_configured_from_lifelines_snippet_serves_the_simulator() {
    let Some(pair) = pair_or_skip(&["ip", "dnsmasq"]) else {
        return;
    };
    let dir = tempdir();
    let root = bundle(dir.path(), "jar.zip", &case_mismatch_zip(), SERVER, &[]);

    // The snippet, exactly as Lifeline prints it for dnsmasq.
    let out = process::run(
        lifeline_tests::lifeline_bin().to_str().unwrap(),
        &["option150", SERVER, "--server", "dnsmasq", "--json"],
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let snippet = json["snippets"][0]["text"].as_str().unwrap().to_owned();
    assert!(snippet.contains("150"), "{snippet}");
    let conf = dir.path().join("dnsmasq.conf");
    std::fs::write(&conf, &snippet).unwrap();

    let mut c = pair.server_command("dnsmasq");
    c.args([
        "--no-daemon",
        "--port=0",
        "--bind-interfaces",
        "--leasefile-ro",
        "--log-facility=-",
        "--dhcp-range=10.78.0.100,10.78.0.199,255.255.255.0,1h",
        "--enable-tftp",
        // The test's files are root's, in a private folder.
        "--user=root",
    ])
    .arg(format!("--conf-file={}", conf.display()))
    .arg(format!("--interface={}", pair.server_if))
    .arg(format!("--tftp-root={}", root.display()))
    .arg(format!(
        "--pid-file={}",
        dir.path().join("dnsmasq.pid").display()
    ));
    let mut dnsmasq = Proc::spawn("dnsmasq", c);
    dnsmasq.wait_for("TFTP root is");

    let guard = Duration::from_secs(5 * 60);
    let out = simulate(
        Some(&pair.client),
        &[
            "--model",
            "7961",
            "--dhcp-interface",
            &pair.client_if,
            "--phones",
            "3",
            "--json",
        ],
        guard,
    );
    let v = out.json();
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, dnsmasq.drain());
    for p in v["phones"].as_array().unwrap() {
        assert_eq!(p["tftp_server"]["source"], "option-150", "{p}");
        assert_eq!(p["dhcp"]["option_150"], "0a4e0001", "{p}");
        assert_eq!(
            p["dhcp"]["option_66"], SERVER,
            "option 66 is the address as text (the snippet quotes it)"
        );
        assert_eq!(p["files"][1]["name"], "Jar41sccp.8-3-2-27.sbn");
        assert_eq!(p["files"][1]["outcome"], "received");
    }

    // dnsmasq is case-sensitive: without the bundle's alias the phone is stuck,
    // and the verdict names the file.
    std::fs::remove_file(root.join("Jar41sccp.8-3-2-27.sbn")).unwrap();
    let out = simulate(
        Some(&pair.client),
        &[
            "--model",
            "7961",
            "--dhcp-interface",
            &pair.client_if,
            "--json",
        ],
        guard,
    );
    assert_eq!(out.code(), Some(1), "{}", out.stdout);
    let verdict = &out.json()["phones"][0]["verdict"];
    assert_eq!(verdict["file"], "Jar41sccp.8-3-2-27.sbn");
    assert_eq!(verdict["code"], "not-found");
    assert!(
        verdict["message"]
            .as_str()
            .unwrap()
            .contains("image 1 of 5 listed by term61.default.loads"),
        "{verdict}"
    );
}
