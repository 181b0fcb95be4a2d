//! Metrics, alarms and the dashboard's recent-errors query: domain types and the read trait.
//!
//! A [`MetricDataRequest`] is one `GetMetricData` call (up to 500 queries, metric math
//! included); the answer keeps each query's id so callers find their series by id.

use async_trait::async_trait;

use super::error::CloudResult;
use super::types::Epoch;

/// `GetMetricData` accepts at most this many queries in one request.
pub const MAX_METRIC_QUERIES: usize = 500;

/// One metric with its statistic (`MetricStat`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MetricStat {
    pub namespace: String,
    pub metric_name: String,
    /// (name, value) pairs.
    pub dimensions: Vec<(String, String)>,
    /// `Average`, `Sum`, `Minimum`, `Maximum`, `SampleCount` or a percentile (`p99`).
    pub stat: String,
}

/// What a query computes: a metric, or a metric math expression over other queries' ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum QueryKind {
    Metric(MetricStat),
    Expression(String),
}

/// One `MetricDataQuery`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MetricQuery {
    /// `[a-z][a-zA-Z0-9_]*`, unique in the request.
    pub id: String,
    pub label: String,
    pub kind: QueryKind,
    /// False for inputs of an expression that are not shown themselves.
    pub return_data: bool,
}

/// One `GetMetricData` request: every query over one time window and period.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MetricDataRequest {
    pub queries: Vec<MetricQuery>,
    pub start: Epoch,
    pub end: Epoch,
    /// Seconds per data point (a multiple of 60).
    pub period: i32,
    /// The source account every query reads, through a CloudWatch monitoring account
    /// (cross-account observability); `None`: the caller's own account.
    pub account_id: Option<String>,
}

/// One returned series, points in ascending time order (NaN and infinities dropped).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricSeries {
    pub id: String,
    pub label: String,
    pub points: Vec<(Epoch, f64)>,
    /// `Complete`, `PartialData`, `InternalError` or `Forbidden`.
    pub status: String,
    /// Messages CloudWatch attached to this series (e.g. a math error).
    pub messages: Vec<String>,
}

impl MetricSeries {
    /// The newest point's value.
    pub fn latest(&self) -> Option<f64> {
        self.points.last().map(|(_, v)| *v)
    }
}

/// The answer to one request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricData {
    pub series: Vec<MetricSeries>,
    pub start: Epoch,
    pub end: Epoch,
    pub period: i32,
}

impl MetricData {
    /// The series of query `id`.
    pub fn get(&self, id: &str) -> Option<&MetricSeries> {
        self.series.iter().find(|s| s.id == id)
    }

    /// The newest value of query `id`.
    pub fn latest(&self, id: &str) -> Option<f64> {
        self.get(id).and_then(MetricSeries::latest)
    }
}

/// A CloudWatch alarm state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AlarmState {
    /// Sorted first.
    Alarm,
    InsufficientData,
    Ok,
}

impl AlarmState {
    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmState::Alarm => "ALARM",
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
            AlarmState::Ok => "OK",
        }
    }
}

/// One metric alarm (`DescribeAlarms`).
#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    pub name: String,
    pub state: AlarmState,
    pub reason: String,
    pub namespace: Option<String>,
    pub metric_name: Option<String>,
    pub threshold: Option<f64>,
    pub updated_at: Option<Epoch>,
}

/// One row of a Logs Insights result (`@timestamp`, `@message`, `@logStream`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogRow {
    /// As Logs Insights prints it (`2026-09-01 00:03:12.345`).
    pub timestamp: String,
    pub message: String,
    pub log_stream: Option<String>,
}

/// The recent-errors widget's answer: the newest error rows of the window, and what
/// answering cost (Logs Insights bills the bytes it scans).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecentErrors {
    /// Newest first.
    pub rows: Vec<LogRow>,
    /// Bytes Logs Insights scanned for this answer (`None`: the endpoint did not say).
    pub scanned_bytes: Option<f64>,
    /// Unix seconds: the part of the window this answer queried (the rows before it were
    /// kept from the previous answer; the whole window on the first one).
    pub queried_from: Epoch,
    /// True when only the part since the previous answer was queried.
    pub incremental: bool,
}

