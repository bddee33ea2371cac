//! The Lifeline helper as the page sees it: pairing, the connection, the
//! helper's status in words, and the bundle upload (pure).
//!
//! [`Helper`] is the part of [`crate::state::State`] that the websocket feeds;
//! [`crate::state::State::next`] calls into it. [`Uploader`] decides which
//! frames to send and when (the browser glue in [`crate::helper_link`] only
//! executes its [`Out`]s), so the whole upload — resume included — is tested
//! without a socket.
//!
//! Invariants:
//! - The pairing token only ever comes from the fragment the helper printed
//!   (`#token=…`) or this tab's session storage; it never goes into a link.
//! - The upload's shown progress never goes backwards: a resume or a file sent
//!   again holds the bar until the bytes catch up (UX §2.4).
//! - A send is tied to one bundle ([`BundleKey`] and manifest id): any change
//!   to the firmware or settings drops it, and messages about another bundle
//!   are ignored.
//! - Every refusal becomes a [`SendProblem`] that names the file and the fix.

use std::collections::VecDeque;
use std::net::Ipv4Addr;

use lifeline_shared::bundle::Manifest;
use lifeline_shared::protocol::{ErrorCode, FileChunks, ServerMessage, Service, Status};

use crate::format;
use crate::live::Live;
use crate::state::BundleKey;

/// The session storage key of the pairing token.
pub const TOKEN_KEY: &str = "lifeline-token";
/// How many chunks are on their way before the helper acknowledges them.
pub const WINDOW: usize = 8;
/// How many commits in a row may fail verification before the page gives up.
pub const MAX_COMMITS: u32 = 3;
/// The longest wait between connection attempts.
pub const MAX_BACKOFF_MS: u64 = 15_000;

/// A moment, as the browser gives it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    /// Milliseconds on the page's monotonic clock (`performance.now()`).
    pub mono: u64,
    /// Milliseconds since the epoch, shifted to local time (for `14:03:07`).
    pub local: u64,
}

/// Splits a location's fragment into the pairing token and what else it holds
/// (the settings link, `s=1&…`). Returns `(token, rest)`; `rest` has no `#`.
pub fn split_token(hash: &str) -> (Option<String>, String) {
    let fragment = hash.strip_prefix('#').unwrap_or(hash);
    let mut token = None;
    let mut rest: Vec<&str> = Vec::new();
    for part in fragment.split('&') {
        match part.strip_prefix("token=") {
            Some(t) if token.is_none() && valid_token(t) => token = Some(t.to_string()),
            Some(_) => {}
            None if part.is_empty() => {}
            None => rest.push(part),
        }
    }
    (token, rest.join("&"))
}

/// A token as the helper makes them: hex, not absurdly long.
pub fn valid_token(t: &str) -> bool {
    !t.is_empty() && t.len() <= 128 && t.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The websocket address on the page's own host.
pub fn socket_url(protocol: &str, host: &str, token: &str) -> String {
    let scheme = if protocol == "https:" { "wss" } else { "ws" };
    format!("{scheme}://{host}/ws?token={token}")
}

/// How long to wait before connection attempt `attempt` (2, 3, …): 1 s, 2 s,
/// 4 s, 8 s, then every 15 s.
pub fn backoff_ms(attempt: u32) -> u64 {
    let doublings = attempt.saturating_sub(2).min(16);
    (1000_u64 << doublings).min(MAX_BACKOFF_MS)
}

/// The connection to the helper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// No pairing token: the page was not opened from the address the helper
    /// printed. Nothing is tried.
    Unpaired,
    /// Opening the socket (attempt 1, 2, …).
    Connecting {
        /// Which attempt.
        attempt: u32,
    },
    /// Hello exchanged: messages flow.
    Connected,
    /// The socket closed, or could not open; the page tries again by itself.
    Retrying {
        /// The attempt that failed.
        attempt: u32,
        /// When the next one starts.
        retry_in_ms: u64,
        /// When the connection was lost (local time), if it was up.
        lost_at: Option<u64>,
    },
    /// The helper refused this page (another protocol version): why, with the
    /// fix. Not tried again.
    Refused(String),
}

impl Link {
    /// Whether messages can be sent.
    pub fn is_connected(&self) -> bool {
        *self == Link::Connected
    }
}

/// How far an upload is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The bundle.
    pub key: BundleKey,
    /// Its manifest id.
    pub id: String,
    /// Bytes the helper has.
    pub received: u64,
    /// Bytes in all.
    pub total: u64,
    /// Bytes the bar shows: never less than before.
    pub shown: u64,
    /// When this stretch of sending started (monotonic ms) …
    pub base_at: u64,
    /// … and the bytes the helper had then (for the rate).
    pub base_bytes: u64,
    /// The last acknowledgement (monotonic ms).
    pub last_at: u64,
    /// Bytes the helper already had when this send started or resumed.
    pub resumed: Option<u64>,
    /// A file being sent again, and why.
    pub again: Option<SendProblem>,
    /// Commits refused so far.
    pub commits: u32,
}

impl Progress {
    fn new(key: BundleKey, id: String, received: u64, total: u64, at: Clock) -> Progress {
        Progress {
            key,
            id,
            received,
            total,
            shown: received,
            base_at: at.mono,
            base_bytes: received,
            last_at: at.mono,
            resumed: (received > 0).then_some(received),
            again: None,
            commits: 0,
        }
    }

    /// A new stretch of sending from what the helper has now; the bar keeps
    /// what it showed.
    fn restart(&mut self, received: u64, total: u64, at: Clock) {
        self.received = received;
        self.total = total;
        self.shown = self.shown.max(received);
        self.base_at = at.mono;
        self.base_bytes = received;
        self.last_at = at.mono;
    }

    /// Bytes per second over this stretch, once there is half a second of it.
    pub fn rate(&self) -> Option<u64> {
        let ms = self.last_at.saturating_sub(self.base_at);
        let bytes = self.received.saturating_sub(self.base_bytes);
        (ms >= 500 && bytes > 0).then(|| bytes * 1000 / ms)
    }

    /// Seconds left at that rate.
    pub fn secs_left(&self) -> Option<u64> {
        let rate = self.rate()?;
        Some(
            self.total
                .saturating_sub(self.received)
                .div_ceil(rate.max(1)),
        )
    }

