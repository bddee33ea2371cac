//! `lifeline bundle`: a TFTP root (firmware, configs, aliases, manifest, and
//! every hop of an upgrade plan) as a folder or a zip.

use super::phone_list;
use super::{count, fail, inspect_firmware, out, out_problem, parse_macs, print_findings};
use crate::inspect_cmd::{self};
use crate::plan_cmd::{self, Given};
use lifeline_shared::bundle::{self, Phone, Settings};
use lifeline_shared::config::cnf_xml::{self};
use lifeline_shared::dhcp::option150::{self};
use lifeline_shared::finding::Severity;
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::firmware::package::{self, InputKind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `lifeline bundle`.
// The field docs are the command's --help, read as written: `SEP<MAC>` is a
// name there, not an HTML tag.
#[allow(rustdoc::invalid_html_tags)]
#[derive(Debug, clap::Args)]
pub struct BundleArgs {
    /// The firmware zip (or folder). Several: every package of an upgrade, and
    /// the bundle walks each phone through the plan (`lifeline inspect A B` prints it).
    #[arg(value_name = "ZIP", required = true, num_args = 1..)]
    pub firmware: Vec<PathBuf>,
    /// With several packages: the load to end on (default the newest).
    #[arg(long, value_name = "LOAD")]
    pub target: Option<String>,
    /// With several packages, or one: the load the phones run now (8.0(4),
    /// SCCP41.8-0-4S), checked against the plan, or `unknown` (the default): the
    /// helper then offers a phone no load until it knows its start. With `unknown`
    /// and no hop in the bundle, every phone is offered the target as it asks, as
    /// without a plan.
    #[arg(long, value_name = "LOAD")]
    pub start: Option<String>,
    /// TFTP server addresses for option 150, in priority order.
    #[arg(long = "tftp-server", value_name = "IP[,IP…]", required = true, num_args = 1..)]
    pub tftp_servers: Vec<String>,
    /// Call-control addresses (default: the first TFTP server).
    #[arg(long = "call-manager", value_name = "IP", num_args = 1.., value_delimiter = ',')]
    pub call_managers: Vec<String>,
    /// Phones to write SEP<MAC>.cnf.xml for, optionally with their model (MAC=7961).
    #[arg(long = "phone", value_name = "MAC[=MODEL]", num_args = 1..)]
    pub phones: Vec<String>,
    /// A phone list, as for `lifeline config --phones`: each phone's file, with its
    /// SIP line on a SIP load (the passwords go only into the phones' files).
    #[arg(long = "phones", value_name = "CSV", conflicts_with = "phones")]
    pub phone_list: Option<PathBuf>,
    /// A folder to write the TFTP root into, or a FILE.zip.
    #[arg(long, value_name = "DIR|FILE.zip")]
    pub out: PathBuf,
    /// Where the firmware lacks the termNN.default.loads a wiped phone asks
    /// for first (Call Manager packages often do), add copies of the load
    /// manifest under those names. Unverified: see the warning it prints.
    #[arg(long)]
    pub make_recovery_manifests: bool,
}

/// No plan can be made of what was given: why (exit status 1).
fn no_plan(why: &str) -> ExitCode {
    crate::terminal::err_line(&format!(
        "lifeline: error: {}. No bundle was written.",
        why.trim_end_matches('.')
    ));
    ExitCode::from(1)
}

/// Runs `lifeline bundle`: a TFTP root (firmware, configs, aliases, manifest)
/// as a folder or a zip. Returns the exit status.
pub fn bundle(args: &BundleArgs) -> ExitCode {
    let tftp = match option150::parse_list(&args.tftp_servers.join(",")) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    for w in &tftp.warnings {
        crate::terminal::err_line(&format!("lifeline: warning: {}: {}", w.address, w.message));
    }
    let call_managers = if args.call_managers.is_empty() {
        vec![tftp.addresses[0].to_string()]
    } else {
        match cnf_xml::parse_call_managers(&args.call_managers.join(",")) {
            Ok(c) => c,
            Err(e) => return fail(e),
        }
    };
    if let Err(why) = plan_cmd::start_is_whole(args.start.as_deref()) {
        return fail(why);
    }
    if let Err(why) = plan_cmd::args_readable(args.start.as_deref(), args.target.as_deref()) {
        return no_plan(&why);
    }
    let mut given = Vec::new();
    for path in &args.firmware {
        match inspect_firmware(path) {
            Ok(report) => given.push(Given {
                path: path.clone(),
                report,
            }),
            Err(code) => return code,
        }
    }
    let planned = match plan_cmd::for_bundle(&given, args.target.as_deref(), args.start.as_deref())
    {
        Ok(p) => p,
        Err(why) => return no_plan(&why),
    };
    let target = planned.as_ref().map_or(0, |p| p.target);
    let report = &given[target].report;
    let firmware_path = &given[target].path;
    let (phones, sip, passwords) = match &args.phone_list {
        Some(path) => match phone_list::read(path, report, &call_managers) {
            Ok(list) => (
                list.entries
                    .iter()
                    .map(|e| Phone {
                        mac: e.mac,
                        model: e.model.clone(),
                    })
                    .collect(),
                list.sip.clone(),
                list.has_passwords(),
            ),
            Err(code) => return code,
        },
        None => match parse_macs(&args.phones) {
            Ok(p) => (
                p.into_iter()
                    .map(|(mac, model)| Phone { mac, model })
                    .collect(),
                Vec::new(),
                false,
            ),
            Err(code) => return code,
        },
    };
    for g in &given {
        if g.report.has_errors() {
            out(&format!(
                "{}: the firmware has errors; no bundle was written.\n",
                g.path.display()
            ));
            print_findings(
                &g.report
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .cloned()
                    .collect::<Vec<_>>(),
            );
            return ExitCode::from(1);
        }
    }
    let firmware = match read_firmware(firmware_path, report) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let settings = Settings {
        tftp_servers: tftp.addresses.clone(),
        call_managers,
        phones,
    };
    let options = bundle::Options {
        recovery_from_load: args.make_recovery_manifests,
    };
    let b = match bundle::build_with_options(report, firmware, &settings, &sip, options) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let b = match &planned {
        None => b,
        Some(p) => {
            out(&plan_cmd::render(&p.plan, p.start.as_ref()));
            let read = |i: usize| firmware_files(&given[i].path, &given[i].report);
            match plan_cmd::bundle_of(b, &given, p, read) {
                Ok(b) => b,
                Err(e) => return fail(e),
            }
        }
    };
    let written = if args
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        b.to_zip()
            .map_err(|e| std::io::Error::other(e.to_string()))
            .and_then(|z| crate::atomic::write_file(&args.out, &z))
    } else {
        crate::atomic::write_bundle_dir(&args.out, &b)
    };
    if let Err(e) = written {
        return fail(out_problem(
            &args.out,
            &e,
            "a new folder, a bundle folder to replace, or FILE.zip",
        ));
    }
    let total: u64 = b.manifest.files.iter().map(|f| f.size).sum();
    let mut t = format!(
        "Bundle {} written to {}\n  load {}, {}, {:.1} MB\n",
        &b.manifest.id[..16],
        args.out.display(),
        b.manifest.load.as_deref().unwrap_or("-"),
        count(b.manifest.files.len() + 1, "file"),
        total as f64 / 1e6
    );
    for a in &b.manifest.aliases {
        let why = if lifeline_shared::firmware::inspect::is_recovery_manifest(&a.name) {
            "a copy for wiped phones, --make-recovery-manifests; unverified"
        } else {
            "the manifest spells it differently"
        };
        t.push_str(&format!("  alias {} -> {} ({why})\n", a.name, a.target));
    }
    let missing = bundle::missing_recovery_manifests(report);
    if !args.make_recovery_manifests && !missing.is_empty() {
        crate::terminal::err_line(&format!(
            "lifeline: warning: no {}: a wiped phone cannot recover from this bundle; `--make-recovery-manifests` adds copies of the load manifest (unverified)",
            missing.join(" or ")
        ));
    }
    t.push_str(&format!(
        "  DHCP option 150 = {} (`lifeline option150 {}` prints every server's syntax)\n",
        option150::encode(&tftp.addresses).network_hex,
        tftp.addresses
            .iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
            .join(",")
    ));
    if passwords {
        t.push_str(&format!(
            "  {}",
            phone_list::password_note(&format!(
                "{} (never in lifeline-bundle.json)",
                args.out.display()
            ))
        ));
    }
    out(&t);
    print_findings(&b.findings);
    ExitCode::SUCCESS
}

fn read_firmware(path: &Path, report: &Report) -> Result<Vec<(String, Vec<u8>)>, ExitCode> {
    firmware_files(path, report).map_err(fail)
}

/// The firmware files of the package at `path`, as `report` read them; or why not.
fn firmware_files(path: &Path, report: &Report) -> Result<Vec<(String, Vec<u8>)>, String> {
    if path.is_dir() {
        let mut files = Vec::new();
        for e in &report.entries {
            let data = std::fs::read(path.join(&e.path))
                .map_err(|err| format!("{}: {}", e.path, inspect_cmd::io_reason(&err)))?;
            files.push((e.name.clone(), data));
        }
        return Ok(files);
    }
    let data = std::fs::read(path)
        .map_err(|e| format!("{}: {}", path.display(), inspect_cmd::io_reason(&e)))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if package::kind_of(&name, &data) != InputKind::Other {
        bundle::firmware_from_archive(&name, &data, report).map_err(|e| e.to_string())
    } else {
        Ok(vec![(
            report
                .entries
                .first()
                .map(|e| e.name.clone())
                .unwrap_or_default(),
            data,
        )])
    }
}
