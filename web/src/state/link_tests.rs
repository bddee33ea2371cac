//! The reducer with a helper: pairing, the connection, sending the bundle.

use lifeline_shared::protocol::{CHUNK_SIZE, ErrorCode, ServerMessage};

use super::*;
use crate::bundle::BundleKey;
use crate::pairing::Link;
use crate::stepper::{Mark, steps};
use crate::test_support::{
    apply, at, built, hello, msg, msg_at, ready, seed_state, status, with_bundle,
};
use crate::upload::SendState;

fn ready_msg(id: &str, received: u64, total: u64) -> ServerMessage {
    ServerMessage::UploadReady {
        id: id.into(),
        chunk_size: CHUNK_SIZE,
        have: vec![],
        received,
        total,
    }
}

fn progress(id: &str, received: u64, total: u64) -> ServerMessage {
    ServerMessage::UploadProgress {
        id: id.into(),
        received,
        total,
    }
}

#[test]
fn pairing_connects_and_fills_in_the_tftp_address_once() {
    let s = State::default();
    assert_eq!(s.helper.link, Link::Unpaired);
    let c = apply(&s, Action::LinkConnecting { attempt: 1 });
    assert_eq!(c.helper.link, Link::Connecting { attempt: 1 });
    assert_eq!(c.next(Action::LinkConnecting { attempt: 1 }), None);
    let h = apply(&c, msg(hello()));
    assert!(h.helper.link.is_connected());
    assert_eq!(h.helper.name.as_deref(), Some("lifeline 0.1.0"));
    assert_eq!(
        h.helper.live.log.iter().last().map(|l| l.text.as_str()),
        Some("Connected to the helper (lifeline 0.1.0).")
    );
    let st = apply(&h, msg(ServerMessage::Status(status(None))));
    assert_eq!(st.form.tftp, "192.168.10.105");
    assert_eq!(st.rev, h.rev + 1);
    let choice = st.helper.prefill_for(&st.form).expect("the note shows");
    assert_eq!(choice.name, "eth0");
    assert_eq!(steps(&st)[1].mark, Some(Mark::Ok));
    // Cleared by the person: the next status leaves it empty.
    let cleared = apply(&st, Action::SetTftp(String::new()));
    assert_eq!(cleared.helper.prefill_for(&cleared.form), None);
    let again = apply(&cleared, msg(ServerMessage::Status(status(None))));
    assert_eq!(again.form.tftp, "");
    // Typed (or from a link) before the helper answered: kept as it is.
    let typed = apply(&h, Action::SetTftp("10.9.9.9".into()));
    let st = apply(&typed, msg(ServerMessage::Status(status(None))));
    assert_eq!(st.form.tftp, "10.9.9.9");
    assert_eq!(st.helper.prefill_for(&st.form), None);
    assert!(st.helper.status.is_some());
}

#[test]
fn another_protocol_version_refuses_and_stops_trying() {
    let s = apply(&State::default(), Action::LinkConnecting { attempt: 1 });
    let r = apply(
        &s,
        msg(ServerMessage::Error {
            code: ErrorCode::VersionMismatch,
            message: "protocol version 2 (page) and 1 (helper) differ: update the helper".into(),
            file: None,
        }),
    );
    let Link::Refused(why) = &r.helper.link else {
        panic!("{:?}", r.helper.link)
    };
    assert!(why.ends_with("update the helper."), "{why}");
    let closed = apply(
        &r,
        Action::LinkClosed {
            retry_in_ms: None,
            at: at(1),
        },
    );
    assert!(matches!(closed.helper.link, Link::Refused(_)));
    assert_eq!(closed.next(Action::LinkConnecting { attempt: 2 }), None);
    // Closed without a reason and not to be retried: refused with the fix.
    let c = apply(
        &s,
        Action::LinkClosed {
            retry_in_ms: None,
            at: at(1),
        },
    );
    assert!(matches!(&c.helper.link, Link::Refused(w) if w.contains("address it printed")));
}

#[test]
fn a_failed_first_connection_retries_without_a_lost_line() {
    let s = apply(&State::default(), Action::LinkConnecting { attempt: 1 });
    let r = apply(
        &s,
        Action::LinkClosed {
            retry_in_ms: Some(1000),
            at: at(5),
        },
    );
    assert_eq!(
        r.helper.link,
        Link::Retrying {
            attempt: 1,
            retry_in_ms: 1000,
            lost_at: None
        }
    );
    assert!(r.helper.live.log.is_empty());
    let r2 = apply(&r, Action::LinkConnecting { attempt: 2 });
    assert_eq!(
        crate::pill::pill(&r2.helper, None).1,
        "Helper not reachable"
    );
}

