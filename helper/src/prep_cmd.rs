//! The prep subcommands: `option150`, `config` and `bundle`.
//!
//! They do from a terminal what the web app does in the browser, with the same
//! code from `lifeline_shared`. Exit status: 0 fine, 1 findings with errors,
//! 2 unusable input (one line on stderr says why).

mod phone_list;

use crate::inspect_cmd::{self, Unreadable};
use crate::plan_cmd::{self, Given};
use lifeline_shared::bundle::{self, Phone, Settings};
use lifeline_shared::config::cnf_xml::{self, DefaultSettings, PhoneSettings};
use lifeline_shared::config::mac::Mac;
use lifeline_shared::config::sip79;
use lifeline_shared::dhcp::option150::{self, Server};
use lifeline_shared::finding::{Finding, Severity};
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::firmware::package::{self, InputKind};
use lifeline_shared::models::{FamilyId, Protocol};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `lifeline option150`.
#[derive(Debug, clap::Args)]
pub struct Option150Args {
    /// TFTP server addresses in priority order, comma or space separated.
    #[arg(value_name = "IP[,IP…]", required_unless_present = "decode", num_args = 1..)]
    pub addresses: Vec<String>,
    /// Print only this server's configuration (isc-dhcpd, kea, dnsmasq, openwrt,
    /// cisco-ios, mikrotik, windows-powershell, windows-netsh, pfsense, tftpd32).
    #[arg(long, value_name = "NAME")]
    pub server: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Decode a hex or decimal value someone told you to use (e.g. 0x69AA8C0).
    #[arg(long, value_name = "VALUE", conflicts_with = "addresses")]
    pub decode: Option<String>,
}

fn fail(what: impl std::fmt::Display) -> ExitCode {
    crate::terminal::err_line(&format!("lifeline: error: {what}"));
    ExitCode::from(2)
}

fn out(text: &str) {
    crate::terminal::out(text);
}

/// Why `path` (given as `--out`) cannot be written, and what to give instead.
fn out_problem(path: &Path, error: &std::io::Error, wants: &str) -> String {
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
fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// Runs `lifeline option150`: option 150 for the addresses in every DHCP
/// server's syntax, or a value decoded. Returns the exit status.
pub fn option150(args: &Option150Args) -> ExitCode {
    if let Some(value) = &args.decode {
        return match option150::decode(value) {
            Ok(d) if args.json => {
                out(&(serde_json::to_string_pretty(&d).unwrap_or_default() + "\n"));
                ExitCode::SUCCESS
            }
            Ok(d) => {
                let mut t = format!("{}\n", d.message);
                if d.sends.is_empty() {
                    t.push_str(&format!(
                        "  as a 32-bit number:     {} (0x{:08X})\n",
                        d.value, d.value
                    ));
                    t.push_str(&format!(
                        "  little-endian (tftpd32 x/i): {}\n",
                        d.little_endian
                    ));
                    t.push_str(&format!("  network order:          {}\n", d.network_order));
                } else {
                    // Option 150's own bytes: the addresses are what it sends,
                    // in order; a 32-bit reading of them would mislead.
                    for (i, addr) in d.sends.iter().enumerate() {
                        t.push_str(&format!("  TFTP server {}: {addr}\n", i + 1));
                    }
                }
                out(&t);
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        };
    }
    let list = match option150::parse_list(&args.addresses.join(",")) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    let servers: Vec<Server> = match &args.server {
        Some(name) => match Server::from_id(name) {
            Some(s) => vec![s],
            None => {
                return fail(format!(
                    "`{name}` is not a DHCP server Lifeline knows; use one of: {}",
                    Server::ALL
                        .iter()
                        .map(|s| s.id())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        },
        None => Server::ALL.to_vec(),
    };
    let enc = option150::encode(&list.addresses);
    let snippets: Vec<_> = servers
        .iter()
        .map(|s| option150::snippet(*s, &list.addresses))
        .collect();
    if args.json {
        let v = serde_json::json!({
            "addresses": list.addresses,
            "warnings": list.warnings,
            "wire_hex": enc.wire_hex,
            "network_hex": enc.network_hex,
            "little_endian": enc.little_endian,
            "snippets": snippets,
        });
        out(&(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"));
        return ExitCode::SUCCESS;
    }
    let mut t = String::new();
    for w in &list.warnings {
        crate::terminal::err_line(&format!("lifeline: warning: {}: {}", w.address, w.message));
    }
    t.push_str(&format!(
        "Option 150 for {}\n",
        list.addresses
            .iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    t.push_str(&format!("  on the wire:        {}\n", enc.wire_hex));
    t.push_str(&format!("  hex, network order: {}\n", enc.network_hex));
    for le in &enc.little_endian {
        t.push_str(&format!(
            "  tftpd32 x/i value:  {} = {} (little-endian, for {})\n",
            le.hex, le.decimal, le.address
        ));
    }
    t.push_str("  Option 150 is Cisco's list of TFTP addresses; option 66 is one TFTP server name as text. Send both.\n");
    for s in &snippets {
        t.push_str(&format!("\n== {} — {}\n{}", s.title, s.where_, s.text));
        for n in &s.notes {
            t.push_str(&format!("  note: {n}\n"));
        }
    }
    out(&t);
    ExitCode::SUCCESS
}

/// Arguments of `lifeline config`.
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

fn inspect_firmware(path: &Path) -> Result<Report, ExitCode> {
    inspect_cmd::load(path).map_err(|Unreadable(why)| fail(format!("{}: {why}", path.display())))
}

fn print_findings(findings: &[Finding]) {
    out(&inspect_cmd::findings_text(findings));
}

fn parse_macs(list: &[String]) -> Result<Vec<(Mac, Option<String>)>, ExitCode> {
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

/// Arguments of `lifeline bundle`.
#[derive(Debug, clap::Args)]
pub struct BundleArgs {
    /// The firmware zip (or folder). Several: every package of an upgrade, and
    /// the bundle walks each phone through the plan (`lifeline inspect A B` prints it).
    #[arg(value_name = "ZIP", required = true, num_args = 1..)]
    pub firmware: Vec<PathBuf>,
    /// With several packages: the load to end on (default the newest).
    #[arg(long, value_name = "LOAD")]
    pub target: Option<String>,
    /// With several packages: the load the phones run now (8.0(4),
    /// SCCP41.8-0-4S), or `unknown` (the default): the helper then offers a phone
    /// no load until it knows its start.
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
        Err(why) => {
            crate::terminal::err_line(&format!(
                "lifeline: error: {}. No bundle was written.",
                why.trim_end_matches('.')
            ));
            return ExitCode::from(1);
        }
    };
    let target = planned
        .as_ref()
        .map_or(0, |(plan, _)| plan_cmd::target_of(&given, plan));
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
        Some((plan, start)) => {
            out(&plan_cmd::render(plan, start.as_ref()));
            let start_text = start
                .as_ref()
                .map(|_| args.start.as_deref().unwrap_or_default());
            let read = |i: usize| firmware_files(&given[i].path, &given[i].report);
            match plan_cmd::bundle_of(b, &given, plan, start_text, read) {
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
