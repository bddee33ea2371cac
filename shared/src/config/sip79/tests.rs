use super::*;
use crate::config::cnf_xml::SipLine;
use crate::firmware::inspect::{inspect_archive, inspect_zip};
use crate::testkit79::{SCCP79_LOAD, SIP79_LOAD, cop_name, sccp79_zip, sip79_cop, sip79_zip};
use proptest::prelude::*;

fn mac() -> Mac {
    "00:11:22:aa:bb:cc".parse().unwrap()
}

fn line(user: &str, password: &str) -> SipLine {
    SipLine {
        display_name: format!("Desk {user}"),
        user: user.into(),
        auth_name: user.into(),
        auth_password: password.into(),
    }
}

#[test]
fn the_image_name_comes_from_the_manifest_of_either_protocol() {
    let sip = inspect_zip("sip.zip", &sip79_zip()).unwrap();
    assert_eq!(image_name(&sip).as_deref(), Some(SIP79_LOAD));
    let sccp = inspect_zip("sccp.zip", &sccp79_zip()).unwrap();
    assert_eq!(image_name(&sccp).as_deref(), Some(SCCP79_LOAD));
    let cop = inspect_archive(&cop_name(SIP79_LOAD), &sip79_cop()).unwrap();
    assert_eq!(image_name(&cop).as_deref(), Some(SIP79_LOAD));
    // Not a 7940/7960 load: no OS79XX.TXT to write.
    let seed = inspect_zip("seed.zip", &crate::testkit::seed_zip()).unwrap();
    assert_eq!(image_name(&seed), None);
}

#[test]
fn os79xx_is_the_name_and_nothing_after_it() {
    let t = os79xx_txt("P0S3-8-12-00").unwrap();
    assert_eq!(t.as_bytes(), b"P0S3-8-12-00");
    assert!(os79xx_txt("P0S3-8-12-00\n").is_err());
    assert!(os79xx_txt("P0S3-8-12-00 ").is_err());
    assert!(os79xx_txt("SIP41.8-5-4S").is_err());
    assert!(os79xx_txt("").is_err());
    assert_eq!(protocol_letter("P0S3-8-12-00"), Some(Protocol::Sip));
    assert_eq!(protocol_letter("P0030801SR02"), Some(Protocol::Sccp));
    assert_eq!(protocol_letter("p0s3-8-12-00"), Some(Protocol::Sip));
    assert_eq!(protocol_letter("P0M3-1-0"), None);
    assert_eq!(protocol_letter("SIP41"), None);
}

#[test]
fn the_default_file_names_image_registrar_and_dial_plan() {
    let text = sip_default(&DefaultCnf {
        image: SIP79_LOAD.into(),
        proxy: "192.168.10.1".into(),
        port: 5060,
    })
    .unwrap();
    let e = parse(&text).unwrap();
    let get = |k: &str| e.iter().find(|e| e.key == k).map(|e| e.value.as_str());
    assert_eq!(get("image_version"), Some(SIP79_LOAD));
    assert_eq!(get("proxy1_address"), Some("192.168.10.1"));
    assert_eq!(get("proxy1_port"), Some("5060"));
    assert_eq!(get("proxy_register"), Some("1"));
    assert_eq!(get("dial_template"), Some("dialplan"));
    // What Lifeline writes, its own check accepts.
    assert_eq!(check(SIP_DEFAULT, &text, Some(&[SIP79_LOAD.into()])), []);
    assert!(
        sip_default(&DefaultCnf {
            image: SIP79_LOAD.into(),
            proxy: "10.0.0".into(),
            port: 5060
        })
        .is_err()
    );
}

