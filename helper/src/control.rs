//! The control plane: the websocket at `/ws` that the browser talks to.
//!
//! A web page from any site can try to open a websocket to `127.0.0.1`, so the
//! upgrade is refused (HTTP 403, before any session exists) unless the request
//! carries the pairing token printed at start (`/ws?token=…`) and its `Origin`,
//! when present, is the helper's own. The same check answers a plain `GET
//! /ws?token=…` (204 or 403), so a page whose socket would not open can tell a
//! helper that no longer knows its token from one that is not there. Messages
//! and frames are bounded; a client that says nothing for [`Control::idle`] is
//! dropped; at most [`MAX_SESSIONS`] pages are connected at once (the next is
//! refused with HTTP 503 and the reason); and a page that stops reading is
//! dropped after [`SEND_TIMEOUT`], so what the helper has to say to it never
//! piles up.
//!
//! A session speaks [`lifeline_shared::protocol`]: hello, status, phones, a
//! resumable bundle upload into [`crate::bundles::Store`], the page's
//! simulated phones ([`crate::simulate::page`]), and the events of the TFTP
//! and DHCP servers as they happen.

use crate::bundles::{Store, Upload};
use crate::events::Events;
use axum::Router;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use lifeline_shared::events::PhoneSummary;
use lifeline_shared::protocol::{self, Chunk, ClientMessage, ErrorCode, ServerMessage, Status};
use lifeline_shared::tracker::{Catalog, Tracker};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

/// The most pages connected at once.
pub const MAX_SESSIONS: usize = 16;
/// How long a message may wait for a page to take it before the page is
/// dropped as not reading.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything a session needs.
pub struct Control {
    pub token: String,
    /// `Origin` values accepted (the helper's own origins).
    pub origins: Vec<String>,
    pub store: Arc<Store>,
    /// Network events (TFTP, DHCP).
    pub events: Events,
    /// Phone summaries as they change.
    pub phones: broadcast::Sender<PhoneSummary>,
    pub tracker: Arc<Mutex<Tracker>>,
    /// The tracker's epoch: its times are milliseconds since then.
    pub tracker_epoch: Instant,
    /// The helper's state, freshly computed.
    pub status: Box<dyn Fn() -> Status + Send + Sync>,
    /// Called with the new bundle's folder after a switch.
    pub on_switch: Box<dyn Fn(&Path) + Send + Sync>,
    /// When `serve --root` or `--firmware` fixes what TFTP serves: what it serves.
    /// Uploads are refused then, since they could not be served.
    pub fixed_source: Option<String>,
    /// The upgrade plan's walks: a page says where a phone starts.
    pub walks: Arc<crate::walks::Walks>,
    /// At most one upload at a time.
    pub upload_lock: Arc<tokio::sync::Mutex<()>>,
    /// Silence after which a client is dropped.
    pub idle: Duration,
    /// Stops every session.
    pub shutdown: CancellationToken,
    /// One permit per connected page ([`MAX_SESSIONS`]).
    pub sessions: Arc<tokio::sync::Semaphore>,
    /// The page's simulated phones (`simulate-phones`).
    pub simulator: crate::simulate::page::PageSimulator,
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("origins", &self.origins)
            .finish_non_exhaustive()
    }
}

