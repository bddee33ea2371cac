//! What the simulated phones did, and the verdict in plain words.
//!
//! Pure: reports in, text or JSON out. The verdict of one phone is one of
//! three ([`Verdict`]); a run's exit status follows from all of them
//! ([`exit_code`]): 0 every phone would recover, 1 at least one would be
//! stuck (a fact about the setup), 2 the simulator could not run (and no
//! phone found a problem). A stuck verdict names the step, the file and the
//! reason: `Jar41sccp.8-3-2-27.sbn` not found, `XMLDefault.cnf.xml` has no
//! `loadInformation30018`, no option 150.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use lifeline_shared::config::mac::Mac;
use lifeline_shared::models::Model;
use serde::Serialize;
use serde_json::json;

use super::dhcp_client::{DhcpFailure, Lease, TftpSource, hex};
use super::spec::{Scenario, Transport};
use super::tftp_client::Failure;

/// Where in the sequence a phone is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Step {
    /// Getting an address and a TFTP server.
    Dhcp,
    /// `CTLSEP<MAC>.tlv`, `ITLSEP<MAC>.tlv`, `ITLFile.tlv`.
    SecurityFile,
    /// `SEP<MAC>.cnf.xml`.
    PhoneConfig,
    /// `XMLDefault.cnf.xml`.
    DefaultConfig,
    /// `<LOAD>.loads`, named by the configuration.
    LoadManifest,
    /// `termNN.default.loads`, after a wipe.
    RecoveryManifest,
    /// `OS79XX.TXT`: the image a 7940/7960 takes after a factory reset.
    Os79xx,
    /// A 7940/7960 SIP image's `SIP<MAC>.cnf` or `SIPDefault.cnf`.
    SipConfig,
    /// Registering the first SIP line with the proxy its configuration names.
    Register,
    /// One image a manifest lists.
    Image {
        /// 1-based.
        index: usize,
        /// How many the manifest lists.
        of: usize,
        manifest: String,
    },
}

impl Step {
    /// In words: `image 1 of 5 listed by term61.default.loads`.
    pub fn words(&self) -> String {
        match self {
            Step::Dhcp => "DHCP".into(),
            Step::SecurityFile => "the security files (CTL, ITL)".into(),
            Step::PhoneConfig => "the phone's own configuration".into(),
            Step::DefaultConfig => "the default configuration".into(),
            Step::LoadManifest => "the load manifest".into(),
            Step::RecoveryManifest => "the recovery manifest".into(),
            Step::Os79xx => "the image choice after a factory reset".into(),
            Step::SipConfig => "the SIP configuration".into(),
            Step::Register => "the SIP registration".into(),
            Step::Image {
                index,
                of,
                manifest,
            } => format!("image {index} of {of} listed by {manifest}"),
        }
    }
}

