//! The clock the monotonic protocol cores are handed (TFTP sessions and the
//! simulated phone), as a [`Time`] of whole nanoseconds: on Unix
//! `CLOCK_MONOTONIC` read through the vDSO; elsewhere (Windows) `Instant`
//! since the first read, which is the same clock (`QueryPerformanceCounter`).

use lifeline_proto::tftp::time::Time;

/// Now, on the monotonic clock.
#[cfg(unix)]
pub fn now() -> Time {
    use rustix::time::{ClockId, clock_gettime};
    let t = clock_gettime(ClockId::Monotonic);
    // The monotonic clock is never negative; a u64 of nanoseconds lasts 584
    // years.
    let secs = u64::try_from(t.tv_sec).unwrap_or(0);
    let nanos = u64::try_from(t.tv_nsec).unwrap_or(0);
    Time::from_nanos(secs.saturating_mul(1_000_000_000).saturating_add(nanos))
}

/// Now, on the monotonic clock: nanoseconds since this process first asked.
#[cfg(not(unix))]
pub fn now() -> Time {
    use std::sync::OnceLock;
    use std::time::Instant;

    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    let origin = *ORIGIN.get_or_init(Instant::now);
    let nanos = origin.elapsed().as_nanos();
    Time::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    /// The same clock as `Instant` (CLOCK_MONOTONIC on Linux, the
    /// performance counter on Windows): a span read
    /// with `now` inside a span read with `Instant` is no longer than it,
    /// and covers the sleep.
    #[test]
    fn now_follows_the_monotonic_clock() {
        let i0 = Instant::now();
        let t0 = now();
        std::thread::sleep(Duration::from_millis(20));
        let t1 = now();
        let i1 = Instant::now();
        let outer = i1 - i0;
        assert!(
            t1 - t0 >= Duration::from_millis(20),
            "{:?} in {outer:?}",
            t1 - t0
        );
        // The same clock on Linux and Windows (macOS's `Instant` reads another).
        #[cfg(any(target_os = "linux", windows))]
        assert!(t1 - t0 <= outer, "{:?} > {outer:?}", t1 - t0);
    }
}
