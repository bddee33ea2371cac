use super::*;
use proptest::prelude::*;

fn sip79x1() -> Target {
    Target {
        family: Some(FamilyId::F7942_7962),
        family_name: "7942/7962".into(),
        protocol: Protocol::Sip,
    }
}

fn target(family: FamilyId, protocol: Protocol) -> Target {
    Target {
        family: Some(family),
        family_name: models::family(family).name.into(),
        protocol,
    }
}

fn problems(text: &str, t: &Target) -> Vec<String> {
    parse(text, t)
        .unwrap()
        .problems
        .iter()
        .map(|p| p.to_string())
        .collect()
}

#[test]
fn reads_columns_in_any_order_with_quotes_and_any_mac_form() {
    let text = "\u{feff}Label,extension,MAC,Password,display name,port,proxy,model,auth-name,protocol\r\n\
                \"Desk, front\",201,00:11:22:aa:bb:cc,s3cret,\"Ann \"\"A\"\" Lee\",5070,pbx.example.net,CP-7942G,ann201,sip\r\n\
                ,202,0011.22aa.bbcd,,,,,,,\r\n\
                \r\n\
                \"two\nlines\",203,SEP001122AABBCE,,,,,,,\n";
    let list = parse(text, &sip79x1()).unwrap();
    assert_eq!(list.problems.len(), 1, "{:?}", list.problems);
    assert_eq!(
        list.problems[0].to_string(),
        "line 5, column 1 (label): holds a line break or control character; a phone's configuration cannot carry one"
    );
    assert!(list.notes.is_empty(), "{:?}", list.notes);
    let a = &list.phones[0];
    assert_eq!(a.mac.to_string(), "001122AABBCC");
    assert_eq!(a.line, 2);
    assert_eq!(a.label, "Desk, front");
    assert_eq!(a.display_name, "Ann \"A\" Lee");
    assert_eq!((a.proxy.as_str(), a.port), ("pbx.example.net", Some(5070)));
    assert_eq!(a.model.as_deref(), Some("7942"));
    assert_eq!(a.protocol, Some(Protocol::Sip));
    let s = a.sip_settings(&sip79x1(), &["10.0.0.1".into()]).unwrap();
    assert_eq!(s.lines[0].auth_name, "ann201");
    let b = list.phones[1]
        .sip_settings(&sip79x1(), &["10.0.0.1".into()])
        .unwrap();
    assert_eq!((b.proxy.as_str(), b.port), ("10.0.0.1", 5060));
    assert_eq!(b.lines[0].auth_name, "202");
    assert_eq!(b.lines[0].display_name, "202");
    assert_eq!(list.phones.len(), 2);
}

#[test]
fn a_field_with_a_line_break_is_flagged_on_the_line_it_starts() {
    let text = "mac,label\n001122aabbcc,\"two\nlines\"\n001122aabbcd,x\n";
    let list = parse(text, &sip79x1()).unwrap();
    assert_eq!(
        list.problems[0].to_string(),
        "line 2, column 2 (label): holds a line break or control character; a phone's configuration cannot carry one"
    );
    assert_eq!(list.phones[0].line, 4);
}

#[test]
fn unknown_columns_are_ignored_with_a_note() {
    let list = parse("mac,room,Floor\n001122aabbcc,12,3\n", &sip79x1()).unwrap();
    assert_eq!(list.phones.len(), 1);
    assert_eq!(list.notes.len(), 1);
    assert!(
        list.notes[0].starts_with("ignored the columns `room`, `Floor`"),
        "{}",
        list.notes[0]
    );
}

