//! The inspection: everything a person needs to know about a firmware input.
//!
//! [`inspect_zip`] and [`inspect_files`] read the input (see [`super::archive`]),
//! parse every `.loads` manifest and every signed image header, and check them
//! against each other and the model catalogue. The [`Report`] carries every
//! finding at once, not the first error, so a person sees the whole picture;
//! worst first.
//!
//! # Layout
//!
//! An `Inspection` holds the state the phases share, and runs them in order:
//!
//! - `read`: phases 1 and 2, every readable entry read once (manifests first).
//! - `checks`: phases 3, 4 and 8, files against each other (signed headers, manifest
//!   lines, unlisted images).
//! - `load`: phases 5 to 7, the input as a whole (load, family, build, recovery
//!   manifests, models).
//! - `report`: the report's types, and the last phase that assembles it.
//! - `family79`: phase 7 for a 7940/7960 load (OS79XX.TXT, Cisco's upgrade rules).
//! - `package`: phase 9, a package's own files (`loadNNN.txt` checked for every input;
//!   the install script, nested archives and missing recovery manifests for a package).
//! - `names`: what a name says a file is, name lookups, the closest name.
//!
//! # Invariants
//!
//! Each phase only adds: findings are pushed in phase order and never removed, so the
//! report is the same whichever way the input arrived (a zip, loose files or a package);
//! a package only adds its own facts and the findings about what it lacks.

mod checks;
mod family79;
mod load;
mod names;
mod package;
mod read;
mod report;

pub use names::{closest, is_term as is_recovery_manifest, strip_loads};
pub use report::{
    EntryReport, ImageReport, ImageStatus, LoadListReport, ManifestReport, ModelReport,
    PackageReport, Report, Role,
};

use super::archive::{self, ArchiveError, Limits, ZipIndex};
use super::package::{InputKind, Package, PackageError};
use crate::finding::Finding;
use names::Names;
use read::{Item, ParsedManifest, Read};

/// A loose file given to [`inspect_files`] (a dropped file, or one from a folder).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    /// Its name (a path relative to the folder, or just the file name).
    pub name: String,
    /// Its content.
    pub data: Vec<u8>,
}

/// Inspects a zip held in memory.
pub fn inspect_zip(source: &str, data: &[u8]) -> Result<Report, ArchiveError> {
    inspect_zip_with(source, data, &Limits::default())
}

/// Inspects a zip held in memory, with explicit limits.
pub fn inspect_zip_with(
    source: &str,
    data: &[u8],
    limits: &Limits,
) -> Result<Report, ArchiveError> {
    let index = ZipIndex::open(data, limits)?;
    let items = read::zip_items(&index);
    Ok(Inspection::new(source, items, index.declared, Some(&index), limits).run())
}

/// Inspects a Call Manager package (`.cop.sgn`, `.cop`), a `.tar.gz`/`.tgz` or a `.tar`
/// held in memory.
pub fn inspect_package(source: &str, data: &[u8]) -> Result<Report, PackageError> {
    inspect_package_with(source, data, &Limits::default())
}

/// Inspects a package held in memory, with explicit limits. The package's files are
/// inflated once, into the entries the inspection reads.
pub fn inspect_package_with(
    source: &str,
    data: &[u8],
    limits: &Limits,
) -> Result<Report, PackageError> {
    let pkg = super::package::read(data, limits)?;
    let items = read::package_items(&pkg);
    let mut inspection = Inspection::new(source, items, pkg.declared, None, limits);
    inspection.findings.extend(pkg.notes.iter().cloned());
    inspection.package = Some(&pkg);
    Ok(inspection.run())
}

