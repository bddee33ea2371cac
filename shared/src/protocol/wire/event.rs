//! Reading the helper's events (`"type": "event"`): transfers, DHCP steps,
//! announcements and the page's simulated phones. A name newer than this
//! build is [`Event::Unknown`], [`DhcpStep::Other`], … never an error.

use super::read::{
    Result, each, field, float, int, ipv4, ipv4s, opt_int, opt_ipv4, opt_text, small, socket, text,
};
use crate::events::{
    Announced, DhcpEvent, DhcpStep, Event, NeighbourHeard, OptionPair, Outcome, Resolution,
    ShedReason, Simulated, SimulatedOutcome, SimulatedPhone, SimulationFinished, SimulationStarted,
    SimulationVerdict, Stats, TftpEnd, TftpProgress, TftpRefused, TftpRequest, TftpShed, Transport,
};
use crate::protocol::json::{Json, WireError};

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
pub(super) fn transport(v: &Json) -> Result<Transport> {
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

pub(super) fn event(v: &Json) -> Result<Event> {
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

/// What a simulation said of one phone.
pub(super) fn simulated(v: &Json) -> Result<Simulated> {
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
pub(super) fn announced(v: &Json) -> Result<Announced> {
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