#[test]
fn sending_needs_a_connected_helper_and_the_bundle_on_screen() {
    let (s, key, id) = with_bundle();
    let (offline, _) = built(&ready(&seed_state()));
    assert_eq!(
        offline.next(Action::SendStarted { key, at: at(0) }),
        None,
        "no helper"
    );
    let stale = BundleKey { ticket: 1, rev: 1 };
    assert_eq!(
        s.next(Action::SendStarted {
            key: stale,
            at: at(0)
        }),
        None
    );
    let started = apply(&s, Action::SendStarted { key, at: at(0) });
    assert_eq!(
        started.helper.send,
        SendState::Starting {
            key,
            id: id.clone()
        }
    );
    let stopped = apply(&started, Action::SendStopped { key, at: at(1) });
    assert_eq!(stopped.helper.send, SendState::Idle);
    assert_eq!(stopped.next(Action::SendStopped { key, at: at(2) }), None);
    // A change to the settings drops the send with the bundle.
    let changed = apply(&started, Action::SetCallManagers("10.1.1.1".into()));
    assert_eq!(changed.helper.send, SendState::Idle);
    assert_eq!(changed.bundle, BundleJob::Idle);
}

#[test]
fn a_sent_bundle_switches_marks_deliver_and_is_logged() {
    let (s, key, id) = with_bundle();
    assert_eq!(steps(&s)[3].mark, None);
    let s = apply(&s, Action::SendStarted { key, at: at(0) });
    let s = apply(&s, msg_at(ready_msg(&id, 0, 6_000_000), 0));
    let s = apply(&s, msg_at(progress(&id, 3_000_000, 6_000_000), 1000));
    let SendState::Sending(p) = &s.helper.send else {
        panic!("{:?}", s.helper.send)
    };
    assert_eq!(
        (p.percent(), p.rate(), p.secs_left()),
        (50, Some(3_000_000), Some(1))
    );
    let s = apply(&s, msg_at(progress(&id, 6_000_000, 6_000_000), 2000));
    let s = apply(&s, msg(ServerMessage::UploadVerifying { id: id.clone() }));
    assert!(matches!(s.helper.send, SendState::Verifying(_)));
    let s = apply(
        &s,
        msg(ServerMessage::UploadSwitched {
            id: id.clone(),
            files: 10,
            bytes: 6_000_000,
        }),
    );
    assert!(matches!(
        s.helper.send,
        SendState::Switched { files: 10, .. }
    ));
    assert_eq!(steps(&s)[3].mark, Some(Mark::Ok));
    let last = s.helper.live.log.iter().last().unwrap();
    assert_eq!(
        last.text,
        format!(
            "The helper switched to bundle `{}`: it serves 10 files.",
            &id[..8]
        )
    );
    // The fresh status that follows says it serves it.
    let s = apply(&s, msg(ServerMessage::Status(status(Some(&id)))));
    assert!(s.helper.serves_bundle(&s.bundle));
    // A page opened later, with the helper already serving this bundle: ✓ too.
    let (fresh, _, _) = with_bundle();
    let fresh = apply(&fresh, msg(ServerMessage::Status(status(Some(&id)))));
    assert_eq!(steps(&fresh)[3].mark, Some(Mark::Ok));
}

#[test]
fn a_refused_upload_marks_deliver_with_the_named_problem() {
    let (s, key, id) = with_bundle();
    let s = apply(&s, Action::SendStarted { key, at: at(0) });
    let s = apply(&s, msg(ready_msg(&id, 0, 100)));
    let f = apply(
        &s,
        msg(ServerMessage::Error {
            code: ErrorCode::Storage,
            message: "the helper could not write to its data directory: No space left on device"
                .into(),
            file: None,
        }),
    );
    let SendState::Failed {
        refusal: problem, ..
    } = &f.helper.send
    else {
        panic!()
    };
    assert_eq!(problem.title, "The helper could not store the bundle");
    assert_eq!(steps(&f)[3].mark, Some(Mark::Error));
    assert!(f.helper.live.log.iter().any(|l| {
        l.text
            .starts_with("Sending failed: The helper could not store")
    }));
    // Try again.
    let again = apply(&f, Action::SendStarted { key, at: at(9) });
    assert!(matches!(again.helper.send, SendState::Starting { .. }));
    // A damaged file is sent again, not a failure.
    let d = apply(
        &s,
        msg(ServerMessage::Error {
            code: ErrorCode::HashMismatch,
            message: "apps.sbn does not match its SHA-256".into(),
            file: Some("apps.sbn".into()),
        }),
    );
    assert!(matches!(&d.helper.send, SendState::Sending(p) if p.again.is_some()));
    assert_eq!(steps(&d)[3].mark, None);
    // An error with nothing under way is only logged.
    let (idle, _, _) = with_bundle();
    let e = apply(
        &idle,
        msg(ServerMessage::Error {
            code: ErrorCode::OutOfOrder,
            message: "say hello first".into(),
            file: None,
        }),
    );
    assert_eq!(e.helper.send, SendState::Idle);
    assert_eq!(
        e.helper.live.log.iter().last().unwrap().text,
        "The helper said: Say hello first."
    );
}

