//! The live view of step 5: one card per phone and the log (pure).
//!
//! The helper runs the per-phone [`lifeline_shared::events::Tracker`] and sends
//! its [`PhoneSummary`]s; [`Live`] folds them, keeps the log of every network
//! event in plain words, and notices what the tracker does not: a phone that
//! came back after its download and asked for its configuration (UX §2.13, the
//! only observed proof of a recovery). [`PhoneView`] turns a summary into the
//! words of a card: headline, verdict or diagnosis, the fix, one row per file.
//!
//! Invariants:
//! - A card never claims more than was observed: "All files sent" until the
//!   phone asks for its configuration again, "Recovered" after.
//! - Expected misses (CTL/ITL, per-MAC configuration, locale files) are grey
//!   and never make a card fail.
//! - The log has no cap (UX §2.12) but costs little to copy: full chunks of
//!   lines are shared between states.
//! - [Recover another] sets recovered cards aside as done ([`Live::done`]); they
//!   stay, and come back among the active ones if that phone starts again.
//! - A phone raises one [`Alert`] per finish (recovered, or failed): when the
//!   page saw it change into that outcome, never for a card that was already so
//!   (its configuration asked for again, a snapshot after a reconnect), and
//!   never for one first seen finished (before the page watched).

use std::net::{Ipv4Addr, SocketAddr};
use std::rc::Rc;

use lifeline_shared::events::{
    DhcpStep, Diagnosis, Event, FileState, Outcome, PhoneState, PhoneSummary, Resolution,
    is_normal_miss,
};
use lifeline_shared::models;

use crate::format;
use crate::helper::Clock;

/// Lines per shared chunk of the log.
const CHUNK: usize = 256;
/// Seconds without a phone before the checklist is shown.
pub const QUIET_CHECKLIST_SECS: u64 = 60;

/// How a log line reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Plain news.
    Plain,
    /// Expected and harmless (grey).
    Normal,
    /// Good news.
    Good,
    /// Something went wrong.
    Bad,
}

impl Tone {
    /// The CSS word.
    pub fn word(self) -> &'static str {
        match self {
            Tone::Plain => "plain",
            Tone::Normal => "muted",
            Tone::Good => "ok",
            Tone::Bad => "error",
        }
    }
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// When (local milliseconds).
    pub at: u64,
    /// The phone, as its card was named then (`SEP…` or its address).
    pub phone: Option<String>,
    /// Its address, for the filter.
    pub address: Option<Ipv4Addr>,
    /// Its MAC, for the filter.
    pub mac: Option<String>,
    /// What happened, in plain words (names in backticks).
    pub text: String,
    /// The message as the helper sent it.
    pub raw: Option<Rc<str>>,
    /// How it reads.
    pub tone: Tone,
}

/// The log: shared full chunks and a short tail.
#[derive(Clone, Debug, Default)]
pub struct Log {
    sealed: Vec<Rc<Vec<LogLine>>>,
    tail: Vec<LogLine>,
}

impl PartialEq for Log {
    fn eq(&self, other: &Log) -> bool {
        self.sealed.len() == other.sealed.len()
            && self
                .sealed
                .iter()
                .zip(&other.sealed)
                .all(|(a, b)| Rc::ptr_eq(a, b) || a == b)
            && self.tail == other.tail
    }
}

impl Log {
    /// Adds a line.
    pub fn push(&mut self, line: LogLine) {
        self.tail.push(line);
        if self.tail.len() >= CHUNK {
            self.sealed.push(Rc::new(std::mem::take(&mut self.tail)));
        }
    }

    /// Every line, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &LogLine> {
        self.sealed
            .iter()
            .flat_map(|c| c.iter())
            .chain(self.tail.iter())
    }

    /// How many lines.
    pub fn len(&self) -> usize {
        self.sealed.len() * CHUNK + self.tail.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How a phone finished: what the opt-in sound or notification says (UX §2.14).
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
    /// The card.
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
    /// The log.
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
        }
    }
}

