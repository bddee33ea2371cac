//! Phase 7, for a 7940/7960 load: what a person must know that the other families do not
//! need. These phones have no `termNN` recovery manifest; `OS79XX.TXT` chooses their
//! protocol, and Cisco's upgrade rules (see [`crate::firmware::upgrade79`]) say which phones
//! this load cannot reach in one step.

use super::Inspection;
use super::load::Load;
use crate::finding::{Code, Finding, Severity};
use crate::firmware::upgrade79::{self, Image79};

impl Inspection<'_> {
    pub(super) fn check_7940_7960(&mut self, load: &Load) {
        let name = load.name.clone().unwrap_or_default();
        self.findings.push(Finding::new(
            Severity::Info,
            Code::UnknownFamily,
            name.clone(),
            "7940/7960 phones have no termNN recovery manifest: after a factory reset they read OS79XX.TXT, whose image name chooses the protocol (the third character: 0 SCCP, S SIP), then their configuration.",
            "Serve OS79XX.TXT naming this load with the files (a Lifeline bundle does).",
        ));
        let Some(image) = Image79::of_name(&name) else {
            return;
        };
        for broken in upgrade79::package_notes(&image) {
            let (why, fix) = broken.words();
            let severity = match broken {
                upgrade79::Broken::BackToUnsigned => Severity::Warning,
                _ => Severity::Info,
            };
            self.findings.push(Finding::new(
                severity,
                Code::UpgradePath,
                name.clone(),
                format!("This is {image}. {why}"),
                fix,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::finding::{Code, Severity};
    use crate::firmware::inspect::{Role, inspect_archive, inspect_zip};
    use crate::models::{FamilyId, Protocol};
    use crate::testkit79::{
        SCCP79_LOAD, SIP79_LOAD, cop_name, sccp79_cop, sccp79_zip, sip79_cop, sip79_zip,
    };

    #[test]
    fn a_7960_package_reads_the_same_as_a_zip_or_a_cop() {
        for (load, protocol, zip, cop) in [
            (SIP79_LOAD, Protocol::Sip, sip79_zip(), sip79_cop()),
            (SCCP79_LOAD, Protocol::Sccp, sccp79_zip(), sccp79_cop()),
        ] {
            let z = inspect_zip("fw.zip", &zip).unwrap();
            let c = inspect_archive(&cop_name(load), &cop).unwrap();
            for r in [&z, &c] {
                assert_eq!(r.load.as_deref(), Some(load));
                assert_eq!(r.protocol, Some(protocol));
                assert_eq!(r.family, Some(FamilyId::F7940_7960));
                let models: Vec<(&str, u16)> = r
                    .models
                    .iter()
                    .map(|m| (m.model.as_str(), m.device_id))
                    .collect();
                assert_eq!(models, [("7940", 8), ("7960", 7)]);
                assert_eq!(r.tally.errors, 0, "{:#?}", r.findings);
                // The manifest's two images are listed; the .bin is served too.
                let roles: Vec<(&str, Role)> = r
                    .entries
                    .iter()
                    .map(|e| (e.name.as_str(), e.role))
                    .collect();
                assert!(
                    roles.contains(&(&format!("{load}.sb2")[..], Role::Image)),
                    "{roles:?}"
                );
                assert!(
                    roles.contains(&(&format!("{load}.bin")[..], Role::UnlistedImage)),
                    "{roles:?}"
                );
                assert!(
                    r.findings
                        .iter()
                        .any(|f| f.code == Code::UpgradePath && f.severity == Severity::Info)
                );
            }
            let key = |r: &crate::firmware::inspect::Report| {
                r.findings
                    .iter()
                    .map(|f| (f.severity, f.code, f.subject.clone()))
                    .collect::<Vec<_>>()
            };
            // A package adds only its own facts (copstart.sh, loadNNN.txt read).
            let zf = key(&z);
            let cf: Vec<_> = key(&c)
                .into_iter()
                .filter(|(_, code, _)| *code != Code::PackageEntryIgnored)
                .collect();
            assert_eq!(zf, cf);
        }
    }
}
