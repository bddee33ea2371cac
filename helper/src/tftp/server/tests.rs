//! The server in-process, on loopback sockets bound to port 0. Tests wait for
//! packets and events, never for time; the timeouts below are guards against
//! hanging, not synchronisation.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::broadcast;
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

use super::{Config, serve};
use crate::events::{Event, Events};
use crate::files::{MemoryFiles, Resolution};
use crate::tftp::tid::TidMode;
use lifeline_proto::tftp::packet::{ErrorCode, Packet, Request, TftpOption};
use lifeline_proto::tftp::session::Outcome;
use lifeline_proto::tftp::time::Time;
use lifeline_shared::events::ShedReason;

use super::shed::{Limits, Shed};
use super::slots::{Admission, Slots};

const GUARD: Duration = Duration::from_secs(20);

struct Running {
    addr: SocketAddr,
    events: Events,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// A read request for `name` (octet, no options) from `client`.
    async fn ask(&self, client: &UdpSocket, name: &str) {
        client.send_to(&rrq(name, &[]), self.addr).await.unwrap();
    }
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 + i / 509) as u8).collect()
}

async fn start(config: Config) -> Running {
    let mut files = MemoryFiles::new();
    files.insert("small.bin", pattern(2000));
    files.insert("big.bin", pattern(300_000));
    files.insert("SEP001122AABBCC.cnf.xml", b"<device/>\n".to_vec());
    files.alias("Big.BIN.alias", "big.bin");
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let events = Events::new();
    let stop = CancellationToken::new();
    let task = tokio::spawn(serve(
        socket,
        Arc::new(files),
        config,
        events.clone(),
        stop.clone(),
    ));
    Running {
        addr,
        events,
        stop,
        task,
    }
}

async fn client() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0").await.unwrap()
}

fn rrq(name: &str, options: &[(&str, &str)]) -> Vec<u8> {
    Packet::Rrq(Request {
        filename: name,
        mode: "octet",
        options: options
            .iter()
            .map(|(name, value)| TftpOption { name, value })
            .collect(),
    })
    .to_vec()
    .unwrap()
}

async fn recv(socket: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buf = vec![0u8; 70_000];
    let (len, from) = timeout(GUARD, socket.recv_from(&mut buf))
        .await
        .expect("no answer from the server")
        .unwrap();
    buf.truncate(len);
    (buf, from)
}

/// The next datagram, which must be an ERROR: its code and sender.
async fn recv_error(socket: &UdpSocket) -> (ErrorCode, SocketAddr) {
    let (bytes, from) = recv(socket).await;
    match Packet::from_bytes(&bytes) {
        Ok(Packet::Error { code, .. }) => (code, from),
        other => panic!("expected an ERROR, got {other:?}"),
    }
}

async fn ack(socket: &UdpSocket, to: SocketAddr, block: u16) {
    socket
        .send_to(&Packet::Ack { block }.to_vec().unwrap(), to)
        .await
        .unwrap();
}

/// Fetches `name` with `options`; returns the bytes or the ERROR received.
async fn fetch(
    server: SocketAddr,
    name: &str,
    options: &[(&str, &str)],
) -> Result<Vec<u8>, (ErrorCode, String)> {
    fetch_from("127.0.0.1:0", server, name, options).await
}

/// [`fetch`] from a socket bound to `bind` (another loopback address).
async fn fetch_from(
    bind: &str,
    server: SocketAddr,
    name: &str,
    options: &[(&str, &str)],
) -> Result<Vec<u8>, (ErrorCode, String)> {
    let socket = UdpSocket::bind(bind).await.unwrap();
    socket.send_to(&rrq(name, options), server).await.unwrap();
    let mut blksize = 512;
    let mut out = Vec::new();
    let mut expected: u16 = 1;
    loop {
        let (bytes, tid) = recv(&socket).await;
        match Packet::from_bytes(&bytes).unwrap() {
            Packet::Oack { options } => {
                for o in options {
                    if o.name.eq_ignore_ascii_case("blksize") {
                        blksize = o.value.parse().unwrap();
                    }
                }
                ack(&socket, tid, 0).await;
            }
            Packet::Data { block, data } => {
                if block == expected {
                    out.extend_from_slice(data);
                    expected = expected.wrapping_add(1);
                    ack(&socket, tid, block).await;
                    if data.len() < blksize {
                        return Ok(out);
                    }
                }
            }
            Packet::Error { code, message } => return Err((code, message.to_owned())),
            other => panic!("unexpected {other:?}"),
        }
    }
}

async fn wait_for(rx: &mut broadcast::Receiver<Event>, what: impl Fn(&Event) -> bool) -> Event {
    timeout(GUARD, async {
        loop {
            let event = rx.recv().await.expect("the event channel closed");
            if what(&event) {
                return event;
            }
        }
    })
    .await
    .expect("the event never came")
}

