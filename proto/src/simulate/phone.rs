//! One simulated phone: DHCP, then the files a 79xx fetches, then a verdict.
//! No I/O and handed the time, so the whole sequence runs in unit tests on a
//! virtual clock.
//!
//! The driver sends what [`Phone::poll_transmit`] returns from the socket it
//! names ([`SocketId`]: the DHCP socket on port 68, or a fresh TFTP socket per
//! transfer, opened on first use), feeds every datagram a socket receives to
//! [`Phone::handle`], calls [`Phone::handle_timeout`] when
//! [`Phone::poll_timeout`] has passed, and closes every TFTP socket for which
//! [`Phone::is_live`] turns false. It stops when [`Phone::is_finished`].
//!
//! The sequence a 79xx follows:
//! - recovery (after a wipe): `termNN.default.loads`, then each image it
//!   lists, in order;
//! - boot: `CTLSEP<MAC>.tlv`, `ITLSEP<MAC>.tlv`, `ITLFile.tlv` (each may be
//!   missing), `SEP<MAC>.cnf.xml` else `XMLDefault.cnf.xml`, its
//!   `loadInformation` for the model's device id, `<LOAD>.loads`, the images.
//! - a 7940/7960 follows its own order (`boot79`: `OS79XX.TXT` after a reset,
//!   the SIP image's `.cnf` files).
//! - given the load it runs ([`PhoneSpec::running`]), it keeps that load, takes the
//!   one it is offered and reboots, or refuses it and reboots, as `loads` says, until
//!   it settles; the verdict names the loads it ran.
//!
//! A phone whose spec says [`Transport::Http`] asks each file over HTTP
//! first (`phone/http.rs`): `GET /<file>` on the TFTP server's HTTP port, and
//! TFTP from then on when nothing answers there.
//!
//! This file holds the phone as its driver sees it, and how a run ends. The
//! rest is in rooms of its own: `dhcp` (the lease and the TFTP server it
//! names), `sequence` (the order of the files and what each leads to), `fetch`
//! (one file asked for, and its record), `boot79`, `http`, `loads` and
//! `register`.
//!
//! Every signed file's embedded name (tag 14) is compared with the name asked
//! for. Names that differ only in case are accepted with a note: the phones
//! reported stuck on `Jar…`/`jar…` were stuck on "File not found" from a
//! case-sensitive server, not on the name inside the file.
//!
//! Invariants: every wait is bounded (the transfers' and DHCP's own retries,
//! and [`PhoneSpec::time_limit`] over everything), so a phone always reaches
//! a verdict; the first problem is the verdict and nothing is fetched after
//! it; memory per phone is a few small files and one image header.
//!
//! [`Transport::Http`]: crate::simulate::spec::Transport::Http

use std::collections::VecDeque;
use std::net::{SocketAddr, SocketAddrV4};

use lifeline_shared::firmware::manifest::ImageLine;

use super::dhcp_client::{self, DhcpClient, Lease, TftpSource};
use super::report::{FileRecord, PhoneReport, Problem, Step, Stuck, Verdict};
use super::spec::{Network, PhoneSpec, Scenario};
use super::tftp_client::{Failure, Transfer};
use crate::tftp::time::Time;

/// Which of the phone's sockets a datagram goes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SocketId {
    /// Port 68 on the interface, broadcast allowed.
    Dhcp,
    /// One TFTP transfer's socket (its TID), by transfer number.
    Tftp(u32),
    /// One HTTP GET's TCP connection, by transfer number: opened to
    /// [`Transmit::to`] with its first bytes; what happens to it goes to
    /// [`Phone::handle_connection`].
    Http(u32),
    /// The SIP socket (UDP), opened for the registration after a boot.
    Sip,
}

/// A datagram to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmit {
    /// From which socket.
    pub socket: SocketId,
    pub to: SocketAddr,
    pub bytes: Vec<u8>,
}

#[derive(Debug)]
struct Current {
    id: u32,
    step: Step,
    transfer: Transfer,
    started: Time,
}

/// One simulated phone.
#[derive(Debug)]
pub struct Phone {
    spec: PhoneSpec,
    /// This boot's scenario: the spec's, then [`Scenario::Boot`] after a reboot.
    mode: Scenario,
    /// The load it runs and what it ran, when the spec gives one (see `loads`).
    runs: Option<loads::Runs>,
    xid: u32,
    started: Time,
    deadline: Time,
    dhcp: Option<DhcpClient>,
    lease: Option<Lease>,
    server: Option<SocketAddr>,
    source: Option<TftpSource>,
    current: Option<Current>,
    dallying: Vec<(u32, Transfer)>,
    /// The GET running, for a phone that asks HTTP first (see `http`).
    http: Option<http::Current>,
    /// Nothing answered on the HTTP port: TFTP from now on.
    http_off: bool,
    next_id: u32,
    /// Boot mode: security files still to ask for.
    security: VecDeque<String>,
    /// A 7940/7960 SIP image: its configuration files still to ask for, the
    /// `image_version` of its own file and of the default, and the files it read.
    sip_queue: VecDeque<(Step, String)>,
    sip_image_own: Option<String>,
    sip_image_default: Option<String>,
    sip_read: Vec<String>,
    /// The manifest being followed and its images still to fetch.
    manifest: Option<String>,
    images: VecDeque<ImageLine>,
    /// The line of the image being fetched (its stated size and MD5).
    image_line: Option<ImageLine>,
    image_count: usize,
    /// Optional (`#+`) images the server did not have.
    optional_absent: usize,
    load: Option<String>,
    bytes: u64,
    files: Vec<FileRecord>,
    notes: Vec<String>,
    out: VecDeque<Transmit>,
    events: VecDeque<String>,
    verdict: Option<Verdict>,
    finished_at: Option<Time>,
    /// The configuration served (boot mode), for its SIP lines: the XML, or a
    /// 7940/7960's own `.cnf` and `SIPDefault.cnf`.
    served_xml: Option<String>,
    served_79_own: Option<String>,
    served_79_default: Option<String>,
    /// The registration after a boot (see `register`).
    sip: Option<register::Sip>,
}

