//! The firmware job (read, checked, inspected, or failed; tickets drop stale
//! steps) and the plan of several packages (its target and start).

use std::rc::Rc;

use lifeline_shared::firmware::inspect::Report;

use super::{Action, State};
use crate::checks;
use crate::intake::{Packages, Phase, Unusable};
use crate::keep::Kept;
use crate::step::StepId;
use crate::upgrade::{self, Choice, Start};

impl State {
    /// The state after a step of the firmware job or a choice in the plan, or
    /// `None`.
    pub(super) fn next_firmware(&self, next: &mut State, action: Action) -> Option<()> {
        match action {
            Action::PlanTarget(name) => next.plan_target(name)?,
            Action::PlanStart(start) if start != self.choice.start => {
                next.choice.start = start;
                next.changed();
            }
            job => {
                let (ticket, phase) = self.job(job)?;
                next.ticket = ticket;
                next.phase = phase;
                // A new job (a drop on any step) shows its progress there; its
                // report replaces any bundle.
                if ticket != self.ticket {
                    next.view = StepId::Firmware;
                    next.kept = Kept::No;
                    next.choice = Choice::default();
                }
                // The kept firmware read back is kept, and a reload returns
                // to its step once it is; any other job ends the return.
                let restoring = self.restoring == Some(ticket);
                if !restoring || !next.is_working() {
                    next.restoring = None;
                    next.resume = None;
                    next.kept_choice = None;
                }
                if restoring && matches!(next.phase, Phase::Inspected { .. }) {
                    next.kept = Kept::Yes;
                    if let Some(choice) = self.kept_choice.clone() {
                        next.put_back(choice);
                    }
                    if let Some(view) = self.resume {
                        let report = next.report().map(|r| &**r);
                        if checks::gate(view, report, &next.form, next.served()).is_ok() {
                            next.view = view;
                        }
                    }
                }
                if !matches!(next.phase, Phase::Inspected { .. }) {
                    next.drop_bundle();
                }
            }
        }
        Some(())
    }

    /// Makes the package of load `name` the plan's target: its report and bytes
    /// are the ones shown and bundled. `None` when it already is, or no package
    /// usable in the plan holds that load.
    fn plan_target(&mut self, name: String) -> Option<()> {
        let Phase::Inspected {
            report,
            firmware,
            packages: Some(packages),
            ..
        } = &mut self.phase
        else {
            return None;
        };
        let (r, f) = packages.of_load(&name)?;
        if Rc::ptr_eq(r, report) {
            return None;
        }
        *report = r.clone();
        *firmware = f.clone();
        self.choice.target = Some(name);
        // Bands depend on the target: a band chosen for another one goes.
        if matches!(self.choice.start, Start::Band(_)) {
            self.choice.start = Start::Unknown;
        }
        self.changed();
        Some(())
    }

    /// Puts back the plan's choice kept with the firmware just read back. What
    /// no longer fits the packages is dropped: a target none of them holds
    /// (the newest is the target, and a band chosen for the other one goes), a
    /// band the plan has not, any start when they make no plan. A typed start
    /// is the phones' own, whatever the target: it stays.
    fn put_back(&mut self, kept: Choice) {
        let Some(packages) = self.packages().cloned() else {
            return;
        };
        let mut start = kept.start;
        match kept.target {
            Some(target) if packages.of_load(&target).is_some() => {
                self.plan_target(target.clone());
                self.choice.target = Some(target);
            }
            Some(_) if matches!(start, Start::Band(_)) => start = Start::Unknown,
            _ => {}
        }
        self.choice.start = match (upgrade::plan(&packages, &self.choice), start) {
            (Ok(plan), Start::Band(i)) if i < plan.routes.len() => Start::Band(i),
            (Ok(_), typed @ Start::Typed(_)) => typed,
            _ => Start::Unknown,
        };
        self.changed();
    }

    /// The packages dropped (one or several), once inspected; `None` for loose
    /// files.
    pub fn packages(&self) -> Option<&Rc<Packages>> {
        match &self.phase {
            Phase::Inspected { packages, .. } => packages.as_ref(),
            _ => None,
        }
    }

    /// The firmware job's transitions: the new ticket and phase, or `None`.
    fn job(&self, action: Action) -> Option<(u64, Phase)> {
        let current = |ticket: u64| ticket == self.ticket;
        Some(match action {
            Action::ReadStarted { ticket, selection } if ticket > self.ticket => (
                ticket,
                Phase::Reading {
                    name: selection.label,
                    files: selection.files,
                    done: 0,
                    size: selection.size,
                },
            ),
            Action::FileRead { ticket, done } if current(ticket) => match &self.phase {
                Phase::Reading {
                    name, files, size, ..
                } => (
                    ticket,
                    Phase::Reading {
                        name: name.clone(),
                        files: *files,
                        done: done.min(*files),
                        size: *size,
                    },
                ),
                _ => return None,
            },
            Action::ReadFailed { ticket, failure }
                if ticket > self.ticket || (current(ticket) && self.is_reading()) =>
            {
                (ticket, Phase::Failed(Unusable::from_read(&failure)))
            }
            Action::CheckStarted { ticket } if current(ticket) => match &self.phase {
                Phase::Reading { name, size, .. } => (
                    ticket,
                    Phase::Checking {
                        name: name.clone(),
                        size: *size,
                    },
                ),
                _ => return None,
            },
            Action::Inspected {
                ticket,
                report,
                millis,
                firmware,
                packages,
            } if current(ticket) && self.is_working() => (
                ticket,
                Phase::Inspected {
                    report,
                    millis,
                    firmware,
                    packages,
                },
            ),
            Action::InspectFailed {
                ticket,
                name,
                error,
            } if current(ticket) && self.is_working() => {
                (ticket, Phase::Failed(Unusable::from_archive(&name, &error)))
            }
            Action::Reset => (self.ticket, Phase::Idle),
            _ => return None,
        })
    }

    /// Whether files are being read.
    pub fn is_reading(&self) -> bool {
        matches!(self.phase, Phase::Reading { .. })
    }

    /// Whether a job is under way (reading or checking).
    pub fn is_working(&self) -> bool {
        matches!(self.phase, Phase::Reading { .. } | Phase::Checking { .. })
    }

    /// The report, once there is one.
    pub fn report(&self) -> Option<&Rc<Report>> {
        match &self.phase {
            Phase::Inspected { report, .. } => Some(report),
            _ => None,
        }
    }
}
