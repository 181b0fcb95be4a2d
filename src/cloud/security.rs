//! Security Hub and GuardDuty domain types (the read and acting traits are in
//! `security_api`).
//!
//! Findings are plain owned values; optional ASFF fields stay `Option`/empty so a finding
//! with almost nothing in it still renders. Filters live in `security_filter`, standard
//! scores and severity summaries in `security_score`.

use super::Epoch;

/// A finding's severity, most severe first in `Ord` (`Critical < High < …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    #[default]
    Informational,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Informational,
    ];

    /// The ASFF label (`CRITICAL`, `HIGH`, …).
    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "CRITICAL",
            Severity::High => "HIGH",
            Severity::Medium => "MEDIUM",
            Severity::Low => "LOW",
            Severity::Informational => "INFORMATIONAL",
        }
    }

    /// A four-letter form for narrow columns.
    pub fn short(self) -> &'static str {
        match self {
            Severity::Critical => "CRIT",
            Severity::High => "HIGH",
            Severity::Medium => "MED",
            Severity::Low => "LOW",
            Severity::Informational => "INFO",
        }
    }

    /// Parses an ASFF label (case-insensitive); unknown labels are informational.
    pub fn from_label(label: &str) -> Severity {
        Severity::ALL
            .into_iter()
            .find(|s| {
                s.label().eq_ignore_ascii_case(label) || s.short().eq_ignore_ascii_case(label)
            })
            .unwrap_or(Severity::Informational)
    }

    /// Parses a label strictly (for command-line flags).
    pub fn parse(label: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| {
            s.label().eq_ignore_ascii_case(label) || s.short().eq_ignore_ascii_case(label)
        })
    }

    /// GuardDuty's numeric severity: 9–10 critical, 7–8.9 high, 4–6.9 medium, 1–3.9 low.
    pub fn from_guardduty(score: f64) -> Severity {
        if !score.is_finite() {
            Severity::Informational
        } else if score >= 9.0 {
            Severity::Critical
        } else if score >= 7.0 {
            Severity::High
        } else if score >= 4.0 {
            Severity::Medium
        } else if score >= 1.0 {
            Severity::Low
        } else {
            Severity::Informational
        }
    }
}

/// Security Hub workflow status of a finding (what the team did about it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum WorkflowStatus {
    #[default]
    New,
    Notified,
    Resolved,
    /// Muted: hidden by default in the pane.
    Suppressed,
}

impl WorkflowStatus {
    /// Every status, in triage order.
    pub const ALL: [WorkflowStatus; 4] = [
        WorkflowStatus::New,
        WorkflowStatus::Notified,
        WorkflowStatus::Resolved,
        WorkflowStatus::Suppressed,
    ];

    /// The API value.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowStatus::New => "NEW",
            WorkflowStatus::Notified => "NOTIFIED",
            WorkflowStatus::Resolved => "RESOLVED",
            WorkflowStatus::Suppressed => "SUPPRESSED",
        }
    }

    /// Parses an API value (case-insensitive); unknown values count as NEW.
    pub fn from_api(s: &str) -> WorkflowStatus {
        WorkflowStatus::ALL
            .into_iter()
            .find(|w| w.as_str().eq_ignore_ascii_case(s))
            .unwrap_or_default()
    }
}

/// Security Hub record state: ACTIVE, or ARCHIVED by the product that reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum RecordState {
    #[default]
    Active,
    Archived,
}

impl RecordState {
    /// The API value.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordState::Active => "ACTIVE",
            RecordState::Archived => "ARCHIVED",
        }
    }

    /// Parses an API value; anything but ARCHIVED is ACTIVE.
    pub fn from_api(s: &str) -> RecordState {
        if s.eq_ignore_ascii_case("ARCHIVED") {
            RecordState::Archived
        } else {
            RecordState::Active
        }
    }
}

/// One resource a Security Hub finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FindingResource {
    /// ASFF resource type, e.g. `AwsEc2SecurityGroup`, `AwsEcsTask`, `AwsS3Bucket`.
    pub resource_type: String,
    /// ARN or id.
    pub id: String,
    pub region: Option<String>,
    pub partition: Option<String>,
    /// Tags, sorted by key.
    pub tags: Vec<(String, String)>,
}

/// The note on a finding (Security Hub keeps the latest one).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FindingNote {
    pub text: String,
    pub updated_by: Option<String>,
    pub updated_at: Option<Epoch>,
}

