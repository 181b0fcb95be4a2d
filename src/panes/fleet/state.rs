//! State of the fleet pane: one slot per configured environment (in config order) with
//! its last reading and the row derived from it on arrival, the cursor and `/` filter,
//! and the counts the title shows.

use std::collections::HashMap;

use super::gather::EnvReading;
use super::row::FleetRow;
use super::sources::{FleetFetched, FleetSource};
use crate::cloud::{CloudError, Epoch};
use crate::config::Config;
use crate::level::Level;
use crate::panes::kit::{ListState, Loadable, Schedule};

/// One environment's place in the fleet.
#[derive(Debug, Clone, Default)]
pub struct FleetSlot {
    pub env: String,
    pub protected: bool,
    /// The last answer (`error`: the whole read failed).
    pub reading: Loadable<EnvReading>,
    /// Derived from the last answer; `None` before the first.
    pub row: Option<FleetRow>,
}

/// How many rows stand where (the title's counts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FleetCounts {
    pub critical: usize,
    pub warning: usize,
    pub ok: usize,
    /// Read, but something could not be read.
    pub unknown: usize,
    /// Not read yet.
    pub waiting: usize,
}

/// Everything the fleet pane shows.
#[derive(Debug, Clone, Default)]
pub struct FleetState {
    pub slots: Vec<FleetSlot>,
    pub list: ListState,
    /// Indexes of the slots the filter lets through, in config order.
    pub visible: Vec<usize>,
    pub counts: FleetCounts,
    /// Environments read at once (shown in the title).
    pub concurrency: usize,
    pub requested: HashMap<FleetSource, Epoch>,
}

impl FleetState {
    /// A slot for every environment of `config`.
    pub fn for_config(config: &Config) -> FleetState {
        let mut s = FleetState {
            slots: config
                .environments
                .iter()
                .map(|e| FleetSlot {
                    env: e.name.clone(),
                    protected: e.protected,
                    ..FleetSlot::default()
                })
                .collect(),
            concurrency: config.fleet_concurrency,
            ..FleetState::default()
        };
        s.refresh_rows();
        s
    }

    /// Store an answer and derive its row.
    pub fn store(&mut self, fetched: FleetFetched, now: Epoch) {
        let Some(slot) = self.slots.iter_mut().find(|s| s.env == fetched.env) else {
            return;
        };
        match fetched.result {
            Ok(reading) => {
                slot.row = Some(FleetRow::from_reading(&reading));
                slot.reading.set(Ok(*reading), now);
            }
            Err(e) => {
                slot.row = Some(FleetRow::failed(&fetched.env, &e));
                slot.reading.set(Err(e), now);
            }
        }
        self.refresh_rows();
    }

    /// Mark `env` as being read.
    pub fn mark_loading(&mut self, env: &str) {
        if let Some(slot) = self.slots.iter_mut().find(|s| s.env == env) {
            slot.reading.loading = true;
        }
    }

    /// Recompute the visible rows and counts (after an answer or a filter change).
    pub fn refresh_rows(&mut self) {
        let list = &self.list;
        self.visible = self
            .slots
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                let row = s.row.as_ref();
                let account = row
                    .and_then(|r| r.identity.as_ref().ok())
                    .map_or("", |i| i.account.as_str());
                let problem = row.and_then(|r| r.problem.as_deref()).unwrap_or("");
                list.matches(&[&s.env, account, problem])
            })
            .map(|(i, _)| i)
            .collect();
        let mut counts = FleetCounts::default();
        for s in &self.slots {
            match s.row.as_ref().map(|r| r.level) {
                None => counts.waiting += 1,
                Some(Level::Critical) => counts.critical += 1,
                Some(Level::Warning) => counts.warning += 1,
                Some(Level::Ok) => counts.ok += 1,
                Some(Level::Unknown) => counts.unknown += 1,
            }
        }
        self.counts = counts;
    }

    /// The slot under the cursor.
    pub fn selected(&self) -> Option<&FleetSlot> {
        let i = *self
            .visible
            .get(self.list.cursor.min(self.visible.len().saturating_sub(1)))?;
        self.slots.get(i)
    }

    /// Sources due under `schedule` every `interval` seconds.
    pub fn due_sources(&self, schedule: &Schedule<FleetSource>, interval: i64) -> Vec<FleetSource> {
        self.slots
            .iter()
            .map(|s| (FleetSource::Env(s.env.clone()), s.reading.error.as_ref()))
            .filter(|(source, error)| schedule.is_due(source, *error, interval))
            .map(|(source, _)| source)
            .collect()
    }

    /// Age in seconds of the oldest row's data.
    pub fn data_age(&self, now: Epoch) -> Option<i64> {
        self.slots
            .iter()
            .filter_map(|s| s.row.as_ref()?.read_at.map(|t| (now - t).max(0)))
            .max()
    }

    /// True while any environment is being read.
    pub fn loading(&self) -> bool {
        self.slots.iter().any(|s| s.reading.loading)
    }

    /// The error of the whole read of `env`, if it failed.
    pub fn error_of(&self, env: &str) -> Option<&CloudError> {
        self.slots
            .iter()
            .find(|s| s.env == env)
            .and_then(|s| s.reading.error.as_ref())
    }
}
