//! TFTP and HTTP transfers as events: a request and how its name was
//! resolved, progress, the end and its counters, requests refused or shed,
//! and which misses are normal for a Cisco phone.

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

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
