//! The Logs pane's data sources and their answers, and how each becomes cloud calls.
//!
//! A query is several fetches: `Start` (StartQuery) answers with the query id, then the
//! pane schedules `Results` (one GetQueryResults each) with back-off until the status is
//! terminal, each answer updating status, elapsed time and statistics. `Stop` is sent on
//! cancel or when leaving the pane. Saving a query is a write: it goes to the write
//! actor, never through these fetches.

use std::path::PathBuf;

use super::history::{self as logs_history, HistoryEntry};
use super::tail::{LiveCall, TailRequest};
use crate::cloud::{
    CloudRead, CloudResult, FilterRequest, InsightsQuery, LogEvent, QueryDefinition, QueryResults,
    interleave,
};

/// One Logs fetch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LogsSource {
    /// `StartQuery` for run `u64`.
    Start(u64, InsightsQuery),
    /// One `GetQueryResults` poll of run `u64`, query id.
    Results(u64, String),
    /// `StopQuery` of a query id.
    Stop(String),
    /// One live-tail poll (`FilterLogEvents` per group).
    Tail(TailRequest),
    /// Live Tail: start a session, drain it, or close it.
    Live(LiveCall),
    /// `DescribeQueryDefinitions`.
    Definitions,
    /// Read the history file.
    History(PathBuf),
}

/// A Logs fetch's answer.
#[derive(Debug, Clone)]
pub enum LogsFetched {
    Started(u64, InsightsQuery, CloudResult<String>),
    Results(u64, String, CloudResult<QueryResults>),
    Stopped(String, CloudResult<bool>),
    Tail(TailRequest, CloudResult<Vec<LogEvent>>),
    LiveStarted(CloudResult<String>),
    LiveRead(String, CloudResult<crate::cloud::LiveTailBatch>),
    LiveStopped(String),
    Definitions(CloudResult<Vec<QueryDefinition>>),
    History(PathBuf, CloudResult<Vec<HistoryEntry>>),
}

/// Fetch one Logs source.
pub async fn fetch(read: &dyn CloudRead, source: LogsSource) -> LogsFetched {
    match source {
        LogsSource::Start(id, q) => {
            tracing::debug!(start = q.start, end = q.end, groups = ?q.log_groups, "StartQuery");
            let r = read.start_query(&q).await;
            LogsFetched::Started(id, q, r)
        }
        LogsSource::Results(id, qid) => {
            let r = read.get_query_results(&qid).await;
            LogsFetched::Results(id, qid, r)
        }
        LogsSource::Stop(qid) => {
            let r = read.stop_query(&qid).await;
            LogsFetched::Stopped(qid, r)
        }
        LogsSource::Tail(req) => {
            let r = tail(read, &req).await;
            LogsFetched::Tail(req, r)
        }
        LogsSource::Live(LiveCall::Start(groups)) => {
            LogsFetched::LiveStarted(read.start_live_tail(&groups).await)
        }
        LogsSource::Live(LiveCall::Read(id)) => {
            let r = read.read_live_tail(&id).await;
            LogsFetched::LiveRead(id, r)
        }
        LogsSource::Live(LiveCall::Stop(id)) => {
            if let Err(e) = read.stop_live_tail(&id).await {
                tracing::debug!(%e, "StopLiveTail");
            }
            LogsFetched::LiveStopped(id)
        }
        LogsSource::Definitions => {
            LogsFetched::Definitions(read.describe_query_definitions().await)
        }
        LogsSource::History(path) => {
            let r = logs_history::load(&path).await;
            LogsFetched::History(path, r)
        }
    }
}

/// One tail poll: every group from `start_ms`, interleaved by timestamp. A group that
/// fails fails the poll (its error is shown; the lines already shown stay).
pub async fn tail(read: &dyn CloudRead, req: &TailRequest) -> CloudResult<Vec<LogEvent>> {
    let mut per_group = Vec::with_capacity(req.log_groups.len());
    for g in &req.log_groups {
        let r = FilterRequest {
            log_group: g.clone(),
            start_ms: req.start_ms,
            end_ms: None,
            pattern: String::new(),
            limit: crate::panes::logs::tail::TAIL_PAGE,
        };
        per_group.push(read.filter_log_events(&r).await?);
    }
    Ok(interleave(per_group))
}
