//! A phone that asks HTTP first, against the fake network's HTTP port:
//! serving, closed (refused), or silent.

use super::*;
use crate::simulate::http_client::Connection;

/// What the fake TFTP server's HTTP port does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Port {
    /// Nothing listens: every connection is refused.
    Closed,
    /// A firewall drops the connection: no answer at all.
    Silent,
    /// Serves the files (exact names), 404 otherwise; the answer arrives
    /// in pieces of this many bytes.
    Serving(usize),
}

impl FakeNet {
    /// Runs one GET against the port: tells the phone how its connection
    /// went and hands it the answer.
    pub(super) fn http(&mut self, phone: &mut Phone, now: Time, t: Transmit) {
        assert_eq!(
            t.to,
            SocketAddr::from((SERVER_IP, HTTP_PORT)),
            "the TFTP server's 6970"
        );
        let piece = match self.http {
            Port::Closed => {
                phone.handle_connection(now, t.socket, Connection::Refused);
                return;
            }
            Port::Silent => return,
            Port::Serving(piece) => piece,
        };
        let request = String::from_utf8(t.bytes).unwrap();
        let path = request
            .strip_prefix("GET /")
            .and_then(|r| r.split(' ').next())
            .expect("a GET")
            .to_owned();
        assert!(request.ends_with("\r\n\r\n"), "{request:?}");
        self.http_requested.push(path.clone());
        let answer = match self.files.get(&path) {
            Some(data) => {
                let mut a = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", data.len())
                    .into_bytes();
                a.extend_from_slice(data);
                a
            }
            None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n\r\nnot found\n".to_vec(),
        };
        phone.handle_connection(now, t.socket, Connection::Connected);
        for chunk in answer.chunks(piece) {
            phone.handle(now, t.socket, t.to, chunk);
        }
        phone.handle_connection(now, t.socket, Connection::Closed);
    }
}

fn http_spec(mode: Scenario) -> PhoneSpec {
    PhoneSpec {
        transport: Transport::Http,
        ..spec(mode)
    }
}

fn transports(r: &report::PhoneReport) -> Vec<Transport> {
    r.files.iter().map(|f| f.transport).collect()
}

#[test]
fn an_http_first_phone_recovers_over_http_and_never_asks_tftp() {
    for piece in [1, 7, 1500, 1 << 20] {
        let mut net = FakeNet::new(seed());
        net.http = Port::Serving(piece);
        let (r, _) = run(
            http_spec(Scenario::Recovery),
            Network::Dhcp { xid: 1 },
            &mut net,
        );
        assert!(recovered(&r), "{}", r.verdict.sentence());
        let mut expected = vec!["term61.default.loads".to_owned()];
        expected.extend(IMAGES.iter().map(|s| (*s).to_owned()));
        assert_eq!(net.http_requested, expected, "pieces of {piece}");
        assert!(net.requested.is_empty(), "no TFTP: {:?}", net.requested);
        assert!(transports(&r).iter().all(|t| *t == Transport::Http));
        assert!(
            r.files.iter().skip(1).all(|f| matches!(
                &f.outcome,
                FileOutcome::Received { signed_as: Some(n), .. } if *n == f.name
            )),
            "every image checked as over TFTP: {:?}",
            r.files
        );
    }
}

#[test]
fn a_closed_http_port_sends_the_phone_to_tftp_for_every_file() {
    let mut net = FakeNet::new(seed());
    net.http = Port::Closed;
    let (r, _) = run(
        http_spec(Scenario::Recovery),
        Network::Dhcp { xid: 1 },
        &mut net,
    );
    assert!(recovered(&r), "{}", r.verdict.sentence());
    assert!(net.http_requested.is_empty());
    assert_eq!(net.requested.len(), 1 + IMAGES.len(), "all over TFTP");
    assert!(transports(&r).iter().all(|t| *t == Transport::Tftp));
    assert!(
        r.notes.iter().any(|n| n.contains("connection refused")),
        "{:?}",
        r.notes
    );
}

#[test]
fn a_silent_http_port_is_given_up_on_after_the_connect_patience() {
    let mut net = FakeNet::new(seed());
    net.http = Port::Silent;
    let (r, took) = run(
        http_spec(Scenario::Recovery),
        Network::Dhcp { xid: 1 },
        &mut net,
    );
    assert!(recovered(&r), "{}", r.verdict.sentence());
    assert_eq!(net.requested.len(), 1 + IMAGES.len());
    assert!(
        took >= crate::simulate::http_client::CONNECT_PATIENCE,
        "{took:?}"
    );
    assert!(
        r.notes.iter().any(|n| n.contains("no answer")),
        "{:?}",
        r.notes
    );
}

#[test]
fn over_http_a_missing_file_is_not_found_as_over_tftp() {
    let mut files = seed();
    files.remove(IMAGES[2]);
    let mut net = FakeNet::new(files);
    net.http = Port::Serving(4096);
    let (r, _) = run(
        http_spec(Scenario::Recovery),
        Network::Dhcp { xid: 1 },
        &mut net,
    );
    let s = stuck(&r);
    assert_eq!(s.file.as_deref(), Some(IMAGES[2]));
    assert!(
        matches!(
            &s.problem,
            Problem::Transfer {
                failure: Failure::NotFound { .. },
                ..
            }
        ),
        "{:?}",
        s.problem
    );
    assert!(net.requested.is_empty(), "a 404 is an answer: no TFTP");
}

#[test]
fn an_http_boot_skips_missing_security_files_and_falls_to_xmldefault() {
    let mut net = FakeNet::new(seed());
    net.http = Port::Serving(512);
    let (r, _) = run(
        http_spec(Scenario::Boot),
        Network::Server(server()),
        &mut net,
    );
    assert!(recovered(&r), "{}", r.verdict.sentence());
    assert_eq!(
        net.http_requested[..5],
        [
            "CTLSEP001B54780007.tlv",
            "ITLSEP001B54780007.tlv",
            "ITLFile.tlv",
            "SEP001B54780007.cnf.xml",
            "XMLDefault.cnf.xml",
        ]
    );
    assert!(net.requested.is_empty());
}
