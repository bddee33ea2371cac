//! The reducer on its own: the firmware job, the settings, the bundle.

use super::*;
use crate::bundle::BundleKey;
use crate::copy::{CopyOutcome, CopyTarget};
use crate::intake;
use crate::settings::PhoneRow;
use crate::stepper::{Mark, status_text, steps};
use crate::test_support::{
    apply, built, checking, inspected, no_bytes, reading, ready, seed_report, seed_state,
    selection, set_cell, set_phones, several_state, sip_report,
};
use lifeline_shared::config::phones::Column;
use lifeline_shared::firmware::archive::ArchiveError;
use lifeline_shared::firmware::inspect::InputFile;

#[test]
fn starts_idle_and_quiet() {
    let s = State::default();
    assert_eq!(s.phase, Phase::Idle);
    assert_eq!(status_text(&s), "");
    assert!(!s.is_working());
    assert!(s.report().is_none());
}

#[test]
fn read_started_enters_reading() {
    let s = reading(1);
    assert_eq!(s.ticket, 1);
    assert_eq!(
        s.phase,
        Phase::Reading {
            name: "seed.zip".into(),
            files: 1,
            done: 0,
            size: 6_400_000
        }
    );
    assert_eq!(status_text(&s), "Reading seed.zip (6.4 MB)…");
    assert!(s.is_reading() && s.is_working());
}

#[test]
fn read_started_needs_a_newer_ticket() {
    let s = reading(2);
    assert_eq!(
        s.next(Action::ReadStarted {
            ticket: 2,
            selection: selection("a", 1, 1)
        }),
        None
    );
    assert_eq!(
        s.next(Action::ReadStarted {
            ticket: 1,
            selection: selection("a", 1, 1)
        }),
        None
    );
    // A newer job replaces the one under way.
    let t = apply(
        &s,
        Action::ReadStarted {
            ticket: 3,
            selection: selection("other.zip", 1, 10),
        },
    );
    assert_eq!(t.ticket, 3);
    assert!(matches!(&t.phase, Phase::Reading { name, .. } if name == "other.zip"));
}

#[test]
fn file_read_counts_files() {
    let s = apply(
        &State::default(),
        Action::ReadStarted {
            ticket: 1,
            selection: selection("8 files", 8, 100),
        },
    );
    let s = apply(&s, Action::FileRead { ticket: 1, done: 3 });
    assert!(matches!(
        s.phase,
        Phase::Reading {
            done: 3,
            files: 8,
            ..
        }
    ));
    assert_eq!(status_text(&s), "Reading 8 files… 3 of 8 read");
    // Never more than there are.
    let s = apply(&s, Action::FileRead { ticket: 1, done: 9 });
    assert!(matches!(s.phase, Phase::Reading { done: 8, .. }));
}

#[test]
fn file_read_of_a_stale_job_is_ignored() {
    let s = reading(2);
    assert_eq!(s.next(Action::FileRead { ticket: 1, done: 1 }), None);
    assert_eq!(
        checking(2).next(Action::FileRead { ticket: 2, done: 1 }),
        None
    );
}

#[test]
fn check_started_enters_checking() {
    let s = checking(1);
    assert_eq!(
        s.phase,
        Phase::Checking {
            name: "seed.zip".into(),
            size: 6_400_000
        }
    );
    assert_eq!(status_text(&s), "Checking seed.zip…");
    assert!(s.is_working() && !s.is_reading());
    assert_eq!(s.next(Action::CheckStarted { ticket: 1 }), None);
    assert_eq!(reading(2).next(Action::CheckStarted { ticket: 1 }), None);
}

#[test]
fn inspected_shows_the_report() {
    let report = seed_report();
    let s = apply(
        &checking(1),
        Action::Inspected {
            ticket: 1,
            report: report.clone(),
            millis: 12.5,
            firmware: no_bytes(),
            packages: None,
        },
    );
    assert_eq!(
        s.phase,
        Phase::Inspected {
            report: report.clone(),
            millis: 12.5,
            firmware: no_bytes(),
            packages: None,
        }
    );
    assert_eq!(s.report(), Some(&report));
    assert!(!s.is_working());
    let status = status_text(&s);
    assert!(status.starts_with("Inspected seed.zip. Ready"), "{status}");
    assert!(status.contains("SCCP41.8-3-3S"), "{status}");
}

