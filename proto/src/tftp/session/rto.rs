//! The retransmission timeout (RFC 6298): a smoothed round trip and its
//! variation, the timeout `srtt + 4 × rttvar` within the configured bounds,
//! doubled on each timeout up to the cap. A client that set its own timeout
//! (RFC 2349) gets exactly that, always. Karn's rule (no sample from a window
//! sent again) is the session's: it only samples windows sent once.
//!
//! Every time is in nanoseconds.

/// The timeout and what it follows.
#[derive(Clone, Copy, Debug)]
pub(super) struct Rto {
    /// The timeout now.
    current: u64,
    /// The client set the timeout: it never moves.
    fixed: bool,
    /// Smoothed round trip and its variation, once measured.
    srtt: Option<(u64, u64)>,
    /// The timeout before any round trip is measured.
    initial: u64,
    /// The least timeout the estimate may give.
    min: u64,
    /// The backoff stops doubling here.
    max: u64,
}

impl Rto {
    /// The client's timeout in seconds when it set one, else `initial`.
    pub(super) fn new(client_secs: Option<u8>, initial: u64, min: u64, max: u64) -> Self {
        Self {
            current: match client_secs {
                Some(secs) => u64::from(secs) * 1_000_000_000,
                None => initial,
            },
            fixed: client_secs.is_some(),
            srtt: None,
            initial,
            min,
            max,
        }
    }

    /// The timeout now.
    pub(super) fn get(&self) -> u64 {
        self.current
    }

    /// The timeout now, but at most `cap` unless the client set it.
    pub(super) fn capped(&self, cap: u64) -> u64 {
        if self.fixed {
            self.current
        } else {
            self.current.min(cap)
        }
    }

    /// Folds one round trip into the estimate.
    pub(super) fn sample(&mut self, rtt: u64) {
        self.srtt = Some(match self.srtt {
            None => (rtt, rtt / 2),
            Some((srtt, rttvar)) => {
                let delta = srtt.abs_diff(rtt);
                (srtt - srtt / 8 + rtt / 8, rttvar - rttvar / 4 + delta / 4)
            }
        });
    }

    /// A timeout passed: wait twice as long, up to the cap.
    pub(super) fn back_off(&mut self) {
        if !self.fixed {
            self.current = self.current.saturating_mul(2).min(self.max);
        }
    }

    /// The peer made progress: the timeout follows the estimate again.
    pub(super) fn reset(&mut self) {
        if !self.fixed {
            self.current = match self.srtt {
                Some((srtt, rttvar)) => srtt
                    .saturating_add(rttvar.saturating_mul(4))
                    .clamp(self.min, self.max.max(self.min)),
                None => self.initial,
            };
        }
    }
}
