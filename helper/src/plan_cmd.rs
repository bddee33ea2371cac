//! Several firmware packages on the command line: the upgrade plan worked out from
//! them (`lifeline inspect A B`), and the bundle that walks phones through it
//! (`lifeline bundle A B`, `lifeline serve --firmware A --firmware B`).

use lifeline_shared::bundle::{self, Bundle, Package};
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::firmware::inspect::strip_loads;
use lifeline_shared::models::Protocol;
use lifeline_shared::plan::{Load, Plan, Route, Running, StartError, route_words};
use std::path::PathBuf;

/// One package given: where it was read from and its inspection.
#[derive(Debug)]
pub struct Given {
    pub path: PathBuf,
    pub report: Report,
}

/// The plan of the packages given, or why there is none (each package that has no
/// load, or loads of several families). `target`: the load to end on (default the
/// newest).
pub fn plan_of(given: &[Given], target: Option<&str>) -> Result<Plan, String> {
    let mut loads = Vec::new();
    for g in given {
        let Some(name) = g.report.load.as_deref() else {
            return Err(format!(
                "{}: it holds no load manifest (SCCP…/SIP….loads), so it cannot be a step of an upgrade plan",
                g.path.display()
            ));
        };
        let load = Load::of_name(name).ok_or_else(|| {
            format!(
                "{}: Lifeline cannot read a release out of its load `{name}`",
                g.path.display()
            )
        })?;
        loads.push(load);
    }
    Plan::new(&loads, target).map_err(|e| e.to_string())
}

/// Refuses `--start` given as a protocol alone: `--start SIP 8.12(0)` unquoted
/// reaches the command as `--start SIP` and a path `8.12(0)`, which would
/// otherwise be reported as a file not found. Called before any path is read.
pub fn start_is_whole(start: Option<&str>) -> Result<(), String> {
    match start.map(str::trim) {
        Some(p) if p.eq_ignore_ascii_case("sip") || p.eq_ignore_ascii_case("sccp") => {
            let release = if p.eq_ignore_ascii_case("sip") {
                "8.12(0)"
            } else {
                "8.0(4)"
            };
            Err(format!(
                "--start {p} names a protocol without its release: put both in one argument, \
                 as in --start '{p} {release}'"
            ))
        }
        _ => Ok(()),
    }
}

/// Refuses `--start` and `--target` that no package could make good: a start
/// that is no release nor load name at all, a target that is no load name.
/// Called before any path is read, so nothing is read or printed before the
/// error; whether a start or target fits the packages' family is judged after.
pub fn args_readable(start: Option<&str>, target: Option<&str>) -> Result<(), String> {
    if let Some(t) = start.map(str::trim)
        && !t.eq_ignore_ascii_case("unknown")
        && Running::parse(t, Protocol::Sccp).is_none()
    {
        return Err(unreadable_start(t));
    }
    if let Some(t) = target.map(str::trim)
        && Load::of_name(strip_loads(t)).is_none()
    {
        return Err(format!(
            "--target `{t}` is not a load name; give the name of one of the loads given, such as SCCP41.9-4-2SR3-1S"
        ));
    }
    Ok(())
}

/// The shared words for a start no family reads, and `unknown`, which only
/// `--start` takes.
fn unreadable_start(t: &str) -> String {
    format!("--start {}, or `unknown`", StartError::unreadable_words(t))
}

/// Reads `--start`: `None` for unknown.
pub fn start_of(text: Option<&str>, plan: &Plan) -> Result<Option<Running>, String> {
    match text.map(str::trim) {
        None => Ok(None),
        Some(t) if t.eq_ignore_ascii_case("unknown") => Ok(None),
        Some(t) => Running::parse_for(t, plan.target.family, plan.target.protocol)
            .map(Some)
            .map_err(|e| match e {
                StartError::Unreadable => unreadable_start(t),
                StartError::OtherFamily(_) => format!("--start {}", e.words(t, plan.target.family)),
            }),
    }
}

/// Why phones starting at `start` cannot be walked to the target, if they cannot.
pub fn check_start(plan: &Plan, start: &Running) -> Result<(), String> {
    match plan.route_from(start) {
        Route::Via(_) => Ok(()),
        r => Err(format!(
            "phones on {} cannot reach {}: {}",
            start.label(plan.family),
            plan.target.label(),
            route_words(&r)
        )),
    }
}

/// The plan a bundle is made of (`bundle`, `serve --firmware`): the plan, the start
/// phones are on, and which package given holds the target.
#[derive(Debug)]
pub struct Planned {
    pub plan: Plan,
    /// Where the phones start; `None`: unknown.
    pub start: Option<Running>,
    /// `--start` as given, when it names a load: the bundle's plan file carries it.
    start_text: Option<String>,
    /// The index, among the packages given, of the one holding the target.
    pub target: usize,
}

