//! The dashboard's one `GetMetricData` request, built by a pure function from the
//! environment's resources, the time range and the end instant: every series of the four
//! tiers (ALB, ECS, RDS, Redis), p50/p99 as percentile stats, and metric math for the
//! derived series (5xx %, cache hit ratio, healthy hosts without a target group).

use crate::cloud::Epoch;
use crate::cloud::{
    MetricDataRequest, MetricQuery, MetricStat, QueryKind, alb_dimension, target_group_dimension,
};
use crate::config::Environment;

/// Query ids: the keys the pane and the verdicts read series by.
pub mod ids {
    pub const REQUESTS: &str = "req";
    pub const P50: &str = "p50";
    pub const P99: &str = "p99";
    pub const E5XX: &str = "e5xx";
    pub const E5XX_PCT: &str = "e5xx_pct";
    pub const E4XX: &str = "e4xx";
    pub const HEALTHY: &str = "healthy";
    pub const UNHEALTHY: &str = "unhealthy";
    pub const ECS_CPU: &str = "ecs_cpu";
    pub const ECS_MEM: &str = "ecs_mem";
    pub const RDS_CONN: &str = "rds_conn";
    pub const RDS_CPU: &str = "rds_cpu";
    pub const RDS_FREE: &str = "rds_free";
    pub const RDS_READ: &str = "rds_read";
    pub const RDS_WRITE: &str = "rds_write";
    pub const RDS_MEM: &str = "rds_mem";
    pub const REDIS_HITS: &str = "redis_hits";
    pub const REDIS_MISSES: &str = "redis_misses";
    pub const REDIS_HIT_RATIO: &str = "redis_hit_ratio";
    pub const REDIS_MEM: &str = "redis_mem";
    pub const REDIS_CONN: &str = "redis_conn";
    pub const REDIS_CPU: &str = "redis_cpu";
    pub const REDIS_LAG: &str = "redis_lag";
}

/// The dashboard's time ranges (`t` / `T` cycle through them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TimeRange {
    M15,
    #[default]
    H1,
    H3,
    H12,
    H24,
    D7,
}

impl TimeRange {
    /// Every range, shortest first.
    pub const ALL: [TimeRange; 6] = [
        TimeRange::M15,
        TimeRange::H1,
        TimeRange::H3,
        TimeRange::H12,
        TimeRange::H24,
        TimeRange::D7,
    ];

    /// The window's length in seconds.
    pub fn seconds(self) -> i64 {
        match self {
            TimeRange::M15 => 900,
            TimeRange::H1 => 3_600,
            TimeRange::H3 => 3 * 3_600,
            TimeRange::H12 => 12 * 3_600,
            TimeRange::H24 => 24 * 3_600,
            TimeRange::D7 => 7 * 86_400,
        }
    }

    /// Seconds per point: 15–180 points per chart, and periods CloudWatch keeps for the
    /// range (1-minute data for 15 days, 5-minute for 63).
    pub fn period(self) -> i32 {
        match self {
            TimeRange::M15 | TimeRange::H1 | TimeRange::H3 => 60,
            TimeRange::H12 => 300,
            TimeRange::H24 => 600,
            TimeRange::D7 => 3_600,
        }
    }

    /// `15m`, `1h`, … as shown in titles.
    pub fn label(self) -> &'static str {
        match self {
            TimeRange::M15 => "15m",
            TimeRange::H1 => "1h",
            TimeRange::H3 => "3h",
            TimeRange::H12 => "12h",
            TimeRange::H24 => "24h",
            TimeRange::D7 => "7d",
        }
    }

    /// The next longer range (wrapping).
    pub fn next(self) -> TimeRange {
        let i = Self::ALL.iter().position(|r| *r == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    /// The next shorter range (wrapping).
    pub fn prev(self) -> TimeRange {
        let i = Self::ALL.iter().position(|r| *r == self).unwrap_or(0);
        Self::ALL[(i + Self::ALL.len() - 1) % Self::ALL.len()]
    }

    /// The range called `15m`, `1h`, … (case-insensitive).
    pub fn from_label(s: &str) -> Option<TimeRange> {
        Self::ALL
            .into_iter()
            .find(|r| r.label().eq_ignore_ascii_case(s.trim()))
    }
}

/// The recent-errors query never scans more than this much log (Insights bills per GB).
pub const ERRORS_MAX_WINDOW: i64 = 3 * 3_600;

/// The resources the dashboard charts, as CloudWatch dimension values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DashboardTargets {
    /// `app/name/id`; `None` leaves the Requests tier out.
    pub load_balancer: Option<String>,
    /// `targetgroup/name/id`; without it healthy/unhealthy hosts come from a SEARCH.
    pub target_group: Option<String>,
    pub cluster: String,
    pub service: String,
    pub db_instance: String,
    /// The primary node (`<group>-001`) and a replica (`<group>-002`) of the Redis group.
    pub cache_primary: String,
    pub cache_replica: String,
    /// The source account, when metrics are read through a monitoring account.
    pub account_id: Option<String>,
}

