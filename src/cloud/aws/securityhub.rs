//! Security Hub calls: `GetFindings` (with `Filters`, every page), `GetEnabledStandards`,
//! `GetFindingHistory` (every page), and `BatchUpdateFindings` (the acting side).

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::operation::RequestId;
use aws_sdk_securityhub::types::{
    AwsSecurityFindingIdentifier, NoteUpdate, WorkflowStatus as SdkWorkflowStatus, WorkflowUpdate,
};

use super::error_map::map_sdk_error;
use super::paging::{MAX_PAGES, endless, next_token as next};
use super::securityhub_map;
use crate::cloud::security_filter::FindingFilters;
use crate::cloud::{
    CloudError, CloudResult, EnabledStandard, Finding, FindingHistoryRecord, FindingRef, Listing,
    PageSink, WorkflowStatus, WriteReceipt,
};

/// `GetFindings` returns at most 100 findings per page.
const PAGE_SIZE: i32 = 100;
/// `BatchUpdateFindings` accepts at most 100 finding identifiers per call.
const UPDATE_BATCH: usize = 100;

/// Every finding matching `filters` (sent as the request's `Filters`), every page. Should
/// the endpoint still offer a next page after `MAX_PAGES` pages (200 000 findings), the
/// findings read so far come back marked incomplete. `sink` is told what has been read
/// after the first page and whenever the count has doubled, while pages are left.
pub async fn get_findings(
    client: &Client,
    filters: &FindingFilters,
    sink: Option<PageSink<'_, Finding>>,
) -> CloudResult<Listing<Finding>> {
    let sdk_filters = securityhub_map::filters(filters);
    let mut findings = Vec::new();
    let mut token: Option<String> = None;
    let mut told = 0usize;
    for _ in 0..MAX_PAGES {
        let page = client
            .get_findings()
            .filters(sdk_filters.clone())
            .max_results(PAGE_SIZE)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("GetFindings", e))?;
        findings.extend(page.findings().iter().map(securityhub_map::finding));
        token = next(page.next_token());
        if token.is_none() {
            return Ok(Listing::complete(findings));
        }
        if let Some(sink) = sink
            && !findings.is_empty()
            && findings.len() >= told.saturating_mul(2)
        {
            told = findings.len();
            sink(&findings);
        }
    }
    tracing::warn!(
        pages = MAX_PAGES,
        findings = findings.len(),
        "GetFindings: stopped with pages left; the findings are marked incomplete"
    );
    Ok(Listing::partial(findings))
}

/// Every enabled standard subscription.
pub async fn enabled_standards(client: &Client) -> CloudResult<Vec<EnabledStandard>> {
    let mut standards = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = client
            .get_enabled_standards()
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("GetEnabledStandards", e))?;
        standards.extend(
            page.standards_subscriptions()
                .iter()
                .map(securityhub_map::standard),
        );
        token = next(page.next_token());
        if token.is_none() {
            return Ok(standards);
        }
    }
    Err(endless("GetEnabledStandards"))
}

/// The history of one finding (`GetFindingHistory`, the API's default window of 90 days),
/// every page, records in the order the API returns them.
pub async fn finding_history(
    client: &Client,
    finding: &FindingRef,
) -> CloudResult<Vec<FindingHistoryRecord>> {
    let identifier = AwsSecurityFindingIdentifier::builder()
        .id(&finding.id)
        .product_arn(&finding.product_arn)
        .build();
    let mut records = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = client
            .get_finding_history()
            .finding_identifier(identifier.clone())
            .max_results(PAGE_SIZE)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("GetFindingHistory", e))?;
        records.extend(page.records().iter().map(securityhub_map::history_record));
        token = next(page.next_token());
        if token.is_none() {
            return Ok(records);
        }
    }
    Err(endless("GetFindingHistory"))
}

/// `BatchUpdateFindings`: workflow status + note for `findings`, in batches of 100.
/// Fails when any finding was left unprocessed (naming the first error).
pub async fn update_workflow(
    client: &Client,
    findings: &[FindingRef],
    status: WorkflowStatus,
    note: &str,
    updated_by: &str,
) -> CloudResult<WriteReceipt> {
    if findings.is_empty() {
        return Err(CloudError::Invalid(
            "BatchUpdateFindings: no findings selected".into(),
        ));
    }
    let mut processed = 0usize;
    let mut request_ids = Vec::new();
    for batch in findings.chunks(UPDATE_BATCH) {
        let ids: Vec<AwsSecurityFindingIdentifier> = batch
            .iter()
            .map(|f| {
                AwsSecurityFindingIdentifier::builder()
                    .id(&f.id)
                    .product_arn(&f.product_arn)
                    .build()
            })
            .collect();
        let mut req = client
            .batch_update_findings()
            .set_finding_identifiers(Some(ids))
            .workflow(
                WorkflowUpdate::builder()
                    .status(SdkWorkflowStatus::from(status.as_str()))
                    .build(),
            );
        if !note.trim().is_empty() {
            req = req.note(
                NoteUpdate::builder()
                    .text(note.trim())
                    .updated_by(updated_by)
                    .build(),
            );
        }
        let out = req
            .send()
            .await
            .map_err(|e| map_sdk_error("BatchUpdateFindings", e))?;
        if let Some(id) = out.request_id() {
            request_ids.push(id.to_owned());
        }
        processed += out.processed_findings().len();
        if let Some(u) = out.unprocessed_findings().first() {
            return Err(CloudError::Invalid(format!(
                "BatchUpdateFindings: {} of {} findings not updated ({} processed): {}: {}",
                out.unprocessed_findings().len(),
                batch.len(),
                processed,
                u.error_code().unwrap_or("error"),
                u.error_message().unwrap_or("")
            )));
        }
    }
    Ok(WriteReceipt {
        request_id: (!request_ids.is_empty()).then(|| request_ids.join(",")),
        summary: format!(
            "BatchUpdateFindings: {processed} finding(s) → {}",
            status.as_str()
        ),
    })
}
