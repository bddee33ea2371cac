//! The client on a virtual clock: retransmission, patience, what it accepts.

use super::*;

const SERVER: &str = "10.0.0.1:69";
const TID: &str = "10.0.0.1:40000";

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

fn limits() -> Limits {
    Limits {
        keep: 1000,
        max_size: 1 << 20,
        md5: false,
    }
}

fn data(block: u16, payload: &[u8]) -> Vec<u8> {
    Packet::Data {
        block,
        data: payload,
    }
    .to_vec()
    .unwrap()
}

fn sent(t: &mut Transfer) -> Vec<(SocketAddr, Vec<u8>)> {
    std::iter::from_fn(|| t.poll_transmit()).collect()
}

#[test]
fn a_plain_request_has_no_options_and_reads_512_byte_blocks() {
    let now = Time::from_nanos(0);
    let mut t = Transfer::new(
        now,
        addr(SERVER),
        "term61.default.loads",
        false,
        limits(),
        Patience::PHONE,
    );
    assert_eq!(
        sent(&mut t),
        vec![(
            addr(SERVER),
            b"\0\x01term61.default.loads\0octet\0".to_vec()
        )]
    );
    t.handle(now, addr(TID), &data(1, &[7; 512]));
    assert_eq!(sent(&mut t), vec![(addr(TID), vec![0, 4, 0, 1])]);
    assert!(t.result().is_none());
    t.handle(now, addr(TID), &data(2, &[8; 100]));
    assert_eq!(sent(&mut t), vec![(addr(TID), vec![0, 4, 0, 2])]);
    let r = t.result().unwrap().as_ref().unwrap();
    assert_eq!((r.size, r.blksize, r.head.len()), (612, 512, 612));
    assert!(r.acknowledged.is_empty());
    assert!(!t.is_finished(), "it dallies");
    // The final ACK was lost: the server repeats block 2.
    t.handle(now, addr(TID), &data(2, &[8; 100]));
    assert_eq!(sent(&mut t), vec![(addr(TID), vec![0, 4, 0, 2])]);
    t.handle_timeout(now + Patience::PHONE.dally);
    assert!(t.is_finished());
}

#[test]
fn timeouts_resend_the_last_packet_with_backoff_then_give_up() {
    let start = Time::from_nanos(0);
    let mut t = Transfer::new(start, addr(SERVER), "a", false, limits(), Patience::PHONE);
    let rrq = sent(&mut t);
    let mut now = start;
    let mut waits = Vec::new();
    for _ in 1..Patience::PHONE.tries {
        let due = t.poll_timeout().unwrap();
        waits.push(due - now);
        now = due;
        t.handle_timeout(now);
        assert_eq!(sent(&mut t), rrq, "the request again");
    }
    assert_eq!(
        waits,
        [1, 2, 4, 4, 4].map(Duration::from_secs),
        "1 s doubling, capped at 4 s"
    );
    now = t.poll_timeout().unwrap();
    t.handle_timeout(now);
    assert_eq!(
        t.result(),
        Some(&Err(Failure::NoAnswer {
            tries: 6,
            waited: Duration::from_secs(19),
            stray: None
        }))
    );
    assert!(t.is_finished());
    assert_eq!(t.poll_timeout(), None);
}

#[test]
fn a_lost_data_block_is_asked_for_again_by_repeating_the_ack() {
    let now = Time::from_nanos(0);
    let mut t = Transfer::new(now, addr(SERVER), "a", false, limits(), Patience::PHONE);
    sent(&mut t);
    t.handle(now, addr(TID), &data(1, &[0; 512]));
    sent(&mut t);
    let later = t.poll_timeout().unwrap();
    t.handle_timeout(later);
    assert_eq!(sent(&mut t), vec![(addr(TID), vec![0, 4, 0, 1])]);
    // Out-of-order and stale blocks change nothing.
    t.handle(later, addr(TID), &data(3, &[0; 10]));
    assert!(sent(&mut t).is_empty());
    t.handle(later, addr(TID), &data(2, &[0; 10]));
    assert_eq!(sent(&mut t), vec![(addr(TID), vec![0, 4, 0, 2])]);
    assert_eq!(t.result().unwrap().as_ref().unwrap().retransmissions, 1);
}

