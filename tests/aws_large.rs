//! Large data stays true, against moto: 500 ECS services and 250 tasks in one cluster, and
//! 10,005 Security Hub findings (one page more than the old cap of 100 pages), every one
//! read, with the requests counted per operation by the recording proxy.
//!
//! moto answers `ListServices`/`ListTasks` with every ARN at once (it ignores `maxResults`),
//! so one test shows that and the others page through [`EcsPages`], which cuts moto's
//! answers into pages of `maxResults` with a `nextToken` as ECS does. Security Hub pages
//! for real in moto (`GetFindings`, 100 a page).
//!
//! Seeding happens once per binary (`OnceCell`); this binary alone touches Security Hub,
//! so the findings in moto are exactly the 10,005 seeded here.

mod support;

use std::sync::Arc;
use std::time::Instant;

use aws_sdk_ecs::types::{
    AwsVpcConfiguration, Compatibility, ContainerDefinition, LaunchType, NetworkConfiguration,
    NetworkMode,
};
use aws_sdk_securityhub::types::{AwsSecurityFinding, Resource, Severity, SeverityLabel};
use futures::StreamExt;
use opsdeck::cloud::aws::{AwsClients, AwsCloud};
use opsdeck::cloud::{EcsRead, SecurityRead};
use serde_json::Value;
use support::ecs_pages::EcsPages;
use support::moto;
use support::proxy::Proxy;
use tokio::sync::OnceCell;

const SERVICES: usize = 500;
const TASKS: usize = 250;
const FINDINGS: usize = 10_005;
/// `GetFindings` as opsdeck asks for it: 100 a page.
const FINDINGS_PAGE: usize = 100;
/// The Security Hub operation as the proxy names it (REST JSON: method and path).
const GET_FINDINGS: &str = "POST /findings";

struct EcsSeed {
    cluster: String,
    /// Every service name, sorted.
    services: Vec<String>,
}

static ECS: OnceCell<EcsSeed> = OnceCell::const_new();
static HUB: OnceCell<()> = OnceCell::const_new();

/// One cluster with [`SERVICES`] services (no tasks of their own) and [`TASKS`] RUNNING
/// Fargate tasks (RunTask, 10 a call).
async fn ecs_seed() -> &'static EcsSeed {
    ECS.get_or_init(|| async {
        let started = Instant::now();
        let config = moto::sdk_config().await;
        let ec2 = aws_sdk_ec2::Client::new(&config);
        let ecs = aws_sdk_ecs::Client::new(&config);
        let name = moto::unique("large");
        let cluster = format!("{name}-cluster");
        ecs.create_cluster()
            .cluster_name(&cluster)
            .send()
            .await
            .expect("CreateCluster");
        ecs.register_task_definition()
            .family(&name)
            .network_mode(NetworkMode::Awsvpc)
            .requires_compatibilities(Compatibility::Fargate)
            .cpu("256")
            .memory("512")
            .container_definitions(
                ContainerDefinition::builder()
                    .name("app")
                    .image("nginx:1.27")
                    .memory(512)
                    .build(),
            )
            .send()
            .await
            .expect("RegisterTaskDefinition");
        let services: Vec<String> = (0..SERVICES)
            .map(|i| format!("{name}-svc-{i:03}"))
            .collect();
        let created: Vec<_> = futures::stream::iter(services.iter())
            .map(|s| {
                ecs.create_service()
                    .cluster(&cluster)
                    .service_name(s)
                    .task_definition(&name)
                    .desired_count(0)
                    .send()
            })
            .buffer_unordered(8)
            .collect()
            .await;
        for c in created {
            c.expect("CreateService");
        }
        // Tasks need an awsvpc network in a VPC with DNS hostnames (testing.md recipe).
        let vpc = ec2
            .create_vpc()
            .cidr_block("10.1.0.0/16")
            .send()
            .await
            .expect("CreateVpc");
        let vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).expect("vpc id");
        ec2.modify_vpc_attribute()
            .vpc_id(vpc_id)
            .enable_dns_hostnames(
                aws_sdk_ec2::types::AttributeBooleanValue::builder()
                    .value(true)
                    .build(),
            )
            .send()
            .await
            .expect("ModifyVpcAttribute");
        let subnet = ec2
            .create_subnet()
            .vpc_id(vpc_id)
            .cidr_block("10.1.0.0/20")
            .availability_zone("us-east-1a")
            .send()
            .await
            .expect("CreateSubnet");
        let subnet_id = subnet.subnet().and_then(|s| s.subnet_id()).expect("subnet");
        let sg = ec2
            .create_security_group()
            .group_name(&name)
            .description("opsdeck large test")
            .vpc_id(vpc_id)
            .send()
            .await
            .expect("CreateSecurityGroup");
        let network = NetworkConfiguration::builder()
            .awsvpc_configuration(
                AwsVpcConfiguration::builder()
                    .subnets(subnet_id)
                    .security_groups(sg.group_id().expect("sg id"))
                    .build()
                    .expect("awsvpc"),
            )
            .build();
        for _ in 0..TASKS / 10 {
            let run = ecs
                .run_task()
                .cluster(&cluster)
                .task_definition(&name)
                .count(10)
                .launch_type(LaunchType::Fargate)
                .network_configuration(network.clone())
                .started_by(format!("ecs-svc/{}", services[0]))
                .group(format!("service:{}", services[0]))
                .send()
                .await
                .expect("RunTask");
            assert_eq!(run.tasks().len(), 10, "{:?}", run.failures());
        }
        eprintln!(
            "seeded {SERVICES} services and {TASKS} tasks in {:.1?}",
            started.elapsed()
        );
        EcsSeed { cluster, services }
    })
    .await
}