#[test]
fn inspected_of_a_stale_or_reset_job_is_ignored() {
    let report = seed_report();
    let newer = apply(
        &checking(1),
        Action::ReadStarted {
            ticket: 2,
            selection: selection("b.zip", 1, 1),
        },
    );
    assert_eq!(
        newer.next(Action::Inspected {
            ticket: 1,
            report: report.clone(),
            millis: 1.0,
            firmware: no_bytes(),
            packages: None,
        }),
        None
    );
    let reset = apply(&checking(1), Action::Reset);
    assert_eq!(
        reset.next(Action::Inspected {
            ticket: 1,
            report,
            millis: 1.0,
            firmware: no_bytes(),
            packages: None,
        }),
        None
    );
}

#[test]
fn inspect_failed_explains_a_non_zip() {
    let error = intake::inspect(
        "x.zip",
        vec![InputFile {
            name: "x.zip".into(),
            data: b"garbage".to_vec(),
        }],
    )
    .unwrap_err();
    let s = apply(
        &checking(1),
        Action::InspectFailed {
            ticket: 1,
            name: "x.zip".into(),
            error,
        },
    );
    let Phase::Failed(p) = &s.phase else {
        panic!("{s:?}")
    };
    assert_eq!(p.title, "`x.zip` is not a zip file");
    assert!(
        p.detail
            .starts_with("Lifeline found no zip directory in it"),
        "{}",
        p.detail
    );
    assert!(p.fix.contains("download it again"), "{}", p.fix);
    assert!(
        status_text(&s).starts_with("Could not inspect: x.zip is not a zip file."),
        "{}",
        status_text(&s)
    );
    assert_eq!(steps(&s)[0].mark, Some(Mark::Error));
}

#[test]
fn inspect_failed_of_a_stale_job_is_ignored() {
    let s = reading(2);
    assert_eq!(
        s.next(Action::InspectFailed {
            ticket: 1,
            name: "x".into(),
            error: ArchiveError::Empty.into()
        }),
        None
    );
    assert_eq!(
        State::default().next(Action::InspectFailed {
            ticket: 0,
            name: "x".into(),
            error: ArchiveError::Empty.into()
        }),
        None
    );
}

#[test]
fn read_failed_during_reading_explains() {
    let failure = ReadFailure::Unreadable {
        name: "firmware".into(),
        kind: "NotReadableError".into(),
        message: "The requested file could not be read".into(),
    };
    let s = apply(&reading(1), Action::ReadFailed { ticket: 1, failure });
    let Phase::Failed(p) = &s.phase else {
        panic!("{s:?}")
    };
    assert_eq!(p.title, "`firmware` could not be read");
    assert!(p.detail.contains("folder"), "{}", p.detail);
    assert!(p.fix.contains("open it"), "{}", p.fix);
    assert_eq!(
        p.raw.as_deref(),
        Some("NotReadableError: The requested file could not be read")
    );
}

#[test]
fn read_failed_before_reading_takes_a_new_ticket() {
    let s = apply(
        &State::default(),
        Action::ReadFailed {
            ticket: 1,
            failure: ReadFailure::NoFiles,
        },
    );
    assert_eq!(s.ticket, 1);
    let Phase::Failed(p) = &s.phase else {
        panic!("{s:?}")
    };
    assert_eq!(p.title, "Nothing to inspect");
    // A refused drop while another file is being read replaces that job.
    let s = apply(
        &reading(1),
        Action::ReadFailed {
            ticket: 2,
            failure: ReadFailure::NoFiles,
        },
    );
    assert_eq!(s.ticket, 2);
    assert!(matches!(s.phase, Phase::Failed(_)));
}

#[test]
fn read_failed_of_a_stale_or_finished_job_is_ignored() {
    let failure = ReadFailure::NoFiles;
    assert_eq!(
        reading(2).next(Action::ReadFailed {
            ticket: 1,
            failure: failure.clone()
        }),
        None
    );
    assert_eq!(
        checking(2).next(Action::ReadFailed { ticket: 2, failure }),
        None
    );
}

