//! `cloud::aws` metrics, alarms, the recent-errors query and the ALB lookup.
//!
//! CloudWatch: the current SDK speaks Smithy RPC v2 CBOR, which moto 5.2.5 does not serve
//! (see `../shared/guide/testing.md`), so GetMetricData and DescribeAlarms are tested with
//! `aws-smithy-mocks`, asserting the request the dashboard builds (one call per refresh
//! carrying every query, p99 as a percentile stat, metric math). Logs Insights and ELBv2
//! run against moto.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::operation::get_metric_data::{GetMetricDataError, GetMetricDataOutput};
use aws_sdk_cloudwatch::types::{MetricAlarm, MetricDataResult, StateValue, StatusCode};
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use aws_smithy_types::DateTime;
use aws_smithy_types::error::ErrorMetadata;
use aws_types::region::Region;
use opsdeck::cloud::aws::{AwsClients, AwsCloud};
use opsdeck::cloud::{AlarmState, CloudError, MetricsRead};
use opsdeck::config::Config;
use opsdeck::panes::dashboard::query::{DashboardTargets, TimeRange, dashboard_queries, ids};
use opsdeck::panes::dashboard::sources::{DashboardFetched, DashboardSource, fetch as run_fetch};
use opsdeck::panes::dashboard::state::MetricsKey;
use support::moto;

fn cloudwatch(rules: &[&Rule]) -> AwsCloud {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for rule in rules {
        interceptor = interceptor.with_rule(rule);
    }
    let conf = aws_sdk_cloudwatch::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("a", "b", None, None, "t"))
        .http_client(create_mock_http_client())
        .interceptor(interceptor)
        .build();
    AwsCloud::from_clients(AwsClients {
        cloudwatch: Client::from_conf(conf),
        ..AwsClients::unreachable()
    })
}

fn prod() -> opsdeck::config::Environment {
    Config::default()
        .environment("prod")
        .cloned()
        .expect("prod")
}

fn result(id: &str, times: &[i64], values: &[f64]) -> MetricDataResult {
    MetricDataResult::builder()
        .id(id)
        .label(id)
        .set_timestamps(Some(
            times.iter().map(|t| DateTime::from_secs(*t)).collect(),
        ))
        .set_values(Some(values.to_vec()))
        .status_code(StatusCode::Complete)
        .build()
}

#[tokio::test]
async fn one_get_metric_data_per_refresh_with_every_query() {
    let key = MetricsKey {
        range: TimeRange::H1,
        load_balancer: Some("app/cloudplatform-prod-alb/abc".into()),
    };
    let expected = dashboard_queries(&DashboardTargets::for_env(
        &prod(),
        key.load_balancer.clone(),
    ))
    .len();
    let seen = Arc::new(AtomicUsize::new(0));
    let seen_in = Arc::clone(&seen);
    let rule = mock!(Client::get_metric_data)
        .match_requests(move |r| {
            let qs = r.metric_data_queries();
            let p99 = qs.iter().find(|q| q.id() == Some(ids::P99));
            let pct = qs.iter().find(|q| q.id() == Some(ids::E5XX_PCT));
            let ok = qs.len() == expected
                && p99
                    .and_then(|q| q.metric_stat())
                    .is_some_and(|s| s.stat() == Some("p99") && s.period() == Some(60))
                && p99
                    .and_then(|q| q.metric_stat())
                    .and_then(|s| s.metric())
                    .is_some_and(|m| {
                        m.metric_name() == Some("TargetResponseTime")
                            && m.dimensions().iter().any(|d| {
                                d.name() == Some("LoadBalancer")
                                    && d.value() == Some("app/cloudplatform-prod-alb/abc")
                            })
                    })
                && pct.and_then(|q| q.expression()) == Some("IF(req > 0, 100 * e5xx / req, 0)")
                && r.end_time()
                    .zip(r.start_time())
                    .is_some_and(|(e, s)| e.secs() - s.secs() == 3_600);
            if ok {
                seen_in.fetch_add(1, Ordering::SeqCst);
            }
            ok
        })
        .then_output(|| {
            GetMetricDataOutput::builder()
                // Unsorted, a NaN, and more values than timestamps: all tolerated.
                .metric_data_results(result(ids::P99, &[120, 60], &[3.2, f64::NAN, 9.0]))
                .metric_data_results(result(ids::E5XX_PCT, &[60], &[12.5]))
                .metric_data_results(MetricDataResult::builder().build())
                .build()
        });
    let cloud = cloudwatch(&[&rule]);
    let fetched = run_fetch(&cloud, &prod(), DashboardSource::Metrics(key)).await;
    let DashboardFetched::Metrics(_, Ok(data)) = fetched else {
        panic!("{fetched:?}");
    };
    assert_eq!(rule.num_calls(), 1, "exactly one GetMetricData per refresh");
    assert_eq!(
        seen.load(Ordering::SeqCst),
        1,
        "the request carried every query"
    );
    assert_eq!(
        data.get(ids::P99).map(|s| s.points.clone()),
        Some(vec![(120, 3.2)])
    );
    assert_eq!(data.latest(ids::E5XX_PCT), Some(12.5));
    assert_eq!(data.period, 60);
}

