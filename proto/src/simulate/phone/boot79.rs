//! The 7940/7960's own order (Cisco's CME guide), for [`Phone`]:
//!
//! - after a factory reset (older loads), `OS79XX.TXT` first: one image name whose third
//!   character is the protocol. On a mismatch with the image it runs, the phone loads the
//!   image named (`<IMAGE>.loads`, then its images); otherwise, or when the file is
//!   missing, it boots as below.
//! - the SCCP image: `CTLSEP<MAC>.tlv`, `SEP<MAC>.cnf.xml` else `XMLDefault.cnf.xml`
//!   (its `loadInformation7`/`8`), the load — the other families' order without the ITL
//!   files, so [`Phone`]'s own steps do it.
//! - the SIP image: `CTLSEP<MAC>.tlv`, `SEP<MAC>.cnf.xml`, `SIP<MAC>.cnf`,
//!   `SEPDefault.cnf.xml`, `SIPDefault.cnf` (each may be missing), then the image named by
//!   `image_version` (its own file's over the default's).

use lifeline_shared::config::sip79;
use lifeline_shared::models::Protocol;

use super::Phone;
use crate::simulate::report::{Problem, Step};
use crate::simulate::tftp_client::{Failure, Received};
use crate::tftp::time::Time;

/// The SIP image's files after the security file, in order, each with its step.
fn sip_files(sep: &str) -> Vec<(Step, String)> {
    let mac = &sep[3..];
    vec![
        (Step::PhoneConfig, format!("{sep}.cnf.xml")),
        (Step::SipConfig, format!("SIP{mac}.cnf")),
        (Step::DefaultConfig, "SEPDefault.cnf.xml".to_owned()),
        (Step::SipConfig, sip79::SIP_DEFAULT.to_owned()),
    ]
}

impl Phone {
    /// Whether this phone follows the 7940/7960's order.
    pub(super) fn is_79(&self) -> bool {
        self.spec.model.family == lifeline_shared::models::FamilyId::F7940_7960
    }

    /// Whether the 7940/7960 order handles a file of `step` (the SCCP image's
    /// configuration is [`Phone`]'s own).
    pub(super) fn handles_79(&self, step: &Step) -> bool {
        self.is_79()
            && match step {
                Step::Os79xx | Step::SipConfig => true,
                Step::PhoneConfig | Step::DefaultConfig => self.spec.runs == Protocol::Sip,
                _ => false,
            }
    }

    /// The first file once the TFTP server is known.
    pub(super) fn begin_79(&mut self, now: Time) {
        match self.mode {
            super::Scenario::Recovery => {
                self.fetch(now, Step::Os79xx, sip79::OS79XX.to_owned());
            }
            super::Scenario::Boot => self.boot_79(now),
        }
    }

    /// The boot order of the image the phone runs, from the security file on.
    fn boot_79(&mut self, now: Time) {
        self.security = [format!("CTL{}.tlv", self.spec.mac.sep_name())].into();
        self.next_security(now);
    }

    /// After the security file: the SIP image's configuration files (the SCCP
    /// image goes on with [`Phone`]'s `SEP<MAC>.cnf.xml`).
    pub(super) fn after_security_79(&mut self, now: Time) -> bool {
        if self.spec.runs != Protocol::Sip {
            return false;
        }
        self.sip_queue = sip_files(&self.spec.mac.sep_name()).into();
        self.next_sip_file(now);
        true
    }

    fn next_sip_file(&mut self, now: Time) {
        match self.sip_queue.pop_front() {
            Some((step, file)) => self.fetch(now, step, file),
            None => {
                let image = self
                    .sip_image_own
                    .clone()
                    .or_else(|| self.sip_image_default.clone());
                if self.runs.is_some() {
                    // No image_version: the phone keeps its image.
                    return self.offered(now, image);
                }
                match image {
                    Some(image) => self.load_manifest(now, image),
                    None => {
                        let read = std::mem::take(&mut self.sip_read);
                        self.stuck(now, Step::SipConfig, None, Problem::NoImageVersion { read });
                    }
                }
            }
        }
    }

