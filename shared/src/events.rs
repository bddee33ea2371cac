//! What happens on the network, in the words the helper and the browser share.
//!
//! [`Event`]s are what the helper's TFTP and DHCP servers report; they travel to
//! the browser over the websocket. [`PhoneSummary`] is what
//! [`crate::tracker::Tracker`] makes of them for one phone, and travels the same
//! way. [`Event`], [`DhcpStep`] and [`Diagnosis`] read a name from a newer
//! helper as their `Unknown`/`Other` variant instead of failing.

use serde::{Deserialize, Serialize};
use std::net::{Ipv4Addr, SocketAddr};

use crate::config::mac::Mac;
use crate::config::registers::Registers;

/// How a TFTP request was resolved to a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Resolution {
    /// The name as asked (perhaps without a leading separator).
    Exact,
    /// A file whose name differs only in case.
    Case,
    /// Through the bundle's alias table.
    Alias,
    /// No such file.
    NotFound,
    /// Refused: the name tries to leave the root, or is not a name.
    Denied,
}

impl Resolution {
    /// The name it travels under (`not-found`).
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Exact => "exact",
            Resolution::Case => "case",
            Resolution::Alias => "alias",
            Resolution::NotFound => "not-found",
            Resolution::Denied => "denied",
        }
    }
}

/// How a phone fetched a file: TFTP (UDP 69), or HTTP on TCP 6970, which
/// 78xx/88xx phones try first. Transfer events carry it; it travels only when
/// it is not TFTP, so a page from before HTTP provisioning reads TFTP events
/// as ever, and an event without it is TFTP.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Transport {
    #[default]
    Tftp,
    Http,
    /// A transport newer than this build knows.
    #[serde(other)]
    Other,
}

impl Transport {
    /// The name it travels under (`http`).
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Tftp => "tftp",
            Transport::Http => "http",
            Transport::Other => "other",
        }
    }

    /// How a person reads it (`HTTP`).
    pub fn label(self) -> &'static str {
        match self {
            Transport::Tftp => "TFTP",
            Transport::Http => "HTTP",
            Transport::Other => "another transport",
        }
    }

    /// Whether it is TFTP, the default (not sent).
    pub fn is_tftp(&self) -> bool {
        *self == Transport::Tftp
    }
}

/// A TFTP option as the client sent it or the server accepted it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionPair {
    /// Lower-case name (`blksize`).
    pub name: String,
    pub value: String,
}

/// Counters of one transfer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Bytes the client acknowledged.
    pub bytes: u64,
    /// Blocks the client acknowledged.
    pub blocks: u64,
    /// Datagrams sent again after a timeout or a gap.
    pub retransmissions: u64,
}

/// How a transfer ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Outcome {
    /// The client acknowledged the last block.
    Done,
    /// The client sent an ERROR.
    PeerError { code: u16, message: String },
    /// The client stopped answering.
    TimedOut {
        /// Retransmissions tried in a row.
        retries: u32,
    },
    /// The file could not be read.
    ReadError { message: String },
    /// The server stopped the transfer (shutdown).
    Cancelled,
}

/// A read request and how it was resolved. Over HTTP (`transport: http`),
/// `mode` is `octet` and `options` holds the request's `range`, when it has
/// one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TftpRequest {
    pub transfer: u64,
    pub client: SocketAddr,
    /// TFTP, or HTTP provisioning (not sent for TFTP).
    #[serde(default, skip_serializing_if = "Transport::is_tftp")]
    pub transport: Transport,
    /// The file as asked.
    pub file: String,
    /// `octet` or `netascii`.
    pub mode: String,
    /// Options the client asked for.
    pub options: Vec<OptionPair>,
    /// How the name was resolved.
    pub resolution: Resolution,
    /// The file that serves it, when found.
    pub served: Option<String>,
    pub size: Option<u64>,
    /// Options acknowledged.
    pub accepted: Vec<OptionPair>,
    /// Why it was denied, when it was.
    pub detail: Option<String>,
}

