//! The listener on loopback port 0, spoken to with raw bytes: what every
//! answer says, what survives garbage, what a stalled client costs. Waits
//! are for bytes and events, each under a guard deadline.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use super::{Config, serve};
use crate::events::{Event, Events, Transport};
use crate::files::{FileSource, MemoryFiles, Resolution};
use lifeline_shared::events::Outcome;
use lifeline_shared::testkit::noise;

const GUARD: Duration = Duration::from_secs(30);

struct Server {
    addr: std::net::SocketAddr,
    events: broadcast::Receiver<Event>,
    stop: CancellationToken,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn start(files: Arc<dyn FileSource>, config: Config) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let events = Events::new();
    let rx = events.subscribe();
    let stop = CancellationToken::new();
    tokio::spawn(serve(listener, files, config, events, stop.clone()));
    Server {
        addr,
        events: rx,
        stop,
    }
}

fn memory() -> (Arc<dyn FileSource>, Vec<u8>) {
    let big = noise(7, 300_000);
    let mut files = MemoryFiles::new();
    files.insert("Big.bin", big.clone());
    files.insert("SEP001122AABBCC.cnf.xml", b"<device/>".to_vec());
    (Arc::new(files), big)
}

/// Sends `request` and reads until the server closes.
async fn exchange(addr: std::net::SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(request).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(GUARD, s.read_to_end(&mut out))
        .await
        .expect("the server never closed")
        .ok();
    out
}

/// Splits an answer into its head text and body.
fn split(answer: &[u8]) -> (String, &[u8]) {
    let at = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head");
    (
        String::from_utf8_lossy(&answer[..at]).into_owned(),
        &answer[at + 4..],
    )
}

async fn next_event(rx: &mut broadcast::Receiver<Event>) -> Event {
    tokio::time::timeout(GUARD, rx.recv())
        .await
        .expect("no event")
        .unwrap()
}

#[tokio::test]
async fn get_head_ranges_and_refusals_answer_as_http_says() {
    let (files, big) = memory();
    let server = start(files, Config::default()).await;
    let get = |path: &str, extra: &str| {
        format!("GET {path} HTTP/1.1\r\nHost: x\r\n{extra}Connection: close\r\n\r\n").into_bytes()
    };

    let answer = exchange(server.addr, &get("/big.BIN", "")).await;
    let (head, body) = split(&answer);
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(head.contains("Content-Length: 300000\r\n"), "{head}");
    assert_eq!(body, &big[..]);

    let answer = exchange(server.addr, &get("/Big.bin", "Range: bytes=100-199\r\n")).await;
    let (head, body) = split(&answer);
    assert!(head.starts_with("HTTP/1.1 206 Partial Content"), "{head}");
    assert!(
        head.contains("Content-Range: bytes 100-199/300000"),
        "{head}"
    );
    assert_eq!(body, &big[100..200]);
    let answer = exchange(server.addr, &get("/Big.bin", "Range: bytes=-10\r\n")).await;
    assert_eq!(split(&answer).1, &big[big.len() - 10..]);
    let answer = exchange(server.addr, &get("/Big.bin", "Range: bytes=0-1,5-6\r\n")).await;
    assert!(
        answer.starts_with(b"HTTP/1.1 200 OK"),
        "several ranges: the whole file"
    );
    let answer = exchange(server.addr, &get("/Big.bin", "Range: bytes=300000-\r\n")).await;
    let (head, _) = split(&answer);
    assert!(head.starts_with("HTTP/1.1 416"), "{head}");
    assert!(head.contains("Content-Range: bytes */300000"), "{head}");

    let answer = exchange(
        server.addr,
        b"HEAD /Big.bin HTTP/1.1\r\nConnection: close\r\n\r\n",
    )
    .await;
    let (head, body) = split(&answer);
    assert!(head.contains("Content-Length: 300000"), "{head}");
    assert!(body.is_empty(), "HEAD has no body");

    for (path, status) in [
        ("/missing.bin", "404"),
        ("/", "404"),
        ("/%2e%2e/etc/passwd", "403"),
        ("/..%5c..%5cwin.ini", "403"),
        ("/C:%5cboot.ini", "403"),
        ("/a%00b", "403"),
    ] {
        let answer = exchange(server.addr, &get(path, "")).await;
        let (head, body) = split(&answer);
        assert!(
            head.starts_with(&format!("HTTP/1.1 {status} ")),
            "{path}: {head}"
        );
        assert!(head.contains("text/plain"), "{path}: {head}");
        assert!(
            !body.is_empty() && body.len() < 200,
            "{path}: a short reason"
        );
    }
    let answer = exchange(server.addr, b"DELETE /Big.bin HTTP/1.1\r\n\r\n").await;
    let (head, _) = split(&answer);
    assert!(head.starts_with("HTTP/1.1 405"), "{head}");
    assert!(head.contains("Allow: GET, HEAD"), "{head}");
}