/// Why a phone would be stuck.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// DHCP gave no lease.
    Dhcp(DhcpFailure),
    /// A lease, but no TFTP server in it.
    NoTftpServer {
        /// The DHCP server.
        server: Ipv4Addr,
        /// What is missing.
        why: String,
    },
    /// A file did not arrive.
    Transfer {
        /// The TFTP server.
        server: SocketAddr,
        /// How it failed.
        failure: Failure,
    },
    /// The signed header does not parse.
    BadHeader { error: String },
    /// A signed header without a name (tag 14).
    NoEmbeddedName,
    /// A signed file stored under another name than the one it carries.
    WrongName {
        /// The name in the header.
        embedded: String,
    },
    /// The manifest body does not parse.
    BadManifest { error: String },
    /// The manifest lists no image.
    NoImages,
    /// An image of another size than its manifest line states (792x,
    /// 78xx/88xx).
    ImageSize {
        /// The size the manifest states.
        stated: u64,
        /// The size received.
        got: u64,
    },
    /// An image whose MD5 differs from its manifest line's (792x).
    ImageMd5 {
        /// Upper-case hex, as the manifest writes it.
        stated: String,
        got: String,
    },
    /// The manifest lists an image of another family.
    WrongFamily {
        image: String,
        family: String,
        /// The phone's model.
        model: String,
    },
    /// A configuration that cannot be read.
    BadConfig { error: String },
    /// Neither `SEP<MAC>.cnf.xml` nor `XMLDefault.cnf.xml`.
    NoConfig {
        /// The phone's own file name.
        sep: String,
        /// The TFTP server.
        server: SocketAddr,
    },
    /// `XMLDefault.cnf.xml` has no entry for the device id.
    NoLoadForDevice {
        /// The model's device id.
        device_id: u16,
        /// `IP Phone 7961`.
        product: String,
        /// The entries it has, described.
        found: Vec<String>,
    },
    /// `SEP<MAC>.cnf.xml` names no load.
    NoLoad {
        /// The entries it has, described.
        found: Vec<String>,
    },
    /// `OS79XX.TXT` that does not hold one 7940/7960 image name alone.
    BadOs79xx {
        /// What it holds, escaped.
        content: String,
    },
    /// Neither `SIP<MAC>.cnf` nor `SIPDefault.cnf` names an `image_version`.
    NoImageVersion {
        /// The files the phone read.
        read: Vec<String>,
    },
    /// The line's SIP proxy is a name that does not resolve.
    SipUnresolved {
        /// The name, as configured.
        name: String,
        /// Why the lookup failed.
        error: String,
    },
    /// The first SIP line names no proxy.
    SipNoProxy {
        /// The line's user.
        user: String,
    },
    /// No final answer to REGISTER within timer F.
    SipNoAnswer {
        /// `name (address:port)` or `address:port`.
        proxy: String,
        /// REGISTERs sent (retransmissions not counted).
        requests: u32,
        /// Seconds waited.
        waited_s: u64,
    },
    /// The registrar refused the credentials: a 401/407 to the answered
    /// challenge, or a 403.
    SipRefused {
        proxy: String,
        /// The digest username.
        auth_name: String,
        /// The domain registered in (the proxy as configured).
        domain: String,
        status: u16,
        reason: String,
        /// The realm the registrar challenged with.
        realm: Option<String>,
    },
    /// The registrar's challenge cannot be answered.
    SipChallenge { proxy: String, error: String },
    /// Another final answer to REGISTER.
    SipFailed {
        proxy: String,
        status: u16,
        reason: String,
    },
    /// The whole sequence took longer than allowed.
    TimeLimit {
        /// The limit, seconds.
        limit_s: u64,
    },
}

impl Problem {
    /// A stable code for scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Dhcp(DhcpFailure::NoOffer { .. }) => "no-dhcp-offer",
            Problem::Dhcp(DhcpFailure::NoAck { .. }) => "no-dhcp-ack",
            Problem::Dhcp(DhcpFailure::Nak { .. }) => "dhcp-nak",
            Problem::NoTftpServer { .. } => "no-tftp-server",
            Problem::Transfer { failure, .. } => match failure {
                Failure::NotFound { .. } => "not-found",
                Failure::ServerError { .. } => "tftp-error",
                Failure::NoAnswer { .. } => "no-answer",
                Failure::Protocol { .. } => "tftp-protocol",
                Failure::TooLarge { .. } => "too-large",
                Failure::SizeMismatch { .. } => "size-mismatch",
                Failure::Http { .. } => "http-error",
            },
            Problem::BadHeader { .. } => "bad-signed-header",
            Problem::NoEmbeddedName => "no-embedded-name",
            Problem::WrongName { .. } => "wrong-embedded-name",
            Problem::BadManifest { .. } => "bad-manifest",
            Problem::NoImages => "no-images",
            Problem::WrongFamily { .. } => "wrong-family",
            Problem::ImageSize { .. } => "image-size-mismatch",
            Problem::ImageMd5 { .. } => "md5-mismatch",
            Problem::BadConfig { .. } => "bad-config",
            Problem::NoConfig { .. } => "no-config",
            Problem::NoLoadForDevice { .. } => "no-load-for-device",
            Problem::NoLoad { .. } => "no-load",
            Problem::BadOs79xx { .. } => "bad-os79xx",
            Problem::NoImageVersion { .. } => "no-image-version",
            Problem::SipUnresolved { .. } => "sip-proxy-unresolved",
            Problem::SipNoProxy { .. } => "sip-no-proxy",
            Problem::SipNoAnswer { .. } => "sip-no-answer",
            Problem::SipRefused { .. } => "sip-refused",
            Problem::SipChallenge { .. } => "sip-challenge",
            Problem::SipFailed { .. } => "sip-failed",
            Problem::TimeLimit { .. } => "time-limit",
        }
    }
}

