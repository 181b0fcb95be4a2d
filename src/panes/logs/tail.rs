//! Live tail of the environment's log groups: CloudWatch Live Tail (`StartLiveTail`, an
//! event stream drained every second) where the endpoint has it, else `FilterLogEvents`
//! polled every [`TAIL_POLL_SECONDS`] from the newest event seen (the reason recorded
//! once; Live Tail is not asked again on every poll). A bounded buffer of compact lines (the last
//! [`TAIL_LIMIT`]), pause/resume, a `/` pattern filter applied when lines arrive or the
//! filter changes (never while drawing), a "sampled" mark when CloudWatch samples the stream, and the Live
//! Tail session closed when the pane is left or after [`LIVE_IDLE_SECONDS`] without a key
//! (it is billed by the minute).

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::cloud::{CloudError, Epoch, LiveTailBatch, LogEvent};
use crate::panes::kit::list::ListState;

/// Seconds between two polls.
pub const TAIL_POLL_SECONDS: i64 = 2;
/// Lines kept (oldest dropped first).
pub const TAIL_LIMIT: usize = 100_000;
/// Events asked for per group and poll.
pub const TAIL_PAGE: i32 = 500;
/// How far back the tail starts.
pub const TAIL_BACKLOG_SECONDS: i64 = 120;
/// Seconds between two drains of a Live Tail session.
pub const LIVE_READ_SECONDS: i64 = 1;
/// A Live Tail session without a key in the tail for this long is closed.
pub const LIVE_IDLE_SECONDS: i64 = 15 * 60;
/// How long the "sampled" mark stays after the last sampled update.
pub const SAMPLED_MARK_SECONDS: i64 = 10;

/// How the tail reads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TailMode {
    /// Live Tail is to be tried.
    #[default]
    TryLive,
    /// `StartLiveTail` asked.
    Starting,
    /// Streaming through this Live Tail session.
    Live(String),
    /// `FilterLogEvents` polling (see `live_unavailable` for why).
    Polling,
}

/// A Live Tail call the tail wants made.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LiveCall {
    Start(Vec<String>),
    Read(String),
    Stop(String),
}

/// Interned group and stream names kept before unused ones are dropped.
const NAMES_KEPT: usize = 4096;

/// One tail poll: these groups from this instant (ms) on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TailRequest {
    pub log_groups: Vec<String>,
    pub start_ms: i64,
}

/// Events at most this much older than the newest one are remembered (as hashes of their
/// ids) to skip them when the next poll, which starts at the newest, returns them again.
const DEDUPE_WINDOW_MS: i64 = 10_000;

/// One line of the tail, kept small: group and stream names are shared between lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TailLine {
    /// Unix milliseconds.
    pub timestamp_ms: i64,
    pub log_group: Arc<str>,
    pub log_stream: Arc<str>,
    pub message: Box<str>,
}

/// The tail's state.
#[derive(Debug, Clone, Default)]
pub struct TailState {
    pub active: bool,
    pub paused: bool,
    pub log_groups: Vec<String>,
    /// The kept lines, oldest first; the front one has sequence number `front_seq`.
    pub events: VecDeque<TailLine>,
    front_seq: u64,
    /// Sequence numbers of the lines passing the filter, oldest first.
    shown: VecDeque<u64>,
    /// The filter `shown` was computed with.
    shown_for: String,
    /// The newest events' id hashes (within [`DEDUPE_WINDOW_MS`] of the newest), oldest
    /// first, and the same as a set.
    recent: VecDeque<(i64, u64)>,
    recent_keys: HashSet<u64>,
    names: HashMap<Arc<str>, ()>,
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
    /// Lines dropped from the front since the tail started (the buffer is bounded).
    pub dropped: u64,
    pub mode: TailMode,
    /// Why Live Tail is not used (kept across restarts of the tail: not asked again).
    pub live_unavailable: Option<String>,
    /// When an update last said CloudWatch sampled the stream.
    pub sampled_at: Option<Epoch>,
    /// The last key in the tail (the idle clock of a Live Tail session).
    pub last_activity: Epoch,
    /// The Live Tail session was closed for being idle (space starts it again).
    pub idle_closed: bool,
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
    let head = match message.char_indices().nth(200) {
        Some((i, _)) => &message[..i],
        None => message,
    };
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
        let live_unavailable = self.live_unavailable.take();
        *self = TailState {
            mode: if live_unavailable.is_some() {
                TailMode::Polling
            } else {
                TailMode::TryLive
            },
            live_unavailable,
            last_activity: now,
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
        self.refilter();
    }

