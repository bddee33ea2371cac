//! CDP: LLC/SNAP (`AA AA 03`, OUI `00 00 0C`, PID `0x2000`), then version,
//! TTL, checksum and TLVs of a 16-bit type and a 16-bit length that counts
//! its own 4-byte header. The TLVs a phone sends (Wireshark's `packet-cdp.c`
//! and the ladvd and lldpd daemons name the same numbers): device id 1,
//! addresses 2, port id 3, capabilities 4, software version 5, platform 6,
//! native VLAN 10, VoIP VLAN reply 14, power 16.

use std::net::Ipv4Addr;

use super::{Announcement, MAX_TLVS, NeighbourError, Via, keep_other, text};

/// LLC/SNAP header of a CDP frame.
pub const SNAP: [u8; 8] = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00];

/// TLV types read.
pub mod tlv {
    pub const DEVICE_ID: u16 = 0x0001;
    pub const ADDRESSES: u16 = 0x0002;
    pub const PORT_ID: u16 = 0x0003;
    pub const CAPABILITIES: u16 = 0x0004;
    pub const SOFTWARE: u16 = 0x0005;
    pub const PLATFORM: u16 = 0x0006;
    pub const NATIVE_VLAN: u16 = 0x000a;
    pub const VOIP_VLAN_REPLY: u16 = 0x000e;
    pub const POWER: u16 = 0x0010;
}

/// A checked CDP payload (after the 802.3 length).
#[derive(Clone, Copy, Debug)]
pub struct CdpView<'a> {
    bytes: &'a [u8],
}

impl<'a> CdpView<'a> {
    /// Checks the SNAP header and the CDP header.
    pub fn new_checked(bytes: &'a [u8]) -> Result<CdpView<'a>, NeighbourError> {
        if bytes.len() < SNAP.len() {
            return Err(NeighbourError::Truncated("LLC/SNAP header"));
        }
        if bytes[..SNAP.len()] != SNAP {
            return Err(NeighbourError::NotNeighbour);
        }
        if bytes.len() < SNAP.len() + 4 {
            return Err(NeighbourError::Truncated("CDP header"));
        }
        let view = CdpView { bytes };
        if !matches!(view.version(), 1 | 2) {
            return Err(NeighbourError::CdpVersion(view.version()));
        }
        Ok(view)
    }

    /// 1 or 2.
    pub fn version(&self) -> u8 {
        self.bytes[SNAP.len()]
    }

    /// Seconds the announcement holds.
    pub fn ttl(&self) -> u8 {
        self.bytes[SNAP.len() + 1]
    }

    /// The TLVs, in order; an impossible length ends the walk with an error.
    pub fn tlvs(&self) -> Tlvs<'a> {
        Tlvs {
            rest: &self.bytes[SNAP.len() + 4..],
            count: 0,
        }
    }
}

/// The TLVs of a [`CdpView`].
#[derive(Clone, Debug)]
pub struct Tlvs<'a> {
    rest: &'a [u8],
    count: usize,
}

impl<'a> Iterator for Tlvs<'a> {
    type Item = Result<(u16, &'a [u8]), NeighbourError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        if self.count == MAX_TLVS {
            self.rest = &[];
            return Some(Err(NeighbourError::TooManyTlvs));
        }
        self.count += 1;
        if self.rest.len() < 4 {
            let kind = if self.rest.len() >= 2 {
                u16::from_be_bytes([self.rest[0], self.rest[1]])
            } else {
                0
            };
            let len = self.rest.len();
            self.rest = &[];
            return Some(Err(NeighbourError::BadTlv { kind, len }));
        }
        let kind = u16::from_be_bytes([self.rest[0], self.rest[1]]);
        let len = usize::from(u16::from_be_bytes([self.rest[2], self.rest[3]]));
        if len < 4 || len > self.rest.len() {
            self.rest = &[];
            return Some(Err(NeighbourError::BadTlv { kind, len }));
        }
        let value = &self.rest[4..len];
        self.rest = &self.rest[len..];
        Some(Ok((kind, value)))
    }
}

