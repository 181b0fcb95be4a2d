//! What moto 5.2.5 serves of this feature, through `cloud::aws`: Live Tail is not a
//! usable event stream there, so the Logs tail falls back to `FilterLogEvents` polling,
//! records why, and does not ask for Live Tail again; `ExecuteCommand` and SSM
//! `StartSession` are not served (hence aws-smithy-mocks in `aws_exec_mocks.rs`), and
//! that is a clear error, never a crash.

mod support;

use opsdeck::cloud::aws::{AwsClients, AwsCloud};
use opsdeck::cloud::{ExecAct, ExecRequest, ForwardRequest, LogsRead};
use opsdeck::panes::logs::tail::{LiveCall, TailMode, TailState};
use support::moto;

async fn moto_cloud() -> (AwsCloud, aws_sdk_cloudwatchlogs::Client) {
    let config = moto::sdk_config().await;
    let client = aws_sdk_cloudwatchlogs::Client::new(&config);
    (
        AwsCloud::from_clients(AwsClients::from_sdk_config(&config, None)),
        client,
    )
}

#[tokio::test]
async fn live_tail_falls_back_to_polling_once() {
    let (cloud, client) = moto_cloud().await;
    let group = format!("/ecs/{}/fastapi", moto::unique("livetail"));
    client
        .create_log_group()
        .log_group_name(&group)
        .send()
        .await
        .expect("CreateLogGroup");
    let mut tail = TailState::default();
    tail.start(vec![group.clone()], 1_000);
    let Some(LiveCall::Start(groups)) = tail.live_due(1_000) else {
        panic!("Live Tail is tried first");
    };
    tail.live_sent(&LiveCall::Start(groups.clone()));
    // Either StartLiveTail fails, or the stream it returns does on the first read.
    match cloud.start_live_tail(&groups).await {
        Err(e) => tail.live_started(Err(e), 1_001),
        Ok(id) => {
            tail.live_started(Ok(id.clone()), 1_001);
            assert_eq!(tail.mode, TailMode::Live(id.clone()));
            let call = tail.live_due(1_001).expect("a read is due");
            tail.live_sent(&call);
            let r = cloud.read_live_tail(&id).await;
            assert!(r.is_err(), "moto's Live Tail is not a usable stream: {r:?}");
            tail.live_read(&id, r, 1_002);
        }
    }
    assert_eq!(tail.mode, TailMode::Polling);
    let reason = tail.live_unavailable.clone().expect("the reason is kept");
    assert!(reason.contains("Live Tail"), "{reason}");
    // Polling now, and Live Tail is not asked again (not on this start, not on the next).
    assert!(tail.due(1_010).is_some());
    assert!(tail.live_due(1_010).is_none());
    tail.start(vec![group], 2_000);
    assert_eq!(tail.mode, TailMode::Polling);
    assert!(tail.live_due(2_000).is_none());
}

#[tokio::test]
async fn execute_command_and_start_session_are_not_served_by_moto() {
    let (cloud, _) = moto_cloud().await;
    let exec = cloud
        .execute_command(&ExecRequest {
            cluster: "c".into(),
            task: "arn:aws:ecs:us-east-1:123456789012:task/c/t".into(),
            container: "app".into(),
            runtime_id: "r".into(),
            command: "/bin/sh".into(),
        })
        .await;
    assert!(exec.is_err(), "{exec:?}");
    let forward = cloud
        .start_port_forward(&ForwardRequest {
            cluster: "c".into(),
            task_id: "t".into(),
            runtime_id: "r".into(),
            host: "db".into(),
            remote_port: 5432,
            local_port: 15432,
        })
        .await;
    assert!(forward.is_err(), "{forward:?}");
}
