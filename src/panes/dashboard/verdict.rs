//! Thresholds evaluation: every dashboard value against the seed's alarm thresholds
//! (§10.1, overridable in `[thresholds]`), giving a level per value and one verdict line
//! per tier ("DB: FreeStorageSpace 3.1 GB < 5 GB"). Pure: data in, findings out.

use crate::cloud::{EcsService, MetricData, MetricSeries};
use crate::config::Thresholds;
use crate::level::Level;
use crate::panes::dashboard::query::ids;
use crate::panes::dashboard::rules::{Dir, Rule, Scale, rules};
pub use crate::panes::dashboard::tier::Tier;

/// One breached threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub tier: Tier,
    /// The query id (or `tasks`) the finding is about.
    pub id: &'static str,
    pub level: Level,
    /// `FreeStorageSpace 3.1 GB < 5 GB`.
    pub text: String,
}

/// One tier's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct TierVerdict {
    pub tier: Tier,
    /// Worst level of the tier (`Unknown` when it has no data).
    pub level: Level,
    /// `DB: FreeStorageSpace 3.1 GB < 5 GB` or `DB: OK`.
    pub line: String,
    pub findings: Vec<Finding>,
}

/// A value in a rule's display unit: `3.1 GB`, `12.0/min`, `2.35 s`, `25 ms`, `86%`.
fn show(scale: Scale, v: f64) -> String {
    match scale {
        Scale::Unit("%") => format!("{v:.0}%"),
        Scale::Unit(u) => format!("{}{u}", compact(v)),
        Scale::PerMinute => format!("{}/min", compact(v)),
        Scale::Bytes(div, u) => format!("{} {u}", trimmed(v / div, 1)),
        Scale::Millis => format!("{:.0} ms", v * 1e3),
        Scale::Seconds => format!("{} s", trimmed(v, 2)),
    }
}

