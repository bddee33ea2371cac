//! `cargo xtask dist`: the web app built for the browser into `dist/` (wasm-bindgen,
//! the `name` section stripped, stylesheets without comments, `X.br` and `X.gz` beside
//! each compressible file), the
//! sizes a browser downloads, and the brotli budget `cargo xtask test` holds them to.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, bail};

use crate::files::{copy_tree, sync_tree};
use crate::{Workspace, run};

/// Beside the staging directory: the served wasm with its `name` section kept.
const NAMED_WASM: &str = "lifeline_web_bg.named.wasm";

/// The wasm-bindgen output name: `dist/lifeline_web.js` and `dist/lifeline_web_bg.wasm`.
const OUT_NAME: &str = "lifeline_web";

/// The most a browser may download for the web app when it accepts brotli: every
/// file of `dist/`, each as its `.br` where there is one. `cargo xtask test` fails
/// above it, so that growth is a decision, not an accident.
///
/// How it got here. Free cuts took the transfer from 278253 to 262648 bytes: one
/// sort, views without hooks as plain functions, ASCII-only capitalising, inflate
/// through miniz_oxide with a 1 KiB CRC table, stylesheets without comments, size
/// formatting without 128-bit arithmetic. Features then raised it, each measured:
/// step 5 watching a served bundle and the phone cards' announcements and
/// transports (281864), the phone table of issue #18 and the cards' "registers as"
/// (293511), the upgrade plan of issue #19 run in the page (310896). Sets and maps
/// the page builds became sorted lists (`shared::sorted`, no B-tree or hash map
/// copy each): 306586; rooms split since, and a review's mends (one plan check in
/// the page, one `ask()` in the link), leave it at 306279. A phone's card telling a
/// start only typed (which it can change) from one seen (and how) raised it by 655
/// bytes; the upgrade-path warning worded from the plan's own hop
/// (`firmware::upgrade`), about 100; the plan's target and start kept with the
/// firmware across a reload, and step 5 telling the chosen start's way only,
/// 1204: 307929 with all three. The plan panel telling, with no hop, that an
/// unknown start is offered the target, and one wording for a start no family
/// reads: 308644. Review's mends to the walk (a boot's suggestion corrected on
/// the card) and step 5 telling a way only for the bundle the helper serves:
/// 308822.
///
/// What is left, measured with twiggy on `target/xtask/lifeline_web_bg.named.wasm`:
/// code 825 KB raw (249 KB brotli), data 124 KB (41 KB, most of it the page's
/// wording), JavaScript and CSS 14 KB. Views are most of the code (the web crate's
/// functions 330 KB raw, Yew's view of each component 55 KB); an `html!` element
/// costs about 180 bytes of wasm, half that through one shared constructor.
/// binaryen's `wasm-opt -Oz` makes the brotli size 0.2% larger, `opt-level = "s"`
/// 13% larger, a zero LLVM inline threshold 0.5% larger. Issue #14's goal of
/// 240 KB is about a quarter of the code less.
///
/// `cargo xtask size` measures the floor in the same run: a one-button Yew page
/// built and served the same way transfers 55,046 bytes, so Lifeline's own share
/// was 251,333 at 306,379 and the goal asks for 26% of it to go. Repetition is
/// not where the bytes are: the 149 elements whose content is only literal text,
/// turned into static markup (`components::fixed`), made the wasm 9 KB smaller
/// raw but the brotli transfer only 235 bytes smaller, because brotli already
/// folds repeated view code. What the transfer pays for is distinct logic and
/// wording (86 KB of strings). Lower the budget as cuts land.
const BROTLI_TRANSFER_BUDGET: usize = 309_000;

/// The dist page. It loads nothing from outside this origin.
const DIST_INDEX_HTML: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lifeline</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="./style.css">
</head>
<body>
<noscript>Lifeline needs JavaScript and WebAssembly.</noscript>
<script type="module">import init from './lifeline_web.js'; init();</script>
</body>
</html>
"#;

/// Issue #14's goal for the brotli transfer, which `cargo xtask size` measures
/// against the floor.
const BROTLI_TRANSFER_GOAL: usize = 240_000;

