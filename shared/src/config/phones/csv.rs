//! RFC 4180 records, bounded: fields separated by commas, records by CRLF or LF,
//! a field in double quotes may hold commas, line breaks and `""` for a quote.

use super::{MAX_COLUMNS, MAX_FIELD, MAX_ROWS, PhoneListError};

/// One record and the line (1-based) it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// Splits `text` into records. Blank lines are skipped; a UTF-8 byte-order mark
/// at the start is dropped (spreadsheets write one).
pub(super) fn records(text: &str) -> Result<Vec<Record>, PhoneListError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut field_started = false;
        loop {
            let Some(c) = chars.next() else {
                if quoted {
                    return Err(PhoneListError::UnclosedQuote { line: start });
                }
                break;
            };
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => quoted = false,
                    '\n' => {
                        line += 1;
                        field.push('\n');
                    }
                    c => field.push(c),
                }
            } else {
                match c {
                    '"' if !field_started => {
                        field.clear();
                        quoted = true;
                        field_started = true;
                        continue;
                    }
                    '"' => {
                        return Err(PhoneListError::StrayQuote {
                            line,
                            column: fields.len() + 1,
                        });
                    }
                    ',' => {
                        fields.push(std::mem::take(&mut field));
                        field_started = false;
                        if fields.len() > MAX_COLUMNS {
                            return Err(PhoneListError::TooManyColumns { line: start });
                        }
                        continue;
                    }
                    '\r' if chars.peek() == Some(&'\n') => continue,
                    '\n' => {
                        line += 1;
                        break;
                    }
                    c if c.is_whitespace() && !field_started => {
                        // Spaces before a quote are not part of the field.
                        field.push(c);
                        continue;
                    }
                    c => field.push(c),
                }
                if !field.trim().is_empty() {
                    field_started = true;
                }
            }
            if field.len() > MAX_FIELD {
                return Err(PhoneListError::FieldTooLong {
                    line: start,
                    column: fields.len() + 1,
                });
            }
        }
        fields.push(field);
        if fields.len() == 1 && fields[0].trim().is_empty() {
            continue;
        }
        if out.len() > MAX_ROWS {
            return Err(PhoneListError::TooManyRows);
        }
        out.push(Record {
            line: start,
            fields,
        });
    }
    Ok(out)
}

/// One field as CSV: quoted when it holds a comma, quote, line break or
/// leading or trailing space.
pub(super) fn field(s: &str) -> String {
    let needs = s.contains([',', '"', '\n', '\r']) || s.trim() != s;
    if needs {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
