//! ECS Exec and port forwarding through `cloud::aws`, against aws-smithy-mocks: moto
//! 5.2.5 implements neither `ecs:ExecuteCommand` nor `ssm:StartSession`, and its
//! `DescribeTasks` reports no managed agents. Asserts the requests built (cluster, task,
//! container, interactive, command; SSM document, target and parameters), the preflight's
//! verdict for each failure cause, the audit records, and the read-only refusal (no
//! request leaves).

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
use aws_sdk_ecs::operation::describe_task_definition::DescribeTaskDefinitionOutput;
use aws_sdk_ecs::operation::describe_tasks::DescribeTasksOutput;
use aws_sdk_ecs::operation::execute_command::ExecuteCommandOutput;
use aws_sdk_ecs::types::{
    Container, LaunchType, ManagedAgent, ManagedAgentName, Service, Task, TaskDefinition,
};
use aws_sdk_iam::operation::simulate_principal_policy::SimulatePrincipalPolicyOutput;
use aws_sdk_iam::types::{EvaluationResult, PolicyEvaluationDecisionType};
use aws_sdk_rds::operation::describe_db_instances::DescribeDbInstancesOutput;
use aws_sdk_rds::types::{DbInstance, Endpoint};
use aws_sdk_ssm::operation::start_session::StartSessionOutput;
use aws_sdk_ssm::operation::terminate_session::TerminateSessionOutput;
use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput;
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use aws_types::region::Region;
use opsdeck::audit::{AuditLog, RecordKind};
use opsdeck::cloud::aws::{AwsClients, AwsCloud};
use opsdeck::cloud::{CloudError, CloudHandle, ExecRequest};
use opsdeck::config::Environment;
use opsdeck::exec::flow::{self, ForwardAsk};
use opsdeck::exec::plugin::PluginStatus;
use opsdeck::exec::preflight::{self, CheckStatus};
use opsdeck::exec::target::ForwardTo;
use std::sync::Arc;

const CLUSTER: &str = "cloudplatform-prod-ecs-cluster";
const TASK_ARN: &str =
    "arn:aws:ecs:us-east-1:123456789012:task/cloudplatform-prod-ecs-cluster/abc123";
const ROLE: &str = "arn:aws:iam::123456789012:role/prod-task";

/// How the task the mocks describe is broken (or not).
#[derive(Clone, Copy, Default)]
struct Broken {
    exec_disabled: bool,
    agent_stopped: bool,
    old_platform: bool,
    role_denied: bool,
    simulation_denied: bool,
}

fn task(b: Broken) -> Task {
    Task::builder()
        .task_arn(TASK_ARN)
        .cluster_arn(format!(
            "arn:aws:ecs:us-east-1:123456789012:cluster/{CLUSTER}"
        ))
        .task_definition_arn("arn:aws:ecs:us-east-1:123456789012:task-definition/api:7")
        .group("service:api")
        .last_status("RUNNING")
        .launch_type(LaunchType::Fargate)
        .platform_version(if b.old_platform { "1.3.0" } else { "1.4.0" })
        .enable_execute_command(!b.exec_disabled)
        .containers(
            Container::builder()
                .name("app")
                .runtime_id("abc123-1234567890")
                .managed_agents(
                    ManagedAgent::builder()
                        .name(ManagedAgentName::ExecuteCommandAgent)
                        .last_status(if b.agent_stopped {
                            "STOPPED"
                        } else {
                            "RUNNING"
                        })
                        .build(),
                )
                .build(),
        )
        .build()
}

