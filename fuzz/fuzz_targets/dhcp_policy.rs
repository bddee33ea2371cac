//! The DHCP policy, fed sequences of hostile datagrams: parsing never panics,
//! no address is ever offered or acknowledged to a client while another holds
//! it, the lease table never has to refuse a change, and every reply encodes.
//!
//! Input: one flags byte (bit 0 probing, bit 1 `cisco-only`, bit 2 a
//! reservation), then records: `u16` length + datagram; `0xFFFF` + octet +
//! bool: a probe result for the range's address number `octet % 5` (the
//! loop only probes addresses the policy chose); `0xFFFE` + `u16`: time passes.
#![no_main]
use std::net::Ipv4Addr;

use libfuzzer_sys::fuzz_target;
use lifeline_proto::dhcp::client_id::ClientKey;
use lifeline_proto::dhcp::config::{Answer, PolicyConfig, PolicyInputs};
use lifeline_proto::dhcp::leases::{Leases, State};
use lifeline_proto::dhcp::options::raw_option;
use lifeline_proto::dhcp::policy;
use lifeline_proto::dhcp::wire::{self, ClientMessage};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, mut rest)) = data.split_first() else {
        return;
    };
    let config = PolicyConfig::new(PolicyInputs {
        mode: if flags & 2 != 0 {
            Answer::CiscoOnly
        } else {
            Answer::All
        },
        server_id: Ipv4Addr::new(10, 0, 0, 1),
        prefix: 24,
        range: "10.0.0.100-10.0.0.104".parse().unwrap(),
        reservations: if flags & 4 != 0 {
            vec!["00:1b:54:00:00:07=10.0.0.102".parse().unwrap()]
        } else {
            vec![]
        },
        lease_time: 600,
        routers: vec![Ipv4Addr::new(10, 0, 0, 254)],
        dns: vec![],
        tftp: vec![Ipv4Addr::new(10, 0, 0, 5), Ipv4Addr::new(10, 0, 0, 6)],
        probe: flags & 1 != 0,
    })
    .unwrap();
    let mut leases = Leases::new();
    let mut now: u64 = 1_700_000_000;
    let mut records = 0;
    while rest.len() >= 2 && records < 64 {
        records += 1;
        let len = u16::from_be_bytes([rest[0], rest[1]]);
        rest = &rest[2..];
        match len {
            0xFFFF => {
                let (Some(&octet), Some(&in_use)) = (rest.first(), rest.get(1)) else {
                    return;
                };
                rest = &rest[2..];
                let addr = Ipv4Addr::new(10, 0, 0, 100 + octet % 5);
                let out = policy::probe_result(addr, in_use & 1 == 1, &leases, now);
                for change in out.changes {
                    leases
                        .apply(change, now, &config)
                        .expect("a probe result applies");
                }
            }
            0xFFFE => {
                let (Some(&a), Some(&b)) = (rest.first(), rest.get(1)) else {
                    return;
                };
                rest = &rest[2..];
                now += u64::from(u16::from_be_bytes([a, b]));
            }
            n => {
                let n = usize::from(n).min(rest.len());
                let (datagram, tail) = rest.split_at(n);
                rest = tail;
                let Ok(msg) = ClientMessage::parse(datagram) else {
                    continue;
                };
                let out = policy::handle(&config, &leases, &msg, now);
                if let Some(reply) = &out.reply {
                    let yiaddr = reply.message.yiaddr();
                    if !yiaddr.is_unspecified() {
                        assert!(
                            leases.is_free_for(yiaddr, &msg.client(), now),
                            "{yiaddr} handed to {} while {:?} holds it",
                            msg.mac,
                            leases.get(yiaddr)
                        );
                        assert!(config.manages(yiaddr));
                    }
                    let bytes = reply.emit();
                    assert!(bytes.len() >= wire::BOOTP_MIN_LEN && bytes.len() < 1500);
                    assert_eq!(
                        raw_option(&bytes, 53).map(|t| t.len()),
                        Some(1),
                        "every reply has a message type"
                    );
                }
                for change in out.changes {
                    leases
                        .apply(change, now, &config)
                        .expect("the policy never takes a held address");
                }
                for lease in leases.iter() {
                    if let (Some(mac), true) = (lease.mac, lease.state != State::Declined) {
                        let holder = ClientKey {
                            mac,
                            id: lease.client_id.clone(),
                        };
                        assert_eq!(leases.of_client(&holder).map(|l| l.addr), Some(lease.addr));
                    }
                }
                assert!(
                    leases.len() <= 6,
                    "the table stays within range + reservation"
                );
            }
        }
    }
});
