//! What the DHCP server reports: one [`DhcpEvent`] per step of a client's
//! exchange (a phone's timeline starts at its DISCOVER), published as
//! [`crate::events::Event::Dhcp`] on the channel TFTP uses; and, as it starts,
//! [`Notice`]s for the terminal: [`RivalServer`] for another DHCP server on
//! the segment, [`DhcpServing`] once it listens.

use std::net::Ipv4Addr;

use lifeline_proto::dhcp::config::{AddrRange, Answer};

/// The client steps are the shared wire form the browser and the tracker read.
pub use lifeline_shared::events::{DhcpEvent, DhcpStep};

/// The server started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DhcpServing {
    pub mode: Answer,
    /// The interface, when bound to one.
    pub interface: Option<String>,
    /// Our address (option 54).
    pub server: Ipv4Addr,
    pub range: AddrRange,
    /// Option 150's list.
    pub tftp: Vec<Ipv4Addr>,
}

/// Another DHCP server answered our probe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RivalServer {
    /// Its server identifier (option 54), or the reply's source address.
    pub server: Ipv4Addr,
    /// The address it offered.
    pub offered: Ipv4Addr,
    /// The subnet mask it hands out.
    pub mask: Option<Ipv4Addr>,
    /// The routers it hands out.
    pub routers: Vec<Ipv4Addr>,
    /// Its option 150, when it sends one.
    pub option150: Option<Vec<Ipv4Addr>>,
    /// Its option 66, when it sends one.
    pub option66: Option<String>,
}

impl RivalServer {
    /// One sentence for a person: who, what, and whether phones get a TFTP server from it.
    pub fn describe(&self) -> String {
        let mask = self.mask.map(|m| format!(" mask {m}")).unwrap_or_default();
        let routers = if self.routers.is_empty() {
            String::new()
        } else {
            format!(", router {}", join(&self.routers))
        };
        let tftp = match (&self.option150, &self.option66) {
            (Some(list), _) => format!("it hands out option 150 ({})", join(list)),
            (None, Some(name)) => {
                format!("it hands out no option 150, but option 66 ({name})")
            }
            (None, None) => "it hands out no option 150 (phones get no TFTP server from it)".into(),
        };
        format!(
            "another DHCP server is on this segment: {} offers {}{mask}{routers}; {tftp}",
            self.server, self.offered
        )
    }
}

/// What the DHCP server says about itself as it starts: lines for a person at
/// the terminal, not network events (pages and the tracker never see them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Another DHCP server answered the probe.
    Rival(RivalServer),
    /// The server is listening.
    Serving(DhcpServing),
}

impl Notice {
    /// One line for a person watching a terminal.
    pub fn human_line(&self) -> String {
        match self {
            Notice::Rival(r) => r.describe(),
            Notice::Serving(s) => format!(
                "DHCP ({}) serving {} from {} on {}, TFTP server {}",
                s.mode.as_str(),
                s.range,
                s.server,
                s.interface.as_deref().unwrap_or("?"),
                join(&s.tftp)
            ),
        }
    }
}

