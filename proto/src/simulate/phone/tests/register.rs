//! Boot mode's SIP registration against a registrar played here: digest
//! challenge, wrong password, wrong realm, no answer, a proxy name that does
//! or does not resolve, and the phones that register nothing.

use std::collections::HashMap;

use lifeline_shared::config::cnf_xml::{SipLine, SipSettings};

use super::*;
use crate::simulate::sip::digest::{self, Challenge};

const PROXY_IP: Ipv4Addr = Ipv4Addr::new(10, 78, 0, 5);

/// A registrar at `PROXY_IP:5060` that knows one user.
pub(super) struct Registrar {
    user: String,
    password: String,
    /// The realm it challenges with.
    realm: String,
    /// The realm its stored credentials are for (another: a wrong realm).
    stored_realm: String,
    pub(super) registers: usize,
}

impl Registrar {
    fn new(user: &str, password: &str) -> Self {
        Registrar {
            user: user.into(),
            password: password.into(),
            realm: PROXY_IP.to_string(),
            stored_realm: PROXY_IP.to_string(),
            registers: 0,
        }
    }

    pub(super) fn answer(
        &mut self,
        to: SocketAddr,
        bytes: &[u8],
    ) -> Vec<(SocketId, SocketAddr, Vec<u8>)> {
        if to != SocketAddr::from((PROXY_IP, 5060)) {
            return Vec::new();
        }
        self.registers += 1;
        let text = String::from_utf8(bytes.to_vec()).expect("a REGISTER is text");
        assert!(text.starts_with("REGISTER sip:"), "{text}");
        let h: HashMap<String, String> = text
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(": "))
            .map(|(k, v)| (k.to_ascii_lowercase(), v.to_owned()))
            .collect();
        let ok = h.get("authorization").is_some_and(|a| {
            let p: HashMap<String, String> = digest::params(a.strip_prefix("Digest ").unwrap())
                .unwrap()
                .into_iter()
                .collect();
            let stored = Challenge::parse(&format!(
                "Digest realm=\"{}\", nonce=\"{}\", qop=\"auth\"",
                self.stored_realm, p["nonce"]
            ))
            .unwrap();
            p["username"] == self.user
                && stored.response(
                    &self.user,
                    &self.password,
                    "REGISTER",
                    &p["uri"],
                    &p["cnonce"],
                    &p["nc"],
                ) == p["response"]
        });
        let status = if ok {
            "200 OK".to_owned()
        } else {
            format!(
                "401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"{}\", nonce=\"n{}\", qop=\"auth\"",
                self.realm, self.registers
            )
        };
        let reply = format!(
            "SIP/2.0 {status}\r\nVia: {}\r\nFrom: {}\r\nTo: {};tag=r\r\nCall-ID: {}\r\nCSeq: {}\r\n\
             Contact: {};expires=3600\r\nContent-Length: 0\r\n\r\n",
            h["via"], h["from"], h["to"], h["call-id"], h["cseq"], h["contact"]
        );
        vec![(SocketId::Sip, to, reply.into_bytes())]
    }
}

/// The seed firmware, and a `SEP<MAC>.cnf.xml` whose line 1 is `1001` with
/// `password` at `proxy`.
fn with_line(proxy: &str, password: &str) -> BTreeMap<String, Vec<u8>> {
    let mut files = seed();
    let (xml, _) = cnf_xml::sep_cnf(&PhoneSettings {
        mac: MAC,
        protocol: Protocol::Sip,
        load: LOAD.into(),
        call_managers: vec![SERVER_IP.to_string()],
        sip: Some(SipSettings {
            proxy: proxy.into(),
            port: 5060,
            lines: vec![SipLine {
                display_name: "Desk".into(),
                user: "1001".into(),
                auth_name: "1001".into(),
                auth_password: password.into(),
            }],
        }),
    })
    .unwrap();
    files.insert(cnf_xml::sep_file_name(&MAC), xml.into_bytes());
    files
}

fn boot(net: &mut FakeNet) -> (report::PhoneReport, Duration) {
    run(spec(Scenario::Boot), Network::Dhcp { xid: 7 }, net)
}

