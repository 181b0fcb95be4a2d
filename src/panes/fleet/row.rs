//! One fleet row, derived from an environment's reading when it arrives (the view only
//! reads it): a level and short text per tier, alarms in ALARM, deployments in flight,
//! open critical/high findings, month to date against budget, who we are there, and the
//! first problem. A value whose read failed is its error, never a zero.

use crate::cloud::{CloudError, EcsService, Epoch};
use crate::level::Level;
use crate::panes::cost::report::budget_level;
use crate::panes::dashboard::tier::Tier;

use super::gather::{EnvReading, OpenFindings};

/// What the status column says for an environment whose role needs an MFA code.
pub const NEEDS_MFA: &str = "needs MFA: press enter to sign in";

/// One tier's cell.
#[derive(Debug, Clone, PartialEq)]
pub struct TierCell {
    pub tier: Tier,
    pub level: Level,
    /// `OK`, `?`, or the worst breached value (`5xx 140/min > 10/min`).
    pub text: String,
    /// The full verdict line (`ALB: p99 latency 3.22 s > 2 s; …`).
    pub line: String,
}

/// A value or why it is unknown (an error's kind).
pub type Known<T> = Result<T, String>;

/// The cost cell.
#[derive(Debug, Clone, PartialEq)]
pub enum CostCell {
    /// The read failed.
    Unknown(String),
    /// Nothing to show, and why (not cached, account unknown).
    Missing(String),
    Spent {
        spent: f64,
        budget: Option<f64>,
        level: Level,
        /// When Cost Explorer answered.
        data_at: Option<Epoch>,
        fresh: bool,
    },
}

/// Who we are in the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub account: String,
    /// `role/Name` for an assumed role, `user/name` for a user, else the ARN's last part.
    pub principal: String,
}

/// One environment's row.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetRow {
    pub env: String,
    /// The worst of the tiers and alarms; `Unknown` when a read failed and nothing is
    /// known to be worse.
    pub level: Level,
    pub tiers: Vec<TierCell>,
    pub alarms: Known<usize>,
    pub deployments: Known<usize>,
    pub findings: Known<OpenFindings>,
    pub cost: CostCell,
    pub identity: Known<Identity>,
    /// When the oldest value of the row was read.
    pub read_at: Option<Epoch>,
    /// The first problem in full (`needs MFA…`, `DescribeAlarms: access denied: …`).
    pub problem: Option<String>,
    /// The same in a few words for the status column (`DescribeAlarms AccessDenied`).
    pub problem_short: Option<String>,
    pub needs_mfa: bool,
    /// Every failed read, in full.
    pub failures: Vec<String>,
}

/// Deployments of `service` still rolling out: those whose rollout state is
/// IN_PROGRESS; where the endpoint reports no rollout state, the PRIMARY one while older
/// deployments are still ACTIVE.
pub fn deployments_in_flight(service: &EcsService) -> usize {
    let reported = service
        .deployments
        .iter()
        .filter(|d| d.rollout_state.is_some())
        .count();
    if reported > 0 {
        return service
            .deployments
            .iter()
            .filter(|d| d.rollout_state.as_deref() == Some("IN_PROGRESS"))
            .count();
    }
    let active = service
        .deployments
        .iter()
        .filter(|d| d.status == "ACTIVE")
        .count();
    usize::from(active > 0)
}

/// `$412` (whole dollars) or `$3.40` under ten.
pub fn dollars(v: f64) -> String {
    if v.abs() < 10.0 {
        format!("${v:.2}")
    } else {
        format!("${v:.0}")
    }
}

fn identity_of(arn: &str, account: &str) -> Identity {
    // arn:aws:sts::123:assumed-role/Name/session, arn:aws:iam::123:user/path/name
    let resource = arn.splitn(6, ':').nth(5).unwrap_or(arn);
    let principal = match resource.split('/').collect::<Vec<_>>().as_slice() {
        ["assumed-role", role, ..] => format!("role/{role}"),
        ["user", .., name] => format!("user/{name}"),
        ["role", .., name] => format!("role/{name}"),
        _ => crate::cloud::last_segment(arn).to_string(),
    };
    Identity {
        account: account.to_string(),
        principal,
    }
}

fn short_text(level: Level, first: Option<&str>) -> String {
    match (level, first) {
        (Level::Ok, _) => "OK".into(),
        (Level::Unknown, _) => "?".into(),
        (_, Some(text)) => text.to_string(),
        (Level::Warning, None) => "WARN".into(),
        (Level::Critical, None) => "CRIT".into(),
    }
}

fn worst(levels: impl IntoIterator<Item = Level>) -> Level {
    let all: Vec<Level> = levels.into_iter().collect();
    [Level::Critical, Level::Warning, Level::Unknown]
        .into_iter()
        .find(|l| all.contains(l))
        .unwrap_or(Level::Ok)
}

