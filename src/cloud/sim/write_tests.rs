//! Writes to the simulated account through the cloud traits: deployments, scaling,
//! forced deployments, rollbacks, refusals, injected failures, read-only handles and the
//! demo clock.

use std::collections::HashSet;
use std::sync::Arc;

use futures::executor::block_on;

use super::tests::{MIN, PROD_API, PROD_CLUSTER, T0, api, cloud, records, tasks, td, world};
use super::*;
use crate::cloud::CloudRead;

#[test]
fn new_task_definition_rolls_out_in_ninety_seconds() {
    let w = world(2);
    w.set_elapsed(30 * MIN);
    let c = cloud(&w, "staging");
    let update = ServiceUpdate {
        task_definition: Some("cloudplatform-staging-fastapi:40".into()),
        ..Default::default()
    };
    let receipt =
        block_on(c.update_service(&c.cluster(), "cloudplatform-staging-ecs-service", &update))
            .expect("update");
    assert!(receipt.request_id.is_some());
    assert!(
        receipt
            .summary
            .contains("cloudplatform-staging-fastapi:42 → cloudplatform-staging-fastapi:40")
    );
    assert_eq!(
        w.writes(),
        vec!["staging UpdateService cloudplatform-staging-ecs-cluster/cloudplatform-staging-ecs-service taskDefinition=cloudplatform-staging-fastapi:40".to_string()]
    );
    w.advance(30);
    let s = api(&c);
    assert_eq!(s.deployments.len(), 2);
    assert_eq!(td(&s.task_definition), "cloudplatform-staging-fastapi:40");
    assert_eq!(
        s.primary_deployment()
            .and_then(|d| d.rollout_state.clone())
            .as_deref(),
        Some("IN_PROGRESS")
    );
    w.advance(60);
    let s = api(&c);
    assert!(s.is_steady(), "{:#?}", s.deployments);
    assert_eq!(records(&c)[0].status, "SUCCESSFUL");
    let live: Vec<_> = tasks(&c)
        .into_iter()
        .filter(|t| {
            t.last_status == "RUNNING"
                && t.service_name() == Some("cloudplatform-staging-ecs-service")
        })
        .collect();
    assert_eq!(live.len(), 2);
    assert!(
        live.iter()
            .all(|t| t.task_definition() == "cloudplatform-staging-fastapi:40")
    );
}

#[test]
fn desired_count_changes_tasks_within_thirty_seconds() {
    let w = world(4);
    w.set_elapsed(20 * MIN);
    let c = cloud(&w, "prod");
    let up = ServiceUpdate {
        desired_count: Some(5),
        ..Default::default()
    };
    block_on(c.update_service(PROD_CLUSTER, PROD_API, &up)).expect("scale up");
    assert_eq!(api(&c).desired, 5);
    w.advance(30);
    let s = api(&c);
    assert_eq!((s.desired, s.running), (5, 5));
    assert_eq!(s.deployments.len(), 1);
    let down = ServiceUpdate {
        desired_count: Some(3),
        ..Default::default()
    };
    block_on(c.update_service(PROD_CLUSTER, PROD_API, &down)).expect("scale down");
    w.advance(30);
    let s = api(&c);
    assert_eq!((s.desired, s.running), (3, 3));
    assert!(s.is_steady());
}

#[test]
fn force_new_deployment_replaces_tasks() {
    let w = world(8);
    let c = cloud(&w, "dev");
    let before: HashSet<_> = tasks(&c).into_iter().map(|t| t.arn).collect();
    let force = ServiceUpdate {
        force_new_deployment: true,
        ..Default::default()
    };
    block_on(c.update_service(&c.cluster(), "cloudplatform-dev-ecs-service", &force))
        .expect("force");
    w.advance(DEPLOY_SETTLE);
    let s = api(&c);
    assert!(s.is_steady());
    assert_eq!(td(&s.task_definition), "cloudplatform-dev-fastapi:56");
    let running: Vec<_> = tasks(&c)
        .into_iter()
        .filter(|t| {
            t.last_status == "RUNNING" && t.service_name() == Some("cloudplatform-dev-ecs-service")
        })
        .collect();
    assert_eq!(running.len(), 1);
    assert!(!before.contains(&running[0].arn));
}

#[test]
fn manual_rollback_during_the_incident_preempts_the_breaker() {
    let w = world(6);
    w.set_elapsed(6 * MIN);
    let c = cloud(&w, "prod");
    let rollback = ServiceUpdate {
        task_definition: Some(
            "arn:aws:ecs:us-east-1:333333333333:task-definition/cloudplatform-prod-fastapi:41"
                .into(),
        ),
        ..Default::default()
    };
    block_on(c.update_service(PROD_CLUSTER, PROD_API, &rollback)).expect("rollback");
    w.set_elapsed(8 * MIN);
    assert!(api(&c).is_steady());
    w.set_elapsed(20 * MIN);
    let s = api(&c);
    assert!(s.is_steady());
    assert!(
        !s.events
            .iter()
            .any(|e| e.message.contains("circuit") || e.message.contains("deployment failed"))
    );
    let r = records(&c);
    assert_eq!(
        (r[0].status.as_str(), r[1].status.as_str()),
        ("SUCCESSFUL", "STOPPED")
    );
}

