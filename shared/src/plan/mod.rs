//! Upgrade plans: several loads of one family, and the way from where a phone starts
//! to the load the person wants.
//!
//! Cisco requires hops between some loads ([`crate::firmware::upgrade`] for the
//! five-image families, [`crate::firmware::upgrade79`] for the 7940/7960). A [`Plan`]
//! is worked out once from the loads given: for each starting band the rules tell
//! apart, the hops to take, or the package that is missing, or why the way is
//! impossible. [`route`] gives the same answer for one phone whose load is known.
//!
//! # Layout
//!
//! - this module: [`Load`], [`Running`] (what a phone runs), [`step`] (one move
//!   judged), [`route`] and [`Plan`].
//! - `walk`: the helper's per-phone walk through a plan, request by request (pure).
//! - `retarget`: a served configuration made to name another load.

pub mod retarget;
pub mod walk;

use crate::firmware::inspect::strip_loads;
use crate::firmware::upgrade;
use crate::firmware::upgrade79::{self, Broken, Image79};
use crate::firmware::version::Version;
use crate::models::{self, FamilyId, ManifestStyle, Protocol};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// The most loads one plan takes.
pub const MAX_LOADS: usize = 16;

/// A load a package gives: its manifest name, family, protocol and version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Load {
    /// The load manifest's name without `.loads` (`SCCP41.8-5-2S`).
    pub name: String,
    pub family: FamilyId,
    pub protocol: Protocol,
    pub version: Version,
}

impl Load {
    /// Reads a load name (`SCCP41.9-4-2SR3-1S`, `P0S3-8-12-00`, with or without `.loads`).
    pub fn of_name(name: &str) -> Option<Load> {
        let name = strip_loads(name);
        Some(Load {
            name: name.to_string(),
            family: models::family_of_name(name)?,
            protocol: models::protocol_of_name(name)?,
            version: Version::from_load_name(name)?,
        })
    }

    /// What the phone runs once it has taken this load.
    pub fn running(&self) -> Running {
        Running {
            protocol: self.protocol,
            version: self.version.clone(),
            name: Some(self.name.clone()),
        }
    }

    /// The load in words: `9.4(2)SR3`, or `SIP 8.12(0)` where the protocol is part of
    /// the rules (7940/7960).
    pub fn label(&self) -> String {
        self.running().label(self.family)
    }
}

/// What a phone runs: a load's protocol and version, its name when known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Running {
    pub protocol: Protocol,
    pub version: Version,
    /// The load's name, when it is known (announced, or a load Lifeline served).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Why a typed load is not one phones of a family can be said to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartError {
    /// Neither a load name nor a release.
    Unreadable,
    /// The name of a load for this other family.
    OtherFamily(FamilyId),
}

/// The forms a start is read in, for the words that ask for one again.
pub const START_FORMS: &str =
    "a release such as 8.0(4) or SIP 8.12(0), or a load name such as SCCP41.8-0-4S";

impl StartError {
    /// Why `text` is refused as what phones of `family` run, and how to give it:
    /// the same words on the page, on a phone's card and on the command line.
    pub fn words(&self, text: &str, family: FamilyId) -> String {
        match self {
            StartError::Unreadable => Self::unreadable_words(text),
            StartError::OtherFamily(other) => format!(
                "`{}` is a load for the {}, and these phones are {}: give the load they run, \
                 or its release such as 8.0(4)",
                text.trim(),
                models::family(*other).name,
                models::family(family).name
            ),
        }
    }

    /// Why `text` is read as no load of any family, and how to give one.
    pub fn unreadable_words(text: &str) -> String {
        format!(
            "`{}` is not a load Lifeline reads: give {START_FORMS}",
            text.trim()
        )
    }
}

