//! Sending the bundle to the helper, as the page shows it (pure): where the
//! send is, how far, and every refusal in plain words.
//!
//! Invariants:
//! - The shown progress never goes backwards: a resume or a file sent again
//!   holds the bar until the bytes catch up.
//! - A send is tied to one bundle ([`BundleKey`] and manifest id): any change
//!   to the firmware or settings drops it, and messages about another bundle
//!   are ignored.
//! - Every refusal becomes a [`Refusal`] that names the file and the fix.

use lifeline_shared::protocol::{ErrorCode, ServerMessage};

use crate::bundle::BundleKey;
use crate::clock::Clock;
use crate::format;
use crate::uploader::MAX_COMMITS;

/// How far an upload is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    pub key: BundleKey,
    /// Its manifest id.
    pub id: String,
    /// Bytes the helper has.
    pub received: u64,
    /// Bytes in all.
    pub total: u64,
    /// Bytes the bar shows: never less than before.
    pub shown: u64,
    /// When this stretch of sending started (monotonic ms) …
    pub base_at: u64,
    /// … and the bytes the helper had then (for the rate).
    pub base_bytes: u64,
    /// The last acknowledgement (monotonic ms).
    pub last_at: u64,
    /// Bytes the helper already had when this send started or resumed.
    pub resumed: Option<u64>,
    /// A file being sent again, and why.
    pub again: Option<Refusal>,
    /// Commits refused so far.
    pub commits: u32,
}

impl Progress {
    fn new(key: BundleKey, id: String, received: u64, total: u64, at: Clock) -> Progress {
        Progress {
            key,
            id,
            received,
            total,
            shown: received,
            base_at: at.mono,
            base_bytes: received,
            last_at: at.mono,
            resumed: (received > 0).then_some(received),
            again: None,
            commits: 0,
        }
    }

    /// A new stretch of sending from what the helper has now; the bar keeps
    /// what it showed.
    fn restart(&mut self, received: u64, total: u64, at: Clock) {
        self.received = received;
        self.total = total;
        self.shown = self.shown.max(received);
        self.base_at = at.mono;
        self.base_bytes = received;
        self.last_at = at.mono;
    }

    /// Bytes per second over this stretch, once there is half a second of it.
    pub fn rate(&self) -> Option<u64> {
        let ms = self.last_at.saturating_sub(self.base_at);
        let bytes = self.received.saturating_sub(self.base_bytes);
        (ms >= 500 && bytes > 0).then(|| bytes * 1000 / ms)
    }

    /// Seconds left at that rate.
    pub fn secs_left(&self) -> Option<u64> {
        let rate = self.rate()?;
        Some(
            self.total
                .saturating_sub(self.received)
                .div_ceil(rate.max(1)),
        )
    }

    /// The bar's percentage.
    pub fn percent(&self) -> u64 {
        format::percent(self.shown, self.total)
    }
}

/// Where sending the bundle to the helper is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendState {
    /// Not sent (or dropped after a change).
    Idle,
    /// `upload-begin` went out; waiting for the helper to say what it has.
    Starting {
        key: BundleKey,
        /// Its manifest id.
        id: String,
    },
    /// Chunks are going out.
    Sending(Progress),
    /// The connection dropped; the upload resumes when it is back.
    Interrupted(Progress),
    /// The helper checks every file and writes it to disk.
    Verifying(Progress),
    /// The helper serves it.
    Switched {
        key: BundleKey,
        id: String,
        files: usize,
        bytes: u64,
    },
    /// It was refused.
    Failed {
        key: BundleKey,
        id: String,
        /// Why, and what to do.
        refusal: Refusal,
    },
}

impl SendState {
    /// The bundle it is about.
    pub fn key(&self) -> Option<BundleKey> {
        match self {
            SendState::Idle => None,
            SendState::Starting { key, .. }
            | SendState::Switched { key, .. }
            | SendState::Failed { key, .. } => Some(*key),
            SendState::Sending(p) | SendState::Interrupted(p) | SendState::Verifying(p) => {
                Some(p.key)
            }
        }
    }

