//! Every newer family's synthetic firmware (`testkit::families`), bundled by
//! `lifeline bundle` and served by `lifeline serve` on loopback, booted by
//! `lifeline simulate --mode boot` for every model the load is for: the
//! family's boot order, each image checked against the size and MD5 its
//! manifest states, the same verdicts and exit codes as a 79xx.

mod simulate_support;

use std::time::Duration;

use lifeline_shared::models::{self, FamilyId};
use lifeline_shared::testkit::families::{self, NEWER_FAMILIES, family_firmware};
use simulate_support::{bundle, simulate, tempdir};

/// Guard for one run of the simulator (a boot takes about a second).
const GUARD: Duration = Duration::from_secs(180);

#[test]
fn every_model_of_every_newer_family_boots_from_a_lifeline_bundle() {
    for id in NEWER_FAMILIES {
        let fw = family_firmware(id);
        let dir = tempdir();
        let root = bundle(dir.path(), "fw.zip", &fw.zip(), "127.0.0.1", &[]);
        let (server, addr) = simulate_support::serve(&root, &[]);
        // 7800/8800 phones ask HTTP first: on their own server's port, not
        // the default 6970, where another program on this machine may answer.
        let http = server.wait_for_provision().port().to_string();
        for model in models::models_of_load(id, &fw.load) {
            let out = simulate(
                None,
                &[
                    "--model",
                    model.name,
                    "--server",
                    &addr,
                    "--http-port",
                    &http,
                    "--mode",
                    "boot",
                    "--json",
                ],
                GUARD,
            );
            assert_eq!(
                out.code(),
                Some(0),
                "{}\n{}\n{}",
                model.name,
                out.stdout,
                out.stderr
            );
            let v = out.json();
            let phone = &v["phones"][0];
            assert_eq!(phone["verdict"]["status"], "would-recover", "{phone}");
            assert_eq!(phone["verdict"]["load"], fw.load.as_str(), "{phone}");
            assert_eq!(phone["verdict"]["images"], fw.images.len(), "{phone}");
            let asked: Vec<&str> = phone["files"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["name"].as_str().unwrap())
                .collect();
            assert_eq!(asked[4], "XMLDefault.cnf.xml", "{}", model.name);
            assert_eq!(asked[5], format!("{}.loads", fw.load), "{}", model.name);
            assert_eq!(&asked[6..], fw.images.as_slice(), "{}", model.name);
        }
    }
}

#[test]
fn a_7925_image_changed_after_bundling_is_refused_for_its_md5() {
    let fw = family_firmware(FamilyId::F792x);
    let dir = tempdir();
    let root = bundle(dir.path(), "7925.zip", &fw.zip(), "127.0.0.1", &[]);
    let apps = "APPSH-1.4.7.3.SBN";
    let path = root.join(apps);
    let mut data = std::fs::read(&path).unwrap();
    let stated = families::md5_hex(&data);
    let n = data.len();
    data[n / 2] ^= 0xFF;
    let got = families::md5_hex(&data);
    std::fs::write(&path, &data).unwrap();
    let (_server, addr) = simulate_support::serve(&root, &[]);

    let out = simulate(
        None,
        &["--model", "7925", "--server", &addr, "--mode", "boot"],
        GUARD,
    );
    assert_eq!(out.code(), Some(1), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(&format!(
            "Verdict: the phone would be stuck: {apps} (image 5 of 8 listed by \
             CP7925G-1.4.7.3.loads) has MD5 {got} but its manifest says {stated}"
        )),
        "{}",
        out.stdout
    );
}

#[test]
fn a_7925_without_its_java_components_boots_and_says_so() {
    let fw = families::build(FamilyId::F792x, false);
    let dir = tempdir();
    let root = bundle(dir.path(), "7925.zip", &fw.zip(), "127.0.0.1", &[]);
    let (_server, addr) = simulate_support::serve(&root, &[]);
    let out = simulate(
        None,
        &[
            "--model", "7925", "--server", &addr, "--mode", "boot", "--json",
        ],
        GUARD,
    );
    assert_eq!(out.code(), Some(0), "{}\n{}", out.stdout, out.stderr);
    let v = out.json();
    assert_eq!(v["phones"][0]["verdict"]["images"], 6);
    let notes = v["phones"][0]["notes"].to_string();
    assert!(
        notes.contains("JSYSH-1.4.7.3.SBN is listed as optional (#+)"),
        "{notes}"
    );
}

#[test]
fn an_8841_in_recovery_mode_cannot_run_and_says_to_simulate_a_boot() {
    let out = simulate(
        None,
        &["--model", "8841", "--server", "127.0.0.1:9"],
        Duration::from_secs(60),
    );
    assert_eq!(out.code(), Some(2), "{}\n{}", out.stdout, out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains("an 8841 has no termNN.default.loads"), "{all}");
    assert!(all.contains("--mode boot"), "{all}");
}
