//! One read transfer as a state machine: no sockets, no clock, no threads.
//!
//! The driver feeds it what the peer sent with [`ReadSession::handle`] (or,
//! for a bare ACK, [`ReadSession::handle_ack`]), sends
//! whatever [`ReadSession::poll_transmit`] returns, and calls
//! [`ReadSession::handle_timeout`] once the instant from
//! [`ReadSession::poll_timeout`] has passed. The time is always handed in, so
//! tests run it on a virtual clock. File bytes come from a [`Read`] the driver
//! opened; the session only pulls blocks from it, once each, in order.
//!
//! Invariants:
//! - only a timeout resends anything: a duplicate or stale ACK is ignored, so
//!   there is no Sorcerer's Apprentice;
//! - block numbers wrap 65535 → 0; an ACK is matched against the blocks still
//!   unacknowledged (at most one window), so the wrap is unambiguous;
//! - a transfer whose size is a multiple of the block size ends with an empty
//!   block;
//! - options are answered only when asked, in an OACK carrying exactly the
//!   accepted ones; an unknown option is ignored, never refused;
//! - memory is one ring of DATA packets, allocated once: a window of them, or
//!   more when `Config::read_ahead` asks for bigger reads, rounded up to a
//!   power of two so that a block's slot is a mask; the source is read
//!   straight into the packets' payloads with one vectored read per refill
//!   (no copy in between), and only a refill allocates (its small list of
//!   buffers);
//! - the retransmission timeout follows the measured round trip (RFC 6298,
//!   Karn's rule: no sample from a retransmitted window) unless the client set
//!   one (RFC 2349), and doubles on each timeout up to `max_timeout`;
//! - until the client acknowledges the first DATA (or the OACK) the transfer
//!   is only a claim: it gives up `claim_timeout` and an eighth after its
//!   start, whatever `max_retries` would allow, so a request whose sender
//!   never answers holds its place for seconds, not for the whole retry
//!   budget. Real clients acknowledge within milliseconds. Within a claim the
//!   resend wait stops doubling at a quarter of `claim_timeout`, so the first
//!   DATA goes out at least four times within it (at 0, 1, 2 and 3 s by
//!   default, and once more at 4 s): each copy that arrives is acknowledged
//!   again, and a client whose acknowledgements are lost gets as many chances
//!   as its own timer gives it. The eighth is for that timer: a client whose
//!   timer started on the copy sent at 1 s acknowledges again at 4 s, and
//!   that ACK lands a round trip later. A client that asks again from the
//!   same port while the transfer is a claim is there and waiting: the claim
//!   lasts as long again from that request, and what is due goes out at once
//!   ([`ReadSession::asked_again`]);
//! - once every block is sent and only the final ACK is missing, the same
//!   bound holds from the first timeout of the last block: that ACK is most
//!   often lost after the client already has the file (a phone then asks
//!   for its next file), and the transfer must not hold its slot for the
//!   whole retry budget (about a minute) meanwhile. Unless the client
//!   acknowledges the block before the last again: then the last block was
//!   lost, the client waits for it, and the retry budget applies.
//!
//! The time handed in is a [`Time`]: the monotonic clock as whole
//! nanoseconds (see [`super::time`]). Inside, every time is that `u64`, so the
//! per-ACK path is a few integer operations, not `Instant`/`Duration`
//! arithmetic.
//!
//! Layout: this file is the transfer; [`negotiate`](mod@negotiate) decides
//! what the options agree to, [`netascii`] holds the transfer modes and the
//! netascii encoder, `rto` the retransmission timeout, and `tests` drives the
//! session on a virtual clock.

use std::io::{self, IoSliceMut, Read};
use std::time::Duration;

use super::packet::{DATA_HEADER, ErrorCode, Packet, TftpOption, error_bytes, write_data_header};
use super::time::{Time, nanos};

pub mod negotiate;
pub mod netascii;
mod rto;

use negotiate::{MAX_BLKSIZE, Negotiated, negotiate};
use netascii::{Netascii, Source, TransferMode};
use rto::Rto;

/// Counters and endings of a transfer (the shared wire form).
pub use lifeline_shared::events::{Outcome, Stats};

