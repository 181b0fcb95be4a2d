//! Simulated CloudWatch: metric values, alarms, recent errors and the ALB lookup, as pure
//! functions of the seed, the environment and the time. Prod's series tell the incident's
//! story (see `sim/mod.rs`): 5xx, p99 and unhealthy hosts rise from 2:30 after the `:42`
//! deploy, stay up while tasks crash-loop, and recover once the rollback settles (15:00).
//! Staging's database is short of storage, so its DB verdict shows.

use super::metric_expr::{self, Resolve};
use super::profile::{EnvProfile, PROJECT, REGION};
use super::rng;
use crate::cloud::{
    Alarm, AlarmState, Epoch, LogRow, MetricData, MetricDataRequest, MetricSeries, QueryKind,
};

/// At most this many points per series (CloudWatch's per-call limit is far higher).
const MAX_POINTS: i64 = 2_000;

pub use super::incident_clock::IncidentClock;
#[cfg(test)]
pub use super::incident_clock::badness;
use super::scenario::FaultKind;

/// Which environment-scaled figures a profile has.
struct Scale {
    rpm: f64,
    db_free_gb: f64,
    has_replica: bool,
}

fn scale(env: &str) -> Scale {
    match env {
        "prod" => Scale {
            rpm: 1200.0,
            db_free_gb: 62.0,
            has_replica: true,
        },
        "staging" => Scale {
            rpm: 150.0,
            db_free_gb: 3.1,
            has_replica: false,
        },
        _ => Scale {
            rpm: 20.0,
            db_free_gb: 14.0,
            has_replica: false,
        },
    }
}

/// ±`frac` deterministic jitter for one metric at one instant.
fn jitter(seed: u64, env: &str, metric: &str, t: Epoch, frac: f64) -> f64 {
    let mut r = rng::rng(seed, &[env, metric, &t.to_string()]);
    let u = r.below(10_001) as f64 / 10_000.0;
    1.0 + frac * (2.0 * u - 1.0)
}

/// The value of `metric` (its stat chosen for the dashboard) over the period starting at `t`.
pub fn value(
    seed: u64,
    clock: &IncidentClock,
    env: &str,
    metric: &str,
    dims: &[(String, String)],
    t: Epoch,
    period: i32,
) -> Option<f64> {
    let e = t - clock.start;
    let bad = clock.badness(env, t);
    let s = scale(env);
    let minutes = f64::from(period.max(60)) / 60.0;
    let j = |frac: f64| jitter(seed, env, metric, t, frac);
    let n = |kind: FaultKind| clock.norm(kind, t);
    let cache = n(FaultKind::CachePressure);
    let conns = n(FaultKind::DbConnections);
    let dep = n(FaultKind::Dependency5xx);
    let miner = n(FaultKind::CryptoMiner);
    let per_task = if clock.drill {
        clock.desired_ratio(t)
    } else {
        1.0
    };
    let v = match metric {
        "RequestCount" => s.rpm * minutes * j(0.06),
        "HTTPCode_Target_5XX_Count" => {
            (0.4 + 160.0 * bad * clock.deploy_factor(t)
                + clock.fault(FaultKind::Dependency5xx, t)
                + 30.0 * (conns - 1.0).max(0.0) * 4.0)
                * minutes
                * j(0.2)
        }
        "HTTPCode_Target_4XX_Count" => s.rpm * 0.007 * minutes * j(0.3),
        "TargetResponseTime" => {
            (0.05 + 0.4 * bad + 0.12 * cache + 0.3 * conns + 0.1 * dep) * j(0.1)
        }
        "HealthyHostCount" => match env {
            "prod" => 3.0,
            "staging" => 2.0,
            _ => 1.0,
        },
        "UnHealthyHostCount" => (2.0 * bad).round(),
        "CPUUtilization" if is_ecs(dims) => {
            ((34.0 + 52.0 * bad) * per_task + 100.0 * miner * per_task / 2.5).min(100.0) * j(0.05)
        }
        "MemoryUtilization" => (56.0 + 18.0 * bad) * j(0.03),
        "CPUUtilization" if is_rds(dims) => {
            (22.0 + 10.0 * bad + 35.0 * cache + 20.0 * conns).min(100.0) * j(0.08)
        }
        "CPUUtilization" => 11.0 * j(0.1),
        "DatabaseConnections" => {
            (38.0 + 55.0 * bad + 60.0 * cache) * j(0.05) + clock.fault(FaultKind::DbConnections, t)
        }
        "FreeStorageSpace" => {
            (s.db_free_gb
                - e.max(0) as f64 * 1e-6
                - clock.faults.accumulated(FaultKind::DbStorage, t))
            .max(0.0)
                * 1e9
        }
        "ReadLatency" => (0.0021 + 0.006 * bad + 0.004 * cache) * j(0.1),
        "WriteLatency" => (0.0034 + 0.004 * bad + 0.01 * n(FaultKind::DbStorage)) * j(0.1),
        "FreeableMemory" => 1.6e9 * j(0.02),
        "CacheHits" => s.rpm * 4.0 * (1.0 - 0.5 * cache.min(1.0)) * minutes * j(0.05),
        "CacheMisses" => s.rpm * (0.25 + 0.4 * bad + 2.5 * cache) * minutes * j(0.1),
        "DatabaseMemoryUsagePercentage" => (41.0 * j(0.02) + 50.0 * cache).min(99.5),
        "Evictions" => s.rpm * 3.0 * cache * minutes * j(0.1),
        "CurrConnections" => (s.rpm / 10.0 + 20.0) * j(0.05),
        "ReplicationLag" if s.has_replica => (0.04 + 0.3 * cache) * j(0.5),
        _ => return None,
    };
    Some(v)
}

