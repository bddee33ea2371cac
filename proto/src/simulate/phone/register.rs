//! Boot mode's last step: once the firmware checks out, the phone registers
//! its first SIP line with the proxy its configuration names, with the
//! credentials it names (`sip::register`), and the verdict says as whom, or
//! what failed.
//!
//! The configuration is the one the phone was served: `SEP<MAC>.cnf.xml`
//! (else `XMLDefault.cnf.xml`), or a 7940/7960's `SIP<MAC>.cnf` over
//! `SIPDefault.cnf`. An SCCP phone, or a configuration without a SIP line,
//! registers nothing and says so in a note. A proxy given as a name is looked
//! up by the driver ([`Phone::poll_lookup`], [`Phone::looked_up`]).
//!
//! The REGISTER's Via and Contact carry the leased address (no lease: the
//! unspecified address) and port 5060, as the phone would; the registrar
//! answers to the datagram's source (`rport`), so the shared socket the
//! driver sends from is where the answer comes back.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use lifeline_shared::config::cnf_xml::{self, SIP_PORT, ServedLine};
use lifeline_shared::config::sip79;
use lifeline_shared::models::Protocol;

use super::{Phone, SocketId, Transmit};
use crate::simulate::report::{Problem, Step, Verdict};
use crate::simulate::sip::register::{Credentials, Outcome, Registration};
use crate::tftp::time::Time;

/// Seconds a simulated phone asks to be registered for.
const EXPIRES: u32 = 3600;

/// The registration in progress.
#[derive(Debug)]
pub(super) struct Sip {
    line: ServedLine,
    /// The verdict the firmware earned, to amend.
    recovered: Verdict,
    /// The proxy's address, once known.
    proxy: Option<SocketAddr>,
    /// A name to look up, not yet handed to the driver.
    lookup: Option<String>,
    registration: Option<Registration>,
}

impl Phone {
    /// The firmware checked out: register (boot mode, a SIP line), or finish.
    pub(super) fn recovered(&mut self, now: Time, verdict: Verdict) {
        if self.mode != crate::simulate::spec::Scenario::Boot || !self.spec.register {
            return self.finish(now, verdict);
        }
        let lines = if self.is_79() {
            if self.spec.runs == Protocol::Sccp {
                self.notes.push(
                    "the phone runs an SCCP image: it registers with a Call Manager over SCCP, \
                     so no SIP registration is simulated"
                        .into(),
                );
                return self.finish(now, verdict);
            }
            sip79::sip_lines(
                self.served_79_own.as_deref(),
                self.served_79_default.as_deref(),
            )
            .map_err(|e| e.to_string())
        } else {
            let xml = self.served_xml.clone().unwrap_or_default();
            let summary = cnf_xml::parse(&xml).ok();
            if summary
                .as_ref()
                .and_then(|s| s.protocol.as_deref())
                .is_some_and(|p| p.eq_ignore_ascii_case("SCCP"))
            {
                self.notes.push(
                    "the configuration says deviceProtocol SCCP: the phone registers with a \
                     Call Manager over SCCP, so no SIP registration is simulated"
                        .into(),
                );
                return self.finish(now, verdict);
            }
            cnf_xml::sip_lines(&xml).map_err(|e| e.to_string())
        };
        let line = match lines {
            Ok(lines) => match lines.into_iter().next() {
                Some(line) => line,
                None => {
                    self.notes.push(
                        "the configuration has no SIP line with a name, so the phone registers \
                         nothing (an SCCP configuration, or lines still to be added)"
                            .into(),
                    );
                    return self.finish(now, verdict);
                }
            },
            Err(error) => {
                return self.stuck(now, Step::Register, None, Problem::BadConfig { error });
            }
        };
        if line.proxy.is_empty() {
            let user = line.user.clone();
            return self.stuck(now, Step::Register, None, Problem::SipNoProxy { user });
        }
        let port = if line.port == 0 { SIP_PORT } else { line.port };
        let mut sip = Sip {
            proxy: None,
            lookup: None,
            registration: None,
            line,
            recovered: verdict,
        };
        match sip.line.proxy.parse::<Ipv4Addr>() {
            Ok(ip) => sip.proxy = Some(SocketAddr::V4(SocketAddrV4::new(ip, port))),
            Err(_) => {
                self.events
                    .push_back(format!("looking up the SIP proxy {}", sip.line.proxy));
                sip.lookup = Some(sip.line.proxy.clone());
            }
        }
        self.sip = Some(sip);
        self.start_registration(now);
    }

    /// Whether the phone, up on its load, would register a SIP line (or find its
    /// configuration's lines unreadable, which [`Phone::recovered`] then says): boot
    /// mode, registering asked for, a SIP image or configuration with a line.
    pub(super) fn would_register(&self) -> bool {
        if self.mode != crate::simulate::spec::Scenario::Boot || !self.spec.register {
            return false;
        }
        if self.is_79() {
            return self.spec.runs == Protocol::Sip
                && sip79::sip_lines(
                    self.served_79_own.as_deref(),
                    self.served_79_default.as_deref(),
                )
                .map_or(true, |l| !l.is_empty());
        }
        let xml = self.served_xml.as_deref().unwrap_or_default();
        let sccp = cnf_xml::parse(xml)
            .ok()
            .and_then(|s| s.protocol)
            .is_some_and(|p| p.eq_ignore_ascii_case("SCCP"));
        !sccp && cnf_xml::sip_lines(xml).map_or(true, |l| !l.is_empty())
    }

