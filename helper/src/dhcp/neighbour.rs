//! Reaching a client that has no address yet (RFC 2131 §4.1): when it did not
//! ask for a broadcast, its OFFER and ACK go to the address they give it, at
//! its MAC. The kernel cannot resolve that address by ARP (the client does not
//! answer for it yet), so the pair is written into the served interface's
//! neighbour (ARP) table first, as dnsmasq does; then the reply is an ordinary
//! unicast. Where that cannot be done, the reply is broadcast, which every
//! client accepts.
//!
//! Linux: dnsmasq uses the `SIOCSARP` ioctl; this crate forbids `unsafe`, so
//! the same entry is written through rtnetlink (`RTM_NEWNEIGH`, what `ip neigh
//! replace` sends) on a plain socket. It needs `CAP_NET_ADMIN`; without it the
//! first refusal is logged and every such reply is broadcast. Elsewhere there
//! is no table to write, and replies are broadcast.

use std::io;
use std::net::Ipv4Addr;

use lifeline_proto::dhcp::policy::Destination;
use lifeline_shared::config::mac::Mac;

/// The served interface's neighbour table.
#[derive(Debug)]
pub struct Neighbours {
    #[cfg(target_os = "linux")]
    table: linux::Table,
}

impl Neighbours {
    /// Opens the table of `interface`.
    pub fn open(interface: &str) -> io::Result<Self> {
        #[cfg(target_os = "linux")]
        {
            Ok(Neighbours {
                table: linux::Table::open(interface)?,
            })
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = interface;
            Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "writing the ARP table is not supported on this system",
            ))
        }
    }

    /// Records that `addr` is at `mac`.
    pub fn add(&self, addr: Ipv4Addr, mac: Mac) -> io::Result<()> {
        #[cfg(target_os = "linux")]
        {
            self.table.add(addr, mac)
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = (addr, mac);
            Err(io::ErrorKind::Unsupported.into())
        }
    }
}

/// Where a reply to `to` is sent: a client without an address at its new
/// address once `table` knows its MAC, else by broadcast. A table that refuses
/// for want of privilege is dropped (said once), so later replies broadcast
/// without asking again.
pub fn route(table: &mut Option<Neighbours>, to: Destination) -> Destination {
    let Destination::Hardware { addr, mac } = to else {
        return to;
    };
    let Some(neighbours) = table else {
        return Destination::Broadcast;
    };
    match neighbours.add(addr, mac) {
        Ok(()) => Destination::Unicast(addr),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::PermissionDenied | io::ErrorKind::Unsupported
            ) =>
        {
            tracing::warn!(
                error = %e,
                "dhcp: cannot write the ARP table (it needs CAP_NET_ADMIN): replies to clients \
                 without an address are broadcast"
            );
            *table = None;
            Destination::Broadcast
        }
        Err(e) => {
            tracing::debug!(%addr, %mac, error = %e, "dhcp: cannot add an ARP entry; broadcasting");
            Destination::Broadcast
        }
    }
}

#[cfg(target_os = "linux")]
mod linux {
    //! `RTM_NEWNEIGH` over a `NETLINK_ROUTE` socket (rtnetlink(7)).

    use std::io::{self, Read as _};
    use std::net::Ipv4Addr;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    use lifeline_shared::config::mac::Mac;
    use socket2::{Domain, Protocol, Socket, Type};

    const AF_NETLINK: i32 = 16;
    const NETLINK_ROUTE: i32 = 0;
    const AF_INET: u8 = 2;
    const RTM_NEWNEIGH: u16 = 28;
    const NLMSG_ERROR: u16 = 2;
    const NLM_F_REQUEST: u16 = 0x1;
    const NLM_F_ACK: u16 = 0x4;
    const NLM_F_REPLACE: u16 = 0x100;
    const NLM_F_CREATE: u16 = 0x400;
    /// A fresh entry, as an answered ARP request makes: it ages to stale
    /// and is collected like any other, unlike a permanent one.
    const NUD_REACHABLE: u16 = 0x02;
    const NDA_DST: u16 = 1;
    const NDA_LLADDR: u16 = 2;
    /// The kernel answers a request before `send` returns; this only guards.
    const ACK_WAIT: Duration = Duration::from_millis(200);

    #[derive(Debug)]
    pub struct Table {
        socket: Socket,
        ifindex: u32,
        seq: AtomicU32,
    }

    impl Table {
        pub fn open(interface: &str) -> io::Result<Self> {
            let ifindex = std::fs::read_to_string(format!("/sys/class/net/{interface}/ifindex"))?
                .trim()
                .parse::<u32>()
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            let socket = Socket::new(
                Domain::from(AF_NETLINK),
                Type::RAW,
                Some(Protocol::from(NETLINK_ROUTE)),
            )?;
            socket.set_read_timeout(Some(ACK_WAIT))?;
            Ok(Table {
                socket,
                ifindex,
                seq: AtomicU32::new(1),
            })
        }

