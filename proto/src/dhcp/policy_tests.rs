//! The policy, driven directly: every message type, on a virtual clock.

use std::net::Ipv4Addr;

use dhcproto::Encodable as _;
use dhcproto::v4::{DhcpOption, Flags, Message, MessageType, OptionCode};
use lifeline_shared::config::mac::Mac;
use lifeline_shared::events::DhcpStep;
use proptest::prelude::*;

use super::client_id::{ClientId, ClientKey};
use super::config::{Answer, PolicyConfig, PolicyInputs};
use super::field;
use super::leases::{Change, Leases, State};
use super::options::raw_option;
use super::policy::{self, Destination, Ignored, Outcome, Reply};
use super::wire::{self, ClientMessage};

const NOW: u64 = 1_700_000_000;
const PHONE_CLASS: &[u8] = b"Cisco Systems, Inc. IP Phone CP-7961G\0";

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

fn inputs() -> PolicyInputs {
    PolicyInputs::for_tests("10.0.0.100-10.0.0.109")
}

fn config_with(f: impl FnOnce(&mut PolicyInputs)) -> PolicyConfig {
    let mut i = inputs();
    f(&mut i);
    PolicyConfig::new(i).unwrap()
}

fn config() -> PolicyConfig {
    config_with(|_| {})
}

/// A phone: a Cisco OUI.
fn phone(n: u8) -> Mac {
    Mac([0x00, 0x1b, 0x54, 0x00, 0x00, n])
}

/// A PC: no Cisco OUI.
fn pc(n: u8) -> Mac {
    Mac([0x52, 0x54, 0x00, 0x00, 0x00, n])
}

/// A client message, built with dhcproto and read back through the checked layer.
struct Msg {
    m: Message,
    raw: Vec<u8>,
}

fn msg(kind: MessageType, mac: Mac) -> Msg {
    let mut m = Message::new_with_id(
        0xabcd_0000 | u32::from(mac.0[5]),
        Ipv4Addr::UNSPECIFIED,
        Ipv4Addr::UNSPECIFIED,
        Ipv4Addr::UNSPECIFIED,
        Ipv4Addr::UNSPECIFIED,
        &mac.0,
    );
    m.opts_mut().insert(DhcpOption::MessageType(kind));
    Msg { m, raw: vec![] }
}

impl Msg {
    fn opt(mut self, o: DhcpOption) -> Self {
        self.m.opts_mut().insert(o);
        self
    }
    fn requested(self, a: &str) -> Self {
        self.opt(DhcpOption::RequestedIpAddress(ip(a)))
    }
    fn server(self, a: &str) -> Self {
        self.opt(DhcpOption::ServerIdentifier(ip(a)))
    }
    fn class(self, c: &[u8]) -> Self {
        self.opt(DhcpOption::ClassIdentifier(c.to_vec()))
    }
    fn ciaddr(mut self, a: &str) -> Self {
        self.m.set_ciaddr(ip(a));
        self
    }
    fn giaddr(mut self, a: &str) -> Self {
        self.m.set_giaddr(ip(a));
        self
    }
    fn broadcast(mut self) -> Self {
        self.m.set_flags(Flags::default().set_broadcast());
        self
    }
    /// Raw option bytes, inserted before the END option.
    fn raw(mut self, bytes: &[u8]) -> Self {
        self.raw.extend_from_slice(bytes);
        self
    }
    fn bytes(&self) -> Vec<u8> {
        let mut b = self.m.to_vec().unwrap();
        let end = b.len() - 1;
        assert_eq!(b[end], 255);
        b.splice(end..end, self.raw.iter().copied());
        b
    }
    /// Option 61.
    fn id(self, id: &[u8]) -> Self {
        let mut opt = vec![61, id.len() as u8];
        opt.extend_from_slice(id);
        self.raw(&opt)
    }
    fn build(&self) -> ClientMessage {
        ClientMessage::parse(&self.bytes()).unwrap()
    }
}

/// Asks the policy and applies its changes, as the server loop does.
fn run(config: &PolicyConfig, leases: &mut Leases, m: &Msg, now: u64) -> Outcome {
    let out = policy::handle(config, leases, &m.build(), now);
    for c in &out.changes {
        leases.apply(c.clone(), now, config).unwrap();
    }
    out
}

fn reply(out: &Outcome) -> &Reply {
    out.reply
        .as_ref()
        .unwrap_or_else(|| panic!("no reply: {:?}", out.ignored))
}

fn kind(out: &Outcome) -> Option<MessageType> {
    out.reply.as_ref().and_then(Reply::kind)
}

fn raw_opt(r: &Reply, code: u8) -> Option<Vec<u8>> {
    raw_option(&r.emit(), code)
}

/// DISCOVER, REQUEST: the address the client ends up with.
fn dora(config: &PolicyConfig, leases: &mut Leases, mac: Mac, now: u64) -> Ipv4Addr {
    let offer = run(config, leases, &msg(MessageType::Discover, mac), now);
    let addr = reply(&offer).message.yiaddr();
    let server = config.server_id.to_string();
    let ack = run(
        config,
        leases,
        &msg(MessageType::Request, mac)
            .requested(&addr.to_string())
            .server(&server),
        now,
    );
    assert_eq!(kind(&ack), Some(MessageType::Ack), "{:?}", ack.ignored);
    assert_eq!(reply(&ack).message.yiaddr(), addr);
    addr
}

