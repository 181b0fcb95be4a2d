//! The steps of an exec and of a forward, shared by the console's write actor and the
//! `opsdeck exec` / `opsdeck forward` commands: check, open the session (audited), and
//! the plugin command that takes it over.

use crate::audit::AuditLog;
use crate::cloud::{CloudHandle, CloudRead, Epoch, ExecRequest, ForwardRequest};
use crate::config::Environment;

use super::forwards::{ForwardInfo, Opened};
use super::plugin::{self, PluginCommand, PluginStatus};
use super::preflight::{self, Preflight};
use super::session::{SessionAudit, start_exec, start_forward};
use super::target::{ForwardTo, default_local_port, resolve};

/// The command an exec runs unless the operator names another.
pub const DEFAULT_COMMAND: &str = "/bin/sh";

/// An exec session ready to hand the terminal to.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecReady {
    pub plugin: PluginCommand,
    pub record: SessionAudit,
    /// `task/container` for messages.
    pub what: String,
}

/// Where the plugin is, with its version (asked once, off the async threads).
pub async fn plugin_status() -> PluginStatus {
    match plugin::find() {
        PluginStatus::Found { path, .. } => {
            let p = path.clone();
            let version = tokio::task::spawn_blocking(move || plugin::version(&p))
                .await
                .ok()
                .flatten();
            PluginStatus::Found { path, version }
        }
        PluginStatus::Missing => PluginStatus::Missing,
    }
}

/// The preflight of an exec into `task` (id or ARN) of the environment's cluster.
pub async fn check(
    read: &dyn CloudRead,
    env: &Environment,
    task: &str,
    container: Option<&str>,
) -> (Preflight, PluginStatus) {
    let plugin = plugin_status().await;
    let pre = preflight::gather(read, &env.cluster, task, container, &plugin).await;
    (pre, plugin)
}

/// The exec request a passed preflight makes possible.
pub fn exec_request(
    env: &Environment,
    pre: &Preflight,
    command: &str,
) -> Result<ExecRequest, String> {
    if pre.blocked() {
        return Err(format!("exec cannot work yet: {}", failing(pre).join("; ")));
    }
    let facts = pre.facts.as_ref().ok_or("the task could not be read")?;
    let container = pre.container.clone().ok_or("no container chosen")?;
    let runtime_id = pre
        .runtime_id()
        .ok_or("the container reports no runtime id (is it running?)")?;
    Ok(ExecRequest {
        cluster: env.cluster.clone(),
        task: facts.task_arn.clone(),
        container,
        runtime_id: runtime_id.to_string(),
        command: command.to_string(),
    })
}

/// The failing checks, one phrase each.
pub fn failing(pre: &Preflight) -> Vec<String> {
    pre.checks
        .iter()
        .filter(|c| c.status == preflight::CheckStatus::Fail)
        .map(|c| format!("{}: {}", c.name, c.detail))
        .collect()
}

/// `ExecuteCommand` (audited) and the plugin command that takes the session over.
pub async fn open_exec(
    cloud: &CloudHandle,
    audit: &AuditLog,
    env: &Environment,
    request: &ExecRequest,
    plugin: &PluginStatus,
    confirmed: bool,
) -> Result<ExecReady, String> {
    let PluginStatus::Found { path, version } = plugin else {
        return Err(format!(
            "session-manager-plugin is not installed: {}",
            plugin::install_hint()
        ));
    };
    let (session, endpoint, record) = start_exec(cloud, audit, &env.name, request, confirmed)
        .await
        .map_err(|e| format!("ExecuteCommand: {e}"))?;
    Ok(ExecReady {
        plugin: PluginCommand::exec(
            path,
            version.as_deref(),
            &session,
            &endpoint,
            env.profile.as_deref(),
        ),
        record,
        what: format!(
            "{}/{}",
            crate::cloud::last_segment(&request.task),
            request.container
        ),
    })
}

/// What the operator asked to forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardAsk {
    pub task: String,
    pub container: Option<String>,
    pub to: ForwardTo,
    pub local_port: Option<u16>,
    pub confirmed: bool,
}

/// Check the task, resolve the destination and open the forwarding session (audited):
/// what `Forwards::start` (console) or a foreground plugin (CLI) takes over.
pub async fn open_forward(
    cloud: &CloudHandle,
    audit: &AuditLog,
    env: &Environment,
    ask: &ForwardAsk,
    id: u32,
    now: Epoch,
) -> Result<Opened, String> {
    // Read-only refuses before any request leaves, the preflight's reads included.
    cloud.actor().map_err(|e| e.to_string())?;
    let plugin = plugin_status().await;
    open_forward_with(cloud, audit, env, ask, id, now, &plugin).await
}

/// [`open_forward`] with the plugin already looked up.
pub async fn open_forward_with(
    cloud: &CloudHandle,
    audit: &AuditLog,
    env: &Environment,
    ask: &ForwardAsk,
    id: u32,
    now: Epoch,
    plugin: &PluginStatus,
) -> Result<Opened, String> {
    cloud.actor().map_err(|e| e.to_string())?;
    let pre = preflight::gather(
        cloud.read.as_ref(),
        &env.cluster,
        &ask.task,
        ask.container.as_deref(),
        plugin,
    )
    .await;
    if pre.blocked() {
        return Err(format!(
            "forward cannot work yet: {}",
            failing(&pre).join("; ")
        ));
    }
    let PluginStatus::Found { path, version } = plugin else {
        return Err("session-manager-plugin is not installed".into());
    };
    let runtime_id = pre
        .runtime_id()
        .ok_or("the container reports no runtime id (is it running?)")?
        .to_string();
    let container = pre.container.clone().unwrap_or_default();
    let dest = resolve(cloud.read.as_ref(), env, &ask.to)
        .await
        .map_err(|e| format!("{}: {e}", ask.to.label()))?;
    let request = ForwardRequest {
        cluster: env.cluster.clone(),
        task_id: pre.task_id.clone(),
        runtime_id,
        host: dest.host.clone(),
        remote_port: dest.port,
        local_port: ask
            .local_port
            .unwrap_or_else(|| default_local_port(dest.port)),
    };
    let (session, endpoint, record) = start_forward(
        cloud,
        audit,
        &env.name,
        &request,
        &container,
        &dest.what,
        ask.confirmed,
    )
    .await
    .map_err(|e| format!("StartSession: {e}"))?;
    let plugin = PluginCommand::forward(
        path,
        version.as_deref(),
        &session,
        &request,
        &endpoint,
        env.profile.as_deref(),
    );
    Ok(Opened {
        info: ForwardInfo {
            id,
            env: env.name.clone(),
            local_port: request.local_port,
            what: dest.what,
            host: dest.host,
            remote_port: dest.port,
            task_id: pre.task_id,
            session_id: session.session.session_id,
            opened_at: now,
        },
        plugin,
        record,
        cloud: cloud.clone(),
        audit: audit.clone(),
    })
}

/// How an exec session ended, for the audit and the status line.
pub fn exec_outcome(status: &std::io::Result<std::process::ExitStatus>) -> Result<String, String> {
    match status {
        Ok(s) if s.success() => Ok("session ended (plugin exited 0)".into()),
        Ok(s) => Ok(format!("session ended (plugin {s})")),
        Err(e) => Err(format!("plugin could not run: {e}")),
    }
}
