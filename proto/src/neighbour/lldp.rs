//! LLDP (IEEE 802.1AB) and the LLDP-MED extensions (ANSI/TIA-1057) a phone
//! sends. TLVs have a 7-bit type and a 9-bit length; the frame starts with
//! chassis id (1), port id (2) and TTL (3) and ends with End (0). Read:
//! port description 4, system name 5, system description 6, management
//! address 8, and organisation-specific 127: IEEE 802.1 (`00 80 C2`) port
//! VLAN 1; IEEE 802.3 (`00 12 0F`) power via MDI 2; TIA (`00 12 BB`)
//! network policy 2, extended power 4, hardware 5, firmware 6 and software 7
//! revisions, model name 10.

use std::net::Ipv4Addr;

use super::{Announcement, MAX_TLVS, NeighbourError, Via, keep_other, text};

/// TLV types.
pub mod tlv {
    pub const END: u8 = 0;
    pub const CHASSIS_ID: u8 = 1;
    pub const PORT_ID: u8 = 2;
    pub const TTL: u8 = 3;
    pub const PORT_DESCRIPTION: u8 = 4;
    pub const SYSTEM_NAME: u8 = 5;
    pub const SYSTEM_DESCRIPTION: u8 = 6;
    pub const CAPABILITIES: u8 = 7;
    pub const MANAGEMENT_ADDRESS: u8 = 8;
    pub const ORG: u8 = 127;
}

/// Organisation ids.
pub mod oui {
    pub const IEEE_8021: [u8; 3] = [0x00, 0x80, 0xc2];
    pub const IEEE_8023: [u8; 3] = [0x00, 0x12, 0x0f];
    pub const TIA: [u8; 3] = [0x00, 0x12, 0xbb];
}

/// LLDP-MED subtypes.
pub mod med {
    pub const CAPABILITIES: u8 = 1;
    pub const NETWORK_POLICY: u8 = 2;
    pub const EXTENDED_POWER: u8 = 4;
    pub const HARDWARE: u8 = 5;
    pub const FIRMWARE: u8 = 6;
    pub const SOFTWARE: u8 = 7;
    pub const SERIAL: u8 = 8;
    pub const MANUFACTURER: u8 = 9;
    pub const MODEL: u8 = 10;
}

/// A checked LLDP payload (after the EtherType).
#[derive(Clone, Copy, Debug)]
pub struct LldpView<'a> {
    bytes: &'a [u8],
}

impl<'a> LldpView<'a> {
    /// Checks that the frame starts with chassis id, port id and TTL.
    pub fn new_checked(bytes: &'a [u8]) -> Result<LldpView<'a>, NeighbourError> {
        let view = LldpView { bytes };
        let mut tlvs = view.tlvs();
        for (want, name) in [
            (tlv::CHASSIS_ID, "chassis id"),
            (tlv::PORT_ID, "port id"),
            (tlv::TTL, "time to live"),
        ] {
            match tlvs.next() {
                Some(Ok((kind, _))) if kind == want => {}
                Some(Err(e)) => return Err(e),
                _ => return Err(NeighbourError::LldpMandatory(name)),
            }
        }
        Ok(view)
    }

    /// The TLVs up to End, in order.
    pub fn tlvs(&self) -> Tlvs<'a> {
        Tlvs {
            rest: self.bytes,
            count: 0,
        }
    }
}

/// The TLVs of an [`LldpView`].
#[derive(Clone, Debug)]
pub struct Tlvs<'a> {
    rest: &'a [u8],
    count: usize,
}

impl<'a> Iterator for Tlvs<'a> {
    type Item = Result<(u8, &'a [u8]), NeighbourError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.len() < 2 {
            // Ends at End or at the frame's end (padding may be short).
            return None;
        }
        let head = u16::from_be_bytes([self.rest[0], self.rest[1]]);
        let kind = (head >> 9) as u8;
        let len = usize::from(head & 0x01ff);
        if kind == tlv::END {
            self.rest = &[];
            return None;
        }
        if self.count == MAX_TLVS {
            self.rest = &[];
            return Some(Err(NeighbourError::TooManyTlvs));
        }
        self.count += 1;
        if 2 + len > self.rest.len() {
            self.rest = &[];
            return Some(Err(NeighbourError::BadTlv {
                kind: u16::from(kind),
                len,
            }));
        }
        let value = &self.rest[2..2 + len];
        self.rest = &self.rest[2 + len..];
        Some(Ok((kind, value)))
    }
}

/// The announcement in a checked LLDP payload.
pub fn read(view: LldpView<'_>) -> Result<Announcement, NeighbourError> {
    let mut a = Announcement {
        via: Some(Via::Lldp { med: false }),
        ..Announcement::default()
    };
    let mut port_id = None;
    let mut port_description = None;
    let mut med_seen = false;
    for item in view.tlvs() {
        let (kind, v) = item?;
        match kind {
            tlv::CHASSIS_ID | tlv::CAPABILITIES => {}
            // Subtype, then the id: a MAC (3) is bytes, the rest text.
            tlv::PORT_ID => {
                port_id = match v.split_first() {
                    Some((3, mac)) if mac.len() == 6 => Some(hex(mac)),
                    Some((_, id)) => text(id),
                    None => None,
                }
            }
            tlv::TTL if v.len() == 2 => a.ttl = u16::from_be_bytes([v[0], v[1]]),
            tlv::PORT_DESCRIPTION => port_description = text(v),
            tlv::SYSTEM_NAME => a.name = text(v),
            tlv::SYSTEM_DESCRIPTION => a.description = text(v),
            tlv::MANAGEMENT_ADDRESS => {
                // Length (subtype + address), subtype 1 = IPv4, the address.
                if let [5, 1, b0, b1, b2, b3, ..] = v {
                    a.address.get_or_insert(Ipv4Addr::new(*b0, *b1, *b2, *b3));
                }
            }
            tlv::ORG if v.len() >= 4 => {
                let (org, sub, data) = ([v[0], v[1], v[2]], v[3], &v[4..]);
                med_seen |= org == oui::TIA;
                if !org_specific(&mut a, org, sub, data) {
                    keep_other(&mut a, u16::from(kind), v);
                }
            }
            _ => keep_other(&mut a, u16::from(kind), v),
        }
    }
    a.port = port_description.or(port_id);
    a.via = Some(Via::Lldp { med: med_seen });
    Ok(a)
}

