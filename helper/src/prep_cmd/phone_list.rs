//! `--phones FILE` of `config` and `bundle`: the phone list read from disk and
//! checked against the firmware, before anything is written.

use super::fail;
use lifeline_shared::config::cnf_xml::SipSettings;
use lifeline_shared::config::mac::Mac;
use lifeline_shared::config::phones::{self, MAX_CSV, PhoneEntry, Target};
use lifeline_shared::firmware::inspect::Report;
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

/// The phones of a list, and the SIP profile of each that has one.
pub(super) struct Phones {
    pub entries: Vec<PhoneEntry>,
    pub sip: Vec<(Mac, SipSettings)>,
}

impl Phones {
    /// Whether any phone's file will hold a password.
    pub fn has_passwords(&self) -> bool {
        self.sip
            .iter()
            .any(|(_, s)| s.lines.iter().any(|l| !l.auth_password.is_empty()))
    }
}

/// Reads `path` and checks every row for `report`'s firmware. Notes go to
/// stderr; a bad row is an error (each printed with its line and column), exit 2.
pub(super) fn read(
    path: &Path,
    report: &Report,
    call_managers: &[String],
) -> Result<Phones, ExitCode> {
    let p = path.display();
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CSV as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| fail(format!("{p}: {}", crate::inspect_cmd::io_reason(&e))))?;
    if bytes.len() > MAX_CSV {
        return Err(fail(format!(
            "{p}: the phone list is over {MAX_CSV} bytes; split it"
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "{p}: byte {} is not UTF-8 text; save the list as \"CSV UTF-8\"",
            e.utf8_error().valid_up_to() + 1
        ))
    })?;
    let target = Target::of(report);
    let list = phones::parse(&text, &target).map_err(|e| fail(format!("{p}: {e}")))?;
    for n in &list.notes {
        crate::terminal::err_line(&format!("lifeline: note: {p}: {n}"));
    }
    if !list.problems.is_empty() {
        for problem in &list.problems {
            crate::terminal::err_line(&format!("lifeline: error: {p}: {problem}"));
        }
        let rows = {
            let mut lines: Vec<usize> = list.problems.iter().map(|x| x.line).collect();
            lines.dedup();
            lines.len()
        };
        return Err(fail(format!(
            "{p}: {} bad; nothing was written. Fix {} and run again.",
            if rows == 1 {
                "1 row is".to_string()
            } else {
                format!("{rows} rows are")
            },
            if rows == 1 { "it" } else { "them" }
        )));
    }
    let sip = list
        .phones
        .iter()
        .filter_map(|e| e.sip_settings(&target, call_managers).map(|s| (e.mac, s)))
        .collect();
    Ok(Phones {
        entries: list.phones,
        sip,
    })
}

/// Where the passwords went, said once.
pub(super) fn password_note(where_: &str) -> String {
    format!(
        "note: the SIP passwords are in the phones' files in {where_}. Phones fetch their configuration unauthenticated over TFTP (and HTTP), so anyone on the LAN who can reach the TFTP root can read them; that is how these phones work. Use passwords for these phones only.\n"
    )
}
