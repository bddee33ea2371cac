use super::*;
use crate::config::cnf_xml::{
    DefaultSettings, ModelLoad, PhoneSettings, SipLine, SipSettings, sep_cnf, xml_default,
};
use crate::config::mac::Mac;
use crate::config::sip79::{DefaultCnf, sip_default, sip_phone};
use crate::models::Protocol;

const SECRET: &str = "pw-s3cret-1001";

fn mac() -> Mac {
    "00:1b:54:00:00:01".parse().unwrap()
}

fn sip(auth_name: &str) -> SipSettings {
    SipSettings {
        proxy: "10.0.0.5".into(),
        port: 5070,
        lines: vec![
            SipLine {
                display_name: "Desk".into(),
                user: "1001".into(),
                auth_name: auth_name.into(),
                auth_password: SECRET.into(),
            },
            SipLine {
                display_name: "Second".into(),
                user: "1002".into(),
                auth_name: "1002".into(),
                auth_password: "other".into(),
            },
        ],
    }
}

fn sep(protocol: Protocol, sip: Option<SipSettings>) -> String {
    sep_cnf(&PhoneSettings {
        mac: mac(),
        protocol,
        load: match protocol {
            Protocol::Sip => "SIP41.9-4-2SR3-1S".into(),
            Protocol::Sccp => "SCCP41.9-4-2SR3-1S".into(),
        },
        call_managers: vec!["10.0.0.5".into()],
        sip,
    })
    .unwrap()
    .0
}

#[test]
fn a_sip_xml_registers_its_first_line_and_never_carries_the_password() {
    let r = of_xml(&sep(Protocol::Sip, Some(sip("a1001"))));
    assert_eq!(
        r,
        Registers::Sip {
            user: "1001".into(),
            auth_name: "a1001".into(),
            proxy: "10.0.0.5".into(),
            port: 5070,
        }
    );
    assert_eq!(
        r.sentence(),
        "Registers as 1001 at 10.0.0.5:5070 (authenticating as a1001)"
    );
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains(SECRET), "{json}");
    assert!(!format!("{r:?}").contains(SECRET));
    assert_eq!(serde_json::from_str::<Registers>(&json).unwrap(), r);
    // The same user as auth name is not said twice.
    assert_eq!(
        of_xml(&sep(Protocol::Sip, Some(sip("1001")))).sentence(),
        "Registers as 1001 at 10.0.0.5:5070"
    );
}

#[test]
fn an_sccp_xml_and_a_default_registers_over_sccp_and_a_sip_one_without_lines_nowhere() {
    assert_eq!(of_xml(&sep(Protocol::Sccp, None)), Registers::Sccp);
    assert_eq!(
        Registers::Sccp.sentence(),
        "An SCCP configuration: registers with the call manager over SCCP"
    );
    let default = |protocol: Protocol, load: &str| {
        xml_default(&DefaultSettings {
            load: load.into(),
            protocol,
            models: vec![ModelLoad {
                device_id: 30018,
                product: "IP Phone 7961".into(),
            }],
            call_managers: vec!["10.0.0.5".into()],
        })
        .unwrap()
    };
    assert_eq!(
        of_xml(&default(Protocol::Sccp, "SCCP41.9-4-2SR3-1S")),
        Registers::Sccp
    );
    assert_eq!(
        of_xml(&default(Protocol::Sip, "SIP41.9-4-2SR3-1S")),
        Registers::NoLine
    );
    assert_eq!(of_xml(&sep(Protocol::Sip, None)), Registers::NoLine);
    assert_eq!(
        Registers::NoLine.sentence(),
        "No SIP line: it registers nowhere until one is configured"
    );
}

#[test]
fn a_7940_registers_its_own_line_over_the_default() {
    let default = sip_default(&DefaultCnf {
        image: "P0S3-8-12-00".into(),
        proxy: "10.0.0.9".into(),
        port: 5060,
    })
    .unwrap();
    let (own, _) = sip_phone(&mac(), "P0S3-8-12-00", Some(&sip("a1001"))).unwrap();
    let r = of_cnf79(Some(&own), Some(&default));
    assert_eq!(
        r,
        Registers::Sip {
            user: "1001".into(),
            auth_name: "a1001".into(),
            proxy: "10.0.0.5".into(),
            port: 5070,
        }
    );
    assert!(!serde_json::to_string(&r).unwrap().contains(SECRET));
    // The default alone names a registrar but no line.
    assert_eq!(of_cnf79(None, Some(&default)), Registers::NoLine);
}

#[test]
fn unreadable_files_and_long_values_stay_bounded() {
    let bad = of_xml("<device><sipLines><line><port>x</port></line></sipLines></device>");
    assert!(
        matches!(&bad, Registers::Unreadable { error } if error.contains("not a port")),
        "{bad:?}"
    );
    assert!(
        bad.sentence()
            .starts_with("Its configuration cannot be read")
    );
    assert!(matches!(
        of_cnf79(Some("line1_name: 1\nproxy1_port: 70000\n"), None),
        Registers::Unreadable { .. }
    ));
    let long = "9".repeat(900);
    let r = of_cnf79(
        Some(&format!("line1_name: {long}\nproxy1_address: pbx\n")),
        None,
    );
    match r {
        Registers::Sip { user, .. } => assert_eq!(user.chars().count(), MAX_TEXT),
        other => panic!("{other:?}"),
    }
    let no_proxy = of_cnf79(Some("line1_name: 1001\n"), None);
    assert_eq!(
        no_proxy.sentence(),
        "Would register as 1001, but its SIP line names no proxy: it registers nowhere until the line's proxy is set"
    );
}