    /// A SIP proxy name to look up, once: the driver answers with
    /// [`Phone::looked_up`].
    pub fn poll_lookup(&mut self) -> Option<String> {
        self.sip.as_mut()?.lookup.take()
    }

    /// What the lookup of `name` found: its IPv4 addresses, or why none.
    pub fn looked_up(&mut self, now: Time, name: &str, result: Result<Vec<Ipv4Addr>, String>) {
        let Some(sip) = self.sip.as_mut() else { return };
        if sip.proxy.is_some() || sip.line.proxy != name || self.verdict.is_some() {
            return;
        }
        let port = sip.line.port;
        match result.and_then(|a| {
            a.into_iter()
                .next()
                .ok_or_else(|| "no IPv4 address".to_owned())
        }) {
            Ok(ip) => {
                sip.proxy = Some(SocketAddr::V4(SocketAddrV4::new(ip, port)));
                self.start_registration(now);
            }
            Err(error) => {
                self.sip = None;
                self.stuck(
                    now,
                    Step::Register,
                    None,
                    Problem::SipUnresolved {
                        name: name.to_owned(),
                        error,
                    },
                );
            }
        }
        self.pump();
    }

    fn start_registration(&mut self, now: Time) {
        let local = self
            .lease
            .as_ref()
            .map_or(Ipv4Addr::UNSPECIFIED, |l| l.address);
        let seed = u64::from(self.xid) << 32
            ^ self
                .spec
                .mac
                .0
                .iter()
                .fold(0u64, |a, b| a << 8 | u64::from(*b));
        let agent = format!("Cisco-{}/lifeline-simulate", self.spec.model.name);
        let Some(sip) = self.sip.as_mut() else { return };
        let Some(proxy) = sip.proxy else { return };
        self.events.push_back(format!(
            "registering {} with {proxy} (as {})",
            sip.line.user, sip.line.auth_name
        ));
        let creds = Credentials {
            user: sip.line.user.clone(),
            auth_name: sip.line.auth_name.clone(),
            password: sip.line.password.clone(),
            display: Some(sip.line.display_name.clone()).filter(|d| !d.is_empty()),
            domain: sip.line.proxy.clone(),
            expires: EXPIRES,
        };
        sip.registration = Some(Registration::new(
            now,
            creds,
            format!("{local}:{SIP_PORT}"),
            agent,
            seed,
        ));
        self.after_sip(now);
    }

    /// A datagram on the SIP socket.
    pub(super) fn sip_bytes(&mut self, now: Time, from: SocketAddr, bytes: &[u8]) {
        if let Some(sip) = self.sip.as_mut()
            && Some(from) == sip.proxy
            && let Some(r) = sip.registration.as_mut()
        {
            r.handle(now, bytes);
            self.after_sip(now);
        }
    }

    pub(super) fn sip_timeout(&mut self, now: Time) {
        if let Some(r) = self.sip.as_mut().and_then(|s| s.registration.as_mut()) {
            r.handle_timeout(now);
            self.after_sip(now);
        }
    }

    pub(super) fn sip_poll_timeout(&self) -> Option<Time> {
        self.sip.as_ref()?.registration.as_ref()?.poll_timeout()
    }

    /// Whether the SIP socket is still needed.
    pub fn sip_live(&self) -> bool {
        self.sip.is_some()
    }

    /// Moves the REGISTERs out, and acts on the outcome.
    fn after_sip(&mut self, now: Time) {
        let Some(sip) = self.sip.as_mut() else { return };
        let (Some(r), Some(proxy)) = (sip.registration.as_mut(), sip.proxy) else {
            return;
        };
        while let Some(bytes) = r.poll_transmit() {
            self.out.push_back(Transmit {
                socket: SocketId::Sip,
                to: proxy,
                bytes,
            });
        }
        let Some(outcome) = r.outcome().cloned() else {
            return;
        };
        let Some(sip) = self.sip.take() else { return };
        let proxy_words = if sip.line.proxy == proxy.ip().to_string() {
            proxy.to_string()
        } else {
            format!("{} ({proxy})", sip.line.proxy)
        };
        let problem = match outcome {
            Outcome::Registered { .. } => {
                let who = format!("{} at {proxy_words}", sip.line.user);
                self.events.push_back(format!("registered as {who}"));
                let verdict = match sip.recovered {
                    Verdict::WouldRecover {
                        manifest,
                        load,
                        images,
                        bytes,
                        ..
                    } => Verdict::WouldRecover {
                        manifest,
                        load,
                        images,
                        bytes,
                        registered: Some(who),
                    },
                    Verdict::Upgrade(mut u) => {
                        u.registered = Some(who);
                        Verdict::Upgrade(u)
                    }
                    other => other,
                };
                return self.finish(now, verdict);
            }
            Outcome::NoAnswer { requests, waited } => Problem::SipNoAnswer {
                proxy: proxy_words,
                requests,
                waited_s: waited.as_secs(),
            },
            Outcome::Refused {
                status,
                reason,
                auth_name,
                realm,
            } => Problem::SipRefused {
                proxy: proxy_words,
                auth_name,
                domain: sip.line.proxy.clone(),
                status,
                reason,
                realm,
            },
            Outcome::Challenge(e) => Problem::SipChallenge {
                proxy: proxy_words,
                error: e.to_string(),
            },
            Outcome::Failed { status, reason } => Problem::SipFailed {
                proxy: proxy_words,
                status,
                reason,
            },
        };
        self.stuck(now, Step::Register, None, problem);
    }
}
