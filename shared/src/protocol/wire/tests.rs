use super::*;
use crate::events::{
    DhcpEvent, DhcpStep, Diagnosis, Event, FileState, LoopCause, NamedLoad, OptionPair, Outcome,
    PhoneFile, PhoneState, PhoneSummary, Resolution, Stats, Switched, TftpEnd, TftpRequest,
};
use crate::protocol::json::{Json, WireError};
use crate::protocol::{
    ClientMessage, CurrentBundle, ErrorCode, FileChunks, MAX_TEXT, ServerMessage, Service,
    ServiceState, Status, VERSION,
};
use crate::testkit::{LO_ETH0, status_with};
use proptest::prelude::*;
use std::net::{Ipv4Addr, SocketAddr};

fn round_trip(m: &ServerMessage) {
    let text = serde_json::to_string(m).unwrap();
    assert_eq!(&server_message(&text).unwrap(), m, "{text}");
    // Pretty-printed too: whitespace anywhere.
    let text = serde_json::to_string_pretty(m).unwrap();
    assert_eq!(&server_message(&text).unwrap(), m, "{text}");
}

fn status_sample() -> Status {
    status_with(
        &LO_ETH0,
        Some(CurrentBundle {
            id: "ab".repeat(32),
            source: "seed.zip".into(),
            load: Some("SCCP41.8-3-3S".into()),
            files: 11,
            bytes: 6_300_000,
            family: Some(crate::models::FamilyId::F7941_7961),
            models: vec!["7941".into(), "7961".into()],
        }),
    )
}

pub(crate) fn summary_sample() -> PhoneSummary {
    PhoneSummary {
        id: "SEP001122AABBCC".into(),
        mac: Some("001122AABBCC".into()),
        model: Some("7961".into()),
        address: Some(Ipv4Addr::new(10, 0, 0, 50)),
        state: PhoneState::Failed,
        reason: Some("It asked for \"x\" — ünïcode ✓".into()),
        diagnosis: Some(Diagnosis::NotFound {
            file: "x.sbn".into(),
            closest: Some("X.sbn".into()),
        }),
        advice: Some(crate::advice::Advice {
            title: "It asked for `x.sbn`".into(),
            detail: "“Quoted” — ünïcode.".into(),
            fix: "Serve it.".into(),
        }),
        current_file: None,
        files: vec![
            PhoneFile {
                name: "term41.default.loads".into(),
                size: Some(642),
                bytes: 642,
                state: FileState::Done,
                retransmissions: 0,
                transport: crate::events::Transport::Tftp,
            },
            PhoneFile {
                name: "x.sbn".into(),
                size: None,
                bytes: 0,
                state: FileState::NotFound,
                retransmissions: 2,
                transport: crate::events::Transport::Http,
            },
        ],
        files_done: 1,
        files_expected: 2,
        normal_misses: vec!["ITLFile.tlv".into()],
        recovered: true,
        retries: 2,
        sequence: 3,
        renamed_from: Some("10.0.0.50#3".into()),
        switched: Some(Switched::StillMissing),
        announced: Some(Box::new(crate::events::Announced {
            via: "CDPv2".into(),
            name: Some("SEP001122AABBCC".into()),
            platform: Some("Cisco IP Phone 7961".into()),
            load: Some("SCCP41.8-0-4S".into()),
            version: Some("8.0(4)".into()),
            port: Some("Port 1".into()),
            native_vlan: Some(10),
            voice_vlan: Some(110),
            power_mw: Some(6300),
            ttl: 180,
            heard_ms: 99,
            note: Some("It runs SCCP41.8-0-4S: it needs an 8.5(2) load first — “quoted”.".into()),
        })),
        registers: Some(Box::new(crate::events::Registration {
            file: "SEP001122AABBCC.cnf.xml".into(),
            own: true,
            words: "Registers as 1001 at pbx.example:5070 (authenticating as a“1001”)".into(),
        })),
        simulation: Some(Box::new(crate::events::Simulated {
            outcome: crate::events::SimulatedOutcome::Stuck,
            sentence: "would be stuck: the SIP proxy `nothing.invalid` does not resolve".into(),
            code: Some("sip-proxy-unresolved".into()),
            registered: None,
        })),
        walk: Some(Box::new(crate::plan::walk::WalkStatus {
            mac: Some("001122AABBCC".into()),
            address: Some("10.0.0.50".parse().unwrap()),
            path: vec!["8.0(4)".into(), "8.5(2)".into(), "9.4(2)SR3".into()],
            hop: 1,
            hops: 2,
            on: None,
            state: crate::plan::walk::WalkState::Refused,
            detail: Some("It fetched “8.5(2)” 4 times.".into()),
            steps: vec![crate::plan::walk::StepLog {
                label: "8.5(2)".into(),
                load: "SCCP41.8-5-2S".into(),
                offered_ms: 5,
                fetched_ms: Some(9),
                on_ms: None,
            }],
            // Both read back, though a phone has one or the other.
            said: Some(crate::plan::walk::Said {
                label: "8.0(4)".into(),
                here: true,
            }),
            seen_by: Some("LLDP-MED".into()),
        })),
        first_seen_ms: 1,
        last_seen_ms: 123_456_789,
    }
}

