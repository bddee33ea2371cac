//! One try of a phone, as its requests, transfer ends and DHCP steps build
//! its card: the files its manifest lists and how far each got, its state,
//! and, when it is stuck or failed, the diagnosis and its reason.

use super::catalog::Catalog;
use super::{CONFIG_REPEAT_LIMIT, MANIFEST_REPEAT_LIMIT, TIMEOUT_LIMIT, Tracker};
use crate::events::{
    DhcpStep, Diagnosis, FileState, Outcome, PhoneFile, PhoneState, PhoneSummary, Resolution,
    Switched, TftpEnd, TftpRequest, is_normal_miss,
};

impl Tracker {
    pub(super) fn on_request(&mut self, key: &str, r: &TftpRequest) {
        let asked = r.file.trim_start_matches(['/', '\\']).to_string();
        let lower = asked.to_ascii_lowercase();
        let catalog = &self.catalog;
        let phone = self.phones.get_mut(key).expect("every key names a card");
        let s = &mut phone.summary;
        got_an_address(s);
        if s.switched != Some(Switched::Archived) {
            s.switched = None;
        }
        if s.state == PhoneState::Done && is_config(&lower) {
            s.recovered = true;
        }
        let found = !matches!(r.resolution, Resolution::NotFound | Resolution::Denied);
        if is_config(&lower) && found && s.files.is_empty() {
            // Its configuration again, and never a manifest: a loop.
            phone.config_fetches += 1;
            if phone.config_fetches >= CONFIG_REPEAT_LIMIT {
                let cause = catalog.loop_cause(&asked, s.model.as_deref());
                s.state = PhoneState::Stuck;
                s.diagnosis = Some(Diagnosis::ConfigLoop {
                    file: asked.clone(),
                    times: phone.config_fetches,
                    cause,
                });
                s.reason = s
                    .diagnosis
                    .as_ref()
                    .and_then(crate::advice::advice)
                    .map(|a| format!("{} {}", a.detail, a.fix));
            }
        }
        // A manifest served under another name (an upgrade plan's hop's recovery
        // manifest for `termNN.default.loads`) lists the served one's images.
        let lower = match &r.served {
            Some(served) if r.resolution == Resolution::Alias => {
                let served = served.to_ascii_lowercase();
                if catalog.manifests.contains_key(&served) {
                    served
                } else {
                    lower
                }
            }
            _ => lower,
        };
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
                    .chain(images.iter().filter(|i| catalog.expects(i)).cloned())
                    .map(|name| PhoneFile {
                        size: catalog.sizes.get(&name.to_ascii_lowercase()).copied(),
                        name,
                        bytes: 0,
                        state: FileState::Pending,
                        retransmissions: 0,
                        transport: crate::events::Transport::Tftp,
                    })
                    .collect();
                if let Some(manifest) = s.files.first_mut() {
                    manifest.transport = r.transport;
                }
                s.state = PhoneState::Downloading;
                s.reason = None;
                s.diagnosis = None;
                s.recovered = false;
            }
            phone.images_since_manifest = 0;
            phone.config_fetches = 0;
            if phone.manifest_fetches >= MANIFEST_REPEAT_LIMIT {
                s.diagnosis = Some(Diagnosis::ManifestRepeated {
                    file: asked.clone(),
                    times: phone.manifest_fetches,
                    recovery: asked.to_ascii_lowercase().starts_with("term"),
                });
            }
            if phone.manifest_fetches >= MANIFEST_REPEAT_LIMIT
                && asked.to_ascii_lowercase().starts_with("term")
            {
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
            if !lower.ends_with(".loads") {
                phone.images_since_manifest += 1;
            }
            f.transport = r.transport;
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
                // An absent optional image (`#+`) is one the phone goes on without.
                if is_normal_miss(&asked) || catalog.is_optional(&asked) {
                    if !s.normal_misses.contains(&asked) {
                        s.normal_misses.push(asked.clone());
                    }
                } else if s.files.iter().any(|f| f.name.eq_ignore_ascii_case(&asked))
                    || lower.ends_with(".loads")
                    || is_firmware_image(&lower)
                    || lower == "os79xx.txt"
                    || lower == "sipdefault.cnf"
                {
                    if s.files.is_empty() && lower.ends_with(".loads") {
                        // A manifest of its own: its row, so the card is
                        // never "all files sent" without it.
                        s.files.push(PhoneFile {
                            name: asked.clone(),
                            size: None,
                            bytes: 0,
                            state: FileState::NotFound,
                            retransmissions: 0,
                            transport: crate::events::Transport::Tftp,
                        });
                    }
                    not_found(s, catalog, &asked);
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

    pub(super) fn on_end(&mut self, key: &str, e: &TftpEnd) {
        let asked = e.file.trim_start_matches(['/', '\\']).to_string();
        let phone = self.phones.get_mut(key).expect("every key names a card");
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
}

/// `s` failed on `asked`, which `catalog` does not have.
pub(super) fn not_found(s: &mut PhoneSummary, catalog: &Catalog, asked: &str) {
    let near = crate::firmware::inspect::closest(asked, catalog.names.iter().map(String::as_str));
    s.state = PhoneState::Failed;
    s.diagnosis = Some(Diagnosis::NotFound {
        file: asked.to_string(),
        closest: near.map(str::to_string),
    });
    s.reason = Some(format!(
        "It asked for {asked}, which the bundle does not have{}. It will stay stuck until that file is served.",
        near.map(|n| format!(" (closest name: {n})"))
            .unwrap_or_default()
    ));
}

/// What a DHCP step means for a phone's state. An address another host
/// answers at ([`DhcpStep::AddressInUse`]) is neither the phone's nor a
/// problem for it (it is offered the next one), so it changes nothing.
pub(super) fn on_dhcp(s: &mut PhoneSummary, step: &DhcpStep) {
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

/// A firmware image name (`.sbn`, `.sb2`, `.sgn`, `.bin`, `.zz`): a phone never
/// asks for one it can do without.
fn is_firmware_image(lower: &str) -> bool {
    [".sbn", ".sb2", ".sgn", ".bin", ".zz"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// A configuration a phone reads before its firmware: `.cnf.xml`, or a 7940/7960 SIP
/// image's `.cnf`.
fn is_config(lower: &str) -> bool {
    lower.ends_with(".cnf.xml") || lower.ends_with(".cnf")
}

pub(super) fn find_file<'a>(files: &'a mut [PhoneFile], name: &str) -> Option<&'a mut PhoneFile> {
    let name = name.trim_start_matches(['/', '\\']);
    files.iter_mut().find(|f| f.name.eq_ignore_ascii_case(name))
}

pub(super) fn recount(s: &mut PhoneSummary) {
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
