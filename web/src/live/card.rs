//! A phone's card in words (pure): headline, verdict or diagnosis, the fix, one
//! row per file.
//!
//! Invariants:
//! - A card never claims more than was observed: "All files sent" until the
//!   phone asks for its configuration again, "Recovered" after.
//! - Expected misses (CTL/ITL, per-MAC configuration, locale files) are grey
//!   and never make a card fail.

use lifeline_shared::advice::Advice;
use lifeline_shared::events::{
    Announced, FileState, PhoneFile, PhoneState, PhoneSummary, SimulatedOutcome, Switched,
    Transport,
};

use lifeline_shared::plan::walk::{
    WalkState, WalkStatus, start_correctable, start_words, status_words,
};

use crate::format;

/// `Phone SEP001122AABBCC (7961)`, `Phone at 10.0.0.50`, or for a later
/// start at that address `Phone at 10.0.0.50, attempt 2`.
pub fn label(p: &PhoneSummary) -> String {
    let name = if p.id.starts_with("SEP") {
        format!("Phone {}", p.id)
    } else {
        let at = p.id.split('#').next().unwrap_or_default();
        match p.sequence {
            0 | 1 => format!("Phone at {at}"),
            n => format!("Phone at {at}, attempt {n}"),
        }
    };
    match &p.model {
        Some(m) => format!("{name} ({m})"),
        None => name,
    }
}

/// Where a phone is, in a word or three.
pub fn state_word(p: &PhoneSummary) -> &'static str {
    match p.state {
        PhoneState::Waiting => "waiting",
        PhoneState::Downloading => "downloading",
        PhoneState::Done => "all files sent",
        PhoneState::Stuck => "stuck",
        PhoneState::Failed => "failed",
    }
}

/// One file row of a card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileView {
    pub name: String,
    /// Where it is, in a word or two.
    pub state: &'static str,
    /// The CSS tone.
    pub tone: &'static str,
    /// The bar, when the size is known.
    pub percent: Option<u64>,
    /// `1.2 MB of 2.5 MB`.
    pub bytes: String,
    /// `3 resends`.
    pub resends: Option<String>,
}

/// A card, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneView {
    /// `Cisco 7961`, or `Phone at 10.0.0.50` while the model is not known.
    pub title: String,
    /// `00:11:22:AA:BB:CC`.
    pub mac: Option<String>,
    pub address: Option<String>,
    /// `ok`, `working`, `warning`, `error`, `muted`.
    pub tone: &'static str,
    /// `Recovered`, `Downloading file 3 of 6` (while it is being sent),
    /// `Downloading: 2 of 6 files sent` (between two files), a diagnosis' title …
    pub headline: String,
    /// The verdict or the diagnosis, in sentences (names in backticks).
    pub detail: String,
    /// What to do, if anything.
    pub fix: Option<String>,
    /// The files its manifest lists, in order.
    pub files: Vec<FileView>,
    /// `Not found, as is normal: …`.
    pub normal: Option<String>,
    /// Files done of expected.
    pub done: (usize, usize),
    /// Which try this is, from the second on (after Retry failed).
    pub attempt: Option<u32>,
    /// What a bundle switch did to this card, in a sentence.
    pub switched: Option<&'static str>,
    /// What it announced over CDP or LLDP-MED.
    pub announced: Option<AnnouncedView>,
    /// Whom it registers as, and the configuration that says so
    /// (`Registers as 1001 at 10.0.0.5:5060 · from SEP….cnf.xml`).
    pub registers: Option<String>,
    /// What a simulated phone of its MAC did.
    pub simulation: Option<SimulationView>,
    /// Its walk through the bundle's upgrade plan, when the bundle has one.
    pub walk: Option<WalkView>,
}

/// A phone's walk through an upgrade plan, on its card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkView {
    /// `8.0(4) → 8.5(2) → 9.4(2)SR3: hop 2 of 2, fetching`; `…: on 9.4(2)SR3` only
    /// once it was seen running the target; a held walk's words say why.
    pub line: String,
    /// The state's wire name (`fetching`, `ask-start`, …), for the page's tests.
    pub state: &'static str,
    /// `ok`, `working` or `warning`.
    pub tone: &'static str,
    /// Each load offered, with how long each stage took:
    /// `8.5(2): offered, fetched 4 s later, seen running 2 min later`.
    pub steps: Vec<String>,
    /// Whom to name when the person says what it runs (its MAC, else its
    /// address): while the walk waits for that, or while what it runs was only
    /// said (never seen), to correct it.
    pub ask: Option<String>,
    /// What it was said to run (`8.3(3)`), or a boot suggested it runs, when that
    /// may be changed.
    pub said: Option<String>,
    /// Where its start comes from, in words: said (and by whom), or seen (how).
    pub known: Option<String>,
}

