//! The clock the monotonic protocol cores are handed (TFTP sessions and the
//! simulated phone): `CLOCK_MONOTONIC` read through the vDSO, as a [`Time`]
//! of whole nanoseconds.

use lifeline_proto::tftp::time::Time;
use rustix::time::{ClockId, clock_gettime};

/// Now, on the monotonic clock.
pub fn now() -> Time {
    let t = clock_gettime(ClockId::Monotonic);
    // The monotonic clock is never negative; a u64 of nanoseconds lasts 584
    // years.
    let secs = u64::try_from(t.tv_sec).unwrap_or(0);
    let nanos = u64::try_from(t.tv_nsec).unwrap_or(0);
    Time::from_nanos(secs.saturating_mul(1_000_000_000).saturating_add(nanos))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    /// The same clock as `Instant` (CLOCK_MONOTONIC on Linux): a span read
    /// with `now` inside a span read with `Instant` is no longer than it,
    /// and covers the sleep.
    #[test]
    fn now_follows_the_monotonic_clock() {
        let i0 = Instant::now();
        let t0 = now();
        std::thread::sleep(Duration::from_millis(20));
        let t1 = now();
        let i1 = Instant::now();
        assert!(t1 - t0 >= Duration::from_millis(20), "{:?}", t1 - t0);
        #[cfg(target_os = "linux")]
        assert!(t1 - t0 <= i1 - i0, "{:?} > {:?}", t1 - t0, i1 - i0);
    }
}
