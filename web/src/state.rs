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
//! - A step opens only when [`State::steps`] says it may (UX §2.8), and each closed
//!   step carries the reason.
//! - The bundle belongs to one firmware and one revision of the settings
//!   ([`BundleKey`]): any change to either drops it, and a build finishing for an
//!   older key is ignored, like a stale job. Sending it to the helper belongs to
//!   the same key ([`crate::helper::Send`]) and is dropped with it.
//! - The helper's messages are folded in by [`crate::helper`] and
//!   [`crate::live`]; the TFTP address is filled in from the helper at most
//!   once, and only into an empty field.
//! - [Recover another] keeps the bundle and the finished cards; only the watch
//!   for the next phone (its timer, checklist and reset ticks) starts over.
//! - A notification is on only while the browser allows it ([`Prefs::applied`]).

use std::rc::Rc;

use lifeline_shared::bundle::Bundle;
use lifeline_shared::config::mac::Mac;
use lifeline_shared::dhcp::option150::Server;
use lifeline_shared::finding::Severity;
use lifeline_shared::firmware::archive::ArchiveError;
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::protocol::{ErrorCode, ServerMessage};
use yew::Reducible;

use crate::format;
use crate::helper::{self, Choice, Clock, Helper, Link, Send};
use crate::intake::{Firmware, MAX_INPUT, ReadFailure, Selection};
use crate::live::Tone;
use crate::permalink::LinkError;
use crate::settings::{self, Check, Form, Permission, Prefs, SipField, SipForm};

/// Everything the screen shows.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// The ticket of the current (or last) job; 0 before the first.
    pub ticket: u64,
    /// Where the job is.
    pub phase: Phase,
    /// The step on screen.
    pub view: StepId,
    /// The settings, as typed.
    pub form: Form,
    /// Goes up with every change to [`State::form`].
    pub rev: u64,
    /// The DHCP server whose snippet is shown.
    pub server: Server,
    /// The value in the decode box.
    pub decode: String,
    /// How the last copy went.
    pub copy: Option<CopyNote>,
    /// What the link the page was opened with held.
    pub notice: Option<Notice>,
    /// The bundle for the current firmware and settings.
    pub bundle: BundleJob,
    /// The helper: connection, status, upload, phones and log.
    pub helper: Helper,
    /// The reset steps ticked "I did this" (indices).
    pub resets: Vec<usize>,
    /// Whether the Problems list is open.
    pub problems_open: bool,
    /// What to do when a phone finishes (kept in the browser).
    pub prefs: Prefs,
    /// Whether the browser lets this page notify.
    pub permission: Permission,
    /// The browser is asking the person whether this page may notify.
    pub notify_asking: bool,
}

impl Default for State {
    fn default() -> State {
        State {
            ticket: 0,
            phase: Phase::Idle,
            view: StepId::Firmware,
            form: Form::default(),
            rev: 0,
            server: Server::ALL[0],
            decode: String::new(),
            copy: None,
            notice: None,
            bundle: BundleJob::Idle,
            helper: Helper::default(),
            resets: Vec::new(),
            problems_open: false,
            prefs: Prefs::default(),
            permission: Permission::default(),
            notify_asking: false,
        }
    }
}

impl State {
    /// A fresh state with the stored choices, as the browser allows them.
    pub fn with_prefs(prefs: Prefs, permission: Permission) -> State {
        State {
            prefs: prefs.applied(permission),
            permission,
            ..State::default()
        }
    }
}

/// The five steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepId {
    /// 1: inspect the firmware.
    Firmware,
    /// 2: the TFTP address and option 150.
    Network,
    /// 3: call control, phones and the generated files.
    Config,
    /// 4: the bundle.
    Deliver,
    /// 5: reset the phones and watch them (live with the helper).
    Recover,
}

impl StepId {
    /// Every step, in order.
    pub const ALL: [StepId; 5] = [
        StepId::Firmware,
        StepId::Network,
        StepId::Config,
        StepId::Deliver,
        StepId::Recover,
    ];

    /// 1 to 5.
    pub fn number(self) -> usize {
        self as usize + 1
    }

    /// Its name, and its name where space is short (phones).
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            StepId::Firmware => ("Firmware", "Firmware"),
            StepId::Network => ("Network", "Network"),
            StepId::Config => ("Configuration", "Config"),
            StepId::Deliver => ("Deliver", "Deliver"),
            StepId::Recover => ("Recover", "Recover"),
        }
    }

    /// The step after this one.
    pub fn next(self) -> Option<StepId> {
        StepId::ALL.get(self.number()).copied()
    }

    /// The step before this one.
    pub fn previous(self) -> Option<StepId> {
        (self.number() >= 2).then(|| StepId::ALL[self.number() - 2])
    }
}

/// What a copy button copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyTarget {
    /// A DHCP server's snippet.
    Snippet(Server),
    /// The link to the settings.
    Link,
}

/// How a copy went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyOutcome {
    /// It is on the clipboard.
    Copied,
    /// The browser has no clipboard here (a page not served from this computer
    /// or over https).
    Unavailable,
    /// The browser refused (permission).
    Refused,
}

/// The last copy: shown and announced next to its button.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CopyNote {
    /// What was copied.
    pub target: CopyTarget,
    /// How it went.
    pub outcome: CopyOutcome,
}

impl CopyNote {
    /// What to say.
    pub fn text(&self) -> &'static str {
        match self.outcome {
            CopyOutcome::Copied => "Copied",
            CopyOutcome::Unavailable => {
                "This browser does not allow copying on this page (it needs https or this computer's own address). The text is selected: press Ctrl+C (⌘C on a Mac)."
            }
            CopyOutcome::Refused => {
                "The browser refused to copy. The text is selected: press Ctrl+C (⌘C on a Mac)."
            }
        }
    }
}

