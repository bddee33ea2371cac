//! "Should I answer this DHCP packet, and with what?" as one pure function.
//!
//! [`handle`] takes a checked client message, the configuration, the lease
//! table (read only) and the time, and returns an [`Outcome`]: the reply and
//! where it goes, the lease [`Change`]s, the events, an address to probe
//! before offering it, and, when it stays silent, why. The server loop applies
//! the changes and sends the reply; nothing here does I/O or reads a clock.
//!
//! Decisions (RFC 2131 §4.3):
//! - a client is its option 61 when it sends one, its MAC otherwise: that
//!   is whose a lease is (reservations and `cisco-only` go by MAC);
//! - the mode filters first: `off` answers nobody, `cisco-only` answers a
//!   client whose option 60 starts with `Cisco Systems` or whose MAC has a
//!   Cisco OUI; a relayed message is answered only if the relay (`giaddr`) is
//!   on the served subnet;
//! - DISCOVER: the client's reservation, else its current or last address,
//!   else the address it asks for, else the next free one in the range. A
//!   fresh address is probed first when probing is on: the policy holds it
//!   briefly and asks for a probe; the loop re-asks after the probe;
//! - REQUEST: selecting (our server id) → ACK the offered address or NAK;
//!   another server's id → forget our offer, silently; init-reboot and
//!   renew/rebind → ACK the client's own lease, NAK an address that cannot be
//!   its, stay silent about addresses we know nothing of (another server's);
//! - DECLINE blocks the address; RELEASE lapses the lease; INFORM gets the
//!   settings without an address;
//! - every OFFER/ACK carries option 150 (all TFTP servers, network order),
//!   option 66 (the first, as text) and `siaddr`, asked for or not, plus mask,
//!   lease times, server id, and router/DNS when configured; option 82 is
//!   echoed to relays as received.
//!
//! Where replies go (RFC 2131 §4.1), decided here, carried out by the loop:
//! to the relay (`giaddr`) when there is one, NAKs included (with the
//! broadcast bit set, so the relay broadcasts them); else every NAK to the
//! broadcast address; else to `ciaddr` when the client has an address; else
//! to the broadcast address when the client set the broadcast bit; else to
//! the offered address at the client's MAC ([`Destination::Hardware`]),
//! which the loop can reach only by writing that pair into the ARP table
//! first: where it cannot, it broadcasts, which every client accepts.

use std::fmt;
use std::net::Ipv4Addr;

use dhcproto::v4::{DhcpOption, Flags, Message, MessageType, Opcode, OptionCode, UnknownOption};
use lifeline_shared::config::mac::Mac;
use lifeline_shared::events::{DhcpEvent, DhcpStep};

use super::client_id::ClientKey;
use super::config::{Answer, PolicyConfig};
use super::leases::{Change, Lease, Leases, State};
use super::vendor;
use super::wire::{self, ClientMessage};

/// How long an offer holds its address for the client's REQUEST.
pub const OFFER_HOLD_SECS: u64 = 60;
/// How long an address is held while it is probed.
pub const PROBE_HOLD_SECS: u64 = 5;
/// How long an address a probe found in use is skipped.
pub const IN_USE_HOLD_SECS: u64 = 600;
/// How long a declined address is skipped.
pub const DECLINE_HOLD_SECS: u64 = 600;

/// Where a reply goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Destination {
    /// To the relay agent at `giaddr`, on the server port (67).
    Relay(Ipv4Addr),
    /// To the client's own address, on the client port (68).
    Unicast(Ipv4Addr),
    /// To an address the client does not have yet (`yiaddr`), at its MAC
    /// (`chaddr`), on the client port (68): the sender must tell its ARP
    /// table first, or broadcast instead.
    Hardware { addr: Ipv4Addr, mac: Mac },
    /// To 255.255.255.255 on the client port (68).
    Broadcast,
}

/// A reply and where it goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub message: Message,
    pub to: Destination,
    /// Option 82 as the relay sent it, echoed last (RFC 3046).
    pub relay_info: Option<Vec<u8>>,
}

impl Reply {
    /// Its message type.
    pub fn kind(&self) -> Option<MessageType> {
        self.message.opts().msg_type()
    }

    /// Its datagram (see [`wire::emit`]).
    pub fn emit(&self) -> Vec<u8> {
        wire::emit(&self.message, self.relay_info.as_deref())
    }
}

