//! The settings in a link: the URL fragment `#s=1&…`, written and read back.
//!
//! Pure, with native tests. The format (version 1), every value %-encoded:
//!
//! ```text
//! s=1 & t=<TFTP list> & c=<call control>
//!     & r=<mac>,<model>,<protocol>,<user>,<auth name>,<display name>,<proxy>,<port>,<label>
//!                                        (one per row of the phone table, no password)
//!     & k=<check>
//! ```
//!
//! Empty fields are left out (a row's empty cells stay, between its commas).
//! `k` is a 32-bit FNV-1a hash (8 hex digits) of everything before `&k=`, so a
//! link that was cut short or altered is noticed. Links of earlier versions held
//! the phones as `p=<MACs, MAC=MODEL>` and their SIP lines as
//! `l=<MAC>,<proxy>,<port>,<display name>,<user>,<auth name>`; both are still
//! read, into rows.
//!
//! Invariants:
//! - Passwords are never written; the firmware is never in a link.
//! - The text of every field comes back exactly as it was typed.
//! - Reading never panics, whatever the input: a link that is not whole gives a
//!   [`LinkError`] (shown as a notice over empty fields), never half the settings.

use std::fmt::Write as _;

use lifeline_shared::config::mac::Mac;
use lifeline_shared::config::phones::{Column, MAX_ROWS};

use crate::settings::import::plain_rows;
use crate::settings::{Form, PhoneRow};

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
    for (key, value) in [("t", &form.tftp), ("c", &form.call_managers)] {
        if !value.is_empty() {
            out.push('&');
            out.push_str(key);
            out.push('=');
            escape(value, &mut out);
        }
    }
    for row in &form.rows {
        out.push_str("&r=");
        for (i, c) in SHARED.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            escape(row.get(*c), &mut out);
        }
    }
    let check = fnv1a(out.as_bytes());
    let _ = write!(out, "&k={check:08x}");
    out
}

/// The columns of a row that go into a link, in order: all but the password.
const SHARED: [Column; 9] = [
    Column::Mac,
    Column::Model,
    Column::Protocol,
    Column::User,
    Column::AuthName,
    Column::DisplayName,
    Column::Proxy,
    Column::Port,
    Column::Label,
];

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
    let mut phones = String::new();
    let mut lines = Vec::new();
    for pair in body.split('&').skip(1) {
        let (key, value) = pair
            .split_once('=')
            .ok_or(LinkError::Damaged("one of its parts has no value"))?;
        let slot = match key {
            "t" => Some((0, &mut form.tftp)),
            "c" => Some((1, &mut form.call_managers)),
            "p" => Some((2, &mut phones)),
            _ => None,
        };
        if let Some((i, field)) = slot {
            if seen[i] {
                return Err(LinkError::Damaged("a setting appears twice in it"));
            }
            seen[i] = true;
            *field = unescape(value)?;
        } else if key == "r" || key == "l" {
            if form.rows.len() + lines.len() >= MAX_ROWS {
                return Err(LinkError::TooLong);
            }
            if key == "r" {
                form.rows.push(row(value)?);
            } else {
                lines.push(old_line(value)?);
            }
        }
        // Other keys: from a later format revision that older readers may skip.
    }
    form.rows.extend(plain_rows(&phones));
    // An earlier version's line for a phone no longer listed was not used:
    // it stays out.
    for (mac, fields) in lines {
        let at = form
            .rows
            .iter_mut()
            .find(|r| r.get(Column::Mac).parse::<Mac>() == Ok(mac));
        if let Some(r) = at {
            for (c, v) in fields {
                r.set(c, v);
            }
        }
    }
    Ok(form)
}

fn row(value: &str) -> Result<PhoneRow, LinkError> {
    const BAD: LinkError = LinkError::Damaged("a row of its phone list is incomplete");
    let mut parts = value.split(',');
    let mut row = PhoneRow::default();
    for c in SHARED {
        row.set(c, unescape(parts.next().ok_or(BAD)?)?);
    }
    if parts.next().is_some() {
        return Err(BAD);
    }
    Ok(row)
}

