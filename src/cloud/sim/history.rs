//! `HistoryRead` for [`SimCloud`]: what happened over a window, derived from what the sim
//! already shows — alarm transitions from the alarms' own states ([`super::alarm_history`]),
//! CloudTrail from the scripted deploys and the world's write log ([`super::trail`]), RDS
//! events from nightly backups and the data writes ([`super::db_events`]), scaling
//! activities from desired-count writes ([`super::scaling`]). Each read fails on its own
//! (`SimSource::AlarmHistory`, `TrailEvents`, `DbEvents`, `ScalingActivities`).

use async_trait::async_trait;

use super::source::SimSource;
use super::{SimCloud, alarm_history, db_events, scaling, trail};
use crate::cloud::{
    AlarmTransition, CloudResult, DbEvent, HistoryRead, Listing, ScalingActivity, TrailEvent,
    Window,
};

#[async_trait]
impl HistoryRead for SimCloud {
    async fn alarm_history(
        &self,
        prefix: &str,
        window: Window,
    ) -> CloudResult<Listing<AlarmTransition>> {
        self.world.check(SimSource::AlarmHistory)?;
        let items = alarm_history::transitions(
            self.world.seed(),
            &self.incident_clock(),
            &self.profile,
            prefix,
            window,
            self.world.now(),
        );
        Ok(self.world.listing(SimSource::AlarmHistory, items))
    }

    async fn trail_events(
        &self,
        resources: &[String],
        window: Window,
    ) -> CloudResult<Listing<TrailEvent>> {
        self.world.check(SimSource::TrailEvents)?;
        let writes = self.world.logged_writes(&self.profile.name);
        let items = trail::events(self.ctx(), &writes, resources, window, self.world.now());
        Ok(self.world.listing(SimSource::TrailEvents, items))
    }

    async fn db_events(&self, instance: &str, window: Window) -> CloudResult<Vec<DbEvent>> {
        self.world.check(SimSource::DbEvents)?;
        if instance != self.db_id() {
            // RDS answers an empty list for a source identifier it does not know.
            return Ok(Vec::new());
        }
        let writes = self.world.logged_writes(&self.profile.name);
        Ok(db_events::events(
            self.world.seed(),
            instance,
            &writes,
            window,
            self.world.now(),
        ))
    }

    async fn scaling_activities(
        &self,
        cluster: &str,
        service: &str,
        window: Window,
    ) -> CloudResult<Vec<ScalingActivity>> {
        self.world.check(SimSource::ScalingActivities)?;
        if !self.profile.is_cluster(cluster) {
            return Ok(Vec::new());
        }
        let (now, ops) = self.world.snapshot(&self.profile.name);
        Ok(scaling::activities(
            &self.profile,
            &ops,
            service,
            window,
            now,
        ))
    }
}
