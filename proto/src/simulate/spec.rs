//! What a simulated phone is: its model and MAC, what it is doing
//! ([`Scenario`]), its patience, and how it finds its TFTP server.

use std::net::SocketAddr;
use std::time::Duration;

use lifeline_shared::config::mac::Mac;
use lifeline_shared::models::{Model, Protocol};
use serde::Serialize;

/// What the phone is doing after a wipe, or at an ordinary boot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Scenario {
    /// After a factory reset: straight to `termNN.default.loads` (a 7940/7960:
    /// `OS79XX.TXT`).
    Recovery,
    /// An ordinary boot: security files, configuration, load.
    Boot,
}

impl Scenario {
    /// `recovery` or `boot`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::Recovery => "recovery",
            Scenario::Boot => "boot",
        }
    }
}

/// Which phone, doing what.
#[derive(Clone, Copy, Debug)]
pub struct PhoneSpec {
    pub model: &'static Model,
    pub mac: Mac,
    /// Recovery or boot.
    pub mode: Scenario,
    /// Ask the TFTP server for options (a phone does not).
    pub tftp_options: bool,
    /// The most time the whole sequence may take.
    pub time_limit: Duration,
    /// The protocol of the image the phone runs: a 7940/7960 follows that image's boot
    /// order (the other families ignore it).
    pub runs: Protocol,
}

/// How the phone finds its TFTP server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Network {
    /// By DHCP, with this transaction id.
    Dhcp { xid: u32 },
    /// This server, given.
    Server(SocketAddr),
}
