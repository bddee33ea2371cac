//! What the browser shows for one phone: its card ([`PhoneSummary`]), its
//! files, where it stands, and whom it registers as.

use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

use super::diagnosis::{Advice, Diagnosis};
use super::is_zero;
use super::neighbour::Announced;
use super::simulation::Simulated;
use super::transfer::Transport;

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

impl PhoneSummary {
    /// A phone first heard from at `now_ms` (helper clock), waiting, of which
    /// nothing else is known yet.
    pub fn new(id: String, now_ms: u64) -> PhoneSummary {
        PhoneSummary {
            id,
            mac: None,
            model: None,
            address: None,
            state: PhoneState::Waiting,
            reason: None,
            diagnosis: None,
            advice: None,
            current_file: None,
            files: Vec::new(),
            files_done: 0,
            files_expected: 0,
            normal_misses: Vec::new(),
            recovered: false,
            retries: 0,
            sequence: 0,
            renamed_from: None,
            switched: None,
            announced: None,
            registers: None,
            simulation: None,
            walk: None,
            first_seen_ms: now_ms,
            last_seen_ms: now_ms,
        }
    }
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

/// Whom a phone registers as, from the configuration it was served last
/// (a card's [`PhoneSummary::registers`]), in the words the tracker made of
/// the [`ConfigServed`](super::ConfigServed) event, so the page shows them
/// without carrying the words in its own code (as with [`Advice`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// The configuration it was read from, as asked.
    pub file: String,
    /// Whether that is the phone's own file.
    pub own: bool,
    /// [`Registers::sentence`](crate::config::registers::Registers::sentence):
    /// `Registers as 1001 at 10.0.0.5:5060`.
    pub words: String,
}