#[test]
fn every_row_error_names_its_line_column_and_reason() {
    let t = sip79x1();
    let text = "mac,model,protocol,user,auth_name,password,display_name,proxy,port\n\
                00:11:22:aa:bb,,,,,,,,\n\
                001122000001,7999,,,,,,,\n\
                001122000002,7961,,,,,,,\n\
                001122000003,,h323,,,,,,\n\
                001122000004,,sccp,,,,,,\n\
                001122000005,,,301,,thirteen-char,,,\n\
                001122000006,,,302,,,,10.0.0.999,\n\
                001122000007,,,303,,,,,0\n\
                001122000008,,,,,secret,,,\n\
                001122000009,,,304,,,,,,extra\n";
    let p = problems(text, &t);
    let want = [
        "line 2, column 1 (mac): `00:11:22:aa:bb` is not a MAC address: it has 10 hex digits",
        "line 3, column 2 (model): `7999` is not a phone model Lifeline knows",
        "line 4, column 2 (model): this firmware (7942/7962) does not serve the 7961",
        "line 5, column 3 (protocol): `h323` is not a protocol; write SIP or SCCP",
        "line 6, column 3 (protocol): SCCP, and this firmware is SIP",
        "line 7, column 6 (password): 13 characters; the 79x1/79x2/79x5 (the 7942 is reported) fail to read longer ones: use 12 or fewer",
        "line 8, column 8 (proxy): `10.0.0.999` is not an IPv4 address or a host name",
        "line 9, column 9 (port): `0` is not a port",
        "line 10, column 4 (user): give the line's user",
        "line 11: 10 fields, and the header names 9 columns",
    ];
    assert_eq!(p.len(), want.len(), "{p:#?}");
    for (got, want) in p.iter().zip(want) {
        assert!(got.starts_with(want), "{got}\n  wanted {want}");
    }
    assert!(
        parse(text, &t).unwrap().phones.is_empty(),
        "no bad row kept"
    );
}

#[test]
fn duplicate_macs_and_extensions_name_the_first_line() {
    let text = "mac,user\n001122aabbcc,201\nSEP001122AABBCC,202\n001122aabbcd,201\n001122aabbce,\n001122aabbcf,\n";
    let list = parse(text, &sip79x1()).unwrap();
    let p: Vec<String> = list.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        p,
        [
            "line 3, column 1 (mac): MAC 001122AABBCC is also on line 2; each phone appears once",
            "line 4, column 2 (user): extension 201 is also on line 2; two phones registering as one user take the registration from each other",
        ]
    );
    assert_eq!(
        list.phones.len(),
        3,
        "rows without a user are not duplicates of each other"
    );
}

#[test]
fn the_7940_7960_take_32_character_passwords_and_no_quotes() {
    let t = target(FamilyId::F7940_7960, Protocol::Sip);
    let ok = format!("mac,user,password\n001122aabbcc,201,{}\n", "p".repeat(32));
    assert!(parse(&ok, &t).unwrap().problems.is_empty());
    let long = format!("mac,user,password\n001122aabbcc,201,{}\n", "p".repeat(33));
    assert!(problems(&long, &t)[0].contains("33 characters; a 7940/7960 cuts longer ones"));
    let quote = "mac,user,display_name\n001122aabbcc,201,\"say \"\"hi\"\"\"\n";
    assert!(problems(quote, &t)[0].contains("(display_name): holds a double quote"));
}

#[test]
fn an_88xx_row_needs_its_own_auth_name() {
    let t = target(FamilyId::F88xx, Protocol::Sip);
    let p = problems("mac,user,password\n001122aabbcc,201,x\n", &t);
    assert!(
        p[0].starts_with("line 2 (no `auth_name` column in the header): an 8811"),
        "{p:?}"
    );
    let list = parse("mac,user,auth_name,password\n001122aabbcc,201,a201,x\n", &t).unwrap();
    assert!(list.problems.is_empty());
    // No password limit is known for this family.
    let long = format!(
        "mac,user,auth_name,password\n001122aabbcc,201,a,{}\n",
        "p".repeat(40)
    );
    assert!(parse(&long, &t).unwrap().problems.is_empty());
}

#[test]
fn an_sccp_load_takes_no_sip_lines_and_says_so_once() {
    let t = target(FamilyId::F7941_7961, Protocol::Sccp);
    let list = parse(
        "mac,user,password\n001122aabbcc,201,x\n001122aabbcd,202,y\n",
        &t,
    )
    .unwrap();
    assert!(list.problems.is_empty());
    assert_eq!(list.notes.len(), 1);
    assert!(
        list.notes[0].contains("get no SIP lines, so the SIP fields on lines 2, 3 are not used")
    );
    assert_eq!(list.phones[0].sip_settings(&t, &["10.0.0.1".into()]), None);
}

