//! Lifeline's pure logic, shared by the browser app and the native helper.
//!
//! Nothing here does I/O, spawns threads or reads the clock: every function takes
//! bytes and returns values, so the same code runs natively and in WebAssembly and
//! can be fuzzed.
//!
//! # Layout
//!
//! - [`firmware`]: firmware archives ([`firmware::archive`]), Call Manager packages
//!   (`.cop.sgn`, `.tar.gz`: [`firmware::package`]), the Cisco signed-file header
//!   ([`firmware::signed`]), `.loads` manifests ([`firmware::manifest`]),
//!   build numbers ([`firmware::version`]) and the inspection report a person reads
//!   ([`firmware::inspect`]).
//! - [`config`]: `XMLDefault.cnf.xml` and `SEP<MAC>.cnf.xml`, written and checked.
//! - [`dhcp`]: option 150 (and 66) encoded, decoded and written for every DHCP server.
//! - [`events`]: TFTP and DHCP events and per-phone summaries, as they travel.
//! - [`advice`]: each diagnosis in words (title, why, fix), for the page and
//!   `lifeline simulate` alike.
//! - [`tracker`]: events and the bundle's manifests folded into one summary per
//!   phone, with a diagnosis in plain words when it is stuck.
//! - [`protocol`]: the browser ↔ helper websocket messages and chunk frames, and
//!   the JSON codec the browser reads and writes them with.
//! - [`models`]: the catalogue of phone models, families and device-type ids.
//! - [`finding`]: severities, stable codes and the [`finding::Finding`] type every
//!   check returns.
//! - [`bundle`]: what a prepared TFTP root holds, and its `lifeline-bundle.json`.
//! - [`zipwrite`]: a small stored-zip writer for bundle downloads.
//! - [`crc32`]: the CRC-32 of zip entries, gzip members and websocket chunk frames.
//! - [`inflate`]: raw deflate (zip entries) and gzip members (packages).
//! - [`sort`]: stable sorting through one compiled copy of the sort.
//! - [`manifest_json`]: `lifeline-bundle.json` and the bundle zip without serde
//!   (the same bytes), for the browser.
//! - [`testkit`] (feature `testkit`): builders for synthetic signed files and zips;
//!   `testkit79` the 7940/7960 packages (zip and `.cop.sgn`).

pub mod advice;
pub mod bundle;
pub mod config;
pub mod crc32;
pub mod dhcp;
pub mod events;
pub mod finding;
pub mod firmware;
pub mod inflate;
pub mod manifest_json;
pub mod models;
pub mod plan;
pub mod protocol;
pub mod size;
pub mod sort;
pub mod sorted;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit79;
pub mod tracker;
pub mod zipwrite;
