//! The Cost pane behind the pane interface: its questions (through the cache, paid ones
//! only after consent), results, keys and help lines.

use std::collections::HashMap;

use crossterm::event::KeyEvent;

use super::fetch::CostFetch;
use super::sources::CostFetched;
use super::state::{CostState, cost_filter};
use crate::cloud::Epoch;
use crate::panes::kit::{BindingGroup, PaneCtx, PaneState, Reply, Schedule, b};

/// The Cost pane's keys, as the help popup lists them.
pub const HELP: BindingGroup = BindingGroup {
    title: "Cost pane",
    bindings: &[
        b("m", "unblended / amortized cost"),
        b("y  n", "allow paid Cost Explorer requests / not now"),
    ],
};

impl PaneState for CostState {
    type Source = CostFetch;
    type Fetched = CostFetched;

    fn requested(&self) -> &HashMap<CostFetch, Epoch> {
        &self.requested
    }

    fn requested_mut(&mut self) -> &mut HashMap<CostFetch, Epoch> {
        &mut self.requested
    }

    fn due(&self, ctx: &PaneCtx, schedule: &Schedule<CostFetch>) -> Vec<CostFetch> {
        let filter = cost_filter(ctx.env, ctx.identity);
        self.due_questions(schedule, filter.as_ref(), ctx.demo)
    }

    fn mark_loading(&mut self, source: &CostFetch) {
        self.mark_asking(source);
    }

    fn apply(&mut self, fetched: CostFetched, ctx: &PaneCtx) -> Reply<CostFetch> {
        self.store(fetched, ctx.now);
        Reply::handled()
    }

    fn on_key(&mut self, key: KeyEvent, ctx: &PaneCtx) -> Reply<CostFetch> {
        if !self.handle_key(key) {
            return Reply::ignored();
        }
        // Consent or another metric: what is now due is asked at once.
        let mut reply = Reply::handled();
        reply.fetch = self.poll(ctx, false);
        reply
    }

    fn refreshed(&mut self) {
        self.dismissed = false;
    }

    fn data_age(&self, now: Epoch) -> Option<i64> {
        CostState::data_age(self, now)
    }

    fn loading(&self) -> bool {
        self.usage.loading
            || self.forecast_unblended.loading
            || self.forecast_amortized.loading
            || self.anomalies.loading
    }

    fn help(&self) -> BindingGroup {
        HELP
    }
}
