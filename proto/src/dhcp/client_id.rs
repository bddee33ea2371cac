//! Who a lease belongs to (RFC 2131 §4.2): the client identifier (option 61)
//! when the client sends one, its hardware address (`chaddr`) otherwise.
//!
//! A [`ClientKey`] carries both: the MAC names the phone in events and files
//! (`SEP<MAC>`), the identifier, when present, decides whose a lease is. An
//! entry written before identifiers were kept (it has a MAC and no
//! identifier) still belongs to the client with that MAC, whatever identifier
//! it sends now, so a lease file from an older helper keeps every phone's
//! address; the next binding records the identifier.

use std::fmt;
use std::str::FromStr;

use lifeline_shared::config::mac::Mac;

/// Option 61 holds at most this much (one option's worth).
pub const MAX_LEN: usize = 255;
/// Option 61 holds at least this much (a type byte and one more, RFC 2132 §9.14).
pub const MIN_LEN: usize = 2;

/// A client identifier (option 61's data: a type byte, then the identifier).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientId(Vec<u8>);

impl ClientId {
    /// The identifier in `data`, or `None` when it is shorter than
    /// [`MIN_LEN`] or longer than [`MAX_LEN`] bytes.
    pub fn new(data: &[u8]) -> Option<Self> {
        (MIN_LEN..=MAX_LEN)
            .contains(&data.len())
            .then(|| ClientId(data.to_vec()))
    }

    /// Its bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Lower-case hex, two digits a byte: `01001b54aabbcc`.
impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// Why text is not a client identifier.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a client identifier (option 61): expected {MIN_LEN} to {MAX_LEN} bytes as hex digits"
)]
pub struct BadClientId(pub String);

impl FromStr for ClientId {
    type Err = BadClientId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadClientId(s.chars().take(64).collect());
        if !s.len().is_multiple_of(2) || !s.is_ascii() {
            return Err(bad());
        }
        let bytes = (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| bad())?;
        ClientId::new(&bytes).ok_or_else(bad)
    }
}

/// A client as the lease table knows it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientKey {
    /// `chaddr`.
    pub mac: Mac,
    /// Option 61, when sent.
    pub id: Option<ClientId>,
}

impl ClientKey {
    /// A client known by its MAC only.
    pub fn mac(mac: Mac) -> Self {
        ClientKey { mac, id: None }
    }

    /// Whether this client holds an entry recorded with `mac` and `id`: the
    /// same identifier when the entry has one, else the same MAC.
    pub fn holds(&self, mac: Option<&Mac>, id: Option<&ClientId>) -> bool {
        match id {
            Some(id) => self.id.as_ref() == Some(id),
            None => mac == Some(&self.mac),
        }
    }
}

impl fmt::Display for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{} (client id {id})", self.mac),
            None => write!(f, "{}", self.mac),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_round_trip_as_hex_and_odd_ones_are_refused() {
        let id = ClientId::new(&[1, 0, 0x1b, 0x54, 0xaa, 0xbb, 0xcc]).unwrap();
        assert_eq!(id.to_string(), "01001b54aabbcc");
        assert_eq!("01001b54aabbcc".parse::<ClientId>().unwrap(), id);
        assert_eq!("01001B54AABBCC".parse::<ClientId>().unwrap(), id);
        for bad in ["", "0", "01", "0g", "01001", "ü1"] {
            let err = bad.parse::<ClientId>().unwrap_err();
            assert!(err.to_string().contains("option 61"), "{err}");
        }
        assert_eq!(ClientId::new(&[1]), None, "shorter than RFC 2132 allows");
        assert_eq!(ClientId::new(&[0; 256]), None);
        assert!(ClientId::new(&[0; 255]).is_some());
    }

    #[test]
    fn an_identifier_decides_and_an_entry_without_one_goes_by_mac() {
        let mac = Mac([0, 0x1b, 0x54, 0, 0, 1]);
        let other = Mac([0, 0x1b, 0x54, 0, 0, 2]);
        let id = ClientId::new(b"\x00phone-1").unwrap();
        let with_id = ClientKey {
            mac,
            id: Some(id.clone()),
        };
        assert!(
            with_id.holds(Some(&other), Some(&id)),
            "the id, whatever the MAC"
        );
        assert!(with_id.holds(Some(&mac), None), "an entry from before ids");
        assert!(!ClientKey::mac(mac).holds(Some(&mac), Some(&id)));
        assert!(!with_id.holds(None, None));
        assert_eq!(
            with_id.to_string(),
            "001B54000001 (client id 0070686f6e652d31)"
        );
    }
}
