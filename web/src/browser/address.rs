//! The page's address: the pairing token and the settings in its fragment, the
//! helper's websocket address, and whether the helper refuses the token.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use yew::prelude::Callback;

use crate::pairing::{self, TOKEN_KEY};

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

/// The page's fragment (`#s=1&…`), or an empty string.
pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
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

/// Calls `on_change` with what [`pairing()`] reads whenever the address's
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
