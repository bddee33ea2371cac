//! The websocket's text frames without serde_json: [`server_message`] reads
//! the helper's messages into the shared types; [`hello`], [`upload_begin`],
//! … write the page's. The browser uses these; the helper uses serde, and the
//! tests hold both directions to serde_json.
//!
//! Invariants:
//! - Every missing or mistyped field is a [`WireError`], never a default that
//!   could show something that was not said.
//! - Unknown message types, events, diagnoses and DHCP steps are reported as
//!   such ([`WireError::Unknown`], [`Event::Unknown`], …) so a newer helper does
//!   not break an older page. [`Event::ConfigServed`] is the tracker's own,
//!   never sent to a page (its words come on the card), so it is not read.
//! - Numbers are read as integers; the two float fields of a finished transfer
//!   (seconds, bytes per second) are read to the microsecond.

use std::net::{Ipv4Addr, SocketAddr};

use super::json::{Json, WireError, Writer};
use super::{
    CurrentBundle, ErrorCode, FileChunks, Interface, InterfaceAddress, ServerMessage, Service,
    ServiceState, Status, VERSION,
};
use crate::bundle::Manifest;
use crate::events::{
    Announced, DhcpEvent, DhcpStep, Diagnosis, Event, FileState, LoopCause, NamedLoad,
    NeighbourHeard, OptionPair, Outcome, PhoneFile, PhoneState, PhoneSummary, Registration,
    Resolution, ShedReason, Simulated, SimulatedOutcome, SimulatedPhone, SimulationFinished,
    SimulationStarted, SimulationVerdict, Stats, Switched, TftpEnd, TftpProgress, TftpRefused,
    TftpRequest, TftpShed, Transport,
};
use crate::manifest_json;
use crate::models::FamilyId;
use crate::plan::walk::{StepLog, WalkState, WalkStatus};

type Result<T> = std::result::Result<T, WireError>;

// ---- reading the helper's messages ---------------------------------------------

fn field<'a>(v: &'a Json, name: &'static str) -> Result<&'a Json> {
    v.get(name).ok_or(WireError::Field(name))
}

fn text(v: &Json, name: &'static str) -> Result<String> {
    field(v, name)?
        .as_str()
        .map(str::to_string)
        .ok_or(WireError::Field(name))
}

/// A string that may be missing or `null`.
fn opt_text(v: &Json, name: &'static str) -> Result<Option<String>> {
    match v.get(name) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Str(s)) => Ok(Some(s.clone())),
        Some(_) => Err(WireError::Field(name)),
    }
}

fn int(v: &Json, name: &'static str) -> Result<u64> {
    field(v, name)?.as_u64().ok_or(WireError::Field(name))
}

fn opt_int(v: &Json, name: &'static str) -> Result<Option<u64>> {
    match v.get(name) {
        None | Some(Json::Null) => Ok(None),
        Some(n) => n.as_u64().map(Some).ok_or(WireError::Field(name)),
    }
}

fn small<T: TryFrom<u64>>(v: &Json, name: &'static str) -> Result<T> {
    T::try_from(int(v, name)?).map_err(|_| WireError::Field(name))
}

fn float(v: &Json, name: &'static str) -> Result<f64> {
    field(v, name)?.as_f64().ok_or(WireError::Field(name))
}

fn flag(v: &Json, name: &'static str) -> Result<bool> {
    match field(v, name)? {
        Json::Bool(b) => Ok(*b),
        _ => Err(WireError::Field(name)),
    }
}

fn list<'a>(v: &'a Json, name: &'static str) -> Result<&'a [Json]> {
    field(v, name)?.as_arr().ok_or(WireError::Field(name))
}

fn each<T>(v: &Json, name: &'static str, read: impl Fn(&Json) -> Result<T>) -> Result<Vec<T>> {
    let items = list(v, name)?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(read(item)?);
    }
    Ok(out)
}

fn strings(v: &Json, name: &'static str) -> Result<Vec<String>> {
    each(v, name, |s| {
        s.as_str().map(str::to_string).ok_or(WireError::Field(name))
    })
}

fn ipv4(v: &Json, name: &'static str) -> Result<Ipv4Addr> {
    field(v, name)?
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or(WireError::Field(name))
}

fn opt_ipv4(v: &Json, name: &'static str) -> Result<Option<Ipv4Addr>> {
    match opt_text(v, name)? {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| WireError::Field(name)),
    }
}

