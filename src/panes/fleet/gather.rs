//! Reading one environment for the fleet: who we are there, its health (the dashboard's
//! verdicts and alarms, `dashboard::health`), its open critical/high findings, and its
//! month-to-date cost from the Cost Explorer cache (never a paid request). Every value
//! carries when it was read and what for. The console's fleet pane and `opsdeck fleet`
//! both read through [`read_env`].

use crate::cloud::security_filter::FindingFilters;
use crate::cloud::security_score::open_counts;
use crate::cloud::{
    CallerIdentity, CloudError, CloudRead, CloudResult, CostMetric, Epoch, Listing, Severity,
    ThreatFinding, WorkflowStatus,
};
use crate::config::{Config, Environment};
use crate::panes::cost::fetch::{CostAccess, CostData, CostFetch, CostQuery};
use crate::panes::cost::report::month_to_date;
use crate::panes::cost::state::cost_filter;
use crate::panes::dashboard::health::{Health, read_health};
use crate::panes::dashboard::query::TimeRange;

/// The window the fleet judges health over (as `opsdeck snapshot`).
pub const FLEET_RANGE: TimeRange = TimeRange::M15;

/// One value and the time it was read (the console's clock).
#[derive(Debug, Clone)]
pub struct Part<T> {
    pub result: CloudResult<T>,
    pub at: Epoch,
}

/// Open critical and high findings across Security Hub and GuardDuty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenFindings {
    pub critical: usize,
    pub high: usize,
    /// False when a listing was cut short or GuardDuty could not be read: the counts are
    /// lower bounds.
    pub complete: bool,
}

/// What GuardDuty said (its failure leaves the counts a lower bound).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuardDutyRead {
    Read,
    NoDetector,
    Failed(CloudError),
}

/// The month to date against the budget, from the Cost Explorer cache.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthCost {
    /// `None`: no answer cached for this month's question (or the account is unknown);
    /// `missing` says which.
    pub spent: Option<f64>,
    pub budget: Option<f64>,
    /// When Cost Explorer answered (the cache entry's time); the read's time in the sim.
    pub data_at: Option<Epoch>,
    /// The cache entry is younger than its TTL.
    pub fresh: bool,
    /// Why there is no value.
    pub missing: Option<String>,
}

/// What each value was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadScope {
    pub region: String,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    pub range: &'static str,
    pub cluster: String,
    pub service: String,
    pub alarm_prefix: String,
    pub findings: String,
    /// `None` until the account to filter by is known.
    pub cost: Option<String>,
    pub cost_source: &'static str,
}

/// Everything read for one environment.
#[derive(Debug, Clone)]
pub struct EnvReading {
    pub env: String,
    pub started_at: Epoch,
    pub identity: Part<CallerIdentity>,
    pub health: Health,
    pub health_at: Epoch,
    pub findings: Part<OpenFindings>,
    pub guardduty: GuardDutyRead,
    pub cost: Part<MonthCost>,
    pub scope: ReadScope,
}

impl EnvReading {
    /// Every failed read, as `what: error`.
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Err(e) = &self.identity.result {
            out.push(format!("GetCallerIdentity: {e}"));
        }
        out.extend(self.health.failures());
        if let Err(e) = &self.findings.result {
            out.push(format!("Security Hub GetFindings: {e}"));
        }
        if let GuardDutyRead::Failed(e) = &self.guardduty {
            out.push(format!("GuardDuty: {e}"));
        }
        if let Err(e) = &self.cost.result {
            out.push(format!("Cost Explorer: {e}"));
        }
        out
    }

    /// Every cloud error among the reads.
    pub fn errors(&self) -> Vec<&CloudError> {
        let mut out: Vec<&CloudError> = Vec::new();
        out.extend(self.identity.result.as_ref().err());
        out.extend(self.health.metrics.as_ref().err());
        out.extend(self.health.alarms.as_ref().err());
        out.extend(self.health.service.as_ref().err());
        out.extend(self.findings.result.as_ref().err());
        if let GuardDutyRead::Failed(e) = &self.guardduty {
            out.push(e);
        }
        out.extend(self.cost.result.as_ref().err());
        out
    }
}

/// The Security Hub question: active critical and high findings not resolved or muted.
pub fn findings_filters() -> FindingFilters {
    FindingFilters {
        severities: vec![Severity::Critical, Severity::High],
        workflow: vec![WorkflowStatus::New, WorkflowStatus::Notified],
        ..FindingFilters::default()
    }
}

