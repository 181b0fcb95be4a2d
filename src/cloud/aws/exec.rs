//! ECS Exec and SSM sessions: the preflight's reads (`DescribeTasks` with managed agents,
//! `DescribeServices`, `DescribeTaskDefinition` for the task role), `ExecuteCommand`,
//! `StartSession` (port forwarding) and `TerminateSession`. Session tokens go into
//! `SessionToken`, which never prints.

use aws_sdk_ecs::operation::RequestId as _;
use aws_sdk_ecs::types::{ManagedAgentName, Task};

use super::AwsClients;
use super::error_map::map_sdk_error;
use crate::cloud::{
    CloudError, CloudResult, ExecContainer, ExecFacts, ExecRequest, ExecSession, ForwardRequest,
    ForwardSession, PORT_FORWARD_DOCUMENT, Session, SessionToken, WriteReceipt,
};

/// The facts the exec preflight needs about `task` of `cluster`.
pub async fn exec_facts(clients: &AwsClients, cluster: &str, task: &str) -> CloudResult<ExecFacts> {
    let out = clients
        .ecs
        .describe_tasks()
        .cluster(cluster)
        .tasks(task)
        .send()
        .await
        .map_err(|e| map_sdk_error("DescribeTasks", e))?;
    let t = out
        .tasks()
        .first()
        .ok_or_else(|| CloudError::NotFound(format!("task {task} in cluster {cluster}")))?;
    let mut facts = task_facts(cluster, t);
    if let Some(service) = facts.service.clone() {
        // Best effort: a service that cannot be read leaves its setting unknown.
        match clients
            .ecs
            .describe_services()
            .cluster(cluster)
            .services(&service)
            .send()
            .await
        {
            Ok(out) => {
                facts.service_exec_enabled =
                    out.services().first().map(|s| s.enable_execute_command());
            }
            Err(e) => {
                let err = map_sdk_error("DescribeServices", e);
                tracing::debug!(%err, "exec preflight: service not read");
            }
        }
    }
    if facts.task_role_arn.is_none()
        && let Some(td) = t.task_definition_arn()
    {
        match clients
            .ecs
            .describe_task_definition()
            .task_definition(td)
            .send()
            .await
        {
            Ok(out) => {
                facts.task_role_arn = out
                    .task_definition()
                    .and_then(|d| d.task_role_arn())
                    .map(str::to_owned);
            }
            Err(e) => {
                let err = map_sdk_error("DescribeTaskDefinition", e);
                tracing::debug!(%err, "exec preflight: task definition not read");
            }
        }
    }
    Ok(facts)
}

/// The exec facts one `DescribeTasks` entry holds.
pub fn task_facts(cluster: &str, t: &Task) -> ExecFacts {
    ExecFacts {
        cluster: cluster.to_string(),
        task_arn: t.task_arn().unwrap_or_default().to_string(),
        task_exec_enabled: t.enable_execute_command(),
        service: t
            .group()
            .and_then(|g| g.strip_prefix("service:"))
            .map(str::to_owned),
        service_exec_enabled: None,
        launch_type: t.launch_type().map(|l| l.as_str().to_owned()),
        platform_version: t.platform_version().map(str::to_owned),
        task_role_arn: t
            .overrides()
            .and_then(|o| o.task_role_arn())
            .map(str::to_owned),
        containers: t
            .containers()
            .iter()
            .map(|c| {
                let agent = c
                    .managed_agents()
                    .iter()
                    .find(|a| a.name() == Some(&ManagedAgentName::ExecuteCommandAgent));
                ExecContainer {
                    name: c.name().unwrap_or_default().to_string(),
                    runtime_id: c.runtime_id().map(str::to_owned),
                    agent_status: agent.and_then(|a| a.last_status()).map(str::to_owned),
                    agent_reason: agent.and_then(|a| a.reason()).map(str::to_owned),
                }
            })
            .collect(),
    }
}

/// `ExecuteCommand`, interactive (ECS accepts nothing else).
pub async fn execute_command(
    clients: &AwsClients,
    request: &ExecRequest,
) -> CloudResult<ExecSession> {
    let out = clients
        .ecs
        .execute_command()
        .cluster(&request.cluster)
        .task(&request.task)
        .container(&request.container)
        .interactive(true)
        .command(&request.command)
        .send()
        .await
        .map_err(|e| map_sdk_error("ExecuteCommand", e))?;
    let s = out
        .session()
        .ok_or_else(|| CloudError::Unreadable("ExecuteCommand returned no session".into()))?;
    Ok(ExecSession {
        session: Session {
            session_id: s.session_id().unwrap_or_default().to_string(),
            stream_url: s.stream_url().unwrap_or_default().to_string(),
            token: SessionToken(s.token_value().unwrap_or_default().to_string()),
        },
        target: request.target(),
        request_id: out.request_id().map(str::to_owned),
    })
}

/// `StartSession` with the port-forwarding document on the task's container.
pub async fn start_port_forward(
    clients: &AwsClients,
    request: &ForwardRequest,
) -> CloudResult<ForwardSession> {
    let target = request.target();
    let mut call = clients
        .ssm
        .start_session()
        .target(&target)
        .document_name(PORT_FORWARD_DOCUMENT)
        .reason("opsdeck port forward");
    for (name, value) in request.parameters() {
        call = call.parameters(name, vec![value]);
    }
    let out = call
        .send()
        .await
        .map_err(|e| map_sdk_error("StartSession", e))?;
    Ok(ForwardSession {
        session: Session {
            session_id: out.session_id().unwrap_or_default().to_string(),
            stream_url: out.stream_url().unwrap_or_default().to_string(),
            token: SessionToken(out.token_value().unwrap_or_default().to_string()),
        },
        target,
        request_id: out.request_id().map(str::to_owned),
    })
}

/// `TerminateSession`.
pub async fn terminate_session(
    clients: &AwsClients,
    session_id: &str,
) -> CloudResult<WriteReceipt> {
    let out = clients
        .ssm
        .terminate_session()
        .session_id(session_id)
        .send()
        .await
        .map_err(|e| map_sdk_error("TerminateSession", e))?;
    Ok(WriteReceipt {
        request_id: out.request_id().map(str::to_owned),
        summary: format!("TerminateSession {session_id}"),
    })
}
