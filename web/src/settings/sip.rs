//! One phone's SIP line, as typed and as checked (pure): a SIP load writes it
//! into that phone's configuration file.

use lifeline_shared::config::cnf_xml::{self, SIP_PASSWORD_LIMIT, SIP_PORT, SipLine, SipSettings};
use lifeline_shared::config::mac::Mac;
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::models;

/// One phone's SIP line, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SipForm {
    pub mac: Mac,
    /// The SIP proxy (empty: the first call-control address).
    pub proxy: String,
    /// Its port (empty: 5060).
    pub port: String,
    /// The name on the phone's screen (empty: the user).
    pub display_name: String,
    /// The user, usually the extension.
    pub user: String,
    /// The authentication name (empty: the user).
    pub auth_name: String,
    /// The authentication password. Never put in a link.
    pub password: String,
}

/// A field of [`SipForm`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SipField {
    /// [`SipForm::proxy`].
    Proxy,
    /// [`SipForm::port`].
    Port,
    /// [`SipForm::display_name`].
    DisplayName,
    /// [`SipForm::user`].
    User,
    /// [`SipForm::auth_name`].
    AuthName,
    /// [`SipForm::password`].
    Password,
}

impl SipField {
    /// Every field, in the order the form shows them.
    pub const ALL: [SipField; 6] = [
        SipField::Proxy,
        SipField::Port,
        SipField::User,
        SipField::DisplayName,
        SipField::AuthName,
        SipField::Password,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SipField::Proxy => "SIP proxy",
            SipField::Port => "Port",
            SipField::DisplayName => "Display name",
            SipField::User => "User (extension)",
            SipField::AuthName => "Auth name",
            SipField::Password => "Password",
        }
    }

    /// A short id for element ids and test hooks.
    pub fn id(self) -> &'static str {
        match self {
            SipField::Proxy => "proxy",
            SipField::Port => "port",
            SipField::DisplayName => "display",
            SipField::User => "user",
            SipField::AuthName => "auth",
            SipField::Password => "password",
        }
    }
}

impl SipForm {
    /// An empty line for `mac`.
    pub fn new(mac: Mac) -> SipForm {
        SipForm {
            mac,
            proxy: String::new(),
            port: String::new(),
            display_name: String::new(),
            user: String::new(),
            auth_name: String::new(),
            password: String::new(),
        }
    }

    /// The value of `field`.
    pub fn get(&self, field: SipField) -> &str {
        match field {
            SipField::Proxy => &self.proxy,
            SipField::Port => &self.port,
            SipField::DisplayName => &self.display_name,
            SipField::User => &self.user,
            SipField::AuthName => &self.auth_name,
            SipField::Password => &self.password,
        }
    }

    /// Sets `field`.
    pub fn set(&mut self, field: SipField, value: String) {
        *match field {
            SipField::Proxy => &mut self.proxy,
            SipField::Port => &mut self.port,
            SipField::DisplayName => &mut self.display_name,
            SipField::User => &mut self.user,
            SipField::AuthName => &mut self.auth_name,
            SipField::Password => &mut self.password,
        } = value;
    }

    /// Whether nothing is typed (the phone gets no SIP profile).
    pub fn is_empty(&self) -> bool {
        SipField::ALL.iter().all(|f| self.get(*f).trim().is_empty())
    }
}

/// What a phone's SIP line says, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SipCheck {
    /// Refused fields and why.
    pub errors: Vec<(SipField, String)>,
    /// The password is longer than some phones accept.
    pub password_warning: Option<String>,
    /// The profile to write (none when nothing is typed, or when refused).
    pub settings: Option<SipSettings>,
}

/// The family whose lines need their own auth name (the 7800/8800 series, see
/// [`lifeline_shared::models::Family::needs_auth_name`]), from the report.
pub fn own_auth_name(report: Option<&Report>) -> Option<&'static str> {
    let family = models::family(report?.family?);
    family.needs_auth_name().then_some(family.name)
}

