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
//!   one (RFC 2349), and doubles on each timeout up to `max_timeout`.
//!
//! The time handed in is a [`Time`]: the monotonic clock as whole
//! nanoseconds (see [`super::time`]). Inside, every time is that `u64`, so the
//! per-ACK path is a few integer operations, not `Instant`/`Duration`
//! arithmetic.

use std::io::{self, IoSliceMut, Read};
use std::time::Duration;

use serde::Serialize;

use super::packet::{DATA_HEADER, ErrorCode, Packet, TftpOption, error_bytes, write_data_header};
use super::time::{Time, nanos};

/// Counters and endings of a transfer (the shared wire form).
pub use lifeline_shared::events::{Outcome, Stats};

/// RFC 1350's block size, used when the client asks for no other.
pub const DEFAULT_BLKSIZE: u16 = 512;
/// RFC 2348's limits.
pub const MIN_BLKSIZE: u16 = 8;
/// RFC 2348's limits.
pub const MAX_BLKSIZE: u16 = 65_464;

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
            progress_interval: Duration::from_millis(500),
            read_ahead: 0,
        }
    }
}

/// The transfer modes served.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TransferMode {
    /// Bytes as they are.
    Octet,
    /// Text: LF becomes CR LF and CR becomes CR NUL on the wire.
    Netascii,
}

impl TransferMode {
    /// The mode for a request's mode string (any case); `None` for `mail` and
    /// anything else.
    pub fn parse(mode: &str) -> Option<Self> {
        if mode.eq_ignore_ascii_case("octet") {
            Some(Self::Octet)
        } else if mode.eq_ignore_ascii_case("netascii") {
            Some(Self::Netascii)
        } else {
            None
        }
    }
}

/// Whether a request asks for the transfer size (so a driver knows it must
/// compute the netascii size).
pub fn asks_tsize(options: &[TftpOption<'_>]) -> bool {
    options.iter().any(|o| o.name.eq_ignore_ascii_case("tsize"))
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

/// A netascii encoder over a local (LF) text source.
#[derive(Debug)]
pub struct Netascii<R> {
    inner: R,
    pending: Option<u8>,
    buf: Box<[u8; 1024]>,
    pos: usize,
    len: usize,
}

impl<R: Read> Netascii<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            pending: None,
            buf: Box::new([0; 1024]),
            pos: 0,
            len: 0,
        }
    }
}

impl<R: Read> Read for Netascii<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < out.len() {
            if let Some(byte) = self.pending.take() {
                out[n] = byte;
                n += 1;
                continue;
            }
            if self.pos == self.len {
                if n > 0 {
                    break;
                }
                self.len = self.inner.read(&mut self.buf[..])?;
                self.pos = 0;
                if self.len == 0 {
                    break;
                }
            }
            let byte = self.buf[self.pos];
            self.pos += 1;
            out[n] = byte;
            n += 1;
            match byte {
                b'\n' => {
                    out[n - 1] = b'\r';
                    self.pending = Some(b'\n');
                }
                b'\r' => self.pending = Some(0),
                _ => {}
            }
        }
        Ok(n)
    }
}

/// The netascii size of a local text source (reads it to the end).
pub fn netascii_len(mut source: impl Read) -> io::Result<u64> {
    let mut buf = [0u8; 8192];
    let mut total = 0u64;
    loop {
        let n = match source.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        total += n as u64
            + buf[..n]
                .iter()
                .filter(|&&b| b == b'\n' || b == b'\r')
                .count() as u64;
    }
}

enum Source<R> {
    Octet(R),
    Netascii(Netascii<R>),
}