fn ipv4s(v: &Json, name: &'static str) -> Result<Vec<Ipv4Addr>> {
    each(v, name, |a| {
        a.as_str()
            .and_then(|s| s.parse().ok())
            .ok_or(WireError::Field(name))
    })
}

fn socket(v: &Json, name: &'static str) -> Result<SocketAddr> {
    field(v, name)?
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or(WireError::Field(name))
}

/// Reads one text frame from the helper.
pub fn server_message(text_frame: &str) -> Result<ServerMessage> {
    let v = Json::parse(text_frame)?;
    let kind = text(&v, "type")?;
    Ok(match kind.as_str() {
        "hello" => ServerMessage::Hello {
            version: small(&v, "version")?,
            helper: text(&v, "helper")?,
        },
        "error" => ServerMessage::Error {
            code: error_code(&text(&v, "code")?),
            message: text(&v, "message")?,
            file: opt_text(&v, "file")?,
        },
        "status" => ServerMessage::Status(status(&v)?),
        "upload-ready" => ServerMessage::UploadReady {
            id: text(&v, "id")?,
            chunk_size: small(&v, "chunk_size")?,
            have: each(&v, "have", |h| {
                Ok(FileChunks {
                    file: small(h, "file")?,
                    ranges: each(h, "ranges", |r| match r.as_arr() {
                        Some([a, b]) => match (a.as_u64(), b.as_u64()) {
                            (Some(a), Some(b)) => Ok([
                                u32::try_from(a).map_err(|_| WireError::Field("ranges"))?,
                                u32::try_from(b).map_err(|_| WireError::Field("ranges"))?,
                            ]),
                            _ => Err(WireError::Field("ranges")),
                        },
                        _ => Err(WireError::Field("ranges")),
                    })?,
                })
            })?,
            received: int(&v, "received")?,
            total: int(&v, "total")?,
        },
        "upload-progress" => ServerMessage::UploadProgress {
            id: text(&v, "id")?,
            received: int(&v, "received")?,
            total: int(&v, "total")?,
        },
        "upload-verifying" => ServerMessage::UploadVerifying {
            id: text(&v, "id")?,
        },
        "upload-switched" => ServerMessage::UploadSwitched {
            id: text(&v, "id")?,
            files: small(&v, "files")?,
            bytes: int(&v, "bytes")?,
        },
        "event" => ServerMessage::Event(event(&v)?),
        "phone" => ServerMessage::Phone(phone(&v)?),
        "phones" => ServerMessage::Phones {
            phones: each(&v, "phones", phone)?,
        },
        _ => return Err(WireError::Unknown(kind)),
    })
}

fn error_code(code: &str) -> ErrorCode {
    match code {
        "version-mismatch" => ErrorCode::VersionMismatch,
        "out-of-order" => ErrorCode::OutOfOrder,
        "bad-manifest" => ErrorCode::BadManifest,
        "bad-chunk" => ErrorCode::BadChunk,
        "hash-mismatch" => ErrorCode::HashMismatch,
        "incomplete" => ErrorCode::Incomplete,
        "storage" => ErrorCode::Storage,
        "simulation" => ErrorCode::Simulation,
        "bad-start" => ErrorCode::BadStart,
        // A newer helper's code: its message still says what to do.
        _ => ErrorCode::BadMessage,
    }
}

fn service(v: &Json) -> Result<Service> {
    Ok(Service {
        listening: flag(v, "listening")?,
        address: opt_text(v, "address")?,
        reason: opt_text(v, "reason")?,
        state: opt_text(v, "state")?.map(|s| match s.as_str() {
            "listening" => ServiceState::Listening,
            "off" => ServiceState::Off,
            "failed" => ServiceState::Failed,
            _ => ServiceState::Unknown,
        }),
    })
}

fn status(v: &Json) -> Result<Status> {
    Ok(Status {
        helper: text(v, "helper")?,
        interfaces: each(v, "interfaces", |i| {
            Ok(Interface {
                name: text(i, "name")?,
                addresses: each(i, "addresses", |a| {
                    Ok(InterfaceAddress {
                        address: ipv4(a, "address")?,
                        prefix: small(a, "prefix")?,
                    })
                })?,
            })
        })?,
        tftp: service(field(v, "tftp")?)?,
        dhcp: service(field(v, "dhcp")?)?,
        provision: match v.get("provision") {
            None | Some(Json::Null) => None,
            Some(p) => Some(service(p)?),
        },
        bundle: match v.get("bundle") {
            None | Some(Json::Null) => None,
            Some(b) => Some(CurrentBundle {
                id: text(b, "id")?,
                source: text(b, "source")?,
                load: opt_text(b, "load")?,
                files: small(b, "files")?,
                bytes: int(b, "bytes")?,
                // Absent from a helper older than these fields.
                family: opt_text(b, "family")?.and_then(|f| FamilyId::parse(&f)),
                models: match b.get("models") {
                    None | Some(Json::Null) => Vec::new(),
                    Some(_) => strings(b, "models")?,
                },
            }),
        },
    })
}

