//! Cost Explorer through `cloud::aws`: `GetCostAndUsage` against moto (results seeded
//! through moto's `/moto-api/static/ce/cost-and-usage-results`, the request checked with
//! moto's recorder), the disk cache preventing a second paid request, the us-east-1 pin,
//! and `aws-smithy-mocks` for what moto lacks (`GetCostForecast`, `GetAnomalies`).

mod support;

use opsdeck::cloud::aws::{AwsClients, AwsCloud, AwsSettings, handle};
use opsdeck::cloud::{CostFilter, CostMetric, CostRead, CostUsageRequest, DAY, parse_ymd};
use opsdeck::cost_cache::CostCache;
use opsdeck::panes::cost::fetch::{self, CostAccess, CostFetch, CostQuery};
use serde_json::Value;
use support::moto;

/// moto's result queue and recorder are shared by the whole server: one test at a time.
static MOTO_CE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const GET_COST_AND_USAGE: &str = "AWSInsightsIndexService.GetCostAndUsage";

fn tag(value: &str) -> CostFilter {
    CostFilter::Tag {
        key: "Environment".into(),
        value: value.into(),
    }
}

/// Two days of cost by service, as Cost Explorer would answer the query.
fn seed_two_days() {
    let group = |service: &str, unblended: &str, amortized: &str| {
        format!(
            r#"{{"Keys":["{service}"],"Metrics":{{"UnblendedCost":{{"Amount":"{unblended}","Unit":"USD"}},"AmortizedCost":{{"Amount":"{amortized}","Unit":"USD"}}}}}}"#
        )
    };
    let day = |start: &str, end: &str, groups: &[String], estimated: bool| {
        format!(
            r#"{{"TimePeriod":{{"Start":"{start}","End":"{end}"}},"Total":{{}},"Groups":[{}],"Estimated":{estimated}}}"#,
            groups.join(",")
        )
    };
    let body = format!(
        r#"{{"results":[{{"GroupDefinitions":[{{"Type":"DIMENSION","Key":"SERVICE"}}],"ResultsByTime":[{},{}],"DimensionValueAttributes":[]}}]}}"#,
        day(
            "2026-09-01",
            "2026-09-02",
            &[
                group("EC2 - Other", "3.30", "3.30"),
                group("Amazon Relational Database Service", "4.00", "3.40")
            ],
            false
        ),
        day(
            "2026-09-02",
            "2026-09-03",
            &[group("EC2 - Other", "12.5", "12.5")],
            true
        ),
    );
    moto::post_json("/moto-api/static/ce/cost-and-usage-results", &body);
}

fn usage_request(value: &str) -> CostUsageRequest {
    let start = parse_ymd("2026-09-01").expect("date");
    CostUsageRequest {
        start,
        end: start + 2 * DAY,
        filter: tag(value),
    }
}

/// The Cost Explorer requests moto recorded whose body names the tag `value`.
fn recorded(target: &str, value: &str) -> Vec<(Value, Value)> {
    moto::get("/moto-api/recorder/download-recording")
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| {
            e["headers"]["X-Amz-Target"].as_str() == Some(target)
                || e["headers"]["x-amz-target"].as_str() == Some(target)
        })
        .filter_map(|e| {
            let raw = e["body"].as_str().unwrap_or_default();
            let text = if e["body_encoded"].as_bool() == Some(true) {
                String::from_utf8(base64_decode(raw)).ok()?
            } else {
                raw.to_owned()
            };
            let body: Value = serde_json::from_str(&text).ok()?;
            let tags = &body["Filter"]["Tags"]["Values"];
            (tags[0].as_str() == Some(value)).then(|| (body, e["headers"].clone()))
        })
        .collect()
}

fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let digits: Vec<u8> = s.bytes().filter_map(value).collect();
    let mut out = Vec::new();
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, d)| n | (u32::from(*d) << (18 - 6 * i)));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}

