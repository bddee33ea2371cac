//! The upgrade plan, walked phone by phone (the shared [`Walker`] decides, this
//! module serves): when the bundle served holds `lifeline-plan.json`, every request
//! for a configuration, a recovery manifest or a load manifest goes through the
//! walker, which says what that phone gets; each step it takes is an
//! [`Event::Walk`] for its card, and what the walker knows of each phone is kept in
//! the data directory (`walks.json`), so a helper restarted half-way does not send a
//! phone back.
//!
//! A bundle without a plan is served exactly as before: nothing here runs.

use std::io::{Cursor, Read};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use lifeline_shared::bundle::PLAN_NAME;
use lifeline_shared::config::mac::mac_in_name;
use lifeline_shared::events::{Event, Resolution};
use lifeline_shared::plan::retarget::{self, Offer};
use lifeline_shared::plan::walk::{
    Ask, BundlePlan, PhoneWalk, Serve, WalkStatus, Walker, ask_of, base_name,
};

use crate::events::Events;
use crate::files::{FileSource, LookupError, Opened};

/// The file in the data directory that keeps the phones' walks.
pub const WALKS_FILE: &str = "walks.json";
/// The largest configuration rewritten, and the largest plan or walks file read.
const MAX_FILE: u64 = 4 << 20;

/// The walker of the bundle served, if it has a plan, and where phones are kept.
#[derive(Debug)]
pub struct Walks {
    walker: Mutex<Option<Walker>>,
    file: Option<PathBuf>,
    events: Events,
}

/// Wall-clock milliseconds: a step's times survive a restart.
fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn read_bounded(mut opened: Opened) -> std::io::Result<Vec<u8>> {
    if opened.size > MAX_FILE {
        return Err(std::io::Error::other("too large"));
    }
    let mut data = Vec::with_capacity(opened.size as usize);
    opened
        .reader
        .by_ref()
        .take(MAX_FILE)
        .read_to_end(&mut data)?;
    Ok(data)
}

fn memory(data: Vec<u8>, resolution: Resolution, served: String) -> Opened {
    Opened {
        size: data.len() as u64,
        reader: Box::new(Cursor::new(data)),
        resolution,
        served,
        direct: false,
    }
}

