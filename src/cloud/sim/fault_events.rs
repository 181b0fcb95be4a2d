//! The ECS service events a drill's faults add to the API service, in ECS's own message
//! formats: health checks failing with 500 while the database refuses connections (once
//! that fault escalated), and the miner's task leaving the target group when it is
//! quarantined.

use super::faults::FaultClock;
use super::profile::{APP_PORT, EnvProfile};
use super::rng;
use super::scenario::FaultKind;
use crate::cloud::types::{Epoch, ServiceEvent};

/// ECS repeats a failing health check's event about this often.
const REPEAT: i64 = 120;

/// The fault events of `service` (the API) up to `t`, newest first.
pub fn events(
    seed: u64,
    faults: &FaultClock,
    profile: &EnvProfile,
    service: &str,
    t: Epoch,
) -> Vec<ServiceEvent> {
    let tg = profile.target_group_arn(seed);
    let mut out: Vec<(Epoch, String)> = Vec::new();
    for p in faults.of(FaultKind::DbConnections) {
        let Some(from) = p.escalates_at() else {
            continue;
        };
        let until = p.resolved.unwrap_or(t).min(t);
        let mut at = from;
        while at <= until && out.len() < 200 {
            let task = rng::rng(seed, &[&profile.name, "fault-task", &at.to_string()]).hex(32);
            out.push((
                at,
                format!(
                    "(service {service}) (task {task}) (port {APP_PORT}) is unhealthy in (target-group {tg}) due to (reason Health checks failed with these codes: [500])."
                ),
            ));
            at += REPEAT;
        }
    }
    for p in faults.of(FaultKind::CryptoMiner) {
        if let Some(r) = p.resolved.filter(|r| *r <= t && p.resolved_by.is_some()) {
            out.push((
                r,
                format!("(service {service}) deregistered 1 targets in (target-group {tg})"),
            ));
        }
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.0));
    out.into_iter()
        .map(|(at, message)| ServiceEvent {
            id: rng::rng(seed, &[&profile.name, service, &at.to_string(), &message]).uuid(),
            created_at: Some(at),
            message,
        })
        .collect()
}