    /// The bar's percentage.
    pub fn percent(&self) -> u64 {
        format::percent(self.shown, self.total)
    }
}

/// Sending the bundle to the helper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Send {
    /// Not sent (or dropped after a change).
    Idle,
    /// `upload-begin` went out; waiting for the helper to say what it has.
    Starting {
        /// The bundle.
        key: BundleKey,
        /// Its manifest id.
        id: String,
    },
    /// Chunks are going out.
    Sending(Progress),
    /// The connection dropped; the upload resumes when it is back.
    Interrupted(Progress),
    /// The helper checks every file and writes it to disk.
    Verifying(Progress),
    /// The helper serves it.
    Switched {
        /// The bundle.
        key: BundleKey,
        /// Its id.
        id: String,
        /// Files.
        files: usize,
        /// Bytes.
        bytes: u64,
    },
    /// It was refused.
    Failed {
        /// The bundle.
        key: BundleKey,
        /// Its id.
        id: String,
        /// Why, and what to do.
        problem: SendProblem,
    },
}

impl Send {
    /// The bundle it is about.
    pub fn key(&self) -> Option<BundleKey> {
        match self {
            Send::Idle => None,
            Send::Starting { key, .. } | Send::Switched { key, .. } | Send::Failed { key, .. } => {
                Some(*key)
            }
            Send::Sending(p) | Send::Interrupted(p) | Send::Verifying(p) => Some(p.key),
        }
    }

    /// Its manifest id.
    pub fn id(&self) -> Option<&str> {
        match self {
            Send::Idle => None,
            Send::Starting { id, .. } | Send::Switched { id, .. } | Send::Failed { id, .. } => {
                Some(id)
            }
            Send::Sending(p) | Send::Interrupted(p) | Send::Verifying(p) => Some(&p.id),
        }
    }
}

/// A refusal, in plain words: what, the file concerned, the helper's own words
/// and the fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendProblem {
    /// The headline (names in backticks).
    pub title: String,
    /// The helper's message.
    pub message: String,
    /// The file concerned.
    pub file: Option<String>,
    /// What to do.
    pub fix: &'static str,
}

impl SendProblem {
    /// The problem for an `error` message.
    pub fn from_error(code: ErrorCode, message: &str, file: Option<&str>) -> SendProblem {
        let named = |what: &str, fallback: &str| match file {
            Some(f) => format!("`{f}` {what}"),
            None => fallback.to_string(),
        };
        let (title, fix) = match code {
            ErrorCode::HashMismatch => (
                named("arrived damaged", "A file arrived damaged"),
                "Nothing to do: the page sends it again.",
            ),
            ErrorCode::Incomplete => (
                named(
                    "had not fully arrived",
                    "Parts of the bundle had not arrived",
                ),
                "Nothing to do: the page sends what is missing.",
            ),
            ErrorCode::BadChunk => (
                named("was damaged on the way", "A piece was damaged on the way"),
                "Nothing to do: the page sends it again.",
            ),
            ErrorCode::Storage => (
                "The helper could not store the bundle".to_string(),
                "Free some space on the helper's computer (or start it with `--data-dir` on a disk with room), then press Try again. Or download the zip instead.",
            ),
            ErrorCode::BadManifest => (
                named("was refused by the helper", "The helper refused the bundle"),
                "Make the bundle again (go back to step 1 and choose the firmware again); if it is refused again, download the zip and copy it to a TFTP server yourself.",
            ),
            ErrorCode::OutOfOrder => (
                "The helper refused the upload now".to_string(),
                "If another browser tab or computer is sending a bundle to this helper, wait until it is done, then press Try again.",
            ),
            ErrorCode::VersionMismatch => (
                "The helper and this page are different versions".to_string(),
                "Open the address the helper printed at start (it serves the matching page), or update the helper.",
            ),
            _ => (
                "The helper refused the upload".to_string(),
                "Reload this page from the address the helper printed, then press Try again.",
            ),
        };
        SendProblem {
            title,
            message: format::sentence(message),
            file: file.map(str::to_string),
            fix,
        }
    }

    /// Whether the helper asks for the file again by itself (`upload-ready`
    /// follows), so the upload goes on.
    pub fn is_transient(code: ErrorCode) -> bool {
        matches!(
            code,
            ErrorCode::HashMismatch | ErrorCode::Incomplete | ErrorCode::BadChunk
        )
    }
}

/// What the page knows of the helper.
#[derive(Clone, Debug, PartialEq)]
pub struct Helper {
    /// The connection.
    pub link: Link,
    /// `lifeline 0.1.0`, once it said hello.
    pub name: Option<String>,
    /// Its last status (kept while reconnecting).
    pub status: Option<Status>,
    /// Sending the bundle.
    pub send: Send,
    /// The phones, the log and the live view.
    pub live: Live,
    /// The page's clock at the last tick of step 5 (monotonic ms), kept apart
    /// from [`Live`] so the log is not drawn again every second.
    pub now: u64,
    /// Whether the first status was seen: the TFTP address is filled in from
    /// the helper then or never (an address the person typed or cleared stays).
    pub prefill_decided: bool,
    /// The interface it was filled in from.
    pub prefill: Option<Choice>,
}

impl Default for Helper {
    fn default() -> Helper {
        Helper {
            link: Link::Unpaired,
            name: None,
            status: None,
            send: Send::Idle,
            live: Live::default(),
            now: 0,
            prefill_decided: false,
            prefill: None,
        }
    }
}

impl Helper {
    /// Whether the helper serves the bundle with this manifest id.
    pub fn serves(&self, id: &str) -> bool {
        self.status
            .as_ref()
            .and_then(|s| s.bundle.as_ref())
            .is_some_and(|b| b.id == id)
    }

