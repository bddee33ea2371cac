use super::*;

fn default_41(protocol: Protocol, load: &str) -> DefaultSettings {
    DefaultSettings {
        load: load.into(),
        protocol,
        models: models_for_load(load),
        call_managers: vec!["192.168.10.1".into(), "pbx.example.net".into()],
    }
}

#[test]
fn xml_default_names_every_model_of_the_family() {
    let xml = xml_default(&default_41(Protocol::Sccp, "SCCP41.8-3-3S")).unwrap();
    assert!(
        xml.contains(
            "<loadInformation115 model=\"IP Phone 7941\">SCCP41.8-3-3S</loadInformation115>"
        ),
        "{xml}"
    );
    assert!(xml.contains(
        "<loadInformation30018 model=\"IP Phone 7961\">SCCP41.8-3-3S</loadInformation30018>"
    ));
    assert!(xml.contains("<loadInformation309 model=\"IP Phone 7941G-GE\">"));
    assert!(xml.contains("<loadInformation308 model=\"IP Phone 7961G-GE\">"));
    assert!(xml.contains("<ethernetPhonePort>2000</ethernetPhonePort>"));
    assert!(!xml.contains("sipPort"));
    let s = parse(&xml).unwrap();
    assert_eq!(s.root, "Default");
    assert!(s.has_call_manager_group);
    assert_eq!(s.members.len(), 2);
    assert_eq!(s.members[0].priority, Some(0));
    assert_eq!(s.members[1].priority, Some(1));
    assert_eq!(s.members[1].address, "pbx.example.net");
    assert_eq!(s.members[0].sccp_port, Some(2000));
    assert_eq!(s.loads.len(), 4);
    assert!(s.loads.iter().all(|l| l.load == "SCCP41.8-3-3S"));
    assert!(check("XMLDefault.cnf.xml", &xml, Some(&["SCCP41.8-3-3S".into()])).is_empty());
}

#[test]
fn sip_loads_get_the_sip_port() {
    let xml = xml_default(&default_41(Protocol::Sip, "SIP41.9-4-2SR3-1S")).unwrap();
    assert!(xml.contains("<sipPort>5060</sipPort>"));
    assert_eq!(parse(&xml).unwrap().members[0].sip_port, Some(5060));
}

#[test]
fn call_managers_are_checked() {
    assert_eq!(
        parse_call_managers("").unwrap_err(),
        SettingsError::NoCallManager
    );
    assert_eq!(
        parse_call_managers("1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4 5.5.5.5 6.6.6.6").unwrap_err(),
        SettingsError::TooManyCallManagers(6)
    );
    assert_eq!(
        parse_call_managers("192.168.10.256").unwrap_err(),
        SettingsError::BadCallManager("192.168.10.256".into())
    );
    assert!(parse_call_managers("bad_name!").is_err());
    assert_eq!(
        parse_call_managers("10.0.0.1, cucm1.lan").unwrap(),
        ["10.0.0.1", "cucm1.lan"]
    );
}

#[test]
fn text_is_escaped_and_round_trips() {
    let mac: Mac = "00:11:22:aa:bb:cc".parse().unwrap();
    let settings = PhoneSettings {
        mac,
        protocol: Protocol::Sip,
        load: "SIP41.9-4-2SR3-1S".into(),
        call_managers: vec!["10.0.0.1".into()],
        sip: Some(SipSettings {
            proxy: "10.0.0.1".into(),
            port: 5060,
            lines: vec![SipLine {
                display_name: "Ann & <Bob> \"Reception\"".into(),
                user: "1001".into(),
                auth_name: "1001".into(),
                auth_password: "s3cret&<>".into(),
            }],
        }),
    };
    let (xml, findings) = sep_cnf(&settings).unwrap();
    assert!(findings.is_empty());
    assert!(xml.contains("&amp;") && xml.contains("&lt;"), "{xml}");
    let s = parse(&xml).unwrap();
    assert_eq!(s.root, "device");
    assert_eq!(s.protocol.as_deref(), Some("SIP"));
    assert_eq!(
        s.loads,
        [LoadInformation {
            device_id: None,
            model: None,
            load: "SIP41.9-4-2SR3-1S".into()
        }]
    );
    assert_eq!(s.sip_lines, [("1001".to_string(), 9)]);
    assert!(check(&sep_file_name(&mac), &xml, None).is_empty());
    assert_eq!(sep_file_name(&mac), "SEP001122AABBCC.cnf.xml");
}

