//! The settings as typed: the TFTP and call-control fields, the DHCP server
//! shown, the decode box, copies, step 4's recovery copies, and a link's
//! settings.

use super::{Action, State};
use crate::permalink::Notice;
use crate::settings::Form;

impl State {
    /// The state after an edit of the settings, or `None`.
    pub(super) fn next_form(&self, next: &mut State, action: Action) -> Option<()> {
        match action {
            Action::SetTftp(text) => {
                next.edit(|f| &mut f.tftp, text)?;
                next.copy = None;
            }
            Action::ChooseServer(server) if server != self.server => {
                next.server = server;
                next.copy = None;
            }
            Action::SetDecode(text) if text != self.decode => next.decode = text,
            Action::Copied(note) => next.copy = Some(note),
            Action::SetCallManagers(text) => next.edit(|f| &mut f.call_managers, text)?,
            Action::SetRecoveryCopies(on) if on != next.recovery_copies => {
                next.recovery_copies = on;
                next.changed();
            }
            Action::SetRecoveryCopies(_) => return None,
            Action::LinkOpened(Ok(form)) => {
                next.form = form;
                next.changed();
                next.notice = Some(Notice::Restored);
            }
            Action::LinkOpened(Err(e)) => next.notice = Some(Notice::Damaged(e.message())),
            Action::DismissNotice if self.notice.is_some() => next.notice = None,
            _ => return None,
        }
        Some(())
    }

    /// Sets a settings field; `None` when it did not change.
    fn edit(&mut self, field: impl Fn(&mut Form) -> &mut String, text: String) -> Option<()> {
        let slot = field(&mut self.form);
        if *slot == text {
            return None;
        }
        *slot = text;
        self.changed();
        Some(())
    }
}