#[test]
fn not_found_and_other_errors() {
    let now = Time::from_nanos(0);
    let mut t = Transfer::new(now, addr(SERVER), "x", false, limits(), Patience::PHONE);
    t.handle(
        now,
        addr(TID),
        &error_bytes(ErrorCode::FileNotFound, "File not found"),
    );
    assert_eq!(
        t.result(),
        Some(&Err(Failure::NotFound {
            message: "File not found".into()
        }))
    );
    sent(&mut t);
    assert!(t.is_finished(), "no dallying after an error");

    let mut t = Transfer::new(now, addr(SERVER), "x", false, limits(), Patience::PHONE);
    t.handle(
        now,
        addr(TID),
        &error_bytes(ErrorCode::AccessViolation, "Permission denied"),
    );
    assert!(matches!(
        t.result(),
        Some(Err(Failure::ServerError { code: 2, .. }))
    ));
}

#[test]
fn an_oack_nobody_asked_for_ends_the_transfer() {
    let now = Time::from_nanos(0);
    let mut t = Transfer::new(now, addr(SERVER), "a", false, limits(), Patience::PHONE);
    sent(&mut t);
    t.handle(now, addr(TID), b"\0\x06blksize\x001428\0");
    assert!(matches!(t.result(), Some(Err(Failure::Protocol { .. }))));
    let out = sent(&mut t);
    assert_eq!(out.len(), 1);
    assert_eq!(&out[0].1[..4], &[0, 5, 0, 8], "ERROR 8 to the server");
}

#[test]
fn options_when_asked_blksize_and_tsize_are_honoured() {
    let now = Time::from_nanos(0);
    let mut t = Transfer::new(now, addr(SERVER), "a", true, limits(), Patience::PHONE);
    assert_eq!(
        sent(&mut t)[0].1,
        b"\0\x01a\0octet\0blksize\x001428\0tsize\x000\0".to_vec()
    );
    t.handle(now, addr(TID), b"\0\x06blksize\x00600\0tsize\x00700\0");
    assert_eq!(sent(&mut t), vec![(addr(TID), vec![0, 4, 0, 0])]);
    // Our ACK 0 was lost; the OACK comes again.
    t.handle(now, addr(TID), b"\0\x06blksize\x00600\0tsize\x00700\0");
    assert_eq!(sent(&mut t), vec![(addr(TID), vec![0, 4, 0, 0])]);
    t.handle(now, addr(TID), &data(1, &[1; 600]));
    t.handle(now, addr(TID), &data(2, &[1; 100]));
    let r = t.result().unwrap().as_ref().unwrap();
    assert_eq!((r.size, r.blksize), (700, 600));
    assert_eq!(
        r.acknowledged,
        vec![
            ("blksize".to_owned(), "600".to_owned()),
            ("tsize".to_owned(), "700".to_owned())
        ]
    );

    // A server that ignores the options sends block 1 at 512 bytes.
    let mut t = Transfer::new(now, addr(SERVER), "a", true, limits(), Patience::PHONE);
    t.handle(now, addr(TID), &data(1, &[1; 512]));
    t.handle(now, addr(TID), &data(2, &[]));
    assert_eq!(t.result().unwrap().as_ref().unwrap().size, 512);

    // A lying tsize.
    let mut t = Transfer::new(now, addr(SERVER), "a", true, limits(), Patience::PHONE);
    t.handle(now, addr(TID), b"\0\x06tsize\x009\0");
    t.handle(now, addr(TID), &data(1, &[1; 3]));
    assert_eq!(
        t.result(),
        Some(&Err(Failure::SizeMismatch {
            announced: 9,
            received: 3
        }))
    );
}

