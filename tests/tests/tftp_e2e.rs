//! `lifeline serve --root/--firmware` as a real process, spoken to by real TFTP
//! clients (curl, busybox, tftp-hpa, atftp) and by a raw UDP client for the
//! hostile cases. Everything runs on loopback with ephemeral ports; tests wait
//! for lines, packets and process exits, never for time. Each wait has a guard
//! deadline against hanging, and every loop is bounded in count and time.
//!
//! The real clients are Debian packages that `.ci/run` installs. In CI
//! (`CI=true`) a missing client fails the test; elsewhere it is skipped with a
//! loud message.

use std::io::{BufRead as _, BufReader};
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lifeline_shared::testkit::noise;
use lifeline_tests::{URL_LINE_PREFIX, http_request, lifeline_bin};
use sha2::{Digest, Sha256};

const TFTP_LINE_PREFIX: &str = "TFTP listening on ";
const GUARD: Duration = Duration::from_secs(60);

/// A running `lifeline serve` with TFTP, killed when dropped.
struct Tftpd {
    child: Child,
    http: SocketAddr,
    tftp: SocketAddr,
    _lines: mpsc::Receiver<String>,
    _data_dir: tempfile::TempDir,
}

impl Tftpd {
    /// Starts the server and waits for its URL and TFTP lines; a server that
    /// prints neither is killed before the test fails.
    fn start(source: &[&str]) -> Self {
        let data_dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(lifeline_bin())
            .args([
                "serve",
                "--http-listen",
                "127.0.0.1:0",
                "--tftp-listen",
                "127.0.0.1:0",
                "--provision-listen",
                "127.0.0.1:0",
            ])
            .arg("--data-dir")
            .arg(data_dir.path())
            .args(source)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cannot start lifeline");
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = rx.recv_timeout(GUARD).unwrap_or_default();
        let Some(http) = url_addr(&first) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the first line is not the URL line: {first:?}");
        };
        match rx.recv_timeout(GUARD) {
            Ok(second) => {
                let tftp = second
                    .strip_prefix(TFTP_LINE_PREFIX)
                    .and_then(|rest| rest.split(',').next())
                    .and_then(|a| a.parse().ok());
                let Some(tftp) = tftp else {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("no TFTP line: {second:?}");
                };
                Self {
                    child,
                    http,
                    tftp,
                    _lines: rx,
                    _data_dir: data_dir,
                }
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("lifeline printed no TFTP line");
            }
        }
    }

    fn vm_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server is gone");
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc status"))
    }
}

/// The address in the start line `Lifeline is serving the UI at http://ADDR/…`.
fn url_addr(line: &str) -> Option<SocketAddr> {
    let rest = line
        .trim()
        .strip_prefix(URL_LINE_PREFIX)?
        .strip_prefix("http://")?;
    rest.split('/').next()?.parse().ok()
}