#[tokio::test]
async fn a_kept_connection_answers_pipelined_requests_in_order() {
    let (files, big) = memory();
    let server = start(files, Config::default()).await;
    let answer = exchange(
        server.addr,
        b"GET /SEP001122AABBCC.cnf.xml HTTP/1.1\r\n\r\nGET /Big.bin HTTP/1.1\r\nRange: bytes=0-3\r\n\r\nGET /x HTTP/1.1\r\nConnection: close\r\n\r\n",
    )
    .await;
    let text = String::from_utf8_lossy(&answer);
    let statuses: Vec<&str> = text
        .match_indices("HTTP/1.1 ")
        .map(|(i, _)| &text[i + 9..i + 12])
        .collect();
    assert_eq!(statuses, ["200", "206", "404"], "{text}");
    assert!(text.contains("<device/>"));
    assert!(answer.windows(4).any(|w| w == &big[..4]));
}

#[tokio::test]
async fn downloads_publish_tftp_s_events_with_the_http_transport() {
    let (files, big) = memory();
    let mut server = start(files, Config::default()).await;
    exchange(
        server.addr,
        b"GET /big.bin HTTP/1.1\r\nConnection: close\r\n\r\n",
    )
    .await;
    let Event::TftpRequest(r) = next_event(&mut server.events).await else {
        panic!("a request first")
    };
    assert_eq!(
        (
            r.transport,
            r.file.as_str(),
            r.resolution,
            r.served.as_deref(),
            r.size
        ),
        (
            Transport::Http,
            "big.bin",
            Resolution::Case,
            Some("Big.bin"),
            Some(300_000)
        )
    );
    let end = loop {
        match next_event(&mut server.events).await {
            Event::TftpProgress(p) => assert_eq!(p.transport, Transport::Http),
            Event::TftpDone(end) => break end,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        (
            end.transport,
            end.file.as_str(),
            end.stats.bytes,
            end.outcome
        ),
        (Transport::Http, "Big.bin", big.len() as u64, Outcome::Done)
    );
    // Not downloads: nothing published; the next event is the 404's request.
    exchange(
        server.addr,
        b"HEAD /Big.bin HTTP/1.1\r\nConnection: close\r\n\r\n",
    )
    .await;
    exchange(
        server.addr,
        b"GET /Big.bin HTTP/1.1\r\nRange: bytes=0-9\r\nConnection: close\r\n\r\n",
    )
    .await;
    exchange(
        server.addr,
        b"GET /gone.bin HTTP/1.1\r\nConnection: close\r\n\r\n",
    )
    .await;
    let Event::TftpRequest(r) = next_event(&mut server.events).await else {
        panic!("the 404's request")
    };
    assert_eq!(
        (r.file.as_str(), r.resolution),
        ("gone.bin", Resolution::NotFound)
    );
}

#[tokio::test]
async fn garbage_and_oversized_heads_never_stop_the_listener() {
    let (files, _) = memory();
    // A head that never ends is told 408 at the head timeout.
    let config = Config {
        head_timeout: Duration::from_millis(200),
        ..Config::default()
    };
    let server = start(files, config).await;
    let mut cases: Vec<Vec<u8>> = vec![
        format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(20_000)).into_bytes(),
        format!("GET / HTTP/1.1\r\n{}\r\n", "X: y\r\n".repeat(500)).into_bytes(),
        b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03".to_vec(),
        b"GET / HTTP/9.9\r\n\r\n".to_vec(),
        b"\r\n\r\n\r\n".to_vec(),
    ];
    for seed in 0..64u64 {
        let mut bytes = noise(seed + 100, 1 + (seed as usize * 97) % 3000);
        if seed % 2 == 0 {
            bytes.splice(0..0, b"GET /".iter().copied());
        }
        bytes.extend_from_slice(b"\r\n\r\n");
        cases.push(bytes);
    }
    for case in &cases {
        let answer = exchange(server.addr, case).await;
        if !answer.is_empty() {
            let (head, _) = split(&answer);
            assert!(
                ["400", "403", "404", "405", "408", "431"]
                    .iter()
                    .any(|s| head.starts_with(&format!("HTTP/1.1 {s} "))),
                "{head}"
            );
        }
    }
    let answer = exchange(
        server.addr,
        b"GET /SEP001122AABBCC.cnf.xml HTTP/1.0\r\n\r\n",
    )
    .await;
    assert_eq!(split(&answer).1, b"<device/>", "still serving");
}