/// A stuck phone: where, which file, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stuck {
    pub step: Step,
    /// The file, when the step is about one.
    pub file: Option<String>,
    pub problem: Problem,
}

fn listed(found: &[String]) -> String {
    if found.is_empty() {
        "it has no loadInformation at all".into()
    } else {
        format!("it has {}", found.join(", "))
    }
}

impl Stuck {
    /// The reason as one sentence a person can act on.
    pub fn sentence(&self) -> String {
        let file = self.file.as_deref().unwrap_or("the file");
        let step = self.step.words();
        match &self.problem {
            Problem::Dhcp(failure) => {
                format!("{failure}, so the phone never learns its TFTP server")
            }
            Problem::NoTftpServer { server, why } => format!(
                "the DHCP answer from {server} names no TFTP server ({why}); give the phones option 150"
            ),
            Problem::Transfer { server, failure } => match failure {
                Failure::NotFound { .. } => format!(
                    "{file} not found on the TFTP server {} ({step}){}",
                    server_words(*server),
                    self.not_found_hint()
                ),
                other => format!("{file} from {}: {other} ({step})", server_words(*server)),
            },
            Problem::BadHeader { error } => format!(
                "{file} ({step}) is not a signed Cisco file ({error}); the phone refuses it"
            ),
            Problem::NoEmbeddedName => format!(
                "{file} ({step}) carries no file name in its signed header; the phone refuses it"
            ),
            Problem::WrongName { embedded } => format!(
                "{file} ({step}) is signed as {embedded}: the phone refuses a file stored under another name"
            ),
            Problem::BadManifest { error } => {
                format!("{file} ({step}) cannot be read as a manifest: {error}")
            }
            Problem::NoImages => format!("{file} ({step}) lists no images"),
            Problem::ImageSize { stated, got } => format!(
                "{file} ({step}) is {got} bytes but its manifest says {stated}: the phone \
                 refuses it. Serve the images of the same firmware download as the manifest"
            ),
            Problem::ImageMd5 { stated, got } => format!(
                "{file} ({step}) has MD5 {got} but its manifest says {stated}: the phone \
                 refuses it. The image is damaged or from another load; serve the one from \
                 the same firmware download as the manifest"
            ),
            Problem::WrongFamily {
                image,
                family,
                model,
            } => format!(
                "{file} ({step}) lists {image}, an image for the {family}, which a {model} refuses"
            ),
            Problem::BadConfig { error } => {
                format!("{file} ({step}) cannot be read: {error}")
            }
            Problem::NoConfig { sep, server } => format!(
                "neither {sep} nor XMLDefault.cnf.xml is on the TFTP server {}, so the phone has no configuration",
                server.ip()
            ),
            Problem::NoLoadForDevice {
                device_id,
                product,
                found,
            } => format!(
                "{file} has no entry for device {device_id} (loadInformation{device_id}, the {product}); {}. {}",
                listed(found),
                self.advice().map(|a| a.fix).unwrap_or_default()
            ),
            Problem::NoLoad { found } => format!(
                "{file} names no load for this phone ({}); the phone keeps the firmware it has",
                listed(found)
            ),
            Problem::BadOs79xx { content } => format!(
                "{file} holds \"{content}\", not one 7940/7960 image name alone (a trailing space or newline counts: Cisco bug CSCdv19260); the phone asks for a file that does not exist and keeps its image"
            ),
            Problem::NoImageVersion { read } => format!(
                "no image_version in {}, so the phone does not know which image to load; write image_version: <image name> in SIPDefault.cnf (a Lifeline bundle does)",
                if read.is_empty() {
                    "any SIP configuration (neither SIP<MAC>.cnf nor SIPDefault.cnf is on the server)".to_string()
                } else {
                    read.join(" or ")
                }
            ),
            Problem::SipUnresolved { name, error } => format!(
                "the SIP proxy `{name}` does not resolve ({error}), so the phone cannot \
                 register; put the registrar's address in the configuration, or make the \
                 name resolve on the phones' DNS server"
            ),
            Problem::SipNoProxy { user } => format!(
                "SIP line 1 ({user}) names no proxy, so the phone has nowhere to register; \
                 set the line's proxy to the registrar's address"
            ),
            Problem::SipNoAnswer {
                proxy,
                requests,
                waited_s,
            } => format!(
                "no answer from the SIP proxy {proxy} to REGISTER ({requests} sent, each \
                 retransmitted, {waited_s} s waited): is the registrar running and listening \
                 on that address and UDP port, and does no firewall drop it?"
            ),
            Problem::SipRefused {
                proxy,
                auth_name,
                domain,
                status,
                reason,
                realm,
            } => {
                let realm_words = match realm {
                    Some(r) if r != domain => format!(
                        "; the registrar's realm is `{r}`, not `{domain}`: the account may \
                         be kept under that domain"
                    ),
                    _ => String::new(),
                };
                format!(
                    "{proxy} refused the credentials of `{auth_name}` ({status} {reason}): \
                     the password (or the authName) in the configuration is not the \
                     registrar's{realm_words}"
                )
            }
            Problem::SipChallenge { proxy, error } => {
                format!("{proxy} asks for authentication the phone cannot give: {error}")
            }
            Problem::SipFailed {
                proxy,
                status,
                reason,
            } => format!("{proxy} answered REGISTER with {status} {reason}"),
            Problem::TimeLimit { limit_s } => match &self.file {
                Some(f) => format!("gave up after {limit_s} s, still fetching {f} ({step})"),
                None => format!("gave up after {limit_s} s during {step}"),
            },
        }
    }
}