impl Workspace {
    /// Builds `dist/` and returns the sizes a browser downloads.
    pub(crate) fn dist(&self) -> anyhow::Result<DistSizes> {
        // Generate into a staging directory, then copy into dist/ only what
        // changed: unchanged files keep their mtime, so the helper (which embeds
        // dist/) is not rebuilt for nothing.
        let staging = self.target_dir.join("xtask").join("dist-staging");
        let raw = self.build_page(&[], &staging)?;
        // The same wasm with its names, for a size profiler (`twiggy top`): what
        // the browser gets, function by function.
        let named = self.target_dir.join("xtask").join(NAMED_WASM);
        std::fs::write(&named, &raw)?;
        println!("with function names, for `twiggy top`: {}", named.display());

        let dist = self.dist_dir();
        sync_tree(&staging, &dist)?;

        let sizes = DistSizes::measure(&dist)?;
        println!("dist: {} written", dist.display());
        sizes.print();
        Ok(sizes)
    }

    /// `cargo xtask size`: `dist/`, then the floor (the same build of a page
    /// that is one Yew button: `lifeline-web`'s `floor` feature), and both
    /// transfers side by side with the budget and issue #14's goal. The floor
    /// is what any Yew page built this way costs; the rest is Lifeline's own.
    pub(crate) fn size(&self) -> anyhow::Result<()> {
        let app = self.dist()?;
        let staging = self.target_dir.join("xtask").join("floor-staging");
        self.build_page(&["--features", "floor"], &staging)?;
        let floor = DistSizes::measure(&staging)?;
        println!(
            "\nfloor (one Yew button, built and served the same way, with the same stylesheet):"
        );
        floor.print();
        // Built last, the floor's wasm is what cargo now holds: build the app's
        // again so that the next `dist` finds it fresh.
        self.build_page(&[], &self.target_dir.join("xtask").join("dist-staging"))?;
        print!("{}", SizeReport { app, floor }.words());
        Ok(())
    }

    /// Builds the web app (with `cargo build` arguments `extra`) into `staging`:
    /// wasm-bindgen, the `name` section stripped, the static files, the index
    /// page, each compressible file precompressed. Returns the wasm with its names.
    fn build_page(&self, extra: &[&str], staging: &Path) -> anyhow::Result<Vec<u8>> {
        run(self
            .cargo()
            .args([
                "build",
                "-p",
                "lifeline-web",
                "--target",
                "wasm32-unknown-unknown",
                "--profile",
                "wasm-release",
            ])
            .args(extra))?;
        let wasm = self
            .target_dir
            .join("wasm32-unknown-unknown")
            .join("wasm-release")
            .join("lifeline-web.wasm");

        if staging.exists() {
            std::fs::remove_dir_all(staging)
                .with_context(|| format!("cannot clear {}", staging.display()))?;
        }
        std::fs::create_dir_all(staging)?;

        println!("wasm-bindgen (target web): {}", wasm.display());
        wasm_bindgen_cli_support::Bindgen::new()
            .input_path(&wasm)
            .out_name(OUT_NAME)
            .web(true)?
            .typescript(false)
            // The library defaults to leaving the wasm URL out of `init()`; the
            // CLI (and our index.html, which calls `init()` bare) want it in.
            .omit_default_module_path(false)
            .generate(staging)
            .context("wasm-bindgen failed")?;

        // The `name` section (function names for stack traces) is a third of
        // the file; wasm-bindgen needs the other custom sections of its input,
        // so strip it from the output only.
        let out_wasm = staging.join(format!("{OUT_NAME}_bg.wasm"));
        let raw = std::fs::read(&out_wasm)?;
        std::fs::write(&out_wasm, strip_custom_sections(&raw, &["name"])?)?;

        let static_dir = self.root.join("web").join("static");
        if static_dir.is_dir() {
            copy_tree(&static_dir, staging)?;
            crate::css::strip_tree(staging)?;
        }
        // dist/index.html is always ours: it loads the bindgen output.
        std::fs::write(staging.join("index.html"), DIST_INDEX_HTML)?;
        let style = staging.join("style.css");
        if !style.exists() {
            std::fs::write(
                style,
                "/* web/static/style.css was not there at build time. */\n",
            )?;
        }

        precompress_tree(staging)?;
        Ok(raw)
    }
}

/// The app's brotli transfer against the floor's, the budget and the goal.
struct SizeReport {
    app: DistSizes,
    floor: DistSizes,
}

