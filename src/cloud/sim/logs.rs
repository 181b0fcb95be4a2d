//! CloudWatch Logs of the simulated account: queries started on this environment (each
//! reports Running once, then its result), `FilterLogEvents` over the simulated events,
//! and saved query definitions.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;

use super::ecs::ServiceView;
use super::profile::ServiceKind;
use super::source::SimSource;
use super::{SimCloud, insights, log_events, rng};
use crate::cloud::{
    CloudError, CloudResult, FilterRequest, InsightsQuery, LogEvent, LogsAct, LogsRead,
    QueryDefinition, QueryResults, QueryStatus,
};

/// A query started on the sim.
#[derive(Debug, Clone)]
struct SimQuery {
    outcome: insights::Outcome,
    polls: u32,
    cancelled: bool,
}

#[derive(Debug, Default)]
struct Inner {
    queries: HashMap<String, SimQuery>,
    started: u64,
    definitions: Vec<QueryDefinition>,
}

/// Per-environment Logs state of the sim.
#[derive(Debug, Default)]
pub struct SimLogs {
    inner: Mutex<Inner>,
}

impl SimLogs {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SimCloud {
    fn group_events(&self, group: &str, start_ms: i64, end_ms: i64) -> CloudResult<Vec<LogEvent>> {
        let Some(service) = log_events::group_service(&self.profile.name, group) else {
            return Err(CloudError::NotFound(format!(
                "log group {group} (ResourceNotFoundException)"
            )));
        };
        Ok(log_events::events(
            self.world.seed(),
            &self.incident_clock(),
            &self.profile.name,
            group,
            start_ms,
            end_ms,
            &self.task_streams(service),
        ))
    }

    /// The tasks of the service whose container logs to `/ecs/{env}/{service}`
    /// (`fastapi`: the API service, `worker`: the worker), up to now.
    fn task_streams(&self, service: &str) -> log_events::TaskStreams {
        let kind = match service {
            "fastapi" => ServiceKind::Api,
            "worker" => ServiceKind::Worker,
            _ => return log_events::TaskStreams::default(),
        };
        let (now, ops) = self.world.snapshot(&self.profile.name);
        let tasks = self
            .profile
            .services
            .iter()
            .find(|s| s.kind == kind)
            .and_then(|spec| ServiceView::new(self.ctx(), spec, &ops, now))
            .map(|view| view.task_spans())
            .unwrap_or_default();
        log_events::TaskStreams { tasks }
    }
}

/// True when every term of a plain filter pattern occurs in `message` (quoted phrases
/// count as one term; `?a ?b` matches any).
fn pattern_matches(pattern: &str, message: &str) -> bool {
    let p = pattern.trim();
    if p.is_empty() {
        return true;
    }
    if p.starts_with('"') && p.ends_with('"') && p.len() >= 2 {
        return message.contains(&p[1..p.len() - 1]);
    }
    let terms: Vec<&str> = p.split_whitespace().collect();
    if terms.iter().all(|t| t.starts_with('?')) {
        return terms.iter().any(|t| message.contains(&t[1..]));
    }
    terms.iter().all(|t| match t.strip_prefix('-') {
        Some(neg) => !message.contains(neg),
        None => message.contains(t.trim_matches('"')),
    })
}

#[async_trait]
impl LogsRead for SimCloud {
    async fn start_query(&self, query: &InsightsQuery) -> CloudResult<String> {
        self.check(SimSource::LogsInsights)?;
        if query.log_groups.is_empty() {
            return Err(CloudError::Invalid("StartQuery: no log groups".into()));
        }
        insights::validate(&query.query)?;
        let mut events = Vec::new();
        for g in &query.log_groups {
            events.extend(self.group_events(g, query.start * 1000, query.end * 1000 + 999)?);
        }
        let outcome = insights::run(&query.query, &events, query.limit, &self.profile.account)?;
        let mut inner = self.logs.lock();
        inner.started += 1;
        let id = rng::rng(
            self.world.seed(),
            &[&self.profile.name, "query", &inner.started.to_string()],
        )
        .uuid();
        inner.queries.insert(
            id.clone(),
            SimQuery {
                outcome,
                polls: 0,
                cancelled: false,
            },
        );
        Ok(id)
    }

    async fn get_query_results(&self, query_id: &str) -> CloudResult<QueryResults> {
        self.check(SimSource::LogsInsights)?;
        let mut inner = self.logs.lock();
        let q = inner
            .queries
            .get_mut(query_id)
            .ok_or_else(|| CloudError::NotFound(format!("query {query_id}")))?;
        let status = if q.cancelled {
            QueryStatus::Cancelled
        } else {
            insights::status_at(q.polls)
        };
        q.polls = q.polls.saturating_add(1);
        let mut stats = q.outcome.statistics;
        if status == QueryStatus::Running {
            stats.records_scanned = (stats.records_scanned / 2.0).floor();
            stats.bytes_scanned = (stats.bytes_scanned / 2.0).floor();
            stats.records_matched = (stats.records_matched / 2.0).floor();
        }
        Ok(QueryResults {
            status,
            statistics: Some(stats),
            rows: if status == QueryStatus::Complete {
                q.outcome.rows.clone()
            } else {
                Vec::new()
            },
        })
    }

