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
use crate::tftp::files::{MemoryFiles, Resolution};
use crate::tftp::tid::TidMode;
use lifeline_proto::tftp::packet::{ErrorCode, Packet, Request, TftpOption};
use lifeline_proto::tftp::session::Outcome;

const GUARD: Duration = Duration::from_secs(20);

struct Running {
    addr: SocketAddr,
    events: Events,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
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
    let socket = client().await;
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
    phone
        .send_to(&rrq("small.bin", &[]), server.addr)
        .await
        .unwrap();
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
    phone
        .send_to(&rrq("small.bin", &[]), server.addr)
        .await
        .unwrap();
    phone
        .send_to(&rrq("small.bin", &[]), server.addr)
        .await
        .unwrap();
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

#[tokio::test]
async fn past_the_limit_clients_are_told_the_server_is_busy() {
    let server = start(Config {
        max_transfers: 1,
        ..Config::default()
    })
    .await;
    let mut rx = server.events.subscribe();
    let slow = client().await;
    slow.send_to(&rrq("big.bin", &[]), server.addr)
        .await
        .unwrap();
    let (_, tid) = recv(&slow).await;
    let err = fetch(server.addr, "small.bin", &[]).await.unwrap_err();
    assert_eq!(err.0, ErrorCode::NotDefined);
    assert!(err.1.contains("busy"), "{}", err.1);
    wait_for(
        &mut rx,
        |e| matches!(e, Event::TftpRefused(r) if r.reason.contains("busy")),
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
    phone
        .send_to(&rrq("small.bin", &[]), server.addr)
        .await
        .unwrap();
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
    phone
        .send_to(&rrq("small.bin", &[]), server.addr)
        .await
        .unwrap();
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
    phone
        .send_to(&rrq("big.bin", &[]), server.addr)
        .await
        .unwrap();
    let _ = recv(&phone).await;
    server.stop.cancel();
    let (bytes, _) = recv(&phone).await;
    assert!(matches!(
        Packet::from_bytes(&bytes),
        Ok(Packet::Error { code: ErrorCode::NotDefined, message }) if message.contains("shutting down")
    ));
    let Event::TftpAborted(end) = wait_for(&mut rx, |e| matches!(e, Event::TftpAborted(_))).await
    else {
        unreachable!()
    };
    assert_eq!(end.outcome, Outcome::Cancelled);
    timeout(GUARD, server.task).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn a_client_told_not_found_may_ask_again_at_once() {
    let server = start(Config::default()).await;
    let phone = client().await;
    for _ in 0..20 {
        phone
            .send_to(&rrq("nothing.bin", &[]), server.addr)
            .await
            .unwrap();
        assert_eq!(recv_error(&phone).await.0, ErrorCode::FileNotFound);
    }
    // Same address and port: a new transfer, not a duplicate of the last.
    phone
        .send_to(&rrq("small.bin", &[]), server.addr)
        .await
        .unwrap();
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
