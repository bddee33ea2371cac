//! `lifeline serve --dhcp` as a real process, in a network namespace the test
//! makes itself, answering real clients in a second namespace across a veth
//! pair: busybox `udhcpc`, ISC `dhclient`, with `tshark` watching the wire,
//! and `dnsmasq` playing another DHCP server on the segment.
//!
//! No packet leaves the namespaces: every address (10.77.0.0/24) exists only
//! on the veth pair, and both namespaces are deleted when the test ends (the
//! processes in them are killed first). Names carry the process id and a
//! counter, so tests run in parallel.
//!
//! Tests wait for lines (a log line, a script's output, tshark's "Capturing
//! on") and for process exits, never for time; each wait has a guard deadline
//! against hanging. Outside CI a machine that cannot create namespaces, or
//! lacks a tool, skips with a loud message; in CI (`CI=true`) that fails.

use std::io::{BufRead as _, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lifeline_tests::lifeline_bin;

/// The longest any one wait may take: a guard, not a delay.
const GUARD: Duration = Duration::from_secs(60);
/// The server's address on its side of the veth pair.
const SERVER: &str = "10.77.0.1";
/// The rival's address on the client side.
const RIVAL: &str = "10.77.0.2";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Skips (outside CI) or fails (in CI) with `why`. Returns `true` to skip.
fn cannot_run(why: &str) -> bool {
    assert!(!in_ci(), "{why}; CI=true, so this test must run");
    eprintln!("SKIPPED: {why}");
    true
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run(program: &str, args: &[&str]) -> Result<(), String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{program} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Two namespaces joined by a veth pair: `a` (the server side) holds
/// 10.77.0.1/24, `b` (the client side) has no address.
struct Netns {
    a: String,
    b: String,
    va: String,
    vb: String,
}

impl Netns {
    /// Creates the pair, or says why it cannot.
    fn create() -> Result<Self, String> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let pid = std::process::id();
        let ns = Netns {
            a: format!("lldhcp{pid}n{n}a"),
            b: format!("lldhcp{pid}n{n}b"),
            va: format!("l{}{n}a", pid % 1_000_000),
            vb: format!("l{}{n}b", pid % 1_000_000),
        };
        run("ip", &["netns", "add", &ns.a])?;
        // From here on, Drop cleans up whatever was made.
        run("ip", &["netns", "add", &ns.b])?;
        run(
            "ip",
            &[
                "-n", &ns.a, "link", "add", &ns.va, "type", "veth", "peer", "name", &ns.vb,
                "netns", &ns.b,
            ],
        )?;
        run(
            "ip",
            &[
                "-n",
                &ns.a,
                "addr",
                "add",
                &format!("{SERVER}/24"),
                "dev",
                &ns.va,
            ],
        )?;
        for (space, dev) in [
            (&ns.a, &ns.va),
            (&ns.a, &"lo".to_owned()),
            (&ns.b, &ns.vb),
            (&ns.b, &"lo".to_owned()),
        ] {
            run("ip", &["-n", space, "link", "set", dev, "up"])?;
        }
        Ok(ns)
    }

    /// `program args…` inside namespace `space`.
    fn command(space: &str, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", space, program]);
        c.stdin(Stdio::null());
        c
    }

    /// Gives the client side an address (for a rival server there).
    fn address_b(&self, addr: &str) {
        run(
            "ip",
            &[
                "-n",
                &self.b,
                "addr",
                "add",
                &format!("{addr}/24"),
                "dev",
                &self.vb,
            ],
        )
        .unwrap();
    }

    /// The client side's MAC, as Lifeline writes it.
    fn mac_b(&self) -> String {
        let out = Command::new("ip")
            .args(["-n", &self.b, "-o", "link", "show", &self.vb])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let mac = text
            .split_whitespace()
            .skip_while(|w| *w != "link/ether")
            .nth(1)
            .unwrap_or_else(|| panic!("no MAC in {text}"));
        mac.replace(':', "").to_uppercase()
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        // Deleting a namespace deletes its end of the veth pair, and the peer with it.
        let _ = run("ip", &["netns", "del", &self.a]);
        let _ = run("ip", &["netns", "del", &self.b]);
    }
}

/// Makes the namespaces, or skips / fails as the module says.
fn netns_or_skip() -> Option<Netns> {
    for tool in ["ip", "busybox", "tshark", "dnsmasq"] {
        if !have(tool) && cannot_run(&format!("`{tool}` is not installed (see .ci/run)")) {
            return None;
        }
    }
    match Netns::create() {
        Ok(ns) => Some(ns),
        Err(e) => {
            cannot_run(&format!("cannot create network namespaces: {e}"));
            None
        }
    }
}

/// A child process whose output lines arrive on a channel; killed when dropped.
struct Proc {
    name: &'static str,
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Proc {
    fn spawn(name: &'static str, mut command: Command) -> Self {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let (tx, lines) = mpsc::channel();
        fn pump(r: impl Read + Send + 'static, tx: mpsc::Sender<String>) {
            std::thread::spawn(move || {
                for line in BufReader::new(r).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        pump(child.stdout.take().unwrap(), tx.clone());
        pump(child.stderr.take().unwrap(), tx);
        Proc {
            name,
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line containing `needle`; panics with the output so far
    /// if the process ends or the guard passes first.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + GUARD;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    eprintln!("[{}] {line}", self.name);
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(e) => panic!(
                    "{} printed no line containing {needle:?} ({e}); it printed:\n{}",
                    self.name,
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Every line so far, and the rest once the process has exited.
    fn drain(&mut self) -> String {
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(0)) {
            self.seen.push(line);
        }
        self.seen.join("\n")
    }

    /// Waits for the process to exit by itself.
    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + GUARD;
        loop {
            // Reading the lines also tells when the pipes close.
            match self.lines.recv_timeout(Duration::from_millis(50)) {
                Ok(line) => {
                    eprintln!("[{}] {line}", self.name);
                    self.seen.push(line);
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return self.child.wait().unwrap();
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not exit; it printed:\n{}",
                self.name,
                self.seen.join("\n")
            );
        }
    }

    /// SIGTERM, then waits for the exit.
    fn terminate(&mut self) -> ExitStatus {
        run("kill", &["-TERM", &self.child.id().to_string()]).unwrap();
        self.wait_exit()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `lifeline serve --dhcp MODE` on the server side.
fn lifeline(ns: &Netns, data: &Path, extra: &[&str]) -> Proc {
    let mut c = Netns::command(&ns.a, lifeline_bin().to_str().unwrap());
    c.args([
        "serve",
        "--http-listen",
        "127.0.0.1:0",
        "--interface",
        &ns.va,
    ])
    .arg("--data-dir")
    .arg(data)
    .args(["--dhcp-rival-wait", "2s"])
    .args(extra)
    .env("RUST_LOG", "info")
    .env("NO_COLOR", "1");
    Proc::spawn("lifeline", c)
}

/// `busybox udhcpc -O 150 -O 66` on the client side, its script printing
/// what it got; returns the script's `bound` line.
fn udhcpc(ns: &Netns, dir: &Path) -> String {
    let script = dir.join("udhcpc.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\necho \"udhcpc $1 ip=$ip siaddr=$siaddr opt150=$opt150 tftp=$tftp\"\n",
    )
    .unwrap();
    make_executable(&script);
    let mut c = Netns::command(&ns.b, "busybox");
    c.args([
        "udhcpc", "-i", &ns.vb, "-n", "-q", "-f", "-O", "150", "-O", "66", "-s",
    ])
    .arg(&script);
    let mut p = Proc::spawn("udhcpc", c);
    let bound = p.wait_for("udhcpc bound");
    assert!(p.wait_exit().success(), "udhcpc failed:\n{}", p.drain());
    bound
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn field<'a>(line: &'a str, key: &str) -> &'a str {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
        .unwrap_or_else(|| panic!("no {key}= in {line:?}"))
}

fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("lifeline-dhcp-e2e-")
        .tempdir()
        .unwrap()
}

#[test]
fn udhcpc_gets_option_150_tshark_decodes_it_and_the_lease_survives_a_restart() {
    let Some(ns) = netns_or_skip() else { return };
    let dir = tempdir();
    let data: PathBuf = dir.path().join("data");
    let mut server = lifeline(&ns, &data, &["--dhcp", "all"]);
    server.wait_for("DHCP server listening");

    let capture = dir.path().join("dora.pcapng");
    let mut c = Netns::command(&ns.b, "tshark");
    c.args([
        "-i",
        &ns.vb,
        "-f",
        "udp port 67 or udp port 68",
        "-c",
        "4",
        "-w",
    ])
    .arg(&capture);
    let mut tshark = Proc::spawn("tshark", c);
    tshark.wait_for("Capturing on");

    let bound = udhcpc(&ns, dir.path());
    let ip = field(&bound, "ip").to_owned();
    assert!(ip.starts_with("10.77.0."), "{bound}");
    assert_eq!(
        field(&bound, "opt150"),
        "0a4d0001",
        "option 150 = 10.77.0.1, network order"
    );
    assert_eq!(field(&bound, "tftp"), SERVER, "option 66");
    assert_eq!(field(&bound, "siaddr"), SERVER);
    server.wait_for("dhcp lease");

    // tshark stops after DISCOVER, OFFER, REQUEST, ACK.
    assert!(
        tshark.wait_exit().success(),
        "tshark failed:\n{}",
        tshark.drain()
    );
    let decoded = Command::new("tshark")
        .args(["-r"])
        .arg(&capture)
        .args(["-V", "-Y", "dhcp"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&decoded.stdout);
    assert!(text.contains("Option: (150) TFTP Server Address"), "{text}");
    assert!(
        text.contains(&format!("TFTP Server Address: {SERVER}")),
        "{text}"
    );
    assert!(text.contains("DHCP Message Type (ACK)"), "{text}");

    // A clean stop writes the lease; a new process reads it back.
    assert!(server.terminate().success(), "{}", server.drain());
    let file = std::fs::read_to_string(data.join("dhcp-leases.json")).unwrap();
    assert!(file.contains(&ns.mac_b()) && file.contains(&ip), "{file}");
    let mut again = lifeline(&ns, &data, &["--dhcp", "all"]);
    again.wait_for("leases=1");
    let bound = udhcpc(&ns, dir.path());
    assert_eq!(
        field(&bound, "ip"),
        ip,
        "the same address after the restart"
    );
}

#[test]
fn dhclient_gets_option_150() {
    let Some(ns) = netns_or_skip() else { return };
    if !have("dhclient") {
        cannot_run("`dhclient` is not installed (Debian: isc-dhcp-client)");
        return;
    }
    let dir = tempdir();
    let mut server = lifeline(
        &ns,
        &dir.path().join("data"),
        &["--dhcp", "all", "--dhcp-no-probe"],
    );
    server.wait_for("DHCP server listening");

    let conf = dir.path().join("dhclient.conf");
    std::fs::write(
        &conf,
        "option tftp150 code 150 = array of ip-address;\n\
         request subnet-mask, routers, tftp-server-name, tftp150;\n",
    )
    .unwrap();
    let script = dir.path().join("dhclient-script");
    std::fs::write(
        &script,
        "#!/bin/sh\necho \"dhclient reason=$reason ip=$new_ip_address \
         tftp150=$new_tftp150 tftp=$new_tftp_server_name siaddr=$new_next_server\"\n",
    )
    .unwrap();
    make_executable(&script);
    let mut c = Netns::command(&ns.b, "dhclient");
    c.args(["-d", "-1", "-v", "-cf"])
        .arg(&conf)
        .arg("-sf")
        .arg(&script)
        .arg("-lf")
        .arg(dir.path().join("dhclient.leases"))
        .arg("-pf")
        .arg(dir.path().join("dhclient.pid"))
        .arg(&ns.vb);
    let mut client = Proc::spawn("dhclient", c);
    let bound = client.wait_for("reason=BOUND");
    assert_eq!(field(&bound, "tftp150"), SERVER);
    assert_eq!(field(&bound, "tftp"), SERVER);
    assert_eq!(field(&bound, "siaddr"), SERVER);
    assert!(field(&bound, "ip").starts_with("10.77.0."), "{bound}");
}

/// dnsmasq on the client side of the segment, handing out option 150 too.
fn rival(ns: &Netns, dir: &Path) -> Proc {
    ns.address_b(RIVAL);
    let mut c = Netns::command(&ns.b, "dnsmasq");
    c.args([
        "--no-daemon",
        "--conf-file=/dev/null",
        "--port=0",
        "--bind-interfaces",
        "--leasefile-ro",
        "--no-ping",
        "--log-facility=-",
        "--dhcp-range=10.77.0.50,10.77.0.60,255.255.255.0,1h",
        "--dhcp-option=150,10.77.0.9",
    ])
    .arg(format!("--interface={}", ns.vb))
    .arg(format!("--pid-file={}", dir.join("dnsmasq.pid").display()));
    let mut p = Proc::spawn("dnsmasq", c);
    p.wait_for("DHCP, IP range");
    p
}

#[test]
fn a_rival_dnsmasq_is_reported_and_all_mode_refuses_to_start_beside_it() {
    let Some(ns) = netns_or_skip() else { return };
    let dir = tempdir();
    let _dnsmasq = rival(&ns, dir.path());

    let mut all = lifeline(&ns, &dir.path().join("data"), &["--dhcp", "all"]);
    let line = all.wait_for("another DHCP server is on this segment");
    assert!(line.contains(&format!("{RIVAL} offers 10.77.0.")), "{line}");
    assert!(line.contains("option 150 (10.77.0.9)"), "{line}");
    let status = all.wait_exit();
    let out = all.drain();
    assert!(
        !status.success(),
        "`--dhcp all` must refuse beside a rival:\n{out}"
    );
    assert!(
        out.contains("--force") && out.contains("cisco-only"),
        "{out}"
    );
    assert!(!out.contains("DHCP server listening"), "{out}");

    let mut phones = lifeline(&ns, &dir.path().join("data"), &["--dhcp", "cisco-only"]);
    let line = phones.wait_for("another DHCP server is on this segment");
    assert!(line.contains(RIVAL), "{line}");
    phones.wait_for("answering Cisco phones only");
    phones.wait_for("DHCP server listening");
    drop(phones);

    let mut forced = lifeline(&ns, &dir.path().join("data"), &["--dhcp", "all", "--force"]);
    forced.wait_for("as --force asks");
    forced.wait_for("DHCP server listening");
}

#[test]
fn an_address_that_answers_a_ping_is_skipped() {
    let Some(ns) = netns_or_skip() else { return };
    // A host with a static address at the start of the range: the ICMP probe
    // finds it, and the phone gets the next address.
    let range_start = "10.77.0.128";
    ns.address_b(range_start);
    let dir = tempdir();
    let mut server = lifeline(&ns, &dir.path().join("data"), &["--dhcp", "all"]);
    server.wait_for("DHCP server listening");
    let bound = udhcpc(&ns, dir.path());
    server.wait_for("another host answers at this address");
    assert_eq!(field(&bound, "ip"), "10.77.0.129", "{bound}");
    assert_eq!(field(&bound, "opt150"), "0a4d0001");
}