fn phone(v: &Json) -> Result<PhoneSummary> {
    Ok(PhoneSummary {
        id: text(v, "id")?,
        mac: opt_text(v, "mac")?,
        model: opt_text(v, "model")?,
        address: opt_ipv4(v, "address")?,
        state: match text(v, "state")?.as_str() {
            "waiting" => PhoneState::Waiting,
            "downloading" => PhoneState::Downloading,
            "done" => PhoneState::Done,
            "stuck" => PhoneState::Stuck,
            "failed" => PhoneState::Failed,
            other => return Err(WireError::Unknown(other.to_string())),
        },
        reason: opt_text(v, "reason")?,
        diagnosis: match v.get("diagnosis") {
            None | Some(Json::Null) => None,
            Some(d) => Some(diagnosis(d)?),
        },
        advice: match v.get("advice") {
            None | Some(Json::Null) => None,
            Some(a) => Some(crate::advice::Advice {
                title: text(a, "title")?,
                detail: text(a, "detail")?,
                fix: text(a, "fix")?,
            }),
        },
        current_file: opt_text(v, "current_file")?,
        files: each(v, "files", |f| {
            Ok(PhoneFile {
                name: text(f, "name")?,
                size: opt_int(f, "size")?,
                bytes: int(f, "bytes")?,
                state: match text(f, "state")?.as_str() {
                    "pending" => FileState::Pending,
                    "downloading" => FileState::Downloading,
                    "done" => FileState::Done,
                    "not-found" => FileState::NotFound,
                    "failed" => FileState::Failed,
                    other => return Err(WireError::Unknown(other.to_string())),
                },
                retransmissions: int(f, "retransmissions")?,
                transport: transport(f)?,
            })
        })?,
        files_done: small(v, "files_done")?,
        files_expected: small(v, "files_expected")?,
        normal_misses: strings(v, "normal_misses")?,
        recovered: match v.get("recovered") {
            None | Some(Json::Null) => false,
            Some(Json::Bool(b)) => *b,
            Some(_) => return Err(WireError::Field("recovered")),
        },
        retries: match opt_int(v, "retries")? {
            None => 0,
            Some(n) => u32::try_from(n).map_err(|_| WireError::Field("retries"))?,
        },
        sequence: match opt_int(v, "sequence")? {
            None => 0,
            Some(n) => u32::try_from(n).map_err(|_| WireError::Field("sequence"))?,
        },
        renamed_from: opt_text(v, "renamed_from")?,
        announced: match v.get("announced") {
            None | Some(Json::Null) => None,
            Some(a) => Some(Box::new(announced(a)?)),
        },
        registers: match v.get("registers") {
            None | Some(Json::Null) => None,
            Some(r) => Some(Box::new(Registration {
                file: text(r, "file")?,
                own: flag(r, "own")?,
                words: text(r, "words")?,
            })),
        },
        simulation: match v.get("simulation") {
            None | Some(Json::Null) => None,
            Some(s) => Some(Box::new(simulated(s)?)),
        },
        walk: match v.get("walk") {
            None | Some(Json::Null) => None,
            Some(w) => Some(Box::new(walk(w)?)),
        },
        switched: match opt_text(v, "switched")?.as_deref() {
            None => None,
            Some("archived") => Some(Switched::Archived),
            Some("starts-over") => Some(Switched::StartsOver),
            Some("still-missing") => Some(Switched::StillMissing),
            Some(_) => Some(Switched::Other),
        },
        first_seen_ms: int(v, "first_seen_ms")?,
        last_seen_ms: int(v, "last_seen_ms")?,
    })
}

