use super::*;
use std::net::Ipv4Addr;

const HOP: &str = "SCCP41.8-5-2S";
const TARGET: &str = "SCCP41.9-4-2SR3-1S";
const SEP: &str = "SEP001122AABB01.cnf.xml";
const MAC: &str = "001122AABB01";

fn plan(start: Option<&str>) -> BundlePlan {
    let load = |n: &str, rec: bool| PlanLoad {
        name: n.into(),
        config_name: n.into(),
        recovery: if rec {
            vec![Recovery {
                asked: "term61.default.loads".into(),
                file: hop_recovery_file(n, "term61.default.loads"),
            }]
        } else {
            Vec::new()
        },
    };
    BundlePlan {
        target: TARGET.into(),
        loads: vec![load(HOP, true), load(TARGET, false)],
        start: start.map(str::to_string),
    }
}

fn addr(n: u8) -> Option<IpAddr> {
    Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, n)))
}

/// A configuration request whose transfer ends (the phone got it whole).
fn ask(w: &mut Walker, a: Option<IpAddr>, name: &str, t: u64) -> (Serve, Option<WalkStatus>) {
    w.request(a, name, t)
}

fn offer(s: &Serve) -> &str {
    match s {
        // The bundle's own file, which names the target.
        Serve::AsIs => TARGET,
        Serve::Config(Offer::Load(n)) => n,
        Serve::Config(Offer::Keep) => "keep",
        other => panic!("{other:?}"),
    }
}

