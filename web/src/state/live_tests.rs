//! The reducer with a helper on step 5: the live view driven by event
//! sequences through the shared tracker, the way the helper drives it (each
//! event, then the summaries it changed), and what the person does there.

use std::net::Ipv4Addr;

use lifeline_shared::events::{Diagnosis, Event, Outcome, PhoneState, Resolution};
use lifeline_shared::finding::Severity;
use lifeline_shared::firmware::{manifest, signed::SignedHeader};
use lifeline_shared::protocol::ServerMessage;
use lifeline_shared::testkit::{self, SEED_IMAGE_NAMES as IMAGES};
use lifeline_shared::tracker::{Catalog, Tracker};

use super::*;
use crate::live::PhoneView;
use crate::stepper::{Mark, steps};
use crate::test_support::{apply, at, msg, msg_at, ready, seed_state, status, with_bundle};

/// The seed bundle's catalog, as the helper makes it from the bundle folder.
fn catalog(state: &State) -> Catalog {
    let BundleJob::Ready { bundle, .. } = &state.bundle else {
        panic!()
    };
    Catalog::from_files(
        bundle
            .manifest
            .files
            .iter()
            .map(|f| (f.name.as_str(), f.size)),
        |name| {
            let data = bundle.contents.get(name)?;
            let (_, body) = SignedHeader::parse(data).ok()?;
            let m = manifest::parse(body).ok()?;
            Some(m.images)
        },
    )
}

/// A phone and the helper's tracker, feeding the reducer as the helper would.
struct Bench {
    state: State,
    tracker: Tracker,
    now: u64,
}

const PHONE: &str = "192.168.10.50:50000";

impl Bench {
    fn new() -> Bench {
        let (state, _, id) = with_bundle();
        let state = apply(&state, msg(ServerMessage::Status(status(Some(&id)))));
        let tracker = Tracker::new(catalog(&state));
        Bench {
            state,
            tracker,
            now: 0,
        }
    }

    fn event(&mut self, e: Event) {
        self.now += 1000;
        self.state = apply(
            &self.state,
            Action::LinkMessage {
                message: Box::new(ServerMessage::Event(e.clone())),
                raw: Some("{}".into()),
                at: at(self.now),
            },
        );
        for p in self.tracker.handle(self.now, &e) {
            self.state = apply(&self.state, msg_at(ServerMessage::Phone(p), self.now));
        }
    }

    fn request(&mut self, file: &str, resolution: Resolution) {
        let e = testkit::tftp_request(self.now, PHONE.parse().unwrap(), file, resolution, None);
        self.event(e);
    }

    fn end(&mut self, file: &str, outcome: Outcome) {
        let e = testkit::tftp_end(self.now, PHONE.parse().unwrap(), file, outcome);
        self.event(e);
    }

    fn fetch(&mut self, file: &str) {
        self.request(file, Resolution::Exact);
        self.end(file, Outcome::Done);
    }

    fn ack(&mut self) {
        self.event(testkit::dhcp_ack(
            Ipv4Addr::new(192, 168, 10, 50),
            Ipv4Addr::new(192, 168, 10, 105),
        ));
    }

    fn card(&self) -> PhoneView {
        let live = &self.state.helper.live;
        assert_eq!(live.phones.len(), 1, "one card");
        let p = &live.phones[0];
        PhoneView::of(p)
    }

    fn diagnosis(&self) -> Option<Diagnosis> {
        self.state.helper.live.phones[0].diagnosis.clone()
    }
}

