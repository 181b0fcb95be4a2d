//! Behaviour of the whole simulated account through the cloud traits.

use std::collections::HashSet;
use std::sync::Arc;

use futures::executor::block_on;

use super::*;

pub(super) const T0: i64 = 1_750_000_000;
pub(super) const MIN: i64 = 60;
pub(super) const PROD_CLUSTER: &str = "cloudplatform-prod-ecs-cluster";
pub(super) const PROD_API: &str = "cloudplatform-prod-ecs-service";

pub(super) fn world(seed: u64) -> Arc<SimWorld> {
    SimWorld::new(seed, SimClock::Fixed(T0))
}

pub(super) fn cloud(world: &Arc<SimWorld>, env: &str) -> SimCloud {
    SimCloud::new(world.clone(), env)
}

pub(super) fn api(c: &SimCloud) -> EcsService {
    let cluster = c.cluster();
    let services = block_on(c.list_services(&cluster)).expect("services");
    services
        .into_iter()
        .find(|s| s.name.ends_with("-ecs-service"))
        .expect("api service")
}

pub(super) fn records(c: &SimCloud) -> Vec<ServiceDeploymentRecord> {
    let cluster = c.cluster();
    let service = format!("cloudplatform-{}-ecs-service", c.env());
    block_on(c.list_service_deployments(&cluster, &service)).expect("records")
}

pub(super) fn tasks(c: &SimCloud) -> Vec<EcsTask> {
    block_on(c.list_tasks(&c.cluster())).expect("tasks")
}

pub(super) fn td(svc_td: &str) -> &str {
    crate::cloud::types::last_segment(svc_td)
}

#[test]
fn same_seed_and_time_give_identical_answers() {
    for minute in [0, 1, 3, 5, 11, 13, 20] {
        let (a, b) = (world(42), world(42));
        a.set_elapsed(minute * MIN);
        b.set_elapsed(minute * MIN);
        for env in ENVIRONMENTS {
            let (ca, cb) = (cloud(&a, env), cloud(&b, env));
            assert_eq!(
                block_on(ca.list_services(&ca.cluster())),
                block_on(cb.list_services(&cb.cluster()))
            );
            assert_eq!(tasks(&ca), tasks(&cb));
            assert_eq!(records(&ca), records(&cb));
            assert_eq!(
                block_on(ca.caller_identity()),
                block_on(cb.caller_identity())
            );
        }
    }
    let (a, b) = (world(1), world(2));
    assert_ne!(tasks(&cloud(&a, "prod")), tasks(&cloud(&b, "prod")));
}

#[test]
fn prod_is_steady_at_one_minute() {
    let w = world(7);
    w.set_elapsed(MIN);
    let c = cloud(&w, "prod");
    let s = api(&c);
    assert!(s.is_steady(), "{s:#?}");
    assert_eq!((s.desired, s.running, s.pending), (3, 3, 0));
    assert_eq!(td(&s.task_definition), "cloudplatform-prod-fastapi:41");
    let live: Vec<_> = tasks(&c)
        .into_iter()
        .filter(|t| t.service_name() == Some(PROD_API))
        .collect();
    assert_eq!(live.len(), 3);
    assert!(live.iter().all(|t| t.health.as_deref() == Some("HEALTHY")));
    let azs: HashSet<_> = live
        .iter()
        .filter_map(|t| t.availability_zone.clone())
        .collect();
    assert_eq!(azs.len(), 3);
    assert_eq!(records(&c)[0].status, "SUCCESSFUL");
}

#[test]
fn prod_deployment_is_failing_at_five_minutes() {
    for seed in 0..8 {
        let w = world(seed);
        w.set_elapsed(5 * MIN);
        let c = cloud(&w, "prod");
        let s = api(&c);
        assert!(!s.is_steady());
        let primary = s.primary_deployment().expect("primary");
        assert_eq!(
            td(&primary.task_definition),
            "cloudplatform-prod-fastapi:42"
        );
        assert_eq!(primary.rollout_state.as_deref(), Some("IN_PROGRESS"));
        assert!(primary.failed >= 1);
        let active = &s.deployments[1];
        assert_eq!(
            (active.status.as_str(), active.rollout_state.as_deref()),
            ("ACTIVE", Some("COMPLETED"))
        );
        assert_eq!(active.running, 3);
        let new_tasks: Vec<_> = tasks(&c)
            .into_iter()
            .filter(|t| t.task_definition() == "cloudplatform-prod-fastapi:42")
            .collect();
        assert!(
            new_tasks
                .iter()
                .any(|t| t.health.as_deref() == Some("UNHEALTHY"))
        );
        assert!(new_tasks.iter().any(|t| {
            t.last_status == "STOPPED"
                && t.stopped_reason.as_deref() == Some("Essential container in task exited")
        }));
        assert!(
            s.events
                .iter()
                .any(|e| e.message.contains("has started 1 tasks: (task "))
        );
        assert_eq!(records(&c)[0].status, "IN_PROGRESS");
    }
}