impl std::ops::Deref for RecentErrors {
    type Target = [LogRow];
    fn deref(&self) -> &[LogRow] {
        &self.rows
    }
}

/// The seed's Logs Insights dashboard widget (§10.2).
pub const RECENT_ERRORS_QUERY: &str = "fields @timestamp, @message\n| filter @message like /ERROR/\n| sort @timestamp desc\n| limit 20";

/// Read access to CloudWatch metrics, alarms, the recent-errors query and the ALB lookup
/// the dashboard needs.
#[async_trait]
pub trait MetricsRead: Send + Sync {
    /// The backend's clock (wall clock for AWS, simulated time for the sim): request
    /// windows end here.
    fn metrics_now(&self) -> Epoch;
    /// One `GetMetricData` request (following `NextToken` only when the answer is paged).
    async fn get_metric_data(&self, request: &MetricDataRequest) -> CloudResult<MetricData>;
    /// `DescribeAlarms` (metric alarms) whose names start with `prefix`, ALARM first.
    async fn describe_alarms(&self, prefix: &str) -> CloudResult<Vec<Alarm>>;
    /// `StartQuery` of [`RECENT_ERRORS_QUERY`] over `log_groups` between `start` and `end`,
    /// then `GetQueryResults` until it completes. After a first answer, only the part of
    /// the window since the previous answer is queried and merged
    /// ([`super::insights_window`]).
    async fn recent_errors(
        &self,
        log_groups: &[String],
        start: Epoch,
        end: Epoch,
    ) -> CloudResult<RecentErrors>;
    /// `DescribeLoadBalancers` by name: the ALB's ARN, or `None` when it does not exist.
    async fn find_load_balancer(&self, name: &str) -> CloudResult<Option<String>>;
}

/// The CloudWatch dimension value of an ALB (`app/name/id`) from its ARN, or the value
/// itself when it already is one.
pub fn alb_dimension(arn_or_dimension: &str) -> Option<String> {
    let s = arn_or_dimension.trim();
    let tail = match s.split_once(":loadbalancer/") {
        Some((_, tail)) => tail,
        None => s,
    };
    let parts: Vec<&str> = tail.split('/').collect();
    match parts.as_slice() {
        ["app", name, id] if !name.is_empty() && !id.is_empty() => Some(tail.to_string()),
        _ => None,
    }
}

/// The CloudWatch dimension value of a target group (`targetgroup/name/id`) from its ARN.
pub fn target_group_dimension(arn_or_dimension: &str) -> Option<String> {
    let s = arn_or_dimension.trim();
    let tail = s.rsplit_once(':').map_or(s, |(_, t)| t);
    let parts: Vec<&str> = tail.split('/').collect();
    match parts.as_slice() {
        ["targetgroup", name, id] if !name.is_empty() && !id.is_empty() => Some(tail.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alb_dimension_from_arn_or_value() {
        assert_eq!(
            alb_dimension(
                "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/web-alb/50dc6c495c0c9188"
            )
            .as_deref(),
            Some("app/web-alb/50dc6c495c0c9188")
        );
        assert_eq!(
            alb_dimension("app/x/1").as_deref(),
            Some("app/x/1"),
            "already a dimension"
        );
        assert_eq!(alb_dimension("cloudplatform-prod-alb"), None);
        assert_eq!(alb_dimension("net/x/1"), None);
        assert_eq!(alb_dimension(""), None);
    }

    #[test]
    fn target_group_dimension_from_arn() {
        assert_eq!(
            target_group_dimension(
                "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg/73e2d6bc24d8a067"
            )
            .as_deref(),
            Some("targetgroup/tg/73e2d6bc24d8a067")
        );
        assert_eq!(target_group_dimension("tg"), None);
    }

    #[test]
    fn alarm_states_sort_alarm_first() {
        let mut s = [
            AlarmState::Ok,
            AlarmState::Alarm,
            AlarmState::InsufficientData,
        ];
        s.sort();
        assert_eq!(s[0], AlarmState::Alarm);
    }
}
