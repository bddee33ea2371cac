//! What the network events mean for each phone.
//!
//! [`Tracker`] folds [`Event`]s, with the served bundle's manifests
//! ([`Catalog`]), into one [`PhoneSummary`] per phone: which files it fetched
//! out of the ones its manifest lists, what it is doing now, and, in plain
//! words, why it is stuck. The tracker is pure: it is handed the time, so every
//! diagnosis is tested on a virtual clock.
//!
//! Which card a request belongs to:
//! - by MAC (`SEP<MAC>`) once anything revealed it: a DHCP step, or a request
//!   for a name that carries it (`SEP<MAC>.cnf.xml`, `CTLSEP<MAC>.tlv`,
//!   `ITLSEP<MAC>.tlv`);
//! - otherwise by address and start: several phones behind one address (a
//!   NAT, a router) or one phone reset again are told apart by their
//!   sequence. A manifest asked for again after the card went past it (an
//!   image fetched, all files sent, or a failure on another file) is a new
//!   start on a card of its own (`10.0.0.5#2`); asked again without going on,
//!   it is a repeat on the same card.
//!
//! Layout: `catalog` what the tracker knows of the served bundle; `cards`
//! which card a request belongs to; `attempt` what a phone's requests,
//! transfer ends and DHCP steps make of its card; `annotations` what else a
//! card is told (announcements, configurations served, walks, simulations).
//!
//! A phone's CDP or LLDP-MED announcement ([`Event::Neighbour`]) puts what it
//! said on its card (by MAC), before or without any request, with a note on
//! its running load against the bundle's ([`Catalog::load_for`]).
//!
//! Cards belong to the bundle they were judged against: [`Tracker::switch`]
//! re-judges each against the new bundle, or archives it, and says which
//! ([`Switched`]).

mod annotations;
mod attempt;
mod cards;
mod catalog;

pub use catalog::Catalog;

use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, SocketAddr};

use attempt::{find_file, not_found, on_dhcp, recount};

use crate::events::{
    DhcpStep, Diagnosis, Event, FileState, PhoneState, PhoneSummary, Switched, TftpEnd, TftpRequest,
};

/// How long without a request before a phone in the middle of recovery is "stuck".
pub const QUIET_LIMIT_MS: u64 = 5 * 60 * 1000;
/// How many times a phone may fetch the same manifest without going on.
pub const MANIFEST_REPEAT_LIMIT: u32 = 3;
/// How many times a phone may fetch its configuration, without ever asking for
/// firmware, before it is in a configuration loop.
pub const CONFIG_REPEAT_LIMIT: u32 = 3;
/// How many timed-out transfers of the same file before a phone is "stuck".
pub const TIMEOUT_LIMIT: u32 = 3;
/// The most cards the tracker keeps. A room is tens or hundreds of phones;
/// past this (requests from a scan of many addresses, a flood of DHCP
/// clients, a helper left running through many recoveries) the card seen
/// least recently goes, so the tracker's memory, and the snapshot a page
/// gets, stay bounded. The tables from addresses to cards are held to it too.
pub const MAX_CARDS: usize = 1024;
/// The most simulated phones' addresses remembered (see
/// [`Event::SimulationStarted`]); past it the table starts afresh.
pub const MAX_SIMULATED: usize = 256;

#[derive(Clone, Debug)]
struct Phone {
    summary: PhoneSummary,
    manifest: Option<String>,
    manifest_fetches: u32,
    images_since_manifest: u32,
    timeouts: HashMap<String, u32>,
    /// Configurations fetched since the last manifest.
    config_fetches: u32,
}

impl Phone {
    fn new(now: u64, id: String, mac: Option<&str>, address: Option<Ipv4Addr>) -> Phone {
        Phone {
            summary: PhoneSummary {
                mac: mac.map(str::to_string),
                address,
                ..PhoneSummary::new(id, now)
            },
            manifest: None,
            manifest_fetches: 0,
            images_since_manifest: 0,
            timeouts: HashMap::new(),
            config_fetches: 0,
        }
    }

    /// Back to waiting for its first request: no files, diagnosis or
    /// counters of what came before.
    fn start_over(&mut self, now: u64) {
        let s = &mut self.summary;
        s.state = PhoneState::Waiting;
        s.reason = None;
        s.diagnosis = None;
        s.current_file = None;
        s.files.clear();
        s.files_done = 0;
        s.files_expected = 0;
        s.normal_misses.clear();
        s.recovered = false;
        s.switched = None;
        s.last_seen_ms = now;
        self.manifest = None;
        self.manifest_fetches = 0;
        self.images_since_manifest = 0;
        self.timeouts.clear();
        self.config_fetches = 0;
    }

    /// Whether a request for the manifest `lower` starts the phone over: it
    /// went past its first file (an image, every file, or a failure on
    /// another file) and asks for a manifest again.
    fn starts_over_with(&self, lower: &str) -> bool {
        let s = &self.summary;
        let failed_elsewhere = s.state == PhoneState::Failed
            && !matches!(&s.diagnosis, Some(Diagnosis::NotFound { file, .. }) if file.eq_ignore_ascii_case(lower));
        self.images_since_manifest > 0 || s.state == PhoneState::Done || failed_elsewhere
    }
}

