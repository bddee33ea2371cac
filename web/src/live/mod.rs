//! The live view of step 5: one card per phone and the log (pure).
//!
//! The helper runs the per-phone [`lifeline_shared::tracker::Tracker`] and sends
//! its [`PhoneSummary`]s; [`Live`] folds them, keeps the log of every network
//! event in plain words, and notices what the tracker does not: a phone that
//! came back after its download and asked for its configuration, the only
//! observed proof of a recovery.
//!
//! Layout: [`log`] turns events into log lines and keeps them; [`card`] turns a
//! summary into the words of a card ([`PhoneView`]); [`sim`] where the page's
//! simulated phones stand ([`SimRun`]).
//!
//! A card only a simulated phone of its MAC gave ([`simulated_only`]) is no
//! phone seen: it neither ends the wait for a phone nor counts in the tally.
//!
//! Invariants:
//! - [Recover another] sets recovered cards aside as done ([`Live::done`]); they
//!   stay, and come back among the active ones if that phone starts again.
//! - A phone raises one [`Alert`] per finish (recovered, or failed): when the
//!   page saw it change into that outcome, never for a card that was already so
//!   (its configuration asked for again, a snapshot after a reconnect), and
//!   never for one first seen finished (before the page watched).

mod card;
mod log;
mod sim;

pub use card::{PhoneView, label, simulated_only};
pub use log::{Log, LogLine, Tone};
pub use sim::SimRun;

use std::net::Ipv4Addr;
use std::rc::Rc;

use lifeline_shared::events::{Event, PhoneState, PhoneSummary};
use lifeline_shared::sorted;

use crate::clock::Clock;

/// Seconds without a phone before the checklist is shown.
pub const QUIET_CHECKLIST_SECS: u64 = 60;

/// How a phone finished: what the opt-in sound or notification says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finish {
    /// It came back with the new firmware.
    Recovered,
    /// It cannot go on (a diagnosis says why).
    Failed,
}

/// How `p` has finished, if it has. A stuck phone may still go on: not finished.
pub fn finish_of(p: &PhoneSummary) -> Option<Finish> {
    match p.state {
        PhoneState::Done if p.recovered => Some(Finish::Recovered),
        PhoneState::Failed => Some(Finish::Failed),
        _ => None,
    }
}

/// A phone that just finished: what to chime or notify about, once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    /// Goes up with each alert; the page plays each number once.
    pub seq: u64,
    pub phone: String,
    /// How it finished.
    pub finish: Finish,
    /// `Phone SEP001122AABBCC (7961) recovered.`
    pub text: String,
}

/// The phones, the log and the watch.
#[derive(Clone, Debug, PartialEq)]
pub struct Live {
    /// One summary per phone, first seen first.
    pub phones: Vec<PhoneSummary>,
    pub log: Log,
    /// Show only this phone's lines (a card id).
    pub filter: Option<String>,
    /// Keep the newest line in view.
    pub follow: bool,
    /// Show the helper's raw messages under each line.
    pub raw: bool,
    /// The last change worth announcing to screen readers.
    pub announce: String,
    /// When watching started (monotonic ms): the bundle is served and step 5
    /// is on screen.
    pub watch_since: Option<u64>,
    /// When the connection was lost (local ms): the cards are as of then.
    pub stale_since: Option<u64>,
    /// Recovered cards set aside by [Recover another] (ids), oldest first.
    pub done: Vec<String>,
    /// The last phone that finished.
    pub alert: Option<Alert>,
    /// Each card's last announcement by card id, sorted: the helper's time of it (ms) and this
    /// page's monotonic time when it arrived, for "last heard N s ago".
    pub heard: Vec<(String, (u64, u64))>,
    /// The page's simulated phones ("Try with simulated phones").
    pub simulation: SimRun,
    /// The last "This phone runs …" the page told the helper, and its answer.
    pub start: Option<StartAsk>,
}

