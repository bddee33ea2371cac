//! The page's elements: scrolling, focus, the inputs behind events, and the
//! helper pill's panel.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::HtmlElement;
use yew::NodeRef;

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

/// The input element behind an `input` or `change` event.
pub fn input_of(event: &web_sys::Event) -> Option<web_sys::HtmlInputElement> {
    event.target().and_then(|t| t.dyn_into().ok())
}

/// The textarea behind an `input` event.
pub fn textarea_of(event: &web_sys::Event) -> Option<web_sys::HtmlTextAreaElement> {
    event.target().and_then(|t| t.dyn_into().ok())
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
