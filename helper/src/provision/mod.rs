//! HTTP provisioning: the bundle's files over HTTP on TCP 6970, where
//! 78xx/88xx phones (and other recent loads) ask first, before TFTP.
//!
//! A second listener in the helper's process, sharing nothing with the web
//! UI's port or its token: it serves the files TFTP serves (the same
//! switchable [`FileSource`], so the same name resolution and the same
//! "never outside the root"), and nothing else.
//!
//! - GET and HEAD; any other method is 405. `Content-Length` always; one byte
//!   range (`bytes=a-b`, `a-`, `-n`) is 206 with `Content-Range`, a range past
//!   the end 416; several ranges get the whole file (200), as RFC 9110 allows.
//! - A missing file is 404, a refused name (`..`, a drive letter, NUL, a
//!   symlink out of the root) 403, each with a one-line plain-text body;
//!   `/` and folders are 404: no listings.
//! - Bounded: a request head of at most [`Config::max_head`] bytes, read
//!   within [`Config::head_timeout`] once it starts; at most
//!   [`Config::max_connections`] connections (more are told 503 at once and
//!   closed); a connection idle between requests, or a client that stops
//!   reading a body, is dropped after [`Config::idle_timeout`].
//! - A GET of a file publishes the events TFTP's downloads do (request,
//!   progress, done or aborted) with `transport: http`, so the tracker and
//!   the page follow a phone whichever way it fetches; the name asked is the
//!   path without its first `/` (a phone's TFTP name). A GET refused (404,
//!   403) publishes its request with that resolution. HEAD, a range that
//!   stops before the file's end and a range past it are not downloads of
//!   the file: they are logged, not published.
//!
//! Layout: [`request`] reads a head (pure); [`body`] moves a file's bytes to
//! the socket (`sendfile` on Linux); [`setup`] the flag and bind errors.

pub mod body;
pub mod request;
pub mod setup;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;

use crate::events::{Event, Events, OptionPair, TftpEnd, TftpProgress, TftpRequest, Transport};
use crate::files::{FileSource, LookupError, Opened, Resolution};
use lifeline_shared::events::{Outcome, Stats};
use request::{Head, HeadError, Method, RangeAsk};

/// The port phones ask first.
pub const DEFAULT_PORT: u16 = 6970;

/// The listener's limits.
#[derive(Debug, Clone)]
pub struct Config {
    /// Connections open at once.
    pub max_connections: usize,
    /// The longest request head, in bytes.
    pub max_head: usize,
    /// How long a request head may take once its first byte arrived.
    pub head_timeout: Duration,
    /// How long a connection may wait for its next request, or a client take
    /// nothing of a body, before it is closed.
    pub idle_timeout: Duration,
    /// At most one progress event per transfer this often.
    pub progress_interval: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            max_connections: 512,
            max_head: 8 << 10,
            head_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            progress_interval: Duration::from_millis(500),
        }
    }
}

/// What a client over the connection limit is told.
const BUSY: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n\
Content-Length: 52\r\nRetry-After: 1\r\nConnection: close\r\n\r\n\
too many connections: the helper is busy, ask again\n";

/// Serves `files` on `listener` until `shutdown`; each connection's task
/// ends at the shutdown too. Accept errors (out of descriptors, a client gone
/// before accept) are logged and the loop goes on.
pub async fn serve(
    listener: TcpListener,
    files: Arc<dyn FileSource>,
    config: Config,
    events: Events,
    shutdown: CancellationToken,
) -> io::Result<()> {
    let shared = Arc::new(Shared {
        files,
        config: config.clone(),
        events,
        shutdown: shutdown.clone(),
        next_id: AtomicU64::new(1),
    });
    let permits = Arc::new(Semaphore::new(config.max_connections));
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = shutdown.cancelled() => return Ok(()),
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(error) => {
                tracing::warn!(%error, "http provisioning: cannot accept a connection");
                // Out of descriptors clears as connections end; do not spin.
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_millis(50)) => continue,
                    () = shutdown.cancelled() => return Ok(()),
                }
            }
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tracing::debug!(client = %peer, "http provisioning: connection limit reached");
            // Whatever fits into the socket's buffer now; never waited for.
            let _ = stream.try_write(BUSY);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        tokio::spawn(async move {
            Connection {
                stream,
                peer,
                shared,
                _permit: permit,
            }
            .run()
            .await;
        });
    }
}

