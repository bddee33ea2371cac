//! The page's "Try with simulated phones" (`simulate-phones`): the served
//! bundle's phones, by MAC and model, boot as simulations against this
//! helper's own TFTP server, in this process, through the same driver as
//! `lifeline simulate --mode boot` (`simulate::drive`); each registers the
//! first SIP line of the configuration it was served, and its verdict is
//! published as an [`Event::SimulationVerdict`].
//!
//! Bounded: one run at a time, at most [`MAX_PHONES`] phones (the first of
//! the bundle's list), each giving up after [`TIME_LIMIT`]. The phones send
//! from loopback addresses of their own ([`FIRST_SOURCE`] up), which the
//! tracker is told of ([`Event::SimulationStarted`]): their transfers show in
//! the log from there and move no card, so a simulation is never taken for
//! a real phone.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use lifeline_proto::simulate::phone::Phone;
use lifeline_proto::simulate::report::{PhoneReport, Verdict};
use lifeline_proto::simulate::spec::{Network, PhoneSpec, Scenario, Transport};
use lifeline_shared::bundle::{MANIFEST_NAME, Manifest};
use lifeline_shared::config::mac::Mac;
use lifeline_shared::events::{
    Event, Simulated, SimulatedOutcome, SimulatedPhone, SimulationFinished, SimulationStarted,
    SimulationVerdict,
};
use lifeline_shared::models::{self, FamilyId, Model, Protocol};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::drive::drive;
use super::plan::{CISCO_OUI, Net};
use crate::events::Events;
use crate::files::FileSource;
use crate::tftp::clock;

/// The most phones one run from the page simulates.
pub const MAX_PHONES: usize = 8;
/// How long each simulated phone may take: a boot over loopback takes
/// seconds; a registrar that never answers takes timer F (32 s).
pub const TIME_LIMIT: Duration = Duration::from_secs(120);
/// The address the first simulated phone sends from; the next ones count up.
/// Apart from the `127.0.0.x` that `lifeline simulate --phones N` uses, so
/// the phones of that command still get cards of their own.
pub const FIRST_SOURCE: Ipv4Addr = Ipv4Addr::new(127, 0, 100, 2);
/// The most bytes of a bundle manifest read.
const MAX_MANIFEST: u64 = 16 << 20;
/// The longest verdict sentence sent to the page.
const MAX_SENTENCE: usize = 1000;

/// Where the helper's own servers listen, for phones simulated in it.
#[derive(Clone, Debug)]
pub struct Targets {
    /// The TFTP server's address, or why it does not run.
    pub tftp: Result<SocketAddr, String>,
    /// HTTP provisioning's address, when it listens.
    pub provision: Option<SocketAddr>,
}

/// Runs the page's simulations, one at a time.
#[derive(Debug)]
pub struct PageSimulator {
    targets: Targets,
    files: Arc<dyn FileSource>,
    events: Events,
    running: Arc<AtomicBool>,
    stop: CancellationToken,
}

/// One phone to simulate.
#[derive(Clone, Debug)]
struct Planned {
    mac: Mac,
    model: &'static Model,
    source: Ipv4Addr,
}

impl PageSimulator {
    /// Simulates against `targets`, reading the bundle's phones from
    /// `files`, publishing on `events`; runs stop with `stop`.
    pub fn new(
        targets: Targets,
        files: Arc<dyn FileSource>,
        events: Events,
        stop: CancellationToken,
    ) -> PageSimulator {
        PageSimulator {
            targets,
            files,
            events,
            running: Arc::new(AtomicBool::new(false)),
            stop,
        }
    }

