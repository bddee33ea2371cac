//! The websocket to the helper: opened with the pairing token on the page's own
//! host, said hello on, reopened with backoff when it drops, and the bundle
//! upload driven through it.
//!
//! The decisions are pure and tested elsewhere:
//! [`lifeline_shared::protocol::wire`] reads and writes the messages,
//! [`crate::uploader::Uploader`] decides which frames go out, and the reducer
//! turns every message into state. This file only executes: it
//! never holds its own borrow while dispatching (a dispatch may render, and a
//! render may call back in here).

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::Duration;

use lifeline_shared::bundle::Bundle;
use lifeline_shared::protocol::{Chunk, ErrorCode, ServerMessage};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};
use yew::Callback;
use yew::platform::{spawn_local, time::sleep};

use crate::browser;
use crate::bundle::BundleKey;
use crate::pairing;
use crate::state::Action;
use crate::uploader::{Out, Uploader};
use lifeline_shared::protocol::json::WireError;
use lifeline_shared::protocol::wire;

/// The bundle being sent.
struct Job {
    key: BundleKey,
    bundle: Rc<Bundle>,
    uploader: Uploader,
}

struct Inner {
    /// The socket address; `None` without a pairing token.
    url: Option<String>,
    /// The same check over plain HTTP (`/ws?token=…`): 204 while the helper
    /// knows the token, 403 once it has a new one.
    probe: Option<String>,
    /// Whether the current socket opened.
    opened: bool,
    dispatch: Callback<Action>,
    socket: Option<WebSocket>,
    /// Goes up with every socket, so a late callback of an old one is ignored.
    generation: u32,
    /// Attempts since the last hello.
    attempt: u32,
    /// The helper refused this page: do not try again.
    refused: bool,
    job: Option<Job>,
    /// The current socket's handlers, kept alive with it.
    handlers: Option<Handlers>,
}

struct Handlers {
    _open: Closure<dyn FnMut(Event)>,
    _message: Closure<dyn FnMut(MessageEvent)>,
    _close: Closure<dyn FnMut(CloseEvent)>,
}

/// The page's link to the helper. Cheap to clone; equal when it is the same link.
#[derive(Clone)]
pub struct HelperLink(Rc<RefCell<Inner>>);

impl PartialEq for HelperLink {
    fn eq(&self, other: &HelperLink) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for HelperLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HelperLink")
    }
}

impl HelperLink {
    /// A link for `token` (nothing happens until [`HelperLink::start`]).
    pub fn new(token: Option<&str>, dispatch: Callback<Action>) -> HelperLink {
        HelperLink(Rc::new(RefCell::new(Inner {
            url: token.and_then(browser::socket_url),
            probe: token.map(probe_url),
            opened: false,
            dispatch,
            socket: None,
            generation: 0,
            attempt: 0,
            refused: false,
            job: None,
            handlers: None,
        })))
    }

    /// Connects, if the page has a pairing token.
    pub fn start(&self) {
        if self.0.borrow().url.is_some() {
            connect(&self.0);
        }
    }

    /// Pairs again with a new token (pasted into the address bar): connects
    /// at once, even after the helper refused the old one.
    pub fn repair(&self, token: &str) {
        let changed = {
            let mut i = self.0.borrow_mut();
            let url = browser::socket_url(token);
            let changed = url.is_some() && (url != i.url || i.refused);
            if changed {
                i.url = url;
                i.probe = Some(probe_url(token));
                i.refused = false;
                i.attempt = 0;
            }
            changed
        };
        if changed {
            connect(&self.0);
        }
    }

    /// Tries again now instead of waiting.
    pub fn retry_now(&self) {
        let idle = {
            let i = self.0.borrow();
            i.url.is_some() && i.socket.is_none() && !i.refused
        };
        if idle {
            connect(&self.0);
        }
    }

    /// Sends `bundle` (or resumes it: the helper says what it has).
    pub fn send_bundle(&self, key: BundleKey, bundle: Rc<Bundle>) {
        let sent = {
            let mut i = self.0.borrow_mut();
            if i.socket.is_none() {
                return;
            }
            if let Some(old) = i.job.take().filter(|j| j.uploader.id != bundle.manifest.id) {
                send_text(&i, &wire::upload_cancel(&old.uploader.id));
            }
            let mut uploader = Uploader::new(&bundle.manifest);
            let outs = uploader.on_connected();
            i.job = Some(Job {
                key,
                bundle,
                uploader,
            });
            execute(&mut i, outs);
            i.dispatch.clone()
        };
        sent.emit(Action::SendStarted {
            key,
            at: browser::clock(),
        });
    }

