//! `XMLDefault.cnf.xml` and `SEP<MAC>.cnf.xml`: written, read back and checked.
//!
//! Files are written with quick-xml (text and attributes escaped), so they are
//! always well-formed; [`parse`] reads any `.cnf.xml` into a [`CnfSummary`], and
//! [`check`] reports what makes a phone ignore or misread a file someone already
//! has: a `loadInformation` start tag closed by another end tag, a device id that
//! does not match the `model` attribute, a load the bundle does not hold, a
//! missing `callManagerGroup`.
//!
//! # Layout
//!
//! - this module: the settings, checked, and the two files written from them.
//! - `read`: [`parse`] and [`check`] for a file that already exists.

mod lines;
mod read;

pub use lines::{ServedLine, sip_lines};
pub use read::{CnfError, CnfSummary, LoadInformation, Member, check, parse};

use crate::config::mac::Mac;
use crate::finding::{Code, Finding, Severity};
use crate::models::{self, Protocol};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde::{Deserialize, Serialize};
use std::io::Cursor;
use thiserror::Error;

/// At most this many call-control servers (priorities 0..4).
pub const MAX_CALL_MANAGERS: usize = 5;
/// SCCP's port.
pub const SCCP_PORT: u16 = 2000;
/// SIP's port.
pub const SIP_PORT: u16 = 5060;
/// Longest SIP auth password the 7942's parser is reported to accept.
pub const SIP_PASSWORD_LIMIT: usize = 12;
/// The registration lifetime a SIP phone asks for, in seconds.
pub const REGISTER_EXPIRES: u32 = 3600;
/// The dial plan a SIP phone's `dialTemplate` names (the 7940/7960's too).
pub const DIALPLAN: &str = "dialplan.xml";
/// Largest `.cnf.xml` [`parse`] reads.
pub const MAX_CNF: usize = 1 << 20;

/// Why settings were refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// A call-control address that is neither an IPv4 address nor a host name.
    #[error("`{0}` is not an IPv4 address or a host name")]
    BadCallManager(String),
    /// More than five call-control servers.
    #[error("{0} call-control servers given; a phone takes at most {MAX_CALL_MANAGERS}")]
    TooManyCallManagers(usize),
    /// No call-control server.
    #[error(
        "give at least one call-control address (the PBX or Call Manager the phones register with)"
    )]
    NoCallManager,
    /// A SIP setting that cannot be written.
    #[error("{0}")]
    BadSip(String),
}

fn valid_host(s: &str) -> bool {
    if s.parse::<std::net::Ipv4Addr>().is_ok() {
        return true;
    }
    // Something that looks like a dotted quad but is not one is a typo, not a name.
    if s.split('.')
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// Reads a list of call-control addresses (comma or space separated), in priority order.
pub fn parse_call_managers(input: &str) -> Result<Vec<String>, SettingsError> {
    let list: Vec<String> = input
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    check_call_managers(&list)?;
    Ok(list)
}

fn check_call_managers(list: &[String]) -> Result<(), SettingsError> {
    if list.is_empty() {
        return Err(SettingsError::NoCallManager);
    }
    if list.len() > MAX_CALL_MANAGERS {
        return Err(SettingsError::TooManyCallManagers(list.len()));
    }
    if let Some(bad) = list.iter().find(|h| !valid_host(h)) {
        return Err(SettingsError::BadCallManager(bad.clone()));
    }
    Ok(())
}

/// A model line for `XMLDefault.cnf.xml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelLoad {
    /// Device-type id.
    pub device_id: u16,
    /// The `model` attribute (`IP Phone 7961`).
    pub product: String,
}

impl ModelLoad {
    /// One `loadInformation` line for each model a firmware serves.
    pub fn all_of(report: &crate::firmware::inspect::Report) -> Vec<Self> {
        report
            .models
            .iter()
            .map(|m| Self {
                device_id: m.device_id,
                product: m.product.clone(),
            })
            .collect()
    }
}

/// What `XMLDefault.cnf.xml` says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultSettings {
    /// The load name, without `.loads`.
    pub load: String,
    /// The load's protocol (chooses the port).
    pub protocol: Protocol,
    /// One `loadInformation<ID>` each.
    pub models: Vec<ModelLoad>,
    /// Call-control addresses, in priority order.
    pub call_managers: Vec<String>,
}

