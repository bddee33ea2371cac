//! Two network namespaces joined by a veth pair: a real Ethernet segment for
//! the tests that need one (DHCP broadcasts, TFTP on port 69, packet loss)
//! without touching the machine's own network.
//!
//! Namespace names carry a tag, the process id and a counter, so tests (and
//! test binaries) run in parallel; both namespaces are deleted when the
//! [`Pair`] is dropped, which deletes the veth pair and any nftables tables
//! with them. Every address is a /24 on the pair: nothing is routed anywhere
//! else. Creating namespaces needs root (CAP_SYS_ADMIN); [`pair_or_skip`]
//! skips, or fails in CI, where it cannot.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::process::{cannot_run, have, run};

/// Two namespaces joined by a veth pair: the server side and the client
/// (phones') side.
#[derive(Debug)]
pub struct Pair {
    /// The server side's namespace.
    pub server: String,
    /// The client side's namespace.
    pub client: String,
    /// The server side's end of the veth pair.
    pub server_if: String,
    /// The client side's end of the veth pair.
    pub client_if: String,
}

impl Pair {
    /// Creates the pair: `server_addr`/24 on the server's end,
    /// `client_addr`/24 on the client's when given, every link up (loopback
    /// too). `tag` names the namespaces (`ll<tag><pid>n<k>s`, `…c`). Says
    /// why when it cannot, having removed whatever it made.
    pub fn create(tag: &str, server_addr: &str, client_addr: Option<&str>) -> Result<Pair, String> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let pid = std::process::id();
        // Interface names have at most 15 bytes; they only live inside the
        // namespaces, so the short form need not be unique beyond them.
        let pair = Pair {
            server: format!("ll{tag}{pid}n{n}s"),
            client: format!("ll{tag}{pid}n{n}c"),
            server_if: format!("ll{}n{n}s", pid % 1_000_000),
            client_if: format!("ll{}n{n}c", pid % 1_000_000),
        };
        run("ip", &["netns", "add", &pair.server])?;
        // From here on, dropping `pair` on an error removes whatever was made.
        run("ip", &["netns", "add", &pair.client])?;
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
                &pair.client_if,
                "netns",
                &pair.client,
            ],
        )?;
        for (ns, dev, addr) in [
            (&pair.server, &pair.server_if, Some(server_addr)),
            (&pair.client, &pair.client_if, client_addr),
        ] {
            if let Some(addr) = addr {
                add_address(ns, dev, addr)?;
            }
            run("ip", &["-n", ns, "link", "set", dev, "up"])?;
            run("ip", &["-n", ns, "link", "set", "lo", "up"])?;
        }
        Ok(pair)
    }

    /// Another veth pair between the same two namespaces, both ends up and
    /// without an address; `k` (1, 2, …) tells it from the first. Returns the
    /// server's end and the client's end.
    pub fn add_link(&self, k: u32) -> Result<(String, String), String> {
        let (server_if, client_if) = (
            format!("{}{k}", self.server_if),
            format!("{}{k}", self.client_if),
        );
        run(
            "ip",
            &[
                "-n",
                &self.server,
                "link",
                "add",
                &server_if,
                "type",
                "veth",
                "peer",
                "name",
                &client_if,
                "netns",
                &self.client,
            ],
        )?;
        run("ip", &["-n", &self.server, "link", "set", &server_if, "up"])?;
        run("ip", &["-n", &self.client, "link", "set", &client_if, "up"])?;
        Ok((server_if, client_if))
    }

    /// `program` inside the server's namespace.
    pub fn server_command(&self, program: &str) -> Command {
        command(&self.server, program)
    }

    /// `program` inside the client's namespace.
    pub fn client_command(&self, program: &str) -> Command {
        command(&self.client, program)
    }

    /// Gives the client's end another address (`addr`/24), e.g. for a rival
    /// server or a host the server's probe should find.
    pub fn add_client_address(&self, addr: &str) -> Result<(), String> {
        add_address(&self.client, &self.client_if, addr)
    }

    /// The client's end's MAC, as Lifeline writes it (12 upper-case hex digits).
    pub fn client_mac(&self) -> String {
        let text = run(
            "ip",
            &["-n", &self.client, "-o", "link", "show", &self.client_if],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mac = text
            .split_whitespace()
            .skip_while(|w| *w != "link/ether")
            .nth(1)
            .unwrap_or_else(|| panic!("no MAC in {text}"));
        mac.replace(':', "").to_uppercase()
    }

    /// Drops `percent`% of UDP datagrams each way on the client's side
    /// (nftables `numgen random`), counting what it drops (see [`Pair::dropped`]).
    pub fn lose(&self, percent: u32) -> Result<(), String> {
        let rules = format!(
            "table inet lifeline_loss {{\n\
             chain input {{ type filter hook input priority 0; policy accept; \
             meta l4proto udp numgen random mod 100 < {percent} counter drop; }}\n\
             chain output {{ type filter hook output priority 0; policy accept; \
             meta l4proto udp numgen random mod 100 < {percent} counter drop; }}\n\
             }}\n"
        );
        let mut child = self
            .client_command("nft")
            .args(["-f", "-"])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("nft: {e}"))?;
        child
            .stdin
            .take()
            .expect("stdin is piped")
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

    /// Datagrams the rules of [`Pair::lose`] dropped so far.
    pub fn dropped(&self) -> u64 {
        let listing = run(
            "ip",
            &[
                "netns",
                "exec",
                &self.client,
                "nft",
                "list",
                "table",
                "inet",
                "lifeline_loss",
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
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
        let _ = run("ip", &["netns", "del", &self.client]);
    }
}

/// `program` inside namespace `namespace` (`ip netns exec`), stdin closed.
pub fn command(namespace: &str, program: &str) -> Command {
    let mut c = Command::new("ip");
    c.args(["netns", "exec", namespace, program]);
    c.stdin(Stdio::null());
    c
}

fn add_address(namespace: &str, dev: &str, addr: &str) -> Result<(), String> {
    run(
        "ip",
        &[
            "-n",
            namespace,
            "addr",
            "add",
            &format!("{addr}/24"),
            "dev",
            dev,
        ],
    )
    .map(drop)
}

/// Checks that every one of `tools` is installed, then makes the pair as
/// [`Pair::create`] does; skips (outside CI) or fails (in CI) when it cannot.
pub fn pair_or_skip(
    tools: &[&str],
    tag: &str,
    server_addr: &str,
    client_addr: Option<&str>,
) -> Option<Pair> {
    for tool in tools {
        if !have(tool) {
            cannot_run(&format!("`{tool}` is not installed (see .ci/run)"));
            return None;
        }
    }
    match Pair::create(tag, server_addr, client_addr) {
        Ok(pair) => Some(pair),
        Err(e) => {
            cannot_run(&format!("cannot create network namespaces: {e}"));
            None
        }
    }
}
