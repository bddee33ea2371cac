//! The app's state and every transition, as a pure reducer.
//!
//! The components dispatch [`Action`]s and render what [`State`] says (through
//! the selectors of [`crate::stepper`] and [`crate::problems`]); nothing here
//! touches the browser, so native `cargo test` covers it all.
//!
//! Invariants:
//! - One fixed set of phases: [`Phase::Idle`] → [`Phase::Reading`] →
//!   [`Phase::Checking`] → [`Phase::Inspected`], or [`Phase::Failed`] from any of
//!   the working phases.
//! - Every job carries a ticket. A job's later actions only apply while it is the
//!   current job and still in the phase they continue; anything else (a slow read
//!   after the person chose another file, or after Start over) is dropped and the
//!   same `Rc` is returned, so nothing re-renders.
//! - A step opens only when [`checks::gate`] says it may; the stepper shows the
//!   same gate with its reason.
//! - The bundle belongs to one firmware and one revision of the settings
//!   ([`BundleKey`]): any change to either drops it, and a build finishing for an
//!   older key is ignored, like a stale job. Sending it to the helper belongs to
//!   the same key ([`SendState`]) and is dropped with it.
//! - The helper's messages are folded in by [`Helper`]; the TFTP address is
//!   filled in from the helper at most once, and only into an empty field.
//! - [Recover another] keeps the bundle and the finished cards; only the watch
//!   for the next phone (its timer, checklist and reset ticks) starts over.
//! - A notification is on only while the browser allows it ([`Prefs::applied`]).

use std::rc::Rc;

use lifeline_shared::bundle::Bundle;
use lifeline_shared::dhcp::option150::Server;
use lifeline_shared::firmware::inspect::InputError;
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::protocol::{CurrentBundle, ServerMessage};
use yew::Reducible;

