//! The phone list as a table (pure): one row a phone, the text of every column
//! as typed, checked by the shared phone-list checks
//! ([`lifeline_shared::config::phones::check`]) that `lifeline config --phones`
//! runs on a file, so the page and the terminal judge a row alike.
//!
//! Invariants:
//! - A row is never dropped: a bad one stays in the table with its reasons; a
//!   row with nothing typed is skipped by the checks and the bundle alike.
//! - Row `i` (0-based) is checked as line `i + 1`: the problems the shared
//!   checks give come back to the row and the field they are about.

use lifeline_shared::config::cnf_xml::SIP_PASSWORD_LIMIT;
use lifeline_shared::config::phones::{self, Column, PhoneEntry, Sheet, Target};
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::models::Protocol;

/// One row of the table, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhoneRow {
    /// The text of each column, in [`Column::ALL`] order.
    pub cells: [String; 10],
}

/// The place of `c` in [`Column::ALL`] (and in [`PhoneRow::cells`]).
pub fn column_index(c: Column) -> usize {
    Column::ALL.iter().position(|k| *k == c).unwrap_or(0)
}

impl PhoneRow {
    /// A row with a MAC and a model typed.
    pub fn with_mac(mac: &str, model: &str) -> PhoneRow {
        let mut row = PhoneRow::default();
        row.set(Column::Mac, mac.to_string());
        row.set(Column::Model, model.to_string());
        row
    }

    /// The text of column `c`.
    pub fn get(&self, c: Column) -> &str {
        &self.cells[column_index(c)]
    }

    /// Sets column `c`.
    pub fn set(&mut self, c: Column, value: String) {
        self.cells[column_index(c)] = value;
    }

    /// Whether nothing is typed in it.
    pub fn is_empty(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// What the checks say of one row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowCheck {
    /// What is wrong, by column (`None`: the row as a whole).
    pub problems: Vec<(Option<Column>, String)>,
    /// Odd but accepted, by column.
    pub warnings: Vec<(Column, String)>,
    /// The phone, when the row is good.
    pub entry: Option<PhoneEntry>,
}

impl RowCheck {
    /// The problem of column `c`, if any.
    pub fn problem(&self, c: Column) -> Option<&str> {
        self.problems
            .iter()
            .find(|(k, _)| *k == Some(c))
            .map(|(_, why)| why.as_str())
    }
}

/// The table, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// One check per row, in order (an empty row has neither problems nor a phone).
    pub rows: Vec<RowCheck>,
    /// What is worth saying and not wrong (SIP fields on an SCCP load).
    pub notes: Vec<String>,
    /// The firmware the rows were checked against.
    pub target: Target,
}

impl Table {
    /// How many rows have a problem.
    pub fn bad(&self) -> usize {
        self.rows.iter().filter(|r| !r.problems.is_empty()).count()
    }

    /// The good rows' phones, in order.
    pub fn phones(&self) -> impl Iterator<Item = &PhoneEntry> {
        self.rows.iter().filter_map(|r| r.entry.as_ref())
    }
}

/// Checks every row for `report`'s firmware.
pub fn table(rows: &[PhoneRow], report: &Report) -> Table {
    let target = Target::of(report);
    let sheet = Sheet::of_rows(
        rows.iter()
            .enumerate()
            .filter(|(_, r)| !r.is_empty())
            .map(|(i, r)| (i + 1, r.cells.clone())),
    );
    let list = phones::check(&sheet, &target);
    let mut out: Vec<RowCheck> = vec![RowCheck::default(); rows.len()];
    for p in list.problems {
        if let Some(row) = p.line.checked_sub(1).and_then(|i| out.get_mut(i)) {
            row.problems.push((p.column, in_rows(&p.reason)));
        }
    }
    for e in list.phones {
        if let Some(row) = e.line.checked_sub(1).and_then(|i| out.get_mut(i)) {
            row.entry = Some(e);
        }
    }
    // Where the shared checks know no limit for the family, a password over
    // 12 characters is only a warning: the 7942 is reported to fail on one.
    if target.protocol == Protocol::Sip && target.password_limit().is_none() {
        for (row, check) in rows.iter().zip(&mut out) {
            let chars = row.get(Column::Password).trim().chars().count();
            if chars > SIP_PASSWORD_LIMIT {
                check.warnings.push((
                    Column::Password,
                    format!(
                        "{chars} characters: some phones (the 7942 is reported) fail to read passwords over {SIP_PASSWORD_LIMIT}"
                    ),
                ));
            }
        }
    }
    Table {
        rows: out,
        notes: list.notes.iter().map(|n| in_rows(n)).collect(),
        target,
    }
}

/// The shared checks speak of a file's lines; the table's are its rows.
fn in_rows(text: &str) -> String {
    text.replace(" on lines ", " in rows ")
        .replace(" on line ", " in row ")
}

/// A column's name in the page's words.
pub fn label(c: Column) -> &'static str {
    match c {
        Column::Mac => "MAC",
        Column::Model => "Model",
        Column::Protocol => "Protocol",
        Column::User => "User (extension)",
        Column::AuthName => "Auth name",
        Column::Password => "Password",
        Column::DisplayName => "Display name",
        Column::Proxy => "SIP proxy",
        Column::Port => "Port",
        Column::Label => "Label",
    }
}

/// The element id of a cell, for focus from the Problems list.
pub fn cell_id(row: usize, c: Column) -> String {
    format!("phone-{row}-{}", c.name())
}

