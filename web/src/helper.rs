//! The Lifeline helper as the page sees it (pure): the connection, its status,
//! the bundle being sent, the phones and the log.
//!
//! [`Helper`] is the part of [`crate::state::State`] that the websocket feeds:
//! the reducer hands each message to [`Helper::on_message`] and each closed
//! socket to [`Helper::on_closed`].
//!
//! Invariants:
//! - The TFTP address is filled in from the helper at most once, from its first
//!   status, and only into an empty field.
//! - A lost connection holds an upload under way for the resume.

use std::rc::Rc;

use lifeline_shared::protocol::{ErrorCode, ServerMessage, Status};

use crate::bundle::{BundleJob, short_id};
use crate::clock::Clock;
use crate::format;
use crate::interfaces::{self, Choice};
use crate::live::{Live, Tone};
use crate::pairing::Link;
use crate::settings::Form;
use crate::upload::SendState;

/// What the page knows of the helper.
#[derive(Clone, Debug, PartialEq)]
pub struct Helper {
    pub link: Link,
    /// `lifeline 0.1.0`, once it said hello.
    pub name: Option<String>,
    /// Its last status (kept while reconnecting).
    pub status: Option<Status>,
    /// Sending the bundle.
    pub send: SendState,
    /// The phones, the log and the live view.
    pub live: Live,
    /// The page's clock at the last tick of step 5 (monotonic ms), kept apart
    /// from [`Live`] so the log is not drawn again every second.
    pub now: u64,
    /// Whether the first status was seen: the TFTP address is filled in from
    /// the helper then or never (an address the person typed or cleared stays).
    pub prefill_decided: bool,
    /// The interface it was filled in from.
    pub prefill: Option<Choice>,
}

impl Default for Helper {
    fn default() -> Helper {
        Helper {
            link: Link::Unpaired,
            name: None,
            status: None,
            send: SendState::Idle,
            live: Live::default(),
            now: 0,
            prefill_decided: false,
            prefill: None,
        }
    }
}

impl Helper {
    /// Whether the helper serves the bundle with this manifest id.
    pub fn serves(&self, id: &str) -> bool {
        self.status
            .as_ref()
            .and_then(|s| s.bundle.as_ref())
            .is_some_and(|b| b.id == id)
    }

    /// Whether the helper serves `bundle` (sent now or before).
    pub fn serves_bundle(&self, bundle: &BundleJob) -> bool {
        match bundle {
            BundleJob::Ready { bundle, .. } => self.serves(&bundle.manifest.id),
            _ => false,
        }
    }

    /// The interface the TFTP address was filled in from, while `form`'s field
    /// still holds it.
    pub fn prefill_for(&self, form: &Form) -> Option<&Choice> {
        self.prefill
            .as_ref()
            .filter(|c| form.tftp.trim() == c.address.to_string())
    }

    /// A message from the helper. `tftp_empty`: whether the TFTP address field
    /// is empty. Returns the interface to fill that field in from, once.
    pub fn on_message(
        &mut self,
        message: ServerMessage,
        raw: Option<Rc<str>>,
        at: Clock,
        tftp_empty: bool,
    ) -> Option<Choice> {
        let before = self.send.clone();
        let upload = self.send.on_message(&message, at);
        match (&before, &self.send) {
            (SendState::Switched { .. }, _) => {}
            (_, SendState::Switched { id, files, .. }) => self.live.note(
                format!(
                    "The helper switched to bundle `{}`: it serves {}.",
                    short_id(id),
                    format::count(*files, "file", "files")
                ),
                Tone::Good,
                at,
            ),
            (SendState::Failed { .. }, _) => {}
            (_, SendState::Failed { refusal, .. }) => self.live.note(
                format!("Sending failed: {}. {}", refusal.title, refusal.message),
                Tone::Bad,
                at,
            ),
            _ => {}
        }
        let mut fill = None;
        match message {
            ServerMessage::Hello { helper, .. } => {
                self.link = Link::Connected;
                self.live.note(
                    format!("Connected to the helper ({helper})."),
                    Tone::Good,
                    at,
                );
                self.live.stale_since = None;
                self.name = Some(helper);
            }
            ServerMessage::Status(status) => {
                if !self.prefill_decided {
                    self.prefill_decided = true;
                    fill = interfaces::choose_interface(&status, &self.live.addresses())
                        .filter(|_| tftp_empty);
                }
                self.status = Some(status);
            }
            ServerMessage::Phones { phones } => {
                for p in &phones {
                    self.live.note_heard(p, at.mono);
                }
                self.live.replace(phones);
            }
            ServerMessage::Phone(p) => {
                self.live.note_heard(&p, at.mono);
                self.live.fold(p);
            }
            ServerMessage::Event(e) => self.live.on_event(&e, raw, at),
            ServerMessage::Error {
                code: ErrorCode::VersionMismatch,
                message,
                ..
            } => {
                let why = format::sentence(&message);
                self.live.note(
                    format!("The helper refused this page: {why}"),
                    Tone::Bad,
                    at,
                );
                self.link = Link::Refused(why);
            }
            ServerMessage::Error {
                code: ErrorCode::Simulation,
                message,
                ..
            } => {
                let why = format::sentence(&message);
                self.live.note(
                    format!("The helper did not start the simulated phones: {why}"),
                    Tone::Bad,
                    at,
                );
                self.live.simulation = crate::live::SimRun::Refused(why);
            }
            ServerMessage::Error {
                code: ErrorCode::BadStart,
                message,
                ..
            } => {
                let why = format::sentence(&message);
                self.live.note(
                    format!("The helper could not take the phone's release: {why}"),
                    Tone::Bad,
                    at,
                );
                self.live.start_refused(why);
            }
            ServerMessage::Error { message, .. } if !upload => self.live.note(
                format!("The helper said: {}", format::sentence(&message)),
                Tone::Bad,
                at,
            ),
            _ => {}
        }
        fill
    }

    /// The helper refused the pairing token after a socket would not open: it
    /// was restarted with a new one. An upload under way is held for the
    /// resume once the page is paired again.
    pub fn on_stale(&mut self, at: Clock) {
        if self.link == Link::NewToken {
            return;
        }
        self.link = Link::NewToken;
        self.live.note(
            "The helper answers, but was restarted with a new pairing token: paste the address it printed into this tab to pair again.".into(),
            Tone::Bad,
            at,
        );
        self.live.stale_since.get_or_insert(at.local);
        self.send = match std::mem::replace(&mut self.send, SendState::Idle) {
            SendState::Sending(p) | SendState::Verifying(p) => SendState::Interrupted(p),
            other => other,
        };
    }

    /// The socket closed: try again (or not), and hold an upload for the resume.
    pub fn on_closed(&mut self, retry_in_ms: Option<u64>, at: Clock) {
        let was = std::mem::replace(&mut self.link, Link::Unpaired);
        let attempt = match &was {
            Link::Connecting { attempt } | Link::Retrying { attempt, .. } => *attempt,
            _ => 1,
        };
        self.link = match (retry_in_ms, was.clone()) {
            (_, Link::Refused(why)) => Link::Refused(why),
            (_, Link::NewToken) => Link::NewToken,
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
            self.live.note(
                "Lost the connection to the helper; trying again by itself.".into(),
                Tone::Bad,
                at,
            );
            self.live.stale_since = Some(at.local);
        }
        self.send = match std::mem::replace(&mut self.send, SendState::Idle) {
            SendState::Sending(p) | SendState::Verifying(p) => SendState::Interrupted(p),
            other => other,
        };
    }
}