#[tokio::test]
async fn a_client_that_stops_reading_is_dropped_and_reported() {
    let mut files = MemoryFiles::new();
    files.insert("huge.bin", noise(3, 64 << 20));
    let config = Config {
        idle_timeout: Duration::from_millis(300),
        ..Config::default()
    };
    let mut server = start(Arc::new(files), config).await;
    let mut stalled = TcpStream::connect(server.addr).await.unwrap();
    stalled
        .write_all(b"GET /huge.bin HTTP/1.1\r\n\r\n")
        .await
        .unwrap();
    // Reads nothing: the server's writes fill the buffers and stop.
    let end = loop {
        match next_event(&mut server.events).await {
            Event::TftpAborted(end) => break end,
            Event::TftpDone(_) => panic!("64 MiB cannot fit into socket buffers"),
            _ => {}
        }
    };
    assert_eq!(end.outcome, Outcome::TimedOut { retries: 0 });
    drop(stalled);
}

#[tokio::test]
async fn connections_over_the_limit_are_told_503_and_a_slot_comes_back() {
    let (files, _) = memory();
    let config = Config {
        max_connections: 2,
        ..Config::default()
    };
    let server = start(files, config).await;
    let a = TcpStream::connect(server.addr).await.unwrap();
    let _b = TcpStream::connect(server.addr).await.unwrap();
    // The third waits for nothing: 503 at once.
    let answer = exchange(server.addr, b"GET /x HTTP/1.1\r\n\r\n").await;
    assert!(answer.starts_with(b"HTTP/1.1 503"), "{answer:?}");
    drop(a);
    // The freed slot returns once the server sees the close: ask until then.
    let deadline = tokio::time::Instant::now() + GUARD;
    loop {
        let answer = exchange(
            server.addr,
            b"GET /SEP001122AABBCC.cnf.xml HTTP/1.1\r\nConnection: close\r\n\r\n",
        )
        .await;
        if answer.starts_with(b"HTTP/1.1 200") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the slot never came back"
        );
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn a_folder_is_sent_by_the_kernel_byte_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let data = noise(11, 5_000_000);
    std::fs::write(tmp.path().join("Apps.sbn"), &data).unwrap();
    let files = crate::plane::folder(tmp.path()).unwrap();
    let server = start(files, Config::default()).await;
    let answer = exchange(
        server.addr,
        b"GET /apps.sbn HTTP/1.1\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(split(&answer).1, &data[..]);
    let answer = exchange(
        server.addr,
        b"GET /Apps.sbn HTTP/1.1\r\nRange: bytes=4999990-\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(split(&answer).1, &data[4_999_990..]);
}
