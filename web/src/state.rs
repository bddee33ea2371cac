//! The app's state and every transition, as a pure reducer (STYLE habit 11).
//!
//! The components dispatch [`Action`]s and render what [`State`] says; nothing here
//! touches the browser, so native `cargo test` covers it all.
//!
//! Invariants:
//! - One fixed set of phases (UX §2.1): [`Phase::Idle`] → [`Phase::Reading`] →
//!   [`Phase::Checking`] → [`Phase::Inspected`], or [`Phase::Failed`] from any of
//!   the working phases.
//! - Every job carries a ticket. A job's later actions only apply while it is the
//!   current job and still in the phase they continue; anything else (a slow read
//!   after the person chose another file, or after Start over) is dropped and the
//!   same `Rc` is returned, so nothing re-renders.
//! - A failure always becomes a [`Problem`] that says what is wrong and how to fix
//!   it; raw browser or archive messages never stand alone (UX §3.1).

use std::rc::Rc;

use lifeline_shared::finding::Severity;
use lifeline_shared::firmware::archive::ArchiveError;
use lifeline_shared::firmware::inspect::Report;
use yew::Reducible;

use crate::format;
use crate::intake::{MAX_INPUT, ReadFailure, Selection};

/// Everything the screen shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    /// The ticket of the current (or last) job; 0 before the first.
    pub ticket: u64,
    /// Where the job is.
    pub phase: Phase,
}

/// Where the firmware step is.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Phase {
    /// Nothing chosen yet (or started over).
    #[default]
    Idle,
    /// The browser is reading the chosen files.
    Reading {
        /// The file's name, or `8 files`.
        name: String,
        /// How many files.
        files: usize,
        /// How many are read.
        done: usize,
        /// Their total size.
        size: u64,
    },
    /// The files are read; the inspection runs.
    Checking {
        /// The file's name, or `8 files`.
        name: String,
        /// Their total size.
        size: u64,
    },
    /// The report is ready.
    Inspected {
        /// The report.
        report: Rc<Report>,
        /// How long the inspection took, in milliseconds.
        millis: f64,
    },
    /// The input could not be read or opened at all.
    Failed(Problem),
}

/// Why nothing could be inspected, in plain words with one fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The headline: what is wrong (names in backticks).
    pub title: String,
    /// The cause, in plain words.
    pub detail: String,
    /// What to do.
    pub fix: String,
    /// The browser's own words, when it gave any.
    pub raw: Option<String>,
}

/// Everything that can happen.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Files were chosen or dropped and the browser starts reading them.
    ReadStarted {
        /// The new job's ticket (greater than any before).
        ticket: u64,
        /// What is read.
        selection: Selection,
    },
    /// One more file is read.
    FileRead {
        /// The job.
        ticket: u64,
        /// How many are read now.
        done: usize,
    },
    /// The selection was refused, or the browser could not read a file.
    ReadFailed {
        /// The job (a new ticket when the selection was refused before reading).
        ticket: u64,
        /// Why.
        failure: ReadFailure,
    },
    /// Everything is read; the inspection starts.
    CheckStarted {
        /// The job.
        ticket: u64,
    },
    /// The inspection finished.
    Inspected {
        /// The job.
        ticket: u64,
        /// The report.
        report: Rc<Report>,
        /// How long it took, in milliseconds.
        millis: f64,
    },
    /// The input is not a readable zip.
    InspectFailed {
        /// The job.
        ticket: u64,
        /// The file's name.
        name: String,
        /// Why.
        error: ArchiveError,
    },
    /// Back to the empty screen.
    Reset,
}