impl Running {
    /// Reads what a person typed off the phone's *Settings → Status → Firmware
    /// Versions*, or what the phone announced: a load name (`SCCP41.8-0-4S`,
    /// `P0S3-07-5-00`), or a release with an optional protocol (`8.0(4)`,
    /// `SIP 8.12(0)`, `8-0-4`). `protocol` is taken when the text names none.
    pub fn parse(text: &str, protocol: Protocol) -> Option<Running> {
        let text = text.trim();
        if text.is_empty() || text.len() > 64 {
            return None;
        }
        if let Some(load) = Load::of_name(text) {
            return Some(load.running());
        }
        let (protocol, rest) = match text.split_once(char::is_whitespace) {
            Some((p, rest)) if p.eq_ignore_ascii_case("sip") => (Protocol::Sip, rest.trim()),
            Some((p, rest)) if p.eq_ignore_ascii_case("sccp") => (Protocol::Sccp, rest.trim()),
            _ => (protocol, text),
        };
        // 8.0(4)SR1 → 8-0-4SR1.
        let dashed = rest.replace(['(', '.'], "-").replace(')', "");
        let version = Version::parse(&dashed)?;
        Some(Running {
            protocol,
            version,
            name: None,
        })
    }

    /// [`Running::parse`] for phones of `family`: the name of a load for another
    /// family is refused, since its release numbers mean nothing on these phones.
    pub fn parse_for(
        text: &str,
        family: FamilyId,
        protocol: Protocol,
    ) -> Result<Running, StartError> {
        let running = Running::parse(text, protocol).ok_or(StartError::Unreadable)?;
        match Load::of_name(text.trim()) {
            Some(load) if load.family != family => Err(StartError::OtherFamily(load.family)),
            _ => Ok(running),
        }
    }

    /// `8.0(4)`, or `SCCP 8.0(4)` for a 7940/7960, whose rules turn on the protocol.
    pub fn label(&self, family: FamilyId) -> String {
        if family == FamilyId::F7940_7960 {
            format!("{} {}", self.protocol, self.version)
        } else {
            self.version.to_string()
        }
    }

    /// Whether this is that load (by name when both are named, else by protocol and
    /// release).
    pub fn is(&self, load: &Load) -> bool {
        match &self.name {
            Some(n) => n.eq_ignore_ascii_case(&load.name),
            None => {
                self.protocol == load.protocol
                    && cmp_version(&self.version, &load.version) == Ordering::Equal
            }
        }
    }
}

/// Release numbers first, then the suffix (`SR3` after `SR2`, none first).
pub fn cmp_version(a: &Version, b: &Version) -> Ordering {
    (a.major, a.minor, a.maint)
        .cmp(&(b.major, b.minor, b.maint))
        .then_with(|| a.suffix.len().min(1).cmp(&b.suffix.len().min(1)))
        .then_with(|| natural(&a.suffix, &b.suffix))
}

/// `SR10` after `SR9`.
fn natural(a: &str, b: &str) -> Ordering {
    let split = |s: &str| {
        let d = s.trim_start_matches(|c: char| !c.is_ascii_digit());
        let head = &s[..s.len() - d.len()];
        let n: u64 = d
            .chars()
            .take_while(char::is_ascii_digit)
            .take(9)
            .collect::<String>()
            .parse()
            .unwrap_or(0);
        (head.to_ascii_uppercase(), n)
    };
    split(a).cmp(&split(b)).then_with(|| a.cmp(b))
}

/// A load the rules require first, described so a person can find one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    /// The protocol it must be, when the rule says.
    pub protocol: Option<Protocol>,
    /// The lowest release that will do (major, minor, maint).
    pub from: (u32, u32, u32),
    /// The release it must be below, when there is a ceiling.
    pub below: Option<(u32, u32, u32)>,
    /// In words: "any 8.5(2) load for 7941/7961".
    pub words: String,
}

impl Need {
    /// Whether `load` will do.
    pub fn met_by(&self, load: &Load) -> bool {
        let v = &load.version;
        self.protocol.is_none_or(|p| p == load.protocol)
            && v.cmp_release(self.from.0, self.from.1, self.from.2).is_ge()
            && self
                .below
                .is_none_or(|(a, b, c)| v.cmp_release(a, b, c).is_lt())
    }
}

