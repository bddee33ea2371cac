//! The phone on a virtual clock, against a fake DHCP + TFTP server that can
//! lose datagrams. No socket, no sleep: time moves only when the phone says it
//! is waiting.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use dhcproto::Encodable as _;
use dhcproto::v4::{self, DhcpOption, MessageType};
use lifeline_shared::config::cnf_xml::{self, DefaultSettings, ModelLoad, PhoneSettings};
use lifeline_shared::config::mac::Mac;
use lifeline_shared::models::{self, Protocol};
use lifeline_shared::testkit::{self, SEED_IMAGE_NAMES as IMAGES};

use super::*;
use crate::dhcp::wire::ClientMessage;
use crate::simulate::report::{self, FileOutcome, Problem, Step, Verdict};
use crate::simulate::spec::{HTTP_PORT, Transport};
use crate::simulate::tftp_client::Failure;

const SERVER_IP: Ipv4Addr = Ipv4Addr::new(10, 78, 0, 1);
const MAC: Mac = Mac([0x00, 0x1b, 0x54, 0x78, 0x00, 0x07]);
const LOAD: &str = "SCCP41.8-3-3S";

fn server() -> SocketAddr {
    SocketAddr::from((SERVER_IP, 69))
}

/// A small firmware shaped like the seed: the manifests list `listed`, the
/// images are stored under `IMAGES`' names.
fn firmware(listed: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let body = testkit::manifest_body("8-3-2-27", None, listed);
    let mut files = BTreeMap::new();
    for (i, name) in IMAGES.iter().enumerate() {
        files.insert((*name).to_owned(), testkit::image(name, 1500 + 700 * i));
    }
    for m in [format!("{LOAD}.loads"), "term61.default.loads".into()] {
        files.insert(m.clone(), testkit::signed_file(&m, &body));
    }
    let xml = cnf_xml::xml_default(&DefaultSettings {
        load: LOAD.into(),
        protocol: Protocol::Sccp,
        models: vec![ModelLoad {
            device_id: 30018,
            product: "IP Phone 7961".into(),
        }],
        call_managers: vec!["10.78.0.1".into()],
    })
    .unwrap();
    files.insert("XMLDefault.cnf.xml".into(), xml.into_bytes());
    files
}

fn seed() -> BTreeMap<String, Vec<u8>> {
    firmware(&IMAGES)
}

/// The DHCP answer's TFTP fields.
#[derive(Clone)]
struct DhcpOffer {
    option150: Option<Vec<u8>>,
    option66: Option<Vec<u8>>,
    siaddr: Ipv4Addr,
}

impl Default for DhcpOffer {
    fn default() -> Self {
        DhcpOffer {
            option150: Some(SERVER_IP.octets().to_vec()),
            option66: Some(SERVER_IP.to_string().into_bytes()),
            siaddr: SERVER_IP,
        }
    }
}

/// One transfer the fake server runs: lock-step, resends only when asked
/// again (a repeated request or ACK), so the client's retransmission is what
/// recovers from loss.
struct Serving {
    data: Vec<u8>,
    tid: SocketAddr,
}

/// The fake network: a DHCP server, a TFTP server, a lossy wire.
struct FakeNet {
    files: BTreeMap<String, Vec<u8>>,
    case_insensitive: bool,
    dhcp: Option<DhcpOffer>,
    transfers: HashMap<u32, Serving>,
    next_tid: u16,
    /// Every n-th datagram (either way) is lost; 0 loses none.
    lose_every: u64,
    /// Lose everything the TFTP server sends.
    tftp_silent: bool,
    datagrams: u64,
    requested: Vec<String>,
    released: bool,
    /// What the HTTP port does (see `tests/http.rs`).
    http: http::Port,
    /// Paths asked over HTTP.
    http_requested: Vec<String>,
    /// A SIP registrar (see `tests/register.rs`).
    registrar: Option<register::Registrar>,
    /// Files whose content changes with each request: the next answer is taken at
    /// each new request, the last one stays (see `tests/running.rs`).
    scripted: BTreeMap<String, VecDeque<Vec<u8>>>,
    /// The helper's walk through a plan, deciding what each request is served (see
    /// `tests/running.rs`).
    walker: Option<lifeline_shared::plan::walk::Walker>,
    /// A file whose first request the server answers with an ERROR, as a server
    /// shutting down does.
    fail_once: Option<String>,
}

