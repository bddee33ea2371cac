//! Who holds the server's transfer slots, and who may take one.
//!
//! Pure bookkeeping: no sockets, no clock read (the time is handed in), so
//! every rule is tested on its own.
//!
//! Invariants:
//! - one transfer per client address and port: a repeated request while it
//!   runs is a duplicate, unless the client has moved on: a request for
//!   another file, or a request for the same file once the client has every
//!   block but the last acknowledged and the last sent (a client never asks
//!   again from a port it is still receiving on; a new socket of its got the
//!   same port) and the transfer began at least `repeat_window` earlier.
//!   Then the old transfer is superseded: it leaves the table at once and
//!   ends quietly, and the request is admitted. The window keeps a late copy
//!   of the client's first request (retransmitted before the first DATA
//!   reached it, and queued behind other datagrams) from ending a short
//!   file's transfer whose last block was lost: the client still waits for
//!   that block, and only the old transfer would send it again. A duplicate
//!   of a claim's request marks the claim asked again ([`Standing`]): its
//!   client is there, and the thread lengthens the claim and resends;
//! - at most `max_per_client` claims (transfers never acknowledged) per IP
//!   address, so one host cannot fill the table with requests it abandons;
//!   transfers that made progress do not count, so phones behind one address
//!   (a NAT, a relay, the simulator) are never turned away while they work;
//! - at most `max_transfers` transfers; when every slot is taken, a new
//!   request evicts the oldest claim (a transfer its client never
//!   acknowledged), never a transfer that has made progress;
//! - an evicted transfer leaves the table at once and ends on its own thread
//!   as soon as it is woken (the server shuts its socket for reading); at most `max_transfers` of them may be ending at a time
//!   (past that a request is refused as busy), so transfer threads stay
//!   within twice the slots.

use std::collections::{HashMap, HashSet};
use std::net::UdpSocket;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use lifeline_proto::tftp::time::Time;

const CLAIM: u8 = 0;
const ACKNOWLEDGED: u8 = 1;
const EVICTED: u8 = 2;
const SUPERSEDED: u8 = 3;

/// A transfer's standing, shared by the table and the transfer's thread. It
/// moves by compare-and-swap: from claim to acknowledged (the thread, on the
/// client's first acknowledgement) or from claim to evicted (the table), so
/// a transfer that made progress can never be evicted; and from claim or
/// acknowledged to superseded (the table: its client moved on).
#[derive(Debug, Default)]
pub(super) struct Standing {
    state: AtomicU8,
    /// Every block but the last is acknowledged and the last was sent (set
    /// by the thread).
    final_only: AtomicBool,
    /// The client repeated its request while the transfer was a claim (set
    /// by the table, taken by the thread).
    asked_again: AtomicBool,
    /// The transfer's socket, once open: what eviction wakes.
    socket: OnceLock<Weak<UdpSocket>>,
}

impl Standing {
    /// Records the socket the transfer waits on.
    pub(super) fn set_socket(&self, socket: &Arc<UdpSocket>) {
        let _ = self.socket.set(Arc::downgrade(socket));
    }

    /// The transfer's socket, while it is open.
    pub(super) fn socket(&self) -> Option<Arc<UdpSocket>> {
        self.socket.get().and_then(Weak::upgrade)
    }

    /// The client acknowledged something: the transfer may no longer be
    /// evicted. False when it was evicted first.
    pub(super) fn acknowledge(&self) -> bool {
        match self
            .state
            .compare_exchange(CLAIM, ACKNOWLEDGED, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => true,
            Err(now) => now == ACKNOWLEDGED,
        }
    }

    /// The table gave the slot to another request.
    pub(super) fn is_evicted(&self) -> bool {
        self.state.load(Ordering::Acquire) == EVICTED
    }

    /// A new request from the client's address and port took the slot.
    pub(super) fn is_superseded(&self) -> bool {
        self.state.load(Ordering::Acquire) == SUPERSEDED
    }

    /// The thread's word: only the final ACK is missing.
    pub(super) fn set_final_only(&self) {
        self.final_only.store(true, Ordering::Release);
    }

    /// The table's word: the client repeated its request for the file. Only
    /// a claim hears it; a transfer under way has its client's ACKs.
    fn ask_again(&self) {
        if self.is_claim() {
            self.asked_again.store(true, Ordering::Release);
        }
    }

    /// The thread's look: whether the client asked again since it last
    /// looked.
    pub(super) fn take_asked_again(&self) -> bool {
        self.asked_again.swap(false, Ordering::AcqRel)
    }

    fn is_final_only(&self) -> bool {
        self.final_only.load(Ordering::Acquire)
    }

