//! Lifeline's browser app: recovers Cisco IP phones without a Call Manager.
//!
//! # Layout
//!
//! Imports run one way, bottom up:
//!
//! - Leaves: [`clock`] (the one clock), [`step`] (the five steps),
//!   [`bundle`] (the bundle's key and job), [`copy`], [`format`](mod@format) (sizes, times
//!   and words for the screen).
//! - Domain, each pure: [`settings`] (the settings, checked, and the files they
//!   make), [`prefs`] (the choices kept in the browser), [`keep`] (what a reload
//!   brings back), [`permalink`] (the
//!   settings in a link), [`intake`] (a selection checked, inspected, and the
//!   firmware job's phase; several packages each on its own), [`upgrade`] (the
//!   upgrade plan's target and start, and the bundle with every hop), [`pairing`] (the token and the connection),
//!   [`interfaces`] (the helper's network in words), [`upload`] (the send as
//!   shown) and [`uploader`] (its pacing), [`live`] (the phone cards and the
//!   log of step 5).
//! - [`helper`]: the helper as the page sees it, fed by the websocket; [`pill`]:
//!   what the helper pill in the top bar says of it.
//! - [`checks`]: each area's problems, from the form, a report, the live view.
//! - [`state`]: the app state, the actions and the reducer, nothing more.
//! - Selectors: [`stepper`] (the steps, their marks, the verdict, the status
//!   line) and [`problems`] (every problem now, worst first).
//! - Browser calls: [`browser`] (files, the clock, focus, the clipboard,
//!   downloads, the address, stored choices and settings, sound and
//!   notification), [`helper_link`] (the websocket) and [`idb`] (the firmware
//!   kept in this browser).
//! - [`components`]: small function components that render the state.

// The floor build renders none of the app.
#![cfg_attr(feature = "floor", allow(dead_code, unused_imports))]

mod browser;
mod bundle;
mod checks;
mod clock;
mod components;
mod copy;
mod format;
mod helper;
mod helper_link;
mod idb;
mod intake;
mod interfaces;
mod keep;
mod live;
mod pairing;
mod permalink;
mod pill;
mod prefs;
mod problems;
mod settings;
mod state;
mod step;
mod stepper;
#[cfg(test)]
mod test_support;
mod upgrade;
mod upload;
mod uploader;

#[cfg(not(feature = "floor"))]
fn main() {
    yew::Renderer::<components::App>::new().render();
}

/// The size floor (`cargo xtask size`): Yew, wasm-bindgen and the allocator
/// with one stateful button, built like the app; what any Yew page costs.
#[cfg(feature = "floor")]
fn main() {
    #[yew::function_component]
    fn Floor() -> yew::Html {
        let count = yew::use_state(|| 0_u32);
        let onclick = {
            let count = count.clone();
            yew::Callback::from(move |_: web_sys::MouseEvent| count.set(*count + 1))
        };
        yew::html! { <button {onclick}>{ format!("Lifeline {}", *count) }</button> }
    }
    yew::Renderer::<Floor>::new().render();
}
