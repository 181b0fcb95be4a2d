//! The rule table: every dashboard value's threshold from the seed's alarm list (§10.1),
//! overridable in `[thresholds]` — which query, which tier, which way it breaches, for how
//! long, and how its value is shown.

use super::query::ids;
use super::tier::Tier;
use crate::config::Thresholds;
use crate::level::Level;

/// Which way a threshold is breached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dir {
    Above,
    Below,
}

/// One rule: the query, its tier, how to read the value, the threshold and how long the
/// breach must last.
pub(super) struct Rule {
    pub(super) id: &'static str,
    pub(super) tier: Tier,
    pub(super) name: &'static str,
    pub(super) dir: Dir,
    pub(super) threshold: f64,
    pub(super) level: Level,
    /// Seconds the breach must last (the seed's "for 5 min"); 0: the latest point.
    pub(super) sustained: i64,
    /// Raw value → displayed unit (e.g. bytes → GB, per period → per minute).
    pub(super) scale: Scale,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Scale {
    Unit(&'static str),
    PerMinute,
    Bytes(f64, &'static str),
    Millis,
    Seconds,
}

pub(super) fn rules(t: &Thresholds) -> Vec<Rule> {
    use Dir::*;
    use Level::*;
    use Scale::*;
    let r = |id, tier, name, dir, threshold, level, sustained, scale| Rule {
        id,
        tier,
        name,
        dir,
        threshold,
        level,
        sustained,
        scale,
    };
    let mut all = vec![
        r(
            ids::P99,
            Tier::Requests,
            "p99 latency",
            Above,
            t.alb_p99_latency_seconds,
            Critical,
            0,
            Seconds,
        ),
        r(
            ids::E5XX,
            Tier::Requests,
            "5xx",
            Above,
            t.alb_5xx_per_minute,
            Critical,
            0,
            PerMinute,
        ),
        r(
            ids::UNHEALTHY,
            Tier::Requests,
            "UnHealthyHostCount",
            Above,
            0.0,
            Critical,
            0,
            Unit(""),
        ),
        r(
            ids::E4XX,
            Tier::Requests,
            "4xx",
            Above,
            t.alb_4xx_per_minute,
            Warning,
            0,
            PerMinute,
        ),
        r(
            ids::ECS_CPU,
            Tier::Compute,
            "CPU",
            Above,
            t.ecs_cpu_percent,
            Warning,
            300,
            Unit("%"),
        ),
        r(
            ids::ECS_MEM,
            Tier::Compute,
            "Memory",
            Above,
            t.ecs_memory_percent,
            Warning,
            300,
            Unit("%"),
        ),
        r(
            ids::RDS_FREE,
            Tier::Database,
            "FreeStorageSpace",
            Below,
            t.rds_free_storage_gb * 1e9,
            Critical,
            0,
            Bytes(1e9, "GB"),
        ),
        r(
            ids::RDS_CPU,
            Tier::Database,
            "CPU",
            Above,
            t.rds_cpu_percent,
            Warning,
            600,
            Unit("%"),
        ),
        r(
            ids::RDS_READ,
            Tier::Database,
            "ReadLatency",
            Above,
            t.rds_read_latency_ms / 1e3,
            Warning,
            0,
            Millis,
        ),
        r(
            ids::RDS_WRITE,
            Tier::Database,
            "WriteLatency",
            Above,
            t.rds_write_latency_ms / 1e3,
            Warning,
            0,
            Millis,
        ),
        r(
            ids::RDS_MEM,
            Tier::Database,
            "FreeableMemory",
            Below,
            t.rds_freeable_memory_mb * 1e6,
            Warning,
            0,
            Bytes(1e6, "MB"),
        ),
        r(
            ids::REDIS_HIT_RATIO,
            Tier::Cache,
            "hit ratio",
            Below,
            t.redis_hit_rate_percent,
            Warning,
            0,
            Unit("%"),
        ),
        r(
            ids::REDIS_MEM,
            Tier::Cache,
            "Memory",
            Above,
            t.redis_memory_percent,
            Warning,
            0,
            Unit("%"),
        ),
        r(
            ids::REDIS_CPU,
            Tier::Cache,
            "CPU",
            Above,
            t.redis_cpu_percent,
            Warning,
            0,
            Unit("%"),
        ),
        r(
            ids::REDIS_CONN,
            Tier::Cache,
            "CurrConnections",
            Above,
            t.redis_connections,
            Warning,
            0,
            Unit(""),
        ),
        r(
            ids::REDIS_LAG,
            Tier::Cache,
            "ReplicationLag",
            Above,
            t.redis_replication_lag_seconds,
            Warning,
            0,
            Seconds,
        ),
    ];
    // Connections are judged only once the instance's max_connections is known.
    if let Some(max) = t.rds_max_connections {
        all.push(r(
            ids::RDS_CONN,
            Tier::Database,
            "DatabaseConnections",
            Above,
            max * t.rds_connections_percent / 100.0,
            Warning,
            300,
            Unit(""),
        ));
    }
    all
}
