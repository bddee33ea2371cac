//! One TFTP read as a phone does it: no I/O, handed the time.
//!
//! The driver sends what [`Transfer::poll_transmit`] returns from the
//! transfer's own socket (a fresh port: the client's TID), feeds every
//! datagram that socket receives to [`Transfer::handle`], and calls
//! [`Transfer::handle_timeout`] once [`Transfer::poll_timeout`] has passed.
//! Packets go through the TFTP server's codec ([`crate::tftp::packet`]).
//!
//! What a phone does, and so what this does:
//! - a plain request: `octet`, no options, 512-byte blocks. With `options`
//!   (for testing servers) it asks `blksize 1428` and `tsize 0`;
//! - lock-step: each DATA block in order is acknowledged; a duplicate of the
//!   last block is acknowledged again (our ACK was lost); anything else is
//!   ignored;
//! - on a timeout it sends its last packet again (the request, or the last
//!   ACK), waiting longer each time, [`Patience::tries`] times in all, then
//!   gives up: every transfer ends in bounded time;
//! - the first answer fixes the server's TID; a datagram from any other
//!   port gets ERROR 5 and changes nothing (RFC 1350);
//! - an OACK it did not ask for ends the transfer (a server must never
//!   acknowledge an option that was not asked for); so does a block longer
//!   than agreed, or a file larger than [`Limits::max_size`];
//! - after the last block it dallies ([`Patience::dally`]): the result is
//!   ready at once, but the final ACK is sent again if the server repeats
//!   its last block because the ACK was lost (RFC 1350 §6).
//!
//! Memory is bounded: only the first [`Limits::keep`] bytes are kept (a
//! manifest or configuration whole, an image's signed header); the rest is
//! counted.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

use md5::{Digest, Md5};
use thiserror::Error;

use crate::tftp::packet::{ErrorCode, Packet, Request, TftpOption, error_bytes};
use crate::tftp::time::Time;

/// The block size of a plain request (RFC 1350).
pub const PLAIN_BLKSIZE: u16 = 512;
/// The block size asked for with options on (an Ethernet frame's worth).
pub const OPTION_BLKSIZE: u16 = 1428;

/// How patient the client is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Patience {
    /// The first wait for an answer.
    pub initial: Duration,
    /// The wait stops doubling here.
    pub max: Duration,
    /// Sends of one packet (the first and the repeats) before giving up.
    pub tries: u32,
    /// How long the final ACK is kept ready after the last block.
    pub dally: Duration,
}

impl Patience {
    /// A phone's patience: 1 s, doubling up to 4 s, six sends (about 19 s of
    /// silence before it gives up on a file), 2 s of dallying.
    pub const PHONE: Patience = Patience {
        initial: Duration::from_secs(1),
        max: Duration::from_secs(4),
        tries: 6,
        dally: Duration::from_secs(2),
    };
}

/// What to keep of a file and how large it may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes kept from the start of the file.
    pub keep: usize,
    /// A larger file ends the transfer.
    pub max_size: u64,
    /// Whether to compute the whole file's MD5 as it arrives (a 792x checks
    /// each image against its manifest's MD5).
    pub md5: bool,
}

/// Why a transfer failed.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Failure {
    /// ERROR 1.
    #[error("not found (the server said \"{message}\")")]
    NotFound {
        /// The server's message.
        message: String,
    },
    /// Any other ERROR from the server.
    #[error("the server refused it with TFTP error {code} \"{message}\"")]
    ServerError {
        /// The error code.
        code: u16,
        /// The server's message.
        message: String,
    },
    /// Silence.
    #[error("no answer after {tries} tries over {} s{}", waited.as_secs(), stray_note(*stray))]
    NoAnswer {
        /// Packets sent.
        tries: u32,
        /// How long it waited in all.
        waited: Duration,
        /// Where answers came from instead, if anywhere: a server that
        /// answers from another address than the one asked.
        stray: Option<SocketAddr>,
    },
    /// The server broke the protocol.
    #[error("the server broke the TFTP protocol: {what}")]
    Protocol {
        /// What it did.
        what: String,
    },
    /// More bytes than any such file has.
    #[error("the file is larger than {limit} bytes, more than a phone accepts for it")]
    TooLarge {
        /// The limit.
        limit: u64,
    },
    /// An HTTP status other than 200 or 404 (a phone asking HTTP first).
    #[error("the HTTP server answered {status} {reason}")]
    Http {
        /// The status code.
        status: u16,
        /// Its reason phrase.
        reason: String,
    },
    /// The size received differs from the size the server announced.
    #[error("the server announced {announced} bytes (tsize) but sent {received}")]
    SizeMismatch {
        /// `tsize` from the OACK.
        announced: u64,
        /// What arrived.
        received: u64,
    },
}

