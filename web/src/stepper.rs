//! What the frame derives from the state: the five steps (open or closed with
//! the reason, and their marks), the verdict on a report, and the status line.
//!
//! Invariants:
//! - A step opens only when [`steps`] says it may, and each closed step carries
//!   the reason.
//! - The marks of steps 3 and 5 come from the same checks as the Problems list
//!   ([`checks::config`], [`checks::phones`]): nothing is decided twice.

use lifeline_shared::finding::Severity;
use lifeline_shared::firmware::inspect::Report;

use crate::bundle::{BundleJob, BundleKey};
use crate::checks;
use crate::format;
use crate::intake::Phase;
use crate::live::Live;
use crate::settings::{self, Check, Form};
use crate::state::State;
use crate::step::StepId;
use crate::upload::SendState;

/// One step of the stepper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub id: StepId,
    /// 1 to 5.
    pub number: usize,
    pub label: &'static str,
    /// Its name where space is short (phones).
    pub short: &'static str,
    /// Whether it is the step on screen.
    pub current: bool,
    /// Whether it can be opened.
    pub enabled: bool,
    /// How it went, once it did.
    pub mark: Option<Mark>,
    /// Why it cannot be opened.
    pub reason: Option<&'static str>,
}

/// How a step went: ✓, ⚠ or ✗.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// Done, nothing to worry about.
    Ok,
    /// Done, with warnings.
    Warning,
    /// Failed, or errors to fix.
    Error,
}

impl Mark {
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Ok => "✓",
            Mark::Warning => "⚠",
            Mark::Error => "✗",
        }
    }

    /// Its meaning, for screen readers and CSS.
    pub fn word(self) -> &'static str {
        match self {
            Mark::Ok => "ok",
            Mark::Warning => "warning",
            Mark::Error => "error",
        }
    }
}

/// The worst severity among a report's findings.
pub fn worst(report: &Report) -> Option<Severity> {
    let t = &report.tally;
    if t.errors > 0 {
        Some(Severity::Error)
    } else if t.warnings > 0 {
        Some(Severity::Warning)
    } else if t.infos > 0 {
        Some(Severity::Info)
    } else {
        None
    }
}

/// The one-line verdict on a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Headline {
    /// `error`, `warning` or `ok`: the tone to show it in.
    pub tone: &'static str,
    pub title: String,
    /// What the input is.
    pub detail: String,
}

/// The verdict on a report and what it holds, e.g. "Ready: …" and "Load
/// SCCP41.8-3-3S for 7941/7961."
pub fn headline(report: &Report) -> Headline {
    let t = &report.tally;
    let (tone, title) = if t.errors > 0 {
        (
            "error",
            format!(
                "Not ready: {} to fix before a phone can recover from this firmware.",
                format::count(t.errors, "error", "errors")
            ),
        )
    } else if t.warnings > 0 {
        (
            "warning",
            format!(
                "Usable, with {} to review.",
                format::count(t.warnings, "warning", "warnings")
            ),
        )
    } else if report.manifests.is_empty() {
        (
            "error",
            "Not ready: there is no firmware manifest in it.".to_string(),
        )
    } else {
        (
            "ok",
            "Ready: every file the manifests list is here.".to_string(),
        )
    };
    // The file count and size are in the facts next to it; this names the load.
    let detail = match (&report.load, &report.family_name) {
        (Some(load), Some(family)) => format!("Load {load} for {family}."),
        (Some(load), None) => format!("Load {load}."),
        (None, Some(family)) => format!("Firmware for {family}, without a load manifest."),
        (None, None) => "No firmware load recognised.".to_string(),
    };
    Headline {
        tone,
        title,
        detail,
    }
}

fn strip_ticks(text: &str) -> String {
    text.replace('`', "")
}

