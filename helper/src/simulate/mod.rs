//! `lifeline simulate`: a Cisco phone on the wire, to prove a recovery setup
//! (any DHCP and TFTP server) before a real phone is touched.
//!
//! The phone itself (its DHCP and TFTP clients, the files it checks, the
//! verdict and the report) is `lifeline_proto::simulate`, a state machine
//! handed the time; this module holds the flags, the sockets and the thin loop
//! around each phone.
//!
//! # The loop
//!
//! Each phone is a task. Its sockets are opened when the phone first sends
//! through them: port 68 on `--dhcp-interface` (`SO_BINDTODEVICE`,
//! `SO_REUSEADDR` so that many phones share it, `SO_BROADCAST`), and one
//! socket per TFTP transfer (a fresh port, as a TID), bound to the
//! interface's own IPv4 address: the simulated phones share one interface, so
//! they fetch files from its address, not from the addresses DHCP leased
//! them. A reader task per socket forwards datagrams to the phone's task;
//! a socket is closed as soon as the phone no longer needs it. Every wait is
//! bounded by the phone (its retries and `--time-limit`), so every task ends.
//!
//! A phone with `--transport http` (a 78xx/88xx by default) asks each file over HTTP first, on
//! `--http-port` of its TFTP server: one TCP connection per file ([`http`]),
//! TFTP when nothing answers there.
//!
//! In boot mode a phone whose configuration has a SIP line then registers it:
//! one more UDP socket, bound like a TFTP one, sends the REGISTERs to the
//! proxy; a proxy given as a name is looked up here ([`lookup`]) first.
//!
//! A datagram the system refuses to send (a firewall's drop answers EPERM) is
//! treated as lost on the wire: the phone's retransmission deals with it, and
//! the error is noted in the report.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use lifeline_proto::simulate::dhcp_client;
use lifeline_proto::simulate::http_client::Connection;
use lifeline_proto::simulate::phone::{Phone, SocketId};
use lifeline_proto::simulate::report::{self, PhoneReport, Run};
use lifeline_proto::simulate::spec::{HTTP_PORT, Network, PhoneSpec, Scenario, Transport};
use lifeline_shared::config::mac::Mac;
use lifeline_shared::models::{self, FamilyId, Model, Protocol};
use lifeline_shared::plan::{Load, Running};
use socket2::{Domain, Socket, Type};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};

use crate::tftp::clock;

mod http;
pub mod page;

/// The most phones one run simulates.
pub const MAX_PHONES: u16 = 250;
/// The largest datagram read.
const MAX_DATAGRAM: usize = 65_536;
/// Receive errors in a row that end a socket's reader.
const MAX_RECV_ERRORS: u32 = 100;
/// How long a SIP proxy's name may take to resolve.
const LOOKUP_PATIENCE: Duration = Duration::from_secs(10);
/// Distinct send errors noted per phone.
const MAX_SEND_NOTES: usize = 4;
/// A Cisco OUI seen on 79xx phones, for MACs made up here.
const CISCO_OUI: [u8; 3] = [0x00, 0x1B, 0x54];