/// Folds events into per-phone summaries.
#[derive(Clone, Debug, Default)]
pub struct Tracker {
    catalog: Catalog,
    phones: BTreeMap<String, Phone>,
    /// The card each address's requests go to now.
    by_address: HashMap<Ipv4Addr, String>,
    /// Cards keyed by address so far, per address.
    starts: HashMap<Ipv4Addr, u32>,
    /// The card renamed by the event being handled: (old id, new id).
    renamed: Option<(String, String)>,
    /// The addresses simulated phones send from, each with its MAC: their
    /// transfers are a simulation's, never a real phone's, so they move no
    /// card; their verdicts and configurations go to their MAC's card.
    simulated: HashMap<Ipv4Addr, String>,
}

impl Tracker {
    /// A tracker for a bundle.
    pub fn new(catalog: Catalog) -> Tracker {
        Tracker {
            catalog,
            ..Tracker::default()
        }
    }

    /// Every phone, in first-seen order.
    pub fn summaries(&self) -> Vec<PhoneSummary> {
        let mut all: Vec<PhoneSummary> = self.phones.values().map(|p| p.summary.clone()).collect();
        crate::sort::sort_by_key(&mut all, |p| (p.first_seen_ms, p.id.clone()));
        all
    }

    /// The page's "Retry failed": each phone of `ids` that is stuck or failed
    /// starts over, as if first seen now: waiting for its first request, with
    /// no files, diagnosis or counters of the try before (a manifest fetched
    /// again no longer counts as a repeat), and one more retry counted. The
    /// user fixes the cause and resets the phone; its card follows the new
    /// try. Other phones and unknown ids are left alone. Returns the
    /// summaries that changed.
    pub fn retry(&mut self, now: u64, ids: &[String]) -> Vec<PhoneSummary> {
        let mut changed = Vec::new();
        for id in ids {
            let Some(p) = self.phones.get_mut(id) else {
                continue;
            };
            if !matches!(p.summary.state, PhoneState::Stuck | PhoneState::Failed) {
                continue;
            }
            p.start_over(now);
            p.summary.retries = p.summary.retries.saturating_add(1);
            advise(&mut p.summary);
            changed.push(p.summary.clone());
        }
        changed
    }

    /// Another bundle is served from now on: each card judged against the
    /// previous one is re-judged or archived, and says which. A card with
    /// every file sent is archived (a true record of that bundle); one that
    /// failed on a file the new bundle lacks too fails again, re-judged
    /// (closest name from the new bundle); every other judged card starts
    /// over, waiting for the phone to ask the new bundle. A card with nothing
    /// judged yet is left alone. Returns the summaries that changed.
    pub fn switch(&mut self, now: u64, catalog: Catalog) -> Vec<PhoneSummary> {
        self.catalog = catalog;
        let mut changed = Vec::new();
        for p in self.phones.values_mut() {
            // Whom it registers as, and what a simulation said, were about
            // the previous bundle's files.
            let forgot =
                p.summary.registers.take().is_some() | p.summary.simulation.take().is_some();
            let s = &p.summary;
            if s.state == PhoneState::Done {
                if s.switched == Some(Switched::Archived) {
                    if forgot {
                        changed.push(p.summary.clone());
                    }
                    continue;
                }
                p.summary.switched = Some(Switched::Archived);
            } else if s.state == PhoneState::Waiting && s.files.is_empty() && s.diagnosis.is_none()
            {
                if forgot {
                    changed.push(p.summary.clone());
                }
                continue;
            } else if let Some(Diagnosis::NotFound { file, .. }) = &s.diagnosis
                && s.state == PhoneState::Failed
                && !self.catalog.has(file)
            {
                let file = file.clone();
                let s = &mut p.summary;
                not_found(s, &self.catalog, &file);
                s.switched = Some(Switched::StillMissing);
                s.last_seen_ms = now;
            } else {
                p.start_over(now);
                p.summary.switched = Some(Switched::StartsOver);
            }
            advise(&mut p.summary);
            changed.push(p.summary.clone());
        }
        changed
    }

