//! What the helper tells the world: events, published on an in-process
//! broadcast channel (the websocket and the CLI subscribe) and logged with
//! `tracing`, structured.
//!
//! Every TFTP read request produces a [`Event::TftpRequest`] (how its name was
//! resolved), then [`Event::TftpProgress`] at most every
//! `progress_interval`, then [`Event::TftpDone`] or [`Event::TftpAborted`].
//! Requests refused before any file lookup (busy, write requests, a mode
//! not served) produce [`Event::TftpRefused`]; a retransmitted request for a
//! running transfer produces [`Event::TftpDuplicate`].

use std::net::SocketAddr;

use serde::Serialize;
use tokio::sync::broadcast;

/// The TFTP and DHCP event data is the shared wire form the browser reads.
pub use lifeline_shared::events::{
    DhcpEvent, OptionPair, TftpEnd, TftpProgress, TftpRefused, TftpRequest,
};

use crate::tftp::files::Resolution;
use lifeline_proto::tftp::session::Outcome;

/// How many events a slow subscriber may fall behind before it misses some.
pub const CAPACITY: usize = 1024;

/// An event.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Event {
    /// A read request.
    TftpRequest(TftpRequest),
    /// Progress of a transfer (rate-limited).
    TftpProgress(TftpProgress),
    /// A transfer completed.
    TftpDone(TftpEnd),
    /// A transfer ended early.
    TftpAborted(TftpEnd),
    /// A request refused.
    TftpRefused(TftpRefused),
    /// A request repeated while its transfer runs: ignored.
    TftpDuplicate {
        /// The client.
        client: SocketAddr,
        /// The file asked for.
        file: String,
    },
    /// A step of a DHCP client's exchange (a phone's timeline starts at its DISCOVER).
    Dhcp(DhcpEvent),
    /// The DHCP server started.
    DhcpServing(crate::dhcp::events::DhcpServing),
    /// Another DHCP server answers on the segment.
    DhcpRival(crate::dhcp::events::RivalServer),
}

impl Event {
    /// The form the browser and the tracker read. The server notices
    /// ([`Event::DhcpServing`], [`Event::DhcpRival`]) have none: they are
    /// `Unknown` there, as they would read on the wire.
    pub fn to_shared(&self) -> lifeline_shared::events::Event {
        use lifeline_shared::events::Event as Shared;
        match self {
            Event::TftpRequest(r) => Shared::TftpRequest(r.clone()),
            Event::TftpProgress(p) => Shared::TftpProgress(p.clone()),
            Event::TftpDone(e) => Shared::TftpDone(e.clone()),
            Event::TftpAborted(e) => Shared::TftpAborted(e.clone()),
            Event::TftpRefused(r) => Shared::TftpRefused(r.clone()),
            Event::TftpDuplicate { client, file } => Shared::TftpDuplicate {
                client: *client,
                file: file.clone(),
            },
            Event::Dhcp(e) => Shared::Dhcp(e.clone()),
            Event::DhcpServing(_) | Event::DhcpRival(_) => Shared::Unknown,
        }
    }
}

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
            let resolution = serde_json::to_string(&r.resolution).unwrap_or_default();
            let resolution = resolution.trim_matches('"');
            if r.resolution == Resolution::Denied {
                tracing::warn!(
                    transfer = r.transfer, client = %r.client, file = %r.file,
                    resolution, detail = r.detail.as_deref().unwrap_or(""),
                    "tftp request denied"
                );
            } else {
                tracing::info!(
                    transfer = r.transfer, client = %r.client, file = %r.file, mode = %r.mode,
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
            transfer = e.transfer, client = %e.client, file = %e.file,
            bytes = e.stats.bytes, blocks = e.stats.blocks,
            retransmissions = e.stats.retransmissions,
            duration_secs = e.duration_secs, bytes_per_sec = e.bytes_per_sec,
            "tftp transfer done"
        ),
        Event::TftpAborted(e) => tracing::warn!(
            transfer = e.transfer, client = %e.client, file = %e.file,
            bytes = e.stats.bytes, outcome = ?e.outcome,
            duration_secs = e.duration_secs, "tftp transfer aborted"
        ),
        Event::TftpRefused(r) => tracing::info!(
            client = %r.client, file = %r.file, code = r.code, reason = %r.reason,
            "tftp request refused"
        ),
        Event::TftpDuplicate { client, file } => tracing::debug!(
            client = %client, file = %file, "tftp duplicate request ignored"
        ),
        Event::Dhcp(e) => crate::dhcp::events::log(e),
        // Logged where they happen, with their context.
        Event::DhcpServing(_) | Event::DhcpRival(_) => {}
    }
}

fn size_text(size: Option<u64>) -> String {
    size.map(|s| format!(" ({s} bytes)")).unwrap_or_default()
}

