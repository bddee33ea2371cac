//! The SIP response reader, the digest challenge reader and the registration
//! they feed never panic on any datagram, and stay within their bounds.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lifeline_proto::simulate::sip::digest::Challenge;
use lifeline_proto::simulate::sip::message::{MAX_HEADERS, MAX_MESSAGE, Response};
use lifeline_proto::simulate::sip::register::{Credentials, MAX_REQUESTS, Registration};
use lifeline_proto::tftp::time::Time;

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = Response::parse(data) {
        assert!(data.len() <= MAX_MESSAGE);
        assert!(r.headers.len() <= MAX_HEADERS);
        for (_, v) in &r.headers {
            let _ = Challenge::parse(v);
        }
    }
    let creds = Credentials {
        user: "1001".into(),
        auth_name: "1001".into(),
        password: "secret".into(),
        display: None,
        domain: "10.0.0.5".into(),
        expires: 3600,
    };
    let now = Time::from_nanos(0);
    let mut reg = Registration::new(now, creds, "10.0.0.9:5060".into(), "fuzz".into(), 1);
    // Whatever the first REGISTER's branch, feed the bytes twice: as they are,
    // and with the branch and CSeq of the request in flight spliced in.
    let first = reg.poll_transmit().expect("the first REGISTER");
    reg.handle(now, data);
    let text = String::from_utf8_lossy(&first);
    let branch = text.split("branch=").nth(1).and_then(|s| s.split(';').next()).unwrap_or("");
    let spliced = String::from_utf8_lossy(data)
        .replace("BRANCH", branch)
        .replace("CSEQ", "1 REGISTER");
    reg.handle(now, spliced.as_bytes());
    assert!(reg.requests() <= MAX_REQUESTS);
});
