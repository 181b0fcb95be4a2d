//! Security Hub and GuardDuty behind the cloud boundary: the read trait and the acting
//! trait (triage writes).

use async_trait::async_trait;

use super::listing::Listing;
use super::security::{
    Detector, EnabledStandard, Finding, FindingHistoryRecord, FindingRef, ThreatFinding,
    WorkflowStatus,
};
use super::security_filter::FindingFilters;
use super::{CloudResult, WriteReceipt};

/// Told the items read so far while more pages are still coming (the first page, then
/// each time the count has doubled: the copies a receiver makes stay linear in total).
pub type PageSink<'a, T> = &'a (dyn Fn(&[T]) + Send + Sync);

/// Reads Security Hub and GuardDuty.
#[async_trait]
pub trait SecurityRead: Send + Sync {
    /// `securityhub:GetFindings` with `filters` sent as the API's `Filters`, every page
    /// (`complete` false where a safety guard stopped the reading early).
    async fn security_findings(&self, filters: &FindingFilters) -> CloudResult<Listing<Finding>>;
    /// As [`SecurityRead::security_findings`], telling `sink` what has been read while
    /// pages are still coming, so the first page can be shown before the last arrives.
    async fn security_findings_paged(
        &self,
        filters: &FindingFilters,
        sink: PageSink<'_, Finding>,
    ) -> CloudResult<Listing<Finding>> {
        let _ = sink;
        self.security_findings(filters).await
    }
    /// `securityhub:GetEnabledStandards`, every page.
    async fn enabled_standards(&self) -> CloudResult<Vec<EnabledStandard>>;
    /// `securityhub:GetFindingHistory` of one finding (the last 90 days), every page, in
    /// the order the API returns; `CloudError::Unsupported` where the endpoint lacks it.
    async fn finding_history(&self, finding: &FindingRef)
    -> CloudResult<Vec<FindingHistoryRecord>>;
    /// `guardduty:ListDetectors` + `GetDetector` for each.
    async fn guardduty_detectors(&self) -> CloudResult<Vec<Detector>>;
    /// `guardduty:ListFindings` (not archived, sorted by severity, most severe first) +
    /// `GetFindings` in batches, in that order, every page (`complete` as above).
    async fn guardduty_findings(&self, detector_id: &str) -> CloudResult<Listing<ThreatFinding>>;
    /// As [`SecurityRead::guardduty_findings`], telling `sink` what has been read (most
    /// severe first) while pages are still coming.
    async fn guardduty_findings_paged(
        &self,
        detector_id: &str,
        sink: PageSink<'_, ThreatFinding>,
    ) -> CloudResult<Listing<ThreatFinding>> {
        let _ = sink;
        self.guardduty_findings(detector_id).await
    }
}

/// Triage writes to Security Hub and GuardDuty. Absent in read-only mode.
#[async_trait]
pub trait SecurityAct: Send + Sync {
    /// `securityhub:BatchUpdateFindings`: set the workflow status of `findings` and add a
    /// note (`updated_by` names who triaged).
    async fn update_findings_workflow(
        &self,
        findings: &[FindingRef],
        status: WorkflowStatus,
        note: &str,
        updated_by: &str,
    ) -> CloudResult<WriteReceipt>;
    /// `guardduty:ArchiveFindings`.
    async fn archive_guardduty_findings(
        &self,
        detector_id: &str,
        finding_ids: &[String],
    ) -> CloudResult<WriteReceipt>;
}
