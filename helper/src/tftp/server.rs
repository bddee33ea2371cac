//! The socket loop around [`ReadSession`]: thin, and never stopped by a packet.
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
//!   is ignored;
//! - at most `max_per_client` claims (transfers never acknowledged) per IP
//!   address and `max_transfers` transfers in all; when every slot is taken a new request evicts the oldest claim
//!   (a transfer never acknowledged), never a transfer making progress
//!   ([`slots`]); a request refused gets an ERROR that says why;
//! - a transfer's slot is freed when its transfer ends, whatever ends it (a
//!   guard, so even a panic frees it), and before its end is published;
//!   every transfer ends within its session's retry budget, a claim within
//!   the session's `claim_timeout`;
//! - refusals and dropped claims are reported once per burst ([`shed`]),
//!   never one event per datagram;
//! - a packet from another address at a transfer's port gets ERROR 5 and
//!   changes nothing (in connected mode the stray task answers it; it ends
//!   with its transfer);
//! - malformed datagrams are logged at debug level and answered with ERROR 4;
//!   only a socket that keeps failing ends the loop;
//! - write requests are refused with ERROR 2.

use std::io::{self, Seek as _};
use std::net::{SocketAddr, UdpSocket as StdUdpSocket};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use lifeline_proto::tftp::packet::{self, ErrorCode, Packet, error_bytes};
use lifeline_proto::tftp::session::negotiate::{asks_tsize, negotiate};
use lifeline_proto::tftp::session::netascii::{TransferMode, netascii_len};
use lifeline_proto::tftp::session::{self, Outcome, ReadSession};
use rustix::net::{RecvFlags, SendFlags};
use tokio::net::UdpSocket;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::clock;
use super::files::{FileSource, LookupError};
use super::tid::{self, TidMode, TidSockets};
use crate::events::{Event, Events, OptionPair, TftpEnd, TftpProgress, TftpRefused, TftpRequest};
use lifeline_shared::events::ShedReason;
use shed::{Limits, Shed};
use slots::{Admission, Slots, Standing};

mod shed;
mod slots;

/// The default bound on concurrent transfers.
pub const DEFAULT_MAX_TRANSFERS: usize = 256;
/// The default bound on claims (transfers never acknowledged) from one IP
/// address: a quarter of the default slots, so one host abandoning requests
/// cannot take every slot, while a room of phones behind one address (a NAT,
/// a relay, the simulator's shared interface) asking at once is still served.
pub const DEFAULT_MAX_PER_CLIENT: usize = 64;
/// What an evicted claim's client is told.
const EVICTED_MESSAGE: &str =
    "transfer dropped: it was never acknowledged and the server needed its slot; ask again";
/// How often a waiting transfer looks at the cancellation token.
const CANCEL_CHECK_MS: u64 = 200;
/// A busy transfer looks at the cancellation token once per this many
/// datagrams (a few milliseconds at lock-step speed).
const CANCEL_EVERY: u32 = 64;
/// Blocks read from a file at once: one read per this many lock-step blocks.
const READ_AHEAD_BLOCKS: usize = 16;

/// The read buffer of a transfer that starts while no other runs.
const LONE_READ_AHEAD: usize = 128 << 10;

