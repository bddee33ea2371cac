//! The helper's one event channel. Every [`Event`] the TFTP and DHCP servers
//! report is logged with `tracing`, structured, and sent to every subscriber:
//! the browser sessions, the tracker task and the terminal's live lines. The
//! events are the shared type, the form the browser reads, so what a page
//! receives is what was published.
//!
//! Every TFTP read request produces a [`Event::TftpRequest`] (how its name was
//! resolved), then [`Event::TftpProgress`] at most every
//! `progress_interval`, then [`Event::TftpDone`] or [`Event::TftpAborted`].
//! Requests refused before any file lookup (busy, write requests, a mode
//! not served) produce [`Event::TftpRefused`]; a retransmitted request for a
//! running transfer produces [`Event::TftpDuplicate`]. Requests turned away
//! by the server's limits (per address, all slots) and claims dropped (never
//! acknowledged) produce [`Event::TftpShed`], once per burst; the end of a
//! dropped claim is logged at debug level only, so a flood is a few lines.
//! HTTP provisioning ([`crate::provision`]) reports its downloads with the
//! same request, progress and end events, `transport: http`.

use tokio::sync::broadcast;

pub use lifeline_shared::events::{
    DhcpEvent, Event, OptionPair, ShedReason, TftpEnd, TftpProgress, TftpRefused, TftpRequest,
    TftpShed, Transport,
};

use crate::files::Resolution;
use lifeline_proto::tftp::session::Outcome;

/// How many events a slow subscriber may fall behind before it misses some.
pub const CAPACITY: usize = 1024;

/// The event channel. Cloning it is cheap; publishing never blocks.
#[derive(Clone, Debug)]
pub struct Events {
    tx: broadcast::Sender<Event>,
}

impl Default for Events {
    fn default() -> Self {
        Self::new()
    }
}

impl Events {
    /// A channel keeping [`CAPACITY`] events for slow subscribers.
    pub fn new() -> Self {
        Self {
            tx: broadcast::channel(CAPACITY).0,
        }
    }

    /// A new subscriber, seeing events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }

    /// Logs `event` and sends it to every subscriber.
    pub fn publish(&self, event: Event) {
        log(&event);
        // No subscriber is fine: the log has it.
        let _ = self.tx.send(event);
    }
}

fn log(event: &Event) {
    match event {
        Event::TftpRequest(r) => {
            let resolution = r.resolution.as_str();
            if r.resolution == Resolution::Denied {
                tracing::warn!(
                    transfer = r.transfer, transport = r.transport.as_str(), client = %r.client,
                    file = %r.file, resolution, detail = r.detail.as_deref().unwrap_or(""),
                    "tftp request denied"
                );
            } else {
                tracing::info!(
                    transfer = r.transfer, transport = r.transport.as_str(), client = %r.client,
                    file = %r.file, mode = %r.mode,
                    resolution, served = r.served.as_deref().unwrap_or(""),
                    size = r.size.unwrap_or(0), options = r.options.len(),
                    "tftp request"
                );
            }
        }
        Event::TftpProgress(p) => tracing::debug!(
            transfer = p.transfer, client = %p.client, file = %p.file,
            bytes = p.stats.bytes, blocks = p.stats.blocks,
            retransmissions = p.stats.retransmissions, "tftp progress"
        ),
        Event::TftpDone(e) => tracing::info!(
            transfer = e.transfer, transport = e.transport.as_str(), client = %e.client, file = %e.file,
            bytes = e.stats.bytes, blocks = e.stats.blocks,
            retransmissions = e.stats.retransmissions,
            duration_secs = e.duration_secs, bytes_per_sec = e.bytes_per_sec,
            "tftp transfer done"
        ),
        Event::TftpAborted(e) if is_claim_end(e) => tracing::debug!(
            transfer = e.transfer, client = %e.client, file = %e.file, outcome = ?e.outcome,
            "tftp claim dropped"
        ),
        Event::TftpAborted(e) => tracing::warn!(
            transfer = e.transfer, transport = e.transport.as_str(), client = %e.client, file = %e.file,
            bytes = e.stats.bytes, outcome = ?e.outcome,
            duration_secs = e.duration_secs, "tftp transfer aborted"
        ),
        Event::TftpRefused(r) => tracing::info!(
            client = %r.client, file = %r.file, code = r.code, reason = %r.reason,
            "tftp request refused"
        ),
        Event::TftpShed(r) => tracing::warn!(
            reason = ?r.reason, count = r.count, client = %r.client, "tftp: {}", r.message
        ),
        Event::TftpDuplicate { client, file } => tracing::debug!(
            client = %client, file = %file, "tftp duplicate request ignored"
        ),
        Event::Dhcp(e) => crate::dhcp::events::log(e),
        Event::Neighbour(n) => tracing::debug!(
            mac = %n.mac, via = %n.announced.via, model = n.model.as_deref().unwrap_or(""),
            load = n.announced.load.as_deref().unwrap_or(""),
            port = n.announced.port.as_deref().unwrap_or(""), "phone announced itself"
        ),
        Event::ConfigServed(c) => tracing::info!(
            client = %c.client, file = %c.file, own = c.own,
            "{}", c.registers.sentence()
        ),
        Event::Walk(w) => tracing::info!(
            mac = w.mac.as_deref().unwrap_or(""), address = ?w.address, state = w.state.as_str(),
            "upgrade plan: {}", lifeline_shared::plan::walk::status_words(w)
        ),
        Event::SimulationStarted(s) => tracing::info!(
            phones = s.phones.len(),
            time_limit_secs = s.time_limit_secs,
            "simulated phones started for the page"
        ),
        Event::SimulationVerdict(v) => tracing::info!(
            mac = %v.mac, model = %v.model, source = %v.source, code = v.result.code.as_deref().unwrap_or(""),
            "simulated phone: {}", v.result.sentence
        ),
        Event::SimulationFinished(f) => tracing::info!(
            phones = f.phones,
            registered = f.registered,
            nothing_to_register = f.nothing_to_register,
            failed = f.failed,
            "simulation finished"
        ),
        // Only read from a newer helper, never published here.
        _ => {}
    }
}