/// One Security Hub finding (ASFF), as far as triage needs it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Finding {
    pub id: String,
    pub product_arn: String,
    /// "Security Hub", "GuardDuty", "Inspector", "Config", …
    pub product_name: String,
    pub generator_id: String,
    pub title: String,
    pub description: Option<String>,
    pub severity: Severity,
    /// ASFF finding types, e.g. `Software and Configuration Checks/Industry and Regulatory Standards`.
    pub types: Vec<String>,
    pub account: String,
    pub region: String,
    pub resources: Vec<FindingResource>,
    pub workflow: WorkflowStatus,
    pub record_state: RecordState,
    /// PASSED, FAILED, WARNING, NOT_AVAILABLE (control findings only).
    pub compliance: Option<String>,
    /// The security control, e.g. `EC2.19` (control findings only).
    pub control_id: Option<String>,
    /// Standards the control belongs to (`standards/aws-foundational-security-best-practices/v/1.0.0`).
    pub standards: Vec<String>,
    pub remediation_text: Option<String>,
    pub remediation_url: Option<String>,
    pub first_seen: Option<Epoch>,
    pub last_seen: Option<Epoch>,
    pub updated_at: Option<Epoch>,
    pub note: Option<FindingNote>,
}

impl Finding {
    /// The first resource's type, or "-".
    pub fn resource_type(&self) -> &str {
        self.resources
            .first()
            .map_or("-", |r| r.resource_type.as_str())
    }

    /// The first resource's id, or "-".
    pub fn resource_id(&self) -> &str {
        self.resources.first().map_or("-", |r| r.id.as_str())
    }

    /// The control id, or the last segment of the generator id.
    pub fn control(&self) -> &str {
        match &self.control_id {
            Some(c) => c,
            None => self
                .generator_id
                .rsplit('/')
                .next()
                .unwrap_or(&self.generator_id),
        }
    }

    /// The most specific type (last `/` segment of the first type), or "-".
    pub fn kind(&self) -> &str {
        self.types
            .first()
            .and_then(|t| t.rsplit('/').next())
            .unwrap_or("-")
    }

    /// Last seen, else updated, else first seen.
    pub fn seen(&self) -> Option<Epoch> {
        self.last_seen.or(self.updated_at).or(self.first_seen)
    }

    /// What `BatchUpdateFindings` needs to name this finding.
    pub fn reference(&self) -> FindingRef {
        FindingRef {
            id: self.id.clone(),
            product_arn: self.product_arn.clone(),
        }
    }
}

/// A Security Hub finding identifier (`AwsSecurityFindingIdentifier`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FindingRef {
    pub id: String,
    pub product_arn: String,
}

/// An enabled standard subscription (`GetEnabledStandards`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnabledStandard {
    /// `arn:aws:securityhub:…:standards/aws-foundational-security-best-practices/v/1.0.0`.
    pub standards_arn: String,
    pub subscription_arn: String,
    /// READY, PENDING, INCOMPLETE, DELETING, FAILED.
    pub status: String,
}

impl EnabledStandard {
    /// `standards/<name>/v/<version>` (or CIS 1.2's `ruleset/…`): the part control
    /// findings reference in `Compliance.AssociatedStandards`; else the whole ARN.
    pub fn standards_id(&self) -> &str {
        let arn = &self.standards_arn;
        ["standards/", "ruleset/"]
            .iter()
            .find_map(|p| arn.find(p))
            .and_then(|i| arn.get(i..))
            .unwrap_or(arn)
    }

    /// A readable name: "AWS Foundational Security Best Practices v1.0.0", "CIS AWS Foundations Benchmark v1.4.0".
    pub fn display_name(&self) -> String {
        let id = self.standards_id();
        let mut parts = id.split('/').skip(1);
        let name = parts.next().unwrap_or(id);
        let version = parts.nth(1);
        let pretty = match name {
            "aws-foundational-security-best-practices" => {
                "AWS Foundational Security Best Practices".to_string()
            }
            "cis-aws-foundations-benchmark" => "CIS AWS Foundations Benchmark".to_string(),
            "pci-dss" => "PCI DSS".to_string(),
            "nist-800-53" => "NIST SP 800-53".to_string(),
            other => other.replace('-', " "),
        };
        match version {
            Some(v) => format!("{pretty} v{v}"),
            None => pretty,
        }
    }
}

/// A GuardDuty detector (`ListDetectors` + `GetDetector`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Detector {
    pub id: String,
    /// ENABLED or DISABLED.
    pub status: String,
    pub finding_publishing_frequency: Option<String>,
    pub updated_at: Option<Epoch>,
}

impl Detector {
    /// True when the detector is enabled.
    pub fn enabled(&self) -> bool {
        self.status.eq_ignore_ascii_case("ENABLED")
    }
}

/// What a GuardDuty finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ThreatResource {
    /// An ECS task (with its cluster).
    EcsTask { cluster: String, task_arn: String },
    /// An ECS cluster without a task.
    EcsCluster { cluster: String },
    /// An IAM access key.
    AccessKey {
        access_key_id: String,
        user_name: String,
    },
    /// One or more S3 buckets.
    S3Bucket { name: String },
    /// An EC2 instance.
    Instance { instance_id: String },
    /// Anything else: the resource type as GuardDuty names it.
    Other { resource_type: String },
    #[default]
    Unknown,
}

