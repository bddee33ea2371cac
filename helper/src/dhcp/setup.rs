//! From `lifeline serve --dhcp …` flags to a running server: choose the
//! interface, check the configuration, look for another DHCP server, bind the
//! socket, read the leases, start the loop.
//!
//! [`choose_interface`] and [`default_range`] are pure and tested directly;
//! [`prepare`] checks flags, interface and lease file before anything is
//! sent; [`launch`] looks for a rival server, binds and starts the loop. Each
//! stops at the first problem with a message that says what to do.

use std::io;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lifeline_proto::dhcp::config::{
    AddrRange, Answer, ConfigError, PolicyConfig, PolicyInputs, Reservation, Subnet,
    parse_duration_secs,
};
use lifeline_proto::dhcp::leases::{LeaseError, Leases};
use lifeline_shared::dhcp::option150;
use thiserror::Error;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::bind::{FIREWALL_NOTE, bind_hint, udp_on_interface};
use super::events::{DhcpServing, Notice};
use super::lease_file;
use super::neighbour::Neighbours;
use super::probe::{self, IcmpProber};
use super::server::{self, Ports, Setup};
use crate::events::Events;

/// The DHCP flags of `lifeline serve`.
#[derive(Clone, Debug, clap::Args)]
pub struct DhcpArgs {
    /// Run a DHCP server that gives phones their TFTP server (option 150):
    /// `cisco-only` answers Cisco devices only (safe on a LAN that has its own
    /// DHCP server), `all` answers everyone (a laptop cabled to a phone).
    #[arg(long = "dhcp", value_enum, value_name = "MODE", default_value_t = Answer::Off)]
    pub mode: Answer,
    /// The addresses to hand out. Default with --interface: a hundred
    /// addresses from the middle of its subnet.
    #[arg(long = "dhcp-range", value_name = "FIRST-LAST")]
    pub range: Option<AddrRange>,
    /// Always give this MAC this address (repeat for more phones).
    #[arg(long = "dhcp-host", value_name = "MAC=IP")]
    pub hosts: Vec<Reservation>,
    /// How long a lease lasts: seconds, or with a unit (30m, 12h, 7d).
    #[arg(long = "dhcp-lease-time", value_name = "DURATION", default_value = "1h",
          value_parser = lease_time)]
    pub lease_time: u64,
    /// Routers to hand out (option 3), comma-separated.
    #[arg(long = "dhcp-router", value_name = "IP", value_delimiter = ',')]
    pub routers: Vec<Ipv4Addr>,
    /// DNS servers to hand out (option 6), comma-separated.
    #[arg(long = "dhcp-dns", value_name = "IP", value_delimiter = ',')]
    pub dns: Vec<Ipv4Addr>,
    /// TFTP servers for option 150, comma-separated (default: this computer's
    /// address on the interface).
    #[arg(long = "dhcp-tftp", value_name = "IP[,IP…]")]
    pub tftp: Option<String>,
    /// Offer addresses without first checking (ICMP echo) that nobody uses them.
    #[arg(long = "dhcp-no-probe")]
    pub no_probe: bool,
    /// How long to listen for another DHCP server before serving.
    #[arg(long = "dhcp-rival-wait", value_name = "DURATION", default_value = "3s",
          value_parser = rival_wait)]
    pub rival_wait: u64,
    /// With `--dhcp all`: serve even though another DHCP server answers on the segment.
    #[arg(long)]
    pub force: bool,
}

fn lease_time(s: &str) -> Result<u64, ConfigError> {
    parse_duration_secs(s)
}

fn rival_wait(s: &str) -> Result<u64, String> {
    match parse_duration_secs(s) {
        Ok(n) if (1..=60).contains(&n) => Ok(n),
        Ok(n) => Err(format!("{n} s is out of bounds: use 1 s to 60 s")),
        Err(e) => Err(e.to_string()),
    }
}

/// One IPv4 address of one interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    /// Its name: `eth0`.
    pub name: String,
    pub addr: Ipv4Addr,
    /// The prefix length.
    pub prefix: u8,
}

impl Interface {
    fn subnet(&self) -> Subnet {
        Subnet::of(self.addr, self.prefix)
    }
}

impl std::fmt::Display for Interface {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}/{})", self.name, self.addr, self.prefix)
    }
}

