//! `lifeline option150`: option 150 for TFTP addresses in every DHCP server's
//! syntax, or a value someone gave decoded.

use super::{fail, out};
use lifeline_shared::dhcp::option150::{self, Server};
use std::process::ExitCode;

/// Arguments of `lifeline option150`.
#[derive(Debug, clap::Args)]
pub struct Option150Args {
    /// TFTP server addresses in priority order, comma or space separated.
    #[arg(value_name = "IP[,IP…]", required_unless_present = "decode", num_args = 1..)]
    pub addresses: Vec<String>,
    /// Print only this server's configuration (isc-dhcpd, kea, dnsmasq, openwrt,
    /// cisco-ios, mikrotik, windows-powershell, windows-netsh, pfsense, tftpd32).
    #[arg(long, value_name = "NAME")]
    pub server: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Decode a hex or decimal value someone told you to use (e.g. 0x69AA8C0).
    #[arg(long, value_name = "VALUE", conflicts_with = "addresses")]
    pub decode: Option<String>,
}

/// Runs `lifeline option150`: option 150 for the addresses in every DHCP
/// server's syntax, or a value decoded. Returns the exit status.
pub fn option150(args: &Option150Args) -> ExitCode {
    if let Some(value) = &args.decode {
        return match option150::decode(value) {
            Ok(d) if args.json => {
                out(&(serde_json::to_string_pretty(&d).unwrap_or_default() + "\n"));
                ExitCode::SUCCESS
            }
            Ok(d) => {
                let mut t = format!("{}\n", d.message);
                if d.sends.is_empty() {
                    t.push_str(&format!(
                        "  as a 32-bit number:     {} (0x{:08X})\n",
                        d.value, d.value
                    ));
                    t.push_str(&format!(
                        "  little-endian (tftpd32 x/i): {}\n",
                        d.little_endian
                    ));
                    t.push_str(&format!("  network order:          {}\n", d.network_order));
                } else {
                    // Option 150's own bytes: the addresses are what it sends,
                    // in order; a 32-bit reading of them would mislead.
                    for (i, addr) in d.sends.iter().enumerate() {
                        t.push_str(&format!("  TFTP server {}: {addr}\n", i + 1));
                    }
                }
                out(&t);
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        };
    }
    let list = match option150::parse_list(&args.addresses.join(",")) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    let servers: Vec<Server> = match &args.server {
        Some(name) => match Server::from_id(name) {
            Some(s) => vec![s],
            None => {
                return fail(format!(
                    "`{name}` is not a DHCP server Lifeline knows; use one of: {}",
                    Server::ALL
                        .iter()
                        .map(|s| s.id())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        },
        None => Server::ALL.to_vec(),
    };
    let enc = option150::encode(&list.addresses);
    let snippets: Vec<_> = servers
        .iter()
        .map(|s| option150::snippet(*s, &list.addresses))
        .collect();
    if args.json {
        let v = serde_json::json!({
            "addresses": list.addresses,
            "warnings": list.warnings,
            "wire_hex": enc.wire_hex,
            "network_hex": enc.network_hex,
            "little_endian": enc.little_endian,
            "snippets": snippets,
        });
        out(&(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"));
        return ExitCode::SUCCESS;
    }
    let mut t = String::new();
    for w in &list.warnings {
        crate::terminal::err_line(&format!("lifeline: warning: {}: {}", w.address, w.message));
    }
    t.push_str(&format!(
        "Option 150 for {}\n",
        list.addresses
            .iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    t.push_str(&format!("  on the wire:        {}\n", enc.wire_hex));
    t.push_str(&format!("  hex, network order: {}\n", enc.network_hex));
    for le in &enc.little_endian {
        t.push_str(&format!(
            "  tftpd32 x/i value:  {} = {} (little-endian, for {})\n",
            le.hex, le.decimal, le.address
        ));
    }
    t.push_str("  Option 150 is Cisco's list of TFTP addresses; option 66 is one TFTP server name as text. Send both.\n");
    for s in &snippets {
        t.push_str(&format!("\n== {} — {}\n{}", s.title, s.where_, s.text));
        for n in &s.notes {
            t.push_str(&format!("  note: {n}\n"));
        }
    }
    out(&t);
    ExitCode::SUCCESS
}