/// What the page last told the helper a phone runs (for an upgrade plan whose
/// start is unknown), and the helper's refusal when it could not read it. The
/// helper's refusal names no phone: it is this one's, the last asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartAsk {
    /// The card it is for.
    pub card: String,
    /// What the helper said was wrong with it.
    pub refused: Option<String>,
}

impl Default for Live {
    fn default() -> Live {
        Live {
            phones: Vec::new(),
            log: Log::default(),
            filter: None,
            follow: true,
            raw: false,
            announce: String::new(),
            watch_since: None,
            stale_since: None,
            done: Vec::new(),
            alert: None,
            heard: Vec::new(),
            simulation: SimRun::Idle,
            start: None,
        }
    }
}

impl Live {
    /// The addresses of the phones seen.
    pub fn addresses(&self) -> Vec<Ipv4Addr> {
        self.phones.iter().filter_map(|p| p.address).collect()
    }

    /// The helper's snapshot of every phone replaces the cards. A card the
    /// page knew that finished meanwhile (while the connection was down) alerts;
    /// one first seen finished does not.
    pub fn replace(&mut self, phones: Vec<PhoneSummary>) {
        let before = std::mem::replace(&mut self.phones, phones);
        for i in 0..self.phones.len() {
            let p = self.phones[i].clone();
            if let Some(b) = before.iter().find(|b| b.id == p.id) {
                self.finished(b, &p);
            }
        }
        let ids: Vec<&str> = self.phones.iter().map(|p| p.id.as_str()).collect();
        self.done.retain(|id| ids.contains(&id.as_str()));
        self.stale_since = None;
    }

    /// Notes when `p`'s announcement arrived here (`at`: monotonic ms), once
    /// per announcement.
    pub fn note_heard(&mut self, p: &PhoneSummary, at: u64) {
        if let Some(a) = &p.announced {
            let seen = sorted::get(&self.heard, p.id.as_str()).map(|(ms, _)| *ms);
            if seen != Some(a.heard_ms) {
                sorted::set(&mut self.heard, p.id.clone(), (a.heard_ms, at));
            }
        }
    }

    /// How long ago card `id` last announced itself, at `now` (monotonic ms).
    pub fn heard_secs(&self, id: &str, now: u64) -> Option<u64> {
        sorted::get(&self.heard, id).map(|(_, at)| now.saturating_sub(*at) / 1000)
    }

    /// One phone's summary changed.
    pub fn fold(&mut self, p: PhoneSummary) {
        let before = self.phones.iter().find(|c| c.id == p.id).cloned();
        // The tracker renames a card seen first by address once its MAC is
        // known (DHCP, or a `SEP<MAC>` name), and says so.
        let mut prior = before.clone();
        if let Some(old) = p.renamed_from.as_deref()
            && old != p.id
            && let Some(at) = self.phones.iter().position(|c| c.id == old)
        {
            let renamed = self.phones.remove(at);
            prior = prior.or(Some(renamed));
            for id in &mut self.done {
                if *id == old {
                    id.clone_from(&p.id);
                }
            }
            if self.filter.as_deref() == Some(old) {
                self.filter = Some(p.id.clone());
            }
        }
        let was_recovered = before.as_ref().is_some_and(|b| b.recovered);
        let line = match &before {
            None => Some(format!("{} appeared.", label(&p))),
            Some(b) if b.state != p.state => {
                Some(format!("{}: {}.", label(&p), card::state_word(&p)))
            }
            _ => None,
        };
        match self.phones.iter_mut().find(|c| c.id == p.id) {
            Some(c) => *c = p.clone(),
            None => self.phones.push(p.clone()),
        }
        if !was_recovered && p.recovered {
            self.announce = format!("{} recovered.", label(&p));
        } else if let Some(line) = line {
            self.announce = line;
        }
        if let Some(b) = &prior {
            self.finished(b, &p);
        }
    }

