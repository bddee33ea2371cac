//! `lifeline config --phones` and `lifeline bundle --phones`, run as real processes:
//! every phone's file per family, bad rows refused with nothing written, and each
//! generated file passing the same `config --check` that reads a user's own.

use lifeline_shared::models::FamilyId;
use lifeline_shared::testkit::families::family_firmware;
use lifeline_shared::testkit::{seed_zip, sip_seed_zip};
use lifeline_shared::testkit79::sip79_zip;
use lifeline_tests::lifeline_bin;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(lifeline_bin())
        .args(args)
        .output()
        .expect("lifeline runs")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

struct Case {
    _dir: tempfile::TempDir,
    fw: PathBuf,
    csv: PathBuf,
    out: PathBuf,
}

fn case(zip: Vec<u8>, csv: &str) -> Case {
    let dir = tempfile::tempdir().unwrap();
    let fw = dir.path().join("fw.zip");
    std::fs::write(&fw, zip).unwrap();
    let path = dir.path().join("phones.csv");
    std::fs::write(&path, csv).unwrap();
    let out = dir.path().join("tftp");
    Case {
        fw,
        csv: path,
        out,
        _dir: dir,
    }
}

fn config(c: &Case) -> Output {
    run(&[
        "config",
        "--firmware",
        s(&c.fw),
        "--call-manager",
        "10.0.0.5",
        "--phones",
        s(&c.csv),
        "--out",
        s(&c.out),
    ])
}

/// Runs `config --check` (with the firmware) on every file in `dir`; all must be ok.
fn check_all(c: &Case) {
    let mut files: Vec<String> = std::fs::read_dir(&c.out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_ascii_lowercase();
            n.ends_with(".cnf.xml") || n.ends_with(".cnf") || n == "os79xx.txt"
        })
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut args = vec!["config", "--firmware", s(&c.fw), "--check"];
    args.extend(files.iter().map(String::as_str));
    let o = run(&args);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert_eq!(out.matches(": ok\n").count(), files.len(), "{out}");
}

#[test]
fn a_sip_79x1_list_writes_each_phones_lines_and_passes_the_check() {
    let c = case(
        sip_seed_zip(),
        "MAC,Extension,password,Display Name,proxy,port,room\n\
         00:11:22:aa:bb:01,201,s3cret-201,\"Front, desk\",,,12\n\
         0011.22aa.bb02,202,s3cret-202,,pbx.example.net,5070,14\n\
         SEP001122AABB03,,,,,,15\n",
    );
    let o = config(&c);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(err.contains("ignored the column `room`"), "{err}");
    let one = std::fs::read_to_string(c.out.join("SEP001122AABB01.cnf.xml")).unwrap();
    for want in [
        "<proxy>10.0.0.5</proxy>",
        "<port>5060</port>",
        "<name>201</name>",
        "<displayName>Front, desk</displayName>",
        "<authName>201</authName>",
        "<authPassword>s3cret-201</authPassword>",
        "<contact>201</contact>",
        "<timerRegisterExpires>3600</timerRegisterExpires>",
        "<timerKeepAliveExpires>120</timerKeepAliveExpires>",
        "<natEnabled>false</natEnabled>",
        "<dialTemplate>dialplan.xml</dialTemplate>",
        "<dateTemplate>D/M/Y</dateTemplate>",
        "<transportLayerProtocol>2</transportLayerProtocol>",
    ] {
        assert!(one.contains(want), "missing {want} in\n{one}");
    }
    let two = std::fs::read_to_string(c.out.join("SEP001122AABB02.cnf.xml")).unwrap();
    assert!(two.contains("<proxy>pbx.example.net</proxy>") && two.contains("<port>5070</port>"));
    // A phone without a user gets its file, with no SIP line.
    let three = std::fs::read_to_string(c.out.join("SEP001122AABB03.cnf.xml")).unwrap();
    assert!(!three.contains("<sipLines>"), "{three}");
    assert!(c.out.join("XMLDefault.cnf.xml").exists());
    // What each dialTemplate names is served too.
    let plan = std::fs::read_to_string(c.out.join("dialplan.xml")).unwrap();
    assert!(plan.starts_with("<DIALTEMPLATE>"), "{plan}");
    assert_eq!(
        out.matches("anyone on the LAN").count(),
        1,
        "said once: {out}"
    );
    assert!(!out.contains("s3cret") && !err.contains("s3cret"));
    check_all(&c);
}

#[test]
fn bad_rows_are_errors_naming_line_and_column_and_nothing_is_written() {
    let c = case(
        sip_seed_zip(),
        "mac,model,user,password\n\
         00:11:22:aa:bb:01,7961,201,ok\n\
         00:11:22:aa:bb,7961,202,ok\n\
         00:11:22:aa:bb:03,7942,203,ok\n\
         00:11:22:aa:bb:04,7961,204,thirteen-char\n\
         00:11:22:aa:bb:01,7961,205,ok\n\
         00:11:22:aa:bb:06,7961,201,ok\n",
    );
    let o = config(&c);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    let p = s(&c.csv);
    for want in [
        format!("{p}: line 3, column 1 (mac): `00:11:22:aa:bb` is not a MAC address"),
        format!(
            "{p}: line 4, column 2 (model): this firmware (7941/7961) does not serve the 7942;"
        ),
        format!("{p}: line 5, column 4 (password): 13 characters;"),
        format!("{p}: line 6, column 1 (mac): MAC 001122AABB01 is also on line 2"),
        format!("{p}: line 7, column 3 (user): extension 201 is also on line 2"),
        format!("{p}: 5 rows are bad; nothing was written."),
    ] {
        assert!(err.contains(&want), "missing {want:?} in\n{err}");
    }
    assert!(!c.out.exists(), "nothing written");
    assert!(!err.contains("thirteen-char"), "no password in the output");
    // A list that cannot be read at all.
    std::fs::write(&c.csv, "user,password\n201,x\n").unwrap();
    let o = config(&c);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o)
            .1
            .contains("line 1: the header row has no `mac` column")
    );
    std::fs::write(&c.csv, b"mac\n\xff\xfe\n").unwrap();
    let o = config(&c);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).1.contains("byte 5 is not UTF-8 text"),
        "{}",
        text(&o).1
    );
    assert!(!c.out.exists());
}

