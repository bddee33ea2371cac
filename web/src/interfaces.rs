//! The helper's network, in words (pure): which of its addresses to give the
//! phones as their TFTP server and why, and its DHCP and TFTP servers.

use std::net::Ipv4Addr;

use lifeline_shared::protocol::{Service, ServiceState, Status};

use crate::format;

/// Why an interface was chosen for the TFTP address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// Phones were seen on its subnet.
    Phones,
    /// The helper's DHCP server serves it.
    Dhcp,
    /// It is the only network the helper's computer is on.
    Only,
    /// The first of several.
    First,
}

/// An interface address to give the phones as their TFTP server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// `eth0`.
    pub name: String,
    pub address: Ipv4Addr,
    /// Its prefix length.
    pub prefix: u8,
    /// Why this one.
    pub why: Why,
}

impl Choice {
    /// `192.168.10.0/24`.
    pub fn subnet(&self) -> String {
        format!("{}/{}", network(self.address, self.prefix), self.prefix)
    }

    /// Why, in a sentence (after "Filled in from the helper: …").
    pub fn reason(&self) -> String {
        let place = format!(
            "`{}` is this computer's address on {} ({})",
            self.address,
            self.name,
            self.subnet()
        );
        match self.why {
            Why::Phones => format!("{place}, the network the phones were seen on."),
            Why::Dhcp => format!("{place}, where the helper's DHCP server answers the phones."),
            Why::Only => format!("{place}, the only network it is on."),
            Why::First => {
                format!("{place}. It is on several networks: choose the one the phones are on.")
            }
        }
    }
}

fn network(a: Ipv4Addr, prefix: u8) -> Ipv4Addr {
    let mask = u32::MAX
        .checked_shl(32 - u32::from(prefix.min(32)))
        .unwrap_or(0);
    Ipv4Addr::from(u32::from(a) & mask)
}

/// Whether `a` is in the subnet of `net`/`prefix`.
pub fn same_subnet(a: Ipv4Addr, net: Ipv4Addr, prefix: u8) -> bool {
    network(a, prefix) == network(net, prefix)
}

/// Every usable address of the helper's interfaces (not loopback, not
/// link-local), in its order.
pub fn addresses(status: &Status) -> Vec<Choice> {
    status
        .interfaces
        .iter()
        .flat_map(|i| {
            i.addresses.iter().map(|a| Choice {
                name: i.name.clone(),
                address: a.address,
                prefix: a.prefix,
                why: Why::First,
            })
        })
        .filter(|c| !c.address.is_loopback() && !c.address.is_link_local())
        .collect()
}

/// The address to fill in as the TFTP server: on the subnet the phones were seen
/// on, else where the helper's DHCP server runs, else the only (or first
/// private) one. `None` when the helper is on no network but itself.
pub fn choose_interface(status: &Status, phones: &[Ipv4Addr]) -> Option<Choice> {
    let all = addresses(status);
    let pick = |c: &Choice, why| Choice { why, ..c.clone() };
    if let Some(c) = all
        .iter()
        .find(|c| phones.iter().any(|p| same_subnet(*p, c.address, c.prefix)))
    {
        return Some(pick(c, Why::Phones));
    }
    if status.dhcp.listening
        && let Some(c) = status
            .dhcp
            .address
            .as_deref()
            .and_then(|a| all.iter().find(|c| mentions(a, &c.name)))
    {
        return Some(pick(c, Why::Dhcp));
    }
    match all.as_slice() {
        [] => None,
        [only] => Some(pick(only, Why::Only)),
        several => {
            let first = several
                .iter()
                .find(|c| c.address.is_private())
                .unwrap_or(&several[0]);
            Some(pick(first, Why::First))
        }
    }
}

/// Whether `text` names the interface `name` as a word.
fn mentions(text: &str, name: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_'))
        .any(|w| w == name)
}

/// The DHCP server's state, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DhcpView {
    /// `ok`, `muted` or `warning`.
    pub tone: &'static str,
    pub title: String,
    /// What it means (names in backticks).
    pub detail: String,
}

/// What cisco-only means, in one paragraph.
pub const CISCO_ONLY: &str = "In `cisco-only` mode the helper answers only devices that say they are Cisco IP phones (DHCP option 60, “Cisco Systems, Inc. IP Phone …”) and stays silent to everything else, so it is safe beside your network's own DHCP server: computers and printers keep getting their addresses from that one, and only the phones get option 150 pointing here.";

