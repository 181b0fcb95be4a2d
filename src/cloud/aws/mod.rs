//! The real AWS implementation of the cloud traits.
//!
//! [`AwsCloud`] is built synchronously and instantly; the SDK config (profile, credentials,
//! region) is loaded on the first call, never on the UI's path. One file per service family
//! maps SDK types to the domain types of `cloud::types`; `error_map` maps SDK errors.

mod clients;
pub mod config;
mod convert;
mod cost;
mod ecs;
mod ecs_map;
mod elbv2;
pub mod error_map;
mod insights;
mod metrics;
mod sts;

use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::OnceCell;

pub use clients::{AwsClients, ECS_SERVICE_ID, STS_SERVICE_ID};
pub use config::AwsSettings;

use crate::cloud::{
    CallerIdentity, CloudAct, CloudHandle, CloudResult, EcsRead, EcsService, EcsTask, IdentityRead,
    ServiceDeploymentRecord, ServiceUpdate, TaskDefinition, WriteReceipt,
};

/// AWS behind the cloud traits. Cheap to construct; clients are created on first use.
pub struct AwsCloud {
    settings: Option<AwsSettings>,
    clients: OnceCell<AwsClients>,
}

impl AwsCloud {
    /// A cloud for `settings`; nothing is loaded until the first call.
    pub fn new(settings: AwsSettings) -> Self {
        Self {
            settings: Some(settings),
            clients: OnceCell::new(),
        }
    }

    /// A cloud over ready-made clients (tests: moto or `aws-smithy-mocks`).
    pub fn from_clients(clients: AwsClients) -> Self {
        Self {
            settings: None,
            clients: OnceCell::new_with(Some(clients)),
        }
    }

    /// The clients, loading the SDK config on first use.
    async fn clients(&self) -> &AwsClients {
        self.clients
            .get_or_init(|| async {
                let settings = self.settings.clone().unwrap_or_default();
                let sdk_config = config::load_sdk_config(&settings).await;
                AwsClients::from_sdk_config(&sdk_config, settings.endpoint_url.as_deref())
            })
            .await
    }
}

/// The console's cloud: a reader always, an actor only when `read_only` is false. In
/// read-only mode no acting object exists (`CloudHandle::act` is `None`).
pub fn handle(settings: AwsSettings, read_only: bool) -> CloudHandle {
    let cloud = Arc::new(AwsCloud::new(settings));
    let act: Option<Arc<dyn CloudAct>> = if read_only { None } else { Some(cloud.clone()) };
    CloudHandle { read: cloud, act }
}

#[async_trait]
impl IdentityRead for AwsCloud {
    async fn caller_identity(&self) -> CloudResult<CallerIdentity> {
        sts::caller_identity(&self.clients().await.sts).await
    }
}

#[async_trait]
impl EcsRead for AwsCloud {
    async fn list_services(&self, cluster: &str) -> CloudResult<Vec<EcsService>> {
        ecs::list_services(&self.clients().await.ecs, cluster).await
    }

    async fn list_tasks(&self, cluster: &str) -> CloudResult<Vec<EcsTask>> {
        ecs::list_tasks(&self.clients().await.ecs, cluster).await
    }

    async fn describe_task_definition(&self, task_definition: &str) -> CloudResult<TaskDefinition> {
        ecs::describe_task_definition(&self.clients().await.ecs, task_definition).await
    }

    async fn list_service_deployments(
        &self,
        cluster: &str,
        service: &str,
    ) -> CloudResult<Vec<ServiceDeploymentRecord>> {
        ecs::list_service_deployments(&self.clients().await.ecs, cluster, service).await
    }
}

#[async_trait]
impl crate::cloud::CostRead for AwsCloud {
    async fn cost_and_usage(
        &self,
        request: &crate::cloud::CostUsageRequest,
    ) -> CloudResult<crate::cloud::CostUsage> {
        cost::cost_and_usage(&self.clients().await.costexplorer, request).await
    }

    async fn cost_forecast(
        &self,
        request: &crate::cloud::CostForecastRequest,
    ) -> CloudResult<crate::cloud::CostForecast> {
        cost::cost_forecast(&self.clients().await.costexplorer, request).await
    }

    async fn cost_anomalies(
        &self,
        request: &crate::cloud::CostAnomalyRequest,
    ) -> CloudResult<crate::cloud::CostAnomalies> {
        cost::cost_anomalies(&self.clients().await.costexplorer, request).await
    }
}

#[async_trait]
impl crate::cloud::MetricsRead for AwsCloud {
    fn metrics_now(&self) -> crate::cloud::Epoch {
        crate::cloud::sim::wall_clock_now()
    }

    async fn get_metric_data(
        &self,
        request: &crate::cloud::MetricDataRequest,
    ) -> CloudResult<crate::cloud::MetricData> {
        metrics::get_metric_data(&self.clients().await.cloudwatch, request).await
    }

    async fn describe_alarms(&self, prefix: &str) -> CloudResult<Vec<crate::cloud::Alarm>> {
        metrics::describe_alarms(&self.clients().await.cloudwatch, prefix).await
    }

    async fn recent_errors(
        &self,
        log_groups: &[String],
        start: crate::cloud::Epoch,
        end: crate::cloud::Epoch,
    ) -> CloudResult<Vec<crate::cloud::LogRow>> {
        insights::recent_errors(&self.clients().await.logs, log_groups, start, end).await
    }

    async fn find_load_balancer(&self, name: &str) -> CloudResult<Option<String>> {
        elbv2::find_load_balancer(&self.clients().await.elbv2, name).await
    }
}

#[async_trait]
impl CloudAct for AwsCloud {
    async fn update_service(
        &self,
        cluster: &str,
        service: &str,
        update: &ServiceUpdate,
    ) -> CloudResult<WriteReceipt> {
        ecs::update_service(&self.clients().await.ecs, cluster, service, update).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_handle_has_no_actor() {
        let h = handle(AwsSettings::new("us-east-1"), true);
        assert!(h.act.is_none());
        assert!(h.is_read_only());
        let h = handle(AwsSettings::new("us-east-1"), false);
        assert!(h.act.is_some());
    }
}
