//! A simulated 7960 on the virtual clock: OS79XX.TXT after a reset, the SIP image's
//! `.cnf` files in Cisco's order, the SCCP image's XMLDefault entry.

use super::*;
use lifeline_shared::config::sip79;
use lifeline_shared::testkit79::{SCCP79_LOAD, SIP79_LOAD, sccp79_files, sip79_files};

const SEP: &str = "SEP001B54780007";

fn spec79(mode: Scenario, runs: Protocol) -> PhoneSpec {
    PhoneSpec {
        model: models::model("7960").unwrap(),
        runs,
        ..spec(mode)
    }
}

/// A 7940/7960 TFTP root: the firmware, OS79XX.TXT, the SIP files or XMLDefault.
fn root(sip: bool) -> BTreeMap<String, Vec<u8>> {
    let (load, files) = if sip {
        (SIP79_LOAD, sip79_files())
    } else {
        (SCCP79_LOAD, sccp79_files())
    };
    let mut root: BTreeMap<String, Vec<u8>> = files.into_iter().collect();
    root.insert("OS79XX.TXT".into(), load.as_bytes().to_vec());
    if sip {
        let default = sip79::sip_default(&sip79::DefaultCnf {
            image: load.into(),
            proxy: "10.78.0.1".into(),
            port: 5060,
        })
        .unwrap();
        root.insert("SIPDefault.cnf".into(), default.into_bytes());
    } else {
        let xml = cnf_xml::xml_default(&DefaultSettings {
            load: load.into(),
            protocol: Protocol::Sccp,
            models: cnf_xml::models_for_load(load),
            call_managers: vec!["10.78.0.1".into()],
        })
        .unwrap();
        root.insert("XMLDefault.cnf.xml".into(), xml.into_bytes());
    }
    root
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn a_reset_sccp_7960_switches_to_sip_as_os79xx_says() {
    let mut net = FakeNet::new(root(true));
    let (r, _) = run(
        spec79(Scenario::Recovery, Protocol::Sccp),
        Network::Dhcp { xid: 7 },
        &mut net,
    );
    assert!(recovered(&r), "{}", r.verdict.sentence());
    assert_eq!(
        net.requested,
        names(&[
            "OS79XX.TXT",
            "P0S3-8-12-00.loads",
            "P003-8-12-00.sbn",
            "P0S3-8-12-00.sb2"
        ])
    );
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("loads P0S3-8-12-00 to switch")),
        "{:?}",
        r.notes
    );
}

#[test]
fn a_sip_7960_boots_in_cisco_order_and_takes_image_version() {
    let mut net = FakeNet::new(root(true));
    let (r, _) = run(
        spec79(Scenario::Boot, Protocol::Sip),
        Network::Server(server()),
        &mut net,
    );
    assert!(recovered(&r), "{}", r.verdict.sentence());
    assert_eq!(
        net.requested,
        names(&[
            &format!("CTL{SEP}.tlv"),
            &format!("{SEP}.cnf.xml"),
            "SIP001B54780007.cnf",
            "SEPDefault.cnf.xml",
            "SIPDefault.cnf",
            "P0S3-8-12-00.loads",
            "P003-8-12-00.sbn",
            "P0S3-8-12-00.sb2",
        ])
    );
    // After a reset on the same protocol, OS79XX.TXT first, then the same order.
    let mut net = FakeNet::new(root(true));
    let (r, _) = run(
        spec79(Scenario::Recovery, Protocol::Sip),
        Network::Server(server()),
        &mut net,
    );
    assert!(recovered(&r), "{}", r.verdict.sentence());
    assert_eq!(net.requested[0], "OS79XX.TXT");
    assert_eq!(net.requested[1], format!("CTL{SEP}.tlv"));
    assert_eq!(net.requested.len(), 9);
}

#[test]
fn the_phone_file_wins_over_the_default() {
    let mut files = root(true);
    files.insert(
        "SIP001B54780007.cnf".into(),
        b"image_version: P0S3-8-11-00\n".to_vec(),
    );
    let mut net = FakeNet::new(files);
    let (r, _) = run(
        spec79(Scenario::Boot, Protocol::Sip),
        Network::Server(server()),
        &mut net,
    );
    let s = stuck(&r);
    assert_eq!(s.step, Step::LoadManifest);
    assert_eq!(s.file.as_deref(), Some("P0S3-8-11-00.loads"));
}

#[test]
fn no_image_version_and_a_newline_in_os79xx_are_named() {
    let mut files = root(true);
    files.remove("SIPDefault.cnf");
    let mut net = FakeNet::new(files);
    let (r, _) = run(
        spec79(Scenario::Boot, Protocol::Sip),
        Network::Server(server()),
        &mut net,
    );
    let s = stuck(&r);
    assert_eq!(s.problem.code(), "no-image-version");
    assert!(
        s.sentence()
            .contains("neither SIP<MAC>.cnf nor SIPDefault.cnf"),
        "{}",
        s.sentence()
    );

    let mut files = root(true);
    files.insert("OS79XX.TXT".into(), b"P0S3-8-12-00\n".to_vec());
    let mut net = FakeNet::new(files);
    let (r, _) = run(
        spec79(Scenario::Recovery, Protocol::Sccp),
        Network::Server(server()),
        &mut net,
    );
    let s = stuck(&r);
    assert_eq!(s.problem.code(), "bad-os79xx");
    assert!(s.sentence().contains("CSCdv19260"), "{}", s.sentence());
    assert_eq!(net.requested, names(&["OS79XX.TXT"]));
}

#[test]
fn an_sccp_7960_reads_its_xmldefault_entry() {
    let mut net = FakeNet::new(root(false));
    let (r, _) = run(
        spec79(Scenario::Recovery, Protocol::Sccp),
        Network::Server(server()),
        &mut net,
    );
    assert!(recovered(&r), "{}", r.verdict.sentence());
    assert_eq!(
        net.requested,
        names(&[
            "OS79XX.TXT",
            &format!("CTL{SEP}.tlv"),
            &format!("{SEP}.cnf.xml"),
            "XMLDefault.cnf.xml",
            "P0030801SR02.loads",
            "P0030801SR02.sbn",
            "P0030801SR02.sb2",
        ])
    );
    // Without OS79XX.TXT the phone keeps its protocol and boots, with a note.
    let mut files = root(false);
    files.remove("OS79XX.TXT");
    let mut net = FakeNet::new(files);
    let (r, _) = run(
        spec79(Scenario::Recovery, Protocol::Sccp),
        Network::Server(server()),
        &mut net,
    );
    assert!(recovered(&r), "{}", r.verdict.sentence());
    assert!(
        r.notes.iter().any(|n| n.contains("no OS79XX.TXT")),
        "{:?}",
        r.notes
    );
}
