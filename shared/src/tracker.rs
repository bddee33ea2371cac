//! What the network events mean for each phone.
//!
//! [`Tracker`] folds [`Event`]s, with the served bundle's manifests
//! ([`Catalog`]), into one [`PhoneSummary`] per phone: which files it fetched
//! out of the ones its manifest lists, what it is doing now, and, in plain
//! words, why it is stuck. The tracker is pure: it is handed the time, so every
//! diagnosis is tested on a virtual clock.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, SocketAddr};

use crate::events::{
    DhcpStep, Diagnosis, Event, FileState, Outcome, PhoneFile, PhoneState, PhoneSummary,
    Resolution, TftpEnd, TftpRequest, is_normal_miss,
};

/// What the tracker needs to know of the bundle being served.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// Each `.loads` manifest (lower-case name) and the images it lists, in order.
    pub manifests: BTreeMap<String, Vec<String>>,
    /// File sizes by lower-case name.
    pub sizes: BTreeMap<String, u64>,
    /// Every file name in the bundle, as stored.
    pub names: Vec<String>,
}

impl Catalog {
    /// The catalog of a bundle manifest: every `.loads` file's image list comes
    /// from `read_manifest(name)`, which returns its parsed images, if any.
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, u64)>,
        mut read_manifest: impl FnMut(&str) -> Option<Vec<String>>,
    ) -> Catalog {
        let mut c = Catalog::default();
        for (name, size) in files {
            c.names.push(name.to_string());
            c.sizes.insert(name.to_ascii_lowercase(), size);
            if name.to_ascii_lowercase().ends_with(".loads")
                && let Some(images) = read_manifest(name)
            {
                c.manifests.insert(name.to_ascii_lowercase(), images);
            }
        }
        c
    }
}

/// How long without a request before a phone in the middle of recovery is "stuck".
pub const QUIET_LIMIT_MS: u64 = 5 * 60 * 1000;
/// How many times a phone may fetch the same manifest without going on.
pub const MANIFEST_REPEAT_LIMIT: u32 = 3;
/// How many timed-out transfers of the same file before a phone is "stuck".
pub const TIMEOUT_LIMIT: u32 = 3;

#[derive(Clone, Debug)]
struct Phone {
    summary: PhoneSummary,
    manifest: Option<String>,
    manifest_fetches: u32,
    images_since_manifest: u32,
    timeouts: HashMap<String, u32>,
}

/// Folds events into per-phone summaries.
#[derive(Clone, Debug, Default)]
pub struct Tracker {
    catalog: Catalog,
    phones: BTreeMap<String, Phone>,
    by_address: HashMap<Ipv4Addr, String>,
}

impl Tracker {
    /// A tracker for a bundle.
    pub fn new(catalog: Catalog) -> Tracker {
        Tracker {
            catalog,
            ..Tracker::default()
        }
    }

    /// Another bundle is served from now on.
    pub fn set_catalog(&mut self, catalog: Catalog) {
        self.catalog = catalog;
    }

    /// Every phone, in first-seen order.
    pub fn summaries(&self) -> Vec<PhoneSummary> {
        let mut all: Vec<PhoneSummary> = self.phones.values().map(|p| p.summary.clone()).collect();
        crate::sort::sort_by_key(&mut all, |p| (p.first_seen_ms, p.id.clone()));
        all
    }

