//! What a simulated phone is: its model and MAC, what it is doing
//! ([`Scenario`]), its patience, and how it finds its TFTP server.

use std::net::SocketAddr;
use std::time::Duration;

use lifeline_shared::config::mac::Mac;
use lifeline_shared::models::{Model, Protocol};
use lifeline_shared::plan::Running;
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

/// How the phone asks for its files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// TFTP only, as a 79xx.
    #[default]
    Tftp,
    /// HTTP first, `GET /<file>` on [`PhoneSpec::http_port`] of the TFTP
    /// server, as 78xx/88xx do; TFTP when nothing answers there (connection
    /// refused, or no answer to the connection at all).
    Http,
}

impl Transport {
    /// `tftp` or `http`.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Tftp => "tftp",
            Transport::Http => "http",
        }
    }
}

/// The port a phone asks over HTTP first.
pub const HTTP_PORT: u16 = 6970;

/// Which phone, doing what.
#[derive(Clone, Debug)]
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
    /// TFTP only, or HTTP first.
    pub transport: Transport,
    /// The TFTP server's port HTTP is asked on ([`HTTP_PORT`]; another for
    /// tests).
    pub http_port: u16,
    /// Boot mode: register the first SIP line the configuration names, once
    /// the firmware checks out.
    pub register: bool,
    /// The load the phone runs, when given (`--running`): it then keeps it when its
    /// configuration names it or none, takes another the rules allow and reboots,
    /// refuses one they forbid ("Load Authentication Failed") and reboots, until it
    /// settles or has booted [`MAX_BOOTS`] times. `None`: it fetches whatever is named
    /// and the verdict is about the files.
    pub running: Option<Running>,
}

/// The most boots a phone given its running load goes through before its verdict
/// says it is still upgrading (or still refusing a load).
pub const MAX_BOOTS: u32 = 16;

/// How the phone finds its TFTP server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Network {
    /// By DHCP, with this transaction id.
    Dhcp { xid: u32 },
    /// This server, given.
    Server(SocketAddr),
}
