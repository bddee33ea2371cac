//! The pairing token, kept in the data directory so it outlives a restart.
//!
//! A page opened from the address the helper printed keeps working after the
//! helper is stopped and started again: the token is read back from
//! `<data dir>/pairing-token` instead of made anew. `serve --new-token` makes a
//! new one (every open page must then be paired again).
//!
//! Invariants:
//! - The file is written atomically and readable by its owner only (mode
//!   0600): it is created with that mode, never widened afterwards.
//! - A file that others may read, or that does not hold a token, is never
//!   used: the error says what is wrong with it and how to fix it, and
//!   nothing panics.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::atomic;

/// The token file's name in the data directory.
pub const FILE_NAME: &str = "pairing-token";

/// Where the token came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Read back from the file: pages paired before keep working.
    Kept,
    /// Made now (no file yet).
    New,
    /// Made now because `--new-token` asked for it.
    Rotated,
}

/// Why the kept token cannot be used.
#[derive(Debug)]
pub enum TokenError {
    /// Other users may read (or write) it.
    Exposed { path: PathBuf, mode: u32 },
    /// It holds something other than a token.
    Garbage { path: PathBuf },
    /// It is not a regular file.
    NotAFile { path: PathBuf },
    /// It could not be read.
    Read { path: PathBuf, error: io::Error },
    /// A new one could not be written.
    Write { path: PathBuf, error: io::Error },
    /// The system gave no randomness.
    Random(io::Error),
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rotate = "or start with --new-token to replace it (pages paired before must then \
                      be opened again from the address the helper prints)";
        match self {
            TokenError::Exposed { path, mode } => write!(
                f,
                "the pairing token file {} can be read by other users (mode {mode:03o}), so \
                 anyone on this computer could control the helper with it; make it private \
                 with `chmod 600 {}`, {rotate}",
                path.display(),
                path.display()
            ),
            TokenError::Garbage { path } => write!(
                f,
                "the pairing token file {} does not hold a pairing token (32 hex digits, as \
                 Lifeline writes it); delete it, {rotate}",
                path.display()
            ),
            TokenError::NotAFile { path } => write!(
                f,
                "the pairing token file {} is not a file; move it out of the way, or give \
                 another --data-dir",
                path.display()
            ),
            TokenError::Read { path, error } => write!(
                f,
                "cannot read the pairing token file {} ({}); check its owner and \
                 permissions, {rotate}",
                path.display(),
                io_why(error)
            ),
            TokenError::Write { path, error } => write!(
                f,
                "cannot write the pairing token file {} ({}); give a --data-dir Lifeline may \
                 write",
                path.display(),
                io_why(error)
            ),
            TokenError::Random(error) => {
                write!(f, "cannot make a pairing token: no randomness ({error})")
            }
        }
    }
}

impl std::error::Error for TokenError {}

fn io_why(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::NotFound => "a folder on its way does not exist".into(),
        io::ErrorKind::NotADirectory => "a folder on its way is a file".into(),
        _ => error.to_string(),
    }
}

