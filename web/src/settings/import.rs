//! Pasted or imported text turned into rows of the phone table (pure): plain
//! MAC addresses (`MAC=MODEL` too), or a CSV whose first line names the
//! columns, read by the shared reader ([`lifeline_shared::config::phones::read`]).
//!
//! Invariants:
//! - Every row of the text becomes a row of the table, good or bad: the table
//!   flags the bad ones, nothing is dropped without a note saying so.
//! - Only a list that cannot be read at all (no `mac` column, too big, an
//!   unclosed quote) is refused, with the fix.

use lifeline_shared::config::phones::{self, Column, MAX_CSV, MAX_ROWS};

use super::phones::PhoneRow;

/// What an import adds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Import {
    /// The new rows, in order.
    pub rows: Vec<PhoneRow>,
    /// What is worth knowing about them (ignored columns, cut rows).
    pub notes: Vec<String>,
}

/// What the last import did, shown under the paste box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportNote {
    /// Rows were added to the table, with what is worth knowing about them.
    Added { rows: usize, notes: Vec<String> },
    /// Nothing was added: why, and how to fix it.
    Refused(String),
}

/// Reads `text` for a table that already holds `have` rows.
pub fn import(text: &str, have: usize) -> Result<Import, String> {
    if text.trim().is_empty() {
        return Err(
            "there is nothing to add: paste MAC addresses, or a CSV whose first line names the columns (mac,model,user,password,…)"
                .into(),
        );
    }
    if text.len() > MAX_CSV {
        return Err(format!(
            "the text is {} bytes; Lifeline reads lists of up to {MAX_CSV} bytes: split it",
            text.len()
        ));
    }
    let out = if is_csv(text) {
        csv(text)?
    } else {
        Import {
            rows: plain_rows(text),
            notes: Vec::new(),
        }
    };
    if out.rows.is_empty() {
        return Err(
            "there is no phone in it: give one MAC a line, or CSV rows under the header".into(),
        );
    }
    if have + out.rows.len() > MAX_ROWS {
        return Err(format!(
            "that makes {} phones and one list holds at most {MAX_ROWS}: split them into lists of their own",
            have + out.rows.len()
        ));
    }
    Ok(out)
}

/// Whether the first line is a CSV header: it names a column Lifeline reads.
fn is_csv(text: &str) -> bool {
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    first
        .split(',')
        .any(|cell| Column::from_header(cell.trim_matches('"')).is_some())
}

fn csv(text: &str) -> Result<Import, String> {
    let sheet = phones::read(text).map_err(|e| e.to_string())?;
    let mut out = Import {
        rows: Vec::new(),
        notes: sheet.notes.clone(),
    };
    let mut cut = Vec::new();
    for r in &sheet.rows {
        if r.fields.len() > sheet.columns.len() {
            cut.push(r.line.to_string());
        }
        let mut row = PhoneRow::default();
        for c in Column::ALL {
            row.set(c, sheet.field(r, c).to_string());
        }
        out.rows.push(row);
    }
    if !cut.is_empty() {
        out.notes.push(format!(
            "line {} had more fields than the header names columns: only the named columns were kept (a field holding a comma needs double quotes); check {}",
            cut.join(", "),
            if cut.len() == 1 { "that row" } else { "those rows" }
        ));
    }
    Ok(out)
}

/// Splits a plain list into entries: by line, comma or semicolon; a line of
/// several MACs separated by spaces is several entries; spaces around `=` are
/// allowed.
fn entries(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in text.split(['\n', '\r', ',', ';']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if let Some((mac, model)) = part.split_once('=') {
            out.push(format!("{}={}", mac.trim(), model.trim()));
        } else {
            out.extend(part.split_whitespace().map(str::to_string));
        }
    }
    out
}

