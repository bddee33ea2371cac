//! Reading a `SIPDefault.cnf` or `SIP<MAC>.cnf` someone already has, and checking it.
//!
//! The format: one `key: value` a line; `#` starts a comment line; a value may be
//! quoted (`"…"`), and what follows `;` after a value is a comment. Bounded: at most
//! [`MAX_CNF_TEXT`] bytes, [`MAX_LINES`] lines of at most [`MAX_LINE`] bytes each.

use super::keys::{self, Key};
use crate::finding::{Code, Finding, Severity};
use thiserror::Error;

/// Largest `.cnf` [`parse`] reads (real ones are a few KiB).
pub const MAX_CNF_TEXT: usize = 64 * 1024;
/// Most lines [`parse`] reads.
pub const MAX_LINES: usize = 4096;
/// Longest line [`parse`] reads.
pub const MAX_LINE: usize = 1024;

/// One `key: value` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// 1-based line number.
    pub line: usize,
    pub key: String,
    /// The value, quotes and comment removed.
    pub value: String,
}

/// Why a `.cnf` could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CnfTextError {
    /// Larger than [`MAX_CNF_TEXT`].
    #[error("it is {0} bytes; a .cnf is at most {MAX_CNF_TEXT}")]
    TooLarge(usize),
    /// More than `MAX_LINES` lines.
    #[error("it has more than {MAX_LINES} lines")]
    TooManyLines,
    /// A line longer than `MAX_LINE` bytes.
    #[error("line {0} is longer than {MAX_LINE} bytes")]
    LineTooLong(usize),
    /// A NUL or another control character the phone's parser does not expect.
    #[error("line {0} holds a control character (is this a binary file?)")]
    ControlCharacter(usize),
    /// A line that is neither a comment nor `key: value`.
    #[error("line {line} is not `key: value`: `{text}`")]
    NotKeyValue {
        /// 1-based line number.
        line: usize,
        /// The line, cut to 60 characters.
        text: String,
    },
    /// A quoted value without its closing quote.
    #[error("line {0} opens a quote it never closes")]
    UnclosedQuote(usize),
    /// A port key whose value is not a port number.
    #[error("{key} is `{value}`, not a port number (1 to 65535)")]
    BadPort {
        /// The key, e.g. `proxy1_port`.
        key: String,
        /// The value as written, cut to 60 characters.
        value: String,
    },
}

/// Reads a `.cnf` text file into its entries, in file order.
pub fn parse(text: &str) -> Result<Vec<Entry>, CnfTextError> {
    if text.len() > MAX_CNF_TEXT {
        return Err(CnfTextError::TooLarge(text.len()));
    }
    let mut out = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let line = i + 1;
        if line > MAX_LINES {
            return Err(CnfTextError::TooManyLines);
        }
        if raw.len() > MAX_LINE {
            return Err(CnfTextError::LineTooLong(line));
        }
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.chars().any(|c| c.is_control() && c != '\t') {
            return Err(CnfTextError::ControlCharacter(line));
        }
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let Some((key, rest)) = t.split_once(':') else {
            return Err(not_key_value(line, t));
        };
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err(not_key_value(line, t));
        }
        let rest = rest.trim_start();
        let value = if let Some(quoted) = rest.strip_prefix('"') {
            let Some(end) = quoted.find('"') else {
                return Err(CnfTextError::UnclosedQuote(line));
            };
            quoted[..end].to_string()
        } else {
            let v = rest.split(';').next().unwrap_or("");
            v.trim_end().to_string()
        };
        out.push(Entry {
            line,
            key: key.to_string(),
            value,
        });
    }
    Ok(out)
}

fn not_key_value(line: usize, t: &str) -> CnfTextError {
    CnfTextError::NotKeyValue {
        line,
        text: t.chars().take(60).collect(),
    }
}

