//! One accepted read request, run on a blocking thread: opens the file,
//! negotiates, and drives the sans-IO session over the transfer's own socket
//! (the lock-step path: bare `send`/`recv` system calls, the clock read once a
//! datagram), until it ends, is evicted or the server shuts down.
//!
//! Invariants: the slot is freed before the end is announced, so whoever hears
//! it may ask again at once; a claim learns it was evicted before it sends
//! again, and then tells its client why; a superseded transfer learns it
//! before it sends again, and ends without a word (the port is its client's
//! new request's).

use std::io::{self, Seek as _};
use std::net::{SocketAddr, UdpSocket as StdUdpSocket};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lifeline_proto::tftp::packet::{self, ErrorCode, Packet, error_bytes};
use lifeline_proto::tftp::session::negotiate::{asks_tsize, negotiate};
use lifeline_proto::tftp::session::netascii::{TransferMode, netascii_len};
use lifeline_proto::tftp::session::{Outcome, ReadSession};
use lifeline_shared::events::ShedReason;
use rustix::net::{RecvFlags, SendFlags};
use tokio_util::sync::CancellationToken;

use super::shed::Shed;
use super::slots::Standing;
use super::{Config, Slot, lock, publish_shed};
use crate::events::{Event, Events, OptionPair, TftpEnd, TftpProgress, TftpRequest};
use crate::files::{FileSource, LookupError};
use crate::tftp::clock;

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
pub(super) struct Transfer {
    /// The client's place among the running transfers; freed before the
    /// end is announced, so that whoever hears it may ask again at once.
    pub(super) slot: Slot,
    /// Claim, acknowledged or evicted (see [`super::slots`]).
    pub(super) standing: Arc<Standing>,
    /// Where a claim that expires is counted.
    pub(super) shed: Arc<Mutex<Shed>>,
    pub(super) id: u64,
    pub(super) client: SocketAddr,
    /// The TID socket; connected to the client when `connected`. Shared
    /// with the slot table, which wakes it on eviction.
    pub(super) socket: Arc<StdUdpSocket>,
    pub(super) connected: bool,
    /// No other transfer was running when this one started.
    pub(super) alone: bool,
    /// Ends the stray task with the transfer, however the transfer ends.
    pub(super) _ended: tokio_util::sync::DropGuard,
    pub(super) file: String,
    pub(super) mode: TransferMode,
    pub(super) mode_text: String,
    pub(super) options: Vec<OptionPair>,
    pub(super) files: Arc<dyn FileSource>,
    pub(super) config: Arc<Config>,
    pub(super) events: Events,
    pub(super) shutdown: CancellationToken,
}

impl Transfer {
    pub(super) fn run(self) {
        let socket = &self.socket;
        let mut request = TftpRequest {
            transfer: self.id,
            client: self.client,
            transport: lifeline_shared::events::Transport::Tftp,
            file: self.file.clone(),
            mode: self.mode_text.clone(),
            options: self.options.clone(),
            resolution: crate::files::Resolution::NotFound,
            served: None,
            size: None,
            accepted: Vec::new(),
            detail: None,
        };
        let mut opened = match self.files.open_for(&self.file, self.client.ip()) {
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
        if outcome != Outcome::Done {
            self.files.cut_off(&self.file, self.client.ip());
        }
        let end = TftpEnd {
            transfer: self.id,
            client: self.client,
            transport: lifeline_shared::events::Transport::Tftp,
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
        let mut stopping: Option<lifeline_proto::tftp::time::Time> = None;
        // Until the client acknowledges something, the table may evict.
        let mut claim = true;
        // Told to the table once: a new request from the client's port
        // then supersedes this transfer.
        let mut final_only = false;
        loop {
            // The client's new request has its port: not a word more there.
            if self.standing.is_superseded() {
                session.client_moved_on(now);
                return;
            }
            // The client repeated its request: it waits for the first DATA.
            if claim && self.standing.take_asked_again() {
                now = clock::now();
                session.asked_again(now);
            }
            // Before anything is sent in answer, so that a client that has
            // acknowledged is never evicted once it hears the next block.
            if claim && !session.is_claim() {
                claim = false;
                if !self.standing.acknowledge() {
                    // Evicted, or superseded since the look above.
                    if self.standing.is_superseded() {
                        session.client_moved_on(now);
                        return;
                    }
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
            if !final_only && session.awaits_final_ack() {
                final_only = true;
                self.standing.set_final_only();
            }
            // Shutting down, a transfer has half the grace to end on its own (a
            // phone a few blocks from the end of a file keeps it), then is told.
            if std::mem::take(&mut check_shutdown) && self.shutdown.is_cancelled() {
                let since = *stopping.get_or_insert(now);
                if now.saturating_duration_since(since) >= self.config.shutdown_grace / 2 {
                    session.cancel(now, "the server is shutting down");
                    continue;
                }
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
                            transport: lifeline_shared::events::Transport::Tftp,
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