/// What became of one phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every file arrived and checked out.
    WouldRecover {
        /// The manifest followed.
        manifest: String,
        /// The load a configuration named (boot mode).
        load: Option<String>,
        /// Images fetched.
        images: usize,
        /// Bytes received in all.
        bytes: u64,
        /// Boot mode, a SIP line registered: `1001 at 10.0.0.5:5060`.
        registered: Option<String>,
    },
    /// The phone would not get its firmware.
    WouldBeStuck(Stuck),
    /// The simulator could not run this phone.
    CouldNotRun { reason: String },
    /// A phone given the load it runs (`--running`): the loads it took, where it
    /// ended, what it refused.
    Upgrade(Upgrade),
}

impl Verdict {
    /// `would-recover`, `would-be-stuck` or `could-not-run`; for a phone given its
    /// running load, `now-on`, `refused` or `still-upgrading` ([`Upgrade::status`]).
    pub fn status(&self) -> &'static str {
        match self {
            Verdict::WouldRecover { .. } => "would-recover",
            Verdict::WouldBeStuck(_) => "would-be-stuck",
            Verdict::CouldNotRun { .. } => "could-not-run",
            Verdict::Upgrade(u) => u.status(),
        }
    }

    /// Whether the phone got where the setup wants it: every file checked out, or it
    /// settled on a load with nothing refused.
    pub fn is_good(&self) -> bool {
        match self {
            Verdict::WouldRecover { .. } => true,
            Verdict::Upgrade(u) => u.settled(),
            Verdict::WouldBeStuck(_) | Verdict::CouldNotRun { .. } => false,
        }
    }

    /// The verdict in plain words.
    pub fn sentence(&self) -> String {
        match self {
            Verdict::WouldRecover {
                manifest,
                load,
                images,
                bytes,
                registered,
            } => {
                let via = match load {
                    Some(load) => format!("the load {load}: "),
                    None => String::new(),
                };
                let register = match registered {
                    Some(r) => format!("; would register as {r}"),
                    None => String::new(),
                };
                format!(
                    "would recover: it got {via}{manifest} and its {images} images ({bytes} bytes), each signed under its own name{register}"
                )
            }
            Verdict::WouldBeStuck(stuck) => format!("would be stuck: {}", stuck.sentence()),
            Verdict::CouldNotRun { reason } => format!("could not run: {reason}"),
            Verdict::Upgrade(u) => u.sentence(),
        }
    }
}

