//! The lease table, and the bytes of its file (the helper reads and writes
//! the file, `dhcp-leases.json` in its data directory).
//!
//! The policy reads the table and returns [`Change`]s; only [`Leases::apply`]
//! changes it. Invariants:
//! - a client is its option 61 when it sends one, its MAC otherwise (see
//!   [`super::client_id`]);
//! - one entry per address and at most one address per client (`by_client`
//!   is the exact inverse of the entries that have a holder and are not
//!   declined);
//! - an unexpired lease is never given to another client: [`Leases::apply`]
//!   refuses such a change with [`LeaseError::Taken`], whatever the policy says;
//! - the table only grows by the policy's allocations, which stay inside the
//!   range and the reservations, so its size is bounded by the configuration;
//! - offers live in memory only; bound and declined addresses go into the
//!   file's bytes and are read back at start, so a restart hands out nothing
//!   that is still leased. The file's `client_id` is optional: a file from
//!   before it existed reads as leases keyed by MAC, and an older helper
//!   reading a newer file ignores it.

use std::collections::HashMap;
use std::io;
use std::net::Ipv4Addr;
use std::path::Path;

use lifeline_shared::config::mac::Mac;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::client_id::{ClientId, ClientKey};
use super::config::PolicyConfig;

/// What the file says it is.
const FORMAT: &str = "lifeline-dhcp-leases";
/// The file format's version.
const VERSION: u32 = 1;

/// Where an address stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Offered to a client, waiting for its REQUEST (memory only).
    Offered,
    /// Leased.
    Bound,
    /// Someone else uses it (the client declined it, or a probe was answered).
    Declined,
}

/// One address's entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    pub addr: Ipv4Addr,
    /// The client; for a declined address, who declined it (if anyone).
    pub mac: Option<Mac>,
    /// The client's option 61, when it sent one: then that is whose it is.
    pub client_id: Option<ClientId>,
    /// Where it stands.
    pub state: State,
    /// Unix seconds at which it lapses.
    pub expires: u64,
    /// For an offer: the address was probed and found free (or needs no probe).
    pub checked: bool,
    /// The phone model, when known (for the file and the UI).
    pub model: Option<String>,
}

impl Lease {
    /// Whether it still holds at `now`.
    pub fn is_live(&self, now: u64) -> bool {
        self.expires > now
    }

    /// Whether `client` holds it (see [`ClientKey::holds`]); nobody holds a
    /// declined address.
    pub fn is_held_by(&self, client: &ClientKey) -> bool {
        self.state != State::Declined && client.holds(self.mac.as_ref(), self.client_id.as_ref())
    }

    /// Its key in the table's index: the identifier, else the MAC.
    fn index_key(&self) -> Option<IndexKey> {
        if self.state == State::Declined {
            return None;
        }
        match (&self.client_id, self.mac) {
            (Some(id), _) => Some(IndexKey::Id(id.clone())),
            (None, Some(mac)) => Some(IndexKey::Mac(mac)),
            (None, None) => None,
        }
    }
}

/// How the index finds a client's entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum IndexKey {
    Id(ClientId),
    Mac(Mac),
}

/// A change the policy asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Hold `addr` for `client` until `until` as an offer.
    Offer {
        client: ClientKey,
        addr: Ipv4Addr,
        /// When the offer lapses.
        until: u64,
        /// Probed, or needs no probe.
        checked: bool,
        /// The model, when known.
        model: Option<String>,
    },
    /// Lease `addr` to `client` until `until`.
    Bind {
        client: ClientKey,
        addr: Ipv4Addr,
        /// When the lease lapses.
        until: u64,
        /// The model, when known.
        model: Option<String>,
    },
    /// The client gave `addr` back at `at`; the entry stays, lapsed, so the
    /// same client gets it again if nobody else took it.
    Release {
        client: ClientKey,
        addr: Ipv4Addr,
        at: u64,
    },
    /// `addr` is used by a host we do not know: skip it until `until`.
    Block {
        addr: Ipv4Addr,
        /// Who told us (a DECLINE), if anyone.
        by: Option<Mac>,
        until: u64,
    },
    /// Drop the offer of `addr` to `client` (it chose another server, or the
    /// probe the offer waited for could not be started).
    Forget { client: ClientKey, addr: Ipv4Addr },
    /// A probe of `addr` found nobody.
    ProbeClear { addr: Ipv4Addr },
    /// The range had nothing free at the time of a full scan; do not scan
    /// again before `until` unless an address is given back.
    Exhausted {
        /// The earliest time an entry lapses.
        until: u64,
    },
}