    /// `b` became `p`: an alert when it finished just now, and a card set
    /// aside as done goes back among the active ones when it starts again.
    fn finished(&mut self, b: &PhoneSummary, p: &PhoneSummary) {
        let now = finish_of(p);
        if now != Some(Finish::Recovered) {
            self.done.retain(|id| *id != p.id);
        }
        let Some(finish) = now.filter(|&f| finish_of(b) != Some(f)) else {
            return;
        };
        let seq = self.alert.as_ref().map_or(0, |a| a.seq) + 1;
        let text = match finish {
            Finish::Recovered => format!("{} recovered.", label(p)),
            Finish::Failed => format!("{} cannot go on.", label(p)),
        };
        self.alert = Some(Alert {
            seq,
            phone: p.id.clone(),
            finish,
            text,
        });
    }

    /// Whether the card `id` was set aside as done.
    pub fn is_done(&self, id: &str) -> bool {
        self.done.iter().any(|d| d == id)
    }

    /// The cards not set aside, first seen first.
    pub fn active(&self) -> impl Iterator<Item = &PhoneSummary> {
        self.phones.iter().filter(|p| !self.is_done(&p.id))
    }

    /// The cards set aside as done, in the order they were.
    pub fn set_aside(&self) -> impl Iterator<Item = &PhoneSummary> {
        self.done
            .iter()
            .filter_map(|id| self.phones.iter().find(|p| p.id == *id))
    }

    /// Whether to offer [Recover another]: an active phone has recovered.
    pub fn can_recover_another(&self) -> bool {
        self.active()
            .any(|p| finish_of(p) == Some(Finish::Recovered))
    }

    /// [Recover another]: every recovered active card is set aside as done,
    /// and the watch for the next phone starts again at `now` (monotonic ms),
    /// so the elapsed time and the "nothing yet" checklist start over.
    /// `false` when there was nothing to set aside.
    pub fn recover_another(&mut self, now: u64) -> bool {
        let finished: Vec<String> = self
            .active()
            .filter(|p| finish_of(p) == Some(Finish::Recovered))
            .map(|p| p.id.clone())
            .collect();
        if finished.is_empty() {
            return false;
        }
        self.done.extend(finished);
        if self.watch_since.is_some() {
            self.watch_since = Some(now);
        }
        self.announce = "Watching for the next phone.".to_string();
        true
    }

    /// The cards to offer "Retry failed" for: active phones that are stuck or
    /// failed, first seen first.
    pub fn to_retry(&self) -> Vec<String> {
        self.active()
            .filter(|p| matches!(p.state, PhoneState::Stuck | PhoneState::Failed))
            .map(|p| p.id.clone())
            .collect()
    }

    /// The page asked the helper to start `ids` over: a log line for each
    /// (under its phone, for the filter) and one announcement, saying what to
    /// do next. The cards change when the helper's summaries arrive.
    pub fn retry_asked(&mut self, ids: &[String], at: Clock) {
        let mut names = Vec::new();
        for id in ids {
            let card = self.phones.iter().find(|p| p.id == *id);
            let name = card.map_or_else(|| id.clone(), label);
            self.log.push(LogLine {
                at: at.local,
                phone: Some(id.clone()),
                address: card.and_then(|p| p.address),
                mac: card.and_then(|p| p.mac.clone()),
                text: format!("Retry: {name} starts over. Reset it again."),
                raw: None,
                tone: Tone::Plain,
            });
            names.push(name);
        }
        self.announce = match names.as_slice() {
            [one] => format!("Retry: {one} starts over. Reset it again."),
            many => format!(
                "Retry: {} start over. Reset each of them again.",
                many.join(", ")
            ),
        };
    }

    /// The page told the helper that the phone of card `card` runs `text`.
    pub fn start_asked(&mut self, card: &str, text: &str, at: Clock) {
        let name = self
            .phones
            .iter()
            .find(|p| p.id == card)
            .map_or_else(|| card.to_string(), label);
        self.note(
            format!("Told the helper that {name} runs {text}."),
            Tone::Plain,
            at,
        );
        self.start = Some(StartAsk {
            card: card.to_string(),
            refused: None,
        });
    }