#[test]
fn circuit_breaker_rolls_back_at_twelve_minutes() {
    let w = world(3);
    w.set_elapsed(incident::CIRCUIT_BREAKER + 30);
    let c = cloud(&w, "prod");
    let s = api(&c);
    let primary = s.primary_deployment().expect("primary");
    assert_eq!(
        td(&primary.task_definition),
        "cloudplatform-prod-fastapi:41"
    );
    assert_eq!(primary.rollout_state.as_deref(), Some("IN_PROGRESS"));
    let failed = s
        .deployments
        .iter()
        .find(|d| d.task_definition.ends_with(":42"))
        .expect("failed deployment still listed");
    assert_eq!(failed.rollout_state.as_deref(), Some("FAILED"));
    assert_eq!(
        failed.rollout_reason.as_deref(),
        Some("ECS deployment circuit breaker: tasks failed to start.")
    );
    assert!(s.events.iter().any(|e| {
        e.message
            .ends_with("deployment failed: tasks failed to start.")
    }));
    assert!(
        s.events
            .iter()
            .any(|e| e.message.contains("rolling back to deployment ecs-svc/"))
    );
    assert_eq!(records(&c)[0].status, "ROLLBACK_IN_PROGRESS");
}

#[test]
fn prod_is_steady_again_at_twenty_minutes() {
    for seed in 0..8 {
        let w = world(seed);
        w.set_elapsed(20 * MIN);
        let c = cloud(&w, "prod");
        let s = api(&c);
        assert!(s.is_steady(), "seed {seed}: {:#?}", s.deployments);
        assert_eq!(td(&s.task_definition), "cloudplatform-prod-fastapi:41");
        let r = records(&c);
        assert_eq!(r[0].status, "ROLLBACK_SUCCESSFUL");
        assert_eq!(r[0].finished_at, Some(T0 + incident::STEADY_AGAIN));
        assert!(
            r[0].target_task_definition
                .as_deref()
                .is_some_and(|t| t.ends_with(":42"))
        );
        assert!(r[1..].iter().all(|r| r.status == "SUCCESSFUL"));
    }
    let w = world(0);
    w.set_elapsed(incident::STEADY_AGAIN);
    assert!(api(&cloud(&w, "prod")).is_steady());
}

#[test]
fn staging_is_on_a_good_42_after_rolling_back_41() {
    let w = world(5);
    let c = cloud(&w, "staging");
    for minute in [0, 5, 12, 30] {
        w.set_elapsed(minute * MIN);
        let s = api(&c);
        assert!(s.is_steady());
        assert_eq!(td(&s.task_definition), "cloudplatform-staging-fastapi:42");
        assert_eq!(s.desired, 2);
    }
    let statuses: Vec<_> = records(&c)
        .iter()
        .map(|r| {
            (
                td(r.target_task_definition.as_deref().unwrap_or("")).to_string(),
                r.status.clone(),
            )
        })
        .collect();
    assert_eq!(
        statuses[..3],
        [
            (
                "cloudplatform-staging-fastapi:42".to_string(),
                "SUCCESSFUL".to_string()
            ),
            (
                "cloudplatform-staging-fastapi:41".to_string(),
                "ROLLBACK_SUCCESSFUL".to_string()
            ),
            (
                "cloudplatform-staging-fastapi:40".to_string(),
                "SUCCESSFUL".to_string()
            ),
        ]
    );
}

