//! The configuration files the settings make, and everything the bundle needs
//! from them (pure).

use std::net::Ipv4Addr;

use lifeline_shared::bundle::{Phone, Settings};
use lifeline_shared::config::cnf_xml::{self, DefaultSettings, PhoneSettings, SipSettings};
use lifeline_shared::config::mac::Mac;
use lifeline_shared::config::sip79;
use lifeline_shared::finding::Finding;
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::models::{FamilyId, Protocol};

use super::phones::Table;
use super::{Check, Form, call_managers, table, tftp};

/// A generated file, with what to know about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    /// Its name in the TFTP root.
    pub name: String,
    pub text: String,
    /// When the phone reads it.
    pub note: String,
    /// Warnings from writing it (a long SIP password).
    pub findings: Vec<Finding>,
}

/// Why there are no files to show yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Blocked {
    /// No usable firmware report.
    Firmware(&'static str),
    /// The call-control list is empty or refused.
    CallManagers,
}

/// The load a usable report names (no errors, a load manifest).
pub fn usable_load(report: Option<&Report>) -> Result<&str, &'static str> {
    let Some(report) = report else {
        return Err("Inspect a firmware first");
    };
    if report.tally.errors > 0 {
        return Err("Fix the errors in the firmware first");
    }
    report
        .load
        .as_deref()
        .ok_or("The firmware has no load manifest to name")
}

/// The protocol of a report's load (SCCP when it does not say, as the bundle does).
pub fn protocol(report: &Report) -> Protocol {
    report.protocol.unwrap_or(Protocol::Sccp)
}

/// The phones of the table's good rows, and the SIP profile of each that has
/// one, as `lifeline config --phones` makes them from a file.
fn phones_and_profiles(t: &Table, cms: &[String]) -> (Vec<Phone>, Vec<(Mac, SipSettings)>) {
    let phones = t
        .phones()
        .map(|e| Phone {
            mac: e.mac,
            model: e.model.clone(),
        })
        .collect();
    let profiles = t
        .phones()
        .filter_map(|e| e.sip_settings(&t.target, cms).map(|s| (e.mac, s)))
        .collect();
    (phones, profiles)
}

/// Every configuration file for the form: `XMLDefault.cnf.xml` first, then one
/// `SEP<MAC>.cnf.xml` per good row of the phone table (bad rows are left out
/// until they are fixed), `dialplan.xml` when a SIP line names it, then a
/// 7940/7960's own files: what the bundle holds.
pub fn files(report: Option<&Report>, form: &Form) -> Result<Vec<File>, Blocked> {
    let load = usable_load(report).map_err(Blocked::Firmware)?;
    let Some(report) = report else {
        return Err(Blocked::Firmware("Inspect a firmware first"));
    };
    let Check::Good(cms) = call_managers(form) else {
        return Err(Blocked::CallManagers);
    };
    let protocol = protocol(report);
    let (phones, profiles) = phones_and_profiles(&table(&form.rows, report), &cms);
    let xml = cnf_xml::xml_default(&DefaultSettings {
        load: load.to_string(),
        protocol,
        models: cnf_xml::ModelLoad::all_of(report),
        call_managers: cms.clone(),
    })
    .map_err(|_| Blocked::CallManagers)?;
    let mut out = vec![File {
        name: "XMLDefault.cnf.xml".into(),
        text: xml,
        note: if phones.is_empty() {
            "The phone asks for this first: without a file of its own (a normal \"not found\"), it reads the load for its model here.".into()
        } else {
            "Phones without a file of their own read this one: it names the load for every model."
                .into()
        },
        findings: Vec::new(),
    }];
    let family79 = report.family == Some(FamilyId::F7940_7960);
    let macs: Vec<Mac> = phones.iter().map(|p| p.mac).collect();
    for p in &phones {
        // A 7940/7960's SIP image reads its line from SIP<MAC>.cnf; its
        // .cnf.xml carries no second copy of the password.
        let sip = profiles
            .iter()
            .find(|(m, _)| *m == p.mac && !family79)
            .map(|(_, s)| s.clone());
        let Ok((text, findings)) = cnf_xml::sep_cnf(&PhoneSettings {
            mac: p.mac,
            protocol,
            load: load.to_string(),
            call_managers: cms.clone(),
            sip,
        }) else {
            continue;
        };
        out.push(File {
            name: cnf_xml::sep_file_name(&p.mac),
            text,
            note: "The phone asks for this first: its own file, by MAC.".into(),
            findings,
        });
    }
    if protocol == Protocol::Sip && !family79 && !profiles.is_empty() {
        out.push(File {
            name: cnf_xml::DIALPLAN.to_string(),
            text: sip79::dialplan_xml(),
            note: "Each SIP line's dial template names it: a number is dialled 5 s after the last digit, or at once with #.".into(),
            findings: Vec::new(),
        });
    }
    // A 7940/7960's own files, as the bundle writes them (none for another family).
    if let Ok((extra, findings)) = sip79::files_for(report, &cms[0], &macs, &profiles) {
        out.extend(extra.into_iter().map(|(name, text)| {
            File {
                note: super::files79::note(&name),
                findings: findings
                    .iter()
                    .filter(|f| f.subject.starts_with(&name))
                    .cloned()
                    .collect(),
                name,
                text,
            }
        }));
    }
    Ok(out)
}

