//! The browser ↔ helper protocol, spoken over the websocket at `/ws`.
//!
//! Text frames carry one JSON message each ([`ClientMessage`] from the browser,
//! [`ServerMessage`] from the helper), tagged by `type`. Binary frames carry
//! bundle chunks ([`Chunk`]): a 12-byte header (file index, chunk index, CRC-32 of
//! the data, all big-endian `u32`) and up to [`CHUNK_SIZE`] bytes.
//!
//! A session:
//! 1. Both sides say [`ClientMessage::Hello`] / [`ServerMessage::Hello`] with
//!    [`VERSION`]; a mismatch is an [`ErrorCode::VersionMismatch`] error on both
//!    sides. The helper then sends its [`Status`] and the phones it knows.
//! 2. Upload: `upload-begin` with the bundle manifest; the helper answers
//!    `upload-ready` with the chunks it already has (a dropped connection
//!    resumes there); the browser sends the missing chunks; the helper
//!    acknowledges with `upload-progress`; `upload-commit` makes the helper
//!    verify every SHA-256, fsync, and switch atomically: `upload-switched`.
//! 3. Events and phone summaries are pushed as they happen; `retry-phones`
//!    starts stuck or failed phones over (the page's "Retry failed");
//!    `simulate-phones` boots the bundle's phones as simulations against the
//!    helper's own TFTP server, each verdict an event.
//!
//! # Layout
//!
//! - this module: the messages (serde, for the helper) and the chunk frames.
//! - [`json`]: JSON text without serde, a bounded reader and a writer.
//! - [`wire`]: the messages as the browser reads and writes them, with
//!   [`json`]; held to serde_json by tests.

use crate::bundle::Manifest;
use crate::events::{Event, PhoneSummary};
use crate::models::FamilyId;
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;
use thiserror::Error;

pub mod json;
pub mod wire;

/// The protocol version; both sides must agree. 2 added `retry-phones` (a
/// page of version 1 left open across a helper update is asked to reload);
/// 3 added `simulate-phones`.
pub const VERSION: u32 = 4;
/// Bytes of data in a full chunk.
pub const CHUNK_SIZE: u32 = 256 * 1024;
/// Bytes before a chunk's data.
pub const CHUNK_HEADER: usize = 12;
/// The largest text message either side accepts.
pub const MAX_TEXT: usize = 1 << 20;
/// The largest binary message either side accepts.
pub const MAX_BINARY: usize = CHUNK_HEADER + CHUNK_SIZE as usize;

/// A message from the browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ClientMessage {
    /// The first message.
    Hello {
        /// [`VERSION`] as the browser knows it.
        version: u32,
        /// Who is speaking (`lifeline-web 0.1.0`).
        client: String,
    },
    /// Start (or resume) uploading a bundle.
    UploadBegin {
        /// The bundle's manifest: files, sizes and hashes.
        manifest: Manifest,
    },
    /// Every chunk was sent: verify and switch.
    UploadCommit {
        /// The bundle id from the manifest.
        id: String,
    },
    /// Give up this upload and discard what was received.
    UploadCancel {
        /// The bundle id.
        id: String,
    },
    /// Ask for a fresh [`Status`].
    Status,
    /// "Retry failed": start these phones (summary ids) over, each one that
    /// is stuck or failed (see [`crate::tracker::Tracker::retry`]). The
    /// helper answers with a [`ServerMessage::Phone`] for each one it
    /// started over, and ignores the others.
    RetryPhones {
        /// The phones' ids (`SEP…` or an address).
        phones: Vec<String>,
    },
    /// "Try with simulated phones": boot the served bundle's phones (at most
    /// a few) as simulations against the helper's own TFTP server, each
    /// registering its first SIP line. The helper answers with
    /// [`Event::SimulationStarted`],
    /// a verdict event per phone and one at the end; or, when it cannot
    /// (no bundle, TFTP not running, a run already going), an
    /// [`ErrorCode::Simulation`] error saying why.
    SimulatePhones,
    /// The person says which load one phone runs (its *Settings → Status →
    /// Firmware Versions*), so the upgrade plan can walk it: `8.0(4)` or a
    /// load name; `None` forgets it. The helper answers with a
    /// [`ServerMessage::Phone`] for the phone, or an
    /// [`ErrorCode::BadStart`] error saying what it could not read.
    PhoneStart {
        /// The phone: its MAC (`001122AABBCC`) or its address.
        phone: String,
        /// What it runs.
        start: Option<String>,
    },
}

