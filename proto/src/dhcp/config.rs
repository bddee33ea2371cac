//! What the DHCP server hands out, checked once at start: the mode, the subnet,
//! the range, reservations, lease time, router, DNS and the TFTP list.
//!
//! Pure values. Invariants a [`PolicyConfig`] guarantees once built:
//! - the range, the server address, the TFTP servers' subnet and every
//!   reservation lie in one subnet, and the range is not empty;
//! - no address is reserved for two MACs, and no MAC holds two reservations;
//! - the TFTP list has 1 to 63 addresses (what option 150 can carry).

use std::collections::HashMap;
use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use lifeline_shared::config::mac::Mac;
use lifeline_shared::dhcp::option150;
use serde::Serialize;
use thiserror::Error;

/// Whom the server answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum Answer {
    /// No DHCP server.
    #[default]
    Off,
    /// Only Cisco devices: option 60 starts with `Cisco Systems`, or the MAC has a Cisco OUI.
    CiscoOnly,
    /// Every client.
    All,
}

impl Answer {
    /// The name the `--dhcp` flag takes (`cisco-only`).
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Off => "off",
            Answer::CiscoOnly => "cisco-only",
            Answer::All => "all",
        }
    }
}

/// An IPv4 subnet: a network address and a prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Subnet {
    /// The network address (host bits zero).
    pub network: Ipv4Addr,
    /// The prefix length, 0..=32.
    pub prefix: u8,
}

impl Subnet {
    /// The subnet of `addr` with this prefix (host bits cleared).
    pub fn of(addr: Ipv4Addr, prefix: u8) -> Self {
        let prefix = prefix.min(32);
        Subnet {
            network: Ipv4Addr::from(u32::from(addr) & mask_bits(prefix)),
            prefix,
        }
    }

    /// The subnet mask: `255.255.255.0` for /24.
    pub fn mask(&self) -> Ipv4Addr {
        Ipv4Addr::from(mask_bits(self.prefix))
    }

    /// The broadcast address of the subnet.
    pub fn broadcast(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.network) | !mask_bits(self.prefix))
    }

    /// Whether `addr` is in the subnet.
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        u32::from(addr) & mask_bits(self.prefix) == u32::from(self.network)
    }

    /// Whether `addr` can be given to a host: in the subnet, and neither the
    /// network nor the broadcast address (on subnets larger than /31).
    pub fn is_host(&self, addr: Ipv4Addr) -> bool {
        self.contains(addr)
            && (self.prefix >= 31 || (addr != self.network && addr != self.broadcast()))
    }
}

impl fmt::Display for Subnet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

fn mask_bits(prefix: u8) -> u32 {
    match prefix {
        0 => 0,
        p => u32::MAX << (32 - u32::from(p.min(32))),
    }
}

/// An inclusive range of addresses, `FIRST-LAST`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AddrRange {
    /// The first address handed out.
    pub first: Ipv4Addr,
    /// The last address handed out.
    pub last: Ipv4Addr,
}

impl AddrRange {
    /// How many addresses it spans (saturating: 0.0.0.0-255.255.255.255
    /// counts one short, which no configuration accepts anyway).
    pub fn len(&self) -> u32 {
        u32::from(self.last)
            .saturating_sub(u32::from(self.first))
            .saturating_add(1)
    }

    /// Never true: a parsed range holds at least one address.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Whether `addr` is in the range.
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        (u32::from(self.first)..=u32::from(self.last)).contains(&u32::from(addr))
    }

    /// The `i`-th address (0 = first); `i` must be below [`AddrRange::len`].
    pub fn nth(&self, i: u32) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.first) + i)
    }

    /// Position of `addr` in the range.
    pub fn index_of(&self, addr: Ipv4Addr) -> Option<u32> {
        self.contains(addr)
            .then(|| u32::from(addr) - u32::from(self.first))
    }
}

impl fmt::Display for AddrRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.first, self.last)
    }
}

