//! The client on a virtual clock, against replies written as servers write them.

use lifeline_shared::models;

use super::*;
use crate::dhcp::options::raw_option;
use crate::dhcp::vendor;
use crate::dhcp::wire::ClientMessage;

fn seven961() -> &'static Model {
    models::model("7961").unwrap()
}

const MAC: Mac = Mac([0x00, 0x1b, 0x54, 0x78, 0x00, 0x01]);
const SERVER: Ipv4Addr = Ipv4Addr::new(10, 78, 0, 1);

/// A reply as a server writes it, with `dhcproto`, plus raw extra options.
fn reply(kind: MessageType, xid: u32, extra_raw: &[u8]) -> Vec<u8> {
    let zero = Ipv4Addr::UNSPECIFIED;
    let mut m = v4::Message::new_with_id(
        xid,
        zero,
        Ipv4Addr::new(10, 78, 0, 100),
        SERVER,
        zero,
        &MAC.0,
    );
    m.set_opcode(v4::Opcode::BootReply);
    m.opts_mut().insert(DhcpOption::MessageType(kind));
    m.opts_mut().insert(DhcpOption::ServerIdentifier(SERVER));
    m.opts_mut()
        .insert(DhcpOption::SubnetMask(Ipv4Addr::new(255, 255, 255, 0)));
    let mut bytes = m.to_vec().unwrap();
    assert_eq!(bytes.pop(), Some(255));
    bytes.extend_from_slice(extra_raw);
    bytes.push(255);
    bytes
}

#[test]
fn option_60_carries_the_model_and_the_trailing_nul() {
    assert_eq!(
        vendor_class(seven961()),
        b"Cisco Systems, Inc. IP Phone CP-7961G\0"
    );
    assert_eq!(
        vendor_class(models::model("7941G-GE").unwrap()),
        b"Cisco Systems, Inc. IP Phone CP-7941G-GE\0"
    );
}

#[test]
fn a_discover_reads_as_a_7961_to_the_server() {
    let now = Time::from_nanos(0);
    let mut c = DhcpClient::new(now, seven961(), MAC, 0xfeed, Patience::PHONE);
    let discover = c.poll_transmit().unwrap();
    assert!(discover.len() >= 300);
    let m = ClientMessage::parse(&discover).unwrap();
    assert_eq!(m.kind, MessageType::Discover);
    assert_eq!(m.mac, MAC);
    assert_eq!(
        m.class_id(),
        Some(&b"Cisco Systems, Inc. IP Phone CP-7961G\0"[..])
    );
    assert!(m.message.flags().broadcast());
    assert_eq!(
        vendor::phone_model(m.class_id().unwrap()).map(|p| p.label().to_owned()),
        Some("7961".to_owned())
    );
    let prl = raw_option(&discover, 55).unwrap();
    assert!(prl.contains(&150) && prl.contains(&66), "{prl:?}");
    assert_eq!(raw_option(&discover, 12).unwrap(), b"SEP001B54780001");
}

#[test]
fn offer_request_ack_gives_the_lease_with_option_150() {
    let now = Time::from_nanos(0);
    let mut c = DhcpClient::new(now, seven961(), MAC, 7, Patience::PHONE);
    c.poll_transmit();
    // Not ours: another xid, another MAC.
    c.handle(now, SERVER, &reply(MessageType::Offer, 8, &[]));
    let mut other = reply(MessageType::Offer, 7, &[]);
    other[33] ^= 1;
    c.handle(now, SERVER, &other);
    assert!(c.poll_transmit().is_none());

    c.handle(
        now,
        SERVER,
        &reply(MessageType::Offer, 7, &[150, 4, 10, 78, 0, 1]),
    );
    let request = c.poll_transmit().unwrap();
    let m = ClientMessage::parse(&request).unwrap();
    assert_eq!(m.kind, MessageType::Request);
    assert_eq!(m.requested_ip(), Some(Ipv4Addr::new(10, 78, 0, 100)));
    assert_eq!(m.server_id(), Some(SERVER));

    c.handle(
        now,
        SERVER,
        &reply(
            MessageType::Ack,
            7,
            &[
                150, 4, 10, 78, 0, 1, 66, 9, b'1', b'0', b'.', b'7', b'8', b'.', b'0', b'.', b'1',
            ],
        ),
    );
    let lease = c.result().unwrap().clone().unwrap();
    assert_eq!(lease.address, Ipv4Addr::new(10, 78, 0, 100));
    assert_eq!(lease.offers_from, vec![SERVER]);
    assert_eq!(
        choose_tftp(&lease),
        TftpChoice::Server {
            address: SERVER,
            source: TftpSource::Option150,
            notes: vec![]
        }
    );
    assert_eq!(c.poll_timeout(), None);
}

