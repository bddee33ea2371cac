//! One registration as a phone makes it: REGISTER over UDP, the digest
//! challenge answered, the result in words. No I/O, handed the time.
//!
//! The driver sends what [`Registration::poll_transmit`] returns to
//! the proxy the line is configured with, feeds every datagram from there to
//! [`Registration::handle`], calls [`Registration::handle_timeout`] once
//! [`Registration::poll_timeout`] has passed, and stops at
//! [`Registration::outcome`].
//!
//! Each REGISTER is a non-INVITE client transaction (RFC 3261 §17.1.2):
//! retransmitted at timer E (T1, doubling up to T2, and T2 once a provisional
//! answer came), given up at timer F (64·T1). A 401/407 is answered once with
//! the credentials (again only if the registrar says the nonce was `stale`);
//! a 423 once with its `Min-Expires`. So at most [`MAX_REQUESTS`] requests
//! are sent, and the whole registration ends within that many timer Fs.

use std::time::Duration;

use super::digest::{Algorithm, Challenge, ChallengeError};
use super::message::{Register, Response, param};
use crate::tftp::time::Time;

/// RFC 3261's T1, the round-trip estimate.
pub const T1: Duration = Duration::from_millis(500);
/// RFC 3261's T2, the longest retransmission interval of a non-INVITE request.
pub const T2: Duration = Duration::from_secs(4);
/// Timer F: a transaction with no final answer by then has failed.
pub const TIMER_F: Duration = Duration::from_secs(32);
/// The most REGISTERs one registration sends (first, challenged, stale nonce, 423).
pub const MAX_REQUESTS: u32 = 4;

/// What a line registers with: from the configuration the phone was served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// The line's user (`name`), the address of record's user part.
    pub user: String,
    /// The digest username (`authName`, else the user).
    pub auth_name: String,
    pub password: String,
    pub display: Option<String>,
    /// The domain in the request URI and the address of record: the proxy as
    /// configured (a name or an address).
    pub domain: String,
    /// Requested registration time, seconds.
    pub expires: u32,
}

/// How the registration ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// 200 OK: registered for `expires` seconds (as the registrar granted).
    Registered { expires: Option<u32> },
    /// No final answer to a REGISTER within timer F.
    NoAnswer { requests: u32, waited: Duration },
    /// The credentials were refused: a second 401/407 after answering, or a 403.
    Refused {
        status: u16,
        reason: String,
        auth_name: String,
        /// The realm the registrar challenged with, if it did.
        realm: Option<String>,
    },
    /// The registrar's challenge cannot be answered.
    Challenge(ChallengeError),
    /// Another final answer.
    Failed { status: u16, reason: String },
}

#[derive(Debug)]
struct Attempt {
    branch: String,
    cseq: u32,
    bytes: Vec<u8>,
    started: Time,
    next: Time,
    interval: Duration,
    provisional: bool,
}

/// One registration.
#[derive(Debug)]
pub struct Registration {
    creds: Credentials,
    local: String,
    agent: String,
    seed: u64,
    call_id: String,
    tag: String,
    cseq: u32,
    requests: u32,
    expires: u32,
    /// The challenge answered, and the status (401 or 407) that carried it.
    challenged: Option<(u16, Challenge)>,
    nc: u32,
    min_expires_tried: bool,
    attempt: Option<Attempt>,
    out: Vec<Vec<u8>>,
    outcome: Option<Outcome>,
    first_sent: Time,
}

impl Registration {
    /// Starts at `now`: the first REGISTER is ready to send. `local` is the
    /// phone's `address:port`, `seed` makes its Call-ID, tag, branches and
    /// cnonce (any number; different phones, different seeds).
    pub fn new(now: Time, creds: Credentials, local: String, agent: String, seed: u64) -> Self {
        let mut r = Registration {
            call_id: format!("{seed:016x}@{}", host_of(&local)),
            tag: format!("{:08x}", seed.rotate_left(17) as u32),
            expires: creds.expires,
            creds,
            local,
            agent,
            seed,
            cseq: 0,
            requests: 0,
            challenged: None,
            nc: 0,
            min_expires_tried: false,
            attempt: None,
            out: Vec::new(),
            outcome: None,
            first_sent: now,
        };
        r.send(now, None);
        r
    }