impl DashboardTargets {
    /// The targets of `env`, with the ALB dimension already resolved (or not).
    pub fn for_env(env: &Environment, load_balancer: Option<String>) -> DashboardTargets {
        DashboardTargets {
            load_balancer,
            target_group: env.target_group.as_deref().and_then(target_group_dimension),
            cluster: env.cluster.clone(),
            service: env.service.clone(),
            db_instance: env.db_instance.clone(),
            cache_primary: format!("{}-001", env.cache_replication_group),
            cache_replica: format!("{}-002", env.cache_replication_group),
            account_id: env.monitoring_account.as_ref().and(env.account_id.clone()),
        }
    }
}

/// How the ALB of an environment is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlbLookup {
    /// The config gives its dimension (or an ARN it is derived from).
    Known(String),
    /// Look it up by this name with `DescribeLoadBalancers`.
    ByName(String),
}

/// From the config's `load_balancer` (a dimension, an ARN or a name), else by the
/// naming convention `{project}-{env}-alb`.
pub fn alb_lookup(env: &Environment, project: &str) -> AlbLookup {
    match env.load_balancer.as_deref() {
        Some(v) => match alb_dimension(v) {
            Some(d) => AlbLookup::Known(d),
            None => AlbLookup::ByName(v.to_string()),
        },
        None => AlbLookup::ByName(format!("{project}-{}-alb", env.name)),
    }
}

fn metric(
    id: &str,
    label: &str,
    ns: &str,
    name: &str,
    dims: &[(&str, &str)],
    stat: &str,
) -> MetricQuery {
    MetricQuery {
        id: id.to_string(),
        label: label.to_string(),
        kind: QueryKind::Metric(MetricStat {
            namespace: ns.to_string(),
            metric_name: name.to_string(),
            dimensions: dims
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
            stat: stat.to_string(),
        }),
        return_data: true,
    }
}

fn expr(id: &str, label: &str, expression: String) -> MetricQuery {
    MetricQuery {
        id: id.to_string(),
        label: label.to_string(),
        kind: QueryKind::Expression(expression),
        return_data: true,
    }
}

