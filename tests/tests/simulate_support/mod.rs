//! Support for the `lifeline simulate` end-to-end tests: synthetic firmware
//! zips, bundles made by `lifeline bundle`, a bounded run of the simulator,
//! and two network namespaces joined by a veth pair.
//!
//! Every wait waits for an event (a line, an exit) and has a guard deadline
//! against hanging; none is a delay. Namespaces carry the process id and a
//! counter in their names and are deleted on drop; no address in them exists
//! outside them.

#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lifeline_shared::testkit;
use lifeline_tests::lifeline_bin;

/// The longest a server may take to say it is ready: a guard, not a delay.
pub const READY_GUARD: Duration = Duration::from_secs(60);

/// A seed-shaped firmware whose manifests spell the first image `Jar41…`
/// while the archive stores `jar41…` (the 8.2–8.3 case problem).
pub fn capital_jar_zip() -> Vec<u8> {
    let mut listed: Vec<String> = testkit::SEED_IMAGES
        .iter()
        .map(|(n, _)| (*n).to_owned())
        .collect();
    listed[0] = "Jar41sccp.8-3-2-27.sbn".to_owned();
    let names: Vec<&str> = listed.iter().map(String::as_str).collect();
    let body = testkit::manifest_body("8-3-2-27", None, &names);
    let files: Vec<(String, Vec<u8>)> = testkit::seed_files()
        .into_iter()
        .map(|(name, data)| {
            if name.ends_with(".loads") {
                let signed = testkit::signed_file(&name, &body);
                (name, signed)
            } else {
                (name, data)
            }
        })
        .collect();
    testkit::zip_of(&files)
}

/// Writes `zip` to `dir/name` and bundles it with `lifeline bundle` into
/// `dir/bundle-NAME`, with option 150 = `tftp` and a `SEP<MAC>.cnf.xml` for
/// each of `phones` (7961s). Returns the bundle folder.
pub fn bundle(
    dir: &Path,
    name: &str,
    zip: &[u8],
    tftp: &str,
    phones: &[String],
) -> std::path::PathBuf {
    let zip_path = dir.join(name);
    std::fs::write(&zip_path, zip).unwrap();
    // A folder: an --out ending in .zip would make a zip.
    let out = dir.join(format!("bundle-{}", name.trim_end_matches(".zip")));
    let mut c = Command::new(lifeline_bin());
    c.arg("bundle")
        .arg(&zip_path)
        .args(["--tftp-server", tftp])
        .arg("--out")
        .arg(&out);
    for p in phones {
        c.args(["--phone", &format!("{p}=7961")]);
    }
    let output = c.stdin(Stdio::null()).output().unwrap();
    assert!(
        output.status.success(),
        "lifeline bundle failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// What a finished `lifeline simulate` said.
#[derive(Debug)]
pub struct Outcome {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// Its `--json` report.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "simulate printed no JSON ({e}):\n{}\n{}",
                self.stdout, self.stderr
            )
        })
    }

    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }
}

/// Runs `command` to its end, at most `guard` (then kills it and fails).
pub fn run_bounded(mut command: Command, guard: Duration) -> Outcome {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start the command");
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(guard) {
        Ok(Ok(out)) => Outcome {
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        },
        Ok(Err(e)) => panic!("waiting for the command failed: {e}"),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("the command did not finish within {guard:?}");
        }
    }
}

/// `lifeline simulate ARGS…`, directly or inside namespace `ns`.
pub fn simulate(ns: Option<&str>, args: &[&str], guard: Duration) -> Outcome {
    let mut c = match ns {
        Some(ns) => {
            let mut c = Command::new("ip");
            c.args(["netns", "exec", ns]).arg(lifeline_bin());
            c
        }
        None => Command::new(lifeline_bin()),
    };
    c.arg("simulate").args(args).env("NO_COLOR", "1");
    run_bounded(c, guard)
}

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Skips (outside CI) or fails (in CI, where everything must run).
pub fn cannot_run(why: &str) {
    assert!(!in_ci(), "{why}; CI=true, so this test must run");
    eprintln!("SKIPPED: {why}");
}

pub fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