/// What the link the page was opened with held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Its settings are in the fields.
    Restored,
    /// It could not be read (the why); the fields are empty.
    Damaged(String),
}

/// The firmware and settings revision a bundle was built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BundleKey {
    /// The inspection's ticket.
    pub ticket: u64,
    /// [`State::rev`].
    pub rev: u64,
}

/// A saved download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    /// The file name offered.
    pub name: String,
    /// Its size.
    pub size: u64,
}

/// The bundle for the Deliver step.
#[derive(Clone, Debug, PartialEq)]
pub enum BundleJob {
    /// Not built (or dropped after a change).
    Idle,
    /// Being built.
    Preparing(BundleKey),
    /// Built.
    Ready {
        /// For what.
        key: BundleKey,
        /// The bundle.
        bundle: Rc<Bundle>,
        /// The last download: saved, or why not.
        saved: Option<Result<Saved, String>>,
    },
    /// It could not be built (why, in plain words).
    Failed(BundleKey, String),
}

impl BundleJob {
    /// The key it is for.
    pub fn key(&self) -> Option<BundleKey> {
        match self {
            BundleJob::Idle => None,
            BundleJob::Preparing(key) | BundleJob::Failed(key, _) => Some(*key),
            BundleJob::Ready { key, .. } => Some(*key),
        }
    }
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
        /// The bytes, for the bundle.
        firmware: Rc<Firmware>,
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
        /// The bytes inspected, kept for the bundle.
        firmware: Rc<Firmware>,
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
    /// Open a step (ignored while it is closed).
    GoTo(StepId),
    /// The TFTP address list was edited.
    SetTftp(String),
    /// Show another DHCP server's snippet.
    ChooseServer(Server),
    /// The decode box was edited.
    SetDecode(String),
    /// A copy button was pressed, with this result.
    Copied(CopyNote),
    /// The call-control list was edited.
    SetCallManagers(String),
    /// The phone list was edited.
    SetPhones(String),
    /// A phone's SIP line was edited.
    SetSip {
        /// The phone.
        mac: Mac,
        /// Which field.
        field: SipField,
        /// Its new text.
        value: String,
    },
    /// The page was opened with settings in its link: read, or why not.
    LinkOpened(Result<Form, LinkError>),
    /// The notice about the link was closed.
    DismissNotice,
    /// The bundle build starts.
    BundleStarted(BundleKey),
    /// The bundle build finished.
    BundleBuilt {
        /// For what.
        key: BundleKey,
        /// The bundle, or why not.
        result: Result<Rc<Bundle>, String>,
    },
    /// The bundle download was handed to the browser, or could not be.
    BundleSaved {
        /// For what.
        key: BundleKey,
        /// What was offered, or why not.
        result: Result<Saved, String>,
    },
    /// The page has a pairing token and opens the socket to the helper.
    LinkConnecting {
        /// 1 for the first try, then counting.
        attempt: u32,
    },
    /// A message from the helper.
    LinkMessage {
        /// The message.
        message: Box<ServerMessage>,
        /// Its text, for the log's raw lines (events only).
        raw: Option<Rc<str>>,
        /// When it arrived.
        at: Clock,
    },
    /// A message from the helper that could not be read.
    LinkGarbled {
        /// Why.
        why: String,
        /// When.
        at: Clock,
    },
    /// The socket closed, or could not open.
    LinkClosed {
        /// When the page tries again; `None`: it does not.
        retry_in_ms: Option<u64>,
        /// When.
        at: Clock,
    },
    /// The bundle goes to the helper (`upload-begin` went out).
    SendStarted {
        /// The bundle.
        key: BundleKey,
        /// When.
        at: Clock,
    },
    /// The person stopped sending it.
    SendStopped {
        /// The bundle.
        key: BundleKey,
        /// When.
        at: Clock,
    },
    /// Time passes on step 5 (every second).
    Tick(Clock),
    /// Show one phone's log lines (a card id), or every line.
    FilterLog(Option<String>),
    /// Keep the newest log line in view, or not.
    FollowLog(bool),
    /// Show the helper's raw messages in the log, or not.
    ShowRaw(bool),
    /// A reset step was ticked, or unticked.
    ToggleReset(usize),
    /// Open or close the Problems list.
    ShowProblems(bool),
    /// [Recover another]: set the recovered cards aside and watch for the next
    /// phone.
    RecoverAnother(Clock),
    /// [Retry failed]: the page asked the helper to start these phones (card
    /// ids) over; the user resets them again.
    RetryFailed {
        /// The cards.
        phones: Vec<String>,
        /// When.
        at: Clock,
    },
    /// Play a sound when a phone finishes, or not.
    SetSound(bool),
    /// Show a notification when a phone finishes, or not. Turning it on
    /// without the browser's permission waits for [`Action::NotifyAnswered`].
    SetNotify(bool),
    /// The browser said whether this page may notify.
    NotifyAnswered(Permission),
}

