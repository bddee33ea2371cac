//! Every DHCP server's way of writing option 150 (and option 66 where it needs it).

use super::encode;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::net::Ipv4Addr;

/// The DHCP servers [`snippet`] writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Server {
    /// ISC dhcpd.
    IscDhcpd,
    /// ISC Kea.
    Kea,
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
/// Never for a list from [`super::parse_list`]; an empty list writes an empty option.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
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
}
