//! When a source is due for another fetch: its interval since the last request,
//! a longer back-off after a failure, or right away on a forced refresh.

use std::collections::HashMap;

use super::source::Source;
use super::state::RETRY_SECONDS;
use crate::cloud::Epoch;

/// The clock and request history a pane consults to decide what to fetch.
pub struct Schedule<'a> {
    pub now: Epoch,
    pub last_requested: &'a HashMap<Source, Epoch>,
    /// `r` pressed: everything is due.
    pub force: bool,
}

impl Schedule<'_> {
    /// Due when forced, never requested, or `interval` (failed: at least the retry back-off) has passed.
    pub fn is_due(&self, source: &Source, failed: bool, interval: i64) -> bool {
        self.force || self.is_due_ignoring_force(source, failed, interval)
    }

    /// As `is_due`, but a forced refresh does not count (for data that never changes).
    pub fn is_due_ignoring_force(&self, source: &Source, failed: bool, interval: i64) -> bool {
        match self.last_requested.get(source) {
            None => true,
            Some(t) => {
                let wait = if failed {
                    interval.max(RETRY_SECONDS)
                } else {
                    interval
                };
                self.now - t >= wait
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_back_off_and_force() {
        let mut last = HashMap::new();
        last.insert(Source::EcsTasks, 100);
        let s = Schedule {
            now: 110,
            last_requested: &last,
            force: false,
        };
        assert!(!s.is_due(&Source::EcsTasks, false, 15));
        assert!(s.is_due(&Source::EcsServices, false, 15));
        let s = Schedule {
            now: 120,
            last_requested: &last,
            force: false,
        };
        assert!(s.is_due(&Source::EcsTasks, false, 15));
        assert!(
            !s.is_due(&Source::EcsTasks, true, 15),
            "failures back off longer"
        );
        let s = Schedule {
            now: 101,
            last_requested: &last,
            force: true,
        };
        assert!(s.is_due(&Source::EcsTasks, false, 15));
        assert!(!s.is_due_ignoring_force(&Source::EcsTasks, false, 15));
    }
}
