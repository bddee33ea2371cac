//! Reading a phone's card (`"type": "phone"` and `"phones"`): its files,
//! state, diagnosis and its cause, and what else it was told (announcement,
//! registration, simulation, walk).

use super::event::{announced, simulated, transport};
use super::read::{
    Result, each, field, flag, int, opt_int, opt_ipv4, opt_text, small, strings, text,
};
use crate::events::{
    Diagnosis, FileState, LoopCause, NamedLoad, PhoneFile, PhoneState, PhoneSummary, Registration,
    Switched,
};
use crate::plan::walk::{Said, StepLog, WalkState, WalkStatus};
use crate::protocol::json::{Json, WireError};

pub(super) fn phone(v: &Json) -> Result<PhoneSummary> {
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

/// A phone's way through the upgrade plan.
fn walk(v: &Json) -> Result<WalkStatus> {
    Ok(WalkStatus {
        mac: opt_text(v, "mac")?,
        address: match opt_text(v, "address")? {
            None => None,
            Some(a) => Some(a.parse().map_err(|_| WireError::Field("address"))?),
        },
        path: strings(v, "path")?,
        hop: small(v, "hop")?,
        hops: small(v, "hops")?,
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
        said: match v.get("said") {
            None | Some(Json::Null) => None,
            Some(s) => Some(Said {
                label: text(s, "label")?,
                here: flag(s, "here")?,
            }),
        },
        seen_by: opt_text(v, "seen_by")?,
    })
}
