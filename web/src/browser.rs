//! The thin layer that talks to the browser: reading files, the clock, focus, the
//! clipboard, downloads, the page's address, the pairing token, the choices
//! kept in local storage, and the sound and notification when a phone finishes
//! (the websocket is in [`crate::helper_link`]).
//!
//! Everything here maps browser failures to values (never `unwrap`); the decisions
//! are made in [`crate::intake`], [`crate::settings`] and [`crate::state`]. It
//! compiles natively too (so `cargo clippy --all-targets` and `cargo test` see it),
//! but only runs in a browser.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Array, Reflect, Uint8Array};
use lifeline_shared::bundle::{self, Bundle};
use lifeline_shared::firmware::inspect::{InputFile, Report};
use lifeline_shared::manifest_json;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AudioContext, Blob, BlobPropertyBag, Clipboard, DataTransfer, File, FileList, HtmlElement,
    Notification, NotificationOptions, NotificationPermission, Url,
};
use yew::NodeRef;
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::Callback;

use crate::bundle::{BundleKey, Saved};
use crate::clock::Clock;
use crate::copy::{CopyNote, CopyOutcome, CopyTarget};
use crate::format;
use crate::intake::{self, Chosen, Firmware, Packages, ReadFailure};
use crate::keep::{self, Restored};
use crate::live::Finish;
use crate::pairing::{self, TOKEN_KEY};
use crate::permalink;
use crate::prefs::{PREFS_KEY, Permission, Prefs};
use crate::settings::{self, Form};
use crate::state::Action;
use crate::step::StepId;
use crate::upgrade::Choice;

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

/// The moment, on the page's monotonic clock and as local time.
pub fn clock() -> Clock {
    let now = js_sys::Date::now();
    let offset_min = js_sys::Date::new_0().get_timezone_offset();
    Clock {
        mono: now_ms().max(0.0) as u64,
        local: (now - offset_min * 60_000.0).max(0.0) as u64,
    }
}

/// The pairing token and the rest of the fragment. A token in the address the
/// helper printed (`#token=…`) is kept for this tab (session storage) and taken
/// out of the address bar, so it is never copied along with the page's link; the
/// settings part of the fragment (`#s=1&…`) stays. Without one in the address,
/// the tab's stored token (after a reload) is used.
pub fn pairing() -> (Option<String>, String) {
    let (token, rest) = pairing::split_token(&location_hash());
    let Some(window) = web_sys::window() else {
        return (None, rest);
    };
    let storage = window.session_storage().ok().flatten();
    match token {
        Some(token) => {
            if let Some(storage) = &storage {
                let _ = storage.set_item(TOKEN_KEY, &token);
            }
            let location = window.location();
            let mut address = format!(
                "{}{}",
                location.pathname().unwrap_or_default(),
                location.search().unwrap_or_default()
            );
            if !rest.is_empty() {
                address.push('#');
                address.push_str(&rest);
            }
            if let Ok(history) = window.history() {
                let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&address));
            }
            (Some(token), rest)
        }
        None => {
            let stored = storage
                .and_then(|s| s.get_item(TOKEN_KEY).ok().flatten())
                .filter(|t| pairing::valid_token(t));
            (stored, rest)
        }
    }
}

/// The websocket address of the helper that served this page, for `token`.
pub fn socket_url(token: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let host = location.host().ok().filter(|h| !h.is_empty())?;
    let protocol = location.protocol().ok()?;
    Some(pairing::socket_url(&protocol, &host, token))
}

/// Scrolls an element to its end.
pub fn scroll_to_end(node: &NodeRef) {
    if let Some(element) = node.cast::<web_sys::Element>() {
        element.set_scroll_top(element.scroll_height());
    }
}

/// Moves keyboard focus to the element (it needs `tabindex="-1"` unless it is a
/// control), which also scrolls it into view.
pub fn focus(node: &NodeRef) {
    if let Some(element) = node.cast::<HtmlElement>() {
        let _ = element.focus();
    }
}

/// Moves keyboard focus to the element with this id, if there is one.
pub fn focus_id(id: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// The text of the input with this id, trimmed (empty when there is none).
pub fn input_value(id: &str) -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|i| i.value().trim().to_string())
        .unwrap_or_default()
}

/// Opens the helper pill's details and moves focus to it.
pub fn open_pill() {
    let pill = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("helper-pill"));
    if let Some(pill) = pill {
        let _ = pill.set_attribute("open", "");
    }
    focus_id("helper-pill-summary");
}

