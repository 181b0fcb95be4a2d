//! Deployment plans of one service: the scripted history and incident plus the writes
//! applied through `CloudAct`, resolved at a simulated instant.
//!
//! A plan is one ECS deployment. Plans of good revisions complete after a settle time;
//! plans of bad revisions crash-loop until the deployment circuit breaker marks them FAILED
//! and starts a rollback plan to the last completed revision. Everything is derived from
//! the steps that happened at or before the instant asked about.

use super::profile::{EnvProfile, ServiceSpec};
use super::rng;
use crate::cloud::types::Epoch;

/// A new deployment of a good revision reaches COMPLETED this long after it starts.
pub const DEPLOY_SETTLE: i64 = 90;
/// A circuit-breaker rollback reaches COMPLETED this long after it starts.
pub const ROLLBACK_SETTLE: i64 = 180;
/// The circuit breaker fails a crash-looping deployment this long after it started.
pub const CIRCUIT_BREAKER_AFTER: i64 = 600;

/// What a write asks of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Start a new deployment: of `target` (family, revision) or the current revision,
    /// with `desired` tasks or the current count.
    Deploy {
        target: Option<(String, i32)>,
        desired: Option<i32>,
    },
    /// Change the desired count of the current deployment.
    Scale { desired: i32 },
}

/// A write applied to the world through `CloudAct`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOp {
    pub seq: u64,
    pub at: Epoch,
    pub env: String,
    pub service: String,
    pub change: Change,
}

/// What the sim needs to resolve anything: the seed, the world start and the environment.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub seed: u64,
    pub start: Epoch,
    pub profile: &'a EnvProfile,
}

/// One deployment as resolved at some instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub key: u64,
    /// `ecs-svc/<19 digits>`.
    pub id: String,
    pub family: String,
    pub revision: i32,
    pub start: Epoch,
    /// Desired count changes: (when, count), the first at `start`.
    pub desired: Vec<(Epoch, i32)>,
    pub bad: bool,
    pub settle: i64,
    /// For a circuit-breaker rollback: the failed plan and the plan whose revision it restores.
    pub rollback_of: Option<usize>,
    pub rollback_to: Option<usize>,
    pub superseded_at: Option<Epoch>,
    pub failed_at: Option<Epoch>,
}

impl Plan {
    /// When this plan completes (or completed), if it ever does.
    pub fn completion(&self) -> Option<Epoch> {
        if self.bad {
            return None;
        }
        let done = self.start.saturating_add(self.settle);
        match self.superseded_at {
            Some(s) if s < done => None,
            _ => Some(done),
        }
    }

    /// True when the plan had completed at `t`.
    pub fn completed_by(&self, t: Epoch) -> bool {
        self.completion().is_some_and(|c| c <= t)
    }

    /// The desired count at `t` (never negative).
    pub fn desired_at(&self, t: Epoch) -> i32 {
        self.desired
            .iter()
            .take_while(|(at, _)| *at <= t)
            .last()
            .or(self.desired.first())
            .map_or(0, |(_, d)| (*d).max(0))
    }

