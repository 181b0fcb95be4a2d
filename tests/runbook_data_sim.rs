//! The data runbooks on the simulated account: plans (exact call lines), execution with
//! audit, the single-AZ and no-replica refusals, and read-only refusal before any call.

mod support;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use opsdeck::audit::{AuditLog, RecordKind};
use opsdeck::cloud::sim::{self, SimClock, SimWorld};
use opsdeck::config::Environment;
use opsdeck::runbook::engine::{RunStatus, execute};
use opsdeck::runbook::plan::{RunContext, RunError};
use support::runbooks::{plan_shipped, temp_audit};

/// 2026-11-22 13:30:00 UTC.
const NOW: i64 = 1_795_354_200;

fn ctx(world: &Arc<SimWorld>, env: &str, read_only: bool, audit: &AuditLog) -> RunContext {
    RunContext {
        env: Environment::with_defaults("cloudplatform", env),
        cloud: sim::handle(Arc::clone(world), env, read_only),
        audit: audit.clone(),
        events: None,
        poll: Duration::from_millis(10),
        cancel: Arc::new(AtomicBool::new(false)),
    }
}

#[tokio::test]
async fn db_snapshot_plan_names_the_snapshot_and_executes() {
    let (_d, log) = temp_audit();
    let w = SimWorld::new(7, SimClock::Fixed(NOW));
    let c = ctx(&w, "prod", false, &log);
    let p = plan_shipped(&c, "db-snapshot", &[("incident", "INC-812")])
        .await
        .expect("plan");
    let lines = p.lines();
    let expected = [
        "procedure:",
        "  1. rds.snapshot",
        "       rds:DescribeDBInstances cloudplatform-prod-rds-postgres: postgres available, Multi-AZ, primary in us-east-1a",
        "       rds:CreateDBSnapshot DBInstanceIdentifier=cloudplatform-prod-rds-postgres DBSnapshotIdentifier=cloudplatform-prod-rds-postgres-inc-812-202611221330 Tags opsdeck:incident=INC-812, opsdeck:created-by=opsdeck",
        "verification:",
        "  1. rds.wait_available",
        "       rds:DescribeDBInstances cloudplatform-prod-rds-postgres and its manual snapshots (DescribeDBSnapshots) every poll until the instance is available and no snapshot is creating (timeout 600 s)",
    ];
    let start = lines
        .iter()
        .position(|l| l == "procedure:")
        .expect("procedure");
    assert_eq!(&lines[start..], &expected, "{lines:#?}");
    let summary = execute(&p, &c).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:?}");
    assert_eq!(
        w.writes(),
        vec![
            "prod CreateDBSnapshot cloudplatform-prod-rds-postgres cloudplatform-prod-rds-postgres-inc-812-202611221330"
        ]
    );
    let kinds: Vec<_> = log
        .read_all()
        .expect("audit")
        .iter()
        .map(|r| r.kind)
        .collect();
    assert_eq!(
        kinds,
        vec![
            RecordKind::Intent,
            RecordKind::Outcome,
            RecordKind::Verified
        ]
    );
    // The same name again (same minute) is an error from the API, reported, not a panic.
    let again = plan_shipped(&c, "db-snapshot", &[("incident", "INC-812")])
        .await
        .expect("plan");
    let summary = execute(&again, &c).await;
    assert!(
        matches!(&summary.status, RunStatus::Failed(m) if m.contains("DBSnapshotAlreadyExists")),
        "{summary:?}"
    );
}

