//! Planning the ECS write steps: rollback, scale, deploy, restart and restore. Each
//! reads the service's current state and returns the exact call it will make with
//! before → after values. Nothing here changes state.

use super::super::kinds::StepKind;
use super::super::plan::{
    Action, PlannedStep, RunContext, RunError, ServiceBefore, family_revision,
};
use super::super::value::Value;
use crate::cloud::{CloudError, EcsService, ServiceDeploymentRecord, ServiceUpdate, last_segment};

use super::inputs::{Inputs, text};

fn int(inputs: &Inputs, key: &str) -> Option<i64> {
    match inputs.get(key) {
        Some(Value::Int(i)) => Some(*i),
        _ => None,
    }
}

/// The service named by the step's `cluster`/`service` inputs.
pub async fn service_of(ctx: &RunContext, inputs: &Inputs) -> Result<EcsService, RunError> {
    let cluster = text(inputs, "cluster").unwrap_or_default();
    let name = text(inputs, "service").unwrap_or_default();
    ctx.cloud
        .read
        .list_services(&cluster)
        .await?
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| CloudError::NotFound(format!("service {name} in cluster {cluster}")).into())
}

fn update_call(cluster: &str, service: &str, change: &str) -> String {
    format!("ecs:UpdateService cluster={cluster} service={service} {change}")
}

/// Plan one ECS write step.
pub async fn plan(
    ctx: &RunContext,
    kind: StepKind,
    label: &str,
    inputs: &Inputs,
    before: &[ServiceBefore],
) -> Result<PlannedStep, RunError> {
    let svc = service_of(ctx, inputs).await?;
    let cluster = text(inputs, "cluster").unwrap_or_default();
    let mut p = PlannedStep::new(kind, label, inputs);
    let current = last_segment(&svc.task_definition).to_string();
    match kind {
        StepKind::EcsRollback => {
            plan_rollback(ctx, &mut p, &cluster, &svc, int(inputs, "revision")).await?
        }
        StepKind::EcsScale => plan_scale(ctx, &mut p, &cluster, &svc, inputs).await?,
        StepKind::EcsDeploy => plan_deploy(ctx, &mut p, &cluster, &svc, inputs).await?,
        StepKind::EcsRestart => {
            if let Some(w) = nothing_failing(&svc, "a restart replaces every task") {
                p.warnings.push(w);
            }
            p.calls.push(update_call(
                &cluster,
                &svc.name,
                &format!("forceNewDeployment=true (every task replaced, still {current})"),
            ));
            p.action = Some(Action::UpdateService {
                cluster,
                service: svc.name.clone(),
                update: ServiceUpdate {
                    force_new_deployment: true,
                    ..Default::default()
                },
            });
        }
        StepKind::EcsRestore => {
            let b = before
                .iter()
                .find(|b| b.service == svc.name && b.cluster == cluster)
                .ok_or_else(|| {
                    RunError::Refused(format!("no recorded state of {} to restore", svc.name))
                })?;
            let td = (b.task_definition != svc.task_definition).then(|| b.task_definition.clone());
            if let Some(t) = &td
                && let Some(w) = failed_revision_warning(ctx, &cluster, &svc, t).await
            {
                p.warnings.push(w);
            }
            let desired = (b.desired != svc.desired).then_some(b.desired);
            if td.is_none() && desired.is_none() {
                p.calls.push(format!(
                    "nothing to restore: {} is on {current} with {} tasks desired",
                    svc.name, svc.desired
                ));
            } else {
                let mut change = Vec::new();
                if let Some(t) = &td {
                    change.push(format!("taskDefinition {current} → {}", last_segment(t)));
                }
                if let Some(d) = desired {
                    change.push(format!("desiredCount {} → {d}", svc.desired));
                }
                p.calls
                    .push(update_call(&cluster, &svc.name, &change.join(", ")));
                p.action = Some(Action::UpdateService {
                    cluster,
                    service: svc.name.clone(),
                    update: ServiceUpdate {
                        task_definition: td,
                        desired_count: desired,
                        force_new_deployment: false,
                    },
                });
            }
        }
        other => {
            return Err(RunError::Refused(format!(
                "{} is not an ECS write step",
                other.name()
            )));
        }
    }
    Ok(p)
}

