//! Opening and closing sessions as audited operator actions. Each is refused in
//! read-only mode before anything leaves (`CloudHandle::actor`), writes its intent before
//! the call and its outcome after (the session's start: its id and target), and a
//! `session` outcome when the session ends (plugin exit status, or the forward closed).
//! No intent is held open while a session lives: another opsdeck started meanwhile would
//! report it as an interrupted call. A session whose process died has no end record.

use std::collections::BTreeMap;

use crate::audit::{AuditLog, Entry, RecordKind, audited};
use crate::cloud::{
    CloudError, CloudHandle, CloudResult, ExecRequest, ExecSession, ForwardRequest, ForwardSession,
    SessionEndpoint,
};

use super::command_guard;

/// What the audit names a session by (intent, outcome, then the session's own record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionAudit {
    /// The `session` record's entry: its outcome is written at the end.
    pub entry: Entry,
}

impl SessionAudit {
    /// Write the session's end: `result` says how it ended.
    pub fn ended(&self, audit: &AuditLog, result: Result<String, String>) {
        let entry = match result {
            Ok(text) => Entry {
                result: Some(text),
                ..self.entry.clone()
            },
            Err(e) => Entry {
                error: Some(e),
                ..self.entry.clone()
            },
        };
        if let Err(e) = audit.append(RecordKind::Outcome, entry) {
            tracing::error!("audit: session end not written: {e}");
        }
    }
}

fn base_entry(
    kind: &str,
    env: &str,
    step: &str,
    params: BTreeMap<String, String>,
    plan: Vec<String>,
    caller: Option<String>,
) -> Entry {
    Entry {
        id: format!(
            "{kind}-{}-{}",
            crate::audit::now_rfc3339(),
            std::process::id()
        ),
        env: env.to_string(),
        runbook: kind.to_string(),
        step: step.to_string(),
        params,
        plan,
        caller,
        ..Default::default()
    }
}

/// The entry the session's end will be written with.
fn session_record(call: &Entry, session_id: &str, what: String) -> SessionAudit {
    let entry = Entry {
        id: format!("{}/session", call.id),
        step: "session".into(),
        plan: vec![what],
        request_id: None,
        result: None,
        error: None,
        params: {
            let mut p = call.params.clone();
            p.insert("session".into(), session_id.to_string());
            p
        },
        ..call.clone()
    };
    SessionAudit { entry }
}

/// `ExecuteCommand`, audited: refused read-only (nothing leaves), refused when the
/// command holds a literal secret; then the session's own record stays open.
pub async fn start_exec(
    cloud: &CloudHandle,
    audit: &AuditLog,
    env: &str,
    request: &ExecRequest,
    confirmed: bool,
) -> CloudResult<(ExecSession, SessionEndpoint, SessionAudit)> {
    let act = cloud.actor()?;
    if let Some(why) = command_guard::refusal(&request.command) {
        return Err(CloudError::Invalid(why));
    }
    let endpoint = cloud.read.session_endpoint().await?;
    let caller = cloud.read.caller_identity().await.ok().map(|c| c.arn);
    let task_id = crate::cloud::last_segment(&request.task).to_string();
    let params = BTreeMap::from([
        ("cluster".to_string(), request.cluster.clone()),
        ("task".to_string(), task_id.clone()),
        ("container".to_string(), request.container.clone()),
        ("command".to_string(), request.command.clone()),
    ]);
    let plan = vec![format!(
        "ecs:ExecuteCommand interactive {:?} in {}/{task_id} container {}{}",
        request.command,
        request.cluster,
        request.container,
        crate::audit::confirmation_note(confirmed)
    )];
    let entry = base_entry("ecs-exec", env, "ecs:ExecuteCommand", params, plan, caller);
    let session = audited(audit, entry.clone(), act.execute_command(request), |s| {
        (
            s.request_id.clone(),
            format!("session {} on {}", s.session.session_id, s.target),
        )
    })
    .await?;
    let record = session_record(
        &entry,
        &session.session.session_id,
        format!(
            "exec session {} open in {task_id}/{}",
            session.session.session_id, request.container
        ),
    );
    Ok((session, endpoint, record))
}

/// `StartSession` (port forwarding), audited like [`start_exec`].
pub async fn start_forward(
    cloud: &CloudHandle,
    audit: &AuditLog,
    env: &str,
    request: &ForwardRequest,
    container: &str,
    what: &str,
    confirmed: bool,
) -> CloudResult<(ForwardSession, SessionEndpoint, SessionAudit)> {
    let act = cloud.actor()?;
    let endpoint = cloud.read.session_endpoint().await?;
    let caller = cloud.read.caller_identity().await.ok().map(|c| c.arn);
    let params = BTreeMap::from([
        ("cluster".to_string(), request.cluster.clone()),
        ("task".to_string(), request.task_id.clone()),
        ("container".to_string(), container.to_string()),
        (
            "forward".to_string(),
            format!(
                "localhost:{} -> {}:{}",
                request.local_port, request.host, request.remote_port
            ),
        ),
    ]);
    let plan = vec![format!(
        "ssm:StartSession {} on {} ({what}: {}:{} as localhost:{}){}",
        crate::cloud::PORT_FORWARD_DOCUMENT,
        request.target(),
        request.host,
        request.remote_port,
        request.local_port,
        crate::audit::confirmation_note(confirmed)
    )];
    let entry = base_entry("ecs-forward", env, "ssm:StartSession", params, plan, caller);
    let session = audited(audit, entry.clone(), act.start_port_forward(request), |s| {
        (
            s.request_id.clone(),
            format!("session {} on {}", s.session.session_id, s.target),
        )
    })
    .await?;
    let record = session_record(
        &entry,
        &session.session.session_id,
        format!(
            "forward localhost:{} -> {}:{} open",
            request.local_port, request.host, request.remote_port
        ),
    );
    Ok((session, endpoint, record))
}

/// `TerminateSession` of a forward being closed (best effort: the plugin already ended
/// its side when killed); the session record's outcome says how it went.
pub async fn close_forward(
    cloud: &CloudHandle,
    audit: &AuditLog,
    session_id: &str,
    record: &SessionAudit,
    how: &str,
) {
    let result = match cloud.actor() {
        Ok(act) => act.terminate_session(session_id).await,
        Err(e) => Err(e),
    };
    record.ended(
        audit,
        match result {
            Ok(r) => Ok(format!("{how}; {}", r.summary)),
            Err(e) => Ok(format!("{how}; TerminateSession failed: {e}")),
        },
    );
}