#[test]
fn a_dropped_folder_is_explained() {
    let s = apply(
        &State::default(),
        Action::ReadFailed {
            ticket: 1,
            failure: ReadFailure::Folder {
                name: "cmterm-7941_7961-sccp.8-3-3".into(),
            },
        },
    );
    let Phase::Failed(p) = &s.phase else {
        panic!("{s:?}")
    };
    assert_eq!(p.title, "`cmterm-7941_7961-sccp.8-3-3` is a folder");
    assert!(
        p.fix
            .starts_with("Open the folder and drop the files inside it"),
        "{}",
        p.fix
    );
}

#[test]
fn reset_goes_back_to_idle_keeping_the_ticket() {
    let s = apply(&checking(4), Action::Reset);
    assert_eq!(
        s,
        State {
            ticket: 4,
            phase: Phase::Idle,
            ..State::default()
        }
    );
    // The next job needs a newer ticket, as always.
    assert!(
        s.next(Action::ReadStarted {
            ticket: 5,
            selection: selection("a", 1, 1)
        })
        .is_some()
    );
}

#[test]
fn reducer_keeps_the_same_rc_for_ignored_actions() {
    let s = Rc::new(reading(2));
    let same = s.clone().reduce(Action::FileRead { ticket: 1, done: 1 });
    assert!(Rc::ptr_eq(&s, &same));
    let changed = s.clone().reduce(Action::FileRead { ticket: 2, done: 1 });
    assert!(!Rc::ptr_eq(&s, &changed));
}

#[test]
fn go_to_opens_only_open_steps() {
    let s = State::default();
    let n = apply(&s, Action::GoTo(StepId::Network));
    assert_eq!(n.view, StepId::Network);
    assert!(steps(&n)[1].current && !steps(&n)[0].current);
    // Closed steps stay closed; the same step is no change.
    assert_eq!(s.next(Action::GoTo(StepId::Config)), None);
    assert_eq!(s.next(Action::GoTo(StepId::Recover)), None);
    assert_eq!(n.next(Action::GoTo(StepId::Network)), None);
    // Back to step 1 is always open.
    assert_eq!(
        apply(&n, Action::GoTo(StepId::Firmware)).view,
        StepId::Firmware
    );
    let c = apply(&seed_state(), Action::GoTo(StepId::Config));
    assert_eq!(c.view, StepId::Config);
    assert_eq!(c.next(Action::GoTo(StepId::Deliver)), None);
    let d = apply(&ready(&c), Action::GoTo(StepId::Deliver));
    assert_eq!(d.view, StepId::Deliver);
}

#[test]
fn a_new_job_from_another_step_shows_its_progress() {
    let s = apply(&seed_state(), Action::GoTo(StepId::Network));
    let t = apply(
        &s,
        Action::ReadStarted {
            ticket: 2,
            selection: selection("other.zip", 1, 10),
        },
    );
    assert_eq!(t.view, StepId::Firmware);
    // While it reads, the person may look at the network step again.
    let u = apply(&t, Action::GoTo(StepId::Network));
    let u = apply(&u, Action::CheckStarted { ticket: 2 });
    assert_eq!(u.view, StepId::Network);
}

#[test]
fn set_tftp_marks_the_network_step() {
    let s = State::default();
    let bad = apply(&s, Action::SetTftp("192.168.10.256".into()));
    assert_eq!(bad.form.tftp, "192.168.10.256");
    assert_eq!(bad.rev, 1);
    assert_eq!(steps(&bad)[1].mark, Some(Mark::Error));
    let good = apply(&bad, Action::SetTftp("192.168.10.105".into()));
    assert_eq!(steps(&good)[1].mark, Some(Mark::Ok));
    let odd = apply(&good, Action::SetTftp("127.0.0.1".into()));
    assert_eq!(steps(&odd)[1].mark, Some(Mark::Warning));
    let empty = apply(&odd, Action::SetTftp(String::new()));
    assert_eq!(steps(&empty)[1].mark, None);
    // The same text is no change.
    assert_eq!(empty.next(Action::SetTftp(String::new())), None);
}

