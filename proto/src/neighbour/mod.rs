//! What a phone says about itself on the wire, before it asks for anything:
//! CDP (Cisco Discovery Protocol, versions 1 and 2) and LLDP with its
//! LLDP-MED inventory, read from one Ethernet frame.
//!
//! Two layers, as the TFTP codec: [`cdp::CdpView`] and [`lldp::LldpView`]
//! check the framing and walk the TLVs of untrusted bytes without copying;
//! [`Announcement::parse`] turns a frame into a value. No I/O: the helper's
//! listener hands each captured frame in.
//!
//! Invariants:
//! - parsing is linear in the frame and never panics; frames longer than
//!   [`MAX_FRAME`] and more than [`MAX_TLVS`] TLVs are errors, not truncations;
//! - text fields are cut at [`MAX_TEXT`] characters, control characters dropped;
//! - TLVs Lifeline does not read are kept ([`Announcement::other`]), at most
//!   [`MAX_OTHER`] of them, each cut at [`MAX_OTHER_BYTES`] bytes;
//! - a well-formed frame of another protocol is [`NeighbourError::NotNeighbour`],
//!   so a listener can count it apart from a malformed one.

pub mod cdp;
pub mod lldp;

use std::fmt;
use std::net::Ipv4Addr;

use lifeline_shared::config::mac::Mac;
use lifeline_shared::models::{self, Model};
use thiserror::Error;

/// The longest frame read (a jumbo frame).
pub const MAX_FRAME: usize = 9216;
/// The most TLVs one frame may carry.
pub const MAX_TLVS: usize = 128;
/// The most characters kept of one text field.
pub const MAX_TEXT: usize = 255;
/// The most unread TLVs kept.
pub const MAX_OTHER: usize = 32;
/// The most bytes kept of one unread TLV.
pub const MAX_OTHER_BYTES: usize = 64;

/// The destination of CDP frames.
pub const CDP_MULTICAST: [u8; 6] = [0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc];
/// The EtherType of LLDP.
pub const LLDP_ETHERTYPE: u16 = 0x88cc;

/// Which protocol an announcement came by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// CDP, this version (1 or 2).
    Cdp(u8),
    /// LLDP; `med` when it carried LLDP-MED TLVs.
    Lldp { med: bool },
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Via::Cdp(v) => write!(f, "CDPv{v}"),
            Via::Lldp { med: true } => f.write_str("LLDP-MED"),
            Via::Lldp { med: false } => f.write_str("LLDP"),
        }
    }
}

/// A TLV Lifeline does not read, kept as it came (cut at [`MAX_OTHER_BYTES`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherTlv {
    /// Its type (for LLDP organisation-specific TLVs: `127`).
    pub kind: u16,
    /// Its value, at most [`MAX_OTHER_BYTES`] bytes.
    pub value: Vec<u8>,
    /// Its full length.
    pub len: usize,
}

/// One announcement: what a device said about itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Announcement {
    /// CDP or LLDP.
    pub via: Option<Via>,
    /// The frame's source address.
    pub source: Mac,
    /// The device's name: CDP device id, LLDP system name (`SEP001122334455`).
    pub name: Option<String>,
    /// CDP platform or LLDP-MED model name (`Cisco IP Phone 7961`, `CP-7961G`).
    pub platform: Option<String>,
    /// The running software: CDP software version, LLDP-MED software revision
    /// (on Cisco phones the load name, `SCCP41.8-5-2S`).
    pub software: Option<String>,
    /// LLDP-MED firmware revision.
    pub firmware: Option<String>,
    /// LLDP-MED hardware revision.
    pub hardware: Option<String>,
    /// LLDP system description.
    pub description: Option<String>,
    /// The port it announces from (CDP port id, LLDP port id).
    pub port: Option<String>,
    /// Native (untagged) VLAN.
    pub native_vlan: Option<u16>,
    /// Voice VLAN (CDP VoIP VLAN reply, LLDP-MED network policy for voice).
    pub voice_vlan: Option<u16>,
    /// Power drawn or requested, in milliwatts.
    pub power_mw: Option<u32>,
    /// How long the announcement holds, in seconds (0: the device is leaving).
    pub ttl: u16,
    /// Its first IPv4 address, when it gave one.
    pub address: Option<Ipv4Addr>,
    /// TLVs not read above.
    pub other: Vec<OtherTlv>,
}

