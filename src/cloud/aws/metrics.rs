//! CloudWatch calls: one `GetMetricData` request per refresh (paged only when CloudWatch
//! says so) and `DescribeAlarms`, mapped to the domain types of `cloud::metrics`.

use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::operation::get_metric_data::builders::GetMetricDataFluentBuilder;
use aws_sdk_cloudwatch::types::{
    AlarmType, Dimension, Metric, MetricAlarm, MetricDataQuery, MetricDataResult, MetricStat,
    ScanBy, StateValue, StatusCode,
};
use aws_smithy_types::DateTime;

use super::convert::{epoch, opt, owned};
use super::error_map::map_sdk_error;
use crate::cloud::{
    Alarm, AlarmState, CloudResult, MetricData, MetricDataRequest, MetricQuery, MetricSeries,
    QueryKind,
};

/// A guard against an endpoint that keeps returning a next token.
const MAX_PAGES: usize = 20;

/// The SDK query for one domain query.
pub fn sdk_query(q: &MetricQuery, period: i32, account_id: Option<&str>) -> MetricDataQuery {
    let b = MetricDataQuery::builder()
        .id(&q.id)
        .label(&q.label)
        .return_data(q.return_data)
        .set_account_id(account_id.map(str::to_string));
    match &q.kind {
        QueryKind::Expression(e) => b.expression(e).period(period).build(),
        QueryKind::Metric(m) => {
            let metric = Metric::builder()
                .namespace(&m.namespace)
                .metric_name(&m.metric_name)
                .set_dimensions(Some(
                    m.dimensions
                        .iter()
                        .map(|(n, v)| Dimension::builder().name(n).value(v).build())
                        .collect(),
                ))
                .build();
            b.metric_stat(
                MetricStat::builder()
                    .metric(metric)
                    .period(period)
                    .stat(&m.stat)
                    .build(),
            )
            .build()
        }
    }
}

/// The `GetMetricData` call for `request` (without a next token).
pub fn get_metric_data_call(
    client: &Client,
    request: &MetricDataRequest,
) -> GetMetricDataFluentBuilder {
    client
        .get_metric_data()
        .set_metric_data_queries(Some(
            request
                .queries
                .iter()
                .map(|q| sdk_query(q, request.period, request.account_id.as_deref()))
                .collect(),
        ))
        .start_time(DateTime::from_secs(request.start))
        .end_time(DateTime::from_secs(request.end))
        .scan_by(ScanBy::TimestampAscending)
}

/// `GetMetricData` for `request`; pages are merged by query id.
pub async fn get_metric_data(
    client: &Client,
    request: &MetricDataRequest,
) -> CloudResult<MetricData> {
    let mut data = MetricData {
        series: Vec::new(),
        start: request.start,
        end: request.end,
        period: request.period,
    };
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let out = get_metric_data_call(client, request)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("GetMetricData", e))?;
        for r in out.metric_data_results() {
            merge(&mut data.series, series(r));
        }
        token = out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    for s in &mut data.series {
        s.points.sort_by_key(|(t, _)| *t);
        s.points.dedup_by_key(|(t, _)| *t);
    }
    Ok(data)
}

fn merge(all: &mut Vec<MetricSeries>, s: MetricSeries) {
    match all.iter_mut().find(|x| x.id == s.id) {
        Some(x) => {
            x.points.extend(s.points);
            x.messages.extend(s.messages);
            x.status = s.status;
        }
        None => all.push(s),
    }
}

/// One result as a series: timestamps and values zipped (extra entries of either are
/// ignored), non-finite values dropped.
pub fn series(r: &MetricDataResult) -> MetricSeries {
    MetricSeries {
        id: owned(r.id()),
        label: owned(r.label()),
        points: r
            .timestamps()
            .iter()
            .zip(r.values())
            .filter(|(_, v)| v.is_finite())
            .map(|(t, v)| (t.secs(), *v))
            .collect(),
        status: r
            .status_code()
            .map_or("Complete", StatusCode::as_str)
            .to_owned(),
        messages: r
            .messages()
            .iter()
            .filter_map(|m| m.value().map(str::to_owned))
            .collect(),
    }
}

/// Metric alarms whose names start with `prefix`, ALARM first, then by name.
pub async fn describe_alarms(client: &Client, prefix: &str) -> CloudResult<Vec<Alarm>> {
    let mut alarms = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let mut call = client
            .describe_alarms()
            .alarm_types(AlarmType::MetricAlarm)
            .max_records(100)
            .set_next_token(token.take());
        if !prefix.is_empty() {
            call = call.alarm_name_prefix(prefix);
        }
        let out = call
            .send()
            .await
            .map_err(|e| map_sdk_error("DescribeAlarms", e))?;
        alarms.extend(out.metric_alarms().iter().map(alarm));
        token = out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    alarms.sort_by(|a, b| a.state.cmp(&b.state).then_with(|| a.name.cmp(&b.name)));
    Ok(alarms)
}

/// One SDK alarm as a domain alarm (an unknown state counts as INSUFFICIENT_DATA).
pub fn alarm(a: &MetricAlarm) -> Alarm {
    Alarm {
        name: owned(a.alarm_name()),
        state: match a.state_value() {
            Some(StateValue::Alarm) => AlarmState::Alarm,
            Some(StateValue::Ok) => AlarmState::Ok,
            _ => AlarmState::InsufficientData,
        },
        reason: owned(a.state_reason()),
        namespace: opt(a.namespace()),
        metric_name: opt(a.metric_name()),
        threshold: a.threshold().filter(|t| t.is_finite()),
        updated_at: epoch(a.state_updated_timestamp()),
    }
}