    /// The upload's part of a server message; `true` when it changed anything.
    /// `bundle` is the bundle on screen (key and manifest id).
    pub fn on_upload(&mut self, message: &ServerMessage, at: Clock) -> bool {
        let same = |id: &str, send: &Send| send.id() == Some(id);
        match message {
            ServerMessage::UploadReady {
                id,
                received,
                total,
                ..
            } if same(id, &self.send) => {
                self.send = match std::mem::replace(&mut self.send, Send::Idle) {
                    Send::Starting { key, id } => {
                        Send::Sending(Progress::new(key, id, *received, *total, at))
                    }
                    // Back after a dropped connection: say how much was kept.
                    Send::Interrupted(mut p) => {
                        p.restart(*received, *total, at);
                        p.resumed = (*received > 0).then_some(*received);
                        p.again = None;
                        Send::Sending(p)
                    }
                    // A refused commit: the helper asks for what it lacks.
                    Send::Sending(mut p) | Send::Verifying(mut p) => {
                        p.restart(*received, *total, at);
                        Send::Sending(p)
                    }
                    other => other,
                };
                true
            }
            ServerMessage::UploadProgress {
                id,
                received,
                total,
            } if same(id, &self.send) => match &mut self.send {
                Send::Sending(p) => {
                    p.received = *received;
                    p.total = *total;
                    p.shown = p.shown.max(*received);
                    p.last_at = at.mono;
                    true
                }
                _ => false,
            },
            ServerMessage::UploadVerifying { id } if same(id, &self.send) => {
                match std::mem::replace(&mut self.send, Send::Idle) {
                    Send::Sending(p) => {
                        self.send = Send::Verifying(p);
                        true
                    }
                    other => {
                        self.send = other;
                        false
                    }
                }
            }
            ServerMessage::UploadSwitched { id, files, bytes } if same(id, &self.send) => {
                let Some(key) = self.send.key() else {
                    return false;
                };
                self.send = Send::Switched {
                    key,
                    id: id.clone(),
                    files: *files,
                    bytes: *bytes,
                };
                true
            }
            ServerMessage::Error {
                code,
                message,
                file,
            } if matches!(
                self.send,
                Send::Starting { .. } | Send::Sending(_) | Send::Verifying(_)
            ) =>
            {
                let problem = SendProblem::from_error(*code, message, file.as_deref());
                let (Some(key), Some(id)) = (self.send.key(), self.send.id().map(str::to_string))
                else {
                    return false;
                };
                let at_commit = matches!(code, ErrorCode::HashMismatch | ErrorCode::Incomplete);
                match &mut self.send {
                    Send::Sending(p) | Send::Verifying(p) if SendProblem::is_transient(*code) => {
                        p.commits += u32::from(at_commit);
                        if p.commits >= MAX_COMMITS {
                            let file = problem.file.clone();
                            self.send = Send::Failed {
                                key,
                                id,
                                problem: SendProblem {
                                    title: match &file {
                                        Some(f) => format!("`{f}` kept arriving damaged"),
                                        None => "The bundle kept arriving damaged".to_string(),
                                    },
                                    fix: "Check the disk and memory of the helper's computer, then press Try again; or download the zip and copy it to a TFTP server yourself.",
                                    ..problem
                                },
                            };
                        } else {
                            p.again = Some(problem);
                        }
                    }
                    _ => self.send = Send::Failed { key, id, problem },
                }
                true
            }
            _ => false,
        }
    }
}

/// What the page sends next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Out {
    /// `upload-begin` with the manifest.
    Begin,
    /// One chunk.
    Chunk {
        /// Index of the file in the manifest.
        file: u32,
        /// Index of the chunk in the file.
        index: u32,
    },
    /// `upload-commit`.
    Commit,
}

/// Paces one bundle's upload: which chunks the helper still needs, at most
/// [`WINDOW`] unacknowledged, the commit once all are acknowledged, and the
/// same again after a dropped connection or a refused commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uploader {
    /// The bundle id.
    pub id: String,
    sizes: Vec<u64>,
    chunk_size: u64,
    queue: VecDeque<(u32, u32)>,
    in_flight: usize,
    /// Waiting for `upload-ready` (after begin, or after a refused commit).
    waiting: bool,
    committed: bool,
    commits: u32,
    /// Switched, refused, or given up: nothing more to send.
    pub finished: bool,
}

impl Uploader {
    /// An upload of `manifest`; send [`Out::Begin`] first.
    pub fn new(manifest: &Manifest) -> Uploader {
        Uploader {
            id: manifest.id.clone(),
            sizes: manifest.files.iter().map(|f| f.size).collect(),
            chunk_size: 0,
            queue: VecDeque::new(),
            in_flight: 0,
            waiting: true,
            committed: false,
            commits: 0,
            finished: false,
        }
    }

    /// The connection is (back) up: start again with `upload-begin`; the
    /// helper's answer says what it already has.
    pub fn on_connected(&mut self) -> Vec<Out> {
        if self.finished {
            return Vec::new();
        }
        self.queue.clear();
        self.in_flight = 0;
        self.waiting = true;
        self.committed = false;
        vec![Out::Begin]
    }