impl Control {
    /// Runs `f` on the tracker with its time now, and publishes the summaries
    /// it changed to every session. They are published under the tracker's
    /// lock, so each phone's summaries go out in the order they were made.
    /// Returns how many changed.
    pub fn with_tracker(&self, f: impl FnOnce(&mut Tracker, u64) -> Vec<PhoneSummary>) -> usize {
        let now = u64::try_from(self.tracker_epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        let Ok(mut tracker) = self.tracker.lock() else {
            return 0;
        };
        let changed = f(&mut tracker, now);
        let n = changed.len();
        for p in changed {
            // No session listening is fine: each gets a snapshot at hello.
            let _ = self.phones.send(p);
        }
        n
    }
}

/// The origins a browser uses for a helper listening on `addr`.
pub fn own_origins(addr: std::net::SocketAddr) -> Vec<String> {
    let port = addr.port();
    let mut v = vec![format!("http://{addr}")];
    if addr.ip().is_loopback() || addr.ip().is_unspecified() {
        v.push(format!("http://127.0.0.1:{port}"));
        v.push(format!("http://localhost:{port}"));
        v.push(format!("http://[::1]:{port}"));
    }
    v
}

/// The `/ws` route.
pub fn router(control: Arc<Control>) -> Router {
    Router::new().route("/ws", get(upgrade)).with_state(control)
}

fn same_token(a: &str, b: &str) -> bool {
    // Constant time for equal lengths.
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

async fn upgrade(
    State(c): State<Arc<Control>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    if let Some(o) = origin
        && !c.origins.iter().any(|a| a == o)
    {
        tracing::warn!(origin = o, "websocket refused: foreign origin");
        return (
            StatusCode::FORBIDDEN,
            "This page may not control the Lifeline helper.\n",
        )
            .into_response();
    }
    let refused = match query.get("token") {
        Some(t) if same_token(t, &c.token) => None,
        Some(_) => Some(("wrong token", "Wrong pairing token")),
        None => Some(("no token", "No pairing token")),
    };
    if let Some((why, told)) = refused {
        tracing::warn!(origin = origin.unwrap_or("-"), "websocket refused: {why}");
        return (
            StatusCode::FORBIDDEN,
            format!("{told}: open the address the helper printed at start.\n"),
        )
            .into_response();
    }
    // A plain GET with the right token: the page asks whether its token is
    // still this helper's after its socket would not open (a browser never
    // sees why an upgrade failed). Yes: 204; no: the 403 above.
    let Ok(ws) = ws else {
        return StatusCode::NO_CONTENT.into_response();
    };
    let Ok(permit) = c.sessions.clone().try_acquire_owned() else {
        tracing::warn!("websocket refused: {MAX_SESSIONS} pages are connected already");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "{MAX_SESSIONS} pages are connected to this helper already: close the Lifeline tabs you no longer use, then reload this one.\n"
            ),
        )
            .into_response();
    };
    ws.max_message_size(protocol::MAX_BINARY.max(protocol::MAX_TEXT) + 1024)
        .max_frame_size(protocol::MAX_BINARY.max(protocol::MAX_TEXT) + 1024)
        .on_upgrade(move |socket| async move {
            tracing::info!("browser connected");
            Session {
                c,
                socket,
                hello: false,
                upload: None,
                _lock: None,
                stalled: false,
            }
            .run()
            .await;
            drop(permit);
            tracing::info!("browser disconnected");
        })
}

struct Session {
    c: Arc<Control>,
    socket: WebSocket,
    hello: bool,
    upload: Option<Upload>,
    _lock: Option<tokio::sync::OwnedMutexGuard<()>>,
    /// The page stopped reading: a send waited [`SEND_TIMEOUT`] in vain.
    stalled: bool,
}

/// What an upload holds so far, so the browser sends only what is missing.
fn upload_ready(u: &Upload) -> ServerMessage {
    ServerMessage::UploadReady {
        id: u.id.clone(),
        chunk_size: protocol::CHUNK_SIZE,
        have: u.have(),
        received: u.received,
        total: u.total,
    }
}

/// Outcome of handling one message: go on, or close.
enum Flow {
    Continue,
    Close(&'static str),
}

impl Session {
    /// Sends `m`; false when the page is gone or has not taken a message for
    /// [`SEND_TIMEOUT`] (it stopped reading): the session then ends.
    async fn send(&mut self, m: &ServerMessage) -> bool {
        match serde_json::to_string(m) {
            Ok(text) => self.send_frame(Message::Text(text.into())).await,
            Err(_) => true,
        }
    }

    async fn send_frame(&mut self, frame: Message) -> bool {
        match tokio::time::timeout(SEND_TIMEOUT, self.socket.send(frame)).await {
            Ok(sent) => sent.is_ok(),
            Err(_) => {
                tracing::warn!(
                    "page dropped: it took no message for {} s (it stopped reading)",
                    SEND_TIMEOUT.as_secs()
                );
                self.stalled = true;
                false
            }
        }
    }

    async fn error(
        &mut self,
        code: ErrorCode,
        message: impl Into<String>,
        file: Option<String>,
    ) -> bool {
        self.send(&ServerMessage::Error {
            code,
            message: message.into(),
            file,
        })
        .await
    }

