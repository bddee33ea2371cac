//! Every problem the app knows of right now, in plain words, each with the
//! place it is fixed (pure): what the worst-issue bullet counts and its
//! Problems list shows (UX §2.11, Wireshark's status-bar bullet and Expert
//! Info).
//!
//! The list gathers what each step already shows, from the same checks: the
//! firmware's findings (or why it could not be read), the TFTP address of
//! step 2, the settings of step 3, the bundle and its sending in step 4, the
//! phones of step 5 and the helper itself. Nothing here is decided twice: the
//! stepper's marks for steps 3 and 5 are taken from [`config`] and
//! [`phones`].
//!
//! Invariants:
//! - Only errors and warnings are problems; notes (info findings) are not.
//! - Worst first (errors, then warnings), then in step order.
//! - Every problem names a [`Place`] the page can open and focus: one on a
//!   step that is closed (phones the helper reports before step 5 opens) waits
//!   until that step opens.

use std::rc::Rc;

use lifeline_shared::events::PhoneState;
use lifeline_shared::finding::Severity;
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::models::Protocol;

use crate::format;
use crate::helper::{Link, Send};
use crate::live::{self, PhoneView};
use crate::settings::{self, Check, Form};
use crate::state::{BundleJob, Phase, State, StepId};

/// One problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in plain words (names in backticks).
    pub text: String,
    /// Where it is fixed.
    pub place: Place,
}

/// Where a problem is fixed: a step and the element to focus there, or the
/// helper pill in the top bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// The step; `None`: the helper pill.
    pub step: Option<StepId>,
    /// The id of the element to focus.
    pub focus: String,
}

impl Place {
    fn at(step: StepId, focus: impl Into<String>) -> Place {
        Place {
            step: Some(step),
            focus: focus.into(),
        }
    }

    /// The words of its link: `Fix it in step 2, Network`.
    pub fn link_text(&self) -> String {
        match self.step {
            Some(step) => format!("Fix it in step {}, {}", step.number(), step.labels().0),
            None => "Open the helper's details".to_string(),
        }
    }
}

/// The element id of finding `index` of the report.
pub fn finding_id(index: usize) -> String {
    format!("finding-{index}")
}

/// The element id of a phone's card.
pub fn card_id(phone: &str) -> String {
    format!("card-{phone}")
}

/// The element id of a bundle finding (step 4).
pub fn bundle_finding_id(index: usize) -> String {
    format!("bundle-finding-{index}")
}

fn issue(severity: Severity, text: String, place: Place) -> Issue {
    Issue {
        severity,
        text,
        place,
    }
}

/// Every problem now, worst first.
pub fn collect(state: &State) -> Vec<Issue> {
    let report = state.report().map(|r| &**r);
    let mut out = firmware(state);
    out.extend(network(&state.form));
    if settings::usable_load(report).is_ok() {
        out.extend(config(report, &state.form));
    }
    out.extend(deliver(state));
    out.extend(phones(state));
    out.extend(helper(state));
    let steps = state.steps();
    out.retain(|i| match i.place.step {
        Some(id) => steps.iter().any(|s| s.id == id && s.enabled),
        None => true,
    });
    // Errors first, each severity in step order.
    let (mut errors, warnings): (Vec<Issue>, Vec<Issue>) =
        out.into_iter().partition(|i| i.severity == Severity::Error);
    errors.extend(warnings);
    errors
}

fn firmware(state: &State) -> Vec<Issue> {
    match &state.phase {
        Phase::Failed(problem) => vec![issue(
            Severity::Error,
            format!("The firmware could not be read: {}.", problem.title),
            Place::at(StepId::Firmware, "firmware-problem"),
        )],
        Phase::Inspected { report, .. } => findings(report),
        _ => Vec::new(),
    }
}

fn findings(report: &Rc<Report>) -> Vec<Issue> {
    report
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.severity != Severity::Info)
        .map(|(i, f)| {
            issue(
                f.severity,
                format::sentence(&f.message),
                Place::at(StepId::Firmware, finding_id(i)),
            )
        })
        .collect()
}

