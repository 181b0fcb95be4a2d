//! The ECS pane's sources and how each becomes cloud calls.

use crate::cloud::{
    CloudRead, CloudResult, EcsService, EcsTask, ServiceDeploymentRecord, TaskDefinition,
};
use crate::config::Environment;

/// One ECS fetch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EcsSource {
    Services,
    Tasks,
    /// `ListServiceDeployments` for one service.
    Deployments(String),
    /// `DescribeTaskDefinition` for one ARN.
    TaskDefinition(String),
}

/// An ECS fetch's answer, with the key it was made for.
#[derive(Debug, Clone)]
pub enum EcsFetched {
    Services(CloudResult<Vec<EcsService>>),
    Tasks(CloudResult<Vec<EcsTask>>),
    Deployments(String, CloudResult<Vec<ServiceDeploymentRecord>>),
    TaskDefinition(String, CloudResult<TaskDefinition>),
}

/// Fetch one ECS source of `env`.
pub async fn fetch(read: &dyn CloudRead, env: &Environment, source: EcsSource) -> EcsFetched {
    let cluster = env.cluster.as_str();
    match source {
        EcsSource::Services => EcsFetched::Services(read.list_services(cluster).await),
        EcsSource::Tasks => EcsFetched::Tasks(read.list_tasks(cluster).await),
        EcsSource::Deployments(service) => {
            let r = read.list_service_deployments(cluster, &service).await;
            EcsFetched::Deployments(service, r)
        }
        EcsSource::TaskDefinition(arn) => {
            let r = read.describe_task_definition(&arn).await;
            EcsFetched::TaskDefinition(arn, r)
        }
    }
}
