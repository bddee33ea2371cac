//! The upgrade plan's pieces never panic on any input, and the walk keeps its
//! safety rule whatever order requests come in: a phone is offered the target only
//! once the walker has seen it on the hop (or the target), never from the start
//! the plan was given (8.0(4)), which the rules forbid.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lifeline_shared::models::Protocol;
use lifeline_shared::plan::Running;
use lifeline_shared::plan::retarget::{self, Offer};
use lifeline_shared::plan::walk::{BundlePlan, PlanLoad, Recovery, Serve, Walker};
use std::net::{IpAddr, Ipv4Addr};

const HOP: &str = "SCCP41.8-5-2S";
const TARGET: &str = "SCCP41.9-4-2SR3-1S";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = Running::parse(&text, Protocol::Sccp);
    let _ = retarget::xml(data, &Offer::Load(HOP.into()));
    let _ = retarget::xml(data, &Offer::Keep);
    let _ = retarget::cnf(data, &Offer::Load("P0S3-8-12-00".into()));
    let _ = retarget::cnf(data, &Offer::Keep);
    let _ = serde_json::from_slice::<BundlePlan>(data).ok().and_then(|p| Walker::new(&p));

    let load = |n: &str| PlanLoad {
        name: n.into(),
        config_name: n.into(),
        recovery: vec![Recovery {
            asked: "term61.default.loads".into(),
            file: format!("{n}.term61.default.loads"),
        }],
    };
    let plan = BundlePlan {
        target: TARGET.into(),
        loads: vec![load(HOP), load(TARGET)],
        start: Some("8.0(4)".into()),
    };
    let mut w = Walker::new(&plan).expect("the plan reads");
    let names = [
        "SEP001122AABB01.cnf.xml".to_string(),
        "XMLDefault.cnf.xml".to_string(),
        format!("{HOP}.loads"),
        format!("{TARGET}.loads"),
        "term61.default.loads".to_string(),
        "jar41sccp.8-5-2S.sbn".to_string(),
    ];
    for (i, pair) in data.chunks_exact(2).take(512).enumerate() {
        let phone = IpAddr::V4(Ipv4Addr::new(10, 0, 0, pair[0] % 4));
        let name = &names[usize::from(pair[1]) % names.len()];
        // A high bit: the transfer of the file was cut off.
        if pair[0] & 0x80 != 0 {
            w.cut_off(Some(phone), name);
            continue;
        }
        let (serve, _) = w.request(Some(phone), name, i as u64);
        // The target is offered by serving the bundle's own configuration.
        let config = name.ends_with(".cnf.xml");
        if serve == Serve::Config(Offer::Load(TARGET.into())) || (config && serve == Serve::AsIs) {
            // The phone the request was about: by its MAC when the name gives it.
            let who = if name.starts_with("SEP") {
                "001122AABB01".to_string()
            } else {
                phone.to_string()
            };
            let on = w.status_of(&who).and_then(|s| s.on);
            assert!(
                matches!(on.as_deref(), Some("8.5(2)" | "9.4(2)SR3")),
                "offered the target from {on:?}"
            );
        }
    }
});
