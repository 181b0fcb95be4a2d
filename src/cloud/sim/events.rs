//! The service event stream (`DescribeServices` events) derived from plans and tasks, in
//! the real ECS message formats, newest first.

use std::collections::BTreeMap;

use super::profile::{APP_PORT, ServiceKind, ServiceSpec};
use super::rng;
use super::tasks::{Life, StopCause};
use super::timeline::{Ctx, Plan};
use crate::cloud::types::{Epoch, ServiceEvent};

/// At most this many events are returned, like the console needs (ECS keeps 100).
pub const MAX_EVENTS: usize = 50;
/// ECS repeats "has reached a steady state" about this often while nothing changes.
const STEADY_REPEAT: i64 = 6 * 3600;
/// Repeated steady-state events older than this are not generated.
const STEADY_HORIZON: i64 = 3 * 86_400;

/// Within one second, events appear in this order (later kinds are newer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Deregistered,
    Draining,
    Stopped,
    DeploymentFailed,
    RollingBack,
    Started,
    Registered,
    Unhealthy,
    Completed,
    Steady,
}

/// The events of one service at `t`, newest first, at most [`MAX_EVENTS`].
pub fn events(
    ctx: Ctx<'_>,
    svc: &ServiceSpec,
    plans: &[Plan],
    lives: &[Life],
    t: Epoch,
) -> Vec<ServiceEvent> {
    let s = &svc.name;
    let tg = ctx.profile.target_group_arn(ctx.seed);
    let api = svc.kind == ServiceKind::Api;
    let mut raw: Vec<(Epoch, Kind, usize, String)> = Vec::new();

    // Task-level events, grouped per second and plan like ECS does.
    let mut groups: BTreeMap<(Epoch, Kind, usize), Vec<usize>> = BTreeMap::new();
    let mut add = |at: Epoch, kind: Kind, plan: usize, id: usize| {
        if at <= t {
            groups.entry((at, kind, plan)).or_default().push(id);
        }
    };
    for (id, life) in lives.iter().enumerate() {
        add(life.launched, Kind::Started, life.plan, id);
        let registered = life.running_at + 1;
        let stop = life.stop;
        let reached_running = stop.is_none_or(|st| life.running_at < st.at);
        if api && reached_running {
            add(registered, Kind::Registered, life.plan, id);
            if let Some(u) = life.unhealthy_at
                && stop.is_none_or(|st| u < st.at)
            {
                add(u, Kind::Unhealthy, life.plan, id);
            }
        }
        if let Some(st) = stop {
            let was_registered = api && registered <= st.at;
            match st.cause {
                StopCause::Crashed => {
                    if was_registered {
                        add(st.at, Kind::Deregistered, life.plan, id);
                    }
                }
                StopCause::ScaledIn(_) | StopCause::Replaced(_) => {
                    if was_registered {
                        add(st.at, Kind::Deregistered, life.plan, id);
                        add(st.at, Kind::Draining, life.plan, id);
                    }
                    add(st.at, Kind::Stopped, life.plan, id);
                }
            }
        }
    }
    for ((at, kind, plan), indices) in groups {
        let ids: Vec<&str> = indices
            .iter()
            .filter_map(|i| lives.get(*i).map(|l| l.id.as_str()))
            .collect();
        let n = ids.len();
        let list = ids
            .iter()
            .map(|id| format!("(task {id})"))
            .collect::<Vec<_>>()
            .join(" ");
        let messages: Vec<String> = match kind {
            Kind::Started => vec![format!("(service {s}) has started {n} tasks: {list}.")],
            Kind::Stopped => vec![format!("(service {s}) has stopped {n} running tasks: {list}.")],
            Kind::Registered => vec![format!("(service {s}) registered {n} targets in (target-group {tg})")],
            Kind::Deregistered => vec![format!("(service {s}) deregistered {n} targets in (target-group {tg})")],
            Kind::Draining => vec![format!("(service {s}) has begun draining connections on {n} tasks.")],
            Kind::Unhealthy => ids
                .iter()
                .map(|id| {
                    format!(
                        "(service {s}) (task {id}) (port {APP_PORT}) is unhealthy in (target-group {tg}) due to (reason Health checks failed with these codes: [502])."
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
        raw.extend(messages.into_iter().map(|m| (at, kind, plan, m)));
    }

    // Deployment-level events.
    let horizon = t - STEADY_HORIZON;
    for (index, plan) in plans.iter().enumerate() {
        if let Some(done) = plan.completion().filter(|c| *c <= t) {
            raw.push((
                done,
                Kind::Completed,
                index,
                format!(
                    "(service {s}) (deployment {}) deployment completed.",
                    plan.id
                ),
            ));
            let until = plans.get(index + 1).map_or(t, |next| next.start.min(t));
            let mut at = done;
            if at < horizon {
                at += (horizon - at) / STEADY_REPEAT * STEADY_REPEAT;
            }
            while at <= until {
                if at >= horizon || at == done {
                    raw.push((
                        at,
                        Kind::Steady,
                        index,
                        format!("(service {s}) has reached a steady state."),
                    ));
                }
                at += STEADY_REPEAT;
            }
        }
        if let Some(failed) = plan.failed_at.filter(|f| *f <= t) {
            raw.push((
                failed,
                Kind::DeploymentFailed,
                index,
                format!(
                    "(service {s}) (deployment {}) deployment failed: tasks failed to start.",
                    plan.id
                ),
            ));
            if let Some(target) = plans
                .get(index + 1)
                .filter(|next| next.rollback_of == Some(index))
                .and_then(|next| next.rollback_to)
                .and_then(|to| plans.get(to))
            {
                raw.push((
                    failed,
                    Kind::RollingBack,
                    index,
                    format!("(service {s}) rolling back to deployment {}.", target.id),
                ));
            }
        }
    }

    raw.sort_by(|a, b| {
        (b.0, b.1, b.2)
            .cmp(&(a.0, a.1, a.2))
            .then_with(|| a.3.cmp(&b.3))
    });
    raw.dedup();
    raw.truncate(MAX_EVENTS);
    raw.into_iter()
        .map(|(at, _, _, message)| ServiceEvent {
            id: rng::rng(ctx.seed, &[&ctx.profile.name, s, &at.to_string(), &message]).uuid(),
            created_at: Some(at),
            message,
        })
        .collect()
}
