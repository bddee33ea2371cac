//! What a 7940/7960 reads besides its firmware: `OS79XX.TXT`, and for the SIP image
//! `SIPDefault.cnf`, `SIP<MAC>.cnf`, `dialplan.xml` and `RINGLIST.DAT`.
//!
//! - `OS79XX.TXT` is one image name and nothing else: no trailing space or newline
//!   (Cisco bug CSCdv19260: the phone takes them as part of the name). Its third
//!   character is the protocol (`0` SCCP, `S` SIP, `M` MGCP): a phone compares it with its
//!   own and, on a mismatch, loads the image named, which switches the protocol.
//! - `SIPDefault.cnf` / `SIP<MAC>.cnf` (MAC upper case) are `key: value` lines; the phone
//!   reads both, and its own file's values win over the default's.
//! - `dialplan.xml` is what `dial_template: dialplan` fetches; `RINGLIST.DAT` the ring
//!   tones the phone offers beyond its own.
//!
//! # Layout
//!
//! - this module: the settings and the files written from them;
//! - `keys`: the keys the SIP image reads, and its length limits;
//! - `read`: [`parse`] and [`check`] for a `.cnf` that already exists.

pub mod keys;
mod lines;
mod read;

pub use lines::sip_lines;
pub use read::{CnfTextError, Entry, MAX_CNF_TEXT, check, parse};

use super::cnf_xml::{SettingsError, SipSettings};
use super::mac::Mac;
use crate::finding::{Code, Finding, Severity};
use crate::firmware::inspect::Report;
use crate::models::{FamilyId, Protocol};

/// The name a 7940/7960 asks for after a factory reset, before its configuration.
pub const OS79XX: &str = "OS79XX.TXT";
/// The SIP image's default configuration.
pub const SIP_DEFAULT: &str = "SIPDefault.cnf";
/// The dial plan `dial_template: dialplan` fetches.
pub const DIALPLAN: &str = super::cnf_xml::DIALPLAN;
/// The ring list.
pub const RINGLIST: &str = "RINGLIST.DAT";

/// The file name of a phone's own SIP configuration: `SIP001122AABBCC.cnf`.
pub fn sip_file_name(mac: &Mac) -> String {
    let sep = mac.sep_name();
    format!("SIP{}.cnf", &sep[3..])
}

/// The protocol an image name's third character says (`P0S3…` SIP, `P003…` SCCP);
/// `None` for MGCP (`P0M3…`) and anything that is not a 7940/7960 image name.
pub fn protocol_letter(image: &str) -> Option<Protocol> {
    let b = image.as_bytes();
    if b.len() < 4 || !b[0].eq_ignore_ascii_case(&b'P') || b[1] != b'0' {
        return None;
    }
    match b[2].to_ascii_uppercase() {
        b'0' => Some(Protocol::Sccp),
        b'S' => Some(Protocol::Sip),
        _ => None,
    }
}

/// The image name `OS79XX.TXT` and `image_version` give for a 7940/7960 firmware: the
/// load's name as the manifest spells its image of the load's protocol (`P0S3-8-12-00`
/// for `P0S3-8-12-00.loads`, which lists `P003-8-12-00.sbn` and `P0S3-8-12-00.sb2`), else
/// the load's name. `None` when the report is not a 7940/7960 load.
pub fn image_name(report: &Report) -> Option<String> {
    if report.family != Some(FamilyId::F7940_7960) {
        return None;
    }
    let load = report.load.as_deref()?;
    let want = protocol_letter(load);
    let from_images = report.load_manifest().and_then(|m| {
        m.images.iter().find_map(|i| {
            let stem = i.name.rsplit_once('.').map(|(s, _)| s).unwrap_or(&i.name);
            (stem.eq_ignore_ascii_case(load) && protocol_letter(stem) == want)
                .then(|| stem.to_string())
        })
    });
    Some(from_images.unwrap_or_else(|| load.to_string()))
}

/// `OS79XX.TXT`: the image name, exactly, with no newline (CSCdv19260).
pub fn os79xx_txt(image: &str) -> Result<String, SettingsError> {
    let ok = !image.is_empty()
        && image.len() <= 64
        && image
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if !ok || protocol_letter(image).is_none() {
        return Err(SettingsError::BadSip(format!(
            "`{image}` is not a 7940/7960 image name (P003… for SCCP, P0S3… for SIP)"
        )));
    }
    Ok(image.to_string())
}

/// What `SIPDefault.cnf` says: the image and the registrar every phone uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultCnf {
    /// `image_version`, e.g. `P0S3-8-12-00`.
    pub image: String,
    /// The registrar (`proxy1_address`).
    pub proxy: String,
    /// Its port (`proxy1_port`).
    pub port: u16,
}

/// A value the phone can read back: no quote, line break or control character.
fn writable(key: &str, value: &str) -> Result<(), SettingsError> {
    if value.chars().count() > 128 || value.chars().any(|c| c == '"' || c.is_control()) {
        return Err(SettingsError::BadSip(format!(
            "the value for {key} cannot be written to a .cnf file: it must be at most 128 characters with no double quote or line break"
        )));
    }
    Ok(())
}