    /// Answers a message it cannot act on with an error, and goes on.
    async fn refuse(
        &mut self,
        code: ErrorCode,
        message: impl Into<String>,
        file: Option<String>,
    ) -> Flow {
        self.error(code, message, file).await;
        Flow::Continue
    }

    async fn run(mut self) {
        let mut events = self.c.events.subscribe();
        let mut phones = self.c.phones.subscribe();
        let idle = self.c.idle;
        let mut deadline = tokio::time::Instant::now() + idle;
        let mut ping = tokio::time::interval(idle / 3);
        ping.tick().await;
        let shutdown = self.c.shutdown.clone();
        let reason = loop {
            tokio::select! {
                msg = self.socket.recv() => {
                    deadline = tokio::time::Instant::now() + idle;
                    let flow = match msg {
                        None | Some(Err(_)) | Some(Ok(Message::Close(_))) => break None,
                        Some(Ok(Message::Text(t))) => self.on_text(t.as_str()).await,
                        Some(Ok(Message::Binary(b))) => self.on_binary(&b).await,
                        Some(Ok(_)) => Flow::Continue,
                    };
                    if let Flow::Close(why) = flow {
                        break Some(why);
                    }
                }
                ev = events.recv(), if self.hello => match ev {
                    // The tracker's own: pages get its words on the card.
                    Ok(lifeline_shared::events::Event::ConfigServed(_) | lifeline_shared::events::Event::Walk(_)) => {}
                    Ok(e) => {
                        if !self.send(&ServerMessage::Event(e)).await { break None; }
                    }
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::debug!(skipped = n, "slow browser: events skipped");
                    }
                    Err(broadcast::error::RecvError::Closed) => break Some("the helper is stopping"),
                },
                ph = phones.recv(), if self.hello => match ph {
                    Ok(p) => {
                        if !self.send(&ServerMessage::Phone(p)).await { break None; }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        // Summaries were skipped: send the whole picture again.
                        let all = self.tracker_snapshot();
                        if !self.send(&ServerMessage::Phones { phones: all }).await { break None; }
                    }
                    Err(broadcast::error::RecvError::Closed) => break Some("the helper is stopping"),
                },
                _ = ping.tick() => {
                    if !self.send_frame(Message::Ping(Vec::new().into())).await { break None; }
                }
                _ = tokio::time::sleep_until(deadline) => break Some("no message for too long"),
                _ = shutdown.cancelled() => break Some("the helper is stopping"),
            }
            // Any send that waited in vain, whichever arm made it, ends the session.
            if self.stalled {
                break None;
            }
        };
        if let Some(u) = self.upload.as_mut() {
            let _ = tokio::task::block_in_place(|| u.save());
        }
        // A page that stopped reading would not take the close frame either.
        if let Some(why) = reason.filter(|_| !self.stalled) {
            let _ = self
                .send_frame(Message::Close(Some(CloseFrame {
                    code: 1000,
                    reason: why.into(),
                })))
                .await;
        }
    }

    fn tracker_snapshot(&self) -> Vec<PhoneSummary> {
        self.c
            .tracker
            .lock()
            .map(|t| t.summaries())
            .unwrap_or_default()
    }