fn dim<'a>(dims: &'a [(String, String)], name: &str) -> Option<&'a str> {
    dims.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn is_ecs(dims: &[(String, String)]) -> bool {
    dim(dims, "ServiceName").is_some()
}

fn is_rds(dims: &[(String, String)]) -> bool {
    dim(dims, "DBInstanceIdentifier").is_some()
}

/// Percentile statistics of `TargetResponseTime` scale the mean.
fn stat_factor(metric: &str, stat: &str) -> f64 {
    if metric != "TargetResponseTime" {
        return 1.0;
    }
    match stat {
        "p50" => 0.8,
        "p90" => 2.5,
        "p99" => 7.0,
        "Maximum" => 9.0,
        _ => 1.0,
    }
}

/// The simulated answer to `request`.
pub fn get_metric_data(
    seed: u64,
    clock: &IncidentClock,
    profile: &EnvProfile,
    request: &MetricDataRequest,
) -> MetricData {
    let env = profile.name.as_str();
    let period = request.period.max(60);
    let step = i64::from(period);
    let first = request.start.div_euclid(step) * step;
    let count = ((request.end - first) / step).clamp(0, MAX_POINTS);
    let times: Vec<Epoch> = (0..count).map(|k| first + k * step).collect();
    let at = |t: Epoch| At {
        seed,
        clock,
        env,
        t,
        period,
        request,
    };
    let series = request
        .queries
        .iter()
        .filter(|q| q.return_data)
        .map(|q| MetricSeries {
            id: q.id.clone(),
            label: q.label.clone(),
            points: times
                .iter()
                .filter_map(|&t| at(t).id(&q.id).map(|v| (t, v)))
                .collect(),
            status: "Complete".into(),
            messages: Vec::new(),
        })
        .collect();
    MetricData {
        series,
        start: request.start,
        end: request.end,
        period: request.period,
    }
}

/// The request's queries resolved at one instant.
struct At<'a> {
    seed: u64,
    clock: &'a IncidentClock,
    env: &'a str,
    t: Epoch,
    period: i32,
    request: &'a MetricDataRequest,
}

impl Resolve for At<'_> {
    fn id(&self, id: &str) -> Option<f64> {
        let q = self.request.queries.iter().find(|q| q.id == id)?;
        match &q.kind {
            QueryKind::Metric(m) => value(
                self.seed,
                self.clock,
                self.env,
                &m.metric_name,
                &m.dimensions,
                self.t,
                self.period,
            )
            .map(|v| v * stat_factor(&m.metric_name, &m.stat)),
            QueryKind::Expression(e) => metric_expr::eval(e, self),
        }
    }

    fn metric(&self, name: &str) -> Option<f64> {
        value(
            self.seed,
            self.clock,
            self.env,
            name,
            &[],
            self.t,
            self.period,
        )
    }
}

/// The environment's ALB ARN when `name` is its `{project}-{env}-alb`.
pub fn find_load_balancer(seed: u64, profile: &EnvProfile, name: &str) -> Option<String> {
    let expected = format!("{PROJECT}-{}-alb", profile.name);
    (name == expected).then(|| {
        let id = rng::rng(seed, &[&profile.name, "alb"]).hex(16);
        format!(
            "arn:aws:elasticloadbalancing:{REGION}:{}:loadbalancer/app/{name}/{id}",
            profile.account
        )
    })
}

