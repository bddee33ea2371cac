//! Verdicts in words, the summary, the JSON and the exit status.

use super::*;
use crate::simulate::tftp_client::Failure;
use lifeline_shared::models;

fn report(verdict: Verdict) -> PhoneReport {
    PhoneReport {
        mac: Mac([0, 0x1b, 0x54, 1, 2, 3]),
        model: models::model("7961").unwrap(),
        mode: Scenario::Recovery,
        lease: None,
        tftp_server: Some(("10.0.0.1:69".parse().unwrap(), TftpSource::Option150)),
        options: false,
        files: Vec::new(),
        notes: Vec::new(),
        verdict,
        elapsed: Duration::from_millis(1500),
        ran: Vec::new(),
    }
}

fn stuck(step: Step, file: Option<&str>, problem: Problem) -> Verdict {
    Verdict::WouldBeStuck(Stuck {
        step,
        file: file.map(str::to_owned),
        problem,
    })
}

fn server() -> SocketAddr {
    "10.0.0.1:69".parse().unwrap()
}

#[test]
fn verdicts_in_plain_words() {
    let image = Step::Image {
        index: 1,
        of: 5,
        manifest: "term61.default.loads".into(),
    };
    let cases = [
        (
            Verdict::WouldRecover {
                manifest: "term61.default.loads".into(),
                load: None,
                images: 5,
                bytes: 6_340_702,
                registered: None,
            },
            "would recover: it got term61.default.loads and its 5 images (6340702 bytes), each signed under its own name",
        ),
        (
            stuck(
                image.clone(),
                Some("Jar41sccp.8-3-2-27.sbn"),
                Problem::Transfer {
                    server: server(),
                    failure: Failure::NotFound {
                        message: "File not found".into(),
                    },
                },
            ),
            "would be stuck: Jar41sccp.8-3-2-27.sbn not found on the TFTP server 10.0.0.1 \
             (image 1 of 5 listed by term61.default.loads); the manifest spells it with a \
             capital letter: a case-sensitive server needs a copy under that spelling (a \
             Lifeline bundle has one)",
        ),
        (
            stuck(
                Step::DefaultConfig,
                Some("XMLDefault.cnf.xml"),
                Problem::NoLoadForDevice {
                    device_id: 30018,
                    product: "IP Phone 7961".into(),
                    found: vec!["loadInformation5 model=\"IP Phone 7961\" (SCCP41.8-3-3S)".into()],
                },
            ),
            "would be stuck: XMLDefault.cnf.xml has no entry for device 30018 \
             (loadInformation30018, the IP Phone 7961); it has loadInformation5 \
             model=\"IP Phone 7961\" (SCCP41.8-3-3S). Serve the firmware for the 7941/7961 \
             (cmterm-7941_7961…) with a configuration that names its load (in Lifeline: \
             choose it in step 1 and send it), then reset the phone.",
        ),
        (
            // A 7961 against a 7942/7962 bundle: not a model that firmware
            // serves, as the web card says, never "unpack the zip".
            stuck(
                Step::RecoveryManifest,
                Some("term61.default.loads"),
                Problem::Transfer {
                    server: "127.0.0.1:6969".parse().unwrap(),
                    failure: Failure::NotFound {
                        message: "File not found".into(),
                    },
                },
            ),
            "would be stuck: term61.default.loads not found on the TFTP server 127.0.0.1:6969 \
             (the recovery manifest): `term61.default.loads` is the recovery manifest of the \
             7961: this phone is not a model this firmware is for. Serve the firmware for the \
             7941/7961 (cmterm-7941_7961…) instead (in Lifeline: choose it in step 1 and send \
             it), then reset the phone again.",
        ),
        (
            // No answer keeps the port the phone asked at.
            stuck(
                Step::RecoveryManifest,
                Some("term61.default.loads"),
                Problem::Transfer {
                    server: "127.0.0.1:6969".parse().unwrap(),
                    failure: Failure::NoAnswer {
                        tries: 5,
                        waited: std::time::Duration::from_secs(20),
                        stray: None,
                    },
                },
            ),
            "would be stuck: term61.default.loads from 127.0.0.1:6969: no answer after 5 tries \
             over 20 s (the recovery manifest)",
        ),
        (
            // The load a configuration names is not served: the loop a real
            // phone would be in, with the fix.
            stuck(
                Step::LoadManifest,
                Some("SCCP41.9-4-2SR3.loads"),
                Problem::Transfer {
                    server: "10.0.0.1:69".parse().unwrap(),
                    failure: Failure::NotFound {
                        message: "File not found".into(),
                    },
                },
            ),
            "would be stuck: SCCP41.9-4-2SR3.loads not found on the TFTP server 10.0.0.1 (the \
             load manifest). A phone keeps fetching its configuration and never asks for \
             firmware: the configuration names the load `SCCP41.9-4-2SR3` for it, and \
             `SCCP41.9-4-2SR3.loads` is not served, so it keeps the firmware it has. Serve the \
             firmware of load `SCCP41.9-4-2SR3` (its `SCCP41.9-4-2SR3.loads` and images), or a \
             configuration that names the load you serve; then reset the phone.",
        ),
        (
            stuck(
                Step::Dhcp,
                None,
                Problem::NoTftpServer {
                    server: "10.0.0.2".parse().unwrap(),
                    why: "no option 150, no option 66, no next-server address (siaddr)".into(),
                },
            ),
            "would be stuck: the DHCP answer from 10.0.0.2 names no TFTP server (no option \
             150, no option 66, no next-server address (siaddr)); give the phones option 150",
        ),
        (
            stuck(
                Step::RecoveryManifest,
                Some("term61.default.loads"),
                Problem::WrongName {
                    embedded: "term41.default.loads".into(),
                },
            ),
            "would be stuck: term61.default.loads (the recovery manifest) is signed as \
             term41.default.loads: the phone refuses a file stored under another name",
        ),
        (
            Verdict::CouldNotRun {
                reason: "port 68 is in use".into(),
            },
            "could not run: port 68 is in use",
        ),
    ];
    for (verdict, words) in cases {
        assert_eq!(verdict.sentence(), words);
    }
}

