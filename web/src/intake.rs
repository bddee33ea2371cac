//! What to do with the files a person chose or dropped: check the selection before
//! reading it, pick the inspection (a zip, a Call Manager package, or loose files), and
//! keep the bytes for the bundle; where the firmware job is ([`Phase`]) and, when it failed, why.
//!
//! Pure: the browser side ([`crate::browser`]) reads the bytes and calls in here.
//!
//! Invariant: a failure always becomes an [`Unusable`] that says what is wrong
//! and how to fix it; raw browser or archive messages never stand alone.

use std::rc::Rc;

use lifeline_shared::bundle::{self, BundleError};
use lifeline_shared::firmware::archive::ArchiveError;
use lifeline_shared::firmware::inspect::{
    InputError, InputFile, Report, inspect_files, inspect_package, inspect_zip,
};
use lifeline_shared::firmware::package::{self, InputKind, PackageError};
use lifeline_shared::plan::{Load, Plan, PlanError};

use crate::format;

/// The most the browser reads in one go. Cisco phone firmware zips are well under
/// 100 MB; anything near this is something else, and reading it would only stall
/// the tab.
pub const MAX_INPUT: u64 = 512 << 20;

/// A file as chosen, before it is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chosen {
    pub name: String,
    /// Its size in bytes, as the browser reports it.
    pub size: u64,
}

/// A selection that may be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    /// What to call it: the file's name, or `8 files`.
    pub label: String,
    /// How many files.
    pub files: usize,
    /// Their total size.
    pub size: u64,
}

/// Why a selection was not read, or could not be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadFailure {
    /// The drop or the picker held no files (a link or text was dropped).
    NoFiles,
    /// A folder was dropped (reading folders is not supported).
    Folder {
        /// The folder's name.
        name: String,
    },
    /// Too large to be phone firmware.
    TooLarge {
        /// The selection's label.
        name: String,
        size: u64,
    },
    /// The browser could not read a file.
    Unreadable {
        /// The file's name.
        name: String,
        /// The DOMException name, e.g. `NotReadableError` (may be empty).
        kind: String,
        /// The browser's message (may be empty).
        message: String,
    },
}

/// Checks a selection before anything is read.
pub fn check_selection(chosen: &[Chosen]) -> Result<Selection, ReadFailure> {
    let size = chosen.iter().map(|c| c.size).sum::<u64>();
    let label = match chosen {
        [] => return Err(ReadFailure::NoFiles),
        [one] => one.name.clone(),
        many => format!("{} files", many.len()),
    };
    if size > MAX_INPUT {
        return Err(ReadFailure::TooLarge { name: label, size });
    }
    Ok(Selection {
        label,
        files: chosen.len(),
        size,
    })
}

/// What a lone file is to be read as: a zip or a Call Manager package (`.cop.sgn`,
/// `.tar.gz`, `.tar`), by its first bytes or its name; anything else is a loose file.
pub fn archive_kind(name: &str, data: &[u8]) -> InputKind {
    package::kind_of(name, data)
}

/// The firmware as read, kept after the inspection so the bundle can be built
/// from the same bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct Firmware {
    /// Whether [`Firmware::files`] is one archive, a zip or a package (otherwise: loose
    /// files).
    pub archive: bool,
    /// What was read, sorted by name when they are loose files.
    pub files: Vec<InputFile>,
}

impl Firmware {
    /// The firmware files a bundle takes, by name: read out of the archive again, or
    /// the loose files themselves.
    pub fn bundle_files(&self, report: &Report) -> Result<Vec<(String, Vec<u8>)>, BundleError> {
        match (self.archive, self.files.as_slice()) {
            (true, [one]) => bundle::firmware_from_archive(&one.name, &one.data, report),
            _ => Ok(self
                .files
                .iter()
                .map(|f| (f.name.clone(), f.data.clone()))
                .collect()),
        }
    }
}

