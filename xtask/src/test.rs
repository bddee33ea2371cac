//! `cargo xtask test` (every CI gate, in order, stopping at the first failure) and
//! `cargo xtask e2e` (only the browser tests).

use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, bail};

use crate::{Workspace, print_command, run};

impl Workspace {
    pub(crate) fn test(&self) -> anyhow::Result<()> {
        let started = Instant::now();
        let mut steps = Steps::new(13);

        steps.header("cargo fmt --all --check");
        run(self.cargo().args(["fmt", "--all", "--check"]))?;

        steps.header(
            "cargo clippy --workspace --all-targets, and lifeline-web --features floor (-D warnings)",
        );
        run(self.cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))?;
        // The size floor `cargo xtask size` builds (one Yew button instead of
        // the app) is a feature no other step compiles: kept from rotting here.
        run(self.cargo().args([
            "clippy",
            "-p",
            "lifeline-web",
            "--features",
            "floor",
            "--",
            "-D",
            "warnings",
        ]))?;

        // Every doc link resolves and no doc comment reads as broken HTML.
        steps.header("cargo doc --workspace --no-deps (RUSTDOCFLAGS=-D warnings)");
        run(self
            .cargo()
            .args(["doc", "--workspace", "--no-deps"])
            .env("RUSTDOCFLAGS", "-D warnings"))?;

        // Both pure crates build for the browser's target, where there is no
        // socket, thread or clock: the compiler keeps them free of I/O.
        steps.header(
            "cargo build -p lifeline-shared -p lifeline-proto --target wasm32-unknown-unknown",
        );
        run(self.cargo().args([
            "build",
            "-p",
            "lifeline-shared",
            "-p",
            "lifeline-proto",
            "--target",
            "wasm32-unknown-unknown",
        ]))?;

        // The fuzz crate is outside the workspace (cargo fuzz wants nightly);
        // checking its targets on stable keeps them from rotting.
        steps.header("cargo check --manifest-path fuzz/Cargo.toml --bins");
        run(self
            .cargo()
            .args(["check", "--manifest-path", "fuzz/Cargo.toml", "--bins"]))?;

        // Before anything builds the helper, so that it embeds this UI.
        steps.header("dist (the web app for the browser)");
        let sizes = self.dist()?;

        steps.header("web app size budget (brotli transfer)");
        sizes.check_budget()?;

        steps.header("cargo build -p lifeline-helper --bin lifeline (embeds dist/)");
        let lifeline = self.build_lifeline()?;

        steps.header("cargo test --workspace");
        run(self
            .cargo()
            .args(["test", "--workspace"])
            .env("LIFELINE_BIN", &lifeline))?;

        steps.header("browser test fixtures");
        let fixtures = self.make_fixtures()?;

        steps.header("npm ci (tests/), when tests/node_modules is missing");
        let browser = match self.browser_test_prerequisites()? {
            Some(browser) => browser,
            None => {
                steps.skip("Playwright");
                println!("\nxtask test: all steps passed except the skipped browser tests");
                return Ok(());
            }
        };

        steps.header("Playwright (tests/e2e)");
        self.playwright(&lifeline, &fixtures, &browser, &[])?;

        steps.header("cross: Windows, macOS, aarch64, musl, the .deb (cargo xtask cross)");
        self.cross()?;

