//! What a bundle adds for a 7940/7960 load: `OS79XX.TXT` (both protocols: it is what a
//! reset phone reads to choose one), and for a SIP load `SIPDefault.cnf`, each phone's
//! `SIP<MAC>.cnf`, `dialplan.xml` and `RINGLIST.DAT` (see [`crate::config::sip79`]).

use super::{BundleError, Settings};
use crate::config::cnf_xml::SipSettings;
use crate::config::mac::Mac;
use crate::config::sip79;
use crate::finding::Finding;
use crate::firmware::inspect::Report;

/// Files (name, content) and the warnings about them.
type Files = (Vec<(String, Vec<u8>)>, Vec<Finding>);

/// The generated files (name, content) and their warnings; nothing for another family.
/// The registrar of `SIPDefault.cnf` is the first call-control address.
pub(super) fn files(
    report: &Report,
    settings: &Settings,
    sip: &[(Mac, SipSettings)],
) -> Result<Files, BundleError> {
    let proxy = settings
        .call_managers
        .first()
        .map(String::as_str)
        .unwrap_or("");
    let phones: Vec<Mac> = settings.phones.iter().map(|p| p.mac).collect();
    let (files, findings) = sip79::files_for(report, proxy, &phones, sip)?;
    Ok((
        files
            .into_iter()
            .map(|(n, t)| (n, t.into_bytes()))
            .collect(),
        findings,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::{Phone, build_with_sip, firmware_from_archive};
    use crate::config::cnf_xml::{SipLine, SipSettings};
    use crate::firmware::inspect::inspect_archive;
    use crate::testkit79::{SCCP79_LOAD, SIP79_LOAD, cop_name, sccp79_zip, sip79_cop};
    use std::net::Ipv4Addr;

    fn settings(model: &str) -> super::Settings {
        super::Settings {
            tftp_servers: vec![Ipv4Addr::new(192, 168, 10, 105)],
            call_managers: vec!["192.168.10.1".into()],
            phones: vec![Phone {
                mac: "00:11:22:aa:bb:cc".parse().unwrap(),
                model: Some(model.into()),
            }],
        }
    }

    #[test]
    fn a_sip_7960_bundle_from_a_cop_holds_what_the_phone_reads() {
        let name = cop_name(SIP79_LOAD);
        let cop = sip79_cop();
        let report = inspect_archive(&name, &cop).unwrap();
        let fw = firmware_from_archive(&name, &cop, &report).unwrap();
        let sip = SipSettings {
            proxy: "192.168.10.1".into(),
            port: 5060,
            lines: vec![SipLine {
                display_name: "Front desk".into(),
                user: "201".into(),
                auth_name: "201".into(),
                auth_password: "secret".into(),
            }],
        };
        let mac = "00:11:22:aa:bb:cc".parse().unwrap();
        let b = build_with_sip(&report, fw, &settings("7960"), &[(mac, sip)]).unwrap();
        let names: Vec<&str> = b.contents.keys().map(String::as_str).collect();
        for n in [
            "OS79XX.TXT",
            "SIPDefault.cnf",
            "SIP001122AABBCC.cnf",
            "dialplan.xml",
            "RINGLIST.DAT",
            "XMLDefault.cnf.xml",
            "SEP001122AABBCC.cnf.xml",
            "P0S3-8-12-00.loads",
            "P0S3-8-12-00.sb2",
            "P003-8-12-00.sbn",
            "P0S3-8-12-00.bin",
        ] {
            assert!(names.contains(&n), "{n} in {names:?}");
        }
        assert_eq!(b.contents["OS79XX.TXT"], SIP79_LOAD.as_bytes());
        let own = String::from_utf8(b.contents["SIP001122AABBCC.cnf"].clone()).unwrap();
        assert!(own.contains("line1_password: \"secret\""), "{own}");
        // The passwords stay out of lifeline-bundle.json, as for SEP<MAC>.cnf.xml.
        assert!(!b.manifest_json().contains("secret"));
        let xml = String::from_utf8(b.contents["XMLDefault.cnf.xml"].clone()).unwrap();
        assert!(
            xml.contains(
                "<loadInformation7 model=\"IP Phone 7960\">P0S3-8-12-00</loadInformation7>"
            )
        );
        assert!(
            xml.contains(
                "<loadInformation8 model=\"IP Phone 7940\">P0S3-8-12-00</loadInformation8>"
            )
        );
        // What Lifeline writes, its own check accepts.
        let images = [SIP79_LOAD.to_string()];
        for f in ["SIPDefault.cnf", "SIP001122AABBCC.cnf"] {
            let text = String::from_utf8(b.contents[f].clone()).unwrap();
            assert_eq!(crate::config::sip79::check(f, &text, Some(&images)), []);
        }
    }

    #[test]
    fn an_sccp_7960_bundle_gets_os79xx_and_no_sip_files() {
        let zip = sccp79_zip();
        let report = inspect_archive("P0030801SR02.zip", &zip).unwrap();
        let fw = firmware_from_archive("P0030801SR02.zip", &zip, &report).unwrap();
        let b = build_with_sip(&report, fw, &settings("7940"), &[]).unwrap();
        assert_eq!(b.contents["OS79XX.TXT"], SCCP79_LOAD.as_bytes());
        assert!(!b.contents.contains_key("SIPDefault.cnf"));
        assert!(!b.contents.contains_key("SIP001122AABBCC.cnf"));
        let xml = String::from_utf8(b.contents["XMLDefault.cnf.xml"].clone()).unwrap();
        assert!(xml.contains("<ethernetPhonePort>2000</ethernetPhonePort>"));
        assert!(
            xml.contains(
                "<loadInformation8 model=\"IP Phone 7940\">P0030801SR02</loadInformation8>"
            )
        );
    }

    #[test]
    fn other_families_get_none_of_it() {
        let zip = crate::testkit::seed_zip();
        let report = inspect_archive("seed.zip", &zip).unwrap();
        let fw = firmware_from_archive("seed.zip", &zip, &report).unwrap();
        let b = build_with_sip(&report, fw, &settings("7961"), &[]).unwrap();
        assert!(!b.contents.contains_key("OS79XX.TXT"));
    }
}
