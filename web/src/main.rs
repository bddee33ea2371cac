//! Lifeline's browser app: recovers Cisco IP phones without a Call Manager.
//!
//! # Layout
//!
//! - [`state`]: the app state and every transition, as a pure reducer.
//! - [`intake`]: checking a selection and choosing the inspection (pure).
//! - [`format`]: sizes, times and words for the screen (pure).
//! - [`browser`]: reading files, the clock and focus (the only browser calls).
//! - [`components`]: small function components that render the state.

mod browser;
mod components;
mod format;
mod intake;
mod state;

fn main() {
    yew::Renderer::<components::App>::new().render();
}
