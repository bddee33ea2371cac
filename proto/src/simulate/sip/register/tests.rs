use std::collections::HashMap;

use super::*;
use crate::simulate::sip::digest;

const REALM: &str = "10.0.0.5";

fn creds(password: &str) -> Credentials {
    Credentials {
        user: "1001".into(),
        auth_name: "1001".into(),
        password: password.into(),
        display: Some("Desk".into()),
        domain: "10.0.0.5".into(),
        expires: 3600,
    }
}

fn start(password: &str) -> (Registration, Time) {
    let now = Time::from_nanos(1_000_000_000);
    let r = Registration::new(
        now,
        creds(password),
        "10.0.0.9:5060".into(),
        "Cisco-CP8841".into(),
        42,
    );
    (r, now)
}

/// A request's headers by lower-case name.
fn headers(req: &[u8]) -> HashMap<String, String> {
    String::from_utf8(req.to_vec())
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_owned()))
        .collect()
}

/// A response to `req`, as a registrar writes it.
fn answer(req: &[u8], status: &str, extra: &[String]) -> Vec<u8> {
    let h = headers(req);
    let mut s = format!("SIP/2.0 {status}\r\n");
    for name in ["via", "from", "call-id", "cseq"] {
        s.push_str(&format!("{name}: {}\r\n", h[name]));
    }
    s.push_str(&format!("To: {};tag=reg\r\n", h["to"]));
    for e in extra {
        s.push_str(e);
        s.push_str("\r\n");
    }
    s.push_str("Content-Length: 0\r\n\r\n");
    s.into_bytes()
}

/// Whether `req` answers a challenge with `password`, as a registrar checks it.
fn verify(req: &[u8], header: &str, nonce: &str, password: &str) -> bool {
    let h = headers(req);
    let Some(auth) = h.get(header) else {
        return false;
    };
    let p: HashMap<String, String> = digest::params(auth.strip_prefix("Digest ").unwrap())
        .unwrap()
        .into_iter()
        .collect();
    let challenge = Challenge::parse(&format!(
        "Digest realm=\"{}\", nonce=\"{}\", algorithm={}{}",
        p["realm"],
        p["nonce"],
        p["algorithm"],
        if p.contains_key("qop") {
            ", qop=\"auth\""
        } else {
            ""
        }
    ))
    .unwrap();
    let none = String::new();
    p["nonce"] == nonce
        && p["uri"] == "sip:10.0.0.5"
        && challenge.response(
            &p["username"],
            password,
            "REGISTER",
            &p["uri"],
            p.get("cnonce").unwrap_or(&none),
            p.get("nc").unwrap_or(&none),
        ) == p["response"]
}

fn www(nonce: &str, extra: &str) -> String {
    format!("WWW-Authenticate: Digest realm=\"{REALM}\", nonce=\"{nonce}\"{extra}")
}

#[test]
fn unanswered_registers_follow_timers_e_and_f() {
    let (mut r, t0) = start("secret");
    let mut sent_at = Vec::new();
    let mut now = t0;
    while r.outcome().is_none() {
        while r.poll_transmit().is_some() {
            sent_at.push(now.saturating_duration_since(t0).as_millis());
        }
        now = r.poll_timeout().expect("a timer runs until the outcome");
        r.handle_timeout(now);
    }
    assert_eq!(
        sent_at,
        [
            0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500
        ]
    );
    assert_eq!(
        r.outcome(),
        Some(&Outcome::NoAnswer {
            requests: 1,
            waited: TIMER_F
        })
    );
    assert_eq!(r.poll_timeout(), None);
}

#[test]
fn a_401_with_qop_auth_is_answered_and_the_phone_registers() {
    let (mut r, now) = start("secret");
    let first = r.poll_transmit().unwrap();
    assert!(!headers(&first).contains_key("authorization"));
    r.handle(
        now,
        &answer(&first, "401 Unauthorized", &[www("n1", ", qop=\"auth\"")]),
    );
    let second = r.poll_transmit().expect("the answer to the challenge");
    assert!(verify(&second, "authorization", "n1", "secret"));
    assert!(headers(&second)["authorization"].contains("qop=auth, nc=00000001"));
    assert_eq!(headers(&second)["cseq"], "2 REGISTER");
    assert_eq!(headers(&first)["call-id"], headers(&second)["call-id"]);
    assert_ne!(headers(&first)["via"], headers(&second)["via"]);
    r.handle(
        now,
        &answer(
            &second,
            "200 OK",
            &["Contact: <sip:1001@10.0.0.9:5060;transport=udp>;expires=600".into()],
        ),
    );
    assert_eq!(
        r.outcome(),
        Some(&Outcome::Registered { expires: Some(600) })
    );
    assert_eq!(r.requests(), 2);
    assert_eq!(r.poll_timeout(), None);
}

#[test]
fn md5_without_qop_is_answered_without_cnonce() {
    let (mut r, now) = start("secret");
    let first = r.poll_transmit().unwrap();
    r.handle(now, &answer(&first, "401 Unauthorized", &[www("n2", "")]));
    let second = r.poll_transmit().unwrap();
    assert!(verify(&second, "authorization", "n2", "secret"));
    assert!(!headers(&second)["authorization"].contains("cnonce"));
}

#[test]
fn sha_256_is_chosen_when_the_registrar_offers_it_with_md5() {
    let (mut r, now) = start("secret");
    let first = r.poll_transmit().unwrap();
    r.handle(
        now,
        &answer(
            &first,
            "401 Unauthorized",
            &[
                www("n3", ", algorithm=MD5, qop=\"auth\""),
                www("n3", ", algorithm=SHA-256, qop=\"auth\""),
            ],
        ),
    );
    let second = r.poll_transmit().unwrap();
    assert!(headers(&second)["authorization"].contains("algorithm=SHA-256"));
    assert!(verify(&second, "authorization", "n3", "secret"));
}

