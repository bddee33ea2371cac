//! Looking before leaping: an ICMP echo to an address before offering it, and
//! a DHCPDISCOVER to find another DHCP server on the segment before serving.
//!
//! The ICMP probe uses a raw socket (root or `CAP_NET_RAW`, which a DHCP
//! server has anyway to bind port 67); it works the same in a network
//! namespace. On macOS it uses the unprivileged ICMP datagram socket, which
//! reads and writes the same bytes (the IP header included on receive). On
//! Windows a raw socket needs administrator rights: without them the server
//! offers addresses unchecked and says so ([`UNCHECKED_NOTE`]). tokio drives it as a datagram socket (`recvfrom`/`sendto` are
//! all a raw socket needs, so no unsafe registration is needed). It is owned
//! by the server loop, which
//! sends a probe, keeps the deadline, and reads replies in its `select!`: no
//! extra task, nothing to leak. Echo packets are built and read by the pure
//! functions [`echo_request`] and [`parse_echo_reply`].

use std::io;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;

use dhcproto::Encodable as _;
use dhcproto::v4::{DhcpOption, Flags, Message, MessageType, OptionCode};
use lifeline_shared::config::mac::Mac;
use socket2::{Domain, Protocol, Socket, Type};

pub use super::bind::bind_to_interface;
use super::bind::udp_on_interface;
use super::events::RivalServer;
use lifeline_proto::dhcp::reply::ServerReply;
use lifeline_proto::dhcp::wire;

/// How long an ICMP probe waits for an echo reply.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(500);
/// The payload of our echo requests.
const ECHO_PAYLOAD: &[u8; 8] = b"lifeline";
/// Option 53's value in an OFFER.
const OFFER: u8 = 2;

/// ICMP echo probes, on one raw socket.
#[derive(Debug)]
pub struct IcmpProber {
    socket: tokio::net::UdpSocket,
    ident: u16,
    seq: AtomicU16,
}

impl IcmpProber {
    /// Opens the ICMP socket, bound to `interface` (its name and address)
    /// when given.
    pub fn new(interface: Option<(&str, Ipv4Addr)>) -> io::Result<Self> {
        let kind = if cfg!(target_os = "macos") {
            Type::DGRAM
        } else {
            Type::RAW
        };
        let socket = Socket::new(Domain::IPV4, kind, Some(Protocol::ICMPV4))?;
        socket.set_nonblocking(true)?;
        if let Some((name, addr)) = interface {
            if super::bind::BINDS_BY_ADDRESS {
                socket.bind(&SocketAddrV4::new(addr, 0).into())?;
            } else {
                bind_to_interface(&socket, name)?;
            }
        }
        let socket: std::net::UdpSocket = socket.into();
        Ok(IcmpProber {
            socket: tokio::net::UdpSocket::from_std(socket)?,
            ident: (std::process::id() as u16) ^ 0x4c4c,
            seq: AtomicU16::new(0),
        })
    }
}

/// Why addresses go out unchecked when the ICMP socket cannot be opened.
pub const UNCHECKED_NOTE: &str = if cfg!(windows) {
    "addresses are offered without checking that they are free: pinging them needs \
     administrator rights on Windows (run lifeline as administrator, or pass --no-probe to \
     silence this)"
} else {
    "addresses are offered without checking that they are free: pinging them needs root or \
     CAP_NET_RAW (the .deb's lifeline.service has it), or pass --no-probe to silence this"
};

/// What the server loop needs of a prober: [`IcmpProber`] on the wire, a
/// stand-in in the loop's tests.
pub trait Probe: Send + Sync + 'static {
    /// Sends an echo request to `addr`; returns its sequence number.
    fn send(&self, addr: Ipv4Addr) -> io::Result<u16>;

    /// The next echo reply to one of our requests: who answered, and which
    /// request.
    fn recv(&self) -> impl Future<Output = io::Result<(Ipv4Addr, u16)>> + Send;
}

impl Probe for IcmpProber {
    fn send(&self, addr: Ipv4Addr) -> io::Result<u16> {
        let seq = self.seq.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
        let packet = echo_request(self.ident, seq);
        self.socket
            .try_send_to(&packet, SocketAddrV4::new(addr, 0).into())?;
        Ok(seq)
    }

    async fn recv(&self) -> io::Result<(Ipv4Addr, u16)> {
        let mut buf = [0u8; 1500];
        loop {
            let (n, _) = self.socket.recv_from(&mut buf).await?;
            if let Some(reply) = parse_echo_reply(&buf[..n], self.ident) {
                return Ok(reply);
            }
        }
    }
}