/// How a file went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum FileOutcome {
    /// It arrived.
    Received {
        size: u64,
        /// Block size used.
        blksize: u16,
        /// The name in its signed header, if it has one.
        signed_as: Option<String>,
    },
    /// ERROR 1.
    NotFound,
    /// Anything else.
    Failed { why: String },
}

/// One file the phone asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRecord {
    /// As asked.
    pub name: String,
    /// Why it was asked for.
    pub step: Step,
    /// What happened.
    pub outcome: FileOutcome,
    /// Packets sent again.
    pub retransmissions: u32,
    /// How long it took.
    pub elapsed: Duration,
    /// TFTP, or HTTP (a phone that asks HTTP first, and got an answer).
    pub transport: Transport,
}

/// One phone's run.
#[derive(Clone, Debug)]
pub struct PhoneReport {
    pub mac: Mac,
    pub model: &'static Model,
    /// Recovery or boot.
    pub mode: Scenario,
    /// The DHCP lease, when DHCP was used and answered.
    pub lease: Option<Lease>,
    /// The TFTP server and where it came from.
    pub tftp_server: Option<(SocketAddr, TftpSource)>,
    /// Whether TFTP options were asked for.
    pub options: bool,
    /// Every file asked for, in order.
    pub files: Vec<FileRecord>,
    /// Remarks that are not the verdict.
    pub notes: Vec<String>,
    pub verdict: Verdict,
    /// From power-on to verdict.
    pub elapsed: Duration,
    /// Given the load it runs (`--running`): every load it ran, in order, the one it
    /// ended on last; empty otherwise.
    pub ran: Vec<String>,
}

impl PhoneReport {
    /// The verdict in words; a phone given its running load that got stuck also says
    /// which loads it ran.
    pub fn sentence(&self) -> String {
        let s = self.verdict.sentence();
        match (&self.verdict, self.ran.as_slice()) {
            (Verdict::Upgrade(_), _) | (_, []) => s,
            (_, [only]) => format!("{s} (on {only})"),
            (_, [.., last]) => format!("{s} (on {last}; ran {})", upgrade::chain(&self.ran)),
        }
    }
}