    async fn on_text(&mut self, text: &str) -> Flow {
        let msg: ClientMessage = match serde_json::from_str(text) {
            Ok(m) => m,
            Err(e) => {
                return self
                    .refuse(
                        ErrorCode::BadMessage,
                        format!("not a message this helper understands: {e}"),
                        None,
                    )
                    .await;
            }
        };
        if !self.hello && !matches!(msg, ClientMessage::Hello { .. }) {
            return self
                .refuse(ErrorCode::OutOfOrder, "say hello first", None)
                .await;
        }
        match msg {
            ClientMessage::Hello { version, client } => {
                if version != protocol::VERSION {
                    let newer = if version > protocol::VERSION {
                        "the page is newer than this helper: update the helper"
                    } else {
                        "this helper is newer than the page: reload the page the helper serves"
                    };
                    self.error(
                        ErrorCode::VersionMismatch,
                        format!(
                            "protocol version {version} (page) and {} (helper) differ: {newer}",
                            protocol::VERSION
                        ),
                        None,
                    )
                    .await;
                    return Flow::Close("protocol version mismatch");
                }
                tracing::info!(client, "hello");
                self.hello = true;
                let helper = format!("lifeline {}", env!("CARGO_PKG_VERSION"));
                let status = (self.c.status)();
                let phones = self.tracker_snapshot();
                self.send(&ServerMessage::Hello {
                    version: protocol::VERSION,
                    helper,
                })
                .await;
                self.send(&ServerMessage::Status(status)).await;
                self.send(&ServerMessage::Phones { phones }).await;
            }
            ClientMessage::Status => {
                let status = (self.c.status)();
                self.send(&ServerMessage::Status(status)).await;
            }
            ClientMessage::UploadBegin { manifest } => {
                if let Some(what) = self.c.fixed_source.clone() {
                    return self.refuse(
                        ErrorCode::OutOfOrder,
                        format!("this helper was started to serve {what} (serve --root or --firmware), so it cannot switch to a bundle from the page; restart it with plain `lifeline serve`"),
                        None,
                    )
                    .await;
                }
                if self._lock.is_none() {
                    match self.c.upload_lock.clone().try_lock_owned() {
                        Ok(g) => self._lock = Some(g),
                        Err(_) => {
                            return self.refuse(ErrorCode::OutOfOrder, "another browser is sending a bundle to this helper; wait for it to finish", None).await;
                        }
                    }
                }
                let store = self.c.store.clone();
                match tokio::task::block_in_place(|| store.begin(manifest)) {
                    Ok(u) => {
                        tracing::info!(bundle = %u.id, received = u.received, total = u.total, "upload ready");
                        let ready = upload_ready(&u);
                        self.upload = Some(u);
                        self.send(&ready).await;
                    }
                    Err(e) => {
                        self._lock = None;
                        self.error(e.code(), e.to_string(), e.file()).await;
                    }
                }
            }
            ClientMessage::UploadCommit { id } => self.commit(&id).await,
            ClientMessage::RetryPhones { phones } => {
                // Every session hears of it, this one included.
                let started_over = self.c.with_tracker(|t, now| t.retry(now, &phones));
                tracing::info!(asked = phones.len(), started_over, "retry failed phones");
            }
            ClientMessage::SimulatePhones => match self.c.simulator.start() {
                // Every session hears of the run through its events.
                Ok(phones) => tracing::info!(phones, "simulated phones started for the page"),
                Err(why) => {
                    tracing::info!("simulation refused: {why}");
                    self.error(ErrorCode::Simulation, why, None).await;
                }
            },
            ClientMessage::PhoneStart { phone, start } => {
                let walks = self.c.walks.clone();
                let set = tokio::task::block_in_place(|| walks.set_start(&phone, start.as_deref()));
                // The card follows through the phone's walk event.
                if let Err(why) = set {
                    self.error(ErrorCode::BadStart, why, None).await;
                }
            }
            ClientMessage::UploadCancel { id } => {
                if self.upload.as_ref().is_some_and(|u| u.id == id) {
                    self.upload = None;
                    self._lock = None;
                    let store = self.c.store.clone();
                    let _ = tokio::task::block_in_place(|| store.cancel(&id));
                }
            }
            _ => {
                self.error(
                    ErrorCode::BadMessage,
                    "this helper does not handle that message",
                    None,
                )
                .await;
            }
        }
        Flow::Continue
    }

