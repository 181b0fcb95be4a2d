//! The triage writes applied to the simulated Security Hub and GuardDuty
//! (`BatchUpdateFindings`, `ArchiveFindings`), kept in the world and laid over the
//! catalogue of `sim/security.rs` on every read; every workflow write is also kept as an
//! event for `GetFindingHistory`.

use std::collections::{BTreeMap, BTreeSet};

use super::source::SimSource;
use super::world::SimWorld;
use crate::cloud::{
    CloudError, CloudResult, Epoch, Finding, FindingNote, FindingRef, WorkflowStatus, WriteReceipt,
};

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

    /// True when the GuardDuty finding `id` of `env` was archived.
    pub fn archived(&self, env: &str, id: &str) -> bool {
        self.archived.contains(&(env.to_string(), id.to_string()))
    }
}

/// `BatchUpdateFindings` against the sim: every finding must exist in `known`.
pub fn update_workflow(
    world: &SimWorld,
    env: &str,
    known: &[Finding],
    findings: &[FindingRef],
    status: WorkflowStatus,
    note: &str,
    updated_by: &str,
) -> CloudResult<WriteReceipt> {
    world.check(SimSource::SecurityWrites)?;
    if findings.is_empty() {
        return Err(CloudError::Invalid(
            "BatchUpdateFindings: no findings selected".into(),
        ));
    }
    if let Some(missing) = findings.iter().find(|r| {
        !known
            .iter()
            .any(|f| f.id == r.id && f.product_arn == r.product_arn)
    }) {
        return Err(CloudError::Invalid(format!(
            "BatchUpdateFindings: FindingNotFound: {}",
            missing.id
        )));
    }
    let now = world.now();
    let note = (!note.trim().is_empty()).then(|| FindingNote {
        text: note.trim().to_string(),
        updated_by: Some(updated_by.to_string()),
        updated_at: Some(now),
    });
    world.update_security(|ledger| {
        for r in findings {
            let before = known.iter().find(|f| f.id == r.id);
            ledger.events.push(WorkflowEvent {
                env: env.to_string(),
                id: r.id.clone(),
                at: now,
                old_status: before.map_or(WorkflowStatus::New, |f| f.workflow),
                status,
                old_note: before.and_then(|f| f.note.as_ref()).map(|n| n.text.clone()),
                note: note.as_ref().map(|n| n.text.clone()),
                by: updated_by.to_string(),
            });
            ledger
                .workflow
                .insert((env.to_string(), r.id.clone()), (status, note.clone(), now));
        }
    });
    let line = format!(
        "{env} BatchUpdateFindings workflow={} findings={} note={:?}",
        status.as_str(),
        findings.len(),
        note.as_ref().map_or("", |n| n.text.as_str())
    );
    let request_id = world.record(env, "securityhub", None, line);
    Ok(WriteReceipt {
        request_id: Some(request_id),
        summary: format!(
            "BatchUpdateFindings: {} finding(s) → {}",
            findings.len(),
            status.as_str()
        ),
    })
}

/// `ArchiveFindings` against the sim: the detector and every finding must exist.
pub fn archive(
    world: &SimWorld,
    env: &str,
    detector: &str,
    known_detector: &str,
    known: &[String],
    ids: &[String],
) -> CloudResult<WriteReceipt> {
    world.check(SimSource::SecurityWrites)?;
    if detector != known_detector {
        return Err(CloudError::NotFound(format!("detector {detector}")));
    }
    if ids.is_empty() {
        return Err(CloudError::Invalid(
            "ArchiveFindings: no findings selected".into(),
        ));
    }
    if let Some(missing) = ids.iter().find(|id| !known.contains(id)) {
        return Err(CloudError::Invalid(format!(
            "ArchiveFindings: finding {missing} not found"
        )));
    }
    world.update_security(|ledger| {
        for id in ids {
            ledger.archived.insert((env.to_string(), id.clone()));
        }
    });
    let line = format!(
        "{env} ArchiveFindings detector={detector} findings={}",
        ids.join(",")
    );
    let request_id = world.record(env, "guardduty", None, line);
    Ok(WriteReceipt {
        request_id: Some(request_id),
        summary: format!(
            "ArchiveFindings: {} GuardDuty finding(s) archived on detector {detector}",
            ids.len()
        ),
    })
}
