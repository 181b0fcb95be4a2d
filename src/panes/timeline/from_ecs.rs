//! ECS as timeline events: each deployment's start (with what its task-definition
//! revision changed from the one before), its rollout reaching COMPLETED or FAILED,
//! rollbacks, and the service's event messages.

use std::collections::HashMap;

use super::event::{EventKind, Jump, RevisionChange, TimelineEvent};
use super::feed::Feed;
use super::taskdef_diff;
use crate::cloud::{EcsDeployment, EcsService, ServiceDeploymentRecord, TaskDefinition, Window};
use crate::level::Level;

/// `family` and revision of a task-definition ARN or `family:revision`.
pub fn family_revision(td: &str) -> Option<(String, i32)> {
    let last = td.rsplit('/').next().unwrap_or(td);
    let (family, revision) = last.rsplit_once(':')?;
    Some((family.to_string(), revision.parse().ok()?))
}

/// The task definitions whose contents the events need: each deployment's revision and
/// the one it replaced (`family:revision`).
pub fn wanted_task_definitions(
    services: &[EcsService],
    records: &HashMap<String, Vec<ServiceDeploymentRecord>>,
    window: Window,
) -> Vec<String> {
    let mut out = Vec::new();
    for s in services {
        if let Some(rs) = records.get(&s.name) {
            let starts = starts_of(s, rs);
            for r in rs
                .iter()
                .filter(|r| r.started_at.is_some_and(|t| window.contains(t)))
            {
                if let Some((f, n)) = r
                    .target_task_definition
                    .as_deref()
                    .and_then(family_revision)
                {
                    for rev in std::iter::once(n).chain(starts.iter().map(|(_, x)| *x)) {
                        let key = format!("{f}:{rev}");
                        if !out.contains(&key) {
                            out.push(key);
                        }
                    }
                }
            }
        }
        for (d, previous) in ordered(&s.deployments) {
            if !d.created_at.is_some_and(|t| window.contains(t)) {
                continue;
            }
            for td in [Some(d.task_definition.as_str()), previous]
                .into_iter()
                .flatten()
            {
                if let Some((f, r)) = family_revision(td) {
                    let key = format!("{f}:{r}");
                    if !out.contains(&key) {
                        out.push(key);
                    }
                }
            }
        }
    }
    out
}

/// Deployments oldest first, each with the task definition of the one before it.
fn ordered(deployments: &[EcsDeployment]) -> Vec<(&EcsDeployment, Option<&str>)> {
    let mut ds: Vec<&EcsDeployment> = deployments.iter().collect();
    ds.sort_by_key(|d| d.created_at.unwrap_or(i64::MIN));
    let mut out = Vec::new();
    let mut previous: Option<&EcsDeployment> = None;
    for d in ds {
        out.push((d, previous.map(|p| p.task_definition.as_str())));
        previous = Some(d);
    }
    out
}

/// The events of `services` inside `window`. `task_definitions` is keyed by
/// `family:revision`; a revision missing from it is shown without its changes.
pub fn events(
    services: &[EcsService],
    records: &HashMap<String, Vec<ServiceDeploymentRecord>>,
    task_definitions: &HashMap<String, TaskDefinition>,
    window: Window,
) -> Vec<TimelineEvent> {
    let mut out = Vec::new();
    for s in services {
        let mut previous_failed = false;
        let mut previous_revision: Option<i32> = None;
        for (d, previous) in ordered(&s.deployments) {
            let revision = family_revision(&d.task_definition);
            let rollback = previous_failed
                || follows_rollback(d, records.get(&s.name))
                || matches!((revision.as_ref(), previous_revision), (Some((_, r)), Some(p)) if *r < p);
            if let Some(start) = d.created_at.filter(|t| window.contains(*t)) {
                out.push(started(s, d, previous, rollback, task_definitions, start));
            }
            if let Some(e) = finished(s, d, window) {
                out.push(e);
            }
            previous_failed = d.rollout_state.as_deref() == Some("FAILED");
            previous_revision = revision.map(|(_, r)| r);
        }
        for e in &s.events {
            let Some(at) = e.created_at.filter(|t| window.contains(*t)) else {
                continue;
            };
            if routine(&e.message) {
                continue;
            }
            out.push(
                TimelineEvent::new(
                    at,
                    Feed::Deployments,
                    EventKind::ServiceEvent,
                    &s.name,
                    &e.message,
                )
                .level(event_level(&e.message))
                .with("service", &s.name)
                .with("event id", &e.id)
                .jump(Jump::Service(s.name.clone())),
            );
        }
        if let Some(rs) = records.get(&s.name) {
            let extra = record_events(s, rs, task_definitions, window, &out);
            out.extend(extra);
        }
    }
    out
}