#[test]
fn the_phone_file_holds_each_line_and_warns_about_long_passwords() {
    assert_eq!(sip_file_name(&mac()), "SIP001122AABBCC.cnf");
    let sip = SipSettings {
        proxy: "pbx.example".into(),
        port: 5060,
        lines: vec![line("201", "secret"), line("202", &"p".repeat(33))],
    };
    let (text, findings) = sip_phone(&mac(), SIP79_LOAD, Some(&sip)).unwrap();
    let e = parse(&text).unwrap();
    let get = |k: &str| e.iter().find(|e| e.key == k).map(|e| e.value.as_str());
    assert_eq!(get("line1_name"), Some("201"));
    assert_eq!(get("line1_authname"), Some("201"));
    assert_eq!(get("line1_password"), Some("secret"));
    assert_eq!(get("line1_displayname"), Some("Desk 201"));
    assert_eq!(get("line1_shortname"), Some("201"));
    assert_eq!(get("proxy2_address"), Some("pbx.example"));
    assert_eq!(get("line2_name"), Some("202"));
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, Code::SipPasswordTooLong);
    assert_eq!(findings[0].subject, "SIP001122AABBCC.cnf line 2");
    // 32 is the limit, not 31.
    let ok = SipSettings {
        lines: vec![line("201", &"p".repeat(32))],
        ..sip.clone()
    };
    assert!(
        sip_phone(&mac(), SIP79_LOAD, Some(&ok))
            .unwrap()
            .1
            .is_empty()
    );
    // Seven lines, a quote, a line break: refused with the reason.
    let seven = SipSettings {
        lines: (0..7).map(|i| line(&format!("2{i}"), "x")).collect(),
        ..sip.clone()
    };
    let err = sip_phone(&mac(), SIP79_LOAD, Some(&seven)).unwrap_err();
    assert!(err.to_string().contains("a 7960 has 6"), "{err}");
    let quote = SipSettings {
        lines: vec![line("201", "pa\"ss")],
        ..sip.clone()
    };
    let err = sip_phone(&mac(), SIP79_LOAD, Some(&quote)).unwrap_err();
    assert!(err.to_string().contains("line1_password"), "{err}");
    // No SIP profile: the image and the label only.
    let (text, _) = sip_phone(&mac(), SIP79_LOAD, None).unwrap();
    let keys: Vec<String> = parse(&text).unwrap().into_iter().map(|e| e.key).collect();
    assert_eq!(keys, ["image_version", "phone_label"]);
}

#[test]
fn dialplan_and_ringlist_are_what_the_phone_reads() {
    let xml = dialplan_xml();
    let mut r = quick_xml::Reader::from_str(&xml);
    let mut tags = Vec::new();
    loop {
        match r.read_event().unwrap() {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                tags.push(e.name().as_ref().to_string())
            }
            _ => {}
        }
    }
    assert_eq!(tags, ["DIALTEMPLATE", "TEMPLATE"]);
    assert_eq!(ringlist_dat(&[]).unwrap(), "");
    assert_eq!(
        ringlist_dat(&[("Chirp1.raw".into(), "Chirp 1".into())]).unwrap(),
        "Chirp1.raw\tChirp 1\r\n"
    );
    assert!(ringlist_dat(&[("Chirp 1.raw".into(), "x".into())]).is_err());
    assert!(ringlist_dat(&[("chirp.wav".into(), "x".into())]).is_err());
}

#[test]
fn the_reader_takes_quotes_comments_and_cr() {
    let text = "# comment\r\nimage_version: P0S3-8-12-00\r\n\
                line1_name: \"userid\"        ; Line 1 Extension\n\
                phone_label: \"a; b # c\"\n   \n  proxy1_port:5060 ; port\n";
    let e = parse(text).unwrap();
    let pairs: Vec<(&str, &str, usize)> = e
        .iter()
        .map(|e| (e.key.as_str(), e.value.as_str(), e.line))
        .collect();
    assert_eq!(
        pairs,
        [
            ("image_version", "P0S3-8-12-00", 2),
            ("line1_name", "userid", 3),
            ("phone_label", "a; b # c", 4),
            ("proxy1_port", "5060", 6),
        ]
    );
}

#[test]
fn the_reader_refuses_what_the_phone_cannot_read() {
    assert_eq!(
        parse("image_version P0S3"),
        Err(CnfTextError::NotKeyValue {
            line: 1,
            text: "image_version P0S3".into()
        })
    );
    assert_eq!(parse("a: \"open"), Err(CnfTextError::UnclosedQuote(1)));
    assert_eq!(parse("a: b\n\0"), Err(CnfTextError::ControlCharacter(2)));
    assert!(matches!(
        parse(&"a: b\n".repeat(MAX_CNF_TEXT)),
        Err(CnfTextError::TooLarge(_))
    ));
    assert_eq!(parse(&"\n".repeat(5000)), Err(CnfTextError::TooManyLines));
    assert_eq!(
        parse(&format!("a: {}", "x".repeat(2000))),
        Err(CnfTextError::LineTooLong(1))
    );
    assert_eq!(
        parse(": x").unwrap_err().to_string(),
        "line 1 is not `key: value`: `: x`"
    );
}

