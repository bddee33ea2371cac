//! A 7940/7960's requests on a card: its names reveal its MAC, its optional files are
//! normal misses, OS79XX.TXT and SIPDefault.cnf missing are failures with their own
//! words, and a SIP image fetching its .cnf again and again is a configuration loop.

use super::*;
use crate::events::{LoopCause, Outcome, Resolution};
use crate::testkit;

const PHONE: &str = "10.0.0.79:50000";

fn catalog() -> Catalog {
    let images = vec![
        "P003-8-12-00.sbn".to_string(),
        "P0S3-8-12-00.sb2".to_string(),
    ];
    let files = [
        ("P0S3-8-12-00.loads", 500),
        ("P003-8-12-00.sbn", 1000),
        ("P0S3-8-12-00.sb2", 1000),
        ("SIPDefault.cnf", 300),
    ];
    let mut c = Catalog::from_files(files, |_| Some(super::tests::lines(images.clone())));
    c.add_config(
        "SIPDefault.cnf",
        "image_version: \"P0S3-8-12-00\"\nproxy1_address: 10.0.0.1\n",
    );
    c
}

fn req(file: &str, resolution: Resolution) -> Event {
    testkit::tftp_request(1, PHONE.parse().unwrap(), file, resolution, Some(300))
}

fn fetch(t: &mut Tracker, now: u64, file: &str) -> PhoneSummary {
    t.handle(now, &req(file, Resolution::Exact));
    t.handle(
        now + 1,
        &testkit::tftp_end(1, PHONE.parse().unwrap(), file, Outcome::Done),
    )
    .pop()
    .unwrap()
}

#[test]
fn the_sip_files_name_the_phone_and_miss_normally() {
    let mut t = Tracker::new(catalog());
    let s = t
        .handle(0, &req("SIP001B54796001.cnf", Resolution::NotFound))
        .pop()
        .unwrap();
    assert_eq!(s.id, "SEP001B54796001");
    assert_eq!(s.state, PhoneState::Waiting);
    assert_eq!(s.normal_misses, ["SIP001B54796001.cnf"]);
    let s = t
        .handle(1, &req("RINGLIST.DAT", Resolution::NotFound))
        .pop()
        .unwrap();
    assert_eq!(s.state, PhoneState::Waiting);
    // Then the image SIPDefault.cnf names, to the end.
    fetch(&mut t, 2, "SIPDefault.cnf");
    fetch(&mut t, 3, "P0S3-8-12-00.loads");
    fetch(&mut t, 4, "P003-8-12-00.sbn");
    let s = fetch(&mut t, 5, "P0S3-8-12-00.sb2");
    assert_eq!(s.state, PhoneState::Done);
    assert_eq!((s.files_done, s.files_expected), (3, 3));
}

#[test]
fn a_missing_os79xx_or_sipdefault_is_a_failure_in_its_own_words() {
    for file in ["OS79XX.TXT", "SIPDefault.cnf"] {
        let mut c = catalog();
        c.sizes.remove(&file.to_ascii_lowercase());
        let mut t = Tracker::new(c);
        let s = t.handle(0, &req(file, Resolution::NotFound)).pop().unwrap();
        assert_eq!(s.state, PhoneState::Failed, "{file}");
        let a = s.advice.expect("advice");
        assert!(a.detail.contains("7940/7960"), "{}", a.detail);
        assert!(a.fix.contains("bundle"), "{}", a.fix);
    }
}

#[test]
fn a_sip_7960_fetching_its_defaults_again_and_again_is_a_loop() {
    let mut t = Tracker::new(catalog());
    let mut last = None;
    for i in 0..CONFIG_REPEAT_LIMIT {
        last = Some(fetch(&mut t, 100 + u64::from(i) * 100, "SIPDefault.cnf"));
    }
    let s = last.unwrap();
    assert_eq!(s.state, PhoneState::Stuck);
    match s.diagnosis {
        Some(Diagnosis::ConfigLoop { cause, .. }) => assert_eq!(
            cause,
            LoopCause::Unknown {
                loads: vec![crate::events::NamedLoad {
                    load: "P0S3-8-12-00".into(),
                    in_bundle: true
                }]
            }
        ),
        other => panic!("{other:?}"),
    }
}