        println!(
            "\nxtask test: all steps passed in {:.0?}",
            started.elapsed()
        );
        Ok(())
    }

    pub(crate) fn e2e(&self, playwright_args: &[OsString]) -> anyhow::Result<()> {
        let mut steps = Steps::new(5);
        steps.header("dist (the web app for the browser)");
        self.dist()?;
        steps.header("cargo build -p lifeline-helper --bin lifeline (embeds dist/)");
        let lifeline = self.build_lifeline()?;
        steps.header("browser test fixtures");
        let fixtures = self.make_fixtures()?;
        steps.header("npm ci (tests/), when tests/node_modules is missing");
        let Some(browser) = self.browser_test_prerequisites()? else {
            steps.skip("Playwright");
            return Ok(());
        };
        steps.header("Playwright (tests/e2e)");
        self.playwright(&lifeline, &fixtures, &browser, playwright_args)
    }

    /// Builds the `lifeline` binary (dev profile) and returns its path, as cargo
    /// reports it.
    fn build_lifeline(&self) -> anyhow::Result<PathBuf> {
        let mut command = self.cargo();
        command.args([
            "build",
            "-p",
            "lifeline-helper",
            "--bin",
            "lifeline",
            "--message-format=json-render-diagnostics",
        ]);
        print_command(&command);
        let output = command
            .stderr(std::process::Stdio::inherit())
            .output()
            .context("cannot run cargo")?;
        if !output.status.success() {
            bail!("building lifeline failed ({})", output.status);
        }
        let executable = String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|message| {
                message["reason"] == "compiler-artifact" && message["target"]["name"] == "lifeline"
            })
            .find_map(|message| message["executable"].as_str().map(PathBuf::from))
            .context("cargo did not report the lifeline executable")?;
        println!("lifeline: {}", executable.display());
        Ok(executable)
    }

    /// Makes the files browser specs use, in `tests/output/fixtures`, with
    /// `tests/src/bin/make-fixtures.rs` when it exists.
    fn make_fixtures(&self) -> anyhow::Result<PathBuf> {
        let dir = self.tests_dir().join("output").join("fixtures");
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir)?;
        let source = self
            .tests_dir()
            .join("src")
            .join("bin")
            .join("make-fixtures.rs");
        if source.exists() {
            run(self
                .cargo()
                .args([
                    "run",
                    "--quiet",
                    "-p",
                    "lifeline-tests",
                    "--bin",
                    "make-fixtures",
                    "--",
                ])
                .arg(&dir))?;
        } else {
            println!(
                "no {}: LIFELINE_FIXTURES stays empty",
                source.strip_prefix(&self.root).unwrap_or(&source).display()
            );
        }
        println!("LIFELINE_FIXTURES={}", dir.display());
        Ok(dir)
    }

    /// Finds the browser and installs the npm packages. `None` means: skip the
    /// browser tests (only outside CI; in CI a missing piece is an error).
    fn browser_test_prerequisites(&self) -> anyhow::Result<Option<PathBuf>> {
        let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        let browser = std::env::var_os("CHROMIUM")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
        let missing = if !browser.is_file() {
            Some(format!(
                "no Chromium at {} (install Debian's `chromium`, or set CHROMIUM)",
                browser.display()
            ))
        } else if Command::new("npm").arg("--version").output().is_err() {
            Some("no `npm` on PATH (install Node.js)".to_owned())
        } else {
            None
        };
        if let Some(missing) = missing {
            if in_ci {
                bail!("browser tests cannot run: {missing}");
            }
            eprintln!();
            eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
            eprintln!("!! WARNING: SKIPPING THE BROWSER TESTS: {missing}");
            eprintln!("!! CI (CI=true) fails here instead. `bash .ci/run` installs it all.");
            eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
            return Ok(None);
        }

        let tests = self.tests_dir();
        if tests.join("node_modules").is_dir() {
            println!("tests/node_modules exists; not running npm ci");
        } else {
            run(Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&tests)
                .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))?;
        }
        Ok(Some(browser))
    }

    fn playwright(
        &self,
        lifeline: &Path,
        fixtures: &Path,
        browser: &Path,
        extra: &[OsString],
    ) -> anyhow::Result<()> {
        run(Command::new("npx")
            .args(["--no-install", "playwright", "test"])
            .args(extra)
            .current_dir(self.tests_dir())
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
            .env("LIFELINE_BIN", lifeline)
            .env("LIFELINE_FIXTURES", fixtures)
            .env("CHROMIUM", browser))
    }
}

/// Numbered step headers for `test`.
#[derive(Debug)]
struct Steps {
    current: usize,
    total: usize,
}

impl Steps {
    fn new(total: usize) -> Self {
        Self { current: 0, total }
    }

    fn header(&mut self, title: &str) {
        self.current += 1;
        println!(
            "\n==> [{}/{}] {title}\n",
            self.current.min(self.total),
            self.total
        );
        let _ = std::io::stdout().flush();
    }

    fn skip(&mut self, title: &str) {
        self.current += 1;
        println!(
            "\n==> [{}/{}] {title}: SKIPPED (see the warning above)\n",
            self.current.min(self.total),
            self.total
        );
    }
}
