//! The incident runbooks on the simulated account: rotate-secret (rotation, wait, restart
//! of every service that injects the secret; refusals when none is configured or one is
//! in progress), isolate-task (containment, protection, tags, capacity, alert, rollback),
//! break-glass (session identity, expiry, a wrong MFA code), incident-response (snapshot,
//! evidence file, alert), and read-only refusal of all four before any call.

mod support;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use opsdeck::audit::{AuditLog, RecordKind};
use opsdeck::cloud::sim::{self, SimClock, SimWorld, demo_incident_settings};
use opsdeck::cloud::{CloudError, EcsTask};
use opsdeck::config::Environment;
use opsdeck::runbook::engine::{RunStatus, execute, execute_rollback, prepare_rollback};
use opsdeck::runbook::plan::{RunContext, RunError};
use support::runbooks::{plan_shipped, temp_audit};

/// 2026-11-22 13:30:00 UTC.
const NOW: i64 = 1_795_354_200;

fn env(name: &str) -> Environment {
    let mut env = Environment::with_defaults("cloudplatform", name);
    demo_incident_settings(&mut env);
    env
}

fn ctx(world: &Arc<SimWorld>, name: &str, read_only: bool, audit: &AuditLog) -> RunContext {
    RunContext {
        env: env(name),
        cloud: sim::handle(Arc::clone(world), name, read_only),
        audit: audit.clone(),
        events: None,
        poll: Duration::from_millis(10),
        cancel: Arc::new(AtomicBool::new(false)),
    }
}

/// A world calm after the prod incident (20 minutes in), running `speed`x real time.
fn calm(speed: f64) -> Arc<SimWorld> {
    let w = SimWorld::new(7, SimClock::live(speed));
    w.advance(20 * 60);
    w
}

async fn running_api_task(c: &RunContext) -> EcsTask {
    c.cloud
        .read
        .list_tasks(&c.env.cluster)
        .await
        .expect("tasks")
        .into_iter()
        .find(|t| t.last_status == "RUNNING" && t.service_name() == Some(c.env.service.as_str()))
        .expect("a running API task")
}

fn audit_kinds(log: &AuditLog) -> Vec<RecordKind> {
    log.read_all()
        .expect("audit")
        .iter()
        .map(|r| r.kind)
        .collect()
}

#[tokio::test]
async fn rotate_secret_rotates_waits_and_restarts_every_service_that_injects_it() {
    let (_d, log) = temp_audit();
    let w = calm(600.0);
    let c = ctx(&w, "prod", false, &log);
    let p = plan_shipped(
        &c,
        "rotate-secret",
        &[("secret", "/prod/database/credentials")],
    )
    .await
    .expect("plan");
    assert!(p.runnable(), "{:?}", p.checks);
    let text = p.lines().join("\n");
    assert!(text.contains("secretsmanager:RotateSecret SecretId=arn:aws:secretsmanager:us-east-1:333333333333:secret:/prod/database/credentials-AbCdEf RotateImmediately=true ClientRequestToken=opsdeck-run-"), "{text}");
    assert!(
        text.contains("service=cloudplatform-prod-ecs-service forceNewDeployment=true"),
        "{text}"
    );
    assert!(
        text.contains("service=cloudplatform-prod-worker forceNewDeployment=true"),
        "{text}"
    );
    assert!(p.needs_typed_confirmation(), "prod + high risk");
    let summary = execute(&p, &c).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:#?}");
    let writes = w.writes();
    assert!(
        writes[0].starts_with("prod RotateSecret /prod/database/credentials"),
        "{writes:?}"
    );
    assert_eq!(writes.len(), 3, "{writes:?}");
    assert!(
        writes[1..].iter().all(|l| l.contains("force")),
        "{writes:?}"
    );
    // One intent/outcome pair per call (the rotation and each restart), then the
    // verification's record.
    assert_eq!(audit_kinds(&log).len(), 7);
    let rotated = c
        .cloud
        .read
        .describe_secret("/prod/database/credentials")
        .await
        .expect("describe");
    assert!(rotated.pending().is_none());
    assert!(rotated.last_rotated > Some(w.start()), "{rotated:?}");
}

