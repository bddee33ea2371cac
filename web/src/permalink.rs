//! The settings in a link: the URL fragment `#s=1&…`, written and read back.
//!
//! Pure, with native tests. The format (version 1), every value %-encoded:
//!
//! ```text
//! s=1 & t=<TFTP list> & c=<call control> & p=<phone list>
//!     & l=<MAC>,<proxy>,<port>,<display name>,<user>,<auth name>   (one per SIP line)
//!     & k=<check>
//! ```
//!
//! Empty fields are left out. `k` is a 32-bit FNV-1a hash (8 hex digits) of
//! everything before `&k=`, so a link that was cut short or altered is noticed.
//!
//! Invariants:
//! - Passwords are never written; the firmware is never in a link.
//! - The text of every field comes back exactly as it was typed.
//! - Reading never panics, whatever the input: a link that is not whole gives a
//!   [`LinkError`] (shown as a notice over empty fields), never half the settings.

use std::fmt::Write as _;

use lifeline_shared::config::mac::Mac;

use crate::settings::{Form, SipForm};

/// What the link the page was opened with held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Its settings are in the fields.
    Restored,
    /// It could not be read (the why); the fields are empty.
    Damaged(String),
}

/// The format written now.
pub const VERSION: &str = "1";
/// The longest fragment read (a link with hundreds of phones stays far below).
pub const MAX_LEN: usize = 64 * 1024;
/// The most SIP lines read.
pub const MAX_LINES: usize = 1000;

/// Why a link's settings could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// Longer than [`MAX_LEN`].
    TooLong,
    /// Written by another (newer) version of the format.
    Version(String),
    /// Cut short or altered.
    Damaged(&'static str),
}

impl LinkError {
    /// What to tell the person, as the end of "The settings in this link could
    /// not be read: …".
    pub fn message(&self) -> String {
        match self {
            LinkError::TooLong => "it is longer than any link Lifeline makes".into(),
            LinkError::Version(v) => format!(
                "it was made by a newer Lifeline (settings format {v}); this one reads format {VERSION}"
            ),
            LinkError::Damaged(why) => (*why).into(),
        }
    }
}

const CUT: LinkError =
    LinkError::Damaged("it was cut short or changed on the way (its check value does not match)");

/// Writes the fragment (without `#`) for `form`: every field but the passwords.
pub fn encode(form: &Form) -> String {
    let mut out = format!("s={VERSION}");
    for (key, value) in [
        ("t", &form.tftp),
        ("c", &form.call_managers),
        ("p", &form.phones),
    ] {
        if !value.is_empty() {
            out.push('&');
            out.push_str(key);
            out.push('=');
            escape(value, &mut out);
        }
    }
    for line in form
        .sip
        .iter()
        .filter(|l| shared_fields(l).any(|f| !f.is_empty()))
    {
        let _ = write!(out, "&l={}", line.mac);
        for field in shared_fields(line) {
            out.push(',');
            escape(field, &mut out);
        }
    }
    let check = fnv1a(out.as_bytes());
    let _ = write!(out, "&k={check:08x}");
    out
}

/// The fields of a SIP line that go into a link: all but the password.
fn shared_fields(line: &SipForm) -> impl Iterator<Item = &str> {
    [
        &line.proxy,
        &line.port,
        &line.display_name,
        &line.user,
        &line.auth_name,
    ]
    .into_iter()
    .map(String::as_str)
}

/// Reads a location's fragment (`#s=1&…`, or without `#`). `None` when it holds no
/// Lifeline settings at all (empty, or some other fragment).
pub fn read(hash: &str) -> Option<Result<Form, LinkError>> {
    let fragment = hash.strip_prefix('#').unwrap_or(hash);
    fragment.starts_with("s=").then(|| decode(fragment))
}

/// Reads a fragment written by [`encode`].
pub fn decode(fragment: &str) -> Result<Form, LinkError> {
    if fragment.len() > MAX_LEN {
        return Err(LinkError::TooLong);
    }
    let rest = fragment.strip_prefix("s=").ok_or(LinkError::Damaged(
        "it does not start with the settings marker",
    ))?;
    let version = rest.split('&').next().unwrap_or_default();
    if version != VERSION {
        return match version.bytes().all(|b| b.is_ascii_digit()) && !version.is_empty() {
            true => Err(LinkError::Version(version.to_string())),
            false => Err(CUT),
        };
    }
    let (body, check) = fragment.rsplit_once("&k=").ok_or(CUT)?;
    let check_ok = check.len() == 8
        && u32::from_str_radix(check, 16).is_ok_and(|c| c == fnv1a(body.as_bytes()));
    if !check_ok {
        return Err(CUT);
    }
    let mut form = Form::default();
    let mut seen = [false; 3];
    for pair in body.split('&').skip(1) {
        let (key, value) = pair
            .split_once('=')
            .ok_or(LinkError::Damaged("one of its parts has no value"))?;
        let slot = match key {
            "t" => Some((0, &mut form.tftp)),
            "c" => Some((1, &mut form.call_managers)),
            "p" => Some((2, &mut form.phones)),
            _ => None,
        };
        if let Some((i, field)) = slot {
            if seen[i] {
                return Err(LinkError::Damaged("a setting appears twice in it"));
            }
            seen[i] = true;
            *field = unescape(value)?;
        } else if key == "l" {
            if form.sip.len() >= MAX_LINES {
                return Err(LinkError::TooLong);
            }
            let line = sip_line(value)?;
            if form.sip.iter().any(|l| l.mac == line.mac) {
                return Err(LinkError::Damaged("a phone's SIP line appears twice in it"));
            }
            form.sip.push(line);
        }
        // Other keys: from a later format revision that older readers may skip.
    }
    Ok(form)
}

