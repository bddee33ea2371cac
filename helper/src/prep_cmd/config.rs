//! `lifeline config`: the configuration files of a firmware and its phones
//! written, or existing ones checked.

use super::phone_list;
use super::{count, fail, inspect_firmware, out, out_problem, parse_macs, print_findings};
use crate::inspect_cmd::{self};
use lifeline_shared::config::cnf_xml::{self, DefaultSettings, PhoneSettings};
use lifeline_shared::config::mac::Mac;
use lifeline_shared::config::sip79;
use lifeline_shared::finding::Severity;
use lifeline_shared::models::{FamilyId, Protocol};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `lifeline config`.
// The field docs are the command's --help, read as written: `SEP<MAC>` is a
// name there, not an HTML tag.
#[allow(rustdoc::invalid_html_tags)]
#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// The firmware zip (or folder) the configuration is for.
    #[arg(long, value_name = "ZIP", required_unless_present = "check")]
    pub firmware: Option<PathBuf>,
    /// Call-control addresses (PBX / Call Manager), in priority order (up to 5).
    #[arg(long = "call-manager", value_name = "IP", num_args = 1.., value_delimiter = ',')]
    pub call_managers: Vec<String>,
    /// Phones to write SEP<MAC>.cnf.xml for (and SIP<MAC>.cnf, for a 7940/7960 SIP load).
    #[arg(long = "phone", value_name = "MAC", num_args = 1..)]
    pub phones: Vec<String>,
    /// A phone list (CSV with a header row: mac, and any of model, protocol, user,
    /// auth_name, password, display_name, proxy, port, label): each phone's file, with
    /// its SIP line on a SIP load.
    #[arg(long = "phones", value_name = "CSV", conflicts_with_all = ["phones", "check"])]
    pub phone_list: Option<PathBuf>,
    /// Where to write the files.
    #[arg(long, value_name = "DIR", required_unless_present = "check")]
    pub out: Option<PathBuf>,
    /// Check existing files instead: .cnf.xml, a 7940/7960's .cnf and OS79XX.TXT (with
    /// --firmware, also that they name its load or image).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub check: Vec<PathBuf>,
}

/// Runs `lifeline config`: writes `XMLDefault.cnf.xml` and `SEP<MAC>.cnf.xml` (and for a
/// 7940/7960 load `OS79XX.TXT`, for its SIP load `SIPDefault.cnf`, `SIP<MAC>.cnf`,
/// `dialplan.xml`, `RINGLIST.DAT`), or checks existing ones. Returns the exit status.
pub fn config(args: &ConfigArgs) -> ExitCode {
    if !args.check.is_empty() {
        // The loads a .cnf.xml may name, and the images a 7940/7960 file may.
        let (loads, images): (Option<Vec<String>>, Option<Vec<String>>) = match &args.firmware {
            Some(fw) => match inspect_firmware(fw) {
                Ok(r) => (
                    Some(r.load.clone().into_iter().collect()),
                    Some(sip79::image_name(&r).into_iter().collect()),
                ),
                Err(code) => return code,
            },
            None => (None, None),
        };
        let mut errors = 0;
        for path in &args.check {
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => {
                    return fail(format!(
                        "{}: {}",
                        path.display(),
                        inspect_cmd::io_reason(&e)
                    ));
                }
            };
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            let lower = name.to_ascii_lowercase();
            let findings = if lower == "os79xx.txt" {
                sip79::check_os79xx(&name, &bytes, images.as_deref())
            } else if lower.ends_with(".cnf") {
                sip79::check(&name, &text, images.as_deref())
            } else {
                cnf_xml::check(&name, &text, loads.as_deref())
            };
            errors += findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count();
            out(&format!(
                "{}: {}\n",
                path.display(),
                if findings.is_empty() {
                    "ok"
                } else {
                    "problems found"
                }
            ));
            print_findings(&findings);
        }
        return if errors > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        };
    }
    let (Some(fw), Some(dir)) = (&args.firmware, &args.out) else {
        return fail("give --firmware ZIP and --out DIR (or --check FILE…)");
    };
    let report = match inspect_firmware(fw) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let Some(load) = report.load.clone() else {
        return fail(format!(
            "{}: the firmware has no load manifest to name in XMLDefault.cnf.xml",
            fw.display()
        ));
    };
    let protocol = report.protocol.unwrap_or(Protocol::Sccp);
    let call_managers = match cnf_xml::parse_call_managers(&args.call_managers.join(",")) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let (phones, sip) = match &args.phone_list {
        Some(path) => match phone_list::read(path, &report, &call_managers) {
            Ok(list) => {
                let phones: Vec<(Mac, Option<String>)> = list
                    .entries
                    .iter()
                    .map(|e| (e.mac, e.model.clone()))
                    .collect();
                (phones, list.sip)
            }
            Err(code) => return code,
        },
        None => match parse_macs(&args.phones) {
            Ok(p) => (p, Vec::new()),
            Err(code) => return code,
        },
    };
    let mut files = Vec::new();
    let xml = cnf_xml::xml_default(&DefaultSettings {
        load: load.clone(),
        protocol,
        models: cnf_xml::ModelLoad::all_of(&report),
        call_managers: call_managers.clone(),
    });
    match xml {
        Ok(x) => files.push(("XMLDefault.cnf.xml".to_string(), x)),
        Err(e) => return fail(e),
    }
    let mut findings = Vec::new();
    for (mac, _) in &phones {
        match cnf_xml::sep_cnf(&PhoneSettings {
            mac: *mac,
            protocol,
            load: load.clone(),
            call_managers: call_managers.clone(),
            // A 7940/7960's SIP image reads its lines from SIP<MAC>.cnf; its
            // .cnf.xml carries no second copy of the password.
            sip: sip
                .iter()
                .find(|(m, _)| m == mac && report.family != Some(FamilyId::F7940_7960))
                .map(|(_, s)| s.clone()),
        }) {
            Ok((x, f)) => {
                findings.extend(f);
                files.push((cnf_xml::sep_file_name(mac), x));
            }
            Err(e) => return fail(e),
        }
    }
    if protocol == Protocol::Sip && report.family != Some(FamilyId::F7940_7960) && !sip.is_empty() {
        // What each sipProfile's dialTemplate names.
        files.push((cnf_xml::DIALPLAN.to_string(), sip79::dialplan_xml()));
    }
    let macs: Vec<Mac> = phones.iter().map(|(m, _)| *m).collect();
    match sip79::files_for(&report, &call_managers[0], &macs, &sip) {
        Ok((f, w)) => {
            files.extend(f);
            findings.extend(w);
        }
        Err(e) => return fail(e),
    }
    const WANTS: &str = "a folder (new, or one to add the files to)";
    if let Err(e) = std::fs::create_dir_all(dir) {
        return fail(out_problem(dir, &e, WANTS));
    }
    for (name, text) in &files {
        if let Err(e) = crate::atomic::write_file(&dir.join(name), text.as_bytes()) {
            return fail(out_problem(&dir.join(name), &e, WANTS));
        }
        out(&format!("wrote {}\n", dir.join(name).display()));
    }
    if sip
        .iter()
        .any(|(_, s)| s.lines.iter().any(|l| !l.auth_password.is_empty()))
    {
        out(&phone_list::password_note(&dir.display().to_string()));
    }
    print_findings(&findings);
    if report.has_errors() {
        out(&format!(
            "note: the firmware has {}; run `lifeline inspect {}`\n",
            count(report.tally.errors, "error finding"),
            fw.display()
        ));
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
