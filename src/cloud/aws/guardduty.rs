//! GuardDuty calls: detectors (`ListDetectors` + `GetDetector`), findings (`ListFindings`
//! sorted by severity + `GetFindings`), and `ArchiveFindings` (the acting side), with the
//! SDK → domain mapping. Missing fields become empty values, never a panic.

use std::collections::HashMap;

use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::operation::RequestId;
use aws_sdk_guardduty::types::{
    Condition, Finding as SdkFinding, FindingCriteria, OrderBy, Resource, SortCriteria,
};

use super::convert::{opt, owned};
use super::error_map::map_sdk_error;
use super::paging::{MAX_PAGES, endless, next_token as next};
use super::securityhub_map::iso_epoch;
use crate::cloud::{
    CloudError, CloudResult, Detector, Listing, PageSink, ThreatFinding, ThreatResource,
    WriteReceipt,
};

/// `ListFindings` returns at most 50 ids per page; `GetFindings` takes at most 50.
const PAGE_SIZE: i32 = 50;

/// Every detector of the region, with its status.
pub async fn detectors(client: &Client) -> CloudResult<Vec<Detector>> {
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = client
            .list_detectors()
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("ListDetectors", e))?;
        ids.extend(page.detector_ids().iter().cloned());
        token = next(page.next_token());
        if token.is_none() {
            break;
        }
    }
    if token.is_some() {
        return Err(endless("ListDetectors"));
    }
    let mut detectors = Vec::with_capacity(ids.len());
    for id in ids {
        let d = client
            .get_detector()
            .detector_id(&id)
            .send()
            .await
            .map_err(|e| map_sdk_error("GetDetector", e))?;
        detectors.push(Detector {
            status: d
                .status()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            finding_publishing_frequency: d
                .finding_publishing_frequency()
                .map(|f| f.as_str().to_owned()),
            updated_at: iso_epoch(d.updated_at()),
            id,
        });
    }
    Ok(detectors)
}

fn severity_desc() -> SortCriteria {
    SortCriteria::builder()
        .attribute_name("severity")
        .order_by(OrderBy::Desc)
        .build()
}

/// Findings of `detector_id` that are not archived, most severe first: every page of
/// `ListFindings`, with `GetFindings` in batches of 50 as the ids come. Should
/// `ListFindings` still offer a next page after `MAX_PAGES` pages (100 000 findings), the
/// findings read so far come back marked incomplete. `sink` is told the findings read so
/// far (most severe first) after the first batch and whenever the count has doubled.
pub async fn findings(
    client: &Client,
    detector_id: &str,
    sink: Option<PageSink<'_, ThreatFinding>>,
) -> CloudResult<Listing<ThreatFinding>> {
    let not_archived = FindingCriteria::builder()
        .criterion(
            "service.archived",
            Condition::builder().equals("false").build(),
        )
        .build();
    let mut ids: Vec<String> = Vec::new();
    let mut out = Vec::new();
    // Ids listed but not yet read with GetFindings.
    let mut unread = 0usize;
    let mut told = 0usize;
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = client
            .list_findings()
            .detector_id(detector_id)
            .finding_criteria(not_archived.clone())
            .sort_criteria(severity_desc())
            .max_results(PAGE_SIZE)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("ListFindings", e))?;
        ids.extend(page.finding_ids().iter().cloned());
        unread += page.finding_ids().len();
        token = next(page.next_token());
        while unread >= PAGE_SIZE as usize || (token.is_none() && unread > 0) {
            let take = unread.min(PAGE_SIZE as usize);
            let batch = &ids[ids.len() - unread..ids.len() - unread + take];
            out.extend(get_batch(client, detector_id, batch).await?);
            unread -= take;
        }
        if token.is_none() {
            break;
        }
        if let Some(sink) = sink
            && !out.is_empty()
            && out.len() >= told.saturating_mul(2)
        {
            told = out.len();
            sort_as_listed(&mut out, &ids);
            sink(&out);
        }
    }
    if unread > 0 {
        let rest = ids[ids.len() - unread..].to_vec();
        for batch in rest.chunks(PAGE_SIZE as usize) {
            out.extend(get_batch(client, detector_id, batch).await?);
        }
    }
    sort_as_listed(&mut out, &ids);
    if token.is_some() {
        tracing::warn!(
            pages = MAX_PAGES,
            findings = out.len(),
            "ListFindings: stopped with pages left; the findings are marked incomplete"
        );
        return Ok(Listing::partial(out));
    }
    Ok(Listing::complete(out))
}