/// The environment's alarms at `now`, ALARM first.
pub fn alarms(seed: u64, clock: &IncidentClock, profile: &EnvProfile, now: Epoch) -> Vec<Alarm> {
    let env = profile.name.as_str();
    let v = |metric: &str, dims: &[(String, String)]| {
        value(seed, clock, env, metric, dims, now - 60, 60).unwrap_or(0.0)
    };
    let ecs = [("ServiceName".to_string(), String::new())];
    let rds = [("DBInstanceIdentifier".to_string(), String::new())];
    let mut defs: Vec<(&str, &str, &str, f64, bool)> = vec![
        (
            "alb-5xx-errors",
            "AWS/ApplicationELB",
            "HTTPCode_Target_5XX_Count",
            10.0,
            v("HTTPCode_Target_5XX_Count", &[]) > 10.0,
        ),
        (
            "alb-p99-latency",
            "AWS/ApplicationELB",
            "TargetResponseTime",
            2.0,
            v("TargetResponseTime", &[]) * 7.0 > 2.0,
        ),
        (
            "alb-unhealthy-hosts",
            "AWS/ApplicationELB",
            "UnHealthyHostCount",
            0.0,
            v("UnHealthyHostCount", &[]) > 0.0,
        ),
        (
            "ecs-cpu-high",
            "AWS/ECS",
            "CPUUtilization",
            80.0,
            v("CPUUtilization", &ecs) > 80.0,
        ),
        (
            "rds-cpu-high",
            "AWS/RDS",
            "CPUUtilization",
            80.0,
            v("CPUUtilization", &rds) > 80.0,
        ),
        (
            "rds-free-storage-low",
            "AWS/RDS",
            "FreeStorageSpace",
            5e9,
            v("FreeStorageSpace", &[]) < 5e9,
        ),
    ];
    if clock.drill {
        // The seed's §10.1 rules a drill's faults trip that the demo's dashboard shows as
        // threshold verdicts only.
        let redis = [("CacheClusterId".to_string(), String::new())];
        defs.push((
            "redis-memory-high",
            "AWS/ElastiCache",
            "DatabaseMemoryUsagePercentage",
            80.0,
            v("DatabaseMemoryUsagePercentage", &redis) > 80.0,
        ));
        defs.push((
            "rds-connections-high",
            "AWS/RDS",
            "DatabaseConnections",
            1440.0,
            v("DatabaseConnections", &rds) > 1440.0,
        ));
    }
    let mut out: Vec<Alarm> = defs
        .iter()
        .map(|(name, ns, metric, threshold, firing)| Alarm {
            name: format!("{PROJECT}-{env}-{name}"),
            state: if *firing {
                AlarmState::Alarm
            } else {
                AlarmState::Ok
            },
            reason: if *firing {
                format!("Threshold Crossed: 1 datapoint was beyond the threshold ({threshold}).")
            } else {
                format!("Threshold Crossed: no datapoint was beyond the threshold ({threshold}).")
            },
            namespace: Some((*ns).to_string()),
            metric_name: Some((*metric).to_string()),
            threshold: Some(*threshold),
            updated_at: Some(now - 60),
        })
        .collect();
    out.sort_by(|a, b| a.state.cmp(&b.state).then_with(|| a.name.cmp(&b.name)));
    out
}

const INCIDENT_ERRORS: [&str; 4] = [
    "ERROR app.main: GET /api/v1/orders 500 KeyError: 'FEATURE_FLAGS_URL' (v1.9.0)",
    "ERROR app.main: POST /api/v1/checkout 500 KeyError: 'FEATURE_FLAGS_URL' (v1.9.0)",
    "ERROR uvicorn.error: Application startup failed. Exiting.",
    "ERROR app.db: connection pool exhausted (size=20) waiting for a connection",
];
const CALM_ERRORS: [&str; 2] = [
    "ERROR app.cache: redis timeout after 500ms on GET session:*; falling back to the database",
    "ERROR app.main: GET /api/v1/reports 504 upstream timed out",
];

/// Bytes the simulated environment logs per hour and log group (prod ~1 GB/h).
pub fn logged_bytes_per_hour(profile: &EnvProfile) -> f64 {
    match profile.name.as_str() {
        "prod" => 1e9,
        "staging" => 1e8,
        _ => 2e7,
    }
}

