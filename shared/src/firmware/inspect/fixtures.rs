//! Fixtures shared by the inspection's tests: findings as tuples, the seed with one edit,
//! and hand-made inspection state for running a single phase.

use super::names::is_term;
use super::{
    ImageReport, ImageStatus, InputFile, Inspection, ManifestReport, Report, inspect_zip, read,
};
use crate::finding::{Code, Severity};
use crate::firmware::archive::Limits;
use crate::testkit::{self, seed_files, signed_file, zip_of};

/// Every finding as (severity, code, subject).
pub(super) fn codes(r: &Report) -> Vec<(Severity, Code, String)> {
    r.findings
        .iter()
        .map(|f| (f.severity, f.code, f.subject.clone()))
        .collect()
}

/// Whether the report has this finding.
pub(super) fn has(r: &Report, sev: Severity, code: Code, subject: &str) -> bool {
    r.findings
        .iter()
        .any(|f| f.severity == sev && f.code == code && f.subject == subject)
}

/// The report of the seed's files after `edit`.
pub(super) fn seed_with(edit: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> Report {
    let mut files = seed_files();
    edit(&mut files);
    inspect_zip("test.zip", &zip_of(&files)).expect("a readable zip")
}

/// The seed's image names, in manifest order.
pub(super) fn seed_images() -> Vec<&'static str> {
    testkit::SEED_IMAGE_NAMES.to_vec()
}

/// Replaces manifest `name`'s body, signed again under its own name.
pub(super) fn replace_manifest(files: &mut [(String, Vec<u8>)], name: &str, body: &[u8]) {
    let f = files
        .iter_mut()
        .find(|(n, _)| n == name)
        .expect("manifest present");
    f.1 = signed_file(name, body);
}

/// Loose files with these names and contents.
pub(super) fn loose(files: &[(&str, Vec<u8>)]) -> Vec<InputFile> {
    files
        .iter()
        .map(|(name, data)| InputFile {
            name: name.to_string(),
            data: data.clone(),
        })
        .collect()
}

/// An inspection of `files` before any phase ran (the archive checks done).
pub(super) fn inspection(files: &[InputFile]) -> Inspection<'_> {
    let limits = Limits::default();
    Inspection::new(
        "test",
        read::file_items(files, &limits),
        files.len() as u64,
        None,
        &limits,
    )
}

/// A manifest as phase 4 reports it, listing `images` as present; a `termNN.default.loads`
/// name makes it a recovery manifest.
pub(super) fn manifest_report(name: &str, images: &[&str]) -> ManifestReport {
    ManifestReport {
        name: name.to_string(),
        embedded_name: Some(name.to_string()),
        header_len: None,
        hash_algorithm: None,
        build: None,
        style: None,
        hardware_comp: None,
        la_version: None,
        recovery: is_term(name),
        images: images
            .iter()
            .map(|i| ImageReport {
                name: i.to_string(),
                entry: Some(i.to_string()),
                status: ImageStatus::Present,
                size: None,
            })
            .collect(),
    }
}
