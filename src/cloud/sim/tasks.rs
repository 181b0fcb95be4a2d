//! Task lifecycles of one service: which tasks each deployment plan launches, when they
//! run, become healthy, crash or are stopped, and what `DescribeTasks` shows at an instant.

use super::profile::ServiceSpec;
use super::rng;
use super::timeline::{Ctx, Plan};
use crate::cloud::types::Epoch;

/// Why a task stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopCause {
    /// Its essential container exited (exit code 1).
    Crashed,
    /// The service scaled in; the plan (by index) that initiated it.
    ScaledIn(usize),
    /// A newer deployment (by index) replaced it.
    Replaced(usize),
}

/// When and why a task was told to stop (or crashed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    pub at: Epoch,
    pub cause: StopCause,
}

/// One task from launch to STOPPED.
#[derive(Debug, Clone, PartialEq)]
pub struct Life {
    pub plan: usize,
    pub id: String,
    pub launched: Epoch,
    pub running_at: Epoch,
    pub healthy_at: Option<Epoch>,
    pub unhealthy_at: Option<Epoch>,
    pub stop: Option<Stop>,
    pub az: usize,
    pub ip: String,
    pub eni: String,
}

/// What a task looks like at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskState {
    pub last_status: &'static str,
    pub desired_status: &'static str,
    pub health: &'static str,
    pub started_at: Option<Epoch>,
    /// Set once the task was told to stop (or crashed) at or before the instant.
    pub stop: Option<Stop>,
}

impl Life {
    /// When the task reaches STOPPED, if it does.
    pub fn stopped_at(&self) -> Option<Epoch> {
        self.stop.map(|s| match s.cause {
            StopCause::Crashed => s.at + 10,
            _ => s.at + 15,
        })
    }

    /// True when the container crashed at or before `t`.
    pub fn crashed_by(&self, t: Epoch) -> bool {
        self.stop
            .is_some_and(|s| s.cause == StopCause::Crashed && s.at <= t)
    }

    /// The task at `t`, or `None` before it was launched.
    pub fn state_at(&self, t: Epoch) -> Option<TaskState> {
        if t < self.launched {
            return None;
        }
        let stop = self.stop.filter(|s| s.at <= t);
        let until = stop.map_or(t, |s| s.at.min(t));
        let health = if until < self.running_at {
            "UNKNOWN"
        } else if self.healthy_at.is_some_and(|h| h <= until) {
            "HEALTHY"
        } else if self.unhealthy_at.is_some_and(|h| h <= until) {
            "UNHEALTHY"
        } else {
            "UNKNOWN"
        };
        let started_at = (self.running_at <= until).then_some(self.running_at);
        let (last_status, desired_status) = match stop {
            Some(s) => {
                let since = t - s.at;
                let steps: [&'static str; 3] = match s.cause {
                    StopCause::Crashed => ["STOPPING", "DEPROVISIONING", "STOPPED"],
                    _ => ["DEACTIVATING", "STOPPING", "DEPROVISIONING"],
                };
                let status = match since {
                    0..5 => steps[0],
                    5..10 => steps[1],
                    10..15 if s.cause != StopCause::Crashed => steps[2],
                    _ => "STOPPED",
                };
                (status, "STOPPED")
            }
            None if t < self.launched + 8 => ("PROVISIONING", "RUNNING"),
            None if t < self.running_at => ("PENDING", "RUNNING"),
            None => ("RUNNING", "RUNNING"),
        };
        Some(TaskState {
            last_status,
            desired_status,
            health,
            started_at,
            stop,
        })
    }
}

/// One slot's stretch of life in a plan: opened when the desired count rose above the slot.
struct Interval {
    slot: usize,
    open: Epoch,
    close: Option<Epoch>,
    batch: usize,
}

