//! The checks of each area, as problems in plain words, each with the place it
//! is fixed: the firmware's findings (or why it could not be read), the TFTP
//! address of step 2, the settings of step 3, the bundle and its sending in
//! step 4, the phones of step 5 and the helper itself.
//!
//! Each check takes only what it looks at (the form, a report, the live view),
//! never the whole state: [`crate::problems::collect`] gathers them for the
//! Problems list, and the stepper takes its marks for steps 3 and 5 from
//! [`config()`] and [`phones()`], so nothing is decided twice. [`gate`] says which
//! steps may open, for the reducer and the stepper alike.
//!
//! Invariants:
//! - Only errors and warnings are problems; notes (info findings) are not.
//! - Every problem names a [`Place`] the page can open and focus.

use lifeline_shared::config::phones::Column;
use lifeline_shared::events::PhoneState;
use lifeline_shared::finding::Severity;
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::plan::{Route, route_words};
use lifeline_shared::protocol::{CurrentBundle, Status};

use crate::bundle::BundleJob;
use crate::format;
use crate::helper::Helper;
use crate::intake::{Packages, Phase};
use crate::interfaces;
use crate::live::{self, Live, PhoneView};
use crate::pairing::Link;
use crate::settings::{self, Check, Form, phones};
use crate::step::StepId;
use crate::upgrade::{self, Blocked, Choice};
use crate::upload::SendState;

/// One problem of the Problems list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
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

fn problem(severity: Severity, text: String, place: Place) -> Problem {
    Problem {
        severity,
        text,
        place,
    }
}

/// Whether `step` may open now, or the reason it is closed: steps 1 and 2 are
/// always open (option 150 is the same for any firmware), step 3 needs a
/// usable firmware, step 4 everything the bundle needs, and step 5 that too or
/// a bundle the helper already serves (`served`: it says which phones it is
/// for, so they can be watched without the firmware dropped again).
pub fn gate(
    step: StepId,
    report: Option<&Report>,
    form: &Form,
    served: Option<&CurrentBundle>,
) -> Result<(), &'static str> {
    match step {
        StepId::Firmware | StepId::Network => Ok(()),
        StepId::Config => settings::usable_load(report).map(|_| ()),
        StepId::Deliver => settings::bundle_inputs(report, form).map(|_| ()),
        StepId::Recover => match settings::bundle_inputs(report, form) {
            Err(_) if served.is_some() => Ok(()),
            other => other.map(|_| ()),
        },
    }
}

/// The firmware's findings, or why it could not be read.
pub fn firmware(phase: &Phase) -> Vec<Problem> {
    match phase {
        Phase::Failed(unusable) => vec![problem(
            Severity::Error,
            format!("The firmware could not be read: {}.", unusable.title),
            Place::at(StepId::Firmware, "firmware-problem"),
        )],
        Phase::Inspected { report, .. } => findings(report),
        _ => Vec::new(),
    }
}

fn findings(report: &Report) -> Vec<Problem> {
    report
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.severity != Severity::Info)
        .map(|(i, f)| {
            problem(
                f.severity,
                format::sentence(&f.message),
                Place::at(StepId::Firmware, finding_id(i)),
            )
        })
        .collect()
}

/// The upgrade plan of several packages dropped together: a plan that cannot be
/// made (several families: the shared words, pointing at the packages), each
/// package left out and why, a start that cannot be read, and routes that need a
/// load no package holds or are impossible. Such a route blocks the bundle only
/// when it is the chosen start's; with the start unknown it is a warning (the
/// helper asks per phone before offering anything). One package with the start
/// unknown has none of these: it is bundled as it always was.
pub fn plan(packages: Option<&Packages>, choice: &Choice) -> Vec<Problem> {
    let Some(packages) = packages.filter(|p| upgrade::in_play(p, choice)) else {
        return Vec::new();
    };
    let at = |focus: &str| Place::at(StepId::Firmware, focus);
    let mut out: Vec<Problem> = (0..packages.list.len())
        .filter_map(|i| {
            let why = packages.left_out(i)?;
            Some(problem(
                Severity::Warning,
                format!(
                    "`{}` is left out of the upgrade plan: {why}.",
                    packages.list[i].name
                ),
                at("plan-packages"),
            ))
        })
        .collect();
    let plan = match upgrade::checked(packages, choice) {
        // The start is known and has a way: nothing more to say.
        Ok((_, Some(_))) => return out,
        Ok((plan, None)) => plan,
        Err(blocked) => {
            let focus = match blocked {
                Blocked::NoPlan(_) => "plan-packages",
                Blocked::Start(_) => "plan-start-text",
                Blocked::Route(_) => "plan-start",
            };
            out.push(problem(Severity::Error, blocked.words(), at(focus)));
            return out;
        }
    };
    for (band, route) in &plan.routes {
        if !matches!(route, Route::Via(_)) {
            out.push(problem(
                Severity::Warning,
                format!(
                    "Phones that start {}: {} With the start unknown, the helper offers such a phone nothing and its card asks which release it runs.",
                    band.label,
                    route_words(route)
                ),
                at("plan"),
            ));
        }
    }
    out
}

