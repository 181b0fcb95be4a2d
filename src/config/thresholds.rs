//! Alarm thresholds from the seed's metric table (§10.1), overridable in `[thresholds]`.

use serde::Deserialize;

use super::values::Positive;

/// The alarm thresholds every dashboard value is compared with.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    /// ALB `TargetResponseTime` p99, seconds (seed: p99 > 2 s).
    pub alb_p99_latency_seconds: f64,
    /// ALB `HTTPCode_Target_5XX_Count` per minute (seed: > 10/min).
    pub alb_5xx_per_minute: f64,
    /// ALB `HTTPCode_Target_4XX_Count` per minute (seed: > 100/min).
    pub alb_4xx_per_minute: f64,
    /// ECS service CPU % (seed: > 80 % for 5 min).
    pub ecs_cpu_percent: f64,
    /// ECS service memory % (seed: > 85 % for 5 min).
    pub ecs_memory_percent: f64,
    /// RDS CPU % (seed: > 80 % for 10 min).
    pub rds_cpu_percent: f64,
    /// RDS connections as % of max (seed: > 80 % of max).
    pub rds_connections_percent: f64,
    /// RDS free storage, GB (seed: < 5 GB).
    pub rds_free_storage_gb: f64,
    /// RDS read latency, ms (seed: > 20 ms).
    pub rds_read_latency_ms: f64,
    /// RDS write latency, ms (seed: > 20 ms).
    pub rds_write_latency_ms: f64,
    /// RDS freeable memory, MB (seed: < 500 MB).
    pub rds_freeable_memory_mb: f64,
    /// Redis CPU % (seed: > 80 %).
    pub redis_cpu_percent: f64,
    /// Redis `DatabaseMemoryUsagePercentage` (seed: > 80 %).
    pub redis_memory_percent: f64,
    /// Redis `CurrConnections` (seed: > 1000).
    pub redis_connections: f64,
    /// Redis hit rate % (seed: < 80 %).
    pub redis_hit_rate_percent: f64,
    /// Redis replication lag, seconds (seed: > 1 s).
    pub redis_replication_lag_seconds: f64,
    /// The database's `max_connections`, once known from its instance class (not
    /// configurable: `rds_connections_percent` of it is the connections threshold).
    pub rds_max_connections: Option<f64>,
}

impl Thresholds {
    /// These thresholds, judging connections against `max` (None: not judged).
    pub fn with_max_connections(&self, max: Option<i64>) -> Thresholds {
        Thresholds {
            rds_max_connections: max.map(|m| m as f64),
            ..self.clone()
        }
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            alb_p99_latency_seconds: 2.0,
            alb_5xx_per_minute: 10.0,
            alb_4xx_per_minute: 100.0,
            ecs_cpu_percent: 80.0,
            ecs_memory_percent: 85.0,
            rds_cpu_percent: 80.0,
            rds_connections_percent: 80.0,
            rds_free_storage_gb: 5.0,
            rds_read_latency_ms: 20.0,
            rds_write_latency_ms: 20.0,
            rds_freeable_memory_mb: 500.0,
            redis_cpu_percent: 80.0,
            redis_memory_percent: 80.0,
            redis_connections: 1000.0,
            redis_hit_rate_percent: 80.0,
            redis_replication_lag_seconds: 1.0,
            rds_max_connections: None,
        }
    }
}

/// The `[thresholds]` table as written: every key optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdOverrides {
    pub alb_p99_latency_seconds: Option<Positive>,
    pub alb_5xx_per_minute: Option<Positive>,
    pub alb_4xx_per_minute: Option<Positive>,
    pub ecs_cpu_percent: Option<Positive>,
    pub ecs_memory_percent: Option<Positive>,
    pub rds_cpu_percent: Option<Positive>,
    pub rds_connections_percent: Option<Positive>,
    pub rds_free_storage_gb: Option<Positive>,
    pub rds_read_latency_ms: Option<Positive>,
    pub rds_write_latency_ms: Option<Positive>,
    pub rds_freeable_memory_mb: Option<Positive>,
    pub redis_cpu_percent: Option<Positive>,
    pub redis_memory_percent: Option<Positive>,
    pub redis_connections: Option<Positive>,
    pub redis_hit_rate_percent: Option<Positive>,
    pub redis_replication_lag_seconds: Option<Positive>,
}

impl ThresholdOverrides {
    /// The seed's defaults with these overrides applied.
    pub fn resolve(&self) -> Thresholds {
        let d = Thresholds::default();
        let pick = |o: Option<Positive>, default: f64| o.map_or(default, |p| p.0);
        Thresholds {
            alb_p99_latency_seconds: pick(self.alb_p99_latency_seconds, d.alb_p99_latency_seconds),
            alb_5xx_per_minute: pick(self.alb_5xx_per_minute, d.alb_5xx_per_minute),
            alb_4xx_per_minute: pick(self.alb_4xx_per_minute, d.alb_4xx_per_minute),
            ecs_cpu_percent: pick(self.ecs_cpu_percent, d.ecs_cpu_percent),
            ecs_memory_percent: pick(self.ecs_memory_percent, d.ecs_memory_percent),
            rds_cpu_percent: pick(self.rds_cpu_percent, d.rds_cpu_percent),
            rds_connections_percent: pick(self.rds_connections_percent, d.rds_connections_percent),
            rds_free_storage_gb: pick(self.rds_free_storage_gb, d.rds_free_storage_gb),
            rds_read_latency_ms: pick(self.rds_read_latency_ms, d.rds_read_latency_ms),
            rds_write_latency_ms: pick(self.rds_write_latency_ms, d.rds_write_latency_ms),
            rds_freeable_memory_mb: pick(self.rds_freeable_memory_mb, d.rds_freeable_memory_mb),
            redis_cpu_percent: pick(self.redis_cpu_percent, d.redis_cpu_percent),
            redis_memory_percent: pick(self.redis_memory_percent, d.redis_memory_percent),
            redis_connections: pick(self.redis_connections, d.redis_connections),
            redis_hit_rate_percent: pick(self.redis_hit_rate_percent, d.redis_hit_rate_percent),
            redis_replication_lag_seconds: pick(
                self.redis_replication_lag_seconds,
                d.redis_replication_lag_seconds,
            ),
            rds_max_connections: None,
        }
    }
}