/// Why a flag's value was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `--dhcp-range` is not `FIRST-LAST`.
    #[error("`{0}` is not a range; write it FIRST-LAST, e.g. 192.168.10.100-192.168.10.199")]
    RangeSyntax(String),
    /// `--dhcp-range` runs backwards.
    #[error("the range {first}-{last} runs backwards; put the lower address first")]
    RangeBackwards {
        /// The first address as given.
        first: Ipv4Addr,
        /// The last address as given.
        last: Ipv4Addr,
    },
    /// `--dhcp-host` is not `MAC=IP`.
    #[error("`{0}` is not a reservation; write it MAC=IP, e.g. 00:1b:54:aa:bb:cc=192.168.10.50")]
    HostSyntax(String),
    /// A MAC address that does not parse.
    #[error(transparent)]
    Mac(#[from] lifeline_shared::config::mac::MacError),
    /// An address that is not IPv4.
    #[error("`{0}` is not an IPv4 address")]
    Address(String),
    /// The range leaves the interface's subnet.
    #[error(
        "the range {range} is not inside {subnet}, the subnet of {server}; choose a range in {subnet}"
    )]
    RangeOutsideSubnet {
        range: AddrRange,
        subnet: Subnet,
        /// The server's address.
        server: Ipv4Addr,
    },
    /// The range is larger than the server keeps track of.
    #[error("the range {0} holds {len} addresses; at most {MAX_RANGE} are served", len = .0.len())]
    RangeTooLarge(AddrRange),
    /// The range holds no address a host can use.
    #[error(
        "the range {0} holds no usable address (only the network, broadcast or this server's own address)"
    )]
    RangeUnusable(AddrRange),
    /// A reservation outside the subnet.
    #[error("the reservation {mac}={addr} is not in {subnet}")]
    ReservationOutsideSubnet {
        mac: Mac,
        addr: Ipv4Addr,
        subnet: Subnet,
    },
    /// A reservation of the server's own, network or broadcast address.
    #[error(
        "{addr} cannot be reserved for {mac}: it is this server's, the network's or the broadcast address"
    )]
    ReservationUnusable { mac: Mac, addr: Ipv4Addr },
    /// Two reservations clash.
    #[error("{addr} is reserved twice (for {first} and {second}); one address per MAC")]
    ReservationClash {
        addr: Ipv4Addr,
        /// The first MAC.
        first: Mac,
        /// The second MAC.
        second: Mac,
    },
    /// One MAC reserved twice.
    #[error("{mac} has two reservations ({first} and {second}); keep one")]
    ReservationTwice {
        mac: Mac,
        /// The first address.
        first: Ipv4Addr,
        /// The second address.
        second: Ipv4Addr,
    },
    /// The TFTP list is unusable.
    #[error("the TFTP server list for option 150: {0}")]
    Tftp(#[from] option150::ListError),
    /// A lease time out of bounds.
    #[error("a lease time of {0} s is out of bounds: use 60 s to 365 days")]
    LeaseTime(u64),
    /// A duration that does not parse.
    #[error("`{0}` is not a duration; write seconds (3600) or with a unit: 90s, 30m, 12h, 7d")]
    Duration(String),
}

impl FromStr for AddrRange {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, ConfigError> {
        let (a, b) = s
            .split_once('-')
            .ok_or_else(|| ConfigError::RangeSyntax(s.to_owned()))?;
        let first = parse_ipv4(a)?;
        let last = parse_ipv4(b)?;
        if u32::from(first) > u32::from(last) {
            return Err(ConfigError::RangeBackwards { first, last });
        }
        Ok(AddrRange { first, last })
    }
}

/// A reservation: this MAC always gets this address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reservation {
    pub mac: Mac,
    pub addr: Ipv4Addr,
}

impl FromStr for Reservation {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, ConfigError> {
        let (mac, addr) = s
            .split_once('=')
            .ok_or_else(|| ConfigError::HostSyntax(s.to_owned()))?;
        Ok(Reservation {
            mac: mac.parse()?,
            addr: parse_ipv4(addr)?,
        })
    }
}

fn parse_ipv4(s: &str) -> Result<Ipv4Addr, ConfigError> {
    s.trim()
        .parse()
        .map_err(|_| ConfigError::Address(s.trim().to_owned()))
}

/// Reads `3600`, `90s`, `30m`, `12h`, `7d` as seconds.
pub fn parse_duration_secs(s: &str) -> Result<u64, ConfigError> {
    let t = s.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| ConfigError::Duration(s.to_owned()))?;
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(ConfigError::Duration(s.to_owned())),
    };
    n.checked_mul(scale)
        .ok_or_else(|| ConfigError::Duration(s.to_owned()))
}

