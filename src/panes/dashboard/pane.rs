//! The dashboard behind the pane interface: its schedule, results (judged on arrival),
//! keys and help lines.

use std::collections::HashMap;

use crossterm::event::KeyEvent;

use super::sources::{DashboardFetched, DashboardSource};
use super::state::DashboardState;
use crate::cloud::Epoch;
use crate::panes::kit::{BindingGroup, PaneCtx, PaneState, Reply, Schedule, b};

/// The dashboard's keys, as the help popup lists them.
pub const HELP: BindingGroup = BindingGroup {
    title: "Dashboard pane",
    bindings: &[b(
        "t  T",
        "time range: longer / shorter (15m 1h 3h 12h 24h 7d)",
    )],
};

impl PaneState for DashboardState {
    type Source = DashboardSource;
    type Fetched = DashboardFetched;

    fn requested(&self) -> &HashMap<DashboardSource, Epoch> {
        &self.requested
    }

    fn requested_mut(&mut self) -> &mut HashMap<DashboardSource, Epoch> {
        &mut self.requested
    }

    fn due(&self, ctx: &PaneCtx, schedule: &Schedule<DashboardSource>) -> Vec<DashboardSource> {
        self.due_sources(
            schedule,
            ctx.env,
            &ctx.config.project,
            ctx.refresh_seconds(),
        )
    }

    fn mark_loading(&mut self, source: &DashboardSource) {
        self.mark_source_loading(source);
    }

    fn apply(&mut self, fetched: DashboardFetched, ctx: &PaneCtx) -> Reply<DashboardSource> {
        self.store(fetched, ctx.now);
        self.judge(ctx.env, &ctx.config.thresholds);
        Reply::handled()
    }

    fn on_key(&mut self, key: KeyEvent, ctx: &PaneCtx) -> Reply<DashboardSource> {
        if !self.handle_key(key) {
            return Reply::ignored();
        }
        // A new range is fetched at once (the old range's data is not its data).
        let schedule = Schedule {
            now: ctx.now,
            last_requested: &self.requested,
            force: false,
        };
        let fetch: Vec<DashboardSource> = self
            .due(ctx, &schedule)
            .into_iter()
            .filter(|s| matches!(s, DashboardSource::Metrics(_) | DashboardSource::Errors(_)))
            .collect();
        let mut reply = Reply::handled();
        reply.fetch = fetch;
        reply
    }

    fn data_age(&self, now: Epoch) -> Option<i64> {
        self.metrics.age(now).max(self.alarms.age(now))
    }

    fn loading(&self) -> bool {
        self.metrics.loading
            || self.alarms.loading
            || self.errors.loading
            || self.services.loading
            || self.load_balancer.loading
            || self.database.loading
    }

    fn help(&self) -> BindingGroup {
        HELP
    }
}
