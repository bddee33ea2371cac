//! The checks of files against each other: signed headers against the names the files are
//! stored under, each manifest's lines against the entries, and images no manifest lists.
//!
//! Invariants: a listed image that is missing, or found only under another case, is reported
//! once however many manifests list it; sizes and MD5s are checked only where a manifest
//! states them.

use super::names::{closest, is_image_like, is_term};
use super::read::ParsedManifest;
use super::{ImageReport, ImageStatus, Inspection, ManifestReport};
use crate::finding::{Code, Finding, Severity};
use crate::firmware::manifest::ImageLine;
use crate::firmware::signed::SignedHeader;
use crate::firmware::version::Version;
use crate::models::ManifestStyle;
use crate::sorted;

/// Listed names already reported, so each is reported once.
#[derive(Default)]
struct Reported {
    missing: Vec<String>,
    case: Vec<String>,
}

impl Inspection<'_> {
    /// Phase 3: each image's signed header is read for the name it embeds, and every file
    /// whose embedded name differs from the name it is stored under is an error (the phone
    /// checks the name it asked for against the header).
    pub(super) fn check_signed_headers(&mut self) {
        for i in 0..self.items.len() {
            let Some(read) = self.reads[i].as_ref().filter(|r| r.ok) else {
                continue;
            };
            let name = &self.items[i].entry.name;
            if is_image_like(name) {
                match SignedHeader::parse(&read.head) {
                    Ok((h, _)) => self.embedded[i] = h.file_name,
                    Err(e) => self.findings.push(Finding::new(
                        Severity::Error,
                        Code::BadSignedHeader,
                        name.clone(),
                        format!("The image has no readable Cisco signed header ({e}); a phone will refuse it."),
                        "Replace it with the file from the original Cisco zip.",
                    )),
                }
            }
            if let Some(e) = &self.embedded[i]
                && e != name
            {
                let case_only = e.eq_ignore_ascii_case(name);
                self.findings.push(Finding::new(
                    Severity::Error,
                    Code::EmbeddedNameMismatch,
                    name.clone(),
                    if case_only {
                        format!("The file is stored as `{name}` but its signed header names it `{e}` (the case differs). The phone checks the name it asked for against the header.")
                    } else {
                        format!("The file is stored as `{name}` but its signed header names it `{e}`: it was renamed, and the phone will reject it.")
                    },
                    format!("Rename it back to `{e}`, or use the file from the original Cisco zip."),
                ));
            }
        }
    }

    /// Phase 4: every parsed manifest against the input, each becoming a [`ManifestReport`].
    pub(super) fn check_manifests(&mut self) {
        // Taken out for the loop, so each line's check can record findings on `self`.
        let parsed = std::mem::take(&mut self.parsed);
        let mut reported = Reported::default();
        for p in &parsed {
            let report = self.check_manifest(p, &mut reported);
            self.manifests.push(report);
        }
        self.parsed = parsed;
    }

    /// One manifest: each line resolved and checked, and a 79xx manifest's image count.
    fn check_manifest(&mut self, p: &ParsedManifest, reported: &mut Reported) -> ManifestReport {
        let name = self.items[p.entry].entry.name.clone();
        let mut images = Vec::new();
        if let Some(m) = &p.body {
            for line in &m.images {
                images.push(self.check_line(&name, line, reported));
            }
            if m.style == ManifestStyle::FiveImages && m.images.len() != 5 {
                self.findings.push(Finding::new(
                    Severity::Warning,
                    Code::BadManifest,
                    name.clone(),
                    format!("The manifest lists {} images; a 79xx load lists five (jar, cnu, apps, dsp, cvm).", m.images.len()),
                    "Check it against the manifest in the original Cisco zip.",
                ));
            }
        }
        let build = p.body.as_ref().and_then(|m| {
            m.release
                .as_deref()
                .and_then(Version::parse)
                .or_else(|| Version::from_load_name(&name))
                .map(|v| v.to_string())
        });
        ManifestReport {
            embedded_name: p.header.as_ref().and_then(|h| h.file_name.clone()),
            header_len: p.header.as_ref().map(|h| h.header_len),
            hash_algorithm: p.header.as_ref().and_then(|h| h.hash_algorithm),
            build,
            style: p.body.as_ref().map(|m| m.style),
            hardware_comp: p.body.as_ref().and_then(|m| m.hardware_comp),
            la_version: p.body.as_ref().and_then(|m| m.la_version.clone()),
            recovery: is_term(&name),
            images,
            name,
        }
    }

    /// One line of manifest `manifest`: the entry it resolves to (marked as listed), and
    /// findings for a missing image, a case difference, a wrong size or a wrong MD5.
    fn check_line(
        &mut self,
        manifest: &str,
        line: &ImageLine,
        reported: &mut Reported,
    ) -> ImageReport {
        let (found, mut status) = self.names.resolve(&line.name);
        if found.is_none() && line.optional {
            status = ImageStatus::OptionalMissing;
            if sorted::insert(&mut reported.missing, line.name.clone()) {
                self.findings.push(Finding::new(
                    Severity::Info,
                    Code::OptionalImageAbsent,
                    line.name.clone(),
                    format!(
                        "`{manifest}` lists `{}` as optional (`#+`): a newer load fetches it when the server has it, and goes on without it when not.",
                        line.name
                    ),
                    "Nothing to do; add it from the same firmware download to serve it too (on a 7925/7926 these are the Java components).",
                ));
            }
        }
        if let Some(i) = found {
            self.listed[i] = true;
        }
        match status {
            ImageStatus::Missing if sorted::insert(&mut reported.missing, line.name.clone()) => {
                let near = closest(&line.name, self.items.iter().map(|i| i.entry.name.as_str()));
                self.findings.push(Finding::new(
                    Severity::Error,
                    Code::MissingImage,
                    line.name.clone(),
                    format!(
                        "`{manifest}` lists `{}`, but the input does not contain it{}. The phone will ask for it, get \"File not found\", and stay stuck.",
                        line.name,
                        near.map(|n| format!(" (the closest name is `{n}`)")).unwrap_or_default()
                    ),
                    "Use the complete firmware zip for this load; every image a manifest lists must be served.",
                ));
            }
            ImageStatus::CaseMismatch if sorted::insert(&mut reported.case, line.name.clone()) => {
                let actual = &self.items[found.unwrap_or_default()].entry.name;
                self.findings.push(Finding::new(
                    Severity::Warning,
                    Code::CaseMismatch,
                    line.name.clone(),
                    format!(
                        "`{manifest}` lists `{}` but the file is `{actual}`: only the case differs. A case-sensitive TFTP server (Linux) answers \"File not found\" and the phone is stuck.",
                        line.name
                    ),
                    format!("Lifeline serves it under both names. For another TFTP server, add a copy named `{}`.", line.name),
                ));
            }
            _ => {}
        }
        let size = found.map(|i| self.items[i].entry.size);
        if let (Some(i), Some(want)) = (found, line.size)
            && self.items[i].entry.size != want
        {
            self.findings.push(Finding::new(
                Severity::Error,
                Code::SizeMismatch,
                self.items[i].entry.name.clone(),
                format!("`{manifest}` says the image is {want} bytes, but it is {} bytes.", self.items[i].entry.size),
                "Download the firmware again; the image does not belong to this load or is damaged.",
            ));
        }
        if let (Some(i), Some(want)) = (found, line.md5.as_ref())
            && let Some(got) = self.reads[i].as_ref().and_then(|r| r.md5.as_ref())
            && got != want
        {
            self.findings.push(Finding::new(
                Severity::Error,
                Code::Md5Mismatch,
                self.items[i].entry.name.clone(),
                format!("`{manifest}` gives the image MD5 {want}, but its MD5 is {got}."),
                "Download the firmware again; the image does not belong to this load or is damaged.",
            ));
        }
        ImageReport {
            name: line.name.clone(),
            entry: found.map(|i| self.items[i].entry.name.clone()),
            status,
            size,
        }
    }

    /// Phase 8: an image no manifest lists is worth a word, once there is a manifest at all.
    pub(super) fn check_unlisted_images(&mut self) {
        if self.manifests.is_empty() {
            return;
        }
        for (i, item) in self.items.iter().enumerate() {
            if self.readable[i] && is_image_like(&item.entry.name) && !self.listed[i] {
                self.findings.push(Finding::new(
                    Severity::Info,
                    Code::UnlistedImage,
                    item.entry.name.clone(),
                    "No manifest lists this image, so no phone will ask for it.",
                    "Nothing to do; it is served anyway. If you expected a phone to use it, check you have the right manifest.",
                ));
            }
        }
    }
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
