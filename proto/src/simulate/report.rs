//! What the simulated phones did, and the verdict in plain words.
//!
//! Pure: reports in, text or JSON out. The verdict of one phone is one of
//! four ([`Verdict`]: it would recover, would be stuck, could not run, or
//! walked its loads); a run's exit status follows from all of them
//! ([`exit_code`]): 0 every phone would recover, 1 at least one would be
//! stuck (a fact about the setup), 2 the simulator could not run (and no
//! phone found a problem). A stuck verdict names the step, the file and the
//! reason: `Jar41sccp.8-3-2-27.sbn` not found, `XMLDefault.cnf.xml` has no
//! `loadInformation30018`, no option 150.
//!
//! This file holds what a report is made of (the step, the verdict, the
//! files, one phone's report, the run) and the exit status; `problem` is why a
//! phone would be stuck, `words` says it, `upgrade` is the verdict of a phone
//! given its running load, and `text` and `json` write the report.

use std::net::SocketAddr;
use std::time::Duration;

use lifeline_shared::config::mac::Mac;
use lifeline_shared::models::Model;
use serde::Serialize;

use super::dhcp_client::{Lease, TftpSource};
use super::spec::{Scenario, Transport};

/// Where in the sequence a phone is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Step {
    /// Getting an address and a TFTP server.
    Dhcp,
    /// `CTLSEP<MAC>.tlv`, `ITLSEP<MAC>.tlv`, `ITLFile.tlv`.
    SecurityFile,
    /// `SEP<MAC>.cnf.xml`.
    PhoneConfig,
    /// `XMLDefault.cnf.xml`.
    DefaultConfig,
    /// `<LOAD>.loads`, named by the configuration.
    LoadManifest,
    /// `termNN.default.loads`, after a wipe.
    RecoveryManifest,
    /// `OS79XX.TXT`: the image a 7940/7960 takes after a factory reset.
    Os79xx,
    /// A 7940/7960 SIP image's `SIP<MAC>.cnf` or `SIPDefault.cnf`.
    SipConfig,
    /// Registering the first SIP line with the proxy its configuration names.
    Register,
    /// One image a manifest lists.
    Image {
        /// 1-based.
        index: usize,
        /// How many the manifest lists.
        of: usize,
        manifest: String,
    },
}

impl Step {
    /// In words: `image 1 of 5 listed by term61.default.loads`.
    pub fn words(&self) -> String {
        match self {
            Step::Dhcp => "DHCP".into(),
            Step::SecurityFile => "the security files (CTL, ITL)".into(),
            Step::PhoneConfig => "the phone's own configuration".into(),
            Step::DefaultConfig => "the default configuration".into(),
            Step::LoadManifest => "the load manifest".into(),
            Step::RecoveryManifest => "the recovery manifest".into(),
            Step::Os79xx => "the image choice after a factory reset".into(),
            Step::SipConfig => "the SIP configuration".into(),
            Step::Register => "the SIP registration".into(),
            Step::Image {
                index,
                of,
                manifest,
            } => format!("image {index} of {of} listed by {manifest}"),
        }
    }
}

/// What became of one phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every file arrived and checked out.
    WouldRecover {
        /// The manifest followed.
        manifest: String,
        /// The load a configuration named (boot mode).
        load: Option<String>,
        /// Images fetched.
        images: usize,
        /// Bytes received in all.
        bytes: u64,
        /// Boot mode, a SIP line registered: `1001 at 10.0.0.5:5060`.
        registered: Option<String>,
    },
    /// The phone would not get its firmware.
    WouldBeStuck(Stuck),
    /// The simulator could not run this phone.
    CouldNotRun { reason: String },
    /// A phone given the load it runs (`--running`): the loads it took, where it
    /// ended, what it refused.
    Upgrade(Upgrade),
}

impl Verdict {
    /// `would-recover`, `would-be-stuck` or `could-not-run`; for a phone given its
    /// running load, `now-on`, `refused` or `still-upgrading` ([`Upgrade::status`]).
    pub fn status(&self) -> &'static str {
        match self {
            Verdict::WouldRecover { .. } => "would-recover",
            Verdict::WouldBeStuck(_) => "would-be-stuck",
            Verdict::CouldNotRun { .. } => "could-not-run",
            Verdict::Upgrade(u) => u.status(),
        }
    }

    /// Whether the phone got where the setup wants it: every file checked out, or it
    /// settled on a load with nothing refused.
    pub fn is_good(&self) -> bool {
        match self {
            Verdict::WouldRecover { .. } => true,
            Verdict::Upgrade(u) => u.settled(),
            Verdict::WouldBeStuck(_) | Verdict::CouldNotRun { .. } => false,
        }
    }

    /// The verdict in plain words.
    pub fn sentence(&self) -> String {
        match self {
            Verdict::WouldRecover {
                manifest,
                load,
                images,
                bytes,
                registered,
            } => {
                let via = match load {
                    Some(load) => format!("the load {load}: "),
                    None => String::new(),
                };
                let register = match registered {
                    Some(r) => format!("; would register as {r}"),
                    None => String::new(),
                };
                format!(
                    "would recover: it got {via}{manifest} and its {images} images ({bytes} bytes), each signed under its own name{register}"
                )
            }
            Verdict::WouldBeStuck(stuck) => format!("would be stuck: {}", stuck.sentence()),
            Verdict::CouldNotRun { reason } => format!("could not run: {reason}"),
            Verdict::Upgrade(u) => u.sentence(),
        }
    }
}

