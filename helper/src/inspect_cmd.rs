//! `lifeline inspect <PATH>… [--json]`: the inspection report in a terminal.
//!
//! PATH is a firmware zip, a Call Manager package (`.cop.sgn`, `.cop`, `.tar.gz`,
//! `.tgz`, `.tar`), a folder of extracted files, or a single file (a `.loads`, say).
//! Several PATHs: each report, then the upgrade plan from them ([`crate::plan_cmd`]).
//! Exit status: 0 no error findings, 1 error findings (or no plan can be made of the
//! packages), 2 an input could not be read at all (one line on stderr says why; with
//! `--json`, stdout also gets `{"error": "…", "path": "…"}`).

use lifeline_shared::finding::Severity;
use lifeline_shared::firmware::archive::Limits;
use lifeline_shared::firmware::inspect::{self, ImageStatus, InputFile, Report};
use lifeline_shared::firmware::package::{self, InputKind};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `lifeline inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// A firmware zip (cmterm-….zip), a Call Manager package (.cop.sgn, .tar.gz), a
    /// folder of extracted files, or one file.
    /// Several: every package of an upgrade (each hop's and the target's), and
    /// the plan from them is printed after the reports.
    #[arg(value_name = "PATH", required = true, num_args = 1..)]
    pub paths: Vec<PathBuf>,
    /// Print the report as one JSON object instead of a table (several PATHs:
    /// `{"reports": […], "plan": …}`).
    #[arg(long)]
    pub json: bool,
    /// With several PATHs: the load to end on (default the newest).
    #[arg(long, value_name = "LOAD")]
    pub target: Option<String>,
    /// With several PATHs: the load the phones run now, to print their way
    /// (8.0(4), SCCP41.8-0-4S, or unknown).
    #[arg(long, value_name = "LOAD")]
    pub start: Option<String>,
}

/// Why the input could not be read at all (exit status 2).
#[derive(Debug)]
pub struct Unreadable(pub String);

/// Runs the command: prints the report (or the reports and the plan) and returns
/// the exit status.
pub fn run(args: &InspectArgs) -> ExitCode {
    match args.paths.as_slice() {
        [one] if args.target.is_none() && args.start.is_none() => run_one(one, args.json),
        _ => run_plan(args),
    }
}

fn unreadable(path: &Path, why: &str, json: bool) -> ExitCode {
    let path = path.display();
    if json {
        // Scripts reading stdout get an object either way.
        let error = serde_json::json!({
            "error": format!("{path}: {why}"),
            "path": path.to_string(),
        });
        crate::terminal::out_line(&error.to_string());
    }
    crate::terminal::err_line(&format!("lifeline: error: {path}: {why}"));
    ExitCode::from(2)
}

fn run_plan(args: &InspectArgs) -> ExitCode {
    use crate::plan_cmd::{self, Given};
    if let Err(why) = plan_cmd::start_is_whole(args.start.as_deref()) {
        if args.json {
            crate::terminal::out_line(&serde_json::json!({ "error": why }).to_string());
        }
        crate::terminal::err_line(&format!("lifeline: error: {why}"));
        return ExitCode::from(2);
    }
    // What was asked of the plan is refused before any report: alone, and
    // before any file is read when no package could make it good.
    let (start, target) = (args.start.as_deref(), args.target.as_deref());
    if let Err(why) = plan_cmd::args_readable(start, target) {
        return refused(&why, args.json);
    }
    let mut given = Vec::new();
    for path in &args.paths {
        match load(path) {
            Ok(report) => given.push(Given {
                path: path.clone(),
                report,
            }),
            Err(Unreadable(why)) => return unreadable(path, &why, args.json),
        }
    }
    let errors = given.iter().any(|g| g.report.has_errors());
    let planned = match plan_cmd::plan_of(&given, target) {
        Ok(plan) => match plan_cmd::start_of(start, &plan) {
            Ok(start) => Ok((plan, start)),
            Err(why) => return refused(&why, args.json),
        },
        // The packages make a plan, but not to that target.
        Err(why) if target.is_some() && plan_cmd::plan_of(&given, None).is_ok() => {
            return refused(&format!("--target {why}"), args.json);
        }
        Err(why) => Err(why),
    };
    if args.json {
        let reports: Vec<serde_json::Value> = given
            .iter()
            .map(|g| serde_json::to_value(&g.report).unwrap_or_default())
            .collect();
        let plan = match &planned {
            Ok((plan, start)) => plan_cmd::to_json(plan, start.as_ref()),
            Err(why) => serde_json::json!({ "error": why }),
        };
        let mut s = serde_json::to_string_pretty(&serde_json::json!({
            "reports": reports,
            "plan": plan,
        }))
        .unwrap_or_default();
        s.push('\n');
        crate::terminal::out(&s);
    } else {
        let mut t = String::new();
        for g in &given {
            t.push_str(&format!("== {}\n", g.path.display()));
            t.push_str(&render(&g.report));
            t.push('\n');
        }
        if let Ok((plan, start)) = &planned {
            t.push_str(&plan_cmd::render(plan, start.as_ref()));
        }
        crate::terminal::out(&t);
    }
    match planned {
        Err(why) => {
            crate::terminal::err_line(&format!("lifeline: error: no upgrade plan: {why}"));
            ExitCode::from(1)
        }
        Ok(_) if errors => ExitCode::from(1),
        Ok(_) => ExitCode::SUCCESS,
    }
}

/// `--start` or `--target` refused (exit status 1, no plan): the error alone, on
/// stdout too with `--json`.
fn refused(why: &str, json: bool) -> ExitCode {
    if json {
        crate::terminal::out_line(&serde_json::json!({ "error": why }).to_string());
    }
    crate::terminal::err_line(&format!("lifeline: error: no upgrade plan: {why}"));
    ExitCode::from(1)
}

fn run_one(path: &Path, json: bool) -> ExitCode {
    match load(path) {
        Ok(report) => {
            let out = if json {
                let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
                s.push('\n');
                s
            } else {
                render(&report)
            };
            // A closed pipe (`| head`) is not an error worth a panic.
            crate::terminal::out(&out);
            if report.has_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(Unreadable(why)) => unreadable(path, &why, json),
    }
}

/// Reads PATH and inspects it.
pub fn load(path: &Path) -> Result<Report, Unreadable> {
    let meta = std::fs::metadata(path).map_err(|e| Unreadable(io_reason(&e)))?;
    let source = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let limits = Limits::default();
    if meta.is_dir() {
        let mut files = Vec::new();
        read_dir(path, path, &limits, &mut files)?;
        if files.is_empty() {
            return Err(Unreadable("the folder has no files".into()));
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));
        return Ok(inspect::inspect_files_with(&source, &files, &limits));
    }
    if meta.len() > limits.max_total_size {
        return Err(Unreadable(format!(
            "the file is {} bytes, far larger than any phone firmware",
            meta.len()
        )));
    }
    let data = std::fs::read(path).map_err(|e| Unreadable(io_reason(&e)))?;
    match package::kind_of(&source, &data) {
        InputKind::Zip => inspect::inspect_zip_with(&source, &data, &limits)
            .map_err(|e| Unreadable(e.to_string())),
        InputKind::Package(_) => inspect::inspect_package_with(&source, &data, &limits)
            .map_err(|e| Unreadable(e.to_string())),
        InputKind::Other => Ok(inspect::inspect_files_with(
            &source,
            &[InputFile {
                name: source.clone(),
                data,
            }],
            &limits,
        )),
    }
}

/// Why a file could not be read, in words, with what to check.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "not found: check the path".into(),
        std::io::ErrorKind::PermissionDenied => {
            "permission denied: check the file's permissions".into()
        }
        _ => e.to_string(),
    }
}

fn read_dir(
    root: &Path,
    dir: &Path,
    limits: &Limits,
    out: &mut Vec<InputFile>,
) -> Result<(), Unreadable> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Unreadable(format!("{}: {}", dir.display(), io_reason(&e))))?;
    for entry in entries {
        let entry = entry.map_err(|e| Unreadable(io_reason(&e)))?;
        let path = entry.path();
        // Symlinks are not followed: a link could lead anywhere on the disk.
        let ft = entry.file_type().map_err(|e| Unreadable(io_reason(&e)))?;
        if ft.is_dir() {
            read_dir(root, &path, limits, out)?;
        } else if ft.is_file() {
            if out.len() >= limits.max_entries {
                return Err(Unreadable(format!(
                    "the folder holds more than {} files; point at the folder with the firmware only",
                    limits.max_entries
                )));
            }
            let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
            if len > limits.max_entry_size {
                return Err(Unreadable(format!(
                    "{} is {len} bytes, larger than any firmware file; point at the folder with the firmware only",
                    path.display()
                )));
            }
            let data = std::fs::read(&path)
                .map_err(|e| Unreadable(format!("{}: {}", path.display(), io_reason(&e))))?;
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push(InputFile { name, data });
        }
    }
    Ok(())
}

fn size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else if bytes >= 1000 {
        format!("{:.1} kB", bytes as f64 / 1e3)
    } else {
        format!("{bytes} B")
    }
}

/// Findings as indented lines: severity, code, subject, then the message and the fix.
pub fn findings_text(findings: &[lifeline_shared::finding::Finding]) -> String {
    let mut o = String::new();
    for f in findings {
        let tag = match f.severity {
            Severity::Error => "ERROR",
            Severity::Warning => "WARN ",
            Severity::Info => "INFO ",
        };
        let _ = writeln!(o, "  {tag} [{}] {}", f.code, f.subject);
        let _ = writeln!(o, "        {}", f.message);
        let _ = writeln!(o, "        fix: {}", f.fix);
    }
    o
}

/// The report as a readable table.
pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let dash = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let _ = writeln!(o, "Firmware: {}", r.source);
    let _ = writeln!(o, "  Load      {}", dash(r.load.clone()));
    let _ = writeln!(o, "  Family    {}", dash(r.family_name.clone()));
    let _ = writeln!(o, "  Protocol  {}", dash(r.protocol.map(|p| p.to_string())));
    let _ = writeln!(o, "  Build     {}", dash(r.build.clone()));
    if let Some(f) = r.family.map(lifeline_shared::models::family)
        && f.http_first()
    {
        let _ = writeln!(
            o,
            "  Fetches   over HTTP on port {} of the TFTP server first, then TFTP",
            lifeline_shared::models::PROVISION_HTTP_PORT
        );
    }
    if r.models.is_empty() {
        let _ = writeln!(o, "  Models    -");
    }
    for (i, m) in r.models.iter().enumerate() {
        let recovery = match &m.recovery_manifest {
            Some(name) if m.recovery_manifest_present => format!("recovers with {name}"),
            Some(name) => format!("{name} MISSING"),
            None => "no TFTP recovery manifest".into(),
        };
        let _ = writeln!(
            o,
            "  {:<9} {:<9} device id {:<6} {recovery}",
            if i == 0 { "Models" } else { "" },
            m.model,
            m.device_id
        );
    }

    if let Some(p) = &r.package {
        let _ = writeln!(o, "\nPackage {}", p.format.name());
        let mut facts = Vec::new();
        if let Some(e) = &p.embedded_name {
            facts.push(format!("signed name {e}"));
        }
        if let Some(s) = &p.signer {
            facts.push(format!("signer {s}"));
        }
        if let Some(h) = p.header_len {
            facts.push(format!("header {h} bytes"));
        }
        if let Some(a) = p.hash_algorithm {
            facts.push(a.name());
        }
        if !facts.is_empty() {
            let _ = writeln!(o, "  {}", facts.join(", "));
        }
        let found = match p.found {
            package::TarFound::HeaderLength => "where the header length points",
            package::TarFound::Search => "by searching (the header length does not point at it)",
            package::TarFound::Start => "at the start",
        };
        let _ = writeln!(o, "  tar at byte {}, found {found}", p.tar_offset);
        if let Some(s) = &p.install_script {
            let _ = writeln!(o, "  install script {s} (for Call Manager; not served)");
        }
    }
    if !r.load_lists.is_empty() {
        let _ = writeln!(
            o,
            "\nLoad lists (which load Call Manager gives each device type)"
        );
    }
    for l in &r.load_lists {
        let _ = writeln!(
            o,
            "  {:<14} device id {:<6} {:<9} {}{}",
            l.name,
            l.device_id,
            l.model.as_deref().unwrap_or("?"),
            l.load,
            if l.agrees { "" } else { "  DISAGREES" }
        );
    }

    let _ = writeln!(
        o,
        "\nEntries: {} file{}, {}",
        r.entries.len(),
        if r.entries.len() == 1 { "" } else { "s" },
        size(r.total_size)
    );
    let w = r
        .entries
        .iter()
        .map(|e| e.path.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(
        o,
        "  {:<w$}  {:>10}  {:<8}  {:<8}  {:<3}  ROLE",
        "NAME", "SIZE", "METHOD", "CRC-32", "OK"
    );
    for e in &r.entries {
        let ok = match e.crc_ok {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "-",
        };
        let role = serde_json::to_value(e.role)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "  {:<w$}  {:>10}  {:<8}  {:<8}  {:<3}  {role}",
            e.path, e.size, e.method, e.crc32, ok
        );
    }

    for m in &r.manifests {
        let _ = writeln!(
            o,
            "\nManifest {}{}",
            m.name,
            if m.recovery { " (recovery)" } else { "" }
        );
        let mut facts = Vec::new();
        if let Some(e) = &m.embedded_name {
            facts.push(format!("signed name {e}"));
        }
        if let Some(h) = m.header_len {
            facts.push(format!("header {h} bytes"));
        }
        if let Some(a) = m.hash_algorithm {
            facts.push(a.name());
        }
        if let Some(b) = &m.build {
            facts.push(format!("images build {b}"));
        }
        if let Some(h) = m.hardware_comp {
            facts.push(format!("HARDWARE_COMP_1 {h}"));
        }
        if let Some(l) = &m.la_version {
            facts.push(format!("LA_VERSION {l}"));
        }
        if !facts.is_empty() {
            let _ = writeln!(o, "  {}", facts.join(", "));
        }
        for (i, img) in m.images.iter().enumerate() {
            let status = match img.status {
                ImageStatus::Present => "present".to_string(),
                ImageStatus::CaseMismatch => {
                    format!("present as {}", img.entry.as_deref().unwrap_or("?"))
                }
                ImageStatus::Missing => "MISSING".into(),
                ImageStatus::OptionalMissing => "absent (optional)".into(),
            };
            let _ = writeln!(o, "  {:>2}. {:<32} {status}", i + 1, img.name);
        }
    }

    let t = r.tally;
    let _ = writeln!(
        o,
        "\nFindings: {} error{}, {} warning{}, {} info",
        t.errors,
        if t.errors == 1 { "" } else { "s" },
        t.warnings,
        if t.warnings == 1 { "" } else { "s" },
        t.infos
    );
    o.push_str(&findings_text(&r.findings));
    if t.errors == 0 && t.warnings == 0 {
        let _ = writeln!(o, "  Ready to serve.");
    }
    o
}
