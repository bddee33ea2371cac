//! The link to the helper: connecting, its messages folded in (the TFTP
//! address filled in from them, once), closing, and a refused token.

use std::rc::Rc;

use lifeline_shared::protocol::{CurrentBundle, ServerMessage};

use super::{Action, State};
use crate::checks;
use crate::clock::Clock;
use crate::live::Tone;
use crate::pairing::Link;

impl State {
    /// The state after a change on the link to the helper, or `None`.
    pub(super) fn next_link(&self, next: &mut State, action: Action) -> Option<()> {
        match action {
            Action::LinkConnecting { attempt } => {
                let link = Link::Connecting { attempt };
                if self.helper.link == link || matches!(self.helper.link, Link::Refused(_)) {
                    return None;
                }
                next.helper.link = link;
            }
            Action::LinkMessage { message, raw, at } => next.on_helper(*message, raw, at),
            Action::LinkGarbled { why, at } => next.helper.live.note(
                format!("The helper sent a message this page could not read ({why})."),
                Tone::Bad,
                at,
            ),
            Action::LinkClosed { retry_in_ms, at } => next.helper.on_closed(retry_in_ms, at),
            Action::LinkStale(at) => next.helper.on_stale(at),
            _ => return None,
        }
        Some(())
    }

    /// A message from the helper; the TFTP address filled in from it, once.
    fn on_helper(&mut self, message: ServerMessage, raw: Option<Rc<str>>, at: Clock) {
        let tftp_empty = self.form.tftp.trim().is_empty();
        if let Some(choice) = self.helper.on_message(message, raw, at, tftp_empty) {
            self.form.tftp = choice.address.to_string();
            self.helper.prefill = Some(choice);
            self.changed();
        }
        // A reload on step 5 returns there once the helper says it serves a
        // bundle, unless the kept firmware is being read back (its job shows
        // step 1 meanwhile, then returns). The return stays until the person
        // moves, so a read-back starting after this still comes back here.
        if let Some(view) = self.resume
            && self.restoring.is_none()
        {
            let report = self.report().map(|r| &**r);
            if checks::gate(view, report, &self.form, self.served()).is_ok() {
                self.view = view;
            }
        }
    }

    /// The bundle the helper last said it serves.
    pub fn served(&self) -> Option<&CurrentBundle> {
        self.helper.status.as_ref()?.bundle.as_ref()
    }
}