/// Why an archive could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// A zip that could not be read.
    #[error(transparent)]
    Zip(#[from] ArchiveError),
    /// A package that could not be read.
    #[error(transparent)]
    Package(#[from] PackageError),
}

/// Inspects one archive held in memory, a zip or a package, told apart by
/// [`super::package::kind_of`]; anything else is read as a zip (whose error then says
/// what the input looks like).
pub fn inspect_archive(source: &str, data: &[u8]) -> Result<Report, InputError> {
    match super::package::kind_of(source, data) {
        InputKind::Package(_) => Ok(inspect_package(source, data)?),
        InputKind::Zip | InputKind::Other => Ok(inspect_zip(source, data)?),
    }
}

/// Inspects loose files (dropped together, or read from a folder).
pub fn inspect_files(source: &str, files: &[InputFile]) -> Report {
    inspect_files_with(source, files, &Limits::default())
}

/// Inspects loose files, with explicit limits.
pub fn inspect_files_with(source: &str, files: &[InputFile], limits: &Limits) -> Report {
    let items = read::file_items(files, limits);
    Inspection::new(source, items, files.len() as u64, None, limits).run()
}

/// One inspection in progress: the entries, what each phase learned of them, and the
/// findings so far. Every vector indexed by entry has one slot per entry.
struct Inspection<'a> {
    /// The input's name (the zip's file name, or the folder's).
    source: &'a str,
    /// The zip the entries are read from; `None` for loose files.
    zip: Option<&'a ZipIndex<'a>>,
    items: Vec<Item<'a>>,
    /// Per entry: whether it passed the archive's checks (name, size, method), so it may
    /// be read and may be listed.
    readable: Vec<bool>,
    /// The readable entries by name.
    names: Names,
    /// Per entry: what was read of it (phases 1 and 2).
    reads: Vec<Option<Read>>,
    /// The `.loads` entries, in entry order (phase 1).
    parsed: Vec<ParsedManifest>,
    /// Per entry: the name in its signed header (phases 1 and 3).
    embedded: Vec<Option<String>>,
    /// The manifests checked against the input, in the order of `parsed` (phase 4).
    manifests: Vec<ManifestReport>,
    /// The entries some manifest lists (phase 4).
    listed: Vec<bool>,
    /// The package the entries came from, when they did (phase 9).
    package: Option<&'a Package>,
    /// The `loadNNN.txt` lists read (phase 9).
    load_lists: Vec<LoadListReport>,
    findings: Vec<Finding>,
}

impl<'a> Inspection<'a> {
    /// An inspection of `items`, after the archive's checks of names, sizes and methods;
    /// `declared` is how many entries the input claims to hold.
    fn new(
        source: &'a str,
        items: Vec<Item<'a>>,
        declared: u64,
        zip: Option<&'a ZipIndex<'a>>,
        limits: &Limits,
    ) -> Self {
        let mut findings = Vec::new();
        let readable = {
            let pairs: Vec<_> = items.iter().map(|i| (&i.entry, i.raw)).collect();
            archive::check_entries(&pairs, declared, limits, &mut findings)
        };
        let names = Names::of(
            items
                .iter()
                .enumerate()
                .filter(|(i, _)| readable[*i])
                .map(|(i, item)| (i, item.entry.name.as_str())),
        );
        let n = items.len();
        Inspection {
            source,
            zip,
            items,
            readable,
            names,
            reads: (0..n).map(|_| None).collect(),
            parsed: Vec::new(),
            embedded: vec![None; n],
            manifests: Vec::new(),
            listed: vec![false; n],
            package: None,
            load_lists: Vec::new(),
            findings,
        }
    }

    /// Every phase, in order, then the report.
    fn run(mut self) -> Report {
        self.read_manifests();
        self.read_the_rest();
        self.check_signed_headers();
        self.check_manifests();
        let load = self.identify_load();
        self.check_recovery_manifests(&load);
        let models = self.check_models(&load);
        self.check_unlisted_images();
        self.check_load_lists(&load);
        let package = self.check_package(&load);
        self.into_report(load, models, package)
    }
}

#[cfg(test)]
#[path = "family_tests.rs"]
mod family_tests;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;
