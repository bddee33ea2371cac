//! The session on a virtual clock: loss, reordering, windows, options.

use std::io::Cursor;

use super::netascii::netascii_len;
use super::*;

const MS: Duration = Duration::from_millis(1);
/// Where the virtual clock starts: an hour after its origin, so that
/// times before the start are still on the clock.
const T0: Time = Time::from_nanos(3_600_000_000_000);

fn session(t0: Time, data: &[u8], options: &[(&str, &str)]) -> ReadSession<Cursor<Vec<u8>>> {
    session_with(t0, data, TransferMode::Octet, options, Config::default())
}

fn session_with(
    t0: Time,
    data: &[u8],
    mode: TransferMode,
    options: &[(&str, &str)],
    config: Config,
) -> ReadSession<Cursor<Vec<u8>>> {
    let options: Vec<TftpOption<'_>> = options
        .iter()
        .map(|(name, value)| TftpOption { name, value })
        .collect();
    ReadSession::new(
        t0,
        mode,
        &options,
        Some(data.len() as u64),
        Cursor::new(data.to_vec()),
        config,
    )
}

/// Everything the session wants to send now, parsed into owned form.
fn drain<R: Read>(s: &mut ReadSession<R>) -> Vec<Sent> {
    let mut out = Vec::new();
    while let Some(bytes) = s.poll_transmit() {
        out.push(
            match Packet::from_bytes(bytes).expect("the session sends valid packets") {
                Packet::Data { block, data } => Sent::Data(block, data.to_vec()),
                Packet::Oack { options } => Sent::Oack(
                    options
                        .iter()
                        .map(|o| (o.name.to_owned(), o.value.to_owned()))
                        .collect(),
                ),
                Packet::Error { code, .. } => Sent::Error(code.code()),
                other => panic!("unexpected {other:?}"),
            },
        );
    }
    out
}

#[derive(Debug, PartialEq, Eq)]
enum Sent {
    Data(u16, Vec<u8>),
    Oack(Vec<(String, String)>),
    Error(u16),
}

fn blocks(sent: &[Sent]) -> Vec<u16> {
    sent.iter()
        .map(|s| match s {
            Sent::Data(b, _) => *b,
            other => panic!("not data: {other:?}"),
        })
        .collect()
}

fn ack(block: u16) -> Packet<'static> {
    Packet::Ack { block }
}