/// A transfer that ended without a block acknowledged, timed out or stopped
/// by the server: a dropped claim, reported in sum by [`Event::TftpShed`].
fn is_claim_end(e: &TftpEnd) -> bool {
    e.stats.blocks == 0 && matches!(e.outcome, Outcome::TimedOut { .. } | Outcome::Cancelled)
}

fn size_text(size: Option<u64>) -> String {
    size.map(|s| format!(" ({s} bytes)")).unwrap_or_default()
}

/// One line for a person watching a terminal.
pub fn human_line(event: &Event) -> Option<String> {
    Some(match event {
        Event::TftpRequest(r) => match (&r.resolution, &r.served) {
            (Resolution::Exact, Some(served)) if *served == r.file => format!(
                "{} #{} {} asks {}{}",
                r.transport.label(),
                r.transfer,
                r.client,
                r.file,
                size_text(r.size)
            ),
            (_, Some(served)) => format!(
                "{} #{} {} asks {} -> serving {}{}",
                r.transport.label(),
                r.transfer,
                r.client,
                r.file,
                served,
                size_text(r.size)
            ),
            (resolution, None) => format!(
                "{} #{} {} asks {}: {}{}",
                r.transport.label(),
                r.transfer,
                r.client,
                r.file,
                resolution.as_str(),
                r.detail
                    .as_deref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            ),
        },
        Event::TftpProgress(p) => format!(
            "{} #{} {} {}: {}{} bytes, {} retransmissions",
            p.transport.label(),
            p.transfer,
            p.client,
            p.file,
            p.stats.bytes,
            p.size.map(|s| format!("/{s}")).unwrap_or_default(),
            p.stats.retransmissions
        ),
        Event::TftpDone(e) => format!(
            "{} #{} {} {}: done, {} bytes in {:.2} s ({:.1} kB/s, {} retransmissions)",
            e.transport.label(),
            e.transfer,
            e.client,
            e.file,
            e.stats.bytes,
            e.duration_secs,
            e.bytes_per_sec / 1000.0,
            e.stats.retransmissions
        ),
        Event::TftpAborted(e) => format!(
            "{} #{} {} {}: aborted after {} bytes in {:.2} s: {}",
            e.transport.label(),
            e.transfer,
            e.client,
            e.file,
            e.stats.bytes,
            e.duration_secs,
            match &e.outcome {
                Outcome::PeerError { message, .. } if e.transport == Transport::Http =>
                    message.clone(),
                Outcome::PeerError { code, message } =>
                    format!("the client sent error {code} ({message})"),
                Outcome::TimedOut { .. } if e.transport == Transport::Http =>
                    "the client stopped reading".into(),
                Outcome::TimedOut { retries } =>
                    format!("the client stopped answering ({retries} retries)"),
                Outcome::ReadError { message } => message.clone(),
                Outcome::Cancelled =>
                    "the server stopped it (shutting down, or its slot was needed)".into(),
                Outcome::Done => "done".into(),
            }
        ),
        Event::TftpRefused(r) => {
            format!("TFTP {} asks {}: refused, {}", r.client, r.file, r.reason)
        }
        Event::TftpShed(r) => format!("TFTP {}", r.message),
        Event::TftpDuplicate { .. } => return None,
        Event::Dhcp(e) => return crate::dhcp::events::human_line(e),
        Event::Walk(w) => {
            let who = match (&w.mac, &w.address) {
                (Some(m), _) => format!("SEP{m}"),
                (None, Some(a)) => a.to_string(),
                (None, None) => "a phone".to_string(),
            };
            format!(
                "Upgrade plan, {who}: {}",
                lifeline_shared::plan::walk::status_words(w)
            )
        }
        Event::ConfigServed(c) => format!(
            "{} {} was served {}: {}",
            c.transport.label(),
            c.client,
            c.file,
            c.registers.sentence()
        ),
        Event::SimulationStarted(s) => format!(
            "Simulating {} phone(s) for the page, from {}",
            s.phones.len(),
            s.phones
                .iter()
                .map(|p| format!("SEP{} ({}) at {}", p.mac, p.model, p.source))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Event::SimulationVerdict(v) => format!(
            "Simulated SEP{} ({}): {}",
            v.mac, v.model, v.result.sentence
        ),
        Event::SimulationFinished(f) => format!(
            "Simulation finished: {} phone(s), {} registered, {} with nothing to register, {} failed",
            f.phones, f.registered, f.nothing_to_register, f.failed
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lifeline_proto::tftp::session::Stats;
    use std::net::SocketAddr;

    #[test]
    fn events_serialize_flat_and_tagged() {
        let end = Event::TftpDone(TftpEnd {
            transfer: 3,
            client: "10.0.0.7:2000".parse().unwrap(),
            transport: lifeline_shared::events::Transport::Tftp,
            file: "term61.default.loads".into(),
            stats: Stats {
                bytes: 1024,
                blocks: 3,
                retransmissions: 1,
            },
            duration_secs: 0.5,
            bytes_per_sec: 2048.0,
            outcome: Outcome::Done,
        });
        let json = serde_json::to_value(&end).unwrap();
        assert_eq!(json["event"], "tftp-done");
        assert_eq!(json["client"], "10.0.0.7:2000");
        assert_eq!(json["bytes"], 1024);
        assert_eq!(json["outcome"]["reason"], "done");
        assert!(human_line(&end).unwrap().contains("done, 1024 bytes"));

        let request = Event::TftpRequest(TftpRequest {
            transfer: 1,
            client: "10.0.0.7:2000".parse().unwrap(),
            transport: lifeline_shared::events::Transport::Tftp,
            file: "../x".into(),
            mode: "octet".into(),
            options: vec![],
            resolution: Resolution::Denied,
            served: None,
            size: None,
            accepted: vec![],
            detail: Some("`..` is not allowed".into()),
        });
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(json["resolution"], "denied");
        assert!(human_line(&request).unwrap().contains("denied"));
    }

    #[test]
    fn what_is_published_is_what_the_wire_reads() {
        use crate::dhcp::events::DhcpStep;
        use std::net::Ipv4Addr;

        let client: SocketAddr = "10.0.0.7:2000".parse().unwrap();
        let a = Ipv4Addr::new(10, 0, 0, 100);
        let dhcp = |step| {
            Event::Dhcp(DhcpEvent::new(
                "00:1b:54:aa:bb:cc".parse().unwrap(),
                Some("7961"),
                step,
            ))
        };
        let mut events = lifeline_shared::testkit::tftp_events(client);
        events.extend(lifeline_shared::testkit::registration_events(client));
        events.extend(
            lifeline_shared::testkit::dhcp_steps(a)
                .into_iter()
                .map(dhcp),
        );
        for e in &events {
            let wire: Event = serde_json::from_value(serde_json::to_value(e).unwrap()).unwrap();
            assert_eq!(*e, wire, "{e:?}");
        }
        let pool = dhcp(DhcpStep::PoolExhausted);
        assert_eq!(
            serde_json::to_value(&pool).unwrap()["step"],
            "pool-exhausted"
        );
        let read: Event = serde_json::from_value(serde_json::to_value(&pool).unwrap()).unwrap();
        assert!(
            matches!(read, Event::Dhcp(d) if d.step == DhcpStep::PoolExhausted),
            "the helper's steps are the shared ones, not `other`"
        );
    }

    #[tokio::test]
    async fn subscribers_get_what_is_published() {
        let events = Events::new();
        let mut rx = events.subscribe();
        let e = Event::TftpDuplicate {
            client: "127.0.0.1:9".parse().unwrap(),
            file: "f".into(),
        };
        events.publish(e.clone());
        assert_eq!(rx.recv().await.unwrap(), e);
    }
}