impl Walks {
    /// Walks kept in `data_dir` (none kept when `None`), published on `events`.
    pub fn new(data_dir: Option<PathBuf>, events: Events) -> Self {
        Self {
            walker: Mutex::new(None),
            file: data_dir.map(|d| d.join(WALKS_FILE)),
            events,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Walker>> {
        self.walker.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The bundle served changed: walks through its plan from now on (phones
    /// remembered are kept: what a phone runs is a fact about it).
    pub fn switch(&self, source: &dyn FileSource) {
        let plan = source
            .open(PLAN_NAME)
            .ok()
            .and_then(|o| read_bounded(o).ok())
            .and_then(|d| match serde_json::from_slice::<BundlePlan>(&d) {
                Ok(p) => Some(p),
                Err(e) => {
                    tracing::warn!(error = %e, "the bundle's {PLAN_NAME} cannot be read; served without walking phones");
                    None
                }
            });
        let mut walker = plan.as_ref().and_then(Walker::new);
        if plan.is_some() && walker.is_none() {
            tracing::warn!(
                "the bundle's plan names a load Lifeline does not read; served without walking phones"
            );
        }
        let mut slot = self.lock();
        let kept = match slot.as_ref() {
            Some(old) => Some(old.phones().to_vec()),
            None => self.load(),
        };
        if let (Some(w), Some(phones)) = (walker.as_mut(), kept) {
            w.restore(phones);
        }
        if let Some(w) = &walker {
            tracing::info!(phones = w.phones().len(), "serving an upgrade plan");
        }
        *slot = walker;
    }

    fn load(&self) -> Option<Vec<PhoneWalk>> {
        let path = self.file.as_ref()?;
        let data = std::fs::read(path).ok()?;
        if data.len() as u64 > MAX_FILE {
            return None;
        }
        match serde_json::from_slice(&data) {
            Ok(p) => Some(p),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "the kept walks cannot be read; starting afresh");
                None
            }
        }
    }

    fn keep(&self, walker: &Walker) {
        let Some(path) = &self.file else { return };
        match serde_json::to_vec(walker.phones()) {
            Ok(data) => {
                if let Err(e) = crate::atomic::write_file(path, &data) {
                    tracing::warn!(path = %path.display(), error = %e, "cannot keep the phones' walks");
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot keep the phones' walks"),
        }
    }

    fn changed(&self, walker: &Walker, status: Option<WalkStatus>) {
        if let Some(s) = status {
            self.keep(walker);
            self.events.publish(Event::Walk(Box::new(s)));
        }
    }

    /// Opens `requested` for `peer` from `source`, as the plan says for that phone.
    pub fn open(
        &self,
        source: &dyn FileSource,
        requested: &str,
        peer: Option<IpAddr>,
    ) -> Result<Opened, LookupError> {
        let ask = ask_of(requested);
        // Anything else matters to a walk only when its name says which phone
        // asks (`CTLSEP<MAC>.tlv`).
        if ask == Ask::Other && mac_in_name(base_name(requested)).is_none() {
            return source.open(requested);
        }
        // A configuration counts only when the bundle has it (a phone asks for
        // its own, then the default): the file first, then the walker.
        let opened = match ask {
            Ask::Config(_) | Ask::Manifest => Some(source.open(requested)?),
            _ => None,
        };
        let mut slot = self.lock();
        let Some(walker) = slot.as_mut() else {
            drop(slot);
            return match opened {
                Some(o) => Ok(o),
                None => source.open(requested),
            };
        };
        let (serve, status) = walker.request(peer, requested, now_ms());
        self.changed(walker, status);
        drop(slot);
        match (serve, opened) {
            (Serve::AsIs, Some(o)) => Ok(o),
            (Serve::AsIs, None) => source.open(requested),
            (Serve::Config(offer), Some(o)) => {
                let (resolution, served) = (o.resolution, o.served.clone());
                let data = read_bounded(o)?;
                let lower = served.to_ascii_lowercase();
                let data = if lower.ends_with(".xml") {
                    retarget::xml(&data, &offer)
                } else if lower.ends_with(".cnf") {
                    retarget::cnf(&data, &offer)
                } else {
                    data
                };
                Ok(memory(data, resolution, served))
            }
            (Serve::File(file), _) => {
                let mut o = source.open(&file)?;
                o.resolution = Resolution::Alias;
                Ok(o)
            }
            (Serve::Text(text), _) => Ok(memory(
                text.into_bytes(),
                Resolution::Exact,
                requested.trim_start_matches(['/', '\\']).to_string(),
            )),
            (Serve::Hold, _) => Err(LookupError::NotFound),
            (Serve::Config(Offer::Load(_) | Offer::Keep), None) => source.open(requested),
        }
    }

    /// The transfer of `name` to `address` was cut off: a configuration that may
    /// not have reached its phone.
    pub fn cut_off(&self, address: IpAddr, name: &str) {
        if !matches!(ask_of(name), Ask::Config(_)) {
            return;
        }
        let mut slot = self.lock();
        if let Some(walker) = slot.as_mut()
            && walker.cut_off(Some(address), name)
        {
            self.keep(walker);
        }
    }

    /// A phone announced its load `via` CDP or LLDP-MED: what it runs, seen.
    pub fn announced(&self, mac: &str, address: Option<IpAddr>, software: &str, via: &str) {
        let mut slot = self.lock();
        if let Some(walker) = slot.as_mut() {
            let status = walker.announced(mac, address, software, via, now_ms());
            self.changed(walker, status);
        }
    }

    /// The person says which load one phone runs (replacing what was said before;
    /// refused, saying why, when the phone was seen running a load).
    pub fn set_start(&self, phone: &str, start: Option<&str>) -> Result<(), String> {
        let mut slot = self.lock();
        let Some(walker) = slot.as_mut() else {
            return Err("the bundle served has no upgrade plan: a phone's start matters only when the bundle holds several loads".into());
        };
        let status = walker.set_start(phone, start, now_ms())?;
        self.changed(walker, status);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::MemoryFiles;
    use lifeline_shared::plan::walk::{PlanLoad, Recovery, WalkState};

    const HOP: &str = "SCCP41.8-5-2S";
    const TARGET: &str = "SCCP41.9-4-2SR3-1S";

    fn source(start: Option<&str>) -> MemoryFiles {
        let plan = BundlePlan {
            target: TARGET.into(),
            loads: vec![
                PlanLoad {
                    name: HOP.into(),
                    config_name: HOP.into(),
                    recovery: vec![Recovery {
                        asked: "term61.default.loads".into(),
                        file: format!("{HOP}.term61.default.loads"),
                    }],
                },
                PlanLoad {
                    name: TARGET.into(),
                    config_name: TARGET.into(),
                    recovery: Vec::new(),
                },
            ],
            start: start.map(str::to_string),
        };
        let mut m = MemoryFiles::new();
        m.insert(
            PLAN_NAME,
            lifeline_shared::bundle::plan_json(&plan).into_bytes(),
        );
        m.insert(
            "XMLDefault.cnf.xml",
            format!("<device><loadInformation>{TARGET}</loadInformation></device>").into_bytes(),
        );
        m.insert("term61.default.loads", b"target's".to_vec());
        m.insert(format!("{HOP}.term61.default.loads"), b"hop's".to_vec());
        m.insert(format!("{HOP}.loads"), b"hop".to_vec());
        m
    }

    fn text(o: Result<Opened, LookupError>) -> String {
        String::from_utf8(read_bounded(o.unwrap()).unwrap()).unwrap()
    }

    #[test]
    fn a_planned_bundle_is_served_phone_by_phone_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let events = Events::new();
        let mut rx = events.subscribe();
        let walks = Walks::new(Some(dir.path().to_path_buf()), events.clone());
        let files = source(Some("8.0(4)"));
        walks.switch(&files);
        let a: Option<IpAddr> = Some("10.0.0.7".parse().unwrap());
        assert_eq!(text(walks.open(&files, "term61.default.loads", a)), "hop's");
        let Ok(Event::Walk(w)) = rx.try_recv() else {
            panic!("no walk event")
        };
        assert_eq!(w.state, WalkState::Fetching);
        let x = text(walks.open(&files, "XMLDefault.cnf.xml", a));
        assert!(x.contains(&format!(">{HOP}<")), "{x}");
        // Other phones, other files: untouched.
        assert_eq!(
            text(walks.open(&files, "term61.default.loads", None)),
            "hop's"
        );
        assert!(walks.open(&files, "nothing.cnf.xml", a).is_err());
        // A restart keeps the phone on its way: seen on the hop, moved on.
        let again = Walks::new(Some(dir.path().to_path_buf()), Events::new());
        again.switch(&files);
        let x = text(again.open(&files, "XMLDefault.cnf.xml", a));
        assert!(x.contains(&format!(">{TARGET}<")), "{x}");
        // Starts: a bad one is refused with the forms to use.
        assert!(
            walks
                .set_start("10.0.0.8", Some("later"))
                .unwrap_err()
                .contains("8.0(4)")
        );
        walks.set_start("10.0.0.8", Some("8.3(3)")).unwrap();
    }

    #[test]
    fn an_unknown_start_holds_and_a_bundle_without_a_plan_is_left_alone() {
        let walks = Walks::new(None, Events::new());
        let files = source(None);
        walks.switch(&files);
        let a: Option<IpAddr> = Some("10.0.0.7".parse().unwrap());
        assert!(matches!(
            walks.open(&files, "term61.default.loads", a),
            Err(LookupError::NotFound)
        ));
        let x = text(walks.open(&files, "XMLDefault.cnf.xml", a));
        assert!(x.contains("<loadInformation></loadInformation>"), "{x}");
        let mut plain = MemoryFiles::new();
        plain.insert("term61.default.loads", b"target's".to_vec());
        walks.switch(&plain);
        assert_eq!(
            text(walks.open(&plain, "term61.default.loads", a)),
            "target's"
        );
        assert!(
            walks
                .set_start("10.0.0.7", Some("8.0(4)"))
                .unwrap_err()
                .contains("no upgrade plan")
        );
    }

    #[test]
    fn a_start_typed_wrong_is_corrected_and_kept_corrected() {
        let dir = tempfile::tempdir().unwrap();
        let events = Events::new();
        let mut rx = events.subscribe();
        let walks = Walks::new(Some(dir.path().to_path_buf()), events);
        let files = source(None);
        walks.switch(&files);
        let a: Option<IpAddr> = Some("10.0.0.7".parse().unwrap());
        // Typed 8.3(3): the target is offered straight away.
        walks.set_start("10.0.0.7", Some("8.3(3)")).unwrap();
        let x = text(walks.open(&files, "XMLDefault.cnf.xml", a));
        assert!(x.contains(&format!(">{TARGET}<")), "{x}");
        // It runs 8.0(4) in fact: corrected, the card hears the new way.
        walks.set_start("10.0.0.7", Some("8.0(4)")).unwrap();
        let mut last = None;
        while let Ok(Event::Walk(w)) = rx.try_recv() {
            last = Some(w);
        }
        let w = last.expect("a walk event");
        assert_eq!(w.path, ["8.0(4)", "8.5(2)", "9.4(2)SR3"]);
        assert_eq!(w.state, WalkState::Waiting);
        // A restart reads the correction back: its next boot is offered the hop,
        // not taken to run the target it was offered before.
        let again = Walks::new(Some(dir.path().to_path_buf()), Events::new());
        again.switch(&files);
        let x = text(again.open(&files, "XMLDefault.cnf.xml", a));
        assert!(x.contains(&format!(">{HOP}<")), "{x}");
        // A boot without fetching the hop suggests it runs 8.5(2); typed again,
        // the person's word replaces that suggestion, kept across a restart too.
        text(again.open(&files, "XMLDefault.cnf.xml", a));
        again.set_start("10.0.0.7", Some("8.3(3)")).unwrap();
        let third = Walks::new(Some(dir.path().to_path_buf()), Events::new());
        third.switch(&files);
        let x = text(third.open(&files, "XMLDefault.cnf.xml", a));
        assert!(x.contains(&format!(">{TARGET}<")), "{x}");
    }

    /// Walks of a plan whose phones start on 8.0(4), without a data directory,
    /// switched to its bundle, and what they publish.
    fn walking_from_8_0_4() -> (Walks, MemoryFiles, tokio::sync::broadcast::Receiver<Event>) {
        let events = Events::new();
        let rx = events.subscribe();
        let walks = Walks::new(None, events);
        let files = source(Some("8.0(4)"));
        walks.switch(&files);
        (walks, files, rx)
    }

    #[test]
    fn a_security_file_in_a_folder_names_its_phone_as_the_walker_reads_it() {
        let (walks, files, mut rx) = walking_from_8_0_4();
        let a: Option<IpAddr> = Some("10.0.0.7".parse().unwrap());
        // The walker reads the MAC from the base name; so does the gate before it.
        assert!(
            walks
                .open(&files, "/certs/CTLSEP001122AABB07.tlv", a)
                .is_err()
        );
        text(walks.open(&files, "XMLDefault.cnf.xml", a));
        let Ok(Event::Walk(w)) = rx.try_recv() else {
            panic!("no walk event")
        };
        assert_eq!(w.mac.as_deref(), Some("001122AABB07"));
    }

    #[test]
    fn a_security_files_name_gives_the_walk_its_phones_mac() {
        let (walks, files, mut rx) = walking_from_8_0_4();
        let a: Option<IpAddr> = Some("10.0.0.7".parse().unwrap());
        // Not in the bundle, as usual without a Call Manager: still, it names the phone.
        assert!(walks.open(&files, "CTLSEP001122AABB07.tlv", a).is_err());
        text(walks.open(&files, "XMLDefault.cnf.xml", a));
        let Ok(Event::Walk(w)) = rx.try_recv() else {
            panic!("no walk event")
        };
        assert_eq!(w.mac.as_deref(), Some("001122AABB07"));
    }
}
