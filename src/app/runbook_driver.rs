//! Runs the Runbooks pane's requests as tokio tasks (plan, execute, roll back) and
//! reports progress back over a channel; the UI never awaits a run.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::mpsc::{self, UnboundedSender};

use super::connect::Connector;
use super::runbooks_state::{RunbookMsg, RunbookRequest};
use crate::audit::AuditLog;
use crate::config::Environment;
use crate::runbook::engine::{execute, execute_rollback, prepare, prepare_rollback};
use crate::runbook::params::resolve_params;
use crate::runbook::plan::{RunContext, RunError};

/// Starts runs and forwards their progress.
pub struct RunbookDriver {
    tx: UnboundedSender<RunbookMsg>,
    audit: AuditLog,
    cancel: Arc<AtomicBool>,
    /// Interval between polls of waits.
    pub poll: Duration,
}

impl RunbookDriver {
    /// A driver reporting to `tx`, auditing to `audit`.
    pub fn new(tx: UnboundedSender<RunbookMsg>, audit: AuditLog) -> RunbookDriver {
        RunbookDriver {
            tx,
            audit,
            cancel: Arc::new(AtomicBool::new(false)),
            poll: Duration::from_secs(5),
        }
    }

    fn context(
        &self,
        env: &Environment,
        connector: &dyn Connector,
    ) -> (
        RunContext,
        mpsc::UnboundedReceiver<crate::runbook::plan::RunEvent>,
    ) {
        let (events, rx) = mpsc::unbounded_channel();
        let ctx = RunContext {
            env: env.clone(),
            // The cloud of the environment the plan was made for, whatever is on screen now.
            cloud: connector.connect(env),
            audit: self.audit.clone(),
            events: Some(events),
            poll: self.poll,
            cancel: self.cancel.clone(),
        };
        (ctx, rx)
    }

    /// The audit log every write of this console goes to.
    pub fn audit(&self) -> AuditLog {
        self.audit.clone()
    }

    /// Carry out a request for the environment `current` (plans) or the plan's own.
    pub fn handle(
        &mut self,
        request: RunbookRequest,
        current: &Environment,
        connector: &dyn Connector,
    ) {
        let tx = self.tx.clone();
        match request {
            RunbookRequest::Cancel => self.cancel.store(true, Ordering::SeqCst),
            RunbookRequest::Plan { runbook, raw } => {
                let (ctx, _rx) = self.context(current, connector);
                tokio::spawn(async move {
                    let result = match resolve_params(&runbook, &ctx.env, &raw) {
                        Ok(params) => prepare(&runbook, params, &ctx).await.map(Box::new),
                        Err(e) => Err(RunError::Refused(e)),
                    };
                    let _ = tx.send(RunbookMsg::Planned(result));
                });
            }
            RunbookRequest::PlanRollback(prepared) => {
                let (ctx, _rx) = self.context(&prepared.env, connector);
                tokio::spawn(async move {
                    let result = prepare_rollback(&prepared, &ctx).await;
                    let _ = tx.send(RunbookMsg::RollbackPlanned(result));
                });
            }
            RunbookRequest::Execute(prepared) => {
                self.cancel.store(false, Ordering::SeqCst);
                let (ctx, rx) = self.context(&prepared.env, connector);
                spawn_run(tx, rx, async move {
                    let summary = execute(&prepared, &ctx).await;
                    drop(ctx);
                    summary
                });
            }
            RunbookRequest::ExecuteRollback(prepared, steps) => {
                self.cancel.store(false, Ordering::SeqCst);
                let (ctx, rx) = self.context(&prepared.env, connector);
                spawn_run(tx, rx, async move {
                    let summary = execute_rollback(&prepared, &steps, &ctx).await;
                    drop(ctx);
                    summary
                });
            }
        }
    }
}

/// Run `work`, forwarding its progress, then report its summary (after all progress).
fn spawn_run(
    tx: UnboundedSender<RunbookMsg>,
    mut rx: mpsc::UnboundedReceiver<crate::runbook::plan::RunEvent>,
    work: impl std::future::Future<Output = crate::runbook::engine::RunSummary> + Send + 'static,
) {
    let progress = tx.clone();
    let forward = tokio::spawn(async move {
        while let Some(ev) = rx.recv().await {
            let _ = progress.send(RunbookMsg::Progress(ev));
        }
    });
    tokio::spawn(async move {
        let summary = work.await;
        let _ = forward.await;
        let _ = tx.send(RunbookMsg::Finished(summary));
    });
}