impl State {
    /// The state after `action`, or `None` when the action does not apply (a stale
    /// job, or one that was started over).
    pub fn next(&self, action: Action) -> Option<State> {
        let current = |ticket: u64| ticket == self.ticket;
        let (ticket, phase) = match action {
            Action::ReadStarted { ticket, selection } if ticket > self.ticket => (
                ticket,
                Phase::Reading {
                    name: selection.label,
                    files: selection.files,
                    done: 0,
                    size: selection.size,
                },
            ),
            Action::FileRead { ticket, done } if current(ticket) => match &self.phase {
                Phase::Reading {
                    name, files, size, ..
                } => (
                    ticket,
                    Phase::Reading {
                        name: name.clone(),
                        files: *files,
                        done: done.min(*files),
                        size: *size,
                    },
                ),
                _ => return None,
            },
            Action::ReadFailed { ticket, failure }
                if ticket > self.ticket || (current(ticket) && self.is_reading()) =>
            {
                (ticket, Phase::Failed(Problem::from_read(&failure)))
            }
            Action::CheckStarted { ticket } if current(ticket) => match &self.phase {
                Phase::Reading { name, size, .. } => (
                    ticket,
                    Phase::Checking {
                        name: name.clone(),
                        size: *size,
                    },
                ),
                _ => return None,
            },
            Action::Inspected {
                ticket,
                report,
                millis,
            } if current(ticket) && self.is_working() => {
                (ticket, Phase::Inspected { report, millis })
            }
            Action::InspectFailed {
                ticket,
                name,
                error,
            } if current(ticket) && self.is_working() => {
                (ticket, Phase::Failed(Problem::from_archive(&name, &error)))
            }
            Action::Reset => (self.ticket, Phase::Idle),
            _ => return None,
        };
        Some(State { ticket, phase })
    }

    /// Whether files are being read.
    pub fn is_reading(&self) -> bool {
        matches!(self.phase, Phase::Reading { .. })
    }

    /// Whether a job is under way (reading or checking).
    pub fn is_working(&self) -> bool {
        matches!(self.phase, Phase::Reading { .. } | Phase::Checking { .. })
    }

    /// The report, once there is one.
    pub fn report(&self) -> Option<&Rc<Report>> {
        match &self.phase {
            Phase::Inspected { report, .. } => Some(report),
            _ => None,
        }
    }

    /// The sentence for the aria-live status region (and the visible status line).
    pub fn status_text(&self) -> String {
        match &self.phase {
            Phase::Idle => String::new(),
            Phase::Reading {
                name,
                files: 1,
                size,
                ..
            } => {
                format!("Reading {name} ({})…", format::size(*size))
            }
            Phase::Reading {
                name, files, done, ..
            } => {
                format!("Reading {name}… {done} of {files} read")
            }
            Phase::Checking { name, .. } => format!("Checking {name}…"),
            Phase::Inspected { report, .. } => {
                let h = headline(report);
                format!("Inspected {}. {} {}", report.source, h.title, h.detail)
            }
            Phase::Failed(p) => format!(
                "Could not inspect: {}. How to fix it is shown below.",
                strip_ticks(&p.title)
            ),
        }
    }

    /// The five steps of the frame, as the stepper shows them now.
    pub fn steps(&self) -> Vec<Step> {
        let (mark, reason) = match &self.phase {
            Phase::Inspected { report, .. } => match worst(report) {
                Some(Severity::Error) => {
                    (Some(Mark::Error), "Fix the errors in the firmware first")
                }
                Some(Severity::Warning) => (Some(Mark::Warning), NOT_YET),
                _ => (Some(Mark::Ok), NOT_YET),
            },
            Phase::Failed(_) => (Some(Mark::Error), INSPECT_FIRST),
            _ => (None, INSPECT_FIRST),
        };
        STEP_LABELS
            .iter()
            .enumerate()
            .map(|(i, &(label, short))| {
                let first = i == 0;
                Step {
                    number: i + 1,
                    label,
                    short,
                    current: first,
                    enabled: first,
                    mark: if first { mark } else { None },
                    reason: if first { None } else { Some(reason) },
                }
            })
            .collect()
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match self.next(action) {
            Some(next) => Rc::new(next),
            None => self,
        }
    }
}

const STEP_LABELS: [(&str, &str); 5] = [
    ("Firmware", "Firmware"),
    ("Network", "Network"),
    ("Configuration", "Config"),
    ("Deliver", "Deliver"),
    ("Recover", "Recover"),
];
const INSPECT_FIRST: &str = "Inspect a firmware first";
const NOT_YET: &str = "Not available in this version yet";

/// One step of the stepper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// 1 to 5.
    pub number: usize,
    /// Its name.
    pub label: &'static str,
    /// Its name where space is short (phones).
    pub short: &'static str,
    /// Whether it is the step on screen.
    pub current: bool,
    /// Whether it can be opened.
    pub enabled: bool,
    /// How it went, once it did.
    pub mark: Option<Mark>,
    /// Why it cannot be opened.
    pub reason: Option<&'static str>,
}

