//! The flags checked into a [`Plan`]: the model, the phones' MACs and source
//! addresses, where they find their server ([`Net`]), the loads they run; each
//! flag that cannot work is refused with what to give instead.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::Duration;

use lifeline_proto::simulate::report::Run;
use lifeline_proto::simulate::spec::{Scenario, Transport};
use lifeline_shared::config::mac::Mac;
use lifeline_shared::models::{self, FamilyId, Model, Protocol};
use lifeline_shared::plan::{Running, StartError};

use super::args::SimulateArgs;

/// A Cisco OUI seen on 79xx phones, for MACs made up here.
pub(super) const CISCO_OUI: [u8; 3] = [0x00, 0x1B, 0x54];

/// Where the phones are.
#[derive(Clone, Debug)]
pub(super) enum Net {
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
pub(super) struct Plan {
    pub(super) model: &'static Model,
    pub(super) mode: Scenario,
    /// The protocol a 7940/7960 runs, when no running load is given (a phone given
    /// one runs its load's).
    pub(super) runs: Protocol,
    pub(super) macs: Vec<Mac>,
    /// The address each phone sends from (with --server), in MAC order.
    pub(super) sources: Vec<Option<Ipv4Addr>>,
    pub(super) net: Net,
    pub(super) options: bool,
    pub(super) time_limit: Duration,
    pub(super) transport: Transport,
    pub(super) http_port: u16,
    /// Boot mode: register the first SIP line.
    pub(super) register: bool,
    /// The loads the phones run, when given: phone i runs the (i mod n)-th.
    pub(super) running: Vec<Running>,
}

impl Plan {
    pub(super) fn run(&self) -> Run {
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

/// Checks the flags and the interface.
pub(super) fn plan(args: &SimulateArgs) -> Result<Plan, String> {
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
        runs: args.protocol.unwrap_or(Protocol::Sccp),
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
    if text.is_empty() {
        return Err(
            "--running has an empty load (a comma too many, or \"\"): give each load \
                    the phone runs in turn, such as --running 8.0(4),8.5(2)"
                .into(),
        );
    }
    let family = models::family(model.family);
    let r = Running::parse_for(text, model.family, protocol.unwrap_or(Protocol::Sccp)).map_err(
        |e| match e {
            StartError::Unreadable => format!(
                "--running `{text}` is neither a load name nor a release; give the load the phone \
                 runs as its name (SCCP41.8-0-4S, SIP41.9-4-2SR3-1S, P0S3-8-12-00) or as the \
                 phone's Settings → Status → Firmware Versions shows it (8.0(4), 9.4(2)SR3, \
                 SIP 8.12(0))"
            ),
            StartError::OtherFamily(other) => format!(
                "--running {text} is a load for the {}, and --model {} is a {}: give a load of \
                 the {} family, or the --model that runs it",
                models::family(other).name,
                model.name,
                family.name,
                family.name
            ),
        },
    )?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn an_empty_running_load_is_named_as_such() {
        let model = models::model("7961").unwrap();
        let err = running(model, "", None).unwrap_err();
        assert!(err.contains("empty load"), "{err}");
        assert!(running(model, "8.0(4)", None).is_ok());
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