#[test]
fn check_names_each_problem_with_its_line() {
    let text = "image_verison: P0S3-8-12-00\n\
                image_version: P0S3-8-11-00\n\
                line1_password: \"0123456789abcdef0123456789abcdefX\"\n\
                phone_label: \"a very long label\"\n\
                totally_unknown: 1\n\
                line1_name: 201\nline1_name: 202\n";
    let f = check("SIP001122AABBCC.cnf", text, Some(&[SIP79_LOAD.into()]));
    let got: Vec<(Severity, Code, &str)> = f
        .iter()
        .map(|f| (f.severity, f.code, f.subject.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                Severity::Warning,
                Code::CnfUnknownKey,
                "SIP001122AABBCC.cnf line 1"
            ),
            (
                Severity::Error,
                Code::CnfUnknownLoad,
                "SIP001122AABBCC.cnf line 2"
            ),
            (
                Severity::Warning,
                Code::SipPasswordTooLong,
                "SIP001122AABBCC.cnf line 3"
            ),
            (
                Severity::Info,
                Code::CnfValueTooLong,
                "SIP001122AABBCC.cnf line 4"
            ),
            (
                Severity::Warning,
                Code::CnfUnknownKey,
                "SIP001122AABBCC.cnf line 5"
            ),
            (
                Severity::Info,
                Code::CnfDuplicateKey,
                "SIP001122AABBCC.cnf line 7"
            ),
        ]
    );
    assert!(
        f[0].message.contains("did you mean `image_version`"),
        "{}",
        f[0].message
    );
    assert_eq!(f[0].fix, "Write `image_version: P0S3-8-12-00`.");
    assert!(
        f[1].message.contains("it holds `P0S3-8-12-00`"),
        "{}",
        f[1].message
    );
    assert!(f[2].message.contains("33 characters"), "{}", f[2].message);
    assert!(!f[4].message.contains("did you mean"), "{}", f[4].message);
    // Without a bundle, the image is not judged.
    assert!(check("x.cnf", "image_version: P0S3-1-0-0\n", None).is_empty());
    let bad = check("x.cnf", "what is this", None);
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].code, Code::CnfMalformed);
    assert!(
        bad[0].message.contains("line 1 is not `key: value`"),
        "{}",
        bad[0].message
    );
}

fn key() -> impl Strategy<Value = String> {
    let all: Vec<String> = keys::all().collect();
    proptest::sample::select(all)
}

fn value() -> impl Strategy<Value = String> {
    // Anything the writer accepts: no quote, no control character, at most 128.
    proptest::collection::vec(
        any::<char>().prop_filter("writable", |c| *c != '"' && !c.is_control()),
        0..40,
    )
    .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #[test]
    fn what_is_written_reads_back(lines in proptest::collection::vec((key(), value()), 0..30)) {
        let text = write_lines(&lines).unwrap();
        let back: Vec<(String, String)> =
            parse(&text).unwrap().into_iter().map(|e| (e.key, e.value)).collect();
        prop_assert_eq!(back, lines);
    }

    #[test]
    fn the_phone_file_reads_back(
        user in "[0-9]{1,8}",
        password in "[!-~&&[^\"]]{0,40}",
        display in "[ -~&&[^\"]]{0,30}",
    ) {
        let sip = SipSettings {
            proxy: "10.0.0.1".into(),
            port: 5060,
            lines: vec![SipLine {
                display_name: display.clone(),
                user: user.clone(),
                auth_name: user.clone(),
                auth_password: password.clone(),
            }],
        };
        let (text, findings) = sip_phone(&mac(), SIP79_LOAD, Some(&sip)).unwrap();
        let e = parse(&text).unwrap();
        let get = |k: &str| e.iter().find(|e| e.key == k).map(|e| e.value.clone());
        prop_assert_eq!(get("line1_password"), Some(password.clone()));
        prop_assert_eq!(get("line1_displayname"), Some(display));
        prop_assert_eq!(findings.is_empty(), password.len() <= keys::PASSWORD_LIMIT);
        let checked = check("SIP001122AABBCC.cnf", &text, Some(&[SIP79_LOAD.into()]));
        prop_assert_eq!(checked.len(), usize::from(password.len() > keys::PASSWORD_LIMIT));
    }

    #[test]
    fn the_reader_never_panics(text in "\\PC{0,400}") {
        let _ = parse(&text);
        let _ = check("x.cnf", &text, Some(&[]));
    }
}

#[test]
fn an_os79xx_someone_wrote_is_checked() {
    let images = [SIP79_LOAD.to_string()];
    assert_eq!(check_os79xx(OS79XX, b"P0S3-8-12-00", Some(&images)), []);
    for bad in [
        &b"P0S3-8-12-00\n"[..],
        b"P0S3-8-12-00 ",
        b"P0S3-8-12-00\r\n",
    ] {
        let f = check_os79xx(OS79XX, bad, Some(&images));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::CnfMalformed);
        assert!(f[0].message.contains("CSCdv19260"), "{}", f[0].message);
    }
    let f = check_os79xx(OS79XX, b"SIP41.8-5-4S", None);
    assert!(
        f[0].message.contains("is not a 7940/7960 image name"),
        "{}",
        f[0].message
    );
    let f = check_os79xx(OS79XX, b"P0S3-8-11-00", Some(&images));
    assert_eq!(f[0].code, Code::CnfUnknownLoad);
    assert_eq!(
        f[0].fix,
        "Write `P0S3-8-12-00` in it (no newline at the end)."
    );
}