/// The TFTP address of step 2.
pub fn network(form: &Form) -> Vec<Issue> {
    let place = || Place::at(StepId::Network, "tftp");
    match settings::tftp(form) {
        Check::Empty => Vec::new(),
        Check::Bad(why) => vec![issue(
            Severity::Error,
            format!("TFTP server address: {}", format::sentence(&why)),
            place(),
        )],
        Check::Good(list) => list
            .warnings
            .iter()
            .map(|w| {
                issue(
                    Severity::Warning,
                    format!(
                        "TFTP server address `{}`: {}",
                        w.address,
                        format::sentence(&w.message)
                    ),
                    place(),
                )
            })
            .collect(),
    }
}

/// The settings of step 3: call control, the phone list and, for SIP loads,
/// each listed phone's line.
pub fn config(report: Option<&Report>, form: &Form) -> Vec<Issue> {
    let mut out = Vec::new();
    let cms = settings::call_managers(form);
    if let Check::Bad(why) = &cms {
        out.push(issue(
            Severity::Error,
            format!("Call-control address: {}", format::sentence(why)),
            Place::at(StepId::Config, "call-managers"),
        ));
    }
    let phones = settings::phones(form, report);
    for entry in &phones {
        if let Err(why) = &entry.result {
            out.push(issue(
                Severity::Error,
                format!("Phone list, `{}`: {}", entry.text, format::sentence(why)),
                Place::at(StepId::Config, "phones"),
            ));
        }
    }
    if report.and_then(|r| r.protocol) == Some(Protocol::Sip) {
        for p in phones.iter().filter_map(|e| e.result.as_ref().ok()) {
            let Some(line) = settings::sip_form(form, &p.mac) else {
                continue;
            };
            let sep = p.mac.sep_name();
            let check = settings::sip(line, cms.good().map(Vec::as_slice));
            for (field, why) in &check.errors {
                out.push(issue(
                    Severity::Error,
                    format!(
                        "SIP line of `{sep}`, {}: {}",
                        field.label().to_lowercase(),
                        format::sentence(why)
                    ),
                    Place::at(StepId::Config, format!("sip-{sep}-{}", field.id())),
                ));
            }
            if let Some(warning) = &check.password_warning {
                out.push(issue(
                    Severity::Warning,
                    format!("SIP line of `{sep}`: {}", format::sentence(warning)),
                    Place::at(
                        StepId::Config,
                        format!("sip-{sep}-{}", settings::SipField::Password.id()),
                    ),
                ));
            }
        }
    }
    out
}

fn deliver(state: &State) -> Vec<Issue> {
    let mut out = Vec::new();
    match &state.bundle {
        BundleJob::Failed(_, why) => out.push(issue(
            Severity::Error,
            format!("The bundle could not be made: {}", format::sentence(why)),
            Place::at(StepId::Deliver, "bundle-problem"),
        )),
        BundleJob::Ready { bundle, saved, .. } => {
            for (i, f) in bundle.findings.iter().enumerate() {
                if f.severity != Severity::Info {
                    out.push(issue(
                        f.severity,
                        format!(
                            "In the bundle, `{}`: {}",
                            f.subject,
                            format::sentence(&f.message)
                        ),
                        Place::at(StepId::Deliver, bundle_finding_id(i)),
                    ));
                }
            }
            if let Some(Err(why)) = saved {
                out.push(issue(
                    Severity::Error,
                    format::sentence(why),
                    Place::at(StepId::Deliver, "save-status"),
                ));
            }
        }
        BundleJob::Idle | BundleJob::Preparing(_) => {}
    }
    if let Send::Failed { key, problem, .. } = &state.helper.send
        && Some(*key) == state.bundle.key()
    {
        out.push(issue(
            Severity::Error,
            format!("Sending the bundle failed: {}.", problem.title),
            Place::at(StepId::Deliver, "send-problem"),
        ));
    }
    out
}

