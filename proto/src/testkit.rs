//! Fixtures for tests here and in the helper (feature `testkit`): for the
//! lease table a small pool on 10.0.0.0/24, Cisco-looking MACs and bindings;
//! for the neighbour listener, announcements of real phones.

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

/// What three real phones announced, as switches printed it (`show cdp
/// neighbors detail` in public posts): a 7941 on SCCP41.8-2-1S drawing 6.3 W
/// from FastEthernet0/15, a 7942 on SCCP42.8-4-2S; and a 7965 on SIP (made up
/// from the same shape, for a third model and protocol). The frames built from
/// them are checked against tshark's CDP and LLDP dissectors in the helper's
/// tests.
pub fn announcements() -> Vec<crate::neighbour::Announcement> {
    use crate::neighbour::Announcement;
    let phone = |mac: [u8; 6], platform: &str, software: &str, address: [u8; 4]| Announcement {
        source: Mac(mac),
        name: Some(Mac(mac).sep_name()),
        platform: Some(platform.to_string()),
        software: Some(software.to_string()),
        port: Some("Port 1".into()),
        native_vlan: None,
        voice_vlan: Some(110),
        power_mw: Some(6300),
        ttl: 180,
        address: Some(Ipv4Addr::from(address)),
        ..Announcement::default()
    };
    vec![
        phone(
            [0x00, 0x1f, 0x9e, 0xab, 0x59, 0xf1],
            "Cisco IP Phone 7941",
            "SCCP41.8-2-1S",
            [10, 243, 14, 48],
        ),
        phone(
            [0x00, 0x21, 0xd8, 0xba, 0x09, 0x65],
            "Cisco IP Phone 7942",
            "SCCP42.8-4-2S",
            [172, 30, 6, 12],
        ),
        phone(
            [0x00, 0x1b, 0x54, 0x00, 0x79, 0x65],
            "Cisco IP Phone 7965",
            "SIP45.9-4-2SR3-1S",
            [10, 0, 0, 65],
        ),
    ]
}
