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
//!   the same key ([`SendState`](crate::upload::SendState)) and is dropped with it.
//! - The helper's messages are folded in by [`Helper`]; the TFTP address is
//!   filled in from the helper at most once, and only into an empty field.
//! - [Recover another] keeps the bundle and the finished cards; only the watch
//!   for the next phone (its timer, checklist and reset ticks) starts over.
//! - A notification is on only while the browser allows it ([`Prefs::applied`]).
//!
//! # Layout
//!
//! This file holds [`State`], [`Action`] and the reducer, which hands each
//! action to its area's part: [`form`] (the settings as typed), [`phones`]
//! (the phone list), [`firmware`] (the firmware job and the plan), [`bundle`]
//! (built, saved, sent), [`link`] (the helper's link), [`live`] (step 5) and
//! [`keep`] (what a reload brings back, the kept firmware).

use std::rc::Rc;

use lifeline_shared::bundle::Bundle;
use lifeline_shared::config::phones::Column;
use lifeline_shared::dhcp::option150::Server;
use lifeline_shared::firmware::inspect::InputError;
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::protocol::ServerMessage;
use yew::Reducible;

use crate::bundle::{BundleJob, BundleKey, Saved};
use crate::checks;
use crate::clock::Clock;
use crate::copy::CopyNote;
use crate::helper::Helper;
use crate::intake::{Firmware, Packages, Phase, ReadFailure, Selection};
use crate::keep::{Kept, Restored};
use crate::permalink::{LinkError, Notice};
use crate::prefs::{Permission, Prefs};
use crate::settings::Form;
use crate::settings::import::ImportNote;
use crate::step::StepId;
use crate::upgrade::{Choice, Start};

mod bundle;
mod firmware;
mod form;
mod keep;
mod link;
mod live;
mod phones;

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
    /// The plan's choice kept with the firmware, put back once a reload reads
    /// that firmware back (then, or with any other job, it goes).
    pub kept_choice: Option<Choice>,
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
            kept_choice: None,
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
        /// Every package, when packages were dropped (one or several; `None` for
        /// loose files): `report` and `firmware` are then the plan's target's.
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
            Action::ShowProblems(open) if open != self.problems_open => {
                next.problems_open = open;
            }
            Action::ShowProblems(_) => return None,
            action @ (Action::SetTftp(_)
            | Action::ChooseServer(_)
            | Action::SetDecode(_)
            | Action::Copied(_)
            | Action::SetCallManagers(_)
            | Action::SetRecoveryCopies(_)
            | Action::LinkOpened(_)
            | Action::DismissNotice) => self.next_form(&mut next, action)?,
            action @ (Action::SetPaste(_)
            | Action::ImportPaste
            | Action::ImportText(_)
            | Action::ImportFailed(_)
            | Action::SetCell { .. }
            | Action::AddRow
            | Action::RemoveRow(_)
            | Action::ClearRows
            | Action::PhonesExported(_)) => self.next_phones(&mut next, action)?,
            action @ (Action::ReadStarted { .. }
            | Action::FileRead { .. }
            | Action::ReadFailed { .. }
            | Action::CheckStarted { .. }
            | Action::Inspected { .. }
            | Action::InspectFailed { .. }
            | Action::Reset
            | Action::PlanTarget(_)
            | Action::PlanStart(_)) => self.next_firmware(&mut next, action)?,
            action @ (Action::BundleStarted(_)
            | Action::BundleBuilt { .. }
            | Action::BundleSaved { .. }
            | Action::SendStarted { .. }
            | Action::SendStopped { .. }) => self.next_bundle(&mut next, action)?,
            action @ (Action::LinkConnecting { .. }
            | Action::LinkMessage { .. }
            | Action::LinkGarbled { .. }
            | Action::LinkClosed { .. }
            | Action::LinkStale(_)) => self.next_link(&mut next, action)?,
            action @ (Action::Tick(_)
            | Action::FilterLog(_)
            | Action::FollowLog(_)
            | Action::ShowRaw(_)
            | Action::ToggleReset(_)
            | Action::RecoverAnother(_)
            | Action::RetryFailed { .. }
            | Action::SimulateAsked(_)
            | Action::StartAsked { .. }
            | Action::SetSound(_)
            | Action::SetNotify(_)
            | Action::NotifyAnswered(_)) => self.next_live(&mut next, action)?,
            action @ (Action::Restore(_)
            | Action::Restoring(_)
            | Action::NothingKept
            | Action::FirmwareKept { .. }
            | Action::FirmwareForgotten
            | Action::SetRemember(_)) => self.next_keep(&mut next, action)?,
        }
        Some(next)
    }

    /// The settings changed: a new revision, and the bundle of the old one goes.
    fn changed(&mut self) {
        self.rev += 1;
        self.drop_bundle();
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
