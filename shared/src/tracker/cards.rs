//! Which card a request belongs to: by MAC once anything revealed it, else by
//! address and start (see the module above).

use std::net::Ipv4Addr;

use super::{Phone, Tracker};
use crate::config::mac::mac_in_name;
use crate::events::PhoneState;

impl Tracker {
    /// The card of a DHCP client: by MAC; a card seen first by the address it
    /// was given is renamed, so one phone keeps one card.
    pub(super) fn phone_by_mac(
        &mut self,
        now: u64,
        mac: &str,
        address: Option<Ipv4Addr>,
    ) -> String {
        let key = format!("SEP{mac}");
        if let Some(a) = address
            && let Some(old) = self.by_address.get(&a).cloned()
            && !old.starts_with("SEP")
        {
            self.rename(&old, &key);
        }
        if let Some(a) = address {
            self.by_address.insert(a, key.clone());
        }
        self.phones
            .entry(key.clone())
            .or_insert_with(|| Phone::new(now, key.clone(), Some(mac), address));
        key
    }

    /// Gives the card `old` the id `new`, unless a card `new` exists.
    pub(super) fn rename(&mut self, old: &str, new: &str) {
        if self.phones.contains_key(new) {
            return;
        }
        if let Some(mut p) = self.phones.remove(old) {
            p.summary.id = new.to_string();
            p.summary.sequence = 0;
            self.phones.insert(new.to_string(), p);
            self.renamed = Some((old.to_string(), new.to_string()));
        }
    }

    /// The card a TFTP request for `file` from `address` goes to.
    pub(super) fn phone_for_request(
        &mut self,
        now: u64,
        address: Option<Ipv4Addr>,
        file: &str,
    ) -> String {
        let Some(a) = address else {
            return self.phone_at(now, None);
        };
        if let Some(mac) = mac_in_name(file) {
            let key = format!("SEP{mac}");
            // The address's card is this phone when it is brand new, or
            // back after its download; mid-way it is another phone or start.
            if let Some(old) = self.by_address.get(&a).cloned()
                && !old.starts_with("SEP")
                && let Some(p) = self.phones.get(&old)
                && (p.summary.state == PhoneState::Done
                    || (p.summary.state == PhoneState::Waiting && p.summary.files.is_empty()))
            {
                self.rename(&old, &key);
            }
            self.by_address.insert(a, key.clone());
            let p = self
                .phones
                .entry(key.clone())
                .or_insert_with(|| Phone::new(now, key.clone(), Some(&mac), Some(a)));
            p.summary.mac = Some(mac);
            p.summary.address = Some(a);
            return key;
        }
        let lower = file.trim_start_matches(['/', '\\']).to_ascii_lowercase();
        let first_file = self.catalog.manifests.contains_key(&lower)
            || crate::advice::recovery_manifest_of(&lower).is_some();
        match self.by_address.get(&a).cloned() {
            Some(key) if first_file => {
                let again = self
                    .phones
                    .get(&key)
                    .is_some_and(|p| p.starts_over_with(&lower));
                if !again {
                    key
                } else if key.starts_with("SEP") {
                    // The MAC says it is the same phone: its card starts over.
                    let p = self.phones.get_mut(&key).expect("by_address names a card");
                    p.start_over(now);
                    p.summary.first_seen_ms = now;
                    key
                } else {
                    self.phone_at(now, Some(a))
                }
            }
            Some(key) => key,
            None => self.phone_at(now, Some(a)),
        }
    }

    /// A new card for the next start seen at `address`.
    pub(super) fn phone_at(&mut self, now: u64, address: Option<Ipv4Addr>) -> String {
        let Some(a) = address else {
            let key = "unknown".to_string();
            self.phones
                .entry(key.clone())
                .or_insert_with(|| Phone::new(now, key.clone(), None, None));
            return key;
        };
        let n = self.starts.entry(a).or_insert(0);
        // Past a card of this address kept while its count was dropped
        // (see `Tracker::bound`), never over it.
        let key = loop {
            *n += 1;
            let key = if *n == 1 {
                a.to_string()
            } else {
                format!("{a}#{n}")
            };
            if !self.phones.contains_key(&key) {
                break key;
            }
        };
        let mut p = Phone::new(now, key.clone(), None, Some(a));
        p.summary.sequence = *n;
        self.phones.insert(key.clone(), p);
        self.by_address.insert(a, key.clone());
        key
    }

    /// The card the address's requests go to now, or a new one.
    pub(super) fn phone_of(&mut self, now: u64, address: Option<Ipv4Addr>) -> String {
        match address.and_then(|a| self.by_address.get(&a)).cloned() {
            Some(key) => key,
            None => self.phone_at(now, address),
        }
    }
}