impl Phone {
    /// A phone switched on at `now`.
    pub fn new(now: Time, spec: PhoneSpec, network: Network) -> Self {
        let model = spec.model;
        let mac = spec.mac;
        let mut phone = Phone {
            mode: spec.mode,
            runs: spec.running.clone().map(loads::Runs::new),
            deadline: now + spec.time_limit,
            spec,
            xid: 0,
            started: now,
            dhcp: None,
            lease: None,
            server: None,
            source: None,
            current: None,
            dallying: Vec::new(),
            http: None,
            http_off: false,
            next_id: 0,
            security: VecDeque::new(),
            sip_queue: VecDeque::new(),
            sip_image_own: None,
            sip_image_default: None,
            sip_read: Vec::new(),
            manifest: None,
            images: VecDeque::new(),
            image_line: None,
            image_count: 0,
            optional_absent: 0,
            load: None,
            bytes: 0,
            files: Vec::new(),
            notes: Vec::new(),
            out: VecDeque::new(),
            events: VecDeque::new(),
            verdict: None,
            finished_at: None,
            served_xml: None,
            served_79_own: None,
            served_79_default: None,
            sip: None,
        };
        match network {
            Network::Dhcp { xid } => {
                phone.xid = xid;
                phone.dhcp = Some(DhcpClient::new(
                    now,
                    model,
                    mac,
                    xid,
                    dhcp_client::Patience::PHONE,
                ));
                phone.after_dhcp(now);
            }
            Network::Server(server) => {
                phone.server = Some(server);
                phone.source = Some(TftpSource::Given);
                phone.begin(now);
            }
        }
        phone.pump();
        phone
    }

    /// The phone's `SEP<MAC>` name.
    pub fn name(&self) -> String {
        self.spec.mac.sep_name()
    }

    /// A datagram that arrived at `socket` from `from`.
    pub fn handle(&mut self, now: Time, socket: SocketId, from: SocketAddr, bytes: &[u8]) {
        match socket {
            SocketId::Dhcp => {
                if let (Some(dhcp), SocketAddr::V4(from)) = (&mut self.dhcp, from) {
                    dhcp.handle(now, *from.ip(), bytes);
                    self.after_dhcp(now);
                }
            }
            SocketId::Http(id) => self.http_bytes(now, id, bytes),
            SocketId::Sip => self.sip_bytes(now, from, bytes),
            SocketId::Tftp(id) => {
                if let Some(c) = self.current.as_mut().filter(|c| c.id == id) {
                    c.transfer.handle(now, from, bytes);
                    self.after_transfer(now);
                } else if let Some((_, t)) = self.dallying.iter_mut().find(|(i, _)| *i == id) {
                    t.handle(now, from, bytes);
                }
            }
        }
        self.pump();
    }

    /// The time from [`Phone::poll_timeout`] has come.
    pub fn handle_timeout(&mut self, now: Time) {
        if self.verdict.is_none() && now >= self.deadline {
            let step = self
                .current
                .as_ref()
                .map(|c| (c.step.clone(), Some(c.transfer.file().to_owned())))
                .or_else(|| self.http_step())
                .or_else(|| self.sip.as_ref().map(|_| (Step::Register, None)))
                .unwrap_or((Step::Dhcp, None));
            self.current = None;
            self.http = None;
            self.dhcp = None;
            self.sip = None;
            self.stuck(
                now,
                step.0,
                step.1,
                Problem::TimeLimit {
                    limit_s: self.spec.time_limit.as_secs(),
                },
            );
        }
        if let Some(dhcp) = &mut self.dhcp {
            dhcp.handle_timeout(now);
            self.after_dhcp(now);
        }
        if let Some(c) = &mut self.current {
            c.transfer.handle_timeout(now);
            self.after_transfer(now);
        }
        for (_, t) in &mut self.dallying {
            t.handle_timeout(now);
        }
        self.http_timeout(now);
        self.sip_timeout(now);
        self.pump();
    }

