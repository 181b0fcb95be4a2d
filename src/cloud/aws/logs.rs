//! CloudWatch Logs: Logs Insights (`StartQuery`, `GetQueryResults`, `StopQuery`),
//! `FilterLogEvents` and saved queries (`PutQueryDefinition`,
//! `DescribeQueryDefinitions`), SDK types mapped to `cloud::logs` types.

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::operation::get_query_results::GetQueryResultsOutput;
use aws_sdk_cloudwatchlogs::types::{FilteredLogEvent, QueryStatus as SdkStatus};

use super::convert::owned;
use super::error_map::map_sdk_error;
use crate::cloud::{
    CloudError, CloudResult, FilterRequest, InsightsQuery, LogEvent, MAX_QUERY_LIMIT,
    QueryDefinition, QueryResults, QueryStatistics, QueryStatus,
};

/// Pages of `FilterLogEvents` / `DescribeQueryDefinitions` followed at most.
const MAX_PAGES: usize = 20;

/// `StartQuery`: the query id.
pub async fn start_query(client: &Client, q: &InsightsQuery) -> CloudResult<String> {
    if q.log_groups.is_empty() {
        return Err(CloudError::Invalid("StartQuery: no log groups".into()));
    }
    let out = client
        .start_query()
        .set_log_group_names(Some(q.log_groups.clone()))
        .start_time(q.start)
        .end_time(q.end.max(q.start))
        .query_string(&q.query)
        .set_limit(q.limit.map(|l| l.clamp(1, MAX_QUERY_LIMIT)))
        .send()
        .await
        .map_err(|e| map_sdk_error("StartQuery", e))?;
    out.query_id()
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| CloudError::Service("StartQuery: no query id".into()))
}

/// `GetQueryResults`.
pub async fn get_query_results(client: &Client, query_id: &str) -> CloudResult<QueryResults> {
    let out = client
        .get_query_results()
        .query_id(query_id)
        .send()
        .await
        .map_err(|e| map_sdk_error("GetQueryResults", e))?;
    Ok(results(&out))
}

/// Maps one `GetQueryResults` answer.
pub fn results(out: &GetQueryResultsOutput) -> QueryResults {
    QueryResults {
        status: out
            .status()
            .map_or(QueryStatus::Unknown, |s| status(s.clone())),
        statistics: out.statistics().map(|s| QueryStatistics {
            records_matched: s.records_matched(),
            records_scanned: s.records_scanned(),
            bytes_scanned: s.bytes_scanned(),
        }),
        rows: out
            .results()
            .iter()
            .map(|row| {
                row.iter()
                    .filter_map(|f| Some((f.field()?.to_owned(), owned(f.value()))))
                    .collect()
            })
            .collect(),
    }
}

fn status(s: SdkStatus) -> QueryStatus {
    match s {
        SdkStatus::Scheduled => QueryStatus::Scheduled,
        SdkStatus::Running => QueryStatus::Running,
        SdkStatus::Complete => QueryStatus::Complete,
        SdkStatus::Failed => QueryStatus::Failed,
        SdkStatus::Cancelled => QueryStatus::Cancelled,
        SdkStatus::Timeout => QueryStatus::Timeout,
        other => QueryStatus::parse(other.as_str()),
    }
}

/// `StopQuery`.
pub async fn stop_query(client: &Client, query_id: &str) -> CloudResult<bool> {
    let out = client
        .stop_query()
        .query_id(query_id)
        .send()
        .await
        .map_err(|e| map_sdk_error("StopQuery", e))?;
    Ok(out.success())
}

/// `FilterLogEvents` over one group, following pages up to `limit` events.
pub async fn filter_log_events(client: &Client, r: &FilterRequest) -> CloudResult<Vec<LogEvent>> {
    let limit = usize::try_from(r.limit.max(1)).unwrap_or(1);
    let mut events = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page_limit = i32::try_from(limit - events.len()).unwrap_or(10_000);
        let out = client
            .filter_log_events()
            .log_group_name(&r.log_group)
            .start_time(r.start_ms)
            .set_end_time(r.end_ms)
            .set_filter_pattern(Some(r.pattern.clone()).filter(|p| !p.trim().is_empty()))
            .limit(page_limit.clamp(1, 10_000))
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("FilterLogEvents", e))?;
        events.extend(out.events().iter().map(|e| event(&r.log_group, e)));
        token = out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if token.is_none() || events.len() >= limit {
            break;
        }
    }
    events.truncate(limit);
    events.sort_by_key(|e| e.timestamp_ms);
    Ok(events)
}

fn event(group: &str, e: &FilteredLogEvent) -> LogEvent {
    LogEvent {
        timestamp_ms: e.timestamp().unwrap_or_default(),
        log_group: group.to_owned(),
        log_stream: owned(e.log_stream_name()),
        message: owned(e.message()),
        event_id: owned(e.event_id()),
    }
}

/// `DescribeQueryDefinitions`, all pages, sorted by name.
pub async fn describe_query_definitions(client: &Client) -> CloudResult<Vec<QueryDefinition>> {
    let mut defs = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let out = client
            .describe_query_definitions()
            .max_results(1000)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("DescribeQueryDefinitions", e))?;
        defs.extend(out.query_definitions().iter().map(|d| QueryDefinition {
            id: d.query_definition_id().map(str::to_owned),
            name: owned(d.name()),
            query: owned(d.query_string()),
            log_groups: d.log_group_names().to_vec(),
        }));
        token = out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    defs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(defs)
}

/// `PutQueryDefinition`: the definition's id.
pub async fn put_query_definition(client: &Client, d: &QueryDefinition) -> CloudResult<String> {
    let out = client
        .put_query_definition()
        .name(&d.name)
        .query_string(&d.query)
        .set_query_definition_id(d.id.clone())
        .set_log_group_names(Some(d.log_groups.clone()).filter(|g| !g.is_empty()))
        .send()
        .await
        .map_err(|e| map_sdk_error("PutQueryDefinition", e))?;
    Ok(owned(out.query_definition_id()))
}
