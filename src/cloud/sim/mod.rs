//! The deterministic simulated account behind `--demo`, drills and UI tests.
//!
//! A [`SimWorld`] (seed + [`SimClock`] + writes + injected failures) is shared by one
//! [`SimCloud`] per environment (dev, staging, prod). Every answer is a pure function of
//! the seed, the environment, the simulated time and the writes applied through
//! `CloudAct`. Prod plays an incident relative to the world's start:
//!
//! | minute | prod `cloudplatform-prod-ecs-service` |
//! |---|---|
//! | 0–2 | steady on `cloudplatform-prod-fastapi:41` (v1.8.3), 3 healthy tasks |
//! | 2 | deployment of `:42` (v1.9.0) starts: PRIMARY IN_PROGRESS, `:41` ACTIVE |
//! | 2–12 | `:42` tasks go PROVISIONING → PENDING → RUNNING (UNHEALTHY), exit with "Essential container in task exited"; failed count rises |
//! | 12 | circuit breaker: `:42` rollout FAILED, rollback deployment to `:41` starts |
//! | 15 | rollback COMPLETED; steady again on `:41` (3 tasks) |
//!
//! Dev and staging stay calm; staging is on `:42` (COMPLETED) after `:41` was rolled back
//! four days ago, so "current revision − 1" is not its last good revision (`:40`).

mod act;
mod alarm_history;
mod clock;
mod cost;
mod data;
mod db_events;
mod drill_profile;
mod ecs;
mod events;
mod exec;
mod fault_events;
mod fault_logs;
mod faults;
mod history;
mod incident_clock;
mod incident_runbooks;
mod insights;
mod log_events;
mod logs;
mod metric_expr;
mod metrics;
mod ops;
mod profile;
mod rng;
mod rotation;
mod scaling;
pub mod scenario;
mod secret_versions;
mod security;
mod security_history;
mod security_ledger;
mod security_writes;
mod source;
mod taskdefs;
mod tasks;
mod timeline;
mod trail;
mod world;

#[cfg(test)]
mod history_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod write_tests;

use std::sync::Arc;

use async_trait::async_trait;

pub use clock::{SimClock, wall_clock_now};
pub use faults::{FaultClock, Played};
pub use incident_runbooks::{
    IncidentLedger, ROTATION_SECS, SIM_ACCESS_KEY, demo_incident_settings,
};
pub use profile::{ENVIRONMENTS, PROJECT, REGION};
pub use scenario::{Escalation, FaultKind, Scenario, SimFault};
pub use source::SimSource;
pub use timeline::{CIRCUIT_BREAKER_AFTER, DEPLOY_SETTLE, ROLLBACK_SETTLE};
pub use world::SimWorld;

use self::ecs::ServiceView;
use self::profile::EnvProfile;
use self::timeline::Ctx;
use crate::cloud::{
    CallerIdentity, CloudAct, CloudError, CloudHandle, CloudResult, EcsRead, EcsService, EcsTask,
    Epoch, IdentityRead, ServiceDeploymentRecord, ServiceUpdate, TaskDefinition, WriteReceipt,
};

/// Minute marks of prod's incident, in seconds after the world's start.
pub mod incident {
    /// The `:42` deployment starts.
    pub const DEPLOY_STARTS: i64 = 2 * 60;
    /// The circuit breaker fails it and the rollback starts.
    pub const CIRCUIT_BREAKER: i64 = DEPLOY_STARTS + super::CIRCUIT_BREAKER_AFTER;
    /// The rollback completes; the service is steady again.
    pub const STEADY_AGAIN: i64 = CIRCUIT_BREAKER + super::ROLLBACK_SETTLE;
}

/// One environment of the simulated account.
pub struct SimCloud {
    world: Arc<SimWorld>,
    profile: EnvProfile,
    logs: logs::SimLogs,
    /// A break-glass session's identity and expiry (None: the on-call engineer).
    identity: Option<(CallerIdentity, Epoch)>,
    /// The recent-errors rows kept between refreshes (only the new part is "scanned").
    errors_window: std::sync::Mutex<crate::cloud::insights_window::ErrorsWindow>,
}

