//! Planning rotate-secret: with a rotation configured, check none is in progress and give
//! `RotateSecret` an idempotency token; without one, rotate by hand (`rotation_plan`:
//! a generated or typed value staged, then promoted). Record the rotation state the wait
//! compares against, and find the services whose task definitions inject the secret.
//! Only `DescribeSecret` is called: the value is never read.

use std::collections::BTreeMap;

use super::super::kinds::StepKind;
use super::super::plan::{Action, PlannedStep, RunContext, RunError};
use super::super::value::Value;
use super::incident_action::IncidentAction;
use super::inputs::text;
use super::rotation_plan;
use crate::cloud::{EcsService, SecretMeta, last_segment};

type Inputs = BTreeMap<String, Value>;

/// Input the plan adds to `secrets.wait_rotated`: `LastRotatedDate` before the run.
pub const ROTATED_BEFORE: &str = "rotated_before";
/// Input the plan adds to `secrets.wait_rotated`: the `AWSCURRENT` version before the run.
pub const CURRENT_BEFORE: &str = "current_before";
/// Input the plan adds to `secrets.wait_rotated`: the version the run makes (its token).
pub const EXPECT_CURRENT: &str = "expect_current";

pub use super::rotation_ids::{rotation_token, when};

fn describe_line(m: &SecretMeta) -> String {
    format!(
        "secretsmanager:DescribeSecret {}: rotation {}, last rotated {}, AWSCURRENT {}",
        m.name,
        if m.rotation_enabled {
            format!(
                "every {} days by {}",
                m.rotation_days.map_or("?".into(), |d| d.to_string()),
                m.rotation_lambda
                    .as_deref()
                    .map_or("managed rotation", last_segment)
            )
        } else {
            "not configured".into()
        },
        when(m.last_rotated),
        m.current().unwrap_or("?")
    )
}

/// The services of `cluster` whose current task definition injects `secret`, with the
/// containers that reference it.
pub async fn users(
    ctx: &RunContext,
    cluster: &str,
    secret: &SecretMeta,
) -> Result<Vec<(EcsService, Vec<String>)>, RunError> {
    let read = &ctx.cloud.read;
    let mut out = Vec::new();
    for svc in read.list_services(cluster).await? {
        if svc.task_definition.is_empty() {
            continue;
        }
        let td = read.describe_task_definition(&svc.task_definition).await?;
        let containers: Vec<String> = td
            .containers
            .iter()
            .filter(|c| c.secret_refs.iter().any(|r| secret.referenced_by(r)))
            .map(|c| c.name.clone())
            .collect();
        if !containers.is_empty() {
            out.push((svc, containers));
        }
    }
    Ok(out)
}

/// Plan `secrets.rotate`, `secrets.put_value`, `secrets.restore_previous`,
/// `secrets.wait_rotated` or `ecs.restart_secret_users`.
pub async fn plan(
    ctx: &RunContext,
    kind: StepKind,
    label: &str,
    inputs: &Inputs,
    run_id: &str,
) -> Result<PlannedStep, RunError> {
    let id = text(inputs, "secret").unwrap_or_default();
    let meta = ctx.cloud.read.describe_secret(&id).await?;
    let mut p = PlannedStep::new(kind, label, inputs);
    p.inputs.remove(super::super::value::TYPED_VALUE);
    p.calls.push(describe_line(&meta));
    match kind {
        StepKind::SecretsPutValue => rotation_plan::plan_put(&mut p, kind, inputs, run_id, &meta)?,
        StepKind::SecretsRestorePrevious => rotation_plan::plan_restore(&mut p, run_id, &meta)?,
        StepKind::SecretsRotate if !meta.rotation_enabled => {
            p.calls.push(format!(
                "no rotation is configured (RotationEnabled=false): rotated by hand (seed §5.5.2), {}",
                if text(inputs, "value").as_deref() == Some("prompt") {
                    "with the value typed at the prompt"
                } else {
                    "with a generated value"
                }
            ));
            rotation_plan::plan_put(&mut p, kind, inputs, run_id, &meta)?;
        }
        StepKind::SecretsRotate => {
            if text(inputs, "value").as_deref() == Some("prompt") {
                return Err(RunError::Refused(format!(
                    "{} is rotated by its Lambda ({}), which makes the new value itself: value=prompt does not apply. Run with value=generate (the default) to rotate it now",
                    meta.name,
                    meta.rotation_lambda
                        .as_deref()
                        .map_or("managed rotation", last_segment)
                )));
            }
            if let Some(v) = meta.pending() {
                return Err(RunError::Refused(format!(
                    "a rotation of {} is already in progress: version {} is AWSPENDING. Wait for it to finish; if it is stuck, read the rotation Lambda's logs before clearing the stage",
                    meta.name, v.id
                )));
            }
            let token = rotation_token(run_id);
            p.calls.push(format!(
                "secretsmanager:RotateSecret SecretId={} RotateImmediately=true ClientRequestToken={token}",
                meta.arn
            ));
            p.warnings.push(
                "the value is never read or shown; running tasks keep the old value until they restart (next step)"
                    .into(),
            );
            p.action = Some(Action::Incident(IncidentAction::RotateSecret {
                secret: meta.arn.clone(),
                token,
            }));
        }
        StepKind::SecretsWaitRotated => {
            p.calls = vec![format!(
                "secretsmanager:DescribeSecret {} every poll until no version is AWSPENDING and LastRotatedDate is after {}",
                meta.name,
                when(meta.last_rotated)
            )];
            p.inputs.insert(
                ROTATED_BEFORE.into(),
                Value::Int(meta.last_rotated.unwrap_or(0)),
            );
            if let Some(v) = meta.current() {
                p.inputs
                    .insert(CURRENT_BEFORE.into(), Value::Str(v.to_string()));
            }
            let expect = rotation_token(run_id);
            p.calls.push(format!(
                "then AWSCURRENT = {expect} (this run's version), AWSPREVIOUS = {}",
                meta.current().unwrap_or("?")
            ));
            p.inputs.insert(EXPECT_CURRENT.into(), Value::Str(expect));
        }
        StepKind::EcsRestartSecretUsers => {
            let cluster = text(inputs, "cluster").unwrap_or_default();
            p.calls = vec![format!(
                "ecs:DescribeTaskDefinition of each service in {cluster}: which inject {}",
                meta.name
            )];
            let found = users(ctx, &cluster, &meta).await?;
            if found.is_empty() {
                p.calls.push(format!(
                    "nothing to do: no service in {cluster} injects {}",
                    meta.name
                ));
                p.warnings
                    .push("check other clusters and Lambda functions that read it".into());
                return Ok(p);
            }
            for (svc, containers) in &found {
                p.calls.push(format!(
                    "ecs:UpdateService cluster={cluster} service={} forceNewDeployment=true ({} injects it into {})",
                    svc.name,
                    last_segment(&svc.task_definition),
                    containers.join(", ")
                ));
            }
            p.warnings.push(
                "tasks are replaced per each service's deployment configuration; the old tasks keep the old value until they stop"
                    .into(),
            );
            p.action = Some(Action::Incident(IncidentAction::RestartServices {
                cluster,
                services: found.into_iter().map(|(s, _)| s.name).collect(),
            }));
        }
        other => {
            return Err(RunError::Refused(format!(
                "{} is not a rotate-secret step",
                other.name()
            )));
        }
    }
    Ok(p)
}