#[test]
fn a_full_recovery_ends_recovered() {
    let mut b = Bench::new();
    b.ack();
    b.request("CTLSEP001122AABBCC.tlv", Resolution::NotFound);
    b.fetch("term61.default.loads");
    let card = b.card();
    // The manifest is sent; the phone has not asked for the next file yet.
    assert_eq!(card.headline, "Downloading: 1 of 6 files sent");
    assert_eq!(card.title, "Cisco 7961");
    assert_eq!(card.mac.as_deref(), Some("00:11:22:AA:BB:CC"));
    assert_eq!(card.address.as_deref(), Some("192.168.10.50"));
    assert_eq!(
        card.files
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>(),
        [
            "term61.default.loads",
            IMAGES[0],
            IMAGES[1],
            IMAGES[2],
            IMAGES[3],
            IMAGES[4]
        ],
        "manifest order"
    );
    assert_eq!(
        card.normal.as_deref(),
        Some("Not found, as is normal without a Call Manager: `CTLSEP001122AABBCC.tlv`.")
    );
    for img in IMAGES {
        b.fetch(img);
    }
    let card = b.card();
    assert_eq!(card.headline, "All 6 files sent");
    assert!(
        card.files
            .iter()
            .all(|f| f.state == "sent" && f.percent == Some(100))
    );
    assert_eq!(steps(&b.state)[4].mark, None, "not observed back yet");
    // It restarts and asks for its configuration: recovered.
    b.request("SEP001122AABBCC.cnf.xml", Resolution::NotFound);
    b.fetch("XMLDefault.cnf.xml");
    let card = b.card();
    assert_eq!(card.headline, "Recovered");
    assert!(
        card.detail.starts_with("Recovered in ")
            && card
                .detail
                .contains(": all 6 files sent, then it restarted"),
        "{}",
        card.detail
    );
    assert_eq!(card.tone, "ok");
    assert_eq!(steps(&b.state)[4].mark, Some(Mark::Ok));
    assert_eq!(
        b.state.helper.live.announce,
        "Phone SEP001122AABBCC (7961) recovered."
    );
    assert_eq!(b.state.helper.live.tally(), (1, 0, 0));
}

#[test]
fn a_missing_file_ends_not_found_with_the_closest_name() {
    let mut b = Bench::new();
    b.fetch("term41.default.loads");
    b.fetch(IMAGES[0]);
    b.request("dsp41.8-3-2-72.sbn", Resolution::NotFound);
    assert_eq!(
        b.diagnosis(),
        Some(Diagnosis::NotFound {
            file: "dsp41.8-3-2-72.sbn".into(),
            closest: Some("dsp41.8-3-2-27.sbn".into())
        })
    );
    let card = b.card();
    assert_eq!(card.tone, "error");
    assert_eq!(
        card.headline,
        "It asked for `dsp41.8-3-2-72.sbn`, which is not in the bundle"
    );
    assert!(
        card.detail
            .contains("The closest name in the bundle is `dsp41.8-3-2-27.sbn`")
    );
    assert!(
        card.fix
            .unwrap()
            .contains("stays stuck until that file is served")
    );
    assert_eq!(steps(&b.state)[4].mark, Some(Mark::Error));
    assert_eq!(
        b.state.helper.live.log.iter().last().unwrap().text,
        "Asked for `dsp41.8-3-2-72.sbn`: not in the bundle."
    );
}

#[test]
fn a_term_manifest_asked_again_and_again_ends_with_the_upgrade_advice() {
    let mut b = Bench::new();
    for _ in 0..3 {
        b.fetch("term41.default.loads");
    }
    assert!(matches!(
        b.diagnosis(),
        Some(Diagnosis::ManifestRepeated {
            recovery: true,
            times: 3,
            ..
        })
    ));
    let card = b.card();
    assert_eq!(card.tone, "warning");
    assert_eq!(
        card.headline,
        "It keeps asking for `term41.default.loads` without going on"
    );
    assert!(card.fix.unwrap().contains("8.3(3)–8.5(2) load first"));
    // Stuck, not failed: step 5 says ⚠, as its card and the Problems list do.
    assert_eq!(steps(&b.state)[4].mark, Some(Mark::Warning));
    let problems = crate::problems::collect(&b.state);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].severity, Severity::Warning);
}

#[test]
fn silence_ends_with_the_power_and_firewall_checklist() {
    let mut b = Bench::new();
    b.fetch("term41.default.loads");
    b.request(IMAGES[0], Resolution::Exact);
    let changed = b
        .tracker
        .tick(b.now + lifeline_shared::tracker::QUIET_LIMIT_MS);
    for p in changed {
        b.state = apply(&b.state, msg(ServerMessage::Phone(p)));
    }
    assert!(matches!(
        b.diagnosis(),
        Some(Diagnosis::Quiet { minutes: 5, .. })
    ));
    let card = b.card();
    assert_eq!(card.headline, "No request for 5 minutes");
    assert_eq!(
        card.detail,
        format!("The last thing it asked for was `{}`.", IMAGES[0])
    );
    assert!(card.fix.unwrap().contains("power brick"));
}