/// What every connection reads.
struct Shared {
    files: Arc<dyn FileSource>,
    config: Config,
    events: Events,
    shutdown: CancellationToken,
    next_id: AtomicU64,
}

struct Connection {
    stream: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    _permit: OwnedSemaphorePermit,
}

/// How reading a head ended without one.
enum NoHead {
    /// The client closed, the connection broke, the server stops, or the
    /// connection was idle between requests: closed without a word.
    Close,
    /// A head that started did not finish in time (408).
    Late,
    /// A head that cannot be served (400, 431).
    Bad(HeadError),
}

/// The answer's head, before the body.
struct Answer {
    status: u16,
    reason: &'static str,
    headers: Vec<(&'static str, String)>,
    length: u64,
    keep_alive: bool,
}

impl Answer {
    fn bytes(&self) -> Vec<u8> {
        use std::fmt::Write as _;
        let mut text = format!(
            "HTTP/1.1 {} {}\r\nServer: lifeline\r\nContent-Length: {}\r\n",
            self.status, self.reason, self.length
        );
        for (name, value) in &self.headers {
            let _ = write!(text, "{name}: {value}\r\n");
        }
        text.push_str(if self.keep_alive {
            "\r\n"
        } else {
            "Connection: close\r\n\r\n"
        });
        text.into_bytes()
    }
}

impl Connection {
    async fn run(mut self) {
        let mut buf = Vec::with_capacity(1024);
        loop {
            let head = match self.read_head(&mut buf).await {
                Ok(head) => head,
                Err(NoHead::Close) => return,
                Err(NoHead::Late) => {
                    let text = "the request head did not arrive in time\n";
                    self.text(408, "Request Timeout", text, true, false).await;
                    return;
                }
                Err(NoHead::Bad(error)) => {
                    tracing::debug!(client = %self.peer, %error, "http provisioning: bad request");
                    let (status, reason) = error.status();
                    self.text(status, reason, &format!("{error}\n"), true, false)
                        .await;
                    return;
                }
            };
            let keep_alive = head.keep_alive;
            if !self.answer(head).await || !keep_alive {
                let _ = self.stream.shutdown().await;
                return;
            }
        }
    }

    /// Reads until `buf` starts with a whole head, which it removes.
    async fn read_head(&mut self, buf: &mut Vec<u8>) -> Result<Head, NoHead> {
        let config = &self.shared.config;
        // Between requests the wait is the idle timeout; once a head has
        // started it must end within the head timeout.
        let mut deadline = (!buf.is_empty()).then(|| Instant::now() + config.head_timeout);
        let mut chunk = [0u8; 4096];
        loop {
            if !buf.is_empty() {
                match request::parse(buf, config.max_head) {
                    Ok(Some((head, len))) => {
                        buf.drain(..len);
                        return Ok(head);
                    }
                    Ok(None) => {}
                    Err(error) => return Err(NoHead::Bad(error)),
                }
            }
            let wait = match deadline {
                None => config.idle_timeout,
                Some(d) => d.saturating_duration_since(Instant::now()),
            };
            let read = tokio::select! {
                read = tokio::time::timeout(wait, self.stream.read(&mut chunk)) => read,
                () = self.shared.shutdown.cancelled() => return Err(NoHead::Close),
            };
            match read {
                Ok(Ok(0)) | Ok(Err(_)) => return Err(NoHead::Close),
                Ok(Ok(n)) => {
                    deadline.get_or_insert_with(|| Instant::now() + config.head_timeout);
                    buf.extend_from_slice(&chunk[..n]);
                }
                Err(_) if buf.is_empty() => return Err(NoHead::Close),
                Err(_) => return Err(NoHead::Late),
            }
        }
    }

