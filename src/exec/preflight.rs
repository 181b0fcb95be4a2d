//! The exec preflight: before `ExecuteCommand`, say why ECS Exec cannot work on a task,
//! each reason with its fix — exec not enabled on the task (or its service), the
//! container's `ExecuteCommandAgent` not RUNNING, a Fargate platform older than 1.4.0,
//! a task role without the `ssmmessages:*` actions (simulated where allowed, "unknown"
//! where the simulation is denied), and no `session-manager-plugin` on this machine.

use crate::cloud::{CloudError, CloudRead, ExecFacts, SSMMESSAGES_ACTIONS};
use crate::level::Level;

use super::plugin::{PluginStatus, install_hint};

/// A check's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    Pass,
    Fail,
    /// Could not be checked (e.g. policy simulation denied): exec may still work.
    Unknown,
}

impl CheckStatus {
    /// The level the UI colours the verdict with.
    pub fn level(self) -> Level {
        match self {
            CheckStatus::Pass => Level::Ok,
            CheckStatus::Fail => Level::Critical,
            CheckStatus::Unknown => Level::Unknown,
        }
    }

    /// A short word for the verdict.
    pub fn word(self) -> &'static str {
        match self {
            CheckStatus::Pass => "ok",
            CheckStatus::Fail => "FAIL",
            CheckStatus::Unknown => "unknown",
        }
    }
}

/// One check with its verdict, what was found, and how to fix a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub status: CheckStatus,
    pub detail: String,
    pub fix: Option<String>,
}

impl Check {
    fn pass(name: &'static str, detail: impl Into<String>) -> Check {
        Check {
            name,
            status: CheckStatus::Pass,
            detail: detail.into(),
            fix: None,
        }
    }

    fn fail(name: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            name,
            status: CheckStatus::Fail,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }

    fn unknown(name: &'static str, detail: impl Into<String>, fix: Option<String>) -> Check {
        Check {
            name,
            status: CheckStatus::Unknown,
            detail: detail.into(),
            fix,
        }
    }
}

/// What the task role's simulation said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleVerdict {
    /// Every `ssmmessages:*` action allowed.
    Allowed,
    /// These actions are denied.
    Missing(Vec<String>),
    /// The simulation could not be made (denied, unsupported): why.
    Unknown(String),
}

/// The preflight of one exec: the task's facts (when they could be read) and the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preflight {
    pub task_id: String,
    /// The container exec would open (None when the task has several and none was named).
    pub container: Option<String>,
    pub facts: Option<ExecFacts>,
    pub checks: Vec<Check>,
}

impl Preflight {
    /// True when a check failed: exec cannot work until it is fixed.
    pub fn blocked(&self) -> bool {
        self.checks.iter().any(|c| c.status == CheckStatus::Fail)
    }

    /// The container's runtime id, when known.
    pub fn runtime_id(&self) -> Option<&str> {
        self.facts
            .as_ref()?
            .container(self.container.as_deref())?
            .runtime_id
            .as_deref()
    }

    /// One line per check, `ok|FAIL|unknown name: detail` and the fix indented below.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for c in &self.checks {
            out.push(format!("{:<7} {}: {}", c.status.word(), c.name, c.detail));
            if let Some(fix) = &c.fix {
                out.push(format!("        fix: {fix}"));
            }
        }
        out
    }
}

/// Read the facts and make every check for `task` (id or ARN) of `cluster`.
pub async fn gather(
    read: &dyn CloudRead,
    cluster: &str,
    task: &str,
    container: Option<&str>,
    plugin: &PluginStatus,
) -> Preflight {
    let task_id = crate::cloud::last_segment(task).to_string();
    let facts = match read.exec_facts(cluster, task).await {
        Ok(f) => f,
        Err(e) => {
            return Preflight {
                task_id,
                container: container.map(str::to_owned),
                facts: None,
                checks: vec![
                    Check::fail(
                        "task",
                        format!("DescribeTasks: {e}"),
                        "check the task id and the cluster; the task may have stopped",
                    ),
                    plugin_check(plugin),
                ],
            };
        }
    };
    let role = match &facts.task_role_arn {
        Some(arn) => role_verdict(read.simulate_principal(arn, &SSMMESSAGES_ACTIONS).await),
        None => RoleVerdict::Missing(SSMMESSAGES_ACTIONS.iter().map(|a| a.to_string()).collect()),
    };
    let chosen = facts.container(container).map(|c| c.name.clone());
    let checks = verdicts(&facts, container, &role, plugin);
    Preflight {
        task_id,
        container: chosen.or(container.map(str::to_owned)),
        facts: Some(facts),
        checks,
    }
}

