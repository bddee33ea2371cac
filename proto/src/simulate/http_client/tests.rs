use super::*;

const SERVER: &str = "10.0.0.1:6970";

fn get(max: u64) -> HttpGet {
    HttpGet::new(
        Time::from_nanos(0),
        SERVER.parse().unwrap(),
        "SEP 001.cnf.xml",
        Limits {
            keep: 8,
            max_size: max,
            md5: true,
        },
    )
}

fn t(ms: u64) -> Time {
    Time::from_nanos(ms * 1_000_000)
}

fn answered(
    g: &mut HttpGet,
    answer: &[u8],
    piece: usize,
) -> Result<Received, Result<Failure, Fallback>> {
    g.handle_connection(t(1), Connection::Connected);
    for c in answer.chunks(piece) {
        g.handle(t(2), c);
        if g.is_finished() {
            break;
        }
    }
    if !g.is_finished() {
        g.handle_connection(t(3), Connection::Closed);
    }
    g.take_result().expect("a result")
}

#[test]
fn the_request_is_one_plain_get_with_the_name_escaped() {
    let mut g = get(100);
    let request = String::from_utf8(g.poll_transmit().unwrap()).unwrap();
    assert!(
        request.starts_with("GET /SEP%20001.cnf.xml HTTP/1.1\r\n"),
        "{request}"
    );
    assert!(request.contains("Host: 10.0.0.1:6970\r\n"));
    assert!(request.ends_with("\r\n\r\n"));
    assert_eq!(g.poll_transmit(), None, "once");
}

#[test]
fn a_body_in_any_pieces_is_counted_and_its_start_kept() {
    for piece in [1, 3, 40, 1000] {
        let mut g = get(100);
        let r = answered(
            &mut g,
            b"HTTP/1.1 200 OK\r\nContent-Length: 20\r\nServer: x\r\n\r\n0123456789abcdefghij",
            piece,
        )
        .unwrap();
        assert_eq!(
            (r.size, r.head.as_slice()),
            (20, &b"01234567"[..]),
            "{piece}"
        );
        // The whole body's MD5, not only the kept start's.
        assert_eq!(r.md5.as_deref(), Some("644BE06DFC54061FD1E67F5EBBABCD58"));
    }
    // Without a length the body ends with the connection.
    let mut g = get(100);
    let r = answered(&mut g, b"HTTP/1.0 200 OK\r\n\r\nabc", 100).unwrap();
    assert_eq!(r.size, 3);
    assert_eq!(r.md5.as_deref(), Some("900150983CD24FB0D6963F7D28E17F72"));
}

#[test]
fn statuses_sizes_and_garbage_are_failures_never_panics() {
    let fail = |answer: &[u8], max: u64| answered(&mut get(max), answer, 5).unwrap_err().unwrap();
    assert!(matches!(
        fail(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 100),
        Failure::NotFound { .. }
    ));
    assert_eq!(
        fail(b"HTTP/1.1 503 Service Unavailable\r\n\r\n", 100),
        Failure::Http {
            status: 503,
            reason: "Service Unavailable".into()
        }
    );
    assert!(matches!(
        fail(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n", 100),
        Failure::TooLarge { limit: 100 }
    ));
    assert!(matches!(
        fail(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 100),
        Failure::Protocol { .. }
    ));
    assert!(matches!(
        fail(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", 100),
        Failure::Protocol { .. }
    ));
    assert!(matches!(
        fail(b"SSH-2.0-OpenSSH\r\n\r\n", 100),
        Failure::Protocol { .. }
    ));
    let long = [b"HTTP/1.1 200 OK\r\nX: ".to_vec(), vec![b'a'; MAX_HEAD * 2]].concat();
    assert!(matches!(fail(&long, 100), Failure::Protocol { .. }));
    for seed in 0..200u64 {
        let noise = lifeline_shared::testkit::noise(seed, (seed as usize * 37) % 2000);
        let mut g = get(1000);
        g.handle(t(1), &noise);
        g.handle_connection(t(2), Connection::Closed);
        assert!(g.is_finished());
    }
}

#[test]
fn nothing_listening_or_no_connection_in_time_falls_back_to_tftp() {
    let mut g = get(100);
    g.handle_connection(t(1), Connection::Refused);
    assert!(g.take_result().unwrap().unwrap_err().is_err());
    let mut g = get(100);
    assert_eq!(
        g.poll_timeout(),
        Some(Time::from_nanos(0) + CONNECT_PATIENCE)
    );
    g.handle_timeout(Time::from_nanos(0) + CONNECT_PATIENCE);
    let fallback = g.take_result().unwrap().unwrap_err().unwrap_err();
    assert!(fallback.why.contains("no answer"), "{}", fallback.why);
    // Connected, then silent: a failure, not a fallback.
    let mut g = get(100);
    g.handle_connection(t(1), Connection::Connected);
    let due = g.poll_timeout().unwrap();
    g.handle_timeout(due);
    assert!(matches!(
        g.take_result().unwrap().unwrap_err(),
        Ok(Failure::NoAnswer { .. })
    ));
    assert_eq!(g.poll_timeout(), None);
}