fn started(
    s: &EcsService,
    d: &EcsDeployment,
    previous: Option<&str>,
    rollback: bool,
    tds: &HashMap<String, TaskDefinition>,
    at: i64,
) -> TimelineEvent {
    let revision = family_revision(&d.task_definition);
    let prev = previous.and_then(family_revision);
    let short =
        |r: &Option<(String, i32)>| r.as_ref().map_or("?".to_string(), |(_, n)| format!(":{n}"));
    let key = |r: &Option<(String, i32)>| r.as_ref().map(|(f, n)| format!("{f}:{n}"));
    let changes = match (
        key(&prev).and_then(|k| tds.get(&k)),
        key(&revision).and_then(|k| tds.get(&k)),
    ) {
        (Some(old), Some(new)) if old.revision != new.revision => taskdef_diff::diff(old, new),
        _ => Vec::new(),
    };
    let (kind, verb, level) = if rollback {
        (EventKind::Rollback, "rollback to", Level::Warning)
    } else if prev.as_ref().map(|p| &p.1) == revision.as_ref().map(|r| &r.1) {
        (EventKind::DeployStarted, "redeploy of", Level::Ok)
    } else {
        (EventKind::DeployStarted, "deploy of", Level::Ok)
    };
    let mut summary = format!("{verb} {}", short(&revision));
    if prev.is_some() {
        summary.push_str(&format!(" (from {})", short(&prev)));
    }
    if !changes.is_empty() {
        summary.push_str(": ");
        summary.push_str(&changes.join(", "));
    }
    let mut e = TimelineEvent::new(at, Feed::Deployments, kind, &s.name, summary)
        .level(level)
        .with("service", &s.name)
        .with("deployment", &d.id)
        .with("task definition", &d.task_definition)
        .with("desired", d.desired.to_string())
        .jump(Jump::Service(s.name.clone()));
    if let Some(p) = previous {
        e = e.with("replaced", p);
    }
    for c in &changes {
        e = e.with("changed", c.clone());
    }
    if let Some((family, revision)) = revision {
        e.revision = Some(RevisionChange {
            service: s.name.clone(),
            family,
            revision,
            previous: prev.map(|(_, r)| r),
        });
    }
    e
}

fn finished(s: &EcsService, d: &EcsDeployment, window: Window) -> Option<TimelineEvent> {
    let state = d.rollout_state.as_deref()?;
    if state == "IN_PROGRESS" {
        return None;
    }
    let at = d.updated_at.filter(|t| window.contains(*t))?;
    let revision =
        family_revision(&d.task_definition).map_or("?".to_string(), |(_, r)| format!(":{r}"));
    let level = if state == "FAILED" {
        Level::Critical
    } else {
        Level::Ok
    };
    let mut summary = format!("rollout of {revision} {state}");
    if let Some(reason) = d.rollout_reason.as_deref().filter(|_| state == "FAILED") {
        summary.push_str(&format!(": {reason}"));
    }
    Some(
        TimelineEvent::new(
            at,
            Feed::Deployments,
            EventKind::DeployState,
            &s.name,
            summary,
        )
        .level(level)
        .with("service", &s.name)
        .with("deployment", &d.id)
        .with("rollout state", state)
        .with("reason", d.rollout_reason.clone().unwrap_or_default())
        .jump(Jump::Service(s.name.clone())),
    )
}

/// `ListServiceDeployments` entries not already shown from `DescribeServices` (older
/// deployments the service no longer lists), each with the revision it replaced: the
/// one started before it, or for one that was rolled back, the one rolled back to.
fn record_events(
    s: &EcsService,
    records: &[ServiceDeploymentRecord],
    tds: &HashMap<String, TaskDefinition>,
    window: Window,
    shown: &[TimelineEvent],
) -> Vec<TimelineEvent> {
    let starts = starts_of(s, records);
    let mut out = Vec::new();
    for r in records {
        let Some(at) = r.started_at.filter(|t| window.contains(*t)) else {
            continue;
        };
        let duplicate = shown.iter().any(|e| {
            e.resource == s.name
                && matches!(e.kind, EventKind::DeployStarted | EventKind::Rollback)
                && (e.at - at).abs() <= 120
        });
        if duplicate {
            continue;
        }
        let td = r.target_task_definition.clone().unwrap_or_default();
        let Some((family, revision)) = family_revision(&td) else {
            continue;
        };
        let rolled_back = r.status.starts_with("ROLLBACK");
        let previous = starts
            .iter()
            .rev()
            .find(|(t, n)| *t < at && *n != revision)
            .or_else(|| {
                rolled_back
                    .then(|| starts.iter().find(|(t, n)| *t > at && *n != revision))
                    .flatten()
            })
            .map(|(_, n)| *n);
        let changes = previous
            .and_then(|p| tds.get(&format!("{family}:{p}")))
            .zip(tds.get(&format!("{family}:{revision}")))
            .map(|(old, new)| taskdef_diff::diff(old, new))
            .unwrap_or_default();
        let outcome = match r.status.as_str() {
            s if s.starts_with("ROLLBACK") => format!("rolled back ({s})"),
            s => s.to_lowercase(),
        };
        let mut summary = format!("deploy of :{revision}");
        if let Some(p) = previous {
            summary.push_str(&format!(" (from :{p})"));
        }
        summary.push_str(&format!(", {outcome}"));
        if !changes.is_empty() {
            summary.push_str(": ");
            summary.push_str(&changes.join(", "));
        }
        let mut e = TimelineEvent::new(
            at,
            Feed::Deployments,
            EventKind::DeployStarted,
            &s.name,
            summary,
        )
        .level(if rolled_back || r.status.contains("FAIL") {
            Level::Warning
        } else {
            Level::Ok
        })
        .with("service", &s.name)
        .with("service deployment", &r.arn)
        .with("status", &r.status)
        .with("task definition", td.clone())
        .jump(Jump::Service(s.name.clone()));
        for c in &changes {
            e = e.with("changed", c.clone());
        }
        e.revision = Some(RevisionChange {
            service: s.name.clone(),
            family,
            revision,
            previous,
        });
        out.push(e);
    }
    out
}

