//! Sizes in words, the same on the page and in the helper's messages.

/// A size rounded for reading: `638 bytes`, `547 kB`, `6.4 MB` (decimal units, as
/// file managers show them).
///
/// Integer arithmetic only: float formatting would add kilobytes to the wasm.
pub fn size(n: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if n < 1000 {
        return if n == 1 {
            "1 byte".into()
        } else {
            format!("{n} bytes")
        };
    }
    // In u64 (128-bit formatting and division would add to the wasm): tenths of a
    // unit are n / (div / 10), rounded half up. Adding the half saturates, which
    // changes no result: past u64::MAX - div / 2, n is millions of terabytes.
    let mut div = 1_u64;
    for unit in UNITS {
        div *= 1000;
        let tenths = n.saturating_add(div / 20) / (div / 10);
        if tenths < 100 {
            return format!("{}.{} {unit}", tenths / 10, tenths % 10);
        }
        let whole = n.saturating_add(div / 2) / div;
        if whole < 1000 || unit == "TB" {
            return format!("{whole} {unit}");
        }
    }
    // Not reached: the last unit always returns.
    format!("{n} bytes")
}
