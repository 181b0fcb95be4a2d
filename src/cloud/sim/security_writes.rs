//! The simulated triage writes (`BatchUpdateFindings`, `ArchiveFindings`): checked
//! against the catalogue, applied to the world's security ledger, recorded as writes.

use super::security_ledger::WorkflowEvent;
use super::source::SimSource;
use super::world::SimWorld;
use crate::cloud::{
    CloudError, CloudResult, Finding, FindingNote, FindingRef, WorkflowStatus, WriteReceipt,
};

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
            ledger.set_workflow(
                WorkflowEvent {
                    env: env.to_string(),
                    id: r.id.clone(),
                    at: now,
                    old_status: before.map_or(WorkflowStatus::New, |f| f.workflow),
                    status,
                    old_note: before.and_then(|f| f.note.as_ref()).map(|n| n.text.clone()),
                    note: note.as_ref().map(|n| n.text.clone()),
                    by: updated_by.to_string(),
                },
                note.clone(),
            );
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
            ledger.archive(env, id);
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
