//! The DHCP loop on loopback: relayed requests, a flood, a room of phones at once.

use std::net::UdpSocket as StdUdpSocket;

use dhcproto::v4::{DhcpOption, Message, MessageType};
use dhcproto::{Decodable as _, Encodable as _};
use lifeline_shared::config::mac::Mac;

use lifeline_proto::dhcp::config::PolicyInputs;
use lifeline_proto::dhcp::field;

use super::*;

const GUARD: Duration = Duration::from_secs(30);

fn config(range: &str) -> PolicyConfig {
    PolicyConfig::new(PolicyInputs {
        server_id: Ipv4Addr::LOCALHOST,
        prefix: 8,
        tftp: vec![Ipv4Addr::new(127, 0, 0, 69)],
        probe: true,
        ..PolicyInputs::for_tests(range)
    })
    .unwrap()
}

/// A message relayed by 127.0.0.1, so that the reply comes back to the
/// test's socket (its port stands in for the relay port).
fn relayed(kind: MessageType, mac: Mac, xid: u32) -> Vec<u8> {
    let mut m = Message::new_with_id(
        xid,
        Ipv4Addr::UNSPECIFIED,
        Ipv4Addr::UNSPECIFIED,
        Ipv4Addr::UNSPECIFIED,
        Ipv4Addr::LOCALHOST,
        &mac.0,
    );
    m.opts_mut().insert(DhcpOption::MessageType(kind));
    if kind == MessageType::Inform {
        m.set_ciaddr(Ipv4Addr::new(127, 0, 0, 7));
    }
    m.to_vec().unwrap()
}

/// Receives until a reply with `xid` arrives; returns it.
fn reply_to(client: &StdUdpSocket, xid: u32) -> Message {
    replies_to(client, &[xid]).remove(0)
}

/// Receives until a reply has come for every one of `xids`; returns the
/// first for each, in the order they came.
fn replies_to(client: &StdUdpSocket, xids: &[u32]) -> Vec<Message> {
    let deadline = std::time::Instant::now() + GUARD;
    let mut buf = [0u8; 2048];
    let mut got: Vec<Message> = Vec::new();
    while got.len() < xids.len() {
        assert!(
            std::time::Instant::now() < deadline,
            "replies to {} of {xids:x?}",
            got.len()
        );
        let (n, _) = client
            .recv_from(&mut buf)
            .expect("no reply before the guard");
        let m = Message::from_bytes(&buf[..n]).unwrap();
        if xids.contains(&m.xid()) && !got.iter().any(|g| g.xid() == m.xid()) {
            got.push(m);
        }
    }
    got
}

struct Running {
    client: StdUdpSocket,
    server: SocketAddr,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<io::Result<Leases>>,
    events: Events,
}

async fn start(range: &str, lease_file: Option<PathBuf>) -> Running {
    // No prober: probing is turned off for the loop.
    start_with::<IcmpProber>(range, lease_file, None).await
}