/// How a step went: ✓, ⚠ or ✗.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// Done, nothing to worry about.
    Ok,
    /// Done, with warnings.
    Warning,
    /// Failed, or errors to fix.
    Error,
}

impl Mark {
    /// Its symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Ok => "✓",
            Mark::Warning => "⚠",
            Mark::Error => "✗",
        }
    }

    /// Its meaning, for screen readers and CSS.
    pub fn word(self) -> &'static str {
        match self {
            Mark::Ok => "ok",
            Mark::Warning => "warning",
            Mark::Error => "error",
        }
    }
}

/// The worst severity among a report's findings.
pub fn worst(report: &Report) -> Option<Severity> {
    let t = &report.tally;
    if t.errors > 0 {
        Some(Severity::Error)
    } else if t.warnings > 0 {
        Some(Severity::Warning)
    } else if t.infos > 0 {
        Some(Severity::Info)
    } else {
        None
    }
}

/// The one-line verdict on a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Headline {
    /// `error`, `warning` or `ok`: the tone to show it in.
    pub tone: &'static str,
    /// The verdict.
    pub title: String,
    /// What the input is.
    pub detail: String,
}

/// The verdict on a report and what it holds, e.g. "Ready: …" and "Load
/// SCCP41.8-3-3S for 7941/7961."
pub fn headline(report: &Report) -> Headline {
    let t = &report.tally;
    let (tone, title) = if t.errors > 0 {
        (
            "error",
            format!(
                "Not ready: {} to fix before a phone can recover from this firmware.",
                format::count(t.errors, "error", "errors")
            ),
        )
    } else if t.warnings > 0 {
        (
            "warning",
            format!(
                "Usable, with {} to review.",
                format::count(t.warnings, "warning", "warnings")
            ),
        )
    } else if report.manifests.is_empty() {
        (
            "error",
            "Not ready: there is no firmware manifest in it.".to_string(),
        )
    } else {
        (
            "ok",
            "Ready: every file the manifests list is here.".to_string(),
        )
    };
    // The file count and size are in the facts next to it; this names the load.
    let detail = match (&report.load, &report.family_name) {
        (Some(load), Some(family)) => format!("Load {load} for {family}."),
        (Some(load), None) => format!("Load {load}."),
        (None, Some(family)) => format!("Firmware for {family}, without a load manifest."),
        (None, None) => "No firmware load recognised.".to_string(),
    };
    Headline {
        tone,
        title,
        detail,
    }
}

fn strip_ticks(text: &str) -> String {
    text.replace('`', "")
}

impl Problem {
    /// The problem for a selection that could not be read.
    pub fn from_read(failure: &ReadFailure) -> Problem {
        match failure {
            ReadFailure::NoFiles => Problem {
                title: "Nothing to inspect".into(),
                detail: "What was dropped held no files (perhaps a link or some text).".into(),
                fix: "Drop the firmware zip itself, or press Choose file and pick it.".into(),
                raw: None,
            },
            ReadFailure::Folder { name } => Problem {
                title: format!("`{name}` is a folder"),
                detail: "Lifeline reads files, not folders.".into(),
                fix: "Open the folder and drop the files inside it (select them all with Ctrl+A, or ⌘A on a Mac), or press Choose file and select them there. Or drop the firmware zip itself.".into(),
                raw: None,
            },
            ReadFailure::TooLarge { name, size } => Problem {
                title: format!("`{name}` is too large to be phone firmware"),
                detail: format!(
                    "It is {}; Lifeline reads up to {}, and Cisco phone firmware zips are under 100 MB.",
                    format::size(*size),
                    format::size(MAX_INPUT)
                ),
                fix: "Check that you chose the phone firmware zip (cmterm-….zip), not a disk image or a Call Manager bundle.".into(),
                raw: None,
            },
            ReadFailure::Unreadable { name, kind, message } => Problem {
                title: format!("`{name}` could not be read"),
                detail: match kind.as_str() {
                    "NotFoundError" => {
                        "The browser no longer finds it: it was moved, renamed or deleted after it was chosen."
                    }
                    "NotReadableError" => {
                        "The browser was not allowed to read it. A folder gives this error, and so does a file that is locked by another program or that you may not read."
                    }
                    "SecurityError" => "The browser refused to read it for security reasons.",
                    _ => "The browser could not read it.",
                }
                .into(),
                fix: "If it is a folder, open it and choose (or drop) the files inside. Otherwise check that the file is still there and readable, then choose it again.".into(),
                raw: match (kind.is_empty(), message.is_empty()) {
                    (true, true) => None,
                    (false, true) => Some(kind.clone()),
                    (true, false) => Some(message.clone()),
                    (false, false) => Some(format!("{kind}: {message}")),
                },
            },
        }
    }

