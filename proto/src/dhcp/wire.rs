//! The two layers between a datagram and the policy: a checked view of the
//! bytes, and a validated value.
//!
//! [`ClientMessage::parse`] is the only way untrusted bytes reach the policy:
//! it checks the fixed BOOTP header itself (length, opcode, hardware type and
//! length, magic cookie), walks the options as plain TLVs, and hands
//! `dhcproto` only the options the server reads ([`KEPT_OPTIONS`]); option 82
//! is kept as raw bytes, to be echoed verbatim. That way nothing downstream can
//! trip on a lying `hlen`, and `dhcproto`'s decoders for options we never read
//! (some assert on their length) never see hostile bytes. Option 61 (the
//! client identifier, which keys the client's lease) is kept raw too. A message without a
//! DHCP message type is refused. [`emit`] writes a reply, padded to the
//! BOOTP minimum.
//!
//! Invariants: parsing never panics and allocates at most a small multiple of
//! the datagram's length; a [`ClientMessage`] always has an Ethernet MAC and a
//! message type. An option whose length runs past the datagram ends the
//! options; `dhcproto` keeps the options it could read and stops at the first
//! malformed one (a wrong length for an address, say).

use std::net::Ipv4Addr;

use dhcproto::v4::{self, DhcpOption, MessageType, OptionCode};
use dhcproto::{Decodable as _, Encodable as _};
use lifeline_shared::config::mac::Mac;
use thiserror::Error;

use super::client_id::{self, ClientId, ClientKey};
use super::field;
use super::options::{self, END};
/// Replies are padded to this many bytes, as BOOTP clients expect (RFC 951).
pub const BOOTP_MIN_LEN: usize = 300;
/// The largest datagram read; a longer one is cut, and its options fail to parse.
pub const MAX_DATAGRAM: usize = 4096;
/// The options the server reads: requested address, message type, server
/// identifier, parameter request list, vendor class. The rest are dropped
/// before decoding (and option 82 is kept raw).
pub const KEPT_OPTIONS: [u8; 5] = [50, 53, 54, 55, 60];
/// Relay agent information (RFC 3046), echoed to the relay as received.
pub const RELAY_AGENT_INFO: u8 = 82;
/// The client identifier (RFC 2132 §9.14).
pub const CLIENT_ID: u8 = 61;
/// Option 82 may hold at most this much (one option's worth, RFC 3046); a
/// message carrying more is refused, so that replies stay small.
pub const MAX_RELAY_INFO: usize = 255;

/// Why a datagram is not a DHCP request the server answers.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum WireError {
    /// Shorter than the header and the cookie.
    #[error("{0} bytes is too short for a DHCP message (at least 240)")]
    TooShort(usize),
    /// A reply (op 2), or nonsense.
    #[error("op {0} is not a BOOTREQUEST")]
    NotRequest(u8),
    /// Not Ethernet with six-byte addresses.
    #[error("hardware type {htype}, length {hlen}: only Ethernet (1, 6) is served")]
    NotEthernet {
        /// `htype`.
        htype: u8,
        /// `hlen`.
        hlen: u8,
    },
    /// No DHCP magic cookie: plain BOOTP, or garbage.
    #[error("no DHCP magic cookie (found {0:02x?})")]
    NoCookie([u8; 4]),
    /// `dhcproto` could not read it.
    #[error("undecodable: {0}")]
    Decode(String),
    /// No option 53.
    #[error("no DHCP message type (option 53)")]
    NoMessageType,
    /// Option 82 longer than [`MAX_RELAY_INFO`].
    #[error("{0} bytes of relay agent information (at most 255)")]
    RelayInfoTooLong(usize),
    /// Option 61 longer than one option holds.
    #[error("a client identifier of {0} bytes (at most 255)")]
    ClientIdTooLong(usize),
}

/// A checked client message: Ethernet, with a message type.
#[derive(Clone, Debug)]
pub struct ClientMessage {
    /// The decoded message.
    pub message: v4::Message,
    /// The client's MAC (`chaddr`).
    pub mac: Mac,
    /// Option 53.
    pub kind: MessageType,
    /// Option 82's data, as received (concatenated if split).
    pub relay_info: Option<Vec<u8>>,
    /// Option 61, when sent and at least two bytes long (a shorter one is
    /// ignored, and the client known by its MAC).
    pub client_id: Option<ClientId>,
}