use crate::bundle::{BundleJob, BundleKey, Saved, short_id};
use crate::checks;
use crate::clock::Clock;
use crate::copy::CopyNote;
use crate::helper::Helper;
use crate::intake::{Firmware, Packages, Phase, ReadFailure, Selection, Unusable};
use crate::keep::{Kept, Restored};
use crate::live::Tone;
use crate::pairing::Link;
use crate::permalink::{LinkError, Notice};
use crate::prefs::{Permission, Prefs};
use crate::settings::import::{self, ImportNote};
use crate::settings::{Form, PhoneRow};
use crate::step::StepId;
use crate::upgrade::{Choice, Start};
use crate::upload::SendState;
use lifeline_shared::config::phones::Column;

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
    /// Whether the bundle gets copies of the load manifest for the recovery
    /// manifests the firmware lacks (step 4's box).
    pub recovery_copies: bool,
    /// The step to return to once the kept firmware is read back (a reload).
    pub resume: Option<StepId>,
    /// The job reading the kept firmware back, while it runs.
    pub restoring: Option<u64>,
    /// Whether the firmware on screen is kept in this browser.
    pub kept: Kept,
    /// The text in the phone list's paste box (not a setting: it becomes rows).
    pub paste: String,
    /// What the last import into the phone list did.
    pub import: Option<ImportNote>,
    /// Why the last export of the phone list could not be saved.
    pub export_failed: Option<String>,
    /// The target and start of the plan of several packages (reset by each job).
    pub choice: Choice,
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
            recovery_copies: false,
            resume: None,
            restoring: None,
            kept: Kept::No,
            paste: String::new(),
            import: None,
            export_failed: None,
            choice: Choice::default(),
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
        ticket: u64,
        /// How many are read now.
        done: usize,
    },
    /// The selection was refused, or the browser could not read a file.
    ReadFailed {
        /// The job (a new ticket when the selection was refused before reading).
        ticket: u64,
        failure: ReadFailure,
    },
    /// Everything is read; the inspection starts.
    CheckStarted { ticket: u64 },
    /// The inspection finished.
    Inspected {
        ticket: u64,
        report: Rc<Report>,
        /// How long it took, in milliseconds.
        millis: f64,
        /// The bytes inspected, kept for the bundle.
        firmware: Rc<Firmware>,
        /// Every package, when several were dropped together (`report` and
        /// `firmware` are then the plan's target's).
        packages: Option<Rc<Packages>>,
    },
    /// The plan of several packages takes this load as its target.
    PlanTarget(String),
    /// Where the phones start, for the plan of several packages.
    PlanStart(Start),
    /// The input is not a readable zip or package.
    InspectFailed {
        ticket: u64,
        /// The file's name.
        name: String,
        error: InputError,
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
    /// The phone list's paste box was edited.
    SetPaste(String),
    /// The paste box's text is added to the phone list.
    ImportPaste,
    /// A chosen file's text is added to the phone list.
    ImportText(String),
    /// A chosen file could not be read (why).
    ImportFailed(String),
    /// A cell of the phone list was edited.
    SetCell {
        row: usize,
        column: Column,
        /// Its new text.
        value: String,
    },
    /// An empty row is added to the phone list.
    AddRow,
    /// A row of the phone list is removed.
    RemoveRow(usize),
    /// Every row of the phone list is removed.
    ClearRows,
    /// The phone list was offered as a CSV download, or why it could not be.
    PhonesExported(Option<String>),
    /// Step 4's box: copies of the load manifest for missing recovery manifests.
    SetRecoveryCopies(bool),
    /// The page was opened with settings in its link: read, or why not.
    LinkOpened(Result<Form, LinkError>),
    /// The notice about the link was closed.
    DismissNotice,
    /// The bundle build starts.
    BundleStarted(BundleKey),
    /// The bundle build finished.
    BundleBuilt {
        key: BundleKey,
        /// The bundle, or why not.
        result: Result<Rc<Bundle>, String>,
    },
    /// The bundle download was handed to the browser, or could not be.
    BundleSaved {
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
        message: Box<ServerMessage>,
        /// Its text, for the log's raw lines (events only).
        raw: Option<Rc<str>>,
        /// When it arrived.
        at: Clock,
    },
    /// A message from the helper that could not be read.
    LinkGarbled { why: String, at: Clock },
    /// The socket closed, or could not open.
    LinkClosed {
        /// When the page tries again; `None`: it does not.
        retry_in_ms: Option<u64>,
        at: Clock,
    },
    /// The bundle goes to the helper (`upload-begin` went out).
    SendStarted { key: BundleKey, at: Clock },
    /// The person stopped sending it.
    SendStopped { key: BundleKey, at: Clock },
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
    RetryFailed { phones: Vec<String>, at: Clock },
    /// [Try with simulated phones]: the page asked the helper to simulate
    /// the bundle's phones.
    SimulateAsked(Clock),
    /// The page told the helper which release the phone of a card runs.
    StartAsked {
        /// The card's id.
        card: String,
        /// What the person typed.
        text: String,
        at: Clock,
    },
    /// Play a sound when a phone finishes, or not.
    SetSound(bool),
    /// Show a notification when a phone finishes, or not. Turning it on
    /// without the browser's permission waits for [`Action::NotifyAnswered`].
    SetNotify(bool),
    /// The browser said whether this page may notify.
    NotifyAnswered(Permission),
    /// The page starts with what a reload brings back.
    Restore(Restored),
    /// The firmware kept in this browser is read back as job `ticket`.
    Restoring(u64),
    /// No firmware is kept in this browser.
    NothingKept,
    /// The firmware of job `ticket` was stored in this browser, or why not.
    FirmwareKept {
        ticket: u64,
        result: Result<(), String>,
    },
    /// The kept firmware was removed from this browser.
    FirmwareForgotten,
    /// Remember SIP passwords on this computer, or not.
    SetRemember(bool),
    /// The helper answered, but refuses this page's pairing token: it was
    /// restarted with a new one.
    LinkStale(Clock),
}

