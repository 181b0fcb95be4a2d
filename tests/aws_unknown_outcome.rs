//! Writes whose outcome is unknown, against moto behind the fault-injecting proxy: an
//! `UpdateService` that is stalled past the client's timeout, reset after it was
//! forwarded, or answered with a truncated 200 has landed in moto — the run says
//! "outcome UNKNOWN", reads the service back, records `reconciled: landed` in the audit
//! log, and goes on. A request dropped before it reached moto reconciles as `not landed`.
//! Exactly one `UpdateService` request is sent each time (no SDK retry of a write). The
//! harness's short client timeouts stand in for real 20 s waits.

mod support;

use std::path::Path;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::timeout::TimeoutConfig;
use aws_credential_types::Credentials;
use aws_types::region::Region;
use opsdeck::audit::RecordKind;
use opsdeck::cloud::aws::AwsClients;
use opsdeck::runbook::engine::{RunStatus, execute};
use opsdeck::runbook::file::parse;
use support::ecs_seed::{describe, seed};
use support::moto;
use support::proxy::{Fault, FaultPlan, Proxy};
use support::runbooks::{prepare_with, read_write, run_context};

const SCALE: &str = "name = \"t\"\ntitle = \"t\"\npurpose = \"p\"\nrisk = \"low\"\nescalation = \"e\"\n[params.count]\ntype = \"int\"\n[[procedure]]\nkind = \"ecs.scale\"\ncluster = \"{env.cluster}\"\nservice = \"{env.service}\"\ncount = \"{param.count}\"\n";

/// Clients through `proxy`, timing out an attempt after 1.5 s.
async fn through(proxy: &Proxy) -> AwsClients {
    let conf = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(moto::REGION))
        .credentials_provider(Credentials::new(
            moto::ACCESS_KEY,
            moto::SECRET_KEY,
            None,
            None,
            "fault-test",
        ))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(1))
                .operation_attempt_timeout(Duration::from_millis(1500))
                .operation_timeout(Duration::from_secs(4))
                .build(),
        )
        .endpoint_url(&proxy.url)
        .load()
        .await;
    AwsClients::from_sdk_config(&conf, None)
}

/// Scale the seeded service from 2 to 3 with `fault` on every UpdateService; returns the
/// run's lines, status, the audit records' kinds and texts, and the desired count after.
async fn scale_under(fault: Fault) -> (Vec<String>, RunStatus, Vec<(RecordKind, String)>, i32) {
    let s = seed(&format!("unk-{fault:?}").to_lowercase()).await;
    let proxy = Proxy::start(
        &moto::endpoint(),
        Some(FaultPlan {
            seed: 1,
            rate: 1.0,
            kinds: vec![fault],
            stall: Duration::from_secs(4),
            only_targets: Some(vec!["UpdateService".into()]),
        }),
    );
    let cloud = read_write(through(&proxy).await);
    let (_d, ctx) = run_context(s.env(), cloud, Duration::from_millis(100));
    let rb = parse(Path::new("t.toml"), SCALE).expect("runbook");
    let p = prepare_with(&ctx, &rb, &[("count", "3")])
        .await
        .expect("plan");
    let summary = execute(&p, &ctx).await;
    assert_eq!(
        proxy.count("UpdateService"),
        1,
        "{fault:?}: one request per audited intent"
    );
    let records = ctx
        .audit
        .read_all()
        .expect("audit")
        .into_iter()
        .map(|r| {
            let text = r.entry.result.or(r.entry.error).unwrap_or_default();
            (r.kind, text)
        })
        .collect();
    let desired = describe(&s).await.desired_count();
    (summary.lines, summary.status, records, desired)
}

fn assert_unknown_then(records: &[(RecordKind, String)], reconciled: &str) {
    let kinds: Vec<RecordKind> = records.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        kinds,
        vec![
            RecordKind::Intent,
            RecordKind::Outcome,
            RecordKind::Reconciled
        ],
        "{records:?}"
    );
    assert!(records[1].1.starts_with("outcome UNKNOWN"), "{records:?}");
    assert!(
        records[2]
            .1
            .starts_with(&format!("reconciled: {reconciled} — ")),
        "{records:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_update_service_is_unknown_then_reconciled_as_landed() {
    let (lines, status, records, desired) = scale_under(Fault::Stall).await;
    assert_eq!(desired, 3, "the write landed in moto");
    assert_unknown_then(&records, "landed");
    assert_eq!(status, RunStatus::Verified, "{lines:?}");
    assert!(
        lines[0].contains("outcome UNKNOWN") && lines[0].contains("reconciled: landed"),
        "{lines:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_truncated_200_is_unknown_then_reconciled_as_landed() {
    let (lines, status, records, desired) = scale_under(Fault::TruncatedOk).await;
    assert_eq!(desired, 3);
    assert_unknown_then(&records, "landed");
    assert_eq!(status, RunStatus::Verified, "{lines:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_after_forwarding_is_unknown_then_reconciled_as_landed() {
    let (_, status, records, desired) = scale_under(Fault::Reset).await;
    assert_eq!(desired, 3);
    assert_unknown_then(&records, "landed");
    assert_eq!(status, RunStatus::Verified);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_dropped_before_aws_reconciles_as_not_landed() {
    let (lines, status, records, desired) = scale_under(Fault::ResetBeforeForward).await;
    assert_eq!(desired, 2, "nothing reached moto");
    assert_unknown_then(&records, "not landed");
    assert!(
        matches!(&status, RunStatus::Failed(m) if m.contains("nothing changed")),
        "{status:?} {lines:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_throttled_update_service_is_a_plain_failure_that_did_not_land() {
    let (_, status, records, desired) = scale_under(Fault::Throttle).await;
    assert_eq!(desired, 2);
    let kinds: Vec<RecordKind> = records.iter().map(|(k, _)| *k).collect();
    assert_eq!(kinds, vec![RecordKind::Intent, RecordKind::Outcome]);
    assert!(records[1].1.contains("throttled"), "{records:?}");
    assert!(matches!(status, RunStatus::Failed(_)), "{status:?}");
}
