//! The upgrade plan of several packages dropped together: which load is the target,
//! where the phones start, the route that start takes, and the bundle that carries
//! every hop (pure).
//!
//! The plan itself is the shared [`Plan`] (the same rules the terminal uses); this
//! module holds the person's two choices ([`Choice`]) and reads them against it.
//!
//! Invariants:
//! - With "unknown" start the helper asks per phone before offering any load, so
//!   a missing hop only warns; a start the person gave whose way needs a missing
//!   load, or is impossible, blocks the bundle ([`checked`]).
//! - One package with the start unknown is the page as it always was: no plan
//!   problem, the same bundle ([`in_play`]). Saying where its phones start opts in.
//! - The bundle is the target's bundle as one package makes it, plus the hops and
//!   `lifeline-plan.json` ([`with_plan`]); a plan with no hop and no start leaves it
//!   as it was.

use lifeline_shared::bundle::{self, Bundle};
use lifeline_shared::finding::Severity;
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::plan::{Load, Plan, PlanError, Route, Running, route_words};

use crate::format;
use crate::intake::Packages;

/// Where the phones start, as the person said it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Start {
    /// Not known: the helper asks for each phone before offering it any load.
    #[default]
    Unknown,
    /// One of the plan's starting bands (its index in [`Plan::routes`]).
    Band(usize),
    /// A release or load name as typed (`8.0(4)`, `SCCP41.8-0-4S`).
    Typed(String),
}

/// The person's choices for the plan of several packages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Choice {
    /// The target load's name; `None`: the newest.
    pub target: Option<String>,
    pub start: Start,
}

/// What a typed start may look like, for the message when it cannot be read.
pub const START_FORMS: &str = "type it as the phone's Settings → Status → Firmware Versions shows it: a release such as 8.0(4) or SIP 8.12(0), or a load name such as SCCP41.8-0-4S";

/// The plan of `packages` for `choice`'s target.
pub fn plan(packages: &Packages, choice: &Choice) -> Result<Plan, PlanError> {
    packages.plan(choice.target.as_deref())
}

/// What the chosen start runs: `None` for unknown, or why a typed one cannot be read.
pub fn start(plan: &Plan, start: &Start) -> Result<Option<Running>, String> {
    match start {
        Start::Unknown => Ok(None),
        Start::Band(i) => Ok(plan.routes.get(*i).map(|(b, _)| b.example.clone())),
        Start::Typed(text) if text.trim().is_empty() => {
            Err(format!("Say which release the phones run: {START_FORMS}."))
        }
        Start::Typed(text) => Running::parse_for(text, plan.family, plan.target.protocol)
            .map(Some)
            .map_err(|e| format!("{}.", e.words(text, plan.family))),
    }
}

/// The start as the bundle's plan carries it for the helper (`None`: unknown).
pub fn start_text(plan: &Plan, start: &Start) -> Option<String> {
    match start {
        Start::Unknown => None,
        Start::Band(i) => plan
            .routes
            .get(*i)
            .map(|(b, _)| b.example.label(plan.family)),
        Start::Typed(text) => Some(text.trim().to_string()),
    }
}

/// What the chosen start runs, with its name for a person (the band's label, or
/// the release); `None` for unknown or an unreadable start.
fn from(plan: &Plan, choice: &Start) -> Option<(Running, String)> {
    let running = start(plan, choice).ok()??;
    let label = match choice {
        Start::Band(i) => plan.routes.get(*i).map(|(b, _)| b.label.clone())?,
        _ => running.label(plan.family),
    };
    Some((running, label))
}

/// The chosen start's route in words (`From 8.0(4): 2 hops: 8.5(2) → 9.4(2)SR3.`) and
/// whether it is a way there; `None` for unknown or an unreadable start.
pub fn chosen(plan: &Plan, choice: &Start) -> Option<(String, bool)> {
    let (running, from) = from(plan, choice)?;
    let route = plan.route_from(&running);
    Some((
        format!("From {from}: {}", route_words(&route)),
        matches!(route, Route::Via(_)),
    ))
}

