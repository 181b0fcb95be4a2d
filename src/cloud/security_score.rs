//! Posture arithmetic: pass/fail scores per enabled standard from control findings'
//! compliance status, and severity counts across Security Hub and GuardDuty (lower bounds
//! when a listing was cut short).

use std::collections::{BTreeMap, HashSet};

use super::security::{EnabledStandard, Finding, Severity, ThreatFinding, WorkflowStatus};

/// How one enabled standard's controls stand.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StandardScore {
    pub standard: EnabledStandard,
    /// Controls whose every finding PASSED.
    pub passed: usize,
    /// Controls with at least one FAILED finding.
    pub failed: usize,
    /// Controls with only WARNING / NOT_AVAILABLE findings.
    pub unknown: usize,
}

impl StandardScore {
    /// Passed controls as a whole percentage of passed + failed (None when nothing was checked).
    pub fn percent(&self) -> Option<u8> {
        let checked = self.passed + self.failed;
        (checked > 0).then(|| ((self.passed * 100 + checked / 2) / checked).min(100) as u8)
    }
}

/// True when control finding `f` belongs to `standard` (by its associated standards, or
/// by a generator id under the standard for findings without consolidated controls).
fn belongs(f: &Finding, standard: &EnabledStandard) -> bool {
    let id = standard.standards_id();
    let bare = id
        .strip_prefix("standards/")
        .or_else(|| id.strip_prefix("ruleset/"))
        .unwrap_or(id);
    f.standards.iter().any(|s| s == id || s.ends_with(id))
        || (!bare.is_empty() && f.generator_id.contains(bare))
}

/// The score of each standard, in the order given, from control findings.
pub fn score_standards(standards: &[EnabledStandard], controls: &[Finding]) -> Vec<StandardScore> {
    standards
        .iter()
        .map(|standard| {
            // control → (any failed, any passed)
            let mut by_control: BTreeMap<&str, (bool, bool)> = BTreeMap::new();
            for f in controls.iter().filter(|f| belongs(f, standard)) {
                let Some(status) = f.compliance.as_deref() else {
                    continue;
                };
                let entry = by_control.entry(f.control()).or_default();
                match status {
                    "FAILED" => entry.0 = true,
                    "PASSED" => entry.1 = true,
                    _ => {}
                }
            }
            let mut score = StandardScore {
                standard: standard.clone(),
                ..Default::default()
            };
            for (failed, passed) in by_control.values() {
                match (failed, passed) {
                    (true, _) => score.failed += 1,
                    (false, true) => score.passed += 1,
                    (false, false) => score.unknown += 1,
                }
            }
            score
        })
        .collect()
}

/// Findings per severity, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SeverityCounts(pub [usize; 5]);

impl SeverityCounts {
    /// Count `severities`.
    pub fn of(severities: impl IntoIterator<Item = Severity>) -> SeverityCounts {
        let mut c = SeverityCounts::default();
        for s in severities {
            c.add(s);
        }
        c
    }

    /// Count one more finding of severity `s`.
    pub fn add(&mut self, s: Severity) {
        if let Some(slot) = self.0.get_mut(s as usize) {
            *slot += 1;
        }
    }

    /// Findings of severity `s`.
    pub fn get(&self, s: Severity) -> usize {
        self.0.get(s as usize).copied().unwrap_or(0)
    }

    /// All findings counted.
    pub fn total(&self) -> usize {
        self.0.iter().sum()
    }

    /// Findings at or above `min`.
    pub fn at_least(&self, min: Severity) -> usize {
        Severity::ALL
            .into_iter()
            .filter(|s| *s <= min)
            .map(|s| self.get(s))
            .sum()
    }
}

/// Severity counts of open findings across both sources: Security Hub findings that are
/// active and not resolved or muted, plus GuardDuty findings that are not archived and
/// not already in Security Hub (GuardDuty forwards its findings there; the Security Hub
/// id ends with `/finding/<guardduty id>`).
pub fn open_counts(findings: &[Finding], threats: &[ThreatFinding]) -> SeverityCounts {
    HubCounts::of(findings).with_threats(threats)
}

/// What the open counts need of a Security Hub listing, without keeping the listing: its
/// open findings by severity and the GuardDuty ids it already holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HubCounts {
    pub open: SeverityCounts,
    forwarded: HashSet<String>,
}