fn sip_line(value: &str) -> Result<SipForm, LinkError> {
    const BAD: LinkError = LinkError::Damaged("a phone's SIP line in it is incomplete");
    let mut parts = value.split(',');
    let mac: Mac = parts.next().and_then(|m| m.parse().ok()).ok_or(BAD)?;
    let mut line = SipForm::new(mac);
    for field in [
        &mut line.proxy,
        &mut line.port,
        &mut line.display_name,
        &mut line.user,
        &mut line.auth_name,
    ] {
        *field = unescape(parts.next().ok_or(BAD)?)?;
    }
    if parts.next().is_some() {
        return Err(BAD);
    }
    Ok(line)
}

/// Whether `b` is written as itself.
fn plain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':')
}

pub(crate) fn escape(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in value.bytes() {
        if plain(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

pub(crate) fn unescape(value: &str) -> Result<String, LinkError> {
    const BROKEN: LinkError = LinkError::Damaged("part of it is not readable (a broken %-escape)");
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = |at: usize| {
                    bytes
                        .get(at)
                        .and_then(|b| char::from(*b).to_digit(16))
                        .ok_or(BROKEN)
                };
                out.push((hex(i + 1)? * 16 + hex(i + 2)?) as u8);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| LinkError::Damaged("part of it is not readable text"))
}

/// 32-bit FNV-1a.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h: u32, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn mac(s: &str) -> Mac {
        s.parse().unwrap()
    }

    fn sample() -> Form {
        let mut line = SipForm::new(mac("001122aabbcc"));
        line.proxy = "pbx.example.net".into();
        line.port = "5070".into();
        line.display_name = "Front desk, ground floor".into();
        line.user = "201".into();
        line.auth_name = "201&x=1".into();
        line.password = "hunter2".into();
        Form {
            tftp: "192.168.10.105, 192.168.10.106".into(),
            call_managers: "10.0.0.1".into(),
            phones: "00:11:22:aa:bb:cc=7961\n0011.22aa.bbcd".into(),
            sip: vec![line],
        }
    }

    /// The form as a link gives it back: no passwords, no empty SIP lines.
    fn shareable(form: &Form) -> Form {
        let mut f = form.clone();
        f.sip.retain(|l| shared_fields(l).any(|v| !v.is_empty()));
        for l in &mut f.sip {
            l.password.clear();
        }
        f
    }

    #[test]
    fn a_link_reads_back_without_the_password() {
        let form = sample();
        let link = encode(&form);
        assert!(link.starts_with("s=1&t=192.168.10.105%2C%20192.168.10.106&c=10.0.0.1&p=00:11:22:aa:bb:cc%3D7961%0A0011.22aa.bbcd&l=001122AABBCC,pbx.example.net,5070,Front%20desk%2C%20ground%20floor,201,201%26x%3D1&k="), "{link}");
        assert!(!link.contains("hunter2"));
        let back = decode(&link).unwrap();
        assert_eq!(back, shareable(&form));
        assert_eq!(back.sip[0].password, "");
        assert_eq!(read(&format!("#{link}")), Some(Ok(shareable(&form))));
    }

    #[test]
    fn empty_settings_make_a_short_link() {
        let link = encode(&Form::default());
        assert_eq!(link.len(), "s=1&k=".len() + 8);
        assert_eq!(decode(&link), Ok(Form::default()));
        // A line with only a password is not worth a link entry.
        let mut f = Form::default();
        let mut line = SipForm::new(mac("001122aabbcc"));
        line.password = "x".into();
        f.sip.push(line);
        assert_eq!(encode(&f), link);
    }

    #[test]
    fn other_fragments_are_not_ours() {
        assert_eq!(read(""), None);
        assert_eq!(read("#"), None);
        assert_eq!(read("#main"), None);
        assert!(matches!(read("#s="), Some(Err(_))));
    }

    #[test]
    fn every_cut_is_noticed() {
        let link = encode(&sample());
        for end in 0..link.len() {
            assert!(decode(&link[..end]).is_err(), "{}", &link[..end]);
        }
    }

    #[test]
    fn every_changed_character_is_noticed() {
        let link = encode(&sample());
        for i in 0..link.len() {
            for c in ['0', 'a', 'Z', '%', '&', '='] {
                let mut changed = link.clone().into_bytes();
                if changed[i] == c as u8 {
                    continue;
                }
                changed[i] = c as u8;
                let changed = String::from_utf8(changed).unwrap();
                assert!(decode(&changed).is_err(), "{changed}");
            }
        }
    }

    /// A body with a good check value, to reach the checks behind it.
    fn signed(body: &str) -> String {
        format!("{body}&k={:08x}", fnv1a(body.as_bytes()))
    }

    #[test]
    fn damaged_links_say_why() {
        let damaged = |s: &str| match decode(s) {
            Err(LinkError::Damaged(why)) => why,
            other => panic!("{s}: {other:?}"),
        };
        assert!(damaged("s=1&t=1.2.3.4").contains("cut short"));
        assert!(damaged("s=1&t=1.2.3.4&k=zzzzzzzz").contains("cut short"));
        assert!(damaged("s=1&t=1.2.3.4&k=0").contains("cut short"));
        assert!(damaged("t=1.2.3.4").contains("marker"));
        assert!(damaged("s=x1&k=00000000").contains("cut short"));
        assert!(damaged(&signed("s=1&t=%ZZ")).contains("%-escape"));
        assert!(damaged(&signed("s=1&t=%4")).contains("%-escape"));
        assert!(damaged(&signed("s=1&t=%FF%FE")).contains("readable text"));
        assert!(damaged(&signed("s=1&t")).contains("no value"));
        assert!(damaged(&signed("s=1&t=a&t=b")).contains("twice"));
        assert!(damaged(&signed("s=1&l=nonsense,,,,,")).contains("incomplete"));
        assert!(damaged(&signed("s=1&l=001122AABBCC,,,")).contains("incomplete"));
        assert!(damaged(&signed("s=1&l=001122AABBCC,,,,,,")).contains("incomplete"));
        assert!(damaged(&signed("s=1&l=001122AABBCC,,,,,&l=001122aabbcc,a,,,,")).contains("twice"));
        assert_eq!(
            decode(&signed("s=2&t=x")),
            Err(LinkError::Version("2".into()))
        );
        assert!(
            LinkError::Version("2".into())
                .message()
                .contains("newer Lifeline")
        );
        assert_eq!(decode(&"s".repeat(MAX_LEN + 1)), Err(LinkError::TooLong));
        // Unknown keys of a later revision are skipped.
        assert_eq!(
            decode(&signed("s=1&c=10.0.0.1&zz=later"))
                .unwrap()
                .call_managers,
            "10.0.0.1"
        );
        for e in [LinkError::TooLong, CUT] {
            assert!(!e.message().is_empty());
        }
    }

    #[test]
    fn too_many_lines_are_refused() {
        let mut body = String::from("s=1");
        for i in 0..=MAX_LINES {
            let _ = write!(body, "&l={:012X},,,,,u", i);
        }
        assert_eq!(decode(&signed(&body)), Err(LinkError::TooLong));
    }

    fn any_mac() -> impl Strategy<Value = Mac> {
        any::<[u8; 6]>().prop_map(Mac)
    }

    fn any_line() -> impl Strategy<Value = SipForm> {
        (any_mac(), proptest::collection::vec(".{0,12}", 6)).prop_map(|(mac, v)| SipForm {
            mac,
            proxy: v[0].clone(),
            port: v[1].clone(),
            display_name: v[2].clone(),
            user: v[3].clone(),
            auth_name: v[4].clone(),
            password: v[5].clone(),
        })
    }

    fn any_form() -> impl Strategy<Value = Form> {
        (
            "\\PC{0,40}",
            ".{0,40}",
            "[0-9a-fA-F:.=,; \n\r\t-]{0,80}",
            proptest::collection::vec(any_line(), 0..4),
        )
            .prop_map(|(tftp, call_managers, phones, mut sip)| {
                sip.sort_by_key(|l| l.mac);
                sip.dedup_by_key(|l| l.mac);
                Form {
                    tftp,
                    call_managers,
                    phones,
                    sip,
                }
            })
    }

    proptest! {
        #[test]
        fn round_trips(form in any_form()) {
            let link = encode(&form);
            prop_assert!(link.bytes().all(|b| plain(b) || b"%&=,".contains(&b)), "{}", link);
            prop_assert_eq!(decode(&link), Ok(shareable(&form)));
        }

        #[test]
        fn never_panics(junk in "s=1\\PC{0,200}") {
            let _ = decode(&junk);
            let _ = read(&junk);
        }
    }
}