#[test]
fn counts_stay_plausible_at_all_times() {
    for seed in 0..4 {
        let w = world(seed);
        for env in ENVIRONMENTS {
            let c = cloud(&w, env);
            for step in -4..=140 {
                w.set_elapsed(step * 15);
                let services = block_on(c.list_services(&c.cluster())).expect("services");
                assert_eq!(services.len(), 2);
                for s in &services {
                    assert!(s.desired >= 0 && s.running >= 0 && s.pending >= 0);
                    assert!(s.running <= 2 * s.desired, "{env} {step}: {s:#?}");
                    assert!(s.events.len() <= 50);
                    assert!(
                        s.events
                            .windows(2)
                            .all(|e| e[0].created_at >= e[1].created_at)
                    );
                    let ids: HashSet<_> = s.events.iter().map(|e| &e.id).collect();
                    assert_eq!(ids.len(), s.events.len());
                    for d in &s.deployments {
                        assert!(
                            d.desired >= 0 && d.running >= 0 && d.pending >= 0 && d.failed >= 0
                        );
                    }
                    if env != "prod" || s.name.ends_with("worker") {
                        assert!(s.is_steady(), "{env} {} at {step}", s.name);
                    }
                }
                let ts = tasks(&c);
                let arns: HashSet<_> = ts.iter().map(|t| &t.arn).collect();
                assert_eq!(arns.len(), ts.len());
            }
        }
    }
}

#[test]
fn tasks_look_like_ecs_tasks() {
    let w = world(11);
    w.set_elapsed(6 * MIN);
    let c = cloud(&w, "prod");
    for t in tasks(&c) {
        assert!(t.arn.starts_with(
            "arn:aws:ecs:us-east-1:333333333333:task/cloudplatform-prod-ecs-cluster/"
        ));
        assert_eq!(t.id().len(), 32);
        assert!(
            t.private_ip
                .as_deref()
                .is_some_and(|ip| ip.starts_with("10.2.1"))
        );
        assert!(t.eni_id.as_deref().is_some_and(|e| e.starts_with("eni-")));
        assert!(["HEALTHY", "UNHEALTHY", "UNKNOWN"].contains(&t.health.as_deref().unwrap_or("")));
        assert!(t.service_name().is_some());
        assert_eq!(t.stopped_reason.is_some(), t.desired_status == "STOPPED");
    }
    let s = api(&c);
    assert!(s.target_groups[0].starts_with(
        "arn:aws:elasticloadbalancing:us-east-1:333333333333:targetgroup/cloudplatform-prod-tg/"
    ));
}

#[test]
fn task_definitions_by_arn_or_short_name() {
    let w = world(0);
    let c = cloud(&w, "prod");
    let td42 = block_on(c.describe_task_definition("cloudplatform-prod-fastapi:42")).expect("42");
    assert!(
        td42.containers[0]
            .image
            .ends_with("/cloudplatform-api:v1.9.0")
    );
    let by_arn = block_on(c.describe_task_definition(&td42.arn)).expect("by arn");
    assert_eq!(by_arn, td42);
    assert!(
        td42.containers[0]
            .secret_refs
            .iter()
            .any(|r| r.contains(":secret:/prod/redis/auth-token"))
    );
    assert!(matches!(
        block_on(c.describe_task_definition("cloudplatform-prod-fastapi:7")),
        Err(CloudError::NotFound(_))
    ));
}

#[test]
fn caller_identity_is_the_on_call_role() {
    let w = world(0);
    let id = block_on(cloud(&w, "staging").caller_identity()).expect("identity");
    assert_eq!(id.account, "222222222222");
    assert_eq!(
        id.arn,
        "arn:aws:sts::222222222222:assumed-role/OnCallEngineer/oncall@example.com"
    );
    assert_eq!(id.short_name(), "oncall@example.com");
    assert!(id.user_id.starts_with("AROA"));
}

#[test]
fn the_recent_errors_widget_scans_about_what_is_logged_per_hour() {
    use crate::cloud::MetricsRead;
    let w = world(42);
    let c = cloud(&w, "prod");
    let groups = vec!["/ecs/cloudplatform-prod/fastapi".to_string()];
    let window = 3_600;
    let mut scanned = 0.0;
    // One refresh a minute for an hour, each over the last hour.
    for i in 0..60 {
        let end = T0 + i * MIN;
        let answer = block_on(c.recent_errors(&groups, end - window, end)).expect("errors");
        assert_eq!(answer.incremental, i > 0);
        if i > 0 {
            scanned += answer.scanned_bytes.expect("bytes");
        }
    }
    let logged = metrics::logged_bytes_per_hour(&c.profile);
    let ratio = scanned / logged;
    // Each refresh scans its minute plus the overlap (75 s of 60): 1.25×, against 60×
    // when every refresh scanned the whole hour.
    assert!(
        (1.2..1.3).contains(&ratio),
        "scanned {ratio:.2}× the bytes logged"
    );
}
