//! `lifeline serve` as a library: [`run`] wires the web app, the control
//! plane, TFTP, DHCP and the tracker together on sockets the caller bound, and
//! stops when the caller's token is cancelled. The binary binds the sockets
//! from its flags; tests bind port 0 and run servers side by side.
//!
//! # Invariants
//!
//! - A TFTP socket that could not be bound leaves the web app running: the
//!   status says why, and the page shows it. So does a DHCP server that was
//!   asked for and could not start (another server on the segment, port 67
//!   taken, no privilege) or whose socket failed later: its status says
//!   `failed` and why, never `off`, which means not asked for.
//! - Once `shutdown` is cancelled, [`run`] returns when every server has
//!   stopped, or after [`Config::grace`] at the latest.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lifeline_shared::protocol::Service;
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::bundles::Store;
use crate::control::{self, Control};
use crate::dhcp;
use crate::events::{self, Events};
use crate::files::FileSource;
use crate::neighbours;
use crate::plane;
use crate::provision;
use crate::terminal;
use crate::tftp;
use crate::web;

/// How long open connections may keep the server alive after a shutdown request.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// What to serve, and how.
pub struct Config {
    /// The pairing token a browser must present at `/ws`.
    pub token: String,
    /// Bundles received from the browser, and the one being served.
    pub store: Arc<Store>,
    /// Files TFTP serves whatever the browser sends (`--root`, `--firmware`),
    /// and what they are in words. `None`: the store's current bundle, switched
    /// when the browser sends a new one.
    pub fixed_files: Option<(Arc<dyn FileSource>, String)>,
    /// The TFTP server's limits.
    pub tftp: tftp::server::Config,
    /// A DHCP server ready to start, when one was asked for.
    pub dhcp: Option<dhcp::setup::Prepared>,
    /// Listen for the phones' CDP and LLDP-MED announcements: on this
    /// interface, or every one (`Some(None)`); `None` not at all.
    pub neighbours: Option<Option<String>>,
    /// Whether to tell a person at the terminal, on stdout, where TFTP listens
    /// and then one line per event.
    pub terminal: bool,
    /// How long open connections may delay the return after `shutdown`.
    pub grace: Duration,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field(
                "fixed_files",
                &self.fixed_files.as_ref().map(|(_, what)| what),
            )
            .field("tftp", &self.tftp)
            .field("dhcp", &self.dhcp.is_some())
            .field("terminal", &self.terminal)
            .field("grace", &self.grace)
            .finish_non_exhaustive()
    }
}

/// The sockets [`run`] serves on, bound by the caller.
#[derive(Debug)]
pub struct Sockets {
    /// The web app and `/ws`.
    pub http: TcpListener,
    /// TFTP, or why it could not be bound (reported, and the web app runs on).
    pub tftp: Result<UdpSocket, String>,
    /// HTTP provisioning (`--provision-listen`), `None` when off, or why it
    /// could not be bound (reported; the rest runs on).
    pub provision: Option<Result<TcpListener, String>>,
}

