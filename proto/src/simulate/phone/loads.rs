//! A phone given the load it runs ([`PhoneSpec::running`]), for [`Phone`]: what it
//! does with the load its configuration names, as the real phone does.
//!
//! - The configuration names no load (an empty `loadInformation`, no entry for its
//!   device, a 7940/7960 `.cnf` without `image_version`), or the load it runs: it keeps
//!   its load and is up. An SCCP phone finds no call manager (the simulator has none)
//!   and, as a real one does, goes back to TFTP: here it asks for its configuration
//!   once more, and when that names its load again (or none) it stays, which is the
//!   verdict. A phone with a SIP line to register registers it instead, as without a
//!   running load, and that is the verdict.
//! - It names another load: the phone fetches `<LOAD>.loads` and its images, checked
//!   as always, then judges the move with Cisco's rules
//!   ([`lifeline_shared::plan::step`]). Allowed: it runs that load and reboots. A hop
//!   needed first, or a move forbidden: "Load Authentication Failed", it keeps its load
//!   and reboots, and asks again (the real phone's loop). A reboot starts the boot
//!   order again (security files, configuration) from the same address, without DHCP.
//! - After a factory reset ([`Scenario::Recovery`]) it fetches the recovery manifest's
//!   images and reboots running that load ([`recovered_load`]); a 7940/7960's
//!   `OS79XX.TXT` names an image, judged as a configuration's.
//! - At most [`MAX_BOOTS`] boots: a phone still moving then is "still upgrading", or
//!   still refusing the load it is offered.

use lifeline_shared::firmware::inspect::strip_loads;
use lifeline_shared::firmware::manifest::ImageLine;
use lifeline_shared::firmware::version::Version;
use lifeline_shared::models::{self, Protocol};
use lifeline_shared::plan::{self, Load, Running};

use super::{Phone, Problem, Scenario, Step, Time, Verdict};
use crate::simulate::report::{End, Refusal, Upgrade};
use crate::simulate::spec::{MAX_BOOTS, PhoneSpec};

/// What a phone given its running load has run and been offered.
#[derive(Debug)]
pub(super) struct Runs {
    /// The load it runs now.
    now: Running,
    /// Every load it ran, in order, `now` last.
    ran: Vec<Running>,
    /// Boots so far, the first power-on counted.
    boots: u32,
    /// Configurations this boot that named its own load or none.
    up: u32,
    /// The load being fetched, judged once its images check out.
    offered: Option<Load>,
    /// Its last offer, refused, and how many boots in a row.
    refused: Option<Refusal>,
    /// After a factory reset: the load the recovery manifest gives, or why it cannot
    /// be told.
    recovering: Option<Result<Running, String>>,
}

impl Runs {
    pub(super) fn new(now: Running) -> Runs {
        Runs {
            ran: vec![now.clone()],
            now,
            boots: 1,
            up: 0,
            offered: None,
            refused: None,
            recovering: None,
        }
    }
}

/// The load a recovery manifest gives. Such a manifest (`termNN.default.loads`) names
/// no load, so it is read off the body: the release in its `# RELEASE load version …`
/// comment, else the version in its images' names (`jar41sccp.9-4-2SR3-1S.sbn`), and
/// the protocol of the images that carry one (`jar41sccp`, `cvm41sip`; `protocol`
/// when none does). Its name stays unknown, so the phone compares releases after it.
pub(super) fn recovered_load(
    release: Option<&str>,
    images: &[ImageLine],
    protocol: Protocol,
) -> Option<Running> {
    let stem = |name: &str| name.rsplit_once('.').map_or(name, |(s, _)| s).to_owned();
    let protocol = images
        .iter()
        .find_map(|i| models::protocol_of_name(&i.name))
        .unwrap_or(protocol);
    let version = release.and_then(Version::parse).or_else(|| {
        images
            .iter()
            .find_map(|i| Version::from_load_name(&stem(&i.name)))
    })?;
    Some(Running {
        protocol,
        version,
        name: None,
    })
}