#[test]
fn timeouts_end_with_the_firewall_advice() {
    let mut b = Bench::new();
    b.fetch("term41.default.loads");
    for _ in 0..3 {
        b.request(IMAGES[2], Resolution::Exact);
        b.end(IMAGES[2], Outcome::TimedOut { retries: 5 });
    }
    assert!(matches!(
        b.diagnosis(),
        Some(Diagnosis::TimedOut { times: 3, .. })
    ));
    let card = b.card();
    assert_eq!(
        card.headline,
        format!("The transfer of `{}` keeps timing out", IMAGES[2])
    );
    assert!(card.fix.unwrap().contains("firewall"));
    let failed = card.files.iter().find(|f| f.name == IMAGES[2]).unwrap();
    assert_eq!(failed.state, "failed");
}

#[test]
fn a_phone_of_another_model_is_named() {
    let mut b = Bench::new();
    b.request("term42.default.loads", Resolution::NotFound);
    let card = b.card();
    assert!(
        card.detail.contains("recovery manifest of the 7942"),
        "{}",
        card.detail
    );
}

#[test]
fn the_snapshot_replaces_the_cards() {
    let mut b = Bench::new();
    b.fetch("term41.default.loads");
    let s = apply(&b.state, msg(ServerMessage::Phones { phones: vec![] }));
    assert!(s.helper.live.phones.is_empty());
    b.state = s;
    assert_eq!(steps(&b.state)[4].mark, None);
}

#[test]
fn ticks_start_the_watch_on_step_5_with_a_bundle_served() {
    let (s, _, id) = with_bundle();
    let t = apply(&s, Action::Tick(at(5000)));
    assert_eq!(t.helper.now, 5000);
    assert_eq!(t.helper.live.watch_since, None, "not on step 5");
    let s = apply(&s, msg(ServerMessage::Status(status(Some(&id)))));
    let s = apply(&s, Action::GoTo(StepId::Recover));
    let t = apply(&s, Action::Tick(at(5000)));
    assert_eq!(t.helper.live.watch_since, Some(5000));
    let t = apply(&t, Action::Tick(at(70_000)));
    assert_eq!(t.helper.live.watching(t.helper.now), Some((65, true)));
}

#[test]
fn log_controls_and_reset_ticks() {
    let s = State::default();
    let f = apply(&s, Action::FilterLog(Some("SEP001122AABBCC".into())));
    assert_eq!(f.helper.live.filter.as_deref(), Some("SEP001122AABBCC"));
    assert_eq!(
        f.next(Action::FilterLog(Some("SEP001122AABBCC".into()))),
        None
    );
    assert_eq!(apply(&f, Action::FilterLog(None)).helper.live.filter, None);
    assert!(s.helper.live.follow);
    let nf = apply(&s, Action::FollowLog(false));
    assert!(!nf.helper.live.follow);
    assert_eq!(s.next(Action::FollowLog(true)), None);
    let raw = apply(&s, Action::ShowRaw(true));
    assert!(raw.helper.live.raw);
    assert_eq!(raw.next(Action::ShowRaw(true)), None);
    let t = apply(&s, Action::ToggleReset(2));
    assert_eq!(t.resets, [2]);
    let t = apply(&t, Action::ToggleReset(0));
    assert_eq!(t.resets, [2, 0]);
    assert_eq!(apply(&t, Action::ToggleReset(2)).resets, [0]);
}

#[test]
fn step_5_opens_with_step_4() {
    let s = ready(&seed_state());
    let open = steps(&s);
    assert!(open[3].enabled && open[4].enabled);
    let r = apply(&s, Action::GoTo(StepId::Recover));
    assert_eq!(r.view, StepId::Recover);
    assert_eq!(steps(&r)[4].mark, None);
    let _ = PhoneState::Waiting;
}

