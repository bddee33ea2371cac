//! Reports of requests turned away and claims dropped, once per burst.
//!
//! A flood is thousands of datagrams; its report is a few lines. For each
//! reason the first occurrence after a quiet interval is reported at once;
//! the ones after it are counted and reported together, at most once per
//! interval ([`Shed::flush`] is called on a timer). Pure: the time is
//! handed in.

use std::net::SocketAddr;
use std::time::Duration;

use lifeline_proto::tftp::time::Time;
use lifeline_shared::events::{ShedReason, TftpShed};

/// The least time between two reports for one reason.
pub(super) const REPORT_INTERVAL: Duration = Duration::from_secs(5);

const REASONS: [ShedReason; 4] = [
    ShedReason::ClientCap,
    ShedReason::Busy,
    ShedReason::ClaimExpired,
    ShedReason::ClaimEvicted,
];

/// The limits the messages name.
#[derive(Clone, Copy, Debug)]
pub(super) struct Limits {
    pub(super) max_transfers: usize,
    pub(super) max_per_client: usize,
    pub(super) claim_timeout: Duration,
}

#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    /// Occurrences not reported yet.
    pending: u64,
    /// The last client concerned.
    client: Option<SocketAddr>,
    /// When the last report was made.
    reported: Option<Time>,
}

/// The tallies, one per reason.
#[derive(Debug)]
pub(super) struct Shed {
    limits: Limits,
    interval: Duration,
    tallies: [Tally; REASONS.len()],
}

impl Shed {
    pub(super) fn new(limits: Limits, interval: Duration) -> Self {
        Self {
            limits,
            interval,
            tallies: [Tally::default(); REASONS.len()],
        }
    }

    /// Counts one occurrence; returns a report when one is due now.
    pub(super) fn record(
        &mut self,
        reason: ShedReason,
        client: SocketAddr,
        now: Time,
    ) -> Option<TftpShed> {
        let index = REASONS.iter().position(|r| *r == reason)?;
        let tally = &mut self.tallies[index];
        tally.pending += 1;
        tally.client = Some(client);
        let quiet = tally.reported.is_none_or(|at| now - at >= self.interval);
        quiet.then(|| self.report(index, now)).flatten()
    }

    /// Reports of everything counted and not reported for an interval.
    pub(super) fn flush(&mut self, now: Time) -> Vec<TftpShed> {
        let interval = self.interval;
        let due: Vec<usize> = (0..REASONS.len())
            .filter(|&i| {
                let tally = &self.tallies[i];
                tally.pending > 0 && tally.reported.is_none_or(|at| now - at >= interval)
            })
            .collect();
        due.into_iter()
            .filter_map(|i| self.report(i, now))
            .collect()
    }

    fn report(&mut self, index: usize, now: Time) -> Option<TftpShed> {
        let tally = &mut self.tallies[index];
        let client = tally.client?;
        let count = std::mem::take(&mut tally.pending);
        tally.reported = Some(now);
        let reason = REASONS[index];
        Some(TftpShed {
            reason,
            count,
            client,
            message: message(reason, count, client, self.limits),
        })
    }
}

/// What happened and what to do about it, in plain words.
fn message(reason: ShedReason, count: u64, client: SocketAddr, limits: Limits) -> String {
    let requests = if count == 1 {
        "1 read request".to_owned()
    } else {
        format!("{count} read requests")
    };
    let transfers = if count == 1 {
        "1 transfer".to_owned()
    } else {
        format!("{count} transfers")
    };
    match reason {
        ShedReason::ClientCap => format!(
            "{requests} from {ip} refused: that address already has {max} transfers waiting for \
             their first acknowledgement, the most one address may have (--tftp-max-per-client)",
            ip = client.ip(),
            max = limits.max_per_client,
        ),
        ShedReason::Busy => format!(
            "{requests} refused (the last from {client}): all {max} transfer slots hold \
             transfers that are making progress (--tftp-max-transfers)",
            max = limits.max_transfers,
        ),
        ShedReason::ClaimExpired => format!(
            "{transfers} dropped (the last to {client}): the client never acknowledged the \
             first block within {secs} s; a phone answers within milliseconds, so these \
             requests were abandoned or sent by something that is not a phone",
            secs = limits.claim_timeout.as_secs_f64(),
        ),
        ShedReason::ClaimEvicted => format!(
            "{transfers} dropped (the last to {client}) to make room for new requests: every \
             slot was taken and these had never been acknowledged by their client"
        ),
        ShedReason::Other => format!("{requests} turned away (the last from {client})"),
    }
}