#[test]
fn exit_status_follows_the_worst_fact() {
    let ok = report(Verdict::WouldRecover {
        manifest: "m".into(),
        load: None,
        images: 5,
        bytes: 1,
        registered: None,
    });
    let bad = report(stuck(Step::Dhcp, None, Problem::TimeLimit { limit_s: 9 }));
    let cannot = report(Verdict::CouldNotRun { reason: "x".into() });
    assert_eq!(exit_code(&[ok.clone(), ok.clone()]), 0);
    assert_eq!(exit_code(&[ok.clone(), bad.clone(), cannot.clone()]), 1);
    assert_eq!(exit_code(&[ok.clone(), cannot]), 2);
    assert_eq!(exit_code(&[]), 2);
    let run = Run {
        model: ok.model,
        mode: Scenario::Recovery,
        network: "TFTP server 10.0.0.1:69".into(),
        options: false,
    };
    let text = to_text(&run, &[ok.clone(), bad.clone(), bad]);
    assert!(
        text.contains("1 would recover, 2 would be stuck, 0 could not run"),
        "{text}"
    );
    assert!(
        text.contains("2 phone(s) would be stuck: gave up after 9 s during DHCP"),
        "{text}"
    );
    assert!(
        text.contains("Verdict: 2 of 3 phones would be stuck."),
        "{text}"
    );
    let one = to_text(&run, std::slice::from_ref(&ok));
    assert!(one.contains("Verdict: the phone would recover"), "{one}");
    let v = to_json(&run, &[ok]);
    assert_eq!(v["exit_code"], 0);
    assert_eq!(v["phones"][0]["verdict"]["status"], "would-recover");
    assert_eq!(v["phones"][0]["tftp_server"]["source"], "option-150");
}

