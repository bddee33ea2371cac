//! The jobs that read files: the firmware (chosen, dropped or kept in this
//! browser) read and inspected, and a phone list read for the table.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use lifeline_shared::firmware::inspect::InputFile;
use web_sys::File;
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::Callback;

use super::files::read;
use super::time::now_ms;
use crate::format;
use crate::intake::{self, Chosen, ReadFailure};
use crate::state::Action;

/// Reads and inspects `files` as job `ticket`, dispatching every step (a refused
/// input fails at once). The job stops early once `current` holds another ticket
/// (the person chose again, or started over).
///
/// With `keep`, usable firmware is kept in this browser for the next visit
/// ([`crate::idb`]) and unusable input forgets what was kept (the plan's
/// choice with it).
pub fn start_job(
    files: Result<Vec<File>, ReadFailure>,
    ticket: u64,
    current: Rc<Cell<u64>>,
    dispatch: Callback<Action>,
    keep: bool,
) {
    current.set(ticket);
    let files = match files {
        Ok(files) => files,
        Err(failure) => {
            dispatch.emit(Action::ReadFailed { ticket, failure });
            return;
        }
    };
    let chosen: Vec<Chosen> = files
        .iter()
        .map(|f| Chosen {
            name: f.name(),
            size: f.size() as u64,
        })
        .collect();
    let selection = match intake::check_selection(&chosen) {
        Ok(selection) => selection,
        Err(failure) => {
            dispatch.emit(Action::ReadFailed { ticket, failure });
            return;
        }
    };
    let label = selection.label.clone();
    dispatch.emit(Action::ReadStarted { ticket, selection });
    spawn_local(async move {
        let still_current = || current.get() == ticket;
        let mut inputs = Vec::with_capacity(files.len());
        for (i, file) in files.iter().enumerate() {
            match read(file).await {
                Ok(data) => inputs.push(InputFile {
                    name: file.name(),
                    data,
                }),
                Err(failure) => {
                    dispatch.emit(Action::ReadFailed { ticket, failure });
                    return;
                }
            }
            if !still_current() {
                return;
            }
            dispatch.emit(Action::FileRead {
                ticket,
                done: i + 1,
            });
        }
        dispatch.emit(Action::CheckStarted { ticket });
        // Let the browser paint "Checking…" before the inspection holds the thread.
        sleep(Duration::from_millis(16)).await;
        if !still_current() {
            return;
        }
        let name = inputs.first().map(|f| f.name.clone()).unwrap_or_default();
        let started = now_ms();
        // Packages (one or several): each inspected on its own, for the upgrade plan.
        let result = if intake::are_packages(&inputs) {
            intake::inspect_packages(inputs).map(|(r, f, p)| (r, f, Some(Rc::new(p))))
        } else {
            intake::inspect(&label, inputs)
                .map(|(r, f)| (Rc::new(r), Rc::new(f), None))
                .map_err(|e| (name, e))
        };
        let millis = now_ms() - started;
        let usable = result.is_ok();
        dispatch.emit(match result {
            Ok((report, firmware, packages)) => Action::Inspected {
                ticket,
                report,
                millis,
                firmware,
                packages,
            },
            Err((name, error)) => Action::InspectFailed {
                ticket,
                name,
                error,
            },
        });
        if keep && usable {
            let result = crate::idb::save(&files).await;
            dispatch.emit(Action::FirmwareKept { ticket, result });
        } else if keep {
            super::storage::forget_choice();
            let _ = crate::idb::forget().await;
        }
    });
}

/// Reads the firmware kept in this browser back as a new job (after a
/// reload), unless the person chose a file first (`current` moved on).
pub fn restore_firmware(current: Rc<Cell<u64>>, dispatch: Callback<Action>) {
    spawn_local(async move {
        let files = crate::idb::load().await;
        if files.is_empty() || current.get() != 0 {
            dispatch.emit(Action::NothingKept);
            return;
        }
        let ticket = 1;
        dispatch.emit(Action::Restoring(ticket));
        start_job(Ok(files), ticket, current, dispatch, false);
    });
}

/// Forgets the firmware kept in this browser and the plan's choice kept with
/// it, then dispatches that it is gone.
pub fn forget_firmware(dispatch: Callback<Action>) {
    super::storage::forget_choice();
    spawn_local(async move {
        if crate::idb::forget().await.is_ok() {
            dispatch.emit(Action::FirmwareForgotten);
        }
    });
}

/// Reads a chosen phone list (CSV or plain MACs) into the table: its text, or
/// why it could not be added.
pub fn import_phones(file: File, dispatch: Callback<Action>) {
    let max = lifeline_shared::config::phones::MAX_CSV as f64;
    if file.size() > max {
        dispatch.emit(Action::ImportFailed(format!(
            "`{}` is {}; a phone list is at most {}: split it",
            file.name(),
            format::size(file.size() as u64),
            format::size(max as u64)
        )));
        return;
    }
    spawn_local(async move {
        let action = match read(&file).await {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Action::ImportText(text),
                Err(e) => Action::ImportFailed(format!(
                    "`{}`: byte {} is not UTF-8 text; save the list as \"CSV UTF-8\"",
                    file.name(),
                    e.utf8_error().valid_up_to() + 1
                )),
            },
            Err(_) => Action::ImportFailed(format!(
                "the browser could not read `{}`; choose it again",
                file.name()
            )),
        };
        dispatch.emit(action);
    });
}
