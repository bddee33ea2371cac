//! The reducer across a reload and a helper restart: the settings, the step
//! and the kept firmware come back; a refused token is said in words.

use super::*;
use crate::keep::Kept;
use crate::pairing::Link;
use crate::test_support::{
    apply, at, connected, form, load_zip, msg, no_bytes, seed_report, selection, several_state,
    status,
};
use crate::upgrade::{self, Choice, Start};

const HOP: &str = "SCCP41.8-5-2S";
const TARGET: &str = "SCCP41.9-4-2SR3-1S";

/// The settings a bundle needs, as a reload reads them back on step `view`.
fn reloaded(view: StepId) -> State {
    apply(
        &State::default(),
        Action::Restore(Restored {
            form: Some(form("192.168.10.105", "192.168.10.1", "")),
            link: None,
            view: Some(view),
            choice: None,
        }),
    )
}

/// The kept firmware read back as job `ticket`, up to its report.
fn read_back(s: &State, ticket: u64) -> State {
    let s = apply(
        s,
        Action::ReadStarted {
            ticket,
            selection: selection("seed.zip", 1, 6_400_000),
        },
    );
    let s = apply(&s, Action::CheckStarted { ticket });
    apply(
        &s,
        Action::Inspected {
            ticket,
            report: seed_report(),
            millis: 1.0,
            firmware: no_bytes(),
            packages: None,
        },
    )
}

#[test]
fn a_reload_returns_to_its_step_once_the_kept_firmware_is_back() {
    let s = reloaded(StepId::Deliver);
    assert_eq!(s.form.tftp, "192.168.10.105");
    assert_eq!(s.notice, None, "a reload is no link from elsewhere");
    // Step 4 needs the firmware: it waits for it on step 1.
    assert_eq!(s.view, StepId::Firmware);
    assert_eq!(s.resume, Some(StepId::Deliver));
    let s = apply(&s, Action::Restoring(1));
    let back = read_back(&s, 1);
    assert_eq!(back.view, StepId::Deliver);
    assert_eq!(back.resume, None);
    assert_eq!(back.kept, Kept::Yes);
    assert!(back.report().is_some());
}

#[test]
fn a_step_without_firmware_needs_is_open_at_once() {
    let s = reloaded(StepId::Network);
    assert_eq!(s.view, StepId::Network);
    assert_eq!(s.resume, None);
}

#[test]
fn nothing_kept_or_another_file_first_drops_the_return() {
    let s = reloaded(StepId::Deliver);
    let none = apply(&s, Action::NothingKept);
    assert_eq!(none.restoring, None);
    assert_eq!(none.resume, None);
    assert_eq!(none.view, StepId::Firmware);
    // The person dropped another file before the kept one came back.
    let s = apply(&s, Action::Restoring(1));
    let theirs = read_back(&s, 2);
    assert_eq!(theirs.view, StepId::Firmware);
    assert_eq!(theirs.resume, None);
    assert_eq!(
        theirs.kept,
        Kept::No,
        "stored only once the browser says so"
    );
}

#[test]
fn firmware_read_back_on_step_1_is_kept_too() {
    let s = apply(&State::default(), Action::Restoring(1));
    let back = read_back(&s, 1);
    assert_eq!(back.view, StepId::Firmware);
    assert_eq!(back.kept, Kept::Yes);
    assert_eq!(back.restoring, None);
}

#[test]
fn kept_and_forgotten_follow_the_browser() {
    let s = read_back(&State::default(), 1);
    assert_eq!(s.kept, Kept::No);
    let kept = apply(
        &s,
        Action::FirmwareKept {
            ticket: 1,
            result: Ok(()),
        },
    );
    assert_eq!(kept.kept, Kept::Yes);
    // Stored for a job that is no longer on screen: ignored.
    assert_eq!(
        s.next(Action::FirmwareKept {
            ticket: 7,
            result: Ok(())
        }),
        None
    );
    let full = apply(
        &s,
        Action::FirmwareKept {
            ticket: 1,
            result: Err("the browser has no room left for it".into()),
        },
    );
    assert!(matches!(full.kept, Kept::Refused(ref w) if w.contains("no room")));
    let gone = apply(&kept, Action::FirmwareForgotten);
    assert_eq!(gone.kept, Kept::Forgotten);
    assert_eq!(gone.next(Action::FirmwareForgotten), None);
    // A new file: not kept until stored.
    let again = apply(
        &gone,
        Action::ReadStarted {
            ticket: 2,
            selection: selection("other.zip", 1, 10),
        },
    );
    assert_eq!(again.kept, Kept::No);
}

#[test]
fn remembering_passwords_is_a_stored_choice() {
    let s = State::default();
    assert!(!s.prefs.remember);
    let on = apply(&s, Action::SetRemember(true));
    assert!(on.prefs.remember);
    assert_eq!(on.next(Action::SetRemember(true)), None);
}