/// Every query of the dashboard for `targets`.
pub fn dashboard_queries(t: &DashboardTargets) -> Vec<MetricQuery> {
    use ids::*;
    let mut q = Vec::with_capacity(24);
    if let Some(lb) = t.load_balancer.as_deref() {
        let alb = "AWS/ApplicationELB";
        let d = [("LoadBalancer", lb)];
        q.push(metric(REQUESTS, "Requests", alb, "RequestCount", &d, "Sum"));
        q.push(metric(P50, "p50", alb, "TargetResponseTime", &d, "p50"));
        q.push(metric(P99, "p99", alb, "TargetResponseTime", &d, "p99"));
        q.push(metric(
            E5XX,
            "5xx",
            alb,
            "HTTPCode_Target_5XX_Count",
            &d,
            "Sum",
        ));
        q.push(metric(
            E4XX,
            "4xx",
            alb,
            "HTTPCode_Target_4XX_Count",
            &d,
            "Sum",
        ));
        q.push(expr(
            E5XX_PCT,
            "5xx %",
            format!("IF({REQUESTS} > 0, 100 * {E5XX} / {REQUESTS}, 0)"),
        ));
        match t.target_group.as_deref() {
            Some(tg) => {
                let d = [("TargetGroup", tg), ("LoadBalancer", lb)];
                q.push(metric(
                    HEALTHY,
                    "Healthy",
                    alb,
                    "HealthyHostCount",
                    &d,
                    "Minimum",
                ));
                q.push(metric(
                    UNHEALTHY,
                    "Unhealthy",
                    alb,
                    "UnHealthyHostCount",
                    &d,
                    "Maximum",
                ));
            }
            None => {
                let search = |name: &str, stat: &str| {
                    format!(
                        "SUM(SEARCH('{{AWS/ApplicationELB,LoadBalancer,TargetGroup}} MetricName=\"{name}\" LoadBalancer=\"{lb}\"', '{stat}'))"
                    )
                };
                q.push(expr(
                    HEALTHY,
                    "Healthy",
                    search("HealthyHostCount", "Minimum"),
                ));
                q.push(expr(
                    UNHEALTHY,
                    "Unhealthy",
                    search("UnHealthyHostCount", "Maximum"),
                ));
            }
        }
    }
    let ecs = [
        ("ClusterName", t.cluster.as_str()),
        ("ServiceName", t.service.as_str()),
    ];
    q.push(metric(
        ECS_CPU,
        "CPU %",
        "AWS/ECS",
        "CPUUtilization",
        &ecs,
        "Average",
    ));
    q.push(metric(
        ECS_MEM,
        "Memory %",
        "AWS/ECS",
        "MemoryUtilization",
        &ecs,
        "Average",
    ));
    let rds = [("DBInstanceIdentifier", t.db_instance.as_str())];
    q.push(metric(
        RDS_CONN,
        "Connections",
        "AWS/RDS",
        "DatabaseConnections",
        &rds,
        "Maximum",
    ));
    q.push(metric(
        RDS_CPU,
        "CPU %",
        "AWS/RDS",
        "CPUUtilization",
        &rds,
        "Average",
    ));
    q.push(metric(
        RDS_FREE,
        "Free storage",
        "AWS/RDS",
        "FreeStorageSpace",
        &rds,
        "Minimum",
    ));
    q.push(metric(
        RDS_READ,
        "Read latency",
        "AWS/RDS",
        "ReadLatency",
        &rds,
        "Average",
    ));
    q.push(metric(
        RDS_WRITE,
        "Write latency",
        "AWS/RDS",
        "WriteLatency",
        &rds,
        "Average",
    ));
    q.push(metric(
        RDS_MEM,
        "Freeable memory",
        "AWS/RDS",
        "FreeableMemory",
        &rds,
        "Minimum",
    ));
    let ec = "AWS/ElastiCache";
    let node = [("CacheClusterId", t.cache_primary.as_str())];
    q.push(metric(REDIS_HITS, "Hits", ec, "CacheHits", &node, "Sum"));
    q.push(metric(
        REDIS_MISSES,
        "Misses",
        ec,
        "CacheMisses",
        &node,
        "Sum",
    ));
    q.push(expr(
        REDIS_HIT_RATIO,
        "Hit ratio %",
        format!("IF(({REDIS_HITS} + {REDIS_MISSES}) > 0, 100 * {REDIS_HITS} / ({REDIS_HITS} + {REDIS_MISSES}), 100)"),
    ));
    q.push(metric(
        REDIS_MEM,
        "Memory %",
        ec,
        "DatabaseMemoryUsagePercentage",
        &node,
        "Average",
    ));
    q.push(metric(
        REDIS_CONN,
        "Connections",
        ec,
        "CurrConnections",
        &node,
        "Maximum",
    ));
    q.push(metric(
        REDIS_CPU,
        "CPU %",
        ec,
        "CPUUtilization",
        &node,
        "Average",
    ));
    let replica = [("CacheClusterId", t.cache_replica.as_str())];
    q.push(metric(
        REDIS_LAG,
        "Replication lag",
        ec,
        "ReplicationLag",
        &replica,
        "Maximum",
    ));
    q
}

