//! `lifeline neighbours` against real peers: tshark's CDP and LLDP dissectors
//! read the frames Lifeline's fixtures are built as exactly as Lifeline reads
//! them (so the fixtures are real CDP and LLDP-MED, not our idea of them), and
//! lldpd, a real CDP/LLDP daemon, plays three phones in a network namespace
//! the test makes itself, which the real binary hears.
//!
//! No frame leaves the namespaces: the links are veth pairs between two
//! namespaces deleted when the test ends. Waits are for lines and exits, with
//! a guard deadline; `--count` ends the listening once the phones are heard.

mod simulate_support;

use std::io::Write as _;
use std::process::Command;

use lifeline_proto::neighbour::{Announcement, cdp, lldp};
use lifeline_proto::testkit::announcements;
use lifeline_tests::lifeline_bin;
use lifeline_tests::netns;
use lifeline_tests::process::{Proc, cannot_run, have};

/// A pcap file of `frames` (Ethernet).
fn pcap(frames: &[Vec<u8>]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    for word in [0u32, 0, 65_535, 1] {
        out.extend_from_slice(&word.to_le_bytes());
    }
    for (i, frame) in frames.iter().enumerate() {
        let len = frame.len() as u32;
        for word in [i as u32, 0, len, len] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(frame);
    }
    f.write_all(&out).unwrap();
    f
}

/// tshark's reading of `fields` for each frame of `file`.
fn tshark(file: &std::path::Path, fields: &[&str]) -> Vec<Vec<String>> {
    let mut args = vec![
        "-r".to_string(),
        file.display().to_string(),
        "-T".into(),
        "fields".into(),
        "-E".into(),
        "separator=|".into(),
    ];
    for f in fields {
        args.extend(["-e".to_string(), (*f).to_string()]);
    }
    let out = Command::new("tshark").args(&args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('|').map(str::to_string).collect())
        .collect()
}

fn or_empty<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

#[test]
fn tshark_reads_the_cdp_frames_as_lifeline_does() {
    if !have("tshark") {
        cannot_run("`tshark` is not installed (see .ci/run)");
        return;
    }
    // Odd and even lengths, an odd last byte with and without its top bit
    // (Cisco's checksum quirk), both versions.
    let mut frames = Vec::new();
    for a in announcements() {
        for (power_mw, port) in [
            (Some(6300), "Port 1"),
            (Some(6200), "Port 1"),
            (None, "Port 10"),
        ] {
            let a = Announcement {
                power_mw,
                port: Some(port.into()),
                ..a.clone()
            };
            frames.push(cdp::emit(&a, 2));
            frames.push(cdp::emit(&a, 1));
        }
    }
    let odd = |f: &Vec<u8>| (f.len() - 22) % 2 == 1;
    assert!(frames.iter().any(|f| odd(f) && f[f.len() - 1] & 0x80 != 0));
    assert!(frames.iter().any(|f| odd(f) && f[f.len() - 1] & 0x80 == 0));
    assert!(frames.iter().any(|f| !odd(f)));
    let file = pcap(&frames);
    let rows = tshark(
        file.path(),
        &[
            "cdp.version",
            "cdp.deviceid",
            "cdp.platform",
            "cdp.software_version",
            "cdp.portid",
            "cdp.voice_vlan",
            "cdp.power_consumption",
            "cdp.checksum.status",
        ],
    );
    assert_eq!(rows.len(), frames.len());
    for (row, frame) in rows.iter().zip(&frames) {
        let a = Announcement::parse(frame).unwrap();
        let version = match a.via {
            Some(lifeline_proto::neighbour::Via::Cdp(v)) => v,
            other => panic!("{other:?}"),
        };
        let ours = vec![
            version.to_string(),
            or_empty(a.name),
            or_empty(a.platform),
            or_empty(a.software),
            or_empty(a.port),
            or_empty(a.voice_vlan),
            or_empty(a.power_mw),
            // tshark: 1 = good checksum.
            "1".to_string(),
        ];
        assert_eq!(row, &ours);
    }
}

