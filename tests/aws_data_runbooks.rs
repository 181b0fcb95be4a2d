//! The data runbooks (db-snapshot, db-failover, cache-failover) against the real AWS
//! implementation: moto for RDS instances, snapshots (name, tags, status read back), the
//! single-AZ refusal, DescribeReplicationGroups, and `RebootDBInstance` carrying
//! `ForceFailover=true` (read off the wire through the recording proxy; moto accepts it but
//! changes nothing); aws-smithy-mocks only for a two-member replication group and the
//! `TestFailover` request (moto creates one member and does not implement TestFailover).

mod support;

use std::time::Duration;

use opsdeck::audit::RecordKind;
use opsdeck::cloud::CloudHandle;
use opsdeck::cloud::aws::AwsClients;
use opsdeck::config::Environment;
use opsdeck::runbook::engine::{RunStatus, execute};
use opsdeck::runbook::plan::{RunContext, RunError};
use support::moto;
use support::proxy::Proxy;
use support::runbooks::{moto_handle, plan_shipped, read_write, run_context};

fn context(db: &str, cloud: CloudHandle) -> (tempfile::TempDir, RunContext) {
    let mut env = Environment::with_defaults("cloudplatform", "emu");
    env.db_instance = db.to_string();
    run_context(env, cloud, Duration::from_millis(100))
}

/// A postgres instance in moto; returns its identifier.
async fn create_db(prefix: &str, multi_az: bool) -> String {
    let rds = aws_sdk_rds::Client::new(&moto::sdk_config().await);
    let id = moto::unique(prefix);
    rds.create_db_instance()
        .db_instance_identifier(&id)
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .allocated_storage(20)
        .master_username("app")
        .master_user_password("not-a-secret-1")
        .multi_az(multi_az)
        .send()
        .await
        .expect("CreateDBInstance");
    id
}