/// The helper's DHCP server, in words.
pub fn dhcp_view(dhcp: &Service, interface: Option<&str>) -> DhcpView {
    let mode = dhcp.address.as_deref().unwrap_or_default();
    let listening = dhcp.effective_state() == ServiceState::Listening;
    if listening && mode.contains("cisco-only") {
        DhcpView {
            tone: "ok",
            title: format!("The helper gives Cisco phones their address and option 150 ({mode})"),
            detail: format!(
                "{CISCO_ONLY} You need not change your DHCP server; the snippets below are for when you stop the helper's."
            ),
        }
    } else if listening && mode.split_whitespace().any(|w| w == "all") {
        DhcpView {
            tone: "warning",
            title: format!("The helper answers every device's DHCP requests ({mode})"),
            detail: "Use this only on a cable straight to a phone, or a switch with nothing else on it: on a shared network it competes with the real DHCP server. On a shared network, restart it with `--dhcp cisco-only` instead.".into(),
        }
    } else if listening {
        DhcpView {
            tone: "ok",
            title: format!("The helper's DHCP server is on ({mode})"),
            detail: "Phones that ask it get an address and option 150 pointing here.".into(),
        }
    } else {
        let start = match interface {
            Some(name) => format!("`lifeline serve --dhcp cisco-only --interface {name}`"),
            None => "`lifeline serve --dhcp cisco-only --interface NAME`".to_string(),
        };
        // The helper says whether it was asked to run (older helpers said it
        // in the reason's first word; `effective_state` reads that too).
        let failed = match dhcp.effective_state() {
            ServiceState::Failed => format!(
                "It could not run: {} ",
                format::sentence(
                    dhcp.reason
                        .as_deref()
                        .unwrap_or("the helper gave no reason")
                )
            ),
            _ => String::new(),
        };
        DhcpView {
            tone: if failed.is_empty() {
                "muted"
            } else {
                "warning"
            },
            title: if failed.is_empty() {
                "The helper's DHCP server is off".into()
            } else {
                "The helper's DHCP server failed".into()
            },
            detail: format!(
                "{failed}Set option 150 on your DHCP server as shown below, or let the helper do it: start it with {start}. {CISCO_ONLY}"
            ),
        }
    }
}

/// The DHCP server's state in a few words: `off`, `failed`, `on, Cisco phones only`.
pub fn dhcp_short(dhcp: &Service) -> &'static str {
    let mode = dhcp.address.as_deref().unwrap_or_default();
    match (dhcp.effective_state(), mode) {
        (ServiceState::Failed, _) => "failed",
        (ServiceState::Listening, m) if m.contains("cisco-only") => "on, for Cisco phones only",
        (ServiceState::Listening, m) if m.split_whitespace().any(|w| w == "all") => {
            "on, for every device"
        }
        (ServiceState::Listening, _) => "on",
        _ => "off",
    }
}

/// Where the helper's TFTP server can be reached: its listening address, with
/// an unspecified host (`0.0.0.0:69`) replaced by `tftp` (the address the
/// phones are told), if given.
pub fn tftp_where(service: &Service, tftp: Option<Ipv4Addr>) -> Option<String> {
    if !service.listening {
        return None;
    }
    let address = service.address.as_deref()?;
    match (address.strip_prefix("0.0.0.0:"), tftp) {
        (Some(port), Some(ip)) => Some(format!("{ip}:{port}")),
        (Some(port), None) => Some(format!("port {port} of every interface")),
        (None, _) => Some(address.to_string()),
    }
}

/// What the listening line adds about HTTP provisioning (TCP 6970, which
/// 78xx/88xx ask first): where it listens, or that it is off or failed;
/// nothing for a helper that has none.
pub fn http_where(provision: Option<&Service>, tftp: Option<Ipv4Addr>) -> Option<String> {
    let service = provision?;
    Some(match service.effective_state() {
        ServiceState::Listening => match tftp_where(service, tftp) {
            Some(at) => format!(", HTTP on {at}"),
            None => ", HTTP".to_string(),
        },
        ServiceState::Failed => {
            "; HTTP provisioning failed to start (phones that ask HTTP first fall back to TFTP)"
                .to_string()
        }
        _ => "; HTTP provisioning off".to_string(),
    })
}

