//! The page's "Try with simulated phones", against the real binary: the
//! websocket's `simulate-phones` boots the served bundle's phones in the
//! helper, against its own TFTP server, and each card gets whom the phone
//! registers as (from the file served) and the simulation's verdict: one
//! registered with a registrar on loopback, one whose proxy name does not
//! resolve, one SCCP. Refusals (no bundle, a run already going) come back as
//! `simulation` errors. No password reaches the page.

mod simulate_support;

use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::sync::mpsc;
use std::time::Duration;

use lifeline_shared::config::cnf_xml::{self, PhoneSettings, SipLine, SipSettings};
use lifeline_shared::config::mac::Mac;
use lifeline_shared::config::registers::Registers;
use lifeline_shared::events::{Event, PhoneSummary, SimulatedOutcome};
use lifeline_shared::models::Protocol;
use lifeline_shared::protocol::{ClientMessage, ErrorCode, ServerMessage, VERSION};
use lifeline_shared::testkit;
use lifeline_tests::Server;
use tungstenite::{Message, WebSocket, stream::MaybeTlsStream};

type Ws = WebSocket<MaybeTlsStream<TcpStream>>;

const PASSWORD: &str = "pw-page-sim-never-sent";
/// The guard against a hung helper; every wait ends on a message first.
const GUARD: Duration = Duration::from_secs(120);

fn connect(server: &Server) -> Ws {
    let url = format!(
        "ws://{}/ws?token={}",
        server.addr,
        server.token.as_deref().unwrap()
    );
    let (mut ws, _) = tungstenite::connect(url).expect("the websocket opens");
    if let MaybeTlsStream::Plain(s) = ws.get_ref() {
        s.set_read_timeout(Some(GUARD)).unwrap();
    }
    send(
        &mut ws,
        &ClientMessage::Hello {
            version: VERSION,
            client: "test".into(),
        },
    );
    ws
}

fn send(ws: &mut Ws, m: &ClientMessage) {
    ws.send(Message::text(serde_json::to_string(m).unwrap()))
        .unwrap();
}

/// The next message as text and as read.
fn next(ws: &mut Ws) -> (String, ServerMessage) {
    loop {
        match ws.read().expect("the helper answers in time") {
            Message::Text(t) => {
                let m = serde_json::from_str(t.as_str()).unwrap();
                return (t.as_str().to_owned(), m);
            }
            Message::Close(f) => panic!("closed: {f:?}"),
            _ => {}
        }
    }
}

/// A registrar on loopback that answers each REGISTER 200 OK, once `go`
/// says so (until then it holds them: the phone retransmits).
fn registrar(go: mpsc::Receiver<()>) -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        let mut open = false;
        loop {
            let Ok((n, from)) = socket.recv_from(&mut buf) else {
                return;
            };
            if !open {
                if go.recv_timeout(GUARD).is_err() {
                    return;
                }
                open = true;
            }
            let request = String::from_utf8_lossy(&buf[..n]).into_owned();
            let header = |name: &str| {
                request
                    .lines()
                    .find(|l| {
                        l.split(':')
                            .next()
                            .is_some_and(|h| h.trim().eq_ignore_ascii_case(name))
                    })
                    .map(|l| l.trim_end().to_owned())
            };
            let mut reply = String::from("SIP/2.0 200 OK\r\n");
            for name in ["Via", "From", "Call-ID", "CSeq"] {
                if let Some(h) = header(name) {
                    reply.push_str(&h);
                    reply.push_str("\r\n");
                }
            }
            if let Some(to) = header("To") {
                reply.push_str(&format!("{to};tag=registrar1\r\n"));
            }
            reply.push_str("Content-Length: 0\r\n\r\n");
            let _ = socket.send_to(reply.as_bytes(), from);
        }
    });
    addr
}

fn mac(n: u8) -> Mac {
    Mac([0x00, 0x1b, 0x54, 0x00, 0x20, n])
}

fn sep_with_line(m: Mac, proxy: &str, port: u16) -> String {
    cnf_xml::sep_cnf(&PhoneSettings {
        mac: m,
        protocol: Protocol::Sip,
        load: testkit::SEED_LOAD.into(),
        call_managers: vec!["127.0.0.1".into()],
        sip: Some(SipSettings {
            proxy: proxy.into(),
            port,
            lines: vec![SipLine {
                display_name: "Desk".into(),
                user: "1001".into(),
                auth_name: "1001".into(),
                auth_password: PASSWORD.into(),
            }],
        }),
    })
    .unwrap()
    .0
}

