//! What the Cost pane and `opsdeck cost` compute from Cost Explorer's answers: month to
//! date by service, the 30-day trend against the 30 days before, top movers, the
//! month-end projection against the budget, and the seed's cost levers (§11.2) that apply.

use std::collections::BTreeMap;

use crate::cloud::{CostAnomalies, CostMetric, CostUsage, DAY, Epoch, day_start, month_start};
use crate::level::Level;

/// Days in the trend chart.
pub const TREND_DAYS: i64 = 30;
/// Days averaged to find movers.
pub const MOVER_DAYS: i64 = 7;
/// Projection at or above this share of the budget is a warning.
pub const BUDGET_WARNING_RATIO: f64 = 0.9;

/// A service and an amount.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceTotal {
    pub service: String,
    pub amount: f64,
}

/// Month to date by service, biggest first, and the total (today's partial day included).
pub fn month_to_date(
    usage: &CostUsage,
    metric: CostMetric,
    now: Epoch,
) -> (f64, Vec<ServiceTotal>) {
    let from = month_start(now);
    let mut by: BTreeMap<&str, f64> = BTreeMap::new();
    for d in usage.days.iter().filter(|d| d.day >= from && d.day <= now) {
        for s in &d.services {
            *by.entry(s.service.as_str()).or_default() += s.amount(metric);
        }
    }
    let mut rows: Vec<ServiceTotal> = by
        .into_iter()
        .map(|(service, amount)| ServiceTotal {
            service: service.to_owned(),
            amount,
        })
        .collect();
    rows.sort_by(|a, b| b.amount.total_cmp(&a.amount));
    (no_negative_zero(rows.iter().map(|r| r.amount).sum()), rows)
}

/// Spent this month before today (full days): what the forecast (today → month end) adds to.
pub fn spent_before_today(usage: &CostUsage, metric: CostMetric, now: Epoch) -> f64 {
    let (from, today) = (month_start(now), day_start(now));
    no_negative_zero(
        usage
            .days
            .iter()
            .filter(|d| d.day >= from && d.day < today)
            .map(|d| d.total(metric))
            .sum(),
    )
}

/// An empty float sum is -0.0, which prints as "-0.00".
fn no_negative_zero(v: f64) -> f64 {
    if v == 0.0 { 0.0 } else { v }
}

fn daily_totals(usage: &CostUsage, metric: CostMetric) -> BTreeMap<Epoch, f64> {
    usage
        .days
        .iter()
        .map(|d| (d.day, d.total(metric)))
        .collect()
}

/// The last [`TREND_DAYS`] full days (day, cost) and, for the same positions, the 30 days
/// before them (`None` where Cost Explorer had no data).
pub fn trend(usage: &CostUsage, metric: CostMetric, now: Epoch) -> Vec<(Epoch, f64, Option<f64>)> {
    let totals = daily_totals(usage, metric);
    let today = day_start(now);
    (1..=TREND_DAYS)
        .rev()
        .map(|ago| {
            let day = today - ago * DAY;
            let before = totals.get(&(day - TREND_DAYS * DAY)).copied();
            (day, totals.get(&day).copied().unwrap_or(0.0), before)
        })
        .collect()
}

/// A service whose daily cost changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Mover {
    pub service: String,
    /// Average per day over the same days a month (30 days) earlier.
    pub before: f64,
    /// Average per day over the last [`MOVER_DAYS`] full days.
    pub after: f64,
}

impl Mover {
    /// Change per day.
    pub fn delta(&self) -> f64 {
        self.after - self.before
    }
}

fn service_average(
    usage: &CostUsage,
    metric: CostMetric,
    from: Epoch,
    to: Epoch,
) -> BTreeMap<String, f64> {
    let mut by: BTreeMap<String, f64> = BTreeMap::new();
    for d in usage.days.iter().filter(|d| d.day >= from && d.day < to) {
        for s in &d.services {
            *by.entry(s.service.clone()).or_default() += s.amount(metric);
        }
    }
    let days = ((to - from) / DAY).max(1) as f64;
    by.values_mut().for_each(|v| *v /= days);
    by
}

