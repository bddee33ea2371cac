//! A Cisco phone on the wire, without the wire: the state machines of
//! `lifeline simulate`, handed the time and the datagrams that arrived.
//!
//! # Layout
//!
//! - [`spec`]: which phone, doing what ([`spec::Scenario`]: recovery or
//!   boot), and how it finds its TFTP server;
//! - [`phone`]: one phone as a state machine handed the time: DHCP, then the
//!   files of its scenario, then a verdict;
//! - [`checks`]: what the phone checks in each file it fetched;
//! - [`dhcp_client`]: DISCOVER/REQUEST as a 79xx writes them (option 60 with
//!   its NUL, a parameter request list naming 150 and 66), and the choice of
//!   TFTP server (150, then 66, then `siaddr`);
//! - [`http_client`]: one HTTP GET on port 6970, as 78xx/88xx ask first,
//!   and when to fall back to TFTP;
//! - [`tftp_client`]: one plain TFTP read (512-byte blocks, no options unless
//!   asked), with a phone's retransmission and bounded patience;
//! - [`report`]: verdicts in plain words, the summary, JSON, the exit status.

pub mod checks;
pub mod dhcp_client;
pub mod http_client;
pub mod phone;
pub mod report;
pub mod sip;
pub mod spec;
pub mod tftp_client;
