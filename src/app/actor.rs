//! The write actor: every write the console makes goes through it, never through the
//! fetcher — runbook runs (plan, execute, roll back, cancel), triage writes and saved
//! queries. Each runs as a tokio task with its audit intent on disk before the call, and
//! reports progress and outcome back as events; the UI never awaits a write.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::mpsc::{self, UnboundedSender};

use super::event::{Event, WriteDone};
use crate::app::connect::Connector;
use crate::audit::AuditLog;
use crate::cloud::{CloudHandle, CloudResult, QueryDefinition};
use crate::config::Environment;
use crate::panes::kit::Write;
use crate::panes::runbooks::request::{RunbookMsg, RunbookRequest};
use crate::runbook::engine::{execute, execute_rollback, prepare, prepare_rollback};
use crate::runbook::params::resolve_params;
use crate::runbook::plan::{RunContext, RunError};

/// Performs writes and forwards their progress and outcome as events.
pub struct WriteActor {
    tx: UnboundedSender<Event>,
    audit: AuditLog,
    cancel: Arc<AtomicBool>,
    /// Interval between polls of waits.
    pub poll: Duration,
    /// The open port forwards (closed when the console closes).
    forwards: crate::exec::forwards::Forwards,
}

impl WriteActor {
    /// An actor reporting to `tx`, auditing to `audit`.
    pub fn new(tx: UnboundedSender<Event>, audit: AuditLog) -> WriteActor {
        WriteActor {
            tx,
            audit,
            cancel: Arc::new(AtomicBool::new(false)),
            poll: Duration::from_secs(5),
            forwards: Default::default(),
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

    /// Close every open forward (kill its plugin, `TerminateSession`, audit its end),
    /// waiting a few seconds at most: the console is closing.
    pub async fn shutdown(&self) {
        if !self.forwards.is_empty() {
            self.forwards
                .close_all(crate::exec::forwards::CLOSE_WAIT)
                .await;
        }
    }

    /// Perform `write` on environment `current` (a run's plan is for its own environment).
    pub fn perform(&mut self, write: Write, current: &Environment, connector: &dyn Connector) {
        match write {
            Write::ExecCheck { task, container } => {
                let cloud = connector.connect(current);
                let env = current.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let (pre, _) = crate::exec::flow::check(
                        cloud.read.as_ref(),
                        &env,
                        &task,
                        container.as_deref(),
                    )
                    .await;
                    let _ = tx.send(Event::Written(WriteDone::ExecChecked(Box::new(pre))));
                });
            }
            Write::Exec { request, confirmed } => {
                let cloud = connector.connect(current);
                let audit = self.audit.clone();
                let env = current.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let plugin = crate::exec::flow::plugin_status().await;
                    let r = crate::exec::flow::open_exec(
                        &cloud, &audit, &env, &request, &plugin, confirmed,
                    )
                    .await
                    .map(Box::new);
                    let _ = tx.send(Event::Written(WriteDone::ExecReady(r)));
                });
            }
            Write::Forward(ask) => {
                let cloud = connector.connect(current);
                let audit = self.audit.clone();
                let env = current.clone();
                let tx = self.tx.clone();
                let forwards = self.forwards.clone();
                let now = audit.now_epoch();
                tokio::spawn(async move {
                    let id = forwards.next_id();
                    let r =
                        match crate::exec::flow::open_forward(&cloud, &audit, &env, &ask, id, now)
                            .await
                        {
                            Ok(opened) => {
                                let closed = tx.clone();
                                forwards
                                    .start(opened, move |info, how| {
                                        let _ = closed.send(Event::Written(
                                            WriteDone::ForwardClosed(info, how),
                                        ));
                                    })
                                    .await
                            }
                            Err(e) => Err(e),
                        };
                    let _ = tx.send(Event::Written(WriteDone::Forwarded(r)));
                });
            }
            Write::CloseForward(id) => {
                self.forwards.close(id);
            }
            Write::Runbook(request) => self.runbook(*request, current, connector),
            Write::Triage(write) => {
                let cloud = connector.connect(current);
                let audit = self.audit.clone();
                let env = current.name.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let r =
                        crate::panes::security::write::perform(&cloud, &write, &audit, &env).await;
                    let _ = tx.send(Event::Written(WriteDone::Triage(r)));
                });
            }
            Write::SaveQuery {
                definition,
                confirmed,
            } => {
                let cloud = connector.connect(current);
                let audit = self.audit.clone();
                let env = current.name.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let r = save_query(&cloud, &definition, confirmed, &audit, &env).await;
                    let _ = tx.send(Event::Written(WriteDone::SavedQuery(definition, r)));
                });
            }
        }
    }

    /// Carry out a runbook request for the environment `current` (plans) or the plan's own.
    fn runbook(
        &mut self,
        request: RunbookRequest,
        current: &Environment,
        connector: &dyn Connector,
    ) {
        let tx = RunbookSender(self.tx.clone());
        match request {
            RunbookRequest::Cancel => self.cancel.store(true, Ordering::SeqCst),
            RunbookRequest::Plan {
                runbook,
                raw,
                typed,
            } => {
                let (ctx, _rx) = self.context(current, connector);
                tokio::spawn(async move {
                    let result = match resolve_params(&runbook, &ctx.env, &raw) {
                        Ok(mut params) => {
                            if let Some(v) = typed {
                                crate::runbook::steps::value_source::with_typed(&mut params, v);
                            }
                            prepare(&runbook, params, &ctx).await.map(Box::new)
                        }
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

/// Sends runbook messages as events.
#[derive(Clone)]
struct RunbookSender(UnboundedSender<Event>);

impl RunbookSender {
    fn send(&self, msg: RunbookMsg) -> Result<(), ()> {
        self.0.send(Event::Runbook(msg)).map_err(|_| ())
    }
}

/// `PutQueryDefinition` through the acting side, audited: the intent is on disk before
/// the call; no audit, no write (`CloudError::ReadOnly` without an acting side).
async fn save_query(
    cloud: &CloudHandle,
    definition: &QueryDefinition,
    confirmed: bool,
    audit: &AuditLog,
    env: &str,
) -> CloudResult<String> {
    let act = cloud.actor()?;
    let entry = crate::audit::Entry {
        id: format!(
            "saved-query-{}-{}",
            crate::audit::now_rfc3339(),
            std::process::id()
        ),
        env: env.to_string(),
        runbook: "logs-save-query".into(),
        step: "logs:PutQueryDefinition".into(),
        plan: vec![format!(
            "logs:PutQueryDefinition name {:?} over {} log group(s){}{}",
            definition.name,
            definition.log_groups.len(),
            definition
                .id
                .as_deref()
                .map(|id| format!(", replacing {id}"))
                .unwrap_or_default(),
            crate::audit::confirmation_note(confirmed)
        )],
        caller: cloud.read.caller_identity().await.ok().map(|c| c.arn),
        ..Default::default()
    };
    crate::audit::audited(audit, entry, act.put_query_definition(definition), |id| {
        (None, format!("saved query {id}"))
    })
    .await
}

/// Run `work`, forwarding its progress, then report its summary (after all progress).
fn spawn_run(
    tx: RunbookSender,
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
