//! The runbook engine: prepare (prerequisites + plan, no writes), execute (each write:
//! audit intent fsync'd → call → audit outcome), verify, and the rollback section.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use super::kinds::Section;
use super::model::{Runbook, Step};
use super::params::for_audit;
use super::plan::{
    Action, Phase, PlannedStep, Prepared, RunContext, RunError, RunEvent, ServiceBefore,
};
use super::steps::{checks, data_plan, ecs_plan, verify};
use super::value::{Params, Value, resolve};
use crate::audit::{Entry, RecordKind};
use crate::cloud::{CloudResult, ServiceUpdate, WriteReceipt};

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunStatus {
    /// Every write succeeded and every verification passed.
    Verified,
    /// The writes went through but a verification failed: offer the rollback section.
    VerificationFailed(String),
    /// A write failed (the rest were not attempted).
    Failed(String),
    /// Stopped between steps by the operator.
    Cancelled,
}

/// The result of a run, with what to tell the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub status: RunStatus,
    /// One line per step: what happened.
    pub lines: Vec<String>,
    pub escalation: String,
}

impl RunSummary {
    /// CLI exit code: 0 verified, 1 verification failed or cancelled, 2 a write failed.
    pub fn exit_code(&self) -> u8 {
        match self.status {
            RunStatus::Verified => 0,
            RunStatus::VerificationFailed(_) | RunStatus::Cancelled => 1,
            RunStatus::Failed(_) => 2,
        }
    }
}

fn resolve_inputs(step: &Step, params: &Params, ctx: &RunContext) -> BTreeMap<String, Value> {
    step.inputs
        .iter()
        .filter_map(|(k, input)| resolve(input, params, &ctx.env).map(|v| (k.clone(), v)))
        .collect()
}

/// Run the prerequisites and plan every step. Changes nothing.
pub async fn prepare(
    runbook: &Runbook,
    params: Params,
    ctx: &RunContext,
) -> Result<Prepared, RunError> {
    if runbook.writes() && ctx.cloud.is_read_only() {
        return Err(RunError::Refused(format!(
            "{} writes, and opsdeck is read-only",
            runbook.name
        )));
    }
    let caller = ctx.cloud.read.caller_identity().await.ok().map(|c| c.arn);
    let mut checks_out = Vec::new();
    for step in &runbook.prerequisites {
        let inputs = resolve_inputs(step, &params, ctx);
        checks_out.push(checks::check(ctx, step.kind, &step.label, &inputs).await);
    }
    // Record the state of every service a step touches, for `ecs.restore`.
    let mut before: Vec<ServiceBefore> = Vec::new();
    for step in runbook.procedure.iter().chain(&runbook.rollback) {
        let inputs = resolve_inputs(step, &params, ctx);
        if let (Some(Value::Str(cluster)), Some(Value::Str(service))) =
            (inputs.get("cluster"), inputs.get("service"))
            && !before
                .iter()
                .any(|b| &b.cluster == cluster && &b.service == service)
            && let Ok(svc) = ecs_plan::service_of(ctx, &inputs).await
        {
            before.push(ServiceBefore {
                cluster: cluster.clone(),
                service: service.clone(),
                task_definition: svc.task_definition.clone(),
                desired: svc.desired,
            });
        }
    }
    let mut procedure = Vec::new();
    if checks_out.iter().all(|c| c.ok) {
        for step in &runbook.procedure {
            procedure.push(plan_step(ctx, step, &params, &before).await?);
        }
    }
    let verification = runbook
        .verification
        .iter()
        .map(|step| {
            let inputs = resolve_inputs(step, &params, ctx);
            PlannedStep {
                kind: step.kind,
                label: step.label.clone(),
                calls: verify::describe(step.kind, &inputs),
                warnings: Vec::new(),
                action: None,
                inputs,
            }
        })
        .collect();
    Ok(Prepared {
        run_id: run_id(),
        runbook: runbook.clone(),
        env: ctx.env.clone(),
        params,
        caller,
        checks: checks_out,
        procedure,
        verification,
        before,
    })
}

