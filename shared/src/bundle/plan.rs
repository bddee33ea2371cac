//! A bundle of several loads: the target's bundle, every hop's firmware beside it,
//! and the plan in [`PLAN_NAME`] for the helper to walk each phone through (a file
//! of the bundle, so the bundle's id covers it: two plans, two bundles).
//!
//! A hop's recovery manifests (`term61.default.loads`) would collide with the
//! target's, so they are kept as `<LOAD>.term61.default.loads`; the helper serves the
//! right one to each wiped phone. Everything else keeps its name.

use super::{Bundle, BundleError, File, Kind, bundle_id, wanted};
use crate::config::sip79;
use crate::firmware::inspect::{Report, Role};
use crate::plan::walk::{BundlePlan, PlanLoad, Recovery, hop_recovery_file};
use crate::plan::{Load, Plan};

/// The bundle file that holds the plan.
pub const PLAN_NAME: &str = "lifeline-plan.json";

/// [`PLAN_NAME`]'s content, written without serde_json (the browser builds it too);
/// serde reads it back.
pub fn plan_json(plan: &BundlePlan) -> String {
    let mut w = crate::protocol::json::Writer::pretty(256);
    w.open('{');
    w.key("target");
    w.string(&plan.target);
    w.key("loads");
    w.open('[');
    for l in &plan.loads {
        w.item();
        w.open('{');
        w.key("name");
        w.string(&l.name);
        w.key("config_name");
        w.string(&l.config_name);
        w.key("recovery");
        w.open('[');
        for r in &l.recovery {
            w.item();
            w.open('{');
            w.key("asked");
            w.string(&r.asked);
            w.key("file");
            w.string(&r.file);
            w.close('}');
        }
        w.close(']');
        w.close('}');
    }
    w.close(']');
    w.key("start");
    w.opt_string(plan.start.as_deref());
    w.close('}');
    let mut out = w.finish();
    out.push('\n');
    out
}

/// One more load for a bundle: its inspection and its firmware files.
#[derive(Debug)]
pub struct Package<'a> {
    pub report: &'a Report,
    pub firmware: Vec<(String, Vec<u8>)>,
}

fn plan_load(report: &Report, name: &str, recovery: Vec<Recovery>) -> PlanLoad {
    PlanLoad {
        name: name.to_string(),
        config_name: sip79::image_name(report).unwrap_or_else(|| name.to_string()),
        recovery,
    }
}

