//! What happens on the network, and what it means for each phone.
//!
//! [`Event`]s are what the helper's TFTP and DHCP servers report; they travel to
//! the browser over the websocket. [`Tracker`] folds them, with the bundle's
//! manifests, into one [`PhoneSummary`] per phone: which files it fetched out of
//! the ones its manifest lists, what it is doing now, and — in plain words — why
//! it is stuck. The tracker is pure: it is handed the time, so every diagnosis is
//! tested on a virtual clock.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, SocketAddr};

use crate::config::mac::Mac;

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

/// A TFTP option as the client sent it or the server accepted it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionPair {
    /// Lower-case name (`blksize`).
    pub name: String,
    /// Its value.
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
    PeerError {
        /// Its code.
        code: u16,
        /// Its message.
        message: String,
    },
    /// The client stopped answering.
    TimedOut {
        /// Retransmissions tried in a row.
        retries: u32,
    },
    /// The file could not be read.
    ReadError {
        /// Why.
        message: String,
    },
    /// The server stopped the transfer (shutdown).
    Cancelled,
}

/// A read request and how it was resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TftpRequest {
    /// The transfer's number.
    pub transfer: u64,
    /// The client.
    pub client: SocketAddr,
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
    /// Its size.
    pub size: Option<u64>,
    /// Options acknowledged.
    pub accepted: Vec<OptionPair>,
    /// Why it was denied, when it was.
    pub detail: Option<String>,
}

/// Progress of a transfer (rate-limited).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TftpProgress {
    /// The transfer's number.
    pub transfer: u64,
    /// The client.
    pub client: SocketAddr,
    /// The file as asked.
    pub file: String,
    /// Its size.
    pub size: Option<u64>,
    /// Counters so far.
    #[serde(flatten)]
    pub stats: Stats,
}

/// The end of a transfer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TftpEnd {
    /// The transfer's number.
    pub transfer: u64,
    /// The client.
    pub client: SocketAddr,
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
    /// The client.
    pub client: SocketAddr,
    /// The file as asked.
    pub file: String,
    /// The TFTP error code sent.
    pub code: u16,
    /// Why.
    pub reason: String,
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
        /// The address.
        addr: Ipv4Addr,
        /// Option 150 sent.
        tftp: Vec<Ipv4Addr>,
    },
    /// We confirmed a lease.
    Ack {
        /// The address.
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
        /// Why.
        reason: String,
    },
    /// The client said the address is in use.
    Decline {
        /// The address.
        addr: Ipv4Addr,
    },
    /// The client gave its address back.
    Release {
        /// The address.
        addr: Ipv4Addr,
    },
    /// The client asked for options only.
    Inform {
        /// Its address.
        addr: Ipv4Addr,
    },
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

/// Something that happened on the network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Event {
    /// A read request.
    TftpRequest(TftpRequest),
    /// Progress of a transfer.
    TftpProgress(TftpProgress),
    /// A transfer finished.
    TftpDone(TftpEnd),
    /// A transfer stopped before the end.
    TftpAborted(TftpEnd),
    /// A request refused before any transfer started.
    TftpRefused(TftpRefused),
    /// A retransmitted request for a transfer already running.
    TftpDuplicate {
        /// The client.
        client: SocketAddr,
        /// The file.
        file: String,
    },
    /// A DHCP step.
    Dhcp(DhcpEvent),
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
    /// Where it is.
    pub state: FileState,
    /// Retransmissions in its transfers.
    pub retransmissions: u64,
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
    /// Its address.
    pub address: Option<Ipv4Addr>,
    /// Where it is.
    pub state: PhoneState,
    /// For stuck and failed: why, in plain words, and what to do.
    pub reason: Option<String>,
    /// The same, as a code (set and cleared with `reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<Diagnosis>,
    /// The file being sent now.
    pub current_file: Option<String>,
    /// The files its manifest lists, manifest first, in order.
    pub files: Vec<PhoneFile>,
    /// Files done.
    pub files_done: usize,
    /// Files expected.
    pub files_expected: usize,
    /// Requests that missed but are normal (CTL/ITL, per-MAC configs).
    pub normal_misses: Vec<String>,
    /// After fetching every file it asked for its configuration again: it
    /// restarted with the new load (the observed end of a recovery).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recovered: bool,
    /// How many times it was started over by [`Tracker::retry`] (the page's
    /// "Retry failed"); 0 on its first try.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub retries: u32,
    /// When it was first seen (ms since the tracker's epoch).
    pub first_seen_ms: u64,
    /// When it was last heard from.
    pub last_seen_ms: u64,
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
        /// The manifest.
        file: String,
        /// How many times.
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
    TimedOut {
        /// The file.
        file: String,
        /// How many times.
        times: u32,
    },
    /// The phone stopped a transfer with a TFTP error.
    PhoneError {
        /// The file.
        file: String,
        /// The phone's message.
        message: String,
    },
    /// The helper could not read a file.
    ReadError {
        /// The file.
        file: String,
        /// Why.
        message: String,
    },
    /// The helper's DHCP server has no free address for it.
    NoFreeAddress,
    /// A diagnosis newer than this build knows.
    #[serde(other)]
    Other,
}

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
        all.sort_by_key(|p| (p.first_seen_ms, p.id.clone()));
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

    /// "Retry failed" (UX §2.14): each phone of `ids` that is stuck or failed
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

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
