//! The phone list: its cells and rows, the paste box, imports and the export.

use super::{Action, State};
use crate::settings::PhoneRow;
use crate::settings::import::{self, ImportNote};

impl State {
    /// The state after a change to the phone list, or `None`.
    pub(super) fn next_phones(&self, next: &mut State, action: Action) -> Option<()> {
        match action {
            Action::SetPaste(text) if text != self.paste => next.paste = text,
            Action::ImportPaste => {
                if next.import_text(&self.paste) {
                    next.paste.clear();
                }
            }
            Action::ImportText(text) => {
                next.import_text(&text);
            }
            Action::ImportFailed(why) => next.import = Some(ImportNote::Refused(why)),
            Action::SetCell { row, column, value } => {
                let r = next.form.rows.get_mut(row)?;
                if r.get(column) == value {
                    return None;
                }
                r.set(column, value);
                next.changed();
            }
            Action::AddRow => {
                next.form.rows.push(PhoneRow::default());
                next.changed();
            }
            Action::RemoveRow(row) if row < self.form.rows.len() => {
                next.form.rows.remove(row);
                next.changed();
            }
            Action::PhonesExported(failed) if failed != self.export_failed => {
                next.export_failed = failed;
            }
            Action::ClearRows if !self.form.rows.is_empty() => {
                next.form.rows.clear();
                next.import = None;
                next.changed();
            }
            _ => return None,
        }
        Some(())
    }

    /// Adds the rows `text` gives to the phone list, or says why not; whether
    /// it added them.
    fn import_text(&mut self, text: &str) -> bool {
        match import::import(text, self.form.rows.len()) {
            Ok(added) => {
                self.import = Some(ImportNote::Added {
                    rows: added.rows.len(),
                    notes: added.notes,
                });
                self.form.rows.extend(added.rows);
                self.changed();
                true
            }
            Err(why) => {
                self.import = Some(ImportNote::Refused(why));
                false
            }
        }
    }
}