#[test]
fn a_second_401_means_the_password_is_wrong() {
    let (mut r, now) = start("wrong");
    let first = r.poll_transmit().unwrap();
    r.handle(now, &answer(&first, "401 Unauthorized", &[www("n4", "")]));
    let second = r.poll_transmit().unwrap();
    assert!(!verify(&second, "authorization", "n4", "secret"));
    r.handle(now, &answer(&second, "401 Unauthorized", &[www("n5", "")]));
    assert_eq!(
        r.outcome(),
        Some(&Outcome::Refused {
            status: 401,
            reason: "Unauthorized".into(),
            auth_name: "1001".into(),
            realm: Some(REALM.into()),
        })
    );
    assert_eq!(r.poll_transmit(), None);
}

#[test]
fn a_stale_nonce_is_answered_again_once() {
    let (mut r, now) = start("secret");
    let first = r.poll_transmit().unwrap();
    r.handle(now, &answer(&first, "401 Unauthorized", &[www("n6", "")]));
    let second = r.poll_transmit().unwrap();
    r.handle(
        now,
        &answer(&second, "401 Unauthorized", &[www("n7", ", stale=true")]),
    );
    let third = r
        .poll_transmit()
        .expect("a fresh answer to the stale nonce");
    assert!(verify(&third, "authorization", "n7", "secret"));
    r.handle(now, &answer(&third, "200 OK", &["Expires: 3600".into()]));
    assert_eq!(
        r.outcome(),
        Some(&Outcome::Registered {
            expires: Some(3600)
        })
    );
}

#[test]
fn a_407_is_answered_with_proxy_authorization() {
    let (mut r, now) = start("secret");
    let first = r.poll_transmit().unwrap();
    r.handle(
        now,
        &answer(
            &first,
            "407 Proxy Authentication Required",
            &[format!(
                "Proxy-Authenticate: Digest realm=\"{REALM}\", nonce=\"p1\""
            )],
        ),
    );
    let second = r.poll_transmit().unwrap();
    assert!(verify(&second, "proxy-authorization", "p1", "secret"));
}

#[test]
fn a_403_and_other_failures_end_it() {
    let (mut r, now) = start("secret");
    let first = r.poll_transmit().unwrap();
    r.handle(now, &answer(&first, "403 Forbidden", &[]));
    assert!(matches!(
        r.outcome(),
        Some(Outcome::Refused {
            status: 403,
            realm: None,
            ..
        })
    ));

    let (mut r, now) = start("secret");
    let first = r.poll_transmit().unwrap();
    r.handle(now, &answer(&first, "404 Not Found", &[]));
    assert_eq!(
        r.outcome(),
        Some(&Outcome::Failed {
            status: 404,
            reason: "Not Found".into()
        })
    );

    let (mut r, now) = start("secret");
    let first = r.poll_transmit().unwrap();
    r.handle(
        now,
        &answer(
            &first,
            "401 Unauthorized",
            &["WWW-Authenticate: Basic realm=\"x\"".into()],
        ),
    );
    assert_eq!(
        r.outcome(),
        Some(&Outcome::Challenge(ChallengeError::NotDigest(
            "Basic".into()
        )))
    );
}

#[test]
fn a_423_is_retried_once_with_min_expires() {
    let (mut r, now) = start("secret");
    let first = r.poll_transmit().unwrap();
    r.handle(
        now,
        &answer(
            &first,
            "423 Interval Too Brief",
            &["Min-Expires: 7200".into()],
        ),
    );
    let second = r.poll_transmit().unwrap();
    assert_eq!(headers(&second)["expires"], "7200");
    r.handle(
        now,
        &answer(
            &second,
            "423 Interval Too Brief",
            &["Min-Expires: 9000".into()],
        ),
    );
    assert!(matches!(
        r.outcome(),
        Some(Outcome::Failed { status: 423, .. })
    ));
}

#[test]
fn a_provisional_answer_slows_retransmission_to_t2() {
    let (mut r, t0) = start("secret");
    let first = r.poll_transmit().unwrap();
    r.handle(t0, &answer(&first, "100 Trying", &[]));
    assert_eq!(r.poll_timeout(), Some(t0 + T2));
    r.handle_timeout(t0 + T2);
    assert_eq!(r.poll_transmit(), Some(first.clone()));
    assert_eq!(r.poll_timeout(), Some(t0 + T2 + T2));
}

#[test]
fn strays_and_garbage_are_ignored() {
    let (mut r, now) = start("secret");
    let first = r.poll_transmit().unwrap();
    let text = String::from_utf8(answer(&first, "200 OK", &[])).unwrap();
    let other_branch = text.replace(";branch=z9hG4bK", ";branch=z9hG4bKx");
    let other_cseq = text.replace("cseq: 1 REGISTER", "cseq: 9 REGISTER");
    for bytes in [
        other_branch.as_bytes(),
        other_cseq.as_bytes(),
        b"\x00\x01garbage",
        b"OPTIONS sip:1001@10.0.0.9 SIP/2.0\r\n\r\n",
    ] {
        r.handle(now, bytes);
        assert_eq!(r.outcome(), None);
    }
    r.handle(now, text.as_bytes());
    assert!(matches!(r.outcome(), Some(Outcome::Registered { .. })));
}