/// Writes `key: value` lines, quoting every value (a quoted value may hold spaces and `;`).
/// The keys are the caller's (Lifeline writes only keys of [`keys`]; [`check`] judges
/// a file's keys), so the browser does not carry the key table.
pub fn write_lines(lines: &[(String, String)]) -> Result<String, SettingsError> {
    let mut out = String::new();
    for (k, v) in lines {
        if k.is_empty() || !k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(SettingsError::BadSip(format!(
                "`{k}` cannot be a .cnf key: letters, digits and _ only"
            )));
        }
        writable(k, v)?;
        out.push_str(k);
        out.push_str(": \"");
        out.push_str(v);
        out.push_str("\"\n");
    }
    Ok(out)
}

fn kv(k: &str, v: impl ToString) -> (String, String) {
    (k.to_string(), v.to_string())
}

/// Writes `SIPDefault.cnf`: the image, the registrar, registration on, the dial plan,
/// and the codec, DTMF, media-port and timer values a working phone needs, stated so that
/// a phone that ran another configuration before does not keep its old ones.
pub fn sip_default(s: &DefaultCnf) -> Result<String, SettingsError> {
    os79xx_txt(&s.image)?;
    check_host(&s.proxy)?;
    let mut text = String::from(
        "# SIPDefault.cnf, written by Lifeline: what every 7940/7960 shares; its own SIP<MAC>.cnf wins.\n",
    );
    text.push_str(&write_lines(&[
        kv("image_version", &s.image),
        kv("proxy1_address", &s.proxy),
        kv("proxy1_port", s.port),
        kv("proxy_register", 1),
        kv("timer_register_expires", 3600),
        kv("dial_template", "dialplan"),
        kv("preferred_codec", "g711ulaw"),
        kv("dtmf_outofband", "avt"),
        kv("dtmf_avt_payload", 101),
        kv("voip_control_port", 5060),
        kv("start_media_port", 16384),
        kv("end_media_port", 32766),
        kv("nat_enable", 0),
        kv("time_format_24hr", 1),
        kv("telnet_level", 0),
    ])?);
    Ok(text)
}

fn check_host(h: &str) -> Result<(), SettingsError> {
    super::cnf_xml::parse_call_managers(h)
        .ok()
        .filter(|l| l.len() == 1)
        .map(|_| ())
        .ok_or_else(|| {
            SettingsError::BadSip(format!(
                "the SIP proxy `{h}` is not an IPv4 address or a host name"
            ))
        })
}

/// Writes `SIP<MAC>.cnf` for one phone: its image, a label, and each line's registrar
/// and account, with warnings about values the phone cuts.
pub fn sip_phone(
    mac: &Mac,
    image: &str,
    sip: Option<&SipSettings>,
) -> Result<(String, Vec<Finding>), SettingsError> {
    os79xx_txt(image)?;
    let name = sip_file_name(mac);
    let mut findings = Vec::new();
    let mut lines = vec![kv("image_version", image)];
    let label: String = mac.sep_name()[3..].chars().skip(6).collect();
    lines.push(kv("phone_label", label));
    if let Some(sip) = sip {
        check_host(&sip.proxy)?;
        if sip.lines.len() > keys::MAX_LINES as usize {
            return Err(SettingsError::BadSip(format!(
                "{} SIP lines given; a 7960 has {} (a 7940 two)",
                sip.lines.len(),
                keys::MAX_LINES
            )));
        }
        for (i, l) in sip.lines.iter().enumerate() {
            let n = i + 1;
            if l.auth_password.chars().count() > keys::PASSWORD_LIMIT {
                findings.push(Finding::new(
                    Severity::Warning,
                    Code::SipPasswordTooLong,
                    format!("{name} line {n}"),
                    format!(
                        "The auth password is {} characters; a 7940/7960 may keep only {} (a limit remembered from Cisco's SIP admin guide, not confirmed), and then registration fails.",
                        l.auth_password.chars().count(),
                        keys::PASSWORD_LIMIT
                    ),
                    format!("Use a password of {} characters or fewer, here and at the registrar.", keys::PASSWORD_LIMIT),
                ));
            }
            lines.push(kv(&format!("proxy{n}_address"), &sip.proxy));
            lines.push(kv(&format!("proxy{n}_port"), sip.port));
            lines.push(kv(&format!("line{n}_name"), &l.user));
            lines.push(kv(&format!("line{n}_authname"), &l.auth_name));
            lines.push(kv(&format!("line{n}_password"), &l.auth_password));
            lines.push(kv(&format!("line{n}_displayname"), &l.display_name));
            lines.push(kv(&format!("line{n}_shortname"), &l.user));
        }
    }
    let mut text = format!("# {name}, written by Lifeline.\n");
    text.push_str(&write_lines(&lines)?);
    Ok((text, findings))
}