fn end_sample(outcome: Outcome) -> TftpEnd {
    TftpEnd {
        transfer: 7,
        client: "10.0.0.50:50000".parse().unwrap(),
        transport: crate::events::Transport::Tftp,
        file: "apps41.8-3-2-27.sbn".into(),
        stats: Stats {
            bytes: 2_494_499,
            blocks: 4873,
            retransmissions: 3,
        },
        duration_secs: 1.25,
        bytes_per_sec: 1_995_599.5,
        outcome,
    }
}

#[test]
fn a_status_from_a_helper_without_the_family_fields_still_reads() {
    let mut status = status_sample();
    let b = status.bundle.as_mut().unwrap();
    (b.family, b.models) = (None, Vec::new());
    let text = serde_json::to_string(&ServerMessage::Status(status.clone())).unwrap();
    assert!(
        !text.contains("family") && !text.contains("models"),
        "{text}"
    );
    assert_eq!(
        server_message(&text).unwrap(),
        ServerMessage::Status(status)
    );
    // A family this page does not know is no family, not an unreadable status.
    let text = text.replace("\"bytes\"", "\"family\":\"9999\",\"bytes\"");
    let ServerMessage::Status(read) = server_message(&text).unwrap() else {
        panic!("{text}");
    };
    assert_eq!(read.bundle.unwrap().family, None);
}

