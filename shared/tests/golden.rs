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

/// Each family's file for the same two-row phone list: a 79x1 and an 88xx
/// `SEP<MAC>.cnf.xml`, a 7960's `SIP<MAC>.cnf`, and an SCCP phone's file.
#[test]
fn phone_list_files_per_family() {
    use lifeline_shared::config::phones::{self, Target};
    use lifeline_shared::config::sip79;
    use lifeline_shared::models::{self, FamilyId};
    const LIST: &str = "mac,extension,auth_name,password,display_name,proxy,port,label\n\
                        00:11:22:aa:bb:01,201,phone201,s3cret,\"Front, desk\",,,reception\n\
                        0011.22aa.bb02,202,phone202,0ther,Lab & Co,pbx.example.net,5070,\n";
    let cms = vec!["192.168.10.1".to_string()];
    for (tag, family, protocol, load) in [
        (
            "7961-sip",
            FamilyId::F7941_7961,
            Protocol::Sip,
            "SIP41.9-4-2SR3-1S",
        ),
        (
            "8841-sip",
            FamilyId::F88xx,
            Protocol::Sip,
            "sip88xx.14-2-1-0101-33",
        ),
        (
            "7960-sip",
            FamilyId::F7940_7960,
            Protocol::Sip,
            "P0S3-8-12-00",
        ),
        (
            "7961-sccp",
            FamilyId::F7941_7961,
            Protocol::Sccp,
            "SCCP41.8-3-3S",
        ),
    ] {
        let target = Target {
            family: Some(family),
            family_name: models::family(family).name.into(),
            protocol,
        };
        let list = phones::parse(LIST, &target).unwrap();
        assert!(list.problems.is_empty(), "{tag}: {:?}", list.problems);
        for p in &list.phones {
            let sip = p.sip_settings(&target, &cms);
            assert_eq!(sip.is_some(), protocol == Protocol::Sip, "{tag}");
            let (name, text) = if family == FamilyId::F7940_7960 {
                let (text, f) = sip79::sip_phone(&p.mac, load, sip.as_ref()).unwrap();
                assert!(f.is_empty(), "{tag}: {f:?}");
                assert!(sip79::check("x.cnf", &text, Some(&[load.to_string()])).is_empty());
                (sip79::sip_file_name(&p.mac), text)
            } else {
                let (text, f) = cnf_xml::sep_cnf(&PhoneSettings {
                    mac: p.mac,
                    protocol,
                    load: load.into(),
                    call_managers: cms.clone(),
                    sip,
                })
                .unwrap();
                assert!(f.is_empty(), "{tag}: {f:?}");
                let found = cnf_xml::check("x.cnf.xml", &text, Some(&[load.to_string()]));
                assert!(found.is_empty(), "{tag}: {found:?}");
                (cnf_xml::sep_file_name(&p.mac), text)
            };
            golden(&format!("phones-{tag}-{name}"), &text);
        }
    }
}
