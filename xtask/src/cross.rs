//! `cargo xtask cross`: Lifeline on the machines people have, checked from
//! this Linux machine (also the last steps of `cargo xtask test`).
//!
//! 1. clippy `-D warnings` for Windows, macOS, aarch64 Linux and x86_64 musl;
//! 2. Windows: the shared, helper and winsock unit tests under Wine, then the
//!    TFTP end-to-end tests (real curl, busybox, tftp-hpa, atftp) and HTTP
//!    provisioning's (curl, wget, busybox wget) against `lifeline.exe` under
//!    Wine. Wine 8 lacks `ProcessPrng`, which Rust's std
//!    calls for randomness: a stand-in DLL (`xtask/wine/processprng.c`,
//!    built here with mingw-w64) goes into a scratch Wine prefix under
//!    `target/`. It is test harness only and never part of a release;
//! 3. aarch64 (static musl): the shared and helper unit tests under
//!    `qemu-aarch64`, then a TFTP fetch from the aarch64 binary;
//! 4. the .deb (`release --target x86_64-unknown-linux-musl`): installed with
//!    `dpkg -i` into a scratch root, the installed binary serves a file to
//!    curl, and `systemd-analyze verify` passes its `lifeline.service`.
//!
//! macOS is checked with clippy only: nothing here can link or run it.
//! Every step prints how long it took.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, bail};

use crate::release::{AARCH64_LINUX, MACOS_X86_64, Target, WINDOWS, X86_64_LINUX};
use crate::{Workspace, run};

/// The crates that ship in the binary, checked and tested on every target.
const SHIPPED: [&str; 8] = [
    "-p",
    "lifeline-shared",
    "-p",
    "lifeline-proto",
    "-p",
    "lifeline-helper",
    "-p",
    "lifeline-winsock",
];

/// TFTP end-to-end tests that read Linux's `/proc` of the server process or
/// make a FIFO in its root: they describe Linux, not the binary under Wine.
const LINUX_ONLY_E2E: [&str; 2] = [
    "a_flood_of_malformed_datagrams_leaves_it_serving_with_bounded_memory",
    "traversal_battery_never_escapes",
];

impl Workspace {
    pub(crate) fn cross(&self) -> anyhow::Result<()> {
        let started = Instant::now();
        let mut timings = Vec::new();
        let mut timed = |name: &str, step: &mut dyn FnMut() -> anyhow::Result<()>| {
            println!("\n==> cross: {name}\n");
            let t = Instant::now();
            step()?;
            timings.push((name.to_owned(), t.elapsed()));
            println!("\n(cross: {name}: {:.0?})", t.elapsed());
            anyhow::Ok(())
        };
        for target in [WINDOWS, MACOS_X86_64, AARCH64_LINUX, X86_64_LINUX] {
            timed(&format!("clippy {}", target.triple), &mut || {
                self.cross_clippy(target)
            })?;
        }
        timed("Windows: unit tests under Wine", &mut || {
            self.windows_unit_tests()
        })?;
        timed(
            "Windows: TFTP and HTTP provisioning end-to-end under Wine",
            &mut || self.windows_e2e(),
        )?;
        timed("aarch64: unit tests under qemu-aarch64", &mut || {
            self.aarch64_unit_tests()
        })?;
        timed("aarch64: TFTP fetch under qemu-aarch64", &mut || {
            self.aarch64_e2e()
        })?;
        timed(
            ".deb: build, dpkg -i, serve, systemd-analyze verify",
            &mut || self.deb_check(),
        )?;
        println!("\ncross: every step passed in {:.0?}:", started.elapsed());
        for (name, took) in timings {
            println!("  {took:>8.0?}  {name}");
        }
        Ok(())
    }

    fn cross_clippy(&self, target: Target) -> anyhow::Result<()> {
        run(self
            .cargo_for(target)
            .args(["clippy", "--all-targets", "--target", target.triple])
            .args(SHIPPED)
            .args(["--", "-D", "warnings"]))
    }

