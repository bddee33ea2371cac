//! A phone given the load it runs, on the virtual clock, against scripted servers: it
//! keeps its load, takes what the rules allow and reboots, refuses what they forbid
//! and loops, and stops at the boot bound.

use super::*;
use lifeline_shared::config::sip79;
use lifeline_shared::plan::Running;
use lifeline_shared::plan::retarget::{self, Offer};
use lifeline_shared::plan::walk::{self, BundlePlan, PlanLoad, Serve, Walker};

use crate::simulate::report::{End, Upgrade};
use crate::simulate::spec::MAX_BOOTS;

const FROM: &str = "SCCP41.8-0-4S";
const HOP: &str = "SCCP41.8-5-2S";
const TARGET: &str = "SCCP41.9-4-2SR3-1S";

/// The 7961 `XMLDefault.cnf.xml` naming `load`.
fn xml_default(load: &str) -> Vec<u8> {
    cnf_xml::xml_default(&DefaultSettings {
        load: load.into(),
        protocol: Protocol::Sccp,
        models: vec![ModelLoad {
            device_id: 30018,
            product: "IP Phone 7961".into(),
        }],
        call_managers: vec!["10.78.0.1".into()],
    })
    .unwrap()
    .into_bytes()
}

/// The same, naming no load (what a walker that holds the phone serves).
fn xml_keep() -> Vec<u8> {
    retarget::xml(&xml_default(TARGET), &Offer::Keep)
}

/// Every load's manifest and images (their recovery manifests left out).
fn loads(names: &[&str]) -> BTreeMap<String, Vec<u8>> {
    names
        .iter()
        .flat_map(|l| testkit::load_files(l, 1800))
        .filter(|(n, _)| !n.starts_with("term"))
        .collect()
}

fn running_spec(mode: Scenario, running: &str) -> PhoneSpec {
    PhoneSpec {
        running: Some(Running::parse(running, Protocol::Sccp).unwrap()),
        ..spec(mode)
    }
}

/// A server whose `XMLDefault.cnf.xml` names each of `script` in turn, the last one
/// from then on.
fn scripted(files: BTreeMap<String, Vec<u8>>, script: Vec<Vec<u8>>) -> FakeNet {
    let mut net = FakeNet::new(files);
    net.scripted
        .insert("XMLDefault.cnf.xml".into(), script.into());
    net
}

fn upgrade(r: &report::PhoneReport) -> &Upgrade {
    match &r.verdict {
        Verdict::Upgrade(u) => u,
        other => panic!("expected an upgrade verdict, got {}", other.sentence()),
    }
}

fn count(net: &FakeNet, name: &str) -> usize {
    net.requested.iter().filter(|n| *n == name).count()
}

#[test]
fn a_phone_on_8_0_4_takes_8_5_2_then_9_4_2sr3_and_says_so() {
    let mut net = scripted(
        loads(&[HOP, TARGET]),
        vec![xml_default(HOP), xml_default(TARGET)],
    );
    let (r, _) = run(
        running_spec(Scenario::Boot, FROM),
        Network::Server(server()),
        &mut net,
    );
    let u = upgrade(&r);
    assert_eq!(u.status(), "now-on", "{}", u.sentence());
    assert_eq!(u.ran, ["8.0(4)", "8.5(2)", "9.4(2)SR3"]);
    assert_eq!(r.ran, u.ran);
    assert_eq!(u.now_on, format!("9.4(2)SR3 ({TARGET})"));
    assert_eq!(u.now_on_load.as_deref(), Some(TARGET));
    assert_eq!(
        (u.boots, u.end, u.refused.as_ref()),
        (3, End::Settled, None)
    );
    assert!(
        r.verdict.sentence().starts_with(&format!(
            "is now on 9.4(2)SR3 ({TARGET}): ran 8.0(4) → 8.5(2) → 9.4(2)SR3 in 3 boots"
        )),
        "{}",
        r.verdict.sentence()
    );
    assert_eq!(report::exit_code(std::slice::from_ref(&r)), 0);
    // Each load fetched once; each boot from the security files; the last boot asks
    // for its configuration twice (no call manager), the second time without them.
    assert_eq!(count(&net, &format!("{HOP}.loads")), 1);
    assert_eq!(count(&net, &format!("{TARGET}.loads")), 1);
    assert_eq!(count(&net, "ITLFile.tlv"), 3);
    assert_eq!(count(&net, "XMLDefault.cnf.xml"), 4);
    assert_eq!(
        net.requested.last().map(String::as_str),
        Some("XMLDefault.cnf.xml")
    );
    let json = r.to_json();
    assert_eq!(
        json["ran"],
        serde_json::json!(["8.0(4)", "8.5(2)", "9.4(2)SR3"])
    );
    assert_eq!(json["now_on"], "9.4(2)SR3");
    assert_eq!(json["verdict"]["status"], "now-on");
    assert_eq!(json["verdict"]["now_on_load"], TARGET);
    assert_eq!(json["verdict"]["boots"], 3);
}