/// One line for a person watching a terminal.
pub fn human_line(event: &Event) -> Option<String> {
    Some(match event {
        Event::TftpRequest(r) => match (&r.resolution, &r.served) {
            (Resolution::Exact, Some(served)) if *served == r.file => format!(
                "TFTP #{} {} asks {}{}",
                r.transfer,
                r.client,
                r.file,
                size_text(r.size)
            ),
            (_, Some(served)) => format!(
                "TFTP #{} {} asks {} -> serving {}{}",
                r.transfer,
                r.client,
                r.file,
                served,
                size_text(r.size)
            ),
            (resolution, None) => format!(
                "TFTP #{} {} asks {}: {}{}",
                r.transfer,
                r.client,
                r.file,
                serde_json::to_string(resolution)
                    .unwrap_or_default()
                    .trim_matches('"'),
                r.detail
                    .as_deref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            ),
        },
        Event::TftpProgress(p) => format!(
            "TFTP #{} {} {}: {}{} bytes, {} retransmissions",
            p.transfer,
            p.client,
            p.file,
            p.stats.bytes,
            p.size.map(|s| format!("/{s}")).unwrap_or_default(),
            p.stats.retransmissions
        ),
        Event::TftpDone(e) => format!(
            "TFTP #{} {} {}: done, {} bytes in {:.2} s ({:.1} kB/s, {} retransmissions)",
            e.transfer,
            e.client,
            e.file,
            e.stats.bytes,
            e.duration_secs,
            e.bytes_per_sec / 1000.0,
            e.stats.retransmissions
        ),
        Event::TftpAborted(e) => format!(
            "TFTP #{} {} {}: aborted after {} bytes in {:.2} s: {}",
            e.transfer,
            e.client,
            e.file,
            e.stats.bytes,
            e.duration_secs,
            match &e.outcome {
                Outcome::PeerError { code, message } =>
                    format!("the client sent error {code} ({message})"),
                Outcome::TimedOut { retries } =>
                    format!("the client stopped answering ({retries} retries)"),
                Outcome::ReadError { message } => message.clone(),
                Outcome::Cancelled => "the server is shutting down".into(),
                Outcome::Done => "done".into(),
            }
        ),
        Event::TftpRefused(r) => {
            format!("TFTP {} asks {}: refused, {}", r.client, r.file, r.reason)
        }
        Event::TftpDuplicate { .. } => return None,
        Event::Dhcp(e) => return crate::dhcp::events::human_line(e),
        Event::DhcpServing(s) => format!(
            "DHCP ({}) serving {} from {} on {}, TFTP server {}",
            serde_json::to_string(&s.mode)
                .unwrap_or_default()
                .trim_matches('"'),
            s.range,
            s.server,
            s.interface.as_deref().unwrap_or("?"),
            s.tftp
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Event::DhcpRival(r) => r.describe(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lifeline_proto::tftp::session::Stats;

    #[test]
    fn events_serialize_flat_and_tagged() {
        let end = Event::TftpDone(TftpEnd {
            transfer: 3,
            client: "10.0.0.7:2000".parse().unwrap(),
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
    fn the_shared_form_is_what_the_wire_reads() {
        use crate::dhcp::events::{DhcpServing, DhcpStep, RivalServer};
        use lifeline_proto::dhcp::config::Answer;
        use std::net::Ipv4Addr;

        let client: SocketAddr = "10.0.0.7:2000".parse().unwrap();
        let a = Ipv4Addr::new(10, 0, 0, 100);
        let stats = Stats {
            bytes: 1024,
            blocks: 3,
            retransmissions: 1,
        };
        let end = |outcome| TftpEnd {
            transfer: 3,
            client,
            file: "term61.default.loads".into(),
            stats,
            duration_secs: 0.5,
            bytes_per_sec: 2048.0,
            outcome,
        };
        let dhcp = |step| {
            Event::Dhcp(DhcpEvent::new(
                "00:1b:54:aa:bb:cc".parse().unwrap(),
                Some("7961"),
                step,
            ))
        };
        let mut events = vec![
            Event::TftpRequest(TftpRequest {
                transfer: 1,
                client,
                file: "Jar41sccp.8-3-2-27.sbn".into(),
                mode: "octet".into(),
                options: vec![OptionPair {
                    name: "blksize".into(),
                    value: "1428".into(),
                }],
                resolution: Resolution::Alias,
                served: Some("jar41sccp.8-3-2-27.sbn".into()),
                size: Some(642),
                accepted: vec![],
                detail: None,
            }),
            Event::TftpProgress(TftpProgress {
                transfer: 1,
                client,
                file: "f".into(),
                size: None,
                stats,
            }),
            Event::TftpDone(end(Outcome::Done)),
            Event::TftpAborted(end(Outcome::TimedOut { retries: 5 })),
            Event::TftpRefused(TftpRefused {
                client,
                file: "x".into(),
                code: 2,
                reason: "write requests are refused".into(),
            }),
            Event::TftpDuplicate {
                client,
                file: "f".into(),
            },
            Event::DhcpServing(DhcpServing {
                mode: Answer::CiscoOnly,
                interface: Some("eth0".into()),
                server: Ipv4Addr::new(10, 0, 0, 1),
                range: "10.0.0.20-10.0.0.199".parse().unwrap(),
                tftp: vec![Ipv4Addr::new(10, 0, 0, 1)],
            }),
            Event::DhcpRival(RivalServer {
                server: Ipv4Addr::new(10, 0, 0, 254),
                offered: Ipv4Addr::new(10, 0, 0, 57),
                mask: None,
                routers: vec![],
                option150: None,
                option66: None,
            }),
        ];
        events.extend(
            lifeline_shared::testkit::dhcp_steps(a)
                .into_iter()
                .map(dhcp),
        );
        for e in &events {
            let wire: lifeline_shared::events::Event =
                serde_json::from_value(serde_json::to_value(e).unwrap()).unwrap();
            assert_eq!(e.to_shared(), wire, "{e:?}");
        }
        let pool = dhcp(DhcpStep::PoolExhausted);
        assert_eq!(
            serde_json::to_value(&pool).unwrap()["step"],
            "pool-exhausted"
        );
        assert!(
            matches!(pool.to_shared(), lifeline_shared::events::Event::Dhcp(d) if d.step == DhcpStep::PoolExhausted),
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