#[test]
fn every_offer_carries_option_150_66_and_siaddr_unasked() {
    let c = config();
    let mut t = Leases::new();
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Discover, phone(1)).class(PHONE_CLASS),
        NOW,
    );
    let r = reply(&out);
    assert_eq!(r.kind(), Some(MessageType::Offer));
    assert_eq!(r.message.yiaddr(), ip("10.0.0.100"));
    assert_eq!(r.message.siaddr(), ip("10.0.0.1"));
    assert_eq!(r.message.xid(), 0xabcd_0001);
    assert_eq!(r.message.chaddr(), &phone(1).0);
    assert_eq!(
        r.to,
        Destination::Hardware {
            addr: ip("10.0.0.100"),
            mac: phone(1)
        }
    );
    assert_eq!(raw_opt(r, 150), Some(vec![10, 0, 0, 1]));
    assert_eq!(raw_opt(r, 66), Some(b"10.0.0.1".to_vec()));
    assert_eq!(raw_opt(r, 54), Some(vec![10, 0, 0, 1]));
    assert_eq!(raw_opt(r, 1), Some(vec![255, 255, 255, 0]));
    assert_eq!(raw_opt(r, 51), Some(3600u32.to_be_bytes().to_vec()));
    assert_eq!(raw_opt(r, 58), Some(1800u32.to_be_bytes().to_vec()));
    assert_eq!(raw_opt(r, 59), Some(3150u32.to_be_bytes().to_vec()));
    assert_eq!(raw_opt(r, 3), None, "no router unless configured");
    assert_eq!(raw_opt(r, 6), None, "no DNS unless configured");
    assert!(r.emit().len() >= wire::BOOTP_MIN_LEN);

    let steps: Vec<_> = out.events.iter().map(|e| &e.step).collect();
    assert!(
        matches!(
            steps[..],
            [DhcpStep::Discover { .. }, DhcpStep::Offer { .. }]
        ),
        "{steps:?}"
    );
    assert_eq!(out.events[0].model.as_deref(), Some("7961"));
    assert_eq!(out.events[0].device, "SEP001B54000001");
}

#[test]
fn routers_dns_and_several_tftp_servers_go_out_in_order() {
    let c = config_with(|i| {
        i.routers = vec![ip("10.0.0.254")];
        i.dns = vec![ip("10.0.0.53"), ip("9.9.9.9")];
        i.tftp = vec![ip("10.0.0.5"), ip("10.0.0.6")];
    });
    let mut t = Leases::new();
    let out = run(&c, &mut t, &msg(MessageType::Discover, phone(1)), NOW);
    let r = reply(&out);
    assert_eq!(raw_opt(r, 3), Some(vec![10, 0, 0, 254]));
    assert_eq!(raw_opt(r, 6), Some(vec![10, 0, 0, 53, 9, 9, 9, 9]));
    assert_eq!(raw_opt(r, 150), Some(vec![10, 0, 0, 5, 10, 0, 0, 6]));
    assert_eq!(raw_opt(r, 66), Some(b"10.0.0.5".to_vec()));
    assert_eq!(r.message.siaddr(), ip("10.0.0.5"));
}

#[test]
fn selecting_request_is_acked_and_bound() {
    let c = config();
    let mut t = Leases::new();
    let addr = dora(&c, &mut t, phone(1), NOW);
    let l = t.of_mac(&phone(1)).unwrap();
    assert_eq!(
        (l.addr, l.state, l.expires),
        (addr, State::Bound, NOW + 3600)
    );
    // A second DORA from the same phone (it rebooted) gets the same address.
    assert_eq!(dora(&c, &mut t, phone(1), NOW + 10), addr);
    // Another phone gets another address.
    assert_ne!(dora(&c, &mut t, phone(2), NOW + 10), addr);
}

#[test]
fn ack_carries_the_tftp_options_and_an_event_labels_the_phone() {
    let c = config();
    let mut t = Leases::new();
    run(&c, &mut t, &msg(MessageType::Discover, phone(1)), NOW);
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Request, phone(1))
            .requested("10.0.0.100")
            .server("10.0.0.1")
            .class(PHONE_CLASS),
        NOW,
    );
    let r = reply(&out);
    assert_eq!(raw_opt(r, 150), Some(vec![10, 0, 0, 1]));
    assert_eq!(raw_opt(r, 66), Some(b"10.0.0.1".to_vec()));
    let e = &out.events[0];
    assert!(matches!(
        e.step,
        DhcpStep::Ack {
            lease_secs: 3600,
            ..
        }
    ));
    assert_eq!(
        (e.model.as_deref(), e.device.as_str()),
        (Some("7961"), "SEP001B54000001")
    );
}

#[test]
fn a_request_for_another_server_drops_our_offer_silently() {
    let c = config();
    let mut t = Leases::new();
    run(&c, &mut t, &msg(MessageType::Discover, phone(1)), NOW);
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Request, phone(1))
            .requested("192.168.1.50")
            .server("192.168.1.1"),
        NOW,
    );
    assert_eq!(out.reply, None);
    assert_eq!(out.ignored, Some(Ignored::OtherServer(ip("192.168.1.1"))));
    assert_eq!(t.of_mac(&phone(1)), None, "the offer is forgotten");
}

#[test]
fn a_request_for_an_address_not_offered_is_naked() {
    let c = config();
    let mut t = Leases::new();
    run(&c, &mut t, &msg(MessageType::Discover, phone(1)), NOW);
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Request, phone(1))
            .requested("10.0.0.105")
            .server("10.0.0.1"),
        NOW,
    );
    let r = reply(&out);
    assert_eq!(r.kind(), Some(MessageType::Nak));
    assert_eq!(r.to, Destination::Broadcast);
    assert_eq!(r.message.yiaddr(), Ipv4Addr::UNSPECIFIED);
    assert_eq!(raw_opt(r, 150), None, "a NAK carries no settings");
    assert!(raw_opt(r, 56).is_some(), "a NAK says why");
    assert!(matches!(out.events[0].step, DhcpStep::Nak { .. }));
}

