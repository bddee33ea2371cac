//! A DHCP client's steps as events (a phone's timeline starts at its
//! DISCOVER).

use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

use crate::config::mac::Mac;

/// A DHCP step of one client (a phone's timeline starts at its DISCOVER).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DhcpEvent {
    /// 12 upper-case hex digits.
    pub mac: String,
    /// `SEP<MAC>`.
    pub device: String,
    /// The model from option 60, when it says.
    pub model: Option<String>,
    /// What happened.
    #[serde(flatten)]
    pub step: DhcpStep,
}

impl DhcpEvent {
    /// A step of the client `mac`, which says it is a `model` (option 60).
    pub fn new(mac: Mac, model: Option<&str>, step: DhcpStep) -> DhcpEvent {
        DhcpEvent {
            mac: mac.to_string(),
            device: mac.sep_name(),
            model: model.map(str::to_owned),
            step,
        }
    }
}

/// One step of a DHCP exchange: every step the helper's DHCP server reports.
///
/// Not `#[non_exhaustive]`: every reader is in this workspace, and matching
/// every step is how each of them is made to say something about a new one.
/// A step from a newer helper reads as [`DhcpStep::Other`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum DhcpStep {
    /// The client asked for an address.
    Discover {
        /// The address it asked for.
        requested: Option<Ipv4Addr>,
    },
    /// We offered one.
    Offer {
        addr: Ipv4Addr,
        /// Option 150 sent.
        tftp: Vec<Ipv4Addr>,
    },
    /// We confirmed a lease.
    Ack {
        addr: Ipv4Addr,
        /// Lease length.
        lease_secs: u32,
        /// Option 150 sent.
        tftp: Vec<Ipv4Addr>,
    },
    /// We refused a request.
    Nak {
        /// The address asked for.
        addr: Option<Ipv4Addr>,
        reason: String,
    },
    /// The client said the address is in use.
    Decline { addr: Ipv4Addr },
    /// The client gave its address back.
    Release { addr: Ipv4Addr },
    /// The client asked for options only.
    Inform { addr: Ipv4Addr },
    /// Another host answered the probe of an address we were about to offer
    /// this client: the address is skipped, and the client offered another.
    AddressInUse {
        /// The address, someone else's.
        addr: Ipv4Addr,
    },
    /// No address of the range is free for this client. Reported once per
    /// full scan of the range, not for every DISCOVER while it is full.
    PoolExhausted,
    /// A step newer than this build knows.
    #[serde(other)]
    Other,
}