impl<R: Read> Source<R> {
    /// Reads until every buffer is full or the source ends; returns the bytes
    /// read.
    fn fill(&mut self, mut bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        let mut n = 0;
        while !bufs.is_empty() {
            let r = match self {
                Self::Octet(r) => r.read_vectored(bufs),
                Self::Netascii(r) => r.read_vectored(bufs),
            };
            match r {
                Ok(0) => break,
                Ok(k) => {
                    n += k;
                    IoSliceMut::advance_slices(&mut bufs, k);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }
}

/// What was agreed with the client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Negotiated {
    /// Block size in use.
    pub blksize: u16,
    /// Window size in use.
    pub windowsize: u16,
    /// The client's timeout, if it set one (seconds).
    pub timeout: Option<u8>,
    /// The options acknowledged in the OACK, as sent.
    pub acknowledged: Vec<(String, String)>,
}

/// What to agree to for a request's `options` (RFC 2347–2349, 7440):
/// blksize, timeout, tsize (only when `size` is known) and windowsize, each
/// within `config`'s caps; anything else is ignored.
pub fn negotiate(options: &[TftpOption<'_>], size: Option<u64>, config: &Config) -> Negotiated {
    let mut blksize = DEFAULT_BLKSIZE;
    let mut windowsize: u16 = 1;
    let mut timeout = None;
    let mut acknowledged: Vec<(String, String)> = Vec::new();
    let mut seen = [false; 4];
    for option in options {
        let name = option.name;
        let value = option.value.trim();
        let slot = ["blksize", "timeout", "tsize", "windowsize"]
            .iter()
            .position(|known| name.eq_ignore_ascii_case(known));
        let Some(slot) = slot else { continue };
        if std::mem::replace(&mut seen[slot], true) {
            continue; // the first of a repeated option wins
        }
        match slot {
            0 => {
                if let Ok(asked) = value.parse::<u32>()
                    && (u32::from(MIN_BLKSIZE)..=u32::from(MAX_BLKSIZE)).contains(&asked)
                {
                    let granted =
                        (asked as u16).min(config.max_blksize.clamp(MIN_BLKSIZE, MAX_BLKSIZE));
                    blksize = granted;
                    acknowledged.push((name.to_owned(), granted.to_string()));
                }
            }
            1 => {
                if let Ok(secs) = value.parse::<u8>()
                    && secs >= 1
                {
                    timeout = Some(secs);
                    acknowledged.push((name.to_owned(), secs.to_string()));
                }
            }
            2 => {
                if let Some(size) = size {
                    acknowledged.push((name.to_owned(), size.to_string()));
                }
            }
            _ => {
                if let Ok(asked) = value.parse::<u16>()
                    && asked >= 1
                {
                    windowsize = asked; // capped below, once blksize is known
                    acknowledged.push((name.to_owned(), String::new()));
                }
            }
        }
    }
    let slot_len = DATA_HEADER + usize::from(blksize);
    let fit = (config.max_window_bytes / slot_len).max(1);
    let window_cap = usize::from(config.max_windowsize.max(1)).min(fit) as u16;
    windowsize = windowsize.min(window_cap);
    for (name, value) in &mut acknowledged {
        if name.eq_ignore_ascii_case("windowsize") {
            *value = windowsize.to_string();
        }
    }

    Negotiated {
        blksize,
        windowsize,
        timeout,
        acknowledged,
    }
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
    /// The retransmission timeout, ns: the client's (RFC 2349) when it set
    /// one, else following the round trip.
    rto: u64,
    retries: u32,
    /// Smoothed round trip and its variation (ns), once measured.
    srtt: Option<(u64, u64)>,
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
    /// `Config`'s durations in ns.
    limits: Limits,
}

/// The configured durations, in ns.
#[derive(Clone, Copy, Debug)]
struct Limits {
    initial: u64,
    min: u64,
    max: u64,
    progress_interval: u64,
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

    /// Starts a transfer on terms from [`negotiate`] (a driver that sizes
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
        let limits = Limits {
            initial: nanos(config.initial_timeout),
            min: nanos(config.min_timeout),
            max: nanos(config.max_timeout),
            progress_interval: nanos(config.progress_interval),
        };
        let rto = match timeout {
            Some(secs) => u64::from(secs) * 1_000_000_000,
            None => limits.initial,
        };
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
            srtt: None,
            window_sent: Some(started),
            deadline: Some(started.saturating_add(rto)),
            stats: Stats::default(),
            started,
            ended: None,
            last_progress: started,
            progress_due: false,
            limits,
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
            return; // a duplicate or stale ACK: never resend on it
        }
        let acked = self.sent_high - behind;
        let blksize = u64::from(self.negotiated.blksize);
        let last_len = self.lens[self.slot(acked)] as u64;
        self.stats.blocks = acked;
        self.stats.bytes = (acked - 1) * blksize + last_len;
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
        self.retries += 1;
        if self.retries > self.config.max_retries {
            self.fail(Outcome::TimedOut {
                retries: self.retries - 1,
            });
            self.ended = Some(now);
            return;
        }
        if self.negotiated.timeout.is_none() {
            self.rto = self.rto.saturating_mul(2).min(self.limits.max);
        }
        self.window_sent = None; // Karn: a resent window gives no sample
        self.deadline = Some(now.saturating_add(self.rto));
        match self.state {
            State::Oack => {
                self.control_due = true;
                self.stats.retransmissions += 1;
            }
            _ => self.next_send = self.base,
        }
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
        let sample = now.saturating_sub(sent);
        self.srtt = Some(match self.srtt {
            None => (sample, sample / 2),
            Some((srtt, rttvar)) => {
                let delta = srtt.abs_diff(sample);
                (
                    srtt - srtt / 8 + sample / 8,
                    rttvar - rttvar / 4 + delta / 4,
                )
            }
        });
    }

    /// After progress: a fresh timer and patience, and maybe a report.
    fn progress(&mut self, now: u64) {
        self.retries = 0;
        if self.negotiated.timeout.is_none() {
            self.rto = match self.srtt {
                Some((srtt, rttvar)) => srtt
                    .saturating_add(rttvar.saturating_mul(4))
                    .clamp(self.limits.min, self.limits.max.max(self.limits.min)),
                None => self.limits.initial,
            };
        }
        self.window_sent = Some(now);
        self.deadline = Some(now.saturating_add(self.rto));
        if now.saturating_sub(self.last_progress) >= self.limits.progress_interval {
            self.last_progress = now;
            self.progress_due = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    const MS: Duration = Duration::from_millis(1);
    /// Where the virtual clock starts: an hour after its origin, so that
    /// times before the start are still on the clock.
    const T0: Time = Time::from_nanos(3_600_000_000_000);

    fn session(t0: Time, data: &[u8], options: &[(&str, &str)]) -> ReadSession<Cursor<Vec<u8>>> {
        session_with(t0, data, TransferMode::Octet, options, Config::default())
    }

    fn session_with(
        t0: Time,
        data: &[u8],
        mode: TransferMode,
        options: &[(&str, &str)],
        config: Config,
    ) -> ReadSession<Cursor<Vec<u8>>> {
        let options: Vec<TftpOption<'_>> = options
            .iter()
            .map(|(name, value)| TftpOption { name, value })
            .collect();
        ReadSession::new(
            t0,
            mode,
            &options,
            Some(data.len() as u64),
            Cursor::new(data.to_vec()),
            config,
        )
    }

    /// Everything the session wants to send now, parsed into owned form.
    fn drain<R: Read>(s: &mut ReadSession<R>) -> Vec<Sent> {
        let mut out = Vec::new();
        while let Some(bytes) = s.poll_transmit() {
            out.push(
                match Packet::from_bytes(bytes).expect("the session sends valid packets") {
                    Packet::Data { block, data } => Sent::Data(block, data.to_vec()),
                    Packet::Oack { options } => Sent::Oack(
                        options
                            .iter()
                            .map(|o| (o.name.to_owned(), o.value.to_owned()))
                            .collect(),
                    ),
                    Packet::Error { code, .. } => Sent::Error(code.code()),
                    other => panic!("unexpected {other:?}"),
                },
            );
        }
        out
    }

    #[derive(Debug, PartialEq, Eq)]
    enum Sent {
        Data(u16, Vec<u8>),
        Oack(Vec<(String, String)>),
        Error(u16),
    }

    fn blocks(sent: &[Sent]) -> Vec<u16> {
        sent.iter()
            .map(|s| match s {
                Sent::Data(b, _) => *b,
                other => panic!("not data: {other:?}"),
            })
            .collect()
    }

    fn ack(block: u16) -> Packet<'static> {
        Packet::Ack { block }
    }

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    #[test]
    fn lock_step_without_options() {
        let t0 = T0;
        let data = pattern(1000);
        let mut s = session(t0, &data, &[]);
        assert_eq!(drain(&mut s), [Sent::Data(1, data[..512].to_vec())]);
        assert_eq!(drain(&mut s), [], "one block at a time");
        s.handle(t0 + MS, &ack(1));
        assert_eq!(drain(&mut s), [Sent::Data(2, data[512..].to_vec())]);
        s.handle(t0 + 2 * MS, &ack(2));
        assert_eq!(s.outcome(), Some(&Outcome::Done));
        assert_eq!(drain(&mut s), []);
        assert_eq!(s.poll_timeout(), None);
        assert_eq!(
            s.stats(),
            Stats {
                bytes: 1000,
                blocks: 2,
                retransmissions: 0
            }
        );
        assert_eq!(s.elapsed(t0 + Duration::from_secs(9)), 2 * MS);
    }

    #[test]
    fn a_multiple_of_the_block_size_ends_with_an_empty_block() {
        let t0 = T0;
        let data = pattern(1024);
        let mut s = session(t0, &data, &[]);
        assert_eq!(blocks(&drain(&mut s)), [1]);
        s.handle(t0, &ack(1));
        assert_eq!(blocks(&drain(&mut s)), [2]);
        s.handle(t0, &ack(2));
        assert_eq!(drain(&mut s), [Sent::Data(3, vec![])]);
        assert!(!s.is_finished());
        s.handle(t0, &ack(3));
        assert_eq!(s.outcome(), Some(&Outcome::Done));
        assert_eq!(s.stats().bytes, 1024);

        let mut empty = session(t0, b"", &[]);
        assert_eq!(drain(&mut empty), [Sent::Data(1, vec![])]);
        empty.handle(t0, &ack(1));
        assert_eq!(empty.outcome(), Some(&Outcome::Done));
    }

    #[test]
    fn lost_data_is_sent_again_with_backoff() {
        let t0 = T0;
        let mut s = session(t0, &pattern(600), &[]);
        assert_eq!(blocks(&drain(&mut s)), [1]);
        let first = s.poll_timeout().unwrap();
        assert_eq!(first, t0 + Duration::from_secs(1));
        s.handle_timeout(first - MS);
        assert_eq!(drain(&mut s), [], "nothing before the deadline");
        s.handle_timeout(first);
        assert_eq!(blocks(&drain(&mut s)), [1]);
        let second = s.poll_timeout().unwrap();
        assert_eq!(
            second - first,
            Duration::from_secs(2),
            "the timeout doubles"
        );
        s.handle_timeout(second);
        assert_eq!(blocks(&drain(&mut s)), [1]);
        assert_eq!(s.poll_timeout().unwrap() - second, Duration::from_secs(4));
        s.handle(second + MS, &ack(1));
        assert_eq!(blocks(&drain(&mut s)), [2]);
        assert_eq!(
            s.poll_timeout().unwrap(),
            second + MS + Duration::from_secs(1),
            "progress resets the backoff"
        );
        assert_eq!(s.stats().retransmissions, 2);
    }

    #[test]
    fn a_lost_ack_and_its_duplicate_never_double_the_stream() {
        let t0 = T0;
        let data = pattern(2000);
        let mut s = session(t0, &data, &[]);
        assert_eq!(blocks(&drain(&mut s)), [1]);
        s.handle(t0, &ack(1));
        assert_eq!(blocks(&drain(&mut s)), [2]);
        // The ACK of block 2 is lost: the server times out and resends 2.
        let deadline = s.poll_timeout().unwrap();
        s.handle_timeout(deadline);
        assert_eq!(blocks(&drain(&mut s)), [2]);
        // Both copies of block 2 get acknowledged: the first ACK moves on...
        s.handle(deadline + MS, &ack(2));
        assert_eq!(blocks(&drain(&mut s)), [3]);
        // ...the duplicate does not resend block 3 (Sorcerer's Apprentice).
        s.handle(deadline + 2 * MS, &ack(2));
        assert_eq!(drain(&mut s), []);
        s.handle(deadline + 3 * MS, &ack(1));
        assert_eq!(drain(&mut s), []);
        s.handle(deadline + 4 * MS, &ack(3));
        assert_eq!(blocks(&drain(&mut s)), [4]);
        s.handle(deadline + 4 * MS, &ack(4));
        assert_eq!(s.outcome(), Some(&Outcome::Done));
        assert_eq!(s.stats().retransmissions, 1);
    }

    #[test]
    fn reordered_and_future_acks_are_ignored() {
        let t0 = T0;
        let mut s = session(t0, &pattern(5000), &[]);
        drain(&mut s);
        s.handle(t0, &ack(1));
        drain(&mut s);
        s.handle(t0, &ack(2));
        assert_eq!(blocks(&drain(&mut s)), [3]);
        s.handle(t0, &ack(7)); // not sent yet
        s.handle(t0, &ack(65535));
        s.handle(t0, &ack(1)); // late
        s.handle(
            t0,
            &Packet::Data {
                block: 3,
                data: b"x",
            },
        );
        assert_eq!(drain(&mut s), []);
        assert!(!s.is_finished());
        s.handle(t0, &ack(3));
        assert_eq!(blocks(&drain(&mut s)), [4]);
    }

    #[test]
    fn gives_up_after_the_retries() {
        let t0 = T0;
        let config = Config {
            max_retries: 3,
            ..Config::default()
        };
        let mut s = session_with(t0, &pattern(10), TransferMode::Octet, &[], config);
        drain(&mut s);
        let mut sends = 1;
        while let Some(deadline) = s.poll_timeout() {
            s.handle_timeout(deadline);
            sends += drain(&mut s).len();
            assert!(sends < 10, "bounded");
        }
        assert_eq!(sends, 4, "the first send and three retries");
        assert_eq!(s.outcome(), Some(&Outcome::TimedOut { retries: 3 }));
        // Timeouts of 1 + 2 + 4 + 8 s, the last capped at max_timeout.
        assert_eq!(s.elapsed(t0), Duration::from_secs(1 + 2 + 4 + 8));
    }

    #[test]
    fn the_timeout_follows_the_round_trip() {
        let t0 = T0;
        let mut s = session(t0, &pattern(512 * 40), &[]);
        let mut now = t0;
        for block in 1..=20u16 {
            drain(&mut s);
            now += 20 * MS;
            s.handle(now, &ack(block));
        }
        // 20 ms round trips: srtt 20 ms, variation decaying towards 0; the
        // timeout is well under the initial second and at least the floor.
        let rto = s.poll_timeout().unwrap() - now;
        assert!(rto >= 50 * MS && rto < 100 * MS, "{rto:?}");
        // A timeout doubles it; the ACK of a resent block gives no sample.
        drain(&mut s);
        s.handle_timeout(now + rto);
        assert_eq!(blocks(&drain(&mut s)), [21]);
        assert_eq!(s.poll_timeout().unwrap() - (now + rto), rto * 2);
        now += rto + Duration::from_secs(3);
        s.handle(now, &ack(21));
        assert!(s.poll_timeout().unwrap() - now < 100 * MS, "Karn's rule");
        // Never below the floor, even on a zero round trip.
        for block in 22..=40u16 {
            drain(&mut s);
            s.handle(now, &ack(block));
        }
        drain(&mut s);
        assert_eq!(s.poll_timeout().unwrap() - now, 50 * MS);
    }

    #[test]
    fn the_max_timeout_caps_the_backoff() {
        let t0 = T0;
        let config = Config {
            max_retries: 10,
            max_timeout: Duration::from_secs(3),
            ..Config::default()
        };
        let mut s = session_with(t0, &pattern(10), TransferMode::Octet, &[], config);
        let mut gaps = Vec::new();
        let mut at = t0;
        while let Some(deadline) = s.poll_timeout() {
            gaps.push((deadline - at).as_secs());
            at = deadline;
            s.handle_timeout(deadline);
        }
        assert_eq!(gaps, [1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    }

    #[test]
    fn block_numbers_roll_over_past_65535() {
        let t0 = T0;
        let blksize = 8usize;
        let count = 70_000usize;
        let data = pattern(blksize * count + 3);
        let mut s = session(t0, &data, &[("blksize", "8")]);
        assert_eq!(
            drain(&mut s),
            [Sent::Oack(vec![("blksize".into(), "8".into())])]
        );
        s.handle(t0, &ack(0));
        let mut got = Vec::new();
        let mut numbers = Vec::new();
        let mut rounds = 0;
        while !s.is_finished() {
            rounds += 1;
            assert!(rounds <= count + 2, "bounded");
            let sent = drain(&mut s);
            assert_eq!(sent.len(), 1);
            let Sent::Data(block, bytes) = &sent[0] else {
                panic!()
            };
            got.extend_from_slice(bytes);
            numbers.push(*block);
            s.handle(t0, &ack(*block));
        }
        assert_eq!(got, data);
        assert_eq!(numbers.len(), count + 1);
        assert_eq!(numbers[65_534..65_537], [65_535, 0, 1]);
        assert_eq!(s.outcome(), Some(&Outcome::Done));
        assert_eq!(s.stats().bytes, data.len() as u64);
    }

    #[test]
    fn windows_with_a_block_lost_in_the_middle() {
        let t0 = T0;
        let data = pattern(512 * 10 + 100);
        let mut s = session(t0, &data, &[("windowsize", "4")]);
        assert_eq!(
            drain(&mut s),
            [Sent::Oack(vec![("windowsize".into(), "4".into())])]
        );
        s.handle(t0, &ack(0));
        assert_eq!(blocks(&drain(&mut s)), [1, 2, 3, 4]);
        s.handle(t0, &ack(4));
        assert_eq!(blocks(&drain(&mut s)), [5, 6, 7, 8]);
        // Block 6 is lost: the client acknowledges 5, the last in order.
        s.handle(t0 + MS, &ack(5));
        let resent = drain(&mut s);
        assert_eq!(blocks(&resent), [6, 7, 8, 9]);
        assert_eq!(resent[0], Sent::Data(6, data[5 * 512..6 * 512].to_vec()));
        // Blocks 7 and 8 of the old window arrive late and provoke the same
        // ACK again: ignored.
        s.handle(t0 + MS, &ack(5));
        assert_eq!(drain(&mut s), []);
        s.handle(t0 + 2 * MS, &ack(9));
        assert_eq!(blocks(&drain(&mut s)), [10, 11]);
        // A whole window lost: the timeout resends it from its start.
        let deadline = s.poll_timeout().unwrap();
        s.handle_timeout(deadline);
        assert_eq!(blocks(&drain(&mut s)), [10, 11]);
        s.handle(deadline, &ack(11));
        assert_eq!(s.outcome(), Some(&Outcome::Done));
        assert_eq!(s.stats().retransmissions, 3 + 2);
        assert_eq!(s.stats().bytes, data.len() as u64);
    }

    #[test]
    fn netascii_is_converted_across_block_boundaries() {
        let t0 = T0;
        let text = b"line one\nline\rtwo\n\n1234567\nend";
        let mut expected = Vec::new();
        for &b in text {
            match b {
                b'\n' => expected.extend_from_slice(b"\r\n"),
                b'\r' => expected.extend_from_slice(b"\r\0"),
                _ => expected.push(b),
            }
        }
        assert_eq!(netascii_len(&text[..]).unwrap(), expected.len() as u64);
        let mut s = session_with(
            t0,
            text,
            TransferMode::Netascii,
            &[("blksize", "8")],
            Config::default(),
        );
        drain(&mut s);
        s.handle(t0, &ack(0));
        let mut got = Vec::new();
        while !s.is_finished() {
            for sent in drain(&mut s) {
                let Sent::Data(block, bytes) = sent else {
                    panic!()
                };
                got.extend_from_slice(&bytes);
                s.handle(t0, &ack(block));
            }
            assert!(got.len() <= expected.len() + 8, "bounded");
        }
        assert_eq!(got, expected);
        assert_eq!(
            TransferMode::parse("NetAscii"),
            Some(TransferMode::Netascii)
        );
        assert_eq!(TransferMode::parse("OCTET"), Some(TransferMode::Octet));
        assert_eq!(TransferMode::parse("mail"), None);
    }

    #[test]
    fn options_only_when_asked_and_within_limits() {
        let t0 = T0;
        let data = pattern(3000);
        // No options: no OACK, data straight away.
        let mut s = session(t0, &data, &[]);
        assert_eq!(blocks(&drain(&mut s)), [1]);
        // Only unknown options: ignored, still no OACK.
        let mut s = session(t0, &data, &[("multicast", ""), ("x-cisco", "1")]);
        assert_eq!(blocks(&drain(&mut s)), [1]);
        // Every known option, spelled as the client spelled it.
        let mut s = session(
            t0,
            &data,
            &[
                ("BLKSIZE", "1428"),
                ("tsize", "0"),
                ("timeout", "3"),
                ("windowsize", "16"),
                ("blksize", "9000"),
                ("utimeout", "500"),
            ],
        );
        assert_eq!(
            drain(&mut s),
            [Sent::Oack(vec![
                ("BLKSIZE".into(), "1428".into()),
                ("tsize".into(), "3000".into()),
                ("timeout".into(), "3".into()),
                ("windowsize".into(), "16".into()),
            ])]
        );
        assert_eq!(s.poll_timeout(), Some(t0 + Duration::from_secs(3)));
        s.handle(t0, &ack(0));
        assert_eq!(blocks(&drain(&mut s)), [1, 2, 3]);
        // The client's timeout does not back off.
        let d = s.poll_timeout().unwrap();
        s.handle_timeout(d);
        assert_eq!(s.poll_timeout(), Some(d + Duration::from_secs(3)));

        // Out-of-range values are not acknowledged; caps apply.
        let config = Config {
            max_blksize: 1024,
            max_windowsize: 8,
            ..Config::default()
        };
        let mut s = session_with(
            t0,
            &data,
            TransferMode::Octet,
            &[
                ("blksize", "7"),
                ("timeout", "0"),
                ("windowsize", "0"),
                ("tsize", "x"),
            ],
            config.clone(),
        );
        assert_eq!(
            drain(&mut s),
            [Sent::Oack(vec![("tsize".into(), "3000".into())])]
        );
        let mut s = session_with(
            t0,
            &data,
            TransferMode::Octet,
            &[("blksize", "65464"), ("windowsize", "65535")],
            config,
        );
        assert_eq!(
            drain(&mut s),
            [Sent::Oack(vec![
                ("blksize".into(), "1024".into()),
                ("windowsize".into(), "8".into()),
            ])]
        );
        // The window buffer cap shrinks the window for big blocks.
        let mut s = session(t0, &data, &[("blksize", "65464"), ("windowsize", "64")]);
        assert_eq!(
            drain(&mut s),
            [Sent::Oack(vec![
                ("blksize".into(), "65464".into()),
                ("windowsize".into(), "16".into()),
            ])]
        );
        // tsize is not acknowledged when the size is unknown.
        let options = [TftpOption {
            name: "tsize",
            value: "0",
        }];
        let mut s = ReadSession::new(
            t0,
            TransferMode::Octet,
            &options,
            None,
            Cursor::new(data.clone()),
            Config::default(),
        );
        assert_eq!(blocks(&drain(&mut s)), [1]);
    }

    #[test]
    fn a_lost_oack_is_sent_again_and_a_refusal_ends_the_transfer() {
        let t0 = T0;
        let mut s = session(t0, &pattern(100), &[("blksize", "1024")]);
        assert!(matches!(drain(&mut s)[..], [Sent::Oack(_)]));
        s.handle(t0, &ack(1)); // not an answer to the OACK
        assert_eq!(drain(&mut s), []);
        let d = s.poll_timeout().unwrap();
        s.handle_timeout(d);
        assert!(matches!(drain(&mut s)[..], [Sent::Oack(_)]));
        s.handle(
            d + MS,
            &Packet::Error {
                code: ErrorCode::OptionRefused,
                message: "no thanks",
            },
        );
        assert_eq!(
            s.outcome(),
            Some(&Outcome::PeerError {
                code: 8,
                message: "no thanks".into()
            })
        );
        assert_eq!(drain(&mut s), [], "never answer an ERROR");
        assert_eq!(s.poll_timeout(), None);
    }

    #[test]
    fn progress_is_rate_limited() {
        let t0 = T0;
        let mut s = session(t0, &pattern(512 * 20 - 1), &[]);
        let mut reports = Vec::new();
        let mut now = t0;
        for block in 1..=20u16 {
            drain(&mut s);
            now += Duration::from_millis(100);
            s.handle(now, &ack(block));
            if let Some(stats) = s.poll_progress() {
                reports.push(stats.blocks);
            }
        }
        // Every 500 ms of a 2 s transfer; the final ACK ends it instead.
        assert_eq!(reports, [5, 10, 15]);
        assert_eq!(s.outcome(), Some(&Outcome::Done));
    }

    #[test]
    fn cancel_tells_the_client() {
        let t0 = T0;
        let mut s = session(t0, &pattern(5000), &[]);
        drain(&mut s);
        s.cancel(t0, "server shutting down");
        assert_eq!(drain(&mut s), [Sent::Error(0)]);
        assert_eq!(s.outcome(), Some(&Outcome::Cancelled));
    }

    /// A source that hands out a few bytes per call (and so exercises every
    /// partial vectored read).
    struct Chunky {
        data: Cursor<Vec<u8>>,
        seed: u32,
    }

    impl Read for Chunky {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            self.seed = self.seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let n = 1 + (self.seed >> 16) as usize % 700;
            let n = n.min(out.len());
            self.data.read(&mut out[..n])
        }
    }

    /// Runs a whole transfer against a client that loses `loss_percent` of
    /// the DATA and of the ACKs (a fixed pseudo-random pattern) and
    /// acknowledges the last block it has in order after every burst; returns
    /// what the client kept.
    fn lossy_transfer<R: Read>(
        mut s: ReadSession<R>,
        blksize: usize,
        loss_percent: u32,
    ) -> Vec<u8> {
        let t0 = T0;
        let mut now = t0;
        let mut seed = 7u32;
        let mut lost = move || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) % 100 < loss_percent
        };
        if !drain(&mut s).is_empty() {
            s.handle(now, &ack(0)); // the OACK
        }
        let mut got = Vec::new();
        let mut expected: u16 = 1;
        for _ in 0..1_000_000 {
            if s.is_finished() {
                break;
            }
            let mut arrived = false;
            for sent in drain(&mut s) {
                let Sent::Data(block, bytes) = sent else {
                    panic!("unexpected {sent:?}")
                };
                if lost() {
                    continue;
                }
                arrived = true;
                if block == expected {
                    assert!(bytes.len() <= blksize);
                    got.extend_from_slice(&bytes);
                    expected = expected.wrapping_add(1);
                }
            }
            if arrived && !lost() {
                s.handle(now, &ack(expected.wrapping_sub(1)));
            } else if let Some(deadline) = s.poll_timeout() {
                now = deadline;
                s.handle_timeout(now);
            }
        }
        assert_eq!(s.outcome(), Some(&Outcome::Done), "the transfer ended");
        got
    }

    #[test]
    fn read_ahead_rings_deliver_every_byte_whatever_the_losses() {
        let sizes = [0, 1, 511, 512, 513, 512 * 40, 512 * 40 + 7, 100_003];
        for size in sizes {
            let data = pattern(size);
            for blksize in [8usize, 512, 1428] {
                if size / blksize > 3_000 {
                    continue;
                }
                for window in [1u16, 4, 16] {
                    for read_ahead in [0usize, 100, 8192, 128 << 10] {
                        for chunky in [false, true] {
                            for loss in [0, 10] {
                                let options = [
                                    TftpOption {
                                        name: "blksize",
                                        value: &blksize.to_string(),
                                    },
                                    TftpOption {
                                        name: "windowsize",
                                        value: &window.to_string(),
                                    },
                                ];
                                let config = Config {
                                    read_ahead,
                                    ..Config::default()
                                };
                                let t0 = T0;
                                let what = format!(
                                    "size {size}, blksize {blksize}, window {window}, \
                                     read-ahead {read_ahead}, chunky {chunky}, loss {loss}%"
                                );
                                let got = if chunky {
                                    let source = Chunky {
                                        data: Cursor::new(data.clone()),
                                        seed: size as u32,
                                    };
                                    let s = ReadSession::new(
                                        t0,
                                        TransferMode::Octet,
                                        &options,
                                        Some(size as u64),
                                        source,
                                        config,
                                    );
                                    lossy_transfer(s, blksize, loss)
                                } else {
                                    let s = ReadSession::new(
                                        t0,
                                        TransferMode::Octet,
                                        &options,
                                        Some(size as u64),
                                        Cursor::new(data.clone()),
                                        config,
                                    );
                                    lossy_transfer(s, blksize, loss)
                                };
                                assert!(got == data, "{what}: {} of {size} bytes", got.len());
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_lone_block_read_ahead_reads_the_source_once_per_ring() {
        /// Counts the vectored reads that reach it.
        struct Counting {
            data: Cursor<Vec<u8>>,
            reads: std::rc::Rc<std::cell::Cell<usize>>,
        }
        impl Read for Counting {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                self.read_vectored(&mut [IoSliceMut::new(out)])
            }
            fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
                self.reads.set(self.reads.get() + 1);
                self.data.read_vectored(bufs)
            }
        }
        let reads = std::rc::Rc::new(std::cell::Cell::new(0));
        let data = pattern(512 * 64);
        let t0 = T0;
        let s = ReadSession::new(
            t0,
            TransferMode::Octet,
            &[],
            Some(data.len() as u64),
            Counting {
                data: Cursor::new(data.clone()),
                reads: reads.clone(),
            },
            Config {
                read_ahead: 16 * 512,
                ..Config::default()
            },
        );
        assert_eq!(lossy_transfer(s, 512, 0), data);
        // 64 full blocks in rings of 16, then the empty last block's read.
        assert_eq!(reads.get(), 64 / 16 + 1);
    }

    #[test]
    fn a_read_error_is_reported_once() {
        struct Broken(u8);
        impl Read for Broken {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::other("disk on fire"));
                }
                self.0 -= 1;
                out.fill(b'x');
                Ok(out.len())
            }
        }
        let t0 = T0;
        let mut s = ReadSession::new(
            t0,
            TransferMode::Octet,
            &[],
            None,
            Broken(1),
            Config::default(),
        );
        assert_eq!(drain(&mut s).len(), 1);
        s.handle(t0, &ack(1));
        assert_eq!(drain(&mut s), [Sent::Error(0)]);
        assert!(matches!(s.outcome(), Some(Outcome::ReadError { .. })));
    }
}