/// What went wrong, for scripts and the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The two sides speak different protocol versions.
    VersionMismatch,
    /// A message that is not valid JSON or not a known message.
    BadMessage,
    /// A message that is not allowed now (an upload message before `hello`, …).
    OutOfOrder,
    /// The bundle manifest is not acceptable (unsafe names, too large, …).
    BadManifest,
    /// A chunk whose CRC does not match its data, or that does not fit its file.
    BadChunk,
    /// A file whose SHA-256 or size does not match the manifest.
    HashMismatch,
    /// Chunks are missing at commit.
    Incomplete,
    /// The helper could not write (disk full, permissions).
    Storage,
    /// A simulation could not start (no bundle, TFTP not running, a run
    /// already going); the message says which.
    Simulation,
    /// A phone's start that cannot be read, or no upgrade plan is served.
    BadStart,
}

/// A message from the helper.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ServerMessage {
    /// The first message.
    Hello {
        /// [`VERSION`] as the helper knows it.
        version: u32,
        /// `lifeline 0.1.0`.
        helper: String,
    },
    /// Something the browser sent was refused.
    Error {
        /// What kind of error.
        code: ErrorCode,
        /// In plain words, with what to do.
        message: String,
        /// The bundle file concerned, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file: Option<String>,
    },
    /// The helper's state.
    Status(Status),
    /// The helper is ready for chunks; it already has `have`.
    UploadReady {
        /// The bundle id.
        id: String,
        /// Data bytes per chunk.
        chunk_size: u32,
        /// Chunks already received, per file (index into the manifest's files).
        have: Vec<FileChunks>,
        /// Bytes already received.
        received: u64,
        /// Bytes in all.
        total: u64,
    },
    /// Chunks were written.
    UploadProgress {
        /// The bundle id.
        id: String,
        /// Bytes received and written so far.
        received: u64,
        /// Bytes in all.
        total: u64,
    },
    /// Every file is being hashed and flushed to disk.
    UploadVerifying {
        /// The bundle id.
        id: String,
    },
    /// The bundle is verified and is now the one served.
    UploadSwitched {
        /// The bundle id.
        id: String,
        /// Files in it.
        files: usize,
        /// Bytes in it.
        bytes: u64,
    },
    /// Something happened on the network (TFTP, DHCP).
    Event(Event),
    /// One phone's summary changed.
    Phone(PhoneSummary),
    /// Every phone the helper knows (sent after `hello`).
    Phones {
        /// The phones.
        phones: Vec<PhoneSummary>,
    },
}

/// Which chunks of one file are present, as inclusive-exclusive index ranges.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileChunks {
    /// Index of the file in the manifest's `files`.
    pub file: u32,
    /// `[start, end)` chunk ranges.
    pub ranges: Vec<[u32; 2]>,
}

/// The helper's state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// `lifeline 0.1.0`.
    pub helper: String,
    /// The host's network interfaces with IPv4 addresses.
    pub interfaces: Vec<Interface>,
    /// The TFTP server.
    pub tftp: Service,
    /// The DHCP server.
    pub dhcp: Service,
    /// HTTP provisioning (TCP 6970, which 78xx/88xx ask first). Absent from
    /// a helper that has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provision: Option<Service>,
    /// The bundle being served.
    pub bundle: Option<CurrentBundle>,
}

/// A network interface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interface {
    /// `eth0`.
    pub name: String,
    /// Its IPv4 addresses with prefix lengths.
    pub addresses: Vec<InterfaceAddress>,
}

/// An IPv4 address on an interface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterfaceAddress {
    /// The address.
    pub address: Ipv4Addr,
    /// The prefix length (24 for a /24).
    pub prefix: u8,
}

