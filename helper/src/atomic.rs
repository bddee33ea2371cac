//! Atomic writes: files and bundle folders that a crash never leaves half
//! written.
//!
//! Every write goes to a temporary name in the same folder, is flushed to disk
//! (`fsync`), and is then renamed over the final name: readers see the old file
//! or the new one, never a mix.

use lifeline_shared::bundle::{Bundle, MANIFEST_NAME};
use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// A temporary name beside `path`, unique within this process too (two threads
/// writing the same file never share a temporary).
fn temp_sibling(path: &Path, tag: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{tag}-{}-{n}", std::process::id()))
}

/// Flushes a directory entry (a rename) to disk.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    // Directories can be opened and synced on Unix; elsewhere the rename is what we have.
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Writes `data` to `path` atomically.
pub fn write_file(path: &Path, data: &[u8]) -> io::Result<()> {
    write(path, data, false)
}

/// Writes `data` to `path` atomically, readable and writable by its owner
/// only (mode 0600 on Unix) from the moment it exists: the temporary file is
/// created with that mode, so no other user can open it in between.
pub fn write_private_file(path: &Path, data: &[u8]) -> io::Result<()> {
    write(path, data, true)
}

fn create(path: &Path, private: bool) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    options.open(path)
}

fn write(path: &Path, data: &[u8], private: bool) -> io::Result<()> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let tmp = temp_sibling(path, "tmp");
    // A leftover of a crashed process that had the same id.
    let _ = fs::remove_file(&tmp);
    let result = (|| {
        let mut f = create(&tmp, private)?;
        f.write_all(data)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        sync_dir(parent)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Writes a bundle as a folder: into a temporary sibling first, then renamed
/// into place. An existing folder is replaced only if it is a Lifeline bundle
/// (it has a `lifeline-bundle.json`) or empty; anything else is refused.
pub fn write_bundle_dir(dir: &Path, bundle: &Bundle) -> io::Result<()> {
    if dir.exists() {
        let is_bundle = dir.join(MANIFEST_NAME).is_file();
        let is_empty = fs::read_dir(dir)?.next().is_none();
        if !is_bundle && !is_empty {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "the folder exists and is not a Lifeline bundle; choose a new or empty folder",
            ));
        }
    }
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let staging = temp_sibling(dir, "staging");
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir(&staging)?;
    let result = (|| {
        let json = bundle.manifest_json();
        for (name, data) in bundle.files().chain([(MANIFEST_NAME, json.as_bytes())]) {
            let mut f = File::create(staging.join(name))?;
            f.write_all(data)?;
            f.sync_all()?;
        }
        sync_dir(&staging)?;
        if dir.exists() {
            let old = temp_sibling(dir, "old");
            let _ = fs::remove_dir_all(&old);
            fs::rename(dir, &old)?;
            fs::rename(&staging, dir)?;
            let _ = fs::remove_dir_all(&old);
        } else {
            fs::rename(&staging, dir)?;
        }
        sync_dir(parent)
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}
