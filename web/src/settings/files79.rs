//! The 7940/7960's own files in the preview: what the shared writer makes for the bundle
//! (`OS79XX.TXT`, and for a SIP load `SIPDefault.cnf`, `SIP<MAC>.cnf`, `dialplan.xml`,
//! `RINGLIST.DAT`), each with when the phone reads it.

use lifeline_shared::config::cnf_xml::SipSettings;
use lifeline_shared::config::mac::Mac;
use lifeline_shared::config::sip79;
use lifeline_shared::firmware::inspect::Report;

use super::files::File;

/// When a 7940/7960 reads `name`, in plain words.
fn note(name: &str) -> String {
    match name {
        sip79::OS79XX => "Read after a factory reset: one image name, nothing after it. Its third letter is the protocol (0 SCCP, S SIP): a phone on the other protocol loads this image to switch.".into(),
        sip79::SIP_DEFAULT => "A SIP 7940/7960 reads it after its own SIP<MAC>.cnf: the registrar and, in image_version, the image.".into(),
        sip79::DIALPLAN => "SIPDefault.cnf's dial_template names it: a number is dialled 5 s after the last digit, or at once with #.".into(),
        sip79::RINGLIST => "Extra ring tones: none, so the phone keeps its own, and its request is answered.".into(),
        _ => "This phone's own SIP file, by MAC: its line and password (kept out of lifeline-bundle.json). It wins over SIPDefault.cnf.".into(),
    }
}

/// The files, or none for another family (or settings the writer refuses).
pub(super) fn files(
    report: &Report,
    proxy: &str,
    phones: &[Mac],
    sip: &[(Mac, SipSettings)],
) -> Vec<File> {
    let Ok((files, findings)) = sip79::files_for(report, proxy, phones, sip) else {
        return Vec::new();
    };
    files
        .into_iter()
        .map(|(name, text)| File {
            note: note(&name),
            findings: findings
                .iter()
                .filter(|f| f.subject.starts_with(&name))
                .cloned()
                .collect(),
            name,
            text,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::settings::{SipForm, bundle_inputs, files};
    use crate::test_support::{form, mac};
    use lifeline_shared::bundle;
    use lifeline_shared::firmware::inspect::inspect_archive;
    use lifeline_shared::testkit79::{SIP79_LOAD, cop_name, sccp79_zip, sip79_cop};

    #[test]
    fn a_sip_7960_preview_is_its_bundle() {
        let name = cop_name(SIP79_LOAD);
        let cop = sip79_cop();
        let report = inspect_archive(&name, &cop).unwrap();
        let mut f = form("192.168.10.105", "10.0.0.1", "001122aabbcc=7960");
        let mut line = SipForm::new(mac("001122aabbcc"));
        line.user = "201".into();
        line.display_name = "Desk".into();
        line.password = "secret".into();
        f.sip.push(line);
        let previews = files(Some(&report), &f).unwrap();
        let names: Vec<&str> = previews.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "XMLDefault.cnf.xml",
                "SEP001122AABBCC.cnf.xml",
                "OS79XX.TXT",
                "SIPDefault.cnf",
                "SIP001122AABBCC.cnf",
                "dialplan.xml",
                "RINGLIST.DAT",
            ]
        );
        let os = &previews[2];
        assert_eq!(os.text, SIP79_LOAD);
        assert!(
            os.note.contains("third letter is the protocol"),
            "{}",
            os.note
        );
        assert!(previews[4].text.contains("line1_password: \"secret\""));
        let (settings, sip) = bundle_inputs(Some(&report), &f).unwrap();
        let fw = bundle::firmware_from_archive(&name, &cop, &report).unwrap();
        let b = bundle::build_with_sip(&report, fw, &settings, &sip).unwrap();
        for p in &previews {
            assert_eq!(b.contents[&p.name], p.text.as_bytes(), "{}", p.name);
        }
    }

    #[test]
    fn an_sccp_7940_preview_adds_os79xx_only() {
        let zip = sccp79_zip();
        let report = inspect_archive("P0030801SR02.zip", &zip).unwrap();
        let previews = files(Some(&report), &form("192.168.10.105", "10.0.0.1", "")).unwrap();
        let names: Vec<&str> = previews.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["XMLDefault.cnf.xml", "OS79XX.TXT"]);
    }
}
