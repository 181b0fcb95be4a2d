//! A piece of fetched data with its age, its last error and whether a fetch is running.

use crate::cloud::{CloudError, Epoch};

/// Data from one source as the UI sees it. Old data is kept when a refresh fails,
/// so a widget can show both the last good values and the error.
#[derive(Debug, Clone, PartialEq)]
pub struct Loadable<T> {
    pub data: Option<T>,
    /// When `data` was fetched.
    pub fetched_at: Option<Epoch>,
    /// The last fetch's error, cleared by the next success.
    pub error: Option<CloudError>,
    pub loading: bool,
    /// When a throttled source will be asked again (its back-off from the failure).
    pub retry_at: Option<Epoch>,
}

impl<T> Default for Loadable<T> {
    fn default() -> Self {
        Loadable {
            data: None,
            fetched_at: None,
            error: None,
            loading: false,
            retry_at: None,
        }
    }
}

impl<T> Loadable<T> {
    /// Record a fetch's result at `now`.
    pub fn set(&mut self, result: Result<T, CloudError>, now: Epoch) {
        self.loading = false;
        match result {
            Ok(v) => {
                self.data = Some(v);
                self.fetched_at = Some(now);
                self.error = None;
                self.retry_at = None;
            }
            Err(e) => {
                self.retry_at = match &e {
                    CloudError::Throttled(m) => Some(now + super::schedule::throttle_wait(m)),
                    _ => None,
                };
                // Every failed read shown on screen is also in the log.
                tracing::warn!(
                    data = std::any::type_name::<T>(),
                    error = %e,
                    kept_from = ?self.fetched_at,
                    "read failed"
                );
                self.error = Some(e);
            }
        }
    }

    /// "throttled, retrying in N s" while a throttled source waits out its back-off.
    pub fn retry_note(&self, now: Epoch) -> Option<String> {
        let at = self.retry_at?;
        matches!(self.error, Some(CloudError::Throttled(_)))
            .then(|| format!("throttled, retrying in {}s", (at - now).max(0)))
    }

    /// Seconds since the data was fetched.
    pub fn age(&self, now: Epoch) -> Option<i64> {
        self.fetched_at.map(|t| (now - t).max(0))
    }
}

/// "12s", "4m", "3h", "2d": a compact age.
pub fn format_age(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86399 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_keeps_old_data() {
        let mut l = Loadable::default();
        l.set(Ok(1), 100);
        l.set(Err(CloudError::Network("down".into())), 160);
        assert_eq!(l.data, Some(1));
        assert_eq!(l.age(160), Some(60));
        assert!(l.error.is_some());
        assert_eq!(l.retry_note(160), None);
    }

    #[test]
    fn a_throttled_source_says_when_it_asks_again() {
        let mut l: Loadable<i32> = Loadable::default();
        let e = CloudError::Throttled("GetMetricData: Throttling".into());
        let wait = super::super::schedule::throttle_wait("GetMetricData: Throttling");
        l.set(Err(e), 1000);
        assert_eq!(
            l.retry_note(1010),
            Some(format!("throttled, retrying in {}s", wait - 10))
        );
        l.set(Ok(1), 1100);
        assert_eq!(l.retry_note(1100), None);
    }

    #[test]
    fn ages_are_compact() {
        assert_eq!(format_age(5), "5s");
        assert_eq!(format_age(125), "2m");
        assert_eq!(format_age(7200), "2h");
        assert_eq!(format_age(-3), "0s");
    }
}