/// One move judged against the rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The phone may take the load straight away.
    Direct,
    /// The phone needs another load first.
    Hop(Need),
    /// No phone running this may ever take the load: why, and what to do instead.
    Forbidden(&'static str, &'static str),
}

/// Whether a phone of `family` running `from` may take `to` in one step.
pub fn step(family: FamilyId, from: &Running, to: &Load) -> Step {
    let name = models::family(family).name;
    // A 7940/7960 hop: any load of `protocol` from release `major` on.
    let at_least = |protocol: Protocol, major: u32| {
        Step::Hop(Need {
            protocol: Some(protocol),
            from: (major, 0, 0),
            below: None,
            words: format!("any {protocol} load of {major}.x or later for {name}"),
        })
    };
    if family == FamilyId::F7940_7960 {
        let from79 = Image79 {
            protocol: from.protocol,
            version: from.version.clone(),
        };
        let to79 = Image79 {
            protocol: to.protocol,
            version: to.version.clone(),
        };
        return match upgrade79::check_step(&from79, &to79) {
            Ok(()) => Step::Direct,
            Err(b @ Broken::BackToUnsigned) => {
                let (why, fix) = b.words();
                Step::Forbidden(why, fix)
            }
            Err(Broken::SccpTooOldForSip) => at_least(Protocol::Sccp, upgrade79::SCCP_BEFORE_SIP),
            Err(Broken::SipTooOldForSccp) => at_least(Protocol::Sip, upgrade79::SIP_BEFORE_SCCP),
        };
    }
    match upgrade::hop_before(family, &from.version, &to.version) {
        Some(release) => Step::Hop(Need {
            protocol: None,
            from: upgrade::HOP_BELOW,
            below: Some(upgrade::HOP_TO),
            words: format!("any {release} load for {name}"),
        }),
        None => Step::Direct,
    }
}

/// How a phone gets from where it is to the target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The loads to take in order, the target last (only the target when no hop is
    /// needed; empty when the phone already runs it).
    Via(Vec<Load>),
    /// A load the rules require is not among the packages given.
    Missing(Need),
    /// The rules forbid every way there: why, and what to do instead.
    Impossible(&'static str, &'static str),
}