/// Why no reply was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ignored {
    /// The server is off.
    Off,
    /// `cisco-only` and neither option 60 nor the OUI says Cisco.
    NotCisco,
    /// Relayed from a subnet we do not serve.
    ForeignRelay(Ipv4Addr),
    /// The client chose another server.
    OtherServer(Ipv4Addr),
    /// About an address we know nothing of: another server's business.
    NotOurs,
    /// No free address.
    Exhausted,
    /// Waiting for a probe of this address.
    Probing(Ipv4Addr),
    /// The client's reserved address is held by another client.
    ReservationBusy(Ipv4Addr),
    /// A message that lacks what its type needs.
    Malformed(&'static str),
    /// A type a server does not answer (OFFER, ACK, ...).
    Unsupported(MessageType),
    /// Handled; it needs no reply (DECLINE, RELEASE).
    NoReplyNeeded,
}

impl fmt::Display for Ignored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ignored::Off => write!(f, "the DHCP server is off"),
            Ignored::NotCisco => write!(f, "not a Cisco device (cisco-only mode)"),
            Ignored::ForeignRelay(g) => write!(f, "relayed from {g}, a subnet not served"),
            Ignored::OtherServer(s) => write!(f, "the client chose server {s}"),
            Ignored::NotOurs => write!(f, "about an address this server did not lease"),
            Ignored::Exhausted => write!(f, "no free address in the range"),
            Ignored::Probing(a) => write!(f, "probing {a} before offering it"),
            Ignored::ReservationBusy(a) => {
                write!(f, "the reserved address {a} is leased to another client")
            }
            Ignored::Malformed(what) => write!(f, "malformed: {what}"),
            Ignored::Unsupported(t) => write!(f, "a {t:?} is not for a server"),
            Ignored::NoReplyNeeded => write!(f, "handled, no reply needed"),
        }
    }
}

/// What to do about one message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The reply, if any.
    pub reply: Option<Reply>,
    /// Changes to the lease table, in order.
    pub changes: Vec<Change>,
    /// Events for the UI and the log.
    pub events: Vec<DhcpEvent>,
    /// Probe this address, then ask again.
    pub probe: Option<Ipv4Addr>,
    /// Why there is no reply.
    pub ignored: Option<Ignored>,
}

impl Outcome {
    fn ignore(why: Ignored) -> Self {
        Outcome {
            ignored: Some(why),
            ..Outcome::default()
        }
    }
}

/// Who asks, for the events.
struct Client<'a> {
    msg: &'a ClientMessage,
    mac: Mac,
    key: ClientKey,
    model: Option<String>,
}

impl Client<'_> {
    fn event(&self, step: DhcpStep) -> DhcpEvent {
        DhcpEvent::new(self.mac, self.model.as_deref(), step)
    }
}

/// Decides what to do about `msg`, received at `now` (Unix seconds).
pub fn handle(config: &PolicyConfig, leases: &Leases, msg: &ClientMessage, now: u64) -> Outcome {
    let class_id = msg.class_id();
    match config.mode {
        Answer::Off => return Outcome::ignore(Ignored::Off),
        Answer::CiscoOnly => {
            let cisco = class_id.is_some_and(vendor::is_cisco_class) || msg.mac.looks_cisco();
            if !cisco {
                return Outcome::ignore(Ignored::NotCisco);
            }
        }
        Answer::All => {}
    }
    if let Some(g) = msg.giaddr()
        && !config.subnet.contains(g)
    {
        return Outcome::ignore(Ignored::ForeignRelay(g));
    }
    let client = Client {
        msg,
        mac: msg.mac,
        key: msg.client(),
        model: class_id
            .and_then(vendor::phone_model)
            .map(|m| m.label().to_owned()),
    };
    match msg.kind {
        MessageType::Discover => discover(config, leases, &client, now),
        MessageType::Request => request(config, leases, &client, now),
        MessageType::Decline => decline(config, leases, &client, now),
        MessageType::Release => release(config, leases, &client, now),
        MessageType::Inform => inform(config, &client),
        other => Outcome::ignore(Ignored::Unsupported(other)),
    }
}

/// What a probe of `addr` found, as an outcome: the loop applies the
/// changes, then hands the waiting DISCOVER to [`handle`] again.
pub fn probe_result(addr: Ipv4Addr, in_use: bool, leases: &Leases, now: u64) -> Outcome {
    if !in_use {
        return Outcome {
            changes: vec![Change::ProbeClear { addr }],
            ..Outcome::default()
        };
    }
    let mut outcome = Outcome {
        changes: vec![Change::Block {
            addr,
            by: None,
            until: now + IN_USE_HOLD_SECS,
        }],
        ..Outcome::default()
    };
    if let Some(mac) = leases.get(addr).and_then(|l| l.mac) {
        let model = leases.get(addr).and_then(|l| l.model.as_deref());
        outcome
            .events
            .push(DhcpEvent::new(mac, model, DhcpStep::AddressInUse { addr }));
    }
    outcome
}