/// Serves until `shutdown` is cancelled, then gives open connections
/// [`Config::grace`] to finish. Fails when the web or TFTP server's
/// socket breaks.
pub async fn run(
    config: Config,
    sockets: Sockets,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let Config {
        token,
        store,
        fixed_files,
        tftp: tftp_config,
        dhcp,
        neighbours,
        terminal,
        grace,
    } = config;
    let addr = sockets.http.local_addr()?;
    let events = Events::new();
    let services = Arc::new(plane::Services::default());
    let fixed = fixed_files.is_some();
    let (initial, what) = fixed_files.unwrap_or_else(|| stored_or_empty(&store));
    let walks = Arc::new(crate::walks::Walks::new(
        Some(store.dir().to_path_buf()),
        events.clone(),
    ));
    let source = Arc::new(plane::Switchable::new(initial, walks.clone()));
    spawn_announcements(&events, walks.clone());
    let tftp = tftp_socket(sockets.tftp, &services.tftp);
    // Where phones simulated for the page reach this helper's servers.
    let targets = crate::simulate::page::Targets {
        tftp: match &tftp {
            Some((socket, _)) => socket.local_addr().map_err(|e| e.to_string()),
            None => Err(services
                .tftp
                .lock()
                .ok()
                .and_then(|s| s.as_ref().and_then(|s| s.reason.clone()))
                .unwrap_or_else(|| "it could not be started".into())),
        },
        provision: None,
    };
    if terminal && let Some((_, at)) = &tftp {
        spawn_live_lines(&events);
        print_line(&format!("TFTP listening on {at}, serving {what}"));
    }
    let provision = provision_listener(sockets.provision, terminal, &services.provision);
    let targets = crate::simulate::page::Targets {
        provision: provision.as_ref().and_then(|l| l.local_addr().ok()),
        ..targets
    };
    if terminal && tftp.is_none() && provision.is_some() {
        spawn_live_lines(&events);
    }
    // DHCP's notices join the live lines, which run while TFTP serves.
    let live_lines = terminal && (tftp.is_some() || provision.is_some());
    let provision_server = provision.map(|listener| {
        tokio::spawn(provision::serve(
            listener,
            source.clone(),
            provision::Config::default(),
            events.clone(),
            shutdown.clone(),
        ))
    });
    let tftp_server = tftp.map(|(socket, _)| {
        tokio::spawn(tftp::server::serve(
            socket,
            source.clone(),
            tftp_config,
            events.clone(),
            shutdown.clone(),
        ))
    });
    let dhcp_server = match dhcp {
        Some(prepared) => {
            let notify = |notice: dhcp::events::Notice| {
                if live_lines {
                    print_line(&notice.human_line());
                }
            };
            let what = dhcp_status(&prepared);
            match dhcp::setup::launch(prepared, &events, notify, &shutdown).await {
                Ok(task) => {
                    set_service(&services.dhcp, Service::listening(Some(what)));
                    Some(watch_dhcp(task, services.clone()))
                }
                Err(e) => {
                    terminal::err_line(&format!(
                        "lifeline: error: the DHCP server did not start: {e}. The web UI and TFTP keep running."
                    ));
                    set_service(&services.dhcp, Service::failed(e.to_string()));
                    None
                }
            }
        }
        None => None,
    };

    // Its own thread: a blocking packet socket, stopped by `shutdown`.
    if let Some(interface) = neighbours {
        neighbours::spawn(interface, events.clone(), shutdown.clone(), live_lines);
    }

    let (phones, _) = tokio::sync::broadcast::channel(256);
    let tracker = plane::tracker_for(store.current().map(|(_, d)| d).as_deref());
    let control = Arc::new(Control {
        token,
        origins: control::own_origins(addr),
        store: store.clone(),
        events: events.clone(),
        phones,
        tracker: Arc::new(Mutex::new(tracker)),
        tracker_epoch: Instant::now(),
        status: Box::new({
            let (store, services) = (store.clone(), services.clone());
            move || plane::status(&store, &services)
        }),
        fixed_source: fixed.then(|| what.clone()),
        walks,
        sessions: Arc::new(tokio::sync::Semaphore::new(control::MAX_SESSIONS)),
        on_switch: Box::new({
            let source = source.clone();
            move |dir: &std::path::Path| match plane::folder(dir) {
                Ok(files) => source.set(files),
                Err(e) => {
                    tracing::error!(dir = %dir.display(), error = %e, "cannot serve the new bundle")
                }
            }
        }),
        upload_lock: Arc::new(tokio::sync::Mutex::new(())),
        idle: Duration::from_secs(60),
        shutdown: shutdown.clone(),
        simulator: crate::simulate::page::PageSimulator::new(
            targets,
            source.clone(),
            events.clone(),
            shutdown.clone(),
        ),
    });
    plane::spawn_tracker(control.clone(), events.subscribe(), shutdown.clone());
    crate::registers::spawn(events.clone(), source.clone(), shutdown.clone());

    let web_server = web::serve_with(
        sockets.http,
        control::router(control),
        shutdown.clone().cancelled_owned(),
    );
    let servers = async move {
        let (web, tftp, http, dhcp) = tokio::join!(
            web_server,
            finished(tftp_server, "TFTP"),
            finished(provision_server, "HTTP provisioning"),
            finished(dhcp_server, "DHCP"),
        );
        web.and(tftp).and(http).and(dhcp)
    };
    tokio::select! {
        result = servers => result,
        () = async {
            shutdown.cancelled().await;
            tokio::time::sleep(grace).await;
        } => {
            tracing::warn!("connections still open {grace:?} after the shutdown request; exiting anyway");
            Ok(())
        }
    }
}

/// Without fixed files, TFTP serves the store's current bundle, if any, and
/// switches when the browser sends a new one. The files, and what they are.
fn stored_or_empty(store: &Store) -> (Arc<dyn FileSource>, String) {
    match plane::stored(store) {
        Some((files, info)) => (
            files,
            format!("bundle {} from {}", &info.id[..12], info.source),
        ),
        None => (
            plane::empty(),
            "no bundle yet (send one from the web app)".to_string(),
        ),
    }
}

fn set_service(slot: &Mutex<Option<Service>>, service: Service) {
    if let Ok(mut s) = slot.lock() {
        *s = Some(service);
    }
}

/// Waits for the DHCP loop: a socket that fails is logged and the status says
/// so; the web UI and TFTP keep running.
fn watch_dhcp(
    task: JoinHandle<std::io::Result<()>>,
    services: Arc<plane::Services>,
) -> JoinHandle<std::io::Result<()>> {
    tokio::spawn(async move {
        let why = match task.await {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(e)) => format!("the DHCP socket failed: {e}"),
            Err(e) => format!("the DHCP server stopped: {e}"),
        };
        tracing::error!("{why}; DHCP is off until the helper is restarted");
        set_service(
            &services.dhcp,
            Service::failed(format!("{why}. Restart the helper to serve DHCP again")),
        );
        Ok(())
    })
}