/// Progress of a transfer (rate-limited). Over HTTP, `bytes` is the
/// position in the file reached and `blocks` the writes that got there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TftpProgress {
    pub transfer: u64,
    pub client: SocketAddr,
    /// TFTP, or HTTP provisioning (not sent for TFTP).
    #[serde(default, skip_serializing_if = "Transport::is_tftp")]
    pub transport: Transport,
    /// The file as asked.
    pub file: String,
    pub size: Option<u64>,
    /// Counters so far.
    #[serde(flatten)]
    pub stats: Stats,
}

/// The end of a transfer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TftpEnd {
    pub transfer: u64,
    pub client: SocketAddr,
    /// TFTP, or HTTP provisioning (not sent for TFTP).
    #[serde(default, skip_serializing_if = "Transport::is_tftp")]
    pub transport: Transport,
    /// The file as asked.
    pub file: String,
    /// Final counters.
    #[serde(flatten)]
    pub stats: Stats,
    /// How long it took.
    pub duration_secs: f64,
    /// Bytes per second.
    pub bytes_per_sec: f64,
    /// How it ended.
    pub outcome: Outcome,
}

/// A request refused before any transfer started (write request, limits).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TftpRefused {
    pub client: SocketAddr,
    /// The file as asked.
    pub file: String,
    /// The TFTP error code sent.
    pub code: u16,
    pub reason: String,
}

/// Why the TFTP server turned requests away or dropped claims (see
/// [`TftpShed`]). A reason from a newer helper reads as [`ShedReason::Other`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShedReason {
    /// The client's address already had the most transfers one address may
    /// have.
    ClientCap,
    /// Every slot held a transfer making progress.
    Busy,
    /// A transfer the client never acknowledged gave up at the claim timeout.
    ClaimExpired,
    /// A transfer the client never acknowledged was dropped to make room for
    /// a new request.
    ClaimEvicted,
    /// A reason newer than this build knows.
    #[serde(other)]
    Other,
}

/// Requests the TFTP server turned away, or claims it dropped, for one
/// reason, summed over a burst: the first of a burst is reported at once,
/// the rest at most once per interval, never one report per datagram.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TftpShed {
    pub reason: ShedReason,
    /// Requests or claims since the last report.
    pub count: u64,
    /// The last client concerned.
    pub client: SocketAddr,
    /// What happened and what to do, in plain words.
    pub message: String,
}

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

/// What a phone announced about itself over CDP or LLDP-MED: who it is and
/// what it runs, before (or without) any DHCP or TFTP.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announced {
    /// `CDPv2`, `LLDP-MED`, …
    pub via: String,
    /// Its name (`SEP<MAC>`).
    pub name: Option<String>,
    /// Its platform or model name (`Cisco IP Phone 7961`, `CP-7961G`).
    pub platform: Option<String>,
    /// The load it runs (`SCCP41.8-5-2S`), when its software field is one.
    pub load: Option<String>,
    /// That load's version (`8.5(2)`).
    pub version: Option<String>,
    /// The switch port it announces (its own port name, as it sends it).
    pub port: Option<String>,
    pub native_vlan: Option<u16>,
    pub voice_vlan: Option<u16>,
    /// Power it draws or asks for, in milliwatts.
    pub power_mw: Option<u32>,
    /// How long the announcement holds, in seconds.
    pub ttl: u16,
    /// When it was heard (ms since the tracker's epoch; set by the tracker).
    #[serde(default)]
    pub heard_ms: u64,
    /// Its load against the bundle's, in words, when that matters before a
    /// reset: already on it, or a hop Cisco requires first (set by the tracker).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A phone announced itself (CDP or LLDP-MED).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeighbourHeard {
    /// 12 upper-case hex digits.
    pub mac: String,
    /// Its model, when the catalogue knows the platform it names.
    pub model: Option<String>,
    /// Its IPv4 address, when it gave one.
    pub address: Option<Ipv4Addr>,
    /// What it said.
    #[serde(flatten)]
    pub announced: Announced,
}

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

