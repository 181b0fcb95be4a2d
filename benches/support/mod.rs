//! The console state the benchmarks draw: prod mid-incident on the simulated account, one
//! pane open, every source it asks for fetched (each answer passed through `shape` first,
//! e.g. to grow a listing) and applied through the reducer.

#[allow(dead_code)]
pub mod large;

use std::sync::Arc;

use opsdeck::app::AppState;
use opsdeck::app::dispatch::{Fetched, Source, run_fetch};
use opsdeck::app::update::{Effect, Event, update};
use opsdeck::cloud::sim::{self, SimClock, SimWorld};
use opsdeck::config::Config;
use opsdeck::panes::Pane;

/// 2026-09-01 00:00 UTC; the incident is 6 minutes in.
pub const T0: i64 = 1_788_220_800;

/// `pane` on prod at T0 + 6 min with its sources fetched (five rounds of follow-ups),
/// every answer passed through `shape`; also the answers as applied.
pub fn loaded_state(pane: Pane, shape: impl Fn(Fetched) -> Fetched) -> (AppState, Vec<Fetched>) {
    let now = T0 + 6 * 60;
    let world = SimWorld::new(42, SimClock::Fixed(now));
    let config = Config::default();
    let env = config.environment("prod").cloned().expect("prod");
    let mut state = AppState::new(config, env, now);
    state.pane = pane;
    let cloud = sim::handle(Arc::clone(&world), "prod", true);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let mut applied = Vec::new();
    let mut effects = update(&mut state, Event::Tick(now));
    for _ in 0..5 {
        let sources: Vec<Source> = effects
            .drain(..)
            .filter_map(|e| match e {
                Effect::Fetch(s) => Some(s),
                _ => None,
            })
            .collect();
        for s in sources {
            let f = shape(rt.block_on(run_fetch(cloud.read.as_ref(), &state.env.clone(), s, now)));
            applied.push(f.clone());
            effects.extend(update(&mut state, Event::Fetched(f)));
        }
    }
    (state, applied)
}

/// This process's resident set in kB (Linux `/proc/self/status` `VmRSS`), if readable.
#[allow(dead_code)]
pub fn rss_kb() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
