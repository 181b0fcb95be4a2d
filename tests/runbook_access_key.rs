//! `deactivate-access-key`: on the simulated account (the key the demo's finding names:
//! plan shows whose key and its last use, the run makes it inactive, alerts, verifies,
//! and the rollback makes it active again; an inactive key is refused; read-only refuses
//! before any call) and against moto (GetAccessKeyLastUsed finds the user; UpdateAccessKey
//! read back with ListAccessKeys, then the rollback's).

mod support;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use opsdeck::audit::AuditLog;
use opsdeck::cloud::sim::{self, SIM_ACCESS_KEY, SimClock, SimWorld, demo_incident_settings};
use opsdeck::config::Environment;
use opsdeck::runbook::engine::{RunStatus, execute, execute_rollback, prepare_rollback};
use opsdeck::runbook::plan::{RunContext, RunError};
use support::iam_seed::{alert_topic, key_status, user_with_key};
use support::moto;
use support::runbooks::{moto_handle, plan_shipped, temp_audit};

fn sim_ctx(world: &Arc<SimWorld>, read_only: bool, audit: &AuditLog) -> RunContext {
    let mut env = Environment::with_defaults("cloudplatform", "prod");
    demo_incident_settings(&mut env);
    RunContext {
        env,
        cloud: sim::handle(Arc::clone(world), "prod", read_only),
        audit: audit.clone(),
        events: None,
        poll: Duration::from_millis(10),
        cancel: Arc::new(AtomicBool::new(false)),
    }
}

#[tokio::test]
async fn the_demo_key_is_deactivated_verified_alerted_and_rolled_back() {
    let (_d, log) = temp_audit();
    let w = SimWorld::new(7, SimClock::Fixed(1_795_354_200));
    let c = sim_ctx(&w, false, &log);
    let (key, user) = SIM_ACCESS_KEY;
    let p = plan_shipped(&c, "deactivate-access-key", &[("key", key)])
        .await
        .expect("plan");
    let text = p.lines().join("\n");
    for needle in [
        format!("user {user}, last used"),
        "by s3 in ap-southeast-1".to_string(),
        format!("iam:UpdateAccessKey UserName={user} AccessKeyId={key} Status=Inactive"),
        "sns:Publish".to_string(),
    ] {
        assert!(text.contains(&needle), "missing {needle:?} in\n{text}");
    }
    let summary = execute(&p, &c).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:#?}");
    assert_eq!(w.incident_ledger().inactive_keys, vec![key.to_string()]);
    assert_eq!(w.incident_ledger().alerts.len(), 1);

    // Planned again: nothing to do.
    match plan_shipped(&c, "deactivate-access-key", &[("key", key)]).await {
        Err(RunError::Refused(m)) => assert!(m.contains("already Inactive"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }

    let steps = prepare_rollback(&p, &c).await.expect("rollback plan");
    let rollback = execute_rollback(&p, &steps, &c).await;
    assert!(
        !matches!(rollback.status, RunStatus::Failed(_)),
        "{rollback:#?}"
    );
    assert!(w.incident_ledger().inactive_keys.is_empty());
}

#[tokio::test]
async fn read_only_and_unknown_keys_are_refused_before_any_write() {
    let (_d, log) = temp_audit();
    let w = SimWorld::new(7, SimClock::Fixed(1_795_354_200));
    let ro = sim_ctx(&w, true, &log);
    match plan_shipped(&ro, "deactivate-access-key", &[("key", SIM_ACCESS_KEY.0)]).await {
        Err(RunError::Refused(m)) => assert!(m.contains("read-only"), "{m}"),
        other => panic!("expected a read-only refusal, got {other:?}"),
    }
    let c = sim_ctx(&w, false, &log);
    assert!(
        plan_shipped(
            &c,
            "deactivate-access-key",
            &[("key", "AKIANOTAKEY000000000")]
        )
        .await
        .is_err()
    );
    assert!(w.writes().is_empty());
    assert!(log.read_all().expect("audit").is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn on_moto_the_key_reads_back_inactive_and_the_rollback_reactivates_it() {
    let user = moto::unique("leaky");
    let (key, _) = user_with_key(&user, None).await;
    let topic = alert_topic("alerts").await;
    let (_d, log) = temp_audit();
    let mut env = Environment::with_defaults("cloudplatform", "emu");
    env.alert_topic_arn = Some(topic);
    let c = RunContext {
        env,
        cloud: moto_handle().await,
        audit: log.clone(),
        events: None,
        poll: Duration::from_millis(50),
        cancel: Arc::new(AtomicBool::new(false)),
    };
    let p = plan_shipped(&c, "deactivate-access-key", &[("key", &key)])
        .await
        .expect("plan");
    let text = p.lines().join("\n");
    assert!(text.contains(&format!("user {user}")), "{text}");
    assert!(text.contains(&format!("{key} is Active")), "{text}");
    let summary = execute(&p, &c).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:#?}");
    assert_eq!(key_status(&user, &key).await.as_deref(), Some("Inactive"));
    assert!(
        log.read_all().expect("audit").iter().any(|r| r
            .entry
            .result
            .as_deref()
            .is_some_and(|s| s.contains("Status=Inactive"))),
        "the outcome is audited"
    );
    // The rollback makes it active again.
    let steps = prepare_rollback(&p, &c).await.expect("rollback plan");
    let _ = execute_rollback(&p, &steps, &c).await;
    assert_eq!(key_status(&user, &key).await.as_deref(), Some("Active"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_key_opsdeck_signs_with_is_refused_before_any_write() {
    let (key, secret) = user_with_key(&moto::unique("self"), None).await;
    // opsdeck signed in as that user, with that very key.
    let settings = opsdeck::cloud::aws::AwsSettings {
        static_credentials: Some((key.clone(), secret)),
        ..moto::aws_settings()
    };
    let (_d, log) = temp_audit();
    let c = RunContext {
        env: Environment::with_defaults("cloudplatform", "emu"),
        cloud: opsdeck::cloud::aws::handle(settings, false),
        audit: log.clone(),
        events: None,
        poll: Duration::from_millis(50),
        cancel: Arc::new(AtomicBool::new(false)),
    };
    match plan_shipped(&c, "deactivate-access-key", &[("key", &key)]).await {
        Err(RunError::Refused(m)) => assert!(m.contains("signed in with"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(log.read_all().expect("audit").is_empty());
}
