//! A phone's DHCP client: DISCOVER, OFFER, REQUEST, ACK. No I/O and handed
//! the time; the driver sends every datagram from port 68 of the phone's
//! interface.
//!
//! What it sends is what a 79xx sends: option
//! 60 `Cisco Systems, Inc. IP Phone CP-7961G` with its trailing NUL, option 12
//! `SEP<MAC>`, and a parameter request list naming 150 and 66. It sets the
//! BOOTP broadcast flag: a simulated phone's MAC is not the interface's, so a
//! reply sent to the MAC would never reach it.
//!
//! Requests are written with `dhcproto`; replies are read through the
//! checked view of server replies ([`ServerReply::parse`]).
//!
//! Retransmission is RFC 2131's, bounded: DISCOVER after 4, 8, 16, 16 s (five
//! sends, a minute in all), REQUEST likewise ([`Patience::requests`] sends),
//! and at most [`Patience::restarts`] new starts after a NAK or an
//! unanswered REQUEST. Then it gives up, with what it saw.

use std::collections::VecDeque;
use std::net::Ipv4Addr;
use std::time::Duration;

use dhcproto::Encodable as _;
use dhcproto::v4::{self, DhcpOption, Flags, MessageType, OptionCode};
use lifeline_shared::config::mac::Mac;
use lifeline_shared::dhcp::option150;
use lifeline_shared::models::Model;
use serde::Serialize;
use thiserror::Error;

use crate::dhcp::reply::ServerReply;
use crate::dhcp::wire::BOOTP_MIN_LEN;
use crate::tftp::time::Time;

/// The server port.
pub const SERVER_PORT: u16 = 67;
/// The client port.
pub const CLIENT_PORT: u16 = 68;
/// Different servers remembered for the report.
const MAX_SERVERS_SEEN: usize = 8;

/// The parameter request list: subnet mask, router, DNS, domain name, option
/// 66 (TFTP server name) and 150 (TFTP server addresses).
pub const PARAMETER_REQUEST_LIST: [u8; 6] = [1, 3, 6, 15, 66, 150];

/// Option 60 of `model`: `Cisco Systems, Inc. IP Phone CP-7961G` and a NUL;
/// `…CP-7941G-GE` for the GE models.
pub fn vendor_class(model: &Model) -> Vec<u8> {
    let name = if model.name.ends_with("-GE") {
        format!("CP-{}", model.name)
    } else {
        format!("CP-{}G", model.name)
    };
    let mut class = format!("Cisco Systems, Inc. IP Phone {name}").into_bytes();
    class.push(0);
    class
}

/// How patient the client is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Patience {
    /// The first wait.
    pub initial: Duration,
    /// The wait stops doubling here.
    pub max: Duration,
    /// DISCOVERs sent before giving up on getting an offer.
    pub discovers: u32,
    /// REQUESTs sent before starting again.
    pub requests: u32,
    /// New starts after a NAK or an unanswered REQUEST.
    pub restarts: u32,
}

impl Patience {
    /// RFC 2131's backoff, bounded.
    pub const PHONE: Patience = Patience {
        initial: Duration::from_secs(4),
        max: Duration::from_secs(16),
        discovers: 5,
        requests: 4,
        restarts: 2,
    };
}

/// The lease a phone got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Lease {
    pub address: Ipv4Addr,
    /// The server that gave it (option 54, else the reply's source).
    pub server: Ipv4Addr,
    /// Option 1.
    pub subnet_mask: Option<Ipv4Addr>,
    /// Option 51, seconds.
    pub lease_time: Option<u32>,
    /// `siaddr`, when not zero.
    pub siaddr: Option<Ipv4Addr>,
    /// Option 150's data, as sent.
    #[serde(serialize_with = "hex_opt")]
    pub option150: Option<Vec<u8>>,
    /// Option 66's data, as sent.
    #[serde(serialize_with = "hex_opt")]
    pub option66: Option<Vec<u8>>,
    /// Every server that made an offer (up to eight).
    pub offers_from: Vec<Ipv4Addr>,
}

fn hex_opt<S: serde::Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(bytes) => s.serialize_str(&hex(bytes)),
        None => s.serialize_none(),
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where the phone's TFTP server came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TftpSource {
    /// Option 150 (what a phone prefers: "TFTP Svr set by opt150").
    #[serde(rename = "option-150")]
    Option150,
    /// Option 66, an address written as text.
    #[serde(rename = "option-66")]
    Option66,
    /// The `siaddr` field (next server).
    Siaddr,
    /// `--server`.
    Given,
}