    /// The next `FilterLogEvents` poll, when one is due at `now` (polling mode only).
    pub fn due(&self, now: Epoch) -> Option<TailRequest> {
        (self.mode == TailMode::Polling
            && self.active
            && !self.paused
            && !self.in_flight
            && now >= self.next_poll_at)
            .then(|| TailRequest {
                log_groups: self.log_groups.clone(),
                start_ms: self.since_ms,
            })
    }

    /// The Live Tail call due at `now`, if any: start, drain, or close an idle session.
    pub fn live_due(&self, now: Epoch) -> Option<LiveCall> {
        if !self.active || self.paused || self.in_flight {
            return None;
        }
        match &self.mode {
            TailMode::TryLive => Some(LiveCall::Start(self.log_groups.clone())),
            TailMode::Live(id) if now.saturating_sub(self.last_activity) >= LIVE_IDLE_SECONDS => {
                Some(LiveCall::Stop(id.clone()))
            }
            TailMode::Live(id) if now >= self.next_poll_at => Some(LiveCall::Read(id.clone())),
            _ => None,
        }
    }

    /// `call` was sent.
    pub fn live_sent(&mut self, call: &LiveCall) {
        match call {
            LiveCall::Start(_) => {
                self.mode = TailMode::Starting;
                self.in_flight = true;
            }
            LiveCall::Read(_) => self.in_flight = true,
            LiveCall::Stop(id) => {
                // Idle: closed (billed by the minute); space starts a new session.
                if self.mode == TailMode::Live(id.clone()) && self.active && !self.paused {
                    self.paused = true;
                    self.idle_closed = true;
                }
                self.mode = TailMode::TryLive;
                self.in_flight = false;
            }
        }
    }

    /// `StartLiveTail` answered: stream, or fall back to polling for good (the reason kept).
    pub fn live_started(&mut self, result: Result<String, CloudError>, now: Epoch) {
        self.in_flight = false;
        self.next_poll_at = now;
        match result {
            Ok(id) if self.mode == TailMode::Starting && self.active => {
                self.mode = TailMode::Live(id);
            }
            Ok(_) => {}
            Err(e) => self.fall_back(format!("Live Tail not available: {e}")),
        }
    }

    /// A drain of the Live Tail session answered.
    pub fn live_read(&mut self, id: &str, result: Result<LiveTailBatch, CloudError>, now: Epoch) {
        if self.mode != TailMode::Live(id.to_string()) {
            self.in_flight = false;
            return;
        }
        match result {
            Ok(batch) => {
                if batch.sampled {
                    self.sampled_at = Some(now);
                }
                self.apply(Ok(batch.events), now);
                self.next_poll_at = now.saturating_add(LIVE_READ_SECONDS);
            }
            Err(e) => {
                self.in_flight = false;
                self.next_poll_at = now;
                self.fall_back(format!("Live Tail ended: {e}"));
            }
        }
    }

    fn fall_back(&mut self, reason: String) {
        self.mode = TailMode::Polling;
        self.live_unavailable = Some(reason);
    }

    /// A key in the tail: the Live Tail session is not idle.
    pub fn touch(&mut self, now: Epoch) {
        self.last_activity = now;
        if self.idle_closed && !self.paused {
            self.idle_closed = false;
        }
    }

    /// Leaving the pane: the Live Tail session to close, if one is open.
    pub fn leave(&mut self) -> Option<LiveCall> {
        self.in_flight = false;
        match std::mem::take(&mut self.mode) {
            TailMode::Live(id) => Some(LiveCall::Stop(id)),
            TailMode::Polling => {
                self.mode = TailMode::Polling;
                None
            }
            _ => None,
        }
    }

    /// True while the "sampled" mark shows.
    pub fn sampled(&self, now: Epoch) -> bool {
        self.sampled_at
            .is_some_and(|t| now.saturating_sub(t) < SAMPLED_MARK_SECONDS)
    }

