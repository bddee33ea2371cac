//! The thin layer that talks to the browser: reading files, the clock, focus, the
//! clipboard, downloads, the page's address, the pairing token, the choices
//! kept in local storage, and the sound and notification when a phone finishes
//! (the websocket is in [`crate::helper_link`]).
//!
//! Everything here maps browser failures to values (never `unwrap`); the decisions
//! are made in [`crate::intake`], [`crate::settings`] and [`crate::state`]. It
//! compiles natively too (so `cargo clippy --all-targets` and `cargo test` see it),
//! but only runs in a browser.
//!
//! # Layout
//!
//! - [`files`]: the files of an input or a drop, and their bytes.
//! - [`time`]: the clock.
//! - [`page`]: scrolling, focus, inputs, the helper pill's panel.
//! - [`address`]: the pairing token and the settings in the address.
//! - [`storage`]: the choices, settings and step kept in this browser.
//! - [`alert`]: the sound and the notification when a phone finishes.
//! - [`clipboard`] and [`download`](mod@download): text and files handed out of the page.
//! - [`jobs`]: the firmware and a phone list read (and inspected) off the click.
//! - [`bundle`]: the bundle built, zipped and offered.
//!
//! The rest of the app calls these through the re-exports below
//! (`browser::focus`, `browser::start_job`).

mod address;
mod alert;
mod bundle;
mod clipboard;
mod download;
mod files;
mod jobs;
mod page;
mod storage;
mod time;

pub use address::{
    on_hash_change, page_address, pairing, refused_token, show_fragment, socket_url,
};
pub use alert::{ask_notify, chime, notify, notify_permission};
pub use bundle::{build_bundle, bundle_name, save_bundle};
pub use clipboard::copy;
pub use download::download;
pub use files::{dropped, files_of};
pub use jobs::{forget_firmware, import_phones, restore_firmware, start_job};
pub use page::{
    close_pill_when_leaving, focus, focus_id, input_of, input_value, open_pill, scroll_to_end,
    textarea_of,
};
pub use storage::{load_prefs, load_restored, save_choice, save_prefs, save_settings, save_view};
pub use time::clock;