/// The one request of a refresh: every query over `range` ending at `end` (rounded up to
/// the period so that points line up across refreshes).
pub fn dashboard_request(t: &DashboardTargets, range: TimeRange, end: Epoch) -> MetricDataRequest {
    let period = range.period();
    let step = i64::from(period);
    let end = end.div_euclid(step).saturating_add(1).saturating_mul(step);
    MetricDataRequest {
        queries: dashboard_queries(t),
        start: end.saturating_sub(range.seconds()),
        end,
        period,
        account_id: t.account_id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::MAX_METRIC_QUERIES;
    use crate::config::Config;

    fn targets(lb: Option<&str>) -> DashboardTargets {
        let config = Config::default();
        let env = config.environment("prod").cloned().expect("prod");
        DashboardTargets::for_env(&env, lb.map(str::to_string))
    }

    #[test]
    fn one_request_carries_every_tier() {
        let r = dashboard_request(&targets(Some("app/a/1")), TimeRange::H1, 1_000_030);
        assert_eq!(r.period, 60);
        assert_eq!(r.end, 1_000_080, "end rounded up to the period");
        assert_eq!(r.end - r.start, 3_600);
        assert!(r.queries.len() <= MAX_METRIC_QUERIES);
        let ids: Vec<&str> = r.queries.iter().map(|q| q.id.as_str()).collect();
        for id in [
            ids::P99,
            ids::E5XX_PCT,
            ids::ECS_CPU,
            ids::RDS_FREE,
            ids::REDIS_HIT_RATIO,
        ] {
            assert!(ids.contains(&id), "{id} missing");
        }
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "ids are unique");
        assert!(
            ids.iter()
                .all(|i| i.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        );
    }

    #[test]
    fn percentiles_and_metric_math() {
        let r = dashboard_request(&targets(Some("app/a/1")), TimeRange::M15, 0);
        let find = |id: &str| {
            r.queries
                .iter()
                .find(|q| q.id == id)
                .map(|q| q.kind.clone())
        };
        match find(ids::P99) {
            Some(QueryKind::Metric(m)) => {
                assert_eq!(m.stat, "p99");
                assert_eq!(m.metric_name, "TargetResponseTime");
                assert_eq!(
                    m.dimensions,
                    vec![("LoadBalancer".into(), "app/a/1".into())]
                );
            }
            other => panic!("{other:?}"),
        }
        match find(ids::E5XX_PCT) {
            Some(QueryKind::Expression(e)) => assert_eq!(e, "IF(req > 0, 100 * e5xx / req, 0)"),
            other => panic!("{other:?}"),
        }
        match find(ids::HEALTHY) {
            Some(QueryKind::Expression(e)) => {
                assert!(e.contains("SEARCH(") && e.contains("app/a/1"))
            }
            other => panic!("{other:?}"),
        }
        match find(ids::REDIS_HIT_RATIO) {
            Some(QueryKind::Expression(e)) => assert!(e.contains("redis_hits + redis_misses")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn no_alb_means_no_request_tier() {
        let r = dashboard_request(&targets(None), TimeRange::D7, 0);
        assert!(
            r.queries
                .iter()
                .all(|q| q.id != ids::REQUESTS && q.id != ids::E5XX_PCT)
        );
        assert_eq!(r.period, 3_600);
        assert!(r.queries.iter().any(|q| q.id == ids::RDS_FREE));
    }

    #[test]
    fn ranges_cycle_and_have_sensible_periods() {
        for r in TimeRange::ALL {
            assert_eq!(r.next().prev(), r);
            let points = r.seconds() / i64::from(r.period());
            assert!((15..=200).contains(&points), "{r:?}: {points}");
            assert_eq!(TimeRange::from_label(r.label()), Some(r));
        }
        assert_eq!(TimeRange::D7.next(), TimeRange::M15);
    }

    #[test]
    fn alb_from_config_or_convention() {
        let config = Config::default();
        let mut env = config.environment("prod").cloned().expect("prod");
        assert_eq!(
            alb_lookup(&env, "cloudplatform"),
            AlbLookup::ByName("cloudplatform-prod-alb".into())
        );
        env.load_balancer =
            Some("arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/web/abc".into());
        assert_eq!(
            alb_lookup(&env, "p"),
            AlbLookup::Known("app/web/abc".into())
        );
        env.load_balancer = Some("my-alb".into());
        assert_eq!(alb_lookup(&env, "p"), AlbLookup::ByName("my-alb".into()));
    }
}