/// The most addresses a range may hold (a /16).
pub const MAX_RANGE: u32 = 65_536;

/// The shortest and longest lease time accepted.
pub const LEASE_TIME_BOUNDS: (u32, u32) = (60, 365 * 86_400);

/// Everything the policy needs to answer, validated.
#[derive(Clone, Debug)]
pub struct PolicyConfig {
    /// Whom to answer.
    pub mode: Answer,
    /// This server's address: option 54, and where clients find us.
    pub server_id: Ipv4Addr,
    /// The subnet served.
    pub subnet: Subnet,
    /// The dynamic range.
    pub range: AddrRange,
    /// Lease time in seconds.
    pub lease_time: u32,
    /// Option 3, when set.
    pub routers: Vec<Ipv4Addr>,
    /// Option 6, when set.
    pub dns: Vec<Ipv4Addr>,
    /// Option 150's list (also option 66 and `siaddr`, from the first).
    pub tftp: Vec<Ipv4Addr>,
    /// Whether a fresh address is probed (ICMP) before it is offered.
    pub probe: bool,
    reservations_by_mac: HashMap<Mac, Ipv4Addr>,
    reservations_by_addr: HashMap<Ipv4Addr, Mac>,
    /// Option 150's wire bytes (the data part), computed once.
    option150: Vec<u8>,
    /// Option 66's text, computed once.
    option66: Vec<u8>,
}

/// The unchecked inputs of a [`PolicyConfig`].
#[derive(Clone, Debug)]
pub struct PolicyInputs {
    /// Whom to answer.
    pub mode: Answer,
    /// This server's address.
    pub server_id: Ipv4Addr,
    /// Its prefix length on the interface.
    pub prefix: u8,
    /// The dynamic range.
    pub range: AddrRange,
    pub reservations: Vec<Reservation>,
    /// Lease time in seconds.
    pub lease_time: u64,
    pub routers: Vec<Ipv4Addr>,
    pub dns: Vec<Ipv4Addr>,
    /// TFTP servers; empty means this server's address.
    pub tftp: Vec<Ipv4Addr>,
    /// Probe fresh addresses before offering them.
    pub probe: bool,
}

#[cfg(any(test, feature = "testkit"))]
impl PolicyInputs {
    /// Test inputs: server 10.0.0.1/24 answering everyone on `range`, hour
    /// leases, no routers, DNS, explicit TFTP list or probe.
    pub fn for_tests(range: &str) -> Self {
        Self {
            mode: Answer::All,
            server_id: Ipv4Addr::new(10, 0, 0, 1),
            prefix: 24,
            range: range.parse().expect("a test range"),
            reservations: vec![],
            lease_time: 3600,
            routers: vec![],
            dns: vec![],
            tftp: vec![],
            probe: false,
        }
    }
}

