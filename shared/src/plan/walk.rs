//! The helper's walk of each phone through a plan, request by request. Pure: the
//! helper hands it who asked for what and when, it says what to serve.
//!
//! What each request tells (the phone's own boot order, as `models::wire` gives it):
//! - a phone in recovery asks for `termNN.default.loads` (a 7940/7960 for
//!   `OS79XX.TXT`): it is given the first hop's;
//! - after each boot a phone asks for its configuration (`SEP<MAC>.cnf.xml`, else
//!   `XMLDefault.cnf.xml`; `SIPDefault.cnf` on a 7940/7960's SIP image): it is given one
//!   naming the next load of its way;
//! - a phone that does not run the load named asks for its `.loads` next: so a phone
//!   that asks for its configuration again without having asked for the load named
//!   last time runs that load. Only then is it "on" it, and moved on.
//!
//! Safety: a phone is only ever offered a load the rules allow from the load it is
//! known to run (observed, announced over CDP/LLDP, or said by the person). With none
//! known and more than one load in the plan, nothing is offered: recovery requests
//! get "File not found" (the phone asks again a minute later) and configurations name
//! no load (the phone keeps its own), until the person says where it starts. A phone
//! that takes the same load [`MAX_ATTEMPTS`] times and never runs it is held too.

mod plan_file;
mod request;
mod status;

pub use plan_file::{BundlePlan, PlanLoad, Recovery, hop_recovery_file};
pub use request::{Ask, Serve, ask_of, base_name};
pub use status::{
    ASK_START, Held, SEEN_BOOT, Said, Seen, StepLog, WalkState, WalkStatus, start_correctable,
    start_words, status_words,
};

use super::retarget::Offer;
use super::{Load, Route, Running, route};
use crate::config::mac::mac_in_name;
use crate::firmware::inspect::strip_loads;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

fn missing_words(need: &str) -> String {
    format!("It needs {need} first, which the bundle does not hold; add that package to the plan.")
}

/// The most phones a walker remembers; the least recently seen is forgotten first.
pub const MAX_PHONES: usize = 4096;
/// How often a phone may be offered one load it fetches and never runs before it is held.
pub const MAX_ATTEMPTS: u32 = 3;

/// One phone, as the walker remembers it (kept across a helper restart).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneWalk {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<IpAddr>,
    /// Where it started, when the person said so for this phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Running>,
    /// What it runs, when seen (or announced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<Running>,
    /// How and when `on` was seen (none in a record kept by an older helper).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<Seen>,
    /// The load offered last, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered: Option<String>,
    /// Whether it asked for that load since.
    #[serde(default)]
    pub fetched: bool,
    /// Whether the transfer of the configuration naming that load was cut off
    /// (the phone may never have read it).
    #[serde(default)]
    pub cut_off: bool,
    /// How many times in a row it was offered that load after fetching it.
    #[serde(default)]
    pub attempts: u32,
    /// Its way when first planned, by load name, the start's label first.
    #[serde(default)]
    pub path: Vec<String>,
    #[serde(default)]
    pub steps: Vec<StepLog>,
    #[serde(default)]
    pub seen_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<Held>,
    /// The rank of the last configuration it asked for (see [`ask_of`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_config: Option<u8>,
}

impl PhoneWalk {
    /// Forgets the load offered and what became of it (fetched, cut off, how
    /// often): nothing offered is pending.
    fn clear_offer(&mut self) {
        self.offered = None;
        self.fetched = false;
        self.cut_off = false;
        self.attempts = 0;
    }
}

/// Every phone's walk through one plan.
#[derive(Clone, Debug)]
pub struct Walker {
    target: Load,
    /// The plan's loads, and beside each (same index) what the bundle says of it.
    loads: Vec<Load>,
    plan_loads: Vec<PlanLoad>,
    start: Option<Running>,
    phones: Vec<PhoneWalk>,
}

