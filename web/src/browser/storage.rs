//! What this browser keeps: the choices (local storage), the settings, the
//! remembered passwords and the upgrade plan's choice kept with the firmware,
//! and this tab's step and fragment (session storage).

use super::address::show_fragment;
use crate::keep::{self, Restored};
use crate::permalink;
use crate::prefs::{PREFS_KEY, Prefs};
use crate::settings::Form;
use crate::step::StepId;
use crate::upgrade::Choice;

/// This browser's local storage, where the page may use it.
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// This tab's session storage, where the page may use it.
fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
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

/// What a reload brings back: the settings (from `fragment`, the address's
/// fragment without the token, or this browser's storage), the step, and the
/// plan's choice kept with the firmware.
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
        get(&local, keep::PLAN_KEY).as_deref(),
    )
}

/// Keeps the plan's choice with the kept firmware (the caller knows it is
/// kept).
pub fn save_choice(choice: &Choice) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(keep::PLAN_KEY, &keep::choice_encode(choice));
    }
}

/// Forgets the plan's choice, with the firmware it was for.
pub fn forget_choice() {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(keep::PLAN_KEY);
    }
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

/// Keeps the step on screen for a reload of this tab.
pub fn save_view(view: StepId) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(keep::VIEW_KEY, &keep::view_encode(view));
    }
}