/// Closes the helper pill's panel when the person clicks outside it or moves the
/// focus out of it, and on Escape (the focus then goes back to the pill), so the
/// panel never stays over the steps. Installed once, for the page's life.
pub fn close_pill_when_leaving() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let open_pill = |document: &web_sys::Document| {
        document
            .get_element_by_id("helper-pill")
            .filter(|pill| pill.has_attribute("open"))
    };
    for kind in ["click", "focusin"] {
        let doc = document.clone();
        let leave = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let Some(pill) = open_pill(&doc) else { return };
            let target = e.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            if !pill.contains(target.as_ref()) {
                let _ = pill.remove_attribute("open");
            }
        });
        // Capture: before any handler of the target, which may open it again.
        let _ = document.add_event_listener_with_callback_and_bool(
            kind,
            leave.as_ref().unchecked_ref(),
            true,
        );
        leave.forget();
    }
    let doc = document.clone();
    let escape =
        Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
            if e.key() == "Escape"
                && let Some(pill) = open_pill(&doc)
            {
                let _ = pill.remove_attribute("open");
                focus_id("helper-pill-summary");
            }
        });
    let _ = document.add_event_listener_with_callback("keydown", escape.as_ref().unchecked_ref());
    escape.forget();
}

/// This browser's local storage, where the page may use it.
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The choices kept in this browser (off when there is no storage).
pub fn load_prefs() -> Prefs {
    local_storage()
        .and_then(|s| s.get_item(PREFS_KEY).ok().flatten())
        .map(|text| Prefs::decode(&text))
        .unwrap_or_default()
}

/// Keeps `prefs` in this browser (quietly nothing where storage is refused).
pub fn save_prefs(prefs: Prefs) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(PREFS_KEY, &prefs.encode());
    }
}

/// Whether this page may show notifications. Without the Notification API (an
/// insecure page, an old browser) even reading the permission would throw.
pub fn notify_permission() -> Permission {
    let Some(window) = web_sys::window() else {
        return Permission::Unsupported;
    };
    if !Reflect::has(&window, &JsValue::from_str("Notification")).unwrap_or(false) {
        return Permission::Unsupported;
    }
    Permission::of(Some(match Notification::permission() {
        NotificationPermission::Granted => "granted",
        NotificationPermission::Denied => "denied",
        _ => "default",
    }))
}

/// Asks the person whether this page may notify (call it from the click that
/// turns notifications on), then dispatches the answer.
pub fn ask_notify(dispatch: Callback<Action>) {
    if notify_permission() == Permission::Unsupported {
        dispatch.emit(Action::NotifyAnswered(Permission::Unsupported));
        return;
    }
    let Ok(promise) = Notification::request_permission() else {
        dispatch.emit(Action::NotifyAnswered(notify_permission()));
        return;
    };
    spawn_local(async move {
        let answer = JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_string());
        let permission = match answer {
            Some(a) => Permission::of(Some(&a)),
            None => notify_permission(),
        };
        dispatch.emit(Action::NotifyAnswered(permission));
    });
}

/// Shows a notification; a newer one for the same phone (`tag`) replaces it.
pub fn notify(title: &str, body: &str, tag: &str) {
    if notify_permission() != Permission::Granted {
        return;
    }
    let options = NotificationOptions::new();
    options.set_body(body);
    options.set_tag(tag);
    let _ = Notification::new_with_options(title, &options);
}

thread_local! {
    /// One audio context for the page: browsers limit how many there may be.
    static AUDIO: RefCell<Option<AudioContext>> = const { RefCell::new(None) };
}

/// Plays the finish sound: two short sine tones made here with the Web Audio
/// API (no audio file, so it works offline), rising for a recovered phone and
/// falling for a failed one. Call it once from a click first, so the browser
/// lets the page play sound later.
pub fn chime(finish: Finish) {
    let _ = try_chime(finish);
}

fn try_chime(finish: Finish) -> Result<(), JsValue> {
    let ctx = AUDIO.with(|audio| {
        let mut audio = audio.borrow_mut();
        if audio.is_none() {
            *audio = AudioContext::new().ok();
        }
        audio.clone()
    });
    let ctx = ctx.ok_or(JsValue::NULL)?;
    // A context made before the person used the page starts suspended.
    let _ = ctx.resume();
    let notes: [f32; 2] = match finish {
        Finish::Recovered => [659.3, 880.0],
        Finish::Failed => [440.0, 329.6],
    };
    let t0 = ctx.current_time() + 0.02;
    for (i, frequency) in notes.into_iter().enumerate() {
        let start = t0 + i as f64 * 0.18;
        let osc = ctx.create_oscillator()?;
        osc.frequency().set_value(frequency);
        let gain = ctx.create_gain()?;
        let level = gain.gain();
        level.set_value_at_time(0.0, start)?;
        level.linear_ramp_to_value_at_time(0.2, start + 0.02)?;
        level.exponential_ramp_to_value_at_time(0.0001, start + 0.3)?;
        osc.connect_with_audio_node(&gain)?;
        gain.connect_with_audio_node(&ctx.destination())?;
        osc.start_with_when(start)?;
        osc.stop_with_when(start + 0.32)?;
    }
    Ok(())
}

