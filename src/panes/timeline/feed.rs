//! The timeline's feeds: where an event came from, each fetched (and failing) on its own.

/// One feed of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Feed {
    /// ECS deployments, rollout states, service events and task-definition changes.
    Deployments,
    /// CloudWatch alarm state changes (`DescribeAlarmHistory`).
    Alarms,
    /// CloudTrail management events touching the environment's resources.
    CloudTrail,
    /// Security Hub and GuardDuty findings, first seen.
    Findings,
    /// Application Auto Scaling activities of the services.
    Scaling,
    /// RDS events of the environment's database.
    Database,
    /// Operator actions from the audit log: runbook runs, triage, break-glass.
    Operators,
}

impl Feed {
    /// Every feed, in the order the filter cycles through them.
    pub const ALL: [Feed; 7] = [
        Feed::Deployments,
        Feed::Alarms,
        Feed::CloudTrail,
        Feed::Findings,
        Feed::Scaling,
        Feed::Database,
        Feed::Operators,
    ];

    /// A short column label.
    pub fn label(self) -> &'static str {
        match self {
            Feed::Deployments => "deploy",
            Feed::Alarms => "alarm",
            Feed::CloudTrail => "trail",
            Feed::Findings => "finding",
            Feed::Scaling => "scaling",
            Feed::Database => "rds",
            Feed::Operators => "operator",
        }
    }

    /// What it reads, for status lines and error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Feed::Deployments => "ECS deployments and service events",
            Feed::Alarms => "CloudWatch alarm history",
            Feed::CloudTrail => "CloudTrail management events",
            Feed::Findings => "Security Hub and GuardDuty findings",
            Feed::Scaling => "Application Auto Scaling activities",
            Feed::Database => "RDS events",
            Feed::Operators => "the audit log",
        }
    }

    /// The feed labelled `label` (case-insensitive), for `--source`.
    pub fn from_label(label: &str) -> Option<Feed> {
        Feed::ALL
            .into_iter()
            .find(|f| f.label().eq_ignore_ascii_case(label.trim()))
    }
}