    /// The helper could not read what the page said a phone runs: why.
    pub fn start_refused(&mut self, why: String) {
        if let Some(ask) = &mut self.start {
            ask.refused = Some(why);
        }
    }

    /// A network event: a log line.
    pub fn on_event(&mut self, event: &Event, raw: Option<Rc<str>>, at: Clock) {
        self.simulation.on_event(event);
        if let Some(line) = log::event_line(event, raw, at, |ip| self.card_for(ip)) {
            self.log.push(line);
        }
    }

    /// A line of the page's own (connected, lost, sent).
    pub fn note(&mut self, text: String, tone: Tone, at: Clock) {
        self.log.push(LogLine {
            at: at.local,
            phone: None,
            address: None,
            mac: None,
            text,
            raw: None,
            tone,
        });
    }

    fn card_for(&self, ip: Option<Ipv4Addr>) -> Option<String> {
        let ip = ip?;
        Some(
            self.phones
                .iter()
                .find(|c| c.address == Some(ip))
                .map(|c| c.id.clone())
                .unwrap_or_else(|| ip.to_string()),
        )
    }

    /// Whether a line is about the card `id`.
    pub fn line_matches(&self, line: &LogLine, id: &str) -> bool {
        let card = self.phones.iter().find(|c| c.id == id);
        line.phone.as_deref() == Some(id)
            || card.is_some_and(|c| {
                (c.address.is_some() && line.address == c.address)
                    || (c.mac.is_some() && line.mac == c.mac)
            })
    }

    /// The lines the filter lets through.
    pub fn lines(&self) -> impl Iterator<Item = &LogLine> {
        self.log.iter().filter(move |l| match &self.filter {
            Some(id) => self.line_matches(l, id),
            None => true,
        })
    }

    /// The filtered log as a text file.
    pub fn log_text(&self) -> String {
        log::text(self.lines(), self.filter.as_deref(), self.raw)
    }

    /// Seconds of watching at `now` (monotonic ms), and whether the "nothing
    /// yet" checklist is due.
    pub fn watching(&self, now: u64) -> Option<(u64, bool)> {
        let since = self.watch_since?;
        let secs = now.saturating_sub(since) / 1000;
        Some((secs, self.is_waiting() && secs >= QUIET_CHECKLIST_SECS))
    }

    /// Whether the watch waits for a phone: none but those set aside as done.
    pub fn is_waiting(&self) -> bool {
        self.active().all(simulated_only)
    }