impl HubCounts {
    /// The counts of `findings`.
    pub fn of(findings: &[Finding]) -> HubCounts {
        HubCounts {
            open: SeverityCounts::of(findings.iter().filter(|f| is_open(f)).map(|f| f.severity)),
            forwarded: findings
                .iter()
                .filter_map(|f| f.id.rsplit_once("/finding/").map(|(_, id)| id.to_string()))
                .collect(),
        }
    }

    /// These counts plus the open GuardDuty findings not forwarded to Security Hub.
    pub fn with_threats(&self, threats: &[ThreatFinding]) -> SeverityCounts {
        let mut counts = self.open;
        for t in threats.iter().filter(|t| !t.archived) {
            if !self.forwarded.contains(t.id.as_str()) {
                counts.add(t.severity());
            }
        }
        counts
    }
}

/// Open findings by severity, and whether every finding behind them was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenCounts {
    pub counts: SeverityCounts,
    /// False when a listing was cut short: each count is at least what it says (more
    /// findings exist unread; counting them can only add).
    pub complete: bool,
}

/// Active, and NEW or NOTIFIED (neither resolved nor muted), and not a PASSED control.
pub fn is_open(f: &Finding) -> bool {
    f.record_state == super::security::RecordState::Active
        && matches!(f.workflow, WorkflowStatus::New | WorkflowStatus::Notified)
        && f.compliance.as_deref() != Some("PASSED")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FSBP: &str =
        "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0";
    const FSBP_ID: &str = "standards/aws-foundational-security-best-practices/v/1.0.0";

    fn control(id: &str, status: &str) -> Finding {
        Finding {
            control_id: Some(id.into()),
            compliance: Some(status.into()),
            standards: vec![FSBP_ID.into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_control_fails_if_any_finding_fails() {
        let standards = vec![
            EnabledStandard {
                standards_arn: FSBP.into(),
                ..Default::default()
            },
            EnabledStandard {
                standards_arn:
                    "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0".into(),
                ..Default::default()
            },
        ];
        let mut cis = control("1.1", "FAILED");
        cis.standards.clear();
        cis.control_id = None;
        cis.generator_id =
            "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.1".into();
        let findings = vec![
            control("EC2.19", "FAILED"),
            control("EC2.19", "PASSED"),
            control("S3.8", "FAILED"),
            control("IAM.4", "PASSED"),
            control("RDS.3", "PASSED"),
            control("ECS.2", "PASSED"),
            control("Config.1", "NOT_AVAILABLE"),
            Finding::default(),
            cis,
        ];
        let scores = score_standards(&standards, &findings);
        assert_eq!(
            (scores[0].passed, scores[0].failed, scores[0].unknown),
            (3, 2, 1)
        );
        assert_eq!(scores[0].percent(), Some(60));
        assert_eq!((scores[1].passed, scores[1].failed), (0, 1));
        assert_eq!(scores[1].percent(), Some(0));
        assert_eq!(StandardScore::default().percent(), None);
    }

    #[test]
    fn open_counts_skip_duplicates_muted_and_archived() {
        let sh = vec![
            Finding {
                id: "arn:aws:guardduty:us-east-1:1:detector/d/finding/gd1".into(),
                severity: Severity::High,
                ..Default::default()
            },
            Finding {
                severity: Severity::Critical,
                workflow: WorkflowStatus::Suppressed,
                ..Default::default()
            },
            control("EC2.19", "FAILED"),
            Finding {
                severity: Severity::Critical,
                ..control("IAM.4", "PASSED")
            },
        ];
        let gd = vec![
            ThreatFinding {
                id: "gd1".into(),
                severity_score: 8.0,
                ..Default::default()
            },
            ThreatFinding {
                id: "gd2".into(),
                severity_score: 9.1,
                ..Default::default()
            },
            ThreatFinding {
                id: "gd3".into(),
                severity_score: 8.0,
                archived: true,
                ..Default::default()
            },
        ];
        let c = open_counts(&sh, &gd);
        assert_eq!(c.get(Severity::Critical), 1);
        assert_eq!(c.get(Severity::High), 1);
        assert_eq!(c.get(Severity::Informational), 1);
        assert_eq!(c.total(), 3);
        assert_eq!(c.at_least(Severity::High), 2);
    }
}
