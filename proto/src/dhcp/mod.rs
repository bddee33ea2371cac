//! DHCP without I/O: the codec, the server's decisions and its lease table.
//!
//! # Layout
//!
//! - [`field`]: the byte ranges of a message, named once;
//! - [`options`]: the one walker over options (code, data);
//! - [`wire`]: the checked view of a client's datagram
//!   ([`wire::ClientMessage`]), the only door for untrusted bytes into the
//!   policy, and [`wire::emit`] for replies (`dhcproto` does the encoding);
//! - [`reply`]: the checked view of a server's reply
//!   ([`reply::ServerReply`]), for clients and for probes of other servers;
//! - [`client_id`]: whose a lease is: option 61 when sent, the MAC otherwise;
//! - [`config`]: whom to answer, subnet, range, reservations, checked once;
//! - [`vendor`]: option 60 and the MAC → `7961`, `SEP<MAC>`;
//! - [`policy`]: the pure decision: message + lease table + config + time →
//!   reply, lease changes, events, probe request;
//! - [`leases`]: the lease table and its file's bytes.

pub mod client_id;
pub mod config;
pub mod field;
pub mod leases;
pub mod options;
pub mod policy;
pub mod reply;
pub mod vendor;
pub mod wire;

#[cfg(test)]
mod policy_tests;