    /// Starts a run: the number of phones it simulates, or why it cannot
    /// (no bundle, TFTP not running, a run already going), in words for
    /// the page.
    pub fn start(&self) -> Result<usize, String> {
        let tftp = match &self.targets.tftp {
            Ok(addr) => own_address(*addr),
            Err(why) => {
                return Err(format!(
                    "The helper's TFTP server is not running ({}), so simulated phones have nothing to boot from. Start the helper so that TFTP listens, then try again.",
                    why.trim_end_matches('.')
                ));
            }
        };
        let manifest = read_manifest(self.files.as_ref()).ok_or_else(|| {
            "The helper serves no bundle, so there is nothing to simulate. Send the bundle in step 4 first.".to_string()
        })?;
        let (planned, left_out) = plan(&manifest, sources_available())?;
        if self
            .running
            .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
        {
            return Err(
                "A simulation is already running: wait for its verdicts (at most two minutes) before starting another."
                    .into(),
            );
        }
        let http = self
            .targets
            .provision
            .filter(|p| p.ip().is_unspecified() || p.ip() == tftp.ip())
            .map(|p| p.port());
        let runs = manifest.protocol.unwrap_or(Protocol::Sccp);
        self.events
            .publish(Event::SimulationStarted(SimulationStarted {
                phones: planned
                    .iter()
                    .map(|p| SimulatedPhone {
                        mac: p.mac.to_string(),
                        model: p.model.name.to_string(),
                        source: p.source,
                    })
                    .collect(),
                time_limit_secs: TIME_LIMIT.as_secs(),
                left_out,
            }));
        let n = planned.len();
        let (events, running, stop) =
            (self.events.clone(), self.running.clone(), self.stop.clone());
        tokio::spawn(async move {
            tokio::select! {
                () = run(planned, tftp, http, runs, &events) => {}
                () = stop.cancelled() => {}
            }
            running.store(false, Ordering::SeqCst);
        });
        Ok(n)
    }
}

/// The address a phone on this computer reaches `tftp` at: the loopback
/// address for a server listening on every address.
fn own_address(tftp: SocketAddr) -> SocketAddr {
    if tftp.ip().is_unspecified() {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), tftp.port())
    } else {
        tftp
    }
}

/// Whether this system lets a socket send from [`FIRST_SOURCE`] (every
/// 127.x.y.z on Linux and Windows; on macOS only what is configured).
fn sources_available() -> bool {
    std::net::UdpSocket::bind((FIRST_SOURCE, 0)).is_ok()
}

