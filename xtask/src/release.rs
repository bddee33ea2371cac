//! `cargo xtask release [--target TRIPLE]...`: for each target, a release
//! build of `lifeline` with the web app embedded, in an archive (`.zip` for
//! Windows, `.tar.gz` otherwise) with the README and the licences; for each
//! Linux target also a `.deb` (binary, `lifeline.service`, man pages, shell
//! completions); and `SHA256SUMS` over all of them, in `target/release-dist/`.
//!
//! Linux builds are static (musl). Each target builds in its own target dir
//! under `target/cross/`, so switching targets never rebuilds another.
//! macOS cannot be linked here (Apple's SDK is not in Debian): `release`
//! says so and leaves it out; README "Install" tells a Mac user how to build.

use std::fs::{self, File};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use sha2::{Digest as _, Sha256};

use crate::{Workspace, run};

/// A target `release` knows: its triple, and how Debian names its architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) triple: &'static str,
    /// Debian's architecture name, for Linux targets (a .deb is made).
    deb_arch: Option<&'static str>,
    /// The linker, when cargo's default is not the right one on Debian.
    linker: Option<&'static str>,
    /// Whether this machine can link it.
    linkable: bool,
}

pub(crate) const X86_64_LINUX: Target = Target {
    triple: "x86_64-unknown-linux-musl",
    deb_arch: Some("amd64"),
    linker: None,
    linkable: true,
};
pub(crate) const AARCH64_LINUX: Target = Target {
    triple: "aarch64-unknown-linux-musl",
    deb_arch: Some("arm64"),
    // Debian's gcc-aarch64-linux-gnu drives the link; Rust brings musl's crt.
    linker: Some("aarch64-linux-gnu-gcc"),
    linkable: true,
};
pub(crate) const WINDOWS: Target = Target {
    triple: "x86_64-pc-windows-gnu",
    deb_arch: None,
    linker: Some("x86_64-w64-mingw32-gcc"),
    linkable: true,
};
pub(crate) const MACOS_X86_64: Target = Target {
    triple: "x86_64-apple-darwin",
    deb_arch: None,
    linker: None,
    linkable: false,
};
pub(crate) const MACOS_AARCH64: Target = Target {
    triple: "aarch64-apple-darwin",
    deb_arch: None,
    linker: None,
    linkable: false,
};

pub(crate) const TARGETS: [Target; 5] = [
    X86_64_LINUX,
    AARCH64_LINUX,
    WINDOWS,
    MACOS_X86_64,
    MACOS_AARCH64,
];

impl Target {
    fn parse(triple: &str) -> anyhow::Result<Self> {
        TARGETS
            .into_iter()
            .find(|t| t.triple == triple)
            .with_context(|| {
                let known: Vec<_> = TARGETS.iter().map(|t| t.triple).collect();
                format!(
                    "unknown target {triple:?}: release builds {}",
                    known.join(", ")
                )
            })
    }

    fn is_windows(self) -> bool {
        self.triple.contains("windows")
    }

    /// The binary's file name.
    pub(crate) fn exe(self) -> &'static str {
        if self.is_windows() {
            "lifeline.exe"
        } else {
            "lifeline"
        }
    }
}

impl Workspace {
    /// The target dir for one target's builds.
    pub(crate) fn cross_target_dir(&self, target: Target) -> PathBuf {
        self.target_dir.join("cross").join(target.triple)
    }

    /// `cargo` for `target`, in its own target dir, with its linker.
    pub(crate) fn cargo_for(&self, target: Target) -> Command {
        let mut command = self.cargo();
        command.env("CARGO_TARGET_DIR", self.cross_target_dir(target));
        if let Some(linker) = target.linker {
            let var = format!(
                "CARGO_TARGET_{}_LINKER",
                target.triple.to_uppercase().replace('-', "_")
            );
            command.env(var, linker);
        }
        command
    }