fn asff(i: usize) -> AwsSecurityFinding {
    let labels = [
        SeverityLabel::Critical,
        SeverityLabel::High,
        SeverityLabel::Medium,
        SeverityLabel::Low,
        SeverityLabel::Informational,
    ];
    AwsSecurityFinding::builder()
        .schema_version("2018-10-08")
        .id(format!("large-{i}"))
        .product_arn(format!(
            "arn:aws:securityhub:us-east-1:{0}:product/{0}/default",
            moto::ACCOUNT_ID
        ))
        .generator_id("opsdeck-large")
        .aws_account_id(moto::ACCOUNT_ID)
        .types("Software and Configuration Checks/Vulnerabilities/CVE")
        .created_at("2026-09-01T00:00:00Z")
        .updated_at("2026-09-01T01:00:00Z")
        .severity(
            Severity::builder()
                .label(labels[i % labels.len()].clone())
                .build(),
        )
        .title(format!("finding {i}"))
        .description("seeded by opsdeck's large-data test")
        .resources(
            Resource::builder()
                .r#type("AwsEcrContainerImage")
                .id(format!("image-{i}"))
                .build(),
        )
        .build()
}

/// [`FINDINGS`] findings, imported 100 a call (`BatchImportFindings`' limit).
async fn hub_seed() {
    HUB.get_or_init(|| async {
        let started = Instant::now();
        let hub = aws_sdk_securityhub::Client::new(&moto::sdk_config().await);
        hub.enable_security_hub()
            .send()
            .await
            .expect("EnableSecurityHub");
        let all: Vec<AwsSecurityFinding> = (0..FINDINGS).map(asff).collect();
        for batch in all.chunks(100) {
            let out = hub
                .batch_import_findings()
                .set_findings(Some(batch.to_vec()))
                .send()
                .await
                .expect("BatchImportFindings");
            assert_eq!(out.failed_count(), Some(0), "{out:?}");
        }
        eprintln!("imported {FINDINGS} findings in {:.1?}", started.elapsed());
    })
    .await;
}

async fn cloud_through(proxy: &Proxy) -> AwsCloud {
    AwsCloud::from_clients(AwsClients::from_sdk_config(
        &moto::sdk_config_at(&proxy.url).await,
        None,
    ))
}

fn json_bodies(proxy: &Proxy, operation: &str) -> Vec<Value> {
    proxy
        .bodies(operation)
        .iter()
        .map(|b| serde_json::from_str(b).expect("JSON body"))
        .collect()
}

#[tokio::test]
async fn five_hundred_services_over_five_pages_described_ten_at_a_time() {
    let seed = ecs_seed().await;
    let proxy = Proxy::with_transform(&moto::endpoint(), None, Arc::new(EcsPages));
    let started = Instant::now();
    let services = cloud_through(&proxy)
        .await
        .list_services(&seed.cluster)
        .await
        .expect("list_services");
    eprintln!("list_services of {SERVICES}: {:.1?}", started.elapsed());
    let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, seed.services, "every service, once, sorted");
    let pages = json_bodies(&proxy, "ListServices");
    assert_eq!(pages.len(), 5, "500 services at 100 a page");
    for (i, p) in pages.iter().enumerate() {
        assert_eq!(p["maxResults"], 100, "page {i}: {p}");
        assert_eq!(p.get("nextToken").is_some(), i > 0, "page {i}: {p}");
    }
    let described = json_bodies(&proxy, "DescribeServices");
    assert_eq!(described.len(), 50, "500 services in batches of 10");
    assert!(
        described
            .iter()
            .all(|b| b["services"].as_array().map(Vec::len) == Some(10)),
        "every batch full"
    );
}

/// moto itself answers all 500 ARNs in one `ListServices` page (it ignores `maxResults`):
/// opsdeck asks once and still describes 10 at a time.
#[tokio::test]
async fn moto_lists_every_service_in_one_page() {
    let seed = ecs_seed().await;
    let proxy = Proxy::start(&moto::endpoint(), None);
    let services = cloud_through(&proxy)
        .await
        .list_services(&seed.cluster)
        .await
        .expect("list_services");
    assert_eq!(services.len(), SERVICES);
    assert_eq!(proxy.count("ListServices"), 1);
    assert_eq!(proxy.count("DescribeServices"), 50);
}