/// The rows a plain list of the old format (`MAC=MODEL`, one per line or
/// comma-separated) gives: links and storage of earlier versions hold one.
pub fn plain_rows(text: &str) -> Vec<PhoneRow> {
    entries(text)
        .iter()
        .map(|e| match e.split_once('=') {
            Some((mac, model)) => PhoneRow::with_mac(mac, model),
            None => PhoneRow::with_mac(e, ""),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::phones::table;
    use crate::test_support::sip_report;

    fn macs(i: &Import) -> Vec<&str> {
        i.rows.iter().map(|r| r.get(Column::Mac)).collect()
    }

    #[test]
    fn plain_macs_are_split_every_usual_way() {
        let i = import(
            "00:11:22:aa:bb:cc\n0011.22aa.bbcd, SEP001122AABBCE ; 001122aabbcf = 7961\r\n\na b\tc",
            0,
        )
        .unwrap();
        assert_eq!(
            macs(&i),
            [
                "00:11:22:aa:bb:cc",
                "0011.22aa.bbcd",
                "SEP001122AABBCE",
                "001122aabbcf",
                "a",
                "b",
                "c"
            ]
        );
        assert_eq!(i.rows[3].get(Column::Model), "7961");
        assert!(i.notes.is_empty());
    }

    #[test]
    fn a_csv_header_names_the_columns_in_any_order() {
        let i = import(
            "Password,Extension,room,MAC\r\ns3cret,201,12,00:11:22:aa:bb:cc\n\"a,b\",202,,0011.22aa.bbcd\n",
            0,
        )
        .unwrap();
        assert_eq!(macs(&i), ["00:11:22:aa:bb:cc", "0011.22aa.bbcd"]);
        assert_eq!(i.rows[0].get(Column::User), "201");
        assert_eq!(i.rows[0].get(Column::Password), "s3cret");
        assert_eq!(i.rows[1].get(Column::Password), "a,b");
        assert_eq!(i.notes.len(), 1);
        assert!(
            i.notes[0].starts_with("ignored the column `room`"),
            "{}",
            i.notes[0]
        );
    }

    #[test]
    fn bad_rows_are_imported_to_be_fixed() {
        let text = "mac,user\n001122aabbcc,201\n00:11:22:zz:bb:cc,202\n001122aabbcd,201\n001122aabbce,203,extra\n";
        let i = import(text, 0).unwrap();
        assert_eq!(i.rows.len(), 4, "nothing dropped");
        assert!(
            i.notes[0].starts_with("line 5 had more fields"),
            "{:?}",
            i.notes
        );
        let t = table(&i.rows, &sip_report());
        assert_eq!(t.bad(), 2);
        assert!(t.rows[1].problem(Column::Mac).is_some());
        assert!(t.rows[2].problem(Column::User).is_some());
        // Fixed inline, the rows are good.
        let mut rows = i.rows.clone();
        rows[1].set(Column::Mac, "00:11:22:aa:bb:ff".into());
        rows[2].set(Column::User, "204".into());
        let t = table(&rows, &sip_report());
        assert_eq!(t.bad(), 0);
        assert_eq!(t.phones().count(), 4);
    }

    #[test]
    fn a_list_that_cannot_be_read_says_how_to_fix_it() {
        let e = import("user,password\n201,x\n", 0).unwrap_err();
        assert!(e.contains("no `mac` column"), "{e}");
        assert!(import("  \n", 0).unwrap_err().contains("nothing to add"));
        assert!(import(" , ;", 0).unwrap_err().contains("no phone in it"));
        assert!(
            import("mac,user\n", 0)
                .unwrap_err()
                .contains("no phone in it")
        );
        let e = import("mac\n\"001122aabbcc\n", 0).unwrap_err();
        assert!(e.contains("nothing closes it"), "{e}");
        let e = import("001122aabbcc\n001122aabbcd", MAX_ROWS - 1).unwrap_err();
        assert!(e.contains("at most 2000"), "{e}");
        let e = import(&"0".repeat(MAX_CSV + 1), 0).unwrap_err();
        assert!(e.contains("split it"), "{e}");
    }
}