    /// A Wine prefix of our own, with the `ProcessPrng` stand-in, and the
    /// environment that uses it.
    fn wine_env(&self, command: &mut Command) -> anyhow::Result<()> {
        let prefix = self.target_dir.join("cross").join("wine-prefix");
        let system32 = prefix.join("drive_c").join("windows").join("system32");
        if !system32.is_dir() {
            run(Command::new("wineboot")
                .arg("--init")
                .env("WINEPREFIX", &prefix)
                .env("WINEDEBUG", "-all")
                .env("WINEDLLOVERRIDES", "mscoree,mshtml="))
            .context("cannot make a Wine prefix (Debian packages wine, wine64)")?;
        }
        let dll = system32.join("bcryptprimitives.dll");
        run(Command::new("x86_64-w64-mingw32-gcc")
            .args(["-shared", "-O2", "-o"])
            .arg(&dll)
            .arg(self.root.join("xtask/wine/processprng.c"))
            .arg("-ladvapi32"))
        .context("cannot build the ProcessPrng stand-in (Debian package gcc-mingw-w64-x86-64)")?;
        command
            .env("WINEPREFIX", &prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "bcryptprimitives=n;mscoree,mshtml=");
        Ok(())
    }

    fn windows_unit_tests(&self) -> anyhow::Result<()> {
        let mut command = self.cargo_for(WINDOWS);
        command
            .args(["test", "--lib", "--target", WINDOWS.triple])
            .args([
                "-p",
                "lifeline-shared",
                "-p",
                "lifeline-helper",
                "-p",
                "lifeline-winsock",
            ])
            .env("CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER", "wine");
        self.wine_env(&mut command)?;
        run(&mut command)
    }

    /// Builds `lifeline` (debug, web app embedded if `dist/` exists) for a
    /// target and returns it.
    fn debug_binary(&self, target: Target) -> anyhow::Result<PathBuf> {
        run(self
            .cargo_for(target)
            .args(["build", "-p", "lifeline-helper", "--bin", "lifeline"])
            .args(["--target", target.triple]))?;
        Ok(self
            .cross_target_dir(target)
            .join(target.triple)
            .join("debug")
            .join(target.exe()))
    }