/// Why the DHCP server did not start.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SetupError {
    /// Neither `--interface` nor `--dhcp-range`.
    #[error(
        "the DHCP server needs to know where to serve: give --interface NAME (the port the phone \
         is cabled to), or --dhcp-range FIRST-LAST inside one interface's subnet. Interfaces: {0}"
    )]
    Unplaced(String),
    /// No interface by that name, or none with an IPv4 address.
    #[error(
        "interface `{name}` has no IPv4 address (or does not exist). Give it one first, e.g. \
         `ip addr add 192.168.10.1/24 dev {name}`. Interfaces with addresses: {available}"
    )]
    NoSuchInterface {
        /// The name given.
        name: String,
        /// What there is.
        available: String,
    },
    /// No interface's subnet holds the range.
    #[error(
        "no interface has an address in the subnet of {range}, so there is nowhere to serve it. \
         Give --interface NAME, or a range inside one of: {available}"
    )]
    NoInterfaceForRange {
        range: AddrRange,
        /// What there is.
        available: String,
    },
    /// Several interfaces could serve the range.
    #[error(
        "several interfaces are on the subnet of {range}: {candidates}. Choose one with --interface NAME"
    )]
    Ambiguous {
        range: AddrRange,
        /// The candidates.
        candidates: String,
    },
    /// The subnet is too small for a default range.
    #[error("{0} is too small to choose a range in; give --dhcp-range FIRST-LAST")]
    NoDefaultRange(Subnet),
    /// A flag's value.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Another server answers, in `all` mode.
    #[error(
        "{0}. Two DHCP servers answering everyone on one segment fight over every device. Use \
         --dhcp cisco-only to answer phones only, unplug from this network, or pass --force to \
         serve anyway"
    )]
    Rival(String),
    /// The rival check could not run, in `all` mode.
    #[error(
        "cannot check for another DHCP server on {interface}: {source}. Pass --force to serve \
         without the check, or use --dhcp cisco-only"
    )]
    RivalCheck {
        interface: String,
        source: io::Error,
    },
    /// The socket.
    #[error("cannot listen for DHCP on {interface} port 67: {source}{hint}")]
    Bind {
        interface: String,
        source: io::Error,
        /// What to do.
        hint: &'static str,
    },
    /// The lease file.
    #[error(transparent)]
    Leases(#[from] LeaseError),
    /// Listing interfaces.
    #[error("cannot list the network interfaces: {0}")]
    Interfaces(io::Error),
}

/// Every IPv4 address of every interface.
pub fn interfaces() -> io::Result<Vec<Interface>> {
    Ok(if_addrs::get_if_addrs()?
        .into_iter()
        .filter_map(|i| match i.addr {
            if_addrs::IfAddr::V4(v4) => Some(Interface {
                name: i.name,
                addr: v4.ip,
                prefix: v4.prefixlen,
            }),
            if_addrs::IfAddr::V6(_) => None,
        })
        .collect())
}

fn list(interfaces: &[Interface]) -> String {
    let named: Vec<String> = interfaces
        .iter()
        .filter(|i| !i.addr.is_loopback())
        .map(ToString::to_string)
        .collect();
    if named.is_empty() {
        "none".into()
    } else {
        named.join(", ")
    }
}

