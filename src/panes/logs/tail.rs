//! Live tail of the environment's log groups: `FilterLogEvents` polled every
//! [`TAIL_POLL_SECONDS`] from the newest event seen, the groups interleaved in timestamp
//! order, a bounded buffer, pause/resume and a `/` pattern filter over the lines.

use std::collections::{HashSet, VecDeque};

use crate::cloud::{CloudError, Epoch, LogEvent};
use crate::panes::kit::list::ListState;

/// Seconds between two polls.
pub const TAIL_POLL_SECONDS: i64 = 2;
/// Lines kept (oldest dropped first).
pub const TAIL_LIMIT: usize = 2000;
/// Events asked for per group and poll.
pub const TAIL_PAGE: i32 = 500;
/// How far back the tail starts.
pub const TAIL_BACKLOG_SECONDS: i64 = 120;

/// One tail poll: these groups from this instant (ms) on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TailRequest {
    pub log_groups: Vec<String>,
    pub start_ms: i64,
}

/// The tail's state.
#[derive(Debug, Clone, Default)]
pub struct TailState {
    pub active: bool,
    pub paused: bool,
    pub log_groups: Vec<String>,
    pub events: VecDeque<LogEvent>,
    seen: HashSet<String>,
    /// The next poll asks from here (ms).
    pub since_ms: i64,
    pub next_poll_at: Epoch,
    pub in_flight: bool,
    pub error: Option<CloudError>,
    pub fetched_at: Option<Epoch>,
    /// Cursor (when not following) and the pattern filter.
    pub list: ListState,
    /// Keep the newest line in view.
    pub follow: bool,
}

/// The line's level for highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineLevel {
    Error,
    Warn,
    Other,
}

/// ERROR/WARN as they appear in plain or JSON log lines.
pub fn line_level(message: &str) -> LineLevel {
    let head: String = message.chars().take(200).collect();
    if head.contains("ERROR") || head.contains("CRITICAL") || head.contains("FATAL") {
        LineLevel::Error
    } else if head.contains("WARN") {
        LineLevel::Warn
    } else {
        LineLevel::Other
    }
}

impl TailState {
    /// Start following `groups` from `now` minus the backlog.
    pub fn start(&mut self, groups: Vec<String>, now: Epoch) {
        *self = TailState {
            active: true,
            log_groups: groups,
            since_ms: now
                .saturating_sub(TAIL_BACKLOG_SECONDS)
                .saturating_mul(1000),
            next_poll_at: now,
            follow: true,
            list: std::mem::take(&mut self.list),
            ..TailState::default()
        };
    }

    /// The next poll, when one is due at `now`.
    pub fn due(&self, now: Epoch) -> Option<TailRequest> {
        (self.active && !self.paused && !self.in_flight && now >= self.next_poll_at).then(|| {
            TailRequest {
                log_groups: self.log_groups.clone(),
                start_ms: self.since_ms,
            }
        })
    }

    /// Append a poll's events (already interleaved), skipping ones already shown.
    pub fn apply(&mut self, result: Result<Vec<LogEvent>, CloudError>, now: Epoch) {
        self.in_flight = false;
        self.next_poll_at = now.saturating_add(TAIL_POLL_SECONDS);
        match result {
            Ok(events) => {
                self.error = None;
                self.fetched_at = Some(now);
                let mut fresh: Vec<LogEvent> = events
                    .into_iter()
                    .filter(|e| !self.seen.contains(&key(e)))
                    .collect();
                fresh.sort_by_key(|e| e.timestamp_ms);
                for e in fresh {
                    self.since_ms = self.since_ms.max(e.timestamp_ms);
                    self.seen.insert(key(&e));
                    self.events.push_back(e);
                }
                while self.events.len() > TAIL_LIMIT {
                    if let Some(old) = self.events.pop_front() {
                        self.seen.remove(&key(&old));
                    }
                }
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// Lines passing the filter, oldest first.
    pub fn visible(&self) -> Vec<&LogEvent> {
        self.events
            .iter()
            .filter(|e| {
                self.list
                    .matches(&[&e.message, &e.log_stream, &e.log_group])
            })
            .collect()
    }
}

fn key(e: &LogEvent) -> String {
    if e.event_id.is_empty() {
        format!("{}|{}|{}", e.timestamp_ms, e.log_stream, e.message)
    } else {
        e.event_id.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(t: i64, id: &str, msg: &str) -> LogEvent {
        LogEvent {
            timestamp_ms: t,
            log_group: "/g".into(),
            log_stream: "s".into(),
            message: msg.into(),
            event_id: id.into(),
        }
    }

    #[test]
    fn polls_from_the_newest_event_and_skips_duplicates() {
        let mut t = TailState::default();
        t.start(vec!["/g".into()], 1000);
        let req = t.due(1000).expect("due at once");
        assert_eq!(req.start_ms, (1000 - TAIL_BACKLOG_SECONDS) * 1000);
        t.in_flight = true;
        assert!(t.due(1000).is_none());
        t.apply(
            Ok(vec![ev(900_005, "a", "x"), ev(900_009, "b", "ERROR y")]),
            1000,
        );
        assert_eq!(t.since_ms, 900_009);
        assert!(t.due(1001).is_none(), "waits between polls");
        assert_eq!(t.due(1002).map(|r| r.start_ms), Some(900_009));
        t.apply(
            Ok(vec![
                ev(900_009, "b", "ERROR y"),
                ev(900_012, "c", "WARN z"),
            ]),
            1002,
        );
        assert_eq!(t.events.len(), 3);
        t.paused = true;
        assert!(t.due(2000).is_none());
        t.list.filter = "warn".into();
        assert_eq!(t.visible().len(), 1);
        t.apply(Err(CloudError::Network("x".into())), 2000);
        assert_eq!(t.events.len(), 3, "a failure keeps the lines");
    }

    #[test]
    fn buffer_is_bounded_and_levels_are_detected() {
        let mut t = TailState::default();
        t.start(vec!["/g".into()], 0);
        let many: Vec<LogEvent> = (0..TAIL_LIMIT as i64 + 10)
            .map(|i| ev(i, &i.to_string(), "m"))
            .collect();
        t.apply(Ok(many), 0);
        assert_eq!(t.events.len(), TAIL_LIMIT);
        assert_eq!(t.events.front().map(|e| e.timestamp_ms), Some(10));
        assert_eq!(line_level(r#"{"level": "ERROR"}"#), LineLevel::Error);
        assert_eq!(line_level("WARN app"), LineLevel::Warn);
        assert_eq!(line_level("INFO ok"), LineLevel::Other);
    }
}