/// `8.5(2) (SCCP41.8-5-2S)`, or `8.5(2)` when the name is not known.
fn words(running: &Running, spec: &PhoneSpec) -> String {
    let label = running.label(spec.model.family);
    match &running.name {
        Some(n) => format!("{label} ({n})"),
        None => label,
    }
}

impl Phone {
    /// The loads the phone ran, in order, in words (empty without a running load).
    pub(super) fn ran_words(&self) -> Vec<String> {
        let family = self.spec.model.family;
        self.runs
            .as_ref()
            .map(|r| r.ran.iter().map(|l| l.label(family)).collect())
            .unwrap_or_default()
    }

    /// Whether the phone runs the load called `name` (by name when its own is known,
    /// else by protocol and release).
    pub(super) fn runs_load(&self, name: &str) -> bool {
        self.runs.as_ref().is_some_and(|runs| match &runs.now.name {
            Some(n) => n.eq_ignore_ascii_case(name),
            None => self.load_named(name).is_some_and(|l| runs.now.is(&l)),
        })
    }

    /// The load called `name`, as this phone takes it: a name without a protocol
    /// (`CP7925G-1.4.7.3`) is of the protocol the phone runs, and of its family; a
    /// prefix the shared reader does not take (`sip8845_65.14-2-1-0101-33`) is
    /// skipped to the first dot.
    fn load_named(&self, name: &str) -> Option<Load> {
        let runs = self.runs.as_ref()?;
        Load::of_name(name).or_else(|| {
            let stem = strip_loads(name);
            let version = Version::from_load_name(stem)
                .or_else(|| stem.split_once('.').and_then(|(_, v)| Version::parse(v)))?;
            Some(Load {
                name: stem.to_owned(),
                family: self.spec.model.family,
                protocol: models::protocol_of_name(stem).unwrap_or(runs.now.protocol),
                version,
            })
        })
    }

    /// The configuration (or `OS79XX.TXT`) named `load`, or none.
    pub(super) fn offered(&mut self, now: Time, load: Option<String>) {
        if self.runs.is_none() {
            return;
        }
        let Some(name) = load else {
            return self.up(now);
        };
        if self.runs_load(&name) {
            // Its own load: now its name is known too.
            if let Some(runs) = self.runs.as_mut()
                && runs.now.name.is_none()
            {
                runs.now.name = Some(name);
            }
            return self.up(now);
        }
        let named = self.load_named(&name);
        let Some(runs) = self.runs.as_mut() else {
            return;
        };
        match named {
            Some(load) => {
                runs.offered = Some(load);
                self.load_manifest(now, name);
            }
            None => {
                let on = words(&runs.now, &self.spec);
                self.could_not_run(
                    now,
                    format!(
                        "the configuration names the load `{name}`, whose release the \
                         simulator cannot read from its name, so it cannot judge whether a \
                         phone on {on} may take it"
                    ),
                );
            }
        }
    }

    /// A configuration's load, or why it names none: no load keeps the phone's own.
    pub(super) fn config_named(
        &mut self,
        now: Time,
        step: Step,
        file: String,
        named: Result<String, Problem>,
    ) {
        match named {
            Ok(load) => self.offered(now, Some(load)),
            Err(Problem::NoLoad { .. } | Problem::NoLoadForDevice { .. }) => {
                self.events
                    .push_back(format!("{file} names no load for this phone"));
                self.offered(now, None);
            }
            Err(problem) => self.stuck(now, step, Some(file), problem),
        }
    }

    /// Whether, once its images checked out, the load fetched is for [`Runs`] to judge
    /// (it then is judged).
    pub(super) fn fetched(&mut self, now: Time) -> bool {
        let Some(runs) = self.runs.as_mut() else {
            return false;
        };
        if let Some(load) = runs.offered.take() {
            self.judge(now, load);
            return true;
        }
        match runs.recovering.take() {
            Some(Ok(load)) => {
                self.events.push_back(format!(
                    "recovered: runs {} and reboots",
                    words(&load, &self.spec)
                ));
                runs.ran.push(load.clone());
                runs.now = load;
                runs.refused = None;
                self.reboot(now);
                true
            }
            Some(Err(why)) => {
                self.could_not_run(now, why);
                true
            }
            None => false,
        }
    }