impl ThreatResource {
    /// A short "kind id" label for lists.
    pub fn label(&self) -> String {
        match self {
            ThreatResource::EcsTask { task_arn, .. } => {
                format!("ECS task {}", super::last_segment(task_arn))
            }
            ThreatResource::EcsCluster { cluster } => {
                format!("ECS cluster {}", super::last_segment(cluster))
            }
            ThreatResource::AccessKey {
                access_key_id,
                user_name,
            } => format!("IAM key {access_key_id} ({user_name})"),
            ThreatResource::S3Bucket { name } => format!("S3 {name}"),
            ThreatResource::Instance { instance_id } => format!("EC2 {instance_id}"),
            ThreatResource::Other { resource_type } => resource_type.clone(),
            ThreatResource::Unknown => "-".to_string(),
        }
    }
}

/// One GuardDuty finding (`GetFindings`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ThreatFinding {
    pub id: String,
    pub detector_id: String,
    /// e.g. `CryptoCurrency:Runtime/BitcoinTool.B`.
    pub finding_type: String,
    /// GuardDuty's numeric severity (1–10).
    pub severity_score: f64,
    pub title: String,
    pub description: Option<String>,
    pub resource: ThreatResource,
    pub count: i32,
    pub account: String,
    pub region: String,
    pub first_seen: Option<Epoch>,
    pub last_seen: Option<Epoch>,
    pub archived: bool,
}

impl ThreatFinding {
    /// The severity band of the numeric score.
    pub fn severity(&self) -> Severity {
        Severity::from_guardduty(self.severity_score)
    }
}

/// One changed ASFF field of a finding history record (`FindingHistoryUpdate`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldChange {
    /// The ASFF field, e.g. `Workflow.Status`, `Note.Text`, `Severity.Label`.
    pub field: String,
    pub old: Option<String>,
    /// Security Hub omits it when the record is too large.
    pub new: Option<String>,
}

impl FieldChange {
    /// True for the note's text (shown in full, wrapped).
    pub fn is_note(&self) -> bool {
        self.field.eq_ignore_ascii_case("Note.Text") || self.field.eq_ignore_ascii_case("Note")
    }
}

/// One change event of a Security Hub finding (`GetFindingHistory` record).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FindingHistoryRecord {
    pub at: Option<Epoch>,
    /// `BATCH_IMPORT_FINDINGS` (the product) or `BATCH_UPDATE_FINDINGS` (a person or tool).
    pub source_type: String,
    /// Who: the product ARN, or the caller's ARN for `BatchUpdateFindings`.
    pub identity: Option<String>,
    /// The record marks the finding's creation.
    pub created: bool,
    pub changes: Vec<FieldChange>,
}

impl FindingHistoryRecord {
    /// "imported by …" / "updated by …": who made the change, shortly.
    pub fn who(&self) -> String {
        let verb = match self.source_type.as_str() {
            "BATCH_IMPORT_FINDINGS" => "import",
            "BATCH_UPDATE_FINDINGS" => "update",
            "" => "?",
            other => other,
        };
        match &self.identity {
            Some(id) => format!("{verb} by {}", super::last_segment(id)),
            None => verb.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_most_severe_first() {
        assert!(Severity::Critical < Severity::High);
        assert_eq!(Severity::from_label("high"), Severity::High);
        assert_eq!(Severity::from_label("bogus"), Severity::Informational);
        assert_eq!(Severity::parse("crit"), Some(Severity::Critical));
        assert_eq!(Severity::parse("x"), None);
        assert_eq!(Severity::from_guardduty(8.0), Severity::High);
        assert_eq!(Severity::from_guardduty(9.5), Severity::Critical);
        assert_eq!(Severity::from_guardduty(5.0), Severity::Medium);
        assert_eq!(Severity::from_guardduty(2.0), Severity::Low);
        assert_eq!(Severity::from_guardduty(f64::NAN), Severity::Informational);
    }

    #[test]
    fn empty_finding_has_safe_accessors() {
        let f = Finding::default();
        assert_eq!(f.resource_type(), "-");
        assert_eq!(f.resource_id(), "-");
        assert_eq!(f.control(), "");
        assert_eq!(f.kind(), "-");
        assert_eq!(f.seen(), None);
    }

    #[test]
    fn standards_have_readable_names() {
        let s = EnabledStandard {
            standards_arn:
                "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"
                    .into(),
            ..Default::default()
        };
        assert_eq!(
            s.standards_id(),
            "standards/aws-foundational-security-best-practices/v/1.0.0"
        );
        assert_eq!(
            s.display_name(),
            "AWS Foundational Security Best Practices v1.0.0"
        );
        let cis = EnabledStandard {
            standards_arn: "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
                .into(),
            ..Default::default()
        };
        assert_eq!(
            cis.standards_id(),
            "ruleset/cis-aws-foundations-benchmark/v/1.2.0"
        );
        assert_eq!(cis.display_name(), "CIS AWS Foundations Benchmark v1.2.0");
        assert_eq!(EnabledStandard::default().display_name(), "");
    }
}