#[test]
fn a_refused_token_says_the_helper_has_a_new_one_and_a_new_token_pairs_again() {
    let s = apply(&State::default(), Action::LinkConnecting { attempt: 3 });
    let stale = apply(&s, Action::LinkStale(at(5)));
    assert_eq!(stale.helper.link, Link::NewToken);
    let last = stale.helper.live.log.iter().last().unwrap();
    assert!(
        last.text.contains("restarted with a new pairing token"),
        "{}",
        last.text
    );
    assert_eq!(
        crate::pill::pill(&stale.helper, None).1,
        "Helper has a new token"
    );
    let problems = crate::checks::helper(&stale.helper);
    assert!(
        problems[0].text.contains("paste the address"),
        "{:?}",
        problems[0].text
    );
    assert!(!problems[0].text.contains("does not answer"));
    // The socket's close after it changes nothing.
    let closed = apply(
        &stale,
        Action::LinkClosed {
            retry_in_ms: None,
            at: at(6),
        },
    );
    assert_eq!(closed.helper.link, Link::NewToken);
    // A pasted address: connecting again, then connected.
    let again = apply(&closed, Action::LinkConnecting { attempt: 1 });
    assert_eq!(again.helper.link, Link::Connecting { attempt: 1 });
}

#[test]
fn a_reload_on_step_5_without_the_firmware_returns_once_the_helper_serves_a_bundle() {
    let s = reloaded(StepId::Recover);
    // No firmware kept: the return waits for the helper instead of ending.
    assert!(s.next(Action::NothingKept).is_none());
    assert_eq!(
        (s.view, s.resume),
        (StepId::Firmware, Some(StepId::Recover))
    );
    // A helper that serves nothing opens nothing.
    let s = connected(&s, None);
    assert_eq!(
        (s.view, s.resume),
        (StepId::Firmware, Some(StepId::Recover))
    );
    // Once it serves a bundle, step 5 watches its phones: no firmware needed.
    let s = apply(&s, msg(ServerMessage::Status(status(Some("b1")))));
    assert_eq!(s.view, StepId::Recover);
    assert!(s.report().is_none());
    assert_eq!(s.served().map(|b| b.models.len()), Some(2));
}

#[test]
fn a_status_before_the_kept_firmware_is_read_back_still_ends_on_step_5() {
    // The helper answers first: step 5 at once, on the served bundle.
    let s = connected(&reloaded(StepId::Recover), Some("b1"));
    assert_eq!(s.view, StepId::Recover);
    // Then the browser reads the kept firmware back: step 1 shows its
    // progress, and once it is back, step 5 again.
    let s = apply(&s, Action::Restoring(1));
    let back = read_back(&s, 1);
    assert_eq!((back.view, back.resume), (StepId::Recover, None));
    assert!(back.report().is_some());
    // While it is read back, another status does not pull the page away.
    let s = apply(
        &s,
        Action::ReadStarted {
            ticket: 1,
            selection: selection("seed.zip", 1, 6_400_000),
        },
    );
    let s = apply(&s, msg(ServerMessage::Status(status(Some("b2")))));
    assert_eq!(s.view, StepId::Firmware);
}

#[test]
fn a_step_chosen_after_a_reload_ends_its_return() {
    let s = connected(&reloaded(StepId::Recover), None);
    let s = apply(&s, Action::GoTo(StepId::Network));
    assert_eq!(s.resume, None);
    let s = apply(&s, msg(ServerMessage::Status(status(Some("b1")))));
    assert_eq!(
        s.view,
        StepId::Network,
        "no jump away from where the person went"
    );
}

#[test]
fn step_5_opens_on_a_served_bundle_but_step_4_needs_the_firmware() {
    let s = connected(&State::default(), Some("b1"));
    let served = s.served();
    assert!(checks::gate(StepId::Recover, None, &s.form, served).is_ok());
    assert!(checks::gate(StepId::Deliver, None, &s.form, served).is_err());
    assert!(checks::gate(StepId::Recover, None, &s.form, None).is_err());
    let s = apply(&s, Action::GoTo(StepId::Recover));
    assert_eq!(s.view, StepId::Recover);
    assert!(!s.wants_bundle(), "nothing to build without the firmware");
}

/// A reload that brings back the plan's choice `kept`, before the firmware is
/// read back.
fn restored_with(kept: Choice) -> State {
    apply(
        &State::default(),
        Action::Restore(Restored {
            form: None,
            link: None,
            view: None,
            choice: Some(kept),
        }),
    )
}

/// A reload that brings back the plan's choice `kept` with the firmware.
fn reloaded_with(kept: Choice) -> State {
    apply(&restored_with(kept), Action::Restoring(1))
}

