//! The progress view's model of a run: one entry per planned step (procedure,
//! verification, rollback), advanced by the engine's events; and the parameter form's
//! fields with their defaults.

use crate::config::Environment;
use crate::runbook::model::{ParamType, Runbook};
use crate::runbook::plan::{Phase, PlannedStep, Prepared, RunEvent};

/// A step's state in the progress view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepState {
    Pending,
    Running,
    Done(String),
    Failed(String),
}

/// One step of the progress view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepProgress {
    pub phase: Phase,
    pub label: String,
    pub state: StepState,
}

pub(super) fn apply_event(steps: &mut [StepProgress], log: &mut Vec<String>, event: RunEvent) {
    let find = |steps: &mut [StepProgress], phase: Phase, index: usize| -> Option<usize> {
        steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.phase == phase)
            .nth(index)
            .map(|(i, _)| i)
    };
    match event {
        RunEvent::StepStarted { phase, index } => {
            if let Some(i) = find(steps, phase, index) {
                steps[i].state = StepState::Running;
            }
        }
        RunEvent::StepFinished {
            phase,
            index,
            ok,
            detail,
        } => {
            if let Some(i) = find(steps, phase, index) {
                steps[i].state = if ok {
                    StepState::Done(detail)
                } else {
                    StepState::Failed(detail)
                };
            }
        }
        RunEvent::Log(line) => {
            log.push(line);
            if log.len() > LOG_LINES {
                log.drain(..log.len() - LOG_LINES);
            }
        }
    }
}

pub(super) fn progress_steps(
    prepared: &Prepared,
    rollback: Option<&[PlannedStep]>,
) -> Vec<StepProgress> {
    let make = |phase: Phase, s: &PlannedStep| StepProgress {
        phase,
        label: s.label.clone(),
        state: StepState::Pending,
    };
    match rollback {
        Some(steps) => steps.iter().map(|s| make(Phase::Rollback, s)).collect(),
        None => prepared
            .procedure
            .iter()
            .map(|s| make(Phase::Procedure, s))
            .chain(
                prepared
                    .verification
                    .iter()
                    .map(|s| make(Phase::Verification, s)),
            )
            .collect(),
    }
}

/// The parameter form: every declared parameter with its default (secrets start empty).
pub fn form_fields(rb: &Runbook, env: &Environment) -> Vec<(String, String)> {
    rb.params
        .iter()
        .map(|p| {
            let default = if p.ty == ParamType::Secret {
                None
            } else {
                p.default.as_ref().map(|d| d.to_string()).or_else(|| {
                    p.default_from
                        .as_deref()
                        .and_then(|k| crate::runbook::value::env_value(env, k))
                        .map(|v| v.to_string())
                })
            };
            (p.name.clone(), default.unwrap_or_default())
        })
        .collect()
}

/// Lines of streamed log kept for the progress view.
/// Lines of run log kept for the progress view.
const LOG_LINES: usize = 200;
