//! A drill as loaded: the scenario the simulated account plays, and what the operator is
//! expected to do about it (and what would be wrong).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::cloud::sim::{Scenario, SimFault};

/// One fault of a drill: what the simulated account plays, plus what the operator is told.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub sim: SimFault,
    /// A one-line description for the debrief.
    pub title: String,
    /// What `F9` reveals during the drill.
    pub hint: String,
    /// The pane whose opening counts as detecting it (`dashboard`, `security`, …).
    pub detect_pane: String,
}

/// A response the drill expects.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    /// The fault it answers.
    pub fault: String,
    pub runbook: String,
    /// Parameters the run must have had (`*`: any value).
    pub params: BTreeMap<String, String>,
    /// The environment it must run on.
    pub env: String,
    /// Minutes after the fault's onset it must be verified by.
    pub within_minutes: i64,
    pub points: u32,
}

/// An action the drill counts as wrong or risky.
#[derive(Debug, Clone, PartialEq)]
pub struct Wrong {
    pub runbook: String,
    /// Only on this environment (None: anywhere).
    pub env: Option<String>,
    pub reason: String,
    pub penalty: u32,
}

/// A whole drill file.
#[derive(Debug, Clone, PartialEq)]
pub struct Drill {
    pub name: String,
    pub title: String,
    pub description: String,
    /// The environment the console opens on (and the faults' default).
    pub env: String,
    pub duration_minutes: i64,
    pub seed: Option<u64>,
    pub faults: Vec<Fault>,
    pub expected: Vec<Expected>,
    pub wrong: Vec<Wrong>,
    /// Where it was read from (`drills/NAME.toml` for shipped ones).
    pub source: PathBuf,
    /// True for the user's files.
    pub user: bool,
}

/// Points taken off for a write on an environment the drill does not involve.
pub const WRONG_ENV_PENALTY: u32 = 5;

impl Drill {
    /// The scenario the simulated account plays.
    pub fn scenario(&self) -> Scenario {
        Scenario {
            faults: self.faults.iter().map(|f| f.sim.clone()).collect(),
        }
    }

    /// The fault called `id`.
    pub fn fault(&self, id: &str) -> Option<&Fault> {
        self.faults.iter().find(|f| f.sim.id == id)
    }

    /// The environments the drill's faults and responses involve.
    pub fn envs(&self) -> Vec<String> {
        let mut envs: Vec<String> = self
            .faults
            .iter()
            .map(|f| f.sim.env.clone())
            .chain(self.expected.iter().map(|e| e.env.clone()))
            .chain(std::iter::once(self.env.clone()))
            .collect();
        envs.sort();
        envs.dedup();
        envs
    }

    /// The most points a run can score.
    pub fn max_points(&self) -> u32 {
        self.expected.iter().map(|e| e.points).sum()
    }
}
