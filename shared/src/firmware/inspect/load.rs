//! What the input is as a whole: which load, for which family and protocol, which build, and
//! whether every model of that family can recover from it.
//!
//! Invariants: the load is the first manifest that is not `termNN.default`; the family comes
//! from the load's name, else from the first manifest whose family is known; one input holds
//! one family.

use super::names::strip_loads;
use super::{Inspection, ModelReport};
use crate::finding::{Code, Finding, Severity};
use crate::firmware::upgrade;
use crate::firmware::version::Version;
use crate::models::{self, FamilyId, ManifestStyle, Protocol};

/// The load the input holds, as far as it could be told.
#[derive(Debug, Default)]
pub(super) struct Load {
    /// The load manifest's index among the manifest reports.
    pub(super) manifest: Option<usize>,
    /// Its name without `.loads`.
    pub(super) name: Option<String>,
    pub(super) family: Option<FamilyId>,
    pub(super) protocol: Option<Protocol>,
    /// The build: from the load's name, else from a manifest's `RELEASE` line.
    pub(super) version: Option<Version>,
}

impl Inspection<'_> {
    /// Phase 5: the load, the family, the protocol and the build, with the findings about
    /// the input as a whole (several loads, a Call Manager file, no manifest, unknown or
    /// mixed families).
    pub(super) fn identify_load(&mut self) -> Load {
        let loads: Vec<usize> = (0..self.manifests.len())
            .filter(|&m| !self.manifests[m].recovery)
            .collect();
        self.check_one_load(&loads);
        self.check_cop_file();
        let manifest = loads.first().copied();
        let name = manifest.map(|m| strip_loads(&self.manifests[m].name).to_string());
        self.check_some_manifest(name.is_some());
        let families = self.families();
        let load_name = manifest.map(|m| self.manifests[m].name.as_str());
        let family = load_name
            .and_then(models::family_of_name)
            .or_else(|| families.first().map(|(f, _)| *f));
        let protocol = load_name.and_then(models::protocol_of_name).or_else(|| {
            self.manifests
                .iter()
                .flat_map(|m| m.images.iter())
                .find_map(|i| models::protocol_of_name(&i.name))
        });
        let version = load_name.and_then(Version::from_load_name).or_else(|| {
            self.parsed
                .iter()
                .filter_map(|p| p.body.as_ref()?.release.as_deref())
                .find_map(Version::parse)
        });
        Load {
            manifest,
            name,
            family,
            protocol,
            version,
        }
    }

    /// More than one load manifest: the first is used, and that is worth a warning.
    fn check_one_load(&mut self, loads: &[usize]) {
        if loads.len() < 2 {
            return;
        }
        let names: Vec<&str> = loads
            .iter()
            .map(|&m| self.manifests[m].name.as_str())
            .collect();
        self.findings.push(Finding::new(
            Severity::Warning,
            Code::SeveralLoads,
            names.join(", "),
            format!(
                "The input holds {} load manifests; Lifeline uses the first, `{}`.",
                loads.len(),
                names[0]
            ),
            "Keep one firmware load per bundle, so every phone gets the same build.",
        ));
    }

    /// A Call Manager install file (`.cop.sgn`) among other files cannot be served as it
    /// is; given by itself, it is read as a package.
    fn check_cop_file(&mut self) {
        if let Some(cop) = self
            .items
            .iter()
            .find(|i| i.entry.name.to_ascii_lowercase().ends_with(".cop.sgn"))
        {
            self.findings.push(Finding::new(
                Severity::Error,
                Code::CopFile,
                cop.entry.name.clone(),
                "This is a Call Manager install file (.cop.sgn), a signed tarball for CUCM, among other files. Phones cannot use it over TFTP as it is.",
                "Give Lifeline the .cop.sgn by itself (it reads the firmware inside), or the phone firmware zip (cmterm-<models>-<protocol>.<version>.zip).",
            ));
        }
    }

    /// No manifest at all is an error; recovery manifests without a load only a warning.
    fn check_some_manifest(&mut self, has_load: bool) {
        if self.manifests.is_empty() {
            self.findings.push(Finding::new(
                Severity::Error,
                Code::NoManifest,
                self.source.to_string(),
                "The input has no .loads manifest, so nothing tells a phone which images to fetch.",
                "Use the complete firmware zip (it holds SCCPnn….loads or SIPnn….loads and termNN.default.loads).",
            ));
        } else if !has_load {
            self.findings.push(Finding::new(
                Severity::Warning,
                Code::NoManifest,
                self.source.to_string(),
                "There are recovery manifests (termNN.default.loads) but no load manifest (SCCPnn….loads or SIPnn….loads). A wiped phone can recover, but a running phone cannot be upgraded and XMLDefault.cnf.xml has no load to name.",
                "Use the complete firmware zip.",
            ));
        }
    }

    /// The families the manifests are for, each with the first manifest naming it; a
    /// manifest of no known family is a warning, and more than one family an error.
    fn families(&mut self) -> Vec<(FamilyId, String)> {
        let mut families: Vec<(FamilyId, String)> = Vec::new();
        for m in &self.manifests {
            let fam = models::family_of_name(&m.name).or_else(|| {
                m.images
                    .iter()
                    .find_map(|i| models::family_of_name(&i.name))
            });
            match fam {
                Some(f) => {
                    if !families.iter().any(|(g, _)| *g == f) {
                        families.push((f, m.name.clone()));
                    }
                }
                None => self.findings.push(Finding::new(
                    Severity::Warning,
                    Code::UnknownFamily,
                    m.name.clone(),
                    "Lifeline does not know which phones this manifest is for.",
                    "Check the firmware is for a phone Lifeline supports (79xx, 69xx, 89xx, 792x).",
                )),
            }
        }
        if families.len() > 1 {
            self.findings.push(Finding::new(
                Severity::Error,
                Code::MixedFamilies,
                families.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", "),
                format!(
                    "The input mixes firmware for {}: a phone would be offered manifests that are not for it.",
                    families.iter().map(|(f, _)| models::family(*f).name).collect::<Vec<_>>().join(" and ")
                ),
                "Prepare one bundle per phone family, each from its own firmware zip.",
            ));
        }
        families
    }

    /// Phase 6: a recovery manifest of the load's family must list the load's images, in
    /// order, because a wiped phone follows it instead of the load.
    pub(super) fn check_recovery_manifests(&mut self, load: &Load) {
        let Some(load_m) = load.manifest.map(|m| &self.manifests[m]) else {
            return;
        };
        let want: Vec<&str> = load_m.images.iter().map(|i| i.name.as_str()).collect();
        for t in self.manifests.iter().filter(|m| m.recovery) {
            let got: Vec<&str> = t.images.iter().map(|i| i.name.as_str()).collect();
            if got != want && models::family_of_name(&t.name) == load.family {
                self.findings.push(Finding::new(
                    Severity::Error,
                    Code::TermManifestDisagrees,
                    t.name.clone(),
                    format!(
                        "`{}` lists [{}] but `{}` lists [{}]. A wiped phone follows `{}`, so it would install a different build than the one configured.",
                        t.name,
                        got.join(", "),
                        load_m.name,
                        want.join(", "),
                        t.name
                    ),
                    "Use the term and load manifests from the same firmware zip.",
                ));
            }
        }
    }

    /// Phase 7: the models the family serves, each with its recovery manifest; then what a
    /// person of this family must know (a missing recovery manifest, the 7940/7960's
    /// OS79XX.TXT, the 8.3(3) upgrade step).
    pub(super) fn check_models(&mut self, load: &Load) -> Vec<ModelReport> {
        let Some(f) = load.family else {
            return Vec::new();
        };
        let reports = models::models_of_load(f, load.name.as_deref().unwrap_or_default())
            .map(|m| ModelReport {
                model: m.name.to_string(),
                product: m.product.to_string(),
                device_id: m.device_id,
                recovery_manifest: m.recovery_manifest.map(str::to_string),
                recovery_manifest_present: m
                    .recovery_manifest
                    .is_some_and(|r| self.names.contains_any_case(r)),
            })
            .collect();
        if models::family(f).tftp_recovery && !self.manifests.is_empty() {
            self.check_recovery_manifests_present(f);
        }
        if f == FamilyId::F7940_7960 {
            self.check_7940_7960(load);
        }
        self.check_upgrade_path(f, load);
        reports
    }

    /// The recovery manifests the models of family `f` ask for and the input
    /// lacks (in any case), each once, in catalogue order.
    pub(super) fn missing_recovery_manifests(&self, f: FamilyId) -> Vec<&'static str> {
        let mut missing: Vec<&'static str> = Vec::new();
        for m in models::models_of(f) {
            if let Some(r) = m.recovery_manifest
                && !self.names.contains_any_case(r)
                && !missing.contains(&r)
            {
                missing.push(r);
            }
        }
        missing
    }

    /// Each recovery manifest a model of family `f` asks for and the input lacks, once,
    /// naming every model that asks for it.
    fn check_recovery_manifests_present(&mut self, f: FamilyId) {
        let missing = self.missing_recovery_manifests(f);
        for r in missing {
            let who: Vec<&str> = models::models_of(f)
                .filter(|m| m.recovery_manifest == Some(r))
                .map(|m| m.name)
                .collect();
            self.findings.push(Finding::new(
                Severity::Warning,
                Code::MissingRecoveryManifest,
                r.to_string(),
                format!("A wiped {} asks for `{r}`, which is not in the input: such a phone cannot recover from this input.", who.join(" or ")),
                format!("Use the firmware zip that contains `{r}` (Cisco's full cmterm zip does); it cannot be made by copying another manifest, because it is signed."),
            ));
        }
    }

    /// A 79xx build at or past the hop's target (8.5(3)) cannot be reached from
    /// firmware older than 8.3(3): the same rule the upgrade plan follows.
    fn check_upgrade_path(&mut self, f: FamilyId, load: &Load) {
        let (below, to) = (upgrade::HOP_BELOW, upgrade::HOP_TO);
        if models::family(f).manifest_style == ManifestStyle::FiveImages
            && let Some(v) = &load.version
            && v.cmp_release(to.0, to.1, to.2).is_ge()
        {
            let (below, to) = (release(below), release(to));
            self.findings.push(Finding::new(
                Severity::Warning,
                Code::UpgradePath,
                load.name.clone().unwrap_or_else(|| v.to_string()),
                format!("This is build {v}. Phones running firmware older than {below} cannot go straight to {to} or later: they reboot in a loop or show \"Load Authentication Failed\"."),
                format!("If a phone runs firmware older than {below}, recover it with an 8.3(3)–8.5(2) load first, then with this one."),
            ));
        }
    }
}

/// A release as Cisco writes it: `8.5(3)`.
fn release((major, minor, patch): (u32, u32, u32)) -> String {
    format!("{major}.{minor}({patch})")
}

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;