impl FakeNet {
    fn new(files: BTreeMap<String, Vec<u8>>) -> Self {
        FakeNet {
            files,
            case_insensitive: false,
            dhcp: Some(DhcpOffer::default()),
            transfers: HashMap::new(),
            next_tid: 40_000,
            lose_every: 0,
            tftp_silent: false,
            datagrams: 0,
            requested: Vec::new(),
            released: false,
            http: http::Port::Closed,
            registrar: None,
            http_requested: Vec::new(),
            scripted: BTreeMap::new(),
            walker: None,
            fail_once: None,
        }
    }

    fn lost(&mut self) -> bool {
        self.datagrams += 1;
        self.lose_every != 0 && self.datagrams.is_multiple_of(self.lose_every)
    }

    /// What the network answers to a datagram the phone sent.
    fn deliver(&mut self, t: Transmit) -> Vec<(SocketId, SocketAddr, Vec<u8>)> {
        if self.lost() {
            return Vec::new();
        }
        let answers = match t.socket {
            SocketId::Dhcp => self.dhcp_answer(&t.bytes),
            SocketId::Tftp(id) => self.tftp_answer(id, t.to, &t.bytes),
            SocketId::Http(_) => unreachable!("HTTP goes through FakeNet::http"),
            SocketId::Sip => match self.registrar.as_mut() {
                Some(r) => r.answer(t.to, &t.bytes),
                None => Vec::new(),
            },
        };
        let silent = self.tftp_silent;
        answers
            .into_iter()
            .filter(|(s, _, _)| !(silent && matches!(s, SocketId::Tftp(_))))
            .filter(|_| !self.lost())
            .collect()
    }

    fn dhcp_answer(&mut self, bytes: &[u8]) -> Vec<(SocketId, SocketAddr, Vec<u8>)> {
        let msg = ClientMessage::parse(bytes).expect("the phone sends valid DHCP");
        if msg.kind == MessageType::Release {
            self.released = true;
            return Vec::new();
        }
        let Some(offer) = self.dhcp.clone() else {
            return Vec::new();
        };
        let kind = match msg.kind {
            MessageType::Discover => MessageType::Offer,
            MessageType::Request => MessageType::Ack,
            _ => return Vec::new(),
        };
        let zero = Ipv4Addr::UNSPECIFIED;
        let mut m = v4::Message::new_with_id(
            msg.message.xid(),
            zero,
            Ipv4Addr::new(10, 78, 0, 100),
            offer.siaddr,
            zero,
            &msg.mac.0,
        );
        m.set_opcode(v4::Opcode::BootReply);
        m.opts_mut().insert(DhcpOption::MessageType(kind));
        m.opts_mut().insert(DhcpOption::ServerIdentifier(SERVER_IP));
        let mut reply = m.to_vec().unwrap();
        reply.pop();
        for (code, data) in [(150u8, &offer.option150), (66, &offer.option66)] {
            if let Some(d) = data {
                reply.push(code);
                reply.push(d.len() as u8);
                reply.extend_from_slice(d);
            }
        }
        reply.push(255);
        vec![(SocketId::Dhcp, SocketAddr::from((SERVER_IP, 67)), reply)]
    }