/// Arguments of `lifeline simulate`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("network").required(true).args(["dhcp_interface", "server"])))]
pub struct SimulateArgs {
    /// The phone model: 7961, 7941G-GE, 7965, 7911, 7960, 6921, 8941, 7925, 7841, 8841,
    /// 8865, …
    #[arg(long, value_name = "MODEL")]
    pub model: String,
    /// The phone's MAC (with --phones, the first one's; the others count up).
    /// Default: a random one in a Cisco OUI.
    #[arg(long, value_name = "MAC")]
    pub mac: Option<Mac>,
    /// `recovery`: a wiped phone, straight to termNN.default.loads (the 79xx
    /// families; a 7940/7960: OS79XX.TXT; the others have no recovery
    /// manifest). `boot`: an ordinary boot, CTL/ITL files, SEP<MAC>.cnf.xml or
    /// XMLDefault.cnf.xml (a SIP 7940/7960: SIP<MAC>.cnf, SIPDefault.cnf), then
    /// the load it names and its images, each checked against the size and MD5
    /// the manifest states; then, when the configuration has a SIP line, a
    /// REGISTER to the proxy it names with its credentials (see --no-register).
    #[arg(long, value_enum, default_value_t = Scenario::Recovery)]
    pub mode: Scenario,
    /// Ask DHCP on this interface, as a phone plugged in there would, and
    /// fetch from the TFTP server the answer names. The interface needs an
    /// IPv4 address of its own (the phones fetch files from it).
    #[arg(long, value_name = "IF")]
    pub dhcp_interface: Option<String>,
    /// Skip DHCP and fetch from this TFTP server (port 69 unless given).
    #[arg(long, value_name = "IP[:PORT]")]
    pub server: Option<String>,
    /// Ask the TFTP server for options (blksize 1428, tsize). Phones do not;
    /// this is for testing servers.
    #[arg(long)]
    pub tftp_options: bool,
    /// Send from this address of this computer (with --server): several
    /// phones behind one address, as behind a router; or from each address of a
    /// range FIRST-LAST in turn (addresses this computer has), one a phone as on a
    /// LAN. Default: any address; with --phones N against a loopback server, a
    /// distinct 127.0.0.x each.
    #[arg(long, value_name = "IP|FIRST-LAST")]
    pub source: Option<String>,
    /// Simulate this many phones at once, with distinct MACs.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=i64::from(MAX_PHONES)))]
    pub phones: u16,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// A 7940/7960's image now, `sccp` or `sip`: it follows that image's boot order,
    /// and after a reset loads the image OS79XX.TXT names when the protocol differs.
    /// Default: sccp (how these phones ship).
    #[arg(long, value_name = "sccp|sip", value_parser = protocol)]
    pub protocol: Option<Protocol>,
    /// `http`: ask each file over HTTP first (GET /<file> on --http-port of
    /// the TFTP server), and TFTP when nothing answers there. `tftp`: TFTP
    /// only. Default: as the model's family does (78xx/88xx HTTP first, the
    /// others TFTP).
    #[arg(long, value_enum)]
    pub transport: Option<Transport>,
    /// The port HTTP-first phones ask on: 6970 on real phones; another for
    /// testing a server on an unprivileged port.
    #[arg(long, value_name = "PORT", default_value_t = HTTP_PORT,
          value_parser = clap::value_parser!(u16).range(1..))]
    pub http_port: u16,
    /// Give up on a phone after this long: seconds, or with a unit (90s, 15m).
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = time_limit)]
    pub time_limit: Duration,
    /// Boot mode: stop once the firmware checks out, without registering the
    /// first SIP line with the proxy the configuration names.
    #[arg(long)]
    pub no_register: bool,
    /// The load the phone runs now: a load name (SCCP41.8-0-4S, P0S3-8-12-00) or a
    /// release as the phone's Settings → Status → Firmware Versions shows it (8.0(4),
    /// SIP 8.12(0)). The phone then keeps it when its configuration names it or none,
    /// takes another load the upgrade rules allow and reboots, refuses one they forbid
    /// ("Load Authentication Failed") and reboots, and the verdict says which loads
    /// it ran and where it ended ("now on …"). In recovery mode it first runs the load
    /// of the recovery manifest. Several, comma-separated, with --phones: the phones
    /// take them in turn (a room of phones on different loads).
    #[arg(long, value_name = "LOAD[,LOAD…]", value_delimiter = ',')]
    pub running: Vec<String>,
}

fn protocol(s: &str) -> Result<Protocol, String> {
    match s.to_ascii_lowercase().as_str() {
        "sccp" => Ok(Protocol::Sccp),
        "sip" => Ok(Protocol::Sip),
        _ => Err(format!("`{s}` is not a protocol; give sccp or sip")),
    }
}

fn time_limit(s: &str) -> Result<Duration, String> {
    match lifeline_proto::dhcp::config::parse_duration_secs(s) {
        Ok(0) => Err("the time limit must be at least 1 s".into()),
        Ok(n) => Ok(Duration::from_secs(n)),
        Err(e) => Err(e.to_string()),
    }
}

