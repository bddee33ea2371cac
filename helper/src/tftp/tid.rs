//! A transfer's own port (its TID, RFC 1350) and the sockets behind it.
//!
//! Two ways to hold a TID:
//!
//! - [`TidMode::Connected`]: the transfer's socket is `connect`ed to the
//!   client, so the kernel caches the route both ways (no route lookup per
//!   DATA sent, early demultiplexing of each ACK) and `recv` needs no address
//!   check. A second, unconnected socket joins the same port with
//!   `SO_REUSEPORT` to catch datagrams from anyone else, which get ERROR 5.
//!   This relies on the kernel giving a connected socket in a reuseport group
//!   every datagram of its 4-tuple (Linux does since 5.4), so [`probe`] checks
//!   that once, on loopback, before it is used.
//! - [`TidMode::Shared`]: one unconnected socket; the transfer compares each
//!   sender with its client. Works everywhere.
//!
//! Invariants:
//! - the port is chosen by the kernel with `SO_REUSEPORT` off, so it is a port
//!   nobody else holds; reuse is switched on only afterwards, for our second
//!   socket to join;
//! - in connected mode the stray socket never answers the transfer's own
//!   client (it could only see one on a kernel the probe rejected).

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::Duration;

use serde::Serialize;

/// How transfers hold their TID.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TidMode {
    /// [`TidMode::Connected`] when [`probe`] finds the kernel supports it,
    /// else [`TidMode::Shared`].
    #[default]
    Auto,
    /// A connected socket plus a reuseport socket for strays.
    Connected,
    /// One unconnected socket.
    Shared,
}

/// A transfer's sockets.
#[derive(Debug)]
pub enum TidSockets {
    /// `transfer` is connected to the client; `strays` shares its port.
    Connected {
        /// Carries the transfer.
        transfer: UdpSocket,
        /// Receives everyone else's datagrams at the port.
        strays: UdpSocket,
    },
    /// One socket for the transfer and for strays.
    Shared(UdpSocket),
}

impl TidSockets {
    /// Opens a TID on `ip` for a transfer to `client`. `mode` must be resolved
    /// (not [`TidMode::Auto`]; that opens a shared socket).
    pub fn open(ip: IpAddr, client: SocketAddr, mode: TidMode) -> io::Result<Self> {
        match mode {
            TidMode::Connected => {
                let (transfer, strays) = reuseport_pair(ip)?;
                transfer.connect(client)?;
                Ok(Self::Connected { transfer, strays })
            }
            TidMode::Auto | TidMode::Shared => Ok(Self::Shared(UdpSocket::bind((ip, 0))?)),
        }
    }

    /// The socket the transfer sends and receives on.
    pub fn transfer(&self) -> &UdpSocket {
        match self {
            Self::Connected { transfer, .. } => transfer,
            Self::Shared(socket) => socket,
        }
    }
}

/// A socket on a fresh ephemeral port of `ip`, and a second socket on the
/// same port; both with `SO_REUSEPORT` on once the port is taken.
#[cfg(unix)]
fn reuseport_pair(ip: IpAddr) -> io::Result<(UdpSocket, UdpSocket)> {
    use socket2::{Domain, Protocol, Socket, Type};

    let domain = Domain::for_address(SocketAddr::new(ip, 0));
    let first = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))?;
    first.bind(&SocketAddr::new(ip, 0).into())?;
    first.set_reuse_port(true)?;
    let port = first
        .local_addr()?
        .as_socket()
        .ok_or_else(|| io::Error::other("the socket has no IP address"))?
        .port();
    let second = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))?;
    second.set_reuse_port(true)?;
    second.bind(&SocketAddr::new(ip, port).into())?;
    Ok((first.into(), second.into()))
}

/// Windows has no `SO_REUSEPORT` (its `SO_REUSEADDR` lets any socket take
/// any datagram), so transfers there use [`TidMode::Shared`]: [`probe`]
/// says so once, and an explicit [`TidMode::Connected`] fails each open.
#[cfg(not(unix))]
fn reuseport_pair(_ip: IpAddr) -> io::Result<(UdpSocket, UdpSocket)> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "connected TIDs need SO_REUSEPORT, which this system lacks",
    ))
}

/// How many connected pairs [`probe`] tries: a kernel that picks among a
/// reuseport group by hash would send some of them to the wrong socket.
const PROBE_PAIRS: usize = 8;
/// How long [`probe`] waits for a datagram on loopback.
const PROBE_WAIT: Duration = Duration::from_millis(200);

