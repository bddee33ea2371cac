//! Writes the synthetic firmware fixtures the browser tests and benchmarks use.
//!
//! `make-fixtures DIR` writes:
//! - `seed.zip`: shaped like Cisco's `cmterm-7941_7961-sccp.8-3-3.zip`: the
//!   same entry names and sizes, synthetic signed images.
//! - `missing-image.zip`: the same without `dsp41.8-3-2-27.sbn`.
//! - `case-mismatch.zip`: manifests that list `Jar41sccp…` while the image is `jar41sccp…`.
//! - `not-a-zip.zip`: text with a .zip name.
//! - `sip.zip`: the seed as a SIP load (`SIP41.8-3-3S`, `jar41sip…`, `cvm41sip…`).
//! - `cmterm-7941_7961-sccp.8-3-3.cop.sgn`: the seed as a Call Manager package (signed
//!   header, gzip'd tar, `copstart.sh`, `loadNNN.txt`), and `seed-package.zip`: a zip of
//!   the same files.
//! - `cmterm-no-term.cop.sgn`: that package without its `termNN.default.loads`, as
//!   some Call Manager packages come.
//! - `8841.zip`: a synthetic `sip88xx` load (`cd 34 12 ab` header, INI body);
//!   `7925.zip`: a synthetic `CP7925G` load (`NAME SIZE MD5` lines, `#+`
//!   components), both from `lifeline_shared::testkit::families`.
//! - `cmterm-7940-7960-P0S3-8-12-00.cop.sgn` and `P0S3-8-12-00.zip`: a 7940/7960 SIP
//!   load as a package and as a zip (`lifeline_shared::testkit79`).
//! - `cmterm-7941_7961-sccp.8-5-2.zip` (`SCCP41.8-5-2S`) and
//!   `cmterm-7941_7961-sccp.9-4-2SR3-1.zip` (`SCCP41.9-4-2SR3-1S`): two 7941/7961 loads
//!   an upgrade plan takes together, the first the hop before the second
//!   (`lifeline_shared::testkit::load_files`).
//!
//! `make-fixtures --fuzz-seeds DIR` writes small seed inputs for the fuzz targets
//! instead, one folder per target (`fuzz/seeds/` in the repository).
//!
//! Nothing here is Cisco's: every byte is made by `lifeline_shared::testkit`.

use lifeline_shared::firmware::package::testkit::{
    SEED_COP, cop_sgn, gzip, seed_cop, seed_package_files, tar_of,
};
use lifeline_shared::models::FamilyId;
use lifeline_shared::testkit::families::family_firmware;
use lifeline_shared::testkit::{
    ZipBuilder, case_mismatch_zip, image, load_files, manifest_body, seed_files, signed_file,
    sip_seed_zip, zip_of,
};
use lifeline_shared::testkit79;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let (fuzz, dir) = match args.as_slice() {
        [dir] if dir != "--fuzz-seeds" => (false, PathBuf::from(dir)),
        [flag, dir] if flag == "--fuzz-seeds" => (true, PathBuf::from(dir)),
        _ => {
            eprintln!("usage: make-fixtures DIR | make-fixtures --fuzz-seeds DIR");
            return ExitCode::from(2);
        }
    };
    let written = if fuzz {
        write_seeds(&dir)
    } else {
        write_all(&dir)
    };
    if let Err(e) = written {
        eprintln!("make-fixtures: {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn write_all(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let seed = seed_files();
    std::fs::write(dir.join("seed.zip"), zip_of(&seed))?;

    let missing: Vec<_> = seed
        .iter()
        .filter(|(n, _)| n != "dsp41.8-3-2-27.sbn")
        .cloned()
        .collect();
    std::fs::write(dir.join("missing-image.zip"), zip_of(&missing))?;

    std::fs::write(dir.join("case-mismatch.zip"), case_mismatch_zip())?;

    std::fs::write(dir.join("not-a-zip.zip"), b"this is not a zip file\n")?;

    std::fs::write(dir.join("sip.zip"), sip_seed_zip())?;

    // A Call Manager package of the seed, and the zip of the same files, for "the same
    // report either way".
    std::fs::write(dir.join(SEED_COP), seed_cop())?;
    std::fs::write(dir.join("seed-package.zip"), zip_of(&seed_package_files()))?;
    let no_term: Vec<_> = seed_package_files()
        .into_iter()
        .filter(|(n, _)| !n.starts_with("term"))
        .collect();
    std::fs::write(
        dir.join("cmterm-no-term.cop.sgn"),
        cop_sgn("cmterm-no-term.cop.sgn", 3, &gzip(&tar_of(&no_term))),
    )?;
    std::fs::write(dir.join("8841.zip"), family_firmware(FamilyId::F88xx).zip())?;
    std::fs::write(dir.join("7925.zip"), family_firmware(FamilyId::F792x).zip())?;
    std::fs::write(
        dir.join(testkit79::cop_name(testkit79::SIP79_LOAD)),
        testkit79::sip79_cop(),
    )?;
    std::fs::write(dir.join("P0S3-8-12-00.zip"), testkit79::sip79_zip())?;
    for (file, load) in [
        ("cmterm-7941_7961-sccp.8-5-2.zip", "SCCP41.8-5-2S"),
        ("cmterm-7941_7961-sccp.9-4-2SR3-1.zip", "SCCP41.9-4-2SR3-1S"),
    ] {
        std::fs::write(dir.join(file), zip_of(&load_files(load, 3000)))?;
    }
    Ok(())
}

fn write_seeds(dir: &std::path::Path) -> std::io::Result<()> {
    let names = ["jar41sccp.8-3-2-27.sbn", "cnu41.8-3-2-27.sbn"];
    let body = manifest_body("8-3-2-27", Some(5), &names);
    let loads = signed_file("SCCP41.8-3-3S.loads", &body);
    let put = |target: &str, name: &str, data: &[u8]| -> std::io::Result<()> {
        let d = dir.join(target);
        std::fs::create_dir_all(&d)?;
        std::fs::write(d.join(name), data)
    };
    put("signed_header", "loads", &loads)?;
    put("signed_header", "sbn", &image("apps41.8-3-2-27.sbn", 600))?;
    put("manifest_body", "79xx", &body)?;
    put(
        "manifest_body",
        "7940",
        b"P0030801SR02.sbn\nP0030801SR02.sb2\nLA_VERSION=PAS30831\n",
    )?;
    put(
        "manifest_body",
        "792x",
        b"#? HW_REV 0-4.*\n\nTNUX-1.4.6.3.SBN 897037 E247E40D9CF20472C6C397E6E427A517\n#+ J.SBN 1 E247E40D9CF20472C6C397E6E427A517\n",
    )?;
    let small = zip_of(&[
        ("SCCP41.8-3-3S.loads".into(), loads.clone()),
        (
            "jar41sccp.8-3-2-27.sbn".into(),
            image("jar41sccp.8-3-2-27.sbn", 700),
        ),
        (
            "cnu41.8-3-2-27.sbn".into(),
            image("cnu41.8-3-2-27.sbn", 500),
        ),
    ]);
    put("archive_inspect", "small.zip", &small)?;
    put(
        "sip79_cnf",
        "default.cnf",
        b"image_version: \"P0S3-8-12-00\"\nproxy1_address: \"10.0.0.1\"\n# c\nline1_name: 201 ; ext\n",
    )?;
    let mut stored = ZipBuilder::spec("term41.default.loads", loads);
    stored.store = lifeline_shared::testkit::Store::Stored;
    put(
        "archive_inspect",
        "stored.zip",
        &ZipBuilder::new().add_spec(stored).build(),
    )?;
    Ok(())
}