impl SimCloud {
    /// The environment `env` of `world` (unknown names get a calm dev-like account).
    pub fn new(world: Arc<SimWorld>, env: &str) -> Self {
        let mut profile = EnvProfile::for_env(env);
        if let Some(scenario) = world.scenario() {
            drill_profile::apply(&mut profile, scenario);
        }
        Self {
            world,
            profile,
            logs: logs::SimLogs::default(),
            identity: None,
            errors_window: Default::default(),
        }
    }

    /// The console's cloud for `env`: a reader, plus an actor unless `read_only`.
    pub fn handle(world: Arc<SimWorld>, env: &str, read_only: bool) -> CloudHandle {
        handle(world, env, read_only)
    }

    /// The environment's name.
    pub fn env(&self) -> &str {
        &self.profile.name
    }

    /// The error injected for `source` in this environment (or everywhere), if any.
    fn check(&self, source: SimSource) -> CloudResult<()> {
        self.world.check_in(&self.profile.name, source)
    }

    /// The environment's 12-digit account id.
    pub fn account(&self) -> &str {
        &self.profile.account
    }

    /// `cloudplatform-<env>-ecs-cluster`.
    pub fn cluster(&self) -> String {
        self.profile.cluster()
    }

    /// The service names, FastAPI service first.
    pub fn service_names(&self) -> Vec<String> {
        self.profile
            .services
            .iter()
            .map(|s| s.name.clone())
            .collect()
    }

    /// The shared world.
    pub fn world(&self) -> &Arc<SimWorld> {
        &self.world
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            seed: self.world.seed(),
            start: self.world.start(),
            profile: &self.profile,
        }
    }

    /// The incident's clock: the world's start, the bad deployment's timing and when an
    /// operator's rollback (or stop of the deployment) took the API service off a bad
    /// revision, which ends the errors early; in a drill, every fault resolved against
    /// the writes so far.
    fn incident_clock(&self) -> metrics::IncidentClock {
        let (now, ops) = self.world.snapshot(&self.profile.name);
        let start = self.world.start();
        let api = self.profile.services.first().map(|s| s.name.as_str());
        let Some(scenario) = self.world.scenario() else {
            let recovered = ops
                .iter()
                .filter(|op| Some(op.service.as_str()) == api)
                .filter_map(|op| match &op.change {
                    timeline::Change::Deploy {
                        target: Some((family, revision)),
                        ..
                    } => {
                        let bad = self.profile.family(family).is_some_and(|f| {
                            f.revisions.iter().any(|r| r.number == *revision && r.bad)
                        });
                        (!bad).then_some(op.at - start)
                    }
                    _ => None,
                })
                .filter(|e| *e >= incident::DEPLOY_STARTS)
                .min();
            return metrics::IncidentClock::built_in(start, &self.profile.name, recovered);
        };
        let writes: Vec<(u64, Epoch, String)> = self
            .world
            .logged_writes(&self.profile.name)
            .into_iter()
            .map(|w| (w.seq, w.at, w.line))
            .collect();
        let mitigated = self.world.mitigated();
        let miner_eni = scenario
            .first(&self.profile.name, FaultKind::CryptoMiner)
            .and_then(|f| self.miner_task(start.saturating_add(f.at)))
            .and_then(|t| t.eni_id);
        let faults = FaultClock::resolve(
            Some(scenario),
            &faults::Facts {
                start,
                now,
                profile: &self.profile,
                ops: &ops,
                writes: &writes,
                mitigated: &mitigated,
                miner_eni: miner_eni.as_deref(),
            },
        );
        let deploy = faults.of(FaultKind::BadDeploy).next().cloned();
        let base = self
            .profile
            .services
            .first()
            .and_then(|s| s.script.iter().find_map(|d| d.desired))
            .unwrap_or(1);
        let mut api_desired = vec![(start, base)];
        api_desired.extend(
            ops.iter()
                .filter(|op| Some(op.service.as_str()) == api)
                .filter_map(|op| match op.change {
                    timeline::Change::Scale { desired }
                    | timeline::Change::Deploy {
                        desired: Some(desired),
                        ..
                    } => Some((op.at, desired)),
                    timeline::Change::Deploy { .. } => None,
                }),
        );
        metrics::IncidentClock {
            start,
            recovered: deploy.as_ref().and_then(|p| p.resolved).map(|r| r - start),
            deploy_at: deploy.as_ref().map(|p| p.onset - start),
            breaker: false,
            faults,
            drill: true,
            api_desired,
        }
    }

    /// A drill's faults' service events, merged into the API service's (newest first,
    /// at most as many as ECS keeps for the console).
    fn add_fault_events(&self, services: &mut [EcsService], now: Epoch) {
        let Some(api) = self.profile.services.first().map(|s| s.name.clone()) else {
            return;
        };
        let clock = self.fault_clock();
        let extra = fault_events::events(self.world.seed(), &clock, &self.profile, &api, now);
        if let Some(svc) = services.iter_mut().find(|s| s.name == api) {
            svc.events.extend(extra);
            svc.events.sort_by_key(|e| std::cmp::Reverse(e.created_at));
            svc.events.truncate(events::MAX_EVENTS);
        }
    }

    /// The API task a miner that starts at `at` runs in: the first running one then (as
    /// GuardDuty's finding names it).
    fn miner_task(&self, at: Epoch) -> Option<EcsTask> {
        let spec = self.profile.services.first()?;
        ServiceView::new(self.ctx(), spec, &[], at)?
            .tasks()
            .into_iter()
            .map(|(_, t)| t)
            .find(|t| t.last_status == "RUNNING")
    }

    /// A drill's faults in this environment as played up to now (empty outside drills).
    pub fn fault_clock(&self) -> FaultClock {
        self.incident_clock().faults
    }

    fn check_cluster(&self, cluster: &str) -> CloudResult<()> {
        if self.profile.is_cluster(cluster) {
            Ok(())
        } else {
            Err(CloudError::NotFound(format!("cluster {cluster}")))
        }
    }
}