    /// Its manifest id.
    pub fn id(&self) -> Option<&str> {
        match self {
            SendState::Idle => None,
            SendState::Starting { id, .. }
            | SendState::Switched { id, .. }
            | SendState::Failed { id, .. } => Some(id),
            SendState::Sending(p) | SendState::Interrupted(p) | SendState::Verifying(p) => {
                Some(&p.id)
            }
        }
    }
}

/// A refusal, in plain words: what, the file concerned, the helper's own words
/// and the fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The headline (names in backticks).
    pub title: String,
    /// The helper's message.
    pub message: String,
    /// The file concerned.
    pub file: Option<String>,
    /// What to do.
    pub fix: &'static str,
}

impl Refusal {
    /// The problem for an `error` message.
    pub fn from_error(code: ErrorCode, message: &str, file: Option<&str>) -> Refusal {
        let named = |what: &str, fallback: &str| match file {
            Some(f) => format!("`{f}` {what}"),
            None => fallback.to_string(),
        };
        let (title, fix) = match code {
            ErrorCode::HashMismatch => (
                named("arrived damaged", "A file arrived damaged"),
                "Nothing to do: the page sends it again.",
            ),
            ErrorCode::Incomplete => (
                named(
                    "had not fully arrived",
                    "Parts of the bundle had not arrived",
                ),
                "Nothing to do: the page sends what is missing.",
            ),
            ErrorCode::BadChunk => (
                named("was damaged on the way", "A piece was damaged on the way"),
                "Nothing to do: the page sends it again.",
            ),
            ErrorCode::Storage => (
                "The helper could not store the bundle".to_string(),
                "Free some space on the helper's computer (or start it with `--data-dir` on a disk with room), then press Try again. Or download the zip instead.",
            ),
            ErrorCode::BadManifest => (
                named("was refused by the helper", "The helper refused the bundle"),
                "Make the bundle again (go back to step 1 and choose the firmware again); if it is refused again, download the zip and copy it to a TFTP server yourself.",
            ),
            ErrorCode::OutOfOrder => (
                "The helper refused the upload now".to_string(),
                "If another browser tab or computer is sending a bundle to this helper, wait until it is done, then press Try again.",
            ),
            ErrorCode::VersionMismatch => (
                "The helper and this page are different versions".to_string(),
                "Open the address the helper printed at start (it serves the matching page), or update the helper.",
            ),
            _ => (
                "The helper refused the upload".to_string(),
                "Reload this page from the address the helper printed, then press Try again.",
            ),
        };
        Refusal {
            title,
            message: format::sentence(message),
            file: file.map(str::to_string),
            fix,
        }
    }

    /// Whether the helper asks for the file again by itself (`upload-ready`
    /// follows), so the upload goes on.
    pub fn is_transient(code: ErrorCode) -> bool {
        matches!(
            code,
            ErrorCode::HashMismatch | ErrorCode::Incomplete | ErrorCode::BadChunk
        )
    }
}

