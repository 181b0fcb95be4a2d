//! What a run will do, decided before anything changes: prerequisite results, each
//! step's exact API calls with before → after values, and the concrete writes the
//! executor will perform (it never re-decides them).

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::kinds::StepKind;
use super::model::Runbook;
use super::value::{Params, Value};
use crate::audit::AuditLog;
use crate::cloud::{CloudError, CloudHandle, ServiceUpdate};
use crate::config::Environment;

/// A write the executor performs, exactly as planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    UpdateService {
        cluster: String,
        service: String,
        update: ServiceUpdate,
    },
    StopDeployment {
        arn: String,
    },
    /// Register a copy of `base` with `container` running `image`, then point the service at it.
    RegisterAndDeploy {
        cluster: String,
        service: String,
        base: String,
        container: String,
        image: String,
    },
    /// One data write (RDS, ElastiCache…): a single audited call.
    Data(super::steps::data_action::DataAction),
    /// An incident write (secrets, ENIs, targets, task protection and tags, SNS,
    /// break-glass, evidence export): one audited call per target.
    Incident(super::steps::incident_action::IncidentAction),
    /// A manual rotation or Redis AUTH write (a new value made or typed, staged, promoted).
    Rotation(super::steps::rotation_action::RotationAction),
}

/// One step as planned.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedStep {
    pub kind: StepKind,
    pub label: String,
    /// The API calls and checks, one per line (`ecs:UpdateService … web:42 → web:41`).
    pub calls: Vec<String>,
    /// Warnings the operator should read before confirming.
    pub warnings: Vec<String>,
    pub action: Option<Action>,
    /// Resolved inputs (verification steps use them when they run).
    pub inputs: std::collections::BTreeMap<String, Value>,
}

impl PlannedStep {
    /// A step with no calls, warnings or action yet.
    pub fn new(
        kind: StepKind,
        label: &str,
        inputs: &std::collections::BTreeMap<String, Value>,
    ) -> PlannedStep {
        PlannedStep {
            kind,
            label: label.to_string(),
            calls: Vec::new(),
            warnings: Vec::new(),
            action: None,
            inputs: inputs.clone(),
        }
    }
}

/// A prerequisite's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    pub label: String,
    pub ok: bool,
    pub detail: String,
    /// The check could not be made (a transient read failure): neither passed nor refused.
    pub unchecked: bool,
}

/// A service's state before the run, for `ecs.restore`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceBefore {
    pub cluster: String,
    pub service: String,
    pub task_definition: String,
    pub desired: i32,
}

/// A task as it was before the run, for isolate-task's rollback: its ENI and security
/// groups, and where its IP was registered.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TaskBefore {
    pub task: crate::cloud::EcsTask,
    /// The service that started it (`service:<name>` group).
    pub service: Option<String>,
    pub eni: Option<crate::cloud::NetworkInterface>,
    pub targets: Vec<crate::cloud::TargetRef>,
}

/// A planned run, ready to confirm.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub run_id: String,
    pub runbook: Runbook,
    pub env: Environment,
    pub params: Params,
    pub caller: Option<String>,
    pub checks: Vec<CheckResult>,
    pub procedure: Vec<PlannedStep>,
    pub verification: Vec<PlannedStep>,
    pub before: Vec<ServiceBefore>,
    /// The task a step names (isolate-task), as it was when the run was planned.
    pub task_before: Option<TaskBefore>,
}

impl Prepared {
    /// True when every prerequisite passed.
    pub fn runnable(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }

    /// True when nothing refused the run but a prerequisite could not be checked
    /// (try again: exit 2, not the refusal's 1).
    pub fn could_not_check(&self) -> bool {
        !self.runnable() && self.checks.iter().all(|c| c.ok || c.unchecked)
    }

    /// True when the run writes.
    pub fn writes(&self) -> bool {
        self.procedure.iter().any(|s| s.action.is_some())
    }

    /// Typed confirmation (the environment name) is needed.
    pub fn needs_typed_confirmation(&self) -> bool {
        self.env.protected && self.effective_risk() == super::model::Risk::High
    }

    /// The runbook's declared risk, raised to high when a step writes to a guarded
    /// service (the floor a file cannot lower).
    pub fn effective_risk(&self) -> super::model::Risk {
        if self.procedure.iter().any(|s| s.kind.guarded_write()) {
            super::model::Risk::High
        } else {
            self.runbook.risk
        }
    }

    /// The plan as text lines (CLI `--dry-run`, the pane's plan view).
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "runbook {} on {}{} as {}",
            self.runbook.name,
            self.env.name,
            if self.env.protected {
                " (protected)"
            } else {
                ""
            },
            self.caller.as_deref().unwrap_or("unknown caller")
        )];
        if let Some(note) = self.runbook.origin_note() {
            out.push(format!("! {note}"));
        }
        out.push("prerequisites:".into());
        for c in &self.checks {
            out.push(format!(
                "  [{}] {}: {}",
                match (c.ok, c.unchecked) {
                    (true, _) => "ok",
                    (false, true) => "COULD NOT CHECK",
                    (false, false) => "FAIL",
                },
                c.label,
                c.detail
            ));
        }
        for (title, steps) in [
            ("procedure", &self.procedure),
            ("verification", &self.verification),
        ] {
            out.push(format!("{title}:"));
            for (i, s) in steps.iter().enumerate() {
                out.push(format!("  {}. {}", i + 1, s.label));
                out.extend(s.calls.iter().map(|c| format!("       {c}")));
                out.extend(s.warnings.iter().map(|w| format!("       ! {w}")));
            }
        }
        out
    }
}

/// Why a run cannot go ahead or failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// Refused by a rule (read-only, bounds, protected environment…): exit 1.
    #[error("refused: {0}")]
    Refused(String),
    /// A cloud call failed: exit 2.
    #[error("{0}")]
    Cloud(#[from] CloudError),
    /// The audit log could not be written: nothing was called. Exit 2.
    #[error("audit log: {0}")]
    Audit(String),
}

/// A line of progress while a run executes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunEvent {
    StepStarted {
        phase: Phase,
        index: usize,
    },
    StepFinished {
        phase: Phase,
        index: usize,
        ok: bool,
        detail: String,
    },
    /// A streamed line: a service event, a wait's status.
    Log(String),
}

/// Which list of steps is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Procedure,
    Verification,
    Rollback,
}

/// What a run needs: the environment, the cloud, the audit log, where progress goes.
#[derive(Clone)]
pub struct RunContext {
    pub env: Environment,
    pub cloud: CloudHandle,
    pub audit: AuditLog,
    pub events: Option<UnboundedSender<RunEvent>>,
    /// Interval between polls of waits.
    pub poll: Duration,
    /// Set to stop between steps.
    pub cancel: Arc<AtomicBool>,
}

impl RunContext {
    /// Send a progress event (if anyone listens).
    pub fn emit(&self, event: RunEvent) {
        if let Some(tx) = &self.events {
            let _ = tx.send(event);
        }
    }
}

/// `family:revision` of a task-definition ARN or reference.
pub fn family_revision(td: &str) -> Option<(String, i64)> {
    let last = crate::cloud::last_segment(td);
    let (family, rev) = last.rsplit_once(':')?;
    Some((family.to_string(), rev.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_and_revision_parse() {
        assert_eq!(
            family_revision("arn:aws:ecs:us-east-1:1:task-definition/web:42"),
            Some(("web".into(), 42))
        );
        assert_eq!(family_revision("web:7"), Some(("web".into(), 7)));
        assert_eq!(family_revision("web"), None);
    }
}
