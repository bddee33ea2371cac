//! The phone's HTTP-first fetch, as 78xx/88xx do it: each file is asked
//! `GET /<file>` on the TFTP server's HTTP port ([`PhoneSpec::http_port`],
//! 6970); when nothing answers there (refused, or no connection in time) the
//! phone notes it and asks that file, and every later one, over TFTP. An
//! HTTP answer is checked and recorded exactly as a TFTP transfer's.
//!
//! [`PhoneSpec::http_port`]: crate::simulate::spec::PhoneSpec::http_port

use std::net::SocketAddr;

use super::{Phone, SocketId, Transmit};
use crate::simulate::http_client::{Connection, HttpGet};
use crate::simulate::report::Step;
use crate::simulate::spec::Transport;
use crate::simulate::tftp_client::Limits;
use crate::tftp::time::Time;

/// The GET running.
#[derive(Debug)]
pub(super) struct Current {
    pub(super) id: u32,
    step: Step,
    pub(super) get: HttpGet,
    started: Time,
}

impl Phone {
    /// Starts `GET /<file>` on the HTTP port of the TFTP server `server`.
    pub(super) fn fetch_http(
        &mut self,
        now: Time,
        server: SocketAddr,
        step: Step,
        file: String,
        limits: Limits,
    ) {
        let id = self.next_id;
        self.next_id += 1;
        let to = SocketAddr::new(server.ip(), self.spec.http_port);
        self.http = Some(Current {
            id,
            step,
            get: HttpGet::new(now, to, &file, limits),
            started: now,
        });
        self.after_http(now);
    }

    /// What happened to HTTP connection `socket`.
    pub fn handle_connection(&mut self, now: Time, socket: SocketId, news: Connection) {
        if let SocketId::Http(id) = socket
            && let Some(h) = self.http.as_mut().filter(|h| h.id == id)
        {
            h.get.handle_connection(now, news);
            self.after_http(now);
        }
        self.pump();
    }

    pub(super) fn http_bytes(&mut self, now: Time, id: u32, bytes: &[u8]) {
        if let Some(h) = self.http.as_mut().filter(|h| h.id == id) {
            h.get.handle(now, bytes);
            self.after_http(now);
        }
    }

    pub(super) fn http_timeout(&mut self, now: Time) {
        if let Some(h) = &mut self.http {
            h.get.handle_timeout(now);
            self.after_http(now);
        }
    }

    /// The step and file of the GET running, for a time limit's verdict.
    pub(super) fn http_step(&self) -> Option<(Step, Option<String>)> {
        self.http
            .as_ref()
            .map(|h| (h.step.clone(), Some(h.get.file().to_owned())))
    }

    /// Moves the GET's bytes out, and acts on its result.
    fn after_http(&mut self, now: Time) {
        let Some(h) = &mut self.http else { return };
        if let Some(bytes) = h.get.poll_transmit() {
            self.out.push_back(Transmit {
                socket: SocketId::Http(h.id),
                to: h.get.server(),
                bytes,
            });
        }
        let Some(result) = h.get.take_result() else {
            return;
        };
        let Some(h) = self.http.take() else { return };
        let file = h.get.file().to_owned();
        match result {
            Err(Err(fallback)) => {
                self.http_off = true;
                self.notes.push(format!("HTTP first: {}", fallback.why));
                self.events
                    .push_back(format!("{file}: nothing on the HTTP port, asking TFTP"));
                self.fetch(now, h.step, file);
            }
            Ok(received) => {
                let result = Ok(received);
                self.record(now, h.started, &h.step, &file, &result, Transport::Http);
                self.on_file(now, h.step, file, result);
            }
            Err(Ok(failure)) => {
                let result = Err(failure);
                self.record(now, h.started, &h.step, &file, &result, Transport::Http);
                self.on_file(now, h.step, file, result);
            }
        }
    }
}