fn client_ip(a: SocketAddr) -> Option<Ipv4Addr> {
    match a {
        SocketAddr::V4(a) => Some(*a.ip()),
        SocketAddr::V6(a) => a.ip().to_ipv4_mapped(),
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

    /// One phone's summary changed.
    pub fn fold(&mut self, p: PhoneSummary) {
        let before = self.phones.iter().find(|c| c.id == p.id).cloned();
        // The tracker renames a card seen first by address once DHCP names it.
        let mut prior = before.clone();
        if p.mac.is_some()
            && let Some(a) = p.address
        {
            let old = a.to_string();
            if old != p.id
                && let Some(at) = self.phones.iter().position(|c| c.id == old)
            {
                let renamed = self.phones.remove(at);
                prior = prior.or(Some(renamed));
                for id in &mut self.done {
                    if *id == old {
                        id.clone_from(&p.id);
                    }
                }
            }
        }
        let was_recovered = before.as_ref().is_some_and(|b| b.recovered);
        let line = match &before {
            None => Some(format!("{} appeared.", label(&p))),
            Some(b) if b.state != p.state => Some(format!("{}: {}.", label(&p), state_word(&p))),
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

    /// The cards to offer "Retry failed" for (UX §2.14): active phones that
    /// are stuck or failed, first seen first.
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

    /// A network event: a log line.
    pub fn on_event(&mut self, event: &Event, raw: Option<Rc<str>>, at: Clock) {
        if let Some(line) = self.line_for(event, raw, at) {
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

    fn line_for(&self, event: &Event, raw: Option<Rc<str>>, at: Clock) -> Option<LogLine> {
        let tftp = |client: SocketAddr, text: String, tone: Tone| {
            let ip = client_ip(client);
            LogLine {
                at: at.local,
                phone: self.card_for(ip),
                address: ip,
                mac: None,
                text,
                raw: raw.clone(),
                tone,
            }
        };
        Some(match event {
            Event::TftpRequest(r) => {
                let size = r
                    .size
                    .map(|s| format!(" ({})", format::size(s)))
                    .unwrap_or_default();
                let (text, tone) = match r.resolution {
                    Resolution::Exact => (format!("Asked for `{}`{size}.", r.file), Tone::Plain),
                    Resolution::Case | Resolution::Alias => (
                        format!(
                            "Asked for `{}`; sent `{}`{size}, the same file spelt otherwise.",
                            r.file,
                            r.served.as_deref().unwrap_or("?")
                        ),
                        Tone::Plain,
                    ),
                    Resolution::NotFound if is_normal_miss(&r.file) => (
                        format!(
                            "Asked for `{}`: not in the bundle, which is normal.",
                            r.file
                        ),
                        Tone::Normal,
                    ),
                    Resolution::NotFound => (
                        format!("Asked for `{}`: not in the bundle.", r.file),
                        Tone::Bad,
                    ),
                    Resolution::Denied => (
                        format!(
                            "Asked for `{}`: refused{}.",
                            r.file,
                            r.detail
                                .as_deref()
                                .map(|d| format!(" ({d})"))
                                .unwrap_or_default()
                        ),
                        Tone::Bad,
                    ),
                };
                tftp(r.client, text, tone)
            }
            // Progress is on the cards; the log would drown in it.
            Event::TftpProgress(_) => return None,
            Event::TftpDone(e) => tftp(
                e.client,
                format!(
                    "Received `{}`: {} in {}{}.",
                    e.file,
                    format::size(e.stats.bytes),
                    format::millis(e.duration_secs * 1000.0),
                    resends(e.stats.retransmissions)
                ),
                Tone::Good,
            ),
            Event::TftpAborted(e) => {
                let text = match &e.outcome {
                    Outcome::TimedOut { retries } => format!(
                        "Stopped answering during `{}` ({} of it sent; {} tries).",
                        e.file,
                        format::size(e.stats.bytes),
                        retries
                    ),
                    Outcome::PeerError { message, .. } => {
                        format!("Stopped the transfer of `{}`: “{message}”.", e.file)
                    }
                    Outcome::ReadError { message } => format!(
                        "Could not be sent `{}`: the helper could not read it ({message}).",
                        e.file
                    ),
                    Outcome::Cancelled | Outcome::Done => format!(
                        "The transfer of `{}` was cancelled (the helper stopped or switched bundles).",
                        e.file
                    ),
                };
                tftp(e.client, text, Tone::Bad)
            }
            Event::TftpRefused(r) => tftp(
                r.client,
                format!("Was refused `{}`: {}.", r.file, r.reason),
                Tone::Bad,
            ),
            Event::TftpDuplicate { client, file } => tftp(
                *client,
                format!("Asked again for `{file}` (a resent request; the transfer goes on)."),
                Tone::Normal,
            ),
            Event::Dhcp(d) => {
                let model = d
                    .model
                    .as_deref()
                    .map(|m| format!(" (a {m})"))
                    .unwrap_or_default();
                let tftp_list = |t: &[Ipv4Addr]| {
                    if t.is_empty() {
                        "no TFTP server".to_string()
                    } else {
                        format!(
                            "TFTP server {}",
                            t.iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }
                };
                let (text, tone, address) = match &d.step {
                    DhcpStep::Discover { .. } => (
                        format!("Looked for a DHCP server{model}."),
                        Tone::Plain,
                        None,
                    ),
                    DhcpStep::Offer { addr, tftp } => (
                        format!("Was offered {addr} with {}.", tftp_list(tftp)),
                        Tone::Plain,
                        Some(*addr),
                    ),
                    DhcpStep::Ack {
                        addr,
                        lease_secs,
                        tftp,
                    } => (
                        format!(
                            "Got {addr} for {} with {}.",
                            format::duration(u64::from(*lease_secs)),
                            tftp_list(tftp)
                        ),
                        Tone::Good,
                        Some(*addr),
                    ),
                    DhcpStep::Nak { reason, .. } => (
                        format!("Was refused an address: {reason}."),
                        Tone::Bad,
                        None,
                    ),
                    DhcpStep::Decline { addr } => (
                        format!("Said {addr} is already in use."),
                        Tone::Bad,
                        Some(*addr),
                    ),
                    DhcpStep::Release { addr } => {
                        (format!("Gave {addr} back."), Tone::Plain, Some(*addr))
                    }
                    DhcpStep::Inform { addr } => (
                        format!("Asked for its settings at {addr}."),
                        Tone::Plain,
                        Some(*addr),
                    ),
                    // The address is another device's: not one for the filter.
                    DhcpStep::AddressInUse { addr } => (
                        format!(
                            "Was not offered {addr}: another device already answers there, so the helper skips it and offers the next free address."
                        ),
                        Tone::Plain,
                        None,
                    ),
                    DhcpStep::PoolExhausted => (
                        "Got no address: every address in the helper's DHCP range is taken."
                            .to_string(),
                        Tone::Bad,
                        None,
                    ),
                    DhcpStep::Other => ("Another DHCP step.".to_string(), Tone::Plain, None),
                };
                LogLine {
                    at: at.local,
                    phone: Some(d.device.clone()),
                    address,
                    mac: Some(d.mac.clone()),
                    text,
                    raw,
                    tone,
                }
            }
            _ => LogLine {
                at: at.local,
                phone: None,
                address: None,
                mac: None,
                text: "An event this page does not know (see the raw line).".into(),
                raw,
                tone: Tone::Plain,
            },
        })
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
        let mut out = String::from("Lifeline log\n");
        if let Some(id) = &self.filter {
            out.push_str(&format!("Phone: {id}\n"));
        }
        out.push('\n');
        for l in self.lines() {
            out.push_str(&format::clock(l.at));
            out.push_str("  ");
            out.push_str(&format!("{:<16}", l.phone.as_deref().unwrap_or("-")));
            out.push_str("  ");
            out.push_str(&l.text.replace('`', ""));
            out.push('\n');
            if self.raw
                && let Some(raw) = &l.raw
            {
                out.push_str("          ");
                out.push_str(raw);
                out.push('\n');
            }
        }
        out
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
        self.active().next().is_none()
    }

    /// Pass and fail over every phone (UX §2.14): recovered, working, attention.
    pub fn tally(&self) -> (usize, usize, usize) {
        let mut t = (0, 0, 0);
        for p in &self.phones {
            match p.state {
                PhoneState::Stuck | PhoneState::Failed => t.2 += 1,
                PhoneState::Done if p.recovered => t.0 += 1,
                _ => t.1 += 1,
            }
        }
        t
    }
}

fn resends(n: u64) -> String {
    match n {
        0 => String::new(),
        n => format!(", {}", format::count(n as usize, "resend", "resends")),
    }
}

/// `Phone SEP001122AABBCC (7961)` or `Phone at 10.0.0.50`.
pub fn label(p: &PhoneSummary) -> String {
    let name = if p.id.starts_with("SEP") {
        format!("Phone {}", p.id)
    } else {
        format!("Phone at {}", p.id)
    };
    match &p.model {
        Some(m) => format!("{name} ({m})"),
        None => name,
    }
}

fn state_word(p: &PhoneSummary) -> &'static str {
    match p.state {
        PhoneState::Waiting => "waiting",
        PhoneState::Downloading => "downloading",
        PhoneState::Done => "all files sent",
        PhoneState::Stuck => "stuck",
        PhoneState::Failed => "failed",
    }
}

/// One file row of a card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileView {
    /// Its name.
    pub name: String,
    /// Where it is, in a word or two.
    pub state: &'static str,
    /// The CSS tone.
    pub tone: &'static str,
    /// The bar, when the size is known.
    pub percent: Option<u64>,
    /// `1.2 MB of 2.5 MB`.
    pub bytes: String,
    /// `3 resends`.
    pub resends: Option<String>,
}

/// A card, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneView {
    /// `Cisco 7961`, or `Phone at 10.0.0.50` while the model is not known.
    pub title: String,
    /// `00:11:22:AA:BB:CC`.
    pub mac: Option<String>,
    /// Its address.
    pub address: Option<String>,
    /// `ok`, `working`, `warning`, `error`, `muted`.
    pub tone: &'static str,
    /// `Recovered`, `Downloading file 3 of 6`, a diagnosis' title …
    pub headline: String,
    /// The verdict or the diagnosis, in sentences (names in backticks).
    pub detail: String,
    /// What to do, if anything.
    pub fix: Option<String>,
    /// The files its manifest lists, in order.
    pub files: Vec<FileView>,
    /// `Not found, as is normal: …`.
    pub normal: Option<String>,
    /// Files done of expected.
    pub done: (usize, usize),
    /// Which try this is, from the second on (after Retry failed).
    pub attempt: Option<u32>,
}

/// The title, detail and fix of a diagnosis.
pub fn diagnosis_words(d: &Diagnosis) -> Option<(String, String, String)> {
    Some(match d {
        Diagnosis::NotFound { file, closest } => {
            let other_model = models::MODELS.iter().find(|m| {
                m.recovery_manifest
                    .is_some_and(|r| r.eq_ignore_ascii_case(file))
            });
            match (other_model, closest) {
                (Some(m), _) => (
                    format!("It asked for `{file}`, which is not in the bundle"),
                    format!(
                        "`{file}` is the recovery manifest of the {}: this phone is not a model this firmware is for.",
                        m.name
                    ),
                    format!(
                        "Go back to step 1 and choose the firmware for the {} (cmterm-{}…), send it, then reset the phone again.",
                        models::family(m.family).name,
                        models::family(m.family)
                            .zip_prefix
                            .trim_start_matches("cmterm-")
                    ),
                ),
                (None, Some(near)) => (
                    format!("It asked for `{file}`, which is not in the bundle"),
                    format!(
                        "The closest name in the bundle is `{near}`: the phone expects another spelling or build than this firmware has."
                    ),
                    format!(
                        "Use the firmware whose manifest lists `{file}`, or check that nothing renamed the files; then send the bundle again. The phone stays stuck until that file is served."
                    ),
                ),
                (None, None) => (
                    format!("It asked for `{file}`, which is not in the bundle"),
                    "Nothing in the bundle has a similar name.".to_string(),
                    format!(
                        "Use the firmware for this phone's model and load (its manifest lists `{file}`), send it, then reset the phone again."
                    ),
                ),
            }
        }
        Diagnosis::ManifestRepeated {
            file,
            times,
            recovery: true,
        } => (
            format!("It keeps asking for `{file}` without going on"),
            format!(
                "It fetched `{file}` {times} times and never asked for the images: its bootloader refuses this build, or could not read the manifest."
            ),
            "Recover it with an 8.3(3)–8.5(2) load first (for example SCCP41.8-5-2S for a 7941/7961), then send this bundle and reset it again.".to_string(),
        ),
        Diagnosis::ManifestRepeated { file, times, .. } => (
            format!("It keeps asking for `{file}` without fetching any image"),
            format!("It fetched `{file}` {times} times: it may refuse this load."),
            "Check the upgrade path: a phone on firmware older than 8.3(3) needs an 8.3(3)–8.5(2) load before 9.2(3) or later.".to_string(),
        ),
        Diagnosis::Quiet { minutes, last } => (
            format!("No request for {minutes} minutes"),
            match last {
                Some(f) => format!("The last thing it asked for was `{f}`."),
                None => "It has not asked the TFTP server for anything since.".to_string(),
            },
            "Check that the phone has power (a 7970/7971/7975 needs its power brick), that it got an address with option 150 pointing to this computer (step 2), and that no firewall on this computer blocks UDP port 69 and the ports above 1024.".to_string(),
        ),
        Diagnosis::TimedOut { file, times } => (
            format!("The transfer of `{file}` keeps timing out"),
            format!(
                "It timed out {times} times: packets between this computer and the phone are lost."
            ),
            "Check this computer's firewall (UDP port 69 and the ports above 1024 must be open) and any switch, VLAN or Wi-Fi link in between; a cable straight to the phone's switch is best.".to_string(),
        ),
        Diagnosis::PhoneError { file, message } => (
            format!("The phone stopped the transfer of `{file}`"),
            format!("It said: “{message}”."),
            "It usually asks again by itself. If it keeps stopping, the file may not suit this model: check the firmware in step 1.".to_string(),
        ),
        Diagnosis::ReadError { file, message } => (
            format!("The helper could not read `{file}`"),
            format::sentence(message),
            "Check the helper computer's disk, then send the bundle again (step 4).".to_string(),
        ),
        Diagnosis::NoFreeAddress => (
            "It gets no address from the helper".to_string(),
            "Every address in the helper's DHCP range is leased or held, so it was offered none and cannot ask for its firmware.".to_string(),
            "Start the helper again with a wider `--dhcp-range`, or wait for the leases of devices that are gone to expire: the phone keeps asking and gets an address as soon as one is free.".to_string(),
        ),
        _ => return None,
    })
}

impl PhoneView {
    /// The card of `p`.
    pub fn of(p: &PhoneSummary) -> PhoneView {
        let files: Vec<FileView> = p.files.iter().map(file_view).collect();
        let expected = p.files_expected.max(p.files.len());
        let took = format::duration_ms(p.last_seen_ms.saturating_sub(p.first_seen_ms));
        let (tone, headline, detail, fix) = match p.state {
            PhoneState::Done if p.recovered => (
                "ok",
                "Recovered".to_string(),
                format!(
                    "Recovered in {took}: all {expected} files sent, then it restarted and asked for its configuration, so it runs the new firmware."
                ),
                None,
            ),
            PhoneState::Done => (
                "ok",
                format!("All {expected} files sent"),
                format!(
                    "Sent in {took}. The phone now writes them to its flash and restarts by itself, which can take several minutes: do not unplug it. This card says Recovered when it comes back and asks for its configuration."
                ),
                None,
            ),
            PhoneState::Waiting if p.retries > 0 => (
                "muted",
                "Waiting for it to start again".to_string(),
                "Started over by Retry failed: this card follows its new try from its first request.".to_string(),
                Some("Reset it as the steps above say.".to_string()),
            ),
            PhoneState::Waiting => (
                "muted",
                "Waiting for its first request".to_string(),
                "It is known to the helper but has not asked for its firmware yet.".to_string(),
                None,
            ),
            PhoneState::Downloading => {
                let k = (p.files_done + 1).min(expected.max(1));
                (
                    "working",
                    if expected > 0 {
                        format!("Downloading file {k} of {expected}")
                    } else {
                        "Downloading".to_string()
                    },
                    match &p.current_file {
                        Some(f) => format!("Now sending `{f}`."),
                        None => "Between two files.".to_string(),
                    },
                    // A stopped transfer it may ask for again.
                    p.diagnosis
                        .as_ref()
                        .and_then(diagnosis_words)
                        .map(|(_, _, fix)| fix)
                        .filter(|_| p.reason.is_some()),
                )
            }
            PhoneState::Stuck | PhoneState::Failed => {
                let tone = if p.state == PhoneState::Failed {
                    "error"
                } else {
                    "warning"
                };
                match p.diagnosis.as_ref().and_then(diagnosis_words) {
                    Some((title, detail, fix)) => (tone, title, detail, Some(fix)),
                    None => (
                        tone,
                        if p.state == PhoneState::Failed {
                            "It cannot go on".to_string()
                        } else {
                            "It is not getting anywhere".to_string()
                        },
                        p.reason.clone().unwrap_or_default(),
                        None,
                    ),
                }
            }
        };
        PhoneView {
            title: match (&p.model, p.address) {
                (Some(m), _) => format!("Cisco {m}"),
                (None, Some(a)) => format!("Phone at {a}"),
                (None, None) => format!("Phone {}", p.id),
            },
            mac: p.mac.as_deref().map(format::mac),
            address: p.address.map(|a| a.to_string()),
            tone,
            headline,
            detail,
            fix,
            files,
            normal: (!p.normal_misses.is_empty()).then(|| {
                format!(
                    "Not found, as is normal without a Call Manager: {}.",
                    p.normal_misses
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
            done: (p.files_done, expected),
            attempt: (p.retries > 0).then(|| p.retries.saturating_add(1)),
        }
    }
}

fn file_view(f: &lifeline_shared::events::PhoneFile) -> FileView {
    let (state, tone) = match f.state {
        FileState::Pending => ("waiting", "muted"),
        FileState::Downloading => ("sending", "working"),
        FileState::Done => ("sent", "ok"),
        FileState::NotFound => ("not in the bundle", "error"),
        FileState::Failed => ("failed", "error"),
    };
    let bytes = match (f.size, f.state) {
        (Some(size), FileState::Done) => format::size(size),
        (Some(size), _) => format!(
            "{} of {}",
            format::size(f.bytes.min(size)),
            format::size(size)
        ),
        (None, _) => format::size(f.bytes),
    };
    FileView {
        name: f.name.clone(),
        state,
        tone,
        percent: f.size.map(|s| {
            if f.state == FileState::Done {
                100
            } else {
                format::percent(f.bytes, s).min(99)
            }
        }),
        bytes,
        resends: (f.retransmissions > 0)
            .then(|| format::count(f.retransmissions as usize, "resend", "resends")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lifeline_shared::events::{PhoneFile, Stats, TftpEnd, TftpRequest};

    fn at(local: u64) -> Clock {
        Clock { mono: local, local }
    }

    fn summary(id: &str, state: PhoneState) -> PhoneSummary {
        PhoneSummary {
            id: id.into(),
            mac: None,
            model: None,
            address: Some(Ipv4Addr::new(10, 0, 0, 50)),
            state,
            reason: None,
            diagnosis: None,
            current_file: None,
            files: vec![],
            files_done: 0,
            files_expected: 0,
            normal_misses: vec![],
            recovered: false,
            retries: 0,
            first_seen_ms: 0,
            last_seen_ms: 252_000,
        }
    }

    fn request(file: &str, resolution: Resolution) -> Event {
        Event::TftpRequest(TftpRequest {
            transfer: 1,
            client: "10.0.0.50:5000".parse().unwrap(),
            file: file.into(),
            mode: "octet".into(),
            options: vec![],
            resolution,
            served: Some(file.to_ascii_lowercase()),
            size: Some(642),
            accepted: vec![],
            detail: None,
        })
    }

    fn done(file: &str) -> Event {
        Event::TftpDone(TftpEnd {
            transfer: 1,
            client: "10.0.0.50:5000".parse().unwrap(),
            file: file.into(),
            stats: Stats {
                bytes: 642,
                blocks: 2,
                retransmissions: 2,
            },
            duration_secs: 0.125,
            bytes_per_sec: 5136.0,
            outcome: Outcome::Done,
        })
    }

    #[test]
    fn the_log_is_shared_in_chunks_and_compares_by_content() {
        let mut log = Log::default();
        for i in 0..(CHUNK * 2 + 3) {
            log.push(LogLine {
                at: i as u64,
                phone: None,
                address: None,
                mac: None,
                text: String::new(),
                raw: None,
                tone: Tone::Plain,
            });
        }
        assert_eq!(log.len(), CHUNK * 2 + 3);
        assert_eq!(log.iter().count(), log.len());
        assert_eq!(
            log.iter().last().map(|l| l.at),
            Some((CHUNK * 2 + 2) as u64)
        );
        let copy = log.clone();
        assert!(Rc::ptr_eq(&copy.sealed[0], &log.sealed[0]));
        assert_eq!(copy, log);
        assert!(Log::default().is_empty());
    }

    #[test]
    fn events_read_as_plain_lines() {
        let mut live = Live::default();
        live.on_event(
            &request("CTLSEP001122AABBCC.tlv", Resolution::NotFound),
            None,
            at(0),
        );
        live.on_event(
            &request("term41.default.loads", Resolution::Exact),
            None,
            at(1),
        );
        live.on_event(&done("term41.default.loads"), Some("{raw}".into()), at(2));
        live.on_event(&request("dsp.sbn", Resolution::NotFound), None, at(3));
        let lines: Vec<_> = live.log.iter().map(|l| (l.text.as_str(), l.tone)).collect();
        assert_eq!(
            lines,
            [
                (
                    "Asked for `CTLSEP001122AABBCC.tlv`: not in the bundle, which is normal.",
                    Tone::Normal
                ),
                ("Asked for `term41.default.loads` (642 bytes).", Tone::Plain),
                (
                    "Received `term41.default.loads`: 642 bytes in 125 ms, 2 resends.",
                    Tone::Good
                ),
                ("Asked for `dsp.sbn`: not in the bundle.", Tone::Bad),
            ]
        );
        assert_eq!(
            live.log.iter().next().unwrap().phone.as_deref(),
            Some("10.0.0.50")
        );
        // Progress is left out.
        let before = live.log.len();
        live.on_event(
            &Event::TftpProgress(lifeline_shared::events::TftpProgress {
                transfer: 1,
                client: "10.0.0.50:5000".parse().unwrap(),
                file: "a".into(),
                size: None,
                stats: Stats::default(),
            }),
            None,
            at(4),
        );
        assert_eq!(live.log.len(), before);
        let text = live.log_text();
        assert!(
            text.contains("00:00:00  10.0.0.50         Asked for CTLSEP001122AABBCC.tlv"),
            "{text}"
        );
        assert!(!text.contains("{raw}"));
        live.raw = true;
        assert!(live.log_text().contains("          {raw}\n"));
    }

    #[test]
    fn a_card_seen_by_address_is_renamed_not_doubled() {
        let mut live = Live::default();
        live.fold(summary("10.0.0.50", PhoneState::Downloading));
        assert_eq!(live.announce, "Phone at 10.0.0.50 appeared.");
        let mut named = summary("SEP001122AABBCC", PhoneState::Downloading);
        named.mac = Some("001122AABBCC".into());
        named.model = Some("7961".into());
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
    fn a_skipped_address_and_a_full_range_read_as_plain_lines() {
        let mut live = Live::default();
        let dhcp = |step| {
            Event::Dhcp(lifeline_shared::events::DhcpEvent {
                mac: "001122AABBCC".into(),
                device: "SEP001122AABBCC".into(),
                model: Some("7961".into()),
                step,
            })
        };
        let other = Ipv4Addr::new(10, 0, 0, 20);
        live.on_event(&dhcp(DhcpStep::AddressInUse { addr: other }), None, at(0));
        live.on_event(&dhcp(DhcpStep::PoolExhausted), None, at(1));
        live.on_event(&dhcp(DhcpStep::Other), None, at(2));
        let lines: Vec<_> = live
            .log
            .iter()
            .map(|l| (l.text.as_str(), l.tone, l.phone.as_deref(), l.address))
            .collect();
        assert_eq!(
            lines,
            [
                (
                    "Was not offered 10.0.0.20: another device already answers there, so the helper skips it and offers the next free address.",
                    Tone::Plain,
                    Some("SEP001122AABBCC"),
                    None
                ),
                (
                    "Got no address: every address in the helper's DHCP range is taken.",
                    Tone::Bad,
                    Some("SEP001122AABBCC"),
                    None
                ),
                (
                    "Another DHCP step.",
                    Tone::Plain,
                    Some("SEP001122AABBCC"),
                    None
                ),
            ]
        );
    }

    #[test]
    fn a_phone_without_an_address_says_how_to_get_one() {
        let mut p = summary("SEP001122AABBCC", PhoneState::Stuck);
        p.address = None;
        p.diagnosis = Some(Diagnosis::NoFreeAddress);
        p.reason = Some("no free address".into());
        let v = PhoneView::of(&p);
        assert_eq!(v.tone, "warning");
        assert_eq!(v.headline, "It gets no address from the helper");
        assert!(v.detail.contains("DHCP range"), "{}", v.detail);
        assert!(
            v.fix.as_deref().is_some_and(|f| f.contains("--dhcp-range")),
            "{:?}",
            v.fix
        );
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
    fn files_show_bars_that_do_not_overstate() {
        let f = |bytes, state| PhoneFile {
            name: "a".into(),
            size: Some(1000),
            bytes,
            state,
            retransmissions: 0,
        };
        assert_eq!(
            file_view(&f(1000, FileState::Downloading)).percent,
            Some(99)
        );
        assert_eq!(file_view(&f(1000, FileState::Done)).percent, Some(100));
        assert_eq!(
            file_view(&f(500, FileState::Downloading)).bytes,
            "500 bytes of 1.0 kB"
        );
        let nf = file_view(&f(0, FileState::NotFound));
        assert_eq!((nf.state, nf.tone), ("not in the bundle", "error"));
    }

    fn recovered(id: &str) -> PhoneSummary {
        PhoneSummary {
            recovered: true,
            ..summary(id, PhoneState::Done)
        }
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

    #[test]
    fn a_term_manifest_of_another_model_names_it() {
        let (title, detail, fix) = diagnosis_words(&Diagnosis::NotFound {
            file: "term42.default.loads".into(),
            closest: Some("term41.default.loads".into()),
        })
        .unwrap();
        assert_eq!(
            title,
            "It asked for `term42.default.loads`, which is not in the bundle"
        );
        assert!(detail.contains("recovery manifest of the 7942"), "{detail}");
        assert!(fix.contains("7942/7962"), "{fix}");
        assert_eq!(diagnosis_words(&Diagnosis::Other), None);
    }
}