impl SizeReport {
    fn words(&self) -> String {
        let (app, floor) = (self.app.total.brotli, self.floor.total.brotli);
        let own = app.saturating_sub(floor);
        let mut out = format!(
            "\nbrotli transfer: Lifeline {app}, the floor {floor}, Lifeline's own {own}\n\
             budget {BROTLI_TRANSFER_BUDGET}; goal {BROTLI_TRANSFER_GOAL}: "
        );
        if app <= BROTLI_TRANSFER_GOAL {
            out.push_str("met\n");
        } else {
            let over = app - BROTLI_TRANSFER_GOAL;
            // Bytes are far below 2^52, so the conversion is exact.
            #[allow(clippy::cast_precision_loss)]
            let share = over as f64 * 100.0 / own.max(1) as f64;
            out.push_str(&format!(
                "{over} bytes over, {share:.0}% of Lifeline's own transfer\n"
            ));
        }
        out
    }
}

/// Removes the custom sections named `names` from a wasm module.
fn strip_custom_sections(wasm: &[u8], names: &[&str]) -> anyhow::Result<Vec<u8>> {
    fn leb(bytes: &[u8], at: &mut usize) -> anyhow::Result<usize> {
        let mut value = 0usize;
        for shift in (0..35).step_by(7) {
            let b = *bytes.get(*at).context("wasm: truncated LEB128")?;
            *at += 1;
            value |= usize::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        anyhow::bail!("wasm: LEB128 too long")
    }
    anyhow::ensure!(
        wasm.len() >= 8 && &wasm[..4] == b"\0asm",
        "not a wasm module"
    );
    let mut out = wasm[..8].to_vec();
    let mut at = 8;
    while at < wasm.len() {
        let start = at;
        let id = wasm[at];
        at += 1;
        let size = leb(wasm, &mut at)?;
        let body_start = at;
        let end = body_start
            .checked_add(size)
            .filter(|&e| e <= wasm.len())
            .context("wasm: section past the end")?;
        let mut drop = false;
        if id == 0 {
            let mut p = body_start;
            let len = leb(wasm, &mut p)?;
            let name = wasm
                .get(p..p + len)
                .context("wasm: bad custom section name")?;
            drop = names.iter().any(|n| n.as_bytes() == name);
        }
        if !drop {
            out.extend_from_slice(&wasm[start..end]);
        }
        at = end;
    }
    Ok(out)
}

/// The file extensions worth compressing: text, and wasm (code compresses to about a third).
/// Images and fonts are compressed already.
const COMPRESSIBLE: &[&str] = &["html", "js", "css", "wasm", "svg", "json", "txt", "map"];

/// Writes `X.br` and `X.gz` beside each compressible file `X` under `dir`, each only
/// when it is smaller than `X` (the helper then serves `X` itself).
fn precompress_tree(dir: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            precompress_tree(&path)?;
            continue;
        }
        let compressible = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| COMPRESSIBLE.contains(&e.to_ascii_lowercase().as_str()));
        if !compressible {
            continue;
        }
        let data = std::fs::read(&path)?;
        for (suffix, packed) in [("br", brotli(&data)?), ("gz", gzip(&data)?)] {
            if packed.len() < data.len() {
                let mut name = path.clone().into_os_string();
                name.push(".");
                name.push(suffix);
                std::fs::write(&name, packed)
                    .with_context(|| format!("cannot write {}", Path::new(&name).display()))?;
            }
        }
    }
    Ok(())
}

/// Brotli at its best quality and largest standard window: compressed once per
/// build, downloaded on every visit.
fn brotli(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let params = ::brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        ..Default::default()
    };
    let mut out = Vec::new();
    ::brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
}

/// Gzip at its best level, with a zero timestamp so that an unchanged input gives
/// unchanged bytes.
fn gzip(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

/// What a browser downloads from `dist/`, in bytes, per encoding it accepts.
#[derive(Debug, Clone, Copy, Default)]
struct Transfer {
    raw: usize,
    gzip: usize,
    brotli: usize,
}

impl Transfer {
    fn add(&mut self, other: Self) {
        self.raw += other.raw;
        self.gzip += other.gzip;
        self.brotli += other.brotli;
    }
}

/// The sizes of `dist/`: the wasm module alone, and every file the helper serves.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DistSizes {
    wasm: Transfer,
    total: Transfer,
}

impl DistSizes {
    fn measure(dist: &Path) -> anyhow::Result<Self> {
        let mut total = Transfer::default();
        Self::add_tree(dist, &mut total)?;
        let wasm = Self::file(&dist.join(format!("{OUT_NAME}_bg.wasm")))?;
        Ok(Self { wasm, total })
    }