#[test]
fn every_server_message_reads_as_serde_json_writes_it() {
    let messages = vec![
        ServerMessage::Hello {
            version: 1,
            helper: "lifeline 0.1.0".into(),
        },
        ServerMessage::Error {
            code: ErrorCode::HashMismatch,
            message: "apps.sbn does not match".into(),
            file: Some("apps.sbn".into()),
        },
        ServerMessage::Error {
            code: ErrorCode::Storage,
            message: "disk full".into(),
            file: None,
        },
        ServerMessage::Status(status_sample()),
        ServerMessage::Status(Status {
            bundle: None,
            interfaces: vec![],
            ..status_sample()
        }),
        // A helper from before HTTP provisioning, and one whose 6970 failed.
        ServerMessage::Status(Status {
            provision: None,
            ..status_sample()
        }),
        ServerMessage::Status(Status {
            provision: Some(Service::failed(
                "cannot listen for HTTP provisioning on 0.0.0.0:6970",
            )),
            ..status_sample()
        }),
        ServerMessage::Status(Status {
            dhcp: Service::failed("cannot listen for DHCP on eth0 port 67"),
            tftp: Service {
                listening: true,
                address: Some("0.0.0.0:69".into()),
                reason: None,
                state: None,
            },
            ..status_sample()
        }),
        ServerMessage::UploadReady {
            id: "id".into(),
            chunk_size: 262_144,
            have: vec![
                FileChunks {
                    file: 0,
                    ranges: vec![[0, 3], [5, 7]],
                },
                FileChunks {
                    file: 2,
                    ranges: vec![],
                },
            ],
            received: 1,
            total: 2,
        },
        ServerMessage::UploadProgress {
            id: "id".into(),
            received: 4_000_000_000,
            total: 4_000_000_001,
        },
        ServerMessage::UploadVerifying { id: "id".into() },
        ServerMessage::UploadSwitched {
            id: "id".into(),
            files: 11,
            bytes: 6_300_000,
        },
        ServerMessage::Phone(summary_sample()),
        ServerMessage::Phone(PhoneSummary {
            diagnosis: None,
            mac: None,
            address: None,
            recovered: false,
            retries: 0,
            sequence: 0,
            renamed_from: None,
            switched: None,
            announced: None,
            registers: None,
            simulation: None,
            walk: None,
            ..summary_sample()
        }),
        ServerMessage::Phone(PhoneSummary {
            switched: Some(Switched::Archived),
            ..summary_sample()
        }),
        ServerMessage::Phone(PhoneSummary {
            switched: Some(Switched::StartsOver),
            ..summary_sample()
        }),
        ServerMessage::Phones {
            phones: vec![summary_sample(), summary_sample()],
        },
        ServerMessage::Phones { phones: vec![] },
    ];
    for m in &messages {
        round_trip(m);
    }
    for d in [
        Diagnosis::ManifestRepeated {
            file: "term41.default.loads".into(),
            times: 3,
            recovery: true,
        },
        Diagnosis::Quiet {
            minutes: 5,
            last: Some("a".into()),
        },
        Diagnosis::Quiet {
            minutes: 5,
            last: None,
        },
        Diagnosis::TimedOut {
            file: "a".into(),
            times: 3,
        },
        Diagnosis::PhoneError {
            file: "a".into(),
            message: "m".into(),
        },
        Diagnosis::ReadError {
            file: "a".into(),
            message: "m".into(),
        },
        Diagnosis::NoFreeAddress,
        Diagnosis::ConfigLoop {
            file: "XMLDefault.cnf.xml".into(),
            times: 6,
            cause: LoopCause::NotInBundle {
                load: "SCCP41.9-4-2SR3".into(),
            },
        },
        Diagnosis::ConfigLoop {
            file: "XMLDefault.cnf.xml".into(),
            times: 3,
            cause: LoopCause::AlreadyRuns {
                load: "SCCP41.8-3-3S".into(),
            },
        },
        Diagnosis::ConfigLoop {
            file: "SEP001122AABBCC.cnf.xml".into(),
            times: 3,
            cause: LoopCause::NoLoadForModel {
                model: "7961".into(),
                device_id: 30018,
            },
        },
        Diagnosis::ConfigLoop {
            file: "XMLDefault.cnf.xml".into(),
            times: 3,
            cause: LoopCause::Unknown {
                loads: vec![
                    NamedLoad {
                        load: "A".into(),
                        in_bundle: true,
                    },
                    NamedLoad {
                        load: "B".into(),
                        in_bundle: false,
                    },
                ],
            },
        },
    ] {
        round_trip(&ServerMessage::Phone(PhoneSummary {
            diagnosis: Some(d),
            ..summary_sample()
        }));
    }
}