/// Reads and inspects `files` as job `ticket`, dispatching every step (a refused
/// input fails at once). The job stops early once `current` holds another ticket
/// (the person chose again, or started over).
///
/// With `keep`, usable firmware is kept in this browser for the next visit
/// ([`crate::idb`]) and unusable input forgets what was kept.
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
        // Several packages: each inspected on its own, for the upgrade plan.
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
            let _ = crate::idb::forget().await;
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

/// The textarea behind an `input` event.
pub fn textarea_of(event: &web_sys::Event) -> Option<web_sys::HtmlTextAreaElement> {
    event.target().and_then(|t| t.dyn_into().ok())
}

/// The page's fragment (`#s=1&…`), or an empty string.
pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// This tab's session storage, where the page may use it.
fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// What a reload brings back: the settings (from `fragment`, the address's
/// fragment without the token, or this browser's storage), and the step.
pub fn load_restored(fragment: &str) -> Restored {
    let local = local_storage();
    let get = |s: &Option<web_sys::Storage>, key: &str| {
        s.as_ref().and_then(|s| s.get_item(key).ok().flatten())
    };
    let session = session_storage();
    keep::restore(
        fragment,
        get(&session, keep::FRAGMENT_KEY).as_deref(),
        get(&local, keep::SETTINGS_KEY).as_deref(),
        get(&local, keep::PASSWORDS_KEY).as_deref(),
        get(&session, keep::VIEW_KEY).as_deref(),
    )
}

/// Keeps the settings in this browser and in the address bar's fragment (so
/// a bookmark holds them); the passwords are stored only with `remember`, and
/// removed without it. Returns the fragment written.
pub fn save_settings(form: &Form, remember: bool) -> String {
    let fragment = permalink::encode(form);
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(keep::SETTINGS_KEY, &fragment);
        let passwords = keep::passwords_encode(form);
        if remember && !passwords.is_empty() {
            let _ = storage.set_item(keep::PASSWORDS_KEY, &passwords);
        } else {
            let _ = storage.remove_item(keep::PASSWORDS_KEY);
        }
    }
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(keep::FRAGMENT_KEY, &fragment);
    }
    show_fragment(&fragment);
    fragment
}

/// Puts `fragment` in the address bar (without a history entry or a
/// `hashchange`), unless it is there already.
pub fn show_fragment(fragment: &str) {
    if let Some(window) = web_sys::window()
        && location_hash().trim_start_matches('#') != fragment
    {
        let address = format!("{}#{fragment}", page_address());
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&address));
        }
    }
}

/// Keeps the step on screen for a reload of this tab.
pub fn save_view(view: StepId) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(keep::VIEW_KEY, &keep::view_encode(view));
    }
}

/// Calls `on_change` with what [`pairing`] reads whenever the address's
/// fragment is changed by hand (an address pasted into this tab): a new
/// pairing token is stored and taken out of the address bar first. Installed
/// once, for the page's life.
pub fn on_hash_change(on_change: Callback<(Option<String>, String)>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
        let (token, rest) = pairing::split_token(&location_hash());
        // Only a token in the address itself counts, not the stored one.
        let token = token.and_then(|_| pairing().0);
        on_change.emit((token, rest));
    });
    let _ =
        window.add_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
    listener.forget();
}

/// Whether the helper that served this page answers `probe` (`/ws?token=…`)
/// with 403: it is up, but refuses the token. A helper that does not answer
/// is not refusing.
pub async fn refused_token(probe: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Ok(response) = JsFuture::from(window.fetch_with_str(probe)).await else {
        return false;
    };
    response
        .dyn_into::<web_sys::Response>()
        .is_ok_and(|r| r.status() == 403)
}