/// Where the phones are.
#[derive(Clone, Debug)]
enum Net {
    /// DHCP on this interface, which has this address.
    Dhcp {
        interface: String,
        address: Ipv4Addr,
    },
    /// A TFTP server given.
    Server(SocketAddr),
}

/// What to run, checked.
#[derive(Debug)]
struct Plan {
    model: &'static Model,
    mode: Scenario,
    /// The protocol a 7940/7960 runs.
    runs: Protocol,
    macs: Vec<Mac>,
    /// The address each phone sends from (with --server), in MAC order.
    sources: Vec<Option<Ipv4Addr>>,
    net: Net,
    options: bool,
    time_limit: Duration,
    transport: Transport,
    http_port: u16,
    /// Boot mode: register the first SIP line.
    register: bool,
    /// The loads the phones run, when given: phone i runs the (i mod n)-th.
    running: Vec<Running>,
}

impl Plan {
    fn run(&self) -> Run {
        let http = match self.transport {
            Transport::Http => format!(", HTTP first on port {}", self.http_port),
            Transport::Tftp => String::new(),
        };
        Run {
            model: self.model,
            mode: self.mode,
            network: http_first(
                &http,
                match &self.net {
                    Net::Dhcp { interface, address } => {
                        format!("DHCP on {interface} (files fetched from {address})")
                    }
                    Net::Server(server) => match (self.sources.first(), self.sources.last()) {
                        (Some(Some(a)), Some(Some(b))) if a != b => {
                            format!("TFTP server {server} given, phones sending from {a} to {b}")
                        }
                        (Some(Some(a)), _) => {
                            format!("TFTP server {server} given, sending from {a}")
                        }
                        _ => format!("TFTP server {server} given"),
                    },
                },
            ),
            options: self.options,
        }
    }
}

fn http_first(http: &str, network: String) -> String {
    format!("{network}{http}")
}

/// `lifeline simulate`.
pub fn run(args: &SimulateArgs) -> ExitCode {
    let plan = match plan(args) {
        Ok(plan) => plan,
        Err(why) => return could_not_run(args, &why),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return could_not_run(args, &format!("cannot start the async runtime: {e}")),
    };
    let run = plan.run();
    let reports = runtime.block_on(simulate(plan));
    let text = if args.json {
        let mut s =
            serde_json::to_string_pretty(&report::to_json(&run, &reports)).unwrap_or_default();
        s.push('\n');
        s
    } else {
        report::to_text(&run, &reports)
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    ExitCode::from(report::exit_code(&reports))
}

fn could_not_run(args: &SimulateArgs, why: &str) -> ExitCode {
    if args.json {
        let v = serde_json::json!({
            "model": args.model,
            "exit_code": 2,
            "could_not_run": why,
            "phones": [],
        });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        eprintln!("lifeline simulate: could not run: {why}");
    }
    ExitCode::from(2)
}

/// Checks the flags and the interface.
fn plan(args: &SimulateArgs) -> Result<Plan, String> {
    let model = models::model(&args.model).ok_or_else(|| {
        format!(
            "`{}` is not a model Lifeline knows; use one of: {}",
            args.model,
            simulated_models().join(", ")
        )
    })?;
    let net = match (&args.dhcp_interface, &args.server) {
        (Some(interface), _) => Net::Dhcp {
            interface: interface.clone(),
            address: interface_address(interface)?,
        },
        (None, Some(server)) => Net::Server(parse_server(server)?),
        (None, None) => return Err("give --dhcp-interface IF or --server IP".into()),
    };
    let sources = sources(&net, args.source.as_deref(), args.phones)?;
    let base = match args.mac {
        Some(mac) => mac,
        None => {
            let mut low = [0u8; 3];
            getrandom::fill(&mut low).map_err(|e| format!("no randomness for a MAC: {e}"))?;
            Mac([
                CISCO_OUI[0],
                CISCO_OUI[1],
                CISCO_OUI[2],
                low[0],
                low[1],
                low[2],
            ])
        }
    };
    let is_79 = model.family == FamilyId::F7940_7960;
    if args.protocol.is_some() && !is_79 {
        return Err(format!(
            "--protocol is for a 7940/7960 (the image it runs now); a {} takes its protocol from the load its configuration names",
            model.name
        ));
    }
    let running = args
        .running
        .iter()
        .map(|text| running(model, text.trim(), args.protocol))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Plan {
        model,
        mode: args.mode,
        runs: running
            .first()
            .map(|r| r.protocol)
            .or(args.protocol)
            .unwrap_or(Protocol::Sccp),
        running,
        macs: (0..u32::from(args.phones))
            .map(|i| nth_mac(base, i))
            .collect(),
        sources,
        net,
        options: args.tftp_options,
        time_limit: args.time_limit,
        transport: args
            .transport
            .unwrap_or(if models::family(model.family).http_first() {
                Transport::Http
            } else {
                Transport::Tftp
            }),
        http_port: args.http_port,
        register: !args.no_register,
    })
}