/// Reads one organisation-specific TLV into `a`; false when not read.
fn org_specific(a: &mut Announcement, org: [u8; 3], sub: u8, d: &[u8]) -> bool {
    match (org, sub) {
        (oui::IEEE_8021, 1) if d.len() == 2 => {
            a.native_vlan = Some(u16::from_be_bytes([d[0], d[1]]))
        }
        // Power via MDI, 802.3at form: support, pair, class, type/source/
        // priority, then the requested power in 0.1 W.
        (oui::IEEE_8023, 2) if d.len() >= 6 => {
            a.power_mw
                .get_or_insert(u32::from(u16::from_be_bytes([d[4], d[5]])) * 100);
        }
        // Network policy: application type (1 = voice), then U/T/X and the
        // 12-bit VLAN id.
        (oui::TIA, med::NETWORK_POLICY) if d.len() >= 4 && d[0] == 1 => {
            let word = u32::from_be_bytes([0, d[1], d[2], d[3]]);
            let vlan = ((word >> 9) & 0x0fff) as u16;
            if vlan != 0 {
                a.voice_vlan = Some(vlan);
            }
        }
        // Extended power: type/source/priority, then the value in 0.1 W.
        (oui::TIA, med::EXTENDED_POWER) if d.len() >= 3 => {
            a.power_mw = Some(u32::from(u16::from_be_bytes([d[1], d[2]])) * 100);
        }
        (oui::TIA, med::HARDWARE) => a.hardware = text(d),
        (oui::TIA, med::FIRMWARE) => a.firmware = text(d),
        (oui::TIA, med::SOFTWARE) => a.software = text(d),
        (oui::TIA, med::MODEL) => a.platform = text(d),
        (oui::TIA, med::CAPABILITIES | med::SERIAL | med::MANUFACTURER) => {}
        _ => return false,
    }
    true
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Writes an LLDP-MED frame (Ethernet header included) announcing `a`, for
/// tests and the fuzz corpus.
pub fn emit(a: &Announcement) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&[0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e]);
    f.extend_from_slice(&a.source.0);
    f.extend_from_slice(&super::LLDP_ETHERTYPE.to_be_bytes());
    let mut put = |kind: u8, value: &[u8]| {
        let head = (u16::from(kind) << 9) | (value.len() as u16 & 0x01ff);
        f.extend_from_slice(&head.to_be_bytes());
        f.extend_from_slice(value);
    };
    let mut chassis = vec![4];
    chassis.extend_from_slice(&a.source.0);
    put(tlv::CHASSIS_ID, &chassis);
    let mut port = vec![7];
    port.extend_from_slice(a.port.as_deref().unwrap_or("Port 1").as_bytes());
    put(tlv::PORT_ID, &port);
    put(tlv::TTL, &a.ttl.to_be_bytes());
    if let Some(n) = &a.name {
        put(tlv::SYSTEM_NAME, n.as_bytes());
    }
    if let Some(d) = &a.description {
        put(tlv::SYSTEM_DESCRIPTION, d.as_bytes());
    }
    if let Some(ip) = a.address {
        let mut v = vec![5, 1];
        v.extend_from_slice(&ip.octets());
        v.extend_from_slice(&[1, 0, 0, 0, 0, 0]);
        put(tlv::MANAGEMENT_ADDRESS, &v);
    }
    let mut org = |o: [u8; 3], sub: u8, data: &[u8]| {
        let mut v = o.to_vec();
        v.push(sub);
        v.extend_from_slice(data);
        put(tlv::ORG, &v);
    };
    if let Some(v) = a.native_vlan {
        org(oui::IEEE_8021, 1, &v.to_be_bytes());
    }
    // MED capabilities: capabilities, policy, inventory; class III endpoint.
    org(oui::TIA, med::CAPABILITIES, &[0x00, 0x33, 0x03]);
    if let Some(v) = a.voice_vlan {
        let word = (1u32 << 22) | (u32::from(v & 0x0fff) << 9) | (5 << 6) | 46;
        let b = word.to_be_bytes();
        org(oui::TIA, med::NETWORK_POLICY, &[1, b[1], b[2], b[3]]);
    }
    if let Some(p) = a.power_mw {
        let tenths = (p / 100).min(65535) as u16;
        let b = tenths.to_be_bytes();
        org(oui::TIA, med::EXTENDED_POWER, &[0x53, b[0], b[1]]);
    }
    for (sub, field) in [
        (med::HARDWARE, &a.hardware),
        (med::FIRMWARE, &a.firmware),
        (med::SOFTWARE, &a.software),
        (med::MODEL, &a.platform),
    ] {
        if let Some(t) = field {
            org(oui::TIA, sub, t.as_bytes());
        }
    }
    put(tlv::END, &[]);
    f
}
