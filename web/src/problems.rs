//! Every problem the app knows of right now, worst first: what the worst-issue
//! bullet in the top bar counts and its Problems list shows, the way a
//! network analyser's status-bar bullet opens its expert list.
//!
//! [`collect`] gathers what each step already shows, from the checks of
//! [`crate::checks`].
//!
//! Invariants:
//! - Worst first (errors, then warnings), then in step order.
//! - A problem on a step that is closed (phones the helper reports before
//!   step 5 opens) waits until that step opens.

use lifeline_shared::finding::Severity;

use crate::checks::{self, Problem};
use crate::format;
use crate::settings;
use crate::state::State;
use crate::stepper;

/// Every problem now, worst first.
pub fn collect(state: &State) -> Vec<Problem> {
    let report = state.report().map(|r| &**r);
    let mut out = checks::firmware(&state.phase);
    out.extend(checks::plan(state.packages().map(|p| &**p), &state.choice));
    out.extend(checks::network(&state.form, state.helper.status.as_ref()));
    if settings::usable_load(report).is_ok() {
        out.extend(checks::config(report, &state.form));
    }
    out.extend(checks::deliver(&state.bundle, &state.helper.send));
    out.extend(checks::phones(&state.helper.live));
    out.extend(checks::helper(&state.helper));
    let steps = stepper::steps(state);
    out.retain(|p| match p.place.step {
        Some(id) => steps.iter().any(|s| s.id == id && s.enabled),
        None => true,
    });
    // Errors first, each severity in step order.
    let (mut errors, warnings): (Vec<Problem>, Vec<Problem>) =
        out.into_iter().partition(|p| p.severity == Severity::Error);
    errors.extend(warnings);
    errors
}

/// How many errors and warnings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count {
    pub errors: usize,
    pub warnings: usize,
}

impl Count {
    /// The count of `problems`.
    pub fn of(problems: &[Problem]) -> Count {
        let n = |s| problems.iter().filter(|p| p.severity == s).count();
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
    use crate::checks::finding_id;
    use crate::state::Action;
    use crate::step::StepId;
    use crate::test_support::{
        apply, inspected, missing_image_report, ready, seed_state, set_phones,
    };

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
        let problems = collect(&s);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = &problems[0];
        assert_eq!(p.severity, Severity::Error);
        assert!(p.text.contains("`dsp41.8-3-2-27.sbn`"), "{}", p.text);
        assert_eq!(p.place.step, Some(StepId::Firmware));
        let report = s.report().unwrap();
        let at = report
            .findings
            .iter()
            .position(|f| f.severity == Severity::Error)
            .unwrap();
        assert_eq!(p.place.focus, finding_id(at));
        assert_eq!(p.place.link_text(), "Fix it in step 1, Firmware");
        assert_eq!(Count::of(&problems).short(), "1 error");
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
        let problems = collect(&s);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].text,
            "The firmware could not be read: Nothing to inspect."
        );
        assert_eq!(problems[0].place.focus, "firmware-problem");
    }

    #[test]
    fn settings_problems_point_at_their_fields_worst_first() {
        let s = apply(&seed_state(), Action::SetTftp("127.0.0.1".into()));
        let s = apply(&s, Action::SetCallManagers("10.0.0.300".into()));
        let s = set_phones(&s, "001122aabbcc, nope");
        let problems = collect(&s);
        let places: Vec<_> = problems
            .iter()
            .map(|i| (i.severity, i.place.step, i.place.focus.as_str()))
            .collect();
        assert_eq!(
            places,
            [
                (Severity::Error, Some(StepId::Config), "call-managers"),
                (Severity::Error, Some(StepId::Config), "phone-1-mac"),
                (Severity::Warning, Some(StepId::Network), "tftp"),
            ]
        );
        assert!(
            problems[1]
                .text
                .starts_with("Phone list, row 2, mac: `nope` is not a MAC address"),
            "{}",
            problems[1].text
        );
        assert!(
            problems[2]
                .text
                .starts_with("TFTP server address `127.0.0.1`: ")
        );
        let c = Count::of(&problems);
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
        use crate::stepper::Mark;
        let s = seed_state();
        assert_eq!(stepper::steps(&s)[2].mark, None);
        let s = apply(&s, Action::SetCallManagers("10.0.0.1".into()));
        assert_eq!(stepper::steps(&s)[2].mark, Some(Mark::Ok));
        let bad = set_phones(&s, "zz");
        assert_eq!(stepper::steps(&bad)[2].mark, Some(Mark::Error));
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
        let problems = collect(&s);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].place.step, None);
        assert_eq!(problems[0].place.focus, "helper-pill-summary");
        assert_eq!(problems[0].place.link_text(), "Open the helper's details");
    }
}