/// The warning for a service that ECS reports steady and healthy (one deployment, rollout
/// COMPLETED, running == desired): nothing is failing, so the write may be a mistake.
fn nothing_failing(svc: &EcsService, consequence: &str) -> Option<String> {
    (svc.is_steady() && svc.desired > 0 && svc.pending == 0).then(|| {
        format!(
            "{} is steady and healthy ({}/{} running on {}, one deployment, rollout COMPLETED): nothing is failing; {consequence}",
            svc.name,
            svc.running,
            svc.desired,
            last_segment(&svc.task_definition)
        )
    })
}

/// The revision a stopped (ROLLBACK) deployment returns the service to: the newest
/// successful deployment before it other than its own target, else the ACTIVE
/// deployment still serving.
fn landing_revision(
    history: &[ServiceDeploymentRecord],
    svc: &EcsService,
    in_flight: &ServiceDeploymentRecord,
) -> Option<String> {
    let own = in_flight.target_task_definition.as_deref();
    history
        .iter()
        .filter(|d| d.status == "SUCCESSFUL" && d.arn != in_flight.arn)
        .filter_map(|d| d.target_task_definition.clone())
        .find(|t| Some(t.as_str()) != own)
        .or_else(|| {
            svc.deployments
                .iter()
                .find(|d| d.status == "ACTIVE" && Some(d.task_definition.as_str()) != own)
                .map(|d| d.task_definition.clone())
        })
}

/// When `target` is the revision a failed or rolled-back deployment introduced, the
/// warning that restoring it brings the failure back.
async fn failed_revision_warning(
    ctx: &RunContext,
    cluster: &str,
    svc: &EcsService,
    target: &str,
) -> Option<String> {
    let failed_now = svc
        .deployments
        .iter()
        .any(|d| d.task_definition == target && d.rollout_state.as_deref() == Some("FAILED"));
    let failed_before = match ctx
        .cloud
        .read
        .list_service_deployments(cluster, &svc.name)
        .await
    {
        Ok(history) => history.iter().any(|d| {
            d.target_task_definition.as_deref() == Some(target)
                && (d.status == "FAILED"
                    || d.status.starts_with("ROLLBACK")
                    || d.status == "STOPPED"
                    || d.status == "IN_PROGRESS")
        }),
        Err(_) => false,
    };
    (failed_now || failed_before).then(|| {
        format!(
            "{} is the revision the failed deployment introduced: restoring it brings the failure back (crash loop). Cancel unless you mean it",
            last_segment(target)
        )
    })
}