#[test]
fn unreadable_lists_say_why() {
    let t = sip79x1();
    for (text, says) in [
        ("", "the phone list is empty"),
        ("\n\n", "the phone list is empty"),
        (
            "user,password\n201,x\n",
            "line 1: the header row has no `mac` column",
        ),
        (
            "mac,MAC\n",
            "line 1: the header names `mac` twice (columns 1 and 2)",
        ),
        (
            "mac,user,extension\n",
            "line 1: the header names `user` twice (columns 2 and 3)",
        ),
        (
            "mac\n\"001122aabbcc\n",
            "line 2: a quote opens a field and nothing closes it",
        ),
        (
            "mac,user\n001122aabbcc,2\"01\n",
            "line 2, column 2: a quote inside a field",
        ),
    ] {
        let e = parse(text, &t).unwrap_err().to_string();
        assert!(e.starts_with(says), "{text:?}: {e}");
    }
    let wide = format!("{}\n", "x,".repeat(MAX_COLUMNS + 1));
    assert!(matches!(
        parse(&wide, &t),
        Err(PhoneListError::TooManyColumns { line: 1 })
    ));
    let field = format!("mac\n{}\n", "a".repeat(MAX_FIELD + 1));
    assert!(matches!(
        parse(&field, &t),
        Err(PhoneListError::FieldTooLong { line: 2, column: 1 })
    ));
    let rows = format!("mac\n{}", "001122aabbcc\n".repeat(MAX_ROWS + 1));
    assert_eq!(parse(&rows, &t), Err(PhoneListError::TooManyRows));
    let big = "m".repeat(MAX_CSV + 1);
    assert_eq!(parse(&big, &t), Err(PhoneListError::TooLarge(MAX_CSV + 1)));
}

fn text() -> impl Strategy<Value = String> {
    "[ -~]{0,20}".prop_map(|s| s.trim().to_string())
}

prop_compose! {
    fn entry()(
        mac in any::<[u8; 6]>(),
        model in prop::option::of(Just("7942".to_string())),
        protocol in prop::option::of(Just(Protocol::Sip)),
        user in "[0-9]{1,6}",
        auth_name in text(),
        password in "[!-~]{0,12}",
        display_name in text(),
        proxy in prop::option::of("[a-z]{1,10}(\\.[a-z]{1,5})?"),
        port in prop::option::of(1u16..),
        label in text(),
    ) -> PhoneEntry {
        PhoneEntry {
            line: 0, mac: Mac(mac), model, protocol, user, auth_name, password,
            display_name, proxy: proxy.unwrap_or_default(), port, label,
        }
    }
}

proptest! {
    #[test]
    fn export_reads_back_as_the_same_phones(
        phones in prop::collection::vec(entry(), 0..8)
    ) {
        let mut phones = phones;
        // A list holds each MAC and user once.
        let mut seen = Vec::new();
        phones.retain(|p| {
            let fresh = !seen.iter().any(|(m, u): &(Mac, String)| *m == p.mac || *u == p.user);
            seen.push((p.mac, p.user.clone()));
            fresh
        });
        for (i, p) in phones.iter_mut().enumerate() {
            p.line = i + 2;
        }
        let csv = to_csv(&phones);
        let back = parse(&csv, &sip79x1()).unwrap();
        prop_assert_eq!(back.problems, vec![]);
        prop_assert_eq!(back.phones, phones);
    }

    #[test]
    fn any_text_is_read_or_refused_without_panicking(s in "[a-f0-9:,\"\r\n .SEP]{0,200}") {
        let _ = parse(&s, &sip79x1());
    }
}

#[test]
fn a_table_of_typed_rows_is_checked_as_a_file_is() {
    let t = sip79x1();
    let row = |mac: &str, user: &str, password: &str| {
        [mac, "", "", user, "", password, "", "", "", ""].map(str::to_string)
    };
    let rows = [
        row("001122aabbcc", "201", "s3cret"),
        row("00:11:22:zz:bb:cc", "202", ""),
        row("001122aabbcd", "201", ""),
        row("001122aabbce", "203", "thirteen-char"),
    ];
    let table = check(
        &Sheet::of_rows(rows.iter().cloned().enumerate().map(|(i, r)| (i + 2, r))),
        &t,
    );
    let file = parse(&rows_to_csv(rows.iter().cloned()), &t).unwrap();
    assert_eq!(table, file);
    let p: Vec<String> = table.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(p[0].starts_with("line 3, column 1 (mac): "), "{}", p[0]);
    assert!(p[1].starts_with("line 4, column 4 (user): extension 201 is also on line 2"));
    assert!(p[2].starts_with("line 5, column 6 (password): 13 characters"));
}
