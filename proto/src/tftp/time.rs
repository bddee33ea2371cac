//! The transfer time: a point on a monotonic clock as whole nanoseconds.
//!
//! A [`super::session::ReadSession`] is handed the time, and its driver reads
//! the clock once per datagram. `std::time::Instant` would do, but every use
//! of one as a number (`duration_since`, then `as_nanos`) is a `timespec`
//! subtraction and a `u128` conversion: about a hundred instructions per
//! datagram on a path where a whole lock-step round trip is a few
//! microseconds. A [`Time`] is a `u64`, so the session's arithmetic is plain
//! integer arithmetic. This crate never reads a clock: the driver builds a
//! [`Time`] with [`Time::from_nanos`] from its own (the helper reads
//! `CLOCK_MONOTONIC`), and tests from a virtual one.
//!
//! The origin is the clock's (usually boot); only differences mean anything.
//! Arithmetic saturates rather than panics, like `Instant`'s subtraction.

use std::ops::{Add, AddAssign, Sub};
use std::time::Duration;

/// A point on the monotonic clock, in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(u64);

impl Time {
    /// The point `nanos` after the clock's origin.
    pub const fn from_nanos(nanos: u64) -> Self {
        Self(nanos)
    }

    /// Nanoseconds since the clock's origin.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// The time from `earlier` to `self`; zero if `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Time) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(earlier.0))
    }
}

/// A duration in whole nanoseconds, saturating.
pub(crate) fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl Add<Duration> for Time {
    type Output = Time;
    fn add(self, d: Duration) -> Time {
        Time(self.0.saturating_add(nanos(d)))
    }
}

impl AddAssign<Duration> for Time {
    fn add_assign(&mut self, d: Duration) {
        *self = *self + d;
    }
}

impl Sub<Duration> for Time {
    type Output = Time;
    fn sub(self, d: Duration) -> Time {
        Time(self.0.saturating_sub(nanos(d)))
    }
}

impl Sub<Time> for Time {
    type Output = Duration;
    fn sub(self, earlier: Time) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_is_in_nanoseconds_and_saturates() {
        let t = Time::from_nanos(5_000);
        assert_eq!((t + Duration::from_micros(2)).as_nanos(), 7_000);
        assert_eq!(t + Duration::from_micros(2) - t, Duration::from_micros(2));
        assert_eq!(t - Time::from_nanos(9_000), Duration::ZERO);
        assert_eq!((t - Duration::from_secs(1)).as_nanos(), 0);
        assert_eq!((t + Duration::MAX).as_nanos(), u64::MAX);
        let mut u = t;
        u += Duration::from_nanos(1);
        assert!(u > t);
    }
}
