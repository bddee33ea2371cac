//! What a reload brings back (the settings, the step), the firmware kept in
//! this browser, and whether passwords are remembered.

use super::{Action, State};
use crate::checks;
use crate::keep::{Kept, Restored};
use crate::permalink::Notice;
use crate::step::StepId;

impl State {
    /// The state after an action on what this browser keeps, or `None`.
    pub(super) fn next_keep(&self, next: &mut State, action: Action) -> Option<()> {
        match action {
            Action::Restore(restored) => next.restore(restored),
            Action::Restoring(ticket) if self.restoring.is_none() && ticket > self.ticket => {
                next.restoring = Some(ticket);
            }
            // Step 5 may yet open without the firmware, once the helper says
            // which bundle it serves. (A kept plan's choice is only put back
            // on the kept firmware: the next job drops it.)
            Action::NothingKept if self.resume.is_some_and(|v| v != StepId::Recover) => {
                next.resume = None;
            }
            Action::FirmwareKept { ticket, result }
                if ticket == self.ticket && self.report().is_some() =>
            {
                next.kept = match result {
                    Ok(()) => Kept::Yes,
                    Err(why) => Kept::Refused(why),
                };
            }
            Action::FirmwareForgotten if self.kept != Kept::Forgotten => {
                next.kept = Kept::Forgotten;
            }
            Action::SetRemember(on) if on != self.prefs.remember => next.prefs.remember = on,
            _ => return None,
        }
        Some(())
    }

    /// What a reload brings back: the settings, the step and the plan's choice
    /// (now, or once the kept firmware is read back), or a link from elsewhere.
    fn restore(&mut self, restored: Restored) {
        self.kept_choice = restored.choice;
        if let Some(form) = restored.form {
            self.form = form;
            self.changed();
        }
        match restored.link {
            Some(Ok(form)) => {
                self.form = form;
                self.changed();
                self.notice = Some(Notice::Restored);
            }
            Some(Err(e)) => self.notice = Some(Notice::Damaged(e.message())),
            None => {}
        }
        if let Some(view) = restored.view.filter(|v| *v != StepId::Firmware) {
            if checks::gate(view, self.report().map(|r| &**r), &self.form, self.served()).is_ok() {
                self.view = view;
            } else {
                self.resume = Some(view);
            }
        }
    }
}