    fn add_tree(dir: &Path, total: &mut Transfer) -> anyhow::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                Self::add_tree(&path, total)?;
            } else if !matches!(path.extension().and_then(|e| e.to_str()), Some("br" | "gz")) {
                total.add(Self::file(&path)?);
            }
        }
        Ok(())
    }

    /// One served file: its own size, or its `.gz` / `.br` sibling's where there is one.
    fn file(path: &Path) -> anyhow::Result<Transfer> {
        let raw = std::fs::metadata(path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .len();
        let sibling = |suffix: &str| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            std::fs::metadata(name).map_or(raw, |m| m.len())
        };
        let size = |bytes: u64| usize::try_from(bytes).unwrap_or(usize::MAX);
        Ok(Transfer {
            raw: size(raw),
            gzip: size(sibling(".gz")),
            brotli: size(sibling(".br")),
        })
    }

    /// Fails when the brotli transfer is over [`BROTLI_TRANSFER_BUDGET`], with both
    /// figures.
    pub(crate) fn check_budget(&self) -> anyhow::Result<()> {
        let transfer = self.total.brotli;
        if transfer > BROTLI_TRANSFER_BUDGET {
            bail!(
                "the web app's brotli transfer is {}, over its budget of {} \
                 (BROTLI_TRANSFER_BUDGET in xtask/src/dist.rs): make it smaller (`twiggy top` \
                 on the wasm with function names that dist printed shows where the bytes \
                 are), or raise the budget in a commit that says why",
                human(transfer),
                human(BROTLI_TRANSFER_BUDGET)
            );
        }
        println!(
            "brotli transfer {} is within the budget of {} ({} to spare)",
            human(transfer),
            human(BROTLI_TRANSFER_BUDGET),
            human(BROTLI_TRANSFER_BUDGET - transfer)
        );
        Ok(())
    }

    fn print(&self) {
        println!("{:<22} {:>25} {:>25} {:>25}", "", "raw", "gzip", "brotli");
        for (label, t) in [
            (format!("{OUT_NAME}_bg.wasm"), self.wasm),
            ("total transfer".to_owned(), self.total),
        ] {
            println!(
                "{label:<22} {:>25} {:>25} {:>25}",
                human(t.raw),
                human(t.gzip),
                human(t.brotli)
            );
        }
    }
}

fn human(bytes: usize) -> String {
    // Sizes here are far below 2^52, so the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    let kib = bytes as f64 / 1024.0;
    format!("{bytes} bytes ({kib:.1} KiB)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes_with_brotli_transfer(brotli: usize) -> DistSizes {
        let transfer = Transfer {
            raw: brotli * 3,
            gzip: brotli + 1,
            brotli,
        };
        DistSizes {
            wasm: transfer,
            total: transfer,
        }
    }

    #[test]
    fn the_size_report_gives_the_app_s_own_share_over_the_goal() {
        let report = SizeReport {
            app: sizes_with_brotli_transfer(BROTLI_TRANSFER_GOAL + 50_000),
            floor: sizes_with_brotli_transfer(50_000),
        };
        let words = report.words();
        assert!(
            words.contains(&format!(
                "Lifeline {}, the floor 50000, Lifeline's own {}",
                BROTLI_TRANSFER_GOAL + 50_000,
                BROTLI_TRANSFER_GOAL
            )),
            "{words}"
        );
        assert!(words.contains("50000 bytes over, 21% of"), "{words}");
        let met = SizeReport {
            app: sizes_with_brotli_transfer(BROTLI_TRANSFER_GOAL),
            floor: sizes_with_brotli_transfer(50_000),
        };
        assert!(met.words().ends_with("met\n"), "{}", met.words());
    }

    #[test]
    fn the_budget_passes_up_to_its_figure() {
        assert!(
            sizes_with_brotli_transfer(BROTLI_TRANSFER_BUDGET)
                .check_budget()
                .is_ok()
        );
    }

    #[test]
    fn growth_past_the_budget_fails_with_both_figures() {
        let over = BROTLI_TRANSFER_BUDGET + 1;
        let error = sizes_with_brotli_transfer(over)
            .check_budget()
            .unwrap_err()
            .to_string();
        assert!(error.contains(&over.to_string()), "{error}");
        assert!(
            error.contains(&BROTLI_TRANSFER_BUDGET.to_string()),
            "{error}"
        );
    }
}
