//! `lifeline inspect`, run as a real process on synthetic firmware.

use lifeline_shared::testkit::{seed_files, seed_zip, zip_of};
use lifeline_tests::lifeline_bin;
use std::path::Path;
use std::process::{Command, Output};

fn inspect(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(lifeline_bin())
        .arg("inspect")
        .args(args)
        .output()
        .expect("lifeline runs")
}

fn write(dir: &Path, name: &str, data: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p
}

#[test]
fn a_clean_zip_exits_0_with_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let zip = write(dir.path(), "cmterm-7941_7961-sccp.8-3-3.zip", &seed_zip());
    let out = inspect(&[zip.as_os_str()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("Load      SCCP41.8-3-3S"), "{text}");
    assert!(text.contains("7961      device id 30018"), "{text}");
    assert!(text.contains("Findings: 0 errors"), "{text}");
    assert!(out.stderr.is_empty());
}

#[test]
fn json_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let zip = write(dir.path(), "seed.zip", &seed_zip());
    let out = inspect(&[zip.as_os_str(), "--json".as_ref()]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["load"], "SCCP41.8-3-3S");
    assert_eq!(v["protocol"], "SCCP");
    assert_eq!(v["family"], "7941-7961");
    assert_eq!(v["build"], "8.3(3)");
    let models: Vec<(String, u64, String)> = v["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["model"].as_str().unwrap().to_string(),
                m["device_id"].as_u64().unwrap(),
                m["recovery_manifest"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(models.contains(&("7941".into(), 115, "term41.default.loads".into())));
    assert!(models.contains(&("7961".into(), 30018, "term61.default.loads".into())));
    assert_eq!(v["entries"].as_array().unwrap().len(), 8);
    let m = &v["manifests"][0];
    assert_eq!(m["name"], "SCCP41.8-3-3S.loads");
    assert_eq!(m["embedded_name"], "SCCP41.8-3-3S.loads");
    assert_eq!(m["build"], "8.3(2)");
    assert_eq!(m["images"].as_array().unwrap().len(), 5);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn error_findings_exit_1_and_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<_> = seed_files()
        .into_iter()
        .filter(|(n, _)| n != "cvm41sccp.8-3-2-27.sbn")
        .collect();
    let zip = write(dir.path(), "broken.zip", &zip_of(&files));
    let out = inspect(&[zip.as_os_str(), "--json".as_ref()]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["severity"], "error");
    assert_eq!(f["code"], "missing-image");
    assert_eq!(f["subject"], "cvm41sccp.8-3-2-27.sbn");
    assert!(f["message"].as_str().unwrap().contains("File not found"));
}

#[test]
fn a_folder_and_a_single_file_are_inspected_too() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("extracted");
    std::fs::create_dir(&folder).unwrap();
    for (n, d) in seed_files() {
        write(&folder, &n, &d);
    }
    let out = inspect(&[folder.as_os_str(), "--json".as_ref()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["load"], "SCCP41.8-3-3S");
    assert_eq!(v["entries"].as_array().unwrap().len(), 8);

    let one = folder.join("term61.default.loads");
    let out = inspect(&[one.as_os_str(), "--json".as_ref()]);
    // Alone, the images it lists are missing: errors, exit 1, but a full report.
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["family"], "7941-7961");
    assert_eq!(v["manifests"][0]["images"].as_array().unwrap().len(), 5);
}

#[test]
fn unreadable_inputs_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.zip");
    let garbage = write(dir.path(), "garbage.zip", b"not a zip at all");
    let zip = seed_zip();
    let truncated = write(dir.path(), "cut.zip", &zip[..zip.len() / 3]);
    for (path, says) in [
        (&missing, "not found"),
        (&garbage, "not a zip"),
        (&truncated, "cut short"),
    ] {
        let out = inspect(&[path.as_os_str()]);
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        assert!(out.stdout.is_empty());
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("lifeline: error: "), "{err}");
        assert!(err.contains(says), "{err}");
    }
}

#[test]
fn json_mode_answers_bad_input_with_a_json_error_object() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = write(dir.path(), "garbage.zip", b"not a zip at all");
    let out = inspect(&[garbage.as_os_str(), "--json".as_ref()]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let error = v["error"].as_str().unwrap();
    assert!(error.contains("garbage.zip"), "{error}");
    assert!(error.contains("not a zip"), "{error}");
    assert_eq!(v["path"], garbage.display().to_string());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("lifeline: error: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn one_entry_is_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let (name, data) = seed_files()
        .into_iter()
        .find(|(n, _)| n == "term61.default.loads")
        .unwrap();
    let one = write(dir.path(), &name, &data);
    let out = inspect(&[one.as_os_str()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Entries: 1 file,"), "{text}");
}

#[test]
fn an_8841_firmware_says_it_is_fetched_over_http_first_and_a_7925_with_md5_errors_fails() {
    use lifeline_shared::models::FamilyId;
    use lifeline_shared::testkit::families::{self, family_firmware};
    let dir = tempfile::tempdir().unwrap();
    let zip = write(
        dir.path(),
        "8841.zip",
        &family_firmware(FamilyId::F88xx).zip(),
    );
    let out = inspect(&[zip.as_os_str()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("Family    8811/8841/8851/8861"), "{text}");
    assert!(
        text.contains("Fetches   over HTTP on port 6970 of the TFTP server first, then TFTP"),
        "{text}"
    );
    assert!(text.contains("8841      device id 683"), "{text}");

    // A 7925 whose GUI image is not the one its manifest's MD5 names.
    let fw = family_firmware(FamilyId::F792x);
    let files: Vec<(String, Vec<u8>)> = fw
        .files
        .iter()
        .map(|(n, d)| {
            let mut d = d.clone();
            if n == "GUIH-1.4.7.3.SBN" {
                *d.last_mut().unwrap() ^= 1;
            }
            (n.clone(), d)
        })
        .collect();
    let zip = write(dir.path(), "7925.zip", &zip_of(&files));
    let out = inspect(&[zip.as_os_str()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("[md5-mismatch] GUIH-1.4.7.3.SBN"), "{text}");
    assert!(!text.contains("Fetches"), "{text}");
    let stated = families::md5_hex(fw.file("GUIH-1.4.7.3.SBN").unwrap());
    assert!(
        text.contains(&format!("gives the image MD5 {stated}")),
        "{text}"
    );
}
