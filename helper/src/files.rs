//! Where served files come from, for TFTP and HTTP provisioning alike: a root
//! folder (a bundle folder brings its alias table) or memory (tests, and
//! `serve --firmware`).
//!
//! Every source resolves a requested name the same way:
//! 1. the name as it is (with `\` read as `/`),
//! 2. without its leading `/` or `\` (phones ask for `/mk-sip.jar`),
//! 3. a case-insensitive match,
//! 4. the bundle's alias table.
//!
//! Invariants:
//! - a name is checked before any file system call: `..`, drive letters and
//!   other `:`, NUL and control characters, dot-only components, over-long or
//!   over-deep names are refused ([`LookupError::Denied`]);
//! - a root folder serves only regular files whose canonical path (symlinks
//!   resolved) is inside the canonical root;
//! - an opened file is read from its open handle to the end, so a file replaced
//!   (renamed over) during a transfer does not change what that transfer sends.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Cursor, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lifeline_shared::bundle::{Alias, MANIFEST_NAME, Manifest};
use thiserror::Error;

/// The longest name looked up.
pub const MAX_NAME_LEN: usize = 512;
/// The most path components looked up.
pub const MAX_DEPTH: usize = 16;
/// The largest bundle manifest read.
const MAX_MANIFEST_LEN: u64 = 16 << 20;

/// How a request was resolved (the shared wire form).
pub use lifeline_shared::events::Resolution;

/// A `Read + Seek` source.
pub trait ReadSeek: Read + Seek {
    /// The open file behind it, when it is one: HTTP hands it to the kernel
    /// (`sendfile`) at explicit offsets, which leaves the reader's position
    /// alone.
    fn file(&self) -> Option<&File> {
        None
    }
}
impl ReadSeek for File {
    fn file(&self) -> Option<&File> {
        Some(self)
    }
}
impl<T: AsRef<[u8]>> ReadSeek for Cursor<T> {}

/// A file ready to be served.
pub struct Opened {
    /// Its bytes, from the start.
    pub reader: Box<dyn ReadSeek + Send>,
    /// Its size in bytes.
    pub size: u64,
    /// How the name was resolved (`Exact`, `Case` or `Alias`).
    pub resolution: Resolution,
    /// The name served, relative to the root.
    pub served: String,
    /// Whether every read reaches the kernel (a file): the reader is not
    /// buffered, and the server reads it ahead to suit the block size.
    pub direct: bool,
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("size", &self.size)
            .field("resolution", &self.resolution)
            .field("served", &self.served)
            .finish_non_exhaustive()
    }
}

/// Why a name is not served.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LookupError {
    /// The name is refused (TFTP error 2).
    #[error("access denied: {0}")]
    Denied(&'static str),
    /// No such file (TFTP error 1).
    #[error("file not found")]
    NotFound,
    /// The file exists but could not be opened.
    #[error("cannot open the file: {0}")]
    Io(#[from] io::Error),
}

impl LookupError {
    /// The resolution to report.
    pub fn resolution(&self) -> Resolution {
        match self {
            Self::Denied(_) => Resolution::Denied,
            Self::NotFound | Self::Io(_) => Resolution::NotFound,
        }
    }
}

/// Something files are served from.
pub trait FileSource: Send + Sync + std::fmt::Debug {
    /// Resolves and opens `requested`.
    fn open(&self, requested: &str) -> Result<Opened, LookupError>;

    /// Opens `requested` for the phone at `peer`: a bundle with an upgrade plan
    /// serves each phone the step it is at ([`crate::walks`]); any other source
    /// serves everyone alike.
    fn open_for(&self, requested: &str, peer: std::net::IpAddr) -> Result<Opened, LookupError> {
        let _ = peer;
        self.open(requested)
    }

    /// The transfer of what `open_for(requested, peer)` opened was cut off before
    /// its end (the walk then takes nothing from it).
    fn cut_off(&self, requested: &str, peer: std::net::IpAddr) {
        let _ = (requested, peer);
    }
}

/// Checks a requested name and splits it into path components.
pub fn check_name(requested: &str) -> Result<Vec<&str>, LookupError> {
    use LookupError::Denied;
    if requested.len() > MAX_NAME_LEN {
        return Err(Denied("the name is too long"));
    }
    if requested.contains('\0') {
        return Err(Denied("the name contains a NUL byte"));
    }
    if requested.chars().any(char::is_control) {
        return Err(Denied("the name contains control characters"));
    }
    if requested.contains(':') {
        return Err(Denied("drive letters and `:` are not allowed"));
    }
    let mut components = Vec::new();
    for part in requested.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => return Err(Denied("`..` is not allowed")),
            dots if dots.bytes().all(|b| b == b'.') => {
                return Err(Denied("dot-only names are not allowed"));
            }
            name => components.push(name),
        }
    }
    if components.len() > MAX_DEPTH {
        return Err(Denied("the path is too deep"));
    }
    if components.is_empty() {
        return Err(LookupError::NotFound);
    }
    Ok(components)
}

