//! The runbook engine on the simulated account: rollback targets (in-flight deploy,
//! history that makes "previous revision" wrong), scale bounds, read-only refusal,
//! execution with audit (intent before outcome, caller recorded) and verification.

mod support;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use opsdeck::audit::{AuditLog, RecordKind};
use opsdeck::cloud::sim::{self, SimClock, SimWorld};
use opsdeck::config::Environment;
use opsdeck::runbook::engine::{RunStatus, execute, execute_rollback, prepare_rollback};
use opsdeck::runbook::plan::{Action, RunContext, RunError};
use support::runbooks::{plan_shipped, temp_audit};

/// A world whose clock runs `speed` times faster than real time, `minutes` into the incident.
fn world(speed: f64, minutes: i64) -> Arc<SimWorld> {
    let w = SimWorld::new(7, SimClock::live(speed));
    w.advance(minutes * 60);
    w
}

fn ctx(world: &Arc<SimWorld>, env: &str, read_only: bool, audit: &AuditLog) -> RunContext {
    RunContext {
        env: Environment::with_defaults("cloudplatform", env),
        cloud: sim::handle(Arc::clone(world), env, read_only),
        audit: audit.clone(),
        events: None,
        poll: Duration::from_millis(20),
        cancel: Arc::new(AtomicBool::new(false)),
    }
}

#[tokio::test]
async fn rollback_during_the_incident_stops_the_in_flight_deployment() {
    let (_d, log) = temp_audit();
    let w = world(1.0, 6);
    let c = ctx(&w, "prod", false, &log);
    let p = plan_shipped(&c, "rollback", &[]).await.expect("plan");
    assert!(p.runnable(), "{:?}", p.checks);
    assert!(
        matches!(p.procedure[0].action, Some(Action::StopDeployment { .. })),
        "{:?}",
        p.procedure[0]
    );
    assert!(p.procedure[0].calls[0].contains("stopType=ROLLBACK"));
    // The plan names the revision the service lands on.
    assert!(
        p.procedure[0].calls[0].contains("lands on cloudplatform-prod-fastapi:41"),
        "{:?}",
        p.procedure[0].calls
    );
    assert!(p.needs_typed_confirmation(), "prod + high risk");
    // Nothing warns that the service is healthy: it is not.
    assert!(
        p.procedure[0]
            .warnings
            .iter()
            .all(|w| !w.contains("nothing is failing")),
        "{:?}",
        p.procedure[0].warnings
    );
}

#[tokio::test]
async fn rollback_and_restart_of_a_healthy_service_warn_that_nothing_is_failing() {
    let (_d, log) = temp_audit();
    let w = world(1.0, 1);
    let c = ctx(&w, "staging", false, &log);
    for runbook in ["rollback", "restart"] {
        let p = plan_shipped(&c, runbook, &[]).await.expect("plan");
        assert!(
            p.procedure[0]
                .warnings
                .iter()
                .any(|w| w.contains("steady and healthy") && w.contains("nothing is failing")),
            "{runbook}: {:?}",
            p.procedure[0].warnings
        );
    }
}

#[tokio::test]
async fn the_rollback_section_of_a_stopped_rollback_warns_before_restoring_the_failed_revision() {
    let (_d, log) = temp_audit();
    // 30x: the run's wait for a steady service takes seconds, not minutes.
    let w = world(30.0, 6);
    let c = ctx(&w, "prod", false, &log);
    let p = plan_shipped(&c, "rollback", &[]).await.expect("plan");
    let _ = execute(&p, &c).await;
    let steps = prepare_rollback(&p, &c).await.expect("rollback plan");
    assert!(
        steps[0]
            .calls
            .iter()
            .any(|l| l.contains("→ cloudplatform-prod-fastapi:42")),
        "the section names its target: {:?}",
        steps[0].calls
    );
    assert!(
        steps[0]
            .warnings
            .iter()
            .any(|w| w.contains("fastapi:42 is the revision the failed deployment introduced")),
        "{:?}",
        steps[0].warnings
    );
}