#[test]
fn every_event_reads_as_serde_json_writes_it() {
    let client: SocketAddr = "10.0.0.50:50000".parse().unwrap();
    // Beside one of every kind: the other resolutions and outcomes, a
    // mapped IPv6 client and the unknown event.
    let mut events = crate::testkit::tftp_events(client);
    events.extend([
        Event::TftpRequest(TftpRequest {
            transfer: 1,
            client,
            transport: crate::events::Transport::Tftp,
            file: "/Term41.default.loads".into(),
            mode: "octet".into(),
            options: vec![OptionPair {
                name: "blksize".into(),
                value: "1468".into(),
            }],
            resolution: Resolution::Case,
            served: Some("term41.default.loads".into()),
            size: Some(642),
            accepted: vec![],
            detail: None,
        }),
        Event::TftpRequest(TftpRequest {
            transfer: 2,
            client: "[::ffff:10.0.0.50]:1".parse().unwrap(),
            transport: crate::events::Transport::Tftp,
            file: "../x".into(),
            mode: "netascii".into(),
            options: vec![],
            resolution: Resolution::Denied,
            served: None,
            size: None,
            accepted: vec![],
            detail: Some("leaves the root".into()),
        }),
        Event::TftpAborted(end_sample(Outcome::PeerError {
            code: 2,
            message: "Access violation".into(),
        })),
        Event::TftpAborted(end_sample(Outcome::ReadError {
            message: "gone".into(),
        })),
        Event::TftpAborted(end_sample(Outcome::Cancelled)),
        crate::testkit::neighbour_heard("001F9EAB59F1", "7941", "SCCP41.8-2-1S"),
        Event::Neighbour(crate::events::NeighbourHeard {
            mac: "001F9EAB59F1".into(),
            model: None,
            address: Some(Ipv4Addr::new(10, 0, 0, 7)),
            announced: crate::events::Announced {
                via: "LLDP-MED".into(),
                platform: Some("CP-7961G “ünïcode”".into()),
                ..Default::default()
            },
        }),
        Event::TftpDone(TftpEnd {
            transport: crate::events::Transport::Http,
            ..end_sample(Outcome::Done)
        }),
        Event::TftpRequest(TftpRequest {
            transfer: 3,
            client,
            transport: crate::events::Transport::Http,
            file: "/SEP001122AABBCC.cnf.xml".into(),
            mode: "octet".into(),
            options: vec![OptionPair {
                name: "range".into(),
                value: "bytes=0-99".into(),
            }],
            resolution: Resolution::Exact,
            served: Some("SEP001122AABBCC.cnf.xml".into()),
            size: Some(1234),
            accepted: vec![],
            detail: None,
        }),
        Event::Unknown,
    ]);
    // What a page gets of them: config-served is the tracker's own.
    events.extend(
        crate::testkit::registration_events(client)
            .into_iter()
            .filter(|e| !matches!(e, Event::ConfigServed(_))),
    );
    let dhcp = |step| {
        Event::Dhcp(DhcpEvent {
            mac: "001122AABBCC".into(),
            device: "SEP001122AABBCC".into(),
            model: Some("7961".into()),
            step,
        })
    };
    let a = Ipv4Addr::new(10, 0, 0, 50);
    let mut steps = crate::testkit::dhcp_steps(a);
    steps.push(DhcpStep::Other);
    for e in events.into_iter().chain(steps.into_iter().map(dhcp)) {
        round_trip(&ServerMessage::Event(e));
    }
    // The tracker's own event, should one reach a page, is one it does not know.
    for e in crate::testkit::registration_events(client) {
        if let Event::ConfigServed(_) = e {
            let text = serde_json::to_string(&ServerMessage::Event(e)).unwrap();
            assert_eq!(
                server_message(&text).unwrap(),
                ServerMessage::Event(Event::Unknown)
            );
        }
    }
}