#[test]
fn tshark_reads_the_lldp_med_frames_as_lifeline_does() {
    if !have("tshark") {
        cannot_run("`tshark` is not installed (see .ci/run)");
        return;
    }
    let frames: Vec<Vec<u8>> = announcements().iter().map(lldp::emit).collect();
    let file = pcap(&frames);
    let rows = tshark(
        file.path(),
        &[
            "lldp.tlv.system.name",
            "lldp.media.model",
            "lldp.media.software",
            "lldp.port.id",
            "lldp.media.vlan_id",
            "lldp.media.power.value",
            "lldp.time_to_live",
            "lldp.mgn.addr.ip4",
        ],
    );
    assert_eq!(rows.len(), frames.len());
    for (row, frame) in rows.iter().zip(&frames) {
        let a = Announcement::parse(frame).unwrap();
        let ours = vec![
            or_empty(a.name),
            or_empty(a.platform),
            or_empty(a.software),
            or_empty(a.port),
            or_empty(a.voice_vlan),
            // tshark shows the MED power in tenths of a watt.
            or_empty(a.power_mw.map(|mw| mw / 100)),
            a.ttl.to_string(),
            or_empty(a.address),
        ];
        assert_eq!(row, &ours);
    }
}

/// A phone lldpd plays: MAC, platform, load.
const PHONES: [(&str, &str, &str); 3] = [
    ("00:1f:9e:ab:59:f1", "Cisco IP Phone 7941", "SCCP41.8-2-1S"),
    ("00:21:d8:ba:09:65", "Cisco IP Phone 7942", "SCCP42.8-4-2S"),
    (
        "00:1b:54:00:79:65",
        "Cisco IP Phone 7965",
        "SIP45.9-4-2SR3-1S",
    ),
];

/// lldpd on `dev` in the phones' namespace, announcing phone `p` over CDPv2
/// and LLDP-MED every half second.
fn phone(pair: &netns::Pair, dir: &std::path::Path, dev: &str, p: (&str, &str, &str)) -> Proc {
    let (mac, platform, load) = p;
    netns::command(&pair.client, "ip")
        .args(["link", "set", dev, "address", mac])
        .status()
        .unwrap();
    let sep = format!("SEP{}", mac.replace(':', "").to_uppercase());
    let conf = dir.join(format!("{dev}.conf"));
    std::fs::write(
        &conf,
        format!(
            "configure system hostname {sep}\n\
             configure system platform \"{platform}\"\n\
             configure system description \"{load}\"\n\
             configure inventory software-revision \"{load}\"\n\
             configure med policy application voice vlan 110 priority voice dscp 46\n\
             configure lldp tx-interval 500ms\n"
        ),
    )
    .unwrap();
    let mut cmd = netns::command(&pair.client, "lldpd");
    cmd.args(["-d", "-ccccc", "-M", "3", "-I", dev, "-u"])
        .arg(dir.join(format!("{dev}.sock")))
        .arg("-O")
        .arg(&conf);
    let mut proc = Proc::spawn("lldpd", cmd);
    proc.wait_for("protocol CDPv2 enabled");
    proc
}