    /// Stops sending the bundle of `key`; the helper drops what it received.
    pub fn stop(&self, key: BundleKey) {
        let dispatch = {
            let mut i = self.0.borrow_mut();
            match i.job.take() {
                Some(job) if job.key == key => {
                    send_text(&i, &wire::upload_cancel(&job.uploader.id));
                }
                other => i.job = other,
            }
            i.dispatch.clone()
        };
        dispatch.emit(Action::SendStopped {
            key,
            at: browser::clock(),
        });
    }

    /// Asks the helper to start these phones (card ids) over. `false` when
    /// there is no connection to ask on.
    pub fn retry_phones(&self, ids: &[String]) -> bool {
        self.ask(&wire::retry_phones(ids))
    }

    /// Asks the helper to boot the served bundle's phones as simulations
    /// ("Try with simulated phones"). `false` when there is no connection
    /// to ask on.
    pub fn simulate_phones(&self) -> bool {
        self.ask(&wire::simulate_phones())
    }

    /// Tells the helper which release one phone (its MAC or address) runs, for
    /// the upgrade plan. `false` when there is no connection to tell it on.
    pub fn phone_start(&self, phone: &str, start: &str) -> bool {
        self.ask(&wire::phone_start(phone, Some(start)))
    }

    /// Sends one request to the helper; `false` when there is no connection.
    fn ask(&self, text: &str) -> bool {
        send_text(&self.0.borrow(), text)
    }

    /// The bundle on screen is now `key`: an upload of another one stops.
    pub fn keep_only(&self, key: Option<BundleKey>) {
        let mut i = self.0.borrow_mut();
        if let Some(job) = i.job.take() {
            if Some(job.key) == key {
                i.job = Some(job);
            } else {
                send_text(&i, &wire::upload_cancel(&job.uploader.id));
            }
        }
    }
}

/// Sends `text` on the socket; `false` when there is none.
fn send_text(i: &Inner, text: &str) -> bool {
    let Some(socket) = &i.socket else {
        return false;
    };
    let _ = socket.send_with_str(text);
    true
}

/// Sends what the uploader asked for.
fn execute(i: &mut Inner, outs: Vec<Out>) {
    let (Some(socket), Some(job)) = (&i.socket, &i.job) else {
        return;
    };
    for out in outs {
        let _ = match out {
            Out::Begin => socket.send_with_str(&wire::upload_begin(&job.bundle.manifest)),
            Out::Commit => socket.send_with_str(&wire::upload_commit(&job.uploader.id)),
            Out::Chunk { file, index } => {
                let data = job
                    .bundle
                    .manifest
                    .files
                    .get(file as usize)
                    .and_then(|f| job.bundle.contents.get(&f.name));
                let range = job.uploader.range(file, index);
                match (data, range) {
                    (Some(data), Some(range)) if range.end <= data.len() => {
                        socket.send_with_u8_array(&Chunk::encode(file, index, &data[range]))
                    }
                    // Not reached: the manifest describes the contents.
                    _ => Ok(()),
                }
            }
        };
    }
}

fn connect(this: &Rc<RefCell<Inner>>) {
    let (url, generation, attempt, dispatch) = {
        let mut i = this.borrow_mut();
        let Some(url) = i.url.clone() else { return };
        if let Some(old) = i.socket.take() {
            old.set_onopen(None);
            old.set_onmessage(None);
            old.set_onclose(None);
            let _ = old.close();
        }
        i.generation += 1;
        i.attempt += 1;
        i.opened = false;
        (url, i.generation, i.attempt, i.dispatch.clone())
    };
    dispatch.emit(Action::LinkConnecting { attempt });
    let socket = match WebSocket::new(&url) {
        Ok(s) => s,
        Err(_) => {
            closed(this, generation);
            return;
        }
    };
    socket.set_binary_type(BinaryType::Arraybuffer);
    let weak = Rc::downgrade(this);
    let open = {
        let weak = weak.clone();
        Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            if let Some(this) = current(&weak, generation) {
                this.borrow_mut().opened = true;
                send_text(&this.borrow(), &wire::hello());
            }
        })
    };
    let message = {
        let weak = weak.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let (Some(this), Some(text)) = (current(&weak, generation), e.data().as_string()) {
                received(&this, &text);
            }
        })
    };
    let close = Closure::<dyn FnMut(CloseEvent)>::new(move |_: CloseEvent| {
        if let Some(this) = current(&weak, generation) {
            closed(&this, generation);
        }
    });
    socket.set_onopen(Some(open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(close.as_ref().unchecked_ref()));
    let mut i = this.borrow_mut();
    i.socket = Some(socket);
    i.handlers = Some(Handlers {
        _open: open,
        _message: message,
        _close: close,
    });
}