    /// The recovery manifest's body was read: the load the phone will run once its
    /// images are in.
    pub(super) fn recovery_manifest(&mut self, release: Option<&str>, images: &[ImageLine]) {
        let protocol = self.spec.runs;
        let manifest = self.manifest.clone().unwrap_or_default();
        let Some(runs) = self.runs.as_mut() else {
            return;
        };
        runs.recovering = Some(recovered_load(release, images, protocol).ok_or_else(|| {
            format!(
                "{manifest} states no release (no `# RELEASE load version` line) and its \
                 images' names carry none, so the simulator cannot tell which load the phone \
                 runs after it"
            )
        }));
    }

    /// The offered load is in and checked: the rules say whether the phone runs it.
    fn judge(&mut self, now: Time, load: Load) {
        let family = self.spec.model.family;
        let Some(runs) = self.runs.as_mut() else {
            return;
        };
        match plan::step(family, &runs.now, &load) {
            plan::Step::Direct => {
                let next = load.running();
                self.events
                    .push_back(format!("takes {} and reboots", words(&next, &self.spec)));
                runs.ran.push(next.clone());
                runs.now = next;
                runs.refused = None;
            }
            refused => {
                let why = match refused {
                    plan::Step::Hop(need) => format!("it needs {} first", need.words),
                    plan::Step::Forbidden(why, fix) => format!("{why} {fix}"),
                    plan::Step::Direct => String::new(),
                };
                self.events.push_back(format!(
                    "Load Authentication Failed: {} refuses {} ({why}); it keeps its load \
                     and reboots",
                    words(&runs.now, &self.spec),
                    load.name
                ));
                let times = match &runs.refused {
                    Some(r) if r.load == load.name => r.times + 1,
                    _ => 1,
                };
                runs.refused = Some(Refusal {
                    load: load.name,
                    why,
                    times,
                });
            }
        }
        self.reboot(now);
    }

    /// A file of this boot was lost (`why`): it reboots on the load it runs.
    pub(super) fn retry_boot(&mut self, now: Time, why: String) {
        if let Some(runs) = self.runs.as_mut() {
            runs.offered = None;
        }
        self.events.push_back(why);
        self.reboot(now);
    }

    /// Reboots running [`Runs::now`]: the boot order again, from the same address.
    fn reboot(&mut self, now: Time) {
        let Some(runs) = self.runs.as_mut() else {
            return;
        };
        if runs.boots >= MAX_BOOTS {
            return self.settle(now, End::Bound);
        }
        runs.boots += 1;
        runs.up = 0;
        // The image's protocol decides a 7940/7960's boot order.
        self.spec.runs = runs.now.protocol;
        self.mode = Scenario::Boot;
        self.forget_boot();
        self.begin(now);
    }

    /// The configuration named its own load or none.
    fn up(&mut self, now: Time) {
        let Some(runs) = self.runs.as_mut() else {
            return;
        };
        runs.up += 1;
        let again = runs.up < 2;
        if self.would_register() {
            let verdict = self.upgrade(End::Settled);
            return self.recovered(now, verdict);
        }
        if !again {
            return self.settle(now, End::Settled);
        }
        self.events.push_back(
            "up, and no call manager answers: it asks for its configuration again".into(),
        );
        self.forget_boot();
        self.ask_config(now);
    }

    /// The verdict as things stand.
    fn upgrade(&self, end: End) -> Verdict {
        let Some(runs) = self.runs.as_ref() else {
            return Verdict::CouldNotRun {
                reason: "no running load was given".into(),
            };
        };
        Verdict::Upgrade(Upgrade {
            ran: self.ran_words(),
            now_on: words(&runs.now, &self.spec),
            now_on_load: runs.now.name.clone(),
            refused: runs.refused.clone(),
            boots: runs.boots,
            end,
            bytes: self.bytes,
            registered: None,
        })
    }

    fn settle(&mut self, now: Time, end: End) {
        let verdict = self.upgrade(end);
        self.events.push_back(verdict.sentence());
        self.finish(now, verdict);
    }
}