/// The console's cloud for `env` of `world`: always a reader, an actor only when
/// `read_only` is false (read-only has no acting object at all).
pub fn handle(world: Arc<SimWorld>, env: &str, read_only: bool) -> CloudHandle {
    CloudHandle::new(Arc::new(SimCloud::new(world, env)), read_only)
}

#[async_trait]
impl IdentityRead for SimCloud {
    async fn caller_identity(&self) -> CloudResult<CallerIdentity> {
        self.check(SimSource::Identity)?;
        if let Some((id, expires_at)) = &self.identity {
            if self.world.now() >= *expires_at {
                return Err(CloudError::ExpiredCredentials(
                    "GetCallerIdentity: ExpiredToken: the break-glass session has expired".into(),
                ));
            }
            return Ok(id.clone());
        }
        Ok(CallerIdentity {
            session_expires: None,
            account: self.profile.account.clone(),
            arn: self.profile.caller_arn(),
            user_id: self.profile.caller_user_id(),
        })
    }

    /// The simulated account grants every action the console calls.
    async fn simulate_principal(
        &self,
        _principal_arn: &str,
        actions: &[&str],
    ) -> CloudResult<Vec<(String, bool)>> {
        self.check(SimSource::Identity)?;
        Ok(actions.iter().map(|a| (a.to_string(), true)).collect())
    }

    /// The simulated account keeps the console's own clock.
    async fn clock_skew(&self) -> CloudResult<crate::cloud::Epoch> {
        self.check(SimSource::Identity)?;
        Ok(0)
    }
}

#[async_trait]
impl EcsRead for SimCloud {
    async fn list_services(&self, cluster: &str) -> CloudResult<Vec<EcsService>> {
        self.check(SimSource::EcsServices)?;
        self.check_cluster(cluster)?;
        let (now, ops) = self.world.snapshot(&self.profile.name);
        let mut services: Vec<EcsService> = self
            .profile
            .services
            .iter()
            .filter_map(|spec| ServiceView::new(self.ctx(), spec, &ops, now))
            .map(|view| view.service())
            .collect();
        services.sort_by(|a, b| a.name.cmp(&b.name));
        if self.world.scenario().is_some() {
            self.add_fault_events(&mut services, now);
        }
        Ok(services)
    }

    async fn list_tasks(&self, cluster: &str) -> CloudResult<Vec<EcsTask>> {
        self.check(SimSource::EcsTasks)?;
        self.check_cluster(cluster)?;
        let (now, ops) = self.world.snapshot(&self.profile.name);
        let mut tasks: Vec<_> = self
            .profile
            .services
            .iter()
            .filter_map(|spec| ServiceView::new(self.ctx(), spec, &ops, now))
            .flat_map(|view| view.tasks())
            .collect();
        tasks.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(tasks.into_iter().map(|(_, task)| task).collect())
    }