#[tokio::test]
async fn rollback_on_staging_skips_the_bad_previous_revision() {
    // Staging runs :42; its history says :41 was a rolled-back rc, :40 the last good.
    let (_d, log) = temp_audit();
    let w = world(1.0, 1);
    let c = ctx(&w, "staging", false, &log);
    let p = plan_shipped(&c, "rollback", &[]).await.expect("plan");
    let call = &p.procedure[0].calls[0];
    assert!(
        call.contains("fastapi:42 → cloudplatform-staging-fastapi:40"),
        "{call}"
    );
    assert!(call.contains("last completed deployment"), "{call}");
    // An explicit revision wins.
    let p = plan_shipped(&c, "rollback", &[("revision", "41")])
        .await
        .expect("plan");
    assert!(p.procedure[0].calls[0].contains("→ cloudplatform-staging-fastapi:41"));
    // Rolling back to the current revision is refused.
    assert!(matches!(
        plan_shipped(&c, "rollback", &[("revision", "42")]).await,
        Err(RunError::Refused(_))
    ));
}

#[tokio::test]
async fn scale_respects_minimum_and_auto_scaling_bounds() {
    let (_d, log) = temp_audit();
    let w = world(1.0, 1);
    let c = ctx(&w, "prod", false, &log);
    let below = plan_shipped(&c, "scale", &[("count", "2")]).await;
    assert!(
        matches!(&below, Err(RunError::Refused(m)) if m.contains("minimum of 3")),
        "{below:?}"
    );
    let above = plan_shipped(&c, "scale", &[("count", "20")]).await;
    assert!(
        matches!(&above, Err(RunError::Refused(m)) if m.contains("auto-scaling bounds")),
        "{above:?}"
    );
    let ok = plan_shipped(&c, "scale", &[("count", "5")])
        .await
        .expect("plan");
    assert!(
        ok.procedure[0]
            .calls
            .iter()
            .any(|l| l.contains("desiredCount 3 → 5"))
    );
    // Declared low risk, but an ECS write on a protected environment: the risk floor.
    assert!(ok.needs_typed_confirmation(), "scale writes to ECS on prod");
}

#[tokio::test]
async fn read_only_refuses_writing_runbooks_before_any_call() {
    let (_d, log) = temp_audit();
    let w = world(1.0, 1);
    let c = ctx(&w, "dev", true, &log);
    assert!(
        matches!(plan_shipped(&c, "restart", &[]).await, Err(RunError::Refused(m)) if m.contains("read-only"))
    );
    assert!(w.writes().is_empty());
    assert!(log.read_all().expect("audit").is_empty());
}

#[tokio::test]
async fn scale_executes_with_audit_then_verifies_steady() {
    let (_d, log) = temp_audit();
    // 100x: the simulated 30 s scale-out takes 0.3 s.
    let w = world(100.0, 0);
    let c = ctx(&w, "dev", false, &log);
    let p = plan_shipped(&c, "scale", &[("count", "2"), ("incident", "INC-42")])
        .await
        .expect("plan");
    let summary = execute(&p, &c).await;
    assert_eq!(summary.status, RunStatus::Verified, "{:?}", summary.lines);
    assert_eq!(w.writes().len(), 1);
    let records = log.read_all().expect("audit");
    assert_eq!(records.len(), 3);
    assert_eq!(records[0].kind, RecordKind::Intent);
    assert_eq!(records[1].kind, RecordKind::Outcome);
    assert_eq!(records[2].kind, RecordKind::Verified);
    assert_eq!(records[0].entry.id, records[1].entry.id);
    assert!(
        records[0]
            .entry
            .caller
            .as_deref()
            .is_some_and(|c| c.contains("111111111111"))
    );
    assert_eq!(
        records[0].entry.params.get("incident").map(String::as_str),
        Some("INC-42")
    );
    assert!(
        records[0]
            .entry
            .plan
            .iter()
            .any(|l| l.contains("desiredCount 1 → 2"))
    );
    assert!(records[1].entry.request_id.is_some());
    assert_eq!(log.verify(), Ok(3));
}

