//! Simulated Cost Explorer: daily cost per service from the seed's §11.1 monthly figures,
//! with a little deterministic jitter, and two stories relative to the simulated today:
//!
//! - prod: NAT gateway data processing ("EC2 - Other", `NatGateway-Bytes`) jumps by
//!   ~$9/day from 9 days ago, so the month-end forecast passes the $600 budget and an
//!   anomaly is open;
//! - dev: the night-time auto-shutdown stopped 2 days ago, so Fargate and RDS cost about
//!   twice as much per day (still under the $120 budget).
//!
//! Today's figure only counts the part of the day that has passed (estimated), as Cost
//! Explorer's does. The forecast extrapolates the last 7 full days to the month's end.

use super::faults::FaultClock;
use super::profile::{EnvProfile, REGION};
use super::rng;
use super::scenario::FaultKind;
use crate::cloud::{
    AnomalyCause, CostAnomalies, CostAnomaly, CostAnomalyRequest, CostFilter, CostForecast,
    CostForecastRequest, CostUsage, CostUsageRequest, DAY, DailyCost, Epoch, ServiceCost,
    day_start,
};

/// Cost Explorer's service names.
pub const FARGATE: &str = "Amazon Elastic Container Service";
pub const RDS: &str = "Amazon Relational Database Service";
pub const ELASTICACHE: &str = "Amazon ElastiCache";
/// NAT gateways are billed under "EC2 - Other".
pub const EC2_OTHER: &str = "EC2 - Other";
pub const ELB: &str = "Amazon Elastic Load Balancing";
pub const CLOUDWATCH: &str = "AmazonCloudWatch";
pub const S3: &str = "Amazon Simple Storage Service";
pub const WAF: &str = "AWS WAF";
pub const SECRETS: &str = "AWS Secrets Manager";
pub const KMS: &str = "AWS Key Management Service";
pub const GUARDDUTY: &str = "Amazon GuardDuty";
pub const ROUTE53: &str = "Amazon Route 53";

/// Days (before today) since prod's NAT spike started.
const NAT_SPIKE_DAYS: i64 = 9;
/// Extra NAT data processing per day during the spike (~200 GB at $0.045/GB).
const NAT_SPIKE_PER_DAY: f64 = 9.0;
/// Days (before today) since dev's auto-shutdown stopped working.
const DEV_AWAKE_DAYS: i64 = 2;
/// How much more dev's compute costs when it runs 24 h instead of 10 h a day.
const DEV_AWAKE_FACTOR: f64 = 2.2;

/// Monthly cost per service (seed §11.1).
fn monthly(env: &str) -> &'static [(&'static str, f64)] {
    match env {
        "prod" => &[
            (FARGATE, 130.0),
            (RDS, 120.0),
            (ELASTICACHE, 70.0),
            (EC2_OTHER, 100.0),
            (ELB, 25.0),
            (CLOUDWATCH, 20.0),
            (WAF, 15.0),
            (GUARDDUTY, 8.0),
            (ROUTE53, 4.0),
            (SECRETS, 4.0),
            (KMS, 4.0),
        ],
        "staging" => &[
            (FARGATE, 45.0),
            (RDS, 40.0),
            (ELASTICACHE, 30.0),
            (EC2_OTHER, 35.0),
            (ELB, 20.0),
            (CLOUDWATCH, 10.0),
            (SECRETS, 5.0),
            (KMS, 5.0),
        ],
        _ => &[
            (FARGATE, 10.0),
            (RDS, 15.0),
            (ELASTICACHE, 15.0),
            (EC2_OTHER, 30.0),
            (ELB, 18.0),
            (CLOUDWATCH, 4.0),
            (S3, 1.0),
            (SECRETS, 2.0),
            (KMS, 2.0),
        ],
    }
}