async fn plan_step(
    ctx: &RunContext,
    step: &Step,
    params: &Params,
    before: &[ServiceBefore],
) -> Result<PlannedStep, RunError> {
    let inputs = resolve_inputs(step, params, ctx);
    if data_plan::handles(step.kind) {
        data_plan::plan(ctx, step.kind, &step.label, &inputs).await
    } else if step.kind.writes() {
        ecs_plan::plan(ctx, step.kind, &step.label, &inputs, before).await
    } else {
        Ok(PlannedStep {
            kind: step.kind,
            label: step.label.clone(),
            calls: verify::describe(step.kind, &inputs),
            warnings: Vec::new(),
            action: None,
            inputs,
        })
    }
}

/// Plan the runbook's rollback section against the state recorded before the run.
pub async fn prepare_rollback(
    prepared: &Prepared,
    ctx: &RunContext,
) -> Result<Vec<PlannedStep>, RunError> {
    let mut out = Vec::new();
    for step in &prepared.runbook.rollback {
        out.push(plan_step(ctx, step, &prepared.params, &prepared.before).await?);
    }
    Ok(out)
}

fn run_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("run-{nanos:x}-{}", std::process::id())
}

/// Execute the planned procedure, then verify.
pub async fn execute(prepared: &Prepared, ctx: &RunContext) -> RunSummary {
    let mut lines = Vec::new();
    let mut deployed = BTreeMap::new();
    if let Some(status) = run_steps(
        prepared,
        ctx,
        &prepared.procedure,
        Phase::Procedure,
        &mut lines,
        &mut deployed,
    )
    .await
    {
        return summary(prepared, status, lines);
    }
    for (i, step) in prepared.verification.iter().enumerate() {
        if ctx.cancel.load(Ordering::SeqCst) {
            return summary(prepared, RunStatus::Cancelled, lines);
        }
        ctx.emit(RunEvent::StepStarted {
            phase: Phase::Verification,
            index: i,
        });
        let mut inputs = step.inputs.clone();
        if let Some(Value::Str(service)) = inputs.get("service")
            && let Some(td) = deployed.get(service)
        {
            inputs.insert(
                verify::EXPECT_TASK_DEFINITION.to_string(),
                Value::Str(td.clone()),
            );
        }
        let result = verify::verify(ctx, step.kind, &inputs).await;
        let (ok, detail) = match &result {
            Ok(d) => (true, d.clone()),
            Err(d) => (false, d.clone()),
        };
        ctx.emit(RunEvent::StepFinished {
            phase: Phase::Verification,
            index: i,
            ok,
            detail: detail.clone(),
        });
        lines.push(format!(
            "verify {}: {}{detail}",
            step.label,
            if ok { "ok: " } else { "FAILED: " }
        ));
        if !ok {
            return summary(prepared, RunStatus::VerificationFailed(detail), lines);
        }
    }
    summary(prepared, RunStatus::Verified, lines)
}

/// Execute planned rollback steps (no verification of their own beyond each call).
pub async fn execute_rollback(
    prepared: &Prepared,
    steps: &[PlannedStep],
    ctx: &RunContext,
) -> RunSummary {
    let mut lines = Vec::new();
    let status = run_steps(
        prepared,
        ctx,
        steps,
        Phase::Rollback,
        &mut lines,
        &mut BTreeMap::new(),
    )
    .await
    .unwrap_or(RunStatus::Verified);
    summary(prepared, status, lines)
}

fn summary(prepared: &Prepared, status: RunStatus, lines: Vec<String>) -> RunSummary {
    RunSummary {
        status,
        lines,
        escalation: prepared.runbook.escalation.clone(),
    }
}