#[test]
fn long_sip_passwords_warn() {
    let settings = PhoneSettings {
        mac: "001122334455".parse().unwrap(),
        protocol: Protocol::Sip,
        load: "SIP42.9-4-2SR3-1S".into(),
        call_managers: vec!["10.0.0.1".into()],
        sip: Some(SipSettings {
            proxy: "10.0.0.1".into(),
            port: 5060,
            lines: vec![SipLine {
                display_name: "x".into(),
                user: "2000".into(),
                auth_name: "2000".into(),
                auth_password: "thirteen-char".into(),
            }],
        }),
    };
    let (xml, findings) = sep_cnf(&settings).unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, Code::SipPasswordTooLong);
    assert_eq!(
        check("SEP001122334455.cnf.xml", &xml, None)[0].code,
        Code::SipPasswordTooLong
    );
}

#[test]
fn sccp_phone_file() {
    let (xml, _) = sep_cnf(&PhoneSettings {
        mac: "0011.22aa.bbcc".parse().unwrap(),
        protocol: Protocol::Sccp,
        load: "SCCP41.8-3-3S".into(),
        call_managers: vec!["10.0.0.1".into()],
        sip: None,
    })
    .unwrap();
    assert!(xml.contains("<deviceProtocol>SCCP</deviceProtocol>"));
    assert!(xml.contains("<loadInformation>SCCP41.8-3-3S</loadInformation>"));
    assert!(!xml.contains("sipProfile"));
    assert!(parse(&xml).unwrap().has_call_manager_group);
}

fn sip88(auth_name: &str) -> PhoneSettings {
    PhoneSettings {
        mac: "00:11:22:33:44:55".parse().unwrap(),
        protocol: Protocol::Sip,
        load: "sip88xx.14-2-1-0101-33".into(),
        call_managers: vec!["10.0.0.1".into()],
        sip: Some(SipSettings {
            proxy: "10.0.0.1".into(),
            port: 5060,
            lines: vec![SipLine {
                display_name: "Desk".into(),
                user: "2001".into(),
                auth_name: auth_name.into(),
                auth_password: "pw".into(),
            }],
        }),
    }
}

#[test]
fn an_8800_line_needs_its_own_auth_name_and_gets_kpml_off() {
    let (xml, findings) = sep_cnf(&sip88("phone2001")).unwrap();
    assert!(findings.is_empty());
    assert!(xml.contains("<authName>phone2001</authName>"), "{xml}");
    assert!(xml.contains("<kpml>0</kpml>"), "{xml}");
    assert_eq!(parse(&xml).unwrap().sip_lines, [("2001".to_string(), 2)]);

    for missing in ["", "  "] {
        let err = sep_cnf(&sip88(missing)).unwrap_err().to_string();
        assert!(err.contains("line 1 has no auth name"), "{err}");
        assert!(err.contains("an 8811/8841/8851/8861 registers"), "{err}");
    }

    // The 8845/8865 and 7800 series alike; a 79xx neither needs it nor gets kpml.
    let mut video = sip88("");
    video.load = "sip8845_65.14-2-1-0101-33".into();
    assert!(sep_cnf(&video).is_err());
    let mut s78 = sip88("");
    s78.load = "sip78xx.11-0-1-11".into();
    assert!(sep_cnf(&s78).is_err());
    let mut s41 = sip88("1001");
    s41.load = "SIP41.9-4-2SR3-1S".into();
    assert!(!sep_cnf(&s41).unwrap().0.contains("kpml"));
    s41.sip.as_mut().unwrap().lines[0].auth_name.clear();
    assert!(sep_cnf(&s41).is_ok(), "a 79xx falls back to the user");
}

#[test]
fn check_names_an_8800_line_without_auth_name_and_kpml_left_on() {
    let (good, _) = sep_cnf(&sip88("phone2001")).unwrap();
    assert!(check("SEP001122334455.cnf.xml", &good, None).is_empty());

    let bad = good
        .replace("<authName>phone2001</authName>", "<authName/>")
        .replace("<kpml>0</kpml>", "");
    let f = check("SEP001122334455.cnf.xml", &bad, None);
    let codes: Vec<Code> = f.iter().map(|f| f.code).collect();
    assert_eq!(codes, [Code::CnfNoAuthName, Code::CnfKpmlOn], "{f:?}");
    assert_eq!(f[0].subject, "SEP001122334455.cnf.xml line 2001");
    assert!(
        f[0].message.contains("An 8811/8841/8851/8861 registers"),
        "{}",
        f[0].message
    );

    // A 79xx file without authName is not the 8800's problem.
    let s41 = bad.replace("sip88xx.14-2-1-0101-33", "SIP41.9-4-2SR3-1S");
    assert!(check("SEP001122334455.cnf.xml", &s41, None).is_empty());
}
