//! `XMLDefault.cnf.xml` and `SEP<MAC>.cnf.xml`: written, read back and checked.
//!
//! Files are written with quick-xml (text and attributes escaped), so they are
//! always well-formed; [`parse`] reads any `.cnf.xml` into a [`CnfSummary`], and
//! [`check`] reports what makes a phone ignore or misread a file someone already
//! has: a `loadInformation` start tag closed by another end tag, a device id that
//! does not match the `model` attribute, a load the bundle does not hold, a
//! missing `callManagerGroup`.

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
    /// Its port.
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
            models::models_of(f)
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
    call_manager_group(&mut x, s.protocol, &s.call_managers);
    x.close("devicePool");
    if let (Protocol::Sip, Some(sip)) = (s.protocol, &s.sip) {
        if !valid_host(&sip.proxy) {
            return Err(SettingsError::BadSip(format!(
                "the SIP proxy `{}` is not an IPv4 address or a host name",
                sip.proxy
            )));
        }
        x.open("sipProfile", &[]);
        x.open("sipProxies", &[]);
        x.leaf("registerWithProxy", &[], "true");
        x.close("sipProxies");
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
        x.close("sipProfile");
    }
    x.leaf("loadInformation", &[], &s.load);
    x.close("device");
    Ok((x.finish(), findings))
}

/// The file name of a phone's own configuration.
pub fn sep_file_name(mac: &Mac) -> String {
    format!("{}.cnf.xml", mac.sep_name())
}

/// One `loadInformation` element as read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadInformation {
    /// The id in the tag name (`loadInformation115` → 115), `None` for a bare tag.
    pub device_id: Option<u16>,
    /// The `model` attribute.
    pub model: Option<String>,
    /// The load named.
    pub load: String,
}

/// One call-control member as read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Its priority attribute.
    pub priority: Option<u8>,
    /// `processNodeName`.
    pub address: String,
    /// `ethernetPhonePort`.
    pub sccp_port: Option<u16>,
    /// `sipPort`.
    pub sip_port: Option<u16>,
}

/// What a `.cnf.xml` says, as far as recovery cares.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CnfSummary {
    /// The root element (`Default`, `device`).
    pub root: String,
    /// `deviceProtocol`.
    pub protocol: Option<String>,
    /// Whether a `callManagerGroup` is present.
    pub has_call_manager_group: bool,
    /// Call-control members.
    pub members: Vec<Member>,
    /// `loadInformation` elements.
    pub loads: Vec<LoadInformation>,
    /// SIP line `name`s and `authPassword` lengths.
    pub sip_lines: Vec<(String, usize)>,
}

/// Why a file could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CnfError {
    /// Larger than [`MAX_CNF`].
    #[error("the file is {0} bytes; a phone configuration is a few kilobytes")]
    TooLarge(usize),
    /// Not well-formed.
    #[error("it is not well-formed XML: {0}")]
    Malformed(String),
    /// A start tag closed by another end tag.
    #[error("<{start}> is closed by </{end}>")]
    Mismatched {
        /// The start tag's name.
        start: String,
        /// The end tag's name.
        end: String,
    },
}