#[test]
fn recover_another_keeps_the_done_card_and_the_bundle_and_waits_again() {
    let mut b = Bench::new();
    b.state = apply(&b.state, Action::GoTo(StepId::Recover));
    b.state = apply(&b.state, Action::Tick(at(1000)));
    b.state = apply(&b.state, Action::ToggleReset(0));
    assert_eq!(
        b.state.next(Action::RecoverAnother(at(2000))),
        None,
        "nothing recovered"
    );
    b.ack();
    b.fetch("term61.default.loads");
    for img in IMAGES {
        b.fetch(img);
    }
    b.fetch("XMLDefault.cnf.xml");
    assert!(b.state.helper.live.can_recover_another());
    let bundle = b.state.bundle.clone();
    let served = b.state.helper.serves_bundle(&b.state.bundle);

    let s = apply(&b.state, Action::RecoverAnother(at(300_000)));
    let live = &s.helper.live;
    assert_eq!(live.done, ["SEP001122AABBCC"]);
    assert_eq!(live.phones.len(), 1, "the card stays");
    assert!(live.is_waiting());
    assert_eq!(
        live.watching(s.helper.now),
        Some((0, false)),
        "the timer starts over"
    );
    assert!(
        s.resets.is_empty(),
        "the reset ticks are for the next phone"
    );
    assert_eq!(s.bundle, bundle);
    assert_eq!(s.helper.serves_bundle(&s.bundle), served);
    assert_eq!(steps(&s)[4].mark, Some(Mark::Ok));
    assert!(!live.can_recover_another());
    assert_eq!(s.next(Action::RecoverAnother(at(301_000))), None, "once");
    // The checklist comes back after a quiet minute.
    let t = apply(&s, Action::Tick(at(361_000)));
    assert_eq!(t.helper.live.watching(t.helper.now), Some((61, true)));
    assert!(crate::problems::collect(&t).is_empty());
}

#[test]
fn a_recovered_phone_alerts_once_and_a_failed_one_too() {
    let mut b = Bench::new();
    b.fetch("term41.default.loads");
    for img in IMAGES {
        b.fetch(img);
    }
    assert_eq!(b.state.helper.live.alert, None, "not back yet");
    b.fetch("XMLDefault.cnf.xml");
    let alert = b.state.helper.live.alert.clone().unwrap();
    assert_eq!(alert.finish, crate::live::Finish::Recovered);
    assert_eq!(alert.seq, 1);
    // It keeps asking for its configuration now and then: still one alert.
    b.fetch("XMLDefault.cnf.xml");
    b.request("SEP001122AABBCC.cnf.xml", Resolution::NotFound);
    assert_eq!(b.state.helper.live.alert.as_ref().map(|a| a.seq), Some(1));

    let mut f = Bench::new();
    f.fetch("term41.default.loads");
    f.request("dsp41.8-3-2-72.sbn", Resolution::NotFound);
    let alert = f.state.helper.live.alert.clone().unwrap();
    assert_eq!(alert.finish, crate::live::Finish::Failed);
    f.request("dsp41.8-3-2-72.sbn", Resolution::NotFound);
    assert_eq!(f.state.helper.live.alert.as_ref().map(|a| a.seq), Some(1));
}

#[test]
fn a_failed_phone_is_a_problem_fixed_at_its_card() {
    let mut f = Bench::new();
    f.fetch("term41.default.loads");
    f.request("dsp41.8-3-2-72.sbn", Resolution::NotFound);
    let problems = crate::problems::collect(&f.state);
    let phone = problems
        .iter()
        .find(|i| i.place.step == Some(StepId::Recover))
        .unwrap();
    assert_eq!(phone.severity, lifeline_shared::finding::Severity::Error);
    assert_eq!(phone.place.focus, "card-192.168.10.50");
    assert!(
        phone
            .text
            .starts_with("Phone at 192.168.10.50: It asked for `dsp41.8-3-2-72.sbn`"),
        "{}",
        phone.text
    );
}