impl ClientMessage {
    /// Checks and decodes a datagram received on the server port.
    pub fn parse(bytes: &[u8]) -> Result<Self, WireError> {
        if bytes.len() < field::MIN_LEN {
            return Err(WireError::TooShort(bytes.len()));
        }
        if bytes[field::OP] != field::BOOTREQUEST {
            return Err(WireError::NotRequest(bytes[field::OP]));
        }
        let (htype, hlen) = (bytes[field::HTYPE], bytes[field::HLEN]);
        if htype != field::ETHERNET || hlen != field::ETHERNET_LEN {
            return Err(WireError::NotEthernet { htype, hlen });
        }
        let cookie: [u8; 4] = bytes[field::COOKIE].try_into().unwrap_or_default();
        if cookie != field::MAGIC_COOKIE {
            return Err(WireError::NoCookie(cookie));
        }
        let mac = Mac(bytes[field::CHADDR_MAC].try_into().unwrap_or_default());
        let Sifted {
            kept,
            relay_info,
            client_id,
        } = sift_options(bytes);
        if let Some(info) = &relay_info
            && info.len() > MAX_RELAY_INFO
        {
            return Err(WireError::RelayInfoTooLong(info.len()));
        }
        if let Some(id) = &client_id
            && id.len() > client_id::MAX_LEN
        {
            return Err(WireError::ClientIdTooLong(id.len()));
        }
        let client_id = client_id.as_deref().and_then(ClientId::new);
        let message =
            v4::Message::from_bytes(&kept).map_err(|e| WireError::Decode(e.to_string()))?;
        let kind = message.opts().msg_type().ok_or(WireError::NoMessageType)?;
        Ok(ClientMessage {
            message,
            mac,
            kind,
            relay_info,
            client_id,
        })
    }

    /// Who asks, as the lease table knows clients: option 61 when sent, and the MAC.
    pub fn client(&self) -> ClientKey {
        ClientKey {
            mac: self.mac,
            id: self.client_id.clone(),
        }
    }

    /// Option 60, the vendor class identifier.
    pub fn class_id(&self) -> Option<&[u8]> {
        match self.message.opts().get(OptionCode::ClassIdentifier) {
            Some(DhcpOption::ClassIdentifier(id)) => Some(id),
            _ => None,
        }
    }

    /// Option 50, the requested address.
    pub fn requested_ip(&self) -> Option<Ipv4Addr> {
        match self.message.opts().get(OptionCode::RequestedIpAddress) {
            Some(DhcpOption::RequestedIpAddress(a)) => Some(*a),
            _ => None,
        }
    }

    /// Option 54, the server identifier.
    pub fn server_id(&self) -> Option<Ipv4Addr> {
        match self.message.opts().get(OptionCode::ServerIdentifier) {
            Some(DhcpOption::ServerIdentifier(a)) => Some(*a),
            _ => None,
        }
    }

    /// Option 82, for echoing back to the relay.
    pub fn relay_info(&self) -> Option<&[u8]> {
        self.relay_info.as_deref()
    }

    /// `ciaddr`, when set.
    pub fn ciaddr(&self) -> Option<Ipv4Addr> {
        Some(self.message.ciaddr()).filter(|a| !a.is_unspecified())
    }

    /// `giaddr`, when set (the message came through a relay).
    pub fn giaddr(&self) -> Option<Ipv4Addr> {
        Some(self.message.giaddr()).filter(|a| !a.is_unspecified())
    }
}

/// What [`sift_options`] keeps.
struct Sifted {
    /// The header and cookie followed by the [`KEPT_OPTIONS`] only and an END.
    kept: Vec<u8>,
    /// Option 82's data.
    relay_info: Option<Vec<u8>>,
    /// Option 61's data.
    client_id: Option<Vec<u8>>,
}

/// Splits `bytes` (at least 240 long) into what `dhcproto` decodes and the
/// options kept raw.
fn sift_options(bytes: &[u8]) -> Sifted {
    let mut kept = Vec::with_capacity(bytes.len().min(MAX_DATAGRAM) + 1);
    kept.extend_from_slice(&bytes[..field::MIN_LEN]);
    let mut relay: Option<Vec<u8>> = None;
    let mut client_id: Option<Vec<u8>> = None;
    for (code, data) in options::walk(&bytes[field::OPTIONS]) {
        if KEPT_OPTIONS.contains(&code) {
            kept.push(code);
            // The walk read the length from one byte, so it fits in one.
            kept.push(data.len() as u8);
            kept.extend_from_slice(data);
        } else if code == RELAY_AGENT_INFO {
            relay.get_or_insert_with(Vec::new).extend_from_slice(data);
        } else if code == CLIENT_ID {
            client_id
                .get_or_insert_with(Vec::new)
                .extend_from_slice(data);
        }
    }
    kept.push(END);
    Sifted {
        kept,
        relay_info: relay,
        client_id,
    }
}

