//! The page's simulated phones: a run started, each phone's verdict, the run
//! finished.

use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

use super::is_zero;

/// A phone the helper simulates for the page (`simulate-phones`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulatedPhone {
    /// 12 upper-case hex digits.
    pub mac: String,
    pub model: String,
    /// The loopback address it sends from: its transfers come from there.
    pub source: Ipv4Addr,
}

/// The helper started simulating phones against its own TFTP server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulationStarted {
    pub phones: Vec<SimulatedPhone>,
    /// How long each phone may take at most.
    pub time_limit_secs: u64,
    /// Phones the bundle lists beyond those simulated (a run simulates a
    /// few).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub left_out: u32,
}

/// How a simulated phone came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SimulatedOutcome {
    /// Still running.
    Running,
    /// It got its firmware and its first SIP line registered.
    Registered,
    /// It got its firmware and has nothing to register (SCCP, no SIP line).
    NothingToRegister,
    /// It would be stuck: at a file, or at its registration.
    Stuck,
    /// The simulation could not run this phone.
    CouldNotRun,
    /// An outcome newer than this build knows.
    #[serde(other)]
    Other,
}

/// What a simulation says of one phone (a card's
/// [`PhoneSummary::simulation`](super::PhoneSummary::simulation)): never a
/// real phone's doing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Simulated {
    pub outcome: SimulatedOutcome,
    /// The verdict in words: `would register as 1001 at 127.0.0.1:5070`, or
    /// what failed and what to do.
    pub sentence: String,
    /// `simulate`'s stable code of the problem (`sip-refused`,
    /// `sip-no-answer`, `sip-proxy-unresolved`, …), when it was stuck.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Who it registered as (`1001 at 127.0.0.1:5070`), when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered: Option<String>,
}

/// One simulated phone's verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulationVerdict {
    /// 12 upper-case hex digits.
    pub mac: String,
    pub model: String,
    /// The loopback address it sent from.
    pub source: Ipv4Addr,
    pub result: Simulated,
}

/// A simulation run ended: every phone has its verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulationFinished {
    pub phones: u32,
    /// Phones whose SIP line registered.
    pub registered: u32,
    /// Phones that got their firmware with nothing to register.
    pub nothing_to_register: u32,
    /// Phones that would be stuck, or could not run.
    pub failed: u32,
}
