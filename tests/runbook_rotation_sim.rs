//! Manual secret rotation and Redis AUTH rotation on the simulated account (the demo):
//! versions with stages, the services that inject the secret restarted, the replication
//! group briefly `modifying`, the rollback, deterministic generated values, and both
//! runbooks refused read-only before any call and needing the typed confirmation on prod.

mod support;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use opsdeck::audit::AuditLog;
use opsdeck::cloud::sim::{self, SimClock, SimWorld, demo_incident_settings};
use opsdeck::cloud::{AWS_PREVIOUS, PasswordPolicy, SecretMeta};
use opsdeck::config::Environment;
use opsdeck::runbook::engine::{RunStatus, execute, execute_rollback, prepare_rollback};
use opsdeck::runbook::plan::{RunContext, RunError};
use support::runbooks::{plan_shipped, temp_audit};

fn ctx(world: &Arc<SimWorld>, name: &str, read_only: bool, audit: &AuditLog) -> RunContext {
    let mut env = Environment::with_defaults("cloudplatform", name);
    demo_incident_settings(&mut env);
    RunContext {
        env,
        cloud: sim::handle(Arc::clone(world), name, read_only),
        audit: audit.clone(),
        events: None,
        poll: Duration::from_millis(10),
        cancel: Arc::new(AtomicBool::new(false)),
    }
}

/// A world calm after the prod incident (20 minutes in), running 600x real time.
fn calm() -> Arc<SimWorld> {
    let w = SimWorld::new(7, SimClock::live(600.0));
    w.advance(20 * 60);
    w
}

fn holder(m: &SecretMeta, stage: &str) -> Option<String> {
    m.versions
        .iter()
        .find(|v| v.stages.iter().any(|s| s == stage))
        .map(|v| v.id.clone())
}

async fn secret(c: &RunContext, name: &str) -> SecretMeta {
    c.cloud.read.describe_secret(name).await.expect("describe")
}

#[tokio::test]
async fn staging_credentials_are_rotated_by_hand_restarted_and_rolled_back() {
    const NAME: &str = "/staging/database/credentials";
    let (_d, log) = temp_audit();
    let w = calm();
    let c = ctx(&w, "staging", false, &log);
    let before = secret(&c, NAME).await;
    let old = before.current().expect("current").to_string();
    let p = plan_shipped(&c, "rotate-secret", &[("secret", NAME)])
        .await
        .expect("plan");
    let text = p.lines().join("\n");
    assert!(text.contains("rotated by hand"), "{text}");
    assert!(
        text.contains("secretsmanager:GetRandomPassword PasswordLength=32"),
        "{text}"
    );
    assert!(
        text.contains("service=cloudplatform-staging-ecs-service forceNewDeployment=true"),
        "{text}"
    );
    let summary = execute(&p, &c).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:#?}");
    let after = secret(&c, NAME).await;
    let new = after.current().expect("current").to_string();
    assert!(new.starts_with("opsdeck-run-"), "{after:?}");
    assert_eq!(holder(&after, AWS_PREVIOUS), Some(old.clone()));
    assert!(after.pending().is_none());
    let writes = w.writes();
    assert!(writes[0].contains("PutSecretValue"), "{writes:?}");
    assert!(writes[1].contains("UpdateSecretVersionStage"), "{writes:?}");
    assert!(
        writes[2..].iter().all(|l| l.contains("force")),
        "{writes:?}"
    );
    // The rollback: AWSCURRENT back, and the services restarted again.
    let back = prepare_rollback(&p, &c).await.expect("rollback plan");
    let r = execute_rollback(&p, &back, &c).await;
    assert_eq!(r.status, RunStatus::Verified, "{r:#?}");
    let rolled = secret(&c, NAME).await;
    assert_eq!(rolled.current(), Some(old.as_str()));
    assert_eq!(holder(&rolled, AWS_PREVIOUS), Some(new));
    assert!(
        w.writes().len() > writes.len() + 1,
        "a stage move and restarts"
    );
}

