//! The socket loop around the TFTP read session: thin, and never stopped by a
//! packet. Each accepted request runs as a `transfer` on a blocking thread.
//!
//! [`serve`] takes an already-bound socket (tests bind port 0) and a
//! cancellation token. It reads requests on that socket; each accepted read
//! request gets its own socket on the same address and an ephemeral port (its
//! TID, see [`super::tid`]), and runs on a thread of tokio's blocking pool.
//! When the TID socket is connected to the client, a small task answers
//! strangers at that port.
//!
//! Why blocking threads for transfers: lock-step TFTP is latency-bound. A
//! blocking `recv_from` with `SO_RCVTIMEO` costs one system call per ACK and
//! wakes exactly the thread that owns the transfer, where a readiness loop costs
//! a failed `recv`, an `epoll_wait`, a task wake-up and the `recv` again. The
//! engine is the same either way: the session does no I/O and is handed the
//! time.
//!
//! Invariants:
//! - one transfer per client address and port: a repeated RRQ while it runs
//!   starts nothing, unless the client has moved on (another file, or the old
//!   transfer waits only for its final ACK): then the old transfer ends
//!   without another datagram to that port, and the request is served
//!   (`slots`). A repeated RRQ for a claim's file tells the claim its client
//!   is there: it resends and lasts as long again from then;
//! - at most `max_per_client` claims (transfers never acknowledged) per IP
//!   address and `max_transfers` transfers in all; when every slot is taken a
//!   new request evicts the oldest claim, never a transfer making progress
//!   (`slots`); a request refused gets an ERROR that says why;
//! - a transfer's slot is freed when its transfer ends, whatever ends it (a
//!   guard, so even a panic frees it), and before its end is published;
//!   every transfer ends within its session's retry budget, a claim within
//!   the session's `claim_timeout` and an eighth of its start or of its
//!   client's last repeated request;
//! - refusals and dropped claims are reported once per burst (`shed`),
//!   never one event per datagram;
//! - a packet from another address at a transfer's port gets ERROR 5 and
//!   changes nothing (in connected mode the stray task answers it; it ends
//!   with its transfer);
//! - malformed datagrams are logged at debug level and answered with ERROR 4;
//!   only a socket that keeps failing ends the loop;
//! - write requests are refused with ERROR 2.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use lifeline_proto::tftp::packet::{self, ErrorCode, Packet, error_bytes};
use lifeline_proto::tftp::session;
use lifeline_proto::tftp::session::netascii::TransferMode;
use tokio::net::UdpSocket;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::clock;
use super::tid::{self, TidMode, TidSockets};
use crate::events::{Event, Events, OptionPair, TftpRefused};
use crate::files::FileSource;
use lifeline_shared::events::ShedReason;
use shed::{Limits, Shed};
use slots::{Admission, Slots, Standing};
use transfer::Transfer;

mod shed;
mod slots;
mod transfer;

/// The default bound on concurrent transfers.
pub const DEFAULT_MAX_TRANSFERS: usize = 256;
/// The default bound on claims (transfers never acknowledged) from one IP
/// address: a quarter of the default slots, so one host abandoning requests
/// cannot take every slot, while a room of phones behind one address (a NAT,
/// a relay, the simulator's shared interface) asking at once is still served.
pub const DEFAULT_MAX_PER_CLIENT: usize = 64;
/// Socket errors in a row that end the loop.
const MAX_SOCKET_ERRORS: u32 = 100;

/// Server settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// The most transfers at once.
    pub max_transfers: usize,
    /// The most transfers at once from one IP address.
    pub max_per_client: usize,
    /// What each transfer may agree to.
    pub session: session::Config,
    /// How long shutdown waits for transfers to say goodbye.
    pub shutdown_grace: Duration,
    /// How transfers hold their port ([`TidMode::Auto`]: probed at start).
    pub tid_mode: TidMode,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            max_transfers: DEFAULT_MAX_TRANSFERS,
            max_per_client: DEFAULT_MAX_PER_CLIENT,
            session: session::Config::default(),
            shutdown_grace: Duration::from_secs(2),
            tid_mode: TidMode::Auto,
        }
    }
}

/// The running transfers.
type Active = Arc<Mutex<Slots>>;

/// Frees a transfer's slot when it ends, however it ends.
struct Slot {
    active: Active,
    id: u64,
}

impl Drop for Slot {
    fn drop(&mut self) {
        lock(&self.active).release(self.id);
    }
}

/// A lock that a panicked holder did not break: every table here is left
/// consistent between statements.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Publishes what `shed` reports.
fn publish_shed(
    events: &Events,
    reports: impl IntoIterator<Item = lifeline_shared::events::TftpShed>,
) {
    for report in reports {
        events.publish(Event::TftpShed(report));
    }
}

