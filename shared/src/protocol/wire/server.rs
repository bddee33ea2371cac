//! Reading one text frame from the helper: [`server_message`] tells the
//! message by its `type` and reads the hello, errors, the status and the
//! upload steps here, events and phones through their own rooms.

use super::event::event;
use super::phone::phone;
use super::read::{Result, each, field, flag, int, ipv4, opt_text, small, strings, text};
use crate::models::FamilyId;
use crate::protocol::json::{Json, WireError};
use crate::protocol::{
    CurrentBundle, ErrorCode, FileChunks, Interface, InterfaceAddress, ServerMessage, Service,
    ServiceState, Status,
};

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