/// Checks a `.cnf` a person already has: a file the phone cannot read, unknown keys
/// (with the likely intended one), a password longer than the phone keeps, a
/// `phone_label` longer than the display, and an `image_version` the bundle does not
/// hold. `images`, when given, are the image names the bundle offers (without extension).
pub fn check(name: &str, text: &str, images: Option<&[String]>) -> Vec<Finding> {
    let entries = match parse(text) {
        Ok(e) => e,
        Err(e) => {
            return vec![Finding::new(
                Severity::Error,
                Code::CnfMalformed,
                name,
                format!("The file cannot be read: {e}. The phone stops reading it there."),
                "Write one `key: value` a line (a `#` line is a comment), or let Lifeline generate the file.",
            )];
        }
    };
    let mut findings = Vec::new();
    for e in &entries {
        let at = format!("{name} line {}", e.line);
        match keys::lookup(&e.key) {
            None => {
                let near = keys::did_you_mean(&e.key);
                findings.push(Finding::new(
                    Severity::Warning,
                    Code::CnfUnknownKey,
                    at,
                    format!(
                        "`{}` is not a key the 7940/7960 SIP image reads{}; the phone ignores the line.",
                        e.key,
                        near.as_ref().map(|k| format!(" (did you mean `{k}`?)")).unwrap_or_default()
                    ),
                    match near {
                        Some(k) => format!("Write `{k}: {}`.", e.value),
                        None => "Remove the line, or check the key in Cisco's SIP admin guide (appendix \"Configurable Parameters\").".into(),
                    },
                ));
            }
            Some(Key::Line("linex_password", n))
                if e.value.chars().count() > keys::PASSWORD_LIMIT =>
            {
                findings.push(Finding::new(
                    Severity::Warning,
                    Code::SipPasswordTooLong,
                    at,
                    format!(
                        "The line {n} password is {} characters; the phone may keep only {} (a limit remembered from Cisco's SIP admin guide, not confirmed), and then the registrar sees another password and refuses it.",
                        e.value.chars().count(),
                        keys::PASSWORD_LIMIT
                    ),
                    format!("Use a password of {} characters or fewer, here and at the registrar.", keys::PASSWORD_LIMIT),
                ));
            }
            Some(Key::Plain("phone_label"))
                if e.value.chars().count() > keys::PHONE_LABEL_LIMIT =>
            {
                findings.push(Finding::new(
                    Severity::Info,
                    Code::CnfValueTooLong,
                    at,
                    format!(
                        "phone_label is {} characters; the display shows {}.",
                        e.value.chars().count(),
                        keys::PHONE_LABEL_LIMIT
                    ),
                    format!("Shorten it to {} characters.", keys::PHONE_LABEL_LIMIT),
                ));
            }
            Some(Key::Plain("image_version")) => {
                if let Some(images) = images
                    && !images.iter().any(|i| i.eq_ignore_ascii_case(&e.value))
                {
                    let near = crate::firmware::inspect::closest(
                        &e.value,
                        images.iter().map(String::as_str),
                    );
                    findings.push(Finding::new(
                        Severity::Error,
                        Code::CnfUnknownLoad,
                        at,
                        format!(
                            "image_version names `{}`, which the bundle does not hold{}. The phone asks for it, gets \"File not found\", and keeps its old firmware.",
                            e.value,
                            near.map(|n| format!(" (it holds `{n}`)")).unwrap_or_default()
                        ),
                        match images.first() {
                            Some(i) => format!("Name an image the bundle holds, e.g. `image_version: {i}`."),
                            None => "Add the firmware this image_version names to the bundle.".into(),
                        },
                    ));
                }
            }
            Some(_) => {}
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for e in &entries {
        if seen.contains(&e.key.as_str()) {
            findings.push(Finding::new(
                Severity::Info,
                Code::CnfDuplicateKey,
                format!("{name} line {}", e.line),
                format!(
                    "`{}` is set again here; the phone keeps the last value.",
                    e.key
                ),
                "Keep one line per key, so what the file says is what the phone does.",
            ));
        } else {
            seen.push(&e.key);
        }
    }
    findings
}
