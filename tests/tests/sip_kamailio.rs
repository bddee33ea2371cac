//! The simulated phone's SIP registration (`lifeline_proto::simulate::sip`,
//! then `lifeline simulate --mode boot` end to end) against a real registrar: Kamailio with `registrar`, `usrloc`, `auth` and
//! `auth_db` on `db_text` (a static subscriber list in a temporary directory),
//! started and stopped by each test on its own loopback port. As root it drops
//! to `nobody` itself (`-u`/`-g`) once its socket is bound.
//!
//! The transaction is driven with a virtual clock that moves only when no
//! datagram arrives for a while: the outcome never depends on how fast
//! Kamailio answers (a late answer is a retransmission, which a registrar
//! absorbs), and an unanswered registration reaches timer F after its eleven
//! retransmissions without waiting 32 real seconds.

mod simulate_support;

use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use lifeline_proto::simulate::sip::message::Response;
use lifeline_proto::simulate::sip::register::{
    Credentials, MAX_REQUESTS, Outcome, Registration, TIMER_F,
};
use lifeline_proto::tftp::time::Time;
use lifeline_shared::config::cnf_xml;
use lifeline_shared::config::mac::Mac;
use lifeline_shared::testkit;
use lifeline_tests::process::{Proc, cannot_run, have};

/// How long a silence moves the virtual clock to the next timer.
const QUIET: Duration = Duration::from_millis(200);
/// The phones and their passwords in the subscriber list.
const PHONES: u32 = 10;

fn password(user: u32) -> String {
    format!("pw-{user}-x")
}

/// A free UDP port on loopback (bound, then released for Kamailio).
fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("cannot bind loopback")
        .port()
}

/// Kamailio, running on `127.0.0.1:port` with the subscribers 1001..=1010,
/// asking for `algorithm` with `qop=auth` when `qop`.
fn kamailio(dir: &Path, port: u16, algorithm: &str, qop: bool) -> Option<Proc> {
    if !have("kamailio") {
        cannot_run("kamailio is not installed (Debian package kamailio; .ci/run installs it)");
        return None;
    }
    let db = dir.join("db");
    std::fs::create_dir_all(&db).unwrap();
    std::fs::write(
        db.join("version"),
        "table_name(string) table_version(int) \nsubscriber:7\n",
    )
    .unwrap();
    let mut subscribers = String::from(
        "id(int,auto) username(string) domain(string) password(string) ha1(string,null) \
         ha1b(string,null) \n",
    );
    for (i, user) in (1001..1001 + PHONES).enumerate() {
        subscribers.push_str(&format!(
            "{}:{user}:127.0.0.1:{}:::\n",
            i + 1,
            password(user)
        ));
    }
    std::fs::write(db.join("subscriber"), subscribers).unwrap();
    let modules = [
        "/usr/lib/x86_64-linux-gnu/kamailio/modules",
        "/usr/lib/kamailio/modules",
    ]
    .into_iter()
    .find(|m| Path::new(m).join("registrar.so").exists())
    .expect("kamailio is installed but its modules are not where Debian puts them");
    let flags = if qop { "1" } else { "0" };
    let cfg = format!(
        r#"#!KAMAILIO
debug=2
log_stderror=yes
children=1
auto_aliases=no
listen=udp:127.0.0.1:{port}
mpath="{modules}/"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "db_text.so"
loadmodule "auth.so"
loadmodule "auth_db.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
modparam("auth", "algorithm", "{algorithm}")
modparam("auth_db", "db_url", "text://{db}")
modparam("auth_db", "calculate_ha1", yes)
modparam("auth_db", "password_column", "password")
modparam("auth_db", "use_domain", 0)
modparam("usrloc", "db_mode", 0)
request_route {{
    if ($rm != "REGISTER") {{ sl_send_reply("405", "Method Not Allowed"); exit; }}
    if (!auth_check("$fd", "subscriber", "1")) {{ auth_challenge("$fd", "{flags}"); exit; }}
    if (!save("location")) {{ sl_reply_error(); }}
    exit;
}}
"#,
        db = db.display()
    );
    let path = dir.join("kamailio.cfg");
    std::fs::write(&path, cfg).unwrap();
    // Readable by `nobody`, whom Kamailio becomes.
    lifeline_tests::process::run("chmod", &["-R", "a+rX", &dir.display().to_string()]).unwrap();
    let mut c = Command::new("kamailio");
    c.args(["-D", "-E", "-f"]).arg(&path);
    if lifeline_tests::process::run("id", &["-u"]).is_ok_and(|u| u.trim() == "0") {
        c.args(["-u", "nobody", "-g", "nogroup"]);
    }
    let mut p = Proc::spawn("kamailio", c);
    p.wait_for("using database at");
    Some(p)
}