/// `--running`, read: a load name of `model`'s family, or a release (a 7940/7960's
/// protocol from the text, else `--protocol`, else SCCP).
fn running(model: &Model, text: &str, protocol: Option<Protocol>) -> Result<Running, String> {
    let family = models::family(model.family);
    let r = Running::parse(text, protocol.unwrap_or(Protocol::Sccp)).ok_or_else(|| {
        format!(
            "--running `{text}` is neither a load name nor a release; give the load the phone \
             runs as its name (SCCP41.8-0-4S, SIP41.9-4-2SR3-1S, P0S3-8-12-00) or as the \
             phone's Settings → Status → Firmware Versions shows it (8.0(4), 9.4(2)SR3, \
             SIP 8.12(0))"
        )
    })?;
    if let Some(load) = Load::of_name(text)
        && load.family != model.family
    {
        return Err(format!(
            "--running {text} is a load for the {}, and --model {} is a {}: give a load of \
             the {} family, or the --model that runs it",
            models::family(load.family).name,
            model.name,
            family.name,
            family.name
        ));
    }
    if let Some(p) = protocol
        && p != r.protocol
        && model.family == FamilyId::F7940_7960
    {
        return Err(format!(
            "--running {text} is a {} image and --protocol says {}: give one of them",
            r.protocol, p
        ));
    }
    Ok(r)
}

/// The address each of `phones` phones sends from: `--source` for all; else,
/// several phones against a loopback server, a distinct 127.0.0.x each (from
/// 127.0.0.2), so that the server tells them apart as it would real phones;
/// else any address.
fn sources(net: &Net, source: Option<&str>, phones: u16) -> Result<Vec<Option<Ipv4Addr>>, String> {
    let n = usize::from(phones);
    match (net, source) {
        (Net::Dhcp { .. }, Some(_)) => Err(
            "--source is for --server: with --dhcp-interface the phones send from the interface's own address"
                .into(),
        ),
        (Net::Server(_), Some(s)) => {
            let bad = || {
                format!(
                    "--source `{s}` is not an IPv4 address or a range FIRST-LAST; give this computer's, e.g. 127.0.0.5 or 10.0.0.20-10.0.0.39"
                )
            };
            let (first, last) = match s.split_once('-') {
                Some((a, b)) => (
                    a.trim().parse::<Ipv4Addr>().map_err(|_| bad())?,
                    b.trim().parse::<Ipv4Addr>().map_err(|_| bad())?,
                ),
                None => {
                    let ip: Ipv4Addr = s.trim().parse().map_err(|_| bad())?;
                    (ip, ip)
                }
            };
            let (lo, hi) = (u32::from(first), u32::from(last));
            if hi < lo {
                return Err(format!("--source {s}: the range ends before it starts"));
            }
            let span = u64::from(hi - lo) + 1;
            Ok((0..n)
                .map(|i| Some(Ipv4Addr::from(lo + (i as u64 % span) as u32)))
                .collect())
        }
        (Net::Server(server), None) if server.ip().is_loopback() && phones > 1 => Ok((0..phones)
            .map(|i| {
                let [_, _, hi, lo] = (2 + u32::from(i)).to_be_bytes();
                Some(Ipv4Addr::new(127, 0, hi, lo))
            })
            .collect()),
        _ => Ok(vec![None; n]),
    }
}

