//! The lease table's file, `dhcp-leases.json` in the data directory: read at
//! start; written atomically (a temporary file, fsync, rename) by the server
//! loop whenever the table changed.

use std::io;
use std::path::Path;

use lifeline_proto::dhcp::config::PolicyConfig;
use lifeline_proto::dhcp::leases::{LeaseError, Leases};

/// The lease file's name in the data directory.
pub const FILE_NAME: &str = "dhcp-leases.json";
/// A lease file larger than this is refused (it would not come from us).
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Reads the table from `path`; a missing file is an empty table.
pub fn load(path: &Path, config: &PolicyConfig) -> Result<(Leases, Vec<String>), LeaseError> {
    let read_error = |source| LeaseError::Read {
        path: path.display().to_string(),
        source,
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Leases::new(), vec![])),
        Err(e) => return Err(read_error(e)),
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(LeaseError::Damaged {
            path: path.display().to_string(),
            reason: format!("{} bytes is larger than any lease file", meta.len()),
        });
    }
    let bytes = std::fs::read(path).map_err(read_error)?;
    Leases::from_file_bytes(&bytes, config, path)
}

#[cfg(test)]
mod tests {
    use lifeline_proto::dhcp::client_id::ClientKey;
    use lifeline_proto::dhcp::leases::{Change, State};
    use lifeline_proto::testkit::{bind, ip, lease_config as config, mac};

    use super::*;

    #[test]
    fn offers_stay_in_memory_and_the_rest_survives_a_restart() {
        let c = config();
        let mut t = Leases::new();
        t.apply(bind(mac(1), ip(100), 1000), 0, &c).unwrap();
        t.apply(
            Change::Offer {
                client: ClientKey::mac(mac(2)),
                addr: ip(101),
                until: 60,
                checked: true,
                model: None,
            },
            0,
            &c,
        )
        .unwrap();
        t.apply(
            Change::Block {
                addr: ip(102),
                by: None,
                until: 2000,
            },
            0,
            &c,
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        crate::atomic::write_file(&path, &t.to_file_bytes()).unwrap();

        let (back, notes) = load(&path, &c).unwrap();
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(back.len(), 2);
        assert_eq!(back.get(ip(100)).unwrap().model.as_deref(), Some("7961"));
        assert_eq!(back.get(ip(101)), None);
        assert_eq!(back.get(ip(102)).unwrap().state, State::Declined);
        assert!(!back.is_free_for(ip(100), &ClientKey::mac(mac(9)), 999));
    }

    #[test]
    fn a_missing_file_is_empty_and_a_damaged_one_is_refused() {
        let c = config();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        assert!(load(&path, &c).unwrap().0.is_empty());
        for bad in [
            &b"{"[..],
            br#"{"format":"other","version":1,"leases":[]}"#,
            br#"{"format":"lifeline-dhcp-leases","version":9,"leases":[]}"#,
            br#"{"format":"lifeline-dhcp-leases","version":1,"leases":[{"addr":"10.0.0.5","mac":"zz","state":"bound","expires":5}]}"#,
        ] {
            std::fs::write(&path, bad).unwrap();
            let err = load(&path, &c).unwrap_err();
            assert!(matches!(err, LeaseError::Damaged { .. }), "{err}");
            assert!(err.to_string().contains("move it away"), "{err}");
        }
    }
}