impl Walker {
    /// A walker for a bundle's plan; `None` when the plan names no load Lifeline reads.
    pub fn new(plan: &BundlePlan) -> Option<Walker> {
        let mut loads = Vec::new();
        for p in &plan.loads {
            loads.push(Load::of_name(&p.name)?);
        }
        let target = loads
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(&plan.target))?
            .clone();
        let start = plan
            .start
            .as_deref()
            .and_then(|s| Running::parse_for(s, target.family, target.protocol).ok());
        Some(Walker {
            target,
            loads,
            plan_loads: plan.loads.clone(),
            start,
            phones: Vec::new(),
        })
    }

    /// The phones remembered, for keeping across a restart.
    pub fn phones(&self) -> &[PhoneWalk] {
        &self.phones
    }

    /// Takes back phones remembered before, whichever plan they walked: what a phone
    /// runs and the way it came are facts about it; only a hold is judged again.
    pub fn restore(&mut self, phones: Vec<PhoneWalk>) {
        self.phones = phones;
        self.phones.truncate(MAX_PHONES);
        for p in &mut self.phones {
            p.held = None;
        }
    }

    fn plan_load(&self, name: &str) -> Option<&PlanLoad> {
        let i = self
            .loads
            .iter()
            .position(|l| l.name.eq_ignore_ascii_case(name))?;
        self.plan_loads.get(i)
    }

    fn label_of(&self, name: &str) -> String {
        Load::of_name(name)
            .map(|l| l.label())
            .unwrap_or_else(|| name.to_string())
    }

    /// The phone at `address` or with `mac`, made if new; and whether its MAC or
    /// address is news.
    fn phone(
        &mut self,
        address: Option<IpAddr>,
        mac: Option<String>,
        now_ms: u64,
    ) -> (usize, bool) {
        // A server on `[::]` sees an IPv4 phone as `::ffff:a.b.c.d`: one phone, one address.
        let address = address.map(|a| a.to_canonical());
        let by_mac = mac
            .as_ref()
            .and_then(|m| self.phones.iter().position(|p| p.mac.as_ref() == Some(m)));
        let i = match by_mac {
            Some(i) => i,
            None => {
                let by_addr = address.and_then(|a| {
                    self.phones
                        .iter()
                        .position(|p| p.address == Some(a) && (p.mac.is_none() || mac.is_none()))
                });
                match by_addr {
                    Some(i) => i,
                    None => {
                        if self.phones.len() >= MAX_PHONES
                            && let Some(old) =
                                (0..self.phones.len()).min_by_key(|&i| self.phones[i].seen_ms)
                        {
                            self.phones.remove(old);
                        }
                        self.phones.push(PhoneWalk::default());
                        self.phones.len() - 1
                    }
                }
            }
        };
        // An address belongs to one phone: another phone that had it has moved,
        // and a record of the address alone was this phone before its MAC was known.
        let mut i = i;
        if let (Some(a), Some(_)) = (address, &mac) {
            let mut j = 0;
            while j < self.phones.len() {
                let p = &mut self.phones[j];
                if j != i && p.address == Some(a) {
                    if p.mac.is_some() {
                        p.address = None;
                    } else {
                        self.phones.remove(j);
                        if j < i {
                            i -= 1;
                        }
                        continue;
                    }
                }
                j += 1;
            }
        }
        let p = &mut self.phones[i];
        let mut moved = false;
        if mac.is_some() && p.mac.is_none() {
            p.mac = mac;
            moved = true;
        }
        if address.is_some() && p.address != address {
            p.address = address;
            moved = true;
        }
        p.seen_ms = now_ms;
        (i, moved)
    }

    /// What to serve `address` for `name`, which exists in the bundle (or, for a
    /// recovery manifest, is asked for); and the phone's status when it changed.
    pub fn request(
        &mut self,
        address: Option<IpAddr>,
        name: &str,
        now_ms: u64,
    ) -> (Serve, Option<WalkStatus>) {
        let ask = ask_of(name);
        let base = base_name(name);
        let mac = mac_in_name(base);
        if ask == Ask::Other {
            // `CTLSEP<MAC>.tlv` and the like: which phone is at this address.
            if mac.is_some() {
                self.phone(address, mac, now_ms);
            }
            return (Serve::AsIs, None);
        }
        let (i, moved) = self.phone(address, mac, now_ms);
        let before = self.status(i);
        let (serve, status) = self.answer(i, ask, base, now_ms);
        // News only: a boot that changes nothing (a phone on the target rebooting, a
        // wiped phone asking again) neither reaches its card nor is kept again.
        (serve, status.filter(|s| moved || *s != before))
    }

    /// What to serve phone `i` for a request `ask` of `base`, and its status.
    fn answer(
        &mut self,
        i: usize,
        ask: Ask,
        base: &str,
        now_ms: u64,
    ) -> (Serve, Option<WalkStatus>) {
        match ask {
            Ask::Config(rank) => {
                let p = &mut self.phones[i];
                let same_boot = p.last_config.is_some_and(|r| rank > r);
                p.last_config = Some(rank);
                if !same_boot {
                    return self.boot(i, now_ms);
                }
                // Another configuration of this boot: the same offer.
                let p = &self.phones[i];
                let serve = match (&p.held, p.offered.clone()) {
                    (None, Some(o)) => self.offer(&o),
                    _ => Serve::Config(Offer::Keep),
                };
                (serve, None)
            }
            Ask::Recovery => {
                self.phones[i].last_config = None;
                self.recovery(i, base, now_ms)
            }
            Ask::Manifest => {
                let load = strip_loads(base);
                let p = &mut self.phones[i];
                // It goes on to the images and reboots: its next configuration
                // begins a boot.
                p.last_config = None;
                if p.offered
                    .as_deref()
                    .is_some_and(|o| o.eq_ignore_ascii_case(load))
                    && !p.fetched
                {
                    p.fetched = true;
                    if let Some(s) = p.steps.last_mut()
                        && s.load.eq_ignore_ascii_case(load)
                        && s.fetched_ms.is_none()
                    {
                        s.fetched_ms = Some(now_ms);
                    }
                    return (Serve::AsIs, Some(self.status(i)));
                }
                (Serve::AsIs, None)
            }
            Ask::Other => (Serve::AsIs, None),
        }
    }

    /// A configuration naming `load`: the bundle's own file for the target (it
    /// names each model's load, which may differ within a family), else the file
    /// made to name the hop.
    fn offer(&self, load: &str) -> Serve {
        if load.eq_ignore_ascii_case(&self.target.name) {
            return Serve::AsIs;
        }
        match self.plan_load(load) {
            Some(l) => Serve::Config(Offer::Load(l.config_name.clone())),
            None => Serve::Config(Offer::Keep),
        }
    }

    /// Where a phone starts: what it was seen running, else what the person said.
    fn from(&self, i: usize) -> Option<Running> {
        let p = &self.phones[i];
        p.on.clone()
            .or_else(|| p.start.clone())
            .or_else(|| self.start.clone())
    }

    /// The phone asked for its configuration: a new boot.
    fn boot(&mut self, i: usize, now_ms: u64) -> (Serve, Option<WalkStatus>) {
        // It got the configuration naming a load, and did not ask for that load:
        // it runs it. (A configuration cut off on its way tells nothing.)
        let confirmed = {
            let p = &self.phones[i];
            match (&p.offered, p.fetched, p.cut_off) {
                (Some(o), false, false) => Load::of_name(o),
                _ => None,
            }
        };
        if let Some(l) = confirmed {
            self.on(i, l.running(), SEEN_BOOT, now_ms);
        }
        let Some(from) = self.from(i) else {
            if self.loads.len() == 1 {
                return (Serve::AsIs, None);
            }
            return self.hold(
                i,
                WalkState::AskStart,
                ASK_START.to_string(),
                Serve::Config(Offer::Keep),
            );
        };
        let seen_on_target = self.phones[i]
            .on
            .as_ref()
            .is_some_and(|on| on.is(&self.target));
        match route(self.target.family, &from, &self.target, &self.loads) {
            // Seen on the target: nothing to offer; the bundle's own configuration
            // names the load it runs. (Only said to run it, it is offered the
            // target like any load, so that fetching it again and again is caught:
            // it was not on it.)
            Route::Via(v) if v.is_empty() && seen_on_target => {
                self.plan_path(i, &from, &v);
                let p = &mut self.phones[i];
                p.clear_offer();
                p.held = None;
                (Serve::AsIs, Some(self.status(i)))
            }
            Route::Via(v) => {
                let next = v.first().cloned().unwrap_or_else(|| self.target.clone());
                self.plan_path(i, &from, &v);
                let p = &mut self.phones[i];
                if p.offered.as_deref() == Some(next.name.as_str()) {
                    if p.fetched {
                        p.attempts += 1;
                    }
                } else {
                    p.attempts = 0;
                    p.steps.push(StepLog {
                        label: next.label(),
                        load: next.name.clone(),
                        offered_ms: now_ms,
                        fetched_ms: None,
                        on_ms: None,
                    });
                    if p.steps.len() > 2 * super::MAX_LOADS {
                        p.steps.remove(0);
                    }
                }
                if p.attempts > MAX_ATTEMPTS {
                    let words = format!(
                        "It fetched {} {} times and still does not run it: it refuses it (a phone shows \"Load Authentication Failed\"). It may run an older load than Lifeline was told; check Settings → Status → Firmware Versions on the phone.",
                        next.label(),
                        p.attempts
                    );
                    return self.hold(i, WalkState::Refused, words, Serve::Config(Offer::Keep));
                }
                p.offered = Some(next.name.clone());
                p.fetched = false;
                p.cut_off = false;
                p.held = None;
                (self.offer(&next.name), Some(self.status(i)))
            }
            Route::Missing(n) => self.hold(
                i,
                WalkState::Missing,
                missing_words(&n.words),
                Serve::Config(Offer::Keep),
            ),
            Route::Impossible(why, fix) => self.hold(
                i,
                WalkState::Impossible,
                format!("{why} {fix}"),
                Serve::Config(Offer::Keep),
            ),
        }
    }

    /// A wiped phone asked for its recovery manifest.
    fn recovery(&mut self, i: usize, asked: &str, now_ms: u64) -> (Serve, Option<WalkStatus>) {
        let os79 = asked.eq_ignore_ascii_case("OS79XX.TXT");
        // A phone seen running a load before it was wiped starts from that load.
        let Some(from) = self.from(i) else {
            if self.loads.len() == 1 {
                return (Serve::AsIs, None);
            }
            return self.hold(i, WalkState::AskStart, ASK_START.to_string(), Serve::Hold);
        };
        let first = match route(self.target.family, &from, &self.target, &self.loads) {
            Route::Via(v) => {
                self.plan_path(i, &from, &v);
                v.first().cloned().unwrap_or_else(|| self.target.clone())
            }
            Route::Missing(n) => {
                return self.hold(i, WalkState::Missing, missing_words(&n.words), Serve::Hold);
            }
            Route::Impossible(why, fix) => {
                return self.hold(
                    i,
                    WalkState::Impossible,
                    format!("{why} {fix}"),
                    Serve::Hold,
                );
            }
        };
        let Some(pl) = self.plan_load(&first.name).cloned() else {
            return (Serve::Hold, None);
        };
        let serve = if os79 {
            Serve::Text(pl.config_name.clone())
        } else if first.name == self.target.name {
            Serve::AsIs
        } else {
            match pl
                .recovery
                .iter()
                .find(|r| r.asked.eq_ignore_ascii_case(asked))
            {
                Some(r) => Serve::File(r.file.clone()),
                None => {
                    let words = format!(
                        "A wiped phone asks for {asked}, and the package of {} has none; give Lifeline that load's phone firmware zip (cmterm-…), which carries it.",
                        first.label()
                    );
                    return self.hold(i, WalkState::Missing, words, Serve::Hold);
                }
            }
        };
        let p = &mut self.phones[i];
        // What it ran before stays what it is known to run until it is seen on this
        // one (the next boot that does not ask for it).
        if p.offered.as_deref() != Some(first.name.as_str()) {
            p.attempts = 0;
            p.steps.push(StepLog {
                label: first.label(),
                load: first.name.clone(),
                offered_ms: now_ms,
                fetched_ms: Some(now_ms),
                on_ms: None,
            });
        }
        p.offered = Some(first.name.clone());
        p.fetched = true;
        p.held = None;
        (serve, Some(self.status(i)))
    }

    fn hold(
        &mut self,
        i: usize,
        state: WalkState,
        words: String,
        serve: Serve,
    ) -> (Serve, Option<WalkStatus>) {
        self.phones[i].held = Some(Held { state, words });
        (serve, Some(self.status(i)))
    }

    /// Records the way a phone takes, once, from where it started.
    fn plan_path(&mut self, i: usize, from: &Running, via: &[Load]) {
        let family = self.target.family;
        let p = &mut self.phones[i];
        if p.path.is_empty() {
            p.path.push(from.label(family));
            p.path.extend(via.iter().map(|l| l.name.clone()));
        }
    }

    /// Phone `i` was seen running `running`, `by` ([`Seen::by`]).
    fn on(&mut self, i: usize, running: Running, by: &str, now_ms: u64) {
        let p = &mut self.phones[i];
        if let Some(s) = p.steps.last_mut()
            && s.on_ms.is_none()
            && running
                .name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(&s.load))
        {
            s.on_ms = Some(now_ms);
        }
        p.on = Some(running);
        p.seen = Some(Seen {
            by: by.to_string(),
            ms: now_ms,
        });
        p.attempts = 0;
        // What held it may have changed: the next boot works its way out again.
        p.held = None;
    }

    /// The transfer of configuration `name` to the phone at `address` was cut off
    /// (the server stopped it, or the phone went silent): its next boot tells nothing
    /// of the load that configuration named. Returns whether anything changed.
    pub fn cut_off(&mut self, address: Option<IpAddr>, name: &str) -> bool {
        if !matches!(ask_of(name), Ask::Config(_)) {
            return false;
        }
        let mac = mac_in_name(base_name(name));
        let address = address.map(|a| a.to_canonical());
        let found = self.phones.iter_mut().find(|p| match (&mac, &p.mac) {
            (Some(m), Some(pm)) => m == pm,
            _ => address.is_some() && p.address == address,
        });
        match found {
            Some(p) if p.offered.is_some() && !p.cut_off => {
                p.cut_off = true;
                true
            }
            _ => false,
        }
    }

    /// A phone announced its load `via` CDP or LLDP-MED: what it runs, seen.
    pub fn announced(
        &mut self,
        mac: &str,
        address: Option<IpAddr>,
        software: &str,
        via: &str,
        now_ms: u64,
    ) -> Option<WalkStatus> {
        let running =
            Running::parse_for(software, self.target.family, self.target.protocol).ok()?;
        let (i, _) = self.phone(address, Some(mac.to_ascii_uppercase()), now_ms);
        if self.phones[i].on.as_ref() == Some(&running) {
            return None;
        }
        self.on(i, running, via, now_ms);
        Some(self.status(i))
    }

    /// The person says where one phone (by MAC, or address) starts; `None` forgets it.
    /// A start typed before (on its card, or the plan's) and what a boot only
    /// suggested are replaced, and the phone's way worked out again from the new
    /// one; what the phone announced (CDP/LLDP) is not: that is refused, saying
    /// what was announced and when.
    pub fn set_start(
        &mut self,
        phone: &str,
        start: Option<&str>,
        now_ms: u64,
    ) -> Result<Option<WalkStatus>, String> {
        let running = match start {
            Some(s) => Some(
                Running::parse_for(s, self.target.family, self.target.protocol)
                    .map_err(|e| e.words(s, self.target.family))?,
            ),
            None => None,
        };
        let (mac, address) = match phone.parse::<IpAddr>() {
            Ok(a) => (None, Some(a)),
            Err(_) => (
                Some(
                    phone
                        .parse::<crate::config::mac::Mac>()
                        .map_err(|_| format!("`{phone}` is neither a MAC nor an address"))?
                        .to_string(),
                ),
                None,
            ),
        };
        let (i, _) = self.phone(address, mac, now_ms);
        let family = self.target.family;
        let p = &self.phones[i];
        // What a phone announced is a fact; what is typed only stands in for it.
        // What a boot suggested (it did not fetch the load offered) the person may
        // correct from the phone's own screen.
        if let (Some(on), Some(typed), Some(seen)) = (&p.on, &running, &p.seen)
            && seen.by != SEEN_BOOT
        {
            return Err(format!(
                "Lifeline saw this phone run {} {} ago (it announced it over {}), so it does not take {} for it: what a phone announced is not replaced by what is typed. If it runs another load now, its next announcement says so.",
                on.label(family),
                ago(now_ms.saturating_sub(seen.ms)),
                seen.by,
                typed.label(family)
            ));
        }
        // What a boot suggested, typed again, changes nothing; typed otherwise, it
        // is replaced.
        let overruled = match (&p.on, &running) {
            (Some(on), Some(typed)) if same_release(on, typed) => {
                return Ok(Some(self.status(i)));
            }
            (Some(_), Some(_)) => true,
            _ => false,
        };
        let p = &mut self.phones[i];
        if overruled {
            p.on = None;
            p.seen = None;
            p.start = None;
        }
        let before = p.start.clone().or_else(|| self.start.clone());
        let after = running.clone().or_else(|| self.start.clone());
        p.start = running;
        p.held = None;
        let same = match (&before, &after) {
            (Some(a), Some(b)) => same_release(a, b),
            (a, b) => a.is_none() && b.is_none(),
        };
        if (!same || overruled) && p.on.is_none() {
            // A start corrected: the way is worked out again from it, and the load
            // offered from the old one tells nothing of this phone.
            p.path.clear();
            p.clear_offer();
        }
        Ok(Some(self.status(i)))
    }
}

/// Whether two starts name the same release of the same protocol.
fn same_release(a: &Running, b: &Running) -> bool {
    a.protocol == b.protocol
        && super::cmp_version(&a.version, &b.version) == std::cmp::Ordering::Equal
}

/// A time span in words: `40 s`, `3 min`, `2 h`, `4 days`.
fn ago(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0..120 => format!("{s} s"),
        120..7200 => format!("{} min", s / 60),
        7200..172_800 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}

#[cfg(test)]
mod tests;
