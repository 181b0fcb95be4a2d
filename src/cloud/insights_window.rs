//! The dashboard's recent-errors query, asked incrementally: after the first answer, only
//! the window since the last answer (with an overlap for late-arriving events) is queried
//! and merged with the rows kept from before, so the bytes Logs Insights scans per hour
//! stay near the bytes logged per hour instead of growing with the refresh rate.
//!
//! The query is "the newest [`RECENT_ERRORS_LIMIT`] ERROR lines of the window". The newest
//! N of a window `[start, end]` are the newest N of (the kept rows still inside the window
//! ∪ the rows of `[last end − overlap, end]`): a row older than the last answer that was
//! not among its N was beaten by N newer rows, which are still inside the new window.

use super::metrics::LogRow;
use super::types::Epoch;

/// Rows the recent-errors query returns (its `limit`).
pub const RECENT_ERRORS_LIMIT: usize = 20;
/// How far back an incremental query reaches before the last answer's end: events are
/// ingested seconds late, and a late event inside the overlap is still found. At a 60 s
/// refresh the widget scans 75 s of logs a minute: 1.25× the bytes logged.
pub const OVERLAP_SECONDS: Epoch = 15;

/// The last answer: which groups and window it covered, and its rows (newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorsWindow {
    log_groups: Vec<String>,
    start: Epoch,
    end: Epoch,
    rows: Vec<LogRow>,
}

/// What to ask Logs Insights for a window, given what is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryPlan {
    /// Unix seconds, inclusive.
    pub from: Epoch,
    /// Unix seconds, inclusive.
    pub to: Epoch,
    /// True when only the part since the last answer is asked (the rest is kept).
    pub incremental: bool,
}

impl ErrorsWindow {
    /// The part of `[start, end]` over `log_groups` that must be queried.
    pub fn plan(&self, log_groups: &[String], start: Epoch, end: Epoch) -> QueryPlan {
        let covers = !self.log_groups.is_empty()
            && self.log_groups == log_groups
            && self.start <= start
            && start <= self.end
            && self.end <= end;
        if covers {
            QueryPlan {
                from: self.end.saturating_sub(OVERLAP_SECONDS).max(start),
                to: end,
                incremental: true,
            }
        } else {
            QueryPlan {
                from: start,
                to: end,
                incremental: false,
            }
        }
    }

    /// Merge the answer to `plan` into what is kept and return the window's rows, newest
    /// first (at most [`RECENT_ERRORS_LIMIT`]).
    pub fn merge(
        &mut self,
        log_groups: &[String],
        start: Epoch,
        plan: QueryPlan,
        fresh: Vec<LogRow>,
    ) -> Vec<LogRow> {
        let mut rows = if plan.incremental {
            let floor = start.saturating_mul(1000);
            std::mem::take(&mut self.rows)
                .into_iter()
                .filter(|r| row_epoch_ms(&r.timestamp).is_none_or(|t| t >= floor))
                .collect()
        } else {
            Vec::new()
        };
        for row in fresh {
            if !rows.contains(&row) {
                rows.push(row);
            }
        }
        rows.sort_by(|a, b| {
            let key = |r: &LogRow| (row_epoch_ms(&r.timestamp), r.timestamp.clone());
            key(b).cmp(&key(a))
        });
        rows.truncate(RECENT_ERRORS_LIMIT);
        *self = ErrorsWindow {
            log_groups: log_groups.to_vec(),
            start,
            end: plan.to,
            rows: rows.clone(),
        };
        rows
    }

    /// Forget the kept rows (after a failed query, the next one asks for the whole window).
    pub fn clear(&mut self) {
        *self = ErrorsWindow::default();
    }
}

/// Unix milliseconds of a row's `@timestamp`: Logs Insights prints
/// `2026-09-01 00:03:12.345` (UTC); an endpoint printing epoch seconds or milliseconds is
/// read too. `None` when it is neither (such a row is kept, never dropped).
pub fn row_epoch_ms(text: &str) -> Option<i64> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = t.parse().ok()?;
        // Seconds have at most 10 digits until the year 2286.
        return Some(if t.len() <= 10 {
            n.saturating_mul(1000)
        } else {
            n
        });
    }
    let (date, rest) = t.split_once(' ').or_else(|| t.split_once('T'))?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(date, &format).ok()?;
    let rest = rest.trim_end_matches('Z');
    let (hms, frac) = rest.split_once('.').unwrap_or((rest, "0"));
    let mut parts = hms.split(':').map(|p| p.parse::<u8>().ok());
    let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
    let clock = time::Time::from_hms(h, m, s).ok()?;
    let ms: i64 = format!("{:0<3}", frac.get(..3.min(frac.len()))?)
        .parse()
        .ok()?;
    let at = time::PrimitiveDateTime::new(day, clock).assume_utc();
    Some(at.unix_timestamp().saturating_mul(1000).saturating_add(ms))
}

