//! Whom each phone registers as, from the configuration the helper served it:
//! for every request TFTP or HTTP provisioning answered with a configuration
//! (`SEP<MAC>.cnf.xml`, `XMLDefault.cnf.xml`, a 7940/7960's `SIP<MAC>.cnf`
//! over `SIPDefault.cnf`), the file is read again from the same source and
//! an [`Event::ConfigServed`] published: the first SIP line's user, proxy and
//! port, an SCCP configuration, or no SIP line (shared
//! `config::registers`). The tracker puts it on the phone's card.
//!
//! The event never carries a password: `Registers` has no field for one.

use std::io::Read as _;
use std::sync::Arc;

use lifeline_shared::config::cnf_xml::MAX_CNF;
use lifeline_shared::config::mac::mac_in_name;
use lifeline_shared::config::registers::{self, Registers};
use lifeline_shared::config::sip79::SIP_DEFAULT;
use lifeline_shared::events::{ConfigServed, Event, Resolution, TftpRequest};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use crate::events::Events;
use crate::files::FileSource;

/// Publishes a [`Event::ConfigServed`] after each configuration served,
/// until `stop`.
pub fn spawn(
    events: Events,
    source: Arc<dyn FileSource>,
    stop: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let mut rx = events.subscribe();
    tokio::spawn(async move {
        loop {
            let request = tokio::select! {
                ev = rx.recv() => match ev {
                    Ok(Event::TftpRequest(r)) => r,
                    Ok(_) => continue,
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::debug!(skipped = n, "registrations lagged");
                        continue;
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                () = stop.cancelled() => break,
            };
            if config_kind(&request).is_none() {
                continue;
            }
            let source = source.clone();
            let served = tokio::task::spawn_blocking(move || served(source.as_ref(), &request))
                .await
                .ok()
                .flatten();
            if let Some(event) = served {
                events.publish(Event::ConfigServed(event));
            }
        }
    })
}

/// Which kind of configuration a request was answered with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A `.cnf.xml`.
    Xml,
    /// A 7940/7960's own `SIP<MAC>.cnf`.
    Own79,
    /// A 7940/7960's `SIPDefault.cnf`.
    Default79,
}

/// The kind of configuration `r` was answered with, if it was one.
fn config_kind(r: &TftpRequest) -> Option<Kind> {
    if matches!(r.resolution, Resolution::NotFound | Resolution::Denied) {
        return None;
    }
    let served = r.served.as_deref()?.to_ascii_lowercase();
    if served.ends_with(".cnf.xml") {
        Some(Kind::Xml)
    } else if served.eq_ignore_ascii_case(SIP_DEFAULT) {
        Some(Kind::Default79)
    } else if served.ends_with(".cnf") && mac_in_name(&served).is_some() {
        Some(Kind::Own79)
    } else {
        None
    }
}

/// The text of `name` in `source`: `None` when it is not there (any more),
/// an error when it is too large to be a configuration.
fn read(source: &dyn FileSource, name: &str) -> Option<Result<String, String>> {
    let opened = source.open(name).ok()?;
    if opened.size > MAX_CNF as u64 {
        return Some(Err(format!(
            "it is {} bytes; a phone configuration is a few kilobytes",
            opened.size
        )));
    }
    let mut bytes = Vec::new();
    opened
        .reader
        .take(MAX_CNF as u64)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(Ok(String::from_utf8_lossy(&bytes).into_owned()))
}