/// The sentence for the aria-live status region (and the visible status line).
pub fn status_text(state: &State) -> String {
    match &state.phase {
        Phase::Idle => String::new(),
        Phase::Reading {
            name,
            files: 1,
            size,
            ..
        } => {
            format!("Reading {name} ({})…", format::size(*size))
        }
        Phase::Reading {
            name, files, done, ..
        } => {
            format!("Reading {name}… {done} of {files} read")
        }
        Phase::Checking { name, .. } => format!("Checking {name}…"),
        Phase::Inspected { report, .. } => {
            let h = headline(report);
            format!("Inspected {}. {} {}", report.source, h.title, h.detail)
        }
        Phase::Failed(p) => format!(
            "Could not inspect: {}. How to fix it is shown below.",
            strip_ticks(&p.title)
        ),
    }
}

/// The five steps of the frame, as the stepper shows them now: each one open
/// or closed with the reason, and marked once there is something to mark.
pub fn steps(state: &State) -> Vec<Step> {
    let report = state.report().map(|r| &**r);
    StepId::ALL
        .into_iter()
        .map(|id| {
            let gate = checks::gate(id, report, &state.form, state.served());
            let (label, short) = id.labels();
            Step {
                id,
                number: id.number(),
                label,
                short,
                current: id == state.view,
                enabled: gate.is_ok(),
                mark: gate.ok().and_then(|()| mark(state, id)),
                reason: gate.err(),
            }
        })
        .collect()
}

/// How an open step went, once there is something to mark.
fn mark(state: &State, id: StepId) -> Option<Mark> {
    let report = state.report().map(|r| &**r);
    match id {
        StepId::Firmware => match &state.phase {
            Phase::Inspected {
                report, packages, ..
            } => {
                let plan = checks::plan(packages.as_deref(), &state.choice);
                // The worst of the report's and the plan's (severities order worst first).
                let both = worst(report)
                    .into_iter()
                    .chain(plan.iter().map(|p| p.severity))
                    .min();
                Some(match both {
                    Some(Severity::Error) => Mark::Error,
                    Some(Severity::Warning) => Mark::Warning,
                    _ => Mark::Ok,
                })
            }
            Phase::Failed(_) => Some(Mark::Error),
            _ => None,
        },
        StepId::Network => match settings::tftp(&state.form) {
            Check::Empty => None,
            Check::Bad(_) => Some(Mark::Error),
            Check::Good(_)
                if checks::network(&state.form, state.helper.status.as_ref()).is_empty() =>
            {
                Some(Mark::Ok)
            }
            Check::Good(_) => Some(Mark::Warning),
        },
        StepId::Config => config_mark(report, &state.form),
        StepId::Deliver => deliver_mark(state),
        StepId::Recover => recover_mark(&state.helper.live),
    }
}

/// How the Deliver step stands: ✗ when the bundle could not be made, saved or
/// sent; ⚠ while the helper holds it but its TFTP server is not running (no
/// phone can fetch it); ✓ once it was saved, or the helper serves it.
fn deliver_mark(state: &State) -> Option<Mark> {
    let tftp_down = state
        .helper
        .status
        .as_ref()
        .is_some_and(|s| !s.tftp.listening);
    let this = |key: &BundleKey| Some(*key) == state.bundle.key();
    let sent = matches!(&state.helper.send, SendState::Switched { key, .. } if this(key));
    let send_failed = matches!(&state.helper.send, SendState::Failed { key, .. } if this(key));
    match &state.bundle {
        BundleJob::Failed(..)
        | BundleJob::Ready {
            saved: Some(Err(_)),
            ..
        } => Some(Mark::Error),
        _ if send_failed => Some(Mark::Error),
        _ if sent || state.helper.serves_bundle(&state.bundle) => {
            Some(if tftp_down { Mark::Warning } else { Mark::Ok })
        }
        BundleJob::Ready {
            saved: Some(Ok(_)), ..
        } => Some(Mark::Ok),
        _ => None,
    }
}

/// How the Recover step stands: ✗ for a phone that failed, ⚠ for one stuck
/// (the Problems list's words for the same phones), ✓ once every phone
/// recovered.
fn recover_mark(live: &Live) -> Option<Mark> {
    let problems = checks::phones(live);
    let any = |s: Severity| problems.iter().any(|p| p.severity == s);
    let (recovered, _, _) = live.tally();
    if any(Severity::Error) {
        Some(Mark::Error)
    } else if any(Severity::Warning) {
        Some(Mark::Warning)
    } else if recovered > 0 && recovered == live.phones.len() {
        Some(Mark::Ok)
    } else {
        None
    }
}