/// Whether a server runs, where, or why not.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// Whether it listens.
    pub listening: bool,
    /// Where it listens (`0.0.0.0:69`), or the mode (`cisco-only`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Why it is not listening, in plain words with the fix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Listening, off by choice, or failed. Absent from helpers older than
    /// this field (see [`Service::effective_state`]); a page older than it
    /// ignores it and reads `listening` and `reason` as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ServiceState>,
}

/// Where a server stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ServiceState {
    /// It listens.
    Listening,
    /// It was not asked to run (the reason says how to start it).
    Off,
    /// It was asked to run and could not start, or stopped on an error (the
    /// reason says why and what to do).
    Failed,
    /// A state a newer helper knows.
    #[serde(other)]
    Unknown,
}

impl Service {
    /// A server listening at `address` (or in that mode).
    pub fn listening(address: Option<String>) -> Self {
        Service {
            listening: true,
            address,
            reason: None,
            state: Some(ServiceState::Listening),
        }
    }

    /// A server not asked to run; `reason` says how to start it.
    pub fn off(reason: impl Into<String>) -> Self {
        Service {
            reason: Some(reason.into()),
            state: Some(ServiceState::Off),
            ..Service::default()
        }
    }

    /// A server that was asked to run and could not; `reason` says why.
    pub fn failed(reason: impl Into<String>) -> Self {
        Service {
            reason: Some(reason.into()),
            state: Some(ServiceState::Failed),
            ..Service::default()
        }
    }

    /// The state as said, or for a helper that did not say it, as its
    /// `listening` and reason told: a reason starting with "off" was its word
    /// for not asked to run, any other reason why it could not start.
    pub fn effective_state(&self) -> ServiceState {
        match self.state {
            Some(state) if state != ServiceState::Unknown => state,
            _ if self.listening => ServiceState::Listening,
            _ => match self.reason.as_deref() {
                Some(r) if !r.is_empty() && !r.starts_with("off") => ServiceState::Failed,
                _ => ServiceState::Off,
            },
        }
    }
}

/// The bundle being served.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentBundle {
    /// Its id.
    pub id: String,
    /// The firmware archive it came from.
    pub source: String,
    /// Its load.
    pub load: Option<String>,
    /// Files.
    pub files: usize,
    /// Bytes.
    pub bytes: u64,
    /// The phone family its load is for, so a page without the firmware can
    /// still show how to reset those phones and watch them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<FamilyId>,
    /// The models whose phones it can recover (see [`Manifest::models`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<String>,
}

impl CurrentBundle {
    /// What the browser is told about a bundle with manifest `m`.
    pub fn of(m: &Manifest) -> CurrentBundle {
        CurrentBundle {
            id: m.id.clone(),
            source: m.source.clone(),
            load: m.load.clone(),
            files: m.files.len(),
            bytes: m.files.iter().map(|f| f.size).sum(),
            family: m.family(),
            models: m.models().into_iter().map(str::to_string).collect(),
        }
    }
}

/// A binary chunk frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk<'a> {
    /// Index of the file in the manifest.
    pub file: u32,
    /// Index of the chunk in the file.
    pub index: u32,
    /// The data.
    pub data: &'a [u8],
}

/// Why a binary frame is not a chunk.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ChunkError {
    /// Shorter than the header.
    #[error("a chunk frame of {0} bytes is shorter than its 12-byte header")]
    Short(usize),
    /// More data than a chunk holds.
    #[error("a chunk of {0} bytes is larger than {CHUNK_SIZE}")]
    TooLarge(usize),
    /// The CRC does not match: the data was damaged in flight.
    #[error("chunk {index} of file {file} was damaged in flight (CRC-32 mismatch)")]
    BadCrc {
        /// File index.
        file: u32,
        /// Chunk index.
        index: u32,
    },
}

impl<'a> Chunk<'a> {
    /// The frame for `data` as chunk `index` of file `file`.
    pub fn encode(file: u32, index: u32, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(CHUNK_HEADER + data.len());
        out.extend(file.to_be_bytes());
        out.extend(index.to_be_bytes());
        out.extend(crate::crc32::hash(data).to_be_bytes());
        out.extend_from_slice(data);
        out
    }