    pub(crate) fn release(&self, args: &[std::ffi::OsString]) -> anyhow::Result<()> {
        let mut targets = Vec::new();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.to_str() {
                Some("--target") => {
                    let triple = args
                        .next()
                        .and_then(|t| t.to_str())
                        .context("--target needs a triple, e.g. --target x86_64-pc-windows-gnu")?;
                    targets.push(Target::parse(triple)?);
                }
                _ => bail!(
                    "release takes only --target TRIPLE (repeatable), not {}",
                    arg.to_string_lossy()
                ),
            }
        }
        if targets.is_empty() {
            targets = TARGETS.to_vec();
        }
        let out = self.target_dir.join("release-dist");
        if out.exists() {
            fs::remove_dir_all(&out).with_context(|| format!("cannot clear {}", out.display()))?;
        }
        fs::create_dir_all(&out)?;
        self.dist()?;

        let mut made = Vec::new();
        let mut manual: Option<PathBuf> = None;
        for target in targets {
            if !target.linkable {
                println!(
                    "\nrelease: {} skipped: Apple's SDK is not available on Linux, so it cannot \
                     be linked here (`cargo xtask cross` checks it with clippy). On a Mac: \
                     `cargo xtask dist && cargo build --release -p lifeline-helper --bin lifeline`",
                    target.triple
                );
                continue;
            }
            let binary = self.release_binary(target)?;
            if manual.is_none() {
                manual = Some(self.manual_pages(&binary, target)?);
            }
            let manual = manual.as_deref().context("no man pages")?;
            made.push(self.archive(target, &binary, &out)?);
            if let Some(arch) = target.deb_arch {
                made.push(self.deb(arch, &binary, manual, &out)?);
            }
        }
        let sums = sha256sums(&made)?;
        fs::write(out.join("SHA256SUMS"), &sums)?;
        println!("\nrelease: {}\n{sums}", out.display());
        Ok(())
    }

    /// Builds `lifeline` for `target` (release, stripped) and returns it.
    pub(crate) fn release_binary(&self, target: Target) -> anyhow::Result<PathBuf> {
        run(self
            .cargo_for(target)
            .args([
                "build",
                "--release",
                "-p",
                "lifeline-helper",
                "--bin",
                "lifeline",
            ])
            .args(["--target", target.triple])
            .env("CARGO_PROFILE_RELEASE_STRIP", "symbols"))?;
        let binary = self
            .cross_target_dir(target)
            .join(target.triple)
            .join("release")
            .join(target.exe());
        let size = fs::metadata(&binary)
            .with_context(|| format!("cargo left no {}", binary.display()))?
            .len();
        println!("{}: {:.1} MB", binary.display(), size as f64 / 1e6);
        Ok(binary)
    }

    /// Man pages and completions from `lifeline manual`: the x86_64 Linux
    /// binary runs here; anything else is asked of a host build.
    fn manual_pages(&self, binary: &Path, target: Target) -> anyhow::Result<PathBuf> {
        let out = self.target_dir.join("release-manual");
        if out.exists() {
            fs::remove_dir_all(&out)?;
        }
        let host_runs_it =
            target == X86_64_LINUX && cfg!(all(target_os = "linux", target_arch = "x86_64"));
        if host_runs_it {
            run(Command::new(binary).arg("manual").arg("--out").arg(&out))?;
        } else {
            run(self
                .cargo()
                .args([
                    "run",
                    "--quiet",
                    "-p",
                    "lifeline-helper",
                    "--bin",
                    "lifeline",
                    "--",
                ])
                .arg("manual")
                .arg("--out")
                .arg(&out))?;
        }
        Ok(out)
    }

    /// `lifeline-VERSION-TRIPLE.{zip,tar.gz}` with the binary, README and licences.
    fn archive(&self, target: Target, binary: &Path, out: &Path) -> anyhow::Result<PathBuf> {
        let stem = format!("lifeline-{}-{}", version(), target.triple);
        let mut files: Vec<(String, PathBuf, u32)> =
            vec![(format!("{stem}/{}", target.exe()), binary.to_owned(), 0o755)];
        for doc in ["README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
            files.push((format!("{stem}/{doc}"), self.root.join(doc), 0o644));
        }
        let path = if target.is_windows() {
            let path = out.join(format!("{stem}.zip"));
            let mut zip = zip::ZipWriter::new(File::create(&path)?);
            for (name, source, mode) in &files {
                let options = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated)
                    .unix_permissions(*mode);
                zip.start_file(name.as_str(), options)?;
                zip.write_all(&fs::read(source)?)?;
            }
            zip.finish()?;
            path
        } else {
            let path = out.join(format!("{stem}.tar.gz"));
            tar_gz(&path, &files)?;
            path
        };
        println!("{}", path.display());
        Ok(path)
    }

    /// `lifeline_VERSION_ARCH.deb`, built with Debian's `dpkg-deb`.
    fn deb(&self, arch: &str, binary: &Path, manual: &Path, out: &Path) -> anyhow::Result<PathBuf> {
        let root = self.target_dir.join("deb-root").join(arch);
        if root.exists() {
            fs::remove_dir_all(&root)?;
        }
        let packaging = self.root.join("packaging").join("deb");
        let place = |from: &Path, to: &str, mode: u32| -> anyhow::Result<()> {
            let to = root.join(to);
            fs::create_dir_all(to.parent().context("a path with a parent")?)?;
            fs::copy(from, &to).with_context(|| format!("cannot copy {}", from.display()))?;
            set_mode(&to, mode)
        };
        place(binary, "usr/bin/lifeline", 0o755)?;
        place(
            &packaging.join("lifeline.service"),
            "lib/systemd/system/lifeline.service",
            0o644,
        )?;
        place(&packaging.join("default"), "etc/default/lifeline", 0o644)?;
        place(
            &self.root.join("README.md"),
            "usr/share/doc/lifeline/README.md",
            0o644,
        )?;
        place(
            &packaging.join("copyright"),
            "usr/share/doc/lifeline/copyright",
            0o644,
        )?;
        for entry in fs::read_dir(manual.join("man"))? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let to = root.join("usr/share/man/man1").join(format!("{name}.gz"));
            fs::create_dir_all(to.parent().context("man1")?)?;
            gzip_file(&entry.path(), &to)?;
        }
        let completions = manual.join("completions");
        place(
            &completions.join("lifeline.bash"),
            "usr/share/bash-completion/completions/lifeline",
            0o644,
        )?;
        place(
            &completions.join("_lifeline"),
            "usr/share/zsh/vendor-completions/_lifeline",
            0o644,
        )?;
        place(
            &completions.join("lifeline.fish"),
            "usr/share/fish/vendor_completions.d/lifeline.fish",
            0o644,
        )?;

        let installed_kib = dir_size(&root)?.div_ceil(1024);
        let debian = root.join("DEBIAN");
        fs::create_dir_all(&debian)?;
        fs::write(
            debian.join("control"),
            format!(
                "Package: lifeline\n\
                 Version: {version}\n\
                 Architecture: {arch}\n\
                 Maintainer: Lifeline maintainers <lifeline@example.invalid>\n\
                 Installed-Size: {installed_kib}\n\
                 Section: net\n\
                 Priority: optional\n\
                 Homepage: https://example.invalid/lifeline\n\
                 Description: recover Cisco IP phones without a Call Manager\n \
                 A web app and one static binary that serve firmware to Cisco IP phones\n \
                 over TFTP (and DHCP option 150 when asked), with the checks a recovery\n \
                 needs. lifeline.service runs it without root (DynamicUser, state in\n \
                 /var/lib/lifeline); flags go in /etc/default/lifeline.\n",
                version = version()
            ),
        )?;
        fs::write(debian.join("conffiles"), "/etc/default/lifeline\n")?;
        for script in ["postinst", "prerm", "postrm"] {
            place(&packaging.join(script), &format!("DEBIAN/{script}"), 0o755)?;
        }
        let path = out.join(format!("lifeline_{}_{arch}.deb", version()));
        run(Command::new("dpkg-deb")
            .args(["--root-owner-group", "-Zxz", "--build"])
            .arg(&root)
            .arg(&path))
        .context("building the .deb needs Debian's dpkg-deb (package dpkg)")?;
        Ok(path)
    }
}