impl TftpSource {
    pub fn words(self) -> &'static str {
        match self {
            TftpSource::Option150 => "option 150",
            TftpSource::Option66 => "option 66",
            TftpSource::Siaddr => "the next-server address (siaddr)",
            TftpSource::Given => "--server",
        }
    }
}

/// What a phone makes of a lease's TFTP options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TftpChoice {
    /// This server, from there; and what is worth saying about the rest.
    Server {
        address: Ipv4Addr,
        /// Where it came from.
        source: TftpSource,
        notes: Vec<String>,
    },
    /// Option 66 names a host; the simulator does not resolve names.
    HostName(String),
    /// Nothing usable: why.
    Nothing(String),
}

/// Chooses the TFTP server as a phone does: option 150 first, then option 66
/// (an address as text), then `siaddr`.
pub fn choose_tftp(lease: &Lease) -> TftpChoice {
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    let list = match &lease.option150 {
        None => {
            problems.push("no option 150".to_owned());
            None
        }
        Some(data) => match option150::decode_wire(data) {
            Some(list) => Some(list),
            None => {
                problems.push(format!(
                    "option 150 is malformed ({} bytes: {}; it must be 4 bytes per address)",
                    data.len(),
                    hex(data)
                ));
                None
            }
        },
    };
    let text66 = lease.option66.as_ref().map(|data| {
        let text = std::str::from_utf8(data)
            .ok()
            .map(|t| {
                t.trim_matches(|c: char| c == '\0' || c.is_whitespace())
                    .to_owned()
            })
            .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_graphic()));
        (data, text)
    });
    if let Some(list) = list {
        let first = list[0];
        if list.len() > 1 {
            notes.push(format!(
                "option 150 lists {} servers; the phone uses the first, {first}",
                list.len()
            ));
        }
        match &text66 {
            Some((_, Some(t))) if t.parse::<Ipv4Addr>().is_ok_and(|a| a != first) => {
                notes.push(format!(
                    "option 66 says {t} but option 150 says {first}; the phone follows option 150"
                ))
            }
            Some((data, None)) => notes.push(format!(
                "option 66 is not text ({}): {}",
                hex(data),
                unquoted_66_hint()
            )),
            None => notes.push("the server sends option 150 but no option 66".to_owned()),
            _ => {}
        }
        return TftpChoice::Server {
            address: first,
            source: TftpSource::Option150,
            notes,
        };
    }
    match text66 {
        Some((_, Some(text))) => match text.parse::<Ipv4Addr>() {
            Ok(address) => {
                notes.push(format!(
                    "{}; the phone used option 66 ({text}). Send option 150 too: it is what 79xx phones look for first",
                    problems.join(", ")
                ));
                return TftpChoice::Server {
                    address,
                    source: TftpSource::Option66,
                    notes,
                };
            }
            Err(_) => return TftpChoice::HostName(text),
        },
        Some((data, None)) => problems.push(format!(
            "option 66 is not text ({}): {}",
            hex(data),
            unquoted_66_hint()
        )),
        None => problems.push("no option 66".to_owned()),
    }
    if let Some(siaddr) = lease.siaddr {
        notes.push(format!(
            "{}; the phone used the next-server address (siaddr) {siaddr}. Send option 150",
            problems.join(", ")
        ));
        return TftpChoice::Server {
            address: siaddr,
            source: TftpSource::Siaddr,
            notes,
        };
    }
    problems.push("no next-server address (siaddr)".to_owned());
    TftpChoice::Nothing(problems.join(", "))
}

fn unquoted_66_hint() -> &'static str {
    "it holds an address's bytes where text belongs (in dnsmasq, quote the value: dhcp-option-force=66,\"ADDRESS\")"
}

/// Why the client gave up.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DhcpFailure {
    /// No OFFER.
    #[error("no DHCP server answered {discovers} DISCOVERs over {} s", waited.as_secs())]
    NoOffer {
        /// DISCOVERs sent.
        discovers: u32,
        waited: Duration,
    },
    /// OFFERs, but the REQUEST went unanswered every time.
    #[error("{server} offered {address} but never acknowledged the REQUEST")]
    NoAck { server: Ipv4Addr, address: Ipv4Addr },
    /// NAK after NAK.
    #[error("{server} refused the REQUEST (DHCPNAK{})", message.as_ref().map(|m| format!(": {m}")).unwrap_or_default())]
    Nak {
        server: Ipv4Addr,
        /// Its option 56.
        message: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    Selecting,
    Requesting {
        address: Ipv4Addr,
        server: Ipv4Addr,
        offer_had_150: bool,
    },
    Done,
}