/// The requested name in its normal form: components joined by `/`.
fn normal(components: &[&str]) -> String {
    components.join("/")
}

/// The alias table's target for `name` (exact, then case-insensitive).
fn alias_target<'a>(aliases: &'a [Alias], name: &str) -> Option<&'a str> {
    aliases
        .iter()
        .find(|a| a.name == name)
        .or_else(|| aliases.iter().find(|a| eq_case_insensitive(&a.name, name)))
        .map(|a| a.target.as_str())
}

fn eq_case_insensitive(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || a.to_lowercase() == b.to_lowercase()
}

/// Files in a folder. A folder holding `lifeline-bundle.json` is a bundle, and
/// its alias table is used.
#[derive(Debug, Clone)]
pub struct RootDir {
    root: PathBuf,
    aliases: Vec<Alias>,
}

impl RootDir {
    /// Serves `root`, reading its bundle manifest if it has one.
    pub fn new(root: &Path) -> io::Result<Self> {
        let root = fs::canonicalize(root)?;
        if !root.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                format!("{} is not a folder", root.display()),
            ));
        }
        let manifest_path = root.join(MANIFEST_NAME);
        let aliases = match File::open(&manifest_path) {
            Ok(file) => {
                let mut text = String::new();
                file.take(MAX_MANIFEST_LEN).read_to_string(&mut text)?;
                let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("{}: {e}", manifest_path.display()),
                    )
                })?;
                manifest.aliases
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        Ok(Self { root, aliases })
    }

    /// The canonical root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The alias table (empty unless the folder is a bundle).
    pub fn aliases(&self) -> &[Alias] {
        &self.aliases
    }

    /// Opens `relative` if it is a regular file inside the root.
    fn open_inside(&self, components: &[&str]) -> Result<(File, u64, String), LookupError> {
        let mut path = self.root.clone();
        path.extend(components);
        let canonical = match fs::canonicalize(&path) {
            Ok(c) => c,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) =>
            {
                return Err(LookupError::NotFound);
            }
            Err(e) => return Err(e.into()),
        };
        let Ok(inside) = canonical.strip_prefix(&self.root) else {
            return Err(LookupError::Denied("a symlink leads outside the root"));
        };
        // Checked before opening: opening a FIFO or a device could block.
        if !fs::metadata(&canonical)?.is_file() {
            return Err(LookupError::NotFound);
        }
        let file = File::open(&canonical)?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(LookupError::NotFound);
        }
        // Reported with `/` on every system (Windows would join with `\`).
        let served: Vec<_> = inside
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect();
        Ok((file, meta.len(), served.join("/")))
    }

    /// Follows `components` one folder at a time, matching names without case.
    fn case_insensitive(&self, components: &[&str]) -> Option<Vec<String>> {
        let mut dir = self.root.clone();
        let mut found = Vec::new();
        for part in components {
            let mut names: Vec<String> = fs::read_dir(&dir)
                .ok()?
                .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
                .filter(|name| eq_case_insensitive(name, part))
                .collect();
            names.sort();
            let name = names.into_iter().next()?;
            dir.push(&name);
            found.push(name);
        }
        Some(found)
    }

    fn opened(file: File, size: u64, resolution: Resolution, served: String) -> Opened {
        Opened {
            reader: Box::new(file),
            size,
            resolution,
            served,
            direct: true,
        }
    }
}

