//! Planning isolate-task's steps from the task's facts gathered before the run:
//! quarantine the ENI, deregister the IP, protect, tag, add capacity — and the rollback
//! steps that restore the original groups and registration. Reads only.

use std::collections::BTreeMap;

use super::super::kinds::StepKind;
use super::super::plan::{Action, PlannedStep, RunContext, RunError, TaskBefore};
use super::super::value::Value;
use super::data_plan::stamp;
use super::incident_action::IncidentAction;
use super::inputs::text;
use crate::cloud::{TargetRef, last_segment};

type Inputs = BTreeMap<String, Value>;

/// Longest `UpdateTaskProtection` allows (48 hours).
pub const MAX_PROTECTION_MINUTES: i64 = 2880;

/// The scope isolate-task plans in: who is acting, and the task before the run.
pub struct TaskScope<'a> {
    pub caller: Option<&'a str>,
    pub task: Option<&'a TaskBefore>,
}

fn groups_text(groups: &[String]) -> String {
    format!("[{}]", groups.join(", "))
}

fn target_text(t: &TargetRef) -> String {
    format!(
        "TargetGroupArn={} Id={}{}",
        t.target_group,
        t.id,
        t.port.map(|p| format!(" Port={p}")).unwrap_or_default()
    )
}

/// A tag value ECS accepts: letters, digits, spaces and `_.:/=+-@`, at most 256 chars.
pub fn tag_value(s: &str) -> String {
    let cleaned = super::sanitize::restrict(
        s,
        |c| c.is_alphanumeric() || " _.:/=+-@".contains(c),
        ' ',
        256,
    );
    let trimmed = cleaned.trim();
    if trimmed.is_empty() {
        "none".into()
    } else {
        trimmed.to_string()
    }
}

