//! One HTTP GET as a 78xx/88xx asks it on port 6970 of its TFTP server,
//! before TFTP: no I/O, handed the time and the bytes.
//!
//! The driver opens a TCP connection to [`HttpGet::server`] when the first
//! bytes are to be sent ([`HttpGet::poll_transmit`]), writes what it returns,
//! feeds what arrives to [`HttpGet::handle`], and tells it how the
//! connection went ([`Connection`]: connected, refused, closed, broken). It
//! calls [`HttpGet::handle_timeout`] once [`HttpGet::poll_timeout`] has
//! passed.
//!
//! The result is TFTP's ([`Received`] or [`Failure`]), so the phone checks
//! and records the file the same way, or [`Fallback`]: nothing answered on
//! the port (refused, or no connection within [`CONNECT_PATIENCE`]), and the
//! phone asks TFTP instead. Any HTTP answer is the server's answer: 404 is
//! "not found", another status a failure.
//!
//! Bounded: a response head of at most [`MAX_HEAD`] bytes; a body of at most
//! [`Limits::max_size`] and only its first [`Limits::keep`] bytes kept; no
//! byte for [`IDLE_PATIENCE`] ends the transfer.

use std::net::SocketAddr;
use std::time::Duration;

use md5::{Digest, Md5};

use super::tftp_client::{Failure, Limits, Received, md5_hex};
use crate::tftp::time::Time;

/// The longest response head read.
pub const MAX_HEAD: usize = 16 * 1024;
/// How long the connection may take before the phone falls back to TFTP.
pub const CONNECT_PATIENCE: Duration = Duration::from_secs(5);
/// How long the server may stay silent once connected.
pub const IDLE_PATIENCE: Duration = Duration::from_secs(20);

/// What happened to the connection, as the driver saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Connection {
    /// It is open.
    Connected,
    /// Nothing listens on the port (RST to the SYN).
    Refused,
    /// The server closed it (end of stream).
    Closed,
    /// Anything else (reset mid-way, unreachable): why.
    Broken(String),
}

/// Why the phone goes to TFTP instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fallback {
    /// In words, for the report's notes.
    pub why: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// The connection is being made.
    Connecting,
    /// Connected, reading the head.
    Head,
    /// Reading the body.
    Body,
    Finished,
}

/// One GET.
#[derive(Debug)]
pub struct HttpGet {
    file: String,
    server: SocketAddr,
    limits: Limits,
    state: State,
    request: Option<Vec<u8>>,
    buf: Vec<u8>,
    /// `Content-Length`, when given.
    length: Option<u64>,
    size: u64,
    head: Vec<u8>,
    started: Time,
    deadline: Time,
    result: Option<Result<Received, Result<Failure, Fallback>>>,
    /// The body's MD5 so far, when [`Limits::md5`] asked for it.
    md5: Option<Md5>,
}

impl HttpGet {
    /// Starts `GET /<file>` from `server` (the TFTP server's address, the
    /// HTTP port).
    pub fn new(now: Time, server: SocketAddr, file: &str, limits: Limits) -> Self {
        let request = format!(
            "GET /{} HTTP/1.1\r\nHost: {server}\r\nUser-Agent: lifeline-simulate\r\nConnection: close\r\n\r\n",
            escape(file)
        );
        HttpGet {
            file: file.to_owned(),
            server,
            md5: limits.md5.then(Md5::new),
            limits,
            state: State::Connecting,
            request: Some(request.into_bytes()),
            buf: Vec::new(),
            length: None,
            size: 0,
            head: Vec::new(),
            started: now,
            deadline: now + CONNECT_PATIENCE,
            result: None,
        }
    }

    /// The file asked for.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Where it connects.
    pub fn server(&self) -> SocketAddr {
        self.server
    }