/// `epoch` as Logs Insights prints `@timestamp` (`2026-09-01 00:03:12.000`).
pub fn insights_timestamp(epoch: Epoch) -> Option<String> {
    let t = time::OffsetDateTime::from_unix_timestamp(epoch).ok()?;
    let format =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second].000");
    t.format(&format).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(epoch: Epoch, message: &str) -> LogRow {
        LogRow {
            timestamp: insights_timestamp(epoch).expect("time"),
            message: message.into(),
            log_stream: Some("s".into()),
        }
    }

    fn groups() -> Vec<String> {
        vec!["/ecs/app".into()]
    }

    #[test]
    fn the_first_answer_asks_for_the_whole_window() {
        let w = ErrorsWindow::default();
        assert_eq!(
            w.plan(&groups(), 1_000, 4_600),
            QueryPlan {
                from: 1_000,
                to: 4_600,
                incremental: false
            }
        );
    }

    #[test]
    fn later_answers_ask_only_since_the_last_one_with_an_overlap() {
        let mut w = ErrorsWindow::default();
        let p = w.plan(&groups(), 1_000, 4_600);
        w.merge(&groups(), 1_000, p, vec![row(4_000, "ERROR a")]);
        let next = w.plan(&groups(), 1_060, 4_660);
        assert_eq!(
            next,
            QueryPlan {
                from: 4_600 - OVERLAP_SECONDS,
                to: 4_660,
                incremental: true
            }
        );
    }

    #[test]
    fn other_groups_a_longer_window_or_a_gap_ask_for_everything() {
        let mut w = ErrorsWindow::default();
        let p = w.plan(&groups(), 1_000, 4_600);
        w.merge(&groups(), 1_000, p, Vec::new());
        assert!(!w.plan(&["/ecs/other".into()], 1_060, 4_660).incremental);
        assert!(!w.plan(&groups(), 500, 4_660).incremental, "longer range");
        assert!(!w.plan(&groups(), 5_000, 8_600).incremental, "gap");
        assert!(!w.plan(&groups(), 1_000, 4_000).incremental, "going back");
    }

    #[test]
    fn the_merge_keeps_the_newest_twenty_inside_the_window_without_duplicates() {
        let mut w = ErrorsWindow::default();
        let p = w.plan(&groups(), 0, 3_600);
        let first: Vec<LogRow> = (0..20).map(|i| row(1_000 + i * 100, "ERROR old")).collect();
        let shown = w.merge(&groups(), 0, p, first);
        assert_eq!(shown.len(), 20);
        assert_eq!(shown[0].timestamp, insights_timestamp(2_900).expect("t"));
        // An hour later the window starts at 1_500: rows before it leave.
        let p = w.plan(&groups(), 1_500, 5_100);
        assert!(p.incremental);
        // The overlap returns the 2_900 row again: it is not doubled.
        let fresh = vec![row(2_900, "ERROR old"), row(5_000, "ERROR new")];
        let shown = w.merge(&groups(), 1_500, p, fresh);
        assert_eq!(shown[0].message, "ERROR new");
        assert_eq!(
            shown
                .iter()
                .filter(|r| r.timestamp == row(2_900, "").timestamp)
                .count(),
            1
        );
        assert!(
            shown
                .iter()
                .all(|r| r.timestamp >= insights_timestamp(1_500).expect("t"))
        );
        assert_eq!(
            shown.len(),
            1 + 15,
            "the new row and the 15 old ones from 1_500 on"
        );
    }

    #[test]
    fn cleared_asks_for_everything_again() {
        let mut w = ErrorsWindow::default();
        let p = w.plan(&groups(), 0, 3_600);
        w.merge(&groups(), 0, p, Vec::new());
        w.clear();
        assert!(!w.plan(&groups(), 60, 3_660).incremental);
    }

    #[test]
    fn row_times_are_read_in_every_spelling() {
        assert_eq!(
            row_epoch_ms("2026-09-01 00:03:12.345"),
            Some(1_788_220_992_345)
        );
        assert_eq!(row_epoch_ms("2026-09-01 00:03:12"), Some(1_788_220_992_000));
        assert_eq!(
            row_epoch_ms("2026-09-01T00:03:12.5Z"),
            Some(1_788_220_992_500)
        );
        assert_eq!(row_epoch_ms("1788220992"), Some(1_788_220_992_000));
        assert_eq!(row_epoch_ms("1788220992345"), Some(1_788_220_992_345));
        assert_eq!(row_epoch_ms("yesterday"), None);
        assert_eq!(row_epoch_ms(""), None);
        assert_eq!(row_epoch_ms("2026-13-01 00:00:00"), None);
    }

    #[test]
    fn timestamps_print_as_logs_insights_prints_them() {
        assert_eq!(
            insights_timestamp(1_788_220_992).as_deref(),
            Some("2026-09-01 00:03:12.000")
        );
    }
}