/// A config whose claims never end first: for tests of the backoff and the
/// retry budget alone.
fn patient() -> Config {
    Config {
        claim_timeout: Duration::from_secs(3600),
        ..Config::default()
    }
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

#[test]
fn lock_step_without_options() {
    let t0 = T0;
    let data = pattern(1000);
    let mut s = session(t0, &data, &[]);
    assert_eq!(drain(&mut s), [Sent::Data(1, data[..512].to_vec())]);
    assert_eq!(drain(&mut s), [], "one block at a time");
    s.handle(t0 + MS, &ack(1));
    assert_eq!(drain(&mut s), [Sent::Data(2, data[512..].to_vec())]);
    s.handle(t0 + 2 * MS, &ack(2));
    assert_eq!(s.outcome(), Some(&Outcome::Done));
    assert_eq!(drain(&mut s), []);
    assert_eq!(s.poll_timeout(), None);
    assert_eq!(
        s.stats(),
        Stats {
            bytes: 1000,
            blocks: 2,
            retransmissions: 0
        }
    );
    assert_eq!(s.elapsed(t0 + Duration::from_secs(9)), 2 * MS);
}

#[test]
fn a_multiple_of_the_block_size_ends_with_an_empty_block() {
    let t0 = T0;
    let data = pattern(1024);
    let mut s = session(t0, &data, &[]);
    assert_eq!(blocks(&drain(&mut s)), [1]);
    s.handle(t0, &ack(1));
    assert_eq!(blocks(&drain(&mut s)), [2]);
    s.handle(t0, &ack(2));
    assert_eq!(drain(&mut s), [Sent::Data(3, vec![])]);
    assert!(!s.is_finished());
    s.handle(t0, &ack(3));
    assert_eq!(s.outcome(), Some(&Outcome::Done));
    assert_eq!(s.stats().bytes, 1024);

    let mut empty = session(t0, b"", &[]);
    assert_eq!(drain(&mut empty), [Sent::Data(1, vec![])]);
    empty.handle(t0, &ack(1));
    assert_eq!(empty.outcome(), Some(&Outcome::Done));
}

#[test]
fn lost_data_is_sent_again_with_backoff() {
    let t0 = T0;
    let mut s = session_with(t0, &pattern(600), TransferMode::Octet, &[], patient());
    assert_eq!(blocks(&drain(&mut s)), [1]);
    let first = s.poll_timeout().unwrap();
    assert_eq!(first, t0 + Duration::from_secs(1));
    s.handle_timeout(first - MS);
    assert_eq!(drain(&mut s), [], "nothing before the deadline");
    s.handle_timeout(first);
    assert_eq!(blocks(&drain(&mut s)), [1]);
    let second = s.poll_timeout().unwrap();
    assert_eq!(
        second - first,
        Duration::from_secs(2),
        "the timeout doubles"
    );
    s.handle_timeout(second);
    assert_eq!(blocks(&drain(&mut s)), [1]);
    assert_eq!(s.poll_timeout().unwrap() - second, Duration::from_secs(4));
    s.handle(second + MS, &ack(1));
    assert_eq!(blocks(&drain(&mut s)), [2]);
    assert_eq!(
        s.poll_timeout().unwrap(),
        second + MS + Duration::from_secs(1),
        "progress resets the backoff"
    );
    assert_eq!(s.stats().retransmissions, 2);
}

#[test]
fn a_lost_ack_and_its_duplicate_never_double_the_stream() {
    let t0 = T0;
    let data = pattern(2000);
    let mut s = session(t0, &data, &[]);
    assert_eq!(blocks(&drain(&mut s)), [1]);
    s.handle(t0, &ack(1));
    assert_eq!(blocks(&drain(&mut s)), [2]);
    // The ACK of block 2 is lost: the server times out and resends 2.
    let deadline = s.poll_timeout().unwrap();
    s.handle_timeout(deadline);
    assert_eq!(blocks(&drain(&mut s)), [2]);
    // Both copies of block 2 get acknowledged: the first ACK moves on...
    s.handle(deadline + MS, &ack(2));
    assert_eq!(blocks(&drain(&mut s)), [3]);
    // ...the duplicate does not resend block 3 (Sorcerer's Apprentice).
    s.handle(deadline + 2 * MS, &ack(2));
    assert_eq!(drain(&mut s), []);
    s.handle(deadline + 3 * MS, &ack(1));
    assert_eq!(drain(&mut s), []);
    s.handle(deadline + 4 * MS, &ack(3));
    assert_eq!(blocks(&drain(&mut s)), [4]);
    s.handle(deadline + 4 * MS, &ack(4));
    assert_eq!(s.outcome(), Some(&Outcome::Done));
    assert_eq!(s.stats().retransmissions, 1);
}

#[test]
fn reordered_and_future_acks_are_ignored() {
    let t0 = T0;
    let mut s = session(t0, &pattern(5000), &[]);
    drain(&mut s);
    s.handle(t0, &ack(1));
    drain(&mut s);
    s.handle(t0, &ack(2));
    assert_eq!(blocks(&drain(&mut s)), [3]);
    s.handle(t0, &ack(7)); // not sent yet
    s.handle(t0, &ack(65535));
    s.handle(t0, &ack(1)); // late
    s.handle(
        t0,
        &Packet::Data {
            block: 3,
            data: b"x",
        },
    );
    assert_eq!(drain(&mut s), []);
    assert!(!s.is_finished());
    s.handle(t0, &ack(3));
    assert_eq!(blocks(&drain(&mut s)), [4]);
}

#[test]
fn gives_up_after_the_retries() {
    let t0 = T0;
    let config = Config {
        max_retries: 3,
        ..patient()
    };
    let mut s = session_with(t0, &pattern(10), TransferMode::Octet, &[], config);
    drain(&mut s);
    let mut sends = 1;
    while let Some(deadline) = s.poll_timeout() {
        s.handle_timeout(deadline);
        sends += drain(&mut s).len();
        assert!(sends < 10, "bounded");
    }
    assert_eq!(sends, 4, "the first send and three retries");
    assert_eq!(s.outcome(), Some(&Outcome::TimedOut { retries: 3 }));
    // Timeouts of 1 + 2 + 4 + 8 s, the last capped at max_timeout.
    assert_eq!(s.elapsed(t0), Duration::from_secs(1 + 2 + 4 + 8));
}

#[test]
fn a_transfer_never_acknowledged_is_a_claim_that_ends_at_the_claim_timeout() {
    let t0 = T0;
    let mut s = session(t0, &pattern(10), &[]);
    assert!(s.is_claim());
    let mut sends = blocks(&drain(&mut s)).len();
    let mut at = Vec::new();
    while let Some(deadline) = s.poll_timeout() {
        at.push((deadline - t0).as_millis());
        s.handle_timeout(deadline);
        sends += blocks(&drain(&mut s)).len();
        assert!(sends < 10, "bounded");
    }
    // Resent every second (the backoff stops doubling at a quarter of the
    // claim timeout), then the claim ends half a second after the claim
    // timeout instead of waiting out eight retries: a client's ACK sent by
    // its own timer at 4 s still finds it.
    assert_eq!(at, [1000, 2000, 3000, 4000, 4500]);
    assert_eq!(sends, 5, "the first send and four retries");
    assert_eq!(s.outcome(), Some(&Outcome::TimedOut { retries: 4 }));
    assert_eq!(s.elapsed(t0), Duration::from_millis(4500));
    assert!(!s.is_claim(), "a finished transfer holds nothing");
    assert!(s.is_claim_expired());
}

/// A one-block claim of `claim_timeout` whose client never answers, run to
/// its end: its timeouts in ms from its start, and the session.
fn unanswered_claim(claim_timeout: Duration) -> (Vec<u128>, ReadSession<Cursor<Vec<u8>>>) {
    let config = Config {
        claim_timeout,
        ..Config::default()
    };
    let mut s = session_with(T0, &pattern(10), TransferMode::Octet, &[], config);
    drain(&mut s);
    let mut at = Vec::new();
    while let Some(deadline) = s.poll_timeout() {
        at.push((deadline - T0).as_millis());
        s.handle_timeout(deadline);
        drain(&mut s);
    }
    (at, s)
}

#[test]
fn the_claim_timeout_is_configurable() {
    let (at, s) = unanswered_claim(Duration::from_millis(2500));
    // Sends a quarter of it apart, whatever its length, and the end an
    // eighth of it after.
    assert_eq!(at, [625, 1250, 1875, 2500, 2812]);
    assert_eq!(s.outcome(), Some(&Outcome::TimedOut { retries: 4 }));
    assert_eq!(s.elapsed(T0), Duration::from_micros(2_812_500));
}

#[test]
fn a_long_claim_backs_off_up_to_a_quarter_of_it() {
    let (at, _) = unanswered_claim(Duration::from_secs(20));
    // Sends 1, 2, 4, 5 and 5 s apart, a last one at 22 s, and the end half
    // a pace (2.5 s) after the claim timeout.
    assert_eq!(at, [1000, 3000, 7000, 12000, 17000, 22000, 22500]);
}

/// Seen through 10% loss each way: the first DATA is lost, the copy sent at
/// 1 s arrives and the client's timer starts then, acknowledging at 1, 2
/// and 4 s. The first two ACKs are lost; the third leaves at 4 s and lands a
/// round trip later. A claim that ended at exactly 4 s missed it by 0.4 ms.
#[test]
fn a_client_acknowledging_on_its_own_timer_at_the_claim_timeout_is_heard() {
    let t0 = T0;
    let mut s = session(t0, &pattern(1000), &[]);
    drain(&mut s);
    let late_ack = t0 + Duration::from_micros(4_000_400);
    while let Some(d) = s.poll_timeout().filter(|d| *d < late_ack) {
        s.handle_timeout(d);
        drain(&mut s);
    }
    assert!(s.is_claim(), "ended before the ACK");
    s.handle(late_ack, &ack(1));
    assert!(!s.is_claim());
    assert_eq!(blocks(&drain(&mut s)), [2]);
}

/// A claim's first DATA was lost; the client asked again 1 s later. Later
/// copies reach it, but its ACKs are lost. With the claim ending 4 s after
/// its start, the client's next ACK (its timer) found no transfer, and it
/// acknowledged into the void until it gave up on the file: 1 file in
/// 10,000 through 5% loss each way.
#[test]
fn a_client_that_asks_again_keeps_its_claim_and_is_answered_at_once() {
    let t0 = T0;
    let data = pattern(1000);
    let mut s = session(t0, &data, &[]);
    assert_eq!(blocks(&drain(&mut s)), [1], "lost");
    s.asked_again(t0 + Duration::from_secs(1));
    assert_eq!(blocks(&drain(&mut s)), [1], "answered at once");
    // The server's timer resends at 2, 3 and 4 s: each arrives, each ACK
    // is lost.
    let mut sent_at = Vec::new();
    let heard = t0 + Duration::from_millis(4800);
    while let Some(d) = s.poll_timeout().filter(|d| *d < heard) {
        s.handle_timeout(d);
        if !drain(&mut s).is_empty() {
            sent_at.push((d - t0).as_secs());
        }
    }
    assert_eq!(sent_at, [2, 3, 4]);
    // The claim lasts 4.5 s from the repeated request, not from its start,
    // so the client's ACK at 4.8 s is heard.
    assert!(s.is_claim(), "ended at 4.5 s");
    s.handle(heard, &ack(1));
    assert!(!s.is_claim());
    assert_eq!(blocks(&drain(&mut s)), [2]);
    s.handle(heard + MS, &ack(2));
    assert_eq!(s.outcome(), Some(&Outcome::Done));

    // Without the repeated request, the same claim ends at 4.5 s.
    let mut s = session(t0, &data, &[]);
    while let Some(d) = s.poll_timeout() {
        s.handle_timeout(d);
    }
    assert_eq!(s.elapsed(t0), Duration::from_millis(4500));
}

#[test]
fn asked_again_lengthens_a_claim_only() {
    let t0 = T0;
    // An OACK claim is answered with the OACK again.
    let mut s = session(t0, &pattern(1500), &[("blksize", "1024")]);
    assert!(matches!(drain(&mut s)[..], [Sent::Oack(_)]));
    s.asked_again(t0 + Duration::from_secs(3));
    assert!(matches!(drain(&mut s)[..], [Sent::Oack(_)]));
    assert_eq!(s.stats().retransmissions, 1);
    let mut end = t0;
    while let Some(d) = s.poll_timeout() {
        s.handle_timeout(d);
        drain(&mut s);
        end = d;
    }
    assert_eq!(
        end - t0,
        Duration::from_millis(7500),
        "4.5 s from the request"
    );

    // Once acknowledged, a late copy of the request sends nothing.
    let mut s = session(t0, &pattern(1500), &[]);
    drain(&mut s);
    s.handle(t0 + MS, &ack(1));
    assert_eq!(blocks(&drain(&mut s)), [2]);
    let due = s.poll_timeout();
    s.asked_again(t0 + 2 * MS);
    assert_eq!(drain(&mut s), []);
    assert_eq!(s.poll_timeout(), due);
    assert_eq!(s.stats().retransmissions, 0);
}

#[test]
fn an_acknowledged_transfer_keeps_the_whole_retry_budget() {
    let t0 = T0;
    // Three blocks, so the one left unacknowledged is not the last.
    let mut s = session(t0, &pattern(1100), &[]);
    drain(&mut s);
    s.handle(t0 + MS, &ack(1));
    assert!(!s.is_claim());
    assert_eq!(blocks(&drain(&mut s)), [2]);
    let mut retries = 0;
    while let Some(deadline) = s.poll_timeout() {
        s.handle_timeout(deadline);
        retries += drain(&mut s).len();
        assert!(retries < 20, "bounded");
    }
    assert_eq!(s.outcome(), Some(&Outcome::TimedOut { retries: 8 }));
    assert!(!s.is_claim_expired(), "a transfer, not a claim, timed out");
    assert!(s.elapsed(t0) > Config::default().claim_timeout);
}

#[test]
fn a_missing_final_ack_is_waited_for_as_long_as_a_claim_not_the_whole_budget() {
    let t0 = T0;
    let data = pattern(600);
    let mut s = session(t0, &data, &[]);
    drain(&mut s);
    s.handle(t0 + MS, &ack(1));
    assert_eq!(blocks(&drain(&mut s)), [2]);
    let last_sent = t0 + MS;
    let mut at = Vec::new();
    let mut resent = 0;
    while let Some(deadline) = s.poll_timeout() {
        at.push(deadline);
        s.handle_timeout(deadline);
        resent += drain(&mut s).len();
        assert!(resent < 20, "bounded");
    }
    assert!(matches!(s.outcome(), Some(Outcome::TimedOut { .. })));
    // The first timeout of block 2, then the claim timeout from there.
    let first = at[0];
    assert!(first > last_sent);
    assert_eq!(*at.last().unwrap(), first + Config::default().claim_timeout);
    assert!(
        resent >= 2,
        "the last block is still sent again meanwhile ({resent})"
    );
    assert!(
        s.elapsed(t0) < Duration::from_secs(10),
        "{:?}",
        s.elapsed(t0)
    );

    // A final ACK that comes within that wait ends the transfer as done.
    let mut s = session(t0, &data, &[]);
    drain(&mut s);
    s.handle(t0 + MS, &ack(1));
    drain(&mut s);
    let deadline = s.poll_timeout().unwrap();
    s.handle_timeout(deadline);
    assert_eq!(blocks(&drain(&mut s)), [2]);
    s.handle(deadline + MS, &ack(2));
    assert_eq!(s.outcome(), Some(&Outcome::Done));
}

/// The soak's rare "timeouts at block 2": the last block of a short file is
/// lost, and the client, still waiting for it, repeats its ACK of block 1.
/// That says the last block never arrived: the transfer keeps sending it for
/// the whole retry budget, not only the short wait for a lost final ACK.
#[test]
fn a_client_repeating_the_ack_before_the_last_gets_the_last_block_for_the_whole_budget() {
    let t0 = T0;
    let data = pattern(600);
    let mut s = session(t0, &data, &[]);
    drain(&mut s);
    s.handle(t0 + MS, &ack(1));
    assert_eq!(blocks(&drain(&mut s)), [2]);
    assert!(s.awaits_final_ack());
    // Block 2 lost; the client's own timeout repeats ACK 1. Never a resend
    // on a duplicate (Sorcerer's Apprentice): the timer resends.
    s.handle(t0 + MS * 300, &ack(1));
    assert!(drain(&mut s).is_empty());
    let mut resent = 0;
    while let Some(deadline) = s.poll_timeout() {
        s.handle_timeout(deadline);
        resent += blocks(&drain(&mut s)).iter().filter(|b| **b == 2).count();
        assert!(resent < 20, "bounded");
    }
    assert_eq!(s.outcome(), Some(&Outcome::TimedOut { retries: 8 }));
    assert_eq!(
        resent, 8,
        "block 2 sent again on each of the budget's timeouts"
    );
    assert!(s.elapsed(t0) > Config::default().claim_timeout * 2);
}

#[test]
fn an_acknowledged_oack_ends_the_claim() {
    let t0 = T0;
    // Two blocks, so the one left unacknowledged is not the last.
    let mut s = session(t0, &pattern(1500), &[("blksize", "1024")]);
    assert!(matches!(drain(&mut s)[..], [Sent::Oack(_)]));
    assert!(s.is_claim());
    // The resent OACK is capped by the claim like DATA is.
    let d = s.poll_timeout().unwrap();
    s.handle_timeout(d);
    assert!(matches!(drain(&mut s)[..], [Sent::Oack(_)]));
    s.handle(d + MS, &ack(0));
    assert!(!s.is_claim());
    assert_eq!(blocks(&drain(&mut s)), [1]);
    while let Some(deadline) = s.poll_timeout() {
        s.handle_timeout(deadline);
        drain(&mut s);
    }
    assert_eq!(s.outcome(), Some(&Outcome::TimedOut { retries: 8 }));
}

#[test]
fn the_timeout_follows_the_round_trip() {
    let t0 = T0;
    let mut s = session(t0, &pattern(512 * 40), &[]);
    let mut now = t0;
    for block in 1..=20u16 {
        drain(&mut s);
        now += 20 * MS;
        s.handle(now, &ack(block));
    }
    // 20 ms round trips: srtt 20 ms, variation decaying towards 0; the
    // timeout is well under the initial second and at least the floor.
    let rto = s.poll_timeout().unwrap() - now;
    assert!(rto >= 50 * MS && rto < 100 * MS, "{rto:?}");
    // A timeout doubles it; the ACK of a resent block gives no sample.
    drain(&mut s);
    s.handle_timeout(now + rto);
    assert_eq!(blocks(&drain(&mut s)), [21]);
    assert_eq!(s.poll_timeout().unwrap() - (now + rto), rto * 2);
    now += rto + Duration::from_secs(3);
    s.handle(now, &ack(21));
    assert!(s.poll_timeout().unwrap() - now < 100 * MS, "Karn's rule");
    // Never below the floor, even on a zero round trip.
    for block in 22..=40u16 {
        drain(&mut s);
        s.handle(now, &ack(block));
    }
    drain(&mut s);
    assert_eq!(s.poll_timeout().unwrap() - now, 50 * MS);
}

#[test]
fn the_max_timeout_caps_the_backoff() {
    let t0 = T0;
    let config = Config {
        max_retries: 10,
        max_timeout: Duration::from_secs(3),
        ..patient()
    };
    let mut s = session_with(t0, &pattern(10), TransferMode::Octet, &[], config);
    let mut gaps = Vec::new();
    let mut at = t0;
    while let Some(deadline) = s.poll_timeout() {
        gaps.push((deadline - at).as_secs());
        at = deadline;
        s.handle_timeout(deadline);
    }
    assert_eq!(gaps, [1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
}

#[test]
fn block_numbers_roll_over_past_65535() {
    let t0 = T0;
    let blksize = 8usize;
    let count = 70_000usize;
    let data = pattern(blksize * count + 3);
    let mut s = session(t0, &data, &[("blksize", "8")]);
    assert_eq!(
        drain(&mut s),
        [Sent::Oack(vec![("blksize".into(), "8".into())])]
    );
    s.handle(t0, &ack(0));
    let mut got = Vec::new();
    let mut numbers = Vec::new();
    let mut rounds = 0;
    while !s.is_finished() {
        rounds += 1;
        assert!(rounds <= count + 2, "bounded");
        let sent = drain(&mut s);
        assert_eq!(sent.len(), 1);
        let Sent::Data(block, bytes) = &sent[0] else {
            panic!()
        };
        got.extend_from_slice(bytes);
        numbers.push(*block);
        s.handle(t0, &ack(*block));
    }
    assert_eq!(got, data);
    assert_eq!(numbers.len(), count + 1);
    assert_eq!(numbers[65_534..65_537], [65_535, 0, 1]);
    assert_eq!(s.outcome(), Some(&Outcome::Done));
    assert_eq!(s.stats().bytes, data.len() as u64);
}

#[test]
fn windows_with_a_block_lost_in_the_middle() {
    let t0 = T0;
    let data = pattern(512 * 10 + 100);
    let mut s = session(t0, &data, &[("windowsize", "4")]);
    assert_eq!(
        drain(&mut s),
        [Sent::Oack(vec![("windowsize".into(), "4".into())])]
    );
    s.handle(t0, &ack(0));
    assert_eq!(blocks(&drain(&mut s)), [1, 2, 3, 4]);
    s.handle(t0, &ack(4));
    assert_eq!(blocks(&drain(&mut s)), [5, 6, 7, 8]);
    // Block 6 is lost: the client acknowledges 5, the last in order.
    s.handle(t0 + MS, &ack(5));
    let resent = drain(&mut s);
    assert_eq!(blocks(&resent), [6, 7, 8, 9]);
    assert_eq!(resent[0], Sent::Data(6, data[5 * 512..6 * 512].to_vec()));
    // Blocks 7 and 8 of the old window arrive late and provoke the same
    // ACK again: ignored.
    s.handle(t0 + MS, &ack(5));
    assert_eq!(drain(&mut s), []);
    s.handle(t0 + 2 * MS, &ack(9));
    assert_eq!(blocks(&drain(&mut s)), [10, 11]);
    // A whole window lost: the timeout resends it from its start.
    let deadline = s.poll_timeout().unwrap();
    s.handle_timeout(deadline);
    assert_eq!(blocks(&drain(&mut s)), [10, 11]);
    s.handle(deadline, &ack(11));
    assert_eq!(s.outcome(), Some(&Outcome::Done));
    assert_eq!(s.stats().retransmissions, 3 + 2);
    assert_eq!(s.stats().bytes, data.len() as u64);
}

#[test]
fn netascii_is_converted_across_block_boundaries() {
    let t0 = T0;
    let text = b"line one\nline\rtwo\n\n1234567\nend";
    let mut expected = Vec::new();
    for &b in text {
        match b {
            b'\n' => expected.extend_from_slice(b"\r\n"),
            b'\r' => expected.extend_from_slice(b"\r\0"),
            _ => expected.push(b),
        }
    }
    assert_eq!(netascii_len(&text[..]).unwrap(), expected.len() as u64);
    let mut s = session_with(
        t0,
        text,
        TransferMode::Netascii,
        &[("blksize", "8")],
        Config::default(),
    );
    drain(&mut s);
    s.handle(t0, &ack(0));
    let mut got = Vec::new();
    while !s.is_finished() {
        for sent in drain(&mut s) {
            let Sent::Data(block, bytes) = sent else {
                panic!()
            };
            got.extend_from_slice(&bytes);
            s.handle(t0, &ack(block));
        }
        assert!(got.len() <= expected.len() + 8, "bounded");
    }
    assert_eq!(got, expected);
    assert_eq!(
        TransferMode::parse("NetAscii"),
        Some(TransferMode::Netascii)
    );
    assert_eq!(TransferMode::parse("OCTET"), Some(TransferMode::Octet));
    assert_eq!(TransferMode::parse("mail"), None);
}

#[test]
fn options_only_when_asked_and_within_limits() {
    let t0 = T0;
    let data = pattern(3000);
    // No options: no OACK, data straight away.
    let mut s = session(t0, &data, &[]);
    assert_eq!(blocks(&drain(&mut s)), [1]);
    // Only unknown options: ignored, still no OACK.
    let mut s = session(t0, &data, &[("multicast", ""), ("x-cisco", "1")]);
    assert_eq!(blocks(&drain(&mut s)), [1]);
    // Every known option, spelled as the client spelled it.
    let mut s = session(
        t0,
        &data,
        &[
            ("BLKSIZE", "1428"),
            ("tsize", "0"),
            ("timeout", "3"),
            ("windowsize", "16"),
            ("blksize", "9000"),
            ("utimeout", "500"),
        ],
    );
    assert_eq!(
        drain(&mut s),
        [Sent::Oack(vec![
            ("BLKSIZE".into(), "1428".into()),
            ("tsize".into(), "3000".into()),
            ("timeout".into(), "3".into()),
            ("windowsize".into(), "16".into()),
        ])]
    );
    assert_eq!(s.poll_timeout(), Some(t0 + Duration::from_secs(3)));
    s.handle(t0, &ack(0));
    assert_eq!(blocks(&drain(&mut s)), [1, 2, 3]);
    // The client's timeout does not back off.
    let d = s.poll_timeout().unwrap();
    s.handle_timeout(d);
    assert_eq!(s.poll_timeout(), Some(d + Duration::from_secs(3)));

    // Out-of-range values are not acknowledged; caps apply.
    let config = Config {
        max_blksize: 1024,
        max_windowsize: 8,
        ..Config::default()
    };
    let mut s = session_with(
        t0,
        &data,
        TransferMode::Octet,
        &[
            ("blksize", "7"),
            ("timeout", "0"),
            ("windowsize", "0"),
            ("tsize", "x"),
        ],
        config.clone(),
    );
    assert_eq!(
        drain(&mut s),
        [Sent::Oack(vec![("tsize".into(), "3000".into())])]
    );
    let mut s = session_with(
        t0,
        &data,
        TransferMode::Octet,
        &[("blksize", "65464"), ("windowsize", "65535")],
        config,
    );
    assert_eq!(
        drain(&mut s),
        [Sent::Oack(vec![
            ("blksize".into(), "1024".into()),
            ("windowsize".into(), "8".into()),
        ])]
    );
    // The window buffer cap shrinks the window for big blocks.
    let mut s = session(t0, &data, &[("blksize", "65464"), ("windowsize", "64")]);
    assert_eq!(
        drain(&mut s),
        [Sent::Oack(vec![
            ("blksize".into(), "65464".into()),
            ("windowsize".into(), "16".into()),
        ])]
    );
    // tsize is not acknowledged when the size is unknown.
    let options = [TftpOption {
        name: "tsize",
        value: "0",
    }];
    let mut s = ReadSession::new(
        t0,
        TransferMode::Octet,
        &options,
        None,
        Cursor::new(data.clone()),
        Config::default(),
    );
    assert_eq!(blocks(&drain(&mut s)), [1]);
}

#[test]
fn a_lost_oack_is_sent_again_and_a_refusal_ends_the_transfer() {
    let t0 = T0;
    let mut s = session(t0, &pattern(100), &[("blksize", "1024")]);
    assert!(matches!(drain(&mut s)[..], [Sent::Oack(_)]));
    s.handle(t0, &ack(1)); // not an answer to the OACK
    assert_eq!(drain(&mut s), []);
    let d = s.poll_timeout().unwrap();
    s.handle_timeout(d);
    assert!(matches!(drain(&mut s)[..], [Sent::Oack(_)]));
    s.handle(
        d + MS,
        &Packet::Error {
            code: ErrorCode::OptionRefused,
            message: "no thanks",
        },
    );
    assert_eq!(
        s.outcome(),
        Some(&Outcome::PeerError {
            code: 8,
            message: "no thanks".into()
        })
    );
    assert_eq!(drain(&mut s), [], "never answer an ERROR");
    assert_eq!(s.poll_timeout(), None);
}

#[test]
fn progress_is_rate_limited() {
    let t0 = T0;
    let mut s = session(t0, &pattern(512 * 20 - 1), &[]);
    let mut reports = Vec::new();
    let mut now = t0;
    for block in 1..=20u16 {
        drain(&mut s);
        now += Duration::from_millis(100);
        s.handle(now, &ack(block));
        if let Some(stats) = s.poll_progress() {
            reports.push(stats.blocks);
        }
    }
    // Every 500 ms of a 2 s transfer; the final ACK ends it instead.
    assert_eq!(reports, [5, 10, 15]);
    assert_eq!(s.outcome(), Some(&Outcome::Done));
}

#[test]
fn cancel_tells_the_client() {
    let t0 = T0;
    let mut s = session(t0, &pattern(5000), &[]);
    drain(&mut s);
    s.cancel(t0, "server shutting down");
    assert_eq!(drain(&mut s), [Sent::Error(0)]);
    assert_eq!(s.outcome(), Some(&Outcome::Cancelled));
}

#[test]
fn a_client_that_moved_on_after_the_last_block_had_the_file() {
    let t0 = T0;
    let data = pattern(1300);
    let mut s = session(t0, &data, &[]);
    drain(&mut s);
    assert!(!s.awaits_final_ack(), "a claim");
    s.handle(t0 + MS, &ack(1));
    drain(&mut s);
    assert!(!s.awaits_final_ack(), "block 3 is not sent yet");
    s.handle(t0 + 2 * MS, &ack(2));
    assert_eq!(blocks(&drain(&mut s)), [3]);
    assert!(s.awaits_final_ack());
    s.client_moved_on(t0 + 3 * MS);
    assert_eq!(s.outcome(), Some(&Outcome::Done));
    assert_eq!(drain(&mut s), [], "not a word more to the port");
    assert_eq!(s.poll_timeout(), None);
    assert_eq!(
        s.stats(),
        Stats {
            bytes: 1300,
            blocks: 3,
            retransmissions: 0
        }
    );
}

#[test]
fn a_client_that_moved_on_mid_transfer_cancels_it_without_an_error() {
    let t0 = T0;
    // A one-block file never acknowledged: the last block went out, but a
    // claim is not a transfer the client had.
    let mut s = session(t0, &pattern(100), &[]);
    drain(&mut s);
    assert!(!s.awaits_final_ack());
    s.client_moved_on(t0 + MS);
    assert_eq!(s.outcome(), Some(&Outcome::Cancelled));
    assert_eq!(drain(&mut s), []);

    let mut s = session(t0, &pattern(5000), &[]);
    drain(&mut s);
    s.handle(t0 + MS, &ack(1));
    drain(&mut s);
    s.client_moved_on(t0 + 2 * MS);
    assert_eq!(s.outcome(), Some(&Outcome::Cancelled));
    assert_eq!(drain(&mut s), []);
    assert_eq!(s.stats().blocks, 1);
}

/// A source that hands out a few bytes per call (and so exercises every
/// partial vectored read).
struct Chunky {
    data: Cursor<Vec<u8>>,
    seed: u32,
}

impl Read for Chunky {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.seed = self.seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let n = 1 + (self.seed >> 16) as usize % 700;
        let n = n.min(out.len());
        self.data.read(&mut out[..n])
    }
}

/// Runs a whole transfer against a client that loses `loss_percent` of
/// the DATA and of the ACKs (a fixed pseudo-random pattern) and
/// acknowledges the last block it has in order after every burst; returns
/// what the client kept.
fn lossy_transfer<R: Read>(mut s: ReadSession<R>, blksize: usize, loss_percent: u32) -> Vec<u8> {
    let t0 = T0;
    let mut now = t0;
    let mut seed = 7u32;
    let mut lost = move || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (seed >> 16) % 100 < loss_percent
    };
    if !drain(&mut s).is_empty() {
        s.handle(now, &ack(0)); // the OACK
    }
    let mut got = Vec::new();
    let mut expected: u16 = 1;
    for _ in 0..1_000_000 {
        if s.is_finished() {
            break;
        }
        let mut arrived = false;
        for sent in drain(&mut s) {
            let Sent::Data(block, bytes) = sent else {
                panic!("unexpected {sent:?}")
            };
            if lost() {
                continue;
            }
            arrived = true;
            if block == expected {
                assert!(bytes.len() <= blksize);
                got.extend_from_slice(&bytes);
                expected = expected.wrapping_add(1);
            }
        }
        if arrived && !lost() {
            s.handle(now, &ack(expected.wrapping_sub(1)));
        } else if let Some(deadline) = s.poll_timeout() {
            now = deadline;
            s.handle_timeout(now);
        }
    }
    assert_eq!(s.outcome(), Some(&Outcome::Done), "the transfer ended");
    got
}

#[test]
fn read_ahead_rings_deliver_every_byte_whatever_the_losses() {
    let sizes = [0, 1, 511, 512, 513, 512 * 40, 512 * 40 + 7, 100_003];
    for size in sizes {
        let data = pattern(size);
        for blksize in [8usize, 512, 1428] {
            if size / blksize > 3_000 {
                continue;
            }
            for window in [1u16, 4, 16] {
                for read_ahead in [0usize, 100, 8192, 128 << 10] {
                    for chunky in [false, true] {
                        for loss in [0, 10] {
                            let options = [
                                TftpOption {
                                    name: "blksize",
                                    value: &blksize.to_string(),
                                },
                                TftpOption {
                                    name: "windowsize",
                                    value: &window.to_string(),
                                },
                            ];
                            let config = Config {
                                read_ahead,
                                ..Config::default()
                            };
                            let t0 = T0;
                            let what = format!(
                                "size {size}, blksize {blksize}, window {window}, \
                                 read-ahead {read_ahead}, chunky {chunky}, loss {loss}%"
                            );
                            let got = if chunky {
                                let source = Chunky {
                                    data: Cursor::new(data.clone()),
                                    seed: size as u32,
                                };
                                let s = ReadSession::new(
                                    t0,
                                    TransferMode::Octet,
                                    &options,
                                    Some(size as u64),
                                    source,
                                    config,
                                );
                                lossy_transfer(s, blksize, loss)
                            } else {
                                let s = ReadSession::new(
                                    t0,
                                    TransferMode::Octet,
                                    &options,
                                    Some(size as u64),
                                    Cursor::new(data.clone()),
                                    config,
                                );
                                lossy_transfer(s, blksize, loss)
                            };
                            assert!(got == data, "{what}: {} of {size} bytes", got.len());
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn a_lone_block_read_ahead_reads_the_source_once_per_ring() {
    /// Counts the vectored reads that reach it.
    struct Counting {
        data: Cursor<Vec<u8>>,
        reads: std::rc::Rc<std::cell::Cell<usize>>,
    }
    impl Read for Counting {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            self.read_vectored(&mut [IoSliceMut::new(out)])
        }
        fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
            self.reads.set(self.reads.get() + 1);
            self.data.read_vectored(bufs)
        }
    }
    let reads = std::rc::Rc::new(std::cell::Cell::new(0));
    let data = pattern(512 * 64);
    let t0 = T0;
    let s = ReadSession::new(
        t0,
        TransferMode::Octet,
        &[],
        Some(data.len() as u64),
        Counting {
            data: Cursor::new(data.clone()),
            reads: reads.clone(),
        },
        Config {
            read_ahead: 16 * 512,
            ..Config::default()
        },
    );
    assert_eq!(lossy_transfer(s, 512, 0), data);
    // 64 full blocks in rings of 16, then the empty last block's read.
    assert_eq!(reads.get(), 64 / 16 + 1);
}

#[test]
fn a_read_error_is_reported_once() {
    struct Broken(u8);
    impl Read for Broken {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::Error::other("disk on fire"));
            }
            self.0 -= 1;
            out.fill(b'x');
            Ok(out.len())
        }
    }
    let t0 = T0;
    let mut s = ReadSession::new(
        t0,
        TransferMode::Octet,
        &[],
        None,
        Broken(1),
        Config::default(),
    );
    assert_eq!(drain(&mut s).len(), 1);
    s.handle(t0, &ack(1));
    assert_eq!(drain(&mut s), [Sent::Error(0)]);
    assert!(matches!(s.outcome(), Some(Outcome::ReadError { .. })));
}