    /// Answers one request; whether the connection may go on.
    async fn answer(&mut self, head: Head) -> bool {
        let get = match &head.method {
            Method::Get => true,
            Method::Head => false,
            Method::Other(method) => {
                let text = format!(
                    "method {method} not allowed: this server only sends files (GET, HEAD)\n"
                );
                let answer = Answer {
                    status: 405,
                    reason: "Method Not Allowed",
                    headers: vec![
                        ("Allow", "GET, HEAD".into()),
                        ("Content-Type", "text/plain; charset=utf-8".into()),
                    ],
                    length: text.len() as u64,
                    keep_alive: false,
                };
                self.write(&answer, text.as_bytes(), true).await;
                return false;
            }
        };
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        let mut request = TftpRequest {
            transfer: id,
            client: self.peer,
            transport: Transport::Http,
            file: head.path.strip_prefix('/').unwrap_or(&head.path).to_owned(),
            mode: "octet".into(),
            options: head
                .range
                .iter()
                .map(|r| OptionPair {
                    name: "range".into(),
                    value: r.clone(),
                })
                .collect(),
            resolution: Resolution::NotFound,
            served: None,
            size: None,
            accepted: Vec::new(),
            detail: None,
        };
        let files = self.shared.files.clone();
        let path = head.path.clone();
        let peer = self.peer.ip();
        // A HEAD tells the walk nothing: only a GET is the phone taking a file.
        let opened = blocking(move || {
            if get {
                files.open_for(&path, peer)
            } else {
                files.open(&path)
            }
        });
        let mut opened = match opened {
            Ok(opened) => opened,
            Err(error) => {
                request.resolution = error.resolution();
                request.detail = Some(error.to_string());
                self.publish_if(get, request);
                let (status, reason, text) = match &error {
                    LookupError::Denied(why) => (403, "Forbidden", format!("refused: {why}\n")),
                    LookupError::NotFound => (
                        404,
                        "Not Found",
                        format!("not found: {} is not in the bundle\n", head.path),
                    ),
                    LookupError::Io(e) => (
                        500,
                        "Internal Server Error",
                        format!("cannot open the file: {e}\n"),
                    ),
                };
                return self.text(status, reason, &text, get, head.keep_alive).await;
            }
        };
        let size = opened.size;
        request.resolution = opened.resolution;
        request.served = Some(opened.served.clone());
        request.size = Some(size);
        let content_type = mime_guess::from_path(&opened.served)
            .first_or_octet_stream()
            .to_string();
        let mut headers = vec![
            ("Content-Type", content_type),
            ("Accept-Ranges", "bytes".to_owned()),
        ];
        let (status, reason, start, len) = match request::range(head.range.as_deref(), size) {
            RangeAsk::Whole => (200, "OK", 0, size),
            RangeAsk::Part { start, end } => {
                headers.push(("Content-Range", format!("bytes {start}-{end}/{size}")));
                (206, "Partial Content", start, end - start + 1)
            }
            RangeAsk::Unsatisfiable => {
                self.publish_if(false, request);
                let text = format!("range not satisfiable: {} is {size} bytes\n", opened.served);
                let answer = Answer {
                    status: 416,
                    reason: "Range Not Satisfiable",
                    headers: vec![
                        ("Content-Range", format!("bytes */{size}")),
                        ("Content-Type", "text/plain; charset=utf-8".into()),
                    ],
                    length: text.len() as u64,
                    keep_alive: head.keep_alive,
                };
                return self.write(&answer, text.as_bytes(), get).await;
            }
        };
        let answer = Answer {
            status,
            reason,
            headers,
            length: len,
            keep_alive: head.keep_alive,
        };
        // A download of the file: from the start or a resumption to its end.
        let tracked = get && start + len == size;
        self.publish_if(tracked, request);
        if !self.write(&answer, &[], true).await {
            return false;
        }
        if !get {
            return true;
        }
        self.body(id, &mut opened, start, len, tracked).await
    }

