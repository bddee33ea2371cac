use super::*;

fn l(name: &str) -> Load {
    Load::of_name(name).unwrap()
}

fn names(r: &Route) -> Vec<&str> {
    match r {
        Route::Via(v) => v.iter().map(|l| l.name.as_str()).collect(),
        other => panic!("no way: {other:?}"),
    }
}

/// The route of the band labelled `label`.
fn band_route<'p>(plan: &'p Plan, label: &str) -> &'p Route {
    &plan
        .routes
        .iter()
        .find(|(b, _)| b.label == label)
        .unwrap()
        .1
}

#[test]
fn a_start_names_a_load_of_the_phones_own_family_or_a_release() {
    let (f, p) = (FamilyId::F7941_7961, Protocol::Sccp);
    assert!(Running::parse_for("SCCP41.8-0-4S", f, p).is_ok());
    assert!(Running::parse_for("8.0(4)", f, p).is_ok());
    assert_eq!(
        Running::parse_for("soon", f, p),
        Err(StartError::Unreadable)
    );
    let e = Running::parse_for("SCCP11.8-0-4S", f, p).unwrap_err();
    assert_eq!(e, StartError::OtherFamily(FamilyId::F7911_7906));
    let words = e.words("SCCP11.8-0-4S", f);
    assert!(
        words.contains("7911") && words.contains("7941/7961"),
        "{words}"
    );
    assert!(
        StartError::Unreadable
            .words(" soon ", f)
            .starts_with("`soon` is not a load Lifeline reads: give a release such as 8.0(4)")
    );
}

#[test]
fn loads_and_starts_read() {
    let t = l("SCCP41.9-4-2SR3-1S.loads");
    assert_eq!(t.family, FamilyId::F7941_7961);
    assert_eq!(t.protocol, Protocol::Sccp);
    assert_eq!(t.label(), "9.4(2)SR3");
    let r = Running::parse("8.0(4)", Protocol::Sccp).unwrap();
    assert_eq!(
        (r.version.major, r.version.minor, r.version.maint),
        (8, 0, 4)
    );
    assert_eq!(r.protocol, Protocol::Sccp);
    let r = Running::parse("SIP 8.12(0)", Protocol::Sccp).unwrap();
    assert_eq!(r.protocol, Protocol::Sip);
    assert_eq!(r.label(FamilyId::F7940_7960), "SIP 8.12(0)");
    let r = Running::parse("SCCP41.8-0-4S", Protocol::Sip).unwrap();
    assert_eq!(r.name.as_deref(), Some("SCCP41.8-0-4S"));
    assert!(r.is(&l("SCCP41.8-0-4S")));
    assert_eq!(
        Running::parse("9.4(2)SR3", Protocol::Sip)
            .unwrap()
            .version
            .suffix,
        "SR3"
    );
    for bad in ["", "unknown", "eight", "8", "8.x", &"9".repeat(80)] {
        assert_eq!(Running::parse(bad, Protocol::Sip), None, "{bad}");
    }
}

#[test]
fn versions_order_with_suffixes() {
    let v = |s: &str| Version::parse(s).unwrap();
    assert!(cmp_version(&v("9-4-2"), &v("9-4-2SR1")).is_lt());
    assert!(cmp_version(&v("9-4-2SR2"), &v("9-4-2SR10")).is_lt());
    assert!(cmp_version(&v("8-5-2"), &v("9-0-1")).is_lt());
    assert_eq!(cmp_version(&v("8-5-2S"), &v("8-5-2")), Ordering::Equal);
}

#[test]
fn an_old_79x1_goes_through_8_5_2() {
    let loads = [l("SCCP41.8-5-2S"), l("SCCP41.9-4-2SR3-1S")];
    let plan = Plan::new(&loads, None).unwrap();
    assert_eq!(plan.target.name, "SCCP41.9-4-2SR3-1S");
    assert_eq!(plan.routes.len(), 2);
    assert_eq!(plan.routes[0].0.label, "before 8.3(3)");
    assert_eq!(
        names(&plan.routes[0].1),
        ["SCCP41.8-5-2S", "SCCP41.9-4-2SR3-1S"]
    );
    assert_eq!(names(&plan.routes[1].1), ["SCCP41.9-4-2SR3-1S"]);
    assert_eq!(plan.hops().len(), 1);
    let lines = plan.lines();
    assert!(lines[1].contains("2 hops: 8.5(2) → 9.4(2)SR3"), "{lines:?}");
    assert!(lines[2].contains("straight to 9.4(2)SR3"), "{lines:?}");
    // A phone on the hop goes on; one on the target is there.
    let on_hop = l("SCCP41.8-5-2S").running();
    assert_eq!(names(&plan.route_from(&on_hop)), ["SCCP41.9-4-2SR3-1S"]);
    assert_eq!(
        plan.route_from(&l("SCCP41.9-4-2SR3-1S").running()),
        Route::Via(vec![])
    );
}