/// Where a rollback goes, in order of preference: an explicit revision; stopping an
/// in-flight deployment with ROLLBACK; the last completed deployment other than the
/// current one (ListServiceDeployments); the ACTIVE deployment still serving
/// (DescribeServices); the previous ACTIVE revision by number. Never deregisters.
async fn plan_rollback(
    ctx: &RunContext,
    p: &mut PlannedStep,
    cluster: &str,
    svc: &EcsService,
    revision: Option<i64>,
) -> Result<(), RunError> {
    let read = &ctx.cloud.read;
    if let Some(w) = nothing_failing(svc, "a rollback replaces every task with an older build") {
        p.warnings.push(w);
    }
    let current = svc.task_definition.clone();
    let (family, current_rev) = family_revision(&current)
        .ok_or_else(|| RunError::Refused(format!("cannot read the revision of {current}")))?;
    let target: (String, String) = if let Some(rev) = revision {
        if rev == current_rev {
            return Err(RunError::Refused(format!(
                "{family}:{rev} is already the service's task definition"
            )));
        }
        let td = read
            .describe_task_definition(&format!("{family}:{rev}"))
            .await?;
        (
            td.arn,
            format!("revision {rev} given with --param revision"),
        )
    } else {
        let history = read.list_service_deployments(cluster, &svc.name).await;
        let history = match history {
            Ok(h) => Some(h),
            Err(CloudError::Unsupported(_)) => {
                p.warnings.push("ListServiceDeployments is not supported by this endpoint: using DescribeServices and revision numbers".into());
                None
            }
            // A transient failure: plan from what DescribeServices says, and say so (the
            // plan is reviewed before anything runs).
            Err(e) if e.is_transient() => {
                p.warnings.push(format!(
                    "ListServiceDeployments could not be read ({e}): using DescribeServices and revision numbers"
                ));
                None
            }
            Err(e) => return Err(e.into()),
        };
        let in_flight = history.as_ref().and_then(|h| {
            h.iter()
                .find(|d| matches!(d.status.as_str(), "IN_PROGRESS" | "PENDING"))
        });
        if let Some(d) = in_flight {
            let landing = landing_revision(history.as_deref().unwrap_or(&[]), svc, d);
            p.calls.push(format!(
                "ecs:StopServiceDeployment serviceDeploymentArn={} stopType=ROLLBACK (deployment of {} in flight; ECS returns the service to its previous deployment: lands on {})",
                d.arn,
                d.target_task_definition.as_deref().map_or("?", last_segment),
                landing.as_deref().map_or("the revision before it (not known here)", last_segment)
            ));
            p.action = Some(Action::StopDeployment { arn: d.arn.clone() });
            return Ok(());
        }
        let from_history = history.as_ref().and_then(|h| {
            h.iter()
                .filter(|d| d.status == "SUCCESSFUL")
                .filter_map(|d| d.target_task_definition.clone())
                .find(|td| td != &current)
        });
        let active = svc
            .deployments
            .iter()
            .find(|d| d.status == "ACTIVE" && d.task_definition != current)
            .map(|d| d.task_definition.clone());
        if let Some(td) = from_history {
            (
                td,
                "the last completed deployment (ListServiceDeployments)".into(),
            )
        } else if let Some(td) = active {
            (
                td,
                "the deployment still serving traffic (DescribeServices ACTIVE)".into(),
            )
        } else {
            let arns = read.list_task_definitions(&family).await?;
            let previous = arns
                .iter()
                .filter_map(|a| family_revision(a).map(|(_, r)| (r, a.clone())))
                .filter(|(r, _)| *r < current_rev)
                .max_by_key(|(r, _)| *r)
                .ok_or_else(|| {
                    RunError::Refused(format!(
                        "no ACTIVE revision of {family} older than {current_rev}"
                    ))
                })?;
            p.warnings.push(format!(
                "no deployment history: falling back to the previous ACTIVE revision by number ({}); check it is a good build",
                last_segment(&previous.1)
            ));
            (previous.1, "the previous ACTIVE revision by number".into())
        }
    };
    p.calls.push(update_call(
        cluster,
        &svc.name,
        &format!(
            "taskDefinition {} → {} ({})",
            last_segment(&current),
            last_segment(&target.0),
            target.1
        ),
    ));
    p.action = Some(Action::UpdateService {
        cluster: cluster.to_string(),
        service: svc.name.clone(),
        update: ServiceUpdate {
            task_definition: Some(target.0),
            ..Default::default()
        },
    });
    Ok(())
}

