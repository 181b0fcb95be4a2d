//! The real AWS implementation of the cloud traits.
//!
//! [`AwsCloud`] is built synchronously and instantly; the SDK config (profile, credentials,
//! region) is loaded on the first call, never on the UI's path. One file per service family
//! maps SDK types to the domain types of `cloud::types`; `error_map` maps SDK errors.

mod access_keys;
mod alarm_history;
mod alerts;
mod autoscaling;
mod break_glass;
mod clients;
mod clock_skew;
mod cloudtrail;
pub mod config;
mod convert;
mod cost;
mod data;
mod discovery;
mod ecs;
mod ecs_map;
mod ecs_tags;
mod elasticache;
mod elbv2;
pub mod error_map;
mod exec;
mod guardduty;
mod history;
mod iam;
mod incident;
mod insights;
mod live_tail;
mod logs;
mod metrics;
pub mod mfa_provider;
mod network;
mod ops;
mod paging;
mod rds;
mod rotation;
mod sdk_loader;
mod secrets;
mod securityhub;
mod securityhub_map;
mod sts;
mod targets;
mod task_guard;

use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::OnceCell;

pub use clients::{AwsClients, ECS_SERVICE_ID, STS_SERVICE_ID};
pub use config::{AwsSettings, ReadElsewhere};
pub use paging::MAX_PAGES;

use crate::cloud::{
    CallerIdentity, CloudAct, CloudError, CloudHandle, CloudResult, EcsRead, EcsService, EcsTask,
    IdentityRead, ServiceDeploymentRecord, ServiceUpdate, TaskDefinition, WriteReceipt,
};

/// AWS behind the cloud traits. Cheap to construct; clients are created on first use.
pub struct AwsCloud {
    settings: Option<AwsSettings>,
    /// When an MFA role session ends (shown in the header).
    session_expiry: crate::cloud::mfa::SessionExpiry,
    /// The credentials the clients sign with (none for ready-made test clients).
    credentials: OnceCell<Option<aws_credential_types::provider::SharedCredentialsProvider>>,
    clients: OnceCell<AwsClients>,
    /// The same clients without retries, for writes.
    act_clients: OnceCell<AwsClients>,
    /// The least time between two CloudTrail `LookupEvents` calls.
    trail_pace: std::time::Duration,
    /// The recent-errors rows kept between refreshes (only the new part is queried).
    errors_window: std::sync::Mutex<crate::cloud::insights_window::ErrorsWindow>,
    /// Open Live Tail sessions (their streams read by tasks of their own).
    live_tails: live_tail::LiveTails,
}

impl AwsCloud {
    /// A cloud for `settings`; nothing is loaded until the first call.
    pub fn new(settings: AwsSettings) -> Self {
        Self {
            settings: Some(settings),
            session_expiry: Default::default(),
            credentials: OnceCell::new(),
            clients: OnceCell::new(),
            act_clients: OnceCell::new(),
            trail_pace: cloudtrail::PACE,
            errors_window: Default::default(),
            live_tails: Default::default(),
        }
    }

    /// A cloud over ready-made clients (tests: moto or `aws-smithy-mocks`).
    pub fn from_clients(clients: AwsClients) -> Self {
        Self {
            settings: None,
            session_expiry: Default::default(),
            credentials: OnceCell::new_with(Some(None)),
            clients: OnceCell::new_with(Some(clients)),
            act_clients: OnceCell::new(),
            trail_pace: cloudtrail::PACE,
            errors_window: Default::default(),
            live_tails: Default::default(),
        }
    }

    /// The same cloud pacing CloudTrail lookups `pace` apart instead of 500 ms (tests that
    /// read many pages from a mock).
    pub fn with_trail_pace(mut self, pace: std::time::Duration) -> Self {
        self.trail_pace = pace;
        self
    }

    /// The clients writes go through: no SDK retry, so a write is sent once.
    async fn act_clients(&self) -> &AwsClients {
        let clients = self.clients().await;
        self.act_clients
            .get_or_init(|| async { clients.without_retries() })
            .await
    }