    /// Sends the body and publishes its progress and end; whether the
    /// connection may go on.
    async fn body(
        &mut self,
        id: u64,
        opened: &mut Opened,
        start: u64,
        len: u64,
        tracked: bool,
    ) -> bool {
        let began = Instant::now();
        let mut every = body::Every::new(self.shared.config.progress_interval);
        let (events, peer, served, size) = (
            self.shared.events.clone(),
            self.peer,
            opened.served.clone(),
            opened.size,
        );
        let stats = |sent: u64, writes: u64| Stats {
            bytes: start + sent,
            blocks: writes,
            retransmissions: 0,
        };
        let mut last = (0u64, 0u64);
        let mut progress = |sent: u64, writes: u64| {
            last = (sent, writes);
            if tracked && sent < len && every.due() {
                events.publish(Event::TftpProgress(TftpProgress {
                    transfer: id,
                    client: peer,
                    transport: Transport::Http,
                    file: served.clone(),
                    size: Some(size),
                    stats: stats(sent, writes),
                }));
            }
        };
        let result = body::send(
            &mut self.stream,
            &mut opened.reader,
            opened.direct,
            start,
            len,
            self.shared.config.idle_timeout,
            &self.shared.shutdown,
            &mut progress,
        )
        .await;
        let (sent, writes) = last;
        if result.is_err() {
            // A configuration cut off tells the upgrade plan's walk nothing.
            let (files, name, ip) = (self.shared.files.clone(), served.clone(), self.peer.ip());
            tokio::task::spawn_blocking(move || files.cut_off(&name, ip));
        }
        let outcome = match &result {
            Ok(_) => Outcome::Done,
            Err(body::Stopped::Stalled) => Outcome::TimedOut { retries: 0 },
            Err(body::Stopped::Closed(e)) => Outcome::PeerError {
                code: 0,
                message: format!("the client closed the connection ({e})"),
            },
            Err(body::Stopped::Read(e)) => Outcome::ReadError {
                message: e.to_string(),
            },
            Err(body::Stopped::Shutdown) => Outcome::Cancelled,
        };
        if !tracked {
            tracing::debug!(client = %self.peer, file = %served, sent, ?outcome, "http provisioning: part sent");
            return result.is_ok();
        }
        let duration = began.elapsed().as_secs_f64();
        let end = TftpEnd {
            transfer: id,
            client: self.peer,
            transport: Transport::Http,
            file: served.clone(),
            stats: stats(sent, writes),
            duration_secs: duration,
            bytes_per_sec: if duration > 0.0 {
                sent as f64 / duration
            } else {
                0.0
            },
            outcome,
        };
        self.shared.events.publish(if result.is_ok() {
            Event::TftpDone(end)
        } else {
            Event::TftpAborted(end)
        });
        result.is_ok()
    }

    /// Publishes `request` when it is a download (or a refused GET); logs it
    /// otherwise.
    fn publish_if(&self, download: bool, request: TftpRequest) {
        if download {
            self.shared.events.publish(Event::TftpRequest(request));
        } else {
            tracing::info!(
                client = %request.client, file = %request.file,
                resolution = request.resolution.as_str(),
                range = request.options.first().map_or("", |o| o.value.as_str()),
                "http provisioning: not a download (HEAD, or a range)"
            );
        }
    }

    /// A plain-text answer (the body only for GET); whether the connection
    /// may go on.
    async fn text(
        &mut self,
        status: u16,
        reason: &'static str,
        text: &str,
        with_body: bool,
        keep_alive: bool,
    ) -> bool {
        let answer = Answer {
            status,
            reason,
            headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
            length: text.len() as u64,
            keep_alive,
        };
        self.write(&answer, text.as_bytes(), with_body).await
    }

    /// Writes an answer's head and, when `with_body`, `body`, within the idle
    /// timeout; whether it all went.
    async fn write(&mut self, answer: &Answer, body: &[u8], with_body: bool) -> bool {
        let mut bytes = answer.bytes();
        if with_body {
            bytes.extend_from_slice(body);
        }
        let written = tokio::select! {
            written = tokio::time::timeout(
                self.shared.config.idle_timeout,
                self.stream.write_all(&bytes),
            ) => written,
            () = self.shared.shutdown.cancelled() => return false,
        };
        matches!(written, Ok(Ok(())))
    }
}

/// Runs file-system work (canonicalize, a folder listing for a case match)
/// off the async workers where the runtime allows it.
fn blocking<T>(work: impl FnOnce() -> T) -> T {
    let multi_thread = tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    if multi_thread {
        tokio::task::block_in_place(work)
    } else {
        work()
    }
}

#[cfg(test)]
mod tests;