/// The way from `from` to `target` through `loads` (the target among them or not):
/// the fewest hops, each one a step the rules allow; else what is missing or why it
/// is impossible.
pub fn route(family: FamilyId, from: &Running, target: &Load, loads: &[Load]) -> Route {
    if from.is(target) {
        return Route::Via(Vec::new());
    }
    // Breadth first over the loads, at most MAX_LOADS deep; of two ways as short,
    // the one through the newer load (Cisco names 8.5(2) as the hop, though any
    // 8.3(3)–8.5(2) load will do).
    let mut loads: Vec<&Load> = loads
        .iter()
        .filter(|l| l.family == family && l.name != target.name)
        .take(MAX_LOADS)
        .collect();
    crate::sort::sort_by(&mut loads, |a, b| cmp_version(&b.version, &a.version));
    let mut frontier: Vec<(Running, Vec<Load>)> = vec![(from.clone(), Vec::new())];
    let mut seen: Vec<&str> = Vec::new();
    for _ in 0..=loads.len() {
        let mut next = Vec::new();
        for (at, path) in &frontier {
            if step(family, at, target) == Step::Direct {
                let mut p = path.clone();
                p.push(target.clone());
                return Route::Via(p);
            }
            for l in &loads {
                if seen.contains(&l.name.as_str()) || at.is(l) {
                    continue;
                }
                if step(family, at, l) == Step::Direct {
                    seen.push(&l.name);
                    let mut p = path.clone();
                    p.push((*l).clone());
                    next.push((l.running(), p));
                }
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    // No way: say what the first rule in the way asks for.
    match step(family, from, target) {
        Step::Forbidden(why, fix) => Route::Impossible(why, fix),
        Step::Hop(need) => {
            // A load that meets the need but is itself out of reach: what it needs.
            let inner = loads.iter().find(|l| need.met_by(l)).map(|l| {
                let l = (*l).clone();
                route(family, from, &l, &[])
            });
            match inner {
                Some(Route::Missing(n)) => Route::Missing(n),
                Some(Route::Impossible(a, b)) => Route::Impossible(a, b),
                _ => Route::Missing(need),
            }
        }
        Step::Direct => Route::Via(vec![target.clone()]),
    }
}

/// A starting point the rules tell apart: a label a person reads, and a phone there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Band {
    /// `before 8.3(3)`, `SIP 5.x to 6.x`.
    pub label: String,
    /// A phone in this band, for working out its route.
    pub example: Running,
}

/// The starting bands of a family's rules, oldest first.
pub fn bands(family: FamilyId, target: &Load) -> Vec<Band> {
    let at = |protocol, major, minor, maint| Running {
        protocol,
        version: Version {
            major,
            minor,
            maint,
            suffix: String::new(),
            raw: format!("{major}-{minor}-{maint}"),
        },
        name: None,
    };
    let band = |label: &str, example: Running| Band {
        label: label.to_string(),
        example,
    };
    if family == FamilyId::F7940_7960 {
        use Protocol::{Sccp, Sip};
        return vec![
            band("SCCP before 5.x", at(Sccp, 4, 0, 0)),
            band("SCCP 5.x or later", at(Sccp, 5, 0, 0)),
            band("SIP before 5.x (unsigned)", at(Sip, 4, 0, 0)),
            band("SIP 5.x to 6.x", at(Sip, 5, 0, 0)),
            band("SIP 7.x or later", at(Sip, 7, 0, 0)),
        ];
    }
    let five = models::family(family).manifest_style == ManifestStyle::FiveImages;
    let (below, to) = (upgrade::HOP_BELOW, upgrade::HOP_TO);
    if five && target.version.cmp_release(to.0, to.1, to.2).is_ge() {
        let from = format!("{}.{}({})", below.0, below.1, below.2);
        return vec![
            band(
                &format!("before {from}"),
                at(target.protocol, below.0, 0, 0),
            ),
            band(
                &format!("{from} or later"),
                at(target.protocol, below.0, below.1, below.2),
            ),
        ];
    }
    vec![band("any load", at(target.protocol, 0, 0, 0))]
}

/// Why loads cannot make a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanError {
    /// Nothing given.
    NoLoads,
    /// More than one family.
    SeveralFamilies(Vec<&'static str>),
    /// The target named is not among the loads.
    NoSuchTarget { target: String, loads: Vec<String> },
    /// Too many loads.
    TooMany(usize),
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::NoLoads => f.write_str("no firmware load was given"),
            PlanError::SeveralFamilies(names) => write!(
                f,
                "the packages are for several phone families ({}); an upgrade plan is for one family: give one family's packages",
                names.join(", ")
            ),
            PlanError::NoSuchTarget { target, loads } => write!(
                f,
                "`{target}` is not one of the loads given ({}); name one of them as the target",
                loads.join(", ")
            ),
            PlanError::TooMany(n) => {
                write!(f, "{n} loads were given; a plan takes at most {MAX_LOADS}")
            }
        }
    }
}

impl std::error::Error for PlanError {}

/// The plan for one family: the target, every load given, and each band's route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub family: FamilyId,
    pub target: Load,
    /// Every load given, oldest first, the target among them.
    pub loads: Vec<Load>,
    /// Each starting band with its route.
    pub routes: Vec<(Band, Route)>,
}

