//! The newer families on the virtual clock: each boots from its synthetic
//! firmware (`testkit::families`) in its boot order, and the phone checks
//! what its manifest states: a 792x image's MD5 and size, an optional `#+`
//! component that is absent, a 78xx/88xx image's size, a 69xx image's
//! embedded name.

use lifeline_shared::config::cnf_xml::{self, DefaultSettings, ModelLoad};
use lifeline_shared::models::{self, FamilyId, Protocol};
use lifeline_shared::testkit::families::{self, FamilyFirmware, NEWER_FAMILIES, family_firmware};
use lifeline_shared::testkit::image;

use super::*;

/// The firmware's files and an `XMLDefault.cnf.xml` naming its load for
/// every model of the family.
fn served(fw: &FamilyFirmware) -> BTreeMap<String, Vec<u8>> {
    let mut files: BTreeMap<String, Vec<u8>> = fw.files.iter().cloned().collect();
    let xml = cnf_xml::xml_default(&DefaultSettings {
        load: fw.load.clone(),
        protocol: models::protocol_of_name(&fw.load).unwrap_or(Protocol::Sccp),
        models: models::models_of_load(fw.family, &fw.load)
            .map(|m| ModelLoad {
                device_id: m.device_id,
                product: m.product.into(),
            })
            .collect(),
        call_managers: vec!["10.78.0.1".into()],
    })
    .unwrap();
    files.insert("XMLDefault.cnf.xml".into(), xml.into_bytes());
    files
}

fn spec_of(model: &'static models::Model, mode: Scenario) -> PhoneSpec {
    PhoneSpec {
        model,
        ..spec(mode)
    }
}

/// Boots the firmware's first model against a case-insensitive server (as
/// Lifeline's is: a 792x's configuration names `CP7925G-…` and the phone asks
/// for `CP7925G-….loads` while the file is `….LOADS`).
fn boot(
    fw: &FamilyFirmware,
    files: BTreeMap<String, Vec<u8>>,
) -> (report::PhoneReport, Vec<String>) {
    let mut net = FakeNet::new(files);
    net.case_insensitive = true;
    let (r, _) = run(
        spec_of(fw.model(), Scenario::Boot),
        Network::Server(server()),
        &mut net,
    );
    (r, net.requested)
}

#[test]
fn every_model_of_every_newer_family_boots_in_its_order() {
    for id in NEWER_FAMILIES {
        let fw = family_firmware(id);
        for model in models::models_of_load(id, &fw.load) {
            let mut net = FakeNet::new(served(&fw));
            net.case_insensitive = true;
            let (r, _) = run(
                spec_of(model, Scenario::Boot),
                Network::Server(server()),
                &mut net,
            );
            assert!(recovered(&r), "{}: {}", model.name, r.verdict.sentence());
            let mut expected: Vec<String> = [
                "CTLSEP001B54780007.tlv",
                "ITLSEP001B54780007.tlv",
                "ITLFile.tlv",
                "SEP001B54780007.cnf.xml",
                "XMLDefault.cnf.xml",
            ]
            .map(str::to_owned)
            .to_vec();
            // The phone asks for `<LOAD>.loads` whatever case the file has.
            expected.push(format!("{}.loads", fw.load));
            expected.extend(fw.images.iter().cloned());
            assert_eq!(net.requested, expected, "{}", model.name);
            assert!(matches!(
                &r.verdict,
                Verdict::WouldRecover { load: Some(l), images, .. }
                    if *l == fw.load && *images == fw.images.len()
            ));
            assert!(
                r.notes[0].contains("has not been captured from the"),
                "{:?}",
                r.notes
            );
        }
    }
}

#[test]
fn a_792x_image_with_another_md5_is_refused_naming_both() {
    let fw = family_firmware(FamilyId::F792x);
    let mut files = served(&fw);
    let wlan = "WLANH-1.4.7.3.SBN";
    let good = families::md5_hex(&files[wlan]);
    *files.get_mut(wlan).unwrap().last_mut().unwrap() ^= 1;
    let bad = families::md5_hex(&files[wlan]);
    let (r, requested) = boot(&fw, files);
    let s = stuck(&r);
    assert_eq!(s.file.as_deref(), Some(wlan));
    assert_eq!(
        s.problem,
        Problem::ImageMd5 {
            stated: good.clone(),
            got: bad.clone()
        }
    );
    assert_eq!(s.problem.code(), "md5-mismatch");
    let sentence = s.sentence();
    assert!(
        sentence.contains(&good) && sentence.contains(&bad),
        "{sentence}"
    );
    assert_eq!(
        requested.last().map(String::as_str),
        Some(wlan),
        "nothing after it"
    );
}

#[test]
fn a_792x_image_of_another_size_is_refused() {
    let fw = family_firmware(FamilyId::F792x);
    let mut files = served(&fw);
    let sys = "SYSH-1.4.7.3.SBN";
    let stated = files[sys].len() as u64;
    files.insert(sys.into(), image(sys, 1234));
    let (r, _) = boot(&fw, files);
    assert_eq!(stuck(&r).problem, Problem::ImageSize { stated, got: 1234 });
}

