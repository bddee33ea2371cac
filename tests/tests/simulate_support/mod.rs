//! Support for the `lifeline simulate` end-to-end tests: synthetic firmware
//! zips, bundles made by `lifeline bundle`, a bounded run of the simulator,
//! and the address plan of the namespace pair ([`lifeline_tests::netns`]).
//!
//! Every wait waits for an event (an exit) and has a guard deadline against
//! hanging; none is a delay.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use lifeline_tests::lifeline_bin;
use lifeline_tests::netns::{self, Pair};
use lifeline_tests::process::Proc;

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
    let mut args = vec![
        zip_path.display().to_string(),
        "--tftp-server".into(),
        tftp.into(),
    ];
    for p in phones {
        args.extend(["--phone".into(), format!("{p}=7961")]);
    }
    lifeline_bundle(&args, &out);
    out
}

/// `lifeline bundle ARGS… --out OUT`, which must succeed (its output says why not).
pub fn lifeline_bundle<S: AsRef<std::ffi::OsStr>>(args: &[S], out: &Path) {
    let output = Command::new(lifeline_bin())
        .arg("bundle")
        .args(args)
        .arg("--out")
        .arg(out)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "lifeline bundle failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
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
        Some(ns) => netns::command(ns, lifeline_bin().to_str().unwrap()),
        None => Command::new(lifeline_bin()),
    };
    c.arg("simulate").args(args).env("NO_COLOR", "1");
    run_bounded(c, guard)
}

/// The server side's address.
pub const SERVER: &str = "10.78.0.1";
/// The phones' side's own address (outside every DHCP range used).
pub const PHONES: &str = "10.78.0.250";

/// Two namespaces joined by a veth pair: `server` holds 10.78.0.1/24, the
/// phones' side (`client`) 10.78.0.250/24; or a skip (outside CI) / failure
/// (in CI) when `tools` are missing or the namespaces cannot be made.
pub fn pair_or_skip(tools: &[&str]) -> Option<Pair> {
    netns::pair_or_skip(tools, "sim", SERVER, Some(PHONES))
}

/// `lifeline serve` in the server namespace: TFTP from `root` on port 69,
/// DHCP (`cisco-only`) on its veth, handing out `range`.
pub fn lifeline_serve(pair: &Pair, root: &Path, data: &Path, range: &str) -> Proc {
    let mut c = pair.server_command(lifeline_bin().to_str().unwrap());
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

/// `lifeline serve --root ROOT EXTRA…` on loopback, each listener on a free
/// port (see [`lifeline_tests::Server::start_with`]); returns the server and
/// its TFTP address, the `--server` argument of `lifeline simulate`.
pub fn serve(root: &Path, extra: &[&str]) -> (lifeline_tests::Server, String) {
    let mut args = vec![
        "--http-listen",
        "127.0.0.1:0",
        "--root",
        root.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let server = lifeline_tests::Server::start_with(&args);
    let addr = server.wait_for_tftp().to_string();
    (server, addr)
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("lifeline-simulate-e2e-")
        .tempdir()
        .unwrap()
}