#[tokio::test]
async fn serves_a_file_and_reports_it() {
    let server = start(Config::default()).await;
    let mut rx = server.events.subscribe();
    assert_eq!(
        fetch(server.addr, "small.bin", &[]).await.unwrap(),
        pattern(2000)
    );
    let Event::TftpRequest(request) =
        wait_for(&mut rx, |e| matches!(e, Event::TftpRequest(_))).await
    else {
        unreachable!()
    };
    assert_eq!(request.resolution, Resolution::Exact);
    assert_eq!(request.size, Some(2000));
    assert!(request.accepted.is_empty());
    let Event::TftpDone(done) = wait_for(&mut rx, |e| matches!(e, Event::TftpDone(_))).await else {
        unreachable!()
    };
    assert_eq!(done.stats.bytes, 2000);
    assert_eq!(done.stats.blocks, 4);
    assert_eq!(done.outcome, Outcome::Done);

    // Case-insensitive, leading slash, alias.
    assert_eq!(
        fetch(server.addr, "/sep001122aabbcc.CNF.xml", &[])
            .await
            .unwrap(),
        b"<device/>\n"
    );
    assert_eq!(
        fetch(server.addr, "big.bin.alias", &[]).await.unwrap(),
        pattern(300_000)
    );
    server.stop.cancel();
    server.task.await.unwrap().unwrap();
}