impl PhoneReport {
    /// For `--json`.
    pub fn to_json(&self) -> serde_json::Value {
        let verdict = match &self.verdict {
            Verdict::WouldRecover {
                manifest,
                load,
                images,
                bytes,
                registered,
            } => json!({
                "status": self.verdict.status(),
                "message": self.verdict.sentence(),
                "manifest": manifest,
                "load": load,
                "images": images,
                "bytes": bytes,
                "registered": registered,
            }),
            Verdict::WouldBeStuck(stuck) => json!({
                "status": self.verdict.status(),
                "message": self.verdict.sentence(),
                "code": stuck.problem.code(),
                "diagnosis": stuck.diagnosis(),
                "fix": stuck.advice().map(|a| a.fix),
                "step": stuck.step,
                "step_words": stuck.step.words(),
                "file": stuck.file,
            }),
            Verdict::CouldNotRun { reason } => json!({
                "status": self.verdict.status(),
                "message": self.verdict.sentence(),
                "reason": reason,
            }),
            Verdict::Upgrade(u) => json!({
                "status": self.verdict.status(),
                "message": self.verdict.sentence(),
                "ran": u.ran,
                "now_on": u.now_on,
                "now_on_load": u.now_on_load,
                "refused": u.refused,
                "boots": u.boots,
                "end": u.end,
                "bytes": u.bytes,
                "registered": u.registered,
            }),
        };
        let dhcp = self.lease.as_ref().map(|l| {
            json!({
                "address": l.address,
                "server": l.server,
                "subnet_mask": l.subnet_mask,
                "lease_time": l.lease_time,
                "siaddr": l.siaddr,
                "option_150": l.option150.as_deref().map(hex),
                "option_66": l.option66.as_deref().map(|d| String::from_utf8_lossy(d).trim_end_matches('\0').to_owned()),
                "offers_from": l.offers_from,
            })
        });
        let mut v = json!({
            "phone": self.mac.sep_name(),
            "mac": self.mac.to_string(),
            "model": self.model.name,
            "device_id": self.model.device_id,
            "mode": self.mode,
            "verdict": verdict,
            "dhcp": dhcp,
            "tftp_server": self.tftp_server.map(|(a, s)| json!({"address": a, "source": s})),
            "tftp_options": self.options,
            "files": self.files.iter().map(|f| {
                let mut v = serde_json::to_value(&f.outcome).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("name".into(), json!(f.name));
                    o.insert("step".into(), json!(f.step.words()));
                    o.insert("retransmissions".into(), json!(f.retransmissions));
                    o.insert("elapsed_ms".into(), json!(millis(f.elapsed)));
                    o.insert("transport".into(), json!(f.transport));
                }
                v
            }).collect::<Vec<_>>(),
            "notes": self.notes,
            "elapsed_ms": millis(self.elapsed),
        });
        if let (Some(o), Some(last)) = (v.as_object_mut(), self.ran.last()) {
            o.insert("ran".into(), json!(self.ran));
            o.insert("now_on".into(), json!(last));
        }
        v
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// What was simulated, for the headline.
#[derive(Clone, Debug)]
pub struct Run {
    pub model: &'static Model,
    /// Recovery or boot.
    pub mode: Scenario,
    /// `DHCP on eth0` or `TFTP server 10.0.0.1:69`.
    pub network: String,
    /// Whether TFTP options were asked for.
    pub options: bool,
}

/// The run's exit status: 0 all would recover (or, given their running load, settled
/// with nothing refused), 1 any would be stuck (or refused a load, or was still
/// upgrading at the bound), else 2.
pub fn exit_code(reports: &[PhoneReport]) -> u8 {
    if reports.iter().any(|r| match &r.verdict {
        Verdict::WouldBeStuck(_) => true,
        Verdict::Upgrade(u) => !u.settled(),
        _ => false,
    }) {
        1
    } else if reports.is_empty()
        || reports
            .iter()
            .any(|r| matches!(r.verdict, Verdict::CouldNotRun { .. }))
    {
        2
    } else {
        0
    }
}

/// Counts of each verdict: good (would recover, or settled on a load), stuck (or
/// refused, or still upgrading), could not run.
fn tally(reports: &[PhoneReport]) -> (usize, usize, usize) {
    let good = reports.iter().filter(|r| r.verdict.is_good()).count();
    let could_not = reports
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::CouldNotRun { .. }))
        .count();
    (good, reports.len() - good - could_not, could_not)
}

/// For `--json`: the run, every phone, a summary.
pub fn to_json(run: &Run, reports: &[PhoneReport]) -> serde_json::Value {
    let (recover, stuck, could_not) = tally(reports);
    json!({
        "model": run.model.name,
        "mode": run.mode,
        "network": run.network,
        "tftp_options": run.options,
        "exit_code": exit_code(reports),
        "summary": {
            "phones": reports.len(),
            "would_recover": recover,
            "would_be_stuck": stuck,
            "could_not_run": could_not,
        },
        "phones": reports.iter().map(PhoneReport::to_json).collect::<Vec<_>>(),
    })
}