/// Writes a reply: `message`, then option 82 as the relay sent it (split
/// into 255-byte pieces), then END, padded with zeros to [`BOOTP_MIN_LEN`].
pub fn emit(message: &v4::Message, relay_info: Option<&[u8]>) -> Vec<u8> {
    let mut bytes = message.to_vec().unwrap_or_default();
    if let Some(info) = relay_info
        && bytes.last() == Some(&END)
    {
        bytes.pop();
        for piece in info.chunks(255) {
            bytes.push(RELAY_AGENT_INFO);
            bytes.push(piece.len() as u8);
            bytes.extend_from_slice(piece);
        }
        bytes.push(END);
    }
    if bytes.len() < BOOTP_MIN_LEN {
        bytes.resize(BOOTP_MIN_LEN, 0);
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal client message with the given options after the cookie.
    fn datagram(options: &[u8]) -> Vec<u8> {
        field::test_message(field::BOOTREQUEST, options)
    }

    #[test]
    fn reads_a_discover() {
        let m = ClientMessage::parse(&datagram(&[53, 1, 1, 255])).unwrap();
        assert_eq!(m.kind, MessageType::Discover);
        assert_eq!(m.mac.to_string(), "001B54010203");
        assert_eq!(
            (m.ciaddr(), m.giaddr(), m.requested_ip()),
            (None, None, None)
        );
    }

    #[test]
    fn refuses_what_is_not_a_client_request() {
        assert_eq!(
            ClientMessage::parse(&[]).unwrap_err(),
            WireError::TooShort(0)
        );
        assert_eq!(
            ClientMessage::parse(&[1; 239]).unwrap_err(),
            WireError::TooShort(239)
        );
        let mut reply = datagram(&[53, 1, 2, 255]);
        reply[field::OP] = field::BOOTREPLY;
        assert_eq!(
            ClientMessage::parse(&reply).unwrap_err(),
            WireError::NotRequest(2)
        );
        let mut lying = datagram(&[53, 1, 1, 255]);
        lying[field::HLEN] = 200;
        assert_eq!(
            ClientMessage::parse(&lying).unwrap_err(),
            WireError::NotEthernet {
                htype: 1,
                hlen: 200
            }
        );
        let mut bootp = datagram(&[53, 1, 1, 255]);
        bootp[field::COOKIE.start] = 0;
        assert!(matches!(
            ClientMessage::parse(&bootp),
            Err(WireError::NoCookie(_))
        ));
        assert_eq!(
            ClientMessage::parse(&datagram(&[255])).unwrap_err(),
            WireError::NoMessageType
        );
    }

    #[test]
    fn survives_truncated_and_lying_options() {
        // A length running past the end, an option 53 of length 0, a huge option 55.
        for options in [
            &[53, 1, 1, 60, 200, b'C'][..],
            &[53, 0, 255],
            &[53, 1],
            &[61, 255],
        ] {
            let _ = ClientMessage::parse(&datagram(options));
        }
        let mut huge = vec![53, 1, 1];
        for _ in 0..14 {
            huge.push(55);
            huge.push(255);
            huge.extend(1..=255u8);
        }
        huge.push(255);
        let m = ClientMessage::parse(&datagram(&huge)).unwrap();
        assert_eq!(m.kind, MessageType::Discover);
    }

    #[test]
    fn only_the_options_read_reach_the_decoder() {
        // Option 81 with length 1 and 155 with length 2 trip dhcproto's
        // debug assertions; they are dropped before it sees them.
        let m = ClientMessage::parse(&datagram(&[
            81, 1, 0, 155, 2, 0, 0, 151, 0, 53, 1, 3, 82, 3, 1, 1, 7, 82, 2, 2, 0, 50, 4, 10, 0, 0,
            5, 255,
        ]))
        .unwrap();
        assert_eq!(m.kind, MessageType::Request);
        assert_eq!(m.requested_ip(), Some(Ipv4Addr::new(10, 0, 0, 5)));
        assert_eq!(
            m.relay_info(),
            Some(&[1, 1, 7, 2, 0][..]),
            "split option 82 joined"
        );
        assert_eq!(m.message.opts().len(), 2);

        let mut long = vec![53, 1, 1];
        for _ in 0..2 {
            long.extend([82, 200]);
            long.extend([1u8; 200]);
        }
        long.push(255);
        assert_eq!(
            ClientMessage::parse(&datagram(&long)).unwrap_err(),
            WireError::RelayInfoTooLong(400)
        );
    }

    #[test]
    fn option_61_is_read_raw_and_keys_the_client() {
        let m = ClientMessage::parse(&datagram(&[
            53, 1, 1, 61, 7, 1, 0, 0x1b, 0x54, 1, 2, 3, 255,
        ]))
        .unwrap();
        let id = m.client_id.clone().unwrap();
        assert_eq!(id.to_string(), "01001b54010203");
        assert_eq!(m.client().id, Some(id));
        assert_eq!(m.client().mac, m.mac);
        // Split in two (RFC 3396): joined.
        let m =
            ClientMessage::parse(&datagram(&[53, 1, 1, 61, 2, 0, b'a', 61, 1, b'b', 255])).unwrap();
        assert_eq!(m.client_id.unwrap().as_bytes(), b"\0ab");
        // Too short to be one: the client is known by its MAC.
        for short in [&[53, 1, 1, 61, 0, 255][..], &[53, 1, 1, 61, 1, 9, 255]] {
            let m = ClientMessage::parse(&datagram(short)).unwrap();
            assert_eq!(m.client_id, None);
            assert_eq!(m.client().id, None);
        }
        let mut long = vec![53, 1, 1];
        for _ in 0..2 {
            long.extend([61, 200]);
            long.extend([1u8; 200]);
        }
        long.push(255);
        assert_eq!(
            ClientMessage::parse(&datagram(&long)).unwrap_err(),
            WireError::ClientIdTooLong(400)
        );
    }
}
