//! The DHCP server: hands phones option 150 (their TFTP server), safely, on an
//! isolated cable or beside a LAN's own DHCP server.
//!
//! # Layout
//!
//! - `lifeline_proto::dhcp`: the codec, the configuration, the pure policy
//!   and the lease table, without I/O.
//! - [`bind`]: a socket on one interface, as each system allows it.
//! - [`lease_file`]: the lease table's file in the data directory.
//! - [`probe`]: ICMP probes of addresses, and the search for another DHCP server.
//! - [`server`]: the thin tokio loop around the policy.
//! - [`neighbour`]: the ARP entry that lets a reply reach a client without an address.
//! - [`queue`]: DISCOVERs waiting for a probe slot (a room of phones at once).
//! - [`setup`]: `serve`'s flags → interface, socket, leases → a running loop.
//! - [`events`]: what the server tells the UI, on the channel TFTP uses.

pub mod bind;
pub mod events;
pub mod lease_file;
pub mod neighbour;
pub mod probe;
pub mod queue;
pub mod server;
pub mod setup;
