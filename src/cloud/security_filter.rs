//! Security Hub finding filters: what the pane and `opsdeck posture` ask for, and the
//! exact `Filters` criteria that are sent to `GetFindings` (string filters only).
//!
//! Security Hub ORs several `EQUALS` values of one field and ANDs fields and
//! `NOT_EQUALS` values; [`FindingFilters::api_criteria`] relies on exactly that, and
//! [`FindingFilters::matches`] applies the same semantics locally (the simulated account,
//! and endpoints such as moto that ignore `Filters`).

use super::security::{Finding, RecordState, Severity, WorkflowStatus};

/// A `GetFindings` filter field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilterField {
    SeverityLabel,
    WorkflowStatus,
    RecordState,
    ProductName,
    ResourceType,
    ComplianceStatus,
    /// The member account a finding is about (aggregated and delegated-admin reads).
    AwsAccountId,
}

/// A string filter comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparison {
    Equals,
    NotEquals,
}

/// One `StringFilter` of one field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Criterion {
    pub field: FilterField,
    pub comparison: Comparison,
    pub value: String,
}

/// What findings to ask Security Hub for. Empty lists mean "any".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FindingFilters {
    pub severities: Vec<Severity>,
    /// Explicit workflow statuses; when empty, SUPPRESSED is excluded unless `show_suppressed`.
    pub workflow: Vec<WorkflowStatus>,
    pub show_suppressed: bool,
    pub record_state: Option<RecordState>,
    pub products: Vec<String>,
    pub resource_types: Vec<String>,
    pub compliance: Vec<String>,
    /// Member accounts (findings read through an aggregation region or a delegated
    /// administrator hold several).
    pub accounts: Vec<String>,
}

impl Default for FindingFilters {
    /// Active findings that are not muted.
    fn default() -> Self {
        FindingFilters {
            severities: Vec::new(),
            workflow: Vec::new(),
            show_suppressed: false,
            record_state: Some(RecordState::Active),
            products: Vec::new(),
            resource_types: Vec::new(),
            compliance: Vec::new(),
            accounts: Vec::new(),
        }
    }
}

/// The product name of Security Hub's own control findings.
pub const CONTROLS_PRODUCT: &str = "Security Hub";

impl FindingFilters {
    /// Active control findings of every workflow status (for standard scores).
    pub fn controls() -> FindingFilters {
        FindingFilters {
            show_suppressed: true,
            products: vec![CONTROLS_PRODUCT.to_string()],
            ..FindingFilters::default()
        }
    }

    /// Severities at or above `min` (`None`: any severity).
    pub fn at_least(min: Option<Severity>) -> Vec<Severity> {
        match min {
            None => Vec::new(),
            Some(min) => Severity::ALL.into_iter().filter(|s| *s <= min).collect(),
        }
    }

    /// The `Filters` criteria, in a stable order.
    pub fn api_criteria(&self) -> Vec<Criterion> {
        let eq = |field, value: &str| Criterion {
            field,
            comparison: Comparison::Equals,
            value: value.to_string(),
        };
        let mut out: Vec<Criterion> = self
            .severities
            .iter()
            .map(|s| eq(FilterField::SeverityLabel, s.label()))
            .collect();
        if self.workflow.is_empty() {
            if !self.show_suppressed {
                out.push(Criterion {
                    field: FilterField::WorkflowStatus,
                    comparison: Comparison::NotEquals,
                    value: WorkflowStatus::Suppressed.as_str().to_string(),
                });
            }
        } else {
            out.extend(
                self.workflow
                    .iter()
                    .map(|w| eq(FilterField::WorkflowStatus, w.as_str())),
            );
        }
        if let Some(r) = self.record_state {
            out.push(eq(FilterField::RecordState, r.as_str()));
        }
        out.extend(
            self.products
                .iter()
                .map(|p| eq(FilterField::ProductName, p)),
        );
        out.extend(
            self.resource_types
                .iter()
                .map(|t| eq(FilterField::ResourceType, t)),
        );
        out.extend(
            self.compliance
                .iter()
                .map(|c| eq(FilterField::ComplianceStatus, c)),
        );
        out.extend(
            self.accounts
                .iter()
                .map(|a| eq(FilterField::AwsAccountId, a)),
        );
        out
    }

    /// True when `f` passes these filters (the API's semantics, applied locally).
    pub fn matches(&self, f: &Finding) -> bool {
        let criteria = self.api_criteria();
        [
            FilterField::SeverityLabel,
            FilterField::WorkflowStatus,
            FilterField::RecordState,
            FilterField::ProductName,
            FilterField::ResourceType,
            FilterField::ComplianceStatus,
            FilterField::AwsAccountId,
        ]
        .into_iter()
        .all(|field| {
            let values = field_values(f, field);
            let of_field = criteria.iter().filter(|c| c.field == field);
            let equals: Vec<&Criterion> = of_field
                .clone()
                .filter(|c| c.comparison == Comparison::Equals)
                .collect();
            let any_equal = equals.is_empty()
                || equals
                    .iter()
                    .any(|c| values.iter().any(|v| v.eq_ignore_ascii_case(&c.value)));
            let none_excluded = of_field
                .filter(|c| c.comparison == Comparison::NotEquals)
                .all(|c| !values.iter().any(|v| v.eq_ignore_ascii_case(&c.value)));
            any_equal && none_excluded
        })
    }