/// A phone that runs `running` and takes what it is offered: returns the loads it
/// ran after each boot, until it has asked for its configuration twice on one load.
fn walk_phone(w: &mut Walker, mut running: &'static str, n: u8) -> Vec<&'static str> {
    let mut ran = vec![running];
    let mut t = 0;
    let mut same = 0;
    for _ in 0..20 {
        t += 1000;
        let (s, _) = ask(w, addr(n), SEP, t);
        let o = offer(&s).to_string();
        if o == running || o == "keep" {
            same += 1;
            if same == 2 {
                return ran;
            }
            continue;
        }
        same = 0;
        w.request(addr(n), &format!("{o}.loads"), t + 10);
        running = if o == HOP { HOP } else { TARGET };
        ran.push(running);
    }
    panic!("no end: {ran:?}");
}

#[test]
fn an_old_phone_is_walked_through_the_hop_and_seen_on_each_load() {
    let mut w = Walker::new(&plan(Some("8.0(4)"))).unwrap();
    // Boot 1 on 8.0(4): offered the hop.
    let (s, st) = ask(&mut w, addr(1), SEP, 1000);
    assert_eq!(offer(&s), HOP);
    let st = st.unwrap();
    assert_eq!(st.path, ["8.0(4)", "8.5(2)", "9.4(2)SR3"]);
    assert_eq!((st.hop, st.hops, &st.state), (1, 2, &WalkState::Offered));
    assert_eq!(
        status_words(&st),
        "8.0(4) → 8.5(2) → 9.4(2)SR3: hop 1 of 2, offered"
    );
    // It fetches the hop: fetching.
    let (s, st) = w.request(addr(1), &format!("{HOP}.loads"), 1100);
    assert_eq!(s, Serve::AsIs);
    assert_eq!(st.unwrap().state, WalkState::Fetching);
    // Boot 2 after flashing: not yet seen on it, so offered the hop again.
    let (s, _) = ask(&mut w, addr(1), SEP, 2000);
    assert_eq!(offer(&s), HOP);
    // Boot 3 without fetching: it runs the hop; moved on to the target.
    let (s, st) = ask(&mut w, addr(1), SEP, 3000);
    assert_eq!(offer(&s), TARGET);
    let st = st.unwrap();
    assert_eq!((st.hop, st.on.as_deref()), (2, Some("8.5(2)")));
    assert_eq!(st.steps[0].on_ms, Some(3000));
    w.request(addr(1), &format!("{TARGET}.loads"), 3100);
    let (s, _) = ask(&mut w, addr(1), SEP, 4000);
    assert_eq!(offer(&s), TARGET);
    let (s, st) = ask(&mut w, addr(1), SEP, 5000);
    assert_eq!(offer(&s), TARGET);
    let st = st.unwrap();
    assert_eq!(st.state, WalkState::Done);
    assert_eq!(
        status_words(&st),
        "8.0(4) → 8.5(2) → 9.4(2)SR3: on 9.4(2)SR3"
    );
    assert_eq!(st.steps.len(), 2);
}

#[test]
fn phones_from_each_start_reach_the_target_and_never_skip_the_hop() {
    let mut w = Walker::new(&plan(Some("8.0(4)"))).unwrap();
    assert_eq!(
        walk_phone(&mut w, "SCCP41.8-0-4S", 1),
        ["SCCP41.8-0-4S", HOP, TARGET]
    );
    // Phones told their own start.
    w.set_start("10.0.0.2", Some("SCCP41.8-3-3S"), 0).unwrap();
    assert_eq!(
        walk_phone(&mut w, "SCCP41.8-3-3S", 2),
        ["SCCP41.8-3-3S", TARGET]
    );
    w.set_start("10.0.0.3", Some(TARGET), 0).unwrap();
    assert_eq!(walk_phone(&mut w, TARGET, 3), [TARGET]);
}

#[test]
fn an_unknown_start_offers_nothing_until_the_person_says() {
    let mut w = Walker::new(&plan(None)).unwrap();
    let (s, st) = ask(&mut w, addr(1), SEP, 1000);
    assert_eq!(s, Serve::Config(Offer::Keep));
    assert_eq!(st.unwrap().state, WalkState::AskStart);
    // Asked again: the same hold, no new status.
    assert_eq!(
        ask(&mut w, addr(1), SEP, 2000),
        (Serve::Config(Offer::Keep), None)
    );
    // A wiped phone gets "File not found".
    assert_eq!(
        w.request(addr(2), "term61.default.loads", 2000).0,
        Serve::Hold
    );
    // Said for the phone by MAC: walked.
    w.set_start("00:11:22:aa:bb:01", Some("8.0(4)"), 2500)
        .unwrap();
    assert_eq!(offer(&ask(&mut w, addr(1), SEP, 3000).0), HOP);
    assert!(w.set_start("x", Some("8.0(4)"), 0).is_err());
    assert!(
        w.set_start("10.0.0.9", Some("soon"), 0)
            .unwrap_err()
            .contains("8.0(4)")
    );
    // A load of another family is no start for these phones.
    let e = w
        .set_start("10.0.0.9", Some("SCCP11.8-0-4S"), 0)
        .unwrap_err();
    assert!(e.contains("is a load for the"), "{e}");
}

#[test]
fn an_announced_load_is_what_the_phone_runs() {
    let mut w = Walker::new(&plan(None)).unwrap();
    let st = w
        .announced("001122AABB01", addr(1), HOP, "CDP", 10)
        .unwrap();
    assert_eq!(st.on.as_deref(), Some("8.5(2)"));
    assert_eq!(offer(&ask(&mut w, addr(1), SEP, 1000).0), TARGET);
    // Another family's load says nothing.
    assert_eq!(
        w.announced("001122AABB02", addr(2), "SCCP42.8-5-2S", "CDP", 10),
        None
    );
}

#[test]
fn a_wiped_phone_gets_the_first_hops_recovery_manifest() {
    let mut w = Walker::new(&plan(Some("8.0(4)"))).unwrap();
    let (s, st) = w.request(addr(1), "term61.default.loads", 1000);
    assert_eq!(s, Serve::File(format!("{HOP}.term61.default.loads")));
    assert_eq!(st.unwrap().state, WalkState::Fetching);
    // After it boots on the hop, its configuration names the hop, then the target.
    assert_eq!(offer(&ask(&mut w, addr(1), SEP, 2000).0), HOP);
    assert_eq!(offer(&ask(&mut w, addr(1), SEP, 3000).0), TARGET);
    // A phone that starts on 8.3(3) is given the target's own.
    let mut w = Walker::new(&plan(Some("8.3(3)"))).unwrap();
    assert_eq!(
        w.request(addr(1), "term61.default.loads", 1000).0,
        Serve::AsIs
    );
}

#[test]
fn a_phone_that_keeps_refusing_a_load_is_held() {
    // Told 8.3(3), the phone really runs 8.0(4): it fetches the target and refuses it.
    let mut w = Walker::new(&plan(Some("8.3(3)"))).unwrap();
    let mut last = None;
    for k in 0..=MAX_ATTEMPTS + 1 {
        let (s, st) = ask(&mut w, addr(1), SEP, 1000 * u64::from(k));
        if s == Serve::Config(Offer::Keep) {
            last = st;
            break;
        }
        assert_eq!(offer(&s), TARGET);
        w.request(addr(1), &format!("{TARGET}.loads"), 1000 * u64::from(k) + 1);
    }
    let last = last.unwrap();
    assert_eq!(last.state, WalkState::Refused);
    assert!(last.detail.unwrap().contains("Load Authentication Failed"));
}

#[test]
fn a_missing_hop_holds_the_phone_and_says_what_to_add() {
    let mut p = plan(Some("8.0(4)"));
    p.loads.remove(0);
    let mut w = Walker::new(&p).unwrap();
    let (s, st) = ask(&mut w, addr(1), SEP, 1000);
    assert_eq!(s, Serve::Config(Offer::Keep));
    let st = st.unwrap();
    assert_eq!(st.state, WalkState::Missing);
    assert!(
        status_words(&st).contains("any 8.5(2) load for 7941/7961"),
        "{st:?}"
    );
    // With one load only and no start, the bundle is served as it is.
    let mut w = Walker::new(&BundlePlan { start: None, ..p }).unwrap();
    assert_eq!(ask(&mut w, addr(1), SEP, 1000), (Serve::AsIs, None));
}

#[test]
fn the_walk_survives_a_restart() {
    let mut w = Walker::new(&plan(Some("8.0(4)"))).unwrap();
    ask(&mut w, addr(1), SEP, 1000);
    w.request(addr(1), &format!("{HOP}.loads"), 1100);
    ask(&mut w, addr(1), SEP, 2000);
    let kept = serde_json::to_string(w.phones()).unwrap();
    let mut again = Walker::new(&plan(Some("8.0(4)"))).unwrap();
    again.restore(serde_json::from_str(&kept).unwrap());
    // Not sent back to the hop's start: seen on the hop, moved on.
    assert_eq!(offer(&again.request(addr(1), SEP, 3000).0), TARGET);
}

#[test]
fn requests_are_classified() {
    assert_eq!(ask_of("SEP001122AABB01.cnf.xml"), Ask::Config(0));
    assert_eq!(ask_of("SIP001122AABB01.cnf"), Ask::Config(1));
    assert_eq!(ask_of("SEPDefault.cnf.xml"), Ask::Config(2));
    assert_eq!(ask_of("/XMLDefault.cnf.xml"), Ask::Config(3));
    assert_eq!(ask_of("SIPDefault.cnf"), Ask::Config(4));
    assert_eq!(ask_of("TERM61.DEFAULT.LOADS"), Ask::Recovery);
    assert_eq!(ask_of("OS79XX.TXT"), Ask::Recovery);
    assert_eq!(ask_of("SCCP41.8-5-2S.loads"), Ask::Manifest);
    assert_eq!(ask_of("CTLSEP001122AABB01.tlv"), Ask::Other);
    assert_eq!(ask_of("jar41sccp.8-5-2S.sbn"), Ask::Other);
}

#[test]
fn an_announcement_ends_a_hold_and_shows_the_way_before_any_request() {
    let mut w = Walker::new(&plan(None)).unwrap();
    let (_, st) = ask(&mut w, addr(1), SEP, 1000);
    assert_eq!(st.unwrap().state, WalkState::AskStart);
    let st = w
        .announced("001122AABB01", addr(1), "SCCP41.8-2-1S", "CDP", 1500)
        .unwrap();
    assert_eq!(st.state, WalkState::Waiting);
    assert_eq!(st.path, ["8.2(1)", "8.5(2)", "9.4(2)SR3"]);
    assert_eq!(
        status_words(&st),
        "8.2(1) → 8.5(2) → 9.4(2)SR3: runs 8.2(1); waits for it to ask for its configuration"
    );
    assert_eq!(offer(&ask(&mut w, addr(1), SEP, 2000).0), HOP);
}

#[test]
fn a_phone_seen_by_address_then_by_mac_is_one_phone() {
    let mut w = Walker::new(&plan(Some("8.0(4)"))).unwrap();
    w.request(addr(1), "term61.default.loads", 10);
    ask(&mut w, addr(1), SEP, 20);
    assert_eq!(w.phones().len(), 1);
    assert_eq!(w.phones()[0].mac.as_deref(), Some("001122AABB01"));
    // The same MAC from another address: the phone moved.
    ask(&mut w, addr(2), SEP, 30);
    assert_eq!(w.phones().len(), 1);
    assert_eq!(w.phones()[0].address, addr(2));
}

#[test]
fn an_ipv4_address_seen_through_ipv6_is_the_same_phone() {
    let mut w = Walker::new(&plan(Some("8.0(4)"))).unwrap();
    let mapped = |n: u8| Some(IpAddr::V6(Ipv4Addr::new(10, 0, 0, n).to_ipv6_mapped()));
    // TFTP on `[::]` hands the default configuration to `::ffff:10.0.0.1`.
    let (s, st) = ask(&mut w, mapped(1), "XMLDefault.cnf.xml", 1000);
    assert_eq!(offer(&s), HOP);
    assert_eq!(
        st.unwrap().address,
        addr(1),
        "the card's address is the phone's"
    );
    // HTTP on 0.0.0.0 sees the same phone fetch the hop.
    let (_, st) = w.request(addr(1), &format!("{HOP}.loads"), 1100);
    assert_eq!(st.unwrap().state, WalkState::Fetching);
    assert_eq!(w.phones().len(), 1);
    // A cut-off transfer is the same phone's too.
    ask(&mut w, mapped(1), "XMLDefault.cnf.xml", 2000);
    assert!(w.cut_off(mapped(1), "XMLDefault.cnf.xml"));
    assert!(!w.cut_off(addr(1), "XMLDefault.cnf.xml"), "already cut off");
}

#[test]
fn a_7960s_several_configurations_of_one_boot_are_one_boot() {
    let load = |n: &str| PlanLoad {
        name: n.into(),
        config_name: n.into(),
        recovery: Vec::new(),
    };
    let plan = BundlePlan {
        target: "P0S3-8-12-00".into(),
        loads: vec![load("P00305000300"), load("P0S3-8-12-00")],
        start: Some("SCCP 4.0(0)".into()),
    };
    let mut w = Walker::new(&plan).unwrap();
    let boot = |w: &mut Walker, t: u64| -> Vec<Serve> {
        [
            "SEP001122AABB01.cnf.xml",
            "SIP001122AABB01.cnf",
            "SIPDefault.cnf",
        ]
        .iter()
        .map(|n| ask(w, addr(1), n, t).0)
        .collect()
    };
    let hop = Serve::Config(Offer::Load("P00305000300".into()));
    // Every file of the first boot names the SCCP 5 hop.
    assert_eq!(boot(&mut w, 1000), [hop.clone(), hop.clone(), hop.clone()]);
    // Not yet seen on it: it took it (asked for its manifest), so the same again.
    w.request(addr(1), "P00305000300.loads", 1100);
    assert_eq!(boot(&mut w, 2000), [hop.clone(), hop.clone(), hop.clone()]);
    // A boot without the manifest: it runs the hop; every file names the target.
    assert_eq!(boot(&mut w, 3000), [Serve::AsIs, Serve::AsIs, Serve::AsIs]);
}

#[test]
fn a_configuration_cut_off_on_its_way_tells_nothing() {
    let mut w = Walker::new(&plan(Some("8.0(4)"))).unwrap();
    // Offered the hop, but the transfer was cut off (the helper stopped).
    assert_eq!(offer(&w.request(addr(1), SEP, 1000).0), HOP);
    assert!(w.cut_off(addr(1), SEP));
    assert!(!w.cut_off(addr(1), SEP), "once");
    // The next boot is not taken for "runs the hop": the hop again.
    assert_eq!(offer(&ask(&mut w, addr(1), SEP, 2000).0), HOP);
    // Whole this time, and a boot without the manifest: now it runs it.
    assert_eq!(offer(&ask(&mut w, addr(1), SEP, 3000).0), TARGET);
    // Another file, or a phone the walker does not know, changes nothing.
    assert!(!w.cut_off(addr(1), "SCCP41.8-5-2S.loads"));
    assert!(!w.cut_off(addr(9), "SEP00112233FFFF.cnf.xml"));
}

#[test]
fn a_security_file_tells_which_phone_is_at_an_address() {
    let mut w = Walker::new(&plan(Some("8.0(4)"))).unwrap();
    assert_eq!(
        w.request(addr(1), "CTLSEP001122AABB07.tlv", 10),
        (Serve::AsIs, None)
    );
    let (_, st) = ask(&mut w, addr(1), "XMLDefault.cnf.xml", 20);
    assert_eq!(st.unwrap().mac.as_deref(), Some("001122AABB07"));
}

#[test]
fn an_announced_target_after_the_last_hop_ends_the_walk() {
    let mut w = Walker::new(&plan(Some("8.0(4)"))).unwrap();
    assert_eq!(
        walk_phone(&mut w, "SCCP41.8-0-4S", 1),
        ["SCCP41.8-0-4S", HOP, TARGET]
    );
    let mut w = Walker::new(&plan(Some("8.0(4)"))).unwrap();
    // Offered the target from the hop, the phone reboots and announces it runs it.
    w.announced("001122AABB01", addr(1), HOP, "CDP", 10)
        .unwrap();
    assert_eq!(offer(&ask(&mut w, addr(1), SEP, 20).0), TARGET);
    let st = w
        .announced("001122AABB01", addr(1), TARGET, "CDP", 30)
        .unwrap();
    assert_eq!(st.state, WalkState::Done);
    assert!(
        status_words(&st).ends_with(": on 9.4(2)SR3"),
        "{}",
        status_words(&st)
    );
    // The same announcement again changes nothing.
    assert_eq!(
        w.announced("001122AABB01", addr(1), TARGET, "CDP", 40),
        None
    );
}

#[test]
fn every_state_travels_under_its_serde_name() {
    // The page reads states with `parse` and the helper writes them with serde:
    // both spell them alike, and each reads back as itself.
    for state in WalkState::ALL {
        let serde = serde_json::to_string(&state).unwrap();
        assert_eq!(serde, format!("\"{}\"", state.as_str()));
        assert_eq!(WalkState::parse(state.as_str()), state);
    }
    assert_eq!(WalkState::parse("newer"), WalkState::Other);
}

#[test]
fn a_boot_that_changes_nothing_says_nothing() {
    let mut w = Walker::new(&plan(Some("8.0(4)"))).unwrap();
    assert_eq!(
        walk_phone(&mut w, "SCCP41.8-0-4S", 1),
        ["SCCP41.8-0-4S", HOP, TARGET]
    );
    let (s, st) = ask(&mut w, addr(1), SEP, 90_000);
    assert_eq!(offer(&s), TARGET);
    assert_eq!(st, None, "on the target already: no news for its card");
    // A wiped phone that asks for the hop's recovery manifest again and again
    // is told once.
    let (s, st) = w.request(addr(2), "term61.default.loads", 1000);
    assert!(matches!(s, Serve::File(_)));
    assert_eq!(st.unwrap().state, WalkState::Fetching);
    let (again, st) = w.request(addr(2), "term61.default.loads", 2000);
    assert_eq!(again, s);
    assert_eq!(st, None);
    // A phone at a new address is news, though its way is the same.
    let (_, st) = ask(&mut w, addr(3), SEP, 91_000);
    assert_eq!(st.unwrap().address, addr(3));
}

#[test]
fn a_start_typed_wrong_is_corrected_and_the_way_worked_out_again() {
    // Typed 8.3(3); the phone really runs 8.0(4): offered the target, it fetches
    // it and comes back without running it.
    let mut w = Walker::new(&plan(None)).unwrap();
    let st = w.set_start(MAC, Some("8.3(3)"), 0).unwrap().unwrap();
    assert_eq!(
        st.said,
        Some(Said {
            label: "8.3(3)".into(),
            here: true
        })
    );
    assert_eq!(offer(&ask(&mut w, addr(1), SEP, 1000).0), TARGET);
    w.request(addr(1), &format!("{TARGET}.loads"), 1100);
    assert_eq!(offer(&ask(&mut w, addr(1), SEP, 2000).0), TARGET);
    // Corrected on its card: the way is worked out again from 8.0(4), and the
    // target offered from 8.3(3) is not taken for what it runs.
    let st = w.set_start(MAC, Some("8.0(4)"), 2500).unwrap().unwrap();
    assert_eq!(st.path, ["8.0(4)", "8.5(2)", "9.4(2)SR3"]);
    assert_eq!((st.state, st.hop), (WalkState::Waiting, 0));
    assert_eq!(st.said.unwrap().label, "8.0(4)");
    let (s, st) = ask(&mut w, addr(1), SEP, 3000);
    assert_eq!(offer(&s), HOP);
    assert_eq!(st.unwrap().hop, 1);
    // Kept so across a restart.
    let kept = serde_json::to_string(w.phones()).unwrap();
    let mut again = Walker::new(&plan(None)).unwrap();
    again.restore(serde_json::from_str(&kept).unwrap());
    assert_eq!(
        again.status_of(MAC).unwrap().path,
        ["8.0(4)", "8.5(2)", "9.4(2)SR3"]
    );
    // Seen on the hop by a boot (it did not fetch the load offered): a
    // suggestion, which the card still lets the person correct.
    again.request(addr(1), &format!("{HOP}.loads"), 3100);
    ask(&mut again, addr(1), SEP, 4000);
    let st = ask(&mut again, addr(1), SEP, 5000).1.unwrap();
    assert_eq!((st.on.as_deref(), &st.said), (Some("8.5(2)"), &None));
    assert_eq!(st.seen_by.as_deref(), Some(SEEN_BOOT));
    assert!(start_correctable(&st));
    assert_eq!(
        start_words(&st).unwrap(),
        "Lifeline saw it run 8.5(2): it came back from a boot without fetching it after Lifeline offered it. If its Settings → Status → Firmware Versions says otherwise, change it:"
    );
    // Typing what the boot suggested changes nothing.
    let same = again.set_start(MAC, Some("8.5(2)"), 6000).unwrap().unwrap();
    assert_eq!(
        (same.on.as_deref(), same.path.clone()),
        (Some("8.5(2)"), st.path.clone())
    );
    // Typing another start replaces it: the way is worked out from what was typed.
    let st = again
        .set_start(MAC, Some("8.3(3)"), 185_000)
        .unwrap()
        .unwrap();
    assert_eq!((st.on.as_deref(), st.seen_by.as_deref()), (None, None));
    assert_eq!(st.path, ["8.3(3)", "9.4(2)SR3"]);
    assert_eq!(st.said.unwrap().label, "8.3(3)");
    assert_eq!(offer(&ask(&mut again, addr(1), SEP, 186_000).0), TARGET);
}

#[test]
fn the_plans_start_is_corrected_for_one_phone_and_an_announcement_is_not() {
    let mut w = Walker::new(&plan(Some("8.3(3)"))).unwrap();
    let st = ask(&mut w, addr(1), SEP, 1000).1.unwrap();
    assert_eq!(
        st.said,
        Some(Said {
            label: "8.3(3)".into(),
            here: false
        })
    );
    assert!(
        start_words(&st).unwrap().starts_with(
            "Lifeline walks it from 8.3(3), the start given for every phone of the bundle."
        ),
        "{st:?}"
    );
    let st = w
        .set_start(MAC, Some("SCCP41.8-0-4S"), 1500)
        .unwrap()
        .unwrap();
    assert_eq!(st.path, ["8.0(4)", "8.5(2)", "9.4(2)SR3"]);
    assert!(st.said.unwrap().here);
    // Typing the same start again changes nothing of the way.
    assert_eq!(offer(&ask(&mut w, addr(1), SEP, 2000).0), HOP);
    let st = w.set_start(MAC, Some("8.0(4)"), 2100).unwrap().unwrap();
    assert_eq!((st.state, st.hop), (WalkState::Offered, 1));
    // Announced over CDP: seen, and said so.
    let st = w.announced(MAC, addr(2), HOP, "CDP", 60_000).unwrap();
    assert_eq!(st.seen_by.as_deref(), Some("CDP"));
    assert!(
        start_words(&st)
            .unwrap()
            .starts_with("Lifeline saw it run 8.5(2): it announced it over CDP."),
        "{st:?}"
    );
    assert!(!start_correctable(&st));
    let e = w.set_start("10.0.0.2", Some("8.0(4)"), 70_000).unwrap_err();
    assert_eq!(
        e,
        "Lifeline saw this phone run 8.5(2) 10 s ago (it announced it over CDP), so it does not take 8.0(4) for it: what a phone announced is not replaced by what is typed. If it runs another load now, its next announcement says so."
    );
}

#[test]
fn a_phone_said_to_run_the_target_is_served_it_and_seen_there_or_held() {
    let mut w = Walker::new(&plan(Some("8.0(4)"))).unwrap();
    let st = w.set_start(MAC, Some("9.4(2)SR3"), 0).unwrap().unwrap();
    assert_eq!(st.state, WalkState::Done);
    assert_eq!(
        status_words(&st),
        "9.4(2)SR3: already on the target, as said: its configuration names that load"
    );
    // Its boot is served the bundle's own configuration, which names the target.
    let (s, st) = ask(&mut w, addr(1), SEP, 1000);
    assert_eq!((s, st.unwrap().state), (Serve::AsIs, WalkState::Done));
    // Wiped, it takes the target again, said so.
    let (s, st) = w.request(addr(1), "term61.default.loads", 1500);
    assert_eq!(s, Serve::AsIs);
    assert_eq!(
        status_words(&st.unwrap()),
        "9.4(2)SR3: fetching the target again"
    );
    let (s, st) = ask(&mut w, addr(1), SEP, 2000);
    assert_eq!((s, st.unwrap().state), (Serve::AsIs, WalkState::Done));
    // A boot that does not fetch the target shows the phone runs it.
    let (s, st) = ask(&mut w, addr(1), SEP, 3000);
    let st = st.unwrap();
    assert_eq!(s, Serve::AsIs);
    assert_eq!(
        (st.state, st.on.as_deref(), st.hops),
        (WalkState::Done, Some("9.4(2)SR3"), 0)
    );
    assert_eq!(status_words(&st), "9.4(2)SR3: on 9.4(2)SR3");
    assert_eq!(ask(&mut w, addr(1), SEP, 4000), (Serve::AsIs, None));
}

#[test]
fn a_phone_wrongly_said_to_run_the_target_that_keeps_fetching_it_is_held() {
    // Said to run 9.4(2)SR3, it really runs 8.0(4): it fetches the target at every
    // boot and refuses it. It is not taken as done, and it is held with words.
    let mut w = Walker::new(&plan(None)).unwrap();
    w.set_start(MAC, Some("9.4(2)SR3"), 0).unwrap();
    let mut last = None;
    for boot in 0..=MAX_ATTEMPTS + 1 {
        let t = u64::from(boot) * 10_000 + 1000;
        let (s, st) = ask(&mut w, addr(1), SEP, t);
        last = Some(s);
        if let Some(st) = st {
            assert_ne!(st.on.as_deref(), Some("9.4(2)SR3"), "{st:?}");
        }
        w.request(addr(1), &format!("{TARGET}.loads"), t + 100);
        let st = w.status_of(MAC).unwrap();
        assert_ne!(st.state, WalkState::Done, "boot {boot}: {st:?}");
    }
    let st = w.status_of(MAC).unwrap();
    assert_eq!(st.state, WalkState::Refused, "{st:?}");
    assert_eq!(last, Some(Serve::Config(Offer::Keep)));
    assert!(
        st.detail
            .unwrap()
            .contains("It may run an older load than Lifeline was told"),
    );
}

#[test]
fn a_request_in_a_folder_is_named_by_its_base_name() {
    assert_eq!(
        base_name("certs/CTLSEP001122AABB07.tlv"),
        "CTLSEP001122AABB07.tlv"
    );
    assert_eq!(
        base_name("a\\b\\SEP001122AABB01.cnf.xml"),
        "SEP001122AABB01.cnf.xml"
    );
    assert_eq!(base_name("XMLDefault.cnf.xml"), "XMLDefault.cnf.xml");
    let mut w = Walker::new(&plan(Some("8.0(4)"))).unwrap();
    w.request(addr(1), "/certs/CTLSEP001122AABB07.tlv", 10);
    let (_, st) = ask(&mut w, addr(1), "XMLDefault.cnf.xml", 20);
    assert_eq!(st.unwrap().mac.as_deref(), Some("001122AABB07"));
}