/// Whom a phone registers as, from the configuration it was served last
/// (a card's [`PhoneSummary::registers`]), in the words the tracker made of
/// the [`ConfigServed`] event, so the page shows them without carrying the
/// words in its own code (as with [`Advice`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// The configuration it was read from, as asked.
    pub file: String,
    /// Whether that is the phone's own file.
    pub own: bool,
    /// [`Registers::sentence`]: `Registers as 1001 at 10.0.0.5:5060`.
    pub words: String,
}

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
/// [`PhoneSummary::simulation`]): never a real phone's doing.
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

/// Where a phone is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhoneState {
    /// Seen (DHCP), has not asked for a manifest yet.
    Waiting,
    /// Fetching its files.
    Downloading,
    /// Fetched every file its manifest lists.
    Done,
    /// Not getting anywhere; `reason` says why.
    Stuck,
    /// Cannot get on; `reason` says why.
    Failed,
}

/// Where one of a phone's files is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileState {
    /// Not asked for yet.
    Pending,
    /// Being sent.
    Downloading,
    /// Sent completely.
    Done,
    /// Asked for, but not in the bundle.
    NotFound,
    /// The transfer failed.
    Failed,
}

/// One file of a phone's card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneFile {
    /// The name as the manifest spells it.
    pub name: String,
    /// Its size, when known.
    pub size: Option<u64>,
    /// Bytes acknowledged.
    pub bytes: u64,
    pub state: FileState,
    /// Retransmissions in its transfers.
    pub retransmissions: u64,
    /// How it was asked for last (not sent for TFTP).
    #[serde(default, skip_serializing_if = "Transport::is_tftp")]
    pub transport: Transport,
}

/// What the browser shows for one phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneSummary {
    /// `SEP<MAC>` when the MAC is known, else the address.
    pub id: String,
    /// Its MAC, 12 hex digits.
    pub mac: Option<String>,
    /// Its model, from DHCP option 60.
    pub model: Option<String>,
    pub address: Option<Ipv4Addr>,
    pub state: PhoneState,
    /// For stuck and failed: why, in plain words, and what to do.
    pub reason: Option<String>,
    /// The same, as a code (set and cleared with `reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<Diagnosis>,
    /// The diagnosis in words (title, detail, fix): `advice::advice` of
    /// `diagnosis`, set with it by the tracker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice: Option<Advice>,
    /// The file being sent now.
    pub current_file: Option<String>,
    /// The files its manifest lists, manifest first, in order.
    pub files: Vec<PhoneFile>,
    pub files_done: usize,
    pub files_expected: usize,
    /// Requests that missed but are normal (CTL/ITL, per-MAC configs).
    pub normal_misses: Vec<String>,
    /// After fetching every file it asked for its configuration again: it
    /// restarted with the new load (the observed end of a recovery).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recovered: bool,
    /// How many times it was started over by
    /// [`crate::tracker::Tracker::retry`] (the page's "Retry failed"); 0 on its
    /// first try.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub retries: u32,
    /// Which start at its address this card follows, when the address is all
    /// that tells phones apart (no MAC seen): 1 for the first; a phone that
    /// starts over at its first file after going past it is the next one,
    /// on a card of its own. 0 (not sent) for a card keyed by MAC.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sequence: u32,
    /// The card's id until this summary: the tracker renamed it (a card seen
    /// by address whose MAC a DHCP step or a `SEP<MAC>` name revealed). Only
    /// on the summary of the change that renamed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// What became of the card when another bundle was switched in, until the
    /// phone asks for something again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switched: Option<Switched>,
    /// What it last announced over CDP or LLDP-MED, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced: Option<Box<Announced>>,
    /// Whom it registers as, from the configuration it was served (its own
    /// file wins over a default one served later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registers: Option<Box<Registration>>,
    /// What a simulated phone of its MAC did (the page's "Try with simulated
    /// phones"): a simulation's verdict, never this phone's own doing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulation: Option<Box<Simulated>>,
    /// Its way through the bundle's upgrade plan, when the bundle has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk: Option<Box<crate::plan::walk::WalkStatus>>,
    /// When it was first seen (ms since the tracker's epoch).
    pub first_seen_ms: u64,
    /// When it was last heard from.
    pub last_seen_ms: u64,
}