    /// What to send after `message`.
    pub fn on_message(&mut self, message: &ServerMessage) -> Vec<Out> {
        if self.finished {
            return Vec::new();
        }
        match message {
            ServerMessage::UploadReady {
                id,
                chunk_size,
                have,
                ..
            } if *id == self.id => {
                self.chunk_size = u64::from((*chunk_size).max(1));
                self.queue = self.missing(have);
                self.in_flight = 0;
                self.waiting = false;
                self.committed = false;
                self.pump()
            }
            ServerMessage::UploadProgress { id, .. } if *id == self.id => {
                self.in_flight = self.in_flight.saturating_sub(1);
                self.pump()
            }
            ServerMessage::UploadSwitched { id, .. } if *id == self.id => {
                self.finished = true;
                Vec::new()
            }
            ServerMessage::Error { code, .. } if !self.waiting => {
                if self.committed && matches!(code, ErrorCode::HashMismatch | ErrorCode::Incomplete)
                {
                    // The helper follows with `upload-ready`: send what it lacks.
                    self.commits += 1;
                    self.waiting = true;
                    self.finished = self.commits >= MAX_COMMITS;
                    return Vec::new();
                }
                if *code == ErrorCode::BadChunk && self.in_flight > 0 {
                    // That chunk is missing; the commit finds it and asks again.
                    self.in_flight -= 1;
                    return self.pump();
                }
                self.finished = true;
                Vec::new()
            }
            ServerMessage::Error { .. } => {
                // Refused before anything was sent (a bad manifest, busy).
                self.finished = true;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// The byte range of a chunk in its file.
    pub fn range(&self, file: u32, index: u32) -> Option<std::ops::Range<usize>> {
        let size = *self.sizes.get(file as usize)?;
        let start = u64::from(index) * self.chunk_size;
        if start > size || (start == size && size > 0) {
            return None;
        }
        let end = (start + self.chunk_size).min(size);
        Some(start as usize..end as usize)
    }

    fn missing(&self, have: &[FileChunks]) -> VecDeque<(u32, u32)> {
        let mut out = VecDeque::new();
        for (f, &size) in self.sizes.iter().enumerate() {
            let count = size.div_ceil(self.chunk_size).max(1) as u32;
            let ranges = have
                .iter()
                .filter(|h| h.file as usize == f)
                .flat_map(|h| h.ranges.iter());
            let mut present = vec![false; count as usize];
            for [a, b] in ranges {
                for i in *a..(*b).min(count) {
                    present[i as usize] = true;
                }
            }
            out.extend(
                present
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| !**p)
                    .map(|(i, _)| (f as u32, i as u32)),
            );
        }
        out
    }

    fn pump(&mut self) -> Vec<Out> {
        let mut out = Vec::new();
        while self.in_flight < WINDOW {
            let Some((file, index)) = self.queue.pop_front() else {
                break;
            };
            self.in_flight += 1;
            out.push(Out::Chunk { file, index });
        }
        if self.queue.is_empty() && self.in_flight == 0 && !self.committed && !self.waiting {
            self.committed = true;
            out.push(Out::Commit);
        }
        out
    }
}

// ---- the helper's network, in words -------------------------------------------

/// Why an interface was chosen for the TFTP address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// Phones were seen on its subnet.
    Phones,
    /// The helper's DHCP server serves it.
    Dhcp,
    /// It is the only network the helper's computer is on.
    Only,
    /// The first of several.
    First,
}

/// An interface address to give the phones as their TFTP server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// `eth0`.
    pub name: String,
    /// Its address.
    pub address: Ipv4Addr,
    /// Its prefix length.
    pub prefix: u8,
    /// Why this one.
    pub why: Why,
}

impl Choice {
    /// `192.168.10.0/24`.
    pub fn subnet(&self) -> String {
        format!("{}/{}", network(self.address, self.prefix), self.prefix)
    }

    /// Why, in a sentence (after "Filled in from the helper: …").
    pub fn reason(&self) -> String {
        let place = format!(
            "`{}` is this computer's address on {} ({})",
            self.address,
            self.name,
            self.subnet()
        );
        match self.why {
            Why::Phones => format!("{place}, the network the phones were seen on."),
            Why::Dhcp => format!("{place}, where the helper's DHCP server answers the phones."),
            Why::Only => format!("{place}, the only network it is on."),
            Why::First => {
                format!("{place}. It is on several networks: choose the one the phones are on.")
            }
        }
    }
}

fn network(a: Ipv4Addr, prefix: u8) -> Ipv4Addr {
    let mask = u32::MAX
        .checked_shl(32 - u32::from(prefix.min(32)))
        .unwrap_or(0);
    Ipv4Addr::from(u32::from(a) & mask)
}

/// Whether `a` is in the subnet of `net`/`prefix`.
pub fn same_subnet(a: Ipv4Addr, net: Ipv4Addr, prefix: u8) -> bool {
    network(a, prefix) == network(net, prefix)
}

/// Every usable address of the helper's interfaces (not loopback, not
/// link-local), in its order.
pub fn addresses(status: &Status) -> Vec<Choice> {
    status
        .interfaces
        .iter()
        .flat_map(|i| {
            i.addresses.iter().map(|a| Choice {
                name: i.name.clone(),
                address: a.address,
                prefix: a.prefix,
                why: Why::First,
            })
        })
        .filter(|c| !c.address.is_loopback() && !c.address.is_link_local())
        .collect()
}

/// The address to fill in as the TFTP server: on the subnet the phones were seen
/// on, else where the helper's DHCP server runs, else the only (or first
/// private) one. `None` when the helper is on no network but itself.
pub fn choose_interface(status: &Status, phones: &[Ipv4Addr]) -> Option<Choice> {
    let all = addresses(status);
    let pick = |c: &Choice, why| Choice { why, ..c.clone() };
    if let Some(c) = all
        .iter()
        .find(|c| phones.iter().any(|p| same_subnet(*p, c.address, c.prefix)))
    {
        return Some(pick(c, Why::Phones));
    }
    if status.dhcp.listening
        && let Some(c) = status
            .dhcp
            .address
            .as_deref()
            .and_then(|a| all.iter().find(|c| mentions(a, &c.name)))
    {
        return Some(pick(c, Why::Dhcp));
    }
    match all.as_slice() {
        [] => None,
        [only] => Some(pick(only, Why::Only)),
        several => {
            let first = several
                .iter()
                .find(|c| c.address.is_private())
                .unwrap_or(&several[0]);
            Some(pick(first, Why::First))
        }
    }
}

/// Whether `text` names the interface `name` as a word.
fn mentions(text: &str, name: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_'))
        .any(|w| w == name)
}

/// The DHCP server's state, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DhcpView {
    /// `ok`, `muted` or `warning`.
    pub tone: &'static str,
    /// The headline.
    pub title: String,
    /// What it means (names in backticks).
    pub detail: String,
}

/// What cisco-only means, in one paragraph.
pub const CISCO_ONLY: &str = "In `cisco-only` mode the helper answers only devices that say they are Cisco IP phones (DHCP option 60, “Cisco Systems, Inc. IP Phone …”) and stays silent to everything else, so it is safe beside your network's own DHCP server: computers and printers keep getting their addresses from that one, and only the phones get option 150 pointing here.";