#[test]
fn offered_9_4_2sr3_from_8_0_4_it_refuses_and_loops_to_the_bound() {
    let mut net = scripted(loads(&[TARGET]), vec![xml_default(TARGET)]);
    let (r, _) = run(
        running_spec(Scenario::Boot, FROM),
        Network::Server(server()),
        &mut net,
    );
    let u = upgrade(&r);
    assert_eq!(u.status(), "refused");
    assert_eq!((u.boots, u.end), (MAX_BOOTS, End::Bound));
    assert_eq!(u.ran, ["8.0(4)"]);
    let refused = u.refused.as_ref().unwrap();
    assert_eq!(refused.load, TARGET);
    assert_eq!(refused.times, MAX_BOOTS);
    assert!(
        refused.why.contains("any 8.5(2) load for 7941/7961"),
        "{}",
        refused.why
    );
    let sentence = r.verdict.sentence();
    assert!(
        sentence.starts_with(&format!(
            "is still on 8.0(4) ({FROM}) after 16 boots: refused {TARGET} at the last 16 boots (Load Authentication Failed: it needs any 8.5(2) load for 7941/7961 first)"
        )),
        "{sentence}"
    );
    // The real phone's loop: the load fetched at every boot, never run.
    assert_eq!(count(&net, &format!("{TARGET}.loads")), MAX_BOOTS as usize);
    assert_eq!(report::exit_code(std::slice::from_ref(&r)), 1);
    assert_eq!(r.to_json()["verdict"]["refused"]["load"], TARGET);
}

#[test]
fn refused_and_then_offered_nothing_it_stays_and_says_what_it_refused() {
    let mut net = scripted(loads(&[TARGET]), vec![xml_default(TARGET), xml_keep()]);
    let (r, _) = run(
        running_spec(Scenario::Boot, FROM),
        Network::Server(server()),
        &mut net,
    );
    let u = upgrade(&r);
    assert_eq!((u.status(), u.boots, u.end), ("refused", 2, End::Settled));
    assert_eq!(
        r.verdict.sentence(),
        format!(
            "is on 8.0(4) ({FROM}): refused {TARGET} (Load Authentication Failed: it needs any \
             8.5(2) load for 7941/7961 first), and was then offered nothing else; ran 8.0(4)"
        )
    );
    assert_eq!(count(&net, &format!("{TARGET}.loads")), 1);
    assert_eq!(report::exit_code(std::slice::from_ref(&r)), 1);
}

#[test]
fn offered_nothing_or_its_own_load_it_stays_on_it() {
    for (offer, from) in [
        (xml_keep(), FROM),
        (xml_default(HOP), HOP),
        (xml_default(HOP), "8.5(2)"),
    ] {
        let mut net = scripted(loads(&[HOP]), vec![offer]);
        let (r, _) = run(
            running_spec(Scenario::Boot, from),
            Network::Server(server()),
            &mut net,
        );
        let u = upgrade(&r);
        assert_eq!((u.status(), u.boots), ("now-on", 1), "{}", u.sentence());
        assert!(
            !net.requested.iter().any(|n| n.ends_with(".loads")),
            "{:?}",
            net.requested
        );
        // Up, no call manager: the configuration once more, then the verdict.
        assert_eq!(count(&net, "XMLDefault.cnf.xml"), 2);
        let label = if from == FROM { "8.0(4)" } else { "8.5(2)" };
        assert_eq!(u.ran, [label]);
        // Named by the configuration, its own load's name is known from then on.
        if from != FROM {
            assert_eq!(u.now_on, format!("8.5(2) ({HOP})"));
        }
        assert!(
            r.verdict
                .sentence()
                .starts_with(&format!("is now on {label}")),
            "{}",
            r.verdict.sentence()
        );
    }
}

