//! Where a phone's walk stands, as its card and the terminal show it.

use super::Walker;
use crate::plan::{Route, route};
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
    /// Every state, in the order a walk goes through them.
    pub const ALL: [WalkState; 9] = [
        WalkState::Waiting,
        WalkState::Offered,
        WalkState::Fetching,
        WalkState::Done,
        WalkState::AskStart,
        WalkState::Missing,
        WalkState::Impossible,
        WalkState::Refused,
        WalkState::Other,
    ];

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
        WalkState::ALL
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

/// How a phone was seen running what it runs: [`Seen::by`] is the protocol it
/// announced it on, or this for a boot that did not fetch the load offered.
pub const SEEN_BOOT: &str = "boot";

/// How and when a phone was seen running what it runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// `CDP`, `LLDP-MED`: it announced it so; [`SEEN_BOOT`]: it came back from a
    /// boot without fetching the load offered, so it runs it.
    pub by: String,
    /// When (ms on the helper's clock).
    pub ms: u64,
}

/// What a phone was said to run, while nothing has been seen of it: the person
/// may change it on its card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Said {
    /// `8.3(3)`.
    pub label: String,
    /// Said for this phone (on its card); else the plan's start, said for every phone.
    pub here: bool,
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
    /// Where it starts when that was only said, never seen: it may be changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub said: Option<Said>,
    /// How `on` was seen ([`Seen::by`]), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_by: Option<String>,
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
        // A wiped phone said to run the target takes it again.
        WalkState::Fetching if s.hops == 0 => "fetching the target again".to_string(),
        WalkState::Fetching => format!("hop {} of {}, fetching", s.hop, s.hops),
        WalkState::Done => match &s.on {
            Some(on) => format!("on {on}"),
            None => "already on the target, as said: its configuration names that load".to_string(),
        },
        _ => format!("held. {}", s.detail.as_deref().unwrap_or(ASK_START)),
    };
    if path.is_empty() {
        at
    } else {
        format!("{path}: {at}")
    }
}

/// Where a phone's start comes from, for its card: said (on the card or for the
/// whole plan), which the person may change; or seen, which typing does not replace.
pub fn start_words(s: &WalkStatus) -> Option<String> {
    const CHECK: &str = "If its Settings → Status → Firmware Versions says otherwise, change it:";
    if let Some(said) = &s.said {
        let whose = if said.here {
            "as typed on this card"
        } else {
            "the start given for every phone of the bundle"
        };
        return Some(format!(
            "Lifeline walks it from {}, {whose}. {CHECK}",
            said.label
        ));
    }
    let on = s.on.as_deref()?;
    let how = seen_how(s.seen_by.as_deref());
    Some(if start_correctable(s) {
        format!("Lifeline saw it run {on}{how}. {CHECK}")
    } else if s.seen_by.as_deref() == Some(SEEN_BOOT) {
        format!("Lifeline saw it run {on}{how}.")
    } else {
        format!(
            "Lifeline saw it run {on}{how}. What a phone announced is not replaced by what is typed."
        )
    })
}

/// Whether the person may say where this phone starts from its card: while it is
/// asked, while its start was only said, and while what it runs was only suggested
/// by a boot (it did not fetch the load offered) and it is not done.
pub fn start_correctable(s: &WalkStatus) -> bool {
    s.state == WalkState::AskStart
        || s.said.is_some()
        || (s.on.is_some() && s.seen_by.as_deref() == Some(SEEN_BOOT) && s.state != WalkState::Done)
}

/// How a load was seen, as a clause: `: it announced it over CDP`.
pub(super) fn seen_how(by: Option<&str>) -> String {
    match by {
        Some(SEEN_BOOT) => {
            ": it came back from a boot without fetching it after Lifeline offered it".to_string()
        }
        Some(via) => format!(": it announced it over {via}"),
        None => String::new(),
    }
}

impl Walker {
    /// A phone's status for its card.
    pub fn status(&self, i: usize) -> WalkStatus {
        let p = &self.phones[i];
        // Its way: as first planned, else as it would be now.
        let path: Vec<String> = if p.path.is_empty() {
            match self.from(i) {
                Some(from) => match route(self.target.family, &from, &self.target, &self.loads) {
                    Route::Via(v) => std::iter::once(from.label(self.target.family))
                        .chain(v.into_iter().map(|l| l.name))
                        .collect(),
                    _ => vec![from.label(self.target.family)],
                },
                None => Vec::new(),
            }
        } else {
            p.path.clone()
        };
        let hops: Vec<&str> = path.iter().skip(1).map(String::as_str).collect();
        let hop = p
            .offered
            .as_deref()
            .and_then(|o| hops.iter().position(|h| h.eq_ignore_ascii_case(o)))
            .map_or(0, |i| i as u32 + 1);
        let from = self.from(i);
        // Said to run the target, and offered nothing else nor fetched the
        // target: already there, as far as anything shows.
        let said_target = p.on.is_none()
            && !p.fetched
            && p.offered
                .as_deref()
                .is_none_or(|o| o.eq_ignore_ascii_case(&self.target.name))
            && from.as_ref().is_some_and(|f| f.is(&self.target));
        let on_target = said_target || p.on.as_ref().is_some_and(|r| r.is(&self.target));
        let on_offered = match (&p.on, &p.offered) {
            (Some(on), Some(o)) => on
                .name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(o)),
            (_, None) => true,
            _ => false,
        };
        let state = if let Some(h) = &p.held {
            h.state
        } else if on_target {
            WalkState::Done
        } else if on_offered {
            WalkState::Waiting
        } else if p.fetched {
            WalkState::Fetching
        } else {
            WalkState::Offered
        };
        let mut labels: Vec<String> = path.first().cloned().into_iter().collect();
        labels.extend(hops.iter().map(|h| self.label_of(h)));
        WalkStatus {
            mac: p.mac.clone(),
            address: p.address,
            path: labels,
            hop,
            hops: hops.len() as u32,
            on: p.on.as_ref().map(|r| r.label(self.target.family)),
            state,
            detail: p.held.as_ref().map(|h| h.words.clone()),
            steps: p.steps.clone(),
            said: match (&p.on, from) {
                (None, Some(f)) => Some(Said {
                    label: f.label(self.target.family),
                    here: p.start.is_some(),
                }),
                _ => None,
            },
            seen_by: p.on.as_ref().and(p.seen.as_ref()).map(|s| s.by.clone()),
        }
    }

    /// The status of the phone with this MAC or address, if the walker knows it.
    pub fn status_of(&self, phone: &str) -> Option<WalkStatus> {
        let i = self.phones.iter().position(|p| {
            p.mac
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case(phone))
                || p.address.is_some_and(|a| a.to_string() == phone)
        })?;
        Some(self.status(i))
    }
}