impl PolicyConfig {
    /// Checks the inputs against each other.
    pub fn new(inputs: PolicyInputs) -> Result<Self, ConfigError> {
        let PolicyInputs {
            mode,
            server_id,
            prefix,
            range,
            reservations,
            lease_time,
            routers,
            dns,
            tftp,
            probe,
        } = inputs;
        let subnet = Subnet::of(server_id, prefix);
        if !subnet.contains(range.first) || !subnet.contains(range.last) {
            return Err(ConfigError::RangeOutsideSubnet {
                range,
                subnet,
                server: server_id,
            });
        }
        if range.len() > MAX_RANGE {
            return Err(ConfigError::RangeTooLarge(range));
        }
        // Only the network, broadcast and own addresses are unusable.
        let usable = range.len() > 3
            || (0..range.len())
                .map(|i| range.nth(i))
                .any(|a| subnet.is_host(a) && a != server_id);
        if !usable {
            return Err(ConfigError::RangeUnusable(range));
        }
        let mut reservations_by_mac = HashMap::new();
        let mut reservations_by_addr = HashMap::new();
        for Reservation { mac, addr } in reservations {
            if !subnet.contains(addr) {
                return Err(ConfigError::ReservationOutsideSubnet { mac, addr, subnet });
            }
            if !subnet.is_host(addr) || addr == server_id {
                return Err(ConfigError::ReservationUnusable { mac, addr });
            }
            if let Some(&first) = reservations_by_addr.get(&addr)
                && first != mac
            {
                return Err(ConfigError::ReservationClash {
                    addr,
                    first,
                    second: mac,
                });
            }
            if let Some(&first) = reservations_by_mac.get(&mac)
                && first != addr
            {
                return Err(ConfigError::ReservationTwice {
                    mac,
                    first,
                    second: addr,
                });
            }
            reservations_by_mac.insert(mac, addr);
            reservations_by_addr.insert(addr, mac);
        }
        let (min, max) = LEASE_TIME_BOUNDS;
        let lease_time = u32::try_from(lease_time)
            .ok()
            .filter(|t| (min..=max).contains(t))
            .ok_or(ConfigError::LeaseTime(lease_time))?;
        let tftp = if tftp.is_empty() {
            vec![server_id]
        } else {
            tftp
        };
        if tftp.len() > option150::MAX_ADDRESSES {
            return Err(option150::ListError::TooMany { count: tftp.len() }.into());
        }
        let option150 = option150::encode(&tftp).wire[2..].to_vec();
        let option66 = tftp[0].to_string().into_bytes();
        Ok(PolicyConfig {
            mode,
            server_id,
            subnet,
            range,
            lease_time,
            routers,
            dns,
            tftp,
            probe,
            reservations_by_mac,
            reservations_by_addr,
            option150,
            option66,
        })
    }

    /// The address reserved for `mac`.
    pub fn reservation_of(&self, mac: &Mac) -> Option<Ipv4Addr> {
        self.reservations_by_mac.get(mac).copied()
    }

    /// The MAC `addr` is reserved for.
    pub fn reserved_for(&self, addr: Ipv4Addr) -> Option<Mac> {
        self.reservations_by_addr.get(&addr).copied()
    }

    /// How many reservations there are.
    pub fn reservation_count(&self) -> usize {
        self.reservations_by_mac.len()
    }

    /// Whether the server may ever hand `addr` out: in the range or reserved.
    pub fn manages(&self, addr: Ipv4Addr) -> bool {
        self.range.contains(addr) || self.reservations_by_addr.contains_key(&addr)
    }

    /// Whether `addr` may be handed out dynamically: in the range, a host
    /// address, not this server's own, not reserved.
    pub fn is_dynamic(&self, addr: Ipv4Addr) -> bool {
        self.range.contains(addr)
            && self.subnet.is_host(addr)
            && addr != self.server_id
            && !self.tftp.contains(&addr)
            && !self.routers.contains(&addr)
            && !self.dns.contains(&addr)
            && !self.reservations_by_addr.contains_key(&addr)
    }

    /// Option 150's data bytes: each TFTP address in network order.
    pub fn option150_data(&self) -> &[u8] {
        &self.option150
    }

    /// Option 66's text: the first TFTP address.
    pub fn option66_text(&self) -> &[u8] {
        &self.option66
    }

    /// Renewal time T1 (half the lease).
    pub fn renewal_time(&self) -> u32 {
        self.lease_time / 2
    }

