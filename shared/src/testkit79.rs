//! Synthetic 7940/7960 firmware, shaped like Cisco's (see `../shared/fixtures/loads/`'s
//! `P0S3-8-12-00.loads` and `P0030801SR02.loads`): a signed load manifest of LF lines
//! listing a `.sbn`, a `.sb2` and `LA_VERSION=…`, the two signed images, and the `.bin`
//! image the zips also carry (no manifest lists it). As a zip, and as a Call Manager package
//! (`.cop.sgn`: signed header + gzip'd tar with `copstart.sh` and `loadNNN.txt`). Nothing
//! here is Cisco's.

use crate::firmware::package::testkit::{COPSTART, cop_sgn, gzip, tar_of};
use crate::testkit::{image, signed_file, zip_of};

/// The synthetic SIP load (the real one of this name lists `P003-8-12-00.sbn`).
pub const SIP79_LOAD: &str = "P0S3-8-12-00";
/// The synthetic SCCP load.
pub const SCCP79_LOAD: &str = "P0030801SR02";

/// The files of a 7940/7960 firmware zip for `load`: `<load>.loads` listing `sbn` then
/// `sb2` (LF lines, `LA_VERSION=` last), the two signed images, and `<load>.bin`.
fn files_79(load: &str, sbn: &str, la_version: &str) -> Vec<(String, Vec<u8>)> {
    let sb2 = format!("{load}.sb2");
    let body = format!("{sbn}\n{sb2}\nLA_VERSION={la_version}\n");
    let manifest = format!("{load}.loads");
    vec![
        (manifest.clone(), signed_file(&manifest, body.as_bytes())),
        (sbn.to_string(), image(sbn, 96 * 1024)),
        (sb2.clone(), image(&sb2, 160 * 1024)),
        (
            format!("{load}.bin"),
            image(&format!("{load}.bin"), 128 * 1024),
        ),
    ]
}

/// A 7940/7960 SIP firmware: `P0S3-8-12-00.loads` listing `P003-8-12-00.sbn` and
/// `P0S3-8-12-00.sb2`, as the real manifest of that name does.
pub fn sip79_files() -> Vec<(String, Vec<u8>)> {
    files_79(SIP79_LOAD, "P003-8-12-00.sbn", "PAS30830")
}

/// A 7940/7960 SCCP firmware: `P0030801SR02.loads` listing `P0030801SR02.sbn` and `.sb2`.
pub fn sccp79_files() -> Vec<(String, Vec<u8>)> {
    files_79(SCCP79_LOAD, "P0030801SR02.sbn", "PAS30831")
}

/// [`sip79_files`] as a zip.
pub fn sip79_zip() -> Vec<u8> {
    zip_of(&sip79_files())
}

/// [`sccp79_files`] as a zip.
pub fn sccp79_zip() -> Vec<u8> {
    zip_of(&sccp79_files())
}

/// The package file name of a 7940/7960 load, shaped like Cisco's.
pub fn cop_name(load: &str) -> String {
    format!("cmterm-7940-7960-{load}.cop.sgn")
}

/// `files` as a Call Manager package: the install script and one `loadNNN.txt` per model
/// (7940 = 8, 7960 = 7) naming `load`, gzip'd in a flat tar behind a signed header.
pub fn cop_79(load: &str, files: Vec<(String, Vec<u8>)>) -> Vec<u8> {
    let mut files = files;
    files.push(("copstart.sh".into(), COPSTART.to_vec()));
    for (id, model) in [(8, "7940"), (7, "7960")] {
        files.push((
            format!("load{id}.txt"),
            format!("{id}  {load}  1  // {model}\n").into_bytes(),
        ));
    }
    cop_sgn(&cop_name(load), 3, &gzip(&tar_of(&files)))
}

/// [`sip79_files`] as a `.cop.sgn`.
pub fn sip79_cop() -> Vec<u8> {
    cop_79(SIP79_LOAD, sip79_files())
}

/// [`sccp79_files`] as a `.cop.sgn`.
pub fn sccp79_cop() -> Vec<u8> {
    cop_79(SCCP79_LOAD, sccp79_files())
}