/// The environment's cost on one full day, by service.
fn day_costs(seed: u64, profile: &EnvProfile, day: Epoch, today: Epoch) -> Vec<ServiceCost> {
    let env = profile.name.as_str();
    let days_ago = (today - day) / DAY;
    monthly(env)
        .iter()
        .map(|&(service, per_month)| {
            let mut r = rng::rng(seed, &["cost", env, service, &day.to_string()]);
            let jitter = 1.0 + (r.range(-40, 40) as f64) / 1000.0;
            let mut cost = per_month / 30.0 * jitter;
            if env == "prod" && service == EC2_OTHER && (0..=NAT_SPIKE_DAYS).contains(&days_ago) {
                cost += NAT_SPIKE_PER_DAY * jitter;
            }
            if env == "dev" && [FARGATE, RDS].contains(&service) && days_ago <= DEV_AWAKE_DAYS {
                cost *= DEV_AWAKE_FACTOR;
            }
            // Amortized spreads prod's RDS reservation: a little lower than on-demand.
            let amortized = if env == "prod" && service == RDS {
                cost * 0.85
            } else {
                cost
            };
            ServiceCost {
                service: service.to_owned(),
                unblended: round(cost),
                amortized: round(amortized),
            }
        })
        .collect()
}

fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// True when `filter` selects this environment's costs.
fn selects(filter: &CostFilter, profile: &EnvProfile) -> bool {
    match filter {
        CostFilter::Tag { key, value } => key == "Environment" && *value == profile.name,
        CostFilter::LinkedAccount(a) => *a == profile.account,
    }
}

/// `GetCostAndUsage` at simulated time `now`.
pub fn usage(
    seed: u64,
    profile: &EnvProfile,
    faults: &FaultClock,
    now: Epoch,
    req: &CostUsageRequest,
) -> CostUsage {
    let today = day_start(now);
    let mut days = Vec::new();
    if selects(&req.filter, profile) {
        let mut day = day_start(req.start);
        while day < req.end.min(today + DAY) {
            let mut services = day_costs(seed, profile, day, today);
            let estimated = day >= today - DAY;
            if day == today {
                let part = (now - today) as f64 / DAY as f64;
                for s in &mut services {
                    s.unblended = round(s.unblended * part);
                    s.amortized = round(s.amortized * part);
                }
                // A drill's NAT spike: its rate is USD an hour, all of it counted today.
                let nat = faults.accumulated(FaultKind::NatCost, now) / 60.0;
                if nat > 0.0
                    && let Some(s) = services.iter_mut().find(|s| s.service == EC2_OTHER)
                {
                    s.unblended = round(s.unblended + nat);
                    s.amortized = round(s.amortized + nat);
                }
            }
            days.push(DailyCost {
                day,
                estimated,
                services,
            });
            day += DAY;
        }
    }
    CostUsage {
        days,
        unit: "USD".into(),
        requests: 1,
    }
}

/// `GetCostForecast`: the last 7 full days' average per day, times the days left.
pub fn forecast(
    seed: u64,
    profile: &EnvProfile,
    now: Epoch,
    req: &CostForecastRequest,
) -> CostForecast {
    let today = day_start(now);
    if !selects(&req.filter, profile) {
        return CostForecast {
            unit: "USD".into(),
            requests: 1,
            ..Default::default()
        };
    }
    let week: f64 = (1..=7)
        .map(|ago| {
            day_costs(seed, profile, today - ago * DAY, today)
                .iter()
                .map(|s| s.amount(req.metric))
                .sum::<f64>()
        })
        .sum();
    let days_left = ((req.end - req.start.max(today)) / DAY).max(0) as f64;
    let mean = round(week / 7.0 * days_left);
    CostForecast {
        mean,
        lower: Some(round(mean * 0.9)),
        upper: Some(round(mean * 1.1)),
        unit: "USD".into(),
        requests: 1,
    }
}