#[test]
fn stuck_json_names_step_file_and_code() {
    let r = report(stuck(
        Step::Image {
            index: 2,
            of: 5,
            manifest: "term61.default.loads".into(),
        },
        Some("cnu41.8-3-2-27.sbn"),
        Problem::Transfer {
            server: server(),
            failure: Failure::NotFound {
                message: "nope".into(),
            },
        },
    ));
    let v = r.to_json();
    assert_eq!(v["verdict"]["code"], "not-found");
    assert_eq!(v["verdict"]["file"], "cnu41.8-3-2-27.sbn");
    assert_eq!(v["verdict"]["step"]["kind"], "image");
    assert_eq!(v["verdict"]["step"]["index"], 2);
    assert_eq!(
        v["verdict"]["step_words"],
        "image 2 of 5 listed by term61.default.loads"
    );
}

fn upgrade(refused: Option<Refusal>, end: End) -> Verdict {
    Verdict::Upgrade(Upgrade {
        ran: vec!["8.0(4)".into(), "8.5(2)".into()],
        now_on: "8.5(2) (SCCP41.8-5-2S)".into(),
        now_on_load: Some("SCCP41.8-5-2S".into()),
        refused,
        boots: 2,
        end,
        bytes: 1000,
        registered: None,
    })
}

#[test]
fn a_phone_given_its_load_says_where_it_ended_and_what_it_ran() {
    let now_on = report(upgrade(None, End::Settled));
    assert_eq!(
        now_on.sentence(),
        "is now on 8.5(2) (SCCP41.8-5-2S): ran 8.0(4) → 8.5(2) in 2 boots"
    );
    assert_eq!(exit_code(std::slice::from_ref(&now_on)), 0);
    let refused = report(upgrade(
        Some(Refusal {
            load: "SCCP41.9-4-2SR3-1S".into(),
            why: "it needs any 8.5(2) load for 7941/7961 first".into(),
            times: 1,
        }),
        End::Settled,
    ));
    assert_eq!(refused.verdict.status(), "refused");
    assert_eq!(exit_code(&[now_on.clone(), refused.clone()]), 1);
    let still = report(upgrade(None, End::Bound));
    assert_eq!(still.verdict.status(), "still-upgrading");
    assert_eq!(exit_code(std::slice::from_ref(&still)), 1);
    // A stuck phone given its load says which loads it ran.
    let mut stuck_on = report(stuck(
        Step::LoadManifest,
        Some("SCCP41.9-4-2SR3-1S.loads"),
        Problem::Transfer {
            server: server(),
            failure: Failure::NotFound {
                message: "File not found".into(),
            },
        },
    ));
    stuck_on.ran = vec!["8.0(4)".into(), "8.5(2)".into()];
    assert!(
        stuck_on
            .sentence()
            .ends_with("(on 8.5(2); ran 8.0(4) → 8.5(2))"),
        "{}",
        stuck_on.sentence()
    );
    let run = Run {
        model: models::model("7961").unwrap(),
        mode: Scenario::Boot,
        network: "TFTP server 10.0.0.1:69 given".into(),
        options: false,
    };
    let text = to_text(&run, std::slice::from_ref(&stuck_on));
    assert!(text.contains("  ran: 8.0(4) → 8.5(2)\n"), "{text}");
    let mut stuck_first = stuck_on.clone();
    stuck_first.ran.truncate(1);
    // On its first load still: no chain to tell.
    let first = stuck_first.sentence();
    assert!(first.ends_with(" (on 8.0(4))"), "{first}");
    assert!(!first.contains("; ran "), "{first}");
    let json = stuck_on.to_json();
    assert_eq!(json["now_on"], "8.5(2)");
    assert_eq!(json["ran"][0], "8.0(4)");
    // A report of no loads run (no --running) carries no such fields.
    assert!(
        report(upgrade(None, End::Settled))
            .to_json()
            .get("ran")
            .is_none()
    );
    let text = to_text(&run, &[now_on.clone(), refused.clone(), still.clone()]);
    assert!(
        text.contains(
            "  1 settled with nothing refused, 2 refused a load, were still upgrading or would be stuck, 0 could not run"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "Verdict: 2 of 3 phones refused a load, were still upgrading or would be stuck."
        ),
        "{text}"
    );
    let many = to_json(&run, &[now_on, refused, still]);
    assert_eq!(many["summary"]["would_recover"], 1);
    assert_eq!(many["summary"]["would_be_stuck"], 2);
}