#[test]
fn init_reboot_acks_its_own_lease_and_naks_what_cannot_be_its() {
    let c = config();
    let mut t = Leases::new();
    let addr = dora(&c, &mut t, phone(1), NOW);
    let a = addr.to_string();
    // The phone reboots and asks for its address (no server id, no ciaddr).
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Request, phone(1)).requested(&a),
        NOW + 60,
    );
    assert_eq!(kind(&out), Some(MessageType::Ack));
    assert_eq!(
        reply(&out).to,
        Destination::Hardware {
            addr,
            mac: phone(1)
        },
        "no ciaddr in INIT-REBOOT"
    );
    assert_eq!(t.of_mac(&phone(1)).unwrap().expires, NOW + 60 + 3600);
    // Another address than its lease.
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Request, phone(1)).requested("10.0.0.108"),
        NOW,
    );
    assert_eq!(kind(&out), Some(MessageType::Nak));
    // Moved to another network.
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Request, phone(1)).requested("192.168.5.5"),
        NOW,
    );
    assert_eq!(kind(&out), Some(MessageType::Nak));
    // A client we never saw, asking for a free address: another server's business.
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Request, phone(2)).requested("10.0.0.107"),
        NOW,
    );
    assert_eq!((out.reply, out.ignored), (None, Some(Ignored::NotOurs)));
    // A client we never saw, asking for phone 1's address: that we know is wrong.
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Request, phone(3)).requested(&a),
        NOW,
    );
    assert_eq!(kind(&out), Some(MessageType::Nak));
    assert_eq!(t.of_mac(&phone(1)).unwrap().addr, addr, "phone 1 keeps it");
}

#[test]
fn renewing_and_rebinding_extend_the_lease_by_unicast() {
    let c = config();
    let mut t = Leases::new();
    let addr = dora(&c, &mut t, phone(1), NOW);
    let a = addr.to_string();
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Request, phone(1)).ciaddr(&a),
        NOW + 1800,
    );
    let r = reply(&out);
    assert_eq!(r.kind(), Some(MessageType::Ack));
    assert_eq!(r.to, Destination::Unicast(addr));
    assert_eq!((r.message.ciaddr(), r.message.yiaddr()), (addr, addr));
    assert_eq!(t.of_mac(&phone(1)).unwrap().expires, NOW + 1800 + 3600);
    // Renewing after the lease lapsed, nobody having taken it: still fine.
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Request, phone(1)).ciaddr(&a),
        NOW + 99_999,
    );
    assert_eq!(kind(&out), Some(MessageType::Ack));
    // Rebinding an address we never leased: silence (it is another server's).
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Request, phone(2)).ciaddr("10.0.0.50"),
        NOW,
    );
    assert_eq!(out.ignored, Some(Ignored::NotOurs));
    // Renewing someone else's live lease.
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Request, phone(2)).ciaddr(&a),
        NOW + 99_999,
    );
    assert_eq!(kind(&out), Some(MessageType::Nak));
}

#[test]
fn a_declined_address_is_skipped_until_its_hold_ends() {
    let c = config_with(|i| i.range = "10.0.0.100-10.0.0.101".parse().unwrap());
    let mut t = Leases::new();
    let addr = dora(&c, &mut t, phone(1), NOW);
    let a = addr.to_string();
    // DECLINE from another server's client, or for an address not its: ignored.
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Decline, phone(1))
            .requested(&a)
            .server("10.0.0.9"),
        NOW,
    );
    assert_eq!(out.ignored, Some(Ignored::OtherServer(ip("10.0.0.9"))));
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Decline, phone(2)).requested(&a),
        NOW,
    );
    assert_eq!(out.ignored, Some(Ignored::NotOurs));

    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Decline, phone(1))
            .requested(&a)
            .server("10.0.0.1"),
        NOW,
    );
    assert_eq!(
        (out.reply.is_none(), out.ignored),
        (true, Some(Ignored::NoReplyNeeded))
    );
    assert!(matches!(out.events[0].step, DhcpStep::Decline { .. }));
    assert_eq!(t.get(addr).unwrap().state, State::Declined);
    let other = dora(&c, &mut t, phone(1), NOW + 1);
    assert_ne!(other, addr, "the phone gets the other address");
    let out = run(&c, &mut t, &msg(MessageType::Discover, phone(2)), NOW + 1);
    assert_eq!(
        out.ignored,
        Some(Ignored::Exhausted),
        "the declined one is held"
    );
    let back = dora(&c, &mut t, phone(2), NOW + policy::DECLINE_HOLD_SECS + 1);
    assert_eq!(back, addr, "free again after the hold");
}

#[test]
fn a_released_address_returns_to_the_pool() {
    let c = config_with(|i| i.range = "10.0.0.100-10.0.0.100".parse().unwrap());
    let mut t = Leases::new();
    let addr = dora(&c, &mut t, phone(1), NOW);
    let out = run(&c, &mut t, &msg(MessageType::Discover, phone(2)), NOW);
    assert_eq!(out.ignored, Some(Ignored::Exhausted));
    // A RELEASE by someone else, or naming another server, changes nothing.
    run(
        &c,
        &mut t,
        &msg(MessageType::Release, phone(2)).ciaddr("10.0.0.100"),
        NOW,
    );
    run(
        &c,
        &mut t,
        &msg(MessageType::Release, phone(1))
            .ciaddr("10.0.0.100")
            .server("10.0.0.9"),
        NOW,
    );
    assert!(t.get(addr).unwrap().is_live(NOW));

    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Release, phone(1))
            .ciaddr("10.0.0.100")
            .server("10.0.0.1"),
        NOW,
    );
    assert_eq!(out.reply, None);
    assert!(matches!(out.events[0].step, DhcpStep::Release { .. }));
    assert_eq!(
        dora(&c, &mut t, phone(2), NOW + 1),
        addr,
        "the exhausted hint is reset"
    );
}

