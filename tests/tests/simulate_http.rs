//! `lifeline simulate --transport http` (a phone that asks HTTP first, as
//! 78xx/88xx do) against `lifeline serve` on loopback: with HTTP provisioning
//! on, every file comes over HTTP; with it off, the phone falls back to TFTP.
//! The namespace test in simulate_netns.rs does the same through DHCP's
//! option 150 and the real port 6970. A simulated 8841 asks HTTP first without
//! being told, as its family does.

mod simulate_support;

use std::time::Duration;

use lifeline_shared::models::FamilyId;
use lifeline_shared::testkit::{self, families};
use simulate_support::{bundle, serve, simulate, tempdir};

/// Guard for one simulated phone over loopback (it takes about a second).
const GUARD: Duration = Duration::from_secs(180);

fn transports(phone: &serde_json::Value) -> Vec<String> {
    phone["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["transport"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn an_http_first_phone_gets_every_file_over_http() {
    let dir = tempdir();
    let root = bundle(
        dir.path(),
        "seed.zip",
        &testkit::seed_zip(),
        "127.0.0.1",
        &[],
    );
    let (server, tftp) = serve(&root, &[]);
    let http = server.wait_for_provision();
    let port = http.port().to_string();

    for mode in ["recovery", "boot"] {
        let out = simulate(
            None,
            &[
                "--model",
                "7961",
                "--server",
                &tftp,
                "--mode",
                mode,
                "--transport",
                "http",
                "--http-port",
                &port,
                "--json",
            ],
            GUARD,
        );
        assert_eq!(
            out.code(),
            Some(0),
            "{mode}: {}\n{}",
            out.stdout,
            out.stderr
        );
        let v = out.json();
        let phone = &v["phones"][0];
        assert!(
            transports(phone).iter().all(|t| t == "http"),
            "{mode}: {phone}"
        );
        assert!(
            !phone["notes"].to_string().contains("asked TFTP"),
            "{mode}: no fallback: {phone}"
        );
    }
    // The helper saw them as HTTP downloads.
    server.wait_for_line("HTTP #");

    let out = simulate(
        None,
        &[
            "--model",
            "7961",
            "--server",
            &tftp,
            "--transport",
            "http",
            "--http-port",
            &port,
        ],
        GUARD,
    );
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(&format!("HTTP first on port {port}")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(", over HTTP)"), "{}", out.stdout);
}

#[test]
fn with_http_provisioning_off_the_phone_falls_back_to_tftp() {
    let dir = tempdir();
    let root = bundle(
        dir.path(),
        "seed.zip",
        &testkit::seed_zip(),
        "127.0.0.1",
        &[],
    );
    // A port free a moment ago; with HTTP off nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let (_server, tftp) = serve(&root, &["--provision-listen", "off"]);
    let out = simulate(
        None,
        &[
            "--model",
            "7961",
            "--server",
            &tftp,
            "--transport",
            "http",
            "--http-port",
            &port,
            "--json",
        ],
        GUARD,
    );
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
    let v = out.json();
    let phone = &v["phones"][0];
    assert!(transports(phone).iter().all(|t| t == "tftp"), "{phone}");
    assert_eq!(transports(phone).len(), 6, "{phone}");
    assert!(
        phone["notes"].to_string().contains("connection refused"),
        "{phone}"
    );
}

/// An 8841, simulated without `--transport`, asks HTTP first as the family
/// does: every file over HTTP while the helper's provisioning listener is on;
/// with it off, the same phone falls back to TFTP for every file.
#[test]
fn a_simulated_8841_asks_http_first_then_tftp_when_the_port_is_closed() {
    let fw = families::family_firmware(FamilyId::F88xx);
    let dir = tempdir();
    let root = bundle(dir.path(), "8841.zip", &fw.zip(), "127.0.0.1", &[]);
    let boot = |tftp: &str, port: &str| {
        simulate(
            None,
            &[
                "--model",
                "8841",
                "--server",
                tftp,
                "--mode",
                "boot",
                "--http-port",
                port,
                "--json",
            ],
            GUARD,
        )
    };

    let (on, tftp) = serve(&root, &[]);
    let port = on.wait_for_provision().port().to_string();
    let out = boot(&tftp, &port);
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
    let v = out.json();
    let phone = &v["phones"][0];
    assert_eq!(phone["verdict"]["load"], fw.load.as_str(), "{phone}");
    let over = transports(phone);
    assert_eq!(over.len(), 4 + 2 + fw.images.len(), "{phone}");
    assert!(over.iter().all(|t| t == "http"), "{phone}");
    drop(on);

    let (_off, tftp) = serve(&root, &["--provision-listen", "off"]);
    // The port the listener had is closed now.
    let out = boot(&tftp, &port);
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
    let v = out.json();
    let phone = &v["phones"][0];
    let over = transports(phone);
    assert_eq!(over.len(), 4 + 2 + fw.images.len(), "{phone}");
    assert!(over.iter().all(|t| t == "tftp"), "{phone}");
    assert!(
        phone["notes"].to_string().contains("connection refused"),
        "{phone}"
    );
}
