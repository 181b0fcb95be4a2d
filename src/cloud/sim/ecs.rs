//! One service of the simulated account at an instant: `DescribeServices`, its tasks and
//! its `ListServiceDeployments` history, assembled from plans and task lives.

use super::events;
use super::log_events::TaskSpan;
use super::profile::{REGION, ServiceKind, ServiceSpec};
use super::rng;
use super::tasks::{self, Life, StopCause};
use super::timeline::{self, Ctx, Plan, WriteOp};
use crate::cloud::types::{EcsDeployment, EcsService, EcsTask, Epoch, ServiceDeploymentRecord};

/// Stopped tasks stay listed this long (ECS shows recently stopped tasks for about an hour).
const STOPPED_RETENTION: i64 = 3600;
/// At most this many stopped tasks are listed per service.
const MAX_STOPPED: usize = 100;

/// Orders tasks in `ListTasks` answers: (live 0 / stopped 1, service, time, id).
pub type TaskKey = (u8, String, Epoch, String);

/// One service resolved at `t`.
pub struct ServiceView<'a> {
    ctx: Ctx<'a>,
    spec: &'a ServiceSpec,
    plans: Vec<Plan>,
    lives: Vec<Life>,
    t: Epoch,
}

impl<'a> ServiceView<'a> {
    /// The service at `t`, or `None` when it did not exist yet.
    pub fn new(ctx: Ctx<'a>, spec: &'a ServiceSpec, writes: &[WriteOp], t: Epoch) -> Option<Self> {
        let plans = timeline::resolve(ctx, spec, writes, t);
        if plans.is_empty() {
            return None;
        }
        let lives = tasks::lives(ctx, spec, &plans, t);
        Some(Self {
            ctx,
            spec,
            plans,
            lives,
            t,
        })
    }

    /// Every task's logging span, for the log streams named after the tasks.
    pub fn task_spans(&self) -> Vec<TaskSpan> {
        self.lives
            .iter()
            .map(|l| TaskSpan {
                id: l.id.clone(),
                from: l.running_at,
                until: l.stop.map(|s| s.at),
                failing: self.plans.get(l.plan).is_some_and(|p| p.bad),
            })
            .collect()
    }

    /// The PRIMARY plan.
    pub fn primary(&self) -> Option<&Plan> {
        self.plans.last()
    }

    fn td_arn(&self, plan: &Plan) -> String {
        self.ctx
            .profile
            .task_definition_arn(&plan.family, plan.revision)
    }

    fn plan_lives(&self, index: usize) -> impl Iterator<Item = &Life> {
        self.lives.iter().filter(move |l| l.plan == index)
    }

    fn deployment(&self, index: usize, plan: &Plan, primary: bool) -> EcsDeployment {
        let t = self.t;
        let states: Vec<_> = self
            .plan_lives(index)
            .filter_map(|l| l.state_at(t))
            .collect();
        let count = |statuses: &[&str]| {
            i32::try_from(
                states
                    .iter()
                    .filter(|s| statuses.contains(&s.last_status))
                    .count(),
            )
            .unwrap_or(i32::MAX)
        };
        let desired = if primary {
            plan.desired_at(t)
        } else {
            i32::try_from(
                states
                    .iter()
                    .filter(|s| s.desired_status == "RUNNING")
                    .count(),
            )
            .unwrap_or(i32::MAX)
        };
        let failed = i32::try_from(self.plan_lives(index).filter(|l| l.crashed_by(t)).count())
            .unwrap_or(i32::MAX);
        let (state, reason) = if plan.failed_at.is_some_and(|f| f <= t) {
            (
                "FAILED",
                "ECS deployment circuit breaker: tasks failed to start.".to_string(),
            )
        } else if plan.completed_by(t) {
            (
                "COMPLETED",
                format!("ECS deployment {} completed.", plan.id),
            )
        } else {
            (
                "IN_PROGRESS",
                format!("ECS deployment {} in progress.", plan.id),
            )
        };
        let mut updated = plan.start;
        for l in self.plan_lives(index) {
            for at in [Some(l.launched), Some(l.running_at), l.stop.map(|s| s.at)]
                .into_iter()
                .flatten()
            {
                if at <= t {
                    updated = updated.max(at);
                }
            }
        }
        for at in [plan.completion(), plan.failed_at].into_iter().flatten() {
            if at <= t {
                updated = updated.max(at);
            }
        }
        EcsDeployment {
            id: plan.id.clone(),
            status: if primary { "PRIMARY" } else { "ACTIVE" }.to_string(),
            task_definition: self.td_arn(plan),
            desired,
            running: count(&["RUNNING"]),
            pending: count(&["PROVISIONING", "PENDING"]),
            failed,
            rollout_state: Some(state.to_string()),
            rollout_reason: Some(reason),
            created_at: Some(plan.start),
            updated_at: Some(updated),
        }
    }