/// One SIP line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipLine {
    /// Shown on the phone's screen.
    pub display_name: String,
    /// The user (extension).
    pub user: String,
    /// Authentication name.
    pub auth_name: String,
    /// Authentication password.
    pub auth_password: String,
}

/// SIP settings of one phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipSettings {
    /// The SIP proxy / registrar.
    pub proxy: String,
    pub port: u16,
    /// Lines, button 1 first.
    pub lines: Vec<SipLine>,
}

/// What one `SEP<MAC>.cnf.xml` says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneSettings {
    /// The phone.
    pub mac: Mac,
    /// SCCP or SIP.
    pub protocol: Protocol,
    /// The load, without `.loads`.
    pub load: String,
    /// Call-control addresses, in priority order.
    pub call_managers: Vec<String>,
    /// SIP profile (SIP only).
    pub sip: Option<SipSettings>,
}

struct X {
    w: Writer<Cursor<Vec<u8>>>,
}

impl X {
    fn new() -> X {
        let mut w = Writer::new_with_indent(Cursor::new(Vec::new()), b' ', 2);
        // Writing into memory cannot fail.
        let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        X { w }
    }
    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let mut s = BytesStart::new(name);
        for a in attrs {
            s.push_attribute(*a);
        }
        let _ = self.w.write_event(Event::Start(s));
    }
    fn close(&mut self, name: &str) {
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
    }
    fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        let mut s = BytesStart::new(name);
        for a in attrs {
            s.push_attribute(*a);
        }
        let _ = self.w.write_event(Event::Start(s));
        let _ = self.w.write_event(Event::Text(BytesText::new(text)));
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
    }
    fn finish(self) -> String {
        let mut s = String::from_utf8(self.w.into_inner().into_inner()).unwrap_or_default();
        s.push('\n');
        s
    }
}

fn call_manager_group(x: &mut X, protocol: Protocol, call_managers: &[String]) {
    x.open("callManagerGroup", &[]);
    x.open("members", &[]);
    for (priority, cm) in call_managers.iter().enumerate() {
        x.open("member", &[("priority", &priority.to_string())]);
        x.open("callManager", &[]);
        x.open("ports", &[]);
        match protocol {
            Protocol::Sccp => x.leaf("ethernetPhonePort", &[], &SCCP_PORT.to_string()),
            Protocol::Sip => x.leaf("sipPort", &[], &SIP_PORT.to_string()),
        }
        x.close("ports");
        x.leaf("processNodeName", &[], cm);
        x.close("callManager");
        x.close("member");
    }
    x.close("members");
    x.close("callManagerGroup");
}

/// Writes `XMLDefault.cnf.xml`.
pub fn xml_default(s: &DefaultSettings) -> Result<String, SettingsError> {
    check_call_managers(&s.call_managers)?;
    let mut x = X::new();
    x.open("Default", &[]);
    call_manager_group(&mut x, s.protocol, &s.call_managers);
    for m in &s.models {
        x.leaf(
            &format!("loadInformation{}", m.device_id),
            &[("model", &m.product)],
            &s.load,
        );
    }
    x.close("Default");
    Ok(x.finish())
}