#[test]
fn sound_and_notifications_are_opt_in() {
    use crate::prefs::{Permission, Prefs};
    let s = State::default();
    assert_eq!(s.prefs, Prefs::default());
    let on = apply(&s, Action::SetSound(true));
    assert!(on.prefs.sound);
    assert_eq!(on.next(Action::SetSound(true)), None);
    assert!(!apply(&on, Action::SetSound(false)).prefs.sound);

    // Without a Notification API, or refused: it stays off.
    assert_eq!(s.next(Action::SetNotify(true)), None);
    let denied = State::with_prefs(
        Prefs {
            notify: true,
            ..Prefs::default()
        },
        Permission::Denied,
    );
    assert!(!denied.prefs.notify, "refused since it was stored");
    assert_eq!(denied.next(Action::SetNotify(true)), None);

    // Not asked yet: on only once the browser says yes.
    let ask = State::with_prefs(Prefs::default(), Permission::Ask);
    let asking = apply(&ask, Action::SetNotify(true));
    assert!(asking.notify_asking && !asking.prefs.notify);
    assert_eq!(asking.next(Action::SetNotify(true)), None);
    let yes = apply(&asking, Action::NotifyAnswered(Permission::Granted));
    assert!(yes.prefs.notify && !yes.notify_asking);
    assert_eq!(yes.permission, Permission::Granted);
    let no = apply(&asking, Action::NotifyAnswered(Permission::Denied));
    assert!(!no.prefs.notify && !no.notify_asking);
    assert!(no.permission.blocked().is_some());
    // Off, then on again with the permission in hand: no question.
    let off = apply(&yes, Action::SetNotify(false));
    assert!(!off.prefs.notify);
    assert!(apply(&off, Action::SetNotify(true)).prefs.notify);
    // A permission taken back in the browser turns it off.
    let revoked = apply(&yes, Action::NotifyAnswered(Permission::Denied));
    assert!(!revoked.prefs.notify);
    assert_eq!(yes.next(Action::NotifyAnswered(Permission::Granted)), None);
    // Stored and allowed: on from the start.
    let both = Prefs {
        sound: true,
        notify: true,
        remember: false,
    };
    assert_eq!(State::with_prefs(both, Permission::Granted).prefs, both);
}

#[test]
fn the_problems_list_opens_and_closes() {
    let s = State::default();
    assert!(!s.problems_open);
    let o = apply(&s, Action::ShowProblems(true));
    assert!(o.problems_open);
    assert_eq!(o.next(Action::ShowProblems(true)), None);
    assert!(!apply(&o, Action::ShowProblems(false)).problems_open);
}

#[test]
fn retry_failed_starts_the_failed_card_over_and_says_to_reset_it() {
    let mut b = Bench::new();
    b.state = apply(&b.state, Action::GoTo(StepId::Recover));
    b.state = apply(&b.state, Action::ToggleReset(0));
    b.ack();
    b.fetch("term61.default.loads");
    b.request("dsp41.8-3-2-72.sbn", Resolution::NotFound);
    let live = &b.state.helper.live;
    assert_eq!(live.to_retry(), ["SEP001122AABBCC"]);
    assert_eq!(steps(&b.state)[4].mark, Some(Mark::Error));
    assert_eq!(
        b.state.next(Action::RetryFailed {
            phones: vec![],
            at: at(b.now)
        }),
        None,
        "nothing asked"
    );

    // The page asks; the helper's tracker starts it over and says so.
    let ids = live.to_retry();
    b.now += 1000;
    b.state = apply(
        &b.state,
        Action::RetryFailed {
            phones: ids.clone(),
            at: at(b.now),
        },
    );
    assert!(b.state.resets.is_empty(), "the reset is to be done again");
    let note = "Retry: Phone SEP001122AABBCC (7961) starts over. Reset it again.";
    assert_eq!(b.state.helper.live.log.iter().last().unwrap().text, note);
    assert_eq!(b.state.helper.live.announce, note);
    for p in b.tracker.retry(b.now, &ids) {
        b.state = apply(&b.state, msg_at(ServerMessage::Phone(p), b.now));
    }
    let card = b.card();
    assert_eq!(card.tone, "muted");
    assert_eq!(card.headline, "Waiting for it to start again");
    assert_eq!(
        card.fix.as_deref(),
        Some("Reset it as the steps above say.")
    );
    assert_eq!(card.attempt, Some(2));
    assert!(card.files.is_empty());
    assert!(b.state.helper.live.to_retry().is_empty());
    assert_eq!(steps(&b.state)[4].mark, None, "nothing to look at any more");
    assert!(crate::problems::collect(&b.state).is_empty());

    // Its new try is followed, and it can end recovered.
    b.ack();
    b.fetch("term61.default.loads");
    for img in IMAGES {
        b.fetch(img);
    }
    b.fetch("XMLDefault.cnf.xml");
    let card = b.card();
    assert_eq!(
        (card.headline.as_str(), card.attempt),
        ("Recovered", Some(2))
    );
    assert_eq!(b.state.helper.live.tally(), (1, 0, 0));
}
