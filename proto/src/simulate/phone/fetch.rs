//! One file asked for, for [`Phone`]: the limits of its step (what is kept, the
//! largest size), the TFTP transfer (or the HTTP GET of a phone that asks HTTP
//! first), and the record of how it went.

use lifeline_shared::config::{cnf_xml, sip79};
use lifeline_shared::firmware::signed::SignedHeader;

use super::{Current, Phone, SocketId, Transmit};
use crate::simulate::report::{FileOutcome, FileRecord, Step};
use crate::simulate::spec::Transport;
use crate::simulate::tftp_client::{self, Failure, Limits, Received, Transfer};
use crate::tftp::time::Time;

/// The largest `.loads` file: a 64 KiB header and a 64 KiB body.
const MANIFEST_MAX: u64 = 128 * 1024;
/// An image's signed header fits in this (its length is a `u16`).
const HEADER_KEEP: usize = 64 * 1024;
/// The largest image accepted (real ones are under 8 MB).
const IMAGE_MAX: u64 = 64 * 1024 * 1024;
/// The largest CTL/ITL file accepted (real ones are a few KB).
const SECURITY_MAX: u64 = 1024 * 1024;

impl Phone {
    pub(super) fn fetch(&mut self, now: Time, step: Step, file: String) {
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
    pub(super) fn after_transfer(&mut self, now: Time) {
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

    pub(super) fn record(
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
}