impl WalkView {
    /// The view of `w`.
    pub fn of(w: &WalkStatus) -> WalkView {
        let steps = w
            .steps
            .iter()
            .map(|s| {
                let mut line = format!("{}: offered", s.label);
                if let Some(f) = s.fetched_ms {
                    line += &format!(
                        ", fetched {} later",
                        format::duration_ms(f.saturating_sub(s.offered_ms))
                    );
                }
                if let Some(on) = s.on_ms {
                    let since = s.fetched_ms.unwrap_or(s.offered_ms);
                    line += &format!(
                        ", seen running {} later",
                        format::duration_ms(on.saturating_sub(since))
                    );
                }
                line
            })
            .collect();
        let correctable = start_correctable(w);
        WalkView {
            line: status_words(w),
            state: w.state.as_str(),
            tone: match w.state {
                WalkState::Done => "ok",
                WalkState::Offered | WalkState::Fetching => "working",
                _ => "warning",
            },
            steps,
            ask: correctable
                .then(|| w.mac.clone().or_else(|| w.address.map(|a| a.to_string())))
                .flatten(),
            said: match &w.said {
                Some(s) => Some(s.label.clone()),
                None => w.on.clone().filter(|_| correctable),
            },
            known: start_words(w),
        }
    }
}

/// A simulation's verdict on a card: never the phone's own doing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimulationView {
    /// `ok`, `working`, `muted`, `error`.
    pub tone: &'static str,
    /// `Simulated: would register as 1001 at 127.0.0.1:5070.`
    pub text: String,
}

impl SimulationView {
    fn of(s: &lifeline_shared::events::Simulated) -> SimulationView {
        let (tone, lead) = match s.outcome {
            SimulatedOutcome::Running => ("working", "Simulation running"),
            SimulatedOutcome::Registered => ("ok", "Simulated"),
            SimulatedOutcome::Stuck | SimulatedOutcome::CouldNotRun => ("error", "Simulated"),
            SimulatedOutcome::NothingToRegister | SimulatedOutcome::Other => ("muted", "Simulated"),
        };
        let said = s.sentence.trim();
        let stop = if said.ends_with(['.', '!', '?']) {
            ""
        } else {
            "."
        };
        SimulationView {
            tone,
            text: [lead, ": ", said, stop].concat(),
        }
    }
}

/// Whether only a simulated phone of its MAC made this card: the real phone
/// was never seen (no address, no request, no announcement).
pub fn simulated_only(p: &PhoneSummary) -> bool {
    p.simulation.is_some()
        && p.state == PhoneState::Waiting
        && p.address.is_none()
        && p.files.is_empty()
        && p.normal_misses.is_empty()
        && p.announced.is_none()
}

/// A phone's CDP or LLDP-MED announcement, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnouncedView {
    /// `Cisco IP Phone 7941, running SCCP41.8-2-1S (8.2(1))`.
    pub what: String,
    /// `voice VLAN 110 · port Port 1 · 6.3 W`.
    pub facts: String,
    /// `CDPv2`.
    pub via: String,
    /// Its load against the bundle's, when that matters before a reset.
    pub note: Option<String>,
    /// Whether the note asks for a hop first (a warning).
    pub hop: bool,
}

