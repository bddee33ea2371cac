//! The phone list: one row a phone (MAC, model, protocol, SIP account, label), read
//! from CSV and written back to it.
//!
//! The header row names the columns in any order: `mac` (required), `model`,
//! `protocol`, `user` (or `extension`), `auth_name`, `password`, `display_name`,
//! `proxy`, `port`, `label`. Other columns are ignored, with a note. Fields follow
//! RFC 4180 (double quotes around commas, line breaks and `""`). [`parse`] checks
//! every row against the firmware it is for ([`Target`]) and returns each bad
//! row's line, column and reason; no row is dropped without one.
//!
//! # Layout
//!
//! - this module: the columns, the rows, their checks, and [`to_csv`];
//! - `csv`: the bounded RFC 4180 record reader and field quoting.

mod csv;

use super::cnf_xml::{self, SIP_PASSWORD_LIMIT, SIP_PORT, SipLine, SipSettings};
use super::mac::Mac;
use super::sip79::keys;
use crate::firmware::inspect::Report;
use crate::models::{self, FamilyId, Protocol};
use std::fmt;
use thiserror::Error;

/// Largest phone list [`parse`] reads.
pub const MAX_CSV: usize = 1 << 20;
/// Most phones one list holds.
pub const MAX_ROWS: usize = 2000;
/// Most columns a row holds.
pub const MAX_COLUMNS: usize = 64;
/// Longest field, in bytes.
pub const MAX_FIELD: usize = 256;

/// A column Lifeline reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Mac,
    Model,
    Protocol,
    User,
    AuthName,
    Password,
    DisplayName,
    Proxy,
    Port,
    Label,
}

impl Column {
    /// Every column, in the order [`to_csv`] writes them.
    pub const ALL: [Column; 10] = [
        Column::Mac,
        Column::Model,
        Column::Protocol,
        Column::User,
        Column::AuthName,
        Column::Password,
        Column::DisplayName,
        Column::Proxy,
        Column::Port,
        Column::Label,
    ];

    /// The header name.
    pub fn name(self) -> &'static str {
        match self {
            Column::Mac => "mac",
            Column::Model => "model",
            Column::Protocol => "protocol",
            Column::User => "user",
            Column::AuthName => "auth_name",
            Column::Password => "password",
            Column::DisplayName => "display_name",
            Column::Proxy => "proxy",
            Column::Port => "port",
            Column::Label => "label",
        }
    }

    /// The column a header cell names: case and surrounding space do not
    /// matter, `-` or a space may stand for `_`, `extension` is `user`.
    pub fn from_header(cell: &str) -> Option<Column> {
        let n = cell.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        if n == "extension" {
            return Some(Column::User);
        }
        Column::ALL.into_iter().find(|c| c.name() == n)
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a list could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PhoneListError {
    #[error("the phone list is {0} bytes; Lifeline reads lists of up to {MAX_CSV} bytes")]
    TooLarge(usize),
    #[error("the phone list has more than {MAX_ROWS} phones; split it")]
    TooManyRows,
    #[error("line {line}: more than {MAX_COLUMNS} columns")]
    TooManyColumns { line: usize },
    #[error("line {line}, column {column}: a field longer than {MAX_FIELD} bytes")]
    FieldTooLong { line: usize, column: usize },
    #[error(
        "line {line}: a quote opens a field and nothing closes it; close it with \" (write \"\" for a quote inside a quoted field)"
    )]
    UnclosedQuote { line: usize },
    #[error(
        "line {line}, column {column}: a quote inside a field that does not start with one; put the whole field in quotes and write the quote as \"\""
    )]
    StrayQuote { line: usize, column: usize },
    #[error(
        "the phone list is empty; its first line names the columns (at least `mac`), e.g. mac,model,user,password"
    )]
    Empty,
    #[error(
        "line {line}: the header row has no `mac` column; name the columns in the first line, e.g. mac,model,user,password"
    )]
    NoMacColumn { line: usize },
    #[error("line {line}: the header names `{column}` twice (columns {first} and {second})")]
    DuplicateColumn {
        line: usize,
        column: Column,
        first: usize,
        second: usize,
    },
}