/// Checks one phone's SIP line. `call_managers` gives the proxy when none is
/// typed. `own_auth` names the family when the line needs an auth name of
/// its own ([`own_auth_name`]); otherwise an empty one is the user.
pub fn sip(line: &SipForm, call_managers: Option<&[String]>, own_auth: Option<&str>) -> SipCheck {
    let mut check = SipCheck::default();
    if line.is_empty() {
        return check;
    }
    let t = |s: &str| s.trim().to_string();
    let proxy = match line.proxy.trim() {
        "" => match call_managers.and_then(<[String]>::first) {
            Some(first) => Some(first.clone()),
            None => {
                check.errors.push((
                    SipField::Proxy,
                    "give the SIP proxy, or a call-control address above".into(),
                ));
                None
            }
        },
        typed => match cnf_xml::parse_call_managers(typed) {
            Ok(list) if list.len() == 1 => Some(typed.to_string()),
            _ => {
                check.errors.push((
                    SipField::Proxy,
                    format!("`{typed}` is not an IPv4 address or a host name"),
                ));
                None
            }
        },
    };
    let port = match line.port.trim() {
        "" => Some(SIP_PORT),
        typed => match typed.parse::<u16>() {
            Ok(p) if p > 0 => Some(p),
            _ => {
                check.errors.push((
                    SipField::Port,
                    format!("`{typed}` is not a port: give a number from 1 to 65535"),
                ));
                None
            }
        },
    };
    let user = t(&line.user);
    if user.is_empty() {
        check.errors.push((
            SipField::User,
            "give the line's user, usually its extension".into(),
        ));
    }
    if let Some(family) = own_auth
        && line.auth_name.trim().is_empty()
    {
        check.errors.push((
            SipField::AuthName,
            format!(
                "{} registers with the line's own auth name, not its user: give the name your registrar authenticates (often the extension)",
                models::with_article(family)
            ),
        ));
    }
    let chars = line.password.chars().count();
    if chars > SIP_PASSWORD_LIMIT {
        check.password_warning = Some(format!(
            "{chars} characters: some phones (the 7942 is reported) fail to read passwords over {SIP_PASSWORD_LIMIT}"
        ));
    }
    if let (Some(proxy), Some(port), true) = (proxy, port, check.errors.is_empty()) {
        let or_user = |s: &str| {
            if s.is_empty() {
                user.clone()
            } else {
                s.to_string()
            }
        };
        check.settings = Some(SipSettings {
            proxy,
            port,
            lines: vec![SipLine {
                display_name: or_user(line.display_name.trim()),
                user: user.clone(),
                auth_name: or_user(line.auth_name.trim()),
                auth_password: line.password.clone(),
            }],
        });
    }
    check
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::mac;

    #[test]
    fn sip_lines_default_from_the_user_and_call_control() {
        let mut line = SipForm::new(mac("001122aabbcc"));
        assert_eq!(sip(&line, None, None), SipCheck::default());
        line.user = " 201 ".into();
        line.password = "secret".into();
        let cms = vec!["10.0.0.1".to_string()];
        let check = sip(&line, Some(&cms), None);
        assert!(check.errors.is_empty() && check.password_warning.is_none());
        let s = check.settings.unwrap();
        assert_eq!(s.proxy, "10.0.0.1");
        assert_eq!(s.port, 5060);
        assert_eq!(
            s.lines,
            [SipLine {
                display_name: "201".into(),
                user: "201".into(),
                auth_name: "201".into(),
                auth_password: "secret".into(),
            }]
        );
        line.proxy = "pbx.example.net".into();
        line.port = "5070".into();
        line.display_name = "Front desk".into();
        line.auth_name = "frontdesk".into();
        let s = sip(&line, Some(&cms), None).settings.unwrap();
        assert_eq!((s.proxy.as_str(), s.port), ("pbx.example.net", 5070));
        assert_eq!(s.lines[0].display_name, "Front desk");
        assert_eq!(s.lines[0].auth_name, "frontdesk");
    }

    #[test]
    fn an_8800_line_needs_its_own_auth_name() {
        let mut line = SipForm::new(mac("001122aabbcc"));
        line.user = "201".into();
        line.password = "secret".into();
        let cms = vec!["10.0.0.1".to_string()];
        let family = Some("8811/8841/8851/8861");
        let check = sip(&line, Some(&cms), family);
        assert_eq!(check.errors.len(), 1);
        assert_eq!(check.errors[0].0, SipField::AuthName);
        assert!(
            check.errors[0]
                .1
                .contains("an 8811/8841/8851/8861 registers")
        );
        assert_eq!(check.settings, None, "no file with the user in its place");
        line.auth_name = "phone201".into();
        let s = sip(&line, Some(&cms), family).settings.unwrap();
        assert_eq!(s.lines[0].auth_name, "phone201");
    }

    #[test]
    fn sip_lines_name_each_bad_field() {
        let mut line = SipForm::new(mac("001122aabbcc"));
        line.password = "thirteen-char".into();
        let check = sip(&line, None, None);
        let fields: Vec<SipField> = check.errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, [SipField::Proxy, SipField::User]);
        assert!(check.settings.is_none());
        assert_eq!(
            check.password_warning.as_deref(),
            Some(
                "13 characters: some phones (the 7942 is reported) fail to read passwords over 12"
            )
        );
        line.user = "201".into();
        line.proxy = "10.0.0.999".into();
        line.port = "70000".into();
        let check = sip(&line, None, None);
        assert_eq!(check.errors[0].0, SipField::Proxy);
        assert!(check.errors[0].1.contains("`10.0.0.999`"));
        assert_eq!(check.errors[1].0, SipField::Port);
        line.port = "0".into();
        assert_eq!(sip(&line, None, None).errors[1].0, SipField::Port);
    }

    #[test]
    fn sip_form_fields_round_trip() {
        let mut line = SipForm::new(mac("001122aabbcc"));
        assert!(line.is_empty());
        for (i, f) in SipField::ALL.into_iter().enumerate() {
            line.set(f, format!("v{i}"));
            assert_eq!(line.get(f), format!("v{i}"));
            assert!(!f.label().is_empty() && !f.id().is_empty());
        }
        assert!(!line.is_empty());
    }
}