/// A simulation's answer as a verdict on the `ssmmessages:*` actions.
pub fn role_verdict(result: Result<Vec<(String, bool)>, CloudError>) -> RoleVerdict {
    match result {
        Ok(decisions) => {
            let missing: Vec<String> = SSMMESSAGES_ACTIONS
                .iter()
                .filter(|a| !decisions.iter().any(|(d, ok)| d == *a && *ok))
                .map(|a| a.to_string())
                .collect();
            if missing.is_empty() {
                RoleVerdict::Allowed
            } else {
                RoleVerdict::Missing(missing)
            }
        }
        Err(e) => RoleVerdict::Unknown(e.to_string()),
    }
}

/// Every check, from the facts read, the role's verdict and the plugin lookup.
pub fn verdicts(
    facts: &ExecFacts,
    container: Option<&str>,
    role: &RoleVerdict,
    plugin: &PluginStatus,
) -> Vec<Check> {
    vec![
        enabled_check(facts),
        agent_check(facts, container),
        platform_check(facts),
        role_check(facts, role),
        plugin_check(plugin),
    ]
}

fn enabled_check(f: &ExecFacts) -> Check {
    const NAME: &str = "enableExecuteCommand";
    let service_fix = |s: &str| {
        format!(
            "aws ecs update-service --cluster {} --service {s} --enable-execute-command --force-new-deployment (new tasks get it; this one never will)",
            crate::cloud::last_segment(&f.cluster)
        )
    };
    match (f.task_exec_enabled, &f.service, f.service_exec_enabled) {
        (true, _, _) => Check::pass(NAME, "the task was started with exec enabled"),
        (false, Some(s), Some(false)) => Check::fail(
            NAME,
            format!("service {s} and this task were started without it"),
            service_fix(s),
        ),
        (false, Some(s), Some(true)) => Check::fail(
            NAME,
            format!("service {s} has it now, but this task was started before"),
            "exec into a newer task of the service, or stop this one so the service replaces it",
        ),
        (false, Some(s), None) => {
            Check::fail(NAME, "this task was started without it", service_fix(s))
        }
        (false, None, _) => Check::fail(
            NAME,
            "this task was started without it",
            "run the task again with --enable-execute-command",
        ),
    }
}

