//! The Security pane's sources as cloud calls, and its triage writes through the acting
//! side (`CloudHandle::actor()`: read-only consoles have none, so the write is refused
//! before anything leaves the process).

use super::security_triage::SecurityWrite;
use super::source::{Fetched, Source};
use crate::cloud::security_filter::FindingFilters;
use crate::cloud::security_score::score_standards;
use crate::cloud::{CloudHandle, CloudRead, CloudResult, WriteReceipt};

/// Fetch one of the Security pane's sources (`None` for any other source).
pub async fn fetch(read: &dyn CloudRead, source: &Source) -> Option<Fetched> {
    Some(match source {
        Source::SecurityFindings(filters) => {
            Fetched::SecurityFindings(filters.clone(), read.security_findings(filters).await)
        }
        Source::SecurityCompliance => {
            let scores = match read.enabled_standards().await {
                Ok(standards) => read
                    .security_findings(&FindingFilters::controls())
                    .await
                    .map(|controls| score_standards(&standards, &controls)),
                Err(e) => Err(e),
            };
            Fetched::SecurityCompliance(scores)
        }
        Source::SecurityDetectors => Fetched::SecurityDetectors(read.guardduty_detectors().await),
        Source::GuardDutyFindings(detector) => {
            Fetched::GuardDutyFindings(detector.clone(), read.guardduty_findings(detector).await)
        }
        _ => return None,
    })
}

/// Perform a confirmed triage write.
pub async fn perform(cloud: &CloudHandle, write: &SecurityWrite) -> CloudResult<WriteReceipt> {
    let actor = cloud.actor()?;
    let receipt = match write {
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
    };
    match &receipt {
        Ok(r) => {
            tracing::info!(summary = %r.summary, request_id = ?r.request_id, "security triage write")
        }
        Err(e) => tracing::warn!(error = %e, "security triage write failed"),
    }
    receipt
}