/// The families whose boot order the simulator knows: the five-image 79xx, and the
/// 7940/7960 (`OS79XX.TXT`, the SIP `.cnf` files).
fn simulated_models() -> Vec<&'static str> {
    models::MODELS.iter().map(|m| m.name).collect()
}

/// `base` with `n` added to its low three bytes (the OUI stays).
fn nth_mac(base: Mac, n: u32) -> Mac {
    let b = base.0;
    let low = u32::from_be_bytes([0, b[3], b[4], b[5]]).wrapping_add(n) & 0x00FF_FFFF;
    let l = low.to_be_bytes();
    Mac([b[0], b[1], b[2], l[1], l[2], l[3]])
}

fn parse_server(s: &str) -> Result<SocketAddr, String> {
    if let Ok(ip) = s.parse::<Ipv4Addr>() {
        return Ok(SocketAddr::V4(SocketAddrV4::new(ip, 69)));
    }
    match s.parse::<SocketAddr>() {
        Ok(SocketAddr::V4(a)) => Ok(SocketAddr::V4(a)),
        Ok(SocketAddr::V6(_)) => Err(format!(
            "`{s}` is an IPv6 address; the phones speak TFTP over IPv4"
        )),
        Err(_) => Err(format!(
            "`{s}` is not an IPv4 address, or ADDRESS:PORT (e.g. 192.168.10.105 or 127.0.0.1:6969)"
        )),
    }
}

/// The IPv4 address of `interface`, or why there is none to use.
fn interface_address(interface: &str) -> Result<Ipv4Addr, String> {
    let all = crate::dhcp::setup::interfaces()
        .map_err(|e| format!("cannot list the network interfaces: {e}"))?;
    if let Some(i) = all.iter().find(|i| i.name == interface) {
        return Ok(i.addr);
    }
    let names: Vec<String> = all
        .iter()
        .filter(|i| !i.addr.is_loopback())
        .map(ToString::to_string)
        .collect();
    let exists = std::path::Path::new("/sys/class/net")
        .join(interface)
        .exists();
    Err(if exists {
        format!(
            "interface {interface} has no IPv4 address. The simulated phones get their addresses \
             by DHCP but share the interface, so they fetch files from its own address: give it \
             one (e.g. `ip addr add 192.168.10.250/24 dev {interface}`), or use --server"
        )
    } else {
        format!(
            "there is no interface named {interface}; interfaces with an IPv4 address: {}",
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        )
    })
}

/// Runs every phone at once; reports in MAC order.
async fn simulate(plan: Plan) -> Vec<PhoneReport> {
    let net = Arc::new(plan.net.clone());
    let loud = plan.macs.len() == 1;
    let mut set = JoinSet::new();
    for (i, (mac, source)) in plan.macs.iter().zip(plan.sources.clone()).enumerate() {
        let running =
            (!plan.running.is_empty()).then(|| plan.running[i % plan.running.len()].clone());
        let spec = PhoneSpec {
            model: plan.model,
            mac: *mac,
            mode: plan.mode,
            tftp_options: plan.options,
            time_limit: plan.time_limit,
            runs: running.as_ref().map_or(plan.runs, |r| r.protocol),
            transport: plan.transport,
            http_port: plan.http_port,
            register: plan.register,
            running,
        };
        let network = match &plan.net {
            Net::Dhcp { .. } => {
                let mut xid = [0u8; 4];
                // Without randomness the MAC still tells phones apart.
                if getrandom::fill(&mut xid).is_err() {
                    xid = mac.0[2..].try_into().unwrap_or_default();
                }
                Network::Dhcp {
                    xid: u32::from_be_bytes(xid),
                }
            }
            Net::Server(server) => Network::Server(*server),
        };
        let net = net.clone();
        set.spawn(async move {
            let phone = Phone::new(clock::now(), spec, network);
            (i, drive(phone, net, source, loud).await)
        });
    }
    let mut reports: BTreeMap<usize, PhoneReport> = BTreeMap::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((i, report)) => {
                reports.insert(i, report);
            }
            Err(e) => tracing::error!("a simulated phone's task failed: {e}"),
        }
    }
    reports.into_values().collect()
}