async fn start_with<P: Probe>(
    range: &str,
    lease_file: Option<PathBuf>,
    prober: Option<P>,
) -> Running {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let server = socket.local_addr().unwrap();
    let client = StdUdpSocket::bind("127.0.0.1:0").unwrap();
    client.set_read_timeout(Some(GUARD)).unwrap();
    let port = client.local_addr().unwrap().port();
    let events = Events::new();
    let stop = CancellationToken::new();
    let setup = Setup {
        config: config(range),
        leases: Leases::new(),
        lease_file,
        events: events.clone(),
        prober,
        ports: Ports {
            client: port,
            relay: port,
        },
        neighbours: None,
    };
    let task = tokio::spawn(serve(socket, setup, stop.clone()));
    Running {
        client,
        server,
        stop,
        task,
        events,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_datagrams_do_not_stop_the_server() {
    let r = start("127.0.0.100-127.0.0.199", None).await;
    let mut events = r.events.subscribe();
    let good = relayed(MessageType::Discover, Mac([0, 0x1b, 0x54, 0, 0, 1]), 0x1111);
    let mut hostile: Vec<Vec<u8>> = vec![
        vec![],
        vec![1],
        vec![0xff; 239],
        vec![0; 4096],
        vec![1; 9000],
    ];
    for cut in [field::HEADER_LEN, field::MIN_LEN, 241, 243, good.len() - 1] {
        hostile.push(good[..cut].to_vec());
    }
    let mut lying = good.clone();
    lying[field::HLEN] = 255;
    hostile.push(lying);
    let mut options = good[..field::MIN_LEN].to_vec();
    options.extend([53, 1, 1, 55, 255]);
    options.extend([1u8; 255]);
    options.extend([81, 1, 0, 155, 2, 0, 0, 60, 200, b'C', 255]);
    hostile.push(options);
    for d in &hostile {
        r.client.send_to(d, r.server).unwrap();
    }
    r.client.send_to(&good, r.server).unwrap();
    let offer = tokio::task::spawn_blocking({
        let client = r.client.try_clone().unwrap();
        move || reply_to(&client, 0x1111)
    })
    .await
    .unwrap();
    assert_eq!(offer.opts().msg_type(), Some(MessageType::Offer));
    assert_eq!(offer.siaddr(), Ipv4Addr::new(127, 0, 0, 69));
    // The DISCOVER's event reached the channel.
    let first = tokio::time::timeout(GUARD, events.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(first, Event::Dhcp(_)), "{first:?}");
    r.stop.cancel();
    r.task.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_stays_within_the_pool_and_the_leases_are_saved_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("leases.json");
    let r = start("127.0.0.100-127.0.0.149", Some(file.clone())).await;
    let client = r.client.try_clone().unwrap();
    let server = r.server;
    // One phone gets a lease first, so that the file has something to hold.
    let mac = Mac([0, 0x1b, 0x54, 0xff, 0, 7]);
    let (client, addr) = tokio::task::spawn_blocking(move || {
        client
            .send_to(&relayed(MessageType::Discover, mac, 0xbeef), server)
            .unwrap();
        let offer = reply_to(&client, 0xbeef);
        let mut m = Message::from_bytes(&relayed(MessageType::Request, mac, 0xbeef)).unwrap();
        m.opts_mut()
            .insert(DhcpOption::RequestedIpAddress(offer.yiaddr()));
        m.opts_mut()
            .insert(DhcpOption::ServerIdentifier(Ipv4Addr::LOCALHOST));
        client.send_to(&m.to_vec().unwrap(), server).unwrap();
        let ack = reply_to(&client, 0xbeef);
        assert_eq!(ack.opts().msg_type(), Some(MessageType::Ack));
        (client, offer.yiaddr())
    })
    .await
    .unwrap();
    // 3000 DISCOVERs from different MACs, in batches small enough for
    // the socket's receive buffer; after each, an INFORM whose reply
    // proves that the batch was handled.
    let last = tokio::task::spawn_blocking(move || {
        let mut last = None;
        for batch in 0..60u32 {
            for i in batch * 50..(batch + 1) * 50 {
                let b = i.to_be_bytes();
                let d = relayed(
                    MessageType::Discover,
                    Mac([0, 0x1b, 0x54, b[1], b[2], b[3]]),
                    i,
                );
                client.send_to(&d, server).unwrap();
            }
            let sync = 0xfeed_0000 | batch;
            client
                .send_to(&relayed(MessageType::Inform, Mac([2; 6]), sync), server)
                .unwrap();
            last = Some(reply_to(&client, sync));
        }
        last.unwrap()
    })
    .await
    .unwrap();
    assert_eq!(last.opts().msg_type(), Some(MessageType::Ack));
    r.stop.cancel();
    let leases = r.task.await.unwrap().unwrap();
    assert!(
        leases.len() <= 50,
        "{} entries for a pool of 50",
        leases.len()
    );
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(
        saved.contains(&addr.to_string()) && saved.contains(&mac.to_string()),
        "{saved}"
    );
}

/// A prober that sends nothing and hears nothing: every probe times out,
/// so every probed address is offered. It keeps the addresses asked for.
#[derive(Default)]
struct Silent {
    sent: std::sync::Mutex<Vec<Ipv4Addr>>,
}

impl Probe for Arc<Silent> {
    fn send(&self, addr: Ipv4Addr) -> io::Result<u16> {
        let mut sent = self.sent.lock().unwrap();
        sent.push(addr);
        Ok(sent.len() as u16)
    }

    async fn recv(&self) -> io::Result<(Ipv4Addr, u16)> {
        std::future::pending().await
    }
}

/// A room of phones powering up at once: 300 DISCOVERs, far more than
/// probes may run, each phone sending once. Every one gets an OFFER to
/// that first DISCOVER, of an address of its own that was probed first.
/// (Before, the DISCOVERs past the probe bound were dropped, and those
/// phones waited seconds for their next try.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_of_phones_at_once_each_get_an_offer_to_their_first_discover() {
    let prober = Arc::new(Silent::default());
    let r = start_with("127.0.1.1-127.0.2.254", None, Some(Arc::clone(&prober))).await;
    let client = r.client.try_clone().unwrap();
    let server = r.server;
    let phones = 300u32;
    assert!(phones as usize > 4 * MAX_PROBES);
    let offers = tokio::task::spawn_blocking(move || {
        let mut offers: HashMap<u32, Message> = HashMap::new();
        let mut buf = [0u8; 2048];
        // In batches the socket's receive buffer holds; an INFORM after
        // each proves the batch was read. Replies are collected as they come.
        for batch in 0..phones / 50 {
            for i in batch * 50..(batch + 1) * 50 {
                let b = i.to_be_bytes();
                let mac = Mac([0, 0x1b, 0x54, b[1], b[2], b[3]]);
                let d = relayed(MessageType::Discover, mac, 0x5000 + i);
                client.send_to(&d, server).unwrap();
            }
            let sync = 0xfeed_0000 | batch;
            client
                .send_to(&relayed(MessageType::Inform, Mac([2; 6]), sync), server)
                .unwrap();
            loop {
                let (n, _) = client
                    .recv_from(&mut buf)
                    .expect("a reply before the guard");
                let m = Message::from_bytes(&buf[..n]).unwrap();
                if m.xid() == sync {
                    break;
                }
                offers.entry(m.xid()).or_insert(m);
            }
        }
        let deadline = std::time::Instant::now() + GUARD;
        while offers.len() < phones as usize {
            assert!(
                std::time::Instant::now() < deadline,
                "{} of {phones} phones got an offer",
                offers.len()
            );
            let (n, _) = client
                .recv_from(&mut buf)
                .expect("a reply before the guard");
            let m = Message::from_bytes(&buf[..n]).unwrap();
            offers.entry(m.xid()).or_insert(m);
        }
        offers
    })
    .await
    .unwrap();
    let mut addresses: Vec<Ipv4Addr> = offers
        .values()
        .map(|m| {
            assert_eq!(m.opts().msg_type(), Some(MessageType::Offer));
            m.yiaddr()
        })
        .collect();
    addresses.sort();
    addresses.dedup();
    assert_eq!(addresses.len(), phones as usize, "one address each");
    // Each was probed once before it was offered, the queued ones too.
    let mut probed = prober.sent.lock().unwrap().clone();
    probed.sort();
    assert_eq!(probed, addresses);
    r.stop.cancel();
    r.task.await.unwrap().unwrap();
}

/// A too-long datagram and ICMP errors for earlier replies leave the loop
/// running, with this system's own numbers; a closed socket does not.
#[test]
fn transient_errors_are_read_by_kind_and_by_this_systems_numbers() {
    use std::io::{Error, ErrorKind};

    for code in TRANSIENT_CODES {
        assert!(transient(&Error::from_raw_os_error(code)), "{code}");
    }
    for kind in [
        ErrorKind::HostUnreachable,
        ErrorKind::NetworkUnreachable,
        ErrorKind::ConnectionRefused,
        ErrorKind::ConnectionReset,
    ] {
        assert!(transient(&Error::from(kind)), "{kind:?}");
    }
    let too_long = StdUdpSocket::bind("127.0.0.1:0").unwrap();
    let sender = StdUdpSocket::bind("127.0.0.1:0").unwrap();
    sender
        .send_to(&[0u8; 600], too_long.local_addr().unwrap())
        .unwrap();
    too_long
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    // Unix truncates; Windows says WSAEMSGSIZE, which must be transient.
    match too_long.recv_from(&mut [0u8; 64]) {
        Ok((n, _)) => assert_eq!(n, 64),
        Err(e) => assert!(transient(&e), "{e:?}"),
    }
    assert!(!transient(&Error::from(ErrorKind::NotConnected)));
    assert!(!transient(&Error::from(ErrorKind::PermissionDenied)));
}