fn stray_note(stray: Option<SocketAddr>) -> String {
    match stray {
        Some(from) => {
            format!(" (answers came from {from} instead, another address than the one asked)")
        }
        None => String::new(),
    }
}

/// A file received in full.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// Its size.
    pub size: u64,
    /// Its first [`Limits::keep`] bytes.
    pub head: Vec<u8>,
    /// The block size used.
    pub blksize: u16,
    /// The options the server acknowledged (empty for a plain transfer).
    pub acknowledged: Vec<(String, String)>,
    /// Packets the client sent again.
    pub retransmissions: u32,
    /// The server's TID.
    pub from: SocketAddr,
    /// The whole file's MD5, upper-case hex, when [`Limits::md5`] asked for it.
    pub md5: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// The request is out; no answer yet.
    Requesting,
    /// Blocks up to `last` are in.
    Receiving { last: u16 },
    /// The last block is in; its ACK is repeated on demand until `until`.
    Dallying { last: u16, until: Time },
    /// Nothing more to do.
    Finished,
}

/// One read transfer.
#[derive(Debug)]
pub struct Transfer {
    file: String,
    server: SocketAddr,
    peer: Option<SocketAddr>,
    options: bool,
    blksize: u16,
    tsize: Option<u64>,
    acknowledged: Vec<(String, String)>,
    state: State,
    patience: Patience,
    limits: Limits,
    /// When the current wait ends.
    deadline: Time,
    /// The current wait.
    rto: Duration,
    /// Sends of the current packet.
    sends: u32,
    /// Since the last progress.
    waiting_since: Time,
    /// The packet to send again on a timeout, and where.
    last_sent: Vec<u8>,
    out: VecDeque<(SocketAddr, Vec<u8>)>,
    size: u64,
    head: Vec<u8>,
    md5: Option<Md5>,
    retransmissions: u32,
    stray: Option<SocketAddr>,
    result: Option<Result<Received, Failure>>,
}

impl Transfer {
    /// Starts reading `file` from `server` (the request is queued).
    pub fn new(
        now: Time,
        server: SocketAddr,
        file: &str,
        options: bool,
        limits: Limits,
        patience: Patience,
    ) -> Self {
        let mut t = Transfer {
            file: file.to_owned(),
            server,
            peer: None,
            options,
            blksize: PLAIN_BLKSIZE,
            tsize: None,
            acknowledged: Vec::new(),
            state: State::Requesting,
            patience,
            limits,
            deadline: now + patience.initial,
            rto: patience.initial,
            sends: 1,
            waiting_since: now,
            last_sent: Vec::new(),
            out: VecDeque::new(),
            size: 0,
            head: Vec::new(),
            md5: limits.md5.then(Md5::new),
            retransmissions: 0,
            stray: None,
            result: None,
        };
        let blksize = OPTION_BLKSIZE.to_string();
        let mut request = Request {
            filename: file,
            mode: "octet",
            options: Vec::new(),
        };
        if options {
            request.options = vec![
                TftpOption {
                    name: "blksize",
                    value: &blksize,
                },
                TftpOption {
                    name: "tsize",
                    value: "0",
                },
            ];
        }
        match Packet::Rrq(request).to_vec() {
            Ok(rrq) => {
                t.last_sent = rrq.clone();
                t.out.push_back((server, rrq));
            }
            Err(e) => t.fail(Failure::Protocol {
                what: format!("the name cannot be requested: {e}"),
            }),
        }
        t
    }

    /// The file asked for.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The result, once the file is complete or the transfer failed. The
    /// transfer may still be dallying; see [`Transfer::is_finished`].
    pub fn result(&self) -> Option<&Result<Received, Failure>> {
        self.result.as_ref()
    }