impl State {
    /// The state after `action`, or `None` when the action does not apply (a stale
    /// job, one that was started over, a closed step, or no change at all).
    pub fn next(&self, action: Action) -> Option<State> {
        let mut next = self.clone();
        match action {
            Action::GoTo(step) => {
                let open = self.steps().iter().any(|s| s.id == step && s.enabled);
                if !open || step == self.view {
                    return None;
                }
                next.view = step;
            }
            Action::SetTftp(text) => {
                next.edit(|f| &mut f.tftp, text)?;
                next.copy = None;
            }
            Action::ChooseServer(server) if server != self.server => {
                next.server = server;
                next.copy = None;
            }
            Action::SetDecode(text) if text != self.decode => next.decode = text,
            Action::Copied(note) => next.copy = Some(note),
            Action::SetCallManagers(text) => next.edit(|f| &mut f.call_managers, text)?,
            Action::SetPhones(text) => next.edit(|f| &mut f.phones, text)?,
            Action::SetSip { mac, field, value } => {
                let line = next.form.sip.iter().position(|l| l.mac == mac);
                let line = match line {
                    Some(i) => &mut next.form.sip[i],
                    None => {
                        next.form.sip.push(SipForm::new(mac));
                        next.form.sip.last_mut()?
                    }
                };
                if line.get(field) == value {
                    return None;
                }
                line.set(field, value);
                next.changed();
            }
            Action::LinkOpened(Ok(form)) => {
                next.form = form;
                next.changed();
                next.notice = Some(Notice::Restored);
            }
            Action::LinkOpened(Err(e)) => next.notice = Some(Notice::Damaged(e.message())),
            Action::DismissNotice if self.notice.is_some() => next.notice = None,
            Action::BundleStarted(key)
                if key == self.bundle_key() && self.bundle.key() != Some(key) =>
            {
                next.bundle = BundleJob::Preparing(key);
            }
            Action::BundleBuilt { key, result } if self.bundle == BundleJob::Preparing(key) => {
                next.bundle = match result {
                    Ok(bundle) => BundleJob::Ready {
                        key,
                        bundle,
                        saved: None,
                    },
                    Err(why) => BundleJob::Failed(key, why),
                };
            }
            Action::BundleSaved { key, result } => match &mut next.bundle {
                BundleJob::Ready { key: k, saved, .. } if *k == key => *saved = Some(result),
                _ => return None,
            },
            Action::LinkConnecting { attempt } => {
                let link = Link::Connecting { attempt };
                if self.helper.link == link || matches!(self.helper.link, Link::Refused(_)) {
                    return None;
                }
                next.helper.link = link;
            }
            Action::LinkMessage { message, raw, at } => next.on_helper(*message, raw, at),
            Action::LinkGarbled { why, at } => next.helper.live.note(
                format!("The helper sent a message this page could not read ({why})."),
                Tone::Bad,
                at,
            ),
            Action::LinkClosed { retry_in_ms, at } => next.on_closed(retry_in_ms, at),
            Action::SendStarted { key, at } => {
                let BundleJob::Ready { key: k, bundle, .. } = &self.bundle else {
                    return None;
                };
                if *k != key || key != self.bundle_key() || !self.helper.link.is_connected() {
                    return None;
                }
                let id = bundle.manifest.id.clone();
                next.helper.live.note(
                    format!("Sending bundle `{}` to the helper.", short_id(&id)),
                    Tone::Plain,
                    at,
                );
                next.helper.send = Send::Starting { key, id };
            }
            Action::SendStopped { key, at } if self.helper.send.key() == Some(key) => {
                next.helper.send = Send::Idle;
                next.helper
                    .live
                    .note("Sending stopped.".into(), Tone::Plain, at);
            }
            Action::Tick(at) => {
                next.helper.now = at.mono;
                let live = &mut next.helper.live;
                let serving = self.helper.link.is_connected()
                    && self
                        .helper
                        .status
                        .as_ref()
                        .is_some_and(|s| s.bundle.is_some());
                if live.watch_since.is_none() && serving && self.view == StepId::Recover {
                    live.watch_since = Some(at.mono);
                }
            }
            Action::FilterLog(filter) if filter != self.helper.live.filter => {
                next.helper.live.filter = filter;
            }
            Action::FollowLog(on) if on != self.helper.live.follow => {
                next.helper.live.follow = on;
            }
            Action::ShowRaw(on) if on != self.helper.live.raw => next.helper.live.raw = on,
            Action::ToggleReset(i) => match next.resets.iter().position(|&r| r == i) {
                Some(at) => {
                    next.resets.remove(at);
                }
                None => next.resets.push(i),
            },
            Action::ShowProblems(open) if open != self.problems_open => {
                next.problems_open = open;
            }
            Action::RecoverAnother(at) => {
                if !next.helper.live.recover_another(at.mono) {
                    return None;
                }
                next.helper.now = at.mono;
                next.resets.clear();
            }
            Action::RetryFailed { phones, at } => {
                if phones.is_empty() {
                    return None;
                }
                next.helper.live.retry_asked(&phones, at);
                // The phones are reset again: the steps are to be done again.
                next.resets.clear();
            }
            Action::SetSound(on) if on != self.prefs.sound => next.prefs.sound = on,
            Action::SetNotify(false) if self.prefs.notify || self.notify_asking => {
                next.prefs.notify = false;
                next.notify_asking = false;
            }
            Action::SetNotify(true) if !self.prefs.notify => {
                if self.permission == Permission::Granted {
                    next.prefs.notify = true;
                } else if self.permission.blocked().is_none() && !self.notify_asking {
                    next.notify_asking = true;
                } else {
                    return None;
                }
            }
            Action::NotifyAnswered(permission) => {
                if permission == self.permission && !self.notify_asking {
                    return None;
                }
                next.permission = permission;
                if std::mem::take(&mut next.notify_asking) {
                    next.prefs.notify = permission == Permission::Granted;
                }
                next.prefs = next.prefs.applied(permission);
            }
            job => {
                let (ticket, phase) = self.job(job)?;
                next.ticket = ticket;
                next.phase = phase;
                // A new job (a drop on any step) shows its progress there; its
                // report replaces any bundle.
                if ticket != self.ticket {
                    next.view = StepId::Firmware;
                }
                if !matches!(next.phase, Phase::Inspected { .. }) {
                    next.drop_bundle();
                }
            }
        }
        Some(next)
    }