/// How much a file transfer with blocks of `blksize` reads at once (straight
/// into its ring of packets, see `session`): 16 blocks, within 8–64 KiB, so
/// that reads are few and 50 transfers of 512-byte blocks still hold under
/// half a megabyte of packets; a transfer that starts alone (the usual single
/// phone) reads 128 KiB at a time.
fn read_ahead(blksize: u16, alone: bool) -> usize {
    let per_blocks = (READ_AHEAD_BLOCKS * usize::from(blksize)).clamp(8 << 10, 64 << 10);
    if alone {
        per_blocks.max(LONE_READ_AHEAD)
    } else {
        per_blocks
    }
}

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
        let admission = lock(self.active).admit(id, client, now);
        let (standing, alone) = match admission {
            Admission::Admitted {
                standing,
                alone,
                evicted,
            } => {
                if let Some((evicted, standing)) = evicted {
                    wake(&standing);
                    self.shed(ShedReason::ClaimEvicted, evicted, now);
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

/// Wakes an evicted transfer's thread out of its `recv` at once: the socket
/// is shut for reading (`recv` returns 0 from then on), and the thread,
/// finding itself evicted, tells its client and ends. Sending still works.
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

/// Sends one datagram to `client` on a TID socket (connected to it or not).
fn send_to_client(
    socket: &StdUdpSocket,
    connected: bool,
    client: SocketAddr,
    datagram: &[u8],
) -> io::Result<usize> {
    if connected {
        send(socket, datagram)
    } else {
        socket.send_to(datagram, client)
    }
}

/// `send` on a connected socket as a bare system call (see
/// [`lifeline_proto::tftp::time`] for why the lock-step path counts instructions).
fn send(socket: &StdUdpSocket, datagram: &[u8]) -> io::Result<usize> {
    Ok(rustix::net::send(socket, datagram, SendFlags::empty())?)
}

/// `recv` on a connected socket as a bare system call; honours the socket's
/// `SO_RCVTIMEO` like `UdpSocket::recv`.
fn recv(socket: &StdUdpSocket, buf: &mut [u8]) -> io::Result<usize> {
    Ok(rustix::net::recv(socket, buf, RecvFlags::empty())?.0)
}

/// One accepted read request, run on a blocking thread.
struct Transfer {
    /// The client's place among the running transfers; freed before the
    /// end is announced, so that whoever hears it may ask again at once.
    slot: Slot,
    /// Claim, acknowledged or evicted (see [`slots`]).
    standing: Arc<Standing>,
    /// Where a claim that expires is counted.
    shed: Arc<Mutex<Shed>>,
    id: u64,
    client: SocketAddr,
    /// The TID socket; connected to the client when `connected`. Shared
    /// with the slot table, which wakes it on eviction.
    socket: Arc<StdUdpSocket>,
    connected: bool,
    /// No other transfer was running when this one started.
    alone: bool,
    /// Ends the stray task with the transfer, however the transfer ends.
    _ended: tokio_util::sync::DropGuard,
    file: String,
    mode: TransferMode,
    mode_text: String,
    options: Vec<OptionPair>,
    files: Arc<dyn FileSource>,
    config: Arc<Config>,
    events: Events,
    shutdown: CancellationToken,
}

impl Transfer {
    fn run(self) {
        let socket = &self.socket;
        let mut request = TftpRequest {
            transfer: self.id,
            client: self.client,
            file: self.file.clone(),
            mode: self.mode_text.clone(),
            options: self.options.clone(),
            resolution: super::files::Resolution::NotFound,
            served: None,
            size: None,
            accepted: Vec::new(),
            detail: None,
        };
        let mut opened = match self.files.open(&self.file) {
            Ok(opened) => opened,
            Err(error) => {
                request.resolution = error.resolution();
                request.detail = Some(error.to_string());
                let code = match error {
                    LookupError::Denied(_) => ErrorCode::AccessViolation,
                    LookupError::NotFound => ErrorCode::FileNotFound,
                    _ => ErrorCode::NotDefined,
                };
                let message = match code {
                    ErrorCode::FileNotFound => "file not found".to_owned(),
                    _ => error.to_string(),
                };
                self.events.publish(Event::TftpRequest(request));
                // Free first: a client told "not found" may ask again at once.
                drop(self.slot);
                let reply = error_bytes(code, &message);
                let _ = send_to_client(socket, self.connected, self.client, &reply);
                return;
            }
        };
        let options: Vec<packet::TftpOption<'_>> = self
            .options
            .iter()
            .map(|o| packet::TftpOption {
                name: &o.name,
                value: &o.value,
            })
            .collect();
        let size = match self.mode {
            TransferMode::Octet => Some(opened.size),
            TransferMode::Netascii if asks_tsize(&options) => {
                let counted = netascii_len(&mut opened.reader)
                    .and_then(|n| opened.reader.rewind().map(|()| n));
                counted.ok()
            }
            TransferMode::Netascii => None,
        };
        request.resolution = opened.resolution;
        request.served = Some(opened.served.clone());
        request.size = size;
        let negotiated = negotiate(&options, size, &self.config.session);
        let mut config = self.config.session.clone();
        if opened.direct {
            config.read_ahead = read_ahead(negotiated.blksize, self.alone);
        }
        let mut session = ReadSession::with_negotiated(
            clock::now(),
            self.mode,
            negotiated,
            opened.reader,
            config,
        );
        request.accepted = session
            .negotiated()
            .acknowledged
            .iter()
            .map(|(name, value)| OptionPair {
                name: name.clone(),
                value: value.clone(),
            })
            .collect();
        let served = opened.served;
        self.events.publish(Event::TftpRequest(request));

        self.drive(socket, &mut session, &served, size);

        let now = clock::now();
        let stats = session.stats();
        let duration = session.elapsed(now).as_secs_f64();
        let outcome = session.outcome().cloned().unwrap_or(Outcome::Cancelled);
        let end = TftpEnd {
            transfer: self.id,
            client: self.client,
            file: served,
            stats,
            duration_secs: duration,
            bytes_per_sec: if duration > 0.0 {
                stats.bytes as f64 / duration
            } else {
                0.0
            },
            outcome,
        };
        drop(self.slot);
        self.events.publish(if end.outcome == Outcome::Done {
            Event::TftpDone(end)
        } else {
            Event::TftpAborted(end)
        });
        if session.is_claim_expired() {
            let report = lock(&self.shed).record(ShedReason::ClaimExpired, self.client, now);
            publish_shed(&self.events, report);
        }
    }

    /// The loop: send what the session wants, wait for the client or the
    /// timeout, repeat. One clock read per datagram received; the shutdown
    /// token is looked at on every timeout and every `CANCEL_EVERY` packets.
    fn drive<R: std::io::Read>(
        &self,
        socket: &StdUdpSocket,
        session: &mut ReadSession<R>,
        served: &str,
        size: Option<u64>,
    ) {
        let mut buf = [0u8; 1024];
        let mut read_timeout_ms = 0; // none set yet
        let mut now = clock::now();
        let mut received: u32 = 0;
        let mut check_shutdown = false;
        // Until the client acknowledges something, the table may evict.
        let mut claim = true;
        loop {
            // Before anything is sent in answer, so that a client that has
            // acknowledged is never evicted once it hears the next block.
            if claim && !session.is_claim() {
                claim = false;
                if !self.standing.acknowledge() {
                    session.cancel(now, EVICTED_MESSAGE);
                }
            } else if claim && self.standing.is_evicted() {
                session.cancel(now, EVICTED_MESSAGE);
            }
            while let Some(datagram) = session.poll_transmit() {
                if let Err(error) = self.send(socket, datagram) {
                    // Lost like a dropped datagram: the timeout sends it again.
                    tracing::debug!(%error, client = %self.client, "tftp send failed");
                }
            }
            if session.is_finished() {
                return;
            }
            if std::mem::take(&mut check_shutdown) && self.shutdown.is_cancelled() {
                session.cancel(now, "the server is shutting down");
                continue;
            }
            let Some(due) = session.poll_timeout() else {
                return;
            };
            let wait = due.as_nanos().saturating_sub(now.as_nanos());
            if wait == 0 {
                session.handle_timeout(now);
                check_shutdown = true;
                continue;
            }
            // Whole milliseconds, rounded up, so that lock-step sets the
            // socket option once.
            let wait_ms = (wait / 1_000_000).min(CANCEL_CHECK_MS) + 1;
            if read_timeout_ms != wait_ms {
                let timeout = Duration::from_millis(wait_ms);
                if let Err(error) = socket.set_read_timeout(Some(timeout)) {
                    tracing::error!(%error, "cannot set a tftp socket timeout");
                    session.cancel(now, "internal error");
                    continue;
                }
                read_timeout_ms = wait_ms;
            }
            let result = if self.connected {
                recv(socket, &mut buf).map(|len| (len, self.client))
            } else {
                socket.recv_from(&mut buf)
            };
            now = clock::now();
            match result {
                Ok((len, from)) => {
                    received = received.wrapping_add(1);
                    check_shutdown = received.is_multiple_of(CANCEL_EVERY);
                    // A connected socket only hears its client.
                    if !self.connected && from != self.client {
                        self.wrong_tid(socket, &buf[..len], from);
                        continue;
                    }
                    let bytes = &buf[..len];
                    if let [0, 4, high, low] = *bytes {
                        // Nearly every datagram: an ACK, no need to parse.
                        session.handle_ack(now, u16::from_be_bytes([high, low]));
                    } else {
                        match Packet::from_bytes(bytes) {
                            Ok(packet) => session.handle(now, &packet),
                            Err(error) => {
                                tracing::debug!(%error, client = %from, "malformed packet in a transfer");
                            }
                        }
                    }
                    if let Some(stats) = session.poll_progress() {
                        self.events.publish(Event::TftpProgress(TftpProgress {
                            transfer: self.id,
                            client: self.client,
                            file: served.to_owned(),
                            size,
                            stats,
                        }));
                    }
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    if !matches!(
                        error.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) {
                        // E.g. an ICMP error reported on the socket: the next
                        // timeout decides whether the client is gone.
                        tracing::debug!(%error, client = %self.client, "tftp receive failed");
                    }
                    check_shutdown = true;
                    session.handle_timeout(now);
                }
            }
        }
    }

    /// Sends one datagram to the client.
    fn send(&self, socket: &StdUdpSocket, datagram: &[u8]) -> io::Result<usize> {
        send_to_client(socket, self.connected, self.client, datagram)
    }

    /// RFC 1350: a packet from an unknown TID gets ERROR 5 and is otherwise
    /// ignored (an ERROR is not answered).
    fn wrong_tid(&self, socket: &StdUdpSocket, bytes: &[u8], from: SocketAddr) {
        tracing::debug!(transfer = self.id, %from, "tftp packet from a wrong transfer id");
        if bytes.get(..2) != Some(&packet::opcode::ERROR.to_be_bytes()) {
            let _ = socket.send_to(
                &error_bytes(ErrorCode::UnknownTransferId, "unknown transfer ID"),
                from,
            );
        }
    }
}

#[cfg(test)]
mod tests;