/// Why a change or a file was refused.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LeaseError {
    /// The change would give a live lease to a second client.
    #[error("{addr} is leased to {holder} until {until}; refusing to give it to {wanted}")]
    Taken {
        addr: Ipv4Addr,
        /// Who holds it.
        holder: String,
        until: u64,
        /// Who was to get it.
        wanted: ClientKey,
    },
    /// The file could not be read.
    #[error("cannot read the lease file {path}: {source}")]
    Read { path: String, source: io::Error },
    /// The file is not a lease file we wrote.
    #[error(
        "the lease file {path} is damaged ({reason}). It lists which phones hold which addresses; \
         move it away to start with no leases (addresses in use are then found by probing)"
    )]
    Damaged {
        path: String,
        /// What is wrong.
        reason: String,
    },
}

/// The entries a lease file holds, taken by [`Leases::snapshot`].
#[derive(Clone, Debug)]
pub struct Snapshot(Vec<Lease>);

impl Snapshot {
    /// The file's bytes: one lease per line, sorted by address.
    pub fn to_file_bytes(mut self) -> Vec<u8> {
        self.0.sort_by_key(|l| u32::from(l.addr));
        let mut out =
            format!("{{\"format\":\"{FORMAT}\",\"version\":{VERSION},\"leases\":[\n").into_bytes();
        for (i, l) in self.0.into_iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(b",\n");
            }
            let line = FileLease {
                addr: l.addr,
                mac: l.mac.map(|m| m.to_string()),
                client_id: l.client_id.map(|id| id.to_string()),
                state: l.state,
                expires: l.expires,
                model: l.model,
            };
            // Writing to a Vec cannot fail, and a FileLease always serializes.
            let _ = serde_json::to_writer(&mut out, &line);
        }
        out.extend_from_slice(b"\n]}\n");
        out
    }
}

/// The lease table: one entry per address, and each client's address.
#[derive(Clone, Debug, Default)]
pub struct Leases {
    by_addr: HashMap<Ipv4Addr, Lease>,
    by_client: HashMap<IndexKey, Ipv4Addr>,
    cursor: u32,
    exhausted_until: u64,
    dirty: bool,
}

/// One line of the file.
#[derive(Debug, Serialize, Deserialize)]
struct FileLease {
    addr: Ipv4Addr,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mac: Option<String>,
    /// Option 61 as hex; absent in files from before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    state: State,
    expires: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    format: String,
    version: u32,
    leases: Vec<FileLease>,
}

impl Leases {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// The entry for `addr`.
    pub fn get(&self, addr: Ipv4Addr) -> Option<&Lease> {
        self.by_addr.get(&addr)
    }

    /// The entry `client` holds (offered or bound, live or lapsed): the one
    /// recorded with its identifier, else one recorded with its MAC and no
    /// identifier.
    pub fn of_client(&self, client: &ClientKey) -> Option<&Lease> {
        let by_id = client
            .id
            .as_ref()
            .and_then(|id| self.by_client.get(&IndexKey::Id(id.clone())));
        by_id
            .or_else(|| self.by_client.get(&IndexKey::Mac(client.mac)))
            .and_then(|a| self.by_addr.get(a))
    }

    /// The entry of the client `mac` that sends no option 61.
    pub fn of_mac(&self, mac: &Mac) -> Option<&Lease> {
        self.of_client(&ClientKey::mac(*mac))
    }

    /// Where the next scan of the range starts (an index into the range).
    pub fn cursor(&self) -> u32 {
        self.cursor
    }