impl Plan {
    /// Works out the plan: the target is the load named `target`, else the newest
    /// (release, then suffix; SIP before SCCP at equal versions).
    pub fn new(loads: &[Load], target: Option<&str>) -> Result<Plan, PlanError> {
        let Some(first) = loads.first() else {
            return Err(PlanError::NoLoads);
        };
        if loads.len() > MAX_LOADS {
            return Err(PlanError::TooMany(loads.len()));
        }
        let mut families: Vec<&'static str> = Vec::new();
        for l in loads {
            let n = models::family(l.family).name;
            if !families.contains(&n) {
                families.push(n);
            }
        }
        if families.len() > 1 {
            return Err(PlanError::SeveralFamilies(families));
        }
        let mut sorted: Vec<Load> = Vec::new();
        for l in loads {
            if !sorted.iter().any(|s| s.name.eq_ignore_ascii_case(&l.name)) {
                sorted.push(l.clone());
            }
        }
        crate::sort::sort_by(&mut sorted, |a, b| {
            cmp_version(&a.version, &b.version)
                .then_with(|| (a.protocol == Protocol::Sip).cmp(&(b.protocol == Protocol::Sip)))
        });
        let target = match target {
            Some(t) => {
                let t = strip_loads(t.trim());
                sorted
                    .iter()
                    .find(|l| l.name.eq_ignore_ascii_case(t))
                    .cloned()
                    .ok_or_else(|| PlanError::NoSuchTarget {
                        target: t.to_string(),
                        loads: sorted.iter().map(|l| l.name.clone()).collect(),
                    })?
            }
            None => sorted.last().cloned().unwrap_or_else(|| first.clone()),
        };
        let family = first.family;
        let routes = bands(family, &target)
            .into_iter()
            .map(|b| {
                let r = route(family, &b.example, &target, &sorted);
                (b, r)
            })
            .collect();
        Ok(Plan {
            family,
            target,
            loads: sorted,
            routes,
        })
    }

    /// The loads some route takes before the target.
    pub fn hops(&self) -> Vec<&Load> {
        let mut out: Vec<&Load> = Vec::new();
        for l in &self.loads {
            let used = self.routes.iter().any(|(_, r)| {
                matches!(r, Route::Via(v) if v.iter().any(|h| h.name == l.name && h.name != self.target.name))
            });
            if used {
                out.push(l);
            }
        }
        out
    }

    /// What a phone whose start is unknown is offered when the plan has no hop
    /// ([`Plan::hops`] empty): the bundle then carries no plan, so the target,
    /// as it would be without one.
    pub fn no_hop_words(&self) -> String {
        format!(
            "with no hop in the bundle, every phone is offered {} when it asks",
            self.target.label()
        )
    }

    /// The loads given that no route uses.
    pub fn unused(&self) -> Vec<&Load> {
        let hops = self.hops();
        self.loads
            .iter()
            .filter(|l| l.name != self.target.name && !hops.iter().any(|h| h.name == l.name))
            .collect()
    }

    /// The route for a phone running `from`.
    pub fn route_from(&self, from: &Running) -> Route {
        route(self.family, from, &self.target, &self.loads)
    }

    /// The plan in plain words, one line each: the target, then each band.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "Target: {} ({}, {}) for the {}.",
            self.target.label(),
            self.target.name,
            self.target.protocol,
            models::family(self.family).name
        )];
        for (band, r) in &self.routes {
            out.push(format!("From {}: {}", band.label, route_words(r)));
        }
        for l in self.unused() {
            out.push(format!(
                "Not used: {} ({}); no phone needs it on the way.",
                l.label(),
                l.name
            ));
        }
        out
    }
}

/// A route in words: "8.5(2) (SCCP41.8-5-2S), then 9.4(2)SR3.".
pub fn route_words(r: &Route) -> String {
    match r {
        Route::Via(v) if v.is_empty() => "already there.".to_string(),
        Route::Via(v) if v.len() == 1 => format!("straight to {}.", v[0].label()),
        Route::Via(v) => {
            let parts: Vec<String> = v.iter().map(|l| l.label()).collect();
            format!("{} hops: {}.", v.len(), parts.join(" → "))
        }
        Route::Missing(n) => format!(
            "needs {} first, which no package given holds; add one.",
            n.words
        ),
        Route::Impossible(why, fix) => format!("impossible. {why} {fix}"),
    }
}

#[cfg(test)]
mod tests;
