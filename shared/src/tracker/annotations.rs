//! What a card is told beside its phone's own requests: a CDP or LLDP-MED
//! announcement, a configuration served (whom the phone registers as), its
//! way through the upgrade plan, and the page's simulated phones (their runs
//! and verdicts, on their MAC's card).

use super::{MAX_SIMULATED, Tracker, client_ip};
use crate::events::{
    Announced, ConfigServed, NeighbourHeard, PhoneSummary, Registration, Simulated,
    SimulatedOutcome, SimulationStarted, SimulationVerdict,
};
use crate::models;

impl Tracker {
    /// A phone announced itself: its card (by MAC) gets what it said, its
    /// model when nothing else told it, and a note on its load against the
    /// bundle's. An announcement is no request: the card's state, files and
    /// quiet-time clock are left alone.
    pub(super) fn on_announcement(&mut self, now: u64, n: &NeighbourHeard) -> Vec<PhoneSummary> {
        let key = self.phone_by_mac(now, &n.mac, n.address);
        let family = n
            .model
            .as_deref()
            .and_then(models::model)
            .map(|m| m.family)
            .or_else(|| n.announced.load.as_deref().and_then(models::family_of_name));
        let note = family
            .zip(n.announced.load.as_deref())
            .and_then(|(f, load)| self.catalog.load_note(f, load));
        let p = self.phones.get_mut(&key).expect("every key names a card");
        let s = &mut p.summary;
        s.mac = Some(n.mac.clone());
        if s.model.is_none() {
            s.model = n.model.clone();
        }
        if s.address.is_none() {
            s.address = n.address;
        }
        s.announced = Some(Box::new(Announced {
            heard_ms: now,
            note,
            ..n.announced.clone()
        }));
        let mut out = s.clone();
        self.bound(&key);
        if let Some((old, new)) = self.renamed.take()
            && new == key
        {
            out.renamed_from = Some(old);
        }
        vec![out]
    }

    /// A configuration was served: its card says whom the phone registers
    /// as. A simulated phone's goes to its MAC's card; a real phone's to the
    /// card its request went to. A phone's own file wins over a default one
    /// served to it later.
    pub(super) fn on_config(&mut self, now: u64, c: &ConfigServed) -> Vec<PhoneSummary> {
        let ip = client_ip(c.client);
        let key = match ip.and_then(|a| self.simulated.get(&a)).cloned() {
            Some(mac) => self.phone_by_mac(now, &mac, None),
            None => self.phone_for_request(now, ip, &c.file),
        };
        let p = self.phones.get_mut(&key).expect("every key names a card");
        let s = &mut p.summary;
        let asked = c.file.trim_start_matches(['/', '\\']).to_string();
        if !c.own && s.registers.as_ref().is_some_and(|r| r.own) {
            return Vec::new();
        }
        s.registers = Some(Box::new(Registration {
            file: asked,
            own: c.own,
            words: c.registers.sentence(),
        }));
        let out = s.clone();
        self.bound(&key);
        self.take_renamed(&key, out)
    }

    /// A phone's way through the upgrade plan moved: its card shows it.
    pub(super) fn on_walk(
        &mut self,
        now: u64,
        w: &crate::plan::walk::WalkStatus,
    ) -> Vec<PhoneSummary> {
        let v4 = match w.address {
            Some(std::net::IpAddr::V4(a)) => Some(a),
            _ => None,
        };
        let key = match &w.mac {
            Some(mac) => self.phone_by_mac(now, mac, v4),
            // The card this address's requests go to: its walk is that phone's.
            None => self.phone_of(now, v4),
        };
        let p = self.phones.get_mut(&key).expect("every key names a card");
        p.summary.walk = Some(Box::new(w.clone()));
        let out = p.summary.clone();
        self.bound(&key);
        self.take_renamed(&key, out)
    }

    /// Simulated phones start: their addresses are remembered as
    /// simulated, and each MAC's card says a simulation runs.
    pub(super) fn on_simulation(&mut self, now: u64, run: &SimulationStarted) -> Vec<PhoneSummary> {
        if self.simulated.len() + run.phones.len() > MAX_SIMULATED {
            self.simulated.clear();
        }
        let mut changed = Vec::new();
        for phone in &run.phones {
            self.simulated.insert(phone.source, phone.mac.clone());
            let key = self.phone_by_mac(now, &phone.mac, None);
            let p = self.phones.get_mut(&key).expect("every key names a card");
            let s = &mut p.summary;
            if s.model.is_none() {
                s.model = Some(phone.model.clone());
            }
            s.simulation = Some(Box::new(Simulated {
                outcome: SimulatedOutcome::Running,
                sentence: format!(
                    "a simulated {} with this MAC is booting against the helper's TFTP server",
                    phone.model
                ),
                code: None,
                registered: None,
            }));
            changed.push(s.clone());
            self.bound(&key);
        }
        changed
    }

    /// One simulated phone's verdict, on its MAC's card.
    pub(super) fn on_verdict(&mut self, now: u64, v: &SimulationVerdict) -> Vec<PhoneSummary> {
        let key = self.phone_by_mac(now, &v.mac, None);
        let p = self.phones.get_mut(&key).expect("every key names a card");
        if p.summary.model.is_none() {
            p.summary.model = Some(v.model.clone());
        }
        p.summary.simulation = Some(Box::new(v.result.clone()));
        let out = p.summary.clone();
        self.bound(&key);
        vec![out]
    }
}
