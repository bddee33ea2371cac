//! Build and test automation, run as `cargo xtask <command>` (see `.cargo/config.toml`).
//!
//! - `dist`: build the web app for the browser into `dist/` (embedded by the helper),
//!   with `X.br` and `X.gz` beside each compressible file, and print what a browser
//!   downloads (raw, gzip, brotli).
//! - `run [ARGS...]`: `dist`, then `lifeline serve ARGS...` from a release build.
//! - `test`: everything CI checks, in order, stopping at the first failure.
//! - `e2e [PLAYWRIGHT ARGS...]`: only the browser tests (after `dist` and a helper build).
//! - `release [--target TRIPLE]...`: archives, .debs and SHA256SUMS per target.
//! - `cross`: clippy per target, Windows tests under Wine, aarch64 under qemu, the .deb.
//!
//! # Layout
//!
//! - `main.rs`: the commands, the workspace, running a process and echoing it.
//! - `dist.rs`: the web app build, the sizes a browser downloads, the brotli budget.
//! - `test.rs`: the CI gates in order, and the browser tests alone.
//! - `files.rs`: copying a tree, and keeping one in step with another.
//! - `css.rs`: stylesheets without their comments, as `dist/` serves them.
//! - `release.rs`: the targets, release builds, archives, the .deb, SHA256SUMS.
//! - `cross.rs`: the other targets' checks and tests, run from Linux.

mod cross;
mod css;
mod dist;
mod files;
mod release;
mod test;

use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context as _, bail};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  dist                 build the web app (wasm-release profile) into dist/,
                       precompressed; prints the transfer sizes
  size                 dist, then the same build of a one-button Yew page (the
                       floor): both brotli transfers, the budget and the goal
  run [-- ARGS...]     dist, then `lifeline serve ARGS...` (release build)
  test                 fmt, clippy, docs, wasm builds, size budget, cargo test,
                       browser tests
  e2e [-- ARGS...]     dist, build lifeline, then only the Playwright tests
                       (ARGS go to `playwright test`, e.g. a spec file or --grep)
  release [--target T]... release builds for Linux (static musl, x86_64 and
                       aarch64), Windows and macOS (where linkable), archives,
                       .debs and SHA256SUMS in target/release-dist/
  cross                clippy for every target, Windows tests under Wine,
                       aarch64 tests under qemu, the .deb installed and used
";

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let command = args.next().and_then(|c| c.into_string().ok());
    let mut rest: Vec<OsString> = args.collect();
    if rest.first().is_some_and(|a| a == "--") {
        rest.remove(0);
    }

    let result = match command.as_deref() {
        Some("dist") if rest.is_empty() => Workspace::locate().and_then(|ws| ws.dist()).map(drop),
        Some("size") if rest.is_empty() => Workspace::locate().and_then(|ws| ws.size()),
        Some("run") => Workspace::locate().and_then(|ws| ws.run(&rest)),
        Some("test") if rest.is_empty() => Workspace::locate().and_then(|ws| ws.test()),
        Some("e2e") => Workspace::locate().and_then(|ws| ws.e2e(&rest)),
        Some("release") => Workspace::locate().and_then(|ws| ws.release(&rest)),
        Some("cross") if rest.is_empty() => Workspace::locate().and_then(|ws| ws.cross()),
        Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nxtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug)]
struct Workspace {
    root: PathBuf,
    target_dir: PathBuf,
    cargo: OsString,
}

impl Workspace {
    fn locate() -> anyhow::Result<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("xtask is not inside the workspace")?
            .to_path_buf();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let output = Command::new(&cargo)
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .current_dir(&root)
            .output()
            .context("cannot run `cargo metadata`")?;
        if !output.status.success() {
            bail!(
                "`cargo metadata` failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let metadata: serde_json::Value =
            serde_json::from_slice(&output.stdout).context("cannot parse `cargo metadata`")?;
        let target_dir = metadata["target_directory"]
            .as_str()
            .map(PathBuf::from)
            .context("`cargo metadata` gave no target_directory")?;
        Ok(Self {
            root,
            target_dir,
            cargo,
        })
    }

    fn cargo(&self) -> Command {
        let mut command = Command::new(&self.cargo);
        command.current_dir(&self.root);
        command
    }

    fn dist_dir(&self) -> PathBuf {
        self.root.join("dist")
    }

    fn tests_dir(&self) -> PathBuf {
        self.root.join("tests")
    }

    fn run(&self, serve_args: &[OsString]) -> anyhow::Result<()> {
        self.dist()?;
        let mut command = self.cargo();
        command
            .args([
                "run",
                "--release",
                "-p",
                "lifeline-helper",
                "--bin",
                "lifeline",
                "--",
                "serve",
            ])
            .args(serve_args);
        print_command(&command);
        // Hand the terminal over to the server, so Ctrl-C reaches it alone and
        // it shuts down in its own time.
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt as _;
            let error = command.exec();
            Err(error).context("cannot run cargo")
        }
        #[cfg(not(unix))]
        {
            run(&mut command)
        }
    }
}

fn print_command(command: &Command) {
    let program = command.get_program().to_string_lossy();
    let program = Path::new(program.as_ref())
        .file_name()
        .map_or_else(|| program.to_string(), |n| n.to_string_lossy().into_owned());
    let args: Vec<_> = command
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    println!("$ {program} {}", args.join(" "));
    let _ = std::io::stdout().flush();
}

/// Runs a command with inherited stdio; a non-zero exit is an error.
fn run(command: &mut Command) -> anyhow::Result<()> {
    print_command(command);
    let status = command
        .status()
        .with_context(|| format!("cannot run {:?}", command.get_program()))?;
    if !status.success() {
        let args: Vec<_> = command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        bail!(
            "`{} {}` failed ({status})",
            command.get_program().to_string_lossy(),
            args.join(" ")
        );
    }
    Ok(())
}