fn start_recording() {
    moto::post_json("/moto-api/recorder/reset-recording", "");
    moto::post_json("/moto-api/recorder/start-recording", "");
}

fn stop_recording() {
    moto::post_json("/moto-api/recorder/stop-recording", "");
}

async fn moto_cloud() -> AwsCloud {
    AwsCloud::from_clients(AwsClients::from_sdk_config(&moto::sdk_config().await, None))
}

#[tokio::test]
async fn cost_and_usage_groups_by_service_with_both_metrics() {
    let _guard = MOTO_CE.lock().await;
    let value = moto::unique("grouping");
    seed_two_days();
    start_recording();
    let usage = moto_cloud()
        .await
        .cost_and_usage(&usage_request(&value))
        .await
        .expect("GetCostAndUsage");
    stop_recording();

    assert_eq!(usage.requests, 1);
    assert_eq!(usage.unit, "USD");
    assert_eq!(usage.days.len(), 2, "{usage:?}");
    let first = &usage.days[0];
    assert_eq!(first.day, parse_ymd("2026-09-01").expect("date"));
    assert!(!first.estimated);
    assert!((first.total(CostMetric::Unblended) - 7.3).abs() < 1e-9);
    assert!((first.total(CostMetric::Amortized) - 6.7).abs() < 1e-9);
    assert!(usage.days[1].estimated);

    let sent = recorded(GET_COST_AND_USAGE, &value);
    assert_eq!(sent.len(), 1, "one request");
    let (body, _) = &sent[0];
    assert_eq!(
        body["GroupBy"],
        serde_json::json!([{"Type": "DIMENSION", "Key": "SERVICE"}])
    );
    assert_eq!(
        body["Metrics"],
        serde_json::json!(["UnblendedCost", "AmortizedCost"])
    );
    assert_eq!(body["Granularity"], "DAILY");
    assert_eq!(
        body["TimePeriod"],
        serde_json::json!({"Start": "2026-09-01", "End": "2026-09-03"})
    );
    assert_eq!(body["Filter"]["Tags"]["Key"], "Environment");
    assert_eq!(
        body["Filter"]["Tags"]["MatchOptions"],
        serde_json::json!(["EQUALS"])
    );
}

#[tokio::test]
async fn the_cache_prevents_a_second_paid_request_within_the_ttl() {
    let _guard = MOTO_CE.lock().await;
    let value = moto::unique("cache");
    seed_two_days();
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = CostCache::new(dir.path(), 6 * 3600);
    let cloud = moto_cloud().await;
    let fetch = CostFetch {
        query: CostQuery::Usage(usage_request(&value)),
        access: CostAccess::Paid,
    };
    let now = 1_790_000_000;
    start_recording();
    let first = fetch::run(&cloud, Some(&cache), "prod", &fetch, now)
        .await
        .expect("first");
    let second = fetch::run(&cloud, Some(&cache), "prod", &fetch, now + 3600)
        .await
        .expect("second");
    let other_env = fetch::run(&cloud, Some(&cache), "dev", &fetch, now + 3600)
        .await
        .expect("another environment's key");
    let after_ttl = fetch::run(&cloud, Some(&cache), "prod", &fetch, now + 6 * 3600)
        .await
        .expect("after the ttl");
    stop_recording();

    assert_eq!(first.requests_made, 1);
    assert_eq!(second.requests_made, 0, "answered from the cache");
    assert_eq!(second.stored_at, Some(now));
    assert_eq!(second.data, first.data);
    assert_eq!(other_env.requests_made, 1);
    assert_eq!(after_ttl.requests_made, 1);
    assert_eq!(
        recorded(GET_COST_AND_USAGE, &value).len(),
        3,
        "moto saw the first call, the other environment's and the one after the ttl"
    );
}

