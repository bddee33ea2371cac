//! Rebuild the helper when the web app's `dist/` changes.
//!
//! `rust-embed` embeds `../dist` with `include_bytes!`, so cargo already notices
//! edits to files that were there at the last build. This also makes cargo notice
//! files being added or removed (and `dist/` appearing at all), so that
//! `cargo xtask dist` followed by any cargo build always serves the fresh UI.

fn main() {
    println!("cargo::rerun-if-changed=../dist");
}