#[tokio::test]
async fn options_blksize_windowsize_tsize() {
    let server = start(Config::default()).await;
    let mut rx = server.events.subscribe();
    let got = fetch(
        server.addr,
        "big.bin",
        &[
            ("blksize", "1428"),
            ("windowsize", "16"),
            ("tsize", "0"),
            ("x-unknown", "1"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(got, pattern(300_000));
    let Event::TftpRequest(request) =
        wait_for(&mut rx, |e| matches!(e, Event::TftpRequest(_))).await
    else {
        unreachable!()
    };
    let accepted: Vec<(&str, &str)> = request
        .accepted
        .iter()
        .map(|o| (o.name.as_str(), o.value.as_str()))
        .collect();
    assert_eq!(
        accepted,
        [
            ("blksize", "1428"),
            ("windowsize", "16"),
            ("tsize", "300000")
        ]
    );
}

#[tokio::test]
async fn refusals_not_found_and_denied() {
    let server = start(Config::default()).await;
    let mut rx = server.events.subscribe();
    let socket = client().await;
    let wrq = Packet::Wrq(Request {
        filename: "up.bin",
        mode: "octet",
        options: vec![],
    })
    .to_vec()
    .unwrap();
    socket.send_to(&wrq, server.addr).await.unwrap();
    assert_eq!(recv_error(&socket).await.0, ErrorCode::AccessViolation);
    wait_for(
        &mut rx,
        |e| matches!(e, Event::TftpRefused(r) if r.code == 2),
    )
    .await;

    assert_eq!(
        fetch(server.addr, "nothing.bin", &[]).await.unwrap_err().0,
        ErrorCode::FileNotFound
    );
    assert_eq!(
        fetch(server.addr, "../small.bin", &[]).await.unwrap_err().0,
        ErrorCode::AccessViolation
    );
    wait_for(
        &mut rx,
        |e| matches!(e, Event::TftpRequest(r) if r.resolution == Resolution::Denied),
    )
    .await;

    let mail = Packet::Rrq(Request {
        filename: "small.bin",
        mode: "mail",
        options: vec![],
    })
    .to_vec()
    .unwrap();
    socket.send_to(&mail, server.addr).await.unwrap();
    assert_eq!(recv_error(&socket).await.0, ErrorCode::IllegalOperation);
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_wrong_tid_gets_error_5_and_the_transfer_goes_on() {
    // This machine's kernel supports connected TIDs; both ways are checked.
    assert_eq!(
        crate::tftp::tid::probe("127.0.0.1".parse().unwrap()),
        TidMode::Connected
    );
    wrong_tid(TidMode::Connected).await;
}

#[tokio::test]
async fn a_wrong_tid_gets_error_5_with_unconnected_sockets_too() {
    wrong_tid(TidMode::Shared).await;
}

async fn wrong_tid(tid_mode: TidMode) {
    let server = start(Config {
        tid_mode,
        ..Config::default()
    })
    .await;
    let mut rx = server.events.subscribe();
    let phone = client().await;
    server.ask(&phone, "small.bin").await;
    let (first, tid) = recv(&phone).await;
    assert!(matches!(
        Packet::from_bytes(&first),
        Ok(Packet::Data { block: 1, .. })
    ));
    assert_ne!(tid, server.addr, "each transfer has its own port");

    let intruder = client().await;
    ack(&intruder, tid, 1).await;
    assert_eq!(
        recv_error(&intruder).await,
        (ErrorCode::UnknownTransferId, tid)
    );
    // An ERROR from a stranger is not answered and does not end the transfer.
    intruder
        .send_to(
            &lifeline_proto::tftp::packet::error_bytes(ErrorCode::NotDefined, "stop"),
            tid,
        )
        .await
        .unwrap();
    // The intruder's ACK did not move the transfer: the phone now acks block 1
    // and gets block 2, then the rest.
    let mut got = match Packet::from_bytes(&first).unwrap() {
        Packet::Data { data, .. } => data.to_vec(),
        _ => unreachable!(),
    };
    let mut next = 1u16;
    loop {
        ack(&phone, tid, next).await;
        let (bytes, from) = recv(&phone).await;
        assert_eq!(from, tid);
        let Packet::Data { block, data } = Packet::from_bytes(&bytes).unwrap() else {
            panic!("the transfer was disturbed: {bytes:?}")
        };
        assert_eq!(block, next + 1, "no block was skipped or repeated");
        got.extend_from_slice(data);
        next = block;
        if data.len() < 512 {
            ack(&phone, tid, next).await;
            break;
        }
    }
    assert_eq!(got, pattern(2000));
    let Event::TftpDone(done) = wait_for(&mut rx, |e| matches!(e, Event::TftpDone(_))).await else {
        unreachable!()
    };
    assert_eq!(done.stats.retransmissions, 0);
}

#[tokio::test]
async fn a_repeated_request_does_not_start_a_second_transfer() {
    let server = start(Config::default()).await;
    let mut rx = server.events.subscribe();
    let phone = client().await;
    server.ask(&phone, "small.bin").await;
    server.ask(&phone, "small.bin").await;
    wait_for(&mut rx, |e| matches!(e, Event::TftpDuplicate { .. })).await;
    let (first, tid) = recv(&phone).await;
    assert!(matches!(
        Packet::from_bytes(&first),
        Ok(Packet::Data { block: 1, .. })
    ));
    for block in 1..=4 {
        ack(&phone, tid, block).await;
        if block < 4 {
            let (_, from) = recv(&phone).await;
            assert_eq!(from, tid, "only one transfer answers");
        }
    }
    wait_for(&mut rx, |e| matches!(e, Event::TftpDone(_))).await;
    // Once it is over, the same client may ask again.
    let again = client().await;
    assert!(fetch(server.addr, "small.bin", &[]).await.is_ok());
    drop(again);
}

/// A client whose first DATA never came asks again from the same port: the
/// claim resends at once, from the same transfer, instead of on its own
/// timer (here 10 s away: a quarter of the claim timeout).
#[tokio::test]
async fn a_client_that_asks_again_for_a_claim_is_answered_at_once() {
    let mut config = Config::default();
    config.session.initial_timeout = Duration::from_secs(30);
    config.session.claim_timeout = Duration::from_secs(40);
    let server = start(config).await;
    let mut rx = server.events.subscribe();
    let phone = client().await;
    server.ask(&phone, "small.bin").await;
    let (first, tid) = recv(&phone).await;
    assert!(matches!(
        Packet::from_bytes(&first),
        Ok(Packet::Data { block: 1, .. })
    ));
    // As if that DATA were lost: the phone's timer asks again.
    server.ask(&phone, "small.bin").await;
    wait_for(&mut rx, |e| matches!(e, Event::TftpDuplicate { .. })).await;
    let (again, from) = timeout(Duration::from_secs(5), recv(&phone))
        .await
        .expect("the claim waited for its own timer");
    assert_eq!(from, tid, "the same transfer answers");
    assert_eq!(again, first);
    for block in 1..=4 {
        ack(&phone, tid, block).await;
        if block < 4 {
            recv(&phone).await;
        }
    }
    let Event::TftpDone(end) = wait_for(&mut rx, |e| matches!(e, Event::TftpDone(_))).await else {
        unreachable!()
    };
    assert_eq!(end.stats.retransmissions, 1);
}

/// A client that had a whole file, whose final ACK was lost, asks for its next
/// file from the same port (a new socket the kernel gave the same port, as
/// a phone's or the soak's does now and then): the new request is served at
/// once, and the old transfer, still waiting for that ACK, sends no more of
/// its blocks there (a client would take them for its answer).
async fn next_file_from_the_same_port(tid_mode: TidMode) {
    let server = start(Config {
        tid_mode,
        ..Config::default()
    })
    .await;
    let mut rx = server.events.subscribe();
    let phone = client().await;
    server.ask(&phone, "small.bin").await;
    // small.bin is 4 blocks: 1 to 3 acknowledged, the 4th (the last) never.
    let mut old_tid = None;
    for block in 1..=4u16 {
        let (bytes, tid) = recv(&phone).await;
        assert!(
            matches!(Packet::from_bytes(&bytes), Ok(Packet::Data { block: b, .. }) if b == block)
        );
        old_tid = Some(tid);
        if block < 4 {
            ack(&phone, tid, block).await;
        }
    }
    let old_tid = old_tid.unwrap();
    server.ask(&phone, "big.bin").await;
    let (bytes, tid) = recv(&phone).await;
    match Packet::from_bytes(&bytes) {
        Ok(Packet::Data { block: 1, data }) => assert_eq!(data, &pattern(300_000)[..512]),
        Ok(Packet::Data { block, .. }) => {
            panic!("expected block 1 of the new file, got block {block} from {tid}")
        }
        other => panic!("expected block 1 of the new file, got {other:?} from {tid}"),
    }
    assert_ne!(tid, old_tid, "the new transfer has its own port");
    // The old transfer ended without another word: its end is published
    // (done: the client had every block and moved on).
    let Event::TftpDone(old) = wait_for(
        &mut rx,
        |e| matches!(e, Event::TftpDone(d) | Event::TftpAborted(d) if d.file == "small.bin"),
    )
    .await
    else {
        panic!("the old transfer did not end as done")
    };
    assert_eq!((old.stats.blocks, old.stats.bytes), (4, 2000));
    // The new one goes on to the end; nothing from the old port comes.
    let mut out = bytes[4..].to_vec();
    let mut block = 1u16;
    loop {
        ack(&phone, tid, block).await;
        if out.len() == 300_000 {
            break;
        }
        let (bytes, from) = recv(&phone).await;
        assert_eq!(from, tid, "only the new transfer speaks to the port");
        let Ok(Packet::Data { block: b, data }) = Packet::from_bytes(&bytes) else {
            panic!("not DATA");
        };
        if b == block.wrapping_add(1) {
            out.extend_from_slice(data);
            block = b;
        }
    }
    assert_eq!(out, pattern(300_000));
}

#[tokio::test]
async fn the_next_file_from_the_same_port_is_served_at_once() {
    next_file_from_the_same_port(TidMode::Auto).await;
}

#[tokio::test]
async fn the_next_file_from_the_same_port_is_served_with_unconnected_sockets_too() {
    next_file_from_the_same_port(TidMode::Shared).await;
}

#[tokio::test]
async fn past_the_limit_clients_are_told_the_server_is_busy() {
    let server = start(Config {
        max_transfers: 1,
        ..Config::default()
    })
    .await;
    let mut rx = server.events.subscribe();
    let slow = client().await;
    server.ask(&slow, "big.bin").await;
    let (_, tid) = recv(&slow).await;
    // Acknowledged: a transfer making progress, which is never evicted.
    ack(&slow, tid, 1).await;
    let _ = recv(&slow).await;
    let err = fetch(server.addr, "small.bin", &[]).await.unwrap_err();
    assert_eq!(err.0, ErrorCode::NotDefined);
    assert!(err.1.contains("busy"), "{}", err.1);
    wait_for(
        &mut rx,
        |e| matches!(e, Event::TftpShed(r) if r.reason == ShedReason::Busy && r.message.contains("making progress")),
    )
    .await;
    // The slow client gives up; its slot is freed.
    slow.send_to(
        &lifeline_proto::tftp::packet::error_bytes(ErrorCode::NotDefined, "bye"),
        tid,
    )
    .await
    .unwrap();
    wait_for(&mut rx, |e| matches!(e, Event::TftpAborted(_))).await;
    assert!(fetch(server.addr, "small.bin", &[]).await.is_ok());
}

#[tokio::test]
async fn an_abandoned_transfer_times_out_and_is_freed() {
    let mut config = Config::default();
    config.session.initial_timeout = Duration::from_millis(20);
    config.session.max_timeout = Duration::from_millis(40);
    config.session.max_retries = 2;
    let server = start(config).await;
    let mut rx = server.events.subscribe();
    let phone = client().await;
    server.ask(&phone, "small.bin").await;
    let Event::TftpAborted(end) = wait_for(&mut rx, |e| matches!(e, Event::TftpAborted(_))).await
    else {
        unreachable!()
    };
    assert_eq!(end.outcome, Outcome::TimedOut { retries: 2 });
    // Three copies of block 1 arrived: the first send and two retries.
    for _ in 0..3 {
        let (bytes, _) = recv(&phone).await;
        assert!(matches!(
            Packet::from_bytes(&bytes),
            Ok(Packet::Data { block: 1, .. })
        ));
    }
    // The same client address is served again.
    server.ask(&phone, "small.bin").await;
    let (bytes, _) = recv(&phone).await;
    assert!(matches!(
        Packet::from_bytes(&bytes),
        Ok(Packet::Data { block: 1, .. })
    ));
}

#[tokio::test]
async fn garbage_never_stops_the_server() {
    let server = start(Config::default()).await;
    let socket = client().await;
    let junk: [&[u8]; 8] = [
        b"",
        b"\x00",
        b"\x00\x09xx",
        b"\x00\x01no-terminator",
        b"\x00\x03\x00\x01data",
        b"\x00\x04\x00\x01",
        b"\x00\x06blksize\0",
        &[0xff; 3000],
    ];
    for bytes in junk {
        socket.send_to(bytes, server.addr).await.unwrap();
    }
    // Every one but the empty and the 1-byte datagram gets an ERROR 4.
    for _ in 0..6 {
        assert_eq!(recv_error(&socket).await.0, ErrorCode::IllegalOperation);
    }
    assert_eq!(
        fetch(server.addr, "small.bin", &[]).await.unwrap(),
        pattern(2000)
    );
}

#[tokio::test]
async fn shutdown_tells_running_clients_and_returns() {
    let server = start(Config::default()).await;
    let mut rx = server.events.subscribe();
    let phone = client().await;
    server.ask(&phone, "big.bin").await;
    let _ = recv(&phone).await;
    server.stop.cancel();
    // A client that stalls hears block 1 again while the transfer drains, then
    // the reason.
    loop {
        let (bytes, _) = recv(&phone).await;
        match Packet::from_bytes(&bytes) {
            Ok(Packet::Data { block: 1, .. }) => continue,
            Ok(Packet::Error {
                code: ErrorCode::NotDefined,
                message,
            }) => {
                assert!(message.contains("shutting down"), "{message}");
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let Event::TftpAborted(end) = wait_for(&mut rx, |e| matches!(e, Event::TftpAborted(_))).await
    else {
        unreachable!()
    };
    assert_eq!(end.outcome, Outcome::Cancelled);
    timeout(GUARD, server.task).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn a_transfer_running_at_shutdown_may_end_within_the_grace() {
    let server = start(Config {
        shutdown_grace: Duration::from_secs(60),
        ..Config::default()
    })
    .await;
    let socket = client().await;
    server.ask(&socket, "small.bin").await;
    // Block 1 arrives; the server is told to stop before the client answers,
    // and the client answers only once block 1 comes again: the transfer has
    // looked at the stop by then, and goes on.
    let (bytes, tid) = recv(&socket).await;
    assert!(matches!(
        Packet::from_bytes(&bytes),
        Ok(Packet::Data { block: 1, .. })
    ));
    server.stop.cancel();
    let (again, _) = recv(&socket).await;
    assert_eq!(again, bytes, "block 1 again, not the end");
    let mut out = bytes[4..].to_vec();
    ack(&socket, tid, 1).await;
    loop {
        let (bytes, _) = recv(&socket).await;
        match Packet::from_bytes(&bytes).unwrap() {
            Packet::Data { block, data } => {
                if block as usize == out.len() / 512 + 1 {
                    out.extend_from_slice(data);
                }
                ack(&socket, tid, block).await;
                if data.len() < 512 {
                    break;
                }
            }
            other => panic!("cut off: {other:?}"),
        }
    }
    assert_eq!(out, pattern(2000));
    timeout(GUARD, server.task).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn a_client_told_not_found_may_ask_again_at_once() {
    let server = start(Config::default()).await;
    let phone = client().await;
    for _ in 0..20 {
        server.ask(&phone, "nothing.bin").await;
        assert_eq!(recv_error(&phone).await.0, ErrorCode::FileNotFound);
    }
    // Same address and port: a new transfer, not a duplicate of the last.
    server.ask(&phone, "small.bin").await;
    let (bytes, tid) = recv(&phone).await;
    assert!(matches!(
        Packet::from_bytes(&bytes),
        Ok(Packet::Data { block: 1, .. })
    ));
    // End it, so that the transfer does not wait out its retries.
    phone
        .send_to(
            &lifeline_proto::tftp::packet::error_bytes(ErrorCode::NotDefined, "done"),
            tid,
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_claim_is_evicted_when_every_slot_is_taken() {
    claim_evicted(TidMode::Auto).await;
}

#[tokio::test]
async fn a_claim_is_evicted_with_unconnected_sockets_too() {
    claim_evicted(TidMode::Shared).await;
}

async fn claim_evicted(tid_mode: TidMode) {
    let server = start(Config {
        max_transfers: 1,
        tid_mode,
        ..Config::default()
    })
    .await;
    let mut rx = server.events.subscribe();
    let silent = client().await;
    server.ask(&silent, "big.bin").await;
    let (bytes, _) = recv(&silent).await;
    assert!(matches!(
        Packet::from_bytes(&bytes),
        Ok(Packet::Data { block: 1, .. })
    ));
    // Never acknowledged: the next request takes its slot.
    assert_eq!(
        fetch(server.addr, "small.bin", &[]).await.unwrap(),
        pattern(2000)
    );
    wait_for(
        &mut rx,
        |e| matches!(e, Event::TftpShed(r) if r.reason == ShedReason::ClaimEvicted && r.count == 1),
    )
    .await;
    // The silent client is told, after at most a resent block 1.
    loop {
        let (bytes, _) = recv(&silent).await;
        match Packet::from_bytes(&bytes) {
            Ok(Packet::Data { block: 1, .. }) => continue,
            Ok(Packet::Error { message, .. }) => {
                assert!(message.contains("never acknowledged"), "{message}");
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn one_address_gets_at_most_max_per_client_transfers() {
    let server = start(Config {
        max_per_client: 2,
        ..Config::default()
    })
    .await;
    let mut rx = server.events.subscribe();
    let mut holding = Vec::new();
    for _ in 0..2 {
        let phone = client().await;
        server.ask(&phone, "big.bin").await;
        let (bytes, _) = recv(&phone).await;
        assert!(matches!(
            Packet::from_bytes(&bytes),
            Ok(Packet::Data { block: 1, .. })
        ));
        holding.push(phone);
    }
    let err = fetch(server.addr, "small.bin", &[]).await.unwrap_err();
    assert_eq!(err.0, ErrorCode::NotDefined);
    assert!(
        err.1.contains("too many transfers from 127.0.0.1"),
        "{}",
        err.1
    );
    let Event::TftpShed(report) = wait_for(&mut rx, |e| matches!(e, Event::TftpShed(_))).await
    else {
        unreachable!()
    };
    assert_eq!(report.reason, ShedReason::ClientCap);
    assert!(
        report.message.contains("--tftp-max-per-client"),
        "{}",
        report.message
    );
    // Another address is served meanwhile. (Wine sends from 127.0.0.1
    // whichever loopback address a socket is bound to.)
    #[cfg(not(windows))]
    assert_eq!(
        fetch_from("127.0.0.3:0", server.addr, "small.bin", &[])
            .await
            .unwrap(),
        pattern(2000)
    );
}

#[tokio::test]
async fn an_unacknowledged_claim_ends_at_the_claim_timeout_and_is_reported() {
    let mut config = Config::default();
    config.session.initial_timeout = Duration::from_millis(20);
    config.session.claim_timeout = Duration::from_millis(50);
    let server = start(config).await;
    let mut rx = server.events.subscribe();
    let silent = client().await;
    server.ask(&silent, "small.bin").await;
    let Event::TftpAborted(end) = wait_for(&mut rx, |e| matches!(e, Event::TftpAborted(_))).await
    else {
        unreachable!()
    };
    // Sent at 0, then a quarter of the claim apart (12.5 ms) up to 50 ms,
    // then at 56.25 ms (an eighth more) the claim ends, long before the retry
    // budget (8 resends, backing off) would. A thread woken late on a busy
    // machine (or Windows' 15.6 ms timer tick) may find the claim over
    // before a resend was due: four resends or fewer, never more.
    assert!(
        matches!(end.outcome, Outcome::TimedOut { retries: 0..=4 }),
        "{:?}",
        end.outcome
    );
    let Event::TftpShed(report) = wait_for(&mut rx, |e| matches!(e, Event::TftpShed(_))).await
    else {
        unreachable!()
    };
    assert_eq!(report.reason, ShedReason::ClaimExpired);
    assert_eq!(report.client, end.client);
    assert!(
        report.message.contains("never acknowledged"),
        "{}",
        report.message
    );
}

// ---- the slot table and the reports, on a virtual clock ---------------------

const T0: Time = Time::from_nanos(3_600_000_000_000);
const MS: Duration = Duration::from_millis(1);
/// The slots' repeat window in these tests (the claim timeout's default).
const WINDOW: Duration = Duration::from_secs(4);

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

fn admitted(admission: Admission) -> (Arc<super::slots::Standing>, Option<SocketAddr>) {
    match admission {
        Admission::Admitted {
            standing, evicted, ..
        } => (standing, evicted.map(|(client, _)| client)),
        other => panic!("not admitted: {other:?}"),
    }
}

#[test]
fn the_table_caps_each_address_and_knows_duplicates() {
    let mut slots = Slots::new(10, 2, WINDOW);
    admitted(slots.admit(1, addr("10.0.0.2:1000"), "f", T0));
    assert!(matches!(
        slots.admit(2, addr("10.0.0.2:1000"), "f", T0),
        Admission::Duplicate
    ));
    admitted(slots.admit(3, addr("10.0.0.2:1001"), "f", T0));
    assert!(matches!(
        slots.admit(4, addr("10.0.0.2:1002"), "f", T0),
        Admission::ClientCap { running: 2 }
    ));
    admitted(slots.admit(5, addr("10.0.0.3:1000"), "f", T0));
    // One ends: the address may start another.
    slots.release(1);
    admitted(slots.admit(6, addr("10.0.0.2:1002"), "f", T0));
    assert_eq!(slots.running(), 3);
}

#[test]
fn a_repeated_request_tells_a_claim_its_client_is_there() {
    let mut slots = Slots::new(10, 10, WINDOW);
    let client = addr("10.0.0.2:1000");
    let (claim, _) = admitted(slots.admit(1, client, "a.bin", T0));
    assert!(!claim.take_asked_again());
    assert!(matches!(
        slots.admit(2, client, "a.bin", T0 + MS),
        Admission::Duplicate
    ));
    assert!(claim.take_asked_again(), "asked again");
    assert!(!claim.take_asked_again(), "taken once");
    // Another port's request is another client's.
    admitted(slots.admit(3, addr("10.0.0.2:1001"), "a.bin", T0 + MS));
    assert!(!claim.take_asked_again());
    // Acknowledged: its client's ACKs say it is there; nothing to resend.
    assert!(claim.acknowledge());
    assert!(matches!(
        slots.admit(4, client, "a.bin", T0 + 2 * MS),
        Admission::Duplicate
    ));
    assert!(!claim.take_asked_again());
    // A request for another file supersedes a claim; it asks nothing again.
    let (second, _) = admitted(slots.admit(5, addr("10.0.0.2:1002"), "a.bin", T0));
    admitted(slots.admit(6, addr("10.0.0.2:1002"), "b.bin", T0 + MS));
    assert!(second.is_superseded());
    assert!(!second.take_asked_again());
}

#[test]
fn the_cap_counts_claims_so_phones_behind_one_address_that_make_progress_are_not_turned_away() {
    let mut slots = Slots::new(10, 2, WINDOW);
    let (first, _) = admitted(slots.admit(1, addr("10.0.0.2:1000"), "f", T0));
    let (second, _) = admitted(slots.admit(2, addr("10.0.0.2:1001"), "f", T0));
    assert!(matches!(
        slots.admit(3, addr("10.0.0.2:1002"), "f", T0),
        Admission::ClientCap { running: 2 }
    ));
    // Both phones acknowledged their first block: two more may ask at once.
    assert!(first.acknowledge());
    assert!(second.acknowledge());
    admitted(slots.admit(4, addr("10.0.0.2:1002"), "f", T0));
    admitted(slots.admit(5, addr("10.0.0.2:1003"), "f", T0));
    assert!(matches!(
        slots.admit(6, addr("10.0.0.2:1004"), "f", T0),
        Admission::ClientCap { running: 2 }
    ));
    assert_eq!(slots.running(), 4);
}

#[test]
fn a_full_table_evicts_the_oldest_claim_never_a_transfer_making_progress() {
    let mut slots = Slots::new(3, 10, WINDOW);
    let (oldest, _) = admitted(slots.admit(1, addr("10.0.0.2:1"), "f", T0));
    let (older, _) = admitted(slots.admit(2, addr("10.0.0.2:2"), "f", T0 + MS));
    let (newer, _) = admitted(slots.admit(3, addr("10.0.0.2:3"), "f", T0 + MS * 2));
    // The oldest made progress: the next oldest claim goes.
    assert!(oldest.acknowledge());
    let (_, evicted) = admitted(slots.admit(4, addr("10.0.0.9:1"), "f", T0 + MS * 3));
    assert_eq!(evicted, Some(addr("10.0.0.2:2")));
    assert!(older.is_evicted());
    // Evicted first: the thread learns it cannot acknowledge any more.
    assert!(!older.acknowledge());
    assert!(!newer.is_evicted());
    assert_eq!(slots.running(), 3);
    // The evicted transfer's end frees nothing more.
    slots.release(2);
    assert_eq!(slots.running(), 3);
    // The claims left go oldest first: #3, then #4.
    let (_, evicted) = admitted(slots.admit(5, addr("10.0.0.9:2"), "f", T0 + MS * 4));
    assert_eq!(evicted, Some(addr("10.0.0.2:3")));
    assert!(newer.is_evicted());
    let (_, evicted) = admitted(slots.admit(6, addr("10.0.0.9:3"), "f", T0 + MS * 5));
    assert_eq!(evicted, Some(addr("10.0.0.9:1")));
}

#[test]
fn a_new_request_from_a_running_transfers_port_supersedes_it_once_the_client_moved_on() {
    let mut slots = Slots::new(4, 4, WINDOW);
    let client = addr("10.0.0.2:1000");
    let (claim, _) = admitted(slots.admit(1, client, "a.bin", T0));
    // The same file again while a claim: its request retransmitted.
    assert!(matches!(
        slots.admit(2, client, "a.bin", T0 + MS),
        Admission::Duplicate
    ));
    // Acknowledged, mid-transfer: still the same transfer's request.
    assert!(claim.acknowledge());
    assert!(matches!(
        slots.admit(3, client, "a.bin", T0 + MS),
        Admission::Duplicate
    ));
    // Only the final ACK missing: the client is through with it, once the
    // request cannot be a late copy of the first one.
    claim.set_final_only();
    assert!(matches!(
        slots.admit(4, client, "a.bin", T0 + WINDOW - MS),
        Admission::Duplicate
    ));
    let Admission::Admitted {
        standing: second,
        superseded: Some(superseded),
        evicted: None,
        ..
    } = slots.admit(4, client, "a.bin", T0 + WINDOW)
    else {
        panic!("not superseded");
    };
    assert!(Arc::ptr_eq(&superseded, &claim));
    assert!(claim.is_superseded());
    assert!(!claim.is_evicted());
    assert_eq!(slots.running(), 1);
    // Another file from the port supersedes a claim as well.
    let Admission::Admitted {
        superseded: Some(superseded),
        ..
    } = slots.admit(5, client, "b.bin", T0 + WINDOW + MS)
    else {
        panic!("not superseded");
    };
    assert!(Arc::ptr_eq(&superseded, &second));
    assert!(!second.acknowledge(), "a superseded claim stays superseded");
    assert_eq!(slots.running(), 1);
    // The superseded threads' ends free nothing more.
    slots.release(1);
    slots.release(4);
    assert_eq!(slots.running(), 1);
    slots.release(5);
    assert_eq!(slots.running(), 0);
}

/// The soak's rare "timeouts at block 2" of a two-block file: the client's
/// request, sent again before the first DATA reached it, is read after the
/// transfer has sent its last block. If that block was lost, the client still
/// waits for it from this transfer: the late copy must not end it.
#[test]
fn a_late_copy_of_the_first_request_does_not_end_a_short_files_transfer() {
    let mut slots = Slots::new(4, 4, WINDOW);
    let client = addr("10.0.0.2:1000");
    let (transfer, _) = admitted(slots.admit(1, client, "term41.default.loads", T0));
    assert!(transfer.acknowledge());
    transfer.set_final_only();
    assert!(matches!(
        slots.admit(2, client, "term41.default.loads", T0 + MS * 300),
        Admission::Duplicate
    ));
    assert!(!transfer.is_superseded());
    assert_eq!(slots.running(), 1);
}

#[test]
fn superseded_transfers_still_ending_are_bounded_by_the_slots() {
    let mut slots = Slots::new(1, 4, WINDOW);
    let client = addr("10.0.0.2:1000");
    admitted(slots.admit(1, client, "a.bin", T0));
    admitted(slots.admit(2, client, "b.bin", T0));
    // #1's thread has not ended: no room for another one ending.
    assert!(matches!(
        slots.admit(3, client, "c.bin", T0),
        Admission::Duplicate
    ));
    slots.release(1);
    admitted(slots.admit(3, client, "c.bin", T0));
}

#[test]
fn a_table_of_transfers_making_progress_is_busy() {
    let mut slots = Slots::new(2, 10, WINDOW);
    for id in 1..=2 {
        let (standing, _) = admitted(slots.admit(id, addr(&format!("10.0.0.2:{id}")), "f", T0));
        assert!(standing.acknowledge());
    }
    assert!(matches!(
        slots.admit(3, addr("10.0.0.3:1"), "f", T0),
        Admission::Busy { running: 2 }
    ));
}

#[test]
fn evicted_transfers_still_ending_are_bounded_by_the_slots() {
    let mut slots = Slots::new(2, 10, WINDOW);
    for id in 1..=2 {
        admitted(slots.admit(id, addr(&format!("10.0.0.2:{id}")), "f", T0));
    }
    // Two evictions whose threads have not ended yet fill the bound.
    admitted(slots.admit(3, addr("10.0.0.3:3"), "f", T0 + MS));
    admitted(slots.admit(4, addr("10.0.0.3:4"), "f", T0 + MS));
    assert!(matches!(
        slots.admit(5, addr("10.0.0.3:5"), "f", T0 + MS),
        Admission::Busy { .. }
    ));
    // One of them ends: room for one more eviction.
    slots.release(1);
    let (_, evicted) = admitted(slots.admit(5, addr("10.0.0.3:5"), "f", T0 + MS * 2));
    assert_eq!(evicted, Some(addr("10.0.0.3:3")));
}

fn shed() -> Shed {
    Shed::new(
        Limits {
            max_transfers: 256,
            max_per_client: 4,
            claim_timeout: Duration::from_secs(4),
        },
        Duration::from_secs(5),
    )
}

#[test]
fn a_burst_is_reported_at_once_then_summed_once_per_interval() {
    let mut shed = shed();
    let flood = addr("10.0.0.2:1");
    let first = shed.record(ShedReason::ClientCap, flood, T0).unwrap();
    assert_eq!(first.count, 1);
    assert_eq!(
        first.message,
        "1 read request from 10.0.0.2 refused: that address already has 4 transfers waiting for \
         their first acknowledgement, the most one address may have (--tftp-max-per-client)"
    );
    // 1999 more within the interval: no report each.
    for i in 0..1999u32 {
        assert_eq!(
            shed.record(ShedReason::ClientCap, flood, T0 + MS * (i % 1000)),
            None
        );
    }
    assert_eq!(shed.flush(T0 + Duration::from_secs(4)), []);
    let summary = shed.flush(T0 + Duration::from_secs(5));
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0].count, 1999);
    assert!(
        summary[0]
            .message
            .starts_with("1999 read requests from 10.0.0.2 refused")
    );
    // Quiet after the burst: nothing more.
    assert_eq!(shed.flush(T0 + Duration::from_secs(60)), []);
    // Each reason is counted apart.
    let other = shed
        .record(ShedReason::ClaimExpired, flood, T0 + Duration::from_secs(6))
        .unwrap();
    assert_eq!(other.count, 1);
    assert!(
        other
            .message
            .contains("never acknowledged the first block within 4 s")
    );
}
