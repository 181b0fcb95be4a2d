//! Security Hub SDK types → domain types (`cloud::security`), and domain filters → the
//! SDK's `AwsSecurityFindingFilters`. Every field is optional on the wire: absent ones
//! become `None`/empty, never a panic.

use aws_sdk_securityhub::types::{
    AwsSecurityFinding, AwsSecurityFindingFilters, FindingHistoryRecord as SdkHistoryRecord,
    Resource, StandardsSubscription, StringFilter, StringFilterComparison,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::convert::{epoch, opt, owned};
use crate::cloud::security_filter::{Comparison, FilterField, FindingFilters};
use crate::cloud::{
    EnabledStandard, Epoch, FieldChange, Finding, FindingHistoryRecord, FindingNote,
    FindingResource, RecordState, Severity, WorkflowStatus,
};

/// An ISO 8601 / RFC 3339 timestamp (as ASFF and GuardDuty send them) in epoch seconds.
pub fn iso_epoch(s: Option<&str>) -> Option<Epoch> {
    s.and_then(|s| OffsetDateTime::parse(s.trim(), &Rfc3339).ok())
        .map(OffsetDateTime::unix_timestamp)
}

/// The `Filters` of a `GetFindings` request.
pub fn filters(f: &FindingFilters) -> AwsSecurityFindingFilters {
    let mut b = AwsSecurityFindingFilters::builder();
    for c in f.api_criteria() {
        let filter = StringFilter::builder()
            .value(c.value)
            .comparison(match c.comparison {
                Comparison::Equals => StringFilterComparison::Equals,
                Comparison::NotEquals => StringFilterComparison::NotEquals,
            })
            .build();
        b = match c.field {
            FilterField::SeverityLabel => b.severity_label(filter),
            FilterField::WorkflowStatus => b.workflow_status(filter),
            FilterField::RecordState => b.record_state(filter),
            FilterField::ProductName => b.product_name(filter),
            FilterField::ResourceType => b.resource_type(filter),
            FilterField::ComplianceStatus => b.compliance_status(filter),
            FilterField::AwsAccountId => b.aws_account_id(filter),
        };
    }
    b.build()
}

fn resource(r: &Resource) -> FindingResource {
    let mut tags: Vec<(String, String)> = r
        .tags()
        .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    tags.sort();
    FindingResource {
        resource_type: owned(r.r#type()),
        id: owned(r.id()),
        region: opt(r.region()),
        partition: r.partition().map(|p| p.as_str().to_owned()),
        tags,
    }
}

/// One ASFF finding.
pub fn finding(f: &AwsSecurityFinding) -> Finding {
    let severity = f
        .severity()
        .and_then(|s| s.label())
        .map_or(Severity::Informational, |l| {
            Severity::from_label(l.as_str())
        });
    let compliance = f.compliance();
    let recommendation = f.remediation().and_then(|r| r.recommendation());
    let generator_id = owned(f.generator_id());
    let product_fields = f.product_fields();
    let control_id = compliance
        .and_then(|c| opt(c.security_control_id()))
        .or_else(|| {
            product_fields
                .and_then(|p| p.get("ControlId").or_else(|| p.get("RuleId")))
                .cloned()
        });
    Finding {
        id: owned(f.id()),
        product_arn: owned(f.product_arn()),
        product_name: opt(f.product_name())
            .or_else(|| product_fields.and_then(|p| p.get("aws/securityhub/ProductName").cloned()))
            .unwrap_or_default(),
        generator_id,
        title: owned(f.title()),
        description: opt(f.description()),
        severity,
        types: f.types().to_vec(),
        account: owned(f.aws_account_id()),
        region: owned(f.region()),
        resources: f.resources().iter().map(resource).collect(),
        workflow: f
            .workflow()
            .and_then(|w| w.status())
            .map_or(WorkflowStatus::New, |s| {
                WorkflowStatus::from_api(s.as_str())
            }),
        record_state: f
            .record_state()
            .map_or(RecordState::Active, |r| RecordState::from_api(r.as_str())),
        compliance: compliance
            .and_then(|c| c.status())
            .map(|s| s.as_str().to_owned()),
        control_id,
        standards: compliance
            .map(|c| {
                c.associated_standards()
                    .iter()
                    .filter_map(|s| opt(s.standards_id()))
                    .collect()
            })
            .unwrap_or_default(),
        remediation_text: recommendation.and_then(|r| opt(r.text())),
        remediation_url: recommendation.and_then(|r| opt(r.url())),
        first_seen: iso_epoch(f.first_observed_at()).or(iso_epoch(f.created_at())),
        last_seen: iso_epoch(f.last_observed_at()),
        updated_at: iso_epoch(f.updated_at()),
        note: f.note().and_then(|n| {
            opt(n.text()).map(|text| FindingNote {
                text,
                updated_by: opt(n.updated_by()),
                updated_at: iso_epoch(n.updated_at()),
            })
        }),
    }
}

/// One standards subscription.
pub fn standard(s: &StandardsSubscription) -> EnabledStandard {
    EnabledStandard {
        standards_arn: owned(s.standards_arn()),
        subscription_arn: owned(s.standards_subscription_arn()),
        status: s
            .standards_status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
    }
}

/// One `GetFindingHistory` record; absent fields stay empty.
pub fn history_record(r: &SdkHistoryRecord) -> FindingHistoryRecord {
    let source = r.update_source();
    FindingHistoryRecord {
        at: epoch(r.update_time()),
        source_type: source
            .and_then(|s| s.r#type())
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
        identity: source.and_then(|s| opt(s.identity())),
        created: r.finding_created().unwrap_or(false),
        changes: r
            .updates()
            .iter()
            .map(|u| FieldChange {
                field: owned(u.updated_field()),
                old: opt(u.old_value()),
                new: opt(u.new_value()),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_or_vanish() {
        assert_eq!(iso_epoch(Some("2026-09-01T00:00:00Z")), Some(1_788_220_800));
        assert_eq!(
            iso_epoch(Some("2026-09-01T00:00:00.123Z")),
            Some(1_788_220_800)
        );
        assert_eq!(iso_epoch(Some("yesterday")), None);
        assert_eq!(iso_epoch(None), None);
    }

    #[test]
    fn an_empty_finding_maps_without_panic() {
        let f = finding(&AwsSecurityFinding::builder().build());
        assert_eq!(f.severity, Severity::Informational);
        assert_eq!(f.workflow, WorkflowStatus::New);
        assert_eq!(f.record_state, RecordState::Active);
        assert!(f.resources.is_empty() && f.note.is_none());
    }

    #[test]
    fn an_empty_history_record_maps_without_panic() {
        let r = history_record(&SdkHistoryRecord::builder().build());
        assert_eq!(r, FindingHistoryRecord::default());
        assert_eq!(r.who(), "?");
    }

    #[test]
    fn filters_carry_every_criterion() {
        let sdk = filters(&FindingFilters {
            severities: vec![Severity::Critical],
            products: vec!["GuardDuty".into()],
            accounts: vec!["222222222222".into()],
            ..Default::default()
        });
        assert_eq!(sdk.aws_account_id()[0].value(), Some("222222222222"));
        assert_eq!(sdk.severity_label()[0].value(), Some("CRITICAL"));
        assert_eq!(
            sdk.workflow_status()[0].comparison(),
            Some(&StringFilterComparison::NotEquals)
        );
        assert_eq!(sdk.record_state()[0].value(), Some("ACTIVE"));
        assert_eq!(sdk.product_name()[0].value(), Some("GuardDuty"));
        assert!(sdk.resource_type().is_empty());
    }
}