/// Plan one isolate-task step.
pub async fn plan(
    ctx: &RunContext,
    kind: StepKind,
    label: &str,
    inputs: &Inputs,
    scope: &TaskScope<'_>,
) -> Result<PlannedStep, RunError> {
    let task_ref = text(inputs, "task").unwrap_or_default();
    let cluster = text(inputs, "cluster").unwrap_or_default();
    let facts = scope.task.ok_or_else(|| {
        RunError::Refused(format!("task {task_ref} was not found before the run"))
    })?;
    let task = &facts.task;
    // A stopped task has no network to cut and no traffic to drain: containment would
    // change nothing and the plan would promise what it cannot do.
    let restoring = matches!(
        kind,
        StepKind::ElbReregisterTask | StepKind::Ec2RestoreTaskGroups
    );
    if !restoring && matches!(task.last_status.as_str(), "STOPPED" | "DEPROVISIONING") {
        return Err(RunError::Refused(format!(
            "task {} is {}{}: there is nothing to isolate (no network, no traffic). Its evidence stays readable: the ECS task detail (stopped reason, exit codes, image digest) and its log stream in the Logs pane",
            task.id(),
            task.last_status,
            task.stopped_reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        )));
    }
    let mut p = PlannedStep::new(kind, label, inputs);
    let ip = task.private_ip.clone().unwrap_or_else(|| "?".into());
    match kind {
        StepKind::Ec2QuarantineTask => {
            let Some(sg) = text(inputs, "security_group") else {
                return Err(RunError::Refused(format!(
                    "{} has no quarantine_security_group configured: add it under [environments.{}] (a security group with no inbound and no outbound rules)",
                    ctx.env.name, ctx.env.name
                )));
            };
            let Some(eni) = &facts.eni else {
                return Err(RunError::Refused(format!(
                    "task {} has no network interface (not awsvpc?): it cannot be quarantined by security group",
                    task.id()
                )));
            };
            p.calls.push(format!(
                "ecs:DescribeTasks {}: {} on {}, ENI {}, IP {ip}, service {}",
                task.id(),
                task.last_status,
                task.task_definition(),
                eni.id,
                facts.service.as_deref().unwrap_or("none")
            ));
            if eni.groups == [sg.clone()] {
                p.calls
                    .push(format!("nothing to do: {} is already only in {sg}", eni.id));
                return Ok(p);
            }
            p.calls.push(format!(
                "ec2:ModifyNetworkInterfaceAttribute NetworkInterfaceId={} Groups {} → [{sg}]",
                eni.id,
                groups_text(&eni.groups)
            ));
            p.warnings.push(
                "connections already open may survive until they go idle (security groups track established connections); the load balancer deregistration below stops new requests"
                    .into(),
            );
            p.action = Some(Action::Incident(IncidentAction::SetGroups {
                eni: eni.id.clone(),
                groups: vec![sg],
            }));
        }
        StepKind::ElbDeregisterTask | StepKind::ElbReregisterTask => {
            let register = kind == StepKind::ElbReregisterTask;
            if facts.targets.is_empty() {
                p.calls.push(format!(
                    "nothing to do: {ip} was not registered in any of {}'s target groups",
                    facts.service.as_deref().unwrap_or("its service")
                ));
                return Ok(p);
            }
            for t in &facts.targets {
                p.calls.push(format!(
                    "elasticloadbalancing:{} {}",
                    if register {
                        "RegisterTargets"
                    } else {
                        "DeregisterTargets"
                    },
                    target_text(t)
                ));
            }
            if !register {
                p.warnings.push(
                    "the target drains for the target group's deregistration delay before it leaves"
                        .into(),
                );
            }
            let targets = facts.targets.clone();
            p.action = Some(Action::Incident(if register {
                IncidentAction::Register(targets)
            } else {
                IncidentAction::Deregister(targets)
            }));
        }
        StepKind::EcsProtectTask => {
            let minutes = match inputs.get("minutes") {
                Some(Value::Int(m)) => (*m).clamp(1, MAX_PROTECTION_MINUTES),
                _ => MAX_PROTECTION_MINUTES,
            };
            p.calls.push(format!(
                "ecs:UpdateTaskProtection cluster={cluster} tasks={} protectionEnabled=true expiresInMinutes={minutes}",
                task.arn
            ));
            p.warnings.push(
                "if protection fails the run goes on (containment stands); keep the service from replacing the task by hand"
                    .into(),
            );
            p.action = Some(Action::Incident(IncidentAction::ProtectTask {
                cluster,
                task: task.arn.clone(),
                minutes: minutes as i32,
            }));
        }
        StepKind::EcsTagTask => {
            let tags = vec![
                (
                    "opsdeck:isolated-reason".to_string(),
                    tag_value(&text(inputs, "reason").unwrap_or_default()),
                ),
                (
                    "opsdeck:incident".to_string(),
                    tag_value(&text(inputs, "incident").unwrap_or_default()),
                ),
                (
                    "opsdeck:isolated-by".to_string(),
                    tag_value(last_segment(scope.caller.unwrap_or("unknown"))),
                ),
                (
                    "opsdeck:isolated-at".to_string(),
                    stamp(ctx.cloud.read.metrics_now()),
                ),
            ];
            let shown: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            p.calls.push(format!(
                "ecs:TagResource {} Tags {}",
                task.arn,
                shown.join(", ")
            ));
            p.action = Some(Action::Incident(IncidentAction::TagTask {
                task: task.arn.clone(),
                tags,
            }));
        }
        StepKind::EcsAddTaskCapacity => {
            let Some(name) = &facts.service else {
                p.calls.push(format!(
                    "nothing to do: task {} was not started by a service",
                    task.id()
                ));
                return Ok(p);
            };
            let read = &ctx.cloud.read;
            let svc = read
                .list_services(&cluster)
                .await?
                .into_iter()
                .find(|s| &s.name == name)
                .ok_or_else(|| {
                    RunError::Refused(format!("service {name} not found in {cluster}"))
                })?;
            let desired = svc.desired + 1;
            p.calls.push(format!(
                "ecs:UpdateService cluster={cluster} service={name} desiredCount {} → {desired} (the isolated task keeps its slot)",
                svc.desired
            ));
            if let Ok(Some(bounds)) = read.scalable_target(&cluster, name).await
                && desired > bounds.max
            {
                p.warnings.push(format!(
                    "{desired} is above the auto-scaling maximum {}: auto scaling may bring it back down",
                    bounds.max
                ));
            }
            p.action = Some(Action::Incident(IncidentAction::SetDesired {
                cluster,
                service: name.clone(),
                desired,
            }));
        }
        StepKind::Ec2RestoreTaskGroups => {
            let Some(before) = &facts.eni else {
                return Err(RunError::Refused(format!(
                    "task {} had no network interface recorded before the run",
                    task.id()
                )));
            };
            let now = ctx.cloud.read.network_interface(&before.id).await?;
            if now.groups == before.groups {
                p.calls.push(format!(
                    "nothing to do: {} already has {}",
                    before.id,
                    groups_text(&before.groups)
                ));
                return Ok(p);
            }
            p.calls.push(format!(
                "ec2:ModifyNetworkInterfaceAttribute NetworkInterfaceId={} Groups {} → {} (as before the run)",
                before.id,
                groups_text(&now.groups),
                groups_text(&before.groups)
            ));
            p.action = Some(Action::Incident(IncidentAction::SetGroups {
                eni: before.id.clone(),
                groups: before.groups.clone(),
            }));
        }
        other => {
            return Err(RunError::Refused(format!(
                "{} is not an isolate-task step",
                other.name()
            )));
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_values_keep_allowed_characters_only() {
        assert_eq!(
            tag_value("GuardDuty Backdoor:Runtime/C&CActivity.B!DNS"),
            "GuardDuty Backdoor:Runtime/C CActivity.B DNS"
        );
        assert_eq!(tag_value("  "), "none");
        assert_eq!(tag_value(&"x".repeat(300)).len(), 256);
    }
}
