//! The flags of `lifeline simulate`, and the readers of the values clap cannot
//! read by itself (a protocol, a time limit).

use std::time::Duration;

use lifeline_proto::simulate::spec::{HTTP_PORT, Scenario, Transport};
use lifeline_shared::config::mac::Mac;
use lifeline_shared::models::Protocol;

/// The most phones one run simulates.
pub const MAX_PHONES: u16 = 250;

/// Arguments of `lifeline simulate`.
// The field docs are the command's --help, read as written: `SEP<MAC>` is a
// name there, not an HTML tag.
#[allow(rustdoc::invalid_html_tags)]
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