/// `v` with at most `decimals` decimals, trailing zeros dropped (`5`, `3.1`, `0.35`).
pub fn trimmed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// `950`, `1.2k`, `3.4M`; fractions keep one decimal.
pub fn compact(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() {
        "–".to_string()
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn per_minute(v: f64, period: i32) -> f64 {
    v * 60.0 / f64::from(period.max(60))
}

/// The value the rule compares: the latest point, or, for a sustained rule, the least
/// breaching of the points covering its duration.
fn rule_value(rule: &Rule, s: &MetricSeries, period: i32) -> Option<f64> {
    let norm = |v: f64| match rule.scale {
        Scale::PerMinute => per_minute(v, period),
        _ => v,
    };
    let latest = s.latest().map(norm)?;
    if rule.sustained <= 0 {
        return Some(latest);
    }
    let n = (rule.sustained / i64::from(period.max(60))).max(1) as usize;
    if s.points.len() < n {
        return Some(latest);
    }
    let tail = s.points[s.points.len() - n..].iter().map(|(_, v)| norm(*v));
    Some(match rule.dir {
        Dir::Above => tail.fold(f64::INFINITY, f64::min),
        Dir::Below => tail.fold(f64::NEG_INFINITY, f64::max),
    })
}

/// The level of the latest value of query `id` (for colouring one widget).
pub fn level_of(data: &MetricData, id: &str, t: &Thresholds) -> Level {
    let Some(rule) = rules(t).into_iter().find(|r| r.id == id) else {
        return Level::Unknown;
    };
    match data.get(id).and_then(|s| rule_value(&rule, s, data.period)) {
        None => Level::Unknown,
        Some(v) if breached(&rule, v) => rule.level,
        Some(_) => Level::Ok,
    }
}

fn breached(rule: &Rule, v: f64) -> bool {
    match rule.dir {
        Dir::Above => v > rule.threshold,
        Dir::Below => v < rule.threshold,
    }
}

/// Every breached threshold in `data`, plus the service's task count against `min_tasks`
/// and its desired count.
pub fn findings(
    data: Option<&MetricData>,
    service: Option<&EcsService>,
    t: &Thresholds,
    min_tasks: u32,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(data) = data {
        for rule in rules(t) {
            let Some(v) = data
                .get(rule.id)
                .and_then(|s| rule_value(&rule, s, data.period))
            else {
                continue;
            };
            if breached(&rule, v) {
                let op = if rule.dir == Dir::Above { ">" } else { "<" };
                let mut text = format!(
                    "{} {} {op} {}",
                    rule.name,
                    show(rule.scale, v),
                    show(rule.scale, rule.threshold)
                );
                if rule.sustained > 0 {
                    text.push_str(&format!(" for {} min", rule.sustained / 60));
                }
                out.push(Finding {
                    tier: rule.tier,
                    id: rule.id,
                    level: rule.level,
                    text,
                });
            }
        }
    }
    if let Some(s) = service {
        if s.running < min_tasks as i32 {
            out.push(Finding {
                tier: Tier::Compute,
                id: "tasks",
                level: Level::Critical,
                text: format!("running tasks {} < minimum {min_tasks}", s.running),
            });
        } else if s.running < s.desired {
            out.push(Finding {
                tier: Tier::Compute,
                id: "tasks",
                level: Level::Warning,
                text: format!("running tasks {} < desired {}", s.running, s.desired),
            });
        }
        if let (Some(data), true) = (data, s.desired > 0)
            && let Some(h) = data.latest(ids::HEALTHY)
            && h < f64::from(s.desired)
        {
            out.push(Finding {
                tier: Tier::Requests,
                id: ids::HEALTHY,
                level: Level::Warning,
                text: format!("HealthyHostCount {} < desired {}", compact(h), s.desired),
            });
        }
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.level));
    out
}

/// True when the tier has any data to judge.
fn has_data(tier: Tier, data: Option<&MetricData>, service: Option<&EcsService>) -> bool {
    let Some(data) = data else {
        return tier == Tier::Compute && service.is_some();
    };
    let ids: &[&str] = match tier {
        Tier::Requests => &[ids::REQUESTS, ids::P99, ids::E5XX],
        Tier::Compute => &[ids::ECS_CPU, ids::ECS_MEM],
        Tier::Database => &[ids::RDS_FREE, ids::RDS_CPU, ids::RDS_CONN],
        Tier::Cache => &[ids::REDIS_HITS, ids::REDIS_MEM, ids::REDIS_CONN],
    };
    ids.iter().any(|id| data.latest(id).is_some()) || (tier == Tier::Compute && service.is_some())
}

/// One verdict per tier, in display order.
pub fn verdicts(
    data: Option<&MetricData>,
    service: Option<&EcsService>,
    t: &Thresholds,
    min_tasks: u32,
) -> Vec<TierVerdict> {
    let all = findings(data, service, t, min_tasks);
    Tier::ALL
        .into_iter()
        .map(|tier| {
            let findings: Vec<Finding> = all.iter().filter(|f| f.tier == tier).cloned().collect();
            let (level, line) = match findings.first() {
                Some(worst) => (
                    worst.level,
                    format!(
                        "{}: {}",
                        tier.short(),
                        findings
                            .iter()
                            .map(|f| f.text.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                ),
                None if has_data(tier, data, service) => {
                    (Level::Ok, format!("{}: OK", tier.short()))
                }
                None => (Level::Unknown, format!("{}: no data", tier.short())),
            };
            TierVerdict {
                tier,
                level,
                line,
                findings,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(period: i32, series: &[(&str, &[f64])]) -> MetricData {
        MetricData {
            series: series
                .iter()
                .map(|(id, vals)| MetricSeries {
                    id: (*id).to_string(),
                    points: vals
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (i as i64 * i64::from(period), *v))
                        .collect(),
                    ..Default::default()
                })
                .collect(),
            start: 0,
            end: 3_600,
            period,
        }
    }

    fn service(running: i32, desired: i32) -> EcsService {
        EcsService {
            running,
            desired,
            ..Default::default()
        }
    }

    #[test]
    fn connections_are_judged_against_max_only_once_it_is_known() {
        let d = data(60, &[(ids::RDS_CONN, &[1500.0; 5])]);
        let t = Thresholds::default();
        let unknown = verdicts(Some(&d), None, &t, 1);
        assert_eq!(unknown[2].level, Level::Ok, "no max: not judged");
        let v = verdicts(Some(&d), None, &t.with_max_connections(Some(1802)), 1);
        assert_eq!(v[2].level, Level::Warning);
        assert_eq!(v[2].line, "DB: DatabaseConnections 1.5k > 1.4k for 5 min");
        let calm = data(
            60,
            &[(ids::RDS_CONN, &[1500.0, 1500.0, 1500.0, 1500.0, 90.0])],
        );
        let v = verdicts(Some(&calm), None, &t.with_max_connections(Some(1802)), 1);
        assert_eq!(v[2].level, Level::Ok, "sustained 5 min, not a spike");
    }

    #[test]
    fn free_storage_verdict_reads_like_the_issue() {
        let d = data(60, &[(ids::RDS_FREE, &[3.1e9])]);
        let v = verdicts(Some(&d), None, &Thresholds::default(), 1);
        let db = &v[2];
        assert_eq!(db.tier, Tier::Database);
        assert_eq!(db.level, Level::Critical);
        assert_eq!(db.line, "DB: FreeStorageSpace 3.1 GB < 5 GB");
    }

    #[test]
    fn healthy_tiers_say_ok_and_missing_ones_no_data() {
        let d = data(
            60,
            &[
                (ids::REQUESTS, &[1000.0]),
                (ids::P99, &[0.3]),
                (ids::E5XX, &[2.0]),
            ],
        );
        let v = verdicts(Some(&d), None, &Thresholds::default(), 1);
        assert_eq!(v[0].line, "ALB: OK");
        assert_eq!(v[0].level, Level::Ok);
        assert_eq!(v[3].line, "Cache: no data");
        assert_eq!(v[3].level, Level::Unknown);
        assert!(
            verdicts(None, None, &Thresholds::default(), 1)
                .iter()
                .all(|t| t.level == Level::Unknown)
        );
    }

    #[test]
    fn per_minute_thresholds_scale_with_the_period() {
        // 5xx summed over 5-minute periods: 40 per period = 8/min, under 10/min.
        let d = data(300, &[(ids::E5XX, &[40.0])]);
        assert!(findings(Some(&d), None, &Thresholds::default(), 1).is_empty());
        let d = data(300, &[(ids::E5XX, &[100.0])]);
        let f = findings(Some(&d), None, &Thresholds::default(), 1);
        assert_eq!(f[0].text, "5xx 20/min > 10/min");
        assert_eq!(f[0].level, Level::Critical);
    }

    #[test]
    fn sustained_rules_need_the_whole_window() {
        let spike = data(60, &[(ids::ECS_CPU, &[50.0, 50.0, 50.0, 50.0, 95.0])]);
        assert!(findings(Some(&spike), None, &Thresholds::default(), 1).is_empty());
        let long = data(60, &[(ids::ECS_CPU, &[50.0, 85.0, 90.0, 95.0, 91.0, 88.0])]);
        let f = findings(Some(&long), None, &Thresholds::default(), 1);
        assert_eq!(f[0].text, "CPU 85% > 80% for 5 min");
    }

    #[test]
    fn overrides_apply() {
        let t = Thresholds {
            rds_free_storage_gb: 2.0,
            ..Thresholds::default()
        };
        let d = data(60, &[(ids::RDS_FREE, &[3.1e9])]);
        assert!(findings(Some(&d), None, &t, 1).is_empty());
        assert_eq!(level_of(&d, ids::RDS_FREE, &t), Level::Ok);
        assert_eq!(
            level_of(&d, ids::RDS_FREE, &Thresholds::default()),
            Level::Critical
        );
        assert_eq!(level_of(&d, ids::P99, &t), Level::Unknown);
    }

    #[test]
    fn tasks_below_minimum_or_desired() {
        let v = verdicts(None, Some(&service(2, 3)), &Thresholds::default(), 3);
        assert_eq!(v[1].level, Level::Critical);
        assert_eq!(v[1].line, "ECS: running tasks 2 < minimum 3");
        let v = verdicts(None, Some(&service(3, 4)), &Thresholds::default(), 3);
        assert_eq!(v[1].level, Level::Warning);
        let v = verdicts(None, Some(&service(3, 3)), &Thresholds::default(), 3);
        assert_eq!(v[1].line, "ECS: OK");
    }

    #[test]
    fn worst_finding_first_and_unhealthy_hosts_are_critical() {
        let d = data(
            60,
            &[
                (ids::E4XX, &[500.0]),
                (ids::UNHEALTHY, &[2.0]),
                (ids::P99, &[3.2]),
            ],
        );
        let v = verdicts(Some(&d), None, &Thresholds::default(), 1);
        assert_eq!(v[0].level, Level::Critical);
        assert!(
            v[0].line.starts_with("ALB: p99 latency 3.2 s > 2 s"),
            "{}",
            v[0].line
        );
        assert!(v[0].line.contains("4xx 500/min > 100/min"), "{}", v[0].line);
    }

    #[test]
    fn empty_series_and_non_finite_are_no_data() {
        let d = data(60, &[(ids::RDS_FREE, &[])]);
        assert!(findings(Some(&d), None, &Thresholds::default(), 1).is_empty());
        assert_eq!(compact(f64::NAN), "–");
        assert_eq!(compact(1234.0), "1.2k");
        assert_eq!(compact(12.5), "12.5");
    }
}