/// The phones that need attention: failed (an error) or stuck (a warning).
pub fn phones(state: &State) -> Vec<Issue> {
    let live = &state.helper.live;
    live.active()
        .filter_map(|p| {
            let severity = match p.state {
                PhoneState::Failed => Severity::Error,
                PhoneState::Stuck => Severity::Warning,
                _ => return None,
            };
            let headline = PhoneView::of(p).headline;
            Some(issue(
                severity,
                format!("{}: {}.", live::label(p), headline),
                Place::at(StepId::Recover, card_id(&p.id)),
            ))
        })
        .collect()
}

fn helper(state: &State) -> Vec<Issue> {
    let h = &state.helper;
    let pill = || Place {
        step: None,
        focus: "helper-pill-summary".into(),
    };
    let text = match &h.link {
        Link::Unpaired | Link::Connecting { attempt: 1 } => None,
        Link::Connecting { .. } | Link::Retrying { .. } => {
            Some("The helper does not answer; this page reconnects by itself.".to_string())
        }
        Link::Refused(why) => Some(format!("The helper refused this page: {why}")),
        Link::Connected => h.status.as_ref().filter(|s| !s.tftp.listening).map(|s| {
            format!(
                "The helper's TFTP server is not running: {}",
                format::sentence(s.tftp.reason.as_deref().unwrap_or("it gave no reason"))
            )
        }),
    };
    text.map(|t| issue(Severity::Error, t, pill()))
        .into_iter()
        .collect()
}

/// How many errors and warnings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
}

impl Count {
    /// The count of `issues`.
    pub fn of(issues: &[Issue]) -> Count {
        let n = |s| issues.iter().filter(|i| i.severity == s).count();
        Count {
            errors: n(Severity::Error),
            warnings: n(Severity::Warning),
        }
    }

    /// The worst severity present.
    pub fn worst(&self) -> Option<Severity> {
        if self.errors > 0 {
            Some(Severity::Error)
        } else if self.warnings > 0 {
            Some(Severity::Warning)
        } else {
            None
        }
    }

    /// What the bullet shows: `1 error`, `2 warnings`, `No problems`.
    pub fn short(&self) -> String {
        match self.worst() {
            Some(Severity::Error) => format::count(self.errors, "error", "errors"),
            Some(_) => format::count(self.warnings, "warning", "warnings"),
            None => "No problems".to_string(),
        }
    }