/// Services whose average daily cost over the last [`MOVER_DAYS`] full days rose most
/// against the same days 30 days earlier; at most `n`, rises of at least one cent only.
pub fn top_movers(usage: &CostUsage, metric: CostMetric, now: Epoch, n: usize) -> Vec<Mover> {
    let today = day_start(now);
    let recent = service_average(usage, metric, today - MOVER_DAYS * DAY, today);
    let shift = TREND_DAYS * DAY;
    let earlier = service_average(
        usage,
        metric,
        today - MOVER_DAYS * DAY - shift,
        today - shift,
    );
    let mut movers: Vec<Mover> = recent
        .iter()
        .map(|(service, after)| Mover {
            service: service.clone(),
            before: earlier.get(service).copied().unwrap_or(0.0),
            after: *after,
        })
        .filter(|m| m.delta() >= 0.01)
        .collect();
    movers.sort_by(|a, b| b.delta().total_cmp(&a.delta()));
    movers.truncate(n);
    movers
}

/// How the month-end projection stands against the budget: ok below 90 %, warning from
/// 90 % up to the budget, critical once it passes the budget.
pub fn budget_level(projected: f64, budget: f64) -> Level {
    if budget <= 0.0 || !projected.is_finite() {
        return Level::Unknown;
    }
    let ratio = projected / budget;
    if ratio > 1.0 {
        Level::Critical
    } else if ratio >= BUDGET_WARNING_RATIO {
        Level::Warning
    } else {
        Level::Ok
    }
}

fn is_compute(service: &str) -> bool {
    service.contains("Elastic Container Service") || service.contains("Relational Database")
}

/// NAT gateways are billed under "EC2 - Other".
fn is_nat(service: &str) -> bool {
    service == "EC2 - Other"
}

/// Share of month-to-date spend in "EC2 - Other" from which the NAT lever is shown.
pub const NAT_SHARE_HINT: f64 = 0.2;
/// Compute cost of the last days, against the two weeks before, that suggests dev
/// stayed up at night.
pub const DEV_AWAKE_RATIO: f64 = 1.5;