    /// Append a poll's events (already interleaved), skipping ones already shown.
    pub fn apply(&mut self, result: Result<Vec<LogEvent>, CloudError>, now: Epoch) {
        self.in_flight = false;
        self.next_poll_at = now.saturating_add(TAIL_POLL_SECONDS);
        match result {
            Ok(events) => {
                self.error = None;
                self.fetched_at = Some(now);
                if self.shown_for != self.list.filter {
                    self.refilter();
                }
                let mut fresh: Vec<(u64, LogEvent)> = events
                    .into_iter()
                    .map(|e| (key(&e), e))
                    .filter(|(k, _)| !self.recent_keys.contains(k))
                    .collect();
                fresh.sort_by_key(|(_, e)| e.timestamp_ms);
                for (k, e) in fresh {
                    if !self.recent_keys.insert(k) {
                        continue;
                    }
                    self.recent.push_back((e.timestamp_ms, k));
                    self.since_ms = self.since_ms.max(e.timestamp_ms);
                    let line = TailLine {
                        timestamp_ms: e.timestamp_ms,
                        log_group: self.intern(e.log_group),
                        log_stream: self.intern(e.log_stream),
                        message: e.message.into_boxed_str(),
                    };
                    if passes(&self.list, &line) {
                        self.shown
                            .push_back(self.front_seq + self.events.len() as u64);
                    }
                    self.events.push_back(line);
                }
                while self.events.len() > TAIL_LIMIT {
                    self.drop_front();
                }
                let floor = self.since_ms.saturating_sub(DEDUPE_WINDOW_MS);
                while let Some(&(at, k)) = self.recent.front() {
                    if at >= floor {
                        break;
                    }
                    self.recent.pop_front();
                    self.recent_keys.remove(&k);
                }
            }
            Err(e) => self.error = Some(e),
        }
    }

    fn drop_front(&mut self) {
        if self.events.pop_front().is_some() {
            if self.shown.front() == Some(&self.front_seq) {
                self.shown.pop_front();
            }
            self.front_seq += 1;
            self.dropped += 1;
        }
    }

    fn intern(&mut self, name: String) -> Arc<str> {
        if let Some((k, _)) = self.names.get_key_value(name.as_str()) {
            return Arc::clone(k);
        }
        if self.names.len() >= NAMES_KEPT {
            self.names.retain(|k, _| Arc::strong_count(k) > 1);
        }
        let k: Arc<str> = Arc::from(name);
        self.names.insert(Arc::clone(&k), ());
        k
    }

    /// Recompute which lines pass the filter (after it changed).
    pub fn refilter(&mut self) {
        let list = &self.list;
        self.shown = self
            .events
            .iter()
            .enumerate()
            .filter(|(_, l)| passes(list, l))
            .map(|(i, _)| self.front_seq + i as u64)
            .collect();
        self.shown_for = self.list.filter.clone();
    }

    /// Number of lines passing the filter.
    pub fn visible_len(&self) -> usize {
        self.shown.len()
    }

    /// The `i`-th line passing the filter, oldest first.
    pub fn visible_line(&self, i: usize) -> Option<&TailLine> {
        let seq = *self.shown.get(i)?;
        let at = usize::try_from(seq.checked_sub(self.front_seq)?).ok()?;
        self.events.get(at)
    }

    /// Lines passing the filter, oldest first (`len` of them from `start`).
    pub fn visible_range(&self, start: usize, len: usize) -> Vec<&TailLine> {
        (start..start.saturating_add(len))
            .map_while(|i| self.visible_line(i))
            .collect()
    }
}

fn passes(list: &ListState, l: &TailLine) -> bool {
    list.matches(&[&l.message, &l.log_stream, &l.log_group])
}

