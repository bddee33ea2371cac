//! A simulated phone's HTTP connections (`--transport http`): one TCP
//! connection per GET, opened when the phone first sends through it, from the
//! address its TFTP sockets use. A task per connection connects, writes the
//! request, and forwards what happens (connected, refused, bytes, closed,
//! broken) to the phone's loop; the loop aborts it as soon as the phone no
//! longer needs the connection, so every task ends with the phone's own
//! bounded waits.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use lifeline_proto::simulate::http_client::Connection;
use lifeline_proto::simulate::phone::Transmit;
use socket2::{Domain, Protocol, Socket, Type};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpSocket;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::plan::Net;
use super::sockets::{Incoming, What};

/// The most read from a connection at once.
const READ_CHUNK: usize = 64 * 1024;

/// Starts the connection `t.socket` and sends `t.bytes` through it.
pub(super) fn start(
    net: &Net,
    source: Option<Ipv4Addr>,
    t: Transmit,
    tx: mpsc::Sender<Incoming>,
) -> JoinHandle<()> {
    let socket = prepare(net, source, t.to);
    tokio::spawn(async move {
        let id = t.socket;
        let from = t.to;
        let tell = |what: What| {
            let tx = tx.clone();
            async move {
                let _ = tx
                    .send(Incoming {
                        socket: id,
                        from,
                        what,
                    })
                    .await;
            }
        };
        let socket = match socket {
            Ok(s) => s,
            Err(why) => return tell(What::Connection(Connection::Broken(why))).await,
        };
        let mut stream = match socket.connect(t.to).await {
            Ok(s) => s,
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
                return tell(What::Connection(Connection::Refused)).await;
            }
            Err(e) => return tell(What::Connection(Connection::Broken(e.to_string()))).await,
        };
        tell(What::Connection(Connection::Connected)).await;
        if let Err(e) = stream.write_all(&t.bytes).await {
            return tell(What::Connection(Connection::Broken(e.to_string()))).await;
        }
        let mut buf = vec![0u8; READ_CHUNK];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) => return tell(What::Connection(Connection::Closed)).await,
                Ok(n) => tell(What::Bytes(buf[..n].to_vec())).await,
                Err(e) => return tell(What::Connection(Connection::Broken(e.to_string()))).await,
            }
        }
    })
}

/// A TCP socket bound where the phone's TFTP sockets are: the interface's
/// address with DHCP, `--source` when given.
fn prepare(net: &Net, source: Option<Ipv4Addr>, to: SocketAddr) -> Result<TcpSocket, String> {
    let domain = if to.is_ipv4() {
        Domain::IPV4
    } else {
        Domain::IPV6
    };
    let socket = Socket::new(domain, Type::STREAM, Some(Protocol::TCP))
        .map_err(|e| format!("cannot make a TCP socket: {e}"))?;
    match (net, source) {
        (Net::Dhcp { interface, address }, _) => {
            crate::dhcp::bind::bind_to_interface(&socket, interface)
                .and_then(|()| socket.bind(&SocketAddr::from((*address, 0)).into()))
                .map_err(|e| {
                    format!("cannot open an HTTP connection on {interface} ({address}): {e}")
                })?;
        }
        (Net::Server(_), Some(ip)) => socket
            .bind(&SocketAddr::new(IpAddr::V4(ip), 0).into())
            .map_err(|e| format!("cannot connect from {ip}: {e}"))?,
        (Net::Server(_), None) => {}
    }
    socket
        .set_nonblocking(true)
        .map_err(|e| format!("cannot make the socket non-blocking: {e}"))?;
    Ok(TcpSocket::from_std_stream(socket.into()))
}