#[test]
fn inform_gets_settings_without_an_address() {
    let c = config();
    let mut t = Leases::new();
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Inform, phone(1)).ciaddr("10.0.0.42"),
        NOW,
    );
    let r = reply(&out);
    assert_eq!(r.kind(), Some(MessageType::Ack));
    assert_eq!(r.to, Destination::Unicast(ip("10.0.0.42")));
    assert_eq!(r.message.yiaddr(), Ipv4Addr::UNSPECIFIED);
    assert_eq!(raw_opt(r, 150), Some(vec![10, 0, 0, 1]));
    assert_eq!(raw_opt(r, 66), Some(b"10.0.0.1".to_vec()));
    assert_eq!(raw_opt(r, 51), None, "no lease time in an INFORM's ACK");
    assert!(out.changes.is_empty() && t.is_empty());
    let out = run(&c, &mut t, &msg(MessageType::Inform, phone(1)), NOW);
    assert!(matches!(out.ignored, Some(Ignored::Malformed(_))));
}

#[test]
fn replies_go_where_rfc_2131_says() {
    let c = config();
    let mut t = Leases::new();
    // No address, broadcast bit set: broadcast, the bit kept.
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Discover, phone(1)).broadcast(),
        NOW,
    );
    let r = reply(&out);
    assert!(r.message.flags().broadcast());
    assert_eq!(r.to, Destination::Broadcast);
    // No address, bit clear: to the offered address at the client's MAC.
    let out = run(&c, &mut t, &msg(MessageType::Discover, phone(1)), NOW);
    let r = reply(&out);
    assert!(!r.message.flags().broadcast());
    let offered = r.message.yiaddr();
    assert_eq!(
        r.to,
        Destination::Hardware {
            addr: offered,
            mac: phone(1)
        }
    );
    // The ACK of a SELECTING request, likewise; with the bit, broadcast.
    let select = |m: Msg| m.requested(&offered.to_string()).server("10.0.0.1");
    let out = run(
        &c,
        &mut t,
        &select(msg(MessageType::Request, phone(1))),
        NOW,
    );
    assert_eq!(kind(&out), Some(MessageType::Ack));
    assert_eq!(
        reply(&out).to,
        Destination::Hardware {
            addr: offered,
            mac: phone(1)
        }
    );
    let out = run(
        &c,
        &mut t,
        &select(msg(MessageType::Request, phone(1)).broadcast()),
        NOW,
    );
    assert_eq!(reply(&out).to, Destination::Broadcast);
    // An address in ciaddr: unicast to it, whatever the bit says.
    let addr = offered.to_string();
    let renew = msg(MessageType::Request, phone(1))
        .ciaddr(&addr)
        .broadcast();
    assert_eq!(
        reply(&run(&c, &mut t, &renew, NOW)).to,
        Destination::Unicast(offered)
    );
    let inform = msg(MessageType::Inform, phone(1)).ciaddr(&addr);
    assert_eq!(
        reply(&run(&c, &mut t, &inform, NOW)).to,
        Destination::Unicast(offered)
    );
    // A NAK without a relay: broadcast, even to a client with ciaddr.
    let init_reboot = msg(MessageType::Request, phone(2)).requested(&addr);
    let out = run(&c, &mut t, &init_reboot, NOW);
    assert_eq!(kind(&out), Some(MessageType::Nak));
    assert_eq!(reply(&out).to, Destination::Broadcast);
    let wrong = msg(MessageType::Request, phone(2)).ciaddr(&addr);
    let out = run(&c, &mut t, &wrong, NOW);
    assert_eq!(kind(&out), Some(MessageType::Nak));
    assert_eq!(reply(&out).to, Destination::Broadcast);
    // Relayed: to the relay, a NAK too.
    let relayed = msg(MessageType::Discover, phone(3)).giaddr("10.0.0.254");
    assert_eq!(
        reply(&run(&c, &mut t, &relayed, NOW)).to,
        Destination::Relay(ip("10.0.0.254"))
    );
    let relayed_nak = msg(MessageType::Request, phone(2))
        .requested(&addr)
        .giaddr("10.0.0.254");
    let out = run(&c, &mut t, &relayed_nak, NOW);
    assert_eq!(kind(&out), Some(MessageType::Nak));
    assert_eq!(reply(&out).to, Destination::Relay(ip("10.0.0.254")));
    assert!(
        reply(&out).message.flags().broadcast(),
        "the relay broadcasts it"
    );
}

#[test]
fn relayed_messages_are_answered_through_the_relay_with_option_82() {
    let c = config();
    let mut t = Leases::new();
    let agent_info = [82, 6, 1, 4, b'p', b'o', b'r', b't'];
    let m = msg(MessageType::Discover, phone(1))
        .giaddr("10.0.0.254")
        .raw(&agent_info);
    let out = run(&c, &mut t, &m, NOW);
    let r = reply(&out);
    assert_eq!(r.to, Destination::Relay(ip("10.0.0.254")));
    assert_eq!(r.message.giaddr(), ip("10.0.0.254"));
    assert_eq!(
        raw_opt(r, 82),
        Some(agent_info[2..].to_vec()),
        "option 82 echoed"
    );
    // A NAK through a relay asks it to broadcast.
    let m = msg(MessageType::Request, phone(1))
        .giaddr("10.0.0.254")
        .requested("10.0.0.109")
        .server("10.0.0.1");
    let r = run(&c, &mut t, &m, NOW).reply.unwrap();
    assert_eq!(
        (r.kind(), r.to),
        (Some(MessageType::Nak), Destination::Relay(ip("10.0.0.254")))
    );
    assert!(r.message.flags().broadcast());
    // From a subnet we do not serve: not ours to answer.
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Discover, phone(2)).giaddr("172.16.0.1"),
        NOW,
    );
    assert_eq!(out.ignored, Some(Ignored::ForeignRelay(ip("172.16.0.1"))));
}