    /// The next datagram to send.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.out.pop_front()
    }

    /// A line of progress in plain words, for the log.
    pub fn poll_event(&mut self) -> Option<String> {
        self.events.pop_front()
    }

    /// When [`Phone::handle_timeout`] is due; `None` once finished.
    pub fn poll_timeout(&self) -> Option<Time> {
        let mut due: Vec<Time> = Vec::new();
        if self.verdict.is_none() {
            due.push(self.deadline);
        }
        due.extend(self.dhcp.as_ref().and_then(DhcpClient::poll_timeout));
        due.extend(
            self.current
                .as_ref()
                .and_then(|c| c.transfer.poll_timeout()),
        );
        due.extend(self.dallying.iter().filter_map(|(_, t)| t.poll_timeout()));
        due.extend(self.http.as_ref().and_then(|h| h.get.poll_timeout()));
        due.extend(self.sip_poll_timeout());
        due.into_iter().min()
    }

    /// Whether TFTP socket (or HTTP connection) `id` is still needed.
    pub fn is_live(&self, id: u32) -> bool {
        self.current.as_ref().is_some_and(|c| c.id == id)
            || self.dallying.iter().any(|(i, _)| *i == id)
            || self.http.as_ref().is_some_and(|h| h.id == id)
    }

    /// Whether the phone has its verdict and nothing left to send or wait for.
    pub fn is_finished(&self) -> bool {
        self.verdict.is_some()
            && self.current.is_none()
            && self.http.is_none()
            && self.sip.is_none()
            && self.dallying.is_empty()
            && self.out.is_empty()
    }

    /// The verdict, once reached.
    pub fn verdict(&self) -> Option<&Verdict> {
        self.verdict.as_ref()
    }

    /// Ends the phone because the driver cannot run it (a socket it cannot
    /// open, say): nothing more is sent, not even a lease's release. A
    /// verdict already reached stands.
    pub fn could_not_run(&mut self, now: Time, why: String) {
        if self.verdict.is_none() {
            self.events.push_back(format!("could not run: {why}"));
            self.verdict = Some(Verdict::CouldNotRun { reason: why });
            self.finished_at = Some(now);
        }
        self.current = None;
        self.http = None;
        self.dhcp = None;
        self.sip = None;
        self.dallying.clear();
        self.out.clear();
    }

    /// Everything the phone did and its verdict.
    pub fn report(&self, now: Time) -> PhoneReport {
        PhoneReport {
            mac: self.spec.mac,
            model: self.spec.model,
            mode: self.spec.mode,
            lease: self.lease.clone(),
            tftp_server: self.server.zip(self.source),
            options: self.spec.tftp_options,
            files: self.files.clone(),
            notes: self.notes.clone(),
            verdict: self.verdict.clone().unwrap_or(Verdict::CouldNotRun {
                reason: "the simulation was stopped before a verdict".into(),
            }),
            elapsed: self
                .finished_at
                .unwrap_or(now)
                .saturating_duration_since(self.started),
            ran: self.ran_words(),
        }
    }

    // ---- the end --------------------------------------------------------------

    fn stuck(&mut self, now: Time, step: Step, file: Option<String>, problem: Problem) {
        // A phone running a load that loses a file (no answer, or the server
        // stopped it) keeps that load, reboots and asks again, as a real one does
        // when an upgrade's download fails; bounded by its boots.
        if let Problem::Transfer {
            failure: failure @ (Failure::NoAnswer { .. } | Failure::ServerError { .. }),
            ..
        } = &problem
            && self.runs.is_some()
        {
            let why = format!(
                "{}: {failure}; it keeps its load and reboots",
                file.as_deref().unwrap_or("a file")
            );
            return self.retry_boot(now, why);
        }
        let stuck = Stuck {
            step,
            file,
            problem,
        };
        self.events
            .push_back(format!("would be stuck: {}", stuck.sentence()));
        self.finish(now, Verdict::WouldBeStuck(stuck));
    }

    fn finish(&mut self, now: Time, verdict: Verdict) {
        if self.verdict.is_some() {
            return;
        }
        self.verdict = Some(verdict);
        self.finished_at = Some(now);
        // Hand the address back, so a real server keeps no simulated lease.
        if let Some(lease) = &self.lease {
            self.out.push_back(Transmit {
                socket: SocketId::Dhcp,
                to: SocketAddr::V4(SocketAddrV4::new(lease.server, dhcp_client::SERVER_PORT)),
                bytes: dhcp_client::release(self.spec.model, self.spec.mac, self.xid, lease),
            });
        }
    }

    /// Moves the dallying transfers' datagrams out; forgets finished ones.
    fn pump(&mut self) {
        for (id, t) in &mut self.dallying {
            while let Some((to, bytes)) = t.poll_transmit() {
                self.out.push_back(Transmit {
                    socket: SocketId::Tftp(*id),
                    to,
                    bytes,
                });
            }
        }
        self.dallying.retain(|(_, t)| !t.is_finished());
        if self.verdict.is_some() {
            self.current = None;
            self.http = None;
            self.dhcp = None;
            self.sip = None;
        }
    }
}

mod boot79;
mod dhcp;
mod fetch;
mod http;
mod loads;
mod register;
mod sequence;

#[cfg(test)]
mod tests;
