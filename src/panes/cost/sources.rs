//! The Cost pane's one kind of source (a Cost Explorer question, through the disk cache)
//! and how it is asked.

use super::fetch::{CostAnswer, CostFetch};
use crate::cloud::{CloudRead, CloudResult, Epoch};
use crate::config::Environment;

/// A Cost fetch's answer, with the question it answers.
#[derive(Debug, Clone)]
pub struct CostFetched {
    pub fetch: CostFetch,
    pub result: CloudResult<CostAnswer>,
}

/// Ask one Cost Explorer question for `env` (the cache first, as `fetch.access` allows).
pub async fn fetch(
    read: &dyn CloudRead,
    env: &Environment,
    fetch: CostFetch,
    now: Epoch,
) -> CostFetched {
    let cache = crate::cost_cache::CostCache::default_location_with_ttl(env.cost_cache_seconds);
    let result = super::fetch::run(read, cache.as_ref(), &env.name, &fetch, now).await;
    CostFetched { fetch, result }
}