    /// A one-line description for titles, e.g. `sev ≥HIGH · NEW · Inspector`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(min) = self.severities.iter().max() {
            if self.severities.len() == 1 {
                parts.push(format!("sev {}", min.label()));
            } else {
                parts.push(format!("sev ≥{}", min.label()));
            }
        }
        if !self.workflow.is_empty() {
            let w: Vec<&str> = self.workflow.iter().map(|w| w.as_str()).collect();
            parts.push(w.join("|"));
        }
        match self.record_state {
            Some(RecordState::Active) => {}
            Some(RecordState::Archived) => parts.push("ARCHIVED".to_string()),
            None => parts.push("any record state".to_string()),
        }
        parts.extend(self.products.iter().cloned());
        parts.extend(self.resource_types.iter().cloned());
        parts.extend(self.accounts.iter().map(|a| format!("account {a}")));
        if self.show_suppressed && self.workflow.is_empty() {
            parts.push("+muted".to_string());
        }
        parts.join(" · ")
    }
}

fn field_values(f: &Finding, field: FilterField) -> Vec<&str> {
    match field {
        FilterField::SeverityLabel => vec![f.severity.label()],
        FilterField::WorkflowStatus => vec![f.workflow.as_str()],
        FilterField::RecordState => vec![f.record_state.as_str()],
        FilterField::ProductName => vec![f.product_name.as_str()],
        FilterField::ResourceType => f
            .resources
            .iter()
            .map(|r| r.resource_type.as_str())
            .collect(),
        FilterField::ComplianceStatus => f.compliance.as_deref().into_iter().collect(),
        FilterField::AwsAccountId => vec![f.account.as_str()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::security::FindingResource;

    fn c(field: FilterField, comparison: Comparison, value: &str) -> Criterion {
        Criterion {
            field,
            comparison,
            value: value.into(),
        }
    }

    #[test]
    fn default_sends_not_suppressed_and_active() {
        assert_eq!(
            FindingFilters::default().api_criteria(),
            vec![
                c(
                    FilterField::WorkflowStatus,
                    Comparison::NotEquals,
                    "SUPPRESSED"
                ),
                c(FilterField::RecordState, Comparison::Equals, "ACTIVE"),
            ]
        );
    }

    #[test]
    fn every_filter_is_sent() {
        let f = FindingFilters {
            severities: FindingFilters::at_least(Some(Severity::High)),
            workflow: vec![WorkflowStatus::New, WorkflowStatus::Notified],
            show_suppressed: false,
            record_state: None,
            products: vec!["GuardDuty".into()],
            resource_types: vec!["AwsEcsTask".into()],
            compliance: vec!["FAILED".into()],
            accounts: vec!["222222222222".into()],
        };
        assert_eq!(
            f.api_criteria(),
            vec![
                c(FilterField::SeverityLabel, Comparison::Equals, "CRITICAL"),
                c(FilterField::SeverityLabel, Comparison::Equals, "HIGH"),
                c(FilterField::WorkflowStatus, Comparison::Equals, "NEW"),
                c(FilterField::WorkflowStatus, Comparison::Equals, "NOTIFIED"),
                c(FilterField::ProductName, Comparison::Equals, "GuardDuty"),
                c(FilterField::ResourceType, Comparison::Equals, "AwsEcsTask"),
                c(FilterField::ComplianceStatus, Comparison::Equals, "FAILED"),
                c(
                    FilterField::AwsAccountId,
                    Comparison::Equals,
                    "222222222222"
                ),
            ]
        );
        assert_eq!(
            f.describe(),
            "sev ≥HIGH · NEW|NOTIFIED · any record state · GuardDuty · AwsEcsTask · account 222222222222"
        );
    }

    #[test]
    fn showing_muted_drops_the_exclusion() {
        let f = FindingFilters {
            show_suppressed: true,
            ..Default::default()
        };
        assert!(
            f.api_criteria()
                .iter()
                .all(|c| c.field != FilterField::WorkflowStatus)
        );
        assert_eq!(f.describe(), "+muted");
    }

    #[test]
    fn local_matching_follows_the_api() {
        let finding = Finding {
            severity: Severity::High,
            workflow: WorkflowStatus::Suppressed,
            product_name: "Security Hub".into(),
            resources: vec![FindingResource {
                resource_type: "AwsS3Bucket".into(),
                ..Default::default()
            }],
            compliance: Some("FAILED".into()),
            ..Default::default()
        };
        assert!(!FindingFilters::default().matches(&finding), "muted hidden");
        assert!(FindingFilters::controls().matches(&finding));
        let high_s3 = FindingFilters {
            severities: FindingFilters::at_least(Some(Severity::High)),
            resource_types: vec!["AwsS3Bucket".into()],
            show_suppressed: true,
            ..Default::default()
        };
        assert!(high_s3.matches(&finding));
        let crit = FindingFilters {
            severities: vec![Severity::Critical],
            show_suppressed: true,
            ..Default::default()
        };
        assert!(!crit.matches(&finding));
        let passed = FindingFilters {
            compliance: vec!["PASSED".into()],
            show_suppressed: true,
            ..Default::default()
        };
        assert!(!passed.matches(&finding));
        assert!(!passed.matches(&Finding::default()), "no compliance field");
    }
}