    /// Until when a scan is known to find nothing.
    pub fn exhausted_until(&self) -> u64 {
        self.exhausted_until
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.by_addr.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_addr.is_empty()
    }

    /// Every entry, in no order.
    pub fn iter(&self) -> impl Iterator<Item = &Lease> {
        self.by_addr.values()
    }

    /// Whether something the file holds changed since [`Leases::mark_saved`].
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Records that the state on disk is stale (a write failed).
    pub fn force_dirty(&mut self) {
        self.dirty = true;
    }

    /// Records that the current state is on disk.
    pub fn mark_saved(&mut self) {
        self.dirty = false;
    }

    /// Whether `client` may be given `addr` at `now`: nobody holds it,
    /// `client` does, or the holder's entry has lapsed.
    pub fn is_free_for(&self, addr: Ipv4Addr, client: &ClientKey, now: u64) -> bool {
        match self.by_addr.get(&addr) {
            None => true,
            Some(l) => l.is_held_by(client) || !l.is_live(now),
        }
    }

    /// Applies one change made at `now`. Refuses to hand a live lease to a
    /// second MAC, whatever the policy says.
    pub fn apply(
        &mut self,
        change: Change,
        now: u64,
        config: &PolicyConfig,
    ) -> Result<(), LeaseError> {
        match change {
            Change::Offer {
                client,
                addr,
                until,
                checked,
                model,
            } => {
                let bound_before = self
                    .by_addr
                    .get(&addr)
                    .is_some_and(|l| l.state == State::Bound);
                self.take(addr, &client, now)?;
                self.put(Lease {
                    addr,
                    mac: Some(client.mac),
                    client_id: client.id,
                    state: State::Offered,
                    expires: until,
                    checked,
                    model,
                });
                self.dirty |= bound_before;
                self.advance_cursor(addr, config);
            }
            Change::Bind {
                client,
                addr,
                until,
                model,
            } => {
                let known = self
                    .by_addr
                    .get(&addr)
                    .filter(|l| l.is_held_by(&client))
                    .and_then(|l| l.model.clone());
                self.take(addr, &client, now)?;
                let model = model.or(known);
                self.put(Lease {
                    addr,
                    mac: Some(client.mac),
                    client_id: client.id,
                    state: State::Bound,
                    expires: until,
                    checked: true,
                    model,
                });
                self.dirty = true;
                self.advance_cursor(addr, config);
            }
            Change::Release { client, addr, at } => {
                if let Some(l) = self.by_addr.get_mut(&addr)
                    && l.is_held_by(&client)
                {
                    l.expires = l.expires.min(at);
                    self.dirty = true;
                    self.exhausted_until = 0;
                }
            }
            Change::Block { addr, by, until } => {
                self.remove_addr(addr);
                self.by_addr.insert(
                    addr,
                    Lease {
                        addr,
                        mac: by,
                        client_id: None,
                        state: State::Declined,
                        expires: until,
                        checked: false,
                        model: None,
                    },
                );
                self.dirty = true;
            }
            Change::Forget { client, addr } => {
                if self
                    .by_addr
                    .get(&addr)
                    .is_some_and(|l| l.is_held_by(&client) && l.state == State::Offered)
                {
                    self.remove_addr(addr);
                    self.exhausted_until = 0;
                }
            }
            Change::ProbeClear { addr } => {
                if let Some(l) = self.by_addr.get_mut(&addr) {
                    l.checked = true;
                }
            }
            Change::Exhausted { until } => self.exhausted_until = until,
        }
        Ok(())
    }