/// The announcement in a checked CDP payload.
pub fn read(view: CdpView<'_>) -> Result<Announcement, NeighbourError> {
    let mut a = Announcement {
        via: Some(Via::Cdp(view.version())),
        ttl: u16::from(view.ttl()),
        ..Announcement::default()
    };
    for item in view.tlvs() {
        let (kind, v) = item?;
        match kind {
            tlv::DEVICE_ID => a.name = text(v),
            tlv::PORT_ID => a.port = text(v),
            tlv::SOFTWARE => a.software = text(v),
            tlv::PLATFORM => a.platform = text(v),
            tlv::ADDRESSES => a.address = first_ipv4(v),
            tlv::NATIVE_VLAN if v.len() == 2 => {
                a.native_vlan = Some(u16::from_be_bytes([v[0], v[1]]));
            }
            // One byte of data (1), then the VLAN.
            tlv::VOIP_VLAN_REPLY if v.len() >= 3 => {
                a.voice_vlan = Some(u16::from_be_bytes([v[1], v[2]]));
            }
            tlv::POWER if v.len() == 2 => {
                a.power_mw = Some(u32::from(u16::from_be_bytes([v[0], v[1]])));
            }
            _ => keep_other(&mut a, kind, v),
        }
    }
    Ok(a)
}

/// The first IPv4 address of an addresses TLV: a 32-bit count, then each
/// address as protocol type (1: NLPID), protocol length, protocol (`0xCC`
/// for IP), a 16-bit address length and the address.
fn first_ipv4(v: &[u8]) -> Option<Ipv4Addr> {
    let count = u32::from_be_bytes(v.get(..4)?.try_into().ok()?);
    let mut rest = &v[4..];
    for _ in 0..count.min(16) {
        let (&ptype, r) = rest.split_first()?;
        let (&plen, r) = r.split_first()?;
        let proto = r.get(..usize::from(plen))?;
        let r = &r[usize::from(plen)..];
        let alen = usize::from(u16::from_be_bytes(r.get(..2)?.try_into().ok()?));
        let addr = r.get(2..2 + alen)?;
        if ptype == 1 && proto == [0xcc] && alen == 4 {
            return Some(Ipv4Addr::new(addr[0], addr[1], addr[2], addr[3]));
        }
        rest = &r[2 + alen..];
    }
    None
}

/// Writes a CDP frame (Ethernet header included) announcing `a`, for tests and
/// the fuzz corpus: version, TTL and the fields read above, in that order.
pub fn emit(a: &Announcement, version: u8) -> Vec<u8> {
    let mut body = vec![version, a.ttl.min(255) as u8, 0, 0];
    let mut put = |kind: u16, value: &[u8]| {
        body.extend_from_slice(&kind.to_be_bytes());
        body.extend_from_slice(&((value.len() + 4) as u16).to_be_bytes());
        body.extend_from_slice(value);
    };
    if let Some(n) = &a.name {
        put(tlv::DEVICE_ID, n.as_bytes());
    }
    if let Some(ip) = a.address {
        let mut v = vec![0, 0, 0, 1, 1, 1, 0xcc, 0, 4];
        v.extend_from_slice(&ip.octets());
        put(tlv::ADDRESSES, &v);
    }
    if let Some(p) = &a.port {
        put(tlv::PORT_ID, p.as_bytes());
    }
    // Capabilities: host, phone (0x10 | 0x80).
    put(tlv::CAPABILITIES, &0x90u32.to_be_bytes());
    if let Some(s) = &a.software {
        put(tlv::SOFTWARE, s.as_bytes());
    }
    if let Some(p) = &a.platform {
        put(tlv::PLATFORM, p.as_bytes());
    }
    if let Some(v) = a.native_vlan {
        put(tlv::NATIVE_VLAN, &v.to_be_bytes());
    }
    if let Some(v) = a.voice_vlan {
        let b = v.to_be_bytes();
        put(tlv::VOIP_VLAN_REPLY, &[1, b[0], b[1]]);
    }
    if let Some(p) = a.power_mw {
        put(tlv::POWER, &(p.min(65535) as u16).to_be_bytes());
    }
    let sum = checksum(&body);
    body[2..4].copy_from_slice(&sum.to_be_bytes());
    let mut frame = Vec::with_capacity(22 + body.len());
    frame.extend_from_slice(&super::CDP_MULTICAST);
    frame.extend_from_slice(&a.source.0);
    frame.extend_from_slice(&((SNAP.len() + body.len()) as u16).to_be_bytes());
    frame.extend_from_slice(&SNAP);
    frame.extend_from_slice(&body);
    frame
}

/// The CDP checksum: the IP one's-complement sum over the CDP header and
/// TLVs, except for an odd last byte, which Cisco adds as a signed byte less
/// one when its top bit is set (`0xFF00 + b - 1`), else as itself. Wireshark's
/// dissector checks the same rule, and the tshark test holds this to it.
fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        sum += u32::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let [last] = chunks.remainder() {
        let b = u32::from(*last);
        sum += if b & 0x80 != 0 { 0xff00 + b - 1 } else { b };
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}