#[test]
fn bad_writes_are_refused_and_not_recorded() {
    let w = world(0);
    let c = cloud(&w, "prod");
    let scale = ServiceUpdate {
        desired_count: Some(4),
        ..Default::default()
    };
    assert!(matches!(
        block_on(c.update_service(PROD_CLUSTER, "nope", &scale)),
        Err(CloudError::NotFound(_))
    ));
    assert!(matches!(
        block_on(c.update_service("other-cluster", PROD_API, &scale)),
        Err(CloudError::NotFound(_))
    ));
    let bad_td = ServiceUpdate {
        task_definition: Some("cloudplatform-prod-fastapi:999".into()),
        ..Default::default()
    };
    assert!(matches!(
        block_on(c.update_service(PROD_CLUSTER, PROD_API, &bad_td)),
        Err(CloudError::Invalid(_))
    ));
    let negative = ServiceUpdate {
        desired_count: Some(-1),
        ..Default::default()
    };
    assert!(matches!(
        block_on(c.update_service(PROD_CLUSTER, PROD_API, &negative)),
        Err(CloudError::Invalid(_))
    ));
    assert!(w.writes().is_empty());
}

#[test]
fn failing_sources_return_their_error_until_healed() {
    let w = world(0);
    let c = cloud(&w, "prod");
    let denied = CloudError::AccessDenied("ecs:ListTasks".into());
    w.fail(SimSource::EcsTasks, denied.clone());
    assert_eq!(block_on(c.list_tasks(PROD_CLUSTER)), Err(denied));
    assert!(block_on(c.list_services(PROD_CLUSTER)).is_ok());
    w.fail(
        SimSource::Identity,
        CloudError::ExpiredCredentials("token".into()),
    );
    assert!(matches!(
        block_on(c.caller_identity()),
        Err(CloudError::ExpiredCredentials(_))
    ));
    w.fail(
        SimSource::ServiceDeployments,
        CloudError::Unsupported("ListServiceDeployments".into()),
    );
    assert!(block_on(c.list_service_deployments(PROD_CLUSTER, PROD_API)).is_err());
    w.fail(
        SimSource::TaskDefinitions,
        CloudError::Throttled("slow down".into()),
    );
    assert!(block_on(c.describe_task_definition("cloudplatform-prod-fastapi:41")).is_err());
    w.fail(SimSource::EcsWrites, CloudError::Network("timeout".into()));
    assert!(block_on(c.update_service(PROD_CLUSTER, PROD_API, &ServiceUpdate::default())).is_err());
    w.fail(SimSource::EcsServices, CloudError::Service("boom".into()));
    assert!(block_on(c.list_services(PROD_CLUSTER)).is_err());
    for s in [
        SimSource::EcsTasks,
        SimSource::Identity,
        SimSource::ServiceDeployments,
        SimSource::TaskDefinitions,
        SimSource::EcsWrites,
        SimSource::EcsServices,
    ] {
        w.heal(s);
    }
    assert!(block_on(c.list_tasks(PROD_CLUSTER)).is_ok());
    assert!(block_on(c.caller_identity()).is_ok());
    assert!(block_on(c.update_service(PROD_CLUSTER, PROD_API, &ServiceUpdate::default())).is_ok());
}

#[test]
fn read_only_handle_has_no_actor() {
    let w = world(0);
    let h = handle(w.clone(), "prod", true);
    assert!(h.is_read_only());
    assert!(h.act.is_none());
    assert!(matches!(h.actor(), Err(CloudError::ReadOnly)));
    let read: Arc<dyn CloudRead> = h.read.clone();
    assert!(block_on(read.list_services(PROD_CLUSTER)).is_ok());
    let h = SimCloud::handle(w.clone(), "prod", false);
    let actor = h.actor().expect("actor");
    let update = ServiceUpdate {
        desired_count: Some(4),
        ..Default::default()
    };
    block_on(actor.update_service(PROD_CLUSTER, PROD_API, &update)).expect("write");
    assert_eq!(w.writes().len(), 1);
}

#[test]
fn demo_clock_starts_at_the_wall_clock() {
    let w = SimWorld::new(1, SimClock::live(1.0));
    assert!((w.start() - wall_clock_now()).abs() <= 1);
    let c = cloud(&w, "prod");
    assert!(api(&c).is_steady());
}

#[test]
fn an_operator_rollback_ends_the_errors_before_the_circuit_breaker() {
    use crate::cloud::MetricsRead;
    let incident_errors = |w: &Arc<SimWorld>| {
        let c = cloud(w, "prod");
        let groups = vec!["/ecs/prod/fastapi".to_string()];
        let rows = block_on(c.recent_errors(&groups, T0 + 9 * MIN, T0 + 10 * MIN)).expect("errors");
        let alarms = block_on(c.describe_alarms("cloudplatform-prod-")).expect("alarms");
        (
            rows.len(),
            alarms
                .iter()
                .filter(|a| a.state == crate::cloud::AlarmState::Alarm)
                .count(),
        )
    };
    let scripted = world(7);
    scripted.set_time(T0 + 10 * MIN);
    let (errors, alarms) = incident_errors(&scripted);
    assert!(
        errors > 5 && alarms > 0,
        "mid-incident: {errors} errors, {alarms} alarms"
    );

    let rolled_back = world(7);
    rolled_back.set_time(T0 + 5 * MIN);
    let c = cloud(&rolled_back, "prod");
    block_on(c.update_service(
        PROD_CLUSTER,
        PROD_API,
        &ServiceUpdate {
            task_definition: Some("cloudplatform-prod-fastapi:41".into()),
            ..Default::default()
        },
    ))
    .expect("rollback");
    rolled_back.set_time(T0 + 10 * MIN);
    let (errors, alarms) = incident_errors(&rolled_back);
    assert_eq!(
        (errors, alarms),
        (0, 0),
        "the rollback at 5:00 ended it by 8:00"
    );
    // The metrics agree: 5xx back to the calm background.
    assert!(metrics::badness("prod", 10 * MIN, Some(5 * MIN)) == 0.0);
}