fn diagnosis(v: &Json) -> Result<Diagnosis> {
    Ok(match text(v, "kind")?.as_str() {
        "not-found" => Diagnosis::NotFound {
            file: text(v, "file")?,
            closest: opt_text(v, "closest")?,
        },
        "manifest-repeated" => Diagnosis::ManifestRepeated {
            file: text(v, "file")?,
            times: small(v, "times")?,
            recovery: flag(v, "recovery")?,
        },
        "quiet" => Diagnosis::Quiet {
            minutes: int(v, "minutes")?,
            last: opt_text(v, "last")?,
        },
        "timed-out" => Diagnosis::TimedOut {
            file: text(v, "file")?,
            times: small(v, "times")?,
        },
        "phone-error" => Diagnosis::PhoneError {
            file: text(v, "file")?,
            message: text(v, "message")?,
        },
        "read-error" => Diagnosis::ReadError {
            file: text(v, "file")?,
            message: text(v, "message")?,
        },
        "no-free-address" => Diagnosis::NoFreeAddress,
        "config-loop" => Diagnosis::ConfigLoop {
            file: text(v, "file")?,
            times: small(v, "times")?,
            cause: loop_cause(field(v, "cause")?)?,
        },
        _ => Diagnosis::Other,
    })
}

fn loop_cause(v: &Json) -> Result<LoopCause> {
    Ok(match text(v, "kind")?.as_str() {
        "not-in-bundle" => LoopCause::NotInBundle {
            load: text(v, "load")?,
        },
        "already-runs" => LoopCause::AlreadyRuns {
            load: text(v, "load")?,
        },
        "no-load-for-model" => LoopCause::NoLoadForModel {
            model: text(v, "model")?,
            device_id: small(v, "device_id")?,
        },
        "unknown" => LoopCause::Unknown {
            loads: each(v, "loads", |l| {
                Ok(NamedLoad {
                    load: text(l, "load")?,
                    in_bundle: flag(l, "in_bundle")?,
                })
            })?,
        },
        _ => LoopCause::Other,
    })
}

fn options(v: &Json, name: &'static str) -> Result<Vec<OptionPair>> {
    each(v, name, |o| {
        Ok(OptionPair {
            name: text(o, "name")?,
            value: text(o, "value")?,
        })
    })
}

/// The transport of a transfer or file: absent means TFTP (what every helper
/// before HTTP provisioning sent); a name from a newer helper reads as
/// [`Transport::Other`].
fn transport(v: &Json) -> Result<Transport> {
    Ok(match opt_text(v, "transport")?.as_deref() {
        None | Some("tftp") => Transport::Tftp,
        Some("http") => Transport::Http,
        Some(_) => Transport::Other,
    })
}

fn stats(v: &Json) -> Result<Stats> {
    Ok(Stats {
        bytes: int(v, "bytes")?,
        blocks: int(v, "blocks")?,
        retransmissions: int(v, "retransmissions")?,
    })
}

fn end(v: &Json) -> Result<TftpEnd> {
    let o = field(v, "outcome")?;
    Ok(TftpEnd {
        transfer: int(v, "transfer")?,
        client: socket(v, "client")?,
        transport: transport(v)?,
        file: text(v, "file")?,
        stats: stats(v)?,
        duration_secs: float(v, "duration_secs")?,
        bytes_per_sec: float(v, "bytes_per_sec")?,
        outcome: match text(o, "reason")?.as_str() {
            "done" => Outcome::Done,
            "peer-error" => Outcome::PeerError {
                code: small(o, "code")?,
                message: text(o, "message")?,
            },
            "timed-out" => Outcome::TimedOut {
                retries: small(o, "retries")?,
            },
            "read-error" => Outcome::ReadError {
                message: text(o, "message")?,
            },
            "cancelled" => Outcome::Cancelled,
            other => return Err(WireError::Unknown(other.to_string())),
        },
    })
}

