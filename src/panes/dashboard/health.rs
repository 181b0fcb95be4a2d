//! An environment's health without a screen: the dashboard's metrics (after the ALB
//! lookup they need), alarms, the service and the database's class, read concurrently,
//! judged into a verdict per tier. `opsdeck snapshot` and the fleet view both read it.

use crate::cloud::{
    Alarm, AlarmState, CloudError, CloudRead, CloudResult, EcsService, MetricData, alb_dimension,
};
use crate::config::{Environment, Thresholds};
use crate::level::Level;
use crate::panes::dashboard::query::{AlbLookup, TimeRange, alb_lookup};
use crate::panes::dashboard::sources::{DashboardFetched, DashboardSource, fetch};
use crate::panes::dashboard::state::{MetricsKey, alarm_prefix};
use crate::panes::dashboard::verdict::{TierVerdict, verdicts};

/// What one health read found.
#[derive(Debug, Clone)]
pub struct Health {
    /// The ALB's CloudWatch dimension (`None`: no ALB found), or why it is not known.
    pub load_balancer: Result<Option<String>, String>,
    pub metrics: CloudResult<MetricData>,
    /// The alarm name prefix asked for.
    pub alarm_prefix: String,
    pub alarms: CloudResult<Vec<Alarm>>,
    /// The environment's service (`None`: not in the cluster).
    pub service: CloudResult<Option<EcsService>>,
    pub verdicts: Vec<TierVerdict>,
}

impl Health {
    /// Each failed read, as `operation: error`.
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Err(e) = &self.metrics {
            out.push(format!("GetMetricData: {e}"));
        }
        if let Err(e) = &self.alarms {
            out.push(format!("DescribeAlarms: {e}"));
        }
        if let Err(e) = &self.service {
            out.push(format!("DescribeServices: {e}"));
        }
        if let Err(e) = &self.load_balancer {
            out.push(e.clone());
        }
        out
    }

    /// The first cloud error among the reads (for its kind: MFA, SSO, network…).
    pub fn first_error(&self) -> Option<&CloudError> {
        self.metrics
            .as_ref()
            .err()
            .or(self.alarms.as_ref().err())
            .or(self.service.as_ref().err())
    }

    /// True when a threshold is breached or an alarm is in ALARM.
    pub fn degraded(&self) -> bool {
        self.verdicts
            .iter()
            .any(|v| matches!(v.level, Level::Warning | Level::Critical))
            || self.alarms_firing().is_some_and(|n| n > 0)
    }

    /// Alarms in ALARM; `None` when the alarms could not be read.
    pub fn alarms_firing(&self) -> Option<usize> {
        self.alarms
            .as_ref()
            .ok()
            .map(|a| a.iter().filter(|a| a.state == AlarmState::Alarm).count())
    }
}

fn unexpected<T>() -> CloudResult<T> {
    Err(CloudError::Service("unexpected fetch".into()))
}

/// Read `env`'s health over `range`, every read concurrently (the metrics request waits
/// only for the ALB lookup it needs).
pub async fn read_health(
    read: &dyn CloudRead,
    env: &Environment,
    project: &str,
    thresholds: &Thresholds,
    range: TimeRange,
) -> Health {
    let metrics = async {
        let lb: Result<Option<String>, String> = match alb_lookup(env, project) {
            AlbLookup::Known(d) => Ok(Some(d)),
            AlbLookup::ByName(name) => match read.find_load_balancer(&name).await {
                Ok(arn) => Ok(arn.as_deref().and_then(alb_dimension)),
                Err(e) => Err(format!("DescribeLoadBalancers {name}: {e}")),
            },
        };
        let key = MetricsKey {
            range,
            load_balancer: lb.clone().ok().flatten(),
        };
        let fetched = fetch(read, env, DashboardSource::Metrics(key)).await;
        (lb, fetched)
    };
    let prefix = alarm_prefix(env, project);
    let alarms = fetch(read, env, DashboardSource::Alarms(prefix.clone()));
    let services = fetch(read, env, DashboardSource::Services);
    let database = read.db_instance(&env.db_instance);
    let ((lb, m), a, s, db) = futures::join!(metrics, alarms, services, database);
    let max_connections = db.ok().and_then(|db| {
        crate::panes::dashboard::db_capacity::default_max_connections(
            &db.engine,
            db.instance_class.as_deref()?,
        )
    });
    let metrics = match m {
        DashboardFetched::Metrics(_, r) => r,
        _ => unexpected(),
    };
    let alarms = match a {
        DashboardFetched::Alarms(_, r) => r,
        _ => unexpected(),
    };
    let service = match s {
        DashboardFetched::Services(r) => {
            r.map(|all| all.into_iter().find(|s| s.name == env.service))
        }
        _ => unexpected(),
    };
    let verdicts = verdicts(
        metrics.as_ref().ok(),
        service.as_ref().ok().and_then(Option::as_ref),
        &thresholds.with_max_connections(max_connections),
        env.min_tasks,
    );
    Health {
        load_balancer: lb,
        metrics,
        alarm_prefix: prefix,
        alarms,
        service,
        verdicts,
    }
}