    /// Frees `addr` for `client` (dropping a lapsed holder) and drops
    /// `client`'s other entry, or refuses if someone else holds `addr` live.
    fn take(&mut self, addr: Ipv4Addr, client: &ClientKey, now: u64) -> Result<(), LeaseError> {
        if let Some(l) = self.by_addr.get(&addr) {
            let theirs = !l.is_held_by(client);
            if theirs && l.is_live(now) {
                return Err(LeaseError::Taken {
                    addr,
                    holder: l
                        .mac
                        .map_or_else(|| "an unknown host".into(), |m| m.to_string()),
                    until: l.expires,
                    wanted: client.clone(),
                });
            }
        }
        // The client's entries elsewhere: by its identifier, and one from
        // before identifiers were kept, by its MAC.
        let id_key = client.id.clone().map(IndexKey::Id);
        for key in id_key.into_iter().chain([IndexKey::Mac(client.mac)]) {
            let Some(&old) = self.by_client.get(&key) else {
                continue;
            };
            if old == addr {
                continue;
            }
            let was_bound = self
                .by_addr
                .get(&old)
                .is_some_and(|l| l.state == State::Bound);
            self.remove_addr(old);
            self.dirty |= was_bound;
        }
        // The entry at `addr` is dropped and made afresh, so that the index
        // follows when the key changes (an entry from before option 61
        // taken over by its client, which now sends one).
        if self.by_addr.contains_key(&addr) {
            self.remove_addr(addr);
        }
        Ok(())
    }

    fn put(&mut self, lease: Lease) {
        if let Some(key) = lease.index_key() {
            self.by_client.insert(key, lease.addr);
        }
        self.by_addr.insert(lease.addr, lease);
    }

    fn remove_addr(&mut self, addr: Ipv4Addr) {
        if let Some(old) = self.by_addr.remove(&addr)
            && let Some(key) = old.index_key()
            && self.by_client.get(&key) == Some(&addr)
        {
            self.by_client.remove(&key);
        }
    }

    fn advance_cursor(&mut self, addr: Ipv4Addr, config: &PolicyConfig) {
        if let Some(i) = config.range.index_of(addr) {
            self.cursor = (i + 1) % config.range.len();
        }
    }