#[tokio::test]
async fn two_hundred_fifty_tasks_over_pages_described_a_hundred_at_a_time() {
    let seed = ecs_seed().await;
    let proxy = Proxy::with_transform(&moto::endpoint(), None, Arc::new(EcsPages));
    let started = Instant::now();
    let tasks = cloud_through(&proxy)
        .await
        .list_tasks(&seed.cluster)
        .await
        .expect("list_tasks");
    eprintln!("list_tasks of {TASKS}: {:.1?}", started.elapsed());
    assert_eq!(tasks.len(), TASKS);
    assert!(tasks.iter().all(|t| t.last_status == "RUNNING"));
    let listed = json_bodies(&proxy, "ListTasks");
    let by_status = |s: &str| listed.iter().filter(|b| b["desiredStatus"] == s).count();
    assert_eq!(by_status("RUNNING"), 3, "250 running at 100 a page");
    assert_eq!(by_status("STOPPED"), 1, "no stopped task: one empty page");
    assert_eq!(listed.len(), 4);
    let described: Vec<usize> = json_bodies(&proxy, "DescribeTasks")
        .iter()
        .map(|b| b["tasks"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(described, vec![100, 100, 50], "batches of 100");
}

#[tokio::test]
async fn every_one_of_10005_findings_is_read_over_101_pages() {
    hub_seed().await;
    let proxy = Proxy::start(&moto::endpoint(), None);
    let started = Instant::now();
    let findings = cloud_through(&proxy)
        .await
        .security_findings(&Default::default())
        .await
        .expect("GetFindings");
    eprintln!("GetFindings of {FINDINGS}: {:.1?}", started.elapsed());
    assert_eq!(findings.len(), FINDINGS, "none dropped");
    assert!(findings.complete, "read to the last page");
    let mut ids: Vec<&str> = findings.iter().map(|f| f.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), FINDINGS, "no finding twice");
    assert_eq!(
        proxy.count(GET_FINDINGS),
        FINDINGS.div_ceil(FINDINGS_PAGE),
        "101 pages"
    );
}

/// The first page reaches the console before the last is read: the sink is told after
/// page 1 (with one request made) and each time the count doubles.
#[tokio::test]
async fn the_first_page_of_findings_is_told_before_the_last_arrives() {
    hub_seed().await;
    let proxy = Proxy::start(&moto::endpoint(), None);
    let told = std::sync::Mutex::new(Vec::new());
    let sink = |found: &[opsdeck::cloud::Finding]| {
        told.lock()
            .expect("lock")
            .push((found.len(), proxy.count(GET_FINDINGS)));
    };
    let cloud = cloud_through(&proxy).await;
    let findings = cloud
        .security_findings_paged(&Default::default(), &sink)
        .await
        .expect("GetFindings");
    assert_eq!(findings.len(), FINDINGS);
    assert!(findings.complete);
    let told = told.into_inner().expect("lock");
    assert_eq!(
        told.first(),
        Some(&(FINDINGS_PAGE, 1)),
        "the first page, told after the first request"
    );
    let sizes: Vec<usize> = told.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        sizes,
        vec![100, 200, 400, 800, 1600, 3200, 6400],
        "doubling"
    );
    assert!(
        told.iter()
            .all(|(_, requests)| *requests < FINDINGS.div_ceil(FINDINGS_PAGE)),
        "every partial answer came before the last page: {told:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn posture_json_counts_all_10005_findings() {
    hub_seed().await;
    let proxy = Proxy::start(&moto::endpoint(), None);
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join("opsdeck.toml");
    std::fs::write(
        &config,
        format!(
            "[environments.emu]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n",
            proxy.url
        ),
    )
    .expect("config");
    let started = Instant::now();
    let out = support::cli::on_emu(home.path(), &config)
        .args(["posture", "--json"])
        .output()
        .expect("run opsdeck posture");
    eprintln!("opsdeck posture --json: {:.1?}", started.elapsed());
    assert!(
        out.status.success(),
        "{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let j: Value = serde_json::from_slice(&out.stdout).expect("posture JSON");
    let open: u64 = j["open"]
        .as_object()
        .expect("open counts")
        .values()
        .filter_map(Value::as_u64)
        .sum();
    assert_eq!(open, FINDINGS as u64, "{j}");
    assert_eq!(j["open"]["critical"], 2001, "{j}");
    assert_eq!(j["complete"], true, "{j}");
    assert_eq!(j["lower_bound"], false, "{j}");
    assert_eq!(j["guardduty"]["complete"], true, "{j}");
    // GetEnabledStandards is a 404 in moto: the control findings are not asked for, so
    // every GetFindings request is one of the 101 pages of the open findings.
    assert_eq!(proxy.count(GET_FINDINGS), 101);
}
