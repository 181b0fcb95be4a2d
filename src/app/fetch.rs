//! Runs fetches as tokio tasks: at most one in flight per source, with one queued
//! behind it; results come back over a channel tagged with the environment
//! generation so that answers for a previous environment are dropped.

use std::collections::HashSet;

use tokio::sync::mpsc::UnboundedSender;

use super::dashboard_query::{DashboardTargets, dashboard_request};
use super::source::{Fetched, Source};
use crate::cloud::{CloudHandle, CloudRead};
use crate::config::Environment;

/// A finished fetch on its way back to the loop.
#[derive(Debug)]
pub struct FetchDone {
    pub generation: u64,
    pub fetched: Fetched,
}

/// Schedules fetches against the current environment's cloud.
pub struct Fetcher {
    cloud: CloudHandle,
    env: Environment,
    generation: u64,
    tx: UnboundedSender<FetchDone>,
    in_flight: HashSet<Source>,
    queued: HashSet<Source>,
}

impl Fetcher {
    /// A fetcher sending results to `tx`.
    pub fn new(cloud: CloudHandle, env: Environment, tx: UnboundedSender<FetchDone>) -> Fetcher {
        Fetcher {
            cloud,
            env,
            generation: 0,
            tx,
            in_flight: HashSet::new(),
            queued: HashSet::new(),
        }
    }

    /// The current generation; results of older ones are stale.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Point at another environment; everything in flight becomes stale.
    pub fn switch(&mut self, cloud: CloudHandle, env: Environment) {
        self.cloud = cloud;
        self.env = env;
        self.generation += 1;
        self.in_flight.clear();
        self.queued.clear();
    }

    /// Fetch `source` now, or once the fetch in flight for it finishes.
    pub fn request(&mut self, source: Source) {
        if self.in_flight.contains(&source) {
            self.queued.insert(source);
        } else {
            self.spawn(source);
        }
    }

    /// Note that a fetch finished; starts the queued one, if any.
    /// Returns false for a stale result (another environment's), which must be dropped.
    pub fn finished(&mut self, done: &FetchDone) -> bool {
        if done.generation != self.generation {
            return false;
        }
        let source = done.fetched.source();
        self.in_flight.remove(&source);
        if self.queued.remove(&source) {
            self.spawn(source);
        }
        true
    }

    /// Number of fetches in flight.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Perform a confirmed Security triage write through the acting side; its answer
    /// comes back as `Fetched::SecurityWritten`.
    pub fn perform_security_write(
        &mut self,
        write: super::security_triage::SecurityWrite,
        audit: crate::audit::AuditLog,
    ) {
        let cloud = self.cloud.clone();
        let env = self.env.name.clone();
        let tx = self.tx.clone();
        let generation = self.generation;
        tokio::spawn(async move {
            let r = super::security_fetch::perform(&cloud, &write, &audit, &env).await;
            let _ = tx.send(FetchDone {
                generation,
                fetched: Fetched::SecurityWritten(r),
            });
        });
    }

    /// Save a Logs query through the acting side (`PutQueryDefinition`); its answer comes
    /// back as a `Fetched::Logs`.
    pub fn perform_logs_save(&mut self, definition: crate::cloud::QueryDefinition) {
        let cloud = self.cloud.clone();
        let tx = self.tx.clone();
        let generation = self.generation;
        tokio::spawn(async move {
            let r = super::logs_source::save(&cloud, definition).await;
            let _ = tx.send(FetchDone {
                generation,
                fetched: Fetched::Logs(r),
            });
        });
    }

    fn spawn(&mut self, source: Source) {
        self.in_flight.insert(source.clone());
        let read = self.cloud.read.clone();
        let env = self.env.clone();
        let tx = self.tx.clone();
        let generation = self.generation;
        tokio::spawn(async move {
            let fetched = run_fetch(read.as_ref(), &env, source).await;
            // The loop may have exited; nothing to do then.
            let _ = tx.send(FetchDone {
                generation,
                fetched,
            });
        });
    }
}

/// Fetch one source from `read` for `env`. The one place a `Source` becomes cloud calls.
pub async fn run_fetch(read: &dyn CloudRead, env: &Environment, source: Source) -> Fetched {
    let cluster = env.cluster.as_str();
    match source {
        Source::Identity => Fetched::Identity(read.caller_identity().await),
        s @ (Source::SecurityFindings(_)
        | Source::SecurityCompliance
        | Source::SecurityDetectors
        | Source::GuardDutyFindings(_)
        | Source::SecurityHistory(_)
        | Source::SecurityWrite) => match super::security_fetch::fetch(read, &s).await {
            Some(f) => f,
            None => Fetched::SecurityWritten(Err(crate::cloud::CloudError::Invalid(
                "a write is not a fetch".into(),
            ))),
        },
        Source::Logs(s) => Fetched::Logs(super::logs_source::fetch(read, s).await),
        Source::EcsServices => Fetched::EcsServices(read.list_services(cluster).await),
        Source::EcsTasks => Fetched::EcsTasks(read.list_tasks(cluster).await),
        Source::ServiceDeployments(service) => {
            let r = read.list_service_deployments(cluster, &service).await;
            Fetched::ServiceDeployments(service, r)
        }
        Source::TaskDefinition(arn) => {
            let r = read.describe_task_definition(&arn).await;
            Fetched::TaskDefinition(arn, r)
        }
        Source::Cost(fetch) => {
            let cache =
                crate::cost_cache::CostCache::default_location_with_ttl(env.cost_cache_seconds);
            let now = super::run::wall_clock();
            let r = super::cost_fetch::run(read, cache.as_ref(), &env.name, &fetch, now).await;
            Fetched::Cost(fetch, r)
        }
        Source::DashboardMetrics(key) => {
            let targets = DashboardTargets::for_env(env, key.load_balancer.clone());
            let request = dashboard_request(&targets, key.range, read.metrics_now());
            Fetched::DashboardMetrics(key, read.get_metric_data(&request).await)
        }
        Source::DashboardAlarms(prefix) => {
            let r = read.describe_alarms(&prefix).await;
            Fetched::DashboardAlarms(prefix, r)
        }
        Source::DashboardErrors(window) => {
            let end = read.metrics_now();
            let r = read
                .recent_errors(&env.log_groups, end.saturating_sub(window), end)
                .await;
            Fetched::DashboardErrors(window, r)
        }
        Source::DashboardServices => Fetched::DashboardServices(read.list_services(cluster).await),
        Source::DashboardLoadBalancer(name) => {
            let r = read.find_load_balancer(&name).await;
            Fetched::DashboardLoadBalancer(name, r)
        }
        Source::DashboardDatabase => {
            Fetched::DashboardDatabase(read.db_instance(&env.db_instance).await)
        }
    }
}
