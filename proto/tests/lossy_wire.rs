//! A simulated phone's TFTP read against the server's session, through a
//! wire that loses datagrams at random, on a virtual clock: every file
//! arrives whole, whatever is lost, as long as the phone's patience holds.
//!
//! The wire is seeded, so each run is the same run. The server side does
//! what the helper's slot table and transfer thread do with what arrives: a
//! request starts a session; the same request from the same port while
//! that session runs is a duplicate, which the session hears as
//! [`ReadSession::asked_again`].

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::Cursor;
use std::net::SocketAddr;
use std::time::Duration;

use lifeline_proto::simulate::tftp_client::{Limits, Patience, Transfer};
use lifeline_proto::tftp::packet::Packet;
use lifeline_proto::tftp::session::netascii::TransferMode;
use lifeline_proto::tftp::session::{Config, ReadSession};
use lifeline_proto::tftp::time::Time;

/// One way across the wire.
const DELAY: Duration = Duration::from_micros(200);
/// Bounds one transfer's events (a 20 KB file takes a few hundred).
const MAX_STEPS: u32 = 100_000;

/// splitmix64: a seeded stream of loss decisions.
struct Wire {
    state: u64,
    loss_percent: u64,
}

impl Wire {
    fn lost(&mut self) -> bool {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % 100 < self.loss_percent
    }
}

/// A datagram on the wire: when it arrives, its order, whether it goes to
/// the server, the server's port it comes from or goes to, its bytes.
type InFlight = Reverse<(Time, u64, bool, u16, Vec<u8>)>;

struct Server {
    port: u16,
    session: ReadSession<Cursor<Vec<u8>>>,
}

/// Reads a file of `size` bytes through `wire`; the phone's verdict.
fn read(size: usize, wire: &mut Wire) -> Result<(), String> {
    let data: Vec<u8> = (0..size).map(|i| (i * 7 + i / 251) as u8).collect();
    let listen: SocketAddr = "10.0.0.1:69".parse().unwrap();
    let mut now = Time::from_nanos(1_000_000_000);
    let limits = Limits {
        keep: usize::MAX,
        max_size: 1 << 20,
        md5: false,
    };
    let mut phone = Transfer::new(now, listen, "f.bin", false, limits, Patience::PHONE);
    let mut servers: Vec<Server> = Vec::new();
    let mut next_port = 50_000;
    let mut wire_queue: BinaryHeap<InFlight> = BinaryHeap::new();
    let mut order = 0;
    for _ in 0..MAX_STEPS {
        while let Some((to, bytes)) = phone.poll_transmit() {
            order += 1;
            if !wire.lost() {
                wire_queue.push(Reverse((now + DELAY, order, true, to.port(), bytes)));
            }
        }
        for s in &mut servers {
            while let Some(bytes) = s.session.poll_transmit() {
                order += 1;
                if !wire.lost() {
                    let bytes = bytes.to_vec();
                    wire_queue.push(Reverse((now + DELAY, order, false, s.port, bytes)));
                }
            }
        }
        servers.retain(|s| !s.session.is_finished());
        if let Some(result) = phone.result() {
            return match result {
                Ok(got) if got.head == data => Ok(()),
                Ok(got) => Err(format!("{} bytes arrived, not the file", got.size)),
                Err(e) => Err(e.to_string()),
            };
        }
        let timers = servers
            .iter()
            .filter_map(|s| s.session.poll_timeout())
            .chain(phone.poll_timeout());
        let next_timer = timers.min();
        let next_datagram = wire_queue
            .peek()
            .map(|Reverse((at, ..))| *at)
            .filter(|at| next_timer.is_none_or(|t| *at <= t));
        match (next_datagram, next_timer) {
            (Some(at), _) => {
                now = at;
                let Reverse((_, _, to_server, port, bytes)) = wire_queue.pop().unwrap();
                if !to_server {
                    let from = SocketAddr::from(([10, 0, 0, 1], port));
                    phone.handle(now, from, &bytes);
                } else if port == 69 {
                    match servers.first_mut() {
                        // The same request from the same port: a duplicate.
                        Some(s) => s.session.asked_again(now),
                        None => {
                            next_port += 1;
                            let session = ReadSession::new(
                                now,
                                TransferMode::Octet,
                                &[],
                                Some(size as u64),
                                Cursor::new(data.clone()),
                                Config::default(),
                            );
                            servers.push(Server {
                                port: next_port,
                                session,
                            });
                        }
                    }
                } else if let Some(s) = servers.iter_mut().find(|s| s.port == port) {
                    let packet = Packet::from_bytes(&bytes).unwrap();
                    s.session.handle(now, &packet);
                }
            }
            (_, Some(at)) => {
                now = at;
                phone.handle_timeout(now);
                for s in &mut servers {
                    if s.session.poll_timeout().is_some_and(|t| t <= now) {
                        s.session.handle_timeout(now);
                    }
                }
            }
            (None, None) => return Err("nothing more happens".to_owned()),
        }
    }
    Err(format!("not over after {MAX_STEPS} events"))
}

/// Files a phone reads, short and long: one block, exactly one block (an
/// empty second), a few blocks, many.
const SIZES: [usize; 4] = [300, 512, 2_000, 20_000];

/// Through 5% loss each way, 20,000 files: each arrives. A claim that ended
/// 4 s after its start, whatever its client did, lost about one file in
/// 10,000 this way (the phone had the first block, its ACKs were lost, and
/// it acknowledged a transfer that was over until it gave up).
#[test]
fn every_file_arrives_through_five_percent_loss() {
    let mut failed = Vec::new();
    for seed in 0..20_000u64 {
        let size = SIZES[(seed % 4) as usize];
        let mut wire = Wire {
            state: seed,
            loss_percent: 5,
        };
        if let Err(why) = read(size, &mut wire) {
            failed.push(format!("seed {seed}, {size} bytes: {why}"));
        }
    }
    assert!(
        failed.is_empty(),
        "{} failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