#[test]
fn choose_server_switches_the_tab_and_forgets_the_copy() {
    let s = apply(
        &State::default(),
        Action::Copied(CopyNote {
            target: CopyTarget::Snippet(Server::CiscoIos),
            outcome: CopyOutcome::Copied,
        }),
    );
    assert_eq!(s.server, Server::CiscoIos);
    assert!(s.copy.is_some());
    let t = apply(&s, Action::ChooseServer(Server::Dnsmasq));
    assert_eq!(t.server, Server::Dnsmasq);
    assert_eq!(t.copy, None);
    assert_eq!(t.next(Action::ChooseServer(Server::Dnsmasq)), None);
    // Editing the address list forgets it too (the snippet changed).
    let u = apply(&s, Action::SetTftp("10.0.0.1".into()));
    assert_eq!(u.copy, None);
}

#[test]
fn copied_says_how_it_went() {
    for (outcome, says) in [
        (CopyOutcome::Copied, "Copied"),
        (CopyOutcome::Unavailable, "press Ctrl+C"),
        (CopyOutcome::Refused, "refused"),
    ] {
        let note = CopyNote {
            target: CopyTarget::Link,
            outcome,
        };
        let s = apply(&State::default(), Action::Copied(note));
        assert_eq!(s.copy, Some(note));
        assert!(note.text().contains(says), "{}", note.text());
    }
}

#[test]
fn set_decode_keeps_the_value() {
    let s = apply(&State::default(), Action::SetDecode("0x69AA8C0".into()));
    assert_eq!(s.decode, "0x69AA8C0");
    assert_eq!(s.rev, 0, "not a setting");
    assert_eq!(s.next(Action::SetDecode("0x69AA8C0".into())), None);
}

#[test]
fn call_control_and_phones_mark_the_configuration_step() {
    let s = seed_state();
    let c = apply(&s, Action::SetCallManagers("10.0.0.300".into()));
    assert_eq!(c.form.call_managers, "10.0.0.300");
    assert_eq!(steps(&c)[2].mark, Some(Mark::Error));
    let c = apply(&c, Action::SetCallManagers("10.0.0.1".into()));
    assert_eq!(steps(&c)[2].mark, Some(Mark::Ok));
    let p = set_phones(&c, "00:11:22:aa:bb:zz");
    assert_eq!(p.form.rows[0].get(Column::Mac), "00:11:22:aa:bb:zz");
    assert_eq!(steps(&p)[2].mark, Some(Mark::Error));
    let p = set_cell(&p, 0, Column::Mac, "00:11:22:aa:bb:cc");
    let p = set_cell(&p, 0, Column::Model, "7961");
    assert_eq!(steps(&p)[2].mark, Some(Mark::Ok));
    assert_eq!(
        p.next(Action::SetCell {
            row: 0,
            column: Column::Model,
            value: "7961".into()
        }),
        None
    );
    assert_eq!(
        p.next(Action::SetCell {
            row: 5,
            column: Column::Model,
            value: "7961".into()
        }),
        None,
        "no such row"
    );
    assert_eq!(p.rev, 5);
    // A bad phone closes the Deliver step, with the reason.
    let p = ready(&set_phones(&p, "x"));
    assert_eq!(steps(&p)[3].reason, Some("Fix the phone list in step 3"));
}

