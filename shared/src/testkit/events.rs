//! Sample events and messages as a helper makes them: DHCP steps, TFTP
//! requests and transfers, a registration, a status, an announcement.

use std::net::{Ipv4Addr, SocketAddr};

use crate::events::{
    DhcpEvent, DhcpStep, Event, OptionPair, Outcome, Resolution, ShedReason, Stats, TftpEnd,
    TftpProgress, TftpRefused, TftpRequest, TftpShed,
};
use crate::protocol::{self, CurrentBundle, Interface, InterfaceAddress, Service};

/// Every DHCP step a helper reports (both forms of DISCOVER; not
/// [`crate::events::DhcpStep::Other`], which only a reader makes), for tests of
/// their wire form and wording.
pub fn dhcp_steps(addr: Ipv4Addr) -> Vec<DhcpStep> {
    // A new step fails to compile here until it is added to the list below.
    let _every_variant_listed = |s: &DhcpStep| match s {
        DhcpStep::Discover { .. }
        | DhcpStep::Offer { .. }
        | DhcpStep::Ack { .. }
        | DhcpStep::Nak { .. }
        | DhcpStep::Decline { .. }
        | DhcpStep::Release { .. }
        | DhcpStep::Inform { .. }
        | DhcpStep::AddressInUse { .. }
        | DhcpStep::PoolExhausted
        | DhcpStep::Other => {}
    };
    vec![
        DhcpStep::Discover { requested: None },
        DhcpStep::Discover {
            requested: Some(addr),
        },
        DhcpStep::Offer {
            addr,
            tftp: vec![Ipv4Addr::new(10, 0, 0, 1)],
        },
        DhcpStep::Ack {
            addr,
            lease_secs: 3600,
            tftp: vec![Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2)],
        },
        DhcpStep::Nak {
            addr: None,
            reason: "r".into(),
        },
        DhcpStep::Decline { addr },
        DhcpStep::Release { addr },
        DhcpStep::Inform { addr },
        DhcpStep::AddressInUse { addr },
        DhcpStep::PoolExhausted,
    ]
}

/// A read request of `file` in octet mode without options, as the TFTP
/// server reports it: served under its own name unless it was not found or
/// was denied.
pub fn tftp_request(
    transfer: u64,
    client: SocketAddr,
    file: &str,
    resolution: Resolution,
    size: Option<u64>,
) -> Event {
    Event::TftpRequest(TftpRequest {
        transfer,
        client,
        transport: crate::events::Transport::Tftp,
        file: file.into(),
        mode: "octet".into(),
        options: vec![],
        resolution,
        served: (!matches!(resolution, Resolution::NotFound | Resolution::Denied))
            .then(|| file.into()),
        size,
        accepted: vec![],
        detail: None,
    })
}

/// The end of a transfer of `file`: 1000 bytes in 2 blocks in half a
/// second; `TftpDone` if `outcome` is `Done`, else `TftpAborted`.
pub fn tftp_end(transfer: u64, client: SocketAddr, file: &str, outcome: Outcome) -> Event {
    let e = TftpEnd {
        transfer,
        client,
        transport: crate::events::Transport::Tftp,
        file: file.into(),
        stats: Stats {
            bytes: 1000,
            blocks: 2,
            retransmissions: 0,
        },
        duration_secs: 0.5,
        bytes_per_sec: 2000.0,
        outcome: outcome.clone(),
    };
    if outcome == Outcome::Done {
        Event::TftpDone(e)
    } else {
        Event::TftpAborted(e)
    }
}

/// The DHCP server acknowledging the 7961 `00:11:22:AA:BB:CC` at `addr`
/// for an hour, with `tftp` as its TFTP server.
pub fn dhcp_ack(addr: Ipv4Addr, tftp: Ipv4Addr) -> Event {
    Event::Dhcp(DhcpEvent {
        mac: "001122AABBCC".into(),
        device: "SEP001122AABBCC".into(),
        model: Some("7961".into()),
        step: DhcpStep::Ack {
            addr,
            lease_secs: 3600,
            tftp: vec![tftp],
        },
    })
}

/// One event of every kind about registration and simulated phones (whom a
/// served configuration registers as, a simulation's start, each verdict
/// outcome, its end), about `client`, for tests of their wire form.
pub fn registration_events(client: SocketAddr) -> Vec<Event> {
    let mut out = Vec::new();
    use crate::config::registers::Registers;
    use crate::events::{
        ConfigServed, Simulated, SimulatedOutcome, SimulatedPhone, SimulationFinished,
        SimulationStarted, SimulationVerdict,
    };
    for (registers, transport) in [
        (
            Registers::Sip {
                user: "1001".into(),
                auth_name: "1001".into(),
                proxy: "10.0.0.5".into(),
                port: 5060,
            },
            crate::events::Transport::Tftp,
        ),
        (Registers::Sccp, crate::events::Transport::Http),
        (Registers::NoLine, crate::events::Transport::Tftp),
        (
            Registers::Unreadable {
                error: "it is not well-formed XML: “x”".into(),
            },
            crate::events::Transport::Tftp,
        ),
    ] {
        out.push(Event::ConfigServed(ConfigServed {
            client,
            transport,
            file: "SEP001122AABBCC.cnf.xml".into(),
            own: true,
            registers,
        }));
    }
    out.push(Event::SimulationStarted(SimulationStarted {
        phones: vec![SimulatedPhone {
            mac: "001122AABBCC".into(),
            model: "7961".into(),
            source: Ipv4Addr::new(127, 0, 100, 2),
        }],
        time_limit_secs: 180,
        left_out: 4,
    }));
    for (outcome, code, registered) in [
        (
            SimulatedOutcome::Registered,
            None,
            Some("1001 at 127.0.0.1:5070"),
        ),
        (SimulatedOutcome::NothingToRegister, None, None),
        (SimulatedOutcome::Stuck, Some("sip-no-answer"), None),
        (SimulatedOutcome::CouldNotRun, None, None),
        (SimulatedOutcome::Running, None, None),
    ] {
        out.push(Event::SimulationVerdict(SimulationVerdict {
            mac: "001122AABBCC".into(),
            model: "7961".into(),
            source: Ipv4Addr::new(127, 0, 100, 2),
            result: Simulated {
                outcome,
                sentence: "would register as 1001 at 127.0.0.1:5070".into(),
                code: code.map(str::to_string),
                registered: registered.map(str::to_string),
            },
        }));
    }
    out.push(Event::SimulationFinished(SimulationFinished {
        phones: 3,
        registered: 1,
        nothing_to_register: 1,
        failed: 1,
    }));
    out
}

