//! The data directory: bundles by id, the current-bundle pointer, and uploads
//! in progress.
//!
//! ```text
//! DATA/
//!   bundles/<id>/…            complete, verified bundles (lifeline-bundle.json inside)
//!   staging/<id>/…            uploads in progress, with upload-state.json; never served
//!   current                   the id of the bundle being served (replaced atomically)
//! ```
//!
//! Invariants:
//! - Only `bundles/<id>` is ever served, and a bundle gets there only after every
//!   file matched its SHA-256 and was flushed to disk.
//! - `current` is written to a temporary file, flushed and renamed: after a crash
//!   it names the old bundle or the new one, never anything else.
//! - Replacing the served bundle never touches the old one's files while
//!   transfers may still read them; old bundles are pruned later (keeping the
//!   last few), and open files stay readable after their directory is removed.

use crate::atomic::sync_dir;
use lifeline_shared::bundle::{self, MANIFEST_NAME, Manifest};
use lifeline_shared::protocol::{self, CHUNK_SIZE, Chunk, CurrentBundle, FileChunks};
use lifeline_shared::size::size;
use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write as _};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The largest bundle accepted over the websocket.
pub const MAX_BUNDLE_BYTES: u64 = 4 << 30;
/// The most files in a bundle.
pub const MAX_BUNDLE_FILES: usize = 2000;
/// How many bundles are kept (the current one included).
pub const KEEP_BUNDLES: usize = 3;
/// Room kept free beyond a bundle's bytes (its state file, the directory
/// entries, the file system's own blocks).
const SPACE_MARGIN: u64 = 1 << 20;
/// The file inside a staging directory that records received chunks.
const STATE_NAME: &str = "upload-state.json";

/// Why an upload step failed. Each maps to a protocol error code.
#[derive(Debug, Error)]
pub enum UploadError {
    /// The manifest is not acceptable.
    #[error("{0}")]
    BadManifest(String),
    /// A chunk that does not belong to this upload.
    #[error("{message}")]
    BadChunk {
        /// In plain words.
        message: String,
        file: Option<String>,
    },
    /// Chunks missing at commit.
    #[error("{missing} chunk(s) have not arrived yet, first in {file}")]
    Incomplete {
        missing: u64,
        /// The first file with a gap.
        file: String,
    },
    /// A file does not match its hash.
    #[error(
        "{file} does not match its SHA-256 (expected {expected}, got {got}); its chunks will be asked for again"
    )]
    HashMismatch {
        file: String,
        /// From the manifest.
        expected: String,
        /// What arrived.
        got: String,
    },
    /// The data directory's disk is full, or would be.
    #[error(
        "the helper's data directory {} has {} free, and this bundle needs {} more: free some space there, or start the helper with `--data-dir` on a disk with room; the bundle served until now is still served",
        dir.display(), size(*free), size(*needed)
    )]
    NoSpace {
        /// The data directory.
        dir: PathBuf,
        /// Bytes still to be written.
        needed: u64,
        /// Bytes free there (as far as it can tell).
        free: u64,
    },
    /// Disk trouble.
    #[error("the helper could not write to its data directory: {0}")]
    Io(#[from] io::Error),
}

/// Bytes free to this process on the file system holding `path`; `None` where
/// the platform does not say (the write's own error then says it).
pub fn free_space(path: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        let s = rustix::fs::statvfs(path).ok()?;
        Some(s.f_bavail.saturating_mul(s.f_frsize))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

impl UploadError {
    /// The protocol error code.
    pub fn code(&self) -> protocol::ErrorCode {
        use protocol::ErrorCode as C;
        match self {
            UploadError::BadManifest(_) => C::BadManifest,
            UploadError::BadChunk { .. } => C::BadChunk,
            UploadError::Incomplete { .. } => C::Incomplete,
            UploadError::HashMismatch { .. } => C::HashMismatch,
            UploadError::NoSpace { .. } | UploadError::Io(_) => C::Storage,
        }
    }

    /// Whether it leaves nothing to resume: the disk is full, so the staged
    /// files are removed to give the space back.
    pub fn is_out_of_space(&self) -> bool {
        matches!(self, UploadError::NoSpace { .. })
    }

    /// The file concerned.
    pub fn file(&self) -> Option<String> {
        match self {
            UploadError::BadChunk { file, .. } => file.clone(),
            UploadError::Incomplete { file, .. } | UploadError::HashMismatch { file, .. } => {
                Some(file.clone())
            }
            _ => None,
        }
    }
}

/// The bundle store: the data directory's received bundles, uploads in
/// progress, and which bundle is current.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
}