        pub fn add(&self, addr: Ipv4Addr, mac: Mac) -> io::Result<()> {
            let seq = self.seq.fetch_add(1, Ordering::Relaxed);
            // Unconnected, a netlink socket sends to the kernel.
            self.socket
                .send(&new_neighbour(seq, self.ifindex, addr, mac))?;
            let mut buf = [0u8; 512];
            // Replies to earlier requests that timed out may come first.
            for _ in 0..8 {
                let n = (&self.socket).read(&mut buf)?;
                if let Some(result) = ack(&buf[..n], seq) {
                    return result;
                }
            }
            Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "no answer from the kernel's neighbour table",
            ))
        }
    }

    /// An `RTM_NEWNEIGH` request: `addr` is at `mac` on interface `ifindex`.
    pub fn new_neighbour(seq: u32, ifindex: u32, addr: Ipv4Addr, mac: Mac) -> Vec<u8> {
        let mut m = Vec::with_capacity(48);
        m.extend(0u32.to_ne_bytes()); // nlmsg_len, filled in below
        m.extend(RTM_NEWNEIGH.to_ne_bytes());
        m.extend((NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE).to_ne_bytes());
        m.extend(seq.to_ne_bytes());
        m.extend(0u32.to_ne_bytes()); // nlmsg_pid: the kernel
        // struct ndmsg
        m.extend([AF_INET, 0, 0, 0]);
        m.extend(ifindex.to_ne_bytes());
        m.extend(NUD_REACHABLE.to_ne_bytes());
        m.extend([0, 0]); // ndm_flags, ndm_type
        attribute(&mut m, NDA_DST, &addr.octets());
        attribute(&mut m, NDA_LLADDR, &mac.0);
        let len = m.len() as u32;
        m[..4].copy_from_slice(&len.to_ne_bytes());
        m
    }

    /// Appends a route attribute, padded to four bytes.
    fn attribute(m: &mut Vec<u8>, kind: u16, data: &[u8]) {
        m.extend((4 + data.len() as u16).to_ne_bytes());
        m.extend(kind.to_ne_bytes());
        m.extend_from_slice(data);
        m.resize(m.len().next_multiple_of(4), 0);
    }

    /// The kernel's answer to request `seq` in `reply`, if it is one.
    pub fn ack(reply: &[u8], seq: u32) -> Option<io::Result<()>> {
        let word = |at: usize| -> Option<[u8; 4]> { reply.get(at..at + 4)?.try_into().ok() };
        let kind = u16::from_ne_bytes(reply.get(4..6)?.try_into().ok()?);
        if kind != NLMSG_ERROR || u32::from_ne_bytes(word(8)?) != seq {
            return None;
        }
        Some(match i32::from_ne_bytes(word(16)?) {
            0 => Ok(()),
            errno => Err(io::Error::from_raw_os_error(-errno)),
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_request_is_what_ip_neigh_replace_sends() {
            let m = new_neighbour(7, 3, Ipv4Addr::new(10, 0, 0, 5), Mac([2, 0, 0, 0, 0, 9]));
            assert_eq!(m.len(), 16 + 12 + 8 + 12);
            assert_eq!(u32::from_ne_bytes(m[..4].try_into().unwrap()), 48);
            assert_eq!(u16::from_ne_bytes(m[4..6].try_into().unwrap()), 28);
            assert_eq!(u32::from_ne_bytes(m[8..12].try_into().unwrap()), 7);
            assert_eq!(m[16], 2, "AF_INET");
            assert_eq!(u32::from_ne_bytes(m[20..24].try_into().unwrap()), 3);
            let half = |at: usize| u16::from_ne_bytes(m[at..at + 2].try_into().unwrap());
            assert_eq!(
                (half(24), half(28), half(30)),
                (0x02, 8, 1),
                "reachable; NDA_DST"
            );
            assert_eq!(&m[32..36], &[10, 0, 0, 5]);
            assert_eq!((half(36), half(38)), (10, 2), "NDA_LLADDR");
            assert_eq!(&m[40..46], &[2, 0, 0, 0, 0, 9]);
            assert_eq!(&m[46..], &[0, 0], "padded");
        }

        #[test]
        fn acks_and_refusals_are_read_and_others_skipped() {
            let reply = |kind: u16, seq: u32, errno: i32| {
                let mut r = Vec::new();
                r.extend(36u32.to_ne_bytes());
                r.extend(kind.to_ne_bytes());
                r.extend(0u16.to_ne_bytes());
                r.extend(seq.to_ne_bytes());
                r.extend(0u32.to_ne_bytes());
                r.extend(errno.to_ne_bytes());
                r.extend([0u8; 16]);
                r
            };
            assert!(ack(&reply(NLMSG_ERROR, 4, 0), 4).unwrap().is_ok());
            let refused = ack(&reply(NLMSG_ERROR, 4, -1), 4).unwrap().unwrap_err();
            assert_eq!(refused.kind(), io::ErrorKind::PermissionDenied);
            assert!(
                ack(&reply(NLMSG_ERROR, 3, 0), 4).is_none(),
                "an older request's"
            );
            assert!(ack(&reply(RTM_NEWNEIGH, 4, 0), 4).is_none());
            for cut in 0..20 {
                assert!(ack(&reply(NLMSG_ERROR, 4, 0)[..cut], 4).is_none());
            }
        }
    }
}
