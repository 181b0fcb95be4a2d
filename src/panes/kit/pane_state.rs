//! The pane interface: the one way the loop, the chrome, the help popup and the palette
//! talk to a pane. A pane decides which of its sources are due, applies their results,
//! handles keys before the console's own keys (so it can own `esc`), names its focused
//! list, the age of its data and whether it is loading, and lists its keys for help.

use std::collections::HashMap;
use std::fmt::Debug;
use std::hash::Hash;

use crossterm::event::KeyEvent;

use super::bindings::BindingGroup;
use super::ctx::PaneCtx;
use super::list::ListState;
use super::reply::Reply;
use super::schedule::Schedule;
use crate::cloud::Epoch;

/// One pane's state and behaviour.
pub trait PaneState {
    /// What this pane fetches (one fetch in flight per value).
    type Source: Clone + Eq + Hash + Debug + Send + 'static;
    /// A finished fetch, carrying the source key it was made for.
    type Fetched: Debug + Send + 'static;

    /// When each source was last requested.
    fn requested(&self) -> &HashMap<Self::Source, Epoch>;
    /// The same, to record a request.
    fn requested_mut(&mut self) -> &mut HashMap<Self::Source, Epoch>;
    /// Sources due under `schedule`.
    fn due(&self, ctx: &PaneCtx, schedule: &Schedule<Self::Source>) -> Vec<Self::Source>;
    /// Note that `source` is being fetched.
    fn mark_loading(&mut self, source: &Self::Source);
    /// Store a finished fetch; derived views are recomputed here, not when drawing.
    fn apply(&mut self, fetched: Self::Fetched, ctx: &PaneCtx) -> Reply<Self::Source>;
    /// A key while this pane is shown; `Reply::ignored()` lets the console's keys apply.
    fn on_key(&mut self, key: KeyEvent, ctx: &PaneCtx) -> Reply<Self::Source>;
    /// True while the pane takes every key (a popup, a form, typed text).
    fn captures_keys(&self) -> bool {
        false
    }
    /// The list the `/` filter acts on, if any.
    fn focused_list(&mut self) -> Option<&mut ListState> {
        None
    }
    /// Called after the focused list's filter changed (recompute derived views).
    fn filter_changed(&mut self) {}
    /// Age in seconds of the oldest data the pane shows.
    fn data_age(&self, now: Epoch) -> Option<i64>;
    /// True while one of the pane's sources is being fetched.
    fn loading(&self) -> bool;
    /// False for a pane without sources of its own (no data age to show).
    fn fetches(&self) -> bool {
        true
    }
    /// The keys this pane handles, for the help popup.
    fn help(&self) -> BindingGroup;
    /// The pane is being left (or its environment): sources to send on the way out
    /// (e.g. stopping a running query).
    fn leave(&mut self, _ctx: &PaneCtx) -> Vec<Self::Source> {
        Vec::new()
    }

    /// The operator asked for a refresh (`r`): forget "not now" answers and the like.
    fn refreshed(&mut self) {}

    /// The due sources, recorded as requested at `ctx.now` and marked loading.
    fn poll(&mut self, ctx: &PaneCtx, force: bool) -> Vec<Self::Source> {
        if force {
            self.refreshed();
        }
        let due = {
            let schedule = Schedule {
                now: ctx.now,
                last_requested: self.requested(),
                force,
            };
            self.due(ctx, &schedule)
        };
        for s in &due {
            self.requested_mut().insert(s.clone(), ctx.now);
            self.mark_loading(s);
        }
        due
    }

    /// Record `sources` (asked for outside the schedule) as requested and loading.
    fn record_fetches(&mut self, ctx: &PaneCtx, sources: &[Self::Source]) {
        for s in sources {
            self.requested_mut().insert(s.clone(), ctx.now);
            self.mark_loading(s);
        }
    }
}