    /// When new tasks stop being launched for this plan.
    pub fn launch_end(&self) -> Option<Epoch> {
        match (self.superseded_at, self.failed_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// `ecs-svc/` plus 19 digits, from a key.
pub fn deployment_id(key: u64) -> String {
    format!(
        "ecs-svc/{}",
        1_000_000_000_000_000_000u64 + key % 8_000_000_000_000_000_000
    )
}

struct Step {
    at: Epoch,
    rank: (u8, u64),
    key: u64,
    change: Change,
}

/// The plans of `svc` at `t`, oldest first; the last one is the PRIMARY deployment.
pub fn resolve(ctx: Ctx<'_>, svc: &ServiceSpec, writes: &[WriteOp], t: Epoch) -> Vec<Plan> {
    let env = ctx.profile.name.as_str();
    let mut steps: Vec<Step> = svc
        .script
        .iter()
        .enumerate()
        .map(|(i, d)| Step {
            at: ctx.start.saturating_add(d.at),
            rank: (0, i as u64),
            key: rng::key(ctx.seed, &[env, &svc.name, "script", &i.to_string()]),
            change: Change::Deploy {
                target: Some((svc.family.clone(), d.revision)),
                desired: d.desired,
            },
        })
        .collect();
    steps.extend(
        writes
            .iter()
            .filter(|w| w.env == env && w.service == svc.name)
            .map(|w| Step {
                at: w.at,
                rank: (1, w.seq),
                key: rng::key(ctx.seed, &[env, &svc.name, "write", &w.seq.to_string()]),
                change: w.change.clone(),
            }),
    );
    steps.retain(|s| s.at <= t);
    steps.sort_by_key(|s| (s.at, s.rank));

    let mut plans: Vec<Plan> = Vec::new();
    let breaker = ctx.profile.circuit_breaker;
    for step in steps {
        if breaker {
            circuit_breaker(&mut plans, step.at);
        }
        apply(ctx, &mut plans, step);
    }
    if breaker {
        circuit_breaker(&mut plans, t);
    }
    plans
}

fn is_bad(profile: &EnvProfile, family: &str, revision: i32) -> bool {
    profile
        .family(family)
        .and_then(|f| f.revisions.iter().find(|r| r.number == revision))
        .is_some_and(|r| r.bad)
}

fn apply(ctx: Ctx<'_>, plans: &mut Vec<Plan>, step: Step) {
    match step.change {
        Change::Deploy { target, desired } => {
            let current = plans.last();
            let (family, revision) = match (target, current) {
                (Some(t), _) => t,
                (None, Some(p)) => (p.family.clone(), p.revision),
                (None, None) => return,
            };
            let desired = desired
                .or(current.map(|p| p.desired_at(step.at)))
                .unwrap_or(1)
                .max(0);
            if let Some(last) = plans.last_mut() {
                last.superseded_at = Some(step.at);
            }
            plans.push(Plan {
                key: step.key,
                id: deployment_id(step.key),
                bad: is_bad(ctx.profile, &family, revision),
                family,
                revision,
                start: step.at,
                desired: vec![(step.at, desired)],
                settle: DEPLOY_SETTLE,
                rollback_of: None,
                rollback_to: None,
                superseded_at: None,
                failed_at: None,
            });
        }
        Change::Scale { desired } => {
            if let Some(last) = plans.last_mut() {
                last.desired.push((step.at, desired.max(0)));
            }
        }
    }
}

/// Fails the crash-looping PRIMARY deployment once the breaker's time is up (at or before
/// `upto`) and starts the rollback to the last completed deployment.
fn circuit_breaker(plans: &mut Vec<Plan>, upto: Epoch) {
    let Some(last_index) = plans.len().checked_sub(1) else {
        return;
    };
    let last = &plans[last_index];
    if !last.bad || last.failed_at.is_some() {
        return;
    }
    let failed = last.start.saturating_add(CIRCUIT_BREAKER_AFTER);
    if failed > upto {
        return;
    }
    let desired = last.desired_at(failed);
    let key = rng::mix(last.key, 0x0bad_ca11);
    let target = plans[..last_index]
        .iter()
        .rposition(|p| p.completed_by(failed));
    plans[last_index].failed_at = Some(failed);
    let Some(target_index) = target else {
        return;
    };
    plans[last_index].superseded_at = Some(failed);
    let target = &plans[target_index];
    let rollback = Plan {
        key,
        id: deployment_id(key),
        family: target.family.clone(),
        revision: target.revision,
        start: failed,
        desired: vec![(failed, desired)],
        bad: false,
        settle: ROLLBACK_SETTLE,
        rollback_of: Some(last_index),
        rollback_to: Some(target_index),
        superseded_at: None,
        failed_at: None,
    };
    plans.push(rollback);
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Epoch = 1_750_000_000;

    fn plans(env: &str, t: Epoch, writes: &[WriteOp]) -> Vec<Plan> {
        let p = EnvProfile::for_env(env);
        let ctx = Ctx {
            seed: 1,
            start: T0,
            profile: &p,
        };
        resolve(ctx, &p.services[0], writes, t)
    }

    #[test]
    fn prod_incident_fails_and_rolls_back() {
        let before = plans("prod", T0 + 60, &[]);
        assert_eq!(before.last().map(|p| p.revision), Some(41));
        assert!(before.last().is_some_and(|p| p.completed_by(T0 + 60)));

        let during = plans("prod", T0 + 300, &[]);
        let last = during.last().expect("plans");
        assert_eq!((last.revision, last.bad, last.start), (42, true, T0 + 120));

        let after = plans("prod", T0 + 20 * 60, &[]);
        let n = after.len();
        assert_eq!(after[n - 2].failed_at, Some(T0 + 12 * 60));
        let rollback = &after[n - 1];
        assert_eq!(rollback.revision, 41);
        assert_eq!(rollback.rollback_of, Some(n - 2));
        assert_eq!(rollback.completion(), Some(T0 + 15 * 60));
    }

    #[test]
    fn a_write_before_the_breaker_prevents_the_rollback() {
        let write = WriteOp {
            seq: 0,
            at: T0 + 360,
            env: "prod".into(),
            service: "cloudplatform-prod-ecs-service".into(),
            change: Change::Deploy {
                target: Some(("cloudplatform-prod-fastapi".into(), 41)),
                desired: None,
            },
        };
        let ps = plans("prod", T0 + 20 * 60, &[write]);
        let last = ps.last().expect("plans");
        assert_eq!(
            (last.revision, last.rollback_of, last.start),
            (41, None, T0 + 360)
        );
        assert!(ps.iter().all(|p| p.failed_at.is_none()));
        assert_eq!(last.desired_at(T0 + 400), 3);
    }

    #[test]
    fn staging_history_has_a_rolled_back_revision() {
        let ps = plans("staging", T0, &[]);
        let revs: Vec<i32> = ps.iter().map(|p| p.revision).collect();
        assert_eq!(revs, vec![38, 39, 40, 41, 40, 42]);
        assert!(ps.last().is_some_and(|p| p.completed_by(T0)));
        assert!(ps[3].failed_at.is_some());
    }

    #[test]
    fn scale_changes_desired_of_the_primary() {
        let write = WriteOp {
            seq: 3,
            at: T0 + 30,
            env: "dev".into(),
            service: "cloudplatform-dev-ecs-service".into(),
            change: Change::Scale { desired: 4 },
        };
        let ps = plans("dev", T0 + 60, std::slice::from_ref(&write));
        assert_eq!(ps.last().map(|p| p.desired_at(T0 + 29)), Some(1));
        assert_eq!(ps.last().map(|p| p.desired_at(T0 + 30)), Some(4));
        // Before the write happened, it does not exist.
        let earlier = plans("dev", T0 + 10, &[write]);
        assert_eq!(earlier.last().map(|p| p.desired.len()), Some(1));
    }
}
