//! A phone's UDP sockets: each opened as the network needs it (port 68 on the
//! interface, or a fresh port per TFTP transfer and for SIP), and a reader task
//! that forwards what it receives to the phone's loop as an [`Incoming`].

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use lifeline_proto::simulate::dhcp_client;
use lifeline_proto::simulate::http_client::Connection;
use lifeline_proto::simulate::phone::SocketId;
use socket2::{Domain, Socket, Type};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use super::plan::Net;

/// The largest datagram read.
const MAX_DATAGRAM: usize = 65_536;
/// Receive errors in a row that end a socket's reader.
const MAX_RECV_ERRORS: u32 = 100;

/// What one of a phone's sockets or connections received.
#[derive(Debug)]
pub(super) struct Incoming {
    pub(super) socket: SocketId,
    pub(super) from: SocketAddr,
    pub(super) what: What,
}

#[derive(Debug)]
pub(super) enum What {
    /// A datagram, or bytes of a connection.
    Bytes(Vec<u8>),
    /// News of an HTTP connection.
    Connection(Connection),
}

/// Forwards what `socket` receives to the phone, until the phone closes it.
pub(super) async fn read(socket: Arc<UdpSocket>, id: SocketId, tx: mpsc::Sender<Incoming>) {
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
pub(super) fn open(net: &Net, id: SocketId, source: Option<Ipv4Addr>) -> Result<UdpSocket, String> {
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
