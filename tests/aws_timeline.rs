//! The timeline's feeds read through `cloud::aws` against moto: the ECS deployment of a
//! seeded service and an operator's audited write merge in time order, while the feeds
//! moto does not serve (DescribeAlarmHistory and CloudTrail LookupEvents answer a bare
//! 500) show as unknown on their own, never as empty, and never hide the others. The
//! requests and parsing of those two are tested with aws-smithy-mocks in
//! `tests/aws_history.rs`; every feed failing alone is tested on the simulated account
//! in `tests/ui_timeline.rs`.

mod support;

use opsdeck::audit::{AuditLog, Entry, RecordKind};
use opsdeck::cloud::Window;
use opsdeck::cloud::aws::{AwsClients, AwsCloud};
use opsdeck::panes::timeline::event::EventKind;
use opsdeck::panes::timeline::feed::Feed;
use opsdeck::panes::timeline::gather::{FeedScope, gather_all};
use opsdeck::panes::timeline::merged::merge;
use support::ecs_seed::seed;
use support::moto;

#[tokio::test]
async fn deployments_and_operator_actions_merge_while_unserved_feeds_are_unknown() {
    let seeded = seed("tl").await;
    let cloud =
        AwsCloud::from_clients(AwsClients::from_sdk_config(&moto::sdk_config().await, None))
            .with_trail_pace(std::time::Duration::from_millis(1));
    let dir = tempfile::tempdir().expect("dir");
    let audit = AuditLog::new(dir.path().join("audit.jsonl"));
    let env = seeded.env();
    let entry = Entry {
        id: "run-1/0/scale".into(),
        env: env.name.clone(),
        runbook: "scale".into(),
        step: "scale (ecs.scale)".into(),
        caller: Some("alice".into()),
        result: Some("UpdateService desiredCount=3".into()),
        ..Default::default()
    };
    audit
        .append(RecordKind::Intent, entry.clone())
        .expect("intent");
    audit.append(RecordKind::Outcome, entry).expect("outcome");

    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let window = Window {
        since: now - 7200,
        until: now + 60,
    };
    let scope = FeedScope {
        env: &env,
        alarm_prefix: "cloudplatform-emu-",
        audit: Some(audit.path()),
    };
    let feeds = gather_all(&cloud, scope, window, None).await;

    let deploys = feeds[&Feed::Deployments]
        .as_ref()
        .expect("ECS is served by moto");
    assert!(
        deploys
            .events
            .iter()
            .any(|e| e.kind == EventKind::DeployStarted && e.resource == seeded.service),
        "{:?}",
        deploys.events
    );
    let operators = feeds[&Feed::Operators]
        .as_ref()
        .expect("the audit log reads");
    assert_eq!(
        operators.events.len(),
        1,
        "the intent with an outcome shows once"
    );
    assert_eq!(operators.events[0].actor.as_deref(), Some("alice"));
    for unserved in [Feed::Alarms, Feed::CloudTrail, Feed::Scaling] {
        assert!(
            feeds[&unserved].is_err(),
            "{unserved:?} is unknown, not empty: {:?}",
            feeds[&unserved]
        );
    }

    let events = merge(
        feeds
            .iter()
            .filter_map(|(f, r)| r.as_ref().ok().map(|a| (*f, a.events.as_slice()))),
    );
    assert!(events.windows(2).all(|w| w[0].at <= w[1].at), "time order");
    let feeds_shown: std::collections::BTreeSet<Feed> = events.iter().map(|e| e.feed).collect();
    assert!(feeds_shown.contains(&Feed::Deployments) && feeds_shown.contains(&Feed::Operators));
}
