//! A hex or decimal value, as typed for tftpd32/tftpd64, read back into the address it
//! really puts on the wire, with what was probably meant when it looks mistyped.

use super::LittleEndian;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::net::Ipv4Addr;
use thiserror::Error;

/// What a hex or decimal value puts on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decoded {
    /// The value as typed.
    pub input: String,
    /// As a 32-bit number.
    pub value: u32,
    /// The address sent when the value is stored little-endian (tftpd32 `x`/`i`).
    pub little_endian: Ipv4Addr,
    /// The address sent when the value is read in network order.
    pub network_order: Ipv4Addr,
    /// Likely intended addresses when the value looks mistyped (a dropped zero).
    pub likely: Vec<LittleEndian>,
    /// The verdict in one sentence.
    pub message: String,
}

/// Why a value could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Not hex or decimal.
    #[error("`{0}` is not a number: give hex (0x690AA8C0) or decimal (1762306240)")]
    NotANumber(String),
    /// More than 32 bits.
    #[error("`{0}` does not fit in 32 bits: one IPv4 address is 8 hex digits at most")]
    TooLarge(String),
}

/// Reads a hex (`0x69AA8C0`, `69aa8c0h`) or decimal (`1762306240`) value and says
/// which address it puts on the wire in each byte order, and what was probably meant.
pub fn decode(input: &str) -> Result<Decoded, DecodeError> {
    let raw = input.trim();
    let lower = raw.to_ascii_lowercase().replace(['_', ' '], "");
    let (digits, hex) = if let Some(h) = lower.strip_prefix("0x") {
        (h.to_string(), true)
    } else if let Some(h) = lower.strip_suffix('h') {
        (h.to_string(), true)
    } else if lower.bytes().all(|b| b.is_ascii_digit()) {
        (lower.clone(), false)
    } else {
        (lower.clone(), true)
    };
    if digits.is_empty() || (hex && !digits.bytes().all(|b| b.is_ascii_hexdigit())) {
        return Err(DecodeError::NotANumber(raw.to_string()));
    }
    let value = if hex {
        let d = digits.trim_start_matches('0');
        if d.len() > 8 {
            return Err(DecodeError::TooLarge(raw.to_string()));
        }
        u32::from_str_radix(if d.is_empty() { "0" } else { d }, 16)
            .map_err(|_| DecodeError::NotANumber(raw.to_string()))?
    } else {
        digits
            .parse::<u64>()
            .ok()
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| DecodeError::TooLarge(raw.to_string()))?
    };
    let little_endian = Ipv4Addr::from(value.to_le_bytes());
    let network_order = Ipv4Addr::from(value.to_be_bytes());

    // The common mistake: each octet converted to hex without its leading zero
    // (10 → A instead of 0A), so the number has fewer than 8 digits. Try every
    // way to split the digits into four 1–2 digit octets.
    let mut likely: Vec<LittleEndian> = Vec::new();
    if hex && digits.len() < 8 && digits.len() >= 4 {
        let d = digits.as_bytes();
        let mut splits = Vec::new();
        split_octets(d, &mut Vec::new(), &mut splits);
        for octets in splits {
            // Written in reverse (tftpd32 style): the last group is the first octet.
            let addr = Ipv4Addr::new(octets[3], octets[2], octets[1], octets[0]);
            if addr != little_endian
                && addr.is_private()
                && !likely.iter().any(|l| l.address == addr)
            {
                likely.push(LittleEndian::of(addr));
            }
        }
    }
    let shown = if hex {
        format!("0x{}", digits.to_ascii_uppercase())
    } else {
        raw.to_string()
    };
    let mut message = format!("{shown} sends {little_endian} as little-endian");
    if let [only] = likely.as_slice() {
        let _ = write!(
            message,
            "; you probably meant {} = {}",
            only.hex, only.address
        );
    } else if !likely.is_empty() {
        let _ = write!(
            message,
            "; you probably meant one of {}",
            likely
                .iter()
                .map(|l| format!("{} = {}", l.hex, l.address))
                .collect::<Vec<_>>()
                .join(", ")
        );
    } else {
        let _ = write!(message, " ({network_order} if read in network order)");
    }
    Ok(Decoded {
        input: raw.to_string(),
        value,
        little_endian,
        network_order,
        likely,
        message,
    })
}

fn split_octets(rest: &[u8], acc: &mut Vec<u8>, out: &mut Vec<[u8; 4]>) {
    if acc.len() == 4 {
        if rest.is_empty() {
            out.push([acc[0], acc[1], acc[2], acc[3]]);
        }
        return;
    }
    for take in 1..=2usize.min(rest.len()) {
        let s = std::str::from_utf8(&rest[..take]).unwrap_or("0");
        if let Ok(v) = u8::from_str_radix(s, 16) {
            acc.push(v);
            split_octets(&rest[take..], acc, out);
            acc.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn decodes_the_folklore_value() {
        let d = decode("0x69AA8C0").unwrap();
        assert_eq!(d.little_endian, ip("192.168.154.6"));
        assert_eq!(d.likely.len(), 1);
        assert_eq!(d.likely[0].address, ip("192.168.10.105"));
        assert_eq!(
            d.message,
            "0x69AA8C0 sends 192.168.154.6 as little-endian; you probably meant 0x690AA8C0 = 192.168.10.105"
        );
    }

    #[test]
    fn decodes_right_values_both_ways() {
        let d = decode("0x690AA8C0").unwrap();
        assert_eq!(d.little_endian, ip("192.168.10.105"));
        assert_eq!(d.network_order, ip("105.10.168.192"));
        assert!(d.likely.is_empty());
        let d = decode("1762306240").unwrap();
        assert_eq!(d.little_endian, ip("192.168.10.105"));
        let d = decode("C0A80A69").unwrap();
        assert_eq!(d.network_order, ip("192.168.10.105"));
        assert!(decode("0xZZ").is_err());
        assert!(decode("0x1234567890").is_err());
        assert!(decode("99999999999").is_err());
        assert!(decode("").is_err());
    }
}