/// What a bundle switch did to a card judged against the previous bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Switched {
    /// It had all its files from the previous bundle: kept as a record of
    /// that bundle, no longer judged.
    Archived,
    /// Its judgement was about the previous bundle: it starts over, waiting
    /// for the phone to ask the new one.
    StartsOver,
    /// Re-judged: the new bundle lacks the file it asked for too.
    StillMissing,
    /// A kind newer than this build knows.
    #[serde(other)]
    Other,
}

/// Why a phone is stuck or failed: the code behind [`PhoneSummary::reason`], so
/// the browser can title each diagnosis and lay out its fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Diagnosis {
    /// It asked for a firmware file the bundle does not have.
    NotFound {
        /// The name as asked.
        file: String,
        /// The closest name in the bundle (a case or version slip).
        closest: Option<String>,
    },
    /// It fetched the same manifest again and again without going on.
    ManifestRepeated {
        file: String,
        times: u32,
        /// Whether it is a `termNN.default.loads` recovery manifest.
        recovery: bool,
    },
    /// Nothing heard from it for a while, in the middle of recovery.
    Quiet {
        /// Whole minutes of silence.
        minutes: u64,
        /// The last file it asked for.
        last: Option<String>,
    },
    /// Transfers of the same file timed out again and again.
    TimedOut { file: String, times: u32 },
    /// The phone stopped a transfer with a TFTP error.
    PhoneError {
        file: String,
        /// The phone's message.
        message: String,
    },
    /// The helper could not read a file.
    ReadError { file: String, message: String },
    /// The helper's DHCP server has no free address for it.
    NoFreeAddress,
    /// It fetched its configuration again and again and never asked for
    /// firmware: a configuration loop.
    ConfigLoop {
        /// The configuration it fetched.
        file: String,
        times: u32,
        /// What the configuration names for this phone, when that is known.
        cause: LoopCause,
    },
    /// A diagnosis newer than this build knows.
    #[serde(other)]
    Other,
}

/// Why a phone keeps fetching its configuration without asking for firmware.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LoopCause {
    /// The configuration names `load` for it, and the bundle does not have
    /// `load.loads`: it cannot fetch it, so it keeps the firmware it has.
    NotInBundle { load: String },
    /// The configuration names `load`, which the bundle has: the phone runs
    /// it already, so there is nothing to upgrade.
    AlreadyRuns { load: String },
    /// The configuration names no load for its model (`device_id`).
    NoLoadForModel { model: String, device_id: u16 },
    /// Its model is not known (no DHCP through the helper): the loads the
    /// configuration names, each with whether the bundle has it.
    Unknown { loads: Vec<NamedLoad> },
    /// A cause newer than this build knows.
    #[serde(other)]
    Other,
}

/// A load a configuration names, and whether the bundle has its manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedLoad {
    pub load: String,
    pub in_bundle: bool,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Whether a "file not found" for `name` is normal for a Cisco phone (CTL/ITL
/// security files, per-MAC configuration, locale files, dial plans): shown grey,
/// never as a failure.
pub fn is_normal_miss(name: &str) -> bool {
    let l = name.trim_start_matches(['/', '\\']).to_ascii_lowercase();
    l.starts_with("ctlsep")
        || l.starts_with("itlsep")
        || l == "itlfile.tlv"
        || (l.starts_with("sep") && l.ends_with(".cnf.xml"))
        || l.ends_with(".jar")
        || l.ends_with("tones.xml")
        || l == "dialplan.xml"
        || l.ends_with(".tlv")
        // A 7940/7960 SIP image's own file (its defaults hold the image) and ring list.
        || (l.starts_with("sip") && l.ends_with(".cnf") && l != "sipdefault.cnf")
        || l == "ringlist.dat"
}

/// A diagnosis in words. The helper's tracker sends it with each summary
/// ([`PhoneSummary::advice`]; the words are made by `advice::advice`), so the
/// page shows them without carrying them in its own code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advice {
    /// What happened, in one line.
    pub title: String,
    /// Why, in sentences.
    pub detail: String,
    /// What to do.
    pub fix: String,
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
