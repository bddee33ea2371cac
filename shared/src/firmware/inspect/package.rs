//! Phase 9: the files a Call Manager package carries beside the firmware, and what a
//! package lacks.
//!
//! Every input's `loadNNN.txt` lists are read and checked (a zip of a package's files
//! holds them too); a package's own header, install script and nested archives are
//! reported, and missing `termNN.default.loads` get a finding that says how to make them.
//!
//! Invariants: nothing here changes an entry's reading or another phase's finding; a
//! package's report differs from a zip's of the same files only by [`PackageReport`] and
//! the [`Code::PackageLacksRecoveryManifests`] and [`Code::NestedArchive`] findings.

use super::load::Load;
use super::{Inspection, LoadListReport, PackageReport};
use crate::finding::{Code, Finding, Severity};
use crate::firmware::package::{self, LoadLine};
use crate::models::{self, FamilyId};

/// The folder a Call Manager installs TFTP files into; a locale package's files sit in
/// `<locale>/` under it.
const CM_TFTP: &str = "usr/local/cm/tftp/";

impl Inspection<'_> {
    /// Phase 9a: each `loadNNN.txt` read and checked against its own name, the catalogue's
    /// device ids and the input's load.
    pub(super) fn check_load_lists(&mut self, load: &Load) {
        for i in 0..self.items.len() {
            let name = self.items[i].entry.name.clone();
            let Some(file_id) = package::load_list_id(&name) else {
                continue;
            };
            let Some(read) = self.reads[i].as_ref().filter(|r| self.readable[i] && r.ok) else {
                continue;
            };
            match package::parse_load_list(&read.head) {
                Ok(line) => {
                    let report = self.check_load_line(&name, file_id, &line, load);
                    self.load_lists.push(report);
                }
                Err(e) => self.findings.push(Finding::new(
                    Severity::Warning,
                    Code::LoadListDisagrees,
                    name,
                    format!("The load list cannot be read: {e}."),
                    "Phones never ask for it (Call Manager reads it), so it does not stop a recovery; use the package as Cisco publishes it.",
                )),
            }
        }
    }

    /// One load list's line: one finding naming everything it disagrees with. A device id
    /// the catalogue does not know is checked against its own name and the load only.
    fn check_load_line(
        &mut self,
        name: &str,
        file_id: u16,
        line: &LoadLine,
        load: &Load,
    ) -> LoadListReport {
        let id = line.device_id;
        let model = models::model_by_device_id(id);
        let mut problems = Vec::new();
        if file_id != id {
            problems.push(format!(
                "its name says device type {file_id}, but its line says {id}"
            ));
        }
        if let Some(m) = model
            && let Some(f) = models::family_of_name(&line.load)
            && f != m.family
        {
            problems.push(format!(
                "device type {id} is the {} in Lifeline's catalogue, but `{}` is a load for the {}",
                m.name,
                line.load,
                models::family(f).name
            ));
        }
        if let Some(l) = &load.name
            && !l.eq_ignore_ascii_case(&line.load)
        {
            problems.push(format!(
                "it names the load `{}`, but the input's load manifest is `{l}.loads`",
                line.load
            ));
        }
        if !problems.is_empty() {
            self.findings.push(Finding::new(
                Severity::Warning,
                Code::LoadListDisagrees,
                name.to_string(),
                format!("The load list disagrees: {}.", problems.join("; ")),
                "Call Manager uses this list to pick a model's load, so a package built this way was altered or mixed; use the package (or the cmterm zip) as Cisco publishes it.",
            ));
        }
        LoadListReport {
            name: name.to_string(),
            device_id: id,
            load: line.load.clone(),
            model: model.map(|m| m.name.to_string()),
            agrees: problems.is_empty(),
        }
    }

    /// Phase 9b: a package's own facts, its nested archives, and the recovery manifests
    /// it lacks. `None` for an input that is not a package.
    pub(super) fn check_package(&mut self, load: &Load) -> Option<PackageReport> {
        let pkg = self.package?;
        let install_script = self
            .items
            .iter()
            .find(|i| package::install_script(&i.entry.name))
            .map(|i| i.entry.path.clone());
        let nested: Vec<String> = self
            .items
            .iter()
            .map(|i| i.entry.path.clone())
            .filter(|p| {
                let l = p.to_ascii_lowercase();
                l.ends_with(".tar") || l.ends_with(".tar.gz") || l.ends_with(".tgz")
            })
            .collect();
        for path in &nested {
            self.note_nested(path);
        }
        if let Some(f) = load.family {
            self.check_package_recovery_manifests(f, load);
        }
        let header = pkg.header.as_ref();
        Some(PackageReport {
            format: pkg.format,
            embedded_name: header.and_then(|h| h.file_name.clone()),
            signer: header.and_then(|h| h.signer.clone()),
            hash_algorithm: header.and_then(|h| h.hash_algorithm),
            header_len: header.map(|h| h.header_len),
            tar_offset: pkg.tar_offset,
            found: pkg.found,
            install_script,
            nested_archives: nested,
        })
    }

    /// An archive inside the package: a locale package's, when its path or name says so.
    fn note_nested(&mut self, path: &str) {
        let locale = path
            .find(CM_TFTP)
            .map(|at| &path[at + CM_TFTP.len()..])
            .and_then(|rest| rest.split_once('/'))
            .map(|(locale, _)| locale.to_string());
        self.findings.push(Finding::new(
            Severity::Info,
            Code::NestedArchive,
            path.to_string(),
            match &locale {
                Some(l) => format!("`{path}` is an archive inside the package with the locale files for `{l}` (languages, tones) that Call Manager installs; Lifeline does not unpack it, and phones boot without it."),
                None => format!("`{path}` is an archive inside the package (a locale package's languages and tones, usually); Lifeline does not unpack it, and phones boot without it."),
            },
            "Nothing to do for a recovery. To serve the locale files too, unpack it and add its files to the TFTP folder.",
        ));
    }

    /// The `termNN.default.loads` the family's models ask for and the package lacks: one
    /// finding that says how to make them from the load manifest, and that it is unverified.
    fn check_package_recovery_manifests(&mut self, f: FamilyId, load: &Load) {
        if !models::family(f).tftp_recovery {
            return;
        }
        let missing = self.missing_recovery_manifests(f);
        if missing.is_empty() {
            return;
        }
        let list = missing
            .iter()
            .map(|r| format!("`{r}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        let fix = match load.manifest.map(|m| self.manifests[m].name.as_str()) {
            Some(l) => format!(
                "They list the same images as the load manifest, so they can be made from it: Lifeline adds copies when asked (`lifeline bundle … --make-recovery-manifests`, `serve --firmware … --make-recovery-manifests`, or the box in step 4 of the web app), or copy `{l}` to {list} in the TFTP folder by hand. Unverified: the copy's signed header still names `{l}`, and whether a wiped phone accepts it has not been tested. Cisco's cmterm zip of the same load carries signed ones."
            ),
            None => "Use Cisco's cmterm zip of the same load, which carries them.".to_string(),
        };
        self.findings.push(Finding::new(
            Severity::Warning,
            Code::PackageLacksRecoveryManifests,
            self.source.to_string(),
            format!("The package carries no {list}: Call Manager makes them when it installs a package (some packages' copstart.sh even deletes them). A wiped phone asks for them first, so it cannot recover from these files alone."),
            fix,
        ));
    }
}