/// The helper's DHCP server, in words.
pub fn dhcp_view(dhcp: &Service, interface: Option<&str>) -> DhcpView {
    let mode = dhcp.address.as_deref().unwrap_or_default();
    if dhcp.listening && mode.contains("cisco-only") {
        DhcpView {
            tone: "ok",
            title: format!("The helper gives Cisco phones their address and option 150 ({mode})"),
            detail: format!(
                "{CISCO_ONLY} You need not change your DHCP server; the snippets below are for when you stop the helper's."
            ),
        }
    } else if dhcp.listening && mode.split_whitespace().any(|w| w == "all") {
        DhcpView {
            tone: "warning",
            title: format!("The helper answers every device's DHCP requests ({mode})"),
            detail: "Use this only on a cable straight to a phone, or a switch with nothing else on it: on a shared network it competes with the real DHCP server. On a shared network, restart it with `--dhcp cisco-only` instead.".into(),
        }
    } else if dhcp.listening {
        DhcpView {
            tone: "ok",
            title: format!("The helper's DHCP server is on ({mode})"),
            detail: "Phones that ask it get an address and option 150 pointing here.".into(),
        }
    } else {
        let start = match interface {
            Some(name) => format!("`lifeline serve --dhcp cisco-only --interface {name}`"),
            None => "`lifeline serve --dhcp cisco-only --interface NAME`".to_string(),
        };
        // "off (…)" is the helper's word for not asked to run; anything else is
        // why it could not start.
        let failed = dhcp
            .reason
            .as_deref()
            .filter(|r| !r.is_empty() && !r.starts_with("off"))
            .map(|r| format!("It could not start: {} ", format::sentence(r)))
            .unwrap_or_default();
        DhcpView {
            tone: if failed.is_empty() {
                "muted"
            } else {
                "warning"
            },
            title: "The helper's DHCP server is off".into(),
            detail: format!(
                "{failed}Set option 150 on your DHCP server as shown below, or let the helper do it: start it with {start}. {CISCO_ONLY}"
            ),
        }
    }
}

/// The DHCP server's state in a few words: `off`, `on, Cisco phones only`.
pub fn dhcp_short(dhcp: &Service) -> &'static str {
    let mode = dhcp.address.as_deref().unwrap_or_default();
    match (dhcp.listening, mode) {
        (false, _) => "off",
        (true, m) if m.contains("cisco-only") => "on, for Cisco phones only",
        (true, m) if m.split_whitespace().any(|w| w == "all") => "on, for every device",
        (true, _) => "on",
    }
}

/// Where the helper's TFTP server can be reached: its listening address, with
/// an unspecified host (`0.0.0.0:69`) replaced by `tftp` (the address the
/// phones are told), if given.
pub fn tftp_where(service: &Service, tftp: Option<Ipv4Addr>) -> Option<String> {
    if !service.listening {
        return None;
    }
    let address = service.address.as_deref()?;
    match (address.strip_prefix("0.0.0.0:"), tftp) {
        (Some(port), Some(ip)) => Some(format!("{ip}:{port}")),
        (Some(port), None) => Some(format!("port {port} of every interface")),
        (None, _) => Some(address.to_string()),
    }
}