/// An ICMP echo request (type 8) with our identifier, sequence and payload.
pub fn echo_request(ident: u16, seq: u16) -> [u8; 16] {
    let mut p = [0u8; 16];
    p[0] = 8;
    p[4..6].copy_from_slice(&ident.to_be_bytes());
    p[6..8].copy_from_slice(&seq.to_be_bytes());
    p[8..].copy_from_slice(ECHO_PAYLOAD);
    let sum = checksum(&p);
    p[2..4].copy_from_slice(&sum.to_be_bytes());
    p
}

/// The Internet checksum (RFC 1071).
fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = data
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Reads an IPv4 datagram from a raw ICMP socket: an echo reply (type 0) to
/// `ident` gives its source and sequence number; anything else gives `None`.
pub fn parse_echo_reply(datagram: &[u8], ident: u16) -> Option<(Ipv4Addr, u16)> {
    let first = *datagram.first()?;
    if first >> 4 != 4 || datagram.get(9) != Some(&1) {
        return None;
    }
    let ihl = usize::from(first & 0x0f) * 4;
    let src = Ipv4Addr::new(
        *datagram.get(12)?,
        *datagram.get(13)?,
        *datagram.get(14)?,
        *datagram.get(15)?,
    );
    let icmp = datagram.get(ihl..)?;
    if icmp.len() < 8 || icmp[0] != 0 || icmp[1] != 0 {
        return None;
    }
    if u16::from_be_bytes([icmp[4], icmp[5]]) != ident {
        return None;
    }
    Some((src, u16::from_be_bytes([icmp[6], icmp[7]])))
}