/// The table as CSV, every row with anything typed, in the format
/// `lifeline config --phones` reads (passwords included).
pub fn export(rows: &[PhoneRow]) -> String {
    phones::rows_to_csv(
        rows.iter()
            .filter(|r| !r.is_empty())
            .map(|r| r.cells.clone().map(|c| c.trim().to_string())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{row, seed_report, sip_report};
    use lifeline_shared::config::phones::parse;

    fn sip_row(mac: &str, user: &str, password: &str) -> PhoneRow {
        let mut r = row(mac, "");
        r.set(Column::User, user.into());
        r.set(Column::Password, password.into());
        r
    }

    #[test]
    fn each_bad_row_is_flagged_on_its_field_and_kept() {
        let report = sip_report();
        let rows = vec![
            sip_row("001122aabbcc", "201", "s3cret"),
            sip_row("00:11:22:zz:bb:cc", "202", ""),
            PhoneRow::default(),
            sip_row("SEP001122AABBCC", "203", ""),
            sip_row("001122aabbcd", "201", ""),
            sip_row("001122aabbce", "204", "thirteen-char"),
            row("001122aabbcf", "7942"),
        ];
        let t = table(&rows, &report);
        assert_eq!(t.rows.len(), 7);
        assert!(t.rows[0].entry.is_some() && t.rows[0].problems.is_empty());
        assert!(
            t.rows[1]
                .problem(Column::Mac)
                .unwrap()
                .contains("is not a hex digit"),
            "{:?}",
            t.rows[1]
        );
        assert_eq!(t.rows[2], RowCheck::default(), "an empty row is skipped");
        assert!(
            t.rows[3]
                .problem(Column::Mac)
                .unwrap()
                .starts_with("MAC 001122AABBCC is also in row 1")
        );
        assert!(
            t.rows[4]
                .problem(Column::User)
                .unwrap()
                .starts_with("extension 201 is also in row 1")
        );
        assert!(
            t.rows[5]
                .problem(Column::Password)
                .unwrap()
                .starts_with("13 characters; the 79x1/79x2/79x5")
        );
        assert!(
            t.rows[6]
                .problem(Column::Model)
                .unwrap()
                .contains("does not serve the 7942")
        );
        assert_eq!(t.bad(), 5);
        assert_eq!(t.phones().count(), 1);
    }

    #[test]
    fn the_table_and_the_cli_judge_every_row_alike() {
        let mut rows = vec![
            sip_row("001122aabbcc", "201", "s3cret"),
            sip_row("nope", "202", ""),
            sip_row("001122aabbcd", "201", ""),
            sip_row("001122aabbce", "", "x"),
            sip_row("001122aabbcf", "205", "a-very-long-secret"),
            row("0011.22aa.bbd0", "7961"),
            row("001122aabbd1", "8841"),
        ];
        rows[5].set(Column::Port, "70000".into());
        rows[6].set(Column::Proxy, "10.0.0.999".into());
        rows[6].set(Column::Protocol, "sccp".into());
        for report in [sip_report(), (*seed_report()).clone()] {
            let t = table(&rows, &report);
            let cli = parse(&export(&rows), &Target::of(&report)).unwrap();
            // The exported file starts with its header: row i is on line
            // i + 2, and the rows the messages name are one apart too.
            let words = |s: &str| {
                s.replace(|c: char| c.is_ascii_digit(), "#")
                    .replace("in row", "on line")
            };
            for (i, check) in t.rows.iter().enumerate() {
                let line = i + 2;
                let mut want: Vec<(Option<&str>, String)> = cli
                    .problems
                    .iter()
                    .filter(|p| p.line == line)
                    .map(|p| (p.column.map(Column::name), words(&p.reason)))
                    .collect();
                let mut got: Vec<(Option<&str>, String)> = check
                    .problems
                    .iter()
                    .map(|(c, w)| (c.map(Column::name), words(w)))
                    .collect();
                want.sort();
                got.sort();
                assert_eq!(got, want, "row {i}");
                let phone = cli.phones.iter().find(|p| p.line == line).map(|p| {
                    let mut p = p.clone();
                    p.line = i + 1;
                    p
                });
                assert_eq!(check.entry, phone, "row {i}");
            }
            let notes: Vec<String> = t.notes.iter().map(|n| words(n)).collect();
            let cli_notes: Vec<String> = cli.notes.iter().map(|n| words(n)).collect();
            assert_eq!(notes, cli_notes);
        }
    }

    #[test]
    fn a_long_password_is_a_warning_where_no_limit_is_known() {
        let mut report = sip_report();
        report.family = Some(lifeline_shared::models::FamilyId::F88xx);
        report.family_name = None;
        let mut r = sip_row("001122aabbcc", "201", "a-very-long-secret");
        r.set(Column::AuthName, "a201".into());
        let t = table(&[r], &report);
        assert!(t.rows[0].problems.is_empty(), "{:?}", t.rows[0]);
        assert!(t.rows[0].entry.is_some());
        assert_eq!(t.rows[0].warnings.len(), 1);
        assert!(
            t.rows[0].warnings[0]
                .1
                .starts_with("18 characters: some phones")
        );
        // An 8800 row without an auth name is refused, on that field.
        let t = table(&[sip_row("001122aabbcc", "201", "x")], &report);
        assert!(
            t.rows[0]
                .problem(Column::AuthName)
                .unwrap()
                .contains("registers with the line's own auth name")
        );
    }

    #[test]
    fn export_writes_every_typed_row_with_its_password() {
        let rows = vec![
            sip_row(" 001122aabbcc ", "201", "pa,ss"),
            PhoneRow::default(),
            row("bad", ""),
        ];
        assert_eq!(
            export(&rows),
            "mac,model,protocol,user,auth_name,password,display_name,proxy,port,label\r\n\
             001122aabbcc,,,201,,\"pa,ss\",,,,\r\n\
             bad,,,,,,,,,\r\n"
        );
    }
}
