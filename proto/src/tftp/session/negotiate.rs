//! Option negotiation (RFC 2347–2349, RFC 7440): what a session agrees to
//! for a request's options. Options are answered only when asked, each within
//! the session's caps; an unknown option is ignored, never refused.

use serde::Serialize;

use super::Config;
use crate::tftp::packet::{DATA_HEADER, TftpOption};

/// RFC 1350's block size, used when the client asks for no other.
pub const DEFAULT_BLKSIZE: u16 = 512;
/// RFC 2348's limits.
pub const MIN_BLKSIZE: u16 = 8;
/// RFC 2348's limits.
pub const MAX_BLKSIZE: u16 = 65_464;

/// Whether a request asks for the transfer size (so a driver knows it must
/// compute the netascii size).
pub fn asks_tsize(options: &[TftpOption<'_>]) -> bool {
    options.iter().any(|o| o.name.eq_ignore_ascii_case("tsize"))
}

/// What was agreed with the client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Negotiated {
    /// Block size in use.
    pub blksize: u16,
    /// Window size in use.
    pub windowsize: u16,
    /// The client's timeout, if it set one (seconds).
    pub timeout: Option<u8>,
    /// The options acknowledged in the OACK, as sent.
    pub acknowledged: Vec<(String, String)>,
}

/// What to agree to for a request's `options` (RFC 2347–2349, 7440):
/// blksize, timeout, tsize (only when `size` is known) and windowsize, each
/// within `config`'s caps; anything else is ignored.
pub fn negotiate(options: &[TftpOption<'_>], size: Option<u64>, config: &Config) -> Negotiated {
    let mut blksize = DEFAULT_BLKSIZE;
    let mut windowsize: u16 = 1;
    let mut timeout = None;
    let mut acknowledged: Vec<(String, String)> = Vec::new();
    let mut seen = [false; 4];
    for option in options {
        let name = option.name;
        let value = option.value.trim();
        let slot = ["blksize", "timeout", "tsize", "windowsize"]
            .iter()
            .position(|known| name.eq_ignore_ascii_case(known));
        let Some(slot) = slot else { continue };
        if std::mem::replace(&mut seen[slot], true) {
            continue; // the first of a repeated option wins
        }
        match slot {
            0 => {
                if let Ok(asked) = value.parse::<u32>()
                    && (u32::from(MIN_BLKSIZE)..=u32::from(MAX_BLKSIZE)).contains(&asked)
                {
                    let granted =
                        (asked as u16).min(config.max_blksize.clamp(MIN_BLKSIZE, MAX_BLKSIZE));
                    blksize = granted;
                    acknowledged.push((name.to_owned(), granted.to_string()));
                }
            }
            1 => {
                if let Ok(secs) = value.parse::<u8>()
                    && secs >= 1
                {
                    timeout = Some(secs);
                    acknowledged.push((name.to_owned(), secs.to_string()));
                }
            }
            2 => {
                if let Some(size) = size {
                    acknowledged.push((name.to_owned(), size.to_string()));
                }
            }
            _ => {
                if let Ok(asked) = value.parse::<u16>()
                    && asked >= 1
                {
                    windowsize = asked; // capped below, once blksize is known
                    acknowledged.push((name.to_owned(), String::new()));
                }
            }
        }
    }
    let slot_len = DATA_HEADER + usize::from(blksize);
    let fit = (config.max_window_bytes / slot_len).max(1);
    let window_cap = usize::from(config.max_windowsize.max(1)).min(fit) as u16;
    windowsize = windowsize.min(window_cap);
    for (name, value) in &mut acknowledged {
        if name.eq_ignore_ascii_case("windowsize") {
            *value = windowsize.to_string();
        }
    }

    Negotiated {
        blksize,
        windowsize,
        timeout,
        acknowledged,
    }
}