/// The TFTP address of step 2, and, once the helper's status is known,
/// whether phones given it would reach the helper's TFTP server.
pub fn network(form: &Form, helper: Option<&Status>) -> Vec<Problem> {
    let place = || Place::at(StepId::Network, "tftp");
    let tftp = settings::tftp(form);
    let reach = match (&tftp, helper) {
        (Check::Good(list), Some(status)) => interfaces::reach(&list.addresses, status),
        _ => Vec::new(),
    };
    let reach = reach.into_iter().map(move |why| {
        problem(
            Severity::Warning,
            format!("TFTP server address: {why}"),
            Place::at(StepId::Network, "tftp"),
        )
    });
    let mut out: Vec<Problem> = match tftp {
        Check::Empty => Vec::new(),
        Check::Bad(why) => vec![problem(
            Severity::Error,
            format!("TFTP server address: {}", format::sentence(&why)),
            place(),
        )],
        Check::Good(list) => list
            .warnings
            .iter()
            .map(|w| {
                problem(
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
    };
    out.extend(reach);
    out
}

/// The settings of step 3: call control, and each bad row of the phone list
/// at its field.
pub fn config(report: Option<&Report>, form: &Form) -> Vec<Problem> {
    let mut out = Vec::new();
    let cms = settings::call_managers(form);
    if let Check::Bad(why) = &cms {
        out.push(problem(
            Severity::Error,
            format!("Call-control address: {}", format::sentence(why)),
            Place::at(StepId::Config, "call-managers"),
        ));
    }
    let Some(report) = report else {
        return out;
    };
    let table = settings::table(&form.rows, report);
    for (i, row) in table.rows.iter().enumerate() {
        let place = |c: Option<Column>| {
            Place::at(StepId::Config, phones::cell_id(i, c.unwrap_or(Column::Mac)))
        };
        let about = |c: Option<Column>| match c {
            Some(c) => format!(
                "Phone list, row {}, {}",
                i + 1,
                phones::label(c).to_ascii_lowercase()
            ),
            None => format!("Phone list, row {}", i + 1),
        };
        for (c, why) in &row.problems {
            out.push(problem(
                Severity::Error,
                format!("{}: {}", about(*c), format::sentence(why)),
                place(*c),
            ));
        }
        for (c, why) in &row.warnings {
            out.push(problem(
                Severity::Warning,
                format!("{}: {}", about(Some(*c)), format::sentence(why)),
                place(Some(*c)),
            ));
        }
    }
    out
}

/// The bundle of step 4 and its sending.
pub fn deliver(bundle: &BundleJob, send: &SendState) -> Vec<Problem> {
    let mut out = Vec::new();
    match bundle {
        BundleJob::Failed(_, why) => out.push(problem(
            Severity::Error,
            format!("The bundle could not be made: {}", format::sentence(why)),
            Place::at(StepId::Deliver, "bundle-problem"),
        )),
        BundleJob::Ready { bundle, saved, .. } => {
            for (i, f) in bundle.findings.iter().enumerate() {
                if f.severity != Severity::Info {
                    out.push(problem(
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
                out.push(problem(
                    Severity::Error,
                    format::sentence(why),
                    Place::at(StepId::Deliver, "save-status"),
                ));
            }
        }
        BundleJob::Idle | BundleJob::Preparing(_) => {}
    }
    if let SendState::Failed { key, refusal, .. } = send
        && Some(*key) == bundle.key()
    {
        out.push(problem(
            Severity::Error,
            format!("Sending the bundle failed: {}.", refusal.title),
            Place::at(StepId::Deliver, "send-problem"),
        ));
    }
    out
}

/// The phones that need attention: failed (an error) or stuck (a warning).
pub fn phones(live: &Live) -> Vec<Problem> {
    live.active()
        .filter_map(|p| {
            let severity = match p.state {
                PhoneState::Failed => Severity::Error,
                PhoneState::Stuck => Severity::Warning,
                _ => return None,
            };
            let headline = PhoneView::of(p).headline;
            Some(problem(
                severity,
                format!("{}: {}.", live::label(p), headline),
                Place::at(StepId::Recover, card_id(&p.id)),
            ))
        })
        .collect()
}

/// The helper itself: not answering, refused, or its TFTP server down.
pub fn helper(h: &Helper) -> Vec<Problem> {
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
        Link::NewToken => Some(
            "The helper was restarted with a new pairing token: paste the address it printed into this tab to pair again."
                .to_string(),
        ),
        Link::Connected => h.status.as_ref().filter(|s| !s.tftp.listening).map(|s| {
            format!(
                "The helper's TFTP server is not running: {}",
                format::sentence(s.tftp.reason.as_deref().unwrap_or("it gave no reason"))
            )
        }),
    };
    text.map(|t| problem(Severity::Error, t, pill()))
        .into_iter()
        .collect()
}
