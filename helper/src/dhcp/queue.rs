//! DISCOVERs that wait for a probe slot: a room of phones powering up at once
//! sends more DISCOVERs than [`super::server::MAX_PROBES`] probes may run.
//!
//! The queue is a bounded FIFO of client messages, one per MAC: a phone that
//! sends again while it waits replaces its older message in place (it keeps
//! its turn, and the reply carries the newest `xid`); when the queue is full,
//! the oldest message is dropped for the newest, whose sender is the one most
//! likely still listening. A waiting message holds no address: the policy
//! chooses one when the message leaves the queue, so nothing is reserved for a
//! phone that never comes back.
//!
//! While messages wait, probes run faster: each running probe gives up
//! [`BUSY_PROBE_TIMEOUT`] after it started instead of
//! [`super::probe::PROBE_TIMEOUT`]. An echo reply on the served segment comes
//! within milliseconds (the ICMP socket is bound to that interface), so the
//! shorter wait still finds a host that uses the address, and every phone
//! keeps its probe; skipping the probe for the overflow would offer exactly
//! those phones an address nobody checked.

use std::collections::VecDeque;
use std::time::Duration;

use lifeline_proto::dhcp::wire::ClientMessage;
use tokio::time::Instant;

use super::probe::PROBE_TIMEOUT;

/// How many DISCOVERs may wait for a probe slot; past it, the oldest is dropped.
pub const MAX_QUEUED: usize = 1024;
/// How long a probe waits for its echo reply while DISCOVERs are queued.
pub const BUSY_PROBE_TIMEOUT: Duration = Duration::from_millis(200);

/// When a probe started at `started` gives up: later when nothing waits.
pub fn probe_deadline(started: Instant, busy: bool) -> Instant {
    started
        + if busy {
            BUSY_PROBE_TIMEOUT
        } else {
            PROBE_TIMEOUT
        }
}

/// The waiting DISCOVERs, oldest first.
#[derive(Debug)]
pub struct Queue {
    waiting: VecDeque<ClientMessage>,
    bound: usize,
    dropped: u64,
}

/// What became of a message handed to [`Queue::push`].
#[derive(Debug, PartialEq, Eq)]
pub enum Queued {
    /// At the end of the queue.
    Added,
    /// Its client already waited: the newer message took the older one's place.
    Replaced,
    /// The queue was full: the oldest message was dropped to make room.
    DroppedOldest,
}

impl Queue {
    /// An empty queue holding at most `bound` messages (at least one).
    pub fn new(bound: usize) -> Self {
        Queue {
            waiting: VecDeque::new(),
            bound: bound.max(1),
            dropped: 0,
        }
    }

    /// Queues `msg`, as the module says.
    pub fn push(&mut self, msg: ClientMessage) -> Queued {
        if let Some(older) = self.waiting.iter_mut().find(|m| m.mac == msg.mac) {
            *older = msg;
            return Queued::Replaced;
        }
        let full = self.waiting.len() >= self.bound;
        if full {
            self.waiting.pop_front();
            self.dropped += 1;
        }
        self.waiting.push_back(msg);
        if full {
            Queued::DroppedOldest
        } else {
            Queued::Added
        }
    }

    /// The oldest waiting message.
    pub fn pop(&mut self) -> Option<ClientMessage> {
        self.waiting.pop_front()
    }

    /// How many wait.
    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    /// Whether none waits.
    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// How many messages were dropped for newer ones since the start.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use dhcproto::Encodable as _;
    use dhcproto::v4::{DhcpOption, Message, MessageType};
    use lifeline_shared::config::mac::Mac;
    use std::net::Ipv4Addr;

    use super::*;

    fn discover(n: u8, xid: u32) -> ClientMessage {
        let mut m = Message::new_with_id(
            xid,
            Ipv4Addr::UNSPECIFIED,
            Ipv4Addr::UNSPECIFIED,
            Ipv4Addr::UNSPECIFIED,
            Ipv4Addr::UNSPECIFIED,
            &[0, 0x1b, 0x54, 0, 0, n],
        );
        m.opts_mut()
            .insert(DhcpOption::MessageType(MessageType::Discover));
        ClientMessage::parse(&m.to_vec().unwrap()).unwrap()
    }

    fn macs_and_xids(q: &mut Queue) -> Vec<(u8, u32)> {
        std::iter::from_fn(|| q.pop())
            .map(|m| (m.mac.0[5], m.message.xid()))
            .collect()
    }

    #[test]
    fn first_in_first_out_and_a_resent_discover_keeps_its_turn() {
        let mut q = Queue::new(8);
        assert_eq!(q.push(discover(1, 10)), Queued::Added);
        assert_eq!(q.push(discover(2, 20)), Queued::Added);
        assert_eq!(q.push(discover(1, 11)), Queued::Replaced);
        assert_eq!(q.len(), 2);
        assert_eq!(macs_and_xids(&mut q), vec![(1, 11), (2, 20)]);
        assert!(q.is_empty());
        assert_eq!(Mac([0, 0x1b, 0x54, 0, 0, 1]), discover(1, 0).mac);
    }

    #[test]
    fn a_full_queue_drops_its_oldest_message() {
        let mut q = Queue::new(3);
        for n in 1..=3 {
            assert_eq!(q.push(discover(n, u32::from(n))), Queued::Added);
        }
        assert_eq!(q.push(discover(4, 4)), Queued::DroppedOldest);
        assert_eq!(q.push(discover(5, 5)), Queued::DroppedOldest);
        assert_eq!(q.len(), 3, "bounded");
        assert_eq!(q.dropped(), 2);
        assert_eq!(macs_and_xids(&mut q), vec![(3, 3), (4, 4), (5, 5)]);
    }

    #[test]
    fn probes_give_up_sooner_while_discovers_wait() {
        let start = Instant::now();
        assert_eq!(probe_deadline(start, false), start + PROBE_TIMEOUT);
        assert_eq!(probe_deadline(start, true), start + BUSY_PROBE_TIMEOUT);
        assert!(BUSY_PROBE_TIMEOUT < PROBE_TIMEOUT);
    }
}
