//! The dev scale-down's memory: `ecs.record_desired` tags the service with the desired
//! count it had (`opsdeck:desired-before-scale-down`, ECS TagResource) before it is
//! scaled to zero, and `ecs.restore_recorded` sets it back from that tag (UpdateService)
//! when the service is at zero. A tag survives restarts of opsdeck and is visible in the
//! console, unlike state kept in the process.

use std::collections::BTreeMap;

use super::super::kinds::StepKind;
use super::super::plan::{Action, PlannedStep, RunContext, RunError};
use super::super::value::Value;
use super::data_action::DataAction;
use super::ecs_plan::service_of;
use crate::cloud::ServiceUpdate;

/// The tag holding the desired count before the dev scale-down.
pub const DESIRED_TAG: &str = "opsdeck:desired-before-scale-down";

/// Plan `ecs.record_desired` or `ecs.restore_recorded`.
pub async fn plan(
    ctx: &RunContext,
    kind: StepKind,
    label: &str,
    inputs: &BTreeMap<String, Value>,
) -> Result<PlannedStep, RunError> {
    let svc = service_of(ctx, inputs).await?;
    let cluster = match inputs.get("cluster") {
        Some(Value::Str(c)) => c.clone(),
        _ => String::new(),
    };
    let mut p = PlannedStep {
        kind,
        label: label.to_string(),
        calls: Vec::new(),
        warnings: Vec::new(),
        action: None,
        inputs: inputs.clone(),
    };
    if kind == StepKind::EcsRecordDesired {
        if svc.desired == 0 {
            return Err(RunError::Refused(format!(
                "{} already wants 0 tasks: nothing to record (already scaled down?)",
                svc.name
            )));
        }
        p.calls.push(format!(
            "ecs:TagResource {} {DESIRED_TAG}={} (the desired count dev-scale-up restores)",
            svc.arn, svc.desired
        ));
        p.action = Some(Action::Data(DataAction::TagService {
            arn: svc.arn,
            key: DESIRED_TAG.into(),
            value: svc.desired.to_string(),
        }));
        return Ok(p);
    }
    let tags = ctx.cloud.read.service_tags(&svc.arn).await?;
    let recorded = tags
        .iter()
        .find(|(k, _)| k == DESIRED_TAG)
        .map(|(_, v)| v.clone());
    p.calls.push(format!(
        "ecs:ListTagsForResource {}: {DESIRED_TAG}={}",
        svc.arn,
        recorded.as_deref().unwrap_or("(none)")
    ));
    if svc.desired != 0 {
        p.calls.push(format!(
            "nothing to restore: {} already wants {} tasks",
            svc.name, svc.desired
        ));
        return Ok(p);
    }
    let count = recorded
        .as_deref()
        .and_then(|v| v.trim().parse::<i32>().ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            RunError::Refused(format!(
                "{} has no usable {DESIRED_TAG} tag ({}): run the scale runbook with the count you want",
                svc.name,
                recorded.as_deref().unwrap_or("missing")
            ))
        })?;
    p.calls.push(format!(
        "ecs:UpdateService cluster={cluster} service={} desiredCount 0 → {count} (recorded by dev-scale-down)",
        svc.name
    ));
    p.action = Some(Action::UpdateService {
        cluster,
        service: svc.name,
        update: ServiceUpdate {
            desired_count: Some(count),
            ..Default::default()
        },
    });
    Ok(p)
}