/// One bad row: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    /// The line of the file (1-based) the row starts on.
    pub line: usize,
    /// The column the problem is in; `None` for the row as a whole.
    pub column: Option<Column>,
    /// Its place in the header (1-based); `None` when the header lacks it.
    pub index: Option<usize>,
    /// What is wrong and how to fix it.
    pub reason: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.column, self.index) {
            (Some(c), Some(n)) => {
                write!(f, "line {}, column {n} ({c}): {}", self.line, self.reason)
            }
            (Some(c), None) => write!(
                f,
                "line {} (no `{c}` column in the header): {}",
                self.line, self.reason
            ),
            _ => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// One phone of the list, its fields trimmed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhoneEntry {
    /// The line it was read from (0 for a phone not read from a file).
    pub line: usize,
    pub mac: Mac,
    /// The model as the catalogue names it (`7961`), when given.
    pub model: Option<String>,
    /// The protocol, when given (else the firmware's).
    pub protocol: Option<Protocol>,
    /// The line's user, usually the extension (empty: no SIP line).
    pub user: String,
    /// The name it authenticates with (empty: the user).
    pub auth_name: String,
    pub password: String,
    /// The name on the phone's screen (empty: the user).
    pub display_name: String,
    /// The registrar (empty: the first call-control address).
    pub proxy: String,
    /// Its port (none: 5060).
    pub port: Option<u16>,
    /// Free text to tell the phones apart (not written to the phone).
    pub label: String,
}

/// What a list is checked against: the firmware it is for and the call-control
/// addresses that stand in for an empty proxy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The load's family.
    pub family: Option<FamilyId>,
    /// The family's name, for messages.
    pub family_name: String,
    /// The load's protocol.
    pub protocol: Protocol,
}

impl Target {
    /// The target an inspected firmware gives.
    pub fn of(report: &Report) -> Target {
        Target {
            family: report.family,
            family_name: report
                .family_name
                .clone()
                .or_else(|| report.family.map(|f| models::family(f).name.to_string()))
                .unwrap_or_else(|| "of an unrecognised family".into()),
            protocol: report.protocol.unwrap_or(Protocol::Sccp),
        }
    }

    /// The longest password the family's phones accept, and where the figure
    /// comes from: 12 for the 79x1/79x2/79x5 (the 7942's parser is reported to
    /// break beyond it), 32 for a 7940/7960 (`linex_password`).
    pub fn password_limit(&self) -> Option<(usize, &'static str)> {
        match self.family? {
            FamilyId::F7941_7961 | FamilyId::F7942_7962 | FamilyId::F7945_7965 => Some((
                SIP_PASSWORD_LIMIT,
                "the 79x1/79x2/79x5 (the 7942 is reported) fail to read longer ones",
            )),
            FamilyId::F7940_7960 => Some((
                keys::PASSWORD_LIMIT,
                "a 7940/7960 cuts longer ones (`linex_password`)",
            )),
            _ => None,
        }
    }
}

/// A list read and checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhoneList {
    /// The good rows, in file order.
    pub phones: Vec<PhoneEntry>,
    /// The bad rows, each with its reason (a row may have several).
    pub problems: Vec<RowProblem>,
    /// Things worth saying that are not wrong (ignored columns, SIP columns of an
    /// SCCP load).
    pub notes: Vec<String>,
}

impl PhoneEntry {
    /// Whether the row gives any SIP account field.
    pub fn has_sip(&self) -> bool {
        !(self.user.is_empty()
            && self.auth_name.is_empty()
            && self.password.is_empty()
            && self.display_name.is_empty()
            && self.proxy.is_empty()
            && self.port.is_none())
    }