/// What a session may agree to and how patient it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The largest block size granted (clients asking more get this).
    pub max_blksize: u16,
    /// The largest window granted (RFC 7440).
    pub max_windowsize: u16,
    /// A cap on one transfer's window buffer; the window shrinks to fit it.
    pub max_window_bytes: usize,
    /// The retransmission timeout until a round trip has been measured, when
    /// the client does not set one.
    pub initial_timeout: Duration,
    /// The least retransmission timeout the round-trip estimate may give.
    pub min_timeout: Duration,
    /// The backoff stops doubling here.
    pub max_timeout: Duration,
    /// Timeouts in a row before giving up.
    pub max_retries: u32,
    /// How long a transfer the client never acknowledged (no ACK of the
    /// first DATA or of the OACK) sends before it gives up, from its start
    /// or since the client last asked again ([`ReadSession::asked_again`]);
    /// it listens an eighth of this longer for an ACK already on its way.
    /// Retransmissions within it follow the timeout, which stops doubling at
    /// a quarter of this; a client that set a timeout longer than this gets
    /// no retransmission before the claim ends. The wait for a late final
    /// ACK is bounded by it as well.
    pub claim_timeout: Duration,
    /// The least time between two progress reports.
    pub progress_interval: Duration,
    /// Bytes to read from the source at once (0: a window at a time). A
    /// driver serving files from disk sets it so that reads are few.
    pub read_ahead: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            max_blksize: MAX_BLKSIZE,
            max_windowsize: 64,
            max_window_bytes: 1 << 20,
            initial_timeout: Duration::from_secs(1),
            min_timeout: Duration::from_millis(50),
            max_timeout: Duration::from_secs(8),
            max_retries: 8,
            claim_timeout: Duration::from_secs(4),
            progress_interval: Duration::from_millis(500),
            read_ahead: 0,
        }
    }
}

#[derive(Clone, Debug)]
enum State {
    /// Waiting for ACK 0 of the OACK.
    Oack,
    /// Sending data.
    Sending,
    /// Over.
    Finished(Outcome),
}

/// A read transfer.
pub struct ReadSession<R> {
    config: Config,
    source: Source<R>,
    state: State,
    negotiated: Negotiated,
    /// OACK bytes while one is due, then the final ERROR bytes, if any.
    control: Vec<u8>,
    control_due: bool,
    /// The ring of DATA packets, each `DATA_HEADER + blksize` bytes.
    slots: Vec<u8>,
    lens: Vec<usize>,
    /// First unacknowledged block index (1-based; `u64`, never wraps).
    base: u64,
    /// Next block index to send.
    next_send: u64,
    /// Highest block index ever sent.
    sent_high: u64,
    /// Highest block index read into the window.
    loaded: u64,
    /// The last block's index, once read.
    last: Option<u64>,
    /// The window size as a number.
    window: u64,
    /// Packets in the ring (at least a window; a power of two); block `i`
    /// lives in slot `i & (ring - 1)`.
    ring: u64,
    /// The retransmission timeout.
    rto: Rto,
    retries: u32,
    /// The client has acknowledged something (ACK 0 of the OACK or of a
    /// DATA block): the transfer is no longer a claim.
    acknowledged: bool,
    /// When a claim gives up, ns.
    claim_end: u64,
    /// When a transfer waiting only for the final ACK gives up, ns: set at the
    /// first timeout of the last block (see [`Config::claim_timeout`]).
    final_end: Option<u64>,
    /// The client acknowledged the block before the last again while only the
    /// final ACK was missing: it still waits for the last block, so the short
    /// wait of `final_end` does not apply; the retry budget does.
    last_block_missed: bool,
    /// When the current window was first sent, if it was not sent again.
    window_sent: Option<u64>,
    deadline: Option<u64>,
    stats: Stats,
    /// When the transfer started and ended, as [`Time`] nanoseconds; every
    /// other time below is on the same clock.
    started: u64,
    ended: Option<u64>,
    last_progress: u64,
    progress_due: bool,
    /// The least time between two progress reports, ns.
    progress_interval: u64,
}

/// A claim's first DATA goes out at least this many times within
/// `claim_timeout`.
const CLAIM_SENDS: u64 = 4;