/// The link, if `generation` is still its socket.
fn current(weak: &Weak<RefCell<Inner>>, generation: u32) -> Option<Rc<RefCell<Inner>>> {
    weak.upgrade()
        .filter(|this| this.borrow().generation == generation)
}

fn received(this: &Rc<RefCell<Inner>>, text: &str) {
    let at = browser::clock();
    let action = match wire::server_message(text) {
        Ok(message) => {
            let mut i = this.borrow_mut();
            match &message {
                ServerMessage::Hello { .. } => i.attempt = 0,
                ServerMessage::Error {
                    code: ErrorCode::VersionMismatch,
                    ..
                } => i.refused = true,
                _ => {}
            }
            if let Some(job) = i.job.as_mut() {
                let outs = match &message {
                    ServerMessage::Hello { .. } => job.uploader.on_connected(),
                    m => job.uploader.on_message(m),
                };
                let finished = job.uploader.finished;
                execute(&mut i, outs);
                if finished {
                    i.job = None;
                }
            }
            let raw = matches!(message, ServerMessage::Event(_)).then(|| Rc::from(text));
            Action::LinkMessage {
                message: Box::new(message),
                raw,
                at,
            }
        }
        // A newer helper's message: nothing this page can show.
        Err(WireError::Unknown(_)) => return,
        Err(e) => Action::LinkGarbled {
            why: e.to_string(),
            at,
        },
    };
    let dispatch = this.borrow().dispatch.clone();
    dispatch.emit(action);
}

/// The plain HTTP check of `token` on the page's own host.
fn probe_url(token: &str) -> String {
    format!("/ws?token={token}")
}

/// The socket closed. One that never opened may have been refused for its
/// token (a browser never says why an upgrade failed): the helper is asked
/// over plain HTTP first, so a helper that answers is never called
/// unreachable.
fn closed(this: &Rc<RefCell<Inner>>, generation: u32) {
    let probe = {
        let mut i = this.borrow_mut();
        i.socket = None;
        i.probe.clone().filter(|_| !i.opened && !i.refused)
    };
    let Some(probe) = probe else {
        retry_later(this, generation);
        return;
    };
    let weak = Rc::downgrade(this);
    spawn_local(async move {
        let stale = browser::refused_token(&probe).await;
        let Some(this) = current(&weak, generation) else {
            return;
        };
        if stale {
            let dispatch = {
                let mut i = this.borrow_mut();
                i.refused = true;
                i.dispatch.clone()
            };
            dispatch.emit(Action::LinkStale(browser::clock()));
        } else {
            retry_later(&this, generation);
        }
    });
}

/// Says the socket is closed and, unless refused, tries again after the backoff.
fn retry_later(this: &Rc<RefCell<Inner>>, generation: u32) {
    let (retry, dispatch) = {
        // The handlers stay until the next socket: this runs inside one of them.
        let mut i = this.borrow_mut();
        i.socket = None;
        let retry = (!i.refused).then(|| pairing::backoff_ms(i.attempt + 1));
        (retry, i.dispatch.clone())
    };
    dispatch.emit(Action::LinkClosed {
        retry_in_ms: retry,
        at: browser::clock(),
    });
    if let Some(ms) = retry {
        let weak = Rc::downgrade(this);
        spawn_local(async move {
            sleep(Duration::from_millis(ms)).await;
            if let Some(this) = current(&weak, generation)
                && this.borrow().socket.is_none()
            {
                connect(&this);
            }
        });
    }
}
