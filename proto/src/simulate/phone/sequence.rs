//! The order of the files, for [`Phone`]: the recovery manifest after a wipe, or
//! the boot order (security files, configuration, the load it names, its images),
//! and what each file that arrived (or did not) leads to.

use std::collections::VecDeque;
use std::net::SocketAddr;

use lifeline_shared::config::cnf_xml;

use super::Phone;
use crate::simulate::checks;
use crate::simulate::report::{Problem, Step, Verdict};
use crate::simulate::spec::Scenario;
use crate::simulate::tftp_client::{Failure, Received};
use crate::tftp::time::Time;

impl Phone {
    /// The first file, once the TFTP server is known.
    pub(super) fn begin(&mut self, now: Time) {
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
    pub(super) fn ask_config(&mut self, now: Time) {
        self.security.clear();
        self.next_security(now);
    }

    /// Forgets what this boot fetched, for the next one.
    pub(super) fn forget_boot(&mut self) {
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

    pub(super) fn next_security(&mut self, now: Time) {
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

    pub(super) fn on_file(
        &mut self,
        now: Time,
        step: Step,
        file: String,
        result: Result<Received, Failure>,
    ) {
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

    pub(super) fn load_manifest(&mut self, now: Time, load: String) {
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
}