    fn phone_for(&mut self, now: u64, mac: Option<&str>, address: Option<Ipv4Addr>) -> String {
        let key = match (mac, address) {
            (Some(m), _) => format!("SEP{m}"),
            (None, Some(a)) => self
                .by_address
                .get(&a)
                .cloned()
                .unwrap_or_else(|| a.to_string()),
            (None, None) => "unknown".to_string(),
        };
        // A phone first seen by address, then by DHCP: keep one card.
        if let (Some(_), Some(a)) = (mac, address)
            && let Some(old) = self.by_address.get(&a).cloned()
            && old != key
            && !old.starts_with("SEP")
            && let Some(mut p) = self.phones.remove(&old)
        {
            p.summary.id = key.clone();
            self.phones.insert(key.clone(), p);
        }
        if let Some(a) = address {
            self.by_address.insert(a, key.clone());
        }
        self.phones.entry(key.clone()).or_insert_with(|| Phone {
            summary: PhoneSummary {
                id: key.clone(),
                mac: mac.map(str::to_string),
                model: None,
                address,
                state: PhoneState::Waiting,
                reason: None,
                diagnosis: None,
                current_file: None,
                files: Vec::new(),
                files_done: 0,
                files_expected: 0,
                normal_misses: Vec::new(),
                recovered: false,
                retries: 0,
                first_seen_ms: now,
                last_seen_ms: now,
            },
            manifest: None,
            manifest_fetches: 0,
            images_since_manifest: 0,
            timeouts: HashMap::new(),
        });
        key
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
            let s = &mut p.summary;
            s.state = PhoneState::Waiting;
            s.reason = None;
            s.diagnosis = None;
            s.current_file = None;
            s.files.clear();
            s.files_done = 0;
            s.files_expected = 0;
            s.normal_misses.clear();
            s.recovered = false;
            s.retries = s.retries.saturating_add(1);
            s.last_seen_ms = now;
            p.manifest = None;
            p.manifest_fetches = 0;
            p.images_since_manifest = 0;
            p.timeouts.clear();
            changed.push(p.summary.clone());
        }
        changed
    }

    /// Folds one event in; returns the summaries that changed.
    pub fn handle(&mut self, now: u64, event: &Event) -> Vec<PhoneSummary> {
        let key = match event {
            Event::Dhcp(d) => {
                let addr = match &d.step {
                    DhcpStep::Ack { addr, .. } | DhcpStep::Inform { addr } => Some(*addr),
                    _ => None,
                };
                let key = self.phone_for(now, Some(&d.mac), addr);
                let p = self.phones.get_mut(&key).expect("phone_for inserts");
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
                let ip = client_ip(r.client);
                let key = self.phone_for(now, None, ip);
                self.on_request(&key, r);
                key
            }
            Event::TftpProgress(p) => {
                let key = self.phone_for(now, None, client_ip(p.client));
                let phone = self.phones.get_mut(&key).expect("phone_for inserts");
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
                let key = self.phone_for(now, None, client_ip(e.client));
                self.on_end(&key, e);
                key
            }
            _ => return Vec::new(),
        };
        let phone = self.phones.get_mut(&key).expect("phone_for inserts");
        phone.summary.last_seen_ms = now;
        recount(&mut phone.summary);
        vec![phone.summary.clone()]
    }

    fn on_request(&mut self, key: &str, r: &TftpRequest) {
        let asked = r.file.trim_start_matches(['/', '\\']).to_string();
        let lower = asked.to_ascii_lowercase();
        let catalog = &self.catalog;
        let phone = self.phones.get_mut(key).expect("phone_for inserts");
        let s = &mut phone.summary;
        got_an_address(s);
        if s.state == PhoneState::Done && lower.ends_with(".cnf.xml") {
            s.recovered = true;
        }
        if let Some(images) = catalog.manifests.get(&lower) {
            // A manifest: the files to expect are it and its images.
            // The same manifest again, mid-recovery, counts as a repeat; after a
            // finished recovery it starts a new one.
            let finished = s.state == PhoneState::Done;
            if phone.manifest.as_deref() == Some(lower.as_str()) && !finished {
                phone.manifest_fetches += 1;
            } else {
                phone.manifest = Some(lower.clone());
                phone.manifest_fetches = 1;
                s.files = std::iter::once(asked.clone())
                    .chain(images.iter().cloned())
                    .map(|name| PhoneFile {
                        size: catalog.sizes.get(&name.to_ascii_lowercase()).copied(),
                        name,
                        bytes: 0,
                        state: FileState::Pending,
                        retransmissions: 0,
                    })
                    .collect();
                s.state = PhoneState::Downloading;
                s.reason = None;
                s.diagnosis = None;
                s.recovered = false;
            }
            phone.images_since_manifest = 0;
            if phone.manifest_fetches >= MANIFEST_REPEAT_LIMIT {
                s.diagnosis = Some(Diagnosis::ManifestRepeated {
                    file: asked.clone(),
                    times: phone.manifest_fetches,
                    recovery: lower.starts_with("term"),
                });
            }
            if phone.manifest_fetches >= MANIFEST_REPEAT_LIMIT && lower.starts_with("term") {
                s.state = PhoneState::Stuck;
                s.reason = Some(format!(
                    "It asked for {asked} {} times without going on to the images: its bootloader refuses this build, or could not read the manifest. Try an 8.3(3)–8.5(2) load first, then this one.",
                    phone.manifest_fetches
                ));
            } else if phone.manifest_fetches >= MANIFEST_REPEAT_LIMIT {
                s.state = PhoneState::Stuck;
                s.reason = Some(format!(
                    "It asked for {asked} {} times without fetching any image: it may refuse this load. Check the upgrade path (8.3(3)–8.5(2) first for old phones).",
                    phone.manifest_fetches
                ));
            }
        } else if let Some(f) = find_file(&mut s.files, &asked) {
            phone.images_since_manifest += 1;
            if r.resolution == Resolution::NotFound || r.resolution == Resolution::Denied {
                f.state = FileState::NotFound;
            } else {
                f.state = FileState::Downloading;
                f.bytes = 0;
                if f.size.is_none() {
                    f.size = r.size;
                }
            }
        }
        match r.resolution {
            Resolution::NotFound | Resolution::Denied => {
                if is_normal_miss(&asked) {
                    if !s.normal_misses.contains(&asked) {
                        s.normal_misses.push(asked.clone());
                    }
                } else if s.files.iter().any(|f| f.name.eq_ignore_ascii_case(&asked))
                    || lower.ends_with(".loads")
                    || is_firmware_image(&lower)
                {
                    let near = crate::firmware::inspect::closest(
                        &asked,
                        catalog.names.iter().map(String::as_str),
                    );
                    s.state = PhoneState::Failed;
                    s.diagnosis = Some(Diagnosis::NotFound {
                        file: asked.clone(),
                        closest: near.map(str::to_string),
                    });
                    s.reason = Some(format!(
                        "It asked for {asked}, which the bundle does not have{}. It will stay stuck until that file is served.",
                        near.map(|n| format!(" (closest name: {n})"))
                            .unwrap_or_default()
                    ));
                }
                s.current_file = None;
            }
            _ => {
                s.current_file = Some(asked);
                if s.state == PhoneState::Waiting {
                    s.state = PhoneState::Downloading;
                }
            }
        }
    }

    fn on_end(&mut self, key: &str, e: &TftpEnd) {
        let asked = e.file.trim_start_matches(['/', '\\']).to_string();
        let phone = self.phones.get_mut(key).expect("phone_for inserts");
        let s = &mut phone.summary;
        if s.current_file.as_deref() == Some(asked.as_str()) {
            s.current_file = None;
        }
        let Some(f) = find_file(&mut s.files, &asked) else {
            return;
        };
        f.bytes = f.bytes.max(e.stats.bytes);
        f.retransmissions = e.stats.retransmissions;
        match &e.outcome {
            Outcome::Done => {
                f.state = FileState::Done;
                if let Some(size) = f.size {
                    f.bytes = size;
                }
            }
            Outcome::TimedOut { .. } => {
                f.state = FileState::Failed;
                let n = phone.timeouts.entry(asked.clone()).or_insert(0);
                *n += 1;
                if *n >= TIMEOUT_LIMIT {
                    s.state = PhoneState::Stuck;
                    s.diagnosis = Some(Diagnosis::TimedOut {
                        file: asked.clone(),
                        times: *n,
                    });
                    s.reason = Some(format!(
                        "The transfer of {asked} timed out {n} times. Something drops packets between this computer and the phone: check a firewall on this computer (UDP 69 and the ports above 1024), or a switch or VLAN in between."
                    ));
                }
            }
            Outcome::PeerError { message, .. } => {
                f.state = FileState::Failed;
                s.diagnosis = Some(Diagnosis::PhoneError {
                    file: asked.clone(),
                    message: message.clone(),
                });
                s.reason = Some(format!(
                    "The phone stopped the transfer of {asked}: {message}"
                ));
            }
            Outcome::ReadError { message } => {
                f.state = FileState::Failed;
                s.state = PhoneState::Failed;
                s.diagnosis = Some(Diagnosis::ReadError {
                    file: asked.clone(),
                    message: message.clone(),
                });
                s.reason = Some(format!("The helper could not read {asked}: {message}"));
            }
            Outcome::Cancelled => f.state = FileState::Failed,
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
                changed.push(s.clone());
            }
        }
        changed
    }
}