    /// A script that runs `binary` through `runner`, for `LIFELINE_BIN`: the
    /// tests start it, read its lines and kill it as they would the binary.
    fn wrapper(&self, name: &str, runner: &str, binary: &Path) -> anyhow::Result<PathBuf> {
        let path = self.target_dir.join("cross").join(name);
        fs::write(
            &path,
            format!("#!/bin/sh\nexec {runner} '{}' \"$@\"\n", binary.display()),
        )?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o755))?;
        }
        Ok(path)
    }

    /// The host's TFTP end-to-end tests against `bin`, but `skip`.
    fn tftp_e2e(
        &self,
        bin: &Path,
        filter: &[&str],
        skip: &[&str],
        env: &[(&str, &Path)],
    ) -> anyhow::Result<()> {
        self.e2e_test("tftp_e2e", bin, filter, skip, env)
    }

    /// The host's end-to-end test file `test` against `bin`, but `skip`.
    fn e2e_test(
        &self,
        test: &str,
        bin: &Path,
        filter: &[&str],
        skip: &[&str],
        env: &[(&str, &Path)],
    ) -> anyhow::Result<()> {
        let mut command = self.cargo();
        command
            .args(["test", "-p", "lifeline-tests", "--test", test, "--"])
            .args(filter)
            .env("LIFELINE_BIN", bin);
        for name in skip {
            command.args(["--skip", name]);
        }
        for (key, value) in env {
            command.env(key, value);
        }
        run(&mut command)
    }

    fn windows_e2e(&self) -> anyhow::Result<()> {
        let exe = self.debug_binary(WINDOWS)?;
        let wrapper = self.wrapper("lifeline-wine", "wine", &exe)?;
        let mut env = Command::new("true");
        self.wine_env(&mut env)?;
        let vars: Vec<(String, PathBuf)> = env
            .get_envs()
            .filter_map(|(k, v)| Some((k.to_str()?.to_owned(), PathBuf::from(v?))))
            .collect();
        let vars: Vec<(&str, &Path)> = vars
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_path()))
            .collect();
        self.tftp_e2e(&wrapper, &[], &LINUX_ONLY_E2E, &vars)?;
        // HTTP provisioning (port 6970) from lifeline.exe: real clients,
        // ranges, traversal, off, and the events on /ws.
        self.e2e_test("http_e2e", &wrapper, &[], &[], &vars)
    }

    fn aarch64_unit_tests(&self) -> anyhow::Result<()> {
        run(self
            .cargo_for(AARCH64_LINUX)
            .args(["test", "--lib", "--target", AARCH64_LINUX.triple])
            .args(["-p", "lifeline-shared", "-p", "lifeline-helper"])
            .env(
                "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_RUNNER",
                "qemu-aarch64",
            ))
    }

    fn aarch64_e2e(&self) -> anyhow::Result<()> {
        let binary = self.debug_binary(AARCH64_LINUX)?;
        let wrapper = self.wrapper("lifeline-qemu-aarch64", "qemu-aarch64", &binary)?;
        self.tftp_e2e(
            &wrapper,
            &["curl_downloads_match", "busybox_downloads_match"],
            &[],
            &[],
        )
    }

    fn deb_check(&self) -> anyhow::Result<()> {
        self.release(&["--target".into(), X86_64_LINUX.triple.into()])?;
        let deb = self
            .target_dir
            .join("release-dist")
            .join(format!("lifeline_{}_amd64.deb", crate::release::version()));
        let root = self.target_dir.join("cross").join("deb-install");
        if root.exists() {
            fs::remove_dir_all(&root)?;
        }
        let admin = root.join("var/lib/dpkg");
        fs::create_dir_all(admin.join("info"))?;
        fs::create_dir_all(admin.join("updates"))?;
        fs::write(admin.join("status"), "")?;
        // The maintainer scripts run outside the scratch root (it has no
        // shell); they only talk to a running systemd, which they check for.
        run(Command::new("dpkg")
            .arg(format!("--root={}", root.display()))
            .args([
                "--force-script-chrootless",
                "--force-not-root",
                "--log=/dev/null",
                "-i",
            ])
            .arg(&deb))?;
        let installed = root.join("usr/bin/lifeline");
        for file in [
            "lib/systemd/system/lifeline.service",
            "usr/share/man/man1/lifeline-serve.1.gz",
            "usr/share/bash-completion/completions/lifeline",
            "etc/default/lifeline",
        ] {
            if !root.join(file).is_file() {
                bail!("the .deb did not install /{file}");
            }
        }
        let version = Command::new(&installed).arg("--version").output()?;
        println!(
            "installed: {}",
            String::from_utf8_lossy(&version.stdout).trim()
        );
        self.tftp_e2e(&installed, &["curl_downloads_match"], &[], &[])?;
        self.verify_unit(&root)
    }

    /// `systemd-analyze verify` on the installed unit. Its `--root` wants a
    /// whole systemd tree, so the unit is verified in place of its own, with
    /// ExecStart's `/usr/bin/lifeline` pointed at the scratch install (verify
    /// checks that it is executable). A warning (an unknown key, say) fails
    /// too: verify exits 0 on those.
    fn verify_unit(&self, root: &Path) -> anyhow::Result<()> {
        let unit = fs::read_to_string(root.join("lib/systemd/system/lifeline.service"))?;
        let installed = root.join("usr/bin/lifeline");
        let dir = self.target_dir.join("cross").join("unit-verify");
        fs::create_dir_all(&dir)?;
        let copy = dir.join("lifeline.service");
        fs::write(
            &copy,
            unit.replace("/usr/bin/lifeline", &installed.to_string_lossy()),
        )?;
        let mut command = Command::new("systemd-analyze");
        command.args(["verify", "--man=no"]).arg(&copy);
        crate::print_command(&command);
        let output = command
            .output()
            .context("cannot run systemd-analyze (Debian package systemd)")?;
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        if !output.status.success() || !said.trim().is_empty() {
            bail!(
                "lifeline.service does not pass systemd-analyze verify ({}):\n{said}",
                output.status
            );
        }
        println!("lifeline.service: systemd-analyze verify found nothing to say");
        Ok(())
    }
}