    /// The clients, loading the SDK config on first use.
    async fn clients(&self) -> &AwsClients {
        self.clients
            .get_or_init(|| async {
                let settings = self.settings.clone().unwrap_or_default();
                let sdk_config =
                    sdk_loader::load_sdk_config_with(&settings, Some(self.session_expiry.clone()))
                        .await;
                let _ = self.credentials.set(sdk_config.credentials_provider());
                let mut clients =
                    AwsClients::from_sdk_config(&sdk_config, settings.endpoint_url.as_deref());
                // Security Hub from an aggregation region or a delegated administrator;
                // CloudWatch as a monitoring account.
                if let Some(other) = elsewhere_clients(&settings, settings.findings.as_ref()).await
                {
                    clients.securityhub = other.securityhub;
                }
                if let Some(other) = elsewhere_clients(&settings, settings.metrics.as_ref()).await {
                    clients.cloudwatch = other.cloudwatch;
                }
                clients
            })
            .await
    }
}

/// Clients for `base` read from another region or as another profile, when `elsewhere`
/// says so.
async fn elsewhere_clients(
    base: &AwsSettings,
    elsewhere: Option<&ReadElsewhere>,
) -> Option<AwsClients> {
    let other = elsewhere?.settings(base);
    let config = sdk_loader::load_sdk_config_with(&other, None).await;
    Some(AwsClients::from_sdk_config(
        &config,
        other.endpoint_url.as_deref(),
    ))
}

/// The console's cloud: a reader always, an actor only when `read_only` is false. In
/// read-only mode no acting object exists (`CloudHandle::act` is `None`).
pub fn handle(settings: AwsSettings, read_only: bool) -> CloudHandle {
    CloudHandle::new(Arc::new(AwsCloud::new(settings)), read_only)
}

/// The reads `opsdeck init` makes, against the account `settings` name.
pub fn discovery(settings: AwsSettings) -> Arc<dyn crate::cloud::discovery::DiscoveryRead> {
    Arc::new(AwsCloud::new(settings))
}

#[async_trait]
impl IdentityRead for AwsCloud {
    async fn caller_identity(&self) -> CloudResult<CallerIdentity> {
        let mut identity = sts::caller_identity(&self.clients().await.sts).await?;
        identity.session_expires = self.session_expiry.lock().ok().and_then(|e| *e);
        Ok(identity)
    }

    async fn simulate_principal(
        &self,
        principal_arn: &str,
        actions: &[&str],
    ) -> CloudResult<Vec<(String, bool)>> {
        iam::simulate(&self.clients().await.iam, principal_arn, actions).await
    }

    async fn principal_policies(&self, principal_arn: &str) -> CloudResult<Vec<String>> {
        iam::policies(&self.clients().await.iam, principal_arn).await
    }

    async fn signing_key(&self) -> CloudResult<Option<String>> {
        use aws_credential_types::provider::ProvideCredentials;
        self.clients().await;
        let Some(provider) = self.credentials.get().cloned().flatten() else {
            return Ok(None);
        };
        let credentials = provider.provide_credentials().await.map_err(|e| {
            CloudError::ExpiredCredentials(
                aws_smithy_types::error::display::DisplayErrorContext(e).to_string(),
            )
        })?;
        let id = credentials.access_key_id();
        Ok(id.starts_with("AKIA").then(|| id.to_string()))
    }