#[tokio::test]
async fn cost_explorer_is_called_in_us_east_1_whatever_the_region() {
    let _guard = MOTO_CE.lock().await;
    let value = moto::unique("region");
    let settings = AwsSettings {
        region: "eu-west-1".into(),
        ..moto::aws_settings()
    };
    let cloud = handle(settings, true);
    start_recording();
    cloud
        .read
        .cost_and_usage(&usage_request(&value))
        .await
        .expect("GetCostAndUsage");
    stop_recording();
    let sent = recorded(GET_COST_AND_USAGE, &value);
    assert_eq!(sent.len(), 1);
    let auth = sent[0].1["Authorization"]
        .as_str()
        .or_else(|| sent[0].1["authorization"].as_str())
        .unwrap_or_default()
        .to_owned();
    assert!(auth.contains("/us-east-1/ce/aws4_request"), "{auth}");
}

#[tokio::test]
async fn opsdeck_cost_uses_the_cache_and_prints_the_paid_requests() {
    let _guard = MOTO_CE.lock().await;
    let home = tempfile::tempdir().expect("tempdir");
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_opsdeck"))
            .args(["cost", "--env", "prod", "--endpoint-url", &moto::endpoint()])
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("AWS_ACCESS_KEY_ID", moto::ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", moto::SECRET_KEY)
            .env_remove("OPSDECK_CONFIG")
            .env_remove("AWS_PROFILE")
            .output()
            .expect("run opsdeck cost")
    };
    // Today's costs, whatever today is (moto returns the seeded result for the CLI's
    // 60-day request without evaluating its dates).
    let today = opsdeck::cloud::ymd(opsdeck::cloud::sim::wall_clock_now());
    let tomorrow = opsdeck::cloud::ymd(opsdeck::cloud::sim::wall_clock_now() + DAY);
    let group = |service: &str, amount: &str| {
        format!(
            r#"{{"Keys":["{service}"],"Metrics":{{"UnblendedCost":{{"Amount":"{amount}","Unit":"USD"}},"AmortizedCost":{{"Amount":"{amount}","Unit":"USD"}}}}}}"#
        )
    };
    moto::post_json(
        "/moto-api/static/ce/cost-and-usage-results",
        &format!(
            r#"{{"results":[{{"GroupDefinitions":[{{"Type":"DIMENSION","Key":"SERVICE"}}],"ResultsByTime":[{{"TimePeriod":{{"Start":"{today}","End":"{tomorrow}"}},"Total":{{}},"Groups":[{},{}],"Estimated":true}}],"DimensionValueAttributes":[]}}]}}"#,
            group("EC2 - Other", "3.30"),
            group("Amazon Relational Database Service", "4.00"),
        ),
    );
    let first = run();
    let out = String::from_utf8_lossy(&first.stdout);
    // moto answers GetCostAndUsage; GetCostForecast and GetAnomalies are not implemented.
    assert!(out.contains("month to date: $7.30 USD\n"), "{out}");
    let row = |service: &str, amount: f64, share: f64| {
        format!("  {service:<40} {amount:>10.2} {share:>4.0}%\n")
    };
    assert!(
        out.contains(&format!(
            "{}{}",
            row("Amazon Relational Database Service", 4.0, 4.0 / 7.3 * 100.0),
            row("EC2 - Other", 3.3, 3.3 / 7.3 * 100.0)
        )),
        "{out}"
    );
    assert!(
        out.contains("server error: GetCostForecast: HTTP 500"),
        "{out}"
    );
    assert!(
        out.contains("1 paid Cost Explorer requests made ($0.01)"),
        "{out}"
    );
    assert_eq!(
        first.status.code(),
        Some(2),
        "an unanswered question is a failure"
    );
    let second = run();
    let out = String::from_utf8_lossy(&second.stdout);
    assert!(
        out.contains("0 paid Cost Explorer requests made ($0.00)"),
        "{out}"
    );
    assert!(out.contains("cached answers from"), "{out}");
    let cached = std::fs::read_dir(home.path().join("cache/opsdeck/cost/prod"))
        .expect("cache dir")
        .count();
    assert_eq!(cached, 1, "only the answered question is cached");
}