#[test]
fn a_booted_phone_registers_its_first_line_with_the_digest() {
    let mut net = FakeNet::new(with_line(&PROXY_IP.to_string(), "pw1001"));
    net.registrar = Some(Registrar::new("1001", "pw1001"));
    let (r, _) = boot(&mut net);
    match &r.verdict {
        Verdict::WouldRecover { registered, .. } => {
            assert_eq!(registered.as_deref(), Some("1001 at 10.78.0.5:5060"));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        r.verdict
            .sentence()
            .ends_with("; would register as 1001 at 10.78.0.5:5060")
    );
    assert_eq!(
        net.registrar.as_ref().unwrap().registers,
        2,
        "challenged, then answered"
    );
    assert_eq!(report::exit_code(std::slice::from_ref(&r)), 0);
}

#[test]
fn a_wrong_password_is_named_as_such() {
    let mut net = FakeNet::new(with_line(&PROXY_IP.to_string(), "wrong"));
    net.registrar = Some(Registrar::new("1001", "pw1001"));
    let (r, _) = boot(&mut net);
    let s = stuck(&r);
    assert_eq!(s.step, Step::Register);
    assert!(matches!(
        &s.problem,
        Problem::SipRefused {
            status: 401,
            realm: Some(_),
            ..
        }
    ));
    assert_eq!(s.problem.code(), "sip-refused");
    let words = r.verdict.sentence();
    assert!(
        words.contains("refused the credentials of `1001` (401 Unauthorized)"),
        "{words}"
    );
    assert!(!words.contains("realm"), "{words}");
    assert_eq!(report::exit_code(std::slice::from_ref(&r)), 1);
}

#[test]
fn a_wrong_realm_is_named() {
    let mut net = FakeNet::new(with_line(&PROXY_IP.to_string(), "pw1001"));
    let mut registrar = Registrar::new("1001", "pw1001");
    registrar.realm = "pbx.example".into();
    registrar.stored_realm = "pbx.example.old".into();
    net.registrar = Some(registrar);
    let (r, _) = boot(&mut net);
    let words = r.verdict.sentence();
    assert!(
        words.contains("the registrar's realm is `pbx.example`, not `10.78.0.5`"),
        "{words}"
    );
}

#[test]
fn a_proxy_that_does_not_answer_is_no_answer_after_timer_f() {
    let mut net = FakeNet::new(with_line(&PROXY_IP.to_string(), "pw1001"));
    let (r, _) = boot(&mut net);
    let s = stuck(&r);
    assert!(
        matches!(&s.problem, Problem::SipNoAnswer { requests: 1, waited_s: 32, proxy } if proxy == "10.78.0.5:5060"),
        "{:?}",
        s.problem
    );
    assert!(
        r.verdict
            .sentence()
            .contains("no answer from the SIP proxy 10.78.0.5:5060")
    );
}

#[test]
fn a_proxy_name_is_looked_up_and_one_that_does_not_resolve_is_named() {
    let mut net = FakeNet::new(with_line("pbx.lan", "pw1001"));
    net.registrar = Some(Registrar::new("1001", "pw1001"));
    let (r, _) = boot(&mut net);
    match &r.verdict {
        Verdict::WouldRecover { registered, .. } => {
            assert_eq!(
                registered.as_deref(),
                Some("1001 at pbx.lan (10.78.0.5:5060)")
            );
        }
        other => panic!("{other:?}"),
    }

    let mut net = FakeNet::new(with_line("nowhere.lan", "pw1001"));
    let (r, _) = boot(&mut net);
    let s = stuck(&r);
    assert_eq!(
        s.problem,
        Problem::SipUnresolved {
            name: "nowhere.lan".into(),
            error: "no such name".into()
        }
    );
    assert!(
        r.verdict
            .sentence()
            .contains("the SIP proxy `nowhere.lan` does not resolve")
    );
}

#[test]
fn registration_off_sccp_and_recovery_register_nothing() {
    let mut off = spec(Scenario::Boot);
    off.register = false;
    let mut net = FakeNet::new(with_line(&PROXY_IP.to_string(), "pw1001"));
    net.registrar = Some(Registrar::new("1001", "pw1001"));
    let (r, _) = run(off, Network::Dhcp { xid: 7 }, &mut net);
    assert!(matches!(
        r.verdict,
        Verdict::WouldRecover {
            registered: None,
            ..
        }
    ));
    assert_eq!(net.registrar.as_ref().unwrap().registers, 0);

    // The seed's XMLDefault.cnf.xml is SCCP.
    let mut net = FakeNet::new(seed());
    net.registrar = Some(Registrar::new("1001", "pw1001"));
    let (r, _) = boot(&mut net);
    assert!(matches!(
        r.verdict,
        Verdict::WouldRecover {
            registered: None,
            ..
        }
    ));
    assert!(r.notes.iter().any(|n| n.contains("SCCP")), "{:?}", r.notes);
    assert_eq!(net.registrar.as_ref().unwrap().registers, 0);

    let mut net = FakeNet::new(with_line(&PROXY_IP.to_string(), "pw1001"));
    net.registrar = Some(Registrar::new("1001", "pw1001"));
    let (r, _) = run(spec(Scenario::Recovery), Network::Dhcp { xid: 7 }, &mut net);
    assert!(matches!(
        r.verdict,
        Verdict::WouldRecover {
            registered: None,
            ..
        }
    ));
    assert_eq!(net.registrar.as_ref().unwrap().registers, 0);
}

#[test]
fn a_phone_given_its_load_registers_once_up_on_the_load_named() {
    let mut net = FakeNet::new(with_line(&PROXY_IP.to_string(), "pw1001"));
    net.registrar = Some(Registrar::new("1001", "pw1001"));
    let spec = PhoneSpec {
        running: lifeline_shared::plan::Running::parse("8.0(4)", Protocol::Sip),
        ..spec(Scenario::Boot)
    };
    let (r, _) = run(spec, Network::Dhcp { xid: 7 }, &mut net);
    match &r.verdict {
        Verdict::Upgrade(u) => {
            assert_eq!(u.ran, ["8.0(4)", "8.3(3)"]);
            assert_eq!(u.registered.as_deref(), Some("1001 at 10.78.0.5:5060"));
        }
        other => panic!("{}", other.sentence()),
    }
    assert_eq!(
        r.verdict.sentence(),
        "is now on 8.3(3) (SCCP41.8-3-3S): ran 8.0(4) → 8.3(3) in 2 boots; would register \
         as 1001 at 10.78.0.5:5060"
    );
    // Registered once up: its configuration is not asked for a third time.
    let own = cnf_xml::sep_file_name(&MAC);
    assert_eq!(net.requested.iter().filter(|n| **n == own).count(), 2);
    assert_eq!(report::exit_code(std::slice::from_ref(&r)), 0);
}