    async fn clock_skew(&self) -> CloudResult<crate::cloud::Epoch> {
        clock_skew::clock_skew(&self.clients().await.sts).await
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
impl crate::cloud::ExecRead for AwsCloud {
    async fn exec_facts(&self, cluster: &str, task: &str) -> CloudResult<crate::cloud::ExecFacts> {
        exec::exec_facts(self.clients().await, cluster, task).await
    }

    async fn session_endpoint(&self) -> CloudResult<crate::cloud::SessionEndpoint> {
        let clients = self.clients().await;
        let region = clients
            .ssm
            .config()
            .region()
            .map(|r| r.as_ref().to_string())
            .ok_or_else(|| CloudError::Invalid("no region for Session Manager".into()))?;
        // The endpoint the clients were built with (AWS_ENDPOINT_URL_<SERVICE>, then the
        // environment's endpoint_url), else AWS's regional one.
        let configured = self
            .settings
            .as_ref()
            .and_then(|s| s.endpoint_url.as_deref());
        let url = |id: &str, service: &str| {
            config::endpoint_for(id, configured)
                .unwrap_or_else(|| format!("https://{service}.{region}.amazonaws.com"))
        };
        Ok(crate::cloud::SessionEndpoint {
            ecs_url: url("ECS", "ecs"),
            ssm_url: url("SSM", "ssm"),
            region,
        })
    }
}

#[async_trait]
impl crate::cloud::ExecAct for AwsCloud {
    async fn execute_command(
        &self,
        request: &crate::cloud::ExecRequest,
    ) -> CloudResult<crate::cloud::ExecSession> {
        exec::execute_command(self.act_clients().await, request).await
    }

    async fn start_port_forward(
        &self,
        request: &crate::cloud::ForwardRequest,
    ) -> CloudResult<crate::cloud::ForwardSession> {
        exec::start_port_forward(self.act_clients().await, request).await
    }

    async fn terminate_session(&self, session_id: &str) -> CloudResult<WriteReceipt> {
        exec::terminate_session(self.act_clients().await, session_id).await
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
    ) -> CloudResult<crate::cloud::RecentErrors> {
        insights::recent_errors(
            &self.clients().await.logs,
            &self.errors_window,
            log_groups,
            start,
            end,
        )
        .await
    }

    async fn find_load_balancer(&self, name: &str) -> CloudResult<Option<String>> {
        elbv2::find_load_balancer(&self.clients().await.elbv2, name).await
    }
}

#[async_trait]
impl crate::cloud::SecurityRead for AwsCloud {
    async fn security_findings(
        &self,
        filters: &crate::cloud::security_filter::FindingFilters,
    ) -> CloudResult<crate::cloud::Listing<crate::cloud::Finding>> {
        securityhub::get_findings(&self.act_clients().await.securityhub, filters, None).await
    }

    async fn security_findings_paged(
        &self,
        filters: &crate::cloud::security_filter::FindingFilters,
        sink: crate::cloud::PageSink<'_, crate::cloud::Finding>,
    ) -> CloudResult<crate::cloud::Listing<crate::cloud::Finding>> {
        securityhub::get_findings(&self.act_clients().await.securityhub, filters, Some(sink)).await
    }

    async fn enabled_standards(&self) -> CloudResult<Vec<crate::cloud::EnabledStandard>> {
        securityhub::enabled_standards(&self.clients().await.securityhub).await
    }

    async fn finding_history(
        &self,
        finding: &crate::cloud::FindingRef,
    ) -> CloudResult<Vec<crate::cloud::FindingHistoryRecord>> {
        securityhub::finding_history(&self.act_clients().await.securityhub, finding).await
    }

    async fn guardduty_detectors(&self) -> CloudResult<Vec<crate::cloud::Detector>> {
        guardduty::detectors(&self.clients().await.guardduty).await
    }

    async fn guardduty_findings(
        &self,
        detector_id: &str,
    ) -> CloudResult<crate::cloud::Listing<crate::cloud::ThreatFinding>> {
        guardduty::findings(&self.clients().await.guardduty, detector_id, None).await
    }

    async fn guardduty_findings_paged(
        &self,
        detector_id: &str,
        sink: crate::cloud::PageSink<'_, crate::cloud::ThreatFinding>,
    ) -> CloudResult<crate::cloud::Listing<crate::cloud::ThreatFinding>> {
        guardduty::findings(&self.clients().await.guardduty, detector_id, Some(sink)).await
    }
}

#[async_trait]
impl crate::cloud::SecurityAct for AwsCloud {
    async fn update_findings_workflow(
        &self,
        findings: &[crate::cloud::FindingRef],
        status: crate::cloud::WorkflowStatus,
        note: &str,
        updated_by: &str,
    ) -> CloudResult<WriteReceipt> {
        securityhub::update_workflow(
            &self.act_clients().await.securityhub,
            findings,
            status,
            note,
            updated_by,
        )
        .await
    }

    async fn archive_guardduty_findings(
        &self,
        detector_id: &str,
        finding_ids: &[String],
    ) -> CloudResult<WriteReceipt> {
        guardduty::archive(
            &self.act_clients().await.guardduty,
            detector_id,
            finding_ids,
        )
        .await
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
        ecs::update_service(&self.act_clients().await.ecs, cluster, service, update).await
    }
}

#[async_trait]
impl crate::cloud::OpsRead for AwsCloud {
    async fn list_task_definitions(&self, family: &str) -> CloudResult<Vec<String>> {
        ops::list_task_definitions(self.clients().await, family).await
    }

    async fn scalable_target(
        &self,
        cluster: &str,
        service: &str,
    ) -> CloudResult<Option<crate::cloud::ScalableTarget>> {
        ops::scalable_target(self.clients().await, cluster, service).await
    }

    async fn target_health(
        &self,
        target_group_arn: &str,
    ) -> CloudResult<Vec<crate::cloud::TargetHealth>> {
        ops::target_health(self.clients().await, target_group_arn).await
    }
}

#[async_trait]
impl crate::cloud::OpsAct for AwsCloud {
    async fn stop_service_deployment(&self, deployment_arn: &str) -> CloudResult<WriteReceipt> {
        ops::stop_service_deployment(self.act_clients().await, deployment_arn).await
    }

    async fn register_task_definition_with_image(
        &self,
        base: &str,
        container: &str,
        image: &str,
    ) -> CloudResult<crate::cloud::RegisteredTaskDefinition> {
        ops::register_with_image(self.act_clients().await, base, container, image).await
    }
}

#[async_trait]
impl crate::cloud::LogsRead for AwsCloud {
    async fn start_query(&self, query: &crate::cloud::InsightsQuery) -> CloudResult<String> {
        logs::start_query(&self.clients().await.logs, query).await
    }

    async fn get_query_results(&self, query_id: &str) -> CloudResult<crate::cloud::QueryResults> {
        logs::get_query_results(&self.clients().await.logs, query_id).await
    }

    async fn stop_query(&self, query_id: &str) -> CloudResult<bool> {
        logs::stop_query(&self.clients().await.logs, query_id).await
    }

    async fn filter_log_events(
        &self,
        request: &crate::cloud::FilterRequest,
    ) -> CloudResult<Vec<crate::cloud::LogEvent>> {
        logs::filter_log_events(&self.clients().await.logs, request).await
    }

    async fn describe_query_definitions(&self) -> CloudResult<Vec<crate::cloud::QueryDefinition>> {
        logs::describe_query_definitions(&self.clients().await.logs).await
    }

    async fn start_live_tail(&self, log_groups: &[String]) -> CloudResult<String> {
        let clients = self.clients().await;
        let region = clients
            .logs
            .config()
            .region()
            .map(|r| r.as_ref().to_string())
            .unwrap_or_default();
        let account = if log_groups.iter().all(|g| g.starts_with("arn:")) {
            String::new()
        } else {
            sts::caller_identity(&clients.sts).await?.account
        };
        let arns = log_groups
            .iter()
            .map(|g| live_tail::group_arn(g, &region, &account))
            .collect();
        self.live_tails.start(&clients.logs, arns).await
    }

    async fn read_live_tail(&self, session: &str) -> CloudResult<crate::cloud::LiveTailBatch> {
        self.live_tails.read(session).await
    }

    async fn stop_live_tail(&self, session: &str) -> CloudResult<()> {
        self.live_tails.stop(session);
        Ok(())
    }
}

#[async_trait]
impl crate::cloud::LogsAct for AwsCloud {
    async fn put_query_definition(
        &self,
        definition: &crate::cloud::QueryDefinition,
    ) -> CloudResult<String> {
        logs::put_query_definition(&self.act_clients().await.logs, definition).await
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