/// Whether `mac` may hold `addr` at all: its reservation if it has one, else
/// a dynamic address of the range.
fn allowed(config: &PolicyConfig, mac: &Mac, addr: Ipv4Addr) -> bool {
    match config.reservation_of(mac) {
        Some(reserved) => reserved == addr,
        None => config.is_dynamic(addr),
    }
}

/// The client's own entry at `addr`, if `addr` is its.
fn own<'a>(leases: &'a Leases, client: &ClientKey, addr: Ipv4Addr) -> Option<&'a Lease> {
    leases.get(addr).filter(|l| l.is_held_by(client))
}

enum Choice {
    Addr(Ipv4Addr),
    Busy(Ipv4Addr),
    Exhausted(Option<u64>),
}

fn choose(config: &PolicyConfig, leases: &Leases, c: &Client<'_>, now: u64) -> Choice {
    let mac = &c.mac;
    if let Some(reserved) = config.reservation_of(mac) {
        return if leases.is_free_for(reserved, &c.key, now) {
            Choice::Addr(reserved)
        } else {
            Choice::Busy(reserved)
        };
    }
    if let Some(l) = leases.of_client(&c.key)
        && config.is_dynamic(l.addr)
    {
        return Choice::Addr(l.addr);
    }
    if let Some(r) = c.msg.requested_ip()
        && config.is_dynamic(r)
        && leases.is_free_for(r, &c.key, now)
    {
        return Choice::Addr(r);
    }
    if leases.exhausted_until() > now {
        return Choice::Exhausted(None);
    }
    let len = config.range.len();
    let start = leases.cursor() % len;
    let mut earliest = u64::MAX;
    for i in 0..len {
        let addr = config.range.nth((start + i) % len);
        if !config.is_dynamic(addr) {
            continue;
        }
        match leases.get(addr) {
            None => return Choice::Addr(addr),
            Some(l) if !l.is_live(now) => return Choice::Addr(addr),
            Some(l) => earliest = earliest.min(l.expires),
        }
    }
    Choice::Exhausted(Some(earliest))
}

fn discover(config: &PolicyConfig, leases: &Leases, c: &Client<'_>, now: u64) -> Outcome {
    let mut out = Outcome::default();
    out.events.push(c.event(DhcpStep::Discover {
        requested: c.msg.requested_ip(),
    }));
    let addr = match choose(config, leases, c, now) {
        Choice::Addr(addr) => addr,
        Choice::Busy(addr) => {
            out.ignored = Some(Ignored::ReservationBusy(addr));
            return out;
        }
        Choice::Exhausted(scan) => {
            // Reported once per full scan, not per DISCOVER: a flood of
            // clients on a full pool makes one event, not one per packet.
            if let Some(until) = scan {
                out.changes.push(Change::Exhausted { until });
                out.events.push(c.event(DhcpStep::PoolExhausted));
            }
            out.ignored = Some(Ignored::Exhausted);
            return out;
        }
    };
    let mine = own(leases, &c.key, addr);
    let known = mine.is_some_and(|l| l.state == State::Bound || (l.checked && l.is_live(now)));
    let reserved = config.reservation_of(&c.mac) == Some(addr);
    if config.probe && !known && !reserved {
        let pending = mine.is_some_and(|l| l.state == State::Offered && l.is_live(now));
        if !pending {
            out.changes.push(Change::Offer {
                client: c.key.clone(),
                addr,
                until: now + PROBE_HOLD_SECS,
                checked: false,
                model: c.model.clone(),
            });
            out.probe = Some(addr);
        }
        out.ignored = Some(Ignored::Probing(addr));
        return out;
    }
    let still_bound = mine.is_some_and(|l| l.state == State::Bound && l.is_live(now));
    if !still_bound {
        out.changes.push(Change::Offer {
            client: c.key.clone(),
            addr,
            until: now + OFFER_HOLD_SECS,
            checked: true,
            model: c.model.clone(),
        });
    }
    out.events.push(c.event(DhcpStep::Offer {
        addr,
        tftp: config.tftp.clone(),
    }));
    out.reply = Some(lease_reply(config, c.msg, MessageType::Offer, addr));
    out
}