/// What the page shows of DHCP: the mode, where, and what it hands out.
fn dhcp_status(prepared: &dhcp::setup::Prepared) -> String {
    let (c, i) = (prepared.config(), prepared.interface());
    let tftp: Vec<String> = c.tftp.iter().map(|a| a.to_string()).collect();
    format!(
        "{} on {} ({}/{}), option 150 = {}",
        c.mode.as_str(),
        i.name,
        i.addr,
        i.prefix,
        tftp.join(", ")
    )
}

/// How a server's task ended; a server that was never started is fine.
async fn finished(task: Option<JoinHandle<std::io::Result<()>>>, what: &str) -> anyhow::Result<()> {
    match task {
        Some(task) => task
            .await
            .map_err(anyhow::Error::from)
            .and_then(|r| r.map_err(|e| anyhow::anyhow!("the {what} socket failed: {e}"))),
        None => Ok(()),
    }
}

/// TFTP's socket and where it listens, the status saying so; or, when it could
/// not be bound, nothing, the status and stderr saying why and how to fix it.
fn tftp_socket(
    socket: Result<UdpSocket, String>,
    status: &Mutex<Option<Service>>,
) -> Option<(UdpSocket, String)> {
    let service = match &socket {
        Ok(socket) => Service::listening(socket.local_addr().ok().map(|a| a.to_string())),
        Err(why) => {
            terminal::err_line(&format!(
                "lifeline: error: {why}. The web UI keeps running."
            ));
            Service::failed(why.clone())
        }
    };
    let at = service.address.clone().unwrap_or_default();
    if let Ok(mut t) = status.lock() {
        *t = Some(service);
    }
    Some((socket.ok()?, at))
}

/// HTTP provisioning's listener, the terminal told where phones get files
/// over HTTP; or, when off or not bound, nothing, the terminal told why.
fn provision_listener(
    listener: Option<Result<TcpListener, String>>,
    terminal: bool,
    status: &Mutex<Option<Service>>,
) -> Option<TcpListener> {
    let service = match &listener {
        None => Service::off("off (--provision-listen off): phones that ask HTTP first use TFTP"),
        Some(Err(why)) => Service::failed(why.clone()),
        Some(Ok(l)) => Service::listening(l.local_addr().ok().map(|a| a.to_string())),
    };
    set_service(status, service);
    match listener {
        None => {
            if terminal {
                print_line(
                    "HTTP provisioning off (--provision-listen off): phones that ask HTTP first fall back to TFTP",
                );
            }
            None
        }
        Some(Err(why)) => {
            terminal::err_line(&format!(
                "lifeline: error: {why}. TFTP and the web UI keep running; phones fall back to TFTP."
            ));
            None
        }
        Some(Ok(listener)) => {
            if terminal && let Ok(at) = listener.local_addr() {
                let host = if at.ip().is_unspecified() {
                    "<this computer>".to_owned()
                } else {
                    at.ip().to_string()
                };
                print_line(&format!(
                    "HTTP provisioning listening on {at}: phones that ask HTTP first (78xx, 88xx) \
                     get the same files at http://{host}:{}/<file>",
                    at.port()
                ));
            }
            Some(listener)
        }
    }
}

/// Each load a phone announces over CDP/LLDP is what it runs: the plan's walk
/// takes it.
fn spawn_announcements(events: &Events, walks: Arc<crate::walks::Walks>) {
    let mut rx = events.subscribe();
    tokio::spawn(async move {
        loop {
            match rx.recv().await {
                Ok(lifeline_shared::events::Event::Neighbour(n)) => {
                    if let Some(load) = &n.announced.load {
                        let walks = walks.clone();
                        let (mac, software) = (n.mac.clone(), load.clone());
                        let via = n.announced.via.clone();
                        let address = n.address.map(std::net::IpAddr::V4);
                        tokio::task::spawn_blocking(move || {
                            walks.announced(&mac, address, &software, &via)
                        });
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            }
        }
    });
}

/// One line on stdout per event, for a person at the terminal.
fn spawn_live_lines(events: &Events) {
    let mut rx = events.subscribe();
    tokio::spawn(async move {
        loop {
            let line = match rx.recv().await {
                Ok(event) => events::human_line(&event),
                Err(RecvError::Lagged(missed)) => Some(format!("({missed} events not shown)")),
                Err(RecvError::Closed) => break,
            };
            if let Some(line) = line {
                print_line(&line);
            }
        }
    });
}

/// A line on stdout that never blocks or panics (see [`terminal`]).
fn print_line(line: &str) {
    terminal::out_line(line);
}
