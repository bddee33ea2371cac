//! End-to-end test support: find (or build) the real `lifeline` binary, run it
//! as a child process, and talk plain HTTP/1.1 to it over `std::net`.
//!
//! The binary is `$LIFELINE_BIN` when set (`cargo xtask test` sets it to the
//! build that embeds a fresh `dist/`); otherwise it is built once per test
//! process with `cargo build -p lifeline-helper --bin lifeline`, so a plain
//! `cargo test` never runs a stale binary.
//!
//! [`netns`] and [`process`] serve the tests that need a real network segment
//! (DHCP, simulated phones) and the other programs on it.

pub mod netns;
pub mod process;
pub mod tmpfs;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::Duration;

/// The line `lifeline serve` prints on stdout once it listens, before the URL.
pub const URL_LINE_PREFIX: &str = "Lifeline is serving the UI at ";

/// The line `lifeline serve` prints on stdout when HTTP provisioning listens,
/// before its address.
pub const PROVISION_LINE_PREFIX: &str = "HTTP provisioning listening on ";

/// How long a starting server may take to print its URL line. A guard against
/// hanging forever, not a synchronisation delay: tests wait for the line itself.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The workspace root (this crate lives in `<root>/tests`).
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate is inside the workspace")
}

/// Path of the `lifeline` binary under test; see the crate docs.
pub fn lifeline_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| match std::env::var_os("LIFELINE_BIN") {
        Some(path) => {
            let path = PathBuf::from(path);
            assert!(
                path.is_file(),
                "LIFELINE_BIN={} is not a file",
                path.display()
            );
            path
        }
        None => build_lifeline(),
    })
}

fn build_lifeline() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "-p",
            "lifeline-helper",
            "--bin",
            "lifeline",
            "--message-format=json-render-diagnostics",
        ])
        .current_dir(workspace_root())
        .stderr(Stdio::inherit())
        .output()
        .expect("cannot run cargo to build lifeline");
    assert!(
        output.status.success(),
        "building lifeline failed ({})",
        output.status
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "lifeline")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo did not report the lifeline executable")
}

/// The SHA-256 of `data` in lower-case hex, as bundle manifests write it.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A running `lifeline serve`, killed when dropped.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// The URL from the start line, e.g. `http://127.0.0.1:41234/#token=…`.
    pub url: String,
    /// The address the server listens on.
    pub addr: SocketAddr,
    /// The pairing token from the URL's fragment, when there is one.
    pub token: Option<String>,
    /// Every later stdout line.
    lines: mpsc::Receiver<String>,
    /// The default data directory, removed on drop.
    _data_dir: tempfile::TempDir,
}

impl Server {
    /// Starts `lifeline serve --http-listen 127.0.0.1:0` and waits for its URL line.
    pub fn start() -> Self {
        Self::start_with(&["--http-listen", "127.0.0.1:0"])
    }

    /// Starts `lifeline serve` on loopback ports with `data` as its data
    /// directory (left in place when the server ends) and `extra` flags.
    pub fn start_in(data: &Path, extra: &[&str]) -> Self {
        let data = data.to_str().expect("a UTF-8 data directory path");
        let mut args = vec!["--http-listen", "127.0.0.1:0", "--data-dir", data];
        args.extend_from_slice(extra);
        Self::start_with(&args)
    }