/// `GetFindings` of one batch of ids.
async fn get_batch(
    client: &Client,
    detector_id: &str,
    batch: &[String],
) -> CloudResult<Vec<ThreatFinding>> {
    let page = client
        .get_findings()
        .detector_id(detector_id)
        .set_finding_ids(Some(batch.to_vec()))
        .sort_criteria(severity_desc())
        .send()
        .await
        .map_err(|e| map_sdk_error("GetFindings", e))?;
    Ok(page
        .findings()
        .iter()
        .map(|f| finding(f, detector_id))
        .collect())
}

/// Keep ListFindings' order (severity, most severe first) whatever GetFindings returned.
fn sort_as_listed(out: &mut [ThreatFinding], ids: &[String]) {
    let rank: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    out.sort_by_key(|f| rank.get(f.id.as_str()).copied().unwrap_or(usize::MAX));
}

/// `ArchiveFindings` for `finding_ids` (at most 50 per call).
pub async fn archive(
    client: &Client,
    detector_id: &str,
    finding_ids: &[String],
) -> CloudResult<WriteReceipt> {
    if finding_ids.is_empty() {
        return Err(CloudError::Invalid(
            "ArchiveFindings: no findings selected".into(),
        ));
    }
    let mut request_ids = Vec::new();
    for batch in finding_ids.chunks(PAGE_SIZE as usize) {
        let out = client
            .archive_findings()
            .detector_id(detector_id)
            .set_finding_ids(Some(batch.to_vec()))
            .send()
            .await
            .map_err(|e| map_sdk_error("ArchiveFindings", e))?;
        if let Some(id) = out.request_id() {
            request_ids.push(id.to_owned());
        }
    }
    Ok(WriteReceipt {
        request_id: (!request_ids.is_empty()).then(|| request_ids.join(",")),
        summary: format!(
            "ArchiveFindings: {} GuardDuty finding(s) archived on detector {detector_id}",
            finding_ids.len()
        ),
    })
}

fn resource(r: Option<&Resource>) -> ThreatResource {
    let Some(r) = r else {
        return ThreatResource::Unknown;
    };
    if let Some(ecs) = r.ecs_cluster_details() {
        let cluster = opt(ecs.arn()).or(opt(ecs.name())).unwrap_or_default();
        return match ecs.task_details().and_then(|t| opt(t.arn())) {
            Some(task_arn) => ThreatResource::EcsTask { cluster, task_arn },
            None => ThreatResource::EcsCluster { cluster },
        };
    }
    if let Some(key) = r.access_key_details() {
        return ThreatResource::AccessKey {
            access_key_id: owned(key.access_key_id()),
            user_name: owned(key.user_name()),
        };
    }
    if let Some(bucket) = r.s3_bucket_details().first() {
        return ThreatResource::S3Bucket {
            name: opt(bucket.name()).or(opt(bucket.arn())).unwrap_or_default(),
        };
    }
    if let Some(i) = r.instance_details().and_then(|i| opt(i.instance_id())) {
        return ThreatResource::Instance { instance_id: i };
    }
    match opt(r.resource_type()) {
        Some(resource_type) => ThreatResource::Other { resource_type },
        None => ThreatResource::Unknown,
    }
}

/// One GuardDuty finding.
pub fn finding(f: &SdkFinding, detector_id: &str) -> ThreatFinding {
    let service = f.service();
    ThreatFinding {
        id: owned(f.id()),
        detector_id: service
            .and_then(|s| opt(s.detector_id()))
            .unwrap_or_else(|| detector_id.to_owned()),
        finding_type: owned(f.r#type()),
        severity_score: f.severity().filter(|s| s.is_finite()).unwrap_or(0.0),
        title: owned(f.title()),
        description: opt(f.description()),
        resource: resource(f.resource()),
        count: service.and_then(|s| s.count()).unwrap_or(1),
        account: owned(f.account_id()),
        region: owned(f.region()),
        first_seen: service
            .and_then(|s| iso_epoch(s.event_first_seen()))
            .or(iso_epoch(f.created_at())),
        last_seen: service
            .and_then(|s| iso_epoch(s.event_last_seen()))
            .or(iso_epoch(f.updated_at())),
        archived: service.and_then(|s| s.archived()).unwrap_or(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_finding_maps_without_panic() {
        let f = finding(&SdkFinding::builder().build(), "d1");
        assert_eq!(f.detector_id, "d1");
        assert_eq!(f.resource, ThreatResource::Unknown);
        assert_eq!(f.count, 1);
        assert_eq!(f.severity_score, 0.0);
    }
}