    fn supersede(&self) -> bool {
        [CLAIM, ACKNOWLEDGED].into_iter().any(|from| {
            self.state
                .compare_exchange(from, SUPERSEDED, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        })
    }

    fn is_claim(&self) -> bool {
        self.state.load(Ordering::Acquire) == CLAIM
    }

    fn evict(&self) -> bool {
        self.state
            .compare_exchange(CLAIM, EVICTED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }
}

/// A running transfer in the table.
#[derive(Debug)]
struct Holder {
    client: SocketAddr,
    /// The file asked for, as asked.
    file: String,
    started: Time,
    standing: Arc<Standing>,
}

/// What [`Slots::admit`] decided about a request.
#[derive(Debug)]
pub(super) enum Admission {
    /// The request has a slot.
    Admitted {
        standing: Arc<Standing>,
        /// No other transfer is running.
        alone: bool,
        /// The claim evicted to make room, if one was: its client and
        /// standing (to wake its thread).
        evicted: Option<(SocketAddr, Arc<Standing>)>,
        /// The transfer this request superseded, if it did: its standing
        /// (to wake its thread, which ends without telling the client).
        superseded: Option<Arc<Standing>>,
    },
    /// The same client address and port already has a transfer running.
    Duplicate,
    /// The client's IP address has `running` claims, the most allowed.
    ClientCap { running: usize },
    /// Every slot holds a transfer that made progress (or too many evicted
    /// transfers are still ending).
    Busy { running: usize },
}

/// The table of running transfers, by transfer id.
#[derive(Debug)]
pub(super) struct Slots {
    max_transfers: usize,
    max_per_client: usize,
    /// How long after a transfer began a request for the same file from its
    /// port is taken for a retransmission of the first request.
    repeat_window: Duration,
    holders: HashMap<u64, Holder>,
    /// The transfer of each client address and port.
    clients: HashMap<SocketAddr, u64>,
    /// Transfers per IP address, claims or not: the cheap test before
    /// counting that address's claims, which is what the cap bounds.
    per_ip: HashMap<IpAddr, usize>,
    /// Evicted and superseded transfers whose threads have not ended yet.
    ending: HashSet<u64>,
}

impl Slots {
    pub(super) fn new(
        max_transfers: usize,
        max_per_client: usize,
        repeat_window: Duration,
    ) -> Self {
        Self {
            max_transfers: max_transfers.max(1),
            max_per_client: max_per_client.max(1),
            repeat_window,
            holders: HashMap::new(),
            clients: HashMap::new(),
            per_ip: HashMap::new(),
            ending: HashSet::new(),
        }
    }

    /// Decides whether the request of `client` for `file` at `now` gets a
    /// slot as transfer `id`; on admission the slot is taken until
    /// [`Slots::release`].
    pub(super) fn admit(
        &mut self,
        id: u64,
        client: SocketAddr,
        file: &str,
        now: Time,
    ) -> Admission {
        let mut superseded = None;
        if let Some(&running) = self.clients.get(&client) {
            let holder = &self.holders[&running];
            let moved_on = holder.file != file
                || (holder.standing.is_final_only()
                    && now.saturating_duration_since(holder.started) >= self.repeat_window);
            if !moved_on {
                holder.standing.ask_again();
                return Admission::Duplicate;
            }
            if self.ending.len() >= self.max_transfers || !holder.standing.supersede() {
                return Admission::Duplicate;
            }
            superseded = self.remove(running).map(|h| h.standing);
            self.ending.insert(running);
        }
        if self.per_ip.get(&client.ip()).copied().unwrap_or(0) >= self.max_per_client {
            let claims = self.claims_from(client.ip());
            if claims >= self.max_per_client {
                return Admission::ClientCap { running: claims };
            }
        }
        let mut evicted = None;
        if self.holders.len() >= self.max_transfers {
            let busy = Admission::Busy {
                running: self.holders.len(),
            };
            if self.ending.len() >= self.max_transfers {
                return busy;
            }
            match self.evict_oldest_claim() {
                Some(client) => evicted = Some(client),
                None => return busy,
            }
        }
        let standing = Arc::new(Standing::default());
        self.holders.insert(
            id,
            Holder {
                client,
                file: file.to_owned(),
                started: now,
                standing: Arc::clone(&standing),
            },
        );
        self.clients.insert(client, id);
        *self.per_ip.entry(client.ip()).or_default() += 1;
        Admission::Admitted {
            standing,
            alone: self.holders.len() == 1,
            evicted,
            superseded,
        }
    }

    /// Transfer `id` ended, however it ended: its slot is free (an evicted
    /// transfer's slot was freed when it was evicted).
    pub(super) fn release(&mut self, id: u64) {
        if !self.ending.remove(&id) {
            self.remove(id);
        }
    }

    /// Transfers from `ip` still waiting for their first acknowledgement.
    fn claims_from(&self, ip: IpAddr) -> usize {
        self.holders
            .values()
            .filter(|h| h.client.ip() == ip && h.standing.is_claim())
            .count()
    }

    /// Transfers holding a slot.
    #[cfg(test)]
    pub(super) fn running(&self) -> usize {
        self.holders.len()
    }

    /// Evicts the oldest transfer that is still a claim; returns its client
    /// and standing.
    fn evict_oldest_claim(&mut self) -> Option<(SocketAddr, Arc<Standing>)> {
        let mut claims: Vec<(Time, u64)> = self
            .holders
            .iter()
            .filter(|(_, h)| h.standing.is_claim())
            .map(|(id, h)| (h.started, *id))
            .collect();
        claims.sort_unstable();
        // A claim acknowledged since the scan refuses the swap: try the next.
        let id = claims
            .into_iter()
            .map(|(_, id)| id)
            .find(|id| self.holders[id].standing.evict())?;
        let holder = self.remove(id)?;
        self.ending.insert(id);
        Some((holder.client, holder.standing))
    }

    fn remove(&mut self, id: u64) -> Option<Holder> {
        let holder = self.holders.remove(&id)?;
        self.clients.remove(&holder.client);
        let ip = holder.client.ip();
        if let Some(count) = self.per_ip.get_mut(&ip) {
            *count -= 1;
            if *count == 0 {
                self.per_ip.remove(&ip);
            }
        }
        Some(holder)
    }
}
