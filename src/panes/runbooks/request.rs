//! What the Runbooks pane asks the write actor to do (plan, execute, roll back, cancel),
//! and what comes back from a run.

use std::collections::BTreeMap;

use crate::runbook::engine::RunSummary;
use crate::runbook::model::Runbook;
use crate::runbook::plan::{PlannedStep, Prepared, RunError, RunEvent};

/// A request the event loop carries out for the pane.
#[derive(Debug, Clone, PartialEq)]
pub enum RunbookRequest {
    Plan {
        runbook: Box<Runbook>,
        raw: BTreeMap<String, String>,
        /// A value typed at the hidden prompt (`value=prompt`), never printed.
        typed: Option<crate::cloud::Redacted>,
    },
    Execute(Box<Prepared>),
    PlanRollback(Box<Prepared>),
    ExecuteRollback(Box<Prepared>, Vec<PlannedStep>),
    /// Stop between steps.
    Cancel,
}

/// What comes back from a run.
#[derive(Debug, Clone)]
pub enum RunbookMsg {
    Planned(Result<Box<Prepared>, RunError>),
    RollbackPlanned(Result<Vec<PlannedStep>, RunError>),
    Progress(RunEvent),
    Finished(RunSummary),
}

/// The Runbooks pane fetches nothing itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NoSource {}

/// No fetch ever finishes for the Runbooks pane.
#[derive(Debug)]
pub enum NoFetched {}