    async fn stop_query(&self, query_id: &str) -> CloudResult<bool> {
        self.check(SimSource::LogsInsights)?;
        let mut inner = self.logs.lock();
        let q = inner
            .queries
            .get_mut(query_id)
            .ok_or_else(|| CloudError::NotFound(format!("query {query_id}")))?;
        let running = !q.cancelled && !insights::status_at(q.polls).is_terminal();
        q.cancelled |= running;
        Ok(running)
    }

    async fn filter_log_events(&self, request: &FilterRequest) -> CloudResult<Vec<LogEvent>> {
        self.check(SimSource::LogsEvents)?;
        let end_ms = request
            .end_ms
            .unwrap_or_else(|| self.world.now().saturating_mul(1000) + 999);
        let mut events = self.group_events(&request.log_group, request.start_ms, end_ms)?;
        events.retain(|e| pattern_matches(&request.pattern, &e.message));
        let limit = usize::try_from(request.limit.max(1)).unwrap_or(1);
        events.truncate(limit);
        Ok(events)
    }

    async fn describe_query_definitions(&self) -> CloudResult<Vec<QueryDefinition>> {
        self.check(SimSource::LogsDefinitions)?;
        let mut defs = self.logs.lock().definitions.clone();
        defs.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(defs)
    }
}

#[async_trait]
impl LogsAct for SimCloud {
    async fn put_query_definition(&self, definition: &QueryDefinition) -> CloudResult<String> {
        self.check(SimSource::LogsDefinitions)?;
        if definition.name.trim().is_empty() {
            return Err(CloudError::Invalid("PutQueryDefinition: empty name".into()));
        }
        insights::validate(&definition.query)?;
        let mut inner = self.logs.lock();
        let id = match &definition.id {
            Some(id) => id.clone(),
            None => rng::rng(
                self.world.seed(),
                &[
                    &self.profile.name,
                    "definition",
                    &inner.definitions.len().to_string(),
                ],
            )
            .uuid(),
        };
        let mut def = definition.clone();
        def.id = Some(id.clone());
        inner
            .definitions
            .retain(|d| d.id.as_deref() != Some(id.as_str()));
        inner.definitions.push(def);
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::cloud::sim::{SimClock, SimWorld};

    #[test]
    fn plain_patterns() {
        assert!(pattern_matches("", "x"));
        assert!(pattern_matches("ERROR orders", "ERROR in /api/orders"));
        assert!(!pattern_matches("ERROR checkout", "ERROR in /api/orders"));
        assert!(pattern_matches("?ERROR ?WARN", "WARN x"));
        assert!(pattern_matches(
            "\"Request completed\"",
            "a Request completed b"
        ));
        assert!(pattern_matches("ERROR -health", "ERROR x"));
    }

    #[tokio::test]
    async fn queries_run_once_then_complete_and_can_be_stopped() {
        let world = SimWorld::new(42, SimClock::Fixed(10_000));
        world.set_elapsed(600);
        let cloud = SimCloud::new(Arc::clone(&world), "prod");
        let q = InsightsQuery {
            log_groups: vec!["/ecs/prod/fastapi".into()],
            query: "fields @timestamp, @message | filter @message like /ERROR/ | limit 5".into(),
            start: 10_000,
            end: 10_600,
            limit: None,
        };
        let id = cloud.start_query(&q).await.expect("start");
        let first = cloud.get_query_results(&id).await.expect("poll");
        assert_eq!(first.status, QueryStatus::Running);
        let done = cloud.get_query_results(&id).await.expect("poll");
        assert_eq!(done.status, QueryStatus::Complete);
        assert_eq!(done.rows.len(), 5);
        assert!(!cloud.stop_query(&id).await.expect("stop"), "already done");

        let id = cloud.start_query(&q).await.expect("start");
        assert!(cloud.stop_query(&id).await.expect("stop"));
        let r = cloud.get_query_results(&id).await.expect("poll");
        assert_eq!(r.status, QueryStatus::Cancelled);

        let bad = InsightsQuery {
            log_groups: vec!["/ecs/dev/fastapi".into()],
            ..q.clone()
        };
        assert!(matches!(
            cloud.start_query(&bad).await,
            Err(CloudError::NotFound(_))
        ));
        let def = QueryDefinition {
            name: "team/errors".into(),
            query: q.query.clone(),
            ..Default::default()
        };
        let id = cloud.put_query_definition(&def).await.expect("put");
        let defs = cloud.describe_query_definitions().await.expect("describe");
        assert_eq!(defs.len(), 1);
        assert_eq!(defs[0].id.as_deref(), Some(id.as_str()));
    }
}