/// The report a person reads.
pub fn to_text(run: &Run, reports: &[PhoneReport]) -> String {
    let mut t = String::new();
    let options = if run.options {
        ", TFTP options on"
    } else {
        ", plain TFTP"
    };
    match reports {
        [one] => {
            let _ = writeln!(
                t,
                "Simulated a {} ({}) in {} mode, {}{options}.",
                one.model.name,
                one.mac.sep_name(),
                one.mode.as_str(),
                run.network
            );
            phone_details(&mut t, one);
            let _ = writeln!(t, "\nVerdict: the phone {}", one.sentence());
        }
        many => {
            let _ = writeln!(
                t,
                "Simulated {} {} phones in {} mode at once, {}{options}.",
                many.len(),
                run.model.name,
                run.mode.as_str(),
                run.network
            );
            summary(&mut t, many);
        }
    }
    t
}

fn phone_details(t: &mut String, r: &PhoneReport) {
    if let Some(l) = &r.lease {
        let _ = writeln!(t, "  DHCP: got {} from {}", l.address, l.server);
    }
    if let Some((server, source)) = r.tftp_server {
        let _ = writeln!(t, "  TFTP server: {server} (from {})", source.words());
    }
    for f in &r.files {
        let what = match &f.outcome {
            FileOutcome::Received {
                size, signed_as, ..
            } => match signed_as {
                Some(n) => format!("{size} bytes, signed as {n}"),
                None => format!("{size} bytes"),
            },
            FileOutcome::NotFound => "not found".into(),
            FileOutcome::Failed { why } => why.clone(),
        };
        let again = if f.retransmissions > 0 {
            format!(", {} packets sent again", f.retransmissions)
        } else {
            String::new()
        };
        let over = match f.transport {
            Transport::Http => ", over HTTP",
            Transport::Tftp => "",
        };
        let _ = writeln!(t, "  {}: {what} ({}{again}{over})", f.name, f.step.words());
    }
    if !r.ran.is_empty() {
        let _ = writeln!(t, "  ran: {}", upgrade::chain(&r.ran));
    }
    for n in &r.notes {
        let _ = writeln!(t, "  note: {n}");
    }
    let _ = writeln!(t, "  time: {:.1} s", r.elapsed.as_secs_f64());
}

fn summary(t: &mut String, reports: &[PhoneReport]) {
    let (recover, stuck, could_not) = tally(reports);
    let slowest = reports.iter().map(|r| r.elapsed).max().unwrap_or_default();
    // Phones given their running load settle, or refuse a load, or keep upgrading.
    let loads = reports
        .iter()
        .any(|r| matches!(r.verdict, Verdict::Upgrade(_)));
    let (good, bad) = if loads {
        (
            "settled with nothing refused",
            "refused a load, were still upgrading or would be stuck",
        )
    } else {
        ("would recover", "would be stuck")
    };
    let _ = writeln!(
        t,
        "  {recover} {good}, {stuck} {bad}, {could_not} could not run (the slowest took {:.1} s).",
        slowest.as_secs_f64()
    );
    // The same problem on many phones is said once, with who.
    let mut by_reason: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in reports {
        if !matches!(r.verdict, Verdict::WouldRecover { .. }) {
            by_reason
                .entry(r.sentence())
                .or_default()
                .push(r.mac.sep_name());
        }
    }
    for (sentence, phones) in &by_reason {
        let _ = writeln!(t, "  {} phone(s) {sentence}", phones.len());
        let _ = writeln!(t, "    {}", first_few(phones));
    }
    let mut notes: BTreeMap<&str, usize> = BTreeMap::new();
    for n in reports.iter().flat_map(|r| &r.notes) {
        *notes.entry(n).or_default() += 1;
    }
    for (n, count) in notes {
        let _ = writeln!(t, "  note ({count} phone(s)): {n}");
    }
    let verdict = match exit_code(reports) {
        0 => format!("all {} phones {good}", reports.len()),
        1 => format!("{stuck} of {} phones {bad}", reports.len()),
        _ => format!(
            "{could_not} of {} phones could not be simulated",
            reports.len()
        ),
    };
    let _ = writeln!(t, "\nVerdict: {verdict}.");
}

fn first_few(names: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut s = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        let _ = write!(s, " and {} more", names.len() - SHOWN);
    }
    s
}

mod upgrade;
mod words;

pub use upgrade::{End, Refusal, Upgrade, chain};

use words::server_words;

#[cfg(test)]
mod tests;