    /// Takes the result out (once).
    pub fn take_result(&mut self) -> Option<Result<Received, Failure>> {
        self.result.take()
    }

    /// Whether there is nothing more to send or wait for.
    pub fn is_finished(&self) -> bool {
        self.state == State::Finished && self.out.is_empty()
    }

    /// The next datagram to send, and where.
    pub fn poll_transmit(&mut self) -> Option<(SocketAddr, Vec<u8>)> {
        self.out.pop_front()
    }

    /// When [`Transfer::handle_timeout`] is due.
    pub fn poll_timeout(&self) -> Option<Time> {
        match self.state {
            State::Requesting | State::Receiving { .. } => Some(self.deadline),
            State::Dallying { until, .. } => Some(until),
            State::Finished => None,
        }
    }

    /// A datagram that arrived at this transfer's socket from `from`.
    pub fn handle(&mut self, now: Time, from: SocketAddr, bytes: &[u8]) {
        if self.state == State::Finished {
            return;
        }
        let Ok(packet) = Packet::from_bytes(bytes) else {
            tracing::debug!(file = %self.file, %from, len = bytes.len(), "ignored a datagram that is not TFTP");
            return;
        };
        match self.peer {
            Some(peer) if peer != from => {
                // Another TID: tell it, change nothing.
                self.out.push_back((
                    from,
                    error_bytes(ErrorCode::UnknownTransferId, "unknown transfer ID"),
                ));
                return;
            }
            None if from.ip() != self.server.ip() => {
                self.stray = Some(from);
                return;
            }
            _ => {}
        }
        match (self.state, packet) {
            (State::Requesting | State::Receiving { .. }, Packet::Error { code, message }) => {
                let message = message.trim_end_matches('\0').to_owned();
                self.fail(match code {
                    ErrorCode::FileNotFound => Failure::NotFound { message },
                    other => Failure::ServerError {
                        code: other.code(),
                        message,
                    },
                });
            }
            (State::Requesting, Packet::Oack { options }) => {
                self.peer = Some(from);
                if !self.options {
                    self.refuse(
                        from,
                        "the server acknowledged options (OACK) the phone never asked for",
                    );
                    return;
                }
                if let Err(what) = self.accept_oack(&options) {
                    self.refuse(from, &what);
                    return;
                }
                self.ack(now, from, 0);
                self.state = State::Receiving { last: 0 };
            }
            (State::Receiving { last: 0 }, Packet::Oack { .. }) if self.options => {
                // Our ACK of the OACK was lost.
                self.retransmissions += 1;
                self.out.push_back((from, ack_bytes(0)));
            }
            (State::Requesting, Packet::Data { block: 1, data }) => {
                self.peer = Some(from);
                self.data(now, from, 1, data);
            }
            (State::Receiving { last }, Packet::Data { block, data }) => {
                if block == last.wrapping_add(1) {
                    self.data(now, from, block, data);
                } else if block == last && last != 0 {
                    self.retransmissions += 1;
                    self.out.push_back((from, ack_bytes(last)));
                }
            }
            (State::Dallying { last, .. }, Packet::Data { block, .. }) if block == last => {
                self.retransmissions += 1;
                self.out.push_back((from, ack_bytes(last)));
            }
            _ => {}
        }
    }

    /// The wait from [`Transfer::poll_timeout`] has passed.
    pub fn handle_timeout(&mut self, now: Time) {
        match self.state {
            State::Requesting | State::Receiving { .. } if now >= self.deadline => {
                if self.sends >= self.patience.tries {
                    self.fail(Failure::NoAnswer {
                        tries: self.sends,
                        waited: now.saturating_duration_since(self.waiting_since),
                        stray: self.stray,
                    });
                    return;
                }
                self.sends += 1;
                self.retransmissions += 1;
                self.rto = (self.rto * 2).min(self.patience.max);
                self.deadline = now + self.rto;
                let to = self.peer.unwrap_or(self.server);
                self.out.push_back((to, self.last_sent.clone()));
            }
            State::Dallying { until, .. } if now >= until => self.state = State::Finished,
            _ => {}
        }
    }

