//! The websocket's text frames without serde_json: [`server_message`] reads
//! the helper's messages into the shared types; [`hello`], [`upload_begin`],
//! … write the page's. The browser uses these; the helper uses serde, and the
//! tests hold both directions to serde_json.
//!
//! Invariants:
//! - Every missing or mistyped field is a [`WireError`], never a default that
//!   could show something that was not said.
//! - Unknown message types, events, diagnoses and DHCP steps are reported as
//!   such ([`WireError::Unknown`], [`Event::Unknown`], …) so a newer helper does
//!   not break an older page. [`Event::ConfigServed`] is the tracker's own,
//!   never sent to a page (its words come on the card), so it is not read.
//! - Numbers are read as integers; the two float fields of a finished transfer
//!   (seconds, bytes per second) are read to the microsecond.
//!
//! Layout: `server` one frame by its type (hello, errors, status, uploads),
//! `event` the events, `phone` a phone's card, `read` the field readers they
//! share; `client` the page's messages.
//!
//! [`WireError`]: super::json::WireError
//! [`WireError::Unknown`]: super::json::WireError::Unknown
//! [`Event::Unknown`]: crate::events::Event::Unknown
//! [`Event::ConfigServed`]: crate::events::Event::ConfigServed

mod client;
mod event;
mod phone;
mod read;
mod server;

pub use client::{
    hello, phone_start, retry_phones, simulate_phones, upload_begin, upload_cancel, upload_commit,
};
pub use server::server_message;

#[cfg(test)]
mod tests;
