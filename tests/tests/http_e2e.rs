//! HTTP provisioning (`--provision-listen`) of the real binary, spoken to by
//! real clients: curl, wget and busybox wget (Debian packages `.ci/run`
//! installs), and a websocket watching the events. Loopback, port 0; every
//! wait is for a line, a process or a message, under a guard.
//!
//! In CI (`CI=true`) a missing client fails the test; elsewhere it is skipped
//! with a loud message.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};

use lifeline_shared::events::{Event, Transport};
use lifeline_shared::protocol::{ClientMessage, ServerMessage, VERSION};
use lifeline_shared::testkit::noise;
use lifeline_tests::{Server, sha256_hex};
use tungstenite::Message;

const SECRET: &[u8] = b"the secret next to the root, never served";

/// A root with files around a few sizes, a mixed-case name and a secret
/// beside it; the files as (name, bytes).
fn root() -> (tempfile::TempDir, Vec<(String, Vec<u8>)>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(dir.path().join("secret.txt"), SECRET).unwrap();
    let mut files = Vec::new();
    for (i, (name, size)) in [
        ("empty.bin", 0usize),
        ("SEP001122AABBCC.cnf.xml", 700),
        ("Apps.sbn", 100_000),
        ("sip88xx.14-1-1-0001-136.loads", 1_500_000),
    ]
    .into_iter()
    .enumerate()
    {
        let data = noise(i as u64 + 40, size);
        std::fs::write(root.join(name), &data).unwrap();
        files.push((name.to_owned(), data));
    }
    (dir, files)
}

fn start(dir: &tempfile::TempDir, extra: &[&str]) -> Server {
    let root = dir.path().join("root");
    let mut args = vec![
        "--http-listen",
        "127.0.0.1:0",
        "--root",
        root.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    Server::start_with(&args)
}

/// Whether `program` can be run; in CI its absence is a failure.
fn have(program: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(
            !ci,
            "{program} is not installed; .ci/run installs it (CI=true: this is a failure)"
        );
        eprintln!(
            "\n!!!! SKIPPED: {program} is not installed (run .ci/run, or apt-get install it) !!!!\n"
        );
    }
    found
}

/// Runs `program args…` under `timeout`; its stdout, or a failure with stderr.
fn run(program: &str, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("timeout")
        .arg("60")
        .arg(program)
        .args(args)
        .output()
        .expect("cannot run the client");
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(format!(
            "{program} {args:?}: {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn url(addr: SocketAddr, path: &str) -> String {
    format!("http://{addr}{path}")
}

#[test]
fn curl_wget_and_busybox_fetch_byte_exact_with_tftp_s_name_resolution() {
    let (dir, files) = root();
    let server = start(&dir, &[]);
    let http = server.wait_for_provision();
    let out = tempfile::tempdir().unwrap();
    for (name, data) in &files {
        // Exact, a case slip, and a doubled leading `/`.
        let upper = name.to_uppercase();
        let fetches: Vec<(&str, Vec<String>)> = vec![
            (
                "curl",
                vec![
                    "-fsS".into(),
                    "-o".into(),
                    "OUT".into(),
                    url(http, &format!("/{name}")),
                ],
            ),
            (
                "wget",
                vec![
                    "-q".into(),
                    "-O".into(),
                    "OUT".into(),
                    url(http, &format!("/{upper}")),
                ],
            ),
            (
                "busybox",
                vec![
                    "wget".into(),
                    "-q".into(),
                    "-O".into(),
                    "OUT".into(),
                    url(http, &format!("//{name}")),
                ],
            ),
        ];
        for (i, (program, args)) in fetches.into_iter().enumerate() {
            if !have(program) {
                continue;
            }
            let target = out.path().join(format!("{i}-{name}"));
            let args: Vec<String> = args
                .into_iter()
                .map(|a| {
                    if a == "OUT" {
                        target.display().to_string()
                    } else {
                        a
                    }
                })
                .collect();
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            run(program, &refs).unwrap();
            let got = std::fs::read(&target).unwrap();
            assert_eq!(sha256_hex(&got), sha256_hex(data), "{program} {name}");
        }
    }
}

#[test]
fn curl_ranges_head_and_missing_files() {
    if !have("curl") {
        return;
    }
    let (dir, files) = root();
    let server = start(&dir, &[]);
    let http = server.wait_for_provision();
    let (name, data) = &files[3];
    let u = url(http, &format!("/{name}"));
    for (range, expected) in [
        ("10-19", &data[10..20]),
        ("1499990-", &data[1_499_990..]),
        ("-100", &data[data.len() - 100..]),
        ("0-0", &data[..1]),
    ] {
        let got = run("curl", &["-fsS", "-r", range, &u]).unwrap();
        assert_eq!(got, expected, "range {range}");
    }
    let head = run(
        "curl",
        &["-sS", "-D", "-", "-o", "/dev/null", "-r", "10-19", &u],
    )
    .unwrap();
    let head = String::from_utf8_lossy(&head).to_lowercase();
    assert!(head.starts_with("http/1.1 206"), "{head}");
    assert!(
        head.contains("content-range: bytes 10-19/1500000"),
        "{head}"
    );
    let code = |args: &[&str]| {
        let mut all = vec!["-sS", "-o", "/dev/null", "-w", "%{http_code}"];
        all.extend_from_slice(args);
        String::from_utf8(run("curl", &all).unwrap()).unwrap()
    };
    assert_eq!(code(&["-r", "2000000-", &u]), "416");
    assert_eq!(code(&[&url(http, "/nothing.bin")]), "404");
    assert_eq!(code(&[&url(http, "/")]), "404", "no listing");
    assert_eq!(code(&["-X", "PUT", &u]), "405");
    let head = run("curl", &["-sSI", &u]).unwrap();
    let head = String::from_utf8_lossy(&head).to_lowercase();
    assert!(head.contains("content-length: 1500000"), "{head}");
    let body = run("curl", &["-sS", &url(http, "/nothing.bin")]).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&body),
        "not found: /nothing.bin is not in the bundle\n"
    );
}

