use super::*;
use crate::testkit::announcements;
use proptest::prelude::*;

fn seventy_nine_forty_one() -> Announcement {
    announcements().remove(0)
}

#[test]
fn a_cdp_announcement_reads_back_as_it_was_sent() {
    for a in announcements() {
        for version in [1, 2] {
            let frame = cdp::emit(&a, version);
            let read = Announcement::parse(&frame).unwrap();
            let want = Announcement {
                via: Some(Via::Cdp(version)),
                // CDP keeps the capabilities word in a TLV of its own.
                other: read.other.clone(),
                ..a.clone()
            };
            assert_eq!(read, want);
            assert_eq!(read.other.len(), 1, "capabilities, kept unread");
        }
    }
}

#[test]
fn an_lldp_med_announcement_reads_back_as_it_was_sent() {
    for a in announcements() {
        let read = Announcement::parse(&lldp::emit(&a)).unwrap();
        assert_eq!(read.via, Some(Via::Lldp { med: true }));
        assert_eq!(
            (&read.name, &read.platform, &read.software, &read.port),
            (&a.name, &a.platform, &a.software, &a.port)
        );
        assert_eq!(
            (
                read.voice_vlan,
                read.power_mw,
                read.ttl,
                read.address,
                read.source
            ),
            (a.voice_vlan, a.power_mw, a.ttl, a.address, a.source)
        );
    }
}

#[test]
fn an_announcement_names_the_phone_its_model_and_its_load() {
    let a = seventy_nine_forty_one();
    assert_eq!(a.mac().to_string(), "001F9EAB59F1");
    assert_eq!(a.model().map(|m| m.name), Some("7941"));
    assert_eq!(a.load(), Some("SCCP41.8-2-1S"));
    // LLDP-MED model names read the same way; a switch's software is no load.
    let med = Announcement {
        platform: Some("CP-7962G".into()),
        software: Some("Cisco IOS Software, C3560 Software, Version 12.2(44)SE2".into()),
        name: Some("AH1CMSW07".into()),
        ..a.clone()
    };
    assert_eq!(med.model().map(|m| m.name), Some("7962"));
    assert_eq!(med.load(), None);
    assert_eq!(med.mac(), a.source, "no SEP name: the frame's source");
}

#[test]
fn a_tagged_frame_and_padding_are_read() {
    let a = seventy_nine_forty_one();
    let plain = cdp::emit(&a, 2);
    let mut tagged = plain[..12].to_vec();
    tagged.extend_from_slice(&[0x81, 0x00, 0x00, 0x6e]);
    tagged.extend_from_slice(&plain[12..]);
    tagged.extend_from_slice(&[0; 40]);
    assert_eq!(Announcement::parse(&tagged).unwrap().name, a.name);
}

#[test]
fn frames_that_are_not_announcements_say_why() {
    let a = seventy_nine_forty_one();
    let cdp = cdp::emit(&a, 2);
    // An IPv4 frame.
    let mut ip = cdp[..12].to_vec();
    ip.extend_from_slice(&[0x08, 0x00, 0x45, 0]);
    assert_eq!(Announcement::parse(&ip), Err(NeighbourError::NotNeighbour));
    // LLC to CDP's address but not SNAP/CDP (a DTP or VTP frame has another PID).
    let mut vtp = cdp.clone();
    vtp[21] = 0x03;
    assert_eq!(Announcement::parse(&vtp), Err(NeighbourError::NotNeighbour));
    assert_eq!(
        Announcement::parse(&cdp[..10]),
        Err(NeighbourError::Truncated("Ethernet header"))
    );
    let mut v3 = cdp.clone();
    v3[22] = 3;
    assert_eq!(Announcement::parse(&v3), Err(NeighbourError::CdpVersion(3)));
    // A TLV claiming more than the frame holds.
    let mut long = cdp.clone();
    long[28] = 0xff;
    assert!(matches!(
        Announcement::parse(&long),
        Err(NeighbourError::BadTlv { kind: 1, .. })
    ));
    assert_eq!(
        Announcement::parse(&vec![0; MAX_FRAME + 1]),
        Err(NeighbourError::TooLong(MAX_FRAME + 1))
    );
    // LLDP without its chassis id first.
    let mut lldp = lldp::emit(&a);
    lldp[14] = 5 << 1;
    assert_eq!(
        Announcement::parse(&lldp),
        Err(NeighbourError::LldpMandatory("chassis id"))
    );
}

#[test]
fn a_flood_of_tlvs_is_an_error_and_unread_ones_are_bounded() {
    let a = seventy_nine_forty_one();
    let mut frame = cdp::emit(&a, 2);
    for i in 0..MAX_TLVS {
        frame.extend_from_slice(&[0x00, 0x40 + (i % 8) as u8, 0x00, 0x04]);
    }
    let len = (frame.len() - 14) as u16;
    frame[12..14].copy_from_slice(&len.to_be_bytes());
    assert_eq!(
        Announcement::parse(&frame),
        Err(NeighbourError::TooManyTlvs)
    );
    let mut some = cdp::emit(&a, 2);
    some.extend_from_slice(&[0x00, 0x40, 0x00, 0x04 + 100]);
    some.extend_from_slice(&[7; 100]);
    for _ in 0..(MAX_OTHER + 10) {
        some.extend_from_slice(&[0x00, 0x41, 0x00, 0x04 + 2, 7, 7]);
    }
    let len = (some.len() - 14) as u16;
    some[12..14].copy_from_slice(&len.to_be_bytes());
    let read = Announcement::parse(&some).unwrap();
    assert_eq!(read.other.len(), MAX_OTHER);
    assert_eq!(
        (read.other[1].value.len(), read.other[1].len),
        (MAX_OTHER_BYTES, 100)
    );
}

#[test]
fn text_drops_control_characters_and_is_bounded() {
    assert_eq!(
        text(b"  SEP\x00001F\x1b9EAB59F1 \r\n"),
        Some("SEP001F9EAB59F1".into())
    );
    assert_eq!(text(b" \n"), None);
    assert_eq!(text(&[b'x'; 1000]).unwrap().len(), MAX_TEXT);
    assert_eq!(text(&[0xff, 0xfe]).as_deref(), Some("\u{fffd}\u{fffd}"));
}

proptest! {
    #[test]
    fn any_bytes_parse_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = Announcement::parse(&bytes);
    }

    #[test]
    fn any_damage_to_a_real_frame_parses_without_panic(
        at in 0usize..400,
        byte in any::<u8>(),
        cut in 0usize..400,
        lldp in any::<bool>(),
    ) {
        let a = seventy_nine_forty_one();
        let mut f = if lldp { lldp::emit(&a) } else { cdp::emit(&a, 2) };
        if at < f.len() {
            f[at] = byte;
        }
        f.truncate(cut.max(1).min(f.len()));
        let _ = Announcement::parse(&f);
    }
}
