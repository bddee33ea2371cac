//! The sound and the notification when a phone finishes, and the permission
//! to notify.

use std::cell::RefCell;

use js_sys::Reflect;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AudioContext, Notification, NotificationOptions, NotificationPermission};
use yew::platform::spawn_local;
use yew::prelude::Callback;

use crate::live::Finish;
use crate::prefs::Permission;
use crate::state::Action;

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