fn request(config: &PolicyConfig, leases: &Leases, c: &Client<'_>, now: u64) -> Outcome {
    let msg = c.msg;
    let mac = &c.mac;
    if let Some(server) = msg.server_id() {
        // SELECTING: the client answers an OFFER.
        if server != config.server_id {
            let mut out = Outcome::ignore(Ignored::OtherServer(server));
            if let Some(l) = leases.of_client(&c.key)
                && l.state == State::Offered
            {
                out.changes.push(Change::Forget {
                    client: c.key.clone(),
                    addr: l.addr,
                });
            }
            return out;
        }
        let Some(want) = msg.requested_ip().or(msg.ciaddr()) else {
            return Outcome::ignore(Ignored::Malformed("a REQUEST without an address"));
        };
        let offered =
            own(leases, &c.key, want).is_some_and(|l| l.state == State::Bound || l.checked);
        return if offered && allowed(config, mac, want) {
            ack(config, c, want, now)
        } else {
            nak(config, c, Some(want), "this address was not offered to you")
        };
    }
    if let Some(current) = msg.ciaddr() {
        // RENEWING or REBINDING.
        return match leases.get(current) {
            Some(l) if l.is_held_by(&c.key) => {
                if allowed(config, mac, current) {
                    ack(config, c, current, now)
                } else {
                    nak(
                        config,
                        c,
                        Some(current),
                        "this address is no longer served to you",
                    )
                }
            }
            Some(l) if l.is_live(now) => nak(
                config,
                c,
                Some(current),
                "this address is leased to another client",
            ),
            _ => Outcome::ignore(Ignored::NotOurs),
        };
    }
    if let Some(want) = msg.requested_ip() {
        // INIT-REBOOT: the client remembers an address.
        if !config.subnet.contains(want) {
            return nak(config, c, Some(want), "wrong network");
        }
        return match leases.of_client(&c.key) {
            Some(l) if l.addr == want && (l.state == State::Bound || l.checked) => {
                if allowed(config, mac, want) {
                    ack(config, c, want, now)
                } else {
                    nak(
                        config,
                        c,
                        Some(want),
                        "this address is no longer served to you",
                    )
                }
            }
            Some(_) => nak(config, c, Some(want), "your lease is for another address"),
            None => match leases.get(want) {
                Some(l) if l.is_live(now) => nak(
                    config,
                    c,
                    Some(want),
                    "this address is leased to another client",
                ),
                _ => Outcome::ignore(Ignored::NotOurs),
            },
        };
    }
    Outcome::ignore(Ignored::Malformed(
        "a REQUEST with neither ciaddr nor option 50",
    ))
}

fn decline(config: &PolicyConfig, leases: &Leases, c: &Client<'_>, now: u64) -> Outcome {
    if let Some(server) = c.msg.server_id()
        && server != config.server_id
    {
        return Outcome::ignore(Ignored::OtherServer(server));
    }
    let Some(addr) = c.msg.requested_ip() else {
        return Outcome::ignore(Ignored::Malformed("a DECLINE without option 50"));
    };
    if own(leases, &c.key, addr).is_none() {
        return Outcome::ignore(Ignored::NotOurs);
    }
    Outcome {
        changes: vec![Change::Block {
            addr,
            by: Some(c.mac),
            until: now + DECLINE_HOLD_SECS,
        }],
        events: vec![c.event(DhcpStep::Decline { addr })],
        ignored: Some(Ignored::NoReplyNeeded),
        ..Outcome::default()
    }
}

fn release(config: &PolicyConfig, leases: &Leases, c: &Client<'_>, now: u64) -> Outcome {
    if let Some(server) = c.msg.server_id()
        && server != config.server_id
    {
        return Outcome::ignore(Ignored::OtherServer(server));
    }
    let Some(addr) = c.msg.ciaddr() else {
        return Outcome::ignore(Ignored::Malformed("a RELEASE without ciaddr"));
    };
    if own(leases, &c.key, addr).is_none() {
        return Outcome::ignore(Ignored::NotOurs);
    }
    Outcome {
        changes: vec![Change::Release {
            client: c.key.clone(),
            addr,
            at: now,
        }],
        events: vec![c.event(DhcpStep::Release { addr })],
        ignored: Some(Ignored::NoReplyNeeded),
        ..Outcome::default()
    }
}

fn inform(config: &PolicyConfig, c: &Client<'_>) -> Outcome {
    let Some(addr) = c.msg.ciaddr() else {
        return Outcome::ignore(Ignored::Malformed("an INFORM without ciaddr"));
    };
    let mut message = base_reply(config, c.msg, MessageType::Ack);
    message.set_ciaddr(addr);
    add_settings(config, &mut message);
    Outcome {
        reply: Some(Reply {
            message,
            to: destination(c.msg, MessageType::Ack, None),
            relay_info: c.msg.relay_info.clone(),
        }),
        events: vec![c.event(DhcpStep::Inform { addr })],
        ..Outcome::default()
    }
}