/// A minimal valid `dialplan.xml`: any digits, sent after a 5-second pause or `#`.
pub fn dialplan_xml() -> String {
    "<DIALTEMPLATE>\n  <TEMPLATE MATCH=\"*\" Timeout=\"5\" User=\"Phone\"/>\n</DIALTEMPLATE>\n"
        .into()
}

/// `RINGLIST.DAT`: one `FILE<TAB>Display name` line per extra ring tone (`.raw` or `.pcm`
/// files the TFTP root also holds). An empty list is valid: the phone keeps its own
/// rings, and its request is answered instead of ending in "File not found".
pub fn ringlist_dat(rings: &[(String, String)]) -> Result<String, SettingsError> {
    let mut out = String::new();
    for (file, display) in rings {
        let lower = file.to_ascii_lowercase();
        if !(lower.ends_with(".raw") || lower.ends_with(".pcm"))
            || file.contains(|c: char| c.is_whitespace() || c.is_control() || c == '/')
            || display.is_empty()
            || display.chars().count() > 25
            || display.chars().any(|c| c.is_control())
        {
            return Err(SettingsError::BadSip(format!(
                "ring `{file}`: give a .raw or .pcm name without spaces, and 1 to 25 characters to show"
            )));
        }
        out.push_str(file);
        out.push('\t');
        out.push_str(display);
        out.push_str("\r\n");
    }
    Ok(out)
}

/// Generated files (name, text) and the warnings about them.
pub type Generated = (Vec<(String, String)>, Vec<Finding>);

/// Every file a 7940/7960 load needs besides the firmware and the `.cnf.xml` files:
/// `OS79XX.TXT`, and for a SIP load `SIPDefault.cnf` (registering with `proxy`), one
/// `SIP<MAC>.cnf` per phone (with its lines when `sip` has a profile for it),
/// `dialplan.xml` and `RINGLIST.DAT`; with the warnings about values the phone cuts.
/// Nothing for another family.
pub fn files_for(
    report: &Report,
    proxy: &str,
    phones: &[Mac],
    sip: &[(Mac, SipSettings)],
) -> Result<Generated, SettingsError> {
    let Some(image) = image_name(report) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let mut out = vec![(OS79XX.to_string(), os79xx_txt(&image)?)];
    let mut findings = Vec::new();
    if report.protocol == Some(Protocol::Sip) {
        let default = sip_default(&DefaultCnf {
            image: image.clone(),
            proxy: proxy.to_string(),
            port: super::cnf_xml::SIP_PORT,
        })?;
        out.push((SIP_DEFAULT.to_string(), default));
        for mac in phones {
            let profile = sip.iter().find(|(m, _)| m == mac).map(|(_, s)| s);
            let (text, f) = sip_phone(mac, &image, profile)?;
            findings.extend(f);
            out.push((sip_file_name(mac), text));
        }
        out.push((DIALPLAN.to_string(), dialplan_xml()));
        out.push((RINGLIST.to_string(), ringlist_dat(&[])?));
    }
    Ok((out, findings))
}

/// Checks an `OS79XX.TXT` someone already has: one image name with nothing after it (a
/// trailing space or newline becomes part of the name: CSCdv19260), of a 7940/7960 image,
/// and, given the images a bundle holds, one of them.
pub fn check_os79xx(name: &str, bytes: &[u8], images: Option<&[String]>) -> Vec<Finding> {
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim();
    if trimmed.len() != text.len() {
        return vec![Finding::new(
            Severity::Error,
            Code::CnfMalformed,
            name,
            format!(
                "The file holds `{}` followed by a space or line break. The phone reads them as part of the image name (Cisco bug CSCdv19260), asks for a file that does not exist, and stays on its old image.",
                trimmed.escape_debug()
            ),
            "Save the image name alone, with no newline at the end (`printf %s NAME > OS79XX.TXT`), or let Lifeline write it.",
        )];
    }
    if os79xx_txt(trimmed).is_err() {
        return vec![Finding::new(
            Severity::Error,
            Code::CnfMalformed,
            name,
            format!(
                "`{}` is not a 7940/7960 image name. The phone ignores the file.",
                trimmed.chars().take(60).collect::<String>().escape_debug()
            ),
            "Write the image name alone: P0S3-… for SIP, P003… for SCCP (the load's name, without .loads).",
        )];
    }
    match images {
        Some(images) if !images.iter().any(|i| i.eq_ignore_ascii_case(trimmed)) => {
            vec![Finding::new(
                Severity::Error,
                Code::CnfUnknownLoad,
                name,
                format!(
                    "OS79XX.TXT names `{trimmed}`, which the bundle does not hold. A reset phone asks for it and gets \"File not found\"."
                ),
                match images.first() {
                    Some(i) => format!("Write `{i}` in it (no newline at the end)."),
                    None => "Add the firmware it names to the bundle.".into(),
                },
            )]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