#[test]
fn another_tid_gets_error_5_and_changes_nothing() {
    let now = Time::from_nanos(0);
    let mut t = Transfer::new(now, addr(SERVER), "a", false, limits(), Patience::PHONE);
    sent(&mut t);
    t.handle(now, addr(TID), &data(1, &[0; 512]));
    sent(&mut t);
    t.handle(now, addr("10.0.0.1:40001"), &data(2, &[0; 5]));
    let out = sent(&mut t);
    assert_eq!(out[0].0, addr("10.0.0.1:40001"));
    assert_eq!(&out[0].1[..4], &[0, 5, 0, 5]);
    assert!(t.result().is_none());
    // Answers from another host are only remembered.
    let mut t = Transfer::new(now, addr(SERVER), "a", false, limits(), Patience::PHONE);
    sent(&mut t);
    t.handle(now, addr("10.0.0.9:40000"), &data(1, &[0; 5]));
    assert!(sent(&mut t).is_empty() && t.result().is_none());
    while t.result().is_none() {
        let now = t.poll_timeout().unwrap();
        t.handle_timeout(now);
    }
    assert!(
        t.result()
            .unwrap()
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("10.0.0.9:40000")
    );
}

#[test]
fn keeps_only_the_head_and_refuses_oversized_blocks_and_files() {
    let now = Time::from_nanos(0);
    let small = Limits {
        keep: 10,
        max_size: 1000,
        md5: false,
    };
    let mut t = Transfer::new(now, addr(SERVER), "a", false, small, Patience::PHONE);
    t.handle(now, addr(TID), &data(1, &[3; 512]));
    t.handle(now, addr(TID), &data(2, &[3; 1]));
    let r = t.result().unwrap().as_ref().unwrap();
    assert_eq!((r.size, r.head.len()), (513, 10));

    let mut t = Transfer::new(now, addr(SERVER), "a", false, small, Patience::PHONE);
    t.handle(now, addr(TID), &data(1, &[3; 512]));
    t.handle(now, addr(TID), &data(2, &[3; 512]));
    assert_eq!(t.result(), Some(&Err(Failure::TooLarge { limit: 1000 })));

    let mut t = Transfer::new(now, addr(SERVER), "a", false, small, Patience::PHONE);
    t.handle(now, addr(TID), &data(1, &[3; 513]));
    assert!(matches!(t.result(), Some(Err(Failure::Protocol { .. }))));
}

#[test]
fn block_numbers_wrap() {
    let now = Time::from_nanos(0);
    let big = Limits {
        keep: 0,
        max_size: 1 << 26,
        md5: false,
    };
    let mut t = Transfer::new(now, addr(SERVER), "a", false, big, Patience::PHONE);
    let block = [0u8; 512];
    for n in 1..=65_535u16 {
        t.handle(now, addr(TID), &data(n, &block));
    }
    t.handle(now, addr(TID), &data(0, &block));
    t.handle(now, addr(TID), &data(1, &[]));
    let r = t.result().unwrap().as_ref().unwrap();
    assert_eq!(r.size, 65_536 * 512);
}

#[test]
fn the_md5_covers_the_whole_file_once_however_often_a_block_comes() {
    use md5::{Digest, Md5};
    let now = Time::from_nanos(0);
    let limits = Limits {
        keep: 16,
        max_size: 1 << 20,
        md5: true,
    };
    let mut t = Transfer::new(now, addr(SERVER), "a", false, limits, Patience::PHONE);
    let file: Vec<u8> = (0..1300u32).map(|i| (i * 7) as u8).collect();
    let blocks: Vec<&[u8]> = file.chunks(512).collect();
    t.handle(now, addr(TID), &data(1, blocks[0]));
    // A duplicate (the server's retransmission) is acknowledged, not hashed again.
    t.handle(now, addr(TID), &data(1, blocks[0]));
    t.handle(now, addr(TID), &data(2, blocks[1]));
    t.handle(now, addr(TID), &data(3, blocks[2]));
    let r = t.result().unwrap().as_ref().unwrap();
    let want: String = Md5::digest(&file)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    assert_eq!(r.md5.as_deref(), Some(want.as_str()));
    assert_eq!(r.head, file[..16]);

    // Not asked for, not computed.
    let mut t = Transfer::new(
        now,
        addr(SERVER),
        "a",
        false,
        limits_plain(),
        Patience::PHONE,
    );
    t.handle(now, addr(TID), &data(1, b"short"));
    assert_eq!(t.result().unwrap().as_ref().unwrap().md5, None);
}

fn limits_plain() -> Limits {
    Limits {
        md5: false,
        ..limits()
    }
}
