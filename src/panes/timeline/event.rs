//! One event of the timeline: when, which feed, what kind, on which resource, who did
//! it, a one-line summary and every field for the detail view.

use serde::Serialize;

use super::feed::Feed;
use crate::cloud::Epoch;
use crate::level::Level;

/// What an event is, as far as the suspect search and the postmortem care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A deployment started (a new task-definition revision or a forced redeploy).
    DeployStarted,
    /// A deployment's rollout state changed (completed, failed).
    DeployState,
    /// A rollback (circuit breaker or operator).
    Rollback,
    /// An ECS service event message.
    ServiceEvent,
    /// An alarm went to ALARM.
    AlarmRaised,
    /// An alarm left ALARM.
    AlarmCleared,
    /// Another alarm state change (to or from INSUFFICIENT_DATA).
    AlarmOther,
    /// A management API call that changed something (CloudTrail).
    ConfigChange,
    /// A finding was first seen.
    Finding,
    /// A scaling activity.
    Scaling,
    /// An RDS event.
    Database,
    /// An operator's runbook step or write (audit log).
    Operator,
}

impl EventKind {
    /// True for changes a suspect can be: a deployment or a configuration change.
    pub fn is_change(self) -> bool {
        matches!(self, EventKind::DeployStarted | EventKind::ConfigChange)
    }
}

/// Where `enter`'s jump key takes the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "pane", content = "id", rename_all = "snake_case")]
pub enum Jump {
    /// The ECS pane, this service selected.
    Service(String),
    /// The Security pane, filtered by this text (the finding's title or type).
    Finding(String),
    /// The Runbooks pane.
    Runbooks,
}

/// A task-definition revision a deployment moved to, and the one it replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevisionChange {
    pub service: String,
    pub family: String,
    pub revision: i32,
    /// The revision running before, when known.
    pub previous: Option<i32>,
}

/// One timeline event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEvent {
    pub at: Epoch,
    pub feed: Feed,
    pub kind: EventKind,
    /// The service, alarm, resource, finding or runbook it is about.
    pub resource: String,
    pub summary: String,
    /// Who did it, when the feed says (CloudTrail user, audit caller).
    pub actor: Option<String>,
    #[serde(skip)]
    pub level: Level,
    /// Every field, for the detail view, `--json` and the postmortem.
    pub detail: Vec<(String, String)>,
    pub jump: Option<Jump>,
    /// For deployments: the revision moved to and from (what a rollback would undo).
    pub revision: Option<RevisionChange>,
}

impl TimelineEvent {
    /// An event with no actor, detail, jump or revision.
    pub fn new(
        at: Epoch,
        feed: Feed,
        kind: EventKind,
        resource: impl Into<String>,
        summary: impl Into<String>,
    ) -> TimelineEvent {
        TimelineEvent {
            at,
            feed,
            kind,
            resource: resource.into(),
            summary: summary.into(),
            actor: None,
            level: Level::Ok,
            detail: Vec::new(),
            jump: None,
            revision: None,
        }
    }

    /// The same event at `level`.
    pub fn level(mut self, level: Level) -> TimelineEvent {
        self.level = level;
        self
    }

    /// The same event done by `actor`.
    pub fn by(mut self, actor: Option<String>) -> TimelineEvent {
        self.actor = actor.filter(|a| !a.is_empty());
        self
    }

    /// The same event with one more detail field.
    pub fn with(mut self, key: &str, value: impl Into<String>) -> TimelineEvent {
        self.detail.push((key.to_string(), value.into()));
        self
    }

    /// The same event with a jump target.
    pub fn jump(mut self, jump: Jump) -> TimelineEvent {
        self.jump = Some(jump);
        self
    }
}