    fn tftp_answer(
        &mut self,
        id: u32,
        to: SocketAddr,
        bytes: &[u8],
    ) -> Vec<(SocketId, SocketAddr, Vec<u8>)> {
        use crate::tftp::packet::{ErrorCode, Packet, error_bytes};
        let block_of = |data: &[u8], n: u16| -> Vec<u8> {
            let start = (usize::from(n) - 1) * 512;
            let end = (start + 512).min(data.len());
            Packet::Data {
                block: n,
                data: &data[start.min(end)..end],
            }
            .to_vec()
            .unwrap()
        };
        match Packet::from_bytes(bytes).unwrap() {
            Packet::Rrq(r) => {
                assert_eq!(to, server(), "requests go to port 69");
                assert!(r.options.is_empty(), "a phone asks no options");
                assert_eq!(r.mode, "octet");
                let name = r.filename.to_owned();
                if !self.transfers.contains_key(&id) {
                    self.requested.push(name.clone());
                    if let Some(answers) = self.scripted.get_mut(&name) {
                        let next = if answers.len() > 1 {
                            answers.pop_front()
                        } else {
                            answers.front().cloned()
                        };
                        match next {
                            Some(data) => self.files.insert(name.clone(), data),
                            None => self.files.remove(&name),
                        };
                    }
                }
                let walked = match self.walker.as_mut() {
                    Some(w) if !self.transfers.contains_key(&id) => {
                        Some(running::walked(w, &self.files, &name))
                    }
                    _ => None,
                };
                let found = walked
                    .unwrap_or_else(|| self.files.get(&name).cloned())
                    .or_else(|| {
                        self.case_insensitive
                            .then(|| {
                                self.files
                                    .iter()
                                    .find(|(n, _)| n.eq_ignore_ascii_case(&name))
                                    .map(|(_, d)| d.clone())
                            })
                            .flatten()
                    });
                let tid = SocketAddr::from((SERVER_IP, self.next_tid));
                if self.fail_once.as_deref() == Some(name.as_str()) {
                    self.fail_once = None;
                    return vec![(
                        SocketId::Tftp(id),
                        tid,
                        error_bytes(ErrorCode::NotDefined, "the server is shutting down"),
                    )];
                }
                let Some(data) = found else {
                    return vec![(
                        SocketId::Tftp(id),
                        tid,
                        error_bytes(ErrorCode::FileNotFound, "File not found"),
                    )];
                };
                let serving = self.transfers.entry(id).or_insert_with(|| {
                    self.next_tid += 1;
                    Serving { data, tid }
                });
                vec![(SocketId::Tftp(id), serving.tid, block_of(&serving.data, 1))]
            }
            Packet::Ack { block } => {
                let s = &self.transfers[&id];
                assert_eq!(to, s.tid, "ACKs go to the server's TID");
                let blocks = s.data.len() / 512 + 1;
                if usize::from(block) >= blocks {
                    return Vec::new();
                }
                vec![(SocketId::Tftp(id), s.tid, block_of(&s.data, block + 1))]
            }
            other => panic!("the phone sent {other:?}"),
        }
    }
}

fn spec(mode: Scenario) -> PhoneSpec {
    PhoneSpec {
        model: models::model("7961").unwrap(),
        mac: MAC,
        mode,
        tftp_options: false,
        time_limit: Duration::from_secs(15 * 60),
        runs: lifeline_shared::models::Protocol::Sccp,
        transport: Transport::Tftp,
        http_port: HTTP_PORT,
        register: true,
        running: None,
    }
}

/// Runs a phone against `net` on a virtual clock; returns its report and
/// how much virtual time passed.
fn run(spec: PhoneSpec, network: Network, net: &mut FakeNet) -> (report::PhoneReport, Duration) {
    let start = Time::from_nanos(0);
    let mut now = start;
    let mut phone = Phone::new(now, spec, network);
    let mut inbox: VecDeque<(SocketId, SocketAddr, Vec<u8>)> = VecDeque::new();
    for _ in 0..1_000_000 {
        while let Some(t) = phone.poll_transmit() {
            if let SocketId::Tftp(id) | SocketId::Http(id) = t.socket {
                assert!(phone.is_live(id), "sends only through live sockets");
            }
            if let SocketId::Http(_) = t.socket {
                net.http(&mut phone, now, t);
                continue;
            }
            inbox.extend(net.deliver(t));
        }
        while let Some(name) = phone.poll_lookup() {
            let found = if name == "pbx.lan" {
                Ok(vec![Ipv4Addr::new(10, 78, 0, 5)])
            } else {
                Err("no such name".to_owned())
            };
            phone.looked_up(now, &name, found);
        }
        if let Some((socket, from, bytes)) = inbox.pop_front() {
            phone.handle(now, socket, from, &bytes);
            continue;
        }
        if phone.is_finished() {
            assert_eq!(phone.poll_timeout(), None);
            return (phone.report(now), now - start);
        }
        now = phone
            .poll_timeout()
            .expect("a phone that is not finished waits for something");
        phone.handle_timeout(now);
    }
    panic!("the phone did not finish");
}

fn recovered(r: &report::PhoneReport) -> bool {
    matches!(r.verdict, Verdict::WouldRecover { .. })
}

