//! When a source is due for another fetch: its interval since the last request, a longer
//! wait after a failure that depends on the failure (a retry back-off, throttling backed
//! off with jitter, an operation the endpoint does not know asked again after ten
//! minutes), or right away on a forced refresh.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::cloud::{CloudError, Epoch};

/// Back-off before retrying a failed source.
pub const RETRY_SECONDS: i64 = 30;
/// A source the endpoint said it does not support is asked again after this long.
pub const UNSUPPORTED_RETRY_SECONDS: i64 = 600;
/// A throttled source waits at least this long (plus jitter) before asking again.
pub const THROTTLED_RETRY_SECONDS: i64 = 60;
/// Jitter added to a throttled source's wait, at most this many seconds.
pub const THROTTLED_JITTER_SECONDS: i64 = 15;

/// The clock and request history a pane consults to decide what to fetch.
pub struct Schedule<'a, S> {
    pub now: Epoch,
    pub last_requested: &'a HashMap<S, Epoch>,
    /// `r` pressed: everything is due.
    pub force: bool,
}

/// How long a throttled source waits before asking again: a minute plus a jitter drawn
/// from the error (its operation and message), so two throttled sources do not retry
/// together and the widget can say when it will ask ("throttled, retrying in N s").
pub fn throttle_wait(message: &str) -> i64 {
    let mut h = DefaultHasher::new();
    message.hash(&mut h);
    THROTTLED_RETRY_SECONDS + (h.finish() % (THROTTLED_JITTER_SECONDS as u64 + 1)) as i64
}

/// How long to wait after `error` before asking a source with `interval` again.
pub fn retry_wait(error: &CloudError, interval: i64, _jitter_key: u64) -> i64 {
    match error {
        CloudError::Unsupported(_) => UNSUPPORTED_RETRY_SECONDS.max(interval),
        CloudError::Throttled(message) => throttle_wait(message),
        // A server error is asked again at the next refresh, like a success.
        CloudError::Service(_) | CloudError::Server(_) | CloudError::Unreadable(_) => interval,
        _ => interval.max(RETRY_SECONDS),
    }
}

/// A stable per-source number for jitter (so two throttled sources do not retry together).
pub fn jitter_key<S: Hash>(source: &S) -> u64 {
    let mut h = DefaultHasher::new();
    source.hash(&mut h);
    h.finish()
}

impl<S: Eq + Hash> Schedule<'_, S> {
    /// Due when forced, never requested, or `interval` (after a failure: the failure's
    /// wait) has passed.
    pub fn is_due(&self, source: &S, error: Option<&CloudError>, interval: i64) -> bool {
        self.force || self.is_due_ignoring_force(source, error, interval)
    }

    /// As `is_due`, but a forced refresh does not count (for data that never changes).
    pub fn is_due_ignoring_force(
        &self,
        source: &S,
        error: Option<&CloudError>,
        interval: i64,
    ) -> bool {
        match self.last_requested.get(source) {
            None => true,
            Some(t) => {
                let wait = error.map_or(interval, |e| retry_wait(e, interval, jitter_key(source)));
                self.now - t >= wait
            }
        }
    }

    /// When `source` will next be asked, if it failed with `error` (for "retrying in N s").
    pub fn next_at(&self, source: &S, error: Option<&CloudError>, interval: i64) -> Option<Epoch> {
        let t = self.last_requested.get(source)?;
        Some(t + error.map_or(interval, |e| retry_wait(e, interval, jitter_key(source))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(
        last: &'a HashMap<&'static str, Epoch>,
        now: Epoch,
        force: bool,
    ) -> Schedule<'a, &'static str> {
        Schedule {
            now,
            last_requested: last,
            force,
        }
    }

    #[test]
    fn intervals_back_off_and_force() {
        let mut last = HashMap::new();
        last.insert("tasks", 100);
        let net = CloudError::Network("down".into());
        assert!(!at(&last, 110, false).is_due(&"tasks", None, 15));
        assert!(at(&last, 110, false).is_due(&"services", None, 15));
        assert!(at(&last, 120, false).is_due(&"tasks", None, 15));
        assert!(
            !at(&last, 120, false).is_due(&"tasks", Some(&net), 15),
            "failures back off longer"
        );
        assert!(at(&last, 101, true).is_due(&"tasks", None, 15));
        assert!(!at(&last, 101, true).is_due_ignoring_force(&"tasks", None, 15));
    }

    #[test]
    fn unsupported_is_asked_again_after_ten_minutes() {
        let mut last = HashMap::new();
        last.insert("history", 0);
        let e = CloudError::Unsupported("ListServiceDeployments".into());
        assert!(!at(&last, 599, false).is_due(&"history", Some(&e), 60));
        assert!(at(&last, 600, false).is_due(&"history", Some(&e), 60));
    }

    #[test]
    fn throttling_backs_off_with_bounded_jitter() {
        let waits: Vec<i64> = (0..50)
            .map(|i| retry_wait(&CloudError::Throttled(format!("Op{i}: Throttling")), 15, 0))
            .collect();
        assert!(waits.iter().all(|w| (60..=75).contains(w)), "{waits:?}");
        assert!(waits.iter().any(|w| *w != waits[0]), "jittered: {waits:?}");
        // The same error waits the same: what the widget says is what the schedule does.
        let e = CloudError::Throttled("GetMetricData: Throttling".into());
        assert_eq!(retry_wait(&e, 15, 1), retry_wait(&e, 300, 2));
    }
}