/// Why phones given `addresses` (the option 150 list of step 2) would not
/// reach this helper's TFTP server, each in a sentence with the fix; empty
/// when they would. Checked against the helper's interfaces and where its
/// TFTP server listens, as its last status says.
pub fn reach(given: &[Ipv4Addr], status: &Status) -> Vec<String> {
    let own = addresses(status);
    let suggest = match choose_interface(status, &[]) {
        Some(c) => format!("`{}` (this computer on {})", c.address, c.name),
        None => "this computer's address on the phones' network (it is on none now but itself: connect it to their switch first)".to_string(),
    };
    let mut out: Vec<String> = given
        .iter()
        .filter_map(|&a| {
            // The list's own check already says what loopback means.
            if a.is_loopback() || own.iter().any(|c| c.address == a) {
                return None;
            }
            Some(match own.iter().find(|c| same_subnet(a, c.address, c.prefix)) {
                Some(c) => format!(
                    "`{a}` is on {}'s network ({}) but is not this computer, which is `{}` there: phones would ask that other machine for their files, and this helper would see none of it. Use `{}`, unless your TFTP server runs at `{a}`.",
                    c.name,
                    c.subnet(),
                    c.address,
                    c.address
                ),
                None => format!(
                    "`{a}` is on none of this computer's networks ({}): phones would ask a TFTP server elsewhere, and this helper would see none of it. Use {suggest}, unless your TFTP server runs at `{a}`.",
                    if own.is_empty() {
                        "it has none but loopback".to_string()
                    } else {
                        own.iter().map(Choice::subnet).collect::<Vec<_>>().join(", ")
                    }
                ),
            })
        })
        .collect();
    let listen = status
        .tftp
        .address
        .as_deref()
        .filter(|_| status.tftp.listening)
        .and_then(|a| a.parse::<std::net::SocketAddr>().ok());
    if let Some(listen) = listen {
        let only = match listen.ip() {
            std::net::IpAddr::V4(ip) if !ip.is_unspecified() => Some(ip),
            _ => None,
        };
        if let Some(ip) = only.filter(|ip| given.first().is_some_and(|a| a != ip)) {
            out.push(format!(
                "The helper's TFTP server listens only on `{listen}`, so phones asking `{}` do not reach it: restart the helper with `--tftp-listen 0.0.0.0:69`.",
                given.first().copied().unwrap_or(ip)
            ));
        }
        if listen.port() != 69 {
            out.push(format!(
                "The helper's TFTP server listens on port {}, but option 150 carries no port: phones always ask port 69, so a test port never reaches real phones. Restart the helper with `--tftp-listen 0.0.0.0:69` (port 69 needs privilege: see the README).",
                listen.port()
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::status_with_bundle as status;

    #[test]
    fn the_interface_is_chosen_by_the_phones_subnet_first() {
        let s = status(&[
            ("lo", [127, 0, 0, 1], 8),
            ("wlan0", [192, 0, 2, 2], 24),
            ("eth0", [192, 168, 10, 105], 24),
            ("eth1", [10, 1, 1, 1], 16),
        ]);
        let c = choose_interface(&s, &[Ipv4Addr::new(10, 1, 200, 7)]).unwrap();
        assert_eq!((c.name.as_str(), c.why), ("eth1", Why::Phones));
        assert_eq!(c.subnet(), "10.1.0.0/16");
        assert!(c.reason().contains("the network the phones were seen on"));
        // No phones yet: the first private one, and the person is told to check.
        let c = choose_interface(&s, &[]).unwrap();
        assert_eq!((c.name.as_str(), c.why), ("eth0", Why::First));
        assert!(c.reason().contains("several networks"), "{}", c.reason());
        // The DHCP server's interface.
        let mut d = s.clone();
        d.dhcp = Service {
            listening: true,
            address: Some("cisco-only on eth1 (10.1.1.1/16)".into()),
            reason: None,
            state: None,
        };
        assert_eq!(choose_interface(&d, &[]).unwrap().why, Why::Dhcp);
        // One network: that one.
        let one = status(&[("lo", [127, 0, 0, 1], 8), ("eth0", [192, 0, 2, 2], 24)]);
        let c = choose_interface(&one, &[]).unwrap();
        assert_eq!((c.address, c.why), (Ipv4Addr::new(192, 0, 2, 2), Why::Only));
        assert_eq!(
            c.reason(),
            "`192.0.2.2` is this computer's address on eth0 (192.0.2.0/24), the only network it is on."
        );
        // Loopback and link-local only: nothing to offer the phones.
        let none = status(&[("lo", [127, 0, 0, 1], 8), ("eth9", [169, 254, 1, 2], 16)]);
        assert_eq!(choose_interface(&none, &[]), None);
        assert!(same_subnet(
            Ipv4Addr::new(10, 0, 0, 1),
            Ipv4Addr::new(10, 0, 0, 200),
            24
        ));
        assert!(same_subnet(
            Ipv4Addr::new(1, 2, 3, 4),
            Ipv4Addr::new(9, 9, 9, 9),
            0
        ));
    }

    #[test]
    fn dhcp_modes_are_explained() {
        let off = dhcp_view(
            &Service {
                listening: false,
                address: None,
                reason: Some("off (start it with --dhcp cisco-only)".into()),
                state: None,
            },
            Some("eth0"),
        );
        assert_eq!(off.title, "The helper's DHCP server is off");
        assert!(off.detail.contains("--interface eth0"), "{}", off.detail);
        assert!(
            off.detail
                .contains("only devices that say they are Cisco IP phones")
        );
        assert_eq!(off.tone, "muted");
        assert!(off.detail.starts_with("Set option 150 on your DHCP server"));
        let failed = dhcp_view(
            &Service::failed("another DHCP server answers on eth0"),
            None,
        );
        assert_eq!(failed.tone, "warning");
        assert_eq!(failed.title, "The helper's DHCP server failed");
        assert!(
            failed
                .detail
                .starts_with("It could not run: Another DHCP server answers on eth0. Set"),
            "{}",
            failed.detail
        );
        assert_eq!(
            dhcp_short(&Service::failed("another DHCP server answers on eth0")),
            "failed"
        );
        // The helper's word decides, not the reason's first word.
        let offline = Service::failed("offline: eth0 went down");
        assert_eq!(dhcp_view(&offline, None).tone, "warning");
        assert_eq!(dhcp_short(&offline), "failed");
        let off = Service::off("not asked for");
        assert_eq!(dhcp_view(&off, None).tone, "muted");
        assert_eq!(dhcp_short(&off), "off");
        // An older helper without `state`: its reason's first word, as it meant it.
        let legacy = Service {
            reason: Some("permission denied".into()),
            ..Service::default()
        };
        assert_eq!(dhcp_view(&legacy, None).tone, "warning");
        let on = dhcp_view(
            &Service {
                listening: true,
                address: Some("cisco-only on eth0".into()),
                reason: None,
                state: None,
            },
            None,
        );
        assert_eq!(on.tone, "ok");
        assert!(on.detail.contains("need not change your DHCP server"));
        let all_service = Service {
            listening: true,
            address: Some("all on eth0".into()),
            reason: None,
            state: None,
        };
        let all = dhcp_view(&all_service, None);
        assert_eq!(all.tone, "warning");
        assert_eq!(dhcp_short(&all_service), "on, for every device");
        assert_eq!(
            dhcp_short(&Service {
                listening: true,
                address: Some("cisco-only on eth0".into()),
                reason: None,
                state: None,
            }),
            "on, for Cisco phones only"
        );
        assert_eq!(
            dhcp_short(&Service {
                listening: false,
                address: None,
                reason: None,
                state: None,
            }),
            "off"
        );
    }

    #[test]
    fn an_address_phones_cannot_reach_the_helper_at_is_named_with_the_fix() {
        let ip = |a, b, c, d| Ipv4Addr::new(a, b, c, d);
        let mut s = status(&[("lo", [127, 0, 0, 1], 8), ("eth0", [192, 168, 10, 105], 24)]);
        // The helper's own address, TFTP on port 69 of every interface: nothing to say.
        assert_eq!(reach(&[ip(192, 168, 10, 105)], &s), Vec::<String>::new());
        // Another machine on its network.
        let other = reach(&[ip(192, 168, 10, 99)], &s);
        assert_eq!(other.len(), 1, "{other:?}");
        assert!(
            other[0].starts_with("`192.168.10.99` is on eth0's network (192.168.10.0/24) but is not this computer, which is `192.168.10.105` there")
                && other[0].contains("Use `192.168.10.105`"),
            "{}",
            other[0]
        );
        // On no network of it.
        let far = reach(&[ip(10, 20, 30, 40)], &s);
        assert_eq!(far.len(), 1, "{far:?}");
        assert!(
            far[0].starts_with(
                "`10.20.30.40` is on none of this computer's networks (192.168.10.0/24)"
            ) && far[0].contains("Use `192.168.10.105` (this computer on eth0)"),
            "{}",
            far[0]
        );
        // Loopback: the list's own warning says so, not this one again.
        assert_eq!(reach(&[ip(127, 0, 0, 1)], &s), Vec::<String>::new());
        // A backup server elsewhere is named; the helper's own first one is not.
        let two = reach(&[ip(192, 168, 10, 105), ip(10, 20, 30, 40)], &s);
        assert_eq!(two.len(), 1);
        assert!(two[0].starts_with("`10.20.30.40`"));
        // TFTP bound to loopback on a test port: both said, once each.
        s.tftp.address = Some("127.0.0.1:17069".into());
        let bound = reach(&[ip(192, 168, 10, 105)], &s);
        assert_eq!(bound.len(), 2, "{bound:?}");
        assert!(bound[0].starts_with("The helper's TFTP server listens only on `127.0.0.1:17069`, so phones asking `192.168.10.105` do not reach it"), "{}", bound[0]);
        assert!(
            bound[1].contains("option 150 carries no port: phones always ask port 69"),
            "{}",
            bound[1]
        );
        // Every interface, but a test port.
        s.tftp.address = Some("0.0.0.0:6969".into());
        let port = reach(&[ip(192, 168, 10, 105)], &s);
        assert_eq!(port.len(), 1);
        assert!(port[0].starts_with("The helper's TFTP server listens on port 6969"));
        // Not listening: the helper's own problem says so, not this check.
        s.tftp.listening = false;
        assert_eq!(reach(&[ip(192, 168, 10, 105)], &s), Vec::<String>::new());
        // A helper on no network but loopback.
        let alone = status(&[("lo", [127, 0, 0, 1], 8)]);
        let none = reach(&[ip(192, 168, 10, 105)], &alone);
        assert!(
            none[0].contains("(it has none but loopback)")
                && none[0].contains("connect it to their switch first"),
            "{}",
            none[0]
        );
    }

    #[test]
    fn the_tftp_address_is_where_phones_reach_it() {
        let s = |listening, a: &str| Service {
            listening,
            address: Some(a.into()),
            reason: None,
            state: None,
        };
        let ip = Some(Ipv4Addr::new(192, 168, 10, 105));
        assert_eq!(
            tftp_where(&s(true, "0.0.0.0:69"), ip).as_deref(),
            Some("192.168.10.105:69")
        );
        assert_eq!(
            tftp_where(&s(true, "0.0.0.0:69"), None).as_deref(),
            Some("port 69 of every interface")
        );
        assert_eq!(
            tftp_where(&s(true, "127.0.0.1:4000"), ip).as_deref(),
            Some("127.0.0.1:4000")
        );
        assert_eq!(tftp_where(&s(false, "0.0.0.0:69"), ip), None);
    }

    #[test]
    fn http_provisioning_is_said_where_it_listens_or_why_not() {
        let ip = Some(Ipv4Addr::new(192, 168, 10, 105));
        let on = Service::listening(Some("0.0.0.0:6970".into()));
        assert_eq!(
            http_where(Some(&on), ip).as_deref(),
            Some(", HTTP on 192.168.10.105:6970")
        );
        assert_eq!(
            http_where(Some(&Service::off("off")), ip).as_deref(),
            Some("; HTTP provisioning off")
        );
        assert!(
            http_where(Some(&Service::failed("in use")), ip)
                .is_some_and(|t| t.contains("fall back to TFTP"))
        );
        assert_eq!(http_where(None, ip), None, "an older helper says nothing");
    }
}