    /// Folds one event in; returns the summaries that changed.
    pub fn handle(&mut self, now: u64, event: &Event) -> Vec<PhoneSummary> {
        match event {
            Event::Neighbour(n) => return self.on_announcement(now, n),
            Event::ConfigServed(c) => return self.on_config(now, c),
            Event::Walk(w) => return self.on_walk(now, w),
            Event::SimulationStarted(s) => return self.on_simulation(now, s),
            Event::SimulationVerdict(v) => return self.on_verdict(now, v),
            Event::TftpRequest(TftpRequest { client, .. })
            | Event::TftpProgress(crate::events::TftpProgress { client, .. })
            | Event::TftpDone(TftpEnd { client, .. })
            | Event::TftpAborted(TftpEnd { client, .. })
                if client_ip(*client).is_some_and(|a| self.simulated.contains_key(&a)) =>
            {
                // A simulated phone's transfer: in the log, on no card.
                return Vec::new();
            }
            _ => {}
        }
        let key = match event {
            Event::Dhcp(d) => {
                let addr = match &d.step {
                    DhcpStep::Ack { addr, .. } | DhcpStep::Inform { addr } => Some(*addr),
                    _ => None,
                };
                let key = self.phone_by_mac(now, &d.mac, addr);
                let p = self.phones.get_mut(&key).expect("every key names a card");
                p.summary.mac = Some(d.mac.clone());
                if d.model.is_some() {
                    p.summary.model = d.model.clone();
                }
                if let Some(a) = addr {
                    p.summary.address = Some(a);
                }
                on_dhcp(&mut p.summary, &d.step);
                key
            }
            Event::TftpRequest(r) => {
                let key = self.phone_for_request(now, client_ip(r.client), &r.file);
                self.on_request(&key, r);
                key
            }
            Event::TftpProgress(p) => {
                let key = self.phone_of(now, client_ip(p.client));
                let phone = self.phones.get_mut(&key).expect("every key names a card");
                if let Some(f) = find_file(&mut phone.summary.files, &p.file) {
                    f.bytes = f.bytes.max(p.stats.bytes);
                    f.retransmissions = p.stats.retransmissions;
                    if f.state == FileState::Pending {
                        f.state = FileState::Downloading;
                    }
                }
                key
            }
            Event::TftpDone(e) | Event::TftpAborted(e) => {
                let key = self.phone_of(now, client_ip(e.client));
                self.on_end(&key, e);
                key
            }
            _ => return Vec::new(),
        };
        let phone = self.phones.get_mut(&key).expect("every key names a card");
        phone.summary.last_seen_ms = now;
        recount(&mut phone.summary);
        advise(&mut phone.summary);
        let mut out = phone.summary.clone();
        if let Some((old, new)) = self.renamed.take()
            && new == key
        {
            out.renamed_from = Some(old);
        }
        self.bound(&key);
        vec![out]
    }

    /// `out`, with the id it had before, when the event being handled
    /// renamed it.
    fn take_renamed(&mut self, key: &str, mut out: PhoneSummary) -> Vec<PhoneSummary> {
        if let Some((old, new)) = self.renamed.take()
            && new == key
        {
            out.renamed_from = Some(old);
        }
        vec![out]
    }

    /// Holds the cards to [`MAX_CARDS`], the least recently seen going
    /// first (never `keep`, the card just touched), and the address tables
    /// to as many entries: an address's entry goes with its card, and past
    /// the bound only each card's own address is kept.
    fn bound(&mut self, keep: &str) {
        while self.phones.len() > MAX_CARDS {
            let Some(oldest) = self
                .phones
                .iter()
                .filter(|(id, _)| id.as_str() != keep)
                .min_by_key(|(id, p)| (p.summary.last_seen_ms, p.summary.first_seen_ms, *id))
                .map(|(id, _)| id.clone())
            else {
                break;
            };
            self.phones.remove(&oldest);
            self.by_address.retain(|_, card| *card != oldest);
        }
        if self.by_address.len() > MAX_CARDS {
            let phones = &self.phones;
            self.by_address.retain(|address, card| {
                phones
                    .get(card)
                    .is_some_and(|p| p.summary.address == Some(*address))
            });
        }
        if self.starts.len() > MAX_CARDS {
            let by_address = &self.by_address;
            self.starts
                .retain(|address, _| by_address.contains_key(address));
        }
    }

    /// Lets time pass: a phone in the middle of recovery that has not asked for
    /// anything for [`QUIET_LIMIT_MS`] is stuck. Returns the summaries that changed.
    pub fn tick(&mut self, now: u64) -> Vec<PhoneSummary> {
        let mut changed = Vec::new();
        for p in self.phones.values_mut() {
            let s = &mut p.summary;
            let quiet = now.saturating_sub(s.last_seen_ms);
            if matches!(s.state, PhoneState::Downloading | PhoneState::Waiting)
                && quiet >= QUIET_LIMIT_MS
            {
                s.state = PhoneState::Stuck;
                s.diagnosis = Some(Diagnosis::Quiet {
                    minutes: quiet / 60_000,
                    last: s.current_file.clone(),
                });
                s.reason = Some(format!(
                    "No request for {} minutes{}. Check that the phone is powered (797x need a power brick), that it got an address from DHCP with option 150, and that no firewall blocks TFTP.",
                    quiet / 60_000,
                    s.current_file
                        .as_ref()
                        .map(|f| format!(" (last: {f})"))
                        .unwrap_or_default()
                ));
                advise(s);
                changed.push(s.clone());
            }
        }
        changed
    }
}

/// The words of `s`'s diagnosis, set beside it.
fn advise(s: &mut PhoneSummary) {
    s.advice = s.diagnosis.as_ref().and_then(crate::advice::advice);
}

fn client_ip(addr: SocketAddr) -> Option<Ipv4Addr> {
    match addr {
        SocketAddr::V4(a) => Some(*a.ip()),
        SocketAddr::V6(a) => a.ip().to_ipv4_mapped(),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests79;
#[cfg(test)]
mod tests_sim;