/// Cost Explorer clients backed by `aws-smithy-mocks` (no `test-util` feature needed).
mod mocked {
    use aws_config::BehaviorVersion;
    use aws_credential_types::Credentials;
    use aws_sdk_costexplorer::Client;
    use aws_sdk_costexplorer::operation::get_anomalies::GetAnomaliesOutput;
    use aws_sdk_costexplorer::operation::get_cost_forecast::GetCostForecastOutput;
    use aws_sdk_costexplorer::types::{
        Anomaly, DateInterval, ForecastResult, Granularity, Impact, Metric, MetricValue, RootCause,
    };
    use aws_smithy_mocks::{
        MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock,
    };
    use aws_types::region::Region;
    use opsdeck::cloud::aws::{AwsClients, AwsCloud};
    use opsdeck::cloud::{
        CloudError, CostAnomalyRequest, CostFilter, CostForecastRequest, CostMetric, CostRead,
        parse_ymd,
    };

    fn cloud(rules: &[&Rule]) -> AwsCloud {
        let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
        for rule in rules {
            interceptor = interceptor.with_rule(rule);
        }
        let ce = aws_sdk_costexplorer::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("a", "b", None, None, "t"))
            .http_client(create_mock_http_client())
            .interceptor(interceptor)
            .build();
        AwsCloud::from_clients(AwsClients {
            costexplorer: Client::from_conf(ce),
            ..AwsClients::unreachable()
        })
    }

    fn day(s: &str) -> i64 {
        parse_ymd(s).expect("date")
    }

    #[tokio::test]
    async fn forecast_asks_for_the_rest_of_the_month_of_the_environment() {
        let rule = mock!(Client::get_cost_forecast)
            .match_requests(|r| {
                let period = r.time_period();
                period.map(|p| (p.start(), p.end())) == Some(("2026-09-15", "2026-10-01"))
                    && r.granularity() == Some(&Granularity::Monthly)
                    && r.metric() == Some(&Metric::AmortizedCost)
                    && r.prediction_interval_level() == Some(80)
                    && r.filter()
                        .and_then(|f| f.tags())
                        .is_some_and(|t| t.key() == Some("Environment") && t.values() == ["prod"])
            })
            .then_output(|| {
                GetCostForecastOutput::builder()
                    .total(MetricValue::builder().amount("406.25").unit("USD").build())
                    .forecast_results_by_time(
                        ForecastResult::builder()
                            .time_period(
                                DateInterval::builder()
                                    .start("2026-09-15")
                                    .end("2026-10-01")
                                    .build()
                                    .expect("interval"),
                            )
                            .mean_value("406.25")
                            .prediction_interval_lower_bound("380.5")
                            .prediction_interval_upper_bound("431")
                            .build(),
                    )
                    .build()
            });
        let forecast = cloud(&[&rule])
            .cost_forecast(&CostForecastRequest {
                start: day("2026-09-15"),
                end: day("2026-10-01"),
                metric: CostMetric::Amortized,
                filter: CostFilter::Tag {
                    key: "Environment".into(),
                    value: "prod".into(),
                },
            })
            .await
            .expect("forecast");
        assert_eq!(rule.num_calls(), 1);
        assert_eq!(forecast.mean, 406.25);
        assert_eq!(forecast.lower, Some(380.5));
        assert_eq!(forecast.upper, Some(431.0));
        assert_eq!(forecast.unit, "USD");
        assert_eq!(forecast.requests, 1);
    }

    #[tokio::test]
    async fn forecast_by_linked_account_filters_the_dimension() {
        let rule = mock!(Client::get_cost_forecast)
            .match_requests(|r| {
                r.filter().and_then(|f| f.dimensions()).is_some_and(|d| {
                    d.key().map(|k| k.as_str()) == Some("LINKED_ACCOUNT")
                        && d.values() == ["333333333333"]
                })
            })
            .then_output(|| {
                GetCostForecastOutput::builder()
                    .total(MetricValue::builder().amount("not a number").build())
                    .build()
            });
        let forecast = cloud(&[&rule])
            .cost_forecast(&CostForecastRequest {
                start: day("2026-09-15"),
                end: day("2026-10-01"),
                metric: CostMetric::Unblended,
                filter: CostFilter::LinkedAccount("333333333333".into()),
            })
            .await
            .expect("a garbled amount is zero, not a panic");
        assert_eq!(rule.num_calls(), 1);
        assert_eq!(forecast.mean, 0.0);
        assert_eq!(forecast.lower, None);
    }

    fn anomaly(id: &str, impact: f64, account: &str, usage_type: &str) -> Anomaly {
        Anomaly::builder()
            .anomaly_id(id)
            .anomaly_start_date("2026-09-06T00:00:00Z")
            .monitor_arn("arn:aws:ce::1:anomalymonitor/m")
            .impact(
                Impact::builder()
                    .total_impact(impact)
                    .max_impact(impact / 9.0)
                    .build(),
            )
            .root_causes(
                RootCause::builder()
                    .service("EC2 - Other")
                    .region("us-east-1")
                    .linked_account(account)
                    .usage_type(usage_type)
                    .build(),
            )
            .build()
            .expect("anomaly")
    }

    #[tokio::test]
    async fn anomalies_follow_pages_count_them_and_keep_the_account() {
        let page = |token: Option<&'static str>| {
            mock!(Client::get_anomalies).match_requests(move |r| {
                r.date_interval().map(|d| (d.start_date(), d.end_date()))
                    == Some(("2026-08-16", Some("2026-09-15")))
                    && r.next_page_token() == token
            })
        };
        let first = page(None).then_output(|| {
            GetAnomaliesOutput::builder()
                .anomalies(anomaly("a1", 30.0, "333333333333", "USE1-NatGateway-Bytes"))
                .next_page_token("p2")
                .build()
                .expect("output")
        });
        let second = page(Some("p2")).then_output(|| {
            GetAnomaliesOutput::builder()
                .anomalies(anomaly("a2", 81.0, "333333333333", "USE1-NatGateway-Bytes"))
                .anomalies(anomaly("other", 500.0, "111111111111", "USE1-BoxUsage"))
                .build()
                .expect("output")
        });
        let found = cloud(&[&first, &second])
            .cost_anomalies(&CostAnomalyRequest {
                start: day("2026-08-16"),
                end: day("2026-09-15"),
                account: Some("333333333333".into()),
            })
            .await
            .expect("anomalies");
        assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
        assert_eq!(found.requests, 2, "each page is a paid request");
        let ids: Vec<&str> = found.anomalies.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            ids,
            ["a2", "a1"],
            "biggest impact first, other accounts dropped"
        );
        let a = &found.anomalies[0];
        assert_eq!(a.start, Some(day("2026-09-06")));
        assert_eq!(a.end, None);
        assert_eq!(a.total_impact, 81.0);
        assert_eq!(a.root_service(), Some("EC2 - Other"));
        assert_eq!(
            a.root_causes[0].usage_type.as_deref(),
            Some("USE1-NatGateway-Bytes")
        );
    }

    #[tokio::test]
    async fn access_denied_is_reported_as_such() {
        let rule = mock!(Client::get_anomalies)
            .sequence()
            .http_status(
                400,
                Some(r#"{"__type":"AccessDeniedException","message":"not authorized to perform ce:GetAnomalies"}"#.into()),
            )
            .build();
        let result = cloud(&[&rule])
            .cost_anomalies(&CostAnomalyRequest {
                start: day("2026-08-16"),
                end: day("2026-09-15"),
                account: None,
            })
            .await;
        assert!(
            matches!(result, Err(CloudError::AccessDenied(ref m)) if m.contains("GetAnomalies")),
            "{result:?}"
        );
    }
}
