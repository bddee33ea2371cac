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

use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
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
    /// The address.
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
    /// The addresses.
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
    /// The address.
    pub address: Ipv4Addr,
    /// `0x690AA8C0`.
    pub hex: String,
    /// `1762306240`.
    pub decimal: u32,
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
    let little_endian = addresses
        .iter()
        .map(|a| {
            let v = u32::from_le_bytes(a.octets());
            LittleEndian {
                address: *a,
                hex: format!("0x{v:08X}"),
                decimal: v,
            }
        })
        .collect();
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

/// The DHCP servers [`snippet`] writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Server {
    /// ISC dhcpd.
    IscDhcpd,
    /// ISC Kea.
    Kea,
    /// dnsmasq.
    Dnsmasq,
    /// OpenWrt (UCI, dnsmasq underneath).
    Openwrt,
    /// Cisco IOS / IOS XE.
    CiscoIos,
    /// MikroTik RouterOS.
    Mikrotik,
    /// Windows Server, PowerShell.
    WindowsPowershell,
    /// Windows Server, netsh.
    WindowsNetsh,
    /// pfSense and OPNsense (GUI).
    Pfsense,
    /// tftpd32 / tftpd64's DHCP server.
    Tftpd32,
}

impl Server {
    /// Every server, in the order a UI shows them.
    pub const ALL: [Server; 10] = [
        Server::CiscoIos,
        Server::WindowsPowershell,
        Server::WindowsNetsh,
        Server::IscDhcpd,
        Server::Kea,
        Server::Dnsmasq,
        Server::Openwrt,
        Server::Mikrotik,
        Server::Pfsense,
        Server::Tftpd32,
    ];

    /// The name used on the command line (`--server`) and in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Server::IscDhcpd => "isc-dhcpd",
            Server::Kea => "kea",
            Server::Dnsmasq => "dnsmasq",
            Server::Openwrt => "openwrt",
            Server::CiscoIos => "cisco-ios",
            Server::Mikrotik => "mikrotik",
            Server::WindowsPowershell => "windows-powershell",
            Server::WindowsNetsh => "windows-netsh",
            Server::Pfsense => "pfsense",
            Server::Tftpd32 => "tftpd32",
        }
    }

    /// A human title.
    pub fn title(self) -> &'static str {
        match self {
            Server::IscDhcpd => "ISC dhcpd",
            Server::Kea => "Kea",
            Server::Dnsmasq => "dnsmasq",
            Server::Openwrt => "OpenWrt",
            Server::CiscoIos => "Cisco IOS",
            Server::Mikrotik => "MikroTik RouterOS",
            Server::WindowsPowershell => "Windows Server (PowerShell)",
            Server::WindowsNetsh => "Windows Server (netsh)",
            Server::Pfsense => "pfSense / OPNsense",
            Server::Tftpd32 => "tftpd32 / tftpd64",
        }
    }

    /// The server with this id (also accepts a few common aliases).
    pub fn from_id(id: &str) -> Option<Server> {
        let id = id.trim().to_ascii_lowercase();
        let alias = match id.as_str() {
            "dhcpd" | "isc" | "isc-dhcp" => "isc-dhcpd",
            "ios" | "cisco" => "cisco-ios",
            "routeros" => "mikrotik",
            "windows" | "powershell" => "windows-powershell",
            "netsh" => "windows-netsh",
            "opnsense" => "pfsense",
            "tftpd64" => "tftpd32",
            "uci" => "openwrt",
            other => other,
        };
        Server::ALL.into_iter().find(|s| s.id() == alias)
    }
}

/// Ready-to-paste configuration for one server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    /// Which server.
    pub server: Server,
    /// Its title.
    pub title: String,
    /// Where it goes (file, console, GUI page).
    pub where_: String,
    /// The text to paste.
    pub text: String,
    /// What to watch out for.
    pub notes: Vec<String>,
}

fn join(addresses: &[Ipv4Addr], sep: &str) -> String {
    addresses
        .iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(sep)
}

