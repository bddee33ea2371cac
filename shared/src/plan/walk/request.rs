//! What a request is to a walk, and what the walk says to serve for it.

use crate::config::mac::mac_in_name;
use crate::plan::retarget::Offer;

/// What a request is, to a walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ask {
    /// A configuration; its rank in the order a phone asks for them in one boot.
    Config(u8),
    /// A recovery manifest (or `OS79XX.TXT`).
    Recovery,
    /// A load manifest (`<LOAD>.loads`).
    Manifest,
    /// Anything else.
    Other,
}

/// The file name a request ends in (`certs/CTLSEP….tlv` → `CTLSEP….tlv`): what
/// tells which phone asks, and what it asks for.
pub fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Classifies a requested name. A boot asks for its configurations in this order
/// (any of them may be missing): `SEP<MAC>.cnf.xml`, `SIP<MAC>.cnf`,
/// `SEPDefault.cnf.xml`, `XMLDefault.cnf.xml`, `SIPDefault.cnf`; so a configuration
/// that comes no later in that order than the phone's last one begins a new boot.
pub fn ask_of(name: &str) -> Ask {
    let base = base_name(name);
    let l = base.to_ascii_lowercase();
    let own = mac_in_name(base).is_some();
    if own && l.starts_with("sep") && l.ends_with(".cnf.xml") {
        return Ask::Config(0);
    }
    if own && l.starts_with("sip") && l.ends_with(".cnf") {
        return Ask::Config(1);
    }
    match l.as_str() {
        "sepdefault.cnf.xml" => return Ask::Config(2),
        "xmldefault.cnf.xml" => return Ask::Config(3),
        "sipdefault.cnf" => return Ask::Config(4),
        _ => {}
    }
    if l == "os79xx.txt" || (l.starts_with("term") && l.ends_with(".default.loads")) {
        return Ask::Recovery;
    }
    if l.ends_with(".loads") {
        return Ask::Manifest;
    }
    Ask::Other
}

/// What to serve for a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Serve {
    /// The file as the bundle has it.
    AsIs,
    /// The configuration, made to name this.
    Config(Offer),
    /// This bundle file instead (a hop's recovery manifest).
    File(String),
    /// `OS79XX.TXT`'s text: the image to take.
    Text(String),
    /// "File not found": nothing may be offered yet.
    Hold,
}
