use super::*;
use crate::events::{
    DhcpEvent, LoopCause, NamedLoad, Outcome, Resolution, Switched, Transport, is_normal_miss,
};
use crate::testkit::{self, SEED_IMAGE_NAMES as IMAGES};
use std::net::IpAddr;

/// Manifest lines of `names`, none optional.
pub(super) fn lines(
    names: impl IntoIterator<Item = String>,
) -> Vec<crate::firmware::manifest::ImageLine> {
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| crate::firmware::manifest::ImageLine {
            name,
            size: None,
            md5: None,
            optional: false,
            line: i + 1,
        })
        .collect()
}

pub(super) fn catalog() -> Catalog {
    let images = lines(IMAGES.iter().map(|s| s.to_string()));
    let mut files: Vec<(String, u64)> = IMAGES.iter().map(|n| (n.to_string(), 1000)).collect();
    for m in [
        "term41.default.loads",
        "term61.default.loads",
        "SCCP41.8-3-3S.loads",
    ] {
        files.push((m.to_string(), 600));
    }
    files.push(("XMLDefault.cnf.xml".into(), 900));
    Catalog::from_files(files.iter().map(|(n, s)| (n.as_str(), *s)), |_| {
        Some(images.clone())
    })
}

const PHONE: &str = "10.0.0.50:50000";

pub(super) fn req(file: &str, resolution: Resolution) -> Event {
    testkit::tftp_request(1, PHONE.parse().unwrap(), file, resolution, Some(1000))
}

fn end(file: &str, outcome: Outcome) -> Event {
    testkit::tftp_end(1, PHONE.parse().unwrap(), file, outcome)
}

fn ack() -> Event {
    testkit::dhcp_ack(Ipv4Addr::new(10, 0, 0, 50), Ipv4Addr::new(10, 0, 0, 1))
}

fn fetch(t: &mut Tracker, now: u64, file: &str) -> PhoneSummary {
    t.handle(now, &req(file, Resolution::Exact));
    t.handle(now + 1, &end(file, Outcome::Done)).pop().unwrap()
}

#[test]
fn a_full_recovery_ends_done() {
    let mut t = Tracker::new(catalog());
    let s = t.handle(0, &ack()).pop().unwrap();
    assert_eq!(s.id, "SEP001122AABBCC");
    assert_eq!(s.state, PhoneState::Waiting);
    assert_eq!(s.model.as_deref(), Some("7961"));
    // Normal misses first, as a real phone does.
    let s = t
        .handle(10, &req("CTLSEP001122AABBCC.tlv", Resolution::NotFound))
        .pop()
        .unwrap();
    assert_eq!(s.state, PhoneState::Waiting);
    assert_eq!(s.normal_misses, ["CTLSEP001122AABBCC.tlv"]);
    let s = fetch(&mut t, 20, "term61.default.loads");
    assert_eq!(s.state, PhoneState::Downloading);
    assert_eq!((s.files_done, s.files_expected), (1, 6));
    assert_eq!(s.files[1].name, "jar41sccp.8-3-2-27.sbn");
    let mut last = s;
    for (i, img) in IMAGES.iter().enumerate() {
        last = fetch(&mut t, 100 + i as u64 * 10, img);
    }
    assert_eq!(last.state, PhoneState::Done);
    assert_eq!((last.files_done, last.files_expected), (6, 6));
    assert_eq!(last.reason, None);
    assert_eq!(last.diagnosis, None);
    assert!(!last.recovered, "not seen back yet");
    assert_eq!(t.summaries().len(), 1, "one card for the phone");
    // It restarts with the new load and asks for its configuration.
    let s = t
        .handle(500, &req("SEP001122AABBCC.cnf.xml", Resolution::NotFound))
        .pop()
        .unwrap();
    assert!(s.recovered);
    assert_eq!(s.state, PhoneState::Done);
    let s = fetch(&mut t, 510, "XMLDefault.cnf.xml");
    assert!(s.recovered);
    // A configuration request before the download is no recovery.
    let mut t = Tracker::new(catalog());
    fetch(&mut t, 0, "term41.default.loads");
    assert!(!fetch(&mut t, 1, "XMLDefault.cnf.xml").recovered);
}

#[test]
fn a_missing_image_fails_naming_the_closest_file() {
    let mut cat = catalog();
    cat.names.retain(|n| n != "dsp41.8-3-2-27.sbn");
    cat.names.push("DSP41.8-3-2-27.sbn.old".into());
    let mut t = Tracker::new(cat);
    fetch(&mut t, 0, "term41.default.loads");
    let s = t
        .handle(5, &req("dsp41.8-3-2-27.sbn", Resolution::NotFound))
        .pop()
        .unwrap();
    assert_eq!(s.state, PhoneState::Failed);
    let reason = s.reason.unwrap();
    assert!(
        reason.contains("dsp41.8-3-2-27.sbn, which the bundle does not have"),
        "{reason}"
    );
    assert!(
        reason.contains("closest name: DSP41.8-3-2-27.sbn.old"),
        "{reason}"
    );
    assert_eq!(s.files[4].state, FileState::NotFound);
    assert_eq!(
        s.diagnosis,
        Some(Diagnosis::NotFound {
            file: "dsp41.8-3-2-27.sbn".into(),
            closest: Some("DSP41.8-3-2-27.sbn.old".into()),
        })
    );
}