#[test]
fn an_exhausted_pool_says_so_and_recovers_when_leases_lapse() {
    let c = config_with(|i| i.range = "10.0.0.100-10.0.0.102".parse().unwrap());
    let mut t = Leases::new();
    let got: Vec<_> = (1..=3).map(|n| dora(&c, &mut t, phone(n), NOW)).collect();
    assert_eq!(got, [ip("10.0.0.100"), ip("10.0.0.101"), ip("10.0.0.102")]);
    let out = run(&c, &mut t, &msg(MessageType::Discover, phone(4)), NOW);
    assert_eq!(
        (out.reply.is_none(), out.ignored.clone()),
        (true, Some(Ignored::Exhausted))
    );
    assert!(out.events.iter().any(|e| e.step == DhcpStep::PoolExhausted));
    assert_eq!(out.changes, vec![Change::Exhausted { until: NOW + 3600 }]);
    // The next DISCOVER does not scan again.
    let out = run(&c, &mut t, &msg(MessageType::Discover, phone(5)), NOW + 1);
    assert_eq!(
        (out.ignored, out.changes.len()),
        (Some(Ignored::Exhausted), 0)
    );
    // Existing clients are still served meanwhile.
    assert_eq!(dora(&c, &mut t, phone(2), NOW + 2), ip("10.0.0.101"));
    // Once phones 1 and 3's leases lapse, phone 4 gets one of theirs.
    let got = dora(&c, &mut t, phone(4), NOW + 3600);
    assert!(got == ip("10.0.0.100") || got == ip("10.0.0.102"), "{got}");
}

#[test]
fn reservations_are_kept_for_their_mac() {
    let c = config_with(|i| {
        i.range = "10.0.0.100-10.0.0.101".parse().unwrap();
        i.reservations = vec![
            "00:1b:54:00:00:07=10.0.0.100".parse().unwrap(),
            "00:1b:54:00:00:08=10.0.0.20".parse().unwrap(),
        ];
    });
    let mut t = Leases::new();
    assert_eq!(
        dora(&c, &mut t, phone(1), NOW),
        ip("10.0.0.101"),
        "not the reserved .100"
    );
    let out = run(&c, &mut t, &msg(MessageType::Discover, phone(2)), NOW);
    assert_eq!(out.ignored, Some(Ignored::Exhausted), ".100 is reserved");
    assert_eq!(dora(&c, &mut t, phone(7), NOW), ip("10.0.0.100"));
    assert_eq!(
        dora(&c, &mut t, phone(8), NOW),
        ip("10.0.0.20"),
        "outside the range too"
    );
    // Asking for another address, the reserved phone is told no.
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Request, phone(8)).requested("10.0.0.101"),
        NOW,
    );
    assert_eq!(kind(&out), Some(MessageType::Nak));
    // A phone asking for a reserved address it does not own does not get it.
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Discover, phone(9)).requested("10.0.0.20"),
        NOW,
    );
    assert_ne!(out.reply.map(|r| r.message.yiaddr()), Some(ip("10.0.0.20")));
}

#[test]
fn a_reserved_address_held_by_another_client_is_not_handed_out_twice() {
    // A lease file from before the reservation: phone 1 holds .100.
    let mut t = Leases::new();
    let plain = config();
    assert_eq!(dora(&plain, &mut t, phone(1), NOW), ip("10.0.0.100"));
    let c = config_with(|i| i.reservations = vec!["00:1b:54:00:00:07=10.0.0.100".parse().unwrap()]);
    let out = run(&c, &mut t, &msg(MessageType::Discover, phone(7)), NOW);
    assert_eq!(
        out.ignored,
        Some(Ignored::ReservationBusy(ip("10.0.0.100")))
    );
    // Phone 1's renewal is refused, so it moves; then phone 7 gets its address.
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Request, phone(1)).ciaddr("10.0.0.100"),
        NOW,
    );
    assert_eq!(kind(&out), Some(MessageType::Nak));
    assert_ne!(dora(&c, &mut t, phone(1), NOW), ip("10.0.0.100"));
    assert_eq!(dora(&c, &mut t, phone(7), NOW), ip("10.0.0.100"));
}

#[test]
fn leases_survive_a_restart_through_the_file_bytes() {
    let c = config();
    let mut t = Leases::new();
    let a1 = dora(&c, &mut t, phone(1), NOW);
    let a2 = dora(&c, &mut t, phone(2), NOW);
    run(&c, &mut t, &msg(MessageType::Discover, phone(3)), NOW);
    let bytes = t.to_file_bytes();

    // A new process: the table comes from the file.
    let (mut t, notes) =
        Leases::from_file_bytes(&bytes, &c, std::path::Path::new("dhcp-leases.json")).unwrap();
    assert!(notes.is_empty());
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Request, phone(1)).ciaddr(&a1.to_string()),
        NOW + 100,
    );
    assert_eq!(
        kind(&out),
        Some(MessageType::Ack),
        "phone 1 renews across the restart"
    );
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Request, phone(2)).requested(&a2.to_string()),
        NOW + 100,
    );
    assert_eq!(
        kind(&out),
        Some(MessageType::Ack),
        "phone 2's init-reboot too"
    );
    let a3 = dora(&c, &mut t, phone(3), NOW + 100);
    assert!(a3 != a1 && a3 != a2, "a new phone gets neither: {a3}");
}

/// DISCOVER, REQUEST with option 61: the address the client ends up with.
fn dora_id(config: &PolicyConfig, leases: &mut Leases, mac: Mac, id: &[u8], now: u64) -> Ipv4Addr {
    let offer = run(config, leases, &msg(MessageType::Discover, mac).id(id), now);
    let addr = reply(&offer).message.yiaddr();
    let request = msg(MessageType::Request, mac)
        .id(id)
        .requested(&addr.to_string())
        .server(&config.server_id.to_string());
    let ack = run(config, leases, &request, now);
    assert_eq!(kind(&ack), Some(MessageType::Ack), "{:?}", ack.ignored);
    addr
}

