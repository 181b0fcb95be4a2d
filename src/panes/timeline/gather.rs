//! Reading one feed of the timeline for an environment and a window: the cloud calls
//! each feed needs, turned into events. Used by the pane's fetches, `opsdeck timeline`
//! and `opsdeck postmortem`, so all three show the same events.

use std::collections::HashMap;
use std::path::Path;

use super::event::TimelineEvent;
use super::feed::Feed;
use super::{from_audit, from_cloud, from_ecs};
use crate::audit::AuditLog;
use crate::cloud::security_filter::FindingFilters;
use crate::cloud::{CloudError, CloudRead, CloudResult, Window};
use crate::config::Environment;

/// Task definitions read at most per deployments fetch (each is one call).
pub const TASK_DEFINITIONS_MAX: usize = 24;

/// One feed's answer: its events, whether every page was read, and what part of it could
/// not be read (the rest is still shown).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeedAnswer {
    pub events: Vec<TimelineEvent>,
    /// False when a listing stopped before its last page: more events exist.
    pub complete: bool,
    /// Parts of the feed that failed or were cut short, e.g. "GuardDuty: AccessDenied".
    pub notes: Vec<String>,
}

impl FeedAnswer {
    fn of(events: Vec<TimelineEvent>) -> FeedAnswer {
        FeedAnswer {
            events,
            complete: true,
            notes: Vec::new(),
        }
    }
}

/// What a feed needs besides the cloud: the environment, the alarm-name prefix and the
/// audit log (the operators' feed).
#[derive(Debug, Clone, Copy)]
pub struct FeedScope<'a> {
    pub env: &'a Environment,
    pub alarm_prefix: &'a str,
    pub audit: Option<&'a Path>,
}

/// Read `feed` over `window`. An error means the whole feed is unknown; a partial
/// failure is a note in the answer.
pub async fn gather(
    read: &dyn CloudRead,
    scope: FeedScope<'_>,
    feed: Feed,
    window: Window,
) -> CloudResult<FeedAnswer> {
    let env = scope.env;
    match feed {
        Feed::Deployments => deployments(read, env, window).await,
        Feed::Alarms => {
            let history = read.alarm_history(scope.alarm_prefix, window).await?;
            let mut a = FeedAnswer::of(from_cloud::alarms(&history, window));
            a.complete = history.complete;
            Ok(a)
        }
        Feed::CloudTrail => {
            let trail = read.trail_events(&trail_resources(env), window).await?;
            let mut a = FeedAnswer::of(from_cloud::trail(&trail, window));
            a.complete = trail.complete;
            Ok(a)
        }
        Feed::Findings => findings(read, window).await,
        Feed::Scaling => {
            let services = services_of(env);
            let mut events = Vec::new();
            let mut notes = Vec::new();
            let mut failures = 0;
            for s in &services {
                match read.scaling_activities(&env.cluster, s, window).await {
                    Ok(a) => events.extend(from_cloud::scaling(&a, window)),
                    Err(e) => {
                        failures += 1;
                        notes.push(format!("{s}: {e}"));
                        if failures == services.len() {
                            return Err(e);
                        }
                    }
                }
            }
            Ok(FeedAnswer {
                events,
                complete: true,
                notes,
            })
        }
        Feed::Database => {
            let events = read.db_events(&env.db_instance, window).await?;
            Ok(FeedAnswer::of(from_cloud::database(&events, window)))
        }
        Feed::Operators => {
            let Some(path) = scope.audit else {
                return Err(CloudError::Unsupported(
                    "no audit log in this console".into(),
                ));
            };
            let log = AuditLog::new(path);
            if !path.exists() {
                return Ok(FeedAnswer::of(Vec::new()));
            }
            let records = log.read_all().map_err(|e| {
                CloudError::Unreadable(format!("audit log {}: {e}", path.display()))
            })?;
            Ok(FeedAnswer::of(from_audit::events(
                &records, &env.name, window,
            )))
        }
    }
}

/// The services the scaling feed asks about: the environment's own service.
fn services_of(env: &Environment) -> Vec<String> {
    vec![env.service.clone()]
}