/// How the helper walks phones through the plan, in words for step 5. With the
/// start given, that start's way only (`from 8.3(3) or later, the helper takes
/// each phone straight to 9.4(2)SR3`); with it unknown, every hop a band takes
/// (`the helper takes each phone through 8.5(2) first, then 9.4(2)SR3, a reboot
/// at a time`). `None` with no walk to tell: no hop and no start, or a start that
/// cannot be read, has no way, or is the target already.
pub fn walk_words(packages: &Packages, choice: &Choice) -> Option<String> {
    let plan = plan(packages, choice).ok()?;
    let labels = |loads: &[&Load]| -> Vec<String> {
        loads
            .iter()
            .filter(|l| l.name != plan.target.name)
            .map(|l| l.label())
            .collect()
    };
    let (from, hops) = match from(&plan, &choice.start) {
        None if choice.start == Start::Unknown => (String::new(), labels(&plan.hops())),
        None => return None,
        Some((running, label)) => match plan.route_from(&running) {
            Route::Via(v) if !v.is_empty() => (
                format!("from {label}, "),
                labels(&v.iter().collect::<Vec<_>>()),
            ),
            _ => return None,
        },
    };
    let target = plan.target.label();
    Some(match hops.is_empty() {
        true if from.is_empty() => return None,
        true => format!("{from}the helper takes each phone straight to {target}"),
        false => format!(
            "{from}the helper takes each phone through {} first, then {target}, a reboot at a time",
            hops.join(", ")
        ),
    })
}

/// Whether the plan has a say: several packages, or one whose start was given.
pub fn in_play(packages: &Packages, choice: &Choice) -> bool {
    packages.list.len() > 1 || choice.start != Start::Unknown
}

/// Why no bundle may be made of the packages with the person's choices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Blocked {
    /// The loads make no plan (several families, a target that is not given, …).
    NoPlan(PlanError),
    /// The start typed cannot be read: why, with the forms it takes.
    Start(String),
    /// The chosen start has no way to the target: its route in words.
    Route(String),
}

impl Blocked {
    /// The reason in words, as the Problems list and step 4 say it.
    pub fn words(self) -> String {
        match self {
            Blocked::NoPlan(e) => no_plan_words(&e),
            Blocked::Start(why) | Blocked::Route(why) => why,
        }
    }
}

/// `No upgrade plan: …`, for loads that make none.
pub fn no_plan_words(e: &PlanError) -> String {
    format!("No upgrade plan: {e}.")
}

/// The plan for the person's choices and what the chosen start runs (`None`:
/// unknown), once the start is read and has a way to the target; else why no
/// bundle may be made.
pub fn checked(packages: &Packages, choice: &Choice) -> Result<(Plan, Option<Running>), Blocked> {
    let plan = plan(packages, choice).map_err(Blocked::NoPlan)?;
    let running = start(&plan, &choice.start).map_err(Blocked::Start)?;
    if let Some((words, false)) = chosen(&plan, &choice.start) {
        return Err(Blocked::Route(words));
    }
    Ok((plan, running))
}

/// One package of the list above the plan, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageRow {
    /// The file's name.
    pub name: String,
    /// `SCCP41.8-5-2S · 7941/7961 · SCCP`, or `unreadable`.
    pub what: String,
    /// `Target`, `Hop`, `Not used`, `Left out: it has 2 errors; …`.
    pub role: String,
    /// `ok`, `muted` or `error`.
    pub tone: &'static str,
    /// Its errors and warnings, in sentences.
    pub findings: Vec<String>,
}

/// Each package dropped, with its part in `plan` (when there is one).
pub fn package_rows(packages: &Packages, plan: Option<&Plan>) -> Vec<PackageRow> {
    let is = |set: &[&Load], name: &str| set.iter().any(|l| l.name.eq_ignore_ascii_case(name));
    let hops: Vec<&Load> = plan.map(Plan::hops).unwrap_or_default();
    packages
        .list
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let Some(report) = p.report() else {
                // Why it could not be read is its role's reason; said once.
                return PackageRow {
                    name: p.name.clone(),
                    what: "unreadable".into(),
                    role: format!("Left out: {}.", packages.left_out(i).unwrap_or_default()),
                    tone: "error",
                    findings: Vec::new(),
                };
            };
            let mut what = vec![report.load.clone().unwrap_or_else(|| "no load".into())];
            what.extend(report.family_name.clone());
            what.extend(report.protocol.map(|p| p.to_string()));
            let load = report.load.as_deref().unwrap_or_default();
            let (role, tone) = match (packages.left_out(i), plan) {
                (Some(why), _) => (format!("Left out: {why}."), "error"),
                (None, Some(plan)) if plan.target.name.eq_ignore_ascii_case(load) => {
                    ("Target".to_string(), "ok")
                }
                (None, Some(_)) if is(&hops, load) => ("Hop".to_string(), "ok"),
                (None, Some(_)) => ("Not used".to_string(), "muted"),
                (None, None) => ("No plan".to_string(), "muted"),
            };
            PackageRow {
                name: p.name.clone(),
                what: what.join(" · "),
                role,
                tone,
                findings: report
                    .findings
                    .iter()
                    .filter(|f| f.severity != Severity::Info)
                    .map(|f| format::sentence(&f.message))
                    .collect(),
            }
        })
        .collect()
}