/// Inspects what was read: one zip with [`inspect_zip`], one package with
/// [`inspect_package`] (its files inflated once, straight into the inspection); anything
/// else (several files, or one lone `.loads`) with [`inspect_files`]. The bytes come back
/// with the report.
pub fn inspect(label: &str, mut files: Vec<InputFile>) -> Result<(Report, Firmware), InputError> {
    if let [one] = files.as_slice() {
        let report = match archive_kind(&one.name, &one.data) {
            InputKind::Zip => Some(inspect_zip(&one.name, &one.data)?),
            InputKind::Package(_) => Some(inspect_package(&one.name, &one.data)?),
            InputKind::Other => None,
        };
        if let Some(report) = report {
            return Ok((
                report,
                Firmware {
                    archive: true,
                    files,
                },
            ));
        }
    }
    lifeline_shared::sort::sort_by(&mut files, |a, b| a.name.cmp(&b.name));
    let report = inspect_files(label, &files);
    Ok((
        report,
        Firmware {
            archive: false,
            files,
        },
    ))
}

/// Whether `files` are packages (one, or several dropped together, each a zip or a
/// Call Manager package): each is then inspected on its own ([`inspect_packages`]).
/// Loose files (a `.loads` and its images) stay one firmware, as before.
pub fn are_packages(files: &[InputFile]) -> bool {
    !files.is_empty()
        && files
            .iter()
            .all(|f| archive_kind(&f.name, &f.data) != InputKind::Other)
}

/// One package of several dropped together.
#[derive(Debug, PartialEq)]
pub struct Package {
    /// The file's name.
    pub name: String,
    /// Its report and bytes, or why it could not be opened.
    pub read: Result<(Rc<Report>, Rc<Firmware>), Unusable>,
}

impl Package {
    /// Its report, when it could be opened.
    pub fn report(&self) -> Option<&Rc<Report>> {
        self.read.as_ref().ok().map(|(r, _)| r)
    }
}

/// Several packages dropped together, in the order given, each inspected with the
/// same shared code as one.
#[derive(Debug, PartialEq)]
pub struct Packages {
    pub list: Vec<Package>,
}

impl Packages {
    /// Why package `i` is left out of the plan, in words (`it has 2 errors; …`), or
    /// `None` when the plan takes its load.
    pub fn left_out(&self, i: usize) -> Option<String> {
        let report = match &self.list[i].read {
            Err(u) => return Some(format!("it could not be read: {}", u.title)),
            Ok((report, _)) => report,
        };
        let errors = report.tally.errors;
        if errors > 0 {
            return Some(format!(
                "it has {}; see its findings",
                format::count(errors, "error", "errors")
            ));
        }
        let Some(name) = report.load.as_deref() else {
            return Some(
                "it holds no load manifest (.loads), so Lifeline cannot tell which load it is"
                    .into(),
            );
        };
        if Load::of_name(name).is_none() {
            return Some(format!(
                "Lifeline cannot read the release in its load name `{name}`"
            ));
        }
        let same = self.list[..i].iter().enumerate().find(|(j, p)| {
            p.report()
                .and_then(|r| r.load.as_deref())
                .is_some_and(|l| l.eq_ignore_ascii_case(name))
                && self.left_out(*j).is_none()
        });
        same.map(|(_, p)| format!("it holds the same load as `{}`", p.name))
    }

    /// The loads the plan takes: each package's that is not left out.
    pub fn loads(&self) -> Vec<Load> {
        let mut out = Vec::new();
        for i in 0..self.list.len() {
            if self.left_out(i).is_none()
                && let Some(load) = self.list[i]
                    .report()
                    .and_then(|r| r.load.as_deref())
                    .and_then(Load::of_name)
            {
                out.push(load);
            }
        }
        out
    }

    /// The plan of their loads towards `target` (a load name; `None`: the newest).
    pub fn plan(&self, target: Option<&str>) -> Result<Plan, PlanError> {
        Plan::new(&self.loads(), target)
    }

    /// The report and bytes of the package that holds load `name` and is not left out.
    pub fn of_load(&self, name: &str) -> Option<(&Rc<Report>, &Rc<Firmware>)> {
        (0..self.list.len())
            .filter(|&i| self.left_out(i).is_none())
            .find_map(|i| match &self.list[i].read {
                Ok((r, f))
                    if r.load
                        .as_deref()
                        .is_some_and(|l| l.eq_ignore_ascii_case(name)) =>
                {
                    Some((r, f))
                }
                _ => None,
            })
    }
}

/// What [`inspect_packages`] gives: the report and bytes shown and bundled first,
/// and every package.
pub type Inspected = (Rc<Report>, Rc<Firmware>, Packages);

