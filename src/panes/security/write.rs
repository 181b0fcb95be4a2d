//! A confirmed triage write, performed by the write actor through the acting side
//! (`CloudHandle::actor()`: read-only consoles have none, so the write is refused before
//! anything leaves the process), with its audit intent on disk before the call.

use super::triage::SecurityWrite;
use crate::cloud::{CloudHandle, CloudResult, WriteReceipt};

/// Perform a confirmed triage write.
pub async fn perform(
    cloud: &CloudHandle,
    write: &SecurityWrite,
    audit: &crate::audit::AuditLog,
    env: &str,
) -> CloudResult<WriteReceipt> {
    let actor = cloud.actor()?;
    let (step, plan) = describe_write(write);
    let entry = crate::audit::Entry {
        id: format!(
            "triage-{}-{}",
            crate::audit::now_rfc3339(),
            std::process::id()
        ),
        env: env.to_string(),
        runbook: "security-triage".into(),
        step,
        plan,
        caller: cloud.read.caller_identity().await.ok().map(|c| c.arn),
        ..Default::default()
    };
    // The intent is on disk before the call leaves; no audit, no write.
    let call = async {
        match write {
            SecurityWrite::Workflow {
                findings,
                status,
                note,
                updated_by,
            } => {
                actor
                    .update_findings_workflow(findings, *status, note, updated_by)
                    .await
            }
            SecurityWrite::Archive {
                detector_id,
                finding_ids,
            } => {
                actor
                    .archive_guardduty_findings(detector_id, finding_ids)
                    .await
            }
        }
    };
    let receipt = crate::audit::audited(audit, entry, call, |r: &WriteReceipt| {
        (r.request_id.clone(), r.summary.clone())
    })
    .await;
    match &receipt {
        Ok(r) => {
            tracing::info!(summary = %r.summary, request_id = ?r.request_id, "security triage write")
        }
        Err(e) => tracing::warn!(error = %e, "security triage write failed"),
    }
    receipt
}

/// The audited step name and the exact call a triage write makes.
fn describe_write(write: &SecurityWrite) -> (String, Vec<String>) {
    match write {
        SecurityWrite::Workflow {
            findings,
            status,
            note,
            ..
        } => (
            "securityhub:BatchUpdateFindings".into(),
            vec![format!(
                "securityhub:BatchUpdateFindings {} finding(s) workflow status → {:?}, note {:?}: {}",
                findings.len(),
                status,
                note,
                findings
                    .iter()
                    .map(|f| f.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )],
        ),
        SecurityWrite::Archive {
            detector_id,
            finding_ids,
        } => (
            "guardduty:ArchiveFindings".into(),
            vec![format!(
                "guardduty:ArchiveFindings detector {detector_id}: {}",
                finding_ids.join(", ")
            )],
        ),
    }
}