/// The bundle of `target` (built from `report`, the plan's target, as for one package)
/// with each hop's firmware and the plan beside it; or why not.
pub fn with_plan(
    target: Bundle,
    report: &Report,
    packages: &Packages,
    choice: &Choice,
) -> Result<Bundle, String> {
    if !in_play(packages, choice) {
        return Ok(target);
    }
    let (plan, _) = checked(packages, choice).map_err(Blocked::words)?;
    let mut others = Vec::new();
    for hop in plan.hops() {
        let (r, f) = packages
            .of_load(&hop.name)
            .ok_or_else(|| format!("no package holds `{}`", hop.name))?;
        let firmware = f.bundle_files(r).map_err(|e| e.to_string())?;
        others.push(bundle::Package {
            report: r,
            firmware,
        });
    }
    let start = start_text(&plan, &choice.start);
    bundle::build_plan(target, report, others, &plan, start).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{plan_packages, plan_settings};
    use lifeline_shared::bundle::PLAN_NAME;

    /// Why no bundle may be made of these packages with these choices, in words;
    /// `None` when it may (always, when the plan has no say).
    fn blocking(packages: &Packages, choice: &Choice) -> Option<String> {
        if !in_play(packages, choice) {
            return None;
        }
        checked(packages, choice).err().map(Blocked::words)
    }

    const HOP: &str = "SCCP41.8-5-2S";
    const TARGET: &str = "SCCP41.9-4-2SR3-1S";

    #[test]
    fn two_packages_make_a_plan_with_the_newest_as_target_and_one_hop_before_8_3_3() {
        let p = plan_packages(&[TARGET, HOP]);
        let plan = plan(&p, &Choice::default()).unwrap();
        assert_eq!(plan.target.name, TARGET);
        let words: Vec<String> = plan
            .routes
            .iter()
            .map(|(b, r)| format!("From {}: {}", b.label, route_words(r)))
            .collect();
        assert_eq!(
            words,
            [
                "From before 8.3(3): 2 hops: 8.5(2) → 9.4(2)SR3.",
                "From 8.3(3) or later: straight to 9.4(2)SR3."
            ]
        );
        assert_eq!(blocking(&p, &Choice::default()), None);
        // Step 5 says the walk in words; the target alone has none to say.
        assert_eq!(
            walk_words(&p, &Choice::default()).as_deref(),
            Some(
                "the helper takes each phone through 8.5(2) first, then 9.4(2)SR3, a reboot at a time"
            )
        );
        assert_eq!(
            walk_words(&plan_packages(&[TARGET]), &Choice::default()),
            None
        );
    }

    #[test]
    fn step_5_tells_the_chosen_starts_way_only() {
        let p = plan_packages(&[TARGET, HOP]);
        let walk = |target: Option<&str>, start: Start| {
            let target = target.map(str::to_string);
            walk_words(&p, &Choice { target, start })
        };
        let through =
            "the helper takes each phone through 8.5(2) first, then 9.4(2)SR3, a reboot at a time";
        assert_eq!(
            walk(None, Start::Typed("8.0(4)".into())),
            Some(format!("from 8.0(4), {through}"))
        );
        assert_eq!(
            walk(None, Start::Band(0)),
            Some(format!("from before 8.3(3), {through}"))
        );
        // A start past the hop goes straight there: the hop is not named.
        let straight = "the helper takes each phone straight to 9.4(2)SR3";
        assert_eq!(
            walk(None, Start::Band(1)),
            Some(format!("from 8.3(3) or later, {straight}"))
        );
        assert_eq!(
            walk(None, Start::Typed("8.5(2)".into())),
            Some(format!("from 8.5(2), {straight}"))
        );
        // Another target: the start's way to it.
        assert_eq!(
            walk(Some(HOP), Start::Typed("8.0(4)".into())).as_deref(),
            Some("from 8.0(4), the helper takes each phone straight to 8.5(2)")
        );
        // Nothing to walk: the target already, a start not read, no way there.
        assert_eq!(walk(None, Start::Typed(TARGET.into())), None);
        assert_eq!(walk(None, Start::Typed("eight".into())), None);
        let alone = plan_packages(&[TARGET]);
        let old = Choice {
            target: None,
            start: Start::Typed("8.0(4)".into()),
        };
        assert_eq!(walk_words(&alone, &old), None);
        // One package and a start past the hop: the helper walks it too.
        let recent = Choice {
            target: None,
            start: Start::Band(1),
        };
        assert_eq!(
            walk_words(&alone, &recent),
            Some(format!("from 8.3(3) or later, {straight}"))
        );
    }

    #[test]
    fn each_package_is_listed_with_its_part_and_a_bad_one_is_left_out_with_the_reason() {
        let mut files: Vec<_> = [TARGET, HOP, "SCCP41.9-3-1S"]
            .iter()
            .map(|l| crate::test_support::load_zip(l))
            .collect();
        files.push(lifeline_shared::firmware::inspect::InputFile {
            name: "broken.zip".into(),
            data: b"not a zip".to_vec(),
        });
        let (_, _, p) = crate::intake::inspect_packages(files).unwrap();
        let plan = plan(&p, &Choice::default()).unwrap();
        let rows = package_rows(&p, Some(&plan));
        let roles: Vec<&str> = rows.iter().map(|r| r.role.as_str()).collect();
        assert_eq!(
            roles,
            [
                "Target",
                "Hop",
                "Not used",
                "Left out: it could not be read: `broken.zip` is not a zip file."
            ]
        );
        assert_eq!(rows[1].what, "SCCP41.8-5-2S · 7941/7961 · SCCP");
        assert_eq!(rows[3].tone, "error");
        assert_eq!(rows[3].what, "unreadable");
        let problems = crate::checks::plan(Some(&p), &Choice::default());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0]
                .text
                .starts_with("`broken.zip` is left out of the upgrade plan")
        );
    }

    #[test]
    fn packages_of_two_families_make_no_plan_and_say_so_at_the_packages() {
        let p = crate::intake::inspect_packages(vec![
            crate::test_support::load_zip(TARGET),
            lifeline_shared::firmware::inspect::InputFile {
                name: "P0S3-8-12-00.zip".into(),
                data: lifeline_shared::testkit79::sip79_zip(),
            },
        ])
        .unwrap()
        .2;
        let e = plan(&p, &Choice::default()).unwrap_err();
        assert!(matches!(e, PlanError::SeveralFamilies(_)), "{e:?}");
        let problems = crate::checks::plan(Some(&p), &Choice::default());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].severity, Severity::Error);
        assert_eq!(problems[0].text, format!("No upgrade plan: {e}."));
        assert!(problems[0].text.contains("give one family's packages"));
        assert_eq!(problems[0].place.focus, "plan-packages");
        assert!(blocking(&p, &Choice::default()).is_some());
    }

    #[test]
    fn a_typed_start_is_read_or_refused_with_the_forms_it_takes() {
        let p = plan_packages(&[TARGET, HOP]);
        let plan = plan(&p, &Choice::default()).unwrap();
        let typed = |t: &str| start(&plan, &Start::Typed(t.into()));
        assert_eq!(typed("8.0(4)").unwrap().unwrap().version.major, 8);
        assert_eq!(
            typed("SCCP41.8-0-4S").unwrap().unwrap().name.as_deref(),
            Some("SCCP41.8-0-4S")
        );
        let bad = typed("eight").unwrap_err();
        assert!(
            bad.starts_with("`eight` is not a load Lifeline reads"),
            "{bad}"
        );
        assert!(
            bad.contains("8.0(4)") && bad.contains("SCCP41.8-0-4S"),
            "{bad}"
        );
        assert!(typed("  ").unwrap_err().starts_with("Say which release"));
        let other = typed("SCCP11.8-0-4S").unwrap_err();
        assert!(other.contains("is a load for the 7911"), "{other}");
        assert_eq!(start(&plan, &Start::Unknown), Ok(None));
        assert_eq!(
            chosen(&plan, &Start::Typed("8.0(4)".into())),
            Some(("From 8.0(4): 2 hops: 8.5(2) → 9.4(2)SR3.".into(), true))
        );
        assert_eq!(
            start_text(&plan, &Start::Typed(" 8.0(4) ".into())).as_deref(),
            Some("8.0(4)")
        );
        // A band is carried as a release in it, which the helper reads back.
        let band = start_text(&plan, &Start::Band(0)).unwrap();
        let back = Running::parse(&band, plan.target.protocol).unwrap();
        assert!(matches!(plan.route_from(&back), Route::Via(v) if v.len() == 2));
    }

    #[test]
    fn a_missing_hop_blocks_only_a_start_that_needs_it() {
        let p = plan_packages(&[TARGET]);
        let unknown = Choice::default();
        assert_eq!(blocking(&p, &unknown), None);
        // One package, start unknown: no plan problem at all, as before plans.
        assert!(crate::checks::plan(Some(&p), &unknown).is_empty());
        let old = Choice {
            target: None,
            start: Start::Typed("8.0(4)".into()),
        };
        let why = blocking(&p, &old).unwrap();
        assert_eq!(
            why,
            "From 8.0(4): needs any 8.5(2) load for 7941/7961 first, which no package given holds; add one."
        );
        let problems = crate::checks::plan(Some(&p), &old);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].severity, Severity::Error);
        assert_eq!(problems[0].text, why);
        assert_eq!(problems[0].place.focus, "plan-start");
        // Two packages with the start unknown: the band that lacks its hop warns.
        let two = plan_packages(&[TARGET, "SCCP41.9-3-1S"]);
        let warned = crate::checks::plan(Some(&two), &unknown);
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert_eq!(warned[0].severity, Severity::Warning);
        assert!(
            warned[0]
                .text
                .starts_with("Phones that start before 8.3(3): needs any 8.5(2)")
        );
        let recent = Choice {
            target: None,
            start: Start::Band(1),
        };
        assert_eq!(blocking(&p, &recent), None);
        let bad = Choice {
            target: None,
            start: Start::Typed("x".into()),
        };
        assert!(
            blocking(&p, &bad)
                .unwrap()
                .contains("not a load Lifeline reads")
        );
    }

    #[test]
    fn the_bundle_holds_the_hop_its_recovery_manifests_and_the_plan() {
        let p = plan_packages(&[HOP, TARGET]);
        let choice = Choice {
            target: None,
            start: Start::Typed("8.0(4)".into()),
        };
        let (report, firmware) = p.of_load(TARGET).unwrap();
        let files = firmware.bundle_files(report).unwrap();
        let single = bundle::build(report, files, &plan_settings()).unwrap();
        let b = with_plan(single.clone(), report, &p, &choice).unwrap();
        for name in [
            "SCCP41.8-5-2S.loads",
            "SCCP41.8-5-2S.term61.default.loads",
            "SCCP41.8-5-2S.term41.default.loads",
            PLAN_NAME,
            "SCCP41.9-4-2SR3-1S.loads",
        ] {
            assert!(b.manifest.files.iter().any(|f| f.name == name), "{name}");
        }
        let plan = String::from_utf8(b.contents[PLAN_NAME].clone()).unwrap();
        assert!(plan.contains("\"start\": \"8.0(4)\""), "{plan}");
        assert!(
            plan.contains("\"target\": \"SCCP41.9-4-2SR3-1S\""),
            "{plan}"
        );
        // Without the hop's package and with a start that needs it: no bundle.
        let alone = plan_packages(&[TARGET]);
        let (r, f) = alone.of_load(TARGET).unwrap();
        let single = bundle::build(r, f.bundle_files(r).unwrap(), &plan_settings()).unwrap();
        let why = with_plan(single.clone(), r, &alone, &choice).unwrap_err();
        assert!(why.contains("needs any 8.5(2) load"), "{why}");
        // Unknown start, no hop: the bundle of one package, unchanged.
        assert_eq!(
            with_plan(single.clone(), r, &alone, &Choice::default()).unwrap(),
            single
        );
    }
}