/// The models to list for a load's family (GE variants included).
pub fn models_for_load(load: &str) -> Vec<ModelLoad> {
    models::family_of_name(load)
        .map(|f| {
            models::models_of_load(f, load)
                .map(|m| ModelLoad {
                    device_id: m.device_id,
                    product: m.product.to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Writes `SEP<MAC>.cnf.xml`, with warnings about settings that may bite.
pub fn sep_cnf(s: &PhoneSettings) -> Result<(String, Vec<Finding>), SettingsError> {
    check_call_managers(&s.call_managers)?;
    let mut findings = Vec::new();
    let mut x = X::new();
    x.open("device", &[]);
    x.leaf("deviceProtocol", &[], s.protocol.as_str());
    x.open("devicePool", &[]);
    if let (Protocol::Sip, Some(_)) = (s.protocol, &s.sip) {
        // Day first, 24-hour clock (`a` would add AM/PM). The time zone is the
        // phone's own default (GMT) until a setting for it exists.
        x.open("dateTimeSetting", &[]);
        x.leaf("dateTemplate", &[], "D/M/Y");
        x.close("dateTimeSetting");
    }
    call_manager_group(&mut x, s.protocol, &s.call_managers);
    x.close("devicePool");
    if let (Protocol::Sip, Some(sip)) = (s.protocol, &s.sip) {
        if !valid_host(&sip.proxy) {
            return Err(SettingsError::BadSip(format!(
                "the SIP proxy `{}` is not an IPv4 address or a host name",
                sip.proxy
            )));
        }
        let family = models::family_of_name(&s.load).map(models::family);
        if let Some(f) = family.filter(|f| f.needs_auth_name())
            && let Some((i, _)) = sip
                .lines
                .iter()
                .enumerate()
                .find(|(_, l)| l.auth_name.trim().is_empty())
        {
            return Err(SettingsError::BadSip(format!(
                "line {} has no auth name: {} registers with the line's authName and does \
                 not use the user in its place; give the name your registrar authenticates \
                 (often the extension)",
                i + 1,
                models::with_article(f.name)
            )));
        }
        x.open("sipProfile", &[]);
        if family.is_some_and(|f| f.needs_kpml_off()) {
            // KPML off. With KPML on, a 78xx/88xx sends each digit in a KPML
            // SUBSCRIBE/NOTIFY dialog and first sends the INVITE for the digits
            // so far; Asterisk's chan_sip does not speak KPML and answers that
            // INVITE 484 Address Incomplete, so every call fails on its first
            // digit. With 0 the phone collects the number and sends one INVITE.
            x.leaf("kpml", &[], "0");
        }
        x.open("sipProxies", &[]);
        x.leaf("registerWithProxy", &[], "true");
        x.close("sipProxies");
        x.open("sipStack", &[]);
        // Re-register hourly (what Asterisk and Kamailio grant by default),
        // starting `timerRegisterDelta` seconds before it runs out; a
        // keepalive every 120 s holds a NAT binding open.
        x.leaf("timerRegisterExpires", &[], &REGISTER_EXPIRES.to_string());
        x.leaf("timerRegisterDelta", &[], "5");
        x.leaf("timerKeepAliveExpires", &[], "120");
        x.close("sipStack");
        // The registrar sees the phone's own address: a PBX on the same LAN
        // needs no NAT rewriting by the phone (the PBX's `nat=` handles a far one).
        x.leaf("natEnabled", &[], "false");
        x.leaf("natReceivedProcessing", &[], "false");
        x.leaf("dtmfAvtPayload", &[], "101");
        x.leaf("dtmfOutofBand", &[], "avt");
        x.open("sipLines", &[]);
        for (i, line) in sip.lines.iter().enumerate() {
            if line.auth_password.chars().count() > SIP_PASSWORD_LIMIT {
                findings.push(Finding::new(
                    Severity::Warning,
                    Code::SipPasswordTooLong,
                    format!("{} line {}", s.mac.sep_name(), i + 1),
                    format!(
                        "The auth password is {} characters; some phones (the 7942 is reported) fail to parse passwords over {SIP_PASSWORD_LIMIT}.",
                        line.auth_password.chars().count()
                    ),
                    format!("Use a password of {SIP_PASSWORD_LIMIT} characters or fewer for this line."),
                ));
            }
            x.open("line", &[("button", &(i + 1).to_string())]);
            x.leaf("featureID", &[], "9");
            x.leaf("featureLabel", &[], &line.display_name);
            x.leaf("proxy", &[], &sip.proxy);
            x.leaf("port", &[], &sip.port.to_string());
            x.leaf("name", &[], &line.user);
            x.leaf("displayName", &[], &line.display_name);
            x.leaf("authName", &[], &line.auth_name);
            x.leaf("authPassword", &[], &line.auth_password);
            x.leaf("contact", &[], &line.user);
            x.close("line");
        }
        x.close("sipLines");
        x.leaf("voipControlPort", &[], &sip.port.to_string());
        x.leaf("startMediaPort", &[], "16384");
        x.leaf("stopMediaPort", &[], "32766");
        // `dialplan.xml` (written next to it): any digits, sent after a pause or #.
        x.leaf("dialTemplate", &[], DIALPLAN);
        x.close("sipProfile");
        // SIP over UDP (2), what every plain PBX listens on at 5060.
        x.leaf("transportLayerProtocol", &[], "2");
    }
    x.leaf("loadInformation", &[], &s.load);
    x.close("device");
    Ok((x.finish(), findings))
}

/// The file name of a phone's own configuration.
pub fn sep_file_name(mac: &Mac) -> String {
    format!("{}.cnf.xml", mac.sep_name())
}

#[cfg(test)]
mod tests;