impl AnnouncedView {
    fn of(a: &Announced) -> AnnouncedView {
        let who = a
            .platform
            .clone()
            .or_else(|| a.name.clone())
            .unwrap_or_else(|| "A phone".into());
        let what = match (&a.load, &a.version) {
            (Some(l), Some(v)) => format!("{who}, running {l} ({v})"),
            (Some(l), None) => format!("{who}, running {l}"),
            _ => who,
        };
        let mut facts = Vec::new();
        if let Some(v) = a.native_vlan {
            facts.push(format!("VLAN {v}"));
        }
        if let Some(v) = a.voice_vlan {
            facts.push(format!("voice VLAN {v}"));
        }
        if let Some(p) = &a.port {
            facts.push(format!("port {p}"));
        }
        if let Some(mw) = a.power_mw {
            facts.push(format!("{}.{} W", mw / 1000, (mw % 1000) / 100));
        }
        AnnouncedView {
            what,
            facts: facts.join(" · "),
            via: a.via.clone(),
            hop: a.note.as_deref().is_some_and(|n| n.contains("first")),
            note: a.note.clone(),
        }
    }
}

impl PhoneView {
    /// The card of `p`.
    pub fn of(p: &PhoneSummary) -> PhoneView {
        let files: Vec<FileView> = p.files.iter().map(file_view).collect();
        let expected = p.files_expected.max(p.files.len());
        let took = format::duration_ms(p.last_seen_ms.saturating_sub(p.first_seen_ms));
        let (tone, headline, detail, fix) = match p.state {
            PhoneState::Done if p.recovered => (
                "ok",
                "Recovered".to_string(),
                format!(
                    "Recovered in {took}: all {expected} files sent, then it restarted and asked for its configuration, so it runs the new firmware."
                ),
                None,
            ),
            PhoneState::Done => (
                "ok",
                format!("All {expected} files sent"),
                format!(
                    "Sent in {took}. The phone now writes them to its flash and restarts by itself, which can take several minutes: do not unplug it. This card says Recovered when it comes back and asks for its configuration."
                ),
                None,
            ),
            PhoneState::Waiting if simulated_only(p) => (
                "muted",
                "Not seen on the network yet".to_string(),
                "Only a simulated phone with its MAC has asked the helper for files; the real phone has not shown up.".to_string(),
                Some("Reset the real phone as the steps above say to watch it here.".to_string()),
            ),
            PhoneState::Waiting if p.switched == Some(Switched::StartsOver) => (
                "muted",
                "Waiting for it to ask the new bundle".to_string(),
                "Another bundle is served now, so what this card said about the previous one no longer holds.".to_string(),
                Some("Reset the phone so that it fetches the new bundle.".to_string()),
            ),
            PhoneState::Waiting if p.retries > 0 => (
                "muted",
                "Waiting for it to start again".to_string(),
                "Started over by Retry failed: this card follows its new try from its first request.".to_string(),
                Some("Reset it as the steps above say.".to_string()),
            ),
            PhoneState::Waiting => (
                "muted",
                "Waiting for its first request".to_string(),
                "It is known to the helper but has not asked for its firmware yet.".to_string(),
                None,
            ),
            PhoneState::Downloading => {
                let k = (p.files_done + 1).min(expected.max(1));
                let sending = sending(p);
                (
                    "working",
                    match (expected, sending) {
                        (0, _) => "Downloading".to_string(),
                        (_, Some(_)) => format!("Downloading file {k} of {expected}"),
                        (_, None) => format!("Downloading: {} of {expected} files sent", p.files_done),
                    },
                    match sending {
                        Some(f) => format!("Now sending `{f}`."),
                        None => {
                            "Between two files: waiting for it to ask for the next file.".to_string()
                        }
                    },
                    // A stopped transfer it may ask for again.
                    p.advice
                        .as_ref()
                        .map(|a| a.fix.clone())
                        .filter(|_| p.reason.is_some()),
                )
            }
            PhoneState::Stuck | PhoneState::Failed => {
                let tone = if p.state == PhoneState::Failed {
                    "error"
                } else {
                    "warning"
                };
                // The helper's words for the diagnosis (shared::advice).
                match p.advice.clone() {
                    Some(Advice { title, detail, fix }) => (tone, title, detail, Some(fix)),
                    None => (
                        tone,
                        if p.state == PhoneState::Failed {
                            "It cannot go on".to_string()
                        } else {
                            "It is not getting anywhere".to_string()
                        },
                        p.reason.clone().unwrap_or_default(),
                        None,
                    ),
                }
            }
        };
        let tone = if p.switched == Some(Switched::Archived) {
            "muted"
        } else {
            tone
        };
        PhoneView {
            title: match (&p.model, p.address) {
                (Some(m), _) => format!("Cisco {m}"),
                (None, Some(a)) if p.sequence > 1 => {
                    format!("Phone at {a}, attempt {}", p.sequence)
                }
                (None, Some(a)) => format!("Phone at {a}"),
                (None, None) => format!("Phone {}", p.id),
            },
            mac: p.mac.as_deref().map(format::mac),
            address: p.address.map(|a| a.to_string()),
            tone,
            headline,
            detail,
            fix,
            files,
            normal: (!p.normal_misses.is_empty()).then(|| {
                format!(
                    "Not found, as is normal without a Call Manager: {}.",
                    p.normal_misses
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
            done: (p.files_done, expected),
            attempt: (p.retries > 0).then(|| p.retries.saturating_add(1)),
            switched: p.switched.and_then(|s| match s {
                Switched::Archived => {
                    Some("Archived: judged against the previous bundle, kept as a record of it.")
                }
                Switched::StartsOver => Some("Re-judged against the new bundle: it starts over."),
                Switched::StillMissing => {
                    Some("Re-judged against the new bundle: it lacks this file too.")
                }
                Switched::Other => None,
            }),
            announced: p.announced.as_deref().map(AnnouncedView::of),
            registers: p
                .registers
                .as_deref()
                .map(|r| [&r.words, " · from ", &r.file].concat()),
            simulation: p.simulation.as_deref().map(SimulationView::of),
            walk: p.walk.as_deref().map(WalkView::of),
        }
    }
}

/// The file being sent to the phone now: the one it asked for last, unless that
/// file's row is finished (sent, failed or missing). The helper may still name a
/// file it finished when the phone asked for it in another case than the file
/// is served in; the row is what was observed.
fn sending(p: &PhoneSummary) -> Option<&str> {
    let asked = p.current_file.as_deref()?;
    let name = asked.trim_start_matches(['/', '\\']);
    let finished = p.files.iter().any(|f| {
        f.name.eq_ignore_ascii_case(name)
            && matches!(
                f.state,
                FileState::Done | FileState::NotFound | FileState::Failed
            )
    });
    (!finished).then_some(asked)
}

fn file_view(f: &PhoneFile) -> FileView {
    let http = f.transport == Transport::Http;
    let (state, tone) = match f.state {
        FileState::Pending => ("waiting", "muted"),
        FileState::Downloading if http => ("sending over HTTP", "working"),
        FileState::Downloading => ("sending", "working"),
        FileState::Done if http => ("sent over HTTP", "ok"),
        FileState::Done => ("sent", "ok"),
        FileState::NotFound => ("not in the bundle", "error"),
        FileState::Failed => ("failed", "error"),
    };
    let bytes = match (f.size, f.state) {
        (Some(size), FileState::Done) => format::size(size),
        (Some(size), _) => format!(
            "{} of {}",
            format::size(f.bytes.min(size)),
            format::size(size)
        ),
        (None, _) => format::size(f.bytes),
    };
    FileView {
        name: f.name.clone(),
        state,
        tone,
        percent: f.size.map(|s| {
            if f.state == FileState::Done {
                100
            } else {
                format::percent(f.bytes, s).min(99)
            }
        }),
        bytes,
        resends: (f.retransmissions > 0)
            .then(|| format::count(f.retransmissions as usize, "resend", "resends")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::summary;
    use lifeline_shared::events::Diagnosis;

    #[test]
    fn a_walk_shows_its_path_its_hop_and_each_steps_durations() {
        use lifeline_shared::plan::walk::StepLog;
        let mut w = WalkStatus {
            mac: Some("001122AABBCC".into()),
            address: None,
            path: vec!["8.0(4)".into(), "8.5(2)".into(), "9.4(2)SR3".into()],
            hop: 2,
            hops: 2,
            on: Some("8.5(2)".into()),
            state: WalkState::Fetching,
            detail: None,
            steps: vec![
                StepLog {
                    label: "8.5(2)".into(),
                    load: "SCCP41.8-5-2S".into(),
                    offered_ms: 1_000,
                    fetched_ms: Some(5_000),
                    on_ms: Some(125_000),
                },
                StepLog {
                    label: "9.4(2)SR3".into(),
                    load: "SCCP41.9-4-2SR3-1S".into(),
                    offered_ms: 126_000,
                    fetched_ms: Some(127_000),
                    on_ms: None,
                },
            ],
            said: None,
            seen_by: Some("boot".into()),
        };
        let v = WalkView::of(&w);
        assert_eq!(v.line, "8.0(4) → 8.5(2) → 9.4(2)SR3: hop 2 of 2, fetching");
        // On 8.5(2) only as a boot suggested: the card lets the person correct it.
        assert_eq!(
            (v.state, v.tone, v.ask.as_deref(), v.said.as_deref()),
            ("fetching", "working", Some("001122AABBCC"), Some("8.5(2)"))
        );
        assert_eq!(
            v.steps,
            [
                "8.5(2): offered, fetched 4 s later, seen running 2 min later",
                "9.4(2)SR3: offered, fetched 1 s later",
            ]
        );
        // "on" the target only once it is done.
        w.state = WalkState::Done;
        w.on = Some("9.4(2)SR3".into());
        assert_eq!(
            WalkView::of(&w).line,
            "8.0(4) → 8.5(2) → 9.4(2)SR3: on 9.4(2)SR3"
        );
        // Waiting for the person: the card asks, naming the phone by its MAC.
        w.state = WalkState::AskStart;
        w.path.clear();
        w.detail = Some("Say what it runs.".into());
        let ask = WalkView::of(&w);
        assert_eq!((ask.state, ask.tone), ("ask-start", "warning"));
        assert_eq!(ask.ask.as_deref(), Some("001122AABBCC"));
        assert_eq!(ask.line, "held. Say what it runs.");
        let mut p = summary("SEP001122AABBCC", PhoneState::Waiting);
        p.walk = Some(Box::new(w.clone()));
        assert_eq!(PhoneView::of(&p).walk, Some(ask));
    }

    #[test]
    fn a_start_only_said_may_be_changed_and_one_seen_says_how_it_was_seen() {
        use lifeline_shared::plan::walk::Said;
        let mut w = WalkStatus {
            mac: None,
            address: Some("10.0.0.50".parse().unwrap()),
            path: vec!["8.3(3)".into(), "9.4(2)SR3".into()],
            hop: 1,
            hops: 1,
            on: None,
            state: WalkState::Offered,
            detail: None,
            steps: Vec::new(),
            said: Some(Said {
                label: "8.3(3)".into(),
                here: true,
            }),
            seen_by: None,
        };
        // Typed on the card: named by its address, the form says what was typed.
        let v = WalkView::of(&w);
        assert_eq!(
            (v.ask.as_deref(), v.said.as_deref()),
            (Some("10.0.0.50"), Some("8.3(3)"))
        );
        assert_eq!(
            v.known.as_deref(),
            Some(
                "Lifeline walks it from 8.3(3), as typed on this card. If its Settings → Status → Firmware Versions says otherwise, change it:"
            )
        );
        // Announced: no form, and the card says how it was seen.
        w.said = None;
        w.on = Some("8.3(3)".into());
        w.seen_by = Some("CDP".into());
        let v = WalkView::of(&w);
        assert_eq!((v.ask, v.said), (None, None));
        assert_eq!(
            v.known.as_deref(),
            Some(
                "Lifeline saw it run 8.3(3): it announced it over CDP. What a phone announced is not replaced by what is typed."
            )
        );
    }

    #[test]
    fn an_announcement_shows_what_the_phone_runs_and_a_hop_as_a_warning() {
        let mut p = summary("SEP001F9EAB59F1", PhoneState::Waiting);
        let lifeline_shared::events::Event::Neighbour(n) =
            lifeline_shared::testkit::neighbour_heard("001F9EAB59F1", "7941", "SCCP41.8-0-4S")
        else {
            panic!()
        };
        p.announced = Some(Box::new(Announced {
            note: Some("It runs SCCP41.8-0-4S: it needs an 8.5(2) load first, then …".into()),
            ..n.announced
        }));
        let a = PhoneView::of(&p).announced.unwrap();
        assert_eq!(
            a.what,
            "Cisco IP Phone 7941, running SCCP41.8-0-4S (8.0(4))"
        );
        assert_eq!(a.facts, "voice VLAN 110 · port Port 1 · 6.3 W");
        assert_eq!(a.via, "CDPv2");
        assert!(a.hop);
        p.announced.as_mut().unwrap().note =
            Some("It already runs SCCP41.8-3-3S, the load this bundle serves.".into());
        assert!(!PhoneView::of(&p).announced.unwrap().hop);
        p.announced = None;
        assert_eq!(PhoneView::of(&p).announced, None);
    }

    /// `p` with the diagnosis `d` and its words, as the helper sends them.
    fn diagnose(p: &mut PhoneSummary, d: Diagnosis) {
        p.advice = lifeline_shared::advice::advice(&d);
        p.diagnosis = Some(d);
    }

    #[test]
    fn a_phone_without_an_address_says_how_to_get_one() {
        let mut p = summary("SEP001122AABBCC", PhoneState::Stuck);
        p.address = None;
        diagnose(&mut p, Diagnosis::NoFreeAddress);
        p.reason = Some("no free address".into());
        let v = PhoneView::of(&p);
        assert_eq!(v.tone, "warning");
        assert_eq!(v.headline, "It gets no address from the helper");
        assert!(v.detail.contains("DHCP range"), "{}", v.detail);
        assert!(
            v.fix.as_deref().is_some_and(|f| f.contains("--dhcp-range")),
            "{:?}",
            v.fix
        );
    }

    #[test]
    fn files_show_bars_that_do_not_overstate() {
        let f = |bytes, state| PhoneFile {
            name: "a".into(),
            size: Some(1000),
            bytes,
            state,
            retransmissions: 0,
            transport: lifeline_shared::events::Transport::Tftp,
        };
        assert_eq!(
            file_view(&f(1000, FileState::Downloading)).percent,
            Some(99)
        );
        assert_eq!(file_view(&f(1000, FileState::Done)).percent, Some(100));
        assert_eq!(
            file_view(&f(500, FileState::Downloading)).bytes,
            "500 bytes of 1.0 kB"
        );
        let nf = file_view(&f(0, FileState::NotFound));
        assert_eq!((nf.state, nf.tone), ("not in the bundle", "error"));
        let http = |state| PhoneFile {
            transport: Transport::Http,
            ..f(1000, state)
        };
        assert_eq!(file_view(&http(FileState::Done)).state, "sent over HTTP");
        assert_eq!(
            file_view(&http(FileState::Downloading)).state,
            "sending over HTTP"
        );
        assert_eq!(file_view(&f(1000, FileState::Done)).state, "sent");
    }

    #[test]
    fn a_file_that_was_sent_is_not_being_sent() {
        let row = |name: &str, state| PhoneFile {
            name: name.into(),
            size: Some(1000),
            bytes: if state == FileState::Done { 1000 } else { 0 },
            state,
            retransmissions: 0,
            transport: lifeline_shared::events::Transport::Tftp,
        };
        let mut p = summary("10.0.0.50", PhoneState::Downloading);
        p.files = vec![
            row("term42.default.loads", FileState::Done),
            row("jar42sip.9-4-2ES26.sbn", FileState::Done),
            row("dsp42.9-4-2ES26.sbn", FileState::Pending),
        ];
        p.files_done = 2;
        p.files_expected = 3;
        // The phone asked in capitals; the helper served the file and still
        // names it as being sent.
        p.current_file = Some("JAR42SIP.9-4-2ES26.SBN".into());
        let v = PhoneView::of(&p);
        assert_eq!(v.headline, "Downloading: 2 of 3 files sent");
        assert_eq!(
            v.detail,
            "Between two files: waiting for it to ask for the next file."
        );
        // While its row is being sent, it is named.
        p.files[1].state = FileState::Downloading;
        p.files[1].bytes = 400;
        p.files_done = 1;
        let v = PhoneView::of(&p);
        assert_eq!(v.headline, "Downloading file 2 of 3");
        assert_eq!(v.detail, "Now sending `JAR42SIP.9-4-2ES26.SBN`.");
        // A file with no row (its configuration) is named too.
        p.current_file = Some("XMLDefault.cnf.xml".into());
        assert_eq!(
            PhoneView::of(&p).detail,
            "Now sending `XMLDefault.cnf.xml`."
        );
    }

    #[test]
    fn a_term_manifest_of_another_model_names_it() {
        let mut p = summary("10.0.0.50", PhoneState::Failed);
        diagnose(
            &mut p,
            Diagnosis::NotFound {
                file: "term42.default.loads".into(),
                closest: Some("term41.default.loads".into()),
            },
        );
        let v = PhoneView::of(&p);
        let (title, detail, fix) = (v.headline, v.detail, v.fix.unwrap());
        assert_eq!(
            title,
            "It asked for `term42.default.loads`, which is not in the bundle"
        );
        assert!(detail.contains("recovery manifest of the 7942"), "{detail}");
        assert!(fix.contains("7942/7962"), "{fix}");
        diagnose(&mut p, Diagnosis::Other);
        p.reason = Some("a newer helper's words".into());
        assert_eq!(PhoneView::of(&p).detail, "a newer helper's words");
    }

    #[test]
    fn a_card_says_whom_the_phone_registers_as_and_a_simulation_apart() {
        use lifeline_shared::events::{Registration, Simulated};
        let mut p = summary("SEP001122AABBCC", PhoneState::Waiting);
        p.address = None;
        p.registers = Some(Box::new(Registration {
            file: "SEP001122AABBCC.cnf.xml".into(),
            own: true,
            words: "Registers as 1001 at 10.0.0.5:5060".into(),
        }));
        let v = PhoneView::of(&p);
        assert_eq!(
            v.registers,
            Some("Registers as 1001 at 10.0.0.5:5060 · from SEP001122AABBCC.cnf.xml".to_string())
        );
        assert_eq!(v.simulation, None);
        assert_eq!(v.headline, "Waiting for its first request");
        let simulated = |outcome, sentence: &str| Simulated {
            outcome,
            sentence: sentence.into(),
            code: None,
            registered: None,
        };
        p.simulation = Some(Box::new(simulated(
            SimulatedOutcome::Registered,
            "would register as 1001 at 127.0.0.1:5070",
        )));
        assert!(simulated_only(&p));
        let v = PhoneView::of(&p);
        assert_eq!(
            v.simulation,
            Some(SimulationView {
                tone: "ok",
                text: "Simulated: would register as 1001 at 127.0.0.1:5070.".into(),
            })
        );
        // The real phone was not seen: the card says so, not "waiting".
        assert_eq!(v.headline, "Not seen on the network yet");
        assert_eq!(v.tone, "muted");
        p.simulation = Some(Box::new(simulated(
            SimulatedOutcome::Stuck,
            "would be stuck: the SIP proxy `nothing.invalid` does not resolve.",
        )));
        let sim = PhoneView::of(&p).simulation.unwrap();
        assert_eq!(sim.tone, "error");
        assert_eq!(
            sim.text,
            "Simulated: would be stuck: the SIP proxy `nothing.invalid` does not resolve."
        );
        // Once the phone itself shows up, the card is its own again.
        p.address = Some(std::net::Ipv4Addr::new(10, 0, 0, 50));
        assert!(!simulated_only(&p));
        assert_eq!(PhoneView::of(&p).headline, "Waiting for its first request");
    }

    #[test]
    fn a_later_start_and_a_bundle_switch_are_said_on_the_card() {
        let p = PhoneSummary {
            sequence: 2,
            ..summary("10.0.0.50#2", PhoneState::Downloading)
        };
        assert_eq!(label(&p), "Phone at 10.0.0.50, attempt 2");
        assert_eq!(PhoneView::of(&p).title, "Phone at 10.0.0.50, attempt 2");
        let first = PhoneSummary {
            sequence: 1,
            ..summary("10.0.0.50", PhoneState::Done)
        };
        assert_eq!(label(&first), "Phone at 10.0.0.50");
        assert_eq!(PhoneView::of(&first).title, "Phone at 10.0.0.50");

        let over = PhoneView::of(&PhoneSummary {
            switched: Some(Switched::StartsOver),
            ..summary("10.0.0.50", PhoneState::Waiting)
        });
        assert_eq!(over.headline, "Waiting for it to ask the new bundle");
        assert_eq!(
            over.switched,
            Some("Re-judged against the new bundle: it starts over.")
        );
        let archived = PhoneView::of(&PhoneSummary {
            switched: Some(Switched::Archived),
            ..summary("10.0.0.50", PhoneState::Done)
        });
        assert_eq!(archived.tone, "muted");
        assert!(archived.switched.unwrap().starts_with("Archived"));
    }
}