fn clients(b: Broken, rules: &[&Rule]) -> AwsClients {
    let describe_tasks = mock!(aws_sdk_ecs::Client::describe_tasks)
        .match_requests(|r| r.cluster() == Some(CLUSTER) && r.tasks().len() == 1)
        .then_output(move || DescribeTasksOutput::builder().tasks(task(b)).build());
    let describe_services = mock!(aws_sdk_ecs::Client::describe_services)
        .match_requests(|r| r.services() == ["api"])
        .then_output(move || {
            DescribeServicesOutput::builder()
                .services(
                    Service::builder()
                        .service_name("api")
                        .enable_execute_command(!b.exec_disabled)
                        .build(),
                )
                .build()
        });
    let describe_td = mock!(aws_sdk_ecs::Client::describe_task_definition).then_output(|| {
        DescribeTaskDefinitionOutput::builder()
            .task_definition(TaskDefinition::builder().task_role_arn(ROLE).build())
            .build()
    });
    let simulate = mock!(aws_sdk_iam::Client::simulate_principal_policy)
        .match_requests(|r| r.policy_source_arn() == Some(ROLE))
        .then_output(move || {
            let decision = if b.role_denied {
                PolicyEvaluationDecisionType::ImplicitDeny
            } else {
                PolicyEvaluationDecisionType::Allowed
            };
            let mut out = SimulatePrincipalPolicyOutput::builder().is_truncated(false);
            for action in opsdeck::cloud::SSMMESSAGES_ACTIONS {
                out = out.evaluation_results(
                    EvaluationResult::builder()
                        .eval_action_name(action)
                        .eval_decision(decision.clone())
                        .build()
                        .expect("result"),
                );
            }
            out.build()
        });
    let simulate_denied = mock!(aws_sdk_iam::Client::simulate_principal_policy).then_error(|| {
        aws_sdk_iam::operation::simulate_principal_policy::SimulatePrincipalPolicyError::unhandled(
            "AccessDenied",
        )
    });
    let caller = mock!(aws_sdk_sts::Client::get_caller_identity).then_output(|| {
        GetCallerIdentityOutput::builder()
            .account("123456789012")
            .arn("arn:aws:sts::123456789012:assumed-role/oncall/alice")
            .user_id("AROA:alice")
            .build()
    });
    let db = mock!(aws_sdk_rds::Client::describe_db_instances)
        .match_requests(|r| r.db_instance_identifier() == Some("cloudplatform-prod-rds-postgres"))
        .then_output(|| {
            DescribeDbInstancesOutput::builder()
                .db_instances(
                    DbInstance::builder()
                        .db_instance_identifier("cloudplatform-prod-rds-postgres")
                        .endpoint(
                            Endpoint::builder()
                                .address("prod-db.abc.us-east-1.rds.amazonaws.com")
                                .port(5432)
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
    let interceptor = |extra: &[&Rule]| {
        let mut i = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
        for r in extra {
            i = i.with_rule(r);
        }
        i
    };
    let conf = |region: &str| {
        (
            Region::new(region.to_string()),
            Credentials::new("a", "b", None, None, "t"),
        )
    };
    let (region, creds) = conf("us-east-1");
    macro_rules! client {
        ($krate:ident, $($rule:expr),*) => {{
            let mut all: Vec<&Rule> = vec![$($rule),*];
            all.extend_from_slice(rules);
            $krate::Client::from_conf(
                $krate::Config::builder()
                    .behavior_version(BehaviorVersion::latest())
                    .region(region.clone())
                    .credentials_provider(creds.clone())
                    .http_client(create_mock_http_client())
                    .interceptor(interceptor(&all))
                    .build(),
            )
        }};
    }
    let iam_rule = if b.simulation_denied {
        &simulate_denied
    } else {
        &simulate
    };
    AwsClients {
        ecs: client!(
            aws_sdk_ecs,
            &describe_tasks,
            &describe_services,
            &describe_td
        ),
        iam: client!(aws_sdk_iam, iam_rule),
        sts: client!(aws_sdk_sts, &caller),
        rds: client!(aws_sdk_rds, &db),
        ssm: client!(aws_sdk_ssm,),
        ..AwsClients::unreachable()
    }
}

fn plugin() -> PluginStatus {
    PluginStatus::Found {
        path: "/usr/local/bin/session-manager-plugin".into(),
        version: Some("1.2.650.0".into()),
    }
}

fn env() -> Environment {
    let mut e = Environment::with_defaults("cloudplatform", "prod");
    e.protected = true;
    e
}

async fn verdicts(b: Broken) -> Vec<(&'static str, CheckStatus)> {
    let cloud = AwsCloud::from_clients(clients(b, &[]));
    let pre = preflight::gather(&cloud, CLUSTER, TASK_ARN, None, &plugin()).await;
    pre.checks.iter().map(|c| (c.name, c.status)).collect()
}

fn failing(v: &[(&'static str, CheckStatus)]) -> Vec<&'static str> {
    v.iter()
        .filter(|(_, s)| *s == CheckStatus::Fail)
        .map(|(n, _)| *n)
        .collect()
}

#[tokio::test]
async fn preflight_names_each_cause() {
    assert!(failing(&verdicts(Broken::default()).await).is_empty());
    let cases: [(Broken, &str); 4] = [
        (
            Broken {
                exec_disabled: true,
                ..Default::default()
            },
            "enableExecuteCommand",
        ),
        (
            Broken {
                agent_stopped: true,
                ..Default::default()
            },
            "ExecuteCommandAgent",
        ),
        (
            Broken {
                old_platform: true,
                ..Default::default()
            },
            "platform version",
        ),
        (
            Broken {
                role_denied: true,
                ..Default::default()
            },
            "task role",
        ),
    ];
    for (broken, check) in cases {
        assert_eq!(failing(&verdicts(broken).await), [check]);
    }
    // A denied simulation is "unknown", not a failure.
    let v = verdicts(Broken {
        simulation_denied: true,
        ..Default::default()
    })
    .await;
    assert!(failing(&v).is_empty());
    assert!(v.contains(&("task role", CheckStatus::Unknown)));
    // No plugin: its own failure, with the install hint.
    let cloud = AwsCloud::from_clients(clients(Broken::default(), &[]));
    let pre = preflight::gather(&cloud, CLUSTER, TASK_ARN, None, &PluginStatus::Missing).await;
    let c = pre
        .checks
        .iter()
        .find(|c| c.name == "session-manager-plugin")
        .expect("plugin check");
    assert_eq!(c.status, CheckStatus::Fail);
    assert!(c.fix.as_deref().is_some_and(|f| !f.is_empty()));
}

#[tokio::test]
async fn execute_command_request_and_audit() {
    let exec = mock!(aws_sdk_ecs::Client::execute_command)
        .match_requests(|r| {
            r.cluster() == Some(CLUSTER)
                && r.task() == Some(TASK_ARN)
                && r.container() == Some("app")
                && r.interactive() == Some(true)
                && r.command() == Some("/bin/sh")
        })
        .then_output(|| {
            ExecuteCommandOutput::builder()
                .session(
                    aws_sdk_ecs::types::Session::builder()
                        .session_id("ecs-execute-command-1")
                        .stream_url("wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/x")
                        .token_value("TOKEN-SECRET")
                        .build(),
                )
                .build()
        });
    let cloud = Arc::new(AwsCloud::from_clients(clients(Broken::default(), &[&exec])));
    let handle = CloudHandle::new(cloud, false);
    let dir = tempfile::tempdir().expect("tempdir");
    let audit = AuditLog::new(dir.path().join("audit.jsonl"));
    let env = env();
    let pre = preflight::gather(handle.read.as_ref(), CLUSTER, TASK_ARN, None, &plugin()).await;
    let request = flow::exec_request(&env, &pre, "/bin/sh").expect("request");
    assert_eq!(request.runtime_id, "abc123-1234567890");
    let ready = flow::open_exec(&handle, &audit, &env, &request, &plugin(), true)
        .await
        .expect("session");
    assert_eq!(exec.num_calls(), 1);
    // The plugin gets the session through its environment, the target and the endpoint.
    let args = &ready.plugin.args;
    assert_eq!(args[0], "AWS_SSM_START_SESSION_RESPONSE");
    assert_eq!(args[1..3], ["us-east-1", "StartSession"]);
    assert_eq!(
        args[4],
        format!(r#"{{"Target":"ecs:{CLUSTER}_abc123_abc123-1234567890"}}"#)
    );
    assert!(
        ready
            .plugin
            .env
            .as_ref()
            .expect("env")
            .1
            .contains("TOKEN-SECRET")
    );
    assert!(!format!("{:?}", ready.plugin).contains("TOKEN-SECRET"));
    ready
        .record
        .ended(&audit, Ok("session ended (plugin exited 0)".into()));
    let records = audit.read_all().expect("audit");
    let kinds: Vec<(RecordKind, &str)> = records
        .iter()
        .map(|r| (r.kind, r.entry.step.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (RecordKind::Intent, "ecs:ExecuteCommand"),
            (RecordKind::Outcome, "ecs:ExecuteCommand"),
            (RecordKind::Outcome, "session"),
        ]
    );
    let first = &records[0].entry;
    assert_eq!(first.params["command"], "/bin/sh");
    assert_eq!(first.params["container"], "app");
    assert_eq!(first.params["task"], "abc123");
    assert!(
        first
            .caller
            .as_deref()
            .is_some_and(|c| c.ends_with("alice"))
    );
    let text = std::fs::read_to_string(audit.path()).expect("read");
    assert!(!text.contains("TOKEN-SECRET"), "the token is never audited");
    assert!(audit.interrupted().expect("interrupted").is_empty());
}

#[tokio::test]
async fn start_session_request_for_a_forward_and_its_close() {
    let start = mock!(aws_sdk_ssm::Client::start_session)
        .match_requests(|r| {
            let p = r.parameters().cloned().unwrap_or_default();
            r.target() == Some(&format!("ecs:{CLUSTER}_abc123_abc123-1234567890"))
                && r.document_name() == Some("AWS-StartPortForwardingSessionToRemoteHost")
                && p.get("host").map(|v| v.as_slice())
                    == Some(&["prod-db.abc.us-east-1.rds.amazonaws.com".to_string()][..])
                && p.get("portNumber").map(|v| v.as_slice()) == Some(&["5432".to_string()][..])
                && p.get("localPortNumber").map(|v| v.as_slice())
                    == Some(&["15432".to_string()][..])
        })
        .then_output(|| {
            StartSessionOutput::builder()
                .session_id("alice-0abc")
                .stream_url("wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/alice-0abc")
                .token_value("TOKEN-SECRET")
                .build()
        });
    let terminate = mock!(aws_sdk_ssm::Client::terminate_session)
        .match_requests(|r| r.session_id() == Some("alice-0abc"))
        .then_output(|| {
            TerminateSessionOutput::builder()
                .session_id("alice-0abc")
                .build()
        });
    let cloud = Arc::new(AwsCloud::from_clients(clients(
        Broken::default(),
        &[&start, &terminate],
    )));
    let handle = CloudHandle::new(cloud, false);
    let dir = tempfile::tempdir().expect("tempdir");
    let audit = AuditLog::new(dir.path().join("audit.jsonl"));
    let ask = ForwardAsk {
        task: TASK_ARN.into(),
        container: None,
        to: ForwardTo::Db,
        local_port: None,
        confirmed: true,
    };
    let opened = flow::open_forward_with(&handle, &audit, &env(), &ask, 1, 0, &plugin())
        .await
        .expect("forward");
    assert_eq!(start.num_calls(), 1);
    assert_eq!(opened.info.local_port, 15432);
    assert_eq!(opened.info.session_id, "alice-0abc");
    let request: serde_json::Value =
        serde_json::from_str(&opened.plugin.args[4]).expect("request JSON");
    assert_eq!(
        request["DocumentName"],
        "AWS-StartPortForwardingSessionToRemoteHost"
    );
    assert_eq!(request["Parameters"]["portNumber"][0], "5432");
    assert_eq!(opened.plugin.args[5], "https://ssm.us-east-1.amazonaws.com");
    opsdeck::exec::session::close_forward(
        &handle,
        &audit,
        &opened.info.session_id,
        &opened.record,
        "closed by the operator",
    )
    .await;
    assert_eq!(terminate.num_calls(), 1);
    let records = audit.read_all().expect("audit");
    let last = records.last().expect("records");
    assert_eq!(last.kind, RecordKind::Outcome);
    assert!(
        last.entry
            .result
            .as_deref()
            .is_some_and(|r| r.contains("TerminateSession alice-0abc"))
    );
    assert!(
        records[0].entry.params["forward"]
            .contains("localhost:15432 -> prod-db.abc.us-east-1.rds.amazonaws.com:5432")
    );
}

#[tokio::test]
async fn read_only_refuses_before_any_request() {
    let exec = mock!(aws_sdk_ecs::Client::execute_command)
        .then_output(|| ExecuteCommandOutput::builder().build());
    let start = mock!(aws_sdk_ssm::Client::start_session)
        .then_output(|| StartSessionOutput::builder().build());
    let cloud = Arc::new(AwsCloud::from_clients(clients(
        Broken::default(),
        &[&exec, &start],
    )));
    let handle = CloudHandle::new(cloud, true);
    let dir = tempfile::tempdir().expect("tempdir");
    let audit = AuditLog::new(dir.path().join("audit.jsonl"));
    let request = ExecRequest {
        cluster: CLUSTER.into(),
        task: TASK_ARN.into(),
        container: "app".into(),
        runtime_id: "r".into(),
        command: "/bin/sh".into(),
    };
    let r = opsdeck::exec::session::start_exec(&handle, &audit, "prod", &request, false).await;
    assert_eq!(r.err(), Some(CloudError::ReadOnly));
    let ask = ForwardAsk {
        task: TASK_ARN.into(),
        container: None,
        to: ForwardTo::Db,
        local_port: None,
        confirmed: false,
    };
    let r = flow::open_forward_with(&handle, &audit, &env(), &ask, 1, 0, &plugin()).await;
    assert!(r.err().is_some_and(|e| e.contains("read-only")));
    assert_eq!(exec.num_calls(), 0);
    assert_eq!(start.num_calls(), 0);
    assert!(!audit.path().exists(), "nothing audited: nothing was tried");
}

#[tokio::test]
async fn a_command_holding_a_secret_is_refused_before_the_call() {
    let exec = mock!(aws_sdk_ecs::Client::execute_command)
        .then_output(|| ExecuteCommandOutput::builder().build());
    let cloud = Arc::new(AwsCloud::from_clients(clients(Broken::default(), &[&exec])));
    let handle = CloudHandle::new(cloud, false);
    let dir = tempfile::tempdir().expect("tempdir");
    let audit = AuditLog::new(dir.path().join("audit.jsonl"));
    let request = ExecRequest {
        cluster: CLUSTER.into(),
        task: TASK_ARN.into(),
        container: "app".into(),
        runtime_id: "r".into(),
        command: "PGPASSWORD=hunter2 psql -h db".into(),
    };
    let r = opsdeck::exec::session::start_exec(&handle, &audit, "prod", &request, false).await;
    assert!(matches!(r, Err(CloudError::Invalid(_))));
    assert_eq!(exec.num_calls(), 0);
    assert!(!audit.path().exists());
}
