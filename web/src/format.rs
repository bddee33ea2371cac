//! Turning values into the words and numbers a person reads.
//!
//! Pure functions, covered by native tests; the components only call them.

use lifeline_shared::finding::Severity;
use lifeline_shared::firmware::inspect::{ImageStatus, Role};
use lifeline_shared::models::ManifestStyle;

/// An exact byte count with thousands separators: `2,494,499`.
pub fn bytes(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A size rounded for reading: `638 bytes`, `547 kB`, `6.4 MB` (see
/// [`lifeline_shared::size::size`], which the helper's messages use too).
pub fn size(n: u64) -> String {
    lifeline_shared::size::size(n)
}

/// A duration in milliseconds for reading: `0.4 ms`, `12 ms`, `1.3 s`.
pub fn millis(ms: f64) -> String {
    if !ms.is_finite() || ms < 0.0 {
        return "an unknown time".into();
    }
    // Tenths of a millisecond, as an integer (saturating for absurd values).
    let t = (ms * 10.0).round() as u64;
    if t < 100 {
        format!("{}.{} ms", t / 10, t % 10)
    } else if t < 9_995 {
        format!("{} ms", (t + 5) / 10)
    } else {
        let s = (t + 500) / 1000;
        format!("{}.{} s", s / 10, s % 10)
    }
}

/// The value of `data-inspect-ms`: milliseconds with three decimals, for scripts.
pub fn millis_attr(ms: f64) -> String {
    let us = if ms.is_finite() && ms > 0.0 {
        (ms * 1000.0).round() as u64
    } else {
        0
    };
    format!("{}.{:03}", us / 1000, us % 1000)
}

/// A length of time in whole seconds for reading: `0 s`, `42 s`, `4 min 12 s`,
/// `1 h 3 min`.
pub fn duration(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 if secs.is_multiple_of(60) => format!("{} min", secs / 60),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        _ if secs % 3600 < 60 => format!("{} h", secs / 3600),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}

/// A length of time in milliseconds, to the second: `under a second`, `42 s`.
pub fn duration_ms(ms: u64) -> String {
    if ms < 1000 {
        "under a second".into()
    } else {
        duration(ms / 1000)
    }
}

/// A stopwatch: `0:07`, `4:12`, `1:03:20`.
pub fn stopwatch(secs: u64) -> String {
    if secs < 3600 {
        format!("{}:{:02}", secs / 60, secs % 60)
    } else {
        format!("{}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60)
    }
}

/// The time of day of a local timestamp (milliseconds since the epoch, already
/// shifted to local time): `14:03:07`.
pub fn clock(local_ms: u64) -> String {
    let s = local_ms / 1000 % 86_400;
    format!("{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

/// A transfer rate: `2.1 MB/s`.
pub fn rate(bytes_per_sec: u64) -> String {
    format!("{}/s", size(bytes_per_sec))
}

/// A whole percentage, rounded down (so 100 % means all of it): `0` to `100`.
pub fn percent(part: u64, whole: u64) -> u64 {
    if part >= whole {
        return 100;
    }
    // 100 * part / whole, rounded down, without overflow and in u64 (128-bit
    // division would add to the wasm): two decimal digits of part / whole by long
    // division, each step's 10 * rest summed modulo `whole`, counting the carries.
    let (mut rest, mut out) = (part, 0);
    for _ in 0..2 {
        let (mut digit, mut next) = (0, 0);
        for _ in 0..10 {
            if next >= whole - rest {
                next -= whole - rest;
                digit += 1;
            } else {
                next += rest;
            }
        }
        out = out * 10 + digit;
        rest = next;
    }
    out
}

/// A MAC address as 12 hex digits (`001122AABBCC`), written `00:11:22:AA:BB:CC`;
/// anything else as it is.
pub fn mac(hex12: &str) -> String {
    if hex12.len() != 12 || !hex12.bytes().all(|b| b.is_ascii_hexdigit()) {
        return hex12.to_string();
    }
    let mut out = String::with_capacity(17);
    for (i, c) in hex12.chars().enumerate() {
        if i > 0 && i % 2 == 0 {
            out.push(':');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// `1 error`, `2 errors`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A piece of a finding's text: findings quote names in backticks (`like.this`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span<'a> {
    /// Whether it was quoted (shown as code).
    pub code: bool,
    /// The text, without the backticks.
    pub text: &'a str,
}

/// Splits `text` at backticks into plain and quoted spans. A backtick without its
/// partner is kept as plain text; empty spans are dropped.
pub fn spans(text: &str) -> Vec<Span<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let Some(len) = rest[open + 1..].find('`') else {
            break;
        };
        if open > 0 {
            out.push(Span {
                code: false,
                text: &rest[..open],
            });
        }
        let quoted = &rest[open + 1..open + 1 + len];
        if !quoted.is_empty() {
            out.push(Span {
                code: true,
                text: quoted,
            });
        }
        rest = &rest[open + 1 + len + 1..];
    }
    if !rest.is_empty() {
        out.push(Span {
            code: false,
            text: rest,
        });
    }
    out
}

/// A fragment made into a sentence: first letter capitalised, a full stop at the end.
///
/// Only an ASCII first letter is capitalised: the fragments are this app's own
/// English messages, and Unicode upper-casing would put its 13 KiB of case
/// tables into the WebAssembly.
pub fn sentence(text: &str) -> String {
    let mut out = text.trim().to_owned();
    if out.is_empty() {
        return out;
    }
    // A first letter outside ASCII (not a one-byte slice) stays as it is.
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// What an entry is, in words.
pub fn role(role: Role) -> &'static str {
    match role {
        Role::LoadManifest => "load manifest",
        Role::RecoveryManifest => "recovery manifest",
        Role::Image => "image",
        Role::UnlistedImage => "unlisted image",
        Role::InstallScript => "install script (for Call Manager; not served)",
        Role::LoadList => "load list (for Call Manager; not served)",
        Role::Other => "other (ignored)",
    }
}

/// A listed image's status: a symbol, a word and the CSS tone.
pub fn image_status(status: ImageStatus) -> (&'static str, &'static str, &'static str) {
    match status {
        ImageStatus::Present => ("✓", "present", "ok"),
        ImageStatus::CaseMismatch => ("⚠", "present, but the case differs", "warning"),
        ImageStatus::Missing => ("✗", "missing", "error"),
        ImageStatus::OptionalMissing => ("–", "optional, not included", "muted"),
    }
}

/// How a manifest body is written, in words.
pub fn style(style: ManifestStyle) -> &'static str {
    match style {
        ManifestStyle::FiveImages => "five .sbn images",
        ManifestStyle::LaVersion => "LA_VERSION list",
        ManifestStyle::ZzSgn => ".zz.sgn list",
        ManifestStyle::BinSgn => ".binN.sgn list",
        ManifestStyle::SizeMd5 => "name, size and MD5 list",
        ManifestStyle::Ini => "INI",
    }
}

/// A severity's symbol, as used by every indicator: ✗ error, ⚠ warning, ℹ info.
pub fn severity_symbol(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "✗",
        Severity::Warning => "⚠",
        Severity::Info => "ℹ",
    }
}

/// A severity's group heading.
pub fn severity_heading(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "Errors",
        Severity::Warning => "Warnings",
        Severity::Info => "Notes",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_well() {
        assert_eq!(duration(0), "0 s");
        assert_eq!(duration(42), "42 s");
        assert_eq!(duration(60), "1 min");
        assert_eq!(duration(252), "4 min 12 s");
        assert_eq!(duration(3600), "1 h");
        assert_eq!(duration(3_780), "1 h 3 min");
        assert_eq!(duration_ms(999), "under a second");
        assert_eq!(duration_ms(42_500), "42 s");
        assert_eq!(stopwatch(7), "0:07");
        assert_eq!(stopwatch(252), "4:12");
        assert_eq!(stopwatch(3_800), "1:03:20");
        assert_eq!(clock(0), "00:00:00");
        assert_eq!(clock(1_700_000_000_000 + 14 * 3_600_000), "12:13:20");
        assert_eq!(rate(2_100_000), "2.1 MB/s");
    }

    #[test]
    fn percent_never_overstates() {
        assert_eq!(percent(0, 10), 0);
        assert_eq!(percent(999, 1000), 99);
        assert_eq!(percent(1000, 1000), 100);
        assert_eq!(percent(2000, 1000), 100);
        assert_eq!(percent(0, 0), 100);
        assert_eq!(percent(u64::MAX - 1, u64::MAX), 99);
    }

    #[test]
    fn macs_get_colons() {
        assert_eq!(mac("001122aabbcc"), "00:11:22:AA:BB:CC");
        assert_eq!(mac("10.0.0.5"), "10.0.0.5");
    }

    #[test]
    fn bytes_groups_thousands() {
        assert_eq!(bytes(0), "0");
        assert_eq!(bytes(638), "638");
        assert_eq!(bytes(1000), "1,000");
        assert_eq!(bytes(2_494_499), "2,494,499");
        assert_eq!(bytes(12_345_678_901), "12,345,678,901");
    }

    #[test]
    fn size_rounds_in_decimal_units() {
        assert_eq!(size(0), "0 bytes");
        assert_eq!(size(1), "1 byte");
        assert_eq!(size(999), "999 bytes");
        assert_eq!(size(1000), "1.0 kB");
        assert_eq!(size(547_146), "547 kB");
        assert_eq!(size(6_371_984), "6.4 MB");
        assert_eq!(size(999_960), "1.0 MB");
        assert_eq!(size(25_000_000), "25 MB");
        assert_eq!(size(1 << 30), "1.1 GB");
        assert_eq!(size(9_960_000), "10 MB");
        assert_eq!(size(536_870_912), "537 MB");
        assert_eq!(size(u64::MAX), "18446744 TB");
    }

    #[test]
    fn millis_reads_well() {
        assert_eq!(millis(0.42), "0.4 ms");
        assert_eq!(millis(12.4), "12 ms");
        assert_eq!(millis(1260.0), "1.3 s");
        assert_eq!(millis(f64::NAN), "an unknown time");
        assert_eq!(millis(9.96), "10 ms");
        assert_eq!(millis(999.4), "999 ms");
        assert_eq!(millis(999.6), "1.0 s");
        assert_eq!(millis(-1.0), "an unknown time");
        assert_eq!(millis_attr(12.34567), "12.346");
        assert_eq!(millis_attr(0.1), "0.100");
        assert_eq!(millis_attr(f64::NAN), "0.000");
    }

    #[test]
    fn count_pluralises() {
        assert_eq!(count(0, "error", "errors"), "0 errors");
        assert_eq!(count(1, "error", "errors"), "1 error");
        assert_eq!(count(2, "error", "errors"), "2 errors");
    }

    #[test]
    fn spans_split_at_backticks() {
        let s = spans("`SCCP41.loads` lists `dsp41.sbn`, but");
        assert_eq!(
            s,
            vec![
                Span {
                    code: true,
                    text: "SCCP41.loads"
                },
                Span {
                    code: false,
                    text: " lists "
                },
                Span {
                    code: true,
                    text: "dsp41.sbn"
                },
                Span {
                    code: false,
                    text: ", but"
                },
            ]
        );
        assert_eq!(
            spans("plain"),
            vec![Span {
                code: false,
                text: "plain"
            }]
        );
        assert_eq!(spans(""), vec![]);
        // An unpaired backtick stays as it is.
        assert_eq!(
            spans("a `b"),
            vec![Span {
                code: false,
                text: "a `b"
            }]
        );
        assert_eq!(
            spans("``x"),
            vec![Span {
                code: false,
                text: "x"
            }]
        );
    }

    #[test]
    fn sentence_capitalises_and_stops() {
        assert_eq!(sentence("it is not a zip file"), "It is not a zip file.");
        assert_eq!(sentence("Done."), "Done.");
        assert_eq!(sentence("  "), "");
        assert_eq!(sentence("élan is not ASCII"), "élan is not ASCII.");
        assert_eq!(sentence("1 file"), "1 file.");
    }

    #[test]
    fn words_for_enums() {
        assert_eq!(role(Role::RecoveryManifest), "recovery manifest");
        assert_eq!(image_status(ImageStatus::Missing).0, "✗");
        assert_eq!(style(ManifestStyle::FiveImages), "five .sbn images");
        assert_eq!(severity_symbol(Severity::Warning), "⚠");
        assert_eq!(severity_heading(Severity::Info), "Notes");
    }
}