/// Registers `user` with `password` at `proxy`, from a socket of its own:
/// the outcome, and the challenges the registrar sent.
fn register(proxy: SocketAddr, user: u32, password: &str) -> (Outcome, Vec<String>) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(QUIET)).unwrap();
    let local = socket.local_addr().unwrap().to_string();
    let creds = Credentials {
        user: user.to_string(),
        auth_name: user.to_string(),
        password: password.to_owned(),
        display: Some(format!("Phone {user}")),
        domain: proxy.ip().to_string(),
        expires: 3600,
    };
    let mut now = Time::from_nanos(0);
    let mut reg = Registration::new(
        now,
        creds,
        local,
        "Cisco-CP8841/lifeline".into(),
        u64::from(user),
    );
    let mut buf = vec![0u8; 65_536];
    let mut sent = 0;
    let mut challenges = Vec::new();
    loop {
        while let Some(bytes) = reg.poll_transmit() {
            sent += 1;
            socket.send_to(&bytes, proxy).unwrap();
        }
        if let Some(outcome) = reg.outcome() {
            assert!(reg.requests() <= MAX_REQUESTS);
            return (outcome.clone(), challenges);
        }
        assert!(
            sent <= 11 * MAX_REQUESTS,
            "more datagrams than timer E allows"
        );
        match socket.recv_from(&mut buf) {
            Ok((n, from)) if from == proxy => {
                if let Ok(r) = Response::parse(&buf[..n]) {
                    challenges.extend(r.all("WWW-Authenticate").map(str::to_owned));
                }
                reg.handle(now, &buf[..n]);
            }
            Ok(_) => {}
            Err(_) => {
                now = reg.poll_timeout().expect("a timer runs until the outcome");
                reg.handle_timeout(now);
            }
        }
    }
}

#[test]
fn ten_phones_register_with_md5_and_qop_and_a_wrong_password_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let Some(mut k) = kamailio(dir.path(), port, "MD5", true) else {
        return;
    };
    let proxy: SocketAddr = ([127, 0, 0, 1], port).into();
    for user in 1001..1001 + PHONES {
        let (outcome, challenges) = register(proxy, user, &password(user));
        assert_eq!(
            outcome,
            Outcome::Registered {
                expires: Some(3600)
            },
            "{user}"
        );
        // One challenge, or more if a slow answer drew a retransmission.
        assert!(!challenges.is_empty());
        for c in &challenges {
            assert!(c.contains("qop=\"auth\"") && !c.contains("SHA-256"), "{c}");
        }
    }
    assert_eq!(
        register(proxy, 1003, "not-the-password").0,
        Outcome::Refused {
            status: 401,
            reason: "Unauthorized".into(),
            auth_name: "1003".into(),
            realm: Some("127.0.0.1".into()),
        }
    );
    k.terminate();
}

#[test]
fn phones_register_with_sha_256_without_qop() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let Some(mut k) = kamailio(dir.path(), port, "SHA-256", false) else {
        return;
    };
    let proxy: SocketAddr = ([127, 0, 0, 1], port).into();
    for user in [1001, 1010] {
        let (outcome, challenges) = register(proxy, user, &password(user));
        assert_eq!(
            outcome,
            Outcome::Registered {
                expires: Some(3600)
            },
            "{user}"
        );
        // One challenge, or more if a slow answer drew a retransmission.
        assert!(!challenges.is_empty());
        for c in &challenges {
            assert!(c.contains("algorithm=SHA-256") && !c.contains("qop"), "{c}");
        }
    }
    assert!(matches!(
        register(proxy, 1002, "wrong").0,
        Outcome::Refused { status: 401, .. }
    ));
    k.terminate();
}

#[test]
fn a_proxy_that_is_down_is_no_answer_after_timer_f() {
    let port = free_port();
    let proxy: SocketAddr = ([127, 0, 0, 1], port).into();
    match register(proxy, 1001, "x").0 {
        Outcome::NoAnswer { requests, waited } => {
            assert_eq!(requests, 1);
            assert_eq!(waited, TIMER_F);
        }
        other => panic!("{other:?}"),
    }
}