    /// The next datagram to send to the proxy.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        (!self.out.is_empty()).then(|| self.out.remove(0))
    }

    /// When [`Registration::handle_timeout`] is due.
    pub fn poll_timeout(&self) -> Option<Time> {
        let a = self.attempt.as_ref()?;
        Some(a.next.min(a.started + TIMER_F))
    }

    /// How it ended, once it has.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// How many REGISTERs were sent (retransmissions not counted).
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// Timers E and F.
    pub fn handle_timeout(&mut self, now: Time) {
        let Some(a) = &mut self.attempt else { return };
        if now >= a.started + TIMER_F {
            self.attempt = None;
            self.outcome = Some(Outcome::NoAnswer {
                requests: self.requests,
                waited: now.saturating_duration_since(self.first_sent),
            });
            return;
        }
        if now >= a.next {
            self.out.push(a.bytes.clone());
            a.interval = if a.provisional {
                T2
            } else {
                (a.interval * 2).min(T2)
            };
            a.next = now + a.interval;
        }
    }

    /// A datagram from the proxy. Anything that is not an answer to the
    /// REGISTER in flight is ignored.
    pub fn handle(&mut self, now: Time, bytes: &[u8]) {
        let Some(a) = &mut self.attempt else { return };
        let Ok(resp) = Response::parse(bytes) else {
            return;
        };
        if resp.via_branch() != Some(a.branch.as_str()) || resp.cseq() != Some((a.cseq, "REGISTER"))
        {
            return;
        }
        if resp.status < 200 {
            if !a.provisional {
                a.provisional = true;
                a.next = now + T2;
            }
            return;
        }
        self.attempt = None;
        let status = resp.status;
        match status {
            200..=299 => {
                self.outcome = Some(Outcome::Registered {
                    expires: granted(&resp, &self.creds.user),
                })
            }
            401 | 407 => self.challenged(now, &resp),
            423 if !self.min_expires_tried => {
                self.min_expires_tried = true;
                match resp.header("Min-Expires").and_then(|v| v.parse().ok()) {
                    Some(min) => {
                        self.expires = min;
                        let auth = self.authorization();
                        self.send(now, auth);
                    }
                    None => self.fail(&resp),
                }
            }
            403 => {
                self.outcome = Some(Outcome::Refused {
                    status,
                    reason: resp.reason.clone(),
                    auth_name: self.creds.auth_name.clone(),
                    realm: self.challenged.as_ref().map(|(_, c)| c.realm.clone()),
                })
            }
            _ => self.fail(&resp),
        }
    }

    fn challenged(&mut self, now: Time, resp: &Response) {
        let header = if resp.status == 407 {
            "Proxy-Authenticate"
        } else {
            "WWW-Authenticate"
        };
        // A registrar may offer several algorithms: SHA-256 first (RFC 8760 §2.4).
        let offers: Vec<Result<Challenge, ChallengeError>> =
            resp.all(header).take(8).map(Challenge::parse).collect();
        let best = offers
            .iter()
            .filter_map(|o| o.as_ref().ok())
            .max_by_key(|c| matches!(c.algorithm, Algorithm::Sha256 | Algorithm::Sha256Sess))
            .cloned();
        let challenge = match (best, offers.into_iter().next()) {
            (Some(c), _) => c,
            (None, Some(Err(e))) => return self.outcome = Some(Outcome::Challenge(e)),
            (None, _) => {
                return self.outcome = Some(Outcome::Challenge(ChallengeError::Missing(
                    "WWW-Authenticate header",
                )));
            }
        };
        let answered_before = self.challenged.is_some();
        if answered_before && !challenge.stale || self.requests >= MAX_REQUESTS {
            self.outcome = Some(Outcome::Refused {
                status: resp.status,
                reason: resp.reason.clone(),
                auth_name: self.creds.auth_name.clone(),
                realm: Some(challenge.realm),
            });
            return;
        }
        self.challenged = Some((resp.status, challenge));
        self.nc = 0;
        let auth = self.authorization();
        self.send(now, auth);
    }

    /// The answer to the challenge in hand, for the next request.
    fn authorization(&mut self) -> Option<(&'static str, String)> {
        let (status, c) = self.challenged.as_ref()?;
        self.nc += 1;
        let cnonce = format!(
            "{:016x}",
            self.seed ^ u64::from(self.nc).wrapping_mul(0x9e37_79b9_7f4a_7c15)
        );
        let uri = format!("sip:{}", self.creds.domain);
        let value = c.answer(
            &self.creds.auth_name,
            &self.creds.password,
            "REGISTER",
            &uri,
            &cnonce,
            self.nc,
        );
        let name = if *status == 407 {
            "Proxy-Authorization"
        } else {
            "Authorization"
        };
        Some((name, value))
    }

    fn fail(&mut self, resp: &Response) {
        self.outcome = Some(Outcome::Failed {
            status: resp.status,
            reason: resp.reason.clone(),
        });
    }

    fn send(&mut self, now: Time, authorization: Option<(&'static str, String)>) {
        self.cseq += 1;
        self.requests += 1;
        let branch = format!("z9hG4bK{:012x}{}", self.seed & 0xffff_ffff_ffff, self.cseq);
        let bytes = Register {
            domain: self.creds.domain.clone(),
            user: self.creds.user.clone(),
            display: self.creds.display.clone(),
            local: self.local.clone(),
            branch: branch.clone(),
            tag: self.tag.clone(),
            call_id: self.call_id.clone(),
            cseq: self.cseq,
            expires: self.expires,
            authorization,
            user_agent: self.agent.clone(),
        }
        .to_bytes();
        self.out.push(bytes.clone());
        self.attempt = Some(Attempt {
            branch,
            cseq: self.cseq,
            bytes,
            started: now,
            next: now + T1,
            interval: T1,
            provisional: false,
        });
    }
}

/// The expiry the registrar granted: the `expires` of our Contact, else the
/// `Expires` header.
fn granted(resp: &Response, user: &str) -> Option<u32> {
    let ours = format!("sip:{user}@");
    resp.all("Contact")
        .flat_map(|v| v.split(','))
        .find(|c| c.contains(&ours))
        .and_then(|c| param(c, "expires"))
        .or_else(|| resp.header("Expires"))
        .and_then(|v| v.trim().parse().ok())
}

fn host_of(local: &str) -> &str {
    local.rsplit_once(':').map_or(local, |(h, _)| h)
}

#[cfg(test)]
mod tests;