fn ack(config: &PolicyConfig, c: &Client<'_>, addr: Ipv4Addr, now: u64) -> Outcome {
    Outcome {
        reply: Some(lease_reply(config, c.msg, MessageType::Ack, addr)),
        changes: vec![Change::Bind {
            client: c.key.clone(),
            addr,
            until: now + u64::from(config.lease_time),
            model: c.model.clone(),
        }],
        events: vec![c.event(DhcpStep::Ack {
            addr,
            lease_secs: config.lease_time,
            tftp: config.tftp.clone(),
        })],
        ..Outcome::default()
    }
}

fn nak(config: &PolicyConfig, c: &Client<'_>, addr: Option<Ipv4Addr>, reason: &str) -> Outcome {
    let mut message = base_reply(config, c.msg, MessageType::Nak);
    message
        .opts_mut()
        .insert(DhcpOption::Message(reason.to_owned()));
    if c.msg.giaddr().is_some() {
        message.set_flags(Flags::default().set_broadcast());
    }
    Outcome {
        reply: Some(Reply {
            message,
            to: destination(c.msg, MessageType::Nak, None),
            relay_info: c.msg.relay_info.clone(),
        }),
        events: vec![c.event(DhcpStep::Nak {
            addr,
            reason: reason.to_owned(),
        })],
        ..Outcome::default()
    }
}

/// Where a reply of `kind` to `msg` goes (see the module's doc);
/// `yiaddr` is the address an OFFER or ACK gives.
fn destination(msg: &ClientMessage, kind: MessageType, yiaddr: Option<Ipv4Addr>) -> Destination {
    if let Some(relay) = msg.giaddr() {
        return Destination::Relay(relay);
    }
    if kind == MessageType::Nak {
        return Destination::Broadcast;
    }
    if let Some(client) = msg.ciaddr() {
        return Destination::Unicast(client);
    }
    match yiaddr {
        Some(addr) if !msg.message.flags().broadcast() => {
            Destination::Hardware { addr, mac: msg.mac }
        }
        _ => Destination::Broadcast,
    }
}

/// The header and identity every reply shares.
fn base_reply(config: &PolicyConfig, msg: &ClientMessage, kind: MessageType) -> Message {
    let m = &msg.message;
    let mut r = Message::new_with_id(
        m.xid(),
        Ipv4Addr::UNSPECIFIED,
        Ipv4Addr::UNSPECIFIED,
        Ipv4Addr::UNSPECIFIED,
        m.giaddr(),
        &msg.mac.0,
    );
    r.set_opcode(Opcode::BootReply).set_flags(m.flags());
    let opts = r.opts_mut();
    opts.insert(DhcpOption::MessageType(kind));
    opts.insert(DhcpOption::ServerIdentifier(config.server_id));
    r
}

/// The TFTP options and the network settings.
fn add_settings(config: &PolicyConfig, r: &mut Message) {
    r.set_siaddr(config.tftp[0]);
    let opts = r.opts_mut();
    opts.insert(DhcpOption::SubnetMask(config.subnet.mask()));
    if !config.routers.is_empty() {
        opts.insert(DhcpOption::Router(config.routers.clone()));
    }
    if !config.dns.is_empty() {
        opts.insert(DhcpOption::DomainNameServer(config.dns.clone()));
    }
    opts.insert(DhcpOption::Unknown(UnknownOption::new(
        OptionCode::TFTPServerAddress,
        config.option150_data().to_vec(),
    )));
    opts.insert(DhcpOption::TFTPServerName(config.option66_text().to_vec()));
}

/// An OFFER or ACK of `addr`.
fn lease_reply(
    config: &PolicyConfig,
    msg: &ClientMessage,
    kind: MessageType,
    addr: Ipv4Addr,
) -> Reply {
    let mut message = base_reply(config, msg, kind);
    message.set_yiaddr(addr);
    if kind == MessageType::Ack
        && let Some(ciaddr) = msg.ciaddr()
    {
        message.set_ciaddr(ciaddr);
    }
    add_settings(config, &mut message);
    let opts = message.opts_mut();
    opts.insert(DhcpOption::AddressLeaseTime(config.lease_time));
    opts.insert(DhcpOption::Renewal(config.renewal_time()));
    opts.insert(DhcpOption::Rebinding(config.rebinding_time()));
    Reply {
        message,
        to: destination(msg, kind, Some(addr)),
        relay_info: msg.relay_info.clone(),
    }
}