fn key(e: &LogEvent) -> u64 {
    let mut h = DefaultHasher::new();
    if e.event_id.is_empty() {
        (e.timestamp_ms, &e.log_stream, &e.message).hash(&mut h);
    } else {
        e.event_id.hash(&mut h);
    }
    h.finish()
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
        t.live_started(Err(CloudError::Unsupported("StartLiveTail".into())), 1000);
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
        t.refilter();
        assert_eq!(t.visible_len(), 1);
        t.apply(Err(CloudError::Network("x".into())), 2000);
        assert_eq!(t.events.len(), 3, "a failure keeps the lines");
    }

    #[test]
    fn live_tail_streams_marks_sampling_and_closes_when_idle() {
        let mut t = TailState::default();
        t.start(vec!["/g".into()], 100);
        assert!(
            t.due(100).is_none(),
            "no FilterLogEvents while Live Tail is tried"
        );
        let call = t.live_due(100).expect("start");
        assert_eq!(call, LiveCall::Start(vec!["/g".into()]));
        t.live_sent(&call);
        assert!(t.live_due(100).is_none(), "one call at a time");
        t.live_started(Ok("s1".into()), 101);
        assert_eq!(t.mode, TailMode::Live("s1".into()));
        let read = t.live_due(101).expect("drain");
        assert_eq!(read, LiveCall::Read("s1".into()));
        t.live_sent(&read);
        t.live_read(
            "s1",
            Ok(LiveTailBatch {
                events: vec![ev(5, "", "a"), ev(6, "", "b")],
                sampled: true,
            }),
            102,
        );
        assert_eq!(t.events.len(), 2);
        assert!(t.sampled(102));
        assert!(!t.sampled(102 + SAMPLED_MARK_SECONDS));
        assert!(t.live_due(102).is_none(), "a second between drains");
        assert!(t.live_due(103).is_some());
        // Keys keep it open; fifteen quiet minutes close it.
        t.touch(500);
        assert_eq!(
            t.live_due(500 + LIVE_IDLE_SECONDS - 1),
            Some(LiveCall::Read("s1".into()))
        );
        let stop = t.live_due(500 + LIVE_IDLE_SECONDS).expect("idle close");
        assert_eq!(stop, LiveCall::Stop("s1".into()));
        t.live_sent(&stop);
        assert!(t.paused && t.idle_closed);
        assert_eq!(t.mode, TailMode::TryLive);
        // Space resumes: a new session is started.
        t.paused = false;
        assert!(matches!(t.live_due(2000), Some(LiveCall::Start(_))));
    }

    #[test]
    fn a_failed_stream_falls_back_for_good_and_leaving_closes_the_session() {
        let mut t = TailState::default();
        t.start(vec!["/g".into()], 0);
        t.live_sent(&LiveCall::Start(vec!["/g".into()]));
        t.live_started(Ok("s1".into()), 0);
        assert_eq!(t.leave(), Some(LiveCall::Stop("s1".into())));
        assert_eq!(t.mode, TailMode::TryLive);
        t.live_sent(&LiveCall::Start(vec!["/g".into()]));
        t.live_started(Ok("s2".into()), 1);
        t.live_sent(&LiveCall::Read("s2".into()));
        t.live_read("s2", Err(CloudError::Network("stream ended".into())), 2);
        assert_eq!(t.mode, TailMode::Polling);
        assert!(
            t.live_unavailable
                .as_deref()
                .is_some_and(|r| r.contains("ended"))
        );
        assert!(t.due(2).is_some(), "polls at once");
        assert_eq!(t.leave(), None);
        t.start(vec!["/g".into()], 10);
        assert_eq!(t.mode, TailMode::Polling, "not asked again");
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
        assert_eq!(t.visible_len(), TAIL_LIMIT);
        assert_eq!(t.visible_line(0).map(|e| e.timestamp_ms), Some(10));
        assert_eq!(t.dropped, 10);
        assert_eq!(line_level(r#"{"level": "ERROR"}"#), LineLevel::Error);
        assert_eq!(line_level("WARN app"), LineLevel::Warn);
        assert_eq!(line_level("INFO ok"), LineLevel::Other);
    }

    #[test]
    fn the_filter_is_kept_as_lines_arrive_and_leave() {
        let mut t = TailState::default();
        t.start(vec!["/g".into()], 0);
        t.list.filter = "error".into();
        t.refilter();
        let batch: Vec<LogEvent> = (0..TAIL_LIMIT as i64)
            .map(|i| {
                ev(
                    i,
                    &i.to_string(),
                    if i % 10 == 0 { "ERROR x" } else { "ok" },
                )
            })
            .collect();
        t.apply(Ok(batch), 0);
        assert_eq!(t.visible_len(), TAIL_LIMIT / 10);
        // Five more lines push the first five out; line 0 was an ERROR.
        let more: Vec<LogEvent> = (0..5)
            .map(|i| {
                let at = TAIL_LIMIT as i64 + i;
                ev(at, &format!("n{i}"), "ERROR new")
            })
            .collect();
        t.apply(Ok(more), 0);
        assert_eq!(t.visible_len(), TAIL_LIMIT / 10 - 1 + 5);
        assert_eq!(t.visible_line(0).map(|e| e.timestamp_ms), Some(10));
        let last = t.visible_line(t.visible_len() - 1).expect("last");
        assert_eq!(&*last.message, "ERROR new");
        assert!(
            Arc::ptr_eq(&t.events[0].log_group, &t.events[1].log_group),
            "names are shared"
        );
    }
}