fn is_id(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl Store {
    /// Opens (creating) a data directory.
    pub fn open(dir: &Path) -> io::Result<Store> {
        fs::create_dir_all(dir.join("bundles"))?;
        fs::create_dir_all(dir.join("staging"))?;
        Ok(Store {
            dir: dir.to_path_buf(),
        })
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The folder of bundle `id`.
    pub fn bundle_dir(&self, id: &str) -> PathBuf {
        self.dir.join("bundles").join(id)
    }

    /// The current bundle's id and folder, if one is set and complete.
    pub fn current(&self) -> Option<(String, PathBuf)> {
        let id = fs::read_to_string(self.dir.join("current")).ok()?;
        let id = id.trim();
        if !is_id(id) {
            return None;
        }
        let dir = self.bundle_dir(id);
        dir.join(MANIFEST_NAME)
            .is_file()
            .then(|| (id.to_string(), dir))
    }

    /// The current bundle's manifest.
    pub fn current_manifest(&self) -> Option<Manifest> {
        let (_, dir) = self.current()?;
        serde_json::from_slice(&fs::read(dir.join(MANIFEST_NAME)).ok()?).ok()
    }

    /// What the browser is told about the current bundle.
    pub fn current_info(&self) -> Option<CurrentBundle> {
        Some(CurrentBundle::of(&self.current_manifest()?))
    }

    /// Makes `id` the current bundle, atomically.
    pub fn switch(&self, id: &str) -> io::Result<()> {
        let tmp = self
            .dir
            .join(format!(".current.tmp-{}", std::process::id()));
        let mut f = File::create(&tmp)?;
        f.write_all(id.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, self.dir.join("current"))?;
        sync_dir(&self.dir)
    }

    /// Removes all but the newest [`KEEP_BUNDLES`] bundles, never the current one.
    pub fn prune(&self) -> io::Result<()> {
        let current = self.current().map(|(id, _)| id);
        let mut all: Vec<(std::time::SystemTime, PathBuf, String)> =
            fs::read_dir(self.dir.join("bundles"))?
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let modified = e.metadata().and_then(|m| m.modified()).ok()?;
                    Some((modified, e.path(), name))
                })
                .collect();
        all.sort_by_key(|e| std::cmp::Reverse(e.0));
        for (_, path, name) in all.into_iter().skip(KEEP_BUNDLES) {
            if Some(&name) != current.as_ref() {
                tracing::info!(bundle = %name, "removing an old bundle");
                let _ = fs::remove_dir_all(path);
            }
        }
        Ok(())
    }

    /// Starts or resumes the upload of `manifest`.
    pub fn begin(&self, manifest: Manifest) -> Result<Upload, UploadError> {
        let total = bundle::check_manifest(&manifest, MAX_BUNDLE_BYTES, MAX_BUNDLE_FILES)
            .map_err(UploadError::BadManifest)?;
        let staging = self.dir.join("staging").join(&manifest.id);
        fs::create_dir_all(&staging)?;
        let mut have: Vec<Vec<bool>> = manifest
            .files
            .iter()
            .map(|f| vec![false; protocol::chunk_count(f.size) as usize])
            .collect();
        // Resume: what an earlier connection recorded, for files of the same size.
        if let Ok(bytes) = fs::read(staging.join(STATE_NAME))
            && let Ok(saved) = serde_json::from_slice::<Vec<FileChunks>>(&bytes)
        {
            for fc in saved {
                let Some(bits) = have.get_mut(fc.file as usize) else {
                    continue;
                };
                let path = staging.join(&manifest.files[fc.file as usize].name);
                let on_disk = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                if on_disk != manifest.files[fc.file as usize].size {
                    continue;
                }
                for [a, b] in fc.ranges {
                    for i in a..b.min(bits.len() as u32) {
                        bits[i as usize] = true;
                    }
                }
            }
        }
        let mut upload = Upload {
            id: manifest.id.clone(),
            staging,
            manifest,
            have,
            total,
            received: 0,
            since_save: 0,
        };
        upload.recount();
        // Refused now rather than half-way: the rest must fit (files are sparse
        // until written, so their size on disk says nothing).
        let needed = upload.total - upload.received;
        if let Some(free) = free_space(&upload.staging)
            && free < needed.saturating_add(SPACE_MARGIN)
        {
            let _ = fs::remove_dir_all(&upload.staging);
            return Err(UploadError::NoSpace {
                dir: self.dir.clone(),
                needed: needed.saturating_add(SPACE_MARGIN),
                free,
            });
        }
        // Files are created at their full size, so chunks can land in any order.
        for f in &upload.manifest.files {
            let path = upload.staging.join(&f.name);
            let file = OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(false)
                .open(&path)?;
            if file.metadata()?.len() != f.size {
                file.set_len(f.size)?;
            }
        }
        Ok(upload)
    }

    /// Forgets an upload and its data.
    pub fn cancel(&self, id: &str) -> io::Result<()> {
        if is_id(id) {
            let _ = fs::remove_dir_all(self.dir.join("staging").join(id));
        }
        Ok(())
    }
}