/// Forgets the firmware kept in this browser, then dispatches that it is gone.
pub fn forget_firmware(dispatch: Callback<Action>) {
    spawn_local(async move {
        if crate::idb::forget().await.is_ok() {
            dispatch.emit(Action::FirmwareForgotten);
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

/// The page's address without its fragment, to put a fragment after.
pub fn page_address() -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    match href.split_once('#') {
        Some((page, _)) => page.to_string(),
        None => href,
    }
}

/// Copies `text` to the clipboard and dispatches how it went. Where the browser
/// has no clipboard (a page not served over https or from this computer) or
/// refuses, the text in `fallback` is selected instead, ready for Ctrl+C.
pub fn copy(text: String, target: CopyTarget, fallback: NodeRef, dispatch: Callback<Action>) {
    let clipboard = web_sys::window()
        .and_then(|w| Reflect::get(&w.navigator(), &JsValue::from_str("clipboard")).ok())
        .filter(|c| c.is_object())
        .and_then(|c| c.dyn_into::<Clipboard>().ok());
    spawn_local(async move {
        let outcome = match clipboard {
            None => CopyOutcome::Unavailable,
            Some(c) => match JsFuture::from(c.write_text(&text)).await {
                Ok(_) => CopyOutcome::Copied,
                Err(_) => CopyOutcome::Refused,
            },
        };
        if outcome != CopyOutcome::Copied {
            select(&fallback);
        }
        dispatch.emit(Action::Copied(CopyNote { target, outcome }));
    });
}

/// Selects the text of an element (or the whole value of an input), for Ctrl+C.
fn select(node: &NodeRef) {
    // `NodeRef::cast` does not check the element's type: ask the node itself.
    let Some(element) = node.get() else {
        return;
    };
    if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
        input.select();
        return;
    }
    if let Some(selection) = web_sys::window().and_then(|w| w.get_selection().ok().flatten()) {
        let _ = selection.select_all_children(&element);
    }
}

/// Offers `data` as a download named `name`: a Blob, an object URL and a
/// temporary `<a download>`; the URL is revoked once the browser has taken it.
pub fn download(name: &str, data: &[u8], mime: &str) -> Result<(), String> {
    let fail = |what: &str, e: JsValue| {
        let detail = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default();
        format!("the browser could not {what} ({detail})")
    };
    let window = web_sys::window().ok_or("there is no browser window")?;
    let document = window.document().ok_or("there is no document")?;
    let parts = Array::of1(&Uint8Array::from(data));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|e| fail("hold the file", e))?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|e| fail("hold the file", e))?;
    let link = document
        .create_element("a")
        .map_err(|e| fail("make the link", e))?;
    let clicked = link
        .set_attribute("href", &url)
        .and_then(|()| link.set_attribute("download", name))
        .map_err(|e| fail("make the link", e))
        .and_then(|()| {
            let body = document.body().ok_or("there is no page body")?;
            body.append_child(&link)
                .map_err(|e| fail("make the link", e))?;
            link.dyn_ref::<HtmlElement>()
                .ok_or("the link is not an element")?
                .click();
            link.remove();
            Ok(())
        });
    // The download has started; the URL may go once the browser has read it.
    spawn_local(async move {
        sleep(Duration::from_secs(30)).await;
        let _ = Url::revoke_object_url(&url);
    });
    clicked
}

/// Builds the bundle for `key` off the click, dispatching its start and result;
/// with several packages, the plan's hops and `lifeline-plan.json` go beside the
/// target's files ([`crate::upgrade::with_plan`]).
pub fn build_bundle(
    report: Rc<Report>,
    firmware: Rc<Firmware>,
    plan: Option<(Rc<Packages>, Choice)>,
    form: Form,
    options: bundle::Options,
    key: BundleKey,
    dispatch: Callback<Action>,
) {
    dispatch.emit(Action::BundleStarted(key));
    spawn_local(async move {
        // Let "Preparing…" paint before the hashing holds the thread.
        sleep(Duration::from_millis(16)).await;
        let result = settings::bundle_inputs(Some(&report), &form)
            .map_err(str::to_string)
            .and_then(|(settings, sip)| {
                let files = firmware.bundle_files(&report).map_err(|e| e.to_string())?;
                let one = bundle::build_with_options(&report, files, &settings, &sip, options)
                    .map_err(|e| e.to_string())?;
                match &plan {
                    Some((packages, choice)) => {
                        crate::upgrade::with_plan(one, &report, packages, choice)
                    }
                    None => Ok(one),
                }
                .map(Rc::new)
            });
        dispatch.emit(Action::BundleBuilt { key, result });
    });
}

/// The file name a bundle is offered under.
pub fn bundle_name(bundle: &Bundle) -> String {
    let load = bundle.manifest.load.as_deref().unwrap_or("firmware");
    format!("lifeline-bundle-{load}.zip")
}

/// Zips the bundle and offers it as a download, dispatching how it went.
pub fn save_bundle(bundle: &Bundle, key: BundleKey, dispatch: &Callback<Action>) {
    let name = bundle_name(bundle);
    let result = manifest_json::zip(bundle)
        .map_err(|e| e.to_string())
        .and_then(|zip| {
            download(&name, &zip, "application/zip")?;
            Ok(Saved {
                name,
                size: zip.len() as u64,
            })
        })
        .map_err(|why| format::sentence(&format!("The zip could not be saved: {why}")));
    dispatch.emit(Action::BundleSaved { key, result });
}