/// The names CloudTrail is asked about: the cluster, the service, the database, the
/// cache, the load balancer and target group, and the secrets.
pub fn trail_resources(env: &Environment) -> Vec<String> {
    let mut out = vec![
        env.cluster.clone(),
        env.service.clone(),
        env.db_instance.clone(),
        env.cache_replication_group.clone(),
    ];
    out.extend(env.load_balancer.iter().cloned());
    out.extend(
        env.target_group
            .iter()
            .map(|t| crate::cloud::last_segment(t).to_string()),
    );
    out.extend(env.secrets.iter().cloned());
    out.retain(|r| !r.is_empty());
    out.dedup();
    out
}

async fn deployments(
    read: &dyn CloudRead,
    env: &Environment,
    window: Window,
) -> CloudResult<FeedAnswer> {
    let services = read.list_services(&env.cluster).await?;
    let mut notes = Vec::new();
    let mut records = HashMap::new();
    for s in services.iter().filter(|s| touched(s, window)) {
        match read.list_service_deployments(&env.cluster, &s.name).await {
            Ok(r) => {
                records.insert(s.name.clone(), r);
            }
            Err(CloudError::Unsupported(_)) => {}
            Err(e) => notes.push(format!("{} deployment history: {e}", s.name)),
        }
    }
    let wanted = from_ecs::wanted_task_definitions(&services, &records, window);
    let mut tds = HashMap::new();
    for key in wanted.iter().take(TASK_DEFINITIONS_MAX) {
        match read.describe_task_definition(key).await {
            Ok(td) => {
                tds.insert(key.clone(), td);
            }
            Err(e) => notes.push(format!("{key}: {e}")),
        }
    }
    if wanted.len() > TASK_DEFINITIONS_MAX {
        notes.push(format!(
            "changes shown for the first {TASK_DEFINITIONS_MAX} of {} task definitions",
            wanted.len()
        ));
    }
    Ok(FeedAnswer {
        events: from_ecs::events(&services, &records, &tds, window),
        complete: true,
        notes,
    })
}

/// True when a service has a deployment or event inside the window.
fn touched(s: &crate::cloud::EcsService, window: Window) -> bool {
    s.deployments.iter().any(|d| {
        d.created_at.is_some_and(|t| window.contains(t))
            || d.updated_at.is_some_and(|t| window.contains(t))
    })
}

async fn findings(read: &dyn CloudRead, window: Window) -> CloudResult<FeedAnswer> {
    let hub = read.security_findings(&FindingFilters::default()).await;
    let mut events = Vec::new();
    let mut notes = Vec::new();
    let mut complete = true;
    let hub_error = match hub {
        Ok(l) => {
            complete &= l.complete;
            events.extend(from_cloud::findings(&l, window));
            None
        }
        Err(e) => Some(e),
    };
    let guard = async {
        let detectors = read.guardduty_detectors().await?;
        let mut all = Vec::new();
        let mut whole = true;
        for d in detectors {
            let l = read.guardduty_findings(&d.id).await?;
            whole &= l.complete;
            all.extend(from_cloud::threats(&l, window));
        }
        CloudResult::Ok((all, whole))
    }
    .await;
    match (hub_error, guard) {
        (Some(e), Err(_)) => return Err(e),
        (Some(e), Ok((g, whole))) => {
            notes.push(format!("Security Hub: {e}"));
            complete &= whole;
            events.extend(g);
        }
        (None, Err(e)) => notes.push(format!("GuardDuty: {e}")),
        (None, Ok((g, whole))) => {
            complete &= whole;
            events.extend(g);
        }
    }
    Ok(FeedAnswer {
        events,
        complete,
        notes,
    })
}

/// Read every feed (or only `only`) concurrently: each answer or error on its own.
pub async fn gather_all(
    read: &dyn CloudRead,
    scope: FeedScope<'_>,
    window: Window,
    only: Option<Feed>,
) -> std::collections::BTreeMap<Feed, CloudResult<FeedAnswer>> {
    let feeds: Vec<Feed> = Feed::ALL
        .into_iter()
        .filter(|f| only.is_none_or(|o| o == *f))
        .collect();
    let answers =
        futures::future::join_all(feeds.iter().map(|f| gather(read, scope, *f, window))).await;
    feeds.into_iter().zip(answers).collect()
}