#[tokio::test]
async fn pages_are_followed_and_merged() {
    let rule = mock!(Client::get_metric_data)
        .sequence()
        .output(|| {
            GetMetricDataOutput::builder()
                .metric_data_results(result(ids::RDS_FREE, &[60], &[4e9]))
                .next_token("page2")
                .build()
        })
        .output(|| {
            GetMetricDataOutput::builder()
                .metric_data_results(result(ids::RDS_FREE, &[120], &[3e9]))
                .build()
        })
        .build();
    let cloud = cloudwatch(&[&rule]);
    let key = MetricsKey {
        range: TimeRange::M15,
        load_balancer: None,
    };
    let DashboardFetched::Metrics(_, Ok(data)) =
        run_fetch(&cloud, &prod(), DashboardSource::Metrics(key)).await
    else {
        panic!("fetch failed");
    };
    assert_eq!(rule.num_calls(), 2);
    assert_eq!(data.latest(ids::RDS_FREE), Some(3e9));
    assert_eq!(data.get(ids::RDS_FREE).map(|s| s.points.len()), Some(2));
}

#[tokio::test]
async fn throttling_is_mapped() {
    let rule = mock!(Client::get_metric_data).then_error(|| {
        GetMetricDataError::generic(
            ErrorMetadata::builder()
                .code("ThrottlingException")
                .message("Rate exceeded")
                .build(),
        )
    });
    let cloud = cloudwatch(&[&rule]);
    let req = opsdeck::panes::dashboard::query::dashboard_request(
        &DashboardTargets::for_env(&prod(), None),
        TimeRange::H1,
        1_000_000,
    );
    let err = cloud.get_metric_data(&req).await.unwrap_err();
    assert!(matches!(err, CloudError::Throttled(_)), "{err:?}");
}

#[tokio::test]
async fn alarms_come_alarm_first_and_tolerate_missing_fields() {
    let rule = mock!(Client::describe_alarms)
        .match_requests(|r| r.alarm_name_prefix() == Some("cloudplatform-prod-"))
        .then_output(|| {
            aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput::builder()
                .metric_alarms(
                    MetricAlarm::builder()
                        .alarm_name("cloudplatform-prod-a-ok")
                        .state_value(StateValue::Ok)
                        .build(),
                )
                .metric_alarms(
                    MetricAlarm::builder()
                        .alarm_name("cloudplatform-prod-z-5xx")
                        .state_value(StateValue::Alarm)
                        .state_reason("Threshold Crossed")
                        .threshold(10.0)
                        .build(),
                )
                .metric_alarms(MetricAlarm::builder().build())
                .build()
        });
    let cloud = cloudwatch(&[&rule]);
    let alarms = cloud
        .describe_alarms("cloudplatform-prod-")
        .await
        .expect("alarms");
    assert_eq!(alarms.len(), 3);
    assert_eq!(alarms[0].state, AlarmState::Alarm);
    assert_eq!(alarms[0].name, "cloudplatform-prod-z-5xx");
    assert_eq!(alarms[0].threshold, Some(10.0));
    assert_eq!(
        alarms[1].state,
        AlarmState::InsufficientData,
        "no state: unknown"
    );
}

async fn moto_cloud() -> AwsCloud {
    AwsCloud::from_clients(AwsClients::from_sdk_config(&moto::sdk_config().await, None))
}

