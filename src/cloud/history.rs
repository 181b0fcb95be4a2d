//! What happened in an environment over a window, as AWS records it: alarm state changes
//! (`DescribeAlarmHistory`), management events (CloudTrail `LookupEvents`), database
//! events (RDS `DescribeEvents`) and service scaling activities (Application Auto Scaling
//! `DescribeScalingActivities`). The timeline merges these with deployments, findings and
//! the audit log; each read fails on its own.

use async_trait::async_trait;

use super::error::CloudResult;
use super::listing::Listing;
use super::metrics::AlarmState;
use super::types::Epoch;

/// A window of time, in epoch seconds, `since` inclusive, `until` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub since: Epoch,
    pub until: Epoch,
}

impl Window {
    /// True when `t` falls in the window.
    pub fn contains(&self, t: Epoch) -> bool {
        t >= self.since && t < self.until
    }
}

/// One state change of a metric alarm (`DescribeAlarmHistory`, `HistoryItemType=StateUpdate`).
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmTransition {
    pub at: Epoch,
    pub alarm: String,
    /// The state before; `None` when the history item did not say.
    pub from: Option<AlarmState>,
    pub to: AlarmState,
    /// The history summary (`Alarm updated from OK to ALARM`) or the state reason.
    pub reason: String,
}

/// One CloudTrail management event (`LookupEvents`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrailEvent {
    pub id: String,
    pub at: Epoch,
    /// The API call (`UpdateService`).
    pub name: String,
    /// The service that recorded it (`ecs.amazonaws.com`).
    pub source: String,
    /// Who made it (`Username`, or the ARN from the event record).
    pub user: Option<String>,
    /// Names or ARNs of the resources the event lists.
    pub resources: Vec<String>,
    pub read_only: bool,
    /// The event's error code when the call failed.
    pub error_code: Option<String>,
}

/// One RDS event (`DescribeEvents`): failover, reboot, storage, backup, ...
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DbEvent {
    pub at: Epoch,
    /// The instance or cluster it is about.
    pub source_id: String,
    pub categories: Vec<String>,
    pub message: String,
}

/// One Application Auto Scaling activity of an ECS service (`DescribeScalingActivities`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScalingActivity {
    pub at: Epoch,
    pub ended_at: Option<Epoch>,
    /// `ecs:service:DesiredCount` resource id: `service/<cluster>/<service>`.
    pub resource_id: String,
    /// Successful, InProgress, Failed, ...
    pub status: String,
    pub description: String,
    pub cause: String,
}

/// Reads of what happened, each over a window, newest or oldest first as AWS returns
/// them (the timeline sorts). Each is `CloudError::Unsupported` where the endpoint lacks it.
#[async_trait]
pub trait HistoryRead: Send + Sync {
    /// `cloudwatch:DescribeAlarmHistory` of state updates of alarms whose name starts with
    /// `prefix` (every page).
    async fn alarm_history(
        &self,
        prefix: &str,
        window: Window,
    ) -> CloudResult<Listing<AlarmTransition>>;
    /// `cloudtrail:LookupEvents` of management events over the window that name one of
    /// `resources` (a `ResourceName` lookup per name; every page; write events only).
    async fn trail_events(
        &self,
        resources: &[String],
        window: Window,
    ) -> CloudResult<Listing<TrailEvent>>;
    /// `rds:DescribeEvents` of one DB instance over the window.
    async fn db_events(&self, instance: &str, window: Window) -> CloudResult<Vec<DbEvent>>;
    /// `application-autoscaling:DescribeScalingActivities` of one ECS service's desired count.
    async fn scaling_activities(
        &self,
        cluster: &str,
        service: &str,
        window: Window,
    ) -> CloudResult<Vec<ScalingActivity>>;
}