#[test]
fn an_image_the_manifest_does_not_list_is_not_found_too() {
    let mut t = Tracker::new(catalog());
    fetch(&mut t, 0, "term41.default.loads");
    let s = t
        .handle(5, &req("dsp41.8-3-2-7.sbn", Resolution::NotFound))
        .pop()
        .unwrap();
    assert_eq!(s.state, PhoneState::Failed);
    assert_eq!(
        s.diagnosis,
        Some(Diagnosis::NotFound {
            file: "dsp41.8-3-2-7.sbn".into(),
            closest: Some("dsp41.8-3-2-27.sbn".into()),
        })
    );
    assert!(
        s.reason
            .unwrap()
            .contains("closest name: dsp41.8-3-2-27.sbn")
    );
    // Other misses stay quiet: a locale file, a dial plan, a per-MAC config.
    let mut t = Tracker::new(catalog());
    fetch(&mut t, 0, "term41.default.loads");
    for name in [
        "/English_United_States/mk-sccp.jar",
        "dialplan.xml",
        "SoftKeys.xml",
    ] {
        let s = t.handle(5, &req(name, Resolution::NotFound)).pop().unwrap();
        assert_eq!(s.state, PhoneState::Downloading, "{name}");
        assert_eq!(s.diagnosis, None, "{name}");
    }
    // A per-MAC configuration mid-download names another phone behind the
    // same address: a quiet card of its own, the download's card untouched.
    let s = t
        .handle(6, &req("SEP001122AABBCC.cnf.xml", Resolution::NotFound))
        .pop()
        .unwrap();
    assert_eq!(
        (s.id.as_str(), s.state),
        ("SEP001122AABBCC", PhoneState::Waiting)
    );
    assert_eq!(s.normal_misses, ["SEP001122AABBCC.cnf.xml"]);
    assert_eq!(t.summaries()[0].state, PhoneState::Downloading);
    assert!(is_normal_miss("ITLFile.tlv") && !is_normal_miss("apps41.8-3-2-27.sbn"));
}

#[test]
fn re_requesting_the_term_manifest_is_stuck_with_the_upgrade_advice() {
    let mut t = Tracker::new(catalog());
    let mut s = fetch(&mut t, 0, "term41.default.loads");
    for i in 1..MANIFEST_REPEAT_LIMIT {
        s = fetch(&mut t, u64::from(i) * 90_000, "term41.default.loads");
    }
    assert_eq!(s.state, PhoneState::Stuck);
    assert!(s.reason.unwrap().contains("8.3(3)–8.5(2)"));
    assert_eq!(
        s.diagnosis,
        Some(Diagnosis::ManifestRepeated {
            file: "term41.default.loads".into(),
            times: MANIFEST_REPEAT_LIMIT,
            recovery: true,
        })
    );
}

#[test]
fn silence_is_stuck_after_the_quiet_limit() {
    let mut t = Tracker::new(catalog());
    fetch(&mut t, 0, "term41.default.loads");
    fetch(&mut t, 10, IMAGES[0]);
    assert!(t.tick(10 + QUIET_LIMIT_MS - 1).is_empty());
    let s = t.tick(11 + QUIET_LIMIT_MS).pop().unwrap();
    assert_eq!(s.state, PhoneState::Stuck);
    assert!(s.reason.unwrap().starts_with("No request for 5 minutes"));
    assert_eq!(
        s.diagnosis,
        Some(Diagnosis::Quiet {
            minutes: 5,
            last: None
        })
    );
    // A done phone never becomes stuck.
    let mut t = Tracker::new(catalog());
    fetch(&mut t, 0, "term41.default.loads");
    for img in IMAGES {
        fetch(&mut t, 1, img);
    }
    assert!(t.tick(10 * QUIET_LIMIT_MS).is_empty());
}

#[test]
fn repeated_timeouts_are_stuck_with_the_firewall_advice() {
    let mut t = Tracker::new(catalog());
    fetch(&mut t, 0, "term41.default.loads");
    let mut s = None;
    for i in 0..TIMEOUT_LIMIT {
        t.handle(u64::from(i) * 100, &req(IMAGES[2], Resolution::Exact));
        s = t
            .handle(
                u64::from(i) * 100 + 50,
                &end(IMAGES[2], Outcome::TimedOut { retries: 5 }),
            )
            .pop();
    }
    let s = s.unwrap();
    assert_eq!(s.state, PhoneState::Stuck);
    assert!(s.reason.unwrap().contains("timed out 3 times"));
    assert_eq!(
        s.diagnosis,
        Some(Diagnosis::TimedOut {
            file: IMAGES[2].into(),
            times: TIMEOUT_LIMIT
        })
    );
}

#[test]
fn a_phone_seen_first_by_address_keeps_one_card() {
    let mut t = Tracker::new(catalog());
    fetch(&mut t, 0, "term61.default.loads");
    assert_eq!(t.summaries()[0].id, "10.0.0.50");
    t.handle(5, &ack());
    let all = t.summaries();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].id, "SEP001122AABBCC");
    assert_eq!(all[0].files_done, 1);
}

#[test]
fn a_stopped_or_unreadable_transfer_has_a_diagnosis() {
    let mut t = Tracker::new(catalog());
    fetch(&mut t, 0, "term41.default.loads");
    t.handle(1, &req(IMAGES[0], Resolution::Exact));
    let s = t
        .handle(
            2,
            &end(
                IMAGES[0],
                Outcome::PeerError {
                    code: 0,
                    message: "disk full".into(),
                },
            ),
        )
        .pop()
        .unwrap();
    assert_eq!(
        s.diagnosis,
        Some(Diagnosis::PhoneError {
            file: IMAGES[0].into(),
            message: "disk full".into()
        })
    );
    t.handle(3, &req(IMAGES[1], Resolution::Exact));
    let s = t
        .handle(
            4,
            &end(
                IMAGES[1],
                Outcome::ReadError {
                    message: "gone".into(),
                },
            ),
        )
        .pop()
        .unwrap();
    assert_eq!(s.state, PhoneState::Failed);
    assert!(matches!(s.diagnosis, Some(Diagnosis::ReadError { .. })));
}

