//! The dashboard's recent-errors widget: Logs Insights `StartQuery`, then
//! `GetQueryResults` until the query completes (bounded, with a short back-off). After the
//! first answer only the window since the previous one is queried and merged
//! ([`crate::cloud::insights_window`]), so a refresh every minute scans about a minute of
//! logs, not the whole range.

use std::sync::Mutex;
use std::time::Duration;

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::{QueryStatus, ResultField};

use super::error_map::map_sdk_error;
use crate::cloud::insights_window::{ErrorsWindow, RECENT_ERRORS_LIMIT};
use crate::cloud::{CloudError, CloudResult, Epoch, LogRow, RECENT_ERRORS_QUERY, RecentErrors};

/// How many times `GetQueryResults` is polled before giving up (~30 s).
const MAX_POLLS: u32 = 60;

/// The newest rows of the seed's recent-errors query over `log_groups` in `[start, end]`,
/// asking Logs Insights only for what `kept` does not already hold.
pub async fn recent_errors(
    client: &Client,
    kept: &Mutex<ErrorsWindow>,
    log_groups: &[String],
    start: Epoch,
    end: Epoch,
) -> CloudResult<RecentErrors> {
    if log_groups.is_empty() {
        return Ok(RecentErrors {
            queried_from: start,
            ..RecentErrors::default()
        });
    }
    let plan = kept.lock().map_or_else(
        |_| ErrorsWindow::default().plan(log_groups, start, end),
        |k| k.plan(log_groups, start, end),
    );
    match query(client, log_groups, plan.from, plan.to).await {
        Ok((fresh, scanned_bytes)) => {
            let rows = match kept.lock() {
                Ok(mut k) => k.merge(log_groups, start, plan, fresh),
                Err(_) => fresh,
            };
            Ok(RecentErrors {
                rows,
                scanned_bytes,
                queried_from: plan.from,
                incremental: plan.incremental,
            })
        }
        Err(e) => {
            if let Ok(mut k) = kept.lock() {
                k.clear();
            }
            Err(e)
        }
    }
}

/// One run of the query over `[from, to]`: its rows and the bytes it scanned.
async fn query(
    client: &Client,
    log_groups: &[String],
    from: Epoch,
    to: Epoch,
) -> CloudResult<(Vec<LogRow>, Option<f64>)> {
    let started = client
        .start_query()
        .set_log_group_names(Some(log_groups.to_vec()))
        .start_time(from)
        .end_time(to.max(from))
        .query_string(RECENT_ERRORS_QUERY)
        .limit(RECENT_ERRORS_LIMIT as i32)
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
                let scanned = out.statistics().map(|s| s.bytes_scanned());
                return Ok((out.results().iter().map(|r| row(r)).collect(), scanned));
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
