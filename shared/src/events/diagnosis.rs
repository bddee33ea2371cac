//! Why a phone is stuck or failed, as a code ([`Diagnosis`], [`LoopCause`])
//! and in words ([`Advice`]).

use serde::{Deserialize, Serialize};

/// Why a phone is stuck or failed: the code behind
/// [`PhoneSummary::reason`](super::PhoneSummary::reason), so the browser can
/// title each diagnosis and lay out its fix.
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

/// A diagnosis in words. The helper's tracker sends it with each summary
/// ([`PhoneSummary::advice`](super::PhoneSummary::advice); the words are made
/// by `advice::advice`), so the page shows them without carrying them in its
/// own code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advice {
    /// What happened, in one line.
    pub title: String,
    /// Why, in sentences.
    pub detail: String,
    /// What to do.
    pub fix: String,
}