/// What [`lifeline_shared::bundle::build_with_sip`] takes besides the firmware:
/// the settings, and the SIP profiles by phone.
pub type BundleInputs = (Settings, Vec<(Mac, SipSettings)>);

/// Everything the bundle needs from the form, or the first thing still missing
/// (the reason shown on the Deliver step).
pub fn bundle_inputs(report: Option<&Report>, form: &Form) -> Result<BundleInputs, &'static str> {
    usable_load(report)?;
    let tftp_servers: Vec<Ipv4Addr> = match tftp(form) {
        Check::Good(list) => list.addresses,
        Check::Empty => return Err("Enter the TFTP address in step 2"),
        Check::Bad(_) => return Err("Fix the TFTP address in step 2"),
    };
    let cms = match call_managers(form) {
        Check::Good(list) => list,
        Check::Empty => return Err("Enter a call-control address in step 3"),
        Check::Bad(_) => return Err("Fix the call-control address in step 3"),
    };
    let Some(report) = report else {
        return Err("Inspect a firmware first");
    };
    let t = table(&form.rows, report);
    if t.bad() > 0 {
        return Err("Fix the phone list in step 3");
    }
    let (phones, profiles) = phones_and_profiles(&t, &cms);
    Ok((
        Settings {
            tftp_servers,
            call_managers: cms,
            phones,
        },
        profiles,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{form, line, sip_report};
    use lifeline_shared::bundle;
    use lifeline_shared::config::phones::Column;
    use lifeline_shared::firmware::inspect::inspect_zip;
    use lifeline_shared::testkit::{seed_zip, sip_seed_zip as sip_zip};

    fn seed() -> (Vec<u8>, Report) {
        let zip = seed_zip();
        let report = inspect_zip("seed.zip", &zip).unwrap();
        (zip, report)
    }

    #[test]
    fn files_need_a_usable_firmware_and_call_control() {
        let (_, report) = seed();
        assert_eq!(
            files(None, &form("", "10.0.0.1", "")),
            Err(Blocked::Firmware("Inspect a firmware first"))
        );
        assert_eq!(
            files(Some(&report), &form("", "", "")),
            Err(Blocked::CallManagers)
        );
        assert_eq!(
            files(Some(&report), &form("", "10.0.0.300", "")),
            Err(Blocked::CallManagers)
        );
        let mut broken = report.clone();
        broken.tally.errors = 1;
        assert_eq!(
            files(Some(&broken), &form("", "10.0.0.1", "")),
            Err(Blocked::Firmware("Fix the errors in the firmware first"))
        );
        let mut no_load = report.clone();
        no_load.load = None;
        assert!(matches!(
            files(Some(&no_load), &form("", "10.0.0.1", "")),
            Err(Blocked::Firmware(_))
        ));
    }

    #[test]
    fn the_seed_gives_xmldefault_with_both_models() {
        let (_, report) = seed();
        let f = files(Some(&report), &form("", "192.168.10.1", "")).unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].name, "XMLDefault.cnf.xml");
        assert!(f[0].note.starts_with("The phone asks for this first"));
        let x = &f[0].text;
        assert!(
            x.contains(
                "<loadInformation115 model=\"IP Phone 7941\">SCCP41.8-3-3S</loadInformation115>"
            ),
            "{x}"
        );
        assert!(x.contains(
            "<loadInformation30018 model=\"IP Phone 7961\">SCCP41.8-3-3S</loadInformation30018>"
        ));
        assert!(x.contains("<ethernetPhonePort>2000</ethernetPhonePort>"));
        // Phones get their own files; bad entries are left out.
        let f = files(
            Some(&report),
            &form(
                "",
                "192.168.10.1",
                "001122aabbcc\nnot-a-mac\n001122aabbcd=7961",
            ),
        )
        .unwrap();
        let names: Vec<&str> = f.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "XMLDefault.cnf.xml",
                "SEP001122AABBCC.cnf.xml",
                "SEP001122AABBCD.cnf.xml"
            ]
        );
        assert!(f[0].note.starts_with("Phones without a file of their own"));
        assert!(f[1].note.starts_with("The phone asks for this first"));
    }

    #[test]
    fn sip_loads_write_the_line_into_the_phone_file() {
        let report = sip_report();
        assert_eq!(report.protocol, Some(Protocol::Sip));
        let mut f = form("192.168.10.105", "10.0.0.1", "001122aabbcc\n001122aabbcd");
        line(
            &mut f,
            0,
            &[(Column::User, "201"), (Column::Password, "secret")],
        );
        let out = files(Some(&report), &f).unwrap();
        assert!(out[0].text.contains("<sipPort>5060</sipPort>"));
        assert!(out[1].text.contains("<name>201</name>"), "{}", out[1].text);
        assert!(!out[2].text.contains("sipProfile"));
        assert_eq!(out[3].name, "dialplan.xml");
        // A password the family cannot read is a bad row: no file for it.
        line(&mut f, 0, &[(Column::Password, "a-very-long-secret")]);
        let out = files(Some(&report), &f).unwrap();
        let names: Vec<&str> = out.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["XMLDefault.cnf.xml", "SEP001122AABBCD.cnf.xml"]);
    }

    #[test]
    fn bundle_inputs_say_what_is_missing_first() {
        let (_, report) = seed();
        let r = Some(&report);
        assert_eq!(
            bundle_inputs(None, &form("192.168.10.105", "10.0.0.1", "")).unwrap_err(),
            "Inspect a firmware first"
        );
        assert_eq!(
            bundle_inputs(r, &form("", "10.0.0.1", "")).unwrap_err(),
            "Enter the TFTP address in step 2"
        );
        assert_eq!(
            bundle_inputs(r, &form("1.2.3", "10.0.0.1", "")).unwrap_err(),
            "Fix the TFTP address in step 2"
        );
        assert_eq!(
            bundle_inputs(r, &form("192.168.10.105", "", "")).unwrap_err(),
            "Enter a call-control address in step 3"
        );
        assert_eq!(
            bundle_inputs(r, &form("192.168.10.105", "300.1.1.1", "")).unwrap_err(),
            "Fix the call-control address in step 3"
        );
        assert_eq!(
            bundle_inputs(r, &form("192.168.10.105", "10.0.0.1", "xyz")).unwrap_err(),
            "Fix the phone list in step 3"
        );
        let (settings, sip) =
            bundle_inputs(r, &form("192.168.10.105", "10.0.0.1", "001122aabbcc=7961")).unwrap();
        assert_eq!(settings.tftp_servers, [Ipv4Addr::new(192, 168, 10, 105)]);
        assert_eq!(settings.call_managers, ["10.0.0.1"]);
        assert_eq!(settings.phones.len(), 1);
        assert!(sip.is_empty());

        let report = sip_report();
        let mut f = form("192.168.10.105", "10.0.0.1", "001122aabbcc");
        line(&mut f, 0, &[(Column::Port, "x")]);
        assert_eq!(
            bundle_inputs(Some(&report), &f).unwrap_err(),
            "Fix the phone list in step 3"
        );
        line(&mut f, 0, &[(Column::Port, ""), (Column::User, "201")]);
        let (_, sip) = bundle_inputs(Some(&report), &f).unwrap();
        assert_eq!(sip.len(), 1);
        assert_eq!(sip[0].1.proxy, "10.0.0.1");
    }

    #[test]
    fn what_is_previewed_is_what_is_bundled() {
        let (zip, report) = seed();
        let f = form(
            "192.168.10.105",
            "10.0.0.1, 10.0.0.2",
            "001122aabbcc=7961\n001122aabbcd",
        );
        let previews = files(Some(&report), &f).unwrap();
        let (settings, sip) = bundle_inputs(Some(&report), &f).unwrap();
        let fw = bundle::firmware_from_zip(&zip, &report).unwrap();
        let b = bundle::build_with_sip(&report, fw, &settings, &sip).unwrap();
        for p in &previews {
            assert_eq!(b.contents[&p.name], p.text.as_bytes(), "{}", p.name);
        }

        let zip = sip_zip();
        let report = inspect_zip("sip.zip", &zip).unwrap();
        let mut f = form("192.168.10.105", "10.0.0.1", "001122aabbcc\n001122aabbcd");
        line(
            &mut f,
            0,
            &[
                (Column::User, "201"),
                (Column::DisplayName, "Desk"),
                (Column::Password, "secret"),
            ],
        );
        let previews = files(Some(&report), &f).unwrap();
        assert_eq!(previews.len(), 4);
        let (settings, sip) = bundle_inputs(Some(&report), &f).unwrap();
        let fw = bundle::firmware_from_zip(&zip, &report).unwrap();
        let b = bundle::build_with_sip(&report, fw, &settings, &sip).unwrap();
        for p in &previews {
            assert_eq!(b.contents[&p.name], p.text.as_bytes(), "{}", p.name);
        }
        let configs = b
            .manifest
            .files
            .iter()
            .filter(|f| f.kind == bundle::Kind::Config)
            .count();
        assert_eq!(configs, previews.len(), "every config file is previewed");
        assert!(
            previews[1]
                .text
                .contains("<authPassword>secret</authPassword>")
        );
    }
}

#[cfg(test)]
mod tests79 {
    use crate::settings::{bundle_inputs, files};
    use crate::test_support::{form, line};
    use lifeline_shared::bundle;
    use lifeline_shared::config::phones::Column;
    use lifeline_shared::firmware::inspect::inspect_archive;
    use lifeline_shared::testkit79::{SIP79_LOAD, cop_name, sccp79_zip, sip79_cop};

    #[test]
    fn a_sip_7960_preview_is_its_bundle() {
        let name = cop_name(SIP79_LOAD);
        let cop = sip79_cop();
        let report = inspect_archive(&name, &cop).unwrap();
        let mut f = form("192.168.10.105", "10.0.0.1", "001122aabbcc=7960");
        line(
            &mut f,
            0,
            &[
                (Column::User, "201"),
                (Column::DisplayName, "Desk"),
                (Column::Password, "secret"),
            ],
        );
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
