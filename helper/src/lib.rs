//! The `lifeline` helper: a small native program that serves the Lifeline web app
//! on the local machine (and, later, does the same work from a terminal).
//!
//! The binary's entry point (`src/main.rs`) only parses flags, sets up logging and
//! the async runtime; the work lives in these modules.

pub mod bundles;
pub mod control;
pub mod dhcp;
pub mod events;
pub mod inspect_cmd;
pub mod plane;
pub mod prep_cmd;
pub mod simulate;
pub mod store;
pub mod tftp;
pub mod web;