/// The workspace's version, which every crate shares.
pub(crate) fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

fn tar_gz(path: &Path, files: &[(String, PathBuf, u32)]) -> anyhow::Result<()> {
    let gz = flate2::write::GzEncoder::new(File::create(path)?, flate2::Compression::best());
    let mut tar = tar::Builder::new(gz);
    for (name, source, mode) in files {
        let data = fs::read(source).with_context(|| format!("cannot read {}", source.display()))?;
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(*mode);
        header.set_mtime(0);
        header.set_cksum();
        tar.append_data(&mut header, name, data.as_slice())?;
    }
    tar.into_inner()?.finish()?;
    Ok(())
}

fn gzip_file(from: &Path, to: &Path) -> anyhow::Result<()> {
    let mut gz = flate2::write::GzEncoder::new(File::create(to)?, flate2::Compression::best());
    gz.write_all(&fs::read(from)?)?;
    gz.finish()?;
    set_mode(to, 0o644)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set the mode of {}", path.display()))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> anyhow::Result<()> {
    bail!("a .deb is built on Linux (dpkg-deb)")
}

fn dir_size(dir: &Path) -> anyhow::Result<u64> {
    let mut total = 0;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            dir_size(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

/// `sha256sum`'s format: `HASH  NAME` a line, names relative to the folder.
fn sha256sums(files: &[PathBuf]) -> anyhow::Result<String> {
    let mut out = String::new();
    for file in files {
        let mut hasher = Sha256::new();
        let mut input = File::open(file)?;
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = input.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        let hex: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let name = file.file_name().context("a file name")?.to_string_lossy();
        out.push_str(&format!("{hex}  {name}\n"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The workspace, with its build output in a scratch folder.
    fn workspace(target_dir: &Path) -> Workspace {
        Workspace {
            root: Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .unwrap()
                .to_path_buf(),
            target_dir: target_dir.to_path_buf(),
            cargo: "cargo".into(),
        }
    }

    /// A stand-in binary and `lifeline manual` output, as the build leaves them.
    fn fake_build(dir: &Path) -> (PathBuf, PathBuf) {
        let binary = dir.join("lifeline");
        fs::write(&binary, "#!/bin/sh\necho lifeline 0.1.0\n").unwrap();
        let manual = dir.join("manual");
        fs::create_dir_all(manual.join("man")).unwrap();
        fs::create_dir_all(manual.join("completions")).unwrap();
        fs::write(manual.join("man/lifeline.1"), ".TH lifeline 1\n").unwrap();
        fs::write(
            manual.join("man/lifeline-serve.1"),
            ".TH lifeline-serve 1\n",
        )
        .unwrap();
        for (_, file) in [
            ("bash", "lifeline.bash"),
            ("zsh", "_lifeline"),
            ("fish", "lifeline.fish"),
        ] {
            fs::write(manual.join("completions").join(file), "# completions\n").unwrap();
        }
        (binary, manual)
    }

    #[test]
    fn archives_hold_the_binary_readme_and_licences_and_are_summed() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = workspace(tmp.path());
        let (binary, _) = fake_build(tmp.path());
        let tgz = ws.archive(X86_64_LINUX, &binary, tmp.path()).unwrap();
        let mut names = Vec::new();
        let gz = flate2::read::GzDecoder::new(File::open(&tgz).unwrap());
        for entry in tar::Archive::new(gz).entries().unwrap() {
            let entry = entry.unwrap();
            let mode = entry.header().mode().unwrap();
            names.push((entry.path().unwrap().to_string_lossy().into_owned(), mode));
        }
        let stem = format!("lifeline-{}-x86_64-unknown-linux-musl", version());
        assert_eq!(
            names,
            [
                (format!("{stem}/lifeline"), 0o755),
                (format!("{stem}/README.md"), 0o644),
                (format!("{stem}/LICENSE-MIT"), 0o644),
                (format!("{stem}/LICENSE-APACHE"), 0o644),
            ]
        );
        let zip_path = ws.archive(WINDOWS, &binary, tmp.path()).unwrap();
        let zip = zip::ZipArchive::new(File::open(&zip_path).unwrap()).unwrap();
        let stem = format!("lifeline-{}-x86_64-pc-windows-gnu", version());
        assert!(
            zip.file_names()
                .any(|n| n.is_ok_and(|n| n == format!("{stem}/lifeline.exe")))
        );
        assert_eq!(zip.len(), 4);

        let sums = sha256sums(&[tgz.clone(), zip_path]).unwrap();
        let first = sums.lines().next().unwrap();
        let expected: String = Sha256::digest(fs::read(&tgz).unwrap())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            first,
            format!(
                "{expected}  {stem_tgz}",
                stem_tgz = tgz.file_name().unwrap().to_string_lossy()
            )
        );
    }

    /// Needs Debian's dpkg-deb, which CI installs; elsewhere it says so and passes.
    #[test]
    fn the_deb_installs_binary_unit_manual_and_completions() {
        if Command::new("dpkg-deb").arg("--version").output().is_err() {
            eprintln!("no dpkg-deb: the .deb test is skipped");
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let ws = workspace(tmp.path());
        let (binary, manual) = fake_build(tmp.path());
        let deb = ws.deb("arm64", &binary, &manual, tmp.path()).unwrap();
        let contents = Command::new("dpkg-deb")
            .arg("--contents")
            .arg(&deb)
            .output()
            .unwrap();
        let contents = String::from_utf8_lossy(&contents.stdout);
        for (mode, path) in [
            ("-rwxr-xr-x root/root", "./usr/bin/lifeline"),
            (
                "-rw-r--r-- root/root",
                "./lib/systemd/system/lifeline.service",
            ),
            ("-rw-r--r-- root/root", "./etc/default/lifeline"),
            (
                "-rw-r--r-- root/root",
                "./usr/share/man/man1/lifeline-serve.1.gz",
            ),
            (
                "-rw-r--r-- root/root",
                "./usr/share/bash-completion/completions/lifeline",
            ),
            (
                "-rw-r--r-- root/root",
                "./usr/share/zsh/vendor-completions/_lifeline",
            ),
            ("-rw-r--r-- root/root", "./usr/share/doc/lifeline/copyright"),
        ] {
            assert!(
                contents
                    .lines()
                    .any(|l| l.starts_with(mode) && l.ends_with(path)),
                "{mode} {path} not in:\n{contents}"
            );
        }
        let field = |name: &str| {
            let out = Command::new("dpkg-deb")
                .arg("--field")
                .arg(&deb)
                .arg(name)
                .output()
                .unwrap();
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        };
        assert_eq!(field("Package"), "lifeline");
        assert_eq!(field("Architecture"), "arm64");
        assert_eq!(field("Version"), version());
        let conffiles = Command::new("dpkg-deb")
            .arg("--info")
            .arg(&deb)
            .arg("conffiles")
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&conffiles.stdout),
            "/etc/default/lifeline\n"
        );
        let unit = fs::read_to_string(ws.root.join("packaging/deb/lifeline.service")).unwrap();
        for line in [
            "DynamicUser=yes",
            "StateDirectory=lifeline",
            "AmbientCapabilities=CAP_NET_BIND_SERVICE CAP_NET_RAW",
        ] {
            assert!(unit.lines().any(|l| l == line), "{line}");
        }
    }
}