fn event(v: &Json) -> Result<Event> {
    Ok(match text(v, "event")?.as_str() {
        "tftp-request" => Event::TftpRequest(TftpRequest {
            transfer: int(v, "transfer")?,
            client: socket(v, "client")?,
            transport: transport(v)?,
            file: text(v, "file")?,
            mode: text(v, "mode")?,
            options: options(v, "options")?,
            resolution: match text(v, "resolution")?.as_str() {
                "exact" => Resolution::Exact,
                "case" => Resolution::Case,
                "alias" => Resolution::Alias,
                "not-found" => Resolution::NotFound,
                "denied" => Resolution::Denied,
                other => return Err(WireError::Unknown(other.to_string())),
            },
            served: opt_text(v, "served")?,
            size: opt_int(v, "size")?,
            accepted: options(v, "accepted")?,
            detail: opt_text(v, "detail")?,
        }),
        "tftp-progress" => Event::TftpProgress(TftpProgress {
            transfer: int(v, "transfer")?,
            client: socket(v, "client")?,
            transport: transport(v)?,
            file: text(v, "file")?,
            size: opt_int(v, "size")?,
            stats: stats(v)?,
        }),
        "tftp-done" => Event::TftpDone(end(v)?),
        "tftp-aborted" => Event::TftpAborted(end(v)?),
        "tftp-refused" => Event::TftpRefused(TftpRefused {
            client: socket(v, "client")?,
            file: text(v, "file")?,
            code: small(v, "code")?,
            reason: text(v, "reason")?,
        }),
        "tftp-shed" => Event::TftpShed(TftpShed {
            reason: match text(v, "reason")?.as_str() {
                "client-cap" => ShedReason::ClientCap,
                "busy" => ShedReason::Busy,
                "claim-expired" => ShedReason::ClaimExpired,
                "claim-evicted" => ShedReason::ClaimEvicted,
                // A reason from a newer helper: its message still says it.
                _ => ShedReason::Other,
            },
            count: int(v, "count")?,
            client: socket(v, "client")?,
            message: text(v, "message")?,
        }),
        "tftp-duplicate" => Event::TftpDuplicate {
            client: socket(v, "client")?,
            file: text(v, "file")?,
        },
        "dhcp" => Event::Dhcp(DhcpEvent {
            mac: text(v, "mac")?,
            device: text(v, "device")?,
            model: opt_text(v, "model")?,
            step: match text(v, "step")?.as_str() {
                "discover" => DhcpStep::Discover {
                    requested: opt_ipv4(v, "requested")?,
                },
                "offer" => DhcpStep::Offer {
                    addr: ipv4(v, "addr")?,
                    tftp: ipv4s(v, "tftp")?,
                },
                "ack" => DhcpStep::Ack {
                    addr: ipv4(v, "addr")?,
                    lease_secs: small(v, "lease_secs")?,
                    tftp: ipv4s(v, "tftp")?,
                },
                "nak" => DhcpStep::Nak {
                    addr: opt_ipv4(v, "addr")?,
                    reason: text(v, "reason")?,
                },
                "decline" => DhcpStep::Decline {
                    addr: ipv4(v, "addr")?,
                },
                "release" => DhcpStep::Release {
                    addr: ipv4(v, "addr")?,
                },
                "inform" => DhcpStep::Inform {
                    addr: ipv4(v, "addr")?,
                },
                "address-in-use" => DhcpStep::AddressInUse {
                    addr: ipv4(v, "addr")?,
                },
                "pool-exhausted" => DhcpStep::PoolExhausted,
                _ => DhcpStep::Other,
            },
        }),
        "neighbour" => Event::Neighbour(NeighbourHeard {
            mac: text(v, "mac")?,
            model: opt_text(v, "model")?,
            address: opt_ipv4(v, "address")?,
            announced: announced(v)?,
        }),
        "simulation-started" => Event::SimulationStarted(SimulationStarted {
            phones: each(v, "phones", |p| {
                Ok(SimulatedPhone {
                    mac: text(p, "mac")?,
                    model: text(p, "model")?,
                    source: ipv4(p, "source")?,
                })
            })?,
            time_limit_secs: int(v, "time_limit_secs")?,
            left_out: match opt_int(v, "left_out")? {
                None => 0,
                Some(n) => u32::try_from(n).map_err(|_| WireError::Field("left_out"))?,
            },
        }),
        "simulation-verdict" => Event::SimulationVerdict(SimulationVerdict {
            mac: text(v, "mac")?,
            model: text(v, "model")?,
            source: ipv4(v, "source")?,
            result: simulated(field(v, "result")?)?,
        }),
        "simulation-finished" => Event::SimulationFinished(SimulationFinished {
            phones: small(v, "phones")?,
            registered: small(v, "registered")?,
            nothing_to_register: small(v, "nothing_to_register")?,
            failed: small(v, "failed")?,
        }),
        _ => Event::Unknown,
    })
}

/// A phone's way through the upgrade plan.
fn walk(v: &Json) -> Result<WalkStatus> {
    let count = |name: &'static str| -> Result<u32> {
        u32::try_from(int(v, name)?).map_err(|_| WireError::Field(name))
    };
    Ok(WalkStatus {
        mac: opt_text(v, "mac")?,
        address: match opt_text(v, "address")? {
            None => None,
            Some(a) => Some(a.parse().map_err(|_| WireError::Field("address"))?),
        },
        path: strings(v, "path")?,
        hop: count("hop")?,
        hops: count("hops")?,
        on: opt_text(v, "on")?,
        state: WalkState::parse(&text(v, "state")?),
        detail: opt_text(v, "detail")?,
        steps: each(v, "steps", |s| {
            Ok(StepLog {
                label: text(s, "label")?,
                load: text(s, "load")?,
                offered_ms: int(s, "offered_ms")?,
                fetched_ms: opt_int(s, "fetched_ms")?,
                on_ms: opt_int(s, "on_ms")?,
            })
        })?,
    })
}

