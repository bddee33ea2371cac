//! Glue between the servers and the control plane: the file source TFTP reads
//! from (switched atomically when a bundle arrives), the helper's status, and the
//! task that turns network events into phone summaries.

use crate::bundles::Store;
use crate::control::{Control, catalog_of};
use crate::files::{FileSource, LookupError, MemoryFiles, Opened, RootDir};
use crate::walks::Walks;
use lifeline_shared::events::Event;
use lifeline_shared::protocol::{CurrentBundle, Interface, InterfaceAddress, Service, Status};
use lifeline_shared::tracker::Tracker;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

/// A file source whose target can be replaced while transfers run: each
/// transfer opens its file once, from whichever source was current, and keeps
/// reading that open file.
///
/// Through [`Walks`], a bundle holding an upgrade plan serves each phone the step it
/// is at (`open_for`); the walker follows every switch, and leaves a bundle without
/// a plan alone.
#[derive(Debug)]
pub struct Switchable {
    current: RwLock<Arc<dyn FileSource>>,
    walks: Arc<Walks>,
}

impl Switchable {
    /// Starts with `source`, walking phones through the plan of whichever bundle
    /// is served.
    pub fn new(source: Arc<dyn FileSource>, walks: Arc<Walks>) -> Self {
        walks.switch(source.as_ref());
        Self {
            current: RwLock::new(source),
            walks,
        }
    }

    /// Serves `source` from now on.
    pub fn set(&self, source: Arc<dyn FileSource>) {
        self.walks.switch(source.as_ref());
        if let Ok(mut c) = self.current.write() {
            *c = source;
        }
    }

    fn current(&self) -> Arc<dyn FileSource> {
        self.current
            .read()
            .map(|c| c.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }
}

impl FileSource for Switchable {
    fn open(&self, requested: &str) -> Result<Opened, LookupError> {
        self.current().open(requested)
    }

    fn open_for(&self, requested: &str, peer: std::net::IpAddr) -> Result<Opened, LookupError> {
        self.walks
            .open(self.current().as_ref(), requested, Some(peer))
    }

    fn cut_off(&self, requested: &str, peer: std::net::IpAddr) {
        self.walks.cut_off(peer, requested);
    }
}

/// An empty source, for a helper with no bundle yet.
pub fn empty() -> Arc<dyn FileSource> {
    Arc::new(MemoryFiles::new())
}

/// The current bundle of `store` as a source, if there is one.
pub fn stored(store: &Store) -> Option<(Arc<dyn FileSource>, CurrentBundle)> {
    let (_, dir) = store.current()?;
    let info = store.current_info()?;
    match RootDir::new(&dir) {
        Ok(root) => Some((Arc::new(root), info)),
        Err(e) => {
            tracing::warn!(dir = %dir.display(), error = %e, "the current bundle cannot be served");
            None
        }
    }
}

/// A bundle folder as a source.
pub fn folder(dir: &Path) -> std::io::Result<Arc<dyn FileSource>> {
    Ok(Arc::new(RootDir::new(dir)?))
}

/// What the status message says about each server; set as they start.
#[derive(Debug, Default)]
pub struct Services {
    pub tftp: Mutex<Option<Service>>,
    pub dhcp: Mutex<Option<Service>>,
    pub provision: Mutex<Option<Service>>,
}

/// The helper's status now.
pub fn status(store: &Store, services: &Services) -> Status {
    let mut interfaces: Vec<Interface> = Vec::new();
    for i in if_addrs::get_if_addrs().unwrap_or_default() {
        if let if_addrs::IfAddr::V4(v4) = i.addr {
            let addr = InterfaceAddress {
                address: v4.ip,
                prefix: v4.prefixlen,
            };
            match interfaces.iter_mut().find(|x| x.name == i.name) {
                Some(x) => x.addresses.push(addr),
                None => interfaces.push(Interface {
                    name: i.name,
                    addresses: vec![addr],
                }),
            }
        }
    }
    Status {
        helper: format!("lifeline {}", env!("CARGO_PKG_VERSION")),
        interfaces,
        tftp: services
            .tftp
            .lock()
            .ok()
            .and_then(|s| s.clone())
            .unwrap_or_else(|| Service::failed("not started")),
        dhcp: services
            .dhcp
            .lock()
            .ok()
            .and_then(|s| s.clone())
            .unwrap_or_else(|| {
                Service::off(
                    "off (start the helper with --dhcp cisco-only to hand phones option 150)",
                )
            }),
        provision: services.provision.lock().ok().and_then(|s| s.clone()),
        bundle: store.current_info(),
    }
}

/// Feeds the tracker with every event, publishes what changed, and lets time
/// pass for it so silent phones become "stuck". Runs until `stop`.
pub fn spawn_tracker(
    control: Arc<Control>,
    mut events: broadcast::Receiver<Event>,
    stop: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(15));
        loop {
            tokio::select! {
                ev = events.recv() => match ev {
                    Ok(e) => {
                        control.with_tracker(|t, now| t.handle(now, &e));
                    }
                    Err(broadcast::error::RecvError::Lagged(n)) => tracing::debug!(skipped = n, "tracker lagged"),
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                _ = tick.tick() => {
                    control.with_tracker(|t, now| t.tick(now));
                }
                _ = stop.cancelled() => break,
            }
        }
    })
}

/// A tracker for the bundle in `dir`, or an empty one.
pub fn tracker_for(dir: Option<&Path>) -> Tracker {
    Tracker::new(dir.map(catalog_of).unwrap_or_default())
}
