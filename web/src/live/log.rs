//! The log of step 5: every network event in plain words, and the page's own
//! notes (pure).
//!
//! Invariant: the log has no cap but costs little to copy: full chunks of lines
//! are shared between states.

use std::net::{Ipv4Addr, SocketAddr};
use std::rc::Rc;

use lifeline_shared::events::{
    DhcpStep, Event, Outcome, Resolution, SimulatedOutcome, Transport, is_normal_miss,
};

use crate::clock::Clock;
use crate::format;

/// Lines per shared chunk of the log.
const CHUNK: usize = 256;

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

fn client_ip(a: SocketAddr) -> Option<Ipv4Addr> {
    match a {
        SocketAddr::V4(a) => Some(*a.ip()),
        SocketAddr::V6(a) => a.ip().to_ipv4_mapped(),
    }
}

/// ` over HTTP` for a transfer over HTTP provisioning (port 6970); nothing
/// for TFTP, which is what a phone uses unless it says otherwise.
fn over(transport: Transport) -> &'static str {
    match transport {
        Transport::Tftp => "",
        Transport::Http => " over HTTP",
        Transport::Other => " over another transport",
    }
}

/// The log line for a network event, or `None` for one the log leaves out
/// (progress is on the cards). `card_for` names the card of an address.
pub fn event_line(
    event: &Event,
    raw: Option<Rc<str>>,
    at: Clock,
    card_for: impl Fn(Option<Ipv4Addr>) -> Option<String>,
) -> Option<LogLine> {
    let tftp = |client: SocketAddr, text: String, tone: Tone| {
        let ip = client_ip(client);
        LogLine {
            at: at.local,
            phone: card_for(ip),
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
                Resolution::Exact => (
                    format!("Asked for `{}`{}{size}.", r.file, over(r.transport)),
                    Tone::Plain,
                ),
                Resolution::Case | Resolution::Alias => (
                    format!(
                        "Asked for `{}`{}; sent `{}`{size}, the same file spelt otherwise.",
                        r.file,
                        over(r.transport),
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
                "Received `{}`{}: {} in {}{}.",
                e.file,
                over(e.transport),
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
        // Already one line per burst, in the helper's words.
        Event::TftpShed(s) => tftp(s.client, format::sentence(&s.message), Tone::Bad),
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
        Event::Neighbour(n) => {
            let a = &n.announced;
            let who = a
                .platform
                .clone()
                .or_else(|| n.model.clone())
                .unwrap_or_else(|| "a phone".into());
            let runs = a
                .load
                .as_deref()
                .map(|l| format!(", running {l}"))
                .unwrap_or_default();
            LogLine {
                at: at.local,
                phone: Some(format!("SEP{}", n.mac)),
                address: n.address,
                mac: Some(n.mac.clone()),
                text: format!("Announced itself over {}: {who}{runs}.", a.via),
                raw,
                tone: Tone::Plain,
            }
        }
        // Whom a phone registers as is on its card; the run's tally is
        // under the button that started it.
        Event::ConfigServed(_) | Event::SimulationFinished(_) => return None,
        Event::SimulationStarted(s) => LogLine {
            at: at.local,
            phone: None,
            address: None,
            mac: None,
            text: format!(
                "The helper simulates {} phone(s) against its own TFTP server, from 127.0.100.x.",
                s.phones.len()
            ),
            raw,
            tone: Tone::Plain,
        },
        Event::SimulationVerdict(v) => LogLine {
            at: at.local,
            phone: Some(format!("SEP{}", v.mac)),
            address: None,
            mac: Some(v.mac.clone()),
            text: ["Simulated: ", &v.result.sentence].concat(),
            raw,
            tone: match v.result.outcome {
                SimulatedOutcome::Registered => Tone::Good,
                SimulatedOutcome::Stuck | SimulatedOutcome::CouldNotRun => Tone::Bad,
                _ => Tone::Plain,
            },
        },
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

fn resends(n: u64) -> String {
    match n {
        0 => String::new(),
        n => format!(", {}", format::count(n as usize, "resend", "resends")),
    }
}

/// `lines` as a text file: the phone filtered on, if any, and each line with
/// its time, its phone and, with `raw`, the helper's message under it.
pub fn text<'a>(
    lines: impl Iterator<Item = &'a LogLine>,
    filter: Option<&str>,
    raw: bool,
) -> String {
    let mut out = String::from("Lifeline log\n");
    if let Some(id) = filter {
        out.push_str(&format!("Phone: {id}\n"));
    }
    out.push('\n');
    for l in lines {
        out.push_str(&format::clock(l.at));
        out.push_str("  ");
        out.push_str(&format!("{:<16}", l.phone.as_deref().unwrap_or("-")));
        out.push_str("  ");
        out.push_str(&l.text.replace('`', ""));
        out.push('\n');
        if raw && let Some(raw) = &l.raw {
            out.push_str("          ");
            out.push_str(raw);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::Live;
    use crate::test_support::{at_local as at, tftp_done as done, tftp_request as request};
    use lifeline_shared::events::Stats;

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
    fn a_transfer_over_http_says_so() {
        let mut live = Live::default();
        let http = |e: Event| match e {
            Event::TftpRequest(r) => Event::TftpRequest(lifeline_shared::events::TftpRequest {
                transport: Transport::Http,
                ..r
            }),
            Event::TftpDone(d) => Event::TftpDone(lifeline_shared::events::TftpEnd {
                transport: Transport::Http,
                ..d
            }),
            other => other,
        };
        live.on_event(
            &http(request("SEP001122AABBCC.cnf.xml", Resolution::Exact)),
            None,
            at(0),
        );
        live.on_event(&http(done("SEP001122AABBCC.cnf.xml")), None, at(1));
        let texts: Vec<String> = live.log.iter().map(|l| l.text.clone()).collect();
        assert_eq!(
            texts,
            [
                "Asked for `SEP001122AABBCC.cnf.xml` over HTTP (642 bytes).",
                "Received `SEP001122AABBCC.cnf.xml` over HTTP: 642 bytes in 125 ms, 2 resends.",
            ]
        );
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
                transport: lifeline_shared::events::Transport::Tftp,
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
    fn a_shed_report_is_one_line_in_the_helpers_words() {
        let mut live = Live::default();
        live.on_event(
            &Event::TftpShed(lifeline_shared::events::TftpShed {
                reason: lifeline_shared::events::ShedReason::ClientCap,
                count: 1996,
                client: "10.0.0.2:40000".parse().unwrap(),
                message: "1996 read requests from 10.0.0.2 refused: it has 64 unacknowledged transfers, the most one address may have".into(),
            }),
            None,
            at(0),
        );
        let lines: Vec<_> = live
            .log
            .iter()
            .map(|l| (l.text.as_str(), l.tone, l.address))
            .collect();
        assert_eq!(
            lines,
            [(
                "1996 read requests from 10.0.0.2 refused: it has 64 unacknowledged transfers, the most one address may have.",
                Tone::Bad,
                Some(Ipv4Addr::new(10, 0, 0, 2))
            )]
        );
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
}
