//! The runbook engine: prepare (prerequisites + plan, no writes), execute (each write:
//! audit intent fsync'd → call → audit outcome), verify, and the rollback section.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use super::audited::{audited, receipt};
use super::kinds::Section;
use super::kinds::StepKind;
use super::model::{Runbook, Step};
use super::params::for_audit;
use super::plan::{
    Action, Phase, PlannedStep, Prepared, RunContext, RunError, RunEvent, ServiceBefore, TaskBefore,
};
use super::steps::incident_exec::Performed;
use super::steps::inputs::text;
use super::steps::isolate_plan::TaskScope;
use super::steps::notify_plan::NotifyScope;
use super::steps::{
    checks, data_plan, ecs_plan, incident_exec, isolate_plan, notify_plan, read_back,
    rotation_exec, rotation_plan, secret_plan, task_facts, verify,
};
use super::value::{Params, TYPED_VALUE, Value, resolve};
use crate::cloud::{Elevation, ServiceUpdate};

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
    /// A break-glass session the run opened (the console acts with it until it expires).
    pub elevation: Option<Elevation>,
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
    let mut inputs: BTreeMap<String, Value> = step
        .inputs
        .iter()
        .filter_map(|(k, input)| resolve(input, params, &ctx.env).map(|v| (k.clone(), v)))
        .collect();
    if step.kind.takes_value()
        && let Some(typed) = params.get(TYPED_VALUE)
    {
        inputs.insert(TYPED_VALUE.into(), typed.clone());
    }
    inputs
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
    let run_id = run_id();
    // Record the task a step names (isolate-task), for planning and for the rollback.
    let mut task_before: Option<TaskBefore> = None;
    for step in runbook.procedure.iter().chain(&runbook.rollback) {
        let inputs = resolve_inputs(step, &params, ctx);
        if task_before.is_none()
            && let (Some(Value::Str(cluster)), Some(Value::Str(task))) =
                (inputs.get("cluster"), inputs.get("task"))
        {
            task_before = Some(task_facts::gather(ctx, cluster, task).await?);
        }
    }
    let audit_params = for_audit(runbook, &params);
    let scope = Scope {
        runbook,
        params: &params,
        audit_params: &audit_params,
        caller: caller.as_deref(),
        run_id: &run_id,
        before: &before,
        task: task_before.as_ref(),
    };
    let mut procedure = Vec::new();
    if checks_out.iter().all(|c| c.ok) {
        for step in &runbook.procedure {
            procedure.push(plan_step(ctx, step, &scope).await?);
        }
    }
    rotation_plan::share_value(&mut procedure);
    let mut verification = Vec::new();
    for step in &runbook.verification {
        let inputs = resolve_inputs(step, &params, ctx);
        if step.kind == StepKind::SecretsWaitRotated && procedure.len() == runbook.procedure.len() {
            // Records the versions before the run, which the check compares against.
            verification
                .push(secret_plan::plan(ctx, step.kind, &step.label, &inputs, &run_id).await?);
            continue;
        }
        verification.push(PlannedStep {
            kind: step.kind,
            label: step.label.clone(),
            calls: verify::describe(step.kind, &inputs),
            warnings: Vec::new(),
            action: None,
            inputs,
        });
    }
    Ok(Prepared {
        run_id,
        runbook: runbook.clone(),
        env: ctx.env.clone(),
        params,
        caller,
        checks: checks_out,
        procedure,
        verification,
        before,
        task_before,
    })
}

/// What planning a step may need beyond its inputs.
struct Scope<'a> {
    runbook: &'a Runbook,
    params: &'a Params,
    audit_params: &'a BTreeMap<String, String>,
    caller: Option<&'a str>,
    run_id: &'a str,
    before: &'a [ServiceBefore],
    task: Option<&'a TaskBefore>,
}

