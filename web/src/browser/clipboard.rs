//! The clipboard, with a selected text where the browser has none.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Clipboard;
use yew::NodeRef;
use yew::platform::spawn_local;
use yew::prelude::Callback;

use crate::copy::{CopyNote, CopyOutcome, CopyTarget};
use crate::state::Action;

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