    /// Pass and fail over every phone seen (not the cards only a simulation
    /// gave): recovered, working, attention.
    pub fn tally(&self) -> (usize, usize, usize) {
        let mut t = (0, 0, 0);
        for p in self.phones.iter().filter(|p| !simulated_only(p)) {
            match p.state {
                PhoneState::Stuck | PhoneState::Failed => t.2 += 1,
                PhoneState::Done if p.recovered => t.0 += 1,
                _ => t.1 += 1,
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{at_local as at, recovered, summary, tftp_request as request};
    use lifeline_shared::events::{DhcpStep, Resolution};

    #[test]
    fn a_card_seen_by_address_is_renamed_not_doubled() {
        let mut live = Live::default();
        live.fold(summary("10.0.0.50", PhoneState::Downloading));
        assert_eq!(live.announce, "Phone at 10.0.0.50 appeared.");
        let mut named = summary("SEP001122AABBCC", PhoneState::Downloading);
        named.mac = Some("001122AABBCC".into());
        named.model = Some("7961".into());
        named.renamed_from = Some("10.0.0.50".into());
        live.fold(named.clone());
        assert_eq!(live.phones.len(), 1);
        assert_eq!(live.phones[0].id, "SEP001122AABBCC");
        live.fold(PhoneSummary {
            state: PhoneState::Stuck,
            ..named
        });
        assert_eq!(live.announce, "Phone SEP001122AABBCC (7961): stuck.");
    }

    #[test]
    fn a_done_phone_is_recovered_only_once_it_comes_back() {
        let mut live = Live::default();
        let p = summary("10.0.0.50", PhoneState::Done);
        live.fold(p.clone());
        assert_eq!(PhoneView::of(&p).headline, "All 0 files sent");
        assert_eq!(live.tally(), (0, 1, 0));
        live.fold(PhoneSummary {
            recovered: true,
            ..p
        });
        assert_eq!(live.announce, "Phone at 10.0.0.50 recovered.");
        assert_eq!(live.tally(), (1, 0, 0));
    }

    #[test]
    fn the_filter_follows_a_phone_across_its_names() {
        let mut live = Live::default();
        live.on_event(
            &request("term41.default.loads", Resolution::Exact),
            None,
            at(0),
        );
        live.on_event(
            &Event::Dhcp(lifeline_shared::events::DhcpEvent {
                mac: "001122AABBCC".into(),
                device: "SEP001122AABBCC".into(),
                model: Some("7961".into()),
                step: DhcpStep::Ack {
                    addr: Ipv4Addr::new(10, 0, 0, 50),
                    lease_secs: 3600,
                    tftp: vec![Ipv4Addr::new(10, 0, 0, 1)],
                },
            }),
            None,
            at(1),
        );
        live.note("Connected to the helper.".into(), Tone::Good, at(2));
        let mut p = summary("SEP001122AABBCC", PhoneState::Downloading);
        p.mac = Some("001122AABBCC".into());
        live.fold(p);
        live.filter = Some("SEP001122AABBCC".into());
        let texts: Vec<_> = live.lines().map(|l| l.text.clone()).collect();
        assert_eq!(
            texts,
            [
                "Asked for `term41.default.loads` (642 bytes).",
                "Got 10.0.0.50 for 1 h with TFTP server 10.0.0.1."
            ]
        );
        live.filter = None;
        assert_eq!(live.lines().count(), 3);
    }

    #[test]
    fn a_card_only_a_simulation_gave_neither_ends_the_wait_nor_counts() {
        let mut live = Live::default();
        let mut p = summary("SEP001122AABBCC", PhoneState::Waiting);
        p.address = None;
        p.simulation = Some(Box::new(lifeline_shared::events::Simulated {
            outcome: lifeline_shared::events::SimulatedOutcome::Running,
            sentence: "a simulated 7961 with this MAC is booting".into(),
            code: None,
            registered: None,
        }));
        live.fold(p.clone());
        assert!(live.is_waiting());
        assert_eq!(live.tally(), (0, 0, 0));
        p.address = Some(Ipv4Addr::new(10, 0, 0, 50));
        live.fold(p);
        assert!(!live.is_waiting());
        assert_eq!(live.tally(), (0, 1, 0));
    }

    #[test]
    fn the_watch_shows_the_checklist_after_a_quiet_minute() {
        let mut live = Live::default();
        assert_eq!(live.watching(0), None);
        live.watch_since = Some(1000);
        assert_eq!(live.watching(30_000), Some((29, false)));
        assert_eq!(live.watching(61_000), Some((60, true)));
        live.fold(summary("10.0.0.50", PhoneState::Waiting));
        assert_eq!(live.watching(61_000), Some((60, false)));
    }

    #[test]
    fn retry_failed_offers_the_stuck_and_failed_cards_in_order() {
        let mut live = Live::default();
        assert!(live.to_retry().is_empty());
        for (id, state) in [
            ("10.0.0.1", PhoneState::Failed),
            ("10.0.0.2", PhoneState::Downloading),
            ("10.0.0.3", PhoneState::Stuck),
            ("10.0.0.4", PhoneState::Waiting),
            ("10.0.0.5", PhoneState::Done),
        ] {
            live.fold(PhoneSummary {
                address: None,
                ..summary(id, state)
            });
        }
        assert_eq!(live.to_retry(), ["10.0.0.1", "10.0.0.3"]);
        live.retry_asked(&live.to_retry(), at(5000));
        assert_eq!(
            live.announce,
            "Retry: Phone at 10.0.0.1, Phone at 10.0.0.3 start over. Reset each of them again."
        );
        let lines: Vec<_> = live.log.iter().skip(live.log.len() - 2).collect();
        assert_eq!(
            lines[0].text,
            "Retry: Phone at 10.0.0.1 starts over. Reset it again."
        );
        assert_eq!(
            lines[1].text,
            "Retry: Phone at 10.0.0.3 starts over. Reset it again."
        );
        assert!(live.line_matches(lines[1], "10.0.0.3"));
        assert!(
            !live.line_matches(lines[0], "10.0.0.3"),
            "filed under its own phone"
        );
        // A card started over is on its second try.
        let v = PhoneView::of(&PhoneSummary {
            retries: 1,
            ..summary("10.0.0.1", PhoneState::Waiting)
        });
        assert_eq!(
            (v.headline.as_str(), v.attempt),
            ("Waiting for it to start again", Some(2))
        );
        assert_eq!(
            PhoneView::of(&summary("10.0.0.1", PhoneState::Waiting)).attempt,
            None
        );
    }

    #[test]
    fn last_heard_counts_from_when_each_announcement_arrived() {
        let mut live = Live::default();
        let mut p = summary("SEP001F9EAB59F1", PhoneState::Waiting);
        assert_eq!(live.heard_secs(&p.id, 5_000), None);
        p.announced = Some(Box::default());
        p.announced.as_mut().unwrap().heard_ms = 100;
        live.note_heard(&p, 1_000);
        // The same announcement again (another change of the card) keeps its time.
        live.note_heard(&p, 30_000);
        assert_eq!(live.heard_secs(&p.id, 61_000), Some(60));
        p.announced.as_mut().unwrap().heard_ms = 60_100;
        live.note_heard(&p, 61_000);
        assert_eq!(live.heard_secs(&p.id, 63_000), Some(2));
    }

    #[test]
    fn recover_another_sets_recovered_cards_aside_and_waits_again() {
        let mut live = Live {
            watch_since: Some(1000),
            ..Live::default()
        };
        assert!(!live.can_recover_another());
        assert!(!live.recover_another(2000), "nothing recovered yet");
        live.fold(summary("10.0.0.50", PhoneState::Downloading));
        live.fold(summary("10.0.0.51", PhoneState::Downloading));
        assert_eq!(live.watching(90_000), Some((89, false)), "phones are here");
        live.fold(recovered("10.0.0.50"));
        assert!(live.can_recover_another());

        assert!(live.recover_another(100_000));
        assert_eq!(live.done, ["10.0.0.50"]);
        assert!(live.is_done("10.0.0.50"));
        assert_eq!(live.phones.len(), 2, "the finished card stays");
        assert_eq!(
            live.active().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            ["10.0.0.51"]
        );
        assert_eq!(live.announce, "Watching for the next phone.");
        assert!(!live.can_recover_another());
        // The other phone is still in progress: no waiting yet.
        assert!(!live.is_waiting());
        live.fold(recovered("10.0.0.51"));
        assert!(live.recover_another(130_000));
        assert_eq!(live.done, ["10.0.0.50", "10.0.0.51"]);
        assert_eq!(
            live.set_aside().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            ["10.0.0.50", "10.0.0.51"]
        );
        // The watch starts over: elapsed time from the click, checklist later.
        assert!(live.is_waiting());
        assert_eq!(live.watching(135_000), Some((5, false)));
        assert_eq!(live.watching(190_000), Some((60, true)));
        assert_eq!(live.tally(), (2, 0, 0), "done cards still count");

        // A new phone ends the wait; a done one that starts again is active again.
        live.fold(summary("10.0.0.52", PhoneState::Waiting));
        assert!(!live.is_waiting());
        live.fold(summary("10.0.0.50", PhoneState::Downloading));
        assert_eq!(live.done, ["10.0.0.51"]);
        // Re-asking for its configuration keeps a done card done.
        live.fold(recovered("10.0.0.51"));
        assert_eq!(live.done, ["10.0.0.51"]);
        // A snapshot without it forgets it.
        live.replace(vec![summary("10.0.0.52", PhoneState::Waiting)]);
        assert!(live.done.is_empty());
    }

    #[test]
    fn recover_another_without_a_watch_leaves_the_timer_alone() {
        let mut live = Live::default();
        live.fold(summary("10.0.0.50", PhoneState::Downloading));
        live.fold(recovered("10.0.0.50"));
        assert!(live.recover_another(5000));
        assert_eq!(live.watch_since, None);
    }

    #[test]
    fn a_done_card_renamed_by_dhcp_stays_done() {
        let mut live = Live::default();
        live.fold(summary("10.0.0.50", PhoneState::Downloading));
        live.fold(recovered("10.0.0.50"));
        assert!(live.recover_another(0));
        let alerts = live.alert.as_ref().map(|a| a.seq);
        let mut named = recovered("SEP001122AABBCC");
        named.mac = Some("001122AABBCC".into());
        named.renamed_from = Some("10.0.0.50".into());
        live.fold(named);
        assert_eq!(live.phones.len(), 1);
        assert_eq!(live.done, ["SEP001122AABBCC"]);
        assert_eq!(
            live.alert.as_ref().map(|a| a.seq),
            alerts,
            "no second alert"
        );
    }

    #[test]
    fn a_phone_alerts_once_per_finish() {
        let mut live = Live::default();
        let seq = |live: &Live| live.alert.as_ref().map(|a| a.seq);
        live.fold(summary("10.0.0.50", PhoneState::Downloading));
        live.fold(summary("10.0.0.50", PhoneState::Done));
        assert_eq!(live.alert, None, "all files sent is not the end yet");
        live.fold(recovered("10.0.0.50"));
        let a = live.alert.clone().unwrap();
        assert_eq!(
            (a.seq, a.phone.as_str(), a.finish, a.text.as_str()),
            (
                1,
                "10.0.0.50",
                Finish::Recovered,
                "Phone at 10.0.0.50 recovered."
            )
        );
        // It asks for its configuration again, and again: no new alert.
        live.fold(recovered("10.0.0.50"));
        live.fold(PhoneSummary {
            last_seen_ms: 999_999,
            ..recovered("10.0.0.50")
        });
        assert_eq!(seq(&live), Some(1));
        // A snapshot after a reconnect, with the same phone: none either.
        live.replace(vec![recovered("10.0.0.50")]);
        assert_eq!(seq(&live), Some(1));

        // Stuck is not finished; failed is.
        live.fold(summary("10.0.0.51", PhoneState::Downloading));
        live.fold(summary("10.0.0.51", PhoneState::Stuck));
        assert_eq!(seq(&live), Some(1));
        live.fold(summary("10.0.0.51", PhoneState::Failed));
        let a = live.alert.clone().unwrap();
        assert_eq!((a.seq, a.finish), (2, Finish::Failed));
        assert_eq!(a.text, "Phone at 10.0.0.51 cannot go on.");
        live.fold(summary("10.0.0.51", PhoneState::Failed));
        assert_eq!(seq(&live), Some(2));

        // A phone that finished while the connection was down alerts from the
        // snapshot; one first seen finished (before the page watched) does not.
        live.fold(summary("10.0.0.52", PhoneState::Done));
        live.replace(vec![
            recovered("10.0.0.50"),
            summary("10.0.0.51", PhoneState::Failed),
            recovered("10.0.0.52"),
            recovered("10.0.0.53"),
        ]);
        let a = live.alert.clone().unwrap();
        assert_eq!((a.seq, a.phone.as_str()), (3, "10.0.0.52"));
        live.fold(recovered("10.0.0.54"));
        assert_eq!(seq(&live), Some(3), "first seen recovered");

        // The same phone recovered again in a new round alerts again.
        live.fold(summary("10.0.0.50", PhoneState::Downloading));
        live.fold(recovered("10.0.0.50"));
        assert_eq!(seq(&live), Some(4));
    }
}
