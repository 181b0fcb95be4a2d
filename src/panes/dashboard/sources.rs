//! The dashboard's sources and how each becomes cloud calls: one `GetMetricData` for
//! every chart, alarms, the recent-errors query, the service, the ALB lookup and the
//! database's class and storage.

use super::query::{DashboardTargets, TimeRange, dashboard_request};
use crate::cloud::{
    Alarm, CloudRead, CloudResult, DbInstance, EcsService, MetricData, RecentErrors,
};
use crate::config::Environment;

/// What one metrics fetch is for: the range and the resolved ALB dimension.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MetricsKey {
    pub range: TimeRange,
    pub load_balancer: Option<String>,
}

/// One dashboard fetch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DashboardSource {
    /// The one `GetMetricData` request.
    Metrics(MetricsKey),
    /// `DescribeAlarms` with this name prefix.
    Alarms(String),
    /// The recent-errors Logs Insights query over the last this many seconds.
    Errors(i64),
    /// The environment's ECS service (running/desired, deployment).
    Services,
    /// `DescribeLoadBalancers` by this name.
    LoadBalancer(String),
    /// `DescribeDBInstances` of the environment's database (class → max connections,
    /// allocated storage).
    Database,
}

/// A dashboard fetch's answer, with the key it was made for.
#[derive(Debug, Clone)]
pub enum DashboardFetched {
    Metrics(MetricsKey, CloudResult<MetricData>),
    Alarms(String, CloudResult<Vec<Alarm>>),
    Errors(i64, CloudResult<RecentErrors>),
    Services(CloudResult<Vec<EcsService>>),
    LoadBalancer(String, CloudResult<Option<String>>),
    Database(CloudResult<DbInstance>),
}

/// Fetch one dashboard source of `env`.
pub async fn fetch(
    read: &dyn CloudRead,
    env: &Environment,
    source: DashboardSource,
) -> DashboardFetched {
    match source {
        DashboardSource::Metrics(key) => {
            let targets = DashboardTargets::for_env(env, key.load_balancer.clone());
            let request = dashboard_request(&targets, key.range, read.metrics_now());
            DashboardFetched::Metrics(key, read.get_metric_data(&request).await)
        }
        DashboardSource::Alarms(prefix) => {
            let r = read.describe_alarms(&prefix).await;
            DashboardFetched::Alarms(prefix, r)
        }
        DashboardSource::Errors(window) => {
            let end = read.metrics_now();
            let r = read
                .recent_errors(&env.log_groups, end.saturating_sub(window), end)
                .await;
            DashboardFetched::Errors(window, r)
        }
        DashboardSource::Services => {
            DashboardFetched::Services(read.list_services(&env.cluster).await)
        }
        DashboardSource::LoadBalancer(name) => {
            let r = read.find_load_balancer(&name).await;
            DashboardFetched::LoadBalancer(name, r)
        }
        DashboardSource::Database => {
            DashboardFetched::Database(read.db_instance(&env.db_instance).await)
        }
    }
}