async fn open_findings(read: &dyn CloudRead) -> (CloudResult<OpenFindings>, GuardDutyRead) {
    let filters = findings_filters();
    let hub = read.security_findings(&filters);
    let guardduty = async {
        match read.guardduty_detectors().await {
            Ok(detectors) => match detectors.iter().find(|d| d.enabled()) {
                Some(d) => read.guardduty_findings(&d.id).await.map(Some),
                None => Ok(None),
            },
            Err(e) => Err(e),
        }
    };
    let (hub, threats) = futures::join!(hub, guardduty);
    let (threats, gd): (Listing<ThreatFinding>, GuardDutyRead) = match threats {
        Ok(Some(l)) => (l, GuardDutyRead::Read),
        Ok(None) => (Listing::default(), GuardDutyRead::NoDetector),
        Err(e) => (Listing::partial(Vec::new()), GuardDutyRead::Failed(e)),
    };
    let result = hub.map(|hub| {
        let counts = open_counts(&hub, &threats);
        OpenFindings {
            critical: counts.get(Severity::Critical),
            high: counts.get(Severity::High),
            complete: hub.complete && threats.complete,
        }
    });
    (result, gd)
}

async fn month_cost(
    read: &dyn CloudRead,
    env: &Environment,
    identity: Option<&CallerIdentity>,
    simulated: bool,
    now: Epoch,
) -> CloudResult<MonthCost> {
    let budget = env.monthly_budget_usd;
    let Some(filter) = cost_filter(env, identity) else {
        return Ok(MonthCost {
            spent: None,
            budget,
            data_at: None,
            fresh: false,
            missing: Some("account unknown (identity not read)".into()),
        });
    };
    let [usage, _, _] = CostQuery::all(now, &filter, CostMetric::Unblended);
    let fetch = CostFetch {
        query: usage,
        // Cost Explorer bills every request: the fleet only ever reads the cache.
        access: if simulated {
            CostAccess::Simulated
        } else {
            CostAccess::CacheOnly
        },
    };
    let cache = crate::cost_cache::CostCache::default_location_with_ttl(env.cost_cache_seconds);
    let answer =
        crate::panes::cost::fetch::run(read, cache.as_ref(), &env.name, &fetch, now).await?;
    Ok(match answer.data {
        Some(CostData::Usage(u)) => MonthCost {
            spent: Some(month_to_date(&u, CostMetric::Unblended, now).0),
            budget,
            data_at: Some(answer.stored_at.unwrap_or(now)),
            fresh: answer.fresh,
            missing: None,
        },
        _ => MonthCost {
            spent: None,
            budget,
            data_at: None,
            fresh: false,
            missing: Some("not cached: the Cost pane (3) or `opsdeck cost` fetches it".into()),
        },
    })
}

/// What each of `env`'s values is asked for.
pub fn scope(env: &Environment, config: &Config, simulated: bool) -> ReadScope {
    ReadScope {
        region: env.region.clone(),
        profile: env.profile.clone(),
        endpoint_url: env.endpoint_url.clone(),
        range: FLEET_RANGE.label(),
        cluster: env.cluster.clone(),
        service: env.service.clone(),
        alarm_prefix: crate::panes::dashboard::state::alarm_prefix(env, &config.project),
        findings: format!(
            "Security Hub {} + GuardDuty (not archived)",
            findings_filters().describe()
        ),
        cost: None,
        cost_source: if simulated {
            "simulated account"
        } else {
            "Cost Explorer cache (no paid request)"
        },
    }
}

/// Read `env` with `read`; `clock` stamps each value as it arrives.
pub async fn read_env(
    read: &dyn CloudRead,
    env: &Environment,
    config: &Config,
    simulated: bool,
    clock: &(dyn Fn() -> Epoch + Send + Sync),
) -> EnvReading {
    let started_at = clock();
    let identity_and_cost = async {
        let identity = read.caller_identity().await;
        let identity_at = clock();
        let cost = month_cost(read, env, identity.as_ref().ok(), simulated, started_at).await;
        let cost_at = clock();
        (
            Part {
                result: identity,
                at: identity_at,
            },
            Part {
                result: cost,
                at: cost_at,
            },
        )
    };
    let health = async {
        let h = read_health(read, env, &config.project, &config.thresholds, FLEET_RANGE).await;
        (h, clock())
    };
    let findings = async {
        let (f, gd) = open_findings(read).await;
        (f, gd, clock())
    };
    let ((identity, cost), (health, health_at), (findings, guardduty, findings_at)) =
        futures::join!(identity_and_cost, health, findings);
    let mut scope = scope(env, config, simulated);
    scope.cost = cost_filter(env, identity.result.as_ref().ok()).map(|f| f.describe());
    EnvReading {
        env: env.name.clone(),
        started_at,
        identity,
        health,
        health_at,
        findings: Part {
            result: findings,
            at: findings_at,
        },
        guardduty,
        cost,
        scope,
    }
}