    async fn describe_task_definition(&self, task_definition: &str) -> CloudResult<TaskDefinition> {
        self.check(SimSource::TaskDefinitions)?;
        let (family, revision) = taskdefs::lookup(&self.profile, task_definition)
            .ok_or_else(|| CloudError::NotFound(format!("task definition {task_definition}")))?;
        Ok(taskdefs::describe(
            &self.profile,
            family,
            revision,
            self.world.start(),
        ))
    }

    async fn list_service_deployments(
        &self,
        cluster: &str,
        service: &str,
    ) -> CloudResult<Vec<ServiceDeploymentRecord>> {
        self.check(SimSource::ServiceDeployments)?;
        self.check_cluster(cluster)?;
        let spec = self
            .profile
            .service(service)
            .ok_or_else(|| CloudError::NotFound(format!("service {service}")))?;
        let (now, ops) = self.world.snapshot(&self.profile.name);
        ServiceView::new(self.ctx(), spec, &ops, now)
            .map(|view| view.records())
            .ok_or_else(|| CloudError::NotFound(format!("service {service}")))
    }
}

#[async_trait]
impl crate::cloud::CostRead for SimCloud {
    async fn cost_and_usage(
        &self,
        request: &crate::cloud::CostUsageRequest,
    ) -> CloudResult<crate::cloud::CostUsage> {
        self.check(SimSource::CostUsage)?;
        let now = self.world.now();
        Ok(cost::usage(
            self.world.seed(),
            &self.profile,
            &self.fault_clock(),
            now,
            request,
        ))
    }

    async fn cost_forecast(
        &self,
        request: &crate::cloud::CostForecastRequest,
    ) -> CloudResult<crate::cloud::CostForecast> {
        self.check(SimSource::CostForecast)?;
        let now = self.world.now();
        Ok(cost::forecast(
            self.world.seed(),
            &self.profile,
            now,
            request,
        ))
    }

    async fn cost_anomalies(
        &self,
        request: &crate::cloud::CostAnomalyRequest,
    ) -> CloudResult<crate::cloud::CostAnomalies> {
        self.check(SimSource::CostAnomalies)?;
        let now = self.world.now();
        Ok(cost::anomalies(
            self.world.seed(),
            &self.profile,
            &self.fault_clock(),
            now,
            request,
        ))
    }
}

#[async_trait]
impl crate::cloud::MetricsRead for SimCloud {
    fn metrics_now(&self) -> crate::cloud::Epoch {
        self.world.now()
    }

    async fn get_metric_data(
        &self,
        request: &crate::cloud::MetricDataRequest,
    ) -> CloudResult<crate::cloud::MetricData> {
        self.check(SimSource::Metrics)?;
        Ok(metrics::get_metric_data(
            self.world.seed(),
            &self.incident_clock(),
            &self.profile,
            request,
        ))
    }

    async fn describe_alarms(&self, prefix: &str) -> CloudResult<Vec<crate::cloud::Alarm>> {
        self.check(SimSource::Alarms)?;
        let mut alarms = metrics::alarms(
            self.world.seed(),
            &self.incident_clock(),
            &self.profile,
            self.world.now(),
        );
        alarms.retain(|a| a.name.starts_with(prefix));
        Ok(alarms)
    }

    async fn recent_errors(
        &self,
        log_groups: &[String],
        start: crate::cloud::Epoch,
        end: crate::cloud::Epoch,
    ) -> CloudResult<crate::cloud::RecentErrors> {
        let failed = self.check(SimSource::RecentErrors);
        let mut kept = self
            .errors_window
            .lock()
            .map_err(|_| CloudError::Service("recent errors: lock poisoned".into()))?;
        if let Err(e) = failed {
            kept.clear();
            return Err(e);
        }
        let plan = kept.plan(log_groups, start, end);
        let fresh = metrics::recent_errors(
            self.world.seed(),
            &self.incident_clock(),
            &self.profile,
            log_groups,
            plan.from,
            plan.to,
        );
        let rows = kept.merge(log_groups, start, plan, fresh);
        Ok(crate::cloud::RecentErrors {
            rows,
            scanned_bytes: Some(metrics::scanned_bytes(
                &self.profile,
                log_groups.len(),
                plan.to - plan.from,
            )),
            queried_from: plan.from,
            incremental: plan.incremental,
        })
    }