#[test]
fn the_page_s_simulation_registers_the_bundle_s_phones_and_says_so_on_their_cards() {
    let dir = simulate_support::tempdir();
    let phones: Vec<String> = (1..=3).map(|n| mac(n).to_string()).collect();
    let root = simulate_support::bundle(
        dir.path(),
        "seed.zip",
        &testkit::seed_zip(),
        "127.0.0.1",
        &phones,
    );
    let (go, held) = mpsc::channel();
    let proxy = registrar(held);
    // Phone 1 registers on loopback, phone 2's proxy does not resolve,
    // phone 3 keeps the bundle's SCCP file.
    std::fs::write(
        root.join(cnf_xml::sep_file_name(&mac(1))),
        sep_with_line(mac(1), "127.0.0.1", proxy.port()),
    )
    .unwrap();
    std::fs::write(
        root.join(cnf_xml::sep_file_name(&mac(2))),
        sep_with_line(mac(2), "nothing.invalid", 5060),
    )
    .unwrap();
    let server = Server::start_with(&[
        "--http-listen",
        "127.0.0.1:0",
        "--root",
        root.to_str().unwrap(),
    ]);
    server.wait_for_tftp();
    let mut ws = connect(&server);
    send(&mut ws, &ClientMessage::SimulatePhones);
    // A second run while the first goes on is refused, and says why.
    send(&mut ws, &ClientMessage::SimulatePhones);
    let mut texts = Vec::new();
    let mut started = None;
    let mut verdicts = Vec::new();
    let mut served = false;
    let mut cards: std::collections::BTreeMap<String, PhoneSummary> = Default::default();
    let mut refused = None;
    let mut finished = false;
    // Until the run's end and each card's verdict (the cards come from the
    // tracker, which folds the same events on its own task).
    let judged = |cards: &std::collections::BTreeMap<String, PhoneSummary>| {
        (1..=3).all(|n| {
            cards.get(&format!("SEP{}", mac(n))).is_some_and(|c| {
                c.registers.is_some()
                    && c.simulation
                        .as_ref()
                        .is_some_and(|s| s.outcome != SimulatedOutcome::Running)
            })
        })
    };
    while !(finished && judged(&cards)) {
        let (text, m) = next(&mut ws);
        texts.push(text);
        match m {
            ServerMessage::Error {
                code: ErrorCode::Simulation,
                message,
                ..
            } => {
                refused = Some(message);
                // Now the registrar may answer.
                go.send(()).unwrap();
            }
            ServerMessage::Event(Event::SimulationStarted(s)) => started = Some(s),
            ServerMessage::Event(Event::SimulationVerdict(v)) => verdicts.push(v),
            ServerMessage::Event(Event::ConfigServed(_)) => served = true,
            ServerMessage::Event(Event::SimulationFinished(f)) => {
                assert_eq!(
                    (f.phones, f.registered, f.nothing_to_register, f.failed),
                    (3, 1, 1, 1)
                );
                finished = true;
            }
            ServerMessage::Phone(p) => {
                cards.insert(p.id.clone(), p);
            }
            _ => {}
        }
    }
    let refused = refused.expect("the second run was refused");
    assert!(refused.contains("already running"), "{refused}");
    let started = started.expect("the run was announced");
    let sources: Vec<String> = started
        .phones
        .iter()
        .map(|p| p.source.to_string())
        .collect();
    assert_eq!(sources, ["127.0.100.2", "127.0.100.3", "127.0.100.4"]);
    assert!(started.phones.iter().all(|p| p.model == "7961"));

    let verdict = |n: u8| {
        verdicts
            .iter()
            .find(|v| v.mac == mac(n).to_string())
            .unwrap_or_else(|| panic!("no verdict for phone {n}: {verdicts:?}"))
            .result
            .clone()
    };
    let one = verdict(1);
    assert_eq!(one.outcome, SimulatedOutcome::Registered, "{one:?}");
    assert_eq!(
        one.sentence,
        format!("would register as 1001 at 127.0.0.1:{}", proxy.port())
    );
    let two = verdict(2);
    assert_eq!(two.outcome, SimulatedOutcome::Stuck, "{two:?}");
    assert_eq!(two.code.as_deref(), Some("sip-proxy-unresolved"));
    assert!(
        two.sentence.contains("`nothing.invalid` does not resolve"),
        "{}",
        two.sentence
    );
    let three = verdict(3);
    assert_eq!(
        three.outcome,
        SimulatedOutcome::NothingToRegister,
        "{three:?}"
    );
    assert!(three.sentence.contains("SCCP"), "{}", three.sentence);

    // Whom each registers as comes on its card, not as an event.
    assert!(!served, "config-served is the tracker's own");

    // The cards: by MAC, marked as a simulation, never as the phone's own doing.
    let card = |n: u8| {
        cards
            .get(&format!("SEP{}", mac(n)))
            .unwrap_or_else(|| panic!("no card for phone {n}: {:?}", cards.keys()))
    };
    let c1 = card(1);
    let r1 = c1.registers.as_ref().unwrap();
    assert_eq!(
        (r1.file.as_str(), r1.own, r1.words.clone()),
        (
            cnf_xml::sep_file_name(&mac(1)).as_str(),
            true,
            format!("Registers as 1001 at 127.0.0.1:{}", proxy.port())
        )
    );
    assert_eq!(
        card(2).registers.as_ref().unwrap().words,
        "Registers as 1001 at nothing.invalid:5060"
    );
    assert_eq!(
        c1.simulation.as_ref().unwrap().outcome,
        SimulatedOutcome::Registered
    );
    assert_eq!(c1.address, None);
    assert!(c1.files.is_empty(), "{:?}", c1.files);
    assert_eq!(
        card(3).registers.as_ref().unwrap().words,
        Registers::Sccp.sentence()
    );
    assert!(
        !cards.keys().any(|k| k.starts_with("127.")),
        "a simulated phone got a card of its own: {:?}",
        cards.keys()
    );
    // The password is in the served file, never in a message to the page.
    assert!(texts.iter().all(|t| !t.contains(PASSWORD)));
}

#[test]
fn without_a_bundle_the_simulation_is_refused_with_what_to_do() {
    let server = Server::start();
    let mut ws = connect(&server);
    send(&mut ws, &ClientMessage::SimulatePhones);
    loop {
        if let (_, ServerMessage::Error { code, message, .. }) = next(&mut ws) {
            assert_eq!(code, ErrorCode::Simulation);
            assert!(message.contains("serves no bundle"), "{message}");
            assert!(message.contains("step 4"), "{message}");
            break;
        }
    }
}
