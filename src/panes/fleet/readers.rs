//! One reader per environment for the fleet view, built on first use, and the bounded
//! pool every environment's read waits in (at most `concurrency` at once).
//!
//! Readers never ask for an MFA code (a row says "needs MFA" instead of a popup per
//! environment) and never act (read-only). A reader whose credentials failed is dropped,
//! so the next read builds a fresh one that finds a session started since (the console's
//! own sign-in, `aws sso login`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::cloud::{CloudError, CloudRead, Epoch};
use crate::config::Environment;

pub use crate::config::{
    DEFAULT_FLEET_CONCURRENCY as DEFAULT_CONCURRENCY, MAX_FLEET_CONCURRENCY as MAX_CONCURRENCY,
};

/// Builds the reader of one environment.
pub type ReaderFactory = Arc<dyn Fn(&Environment) -> Arc<dyn CloudRead> + Send + Sync>;
/// The clock values are stamped with (the simulated account's in demo mode).
pub type Clock = Arc<dyn Fn() -> Epoch + Send + Sync>;

/// Where the fleet's readers come from (a connector hands one out).
#[derive(Clone)]
pub struct ReaderSource {
    pub make: ReaderFactory,
    pub clock: Clock,
    /// The simulated account: Cost Explorer is asked directly (nothing billed, no cache).
    pub simulated: bool,
}

/// The fleet's readers and its pool.
pub struct FleetReaders {
    source: Option<ReaderSource>,
    built: Mutex<HashMap<String, Arc<dyn CloudRead>>>,
    permits: Semaphore,
    concurrency: usize,
}

impl std::fmt::Debug for FleetReaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FleetReaders")
            .field("available", &self.source.is_some())
            .field("concurrency", &self.concurrency)
            .finish()
    }
}

impl FleetReaders {
    /// Readers from `source` (`None`: this console cannot read other environments),
    /// `concurrency` environments at a time (clamped to 1..=`MAX_CONCURRENCY`).
    pub fn new(source: Option<ReaderSource>, concurrency: usize) -> Arc<FleetReaders> {
        let concurrency = concurrency.clamp(1, MAX_CONCURRENCY);
        Arc::new(FleetReaders {
            source,
            built: Mutex::new(HashMap::new()),
            permits: Semaphore::new(concurrency),
            concurrency,
        })
    }

    /// Environments read at once.
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// True for the simulated account.
    pub fn simulated(&self) -> bool {
        self.source.as_ref().is_some_and(|s| s.simulated)
    }

    /// The clock now (wall-clock time when there is no source).
    pub fn now(&self) -> Epoch {
        match &self.source {
            Some(s) => (s.clock)(),
            None => crate::cloud::sim::wall_clock_now(),
        }
    }

    /// `env`'s reader, built on first use.
    pub fn reader(&self, env: &Environment) -> Result<Arc<dyn CloudRead>, CloudError> {
        let Some(source) = &self.source else {
            return Err(CloudError::Unsupported(
                "this console cannot read other environments".into(),
            ));
        };
        let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        Ok(Arc::clone(
            built
                .entry(env.name.clone())
                .or_insert_with(|| (source.make)(env)),
        ))
    }

    /// Drop `env`'s reader: the next read builds a new one (fresh credentials).
    pub fn forget(&self, env: &str) {
        self.built
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(env);
    }

    /// Wait for a place in the pool.
    pub async fn permit(&self) -> Option<SemaphorePermit<'_>> {
        self.permits.acquire().await.ok()
    }
}