/// An upload in progress.
#[derive(Debug)]
pub struct Upload {
    pub id: String,
    staging: PathBuf,
    manifest: Manifest,
    have: Vec<Vec<bool>>,
    /// Bytes in all.
    pub total: u64,
    /// Bytes received.
    pub received: u64,
    since_save: u32,
}

impl Upload {
    /// The manifest being uploaded.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    fn chunk_len(&self, file: usize, index: u32) -> u64 {
        let size = self.manifest.files[file].size;
        let start = u64::from(index) * u64::from(CHUNK_SIZE);
        size.saturating_sub(start).min(u64::from(CHUNK_SIZE))
    }

    fn recount(&mut self) {
        self.received = self
            .have
            .iter()
            .enumerate()
            .map(|(f, bits)| {
                bits.iter()
                    .enumerate()
                    .filter(|(_, b)| **b)
                    .map(|(i, _)| self.chunk_len(f, i as u32))
                    .sum::<u64>()
            })
            .sum();
    }

    /// Chunks held, per file.
    pub fn have(&self) -> Vec<FileChunks> {
        self.have
            .iter()
            .enumerate()
            .filter(|(_, bits)| bits.iter().any(|b| *b))
            .map(|(f, bits)| FileChunks {
                file: f as u32,
                ranges: protocol::ranges(
                    bits.iter()
                        .enumerate()
                        .filter(|(_, b)| **b)
                        .map(|(i, _)| i as u32),
                ),
            })
            .collect()
    }

    /// Writes one chunk where it belongs.
    pub fn write(&mut self, chunk: &Chunk<'_>) -> Result<(), UploadError> {
        let f = chunk.file as usize;
        let Some(file) = self.manifest.files.get(f) else {
            return Err(UploadError::BadChunk {
                message: format!(
                    "chunk for file {} of a bundle with {} files",
                    chunk.file,
                    self.manifest.files.len()
                ),
                file: None,
            });
        };
        let name = file.name.clone();
        let Some(slot) = self.have[f].get(chunk.index as usize) else {
            return Err(UploadError::BadChunk {
                message: format!("{name} has no chunk {}", chunk.index),
                file: Some(name),
            });
        };
        let expected = self.chunk_len(f, chunk.index);
        if chunk.data.len() as u64 != expected {
            return Err(UploadError::BadChunk {
                message: format!(
                    "chunk {} of {name} holds {} bytes, not {expected}",
                    chunk.index,
                    chunk.data.len()
                ),
                file: Some(name),
            });
        }
        let already = *slot;
        let written = (|| {
            let mut out = OpenOptions::new()
                .write(true)
                .open(self.staging.join(&name))?;
            use std::io::{Seek, SeekFrom};
            out.seek(SeekFrom::Start(
                u64::from(chunk.index) * u64::from(CHUNK_SIZE),
            ))?;
            out.write_all(chunk.data)
        })();
        written.map_err(|e| self.disk_error(e))?;
        if !already {
            self.have[f][chunk.index as usize] = true;
            self.received += expected;
        }
        self.since_save += 1;
        if self.since_save >= 16 {
            self.save().map_err(|e| self.disk_error(e))?;
        }
        Ok(())
    }

    /// A write failed: a full disk is said as such (with what is still
    /// needed), anything else as it is.
    fn disk_error(&self, e: io::Error) -> UploadError {
        if e.kind() != io::ErrorKind::StorageFull {
            return UploadError::Io(e);
        }
        let data = self
            .staging
            .parent()
            .and_then(Path::parent)
            .unwrap_or(&self.staging);
        UploadError::NoSpace {
            dir: data.to_path_buf(),
            needed: self.total - self.received,
            free: free_space(data).unwrap_or(0),
        }
    }

    /// Records which chunks arrived, for a later resume.
    pub fn save(&mut self) -> io::Result<()> {
        self.since_save = 0;
        let json = serde_json::to_vec(&self.have()).unwrap_or_default();
        let tmp = self.staging.join(".state.tmp");
        fs::write(&tmp, json)?;
        fs::rename(tmp, self.staging.join(STATE_NAME))
    }

    /// Verifies every file, flushes it, moves the bundle into place and makes it
    /// current. On a hash mismatch that file's chunks are forgotten so they are
    /// asked for again, and nothing is switched.
    pub fn commit(&mut self, store: &Store) -> Result<CurrentBundle, UploadError> {
        for (f, bits) in self.have.iter().enumerate() {
            if bits.iter().any(|b| !*b) {
                let total_missing = self.have.iter().flatten().filter(|b| !**b).count() as u64;
                return Err(UploadError::Incomplete {
                    missing: total_missing,
                    file: self.manifest.files[f].name.clone(),
                });
            }
        }
        for f in 0..self.manifest.files.len() {
            let file = self.manifest.files[f].clone();
            let path = self.staging.join(&file.name);
            let mut h = Sha256::new();
            let mut input = File::open(&path)?;
            let mut buf = vec![0u8; 256 * 1024];
            let mut len = 0u64;
            loop {
                let n = input.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                len += n as u64;
                h.update(&buf[..n]);
            }
            let got: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
            if got != file.sha256 || len != file.size {
                self.have[f].iter_mut().for_each(|b| *b = false);
                self.recount();
                let _ = self.save();
                return Err(UploadError::HashMismatch {
                    file: file.name,
                    expected: file.sha256,
                    got,
                });
            }
            // Opened for writing: Windows flushes only a file it may write.
            fs::OpenOptions::new().write(true).open(&path)?.sync_all()?;
        }
        let json = serde_json::to_vec_pretty(&self.manifest).unwrap_or_default();
        let mut mf = File::create(self.staging.join(MANIFEST_NAME))?;
        mf.write_all(&json)?;
        mf.sync_all()?;
        let _ = fs::remove_file(self.staging.join(STATE_NAME));
        sync_dir(&self.staging)?;
        let target = store.bundle_dir(&self.id);
        if target.join(MANIFEST_NAME).is_file() {
            // The same content is already there (ids are content hashes).
            let _ = fs::remove_dir_all(&self.staging);
        } else {
            let _ = fs::remove_dir_all(&target);
            fs::rename(&self.staging, &target)?;
        }
        sync_dir(&store.dir.join("bundles"))?;
        store.switch(&self.id)?;
        store.prune()?;
        Ok(CurrentBundle::of(&self.manifest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lifeline_shared::testkit::manifest_of;

    fn send_all(u: &mut Upload, files: &[(&str, &[u8])]) {
        for (f, (_, data)) in files.iter().enumerate() {
            for (i, c) in data.chunks(CHUNK_SIZE as usize).enumerate() {
                u.write(&Chunk {
                    file: f as u32,
                    index: i as u32,
                    data: c,
                })
                .unwrap();
            }
            if data.is_empty() {
                u.write(&Chunk {
                    file: f as u32,
                    index: 0,
                    data: &[],
                })
                .unwrap();
            }
        }
    }

    #[test]
    fn upload_verify_switch_and_resume() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(store.current().is_none());
        let big: Vec<u8> = (0..(CHUNK_SIZE as usize * 2 + 17))
            .map(|i| (i * 7) as u8)
            .collect();
        let files: [(&str, &[u8]); 3] = [("a.sbn", &big), ("b.loads", b"manifest"), ("empty", b"")];
        let m = manifest_of(&files);

        // First connection: half of a.sbn, then dropped.
        let mut u = store.begin(m.clone()).unwrap();
        u.write(&Chunk {
            file: 0,
            index: 1,
            data: &big[CHUNK_SIZE as usize..2 * CHUNK_SIZE as usize],
        })
        .unwrap();
        u.save().unwrap();
        drop(u);
        // Second connection resumes with that chunk held.
        let mut u = store.begin(m.clone()).unwrap();
        assert_eq!(
            u.have(),
            [FileChunks {
                file: 0,
                ranges: vec![[1, 2]]
            }]
        );
        assert_eq!(u.received, u64::from(CHUNK_SIZE));
        assert!(matches!(
            u.commit(&store),
            Err(UploadError::Incomplete { .. })
        ));
        send_all(&mut u, &files);
        assert_eq!(u.received, u.total);
        let info = u.commit(&store).unwrap();
        assert_eq!(info.files, 3);
        let (id, path) = store.current().unwrap();
        assert_eq!(id, m.id);
        assert_eq!(fs::read(path.join("a.sbn")).unwrap(), big);
        assert!(path.join(MANIFEST_NAME).is_file());
        assert!(!path.join(STATE_NAME).exists());
        assert_eq!(fs::read_dir(dir.path().join("staging")).unwrap().count(), 0);
    }

    #[test]
    fn a_bad_file_is_refused_by_name_and_nothing_switches() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let files: [(&str, &[u8]); 2] = [("a.sbn", b"aaaa"), ("b.sbn", b"bbbb")];
        let m = manifest_of(&files);
        let mut u = store.begin(m).unwrap();
        u.write(&Chunk {
            file: 0,
            index: 0,
            data: b"aaaa",
        })
        .unwrap();
        u.write(&Chunk {
            file: 1,
            index: 0,
            data: b"bxbb",
        })
        .unwrap();
        match u.commit(&store) {
            Err(UploadError::HashMismatch { file, .. }) => assert_eq!(file, "b.sbn"),
            other => panic!("{other:?}"),
        }
        assert!(store.current().is_none());
        assert_eq!(
            u.have(),
            [FileChunks {
                file: 0,
                ranges: vec![[0, 1]]
            }],
            "b.sbn will be asked for again"
        );
        // Wrong shapes are refused without writing.
        assert!(matches!(
            u.write(&Chunk {
                file: 9,
                index: 0,
                data: b"x"
            }),
            Err(UploadError::BadChunk { .. })
        ));
        assert!(matches!(
            u.write(&Chunk {
                file: 0,
                index: 5,
                data: b"x"
            }),
            Err(UploadError::BadChunk { .. })
        ));
        assert!(matches!(
            u.write(&Chunk {
                file: 0,
                index: 0,
                data: b"toolong"
            }),
            Err(UploadError::BadChunk { .. })
        ));
        u.write(&Chunk {
            file: 1,
            index: 0,
            data: b"bbbb",
        })
        .unwrap();
        u.commit(&store).unwrap();
        assert!(store.current().is_some());
    }

    #[test]
    fn bad_manifests_and_pruning() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut m = manifest_of(&[("a", b"x")]);
        m.id = "../../etc".into();
        assert!(matches!(store.begin(m), Err(UploadError::BadManifest(_))));
        let mut ids = Vec::new();
        for i in 0..5u8 {
            let data = [i; 3];
            let files: [(&str, &[u8]); 1] = [("f", &data)];
            let mut u = store.begin(manifest_of(&files)).unwrap();
            send_all(&mut u, &files);
            ids.push(u.commit(&store).unwrap().id);
            // Distinct modification times order the bundles.
            let t =
                std::time::SystemTime::now() - std::time::Duration::from_secs(100 - u64::from(i));
            open_dir(&store.bundle_dir(&ids[i as usize]))
                .set_modified(t)
                .unwrap();
        }
        store.prune().unwrap();
        let left: Vec<String> = fs::read_dir(dir.path().join("bundles"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left.len(), KEEP_BUNDLES);
        assert!(left.contains(&ids[4]), "the current bundle stays");
        assert_eq!(store.current().unwrap().0, ids[4]);
    }

    /// A directory opened so that its times can be set (Windows opens a
    /// directory only with backup semantics, and for writing).
    fn open_dir(path: &std::path::Path) -> File {
        #[cfg(windows)]
        {
            use std::os::windows::fs::OpenOptionsExt as _;
            const FILE_FLAG_BACKUP_SEMANTICS: u32 = 0x0200_0000;
            fs::OpenOptions::new()
                .write(true)
                .custom_flags(FILE_FLAG_BACKUP_SEMANTICS)
                .open(path)
                .unwrap()
        }
        #[cfg(not(windows))]
        File::open(path).unwrap()
    }
}