/// What a DHCP step means for a phone's state. An address another host
/// answers at ([`DhcpStep::AddressInUse`]) is neither the phone's nor a
/// problem for it (it is offered the next one), so it changes nothing.
fn on_dhcp(s: &mut PhoneSummary, step: &DhcpStep) {
    match step {
        DhcpStep::PoolExhausted => {
            s.state = PhoneState::Stuck;
            s.diagnosis = Some(Diagnosis::NoFreeAddress);
            s.reason = Some(
                "The helper's DHCP server has no free address for it: every address of its range is leased or held. Start the helper with a wider --dhcp-range, or wait for unused leases to expire; the phone keeps asking and gets an address as soon as one is free.".to_string(),
            );
        }
        DhcpStep::Ack { .. } | DhcpStep::Inform { .. } => got_an_address(s),
        DhcpStep::Discover { .. }
        | DhcpStep::Offer { .. }
        | DhcpStep::Nak { .. }
        | DhcpStep::Decline { .. }
        | DhcpStep::Release { .. }
        | DhcpStep::AddressInUse { .. }
        | DhcpStep::Other => {}
    }
}

/// The phone has an address (a lease, or it speaks TFTP): it is no longer
/// stuck for the want of one.
fn got_an_address(s: &mut PhoneSummary) {
    if s.diagnosis == Some(Diagnosis::NoFreeAddress) {
        s.state = if s.files.is_empty() {
            PhoneState::Waiting
        } else {
            PhoneState::Downloading
        };
        s.diagnosis = None;
        s.reason = None;
    }
}

fn client_ip(addr: SocketAddr) -> Option<Ipv4Addr> {
    match addr {
        SocketAddr::V4(a) => Some(*a.ip()),
        SocketAddr::V6(a) => a.ip().to_ipv4_mapped(),
    }
}

/// A firmware image name (`.sbn`, `.sb2`, `.sgn`, `.bin`, `.zz`): a phone never
/// asks for one it can do without.
fn is_firmware_image(lower: &str) -> bool {
    [".sbn", ".sb2", ".sgn", ".bin", ".zz"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

fn find_file<'a>(files: &'a mut [PhoneFile], name: &str) -> Option<&'a mut PhoneFile> {
    let name = name.trim_start_matches(['/', '\\']);
    files.iter_mut().find(|f| f.name.eq_ignore_ascii_case(name))
}

fn recount(s: &mut PhoneSummary) {
    s.files_expected = s.files.len();
    s.files_done = s
        .files
        .iter()
        .filter(|f| f.state == FileState::Done)
        .count();
    if s.files_expected > 0 && s.files_done == s.files_expected {
        s.state = PhoneState::Done;
        s.reason = None;
        s.diagnosis = None;
    }
}

#[cfg(test)]
#[path = "tracker_tests.rs"]
mod tests;