fn kind(e: &CloudError) -> String {
    match e {
        CloudError::MfaNeeded(_) => "needs MFA".into(),
        other => other.kind().to_string(),
    }
}

impl FleetRow {
    /// The row of `env` whose read failed as a whole (`error`): every value unknown.
    pub fn failed(env: &str, error: &CloudError) -> FleetRow {
        let k = kind(error);
        let needs_mfa = matches!(error, CloudError::MfaNeeded(_));
        FleetRow {
            env: env.to_string(),
            level: Level::Unknown,
            tiers: Tier::ALL
                .into_iter()
                .map(|tier| TierCell {
                    tier,
                    level: Level::Unknown,
                    text: "?".into(),
                    line: format!("{}: unknown ({error})", tier.short()),
                })
                .collect(),
            alarms: Err(k.clone()),
            deployments: Err(k.clone()),
            findings: Err(k.clone()),
            cost: CostCell::Unknown(k.clone()),
            identity: Err(k),
            read_at: None,
            problem: Some(if needs_mfa {
                NEEDS_MFA.to_string()
            } else {
                error.to_string()
            }),
            problem_short: Some(if needs_mfa {
                NEEDS_MFA.to_string()
            } else {
                kind(error)
            }),
            needs_mfa,
            failures: vec![error.to_string()],
        }
    }

    /// The row derived from `r`.
    pub fn from_reading(r: &EnvReading) -> FleetRow {
        let h = &r.health;
        let metrics_failed = h.metrics.is_err();
        let service_failed = h.service.is_err();
        let tiers: Vec<TierCell> = h
            .verdicts
            .iter()
            .map(|v| {
                // A tier whose data could not all be read is unknown unless what was
                // read already shows a breach.
                let partial = metrics_failed || (v.tier == Tier::Compute && service_failed);
                let level = match v.level {
                    Level::Warning | Level::Critical => v.level,
                    _ if partial => Level::Unknown,
                    l => l,
                };
                TierCell {
                    tier: v.tier,
                    level,
                    text: short_text(level, v.findings.first().map(|f| f.text.as_str())),
                    line: v.line.clone(),
                }
            })
            .collect();
        let alarms = match &h.alarms {
            Ok(_) => Ok(h.alarms_firing().unwrap_or(0)),
            Err(e) => Err(kind(e)),
        };
        let deployments = match &h.service {
            Ok(Some(s)) => Ok(deployments_in_flight(s)),
            Ok(None) => Err("no service".into()),
            Err(e) => Err(kind(e)),
        };
        let findings = r.findings.result.clone().map_err(|e| kind(&e));
        let cost = match &r.cost.result {
            Err(e) => CostCell::Unknown(kind(e)),
            Ok(c) => match c.spent {
                Some(spent) => CostCell::Spent {
                    spent,
                    budget: c.budget,
                    level: c.budget.map_or(Level::Unknown, |b| budget_level(spent, b)),
                    data_at: c.data_at,
                    fresh: c.fresh,
                },
                None => CostCell::Missing(c.missing.clone().unwrap_or_default()),
            },
        };
        let identity = match &r.identity.result {
            Ok(i) => Ok(identity_of(&i.arn, &i.account)),
            Err(e) => Err(kind(e)),
        };
        let errors = r.errors();
        let needs_mfa = errors.iter().any(|e| matches!(e, CloudError::MfaNeeded(_)));
        let failures = r.failures();
        let problem = if needs_mfa {
            Some(NEEDS_MFA.to_string())
        } else {
            failures.first().cloned()
        };
        let problem_short = if needs_mfa {
            Some(NEEDS_MFA.to_string())
        } else {
            failures.first().map(|f| {
                let what = f.split(':').next().unwrap_or(f);
                match errors.first() {
                    Some(e) if !what.starts_with("DescribeLoadBalancers") => {
                        format!("{what} {}", kind(e))
                    }
                    _ => f.clone(),
                }
            })
        };
        let alarm_level = match alarms {
            Ok(0) => Level::Ok,
            Ok(_) => Level::Critical,
            Err(_) => Level::Unknown,
        };
        let mut level = worst(tiers.iter().map(|t| t.level).chain([alarm_level]));
        if level == Level::Ok && !failures.is_empty() {
            level = Level::Unknown;
        }
        let read_at = [r.identity.at, r.health_at, r.findings.at, r.cost.at]
            .into_iter()
            .min();
        FleetRow {
            env: r.env.clone(),
            level,
            tiers,
            alarms,
            deployments,
            findings,
            cost,
            identity,
            read_at,
            problem,
            problem_short,
            needs_mfa,
            failures,
        }
    }
}