/// Reads a `.cnf.xml`.
pub fn parse(xml: &str) -> Result<CnfSummary, CnfError> {
    if xml.len() > MAX_CNF {
        return Err(CnfError::TooLarge(xml.len()));
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    // We check end names ourselves, to say which tags disagree.
    reader.config_mut().check_end_names = false;
    let mut out = CnfSummary::default();
    let mut stack: Vec<String> = Vec::new();
    let mut current: Option<Member> = None;
    let mut pending_load: Option<(Option<u16>, Option<String>)> = None;
    let mut line_name = String::new();
    // Text arrives in pieces: plain runs and entity references (`&amp;`).
    let mut text = String::new();
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| CnfError::Malformed(e.to_string()))?;
        match ev {
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                if stack.len() > 64 {
                    return Err(CnfError::Malformed(
                        "elements are nested more than 64 deep".into(),
                    ));
                }
                if stack.is_empty() {
                    out.root = name.clone();
                }
                text.clear();
                match name.as_str() {
                    "callManagerGroup" => out.has_call_manager_group = true,
                    "member" => {
                        let priority = attr(&e, "priority").and_then(|p| p.parse().ok());
                        current = Some(Member {
                            priority,
                            address: String::new(),
                            sccp_port: None,
                            sip_port: None,
                        });
                    }
                    n if n.starts_with("loadInformation") => {
                        let id = &n["loadInformation".len()..];
                        pending_load = Some((id.parse().ok(), attr(&e, "model")));
                    }
                    _ => {}
                }
                stack.push(name);
            }
            Event::Empty(e) => {
                let name = e.name().as_ref().to_string();
                if name == "callManagerGroup" {
                    out.has_call_manager_group = true;
                }
                if stack.is_empty() {
                    out.root = name;
                }
            }
            Event::End(e) => {
                let name = e.name().as_ref().to_string();
                let start = stack
                    .pop()
                    .ok_or_else(|| CnfError::Malformed(format!("</{name}> closes nothing")))?;
                if start != name {
                    return Err(CnfError::Mismatched { start, end: name });
                }
                let value = std::mem::take(&mut text).trim().to_string();
                match name.as_str() {
                    "processNodeName" => {
                        if let Some(m) = current.as_mut() {
                            m.address = value.clone();
                        }
                    }
                    "ethernetPhonePort" => {
                        if let Some(m) = current.as_mut() {
                            m.sccp_port = value.parse().ok();
                        }
                    }
                    "sipPort" => {
                        if let Some(m) = current.as_mut() {
                            m.sip_port = value.parse().ok();
                        }
                    }
                    "deviceProtocol" => out.protocol = Some(value.clone()),
                    "name" if stack.iter().any(|s| s == "sipLines") => line_name = value.clone(),
                    "authPassword" => out
                        .sip_lines
                        .push((std::mem::take(&mut line_name), value.chars().count())),
                    _ => {}
                }
                if name == "member"
                    && let Some(m) = current.take()
                {
                    out.members.push(m);
                }
                if name.starts_with("loadInformation")
                    && let Some((device_id, model)) = pending_load.take()
                {
                    out.loads.push(LoadInformation {
                        device_id,
                        model,
                        load: value,
                    });
                }
            }
            Event::Text(t) => {
                if text.len() + t.len() > MAX_CNF {
                    return Err(CnfError::TooLarge(text.len()));
                }
                text.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else if let Some(v) = quick_xml::escape::resolve_predefined_entity(&name) {
                    text.push_str(v);
                } else {
                    return Err(CnfError::Malformed(format!("unknown entity &{name};")));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.pop() {
        return Err(CnfError::Malformed(format!("<{open}> is never closed")));
    }
    if out.root.is_empty() {
        return Err(CnfError::Malformed("there is no root element".into()));
    }
    Ok(out)
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Checks a `.cnf.xml` a person already has. `loads`, when given, are the loads
/// the bundle holds (names without `.loads`).
pub fn check(name: &str, xml: &str, loads: Option<&[String]>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let summary = match parse(xml) {
        Ok(s) => s,
        Err(CnfError::Mismatched { start, end }) => {
            findings.push(Finding::new(
                Severity::Error,
                Code::CnfMismatchedTag,
                name,
                format!("<{start}> is closed by </{end}>. The phone's parser rejects the whole file."),
                format!("Close it with </{start}> (the start and end tag names must match, id included)."),
            ));
            return findings;
        }
        Err(e) => {
            findings.push(Finding::new(
                Severity::Error,
                Code::CnfMalformed,
                name,
                format!("The file cannot be read: {e}. The phone ignores it."),
                "Fix the XML (a validator or `xmllint --noout` shows where), or let Lifeline generate the file.",
            ));
            return findings;
        }
    };
    if !summary.has_call_manager_group {
        findings.push(Finding::new(
            Severity::Error,
            Code::CnfNoCallManagerGroup,
            name,
            "There is no <callManagerGroup>. Phones ignore a configuration without one, even when only firmware is pushed.",
            "Add a callManagerGroup with at least one member whose processNodeName is your call-control address.",
        ));
    }
    for li in &summary.loads {
        if let (Some(id), Some(model_attr)) = (li.device_id, li.model.as_deref()) {
            let named = model_attr
                .trim()
                .strip_prefix("IP Phone ")
                .or_else(|| model_attr.trim().strip_prefix("Cisco "))
                .unwrap_or(model_attr.trim());
            if let Some(m) = models::model(named)
                && m.device_id != id
            {
                findings.push(Finding::new(
                        Severity::Error,
                        Code::CnfWrongDeviceId,
                        format!("loadInformation{id}"),
                        format!(
                            "The tag says device id {id}{}, but model=\"{model_attr}\" is device id {}. A {} never reads this line.",
                            models::model_by_device_id(id)
                                .map(|o| format!(" ({})", o.name))
                                .unwrap_or_default(),
                            m.device_id,
                            m.name
                        ),
                        format!("Write <loadInformation{} model=\"{model_attr}\">…</loadInformation{}>.", m.device_id, m.device_id),
                    ));
            }
        } else if let Some(id) = li.device_id
            && models::model_by_device_id(id).is_none()
        {
            findings.push(Finding::new(
                Severity::Warning,
                Code::CnfWrongDeviceId,
                format!("loadInformation{id}"),
                format!("{id} is not the device id of any phone Lifeline knows."),
                "Check the id against the model (7941 = 115, 7961 = 30018, …).",
            ));
        }
        if let Some(loads) = loads
            && !li.load.is_empty()
            && !loads.iter().any(|l| l == &li.load)
        {
            let near =
                crate::firmware::inspect::closest(&li.load, loads.iter().map(String::as_str));
            findings.push(Finding::new(
                    Severity::Error,
                    Code::CnfUnknownLoad,
                    li.load.clone(),
                    format!(
                        "The file names the load `{}`, which the bundle does not hold{}. The phone asks for `{}.loads`, gets \"File not found\", and keeps its old firmware.",
                        li.load,
                        near.map(|n| format!(" (it holds `{n}`)")).unwrap_or_default(),
                        li.load
                    ),
                    match loads.first() {
                        Some(l) => format!("Name a load the bundle holds, e.g. `{l}` (without `.loads`)."),
                        None => "Add the firmware for this load to the bundle.".to_string(),
                    },
                ));
        }
    }
    for (line, len) in &summary.sip_lines {
        if *len > SIP_PASSWORD_LIMIT {
            findings.push(Finding::new(
                Severity::Warning,
                Code::SipPasswordTooLong,
                format!("{name} line {line}"),
                format!("The auth password is {len} characters; some phones (the 7942 is reported) fail to parse passwords over {SIP_PASSWORD_LIMIT}."),
                format!("Use a password of {SIP_PASSWORD_LIMIT} characters or fewer."),
            ));
        }
    }
    findings
}

#[cfg(test)]
#[path = "cnf_xml_tests.rs"]
mod tests;
