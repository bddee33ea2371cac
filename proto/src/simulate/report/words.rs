//! A stuck phone's diagnosis and its words: the same [`Diagnosis`] and
//! [`Advice`] the web page's phone cards use, so that `lifeline simulate`
//! and the page say the same about the same problem.

use std::net::SocketAddr;

use lifeline_shared::advice::{self, Advice};
use lifeline_shared::events::{Diagnosis, LoopCause};

use super::{Problem, Step, Stuck};
use crate::simulate::tftp_client::Failure;

impl Stuck {
    /// What follows "not found": why, and the fix, in the words the web
    /// page's phone card uses for the same diagnosis.
    pub(super) fn not_found_hint(&self) -> String {
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
                    load: file.trim_end_matches(".loads").to_owned(),
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

/// `10.0.0.1`, or `127.0.0.1:6969` when the port is not TFTP's 69.
pub(super) fn server_words(server: SocketAddr) -> String {
    if server.port() == 69 {
        server.ip().to_string()
    } else {
        server.to_string()
    }
}
