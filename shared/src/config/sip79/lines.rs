//! The SIP lines a 7940/7960 registers, from the `.cnf` files it was served:
//! `SIPDefault.cnf` first, its own `SIP<MAC>.cnf` over it (a key in both:
//! the phone's own wins).
//!
//! Line `n` registers when `line<n>_name` is set (and not `UNPROVISIONED`, the
//! factory value), at `proxy<n>_address` (else `proxy1_address`, as the phone
//! does for lines 2–6) on `proxy<n>_port` (else 5060), authenticating as
//! `line<n>_authname` (else the name) with `line<n>_password`.

use std::collections::BTreeMap;

use super::keys::MAX_LINES;
use super::read::{CnfTextError, parse};
use crate::config::cnf_xml::{SIP_PORT, ServedLine};

/// The registering lines of `own` over `default`, button order.
pub fn sip_lines(
    own: Option<&str>,
    default: Option<&str>,
) -> Result<Vec<ServedLine>, CnfTextError> {
    let mut keys: BTreeMap<String, String> = BTreeMap::new();
    for text in [default, own].into_iter().flatten() {
        for e in parse(text)? {
            keys.insert(e.key.to_ascii_lowercase(), e.value);
        }
    }
    let get = |k: &str| keys.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let mut lines = Vec::new();
    for n in 1..=MAX_LINES {
        let Some(user) =
            get(&format!("line{n}_name")).filter(|u| !u.eq_ignore_ascii_case("UNPROVISIONED"))
        else {
            continue;
        };
        let proxy = get(&format!("proxy{n}_address"))
            .or_else(|| get("proxy1_address"))
            .unwrap_or_default();
        let key = format!("proxy{n}_port");
        let port = match get(&key) {
            Some(p) => p
                .parse()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| CnfTextError::BadPort {
                    key,
                    value: p.chars().take(60).collect(),
                })?,
            None => SIP_PORT,
        };
        lines.push(ServedLine {
            button: n,
            proxy: proxy.to_owned(),
            port,
            user: user.to_owned(),
            auth_name: get(&format!("line{n}_authname")).unwrap_or(user).to_owned(),
            password: get(&format!("line{n}_password"))
                .unwrap_or_default()
                .to_owned(),
            display_name: get(&format!("line{n}_displayname"))
                .unwrap_or_default()
                .to_owned(),
        });
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::cnf_xml::{SipLine, SipSettings};
    use crate::config::mac::Mac;
    use crate::config::sip79::{DefaultCnf, sip_default, sip_phone};

    #[test]
    fn the_writers_files_give_the_lines_own_over_default() {
        let default = sip_default(&DefaultCnf {
            image: "P0S3-8-12-00".into(),
            proxy: "10.0.0.5".into(),
            port: 5060,
        })
        .unwrap();
        let mac: Mac = "00:1b:54:00:00:02".parse().unwrap();
        let sip = SipSettings {
            proxy: "10.0.0.7".into(),
            port: 5070,
            lines: vec![SipLine {
                display_name: "Desk".into(),
                user: "1001".into(),
                auth_name: "a1001".into(),
                auth_password: "pw1001".into(),
            }],
        };
        let (own, _) = sip_phone(&mac, "P0S3-8-12-00", Some(&sip)).unwrap();
        let lines = sip_lines(Some(&own), Some(&default)).unwrap();
        assert_eq!(
            lines,
            [ServedLine {
                button: 1,
                proxy: "10.0.0.7".into(),
                port: 5070,
                user: "1001".into(),
                auth_name: "a1001".into(),
                password: "pw1001".into(),
                display_name: "Desk".into(),
            }]
        );
        // The default alone names the registrar but no line.
        assert_eq!(sip_lines(None, Some(&default)).unwrap(), []);
    }

    #[test]
    fn lines_2_to_6_fall_back_to_proxy_1_and_the_factory_name_is_skipped() {
        let own = "proxy1_address: pbx\nline1_name: UNPROVISIONED\nline2_name: 1002\n";
        let lines = sip_lines(Some(own), None).unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(
            (
                lines[0].button,
                lines[0].proxy.as_str(),
                lines[0].port,
                lines[0].auth_name.as_str()
            ),
            (2, "pbx", 5060, "1002")
        );
        assert_eq!(
            sip_lines(Some("line1_name: 1\nproxy1_port: 70000\n"), None),
            Err(CnfTextError::BadPort {
                key: "proxy1_port".into(),
                value: "70000".into()
            })
        );
    }
}
