//! The DHCP server: hands phones option 150 (their TFTP server), safely, on an
//! isolated cable or beside a LAN's own DHCP server.
//!
//! # Layout
//!
//! - [`wire`]: the checked view of a datagram ([`wire::ClientMessage`]); the
//!   only door for untrusted bytes. `dhcproto` does the encoding.
//! - [`config`]: modes, subnet, range, reservations, checked once.
//! - [`vendor`]: option 60 and the MAC → `7961`, `SEP<MAC>`.
//! - [`policy`]: the pure decision: message + lease table + config + time →
//!   reply, lease changes, events, probe request.
//! - [`leases`]: the lease table and its file in the data directory.
//! - [`probe`]: ICMP probes of addresses, and the search for another DHCP server.
//! - [`server`]: the thin tokio loop around the policy.
//! - [`setup`]: `serve`'s flags → interface, socket, leases → a running loop.
//! - [`events`]: what the server tells the UI, on the channel TFTP uses.

pub mod config;
pub mod events;
pub mod leases;
pub mod policy;
pub mod probe;
pub mod server;
pub mod setup;
pub mod vendor;
pub mod wire;

#[cfg(test)]
mod policy_tests;
