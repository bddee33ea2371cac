//! Whom a served configuration registers a phone as, in the words its card
//! shows: the first SIP line's user at its proxy and port, an SCCP
//! configuration (it registers with the call manager over SCCP), or no SIP
//! line at all. Read through the same readers `lifeline simulate` uses
//! ([`cnf_xml::sip_lines`], [`sip79::sip_lines`]).
//!
//! Invariants: a [`Registers`] never holds a password (it has no field for
//! one), and each of its texts is at most [`MAX_TEXT`] characters, so an event
//! carrying one stays small whatever the file holds.

use serde::{Deserialize, Serialize};

use super::cnf_xml::{self, ServedLine};
use super::sip79;

/// The most characters of a user, auth name, proxy or error kept.
pub const MAX_TEXT: usize = 128;

/// Whom a configuration registers its phone as.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Registers {
    /// Its first SIP line: `user` at `proxy`:`port`, authenticating as
    /// `auth_name`. An empty `proxy` is a line that names none.
    Sip {
        user: String,
        auth_name: String,
        proxy: String,
        port: u16,
    },
    /// An SCCP configuration: the phone registers with the call manager over
    /// SCCP, not with a SIP registrar.
    Sccp,
    /// No SIP line with a name: the phone registers nowhere until one is
    /// configured.
    NoLine,
    /// The file cannot be read, so the phone registers nowhere.
    Unreadable {
        /// Why, as the reader said it.
        error: String,
    },
    /// A kind newer than this build knows.
    #[serde(other)]
    Other,
}

impl Registers {
    /// What a card says: `Registers as 1001 at 10.0.0.5:5060`.
    pub fn sentence(&self) -> String {
        match self {
            Registers::Sip { user, proxy, .. } if proxy.is_empty() => format!(
                "Would register as {user}, but its SIP line names no proxy: it registers nowhere until the line's proxy is set"
            ),
            Registers::Sip {
                user,
                auth_name,
                proxy,
                port,
            } => {
                let auth = if auth_name != user && !auth_name.is_empty() {
                    format!(" (authenticating as {auth_name})")
                } else {
                    String::new()
                };
                format!("Registers as {user} at {proxy}:{port}{auth}")
            }
            Registers::Sccp => {
                "An SCCP configuration: registers with the call manager over SCCP".into()
            }
            Registers::NoLine => "No SIP line: it registers nowhere until one is configured".into(),
            Registers::Unreadable { error } => {
                format!("Its configuration cannot be read ({error}), so it registers nowhere")
            }
            Registers::Other => "A registration this page does not know".into(),
        }
    }
}

/// At most [`MAX_TEXT`] characters of `s`.
fn clip(s: &str) -> String {
    s.chars().take(MAX_TEXT).collect()
}

fn first_line(lines: Vec<ServedLine>) -> Option<Registers> {
    let l = lines.into_iter().next()?;
    Some(Registers::Sip {
        user: clip(&l.user),
        auth_name: clip(&l.auth_name),
        proxy: clip(&l.proxy),
        port: l.port,
    })
}

/// Whom a `.cnf.xml` (`SEP<MAC>.cnf.xml`, `XMLDefault.cnf.xml`) registers
/// its phone as. SCCP when it says `deviceProtocol` SCCP, or has no SIP line
/// and names only SCCP loads or SCCP ports.
pub fn of_xml(xml: &str) -> Registers {
    let summary = match cnf_xml::parse(xml) {
        Ok(s) => s,
        Err(e) => {
            return Registers::Unreadable {
                error: clip(&e.to_string()),
            };
        }
    };
    if summary
        .protocol
        .as_deref()
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("SCCP"))
    {
        return Registers::Sccp;
    }
    match cnf_xml::sip_lines(xml) {
        Err(e) => Registers::Unreadable {
            error: clip(&e.to_string()),
        },
        Ok(lines) => first_line(lines).unwrap_or_else(|| {
            let sccp_loads = !summary.loads.is_empty()
                && summary.loads.iter().all(|l| {
                    l.load
                        .get(..4)
                        .is_some_and(|p| p.eq_ignore_ascii_case("SCCP"))
                });
            let sccp_ports = !summary.members.is_empty()
                && summary
                    .members
                    .iter()
                    .all(|m| m.sccp_port.is_some() && m.sip_port.is_none());
            if summary.protocol.is_none() && (sccp_loads || sccp_ports) {
                Registers::Sccp
            } else {
                Registers::NoLine
            }
        }),
    }
}

/// Whom a 7940/7960 SIP image registers as, from its own `SIP<MAC>.cnf`
/// over `SIPDefault.cnf` (either may be absent).
pub fn of_cnf79(own: Option<&str>, default: Option<&str>) -> Registers {
    match sip79::sip_lines(own, default) {
        Err(e) => Registers::Unreadable {
            error: clip(&e.to_string()),
        },
        Ok(lines) => first_line(lines).unwrap_or(Registers::NoLine),
    }
}

#[cfg(test)]
#[path = "registers_tests.rs"]
mod tests;