    /// Reads a frame, checking its CRC.
    pub fn decode(frame: &'a [u8]) -> Result<Chunk<'a>, ChunkError> {
        if frame.len() < CHUNK_HEADER {
            return Err(ChunkError::Short(frame.len()));
        }
        let data = &frame[CHUNK_HEADER..];
        if data.len() > CHUNK_SIZE as usize {
            return Err(ChunkError::TooLarge(data.len()));
        }
        let word =
            |i: usize| u32::from_be_bytes([frame[i], frame[i + 1], frame[i + 2], frame[i + 3]]);
        let (file, index, crc) = (word(0), word(4), word(8));
        if crate::crc32::hash(data) != crc {
            return Err(ChunkError::BadCrc { file, index });
        }
        Ok(Chunk { file, index, data })
    }
}

/// How many chunks a file of `size` bytes has (at least one, for empty files).
pub fn chunk_count(size: u64) -> u32 {
    (size.div_ceil(u64::from(CHUNK_SIZE))).max(1) as u32
}

/// Compresses a sorted list of chunk indices into `[start, end)` ranges.
pub fn ranges(indices: impl IntoIterator<Item = u32>) -> Vec<[u32; 2]> {
    let mut out: Vec<[u32; 2]> = Vec::new();
    for i in indices {
        match out.last_mut() {
            Some(r) if r[1] == i => r[1] = i + 1,
            _ => out.push([i, i + 1]),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_round_trip_and_catch_damage() {
        let frame = Chunk::encode(3, 7, b"hello");
        let c = Chunk::decode(&frame).unwrap();
        assert_eq!((c.file, c.index, c.data), (3, 7, &b"hello"[..]));
        let mut bad = frame.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert_eq!(
            Chunk::decode(&bad).unwrap_err(),
            ChunkError::BadCrc { file: 3, index: 7 }
        );
        assert!(matches!(
            Chunk::decode(&frame[..5]),
            Err(ChunkError::Short(5))
        ));
    }

    #[test]
    fn counts_and_ranges() {
        assert_eq!(chunk_count(0), 1);
        assert_eq!(chunk_count(1), 1);
        assert_eq!(chunk_count(u64::from(CHUNK_SIZE)), 1);
        assert_eq!(chunk_count(u64::from(CHUNK_SIZE) + 1), 2);
        assert_eq!(ranges([0, 1, 2, 5, 6, 9]), [[0, 3], [5, 7], [9, 10]]);
        assert!(ranges([]).is_empty());
    }

    #[test]
    fn messages_are_tagged_json() {
        let m = ClientMessage::Hello {
            version: VERSION,
            client: "t".into(),
        };
        let j = serde_json::to_string(&m).unwrap();
        assert_eq!(j, r#"{"type":"hello","version":4,"client":"t"}"#);
        assert_eq!(serde_json::from_str::<ClientMessage>(&j).unwrap(), m);
        let m = ClientMessage::RetryPhones {
            phones: vec!["SEP001122AABBCC".into(), "10.0.0.5".into()],
        };
        let j = serde_json::to_string(&m).unwrap();
        assert_eq!(
            j,
            r#"{"type":"retry-phones","phones":["SEP001122AABBCC","10.0.0.5"]}"#
        );
        assert_eq!(serde_json::from_str::<ClientMessage>(&j).unwrap(), m);
        let j = serde_json::to_string(&ClientMessage::SimulatePhones).unwrap();
        assert_eq!(j, r#"{"type":"simulate-phones"}"#);
        assert_eq!(
            serde_json::from_str::<ClientMessage>(&j).unwrap(),
            ClientMessage::SimulatePhones
        );
        let s = ServerMessage::Error {
            code: ErrorCode::HashMismatch,
            message: "m".into(),
            file: Some("f".into()),
        };
        let j = serde_json::to_string(&s).unwrap();
        assert!(j.contains(r#""code":"hash-mismatch""#), "{j}");
        assert_eq!(serde_json::from_str::<ServerMessage>(&j).unwrap(), s);
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"nope"}"#).is_err());
    }
}
