//! The TFTP codec never panics; whatever parses emits again and means the same;
//! a session fed the parsed packet stays consistent.
#![no_main]
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use lifeline_proto::tftp::packet::Packet;
use lifeline_proto::tftp::session::netascii::TransferMode;
use lifeline_proto::tftp::session::{Config, ReadSession};
use lifeline_proto::tftp::time::Time;

fuzz_target!(|data: &[u8]| {
    let Ok(packet) = Packet::from_bytes(data) else {
        return;
    };
    let bytes = packet.to_vec().expect("a parsed packet can be emitted");
    assert_eq!(bytes.len(), packet.len());
    assert_eq!(Packet::from_bytes(&bytes).expect("re-parse"), packet);

    // Requests drive option negotiation; anything else is fed to a session.
    let t0 = Time::from_nanos(1_000_000_000);
    let file = vec![7u8; 3000];
    match &packet {
        Packet::Rrq(request) => {
            let mut session = ReadSession::new(
                t0,
                TransferMode::parse(request.mode).unwrap_or(TransferMode::Octet),
                &request.options,
                Some(file.len() as u64),
                &file[..],
                Config::default(),
            );
            let mut sent = 0;
            while let Some(datagram) = session.poll_transmit() {
                assert!(Packet::from_bytes(datagram).is_ok());
                sent += 1;
                assert!(sent <= 64);
            }
        }
        other => {
            let mut session = ReadSession::new(
                t0,
                TransferMode::Octet,
                &[],
                None,
                &file[..],
                Config::default(),
            );
            while session.poll_transmit().is_some() {}
            session.handle(t0 + Duration::from_millis(1), other);
            while let Some(datagram) = session.poll_transmit() {
                assert!(Packet::from_bytes(datagram).is_ok());
            }
        }
    }
});