#[test]
fn option_61_keys_the_lease_and_the_mac_only_names_the_phone() {
    let c = config();
    let mut t = Leases::new();
    let a = dora_id(&c, &mut t, phone(1), b"\x00desk-12", NOW);
    let lease = t.get(a).unwrap();
    assert_eq!(lease.client_id, ClientId::new(b"\x00desk-12"));
    assert_eq!(lease.mac, Some(phone(1)));
    // The same client on another NIC (another chaddr): the same lease.
    assert_eq!(dora_id(&c, &mut t, phone(2), b"\x00desk-12", NOW), a);
    let renew = msg(MessageType::Request, phone(2))
        .id(b"\x00desk-12")
        .ciaddr(&a.to_string());
    assert_eq!(
        kind(&run(&c, &mut t, &renew, NOW + 10)),
        Some(MessageType::Ack)
    );
    assert_eq!(t.len(), 1, "one entry for the one client");
    // Another client behind that MAC, with its own identifier, or none: not its.
    let other = msg(MessageType::Request, phone(2))
        .id(b"\x00desk-13")
        .ciaddr(&a.to_string());
    assert_eq!(
        kind(&run(&c, &mut t, &other, NOW + 20)),
        Some(MessageType::Nak)
    );
    let bare = msg(MessageType::Request, phone(2)).ciaddr(&a.to_string());
    assert_eq!(
        kind(&run(&c, &mut t, &bare, NOW + 20)),
        Some(MessageType::Nak)
    );
    let b = dora_id(&c, &mut t, phone(2), b"\x00desk-13", NOW + 30);
    assert_ne!(a, b);
    assert_ne!(dora(&c, &mut t, phone(2), NOW + 40), a);
    // A RELEASE counts only from the holder.
    let release = |id: &[u8]| {
        msg(MessageType::Release, phone(1))
            .id(id)
            .ciaddr(&a.to_string())
            .server("10.0.0.1")
    };
    run(&c, &mut t, &release(b"\x00desk-13"), NOW + 50);
    assert!(
        t.get(a).unwrap().is_live(NOW + 50),
        "not the holder's RELEASE"
    );
    run(&c, &mut t, &release(b"\x00desk-12"), NOW + 50);
    assert!(!t.get(a).unwrap().is_live(NOW + 50));
}