    /// A file of the 7940/7960 order arrived, or did not.
    pub(super) fn on_file_79(
        &mut self,
        now: Time,
        step: Step,
        file: String,
        result: Result<Received, Failure>,
    ) {
        let server = self
            .server
            .unwrap_or(std::net::SocketAddr::from(([0, 0, 0, 0], 69)));
        match (step, result) {
            (Step::Os79xx, Ok(r)) => match os79xx_image(&r.head) {
                Ok(image) => {
                    let wants = sip79::protocol_letter(&image);
                    self.events
                        .push_back(format!("{file} names the image {image}"));
                    if self.runs.is_some() {
                        // Given its running image, the phone loads any other, under the
                        // rules; its own, it boots.
                        if self.runs_load(&image) {
                            self.boot_79(now);
                        } else {
                            self.offered(now, Some(image));
                        }
                    } else if wants.is_some_and(|p| p != self.spec.runs) {
                        self.notes.push(format!(
                            "{file} names {image}, a {} image, and the phone runs {}: it loads {image} to switch",
                            wants.map(Protocol::as_str).unwrap_or_default(),
                            self.spec.runs
                        ));
                        self.load_manifest(now, image);
                    } else {
                        self.boot_79(now);
                    }
                }
                Err(content) => self.stuck(
                    now,
                    Step::Os79xx,
                    Some(file),
                    Problem::BadOs79xx { content },
                ),
            },
            (Step::Os79xx, Err(Failure::NotFound { .. } | Failure::ServerError { .. })) => {
                self.notes.push(format!(
                    "no {file} on the server: the phone keeps its {} image and boots",
                    self.spec.runs
                ));
                self.boot_79(now);
            }
            (Step::PhoneConfig | Step::DefaultConfig, Ok(_)) => {
                // The SIP image reads its SIP files for the image; the XML ones carry
                // nothing it acts on here.
                self.next_sip_file(now);
            }
            (
                Step::PhoneConfig | Step::DefaultConfig | Step::SipConfig,
                Err(Failure::NotFound { .. } | Failure::ServerError { .. }),
            ) => self.next_sip_file(now),
            (Step::SipConfig, Ok(r)) => {
                let text = String::from_utf8_lossy(&r.head);
                match sip79::parse(&text) {
                    Ok(entries) => {
                        let image = entries
                            .iter()
                            .rev()
                            .find(|e| e.key == "image_version")
                            .map(|e| e.value.trim().to_owned())
                            .filter(|v| !v.is_empty());
                        self.sip_read.push(file.clone());
                        if let Some(image) = &image {
                            self.events
                                .push_back(format!("{file} names the image {image}"));
                        }
                        if file == sip79::SIP_DEFAULT {
                            self.sip_image_default = image;
                            self.served_79_default = Some(text.into_owned());
                        } else {
                            self.sip_image_own = image;
                            self.served_79_own = Some(text.into_owned());
                        }
                        self.next_sip_file(now);
                    }
                    Err(e) => self.stuck(
                        now,
                        Step::SipConfig,
                        Some(file),
                        Problem::BadConfig {
                            error: e.to_string(),
                        },
                    ),
                }
            }
            (step, Err(failure)) => {
                self.stuck(now, step, Some(file), Problem::Transfer { server, failure })
            }
            (_, Ok(_)) => {}
        }
    }
}

/// The image `OS79XX.TXT` names, or what it holds instead (escaped).
fn os79xx_image(bytes: &[u8]) -> Result<String, String> {
    let text = String::from_utf8_lossy(bytes);
    let escaped: String = text
        .chars()
        .take(64)
        .collect::<String>()
        .escape_debug()
        .to_string();
    sip79::os79xx_txt(&text).map_err(|_| escaped)
}