#[test]
fn rows_are_added_removed_and_imported() {
    let s = seed_state();
    let t = apply(&s, Action::AddRow);
    assert_eq!(t.form.rows, [PhoneRow::default()]);
    assert_eq!(t.rev, 1);
    assert_eq!(steps(&t)[2].mark, None, "an empty row is not a problem");
    // The paste box is not a setting; adding it is.
    let t = apply(
        &t,
        Action::SetPaste("mac,extension,room\n001122aabbcc,201,12\nnope,202,\n".into()),
    );
    assert_eq!(t.rev, 1);
    let t = apply(&t, Action::ImportPaste);
    assert_eq!(t.paste, "", "the box empties once its rows are in");
    assert_eq!(t.form.rows.len(), 3);
    assert_eq!(t.form.rows[1].get(Column::User), "201");
    let Some(ImportNote::Added { rows: 2, notes }) = &t.import else {
        panic!("{:?}", t.import)
    };
    assert!(
        notes[0].starts_with("ignored the column `room`"),
        "{notes:?}"
    );
    assert_eq!(t.rev, 2);
    // A list that cannot be read adds nothing and keeps the box.
    let r = apply(&t, Action::SetPaste("user\n201\n".into()));
    let r = apply(&r, Action::ImportPaste);
    assert_eq!(r.form.rows.len(), 3);
    assert_eq!(r.paste, "user\n201\n");
    assert!(matches!(&r.import, Some(ImportNote::Refused(why)) if why.contains("no `mac` column")));
    assert_eq!(r.rev, 2);
    // A file's text is added the same way.
    let f = apply(&r, Action::ImportText("0011.22aa.bbcd=7961".into()));
    assert_eq!(f.form.rows[3].get(Column::Model), "7961");
    assert_eq!(f.paste, "user\n201\n", "the box is the person's");
    let f = apply(&f, Action::RemoveRow(0));
    assert_eq!(f.form.rows.len(), 3);
    assert_eq!(f.form.rows[0].get(Column::Mac), "001122aabbcc");
    assert_eq!(f.next(Action::RemoveRow(3)), None);
    let c = apply(&f, Action::ClearRows);
    assert!(c.form.rows.is_empty() && c.import.is_none());
    assert_eq!(c.next(Action::ClearRows), None);
    let e = apply(&c, Action::ImportFailed("unreadable".into()));
    assert_eq!(e.import, Some(ImportNote::Refused("unreadable".into())));
    // A failed export says why until the next one is saved.
    let x = apply(&e, Action::PhonesExported(Some("no window".into())));
    assert_eq!(x.export_failed.as_deref(), Some("no window"));
    assert_eq!(x.rev, e.rev, "not a setting");
    let x = apply(&x, Action::PhonesExported(None));
    assert_eq!(x.export_failed, None);
    assert_eq!(x.next(Action::PhonesExported(None)), None);
}

#[test]
fn sip_rows_mark_the_configuration_step_for_sip_loads() {
    let s = inspected(Rc::new(sip_report()));
    let s = apply(&s, Action::SetCallManagers("10.0.0.1".into()));
    let s = set_phones(&s, "001122aabbcc");
    assert_eq!(steps(&s)[2].mark, Some(Mark::Ok));
    let bad = set_cell(&s, 0, Column::Port, "x");
    assert_eq!(steps(&bad)[2].mark, Some(Mark::Error));
    // The 7941/7961 cannot read a 13-character password: an error.
    let long = set_cell(
        &set_cell(&s, 0, Column::User, "201"),
        0,
        Column::Password,
        "thirteen-char",
    );
    assert_eq!(steps(&long)[2].mark, Some(Mark::Error));
    // Where no limit is known, the 7942's is a warning.
    let mut report = sip_report();
    report.family = Some(lifeline_shared::models::FamilyId::F88xx);
    let s88 = set_phones(
        &apply(
            &inspected(Rc::new(report)),
            Action::SetCallManagers("10.0.0.1".into()),
        ),
        "001122aabbcc",
    );
    let s88 = set_cell(&s88, 0, Column::User, "201");
    let s88 = set_cell(&s88, 0, Column::AuthName, "a201");
    let long = set_cell(&s88, 0, Column::Password, "thirteen-char");
    assert_eq!(steps(&long)[2].mark, Some(Mark::Warning));
    // On an SCCP load, an SCCP row's SIP fields are not used (a note).
    let sccp = set_cell(
        &set_phones(&ready(&seed_state()), "001122aabbcc"),
        0,
        Column::User,
        "201",
    );
    assert_eq!(steps(&sccp)[2].mark, Some(Mark::Ok));
}

#[test]
fn a_link_restores_the_settings_with_a_notice() {
    let form = crate::test_support::form("192.168.10.105", "10.0.0.1", "001122aabbcc");
    let s = apply(&State::default(), Action::LinkOpened(Ok(form.clone())));
    assert_eq!(s.form, form);
    assert_eq!(s.notice, Some(Notice::Restored));
    assert_eq!(s.view, StepId::Firmware, "the firmware is not in links");
    assert_eq!(s.rev, 1);
    let d = apply(&s, Action::DismissNotice);
    assert_eq!(d.notice, None);
    assert_eq!(d.next(Action::DismissNotice), None);
}