    /// Every count in words: `2 errors and 1 warning`, `No problems`.
    pub fn long(&self) -> String {
        match (self.errors, self.warnings) {
            (0, 0) => "No problems".to_string(),
            (e, 0) => format::count(e, "error", "errors"),
            (0, w) => format::count(w, "warning", "warnings"),
            (e, w) => format!(
                "{} and {}",
                format::count(e, "error", "errors"),
                format::count(w, "warning", "warnings")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Action;
    use crate::state::tests::{apply, inspected, missing_image_report, ready, seed_state};

    #[test]
    fn a_clean_start_has_no_problems() {
        let s = State::default();
        assert!(collect(&s).is_empty());
        let c = Count::of(&collect(&s));
        assert_eq!(
            (c.worst(), c.short(), c.long()),
            (None, "No problems".into(), "No problems".into())
        );
        assert!(collect(&ready(&seed_state())).is_empty());
    }

    #[test]
    fn a_missing_image_is_an_error_fixed_at_its_finding() {
        let s = inspected(missing_image_report());
        let issues = collect(&s);
        assert_eq!(issues.len(), 1, "{issues:?}");
        let i = &issues[0];
        assert_eq!(i.severity, Severity::Error);
        assert!(i.text.contains("`dsp41.8-3-2-27.sbn`"), "{}", i.text);
        assert_eq!(i.place.step, Some(StepId::Firmware));
        let report = s.report().unwrap();
        let at = report
            .findings
            .iter()
            .position(|f| f.severity == Severity::Error)
            .unwrap();
        assert_eq!(i.place.focus, finding_id(at));
        assert_eq!(i.place.link_text(), "Fix it in step 1, Firmware");
        assert_eq!(Count::of(&issues).short(), "1 error");
    }

    #[test]
    fn an_unreadable_input_is_an_error_on_step_1() {
        let s = apply(
            &State::default(),
            Action::ReadFailed {
                ticket: 1,
                failure: crate::intake::ReadFailure::NoFiles,
            },
        );
        let issues = collect(&s);
        assert_eq!(issues.len(), 1);
        assert_eq!(
            issues[0].text,
            "The firmware could not be read: Nothing to inspect."
        );
        assert_eq!(issues[0].place.focus, "firmware-problem");
    }

    #[test]
    fn settings_problems_point_at_their_fields_worst_first() {
        let s = apply(&seed_state(), Action::SetTftp("127.0.0.1".into()));
        let s = apply(&s, Action::SetCallManagers("10.0.0.300".into()));
        let s = apply(&s, Action::SetPhones("001122aabbcc, nope".into()));
        let issues = collect(&s);
        let places: Vec<_> = issues
            .iter()
            .map(|i| (i.severity, i.place.step, i.place.focus.as_str()))
            .collect();
        assert_eq!(
            places,
            [
                (Severity::Error, Some(StepId::Config), "call-managers"),
                (Severity::Error, Some(StepId::Config), "phones"),
                (Severity::Warning, Some(StepId::Network), "tftp"),
            ]
        );
        assert!(
            issues[1].text.starts_with("Phone list, `nope`: "),
            "{}",
            issues[1].text
        );
        assert!(
            issues[2]
                .text
                .starts_with("TFTP server address `127.0.0.1`: ")
        );
        let c = Count::of(&issues);
        assert_eq!(c.worst(), Some(Severity::Error));
        assert_eq!(c.short(), "2 errors");
        assert_eq!(c.long(), "2 errors and 1 warning");
        // A bad address is an error of step 2.
        let bad = apply(&s, Action::SetTftp("10.0.0.256".into()));
        assert!(collect(&bad).iter().any(|i| i.severity == Severity::Error
            && i.place.focus == "tftp"
            && i.text.starts_with("TFTP server address: ")));
    }

    #[test]
    fn configuration_problems_wait_for_a_usable_firmware() {
        let s = apply(&State::default(), Action::SetCallManagers("x y".into()));
        assert!(collect(&s).is_empty(), "step 3 is closed");
        let s = apply(
            &inspected(missing_image_report()),
            Action::SetCallManagers("x y".into()),
        );
        assert!(
            collect(&s)
                .iter()
                .all(|i| i.place.step == Some(StepId::Firmware))
        );
    }

    #[test]
    fn the_step_3_mark_follows_its_problems() {
        use crate::state::Mark;
        let s = seed_state();
        assert_eq!(s.steps()[2].mark, None);
        let s = apply(&s, Action::SetCallManagers("10.0.0.1".into()));
        assert_eq!(s.steps()[2].mark, Some(Mark::Ok));
        let bad = apply(&s, Action::SetPhones("zz".into()));
        assert_eq!(bad.steps()[2].mark, Some(Mark::Error));
        assert_eq!(Count::of(&collect(&bad)).errors, 1);
    }

    #[test]
    fn a_refused_helper_is_an_error_fixed_at_the_pill() {
        let s = apply(&State::default(), Action::LinkConnecting { attempt: 1 });
        assert!(collect(&s).is_empty(), "the first try is not a problem");
        let s = apply(
            &s,
            Action::LinkClosed {
                retry_in_ms: Some(1000),
                at: Default::default(),
            },
        );
        let issues = collect(&s);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].place.step, None);
        assert_eq!(issues[0].place.focus, "helper-pill-summary");
        assert_eq!(issues[0].place.link_text(), "Open the helper's details");
    }
}
