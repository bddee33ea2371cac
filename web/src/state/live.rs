//! Step 5: the time, the log's filters, the reset steps, the next phone,
//! retries, simulated phones, a card's start, and the sound and notification
//! when a phone finishes.

use super::{Action, State};
use crate::live::Tone;
use crate::prefs::Permission;
use crate::step::StepId;

impl State {
    /// The state after an action on step 5, or `None`.
    pub(super) fn next_live(&self, next: &mut State, action: Action) -> Option<()> {
        match action {
            Action::Tick(at) => {
                next.helper.now = at.mono;
                let live = &mut next.helper.live;
                let serving = self.helper.link.is_connected()
                    && self
                        .helper
                        .status
                        .as_ref()
                        .is_some_and(|s| s.bundle.is_some());
                if live.watch_since.is_none() && serving && self.view == StepId::Recover {
                    live.watch_since = Some(at.mono);
                }
            }
            Action::FilterLog(filter) if filter != self.helper.live.filter => {
                next.helper.live.filter = filter;
            }
            Action::FollowLog(on) if on != self.helper.live.follow => {
                next.helper.live.follow = on;
            }
            Action::ShowRaw(on) if on != self.helper.live.raw => next.helper.live.raw = on,
            Action::ToggleReset(i) => match next.resets.iter().position(|&r| r == i) {
                Some(at) => {
                    next.resets.remove(at);
                }
                None => next.resets.push(i),
            },
            Action::RecoverAnother(at) => {
                if !next.helper.live.recover_another(at.mono) {
                    return None;
                }
                next.helper.now = at.mono;
                next.resets.clear();
            }
            Action::RetryFailed { phones, at } => {
                if phones.is_empty() {
                    return None;
                }
                next.helper.live.retry_asked(&phones, at);
                // The phones are reset again: the steps are to be done again.
                next.resets.clear();
            }
            Action::SimulateAsked(at) => {
                if next.helper.live.simulation.busy() {
                    return None;
                }
                next.helper.live.simulation = crate::live::SimRun::Asked;
                next.helper.live.note(
                    "Asked the helper to simulate the bundle's phones.".into(),
                    Tone::Plain,
                    at,
                );
            }
            Action::StartAsked { card, text, at } => next.helper.live.start_asked(&card, &text, at),
            Action::SetSound(on) if on != self.prefs.sound => next.prefs.sound = on,
            Action::SetNotify(false) if self.prefs.notify || self.notify_asking => {
                next.prefs.notify = false;
                next.notify_asking = false;
            }
            Action::SetNotify(true) if !self.prefs.notify => {
                if self.permission == Permission::Granted {
                    next.prefs.notify = true;
                } else if self.permission.blocked().is_none() && !self.notify_asking {
                    next.notify_asking = true;
                } else {
                    return None;
                }
            }
            Action::NotifyAnswered(permission) => {
                if permission == self.permission && !self.notify_asking {
                    return None;
                }
                next.permission = permission;
                if std::mem::take(&mut next.notify_asking) {
                    next.prefs.notify = permission == Permission::Granted;
                }
                next.prefs = next.prefs.applied(permission);
            }
            _ => return None,
        }
        Some(())
    }
}
