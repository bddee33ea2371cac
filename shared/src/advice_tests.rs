use super::*;
use crate::events::NamedLoad;

fn words(d: Diagnosis) -> Advice {
    advice(&d).expect("known diagnosis")
}

#[test]
fn a_term_manifest_of_another_model_says_the_firmware_is_not_for_it() {
    let a = words(Diagnosis::NotFound {
        file: "term61.default.loads".into(),
        closest: Some("term62.default.loads".into()),
    });
    assert_eq!(
        a.title,
        "It asked for `term61.default.loads`, which is not in the bundle"
    );
    assert!(
        a.detail.contains(
            "recovery manifest of the 7961: this phone is not a model this firmware is for"
        ),
        "{}",
        a.detail
    );
    assert!(
        a.fix
            .starts_with("Serve the firmware for the 7941/7961 (cmterm-7941_7961…)"),
        "{}",
        a.fix
    );
    assert_eq!(
        recovery_manifest_of("/TERM42.default.loads").map(|m| m.name),
        Some("7942")
    );
    assert!(recovery_manifest_of("jar41sccp.8-3-2-27.sbn").is_none());
}

#[test]
fn a_missing_image_says_what_to_serve() {
    let a = words(Diagnosis::NotFound {
        file: "dsp41.8-3-2-27.sbn".into(),
        closest: None,
    });
    assert!(
        a.fix
            .contains("firmware whose manifest lists `dsp41.8-3-2-27.sbn`"),
        "{}",
        a.fix
    );
}

#[test]
fn a_configuration_loop_names_its_cause() {
    let d = |cause| Diagnosis::ConfigLoop {
        file: "XMLDefault.cnf.xml".into(),
        times: 6,
        cause,
    };
    let a = words(d(LoopCause::NotInBundle {
        load: "SCCP41.9-4-2SR3".into(),
    }));
    assert_eq!(
        a.title,
        "It keeps fetching `XMLDefault.cnf.xml` and never asks for firmware"
    );
    assert!(
        a.detail
            .starts_with("It fetched `XMLDefault.cnf.xml` 6 times")
    );
    assert!(
        a.detail.contains("`SCCP41.9-4-2SR3.loads` is not served"),
        "{}",
        a.detail
    );
    let a = words(d(LoopCause::AlreadyRuns {
        load: "SCCP41.8-3-3S".into(),
    }));
    assert!(a.detail.contains("runs it already"), "{}", a.detail);
    assert!(a.fix.contains("factory-reset"), "{}", a.fix);
    let a = words(d(LoopCause::NoLoadForModel {
        model: "7962".into(),
        device_id: 30019,
    }));
    assert!(a.detail.contains("`loadInformation30019`"), "{}", a.detail);
    assert!(a.fix.contains("7942/7962"), "{}", a.fix);
    let a = words(d(LoopCause::Unknown {
        loads: vec![
            NamedLoad {
                load: "A".into(),
                in_bundle: true,
            },
            NamedLoad {
                load: "B".into(),
                in_bundle: false,
            },
        ],
    }));
    assert!(
        a.detail
            .ends_with("The configuration names `A` (served), `B` (not served)."),
        "{}",
        a.detail
    );
    assert_eq!(advice(&d(LoopCause::Other)), None);
    assert_eq!(advice(&Diagnosis::Other), None);
}