/// Serves read requests on `socket` until `shutdown` is cancelled. Returns an
/// error only if the socket keeps failing.
pub async fn serve(
    socket: UdpSocket,
    files: Arc<dyn FileSource>,
    config: Config,
    events: Events,
    shutdown: CancellationToken,
) -> io::Result<()> {
    let local = socket.local_addr()?;
    let active: Active = Arc::new(Mutex::new(Slots::new(
        config.max_transfers,
        config.max_per_client,
        config.session.claim_timeout,
    )));
    let shed = Arc::new(Mutex::new(Shed::new(
        Limits {
            max_transfers: config.max_transfers,
            max_per_client: config.max_per_client,
            claim_timeout: config.session.claim_timeout,
        },
        shed::REPORT_INTERVAL,
    )));
    let mut flush = tokio::time::interval(Duration::from_secs(1));
    flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut tasks = JoinSet::new();
    let next_id = AtomicU64::new(1);
    let mut buf = vec![0u8; packet::MAX_DATAGRAM];
    let mut errors_in_a_row = 0;
    let mut config = config;
    if config.tid_mode == TidMode::Auto {
        let ip = local.ip();
        config.tid_mode = tokio::task::spawn_blocking(move || tid::probe(ip))
            .await
            .unwrap_or(TidMode::Shared);
    }
    let config = Arc::new(config);
    tracing::info!(%local, max_transfers = config.max_transfers,
        max_per_client = config.max_per_client, tid_mode = ?config.tid_mode, "tftp listening");

    loop {
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            Some(joined) = tasks.join_next(), if !tasks.is_empty() => {
                if let Err(error) = joined {
                    tracing::error!(%error, "a tftp transfer panicked");
                }
            }
            _ = flush.tick() => {
                let reports = lock(&shed).flush(clock::now());
                publish_shed(&events, reports);
            }
            received = socket.recv_from(&mut buf) => match received {
                Ok((len, client)) => {
                    errors_in_a_row = 0;
                    let ctx = Context {
                        socket: &socket,
                        local,
                        files: &files,
                        config: &config,
                        events: &events,
                        active: &active,
                        shed: &shed,
                        shutdown: &shutdown,
                        next_id: &next_id,
                    };
                    ctx.on_datagram(&buf[..len], client, &mut tasks);
                }
                Err(error) => {
                    errors_in_a_row += 1;
                    tracing::warn!(%error, "tftp socket error");
                    if errors_in_a_row >= MAX_SOCKET_ERRORS {
                        return Err(error);
                    }
                }
            },
        }
    }

    tracing::info!(running = tasks.len(), "tftp shutting down");
    let drained = tokio::time::timeout(config.shutdown_grace, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            running = tasks.len(),
            "tftp transfers still running after the grace period"
        );
    }
    Ok(())
}

struct Context<'a> {
    socket: &'a UdpSocket,
    local: SocketAddr,
    files: &'a Arc<dyn FileSource>,
    config: &'a Arc<Config>,
    events: &'a Events,
    active: &'a Active,
    shed: &'a Arc<Mutex<Shed>>,
    shutdown: &'a CancellationToken,
    next_id: &'a AtomicU64,
}