    async fn on_binary(&mut self, frame: &[u8]) -> Flow {
        let Some(upload) = self.upload.as_mut() else {
            return self
                .refuse(
                    ErrorCode::OutOfOrder,
                    "a chunk arrived before upload-begin",
                    None,
                )
                .await;
        };
        let chunk = match Chunk::decode(frame) {
            Ok(c) => c,
            Err(e) => {
                let file = match &e {
                    protocol::ChunkError::BadCrc { file, .. } => upload
                        .manifest()
                        .files
                        .get(*file as usize)
                        .map(|f| f.name.clone()),
                    _ => None,
                };
                tracing::warn!(error = %e, file = file.as_deref().unwrap_or("-"), "chunk refused");
                let msg = match &file {
                    Some(f) => format!("{e} ({f}); send that chunk again"),
                    None => e.to_string(),
                };
                return self.refuse(ErrorCode::BadChunk, msg, file).await;
            }
        };
        let result = tokio::task::block_in_place(|| upload.write(&chunk));
        let (id, received, total) = (upload.id.clone(), upload.received, upload.total);
        match result {
            Ok(()) => {
                self.send(&ServerMessage::UploadProgress {
                    id,
                    received,
                    total,
                })
                .await;
            }
            Err(e) => {
                if e.is_out_of_space() {
                    // Nothing to resume on a full disk: give the space back.
                    tracing::warn!(bundle = %id, error = %e, "upload stopped");
                    let _ = self.c.store.cancel(&id);
                    self.upload = None;
                    self._lock = None;
                }
                self.error(e.code(), e.to_string(), e.file()).await;
            }
        }
        Flow::Continue
    }

    async fn commit(&mut self, id: &str) {
        let Some(upload) = self.upload.as_mut().filter(|u| u.id == id) else {
            self.error(
                ErrorCode::OutOfOrder,
                "no upload of that bundle is in progress here",
                None,
            )
            .await;
            return;
        };
        let id = upload.id.clone();
        self.send(&ServerMessage::UploadVerifying { id: id.clone() })
            .await;
        let store = self.c.store.clone();
        let upload = self.upload.as_mut().expect("checked above");
        match tokio::task::block_in_place(|| upload.commit(&store)) {
            Ok(info) => {
                let dir = store.bundle_dir(&info.id);
                tracing::info!(bundle = %info.id, files = info.files, bytes = info.bytes, "bundle switched");
                (self.c.on_switch)(&dir);
                // Cards judged against the previous bundle are re-judged
                // or archived, and the pages told.
                let catalog = catalog_of(&dir);
                self.c.with_tracker(|t, now| t.switch(now, catalog));
                self.upload = None;
                self._lock = None;
                self.send(&ServerMessage::UploadSwitched {
                    id: info.id,
                    files: info.files,
                    bytes: info.bytes,
                })
                .await;
                let status = (self.c.status)();
                self.send(&ServerMessage::Status(status)).await;
            }
            Err(e) => {
                tracing::warn!(bundle = %id, error = %e, "commit refused");
                let (code, text, file) = (e.code(), e.to_string(), e.file());
                self.error(code, text, file).await;
                // Say again what is held, so the browser sends what is missing.
                if let Some(u) = self.upload.as_ref() {
                    let ready = upload_ready(u);
                    self.send(&ready).await;
                }
            }
        }
    }
}

/// The tracker's view of a bundle folder: each `.loads` manifest's image list,
/// each configuration's loads.
pub fn catalog_of(dir: &Path) -> Catalog {
    let manifest: Option<lifeline_shared::bundle::Manifest> =
        std::fs::read(dir.join(lifeline_shared::bundle::MANIFEST_NAME))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
    let files: Vec<(String, u64)> = match manifest {
        Some(m) => m.files.iter().map(|f| (f.name.clone(), f.size)).collect(),
        None => std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter_map(|e| {
                        Some((e.file_name().into_string().ok()?, e.metadata().ok()?.len()))
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    let dir: PathBuf = dir.to_path_buf();
    let mut catalog = Catalog::from_files(files.iter().map(|(n, s)| (n.as_str(), *s)), |name| {
        let data = std::fs::read(dir.join(name)).ok()?;
        let (_, body) = lifeline_shared::firmware::signed::SignedHeader::parse(&data).ok()?;
        let m = lifeline_shared::firmware::manifest::parse(body).ok()?;
        Some(m.images)
    });
    // The loads each configuration names, for a phone in a configuration loop.
    for (name, size) in &files {
        let lower = name.to_ascii_lowercase();
        if (lower.ends_with(".cnf.xml") || lower.ends_with(".cnf"))
            && *size <= lifeline_shared::config::cnf_xml::MAX_CNF as u64
            && let Ok(text) = std::fs::read_to_string(dir.join(name))
        {
            catalog.add_config(name, &text);
        }
    }
    catalog
}
