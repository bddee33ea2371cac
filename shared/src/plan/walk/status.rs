//! Where a phone's walk stands, as its card and the terminal show it.

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// What a phone whose start is unknown waits for.
pub const ASK_START: &str = "Lifeline does not know which load this phone runs, so it offers none yet. Check Settings → Status → Firmware Versions on the phone and say it on its card.";

/// Where a phone's walk stands, for its card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WalkState {
    /// Its start is known; it has not asked for its configuration since.
    Waiting,
    /// Offered a load; it has not asked for it yet.
    Offered,
    /// Fetching the load offered.
    Fetching,
    /// On the target, observed.
    Done,
    /// Nothing offered: where the phone starts is not known.
    AskStart,
    /// Nothing offered: the way needs a load no package holds.
    Missing,
    /// Nothing offered: the rules forbid every way.
    Impossible,
    /// Held: it fetched the load offered again and again and never ran it.
    Refused,
    /// A state newer than this build knows.
    #[serde(other)]
    Other,
}

impl WalkState {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            WalkState::Waiting => "waiting",
            WalkState::Offered => "offered",
            WalkState::Fetching => "fetching",
            WalkState::Done => "done",
            WalkState::AskStart => "ask-start",
            WalkState::Missing => "missing",
            WalkState::Impossible => "impossible",
            WalkState::Refused => "refused",
            WalkState::Other => "other",
        }
    }

    /// Reads the wire name.
    pub fn parse(s: &str) -> WalkState {
        [
            WalkState::Waiting,
            WalkState::Offered,
            WalkState::Fetching,
            WalkState::Done,
            WalkState::AskStart,
            WalkState::Missing,
            WalkState::Impossible,
            WalkState::Refused,
        ]
        .into_iter()
        .find(|w| w.as_str() == s)
        .unwrap_or(WalkState::Other)
    }
}

/// Why a walk is held: its state and the words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    pub state: WalkState,
    pub words: String,
}

/// One step of a phone's way, with its times (ms on the helper's clock).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepLog {
    /// The load's label (`8.5(2)`).
    pub label: String,
    /// The load's name.
    pub load: String,
    /// When it was first offered.
    pub offered_ms: u64,
    /// When the phone first asked for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_ms: Option<u64>,
    /// When the phone was seen running it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_ms: Option<u64>,
}

/// A phone's walk, as its card shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkStatus {
    /// Its MAC (`001122AABBCC`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
    /// Its address, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<IpAddr>,
    /// The way in labels: where it started, each hop, the target.
    pub path: Vec<String>,
    /// The hop being taken, from 1 (0 before the first offer).
    pub hop: u32,
    /// How many hops the way has.
    pub hops: u32,
    /// The load it was seen running, as a label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
    pub state: WalkState,
    /// Why it is held, and what to do, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Each load offered, with its times.
    pub steps: Vec<StepLog>,
}

/// A status in words: "8.0(4) → 8.5(2) → 9.4(2)SR3: hop 2 of 2, fetching".
pub fn status_words(s: &WalkStatus) -> String {
    let path = s.path.join(" → ");
    let at = match &s.state {
        WalkState::Waiting => match &s.on {
            Some(on) => format!("runs {on}; waits for it to ask for its configuration"),
            None => "waits for it to ask for its configuration".to_string(),
        },
        WalkState::Offered => format!("hop {} of {}, offered", s.hop, s.hops),
        WalkState::Fetching => format!("hop {} of {}, fetching", s.hop, s.hops),
        WalkState::Done => format!("on {}", s.on.as_deref().unwrap_or("the target")),
        _ => format!("held. {}", s.detail.as_deref().unwrap_or(ASK_START)),
    };
    if path.is_empty() {
        at
    } else {
        format!("{path}: {at}")
    }
}