#[tokio::test]
async fn recent_errors_query_runs_against_moto() {
    let group = format!("/ecs/{}/fastapi", moto::unique("dash"));
    let now = opsdeck::cloud::sim::wall_clock_now();
    support::logs::group_with_line(&group, "ERROR boom", now - 60).await;
    let cloud = moto_cloud().await;
    let rows = cloud
        .recent_errors(&[group], now - 3_600, now + 60)
        .await
        .expect("query");
    assert!(rows.iter().any(|r| r.message == "ERROR boom"), "{rows:?}");
    assert!(rows.iter().all(|r| !r.timestamp.is_empty()), "{rows:?}");
    assert!(
        cloud
            .recent_errors(&[], 0, 1)
            .await
            .expect("empty")
            .is_empty()
    );
}

#[tokio::test]
async fn load_balancer_lookup_against_moto() {
    let config = moto::sdk_config().await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.9.0.0/16")
        .send()
        .await
        .expect("vpc");
    let vpc_id = vpc
        .vpc()
        .and_then(|v| v.vpc_id())
        .expect("vpc id")
        .to_string();
    let mut subnets = Vec::new();
    for (cidr, az) in [("10.9.1.0/24", "us-east-1a"), ("10.9.2.0/24", "us-east-1b")] {
        let s = ec2
            .create_subnet()
            .vpc_id(&vpc_id)
            .cidr_block(cidr)
            .availability_zone(az)
            .send()
            .await
            .expect("subnet");
        subnets.push(
            s.subnet()
                .and_then(|s| s.subnet_id())
                .expect("subnet id")
                .to_string(),
        );
    }
    let name = moto::unique("alb");
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&config);
    elb.create_load_balancer()
        .name(&name)
        .set_subnets(Some(subnets))
        .send()
        .await
        .expect("create alb");
    let cloud = moto_cloud().await;
    let arn = cloud.find_load_balancer(&name).await.expect("lookup");
    let dim = arn.as_deref().and_then(opsdeck::cloud::alb_dimension);
    assert!(
        dim.as_deref()
            .is_some_and(|d| d.starts_with(&format!("app/{name}/"))),
        "{arn:?}"
    );
    assert_eq!(
        cloud
            .find_load_balancer("no-such-alb")
            .await
            .expect("missing is not an error"),
        None
    );
}

/// The recent-errors widget asks Logs Insights only for the window since its last answer
/// (with the overlap), and keeps the rows found before.
#[tokio::test]
async fn recent_errors_refresh_queries_only_the_new_part_of_the_window() {
    use opsdeck::cloud::insights_window::OVERLAP_SECONDS;
    use support::proxy::Proxy;
    let group = format!("/ecs/{}/fastapi", moto::unique("incr"));
    let now = opsdeck::cloud::sim::wall_clock_now();
    support::logs::group_with_line(&group, "ERROR first", now - 600).await;
    let proxy = Proxy::start(&moto::endpoint(), None);
    let cloud = AwsCloud::from_clients(AwsClients::from_sdk_config(
        &moto::sdk_config_at(&proxy.url).await,
        None,
    ));
    let first = cloud
        .recent_errors(std::slice::from_ref(&group), now - 3_600, now)
        .await
        .expect("first");
    assert!(!first.incremental);
    assert_eq!(first.queried_from, now - 3_600);
    assert!(
        first.iter().any(|r| r.message == "ERROR first"),
        "{first:?}"
    );
    support::logs::stream_with_line(&group, "web/2", "ERROR second", now + 30).await;
    let second = cloud
        .recent_errors(std::slice::from_ref(&group), now - 3_540, now + 60)
        .await
        .expect("second");
    assert!(second.incremental);
    assert_eq!(second.queried_from, now - OVERLAP_SECONDS);
    let starts: Vec<serde_json::Value> = proxy
        .bodies("StartQuery")
        .iter()
        .map(|b| serde_json::from_str(b).expect("json"))
        .collect();
    assert_eq!(starts.len(), 2, "{starts:?}");
    assert_eq!(starts[0]["startTime"], now - 3_600);
    assert_eq!(
        starts[1]["startTime"],
        now - OVERLAP_SECONDS,
        "only the new part"
    );
    assert_eq!(starts[1]["endTime"], now + 60);
    let messages: Vec<&str> = second.iter().map(|r| r.message.as_str()).collect();
    assert!(
        messages.contains(&"ERROR first") && messages.contains(&"ERROR second"),
        "the old row is kept, the new one merged: {messages:?}"
    );
    assert_eq!(
        messages.iter().filter(|m| **m == "ERROR second").count(),
        1,
        "no duplicates"
    );
}
