//! Fixtures for tests of the lease table, here and in the helper (feature
//! `testkit`): a small pool on 10.0.0.0/24, Cisco-looking MACs and bindings.

use std::net::Ipv4Addr;

use lifeline_shared::config::mac::Mac;

use crate::dhcp::client_id::ClientKey;
use crate::dhcp::config::{PolicyConfig, PolicyInputs};
use crate::dhcp::leases::Change;

/// A policy handing out 10.0.0.100 to 10.0.0.109 (see
/// [`PolicyInputs::for_tests`]).
pub fn lease_config() -> PolicyConfig {
    PolicyConfig::new(PolicyInputs::for_tests("10.0.0.100-10.0.0.109")).expect("a test pool")
}

/// The MAC 00:1b:54:00:00:`n` (a Cisco OUI).
pub fn mac(n: u8) -> Mac {
    Mac([0x00, 0x1b, 0x54, 0, 0, n])
}

/// The address 10.0.0.`n`.
pub fn ip(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(10, 0, 0, n)
}

/// A 7961 bound to `addr` until `until` (seconds since the Unix epoch).
pub fn bind(mac: Mac, addr: Ipv4Addr, until: u64) -> Change {
    Change::Bind {
        client: ClientKey::mac(mac),
        addr,
        until,
        model: Some("7961".into()),
    }
}
