//! The DHCP socket loop: receive, ask the policy, apply, send. Thin on purpose.
//!
//! [`serve`] takes an already-bound socket and a [`CancellationToken`], so
//! tests bind any port and run in parallel. One task owns the socket, the
//! lease table and the ICMP prober; nothing is shared, so nothing is locked.
//! One bad packet never stops the server: a datagram that does not parse, a
//! reply that cannot be sent, a lease file that cannot be written, each is
//! logged and the loop goes on; only a failing receive on the socket ends it.
//!
//! Memory is bounded: one receive buffer, at most [`MAX_PROBES`] DISCOVERs
//! waiting for a probe, at most [`MAX_QUEUED`] more waiting for a probe slot
//! (see [`super::queue`]: a room of phones at once), and a lease table the
//! configuration bounds. The lease
//! file is written at most once per [`SAVE_INTERVAL`] when something changed
//! (on a blocking thread, atomically), and once more at shutdown.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lifeline_proto::dhcp::config::PolicyConfig;
use lifeline_proto::dhcp::leases::{Change, Leases};
use lifeline_proto::dhcp::policy::{self, Destination, Outcome};
use lifeline_proto::dhcp::wire::{self, ClientMessage};
use tokio::net::UdpSocket;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::events::DhcpEvent;
use super::neighbour::{self, Neighbours};
use super::probe::{IcmpProber, Probe};
pub use super::queue::MAX_QUEUED;
use super::queue::{Queue, Queued, probe_deadline};
use crate::events::{Event, Events};

/// How many probes run at once; the DISCOVERs past it wait in a queue.
pub const MAX_PROBES: usize = 64;
/// The lease file is written at most this often.
pub const SAVE_INTERVAL: Duration = Duration::from_secs(1);

/// The ports replies go to. Standard: clients on 68, relays on 67; tests
/// point both at their own sockets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ports {
    /// Where clients listen.
    pub client: u16,
    /// Where relay agents listen.
    pub relay: u16,
}

impl Default for Ports {
    fn default() -> Self {
        Ports {
            client: 68,
            relay: 67,
        }
    }
}

/// What the loop runs with.
#[derive(Debug)]
pub struct Setup<P = IcmpProber> {
    /// The checked configuration.
    pub config: PolicyConfig,
    /// The lease table, as loaded.
    pub leases: Leases,
    /// Where the table is saved; `None` keeps it in memory.
    pub lease_file: Option<PathBuf>,
    /// The event channel.
    pub events: Events,
    /// The ICMP prober; `None` offers without probing.
    pub prober: Option<P>,
    /// Where replies go.
    pub ports: Ports,
    /// The served interface's ARP table, to reach clients without an
    /// address by unicast; `None` broadcasts to them.
    pub neighbours: Option<Neighbours>,
}

/// A DISCOVER waiting for its probe.
#[derive(Debug)]
struct Pending {
    seq: u16,
    started: Instant,
    msg: ClientMessage,
}

/// What became of a probe request.
enum ProbeStart {
    /// Sent; the DISCOVER waits.
    Started,
    /// Not sent (no prober, or the send failed): offer unprobed.
    Unsent,
    /// A probe of this address runs: the DISCOVER it parked is answered
    /// when it ends.
    Running,
    /// Too many probes run: the DISCOVER waits for a slot.
    Full,
}

struct Loop<P> {
    config: PolicyConfig,
    leases: Leases,
    lease_file: Option<PathBuf>,
    events: Events,
    prober: Option<P>,
    ports: Ports,
    neighbours: Option<Neighbours>,
    pending: HashMap<Ipv4Addr, Pending>,
    queue: Queue,
    writing: Option<JoinHandle<io::Result<()>>>,
    save_failed: Arc<AtomicBool>,
}