fn json_rows(out: &std::process::Output) -> Vec<serde_json::Value> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn three_phones_played_by_lldpd_are_heard_with_model_and_load() {
    let Some(pair) = netns::pair_or_skip(&["ip", "lldpd"], "nb", "10.78.0.1", None) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut links = vec![(pair.server_if.clone(), pair.client_if.clone())];
    for k in 1..3 {
        links.push(pair.add_link(k).unwrap());
    }
    let _phones: Vec<Proc> = links
        .iter()
        .zip(PHONES)
        .map(|((_, dev), p)| phone(&pair, dir.path(), dev, p))
        .collect();

    // Every interface: all three.
    let out = pair
        .server_command(lifeline_bin().to_str().unwrap())
        .args(["neighbours", "--count", "3", "--seconds", "60", "--json"])
        .output()
        .unwrap();
    let rows = json_rows(&out);
    let mut heard: Vec<(String, String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["mac"].as_str().unwrap_or_default().to_string(),
                r["model"].as_str().unwrap_or_default().to_string(),
                r["load"].as_str().unwrap_or_default().to_string(),
                r["version"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    heard.sort();
    assert_eq!(
        heard,
        [
            (
                "001B54007965".into(),
                "7965".into(),
                "SIP45.9-4-2SR3-1S".into(),
                "9.4(2)SR3".into()
            ),
            (
                "001F9EAB59F1".into(),
                "7941".into(),
                "SCCP41.8-2-1S".into(),
                "8.2(1)".into()
            ),
            (
                "0021D8BA0965".into(),
                "7942".into(),
                "SCCP42.8-4-2S".into(),
                "8.4(2)".into()
            ),
        ]
    );
    // lldpd announces its interface's name as the port.
    let mut ports: Vec<&str> = rows.iter().filter_map(|r| r["port"].as_str()).collect();
    ports.sort();
    let mut devs: Vec<&str> = links.iter().map(|(_, c)| c.as_str()).collect();
    devs.sort();
    assert_eq!(ports, devs);

    // One interface: only the phone on it, whatever else is on the wire.
    let out = pair
        .server_command(lifeline_bin().to_str().unwrap())
        .args([
            "neighbours",
            "--interface",
            &links[1].0,
            "--count",
            "1",
            "--seconds",
            "60",
            "--json",
        ])
        .output()
        .unwrap();
    let rows = json_rows(&out);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["mac"], "0021D8BA0965");
}

#[test]
fn without_the_privilege_or_the_interface_it_says_what_is_missing() {
    let bin = lifeline_bin().to_str().unwrap().to_string();
    let out = Command::new(&bin)
        .args(["neighbours", "--interface", "no-such-if0", "--seconds", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no network interface named `no-such-if0`"),
        "{err}"
    );
    if !have("setpriv") {
        cannot_run("`setpriv` is not installed (util-linux)");
        return;
    }
    // Root without CAP_NET_RAW, as an ordinary user would be.
    let out = Command::new("setpriv")
        .args(["--bounding-set", "-net_raw", "--inh-caps", "-net_raw", "--"])
        .arg(&bin)
        .args(["neighbours", "--seconds", "1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("needs the CAP_NET_RAW capability"), "{err}");
    assert!(err.contains("setcap cap_net_raw+ep"), "{err}");
}

#[test]
fn serve_tells_each_phone_heard_first_and_without_the_privilege_runs_on() {
    let Some(pair) = netns::pair_or_skip(&["ip", "lldpd"], "ns", "10.79.0.1", None) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut links = vec![(pair.server_if.clone(), pair.client_if.clone())];
    links.push(pair.add_link(1).unwrap());
    let _phones: Vec<Proc> = links
        .iter()
        .zip(PHONES)
        .map(|((_, dev), p)| phone(&pair, dir.path(), dev, p))
        .collect();
    let serve = |extra: &[&str]| {
        let mut c = pair.server_command(lifeline_bin().to_str().unwrap());
        c.args([
            "serve",
            "--http-listen",
            "127.0.0.1:0",
            "--tftp-listen",
            "127.0.0.1:0",
        ])
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(extra);
        c
    };
    // Listening on the first link only: the phone there is told, once.
    let mut helper = Proc::spawn(
        "lifeline",
        serve(&["--neighbours", "on", "--interface", &links[0].0]),
    );
    helper.wait_for("CDPv2 001F9EAB59F1: a 7941, running SCCP41.8-2-1S (8.2(1)) on ");
    helper.terminate();
    let out = helper.drain();
    assert_eq!(out.matches("001F9EAB59F1").count(), 1, "{out}");
    assert!(!out.contains("0021D8BA0965"), "{out}");

    // Without CAP_NET_RAW: one line says so, and the web app and TFTP run on.
    if !have("setpriv") {
        cannot_run("`setpriv` is not installed (util-linux)");
        return;
    }
    let mut c = netns::command(&pair.server, "setpriv");
    c.args(["--bounding-set", "-net_raw", "--inh-caps", "-net_raw", "--"])
        .arg(lifeline_bin())
        .args([
            "serve",
            "--http-listen",
            "127.0.0.1:0",
            "--tftp-listen",
            "127.0.0.1:0",
        ])
        .arg("--data-dir")
        .arg(dir.path().join("data"));
    let mut helper = Proc::spawn("lifeline", c);
    // Both lines come, in either order.
    helper.wait_for("listening for CDP and LLDP needs the CAP_NET_RAW capability");
    if !helper.drain().contains("TFTP listening on 127.0.0.1:") {
        helper.wait_for("TFTP listening on 127.0.0.1:");
    }
    helper.terminate();
}

/// The upgrade plan takes the load a phone announces as what it runs: with the
/// start unknown, a phone's configuration names no load until lldpd, playing the
/// phone on 8.2(1), announces it; then it names the 8.5(2) hop, as the rules ask.
#[test]
fn an_announced_load_starts_the_phones_walk() {
    use lifeline_shared::testkit::{load_files, zip_of};
    let Some(pair) = netns::pair_or_skip(
        &["ip", "lldpd", "curl"],
        "nw",
        "10.81.0.1",
        Some("10.81.0.2"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (hop, target) = ("SCCP41.8-5-2S", "SCCP41.9-4-2SR3-1S");
    let (hz, tz) = (dir.path().join("hop.zip"), dir.path().join("target.zip"));
    std::fs::write(&hz, zip_of(&load_files(hop, 2000))).unwrap();
    std::fs::write(&tz, zip_of(&load_files(target, 2000))).unwrap();
    let root = dir.path().join("tftp");
    let mac = "001F9EAB59F1";
    simulate_support::lifeline_bundle(
        &[
            hz.to_str().unwrap(),
            tz.to_str().unwrap(),
            "--tftp-server",
            "10.81.0.1",
            "--phone",
            mac,
        ],
        &root,
    );

    let mut c = pair.server_command(lifeline_bin().to_str().unwrap());
    c.args([
        "serve",
        "--http-listen",
        "127.0.0.1:0",
        "--tftp-listen",
        "10.81.0.1:0",
    ])
    .args([
        "--provision-listen",
        "off",
        "--neighbours",
        "on",
        "--interface",
    ])
    .arg(&pair.server_if)
    .arg("--root")
    .arg(&root)
    .arg("--data-dir")
    .arg(dir.path().join("data"));
    let mut helper = Proc::spawn("lifeline", c);
    let line = helper.wait_for("TFTP listening on 10.81.0.1:");
    let port: String = line
        .split("TFTP listening on 10.81.0.1:")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let fetch = || {
        let out = netns::command(&pair.client, "curl")
            .args(["-sS", "--max-time", "20"])
            .arg(format!("tftp://10.81.0.1:{port}/SEP{mac}.cnf.xml"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    // Unknown start: no load is named.
    assert!(fetch().contains("<loadInformation></loadInformation>"));
    let _phone = phone(&pair, dir.path(), &pair.client_if, PHONES[0]);
    helper.wait_for("Upgrade plan, SEP001F9EAB59F1: 8.2(1) → 8.5(2) → 9.4(2)SR3");
    let xml = fetch();
    assert!(
        xml.contains(&format!("<loadInformation>{hop}</loadInformation>")),
        "{xml}"
    );
    helper.terminate();
}