#[test]
fn retransmits_with_backoff_then_gives_up() {
    let start = Time::from_nanos(0);
    let mut c = DhcpClient::new(start, seven961(), MAC, 7, Patience::PHONE);
    let mut now = start;
    let mut sends = 0;
    while c.result().is_none() {
        while c.poll_transmit().is_some() {
            sends += 1;
        }
        now = c.poll_timeout().unwrap();
        c.handle_timeout(now);
    }
    assert_eq!(sends, 5);
    assert_eq!(now - start, Duration::from_secs(4 + 8 + 16 + 16 + 16));
    assert_eq!(
        c.result().unwrap().as_ref().unwrap_err().to_string(),
        "no DHCP server answered 5 DISCOVERs over 60 s"
    );
}

#[test]
fn a_nak_starts_again_a_bounded_number_of_times() {
    let now = Time::from_nanos(0);
    let mut c = DhcpClient::new(now, seven961(), MAC, 7, Patience::PHONE);
    for _ in 0..=Patience::PHONE.restarts {
        c.handle(now, SERVER, &reply(MessageType::Offer, 7, &[]));
        c.handle(
            now,
            SERVER,
            &reply(MessageType::Nak, 7, &[56, 3, b'n', b'o', b'!']),
        );
    }
    assert_eq!(
        c.result().unwrap().as_ref().unwrap_err().to_string(),
        "10.78.0.1 refused the REQUEST (DHCPNAK: no!)"
    );
}

fn lease(o150: Option<&[u8]>, o66: Option<&[u8]>, siaddr: Option<Ipv4Addr>) -> Lease {
    Lease {
        address: Ipv4Addr::new(10, 78, 0, 100),
        server: SERVER,
        subnet_mask: None,
        lease_time: None,
        siaddr,
        option150: o150.map(<[u8]>::to_vec),
        option66: o66.map(<[u8]>::to_vec),
        offers_from: vec![SERVER],
    }
}

#[test]
fn the_tftp_server_comes_from_150_then_66_then_siaddr() {
    let a = Ipv4Addr::new(10, 0, 0, 5);
    let b = Ipv4Addr::new(10, 0, 0, 6);
    let pick = |l: &Lease| match choose_tftp(l) {
        TftpChoice::Server {
            address, source, ..
        } => Some((address, source)),
        _ => None,
    };
    assert_eq!(
        pick(&lease(Some(&[10, 0, 0, 5]), Some(b"10.0.0.6"), Some(b))),
        Some((a, TftpSource::Option150))
    );
    assert_eq!(
        pick(&lease(None, Some(b"10.0.0.5\0"), Some(b))),
        Some((a, TftpSource::Option66))
    );
    assert_eq!(
        pick(&lease(Some(&[1, 2, 3]), Some(&[10, 0, 0, 5]), Some(b))),
        Some((b, TftpSource::Siaddr)),
        "a malformed 150 and a binary 66 leave siaddr"
    );
    match choose_tftp(&lease(None, None, None)) {
        TftpChoice::Nothing(why) => assert_eq!(
            why,
            "no option 150, no option 66, no next-server address (siaddr)"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        choose_tftp(&lease(None, Some(b"tftp.example"), None)),
        TftpChoice::HostName("tftp.example".into())
    );
    // Remarks: 66 disagreeing, an unquoted dnsmasq 66.
    let TftpChoice::Server { notes, .. } =
        choose_tftp(&lease(Some(&[10, 0, 0, 5]), Some(&[10, 0, 0, 5]), None))
    else {
        panic!()
    };
    assert!(notes[0].contains("quote"), "{notes:?}");
    let TftpChoice::Server { notes, .. } =
        choose_tftp(&lease(Some(&[10, 0, 0, 5]), Some(b"10.0.0.6"), None))
    else {
        panic!()
    };
    assert!(notes[0].contains("follows option 150"), "{notes:?}");
}

#[test]
fn a_release_names_the_lease() {
    let l = lease(None, None, None);
    let bytes = release(seven961(), MAC, 9, &l);
    let m = ClientMessage::parse(&bytes).unwrap();
    assert_eq!(m.kind, MessageType::Release);
    assert_eq!(m.ciaddr(), Some(l.address));
    assert_eq!(m.server_id(), Some(SERVER));
}
