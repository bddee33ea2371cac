//! A small zip writer for bundles: stored entries (firmware images do not
//! compress), CRC-32 and sizes up front, names as given.
//!
//! Used by the browser to offer the bundle as one download, and by the helper's
//! `lifeline bundle --out FILE.zip`.

use thiserror::Error;

/// Why a zip could not be written.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ZipWriteError {
    /// Entries or the whole zip past 4 GiB (zip64 is not written).
    #[error("the bundle is too large for a zip ({0} bytes); write it to a folder instead")]
    TooLarge(u64),
    /// More than 65535 entries.
    #[error("too many files for a zip ({0})")]
    TooManyEntries(usize),
    /// A name that is empty, too long, absolute or climbs out.
    #[error("`{0}` cannot be a name in the zip")]
    BadName(String),
}

/// Writes `files` (name, content) as a zip of stored entries.
pub fn write_stored<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> Result<Vec<u8>, ZipWriteError> {
    let files: Vec<(&str, &[u8])> = files.into_iter().collect();
    if files.len() > usize::from(u16::MAX) {
        return Err(ZipWriteError::TooManyEntries(files.len()));
    }
    let total: u64 = files
        .iter()
        .map(|(n, d)| (d.len() + n.len() * 2 + 76) as u64)
        .sum();
    if total + 22 > u64::from(u32::MAX) {
        return Err(ZipWriteError::TooLarge(total));
    }
    let mut out = Vec::with_capacity(total as usize + 22);
    let mut central = Vec::new();
    for (name, data) in &files {
        if name.is_empty()
            || name.len() > 255
            || name.starts_with('/')
            || name.contains('\\')
            || name.contains('\0')
            || name.split('/').any(|c| c == "..")
        {
            return Err(ZipWriteError::BadName((*name).to_string()));
        }
        let crc = crate::crc32::hash(data);
        let size = data.len() as u32;
        let offset = out.len() as u32;
        // UTF-8 names (bit 11).
        let flags: u16 = 0x0800;
        let header = |sig: u32, central: bool, buf: &mut Vec<u8>| {
            buf.extend(sig.to_le_bytes());
            if central {
                buf.extend(20u16.to_le_bytes()); // made by
            }
            buf.extend(20u16.to_le_bytes()); // needed to extract
            buf.extend(flags.to_le_bytes());
            buf.extend(0u16.to_le_bytes()); // stored
            buf.extend(0u16.to_le_bytes()); // time
            buf.extend(0x0021u16.to_le_bytes()); // date: 1980-01-01
            buf.extend(crc.to_le_bytes());
            buf.extend(size.to_le_bytes());
            buf.extend(size.to_le_bytes());
            buf.extend((name.len() as u16).to_le_bytes());
            buf.extend(0u16.to_le_bytes()); // extra
            if central {
                // Comment length, disk number, internal and external attributes.
                buf.extend([0u8; 10]);
                buf.extend(offset.to_le_bytes());
            }
            buf.extend(name.as_bytes());
        };
        header(0x0403_4b50, false, &mut out);
        out.extend_from_slice(data);
        header(0x0201_4b50, true, &mut central);
    }
    let cd_offset = out.len() as u32;
    let cd_len = central.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((files.len() as u16).to_le_bytes());
    out.extend((files.len() as u16).to_le_bytes());
    out.extend(cd_len.to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firmware::archive::{Limits, ZipIndex};

    #[test]
    fn reads_back_with_our_reader_and_the_zip_crate() {
        let files: [(&str, &[u8]); 3] = [
            ("a.txt", b"hello"),
            ("dir/b.bin", &[0, 1, 2, 255]),
            ("empty", b""),
        ];
        let zip = write_stored(files).unwrap();
        let idx = ZipIndex::open(&zip, &Limits::default()).unwrap();
        assert_eq!(idx.entries.len(), 3);
        for (i, (name, data)) in files.iter().enumerate() {
            assert_eq!(idx.entries[i].entry.path, *name);
            let mut got = Vec::new();
            let crc = idx.read(i, &mut |c| got.extend_from_slice(c)).unwrap();
            assert_eq!(&got, data);
            assert_eq!(crc, idx.entries[i].entry.crc32);
        }
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let mut s = String::new();
        std::io::Read::read_to_string(&mut z.by_name("a.txt").unwrap(), &mut s).unwrap();
        assert_eq!(s, "hello");
    }

    #[test]
    fn refuses_bad_names() {
        for bad in ["", "/abs", "../x", "a\\b", "a\0b"] {
            assert!(write_stored([(bad, b"x".as_slice())]).is_err(), "{bad:?}");
        }
    }
}
