//! CloudWatch Logs: Logs Insights queries, log events and saved query definitions —
//! domain types and the read/act traits (shared by the Logs pane, the dashboard and
//! `opsdeck logs`).
//!
//! Times of queries are Unix seconds; times of log events are Unix milliseconds, as the
//! API has them.

use std::time::Duration;

use async_trait::async_trait;

use super::error::{CloudError, CloudResult};
use super::types::Epoch;

/// Logs Insights returns at most this many rows.
pub const MAX_QUERY_LIMIT: i32 = 10_000;

/// One Logs Insights query (`StartQuery`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct InsightsQuery {
    pub log_groups: Vec<String>,
    pub query: String,
    /// Unix seconds, inclusive.
    pub start: Epoch,
    /// Unix seconds, inclusive.
    pub end: Epoch,
    /// Rows to return (the query's own `limit` wins when smaller).
    pub limit: Option<i32>,
}

/// Where a query is (`GetQueryResults` status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum QueryStatus {
    #[default]
    Scheduled,
    Running,
    Complete,
    Failed,
    Cancelled,
    Timeout,
    Unknown,
}

impl QueryStatus {
    /// True once the query will not change any more.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            QueryStatus::Complete
                | QueryStatus::Failed
                | QueryStatus::Cancelled
                | QueryStatus::Timeout
        )
    }

    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            QueryStatus::Scheduled => "Scheduled",
            QueryStatus::Running => "Running",
            QueryStatus::Complete => "Complete",
            QueryStatus::Failed => "Failed",
            QueryStatus::Cancelled => "Cancelled",
            QueryStatus::Timeout => "Timeout",
            QueryStatus::Unknown => "Unknown",
        }
    }

    /// From the API's spelling (anything else is `Unknown`).
    pub fn parse(s: &str) -> QueryStatus {
        match s {
            "Scheduled" => QueryStatus::Scheduled,
            "Running" => QueryStatus::Running,
            "Complete" => QueryStatus::Complete,
            "Failed" => QueryStatus::Failed,
            "Cancelled" => QueryStatus::Cancelled,
            "Timeout" => QueryStatus::Timeout,
            _ => QueryStatus::Unknown,
        }
    }
}

/// What a query scanned so far (Logs Insights is billed per GB scanned).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct QueryStatistics {
    pub records_matched: f64,
    pub records_scanned: f64,
    pub bytes_scanned: f64,
}

/// One result row: (field, value) pairs in the order the service returned them.
pub type ResultRow = Vec<(String, String)>;

/// One `GetQueryResults` answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryResults {
    pub status: QueryStatus,
    pub statistics: Option<QueryStatistics>,
    pub rows: Vec<ResultRow>,
}

/// One log event (`FilterLogEvents`, live tail).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct LogEvent {
    /// Unix milliseconds.
    pub timestamp_ms: i64,
    pub log_group: String,
    pub log_stream: String,
    pub message: String,
    pub event_id: String,
}

/// One `FilterLogEvents` request over one log group.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FilterRequest {
    pub log_group: String,
    /// Unix milliseconds, inclusive.
    pub start_ms: i64,
    /// Unix milliseconds, inclusive; `None` is "now".
    pub end_ms: Option<i64>,
    /// A CloudWatch filter pattern (plain terms); empty matches everything.
    pub pattern: String,
    /// Events to return at most (pages are followed until then).
    pub limit: i32,
}

/// A saved query (`PutQueryDefinition` / `DescribeQueryDefinitions`), shared with the
/// AWS console.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct QueryDefinition {
    /// `None` creates a new definition.
    pub id: Option<String>,
    /// May contain `/` to form folders in the AWS console.
    pub name: String,
    pub query: String,
    pub log_groups: Vec<String>,
}

/// Read access to CloudWatch Logs.
#[async_trait]
pub trait LogsRead: Send + Sync {
    /// `StartQuery`: the query id.
    async fn start_query(&self, query: &InsightsQuery) -> CloudResult<String>;
    /// `GetQueryResults` of a started query.
    async fn get_query_results(&self, query_id: &str) -> CloudResult<QueryResults>;
    /// `StopQuery`: true when the query was running and is now cancelled. Stopping a
    /// query is not a write to the account (it only ends our own query), so it is here.
    async fn stop_query(&self, query_id: &str) -> CloudResult<bool>;
    /// `FilterLogEvents` over one log group, oldest first.
    async fn filter_log_events(&self, request: &FilterRequest) -> CloudResult<Vec<LogEvent>>;
    /// `DescribeQueryDefinitions` (all pages), by name.
    async fn describe_query_definitions(&self) -> CloudResult<Vec<QueryDefinition>>;
    /// `StartLiveTail` over `log_groups` (names): a session id whose events
    /// [`LogsRead::read_live_tail`] collects. `Unsupported` where the endpoint (or this
    /// cloud) has no Live Tail: the tail then polls `FilterLogEvents`.
    async fn start_live_tail(&self, log_groups: &[String]) -> CloudResult<String> {
        let _ = log_groups;
        Err(CloudError::Unsupported("StartLiveTail".into()))
    }
    /// What arrived on a Live Tail session since the last read (waits briefly for the
    /// first update). An error when the stream failed or ended: the session is gone.
    async fn read_live_tail(&self, session: &str) -> CloudResult<LiveTailBatch> {
        Err(CloudError::NotFound(format!("live tail session {session}")))
    }
    /// Close a Live Tail session (it is billed by the minute while open).
    async fn stop_live_tail(&self, session: &str) -> CloudResult<()> {
        let _ = session;
        Ok(())
    }
}