/// Inspects several packages, each on its own ([`inspect`]): the report and bytes the
/// page shows and bundles first (the plan's target: the newest load, else the first
/// package that could be read) and every package. When none could be read at all, the
/// first one's name and error.
pub fn inspect_packages(files: Vec<InputFile>) -> Result<Inspected, (String, InputError)> {
    let mut list = Vec::with_capacity(files.len());
    let mut first_error = None;
    for file in files {
        let name = file.name.clone();
        let read = match inspect(&name, vec![file]) {
            Ok((report, firmware)) => Ok((Rc::new(report), Rc::new(firmware))),
            Err(error) => {
                let unusable = Unusable::from_archive(&name, &error);
                first_error.get_or_insert((name.clone(), error));
                Err(unusable)
            }
        };
        list.push(Package { name, read });
    }
    let packages = Packages { list };
    let target = packages
        .plan(None)
        .ok()
        .and_then(|p| packages.of_load(&p.target.name))
        .or_else(|| {
            packages
                .list
                .iter()
                .find_map(|p| p.read.as_ref().ok().map(|(r, f)| (r, f)))
        })
        .map(|(r, f)| (r.clone(), f.clone()));
    match (target, first_error) {
        (Some((report, firmware)), _) => Ok((report, firmware, packages)),
        (None, Some(error)) => Err(error),
        (None, None) => Err((String::new(), InputError::Zip(ArchiveError::Empty))),
    }
}

/// Where the firmware step is.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Phase {
    /// Nothing chosen yet (or started over).
    #[default]
    Idle,
    /// The browser is reading the chosen files.
    Reading {
        /// The file's name, or `8 files`.
        name: String,
        /// How many files.
        files: usize,
        /// How many are read.
        done: usize,
        /// Their total size.
        size: u64,
    },
    /// The files are read; the inspection runs.
    Checking {
        /// The file's name, or `8 files`.
        name: String,
        /// Their total size.
        size: u64,
    },
    /// The report is ready.
    Inspected {
        /// The report shown and bundled (of several packages: the plan's target's).
        report: Rc<Report>,
        /// How long the inspection took, in milliseconds.
        millis: f64,
        /// The bytes, for the bundle.
        firmware: Rc<Firmware>,
        /// Every package, when packages were dropped (one or several zips or Call
        /// Manager packages); `None` for loose files.
        packages: Option<Rc<Packages>>,
    },
    /// The input could not be read or opened at all.
    Failed(Unusable),
}

/// Why nothing could be inspected, in plain words with one fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unusable {
    /// The headline: what is wrong (names in backticks).
    pub title: String,
    /// The cause, in plain words.
    pub detail: String,
    /// What to do.
    pub fix: String,
    /// The browser's own words, when it gave any.
    pub raw: Option<String>,
}

impl Unusable {
    /// The problem for a selection that could not be read.
    pub fn from_read(failure: &ReadFailure) -> Unusable {
        match failure {
            ReadFailure::NoFiles => Unusable {
                title: "Nothing to inspect".into(),
                detail: "What was dropped held no files (perhaps a link or some text).".into(),
                fix: "Drop the firmware zip itself, or press Choose file and pick it.".into(),
                raw: None,
            },
            ReadFailure::Folder { name } => Unusable {
                title: format!("`{name}` is a folder"),
                detail: "Lifeline reads files, not folders.".into(),
                fix: "Open the folder and drop the files inside it (select them all with Ctrl+A, or ⌘A on a Mac), or press Choose file and select them there. Or drop the firmware zip itself.".into(),
                raw: None,
            },
            ReadFailure::TooLarge { name, size } => Unusable {
                title: format!("`{name}` is too large to be phone firmware"),
                detail: format!(
                    "It is {}; Lifeline reads up to {}, and Cisco phone firmware zips are under 100 MB.",
                    format::size(*size),
                    format::size(MAX_INPUT)
                ),
                fix: "Check that you chose the phone firmware zip (cmterm-….zip), not a disk image or a Call Manager bundle.".into(),
                raw: None,
            },
            ReadFailure::Unreadable { name, kind, message } => Unusable {
                title: format!("`{name}` could not be read"),
                detail: match kind.as_str() {
                    "NotFoundError" => {
                        "The browser no longer finds it: it was moved, renamed or deleted after it was chosen."
                    }
                    "NotReadableError" => {
                        "The browser was not allowed to read it. A folder gives this error, and so does a file that is locked by another program or that you may not read."
                    }
                    "SecurityError" => "The browser refused to read it for security reasons.",
                    _ => "The browser could not read it.",
                }
                .into(),
                fix: "If it is a folder, open it and choose (or drop) the files inside. Otherwise check that the file is still there and readable, then choose it again.".into(),
                raw: match (kind.is_empty(), message.is_empty()) {
                    (true, true) => None,
                    (false, true) => Some(kind.clone()),
                    (true, false) => Some(message.clone()),
                    (false, false) => Some(format!("{kind}: {message}")),
                },
            },
        }
    }