/// Resolves [`TidMode::Auto`] for transfers on `ip`: whether this kernel hands
/// a connected socket every datagram of its 4-tuple while an unconnected
/// socket shares the port. Tried on loopback of `ip`'s family.
pub fn probe(ip: IpAddr) -> TidMode {
    let loopback: IpAddr = match ip {
        IpAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
        IpAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
    };
    match (0..PROBE_PAIRS).try_for_each(|_| probe_once(loopback)) {
        Ok(()) => TidMode::Connected,
        Err(error) => {
            tracing::info!(%error, "tftp transfers use unconnected sockets");
            TidMode::Shared
        }
    }
}

fn probe_once(loopback: IpAddr) -> io::Result<()> {
    let (transfer, strays) = reuseport_pair(loopback)?;
    let client = UdpSocket::bind((loopback, 0))?;
    let stranger = UdpSocket::bind((loopback, 0))?;
    transfer.connect(client.local_addr()?)?;
    let port = transfer.local_addr()?;
    client.send_to(b"client", port)?;
    stranger.send_to(b"stranger", port)?;
    let mut buf = [0u8; 16];
    transfer.set_read_timeout(Some(PROBE_WAIT))?;
    strays.set_read_timeout(Some(PROBE_WAIT))?;
    let to_transfer = transfer.recv(&mut buf)?;
    let (to_strays, from) = strays.recv_from(&mut buf)?;
    if &buf[..to_strays] != b"stranger" || from != stranger.local_addr()? || to_transfer != 6 {
        return Err(io::Error::other(
            "the kernel does not give a connected socket its own datagrams",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_port_is_fresh_and_shared_only_by_the_pair() {
        let (a, b) = reuseport_pair(Ipv4Addr::LOCALHOST.into()).unwrap();
        assert_eq!(a.local_addr().unwrap(), b.local_addr().unwrap());
        // A third socket of ours cannot take the port without asking for reuse.
        assert!(UdpSocket::bind(a.local_addr().unwrap()).is_err());
    }

    #[test]
    fn shared_mode_is_one_unconnected_socket() {
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        let tid = TidSockets::open(
            Ipv4Addr::LOCALHOST.into(),
            client.local_addr().unwrap(),
            TidMode::Shared,
        )
        .unwrap();
        let stranger = UdpSocket::bind("127.0.0.1:0").unwrap();
        stranger
            .send_to(b"x", tid.transfer().local_addr().unwrap())
            .unwrap();
        tid.transfer()
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let (_, from) = tid.transfer().recv_from(&mut [0u8; 4]).unwrap();
        assert_eq!(from, stranger.local_addr().unwrap());
    }

    /// Without `SO_REUSEPORT`, the probe settles on one unconnected socket.
    #[cfg(windows)]
    #[test]
    fn windows_transfers_use_one_unconnected_socket() {
        assert_eq!(probe(Ipv4Addr::UNSPECIFIED.into()), TidMode::Shared);
    }

    /// On this machine (Linux ≥ 5.4) the probe finds connected mode works,
    /// and then the pair splits traffic as it says.
    #[cfg(target_os = "linux")]
    #[test]
    fn connected_mode_splits_the_client_from_strangers() {
        assert_eq!(probe(Ipv4Addr::UNSPECIFIED.into()), TidMode::Connected);
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        let stranger = UdpSocket::bind("127.0.0.1:0").unwrap();
        let tid = TidSockets::open(
            Ipv4Addr::LOCALHOST.into(),
            client.local_addr().unwrap(),
            TidMode::Connected,
        )
        .unwrap();
        let TidSockets::Connected { transfer, strays } = &tid else {
            panic!("asked for a connected pair")
        };
        let port = transfer.local_addr().unwrap();
        for round in 0..20u8 {
            client.send_to(&[1, round], port).unwrap();
            stranger.send_to(&[2, round], port).unwrap();
        }
        transfer
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        strays
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut buf = [0u8; 4];
        for round in 0..20u8 {
            assert_eq!(transfer.recv(&mut buf).unwrap(), 2);
            assert_eq!(buf[..2], [1, round]);
            let (n, from) = strays.recv_from(&mut buf).unwrap();
            assert_eq!((n, from), (2, stranger.local_addr().unwrap()));
            assert_eq!(buf[..2], [2, round]);
        }
    }
}
