//! What the dashboard computes when its data arrives (not when it draws): the verdict of
//! every tier and the level of every charted value against the thresholds.

use std::collections::HashMap;

use super::query::ids;
use super::verdict::{TierVerdict, level_of, verdicts};
use crate::cloud::{EcsService, MetricData};
use crate::config::Thresholds;
use crate::level::Level;

/// The dashboard's judgements of its current data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Judged {
    pub verdicts: Vec<TierVerdict>,
    levels: HashMap<&'static str, Level>,
}

/// Every query id of the dashboard's request (ids without a rule judge `Unknown`).
const JUDGED_IDS: [&str; 23] = [
    ids::REQUESTS,
    ids::P50,
    ids::P99,
    ids::E5XX,
    ids::E5XX_PCT,
    ids::E4XX,
    ids::HEALTHY,
    ids::UNHEALTHY,
    ids::ECS_CPU,
    ids::ECS_MEM,
    ids::RDS_CONN,
    ids::RDS_CPU,
    ids::RDS_FREE,
    ids::RDS_READ,
    ids::RDS_WRITE,
    ids::RDS_MEM,
    ids::REDIS_HITS,
    ids::REDIS_MISSES,
    ids::REDIS_HIT_RATIO,
    ids::REDIS_MEM,
    ids::REDIS_CONN,
    ids::REDIS_CPU,
    ids::REDIS_LAG,
];

impl Judged {
    /// Judge `data` and `service` against `thresholds`.
    pub fn new(
        data: Option<&MetricData>,
        service: Option<&EcsService>,
        thresholds: &Thresholds,
        min_tasks: u32,
    ) -> Judged {
        let levels = data.map_or_else(HashMap::new, |d| {
            JUDGED_IDS
                .iter()
                .map(|id| (*id, level_of(d, id, thresholds)))
                .collect()
        });
        Judged {
            verdicts: verdicts(data, service, thresholds, min_tasks),
            levels,
        }
    }

    /// The level of query `id`'s latest value (`Unknown` without data or a rule).
    pub fn level(&self, id: &str) -> Level {
        self.levels.get(id).copied().unwrap_or(Level::Unknown)
    }
}
