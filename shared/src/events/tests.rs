use super::*;
use crate::testkit;
use std::net::Ipv4Addr;

#[test]
fn events_travel_as_tagged_json() {
    let e = testkit::tftp_request(
        1,
        "10.0.0.50:50000".parse().unwrap(),
        "/term41.default.loads",
        Resolution::Case,
        Some(1000),
    );
    let j = serde_json::to_string(&e).unwrap();
    assert!(j.starts_with(r#"{"event":"tftp-request""#), "{j}");
    assert!(j.contains(r#""resolution":"case""#));
    assert_eq!(serde_json::from_str::<Event>(&j).unwrap(), e);
    let ack = testkit::dhcp_ack(Ipv4Addr::new(10, 0, 0, 50), Ipv4Addr::new(10, 0, 0, 1));
    let d = serde_json::to_string(&ack).unwrap();
    assert!(d.contains(r#""step":"ack""#), "{d}");
    assert_eq!(serde_json::from_str::<Event>(&d).unwrap(), ack);
    assert_eq!(
        serde_json::from_str::<Event>(r#"{"event":"from-the-future"}"#).unwrap(),
        Event::Unknown
    );
}

#[test]
fn every_dhcp_step_travels_under_its_own_name() {
    let a: Ipv4Addr = "10.0.0.50".parse().unwrap();
    for (step, json) in [
        (
            DhcpStep::Discover { requested: None },
            r#""step":"discover","requested":null"#,
        ),
        (
            DhcpStep::Offer {
                addr: a,
                tftp: vec![],
            },
            r#""step":"offer","addr":"10.0.0.50","tftp":[]"#,
        ),
        (
            DhcpStep::Ack {
                addr: a,
                lease_secs: 60,
                tftp: vec![],
            },
            r#""step":"ack","addr":"10.0.0.50","lease_secs":60,"tftp":[]"#,
        ),
        (
            DhcpStep::Nak {
                addr: Some(a),
                reason: "r".into(),
            },
            r#""step":"nak","addr":"10.0.0.50","reason":"r""#,
        ),
        (
            DhcpStep::Decline { addr: a },
            r#""step":"decline","addr":"10.0.0.50""#,
        ),
        (
            DhcpStep::Release { addr: a },
            r#""step":"release","addr":"10.0.0.50""#,
        ),
        (
            DhcpStep::Inform { addr: a },
            r#""step":"inform","addr":"10.0.0.50""#,
        ),
        (
            DhcpStep::AddressInUse { addr: a },
            r#""step":"address-in-use","addr":"10.0.0.50""#,
        ),
        (DhcpStep::PoolExhausted, r#""step":"pool-exhausted""#),
    ] {
        let e = Event::Dhcp(DhcpEvent::new(
            "00:11:22:aa:bb:cc".parse().unwrap(),
            Some("7961"),
            step,
        ));
        let j = serde_json::to_string(&e).unwrap();
        assert_eq!(
            j,
            format!(
                r#"{{"event":"dhcp","mac":"001122AABBCC","device":"SEP001122AABBCC","model":"7961",{json}}}"#
            )
        );
        assert_eq!(serde_json::from_str::<Event>(&j).unwrap(), e);
    }
    // A step from a newer helper.
    let j =
        r#"{"event":"dhcp","mac":"A","device":"SEPA","model":null,"step":"teleport","to":"mars"}"#;
    let Event::Dhcp(d) = serde_json::from_str::<Event>(j).unwrap() else {
        panic!("{j}")
    };
    assert_eq!(d.step, DhcpStep::Other);
    let j = serde_json::to_string(&Diagnosis::NoFreeAddress).unwrap();
    assert_eq!(j, r#"{"kind":"no-free-address"}"#);
    assert_eq!(
        serde_json::from_str::<Diagnosis>(&j).unwrap(),
        Diagnosis::NoFreeAddress
    );
}

#[test]
fn a_resolution_reads_as_its_wire_name() {
    for r in [
        Resolution::Exact,
        Resolution::Case,
        Resolution::Alias,
        Resolution::NotFound,
        Resolution::Denied,
    ] {
        assert_eq!(
            serde_json::to_value(r).unwrap(),
            serde_json::Value::from(r.as_str())
        );
    }
}

#[test]
fn a_shed_report_travels_and_its_newer_reasons_read_as_other() {
    let e = Event::TftpShed(TftpShed {
        reason: ShedReason::ClientCap,
        count: 1996,
        client: "10.0.0.2:40000".parse().unwrap(),
        message: "1996 read requests from 10.0.0.2 refused".into(),
    });
    let j = serde_json::to_string(&e).unwrap();
    assert!(
        j.starts_with(r#"{"event":"tftp-shed","reason":"client-cap""#),
        "{j}"
    );
    assert_eq!(serde_json::from_str::<Event>(&j).unwrap(), e);
    // A reason from a newer helper.
    let newer = j.replace("client-cap", "rate-limit");
    let Event::TftpShed(read) = serde_json::from_str::<Event>(&newer).unwrap() else {
        panic!("not a shed report: {newer}")
    };
    assert_eq!(read.reason, ShedReason::Other);
    // The page's own decoder reads it, and a newer reason as other.
    let frame = serde_json::to_string(&crate::protocol::ServerMessage::Event(e.clone())).unwrap();
    assert_eq!(
        crate::protocol::wire::server_message(&frame),
        Ok(crate::protocol::ServerMessage::Event(e))
    );
    let frame = frame.replace("client-cap", "rate-limit");
    let Ok(crate::protocol::ServerMessage::Event(Event::TftpShed(read))) =
        crate::protocol::wire::server_message(&frame)
    else {
        panic!("not read: {frame}")
    };
    assert_eq!(read.reason, ShedReason::Other);
}