/// What a simulation said of one phone.
fn simulated(v: &Json) -> Result<Simulated> {
    Ok(Simulated {
        outcome: match text(v, "outcome")?.as_str() {
            "running" => SimulatedOutcome::Running,
            "registered" => SimulatedOutcome::Registered,
            "nothing-to-register" => SimulatedOutcome::NothingToRegister,
            "stuck" => SimulatedOutcome::Stuck,
            "could-not-run" => SimulatedOutcome::CouldNotRun,
            _ => SimulatedOutcome::Other,
        },
        sentence: text(v, "sentence")?,
        code: opt_text(v, "code")?,
        registered: opt_text(v, "registered")?,
    })
}

/// What a phone announced (the fields of a `neighbour` event, or a summary's
/// `announced`).
fn announced(v: &Json) -> Result<Announced> {
    let u16_field = |name: &'static str| -> Result<Option<u16>> {
        opt_int(v, name)?
            .map(|n| u16::try_from(n).map_err(|_| WireError::Field(name)))
            .transpose()
    };
    Ok(Announced {
        via: text(v, "via")?,
        name: opt_text(v, "name")?,
        platform: opt_text(v, "platform")?,
        load: opt_text(v, "load")?,
        version: opt_text(v, "version")?,
        port: opt_text(v, "port")?,
        native_vlan: u16_field("native_vlan")?,
        voice_vlan: u16_field("voice_vlan")?,
        power_mw: opt_int(v, "power_mw")?
            .map(|n| u32::try_from(n).map_err(|_| WireError::Field("power_mw")))
            .transpose()?,
        ttl: small(v, "ttl")?,
        heard_ms: opt_int(v, "heard_ms")?.unwrap_or(0),
        note: opt_text(v, "note")?,
    })
}

// ---- writing the page's messages -----------------------------------------------

/// Who the page says it is in `hello`: the browser app and the version every
/// crate of the workspace shares.
const CLIENT: &str = concat!("lifeline-web ", env!("CARGO_PKG_VERSION"));

/// A compact message of type `kind`, open for its other members.
fn message(kind: &str, capacity: usize) -> Writer {
    let mut w = Writer::compact(capacity);
    w.open('{');
    w.key("type");
    w.string(kind);
    w
}

fn finish(mut w: Writer) -> String {
    w.close('}');
    w.finish()
}

fn with_id(kind: &str, id: &str) -> String {
    let mut w = message(kind, 32 + id.len());
    w.key("id");
    w.string(id);
    finish(w)
}

/// `hello`, naming this page.
pub fn hello() -> String {
    let mut w = message("hello", 64);
    w.key("version");
    w.raw(&VERSION.to_string());
    w.key("client");
    w.string(CLIENT);
    finish(w)
}

/// `upload-begin` with the bundle's manifest.
pub fn upload_begin(manifest: &Manifest) -> String {
    let mut w = message("upload-begin", 256 + manifest.files.len() * 128);
    w.key("manifest");
    manifest_json::write_into(&mut w, manifest);
    finish(w)
}

/// `upload-commit`: every chunk was sent.
pub fn upload_commit(id: &str) -> String {
    with_id("upload-commit", id)
}

/// `upload-cancel`: drop what was sent.
pub fn upload_cancel(id: &str) -> String {
    with_id("upload-cancel", id)
}

/// `retry-phones`: start these phones (card ids) over.
pub fn retry_phones(ids: &[String]) -> String {
    let mut w = message("retry-phones", 48 + ids.len() * 24);
    w.key("phones");
    w.open('[');
    for id in ids {
        w.item();
        w.string(id);
    }
    w.close(']');
    finish(w)
}

/// `phone-start`: the load one phone (MAC or address) runs; `None` forgets it.
pub fn phone_start(phone: &str, start: Option<&str>) -> String {
    let mut w = message("phone-start", 64 + phone.len());
    w.key("phone");
    w.string(phone);
    w.key("start");
    w.opt_string(start);
    finish(w)
}

/// `simulate-phones`: boot the bundle's phones as simulations.
pub fn simulate_phones() -> String {
    finish(message("simulate-phones", 32))
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
