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
}