/// Chooses the interface: the one named (its address in the range's subnet
/// if it has several), else the only non-loopback one whose subnet holds the range.
pub fn choose_interface(
    all: &[Interface],
    name: Option<&str>,
    range: Option<AddrRange>,
) -> Result<Interface, SetupError> {
    let fits = |i: &Interface, r: &AddrRange| {
        let s = i.subnet();
        s.contains(r.first) && s.contains(r.last)
    };
    if let Some(name) = name {
        let mine: Vec<&Interface> = all.iter().filter(|i| i.name == name).collect();
        let chosen = range
            .and_then(|r| mine.iter().find(|i| fits(i, &r)))
            .or(mine.first())
            .ok_or_else(|| SetupError::NoSuchInterface {
                name: name.to_owned(),
                available: list(all),
            })?;
        return Ok((*chosen).clone());
    }
    let Some(range) = range else {
        return Err(SetupError::Unplaced(list(all)));
    };
    let candidates: Vec<&Interface> = all
        .iter()
        .filter(|i| !i.addr.is_loopback() && fits(i, &range))
        .collect();
    match candidates.as_slice() {
        [] => Err(SetupError::NoInterfaceForRange {
            range,
            available: list(all),
        }),
        [one] => Ok((*one).clone()),
        [first, rest @ ..] if rest.iter().all(|i| i.name == first.name) => Ok((*first).clone()),
        many => Err(SetupError::Ambiguous {
            range,
            candidates: many
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// A range when none is given: up to a hundred addresses from the middle of
/// the subnet (`.128-.227` on a /24), where static addresses are rare.
pub fn default_range(iface: &Interface) -> Result<AddrRange, SetupError> {
    let subnet = iface.subnet();
    if subnet.prefix > 29 {
        return Err(SetupError::NoDefaultRange(subnet));
    }
    let network = u32::from(subnet.network);
    let size = 1u64 << (32 - u32::from(subnet.prefix));
    let first = network + (size / 2) as u32;
    let last = (u64::from(first) + 99).min(u64::from(network) + size - 2) as u32;
    Ok(AddrRange {
        first: Ipv4Addr::from(first),
        last: Ipv4Addr::from(last),
    })
}

/// The default data directory, the platform's place for a program's own data:
/// Windows `%LOCALAPPDATA%\lifeline`; macOS `~/Library/Application
/// Support/lifeline`; elsewhere `$XDG_DATA_HOME/lifeline`, else
/// `~/.local/share/lifeline`. Without any of these, `./lifeline-data`.
pub fn default_data_dir() -> PathBuf {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let base = if cfg!(windows) {
        var("LOCALAPPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|home| PathBuf::from(home).join("Library/Application Support"))
    } else {
        var("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| var("HOME").map(|home| PathBuf::from(home).join(".local/share")))
    };
    base.map_or_else(
        || PathBuf::from("lifeline-data"),
        |dir| dir.join("lifeline"),
    )
}

/// The receive buffer asked for the DHCP socket: a room of phones powering
/// up sends hundreds of DISCOVERs in the same instant, each costing the
/// kernel a kilobyte or two of buffer; the default (about 200 KiB on Linux)
/// drops those past the first hundred or so before the loop can read them.
pub const RECV_BUFFER: usize = 1 << 20;

/// Binds UDP `port` on `interface` (address `addr`), ready for broadcasts.
pub fn bind_socket(
    interface: &str,
    addr: Ipv4Addr,
    port: u16,
) -> io::Result<tokio::net::UdpSocket> {
    let socket = udp_on_interface(interface, addr, port)?;
    // The system may cap it (Linux: net.core.rmem_max); less is no error.
    if let Err(e) = socket.set_recv_buffer_size(RECV_BUFFER) {
        tracing::debug!(error = %e, "dhcp: cannot enlarge the receive buffer");
    }
    socket.set_nonblocking(true)?;
    tokio::net::UdpSocket::from_std(socket.into())
}

/// Where `lifeline serve` runs the DHCP server, besides its flags.
#[derive(Clone, Debug)]
pub struct Placement<'a> {
    /// `--interface`.
    pub interface: Option<&'a str>,
    /// `--data-dir`.
    pub data_dir: &'a Path,
    /// The TFTP address `serve` uses otherwise (`--tftp-server`), if any.
    pub tftp_default: Option<Ipv4Addr>,
}

/// A checked DHCP configuration, its interface and its leases: everything
/// that can be wrong with the flags or the data directory, found before any
/// packet is sent.
#[derive(Debug)]
pub struct Prepared {
    args: DhcpArgs,
    iface: Interface,
    config: PolicyConfig,
    leases: Leases,
    lease_file: PathBuf,
}

impl Prepared {
    /// The configuration.
    pub fn config(&self) -> &PolicyConfig {
        &self.config
    }

    /// The interface served.
    pub fn interface(&self) -> &Interface {
        &self.iface
    }
}

/// Checks the flags against the interfaces and reads the lease file, or
/// returns `Ok(None)` when DHCP is off.
pub fn prepare(args: &DhcpArgs, place: Placement<'_>) -> Result<Option<Prepared>, SetupError> {
    if args.mode == Answer::Off {
        return Ok(None);
    }
    let all = interfaces().map_err(SetupError::Interfaces)?;
    let iface = choose_interface(&all, place.interface, args.range)?;
    let range = match args.range {
        Some(range) => range,
        None => default_range(&iface)?,
    };
    let tftp = match &args.tftp {
        Some(text) => {
            option150::parse_list(text)
                .map_err(ConfigError::from)?
                .addresses
        }
        None => place.tftp_default.into_iter().collect(),
    };
    let config = PolicyConfig::new(PolicyInputs {
        mode: args.mode,
        server_id: iface.addr,
        prefix: iface.prefix,
        range,
        reservations: args.hosts.clone(),
        lease_time: args.lease_time,
        routers: args.routers.clone(),
        dns: args.dns.clone(),
        tftp,
        probe: !args.no_probe,
    })?;
    let lease_file = place.data_dir.join(lease_file::FILE_NAME);
    let (leases, notes) = lease_file::load(&lease_file, &config)?;
    for note in notes {
        tracing::warn!(file = %lease_file.display(), "dhcp: {note}");
    }
    Ok(Some(Prepared {
        args: args.clone(),
        iface,
        config,
        leases,
        lease_file,
    }))
}

/// Looks for another DHCP server (refusing to serve everyone beside one),
/// binds port 67 on the interface and starts the loop, which publishes on
/// `events`. Each server found, and the start, go to `notify`.
pub async fn launch(
    prepared: Prepared,
    events: &Events,
    notify: impl Fn(Notice),
    stop: &CancellationToken,
) -> Result<JoinHandle<io::Result<()>>, SetupError> {
    let Prepared {
        args,
        iface,
        config,
        leases,
        lease_file,
    } = prepared;
    check_rivals(&args, &iface, &notify).await?;

    if let Some(note) = FIREWALL_NOTE {
        tracing::warn!("dhcp: {note}");
    }
    let socket = bind_socket(&iface.name, iface.addr, 67).map_err(|source| SetupError::Bind {
        interface: iface.name.clone(),
        hint: bind_hint(source.kind()),
        source,
    })?;
    let prober = if config.probe {
        match IcmpProber::new(Some((&iface.name, iface.addr))) {
            Ok(p) => Some(p),
            Err(e) => {
                tracing::warn!(error = %e, "dhcp: cannot open an ICMP socket; {}", probe::UNCHECKED_NOTE);
                None
            }
        }
    } else {
        None
    };
    tracing::info!(
        interface = %iface.name, server = %iface.addr, subnet = %config.subnet,
        range = %config.range, mode = ?config.mode, tftp = ?config.tftp, leases = leases.len(),
        lease_file = %lease_file.display(), probe = prober.is_some(),
        "DHCP server listening"
    );
    notify(Notice::Serving(DhcpServing {
        mode: config.mode,
        interface: Some(iface.name.clone()),
        server: iface.addr,
        range: config.range,
        tftp: config.tftp.clone(),
    }));
    let neighbours = match Neighbours::open(&iface.name) {
        Ok(table) => Some(table),
        Err(e) => {
            tracing::info!(error = %e, "dhcp: replies to clients without an address are broadcast");
            None
        }
    };
    let setup = Setup {
        config,
        leases,
        lease_file: Some(lease_file),
        events: events.clone(),
        prober,
        ports: Ports::default(),
        neighbours,
    };
    let stop = stop.clone();
    Ok(tokio::spawn(async move {
        server::serve(socket, setup, stop).await.map(drop)
    }))
}

/// Looks for another DHCP server; reports each; refuses in `all` mode unless `--force`.
async fn check_rivals(
    args: &DhcpArgs,
    iface: &Interface,
    notify: &impl Fn(Notice),
) -> Result<(), SetupError> {
    let wait = Duration::from_secs(args.rival_wait);
    tracing::info!(interface = %iface.name, ?wait, "dhcp: looking for another DHCP server");
    let rivals = match probe::find_rivals(&iface.name, iface.addr, wait).await {
        Ok(rivals) => rivals,
        Err(source) if args.mode == Answer::All && !args.force => {
            return Err(SetupError::RivalCheck {
                interface: iface.name.clone(),
                source,
            });
        }
        Err(e) => {
            tracing::warn!(interface = %iface.name, error = %e, "dhcp: cannot check for another DHCP server");
            return Ok(());
        }
    };
    let mut described = Vec::new();
    for rival in rivals {
        let text = rival.describe();
        tracing::warn!(
            interface = %iface.name, rival = %rival.server, offered = %rival.offered,
            option150 = ?rival.option150, "dhcp: {text}"
        );
        described.push(text);
        notify(Notice::Rival(rival));
    }
    if described.is_empty() {
        return Ok(());
    }
    match (args.mode, args.force) {
        (Answer::All, false) => Err(SetupError::Rival(described.join("; "))),
        (Answer::All, true) => {
            tracing::warn!("dhcp: serving everyone beside another DHCP server, as --force asks");
            Ok(())
        }
        _ => {
            tracing::warn!(
                "dhcp: answering Cisco phones only; a phone takes the first offer it gets, so if it \
                 boots without a TFTP server, the other server answered first"
            );
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iface(name: &str, addr: &str, prefix: u8) -> Interface {
        Interface {
            name: name.into(),
            addr: addr.parse().unwrap(),
            prefix,
        }
    }

    fn all() -> Vec<Interface> {
        vec![
            iface("lo", "127.0.0.1", 8),
            iface("eth0", "192.168.1.20", 24),
            iface("eth1", "10.0.0.1", 24),
            iface("eth1", "10.9.0.1", 16),
        ]
    }

    /// The platform's place for a program's data, as a new user has it.
    #[test]
    fn the_data_directory_is_the_platforms() {
        let dir = default_data_dir();
        let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let expected = if cfg!(windows) {
            env("LOCALAPPDATA").map(|d| PathBuf::from(d).join("lifeline"))
        } else if cfg!(target_os = "macos") {
            env("HOME").map(|h| PathBuf::from(h).join("Library/Application Support/lifeline"))
        } else {
            env("XDG_DATA_HOME")
                .map(|d| PathBuf::from(d).join("lifeline"))
                .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".local/share/lifeline")))
        };
        assert_eq!(
            dir,
            expected.unwrap_or_else(|| PathBuf::from("lifeline-data"))
        );
        if cfg!(windows) {
            // Never a Unix dotted directory under the profile.
            assert!(
                !dir.to_string_lossy().contains(".local"),
                "{}",
                dir.display()
            );
        }
    }

    #[test]
    fn the_named_interface_wins() {
        let r: AddrRange = "10.9.1.1-10.9.1.50".parse().unwrap();
        assert_eq!(
            choose_interface(&all(), Some("eth1"), Some(r))
                .unwrap()
                .addr
                .to_string(),
            "10.9.0.1"
        );
        assert_eq!(
            choose_interface(&all(), Some("eth1"), None)
                .unwrap()
                .addr
                .to_string(),
            "10.0.0.1"
        );
        let err = choose_interface(&all(), Some("wlan9"), None).unwrap_err();
        assert!(err.to_string().contains("eth0 (192.168.1.20/24)"), "{err}");
        assert!(!err.to_string().contains("lo ("), "{err}");
    }

    #[test]
    fn without_a_name_the_range_picks_or_the_helper_refuses() {
        let r: AddrRange = "192.168.1.100-192.168.1.150".parse().unwrap();
        assert_eq!(
            choose_interface(&all(), None, Some(r)).unwrap().name,
            "eth0"
        );
        let far: AddrRange = "172.16.0.10-172.16.0.20".parse().unwrap();
        assert!(matches!(
            choose_interface(&all(), None, Some(far)),
            Err(SetupError::NoInterfaceForRange { .. })
        ));
        assert!(matches!(
            choose_interface(&all(), None, None),
            Err(SetupError::Unplaced(_))
        ));
        let mut two = all();
        two.push(iface("eth2", "192.168.1.30", 24));
        let err = choose_interface(&two, None, Some(r)).unwrap_err();
        assert!(matches!(err, SetupError::Ambiguous { .. }), "{err}");
        assert!(err.to_string().contains("--interface"), "{err}");
    }

    #[test]
    fn default_ranges_sit_in_the_middle_of_the_subnet() {
        assert_eq!(
            default_range(&iface("e", "192.168.10.1", 24))
                .unwrap()
                .to_string(),
            "192.168.10.128-192.168.10.227"
        );
        assert_eq!(
            default_range(&iface("e", "10.1.2.3", 16))
                .unwrap()
                .to_string(),
            "10.1.128.0-10.1.128.99"
        );
        assert_eq!(
            default_range(&iface("e", "10.0.0.1", 28))
                .unwrap()
                .to_string(),
            "10.0.0.8-10.0.0.14"
        );
        assert!(default_range(&iface("e", "10.0.0.1", 30)).is_err());
    }
}
