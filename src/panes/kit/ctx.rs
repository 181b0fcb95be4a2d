//! What a pane is told about the console when it decides, applies or handles a key:
//! the environment and config it serves, the time, the mode and who is signed in.

use crate::cloud::{CallerIdentity, Epoch};
use crate::config::{Config, Environment};

/// The console around a pane, borrowed for one call.
#[derive(Debug, Clone, Copy)]
pub struct PaneCtx<'a> {
    pub config: &'a Config,
    pub env: &'a Environment,
    /// The console's clock (the simulated clock in demo mode).
    pub now: Epoch,
    pub read_only: bool,
    pub demo: bool,
    pub identity: Option<&'a CallerIdentity>,
}

impl PaneCtx<'_> {
    /// True when writes on this environment need the typed confirmation.
    pub fn protected(&self) -> bool {
        self.env.protected
    }

    /// A short name of who is signed in, for audit notes ("opsdeck" until known).
    pub fn who(&self) -> String {
        self.identity
            .map_or("opsdeck".to_string(), |i| i.short_name().to_string())
    }

    /// The configured refresh interval in seconds.
    pub fn refresh_seconds(&self) -> i64 {
        i64::try_from(self.config.refresh_seconds).unwrap_or(i64::MAX)
    }
}