pub fn run(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{program} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// The server side's address.
pub const SERVER: &str = "10.78.0.1";
/// The phones' side's own address (outside every DHCP range used).
pub const PHONES: &str = "10.78.0.250";

/// Two namespaces joined by a veth pair: `server` holds 10.78.0.1/24,
/// `phones` 10.78.0.250/24 (the simulated phones fetch files from it).
pub struct Pair {
    pub server: String,
    pub phones: String,
    pub server_if: String,
    pub phones_if: String,
}

impl Pair {
    pub fn create() -> Result<Self, String> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let pid = std::process::id();
        let pair = Pair {
            server: format!("llsim{pid}n{n}s"),
            phones: format!("llsim{pid}n{n}p"),
            server_if: format!("ls{}{n}s", pid % 1_000_000),
            phones_if: format!("ls{}{n}p", pid % 1_000_000),
        };
        run("ip", &["netns", "add", &pair.server])?;
        // From here on, Drop removes whatever was made.
        let made = (|| {
            run("ip", &["netns", "add", &pair.phones])?;
            run(
                "ip",
                &[
                    "-n",
                    &pair.server,
                    "link",
                    "add",
                    &pair.server_if,
                    "type",
                    "veth",
                    "peer",
                    "name",
                    &pair.phones_if,
                    "netns",
                    &pair.phones,
                ],
            )?;
            for (ns, dev, addr) in [
                (&pair.server, &pair.server_if, SERVER),
                (&pair.phones, &pair.phones_if, PHONES),
            ] {
                run(
                    "ip",
                    &["-n", ns, "addr", "add", &format!("{addr}/24"), "dev", dev],
                )?;
                run("ip", &["-n", ns, "link", "set", dev, "up"])?;
                run("ip", &["-n", ns, "link", "set", "lo", "up"])?;
            }
            Ok::<(), String>(())
        })();
        match made {
            Ok(()) => Ok(pair),
            Err(e) => Err(e),
        }
    }

    /// `program` inside namespace `ns`.
    pub fn command(ns: &str, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", ns, program]);
        c.stdin(Stdio::null());
        c
    }

    /// Drops `percent`% of UDP datagrams each way on the phones' side
    /// (nftables `numgen random`), counting what it drops.
    pub fn lose(&self, percent: u32) -> Result<(), String> {
        let rules = format!(
            "table inet lifeline_loss {{\n\
             chain input {{ type filter hook input priority 0; policy accept; \
             meta l4proto udp numgen random mod 100 < {percent} counter drop; }}\n\
             chain output {{ type filter hook output priority 0; policy accept; \
             meta l4proto udp numgen random mod 100 < {percent} counter drop; }}\n\
             }}\n"
        );
        let mut child = Self::command(&self.phones, "nft")
            .args(["-f", "-"])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("nft: {e}"))?;
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(rules.as_bytes())
            .map_err(|e| format!("nft: {e}"))?;
        let out = child.wait_with_output().map_err(|e| format!("nft: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "nft: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }

    /// Packets the loss rules dropped so far.
    pub fn dropped(&self) -> u64 {
        let listing = run(
            "ip",
            &[
                "netns",
                "exec",
                &self.phones,
                "nft",
                "list",
                "table",
                "inet",
                "lifeline_loss",
            ],
        )
        .unwrap();
        listing
            .split_whitespace()
            .collect::<Vec<_>>()
            .windows(2)
            .filter(|w| w[0] == "packets")
            .filter_map(|w| w[1].parse::<u64>().ok())
            .sum()
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        // Deleting a namespace deletes its end of the pair, the peer with it,
        // and its nftables tables.
        let _ = run("ip", &["netns", "del", &self.server]);
        let _ = run("ip", &["netns", "del", &self.phones]);
    }
}

/// Makes the pair, or skips (outside CI) / fails (in CI) when it cannot.
pub fn pair_or_skip(tools: &[&str]) -> Option<Pair> {
    for tool in tools {
        if !have(tool) {
            cannot_run(&format!("`{tool}` is not installed (see .ci/run)"));
            return None;
        }
    }
    match Pair::create() {
        Ok(p) => Some(p),
        Err(e) => {
            cannot_run(&format!("cannot create network namespaces: {e}"));
            None
        }
    }
}

/// A child process whose output lines arrive on a channel; killed on drop.
pub struct Proc {
    name: &'static str,
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Proc {
    pub fn spawn(name: &'static str, mut command: Command) -> Self {
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

    /// Waits for a line containing `needle`; fails with the output so far if
    /// the process ends or the guard passes first.
    pub fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + READY_GUARD;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
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

    /// Every line so far.
    pub fn drain(&mut self) -> String {
        while let Ok(line) = self.lines.try_recv() {
            self.seen.push(line);
        }
        self.seen.join("\n")
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `lifeline serve` in the server namespace: TFTP from `root` on port 69,
/// DHCP (`cisco-only`) on its veth, handing out `range`.
pub fn lifeline_serve(pair: &Pair, root: &Path, data: &Path, range: &str) -> Proc {
    let mut c = Pair::command(&pair.server, lifeline_bin().to_str().unwrap());
    c.args(["serve", "--http-listen", "127.0.0.1:0", "--root"])
        .arg(root)
        .args(["--tftp-listen", &format!("{SERVER}:69")])
        .args(["--interface", &pair.server_if])
        .args(["--dhcp", "cisco-only", "--dhcp-range", range])
        .args(["--dhcp-rival-wait", "1s"])
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1");
    let mut p = Proc::spawn("lifeline serve", c);
    p.wait_for("TFTP listening on");
    p.wait_for("DHCP server listening");
    p
}

/// The MACs `lifeline simulate --mac BASE --phones n` uses.
pub fn macs(base: [u8; 6], n: u32) -> Vec<String> {
    (0..n)
        .map(|i| {
            let low = u32::from_be_bytes([0, base[3], base[4], base[5]]) + i;
            let l = low.to_be_bytes();
            format!(
                "{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}",
                base[0], base[1], base[2], l[1], l[2], l[3]
            )
        })
        .collect()
}

pub fn mac_arg(base: [u8; 6]) -> String {
    base.iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("lifeline-simulate-e2e-")
        .tempdir()
        .unwrap()
}
