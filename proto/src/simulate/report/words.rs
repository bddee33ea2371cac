//! A stuck phone in words: the sentence a person can act on, and the
//! diagnosis with its words, the same [`Diagnosis`] and [`Advice`] the web
//! page's phone cards use, so that `lifeline simulate` and the page say the
//! same about the same problem.

use std::net::SocketAddr;

use lifeline_shared::advice::{self, Advice};
use lifeline_shared::events::{Diagnosis, LoopCause};
use lifeline_shared::firmware::inspect::strip_loads;

use super::Step;
use super::problem::{Problem, Stuck};
use crate::simulate::tftp_client::Failure;

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

    /// What follows "not found": why, and the fix, in the words the web
    /// page's phone card uses for the same diagnosis.
    fn not_found_hint(&self) -> String {
        let case = match (&self.step, self.file.as_deref()) {
            (Step::Image { .. }, Some(f)) if f.starts_with(|c: char| c.is_ascii_uppercase()) => {
                "; the manifest spells it with a capital letter: a case-sensitive server needs a \
                 copy under that spelling (a Lifeline bundle has one)"
            }
            _ => "",
        };
        if !case.is_empty() {
            return case.to_owned();
        }
        match self.advice() {
            Some(Advice { detail, fix, .. })
                if matches!(
                    self.diagnosis(),
                    Some(Diagnosis::NotFound { ref file, .. })
                        if advice::recovery_manifest_of(file).is_some()
                ) =>
            {
                format!(": {detail} {fix}")
            }
            Some(Advice { detail, fix, .. }) if self.step == Step::LoadManifest => {
                format!(". {detail} {fix}")
            }
            Some(Advice { fix, .. }) => format!(". {fix}"),
            None => String::new(),
        }
    }

    /// The diagnosis the web page's card would show for this problem, when
    /// there is one: the same code speaks in both.
    pub fn diagnosis(&self) -> Option<Diagnosis> {
        let file = self.file.clone()?;
        match (&self.step, &self.problem) {
            (
                Step::LoadManifest,
                Problem::Transfer {
                    failure: Failure::NotFound { .. },
                    ..
                },
            ) => Some(Diagnosis::ConfigLoop {
                file: "its configuration".into(),
                times: 1,
                cause: LoopCause::NotInBundle {
                    load: strip_loads(&file).to_owned(),
                },
            }),
            (
                _,
                Problem::Transfer {
                    failure: Failure::NotFound { .. },
                    ..
                },
            ) => Some(Diagnosis::NotFound {
                file,
                closest: None,
            }),
            _ => None,
        }
    }

    /// The words of [`Stuck::diagnosis`]. A configuration loop is told as a
    /// real phone would live it: it fetches its configuration again and
    /// again and never asks for firmware.
    pub fn advice(&self) -> Option<Advice> {
        let loop_words = |cause: &LoopCause| {
            let (detail, fix) = advice::config_loop(
                "A phone keeps fetching its configuration and never asks for firmware",
                cause,
            )?;
            Some(Advice {
                title: "configuration loop".into(),
                detail,
                fix,
            })
        };
        match &self.problem {
            Problem::NoLoadForDevice {
                device_id, product, ..
            } => loop_words(&LoopCause::NoLoadForModel {
                model: product.trim_start_matches("IP Phone ").to_owned(),
                device_id: *device_id,
            }),
            _ => match self.diagnosis()? {
                Diagnosis::ConfigLoop { cause, .. } => loop_words(&cause),
                d => advice::advice(&d),
            },
        }
    }
}

fn listed(found: &[String]) -> String {
    if found.is_empty() {
        "it has no loadInformation at all".into()
    } else {
        format!("it has {}", found.join(", "))
    }
}

/// `10.0.0.1`, or `127.0.0.1:6969` when the port is not TFTP's 69.
fn server_words(server: SocketAddr) -> String {
    if server.port() == 69 {
        server.ip().to_string()
    } else {
        server.to_string()
    }
}
