//! Call Manager packages made of real `.loads` files: each model folder of
//! `../shared/fixtures/loads/provision_sccp/` packed the way a `.cop.sgn` is (a real
//! signed header, then a gzip'd tar written by the `tar` crate's own writer, with an
//! install script and a `loadNNN.txt`) reports what the loose files report.
//!
//! The folder is not part of the repository: without it the test says so and passes.

use flate2::Compression;
use flate2::write::GzEncoder;
use lifeline_shared::finding::Code;
use lifeline_shared::firmware::inspect::{InputFile, Role, inspect_files, inspect_package};
use lifeline_shared::firmware::package::{PackageFormat, TarFound};
use lifeline_shared::firmware::signed::SignedHeader;
use lifeline_shared::models;
use std::io::Write;
use std::path::{Path, PathBuf};

fn fixtures() -> Option<PathBuf> {
    let dir = std::env::var_os("LIFELINE_REAL_LOADS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/loads")
        })
        .join("provision_sccp");
    if dir.is_dir() {
        return Some(dir);
    }
    eprintln!(
        "note: {} not found; real-package checks not run",
        dir.display()
    );
    None
}

/// A gzip'd tar of `files`, written by the `tar` crate.
fn tar_gz(files: &[InputFile]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for f in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(f.data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, &f.name, f.data.as_slice()).unwrap();
    }
    let tar = b.into_inner().unwrap();
    let mut g = GzEncoder::new(Vec::new(), Compression::default());
    g.write_all(&tar).unwrap();
    g.finish().unwrap()
}

#[test]
fn a_package_of_real_loads_files_reports_what_the_loose_files_report() {
    let Some(root) = fixtures() else {
        return;
    };
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let mut checked = 0;
    for folder in folders {
        let mut files: Vec<InputFile> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .map(|p| InputFile {
                name: p.file_name().unwrap().to_string_lossy().into_owned(),
                data: std::fs::read(&p).unwrap(),
            })
            .collect();
        files.sort_by(|a, b| a.name.cmp(&b.name));
        let loose = inspect_files("loose", &files);
        let Some(load) = loose.load.clone() else {
            continue;
        };
        let Some(load_file) = files
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(&format!("{load}.loads")))
        else {
            continue;
        };
        let Ok((header, _)) = SignedHeader::parse(&load_file.data) else {
            continue;
        };
        // The package's own header: a real signed header, the load manifest's.
        let mut cop = load_file.data[..header.header_len].to_vec();
        let mut packed = files.clone();
        packed.push(InputFile {
            name: "copstart.sh".into(),
            data: b"#!/bin/sh\n".to_vec(),
        });
        let model = loose.models.first().map(|m| m.device_id);
        if let Some(id) = model {
            packed.push(InputFile {
                name: format!("load{id}.txt"),
                data: format!("{id}  {load}  1  // real\n").into_bytes(),
            });
        }
        cop.extend(tar_gz(&packed));
        let name = format!("{}.cop.sgn", folder.file_name().unwrap().to_string_lossy());
        let r = inspect_package(&name, &cop).unwrap();
        let with_list = inspect_files("loose", &packed);
        assert_eq!(r.load, loose.load, "{name}");
        assert_eq!(r.models, loose.models, "{name}");
        assert_eq!(r.manifests, loose.manifests, "{name}");
        let mut codes: Vec<Code> = r.findings.iter().map(|f| f.code).collect();
        codes.retain(|c| *c != Code::PackageLacksRecoveryManifests);
        let want: Vec<Code> = with_list.findings.iter().map(|f| f.code).collect();
        assert_eq!(codes, want, "{name}: {:#?}", r.findings);
        let p = r.package.as_ref().unwrap();
        assert_eq!(p.format, PackageFormat::CopSgn);
        assert_eq!(p.found, TarFound::HeaderLength, "{name}");
        assert_eq!(p.signer, header.signer, "{name}");
        assert_eq!(p.hash_algorithm, header.hash_algorithm, "{name}");
        assert_eq!(p.embedded_name, header.file_name, "{name}");
        let role = |n: &str| r.entries.iter().find(|e| e.name == n).map(|e| e.role);
        assert_eq!(role("copstart.sh"), Some(Role::InstallScript));
        if let Some(id) = model {
            assert!(
                r.load_lists.iter().all(|l| l.agrees),
                "{name}: {:?}",
                r.load_lists
            );
            assert_eq!(
                r.load_lists[0].model.as_deref(),
                models::model_by_device_id(id).map(|m| m.name)
            );
        }
        checked += 1;
    }
    eprintln!("{checked} real packages checked");
    assert!(checked >= 5, "only {checked} folders had a readable load");
}