    /// The phone's SIP profile: one line, with the defaults filled in (proxy:
    /// the first of `call_managers`; port 5060; auth and display name: the
    /// user). `None` for an SCCP phone or a row without a user.
    pub fn sip_settings(&self, target: &Target, call_managers: &[String]) -> Option<SipSettings> {
        if self.protocol.unwrap_or(target.protocol) != Protocol::Sip || self.user.is_empty() {
            return None;
        }
        let or_user = |s: &str| {
            if s.is_empty() {
                self.user.clone()
            } else {
                s.to_string()
            }
        };
        let proxy = if self.proxy.is_empty() {
            call_managers.first()?.clone()
        } else {
            self.proxy.clone()
        };
        Some(SipSettings {
            proxy,
            port: self.port.unwrap_or(SIP_PORT),
            lines: vec![SipLine {
                display_name: or_user(&self.display_name),
                user: self.user.clone(),
                auth_name: or_user(&self.auth_name),
                auth_password: self.password.clone(),
            }],
        })
    }
}

/// A phone list read but not yet checked: the column each header cell names,
/// and every row's fields as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sheet {
    /// What each place of a row holds (`None`: a column Lifeline ignores).
    pub columns: Vec<Option<Column>>,
    /// The rows, in order.
    pub rows: Vec<SheetRow>,
    /// The ignored columns, in words (empty when there are none).
    pub notes: Vec<String>,
}

/// One row of a [`Sheet`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SheetRow {
    /// The line it starts on (for a table: its row number).
    pub line: usize,
    /// Its fields, by place in the header.
    pub fields: Vec<String>,
}

impl Sheet {
    /// A sheet of typed rows, each `(line, fields in [`Column::ALL`] order)`: a
    /// table's rows go through the same checks as a file's.
    pub fn of_rows<S: AsRef<str>>(rows: impl IntoIterator<Item = (usize, [S; 10])>) -> Sheet {
        Sheet {
            columns: Column::ALL.map(Some).to_vec(),
            rows: rows
                .into_iter()
                .map(|(line, fields)| SheetRow {
                    line,
                    fields: fields.iter().map(|f| f.as_ref().to_string()).collect(),
                })
                .collect(),
            notes: Vec::new(),
        }
    }

    /// The place (1-based) of column `c` in the header, if it has one.
    pub fn index(&self, c: Column) -> Option<usize> {
        self.columns
            .iter()
            .position(|k| *k == Some(c))
            .map(|i| i + 1)
    }

    /// A row's field for `c`, trimmed; empty when the header or the row lacks it.
    pub fn field<'a>(&self, row: &'a SheetRow, c: Column) -> &'a str {
        self.index(c)
            .and_then(|i| row.fields.get(i - 1))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

/// Reads a phone list's header and rows, without checking the rows (see
/// [`check`]); only a list that cannot be read at all is an error.
pub fn read(text: &str) -> Result<Sheet, PhoneListError> {
    if text.len() > MAX_CSV {
        return Err(PhoneListError::TooLarge(text.len()));
    }
    let records = csv::records(text)?;
    let Some((header, rows)) = records.split_first() else {
        return Err(PhoneListError::Empty);
    };
    let mut sheet = Sheet::default();
    let mut ignored = Vec::new();
    for (i, cell) in header.fields.iter().enumerate() {
        let c = Column::from_header(cell);
        if let Some(c) = c
            && let Some(first) = sheet.columns.iter().position(|k| *k == Some(c))
        {
            return Err(PhoneListError::DuplicateColumn {
                line: header.line,
                column: c,
                first: first + 1,
                second: i + 1,
            });
        }
        if c.is_none() {
            ignored.push(format!("`{}`", cell.trim()));
        }
        sheet.columns.push(c);
    }
    if !sheet.columns.contains(&Some(Column::Mac)) {
        return Err(PhoneListError::NoMacColumn { line: header.line });
    }
    if !ignored.is_empty() {
        sheet.notes.push(format!(
            "ignored {} {} (Lifeline reads {})",
            if ignored.len() == 1 {
                "the column"
            } else {
                "the columns"
            },
            ignored.join(", "),
            Column::ALL.map(Column::name).join(", ")
        ));
    }
    sheet.rows = rows
        .iter()
        .map(|r| SheetRow {
            line: r.line,
            fields: r.fields.clone(),
        })
        .collect();
    Ok(sheet)
}