/// The DHCP exchange of one phone.
#[derive(Debug)]
pub struct DhcpClient {
    mac: Mac,
    xid: u32,
    class: Vec<u8>,
    patience: Patience,
    state: State,
    started: Time,
    deadline: Time,
    rto: Duration,
    sends: u32,
    restarts: u32,
    offers_from: Vec<Ipv4Addr>,
    out: VecDeque<Vec<u8>>,
    result: Option<Result<Lease, DhcpFailure>>,
    notes: Vec<String>,
}

impl DhcpClient {
    /// Starts: the first DISCOVER is queued.
    pub fn new(now: Time, model: &Model, mac: Mac, xid: u32, patience: Patience) -> Self {
        let mut c = DhcpClient {
            mac,
            xid,
            class: vendor_class(model),
            patience,
            state: State::Selecting,
            started: now,
            deadline: now,
            rto: patience.initial,
            sends: 0,
            restarts: 0,
            offers_from: Vec::new(),
            out: VecDeque::new(),
            result: None,
            notes: Vec::new(),
        };
        c.discover(now);
        c
    }

    /// The next datagram, for 255.255.255.255:67.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.out.pop_front()
    }

    /// When [`DhcpClient::handle_timeout`] is due.
    pub fn poll_timeout(&self) -> Option<Time> {
        (self.state != State::Done).then_some(self.deadline)
    }

    /// The outcome, once there is one.
    pub fn result(&self) -> Option<&Result<Lease, DhcpFailure>> {
        self.result.as_ref()
    }

    /// Remarks worth a line in the report.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// A datagram received on port 68 from `source`.
    pub fn handle(&mut self, now: Time, source: Ipv4Addr, bytes: &[u8]) {
        let Ok(reply) = ServerReply::parse(bytes) else {
            return;
        };
        if reply.xid != self.xid || reply.chaddr != self.mac.0 {
            return;
        }
        let server = reply.server_id.unwrap_or(source);
        if reply.kind == 2
            && !self.offers_from.contains(&server)
            && self.offers_from.len() < MAX_SERVERS_SEEN
        {
            self.offers_from.push(server);
        }
        match (&self.state, reply.kind) {
            (State::Selecting, 2) if !reply.yiaddr.is_unspecified() => {
                self.state = State::Requesting {
                    address: reply.yiaddr,
                    server,
                    offer_had_150: reply.option150.is_some(),
                };
                self.sends = 0;
                self.rto = self.patience.initial;
                self.request(now);
            }
            (
                State::Requesting {
                    address,
                    server: chosen,
                    offer_had_150,
                },
                5,
            ) if server == *chosen => {
                if reply.yiaddr != *address && !reply.yiaddr.is_unspecified() {
                    self.notes.push(format!(
                        "{server} offered {address} but acknowledged {}",
                        reply.yiaddr
                    ));
                }
                if *offer_had_150 && reply.option150.is_none() {
                    self.notes.push(format!(
                        "{server} sent option 150 in its OFFER but not in its ACK; the phone reads the ACK"
                    ));
                }
                let address = if reply.yiaddr.is_unspecified() {
                    *address
                } else {
                    reply.yiaddr
                };
                self.finish(Ok(Lease {
                    address,
                    server,
                    subnet_mask: reply.subnet_mask,
                    lease_time: reply.lease_time,
                    siaddr: Some(reply.siaddr).filter(|a| !a.is_unspecified()),
                    option150: reply.option150,
                    option66: reply.option66,
                    offers_from: self.offers_from.clone(),
                }));
            }
            (State::Requesting { server: chosen, .. }, 6) if server == *chosen => {
                if self.restarts >= self.patience.restarts {
                    self.finish(Err(DhcpFailure::Nak {
                        server,
                        message: reply.message,
                    }));
                } else {
                    self.notes.push(format!(
                        "{server} refused the REQUEST (DHCPNAK); starting again"
                    ));
                    self.restart(now);
                }
            }
            _ => {}
        }
    }

    /// The wait from [`DhcpClient::poll_timeout`] has passed.
    pub fn handle_timeout(&mut self, now: Time) {
        if now < self.deadline {
            return;
        }
        match self.state.clone() {
            State::Selecting if self.sends >= self.patience.discovers => {
                self.finish(Err(DhcpFailure::NoOffer {
                    discovers: self.sends,
                    waited: now.saturating_duration_since(self.started),
                }));
            }
            State::Selecting => {
                self.rto = (self.rto * 2).min(self.patience.max);
                self.discover(now);
            }
            State::Requesting {
                address, server, ..
            } if self.sends >= self.patience.requests => {
                if self.restarts >= self.patience.restarts {
                    self.finish(Err(DhcpFailure::NoAck { server, address }));
                } else {
                    self.restart(now);
                }
            }
            State::Requesting { .. } => {
                self.rto = (self.rto * 2).min(self.patience.max);
                self.request(now);
            }
            State::Done => {}
        }
    }

    fn restart(&mut self, now: Time) {
        self.restarts += 1;
        self.state = State::Selecting;
        self.sends = 0;
        self.rto = self.patience.initial;
        self.discover(now);
    }

    fn finish(&mut self, result: Result<Lease, DhcpFailure>) {
        self.state = State::Done;
        self.result = Some(result);
    }

    fn discover(&mut self, now: Time) {
        let bytes = self.message(now, MessageType::Discover, &[]);
        self.send(now, bytes);
    }

    fn request(&mut self, now: Time) {
        let State::Requesting {
            address, server, ..
        } = self.state
        else {
            return;
        };
        let bytes = self.message(
            now,
            MessageType::Request,
            &[
                DhcpOption::RequestedIpAddress(address),
                DhcpOption::ServerIdentifier(server),
            ],
        );
        self.send(now, bytes);
    }

    fn send(&mut self, now: Time, bytes: Vec<u8>) {
        self.out.push_back(bytes);
        self.sends += 1;
        self.deadline = now + self.rto;
    }

    /// A DISCOVER or REQUEST as a phone writes it.
    fn message(&self, now: Time, kind: MessageType, extra: &[DhcpOption]) -> Vec<u8> {
        let zero = Ipv4Addr::UNSPECIFIED;
        let mut m = v4::Message::new_with_id(self.xid, zero, zero, zero, zero, &self.mac.0);
        let secs = now.saturating_duration_since(self.started).as_secs();
        m.set_secs(u16::try_from(secs).unwrap_or(u16::MAX))
            .set_flags(Flags::default().set_broadcast());
        let opts = m.opts_mut();
        opts.insert(DhcpOption::MessageType(kind));
        let mut client_id = vec![1];
        client_id.extend_from_slice(&self.mac.0);
        opts.insert(DhcpOption::ClientIdentifier(client_id));
        for o in extra {
            opts.insert(o.clone());
        }
        opts.insert(DhcpOption::MaxMessageSize(1500));
        opts.insert(DhcpOption::Hostname(self.mac.sep_name()));
        opts.insert(DhcpOption::ClassIdentifier(self.class.clone()));
        opts.insert(DhcpOption::ParameterRequestList(
            PARAMETER_REQUEST_LIST
                .iter()
                .map(|&c| OptionCode::from(c))
                .collect(),
        ));
        // Encoding a message built here from valid values cannot fail.
        let mut bytes = m.to_vec().unwrap_or_default();
        if bytes.len() < BOOTP_MIN_LEN {
            bytes.resize(BOOTP_MIN_LEN, 0);
        }
        bytes
    }
}

/// A DHCPRELEASE of `lease`, for its server's port 67: the simulator hands
/// its addresses back so that it leaves nothing behind in a real server.
pub fn release(model: &Model, mac: Mac, xid: u32, lease: &Lease) -> Vec<u8> {
    let zero = Ipv4Addr::UNSPECIFIED;
    let mut m = v4::Message::new_with_id(xid, lease.address, zero, zero, zero, &mac.0);
    let opts = m.opts_mut();
    opts.insert(DhcpOption::MessageType(MessageType::Release));
    opts.insert(DhcpOption::ServerIdentifier(lease.server));
    let mut client_id = vec![1];
    client_id.extend_from_slice(&mac.0);
    opts.insert(DhcpOption::ClientIdentifier(client_id));
    opts.insert(DhcpOption::ClassIdentifier(vendor_class(model)));
    let mut bytes = m.to_vec().unwrap_or_default();
    if bytes.len() < BOOTP_MIN_LEN {
        bytes.resize(BOOTP_MIN_LEN, 0);
    }
    bytes
}

#[cfg(test)]
mod tests;
