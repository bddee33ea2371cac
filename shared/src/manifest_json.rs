//! `lifeline-bundle.json` written with [`crate::protocol::json`]'s writer:
//! byte for byte what [`Bundle::manifest_json`] writes (serde_json's pretty
//! printer), for the browser, where serde_json's code would cost kilobytes of
//! WebAssembly. The page's `upload-begin` carries the same value, compact.
//!
//! The tests hold the two writers together, for real bundles and for any text in
//! any field.

use crate::bundle::{Bundle, Kind, MANIFEST_NAME, Manifest};
use crate::protocol::json::Writer;
use crate::zipwrite::{self, ZipWriteError};

/// `lifeline-bundle.json` for `m`, as [`Bundle::manifest_json`] writes it.
pub fn write(m: &Manifest) -> String {
    let mut w = Writer::pretty(256 + m.files.len() * 160);
    write_into(&mut w, m);
    let mut out = w.finish();
    out.push('\n');
    out
}

/// The manifest as one JSON value, into `w` (compact or pretty).
pub fn write_into(w: &mut Writer, m: &Manifest) {
    w.open('{');
    w.key("format");
    w.raw(&m.format.to_string());
    w.key("id");
    w.string(&m.id);
    w.key("source");
    w.string(&m.source);
    w.key("load");
    w.opt_string(m.load.as_deref());
    w.key("protocol");
    w.opt_string(m.protocol.map(|p| p.as_str()));
    w.key("settings");
    w.open('{');
    w.key("tftp_servers");
    w.open('[');
    for a in &m.settings.tftp_servers {
        w.item();
        w.string(&a.to_string());
    }
    w.close(']');
    w.key("call_managers");
    w.open('[');
    for c in &m.settings.call_managers {
        w.item();
        w.string(c);
    }
    w.close(']');
    w.key("phones");
    w.open('[');
    for p in &m.settings.phones {
        w.item();
        w.open('{');
        w.key("mac");
        w.open('[');
        for b in p.mac.0 {
            w.item();
            w.raw(&b.to_string());
        }
        w.close(']');
        if let Some(model) = &p.model {
            w.key("model");
            w.string(model);
        }
        w.close('}');
    }
    w.close(']');
    w.close('}');
    w.key("files");
    w.open('[');
    for f in &m.files {
        w.item();
        w.open('{');
        w.key("name");
        w.string(&f.name);
        w.key("size");
        w.raw(&f.size.to_string());
        w.key("sha256");
        w.string(&f.sha256);
        w.key("kind");
        w.string(match f.kind {
            Kind::Firmware => "firmware",
            Kind::Config => "config",
            Kind::Alias => "alias",
        });
        w.close('}');
    }
    w.close(']');
    w.key("aliases");
    w.open('[');
    for a in &m.aliases {
        w.item();
        w.open('{');
        w.key("name");
        w.string(&a.name);
        w.key("target");
        w.string(&a.target);
        w.close('}');
    }
    w.close(']');
    w.close('}');
}

/// The whole bundle as one zip, as [`Bundle::to_zip`] writes it.
pub fn zip(bundle: &Bundle) -> Result<Vec<u8>, ZipWriteError> {
    let json = write(&bundle.manifest);
    zipwrite::write_stored(bundle.files().chain([(MANIFEST_NAME, json.as_bytes())]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::{Alias, File, Phone, Settings, build, firmware_from_zip};
    use crate::firmware::archive::{Limits, ZipIndex};
    use crate::firmware::inspect::inspect_zip;
    use crate::models::Protocol;
    use crate::testkit::seed_zip;
    use proptest::prelude::*;
    use std::net::Ipv4Addr;

    fn seed_bundle(phones: Vec<Phone>) -> Bundle {
        let zip = seed_zip();
        let report = inspect_zip("seed.zip", &zip).unwrap();
        let settings = Settings {
            tftp_servers: vec![Ipv4Addr::new(192, 168, 10, 105), Ipv4Addr::new(10, 0, 0, 2)],
            call_managers: vec!["192.168.10.1".into(), "pbx.example.net".into()],
            phones,
        };
        build(
            &report,
            firmware_from_zip(&zip, &report).unwrap(),
            &settings,
        )
        .unwrap()
    }

    #[test]
    fn a_real_bundle_matches_serde_json() {
        let phones = vec![
            Phone {
                mac: "00:11:22:aa:bb:cc".parse().unwrap(),
                model: Some("7961".into()),
            },
            Phone {
                mac: "00:11:22:aa:bb:cd".parse().unwrap(),
                model: None,
            },
        ];
        for b in [seed_bundle(phones), seed_bundle(Vec::new())] {
            assert_eq!(write(&b.manifest), b.manifest_json());
            assert_eq!(zip(&b).unwrap(), b.to_zip().unwrap());
        }
    }

    #[test]
    fn empty_and_missing_fields_match_serde_json() {
        let mut m = seed_bundle(Vec::new()).manifest;
        m.load = None;
        m.protocol = None;
        m.settings.tftp_servers.clear();
        m.settings.call_managers.clear();
        m.files.clear();
        let b = Bundle {
            manifest: m,
            contents: Default::default(),
            findings: Vec::new(),
        };
        assert_eq!(write(&b.manifest), b.manifest_json());
        let z = zip(&b).unwrap();
        let idx = ZipIndex::open(&z, &Limits::default()).unwrap();
        assert_eq!(idx.entries.len(), 1);
    }

    proptest! {
        #[test]
        fn any_text_matches_serde_json(
            texts in proptest::collection::vec("\\PC{0,12}|[\\x00-\\x1f\"\\\\/]{0,6}", 6),
            size in any::<u64>(),
            mac in any::<[u8; 6]>(),
            sip in any::<bool>(),
        ) {
            static SEED: std::sync::OnceLock<Manifest> = std::sync::OnceLock::new();
            let mut m = SEED.get_or_init(|| seed_bundle(Vec::new()).manifest).clone();
            m.source = texts[0].clone();
            m.load = Some(texts[1].clone());
            m.protocol = Some(if sip { Protocol::Sip } else { Protocol::Sccp });
            m.settings.call_managers = vec![texts[2].clone()];
            m.settings.phones = vec![Phone { mac: crate::config::mac::Mac(mac), model: Some(texts[3].clone()) }];
            m.files.push(File { name: texts[4].clone(), size, sha256: String::new(), kind: Kind::Alias });
            m.aliases.push(Alias { name: texts[5].clone(), target: texts[0].clone() });
            let b = Bundle { manifest: m, contents: Default::default(), findings: Vec::new() };
            prop_assert_eq!(write(&b.manifest), b.manifest_json());
        }
    }
}
