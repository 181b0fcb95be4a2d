//! The incident's impact in numbers: requests, 5xx responses and their rate, and the
//! worst minute's p99 latency from one `GetMetricData` over the incident window; error
//! lines from one Logs Insights count. A number that could not be read says why.

use std::time::Duration;

use crate::cloud::{
    CloudRead, InsightsQuery, MetricDataRequest, MetricQuery, MetricStat, QueryKind, Window,
    alb_dimension, run_query,
};
use crate::config::Environment;
use crate::panes::dashboard::query::{AlbLookup, alb_lookup};

/// The numbers, each read or the reason it is unknown.
#[derive(Debug, Clone, PartialEq)]
pub struct Impact {
    pub requests: Result<f64, String>,
    pub errors_5xx: Result<f64, String>,
    pub p99_worst_ms: Result<f64, String>,
    pub log_errors: Result<f64, String>,
}

/// The Logs Insights query that counts error lines.
pub const ERROR_COUNT_QUERY: &str =
    "filter @message like /(?i)(error|exception|traceback)/ | stats count(*) as errors";

fn stat(dim: &str, metric: &str, stat: &str, id: &str) -> MetricQuery {
    MetricQuery {
        id: id.into(),
        label: metric.into(),
        kind: QueryKind::Metric(MetricStat {
            namespace: "AWS/ApplicationELB".into(),
            metric_name: metric.into(),
            dimensions: vec![("LoadBalancer".into(), dim.into())],
            stat: stat.into(),
        }),
        return_data: true,
    }
}

/// Measure the impact over `window`.
pub async fn measure(
    read: &dyn CloudRead,
    env: &Environment,
    project: &str,
    window: Window,
) -> Impact {
    let metrics = async {
        let dim = match alb_lookup(env, project) {
            AlbLookup::Known(d) => d,
            AlbLookup::ByName(name) => match read.find_load_balancer(&name).await {
                Ok(Some(arn)) => alb_dimension(&arn)
                    .ok_or_else(|| format!("load balancer {arn}: no dimension"))?,
                Ok(None) => return Err(format!("load balancer {name} not found")),
                Err(e) => return Err(format!("DescribeLoadBalancers {name}: {e}")),
            },
        };
        let start = window.since - window.since.rem_euclid(60);
        let request = MetricDataRequest {
            queries: vec![
                stat(&dim, "RequestCount", "Sum", "requests"),
                stat(&dim, "HTTPCode_Target_5XX_Count", "Sum", "errors"),
                stat(&dim, "TargetResponseTime", "p99", "p99"),
            ],
            start,
            end: window.until.max(start + 60),
            period: 60,
            account_id: env.monitoring_account.as_ref().and(env.account_id.clone()),
        };
        read.get_metric_data(&request)
            .await
            .map_err(|e| format!("GetMetricData: {e}"))
    }
    .await;
    let sum = |id: &str| -> Result<f64, String> {
        let data = metrics.as_ref().map_err(Clone::clone)?;
        let s = data
            .get(id)
            .ok_or_else(|| format!("GetMetricData returned no {id} series"))?;
        Ok(s.points.iter().map(|(_, v)| v).sum())
    };
    let p99 = metrics.as_ref().map_err(Clone::clone).and_then(|d| {
        let s = d.get("p99").ok_or("GetMetricData returned no p99 series")?;
        s.points
            .iter()
            .map(|(_, v)| v * 1000.0)
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
            .ok_or_else(|| "no p99 data points in the window".to_string())
    });
    let log_errors = if env.log_groups.is_empty() {
        Err("no log groups configured".to_string())
    } else {
        let q = InsightsQuery {
            log_groups: env.log_groups.clone(),
            query: ERROR_COUNT_QUERY.into(),
            start: window.since,
            end: window.until,
            limit: Some(1),
        };
        match run_query(read, &q, Duration::from_secs(60)).await {
            Ok(r) => r
                .rows
                .first()
                .and_then(|row| row.iter().find(|(k, _)| k == "errors"))
                .and_then(|(_, v)| v.parse::<f64>().ok())
                .ok_or_else(|| {
                    "Logs Insights returned no count (the endpoint computes no statistics)"
                        .to_string()
                }),
            Err(e) => Err(format!("Logs Insights: {e}")),
        }
    };
    Impact {
        requests: sum("requests"),
        errors_5xx: sum("errors"),
        p99_worst_ms: p99,
        log_errors,
    }
}