/// `GetAnomalies`: prod's open NAT anomaly, and an old CloudWatch blip in staging.
pub fn anomalies(
    seed: u64,
    profile: &EnvProfile,
    faults: &FaultClock,
    now: Epoch,
    req: &CostAnomalyRequest,
) -> CostAnomalies {
    let today = day_start(now);
    let cause = |service: &str, usage_type: &str| AnomalyCause {
        service: Some(service.to_owned()),
        region: Some(REGION.to_owned()),
        usage_type: Some(usage_type.to_owned()),
        linked_account: Some(profile.account.clone()),
    };
    let id = |what: &str| rng::rng(seed, &["anomaly", &profile.name, what]).uuid();
    let mut anomalies = Vec::new();
    match profile.name.as_str() {
        "prod" => anomalies.push(CostAnomaly {
            id: id("nat"),
            start: Some(today - NAT_SPIKE_DAYS * DAY),
            end: None,
            total_impact: round(NAT_SPIKE_PER_DAY * NAT_SPIKE_DAYS as f64),
            max_impact: round(NAT_SPIKE_PER_DAY * 1.04),
            root_causes: vec![cause(EC2_OTHER, "USE1-NatGateway-Bytes")],
        }),
        "staging" => anomalies.push(CostAnomaly {
            id: id("logs"),
            start: Some(today - 21 * DAY),
            end: Some(today - 19 * DAY),
            total_impact: 6.4,
            max_impact: 3.9,
            root_causes: vec![cause(CLOUDWATCH, "USE1-DataProcessing-Bytes")],
        }),
        _ => {}
    }
    for p in faults.of(FaultKind::NatCost).filter(|p| p.onset <= now) {
        let spent = p.accumulated_minutes(now) * p.fault.rate / 60.0;
        anomalies.push(CostAnomaly {
            id: id(&p.fault.id),
            start: Some(day_start(p.onset)),
            end: p.resolved.map(day_start),
            total_impact: round(spent),
            max_impact: round(spent),
            root_causes: vec![cause(EC2_OTHER, "USE1-NatGateway-Bytes")],
        });
    }
    anomalies.retain(|a| {
        let start = a.start.unwrap_or(today);
        a.end.unwrap_or(today) >= req.start && start < req.end
    });
    if let Some(account) = &req.account {
        anomalies.retain(|a| {
            a.root_causes
                .iter()
                .any(|c| c.linked_account.as_ref() == Some(account))
        });
    }
    CostAnomalies {
        anomalies,
        requests: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::{CostMetric, month_start, next_month_start};

    const NOW: Epoch = 1_788_220_800 + 14 * DAY + 10 * 3600;

    fn tag(env: &str) -> CostFilter {
        CostFilter::Tag {
            key: "Environment".into(),
            value: env.into(),
        }
    }

    fn projection(env: &str) -> f64 {
        let p = EnvProfile::for_env(env);
        let today = day_start(NOW);
        let used = usage(
            1,
            &p,
            &FaultClock::default(),
            NOW,
            &CostUsageRequest {
                start: month_start(NOW),
                end: today,
                filter: tag(env),
            },
        );
        let spent: f64 = used
            .days
            .iter()
            .map(|d| d.total(CostMetric::Unblended))
            .sum();
        let f = forecast(
            1,
            &p,
            NOW,
            &CostForecastRequest {
                start: today,
                end: next_month_start(NOW),
                metric: CostMetric::Unblended,
                filter: tag(env),
            },
        );
        spent + f.mean
    }

    #[test]
    fn prod_passes_its_budget_and_dev_does_not() {
        let prod = projection("prod");
        assert!(prod > 600.0, "{prod}");
        let dev = projection("dev");
        assert!(dev < 120.0 * 0.9, "{dev}");
        let staging = projection("staging");
        assert!(staging < 200.0, "{staging}");
    }

    #[test]
    fn other_filters_see_nothing() {
        let p = EnvProfile::for_env("prod");
        let req = CostUsageRequest {
            start: NOW - 30 * DAY,
            end: NOW,
            filter: tag("dev"),
        };
        assert!(
            usage(1, &p, &FaultClock::default(), NOW, &req)
                .days
                .is_empty()
        );
        let req = CostUsageRequest {
            filter: CostFilter::LinkedAccount(p.account.clone()),
            ..req
        };
        assert_eq!(
            usage(1, &p, &FaultClock::default(), NOW, &req).days.len(),
            31,
            "30 days and today so far"
        );
    }

    #[test]
    fn prod_has_an_open_nat_anomaly() {
        let p = EnvProfile::for_env("prod");
        let a = anomalies(
            1,
            &p,
            &FaultClock::default(),
            NOW,
            &CostAnomalyRequest {
                start: NOW - 30 * DAY,
                end: NOW,
                account: None,
            },
        );
        assert_eq!(a.anomalies.len(), 1);
        assert_eq!(a.anomalies[0].root_service(), Some(EC2_OTHER));
    }
}
