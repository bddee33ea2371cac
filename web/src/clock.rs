//! The one clock of the web layer.
//!
//! A moment is a [`Clock`] of whole milliseconds, read once by the browser glue
//! and handed to the pure code inside an action; nothing pure reads a clock.
//! `mono` (the page's monotonic clock) measures intervals: upload rates, the
//! watch's elapsed time, waits. `local` (epoch milliseconds shifted to local
//! time) is only for times a person reads (`14:03:07`). What the state keeps of
//! a moment is one of the two as a `u64`, named for which it is. The one other
//! figure is how long an inspection took: fractional milliseconds (`f64`),
//! because the report shows it below a millisecond.

/// A moment, as the browser gives it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    /// Milliseconds on the page's monotonic clock (`performance.now()`).
    pub mono: u64,
    /// Milliseconds since the epoch, shifted to local time (for `14:03:07`).
    pub local: u64,
}