/// Events of a Live Tail session since the last read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveTailBatch {
    pub events: Vec<LogEvent>,
    /// True when an update said CloudWatch sampled it (over 500 events per second):
    /// `sessionMetadata.sampled`.
    pub sampled: bool,
}

/// Writes to CloudWatch Logs (absent in read-only mode).
#[async_trait]
pub trait LogsAct: Send + Sync {
    /// `PutQueryDefinition`: creates (no id) or updates a saved query; its id.
    async fn put_query_definition(&self, definition: &QueryDefinition) -> CloudResult<String>;
}

/// How long `run_query` waits before its `attempt`-th poll (0-based): 250 ms, 500 ms,
/// 1 s, 2 s, then 2 s.
pub fn poll_delay(attempt: u32) -> Duration {
    Duration::from_millis(250u64.saturating_mul(1 << attempt.min(3)))
}

/// `StartQuery`, then `GetQueryResults` with back-off until the status is terminal or
/// `max_wait` passed; on giving up the query is stopped and `CloudError::Network` is
/// returned. Failed/Cancelled/Timeout come back as results with that status.
pub async fn run_query(
    logs: &dyn LogsRead,
    query: &InsightsQuery,
    max_wait: Duration,
) -> CloudResult<QueryResults> {
    let id = logs.start_query(query).await?;
    let started = tokio::time::Instant::now();
    let mut attempt = 0;
    loop {
        let results = logs.get_query_results(&id).await?;
        if results.status.is_terminal() {
            return Ok(results);
        }
        if started.elapsed() >= max_wait {
            let _ = logs.stop_query(&id).await;
            return Err(CloudError::Network(format!(
                "query {id} still {} after {}s; stopped",
                results.status.as_str(),
                max_wait.as_secs()
            )));
        }
        tokio::time::sleep(poll_delay(attempt)).await;
        attempt = attempt.saturating_add(1);
    }
}

/// The columns of `rows` in query order (the order fields first appear), `@ptr` hidden.
pub fn result_columns(rows: &[ResultRow]) -> Vec<String> {
    let mut cols: Vec<String> = Vec::new();
    for row in rows {
        for (field, _) in row {
            if field != "@ptr" && !cols.iter().any(|c| c == field) {
                cols.push(field.clone());
            }
        }
    }
    cols
}

/// The value of `field` in `row` (empty when missing).
pub fn field_value<'a>(row: &'a ResultRow, field: &str) -> &'a str {
    row.iter()
        .find(|(f, _)| f == field)
        .map_or("", |(_, v)| v.as_str())
}

/// Interleave per-group event lists into one list in timestamp order (stable: equal
/// timestamps keep group order), dropping duplicate event ids.
pub fn interleave(groups: Vec<Vec<LogEvent>>) -> Vec<LogEvent> {
    let mut all: Vec<LogEvent> = groups.into_iter().flatten().collect();
    all.sort_by_key(|e| e.timestamp_ms);
    let mut seen = std::collections::HashSet::new();
    all.retain(|e| e.event_id.is_empty() || seen.insert(e.event_id.clone()));
    all
}

/// "1.2 MB": bytes in the units Logs Insights bills in (decimal).
pub fn format_bytes(bytes: f64) -> String {
    let b = if bytes.is_finite() {
        bytes.max(0.0)
    } else {
        0.0
    };
    match b {
        b if b >= 1e9 => format!("{:.2} GB", b / 1e9),
        b if b >= 1e6 => format!("{:.1} MB", b / 1e6),
        b if b >= 1e3 => format!("{:.1} kB", b / 1e3),
        b => format!("{b:.0} B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(t: i64, group: &str, id: &str) -> LogEvent {
        LogEvent {
            timestamp_ms: t,
            log_group: group.into(),
            event_id: id.into(),
            ..Default::default()
        }
    }

    #[test]
    fn interleaves_groups_by_timestamp_and_drops_duplicates() {
        let a = vec![ev(1, "a", "1"), ev(5, "a", "2"), ev(9, "a", "3")];
        let b = vec![ev(2, "b", "4"), ev(5, "b", "5"), ev(5, "b", "2")];
        let out = interleave(vec![a, b]);
        let order: Vec<(i64, &str)> = out
            .iter()
            .map(|e| (e.timestamp_ms, e.log_group.as_str()))
            .collect();
        assert_eq!(
            order,
            vec![(1, "a"), (2, "b"), (5, "a"), (5, "b"), (9, "a")]
        );
    }

    #[test]
    fn columns_follow_query_order_without_ptr() {
        let rows = vec![
            vec![
                ("@timestamp".to_string(), "t".to_string()),
                ("@message".into(), "m".into()),
                ("@ptr".into(), "p".into()),
            ],
            vec![("@logStream".into(), "s".into())],
        ];
        assert_eq!(
            result_columns(&rows),
            vec!["@timestamp", "@message", "@logStream"]
        );
        assert_eq!(field_value(&rows[1], "@message"), "");
    }

    #[test]
    fn statuses_round_trip_and_bytes_format() {
        for s in [
            "Scheduled",
            "Running",
            "Complete",
            "Failed",
            "Cancelled",
            "Timeout",
        ] {
            assert_eq!(QueryStatus::parse(s).as_str(), s);
        }
        assert_eq!(QueryStatus::parse("weird"), QueryStatus::Unknown);
        assert!(QueryStatus::Timeout.is_terminal() && !QueryStatus::Running.is_terminal());
        assert_eq!(format_bytes(1_234_567.0), "1.2 MB");
        assert_eq!(format_bytes(f64::NAN), "0 B");
        assert_eq!(format_bytes(2.5e9), "2.50 GB");
        assert_eq!(poll_delay(0), Duration::from_millis(250));
        assert_eq!(poll_delay(9), Duration::from_millis(2000));
    }
}