/// Reads and checks a phone list for `target`.
pub fn parse(text: &str, target: &Target) -> Result<PhoneList, PhoneListError> {
    Ok(check(&read(text)?, target))
}

/// Checks every row of `sheet` against `target`: the good rows become phones,
/// each bad row gives its problems.
pub fn check(sheet: &Sheet, target: &Target) -> PhoneList {
    let mut list = PhoneList {
        notes: sheet.notes.clone(),
        ..PhoneList::default()
    };
    let columns = &sheet.columns;
    let mut sccp_with_sip = Vec::new();
    for r in &sheet.rows {
        let mut problems = Vec::new();
        let mut at = |c: Column, reason: String| {
            problems.push(RowProblem {
                line: r.line,
                column: Some(c),
                index: sheet.index(c),
                reason,
            });
        };
        if r.fields.len() > columns.len() {
            list.problems.push(RowProblem {
                line: r.line,
                column: None,
                index: None,
                reason: format!(
                    "{} fields, and the header names {} columns; put a field that holds a comma in double quotes",
                    r.fields.len(),
                    columns.len()
                ),
            });
            continue;
        }
        let get = |c: Column| -> &str { sheet.field(r, c) };
        for c in Column::ALL {
            if get(c).chars().any(char::is_control) {
                at(
                    c,
                    "holds a line break or control character; a phone's configuration cannot carry one".into(),
                );
            }
        }
        let mut e = PhoneEntry {
            line: r.line,
            user: get(Column::User).to_string(),
            auth_name: get(Column::AuthName).to_string(),
            password: get(Column::Password).to_string(),
            display_name: get(Column::DisplayName).to_string(),
            proxy: get(Column::Proxy).to_string(),
            label: get(Column::Label).to_string(),
            ..PhoneEntry::default()
        };
        match get(Column::Mac).parse::<Mac>() {
            Ok(m) => e.mac = m,
            Err(err) => at(Column::Mac, err.to_string()),
        }
        match get(Column::Model) {
            "" => {}
            typed => match models::model(typed) {
                None => at(
                    Column::Model,
                    format!(
                        "`{typed}` is not a phone model Lifeline knows; write it like 7961, CP-7942G or 8841"
                    ),
                ),
                Some(m) if Some(m.family) != target.family => at(
                    Column::Model,
                    format!(
                        "this firmware ({}) does not serve the {}; give that phone a list of its own with its own firmware",
                        target.family_name, m.name
                    ),
                ),
                Some(m) => e.model = Some(m.name.to_string()),
            },
        }
        match get(Column::Protocol).to_ascii_uppercase().as_str() {
            "" => {}
            "SIP" | "SCCP" => {
                let p = if get(Column::Protocol).eq_ignore_ascii_case("sip") {
                    Protocol::Sip
                } else {
                    Protocol::Sccp
                };
                if p != target.protocol {
                    at(
                        Column::Protocol,
                        format!(
                            "{p}, and this firmware is {}: a phone runs its load's protocol; leave the field empty, or use a {p} load",
                            target.protocol
                        ),
                    );
                } else {
                    e.protocol = Some(p);
                }
            }
            _ => at(
                Column::Protocol,
                format!(
                    "`{}` is not a protocol; write SIP or SCCP",
                    get(Column::Protocol)
                ),
            ),
        }
        match get(Column::Port) {
            "" => {}
            typed => match typed.parse::<u16>() {
                Ok(p) if p > 0 => e.port = Some(p),
                _ => at(
                    Column::Port,
                    format!("`{typed}` is not a port; give a number from 1 to 65535"),
                ),
            },
        }
        if !e.proxy.is_empty()
            && cnf_xml::parse_call_managers(&e.proxy)
                .map(|l| l.len() != 1)
                .unwrap_or(true)
        {
            at(
                Column::Proxy,
                format!("`{}` is not an IPv4 address or a host name", e.proxy),
            );
        }
        let sip = e.protocol.unwrap_or(target.protocol) == Protocol::Sip;
        if sip && e.has_sip() {
            if e.user.is_empty() {
                at(
                    Column::User,
                    "give the line's user, usually its extension (the row has other SIP fields)"
                        .into(),
                );
            }
            let family = target.family.map(models::family);
            if let Some(f) = family.filter(|f| f.needs_auth_name())
                && e.auth_name.is_empty()
            {
                at(
                    Column::AuthName,
                    format!(
                        "{} registers with the line's own auth name, not its user: give the name your registrar authenticates (often the extension)",
                        models::with_article(f.name)
                    ),
                );
            }
            let chars = e.password.chars().count();
            if let Some((limit, why)) = target.password_limit()
                && chars > limit
            {
                at(
                    Column::Password,
                    format!(
                        "{chars} characters; {why}: use {limit} or fewer, here and at the registrar"
                    ),
                );
            }
            if target.family == Some(FamilyId::F7940_7960) {
                for c in [
                    Column::User,
                    Column::AuthName,
                    Column::Password,
                    Column::DisplayName,
                ] {
                    if get(c).contains('"') {
                        at(
                            c,
                            "holds a double quote, which a 7940/7960 .cnf value cannot carry"
                                .into(),
                        );
                    }
                }
            }
        } else if !sip && e.has_sip() {
            sccp_with_sip.push(r.line);
        }
        if problems.is_empty() {
            list.phones.push(e);
        } else {
            list.problems.extend(problems);
        }
    }
    duplicates(&mut list, sheet);
    if !sccp_with_sip.is_empty() {
        list.notes.push(format!(
            "this firmware is SCCP: its phones register with the call-control address and get no SIP lines, so the SIP fields on {} are not used",
            lines_word(&sccp_with_sip)
        ));
    }
    crate::sort::sort_by_key(&mut list.problems, |p| p.line);
    list
}