/// The served bundle's manifest, if the source has one.
fn read_manifest(files: &dyn FileSource) -> Option<Manifest> {
    use std::io::Read as _;
    let opened = files.open(MANIFEST_NAME).ok()?;
    let mut bytes = Vec::new();
    opened
        .reader
        .take(MAX_MANIFEST)
        .read_to_end(&mut bytes)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The phones to simulate (the bundle's list, at most [`MAX_PHONES`]; one
/// of its first model when it lists none) and how many listed ones are left
/// out. With `own_sources`, each sends from its own address from
/// [`FIRST_SOURCE`]; without, all from 127.0.0.1.
fn plan(manifest: &Manifest, own_sources: bool) -> Result<(Vec<Planned>, u32), String> {
    let fallback = manifest.models().into_iter().find_map(models::model);
    let source = |i: usize| {
        if own_sources {
            let [a, b, c, d] = FIRST_SOURCE.octets();
            Ipv4Addr::new(
                a,
                b,
                c,
                d.saturating_add(u8::try_from(i).unwrap_or(u8::MAX)),
            )
        } else {
            Ipv4Addr::LOCALHOST
        }
    };
    let listed = &manifest.settings.phones;
    let mut planned = Vec::new();
    for (i, p) in listed.iter().take(MAX_PHONES).enumerate() {
        let model = p
            .model
            .as_deref()
            .and_then(models::model)
            .or(fallback)
            .ok_or_else(|| {
                format!(
                    "The bundle does not say which model {} is, and its load names no phone family Lifeline simulates.",
                    p.mac
                )
            })?;
        planned.push(Planned {
            mac: p.mac,
            model,
            source: source(i),
        });
    }
    if planned.is_empty() {
        let model = fallback.ok_or_else(|| {
            "The bundle lists no phone, and its load names no phone family Lifeline simulates."
                .to_string()
        })?;
        planned.push(Planned {
            mac: Mac([CISCO_OUI[0], CISCO_OUI[1], CISCO_OUI[2], 0x5E, 0x00, 0x01]),
            model,
            source: source(0),
        });
    }
    let left_out = listed.len().saturating_sub(MAX_PHONES);
    Ok((planned, u32::try_from(left_out).unwrap_or(u32::MAX)))
}

/// Runs every planned phone at once; publishes each verdict as it comes,
/// then the tally.
async fn run(
    planned: Vec<Planned>,
    tftp: SocketAddr,
    http: Option<u16>,
    runs: Protocol,
    events: &Events,
) {
    let net = Arc::new(Net::Server(tftp));
    let mut set = JoinSet::new();
    for p in planned {
        let transport = match http {
            Some(_) if models::family(p.model.family).http_first() => Transport::Http,
            _ => Transport::Tftp,
        };
        let spec = PhoneSpec {
            model: p.model,
            mac: p.mac,
            mode: Scenario::Boot,
            tftp_options: false,
            time_limit: TIME_LIMIT,
            runs: if p.model.family == FamilyId::F7940_7960 {
                runs
            } else {
                Protocol::Sccp
            },
            transport,
            http_port: http.unwrap_or(lifeline_proto::simulate::spec::HTTP_PORT),
            register: true,
            running: None,
        };
        let net = net.clone();
        set.spawn(async move {
            let phone = Phone::new(clock::now(), spec, Network::Server(tftp));
            // The phone gives up at its time limit; this is the guard of last resort.
            let report = tokio::time::timeout(
                TIME_LIMIT + Duration::from_secs(30),
                drive(phone, net, Some(p.source), false),
            )
            .await;
            (p, report)
        });
    }
    let mut tally = SimulationFinished {
        phones: 0,
        registered: 0,
        nothing_to_register: 0,
        failed: 0,
    };
    while let Some(joined) = set.join_next().await {
        let Ok((p, report)) = joined else {
            tracing::error!("a simulated phone's task failed");
            continue;
        };
        let result = match report {
            Ok(report) => simulated(&report),
            Err(_) => Simulated {
                outcome: SimulatedOutcome::CouldNotRun,
                sentence: format!(
                    "could not run: the simulated phone did not finish within {} s",
                    TIME_LIMIT.as_secs() + 30
                ),
                code: None,
                registered: None,
            },
        };
        tally.phones += 1;
        match result.outcome {
            SimulatedOutcome::Registered => tally.registered += 1,
            SimulatedOutcome::NothingToRegister => tally.nothing_to_register += 1,
            _ => tally.failed += 1,
        }
        events.publish(Event::SimulationVerdict(SimulationVerdict {
            mac: p.mac.to_string(),
            model: p.model.name.to_string(),
            source: p.source,
            result,
        }));
    }
    events.publish(Event::SimulationFinished(tally));
}

/// A phone's verdict as its card says it.
fn simulated(report: &PhoneReport) -> Simulated {
    let clip = |s: String| s.chars().take(MAX_SENTENCE).collect::<String>();
    match &report.verdict {
        Verdict::WouldRecover {
            registered: Some(r),
            ..
        } => Simulated {
            outcome: SimulatedOutcome::Registered,
            sentence: clip(format!("would register as {r}")),
            code: None,
            registered: Some(clip(r.clone())),
        },
        Verdict::WouldRecover { .. } => {
            // Why it registered nothing, as the phone noted it.
            let why = report
                .notes
                .iter()
                .find(|n| n.contains("regist"))
                .cloned()
                .unwrap_or_else(|| "its configuration has no SIP line".into());
            Simulated {
                outcome: SimulatedOutcome::NothingToRegister,
                sentence: clip(format!(
                    "would get its firmware, and registers nothing: {why}"
                )),
                code: None,
                registered: None,
            }
        }
        Verdict::WouldBeStuck(stuck) => Simulated {
            outcome: SimulatedOutcome::Stuck,
            sentence: clip(report.verdict.sentence()),
            code: Some(stuck.problem.code().to_string()),
            registered: None,
        },
        Verdict::CouldNotRun { .. } => Simulated {
            outcome: SimulatedOutcome::CouldNotRun,
            sentence: clip(report.verdict.sentence()),
            code: None,
            registered: None,
        },
        // The page's phones are not given a running load; said as the terminal says it.
        Verdict::Upgrade(u) => Simulated {
            outcome: match (&u.registered, u.settled()) {
                (Some(_), true) => SimulatedOutcome::Registered,
                (None, true) => SimulatedOutcome::NothingToRegister,
                (_, false) => SimulatedOutcome::Stuck,
            },
            sentence: clip(report.verdict.sentence()),
            code: (!u.settled()).then(|| u.status().to_string()),
            registered: u.registered.as_ref().map(|r| clip(r.clone())),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lifeline_shared::bundle::Phone as Listed;

    fn manifest(phones: Vec<Listed>) -> Manifest {
        let mut m = lifeline_shared::testkit::manifest_of(&[("a", b"x".as_slice())]);
        m.load = Some(lifeline_shared::testkit::SEED_LOAD.into());
        m.files.push(lifeline_shared::bundle::File::of(
            "term61.default.loads",
            b"x",
            lifeline_shared::bundle::Kind::Firmware,
        ));
        m.settings.phones = phones;
        m
    }

    fn listed(n: u8, model: Option<&str>) -> Listed {
        Listed {
            mac: Mac([0x00, 0x11, 0x22, 0xAA, 0xBB, n]),
            model: model.map(str::to_string),
        }
    }

    #[test]
    fn the_bundle_s_phones_are_simulated_by_mac_and_model_at_most_a_few() {
        let (p, left_out) = plan(
            &manifest(vec![listed(1, Some("7961")), listed(2, None)]),
            true,
        )
        .unwrap();
        assert_eq!(left_out, 0);
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[0].mac.to_string(), p[0].model.name),
            ("001122AABB01".into(), "7961")
        );
        assert_eq!(p[0].source, FIRST_SOURCE);
        assert_eq!(p[1].source, Ipv4Addr::new(127, 0, 100, 3));
        // Without a model: the bundle's first.
        assert!(!p[1].model.name.is_empty());
        let many: Vec<Listed> = (0..20).map(|n| listed(n, Some("7961"))).collect();
        let (p, left_out) = plan(&manifest(many), false).unwrap();
        assert_eq!((p.len(), left_out), (MAX_PHONES, 20 - MAX_PHONES as u32));
        assert!(p.iter().all(|p| p.source == Ipv4Addr::LOCALHOST));
        // None listed: one phone of the bundle's family.
        let (p, _) = plan(&manifest(vec![]), true).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].mac.0[..3], CISCO_OUI);
    }

    #[test]
    fn a_bundle_without_a_family_cannot_be_simulated() {
        let mut m = manifest(vec![listed(1, None)]);
        m.load = None;
        let why = plan(&m, true).unwrap_err();
        assert!(why.contains("which model 001122AABB01 is"), "{why}");
        m.settings.phones.clear();
        assert!(plan(&m, true).unwrap_err().contains("lists no phone"));
    }

    #[test]
    fn refusals_say_why_and_what_to_do() {
        let stop = CancellationToken::new();
        let sim = PageSimulator::new(
            Targets {
                tftp: Err("port 69 needs root".into()),
                provision: None,
            },
            Arc::new(crate::files::MemoryFiles::new()),
            Events::new(),
            stop.clone(),
        );
        let why = sim.start().unwrap_err();
        assert!(
            why.contains("TFTP server is not running (port 69 needs root)"),
            "{why}"
        );
        let sim = PageSimulator::new(
            Targets {
                tftp: Ok("0.0.0.0:69".parse().unwrap()),
                provision: None,
            },
            Arc::new(crate::files::MemoryFiles::new()),
            Events::new(),
            stop,
        );
        assert!(sim.start().unwrap_err().contains("serves no bundle"));
        assert_eq!(
            own_address("0.0.0.0:6969".parse().unwrap()),
            "127.0.0.1:6969".parse().unwrap()
        );
    }
}