impl SendState {
    /// Folds in the upload's part of a server message; `true` when it changed
    /// anything.
    pub fn on_message(&mut self, message: &ServerMessage, at: Clock) -> bool {
        let same = |id: &str, send: &SendState| send.id() == Some(id);
        match message {
            ServerMessage::UploadReady {
                id,
                received,
                total,
                ..
            } if same(id, self) => {
                *self = match std::mem::replace(self, SendState::Idle) {
                    SendState::Starting { key, id } => {
                        SendState::Sending(Progress::new(key, id, *received, *total, at))
                    }
                    // Back after a dropped connection: say how much was kept.
                    SendState::Interrupted(mut p) => {
                        p.restart(*received, *total, at);
                        p.resumed = (*received > 0).then_some(*received);
                        p.again = None;
                        SendState::Sending(p)
                    }
                    // A refused commit: the helper asks for what it lacks.
                    SendState::Sending(mut p) | SendState::Verifying(mut p) => {
                        p.restart(*received, *total, at);
                        SendState::Sending(p)
                    }
                    other => other,
                };
                true
            }
            ServerMessage::UploadProgress {
                id,
                received,
                total,
            } if same(id, self) => match self {
                SendState::Sending(p) => {
                    p.received = *received;
                    p.total = *total;
                    p.shown = p.shown.max(*received);
                    p.last_at = at.mono;
                    true
                }
                _ => false,
            },
            ServerMessage::UploadVerifying { id } if same(id, self) => {
                match std::mem::replace(self, SendState::Idle) {
                    SendState::Sending(p) => {
                        *self = SendState::Verifying(p);
                        true
                    }
                    other => {
                        *self = other;
                        false
                    }
                }
            }
            ServerMessage::UploadSwitched { id, files, bytes } if same(id, self) => {
                let Some(key) = self.key() else {
                    return false;
                };
                *self = SendState::Switched {
                    key,
                    id: id.clone(),
                    files: *files,
                    bytes: *bytes,
                };
                true
            }
            ServerMessage::Error {
                code,
                message,
                file,
            } if *code != ErrorCode::Simulation
                && matches!(
                    *self,
                    SendState::Starting { .. } | SendState::Sending(_) | SendState::Verifying(_)
                ) =>
            {
                let problem = Refusal::from_error(*code, message, file.as_deref());
                let (Some(key), Some(id)) = (self.key(), self.id().map(str::to_string)) else {
                    return false;
                };
                let at_commit = matches!(code, ErrorCode::HashMismatch | ErrorCode::Incomplete);
                match self {
                    SendState::Sending(p) | SendState::Verifying(p)
                        if Refusal::is_transient(*code) =>
                    {
                        p.commits += u32::from(at_commit);
                        if p.commits >= MAX_COMMITS {
                            let file = problem.file.clone();
                            *self = SendState::Failed {
                                key,
                                id,
                                refusal: Refusal {
                                    title: match &file {
                                        Some(f) => format!("`{f}` kept arriving damaged"),
                                        None => "The bundle kept arriving damaged".to_string(),
                                    },
                                    fix: "Check the disk and memory of the helper's computer, then press Try again; or download the zip and copy it to a TFTP server yourself.",
                                    ..problem
                                },
                            };
                        } else {
                            p.again = Some(problem);
                        }
                    }
                    _ => {
                        *self = SendState::Failed {
                            key,
                            id,
                            refusal: problem,
                        }
                    }
                }
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{
        KEY, at, upload_error as error, upload_progress as progress, upload_ready as ready,
    };

    fn starting() -> SendState {
        SendState::Starting {
            key: KEY,
            id: "b1".into(),
        }
    }

    #[test]
    fn progress_never_goes_backwards_and_knows_its_rate() {
        let mut s = starting();
        assert!(s.on_message(&ready(vec![], 0, 10_000_000), at(0)));
        let SendState::Sending(p) = &s else { panic!() };
        assert_eq!((p.received, p.shown, p.resumed), (0, 0, None));
        assert_eq!(p.rate(), None, "no rate before anything arrived");
        s.on_message(&progress(2_000_000, 10_000_000), at(1000));
        let SendState::Sending(p) = &s else { panic!() };
        assert_eq!(p.rate(), Some(2_000_000));
        assert_eq!(p.secs_left(), Some(4));
        assert_eq!(p.percent(), 20);
        // The helper asks for a file again (its hash did not match): the bar
        // holds until the bytes catch up.
        s.on_message(&progress(6_000_000, 10_000_000), at(3000));
        s.on_message(&error(ErrorCode::HashMismatch, Some("apps.sbn")), at(3100));
        s.on_message(&ready(vec![], 4_000_000, 10_000_000), at(3200));
        let SendState::Sending(p) = &s else { panic!() };
        assert_eq!((p.received, p.shown), (4_000_000, 6_000_000));
        assert_eq!(
            p.again.as_ref().map(|a| a.title.as_str()),
            Some("`apps.sbn` arrived damaged")
        );
        assert_eq!(p.commits, 1);
        s.on_message(&progress(5_000_000, 10_000_000), at(3700));
        let SendState::Sending(p) = &s else { panic!() };
        assert_eq!(p.shown, 6_000_000);
        assert_eq!(p.rate(), Some(2_000_000), "the rate of this stretch");
        s.on_message(&progress(10_000_000, 10_000_000), at(6000));
        assert!(s.on_message(
            &ServerMessage::UploadVerifying { id: "b1".into() },
            at(6001)
        ));
        let SendState::Verifying(p) = &s else {
            panic!()
        };
        assert_eq!(p.percent(), 100);
        assert!(s.on_message(
            &ServerMessage::UploadSwitched {
                id: "b1".into(),
                files: 11,
                bytes: 10_000_000
            },
            at(6500)
        ));
        assert_eq!(
            s,
            SendState::Switched {
                key: KEY,
                id: "b1".into(),
                files: 11,
                bytes: 10_000_000
            }
        );
    }

    #[test]
    fn an_interrupted_upload_resumes_where_it_stopped() {
        let mut s = starting();
        s.on_message(&ready(vec![], 0, 100), at(0));
        s.on_message(&progress(60, 100), at(10));
        let SendState::Sending(p) = s.clone() else {
            panic!()
        };
        s = SendState::Interrupted(p);
        assert!(s.on_message(&ready(vec![], 60, 100), at(5000)));
        let SendState::Sending(p) = &s else { panic!() };
        assert_eq!((p.resumed, p.shown, p.base_at), (Some(60), 60, 5000));
        // A send that finds everything there already says so too.
        let mut s = starting();
        s.on_message(&ready(vec![], 100, 100), at(0));
        let SendState::Sending(p) = &s else { panic!() };
        assert_eq!(p.resumed, Some(100));
    }

    #[test]
    fn refusals_are_named_with_the_file_and_the_fix() {
        let mut s = starting();
        s.on_message(&ready(vec![], 0, 100), at(0));
        assert!(s.on_message(&error(ErrorCode::Storage, None), at(1)));
        let SendState::Failed {
            refusal: problem, ..
        } = &s
        else {
            panic!("{:?}", s)
        };
        assert_eq!(problem.title, "The helper could not store the bundle");
        assert_eq!(problem.message, "It went wrong: do this.");
        assert!(problem.fix.contains("Free some space"));
        // Before any chunk: a refused manifest, naming the file.
        let mut s = starting();
        s.on_message(&error(ErrorCode::BadManifest, Some("a b")), at(0));
        let SendState::Failed {
            refusal: problem, ..
        } = &s
        else {
            panic!()
        };
        assert_eq!(problem.title, "`a b` was refused by the helper");
        assert_eq!(problem.file.as_deref(), Some("a b"));
        // Repeated damage gives up.
        let mut s = starting();
        s.on_message(&ready(vec![], 0, 100), at(0));
        for _ in 0..MAX_COMMITS {
            s.on_message(&error(ErrorCode::HashMismatch, Some("f")), at(1));
            s.on_message(&ready(vec![], 0, 100), at(2));
        }
        let SendState::Failed {
            refusal: problem, ..
        } = &s
        else {
            panic!("{:?}", s)
        };
        assert_eq!(problem.title, "`f` kept arriving damaged");
        // Every code has a title and a fix.
        for code in [
            ErrorCode::VersionMismatch,
            ErrorCode::BadMessage,
            ErrorCode::OutOfOrder,
            ErrorCode::BadManifest,
            ErrorCode::BadChunk,
            ErrorCode::HashMismatch,
            ErrorCode::Incomplete,
            ErrorCode::Storage,
        ] {
            let p = Refusal::from_error(code, "m", None);
            assert!(!p.title.is_empty() && !p.fix.is_empty(), "{code:?}");
        }
        // Messages for other bundles, or with nothing under way, change nothing.
        let mut s = SendState::Idle;
        assert!(!s.on_message(&progress(1, 2), at(0)));
        assert!(!s.on_message(&error(ErrorCode::Storage, None), at(0)));
        let mut s = starting();
        assert!(!s.on_message(&ServerMessage::UploadVerifying { id: "b1".into() }, at(0)));
        assert!(!s.on_message(
            &ServerMessage::UploadProgress {
                id: "zz".into(),
                received: 1,
                total: 1
            },
            at(0)
        ));
    }
}