/// Adds to `target` (built from the plan's target load) the hops of `plan` from
/// `others`, and the plan itself with the start the person gave (`None`: unknown).
/// Loads no route takes are left out. A bundle whose plan has no hop and no start is
/// returned as it was built.
pub fn build_plan(
    mut target: Bundle,
    target_report: &Report,
    others: Vec<Package<'_>>,
    plan: &Plan,
    start: Option<String>,
) -> Result<Bundle, BundleError> {
    let hops: Vec<&Load> = plan.hops();
    if hops.is_empty() && start.is_none() {
        return Ok(target);
    }
    let mut loads = vec![plan_load(target_report, &plan.target.name, Vec::new())];
    for pkg in others {
        let Some(name) = pkg.report.load.as_deref() else {
            continue;
        };
        if !hops.iter().any(|h| h.name.eq_ignore_ascii_case(name)) {
            continue;
        }
        if pkg.report.tally.errors > 0 {
            return Err(BundleError::FirmwareErrors(pkg.report.tally.errors));
        }
        let mut by_name = pkg.firmware;
        let mut recovery = Vec::new();
        for e in pkg.report.entries.iter().filter(|e| wanted(e.role)) {
            let at = by_name
                .iter()
                .position(|(n, _)| *n == e.name)
                .ok_or_else(|| BundleError::MissingContent(e.name.clone()))?;
            let data = by_name.swap_remove(at).1;
            let served = if e.role == Role::RecoveryManifest {
                let file = hop_recovery_file(name, &e.name);
                recovery.push(Recovery {
                    asked: e.name.clone(),
                    file: file.clone(),
                });
                file
            } else {
                e.name.clone()
            };
            match target.contents.get(&served) {
                Some(have) if *have != data => {
                    return Err(BundleError::Clash(served));
                }
                Some(_) => {}
                None => {
                    target.contents.insert(served, data);
                }
            }
        }
        loads.push(plan_load(pkg.report, name, recovery));
    }
    for h in &hops {
        if !loads.iter().any(|l| l.name.eq_ignore_ascii_case(&h.name)) {
            return Err(BundleError::MissingContent(format!("{}.loads", h.name)));
        }
    }
    let json = plan_json(&BundlePlan {
        target: plan.target.name.clone(),
        loads,
        start,
    });
    target
        .contents
        .insert(PLAN_NAME.to_string(), json.into_bytes());
    // The target's files keep the entries they were given when it was built (hashed
    // then); only the hops' files and the plan are hashed here.
    let mut built = std::mem::take(&mut target.manifest.files);
    let files: Vec<File> = target
        .contents
        .iter()
        .map(|(name, data)| {
            if name == PLAN_NAME {
                return File::of(name, data, Kind::Config);
            }
            match built.iter().position(|f| f.name == *name) {
                Some(at) => built.swap_remove(at),
                None => File::of(name, data, Kind::Firmware),
            }
        })
        .collect();
    target.manifest.id = bundle_id(&files);
    target.manifest.files = files;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::{Settings, build, firmware_from_zip};
    use crate::firmware::inspect::inspect_zip;
    use crate::testkit::{load_files, zip_of};
    use std::net::Ipv4Addr;

    fn package(load: &str) -> (Report, Vec<(String, Vec<u8>)>) {
        let zip = zip_of(&load_files(load, 3000));
        let report = inspect_zip(&format!("{load}.zip"), &zip).unwrap();
        assert_eq!(report.tally.errors, 0, "{:?}", report.findings);
        let fw = firmware_from_zip(&zip, &report).unwrap();
        (report, fw)
    }

    fn settings() -> Settings {
        Settings {
            tftp_servers: vec![Ipv4Addr::new(10, 0, 0, 1)],
            call_managers: vec!["10.0.0.2".into()],
            phones: Vec::new(),
        }
    }

    /// The 9.4(2)SR3 target's bundle alone, and with the 8.5(2) hop beside it for
    /// phones starting at `start`.
    fn hop_bundle(start: Option<&str>) -> (Bundle, Bundle) {
        let (tr, tf) = package("SCCP41.9-4-2SR3-1S");
        let (hr, hf) = package("SCCP41.8-5-2S");
        let plan = Plan::new(&two_loads(), None).unwrap();
        let single = build(&tr, tf, &settings()).unwrap();
        let hop = Package {
            report: &hr,
            firmware: hf,
        };
        let b = build_plan(single.clone(), &tr, vec![hop], &plan, start.map(Into::into));
        (single, b.unwrap())
    }

    /// The hop and the target, as loads.
    fn two_loads() -> [Load; 2] {
        [
            Load::of_name("SCCP41.8-5-2S").unwrap(),
            Load::of_name("SCCP41.9-4-2SR3-1S").unwrap(),
        ]
    }

    #[test]
    fn a_hop_rides_beside_the_target_with_its_own_recovery_manifests() {
        let (single, b) = hop_bundle(Some("8.0(4)"));
        assert_ne!(b.manifest.id, single.manifest.id);
        for name in [
            "SCCP41.8-5-2S.loads",
            "SCCP41.8-5-2S.term61.default.loads",
            "apps41.8-5-2S.sbn",
            "term61.default.loads",
            "SCCP41.9-4-2SR3-1S.loads",
        ] {
            assert!(b.contents.contains_key(name), "{name}");
            assert!(b.manifest.files.iter().any(|f| f.name == name), "{name}");
        }
        // The target's own recovery manifest is the target's.
        assert_eq!(
            b.contents["term61.default.loads"],
            single.contents["term61.default.loads"]
        );
        let u: BundlePlan = serde_json::from_slice(&b.contents[PLAN_NAME]).unwrap();
        assert_eq!(u.target, "SCCP41.9-4-2SR3-1S");
        assert_eq!(u.start.as_deref(), Some("8.0(4)"));
        assert_eq!(u.loads[1].recovery.len(), 2);
        // The writer is serde_json's pretty printer, byte for byte.
        let pretty = serde_json::to_string_pretty(&u).unwrap() + "\n";
        assert_eq!(String::from_utf8_lossy(&b.contents[PLAN_NAME]), pretty);
        crate::bundle::check_manifest(&b.manifest, u64::MAX, 1000).unwrap();
        // Another start, another bundle.
        let (_, other) = hop_bundle(None);
        assert_ne!(other.manifest.id, b.manifest.id);
        // A plan with no hop and no start leaves the bundle as it was.
        let only = Plan::new(&two_loads()[1..], None).unwrap();
        let (tr2, tf2) = package("SCCP41.9-4-2SR3-1S");
        let same = build(&tr2, tf2, &settings()).unwrap();
        assert_eq!(
            build_plan(same.clone(), &tr2, vec![], &only, None).unwrap(),
            same
        );
    }

    #[test]
    fn each_file_entry_matches_its_content_and_keeps_its_kind() {
        let (single, b) = hop_bundle(None);
        assert_eq!(b.manifest.files.len(), b.contents.len());
        for (f, (name, data)) in b.manifest.files.iter().zip(&b.contents) {
            // The target's files keep their kind; the hop's are firmware; the plan
            // is a configuration.
            let kind = match single.manifest.files.iter().find(|s| s.name == *name) {
                _ if name == PLAN_NAME => Kind::Config,
                Some(s) => s.kind,
                None => Kind::Firmware,
            };
            assert_eq!(*f, File::of(name, data, kind), "{name}");
        }
        assert!(
            b.manifest
                .files
                .iter()
                .any(|f| f.name == "XMLDefault.cnf.xml" && f.kind == Kind::Config)
        );
        assert_eq!(b.manifest.id, bundle_id(&b.manifest.files));
    }

    #[test]
    fn a_hop_the_packages_lack_is_an_error() {
        let (tr, tf) = package("SCCP41.9-4-2SR3-1S");
        let loads = [
            Load::of_name("SCCP41.8-5-2S").unwrap(),
            Load::of_name("SCCP41.9-4-2SR3-1S").unwrap(),
        ];
        let plan = Plan::new(&loads, None).unwrap();
        let b = build(&tr, tf, &settings()).unwrap();
        let e = build_plan(b, &tr, vec![], &plan, None).unwrap_err();
        assert!(e.to_string().contains("SCCP41.8-5-2S.loads"), "{e}");
    }
}