#[tokio::test]
async fn rotate_secret_rotates_by_hand_when_none_is_configured_and_refuses_one_in_progress() {
    let (_d, log) = temp_audit();
    let w = SimWorld::new(7, SimClock::Fixed(NOW));
    let staging = ctx(&w, "staging", false, &log);
    match plan_shipped(
        &staging,
        "rotate-secret",
        &[("secret", "/staging/database/credentials")],
    )
    .await
    {
        // Rotated by hand (tests/runbook_rotation_sim.rs).
        Ok(p) => assert!(
            p.lines().join("\n").contains("rotated by hand"),
            "{:?}",
            p.lines()
        ),
        other => panic!("expected a hand rotation, got {other:?}"),
    }
    let prod = ctx(&w, "prod", false, &log);
    prod.cloud
        .actor()
        .expect("actor")
        .rotate_secret(
            "/prod/database/credentials",
            "someone-else-started-this-rotation-0001",
        )
        .await
        .expect("first rotation");
    match plan_shipped(
        &prod,
        "rotate-secret",
        &[("secret", "/prod/database/credentials")],
    )
    .await
    {
        Err(RunError::Refused(m)) => {
            assert!(
                m.contains("already in progress") && m.contains("AWSPENDING"),
                "{m}"
            )
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    match plan_shipped(&prod, "rotate-secret", &[("secret", "/prod/nope")]).await {
        Err(RunError::Cloud(CloudError::NotFound(m))) => assert!(m.contains("can't find"), "{m}"),
        other => panic!("expected not found, got {other:?}"),
    }
}

#[tokio::test]
async fn isolate_task_contains_first_then_protects_tags_adds_capacity_alerts_and_rolls_back() {
    let (_d, log) = temp_audit();
    let w = SimWorld::new(7, SimClock::Fixed(NOW));
    w.advance(20 * 60);
    let c = ctx(&w, "prod", false, &log);
    let task = running_api_task(&c).await;
    let ip = task.private_ip.clone().expect("ip");
    let eni = task.eni_id.clone().expect("eni");
    let quarantine = c.env.quarantine_security_group.clone().expect("sg");
    let before = c.cloud.read.network_interface(&eni).await.expect("eni");
    let p = plan_shipped(
        &c,
        "isolate-task",
        &[
            ("task", &task.arn),
            ("reason", "GuardDuty CryptoCurrency:Runtime/BitcoinTool.B"),
            ("incident", "INC-812"),
        ],
    )
    .await
    .expect("plan");
    let text = p.lines().join("\n");
    for needle in [
        format!("ENI {eni}, IP {ip}"),
        format!("Groups [{}] → [{quarantine}]", before.groups.join(", ")),
        "DeregisterTargets TargetGroupArn=".to_string(),
        format!("Id={ip} Port=8000"),
        "UpdateTaskProtection".to_string(),
        "opsdeck:isolated-reason=GuardDuty CryptoCurrency:Runtime/BitcoinTool.B".to_string(),
        "opsdeck:incident=INC-812".to_string(),
        "desiredCount 3 → 4".to_string(),
        "sns:Publish TopicArn=arn:aws:sns:us-east-1:333333333333:cloudplatform-prod-alerts"
            .to_string(),
    ] {
        assert!(text.contains(&needle), "missing {needle:?} in\n{text}");
    }
    // Containment is the first write.
    assert!(
        p.procedure[0]
            .calls
            .iter()
            .any(|l| l.contains("ModifyNetworkInterfaceAttribute"))
    );
    let summary = execute(&p, &c).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:#?}");
    let after = c.cloud.read.network_interface(&eni).await.expect("eni");
    assert_eq!(after.groups, vec![quarantine.clone()]);
    let ledger = w.incident_ledger();
    assert_eq!(ledger.deregistered.len(), 1);
    assert_eq!(ledger.deregistered[0].id, ip);
    assert_eq!(ledger.protected, vec![task.arn.clone()]);
    assert!(
        ledger
            .task_tags
            .iter()
            .any(|(a, k, v)| a == &task.arn && k == "opsdeck:incident" && v == "INC-812")
    );
    assert_eq!(ledger.alerts.len(), 1);
    assert!(
        ledger.alerts[0].2.contains("reason=GuardDuty"),
        "{:?}",
        ledger.alerts
    );
    let writes = w.writes();
    assert!(
        writes[0].contains("ModifyNetworkInterfaceAttribute"),
        "{writes:?}"
    );
    assert!(
        writes
            .iter()
            .any(|l| l.contains("UpdateService") && l.contains('4')),
        "{writes:?}"
    );

    // The rollback gives the ENI its groups back and re-registers the IP.
    let steps = prepare_rollback(&p, &c).await.expect("rollback plan");
    let rollback = execute_rollback(&p, &steps, &c).await;
    assert_eq!(rollback.status, RunStatus::Verified, "{rollback:#?}");
    let restored = c.cloud.read.network_interface(&eni).await.expect("eni");
    assert_eq!(restored.groups, before.groups);
    assert!(w.incident_ledger().deregistered.is_empty());
}

#[tokio::test]
async fn isolate_task_without_a_quarantine_group_is_refused_before_any_write() {
    let (_d, log) = temp_audit();
    let w = SimWorld::new(7, SimClock::Fixed(NOW));
    let mut c = ctx(&w, "prod", false, &log);
    c.env.quarantine_security_group = None;
    let task = running_api_task(&c).await;
    match plan_shipped(&c, "isolate-task", &[("task", &task.arn), ("reason", "x")]).await {
        Err(RunError::Refused(m)) => assert!(m.contains("quarantine_security_group"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(w.writes().is_empty());
}

#[tokio::test]
async fn isolate_task_refuses_a_stopped_task_before_any_write() {
    let (_d, log) = temp_audit();
    let w = SimWorld::new(7, SimClock::Fixed(NOW));
    // Six minutes into the prod incident the crash-looping tasks have stopped.
    w.advance(6 * 60);
    let c = ctx(&w, "prod", false, &log);
    let stopped = c
        .cloud
        .read
        .list_tasks(&c.env.cluster)
        .await
        .expect("tasks")
        .into_iter()
        .find(|t| t.last_status == "STOPPED")
        .expect("a stopped task during the incident");
    match plan_shipped(
        &c,
        "isolate-task",
        &[("task", &stopped.arn), ("reason", "x")],
    )
    .await
    {
        Err(RunError::Refused(m)) => {
            assert!(m.contains("STOPPED"), "{m}");
            assert!(m.contains("nothing to isolate"), "{m}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(w.writes().is_empty());
}

#[tokio::test]
async fn break_glass_opens_a_session_that_expires_and_a_wrong_code_is_denied() {
    let (_d, log) = temp_audit();
    let w = SimWorld::new(7, SimClock::Fixed(NOW));
    let c = ctx(&w, "prod", false, &log);
    let p = plan_shipped(
        &c,
        "break-glass",
        &[
            ("token", "123456"),
            ("reason", "drop a stuck lock"),
            ("duration", "15"),
            ("incident", "INC-812"),
        ],
    )
    .await
    .expect("plan");
    let text = p.lines().join("\n");
    assert!(
        text.contains("RoleSessionName=oncall@example.com-INC-812"),
        "{text}"
    );
    assert!(
        text.contains("TokenCode=<redacted> DurationSeconds=900"),
        "{text}"
    );
    assert!(!text.contains("123456"), "{text}");
    assert!(!format!("{:?}", p.procedure).contains("123456"));
    let summary = execute(&p, &c).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:#?}");
    let elevation = summary.elevation.clone().expect("a session");
    assert_eq!(elevation.expires_at, NOW + 900);
    let who = elevation
        .handle
        .read
        .caller_identity()
        .await
        .expect("identity");
    assert_eq!(
        who.arn,
        "arn:aws:sts::333333333333:assumed-role/cloudplatform-prod-break-glass/oncall@example.com-INC-812"
    );
    assert_eq!(w.incident_ledger().alerts.len(), 1);
    let audit = std::fs::read_to_string(log.path()).expect("audit");
    assert!(
        !audit.contains("123456"),
        "the MFA code must never reach the audit log"
    );
    assert!(audit.contains("<redacted>"));
    // At expiry the session stops working.
    w.set_time(NOW + 900);
    assert!(matches!(
        elevation.handle.read.caller_identity().await,
        Err(CloudError::ExpiredCredentials(_))
    ));
    // A wrong code is denied by STS: reported, audited, no session.
    let bad = plan_shipped(&c, "break-glass", &[("token", "000000"), ("reason", "x")])
        .await
        .expect("plan");
    let summary = execute(&bad, &c).await;
    assert!(
        matches!(&summary.status, RunStatus::Failed(m) if m.contains("MultiFactorAuthentication failed")),
        "{summary:?}"
    );
    assert!(summary.elevation.is_none());
    // Codes that are not 6 digits never leave the process.
    assert!(matches!(
        plan_shipped(&c, "break-glass", &[("token", "12ab"), ("reason", "x")]).await,
        Err(RunError::Refused(_))
    ));
    assert!(matches!(
        plan_shipped(
            &c,
            "break-glass",
            &[("token", "123456"), ("reason", "x"), ("duration", "90")]
        )
        .await,
        Err(RunError::Refused(_))
    ));
}

#[tokio::test]
async fn incident_response_snapshots_exports_error_logs_and_notifies() {
    let (dir, log) = temp_audit();
    let w = calm(1.0);
    let c = ctx(&w, "prod", false, &log);
    let p = plan_shipped(&c, "incident-response", &[("incident", "INC-812")])
        .await
        .expect("plan");
    let text = p.lines().join("\n");
    assert!(text.contains("rds:CreateDBSnapshot"), "{text}");
    assert!(
        text.contains("manual: Isolate every compromised task"),
        "{text}"
    );
    let summary = execute(&p, &c).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:#?}");
    let evidence = dir.path().join("evidence/prod/INC-812");
    let files: Vec<_> = std::fs::read_dir(&evidence)
        .expect("evidence dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let body = std::fs::read_to_string(&files[0]).expect("evidence");
    assert!(
        !body.is_empty() && body.lines().all(|l| l.contains("ERROR")),
        "{body}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files[0])
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let audit = std::fs::read_to_string(log.path()).expect("audit");
    assert!(audit.contains("sha256"), "the evidence digest is audited");
    let snapshots = c
        .cloud
        .read
        .db_snapshots(&c.env.db_instance)
        .await
        .expect("snapshots");
    assert_eq!(snapshots.len(), 1, "{snapshots:?}");
    assert_eq!(w.incident_ledger().alerts.len(), 1);
}

#[tokio::test]
async fn read_only_refuses_every_incident_runbook_before_any_call() {
    let (_d, log) = temp_audit();
    let w = SimWorld::new(7, SimClock::Fixed(NOW));
    let c = ctx(&w, "prod", true, &log);
    for (name, params) in [
        (
            "rotate-secret",
            vec![("secret", "/prod/database/credentials")],
        ),
        (
            "isolate-task",
            vec![
                ("task", "arn:aws:ecs:us-east-1:333333333333:task/c/abc"),
                ("reason", "x"),
            ],
        ),
        ("break-glass", vec![("token", "123456"), ("reason", "x")]),
        ("incident-response", vec![("incident", "INC-1")]),
    ] {
        match plan_shipped(&c, name, &params).await {
            Err(RunError::Refused(m)) => assert!(m.contains("read-only"), "{name}: {m}"),
            other => panic!("{name}: expected a refusal, got {other:?}"),
        }
    }
    assert!(w.writes().is_empty());
    assert!(log.read_all().expect("audit").is_empty());
}