#[test]
fn a_phone_still_moving_at_the_bound_is_still_upgrading() {
    // A server that swaps the load at every boot: each move allowed, none final.
    let script: Vec<Vec<u8>> = (0..2 * MAX_BOOTS)
        .map(|i| xml_default(if i % 2 == 0 { HOP } else { TARGET }))
        .collect();
    let mut net = scripted(loads(&[HOP, TARGET]), script);
    let (r, _) = run(
        running_spec(Scenario::Boot, FROM),
        Network::Server(server()),
        &mut net,
    );
    let u = upgrade(&r);
    assert_eq!(u.status(), "still-upgrading");
    assert_eq!(
        (u.boots, u.end, u.refused.as_ref()),
        (MAX_BOOTS, End::Bound, None)
    );
    assert_eq!(u.ran.len(), MAX_BOOTS as usize + 1);
    assert!(
        r.verdict
            .sentence()
            .starts_with("is still upgrading after 16 boots, now on 9.4(2)SR3"),
        "{}",
        r.verdict.sentence()
    );
    assert_eq!(report::exit_code(std::slice::from_ref(&r)), 1);
}

#[test]
fn after_a_reset_it_runs_the_recovery_load_then_boots_on_to_the_target() {
    // term61.default.loads of 8.5(2): its release line says 8-5-2.
    let mut files = loads(&[TARGET]);
    files.extend(
        testkit::load_files(HOP, 1800)
            .into_iter()
            .filter(|(n, _)| n != &format!("{HOP}.loads")),
    );
    let mut net = scripted(files, vec![xml_default(TARGET)]);
    let (r, _) = run(
        running_spec(Scenario::Recovery, FROM),
        Network::Dhcp { xid: 9 },
        &mut net,
    );
    let u = upgrade(&r);
    assert_eq!(u.status(), "now-on", "{}", u.sentence());
    assert_eq!(u.ran, ["8.0(4)", "8.5(2)", "9.4(2)SR3"]);
    assert_eq!(u.boots, 3);
    assert_eq!(net.requested[0], "term61.default.loads");
    assert_eq!(net.requested[1], format!("jar41sccp.{}.sbn", &HOP[7..]));
    // Rebooted into boot mode: the security files, then the configuration.
    assert_eq!(net.requested[6], "CTLSEP001B54780007.tlv");
    assert_eq!(count(&net, "term61.default.loads"), 1);
    assert_eq!(count(&net, &format!("{TARGET}.loads")), 1);
    // The report keeps the mode asked for.
    assert_eq!(r.mode, Scenario::Recovery);
}

#[test]
fn without_a_release_the_recovery_manifest_leaves_the_load_unknown() {
    let images = ["a.sbn", "b.sbn"];
    let body = b"a.sbn\r\nb.sbn\r\n".to_vec();
    let mut files: BTreeMap<String, Vec<u8>> = images
        .iter()
        .map(|n| ((*n).to_owned(), testkit::image(n, 1000)))
        .collect();
    files.insert(
        "term61.default.loads".into(),
        testkit::signed_file("term61.default.loads", &body),
    );
    let mut net = FakeNet::new(files);
    let (r, _) = run(
        running_spec(Scenario::Recovery, FROM),
        Network::Server(server()),
        &mut net,
    );
    match &r.verdict {
        Verdict::CouldNotRun { reason } => {
            assert!(reason.contains("states no release"), "{reason}")
        }
        other => panic!("{}", other.sentence()),
    }
}

/// A 7940/7960 load: `<load>.loads` listing its two signed images.
fn load79(load: &str) -> Vec<(String, Vec<u8>)> {
    let (sbn, sb2) = (format!("{load}.sbn"), format!("{load}.sb2"));
    let body = format!("{sbn}\n{sb2}\nLA_VERSION=PAS3\n");
    let manifest = format!("{load}.loads");
    vec![
        (
            manifest.clone(),
            testkit::signed_file(&manifest, body.as_bytes()),
        ),
        (sbn.clone(), testkit::image(&sbn, 3000)),
        (sb2.clone(), testkit::image(&sb2, 3000)),
    ]
}

fn xml79(load: &str) -> Vec<u8> {
    cnf_xml::xml_default(&DefaultSettings {
        load: load.into(),
        protocol: Protocol::Sccp,
        models: cnf_xml::models_for_load(load),
        call_managers: vec!["10.78.0.1".into()],
    })
    .unwrap()
    .into_bytes()
}