    /// Sets a settings field; `None` when it did not change.
    fn edit(&mut self, field: impl Fn(&mut Form) -> &mut String, text: String) -> Option<()> {
        let slot = field(&mut self.form);
        if *slot == text {
            return None;
        }
        *slot = text;
        self.changed();
        Some(())
    }

    /// The settings changed: a new revision, and the bundle of the old one goes.
    fn changed(&mut self) {
        self.rev += 1;
        self.drop_bundle();
    }

    /// The bundle goes, and sending it with it.
    fn drop_bundle(&mut self) {
        self.bundle = BundleJob::Idle;
        self.helper.send = Send::Idle;
    }

    /// A message from the helper.
    fn on_helper(&mut self, message: ServerMessage, raw: Option<Rc<str>>, at: Clock) {
        let before = self.helper.send.clone();
        let upload = self.helper.on_upload(&message, at);
        let h = &mut self.helper;
        match (&before, &h.send) {
            (Send::Switched { .. }, _) => {}
            (_, Send::Switched { id, files, .. }) => h.live.note(
                format!(
                    "The helper switched to bundle `{}`: it serves {}.",
                    short_id(id),
                    format::count(*files, "file", "files")
                ),
                Tone::Good,
                at,
            ),
            (Send::Failed { .. }, _) => {}
            (_, Send::Failed { problem, .. }) => h.live.note(
                format!("Sending failed: {}. {}", problem.title, problem.message),
                Tone::Bad,
                at,
            ),
            _ => {}
        }
        match message {
            ServerMessage::Hello { helper, .. } => {
                h.link = Link::Connected;
                h.live.note(
                    format!("Connected to the helper ({helper})."),
                    Tone::Good,
                    at,
                );
                h.live.stale_since = None;
                h.name = Some(helper);
            }
            ServerMessage::Status(status) => {
                let fill = if h.prefill_decided {
                    None
                } else {
                    h.prefill_decided = true;
                    helper::choose_interface(&status, &h.live.addresses())
                        .filter(|_| self.form.tftp.trim().is_empty())
                };
                h.status = Some(status);
                if let Some(choice) = fill {
                    self.form.tftp = choice.address.to_string();
                    self.helper.prefill = Some(choice);
                    self.changed();
                }
            }
            ServerMessage::Phones { phones } => h.live.replace(phones),
            ServerMessage::Phone(p) => h.live.fold(p),
            ServerMessage::Event(e) => h.live.on_event(&e, raw, at),
            ServerMessage::Error {
                code: ErrorCode::VersionMismatch,
                message,
                ..
            } => {
                let why = format::sentence(&message);
                h.live.note(
                    format!("The helper refused this page: {why}"),
                    Tone::Bad,
                    at,
                );
                h.link = Link::Refused(why);
            }
            ServerMessage::Error { message, .. } if !upload => h.live.note(
                format!("The helper said: {}", format::sentence(&message)),
                Tone::Bad,
                at,
            ),
            _ => {}
        }
    }

    /// The socket closed: try again (or not), and hold an upload for the resume.
    fn on_closed(&mut self, retry_in_ms: Option<u64>, at: Clock) {
        let h = &mut self.helper;
        let was = std::mem::replace(&mut h.link, Link::Unpaired);
        let attempt = match &was {
            Link::Connecting { attempt } | Link::Retrying { attempt, .. } => *attempt,
            _ => 1,
        };
        h.link = match (retry_in_ms, was.clone()) {
            (_, Link::Refused(why)) => Link::Refused(why),
            (None, _) => Link::Refused(
                "The helper closed the connection. Open the address it printed at start again."
                    .into(),
            ),
            (Some(ms), _) => Link::Retrying {
                attempt,
                retry_in_ms: ms,
                lost_at: match &was {
                    Link::Connected => Some(at.local),
                    Link::Retrying { lost_at, .. } => *lost_at,
                    _ => None,
                },
            },
        };
        if was == Link::Connected {
            h.live.note(
                "Lost the connection to the helper; trying again by itself.".into(),
                Tone::Bad,
                at,
            );
            h.live.stale_since = Some(at.local);
        }
        h.send = match std::mem::replace(&mut h.send, Send::Idle) {
            Send::Sending(p) | Send::Verifying(p) => Send::Interrupted(p),
            other => other,
        };
    }

    /// Whether the helper serves the bundle on screen (sent now or before).
    pub fn helper_serves_bundle(&self) -> bool {
        match &self.bundle {
            BundleJob::Ready { bundle, .. } => self.helper.serves(&bundle.manifest.id),
            _ => false,
        }
    }

    /// The interface the TFTP address was filled in from, while the field
    /// still holds it.
    pub fn prefill(&self) -> Option<&Choice> {
        self.helper
            .prefill
            .as_ref()
            .filter(|c| self.form.tftp.trim() == c.address.to_string())
    }

