//! Golden files: every option-150 snippet and every generated XML, byte for byte.
//!
//! Regenerate after an intended change with
//! `UPDATE_GOLDEN=1 cargo test -p lifeline-shared --test golden`, then review the
//! diff in `shared/tests/golden/` before committing it.

use lifeline_shared::config::cnf_xml::{
    self, DefaultSettings, PhoneSettings, SipLine, SipSettings, models_for_load,
};
use lifeline_shared::dhcp::option150::{self, Server};
use lifeline_shared::models::Protocol;
use std::net::Ipv4Addr;
use std::path::PathBuf;

fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run UPDATE_GOLDEN=1 cargo test -p lifeline-shared --test golden",
            path.display()
        )
    });
    assert_eq!(actual, expected, "{name} differs from its golden file");
}

#[test]
fn option150_snippets() {
    let one = [Ipv4Addr::new(192, 168, 10, 105)];
    let two = [
        Ipv4Addr::new(192, 168, 10, 105),
        Ipv4Addr::new(192, 168, 10, 106),
    ];
    for s in Server::ALL {
        for (tag, list) in [("one", &one[..]), ("two", &two[..])] {
            let sn = option150::snippet(s, list);
            let mut text = format!("# {} — {}\n{}", sn.title, sn.where_, sn.text);
            for n in &sn.notes {
                text.push_str(&format!("# note: {n}\n"));
            }
            golden(&format!("option150-{}-{tag}.txt", s.id()), &text);
        }
    }
}

#[test]
fn generated_xml() {
    for (load, protocol) in [
        ("SCCP41.8-3-3S", Protocol::Sccp),
        ("SIP45.9-4-2SR3-1S", Protocol::Sip),
    ] {
        let xml = cnf_xml::xml_default(&DefaultSettings {
            load: load.into(),
            protocol,
            models: models_for_load(load),
            call_managers: vec!["192.168.10.1".into(), "192.168.10.2".into()],
        })
        .unwrap();
        golden(&format!("XMLDefault-{load}.cnf.xml"), &xml);
    }
    let (sccp, _) = cnf_xml::sep_cnf(&PhoneSettings {
        mac: "00:11:22:aa:bb:cc".parse().unwrap(),
        protocol: Protocol::Sccp,
        load: "SCCP41.8-3-3S".into(),
        call_managers: vec!["192.168.10.1".into()],
        sip: None,
    })
    .unwrap();
    golden("SEP001122AABBCC-sccp.cnf.xml", &sccp);
    let (sip, _) = cnf_xml::sep_cnf(&PhoneSettings {
        mac: "00:11:22:aa:bb:cd".parse().unwrap(),
        protocol: Protocol::Sip,
        load: "SIP45.9-4-2SR3-1S".into(),
        call_managers: vec!["192.168.10.1".into()],
        sip: Some(SipSettings {
            proxy: "192.168.10.1".into(),
            port: 5060,
            lines: vec![
                SipLine {
                    display_name: "Reception".into(),
                    user: "1001".into(),
                    auth_name: "1001".into(),
                    auth_password: "s3cret".into(),
                },
                SipLine {
                    display_name: "Night & Weekend".into(),
                    user: "1002".into(),
                    auth_name: "1002".into(),
                    auth_password: "0ther".into(),
                },
            ],
        }),
    })
    .unwrap();
    golden("SEP001122AABBCD-sip.cnf.xml", &sip);
}
