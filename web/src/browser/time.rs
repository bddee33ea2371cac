//! The clock, read from the browser.

use crate::clock::Clock;

/// Milliseconds from `performance.now()`, or 0 where there is no clock.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// The moment, on the page's monotonic clock and as local time.
pub fn clock() -> Clock {
    let now = js_sys::Date::now();
    let offset_min = js_sys::Date::new_0().get_timezone_offset();
    Clock {
        mono: now_ms().max(0.0) as u64,
        local: (now - offset_min * 60_000.0).max(0.0) as u64,
    }
}