/// For `bundle` and `serve --firmware`: the plan of `given` and the start phones are
/// on, when there is a plan to make (several packages, or a target or start named);
/// or why no bundle can be made of them (a start the packages cannot walk among).
pub fn for_bundle(
    given: &[Given],
    target: Option<&str>,
    start: Option<&str>,
) -> Result<Option<Planned>, String> {
    if given.len() < 2 && target.is_none() && start.is_none() {
        return Ok(None);
    }
    let plan = plan_of(given, target)?;
    let running = start_of(start, &plan)?;
    if let Some(s) = &running {
        check_start(&plan, s)?;
    }
    Ok(Some(Planned {
        start_text: running.as_ref().and(start).map(str::to_string),
        target: target_of(given, &plan),
        plan,
        start: running,
    }))
}

/// The plan in words, for a terminal: the target, each band, and the known
/// start's way.
pub fn render(plan: &Plan, start: Option<&Running>) -> String {
    let mut t = String::from("Upgrade plan\n");
    for line in plan.lines() {
        t.push_str("  ");
        t.push_str(&line);
        t.push('\n');
    }
    match start {
        Some(s) => t.push_str(&format!(
            "  Phones start on {}: {}\n",
            s.label(plan.family),
            route_words(&plan.route_from(s))
        )),
        None if plan.hops().is_empty() => {
            t.push_str(&format!("  Start unknown: {}.\n", plan.no_hop_words()));
        }
        None => t.push_str(
            "  Start unknown: the helper offers a phone no load until it knows which one it runs (announced over CDP/LLDP, or said on its card); give --start when you know.\n",
        ),
    }
    t
}

fn route_json(plan: &Plan, r: &Route) -> serde_json::Value {
    match r {
        Route::Via(v) => serde_json::json!({
            "kind": "via",
            "loads": v.iter().map(|l| &l.name).collect::<Vec<_>>(),
            "words": route_words(r),
        }),
        Route::Missing(n) => serde_json::json!({
            "kind": "missing",
            "need": n.words,
            "words": route_words(r),
        }),
        Route::Impossible(..) => serde_json::json!({
            "kind": "impossible",
            "words": route_words(r),
            "family": lifeline_shared::models::family(plan.family).name,
        }),
    }
}

/// The plan as JSON (`lifeline inspect A B --json`).
pub fn to_json(plan: &Plan, start: Option<&Running>) -> serde_json::Value {
    let load = |l: &Load| {
        serde_json::json!({
            "name": l.name,
            "label": l.label(),
            "protocol": l.protocol.as_str(),
        })
    };
    serde_json::json!({
        "family": lifeline_shared::models::family(plan.family).name,
        "target": load(&plan.target),
        "loads": plan.loads.iter().map(load).collect::<Vec<_>>(),
        "hops": plan.hops().into_iter().map(load).collect::<Vec<_>>(),
        "unused": plan.unused().into_iter().map(load).collect::<Vec<_>>(),
        "routes": plan.routes.iter().map(|(b, r)| {
            let mut v = route_json(plan, r);
            v["from"] = serde_json::Value::String(b.label.clone());
            v
        }).collect::<Vec<_>>(),
        "start": start.map(|s| {
            let mut v = route_json(plan, &plan.route_from(s));
            v["from"] = serde_json::Value::String(s.label(plan.family));
            v
        }),
        "lines": plan.lines(),
    })
}

/// The bundle of a plan: `target_bundle` (built from the target's package as a
/// single-load bundle is) with every hop's files, `read` by the package's index.
pub fn bundle_of(
    target_bundle: Bundle,
    given: &[Given],
    planned: &Planned,
    read: impl Fn(usize) -> Result<Vec<(String, Vec<u8>)>, String>,
) -> Result<Bundle, String> {
    let hops = planned.plan.hops();
    let mut others = Vec::new();
    for (i, g) in given.iter().enumerate() {
        if i == planned.target {
            continue;
        }
        let hop = hops.iter().any(|h| {
            g.report
                .load
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(&h.name))
        });
        if hop {
            others.push(Package {
                report: &g.report,
                firmware: read(i)?,
            });
        }
    }
    bundle::build_plan(
        target_bundle,
        &given[planned.target].report,
        others,
        &planned.plan,
        planned.start_text.clone(),
    )
    .map_err(|e| e.to_string())
}

/// Which package given holds the plan's target.
fn target_of(given: &[Given], plan: &Plan) -> usize {
    given
        .iter()
        .position(|g| {
            g.report
                .load
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(&plan.target.name))
        })
        .unwrap_or(0)
}