/// The MAC address of `interface` (Linux sysfs), for the rival probe's `chaddr`.
pub fn interface_mac(interface: &str) -> Option<Mac> {
    std::fs::read_to_string(format!("/sys/class/net/{interface}/address"))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The DISCOVER the rival probe broadcasts.
pub fn rival_discover(xid: u32, mac: Mac) -> Vec<u8> {
    let mut m = Message::new_with_id(
        xid,
        Ipv4Addr::UNSPECIFIED,
        Ipv4Addr::UNSPECIFIED,
        Ipv4Addr::UNSPECIFIED,
        Ipv4Addr::UNSPECIFIED,
        &mac.0,
    );
    m.set_flags(Flags::default().set_broadcast());
    let opts = m.opts_mut();
    opts.insert(DhcpOption::MessageType(MessageType::Discover));
    opts.insert(DhcpOption::ParameterRequestList(vec![
        OptionCode::SubnetMask,
        OptionCode::Router,
        OptionCode::DomainNameServer,
        OptionCode::TFTPServerName,
        OptionCode::TFTPServerAddress,
    ]));
    opts.insert(DhcpOption::ClassIdentifier(
        b"lifeline (looking for other DHCP servers)".to_vec(),
    ));
    m.to_vec().unwrap_or_default()
}

/// Reads another server's OFFER to our probe `xid`; `source` is where it came from.
pub fn parse_rival_offer(bytes: &[u8], xid: u32, source: Ipv4Addr) -> Option<RivalServer> {
    let reply = ServerReply::parse(bytes).ok()?;
    if reply.xid != xid || reply.kind != OFFER {
        return None;
    }
    Some(RivalServer {
        server: reply.server_id.unwrap_or(source),
        offered: reply.yiaddr,
        mask: reply.subnet_mask,
        routers: reply.routers,
        option150: reply
            .option150
            .map(|data| {
                data.chunks_exact(4)
                    .map(|c| Ipv4Addr::new(c[0], c[1], c[2], c[3]))
                    .collect::<Vec<_>>()
            })
            .filter(|v| !v.is_empty()),
        option66: reply.option66.map(|t| {
            String::from_utf8_lossy(&t)
                .trim_end_matches('\0')
                .chars()
                .take(64)
                .collect()
        }),
    })
}

/// Broadcasts DISCOVERs on `interface`, whose address is `addr` (at once, then every second) for at
/// most `wait`, and returns every other server that answered. Stops half a
/// second after the first answer, to catch a second server too.
pub async fn find_rivals(
    interface: &str,
    addr: Ipv4Addr,
    wait: Duration,
) -> io::Result<Vec<RivalServer>> {
    let socket = udp_on_interface(interface, addr, 68)?;
    socket.set_nonblocking(true)?;
    let socket = tokio::net::UdpSocket::from_std(socket.into())?;

    let mac = interface_mac(interface).unwrap_or(Mac([0x02, 0x4c, 0x4c, 0, 0, 1]));
    let xid = std::process::id() ^ 0x4c49_4645;
    let discover = rival_discover(xid, mac);
    let to = SocketAddrV4::new(Ipv4Addr::BROADCAST, 67);

    let start = tokio::time::Instant::now();
    let mut end = start + wait;
    let mut next_send = start;
    let mut found: Vec<RivalServer> = Vec::new();
    let mut buf = vec![0u8; wire::MAX_DATAGRAM];
    loop {
        let now = tokio::time::Instant::now();
        if now >= end {
            break;
        }
        if now >= next_send {
            socket.send_to(&discover, to).await?;
            next_send = now + Duration::from_secs(1);
        }
        tokio::select! {
            received = socket.recv_from(&mut buf) => {
                let (n, from) = received?;
                let source = match from.ip() {
                    std::net::IpAddr::V4(a) => a,
                    std::net::IpAddr::V6(_) => continue,
                };
                if let Some(rival) = parse_rival_offer(&buf[..n], xid, source)
                    && !found.iter().any(|r| r.server == rival.server)
                {
                    if found.is_empty() {
                        end = end.min(tokio::time::Instant::now() + Duration::from_millis(500));
                    }
                    found.push(rival);
                }
            }
            () = tokio::time::sleep_until(next_send.min(end)) => {}
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use lifeline_proto::dhcp::field;
    use lifeline_proto::dhcp::options::raw_option;

    use super::*;

    #[test]
    fn echo_requests_carry_a_valid_checksum() {
        let p = echo_request(0x1234, 7);
        assert_eq!(p[0], 8);
        assert_eq!(checksum(&p), 0, "a packet with its checksum sums to zero");
        assert_eq!(&p[4..8], &[0x12, 0x34, 0, 7]);
    }

    #[test]
    fn only_our_echo_replies_are_read() {
        let mut ip = vec![
            0x45, 0, 0, 36, 0, 0, 0, 0, 64, 1, 0, 0, 10, 0, 0, 9, 10, 0, 0, 1,
        ];
        let mut icmp = echo_request(0x1234, 7);
        icmp[0] = 0;
        ip.extend(icmp);
        assert_eq!(
            parse_echo_reply(&ip, 0x1234),
            Some((Ipv4Addr::new(10, 0, 0, 9), 7))
        );
        assert_eq!(
            parse_echo_reply(&ip, 0x4321),
            None,
            "another program's ping"
        );
        let mut request = ip.clone();
        request[20] = 8;
        assert_eq!(
            parse_echo_reply(&request, 0x1234),
            None,
            "a request, not a reply"
        );
        for cut in 0..ip.len() - 1 {
            let _ = parse_echo_reply(&ip[..cut], 0x1234);
        }
        assert_eq!(parse_echo_reply(&[0x4f; 30], 0x1234), None);
    }

    #[test]
    fn a_rival_offer_is_read_with_its_option_150_list() {
        let xid = 99;
        let probe = rival_discover(xid, Mac([2, 0, 0, 0, 0, 1]));
        assert_eq!(raw_option(&probe, 53), Some(vec![1]));
        let mut offer = probe.clone();
        offer.truncate(field::MIN_LEN);
        offer[field::OP] = field::BOOTREPLY;
        offer[field::YIADDR].copy_from_slice(&[10, 0, 0, 57]);
        offer.extend([53, 1, 2, 54, 4, 10, 0, 0, 254, 1, 4, 255, 255, 255, 0]);
        offer.extend([150, 8, 10, 0, 0, 9, 10, 0, 0, 10, 66, 8]);
        offer.extend(b"10.0.0.9");
        offer.push(255);
        let r = parse_rival_offer(&offer, xid, Ipv4Addr::new(10, 0, 0, 253)).unwrap();
        assert_eq!(r.server, Ipv4Addr::new(10, 0, 0, 254));
        assert_eq!(r.offered, Ipv4Addr::new(10, 0, 0, 57));
        assert_eq!(r.mask, Some(Ipv4Addr::new(255, 255, 255, 0)));
        assert_eq!(
            r.option150,
            Some(vec![
                Ipv4Addr::new(10, 0, 0, 9),
                Ipv4Addr::new(10, 0, 0, 10)
            ])
        );
        assert_eq!(r.option66.as_deref(), Some("10.0.0.9"));
        assert_eq!(
            parse_rival_offer(&offer, xid + 1, Ipv4Addr::LOCALHOST),
            None
        );
        assert_eq!(
            parse_rival_offer(&probe, xid, Ipv4Addr::LOCALHOST),
            None,
            "our own DISCOVER"
        );
    }
}