#[test]
fn a_7960_on_sccp_4_refuses_sip_8_12_and_takes_sccp_5_first() {
    const SCCP4: &str = "P00304010100";
    const SCCP5: &str = "P00305000300";
    const SIP: &str = "P0S3-8-12-00";
    let mut files: BTreeMap<String, Vec<u8>> =
        [SCCP5, SIP].iter().flat_map(|l| load79(l)).collect();
    files.insert(
        sip79::SIP_DEFAULT.into(),
        sip79::sip_default(&sip79::DefaultCnf {
            image: SIP.into(),
            proxy: "10.78.0.1".into(),
            port: 5060,
        })
        .unwrap()
        .into_bytes(),
    );
    // The SCCP image's XMLDefault: SIP first (refused), then SCCP 5.x, then SIP.
    let mut net = scripted(files, vec![xml79(SIP), xml79(SCCP5), xml79(SIP)]);
    let spec = PhoneSpec {
        model: models::model("7960").unwrap(),
        ..running_spec(Scenario::Boot, SCCP4)
    };
    let (r, _) = run(spec, Network::Server(server()), &mut net);
    let u = upgrade(&r);
    assert_eq!(u.status(), "now-on", "{}", u.sentence());
    // (The shared version reader keeps a P003 name's last two digits as a suffix.)
    assert_eq!(u.ran, ["SCCP 4.1(1)", "SCCP 5.0(3)", "SIP 8.12(0)"]);
    assert_eq!(u.now_on, format!("SIP 8.12(0) ({SIP})"));
    assert_eq!(u.boots, 4);
    assert_eq!(count(&net, &format!("{SIP}.loads")), 2);
    assert_eq!(count(&net, &format!("{SCCP5}.loads")), 1);
    assert!(
        r.files.iter().any(|f| f.name == format!("{SIP}.sb2")),
        "the refused load was fetched first"
    );
    // On the SIP image it reads its SIP files, and image_version is its own.
    assert_eq!(count(&net, sip79::SIP_DEFAULT), 2);
    assert_eq!(count(&net, "XMLDefault.cnf.xml"), 3);

    // Without SCCP 5.x on offer it stays refusing SIP.
    let mut files: BTreeMap<String, Vec<u8>> = load79(SIP).into_iter().collect();
    files.insert("XMLDefault.cnf.xml".into(), xml79(SIP));
    let mut net = FakeNet::new(files);
    let spec = PhoneSpec {
        model: models::model("7960").unwrap(),
        ..running_spec(Scenario::Boot, SCCP4)
    };
    let (r, _) = run(spec, Network::Server(server()), &mut net);
    let u = upgrade(&r);
    assert_eq!(u.status(), "refused");
    let why = &u.refused.as_ref().unwrap().why;
    assert!(why.contains("any SCCP load of 5.x or later"), "{why}");
}

#[test]
fn a_reset_7960_judges_the_image_os79xx_names() {
    const SIP7: &str = "P0S3-07-5-00";
    const SIP4: &str = "P0S3-04-0-00";
    let mut files: BTreeMap<String, Vec<u8>> = load79(SIP4).into_iter().collect();
    files.insert("OS79XX.TXT".into(), SIP4.as_bytes().to_vec());
    let mut net = FakeNet::new(files);
    let spec = PhoneSpec {
        model: models::model("7960").unwrap(),
        ..running_spec(Scenario::Recovery, SIP7)
    };
    let (r, _) = run(spec, Network::Server(server()), &mut net);
    let u = upgrade(&r);
    // Back to unsigned SIP is refused for good; no SIPDefault.cnf then names nothing.
    assert_eq!(u.status(), "refused", "{}", u.sentence());
    assert_eq!(u.refused.as_ref().unwrap().load, SIP4);
    assert_eq!(u.ran, ["SIP 7.5(0)"]);
    assert_eq!(net.requested[0], "OS79XX.TXT");
    assert_eq!(net.requested[1], format!("{SIP4}.loads"));
}

// ---- against the helper's walker ------------------------------------------------

/// What the helper serves for `name` with `walker` deciding: the bundle's file, a
/// configuration retargeted, another file, a text, or "File not found" (`None`).
pub(super) fn walked(
    walker: &mut Walker,
    files: &BTreeMap<String, Vec<u8>>,
    name: &str,
) -> Option<Vec<u8>> {
    let ask = walk::ask_of(name);
    if !files.contains_key(name) && ask != walk::Ask::Recovery {
        return None;
    }
    // One phone, from one address: the walker tells requests without a MAC by it.
    let address = Some(std::net::IpAddr::from([10, 78, 0, 100]));
    match walker.request(address, name, 0).0 {
        Serve::AsIs => files.get(name).cloned(),
        Serve::Config(offer) => files.get(name).map(|b| retarget::xml(b, &offer)),
        Serve::File(f) => files.get(&f).cloned(),
        Serve::Text(t) => Some(t.into_bytes()),
        Serve::Hold => None,
    }
}

fn walker(loads: &[&str], start: &str) -> Walker {
    Walker::new(&BundlePlan {
        target: TARGET.into(),
        loads: loads
            .iter()
            .map(|l| PlanLoad {
                name: (*l).into(),
                config_name: (*l).into(),
                recovery: Vec::new(),
            })
            .collect(),
        start: Some(start.into()),
    })
    .unwrap()
}