/// What one of a phone's sockets or connections received.
#[derive(Debug)]
struct Incoming {
    socket: SocketId,
    from: SocketAddr,
    what: What,
}

#[derive(Debug)]
enum What {
    /// A datagram, or bytes of a connection.
    Bytes(Vec<u8>),
    /// News of an HTTP connection.
    Connection(Connection),
}

#[derive(Debug)]
struct Open {
    socket: Arc<UdpSocket>,
    reader: JoinHandle<()>,
}

/// The thin loop around one phone.
async fn drive(
    mut phone: Phone,
    net: Arc<Net>,
    source: Option<Ipv4Addr>,
    loud: bool,
) -> PhoneReport {
    let name = phone.name();
    let (tx, mut rx) = mpsc::channel::<Incoming>(256);
    let mut sockets: BTreeMap<SocketId, Open> = BTreeMap::new();
    let mut connections: BTreeMap<u32, JoinHandle<()>> = BTreeMap::new();
    let mut send_errors: Vec<String> = Vec::new();
    loop {
        while let Some(event) = phone.poll_event() {
            if loud {
                tracing::info!(phone = %name, "{event}");
            } else {
                tracing::debug!(phone = %name, "{event}");
            }
        }
        while let Some(name) = phone.poll_lookup() {
            let found = lookup(&name).await;
            phone.looked_up(clock::now(), &name, found);
        }
        while let Some(t) = phone.poll_transmit() {
            if let SocketId::Http(id) = t.socket {
                // One request per connection: the phone sends nothing more.
                if let Entry::Vacant(v) = connections.entry(id) {
                    v.insert(http::start(&net, source, t, tx.clone()));
                }
                continue;
            }
            let socket = match sockets.entry(t.socket) {
                Entry::Occupied(o) => o.get().socket.clone(),
                Entry::Vacant(v) => match open(&net, t.socket, source) {
                    Ok(socket) => {
                        let socket = Arc::new(socket);
                        let reader = tokio::spawn(read(socket.clone(), t.socket, tx.clone()));
                        v.insert(Open {
                            socket: socket.clone(),
                            reader,
                        });
                        socket
                    }
                    Err(why) => {
                        phone.could_not_run(clock::now(), why);
                        break;
                    }
                },
            };
            if let Err(e) = socket.send_to(&t.bytes, t.to).await {
                // As lost on the wire; say so if it keeps happening.
                tracing::debug!(phone = %name, to = %t.to, "send failed: {e}");
                let line = format!("sending to {} failed: {e}", t.to);
                if send_errors.len() < MAX_SEND_NOTES && !send_errors.contains(&line) {
                    send_errors.push(line);
                }
            }
        }
        let finished = phone.is_finished();
        sockets.retain(|id, open| {
            let keep = !finished
                && match id {
                    SocketId::Dhcp => true,
                    SocketId::Tftp(n) | SocketId::Http(n) => phone.is_live(*n),
                    SocketId::Sip => phone.sip_live(),
                };
            if !keep {
                open.reader.abort();
            }
            keep
        });
        connections.retain(|id, task| {
            let keep = !finished && phone.is_live(*id);
            if !keep {
                task.abort();
            }
            keep
        });
        if finished {
            break;
        }
        let Some(due) = phone.poll_timeout() else {
            break;
        };
        tokio::select! {
            Some(m) = rx.recv() => match m.what {
                What::Bytes(bytes) => phone.handle(clock::now(), m.socket, m.from, &bytes),
                What::Connection(news) => phone.handle_connection(clock::now(), m.socket, news),
            },
            () = tokio::time::sleep(due - clock::now()) => phone.handle_timeout(clock::now()),
        }
    }
    for (_, open) in sockets {
        open.reader.abort();
    }
    for (_, task) in connections {
        task.abort();
    }
    let mut report = phone.report(clock::now());
    if !report.verdict.is_good() {
        report.notes.extend(send_errors);
    }
    report
}