/// The longest wait between two sends of a claim, ns.
fn claim_pace(config: &Config) -> u64 {
    nanos(config.claim_timeout) / CLAIM_SENDS
}

/// How long a claim lasts from its start or its client's last request, ns:
/// `claim_timeout` and half a pace (an eighth of it) more. A client whose
/// timer started when a resent DATA arrived acknowledges again on its own
/// whole seconds, so an ACK sent at exactly `claim_timeout` must still find
/// the claim there.
fn claim_span(config: &Config) -> u64 {
    nanos(config.claim_timeout).saturating_add(claim_pace(config) / 2)
}

/// When a claim next sends (or ends), from `now`: the timeout, at most a
/// pace, never past the claim's end.
fn claim_deadline(now: u64, rto: &Rto, config: &Config, claim_end: u64) -> u64 {
    now.saturating_add(rto.capped(claim_pace(config)))
        .min(claim_end)
}

impl<R> std::fmt::Debug for ReadSession<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadSession")
            .field("state", &self.state)
            .field("negotiated", &self.negotiated)
            .field("base", &self.base)
            .field("next_send", &self.next_send)
            .field("last", &self.last)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl<R: Read> ReadSession<R> {
    /// Starts a transfer of `source` in `mode`, answering `options`.
    /// `size` is the number of bytes the transfer will carry (after netascii
    /// conversion) when known; without it `tsize` is not acknowledged.
    pub fn new(
        now: Time,
        mode: TransferMode,
        options: &[TftpOption<'_>],
        size: Option<u64>,
        source: R,
        config: Config,
    ) -> Self {
        let negotiated = negotiate(options, size, &config);
        Self::with_negotiated(now, mode, negotiated, source, config)
    }

    /// Starts a transfer on terms from [`negotiate()`] (a driver that sizes
    /// its reader to the block size negotiates first).
    pub fn with_negotiated(
        now: Time,
        mode: TransferMode,
        negotiated: Negotiated,
        source: R,
        config: Config,
    ) -> Self {
        let Negotiated {
            blksize,
            windowsize,
            timeout,
            acknowledged,
        } = negotiated;
        let rto = Rto::new(
            timeout,
            nanos(config.initial_timeout),
            nanos(config.min_timeout),
            nanos(config.max_timeout),
        );
        let wants_oack = !acknowledged.is_empty();
        let mut control = Vec::new();
        if wants_oack {
            let options: Vec<TftpOption<'_>> = acknowledged
                .iter()
                .map(|(name, value)| TftpOption { name, value })
                .collect();
            // Cannot fail: names and values came NUL-free from a parsed packet
            // or from numbers, and there are at most four.
            let _ = Packet::Oack { options }.emit(&mut control);
        }
        let slot_len = DATA_HEADER + usize::from(blksize);
        let ahead = config.read_ahead.div_ceil(usize::from(blksize));
        let ring = usize::from(windowsize)
            .max(ahead)
            .max(1)
            .next_power_of_two();
        let started = now.as_nanos();
        let claim_end = started.saturating_add(claim_span(&config));
        Self {
            source: match mode {
                TransferMode::Octet => Source::Octet(source),
                TransferMode::Netascii => Source::Netascii(Netascii::new(source)),
            },
            state: if wants_oack {
                State::Oack
            } else {
                State::Sending
            },
            negotiated: Negotiated {
                blksize,
                windowsize,
                timeout,
                acknowledged,
            },
            control,
            control_due: wants_oack,
            slots: vec![0; ring * slot_len],
            lens: vec![0; ring],
            window: u64::from(windowsize),
            ring: ring as u64,
            base: 1,
            next_send: 1,
            sent_high: 0,
            loaded: 0,
            last: None,
            rto,
            retries: 0,
            acknowledged: false,
            claim_end,
            final_end: None,
            last_block_missed: false,
            window_sent: Some(started),
            deadline: Some(claim_deadline(started, &rto, &config, claim_end)),
            stats: Stats::default(),
            started,
            ended: None,
            last_progress: started,
            progress_due: false,
            progress_interval: nanos(config.progress_interval),
            config,
        }
    }

    /// What was agreed.
    pub fn negotiated(&self) -> &Negotiated {
        &self.negotiated
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// How the transfer ended, once it has.
    pub fn outcome(&self) -> Option<&Outcome> {
        match &self.state {
            State::Finished(outcome) => Some(outcome),
            _ => None,
        }
    }

    /// Whether the transfer is still a claim: running, and nothing from the
    /// client acknowledged yet.
    pub fn is_claim(&self) -> bool {
        !self.acknowledged && !self.is_finished()
    }

    /// Whether the transfer ended as a claim: it gave up without the client
    /// ever acknowledging anything.
    pub fn is_claim_expired(&self) -> bool {
        !self.acknowledged && matches!(self.state, State::Finished(Outcome::TimedOut { .. }))
    }

    /// Whether the client acknowledged every block but the last, and the last
    /// was sent: only the final ACK is missing. That ACK is most often lost
    /// after the client already has the file.
    pub fn awaits_final_ack(&self) -> bool {
        self.acknowledged
            && !self.is_finished()
            && self
                .last
                .is_some_and(|last| self.base == last && self.sent_high == last)
    }

    /// The client sent a new request from this transfer's address and port:
    /// it is through with this transfer (a client never asks again from a
    /// port it is still receiving on), and its new request has the port now.
    /// Ends the transfer without another datagram, since the client would
    /// take it for an answer to that request. Done when only the final ACK
    /// was missing (the client had every block; its ACK was lost), cancelled
    /// otherwise.
    pub fn client_moved_on(&mut self, now: Time) {
        if self.is_finished() {
            return;
        }
        let outcome = match self.last {
            Some(last) if self.awaits_final_ack() => {
                self.count_acknowledged(last);
                Outcome::Done
            }
            _ => Outcome::Cancelled,
        };
        self.fail(outcome);
        self.ended = Some(now.as_nanos());
    }

    /// The client asked again from this transfer's address and port while
    /// the transfer is a claim: its request reaches the server, but nothing
    /// of the server's reached it, or its acknowledgement was lost. It is
    /// there and waiting, so the claim lasts as long from now as from a
    /// start (`claim_timeout` and an eighth), and what is due (the first
    /// DATA, or the OACK) goes out again at once.
    /// Nothing happens once the client has acknowledged: a late copy of its
    /// first request must not resend anything.
    pub fn asked_again(&mut self, now: Time) {
        if !self.is_claim() {
            return;
        }
        let now = now.as_nanos();
        self.claim_end = self
            .claim_end
            .max(now.saturating_add(claim_span(&self.config)));
        self.resend();
        self.deadline = Some(claim_deadline(now, &self.rto, &self.config, self.claim_end));
    }

    /// Whether the transfer is over (there may still be a final ERROR to send).
    pub fn is_finished(&self) -> bool {
        matches!(self.state, State::Finished(_))
    }

    /// Time from the start to the end (or to `now` while running).
    pub fn elapsed(&self, now: Time) -> Duration {
        let end = self.ended.unwrap_or(now.as_nanos());
        Duration::from_nanos(end.saturating_sub(self.started))
    }

    /// Counters to report, at most once per `progress_interval`.
    pub fn poll_progress(&mut self) -> Option<Stats> {
        std::mem::take(&mut self.progress_due).then_some(self.stats)
    }

    /// When [`ReadSession::handle_timeout`] must be called next.
    pub fn poll_timeout(&self) -> Option<Time> {
        match self.state {
            State::Finished(_) => None,
            _ => self.deadline.map(Time::from_nanos),
        }
    }

    /// The next datagram to send to the client, if any.
    pub fn poll_transmit(&mut self) -> Option<&[u8]> {
        if self.control_due {
            self.control_due = false;
            return Some(&self.control);
        }
        if !matches!(self.state, State::Sending) {
            return None;
        }
        let mut end = self.base + self.window - 1;
        if let Some(last) = self.last {
            end = end.min(last);
        }
        if self.next_send > end {
            return None;
        }
        let index = self.next_send;
        let slot_len = DATA_HEADER + usize::from(self.negotiated.blksize);
        let slot = self.slot(index);
        let range = slot * slot_len..(slot + 1) * slot_len;
        if index > self.loaded
            && let Err(error) = self.load()
        {
            let message = format!("cannot read the file: {error}");
            self.fail(Outcome::ReadError {
                message: message.clone(),
            });
            self.control = error_bytes(ErrorCode::NotDefined, &message);
            self.control_due = false;
            return Some(&self.control);
        }
        if index <= self.sent_high {
            self.stats.retransmissions += 1;
        } else {
            self.sent_high = index;
        }
        self.next_send += 1;
        let packet = &mut self.slots[range.start..range.start + DATA_HEADER + self.lens[slot]];
        write_data_header(packet, index as u16);
        Some(packet)
    }

    /// The ring slot of block `index`.
    fn slot(&self, index: u64) -> usize {
        (index & (self.ring - 1)) as usize
    }

    /// Reads the blocks after `loaded` into every free slot of the ring (the
    /// slots of acknowledged blocks), in one vectored read where the source
    /// allows; marks the last block when the source ends.
    fn load(&mut self) -> io::Result<()> {
        let blksize = usize::from(self.negotiated.blksize);
        let slot_len = DATA_HEADER + blksize;
        let first = self.loaded + 1;
        let count = (self.base + self.ring - first) as usize;
        // The free slots in block order: from `first`'s slot to the end of
        // the ring, then from its start.
        let start = self.slot(first) * slot_len;
        let (before, from) = self.slots.split_at_mut(start);
        let mut bufs: Vec<IoSliceMut<'_>> = from
            .chunks_exact_mut(slot_len)
            .chain(before.chunks_exact_mut(slot_len))
            .take(count)
            .map(|packet| IoSliceMut::new(&mut packet[DATA_HEADER..]))
            .collect();
        let read = self.source.fill(&mut bufs)?;
        let full = read / blksize;
        for block in first..first + full as u64 {
            let slot = self.slot(block);
            self.lens[slot] = blksize;
        }
        if full == count {
            self.loaded = first + count as u64 - 1;
        } else {
            // The source ended: the next block is the last, maybe empty.
            let last = first + full as u64;
            let slot = self.slot(last);
            self.lens[slot] = read % blksize;
            self.loaded = last;
            self.last = Some(last);
        }
        Ok(())
    }

    /// Feeds a packet that came from the client's TID.
    pub fn handle(&mut self, now: Time, packet: &Packet<'_>) {
        match (packet, &self.state) {
            (_, State::Finished(_)) => {}
            (Packet::Error { code, message }, _) => {
                self.fail(Outcome::PeerError {
                    code: code.code(),
                    message: message.chars().take(200).collect(),
                });
                self.ended = Some(now.as_nanos());
            }
            (Packet::Ack { block }, _) => self.handle_ack(now, *block),
            // Anything else from the client is ignored: a stray packet must
            // not end a transfer that can still finish.
            _ => {}
        }
    }

    /// Feeds an ACK of `block` from the client's TID: the same as
    /// [`ReadSession::handle`] with a [`Packet::Ack`], for a driver that
    /// reads the four bytes of an ACK itself.
    pub fn handle_ack(&mut self, now: Time, block: u16) {
        let now = now.as_nanos();
        match self.state {
            State::Sending => self.on_ack(now, block),
            State::Oack if block == 0 => {
                self.state = State::Sending;
                self.acknowledged = true;
                self.sample_rtt(now);
                self.progress(now);
            }
            State::Oack | State::Finished(_) => {}
        }
    }

    fn on_ack(&mut self, now: u64, block: u16) {
        if self.sent_high < self.base {
            return; // nothing outstanding: a duplicate of the last ACK
        }
        let behind = u64::from((self.sent_high as u16).wrapping_sub(block));
        if behind > self.sent_high - self.base {
            // A duplicate or stale ACK: never resend on it. But when only the
            // final ACK is missing, the client repeating its ACK of the block
            // before the last says the last block never reached it.
            if behind == 1 && self.awaits_final_ack() {
                self.last_block_missed = true;
                self.final_end = None;
            }
            return;
        }
        let acked = self.sent_high - behind;
        self.acknowledged = true;
        self.count_acknowledged(acked);
        if acked == self.sent_high {
            self.sample_rtt(now);
        } else {
            self.window_sent = None; // a gap: what follows is a resend
        }
        self.base = acked + 1;
        // A gap in the window: the blocks after `acked` are sent again.
        self.next_send = self.base;
        if self.last == Some(acked) {
            self.state = State::Finished(Outcome::Done);
            self.ended = Some(now);
            self.progress_due = false;
            return;
        }
        self.progress(now);
    }

    /// Counts blocks up to `acked` (an index, still in the ring) as delivered.
    fn count_acknowledged(&mut self, acked: u64) {
        let blksize = u64::from(self.negotiated.blksize);
        let last_len = self.lens[self.slot(acked)] as u64;
        self.stats.blocks = acked;
        self.stats.bytes = (acked - 1) * blksize + last_len;
    }

    /// Acts on a timeout; does nothing before [`ReadSession::poll_timeout`].
    pub fn handle_timeout(&mut self, now: Time) {
        if self.is_finished() {
            return;
        }
        let Some(deadline) = self.deadline else {
            return;
        };
        let now = now.as_nanos();
        if now < deadline {
            return;
        }
        if !self.acknowledged && now >= self.claim_end {
            self.fail(Outcome::TimedOut {
                retries: self.retries,
            });
            self.ended = Some(now);
            return;
        }
        // Everything sent, only the final ACK missing: most often the client
        // has the file and its ACK was lost. Wait as long as for a claim, not
        // the whole retry budget, so the slot is not held for a minute.
        // A claim (nothing acknowledged) keeps to its own end, whatever the
        // length of the file.
        if self.awaits_final_ack() && !self.last_block_missed {
            let end = *self
                .final_end
                .get_or_insert(now.saturating_add(nanos(self.config.claim_timeout)));
            if now >= end {
                self.fail(Outcome::TimedOut {
                    retries: self.retries,
                });
                self.ended = Some(now);
                return;
            }
        }
        self.retries += 1;
        if self.retries > self.config.max_retries {
            self.fail(Outcome::TimedOut {
                retries: self.retries - 1,
            });
            self.ended = Some(now);
            return;
        }
        self.rto.back_off();
        let mut deadline = now.saturating_add(self.rto.get());
        if !self.acknowledged {
            deadline = claim_deadline(now, &self.rto, &self.config, self.claim_end);
        }
        if let Some(end) = self.final_end {
            deadline = deadline.min(end);
        }
        self.deadline = Some(deadline);
        self.resend();
    }

    /// Sends again what is unacknowledged: the OACK, or the window from its
    /// first block.
    fn resend(&mut self) {
        match self.state {
            State::Oack => {
                self.control_due = true;
                self.stats.retransmissions += 1;
            }
            _ => self.next_send = self.base,
        }
        self.window_sent = None; // Karn: a resent window gives no sample
    }

    /// Ends the transfer from the server's side; the client is told with an
    /// ERROR (sent by the next [`ReadSession::poll_transmit`]).
    pub fn cancel(&mut self, now: Time, message: &str) {
        if self.is_finished() {
            return;
        }
        self.fail(Outcome::Cancelled);
        self.ended = Some(now.as_nanos());
        self.control = error_bytes(ErrorCode::NotDefined, message);
        self.control_due = true;
    }

    fn fail(&mut self, outcome: Outcome) {
        self.state = State::Finished(outcome);
        self.control_due = false;
        self.deadline = None;
    }

    /// Folds the round trip of the window just acknowledged into the estimate.
    fn sample_rtt(&mut self, now: u64) {
        let Some(sent) = self.window_sent else { return };
        self.rto.sample(now.saturating_sub(sent));
    }

    /// After progress: a fresh timer and patience, and maybe a report.
    fn progress(&mut self, now: u64) {
        self.retries = 0;
        self.rto.reset();
        self.window_sent = Some(now);
        self.deadline = Some(now.saturating_add(self.rto.get()));
        if now.saturating_sub(self.last_progress) >= self.progress_interval {
            self.last_progress = now;
            self.progress_due = true;
        }
    }
}

#[cfg(test)]
mod tests;
