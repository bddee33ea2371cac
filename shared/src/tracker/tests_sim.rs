//! Whom a phone registers as, and simulated phones, on the cards.

use super::tests::{catalog, req};
use super::*;
use crate::config::registers::Registers;
use crate::events::{
    ConfigServed, Outcome, Resolution, Simulated, SimulatedOutcome, SimulatedPhone,
    SimulationFinished, SimulationStarted, SimulationVerdict,
};
use crate::testkit;

fn served(client: &str, file: &str, own: bool, registers: Registers) -> Event {
    Event::ConfigServed(ConfigServed {
        client: client.parse().unwrap(),
        transport: crate::events::Transport::Tftp,
        file: file.into(),
        own,
        registers,
    })
}

fn sip(user: &str) -> Registers {
    Registers::Sip {
        user: user.into(),
        auth_name: user.into(),
        proxy: "10.0.0.5".into(),
        port: 5060,
    }
}

const SIM: Ipv4Addr = Ipv4Addr::new(127, 0, 100, 2);

fn started() -> Event {
    Event::SimulationStarted(SimulationStarted {
        phones: vec![SimulatedPhone {
            mac: "001122AABBCC".into(),
            model: "7961".into(),
            source: SIM,
        }],
        time_limit_secs: 180,
        left_out: 0,
    })
}

fn verdict(outcome: SimulatedOutcome, sentence: &str) -> Event {
    Event::SimulationVerdict(SimulationVerdict {
        mac: "001122AABBCC".into(),
        model: "7961".into(),
        source: SIM,
        result: Simulated {
            outcome,
            sentence: sentence.into(),
            code: None,
            registered: None,
        },
    })
}

#[test]
fn a_served_configuration_says_whom_the_phone_registers_as_and_its_own_file_wins() {
    let mut t = Tracker::new(catalog());
    t.handle(0, &req("SEP001122AABBCC.cnf.xml", Resolution::Exact));
    let s = t
        .handle(
            1,
            &served(
                "10.0.0.50:50000",
                "/SEP001122AABBCC.cnf.xml",
                true,
                sip("1001"),
            ),
        )
        .pop()
        .unwrap();
    assert_eq!(s.id, "SEP001122AABBCC");
    let r = s.registers.unwrap();
    assert_eq!(
        (r.file.as_str(), r.own, r.words.as_str()),
        (
            "SEP001122AABBCC.cnf.xml",
            true,
            "Registers as 1001 at 10.0.0.5:5060"
        )
    );
    // A default served to the same phone later does not hide its own line.
    t.handle(2, &req("XMLDefault.cnf.xml", Resolution::Exact));
    assert!(
        t.handle(
            3,
            &served(
                "10.0.0.50:50000",
                "XMLDefault.cnf.xml",
                false,
                Registers::NoLine
            )
        )
        .is_empty()
    );
    assert_eq!(
        t.summaries()[0].registers.as_ref().unwrap().words,
        sip("1001").sentence()
    );
    // A phone without its own file: the default's word, on its address's card.
    let s = t
        .handle(
            4,
            &served(
                "10.0.0.60:50000",
                "XMLDefault.cnf.xml",
                false,
                Registers::Sccp,
            ),
        )
        .pop()
        .unwrap();
    assert_eq!(s.id, "10.0.0.60");
    assert_eq!(s.registers.unwrap().words, Registers::Sccp.sentence());
    // A new bundle: what the old files said no longer holds.
    let changed = t.switch(10, catalog());
    assert!(changed.iter().all(|p| p.registers.is_none()), "{changed:?}");
    assert!(t.summaries().iter().all(|p| p.registers.is_none()));
}

#[test]
fn simulated_phones_move_no_card_and_their_verdict_is_marked_as_a_simulation() {
    let mut t = Tracker::new(catalog());
    let s = t.handle(0, &started()).pop().unwrap();
    assert_eq!(s.id, "SEP001122AABBCC");
    assert_eq!(s.state, PhoneState::Waiting);
    assert_eq!(s.model.as_deref(), Some("7961"));
    assert_eq!(
        s.address, None,
        "a simulated phone's address is not the phone's"
    );
    assert_eq!(
        s.simulation.as_ref().unwrap().outcome,
        SimulatedOutcome::Running
    );
    // Its transfers are in the log only.
    let from_sim = SocketAddr::from((SIM, 40000));
    for e in [
        testkit::tftp_request(
            9,
            from_sim,
            "term61.default.loads",
            Resolution::Exact,
            Some(600),
        ),
        testkit::tftp_end(9, from_sim, "term61.default.loads", Outcome::Done),
        testkit::tftp_request(
            10,
            from_sim,
            "XMLDefault.cnf.xml",
            Resolution::Exact,
            Some(900),
        ),
    ] {
        assert!(t.handle(5, &e).is_empty(), "{e:?}");
    }
    assert_eq!(t.summaries().len(), 1);
    assert!(t.summaries()[0].files.is_empty());
    // The default it was served speaks for its MAC's card.
    let s = t
        .handle(
            6,
            &served(
                &from_sim.to_string(),
                "XMLDefault.cnf.xml",
                false,
                sip("1001"),
            ),
        )
        .pop()
        .unwrap();
    assert_eq!(s.id, "SEP001122AABBCC");
    assert_eq!(s.registers.unwrap().words, sip("1001").sentence());
    let s = t
        .handle(
            7,
            &verdict(
                SimulatedOutcome::Registered,
                "would register as 1001 at 127.0.0.1:5070",
            ),
        )
        .pop()
        .unwrap();
    let sim = s.simulation.unwrap();
    assert_eq!(sim.outcome, SimulatedOutcome::Registered);
    assert_eq!(sim.sentence, "would register as 1001 at 127.0.0.1:5070");
    assert_eq!(
        s.state,
        PhoneState::Waiting,
        "a simulation is not the phone"
    );
    // The end of the run changes no card; a late transfer end neither.
    assert!(
        t.handle(
            8,
            &Event::SimulationFinished(SimulationFinished {
                phones: 1,
                registered: 1,
                nothing_to_register: 0,
                failed: 0,
            })
        )
        .is_empty()
    );
    assert!(
        t.handle(
            9,
            &testkit::tftp_end(10, from_sim, "XMLDefault.cnf.xml", Outcome::Done)
        )
        .is_empty()
    );
    // The real phone with that MAC shows up: its own card, the simulation's
    // word beside what it does.
    let s = t
        .handle(
            10,
            &testkit::tftp_request(
                11,
                "10.0.0.70:5000".parse().unwrap(),
                "SEP001122AABBCC.cnf.xml",
                Resolution::Exact,
                Some(900),
            ),
        )
        .pop()
        .unwrap();
    assert_eq!(s.id, "SEP001122AABBCC");
    assert_eq!(s.address, Some(Ipv4Addr::new(10, 0, 0, 70)));
    assert_eq!(s.state, PhoneState::Downloading);
    assert!(s.simulation.is_some());
    // A new bundle forgets the simulation's verdict.
    t.switch(20, catalog());
    assert!(t.summaries()[0].simulation.is_none());
}