impl FileSource for RootDir {
    fn open(&self, requested: &str) -> Result<Opened, LookupError> {
        let components = check_name(requested)?;
        match self.open_inside(&components) {
            Ok((file, size, served)) => {
                // A case-insensitive file system (NTFS, APFS) opens another
                // case directly; it is still a case match, as on Linux.
                let requested = normal(&components);
                let resolution = if served != requested && eq_case_insensitive(&served, &requested)
                {
                    Resolution::Case
                } else {
                    Resolution::Exact
                };
                return Ok(Self::opened(file, size, resolution, served));
            }
            Err(LookupError::NotFound) => {}
            Err(other) => return Err(other),
        }
        if let Some(found) = self.case_insensitive(&components) {
            let found: Vec<&str> = found.iter().map(String::as_str).collect();
            match self.open_inside(&found) {
                Ok((file, size, served)) => {
                    return Ok(Self::opened(file, size, Resolution::Case, served));
                }
                Err(LookupError::NotFound) => {}
                Err(other) => return Err(other),
            }
        }
        if let Some(target) = alias_target(&self.aliases, &normal(&components)) {
            let target = check_name(target)?;
            let (file, size, served) = self.open_inside(&target)?;
            return Ok(Self::opened(file, size, Resolution::Alias, served));
        }
        Err(LookupError::NotFound)
    }
}

/// Files held in memory, shared by every transfer that reads them.
#[derive(Debug, Clone, Default)]
pub struct MemoryFiles {
    files: BTreeMap<String, Arc<[u8]>>,
    aliases: Vec<Alias>,
}

impl MemoryFiles {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file; later transfers see the new content, running
    /// ones keep the old.
    pub fn insert(&mut self, name: impl Into<String>, data: impl Into<Arc<[u8]>>) {
        self.files.insert(name.into(), data.into());
    }

    /// Adds an alias.
    pub fn alias(&mut self, name: impl Into<String>, target: impl Into<String>) {
        self.aliases.push(Alias {
            name: name.into(),
            target: target.into(),
        });
    }

    /// The files of a bundle, with its aliases.
    pub fn from_bundle(bundle: &lifeline_shared::bundle::Bundle) -> Self {
        let mut files = Self::new();
        for (name, data) in bundle.files() {
            files.insert(name, data);
        }
        files.insert(MANIFEST_NAME, bundle.manifest_json().into_bytes());
        files.aliases = bundle.manifest.aliases.clone();
        files
    }

    /// How many files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn opened(&self, name: &str, resolution: Resolution) -> Option<Opened> {
        let data = self.files.get(name)?.clone();
        Some(Opened {
            size: data.len() as u64,
            reader: Box::new(Cursor::new(data)),
            resolution,
            served: name.to_owned(),
            direct: false,
        })
    }
}