impl Context<'_> {
    /// Answers one datagram at the listening port. Never fails.
    fn on_datagram(&self, bytes: &[u8], client: SocketAddr, tasks: &mut JoinSet<()>) {
        let request = match Packet::from_bytes(bytes) {
            Ok(Packet::Rrq(request)) => request,
            Ok(Packet::Wrq(request)) => {
                self.refuse(
                    client,
                    request.filename,
                    ErrorCode::AccessViolation,
                    "this server is read-only: write requests are refused",
                );
                return;
            }
            Ok(Packet::Error { .. }) => return, // never answer an error
            Ok(other) => {
                tracing::debug!(%client, packet = ?other, "tftp packet for no transfer");
                self.reply(
                    client,
                    ErrorCode::IllegalOperation,
                    "illegal operation: only read requests are accepted at this port",
                );
                return;
            }
            Err(error) => {
                tracing::debug!(%client, %error, len = bytes.len(), "malformed tftp datagram");
                if bytes.get(..2) != Some(&packet::opcode::ERROR.to_be_bytes()) {
                    self.reply(
                        client,
                        ErrorCode::IllegalOperation,
                        &format!("malformed packet: {error}"),
                    );
                }
                return;
            }
        };

        let Some(mode) = TransferMode::parse(request.mode) else {
            self.refuse(
                client,
                request.filename,
                ErrorCode::IllegalOperation,
                &format!(
                    "mode `{}` is not served (use octet or netascii)",
                    request.mode
                ),
            );
            return;
        };
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let now = clock::now();
        let admission = lock(self.active).admit(id, client, request.filename, now);
        let (standing, alone) = match admission {
            Admission::Admitted {
                standing,
                alone,
                evicted,
                superseded,
            } => {
                if let Some((evicted, standing)) = evicted {
                    wake(&standing);
                    self.shed(ShedReason::ClaimEvicted, evicted, now);
                }
                if let Some(superseded) = superseded {
                    tracing::debug!(%client, file = request.filename,
                        "a new tftp request from the port of a running transfer: the client moved on");
                    wake(&superseded);
                }
                (standing, alone)
            }
            Admission::Duplicate => {
                self.events.publish(Event::TftpDuplicate {
                    client,
                    file: request.filename.to_owned(),
                });
                return;
            }
            Admission::ClientCap { running } => {
                self.reply(
                    client,
                    ErrorCode::NotDefined,
                    &format!(
                        "too many transfers from {}: {running} are waiting for their first \
                         acknowledgement, the most one address may have; wait for one to finish",
                        client.ip()
                    ),
                );
                self.shed(ShedReason::ClientCap, client, now);
                return;
            }
            Admission::Busy { running } => {
                self.reply(
                    client,
                    ErrorCode::NotDefined,
                    &format!(
                        "server busy: {running} transfers running, the most it allows; \
                         try again shortly"
                    ),
                );
                self.shed(ShedReason::Busy, client, now);
                return;
            }
        };
        let slot = Slot {
            active: Arc::clone(self.active),
            id,
        };
        let sockets = match TidSockets::open(self.local.ip(), client, self.config.tid_mode) {
            Ok(sockets) => sockets,
            Err(error) => {
                tracing::error!(%error, local = %self.local.ip(), "cannot open a socket for a tftp transfer");
                drop(slot);
                self.refuse(
                    client,
                    request.filename,
                    ErrorCode::NotDefined,
                    &format!(
                        "the server cannot open a socket for this transfer ({error}); try again"
                    ),
                );
                return;
            }
        };
        let ended = CancellationToken::new();
        let (socket, connected) = match sockets {
            TidSockets::Connected { transfer, strays } => {
                match strays
                    .set_nonblocking(true)
                    .and_then(|()| UdpSocket::from_std(strays))
                {
                    Ok(strays) => {
                        tasks.spawn(answer_strays(strays, client, id, ended.clone()));
                    }
                    // Without it strangers go unanswered; the transfer is fine.
                    Err(error) => tracing::warn!(%error, "cannot watch a tftp port for strangers"),
                }
                (transfer, true)
            }
            TidSockets::Shared(socket) => (socket, false),
        };
        let socket = Arc::new(socket);
        standing.set_socket(&socket);
        let transfer = Transfer {
            slot,
            standing,
            shed: Arc::clone(self.shed),
            id,
            client,
            socket,
            connected,
            alone,
            _ended: ended.drop_guard(),
            file: request.filename.to_owned(),
            mode,
            mode_text: request.mode.to_owned(),
            options: request
                .options
                .iter()
                .map(|o| OptionPair {
                    name: o.name.to_owned(),
                    value: o.value.to_owned(),
                })
                .collect(),
            files: Arc::clone(self.files),
            config: Arc::clone(self.config),
            events: self.events.clone(),
            shutdown: self.shutdown.clone(),
        };
        tasks.spawn_blocking(move || {
            transfer.run();
        });
    }

    /// Counts a refusal or a dropped claim; publishes a report when one is due.
    fn shed(&self, reason: ShedReason, client: SocketAddr, now: lifeline_proto::tftp::time::Time) {
        let report = lock(self.shed).record(reason, client, now);
        publish_shed(self.events, report);
    }

    fn refuse(&self, client: SocketAddr, file: &str, code: ErrorCode, reason: &str) {
        self.reply(client, code, reason);
        self.events.publish(Event::TftpRefused(TftpRefused {
            client,
            file: file.to_owned(),
            code: code.code(),
            reason: reason.to_owned(),
        }));
    }

    /// Best effort: a full socket buffer drops the reply, as the network could.
    fn reply(&self, client: SocketAddr, code: ErrorCode, message: &str) {
        if let Err(error) = self.socket.try_send_to(&error_bytes(code, message), client) {
            tracing::debug!(%client, %error, "cannot send a tftp error");
        }
    }
}

/// Wakes an evicted or superseded transfer's thread out of its `recv` at
/// once: the socket is shut for reading (`recv` returns 0 from then on), and
/// the thread, finding itself evicted, tells its client and ends (superseded,
/// it ends without a word). Sending still works.
fn wake(standing: &Standing) {
    if let Some(socket) = standing.socket() {
        // An unconnected socket reports ENOTCONN but is woken all the same.
        let _ = rustix::net::shutdown(&*socket, rustix::net::Shutdown::Read);
    }
}

/// Answers datagrams from strangers at a connected transfer's port with
/// ERROR 5 until the transfer ends.
async fn answer_strays(
    socket: UdpSocket,
    client: SocketAddr,
    transfer: u64,
    ended: CancellationToken,
) {
    let reply = error_bytes(ErrorCode::UnknownTransferId, "unknown transfer ID");
    // The opcode is all that is read; the rest of a datagram is dropped.
    let mut buf = [0u8; 2];
    loop {
        let received = tokio::select! {
            () = ended.cancelled() => return,
            received = socket.recv_from(&mut buf) => received,
        };
        match received {
            Ok((_, from)) if from == client => {} // the transfer's own; see `tid`
            Ok((len, from)) => {
                tracing::debug!(transfer, %from, "tftp packet from a wrong transfer id");
                if buf[..len] != packet::opcode::ERROR.to_be_bytes() {
                    let _ = socket.try_send_to(&reply, from);
                }
            }
            // ICMP errors for earlier replies: nothing to do.
            Err(error) => tracing::debug!(transfer, %error, "tftp stray socket"),
        }
    }
}

#[cfg(test)]
mod tests;