    /// Bytes to write (the request, once).
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.request.take()
    }

    /// When [`HttpGet::handle_timeout`] is due; `None` once finished.
    pub fn poll_timeout(&self) -> Option<Time> {
        (self.state != State::Finished).then_some(self.deadline)
    }

    /// Whether it has ended (the connection may be closed).
    pub fn is_finished(&self) -> bool {
        self.state == State::Finished
    }

    /// The result, once (a fetched file, a failure, or a fallback to TFTP).
    pub fn take_result(&mut self) -> Option<Result<Received, Result<Failure, Fallback>>> {
        self.result.take()
    }

    /// The connection's news.
    pub fn handle_connection(&mut self, now: Time, news: Connection) {
        match (self.state, news) {
            (State::Finished, _) => {}
            (State::Connecting, Connection::Connected) => {
                self.state = State::Head;
                self.deadline = now + IDLE_PATIENCE;
            }
            (_, Connection::Connected) => {}
            (State::Connecting, Connection::Refused) => self.fall_back(format!(
                "nothing listens on {} (connection refused); the phone asked TFTP",
                self.server
            )),
            (_, Connection::Closed) if self.state == State::Body && self.length.is_none() => {
                // No length: the body ends with the connection.
                self.succeed();
            }
            (_, Connection::Closed) => self.fail(Failure::Protocol {
                what: format!(
                    "the HTTP connection closed after {} of {} bytes",
                    self.size,
                    self.length
                        .map_or_else(|| "its head's".to_owned(), |n| n.to_string())
                ),
            }),
            (State::Connecting, Connection::Broken(why)) => self.fall_back(format!(
                "cannot connect to {} ({why}); the phone asked TFTP",
                self.server
            )),
            (_, Connection::Refused) | (_, Connection::Broken(_)) => self.fail(Failure::Protocol {
                what: "the HTTP connection broke".into(),
            }),
        }
    }

    /// Bytes that arrived.
    pub fn handle(&mut self, now: Time, bytes: &[u8]) {
        if self.state == State::Connecting {
            self.state = State::Head;
        }
        self.deadline = now + IDLE_PATIENCE;
        match self.state {
            State::Head => {
                // Bounded: at most MAX_HEAD bytes and one read beyond.
                self.buf.extend_from_slice(bytes);
                let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                    if self.buf.len() > MAX_HEAD {
                        self.fail(Failure::Protocol {
                            what: format!("an HTTP response head longer than {MAX_HEAD} bytes"),
                        });
                    }
                    return;
                };
                let buf = std::mem::take(&mut self.buf);
                if end > MAX_HEAD {
                    self.fail(Failure::Protocol {
                        what: format!("an HTTP response head longer than {MAX_HEAD} bytes"),
                    });
                } else if self.read_head(&buf[..end]) {
                    self.state = State::Body;
                    // What followed the head is the body's start.
                    self.body(&buf[end + 4..]);
                }
            }
            State::Body => self.body(bytes),
            State::Connecting | State::Finished => {}
        }
    }

    /// The time from [`HttpGet::poll_timeout`] has come.
    pub fn handle_timeout(&mut self, now: Time) {
        if self.state == State::Finished || now < self.deadline {
            return;
        }
        if self.state == State::Connecting {
            self.fall_back(format!(
                "no answer to a connection to {} in {} s; the phone asked TFTP",
                self.server,
                CONNECT_PATIENCE.as_secs()
            ));
        } else {
            self.fail(Failure::NoAnswer {
                tries: 1,
                waited: now.saturating_duration_since(self.started),
                stray: None,
            });
        }
    }

    /// Reads the status line and headers; whether a body follows.
    fn read_head(&mut self, head: &[u8]) -> bool {
        let text = String::from_utf8_lossy(head);
        let mut lines = text.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let mut parts = status_line.splitn(3, ' ');
        let version = parts.next().unwrap_or_default();
        let status = parts.next().and_then(|s| s.parse::<u16>().ok());
        let reason = parts.next().unwrap_or_default().to_owned();
        let Some(status) = status.filter(|_| version.starts_with("HTTP/1.")) else {
            self.fail(Failure::Protocol {
                what: format!("not an HTTP/1.x status line: {:?}", truncate(status_line)),
            });
            return false;
        };
        for line in lines {
            if let Some((name, value)) = line.split_once(':')
                && name.trim().eq_ignore_ascii_case("content-length")
            {
                match value.trim().parse::<u64>() {
                    Ok(n) => self.length = Some(n),
                    Err(_) => {
                        self.fail(Failure::Protocol {
                            what: format!(
                                "a Content-Length that is not a number: {:?}",
                                truncate(value)
                            ),
                        });
                        return false;
                    }
                }
            }
        }
        match status {
            200 => {
                if let Some(n) = self.length
                    && n > self.limits.max_size
                {
                    self.fail(Failure::TooLarge {
                        limit: self.limits.max_size,
                    });
                    return false;
                }
                true
            }
            404 => {
                self.fail(Failure::NotFound {
                    message: format!("HTTP {status} {reason}"),
                });
                false
            }
            _ => {
                self.fail(Failure::Http { status, reason });
                false
            }
        }
    }

    fn body(&mut self, bytes: &[u8]) {
        if self.state != State::Body {
            return;
        }
        let keep = self
            .limits
            .keep
            .saturating_sub(self.head.len())
            .min(bytes.len());
        self.head.extend_from_slice(&bytes[..keep]);
        if let Some(h) = self.md5.as_mut() {
            h.update(bytes);
        }
        self.size += bytes.len() as u64;
        if self.size > self.limits.max_size {
            self.fail(Failure::TooLarge {
                limit: self.limits.max_size,
            });
        } else if let Some(n) = self.length {
            if self.size > n {
                self.fail(Failure::SizeMismatch {
                    announced: n,
                    received: self.size,
                });
            } else if self.size == n {
                self.succeed();
            }
        }
    }

    fn succeed(&mut self) {
        self.state = State::Finished;
        self.result = Some(Ok(Received {
            size: self.size,
            head: std::mem::take(&mut self.head),
            blksize: 0,
            acknowledged: Vec::new(),
            retransmissions: 0,
            from: self.server,
            md5: self.md5.take().map(md5_hex),
        }));
    }

    fn fail(&mut self, failure: Failure) {
        self.state = State::Finished;
        self.result = Some(Err(Ok(failure)));
    }

    fn fall_back(&mut self, why: String) {
        self.state = State::Finished;
        self.result = Some(Err(Err(Fallback { why })));
    }
}

/// A file name as a path: bytes outside the unreserved set (and `/`) as
/// `%XX`.
fn escape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

#[cfg(test)]
mod tests;