fn stuck(r: &report::PhoneReport) -> &report::Stuck {
    match &r.verdict {
        Verdict::WouldBeStuck(s) => s,
        other => panic!("expected stuck, got {other:?}"),
    }
}

mod http;
mod register;
mod running;

#[test]
fn recovery_asks_for_term61_then_the_images_in_order() {
    let mut net = FakeNet::new(seed());
    let (r, _) = run(spec(Scenario::Recovery), Network::Dhcp { xid: 1 }, &mut net);
    assert!(recovered(&r), "{}", r.verdict.sentence());
    let mut expected = vec!["term61.default.loads".to_owned()];
    expected.extend(IMAGES.iter().map(|s| (*s).to_owned()));
    assert_eq!(net.requested, expected);
    assert_eq!(r.tftp_server, Some((server(), TftpSource::Option150)));
    assert_eq!(
        r.lease.as_ref().unwrap().address,
        Ipv4Addr::new(10, 78, 0, 100)
    );
    assert!(net.released, "the lease is handed back");
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    assert!(
        r.files.iter().skip(1).all(|f| matches!(
            &f.outcome,
            FileOutcome::Received { signed_as: Some(n), blksize: 512, .. } if *n == f.name
        )),
        "{:?}",
        r.files
    );
}

#[test]
fn boot_mode_walks_security_files_configuration_and_load() {
    let mut net = FakeNet::new(seed());
    let (r, _) = run(spec(Scenario::Boot), Network::Server(server()), &mut net);
    assert!(recovered(&r), "{}", r.verdict.sentence());
    let mut expected: Vec<String> = [
        "CTLSEP001B54780007.tlv",
        "ITLSEP001B54780007.tlv",
        "ITLFile.tlv",
        "SEP001B54780007.cnf.xml",
        "XMLDefault.cnf.xml",
        "SCCP41.8-3-3S.loads",
    ]
    .map(str::to_owned)
    .to_vec();
    expected.extend(IMAGES.iter().map(|s| (*s).to_owned()));
    assert_eq!(net.requested, expected);
    assert!(matches!(
        &r.verdict,
        Verdict::WouldRecover { load: Some(l), images: 5, .. } if l == LOAD
    ));
    assert!(!net.released, "no lease without DHCP");
}

#[test]
fn boot_mode_prefers_the_phones_own_configuration() {
    let mut files = seed();
    let (sep, _) = cnf_xml::sep_cnf(&PhoneSettings {
        mac: MAC,
        protocol: Protocol::Sccp,
        load: LOAD.into(),
        call_managers: vec!["10.78.0.1".into()],
        sip: None,
    })
    .unwrap();
    files.insert(cnf_xml::sep_file_name(&MAC), sep.into_bytes());
    files.remove("XMLDefault.cnf.xml");
    let mut net = FakeNet::new(files);
    let (r, _) = run(spec(Scenario::Boot), Network::Server(server()), &mut net);
    assert!(recovered(&r), "{}", r.verdict.sentence());
    assert!(!net.requested.iter().any(|n| n == "XMLDefault.cnf.xml"));
}

#[test]
fn a_missing_image_is_named_with_its_step() {
    let mut files = seed();
    files.remove("cnu41.8-3-2-27.sbn");
    let mut net = FakeNet::new(files);
    let (r, _) = run(spec(Scenario::Recovery), Network::Dhcp { xid: 1 }, &mut net);
    let s = stuck(&r);
    assert_eq!(s.file.as_deref(), Some("cnu41.8-3-2-27.sbn"));
    assert_eq!(
        s.step,
        Step::Image {
            index: 2,
            of: 5,
            manifest: "term61.default.loads".into()
        }
    );
    assert_eq!(
        r.verdict.sentence(),
        "would be stuck: cnu41.8-3-2-27.sbn not found on the TFTP server 10.78.0.1 \
         (image 2 of 5 listed by term61.default.loads). Serve the complete firmware whose \
         manifest lists `cnu41.8-3-2-27.sbn` (every file of its zip, names unchanged), then \
         reset the phone again."
    );
    assert_eq!(
        net.requested.last().map(String::as_str),
        Some("cnu41.8-3-2-27.sbn"),
        "nothing is fetched after the problem"
    );
    assert!(net.released);
}