/// The IPv4 addresses of a SIP proxy's name, or why there are none; at most
/// [`LOOKUP_PATIENCE`].
async fn lookup(name: &str) -> Result<Vec<Ipv4Addr>, String> {
    if is_invalid_tld(name) {
        return Err("names under `.invalid` never resolve (RFC 6761)".into());
    }
    match tokio::time::timeout(LOOKUP_PATIENCE, tokio::net::lookup_host((name, 0))).await {
        Err(_) => Err(format!("no answer within {} s", LOOKUP_PATIENCE.as_secs())),
        Ok(Err(e)) => Err(e.to_string()),
        Ok(Ok(addresses)) => {
            let v4: Vec<Ipv4Addr> = addresses
                .filter_map(|a| match a.ip() {
                    IpAddr::V4(ip) => Some(ip),
                    IpAddr::V6(_) => None,
                })
                .collect();
            if v4.is_empty() {
                Err("it has no IPv4 address".into())
            } else {
                Ok(v4)
            }
        }
    }
}

/// Whether `name` is under the special-use `.invalid` domain, which RFC 6761
/// (§6.4) asks resolver libraries to answer negatively at once: no query
/// leaves this machine for it.
fn is_invalid_tld(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    let len = name.len();
    name.eq_ignore_ascii_case("invalid")
        || (len > ".invalid".len()
            && name
                .get(len - ".invalid".len()..)
                .is_some_and(|tail| tail.eq_ignore_ascii_case(".invalid")))
}

/// Forwards what `socket` receives to the phone, until the phone closes it.
async fn read(socket: Arc<UdpSocket>, id: SocketId, tx: mpsc::Sender<Incoming>) {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    let mut errors = 0;
    loop {
        match socket.recv_from(&mut buf).await {
            Ok((n, from)) => {
                errors = 0;
                let incoming = Incoming {
                    socket: id,
                    from,
                    what: What::Bytes(buf[..n].to_vec()),
                };
                if tx.send(incoming).await.is_err() {
                    return;
                }
            }
            Err(e) => {
                errors += 1;
                tracing::debug!(?id, "receive failed: {e}");
                if errors >= MAX_RECV_ERRORS {
                    return;
                }
            }
        }
    }
}

/// Opens one of a phone's sockets; a TFTP socket for `--server` is bound to
/// `source` when given.
fn open(net: &Net, id: SocketId, source: Option<Ipv4Addr>) -> Result<UdpSocket, String> {
    let socket = Socket::new(Domain::IPV4, Type::DGRAM, Some(socket2::Protocol::UDP))
        .map_err(|e| format!("cannot make a UDP socket: {e}"))?;
    let bound = match (net, id) {
        (Net::Dhcp { interface, .. }, SocketId::Dhcp) => {
            let port = dhcp_client::CLIENT_PORT;
            socket
                .set_reuse_address(true)
                .and_then(|()| socket.set_broadcast(true))
                .and_then(|()| crate::dhcp::bind::bind_to_interface(&socket, interface))
                .and_then(|()| socket.bind(&SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)).into()))
                .map_err(|e| dhcp_bind_error(interface, &e))
        }
        (Net::Dhcp { interface, address }, SocketId::Tftp(_) | SocketId::Sip) => {
            crate::dhcp::bind::bind_to_interface(&socket, interface)
                .and_then(|()| socket.bind(&SocketAddr::from((*address, 0)).into()))
                .map_err(|e| format!("cannot open a UDP socket on {interface} ({address}): {e}"))
        }
        (Net::Server(server), SocketId::Tftp(_) | SocketId::Sip) => {
            let from: IpAddr = match (server, source) {
                (_, Some(ip)) => ip.into(),
                (SocketAddr::V4(_), None) => Ipv4Addr::UNSPECIFIED.into(),
                (SocketAddr::V6(_), None) => std::net::Ipv6Addr::UNSPECIFIED.into(),
            };
            socket
                .bind(&SocketAddr::new(from, 0).into())
                .map_err(|e| match source {
                    Some(ip) => format!(
                        "cannot send from {ip}: {e}. --source must be an address of this computer (any 127.x.y.z on loopback)"
                    ),
                    None => format!("cannot open a UDP socket: {e}"),
                })
        }
        (Net::Server(_), SocketId::Dhcp) => Err("no DHCP with --server".to_owned()),
        // Connections are TCP: `http::start` opens them.
        (_, SocketId::Http(_)) => Err("an HTTP connection is not a UDP socket".to_owned()),
    };
    bound?;
    socket
        .set_nonblocking(true)
        .map_err(|e| format!("cannot make the socket non-blocking: {e}"))?;
    UdpSocket::from_std(socket.into()).map_err(|e| format!("cannot register the socket: {e}"))
}

