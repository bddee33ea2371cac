//! The page's simulated phones (pure): where the run asked for with
//! "Try with simulated phones" stands, from the helper's events.

use lifeline_shared::events::{Event, SimulatedOutcome};

/// Where the page's simulation stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SimRun {
    /// None asked for yet.
    #[default]
    Idle,
    /// Asked for; the helper has not said it started.
    Asked,
    /// Running: phones in it, verdicts so far, listed phones left out.
    Running {
        phones: usize,
        judged: usize,
        left_out: u32,
    },
    /// Every phone has its verdict.
    Finished {
        phones: u32,
        registered: u32,
        nothing_to_register: u32,
        failed: u32,
        left_out: u32,
    },
    /// The helper would not start it, and said why.
    Refused(String),
}

impl SimRun {
    /// Whether a run is asked for or going: the button waits.
    pub fn busy(&self) -> bool {
        matches!(self, SimRun::Asked | SimRun::Running { .. })
    }

    /// Folds one of the helper's events in.
    pub fn on_event(&mut self, event: &Event) {
        match event {
            Event::SimulationStarted(s) => {
                *self = SimRun::Running {
                    phones: s.phones.len(),
                    judged: 0,
                    left_out: s.left_out,
                }
            }
            Event::SimulationVerdict(v) if v.result.outcome != SimulatedOutcome::Running => {
                if let SimRun::Running { judged, .. } = self {
                    *judged += 1;
                }
            }
            Event::SimulationFinished(f) => {
                let left_out = match self {
                    SimRun::Running { left_out, .. } => *left_out,
                    _ => 0,
                };
                *self = SimRun::Finished {
                    phones: f.phones,
                    registered: f.registered,
                    nothing_to_register: f.nothing_to_register,
                    failed: f.failed,
                    left_out,
                };
            }
            _ => {}
        }
    }

    /// Where it stands in a sentence, and its tone (`working`, `ok`,
    /// `warning`, `error`); nothing before the first run.
    pub fn words(&self) -> Option<(&'static str, String)> {
        let (tone, text, left_out) = match self {
            SimRun::Idle => return None,
            SimRun::Asked => ("working", "Asking the helper…".to_string(), 0),
            SimRun::Running {
                phones,
                judged,
                left_out,
            } => (
                "working",
                format!(
                    "Simulating: {judged} of {phones} judged (a registrar that does not answer takes 32 s)."
                ),
                *left_out,
            ),
            SimRun::Finished {
                phones,
                registered,
                nothing_to_register,
                failed,
                left_out,
            } => (
                if *failed > 0 { "warning" } else { "ok" },
                format!(
                    "Simulation done, {phones} phone(s): {registered} would register, {nothing_to_register} nothing to register, {failed} would not get there."
                ),
                *left_out,
            ),
            SimRun::Refused(why) => ("error", format!("Not started: {why}"), 0),
        };
        Some(match left_out {
            0 => (tone, text),
            n => (tone, format!("{text} {n} more listed, not simulated.")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lifeline_shared::events::{
        Simulated, SimulatedPhone, SimulationFinished, SimulationStarted, SimulationVerdict,
    };
    use std::net::Ipv4Addr;

    fn verdict(outcome: SimulatedOutcome) -> Event {
        Event::SimulationVerdict(SimulationVerdict {
            mac: "001122AABBCC".into(),
            model: "7961".into(),
            source: Ipv4Addr::new(127, 0, 100, 2),
            result: Simulated {
                outcome,
                sentence: "s".into(),
                code: None,
                registered: None,
            },
        })
    }

    #[test]
    fn a_run_counts_its_verdicts_and_ends_with_the_tally() {
        let mut run = SimRun::Idle;
        assert_eq!(run.words(), None);
        assert!(!run.busy());
        run = SimRun::Asked;
        assert!(run.busy());
        run.on_event(&Event::SimulationStarted(SimulationStarted {
            phones: vec![
                SimulatedPhone {
                    mac: "001122AABBCC".into(),
                    model: "7961".into(),
                    source: Ipv4Addr::new(127, 0, 100, 2),
                };
                2
            ],
            time_limit_secs: 120,
            left_out: 3,
        }));
        run.on_event(&verdict(SimulatedOutcome::Registered));
        let (tone, words) = run.words().unwrap();
        assert_eq!(tone, "working");
        assert!(words.starts_with("Simulating: 1 of 2 judged"), "{words}");
        assert!(words.ends_with(" 3 more listed, not simulated."), "{words}");
        assert!(run.busy());
        run.on_event(&Event::SimulationFinished(SimulationFinished {
            phones: 2,
            registered: 1,
            nothing_to_register: 0,
            failed: 1,
        }));
        assert!(!run.busy());
        let (tone, words) = run.words().unwrap();
        assert_eq!(tone, "warning");
        assert!(
            words.starts_with("Simulation done, 2 phone(s): 1 would register, 0 nothing to register, 1 would not get there."),
            "{words}"
        );
        let refused = SimRun::Refused("A simulation is already running.".into());
        assert_eq!(
            refused.words().unwrap(),
            (
                "error",
                "Not started: A simulation is already running.".into()
            )
        );
    }
}