/// The `n`th phone's MAC, as `--mac BASE --phones N` counts them.
fn nth_mac(n: u8) -> Mac {
    Mac([0x00, 0x1b, 0x54, 0x00, 0x10, n])
}

/// Twelve booting 7961s on loopback, from one phone list: a CSV whose rows
/// `lifeline bundle --phones` turns into each phone's `SEP<MAC>.cnf.xml` with
/// its SIP line: ten with their registrar passwords, one with a wrong one,
/// one whose proxy port nothing listens on.
#[test]
fn lifeline_simulate_boots_twelve_phones_and_tells_each_ones_registration() {
    let dir = simulate_support::tempdir();
    // Kamailio, as `nobody`, reads its subscriber list below this folder.
    lifeline_tests::process::run("chmod", &["a+x", dir.path().to_str().unwrap()]).unwrap();
    let port = free_port();
    let Some(mut k) = kamailio(&dir.path().join("kamailio"), port, "MD5", true) else {
        return;
    };
    let down = free_port();
    // Columns in an order of their own, `extension` for `user`, and one
    // column Lifeline does not read.
    let mut csv = String::from("label,extension,mac,password,proxy,port,model,room\n");
    for n in 0..12u8 {
        let user = 1001 + u32::from(n);
        let (proxy_port, pw) = match n {
            10 => (port, "wrong-pw".to_owned()),
            11 => (down, password(user)),
            _ => (port, password(user)),
        };
        csv.push_str(&format!(
            "Desk {user},{user},{},{pw},127.0.0.1,{proxy_port},7961,R{n}\n",
            nth_mac(n)
        ));
    }
    let csv_path = dir.path().join("phones.csv");
    std::fs::write(&csv_path, csv).unwrap();
    let zip_path = dir.path().join("sip-seed.zip");
    std::fs::write(&zip_path, testkit::sip_seed_zip()).unwrap();
    let root = dir.path().join("root");
    let out = lifeline_tests::process::run(
        lifeline_tests::lifeline_bin().to_str().unwrap(),
        &[
            "bundle",
            zip_path.to_str().unwrap(),
            "--tftp-server",
            "127.0.0.1",
            "--phones",
            csv_path.to_str().unwrap(),
            "--out",
            root.to_str().unwrap(),
        ],
    );
    assert!(out.is_ok(), "lifeline bundle --phones failed: {out:?}");
    for n in 0..12u8 {
        let file = root.join(cnf_xml::sep_file_name(&nth_mac(n)));
        let xml = std::fs::read_to_string(&file).unwrap();
        assert!(xml.contains(&format!("{}", 1001 + u32::from(n))), "{xml}");
    }
    let (_server, addr) = simulate_support::serve(&root, &[]);
    let out = simulate_support::simulate(
        None,
        &[
            "--model",
            "7961",
            "--server",
            &addr,
            "--mode",
            "boot",
            "--phones",
            "12",
            "--mac",
            "00:1b:54:00:10:00",
            "--json",
        ],
        Duration::from_secs(300),
    );
    assert_eq!(
        out.code(),
        Some(1),
        "two phones would be stuck:\n{}\n{}",
        out.stdout,
        out.stderr
    );
    let v = out.json();
    let phones = v["phones"].as_array().unwrap();
    assert_eq!(phones.len(), 12);
    for (n, phone) in phones.iter().enumerate() {
        let user = 1001 + n;
        let verdict = &phone["verdict"];
        match n {
            10 => {
                assert_eq!(verdict["code"], "sip-refused", "{verdict}");
                let message = verdict["message"].as_str().unwrap();
                assert!(
                    message.contains(&format!(
                        "refused the credentials of `{user}` (401 Unauthorized)"
                    )),
                    "{message}"
                );
            }
            11 => {
                assert_eq!(verdict["code"], "sip-no-answer", "{verdict}");
                let message = verdict["message"].as_str().unwrap();
                assert!(
                    message.contains(&format!("no answer from the SIP proxy 127.0.0.1:{down}")),
                    "{message}"
                );
            }
            _ => {
                assert_eq!(verdict["status"], "would-recover", "{verdict}");
                assert_eq!(
                    verdict["registered"],
                    format!("{user} at 127.0.0.1:{port}"),
                    "{verdict}"
                );
            }
        }
    }
    // No password in the report.
    assert!(!out.stdout.contains("pw-1001-x") && !out.stderr.contains("pw-1001-x"));
    k.terminate();
}
