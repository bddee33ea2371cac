//! Option 150: the list of TFTP servers a Cisco phone boots from.
//!
//! On the wire it is code 150, a length, then each IPv4 address in network byte
//! order (`96 04 C0 A8 0A 69` for 192.168.10.105), at most 63 addresses. Every
//! DHCP server spells it differently; [`snippet`] writes each one, with option 66
//! (the first address as text) wherever that server needs it written separately.
//!
//! The "hex in reverse" folklore comes from tftpd32/tftpd64, whose `x`/`i` value
//! prefixes store a 32-bit number in x86 (little-endian) byte order. [`decode`]
//! reads such a value back and says which address it really puts on the wire.
//!
//! # Layout
//!
//! - this module: the address list ([`parse_list`]) and its encodings ([`encode`],
//!   [`decode_wire`]).
//! - `servers`: [`Server`] and the ready-to-paste [`snippet`] for each.
//! - `decode`: [`decode`], a typed hex or decimal value read back into addresses.

mod decode;
mod servers;

pub use decode::{DecodeError, Decoded, decode};
pub use servers::{Server, Snippet, snippet};

use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;
use thiserror::Error;

/// The option code.
pub const CODE: u8 = 150;
/// At most this many addresses fit (4 × 63 = 252 bytes).
pub const MAX_ADDRESSES: usize = 63;

/// Why an address list was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ListError {
    /// Nothing given.
    #[error("enter at least one TFTP server address, e.g. 192.168.10.105")]
    Empty,
    /// A part that is not an IPv4 address.
    #[error("`{part}` is not an IPv4 address: {reason}")]
    BadAddress {
        /// The part as typed.
        part: String,
        /// What is wrong with it.
        reason: String,
    },
    /// More than [`MAX_ADDRESSES`].
    #[error(
        "{count} addresses do not fit in option 150 (at most {MAX_ADDRESSES}); keep the servers phones really use"
    )]
    TooMany {
        /// How many were given.
        count: usize,
    },
}

/// An address that is accepted but is probably not what a person wants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressWarning {
    pub address: Ipv4Addr,
    /// Why it is odd.
    pub message: String,
}

/// A checked list of TFTP server addresses, in priority order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerList {
    /// The addresses, first = preferred.
    pub addresses: Vec<Ipv4Addr>,
    /// Odd but accepted addresses.
    pub warnings: Vec<AddressWarning>,
}

fn why_not_ipv4(part: &str) -> String {
    let pieces: Vec<&str> = part.split('.').collect();
    if part.parse::<std::net::Ipv6Addr>().is_ok() {
        return "it is an IPv6 address, and option 150 carries IPv4 addresses only: give the TFTP server's IPv4 address".into();
    }
    if part.chars().any(|c| c.is_ascii_alphabetic()) && !part.starts_with("0x") {
        return "it looks like a host name; phones need the numeric address (option 150 carries addresses only)".into();
    }
    if pieces.len() != 4 {
        return format!(
            "an IPv4 address has four numbers separated by dots; this has {}",
            pieces.len()
        );
    }
    for p in &pieces {
        if p.is_empty() {
            return "one of its four numbers is empty".into();
        }
        match p.parse::<u32>() {
            Ok(n) if n > 255 => return format!("{n} is larger than 255"),
            Ok(_) if p.len() > 1 && p.starts_with('0') => {
                return format!(
                    "`{p}` has a leading zero, which some tools read as octal; write it without"
                );
            }
            Ok(_) => {}
            Err(_) => return format!("`{p}` is not a number"),
        }
    }
    "it is not a valid address".into()
}

/// Reads a list of IPv4 addresses separated by commas, spaces or newlines.
pub fn parse_list(input: &str) -> Result<ServerList, ListError> {
    let parts: Vec<&str> = input
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return Err(ListError::Empty);
    }
    if parts.len() > MAX_ADDRESSES {
        return Err(ListError::TooMany { count: parts.len() });
    }
    let mut addresses = Vec::with_capacity(parts.len());
    let mut warnings = Vec::new();
    for part in parts {
        let addr: Ipv4Addr = part.parse().map_err(|_| ListError::BadAddress {
            part: part.to_string(),
            reason: why_not_ipv4(part),
        })?;
        let odd = if addr.is_unspecified() {
            Some("0.0.0.0 is \"no address\": a phone cannot reach a TFTP server there")
        } else if addr.is_broadcast() {
            Some("255.255.255.255 is the broadcast address, not a TFTP server")
        } else if addr.is_multicast() {
            Some("this is a multicast address, not a TFTP server")
        } else if addr.is_loopback() {
            Some(
                "this is a loopback address: every phone would look for the TFTP server inside itself",
            )
        } else {
            None
        };
        if let Some(message) = odd {
            warnings.push(AddressWarning {
                address: addr,
                message: message.into(),
            });
        }
        if addresses.contains(&addr) {
            warnings.push(AddressWarning {
                address: addr,
                message: "this address is listed twice".into(),
            });
        }
        addresses.push(addr);
    }
    Ok(ServerList {
        addresses,
        warnings,
    })
}

/// Option 150 for one address list, in every form people need.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Encoding {
    pub addresses: Vec<Ipv4Addr>,
    /// Code, length and data: `96 04 C0 A8 0A 69`.
    pub wire: Vec<u8>,
    /// [`Encoding::wire`] as spaced hex.
    pub wire_hex: String,
    /// The data in network order: `C0A80A69` (several addresses concatenated).
    pub network_hex: String,
    /// Per address, the little-endian 32-bit value tftpd32/tftpd64's `x`/`i` prefixes want.
    pub little_endian: Vec<LittleEndian>,
}