    /// The firmware job's transitions: the new ticket and phase, or `None`.
    fn job(&self, action: Action) -> Option<(u64, Phase)> {
        let current = |ticket: u64| ticket == self.ticket;
        Some(match action {
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
                firmware,
            } if current(ticket) && self.is_working() => (
                ticket,
                Phase::Inspected {
                    report,
                    millis,
                    firmware,
                },
            ),
            Action::InspectFailed {
                ticket,
                name,
                error,
            } if current(ticket) && self.is_working() => {
                (ticket, Phase::Failed(Problem::from_archive(&name, &error)))
            }
            Action::Reset => (self.ticket, Phase::Idle),
            _ => return None,
        })
    }

    /// The key a bundle built now would have.
    pub fn bundle_key(&self) -> BundleKey {
        BundleKey {
            ticket: self.ticket,
            rev: self.rev,
        }
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

    /// The five steps of the frame, as the stepper shows them now: each one open
    /// or closed with the reason, and marked once there is something to mark.
    pub fn steps(&self) -> Vec<Step> {
        let report = self.report().map(|r| &**r);
        let firmware_mark = match &self.phase {
            Phase::Inspected { report, .. } => Some(match worst(report) {
                Some(Severity::Error) => Mark::Error,
                Some(Severity::Warning) => Mark::Warning,
                _ => Mark::Ok,
            }),
            Phase::Failed(_) => Some(Mark::Error),
            _ => None,
        };
        let network_mark = match settings::tftp(&self.form) {
            Check::Empty => None,
            Check::Bad(_) => Some(Mark::Error),
            Check::Good(list) if list.warnings.is_empty() => Some(Mark::Ok),
            Check::Good(_) => Some(Mark::Warning),
        };
        let config = settings::usable_load(report).map(|_| config_mark(report, &self.form));
        let sent = matches!(&self.helper.send, Send::Switched { key, .. } if Some(*key) == self.bundle.key());
        let send_failed = matches!(&self.helper.send, Send::Failed { key, .. } if Some(*key) == self.bundle.key());
        let deliver = settings::bundle_inputs(report, &self.form).map(|_| match &self.bundle {
            BundleJob::Failed(..)
            | BundleJob::Ready {
                saved: Some(Err(_)),
                ..
            } => Some(Mark::Error),
            _ if send_failed => Some(Mark::Error),
            _ if sent || self.helper_serves_bundle() => Some(Mark::Ok),
            BundleJob::Ready {
                saved: Some(Ok(_)), ..
            } => Some(Mark::Ok),
            _ => None,
        });
        let recover = settings::bundle_inputs(report, &self.form).map(|_| {
            // ✗ for a phone that failed, ⚠ for one stuck: the Problems
            // list's words for the same phones.
            let issues = crate::problems::phones(self);
            let any = |s: Severity| issues.iter().any(|i| i.severity == s);
            let live = &self.helper.live;
            let (recovered, _, _) = live.tally();
            if any(Severity::Error) {
                Some(Mark::Error)
            } else if any(Severity::Warning) {
                Some(Mark::Warning)
            } else if recovered > 0 && recovered == live.phones.len() {
                Some(Mark::Ok)
            } else {
                None
            }
        });
        let state = [
            Ok(firmware_mark),
            Ok(network_mark),
            config,
            deliver,
            recover,
        ];
        StepId::ALL
            .into_iter()
            .zip(state)
            .map(|(id, state)| {
                let (label, short) = id.labels();
                Step {
                    id,
                    number: id.number(),
                    label,
                    short,
                    current: id == self.view,
                    enabled: state.is_ok(),
                    mark: state.ok().flatten(),
                    reason: state.err(),
                }
            })
            .collect()
    }
}