fn lines_word(lines: &[usize]) -> String {
    let l: Vec<String> = lines.iter().map(usize::to_string).collect();
    if l.len() == 1 {
        format!("line {}", l[0])
    } else {
        format!("lines {}", l.join(", "))
    }
}

/// Moves a row whose MAC or user an earlier row already has to the problems.
fn duplicates(list: &mut PhoneList, sheet: &Sheet) {
    let mut keep: Vec<PhoneEntry> = Vec::new();
    for e in std::mem::take(&mut list.phones) {
        if let Some(first) = keep.iter().find(|k| k.mac == e.mac) {
            list.problems.push(RowProblem {
                line: e.line,
                column: Some(Column::Mac),
                index: sheet.index(Column::Mac),
                reason: format!(
                    "MAC {} is also on line {}; each phone appears once",
                    e.mac, first.line
                ),
            });
        } else if let Some(first) = keep.iter().find(|k| !e.user.is_empty() && k.user == e.user) {
            list.problems.push(RowProblem {
                line: e.line,
                column: Some(Column::User),
                index: sheet.index(Column::User),
                reason: format!(
                    "extension {} is also on line {}; two phones registering as one user take the registration from each other",
                    e.user, first.line
                ),
            });
        } else {
            keep.push(e);
        }
    }
    list.phones = keep;
}

/// Writes phones as CSV, every column, header first; [`parse`] reads it back.
pub fn to_csv(phones: &[PhoneEntry]) -> String {
    rows_to_csv(phones.iter().map(|p| {
        [
            p.mac.to_string(),
            p.model.clone().unwrap_or_default(),
            p.protocol
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            p.user.clone(),
            p.auth_name.clone(),
            p.password.clone(),
            p.display_name.clone(),
            p.proxy.clone(),
            p.port.map(|p| p.to_string()).unwrap_or_default(),
            p.label.clone(),
        ]
    }))
}

/// Writes rows of fields (in [`Column::ALL`] order, as typed) as CSV, header
/// first, in [`to_csv`]'s format.
pub fn rows_to_csv<S: AsRef<str>>(rows: impl IntoIterator<Item = [S; 10]>) -> String {
    let mut out = Column::ALL.map(Column::name).join(",");
    out.push_str("\r\n");
    for cells in rows {
        out.push_str(&cells.map(|c| csv::field(c.as_ref())).join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests;