#[tokio::test]
async fn failed_verification_offers_the_rollback_section_which_restores() {
    let (_d, log) = temp_audit();
    // 20x: the 10 s wait covers 200 simulated seconds, before ECS's circuit breaker (600 s).
    let w = world(20.0, 0);
    let c = ctx(&w, "prod", false, &log);
    // Deploying the bad :42 on prod crash-loops: verification fails.
    let p = plan_shipped(&c, "deploy", &[("revision", "42"), ("timeout", "10")])
        .await
        .expect("plan");
    let summary = execute(&p, &c).await;
    assert!(
        matches!(summary.status, RunStatus::VerificationFailed(_)),
        "{:?}",
        summary
    );
    assert_eq!(summary.exit_code(), 1);
    assert!(!summary.escalation.is_empty());
    let steps = prepare_rollback(&p, &c).await.expect("rollback plan");
    assert!(
        steps[0].calls[0].contains("→ cloudplatform-prod-fastapi:41"),
        "{:?}",
        steps[0].calls
    );
    let r = execute_rollback(&p, &steps, &c).await;
    assert_eq!(r.status, RunStatus::Verified, "{:?}", r.lines);
    assert_eq!(w.writes().len(), 2);
    assert!(
        w.writes()[1].contains("taskDefinition=cloudplatform-prod-fastapi:41"),
        "{:?}",
        w.writes()
    );
}

#[tokio::test]
async fn a_deployment_ecs_rolled_back_does_not_verify() {
    let (_d, log) = temp_audit();
    // 100x: the circuit breaker (600 s) fires within the 10 s wait and ECS goes back to :41.
    let w = world(100.0, 0);
    let c = ctx(&w, "prod", false, &log);
    // The wait (30 s) outlasts the breaker (6 s at 100x): only the rollback check can end
    // it, a plain "not steady" timeout would fail this test.
    let p = plan_shipped(&c, "deploy", &[("revision", "42"), ("timeout", "30")])
        .await
        .expect("plan");
    let summary = execute(&p, &c).await;
    assert!(
        matches!(&summary.status, RunStatus::VerificationFailed(m) if m.contains("rolled the deployment back")),
        "{summary:?}"
    );
}

/// A runbook file cannot lower the risk of a guarded write: `risk = "low"` with an ECS
/// write on prod still needs the typed confirmation; an SNS-only runbook does not.
#[tokio::test]
async fn risk_has_a_floor_a_file_cannot_lower() {
    let (_d, log) = temp_audit();
    let w = world(1.0, 0);
    let c = ctx(&w, "prod", false, &log);
    let scale = "name = \"quiet-scale\"\ntitle = \"t\"\npurpose = \"p\"\nrisk = \"low\"\nescalation = \"e\"\n[params.count]\ntype = \"int\"\n[[procedure]]\nkind = \"ecs.scale\"\ncluster = \"{env.cluster}\"\nservice = \"{env.service}\"\ncount = \"{param.count}\"\n";
    let rb =
        opsdeck::runbook::file::parse(std::path::Path::new("quiet.toml"), scale).expect("runbook");
    let p = support::runbooks::prepare_with(&c, &rb, &[("count", "4")])
        .await
        .expect("plan");
    assert_eq!(rb.risk, opsdeck::runbook::model::Risk::Low);
    assert!(p.needs_typed_confirmation(), "ECS write on prod");
    let dev = ctx(&w, "dev", false, &log);
    let p = support::runbooks::prepare_with(&dev, &rb, &[("count", "3")])
        .await
        .expect("plan");
    assert!(!p.needs_typed_confirmation(), "dev is not protected");
    // A user file that replaced a shipped runbook says so in the plan and the audit log.
    let mut mine = rb.clone();
    mine.replaces_shipped = true;
    let p = support::runbooks::prepare_with(&dev, &mine, &[("count", "3")])
        .await
        .expect("plan");
    assert!(
        p.lines().iter().any(|l| l.contains("replaces the shipped")),
        "{:?}",
        p.lines()
    );
    execute(&p, &dev).await;
    let records = log.read_all().expect("audit");
    assert!(!records.is_empty());
    assert!(
        records.iter().all(|r| r
            .entry
            .origin
            .as_deref()
            .is_some_and(|o| o.contains("replaces the shipped"))),
        "{records:?}"
    );
}
