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
//! Tests wait for lines (a log line, a script's output, tshark's "Capture
//! started") and for process exits, never for time; each wait has a guard deadline
//! against hanging. Outside CI a machine that cannot create namespaces, or
//! lacks a tool, skips with a loud message; in CI (`CI=true`) that fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use lifeline_tests::lifeline_bin;
use lifeline_tests::netns::{self, Pair};
use lifeline_tests::process::{Proc, cannot_run, have};

/// The server's address on its side of the veth pair.
const SERVER: &str = "10.77.0.1";
/// The rival's address on the client side.
const RIVAL: &str = "10.77.0.2";

/// Makes the namespaces (the client side without an address), or skips /
/// fails as the module says.
fn netns_or_skip() -> Option<Pair> {
    netns::pair_or_skip(
        &["ip", "busybox", "tshark", "dnsmasq"],
        "dhcp",
        SERVER,
        None,
    )
}

/// `lifeline serve --dhcp MODE` on the server side.
fn lifeline(ns: &Pair, data: &Path, extra: &[&str]) -> Proc {
    lifeline_with(
        ns,
        ns.server_command(lifeline_bin().to_str().unwrap()),
        data,
        extra,
    )
}

/// `lifeline serve` as `c` starts it on the server side, with the test's flags.
fn lifeline_with(ns: &Pair, mut c: Command, data: &Path, extra: &[&str]) -> Proc {
    c.args([
        "serve",
        "--http-listen",
        "127.0.0.1:0",
        "--interface",
        &ns.server_if,
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
fn udhcpc(ns: &Pair, dir: &Path) -> String {
    udhcpc_with(ns, dir, &[])
}

/// [`udhcpc`] with more flags (`-B`: ask for broadcast replies).
fn udhcpc_with(ns: &Pair, dir: &Path, extra: &[&str]) -> String {
    let script = dir.join("udhcpc.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\necho \"udhcpc $1 ip=$ip siaddr=$siaddr opt150=$opt150 tftp=$tftp\"\n",
    )
    .unwrap();
    make_executable(&script);
    let mut c = ns.client_command("busybox");
    c.args([
        "udhcpc",
        "-i",
        &ns.client_if,
        "-n",
        "-q",
        "-f",
        "-O",
        "150",
        "-O",
        "66",
        "-s",
    ])
    .arg(&script)
    .args(extra);
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

/// tshark on the client side, writing the next DISCOVER, OFFER, REQUEST and
/// ACK to `capture`; returns once it captures.
fn capture_dora(ns: &Pair, capture: &Path) -> Proc {
    let mut c = ns.client_command("tshark");
    c.args([
        "-i",
        &ns.client_if,
        "-f",
        "udp port 67 or udp port 68",
        "-c",
        "4",
        "-w",
    ])
    .arg(capture);
    let mut tshark = Proc::spawn("tshark", c);
    // "Capturing on" comes before dumpcap has opened the interface; on a busy
    // machine the whole exchange could pass before that. "Capture started"
    // comes once packets are being written.
    tshark.wait_for("Capture started");
    tshark
}

/// Where the server's OFFER and ACK in `capture` went: (message type, IP
/// destination, Ethernet destination) each.
fn reply_destinations(capture: &Path) -> Vec<(String, String, String)> {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(capture)
        .args([
            "-Y",
            "dhcp.option.dhcp == 2 || dhcp.option.dhcp == 5",
            "-T",
            "fields",
            "-e",
            "dhcp.option.dhcp",
            "-e",
            "ip.dst",
            "-e",
            "eth.dst",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<(String, String, String)> = text
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let kind = if f[0] == "2" { "OFFER" } else { "ACK" };
            (kind.to_owned(), f[1].to_owned(), f[2].to_owned())
        })
        .collect();
    assert_eq!(rows.len(), 2, "an OFFER and an ACK in:\n{text}");
    rows
}

/// The client's MAC as tshark writes it: `aa:bb:cc:dd:ee:ff`.
fn colon_mac(ns: &Pair) -> String {
    let mac = ns.client_mac().to_lowercase();
    (0..6)
        .map(|i| &mac[2 * i..2 * i + 2])
        .collect::<Vec<_>>()
        .join(":")
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
    let mut tshark = capture_dora(&ns, &capture);

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
    // udhcpc did not ask for broadcasts: OFFER and ACK came by unicast to
    // the address they give, at its MAC (RFC 2131 §4.1).
    let mac = colon_mac(&ns);
    for (kind, ip_dst, eth_dst) in reply_destinations(&capture) {
        assert_eq!(
            (ip_dst.as_str(), eth_dst.as_str()),
            (ip.as_str(), mac.as_str()),
            "{kind}"
        );
    }

    // A clean stop writes the lease; a new process reads it back.
    assert!(server.terminate().success(), "{}", server.drain());
    let file = std::fs::read_to_string(data.join("dhcp-leases.json")).unwrap();
    assert!(
        file.contains(&ns.client_mac()) && file.contains(&ip),
        "{file}"
    );
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
fn replies_are_broadcast_when_asked_for_or_when_the_arp_table_cannot_be_written() {
    let Some(ns) = netns_or_skip() else { return };
    if !have("setpriv") {
        cannot_run("`setpriv` is not installed (Debian: util-linux)");
        return;
    }
    let dir = tempdir();
    // The client asks for broadcasts (-B): it gets them.
    let mut server = lifeline(
        &ns,
        &dir.path().join("data"),
        &["--dhcp", "all", "--dhcp-no-probe"],
    );
    server.wait_for("DHCP server listening");
    let asked = dir.path().join("asked.pcapng");
    let mut tshark = capture_dora(&ns, &asked);
    let bound = udhcpc_with(&ns, dir.path(), &["-B"]);
    assert!(field(&bound, "ip").starts_with("10.77.0."), "{bound}");
    assert!(tshark.wait_exit().success(), "{}", tshark.drain());
    for (kind, ip_dst, eth_dst) in reply_destinations(&asked) {
        assert_eq!(
            (ip_dst.as_str(), eth_dst.as_str()),
            ("255.255.255.255", "ff:ff:ff:ff:ff:ff"),
            "{kind}"
        );
    }
    drop(server);

    // A helper without CAP_NET_ADMIN cannot write the ARP table: it says
    // so, and a client that did not ask for broadcasts still gets its lease.
    let mut c = ns.server_command("setpriv");
    c.args(["--bounding-set", "-net_admin", "--"])
        .arg(lifeline_bin());
    let mut server = lifeline_with(
        &ns,
        c,
        &dir.path().join("data2"),
        &["--dhcp", "all", "--dhcp-no-probe"],
    );
    server.wait_for("DHCP server listening");
    let unprivileged = dir.path().join("unprivileged.pcapng");
    let mut tshark = capture_dora(&ns, &unprivileged);
    let bound = udhcpc(&ns, dir.path());
    assert!(field(&bound, "ip").starts_with("10.77.0."), "{bound}");
    assert!(tshark.wait_exit().success(), "{}", tshark.drain());
    for (kind, ip_dst, _) in reply_destinations(&unprivileged) {
        assert_eq!(ip_dst, "255.255.255.255", "{kind}");
    }
    server.wait_for("cannot write the ARP table");
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
    let mut c = ns.client_command("dhclient");
    c.args(["-d", "-1", "-v", "-cf"])
        .arg(&conf)
        .arg("-sf")
        .arg(&script)
        .arg("-lf")
        .arg(dir.path().join("dhclient.leases"))
        .arg("-pf")
        .arg(dir.path().join("dhclient.pid"))
        .arg(&ns.client_if);
    let mut client = Proc::spawn("dhclient", c);
    let bound = client.wait_for("reason=BOUND");
    assert_eq!(field(&bound, "tftp150"), SERVER);
    assert_eq!(field(&bound, "tftp"), SERVER);
    assert_eq!(field(&bound, "siaddr"), SERVER);
    assert!(field(&bound, "ip").starts_with("10.77.0."), "{bound}");
}

/// dnsmasq on the client side of the segment, handing out option 150 too.
fn rival(ns: &Pair, dir: &Path) -> Proc {
    ns.add_client_address(RIVAL).unwrap();
    let mut c = ns.client_command("dnsmasq");
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
    .arg(format!("--interface={}", ns.client_if))
    .arg(format!("--pid-file={}", dir.join("dnsmasq.pid").display()));
    let mut p = Proc::spawn("dnsmasq", c);
    p.wait_for("DHCP, IP range");
    p
}

#[test]
fn a_rival_dnsmasq_is_reported_and_all_mode_refuses_to_serve_beside_it() {
    let Some(ns) = netns_or_skip() else { return };
    let dir = tempdir();
    let _dnsmasq = rival(&ns, dir.path());

    let mut all = lifeline(&ns, &dir.path().join("data"), &["--dhcp", "all"]);
    let line = all.wait_for("another DHCP server is on this segment");
    assert!(line.contains(&format!("{RIVAL} offers 10.77.0.")), "{line}");
    assert!(line.contains("option 150 (10.77.0.9)"), "{line}");
    // DHCP refuses; the web UI stays up to say so (the status: failed).
    let refused = all.wait_for("the DHCP server did not start");
    assert!(
        refused.contains("--force") && refused.contains("cisco-only"),
        "{refused}"
    );
    assert!(
        refused.contains("The web UI and TFTP keep running"),
        "{refused}"
    );
    assert!(all.terminate().success(), "{}", all.drain());
    assert!(!all.drain().contains("DHCP server listening"));

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
    ns.add_client_address(range_start).unwrap();
    let dir = tempdir();
    let mut server = lifeline(&ns, &dir.path().join("data"), &["--dhcp", "all"]);
    server.wait_for("DHCP server listening");
    let bound = udhcpc(&ns, dir.path());
    server.wait_for("another host answers at this address");
    assert_eq!(field(&bound, "ip"), "10.77.0.129", "{bound}");
    assert_eq!(field(&bound, "opt150"), "0a4d0001");
}