    /// The problem for an input that is not a readable zip or package.
    pub fn from_archive(name: &str, error: &InputError) -> Unusable {
        match error {
            InputError::Zip(e) => Unusable::from_zip(name, e),
            InputError::Package(e) => Unusable::from_package(name, e),
            _ => Unusable {
                title: format!("`{name}` could not be opened"),
                detail: format::sentence(&error.to_string()),
                fix: "Download the firmware again, or choose its .loads and .sbn files together instead.".into(),
                raw: None,
            },
        }
    }

    /// The problem for an input that is not a readable zip.
    fn from_zip(name: &str, error: &ArchiveError) -> Unusable {
        let detail = match error {
            ArchiveError::NotAZip { hint } => match hint.trim_start_matches([' ', '—']) {
                "" => "Lifeline found no zip directory in it, so it is some other kind of file that was given a .zip name.".to_string(),
                hint => format::sentence(hint),
            },
            other => format::sentence(&other.to_string()),
        };
        let (title, fix) = match error {
            ArchiveError::NotAZip { .. } => (
                format!("`{name}` is not a zip file"),
                "Choose the firmware zip as downloaded from Cisco, for example cmterm-7941_7961-sccp.8-3-3.zip. If the browser saved an error page instead, download it again. If you have already unpacked the zip, choose its .loads and .sbn files together instead.",
            ),
            ArchiveError::Truncated { .. } => (
                format!("`{name}` is damaged or incomplete"),
                "The download was probably cut short. Download the zip again, let it finish, and check that its size matches the one on the download page.",
            ),
            ArchiveError::Empty => (
                format!("`{name}` is empty"),
                "The file has no content. Download the firmware zip again.",
            ),
            _ => (
                format!("`{name}` could not be opened"),
                "Download the firmware zip again, or choose its .loads and .sbn files together instead.",
            ),
        };
        Unusable {
            title,
            detail,
            fix: fix.into(),
            raw: None,
        }
    }