#[test]
fn a_damaged_link_opens_empty_with_a_notice() {
    let s = apply(
        &State::default(),
        Action::LinkOpened(Err(LinkError::Damaged("it was cut short"))),
    );
    assert_eq!(s.form, Form::default());
    assert_eq!(s.notice, Some(Notice::Damaged("it was cut short".into())));
    // Whatever the fragment, the page opens.
    let s = apply(
        &State::default(),
        Action::LinkOpened(crate::permalink::decode("s=1&t=1.2.3.4&k=00000000")),
    );
    assert!(matches!(s.notice, Some(Notice::Damaged(_))));
}

#[test]
fn the_bundle_is_built_once_per_key() {
    let s = ready(&seed_state());
    assert!(steps(&s)[3].enabled);
    let key = s.bundle_key();
    assert_eq!(key, BundleKey { ticket: 1, rev: 2 });
    let p = apply(&s, Action::BundleStarted(key));
    assert_eq!(p.bundle, BundleJob::Preparing(key));
    // Not twice, and never for another key.
    assert_eq!(p.next(Action::BundleStarted(key)), None);
    assert_eq!(
        s.next(Action::BundleStarted(BundleKey { ticket: 1, rev: 1 })),
        None
    );
    let (r, _) = built(&s);
    let BundleJob::Ready { bundle, saved, .. } = &r.bundle else {
        panic!("{:?}", r.bundle)
    };
    assert!(saved.is_none());
    assert_eq!(bundle.manifest.files.len(), 9);
    assert!(bundle.contents.contains_key("XMLDefault.cnf.xml"));
    assert_eq!(r.next(Action::BundleStarted(key)), None);
    assert_eq!(steps(&r)[3].mark, None, "not saved yet");
}

#[test]
fn a_late_or_stale_build_is_dropped() {
    let s = ready(&seed_state());
    let key = s.bundle_key();
    let p = apply(&s, Action::BundleStarted(key));
    // The settings changed while it was built.
    let changed = set_phones(&p, "001122aabbcc");
    assert_eq!(changed.bundle, BundleJob::Idle);
    let result = Err("late".to_string());
    assert_eq!(
        changed.next(Action::BundleBuilt {
            key,
            result: result.clone()
        }),
        None
    );
    // Not started: nothing to finish.
    assert_eq!(s.next(Action::BundleBuilt { key, result }), None);
}

#[test]
fn a_failed_build_marks_deliver() {
    let s = ready(&seed_state());
    let key = s.bundle_key();
    let p = apply(&s, Action::BundleStarted(key));
    let f = apply(
        &p,
        Action::BundleBuilt {
            key,
            result: Err("the firmware file `x` could not be read".into()),
        },
    );
    assert_eq!(
        f.bundle,
        BundleJob::Failed(key, "the firmware file `x` could not be read".into())
    );
    assert_eq!(steps(&f)[3].mark, Some(Mark::Error));
}

#[test]
fn deliver_is_a_warning_while_the_helper_holds_the_bundle_but_tftp_is_down() {
    use crate::test_support::{msg, status as helper_status, with_bundle};
    use lifeline_shared::protocol::{ServerMessage, Service};
    let (s, _, id) = with_bundle();
    let serving = apply(&s, msg(ServerMessage::Status(helper_status(Some(&id)))));
    assert_eq!(steps(&serving)[3].mark, Some(Mark::Ok));
    let mut down = helper_status(Some(&id));
    down.tftp = Service {
        listening: false,
        address: None,
        reason: Some("port 69 needs privilege: run with `--tftp-listen 0.0.0.0:6969`".into()),
        state: None,
    };
    let down = apply(&serving, msg(ServerMessage::Status(down)));
    assert_eq!(steps(&down)[3].mark, Some(Mark::Warning));
    // Another bundle served: nothing to mark, TFTP or not.
    let other = apply(&s, msg(ServerMessage::Status(helper_status(Some("other")))));
    assert_eq!(steps(&other)[3].mark, None);
}