fn dhcp_bind_error(interface: &str, e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::PermissionDenied => format!(
            "cannot listen on port 68 of {interface}: permission denied. DHCP's client port \
             needs root (or CAP_NET_BIND_SERVICE and CAP_NET_RAW); run it with sudo, or use --server"
        ),
        ErrorKind::AddrInUse => format!(
            "port 68 on {interface} is taken by another program (a DHCP client?) that does not \
             share it; stop it, or run the simulator in a network namespace"
        ),
        _ => format!("cannot listen on port 68 of {interface}: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_names_are_known_without_a_query() {
        for name in ["nothing.invalid", "pbx.INVALID.", "invalid", "a.b.invalid"] {
            assert!(is_invalid_tld(name), "{name}");
        }
        for name in ["pbx.lan", "invalid.lan", "myinvalid", "\u{e9}invalid", ""] {
            assert!(!is_invalid_tld(name), "{name}");
        }
    }

    #[tokio::test]
    async fn an_invalid_name_fails_at_once() {
        let error = lookup("nothing.invalid").await.unwrap_err();
        assert!(error.contains("RFC 6761"), "{error}");
    }

    #[test]
    fn a_source_range_gives_each_phone_its_own_address_in_turn() {
        let net = Net::Server("10.0.0.1:69".parse().unwrap());
        let got = sources(&net, Some("10.0.0.20-10.0.0.21"), 3).unwrap();
        let ip = |d| Some(Ipv4Addr::new(10, 0, 0, d));
        assert_eq!(got, [ip(20), ip(21), ip(20)]);
        assert_eq!(sources(&net, Some("10.0.0.5"), 2).unwrap(), [ip(5), ip(5)]);
        for bad in ["10.0.0.21-10.0.0.20", "ten", "10.0.0.1-x"] {
            assert!(sources(&net, Some(bad), 1).is_err(), "{bad}");
        }
    }

    #[test]
    fn macs_count_up_and_keep_the_oui() {
        let base = Mac([0x00, 0x1b, 0x54, 0xff, 0xff, 0xfe]);
        assert_eq!(nth_mac(base, 0), base);
        assert_eq!(nth_mac(base, 1).to_string(), "001B54FFFFFF");
        assert_eq!(nth_mac(base, 2).to_string(), "001B54000000");
    }

    #[test]
    fn servers_are_ipv4_with_an_optional_port() {
        assert_eq!(
            parse_server("10.0.0.1").unwrap(),
            "10.0.0.1:69".parse().unwrap()
        );
        assert_eq!(
            parse_server("127.0.0.1:6969").unwrap(),
            "127.0.0.1:6969".parse().unwrap()
        );
        assert!(parse_server("[::1]:69").unwrap_err().contains("IPv6"));
        assert!(parse_server("tftp.example").is_err());
    }

    #[test]
    fn every_model_in_the_catalogue_is_simulated() {
        let names = simulated_models();
        for m in [
            "7961", "7911", "7940", "7960", "6921", "6901", "8945", "7925", "7841", "8841", "8865",
        ] {
            assert!(names.contains(&m), "{m}");
        }
        assert_eq!(names.len(), models::MODELS.len());
    }
}