/// Writes the configuration for `server` that hands out `addresses` as option 150
/// (and the first as option 66 where that server needs it separately).
///
/// # Panics
/// Never for a list from [`parse_list`]; an empty list writes an empty option.
pub fn snippet(server: Server, addresses: &[Ipv4Addr]) -> Snippet {
    let first = addresses.first().copied().unwrap_or(Ipv4Addr::UNSPECIFIED);
    let enc = encode(addresses);
    let mut notes = Vec::new();
    let mut t = String::new();
    let where_;
    match server {
        Server::IscDhcpd => {
            where_ = "dhcpd.conf: the definition at the top level, the values in your subnet or global scope";
            let _ = writeln!(t, "option tftp-servers code 150 = array of ip-address;");
            let _ = writeln!(t);
            let _ = writeln!(
                t,
                "option tftp-servers {};             # option 150",
                join(addresses, ", ")
            );
            let _ = writeln!(t, "option tftp-server-name \"{first}\";   # option 66");
            let _ = writeln!(t, "next-server {first};");
            notes.push("Restart dhcpd after editing; `dhcpd -t` checks the file first.".into());
        }
        Server::Kea => {
            where_ = "kea-dhcp4.conf, inside \"Dhcp4\" (or a subnet)";
            let _ = writeln!(t, "\"option-def\": [");
            let _ = writeln!(
                t,
                "    {{ \"name\": \"tftp-servers\", \"code\": 150, \"space\": \"dhcp4\", \"type\": \"ipv4-address\", \"array\": true }}"
            );
            let _ = writeln!(t, "],");
            let _ = writeln!(t, "\"option-data\": [");
            let _ = writeln!(
                t,
                "    {{ \"name\": \"tftp-servers\", \"code\": 150, \"data\": \"{}\" }},",
                join(addresses, ", ")
            );
            let _ = writeln!(
                t,
                "    {{ \"name\": \"tftp-server-name\", \"code\": 66, \"data\": \"{first}\" }}"
            );
            let _ = writeln!(t, "]");
            let _ = writeln!(t);
            let _ = writeln!(
                t,
                "// Or, without an option-def, the raw bytes (network order):"
            );
            let _ = writeln!(
                t,
                "// {{ \"code\": 150, \"space\": \"dhcp4\", \"csv-format\": false, \"data\": \"{}\" }}",
                enc.network_hex
            );
            notes.push("Kea has no built-in definition for option 150: keep the option-def, or use the raw-hex form.".into());
        }
        Server::Dnsmasq => {
            where_ = "dnsmasq.conf (or a file in /etc/dnsmasq.d/)";
            let _ = writeln!(t, "dhcp-option-force=150,{}", join(addresses, ","));
            let _ = writeln!(t, "dhcp-option-force=66,\"{first}\"");
            notes.push(
                "Option 66 must be quoted, or dnsmasq sends it as an address instead of text."
                    .into(),
            );
            notes.push(
                "`force` sends the options even when the phone does not ask for them.".into(),
            );
        }
        Server::Openwrt => {
            where_ = "an SSH session on the router (the LAN's DHCP is dnsmasq)";
            let _ = writeln!(
                t,
                "uci add_list dhcp.lan.dhcp_option_force='150,{}'",
                join(addresses, ",")
            );
            let _ = writeln!(
                t,
                "uci add_list dhcp.lan.dhcp_option_force='66,\"{first}\"'"
            );
            let _ = writeln!(t, "uci commit dhcp");
            let _ = writeln!(t, "/etc/init.d/dnsmasq restart");
            notes.push("Replace `lan` with the interface section the phones are on.".into());
        }
        Server::CiscoIos => {
            where_ = "configuration mode (`configure terminal`)";
            let _ = writeln!(t, "ip dhcp pool PHONES");
            let _ = writeln!(t, " option 150 ip {}", join(addresses, " "));
            let _ = writeln!(t, " option 66 ascii {first}");
            notes.push("Use your existing pool's name instead of PHONES.".into());
        }
        Server::Mikrotik => {
            where_ = "a RouterOS terminal";
            let _ = writeln!(t, "/ip dhcp-server option");
            if addresses.len() == 1 {
                let _ = writeln!(t, "add name=tftp150 code=150 value=\"'{first}'\"");
            } else {
                let _ = writeln!(
                    t,
                    "add name=tftp150 code=150 value=\"0x{}\"",
                    enc.network_hex
                );
            }
            let _ = writeln!(t, "add name=tftp66 code=66 value=\"s'{first}'\"");
            let _ = writeln!(
                t,
                "/ip dhcp-server network set [find] dhcp-option=tftp150,tftp66"
            );
            notes.push("`[find]` sets it on every DHCP network; name one network instead if you have several.".into());
        }
        Server::WindowsPowershell => {
            where_ = "PowerShell as administrator on the DHCP server";
            let _ = writeln!(
                t,
                "Add-DhcpServerv4OptionDefinition -OptionId 150 -Name \"Cisco TFTP\" -Type IPv4Address -MultiValued -Description \"TFTP servers for Cisco IP phones\""
            );
            let _ = writeln!(
                t,
                "Set-DhcpServerv4OptionValue -OptionId 150 -Value {}",
                join(addresses, ",")
            );
            let _ = writeln!(
                t,
                "Set-DhcpServerv4OptionValue -OptionId 66 -Value \"{first}\""
            );
            notes.push("Without -ScopeId these are server-wide options; add `-ScopeId <network>` to set them on one scope.".into());
            notes.push("Define option 150 as IPv4Address: typed as a string or a number, Windows sends the wrong bytes.".into());
        }
        Server::WindowsNetsh => {
            where_ = "an administrator command prompt on the DHCP server";
            let _ = writeln!(
                t,
                "netsh dhcp server add optiondef 150 \"Cisco TFTP\" IPADDRESS 1 comment=\"TFTP servers for Cisco IP phones\""
            );
            let _ = writeln!(
                t,
                "netsh dhcp server set optionvalue 150 IPADDRESS {}",
                join(addresses, " ")
            );
            let _ = writeln!(t, "netsh dhcp server set optionvalue 66 STRING \"{first}\"");
            notes.push(
                "For one scope: `netsh dhcp server scope <network> set optionvalue …`.".into(),
            );
        }
        Server::Pfsense => {
            where_ =
                "Services › DHCP Server › (the phones' interface) › Additional BOOTP/DHCP Options";
            if addresses.len() == 1 {
                let _ = writeln!(t, "Number: 150   Type: IP address or host   Value: {first}");
            } else {
                let hex: Vec<String> = enc.wire[2..].iter().map(|b| format!("{b:02X}")).collect();
                let _ = writeln!(t, "Number: 150   Type: String   Value: {}", hex.join(":"));
                notes.push("pfSense's \"IP address\" type holds one address; the String form carries the whole list as bytes.".into());
            }
            let _ = writeln!(t, "Number: 66    Type: Text     Value: {first}");
            notes.push("Also fill in \"TFTP server\" under Other DHCP Options if you prefer; that field is option 66.".into());
        }
        Server::Tftpd32 => {
            where_ = "tftpd32/tftpd64 › Settings › DHCP › Additional option";
            let _ = writeln!(t, "Additional option: 150   Value: a {first}");
            let _ = writeln!(t, "Additional option: 66    Value: {first}");
            let le = &enc.little_endian[0];
            notes.push(format!(
                "The `a` prefix sends an address. The `x`/`i` prefixes take a little-endian number: {} or {} — easy to get wrong, so prefer `a`.",
                le.hex, le.decimal
            ));
            notes.push(
                "A value with no prefix is sent as text: right for option 66, wrong for 150."
                    .into(),
            );
            if addresses.len() > 1 {
                notes.push("tftpd32 sends one address here; the others are left out.".into());
            }
        }
    }
    Snippet {
        server,
        title: server.title().to_string(),
        where_: where_.to_string(),
        text: t,
        notes,
    }
}

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

fn is_private(a: Ipv4Addr) -> bool {
    a.is_private()
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
                && is_private(addr)
                && !likely.iter().any(|l| l.address == addr)
            {
                let v = u32::from_le_bytes(addr.octets());
                likely.push(LittleEndian {
                    address: addr,
                    hex: format!("0x{v:08X}"),
                    decimal: v,
                });
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

    #[test]
    fn every_server_names_every_address_and_option_66() {
        let addrs = [ip("192.168.10.105"), ip("192.168.10.106")];
        for s in Server::ALL {
            let sn = snippet(s, &addrs);
            assert!(sn.text.contains("150"), "{s:?}");
            assert!(sn.text.contains("66"), "{s:?}: option 66");
            let has_both = sn.text.contains("192.168.10.106")
                || sn.text.contains("C0A80A6A")
                || sn.text.contains("C0:A8:0A:6A");
            assert!(
                has_both || s == Server::Tftpd32,
                "{s:?} lists every address"
            );
            assert_eq!(Server::from_id(s.id()), Some(s));
        }
        assert!(
            snippet(Server::Dnsmasq, &addrs)
                .text
                .contains("dhcp-option-force=66,\"192.168.10.105\"")
        );
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