#[test]
fn a_missing_hop_is_named() {
    let plan = Plan::new(&[l("SIP41.9-4-2SR3-1S")], None).unwrap();
    match &plan.routes[0].1 {
        Route::Missing(n) => assert_eq!(n.words, "any 8.5(2) load for 7941/7961"),
        other => panic!("{other:?}"),
    }
    assert!(plan.lines()[1].contains("needs any 8.5(2) load for 7941/7961 first"));
    // A load out of the hop's range does not meet it.
    let plan = Plan::new(&[l("SIP41.8-5-3S"), l("SIP41.9-4-2SR3-1S")], None).unwrap();
    assert!(matches!(plan.routes[0].1, Route::Missing(_)));
    assert_eq!(plan.unused().len(), 1);
}

#[test]
fn the_7960_chain_and_its_impossible_way() {
    // SCCP 4.x to SIP 8.12 needs SCCP 5.x or later first.
    let loads = [l("P00305020100"), l("P0S3-8-12-00")];
    let plan = Plan::new(&loads, None).unwrap();
    assert_eq!(plan.target.name, "P0S3-8-12-00");
    let by = |label: &str| band_route(&plan, label);
    assert_eq!(
        names(by("SCCP before 5.x")),
        ["P00305020100", "P0S3-8-12-00"]
    );
    assert_eq!(names(by("SCCP 5.x or later")), ["P0S3-8-12-00"]);
    assert_eq!(names(by("SIP before 5.x (unsigned)")), ["P0S3-8-12-00"]);
    // Back to unsigned SIP is impossible, whatever is given.
    let plan = Plan::new(&[l("P0S3-04-4-00")], None).unwrap();
    let by = |label: &str| band_route(&plan, label);
    assert!(matches!(by("SIP 7.x or later"), Route::Impossible(..)));
    assert!(matches!(by("SCCP before 5.x"), Route::Missing(_)));
    // SIP 6 to SCCP needs SIP 7 first.
    let plan = Plan::new(&[l("P0030801SR02")], None).unwrap();
    match &plan.routes[3].1 {
        Route::Missing(n) => assert_eq!(n.words, "any SIP load of 7.x or later for 7940/7960"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn plans_refuse_what_cannot_be_one() {
    assert_eq!(Plan::new(&[], None), Err(PlanError::NoLoads));
    let e = Plan::new(&[l("SCCP41.8-5-2S"), l("SCCP42.8-5-2S")], None).unwrap_err();
    assert!(e.to_string().contains("7941/7961, 7942/7962"), "{e}");
    let e = Plan::new(&[l("SCCP41.8-5-2S")], Some("SCCP41.9-4-2SR3-1S")).unwrap_err();
    assert!(e.to_string().contains("name one of them"), "{e}");
    // A named target may be older than another load given.
    let p = Plan::new(
        &[l("SCCP41.8-5-2S"), l("SCCP41.9-4-2SR3-1S")],
        Some("SCCP41.8-5-2S.loads"),
    )
    .unwrap();
    assert_eq!(p.target.name, "SCCP41.8-5-2S");
    assert_eq!(p.routes.len(), 1);
}

#[test]
fn the_newer_families_and_the_7960s_long_names_read_as_loads() {
    let l = Load::of_name("sip8845_65.14-2-1-0101-33.loads").unwrap();
    assert_eq!(l.family, FamilyId::F8845_65);
    assert_eq!(
        (l.version.major, l.version.minor, l.version.maint),
        (14, 2, 1)
    );
    let l = Load::of_name("P00305000300").unwrap();
    assert_eq!(l.label(), "SCCP 5.0(3)");
}

#[test]
fn of_two_hops_that_would_do_the_newer_is_taken() {
    let loads = [
        l("SCCP41.8-3-3S"),
        l("SCCP41.8-5-2S"),
        l("SCCP41.9-4-2SR3-1S"),
    ];
    let plan = Plan::new(&loads, None).unwrap();
    assert_eq!(
        names(&plan.routes[0].1),
        ["SCCP41.8-5-2S", "SCCP41.9-4-2SR3-1S"]
    );
    assert_eq!(plan.unused().len(), 1);
    assert_eq!(plan.unused()[0].name, "SCCP41.8-3-3S");
}