impl State {
    /// The state after `action`, or `None` when the action does not apply (a stale
    /// job, one that was started over, a closed step, or no change at all).
    pub fn next(&self, action: Action) -> Option<State> {
        let mut next = self.clone();
        match action {
            Action::GoTo(step) => {
                let report = self.report().map(|r| &**r);
                let open = checks::gate(step, report, &self.form, self.served()).is_ok();
                if !open || step == self.view {
                    return None;
                }
                next.view = step;
                // The person chose where to be: a reload's return is over.
                next.resume = None;
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
            Action::SetPaste(text) if text != self.paste => next.paste = text,
            Action::ImportPaste => {
                if next.import_text(&self.paste) {
                    next.paste.clear();
                }
            }
            Action::ImportText(text) => {
                next.import_text(&text);
            }
            Action::ImportFailed(why) => next.import = Some(ImportNote::Refused(why)),
            Action::SetCell { row, column, value } => {
                let r = next.form.rows.get_mut(row)?;
                if r.get(column) == value {
                    return None;
                }
                r.set(column, value);
                next.changed();
            }
            Action::AddRow => {
                next.form.rows.push(PhoneRow::default());
                next.changed();
            }
            Action::RemoveRow(row) if row < self.form.rows.len() => {
                next.form.rows.remove(row);
                next.changed();
            }
            Action::PhonesExported(failed) if failed != self.export_failed => {
                next.export_failed = failed;
            }
            Action::ClearRows if !self.form.rows.is_empty() => {
                next.form.rows.clear();
                next.import = None;
                next.changed();
            }
            Action::PlanTarget(name) => next.plan_target(name)?,
            Action::PlanStart(start) if start != self.choice.start => {
                next.choice.start = start;
                next.changed();
            }
            Action::SetRecoveryCopies(on) if on != next.recovery_copies => {
                next.recovery_copies = on;
                next.changed();
            }
            Action::SetRecoveryCopies(_) => return None,
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
            Action::LinkClosed { retry_in_ms, at } => next.helper.on_closed(retry_in_ms, at),
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
                next.helper.send = SendState::Starting { key, id };
            }
            Action::SendStopped { key, at } if self.helper.send.key() == Some(key) => {
                next.helper.send = SendState::Idle;
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
            Action::SimulateAsked(at) => {
                if next.helper.live.simulation.busy() {
                    return None;
                }
                next.helper.live.simulation = crate::live::SimRun::Asked;
                next.helper.live.note(
                    "Asked the helper to simulate the bundle's phones.".into(),
                    Tone::Plain,
                    at,
                );
            }
            Action::StartAsked { card, text, at } => next.helper.live.start_asked(&card, &text, at),
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
            Action::Restore(restored) => next.restore(restored),
            Action::Restoring(ticket) if self.restoring.is_none() && ticket > self.ticket => {
                next.restoring = Some(ticket);
            }
            // Step 5 may yet open without the firmware, once the helper says
            // which bundle it serves.
            Action::NothingKept if self.resume.is_some_and(|v| v != StepId::Recover) => {
                next.resume = None;
            }
            Action::FirmwareKept { ticket, result }
                if ticket == self.ticket && self.report().is_some() =>
            {
                next.kept = match result {
                    Ok(()) => Kept::Yes,
                    Err(why) => Kept::Refused(why),
                };
            }
            Action::FirmwareForgotten if self.kept != Kept::Forgotten => {
                next.kept = Kept::Forgotten;
            }
            Action::SetRemember(on) if on != self.prefs.remember => next.prefs.remember = on,
            Action::LinkStale(at) => next.helper.on_stale(at),
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
                    next.kept = Kept::No;
                    next.choice = Choice::default();
                }
                // The kept firmware read back is kept, and a reload returns
                // to its step once it is; any other job ends the return.
                let restoring = self.restoring == Some(ticket);
                if !restoring || !next.is_working() {
                    next.restoring = None;
                    next.resume = None;
                }
                if restoring && matches!(next.phase, Phase::Inspected { .. }) {
                    next.kept = Kept::Yes;
                    if let Some(view) = self.resume {
                        let report = next.report().map(|r| &**r);
                        if checks::gate(view, report, &next.form, next.served()).is_ok() {
                            next.view = view;
                        }
                    }
                }
                if !matches!(next.phase, Phase::Inspected { .. }) {
                    next.drop_bundle();
                }
            }
        }
        Some(next)
    }

    /// What a reload brings back: the settings, the step (now, or once the
    /// kept firmware is read back), or a link from elsewhere.
    fn restore(&mut self, restored: Restored) {
        if let Some(form) = restored.form {
            self.form = form;
            self.changed();
        }
        match restored.link {
            Some(Ok(form)) => {
                self.form = form;
                self.changed();
                self.notice = Some(Notice::Restored);
            }
            Some(Err(e)) => self.notice = Some(Notice::Damaged(e.message())),
            None => {}
        }
        if let Some(view) = restored.view.filter(|v| *v != StepId::Firmware) {
            if checks::gate(view, self.report().map(|r| &**r), &self.form, self.served()).is_ok() {
                self.view = view;
            } else {
                self.resume = Some(view);
            }
        }
    }

    /// Adds the rows `text` gives to the phone list, or says why not; whether
    /// it added them.
    fn import_text(&mut self, text: &str) -> bool {
        match import::import(text, self.form.rows.len()) {
            Ok(added) => {
                self.import = Some(ImportNote::Added {
                    rows: added.rows.len(),
                    notes: added.notes,
                });
                self.form.rows.extend(added.rows);
                self.changed();
                true
            }
            Err(why) => {
                self.import = Some(ImportNote::Refused(why));
                false
            }
        }
    }

    /// Makes the package of load `name` the plan's target: its report and bytes
    /// are the ones shown and bundled. `None` when it already is, or no package
    /// usable in the plan holds that load.
    fn plan_target(&mut self, name: String) -> Option<()> {
        let Phase::Inspected {
            report,
            firmware,
            packages: Some(packages),
            ..
        } = &mut self.phase
        else {
            return None;
        };
        let (r, f) = packages.of_load(&name)?;
        if Rc::ptr_eq(r, report) {
            return None;
        }
        *report = r.clone();
        *firmware = f.clone();
        self.choice.target = Some(name);
        // Bands depend on the target: a band chosen for another one goes.
        if matches!(self.choice.start, Start::Band(_)) {
            self.choice.start = Start::Unknown;
        }
        self.changed();
        Some(())
    }

    /// The packages dropped together, when there were several.
    pub fn packages(&self) -> Option<&Rc<Packages>> {
        match &self.phase {
            Phase::Inspected { packages, .. } => packages.as_ref(),
            _ => None,
        }
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
        self.helper.send = SendState::Idle;
    }

    /// A message from the helper; the TFTP address filled in from it, once.
    fn on_helper(&mut self, message: ServerMessage, raw: Option<Rc<str>>, at: Clock) {
        let tftp_empty = self.form.tftp.trim().is_empty();
        if let Some(choice) = self.helper.on_message(message, raw, at, tftp_empty) {
            self.form.tftp = choice.address.to_string();
            self.helper.prefill = Some(choice);
            self.changed();
        }
        // A reload on step 5 returns there once the helper says it serves a
        // bundle, unless the kept firmware is being read back (its job shows
        // step 1 meanwhile, then returns). The return stays until the person
        // moves, so a read-back starting after this still comes back here.
        if let Some(view) = self.resume
            && self.restoring.is_none()
        {
            let report = self.report().map(|r| &**r);
            if checks::gate(view, report, &self.form, self.served()).is_ok() {
                self.view = view;
            }
        }
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
                (ticket, Phase::Failed(Unusable::from_read(&failure)))
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
                packages,
            } if current(ticket) && self.is_working() => (
                ticket,
                Phase::Inspected {
                    report,
                    millis,
                    firmware,
                    packages,
                },
            ),
            Action::InspectFailed {
                ticket,
                name,
                error,
            } if current(ticket) && self.is_working() => {
                (ticket, Phase::Failed(Unusable::from_archive(&name, &error)))
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

    /// The bundle the helper last said it serves.
    pub fn served(&self) -> Option<&CurrentBundle> {
        self.helper.status.as_ref()?.bundle.as_ref()
    }

    /// Whether the page's bundle should be built now: step 4 shows it, and
    /// step 5 compares it with the one the helper serves.
    pub fn wants_bundle(&self) -> bool {
        matches!(self.view, StepId::Deliver | StepId::Recover)
            && checks::gate(
                StepId::Deliver,
                self.report().map(|r| &**r),
                &self.form,
                None,
            )
            .is_ok()
    }

    /// The report, once there is one.
    pub fn report(&self) -> Option<&Rc<Report>> {
        match &self.phase {
            Phase::Inspected { report, .. } => Some(report),
            _ => None,
        }
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

#[cfg(test)]
mod keep_tests;
#[cfg(test)]
mod link_tests;
#[cfg(test)]
mod live_tests;
#[cfg(test)]
mod tests;