fn intervals(plan: &Plan) -> Vec<Interval> {
    let mut open: Vec<Option<(Epoch, usize)>> = Vec::new();
    let mut out = Vec::new();
    let mut prev = 0usize;
    for &(at, d) in &plan.desired {
        let d = usize::try_from(d.max(0)).unwrap_or(0);
        if open.len() < d {
            open.resize(d, None);
        }
        for (slot, entry) in open.iter_mut().enumerate() {
            if slot >= prev && slot < d {
                *entry = Some((at, slot - prev));
            } else if slot >= d
                && slot < prev
                && let Some((o, batch)) = entry.take()
            {
                out.push(Interval {
                    slot,
                    open: o,
                    close: Some(at),
                    batch,
                });
            }
        }
        prev = d;
    }
    for (slot, entry) in open.iter().enumerate() {
        if let Some((o, batch)) = *entry {
            out.push(Interval {
                slot,
                open: o,
                close: None,
                batch,
            });
        }
    }
    out.sort_by_key(|i| (i.open, i.slot));
    out
}

/// Every task `svc`'s plans launched up to `t`, in plan then launch order.
pub fn lives(ctx: Ctx<'_>, svc: &ServiceSpec, plans: &[Plan], t: Epoch) -> Vec<Life> {
    let mut out = Vec::new();
    for (index, plan) in plans.iter().enumerate() {
        let launch_end = plan.launch_end();
        // Good plans drain when the first later plan completes.
        let drain = plans
            .iter()
            .enumerate()
            .skip(index + 1)
            .find_map(|(j, q)| q.completion().map(|c| (j, c)));
        for iv in intervals(plan) {
            if launch_end.is_some_and(|e| iv.open >= e) || iv.open > t {
                continue;
            }
            let labels = [
                ctx.profile.name.as_str(),
                svc.name.as_str(),
                plan.id.as_str(),
                &iv.slot.to_string(),
                &iv.open.to_string(),
            ];
            let az = (iv.slot + (plan.key % 3) as usize) % 3;
            if plan.bad {
                crash_loop(ctx, plan, index, &iv, az, &labels, t, &mut out);
            } else {
                let mut r = rng::rng(ctx.seed, &labels);
                let launched = iv.open + 2;
                let running_at = launched + 18 + 3 * iv.batch.min(10) as i64;
                let slack = 2 * (iv.slot % 5) as i64;
                let scaled_in = iv.close.map(|b| Stop {
                    at: b + 5 + slack,
                    cause: StopCause::ScaledIn(index),
                });
                let drained = drain
                    .filter(|_| plan.superseded_at.is_some())
                    .map(|(j, c)| Stop {
                        at: (c - 15 - 4 * iv.slot.min(6) as i64).max(launched + 1),
                        cause: StopCause::Replaced(j),
                    });
                let stop = match (scaled_in, drained) {
                    (Some(a), Some(b)) => Some(if a.at <= b.at { a } else { b }),
                    (a, b) => a.or(b),
                };
                out.push(Life {
                    plan: index,
                    id: r.hex(32),
                    launched,
                    running_at,
                    healthy_at: Some(running_at + 22),
                    unhealthy_at: None,
                    stop,
                    az,
                    ip: format!("10.{}.{}.{}", ctx.profile.octet, 11 + az, r.range(10, 250)),
                    eni: format!("eni-0{}", r.hex(16)),
                });
            }
        }
    }
    out
}