    /// What the file holds (bound and declined entries), copied cheaply so
    /// that the encoding can happen off the server loop.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot(
            self.by_addr
                .values()
                .filter(|l| l.state != State::Offered)
                .cloned()
                .collect(),
        )
    }

    /// The file's bytes: bound and declined entries, sorted by address.
    pub fn to_file_bytes(&self) -> Vec<u8> {
        self.snapshot().to_file_bytes()
    }

    /// Reads a table from the file's bytes. Entries outside the served subnet
    /// are dropped (the configuration changed); of two entries for one address
    /// or one MAC, the later-expiring one is kept.
    pub fn from_file_bytes(
        bytes: &[u8],
        config: &PolicyConfig,
        path: &Path,
    ) -> Result<(Self, Vec<String>), LeaseError> {
        let damaged = |reason: String| LeaseError::Damaged {
            path: path.display().to_string(),
            reason,
        };
        let file: File = serde_json::from_slice(bytes).map_err(|e| damaged(e.to_string()))?;
        if file.format != FORMAT {
            return Err(damaged(format!("its format is `{}`", file.format)));
        }
        if file.version != VERSION {
            return Err(damaged(format!(
                "version {} (this build reads {VERSION})",
                file.version
            )));
        }
        let mut notes = Vec::new();
        let mut leases = Leases::new();
        let mut entries = file.leases;
        // Latest expiry last, so that it wins.
        entries.sort_by_key(|l| l.expires);
        for f in entries {
            if f.state == State::Offered {
                continue;
            }
            if !config.subnet.contains(f.addr) {
                notes.push(format!(
                    "dropped the lease of {} (not in {} any more)",
                    f.addr, config.subnet
                ));
                continue;
            }
            let mac = match f.mac.as_deref().map(str::parse::<Mac>) {
                None => None,
                Some(Ok(mac)) => Some(mac),
                Some(Err(e)) => return Err(damaged(e.to_string())),
            };
            let client_id = match f.client_id.as_deref().map(str::parse::<ClientId>) {
                None => None,
                Some(Ok(id)) => Some(id),
                Some(Err(e)) => return Err(damaged(e.to_string())),
            };
            leases.remove_addr(f.addr);
            let lease = Lease {
                addr: f.addr,
                mac,
                client_id,
                state: f.state,
                expires: f.expires,
                checked: true,
                model: f.model.map(|m| m.chars().take(32).collect()),
            };
            if let Some(key) = lease.index_key()
                && f.state == State::Bound
                && let Some(&old) = leases.by_client.get(&key)
            {
                leases.remove_addr(old);
            }
            leases.put(lease);
        }
        Ok((leases, notes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{bind, ip, lease_config as config, mac};

    #[test]
    fn one_address_per_mac_and_one_mac_per_address() {
        let c = config();
        let mut t = Leases::new();
        t.apply(bind(mac(1), ip(100), 1000), 0, &c).unwrap();
        t.apply(bind(mac(1), ip(101), 1000), 0, &c).unwrap();
        assert_eq!(t.len(), 1, "moving a client drops its old entry");
        assert_eq!(t.of_mac(&mac(1)).unwrap().addr, ip(101));
        assert_eq!(t.cursor(), 2);

        let err = t.apply(bind(mac(2), ip(101), 900), 500, &c).unwrap_err();
        assert!(matches!(err, LeaseError::Taken { .. }), "{err}");
        assert!(t.is_free_for(ip(101), &ClientKey::mac(mac(1)), 500));
        assert!(!t.is_free_for(ip(101), &ClientKey::mac(mac(2)), 500));
        assert!(
            t.is_free_for(ip(101), &ClientKey::mac(mac(2)), 1000),
            "lapsed at 1000"
        );
        t.apply(bind(mac(2), ip(101), 5000), 1000, &c).unwrap();
        assert_eq!(t.of_mac(&mac(1)), None, "the lapsed holder lost it");
        assert_eq!(t.of_mac(&mac(2)).unwrap().addr, ip(101));
    }

    #[test]
    fn releases_lapse_and_blocks_skip() {
        let c = config();
        let mut t = Leases::new();
        t.apply(bind(mac(1), ip(100), 1000), 0, &c).unwrap();
        t.apply(
            Change::Release {
                client: ClientKey::mac(mac(2)),
                addr: ip(100),
                at: 10,
            },
            10,
            &c,
        )
        .unwrap();
        assert_eq!(
            t.get(ip(100)).unwrap().expires,
            1000,
            "only the holder releases"
        );
        t.apply(
            Change::Release {
                client: ClientKey::mac(mac(1)),
                addr: ip(100),
                at: 10,
            },
            10,
            &c,
        )
        .unwrap();
        assert_eq!(t.get(ip(100)).unwrap().expires, 10);
        assert_eq!(
            t.of_mac(&mac(1)).unwrap().addr,
            ip(100),
            "remembered for the client"
        );

        t.apply(
            Change::Block {
                addr: ip(100),
                by: Some(mac(1)),
                until: 700,
            },
            10,
            &c,
        )
        .unwrap();
        assert_eq!(t.of_mac(&mac(1)), None);
        assert!(
            !t.is_free_for(ip(100), &ClientKey::mac(mac(1)), 600),
            "even the decliner skips it"
        );
        assert!(t.is_free_for(ip(100), &ClientKey::mac(mac(1)), 700));
    }

    #[test]
    fn a_file_with_duplicates_and_strangers_is_cleaned() {
        let c = config();
        let bytes = br#"{"format":"lifeline-dhcp-leases","version":1,"leases":[
            {"addr":"10.0.0.100","mac":"001B54000001","state":"bound","expires":50},
            {"addr":"10.0.0.100","mac":"001B54000002","state":"bound","expires":90},
            {"addr":"10.0.0.101","mac":"001B54000002","state":"bound","expires":80},
            {"addr":"10.9.9.9","mac":"001B54000003","state":"bound","expires":80}]}"#;
        let (t, notes) = Leases::from_file_bytes(bytes, &c, Path::new("x")).unwrap();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(t.len(), 1);
        assert_eq!(t.of_mac(&mac(2)).unwrap().addr, ip(100));
        assert_eq!(t.of_mac(&mac(1)), None);
    }
}