/// A SIP line of an earlier version's link: the MAC, and its columns.
fn old_line(value: &str) -> Result<(Mac, Vec<(Column, String)>), LinkError> {
    const BAD: LinkError = LinkError::Damaged("a phone's SIP line in it is incomplete");
    let mut parts = value.split(',');
    let mac: Mac = parts.next().and_then(|m| m.parse().ok()).ok_or(BAD)?;
    let mut fields = Vec::new();
    for c in [
        Column::Proxy,
        Column::Port,
        Column::DisplayName,
        Column::User,
        Column::AuthName,
    ] {
        fields.push((c, unescape(parts.next().ok_or(BAD)?)?));
    }
    if parts.next().is_some() {
        return Err(BAD);
    }
    Ok((mac, fields))
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
    use crate::test_support::{form, line};
    use proptest::prelude::*;

    fn sample() -> Form {
        let mut f = form(
            "192.168.10.105, 192.168.10.106",
            "10.0.0.1",
            "00:11:22:aa:bb:cc=7961\n0011.22aa.bbcd",
        );
        line(
            &mut f,
            0,
            &[
                (Column::Proxy, "pbx.example.net"),
                (Column::Port, "5070"),
                (Column::DisplayName, "Front desk, ground floor"),
                (Column::User, "201"),
                (Column::AuthName, "201&x=1"),
                (Column::Password, "hunter2"),
                (Column::Label, "Desk 1"),
            ],
        );
        f
    }

    /// The form as a link gives it back: no passwords.
    fn shareable(form: &Form) -> Form {
        let mut f = form.clone();
        for r in &mut f.rows {
            r.set(Column::Password, String::new());
        }
        f
    }

    #[test]
    fn a_link_reads_back_without_the_password() {
        let form = sample();
        let link = encode(&form);
        assert!(link.starts_with("s=1&t=192.168.10.105%2C%20192.168.10.106&c=10.0.0.1&r=00:11:22:aa:bb:cc,7961,,201,201%26x%3D1,Front%20desk%2C%20ground%20floor,pbx.example.net,5070,Desk%201&r=0011.22aa.bbcd,,,,,,,,&k="), "{link}");
        assert!(!link.contains("hunter2"));
        let back = decode(&link).unwrap();
        assert_eq!(back, shareable(&form));
        assert_eq!(back.rows[0].get(Column::Password), "");
        assert_eq!(read(&format!("#{link}")), Some(Ok(shareable(&form))));
    }

    #[test]
    fn an_earlier_versions_link_reads_into_rows() {
        let old = signed(
            "s=1&t=10.0.0.5&p=00:11:22:aa:bb:cc%3D7961%0A0011.22aa.bbcd&l=001122AABBCC,pbx.example.net,5070,Front%20desk,201,a201&l=00112233445A,x,,,9,",
        );
        let f = decode(&old).unwrap();
        assert_eq!(f.tftp, "10.0.0.5");
        assert_eq!(f.rows.len(), 2, "a line for a phone not listed stays out");
        let r = &f.rows[0];
        assert_eq!(
            [
                r.get(Column::Mac),
                r.get(Column::Model),
                r.get(Column::Proxy),
                r.get(Column::Port),
                r.get(Column::DisplayName),
                r.get(Column::User),
                r.get(Column::AuthName)
            ],
            [
                "00:11:22:aa:bb:cc",
                "7961",
                "pbx.example.net",
                "5070",
                "Front desk",
                "201",
                "a201"
            ]
        );
        assert_eq!(f.rows[1].get(Column::Mac), "0011.22aa.bbcd");
        assert_eq!(f.rows[1].get(Column::User), "");
    }

    #[test]
    fn empty_settings_make_a_short_link() {
        let link = encode(&Form::default());
        assert_eq!(link.len(), "s=1&k=".len() + 8);
        assert_eq!(decode(&link), Ok(Form::default()));
        // A row with nothing typed (just added) stays a row.
        let mut f = Form::default();
        f.rows.push(PhoneRow::default());
        assert_eq!(decode(&encode(&f)), Ok(f));
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
        assert!(damaged(&signed("s=1&r=a,b")).contains("incomplete"));
        assert!(damaged(&signed("s=1&r=,,,,,,,,,")).contains("incomplete"));
        assert!(damaged(&signed("s=1&l=nonsense,,,,,")).contains("incomplete"));
        assert!(damaged(&signed("s=1&l=001122AABBCC,,,")).contains("incomplete"));
        assert!(damaged(&signed("s=1&l=001122AABBCC,,,,,,")).contains("incomplete"));
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
    fn too_many_rows_are_refused() {
        let mut body = String::from("s=1");
        for _ in 0..=MAX_ROWS {
            body.push_str("&r=,,,,,,,,");
        }
        assert_eq!(decode(&signed(&body)), Err(LinkError::TooLong));
    }

    fn any_row() -> impl Strategy<Value = PhoneRow> {
        proptest::collection::vec(".{0,12}", 10).prop_map(|v| {
            let mut r = PhoneRow::default();
            for (c, text) in Column::ALL.into_iter().zip(v) {
                r.set(c, text);
            }
            r
        })
    }

    fn any_form() -> impl Strategy<Value = Form> {
        (
            "\\PC{0,40}",
            ".{0,40}",
            proptest::collection::vec(any_row(), 0..4),
        )
            .prop_map(|(tftp, call_managers, rows)| Form {
                tftp,
                call_managers,
                rows,
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
