//! `HistoryRead` for [`AwsCloud`]: what happened over a window (alarm history, CloudTrail,
//! RDS events, scaling activities), each in its own file.

use async_trait::async_trait;

use super::{AwsCloud, alarm_history, autoscaling, cloudtrail, rds};
use crate::cloud::{
    AlarmTransition, CloudResult, DbEvent, HistoryRead, Listing, ScalingActivity, TrailEvent,
    Window,
};

#[async_trait]
impl HistoryRead for AwsCloud {
    async fn alarm_history(
        &self,
        prefix: &str,
        window: Window,
    ) -> CloudResult<Listing<AlarmTransition>> {
        alarm_history::alarm_history(&self.clients().await.cloudwatch, prefix, window).await
    }

    async fn trail_events(
        &self,
        resources: &[String],
        window: Window,
    ) -> CloudResult<Listing<TrailEvent>> {
        cloudtrail::trail_events(
            &self.clients().await.cloudtrail,
            resources,
            window,
            self.trail_pace,
        )
        .await
    }

    async fn db_events(&self, instance: &str, window: Window) -> CloudResult<Vec<DbEvent>> {
        rds::db_events(&self.clients().await.rds, instance, window).await
    }

    async fn scaling_activities(
        &self,
        cluster: &str,
        service: &str,
        window: Window,
    ) -> CloudResult<Vec<ScalingActivity>> {
        autoscaling::scaling_activities(&self.clients().await.autoscaling, cluster, service, window)
            .await
    }
}
