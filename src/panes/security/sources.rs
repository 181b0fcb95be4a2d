//! The Security pane's sources and how each becomes cloud calls.

use crate::cloud::security_filter::FindingFilters;
use crate::cloud::security_score::{StandardScore, score_standards};
use crate::cloud::{
    CloudRead, CloudResult, Detector, Finding, FindingHistoryRecord, FindingRef, Listing,
    ThreatFinding,
};

/// Findings and GuardDuty refresh every minute; standards every five.
pub const SECURITY_REFRESH_SECONDS: i64 = 60;

/// One Security fetch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SecuritySource {
    /// Security Hub `GetFindings` with these filters.
    Findings(FindingFilters),
    /// `GetEnabledStandards` + control findings → a score per standard.
    Compliance,
    /// GuardDuty `ListDetectors` + `GetDetector`.
    Detectors,
    /// GuardDuty `ListFindings` + `GetFindings` of one detector.
    GuardDuty(String),
    /// Security Hub `GetFindingHistory` of the finding in the detail view.
    History(FindingRef),
}

/// A Security fetch's answer, with the key it was made for. Scores are complete only when
/// every control finding was read.
#[derive(Debug, Clone)]
pub enum SecurityFetched {
    Findings(FindingFilters, CloudResult<Listing<Finding>>),
    /// The findings read so far while more pages are coming (the whole answer follows
    /// as `Findings`).
    FindingsPage(FindingFilters, Vec<Finding>),
    /// The same for GuardDuty (the whole answer follows as `GuardDuty`).
    GuardDutyPage(String, Vec<ThreatFinding>),
    Compliance(CloudResult<Listing<StandardScore>>),
    Detectors(CloudResult<Vec<Detector>>),
    GuardDuty(String, CloudResult<Listing<ThreatFinding>>),
    History(FindingRef, CloudResult<Vec<FindingHistoryRecord>>),
}

/// As [`fetch`], telling `progress` about the findings read while pages are still coming.
pub async fn fetch_streamed(
    read: &dyn CloudRead,
    source: SecuritySource,
    progress: &(dyn Fn(SecurityFetched) + Send + Sync),
) -> SecurityFetched {
    match source {
        SecuritySource::Findings(filters) => {
            let sink = |found: &[Finding]| {
                progress(SecurityFetched::FindingsPage(
                    filters.clone(),
                    found.to_vec(),
                ));
            };
            let r = read.security_findings_paged(&filters, &sink).await;
            SecurityFetched::Findings(filters, r)
        }
        SecuritySource::GuardDuty(detector) => {
            let sink = |found: &[ThreatFinding]| {
                progress(SecurityFetched::GuardDutyPage(
                    detector.clone(),
                    found.to_vec(),
                ));
            };
            let r = read.guardduty_findings_paged(&detector, &sink).await;
            SecurityFetched::GuardDuty(detector, r)
        }
        other => fetch(read, other).await,
    }
}

/// Fetch one of the Security pane's sources.
pub async fn fetch(read: &dyn CloudRead, source: SecuritySource) -> SecurityFetched {
    match source {
        SecuritySource::Findings(filters) => {
            let r = read.security_findings(&filters).await;
            SecurityFetched::Findings(filters, r)
        }
        SecuritySource::Compliance => {
            let scores = match read.enabled_standards().await {
                Ok(standards) => read
                    .security_findings(&FindingFilters::controls())
                    .await
                    .map(|controls| controls.map(|c| score_standards(&standards, &c))),
                Err(e) => Err(e),
            };
            SecurityFetched::Compliance(scores)
        }
        SecuritySource::Detectors => SecurityFetched::Detectors(read.guardduty_detectors().await),
        SecuritySource::GuardDuty(detector) => {
            let r = read.guardduty_findings(&detector).await;
            SecurityFetched::GuardDuty(detector, r)
        }
        SecuritySource::History(finding) => {
            let r = read.finding_history(&finding).await;
            SecurityFetched::History(finding, r)
        }
    }
}