/// What Logs Insights scans for a query over `groups` log groups and `seconds` of logs.
pub fn scanned_bytes(profile: &EnvProfile, groups: usize, seconds: Epoch) -> f64 {
    logged_bytes_per_hour(profile) * groups as f64 * seconds.max(0) as f64 / 3600.0
}

/// The seed's recent-errors query over the environment's log groups in `[start, end]`:
/// up to 20 rows, newest first.
pub fn recent_errors(
    seed: u64,
    clock: &IncidentClock,
    profile: &EnvProfile,
    log_groups: &[String],
    start: Epoch,
    end: Epoch,
) -> Vec<LogRow> {
    let env = profile.name.as_str();
    let Some(group) = log_groups.first() else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    // Calm background: one error roughly every 40 minutes.
    let calm_step = 2_400;
    let mut t = end.div_euclid(calm_step) * calm_step;
    while t >= start && rows.len() < 40 {
        let k = rng::key(seed, &[env, "calm", &t.to_string()]);
        rows.push((t - (k % 600) as i64, CALM_ERRORS[(k % 2) as usize]));
        t -= calm_step;
    }
    if let Some(deploy) = clock.deploy_at {
        // A line every 7 s while the bad deployment hurts.
        let first = clock.start + deploy + 30;
        let mut t = first + (start - first).max(0).div_euclid(7) * 7;
        while t <= end {
            if clock.badness(env, t) > 0.05 {
                let k = rng::key(seed, &[env, "incident", &t.to_string()]);
                rows.push((t, INCIDENT_ERRORS[(k % 4) as usize]));
            } else if t > first + 900 && clock.badness(env, t) == 0.0 {
                break;
            }
            t += 7;
        }
    }
    rows.extend(
        super::fault_logs::rows(seed, clock, env, start, end)
            .into_iter()
            .filter(|(_, m)| m.starts_with("ERROR")),
    );
    rows.retain(|(t, _)| *t >= start && *t <= end);
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    rows.truncate(20);
    rows.into_iter()
        .map(|(t, m)| LogRow {
            timestamp: insights_time(t),
            message: m.to_string(),
            log_stream: Some(format!(
                "{}/{}",
                group.trim_start_matches('/'),
                rng::rng(seed, &[env, "stream"]).hex(32)
            )),
        })
        .collect()
}

/// `2026-09-01 00:03:12.000`, as Logs Insights prints `@timestamp`.
fn insights_time(t: Epoch) -> String {
    let fmt =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second].000");
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| d.format(&fmt).ok())
        .unwrap_or_else(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prod_badness_follows_the_incident() {
        assert_eq!(badness("prod", 60, None), 0.0);
        assert_eq!(badness("prod", 149, None), 0.0);
        assert!(badness("prod", 200, None) > 0.3);
        assert_eq!(badness("prod", 400, None), 1.0);
        assert!(badness("prod", 800, None) > 0.0 && badness("prod", 800, None) < 1.0);
        assert_eq!(badness("prod", 900, None), 0.0);
        assert_eq!(badness("staging", 400, None), 0.0);
    }

    #[test]
    fn staging_is_short_of_storage() {
        let v = value(
            1,
            &IncidentClock::scripted(0),
            "staging",
            "FreeStorageSpace",
            &[],
            60,
            60,
        )
        .unwrap_or(0.0);
        assert!(v < 5e9 && v > 3e9, "{v}");
    }

    #[test]
    fn alb_lookup_by_convention() {
        let p = EnvProfile::for_env("prod");
        let arn = find_load_balancer(1, &p, "cloudplatform-prod-alb").unwrap_or_default();
        assert!(
            arn.contains(":loadbalancer/app/cloudplatform-prod-alb/"),
            "{arn}"
        );
        assert_eq!(find_load_balancer(1, &p, "other"), None);
    }

    #[test]
    fn errors_are_newest_first_and_bounded() {
        let p = EnvProfile::for_env("prod");
        let rows = recent_errors(
            1,
            &IncidentClock::scripted(0),
            &p,
            &["/ecs/prod/fastapi".into()],
            -3600,
            600,
        );
        assert_eq!(rows.len(), 20);
        assert!(rows.windows(2).all(|w| w[0].timestamp >= w[1].timestamp));
        assert!(recent_errors(1, &IncidentClock::scripted(0), &p, &[], 0, 600).is_empty());
    }
}
