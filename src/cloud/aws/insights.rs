//! The dashboard's recent-errors widget: Logs Insights `StartQuery`, then
//! `GetQueryResults` until the query completes (bounded, with a short back-off).

use std::time::Duration;

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::{QueryStatus, ResultField};

use super::error_map::map_sdk_error;
use crate::cloud::{CloudError, CloudResult, Epoch, LogRow, RECENT_ERRORS_QUERY};

/// How many times `GetQueryResults` is polled before giving up (~30 s).
const MAX_POLLS: u32 = 60;

/// Rows of the seed's recent-errors query over `log_groups` in `[start, end]`.
pub async fn recent_errors(
    client: &Client,
    log_groups: &[String],
    start: Epoch,
    end: Epoch,
) -> CloudResult<Vec<LogRow>> {
    if log_groups.is_empty() {
        return Ok(Vec::new());
    }
    let started = client
        .start_query()
        .set_log_group_names(Some(log_groups.to_vec()))
        .start_time(start)
        .end_time(end.max(start))
        .query_string(RECENT_ERRORS_QUERY)
        .limit(20)
        .send()
        .await
        .map_err(|e| map_sdk_error("StartQuery", e))?;
    let Some(id) = started.query_id().filter(|s| !s.is_empty()) else {
        return Err(CloudError::Service("StartQuery: no query id".into()));
    };
    for attempt in 0..MAX_POLLS {
        let out = client
            .get_query_results()
            .query_id(id)
            .send()
            .await
            .map_err(|e| map_sdk_error("GetQueryResults", e))?;
        match out.status() {
            Some(QueryStatus::Complete) => {
                return Ok(out.results().iter().map(|r| row(r)).collect());
            }
            Some(QueryStatus::Failed | QueryStatus::Cancelled | QueryStatus::Timeout) => {
                let status = out.status().map_or("unknown", QueryStatus::as_str);
                return Err(CloudError::Service(format!("Logs Insights query {status}")));
            }
            _ => {
                let wait = 100u64.saturating_mul(u64::from(attempt + 1)).min(1000);
                tokio::time::sleep(Duration::from_millis(wait)).await;
            }
        }
    }
    Err(CloudError::Network(
        "Logs Insights query did not finish".into(),
    ))
}

/// One result row; fields other than `@timestamp`, `@message` and `@logStream` are ignored.
pub fn row(fields: &[ResultField]) -> LogRow {
    let mut r = LogRow::default();
    for f in fields {
        let value = f.value().unwrap_or_default().to_owned();
        match f.field() {
            Some("@timestamp") => r.timestamp = value,
            Some("@message") => r.message = value,
            Some("@logStream") => r.log_stream = Some(value),
            _ => {}
        }
    }
    r
}