/// A fresh pairing token: 128 random bits, hex.
pub fn generate() -> io::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| io::Error::other(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether `text` is a token as [`generate`] makes them.
fn is_token(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The pairing token for a helper whose data directory is `dir`: the kept one,
/// or a new one (always with `rotate`), written to the file before it is used.
pub fn load_or_create(dir: &Path, rotate: bool) -> Result<(String, Origin), TokenError> {
    let path = dir.join(FILE_NAME);
    if !rotate && let Some(token) = read(&path)? {
        return Ok((token, Origin::Kept));
    }
    if rotate && path.is_dir() {
        return Err(TokenError::NotAFile { path });
    }
    let token = generate().map_err(TokenError::Random)?;
    atomic::write_private_file(&path, format!("{token}\n").as_bytes()).map_err(|error| {
        TokenError::Write {
            path: path.clone(),
            error,
        }
    })?;
    Ok((token, if rotate { Origin::Rotated } else { Origin::New }))
}

/// The token kept at `path`; `None` when there is no file.
fn read(path: &Path) -> Result<Option<String>, TokenError> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(TokenError::Read {
                path: path.into(),
                error,
            });
        }
    };
    if !meta.is_file() {
        return Err(TokenError::NotAFile { path: path.into() });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(TokenError::Exposed {
                path: path.into(),
                mode,
            });
        }
    }
    // A token is 33 bytes; anything much longer is not one, and is not read whole.
    if meta.len() > 1024 {
        return Err(TokenError::Garbage { path: path.into() });
    }
    let bytes = std::fs::read(path).map_err(|error| TokenError::Read {
        path: path.into(),
        error,
    })?;
    let text = std::str::from_utf8(&bytes).map(str::trim).unwrap_or("");
    if !is_token(text) {
        return Err(TokenError::Garbage { path: path.into() });
    }
    Ok(Some(text.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_token_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (first, origin) = load_or_create(dir.path(), false).unwrap();
        assert_eq!(origin, Origin::New);
        assert!(is_token(&first), "{first}");
        let path = dir.path().join(FILE_NAME);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("{first}\n")
        );
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600);
        let (again, origin) = load_or_create(dir.path(), false).unwrap();
        assert_eq!((again.as_str(), origin), (first.as_str(), Origin::Kept));
    }

    #[test]
    fn new_token_rotates_it() {
        let dir = tempfile::tempdir().unwrap();
        let (first, _) = load_or_create(dir.path(), false).unwrap();
        let (second, origin) = load_or_create(dir.path(), true).unwrap();
        assert_eq!(origin, Origin::Rotated);
        assert_ne!(first, second);
        let (kept, origin) = load_or_create(dir.path(), false).unwrap();
        assert_eq!((kept, origin), (second, Origin::Kept));
        // No temporary file is left beside it.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [FILE_NAME]);
    }

    #[test]
    fn a_missing_data_dir_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        let (token, origin) = load_or_create(&nested, false).unwrap();
        assert_eq!(origin, Origin::New);
        assert!(is_token(&token));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_read_is_refused_and_rotation_fixes_it() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, format!("{}\n", "ab".repeat(16))).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let error = load_or_create(dir.path(), false).unwrap_err().to_string();
        assert!(
            error.contains("can be read by other users (mode 644)"),
            "{error}"
        );
        assert!(
            error.contains(&format!("chmod 600 {}", path.display())),
            "{error}"
        );
        assert!(error.contains("--new-token"), "{error}");
        let (token, origin) = load_or_create(dir.path(), true).unwrap();
        assert_eq!(origin, Origin::Rotated);
        assert_ne!(token, "ab".repeat(16));
        assert_eq!(mode(&path), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn garbage_is_refused_with_the_fix() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        for junk in [
            &b"not a token\n"[..],
            b"",
            b"abc",
            &[0xff, 0xfe, 0x00],
            "g".repeat(32).as_bytes(),
            "a".repeat(5000).as_bytes(),
        ] {
            std::fs::write(&path, junk).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            let error = load_or_create(dir.path(), false).unwrap_err().to_string();
            assert!(error.contains("does not hold a pairing token"), "{error}");
            assert!(error.contains("--new-token"), "{error}");
        }
        // Written by hand, upper case and without a newline: still the token.
        std::fs::write(&path, "AB".repeat(16)).unwrap();
        let (token, origin) = load_or_create(dir.path(), false).unwrap();
        assert_eq!((token, origin), ("ab".repeat(16), Origin::Kept));
    }

    #[test]
    fn a_folder_in_its_place_is_explained() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(FILE_NAME)).unwrap();
        for rotate in [false, true] {
            let error = load_or_create(dir.path(), rotate).unwrap_err().to_string();
            assert!(error.contains("is not a file"), "{error}");
        }
    }
}
