//! The data sources of the simulated account that tests can make fail.

/// One thing the sim serves; `SimWorld::fail` makes every call to it return an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SimSource {
    /// `sts:GetCallerIdentity`.
    Identity,
    /// `ListServices` + `DescribeServices`.
    EcsServices,
    /// `ListTasks` + `DescribeTasks`.
    EcsTasks,
    /// `DescribeTaskDefinition`.
    TaskDefinitions,
    /// `ListServiceDeployments`.
    ServiceDeployments,
    /// `UpdateService` (the acting side).
    EcsWrites,
    /// CloudWatch `GetMetricData`.
    Metrics,
    /// CloudWatch `DescribeAlarms`.
    Alarms,
    /// The Logs Insights recent-errors query.
    RecentErrors,
    /// Logs Insights `StartQuery`/`GetQueryResults`/`StopQuery` (the Logs pane).
    LogsInsights,
    /// Logs `FilterLogEvents` (live tail).
    LogsEvents,
    /// Logs `PutQueryDefinition`/`DescribeQueryDefinitions`.
    LogsDefinitions,
    /// ELBv2 `DescribeLoadBalancers`.
    LoadBalancers,
    /// Cost Explorer `GetCostAndUsage`.
    CostUsage,
    /// Cost Explorer `GetCostForecast`.
    CostForecast,
    /// Cost Explorer `GetAnomalies`.
    CostAnomalies,
    /// Security Hub `GetFindings`.
    SecurityFindings,
    /// Security Hub `GetEnabledStandards`.
    SecurityStandards,
    /// Security Hub `GetFindingHistory`.
    SecurityHistory,
    /// GuardDuty detectors and findings.
    GuardDuty,
    /// `BatchUpdateFindings` / `ArchiveFindings` (the acting side).
    SecurityWrites,
    /// CloudWatch `DescribeAlarmHistory`.
    AlarmHistory,
    /// CloudTrail `LookupEvents`.
    TrailEvents,
    /// RDS `DescribeEvents`.
    DbEvents,
    /// Application Auto Scaling `DescribeScalingActivities`.
    ScalingActivities,
}
