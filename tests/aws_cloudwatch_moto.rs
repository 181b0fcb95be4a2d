//! CloudWatch against moto as well as the mocks: the current SDK speaks Smithy RPC v2
//! CBOR, which moto 5.2.5 does not, so these tests go through the harness's CBOR↔JSON
//! translator (`support::cbor_cloudwatch`, driven by the botocore model in moto's venv).
//! The dashboard's own `GetMetricData` request (percentile statistics left out: moto
//! answers them with a 500, they stay on the mocks in `aws_metrics.rs`) and
//! `DescribeAlarms` run against moto's CloudWatch.

mod support;

use std::sync::Arc;

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{
    ComparisonOperator, Dimension, MetricDatum, StateValue, Statistic,
};
use opsdeck::cloud::aws::{AwsClients, AwsCloud};
use opsdeck::cloud::{AlarmState, MetricDataRequest, MetricsRead, QueryKind};
use opsdeck::config::Config;
use opsdeck::panes::dashboard::query::{DashboardTargets, dashboard_queries, ids};
use support::cbor_cloudwatch::CborCloudWatch;
use support::moto;
use support::proxy::Proxy;

/// A translator in front of moto; the SDK config and opsdeck's cloud pointed at it.
async fn through_translator() -> (Proxy, aws_sdk_cloudwatch::Client, AwsCloud) {
    let t = CborCloudWatch::from_venv(&moto::venv()).expect("botocore CloudWatch model");
    let proxy = Proxy::with_transform(&moto::endpoint(), None, Arc::new(t));
    let conf = moto::sdk_config_at(&proxy.url).await;
    let client = aws_sdk_cloudwatch::Client::new(&conf);
    let cloud = AwsCloud::from_clients(AwsClients::from_sdk_config(&conf, None));
    (proxy, client, cloud)
}

fn dim(name: &str, value: &str) -> Dimension {
    Dimension::builder().name(name).value(value).build()
}

#[tokio::test]
async fn the_dashboards_get_metric_data_reads_what_was_put() {
    let (proxy, cw, cloud) = through_translator().await;
    let mut env = Config::default()
        .environment("prod")
        .cloned()
        .expect("prod");
    // Names of their own, so parallel tests and earlier data do not mix in.
    env.cluster = moto::unique("cluster");
    env.service = moto::unique("svc");
    let now = opsdeck::cloud::sim::wall_clock_now();
    let minute = now - now % 60;
    for (metric, values) in [
        ("CPUUtilization", [41.0, 47.0]),
        ("MemoryUtilization", [63.0, 65.0]),
    ] {
        for (i, v) in values.iter().enumerate() {
            cw.put_metric_data()
                .namespace("AWS/ECS")
                .metric_data(
                    MetricDatum::builder()
                        .metric_name(metric)
                        .dimensions(dim("ClusterName", &env.cluster))
                        .dimensions(dim("ServiceName", &env.service))
                        .timestamp(DateTime::from_secs(minute - 180 + 60 * i as i64))
                        .value(*v)
                        .build(),
                )
                .send()
                .await
                .expect("PutMetricData");
        }
    }
    // The dashboard's queries minus what moto cannot answer (percentiles, metric math).
    let queries: Vec<_> = dashboard_queries(&DashboardTargets::for_env(&env, None))
        .into_iter()
        .filter(|q| match &q.kind {
            QueryKind::Metric(m) => !m.stat.starts_with('p'),
            QueryKind::Expression(_) => false,
        })
        .map(|mut q| {
            q.return_data = true;
            q
        })
        .collect();
    assert!(queries.iter().any(|q| q.id == ids::ECS_CPU), "{queries:?}");
    let data = cloud
        .get_metric_data(&MetricDataRequest {
            queries,
            start: minute - 3600,
            end: minute + 60,
            period: 60,
            account_id: None,
        })
        .await
        .expect("GetMetricData through the translator");
    assert_eq!(
        data.get(ids::ECS_CPU).map(|s| s.points.clone()),
        Some(vec![(minute - 180, 41.0), (minute - 120, 47.0)])
    );
    assert_eq!(data.latest(ids::ECS_MEM), Some(65.0));
    // A metric nobody put is an empty series, not a zero.
    assert_eq!(data.latest(ids::RDS_CPU), None);
    assert_eq!(proxy.count("GetMetricData"), 1, "one request per refresh");
}

#[tokio::test]
async fn describe_alarms_reads_states_from_moto() {
    let (_proxy, cw, cloud) = through_translator().await;
    let prefix = moto::unique("alarms");
    for (name, metric) in [
        ("ecs-cpu-high", "CPUUtilization"),
        ("alb-5xx", "HTTPCode_ELB_5XX_Count"),
    ] {
        cw.put_metric_alarm()
            .alarm_name(format!("{prefix}-{name}"))
            .namespace("AWS/ECS")
            .metric_name(metric)
            .statistic(Statistic::Average)
            .period(60)
            .evaluation_periods(3)
            .threshold(80.0)
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .send()
            .await
            .expect("PutMetricAlarm");
    }
    cw.set_alarm_state()
        .alarm_name(format!("{prefix}-alb-5xx"))
        .state_value(StateValue::Alarm)
        .state_reason("Threshold Crossed: 3 datapoints were greater than the threshold (80.0)")
        .send()
        .await
        .expect("SetAlarmState");
    let alarms = cloud
        .describe_alarms(&prefix)
        .await
        .expect("DescribeAlarms");
    assert_eq!(alarms.len(), 2, "{alarms:?}");
    assert_eq!(alarms[0].name, format!("{prefix}-alb-5xx"), "ALARM first");
    assert_eq!(alarms[0].state, AlarmState::Alarm);
    assert!(alarms[0].reason.contains("Threshold Crossed"), "{alarms:?}");
    assert_eq!(alarms[1].state, AlarmState::Ok);
    assert_eq!(alarms[1].threshold, Some(80.0));
    assert!(alarms.iter().all(|a| a.updated_at.is_some()), "{alarms:?}");
    assert!(
        cloud
            .describe_alarms(&moto::unique("none"))
            .await
            .expect("no alarms")
            .is_empty()
    );
}