/// How a file went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum FileOutcome {
    /// It arrived.
    Received {
        size: u64,
        /// Block size used.
        blksize: u16,
        /// The name in its signed header, if it has one.
        signed_as: Option<String>,
    },
    /// ERROR 1.
    NotFound,
    /// Anything else.
    Failed { why: String },
}

/// One file the phone asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRecord {
    /// As asked.
    pub name: String,
    /// Why it was asked for.
    pub step: Step,
    /// What happened.
    pub outcome: FileOutcome,
    /// Packets sent again.
    pub retransmissions: u32,
    /// How long it took.
    pub elapsed: Duration,
    /// TFTP, or HTTP (a phone that asks HTTP first, and got an answer).
    pub transport: Transport,
}

/// One phone's run.
#[derive(Clone, Debug)]
pub struct PhoneReport {
    pub mac: Mac,
    pub model: &'static Model,
    /// Recovery or boot.
    pub mode: Scenario,
    /// The DHCP lease, when DHCP was used and answered.
    pub lease: Option<Lease>,
    /// The TFTP server and where it came from.
    pub tftp_server: Option<(SocketAddr, TftpSource)>,
    /// Whether TFTP options were asked for.
    pub options: bool,
    /// Every file asked for, in order.
    pub files: Vec<FileRecord>,
    /// Remarks that are not the verdict.
    pub notes: Vec<String>,
    pub verdict: Verdict,
    /// From power-on to verdict.
    pub elapsed: Duration,
    /// Given the load it runs (`--running`): every load it ran, in order, the one it
    /// ended on last; empty otherwise.
    pub ran: Vec<String>,
}

impl PhoneReport {
    /// The verdict in words; a phone given its running load that got stuck also says
    /// which loads it ran.
    pub fn sentence(&self) -> String {
        let s = self.verdict.sentence();
        match (&self.verdict, self.ran.as_slice()) {
            (Verdict::Upgrade(_), _) | (_, []) => s,
            (_, [only]) => format!("{s} (on {only})"),
            (_, [.., last]) => format!("{s} (on {last}; ran {})", upgrade::chain(&self.ran)),
        }
    }
}

/// What was simulated, for the headline.
#[derive(Clone, Debug)]
pub struct Run {
    pub model: &'static Model,
    /// Recovery or boot.
    pub mode: Scenario,
    /// `DHCP on eth0` or `TFTP server 10.0.0.1:69`.
    pub network: String,
    /// Whether TFTP options were asked for.
    pub options: bool,
}

/// The run's exit status: 0 all would recover (or, given their running load, settled
/// with nothing refused), 1 any would be stuck (or refused a load, or was still
/// upgrading at the bound), else 2.
pub fn exit_code(reports: &[PhoneReport]) -> u8 {
    if reports.iter().any(|r| match &r.verdict {
        Verdict::WouldBeStuck(_) => true,
        Verdict::Upgrade(u) => !u.settled(),
        _ => false,
    }) {
        1
    } else if reports.is_empty()
        || reports
            .iter()
            .any(|r| matches!(r.verdict, Verdict::CouldNotRun { .. }))
    {
        2
    } else {
        0
    }
}

/// Counts of each verdict: good (would recover, or settled on a load), stuck (or
/// refused, or still upgrading), could not run.
fn tally(reports: &[PhoneReport]) -> (usize, usize, usize) {
    let good = reports.iter().filter(|r| r.verdict.is_good()).count();
    let could_not = reports
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::CouldNotRun { .. }))
        .count();
    (good, reports.len() - good - could_not, could_not)
}

mod json;
mod problem;
mod text;
mod upgrade;
mod words;

pub use json::to_json;
pub use problem::{Problem, Stuck};
pub use text::to_text;
pub use upgrade::{End, Refusal, Upgrade, chain};

#[cfg(test)]
mod tests;