/// The seed's cost levers (§11.2) that the data says apply, most useful first.
pub fn levers(
    env: &str,
    usage: &CostUsage,
    anomalies: Option<&CostAnomalies>,
    metric: CostMetric,
    now: Epoch,
) -> Vec<String> {
    let mut hints = Vec::new();
    let today = day_start(now);
    if env == "dev" {
        let compute = |from: Epoch, to: Epoch| -> f64 {
            service_average(usage, metric, from, to)
                .iter()
                .filter(|(s, _)| is_compute(s))
                .map(|(_, v)| v)
                .sum()
        };
        let recent = compute(today - 3 * DAY, today);
        let usual = compute(today - 17 * DAY, today - 3 * DAY);
        if usual > 0.0 && recent >= usual * DEV_AWAKE_RATIO {
            hints.push(format!(
                "dev compute (ECS + RDS) runs at {:.1}x its usual daily cost: is dev up at night? \
                 Auto-shutdown saves ~60% on dev: runbook dev-scale-down (8 PM), dev-scale-up (8 AM)",
                recent / usual
            ));
        }
    }
    let (total, by_service) = month_to_date(usage, metric, now);
    let nat: f64 = by_service
        .iter()
        .filter(|s| is_nat(&s.service))
        .map(|s| s.amount)
        .sum();
    let nat_anomaly = anomalies.is_some_and(|a| {
        a.anomalies.iter().any(|a| {
            a.root_causes.iter().any(|c| {
                c.usage_type
                    .as_deref()
                    .is_some_and(|u| u.contains("NatGateway"))
            })
        })
    });
    if total > 0.0 && (nat / total >= NAT_SHARE_HINT || nat_anomaly) {
        hints.push(format!(
            "NAT gateways (EC2 - Other) are {:.0}% of this month (${nat:.2}) at $0.045/GB processed: \
             send S3, ECR and CloudWatch Logs through VPC endpoints (S3 gateway free, interface ~$7/month each){}",
            nat / total * 100.0,
            if env == "dev" || env == "staging" {
                "; one NAT gateway outside prod"
            } else {
                ""
            }
        ));
    }
    hints
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::{AnomalyCause, CostAnomaly, DailyCost, ServiceCost};

    /// 2026-09-15T10:00:00Z.
    const NOW: Epoch = 1_788_220_800 + 14 * DAY + 10 * 3600;

    fn usage(f: impl Fn(&str, i64) -> f64) -> CostUsage {
        let today = day_start(NOW);
        let days = (0..=60)
            .rev()
            .map(|ago| DailyCost {
                day: today - ago * DAY,
                estimated: ago == 0,
                services: ["EC2 - Other", "Amazon Elastic Container Service", "AWS WAF"]
                    .iter()
                    .map(|s| ServiceCost {
                        service: (*s).into(),
                        unblended: f(s, ago),
                        amortized: f(s, ago) / 2.0,
                    })
                    .collect(),
            })
            .collect();
        CostUsage {
            days,
            unit: "USD".into(),
            requests: 1,
        }
    }

    #[test]
    fn month_to_date_sums_this_month_by_service() {
        let u = usage(|s, _| if s == "AWS WAF" { 1.0 } else { 2.0 });
        let (total, rows) = month_to_date(&u, CostMetric::Unblended, NOW);
        // 1..=15 September: 15 days (today's partial day included).
        assert_eq!(total, 15.0 * 5.0);
        assert_eq!(rows[2].service, "AWS WAF");
        assert_eq!(rows[2].amount, 15.0);
        let (amortized, _) = month_to_date(&u, CostMetric::Amortized, NOW);
        assert_eq!(amortized, total / 2.0);
        assert_eq!(
            spent_before_today(&u, CostMetric::Unblended, NOW),
            14.0 * 5.0
        );
    }

    #[test]
    fn movers_are_the_biggest_daily_rises() {
        let u = usage(|s, ago| match (s, ago) {
            ("EC2 - Other", 1..=7) => 12.0,
            ("Amazon Elastic Container Service", 1..=7) => 3.0,
            ("AWS WAF", 1..=7) => 0.5,
            _ => 2.0,
        });
        let m = top_movers(&u, CostMetric::Unblended, NOW, 5);
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(m[0].service, "EC2 - Other");
        assert_eq!((m[0].before, m[0].after), (2.0, 12.0));
        assert_eq!(m[1].delta(), 1.0);
        assert_eq!(top_movers(&u, CostMetric::Unblended, NOW, 1).len(), 1);
        assert!(top_movers(&CostUsage::default(), CostMetric::Unblended, NOW, 5).is_empty());
    }

    #[test]
    fn trend_pairs_each_day_with_thirty_days_before() {
        let u = usage(|_, ago| ago as f64);
        let t = trend(&u, CostMetric::Unblended, NOW);
        assert_eq!(t.len(), 30);
        assert_eq!(t[29].0, day_start(NOW) - DAY);
        // Yesterday: 3 services x 1; thirty days before: 3 x 31.
        assert_eq!((t[29].1, t[29].2), (3.0, Some(93.0)));
        let empty = trend(&CostUsage::default(), CostMetric::Unblended, NOW);
        assert!(empty.iter().all(|(_, v, b)| *v == 0.0 && b.is_none()));
    }

    #[test]
    fn budget_levels() {
        assert_eq!(budget_level(500.0, 600.0), Level::Ok);
        assert_eq!(budget_level(540.0, 600.0), Level::Warning);
        assert_eq!(budget_level(600.0, 600.0), Level::Warning);
        assert_eq!(budget_level(600.01, 600.0), Level::Critical);
        assert_eq!(budget_level(1.0, 0.0), Level::Unknown);
        assert_eq!(budget_level(f64::NAN, 600.0), Level::Unknown);
    }

    #[test]
    fn levers_apply_only_when_the_data_says_so() {
        let calm = usage(|s, _| if s == "EC2 - Other" { 0.1 } else { 2.0 });
        assert!(levers("dev", &calm, None, CostMetric::Unblended, NOW).is_empty());
        let awake = usage(|s, ago| match (s, ago) {
            ("Amazon Elastic Container Service", 0..=3) => 5.0,
            ("EC2 - Other", _) => 0.1,
            _ => 2.0,
        });
        let hints = levers("dev", &awake, None, CostMetric::Unblended, NOW);
        assert_eq!(hints.len(), 1, "{hints:?}");
        assert!(hints[0].contains("dev-scale-down"), "{hints:?}");
        assert!(levers("prod", &awake, None, CostMetric::Unblended, NOW).is_empty());
        let nat = CostAnomalies {
            anomalies: vec![CostAnomaly {
                root_causes: vec![AnomalyCause {
                    usage_type: Some("USE1-NatGateway-Bytes".into()),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            requests: 1,
        };
        let hints = levers("prod", &calm, Some(&nat), CostMetric::Unblended, NOW);
        assert!(hints[0].contains("VPC endpoints"), "{hints:?}");
    }
}