#[test]
fn a_7960_list_writes_its_sip_cnf_and_passes_the_check() {
    let long = "p".repeat(32);
    let c = case(
        sip79_zip(),
        &format!("mac,user,auth_name,password,display_name\n001122aabb01,301,a301,{long},Lab\n"),
    );
    let o = config(&c);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    let cnf = std::fs::read_to_string(c.out.join("SIP001122AABB01.cnf")).unwrap();
    for want in [
        "proxy1_address: \"10.0.0.5\"",
        "line1_name: \"301\"",
        "line1_authname: \"a301\"",
        &format!("line1_password: \"{long}\""),
        "line1_displayname: \"Lab\"",
    ] {
        assert!(cnf.contains(want), "missing {want} in\n{cnf}");
    }
    let xml = std::fs::read_to_string(c.out.join("SEP001122AABB01.cnf.xml")).unwrap();
    assert!(
        !xml.contains(&long),
        "one copy of the password, in the .cnf: {xml}"
    );
    check_all(&c);
    std::fs::write(
        &c.csv,
        format!("mac,user,password\n001122aabb01,301,{long}x\n"),
    )
    .unwrap();
    std::fs::remove_dir_all(&c.out).unwrap();
    let o = config(&c);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o)
            .1
            .contains("33 characters; a 7940/7960 cuts longer ones")
    );
    assert!(!c.out.exists());
}

#[test]
fn an_88xx_list_needs_auth_names_and_gets_kpml_off() {
    let fw = family_firmware(FamilyId::F88xx);
    let c = case(fw.zip(), "mac,user,password\n001122aabb01,401,pw\n");
    let o = config(&c);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o)
            .1
            .contains("line 2 (no `auth_name` column in the header): an 8811"),
        "{}",
        text(&o).1
    );
    std::fs::write(
        &c.csv,
        "mac,user,auth_name,password\n001122aabb01,401,a401,pw\n",
    )
    .unwrap();
    let o = config(&c);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    let xml = std::fs::read_to_string(c.out.join("SEP001122AABB01.cnf.xml")).unwrap();
    assert!(xml.contains("<kpml>0</kpml>") && xml.contains("<authName>a401</authName>"));
    check_all(&c);
}

#[test]
fn an_sccp_list_gets_no_sip_lines_and_one_note() {
    let c = case(
        seed_zip(),
        "mac,user,password\n001122aabb01,201,x\n001122aabb02,202,y\n",
    );
    let o = config(&c);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert_eq!(err.matches("get no SIP lines").count(), 1, "{err}");
    let xml = std::fs::read_to_string(c.out.join("SEP001122AABB02.cnf.xml")).unwrap();
    assert!(
        !xml.contains("sipProfile") && !xml.contains("authPassword"),
        "{xml}"
    );
    assert!(
        !out.contains("anyone on the LAN"),
        "no password was written"
    );
    check_all(&c);
}

#[test]
fn bundle_takes_the_list_and_keeps_passwords_out_of_its_manifest() {
    let c = case(
        sip_seed_zip(),
        "mac,model,user,password\n001122aabb01,7961,201,pw-201\n001122aabb02,,202,pw-202\n",
    );
    let o = run(&[
        "bundle",
        s(&c.fw),
        "--tftp-server",
        "10.0.0.2",
        "--call-manager",
        "10.0.0.5",
        "--phones",
        s(&c.csv),
        "--out",
        s(&c.out),
    ]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    let xml = std::fs::read_to_string(c.out.join("SEP001122AABB02.cnf.xml")).unwrap();
    assert!(xml.contains("<authPassword>pw-202</authPassword>"), "{xml}");
    assert!(c.out.join("dialplan.xml").exists());
    let manifest = std::fs::read_to_string(c.out.join("lifeline-bundle.json")).unwrap();
    assert!(manifest.contains("001122AABB01") && manifest.contains("7961"));
    assert!(!manifest.contains("pw-20"), "{manifest}");
    assert_eq!(out.matches("anyone on the LAN").count(), 1, "{out}");
    assert!(!out.contains("pw-20") && !err.contains("pw-20"));
    // A bad row: exit 2, no bundle.
    std::fs::write(&c.csv, "mac,user\n001122aabb01,201\n001122aabb01,202\n").unwrap();
    std::fs::remove_dir_all(&c.out).unwrap();
    let o = run(&[
        "bundle",
        s(&c.fw),
        "--tftp-server",
        "10.0.0.2",
        "--phones",
        s(&c.csv),
        "--out",
        s(&c.out),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o)
            .1
            .contains("line 3, column 1 (mac): MAC 001122AABB01 is also on line 2")
    );
    assert!(!c.out.exists());
}
