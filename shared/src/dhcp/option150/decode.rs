//! A hex or decimal value, as typed for tftpd32/tftpd64, read back into the address it
//! really puts on the wire, with what was probably meant when it looks mistyped; or
//! option 150's own bytes, as this crate writes them, read back into their addresses.

use super::{CODE, LittleEndian, decode_wire};
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
    /// The addresses it sends when the value is option 150's bytes rather than
    /// one 32-bit number: code, length and data (`96 04 C0 A8 0A 69`), or the
    /// data of several addresses in network order (`C0A80A69C0A80A6A`). The
    /// number fields then describe the first address's four bytes. Empty for a
    /// 32-bit number.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sends: Vec<Ipv4Addr>,
}

/// Why a value could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Not hex or decimal.
    #[error("`{0}` is not a number: give hex (0x690AA8C0) or decimal (1762306240)")]
    NotANumber(String),
    /// More than 32 bits.
    #[error(
        "`{0}` does not fit in 32 bits: one IPv4 address is 8 hex digits at most (or give option 150's bytes, such as 96 04 C0 A8 0A 69)"
    )]
    TooLarge(String),
}

/// Reads a hex (`0x69AA8C0`, `69aa8c0h`) or decimal (`1762306240`) value and says
/// which address it puts on the wire in each byte order, and what was probably meant.
/// Option 150's bytes as [`super::encode`] shows them (`96 04 C0 A8 0A 69`, or the
/// data alone when it holds more than one address) read back into their addresses.
pub fn decode(input: &str) -> Result<Decoded, DecodeError> {
    let raw = input.trim();
    if let Some(decoded) = option_bytes(raw) {
        return Ok(decoded);
    }
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
        sends: Vec::new(),
    })
}

/// `raw` read as option 150's bytes, hex with or without spaces: code 150, a
/// length that matches the data, and whole addresses; or the data alone when it
/// is longer than one 32-bit number (four bytes or fewer stay a number, and so
/// does a run of decimal digits).
fn option_bytes(raw: &str) -> Option<Decoded> {
    // Plain digits are a decimal number.
    if raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let lower = raw.to_ascii_lowercase();
    let digits: String = lower
        .strip_prefix("0x")
        .unwrap_or(&lower)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ':' | '-' | '_'))
        .collect();
    if digits.is_empty()
        || !digits.len().is_multiple_of(2)
        || !digits.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return None;
    }
    let bytes: Vec<u8> = digits
        .as_bytes()
        .chunks_exact(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
        })
        .collect::<Option<_>>()?;
    let wire = match bytes.as_slice() {
        [CODE, len, data @ ..] if usize::from(*len) == data.len() => decode_wire(data),
        _ => None,
    };
    let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02X}")).collect();
    let (sends, what, shown) = match wire {
        Some(sends) => (sends, "option 150 as it goes on the wire", hex.join(" ")),
        None if bytes.len() > 4 => (
            decode_wire(&bytes)?,
            "option 150's data in network order",
            hex.concat(),
        ),
        None => return None,
    };
    let first = sends[0];
    let value = u32::from_be_bytes(first.octets());
    let list = sends
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    Some(Decoded {
        input: raw.to_string(),
        value,
        little_endian: Ipv4Addr::from(value.to_le_bytes()),
        network_order: first,
        likely: Vec::new(),
        message: format!("{shown} is {what}: it sends {list}"),
        sends,
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
        assert!(decode("0x123456789012").is_err());
        assert!(decode("99999999999").is_err());
        assert!(decode("").is_err());
    }

    #[test]
    fn option_150_as_the_page_shows_it_reads_back() {
        // The wire form `encode` writes, for one address and for two.
        let d = decode("96 04 C0 A8 0A 69").unwrap();
        assert_eq!(d.sends, [ip("192.168.10.105")]);
        assert_eq!(
            d.message,
            "96 04 C0 A8 0A 69 is option 150 as it goes on the wire: it sends 192.168.10.105"
        );
        assert_eq!(d.network_order, ip("192.168.10.105"));
        let two = [ip("192.168.10.105"), ip("10.0.0.2")];
        let e = super::super::encode(&two);
        for typed in [
            e.wire_hex.clone(),
            e.wire_hex.replace(' ', ""),
            format!("0x{}", e.wire_hex.replace(' ', "")),
        ] {
            let d = decode(&typed).unwrap();
            assert_eq!(d.sends, two, "{typed}");
            assert!(
                d.message.starts_with(
                    "96 08 C0 A8 0A 69 0A 00 00 02 is option 150 as it goes on the wire"
                ),
                "{}",
                d.message
            );
        }
        // The data alone, several addresses in network order.
        let d = decode(&e.network_hex).unwrap();
        assert_eq!(d.sends, two);
        assert_eq!(
            d.message,
            "C0A80A690A000002 is option 150's data in network order: it sends 192.168.10.105, 10.0.0.2"
        );
        // Four bytes stay a 32-bit number, read both ways.
        let d = decode("C0A80A69").unwrap();
        assert!(d.sends.is_empty());
        assert_eq!(d.network_order, ip("192.168.10.105"));
        // A wrong length, or bytes that are not whole addresses: not option 150.
        assert!(decode("96 05 C0 A8 0A 69").is_err());
        assert!(decode("C0 A8 0A 69 0A").is_err());
    }
}