/// One address as a little-endian 32-bit number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LittleEndian {
    pub address: Ipv4Addr,
    /// `0x690AA8C0`.
    pub hex: String,
    /// `1762306240`.
    pub decimal: u32,
}

impl LittleEndian {
    /// The address as the little-endian number that puts it on the wire.
    pub fn of(address: Ipv4Addr) -> Self {
        let v = u32::from_le_bytes(address.octets());
        LittleEndian {
            address,
            hex: format!("0x{v:08X}"),
            decimal: v,
        }
    }
}

/// Encodes an address list.
pub fn encode(addresses: &[Ipv4Addr]) -> Encoding {
    let mut wire = vec![CODE, (addresses.len() * 4) as u8];
    for a in addresses {
        wire.extend(a.octets());
    }
    let wire_hex = wire
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ");
    let network_hex = wire[2..].iter().map(|b| format!("{b:02X}")).collect();
    let little_endian = addresses.iter().map(|a| LittleEndian::of(*a)).collect();
    Encoding {
        addresses: addresses.to_vec(),
        wire,
        wire_hex,
        network_hex,
        little_endian,
    }
}

/// Reads option 150's data bytes (without code and length) back into addresses.
pub fn decode_wire(data: &[u8]) -> Option<Vec<Ipv4Addr>> {
    if data.is_empty() || !data.len().is_multiple_of(4) || data.len() > MAX_ADDRESSES * 4 {
        return None;
    }
    Some(
        data.chunks_exact(4)
            .map(|c| Ipv4Addr::new(c[0], c[1], c[2], c[3]))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn encodes_the_doc_example() {
        let e = encode(&[ip("192.168.10.105")]);
        assert_eq!(e.wire, [0x96, 0x04, 0xC0, 0xA8, 0x0A, 0x69]);
        assert_eq!(e.wire_hex, "96 04 C0 A8 0A 69");
        assert_eq!(e.network_hex, "C0A80A69");
        assert_eq!(e.little_endian[0].hex, "0x690AA8C0");
        assert_eq!(e.little_endian[0].decimal, 1_762_306_240);
    }

    #[test]
    fn several_addresses_keep_their_order() {
        let list = parse_list("192.168.10.105, 10.0.0.2 172.16.0.9").unwrap();
        let e = encode(&list.addresses);
        assert_eq!(e.wire[1], 12);
        assert_eq!(e.network_hex, "C0A80A690A000002AC100009");
        assert_eq!(decode_wire(&e.wire[2..]).unwrap(), list.addresses);
    }

    #[test]
    fn bad_parts_are_named() {
        for (input, part, says) in [
            ("192.168.10.256", "192.168.10.256", "256 is larger than 255"),
            ("192.168.10", "192.168.10", "four numbers"),
            (
                "10.0.0.1, tftp.example.com",
                "tftp.example.com",
                "host name",
            ),
            ("192.168.010.5", "192.168.010.5", "leading zero"),
            ("fe80::1", "fe80::1", "it is an IPv6 address"),
            ("2001:db8::69", "2001:db8::69", "IPv4 addresses only"),
        ] {
            match parse_list(input) {
                Err(ListError::BadAddress { part: p, reason }) => {
                    assert_eq!(p, part);
                    assert!(reason.contains(says), "{input}: {reason}");
                }
                other => panic!("{input}: {other:?}"),
            }
        }
        assert_eq!(parse_list(" , ").unwrap_err(), ListError::Empty);
        let many = (0..64)
            .map(|i| format!("10.0.0.{i}"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(
            parse_list(&many).unwrap_err(),
            ListError::TooMany { count: 64 }
        );
        let max = (0..63)
            .map(|i| format!("10.0.0.{i}"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(encode(&parse_list(&max).unwrap().addresses).wire[1], 252);
    }

    #[test]
    fn odd_addresses_are_accepted_with_a_warning() {
        for a in ["0.0.0.0", "255.255.255.255", "224.0.0.1", "127.0.0.1"] {
            let l = parse_list(a).unwrap();
            assert_eq!(l.addresses, [ip(a)]);
            assert_eq!(l.warnings.len(), 1, "{a}");
        }
        assert!(parse_list("192.168.1.1").unwrap().warnings.is_empty());
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn wire_bytes_decode_to_the_input(raw in proptest::collection::vec(any::<u32>(), 1..=MAX_ADDRESSES)) {
                let addrs: Vec<Ipv4Addr> = raw.into_iter().map(Ipv4Addr::from).collect();
                let text = addrs.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", ");
                let list = parse_list(&text).unwrap();
                prop_assert_eq!(&list.addresses, &addrs);
                let e = encode(&list.addresses);
                prop_assert_eq!(usize::from(e.wire[1]), addrs.len() * 4);
                prop_assert_eq!(decode_wire(&e.wire[2..]).unwrap(), addrs.clone());
                for le in &e.little_endian {
                    let d = decode(&le.hex).unwrap();
                    prop_assert_eq!(d.little_endian, le.address);
                    let d = decode(&le.decimal.to_string()).unwrap();
                    prop_assert_eq!(d.little_endian, le.address);
                }
            }
        }
    }
}
