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
//! Every signed file's embedded name (tag 14) is compared with the name asked
//! for. Names that differ only in case are accepted with a note: the phones
//! reported stuck on `Jar…`/`jar…` were stuck on "File not found" from a
//! case-sensitive server, not on the name inside the file.
//!
//! Invariants: every wait is bounded (the transfers' and DHCP's own retries,
//! and [`PhoneSpec::time_limit`] over everything), so a phone always reaches
//! a verdict; the first problem is the verdict and nothing is fetched after
//! it; memory per phone is a few small files and one image header.

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use lifeline_shared::config::{cnf_xml, sip79};
use lifeline_shared::firmware::manifest::ImageLine;
use lifeline_shared::firmware::signed::SignedHeader;

use super::checks;
use super::dhcp_client::{self, DhcpClient, Lease, TftpChoice, TftpSource};
use super::report::{FileOutcome, FileRecord, PhoneReport, Problem, Step, Stuck, Verdict};
use super::spec::{Network, PhoneSpec, Scenario, Transport};
use super::tftp_client::{self, Failure, Limits, Received, Transfer};
use crate::tftp::time::Time;

/// The largest `.loads` file: a 64 KiB header and a 64 KiB body.
const MANIFEST_MAX: u64 = 128 * 1024;
/// An image's signed header fits in this (its length is a `u16`).
const HEADER_KEEP: usize = 64 * 1024;
/// The largest image accepted (real ones are under 8 MB).
const IMAGE_MAX: u64 = 64 * 1024 * 1024;
/// The largest CTL/ITL file accepted (real ones are a few KB).
const SECURITY_MAX: u64 = 1024 * 1024;

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

    // ---- the sequence ---------------------------------------------------------

    fn after_dhcp(&mut self, now: Time) {
        let Some(dhcp) = &mut self.dhcp else { return };
        while let Some(bytes) = dhcp.poll_transmit() {
            self.out.push_back(Transmit {
                socket: SocketId::Dhcp,
                to: SocketAddr::V4(SocketAddrV4::new(
                    Ipv4Addr::BROADCAST,
                    dhcp_client::SERVER_PORT,
                )),
                bytes,
            });
        }
        let Some(result) = dhcp.result().cloned() else {
            return;
        };
        self.notes.extend(dhcp.notes().iter().cloned());
        self.dhcp = None;
        let lease = match result {
            Ok(lease) => lease,
            Err(failure) => {
                self.stuck(now, Step::Dhcp, None, Problem::Dhcp(failure));
                return;
            }
        };
        if lease.offers_from.len() > 1 {
            self.notes.push(format!(
                "{} DHCP servers answered ({}); the phone took the first offer, from {}",
                lease.offers_from.len(),
                join(&lease.offers_from),
                lease.server
            ));
        }
        let choice = dhcp_client::choose_tftp(&lease);
        self.lease = Some(lease.clone());
        match choice {
            TftpChoice::Server {
                address,
                source,
                notes,
            } => {
                self.notes.extend(notes);
                self.server = Some(SocketAddr::V4(SocketAddrV4::new(address, 69)));
                self.source = Some(source);
                self.events.push_back(format!(
                    "DHCP: {} from {}; TFTP server {address} from {}",
                    lease.address,
                    lease.server,
                    source.words()
                ));
                self.begin(now);
            }
            TftpChoice::HostName(name) => {
                let reason = format!(
                    "option 66 from {} names the host `{name}`, and the simulator does not \
                     look names up; run it again with --server ADDRESS",
                    lease.server
                );
                self.events.push_back(format!("could not run: {reason}"));
                self.finish(now, Verdict::CouldNotRun { reason });
            }
            TftpChoice::Nothing(why) => self.stuck(
                now,
                Step::Dhcp,
                None,
                Problem::NoTftpServer {
                    server: lease.server,
                    why,
                },
            ),
        }
    }

    /// The first file, once the TFTP server is known.
    fn begin(&mut self, now: Time) {
        if self.is_79() {
            return self.begin_79(now);
        }
        let model = self.spec.model;
        match self.mode {
            Scenario::Recovery => match model.recovery_manifest {
                Some(name) => self.fetch(now, Step::RecoveryManifest, name.to_owned()),
                None => self.could_not_run(
                    now,
                    format!(
                        "{} has no termNN.default.loads recovery manifest Lifeline knows of \
                         (after a factory reset it boots as usual and asks for its \
                         configuration); simulate it with --mode boot",
                        lifeline_shared::models::with_article(model.name)
                    ),
                ),
            },
            Scenario::Boot => {
                let family = lifeline_shared::models::family(model.family);
                if !family.boot_order_verified() {
                    self.notes.push(format!(
                        "the order of the files is the one documented for the 79xx (security \
                         files, configuration, load, images); it has not been captured from \
                         the {} itself",
                        family.name
                    ));
                }
                let sep = self.spec.mac.sep_name();
                self.security = VecDeque::from([
                    format!("CTL{sep}.tlv"),
                    format!("ITL{sep}.tlv"),
                    "ITLFile.tlv".to_owned(),
                ]);
                self.next_security(now);
            }
        }
    }

    /// The configuration again, without the security files (the phone is up).
    fn ask_config(&mut self, now: Time) {
        self.security.clear();
        self.next_security(now);
    }

    /// Forgets what this boot fetched, for the next one.
    fn forget_boot(&mut self) {
        self.security.clear();
        self.sip_queue.clear();
        self.sip_image_own = None;
        self.sip_image_default = None;
        self.sip_read.clear();
        self.manifest = None;
        self.images.clear();
        self.image_line = None;
        self.image_count = 0;
        self.optional_absent = 0;
        self.load = None;
        self.served_xml = None;
        self.served_79_own = None;
        self.served_79_default = None;
    }

    fn next_security(&mut self, now: Time) {
        match self.security.pop_front() {
            Some(name) => self.fetch(now, Step::SecurityFile, name),
            None if self.is_79() && self.after_security_79(now) => {}
            None => self.fetch(
                now,
                Step::PhoneConfig,
                cnf_xml::sep_file_name(&self.spec.mac),
            ),
        }
    }

    fn fetch(&mut self, now: Time, step: Step, file: String) {
        let Some(server) = self.server else { return };
        let limits = match step {
            Step::SecurityFile => Limits {
                keep: 0,
                max_size: SECURITY_MAX,
                md5: false,
            },
            Step::PhoneConfig | Step::DefaultConfig => Limits {
                keep: cnf_xml::MAX_CNF,
                max_size: cnf_xml::MAX_CNF as u64,
                md5: false,
            },
            Step::Os79xx | Step::SipConfig => Limits {
                keep: sip79::MAX_CNF_TEXT,
                max_size: sip79::MAX_CNF_TEXT as u64,
                md5: false,
            },
            Step::RecoveryManifest | Step::LoadManifest => Limits {
                keep: MANIFEST_MAX as usize,
                max_size: MANIFEST_MAX,
                md5: false,
            },
            Step::Image { .. } | Step::Dhcp | Step::Register => Limits {
                keep: HEADER_KEEP,
                max_size: IMAGE_MAX,
                md5: self.image_line.as_ref().is_some_and(|l| l.md5.is_some()),
            },
        };
        if self.spec.transport == Transport::Http && !self.http_off {
            self.fetch_http(now, server, step, file, limits);
            return;
        }
        let id = self.next_id;
        self.next_id += 1;
        let transfer = Transfer::new(
            now,
            server,
            &file,
            self.spec.tftp_options,
            limits,
            tftp_client::Patience::PHONE,
        );
        self.current = Some(Current {
            id,
            step,
            transfer,
            started: now,
        });
        // A name that cannot be requested fails at once.
        self.after_transfer(now);
    }

    /// Moves the current transfer's datagrams out, and acts on its result.
    fn after_transfer(&mut self, now: Time) {
        let Some(c) = &mut self.current else { return };
        while let Some((to, bytes)) = c.transfer.poll_transmit() {
            self.out.push_back(Transmit {
                socket: SocketId::Tftp(c.id),
                to,
                bytes,
            });
        }
        let Some(result) = c.transfer.take_result() else {
            return;
        };
        let Some(c) = self.current.take() else { return };
        let file = c.transfer.file().to_owned();
        if !c.transfer.is_finished() {
            self.dallying.push((c.id, c.transfer));
        }
        self.record(now, c.started, &c.step, &file, &result, Transport::Tftp);
        self.on_file(now, c.step, file, result);
    }

    fn record(
        &mut self,
        now: Time,
        started: Time,
        step: &Step,
        file: &str,
        result: &Result<Received, Failure>,
        transport: Transport,
    ) {
        let outcome = match result {
            Ok(r) => {
                self.bytes += r.size;
                FileOutcome::Received {
                    size: r.size,
                    blksize: r.blksize,
                    signed_as: SignedHeader::parse(&r.head)
                        .ok()
                        .and_then(|(h, _)| h.file_name),
                }
            }
            Err(Failure::NotFound { .. }) => FileOutcome::NotFound,
            Err(other) => FileOutcome::Failed {
                why: other.to_string(),
            },
        };
        let over = if transport == Transport::Http {
            " over HTTP"
        } else {
            ""
        };
        let line = match &outcome {
            FileOutcome::Received { size, .. } => format!("got {file} ({size} bytes){over}"),
            FileOutcome::NotFound => format!("{file}: not found"),
            FileOutcome::Failed { why } => format!("{file}: {why}"),
        };
        self.events.push_back(line);
        self.files.push(FileRecord {
            name: file.to_owned(),
            step: step.clone(),
            outcome,
            retransmissions: match result {
                Ok(r) => r.retransmissions,
                Err(_) => 0,
            },
            elapsed: now.saturating_duration_since(started),
            transport,
        });
    }

    fn on_file(&mut self, now: Time, step: Step, file: String, result: Result<Received, Failure>) {
        if self.handles_79(&step) {
            return self.on_file_79(now, step, file, result);
        }
        let server = self.server.unwrap_or(SocketAddr::from(([0, 0, 0, 0], 69)));
        match (step, result) {
            (Step::SecurityFile, Ok(_)) => {
                self.notes.push(format!(
                    "the server has {file}; a real phone would trust the certificates in it (the simulator does not read it)"
                ));
                self.next_security(now);
            }
            (Step::SecurityFile, Err(Failure::NotFound { .. } | Failure::ServerError { .. })) => {
                self.next_security(now);
            }
            (Step::PhoneConfig, Ok(r)) => match self.config_load(&file, &r.head, false) {
                named if self.runs.is_some() => {
                    self.config_named(now, Step::PhoneConfig, file, named)
                }
                Ok(load) => self.load_manifest(now, load),
                Err(problem) => self.stuck(now, Step::PhoneConfig, Some(file), problem),
            },
            (Step::PhoneConfig, Err(Failure::NotFound { .. } | Failure::ServerError { .. })) => {
                self.fetch(now, Step::DefaultConfig, "XMLDefault.cnf.xml".to_owned());
            }
            (Step::DefaultConfig, Ok(r)) => match self.config_load(&file, &r.head, true) {
                named if self.runs.is_some() => {
                    self.config_named(now, Step::DefaultConfig, file, named)
                }
                Ok(load) => self.load_manifest(now, load),
                Err(problem) => self.stuck(now, Step::DefaultConfig, Some(file), problem),
            },
            (Step::DefaultConfig, Err(Failure::NotFound { .. })) => self.stuck(
                now,
                Step::DefaultConfig,
                Some(file),
                Problem::NoConfig {
                    sep: cnf_xml::sep_file_name(&self.spec.mac),
                    server,
                },
            ),
            (step @ (Step::RecoveryManifest | Step::LoadManifest), Ok(r)) => {
                match checks::read_manifest(self.spec.model, &file, &r.head, &mut self.notes) {
                    Ok(manifest) => {
                        let images = manifest.images;
                        self.image_count = images.len();
                        self.manifest = Some(file);
                        if step == Step::RecoveryManifest {
                            self.recovery_manifest(manifest.release.as_deref(), &images);
                        }
                        self.images = images.into();
                        self.next_image(now);
                    }
                    Err(problem) => self.stuck(now, step, Some(file), problem),
                }
            }
            (step @ Step::Image { .. }, Ok(r)) => {
                let checked = match self.image_line.take() {
                    Some(line) => checks::image_against_line(&line, r.size, r.md5.as_deref()),
                    None => Ok(()),
                }
                .and_then(|()| checks::check_signed(&file, &r.head, &mut self.notes).map(|_| ()));
                match checked {
                    Ok(()) => self.next_image(now),
                    Err(problem) => self.stuck(now, step, Some(file), problem),
                }
            }
            (Step::Image { .. }, Err(Failure::NotFound { .. }))
                if self.image_line.as_ref().is_some_and(|l| l.optional) =>
            {
                self.image_line = None;
                self.optional_absent += 1;
                self.notes.push(format!(
                    "{file} is listed as optional (#+): a newer load fetches it when the server \
                     has it; this server has not, so the phone goes on without it"
                ));
                self.next_image(now);
            }
            (step, Err(failure)) => {
                self.stuck(now, step, Some(file), Problem::Transfer { server, failure })
            }
            (Step::Dhcp | Step::Os79xx | Step::SipConfig | Step::Register, Ok(_)) => {}
        }
    }

    /// The load a configuration names for this phone, told as an event.
    fn config_load(&mut self, file: &str, bytes: &[u8], default: bool) -> Result<String, Problem> {
        self.served_xml = Some(String::from_utf8_lossy(bytes).into_owned());
        let load = checks::config_load(self.spec.model, bytes, default)?;
        self.events
            .push_back(format!("{file} names the load {load}"));
        Ok(load)
    }

    fn load_manifest(&mut self, now: Time, load: String) {
        let file = format!("{load}.loads");
        self.load = Some(load);
        self.fetch(now, Step::LoadManifest, file);
    }

    fn next_image(&mut self, now: Time) {
        match self.images.pop_front() {
            Some(image) => {
                let index = self.image_count - self.images.len();
                let step = Step::Image {
                    index,
                    of: self.image_count,
                    manifest: self.manifest.clone().unwrap_or_default(),
                };
                let name = image.name.clone();
                self.image_line = Some(image);
                self.fetch(now, step, name);
            }
            None if self.fetched(now) => {}
            None => {
                let manifest = self.manifest.clone().unwrap_or_default();
                self.events.push_back(format!(
                    "would recover: {manifest} and its {} images",
                    self.image_count - self.optional_absent
                ));
                self.recovered(
                    now,
                    Verdict::WouldRecover {
                        manifest,
                        load: self.load.clone(),
                        images: self.image_count - self.optional_absent,
                        bytes: self.bytes,
                        registered: None,
                    },
                );
            }
        }
    }

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

fn join(addresses: &[Ipv4Addr]) -> String {
    addresses
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

mod boot79;
mod http;
mod loads;
mod register;

#[cfg(test)]
mod tests;