#[test]
fn a_capital_jar_needs_an_alias_or_a_case_insensitive_server() {
    let mut listed = IMAGES;
    listed[0] = "Jar41sccp.8-3-2-27.sbn";
    let mut net = FakeNet::new(firmware(&listed));
    let (r, _) = run(
        spec(Scenario::Recovery),
        Network::Server(server()),
        &mut net,
    );
    let s = stuck(&r);
    assert_eq!(s.file.as_deref(), Some("Jar41sccp.8-3-2-27.sbn"));
    assert!(
        r.verdict.sentence().contains("capital letter"),
        "{}",
        r.verdict.sentence()
    );

    let mut net = FakeNet::new(firmware(&listed));
    net.case_insensitive = true;
    let (r, _) = run(
        spec(Scenario::Recovery),
        Network::Server(server()),
        &mut net,
    );
    assert!(recovered(&r), "{}", r.verdict.sentence());
    assert!(
        r.notes.iter().any(|n| n.contains("differ only in case")),
        "{:?}",
        r.notes
    );
}

#[test]
fn a_file_stored_under_another_name_is_refused() {
    let mut files = seed();
    let term41 = testkit::signed_file(
        "term41.default.loads",
        &testkit::manifest_body("8-3-2-27", None, &IMAGES),
    );
    files.insert("term61.default.loads".into(), term41);
    let mut net = FakeNet::new(files);
    let (r, _) = run(
        spec(Scenario::Recovery),
        Network::Server(server()),
        &mut net,
    );
    let s = stuck(&r);
    assert_eq!(s.step, Step::RecoveryManifest);
    assert!(
        matches!(&s.problem, Problem::WrongName { embedded } if embedded == "term41.default.loads")
    );
}

#[test]
fn a_manifest_for_another_family_is_refused() {
    let mut net = FakeNet::new(firmware(&[
        "jar42sccp.8-3-2-27.sbn",
        "cnu42.8-3-2-27.sbn",
        "apps42.8-3-2-27.sbn",
        "dsp42.8-3-2-27.sbn",
        "cvm42sccp.8-3-2-27.sbn",
    ]));
    let (r, _) = run(
        spec(Scenario::Recovery),
        Network::Server(server()),
        &mut net,
    );
    assert!(
        r.verdict.sentence().contains(
            "lists jar42sccp.8-3-2-27.sbn, an image for the 7942/7962, which a 7961 refuses"
        ),
        "{}",
        r.verdict.sentence()
    );
}

#[test]
fn xmldefault_without_the_device_id_is_named() {
    let mut files = seed();
    let xml = cnf_xml::xml_default(&DefaultSettings {
        load: LOAD.into(),
        protocol: Protocol::Sccp,
        models: vec![ModelLoad {
            device_id: 115,
            product: "IP Phone 7941".into(),
        }],
        call_managers: vec!["10.78.0.1".into()],
    })
    .unwrap();
    files.insert("XMLDefault.cnf.xml".into(), xml.into_bytes());
    let mut net = FakeNet::new(files);
    let (r, _) = run(spec(Scenario::Boot), Network::Server(server()), &mut net);
    assert_eq!(
        r.verdict.sentence(),
        "would be stuck: XMLDefault.cnf.xml has no entry for device 30018 \
         (loadInformation30018, the IP Phone 7961); it has loadInformation115 \
         model=\"IP Phone 7941\" (SCCP41.8-3-3S). Serve the firmware for the 7941/7961 \
         (cmterm-7941_7961…) with a configuration that names its load (in Lifeline: choose \
         it in step 1 and send it), then reset the phone."
    );

    let mut files = seed();
    files.remove("XMLDefault.cnf.xml");
    let mut net = FakeNet::new(files);
    let (r, _) = run(spec(Scenario::Boot), Network::Server(server()), &mut net);
    assert_eq!(stuck(&r).problem.code(), "no-config");
}

#[test]
fn five_percent_loss_costs_time_not_the_verdict() {
    for mode in [Scenario::Recovery, Scenario::Boot] {
        let mut clean = FakeNet::new(seed());
        let (r, clean_time) = run(spec(mode), Network::Dhcp { xid: 3 }, &mut clean);
        assert!(recovered(&r));
        let mut lossy = FakeNet::new(seed());
        lossy.lose_every = 20;
        let (r, lossy_time) = run(spec(mode), Network::Dhcp { xid: 3 }, &mut lossy);
        assert!(recovered(&r), "{}", r.verdict.sentence());
        let resent: u32 = r.files.iter().map(|f| f.retransmissions).sum();
        assert!(resent > 0, "loss was recovered by retransmission");
        assert!(lossy_time > clean_time);
        assert_eq!(lossy.requested, clean.requested, "the same files, in order");
    }
}