    /// Checks an OACK against what was asked.
    fn accept_oack(&mut self, options: &[TftpOption<'_>]) -> Result<(), String> {
        for o in options {
            if o.name.eq_ignore_ascii_case("blksize") {
                match o.value.parse::<u16>() {
                    Ok(n) if (8..=OPTION_BLKSIZE).contains(&n) => self.blksize = n,
                    _ => {
                        return Err(format!(
                            "the server answered blksize {} to a request for {OPTION_BLKSIZE}",
                            o.value
                        ));
                    }
                }
            } else if o.name.eq_ignore_ascii_case("tsize") {
                match o.value.parse::<u64>() {
                    Ok(n) => self.tsize = Some(n),
                    Err(_) => return Err(format!("the server answered tsize {:?}", o.value)),
                }
            } else {
                return Err(format!(
                    "the server acknowledged option `{}`, which was not asked for",
                    o.name
                ));
            }
            self.acknowledged
                .push((o.name.to_ascii_lowercase(), o.value.to_owned()));
        }
        if let Some(size) = self.tsize
            && size > self.limits.max_size
        {
            return Err(format!(
                "the file is {size} bytes, more than a phone accepts"
            ));
        }
        Ok(())
    }

    /// The next block in order.
    fn data(&mut self, now: Time, from: SocketAddr, block: u16, data: &[u8]) {
        if data.len() > usize::from(self.blksize) {
            self.refuse(
                from,
                &format!(
                    "block {block} holds {} bytes, more than the agreed {}",
                    data.len(),
                    self.blksize
                ),
            );
            return;
        }
        self.size += data.len() as u64;
        if self.size > self.limits.max_size {
            let limit = self.limits.max_size;
            self.out.push_back((
                from,
                error_bytes(ErrorCode::DiskFull, "file too large for the phone"),
            ));
            self.fail(Failure::TooLarge { limit });
            return;
        }
        let room = self.limits.keep.saturating_sub(self.head.len());
        self.head.extend_from_slice(&data[..data.len().min(room)]);
        if let Some(h) = self.md5.as_mut() {
            h.update(data);
        }
        self.ack(now, from, block);
        if data.len() < usize::from(self.blksize) {
            self.state = State::Dallying {
                last: block,
                until: now + self.patience.dally,
            };
            self.result = Some(match self.tsize {
                Some(announced) if announced != self.size => Err(Failure::SizeMismatch {
                    announced,
                    received: self.size,
                }),
                _ => Ok(Received {
                    size: self.size,
                    head: std::mem::take(&mut self.head),
                    blksize: self.blksize,
                    acknowledged: std::mem::take(&mut self.acknowledged),
                    retransmissions: self.retransmissions,
                    from,
                    md5: self.md5.take().map(md5_hex),
                }),
            });
        } else {
            self.state = State::Receiving { last: block };
        }
    }

    /// Acknowledges `block` and restarts the wait.
    fn ack(&mut self, now: Time, to: SocketAddr, block: u16) {
        let ack = ack_bytes(block);
        self.last_sent = ack.clone();
        self.out.push_back((to, ack));
        self.sends = 1;
        self.rto = self.patience.initial;
        self.deadline = now + self.rto;
        self.waiting_since = now;
    }

    /// Ends the transfer with an ERROR to the server (option refused, or
    /// illegal operation).
    fn refuse(&mut self, to: SocketAddr, what: &str) {
        let code = if what.contains("option") || what.contains("blksize") || what.contains("tsize")
        {
            ErrorCode::OptionRefused
        } else {
            ErrorCode::IllegalOperation
        };
        self.out.push_back((to, error_bytes(code, what)));
        self.fail(Failure::Protocol {
            what: what.to_owned(),
        });
    }

    fn fail(&mut self, failure: Failure) {
        self.state = State::Finished;
        self.result = Some(Err(failure));
    }
}

/// An ACK's bytes.
fn ack_bytes(block: u16) -> Vec<u8> {
    let b = block.to_be_bytes();
    vec![0, 4, b[0], b[1]]
}

/// A finished MD5 as the manifests write it: 32 upper-case hex digits.
pub(crate) fn md5_hex(h: Md5) -> String {
    h.finalize()
        .iter()
        .fold(String::with_capacity(32), |mut s, b| {
            let _ = write!(s, "{b:02X}");
            s
        })
}

#[cfg(test)]
mod tests;