fn agent_check(f: &ExecFacts, container: Option<&str>) -> Check {
    const NAME: &str = "ExecuteCommandAgent";
    let Some(c) = f.container(container) else {
        let names: Vec<&str> = f.containers.iter().map(|c| c.name.as_str()).collect();
        return match container {
            Some(n) => Check::fail(
                NAME,
                format!("the task has no container {n:?}"),
                format!("pick one of: {}", names.join(", ")),
            ),
            None => Check::fail(
                NAME,
                format!("the task has {} containers", names.len()),
                format!("name one: {}", names.join(", ")),
            ),
        };
    };
    match c.agent_status.as_deref() {
        Some("RUNNING") => Check::pass(NAME, format!("RUNNING in {}", c.name)),
        Some(status) => Check::fail(
            NAME,
            format!(
                "{status} in {}{}",
                c.name,
                c.agent_reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
            if status == "PENDING" {
                "the agent is starting: try again in a few seconds".to_string()
            } else {
                "stop the task so the service starts a new one with a running agent (the image needs no change; the agent is bind-mounted by ECS)".to_string()
            },
        ),
        None => Check::fail(
            NAME,
            format!("no exec agent reported in {}", c.name),
            "the task was started without exec enabled: see enableExecuteCommand",
        ),
    }
}

/// `1.4.0` → (1, 4, 0); None for `LATEST` or anything unparsable.
fn version(v: &str) -> Option<(u32, u32, u32)> {
    let mut parts = v.trim().split('.').map(|p| p.parse::<u32>().ok());
    Some((
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    ))
}

fn platform_check(f: &ExecFacts) -> Check {
    const NAME: &str = "platform version";
    if f.launch_type.as_deref() != Some("FARGATE") {
        return Check::pass(
            NAME,
            format!(
                "{} (not Fargate: the ECS agent must be 1.50.2 or later)",
                f.launch_type
                    .as_deref()
                    .unwrap_or("launch type not reported")
            ),
        );
    }
    match f.platform_version.as_deref() {
        Some(v) if v.eq_ignore_ascii_case("LATEST") => Check::pass(NAME, "Fargate LATEST"),
        Some(v) => match version(v) {
            Some(parsed) if parsed >= (1, 4, 0) => Check::pass(NAME, format!("Fargate {v}")),
            Some(_) => Check::fail(
                NAME,
                format!("Fargate {v} is older than 1.4.0"),
                "set the service's platformVersion to LATEST (or 1.4.0) and deploy",
            ),
            None => Check::unknown(NAME, format!("Fargate {v:?} not understood"), None),
        },
        None => Check::unknown(NAME, "Fargate, version not reported", None),
    }
}

fn role_check(f: &ExecFacts, role: &RoleVerdict) -> Check {
    const NAME: &str = "task role";
    let Some(arn) = &f.task_role_arn else {
        return Check::fail(
            NAME,
            "the task has no task role",
            "give the task definition a taskRoleArn whose policy allows ssmmessages:CreateControlChannel, CreateDataChannel, OpenControlChannel and OpenDataChannel",
        );
    };
    let name = crate::cloud::last_segment(arn);
    match role {
        RoleVerdict::Allowed => Check::pass(NAME, format!("{name} allows ssmmessages:*")),
        RoleVerdict::Missing(actions) => Check::fail(
            NAME,
            format!("{name} is denied {}", actions.join(", ")),
            format!("add an Allow for {} on \"*\" to {name}", actions.join(", ")),
        ),
        RoleVerdict::Unknown(why) => Check::unknown(
            NAME,
            format!("{name}: not simulated ({why})"),
            Some("allow iam:SimulatePrincipalPolicy to check it; exec may still work".into()),
        ),
    }
}

fn plugin_check(plugin: &PluginStatus) -> Check {
    const NAME: &str = "session-manager-plugin";
    match plugin {
        PluginStatus::Found { path, version } => Check::pass(
            NAME,
            format!(
                "{}{}",
                path.display(),
                version
                    .as_deref()
                    .map(|v| format!(" ({v})"))
                    .unwrap_or_default()
            ),
        ),
        PluginStatus::Missing => Check::fail(NAME, "not on PATH", install_hint()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::ExecContainer;

    fn facts() -> ExecFacts {
        ExecFacts {
            cluster: "c1".into(),
            task_arn: "arn:aws:ecs:us-east-1:1:task/c1/t1".into(),
            task_exec_enabled: true,
            service: Some("web".into()),
            service_exec_enabled: Some(true),
            launch_type: Some("FARGATE".into()),
            platform_version: Some("1.4.0".into()),
            task_role_arn: Some("arn:aws:iam::1:role/web-task".into()),
            containers: vec![ExecContainer {
                name: "app".into(),
                runtime_id: Some("r1".into()),
                agent_status: Some("RUNNING".into()),
                agent_reason: None,
            }],
        }
    }

    fn found() -> PluginStatus {
        PluginStatus::Found {
            path: "/usr/bin/session-manager-plugin".into(),
            version: None,
        }
    }

    fn failing(f: &ExecFacts, role: &RoleVerdict, plugin: &PluginStatus) -> Vec<&'static str> {
        verdicts(f, None, role, plugin)
            .into_iter()
            .filter(|c| c.status == CheckStatus::Fail)
            .map(|c| c.name)
            .collect()
    }

    #[test]
    fn all_green() {
        assert!(failing(&facts(), &RoleVerdict::Allowed, &found()).is_empty());
    }

    #[test]
    fn each_cause_fails_its_own_check() {
        let mut f = facts();
        f.task_exec_enabled = false;
        f.service_exec_enabled = Some(false);
        assert_eq!(
            failing(&f, &RoleVerdict::Allowed, &found()),
            ["enableExecuteCommand"]
        );
        let mut f = facts();
        f.containers[0].agent_status = Some("STOPPED".into());
        assert_eq!(
            failing(&f, &RoleVerdict::Allowed, &found()),
            ["ExecuteCommandAgent"]
        );
        let mut f = facts();
        f.platform_version = Some("1.3.0".into());
        assert_eq!(
            failing(&f, &RoleVerdict::Allowed, &found()),
            ["platform version"]
        );
        let missing = RoleVerdict::Missing(vec!["ssmmessages:OpenDataChannel".into()]);
        assert_eq!(failing(&facts(), &missing, &found()), ["task role"]);
        assert_eq!(
            failing(&facts(), &RoleVerdict::Allowed, &PluginStatus::Missing),
            ["session-manager-plugin"]
        );
    }

    #[test]
    fn denied_simulation_is_unknown_not_a_failure() {
        let role = role_verdict(Err(CloudError::AccessDenied("iam".into())));
        let checks = verdicts(&facts(), None, &role, &found());
        let c = checks.iter().find(|c| c.name == "task role").unwrap();
        assert_eq!(c.status, CheckStatus::Unknown);
    }

    #[test]
    fn versions() {
        assert_eq!(version("1.4.0"), Some((1, 4, 0)));
        assert!(version("1.3.0") < Some((1, 4, 0)));
        assert_eq!(version("LATEST"), None);
    }
}
