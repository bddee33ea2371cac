//! The thin loop around one phone: what it sends goes out through the socket
//! it names (opened on first use), what its sockets receive and its timeouts go
//! back to it, and sockets it no longer needs are closed.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::net::Ipv4Addr;
use std::sync::Arc;

use lifeline_proto::simulate::phone::{Phone, SocketId};
use lifeline_proto::simulate::report::PhoneReport;
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::http;
use super::lookup::lookup;
use super::plan::Net;
use super::sockets::{Incoming, What, open, read};
use crate::tftp::clock;

/// Distinct send errors noted per phone.
const MAX_SEND_NOTES: usize = 4;

#[derive(Debug)]
struct Open {
    socket: Arc<UdpSocket>,
    reader: JoinHandle<()>,
}

/// The thin loop around one phone.
pub(super) async fn drive(
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
