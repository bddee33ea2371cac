//! `lifeline simulate --server` against `lifeline serve --root BUNDLE` on
//! loopback: the verdicts a person reads (a bundle that recovers, a missing
//! image, a manifest that says `Jar…` while the image is `jar…`) and the
//! "could not run" exits. No namespace and no root needed.

mod simulate_support;

use std::time::Duration;

use lifeline_shared::testkit::{self, case_mismatch_zip};
use simulate_support::{bundle, simulate, tempdir};

/// Guard for one simulated phone over loopback (it takes about a second).
const GUARD: Duration = Duration::from_secs(180);

#[test]
fn a_lifeline_bundle_recovers_a_7961_in_both_modes_plain_and_with_options() {
    let dir = tempdir();
    let root = bundle(
        dir.path(),
        "seed.zip",
        &testkit::seed_zip(),
        "127.0.0.1",
        &[],
    );
    let (_server, addr) = simulate_support::serve(&root, &[]);

    let out = simulate(None, &["--model", "7961", "--server", &addr], GUARD);
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(
            "Verdict: the phone would recover: it got term61.default.loads and its 5 images"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("plain TFTP"), "{}", out.stdout);

    let out = simulate(
        None,
        &[
            "--model", "7961", "--server", &addr, "--mode", "boot", "--json",
        ],
        GUARD,
    );
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
    let v = out.json();
    let phone = &v["phones"][0];
    assert_eq!(phone["verdict"]["load"], testkit::SEED_LOAD);
    let asked: Vec<&str> = phone["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(asked[2], "ITLFile.tlv");
    assert_eq!(asked[4], "XMLDefault.cnf.xml");
    assert_eq!(asked[5], "SCCP41.8-3-3S.loads");
    assert!(
        phone["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["outcome"] == "not-found" || f["blksize"] == 512),
        "plain 512-byte blocks: {phone}"
    );

    // With options (for testing servers), Lifeline grants the block size.
    let out = simulate(
        None,
        &[
            "--model",
            "7961",
            "--server",
            &addr,
            "--tftp-options",
            "--json",
        ],
        GUARD,
    );
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
    let v = out.json();
    assert_eq!(v["tftp_options"], true);
    assert_eq!(v["phones"][0]["files"][1]["blksize"], 1428);
}

#[test]
fn a_missing_image_is_named_in_the_verdict() {
    let dir = tempdir();
    let root = bundle(
        dir.path(),
        "seed.zip",
        &testkit::seed_zip(),
        "127.0.0.1",
        &[],
    );
    std::fs::remove_file(root.join("dsp41.8-3-2-27.sbn")).unwrap();
    let (_server, addr) = simulate_support::serve(&root, &[]);

    let out = simulate(None, &["--model", "7961", "--server", &addr], GUARD);
    assert_eq!(out.code(), Some(1), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(&format!(
            "Verdict: the phone would be stuck: dsp41.8-3-2-27.sbn not found on the TFTP server \
             {addr} (image 4 of 5 listed by term61.default.loads). Serve the complete \
             firmware whose manifest lists `dsp41.8-3-2-27.sbn`"
        )),
        "{}",
        out.stdout
    );

    let out = simulate(
        None,
        &[
            "--model", "7961", "--server", &addr, "--json", "--phones", "3",
        ],
        GUARD,
    );
    assert_eq!(out.code(), Some(1));
    let v = out.json();
    assert_eq!(v["summary"]["would_be_stuck"], 3);
    for phone in v["phones"].as_array().unwrap() {
        let verdict = &phone["verdict"];
        assert_eq!(verdict["status"], "would-be-stuck");
        assert_eq!(verdict["code"], "not-found");
        assert_eq!(verdict["file"], "dsp41.8-3-2-27.sbn");
        assert_eq!(verdict["step"]["kind"], "image");
        assert_eq!(verdict["step"]["index"], 4);
        let files = phone["files"].as_array().unwrap();
        assert_eq!(
            files.len(),
            5,
            "nothing is asked for after the missing image"
        );
    }
}

#[test]
fn a_manifest_saying_jar_with_a_capital_recovers_through_the_bundles_alias() {
    let dir = tempdir();
    let root = bundle(
        dir.path(),
        "jar.zip",
        &case_mismatch_zip(),
        "127.0.0.1",
        &[],
    );
    assert!(
        root.join("Jar41sccp.8-3-2-27.sbn").is_file(),
        "the bundle holds the alias"
    );
    let (_server, addr) = simulate_support::serve(&root, &[]);

    let out = simulate(
        None,
        &["--model", "7961", "--server", &addr, "--json"],
        GUARD,
    );
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
    let v = out.json();
    let jar = &v["phones"][0]["files"][1];
    assert_eq!(
        jar["name"], "Jar41sccp.8-3-2-27.sbn",
        "asked as the manifest spells it"
    );
    assert_eq!(jar["outcome"], "received");
    assert_eq!(jar["signed_as"], "jar41sccp.8-3-2-27.sbn");
    let notes = v["phones"][0]["notes"].to_string();
    assert!(notes.contains("differ only in case"), "{notes}");
}

#[test]
fn what_cannot_be_simulated_exits_2_and_says_why() {
    let guard = Duration::from_secs(60);
    let out = simulate(None, &["--model", "9999", "--server", "127.0.0.1"], guard);
    assert_eq!(out.code(), Some(2));
    assert!(
        out.stderr.contains("`9999` is not a model Lifeline knows"),
        "{}",
        out.stderr
    );

    let out = simulate(
        None,
        &[
            "--model",
            "7961",
            "--dhcp-interface",
            "lifeline-none0",
            "--json",
        ],
        guard,
    );
    assert_eq!(out.code(), Some(2));
    let v = out.json();
    assert!(
        v["could_not_run"]
            .as_str()
            .unwrap()
            .contains("there is no interface named lifeline-none0"),
        "{v}"
    );

    // Neither DHCP nor a server: clap refuses (its own exit status, 2).
    let out = simulate(None, &["--model", "7961"], guard);
    assert_eq!(out.code(), Some(2));
}

/// A synthetic `cmterm-7942_7962` firmware: the seed's images under 7942
/// names, its load manifest and term42/term62.
fn firmware_7942() -> Vec<u8> {
    let images: Vec<String> = testkit::SEED_IMAGE_NAMES
        .iter()
        .map(|n| n.replace("41", "42"))
        .collect();
    let refs: Vec<&str> = images.iter().map(String::as_str).collect();
    let body = testkit::manifest_body("8-3-2-27", None, &refs);
    let mut files: Vec<(String, Vec<u8>)> = images
        .iter()
        .map(|n| (n.clone(), testkit::image(n, 4096)))
        .collect();
    for m in [
        "SCCP42.8-3-3S.loads",
        "term42.default.loads",
        "term62.default.loads",
    ] {
        files.push((m.to_string(), testkit::signed_file(m, &body)));
    }
    testkit::zip_of(&files)
}

#[test]
fn a_7961_against_a_7942_bundle_is_told_the_firmware_is_not_for_its_model() {
    let dir = tempdir();
    let root = bundle(dir.path(), "7942.zip", &firmware_7942(), "127.0.0.1", &[]);
    let (_server, addr) = simulate_support::serve(&root, &[]);

    let out = simulate(None, &["--model", "7961", "--server", &addr], GUARD);
    assert_eq!(out.code(), Some(1), "{}\n{}", out.stdout, out.stderr);
    let verdict = format!(
        "Verdict: the phone would be stuck: term61.default.loads not found on the TFTP server \
         {addr} (the recovery manifest): `term61.default.loads` is the recovery manifest of the \
         7961: this phone is not a model this firmware is for. Serve the firmware for the \
         7941/7961 (cmterm-7941_7961…) instead"
    );
    assert!(out.stdout.contains(&verdict), "{}", out.stdout);
    assert!(!out.stdout.contains("unpack"), "{}", out.stdout);

    // The same diagnosis, as the web card reads it, in the JSON.
    let out = simulate(
        None,
        &["--model", "7961", "--server", &addr, "--json"],
        GUARD,
    );
    let v = out.json();
    let verdict = &v["phones"][0]["verdict"];
    assert_eq!(verdict["diagnosis"]["kind"], "not-found");
    assert_eq!(verdict["diagnosis"]["file"], "term61.default.loads");
    assert!(
        verdict["fix"]
            .as_str()
            .unwrap()
            .starts_with("Serve the firmware for the 7941/7961"),
        "{verdict}"
    );

    // Its own model recovers from the same server.
    let out = simulate(None, &["--model", "7962", "--server", &addr], GUARD);
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
}

#[test]
fn phones_send_from_the_source_given_or_a_loopback_address_each() {
    let dir = tempdir();
    let root = bundle(
        dir.path(),
        "seed.zip",
        &testkit::seed_zip(),
        "127.0.0.1",
        &[],
    );
    let (_server, addr) = simulate_support::serve(&root, &[]);

    let out = simulate(
        None,
        &["--model", "7961", "--server", &addr, "--phones", "3"],
        GUARD,
    );
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("phones sending from 127.0.0.2 to 127.0.0.4"),
        "{}",
        out.stdout
    );
    let out = simulate(
        None,
        &[
            "--model",
            "7961",
            "--server",
            &addr,
            "--phones",
            "2",
            "--source",
            "127.0.0.9",
        ],
        GUARD,
    );
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("sending from 127.0.0.9,"),
        "{}",
        out.stdout
    );

    // An address of no interface here, or no address: said, exit 2.
    let guard = Duration::from_secs(60);
    let out = simulate(
        None,
        &[
            "--model",
            "7961",
            "--server",
            &addr,
            "--source",
            "192.0.2.77",
        ],
        guard,
    );
    assert_eq!(out.code(), Some(2), "{}\n{}", out.stdout, out.stderr);
    let said = format!("{}{}", out.stdout, out.stderr);
    assert!(
        said.contains("cannot send from 192.0.2.77")
            && said.contains("--source must be an address of this computer"),
        "{said}"
    );
    let out = simulate(
        None,
        &["--model", "7961", "--server", &addr, "--source", "host"],
        guard,
    );
    assert_eq!(out.code(), Some(2));
    assert!(
        out.stderr
            .contains("--source `host` is not an IPv4 address"),
        "{}",
        out.stderr
    );
}
