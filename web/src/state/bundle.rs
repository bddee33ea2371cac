//! The bundle: built for one key (one firmware, one revision of the
//! settings), saved as a zip, and sent to the helper under the same key.

use super::{Action, State};
use crate::bundle::{BundleJob, BundleKey, short_id};
use crate::checks;
use crate::live::Tone;
use crate::step::StepId;
use crate::upload::SendState;

impl State {
    /// The state after a step of the bundle or of sending it, or `None`.
    pub(super) fn next_bundle(&self, next: &mut State, action: Action) -> Option<()> {
        match action {
            Action::BundleStarted(key)
                if key == self.bundle_key() && self.bundle.key() != Some(key) =>
            {
                next.bundle = BundleJob::Preparing(key);
            }
            Action::BundleBuilt { key, result } if self.bundle == BundleJob::Preparing(key) => {
                next.bundle = match result {
                    Ok(bundle) => BundleJob::Ready {
                        key,
                        bundle,
                        saved: None,
                    },
                    Err(why) => BundleJob::Failed(key, why),
                };
            }
            Action::BundleSaved { key, result } => match &mut next.bundle {
                BundleJob::Ready { key: k, saved, .. } if *k == key => *saved = Some(result),
                _ => return None,
            },
            Action::SendStarted { key, at } => {
                let BundleJob::Ready { key: k, bundle, .. } = &self.bundle else {
                    return None;
                };
                if *k != key || key != self.bundle_key() || !self.helper.link.is_connected() {
                    return None;
                }
                let id = bundle.manifest.id.clone();
                next.helper.live.note(
                    format!("Sending bundle `{}` to the helper.", short_id(&id)),
                    Tone::Plain,
                    at,
                );
                next.helper.send = SendState::Starting { key, id };
            }
            Action::SendStopped { key, at } if self.helper.send.key() == Some(key) => {
                next.helper.send = SendState::Idle;
                next.helper
                    .live
                    .note("Sending stopped.".into(), Tone::Plain, at);
            }
            _ => return None,
        }
        Some(())
    }

    /// The bundle goes, and sending it with it.
    pub(super) fn drop_bundle(&mut self) {
        self.bundle = BundleJob::Idle;
        self.helper.send = SendState::Idle;
    }

    /// The key a bundle built now would have.
    pub fn bundle_key(&self) -> BundleKey {
        BundleKey {
            ticket: self.ticket,
            rev: self.rev,
        }
    }

    /// Whether the page's bundle should be built now: step 4 shows it, and
    /// step 5 compares it with the one the helper serves.
    pub fn wants_bundle(&self) -> bool {
        matches!(self.view, StepId::Deliver | StepId::Recover)
            && checks::gate(
                StepId::Deliver,
                self.report().map(|r| &**r),
                &self.form,
                None,
            )
            .is_ok()
    }
}