/// How the configuration step stands: ✗ for anything refused, ⚠ for a long SIP
/// password, ✓ once call control is given, nothing before. The same problems
/// as the Problems list's ([`crate::problems::config`]).
fn config_mark(report: Option<&Report>, form: &Form) -> Option<Mark> {
    let issues = crate::problems::config(report, form);
    let any = |s: Severity| issues.iter().any(|i| i.severity == s);
    if any(Severity::Error) {
        Some(Mark::Error)
    } else if settings::call_managers(form).good().is_none() {
        None
    } else if any(Severity::Warning) {
        Some(Mark::Warning)
    } else {
        Some(Mark::Ok)
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

/// The first eight hex digits of a bundle id: enough to tell bundles apart.
pub fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// One step of the stepper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Which.
    pub id: StepId,
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
#[path = "state_helper_tests.rs"]
mod helper_tests;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::intake;
    use lifeline_shared::firmware::inspect::{InputFile, inspect_zip};
    use lifeline_shared::testkit::{seed_files, seed_zip, zip_of};

    pub(crate) fn selection(label: &str, files: usize, size: u64) -> Selection {
        Selection {
            label: label.into(),
            files,
            size,
        }
    }

    pub(crate) fn no_bytes() -> Rc<Firmware> {
        Rc::new(Firmware {
            zip: true,
            files: Vec::new(),
        })
    }

    pub(crate) fn apply(state: &State, action: Action) -> State {
        state.next(action).expect("the action applies")
    }

    pub(crate) fn seed_report() -> Rc<Report> {
        Rc::new(inspect_zip("seed.zip", &seed_zip()).unwrap())
    }

    pub(crate) fn missing_image_report() -> Rc<Report> {
        let files: Vec<_> = seed_files()
            .into_iter()
            .filter(|(n, _)| n != "dsp41.8-3-2-27.sbn")
            .collect();
        Rc::new(inspect_zip("missing-image.zip", &zip_of(&files)).unwrap())
    }

    pub(crate) fn reading(ticket: u64) -> State {
        apply(
            &State::default(),
            Action::ReadStarted {
                ticket,
                selection: selection("seed.zip", 1, 6_400_000),
            },
        )
    }

    pub(crate) fn checking(ticket: u64) -> State {
        apply(&reading(ticket), Action::CheckStarted { ticket })
    }

    /// A state with `report` inspected as job 1.
    pub(crate) fn inspected(report: Rc<Report>) -> State {
        apply(
            &checking(1),
            Action::Inspected {
                ticket: 1,
                report,
                millis: 1.0,
                firmware: no_bytes(),
            },
        )
    }

    /// The seed inspected, with its bytes.
    pub(crate) fn seed_state() -> State {
        let (report, firmware) = intake::inspect(
            "seed.zip",
            vec![InputFile {
                name: "seed.zip".into(),
                data: seed_zip(),
            }],
        )
        .unwrap();
        apply(
            &checking(1),
            Action::Inspected {
                ticket: 1,
                report: Rc::new(report),
                millis: 1.0,
                firmware: Rc::new(firmware),
            },
        )
    }

    /// `state` with the settings a bundle needs.
    pub(crate) fn ready(state: &State) -> State {
        let s = apply(state, Action::SetTftp("192.168.10.105".into()));
        apply(&s, Action::SetCallManagers("192.168.10.1".into()))
    }

    pub(crate) fn mac(s: &str) -> Mac {
        s.parse().unwrap()
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
                firmware: no_bytes(),
            },
        );
        assert_eq!(
            s.phase,
            Phase::Inspected {
                report: report.clone(),
                millis: 12.5,
                firmware: no_bytes(),
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
                millis: 1.0,
                firmware: no_bytes(),
            }),
            None
        );
        let reset = apply(&checking(1), Action::Reset);
        assert_eq!(
            reset.next(Action::Inspected {
                ticket: 1,
                report,
                millis: 1.0,
                firmware: no_bytes(),
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
                phase: Phase::Idle,
                ..State::default()
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
        assert_eq!(steps.iter().map(|s| s.id).collect::<Vec<_>>(), StepId::ALL);
        assert!(
            steps[0].current
                && steps[0].enabled
                && steps[0].reason.is_none()
                && steps[0].mark.is_none()
        );
        // The network step needs nothing: option 150 is the same for any firmware.
        assert!(steps[1].enabled && !steps[1].current && steps[1].reason.is_none());
        for s in &steps[2..5] {
            assert!(!s.enabled && !s.current);
            assert_eq!(s.reason, Some("Inspect a firmware first"));
        }
    }

    #[test]
    fn steps_after_inspection_carry_the_verdict() {
        let ok = inspected(seed_report());
        let steps = ok.steps();
        assert_eq!(steps[0].mark, Some(Mark::Ok));
        assert!(steps[1].enabled && steps[2].enabled);
        assert_eq!(steps[2].mark, None, "nothing typed yet");
        assert_eq!(steps[3].reason, Some("Enter the TFTP address in step 2"));
        assert_eq!(steps[4].reason, Some("Enter the TFTP address in step 2"));

        let bad = inspected(missing_image_report());
        let steps = bad.steps();
        assert_eq!(steps[0].mark, Some(Mark::Error));
        assert!(steps[1].enabled);
        assert_eq!(
            steps[2].reason,
            Some("Fix the errors in the firmware first")
        );
        assert_eq!(
            steps[3].reason,
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
        .unwrap()
        .0;
        let h = headline(&report);
        assert_eq!(h.tone, "error");
        assert_eq!(h.detail, "No firmware load recognised.");
    }

    #[test]
    fn worst_of_a_clean_report_is_none_or_info() {
        let report = seed_report();
        assert!(matches!(worst(&report), None | Some(Severity::Info)));
    }

    #[test]
    fn go_to_opens_only_open_steps() {
        let s = State::default();
        let n = apply(&s, Action::GoTo(StepId::Network));
        assert_eq!(n.view, StepId::Network);
        assert!(n.steps()[1].current && !n.steps()[0].current);
        // Closed steps stay closed; the same step is no change.
        assert_eq!(s.next(Action::GoTo(StepId::Config)), None);
        assert_eq!(s.next(Action::GoTo(StepId::Recover)), None);
        assert_eq!(n.next(Action::GoTo(StepId::Network)), None);
        // Back to step 1 is always open.
        assert_eq!(
            apply(&n, Action::GoTo(StepId::Firmware)).view,
            StepId::Firmware
        );
        let c = apply(&seed_state(), Action::GoTo(StepId::Config));
        assert_eq!(c.view, StepId::Config);
        assert_eq!(c.next(Action::GoTo(StepId::Deliver)), None);
        let d = apply(&ready(&c), Action::GoTo(StepId::Deliver));
        assert_eq!(d.view, StepId::Deliver);
    }

    #[test]
    fn step_ids_know_their_neighbours() {
        assert_eq!(StepId::Firmware.previous(), None);
        assert_eq!(StepId::Firmware.next(), Some(StepId::Network));
        assert_eq!(StepId::Deliver.previous(), Some(StepId::Config));
        assert_eq!(StepId::Recover.next(), None);
        assert_eq!(StepId::Config.number(), 3);
        assert_eq!(StepId::Config.labels(), ("Configuration", "Config"));
    }

    #[test]
    fn a_new_job_from_another_step_shows_its_progress() {
        let s = apply(&seed_state(), Action::GoTo(StepId::Network));
        let t = apply(
            &s,
            Action::ReadStarted {
                ticket: 2,
                selection: selection("other.zip", 1, 10),
            },
        );
        assert_eq!(t.view, StepId::Firmware);
        // While it reads, the person may look at the network step again.
        let u = apply(&t, Action::GoTo(StepId::Network));
        let u = apply(&u, Action::CheckStarted { ticket: 2 });
        assert_eq!(u.view, StepId::Network);
    }

    #[test]
    fn set_tftp_marks_the_network_step() {
        let s = State::default();
        let bad = apply(&s, Action::SetTftp("192.168.10.256".into()));
        assert_eq!(bad.form.tftp, "192.168.10.256");
        assert_eq!(bad.rev, 1);
        assert_eq!(bad.steps()[1].mark, Some(Mark::Error));
        let good = apply(&bad, Action::SetTftp("192.168.10.105".into()));
        assert_eq!(good.steps()[1].mark, Some(Mark::Ok));
        let odd = apply(&good, Action::SetTftp("127.0.0.1".into()));
        assert_eq!(odd.steps()[1].mark, Some(Mark::Warning));
        let empty = apply(&odd, Action::SetTftp(String::new()));
        assert_eq!(empty.steps()[1].mark, None);
        // The same text is no change.
        assert_eq!(empty.next(Action::SetTftp(String::new())), None);
    }

    #[test]
    fn choose_server_switches_the_tab_and_forgets_the_copy() {
        let s = apply(
            &State::default(),
            Action::Copied(CopyNote {
                target: CopyTarget::Snippet(Server::CiscoIos),
                outcome: CopyOutcome::Copied,
            }),
        );
        assert_eq!(s.server, Server::CiscoIos);
        assert!(s.copy.is_some());
        let t = apply(&s, Action::ChooseServer(Server::Dnsmasq));
        assert_eq!(t.server, Server::Dnsmasq);
        assert_eq!(t.copy, None);
        assert_eq!(t.next(Action::ChooseServer(Server::Dnsmasq)), None);
        // Editing the address list forgets it too (the snippet changed).
        let u = apply(&s, Action::SetTftp("10.0.0.1".into()));
        assert_eq!(u.copy, None);
    }

    #[test]
    fn copied_says_how_it_went() {
        for (outcome, says) in [
            (CopyOutcome::Copied, "Copied"),
            (CopyOutcome::Unavailable, "press Ctrl+C"),
            (CopyOutcome::Refused, "refused"),
        ] {
            let note = CopyNote {
                target: CopyTarget::Link,
                outcome,
            };
            let s = apply(&State::default(), Action::Copied(note));
            assert_eq!(s.copy, Some(note));
            assert!(note.text().contains(says), "{}", note.text());
        }
    }

    #[test]
    fn set_decode_keeps_the_value() {
        let s = apply(&State::default(), Action::SetDecode("0x69AA8C0".into()));
        assert_eq!(s.decode, "0x69AA8C0");
        assert_eq!(s.rev, 0, "not a setting");
        assert_eq!(s.next(Action::SetDecode("0x69AA8C0".into())), None);
    }

    #[test]
    fn call_control_and_phones_mark_the_configuration_step() {
        let s = seed_state();
        let c = apply(&s, Action::SetCallManagers("10.0.0.300".into()));
        assert_eq!(c.form.call_managers, "10.0.0.300");
        assert_eq!(c.steps()[2].mark, Some(Mark::Error));
        let c = apply(&c, Action::SetCallManagers("10.0.0.1".into()));
        assert_eq!(c.steps()[2].mark, Some(Mark::Ok));
        let p = apply(&c, Action::SetPhones("00:11:22:aa:bb:zz".into()));
        assert_eq!(p.form.phones, "00:11:22:aa:bb:zz");
        assert_eq!(p.steps()[2].mark, Some(Mark::Error));
        let p = apply(&p, Action::SetPhones("00:11:22:aa:bb:cc=7961".into()));
        assert_eq!(p.steps()[2].mark, Some(Mark::Ok));
        assert_eq!(
            p.next(Action::SetPhones("00:11:22:aa:bb:cc=7961".into())),
            None
        );
        assert_eq!(p.rev, 4);
        // A bad phone closes the Deliver step, with the reason.
        let p = ready(&apply(&p, Action::SetPhones("x".into())));
        assert_eq!(p.steps()[3].reason, Some("Fix the phone list in step 3"));
    }

    #[test]
    fn set_sip_edits_one_phones_line() {
        let s = State::default();
        let m = mac("001122aabbcc");
        let t = apply(
            &s,
            Action::SetSip {
                mac: m,
                field: SipField::User,
                value: "201".into(),
            },
        );
        assert_eq!(t.form.sip.len(), 1);
        assert_eq!(t.form.sip[0].user, "201");
        assert_eq!(t.rev, 1);
        let t = apply(
            &t,
            Action::SetSip {
                mac: m,
                field: SipField::Password,
                value: "secret".into(),
            },
        );
        assert_eq!(t.form.sip.len(), 1);
        assert_eq!(t.form.sip[0].password, "secret");
        assert_eq!(
            t.next(Action::SetSip {
                mac: m,
                field: SipField::Password,
                value: "secret".into(),
            }),
            None
        );
        let t = apply(
            &t,
            Action::SetSip {
                mac: mac("001122aabbcd"),
                field: SipField::Proxy,
                value: "pbx".into(),
            },
        );
        assert_eq!(t.form.sip.len(), 2);
    }

    #[test]
    fn sip_lines_mark_the_configuration_step_for_sip_loads() {
        let s = inspected(Rc::new(crate::settings::tests::sip_report()));
        let s = apply(&s, Action::SetCallManagers("10.0.0.1".into()));
        let s = apply(&s, Action::SetPhones("001122aabbcc".into()));
        assert_eq!(s.steps()[2].mark, Some(Mark::Ok));
        let set = |s: &State, field, value: &str| {
            apply(
                s,
                Action::SetSip {
                    mac: mac("001122aabbcc"),
                    field,
                    value: value.into(),
                },
            )
        };
        let bad = set(&s, SipField::Port, "x");
        assert_eq!(bad.steps()[2].mark, Some(Mark::Error));
        let long = set(
            &set(&s, SipField::User, "201"),
            SipField::Password,
            "thirteen-char",
        );
        assert_eq!(long.steps()[2].mark, Some(Mark::Warning));
        // On an SCCP load, SIP lines are not looked at.
        let sccp = set(&ready(&seed_state()), SipField::Port, "x");
        assert_eq!(sccp.steps()[2].mark, Some(Mark::Ok));
    }

    #[test]
    fn a_link_restores_the_settings_with_a_notice() {
        let mut form = Form {
            tftp: "192.168.10.105".into(),
            call_managers: "10.0.0.1".into(),
            phones: "001122aabbcc".into(),
            sip: Vec::new(),
        };
        form.sip.push(SipForm::new(mac("001122aabbcc")));
        let s = apply(&State::default(), Action::LinkOpened(Ok(form.clone())));
        assert_eq!(s.form, form);
        assert_eq!(s.notice, Some(Notice::Restored));
        assert_eq!(s.view, StepId::Firmware, "the firmware is not in links");
        assert_eq!(s.rev, 1);
        let d = apply(&s, Action::DismissNotice);
        assert_eq!(d.notice, None);
        assert_eq!(d.next(Action::DismissNotice), None);
    }

    #[test]
    fn a_damaged_link_opens_empty_with_a_notice() {
        let s = apply(
            &State::default(),
            Action::LinkOpened(Err(LinkError::Damaged("it was cut short"))),
        );
        assert_eq!(s.form, Form::default());
        assert_eq!(s.notice, Some(Notice::Damaged("it was cut short".into())));
        // Whatever the fragment, the page opens.
        let s = apply(
            &State::default(),
            Action::LinkOpened(crate::permalink::decode("s=1&t=1.2.3.4&k=00000000")),
        );
        assert!(matches!(s.notice, Some(Notice::Damaged(_))));
    }

    pub(crate) fn built(state: &State) -> (State, BundleKey) {
        let key = state.bundle_key();
        let s = apply(state, Action::BundleStarted(key));
        let Phase::Inspected {
            report, firmware, ..
        } = &s.phase
        else {
            panic!()
        };
        let (settings, sip) = settings::bundle_inputs(Some(report), &s.form).unwrap();
        let files = firmware.bundle_files(report).unwrap();
        let bundle = lifeline_shared::bundle::build_with_sip(report, files, &settings, &sip)
            .map(Rc::new)
            .map_err(|e| e.to_string());
        (
            apply(
                &s,
                Action::BundleBuilt {
                    key,
                    result: bundle,
                },
            ),
            key,
        )
    }

    #[test]
    fn the_bundle_is_built_once_per_key() {
        let s = ready(&seed_state());
        assert!(s.steps()[3].enabled);
        let key = s.bundle_key();
        assert_eq!(key, BundleKey { ticket: 1, rev: 2 });
        let p = apply(&s, Action::BundleStarted(key));
        assert_eq!(p.bundle, BundleJob::Preparing(key));
        // Not twice, and never for another key.
        assert_eq!(p.next(Action::BundleStarted(key)), None);
        assert_eq!(
            s.next(Action::BundleStarted(BundleKey { ticket: 1, rev: 1 })),
            None
        );
        let (r, _) = built(&s);
        let BundleJob::Ready { bundle, saved, .. } = &r.bundle else {
            panic!("{:?}", r.bundle)
        };
        assert!(saved.is_none());
        assert_eq!(bundle.manifest.files.len(), 9);
        assert!(bundle.contents.contains_key("XMLDefault.cnf.xml"));
        assert_eq!(r.next(Action::BundleStarted(key)), None);
        assert_eq!(r.steps()[3].mark, None, "not saved yet");
    }

    #[test]
    fn a_late_or_stale_build_is_dropped() {
        let s = ready(&seed_state());
        let key = s.bundle_key();
        let p = apply(&s, Action::BundleStarted(key));
        // The settings changed while it was built.
        let changed = apply(&p, Action::SetPhones("001122aabbcc".into()));
        assert_eq!(changed.bundle, BundleJob::Idle);
        let result = Err("late".to_string());
        assert_eq!(
            changed.next(Action::BundleBuilt {
                key,
                result: result.clone()
            }),
            None
        );
        // Not started: nothing to finish.
        assert_eq!(s.next(Action::BundleBuilt { key, result }), None);
    }

    #[test]
    fn a_failed_build_marks_deliver() {
        let s = ready(&seed_state());
        let key = s.bundle_key();
        let p = apply(&s, Action::BundleStarted(key));
        let f = apply(
            &p,
            Action::BundleBuilt {
                key,
                result: Err("the firmware file `x` could not be read".into()),
            },
        );
        assert_eq!(
            f.bundle,
            BundleJob::Failed(key, "the firmware file `x` could not be read".into())
        );
        assert_eq!(f.steps()[3].mark, Some(Mark::Error));
    }

    #[test]
    fn saving_marks_deliver_done_for_that_bundle_only() {
        let s = ready(&seed_state());
        let (r, key) = built(&s);
        let saved = Saved {
            name: "lifeline-bundle-SCCP41.8-3-3S.zip".into(),
            size: 6_400_000,
        };
        let ok = apply(
            &r,
            Action::BundleSaved {
                key,
                result: Ok(saved.clone()),
            },
        );
        assert!(matches!(&ok.bundle, BundleJob::Ready { saved: Some(Ok(s)), .. } if *s == saved));
        assert_eq!(ok.steps()[3].mark, Some(Mark::Ok));
        let failed = apply(
            &r,
            Action::BundleSaved {
                key,
                result: Err("no".into()),
            },
        );
        assert_eq!(failed.steps()[3].mark, Some(Mark::Error));
        // For another bundle, or none: ignored.
        let other = BundleKey { ticket: 1, rev: 9 };
        assert_eq!(
            r.next(Action::BundleSaved {
                key: other,
                result: Ok(saved.clone())
            }),
            None
        );
        assert_eq!(
            s.next(Action::BundleSaved {
                key,
                result: Ok(saved)
            }),
            None
        );
        // A new firmware drops the bundle.
        let again = apply(
            &ok,
            Action::ReadStarted {
                ticket: 2,
                selection: selection("b.zip", 1, 1),
            },
        );
        assert_eq!(again.bundle, BundleJob::Idle);
        assert_eq!(apply(&ok, Action::Reset).bundle, BundleJob::Idle);
    }
}
