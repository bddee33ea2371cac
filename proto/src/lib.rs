//! Lifeline's protocol cores: the TFTP and DHCP codecs and state machines,
//! and a simulated Cisco phone, with no sockets, no clock and no runtime.
//!
//! Every core is handed the time and the bytes that arrived, and says what to
//! send and when it next wants to be woken; the loops around them (sockets,
//! tokio, the clock) live in the helper. This crate builds for
//! `wasm32-unknown-unknown` and cannot see tokio or a socket, so the compiler
//! keeps the cores free of I/O, and the fuzz targets link only this and
//! `lifeline-shared`.
//!
//! The time each core is handed, one type per kind of clock:
//!
//! - monotonic: a [`tftp::time::Time`] (whole nanoseconds as a `u64`, so
//!   the arithmetic per datagram is integer arithmetic), for a TFTP session
//!   and for the simulated phone with its DHCP and TFTP clients;
//! - wall clock: whole seconds since the Unix epoch, for the DHCP policy and
//!   its lease table only, because a lease's expiry is stored and must stay
//!   meaningful after a restart.
//!
//! Nothing here reads a clock: the helper builds a `Time` from
//! `CLOCK_MONOTONIC` and the seconds from the system time, and tests from a
//! virtual clock.
//!
//! # Layout
//!
//! - [`tftp`]: the packet codec and one read transfer as a state machine;
//! - [`dhcp`]: the codec, the server's policy, its configuration and lease
//!   table;
//! - [`neighbour`]: CDP and LLDP-MED announcements, read from a frame;
//! - [`simulate`]: a Cisco phone's DHCP and TFTP clients and the checks of
//!   what it fetched, for `lifeline simulate`;
//! - `testkit` (tests, and feature `testkit` for other crates' tests):
//!   lease-table fixtures.

pub mod dhcp;
pub mod neighbour;
pub mod simulate;
pub mod tftp;

#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
