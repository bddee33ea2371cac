//! A DHCP socket on one interface, the way each system allows it.
//!
//! - Linux: `SO_BINDTODEVICE` and the wildcard address, so broadcasts to
//!   255.255.255.255 arrive and replies leave through that interface.
//! - macOS: `IP_BOUND_IF` and the wildcard address (BSD hands a socket
//!   bound to a unicast address no broadcasts).
//! - Windows: neither option exists. The socket binds the interface's own
//!   address, as tftpd32 does; Windows hands such a socket the broadcasts
//!   that arrive on that interface, and its broadcasts leave through it.
//!   `SO_EXCLUSIVEADDRUSE` replaces `SO_REUSEADDR`, which on Windows would
//!   let another program bind the same port and take our datagrams.

use std::io;
use std::net::{Ipv4Addr, SocketAddrV4};

use socket2::{Domain, Protocol, Socket, Type};

/// Binds a socket to one interface (Linux `SO_BINDTODEVICE`; macOS `IP_BOUND_IF`).
pub fn bind_to_interface(socket: &Socket, name: &str) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        socket.bind_device(Some(name.as_bytes()))
    }
    #[cfg(any(target_os = "macos", target_os = "ios"))]
    {
        let index = if_addrs::get_if_addrs()?
            .into_iter()
            .find(|i| i.name == name)
            .and_then(|i| i.index)
            .and_then(std::num::NonZeroU32::new)
            .ok_or_else(|| {
                io::Error::new(io::ErrorKind::NotFound, format!("no interface {name}"))
            })?;
        socket.bind_device_by_index_v4(Some(index))
    }
    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "ios"
    )))]
    {
        let _ = (socket, name);
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "binding a socket to one interface is not supported on this system",
        ))
    }
}

/// Whether this system binds to an interface by its address (Windows)
/// rather than by its name.
pub const BINDS_BY_ADDRESS: bool = cfg!(windows);

/// A broadcast-ready UDP socket on `port` of the interface `name`, whose
/// IPv4 address is `addr`; blocking, as made.
pub fn udp_on_interface(name: &str, addr: Ipv4Addr, port: u16) -> io::Result<Socket> {
    let socket = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
    socket.set_broadcast(true)?;
    if BINDS_BY_ADDRESS {
        #[cfg(windows)]
        lifeline_winsock::set_exclusive_address_use(&socket)?;
        let _ = name;
        socket.bind(&SocketAddrV4::new(addr, port).into())?;
    } else {
        let _ = addr;
        socket.set_reuse_address(true)?;
        bind_to_interface(&socket, name)?;
        socket.bind(&SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port).into())?;
    }
    Ok(socket)
}

/// What to do when binding port 67 failed with `kind`, on this system.
pub fn bind_hint(kind: io::ErrorKind) -> &'static str {
    match kind {
        io::ErrorKind::PermissionDenied if cfg!(windows) => {
            " (another program holds port 67 for itself, e.g. tftpd32's DHCP server or \
             Internet Connection Sharing: stop it; lifeline needs no administrator rights for DHCP)"
        }
        io::ErrorKind::PermissionDenied if cfg!(target_os = "macos") => {
            " (port 67 on one interface needs root on macOS: run lifeline with sudo)"
        }
        io::ErrorKind::PermissionDenied => {
            " (port 67 and binding to an interface need root, or CAP_NET_BIND_SERVICE and \
             CAP_NET_RAW; the .deb's lifeline.service has both)"
        }
        io::ErrorKind::AddrInUse if cfg!(windows) => {
            " (another DHCP server runs on this computer: stop it, e.g. tftpd32 or \
             Internet Connection Sharing)"
        }
        io::ErrorKind::AddrInUse => {
            " (another DHCP server runs on this computer: stop it, e.g. dnsmasq or dhcpd)"
        }
        _ => "",
    }
}

/// Said once when DHCP starts where a firewall stands between it and the
/// phones by default.
pub const FIREWALL_NOTE: Option<&str> = if cfg!(windows) {
    Some(
        "Windows Firewall drops phones' DHCP and TFTP requests until allowed: accept its \
         prompt for lifeline on Private networks (administrator rights are needed once, for \
         the prompt); see README, Install, Windows",
    )
} else if cfg!(target_os = "macos") {
    Some(
        "if the macOS application firewall is on, allow lifeline's incoming connections when \
         asked, or phones' requests never arrive; see README, Install, macOS",
    )
} else {
    None
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Off Windows the socket is bound to the interface by name, so the
    /// wildcard address; on Windows, by the interface's address, and no other
    /// socket can take the port.
    #[test]
    fn a_socket_on_loopback_is_bound_as_this_system_binds() {
        let name = if cfg!(target_os = "macos") {
            "lo0"
        } else {
            "lo"
        };
        let socket = match udp_on_interface(name, Ipv4Addr::LOCALHOST, 0) {
            Ok(socket) => socket,
            // SO_BINDTODEVICE needs CAP_NET_RAW before Linux 5.7.
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => return,
            Err(e) => panic!("{e}"),
        };
        let local = socket.local_addr().unwrap().as_socket_ipv4().unwrap();
        assert!(socket.broadcast().unwrap());
        if BINDS_BY_ADDRESS {
            assert_eq!(*local.ip(), Ipv4Addr::LOCALHOST);
            let thief = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP)).unwrap();
            thief.set_reuse_address(true).unwrap();
            assert!(thief.bind(&local.into()).is_err(), "the port is ours alone");
        } else {
            assert_eq!(*local.ip(), Ipv4Addr::UNSPECIFIED);
        }
    }

    #[test]
    fn a_refused_bind_says_what_to_do() {
        assert!(bind_hint(io::ErrorKind::PermissionDenied).len() > 20);
        assert!(bind_hint(io::ErrorKind::AddrInUse).contains("another DHCP server"));
        assert_eq!(bind_hint(io::ErrorKind::Other), "");
    }
}
