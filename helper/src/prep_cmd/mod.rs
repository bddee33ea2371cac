//! The prep subcommands: `option150`, `config` and `bundle`.
//!
//! They do from a terminal what the web app does in the browser, with the same
//! code from `lifeline_shared`. Exit status: 0 fine, 1 findings with errors,
//! 2 unusable input (one line on stderr says why).
//!
//! Rooms: [`option150()`] (option 150 in every DHCP server's syntax), [`config()`] (the
//! configuration files, written or checked), [`bundle()`] (a TFTP root as a folder or
//! a zip); `phone_list` reads `--phones` for the last two.

mod bundle;
mod config;
mod option150;
mod phone_list;

pub use bundle::{BundleArgs, bundle};
pub use config::{ConfigArgs, config};
pub use option150::{Option150Args, option150};

use crate::inspect_cmd::{self, Unreadable};
use lifeline_shared::config::mac::Mac;
use lifeline_shared::finding::Finding;
use lifeline_shared::firmware::inspect::Report;
use std::path::Path;
use std::process::ExitCode;

pub(super) fn fail(what: impl std::fmt::Display) -> ExitCode {
    crate::terminal::err_line(&format!("lifeline: error: {what}"));
    ExitCode::from(2)
}

pub(super) fn out(text: &str) {
    crate::terminal::out(text);
}

/// Why `path` (given as `--out`) cannot be written, and what to give instead.
pub(super) fn out_problem(path: &Path, error: &std::io::Error, wants: &str) -> String {
    use std::io::ErrorKind;
    let p = path.display();
    match error.kind() {
        ErrorKind::AlreadyExists | ErrorKind::NotADirectory if path.is_file() => {
            format!("{p} is a file, not a folder; give --out {wants}")
        }
        ErrorKind::NotADirectory => {
            format!("part of {p} is a file, not a folder; give --out {wants}")
        }
        ErrorKind::NotFound => format!(
            "cannot create {p}: a folder above it does not exist or cannot hold folders; \
             give --out {wants} in a folder you can write to"
        ),
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => format!(
            "cannot write {p}: permission denied; give --out {wants} in a folder you can write to"
        ),
        _ => format!("cannot write {p}: {error}; give --out {wants} elsewhere"),
    }
}

/// `n thing` or `n things`.
pub(super) fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

pub(super) fn inspect_firmware(path: &Path) -> Result<Report, ExitCode> {
    inspect_cmd::load(path).map_err(|Unreadable(why)| fail(format!("{}: {why}", path.display())))
}

pub(super) fn print_findings(findings: &[Finding]) {
    out(&inspect_cmd::findings_text(findings));
}

pub(super) fn parse_macs(list: &[String]) -> Result<Vec<(Mac, Option<String>)>, ExitCode> {
    list.iter()
        .flat_map(|s| s.split(','))
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            let (mac, model) = match s.split_once('=') {
                Some((m, model)) => (m, Some(model.trim().to_string())),
                None => (s, None),
            };
            mac.parse::<Mac>().map(|m| (m, model)).map_err(fail)
        })
        .collect()
}