/// Every known deployment start of a service, oldest first: (time, revision).
fn starts_of(s: &EcsService, records: &[ServiceDeploymentRecord]) -> Vec<(i64, i32)> {
    let mut starts: Vec<(i64, i32)> = s
        .deployments
        .iter()
        .filter_map(|d| Some((d.created_at?, family_revision(&d.task_definition)?.1)))
        .chain(records.iter().filter_map(|r| {
            Some((
                r.started_at?,
                family_revision(r.target_task_definition.as_deref()?)?.1,
            ))
        }))
        .collect();
    starts.sort_unstable();
    starts.dedup();
    starts
}

/// True when deployment `d` started within an hour after a deployment that ECS rolled
/// back (it is that rollback).
fn follows_rollback(d: &EcsDeployment, records: Option<&Vec<ServiceDeploymentRecord>>) -> bool {
    let (Some(at), Some(records)) = (d.created_at, records) else {
        return false;
    };
    records.iter().any(|r| {
        r.status.starts_with("ROLLBACK")
            && r.target_task_definition.as_deref() != Some(d.task_definition.as_str())
            && r.started_at.is_some_and(|t| t < at && at - t <= 3600)
    })
}

/// Service event messages that only repeat what the tasks list shows (targets
/// registered and drained): left to the ECS pane.
fn routine(message: &str) -> bool {
    message.contains("registered") || message.contains("begun draining")
}

/// Service event messages that say something went wrong.
fn event_level(message: &str) -> Level {
    let m = message.to_ascii_lowercase();
    if m.contains("unable") || m.contains("failed") || m.contains("unhealthy") {
        Level::Warning
    } else if m.contains("rolling back") || m.contains("circuit breaker") {
        Level::Critical
    } else {
        Level::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(id: &str, rev: i32, created: i64, state: &str) -> EcsDeployment {
        EcsDeployment {
            id: id.into(),
            status: "PRIMARY".into(),
            task_definition: format!("arn:aws:ecs:us-east-1:1:task-definition/api:{rev}"),
            desired: 3,
            rollout_state: Some(state.into()),
            created_at: Some(created),
            updated_at: Some(created + 600),
            ..Default::default()
        }
    }

    #[test]
    fn a_failed_deploy_and_its_rollback() {
        let s = EcsService {
            name: "api".into(),
            deployments: vec![
                deployment("d-41", 41, 0, "COMPLETED"),
                deployment("d-42", 42, 1000, "FAILED"),
                deployment("d-41b", 41, 1600, "IN_PROGRESS"),
            ],
            ..Default::default()
        };
        let w = Window {
            since: 500,
            until: 5000,
        };
        let e = events(
            std::slice::from_ref(&s),
            &HashMap::new(),
            &HashMap::new(),
            w,
        );
        let kinds: Vec<(i64, EventKind)> = e.iter().map(|e| (e.at, e.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                (600, EventKind::DeployState),
                (1000, EventKind::DeployStarted),
                (1600, EventKind::DeployState),
                (1600, EventKind::Rollback),
            ]
        );
        assert_eq!(e[1].summary, "deploy of :42 (from :41)");
        assert_eq!(e[1].revision.as_ref().map(|r| r.previous), Some(Some(41)));
        assert_eq!(
            wanted_task_definitions(&[s], &HashMap::new(), w),
            vec!["api:42", "api:41"]
        );
    }
}