async fn plan_step(
    ctx: &RunContext,
    step: &Step,
    scope: &Scope<'_>,
) -> Result<PlannedStep, RunError> {
    let inputs = resolve_inputs(step, scope.params, ctx);
    let (kind, label) = (step.kind, step.label.as_str());
    match kind {
        StepKind::SecretsRotate
        | StepKind::SecretsWaitRotated
        | StepKind::SecretsPutValue
        | StepKind::SecretsRestorePrevious
        | StepKind::EcsRestartSecretUsers => {
            return secret_plan::plan(ctx, kind, label, &inputs, scope.run_id).await;
        }
        StepKind::CacheRotateAuth | StepKind::CacheSetAuth => {
            return rotation_plan::plan_auth(ctx, kind, label, &inputs).await;
        }
        StepKind::Ec2QuarantineTask
        | StepKind::ElbDeregisterTask
        | StepKind::EcsProtectTask
        | StepKind::EcsTagTask
        | StepKind::EcsAddTaskCapacity
        | StepKind::Ec2RestoreTaskGroups
        | StepKind::ElbReregisterTask => {
            let task = TaskScope {
                caller: scope.caller,
                task: scope.task,
            };
            return isolate_plan::plan(ctx, kind, label, &inputs, &task).await;
        }
        StepKind::SnsNotify
        | StepKind::StsBreakGlass
        | StepKind::LogsExportErrors
        | StepKind::Note => {
            let notify = NotifyScope {
                runbook: &scope.runbook.name,
                run_id: scope.run_id,
                caller: scope.caller,
                params: scope.audit_params,
            };
            return notify_plan::plan(ctx, kind, label, &inputs, &notify);
        }
        _ => {}
    }
    if data_plan::handles(step.kind) {
        data_plan::plan(ctx, step.kind, &step.label, &inputs).await
    } else if step.kind.writes() {
        ecs_plan::plan(ctx, step.kind, &step.label, &inputs, scope.before).await
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
    let audit_params = for_audit(&prepared.runbook, &prepared.params);
    let scope = Scope {
        runbook: &prepared.runbook,
        params: &prepared.params,
        audit_params: &audit_params,
        caller: prepared.caller.as_deref(),
        run_id: &prepared.run_id,
        before: &prepared.before,
        task: prepared.task_before.as_ref(),
    };
    let mut out = Vec::new();
    for step in &prepared.runbook.rollback {
        out.push(plan_step(ctx, step, &scope).await?);
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
    open_incident(prepared, ctx, &mut lines);
    let mut state = RunState::default();
    if let Some(status) = run_steps(
        prepared,
        ctx,
        &prepared.procedure,
        Phase::Procedure,
        &mut lines,
        &mut state,
    )
    .await
    {
        return summary(prepared, status, lines, state);
    }
    for (i, step) in prepared.verification.iter().enumerate() {
        if ctx.cancel.load(Ordering::SeqCst) {
            return summary(prepared, RunStatus::Cancelled, lines, state);
        }
        ctx.emit(RunEvent::StepStarted {
            phase: Phase::Verification,
            index: i,
        });
        let mut inputs = step.inputs.clone();
        if let Some(Value::Str(service)) = inputs.get("service")
            && let Some(td) = state.deployed.get(service)
        {
            inputs.insert(
                verify::EXPECT_TASK_DEFINITION.to_string(),
                Value::Str(td.clone()),
            );
        }
        let result = if step.kind == StepKind::StsElevated {
            elevated(state.elevation.as_ref()).await
        } else {
            verify::verify(ctx, step.kind, &inputs).await
        };
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
            audit_verification(prepared, ctx, Err(&lines));
            return summary(
                prepared,
                RunStatus::VerificationFailed(detail),
                lines,
                state,
            );
        }
    }
    if !prepared.verification.is_empty() {
        audit_verification(prepared, ctx, Ok(&lines));
    }
    summary(prepared, RunStatus::Verified, lines, state)
}

/// A run with an `incident` parameter opens that incident when it is not open yet (the
/// postmortem reports from its start).
fn open_incident(prepared: &Prepared, ctx: &RunContext, lines: &mut Vec<String>) {
    let Some(Value::Str(id)) = prepared.params.get("incident") else {
        return;
    };
    let log = crate::incidents::IncidentLog::beside(ctx.audit.path());
    let via = format!("runbook {}", prepared.runbook.name);
    match log.start(
        id,
        &prepared.env.name,
        ctx.audit.now_epoch(),
        prepared.caller.clone(),
        &via,
    ) {
        Ok(true) => lines.push(format!("incident {id} opened on {}", prepared.env.name)),
        Ok(false) => {}
        Err(e) => tracing::warn!(error = %e, "incident not opened"),
    }
}

/// Record how a run's verification ended (the postmortem and the timeline show it). A
/// failure to write it is logged, not fatal: the writes it verifies are already audited.
fn audit_verification(prepared: &Prepared, ctx: &RunContext, lines: Result<&[String], &[String]>) {
    let (ok, lines) = match lines {
        Ok(l) => (true, l),
        Err(l) => (false, l),
    };
    let checks: Vec<&String> = lines.iter().filter(|l| l.starts_with("verify ")).collect();
    let text = checks
        .iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let entry = crate::audit::Entry {
        id: format!("{}/verification", prepared.run_id),
        env: prepared.env.name.clone(),
        runbook: prepared.runbook.name.clone(),
        step: "verification".into(),
        params: super::params::for_audit(&prepared.runbook, &prepared.params),
        caller: prepared.caller.clone(),
        result: ok.then(|| text.clone()),
        error: (!ok).then_some(text),
        ..Default::default()
    };
    if let Err(e) = ctx.audit.append(crate::audit::RecordKind::Verified, entry) {
        tracing::warn!(error = %e, "verification not recorded in the audit log");
    }
}

/// `sts.elevated_identity`: the break-glass session answers as the assumed role.
async fn elevated(elevation: Option<&Elevation>) -> Result<String, String> {
    let Some(e) = elevation else {
        return Err("no break-glass session was opened".into());
    };
    let id = e
        .handle
        .read
        .caller_identity()
        .await
        .map_err(|err| format!("the session does not work: {err}"))?;
    if id.arn == e.assumed_arn {
        Ok(format!(
            "acting as {} until {}",
            id.arn,
            secret_plan::when(Some(e.expires_at))
        ))
    } else {
        Err(format!(
            "the session answers as {} instead of {}",
            id.arn, e.assumed_arn
        ))
    }
}

/// What the steps of a run hand to the ones after them.
#[derive(Default)]
struct RunState {
    /// service → the task definition the procedure deployed.
    deployed: BTreeMap<String, String>,
    elevation: Option<Elevation>,
    /// The run's new secret value, once a step made it (never printed).
    value: rotation_exec::ValueSlot,
}

/// Execute planned rollback steps (no verification of their own beyond each call).
pub async fn execute_rollback(
    prepared: &Prepared,
    steps: &[PlannedStep],
    ctx: &RunContext,
) -> RunSummary {
    let mut lines = Vec::new();
    let mut state = RunState::default();
    let status = run_steps(
        prepared,
        ctx,
        steps,
        Phase::Rollback,
        &mut lines,
        &mut state,
    )
    .await
    .unwrap_or(RunStatus::Verified);
    summary(prepared, status, lines, state)
}

fn summary(
    prepared: &Prepared,
    status: RunStatus,
    lines: Vec<String>,
    state: RunState,
) -> RunSummary {
    RunSummary {
        status,
        lines,
        escalation: prepared.runbook.escalation.clone(),
        elevation: state.elevation,
    }
}

/// Run write steps in order; Some(status) when the run must stop.
async fn run_steps(
    prepared: &Prepared,
    ctx: &RunContext,
    steps: &[PlannedStep],
    phase: Phase,
    lines: &mut Vec<String>,
    state: &mut RunState,
) -> Option<RunStatus> {
    for (i, step) in steps.iter().enumerate() {
        if ctx.cancel.load(Ordering::SeqCst) {
            return Some(RunStatus::Cancelled);
        }
        ctx.emit(RunEvent::StepStarted { phase, index: i });
        let result = match &step.action {
            Some(action) => perform(prepared, ctx, i, step, action, &mut state.value)
                .await
                .map(|done| {
                    if let (Some(td), Some(Value::Str(service))) =
                        (done.deployed, step.inputs.get("service"))
                    {
                        state.deployed.insert(service.clone(), td);
                    }
                    if done.elevation.is_some() {
                        state.elevation = done.elevation;
                    }
                    done.detail
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
        let goes_on = !ok && step.kind.continues_on_failure();
        lines.push(format!(
            "{}: {}{detail}",
            step.label,
            match (ok, goes_on) {
                (true, _) => "ok: ",
                (false, true) => "FAILED (continuing): ",
                (false, false) => "FAILED: ",
            }
        ));
        if goes_on {
            ctx.emit(RunEvent::Log(format!(
                "{} failed; the run goes on: {detail}",
                step.label
            )));
        } else if !ok && step.action.is_none() && phase == Phase::Procedure {
            // A wait in the procedure failed: the writes before it went through and a
            // check did not pass, as in verification (the rollback section is offered).
            return Some(RunStatus::VerificationFailed(detail));
        } else if !ok {
            return Some(RunStatus::Failed(detail));
        }
    }
    None
}

/// One audited `UpdateService` whose unknown outcome is read back (desired count, task
/// definition, a deployment newer than the call).
#[allow(clippy::too_many_arguments)]
async fn update_service(
    prepared: &Prepared,
    ctx: &RunContext,
    id: String,
    step: &PlannedStep,
    actor: &std::sync::Arc<dyn crate::cloud::CloudAct>,
    cluster: &str,
    service: &str,
    update: &ServiceUpdate,
) -> Result<String, String> {
    let read = ctx.cloud.read.as_ref();
    let since = read.metrics_now();
    receipt(
        prepared,
        ctx,
        id,
        step,
        actor.update_service(cluster, service, update),
        read_back::service_update(read, cluster, service, update, since),
    )
    .await
}

async fn perform(
    prepared: &Prepared,
    ctx: &RunContext,
    index: usize,
    step: &PlannedStep,
    action: &Action,
    slot: &mut rotation_exec::ValueSlot,
) -> Result<Performed, String> {
    // Taken per arm: the incident evidence export needs no actor.
    let actor = || ctx.cloud.actor().map_err(|e| e.to_string()).cloned();
    let read = ctx.cloud.read.as_ref();
    let id = |call: usize| format!("{}/{index}/{call}", prepared.run_id);
    match action {
        Action::UpdateService {
            cluster,
            service,
            update,
        } => {
            let actor = actor()?;
            let r = update_service(prepared, ctx, id(0), step, &actor, cluster, service, update)
                .await?;
            Ok(Performed::deployed(r, update.task_definition.clone()))
        }
        Action::StopDeployment { arn } => {
            let actor = actor()?;
            let cluster = text(&step.inputs, "cluster").unwrap_or_default();
            let service = text(&step.inputs, "service").unwrap_or_default();
            let r = receipt(
                prepared,
                ctx,
                id(0),
                step,
                actor.stop_service_deployment(arn),
                read_back::stop_deployment(read, &cluster, &service, arn),
            )
            .await?;
            Ok(Performed::deployed(r, None))
        }
        Action::RegisterAndDeploy {
            cluster,
            service,
            base,
            container,
            image,
        } => {
            let actor = actor()?;
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
            let r = update_service(
                prepared,
                ctx,
                id(1),
                step,
                &actor,
                cluster,
                service,
                &update,
            )
            .await?;
            Ok(Performed::deployed(r, Some(new_arn)))
        }
        Action::Incident(action) => {
            incident_exec::perform(prepared, ctx, index, step, action).await
        }
        Action::Rotation(action) => {
            rotation_exec::perform(prepared, ctx, index, step, action, slot)
                .await
                .map(|r| Performed::deployed(r, None))
        }
        Action::Data(data) => {
            let actor = actor()?;
            let r = receipt(
                prepared,
                ctx,
                id(0),
                step,
                data.call(actor.as_ref()),
                read_back::data(read, data),
            )
            .await?;
            Ok(Performed::deployed(r, None))
        }
    }
}