#[tokio::test]
async fn db_failover_swaps_zones_on_prod_and_is_refused_on_single_az_dev() {
    let (_d, log) = temp_audit();
    let w = SimWorld::new(7, SimClock::Fixed(NOW));
    let prod = ctx(&w, "prod", false, &log);
    let p = plan_shipped(&prod, "db-failover", &[]).await.expect("plan");
    assert!(p.needs_typed_confirmation());
    assert!(
        p.lines().contains(&"       rds:RebootDBInstance DBInstanceIdentifier=cloudplatform-prod-rds-postgres ForceFailover=true (primary us-east-1a → standby us-east-1b; connections drop for about a minute)".to_string()),
        "{:#?}",
        p.lines()
    );
    let summary = execute(&p, &prod).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:?}");
    let again = plan_shipped(&prod, "db-failover", &[]).await.expect("plan");
    assert!(
        again.procedure[0].calls[1].contains("primary us-east-1b → standby us-east-1a"),
        "{:?}",
        again.procedure[0].calls
    );

    let dev = ctx(&w, "dev", false, &log);
    let refused = plan_shipped(&dev, "db-failover", &[]).await;
    assert!(
        matches!(&refused, Err(RunError::Refused(m)) if m.contains("cloudplatform-dev-rds-postgres is single-AZ")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn cache_failover_promotes_the_replica_on_prod_and_is_refused_on_dev() {
    let (_d, log) = temp_audit();
    let w = SimWorld::new(7, SimClock::Fixed(NOW));
    let prod = ctx(&w, "prod", false, &log);
    let p = plan_shipped(&prod, "cache-failover", &[])
        .await
        .expect("plan");
    assert_eq!(
        p.procedure[0].calls,
        vec![
            "elasticache:DescribeReplicationGroups cloudplatform-prod-redis: available, automatic failover enabled, node group 0001 primary cloudplatform-prod-redis-001 replicas [cloudplatform-prod-redis-002]",
            "elasticache:TestFailover ReplicationGroupId=cloudplatform-prod-redis NodeGroupId=0001 (primary cloudplatform-prod-redis-001 → a replica; writes fail for a few seconds)",
        ]
    );
    let summary = execute(&p, &prod).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:?}");
    assert!(
        summary
            .lines
            .iter()
            .any(|l| l.contains("0001 primary cloudplatform-prod-redis-002")),
        "{summary:?}"
    );
    assert_eq!(
        w.writes(),
        vec!["prod TestFailover cloudplatform-prod-redis 0001"]
    );
    let dev = ctx(&w, "dev", false, &log);
    let refused = plan_shipped(&dev, "cache-failover", &[]).await;
    assert!(
        matches!(&refused, Err(RunError::Refused(m)) if m.contains("automatic failover disabled")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn dev_scale_down_records_the_count_and_dev_scale_up_restores_it() {
    let (_d, log) = temp_audit();
    // 100x: the simulated scale-in and scale-out settle in well under a second.
    let w = SimWorld::new(7, SimClock::live(100.0));
    let dev = ctx(&w, "dev", false, &log);
    let service = "arn:aws:ecs:us-east-1:111111111111:service/cloudplatform-dev-ecs-cluster/cloudplatform-dev-ecs-service";
    let down = plan_shipped(&dev, "dev-scale-down", &[])
        .await
        .expect("plan");
    assert!(down.runnable(), "{:?}", down.checks);
    let calls: Vec<&str> = down
        .procedure
        .iter()
        .flat_map(|s| s.calls.iter().map(String::as_str))
        .collect();
    let desired_before = calls
        .iter()
        .find_map(|c| {
            c.strip_prefix(&format!(
                "ecs:TagResource {service} opsdeck:desired-before-scale-down="
            ))
        })
        .and_then(|rest| rest.split(' ').next())
        .expect("tag call")
        .to_string();
    assert!(
        calls.contains(&format!(
            "ecs:UpdateService cluster=cloudplatform-dev-ecs-cluster service=cloudplatform-dev-ecs-service desiredCount {desired_before} → 0"
        ).as_str()),
        "{calls:#?}"
    );
    assert!(
        calls.contains(&"rds:StopDBInstance DBInstanceIdentifier=cloudplatform-dev-rds-postgres (status available → stopped)"),
        "{calls:#?}"
    );
    let summary = execute(&down, &dev).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:?}");
    let writes = w.writes();
    assert_eq!(writes.len(), 3, "{writes:?}");
    assert!(writes[0].contains("TagResource"), "{writes:?}");
    assert!(
        writes[2].contains("StopDBInstance cloudplatform-dev-rds-postgres"),
        "{writes:?}"
    );
    // Running it again is refused: there is no desired count left to record.
    let again = plan_shipped(&dev, "dev-scale-down", &[]).await;
    assert!(
        matches!(&again, Err(RunError::Refused(m)) if m.contains("already wants 0")),
        "{again:?}"
    );

    let up = plan_shipped(&dev, "dev-scale-up", &[]).await.expect("plan");
    let calls: Vec<&str> = up
        .procedure
        .iter()
        .flat_map(|s| s.calls.iter().map(String::as_str))
        .collect();
    assert!(
        calls.contains(&"rds:StartDBInstance DBInstanceIdentifier=cloudplatform-dev-rds-postgres (status stopped → available)"),
        "{calls:#?}"
    );
    assert!(
        calls.contains(&format!(
            "ecs:UpdateService cluster=cloudplatform-dev-ecs-cluster service=cloudplatform-dev-ecs-service desiredCount 0 → {desired_before} (recorded by dev-scale-down)"
        ).as_str()),
        "{calls:#?}"
    );
    let summary = execute(&up, &dev).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:?}");
    let writes = w.writes();
    assert!(writes[3].contains("StartDBInstance"), "{writes:?}");
    assert!(
        writes[4].contains(&format!("desiredCount={desired_before}")),
        "{writes:?}"
    );
    let records = log.read_all().expect("audit");
    let writes = records
        .iter()
        .filter(|r| r.kind != RecordKind::Verified)
        .count();
    assert_eq!(writes, 10, "five writes, intent and outcome each");
    assert_eq!(records.len(), 12, "and each run's verification");
}

#[tokio::test]
async fn dev_scale_runbooks_are_refused_on_protected_environments() {
    let (_d, log) = temp_audit();
    let w = SimWorld::new(7, SimClock::Fixed(NOW));
    let prod = ctx(&w, "prod", false, &log);
    for name in ["dev-scale-down", "dev-scale-up"] {
        let p = plan_shipped(&prod, name, &[]).await.expect("plan");
        assert!(!p.runnable(), "{name}");
        assert!(p.procedure.is_empty(), "{name}: nothing planned");
        assert!(
            p.checks
                .iter()
                .any(|c| !c.ok && c.detail.contains("prod is protected")),
            "{name}: {:?}",
            p.checks
        );
    }
    assert!(w.writes().is_empty());
}

#[tokio::test]
async fn read_only_refuses_the_data_runbooks_before_any_call() {
    let (_d, log) = temp_audit();
    let w = SimWorld::new(7, SimClock::Fixed(NOW));
    let c = ctx(&w, "prod", true, &log);
    for name in [
        "db-snapshot",
        "db-failover",
        "cache-failover",
        "dev-scale-down",
        "dev-scale-up",
    ] {
        let r = plan_shipped(&c, name, &[]).await;
        assert!(
            matches!(&r, Err(RunError::Refused(m)) if m.contains("read-only")),
            "{name}: {r:?}"
        );
    }
    assert!(w.writes().is_empty());
    assert!(log.read_all().expect("audit").is_empty());
}