#[test]
fn absent_optional_792x_components_are_a_note_and_the_phone_goes_on() {
    let fw = families::build(FamilyId::F792x, false);
    let (r, requested) = boot(&fw, served(&fw));
    assert!(recovered(&r), "{}", r.verdict.sentence());
    assert!(
        requested.iter().any(|n| n == "JUIH-1.4.7.3.SBN"),
        "asked for"
    );
    assert!(matches!(r.verdict, Verdict::WouldRecover { images: 6, .. }));
    let notes = r.notes.join("\n");
    assert!(
        notes.contains("JSYSH-1.4.7.3.SBN is listed as optional (#+)"),
        "{notes}"
    );
    assert!(
        notes.contains("JUIH-1.4.7.3.SBN is listed as optional (#+)"),
        "{notes}"
    );

    // A required image missing is still the verdict.
    let mut files = served(&fw);
    files.remove("GUIH-1.4.7.3.SBN");
    let (r, _) = boot(&fw, files);
    assert_eq!(stuck(&r).file.as_deref(), Some("GUIH-1.4.7.3.SBN"));
}

#[test]
fn an_88xx_image_cut_short_is_refused_for_its_size() {
    let fw = family_firmware(FamilyId::F88xx);
    let mut files = served(&fw);
    let rootfs = fw.images[2].clone();
    let stated = files[&rootfs].len() as u64;
    files
        .get_mut(&rootfs)
        .unwrap()
        .truncate(stated as usize - 1);
    let (r, _) = boot(&fw, files);
    let s = stuck(&r);
    assert_eq!(s.file.as_deref(), Some(rootfs.as_str()));
    assert_eq!(
        s.problem,
        Problem::ImageSize {
            stated,
            got: stated - 1
        }
    );
    assert!(
        r.notes.iter().any(|n| n.contains("[PLATFORM_n]")),
        "{:?}",
        r.notes
    );
}

#[test]
fn a_69xx_image_signed_under_another_name_is_refused() {
    let fw = family_firmware(FamilyId::F69xx);
    let mut files = served(&fw);
    let boot_image = fw.images[0].clone();
    files.insert(boot_image.clone(), image("BOOT69xx.0-0-0-13.zz.sgn", 3000));
    let (r, _) = boot(&fw, files);
    assert_eq!(
        stuck(&r).problem,
        Problem::WrongName {
            embedded: "BOOT69xx.0-0-0-13.zz.sgn".into()
        }
    );
}

#[test]
fn a_family_without_a_recovery_manifest_says_to_simulate_a_boot() {
    let fw = family_firmware(FamilyId::F88xx);
    let mut net = FakeNet::new(served(&fw));
    let model = models::model("8841").unwrap();
    let (r, _) = run(
        spec_of(model, Scenario::Recovery),
        Network::Server(server()),
        &mut net,
    );
    match &r.verdict {
        Verdict::CouldNotRun { reason } => {
            assert!(
                reason.contains("an 8841 has no termNN.default.loads"),
                "{reason}"
            );
            assert!(reason.contains("--mode boot"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(net.requested.is_empty());
}

#[test]
fn an_88xx_manifest_cut_short_is_refused_for_its_header() {
    let fw = family_firmware(FamilyId::F88xx);
    let mut files = served(&fw);
    let manifest = files.get_mut(&fw.manifest).unwrap();
    manifest.truncate(manifest.len() - 10);
    let (r, requested) = boot(&fw, files);
    let s = stuck(&r);
    assert_eq!(
        s.file.as_deref(),
        Some(format!("{}.loads", fw.load).as_str())
    );
    assert!(
        matches!(&s.problem, Problem::BadHeader { error } if error.contains("the header says the body is"))
    );
    assert_eq!(
        requested.last(),
        Some(&format!("{}.loads", fw.load)),
        "no image asked for"
    );
}

#[test]
fn every_newer_family_given_its_running_load_takes_the_load_named_and_settles() {
    for id in NEWER_FAMILIES {
        let fw = family_firmware(id);
        let model = fw.model();
        let protocol = models::protocol_of_name(&fw.load).unwrap_or(Protocol::Sccp);
        let mut net = FakeNet::new(served(&fw));
        net.case_insensitive = true;
        let spec = PhoneSpec {
            running: lifeline_shared::plan::Running::parse("8.5(2)", protocol),
            ..spec_of(model, Scenario::Boot)
        };
        let (r, _) = run(spec, Network::Server(server()), &mut net);
        let Verdict::Upgrade(u) = &r.verdict else {
            panic!("{}: {}", model.name, r.verdict.sentence());
        };
        assert_eq!(u.status(), "now-on", "{}: {}", model.name, u.sentence());
        assert_eq!(u.ran.len(), 2, "{}: {:?}", model.name, u.ran);
        assert_eq!(u.ran[0], "8.5(2)");
        assert!(
            u.now_on.ends_with(&format!(" ({})", fw.load)),
            "{}",
            u.now_on
        );
        assert_eq!(u.now_on_load.as_deref(), Some(fw.load.as_str()));
        assert_eq!(u.boots, 2, "{}", model.name);
        let manifest = format!("{}.loads", fw.load);
        assert_eq!(
            net.requested.iter().filter(|n| **n == manifest).count(),
            1,
            "{}: {:?}",
            model.name,
            net.requested
        );
    }
}
