//! The bundle of step 4: which firmware and settings it belongs to, and where
//! its build and download are.
//!
//! Invariant: a bundle belongs to one [`BundleKey`]; a build or download
//! finishing for another key is ignored, like a stale job.

use std::rc::Rc;

use lifeline_shared::bundle::{Bundle, Manifest};

/// The firmware and settings revision a bundle was built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BundleKey {
    /// The inspection's ticket.
    pub ticket: u64,
    /// The revision of the settings.
    pub rev: u64,
}

/// A saved download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    /// The file name offered.
    pub name: String,
    pub size: u64,
}

/// The bundle for the Deliver step.
#[derive(Clone, Debug, PartialEq)]
pub enum BundleJob {
    /// Not built (or dropped after a change).
    Idle,
    /// Being built.
    Preparing(BundleKey),
    /// Built.
    Ready {
        key: BundleKey,
        bundle: Rc<Bundle>,
        /// The last download: saved, or why not.
        saved: Option<Result<Saved, String>>,
    },
    /// It could not be built (why, in plain words).
    Failed(BundleKey, String),
}

impl BundleJob {
    /// The key it is for.
    pub fn key(&self) -> Option<BundleKey> {
        match self {
            BundleJob::Idle => None,
            BundleJob::Preparing(key) | BundleJob::Failed(key, _) => Some(*key),
            BundleJob::Ready { key, .. } => Some(*key),
        }
    }
}

/// What the phones can fetch from the bundle of `manifest`: how many files and
/// their bytes, counted as the helper counts them when it serves the bundle.
/// The manifest itself (`lifeline-bundle.json`) goes with the download but is
/// never served, so it is not one of them.
pub fn served(manifest: &Manifest) -> (usize, u64) {
    let files = &manifest.files;
    (files.len(), files.iter().map(|f| f.size).sum())
}

/// The first eight hex digits of a bundle id: enough to tell bundles apart.
pub fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::upload_manifest;

    #[test]
    fn the_files_served_are_the_manifests_files_without_the_manifest() {
        let m = upload_manifest(&[10, 20, 30]);
        assert_eq!(served(&m), (3, 60));
        assert_eq!(short_id("0123456789abcdef"), "01234567");
    }
}