    /// The problem for a Call Manager package (or tar) that cannot be read.
    fn from_package(name: &str, error: &PackageError) -> Unusable {
        let (title, fix) = match error {
            PackageError::Empty => (
                format!("`{name}` is empty"),
                "The file has no content. Download the package again.",
            ),
            PackageError::NoTar { .. } => (
                format!("`{name}` is not a Call Manager package"),
                "Choose the .cop.sgn as downloaded from Cisco, or the firmware zip (cmterm-….zip). If this is a single .loads or image file, choose it together with the other files of its load.",
            ),
            PackageError::Gzip { .. } | PackageError::Tar { .. } => (
                format!("`{name}` is damaged or incomplete"),
                "The download was probably cut short. Download the package again, let it finish, and check that its size matches the one on the download page.",
            ),
            PackageError::TooLarge { .. } | PackageError::Ratio { .. } => (
                format!("`{name}` is too large to be phone firmware"),
                "Check that you chose a phone firmware package (cmterm-….cop.sgn) or zip, not a Call Manager upgrade or a disk image.",
            ),
            _ => (
                format!("`{name}` could not be opened"),
                "Download the package again, or choose the firmware zip instead.",
            ),
        };
        Unusable {
            title,
            detail: format::sentence(&error.to_string()),
            fix: fix.into(),
            raw: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lifeline_shared::firmware::package::PackageFormat;
    use lifeline_shared::firmware::package::testkit::{
        SEED_COP, gzip, seed_cop, seed_package_files, tar_of,
    };
    use lifeline_shared::testkit::{seed_files, seed_zip, zip_of};

    fn chosen(name: &str, size: u64) -> Chosen {
        Chosen {
            name: name.into(),
            size,
        }
    }

    fn inputs(files: Vec<(String, Vec<u8>)>) -> Vec<InputFile> {
        files
            .into_iter()
            .map(|(name, data)| InputFile { name, data })
            .collect()
    }

    #[test]
    fn a_lone_file_is_named_by_itself() {
        let s = check_selection(&[chosen("fw.zip", 10)]).unwrap();
        assert_eq!(
            s,
            Selection {
                label: "fw.zip".into(),
                files: 1,
                size: 10
            }
        );
    }

    #[test]
    fn several_files_are_counted() {
        let s = check_selection(&[chosen("a.loads", 600), chosen("b.sbn", 400)]).unwrap();
        assert_eq!(
            s,
            Selection {
                label: "2 files".into(),
                files: 2,
                size: 1000
            }
        );
    }

    #[test]
    fn nothing_chosen_is_refused() {
        assert_eq!(check_selection(&[]), Err(ReadFailure::NoFiles));
    }

    #[test]
    fn huge_inputs_are_refused_before_reading() {
        assert_eq!(
            check_selection(&[chosen("disk.img", MAX_INPUT + 1)]),
            Err(ReadFailure::TooLarge {
                name: "disk.img".into(),
                size: MAX_INPUT + 1
            })
        );
        assert!(check_selection(&[chosen("fw.zip", MAX_INPUT)]).is_ok());
    }

    #[test]
    fn archives_are_known_by_magic_or_name() {
        assert_eq!(archive_kind("FW.ZIP", b""), InputKind::Zip);
        assert_eq!(archive_kind("firmware", b"PK\x03\x04rest"), InputKind::Zip);
        assert_eq!(archive_kind("empty-zip", b"PK\x05\x06"), InputKind::Zip);
        assert_eq!(
            archive_kind("renamed", &seed_cop()),
            InputKind::Package(PackageFormat::CopSgn)
        );
        assert_eq!(
            archive_kind("fw.TGZ", b""),
            InputKind::Package(PackageFormat::TarGz)
        );
        assert_eq!(
            archive_kind("SCCP41.8-3-3S.loads", b"\x01\x00\x02"),
            InputKind::Other
        );
    }

    #[test]
    fn a_cop_sgn_is_inspected_as_a_package_like_the_zip_of_its_files() {
        let one = |name: &str, data: Vec<u8>| {
            inspect(
                name,
                vec![InputFile {
                    name: name.into(),
                    data,
                }],
            )
            .unwrap()
        };
        let (report, firmware) = one(SEED_COP, seed_cop());
        let (zip, _) = one("same.zip", zip_of(&seed_package_files()));
        assert_eq!(report.source, SEED_COP);
        assert_eq!(
            (&report.load, &report.models, &report.findings),
            (&zip.load, &zip.models, &zip.findings)
        );
        assert!(report.package.is_some());
        // The package is kept whole, and gives back the files a bundle takes.
        assert!(firmware.archive);
        assert_eq!(firmware.files.len(), 1);
        let mut got = firmware.bundle_files(&report).unwrap();
        got.sort();
        let mut want = seed_files();
        want.sort();
        assert_eq!(got, want);
        let (tgz, _) = one("seed.tar.gz", gzip(&tar_of(&seed_package_files())));
        assert_eq!(tgz.findings, zip.findings);
    }

    #[test]
    fn a_package_that_cannot_be_read_says_what_to_do() {
        let whole = seed_cop();
        let err = inspect(
            SEED_COP,
            vec![InputFile {
                name: SEED_COP.into(),
                data: whole[..whole.len() / 2].to_vec(),
            }],
        )
        .unwrap_err();
        let p = Unusable::from_archive(SEED_COP, &err);
        assert_eq!(p.title, format!("`{SEED_COP}` is damaged or incomplete"));
        assert!(
            p.detail.starts_with("The gzip stream is damaged"),
            "{}",
            p.detail
        );
        assert!(p.fix.contains("Download the package again"), "{}", p.fix);
    }

    #[test]
    fn a_zip_is_inspected_as_a_zip() {
        let (report, firmware) = inspect(
            "seed.zip",
            vec![InputFile {
                name: "seed.zip".into(),
                data: seed_zip(),
            }],
        )
        .unwrap();
        assert_eq!(report.source, "seed.zip");
        assert_eq!(report.load.as_deref(), Some("SCCP41.8-3-3S"));
        assert_eq!(report.entries.len(), 8);
        assert!(!report.has_errors(), "{:?}", report.findings);
        // The zip is kept, and gives back every file by name.
        assert!(firmware.archive);
        let files = firmware.bundle_files(&report).unwrap();
        let mut got: Vec<(String, Vec<u8>)> = files;
        got.sort();
        let mut want = seed_files();
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn garbage_named_zip_is_an_archive_error() {
        let err = inspect(
            "x.zip",
            vec![InputFile {
                name: "x.zip".into(),
                data: b"hello, not a zip".to_vec(),
            }],
        )
        .unwrap_err();
        assert!(
            matches!(err, InputError::Zip(ArchiveError::NotAZip { .. })),
            "{err:?}"
        );
    }

    #[test]
    fn loose_files_are_inspected_together() {
        let (report, firmware) = inspect("8 files", inputs(seed_files())).unwrap();
        assert_eq!(report.source, "8 files");
        assert!(!firmware.archive);
        // Loose files go into the bundle as they are.
        let files = firmware.bundle_files(&report).unwrap();
        assert_eq!(files.len(), 8);
        let mut want = seed_files();
        want.sort();
        assert_eq!(files, want);
        assert_eq!(report.load.as_deref(), Some("SCCP41.8-3-3S"));
        assert!(!report.has_errors(), "{:?}", report.findings);
        // Sorted by name, so the table reads the same whatever the drop order.
        let names: Vec<&str> = report.entries.iter().map(|e| e.name.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }

    #[test]
    fn a_lone_loads_file_is_inspected_as_a_file() {
        let (name, data) = seed_files()
            .into_iter()
            .find(|(n, _)| n == "SCCP41.8-3-3S.loads")
            .unwrap();
        let (report, _) = inspect(
            &name,
            vec![InputFile {
                name: name.clone(),
                data,
            }],
        )
        .unwrap();
        assert_eq!(report.load.as_deref(), Some("SCCP41.8-3-3S"));
        // Its five images are not there: each is a missing-image error.
        assert_eq!(report.tally.errors, 5, "{:?}", report.findings);
    }

    #[test]
    fn every_archive_error_has_a_title_and_a_fix() {
        let errors = [
            ArchiveError::NotAZip {
                hint: String::new(),
            },
            ArchiveError::Truncated {
                what: "the central directory".into(),
            },
            ArchiveError::Empty,
        ];
        let errors = errors.into_iter().map(InputError::from).chain([
            PackageError::Empty.into(),
            PackageError::NoTar { window: 8192 }.into(),
            PackageError::Gzip { detail: "x".into() }.into(),
            PackageError::Tar { detail: "x".into() }.into(),
            PackageError::TooLarge { limit: 1 }.into(),
            PackageError::Ratio {
                compressed: 1,
                ratio: 200,
            }
            .into(),
        ]);
        for error in errors {
            let p = Unusable::from_archive("fw.zip", &error);
            assert!(p.title.starts_with("`fw.zip` "), "{p:?}");
            assert!(
                p.detail.ends_with('.') && p.detail.chars().next().unwrap().is_uppercase(),
                "{p:?}"
            );
            assert!(!p.fix.is_empty(), "{p:?}");
        }
        assert_eq!(
            Unusable::from_archive("e.zip", &ArchiveError::Empty.into()).title,
            "`e.zip` is empty"
        );
    }

    #[test]
    fn too_large_names_sizes() {
        let p = Unusable::from_read(&ReadFailure::TooLarge {
            name: "disk.img".into(),
            size: 4_000_000_000,
        });
        assert_eq!(p.title, "`disk.img` is too large to be phone firmware");
        assert!(
            p.detail
                .starts_with("It is 4.0 GB; Lifeline reads up to 537 MB"),
            "{}",
            p.detail
        );
    }

    #[test]
    fn unreadable_without_browser_words_has_no_raw_line() {
        let p = Unusable::from_read(&ReadFailure::Unreadable {
            name: "a".into(),
            kind: String::new(),
            message: String::new(),
        });
        assert_eq!(p.raw, None);
        assert_eq!(p.detail, "The browser could not read it.");
    }
}
