//! The SIP lines a served configuration gives a phone to register with: what
//! `lifeline simulate` registers as. From a `.cnf.xml` here ([`sip_lines`]),
//! from a 7940/7960's `.cnf` files in `sip79` (`sip79::sip_lines`).
//!
//! A line's password is never shown: [`ServedLine`]'s `Debug` hides it, so a
//! log line cannot carry it.

use std::fmt;

use quick_xml::events::Event;

use super::read::add_text;
use super::{CnfError, MAX_CNF, SIP_PORT};

/// One SIP line as served.
#[derive(Clone, PartialEq, Eq)]
pub struct ServedLine {
    /// The line's button (1 first).
    pub button: u8,
    /// The registrar, as written (an address or a name).
    pub proxy: String,
    pub port: u16,
    /// The user (extension): the address of record.
    pub user: String,
    /// The digest username (the user when the file has none).
    pub auth_name: String,
    pub password: String,
    pub display_name: String,
}

impl fmt::Debug for ServedLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServedLine")
            .field("button", &self.button)
            .field("proxy", &self.proxy)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("auth_name", &self.auth_name)
            .field(
                "password",
                &format_args!("({} characters)", self.password.chars().count()),
            )
            .field("display_name", &self.display_name)
            .finish()
    }
}

/// The registering lines of a `.cnf.xml` (`<sipLines><line>` with a `name`),
/// button order. A line's `<proxy>USECALLMANAGER</proxy>` is the first
/// `callManagerGroup` member (its `sipPort`); a line without `<port>` uses 5060.
pub fn sip_lines(xml: &str) -> Result<Vec<ServedLine>, CnfError> {
    if xml.len() > MAX_CNF {
        return Err(CnfError::TooLarge(xml.len()));
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut lines: Vec<ServedLine> = Vec::new();
    let mut line: Option<ServedLine> = None;
    // The first member's address and SIP port.
    let mut member: Option<(String, Option<u16>)> = None;
    let mut in_first_member = false;
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
                text.clear();
                match name.as_str() {
                    "line" if stack.iter().any(|s| s == "sipLines") => {
                        let button = e
                            .attributes()
                            .flatten()
                            .find(|a| a.key.as_ref() == "button")
                            .and_then(|a| {
                                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                    .ok()
                                    .and_then(|v| v.trim().parse().ok())
                            })
                            .unwrap_or(u8::try_from(lines.len() + 1).unwrap_or(u8::MAX));
                        line = Some(ServedLine {
                            button,
                            proxy: String::new(),
                            port: SIP_PORT,
                            user: String::new(),
                            auth_name: String::new(),
                            password: String::new(),
                            display_name: String::new(),
                        });
                    }
                    "member" if member.is_none() => in_first_member = true,
                    _ => {}
                }
                stack.push(name);
            }
            Event::End(_) => {
                let name = stack.pop().unwrap_or_default();
                let value = std::mem::take(&mut text).trim().to_owned();
                if in_first_member {
                    let m = member.get_or_insert((String::new(), None));
                    match name.as_str() {
                        "processNodeName" => m.0 = value.clone(),
                        "sipPort" => m.1 = value.parse().ok(),
                        "member" => in_first_member = false,
                        _ => {}
                    }
                }
                if let Some(l) = line.as_mut() {
                    match name.as_str() {
                        "proxy" => l.proxy = value,
                        "port" => {
                            l.port = value.parse().map_err(|_| {
                                CnfError::Malformed(format!(
                                    "line {}'s <port> `{value}` is not a port number",
                                    l.button
                                ))
                            })?;
                        }
                        "name" => l.user = value,
                        "authName" => l.auth_name = value,
                        "authPassword" => l.password = value,
                        "displayName" => l.display_name = value,
                        "line" => {
                            if let Some(mut l) = line.take()
                                && !l.user.is_empty()
                            {
                                if l.auth_name.is_empty() {
                                    l.auth_name = l.user.clone();
                                }
                                lines.push(l);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Event::Text(_) | Event::GeneralRef(_) => add_text(&mut text, &ev)?,
            Event::Eof => break,
            _ => {}
        }
    }
    for l in &mut lines {
        if l.proxy.eq_ignore_ascii_case("USECALLMANAGER")
            && let Some((address, sip_port)) = &member
            && !address.is_empty()
        {
            l.proxy = address.clone();
            if let Some(p) = sip_port {
                l.port = *p;
            }
        }
    }
    lines.sort_by_key(|l| l.button);
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::cnf_xml::{PhoneSettings, SipLine, SipSettings, sep_cnf};
    use crate::config::mac::Mac;
    use crate::models::Protocol;

    fn written(proxy: &str) -> String {
        let settings = PhoneSettings {
            mac: "00:1b:54:00:00:01".parse::<Mac>().unwrap(),
            protocol: Protocol::Sip,
            load: "sip88xx.14-2-1-0001-14".into(),
            call_managers: vec!["10.0.0.5".into()],
            sip: Some(SipSettings {
                proxy: proxy.into(),
                port: 5070,
                lines: vec![
                    SipLine {
                        display_name: "Front & Desk".into(),
                        user: "1001".into(),
                        auth_name: "a1001".into(),
                        auth_password: "s3cret".into(),
                    },
                    SipLine {
                        display_name: "Back".into(),
                        user: "1002".into(),
                        auth_name: "1002".into(),
                        auth_password: "pw".into(),
                    },
                ],
            }),
        };
        sep_cnf(&settings).unwrap().0
    }

    #[test]
    fn the_writers_lines_are_read_back() {
        let lines = sip_lines(&written("pbx.example")).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0],
            ServedLine {
                button: 1,
                proxy: "pbx.example".into(),
                port: 5070,
                user: "1001".into(),
                auth_name: "a1001".into(),
                password: "s3cret".into(),
                display_name: "Front & Desk".into(),
            }
        );
        assert_eq!((lines[1].button, lines[1].user.as_str()), (2, "1002"));
        assert!(!format!("{lines:?}").contains("s3cret"));
    }

    #[test]
    fn usecallmanager_is_the_first_member_and_auth_name_defaults_to_the_user() {
        let xml = "<device><devicePool><callManagerGroup><members>\
            <member priority=\"0\"><callManager><processNodeName>10.0.0.5</processNodeName>\
            <ports><sipPort>5080</sipPort></ports></callManager></member>\
            <member priority=\"1\"><callManager><processNodeName>10.0.0.6</processNodeName>\
            </callManager></member></members></callManagerGroup></devicePool>\
            <sipProfile><sipLines><line button=\"1\"><proxy>USECALLMANAGER</proxy>\
            <name>2001</name><authPassword>x</authPassword></line>\
            <line button=\"2\"><name></name></line></sipLines></sipProfile></device>";
        let lines = sip_lines(xml).unwrap();
        assert_eq!(lines.len(), 1, "a line without a name does not register");
        assert_eq!(
            (
                lines[0].proxy.as_str(),
                lines[0].port,
                lines[0].auth_name.as_str()
            ),
            ("10.0.0.5", 5080, "2001")
        );
    }

    #[test]
    fn bad_files_are_errors() {
        assert!(matches!(
            sip_lines("<device><sipLines><line><port>x</port></line></sipLines></device>"),
            Err(CnfError::Malformed(m)) if m.contains("`x` is not a port")
        ));
        assert!(sip_lines("<device><sipLines>").is_ok_and(|l| l.is_empty()));
        assert!(sip_lines("<a>&bogus;</a>").is_err());
        assert!(matches!(
            sip_lines(&" ".repeat(MAX_CNF + 1)),
            Err(CnfError::TooLarge(_))
        ));
    }
}