    /// Rebinding time T2 (7/8 of the lease).
    pub fn rebinding_time(&self) -> u32 {
        (u64::from(self.lease_time) * 7 / 8) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    fn inputs() -> PolicyInputs {
        PolicyInputs::for_tests("10.0.0.100-10.0.0.199")
    }

    #[test]
    fn subnets_do_their_arithmetic() {
        let s = Subnet::of(ip("192.168.10.105"), 24);
        assert_eq!(s.to_string(), "192.168.10.0/24");
        assert_eq!(s.mask(), ip("255.255.255.0"));
        assert_eq!(s.broadcast(), ip("192.168.10.255"));
        assert!(s.contains(ip("192.168.10.1")) && !s.contains(ip("192.168.11.1")));
        assert!(!s.is_host(ip("192.168.10.0")) && !s.is_host(ip("192.168.10.255")));
        assert_eq!(Subnet::of(ip("10.1.2.3"), 0).mask(), ip("0.0.0.0"));
        assert_eq!(Subnet::of(ip("10.1.2.3"), 32).mask(), ip("255.255.255.255"));
        assert!(Subnet::of(ip("10.1.2.3"), 32).is_host(ip("10.1.2.3")));
    }

    #[test]
    fn ranges_and_reservations_parse_or_say_why() {
        let r: AddrRange = "10.0.0.100-10.0.0.199".parse().unwrap();
        assert_eq!(
            (r.len(), r.nth(1), r.index_of(ip("10.0.0.199"))),
            (100, ip("10.0.0.101"), Some(99))
        );
        assert!(matches!(
            "10.0.0.9-10.0.0.1".parse::<AddrRange>(),
            Err(ConfigError::RangeBackwards { .. })
        ));
        assert!(matches!(
            "10.0.0.9".parse::<AddrRange>(),
            Err(ConfigError::RangeSyntax(_))
        ));
        assert!(matches!(
            "10.0.0.9-x".parse::<AddrRange>(),
            Err(ConfigError::Address(_))
        ));
        let h: Reservation = "00:1b:54:aa:bb:cc=10.0.0.50".parse().unwrap();
        assert_eq!(h.addr, ip("10.0.0.50"));
        assert!(matches!(
            "00:1b:54:aa:bb:cc".parse::<Reservation>(),
            Err(ConfigError::HostSyntax(_))
        ));
        assert!(matches!(
            "zz=10.0.0.1".parse::<Reservation>(),
            Err(ConfigError::Mac(_))
        ));
        assert_eq!(parse_duration_secs("3600"), Ok(3600));
        assert_eq!(parse_duration_secs("12h"), Ok(43_200));
        assert_eq!(parse_duration_secs("7d"), Ok(604_800));
        assert!(parse_duration_secs("1w").is_err() && parse_duration_secs("").is_err());
    }

    #[test]
    fn a_config_is_checked_as_a_whole() {
        let c = PolicyConfig::new(inputs()).unwrap();
        assert_eq!(c.tftp, vec![ip("10.0.0.1")], "TFTP defaults to this server");
        assert_eq!(c.option150_data(), &[10, 0, 0, 1]);
        assert_eq!(c.option66_text(), b"10.0.0.1");
        assert_eq!((c.renewal_time(), c.rebinding_time()), (1800, 3150));

        let mut i = inputs();
        i.range = "10.0.1.1-10.0.1.9".parse().unwrap();
        assert!(matches!(
            PolicyConfig::new(i),
            Err(ConfigError::RangeOutsideSubnet { .. })
        ));
        let mut i = inputs();
        i.range = "10.0.0.1-10.0.0.1".parse().unwrap();
        assert!(matches!(
            PolicyConfig::new(i),
            Err(ConfigError::RangeUnusable(_))
        ));
        let mut i = inputs();
        i.prefix = 8;
        i.range = "10.0.0.0-10.2.0.0".parse().unwrap();
        assert!(matches!(
            PolicyConfig::new(i),
            Err(ConfigError::RangeTooLarge(_))
        ));
        let mut i = inputs();
        i.lease_time = 10;
        assert!(matches!(
            PolicyConfig::new(i),
            Err(ConfigError::LeaseTime(10))
        ));
        let mut i = inputs();
        i.reservations = vec![
            "00:1b:54:00:00:01=10.0.0.5".parse().unwrap(),
            "00:1b:54:00:00:02=10.0.0.5".parse().unwrap(),
        ];
        assert!(matches!(
            PolicyConfig::new(i),
            Err(ConfigError::ReservationClash { .. })
        ));
        let mut i = inputs();
        i.reservations = vec![
            "00:1b:54:00:00:01=10.0.0.5".parse().unwrap(),
            "00:1b:54:00:00:01=10.0.0.6".parse().unwrap(),
        ];
        assert!(matches!(
            PolicyConfig::new(i),
            Err(ConfigError::ReservationTwice { .. })
        ));
        let mut i = inputs();
        i.reservations = vec!["00:1b:54:00:00:01=10.0.9.5".parse().unwrap()];
        assert!(matches!(
            PolicyConfig::new(i),
            Err(ConfigError::ReservationOutsideSubnet { .. })
        ));
        let mut i = inputs();
        i.reservations = vec!["00:1b:54:00:00:01=10.0.0.255".parse().unwrap()];
        assert!(matches!(
            PolicyConfig::new(i),
            Err(ConfigError::ReservationUnusable { .. })
        ));
    }
}