async fn plan_scale(
    ctx: &RunContext,
    p: &mut PlannedStep,
    cluster: &str,
    svc: &EcsService,
    inputs: &Inputs,
) -> Result<(), RunError> {
    let count = int(inputs, "count").unwrap_or_default();
    let allow_below = matches!(inputs.get("allow_below_minimum"), Some(Value::Bool(true)));
    let count = i32::try_from(count)
        .map_err(|_| RunError::Refused(format!("count {count} is out of range")))?;
    if count == svc.desired {
        return Err(RunError::Refused(format!(
            "{} already wants {count} tasks",
            svc.name
        )));
    }
    let min = i32::try_from(ctx.env.min_tasks).unwrap_or(i32::MAX);
    if count < min && !allow_below {
        return Err(RunError::Refused(format!(
            "{count} is below {}'s minimum of {min} tasks (min_tasks)",
            ctx.env.name
        )));
    }
    match ctx.cloud.read.scalable_target(cluster, &svc.name).await {
        Ok(Some(t)) => {
            p.calls.push(format!(
                "application-autoscaling:DescribeScalableTargets service/{cluster}/{}: min {} max {}",
                svc.name, t.min, t.max
            ));
            if count < t.min || count > t.max {
                return Err(RunError::Refused(format!(
                    "{count} is outside the service's auto-scaling bounds {}..={}: auto scaling would undo it; change the scalable target instead",
                    t.min, t.max
                )));
            }
        }
        Ok(None) => p
            .calls
            .push("application-autoscaling: the service has no scalable target".into()),
        Err(e) => p
            .warnings
            .push(format!("could not read auto-scaling bounds: {e}")),
    }
    p.calls.push(update_call(
        cluster,
        &svc.name,
        &format!("desiredCount {} → {count}", svc.desired),
    ));
    p.action = Some(Action::UpdateService {
        cluster: cluster.to_string(),
        service: svc.name.clone(),
        update: ServiceUpdate {
            desired_count: Some(count),
            ..Default::default()
        },
    });
    Ok(())
}

async fn plan_deploy(
    ctx: &RunContext,
    p: &mut PlannedStep,
    cluster: &str,
    svc: &EcsService,
    inputs: &Inputs,
) -> Result<(), RunError> {
    let current = svc.task_definition.clone();
    let (family, _) = family_revision(&current)
        .ok_or_else(|| RunError::Refused(format!("cannot read the revision of {current}")))?;
    match (text(inputs, "image"), int(inputs, "revision")) {
        (Some(_), Some(_)) | (None, None) => Err(RunError::Refused(
            "deploy needs exactly one of --param image=REPO:TAG or --param revision=N".into(),
        )),
        (None, Some(rev)) => {
            let td = ctx
                .cloud
                .read
                .describe_task_definition(&format!("{family}:{rev}"))
                .await?;
            if td.arn == current {
                return Err(RunError::Refused(format!(
                    "{family}:{rev} is already deployed"
                )));
            }
            p.calls.push(update_call(
                cluster,
                &svc.name,
                &format!(
                    "taskDefinition {} → {}",
                    last_segment(&current),
                    last_segment(&td.arn)
                ),
            ));
            p.action = Some(Action::UpdateService {
                cluster: cluster.to_string(),
                service: svc.name.clone(),
                update: ServiceUpdate {
                    task_definition: Some(td.arn),
                    ..Default::default()
                },
            });
            Ok(())
        }
        (Some(image), None) => {
            let td = ctx.cloud.read.describe_task_definition(&current).await?;
            let container =
                match text(inputs, "container") {
                    Some(c) => td.containers.iter().find(|x| x.name == c).ok_or_else(|| {
                        RunError::Refused(format!("{current} has no container {c}"))
                    })?,
                    None => td
                        .containers
                        .first()
                        .ok_or_else(|| RunError::Refused(format!("{current} has no containers")))?,
                };
            if container.image == image {
                return Err(RunError::Refused(format!(
                    "{} already runs {image}",
                    container.name
                )));
            }
            p.calls.push(format!(
                "ecs:RegisterTaskDefinition family={family}: copy of {} with container {} image {} → {image}",
                last_segment(&current),
                container.name,
                container.image
            ));
            p.calls.push(update_call(
                cluster,
                &svc.name,
                &format!(
                    "taskDefinition {} → {family}:<new revision>",
                    last_segment(&current)
                ),
            ));
            p.action = Some(Action::RegisterAndDeploy {
                cluster: cluster.to_string(),
                service: svc.name.clone(),
                base: current,
                container: container.name.clone(),
                image,
            });
            Ok(())
        }
    }
}