#[test]
fn the_recovery_copies_box_makes_a_new_bundle() {
    let s = ready(&seed_state());
    let (r, _) = built(&s);
    let on = apply(&r, Action::SetRecoveryCopies(true));
    assert!(on.recovery_copies);
    assert_eq!(on.rev, r.rev + 1);
    assert_eq!(
        on.bundle,
        crate::bundle::BundleJob::Idle,
        "the old bundle goes"
    );
    assert_eq!(on.next(Action::SetRecoveryCopies(true)), None, "no change");
    assert!(!apply(&on, Action::SetRecoveryCopies(false)).recovery_copies);
}

#[test]
fn saving_marks_deliver_done_for_that_bundle_only() {
    let s = ready(&seed_state());
    let (r, key) = built(&s);
    let saved = Saved {
        name: "lifeline-bundle-SCCP41.8-3-3S.zip".into(),
        size: 6_400_000,
    };
    let ok = apply(
        &r,
        Action::BundleSaved {
            key,
            result: Ok(saved.clone()),
        },
    );
    assert!(matches!(&ok.bundle, BundleJob::Ready { saved: Some(Ok(s)), .. } if *s == saved));
    assert_eq!(steps(&ok)[3].mark, Some(Mark::Ok));
    let failed = apply(
        &r,
        Action::BundleSaved {
            key,
            result: Err("no".into()),
        },
    );
    assert_eq!(steps(&failed)[3].mark, Some(Mark::Error));
    // For another bundle, or none: ignored.
    let other = BundleKey { ticket: 1, rev: 9 };
    assert_eq!(
        r.next(Action::BundleSaved {
            key: other,
            result: Ok(saved.clone())
        }),
        None
    );
    assert_eq!(
        s.next(Action::BundleSaved {
            key,
            result: Ok(saved)
        }),
        None
    );
    // A new firmware drops the bundle.
    let again = apply(
        &ok,
        Action::ReadStarted {
            ticket: 2,
            selection: selection("b.zip", 1, 1),
        },
    );
    assert_eq!(again.bundle, BundleJob::Idle);
    assert_eq!(apply(&ok, Action::Reset).bundle, BundleJob::Idle);
}

#[test]
fn the_plans_target_swaps_the_report_shown_and_a_new_drop_forgets_the_choices() {
    let s = several_state(&["SCCP41.8-5-2S", "SCCP41.9-4-2SR3-1S"]);
    assert_eq!(
        s.report().unwrap().load.as_deref(),
        Some("SCCP41.9-4-2SR3-1S")
    );
    let typed = apply(&s, Action::PlanStart(Start::Typed("8.0(4)".into())));
    assert!(typed.rev > s.rev, "the bundle of the old start goes");
    assert_eq!(
        typed.next(Action::PlanStart(Start::Typed("8.0(4)".into()))),
        None
    );
    let hop = apply(&typed, Action::PlanTarget("SCCP41.8-5-2S".into()));
    assert_eq!(hop.report().unwrap().load.as_deref(), Some("SCCP41.8-5-2S"));
    assert_eq!(hop.choice.target.as_deref(), Some("SCCP41.8-5-2S"));
    assert!(hop.rev > typed.rev);
    // Already the target, or no package holds it: nothing to do.
    assert_eq!(hop.next(Action::PlanTarget("SCCP41.8-5-2S".into())), None);
    assert_eq!(hop.next(Action::PlanTarget("SCCP41.7-0-0S".into())), None);
    // A band belongs to its target: another target forgets it.
    let band = apply(&s, Action::PlanStart(Start::Band(0)));
    let other = apply(&band, Action::PlanTarget("SCCP41.8-5-2S".into()));
    assert_eq!(other.choice.start, Start::Unknown);
    // A new drop starts with the defaults.
    let again = apply(
        &hop,
        Action::ReadStarted {
            ticket: 2,
            selection: selection("seed.zip", 1, 10),
        },
    );
    assert_eq!(again.choice, crate::upgrade::Choice::default());
}