/// Run write steps in order; Some(status) when the run must stop.
async fn run_steps(
    prepared: &Prepared,
    ctx: &RunContext,
    steps: &[PlannedStep],
    phase: Phase,
    lines: &mut Vec<String>,
    deployed: &mut BTreeMap<String, String>,
) -> Option<RunStatus> {
    for (i, step) in steps.iter().enumerate() {
        if ctx.cancel.load(Ordering::SeqCst) {
            return Some(RunStatus::Cancelled);
        }
        ctx.emit(RunEvent::StepStarted { phase, index: i });
        let result = match &step.action {
            Some(action) => perform(prepared, ctx, i, step, action)
                .await
                .map(|(detail, td)| {
                    if let (Some(td), Some(Value::Str(service))) = (td, step.inputs.get("service"))
                    {
                        deployed.insert(service.clone(), td);
                    }
                    detail
                }),
            None if step.kind.allowed_in(Section::Verification) => {
                verify::verify(ctx, step.kind, &step.inputs)
                    .await
                    .map_err(|e| e.to_string())
            }
            None => Ok("nothing to do".to_string()),
        };
        let (ok, detail) = match result {
            Ok(d) => (true, d),
            Err(d) => (false, d),
        };
        ctx.emit(RunEvent::StepFinished {
            phase,
            index: i,
            ok,
            detail: detail.clone(),
        });
        lines.push(format!(
            "{}: {}{detail}",
            step.label,
            if ok { "ok: " } else { "FAILED: " }
        ));
        if !ok {
            return Some(RunStatus::Failed(detail));
        }
    }
    None
}

/// One audited write: intent (fsync'd) → call → outcome.
async fn audited<F, Fut, T>(
    prepared: &Prepared,
    ctx: &RunContext,
    id: String,
    step: &PlannedStep,
    call: F,
) -> Result<T, String>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = CloudResult<(T, WriteReceipt)>>,
{
    let entry = Entry {
        id,
        env: prepared.env.name.clone(),
        runbook: prepared.runbook.name.clone(),
        step: format!("{} ({})", step.label, step.kind.name()),
        params: for_audit(&prepared.runbook, &prepared.params),
        plan: step.calls.clone(),
        caller: prepared.caller.clone(),
        ..Default::default()
    };
    ctx.audit
        .append(RecordKind::Intent, entry.clone())
        .map_err(|e| format!("audit log not writable, nothing was called: {e}"))?;
    let result = call().await;
    let outcome = match &result {
        Ok((_, r)) => Entry {
            request_id: r.request_id.clone(),
            result: Some(r.summary.clone()),
            ..entry
        },
        Err(e) => Entry {
            error: Some(e.to_string()),
            ..entry
        },
    };
    if let Err(e) = ctx.audit.append(RecordKind::Outcome, outcome) {
        tracing::error!("audit outcome not written: {e}");
    }
    result.map(|(t, _)| t).map_err(|e| e.to_string())
}

async fn perform(
    prepared: &Prepared,
    ctx: &RunContext,
    index: usize,
    step: &PlannedStep,
    action: &Action,
) -> Result<(String, Option<String>), String> {
    let actor = ctx.cloud.actor().map_err(|e| e.to_string())?.clone();
    let id = |call: usize| format!("{}/{index}/{call}", prepared.run_id);
    match action {
        Action::UpdateService {
            cluster,
            service,
            update,
        } => {
            let r = audited(prepared, ctx, id(0), step, || async {
                let r = actor.update_service(cluster, service, update).await?;
                Ok((r.summary.clone(), r))
            })
            .await?;
            Ok((r, update.task_definition.clone()))
        }
        Action::StopDeployment { arn } => {
            let r = audited(prepared, ctx, id(0), step, || async {
                let r = actor.stop_service_deployment(arn).await?;
                Ok((r.summary.clone(), r))
            })
            .await?;
            Ok((r, None))
        }
        Action::RegisterAndDeploy {
            cluster,
            service,
            base,
            container,
            image,
        } => {
            let new_arn = audited(prepared, ctx, id(0), step, || async {
                let r = actor
                    .register_task_definition_with_image(base, container, image)
                    .await?;
                Ok((r.arn.clone(), r.receipt))
            })
            .await?;
            let update = ServiceUpdate {
                task_definition: Some(new_arn.clone()),
                ..Default::default()
            };
            let r = audited(prepared, ctx, id(1), step, || async {
                let r = actor.update_service(cluster, service, &update).await?;
                Ok((r.summary.clone(), r))
            })
            .await?;
            Ok((r, Some(new_arn)))
        }
        Action::Data(data) => {
            let r = audited(prepared, ctx, id(0), step, || async {
                let r = data.call(actor.as_ref()).await?;
                Ok((r.summary.clone(), r))
            })
            .await?;
            Ok((r, None))
        }
    }
}
