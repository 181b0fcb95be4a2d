//! Waiting for an ECS service to be steady (one deployment, rollout COMPLETED, running ==
//! desired), streaming its new events while it settles: `ecs.wait_stable` and the waits
//! of the incident runbooks.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::super::plan::{RunContext, RunEvent};
use super::super::value::Value;
use super::ecs_plan::service_of;

/// Input the engine adds to `ecs.wait_stable`: the task definition the procedure
/// deployed, so that a service that went back to the old one does not count as steady.
pub const EXPECT_TASK_DEFINITION: &str = "expect_task_definition";

/// The step's `timeout` input, ten minutes when absent.
pub(super) fn timeout(inputs: &BTreeMap<String, Value>) -> Duration {
    match inputs.get("timeout") {
        Some(Value::Int(s)) if *s > 0 => Duration::from_secs(*s as u64),
        _ => Duration::from_secs(600),
    }
}

/// Poll the service until it is steady, failed, timed out or cancelled.
pub(super) async fn wait_stable(
    ctx: &RunContext,
    inputs: &BTreeMap<String, Value>,
) -> Result<String, String> {
    let limit = timeout(inputs);
    let started = tokio::time::Instant::now();
    let mut seen: HashSet<String> = HashSet::new();
    let mut first = true;
    loop {
        let svc = service_of(ctx, inputs).await.map_err(|e| e.to_string())?;
        // Stream events that are new since the wait began (oldest first).
        for e in svc.events.iter().rev() {
            if seen.insert(e.id.clone()) && !first {
                ctx.emit(RunEvent::Log(e.message.clone()));
            }
        }
        first = false;
        if let (Some(Value::Str(expected)), Some(primary)) =
            (inputs.get(EXPECT_TASK_DEFINITION), svc.primary_deployment())
            && primary.task_definition != *expected
        {
            return Err(format!(
                "the service is deploying {} instead of the deployed {}: ECS rolled the deployment back (circuit breaker) or someone else deployed",
                crate::cloud::last_segment(&primary.task_definition),
                crate::cloud::last_segment(expected)
            ));
        }
        if let Some(d) = svc.primary_deployment()
            && d.rollout_state.as_deref() == Some("FAILED")
        {
            return Err(format!(
                "deployment of {} FAILED: {}",
                crate::cloud::last_segment(&d.task_definition),
                d.rollout_reason.clone().unwrap_or_default()
            ));
        }
        if svc.is_steady() {
            return Ok(format!(
                "{} steady on {}: {}/{} running, 1 deployment",
                svc.name,
                crate::cloud::last_segment(&svc.task_definition),
                svc.running,
                svc.desired
            ));
        }
        ctx.emit(RunEvent::Log(format!(
            "waiting: {} deployments, {}/{} running, {} pending",
            svc.deployments.len(),
            svc.running,
            svc.desired,
            svc.pending
        )));
        if started.elapsed() >= limit {
            return Err(format!("not steady after {} s", limit.as_secs()));
        }
        if ctx.cancel.load(Ordering::SeqCst) {
            return Err("cancelled while waiting".into());
        }
        tokio::time::sleep(ctx.poll).await;
    }
}
