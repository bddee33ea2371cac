//! `serve::run` driven as a library: sockets bound on port 0 by the test, a
//! cancellation token for the stop.

use std::sync::Arc;
use std::time::Duration;

use lifeline_helper::bundles::Store;
use lifeline_helper::serve::{self, Config, Sockets};
use lifeline_helper::tftp;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

/// Longer than any step here takes on a loaded machine.
const GUARD: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_served_root_answers_tftp_and_http_and_stops_when_cancelled() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("hello.txt"), b"hello, phone\n").unwrap();
    let data = tempfile::tempdir().unwrap();
    let config = Config {
        token: "00".repeat(16),
        store: Arc::new(Store::open(data.path()).unwrap()),
        fixed_files: Some((
            tftp::setup::root_source(root.path()).unwrap(),
            "a test folder".into(),
        )),
        tftp: tftp::server::Config::default(),
        dhcp: None,
        neighbours: None,
        terminal: false,
        // Far longer than GUARD: a return within GUARD is the servers
        // stopping, not the grace running out.
        grace: 3 * GUARD,
    };
    let http = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let http_addr = http.local_addr().unwrap();
    let tftp_socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let tftp_addr = tftp_socket.local_addr().unwrap();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(serve::run(
        config,
        Sockets {
            http,
            tftp: Ok(tftp_socket),
            provision: None,
        },
        shutdown.clone(),
    ));

    // A read request for the file, in octet mode: one short DATA block, acked.
    let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    client
        .send_to(b"\0\x01hello.txt\0octet\0", tftp_addr)
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let (n, from) = timeout(GUARD, client.recv_from(&mut buf))
        .await
        .expect("an answer to the read request")
        .unwrap();
    assert_eq!(&buf[..4], b"\0\x03\0\x01", "DATA block 1");
    assert_eq!(&buf[4..n], b"hello, phone\n");
    client.send_to(b"\0\x04\0\x01", from).await.unwrap();

    // The web app answers on the same run.
    let mut http = TcpStream::connect(http_addr).await.unwrap();
    http.write_all(b"GET /no/such/file.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    timeout(GUARD, http.read_to_string(&mut response))
        .await
        .expect("an HTTP answer")
        .unwrap();
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");

    shutdown.cancel();
    let result = timeout(GUARD, server)
        .await
        .expect("run returns once cancelled, well within the grace period")
        .unwrap();
    result.unwrap();
}
