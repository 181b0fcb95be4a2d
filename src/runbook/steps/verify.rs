//! Verification steps: wait until the service is steady (one deployment, rollout
//! COMPLETED, running == desired), streaming its new events; then check that every
//! target in its ALB target groups is healthy.

use std::collections::BTreeMap;

use super::super::kinds::StepKind;
use super::super::plan::RunContext;
use super::super::value::Value;
use super::ecs_plan::service_of;
use super::service_wait::{timeout, wait_stable};

pub use super::service_wait::EXPECT_TASK_DEFINITION;

/// Describe what a verification step will check (for the plan).
pub fn describe(kind: StepKind, inputs: &BTreeMap<String, Value>) -> Vec<String> {
    let service = inputs
        .get("service")
        .map(|v| v.to_string())
        .unwrap_or_default();
    match kind {
        StepKind::EcsWaitStable => vec![format!(
            "ecs:DescribeServices {service} every poll until 1 deployment, rollout COMPLETED, running == desired (timeout {} s)",
            timeout(inputs).as_secs()
        )],
        StepKind::ElbTargetsHealthy => vec![format!(
            "elasticloadbalancing:DescribeTargetHealth for {service}'s target groups: every target healthy, at least one per running task"
        )],
        StepKind::RdsWaitAvailable | StepKind::RdsWaitStopped => {
            super::data_wait::describe(kind, inputs)
        }
        StepKind::CacheWaitAvailable => super::data_wait::describe_cache(inputs),
        StepKind::IamKeyInactive => super::key_plan::describe(inputs),
        StepKind::SecretsWaitRotated
        | StepKind::EcsWaitSecretUsers
        | StepKind::Ec2TaskQuarantined
        | StepKind::StsElevated => super::incident_wait::describe(kind, inputs),
        other => vec![format!("{}", other.name())],
    }
}

/// Run a verification step: Ok(detail) when it passes, Err(detail) when it does not.
pub async fn verify(
    ctx: &RunContext,
    kind: StepKind,
    inputs: &BTreeMap<String, Value>,
) -> Result<String, String> {
    match kind {
        StepKind::EcsWaitStable => wait_stable(ctx, inputs).await,
        StepKind::ElbTargetsHealthy => targets_healthy(ctx, inputs).await,
        StepKind::RdsWaitAvailable => super::data_wait::wait_db(ctx, inputs, "available").await,
        StepKind::RdsWaitStopped => super::data_wait::wait_db(ctx, inputs, "stopped").await,
        StepKind::CacheWaitAvailable => super::data_wait::wait_cache_available(ctx, inputs).await,
        StepKind::IamKeyInactive => super::key_plan::verify_inactive(ctx, inputs).await,
        StepKind::SecretsWaitRotated
        | StepKind::EcsWaitSecretUsers
        | StepKind::Ec2TaskQuarantined => super::incident_wait::verify(ctx, kind, inputs).await,
        other => Err(format!("{} is not a verification step", other.name())),
    }
}

async fn targets_healthy(
    ctx: &RunContext,
    inputs: &BTreeMap<String, Value>,
) -> Result<String, String> {
    let svc = service_of(ctx, inputs).await.map_err(|e| e.to_string())?;
    let groups: Vec<String> = match inputs.get("target_group") {
        Some(Value::Str(tg)) => vec![tg.clone()],
        _ => svc.target_groups.clone(),
    };
    if groups.is_empty() {
        return Ok(format!(
            "{} has no load balancer target group: nothing to check",
            svc.name
        ));
    }
    let mut lines = Vec::new();
    for tg in &groups {
        let targets = ctx
            .cloud
            .read
            .target_health(tg)
            .await
            .map_err(|e| e.to_string())?;
        let healthy = targets.iter().filter(|t| t.state == "healthy").count();
        let name = crate::cloud::last_segment(tg);
        if healthy < targets.len() || (healthy as i64) < i64::from(svc.running.min(svc.desired)) {
            let bad: Vec<String> = targets
                .iter()
                .filter(|t| t.state != "healthy")
                .map(|t| format!("{} {}", t.id, t.state))
                .collect();
            return Err(format!(
                "{name}: {healthy}/{} targets healthy (want ≥ {}); {}",
                targets.len(),
                svc.running.min(svc.desired),
                bad.join(", ")
            ));
        }
        lines.push(format!("{name}: {healthy}/{} healthy", targets.len()));
    }
    Ok(lines.join("; "))
}