/// A bad revision's slot: launch, run unhealthy, exit with code 1, relaunch, until the
/// deployment is replaced, failed or scaled in.
#[allow(clippy::too_many_arguments)]
fn crash_loop(
    ctx: Ctx<'_>,
    plan: &Plan,
    index: usize,
    iv: &Interval,
    az: usize,
    labels: &[&str],
    t: Epoch,
    out: &mut Vec<Life>,
) {
    // The end of this slot and who ends it.
    let end = match (iv.close, plan.launch_end()) {
        (Some(b), Some(e)) if b < e => Some((b + 5, StopCause::ScaledIn(index))),
        (Some(b), None) => Some((b + 5, StopCause::ScaledIn(index))),
        (_, Some(e)) => {
            let by = if plan.superseded_at.is_some() {
                index + 1
            } else {
                index
            };
            Some((e + 1, StopCause::Replaced(by)))
        }
        (None, None) => None,
    };
    let mut launched = iv.open + 2;
    let mut generation = 0u32;
    loop {
        if launched > t || end.is_some_and(|(e, _)| launched >= e) {
            break;
        }
        let gen_label = generation.to_string();
        let mut parts: Vec<&str> = labels.to_vec();
        parts.push(&gen_label);
        let mut r = rng::rng(ctx.seed, &parts);
        let running_at = launched + r.range(18, 28);
        let crash = running_at + r.range(60, 100);
        let stop = match end {
            Some((e, cause)) if e < crash => Stop { at: e, cause },
            _ => Stop {
                at: crash,
                cause: StopCause::Crashed,
            },
        };
        out.push(Life {
            plan: index,
            id: r.hex(32),
            launched,
            running_at,
            healthy_at: None,
            unhealthy_at: Some(running_at + 10),
            stop: Some(stop),
            az,
            ip: format!("10.{}.{}.{}", ctx.profile.octet, 11 + az, r.range(10, 250)),
            eni: format!("eni-0{}", r.hex(16)),
        });
        if stop.cause != StopCause::Crashed {
            break;
        }
        launched = crash + r.range(15, 30);
        generation += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::sim::profile::EnvProfile;
    use crate::cloud::sim::timeline::resolve;

    const T0: Epoch = 1_750_000_000;

    fn at(env: &str, t: Epoch) -> (Vec<Plan>, Vec<Life>) {
        let p = EnvProfile::for_env(env);
        let ctx = Ctx {
            seed: 9,
            start: T0,
            profile: &p,
        };
        let plans = resolve(ctx, &p.services[0], &[], t);
        let lives = lives(ctx, &p.services[0], &plans, t);
        (plans, lives)
    }

    #[test]
    fn lifecycle_walks_through_the_ecs_states() {
        let life = Life {
            plan: 0,
            id: "x".into(),
            launched: 100,
            running_at: 120,
            healthy_at: Some(140),
            unhealthy_at: None,
            stop: Some(Stop {
                at: 200,
                cause: StopCause::Replaced(1),
            }),
            az: 0,
            ip: String::new(),
            eni: String::new(),
        };
        let status = |t| life.state_at(t).map(|s| s.last_status);
        assert_eq!(status(99), None);
        assert_eq!(status(100), Some("PROVISIONING"));
        assert_eq!(status(110), Some("PENDING"));
        assert_eq!(status(130), Some("RUNNING"));
        assert_eq!(status(201), Some("DEACTIVATING"));
        assert_eq!(status(214), Some("DEPROVISIONING"));
        assert_eq!(status(215), Some("STOPPED"));
        assert_eq!(life.state_at(130).map(|s| s.health), Some("UNKNOWN"));
        assert_eq!(life.state_at(300).map(|s| s.health), Some("HEALTHY"));
        assert_eq!(life.stopped_at(), Some(215));
    }

    #[test]
    fn steady_prod_runs_three_healthy_tasks() {
        let (_, lives) = at("prod", T0 + 60);
        let running: Vec<_> = lives
            .iter()
            .filter_map(|l| l.state_at(T0 + 60))
            .filter(|s| s.last_status == "RUNNING")
            .collect();
        assert_eq!(running.len(), 3);
        assert!(running.iter().all(|s| s.health == "HEALTHY"));
    }

    #[test]
    fn bad_revision_crash_loops_until_the_breaker() {
        let t = T0 + 20 * 60;
        let (plans, lives) = at("prod", t);
        let failed = plans.len() - 2;
        let crashed = lives
            .iter()
            .filter(|l| l.plan == failed && l.crashed_by(t))
            .count();
        assert!(crashed >= 6, "crashed {crashed}");
        // Nothing of the failed plan is still alive after the breaker.
        assert!(
            lives
                .iter()
                .filter(|l| l.plan == failed)
                .all(|l| l.stopped_at().is_some_and(|s| s <= T0 + 12 * 60 + 16))
        );
    }

    #[test]
    fn ips_are_in_the_private_subnets() {
        let (_, lives) = at("staging", T0);
        assert!(!lives.is_empty());
        for l in &lives {
            let octets: Vec<u8> = l.ip.split('.').filter_map(|o| o.parse().ok()).collect();
            assert_eq!(octets.len(), 4);
            assert_eq!((octets[0], octets[1]), (10, 1));
            assert!((11..=13).contains(&octets[2]));
            assert!(l.eni.starts_with("eni-0") && l.eni.len() == 21);
            assert_eq!(l.id.len(), 32);
        }
    }
}
