//! `HistoryRead` for [`SimCloud`]: what happened over a window (alarm history, CloudTrail,
//! RDS events, scaling activities).

use async_trait::async_trait;

use super::SimCloud;
use crate::cloud::{
    AlarmTransition, CloudError, CloudResult, DbEvent, HistoryRead, Listing, ScalingActivity,
    TrailEvent, Window,
};

#[async_trait]
impl HistoryRead for SimCloud {
    async fn alarm_history(
        &self,
        _prefix: &str,
        _window: Window,
    ) -> CloudResult<Listing<AlarmTransition>> {
        Err(CloudError::Unsupported("alarm history".into()))
    }

    async fn trail_events(
        &self,
        _resources: &[String],
        _window: Window,
    ) -> CloudResult<Listing<TrailEvent>> {
        Err(CloudError::Unsupported("CloudTrail events".into()))
    }

    async fn db_events(&self, _instance: &str, _window: Window) -> CloudResult<Vec<DbEvent>> {
        Err(CloudError::Unsupported("RDS events".into()))
    }

    async fn scaling_activities(
        &self,
        _cluster: &str,
        _service: &str,
        _window: Window,
    ) -> CloudResult<Vec<ScalingActivity>> {
        Err(CloudError::Unsupported("scaling activities".into()))
    }
}
