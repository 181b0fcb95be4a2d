//! The data sources the console fetches, and what a finished fetch carries back.

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
        }
    }
}
