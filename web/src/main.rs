//! Lifeline's browser app: recovers Cisco IP phones without a Call Manager.
//!
//! # Layout
//!
//! - [`state`]: the app state and every transition, as a pure reducer.
//! - [`intake`]: checking a selection, choosing the inspection and keeping the
//!   firmware bytes for the bundle (pure).
//! - [`settings`]: the network and configuration settings, checked, and the
//!   files they make (pure).
//! - [`permalink`]: the settings in a link's fragment, written and read (pure).
//! - [`format`]: sizes, times and words for the screen (pure).
//! - [`browser`]: reading files, the clock, focus, the clipboard, downloads and
//!   the page's address (the only browser calls).
//! - [`components`]: small function components that render the state.

mod browser;
mod components;
mod format;
mod intake;
mod permalink;
mod settings;
mod state;

fn main() {
    yew::Renderer::<components::App>::new().render();
}