#[test]
fn a_silent_tftp_server_is_given_up_on_in_bounded_time() {
    let mut net = FakeNet::new(seed());
    net.tftp_silent = true;
    let (r, elapsed) = run(spec(Scenario::Recovery), Network::Dhcp { xid: 1 }, &mut net);
    let s = stuck(&r);
    assert_eq!(s.file.as_deref(), Some("term61.default.loads"));
    assert!(matches!(
        &s.problem,
        Problem::Transfer {
            failure: Failure::NoAnswer { tries: 6, .. },
            ..
        }
    ));
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
}

#[test]
fn dhcp_problems_are_named() {
    let mut net = FakeNet::new(seed());
    net.dhcp = None;
    let (r, elapsed) = run(spec(Scenario::Recovery), Network::Dhcp { xid: 1 }, &mut net);
    assert_eq!(stuck(&r).problem.code(), "no-dhcp-offer");
    assert_eq!(elapsed, Duration::from_secs(60));
    assert!(net.requested.is_empty());

    let mut net = FakeNet::new(seed());
    net.dhcp = Some(DhcpOffer {
        option150: None,
        option66: None,
        siaddr: Ipv4Addr::UNSPECIFIED,
    });
    let (r, _) = run(spec(Scenario::Recovery), Network::Dhcp { xid: 1 }, &mut net);
    assert_eq!(stuck(&r).problem.code(), "no-tftp-server");
    assert!(
        r.verdict.sentence().contains("no option 150"),
        "{}",
        r.verdict.sentence()
    );

    // Option 66 alone: the phone recovers, and the report says what it used.
    let mut net = FakeNet::new(seed());
    net.dhcp = Some(DhcpOffer {
        option150: None,
        siaddr: Ipv4Addr::UNSPECIFIED,
        ..DhcpOffer::default()
    });
    let (r, _) = run(spec(Scenario::Recovery), Network::Dhcp { xid: 1 }, &mut net);
    assert!(recovered(&r));
    assert_eq!(r.tftp_server, Some((server(), TftpSource::Option66)));
    assert!(r.notes[0].contains("no option 150"), "{:?}", r.notes);

    // A host name in option 66: the simulator says it cannot follow it, and
    // still hands the lease back.
    let mut net = FakeNet::new(seed());
    net.dhcp = Some(DhcpOffer {
        option150: None,
        option66: Some(b"tftp.example".to_vec()),
        siaddr: Ipv4Addr::UNSPECIFIED,
    });
    let (r, _) = run(spec(Scenario::Recovery), Network::Dhcp { xid: 1 }, &mut net);
    assert!(
        matches!(&r.verdict, Verdict::CouldNotRun { reason } if reason.contains("`tftp.example`")),
        "{:?}",
        r.verdict
    );
    assert!(net.released && net.requested.is_empty());
}

#[test]
fn the_time_limit_ends_everything() {
    let mut net = FakeNet::new(seed());
    net.lose_every = 2;
    let mut s = spec(Scenario::Recovery);
    s.time_limit = Duration::from_secs(20);
    let (r, elapsed) = run(s, Network::Dhcp { xid: 1 }, &mut net);
    assert!(
        elapsed <= Duration::from_secs(20) + Patience::PHONE.dally,
        "{elapsed:?}"
    );
    assert!(!recovered(&r));
}

#[test]
fn could_not_run_stands_and_stops_the_phone() {
    let now = Time::from_nanos(0);
    let mut phone = Phone::new(now, spec(Scenario::Recovery), Network::Dhcp { xid: 1 });
    assert!(phone.poll_transmit().is_some(), "the first DISCOVER");
    phone.could_not_run(now, "port 68 is in use".into());
    assert!(phone.is_finished());
    assert_eq!(
        phone.verdict().unwrap().sentence(),
        "could not run: port 68 is in use"
    );
}

use crate::simulate::tftp_client::Patience;

mod boot79;
#[path = "family_tests.rs"]
mod family_tests;