/// How the configuration step stands: ✗ for anything refused, ⚠ for a long SIP
/// password, ✓ once call control is given, nothing before. The same problems
/// as the Problems list's ([`checks::config`]).
fn config_mark(report: Option<&Report>, form: &Form) -> Option<Mark> {
    let problems = checks::config(report, form);
    let any = |s: Severity| problems.iter().any(|p| p.severity == s);
    if any(Severity::Error) {
        Some(Mark::Error)
    } else if settings::call_managers(form).good().is_none() {
        None
    } else if any(Severity::Warning) {
        Some(Mark::Warning)
    } else {
        Some(Mark::Ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intake;
    use crate::test_support::{inspected, missing_image_report, seed_report};
    use lifeline_shared::firmware::inspect::InputFile;

    #[test]
    fn steps_before_inspection_say_why_they_are_closed() {
        let steps = steps(&State::default());
        assert_eq!(steps.len(), 5);
        assert_eq!(
            steps.iter().map(|s| s.label).collect::<Vec<_>>(),
            ["Firmware", "Network", "Configuration", "Deliver", "Recover"]
        );
        assert_eq!(steps.iter().map(|s| s.id).collect::<Vec<_>>(), StepId::ALL);
        assert!(
            steps[0].current
                && steps[0].enabled
                && steps[0].reason.is_none()
                && steps[0].mark.is_none()
        );
        // The network step needs nothing: option 150 is the same for any firmware.
        assert!(steps[1].enabled && !steps[1].current && steps[1].reason.is_none());
        for s in &steps[2..5] {
            assert!(!s.enabled && !s.current);
            assert_eq!(s.reason, Some("Inspect a firmware first"));
        }
    }

    #[test]
    fn steps_after_inspection_carry_the_verdict() {
        let ok = inspected(seed_report());
        let steps = steps(&ok);
        assert_eq!(steps[0].mark, Some(Mark::Ok));
        assert!(steps[1].enabled && steps[2].enabled);
        assert_eq!(steps[2].mark, None, "nothing typed yet");
        assert_eq!(steps[3].reason, Some("Enter the TFTP address in step 2"));
        assert_eq!(steps[4].reason, Some("Enter the TFTP address in step 2"));

        let bad = inspected(missing_image_report());
        let steps = super::steps(&bad);
        assert_eq!(steps[0].mark, Some(Mark::Error));
        assert!(steps[1].enabled);
        assert_eq!(
            steps[2].reason,
            Some("Fix the errors in the firmware first")
        );
        assert_eq!(
            steps[3].reason,
            Some("Fix the errors in the firmware first")
        );
    }

    #[test]
    fn headline_of_a_good_zip() {
        let h = headline(&seed_report());
        assert_eq!(h.tone, "ok");
        assert_eq!(h.title, "Ready: every file the manifests list is here.");
        assert_eq!(h.detail, "Load SCCP41.8-3-3S for 7941/7961.");
    }

    #[test]
    fn headline_of_a_zip_with_a_missing_image() {
        let report = missing_image_report();
        let h = headline(&report);
        assert_eq!(h.tone, "error");
        assert!(h.title.starts_with("Not ready: 1 error"), "{}", h.title);
        assert_eq!(worst(&report), Some(Severity::Error));
        let missing: Vec<_> = report
            .findings_of(Severity::Error)
            .map(|f| f.code.as_str())
            .collect();
        assert_eq!(missing, ["missing-image"]);
    }

    #[test]
    fn headline_of_an_input_without_manifests() {
        let report = intake::inspect(
            "notes.txt",
            vec![InputFile {
                name: "notes.txt".into(),
                data: b"hi".to_vec(),
            }],
        )
        .unwrap()
        .0;
        let h = headline(&report);
        assert_eq!(h.tone, "error");
        assert_eq!(h.detail, "No firmware load recognised.");
    }

    #[test]
    fn worst_of_a_clean_report_is_none_or_info() {
        let report = seed_report();
        assert!(matches!(worst(&report), None | Some(Severity::Info)));
    }
}