/// Why a frame is not an announcement.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum NeighbourError {
    /// Too short for what its headers say.
    #[error("the frame is cut short ({0})")]
    Truncated(&'static str),
    /// Longer than [`MAX_FRAME`].
    #[error("the frame is {0} bytes, more than the {MAX_FRAME} read")]
    TooLong(usize),
    /// Neither CDP nor LLDP.
    #[error("the frame is neither CDP nor LLDP")]
    NotNeighbour,
    /// A TLV whose length is impossible.
    #[error("TLV {kind} has a bad length {len}")]
    BadTlv { kind: u16, len: usize },
    /// More than [`MAX_TLVS`] TLVs.
    #[error("the frame has more than {MAX_TLVS} TLVs")]
    TooManyTlvs,
    /// A CDP version other than 1 or 2.
    #[error("CDP version {0} is not 1 or 2")]
    CdpVersion(u8),
    /// An LLDP frame without its mandatory chassis id, port id and TTL.
    #[error("the LLDP frame lacks its {0}")]
    LldpMandatory(&'static str),
}

impl Announcement {
    /// Reads one Ethernet frame (destination, source, then an 802.3 length
    /// with LLC/SNAP for CDP or the LLDP EtherType; one 802.1Q tag allowed).
    pub fn parse(frame: &[u8]) -> Result<Announcement, NeighbourError> {
        if frame.len() > MAX_FRAME {
            return Err(NeighbourError::TooLong(frame.len()));
        }
        if frame.len() < 14 {
            return Err(NeighbourError::Truncated("Ethernet header"));
        }
        let mut source = [0u8; 6];
        source.copy_from_slice(&frame[6..12]);
        let mut at = 12;
        let mut kind = u16::from_be_bytes([frame[12], frame[13]]);
        if kind == 0x8100 {
            if frame.len() < 18 {
                return Err(NeighbourError::Truncated("802.1Q tag"));
            }
            at = 16;
            kind = u16::from_be_bytes([frame[16], frame[17]]);
        }
        let payload = &frame[at + 2..];
        let mut a = if kind == LLDP_ETHERTYPE {
            lldp::read(lldp::LldpView::new_checked(payload)?)?
        } else if kind <= 1500 && frame[..6] == CDP_MULTICAST {
            // 802.3: the length covers LLC/SNAP and CDP; padding may follow.
            let len = usize::from(kind).min(payload.len());
            cdp::read(cdp::CdpView::new_checked(&payload[..len])?)?
        } else {
            return Err(NeighbourError::NotNeighbour);
        };
        a.source = Mac(source);
        Ok(a)
    }

    /// The phone's MAC: the one in a `SEP<MAC>` name, else the frame's source.
    pub fn mac(&self) -> Mac {
        self.name
            .as_deref()
            .and_then(|n| {
                n.get(..3)
                    .filter(|p| p.eq_ignore_ascii_case("SEP"))
                    .map(|_| &n[3..])
            })
            .and_then(|hex| hex.parse::<Mac>().ok())
            .unwrap_or(self.source)
    }

    /// The model it names, from the platform (`Cisco IP Phone 7961`,
    /// `CP-7961G`): its last word, as the catalogue spells models.
    pub fn model(&self) -> Option<&'static Model> {
        let platform = self.platform.as_deref()?;
        let word = platform.split_whitespace().last()?;
        models::model(word)
    }

    /// The load it runs, when its software field reads like a Cisco load name
    /// (`SCCP41.8-5-2S`, `SIP45.9-4-2SR3-1S`, `P0S3-8-12-00`).
    pub fn load(&self) -> Option<&str> {
        let s = self.software.as_deref()?.trim();
        (models::family_of_name(s).is_some()
            && lifeline_shared::firmware::version::Version::from_load_name(s).is_some())
        .then_some(s)
    }
}

/// Text as a device sent it: UTF-8 (lossy), without control characters or
/// surrounding blanks, at most [`MAX_TEXT`] characters; `None` when empty.
pub(crate) fn text(bytes: &[u8]) -> Option<String> {
    let s: String = String::from_utf8_lossy(bytes)
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_TEXT)
        .collect();
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Keeps an unread TLV, within the bounds.
pub(crate) fn keep_other(a: &mut Announcement, kind: u16, value: &[u8]) {
    if a.other.len() < MAX_OTHER {
        a.other.push(OtherTlv {
            kind,
            value: value[..value.len().min(MAX_OTHER_BYTES)].to_vec(),
            len: value.len(),
        });
    }
}

#[cfg(test)]
mod tests;