#[test]
fn traversal_attempts_are_refused() {
    if !have("curl") {
        return;
    }
    let (dir, _) = root();
    let server = start(&dir, &[]);
    let http = server.wait_for_provision();
    let secret_path = dir.path().join("secret.txt");
    let absolute = format!("/{}", secret_path.display());
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%5Csecret.txt",
        "/..\\secret.txt",
        "/./../root/../secret.txt",
        absolute.as_str(),
        "/C:/Windows/win.ini",
        "/secret.txt%00.bin",
    ] {
        let out = Command::new("timeout")
            .args(["60", "curl", "-sS", "--path-as-is", "-w", "\n%{http_code}"])
            .arg(url(http, path))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let code = text.rsplit('\n').next().unwrap_or_default().to_owned();
        assert!(
            code == "403" || code == "404" || code == "400",
            "{path}: {text}"
        );
        assert!(!text.contains("the secret"), "{path} leaked: {text}");
    }
}

#[test]
fn provision_listen_off_closes_the_port() {
    let (dir, _) = root();
    // A port free a moment ago; with HTTP off nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let off = start(&dir, &["--provision-listen", "off"]);
    off.wait_for_line("HTTP provisioning off");
    let refused = TcpStream::connect(("127.0.0.1", port));
    assert!(refused.is_err(), "something listens on {listen}");
    drop(off);
    let on = start(&dir, &["--provision-listen", &listen]);
    assert_eq!(on.wait_for_provision().port(), port);
    assert!(TcpStream::connect(("127.0.0.1", port)).is_ok());
}

#[test]
fn a_port_in_use_is_explained_and_tftp_runs_on() {
    use std::io::{BufRead as _, BufReader};
    let (dir, files) = root();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let at = taken.local_addr().unwrap().to_string();
    let mut child = Command::new(lifeline_tests::lifeline_bin())
        .args([
            "serve",
            "--http-listen",
            "127.0.0.1:0",
            "--tftp-listen",
            "127.0.0.1:0",
        ])
        .args(["--provision-listen", &at, "--root"])
        .arg(dir.path().join("root"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut tftp = None;
    for line in lines.by_ref().map_while(Result::ok).take(3) {
        if let Some(rest) = line.strip_prefix("TFTP listening on ") {
            tftp = rest
                .split(',')
                .next()
                .and_then(|a| a.parse::<SocketAddr>().ok());
            break;
        }
    }
    let message = loop {
        let line = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("no error message");
        if line.contains("cannot listen for HTTP provisioning") {
            break line;
        }
    };
    for words in [
        "in use",
        "--provision-listen off",
        "TFTP and the web UI keep running",
    ] {
        assert!(message.contains(words), "{message}");
    }
    // TFTP serves on.
    let tftp = tftp.expect("the TFTP line");
    let (name, data) = &files[1];
    let got = lifeline_tests::TftpDownload::start(tftp, name)
        .finish()
        .unwrap();
    assert_eq!(&got, data);
    let _ = child.kill();
    let _ = child.wait();
    drop(taken);
}

#[test]
fn http_downloads_reach_the_websocket_as_transfer_events_with_their_transport() {
    if !have("curl") {
        return;
    }
    let (dir, files) = root();
    let server = start(&dir, &[]);
    let http = server.wait_for_provision();
    let token = server.token.clone().unwrap();
    let (mut ws, _) =
        tungstenite::connect(format!("ws://{}/ws?token={token}", server.addr)).unwrap();
    let hello = ClientMessage::Hello {
        version: VERSION,
        client: "test".into(),
    };
    ws.send(Message::text(serde_json::to_string(&hello).unwrap()))
        .unwrap();
    let (name, data) = &files[2];
    run(
        "curl",
        &[
            "-fsS",
            "-o",
            "/dev/null",
            &url(http, &format!("/{}", name.to_lowercase())),
        ],
    )
    .unwrap();
    let mut request = None;
    let mut status = None;
    let end = loop {
        let Message::Text(text) = ws.read().expect("the helper closed the websocket") else {
            continue;
        };
        match serde_json::from_str::<ServerMessage>(text.as_str()).unwrap() {
            ServerMessage::Status(s) => status = Some(s),
            ServerMessage::Event(Event::TftpRequest(r)) => request = Some(r),
            ServerMessage::Event(Event::TftpDone(e)) => break e,
            _ => {}
        }
    };
    // The page is told where HTTP provisioning listens.
    let provision = status
        .expect("a status first")
        .provision
        .expect("HTTP provisioning");
    assert!(provision.listening, "{provision:?}");
    assert_eq!(provision.address, Some(http.to_string()));
    let request = request.expect("the request came before the end");
    assert_eq!(
        (
            request.transport,
            request.file.as_str(),
            request.served.as_deref()
        ),
        (Transport::Http, "apps.sbn", Some("Apps.sbn"))
    );
    assert_eq!(
        (end.transport, end.file.as_str(), end.stats.bytes),
        (Transport::Http, "Apps.sbn", data.len() as u64)
    );
}