/// The bundle: the loads, and an `XMLDefault.cnf.xml` naming the target.
fn bundle(names: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let mut files = loads(names);
    files.insert("XMLDefault.cnf.xml".into(), xml_default(TARGET));
    files
}

#[test]
fn the_walker_takes_a_phone_on_8_0_4_through_8_5_2_to_the_target() {
    let mut net = FakeNet::new(bundle(&[HOP, TARGET]));
    net.walker = Some(walker(&[HOP, TARGET], "8.0(4)"));
    let (r, _) = run(
        running_spec(Scenario::Boot, FROM),
        Network::Server(server()),
        &mut net,
    );
    let u = upgrade(&r);
    assert_eq!(u.status(), "now-on", "{}", u.sentence());
    assert_eq!(u.ran, ["8.0(4)", "8.5(2)", "9.4(2)SR3"]);
    assert_eq!(count(&net, &format!("{HOP}.loads")), 1);
    assert_eq!(count(&net, &format!("{TARGET}.loads")), 1);
    let status = net.walker.as_ref().unwrap().phones()[0].on.clone();
    assert_eq!(
        status.map(|r| r.version.to_string()).as_deref(),
        Some("9.4(2)SR3")
    );
}

#[test]
fn told_the_wrong_start_the_walker_holds_a_phone_that_keeps_refusing() {
    // The person said 8.5(2); the phone runs 8.0(4): offered the target, it refuses it
    // at each boot until the walker holds it, and then stays where it is.
    let mut net = FakeNet::new(bundle(&[HOP, TARGET]));
    net.walker = Some(walker(&[HOP, TARGET], "8.5(2)"));
    let (r, _) = run(
        running_spec(Scenario::Boot, FROM),
        Network::Server(server()),
        &mut net,
    );
    let u = upgrade(&r);
    assert_eq!(
        (u.status(), u.end),
        ("refused", End::Settled),
        "{}",
        u.sentence()
    );
    assert_eq!(u.ran, ["8.0(4)"]);
    assert!(
        r.verdict.sentence().starts_with(&format!(
            "is on 8.0(4) ({FROM}): refused {TARGET} (Load Authentication Failed: it needs any 8.5(2) load for 7941/7961 first), and was then offered nothing else"
        )),
        "{}",
        r.verdict.sentence()
    );
    let fetched = count(&net, &format!("{TARGET}.loads"));
    assert_eq!(fetched as u32, walk::MAX_ATTEMPTS + 1);
    assert!(
        fetched < MAX_BOOTS as usize,
        "held before the phone's own bound"
    );
    let held = net.walker.as_ref().unwrap().phones()[0].held.clone();
    assert_eq!(held.map(|h| h.state), Some(walk::WalkState::Refused));
}

#[test]
fn a_hop_missing_from_the_bundle_leaves_the_phone_on_its_load() {
    let mut net = FakeNet::new(bundle(&[TARGET]));
    net.walker = Some(walker(&[TARGET], "8.0(4)"));
    let (r, _) = run(
        running_spec(Scenario::Boot, FROM),
        Network::Server(server()),
        &mut net,
    );
    let u = upgrade(&r);
    assert_eq!((u.status(), u.boots), ("now-on", 1), "{}", u.sentence());
    assert_eq!(u.ran, ["8.0(4)"]);
    assert!(!net.requested.iter().any(|n| n.ends_with(".loads")));
    let held = net.walker.as_ref().unwrap().phones()[0].held.clone();
    assert_eq!(held.map(|h| h.state), Some(walk::WalkState::Missing));
}

#[test]
fn a_file_lost_mid_upgrade_costs_a_reboot_not_the_walk() {
    let mut net = FakeNet::new(bundle(&[HOP, TARGET]));
    net.walker = Some(walker(&[HOP, TARGET], "8.0(4)"));
    // The server stops in the middle of the hop's images (a helper restarting).
    net.fail_once = Some("apps41.8-5-2S.sbn".into());
    let (r, _) = run(
        running_spec(Scenario::Boot, FROM),
        Network::Server(server()),
        &mut net,
    );
    let u = upgrade(&r);
    assert_eq!(u.status(), "now-on", "{}", u.sentence());
    assert_eq!(u.ran, ["8.0(4)", "8.5(2)", "9.4(2)SR3"]);
    // The lost boot cost one more fetch of the hop's manifest and one more boot.
    assert_eq!(count(&net, &format!("{HOP}.loads")), 2);
    assert_eq!(count(&net, &format!("{TARGET}.loads")), 1);
    assert_eq!(u.boots, 4);
}