#[test]
fn a_lost_connection_holds_the_upload_and_resumes_it() {
    let (s, key, id) = with_bundle();
    let s = apply(&s, Action::SendStarted { key, at: at(0) });
    let s = apply(&s, msg(ready_msg(&id, 0, 6_000_000)));
    let s = apply(&s, msg_at(progress(&id, 2_000_000, 6_000_000), 500));
    let lost = apply(
        &s,
        Action::LinkClosed {
            retry_in_ms: Some(1000),
            at: at(600),
        },
    );
    assert_eq!(
        lost.helper.link,
        Link::Retrying {
            attempt: 1,
            retry_in_ms: 1000,
            lost_at: Some(1_700_000_000_600)
        }
    );
    assert!(matches!(&lost.helper.send, SendState::Interrupted(p) if p.shown == 2_000_000));
    assert_eq!(lost.helper.live.stale_since, Some(1_700_000_000_600));
    assert!(
        lost.helper
            .live
            .log
            .iter()
            .any(|l| l.text.starts_with("Lost the connection"))
    );
    let back = apply(&lost, Action::LinkConnecting { attempt: 2 });
    let back = apply(&back, msg(hello()));
    assert_eq!(back.helper.live.stale_since, None);
    let back = apply(&back, msg_at(ready_msg(&id, 1_800_000, 6_000_000), 5000));
    let SendState::Sending(p) = &back.helper.send else {
        panic!("{:?}", back.helper.send)
    };
    assert_eq!(
        (p.resumed, p.shown, p.received),
        (Some(1_800_000), 2_000_000, 1_800_000)
    );
}

#[test]
fn an_unreadable_message_is_logged() {
    let s = apply(
        &State::default(),
        Action::LinkGarbled {
            why: "not JSON".into(),
            at: at(0),
        },
    );
    assert_eq!(
        s.helper.live.log.iter().last().unwrap().text,
        "The helper sent a message this page could not read (not JSON)."
    );
}

#[test]
fn a_refused_simulation_is_said_and_leaves_an_upload_under_way_alone() {
    let (s, key, id) = with_bundle();
    let s = apply(&s, Action::SendStarted { key, at: at(0) });
    let s = apply(&s, msg(ready_msg(&id, 0, 100)));
    let s = apply(&s, Action::SimulateAsked(at(10)));
    assert!(s.helper.live.simulation.busy());
    // Asked twice while one is asked: nothing changes.
    assert!(s.next(Action::SimulateAsked(at(11))).is_none());
    let r = apply(
        &s,
        msg(ServerMessage::Error {
            code: ErrorCode::Simulation,
            message: "A simulation is already running: wait for its verdicts".into(),
            file: None,
        }),
    );
    assert_eq!(
        r.helper.live.simulation,
        crate::live::SimRun::Refused(
            "A simulation is already running: wait for its verdicts.".into()
        )
    );
    assert!(
        matches!(r.helper.send, SendState::Sending(_)),
        "{:?}",
        r.helper.send
    );
    assert!(
        r.helper
            .live
            .lines()
            .any(|l| l.text == "The helper did not start the simulated phones: A simulation is already running: wait for its verdicts."),
    );
}

#[test]
fn the_helpers_refusal_of_a_phones_release_goes_to_the_card_last_asked() {
    let s = State::default();
    // A refusal with nothing asked is only logged.
    let quiet = apply(
        &s,
        msg(ServerMessage::Error {
            code: ErrorCode::BadStart,
            message: "no upgrade plan is served".into(),
            file: None,
        }),
    );
    assert_eq!(quiet.helper.live.start, None);
    let asked = apply(
        &s,
        Action::StartAsked {
            card: "SEP001122AABBCC".into(),
            text: "eight".into(),
            at: at(5),
        },
    );
    assert!(
        asked
            .helper
            .live
            .lines()
            .any(|l| l.text == "Told the helper that SEP001122AABBCC runs eight.")
    );
    let refused = apply(
        &asked,
        msg(ServerMessage::Error {
            code: ErrorCode::BadStart,
            message: "`eight` is not a release: type it as 8.0(4)".into(),
            file: None,
        }),
    );
    let start = refused.helper.live.start.as_ref().unwrap();
    assert_eq!(start.card, "SEP001122AABBCC");
    assert_eq!(
        start.refused.as_deref(),
        Some("`eight` is not a release: type it as 8.0(4).")
    );
    // Asking again clears the refusal until the helper answers.
    let again = apply(
        &refused,
        Action::StartAsked {
            card: "SEP001122AABBCC".into(),
            text: "8.0(4)".into(),
            at: at(6),
        },
    );
    assert_eq!(again.helper.live.start.as_ref().unwrap().refused, None);
}
