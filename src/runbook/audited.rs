//! One audited runbook write: intent fsync'd before the call, outcome after. When the
//! call failed in a way that may still have reached AWS (timeout or reset after sending,
//! unreadable answer, server error), its outcome is UNKNOWN: the run says so, reads back
//! the state the write was to change, and the audit log gets a `reconciled` record
//! (`landed`, `not landed` or `unknown`).

use std::future::Future;

use super::params::for_audit;
use super::plan::{PlannedStep, Prepared, RunContext, RunEvent};
use super::steps::read_back::Reconciled;
use crate::audit::{Entry, RecordKind};
use crate::cloud::{CloudError, CloudResult, WriteReceipt};

/// Why an audited call has no result.
enum Failure {
    /// Nothing was called (the intent could not be written).
    NotCalled(String),
    /// The call returned an error (its outcome record is written).
    Call(CloudError),
}

fn entry(prepared: &Prepared, id: String, step: &PlannedStep) -> Entry {
    Entry {
        id,
        env: prepared.env.name.clone(),
        runbook: prepared.runbook.name.clone(),
        step: format!("{} ({})", step.label, step.kind.name()),
        params: for_audit(&prepared.runbook, &prepared.params),
        plan: step.calls.clone(),
        caller: prepared.caller.clone(),
        origin: prepared.runbook.origin_note(),
        ..Default::default()
    }
}

async fn call_audited<F, Fut, T>(ctx: &RunContext, entry: Entry, call: F) -> Result<T, Failure>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = CloudResult<(T, WriteReceipt)>>,
{
    ctx.audit
        .append(RecordKind::Intent, entry.clone())
        .map_err(|e| {
            Failure::NotCalled(format!("audit log not writable, nothing was called: {e}"))
        })?;
    let result = call().await;
    ctx.audit.append_outcome(entry, &result, |(_, r)| {
        (r.request_id.clone(), r.summary.clone())
    });
    result.map(|(t, _)| t).map_err(Failure::Call)
}

/// One audited write: intent (fsync'd) → call → outcome. For writes that change nothing
/// opsdeck could read back (or whose failure is harmless to retry).
pub(crate) async fn audited<F, Fut, T>(
    prepared: &Prepared,
    ctx: &RunContext,
    id: String,
    step: &PlannedStep,
    call: F,
) -> Result<T, String>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = CloudResult<(T, WriteReceipt)>>,
{
    match call_audited(ctx, entry(prepared, id, step), call).await {
        Ok(t) => Ok(t),
        Err(Failure::NotCalled(m)) => Err(m),
        Err(Failure::Call(e)) if e.may_have_landed() => Err(format!(
            "outcome UNKNOWN ({e}): the call may have reached AWS; check before retrying"
        )),
        Err(Failure::Call(e)) => Err(e.to_string()),
    }
}

/// One reconciled call whose receipt's summary is the step's detail.
pub(crate) async fn receipt(
    prepared: &Prepared,
    ctx: &RunContext,
    id: String,
    step: &PlannedStep,
    call: impl Future<Output = CloudResult<WriteReceipt>>,
    read_back: impl Future<Output = Reconciled>,
) -> Result<String, String> {
    reconciled(
        prepared,
        ctx,
        id,
        step,
        || async {
            let r = call.await?;
            Ok((r.summary.clone(), r))
        },
        || read_back,
    )
    .await
}

/// As [`audited`], and when the outcome is unknown, `read_back` decides it: landed goes
/// on as a success, not landed is a failure that changed nothing, unknown stays UNKNOWN.
pub(crate) async fn reconciled<F, Fut, R, RFut>(
    prepared: &Prepared,
    ctx: &RunContext,
    id: String,
    step: &PlannedStep,
    call: F,
    read_back: R,
) -> Result<String, String>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = CloudResult<(String, WriteReceipt)>>,
    R: FnOnce() -> RFut,
    RFut: Future<Output = Reconciled>,
{
    let entry = entry(prepared, id, step);
    let e = match call_audited(ctx, entry.clone(), call).await {
        Ok(t) => return Ok(t),
        Err(Failure::NotCalled(m)) => return Err(m),
        Err(Failure::Call(e)) if e.may_have_landed() => e,
        Err(Failure::Call(e)) => return Err(e.to_string()),
    };
    ctx.emit(RunEvent::Log(format!(
        "{}: outcome UNKNOWN ({e}): reading back what it was to change",
        step.label
    )));
    let r = read_back().await;
    let line = format!("reconciled: {} — {}", r.word(), r.detail());
    tracing::warn!(step = %step.label, error = %e, "{line}");
    ctx.emit(RunEvent::Log(format!("{}: {line}", step.label)));
    let record = match &r {
        Reconciled::Unknown(_) => Entry {
            error: Some(line.clone()),
            ..entry
        },
        _ => Entry {
            result: Some(line.clone()),
            ..entry
        },
    };
    if let Err(e) = ctx.audit.append(RecordKind::Reconciled, record) {
        tracing::error!("audit reconciliation not written: {e}");
    }
    match r {
        Reconciled::Landed(_) => Ok(format!("outcome UNKNOWN ({e}), {line}")),
        Reconciled::NotLanded(_) => Err(format!("outcome UNKNOWN ({e}), {line}: nothing changed")),
        Reconciled::Unknown(_) => Err(format!(
            "outcome UNKNOWN ({e}), {line}: check the resource before retrying"
        )),
    }
}
