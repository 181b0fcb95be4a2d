//! AWS's own aggregation, against moto: Security Hub findings read from an aggregation
//! region (`findings_region`) hold every member account's findings, filterable by account
//! (`AwsAccountId` sent as an API filter, and applied locally where an endpoint ignores
//! filters, as moto does); CloudWatch read as a monitoring account sends the source
//! account's `AccountId` in every query of the one `GetMetricData` request.

mod support;

use aws_sdk_securityhub::types::{AwsSecurityFinding, Resource, Severity, SeverityLabel};
use aws_types::region::Region;
use opsdeck::cloud::aws::{AwsCloud, ReadElsewhere};
use opsdeck::cloud::security_filter::FindingFilters;
use opsdeck::cloud::{MetricsRead, SecurityRead};
use opsdeck::config::Config;
use opsdeck::panes::dashboard::query::{DashboardTargets, TimeRange, dashboard_request};
use support::moto;
use support::proxy::Proxy;

/// The aggregation region, other than the environment's (moto's `us-east-1`).
const AGGREGATION_REGION: &str = "eu-west-1";
const MEMBERS: [&str; 2] = ["111111111111", "222222222222"];

fn finding(i: usize, account: &str, region: &str) -> AwsSecurityFinding {
    AwsSecurityFinding::builder()
        .schema_version("2018-10-08")
        .id(format!("agg-{account}-{i}"))
        .product_arn(format!(
            "arn:aws:securityhub:{region}:{account}:product/{account}/default"
        ))
        .generator_id("opsdeck-aggregation")
        .aws_account_id(account)
        .region(region)
        .types("Software and Configuration Checks/Vulnerabilities/CVE")
        .created_at("2026-09-01T00:00:00Z")
        .updated_at("2026-09-01T01:00:00Z")
        .severity(Severity::builder().label(SeverityLabel::High).build())
        .title(format!("member finding {i}"))
        .description("seeded by opsdeck's aggregation test")
        .resources(
            Resource::builder()
                .r#type("AwsEcsTask")
                .id(format!("task-{account}-{i}"))
                .build(),
        )
        .build()
}

/// Findings of both member accounts imported into the aggregation region only.
async fn seed_aggregation_region() {
    let config = moto::sdk_config().await;
    let hub = aws_sdk_securityhub::Client::from_conf(
        aws_sdk_securityhub::config::Builder::from(&config)
            .region(Region::new(AGGREGATION_REGION))
            .build(),
    );
    hub.enable_security_hub()
        .send()
        .await
        .expect("EnableSecurityHub");
    let all: Vec<AwsSecurityFinding> = MEMBERS
        .iter()
        .flat_map(|a| (0..3).map(move |i| finding(i, a, "eu-west-1")))
        .collect();
    let out = hub
        .batch_import_findings()
        .set_findings(Some(all))
        .send()
        .await
        .expect("BatchImportFindings");
    assert_eq!(out.failed_count(), Some(0), "{out:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn findings_come_from_the_aggregation_region_with_every_member_account() {
    seed_aggregation_region().await;
    let proxy = Proxy::start(&moto::endpoint(), None);
    let mut settings = moto::aws_settings();
    settings.endpoint_url = Some(proxy.url.clone());
    // Without the aggregation region: the environment's own region has none of them.
    let own = AwsCloud::new(settings.clone())
        .security_findings(&FindingFilters::default())
        .await
        .expect("own region");
    assert!(
        own.iter().all(|f| !f.id.starts_with("agg-")),
        "the members' findings live in the aggregation region only"
    );
    settings.findings = ReadElsewhere::of(Some(AGGREGATION_REGION), None);
    let cloud = AwsCloud::new(settings);
    let all = cloud
        .security_findings(&FindingFilters::default())
        .await
        .expect("aggregated");
    let ours: Vec<_> = all.iter().filter(|f| f.id.starts_with("agg-")).collect();
    assert_eq!(ours.len(), 6, "both members' findings in one read");
    let mut accounts: Vec<&str> = ours.iter().map(|f| f.account.as_str()).collect();
    accounts.sort_unstable();
    accounts.dedup();
    assert_eq!(accounts, MEMBERS);
    // Filtering by a member account: sent as the API's AwsAccountId filter …
    let filters = FindingFilters {
        accounts: vec![MEMBERS[1].to_string()],
        ..FindingFilters::default()
    };
    let answer = cloud.security_findings(&filters).await.expect("filtered");
    let bodies = proxy.bodies("POST /findings");
    let last: serde_json::Value =
        serde_json::from_str(bodies.last().expect("a GetFindings")).expect("json");
    assert_eq!(
        last["Filters"]["AwsAccountId"][0]["Value"], MEMBERS[1],
        "{last}"
    );
    // … and applied locally too (moto ignores Filters; the pane shows what matches).
    let shown: Vec<_> = answer
        .iter()
        .filter(|f| f.id.starts_with("agg-") && filters.matches(f))
        .collect();
    assert_eq!(shown.len(), 3);
    assert!(shown.iter().all(|f| f.account == MEMBERS[1]));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_monitoring_account_names_the_source_account_in_every_query() {
    let config = Config::default();
    let mut env = config.environment("prod").cloned().expect("prod");
    env.account_id = Some("333333333333".into());
    env.monitoring_account = Some("999999999999".into());
    let targets = DashboardTargets::for_env(&env, Some("app/cloudplatform-prod-alb/abc".into()));
    let request = dashboard_request(&targets, TimeRange::H1, 1_788_220_800);
    assert_eq!(request.account_id.as_deref(), Some("333333333333"));
    let proxy = Proxy::start(&moto::endpoint(), None);
    let mut settings = moto::aws_settings();
    settings.endpoint_url = Some(proxy.url.clone());
    settings.metrics = Some(ReadElsewhere::default());
    let cloud = AwsCloud::new(settings);
    // moto answers GetMetricData over its CBOR protocol with 404 (see the testing guide):
    // the request's shape is what is checked here, the answer does not matter.
    let _ = cloud.get_metric_data(&request).await;
    let sent = proxy.requests();
    let metric_data: Vec<_> = sent
        .iter()
        .filter(|r| r.path.contains("GetMetricData"))
        .collect();
    assert_eq!(metric_data.len(), 1, "one GetMetricData request");
    // CBOR keeps map keys and text values as UTF-8: they read as text in the body.
    let text = &metric_data[0].body;
    let queries = text.matches("AccountId").count();
    assert_eq!(
        queries,
        request.queries.len(),
        "every query names the source account"
    );
    assert!(text.contains("333333333333"));
    // Without a monitoring account no AccountId is sent.
    env.monitoring_account = None;
    let plain = dashboard_request(
        &DashboardTargets::for_env(&env, Some("app/cloudplatform-prod-alb/abc".into())),
        TimeRange::H1,
        1_788_220_800,
    );
    assert_eq!(plain.account_id, None);
}