#[test]
fn the_table_of_simulated_addresses_stays_bounded() {
    let mut t = Tracker::new(catalog());
    for round in 0..(MAX_SIMULATED as u32 / 8 + 2) {
        let phones = (0..8u32)
            .map(|i| {
                let n = round * 8 + i;
                SimulatedPhone {
                    mac: format!("0011220{:05X}", n),
                    model: "7961".into(),
                    source: Ipv4Addr::from(0x7f64_0000 + n),
                }
            })
            .collect();
        t.handle(
            u64::from(round),
            &Event::SimulationStarted(SimulationStarted {
                phones,
                time_limit_secs: 60,
                left_out: 0,
            }),
        );
        assert!(t.simulated.len() <= MAX_SIMULATED);
    }
}

fn walk(mac: Option<&str>, address: &str, state: crate::plan::walk::WalkState) -> Event {
    Event::Walk(Box::new(crate::plan::walk::WalkStatus {
        mac: mac.map(str::to_string),
        address: Some(address.parse().unwrap()),
        path: vec!["8.0(4)".into(), "8.5(2)".into(), "9.4(2)SR3".into()],
        hop: 1,
        hops: 2,
        on: None,
        state,
        detail: None,
        steps: Vec::new(),
        said: None,
        seen_by: None,
    }))
}

#[test]
fn a_phones_walk_goes_on_its_card() {
    use crate::plan::walk::WalkState;
    let mut t = Tracker::new(catalog());
    t.handle(0, &req("SEP001122AABBCC.cnf.xml", Resolution::Exact));
    // By MAC: the card the phone's requests made.
    let changed = t.handle(
        5,
        &walk(Some("001122AABBCC"), "10.0.0.50", WalkState::Fetching),
    );
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].id, "SEP001122AABBCC");
    assert_eq!(changed[0].walk.as_ref().unwrap().state, WalkState::Fetching);
    // The newer status replaces the older.
    let changed = t.handle(6, &walk(Some("001122AABBCC"), "10.0.0.50", WalkState::Done));
    assert_eq!(changed[0].walk.as_ref().unwrap().state, WalkState::Done);
    assert_eq!(t.summaries().len(), 1);
    // By address, for a phone whose MAC is not known yet.
    let changed = t.handle(7, &walk(None, "10.0.0.9", WalkState::AskStart));
    assert_eq!(changed[0].address, Some(Ipv4Addr::new(10, 0, 0, 9)));
    assert_eq!(t.summaries().len(), 2);
}

#[test]
fn a_hops_recovery_manifest_served_for_term61_expects_the_hops_images() {
    use crate::firmware::manifest::ImageLine;
    let line = |n: &str| ImageLine {
        name: n.into(),
        size: None,
        md5: None,
        optional: false,
        line: 1,
    };
    let files = [
        ("term61.default.loads", 600),
        ("SCCP41.8-5-2S.term61.default.loads", 600),
        ("apps41.9.sbn", 1000),
        ("apps41.8.sbn", 1000),
    ];
    let catalog = Catalog::from_files(files, |name| {
        Some(vec![line(if name.starts_with("SCCP41.8") {
            "apps41.8.sbn"
        } else {
            "apps41.9.sbn"
        })])
    });
    let mut t = Tracker::new(catalog);
    let mut asked = testkit::tftp_request(
        1,
        "10.0.0.50:50000".parse().unwrap(),
        "term61.default.loads",
        Resolution::Alias,
        Some(600),
    );
    if let Event::TftpRequest(r) = &mut asked {
        r.served = Some("SCCP41.8-5-2S.term61.default.loads".into());
    }
    let s = t.handle(0, &asked).remove(0);
    let names: Vec<&str> = s.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["term61.default.loads", "apps41.8.sbn"]);
}
