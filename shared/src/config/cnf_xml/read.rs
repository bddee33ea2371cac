//! Reading a `.cnf.xml` someone already has, and checking it: what makes a phone ignore
//! or misread it.
//!
//! Invariants: input over [`MAX_CNF`] bytes or nested over 64 deep is refused before it is
//! walked; end tags are matched here, so a mismatch names both tags.

use super::{MAX_CNF, SIP_PASSWORD_LIMIT};
use crate::finding::{Code, Finding, Severity};
use crate::models;
use quick_xml::events::{BytesStart, Event};
use serde::{Deserialize, Serialize};
use thiserror::Error;

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
    /// SIP lines (by `name`, else `button`) without a non-empty `authName`.
    pub sip_lines_without_auth_name: Vec<String>,
    /// The `kpml` value, as written.
    pub kpml: Option<String>,
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
    // The SIP line being read: its user, button, and whether it has an authName.
    let mut line_user = String::new();
    let mut line_button = String::new();
    let mut line_auth = false;
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
                    "line" => {
                        line_button = attr(&e, "button")
                            .map(|b| format!("button {b}"))
                            .unwrap_or_else(|| "a line".into());
                        line_auth = false;
                        line_user.clear();
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
                    "name" if stack.iter().any(|s| s == "sipLines") => {
                        line_name = value.clone();
                        line_user = value.clone();
                    }
                    "authName" if !value.is_empty() => line_auth = true,
                    "kpml" => out.kpml = Some(value.clone()),
                    "line" if stack.iter().any(|s| s == "sipLines") => {
                        if !line_auth {
                            let which = std::mem::take(&mut line_user);
                            out.sip_lines_without_auth_name.push(if which.is_empty() {
                                line_button.clone()
                            } else {
                                which
                            });
                        }
                        line_auth = false;
                        line_user.clear();
                    }
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
            Event::Text(_) | Event::GeneralRef(_) => add_text(&mut text, &ev)?,
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

/// Adds a run of text or an entity reference (`&amp;`, `&#233;`) to `text`, the
/// characters of one element arriving in pieces; any other event adds nothing.
/// Bounded: the text never grows past [`MAX_CNF`].
pub(super) fn add_text(text: &mut String, ev: &Event<'_>) -> Result<(), CnfError> {
    match ev {
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
        _ => {}
    }
    Ok(())
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
    let phone_family = summary
        .loads
        .iter()
        .find(|l| l.device_id.is_none())
        .and_then(|l| models::family_of_name(&l.load))
        .map(models::family);
    if let Some(f) = phone_family.filter(|f| f.needs_auth_name())
        && summary.protocol.as_deref() == Some("SIP")
    {
        for line in &summary.sip_lines_without_auth_name {
            findings.push(Finding::new(
                Severity::Error,
                Code::CnfNoAuthName,
                format!("{name} line {line}"),
                format!("The line has no <authName>. {} registers with the line's authName and does not use its user in its place, so the line never registers.", capitalized(&models::with_article(f.name))),
                "Add <authName> with the name your registrar authenticates (often the extension).",
            ));
        }
        if summary.kpml.as_deref() != Some("0") {
            findings.push(Finding::new(
                Severity::Warning,
                Code::CnfKpmlOn,
                name.to_string(),
                format!("There is no <kpml>0</kpml>. With KPML on, {} sends each digit in a KPML dialog and an INVITE for the digits so far; Asterisk's chan_sip answers 484 Address Incomplete and every call fails on its first digit.", models::with_article(f.name)),
                "Add <kpml>0</kpml> inside <sipProfile> (Lifeline's generated files have it).",
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

/// `text` with its first letter upper-case.
fn capitalized(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_catches_the_published_mistakes() {
        // The start tag closed by another id's end tag.
        let bad = r#"<Default><callManagerGroup/><loadInformation model="IP Phone 7942">SCCP42.9-4-2SR3-1S</loadInformation434></Default>"#;
        let f = check("XMLDefault.cnf.xml", bad, None);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::CnfMismatchedTag);
        assert!(
            f[0].message
                .contains("<loadInformation> is closed by </loadInformation434>"),
            "{}",
            f[0].message
        );

        // A 7961 entry as loadInformation5.
        let wrong = r#"<Default><callManagerGroup/><loadInformation5 model="IP Phone 7961">SCCP41.8-3-3S</loadInformation5></Default>"#;
        let f = check("XMLDefault.cnf.xml", wrong, Some(&["SCCP41.8-3-3S".into()]));
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].code, Code::CnfWrongDeviceId);
        assert!(f[0].fix.contains("loadInformation30018"));

        // A load the bundle does not hold, and no callManagerGroup.
        let other = r#"<Default><loadInformation115 model="IP Phone 7941">SCCP41.8-3-2S</loadInformation115></Default>"#;
        let f = check("XMLDefault.cnf.xml", other, Some(&["SCCP41.8-3-3S".into()]));
        let codes: Vec<Code> = f.iter().map(|f| f.code).collect();
        assert_eq!(codes, [Code::CnfNoCallManagerGroup, Code::CnfUnknownLoad]);
        assert!(
            f[1].message.contains("it holds `SCCP41.8-3-3S`"),
            "{}",
            f[1].message
        );

        // Not XML at all.
        let f = check("x.cnf.xml", "<Default><oops></Default>", None);
        assert_eq!(f[0].code, Code::CnfMismatchedTag);
        let f = check("x.cnf.xml", "<Default><oops></Default", None);
        assert_eq!(f[0].code, Code::CnfMalformed);
        let f = check("x.cnf.xml", "not xml", None);
        assert_eq!(f[0].code, Code::CnfMalformed);
        let f = check("x.cnf.xml", "<Default>", None);
        assert_eq!(f[0].code, Code::CnfMalformed);
    }

    #[test]
    fn deep_or_huge_input_is_refused() {
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(matches!(parse(&deep), Err(CnfError::Malformed(_))));
        let huge = "x".repeat(MAX_CNF + 1);
        assert!(matches!(parse(&huge), Err(CnfError::TooLarge(_))));
    }
}
