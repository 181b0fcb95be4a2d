//! The data sources the console fetches, and what a finished fetch carries back.

use super::cost_fetch::{CostAnswer, CostFetch};
use super::dashboard_state::MetricsKey;
use super::pane::Pane;
use crate::cloud::{
    CallerIdentity, CloudResult, EcsService, EcsTask, ServiceDeploymentRecord, TaskDefinition,
};

/// One thing that can be fetched. At most one fetch per source is in flight.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    Identity,
    EcsServices,
    EcsTasks,
    /// `ListServiceDeployments` for one service.
    ServiceDeployments(String),
    /// `DescribeTaskDefinition` for one ARN.
    TaskDefinition(String),
    /// One Cost Explorer question, through the disk cache.
    Cost(CostFetch),
    /// The dashboard's one `GetMetricData` request.
    DashboardMetrics(MetricsKey),
    /// `DescribeAlarms` with this name prefix.
    DashboardAlarms(String),
    /// The recent-errors Logs Insights query over the last this many seconds.
    DashboardErrors(i64),
    /// The environment's ECS service (running/desired, deployment).
    DashboardServices,
    /// `DescribeLoadBalancers` by this name.
    DashboardLoadBalancer(String),
    /// `DescribeDBInstances` of the environment's database (class → max connections,
    /// allocated storage).
    DashboardDatabase,
    /// Security Hub `GetFindings` with these filters.
    SecurityFindings(crate::cloud::security_filter::FindingFilters),
    /// `GetEnabledStandards` + control findings → a score per standard.
    SecurityCompliance,
    /// GuardDuty `ListDetectors` + `GetDetector`.
    SecurityDetectors,
    /// GuardDuty `ListFindings` + `GetFindings` of one detector.
    GuardDutyFindings(String),
    /// Security Hub `GetFindingHistory` of the finding in the detail view.
    SecurityHistory(crate::cloud::FindingRef),
    /// A confirmed triage write (never scheduled; it only names the write's answer).
    SecurityWrite,
    /// The Logs pane's queries, polls, tail, saved queries and history.
    Logs(super::logs_source::LogsSource),
}

impl Source {
    /// The pane whose state holds this source's data (None: the chrome's).
    pub fn pane(&self) -> Option<Pane> {
        match self {
            Source::Identity => None,
            Source::EcsServices
            | Source::EcsTasks
            | Source::ServiceDeployments(_)
            | Source::TaskDefinition(_) => Some(Pane::Ecs),
            Source::Cost(_) => Some(Pane::Cost),
            Source::DashboardMetrics(_)
            | Source::DashboardAlarms(_)
            | Source::DashboardErrors(_)
            | Source::DashboardServices
            | Source::DashboardLoadBalancer(_)
            | Source::DashboardDatabase => Some(Pane::Dashboard),
            Source::SecurityFindings(_)
            | Source::SecurityCompliance
            | Source::SecurityDetectors
            | Source::GuardDutyFindings(_)
            | Source::SecurityHistory(_)
            | Source::SecurityWrite => Some(Pane::Security),
            Source::Logs(_) => Some(Pane::Logs),
        }
    }
}

/// A finished fetch's result.
#[derive(Debug, Clone)]
pub enum Fetched {
    Identity(CloudResult<CallerIdentity>),
    EcsServices(CloudResult<Vec<EcsService>>),
    EcsTasks(CloudResult<Vec<EcsTask>>),
    ServiceDeployments(String, CloudResult<Vec<ServiceDeploymentRecord>>),
    TaskDefinition(String, CloudResult<TaskDefinition>),
    Cost(CostFetch, CloudResult<CostAnswer>),
    DashboardMetrics(MetricsKey, CloudResult<crate::cloud::MetricData>),
    DashboardAlarms(String, CloudResult<Vec<crate::cloud::Alarm>>),
    DashboardErrors(i64, CloudResult<Vec<crate::cloud::LogRow>>),
    DashboardServices(CloudResult<Vec<EcsService>>),
    DashboardLoadBalancer(String, CloudResult<Option<String>>),
    DashboardDatabase(CloudResult<crate::cloud::DbInstance>),
    SecurityFindings(
        crate::cloud::security_filter::FindingFilters,
        CloudResult<Vec<crate::cloud::Finding>>,
    ),
    SecurityCompliance(CloudResult<Vec<crate::cloud::security_score::StandardScore>>),
    SecurityDetectors(CloudResult<Vec<crate::cloud::Detector>>),
    GuardDutyFindings(String, CloudResult<Vec<crate::cloud::ThreatFinding>>),
    SecurityHistory(
        crate::cloud::FindingRef,
        CloudResult<Vec<crate::cloud::FindingHistoryRecord>>,
    ),
    /// A triage write's answer.
    SecurityWritten(CloudResult<crate::cloud::WriteReceipt>),
    Logs(super::logs_source::LogsFetched),
}

impl Fetched {
    /// The source this result answers.
    pub fn source(&self) -> Source {
        match self {
            Fetched::Identity(_) => Source::Identity,
            Fetched::EcsServices(_) => Source::EcsServices,
            Fetched::EcsTasks(_) => Source::EcsTasks,
            Fetched::ServiceDeployments(s, _) => Source::ServiceDeployments(s.clone()),
            Fetched::TaskDefinition(a, _) => Source::TaskDefinition(a.clone()),
            Fetched::Cost(f, _) => Source::Cost(f.clone()),
            Fetched::DashboardMetrics(k, _) => Source::DashboardMetrics(k.clone()),
            Fetched::DashboardAlarms(p, _) => Source::DashboardAlarms(p.clone()),
            Fetched::DashboardErrors(s, _) => Source::DashboardErrors(*s),
            Fetched::DashboardServices(_) => Source::DashboardServices,
            Fetched::DashboardLoadBalancer(n, _) => Source::DashboardLoadBalancer(n.clone()),
            Fetched::DashboardDatabase(_) => Source::DashboardDatabase,
            Fetched::SecurityFindings(f, _) => Source::SecurityFindings(f.clone()),
            Fetched::SecurityCompliance(_) => Source::SecurityCompliance,
            Fetched::SecurityDetectors(_) => Source::SecurityDetectors,
            Fetched::GuardDutyFindings(d, _) => Source::GuardDutyFindings(d.clone()),
            Fetched::SecurityHistory(r, _) => Source::SecurityHistory(r.clone()),
            Fetched::SecurityWritten(_) => Source::SecurityWrite,
            Fetched::Logs(f) => Source::Logs(f.source()),
        }
    }
}