/// What `r`'s configuration registers its phone as, read from `source`.
fn served(source: &dyn FileSource, r: &TftpRequest) -> Option<ConfigServed> {
    let kind = config_kind(r)?;
    let name = r.served.as_deref()?;
    let registers = match read(source, name)? {
        Err(error) => Registers::Unreadable { error },
        Ok(text) => match kind {
            Kind::Xml => registers::of_xml(&text),
            Kind::Own79 => {
                let default = read(source, SIP_DEFAULT).and_then(Result::ok);
                registers::of_cnf79(Some(&text), default.as_deref())
            }
            Kind::Default79 => registers::of_cnf79(None, Some(&text)),
        },
    };
    Some(ConfigServed {
        client: r.client,
        transport: r.transport,
        file: r.file.clone(),
        own: mac_in_name(name).is_some(),
        registers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::MemoryFiles;
    use lifeline_shared::config::cnf_xml::{PhoneSettings, SipLine, SipSettings, sep_cnf};
    use lifeline_shared::config::mac::Mac;
    use lifeline_shared::models::Protocol;

    const SECRET: &str = "pw-never-in-an-event";

    fn request(file: &str, served: Option<&str>, resolution: Resolution) -> TftpRequest {
        let client = "10.0.0.50:5000".parse().unwrap();
        let Event::TftpRequest(mut r) =
            lifeline_shared::testkit::tftp_request(1, client, file, resolution, Some(100))
        else {
            unreachable!("testkit::tftp_request makes a request")
        };
        r.served = served.map(str::to_string);
        r
    }

    fn files() -> MemoryFiles {
        let mac: Mac = "00:11:22:aa:bb:cc".parse().unwrap();
        let (xml, _) = sep_cnf(&PhoneSettings {
            mac,
            protocol: Protocol::Sip,
            load: "SIP41.9-4-2SR3-1S".into(),
            call_managers: vec!["10.0.0.5".into()],
            sip: Some(SipSettings {
                proxy: "10.0.0.5".into(),
                port: 5070,
                lines: vec![SipLine {
                    display_name: "Desk".into(),
                    user: "1001".into(),
                    auth_name: "1001".into(),
                    auth_password: SECRET.into(),
                }],
            }),
        })
        .unwrap();
        let mut f = MemoryFiles::new();
        f.insert("SEP001122AABBCC.cnf.xml", xml.into_bytes());
        f.insert(
            "SIPDefault.cnf",
            b"proxy1_address: \"10.0.0.9\"\nimage_version: \"P0S3-8-12-00\"\n".to_vec(),
        );
        f.insert(
            "SIP001122AABBCD.cnf",
            format!("line1_name: \"2002\"\nline1_password: \"{SECRET}\"\n").into_bytes(),
        );
        f.insert("big.cnf.xml", vec![b' '; MAX_CNF + 10]);
        f
    }

    #[test]
    fn a_served_configuration_says_whom_it_registers_as_without_the_password() {
        let f = files();
        let own = served(
            &f,
            &request(
                "sep001122aabbcc.cnf.xml",
                Some("SEP001122AABBCC.cnf.xml"),
                Resolution::Case,
            ),
        )
        .unwrap();
        assert_eq!(own.file, "sep001122aabbcc.cnf.xml");
        assert!(own.own);
        assert_eq!(
            own.registers.sentence(),
            "Registers as 1001 at 10.0.0.5:5070"
        );
        let json = serde_json::to_string(&Event::ConfigServed(own)).unwrap();
        assert!(!json.contains(SECRET), "{json}");
        // A 7940/7960's own file over the defaults.
        let own79 = served(
            &f,
            &request(
                "SIP001122AABBCD.cnf",
                Some("SIP001122AABBCD.cnf"),
                Resolution::Exact,
            ),
        )
        .unwrap();
        assert_eq!(
            own79.registers.sentence(),
            "Registers as 2002 at 10.0.0.9:5060"
        );
        assert!(!serde_json::to_string(&own79).unwrap().contains(SECRET));
        let default79 = served(
            &f,
            &request("SIPDefault.cnf", Some("SIPDefault.cnf"), Resolution::Exact),
        )
        .unwrap();
        assert_eq!(
            (default79.own, default79.registers),
            (false, Registers::NoLine)
        );
        // A file too large to be a configuration is said to be unreadable.
        let big = served(
            &f,
            &request("big.cnf.xml", Some("big.cnf.xml"), Resolution::Exact),
        )
        .unwrap();
        assert!(matches!(big.registers, Registers::Unreadable { .. }));
    }

    #[test]
    fn only_configurations_that_were_served_count() {
        let f = files();
        assert!(
            served(
                &f,
                &request("SEP001122AABBCC.cnf.xml", None, Resolution::NotFound)
            )
            .is_none()
        );
        assert_eq!(
            config_kind(&request(
                "term61.default.loads",
                Some("term61.default.loads"),
                Resolution::Exact
            )),
            None
        );
        assert_eq!(
            config_kind(&request(
                "dialplan.xml",
                Some("dialplan.xml"),
                Resolution::Exact
            )),
            None
        );
    }
}