    /// `DescribeServices` for this service.
    pub fn service(&self) -> EcsService {
        let t = self.t;
        // `new` guarantees at least one plan; the last one is PRIMARY.
        let last = self.plans.len().saturating_sub(1);
        let primary_plan = self.plans.get(last);
        let mut deployments = Vec::new();
        for (index, plan) in self.plans.iter().enumerate().rev() {
            let alive = self
                .plan_lives(index)
                .any(|l| l.launched <= t && l.stopped_at().is_none_or(|s| s > t));
            // A failed deployment stays listed while its rollback is in progress.
            let rolling_back_from =
                primary_plan.is_some_and(|p| p.rollback_of == Some(index) && !p.completed_by(t));
            if index == last || alive || rolling_back_from {
                deployments.push(self.deployment(index, plan, index == last));
            }
        }
        let (desired, task_definition) = deployments
            .first()
            .map(|d| (d.desired, d.task_definition.clone()))
            .unwrap_or_default();
        let profile = self.ctx.profile;
        EcsService {
            name: self.spec.name.clone(),
            arn: profile.service_arn(&self.spec.name),
            status: "ACTIVE".to_string(),
            desired,
            running: deployments.iter().map(|d| d.running).sum(),
            pending: deployments.iter().map(|d| d.pending).sum(),
            task_definition,
            launch_type: "FARGATE".to_string(),
            events: events::events(self.ctx, self.spec, &self.plans, &self.lives, t),
            target_groups: match self.spec.kind {
                ServiceKind::Api => vec![profile.target_group_arn(self.ctx.seed)],
                ServiceKind::Worker => Vec::new(),
            },
            created_at: self.plans.first().map(|p| p.start),
            deployments,
        }
    }

    /// The service's tasks at `t` with a sort key: live tasks first (by service, then
    /// launch), then recently stopped ones, newest first.
    pub fn tasks(&self) -> Vec<(TaskKey, EcsTask)> {
        let t = self.t;
        let profile = self.ctx.profile;
        let family = profile.family(&self.spec.family);
        let mut live = Vec::new();
        let mut stopped = Vec::new();
        for life in &self.lives {
            let Some(state) = life.state_at(t) else {
                continue;
            };
            let Some(plan) = self.plans.get(life.plan) else {
                continue;
            };
            let stopped_reason = state.stop.map(|s| match s.cause {
                StopCause::Crashed => "Essential container in task exited".to_string(),
                StopCause::ScaledIn(by) | StopCause::Replaced(by) => format!(
                    "Scaling activity initiated by (deployment {})",
                    self.plans
                        .get(by)
                        .map_or(plan.id.as_str(), |p| p.id.as_str())
                ),
            });
            let task = EcsTask {
                arn: profile.task_arn(&life.id),
                task_definition_arn: self.td_arn(plan),
                last_status: state.last_status.to_string(),
                desired_status: state.desired_status.to_string(),
                health: Some(state.health.to_string()),
                availability_zone: Some(format!("{REGION}{}", ["a", "b", "c"][life.az % 3])),
                private_ip: Some(life.ip.clone()),
                eni_id: Some(life.eni.clone()),
                group: Some(format!("service:{}", self.spec.name)),
                started_at: state.started_at,
                stopped_at: life.stopped_at().filter(|s| *s <= t),
                stopped_reason,
                cpu: family.map(|f| f.cpu.to_string()),
                memory: family.map(|f| f.memory.to_string()),
                containers: vec![super::taskdefs::task_container(
                    family,
                    plan.revision,
                    state.last_status,
                    state.stop.map(|s| matches!(s.cause, StopCause::Crashed)),
                )],
            };
            match life.stopped_at().filter(|s| *s <= t) {
                None => live.push((
                    (0, self.spec.name.clone(), life.launched, life.id.clone()),
                    task,
                )),
                Some(s) if s >= t - STOPPED_RETENTION => {
                    stopped.push(((1, String::new(), -s, life.id.clone()), task));
                }
                Some(_) => {}
            }
        }
        stopped.sort_by(|a, b| a.0.cmp(&b.0));
        stopped.truncate(MAX_STOPPED);
        live.extend(stopped);
        live
    }

    /// `ListServiceDeployments`: one record per rollout, newest first. A circuit-breaker
    /// rollback is part of the failed rollout's record (ROLLBACK_IN_PROGRESS/SUCCESSFUL).
    pub fn records(&self) -> Vec<ServiceDeploymentRecord> {
        let t = self.t;
        let profile = self.ctx.profile;
        let mut out = Vec::new();
        for (index, plan) in self.plans.iter().enumerate() {
            if plan.rollback_of.is_some() {
                continue;
            }
            let rollback = self
                .plans
                .get(index + 1)
                .filter(|p| p.rollback_of == Some(index));
            let (status, finished) = match (plan.failed_at, rollback) {
                (Some(_), Some(rb)) => match (rb.completion(), rb.superseded_at) {
                    (Some(c), _) if c <= t => ("ROLLBACK_SUCCESSFUL", Some(c)),
                    (None, Some(s)) => ("STOPPED", Some(s)),
                    _ => ("ROLLBACK_IN_PROGRESS", None),
                },
                (Some(f), None) => ("STOPPED", Some(f)),
                (None, _) => match (plan.completion(), plan.superseded_at) {
                    (Some(c), _) if c <= t => ("SUCCESSFUL", Some(c)),
                    (None, Some(s)) => ("STOPPED", Some(s)),
                    _ => ("IN_PROGRESS", None),
                },
            };
            let suffix = rng::SplitMix64::new(plan.key).pick(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                20,
            );
            out.push(ServiceDeploymentRecord {
                arn: format!(
                    "arn:aws:ecs:{REGION}:{}:service-deployment/{}/{}/{suffix}",
                    profile.account,
                    profile.cluster(),
                    self.spec.name
                ),
                status: status.to_string(),
                target_task_definition: Some(self.td_arn(plan)),
                started_at: Some(plan.start),
                finished_at: finished,
            });
        }
        out.reverse();
        out
    }
}