/// The short text of the helper pill: tone and words.
pub fn pill(helper: &Helper, tftp: Option<Ipv4Addr>) -> (&'static str, String) {
    match &helper.link {
        Link::Unpaired => ("muted", "No helper".to_string()),
        Link::Connecting { attempt: 1 } => ("muted", "Connecting to the helper…".to_string()),
        Link::Connecting { .. } | Link::Retrying { .. } => {
            ("error", "Helper not reachable".to_string())
        }
        Link::Refused(_) => ("error", "Helper refused this page".to_string()),
        Link::Connected => {
            let status = helper.status.as_ref();
            let on = status.and_then(|s| {
                let all = addresses(s);
                tftp.and_then(|t| all.iter().find(|c| c.address == t).cloned())
                    .or_else(|| choose_interface(s, &helper.live.addresses()))
            });
            match on {
                Some(c) => ("ok", format!("Helper on {} ({})", c.address, c.name)),
                None => ("ok", "Helper connected".to_string()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lifeline_shared::bundle::{FORMAT, File, Kind, Settings};
    use lifeline_shared::protocol::{CHUNK_SIZE, CurrentBundle};

    const KEY: BundleKey = BundleKey { ticket: 1, rev: 2 };

    fn at(mono: u64) -> Clock {
        Clock {
            mono,
            local: 1_700_000_000_000 + mono,
        }
    }

    fn manifest(sizes: &[u64]) -> Manifest {
        Manifest {
            format: FORMAT,
            id: "b1".into(),
            source: "seed.zip".into(),
            load: None,
            protocol: None,
            settings: Settings {
                tftp_servers: vec![],
                call_managers: vec![],
                phones: vec![],
            },
            files: sizes
                .iter()
                .enumerate()
                .map(|(i, &size)| File {
                    name: format!("f{i}"),
                    size,
                    sha256: String::new(),
                    kind: Kind::Firmware,
                })
                .collect(),
            aliases: vec![],
        }
    }

    fn ready(have: Vec<FileChunks>, received: u64, total: u64) -> ServerMessage {
        ServerMessage::UploadReady {
            id: "b1".into(),
            chunk_size: CHUNK_SIZE,
            have,
            received,
            total,
        }
    }

    fn progress(received: u64, total: u64) -> ServerMessage {
        ServerMessage::UploadProgress {
            id: "b1".into(),
            received,
            total,
        }
    }

    fn error(code: ErrorCode, file: Option<&str>) -> ServerMessage {
        ServerMessage::Error {
            code,
            message: "it went wrong: do this".into(),
            file: file.map(str::to_string),
        }
    }

    const CS: u64 = CHUNK_SIZE as u64;

    fn chunks(outs: &[Out]) -> Vec<(u32, u32)> {
        outs.iter()
            .filter_map(|o| match o {
                Out::Chunk { file, index } => Some((*file, *index)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_token_comes_out_of_the_fragment_and_the_settings_stay() {
        assert_eq!(
            split_token("#token=00ff"),
            (Some("00ff".into()), String::new())
        );
        assert_eq!(
            split_token("#token=ab12&s=1&t=10.0.0.1&k=01234567"),
            (Some("ab12".into()), "s=1&t=10.0.0.1&k=01234567".into())
        );
        assert_eq!(
            split_token("#s=1&t=10.0.0.1&k=01234567&token=ab"),
            (Some("ab".into()), "s=1&t=10.0.0.1&k=01234567".into())
        );
        assert_eq!(split_token("#s=1&k=1"), (None, "s=1&k=1".into()));
        assert_eq!(split_token(""), (None, String::new()));
        // Not a token the helper makes: dropped, not used.
        assert_eq!(split_token("#token=<script>"), (None, String::new()));
        assert_eq!(split_token("#token="), (None, String::new()));
        assert!(!valid_token(&"a".repeat(129)));
    }

    #[test]
    fn the_socket_is_on_the_pages_own_host() {
        assert_eq!(
            socket_url("http:", "127.0.0.1:7961", "ab"),
            "ws://127.0.0.1:7961/ws?token=ab"
        );
        assert_eq!(socket_url("https:", "h", "ab"), "wss://h/ws?token=ab");
    }

    #[test]
    fn backoff_doubles_to_a_ceiling() {
        let waits: Vec<u64> = (2..=8).map(backoff_ms).collect();
        assert_eq!(waits, [1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
        assert_eq!(backoff_ms(1), 1000);
        assert_eq!(backoff_ms(u32::MAX), MAX_BACKOFF_MS);
    }

    #[test]
    fn an_upload_sends_a_window_then_commits() {
        let m = manifest(&[3 * CS, 10, 0]);
        let mut u = Uploader::new(&m);
        assert_eq!(u.on_connected(), [Out::Begin]);
        let outs = u.on_message(&ready(vec![], 0, 3 * CS + 10));
        assert_eq!(chunks(&outs), [(0, 0), (0, 1), (0, 2), (1, 0), (2, 0)]);
        assert!(!outs.contains(&Out::Commit));
        for i in 0..4 {
            assert!(u.on_message(&progress(i, 1)).is_empty(), "{i}");
        }
        assert_eq!(u.on_message(&progress(5, 5)), [Out::Commit]);
        // Stray progress after the commit sends nothing more.
        assert!(u.on_message(&progress(5, 5)).is_empty());
        assert_eq!(u.range(0, 2), Some(2 * CS as usize..3 * CS as usize));
        assert_eq!(u.range(1, 0), Some(0..10));
        assert_eq!(
            u.range(2, 0),
            Some(0..0),
            "an empty file is one empty chunk"
        );
        assert_eq!(u.range(0, 3), None);
        assert_eq!(u.range(9, 0), None);
        u.on_message(&ServerMessage::UploadSwitched {
            id: "b1".into(),
            files: 3,
            bytes: 1,
        });
        assert!(u.finished);
        assert!(u.on_connected().is_empty());
    }

    #[test]
    fn never_more_than_the_window_is_in_flight() {
        let m = manifest(&[20 * CS]);
        let mut u = Uploader::new(&m);
        u.on_connected();
        let first = u.on_message(&ready(vec![], 0, 20 * CS));
        assert_eq!(first.len(), WINDOW);
        let next = u.on_message(&progress(CS, 20 * CS));
        assert_eq!(chunks(&next), [(0, WINDOW as u32)]);
    }

    #[test]
    fn a_resume_sends_only_what_the_helper_lacks() {
        let m = manifest(&[4 * CS, CS]);
        let mut u = Uploader::new(&m);
        u.on_connected();
        u.on_message(&ready(vec![], 0, 5 * CS));
        // The connection drops; after it is back the helper has some chunks.
        assert_eq!(u.on_connected(), [Out::Begin]);
        let have = vec![
            FileChunks {
                file: 0,
                ranges: vec![[0, 2], [3, 4]],
            },
            FileChunks {
                file: 1,
                ranges: vec![[0, 99]],
            },
        ];
        let outs = u.on_message(&ready(have, 4 * CS, 5 * CS));
        assert_eq!(chunks(&outs), [(0, 2)]);
        assert_eq!(u.on_message(&progress(5 * CS, 5 * CS)), [Out::Commit]);
        // Everything there already: commit at once.
        let mut u = Uploader::new(&m);
        u.on_connected();
        let all = vec![
            FileChunks {
                file: 0,
                ranges: vec![[0, 4]],
            },
            FileChunks {
                file: 1,
                ranges: vec![[0, 1]],
            },
        ];
        assert_eq!(u.on_message(&ready(all, 5 * CS, 5 * CS)), [Out::Commit]);
    }

    #[test]
    fn a_refused_commit_resends_then_gives_up() {
        let m = manifest(&[CS]);
        let mut u = Uploader::new(&m);
        u.on_connected();
        u.on_message(&ready(vec![], 0, CS));
        for round in 1..=MAX_COMMITS {
            assert_eq!(u.on_message(&progress(CS, CS)), [Out::Commit], "{round}");
            assert!(
                u.on_message(&error(ErrorCode::HashMismatch, Some("f0")))
                    .is_empty()
            );
            if round < MAX_COMMITS {
                assert!(!u.finished);
                let outs = u.on_message(&ready(vec![], 0, CS));
                assert_eq!(chunks(&outs), [(0, 0)]);
            }
        }
        assert!(u.finished);
        assert!(u.on_message(&ready(vec![], 0, CS)).is_empty());
    }

    #[test]
    fn a_damaged_chunk_counts_as_answered_and_a_refusal_stops() {
        let m = manifest(&[2 * CS]);
        let mut u = Uploader::new(&m);
        u.on_connected();
        u.on_message(&ready(vec![], 0, 2 * CS));
        assert!(
            u.on_message(&error(ErrorCode::BadChunk, Some("f0")))
                .is_empty()
        );
        assert_eq!(u.on_message(&progress(CS, 2 * CS)), [Out::Commit]);
        // The helper then finds the gap and asks again.
        u.on_message(&error(ErrorCode::Incomplete, Some("f0")));
        let outs = u.on_message(&ready(
            vec![FileChunks {
                file: 0,
                ranges: vec![[1, 2]],
            }],
            CS,
            2 * CS,
        ));
        assert_eq!(chunks(&outs), [(0, 0)]);
        // Disk full: stop.
        u.on_message(&error(ErrorCode::Storage, None));
        assert!(u.finished);
        // Refused before any chunk (another upload runs): stop too.
        let mut u = Uploader::new(&m);
        u.on_connected();
        u.on_message(&error(ErrorCode::OutOfOrder, None));
        assert!(u.finished);
        // Messages about another bundle change nothing.
        let mut u = Uploader::new(&m);
        u.on_connected();
        let other = ServerMessage::UploadReady {
            id: "other".into(),
            chunk_size: CHUNK_SIZE,
            have: vec![],
            received: 0,
            total: 1,
        };
        assert!(u.on_message(&other).is_empty());
    }

    fn helper_starting() -> Helper {
        Helper {
            link: Link::Connected,
            send: Send::Starting {
                key: KEY,
                id: "b1".into(),
            },
            ..Helper::default()
        }
    }

    #[test]
    fn progress_never_goes_backwards_and_knows_its_rate() {
        let mut h = helper_starting();
        assert!(h.on_upload(&ready(vec![], 0, 10_000_000), at(0)));
        let Send::Sending(p) = &h.send else { panic!() };
        assert_eq!((p.received, p.shown, p.resumed), (0, 0, None));
        assert_eq!(p.rate(), None, "no rate before anything arrived");
        h.on_upload(&progress(2_000_000, 10_000_000), at(1000));
        let Send::Sending(p) = &h.send else { panic!() };
        assert_eq!(p.rate(), Some(2_000_000));
        assert_eq!(p.secs_left(), Some(4));
        assert_eq!(p.percent(), 20);
        // The helper asks for a file again (its hash did not match): the bar
        // holds until the bytes catch up.
        h.on_upload(&progress(6_000_000, 10_000_000), at(3000));
        h.on_upload(&error(ErrorCode::HashMismatch, Some("apps.sbn")), at(3100));
        h.on_upload(&ready(vec![], 4_000_000, 10_000_000), at(3200));
        let Send::Sending(p) = &h.send else { panic!() };
        assert_eq!((p.received, p.shown), (4_000_000, 6_000_000));
        assert_eq!(
            p.again.as_ref().map(|a| a.title.as_str()),
            Some("`apps.sbn` arrived damaged")
        );
        assert_eq!(p.commits, 1);
        h.on_upload(&progress(5_000_000, 10_000_000), at(3700));
        let Send::Sending(p) = &h.send else { panic!() };
        assert_eq!(p.shown, 6_000_000);
        assert_eq!(p.rate(), Some(2_000_000), "the rate of this stretch");
        h.on_upload(&progress(10_000_000, 10_000_000), at(6000));
        assert!(h.on_upload(
            &ServerMessage::UploadVerifying { id: "b1".into() },
            at(6001)
        ));
        let Send::Verifying(p) = &h.send else {
            panic!()
        };
        assert_eq!(p.percent(), 100);
        assert!(h.on_upload(
            &ServerMessage::UploadSwitched {
                id: "b1".into(),
                files: 11,
                bytes: 10_000_000
            },
            at(6500)
        ));
        assert_eq!(
            h.send,
            Send::Switched {
                key: KEY,
                id: "b1".into(),
                files: 11,
                bytes: 10_000_000
            }
        );
    }

    #[test]
    fn an_interrupted_upload_resumes_where_it_stopped() {
        let mut h = helper_starting();
        h.on_upload(&ready(vec![], 0, 100), at(0));
        h.on_upload(&progress(60, 100), at(10));
        let Send::Sending(p) = h.send.clone() else {
            panic!()
        };
        h.send = Send::Interrupted(p);
        assert!(h.on_upload(&ready(vec![], 60, 100), at(5000)));
        let Send::Sending(p) = &h.send else { panic!() };
        assert_eq!((p.resumed, p.shown, p.base_at), (Some(60), 60, 5000));
        // A send that finds everything there already says so too.
        let mut h = helper_starting();
        h.on_upload(&ready(vec![], 100, 100), at(0));
        let Send::Sending(p) = &h.send else { panic!() };
        assert_eq!(p.resumed, Some(100));
    }

    #[test]
    fn refusals_are_named_with_the_file_and_the_fix() {
        let mut h = helper_starting();
        h.on_upload(&ready(vec![], 0, 100), at(0));
        assert!(h.on_upload(&error(ErrorCode::Storage, None), at(1)));
        let Send::Failed { problem, .. } = &h.send else {
            panic!("{:?}", h.send)
        };
        assert_eq!(problem.title, "The helper could not store the bundle");
        assert_eq!(problem.message, "It went wrong: do this.");
        assert!(problem.fix.contains("Free some space"));
        // Before any chunk: a refused manifest, naming the file.
        let mut h = helper_starting();
        h.on_upload(&error(ErrorCode::BadManifest, Some("a b")), at(0));
        let Send::Failed { problem, .. } = &h.send else {
            panic!()
        };
        assert_eq!(problem.title, "`a b` was refused by the helper");
        assert_eq!(problem.file.as_deref(), Some("a b"));
        // Repeated damage gives up.
        let mut h = helper_starting();
        h.on_upload(&ready(vec![], 0, 100), at(0));
        for _ in 0..MAX_COMMITS {
            h.on_upload(&error(ErrorCode::HashMismatch, Some("f")), at(1));
            h.on_upload(&ready(vec![], 0, 100), at(2));
        }
        let Send::Failed { problem, .. } = &h.send else {
            panic!("{:?}", h.send)
        };
        assert_eq!(problem.title, "`f` kept arriving damaged");
        // Every code has a title and a fix.
        for code in [
            ErrorCode::VersionMismatch,
            ErrorCode::BadMessage,
            ErrorCode::OutOfOrder,
            ErrorCode::BadManifest,
            ErrorCode::BadChunk,
            ErrorCode::HashMismatch,
            ErrorCode::Incomplete,
            ErrorCode::Storage,
        ] {
            let p = SendProblem::from_error(code, "m", None);
            assert!(!p.title.is_empty() && !p.fix.is_empty(), "{code:?}");
        }
        // Messages for other bundles, or with nothing under way, change nothing.
        let mut h = Helper::default();
        assert!(!h.on_upload(&progress(1, 2), at(0)));
        assert!(!h.on_upload(&error(ErrorCode::Storage, None), at(0)));
        let mut h = helper_starting();
        assert!(!h.on_upload(&ServerMessage::UploadVerifying { id: "b1".into() }, at(0)));
        assert!(!h.on_upload(
            &ServerMessage::UploadProgress {
                id: "zz".into(),
                received: 1,
                total: 1
            },
            at(0)
        ));
    }

    fn status(interfaces: &[(&str, [u8; 4], u8)]) -> Status {
        crate::wire::tests::status_with(
            interfaces,
            Some(CurrentBundle {
                id: "b1".into(),
                source: "s".into(),
                load: None,
                files: 1,
                bytes: 1,
            }),
        )
    }

    #[test]
    fn the_interface_is_chosen_by_the_phones_subnet_first() {
        let s = status(&[
            ("lo", [127, 0, 0, 1], 8),
            ("wlan0", [192, 0, 2, 2], 24),
            ("eth0", [192, 168, 10, 105], 24),
            ("eth1", [10, 1, 1, 1], 16),
        ]);
        let c = choose_interface(&s, &[Ipv4Addr::new(10, 1, 200, 7)]).unwrap();
        assert_eq!((c.name.as_str(), c.why), ("eth1", Why::Phones));
        assert_eq!(c.subnet(), "10.1.0.0/16");
        assert!(c.reason().contains("the network the phones were seen on"));
        // No phones yet: the first private one, and the person is told to check.
        let c = choose_interface(&s, &[]).unwrap();
        assert_eq!((c.name.as_str(), c.why), ("eth0", Why::First));
        assert!(c.reason().contains("several networks"), "{}", c.reason());
        // The DHCP server's interface.
        let mut d = s.clone();
        d.dhcp = Service {
            listening: true,
            address: Some("cisco-only on eth1 (10.1.1.1/16)".into()),
            reason: None,
        };
        assert_eq!(choose_interface(&d, &[]).unwrap().why, Why::Dhcp);
        // One network: that one.
        let one = status(&[("lo", [127, 0, 0, 1], 8), ("eth0", [192, 0, 2, 2], 24)]);
        let c = choose_interface(&one, &[]).unwrap();
        assert_eq!((c.address, c.why), (Ipv4Addr::new(192, 0, 2, 2), Why::Only));
        assert_eq!(
            c.reason(),
            "`192.0.2.2` is this computer's address on eth0 (192.0.2.0/24), the only network it is on."
        );
        // Loopback and link-local only: nothing to offer the phones.
        let none = status(&[("lo", [127, 0, 0, 1], 8), ("eth9", [169, 254, 1, 2], 16)]);
        assert_eq!(choose_interface(&none, &[]), None);
        assert!(same_subnet(
            Ipv4Addr::new(10, 0, 0, 1),
            Ipv4Addr::new(10, 0, 0, 200),
            24
        ));
        assert!(same_subnet(
            Ipv4Addr::new(1, 2, 3, 4),
            Ipv4Addr::new(9, 9, 9, 9),
            0
        ));
    }

    #[test]
    fn dhcp_modes_are_explained() {
        let off = dhcp_view(
            &Service {
                listening: false,
                address: None,
                reason: Some("off (start it with --dhcp cisco-only)".into()),
            },
            Some("eth0"),
        );
        assert_eq!(off.title, "The helper's DHCP server is off");
        assert!(off.detail.contains("--interface eth0"), "{}", off.detail);
        assert!(
            off.detail
                .contains("only devices that say they are Cisco IP phones")
        );
        assert_eq!(off.tone, "muted");
        assert!(off.detail.starts_with("Set option 150 on your DHCP server"));
        let failed = dhcp_view(
            &Service {
                listening: false,
                address: None,
                reason: Some("another DHCP server answers on eth0".into()),
            },
            None,
        );
        assert_eq!(failed.tone, "warning");
        assert!(
            failed
                .detail
                .starts_with("It could not start: Another DHCP server answers on eth0. Set"),
            "{}",
            failed.detail
        );
        let on = dhcp_view(
            &Service {
                listening: true,
                address: Some("cisco-only on eth0".into()),
                reason: None,
            },
            None,
        );
        assert_eq!(on.tone, "ok");
        assert!(on.detail.contains("need not change your DHCP server"));
        let all_service = Service {
            listening: true,
            address: Some("all on eth0".into()),
            reason: None,
        };
        let all = dhcp_view(&all_service, None);
        assert_eq!(all.tone, "warning");
        assert_eq!(dhcp_short(&all_service), "on, for every device");
        assert_eq!(
            dhcp_short(&Service {
                listening: true,
                address: Some("cisco-only on eth0".into()),
                reason: None
            }),
            "on, for Cisco phones only"
        );
        assert_eq!(
            dhcp_short(&Service {
                listening: false,
                address: None,
                reason: None
            }),
            "off"
        );
    }

    #[test]
    fn the_tftp_address_is_where_phones_reach_it() {
        let s = |listening, a: &str| Service {
            listening,
            address: Some(a.into()),
            reason: None,
        };
        let ip = Some(Ipv4Addr::new(192, 168, 10, 105));
        assert_eq!(
            tftp_where(&s(true, "0.0.0.0:69"), ip).as_deref(),
            Some("192.168.10.105:69")
        );
        assert_eq!(
            tftp_where(&s(true, "0.0.0.0:69"), None).as_deref(),
            Some("port 69 of every interface")
        );
        assert_eq!(
            tftp_where(&s(true, "127.0.0.1:4000"), ip).as_deref(),
            Some("127.0.0.1:4000")
        );
        assert_eq!(tftp_where(&s(false, "0.0.0.0:69"), ip), None);
    }

    #[test]
    fn the_pill_says_where_the_helper_is() {
        let mut h = Helper::default();
        assert_eq!(pill(&h, None), ("muted", "No helper".into()));
        h.link = Link::Connecting { attempt: 1 };
        assert_eq!(pill(&h, None).1, "Connecting to the helper…");
        h.link = Link::Retrying {
            attempt: 3,
            retry_in_ms: 4000,
            lost_at: None,
        };
        assert_eq!(pill(&h, None), ("error", "Helper not reachable".into()));
        h.link = Link::Connected;
        assert_eq!(pill(&h, None).1, "Helper connected");
        h.status = Some(status(&[
            ("eth0", [192, 168, 10, 105], 24),
            ("eth1", [10, 0, 0, 1], 8),
        ]));
        assert_eq!(pill(&h, None).1, "Helper on 192.168.10.105 (eth0)");
        assert_eq!(
            pill(&h, Some(Ipv4Addr::new(10, 0, 0, 1))).1,
            "Helper on 10.0.0.1 (eth1)"
        );
        assert!(h.serves("b1") && !h.serves("b2"));
    }
}
