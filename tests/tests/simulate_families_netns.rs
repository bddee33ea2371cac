//! Every newer family on a wire: in the namespace pair of
//! `simulate_support` (10.78.0.0/24, nothing routed elsewhere), `lifeline
//! serve` hands out leases with option 150 and serves a bundle of the
//! family's synthetic firmware; three simulated phones of one of its models
//! get a lease, boot in the family's order over TFTP and check every image.
//!
//! Outside CI a machine that cannot make namespaces skips with a loud
//! message; with CI=true that fails.

mod simulate_support;

use std::time::Duration;

use lifeline_shared::models;
use lifeline_shared::testkit::families::{NEWER_FAMILIES, family_firmware};
use simulate_support::{SERVER, bundle, lifeline_serve, pair_or_skip, simulate, tempdir};

const PHONES: usize = 3;
/// Three phones on a clean wire take a few seconds in a debug build.
const GUARD: Duration = Duration::from_secs(5 * 60);

#[test]
fn phones_of_every_newer_family_boot_over_lifeline_dhcp_and_tftp() {
    let Some(pair) = pair_or_skip(&["ip"]) else {
        return;
    };
    for id in NEWER_FAMILIES {
        let fw = family_firmware(id);
        let model = models::models_of_load(id, &fw.load).last().unwrap();
        let dir = tempdir();
        let root = bundle(dir.path(), "fw.zip", &fw.zip(), SERVER, &[]);
        let mut server = lifeline_serve(
            &pair,
            &root,
            &dir.path().join("data"),
            "10.78.0.20-10.78.0.99",
        );
        let out = simulate(
            Some(&pair.client),
            &[
                "--model",
                model.name,
                "--dhcp-interface",
                &pair.client_if,
                "--mode",
                "boot",
                "--phones",
                &PHONES.to_string(),
                "--time-limit",
                "3m",
                "--json",
            ],
            GUARD,
        );
        assert_eq!(
            out.code(),
            Some(0),
            "{}:\n{}\n{}",
            model.name,
            out.stdout,
            out.stderr
        );
        let v = out.json();
        assert_eq!(v["summary"]["would_recover"], PHONES, "{}", model.name);
        for p in v["phones"].as_array().unwrap() {
            assert_eq!(p["tftp_server"]["source"], "option-150", "{p}");
            assert_eq!(p["tftp_server"]["address"], format!("{SERVER}:69"));
            assert_eq!(p["verdict"]["load"], fw.load.as_str(), "{p}");
            let images: Vec<&str> = p["files"]
                .as_array()
                .unwrap()
                .iter()
                .skip(6)
                .map(|f| f["name"].as_str().unwrap())
                .collect();
            assert_eq!(images, fw.images, "{}", model.name);
        }
        server.wait_for(&format!("({}) released 10.78.0.", model.name));
    }
}
