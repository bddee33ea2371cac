//! The checked view of a server's reply (a BOOTREPLY), for every reader of
//! other servers' replies: the simulated phone's DHCP client, and the helper's
//! probe for another DHCP server on the segment.
//!
//! Other servers' replies are untrusted, and `dhcproto` reads option 150 only
//! when it holds exactly one address, so replies are read here: options split
//! over several instances are joined (RFC 3396), and an overloaded `file` or
//! `sname` field is read (RFC 2132 option 52).
//!
//! Invariants: parsing never panics; a [`ServerReply`] is an Ethernet
//! BOOTREPLY with the DHCP magic cookie and a message type.

use std::net::Ipv4Addr;

use thiserror::Error;

use super::field;
use super::options;

/// Option 52's value when `file` holds options (bit 1) and `sname` (bit 2).
const OVERLOAD: u8 = 52;

/// Why a datagram is not a reply to read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ReplyError {
    /// Shorter than the header and cookie.
    #[error("{0} bytes is too short for a DHCP message")]
    TooShort(usize),
    /// Not op 2.
    #[error("op {0} is not a BOOTREPLY")]
    NotReply(u8),
    /// Not Ethernet.
    #[error("hardware type {htype}, length {hlen}: not Ethernet")]
    NotEthernet {
        /// `htype`.
        htype: u8,
        /// `hlen`.
        hlen: u8,
    },
    /// No magic cookie.
    #[error("no DHCP magic cookie")]
    NoCookie,
    /// No option 53.
    #[error("no DHCP message type")]
    NoMessageType,
}

/// A checked BOOTREPLY, with the options its readers use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerReply {
    /// Option 53 (2 OFFER, 5 ACK, 6 NAK).
    pub kind: u8,
    /// The transaction id.
    pub xid: u32,
    /// The client's MAC.
    pub chaddr: [u8; 6],
    /// The address offered.
    pub yiaddr: Ipv4Addr,
    /// The next server (`siaddr`).
    pub siaddr: Ipv4Addr,
    /// Option 54.
    pub server_id: Option<Ipv4Addr>,
    /// Option 1.
    pub subnet_mask: Option<Ipv4Addr>,
    /// Option 3's addresses.
    pub routers: Vec<Ipv4Addr>,
    /// Option 51, seconds.
    pub lease_time: Option<u32>,
    /// Option 150's data, as sent.
    pub option150: Option<Vec<u8>>,
    /// Option 66's data, as sent.
    pub option66: Option<Vec<u8>>,
    /// Option 56, a NAK's message.
    pub message: Option<String>,
}

impl ServerReply {
    /// Checks and reads a datagram a server sent.
    pub fn parse(bytes: &[u8]) -> Result<ServerReply, ReplyError> {
        if bytes.len() < field::MIN_LEN {
            return Err(ReplyError::TooShort(bytes.len()));
        }
        if bytes[field::OP] != field::BOOTREPLY {
            return Err(ReplyError::NotReply(bytes[field::OP]));
        }
        let (htype, hlen) = (bytes[field::HTYPE], bytes[field::HLEN]);
        if htype != field::ETHERNET || hlen != field::ETHERNET_LEN {
            return Err(ReplyError::NotEthernet { htype, hlen });
        }
        if bytes[field::COOKIE] != field::MAGIC_COOKIE {
            return Err(ReplyError::NoCookie);
        }
        let ip = |at: std::ops::Range<usize>| ipv4(&bytes[at]).unwrap_or(Ipv4Addr::UNSPECIFIED);
        let options = Options::read(bytes);
        let kind = match options.get(53).as_deref() {
            Some(&[k]) => k,
            _ => return Err(ReplyError::NoMessageType),
        };
        let address = |code: u8| options.get(code).as_deref().and_then(ipv4);
        Ok(ServerReply {
            kind,
            xid: u32::from_be_bytes(bytes[field::XID].try_into().unwrap_or_default()),
            chaddr: bytes[field::CHADDR_MAC].try_into().unwrap_or_default(),
            yiaddr: ip(field::YIADDR),
            siaddr: ip(field::SIADDR),
            server_id: address(54),
            subnet_mask: address(1),
            routers: options
                .get(3)
                .unwrap_or_default()
                .chunks_exact(4)
                .filter_map(ipv4)
                .collect(),
            lease_time: match options.get(51).as_deref() {
                Some(&[a, b, c, d]) => Some(u32::from_be_bytes([a, b, c, d])),
                _ => None,
            },
            option150: options.get(150),
            option66: options.get(66),
            message: options
                .get(56)
                .map(|m| String::from_utf8_lossy(&m).chars().take(200).collect()),
        })
    }
}

/// Exactly four bytes as an address.
fn ipv4(bytes: &[u8]) -> Option<Ipv4Addr> {
    match *bytes {
        [a, b, c, d] => Some(Ipv4Addr::new(a, b, c, d)),
        _ => None,
    }
}

/// The options of a message: code, data pieces in order.
struct Options<'a>(Vec<(u8, &'a [u8])>);

impl<'a> Options<'a> {
    /// Reads the options field, then `file` and `sname` when option 52 says
    /// they hold options.
    fn read(bytes: &'a [u8]) -> Options<'a> {
        let mut found: Vec<(u8, &[u8])> = options::walk(&bytes[field::OPTIONS]).collect();
        let overload = found
            .iter()
            .find(|(c, _)| *c == OVERLOAD)
            .and_then(|(_, d)| d.first().copied())
            .unwrap_or(0);
        if overload & 1 != 0 {
            found.extend(options::walk(&bytes[field::FILE]));
        }
        if overload & 2 != 0 {
            found.extend(options::walk(&bytes[field::SNAME]));
        }
        Options(found)
    }

    /// Every piece of option `code`, joined (RFC 3396).
    fn get(&self, code: u8) -> Option<Vec<u8>> {
        let mut pieces = self.0.iter().filter(|(c, _)| *c == code).peekable();
        pieces.peek()?;
        Some(pieces.flat_map(|(_, d)| d.iter().copied()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An ACK with `options` after its message type.
    fn ack(options: &[u8]) -> Vec<u8> {
        let mut all = vec![53, 1, 5];
        all.extend(options);
        all.push(options::END);
        field::test_message(field::BOOTREPLY, &all)
    }

    #[test]
    fn reads_split_and_overloaded_options() {
        // Option 150 in two pieces; option 66 in the overloaded sname field.
        let mut bytes = ack(&[150, 4, 10, 0, 0, 1, 52, 1, 2, 150, 4, 10, 0, 0, 2]);
        bytes[field::SNAME][..5].copy_from_slice(&[66, 2, b'h', b'i', 255]);
        let r = ServerReply::parse(&bytes).unwrap();
        assert_eq!(r.option150, Some(vec![10, 0, 0, 1, 10, 0, 0, 2]));
        assert_eq!(r.option66, Some(b"hi".to_vec()));
        assert_eq!(r.kind, 5);

        assert_eq!(ServerReply::parse(&[2; 10]), Err(ReplyError::TooShort(10)));
        let mut request = bytes.clone();
        request[field::OP] = field::BOOTREQUEST;
        assert_eq!(ServerReply::parse(&request), Err(ReplyError::NotReply(1)));
        // Lying lengths end the walk; nothing panics.
        for cut in 240..bytes.len() {
            let _ = ServerReply::parse(&bytes[..cut]);
        }
    }
}
