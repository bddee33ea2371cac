//! What a phone announces over CDP or LLDP-MED, as an event and on its card.

use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

/// What a phone announced about itself over CDP or LLDP-MED: who it is and
/// what it runs, before (or without) any DHCP or TFTP.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announced {
    /// `CDPv2`, `LLDP-MED`, …
    pub via: String,
    /// Its name (`SEP<MAC>`).
    pub name: Option<String>,
    /// Its platform or model name (`Cisco IP Phone 7961`, `CP-7961G`).
    pub platform: Option<String>,
    /// The load it runs (`SCCP41.8-5-2S`), when its software field is one.
    pub load: Option<String>,
    /// That load's version (`8.5(2)`).
    pub version: Option<String>,
    /// The switch port it announces (its own port name, as it sends it).
    pub port: Option<String>,
    pub native_vlan: Option<u16>,
    pub voice_vlan: Option<u16>,
    /// Power it draws or asks for, in milliwatts.
    pub power_mw: Option<u32>,
    /// How long the announcement holds, in seconds.
    pub ttl: u16,
    /// When it was heard (ms since the tracker's epoch; set by the tracker).
    #[serde(default)]
    pub heard_ms: u64,
    /// Its load against the bundle's, in words, when that matters before a
    /// reset: already on it, or a hop Cisco requires first (set by the tracker).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A phone announced itself (CDP or LLDP-MED).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeighbourHeard {
    /// 12 upper-case hex digits.
    pub mac: String,
    /// Its model, when the catalogue knows the platform it names.
    pub model: Option<String>,
    /// Its IPv4 address, when it gave one.
    pub address: Option<Ipv4Addr>,
    /// What it said.
    #[serde(flatten)]
    pub announced: Announced,
}
