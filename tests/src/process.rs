//! Child processes for the end-to-end tests that run more than `lifeline`
//! (DHCP clients, dnsmasq, tshark, `lifeline` inside a namespace), and the
//! rule for a test that cannot run on this machine.
//!
//! Every wait waits for an event (a line, an exit) and has a guard deadline
//! against hanging; none is a delay.

use std::io::{BufRead as _, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The longest any one wait may take: a guard, not a delay.
pub const GUARD: Duration = Duration::from_secs(60);

/// Whether this is CI (`CI=true`), where every test must run.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Skips (outside CI, with a loud message) or fails (in CI) with `why`. The
/// caller returns from the test afterwards.
pub fn cannot_run(why: &str) {
    assert!(!in_ci(), "{why}; CI=true, so this test must run");
    eprintln!("SKIPPED: {why}");
}

/// Whether `tool` is on the `PATH`.
pub fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `program args…` to its end; its stdout, or why it failed (with its stderr).
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

/// A child process whose output lines (stdout and stderr) arrive on a
/// channel; killed when dropped.
#[derive(Debug)]
pub struct Proc {
    name: &'static str,
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Proc {
    /// Starts `command` with its output piped; `name` labels its lines.
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
        pump(child.stdout.take().expect("stdout is piped"), tx.clone());
        pump(child.stderr.take().expect("stderr is piped"), tx);
        Proc {
            name,
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line containing `needle` and returns it; panics with the
    /// output so far if the process ends or the [`GUARD`] passes first.
    pub fn wait_for(&mut self, needle: &str) -> String {
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

    /// Every line so far (all of them once the process has exited).
    pub fn drain(&mut self) -> String {
        while let Ok(line) = self.lines.try_recv() {
            self.seen.push(line);
        }
        self.seen.join("\n")
    }

    /// Waits for the process to exit by itself, at most the [`GUARD`].
    pub fn wait_exit(&mut self) -> ExitStatus {
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
                    return self.child.wait().expect("cannot wait for the process");
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            if let Some(status) = self.child.try_wait().expect("cannot poll the process") {
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
    pub fn terminate(&mut self) -> ExitStatus {
        run("kill", &["-TERM", &self.child.id().to_string()]).expect("cannot send SIGTERM");
        self.wait_exit()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