/// One event of every TFTP kind a helper publishes, about `client` (an
/// aliased request with an option, progress, a finished and a timed-out
/// transfer, a refusal, a duplicate request, requests shed), for tests of
/// their wire form.
pub fn tftp_events(client: SocketAddr) -> Vec<Event> {
    // A new event fails to compile here until it is added to the list below.
    let _every_variant_listed = |e: &Event| match e {
        Event::TftpRequest(_)
        | Event::TftpProgress(_)
        | Event::TftpDone(_)
        | Event::TftpAborted(_)
        | Event::TftpRefused(_)
        | Event::TftpShed(_)
        | Event::TftpDuplicate { .. }
        | Event::Dhcp(_)
        | Event::Neighbour(_)
        | Event::Unknown => {}
        // In `registration_events`.
        Event::ConfigServed(_)
        | Event::Walk(_)
        | Event::SimulationStarted(_)
        | Event::SimulationVerdict(_)
        | Event::SimulationFinished(_) => {}
    };
    let stats = Stats {
        bytes: 1024,
        blocks: 3,
        retransmissions: 1,
    };
    let end = |outcome| TftpEnd {
        transfer: 3,
        client,
        transport: crate::events::Transport::Tftp,
        file: "term61.default.loads".into(),
        stats,
        duration_secs: 0.5,
        bytes_per_sec: 2048.0,
        outcome,
    };
    vec![
        Event::TftpRequest(TftpRequest {
            transfer: 1,
            client,
            transport: crate::events::Transport::Tftp,
            file: "Jar41sccp.8-3-2-27.sbn".into(),
            mode: "octet".into(),
            options: vec![OptionPair {
                name: "blksize".into(),
                value: "1428".into(),
            }],
            resolution: Resolution::Alias,
            served: Some("jar41sccp.8-3-2-27.sbn".into()),
            size: Some(642),
            accepted: vec![],
            detail: None,
        }),
        Event::TftpProgress(TftpProgress {
            transfer: 1,
            client,
            transport: crate::events::Transport::Tftp,
            file: "f".into(),
            size: None,
            stats,
        }),
        Event::TftpDone(end(Outcome::Done)),
        Event::TftpAborted(end(Outcome::TimedOut { retries: 5 })),
        Event::TftpRefused(TftpRefused {
            client,
            file: "x".into(),
            code: 2,
            reason: "write requests are refused".into(),
        }),
        Event::TftpDuplicate {
            client,
            file: "f".into(),
        },
        Event::TftpShed(TftpShed {
            reason: ShedReason::ClientCap,
            count: 12,
            client,
            message: "12 read requests refused".into(),
        }),
    ]
}

/// A helper's status: `interfaces` as (name, address, prefix),
/// TFTP on 0.0.0.0:69, DHCP off, and `bundle` being served.
pub fn status_with(
    interfaces: &[(&str, [u8; 4], u8)],
    bundle: Option<CurrentBundle>,
) -> protocol::Status {
    protocol::Status {
        helper: "lifeline 0.1.0".into(),
        interfaces: interfaces
            .iter()
            .map(|(name, address, prefix)| Interface {
                name: name.to_string(),
                addresses: vec![InterfaceAddress {
                    address: Ipv4Addr::from(*address),
                    prefix: *prefix,
                }],
            })
            .collect(),
        tftp: Service::listening(Some("0.0.0.0:69".into())),
        dhcp: Service::off("off (start …)"),
        provision: Some(Service::listening(Some("0.0.0.0:6970".into()))),
        bundle,
    }
}

/// Loopback and eth0 192.168.10.105/24.
pub const LO_ETH0: [(&str, [u8; 4], u8); 2] =
    [("lo", [127, 0, 0, 1], 8), ("eth0", [192, 168, 10, 105], 24)];

/// A phone with MAC `mac` (12 hex digits) announcing, over CDPv2, that it is
/// a `model` running `load`.
pub fn neighbour_heard(mac: &str, model: &str, load: &str) -> crate::events::Event {
    use crate::events::{Announced, Event, NeighbourHeard};
    Event::Neighbour(NeighbourHeard {
        mac: mac.to_string(),
        model: Some(model.to_string()),
        address: None,
        announced: Announced {
            via: "CDPv2".into(),
            name: Some(format!("SEP{mac}")),
            platform: Some(format!("Cisco IP Phone {model}")),
            load: Some(load.to_string()),
            version: crate::firmware::version::Version::from_load_name(load).map(|v| v.to_string()),
            port: Some("Port 1".into()),
            native_vlan: None,
            voice_vlan: Some(110),
            power_mw: Some(6300),
            ttl: 180,
            heard_ms: 0,
            note: None,
        },
    })
}
