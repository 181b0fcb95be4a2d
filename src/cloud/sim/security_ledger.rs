//! The triage writes applied to the simulated Security Hub and GuardDuty
//! (`BatchUpdateFindings`, `ArchiveFindings`, performed in `security_writes`), kept in the world and laid over the
//! catalogue of `sim/security.rs` on every read; every workflow write is also kept as an
//! event for `GetFindingHistory`.

use std::collections::{BTreeMap, BTreeSet};

use crate::cloud::{Epoch, Finding, FindingNote, WorkflowStatus};

/// Workflow and note changes per (environment, finding id), and archived GuardDuty findings.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    workflow: BTreeMap<(String, String), (WorkflowStatus, Option<FindingNote>, Epoch)>,
    archived: BTreeSet<(String, String)>,
    events: Vec<WorkflowEvent>,
}

/// One `BatchUpdateFindings` as it changed one finding, oldest first in the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowEvent {
    pub env: String,
    pub id: String,
    pub at: Epoch,
    pub old_status: WorkflowStatus,
    pub status: WorkflowStatus,
    pub old_note: Option<String>,
    /// The note written with the change (None: the note was left alone).
    pub note: Option<String>,
    pub by: String,
}

impl Ledger {
    /// Lays the writes for `env` over `f`.
    pub fn apply(&self, env: &str, f: &mut Finding) {
        if let Some((status, note, at)) = self.workflow.get(&(env.to_string(), f.id.clone())) {
            f.workflow = *status;
            f.updated_at = Some(*at);
            if note.is_some() {
                f.note = note.clone();
            }
        }
    }

    /// The workflow writes to finding `id` of `env`, oldest first.
    pub fn events<'a>(
        &'a self,
        env: &'a str,
        id: &'a str,
    ) -> impl Iterator<Item = &'a WorkflowEvent> {
        self.events
            .iter()
            .filter(move |e| e.env == env && e.id == id)
    }

    /// Record a workflow change (and its note) as the finding's state and history.
    pub(super) fn set_workflow(&mut self, event: WorkflowEvent, note: Option<FindingNote>) {
        self.workflow.insert(
            (event.env.clone(), event.id.clone()),
            (event.status, note, event.at),
        );
        self.events.push(event);
    }

    /// Archive the GuardDuty finding `id` of `env`.
    pub(super) fn archive(&mut self, env: &str, id: &str) {
        self.archived.insert((env.to_string(), id.to_string()));
    }

    /// True when the GuardDuty finding `id` of `env` was archived.
    pub fn archived(&self, env: &str, id: &str) -> bool {
        self.archived.contains(&(env.to_string(), id.to_string()))
    }
}
