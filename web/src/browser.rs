//! The thin layer that talks to the browser: reading files, the clock, focus.
//!
//! Everything here maps browser failures to values (never `unwrap`); the decisions
//! are made in [`crate::intake`] and [`crate::state`]. It compiles natively too (so
//! `cargo clippy --all-targets` and `cargo test` see it), but only runs in a browser.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Reflect, Uint8Array};
use lifeline_shared::firmware::inspect::InputFile;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DataTransfer, File, FileList, HtmlElement};
use yew::NodeRef;
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::Callback;

use crate::intake::{self, Chosen, ReadFailure};
use crate::state::Action;

/// The files of a `FileList` (from the file input or a drop).
pub fn files_of(list: Option<FileList>) -> Vec<File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// What a drop holds: its files, or why they are refused (a folder among them).
pub fn dropped(dt: Option<DataTransfer>) -> Result<Vec<File>, ReadFailure> {
    let Some(dt) = dt else { return Ok(Vec::new()) };
    let items = dt.items();
    for i in 0..items.length() {
        let entry = items
            .get(i)
            .filter(|item| item.kind() == "file")
            .and_then(|item| item.webkit_get_as_entry().ok().flatten());
        if let Some(entry) = entry.filter(|e| e.is_directory()) {
            return Err(ReadFailure::Folder { name: entry.name() });
        }
    }
    Ok(files_of(dt.files()))
}

/// Milliseconds from `performance.now()`, or 0 where there is no clock.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Moves keyboard focus to the element (it needs `tabindex="-1"` unless it is a
/// control), which also scrolls it into view.
pub fn focus(node: &NodeRef) {
    if let Some(element) = node.cast::<HtmlElement>() {
        let _ = element.focus();
    }
}

/// Reads and inspects `files` as job `ticket`, dispatching every step (a refused
/// input fails at once). The job stops early once `current` holds another ticket
/// (the person chose again, or started over).
pub fn start_job(
    files: Result<Vec<File>, ReadFailure>,
    ticket: u64,
    current: Rc<Cell<u64>>,
    dispatch: Callback<Action>,
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
        let result = intake::inspect(&label, inputs);
        let millis = now_ms() - started;
        dispatch.emit(match result {
            Ok(report) => Action::Inspected {
                ticket,
                report: Rc::new(report),
                millis,
            },
            Err(error) => Action::InspectFailed {
                ticket,
                name,
                error,
            },
        });
    });
}

/// A file's bytes, through `Blob.arrayBuffer()`.
async fn read(file: &File) -> Result<Vec<u8>, ReadFailure> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| unreadable(file, &e))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

fn unreadable(file: &File, error: &JsValue) -> ReadFailure {
    let field = |name: &str| {
        Reflect::get(error, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let (kind, message) = if error.is_object() {
        (field("name"), field("message"))
    } else {
        (String::new(), error.as_string().unwrap_or_default())
    };
    ReadFailure::Unreadable {
        name: file.name(),
        kind,
        message,
    }
}

/// The input element behind an `input` or `change` event.
pub fn input_of(event: &web_sys::Event) -> Option<web_sys::HtmlInputElement> {
    event.target().and_then(|t| t.dyn_into().ok())
}