#[test]
fn newer_messages_are_reported_not_misread() {
    assert_eq!(
        server_message(r#"{"type":"from-the-future","x":1}"#),
        Err(WireError::Unknown("from-the-future".into()))
    );
    assert_eq!(
        server_message(r#"{"type":"event","event":"tftp-teleport"}"#),
        Ok(ServerMessage::Event(Event::Unknown))
    );
    assert_eq!(
        server_message(
            r#"{"type":"event","event":"dhcp","mac":"A","device":"SEPA","model":null,"step":"teleport"}"#
        ),
        Ok(ServerMessage::Event(Event::Dhcp(DhcpEvent {
            mac: "A".into(),
            device: "SEPA".into(),
            model: None,
            step: DhcpStep::Other
        })))
    );
    assert_eq!(
        server_message(r#"{"type":"error","code":"new-code","message":"m"}"#),
        Ok(ServerMessage::Error {
            code: ErrorCode::BadMessage,
            message: "m".into(),
            file: None
        })
    );
    let mut j: serde_json::Value =
        serde_json::to_value(ServerMessage::Phone(summary_sample())).unwrap();
    j["diagnosis"] = serde_json::json!({"kind": "teleported", "to": "mars"});
    let ServerMessage::Phone(p) = server_message(&j.to_string()).unwrap() else {
        panic!()
    };
    assert_eq!(p.diagnosis, Some(Diagnosis::Other));
}

#[test]
fn a_transfer_s_transport_is_tftp_unless_said_and_a_newer_one_is_other() {
    let client: SocketAddr = "10.0.0.50:50000".parse().unwrap();
    let tftp = Event::TftpDone(end_sample(Outcome::Done));
    let text = serde_json::to_string(&ServerMessage::Event(tftp.clone())).unwrap();
    // What a helper from before HTTP provisioning sent, byte for byte.
    assert!(!text.contains("transport"), "{text}");
    assert_eq!(server_message(&text), Ok(ServerMessage::Event(tftp)));
    let http = Event::TftpDone(TftpEnd {
        transport: crate::events::Transport::Http,
        ..end_sample(Outcome::Done)
    });
    let text = serde_json::to_string(&ServerMessage::Event(http)).unwrap();
    assert!(text.contains(r#""transport":"http""#), "{text}");
    let newer = text.replace(r#""transport":"http""#, r#""transport":"quic""#);
    let Ok(ServerMessage::Event(Event::TftpDone(end))) = server_message(&newer) else {
        panic!("{newer}")
    };
    assert_eq!(end.transport, crate::events::Transport::Other);
    let Ok(Event::TftpDone(end)) = serde_json::from_str::<Event>(
        &serde_json::to_string(&Event::TftpDone(end_sample(Outcome::Done)))
            .unwrap()
            .replace(r#""transfer":7"#, r#""transfer":7,"transport":"quic""#),
    ) else {
        panic!()
    };
    assert_eq!(
        (end.transport, end.client),
        (crate::events::Transport::Other, client)
    );
}

#[test]
fn a_service_s_state_is_explicit_and_older_helpers_are_understood() {
    // Off by choice and failed to start, as this helper says them.
    let off =
        serde_json::to_string(&Service::off("off (start it with --dhcp cisco-only)")).unwrap();
    assert_eq!(
        off,
        r#"{"listening":false,"reason":"off (start it with --dhcp cisco-only)","state":"off"}"#
    );
    let failed = Service::failed("another DHCP server answers on eth0");
    assert_eq!(failed.effective_state(), ServiceState::Failed);
    // An older helper said it only through the reason's first word.
    let old = |reason: &str| Service {
        reason: Some(reason.into()),
        ..Service::default()
    };
    assert_eq!(old("off (start it)").effective_state(), ServiceState::Off);
    assert_eq!(
        old("permission denied").effective_state(),
        ServiceState::Failed
    );
    assert_eq!(Service::default().effective_state(), ServiceState::Off);
    assert_eq!(
        Service::listening(Some("all on eth0".into())).effective_state(),
        ServiceState::Listening
    );
    // A newer helper's state: the old fields decide.
    let status = |dhcp: &str| {
        format!(
            r#"{{"type":"status","helper":"lifeline 9","interfaces":[],"tftp":{{"listening":true}},"dhcp":{dhcp},"bundle":null}}"#
        )
    };
    let newer = server_message(&status(
        r#"{"listening":false,"reason":"resting","state":"asleep"}"#,
    ))
    .unwrap();
    let ServerMessage::Status(newer) = newer else {
        panic!("{newer:?}")
    };
    assert_eq!(newer.dhcp.state, Some(ServiceState::Unknown));
    assert_eq!(newer.dhcp.effective_state(), ServiceState::Failed);
    let serde: Service =
        serde_json::from_str(r#"{"listening":false,"reason":"resting","state":"asleep"}"#).unwrap();
    assert_eq!(serde.state, Some(ServiceState::Unknown));
}

#[test]
fn broken_messages_are_errors() {
    for bad in [
        "",
        "{",
        "[1,]",
        r#"{"type":"hello"}"#,
        r#"{"type":"hello","version":"1","helper":"x"}"#,
        r#"{"type":"hello","version":-1,"helper":"x"}"#,
        r#"{"type":"hello","version":1,"helper":"x"} x"#,
        r#"{"type":"upload-ready","id":"i","chunk_size":1,"have":[{"file":0,"ranges":[[1]]}],"received":0,"total":0}"#,
        r#""\ud800""#,
        "\"a\u{1}\"",
        r#"{"a":01x}"#,
        "nul",
        "1.",
        "-",
        "1e",
    ] {
        assert!(server_message(bad).is_err(), "{bad}");
    }
    let deep = "[".repeat(100) + &"]".repeat(100);
    assert!(matches!(Json::parse(&deep), Err(WireError::Syntax(..))));
    assert_eq!(
        Json::parse(&" ".repeat(MAX_TEXT + 1)),
        Err(WireError::TooLong)
    );
}

#[test]
fn client_messages_read_back_with_serde() {
    let read = |s: &str| serde_json::from_str::<ClientMessage>(s).unwrap();
    assert_eq!(
        read(&hello()),
        ClientMessage::Hello {
            version: VERSION,
            client: format!("lifeline-web {}", env!("CARGO_PKG_VERSION")),
        }
    );
    assert_eq!(
        read(&upload_commit("a\"b")),
        ClientMessage::UploadCommit { id: "a\"b".into() }
    );
    assert_eq!(
        read(&upload_cancel("id")),
        ClientMessage::UploadCancel { id: "id".into() }
    );
    for ids in [
        vec![],
        vec!["SEP001122AABBCC".to_string()],
        vec!["10.0.0.5".to_string(), "a\"b\\c\u{1}".to_string()],
    ] {
        assert_eq!(
            read(&retry_phones(&ids)),
            ClientMessage::RetryPhones { phones: ids }
        );
    }
    assert_eq!(read(&simulate_phones()), ClientMessage::SimulatePhones);
    for (phone, start) in [("001122AABBCC", Some("8.0(4)")), ("10.0.0.5", None)] {
        assert_eq!(
            read(&phone_start(phone, start)),
            ClientMessage::PhoneStart {
                phone: phone.into(),
                start: start.map(str::to_string)
            }
        );
    }
    let zip = crate::testkit::seed_zip();
    let report = crate::firmware::inspect::inspect_zip("seed.zip", &zip).unwrap();
    let bundle = crate::bundle::build(
        &report,
        crate::bundle::firmware_from_zip(&zip, &report).unwrap(),
        &crate::bundle::Settings {
            tftp_servers: vec![Ipv4Addr::new(10, 0, 0, 1)],
            call_managers: vec!["10.0.0.2".into()],
            phones: vec![],
        },
    )
    .unwrap();
    assert_eq!(
        read(&upload_begin(&bundle.manifest)),
        ClientMessage::UploadBegin {
            manifest: bundle.manifest.clone()
        }
    );
}

proptest! {
    #[test]
    fn any_text_survives(
        texts in proptest::collection::vec("\\PC{0,12}|[\\x00-\\x1f\"\\\\/]{0,6}", 4),
        n in any::<u64>(),
    ) {
        let m = ServerMessage::Error { code: ErrorCode::Incomplete, message: texts[0].clone(), file: Some(texts[1].clone()) };
        round_trip(&m);
        let p = PhoneSummary { id: texts[2].clone(), reason: Some(texts[3].clone()), last_seen_ms: n, ..summary_sample() };
        round_trip(&ServerMessage::Phone(p));
        let c = upload_commit(&texts[0]);
        prop_assert_eq!(serde_json::from_str::<ClientMessage>(&c).unwrap(), ClientMessage::UploadCommit { id: texts[0].clone() });
        let c = retry_phones(&texts);
        prop_assert_eq!(serde_json::from_str::<ClientMessage>(&c).unwrap(), ClientMessage::RetryPhones { phones: texts.clone() });
    }

    #[test]
    fn any_bytes_never_panic(s in "\\PC{0,40}|[\\[\\]{}\",:0-9eE.+\\-\\\\u ]{0,40}") {
        let _ = server_message(&s);
    }
}