impl Drop for Tftpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sha256(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The files every interop test serves: sizes around block boundaries.
fn root_with_files() -> (tempfile::TempDir, Vec<(String, Vec<u8>)>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let sizes = [0usize, 1, 511, 512, 513, 1024, 1428 * 3, 100_000, 1_500_000];
    let mut files = Vec::new();
    for (i, size) in sizes.into_iter().enumerate() {
        let name = format!("f{size}.bin");
        let data = noise(i as u64 + 1, size);
        std::fs::write(root.join(&name), &data).unwrap();
        files.push((name, data));
    }
    (dir, files)
}

fn root_of(dir: &tempfile::TempDir) -> String {
    dir.path().join("root").to_string_lossy().into_owned()
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

/// Runs a client command (under `timeout`, so it cannot hang the test) and
/// checks the downloaded file against the source by SHA-256.
fn run_client(label: &str, mut command: Command, out: &Path, expected: &[u8]) {
    let output = command.output().expect("cannot run the client");
    assert!(
        output.status.success(),
        "{label}: {} failed ({}): {}{}",
        expected.len(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let got = std::fs::read(out).unwrap_or_default();
    assert_eq!(
        sha256(&got),
        sha256(expected),
        "{label}: the download differs from the source ({} bytes vs {})",
        got.len(),
        expected.len()
    );
}

fn timed(program: &str) -> Command {
    let mut c = Command::new("timeout");
    c.args(["120", program]);
    c
}

#[test]
fn curl_downloads_match() {
    if !have("curl") {
        return;
    }
    let (dir, files) = root_with_files();
    let server = Tftpd::start(&["--root", &root_of(&dir)]);
    for (name, data) in &files {
        if data.is_empty() {
            // curl 7.88 fails on any empty TFTP file (exit 71, getpeername),
            // with tftpd-hpa too; the other clients cover the empty file.
            continue;
        }
        for blksize in [None, Some("1428"), Some("8")] {
            if blksize == Some("8") && data.len() > 200_000 {
                continue;
            }
            let out = dir.path().join(format!("curl-{name}-{blksize:?}"));
            let mut c = timed("curl");
            c.args(["-sS", "--fail", "-o"]).arg(&out);
            c.arg(format!("tftp://{}/{name}", server.tftp));
            if let Some(b) = blksize {
                c.args(["--tftp-blksize", b]);
            }
            run_client(&format!("curl {name} blksize {blksize:?}"), c, &out, data);
        }
    }
}

#[test]
fn curl_rolls_over_block_numbers() {
    if !have("curl") {
        return;
    }
    // 70 000 blocks of 8 bytes: the block number wraps past 65535.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let data = noise(99, 8 * 70_000 + 5);
    std::fs::write(root.join("wrap.bin"), &data).unwrap();
    let server = Tftpd::start(&["--root", &root.to_string_lossy()]);
    let out = dir.path().join("wrap.out");
    let mut c = timed("curl");
    c.args(["-sS", "--fail", "--tftp-blksize", "8", "-o"])
        .arg(&out);
    c.arg(format!("tftp://{}/wrap.bin", server.tftp));
    run_client("curl rollover", c, &out, &data);
}

#[test]
fn busybox_downloads_match() {
    if !have("busybox") {
        return;
    }
    let (dir, files) = root_with_files();
    let server = Tftpd::start(&["--root", &root_of(&dir)]);
    let port = server.tftp.port().to_string();
    for (name, data) in &files {
        for blksize in ["512", "1024", "1468"] {
            let out = dir.path().join(format!("bb-{name}-{blksize}"));
            let mut c = timed("busybox");
            c.args(["tftp", "-g", "-r", name, "-l"]).arg(&out);
            c.args(["-b", blksize, "127.0.0.1", &port]);
            run_client(&format!("busybox {name} -b {blksize}"), c, &out, data);
        }
    }
}

#[test]
fn tftp_hpa_downloads_match_in_both_modes() {
    if !have("tftp") {
        return;
    }
    let (dir, mut files) = root_with_files();
    let text =
        b"# dialplan\n<DIALTEMPLATE>\r\n  <TEMPLATE MATCH=\"*\"/>\n</DIALTEMPLATE>\n".repeat(200);
    std::fs::write(dir.path().join("root/dialplan.xml"), &text).unwrap();
    let server = Tftpd::start(&["--root", &root_of(&dir)]);
    let port = server.tftp.port().to_string();
    files.push(("dialplan.xml".into(), text.clone()));
    for (name, data) in &files {
        let out = dir.path().join(format!("hpa-{name}"));
        let mut c = timed("tftp");
        c.args(["127.0.0.1", &port, "-m", "binary", "-c", "get", name])
            .arg(&out);
        run_client(&format!("tftp-hpa {name}"), c, &out, data);
    }
    // netascii: converted on the wire, converted back by the client.
    let out = dir.path().join("hpa-ascii-dialplan.xml");
    let mut c = timed("tftp");
    c.args([
        "127.0.0.1",
        &port,
        "-m",
        "ascii",
        "-c",
        "get",
        "dialplan.xml",
    ])
    .arg(&out);
    run_client("tftp-hpa netascii", c, &out, &text);
}

#[test]
fn atftp_downloads_match_with_windows() {
    if !have("atftp") {
        return;
    }
    let (dir, files) = root_with_files();
    let server = Tftpd::start(&["--root", &root_of(&dir)]);
    let port = server.tftp.port().to_string();
    for (name, data) in &files {
        for options in [
            &[][..],
            &["--option", "windowsize 16", "--option", "blksize 1428"][..],
        ] {
            let out = dir.path().join(format!("atftp-{name}-{}", options.len()));
            let mut c = timed("atftp");
            c.args(options);
            c.args(["-g", "-r", name, "-l"]).arg(&out);
            c.args(["127.0.0.1", &port]);
            run_client(&format!("atftp {name} {options:?}"), c, &out, data);
        }
    }
}

/// A raw client: sends an RRQ for `name` and returns the first reply.
fn first_reply(server: SocketAddr, name: &[u8]) -> Vec<u8> {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(GUARD)).unwrap();
    let mut rrq = vec![0, 1];
    rrq.extend_from_slice(name);
    rrq.extend_from_slice(b"\0octet\0");
    socket.send_to(&rrq, server).unwrap();
    let mut buf = vec![0u8; 70_000];
    let (len, tid) = socket.recv_from(&mut buf).expect("no reply to a request");
    buf.truncate(len);
    // Be polite: end any transfer that started.
    if buf.starts_with(&[0, 3]) {
        let _ = socket.send_to(b"\x00\x05\x00\x00bye\0", tid);
    }
    buf
}

/// A raw client: fetches `name` completely (lock-step, 512-byte blocks). Like
/// a real client it repeats its request until the first answer: a request
/// may be dropped by a full socket buffer.
fn fetch(server: SocketAddr, name: &str) -> Vec<u8> {
    fetch_from("127.0.0.1:0", server, name)
}

/// [`fetch`] from a socket bound to `bind` (another loopback address).
fn fetch_from(bind: &str, server: SocketAddr, name: &str) -> Vec<u8> {
    let socket = UdpSocket::bind(bind).unwrap();
    let mut rrq = vec![0, 1];
    rrq.extend_from_slice(name.as_bytes());
    rrq.extend_from_slice(b"\0octet\0");
    let mut buf = vec![0u8; 2048];
    socket
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let mut first = None;
    for _ in 0..GUARD.as_secs() {
        socket.send_to(&rrq, server).unwrap();
        if let Ok(got) = socket.recv_from(&mut buf) {
            first = Some(got);
            break;
        }
    }
    let mut next = first;
    socket.set_read_timeout(Some(GUARD)).unwrap();
    let mut out = Vec::new();
    let mut expected: u16 = 1;
    let deadline = Instant::now() + GUARD;
    loop {
        assert!(Instant::now() < deadline, "fetch took too long");
        let (len, tid) = match next.take() {
            Some(got) => got,
            None => socket.recv_from(&mut buf).expect("no data"),
        };
        let packet = &buf[..len];
        assert_eq!(&packet[..2], [0, 3], "not DATA: {packet:?}");
        let block = u16::from_be_bytes([packet[2], packet[3]]);
        if block == expected {
            out.extend_from_slice(&packet[4..]);
            expected = expected.wrapping_add(1);
        }
        let mut ack = vec![0, 4];
        ack.extend_from_slice(&block.to_be_bytes());
        socket.send_to(&ack, tid).unwrap();
        if block == expected.wrapping_sub(1) && len - 4 < 512 {
            return out;
        }
    }
}

#[test]
fn traversal_battery_never_escapes() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    let root = base.join("root");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    const SECRET: &[u8] = b"TOP-SECRET-MARKER outside the root";
    std::fs::write(base.join("secret.txt"), SECRET).unwrap();
    std::fs::write(root.join("inside.txt"), b"inside").unwrap();
    std::fs::write(root.join("sub/deeper.txt"), b"deeper").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(base.join("secret.txt"), root.join("escape")).unwrap();
        symlink("../secret.txt", root.join("relescape")).unwrap();
        symlink(base, root.join("updir")).unwrap();
        symlink("/etc/passwd", root.join("abs")).unwrap();
        symlink("/dev/zero", root.join("zero")).unwrap();
        symlink("inside.txt", root.join("fine-link")).unwrap();
        let fifo = root.join("fifo");
        let made = Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
    }
    let server = Tftpd::start(&["--root", &root.to_string_lossy()]);

    let deep_up = format!("{}etc/passwd", "../".repeat(100));
    let down_up = format!("{}{}secret.txt", "a/".repeat(40), "../".repeat(41));
    let long = format!("{}secret.txt", "x".repeat(600));
    let forms: Vec<Vec<u8>> = [
        "../secret.txt",
        "..\\secret.txt",
        "/../secret.txt",
        "\\..\\secret.txt",
        "....//secret.txt",
        "....//....//secret.txt",
        "..././secret.txt",
        ".../secret.txt",
        "./../secret.txt",
        "sub/../../secret.txt",
        "sub\\..\\..\\secret.txt",
        "sub/..\\../secret.txt",
        "..\\/..\\/secret.txt",
        "./.././secret.txt",
        "%2e%2e/secret.txt",
        "%2e%2e%2fsecret.txt",
        "..%2fsecret.txt",
        "..%5csecret.txt",
        "%252e%252e%252fsecret.txt",
        "..%c0%afsecret.txt",
        "..%c1%9csecret.txt",
        "/etc/passwd",
        "\\etc\\passwd",
        "//etc/passwd",
        "///etc//passwd",
        "/root/../etc/passwd",
        "C:\\Windows\\win.ini",
        "c:/windows/win.ini",
        "C:secret.txt",
        "\\\\server\\share\\secret.txt",
        "//server/share/secret.txt",
        "secret.txt::$DATA",
        "escape",
        "ESCAPE",
        "/escape",
        "\\Escape",
        "relescape",
        "updir/secret.txt",
        "UPDIR/SECRET.TXT",
        "/updir/secret.txt",
        "abs",
        "zero",
        "fifo",
        "sub",
        "/dev/zero",
        "/dev/urandom",
        "/proc/self/environ",
        "../../../../dev/zero",
        "inside.txt/../../secret.txt",
        "..",
        "../",
        "...",
        "....",
        "/..",
        "\\..",
        "..;/secret.txt",
        "~/secret.txt",
        "~root/.bashrc",
        "$HOME/secret.txt",
        "\u{2025}/secret.txt",
        "\u{ff0e}\u{ff0e}/secret.txt",
        "..\u{2215}secret.txt",
        "..\u{ff0f}secret.txt",
        "..\tsecret.txt",
        &deep_up,
        &down_up,
        &long,
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .chain([
        b"inside.txt\0../secret.txt".to_vec(),
        b"..\xc0\xaf".to_vec(),
        b"\xff\xfe../secret.txt".to_vec(),
    ])
    .collect();
    assert!(forms.len() >= 50, "{} forms", forms.len());

    let mut escapes = Vec::new();
    for form in &forms {
        let reply = first_reply(server.tftp, form);
        let is_error = reply.starts_with(&[0, 5]);
        let code = if is_error {
            u16::from_be_bytes([reply[2], reply[3]])
        } else {
            0
        };
        if !is_error || ![1, 2, 4].contains(&code) || reply.windows(10).any(|w| w == &SECRET[..10])
        {
            escapes.push((String::from_utf8_lossy(form).into_owned(), reply));
        }
    }
    assert!(escapes.is_empty(), "escapes: {escapes:?}");

    // The server still serves what is inside, links inside included.
    assert_eq!(fetch(server.tftp, "inside.txt"), b"inside");
    assert_eq!(fetch(server.tftp, "/sub/DEEPER.txt"), b"deeper");
    assert_eq!(fetch(server.tftp, "fine-link"), b"inside");
}

#[test]
fn a_flood_of_malformed_datagrams_leaves_it_serving_with_bounded_memory() {
    let (dir, files) = root_with_files();
    let server = Tftpd::start(&["--root", &root_of(&dir)]);
    let (name, data) = &files[7]; // 100 000 bytes
    assert_eq!(&fetch(server.tftp, name), data);
    let before = server.vm_kib("VmRSS:");

    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut x: u32 = 0x1234_5678;
    let mut random = move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    let shapes: [&[u8]; 10] = [
        b"",
        b"\x00",
        b"\x00\x01no-nul",
        b"\x00\x01\0octet\0",
        b"\x00\x01a\0octet\0blksize\0",
        b"\x00\x02up\0octet\0",
        b"\x00\x03\x00\x01data",
        b"\x00\x04\x00\x01\x00",
        b"\x00\x06tsize\0",
        b"\x00\x63\xff\xff",
    ];
    let started = Instant::now();
    let mut sent = 0u32;
    let mut buf = [0u8; 1500];
    while sent < 100_000 && started.elapsed() < Duration::from_secs(60) {
        let r = random();
        let datagram: &[u8] = if r % 3 == 0 {
            let len = (r >> 8) as usize % buf.len();
            for b in &mut buf[..len] {
                *b = random() as u8;
            }
            // Never a well-formed read request: those would start transfers.
            if len >= 2 {
                buf[1] |= 0x80;
            }
            &buf[..len]
        } else {
            shapes[r as usize % shapes.len()]
        };
        // A full socket buffer may refuse a send: that is the flood working.
        let _ = socket.send_to(datagram, server.tftp);
        sent += 1;
    }
    assert!(sent >= 100_000, "only {sent} datagrams in 60 s");

    // Still serving, correctly.
    for (name, data) in files.iter().take(8) {
        assert_eq!(&fetch(server.tftp, name), data, "{name}");
    }
    let after = server.vm_kib("VmRSS:");
    let peak = server.vm_kib("VmHWM:");
    assert!(
        after < before + 16 * 1024,
        "RSS grew from {before} kB to {after} kB"
    );
    assert!(peak < 128 * 1024, "peak RSS {peak} kB");
    // And the web UI is unaffected.
    assert_eq!(
        http_request(server.http, "GET", "/no-such-file").status,
        404
    );
}

#[test]
fn an_ad_hoc_bundle_from_a_firmware_zip() {
    use lifeline_shared::bundle::{self, Settings};
    use lifeline_shared::firmware::inspect::inspect_zip;
    let dir = tempfile::tempdir().unwrap();
    let zip = lifeline_shared::testkit::seed_zip();
    let zip_path: PathBuf = dir.path().join("seed.zip");
    std::fs::write(&zip_path, &zip).unwrap();
    let server = Tftpd::start(&["--firmware", &zip_path.to_string_lossy()]);

    let report = inspect_zip("seed.zip", &zip).unwrap();
    let expected = bundle::build(
        &report,
        bundle::firmware_from_zip(&zip, &report).unwrap(),
        &Settings {
            tftp_servers: vec![std::net::Ipv4Addr::LOCALHOST],
            call_managers: vec!["127.0.0.1".into()],
            phones: vec![],
        },
    )
    .unwrap();
    for (name, data) in expected.files() {
        assert_eq!(sha256(&fetch(server.tftp, name)), sha256(data), "{name}");
    }
    let xml = fetch(server.tftp, "/xmldefault.cnf.XML");
    assert!(String::from_utf8_lossy(&xml).contains("127.0.0.1"));
}

#[test]
fn an_ad_hoc_bundle_from_a_cop_sgn_serves_what_the_zip_of_its_files_would() {
    use lifeline_shared::bundle::{self, Settings};
    use lifeline_shared::firmware::inspect::inspect_zip;
    use lifeline_shared::firmware::package::testkit::{SEED_COP, seed_cop, seed_package_files};
    let dir = tempfile::tempdir().unwrap();
    let cop_path: PathBuf = dir.path().join(SEED_COP);
    std::fs::write(&cop_path, seed_cop()).unwrap();
    let server = Tftpd::start(&["--firmware", &cop_path.to_string_lossy()]);

    let zip = lifeline_shared::testkit::zip_of(&seed_package_files());
    let report = inspect_zip("seed.zip", &zip).unwrap();
    let expected = bundle::build(
        &report,
        bundle::firmware_from_zip(&zip, &report).unwrap(),
        &Settings {
            tftp_servers: vec![std::net::Ipv4Addr::LOCALHOST],
            call_managers: vec!["127.0.0.1".into()],
            phones: vec![],
        },
    )
    .unwrap();
    for (name, data) in expected.files() {
        assert_eq!(sha256(&fetch(server.tftp, name)), sha256(data), "{name}");
    }
    assert_eq!(first_reply(server.tftp, b"copstart.sh")[..4], [0, 5, 0, 1]);
}

#[test]
fn a_tftp_port_in_use_is_explained_and_the_ui_keeps_working() {
    let busy = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(lifeline_bin())
        .args(["serve", "--http-listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .arg("--root")
        .arg(dir.path())
        .args(["--tftp-listen", &format!("127.0.0.1:{port}")])
        .args(["--provision-listen", "off"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    let Some(http) = url_addr(&first) else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("the first line is not the URL line: {first:?}");
    };
    let message = loop {
        let line = rx.recv_timeout(GUARD).expect("no error message");
        if line.contains("cannot listen for TFTP") {
            break line;
        }
    };
    assert!(message.contains("in use"), "{message}");
    assert!(message.contains("--tftp-listen"), "{message}");
    assert_eq!(http_request(http, "GET", "/no-such-file").status, 404);
    let _ = child.kill();
    let _ = child.wait();
}

/// Read requests from `from` (a loopback address) whose senders never answer:
/// each from a fresh port whose socket is closed at once.
fn abandoned_requests(from: &str, server: SocketAddr, name: &str, count: usize) {
    let mut rrq = vec![0, 1];
    rrq.extend_from_slice(name.as_bytes());
    rrq.extend_from_slice(b"\0octet\0");
    for _ in 0..count {
        let socket = UdpSocket::bind(from).unwrap();
        socket.send_to(&rrq, server).unwrap();
    }
}

/// A folder with one 20 KB file, `phone.bin`.
fn phone_root() -> (tempfile::TempDir, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let data = noise(15, 20_000);
    std::fs::write(dir.path().join("phone.bin"), &data).unwrap();
    (dir, data)
}

#[test]
fn a_flood_of_abandoned_requests_from_one_address_does_not_keep_a_phone_out() {
    let (dir, data) = phone_root();
    let root = dir.path().to_str().unwrap();
    let server = Tftpd::start(&["--root", root]);
    abandoned_requests("127.0.0.2:0", server.tftp, "phone.bin", 2000);
    // A well-behaved client at another address is served, not refused.
    assert_eq!(fetch_from("127.0.0.3:0", server.tftp, "phone.bin"), data);
}

#[test]
fn with_every_slot_claimed_by_a_flood_a_phone_evicts_a_claim() {
    let (dir, data) = phone_root();
    let root = dir.path().to_str().unwrap();
    // No per-address cap to speak of: the flood takes every slot, and only
    // eviction of claims lets the phone in.
    let server = Tftpd::start(&[
        "--root",
        root,
        "--tftp-max-transfers",
        "16",
        "--tftp-max-per-client",
        "100000",
    ]);
    abandoned_requests("127.0.0.2:0", server.tftp, "phone.bin", 2000);
    assert_eq!(fetch_from("127.0.0.3:0", server.tftp, "phone.bin"), data);
}
