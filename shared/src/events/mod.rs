//! What happens on the network, in the words the helper and the browser share.
//!
//! [`Event`]s are what the helper's TFTP and DHCP servers report; they travel to
//! the browser over the websocket. [`PhoneSummary`] is what
//! [`crate::tracker::Tracker`] makes of them for one phone, and travels the same
//! way. [`Event`], [`DhcpStep`] and [`Diagnosis`] read a name from a newer
//! helper as their `Unknown`/`Other` variant instead of failing.
//!
//! Layout: `transfer` TFTP and HTTP transfers; `dhcp` DHCP steps;
//! `neighbour` CDP/LLDP announcements; `simulation` the page's simulated
//! phones; `summary` a phone's card; `diagnosis` why it is stuck, as a
//! code and in words. Every type is re-exported here: `events::Event`,
//! `events::PhoneSummary`, …

mod dhcp;
mod diagnosis;
mod neighbour;
mod simulation;
mod summary;
mod transfer;

pub use dhcp::{DhcpEvent, DhcpStep};
pub use diagnosis::{Advice, Diagnosis, LoopCause, NamedLoad};
pub use neighbour::{Announced, NeighbourHeard};
pub use simulation::{
    Simulated, SimulatedOutcome, SimulatedPhone, SimulationFinished, SimulationStarted,
    SimulationVerdict,
};
pub use summary::{FileState, PhoneFile, PhoneState, PhoneSummary, Registration, Switched};
pub use transfer::{
    OptionPair, Outcome, Resolution, ShedReason, Stats, TftpEnd, TftpProgress, TftpRefused,
    TftpRequest, TftpShed, Transport, is_normal_miss,
};

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

use crate::config::registers::Registers;

/// A phone was served a configuration (over TFTP or HTTP), and whom that
/// file registers it as. Never carries a password ([`Registers`] has no field
/// for one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigServed {
    pub client: SocketAddr,
    /// TFTP, or HTTP provisioning (not sent for TFTP).
    #[serde(default, skip_serializing_if = "Transport::is_tftp")]
    pub transport: Transport,
    /// The file as asked.
    pub file: String,
    /// Whether it is the phone's own (`SEP<MAC>.cnf.xml`, `SIP<MAC>.cnf`)
    /// rather than the default every phone without one gets.
    pub own: bool,
    /// Whom it registers the phone as.
    pub registers: Registers,
}

/// Something that happened on the network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Event {
    TftpRequest(TftpRequest),
    TftpProgress(TftpProgress),
    /// A transfer finished.
    TftpDone(TftpEnd),
    /// A transfer stopped before the end.
    TftpAborted(TftpEnd),
    /// A request refused before any transfer started.
    TftpRefused(TftpRefused),
    /// Requests turned away or claims dropped by the server's limits, once
    /// per burst.
    TftpShed(TftpShed),
    /// A retransmitted request for a transfer already running.
    TftpDuplicate {
        client: SocketAddr,
        file: String,
    },
    Dhcp(DhcpEvent),
    /// A phone announced itself over CDP or LLDP-MED.
    Neighbour(NeighbourHeard),
    /// A phone was served a configuration: whom it registers as. The
    /// tracker's own: a page gets it on the card
    /// ([`PhoneSummary::registers`]), never as an event.
    ConfigServed(ConfigServed),
    /// The helper started simulated phones (the page's "Try with simulated
    /// phones").
    SimulationStarted(SimulationStarted),
    /// One simulated phone's verdict.
    SimulationVerdict(SimulationVerdict),
    /// Every simulated phone of the run has its verdict.
    SimulationFinished(SimulationFinished),
    /// Where a phone stands on its way through the bundle's upgrade plan. The
    /// tracker's own: a page gets it on the card ([`PhoneSummary::walk`]).
    Walk(Box<crate::plan::walk::WalkStatus>),
    /// Anything newer than this build knows.
    #[serde(other)]
    Unknown,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests;