/// Serves DHCP on `socket` until `stop` is cancelled; returns the lease table
/// as it stands at the end (saved, when there is a lease file).
pub async fn serve<P: Probe>(
    socket: UdpSocket,
    setup: Setup<P>,
    stop: CancellationToken,
) -> io::Result<Leases> {
    let Setup {
        mut config,
        leases,
        lease_file,
        events,
        prober,
        ports,
        neighbours,
    } = setup;
    config.probe &= prober.is_some();
    let mut state = Loop {
        config,
        leases,
        lease_file,
        events,
        prober,
        ports,
        neighbours,
        pending: HashMap::new(),
        queue: Queue::new(MAX_QUEUED),
        writing: None,
        save_failed: Arc::new(AtomicBool::new(false)),
    };
    let mut buf = vec![0u8; wire::MAX_DATAGRAM];
    let mut save = tokio::time::interval(SAVE_INTERVAL);
    save.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let result = loop {
        let deadline = state.next_deadline();
        tokio::select! {
            biased;
            () = stop.cancelled() => break Ok(()),
            answer = probe_reply(state.prober.as_ref()) => match answer {
                Ok((addr, seq)) => {
                    if state.pending.get(&addr).is_some_and(|p| p.seq == seq) {
                        state.probed(addr, true, &socket).await;
                        state.start_queued(&socket).await;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "dhcp: the ICMP probe socket failed; offering without probes");
                    state.prober = None;
                    state.config.probe = false;
                    let waiting: Vec<Ipv4Addr> = state.pending.keys().copied().collect();
                    for addr in waiting {
                        state.probed(addr, false, &socket).await;
                    }
                    state.start_queued(&socket).await;
                }
            },
            () = sleep_until(deadline) => {
                let now = Instant::now();
                let busy = !state.queue.is_empty();
                let due: Vec<Ipv4Addr> = state
                    .pending
                    .iter()
                    .filter(|(_, p)| probe_deadline(p.started, busy) <= now)
                    .map(|(a, _)| *a)
                    .collect();
                for addr in due {
                    state.probed(addr, false, &socket).await;
                }
                state.start_queued(&socket).await;
            }
            _ = save.tick() => state.save_if_due(),
            received = socket.recv_from(&mut buf) => match received {
                Ok((n, from)) => state.datagram(&buf[..n], from, &socket).await,
                Err(e) if transient(&e) => tracing::debug!(error = %e, "dhcp: receive error; going on"),
                Err(e) => break Err(e),
            },
        }
    };
    state.finish().await;
    result.map(|()| state.leases)
}

async fn probe_reply<P: Probe>(prober: Option<&P>) -> io::Result<(Ipv4Addr, u16)> {
    match prober {
        Some(p) => p.recv().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// Errors a UDP socket reports about one earlier datagram, not about itself:
/// an ICMP error for an earlier reply (refused, unreachable), or a datagram
/// longer than the buffer (Windows reports that as an error where Unix
/// truncates quietly).
fn transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    ) || e
        .raw_os_error()
        .is_some_and(|code| TRANSIENT_CODES.contains(&code))
}