/// The kept packages of `loads` read back as job `ticket`, up to their report.
fn packages_back(s: &State, ticket: u64, loads: &[&str]) -> State {
    let files = loads.iter().map(|l| load_zip(l)).collect();
    let (report, firmware, packages) = crate::intake::inspect_packages(files).unwrap();
    let s = apply(
        s,
        Action::ReadStarted {
            ticket,
            selection: selection("plan", loads.len(), 10),
        },
    );
    let s = apply(&s, Action::CheckStarted { ticket });
    apply(
        &s,
        Action::Inspected {
            ticket,
            report,
            millis: 1.0,
            firmware,
            packages: Some(Rc::new(packages)),
        },
    )
}

#[test]
fn the_plans_target_and_start_come_back_with_the_kept_firmware() {
    // Chosen before the reload: another target than the newest, and a start.
    let before = apply(
        &apply(
            &several_state(&[HOP, TARGET]),
            Action::PlanTarget(HOP.into()),
        ),
        Action::PlanStart(Start::Typed("8.0(4)".into())),
    );
    let kept = before.choice.clone();
    assert_eq!(kept.target.as_deref(), Some(HOP));
    let s = reloaded_with(kept.clone());
    assert_eq!(
        s.choice,
        Choice::default(),
        "only once the firmware is back"
    );
    let back = packages_back(&s, 1, &[HOP, TARGET]);
    assert_eq!(back.choice, kept);
    assert_eq!(back.kept_choice, None);
    assert_eq!(back.kept, Kept::Yes);
    // The target's report is the one shown, and the plan is the same one.
    assert_eq!(back.report().unwrap().load.as_deref(), Some(HOP));
    let plan = |s: &State| upgrade::checked(s.packages().unwrap(), &s.choice).unwrap();
    assert_eq!(plan(&back), plan(&before));
    // A band of the newest target comes back too.
    let band = Choice {
        target: None,
        start: Start::Band(1),
    };
    let back = packages_back(&reloaded_with(band.clone()), 1, &[HOP, TARGET]);
    assert_eq!(back.choice, band);
    assert_eq!(back.report().unwrap().load.as_deref(), Some(TARGET));
}

#[test]
fn a_kept_choice_that_no_longer_fits_is_dropped() {
    let back = |kept: Choice, loads: &[&str]| packages_back(&reloaded_with(kept), 1, loads).choice;
    // A target none of the packages holds: the newest, and its band goes.
    let gone = Choice {
        target: Some("SCCP41.7-0-0S".into()),
        start: Start::Band(0),
    };
    let s = packages_back(&reloaded_with(gone), 1, &[HOP, TARGET]);
    assert_eq!(s.choice, Choice::default());
    assert_eq!(s.report().unwrap().load.as_deref(), Some(TARGET));
    // A typed start is the phones', whatever the target: it stays.
    let typed = Choice {
        target: Some("SCCP41.7-0-0S".into()),
        start: Start::Typed("8.0(4)".into()),
    };
    assert_eq!(
        back(typed, &[HOP, TARGET]),
        Choice {
            target: None,
            start: Start::Typed("8.0(4)".into())
        }
    );
    // A band the plan has not (8.5(2) has one band).
    let band = Choice {
        target: Some(HOP.into()),
        start: Start::Band(1),
    };
    let got = back(band, &[HOP, TARGET]);
    assert_eq!(got.target.as_deref(), Some(HOP));
    assert_eq!(got.start, Start::Unknown);
    // Loose files read back: no plan, no choice.
    let s = reloaded_with(Choice {
        target: Some(HOP.into()),
        start: Start::Band(0),
    });
    let loose = read_back(&s, 1);
    assert_eq!(loose.choice, Choice::default());
    assert_eq!(loose.kept_choice, None);
}

#[test]
fn a_kept_choice_goes_when_nothing_is_kept_or_another_file_comes_first() {
    let kept = Choice {
        target: Some(HOP.into()),
        start: Start::Typed("8.0(4)".into()),
    };
    let s = restored_with(kept.clone());
    // Nothing kept (no job reads it back): the person's drop starts with the
    // defaults.
    assert_eq!(s.next(Action::NothingKept), None);
    let dropped = packages_back(&s, 1, &[HOP, TARGET]);
    assert_eq!(dropped.choice, Choice::default());
    assert_eq!(dropped.kept_choice, None);
    // The person dropped the same packages before the kept ones came back:
    // their drop starts with the defaults too.
    let s = apply(&s, Action::Restoring(1));
    let theirs = packages_back(&s, 2, &[HOP, TARGET]);
    assert_eq!(theirs.choice, Choice::default());
    assert_eq!(theirs.kept_choice, None);
}
