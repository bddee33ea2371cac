//! A Cisco 79xx phone on the wire, without the wire: the state machines of
//! `lifeline simulate`, handed the time and the datagrams that arrived.
//!
//! # Layout
//!
//! - [`phone`]: one phone as a state machine handed the time: DHCP, then the
//!   files of recovery or boot mode, each checked, then a verdict;
//! - [`dhcp_client`]: DISCOVER/REQUEST as a 79xx writes them (option 60 with
//!   its NUL, a parameter request list naming 150 and 66), and the choice of
//!   TFTP server (150, then 66, then `siaddr`);
//! - [`tftp_client`]: one plain TFTP read (512-byte blocks, no options unless
//!   asked), with a phone's retransmission and bounded patience;
//! - [`report`]: verdicts in plain words, the summary, JSON, the exit status.

pub mod dhcp_client;
pub mod phone;
pub mod report;
pub mod tftp_client;