    /// Starts `lifeline serve ARGS...` and waits for its URL line. Panics with
    /// the server's stderr if it exits first.
    ///
    /// Unless given, `--data-dir` is a fresh temporary folder (removed with the
    /// server) and `--tftp-listen` is `127.0.0.1:0`, so tests never touch the
    /// user's data or port 69 and run in parallel; `--provision-listen` is
    /// `127.0.0.1:0` too.
    pub fn start_with(args: &[&str]) -> Self {
        let data_dir = tempfile::tempdir().expect("a temporary data directory");
        let mut extra: Vec<String> = Vec::new();
        if !args.contains(&"--data-dir") {
            extra.push("--data-dir".into());
            extra.push(data_dir.path().display().to_string());
        }
        if !args.contains(&"--tftp-listen") {
            extra.push("--tftp-listen".into());
            extra.push("127.0.0.1:0".into());
        }
        // A test's helper hears only what its test sends it, not the CDP or
        // LLDP of this machine's network.
        if !args.contains(&"--neighbours") {
            extra.push("--neighbours".into());
            extra.push("off".into());
        }
        if !args.contains(&"--provision-listen") {
            extra.push("--provision-listen".into());
            extra.push("127.0.0.1:0".into());
        }
        let mut child = Command::new(lifeline_bin())
            .arg("serve")
            .args(args)
            .args(&extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot start lifeline");

        // Read stdout on a thread so that the wait can time out; it keeps
        // draining stdout afterwards.
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        let (line_tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if !sent && let Some(url) = line.strip_prefix(URL_LINE_PREFIX) {
                    let _ = tx.send(url.to_owned());
                    sent = true;
                } else {
                    let _ = line_tx.send(line);
                }
            }
        });
        // Forward stderr (logs) to this process's stderr, where the test
        // harness shows it for failing tests' runs.
        let stderr = child.stderr.take().expect("stderr is piped");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                eprintln!("[lifeline] {line}");
            }
        });

        let url = match rx.recv_timeout(START_TIMEOUT) {
            Ok(url) => url,
            Err(error) => {
                let _ = child.kill();
                let status = child.wait().ok();
                panic!("lifeline serve printed no URL line ({error}); exit status {status:?}");
            }
        };
        let (base, fragment) = url.split_once('#').unwrap_or((url.as_str(), ""));
        let addr = base
            .strip_prefix("http://")
            .and_then(|rest| rest.strip_suffix('/'))
            .and_then(|hostport| hostport.parse().ok())
            .unwrap_or_else(|| panic!("unexpected URL in the start line: {url:?}"));
        let token = fragment.strip_prefix("token=").map(str::to_owned);
        Self {
            child,
            url,
            addr,
            token,
            lines,
            _data_dir: data_dir,
        }
    }

    /// Waits for a stdout line that starts with `prefix` and returns the rest.
    pub fn wait_for_line(&self, prefix: &str) -> String {
        let deadline = std::time::Instant::now() + START_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.strip_prefix(prefix) {
                        return rest.to_owned();
                    }
                }
                Err(e) => panic!("lifeline printed no line starting {prefix:?} ({e})"),
            }
        }
    }

    /// Waits for the `TFTP listening on ADDR, …` line and returns `ADDR`.
    pub fn wait_for_tftp(&self) -> SocketAddr {
        let line = self.wait_for_line("TFTP listening on ");
        let addr = line.split(',').next().unwrap_or_default().trim();
        addr.parse()
            .unwrap_or_else(|_| panic!("no TFTP address in {line:?}"))
    }

    /// Waits for the `HTTP provisioning listening on ADDR: …` line and
    /// returns `ADDR`.
    pub fn wait_for_provision(&self) -> SocketAddr {
        let line = self.wait_for_line(PROVISION_LINE_PREFIX);
        let addr = line.split(':').take(2).collect::<Vec<_>>().join(":");
        addr.parse()
            .unwrap_or_else(|_| panic!("no HTTP provisioning address in {line:?}"))
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    pub fn kill_hard(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the server to exit by itself, at most `timeout`.
    pub fn wait_timeout(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("cannot poll lifeline") {
                return Some(status);
            }
            if std::time::Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `GET path` against this server.
    pub fn get(&self, path: &str) -> HttpResponse {
        http_request(self.addr, "GET", path)
    }

    /// `GET path` with this `Accept-Encoding`, or none.
    pub fn get_encoded(&self, path: &str, accept_encoding: Option<&str>) -> HttpResponse {
        http_request_encoded(self.addr, "GET", path, accept_encoding)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A parsed HTTP response.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header with this (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one HTTP/1.1 request with `Connection: close` and
/// `Accept-Encoding: identity`, and reads the whole response.
pub fn http_request(addr: SocketAddr, method: &str, path: &str) -> HttpResponse {
    http_request_encoded(addr, method, path, Some("identity"))
}

/// [`http_request`] with this `Accept-Encoding` header, or none. The body is
/// returned as sent, not decoded.
pub fn http_request_encoded(
    addr: SocketAddr,
    method: &str,
    path: &str,
    accept_encoding: Option<&str>,
) -> HttpResponse {
    let mut stream = TcpStream::connect(addr).expect("cannot connect to lifeline");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("set_read_timeout");
    let accept = accept_encoding
        .map(|value| format!("Accept-Encoding: {value}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{accept}\r\n"
    )
    .expect("cannot send the request");
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .expect("cannot read the response");
    parse_response(&raw, method == "HEAD")
}

fn parse_response(raw: &[u8], head: bool) -> HttpResponse {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("no end of headers in the response");
    let head_text = std::str::from_utf8(&raw[..split]).expect("headers are not UTF-8");
    let mut lines = head_text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &raw[split + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if head {
        Vec::new()
    } else if chunked {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    HttpResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("bad chunk header");
        let size_text = std::str::from_utf8(&data[..line_end]).expect("bad chunk size");
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).expect("bad chunk size");
        data = &data[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_chunked_responses() {
        let plain = parse_response(
            b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\ncontent-length: 3\r\n\r\nno\n",
            false,
        );
        assert_eq!(plain.status, 404);
        assert_eq!(plain.header("content-type"), Some("text/plain"));
        assert_eq!(plain.body, b"no\n");

        let chunked = parse_response(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n",
            false,
        );
        assert_eq!(chunked.status, 200);
        assert_eq!(chunked.body, b"abcde");
    }
}

/// A lock-step TFTP client (RFC 1350, octet, no options), stepped by the test so
/// it controls when each block is acknowledged.
#[derive(Debug)]
pub struct TftpDownload {
    socket: std::net::UdpSocket,
    peer: Option<SocketAddr>,
    server: SocketAddr,
    block: u16,
    done: bool,
    /// The bytes received so far.
    pub data: Vec<u8>,
}

impl TftpDownload {
    /// Sends a read request for `file` to `server`.
    pub fn start(server: SocketAddr, file: &str) -> Self {
        Self::start_from(std::net::Ipv4Addr::LOCALHOST, server, file)
    }

    /// [`TftpDownload::start`] from `source` (a loopback address: one phone each).
    pub fn start_from(source: std::net::Ipv4Addr, server: SocketAddr, file: &str) -> Self {
        let socket = std::net::UdpSocket::bind((source, 0)).expect("bind a client socket");
        socket
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("set_read_timeout");
        let mut rrq = vec![0, 1];
        rrq.extend(file.as_bytes());
        rrq.push(0);
        rrq.extend(b"octet\0");
        socket.send_to(&rrq, server).expect("send RRQ");
        Self {
            socket,
            peer: None,
            server,
            block: 0,
            done: false,
            data: Vec::new(),
        }
    }

    /// Receives the next block and acknowledges it. `Ok(false)` once the file is
    /// complete; `Err` with the server's error message.
    pub fn step(&mut self) -> Result<bool, String> {
        if self.done {
            return Ok(false);
        }
        let mut buf = [0u8; 516];
        loop {
            let (n, from) = self
                .socket
                .recv_from(&mut buf)
                .map_err(|e| format!("no answer: {e}"))?;
            if from.ip() != self.server.ip() {
                continue;
            }
            let p = &buf[..n];
            match (p.get(1), p.get(2..4)) {
                (Some(3), Some(b)) => {
                    let block = u16::from_be_bytes([b[0], b[1]]);
                    self.peer.get_or_insert(from);
                    if block == self.block.wrapping_add(1) {
                        self.block = block;
                        self.data.extend_from_slice(&p[4..]);
                        let mut ack = vec![0, 4];
                        ack.extend(block.to_be_bytes());
                        self.socket.send_to(&ack, from).map_err(|e| e.to_string())?;
                        if n < 516 {
                            self.done = true;
                            return Ok(false);
                        }
                        return Ok(true);
                    }
                }
                (Some(5), _) => {
                    return Err(String::from_utf8_lossy(
                        p.get(4..n.saturating_sub(1)).unwrap_or_default(),
                    )
                    .into_owned());
                }
                _ => {}
            }
        }
    }

    /// Runs to the end and returns the file.
    pub fn finish(mut self) -> Result<Vec<u8>, String> {
        while self.step()? {}
        Ok(self.data)
    }
}