/// The system's codes for what [`transient`] cannot name by `ErrorKind`:
/// "message too long", and a reset network (the TTL of a reply ran out).
#[cfg(any(target_os = "linux", target_os = "android"))]
const TRANSIENT_CODES: [i32; 2] = [90, 102]; // EMSGSIZE, ENETRESET
#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
const TRANSIENT_CODES: [i32; 2] = [40, 52]; // EMSGSIZE, ENETRESET
#[cfg(windows)]
const TRANSIENT_CODES: [i32; 2] = [10040, 10052]; // WSAEMSGSIZE, WSAENETRESET
#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    windows
)))]
const TRANSIENT_CODES: [i32; 0] = [];

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl<P: Probe> Loop<P> {
    async fn datagram(&mut self, bytes: &[u8], from: SocketAddr, socket: &UdpSocket) {
        match ClientMessage::parse(bytes) {
            Ok(msg) => self.answer(msg, socket).await,
            Err(e) => tracing::debug!(%from, error = %e, "dhcp: dropped a datagram"),
        }
    }

    /// Asks the policy about `msg` and carries out what it says; starts a
    /// probe when it asks for one.
    async fn answer(&mut self, msg: ClientMessage, socket: &UdpSocket) {
        let mut msg = Some(msg);
        // A failed probe send counts as "nobody there" and the policy is asked
        // again; it then offers, so two rounds suffice. Four bound it anyway.
        for _ in 0..4 {
            let Some(m) = msg.as_ref() else { return };
            let now = unix_now();
            let outcome = policy::handle(&self.config, &self.leases, m, now);
            let Some(addr) = self.carry_out(outcome, m, now, socket).await else {
                return;
            };
            match self.start_probe(addr, m) {
                ProbeStart::Started | ProbeStart::Running => return,
                ProbeStart::Full => {
                    // The policy held `addr` for the probe. The DISCOVER
                    // waits without it: the policy chooses again when its
                    // turn comes, and a client that sends again meanwhile is
                    // not ignored as "probing".
                    let Some(msg) = msg.take() else { return };
                    let forget = Change::Forget {
                        client: msg.client(),
                        addr,
                    };
                    self.apply(vec![forget], Vec::new(), now);
                    if self.queue.push(msg) == Queued::DroppedOldest {
                        tracing::debug!(
                            waiting = self.queue.len(),
                            dropped = self.queue.dropped(),
                            "dhcp: too many DISCOVERs wait for a probe; dropped the oldest"
                        );
                    }
                    return;
                }
                ProbeStart::Unsent => {
                    self.apply_outcome(policy::probe_result(addr, false, &self.leases, now), now);
                }
            }
        }
    }

    /// Sends an echo request for `addr` and parks a copy of `msg` until it
    /// is answered or times out.
    fn start_probe(&mut self, addr: Ipv4Addr, msg: &ClientMessage) -> ProbeStart {
        let Some(prober) = &self.prober else {
            return ProbeStart::Unsent;
        };
        if self.pending.contains_key(&addr) {
            return ProbeStart::Running;
        }
        if self.pending.len() >= MAX_PROBES {
            tracing::debug!(%addr, "dhcp: too many probes running; the DISCOVER waits");
            return ProbeStart::Full;
        }
        match prober.send(addr) {
            Ok(seq) => {
                let started = Instant::now();
                let msg = msg.clone();
                self.pending.insert(addr, Pending { seq, started, msg });
                ProbeStart::Started
            }
            Err(e) => {
                tracing::debug!(%addr, error = %e, "dhcp: cannot send a probe; offering unprobed");
                ProbeStart::Unsent
            }
        }
    }

    /// When the next running probe gives up.
    fn next_deadline(&self) -> Option<Instant> {
        let busy = !self.queue.is_empty();
        self.pending
            .values()
            .map(|p| probe_deadline(p.started, busy))
            .min()
    }

    /// Answers queued DISCOVERs, oldest first, while probe slots are free.
    async fn start_queued(&mut self, socket: &UdpSocket) {
        // Each turn takes one message out; bounded by those waiting now.
        for _ in 0..self.queue.len() {
            if self.pending.len() >= MAX_PROBES {
                return;
            }
            let Some(msg) = self.queue.pop() else { return };
            self.answer(msg, socket).await;
        }
    }

    /// A probe of `addr` ended: answered (`in_use`) or timed out.
    async fn probed(&mut self, addr: Ipv4Addr, in_use: bool, socket: &UdpSocket) {
        let now = unix_now();
        let outcome = policy::probe_result(addr, in_use, &self.leases, now);
        self.apply_outcome(outcome, now);
        if let Some(p) = self.pending.remove(&addr) {
            self.answer(p.msg, socket).await;
        }
    }

    /// Applies the changes and publishes the events of `outcome`; sends its
    /// reply; returns the address it wants probed.
    async fn carry_out(
        &mut self,
        outcome: Outcome,
        msg: &ClientMessage,
        now: u64,
        socket: &UdpSocket,
    ) -> Option<Ipv4Addr> {
        let Outcome {
            reply,
            changes,
            events,
            probe,
            ignored,
        } = outcome;
        if let Some(why) = &ignored {
            tracing::debug!(mac = %msg.mac, kind = ?msg.kind, reason = %why, "dhcp: no reply");
        }
        self.apply(changes, events, now);
        if let Some(reply) = reply {
            let to = neighbour::route(&mut self.neighbours, reply.to);
            let to = reply_address(to, self.ports);
            let bytes = reply.emit();
            if let Err(e) = socket.send_to(&bytes, to).await {
                tracing::warn!(%to, mac = %msg.mac, error = %e, "dhcp: cannot send a reply");
            }
        }
        probe
    }

    fn apply(&mut self, changes: Vec<Change>, events: Vec<DhcpEvent>, now: u64) {
        for change in changes {
            if let Err(e) = self.leases.apply(change, now, &self.config) {
                tracing::error!(error = %e, "dhcp: lease change refused");
            }
        }
        for event in events {
            self.events.publish(Event::Dhcp(event));
        }
    }

    fn apply_outcome(&mut self, outcome: Outcome, now: u64) {
        self.apply(outcome.changes, outcome.events, now);
    }

    /// Starts writing the lease file if something changed and no write runs.
    fn save_if_due(&mut self) {
        if let Some(handle) = &self.writing {
            if !handle.is_finished() {
                return;
            }
            self.writing = None;
        }
        if self.save_failed.swap(false, Ordering::Relaxed) {
            // What the failed write carried is not on disk: try again.
            self.leases.force_dirty();
        }
        let Some(path) = &self.lease_file else { return };
        if !self.leases.is_dirty() {
            return;
        }
        let snapshot = self.leases.snapshot();
        self.leases.mark_saved();
        let path = path.clone();
        let failed = Arc::clone(&self.save_failed);
        self.writing = Some(tokio::task::spawn_blocking(move || {
            let result = crate::atomic::write_file(&path, &snapshot.to_file_bytes());
            if let Err(e) = &result {
                tracing::warn!(path = %path.display(), error = %e, "dhcp: cannot write the lease file");
                failed.store(true, Ordering::Relaxed);
            }
            result
        }));
    }

    /// Waits for a running write, then writes what is left.
    async fn finish(&mut self) {
        if let Some(handle) = self.writing.take() {
            let _ = handle.await;
        }
        self.save_if_due();
        if let Some(handle) = self.writing.take() {
            let _ = handle.await;
        }
    }
}

/// Where a reply to `to` is sent, as a socket address (for tests and logs);
/// a client without an address that [`neighbour::route`] did not make
/// reachable gets a broadcast.
pub fn reply_address(to: Destination, ports: Ports) -> SocketAddr {
    let (ip, port) = match to {
        Destination::Relay(relay) => (relay, ports.relay),
        Destination::Unicast(client) => (client, ports.client),
        Destination::Broadcast | Destination::Hardware { .. } => {
            (Ipv4Addr::BROADCAST, ports.client)
        }
    };
    SocketAddr::new(IpAddr::V4(ip), port)
}

#[cfg(test)]
#[path = "server_tests.rs"]
mod tests;