    /// The problem for an input that is not a readable zip.
    pub fn from_archive(name: &str, error: &ArchiveError) -> Problem {
        let detail = match error {
            ArchiveError::NotAZip { hint } => match hint.trim_start_matches([' ', '—']) {
                "" => "Lifeline found no zip directory in it, so it is some other kind of file that was given a .zip name.".to_string(),
                hint => format::sentence(hint),
            },
            other => format::sentence(&other.to_string()),
        };
        let (title, fix) = match error {
            ArchiveError::NotAZip { .. } => (
                format!("`{name}` is not a zip file"),
                "Choose the firmware zip as downloaded from Cisco, for example cmterm-7941_7961-sccp.8-3-3.zip. If the browser saved an error page instead, download it again. If you have already unpacked the zip, choose its .loads and .sbn files together instead.",
            ),
            ArchiveError::Truncated { .. } => (
                format!("`{name}` is damaged or incomplete"),
                "The download was probably cut short. Download the zip again, let it finish, and check that its size matches the one on the download page.",
            ),
            ArchiveError::Empty => (
                format!("`{name}` is empty"),
                "The file has no content. Download the firmware zip again.",
            ),
            _ => (
                format!("`{name}` could not be opened"),
                "Download the firmware zip again, or choose its .loads and .sbn files together instead.",
            ),
        };
        Problem {
            title,
            detail,
            fix: fix.into(),
            raw: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intake;
    use lifeline_shared::firmware::inspect::{InputFile, inspect_zip};
    use lifeline_shared::testkit::{seed_files, seed_zip, zip_of};

    fn selection(label: &str, files: usize, size: u64) -> Selection {
        Selection {
            label: label.into(),
            files,
            size,
        }
    }

    fn apply(state: &State, action: Action) -> State {
        state.next(action).expect("the action applies")
    }

    fn seed_report() -> Rc<Report> {
        Rc::new(inspect_zip("seed.zip", &seed_zip()).unwrap())
    }

    fn missing_image_report() -> Rc<Report> {
        let files: Vec<_> = seed_files()
            .into_iter()
            .filter(|(n, _)| n != "dsp41.8-3-2-27.sbn")
            .collect();
        Rc::new(inspect_zip("missing-image.zip", &zip_of(&files)).unwrap())
    }

    fn reading(ticket: u64) -> State {
        apply(
            &State::default(),
            Action::ReadStarted {
                ticket,
                selection: selection("seed.zip", 1, 6_400_000),
            },
        )
    }

    fn checking(ticket: u64) -> State {
        apply(&reading(ticket), Action::CheckStarted { ticket })
    }

    #[test]
    fn starts_idle_and_quiet() {
        let s = State::default();
        assert_eq!(s.phase, Phase::Idle);
        assert_eq!(s.status_text(), "");
        assert!(!s.is_working());
        assert!(s.report().is_none());
    }

    #[test]
    fn read_started_enters_reading() {
        let s = reading(1);
        assert_eq!(s.ticket, 1);
        assert_eq!(
            s.phase,
            Phase::Reading {
                name: "seed.zip".into(),
                files: 1,
                done: 0,
                size: 6_400_000
            }
        );
        assert_eq!(s.status_text(), "Reading seed.zip (6.4 MB)…");
        assert!(s.is_reading() && s.is_working());
    }

    #[test]
    fn read_started_needs_a_newer_ticket() {
        let s = reading(2);
        assert_eq!(
            s.next(Action::ReadStarted {
                ticket: 2,
                selection: selection("a", 1, 1)
            }),
            None
        );
        assert_eq!(
            s.next(Action::ReadStarted {
                ticket: 1,
                selection: selection("a", 1, 1)
            }),
            None
        );
        // A newer job replaces the one under way.
        let t = apply(
            &s,
            Action::ReadStarted {
                ticket: 3,
                selection: selection("other.zip", 1, 10),
            },
        );
        assert_eq!(t.ticket, 3);
        assert!(matches!(&t.phase, Phase::Reading { name, .. } if name == "other.zip"));
    }

    #[test]
    fn file_read_counts_files() {
        let s = apply(
            &State::default(),
            Action::ReadStarted {
                ticket: 1,
                selection: selection("8 files", 8, 100),
            },
        );
        let s = apply(&s, Action::FileRead { ticket: 1, done: 3 });
        assert!(matches!(
            s.phase,
            Phase::Reading {
                done: 3,
                files: 8,
                ..
            }
        ));
        assert_eq!(s.status_text(), "Reading 8 files… 3 of 8 read");
        // Never more than there are.
        let s = apply(&s, Action::FileRead { ticket: 1, done: 9 });
        assert!(matches!(s.phase, Phase::Reading { done: 8, .. }));
    }

    #[test]
    fn file_read_of_a_stale_job_is_ignored() {
        let s = reading(2);
        assert_eq!(s.next(Action::FileRead { ticket: 1, done: 1 }), None);
        assert_eq!(
            checking(2).next(Action::FileRead { ticket: 2, done: 1 }),
            None
        );
    }

    #[test]
    fn check_started_enters_checking() {
        let s = checking(1);
        assert_eq!(
            s.phase,
            Phase::Checking {
                name: "seed.zip".into(),
                size: 6_400_000
            }
        );
        assert_eq!(s.status_text(), "Checking seed.zip…");
        assert!(s.is_working() && !s.is_reading());
        assert_eq!(s.next(Action::CheckStarted { ticket: 1 }), None);
        assert_eq!(reading(2).next(Action::CheckStarted { ticket: 1 }), None);
    }

    #[test]
    fn inspected_shows_the_report() {
        let report = seed_report();
        let s = apply(
            &checking(1),
            Action::Inspected {
                ticket: 1,
                report: report.clone(),
                millis: 12.5,
            },
        );
        assert_eq!(
            s.phase,
            Phase::Inspected {
                report: report.clone(),
                millis: 12.5
            }
        );
        assert_eq!(s.report(), Some(&report));
        assert!(!s.is_working());
        let status = s.status_text();
        assert!(status.starts_with("Inspected seed.zip. Ready"), "{status}");
        assert!(status.contains("SCCP41.8-3-3S"), "{status}");
    }

    #[test]
    fn inspected_of_a_stale_or_reset_job_is_ignored() {
        let report = seed_report();
        let newer = apply(
            &checking(1),
            Action::ReadStarted {
                ticket: 2,
                selection: selection("b.zip", 1, 1),
            },
        );
        assert_eq!(
            newer.next(Action::Inspected {
                ticket: 1,
                report: report.clone(),
                millis: 1.0
            }),
            None
        );
        let reset = apply(&checking(1), Action::Reset);
        assert_eq!(
            reset.next(Action::Inspected {
                ticket: 1,
                report,
                millis: 1.0
            }),
            None
        );
    }

    #[test]
    fn inspect_failed_explains_a_non_zip() {
        let error = intake::inspect(
            "x.zip",
            vec![InputFile {
                name: "x.zip".into(),
                data: b"garbage".to_vec(),
            }],
        )
        .unwrap_err();
        let s = apply(
            &checking(1),
            Action::InspectFailed {
                ticket: 1,
                name: "x.zip".into(),
                error,
            },
        );
        let Phase::Failed(p) = &s.phase else {
            panic!("{s:?}")
        };
        assert_eq!(p.title, "`x.zip` is not a zip file");
        assert!(
            p.detail
                .starts_with("Lifeline found no zip directory in it"),
            "{}",
            p.detail
        );
        assert!(p.fix.contains("download it again"), "{}", p.fix);
        assert!(
            s.status_text()
                .starts_with("Could not inspect: x.zip is not a zip file."),
            "{}",
            s.status_text()
        );
        assert_eq!(s.steps()[0].mark, Some(Mark::Error));
    }

    #[test]
    fn inspect_failed_of_a_stale_job_is_ignored() {
        let s = reading(2);
        assert_eq!(
            s.next(Action::InspectFailed {
                ticket: 1,
                name: "x".into(),
                error: ArchiveError::Empty
            }),
            None
        );
        assert_eq!(
            State::default().next(Action::InspectFailed {
                ticket: 0,
                name: "x".into(),
                error: ArchiveError::Empty
            }),
            None
        );
    }

    #[test]
    fn every_archive_error_has_a_title_and_a_fix() {
        let errors = [
            ArchiveError::NotAZip {
                hint: String::new(),
            },
            ArchiveError::Truncated {
                what: "the central directory".into(),
            },
            ArchiveError::Empty,
        ];
        for error in errors {
            let p = Problem::from_archive("fw.zip", &error);
            assert!(p.title.starts_with("`fw.zip` "), "{p:?}");
            assert!(
                p.detail.ends_with('.') && p.detail.chars().next().unwrap().is_uppercase(),
                "{p:?}"
            );
            assert!(!p.fix.is_empty(), "{p:?}");
        }
        assert_eq!(
            Problem::from_archive("e.zip", &ArchiveError::Empty).title,
            "`e.zip` is empty"
        );
    }

    #[test]
    fn read_failed_during_reading_explains() {
        let failure = ReadFailure::Unreadable {
            name: "firmware".into(),
            kind: "NotReadableError".into(),
            message: "The requested file could not be read".into(),
        };
        let s = apply(&reading(1), Action::ReadFailed { ticket: 1, failure });
        let Phase::Failed(p) = &s.phase else {
            panic!("{s:?}")
        };
        assert_eq!(p.title, "`firmware` could not be read");
        assert!(p.detail.contains("folder"), "{}", p.detail);
        assert!(p.fix.contains("open it"), "{}", p.fix);
        assert_eq!(
            p.raw.as_deref(),
            Some("NotReadableError: The requested file could not be read")
        );
    }

    #[test]
    fn read_failed_before_reading_takes_a_new_ticket() {
        let s = apply(
            &State::default(),
            Action::ReadFailed {
                ticket: 1,
                failure: ReadFailure::NoFiles,
            },
        );
        assert_eq!(s.ticket, 1);
        let Phase::Failed(p) = &s.phase else {
            panic!("{s:?}")
        };
        assert_eq!(p.title, "Nothing to inspect");
        // A refused drop while another file is being read replaces that job.
        let s = apply(
            &reading(1),
            Action::ReadFailed {
                ticket: 2,
                failure: ReadFailure::NoFiles,
            },
        );
        assert_eq!(s.ticket, 2);
        assert!(matches!(s.phase, Phase::Failed(_)));
    }

    #[test]
    fn read_failed_of_a_stale_or_finished_job_is_ignored() {
        let failure = ReadFailure::NoFiles;
        assert_eq!(
            reading(2).next(Action::ReadFailed {
                ticket: 1,
                failure: failure.clone()
            }),
            None
        );
        assert_eq!(
            checking(2).next(Action::ReadFailed { ticket: 2, failure }),
            None
        );
    }

    #[test]
    fn a_dropped_folder_is_explained() {
        let s = apply(
            &State::default(),
            Action::ReadFailed {
                ticket: 1,
                failure: ReadFailure::Folder {
                    name: "cmterm-7941_7961-sccp.8-3-3".into(),
                },
            },
        );
        let Phase::Failed(p) = &s.phase else {
            panic!("{s:?}")
        };
        assert_eq!(p.title, "`cmterm-7941_7961-sccp.8-3-3` is a folder");
        assert!(
            p.fix
                .starts_with("Open the folder and drop the files inside it"),
            "{}",
            p.fix
        );
    }

    #[test]
    fn too_large_names_sizes() {
        let p = Problem::from_read(&ReadFailure::TooLarge {
            name: "disk.img".into(),
            size: 4_000_000_000,
        });
        assert_eq!(p.title, "`disk.img` is too large to be phone firmware");
        assert!(
            p.detail
                .starts_with("It is 4.0 GB; Lifeline reads up to 537 MB"),
            "{}",
            p.detail
        );
    }

    #[test]
    fn unreadable_without_browser_words_has_no_raw_line() {
        let p = Problem::from_read(&ReadFailure::Unreadable {
            name: "a".into(),
            kind: String::new(),
            message: String::new(),
        });
        assert_eq!(p.raw, None);
        assert_eq!(p.detail, "The browser could not read it.");
    }

    #[test]
    fn reset_goes_back_to_idle_keeping_the_ticket() {
        let s = apply(&checking(4), Action::Reset);
        assert_eq!(
            s,
            State {
                ticket: 4,
                phase: Phase::Idle
            }
        );
        // The next job needs a newer ticket, as always.
        assert!(
            s.next(Action::ReadStarted {
                ticket: 5,
                selection: selection("a", 1, 1)
            })
            .is_some()
        );
    }

    #[test]
    fn reducer_keeps_the_same_rc_for_ignored_actions() {
        let s = Rc::new(reading(2));
        let same = s.clone().reduce(Action::FileRead { ticket: 1, done: 1 });
        assert!(Rc::ptr_eq(&s, &same));
        let changed = s.clone().reduce(Action::FileRead { ticket: 2, done: 1 });
        assert!(!Rc::ptr_eq(&s, &changed));
    }

    #[test]
    fn steps_before_inspection_say_why_they_are_closed() {
        let steps = State::default().steps();
        assert_eq!(steps.len(), 5);
        assert_eq!(
            steps.iter().map(|s| s.label).collect::<Vec<_>>(),
            ["Firmware", "Network", "Configuration", "Deliver", "Recover"]
        );
        assert!(
            steps[0].current
                && steps[0].enabled
                && steps[0].reason.is_none()
                && steps[0].mark.is_none()
        );
        for s in &steps[1..] {
            assert!(!s.enabled && !s.current);
            assert_eq!(s.reason, Some("Inspect a firmware first"));
        }
    }

    #[test]
    fn steps_after_inspection_carry_the_verdict() {
        let ok = apply(
            &checking(1),
            Action::Inspected {
                ticket: 1,
                report: seed_report(),
                millis: 1.0,
            },
        );
        let steps = ok.steps();
        assert_eq!(steps[0].mark, Some(Mark::Ok));
        assert!(
            steps[1..]
                .iter()
                .all(|s| !s.enabled && s.reason == Some(NOT_YET))
        );

        let bad = apply(
            &checking(1),
            Action::Inspected {
                ticket: 1,
                report: missing_image_report(),
                millis: 1.0,
            },
        );
        let steps = bad.steps();
        assert_eq!(steps[0].mark, Some(Mark::Error));
        assert_eq!(
            steps[1].reason,
            Some("Fix the errors in the firmware first")
        );
    }

    #[test]
    fn headline_of_a_good_zip() {
        let h = headline(&seed_report());
        assert_eq!(h.tone, "ok");
        assert_eq!(h.title, "Ready: every file the manifests list is here.");
        assert_eq!(h.detail, "Load SCCP41.8-3-3S for 7941/7961.");
    }

    #[test]
    fn headline_of_a_zip_with_a_missing_image() {
        let report = missing_image_report();
        let h = headline(&report);
        assert_eq!(h.tone, "error");
        assert!(h.title.starts_with("Not ready: 1 error"), "{}", h.title);
        assert_eq!(worst(&report), Some(Severity::Error));
        let missing: Vec<_> = report
            .findings_of(Severity::Error)
            .map(|f| f.code.as_str())
            .collect();
        assert_eq!(missing, ["missing-image"]);
    }

    #[test]
    fn headline_of_an_input_without_manifests() {
        let report = intake::inspect(
            "notes.txt",
            vec![InputFile {
                name: "notes.txt".into(),
                data: b"hi".to_vec(),
            }],
        )
        .unwrap();
        let h = headline(&report);
        assert_eq!(h.tone, "error");
        assert_eq!(h.detail, "No firmware load recognised.");
    }

    #[test]
    fn worst_of_a_clean_report_is_none_or_info() {
        let report = seed_report();
        assert!(matches!(worst(&report), None | Some(Severity::Info)));
    }
}
