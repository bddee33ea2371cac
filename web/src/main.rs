//! Lifeline's browser app: recovers Cisco IP phones without a Call Manager.
//!
//! # Layout
//!
//! - [`state`]: the app state and every transition, as a pure reducer.
//! - [`intake`]: checking a selection, choosing the inspection and keeping the
//!   firmware bytes for the bundle (pure).
//! - [`settings`]: the network and configuration settings, checked, and the
//!   files they make; the choices kept in the browser (pure).
//! - [`permalink`]: the settings in a link's fragment, written and read (pure).
//! - [`format`]: sizes, times and words for the screen (pure).
//! - [`helper`]: the Lifeline helper as the page sees it: pairing, the
//!   connection, its status in words, and the bundle upload (pure).
//! - [`live`]: the phone cards and the log of step 5 (pure).
//! - [`problems`]: every problem now, with where it is fixed: the worst-issue
//!   bullet and its Problems list (pure).
//! - [`wire`]: the helper's websocket messages read and written without
//!   serde_json (pure).
//! - [`browser`]: reading files, the clock, focus, the clipboard, downloads,
//!   the page's address, the pairing token, stored choices, the finish sound
//!   and notification (browser calls).
//! - [`helper_link`]: the websocket to the helper (browser calls).
//! - [`components`]: small function components that render the state.

mod browser;
mod components;
mod format;
mod helper;
mod helper_link;
mod intake;
mod live;
mod permalink;
mod problems;
mod settings;
mod state;
mod wire;

fn main() {
    yew::Renderer::<components::App>::new().render();
}