#[test]
fn diagnoses_travel_as_tagged_json_and_unknown_ones_are_other() {
    let d = Diagnosis::NotFound {
        file: "a.sbn".into(),
        closest: None,
    };
    let j = serde_json::to_string(&d).unwrap();
    assert_eq!(j, r#"{"kind":"not-found","file":"a.sbn","closest":null}"#);
    assert_eq!(serde_json::from_str::<Diagnosis>(&j).unwrap(), d);
    assert_eq!(
        serde_json::from_str::<Diagnosis>(r#"{"kind":"from-the-future","x":1}"#).unwrap(),
        Diagnosis::Other
    );
    // A summary without one (an older helper) reads as none.
    let mut t = Tracker::new(catalog());
    let s = fetch(&mut t, 0, "term41.default.loads");
    let j = serde_json::to_string(&s).unwrap();
    assert!(!j.contains("diagnosis"), "{j}");
    assert_eq!(serde_json::from_str::<PhoneSummary>(&j).unwrap(), s);
}

#[test]
fn a_second_recovery_of_the_same_phone_starts_afresh() {
    let mut t = Tracker::new(catalog());
    for round in 0..3u64 {
        let base = round * 1_000_000;
        let s = fetch(&mut t, base, "term41.default.loads");
        assert_eq!(s.state, PhoneState::Downloading, "round {round}");
        assert_eq!(s.files_done, 1);
        let mut last = s;
        for img in IMAGES {
            last = fetch(&mut t, base + 10, img);
        }
        assert_eq!(last.state, PhoneState::Done, "round {round}");
    }
}

fn dhcp(step: DhcpStep) -> Event {
    Event::Dhcp(DhcpEvent::new(
        "00:11:22:aa:bb:cc".parse().unwrap(),
        Some("7961"),
        step,
    ))
}

#[test]
fn a_full_range_is_stuck_until_the_phone_gets_an_address() {
    let mut t = Tracker::new(catalog());
    t.handle(0, &dhcp(DhcpStep::Discover { requested: None }));
    let s = t.handle(1, &dhcp(DhcpStep::PoolExhausted)).pop().unwrap();
    assert_eq!(s.id, "SEP001122AABBCC");
    assert_eq!(s.state, PhoneState::Stuck);
    assert_eq!(s.diagnosis, Some(Diagnosis::NoFreeAddress));
    assert!(
        s.reason
            .as_deref()
            .is_some_and(|r| r.contains("--dhcp-range")),
        "{:?}",
        s.reason
    );
    assert_eq!(s.address, None);
    // Stuck already: time passing changes nothing.
    assert!(t.tick(QUIET_LIMIT_MS * 2).is_empty());
    // A lease frees up and it gets one.
    let s = t.handle(2, &ack()).pop().unwrap();
    assert_eq!(s.state, PhoneState::Waiting);
    assert_eq!((s.reason, s.diagnosis), (None, None));
    assert_eq!(s.address, Some("10.0.0.50".parse().unwrap()));
    assert_eq!(t.summaries().len(), 1);
}

#[test]
fn a_phone_mid_recovery_that_speaks_tftp_has_an_address() {
    let mut t = Tracker::new(catalog());
    t.handle(0, &ack());
    fetch(&mut t, 10, "term41.default.loads");
    let s = t.handle(20, &dhcp(DhcpStep::PoolExhausted)).pop().unwrap();
    assert_eq!(s.state, PhoneState::Stuck);
    // Its next request proves it has an address after all.
    let s = t
        .handle(30, &req(IMAGES[0], Resolution::Exact))
        .pop()
        .unwrap();
    assert_eq!(s.state, PhoneState::Downloading);
    assert_eq!((s.reason, s.diagnosis), (None, None));
    assert_eq!(s.current_file.as_deref(), Some(IMAGES[0]));
}

#[test]
fn an_address_another_host_answers_at_is_not_the_phones() {
    let mut t = Tracker::new(catalog());
    let taken: Ipv4Addr = "10.0.0.20".parse().unwrap();
    let s = t
        .handle(0, &dhcp(DhcpStep::AddressInUse { addr: taken }))
        .pop()
        .unwrap();
    assert_eq!(s.id, "SEP001122AABBCC");
    assert_eq!(s.state, PhoneState::Waiting, "it is offered the next one");
    assert_eq!((s.address, s.reason, s.diagnosis), (None, None, None));
    // Its TFTP requests come from its own address, not the skipped one.
    let s = t.handle(1, &ack()).pop().unwrap();
    assert_eq!(s.address, Some("10.0.0.50".parse().unwrap()));
    fetch(&mut t, 2, "term41.default.loads");
    assert_eq!(t.summaries().len(), 1, "one card");
    assert_eq!(t.summaries()[0].state, PhoneState::Downloading);
}

#[test]
fn retry_starts_a_failed_or_stuck_phone_over_and_leaves_the_others() {
    let mut t = Tracker::new(catalog());
    // Failed: its manifest names an image the bundle lacks.
    fetch(&mut t, 0, "term41.default.loads");
    fetch(&mut t, 10, IMAGES[0]);
    let failed = t
        .handle(20, &req(IMAGES[1], Resolution::NotFound))
        .pop()
        .unwrap();
    assert_eq!(failed.state, PhoneState::Failed);
    // Another phone, still downloading.
    let busy = Event::TftpRequest(TftpRequest {
        client: "10.0.0.51:50000".parse().unwrap(),
        ..match req("term41.default.loads", Resolution::Exact) {
            Event::TftpRequest(r) => r,
            _ => unreachable!(),
        }
    });
    assert_eq!(
        t.handle(30, &busy).pop().unwrap().state,
        PhoneState::Downloading
    );

    let ids = vec![
        failed.id.clone(),
        "10.0.0.51".to_string(),
        "SEP000000000000".to_string(),
    ];
    let changed = t.retry(1000, &ids);
    assert_eq!(changed.len(), 1, "only the failed phone: {changed:?}");
    let s = &changed[0];
    assert_eq!(s.id, failed.id);
    assert_eq!(s.state, PhoneState::Waiting);
    assert_eq!((s.reason.as_ref(), s.diagnosis.as_ref()), (None, None));
    assert!(s.files.is_empty() && s.current_file.is_none());
    assert_eq!((s.files_done, s.files_expected), (0, 0));
    assert_eq!(s.retries, 1);
    assert_eq!((s.first_seen_ms, s.last_seen_ms), (0, 1000));
    assert_eq!(t.summaries().iter().find(|p| p.id == s.id), Some(s));
    // Nothing to do a second time: it is no longer failed.
    assert!(t.retry(1001, &ids).is_empty());
    // Its silence counts from the retry: the user has minutes to reset it.
    let mut quiet = t.clone();
    let stale: Vec<_> = quiet.tick(1000 + QUIET_LIMIT_MS - 1);
    assert!(stale.iter().all(|p| p.id != s.id), "{stale:?}");
    let stale = quiet.tick(1000 + QUIET_LIMIT_MS);
    assert!(
        stale
            .iter()
            .any(|p| p.id == s.id && p.state == PhoneState::Stuck)
    );

    // The new try is followed from its first request, and may succeed.
    let s = fetch(&mut t, 2000, "term41.default.loads");
    assert_eq!(
        (s.state, s.files_done, s.retries),
        (PhoneState::Downloading, 1, 1)
    );
    let mut last = s;
    for img in IMAGES {
        last = fetch(&mut t, 2100, img);
    }
    assert_eq!(last.state, PhoneState::Done);
    assert_eq!(last.retries, 1);
}

#[test]
fn after_a_retry_old_repeats_and_timeouts_no_longer_count() {
    // Stuck: the recovery manifest fetched again and again.
    let mut t = Tracker::new(catalog());
    let mut s = fetch(&mut t, 0, "term41.default.loads");
    for i in 1..MANIFEST_REPEAT_LIMIT {
        s = fetch(&mut t, u64::from(i), "term41.default.loads");
    }
    assert_eq!(s.state, PhoneState::Stuck);
    assert_eq!(t.retry(100, &[s.id.clone()]).len(), 1);
    for i in 1..MANIFEST_REPEAT_LIMIT {
        s = fetch(&mut t, 100 + u64::from(i), "term41.default.loads");
        assert_eq!(s.state, PhoneState::Downloading, "fetch {i} of the new try");
    }
    s = fetch(&mut t, 200, "term41.default.loads");
    assert_eq!(
        s.state,
        PhoneState::Stuck,
        "a repeat within the new try counts"
    );
    assert_eq!(s.retries, 1);

    // Stuck: one image timed out again and again.
    let mut t = Tracker::new(catalog());
    fetch(&mut t, 0, "term41.default.loads");
    let time_out = |t: &mut Tracker, at: u64| {
        t.handle(at, &req(IMAGES[2], Resolution::Exact));
        t.handle(at + 1, &end(IMAGES[2], Outcome::TimedOut { retries: 5 }))
            .pop()
            .unwrap()
    };
    for i in 0..TIMEOUT_LIMIT {
        s = time_out(&mut t, u64::from(i) * 10);
    }
    assert_eq!(s.state, PhoneState::Stuck);
    assert_eq!(t.retry(100, &[s.id.clone()])[0].state, PhoneState::Waiting);
    fetch(&mut t, 200, "term41.default.loads");
    for i in 1..TIMEOUT_LIMIT {
        s = time_out(&mut t, 300 + u64::from(i) * 10);
        assert_eq!(
            s.state,
            PhoneState::Downloading,
            "timeout {i} of the new try"
        );
    }
}

#[test]
fn retries_travel_only_when_there_were_some() {
    let mut t = Tracker::new(catalog());
    fetch(&mut t, 0, "term41.default.loads");
    let s = t
        .handle(5, &req(IMAGES[3], Resolution::NotFound))
        .pop()
        .unwrap();
    let json = serde_json::to_string(&s).unwrap();
    assert!(!json.contains("retries"), "{json}");
    let s = t.retry(10, std::slice::from_ref(&s.id)).pop().unwrap();
    let json = serde_json::to_string(&s).unwrap();
    assert!(json.contains(r#""retries":1"#), "{json}");
    assert_eq!(serde_json::from_str::<PhoneSummary>(&json).unwrap(), s);
}

fn req_from(client: &str, file: &str, resolution: Resolution) -> Event {
    testkit::tftp_request(1, client.parse().unwrap(), file, resolution, Some(1000))
}

fn fetch_from(t: &mut Tracker, now: u64, client: &str, file: &str) -> PhoneSummary {
    t.handle(now, &req_from(client, file, Resolution::Exact));
    let end = testkit::tftp_end(1, client.parse().unwrap(), file, Outcome::Done);
    t.handle(now + 1, &end).pop().unwrap()
}

fn recover_from(t: &mut Tracker, now: u64, client: &str, manifest: &str) -> PhoneSummary {
    let mut last = fetch_from(t, now, client, manifest);
    for (i, img) in IMAGES.iter().enumerate() {
        last = fetch_from(t, now + 10 * (i as u64 + 1), client, img);
    }
    last
}

#[test]
fn phones_that_start_over_behind_one_address_get_a_card_each() {
    let mut t = Tracker::new(catalog());
    let first = recover_from(&mut t, 0, PHONE, "term41.default.loads");
    assert_eq!(
        (first.id.as_str(), first.sequence, first.state),
        ("10.0.0.50", 1, PhoneState::Done)
    );
    // A second phone through the same router: its own card and times.
    let s = fetch_from(&mut t, 1000, PHONE, "term61.default.loads");
    assert_eq!((s.id.as_str(), s.sequence), ("10.0.0.50#2", 2));
    assert_eq!((s.first_seen_ms, s.files_done), (1000, 1));
    let second = recover_from(&mut t, 1000, PHONE, "term61.default.loads");
    assert_eq!(second.state, PhoneState::Done);
    // A third asks for another model's manifest: it fails on a card of its
    // own, and the two before still say what they did.
    let s = t
        .handle(
            2000,
            &req_from(PHONE, "term42.default.loads", Resolution::NotFound),
        )
        .pop()
        .unwrap();
    assert_eq!(
        (s.id.as_str(), s.state),
        ("10.0.0.50#3", PhoneState::Failed)
    );
    assert!(
        matches!(&s.diagnosis, Some(Diagnosis::NotFound { file, .. }) if file == "term42.default.loads")
    );
    assert_eq!(s.files_expected, 1, "its manifest is its one row");
    // It asks again: the same card, still failed.
    let s = t
        .handle(
            2100,
            &req_from(PHONE, "term42.default.loads", Resolution::NotFound),
        )
        .pop()
        .unwrap();
    assert_eq!(
        (s.id.as_str(), s.state),
        ("10.0.0.50#3", PhoneState::Failed)
    );
    let all = t.summaries();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].state, PhoneState::Done);
    assert_eq!(all[1].state, PhoneState::Done);
    // Another address keeps its own count.
    let s = fetch_from(&mut t, 3000, "10.0.0.51:50000", "term41.default.loads");
    assert_eq!((s.id.as_str(), s.sequence), ("10.0.0.51", 1));
}

/// The `n`-th address of a scan of many addresses: 10.1.x.y.
fn scanned(n: usize) -> String {
    format!("10.1.{}.{}:4000", n / 250, n % 250 + 1)
}

fn card_at(all: &[PhoneSummary], client: &str) -> bool {
    let ip: SocketAddr = client.parse().unwrap();
    all.iter()
        .any(|s| s.address.map(IpAddr::V4) == Some(ip.ip()))
}

#[test]
fn cards_are_bounded_the_least_recently_seen_going_first() {
    let mut t = Tracker::new(catalog());
    fetch_from(&mut t, 0, PHONE, "term41.default.loads");
    // A scan from many addresses while the phone goes on with its images.
    let scan = MAX_CARDS + 500;
    for n in 0..scan {
        let now = 10 + n as u64;
        t.handle(
            now,
            &req_from(&scanned(n), "missing.bin", Resolution::NotFound),
        );
        if n % 100 == 0 {
            fetch_from(&mut t, now, PHONE, IMAGES[n / 100 % IMAGES.len()]);
        }
        assert!(t.phones.len() <= MAX_CARDS);
        assert!(t.by_address.len() <= MAX_CARDS && t.starts.len() <= MAX_CARDS);
    }
    let all = t.summaries();
    assert_eq!(all.len(), MAX_CARDS);
    let phone = all
        .iter()
        .find(|s| s.id == "10.0.0.50")
        .expect("the phone at work is kept");
    assert_eq!(phone.files_done, phone.files_expected);
    // The scan's first cards went, its last ones stay.
    assert!(!card_at(&all, &scanned(0)));
    assert!(!card_at(&all, &scanned(scan - MAX_CARDS)));
    assert!(card_at(&all, &scanned(scan - MAX_CARDS + 1)));
    assert!(card_at(&all, &scanned(scan - 1)));
    // A request from an address whose card went makes a card again.
    let s = t
        .handle(
            5000,
            &req_from(&scanned(0), "missing.bin", Resolution::NotFound),
        )
        .pop()
        .unwrap();
    assert_eq!(s.state, PhoneState::Failed);
    assert_eq!(t.phones.len(), MAX_CARDS);
}

#[test]
fn a_new_start_never_takes_the_id_of_a_card_kept_past_its_count() {
    let mut t = Tracker::new(catalog());
    // The address's first card fails; a second start gets a card of its own.
    t.handle(
        0,
        &req_from(PHONE, "term42.default.loads", Resolution::NotFound),
    );
    let s = fetch_from(&mut t, 10, PHONE, "term41.default.loads");
    assert_eq!(s.id, "10.0.0.50#2");
    // The first is retried (seen now); a scan then pushes out the second
    // start's card, and with it the address's count of starts.
    let retried = t.retry(1_000_000, &["10.0.0.50".to_string()]);
    assert_eq!(retried.len(), 1);
    for n in 0..MAX_CARDS + 10 {
        t.handle(
            100 + n as u64,
            &req_from(&scanned(n), "missing.bin", Resolution::NotFound),
        );
    }
    assert!(t.phones.contains_key("10.0.0.50"));
    assert!(!t.phones.contains_key("10.0.0.50#2"));
    assert!(!t.starts.contains_key(&Ipv4Addr::new(10, 0, 0, 50)));
    // The address starts again: a new card beside the kept one, not over it.
    let s = t
        .handle(
            2_000_000,
            &req_from(PHONE, "term41.default.loads", Resolution::Exact),
        )
        .pop()
        .unwrap();
    assert_eq!(s.id, "10.0.0.50#2");
    let kept = &t.phones["10.0.0.50"].summary;
    assert_eq!((kept.state, kept.retries), (PhoneState::Waiting, 1));
}

#[test]
fn a_name_with_a_mac_keys_the_card_by_it() {
    // Two phones booting behind one address: a card each, by MAC.
    let mut t = Tracker::new(catalog());
    let a = t
        .handle(0, &req("CTLSEP00112233AA01.tlv", Resolution::NotFound))
        .pop()
        .unwrap();
    assert_eq!(a.id, "SEP00112233AA01");
    assert_eq!(a.mac.as_deref(), Some("00112233AA01"));
    let b = t
        .handle(1, &req("CTLSEP00112233AA02.tlv", Resolution::NotFound))
        .pop()
        .unwrap();
    assert_eq!(b.id, "SEP00112233AA02");
    assert_eq!(t.summaries().len(), 2);
    // What follows without a MAC goes to the phone that named itself last.
    let s = fetch(&mut t, 2, "term41.default.loads");
    assert_eq!(s.id, "SEP00112233AA02");

    // A card seen by address, then named: renamed, and the summary says so.
    let mut t = Tracker::new(catalog());
    let s = recover_from(&mut t, 0, PHONE, "term41.default.loads");
    assert_eq!(s.id, "10.0.0.50");
    let s = t
        .handle(500, &req("SEP001122AABBCC.cnf.xml", Resolution::NotFound))
        .pop()
        .unwrap();
    assert_eq!(s.id, "SEP001122AABBCC");
    assert_eq!(s.renamed_from.as_deref(), Some("10.0.0.50"));
    assert!(s.recovered, "back after its download, with its name");
    assert_eq!(s.sequence, 0);
    let s = fetch(&mut t, 510, "XMLDefault.cnf.xml");
    assert_eq!(s.renamed_from, None, "only on the change that renamed it");
    assert_eq!(t.summaries().len(), 1);
}

fn with_config(xml: &str) -> Catalog {
    let mut c = catalog();
    c.add_config("XMLDefault.cnf.xml", xml);
    c
}

fn xml_default(loads: &[(u16, &str)]) -> String {
    let entries: String = loads
        .iter()
        .map(|(id, l)| format!("<loadInformation{id} model=\"x\">{l}</loadInformation{id}>"))
        .collect();
    format!("<Default><callManagerGroup></callManagerGroup>{entries}</Default>")
}

fn config_loop(t: &mut Tracker, times: u32) -> PhoneSummary {
    let mut last = None;
    for i in 0..times {
        last = Some(fetch(t, 100 + u64::from(i) * 100, "XMLDefault.cnf.xml"));
    }
    last.unwrap()
}

#[test]
fn a_phone_that_only_fetches_its_configuration_is_in_a_loop_with_the_cause() {
    // The configuration names the bundle's load for a 7961: it runs it already.
    let mut t = Tracker::new(with_config(&xml_default(&[(30018, "SCCP41.8-3-3S")])));
    t.handle(0, &ack());
    let s = config_loop(&mut t, CONFIG_REPEAT_LIMIT - 1);
    assert_eq!(s.diagnosis, None, "once per boot is normal");
    assert_ne!(s.state, PhoneState::Stuck);
    let s = config_loop(&mut t, 1);
    assert_eq!(s.state, PhoneState::Stuck);
    assert_eq!(
        s.diagnosis,
        Some(Diagnosis::ConfigLoop {
            file: "XMLDefault.cnf.xml".into(),
            times: CONFIG_REPEAT_LIMIT,
            cause: LoopCause::AlreadyRuns {
                load: "SCCP41.8-3-3S".into()
            },
        })
    );
    assert!(s.reason.unwrap().contains("runs it already"));

    // A load the bundle does not have.
    let mut t = Tracker::new(with_config(&xml_default(&[(30018, "SCCP41.9-4-2SR3")])));
    t.handle(0, &ack());
    let s = config_loop(&mut t, 6);
    assert!(matches!(
        s.diagnosis,
        Some(Diagnosis::ConfigLoop { times: 6, cause: LoopCause::NotInBundle { ref load }, .. }) if load == "SCCP41.9-4-2SR3"
    ));

    // No entry for its device id.
    let mut t = Tracker::new(with_config(&xml_default(&[(115, "SCCP41.8-3-3S")])));
    t.handle(0, &ack());
    let s = config_loop(&mut t, 3);
    assert!(matches!(
        s.diagnosis,
        Some(Diagnosis::ConfigLoop {
            cause: LoopCause::NoLoadForModel {
                device_id: 30018,
                ..
            },
            ..
        })
    ));

    // Its model unknown: every load named, each with whether it is here.
    let mut t = Tracker::new(with_config(&xml_default(&[
        (115, "SCCP41.8-3-3S"),
        (30018, "SCCP41.9-4-2SR3"),
    ])));
    let s = config_loop(&mut t, 3);
    assert_eq!(
        s.diagnosis,
        Some(Diagnosis::ConfigLoop {
            file: "XMLDefault.cnf.xml".into(),
            times: 3,
            cause: LoopCause::Unknown {
                loads: vec![
                    NamedLoad {
                        load: "SCCP41.8-3-3S".into(),
                        in_bundle: true
                    },
                    NamedLoad {
                        load: "SCCP41.9-4-2SR3".into(),
                        in_bundle: false
                    },
                ]
            },
        })
    );

    // A phone that goes on to a manifest is no loop; nor is one recovered.
    let mut t = Tracker::new(with_config(&xml_default(&[(30018, "SCCP41.8-3-3S")])));
    config_loop(&mut t, 2);
    let s = fetch(&mut t, 1000, "term61.default.loads");
    assert_eq!(s.state, PhoneState::Downloading);
    let mut t = Tracker::new(catalog());
    recover_from(&mut t, 0, PHONE, "term41.default.loads");
    let s = config_loop(&mut t, 5);
    assert!(s.recovered && s.diagnosis.is_none());
}

#[test]
fn a_bundle_switch_archives_or_re_judges_every_judged_card() {
    let mut t = Tracker::new(catalog());
    // Done with the old bundle.
    recover_from(&mut t, 0, "10.0.0.1:5000", "term41.default.loads");
    // Failed on another model's manifest: the new bundle has it.
    t.handle(
        10,
        &req_from(
            "10.0.0.2:5000",
            "term42.default.loads",
            Resolution::NotFound,
        ),
    );
    // Failed on a file the new bundle lacks too.
    t.handle(
        10,
        &req_from(
            "10.0.0.3:5000",
            "term70.default.loads",
            Resolution::NotFound,
        ),
    );
    // Stuck on a repeated manifest.
    for i in 0..3 {
        fetch_from(&mut t, 20 + i, "10.0.0.4:5000", "term41.default.loads");
    }
    // Seen, nothing judged.
    t.handle(
        30,
        &testkit::dhcp_ack(Ipv4Addr::new(10, 0, 0, 5), Ipv4Addr::new(10, 0, 0, 1)),
    );

    let mut files: Vec<(String, u64)> = IMAGES
        .iter()
        .map(|n| (n.replace("41", "42"), 1000))
        .collect();
    files.push(("term42.default.loads".into(), 600));
    files.push(("term62.default.loads".into(), 600));
    let new = Catalog::from_files(files.iter().map(|(n, s)| (n.as_str(), *s)), |_| {
        Some(lines(IMAGES.iter().map(|n| n.replace("41", "42"))))
    });
    let changed = t.switch(100, new);
    let by_id = |id: &str| changed.iter().find(|p| p.id == id).cloned();
    assert_eq!(changed.len(), 4, "{changed:#?}");
    let done = by_id("10.0.0.1").unwrap();
    assert_eq!(
        (done.state, done.switched),
        (PhoneState::Done, Some(Switched::Archived))
    );
    let moved = by_id("10.0.0.2").unwrap();
    assert_eq!(
        (moved.state, moved.switched, &moved.diagnosis),
        (PhoneState::Waiting, Some(Switched::StartsOver), &None)
    );
    assert!(moved.files.is_empty() && moved.retries == 0);
    let missing = by_id("10.0.0.3").unwrap();
    assert_eq!(
        (missing.state, missing.switched),
        (PhoneState::Failed, Some(Switched::StillMissing))
    );
    assert!(
        matches!(&missing.diagnosis, Some(Diagnosis::NotFound { closest: Some(c), .. }) if c.starts_with("term"))
    );
    let stuck = by_id("10.0.0.4").unwrap();
    assert_eq!(
        (stuck.state, stuck.switched),
        (PhoneState::Waiting, Some(Switched::StartsOver))
    );
    assert!(by_id("SEP001122AABBCC").is_none(), "nothing to re-judge");
    // A second switch leaves an archived card alone.
    assert!(t.switch(200, catalog()).iter().all(|p| p.id != "10.0.0.1"));
    // The phone that starts over asks the new bundle: the note goes.
    let s = fetch_from(&mut t, 300, "10.0.0.2:5000", "term41.default.loads");
    assert_eq!(
        (s.id.as_str(), s.switched, s.state),
        ("10.0.0.2", None, PhoneState::Downloading)
    );
}

#[test]
fn an_announcement_before_any_request_makes_a_card_with_the_running_load() {
    let mut t = Tracker::new(catalog());
    let heard = testkit::neighbour_heard("001F9EAB59F1", "7941", "SCCP41.8-2-1S");
    let s = t.handle(5_000, &heard).pop().unwrap();
    assert_eq!(s.id, "SEP001F9EAB59F1");
    assert_eq!(
        (s.state, s.model.as_deref()),
        (PhoneState::Waiting, Some("7941"))
    );
    let a = s.announced.as_ref().unwrap();
    assert_eq!(
        (a.load.as_deref(), a.version.as_deref()),
        (Some("SCCP41.8-2-1S"), Some("8.2(1)"))
    );
    assert_eq!(a.heard_ms, 5_000);
    assert_eq!(
        a.note.as_deref(),
        Some("It runs SCCP41.8-2-1S; recovered from this bundle it will run SCCP41.8-3-3S.")
    );
    // An announcement is no request: nothing about its files or quiet time.
    assert!(s.files.is_empty());
    let again = t.handle(65_000, &heard).pop().unwrap();
    assert_eq!(again.last_seen_ms, 5_000);
    assert_eq!(again.announced.unwrap().heard_ms, 65_000);
}

#[test]
fn a_later_dhcp_step_of_the_phone_keeps_its_card_and_what_it_announced() {
    let mut t = Tracker::new(catalog());
    let mac = testkit::dhcp_ack(Ipv4Addr::new(10, 0, 0, 50), Ipv4Addr::new(10, 0, 0, 1));
    let Event::Dhcp(d) = &mac else { panic!() };
    t.handle(
        1,
        &testkit::neighbour_heard(&d.mac, "7961", "SCCP41.8-3-3S"),
    );
    let s = t.handle(2, &mac).pop().unwrap();
    assert_eq!(s.id, format!("SEP{}", d.mac));
    assert_eq!(t.summaries().len(), 1);
    assert_eq!(
        s.announced.unwrap().note.as_deref(),
        Some("It already runs SCCP41.8-3-3S, the load this bundle serves.")
    );
}

#[test]
fn a_phone_too_old_for_the_bundles_load_is_told_the_hop_first() {
    let files = [
        ("SCCP41.9-4-2SR3-1S.loads", 600),
        ("term41.default.loads", 600),
    ];
    let mut t = Tracker::new(Catalog::from_files(files, |_| Some(Vec::new())));
    let s = t
        .handle(
            1,
            &testkit::neighbour_heard("001F9EAB59F1", "7941", "SCCP41.8-0-4S"),
        )
        .pop()
        .unwrap();
    let note = s.announced.unwrap().note.unwrap();
    assert!(note.starts_with("It runs SCCP41.8-0-4S: it needs an 8.5(2) load first, then this bundle's SCCP41.9-4-2SR3-1S"), "{note}");
    // A phone of a family the bundle has no load for gets no note (its card
    // says it needs other firmware).
    let other = t
        .handle(
            2,
            &testkit::neighbour_heard("001F9EAB5900", "6921", "SCCP69xx.9-2-1-0"),
        )
        .pop()
        .unwrap();
    assert_eq!(other.announced.unwrap().note, None);
}

/// A bundle of the synthetic 7925 firmware, with or without its `#+` components.
fn catalog_7925(with_optional: bool) -> (Catalog, crate::testkit::families::FamilyFirmware) {
    use crate::firmware::{manifest, signed::SignedHeader};
    let fw = crate::testkit::families::build(crate::models::FamilyId::F792x, with_optional);
    let cat = Catalog::from_files(
        fw.files.iter().map(|(n, d)| (n.as_str(), d.len() as u64)),
        |name| {
            let data = fw.file(name)?;
            let (_, body) = SignedHeader::parse(data).ok()?;
            Some(manifest::parse(body).ok()?.images)
        },
    );
    (cat, fw)
}

#[test]
fn a_7925_goes_on_without_absent_optional_components_and_fetches_present_ones() {
    let (cat, fw) = catalog_7925(false);
    assert!(!cat.is_optional("TNUXH-1.4.7.3.SBN") && cat.is_optional("jsysh-1.4.7.3.sbn"));
    let mut t = Tracker::new(cat);
    let s = fetch(&mut t, 0, "CP7925G-1.4.7.3.loads");
    assert_eq!(
        (s.files_done, s.files_expected),
        (1, 7),
        "the manifest and the six images served; not the two absent #+ ones"
    );
    let mut last = s;
    for (i, img) in fw.images.iter().enumerate() {
        last = if fw.file(img).is_some() {
            fetch(&mut t, 10 + i as u64 * 10, img)
        } else {
            t.handle(10 + i as u64 * 10, &req(img, Resolution::NotFound))
                .pop()
                .unwrap()
        };
        assert_ne!(last.state, PhoneState::Failed, "{img}: {:?}", last.reason);
    }
    assert_eq!(last.state, PhoneState::Done);
    assert!(last.normal_misses.iter().any(|m| m == "JUIH-1.4.7.3.SBN"));

    // Served, they are expected like any other image.
    let (cat, _) = catalog_7925(true);
    let mut t = Tracker::new(cat);
    let s = fetch(&mut t, 0, "CP7925G-1.4.7.3.loads");
    assert_eq!(s.files_expected, 9);
    // A required image missing still fails the card.
    let s = t
        .handle(5, &req("NOSUCH-1.4.7.3.SBN", Resolution::NotFound))
        .pop()
        .unwrap();
    assert_eq!(s.state, PhoneState::Failed);
}

#[test]
fn a_phone_fetching_over_http_is_followed_like_one_over_tftp() {
    let http = |e: Event| match e {
        Event::TftpRequest(r) => Event::TftpRequest(TftpRequest {
            transport: Transport::Http,
            ..r
        }),
        Event::TftpDone(d) => Event::TftpDone(TftpEnd {
            transport: Transport::Http,
            ..d
        }),
        other => other,
    };
    let mut t = Tracker::new(catalog());
    t.handle(0, &ack());
    t.handle(1, &http(req("/term61.default.loads", Resolution::Exact)));
    let s = t
        .handle(2, &http(end("term61.default.loads", Outcome::Done)))
        .pop()
        .unwrap();
    assert_eq!(s.state, PhoneState::Downloading);
    assert_eq!(s.files[0].transport, Transport::Http);
    assert_eq!(s.files[1].transport, Transport::Tftp, "not asked for yet");
    // One image over HTTP, the rest over TFTP (a phone that fell back).
    t.handle(3, &http(req(IMAGES[0], Resolution::Exact)));
    t.handle(4, &http(end(IMAGES[0], Outcome::Done)));
    let mut last = None;
    for (i, img) in IMAGES.iter().enumerate().skip(1) {
        last = Some(fetch(&mut t, 10 + i as u64 * 10, img));
    }
    let last = last.unwrap();
    assert_eq!(last.state, PhoneState::Done);
    let transports: Vec<Transport> = last.files.iter().map(|f| f.transport).collect();
    assert_eq!(
        transports[..3],
        [Transport::Http, Transport::Http, Transport::Tftp]
    );
}