impl FileSource for MemoryFiles {
    fn open(&self, requested: &str) -> Result<Opened, LookupError> {
        let name = normal(&check_name(requested)?);
        if let Some(opened) = self.opened(&name, Resolution::Exact) {
            return Ok(opened);
        }
        if let Some(found) = self.files.keys().find(|k| eq_case_insensitive(k, &name)) {
            return self
                .opened(&found.clone(), Resolution::Case)
                .ok_or(LookupError::NotFound);
        }
        if let Some(target) = alias_target(&self.aliases, &name) {
            let target = normal(&check_name(target)?);
            return self
                .opened(&target, Resolution::Alias)
                .ok_or(LookupError::NotFound);
        }
        Err(LookupError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(mut opened: Opened) -> Vec<u8> {
        let mut out = Vec::new();
        opened.reader.read_to_end(&mut out).unwrap();
        assert_eq!(out.len() as u64, opened.size);
        out
    }

    fn resolution(source: &dyn FileSource, name: &str) -> Resolution {
        match source.open(name) {
            Ok(opened) => opened.resolution,
            Err(e) => e.resolution(),
        }
    }

    #[test]
    fn names_are_checked_before_any_lookup() {
        assert_eq!(check_name("a.txt").unwrap(), ["a.txt"]);
        assert_eq!(check_name("/mk-sip.jar").unwrap(), ["mk-sip.jar"]);
        assert_eq!(check_name("\\\\x\\y//./z").unwrap(), ["x", "y", "z"]);
        for bad in [
            "../etc/passwd",
            "a/../../b",
            "a\\..\\b",
            "C:\\boot.ini",
            "c:x",
            "file.txt::$DATA",
            "a\0b",
            "a\nb",
            "...",
            "..../x",
        ] {
            assert!(
                matches!(check_name(bad), Err(LookupError::Denied(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            check_name(&"a/".repeat(MAX_DEPTH + 1)),
            Err(LookupError::Denied(_))
        ));
        assert!(matches!(
            check_name(&"x".repeat(MAX_NAME_LEN + 1)),
            Err(LookupError::Denied(_))
        ));
        assert!(matches!(check_name("/"), Err(LookupError::NotFound)));
    }

    #[test]
    fn a_folder_resolves_in_order_and_stays_inside() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        fs::create_dir_all(root.join("Sub")).unwrap();
        fs::write(root.join("SEPX.cnf.xml"), b"exact").unwrap();
        fs::write(root.join("jar41sip.sbn"), b"lower").unwrap();
        fs::write(root.join("Sub/Inner.bin"), b"inner").unwrap();
        fs::write(tmp.path().join("secret"), b"secret").unwrap();
        fs::write(
            root.join(MANIFEST_NAME),
            serde_json::json!({
                "format": 1, "id": "x", "source": "s", "load": null, "protocol": null,
                "settings": {"tftp_servers": [], "call_managers": []},
                "files": [],
                "aliases": [{"name": "Other.sbn", "target": "jar41sip.sbn"}]
            })
            .to_string(),
        )
        .unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path().join("secret"), root.join("escape")).unwrap();
            std::os::unix::fs::symlink(tmp.path(), root.join("up")).unwrap();
            std::os::unix::fs::symlink("jar41sip.sbn", root.join("link.sbn")).unwrap();
        }
        let dir = RootDir::new(&root).unwrap();
        assert_eq!(dir.aliases().len(), 1);

        let exact = dir.open("SEPX.cnf.xml").unwrap();
        assert_eq!(
            (exact.resolution, exact.served.as_str()),
            (Resolution::Exact, "SEPX.cnf.xml")
        );
        assert_eq!(read_all(exact), b"exact");
        assert_eq!(resolution(&dir, "/SEPX.cnf.xml"), Resolution::Exact);
        assert_eq!(resolution(&dir, "\\SEPX.cnf.xml"), Resolution::Exact);
        let inner = dir.open("Sub\\Inner.bin").unwrap();
        assert_eq!(
            (inner.resolution, inner.served.as_str()),
            (Resolution::Exact, "Sub/Inner.bin"),
            "served names use `/` on every system"
        );
        let case = dir.open("/sub/INNER.BIN").unwrap();
        assert_eq!(
            (case.resolution, case.served.as_str()),
            (Resolution::Case, "Sub/Inner.bin")
        );
        assert_eq!(read_all(case), b"inner");
        let alias = dir.open("other.SBN").unwrap();
        assert_eq!(
            (alias.resolution, alias.served.as_str()),
            (Resolution::Alias, "jar41sip.sbn")
        );
        assert_eq!(read_all(alias), b"lower");
        assert_eq!(resolution(&dir, "missing.bin"), Resolution::NotFound);
        assert_eq!(
            resolution(&dir, "Sub"),
            Resolution::NotFound,
            "folders are not files"
        );
        assert_eq!(resolution(&dir, "../secret"), Resolution::Denied);
        assert_eq!(
            resolution(&dir, "/etc/passwd"),
            Resolution::NotFound,
            "absolute names stay inside"
        );
        #[cfg(unix)]
        {
            assert_eq!(resolution(&dir, "escape"), Resolution::Denied);
            assert_eq!(resolution(&dir, "ESCAPE"), Resolution::Denied);
            assert_eq!(resolution(&dir, "up/secret"), Resolution::Denied);
            assert_eq!(
                resolution(&dir, "link.sbn"),
                Resolution::Exact,
                "links inside are fine"
            );
        }
    }

    #[test]
    fn a_replaced_file_does_not_change_a_running_transfer() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f.bin");
        let old: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        fs::write(&path, &old).unwrap();
        let dir = RootDir::new(tmp.path()).unwrap();
        let mut opened = dir.open("f.bin").unwrap();
        let mut first = vec![0u8; 1000];
        opened.reader.read_exact(&mut first).unwrap();
        // Replaced the way every sane writer does it: a new file renamed over.
        let staged = tmp.path().join("f.bin.new");
        fs::write(&staged, vec![0xEE; 300_000]).unwrap();
        let replaced = match fs::rename(&staged, &path) {
            Ok(()) => true,
            // Windows may refuse to replace a file that is open (Wine does):
            // the running transfer is just as safe.
            Err(e) if cfg!(windows) && e.kind() == io::ErrorKind::PermissionDenied => false,
            Err(e) => panic!("{e}"),
        };
        let mut rest = Vec::new();
        opened.reader.read_to_end(&mut rest).unwrap();
        first.extend(rest);
        assert_eq!(first, old);
        if replaced {
            assert_eq!(read_all(dir.open("f.bin").unwrap()).len(), 300_000);
        }
    }

    #[test]
    fn memory_files_resolve_the_same_way() {
        let mut files = MemoryFiles::new();
        files.insert("XMLDefault.cnf.xml", b"xml".to_vec());
        files.insert("jar41sip.sbn", b"jar".to_vec());
        files.alias("Jar41SIP.sbn", "jar41sip.sbn");
        files.alias("Elsewhere.sbn", "../secret");
        assert_eq!(resolution(&files, "XMLDefault.cnf.xml"), Resolution::Exact);
        assert_eq!(resolution(&files, "/XMLDefault.cnf.xml"), Resolution::Exact);
        assert_eq!(resolution(&files, "xmldefault.CNF.xml"), Resolution::Case);
        assert_eq!(resolution(&files, "Elsewhere.sbn"), Resolution::Denied);
        assert_eq!(resolution(&files, "nothing"), Resolution::NotFound);
        assert_eq!(
            resolution(&files, "..\\XMLDefault.cnf.xml"),
            Resolution::Denied
        );
        // A running reader keeps the bytes it started with.
        let mut running = files.open("jar41sip.sbn").unwrap();
        files.insert("jar41sip.sbn", b"new".to_vec());
        let mut out = Vec::new();
        running.reader.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"jar");
    }

    #[test]
    fn a_bundle_serves_its_files_and_manifest() {
        use lifeline_shared::bundle::{self, Settings};
        use lifeline_shared::firmware::inspect::inspect_zip;
        let zip = lifeline_shared::testkit::seed_zip();
        let report = inspect_zip("seed.zip", &zip).unwrap();
        let firmware = bundle::firmware_from_zip(&zip, &report).unwrap();
        let settings = Settings {
            tftp_servers: vec![std::net::Ipv4Addr::LOCALHOST],
            call_managers: vec!["127.0.0.1".into()],
            phones: vec![],
        };
        let b = bundle::build(&report, firmware, &settings).unwrap();
        let files = MemoryFiles::from_bundle(&b);
        assert_eq!(files.len(), b.contents.len() + 1);
        for (name, data) in b.files() {
            assert_eq!(read_all(files.open(name).unwrap()), data);
        }
        assert_eq!(resolution(&files, MANIFEST_NAME), Resolution::Exact);
    }
}