#[tokio::test(flavor = "multi_thread")]
async fn describe_db_instance_maps_class_and_allocated_storage() {
    let db = create_db("class", false).await;
    let cloud = moto_handle().await;
    let d = cloud
        .read
        .db_instance(&db)
        .await
        .expect("DescribeDBInstances");
    assert_eq!(d.instance_class.as_deref(), Some("db.t3.micro"));
    assert_eq!(d.allocated_storage_gb, Some(20));
    assert_eq!(d.engine, "postgres");
    assert_eq!(
        opsdeck::panes::dashboard::db_capacity::default_max_connections(&d.engine, "db.t3.micro"),
        Some(112)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn db_snapshot_creates_a_tagged_snapshot_named_after_the_incident_and_waits() {
    let db = create_db("snap", false).await;
    let (_d, ctx) = context(&db, moto_handle().await);
    let p = plan_shipped(&ctx, "db-snapshot", &[("incident", "INC-812")])
        .await
        .expect("plan");
    assert!(p.runnable(), "{:?}", p.checks);
    let call = p.procedure[0]
        .calls
        .iter()
        .find(|c| c.starts_with("rds:CreateDBSnapshot"))
        .expect("create call");
    let prefix = format!("DBSnapshotIdentifier={db}-inc-812-20");
    assert!(call.contains(&prefix), "{call}");
    assert!(call.contains("opsdeck:incident=INC-812"), "{call}");
    let summary = execute(&p, &ctx).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:?}");
    assert!(
        summary.lines.iter().any(|l| l.contains("available")),
        "{summary:?}"
    );

    let rds = aws_sdk_rds::Client::new(&moto::sdk_config().await);
    let out = rds
        .describe_db_snapshots()
        .db_instance_identifier(&db)
        .send()
        .await
        .expect("DescribeDBSnapshots");
    let snap = out
        .db_snapshots()
        .iter()
        .find(|s| {
            s.db_snapshot_identifier()
                .is_some_and(|i| i.starts_with(&format!("{db}-inc-812-")))
        })
        .expect("snapshot made");
    let stamp = snap
        .db_snapshot_identifier()
        .and_then(|i| i.rsplit('-').next())
        .expect("stamp");
    assert_eq!(stamp.len(), 12, "yyyymmddhhmm: {stamp}");
    assert!(
        snap.tag_list()
            .iter()
            .any(|t| t.key() == Some("opsdeck:incident") && t.value() == Some("INC-812")),
        "{:?}",
        snap.tag_list()
    );
    let records = ctx.audit.read_all().expect("audit");
    assert_eq!(
        records.iter().map(|r| r.kind).collect::<Vec<_>>(),
        vec![
            RecordKind::Intent,
            RecordKind::Outcome,
            RecordKind::Verified
        ]
    );
    assert!(
        records[0]
            .entry
            .plan
            .iter()
            .any(|l| l.contains("rds:CreateDBSnapshot"))
    );
    assert!(records[1].entry.request_id.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn db_snapshot_without_incident_is_named_manual() {
    let db = create_db("snapm", false).await;
    let (_d, ctx) = context(&db, moto_handle().await);
    let p = plan_shipped(&ctx, "db-snapshot", &[]).await.expect("plan");
    assert!(
        p.procedure[0]
            .calls
            .iter()
            .any(|c| c.contains(&format!("DBSnapshotIdentifier={db}-manual-"))),
        "{:?}",
        p.procedure[0].calls
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn db_failover_is_refused_on_single_az_with_the_reason() {
    let db = create_db("single", false).await;
    let (_d, ctx) = context(&db, moto_handle().await);
    let refused = plan_shipped(&ctx, "db-failover", &[]).await;
    assert!(
        matches!(&refused, Err(RunError::Refused(m)) if m.contains("single-AZ") && m.contains("MultiAZ=false")),
        "{refused:?}"
    );
    assert!(ctx.audit.read_all().expect("audit").is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn db_failover_reboots_a_multi_az_instance_and_waits_until_available() {
    let db = create_db("multi", true).await;
    let (_d, ctx) = context(&db, moto_handle().await);
    let p = plan_shipped(&ctx, "db-failover", &[]).await.expect("plan");
    assert!(
        p.procedure[0].calls.iter().any(|c| c
            == &format!(
                "rds:DescribeDBInstances {db}: postgres available, Multi-AZ, primary in us-east-1a"
            )
            || c.starts_with(&format!(
                "rds:DescribeDBInstances {db}: postgres available, Multi-AZ"
            ))),
        "{:?}",
        p.procedure[0].calls
    );
    assert!(
        p.procedure[0].calls.iter().any(|c| c.starts_with(&format!(
            "rds:RebootDBInstance DBInstanceIdentifier={db} ForceFailover=true"
        ))),
        "{:?}",
        p.procedure[0].calls
    );
    let summary = execute(&p, &ctx).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:?}");
    let records = ctx.audit.read_all().expect("audit");
    assert_eq!(records.len(), 3, "intent, outcome, verified");
    assert!(records[1].entry.error.is_none(), "{:?}", records[1]);
    assert_eq!(records[2].kind, RecordKind::Verified);
}

#[tokio::test(flavor = "multi_thread")]
async fn cache_failover_reads_the_replication_group_and_refuses_without_a_replica() {
    let ec = aws_sdk_elasticache::Client::new(&moto::sdk_config().await);
    let id = moto::unique("redis");
    ec.create_replication_group()
        .replication_group_id(&id)
        .replication_group_description("cache")
        .engine("redis")
        .cache_node_type("cache.t3.micro")
        .num_cache_clusters(2)
        .send()
        .await
        .expect("CreateReplicationGroup");
    let (_d, mut ctx) = context("unused", moto_handle().await);
    ctx.env.cache_replication_group = id.clone();
    let group = ctx
        .cloud
        .read
        .cache_replication_group(&id)
        .await
        .expect("DescribeReplicationGroups");
    assert_eq!(group.id, id);
    assert_eq!(group.node_groups.len(), 1, "{group:?}");
    // moto creates one member and no automatic failover: refused, nothing called.
    let refused = plan_shipped(&ctx, "cache-failover", &[]).await;
    assert!(
        matches!(&refused, Err(RunError::Refused(m)) if m.contains(&id)),
        "{refused:?}"
    );
    assert!(ctx.audit.read_all().expect("audit").is_empty());
    let missing = ctx.cloud.read.cache_replication_group("nope").await;
    assert!(
        matches!(missing, Err(opsdeck::cloud::CloudError::NotFound(_))),
        "{missing:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn dev_scale_down_and_up_round_trip_through_the_service_tag_on_moto() {
    use opsdeck::runbook::kinds::StepKind;
    let seeded = support::ecs_seed::seed("devscale").await;
    let db = create_db("devdb", false).await;
    let (_d, mut ctx) = context(&db, moto_handle().await);
    ctx.env.cluster = seeded.cluster.clone();
    ctx.env.service = seeded.service.clone();
    let ecs = aws_sdk_ecs::Client::new(&moto::sdk_config().await);
    let desired = || async {
        let svc = support::ecs_seed::describe(&seeded).await;
        (
            svc.service_arn().unwrap_or_default().to_string(),
            svc.desired_count(),
        )
    };
    let (arn, before) = desired().await;
    assert!(before > 0);

    let mut down = plan_shipped(&ctx, "dev-scale-down", &[])
        .await
        .expect("plan");
    assert!(down.runnable(), "{:?}", down.checks);
    // moto's services never settle (tasks come from RunTask): check RDS, not ECS steadiness.
    down.verification
        .retain(|s| s.kind != StepKind::EcsWaitStable);
    let summary = execute(&down, &ctx).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:?}");
    assert_eq!(desired().await.1, 0);
    let tags = ecs
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .expect("ListTagsForResource");
    assert!(
        tags.tags()
            .iter()
            .any(|t| t.key() == Some("opsdeck:desired-before-scale-down")
                && t.value() == Some(before.to_string().as_str())),
        "{:?}",
        tags.tags()
    );
    let rds = aws_sdk_rds::Client::new(&moto::sdk_config().await);
    let status = || async {
        rds.describe_db_instances()
            .db_instance_identifier(&db)
            .send()
            .await
            .expect("DescribeDBInstances")
            .db_instances()[0]
            .db_instance_status()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(status().await, "stopped");

    let mut up = plan_shipped(&ctx, "dev-scale-up", &[]).await.expect("plan");
    up.verification
        .retain(|s| s.kind != StepKind::EcsWaitStable);
    let summary = execute(&up, &ctx).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:?}");
    assert_eq!(status().await, "available");
    assert_eq!(desired().await.1, before);
    let records = ctx.audit.read_all().expect("audit");
    let writes = records
        .iter()
        .filter(|r| r.kind != RecordKind::Verified)
        .count();
    assert_eq!(writes, 10, "five writes, intent and outcome each");
    assert!(
        records.iter().all(|r| r.entry.error.is_none()),
        "{records:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn db_failover_on_a_protected_env_sends_force_failover_true_once() {
    let db = create_db("force", true).await;
    let proxy = Proxy::start(&moto::endpoint(), None);
    let config = moto::sdk_config_at(&proxy.url).await;
    let (_d, mut ctx) = context(&db, read_write(AwsClients::from_sdk_config(&config, None)));
    ctx.env.protected = true;
    let p = plan_shipped(&ctx, "db-failover", &[]).await.expect("plan");
    assert!(p.runnable(), "{:?}", p.checks);
    assert!(p.needs_typed_confirmation(), "high risk on a protected env");
    // moto sends no SecondaryAvailabilityZone: the standby zone is unknown ("?").
    assert!(
        p.procedure[0].calls.iter().any(|c| c
            == &format!(
                "rds:RebootDBInstance DBInstanceIdentifier={db} ForceFailover=true (primary us-east-1a → standby ?; connections drop for about a minute)"
            )),
        "{:?}",
        p.procedure[0].calls
    );
    let summary = execute(&p, &ctx).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:?}");
    let reboots = proxy.bodies("RebootDBInstance");
    assert_eq!(reboots.len(), 1, "one RebootDBInstance: {reboots:?}");
    let mut fields: Vec<&str> = reboots[0].split('&').collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        vec![
            "Action=RebootDBInstance",
            &format!("DBInstanceIdentifier={db}"),
            "ForceFailover=true",
            "Version=2014-10-31",
        ]
    );
}

mod mocked {
    use super::*;
    use aws_credential_types::Credentials;
    use aws_smithy_mocks::{RuleMode, create_mock_http_client, mock};
    use aws_types::region::Region;

    #[tokio::test]
    async fn cache_failover_sends_test_failover_for_the_primary_node_group() {
        use aws_sdk_elasticache::types::{
            AutomaticFailoverStatus, NodeGroup, NodeGroupMember, ReplicationGroup,
        };
        const RG: &str = "cloudplatform-prod-redis";
        let group = || {
            let member = |id: &str, role: &str| {
                NodeGroupMember::builder()
                    .cache_cluster_id(id)
                    .current_role(role)
                    .build()
            };
            ReplicationGroup::builder()
                .replication_group_id(RG)
                .status("available")
                .automatic_failover(AutomaticFailoverStatus::Enabled)
                .node_groups(
                    NodeGroup::builder()
                        .node_group_id("0001")
                        .status("available")
                        .node_group_members(member("cloudplatform-prod-redis-001", "primary"))
                        .node_group_members(member("cloudplatform-prod-redis-002", "replica"))
                        .build(),
                )
                .build()
        };
        let describe = mock!(aws_sdk_elasticache::Client::describe_replication_groups)
            .match_requests(|r| r.replication_group_id() == Some(RG))
            .then_output(move || {
                aws_sdk_elasticache::operation::describe_replication_groups::DescribeReplicationGroupsOutput::builder()
                    .replication_groups(group())
                    .build()
            });
        let failover = mock!(aws_sdk_elasticache::Client::test_failover)
            .match_requests(|r| {
                r.replication_group_id() == Some(RG) && r.node_group_id() == Some("0001")
            })
            .then_output(|| {
                aws_sdk_elasticache::operation::test_failover::TestFailoverOutput::builder().build()
            });
        let interceptor = aws_smithy_mocks::MockResponseInterceptor::new()
            .rule_mode(RuleMode::MatchAny)
            .with_rule(&describe)
            .with_rule(&failover);
        let conf = aws_sdk_elasticache::Config::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("a", "b", None, None, "t"))
            .http_client(create_mock_http_client())
            .interceptor(interceptor)
            .build();
        // Only ElastiCache is mocked (moto creates one member and lacks TestFailover); the
        // caller identity comes from moto.
        let cloud = read_write(AwsClients {
            elasticache: aws_sdk_elasticache::Client::from_conf(conf),
            ..AwsClients::from_sdk_config(&moto::sdk_config().await, None)
        });
        let (_d, mut ctx) = context("unused", cloud);
        ctx.env.cache_replication_group = RG.into();
        let p = plan_shipped(&ctx, "cache-failover", &[])
            .await
            .expect("plan");
        assert_eq!(
            p.procedure[0].calls,
            vec![
                "elasticache:DescribeReplicationGroups cloudplatform-prod-redis: available, automatic failover enabled, node group 0001 primary cloudplatform-prod-redis-001 replicas [cloudplatform-prod-redis-002]".to_string(),
                "elasticache:TestFailover ReplicationGroupId=cloudplatform-prod-redis NodeGroupId=0001 (primary cloudplatform-prod-redis-001 → a replica; writes fail for a few seconds)".to_string(),
            ]
        );
        let summary = execute(&p, &ctx).await;
        assert_eq!(summary.status, RunStatus::Verified, "{summary:?}");
        assert_eq!(
            failover.num_calls(),
            1,
            "one TestFailover of node group 0001"
        );
        let records = ctx.audit.read_all().expect("audit");
        assert_eq!(
            records.iter().map(|r| r.kind).collect::<Vec<_>>(),
            vec![
                RecordKind::Intent,
                RecordKind::Outcome,
                RecordKind::Verified
            ]
        );
    }
}