#[tokio::test]
async fn redis_auth_is_rotated_then_set_with_the_group_briefly_modifying() {
    const NAME: &str = "/prod/redis/auth-token";
    let (_d, log) = temp_audit();
    let w = calm();
    let c = ctx(&w, "prod", false, &log);
    let p = plan_shipped(&c, "rotate-redis-auth", &[("secret", NAME)])
        .await
        .expect("plan");
    assert!(p.needs_typed_confirmation(), "prod + high risk");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let c = RunContext {
        events: Some(tx),
        ..c
    };
    let summary = execute(&p, &c).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:#?}");
    let mut log_lines = Vec::new();
    while let Ok(ev) = rx.try_recv() {
        if let opsdeck::runbook::plan::RunEvent::Log(l) = ev {
            log_lines.push(l);
        }
    }
    assert!(
        log_lines.iter().any(|l| l.contains("modifying")),
        "the group was seen modifying: {log_lines:#?}"
    );
    let writes = w.writes();
    let kinds: Vec<&str> = writes
        .iter()
        .map(|l| {
            [
                "AuthTokenUpdateStrategy=ROTATE",
                "PutSecretValue",
                "UpdateSecretVersionStage",
                "force",
                "AuthTokenUpdateStrategy=SET",
            ]
            .into_iter()
            .find(|k| l.contains(k))
            .unwrap_or(l)
        })
        .collect();
    assert_eq!(
        kinds[..3],
        [
            "AuthTokenUpdateStrategy=ROTATE",
            "PutSecretValue",
            "UpdateSecretVersionStage"
        ],
        "{writes:?}"
    );
    assert_eq!(
        kinds.last(),
        Some(&"AuthTokenUpdateStrategy=SET"),
        "{writes:?}"
    );
    assert!(
        kinds[3..kinds.len() - 1].iter().all(|k| *k == "force"),
        "{writes:?}"
    );
    assert!(
        kinds.len() >= 5,
        "at least one service restarted: {writes:?}"
    );
    let after = secret(&c, NAME).await;
    assert!(
        after
            .current()
            .is_some_and(|v| v.starts_with("opsdeck-run-"))
    );
    let group = c
        .cloud
        .read
        .cache_replication_group("cloudplatform-prod-redis")
        .await
        .expect("group");
    assert_eq!(group.status, "available");
    assert!(group.auth_token_modified > Some(w.start()), "{group:?}");
}

#[tokio::test]
async fn generated_values_are_deterministic_and_follow_the_policy() {
    let (_d, log) = temp_audit();
    let make = || async {
        let w = SimWorld::new(7, SimClock::Fixed(1_795_354_200));
        let c = ctx(&w, "dev", false, &log);
        let act = c.cloud.actor().expect("actor").clone();
        let policy = PasswordPolicy {
            length: 48,
            exclude_characters: "0Oo".into(),
            exclude_punctuation: true,
        };
        (
            act.random_password(&policy).await.expect("one"),
            act.random_password(&policy).await.expect("two"),
        )
    };
    let (a1, a2) = make().await;
    let (b1, _) = make().await;
    assert_eq!(a1, b1, "the same world makes the same values");
    assert_ne!(a1, a2, "each call a new one");
    assert_eq!(a1.0.len(), 48);
    assert!(
        a1.0.chars()
            .all(|c| c.is_ascii_alphanumeric() && !"0Oo".contains(c))
    );
    assert_eq!(format!("{a1:?}"), "<redacted>");
}

#[tokio::test]
async fn both_are_refused_read_only_before_any_call() {
    let (_d, log) = temp_audit();
    let w = calm();
    let c = ctx(&w, "prod", true, &log);
    for (name, secret) in [
        ("rotate-secret", "/prod/app/jwt-secret"),
        ("rotate-redis-auth", "/prod/redis/auth-token"),
    ] {
        match plan_shipped(&c, name, &[("secret", secret)]).await {
            Err(RunError::Refused(m)) => assert!(m.contains("read-only"), "{m}"),
            other => panic!("{name}: expected a refusal, got {other:?}"),
        }
    }
    assert!(w.writes().is_empty());
    assert!(log.read_all().map(|r| r.is_empty()).unwrap_or(true));
    // The hand rotation on prod needs the environment name typed too.
    let rw = ctx(&w, "prod", false, &log);
    let p = plan_shipped(&rw, "rotate-secret", &[("secret", "/prod/app/jwt-secret")])
        .await
        .expect("plan");
    assert!(p.lines().join("\n").contains("rotated by hand"));
    assert!(p.needs_typed_confirmation());
}