    async fn find_load_balancer(&self, name: &str) -> CloudResult<Option<String>> {
        self.check(SimSource::LoadBalancers)?;
        Ok(metrics::find_load_balancer(
            self.world.seed(),
            &self.profile,
            name,
        ))
    }
}

impl SimCloud {
    fn security_view<'a>(
        &'a self,
        ledger: &'a security_ledger::Ledger,
    ) -> security::SecurityView<'a> {
        security::SecurityView {
            ctx: self.ctx(),
            now: self.world.now(),
            ledger,
            drill: self.world.scenario().map(|_| self.fault_clock()),
        }
    }
}

#[async_trait]
impl crate::cloud::SecurityRead for SimCloud {
    async fn security_findings(
        &self,
        filters: &crate::cloud::security_filter::FindingFilters,
    ) -> CloudResult<crate::cloud::Listing<crate::cloud::Finding>> {
        self.check(SimSource::SecurityFindings)?;
        let ledger = self.world.security_ledger();
        let mut findings = self.security_view(&ledger).findings();
        findings.retain(|f| filters.matches(f));
        Ok(self.world.listing(SimSource::SecurityFindings, findings))
    }

    async fn enabled_standards(&self) -> CloudResult<Vec<crate::cloud::EnabledStandard>> {
        self.check(SimSource::SecurityStandards)?;
        let ledger = self.world.security_ledger();
        Ok(self.security_view(&ledger).standards())
    }

    async fn finding_history(
        &self,
        finding: &crate::cloud::FindingRef,
    ) -> CloudResult<Vec<crate::cloud::FindingHistoryRecord>> {
        self.check(SimSource::SecurityHistory)?;
        let ledger = self.world.security_ledger();
        security_history::history(&self.security_view(&ledger), finding)
    }

    async fn guardduty_detectors(&self) -> CloudResult<Vec<crate::cloud::Detector>> {
        self.check(SimSource::GuardDuty)?;
        let ledger = self.world.security_ledger();
        Ok(vec![self.security_view(&ledger).detector()])
    }

    async fn guardduty_findings(
        &self,
        detector_id: &str,
    ) -> CloudResult<crate::cloud::Listing<crate::cloud::ThreatFinding>> {
        self.check(SimSource::GuardDuty)?;
        let ledger = self.world.security_ledger();
        let view = self.security_view(&ledger);
        if view.detector().id != detector_id {
            return Err(CloudError::NotFound(format!("detector {detector_id}")));
        }
        let mut threats = view.threats();
        threats.retain(|t| !t.archived);
        Ok(self.world.listing(SimSource::GuardDuty, threats))
    }
}

#[async_trait]
impl crate::cloud::SecurityAct for SimCloud {
    async fn update_findings_workflow(
        &self,
        findings: &[crate::cloud::FindingRef],
        status: crate::cloud::WorkflowStatus,
        note: &str,
        updated_by: &str,
    ) -> CloudResult<WriteReceipt> {
        let ledger = self.world.security_ledger();
        let known = self.security_view(&ledger).findings();
        security_writes::update_workflow(
            &self.world,
            &self.profile.name,
            &known,
            findings,
            status,
            note,
            updated_by,
        )
    }

    async fn archive_guardduty_findings(
        &self,
        detector_id: &str,
        finding_ids: &[String],
    ) -> CloudResult<WriteReceipt> {
        let ledger = self.world.security_ledger();
        let view = self.security_view(&ledger);
        let known: Vec<String> = view.threats().into_iter().map(|t| t.id).collect();
        security_writes::archive(
            &self.world,
            &self.profile.name,
            detector_id,
            &view.detector().id,
            &known,
            finding_ids,
        )
    }
}

#[async_trait]
impl CloudAct for SimCloud {
    async fn update_service(
        &self,
        cluster: &str,
        service: &str,
        update: &ServiceUpdate,
    ) -> CloudResult<WriteReceipt> {
        act::update_service(&self.world, &self.profile, cluster, service, update)
    }
}