fn join(list: &[Ipv4Addr]) -> String {
    list.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Logs a client event: leases at info, trouble at warn, the chatter (and
/// NAKs, which a flood of REQUESTs can multiply) at debug.
pub fn log(e: &DhcpEvent) {
    let model = e.model.as_deref().unwrap_or("");
    match &e.step {
        DhcpStep::Discover { requested } => tracing::debug!(
            mac = %e.mac, model, requested = ?requested, "dhcp discover"
        ),
        DhcpStep::Offer { addr, .. } => {
            tracing::debug!(mac = %e.mac, model, %addr, "dhcp offer")
        }
        DhcpStep::Ack {
            addr, lease_secs, ..
        } => tracing::info!(
            mac = %e.mac, device = %e.device, model, %addr, lease_secs, "dhcp lease"
        ),
        DhcpStep::Nak { addr, reason } => tracing::debug!(
            mac = %e.mac, model, addr = ?addr, reason = %reason, "dhcp nak"
        ),
        DhcpStep::Decline { addr } => tracing::warn!(
            mac = %e.mac, model, %addr, "dhcp decline: the client says the address is in use"
        ),
        DhcpStep::Release { addr } => {
            tracing::info!(mac = %e.mac, model, %addr, "dhcp release")
        }
        DhcpStep::Inform { addr } => {
            tracing::debug!(mac = %e.mac, model, %addr, "dhcp inform")
        }
        DhcpStep::AddressInUse { addr } => tracing::warn!(
            %addr, "dhcp: another host answers at this address; skipping it"
        ),
        DhcpStep::PoolExhausted => tracing::warn!(
            mac = %e.mac, model, "dhcp: no free address in the range for this client"
        ),
        // Only read from a newer helper, never made here.
        DhcpStep::Other => {}
    }
}

/// One line for a person watching a terminal: leases and trouble, not the
/// chatter (DISCOVER, OFFER, INFORM), which the UI's timeline shows.
pub fn human_line(e: &DhcpEvent) -> Option<String> {
    let who = match &e.model {
        Some(model) => format!("{} ({model})", e.device),
        None => e.mac.clone(),
    };
    Some(match &e.step {
        DhcpStep::Discover { .. }
        | DhcpStep::Offer { .. }
        | DhcpStep::Inform { .. }
        | DhcpStep::Other => {
            return None;
        }
        DhcpStep::Ack {
            addr,
            lease_secs,
            tftp,
        } => format!(
            "DHCP {who} has {addr} for {lease_secs} s, TFTP server {}",
            join(tftp)
        ),
        DhcpStep::Nak { addr, reason } => match addr {
            Some(addr) => format!("DHCP refused {addr} to {who}: {reason}"),
            None => format!("DHCP refused {who}: {reason}"),
        },
        DhcpStep::Decline { addr } => format!("DHCP {who} says {addr} is already in use"),
        DhcpStep::Release { addr } => format!("DHCP {who} released {addr}"),
        DhcpStep::AddressInUse { addr } => {
            format!("DHCP skipped {addr}: another host answers there")
        }
        DhcpStep::PoolExhausted => format!("DHCP has no free address for {who}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialize_flat() {
        let e = DhcpEvent::new(
            "00:1b:54:aa:bb:cc".parse().unwrap(),
            Some("7961"),
            DhcpStep::Ack {
                addr: Ipv4Addr::new(10, 0, 0, 100),
                lease_secs: 3600,
                tftp: vec![Ipv4Addr::new(10, 0, 0, 1)],
            },
        );
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["step"], "ack");
        assert_eq!(json["device"], "SEP001B54AABBCC");
        assert_eq!(json["model"], "7961");
        assert_eq!(json["addr"], "10.0.0.100");
        let line = human_line(&e).unwrap();
        assert!(
            line.contains("SEP001B54AABBCC (7961) has 10.0.0.100"),
            "{line}"
        );
    }

    #[test]
    fn the_start_notice_says_mode_range_and_tftp_server() {
        let serving = Notice::Serving(DhcpServing {
            mode: lifeline_proto::dhcp::config::Answer::CiscoOnly,
            interface: Some("eth0".into()),
            server: Ipv4Addr::new(10, 0, 0, 1),
            range: "10.0.0.20-10.0.0.199".parse().unwrap(),
            tftp: vec![Ipv4Addr::new(10, 0, 0, 1)],
        });
        assert_eq!(
            serving.human_line(),
            "DHCP (cisco-only) serving 10.0.0.20-10.0.0.199 from 10.0.0.1 on eth0, TFTP server 10.0.0.1"
        );
    }

    #[test]
    fn a_rival_is_described_with_its_option_150() {
        let mut r = RivalServer {
            server: Ipv4Addr::new(10, 0, 0, 254),
            offered: Ipv4Addr::new(10, 0, 0, 57),
            mask: Some(Ipv4Addr::new(255, 255, 255, 0)),
            routers: vec![Ipv4Addr::new(10, 0, 0, 254)],
            option150: None,
            option66: None,
        };
        assert!(r.describe().contains("10.0.0.254 offers 10.0.0.57"));
        assert!(r.describe().contains("no option 150"));
        r.option150 = Some(vec![Ipv4Addr::new(10, 0, 0, 9)]);
        assert!(r.describe().contains("it hands out option 150 (10.0.0.9)"));
    }
}