#[test]
fn a_lease_file_from_before_option_61_keeps_every_phone_s_address() {
    let c = config();
    let until = NOW + 3000;
    let old = format!(
        r#"{{"format":"lifeline-dhcp-leases","version":1,"leases":[
{{"addr":"10.0.0.103","mac":"001B54000001","state":"bound","expires":{until},"model":"7961"}},
{{"addr":"10.0.0.104","mac":"001B54000002","state":"bound","expires":{until}}}
]}}"#
    );
    let path = std::path::Path::new("dhcp-leases.json");
    let (mut t, notes) = Leases::from_file_bytes(old.as_bytes(), &c, path).unwrap();
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(t.get(ip("10.0.0.103")).unwrap().client_id, None);
    // Phone 1 now sends option 61: its address is still its own, and the
    // identifier is recorded when it binds.
    let id = [1, 0x00, 0x1b, 0x54, 0, 0, 1];
    let offer = run(
        &c,
        &mut t,
        &msg(MessageType::Discover, phone(1)).id(&id),
        NOW,
    );
    assert_eq!(reply(&offer).message.yiaddr(), ip("10.0.0.103"));
    assert_eq!(dora_id(&c, &mut t, phone(1), &id, NOW), ip("10.0.0.103"));
    let bytes = t.to_file_bytes();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains(r#""client_id":"01001b54000001""#), "{text}");
    assert_eq!(text.matches("001B54000001").count(), 1, "one entry: {text}");
    // Phone 2 sends none: keyed by its MAC, as before.
    let renew = msg(MessageType::Request, phone(2)).ciaddr("10.0.0.104");
    assert_eq!(kind(&run(&c, &mut t, &renew, NOW)), Some(MessageType::Ack));
    // Read back: the identifier keys it; the MAC alone no longer does.
    let (back, _) = Leases::from_file_bytes(&t.to_file_bytes(), &c, path).unwrap();
    let with_id = ClientKey {
        mac: phone(1),
        id: ClientId::new(&id),
    };
    assert_eq!(back.of_client(&with_id).unwrap().addr, ip("10.0.0.103"));
    assert_eq!(
        back.get(ip("10.0.0.103")).unwrap().model.as_deref(),
        Some("7961")
    );
    assert_eq!(back.of_mac(&phone(1)), None);
    assert_eq!(back.of_mac(&phone(2)).unwrap().addr, ip("10.0.0.104"));
    // A damaged identifier is refused like any damage.
    let bad = old.replace(r#""state""#, r#""client_id":"zz","state""#);
    let err = Leases::from_file_bytes(bad.as_bytes(), &c, path).unwrap_err();
    assert!(err.to_string().contains("option 61"), "{err}");
}

#[test]
fn cisco_only_answers_phones_by_option_60_or_by_oui() {
    let c = config_with(|i| i.mode = Answer::CiscoOnly);
    let mut t = Leases::new();
    let by_class = run(
        &c,
        &mut t,
        &msg(MessageType::Discover, pc(1)).class(PHONE_CLASS),
        NOW,
    );
    assert_eq!(kind(&by_class), Some(MessageType::Offer));
    let by_oui = run(&c, &mut t, &msg(MessageType::Discover, phone(2)), NOW);
    assert_eq!(kind(&by_oui), Some(MessageType::Offer));
    for m in [
        msg(MessageType::Discover, pc(3)),
        msg(MessageType::Discover, pc(3)).class(b"MSFT 5.0"),
        msg(MessageType::Request, pc(3))
            .requested("10.0.0.100")
            .server("10.0.0.1"),
        msg(MessageType::Inform, pc(3)).ciaddr("10.0.0.42"),
    ] {
        let out = run(&c, &mut t, &m, NOW);
        assert_eq!(
            (out.reply.is_none(), out.ignored),
            (true, Some(Ignored::NotCisco))
        );
        assert!(out.changes.is_empty() && out.events.is_empty());
    }
    let off = config_with(|i| i.mode = Answer::Off);
    let out = run(&off, &mut t, &msg(MessageType::Discover, phone(2)), NOW);
    assert_eq!(out.ignored, Some(Ignored::Off));
}

#[test]
fn fresh_addresses_are_probed_before_they_are_offered() {
    let c = config_with(|i| i.probe = true);
    let mut t = Leases::new();
    let out = run(&c, &mut t, &msg(MessageType::Discover, phone(1)), NOW);
    assert_eq!(out.reply, None);
    assert_eq!(out.probe, Some(ip("10.0.0.100")));
    assert_eq!(out.ignored, Some(Ignored::Probing(ip("10.0.0.100"))));
    // Held meanwhile: another client gets another address probed.
    let other = run(&c, &mut t, &msg(MessageType::Discover, phone(2)), NOW);
    assert_eq!(other.probe, Some(ip("10.0.0.101")));
    // The client repeats its DISCOVER while the probe runs: no second probe.
    let again = run(&c, &mut t, &msg(MessageType::Discover, phone(1)), NOW);
    assert_eq!((again.probe, again.reply.is_none()), (None, true));

    // Nobody answered: the loop applies that and asks again.
    let clear = policy::probe_result(ip("10.0.0.100"), false, &t, NOW);
    for ch in clear.changes {
        t.apply(ch, NOW, &c).unwrap();
    }
    let out = run(&c, &mut t, &msg(MessageType::Discover, phone(1)), NOW);
    assert_eq!(reply(&out).message.yiaddr(), ip("10.0.0.100"));

    // Someone answers at .101: it is skipped, and the next address is probed.
    let busy = policy::probe_result(ip("10.0.0.101"), true, &t, NOW);
    assert!(
        busy.events
            .iter()
            .any(|e| matches!(e.step, DhcpStep::AddressInUse { .. }))
    );
    for ch in busy.changes {
        t.apply(ch, NOW, &c).unwrap();
    }
    assert_eq!(t.get(ip("10.0.0.101")).unwrap().state, State::Declined);
    let out = run(&c, &mut t, &msg(MessageType::Discover, phone(2)), NOW);
    assert_eq!(out.probe, Some(ip("10.0.0.102")));

    // A lapsed hold (the probe result was lost) is probed again.
    let out = run(
        &c,
        &mut t,
        &msg(MessageType::Discover, phone(2)),
        NOW + policy::PROBE_HOLD_SECS,
    );
    assert_eq!(out.probe, Some(ip("10.0.0.102")));
}

#[test]
fn known_and_reserved_addresses_are_not_probed() {
    let c = config_with(|i| {
        i.probe = true;
        i.reservations = vec!["00:1b:54:00:00:07=10.0.0.20".parse().unwrap()];
    });
    let mut t = Leases::new();
    let out = run(&c, &mut t, &msg(MessageType::Discover, phone(7)), NOW);
    assert_eq!(reply(&out).message.yiaddr(), ip("10.0.0.20"));
    // A bound client rebooting gets its address back without a probe.
    let plain = config();
    let addr = dora(&plain, &mut t, phone(1), NOW);
    let out = run(&c, &mut t, &msg(MessageType::Discover, phone(1)), NOW + 5);
    assert_eq!((out.probe, reply(&out).message.yiaddr()), (None, addr));
}

#[test]
fn messages_for_clients_are_not_answered() {
    let c = config();
    let mut t = Leases::new();
    for k in [
        MessageType::Offer,
        MessageType::Ack,
        MessageType::Nak,
        MessageType::Unknown(99),
    ] {
        let out = run(&c, &mut t, &msg(k, phone(1)), NOW);
        assert_eq!(out.ignored, Some(Ignored::Unsupported(k)));
    }
    let out = run(&c, &mut t, &msg(MessageType::Request, phone(1)), NOW);
    assert!(matches!(out.ignored, Some(Ignored::Malformed(_))));
    let out = run(&c, &mut t, &msg(MessageType::Release, phone(1)), NOW);
    assert!(matches!(out.ignored, Some(Ignored::Malformed(_))));
    let out = run(&c, &mut t, &msg(MessageType::Decline, phone(1)), NOW);
    assert!(matches!(out.ignored, Some(Ignored::Malformed(_))));
}

#[test]
fn hostile_datagrams_are_refused_or_answered_sanely() {
    let c = config();
    let mut t = Leases::new();
    let good = msg(MessageType::Discover, phone(1))
        .class(PHONE_CLASS)
        .bytes();
    // Every truncation.
    for cut in 0..good.len() {
        if let Ok(m) = ClientMessage::parse(&good[..cut]) {
            let _ = policy::handle(&c, &t, &m, NOW);
        }
    }
    // Option lengths that lie: past the end, zero for a fixed-size option.
    for bad in [
        &[60u8, 250, b'C'][..],
        &[50, 0],
        &[50, 3, 10, 0, 0],
        &[54, 200],
        &[55, 255, 1],
    ] {
        let b = msg(MessageType::Discover, phone(1)).raw(bad).bytes();
        if let Ok(m) = ClientMessage::parse(&b) {
            let out = policy::handle(&c, &t, &m, NOW);
            assert!(out.reply.is_none() || kind(&out) == Some(MessageType::Offer));
        }
    }
    // A parameter request list as long as a datagram can carry.
    let mut huge = Vec::new();
    for _ in 0..15 {
        huge.push(55);
        huge.push(255);
        huge.extend(1..=255u8);
    }
    let m = msg(MessageType::Discover, phone(1)).raw(&huge);
    let out = run(&c, &mut t, &m, NOW);
    assert_eq!(kind(&out), Some(MessageType::Offer));
    assert!(reply(&out).emit().len() < 600, "the reply stays small");
}

/// One step of a random conversation.
#[derive(Clone, Debug)]
enum Step {
    Discover(u8),
    Select(u8, u8),
    Reboot(u8, u8),
    Renew(u8, u8),
    Decline(u8, u8),
    Release(u8, u8),
    Wait(u16),
    Probe(u8, bool),
}

fn step() -> impl Strategy<Value = Step> {
    let mac = 0u8..7;
    let addr = 98u8..112;
    prop_oneof![
        mac.clone().prop_map(Step::Discover),
        (mac.clone(), addr.clone()).prop_map(|(m, a)| Step::Select(m, a)),
        (mac.clone(), addr.clone()).prop_map(|(m, a)| Step::Reboot(m, a)),
        (mac.clone(), addr.clone()).prop_map(|(m, a)| Step::Renew(m, a)),
        (mac.clone(), addr.clone()).prop_map(|(m, a)| Step::Decline(m, a)),
        (mac, addr.clone()).prop_map(|(m, a)| Step::Release(m, a)),
        (0u16..5000).prop_map(Step::Wait),
        (addr, any::<bool>()).prop_map(|(a, b)| Step::Probe(a, b)),
    ]
}

proptest! {
    /// Whatever clients do, an address is never offered or acknowledged to a
    /// client while another holds it, and `apply` never has to refuse.
    #[test]
    fn no_address_is_ever_handed_out_twice(steps in proptest::collection::vec(step(), 1..80), probe in any::<bool>()) {
        let c = config_with(|i| { i.range = "10.0.0.100-10.0.0.104".parse().unwrap(); i.probe = probe; });
        let mut t = Leases::new();
        let mut now = NOW;
        // Clients 0-3 send no option 61; 4-5 send one with the MAC of 0-1
        // (the same phone, or another sharing its MAC); 6 sends 4's
        // identifier from another MAC (the same client on another NIC).
        let who = |kind, m: u8| {
            let base = msg(kind, phone(m % 4));
            match m {
                4 | 5 => base.id(&[0, m]),
                6 => base.id(&[0, 4]),
                _ => base,
            }
        };
        for s in steps {
            let a = |n: u8| format!("10.0.0.{n}");
            let m = match s {
                Step::Discover(m) => who(MessageType::Discover, m),
                Step::Select(m, n) => who(MessageType::Request, m).requested(&a(n)).server("10.0.0.1"),
                Step::Reboot(m, n) => who(MessageType::Request, m).requested(&a(n)),
                Step::Renew(m, n) => who(MessageType::Request, m).ciaddr(&a(n)),
                Step::Decline(m, n) => who(MessageType::Decline, m).requested(&a(n)),
                Step::Release(m, n) => who(MessageType::Release, m).ciaddr(&a(n)),
                Step::Wait(secs) => { now += u64::from(secs); continue; }
                Step::Probe(n, in_use) => {
                    let out = policy::probe_result(Ipv4Addr::new(10, 0, 0, n), in_use, &t, now);
                    for ch in out.changes { t.apply(ch, now, &c).unwrap(); }
                    continue;
                }
            };
            let cm = m.build();
            let out = policy::handle(&c, &t, &cm, now);
            if let Some(r) = &out.reply {
                let y = r.message.yiaddr();
                if !y.is_unspecified() {
                    prop_assert!(t.is_free_for(y, &cm.client(), now), "{y} handed to {} while held: {:?}", cm.mac, t.get(y));
                    prop_assert!(c.range.contains(y));
                }
            }
            for ch in out.changes {
                prop_assert!(t.apply(ch, now, &c).is_ok());
            }
            // The table stays consistent: every client's entry is its own.
            for l in t.iter() {
                if let (Some(mac), true) = (l.mac, l.state != State::Declined) {
                    let holder = ClientKey { mac, id: l.client_id.clone() };
                    prop_assert_eq!(t.of_client(&holder).map(|x| x.addr), Some(l.addr));
                }
            }
        }
    }

    /// Any bytes: parsing and the policy never panic.
    #[test]
    fn any_bytes_are_safe(bytes in proptest::collection::vec(any::<u8>(), 0..700), kind in 1u8..9) {
        let c = config_with(|i| i.probe = true);
        let t = Leases::new();
        let _ = ClientMessage::parse(&bytes).map(|m| policy::handle(&c, &t, &m, NOW));
        // And with a valid header in front, so that the options get parsed.
        let mut framed = msg(MessageType::from(kind), phone(1)).m.to_vec().unwrap();
        framed.truncate(field::MIN_LEN);
        framed.extend(&bytes);
        let _ = ClientMessage::parse(&framed).map(|m| policy::handle(&c, &t, &m, NOW));
    }
}

#[test]
fn option_150_is_one_tlv_a_decoder_reads_back() {
    let c = config_with(|i| i.tftp = vec![ip("192.168.10.105")]);
    let mut t = Leases::new();
    let out = run(&c, &mut t, &msg(MessageType::Discover, phone(1)), NOW);
    let bytes = reply(&out).emit();
    let needle = [150u8, 4, 0xC0, 0xA8, 0x0A, 0x69];
    assert!(
        bytes.windows(6).any(|w| w == needle),
        "96 04 C0 A8 0A 69 on the wire"
    );
    let back = <Message as dhcproto::Decodable>::from_bytes(&bytes).unwrap();
    assert!(matches!(
        back.opts().get(OptionCode::TFTPServerAddress),
        Some(DhcpOption::TFTPServerAddress(a)) if a == &ip("192.168.10.105")
    ));
}
