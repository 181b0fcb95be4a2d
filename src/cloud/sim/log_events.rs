//! Simulated application log events of the environment's ECS services
//! (`/ecs/{env}/{service}` log groups), deterministic per seed, group and time.
//!
//! Every [`SLOT`] seconds each group logs one access line
//! (`Request completed method=GET path=/api/orders duration=43ms status=200`). In prod the
//! FastAPI service plays the incident: from 2:30 the `:42` tasks crash-loop
//! (`Application startup failed`), requests fail with JSON `ERROR` lines
//! (`"path": "/api/orders"`, `KeyError: 'FEATURE_FLAGS_URL'`) and `status=500` with
//! durations over a second; the circuit breaker at 12:00 starts the rollback and the errors
//! fade until 15:00. Calm environments log a rare timeout.

use super::metrics::IncidentClock;
use super::rng;
use crate::cloud::{Epoch, LogEvent};

/// Seconds between two access lines of one group.
pub const SLOT: i64 = 5;
/// The simulated retention scanned by one call: the last 24 hours of the range.
pub const MAX_RANGE: i64 = 24 * 3600;

const PATHS: [&str; 5] = [
    "/api/orders",
    "/api/checkout",
    "/api/products",
    "/api/users/me",
    "/health",
];

/// The service a log group belongs to in `env` (`/ecs/{env}/{service}`), if it exists.
pub fn group_service<'a>(env: &str, group: &'a str) -> Option<&'a str> {
    let rest = group.strip_prefix("/ecs/")?.strip_prefix(env)?;
    let service = rest.strip_prefix('/')?;
    (!service.is_empty() && !service.contains('/')).then_some(service)
}

/// One task's stretch of logging: from RUNNING until it stopped, and whether it runs the
/// failing revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskSpan {
    pub id: String,
    pub from: Epoch,
    pub until: Option<Epoch>,
    pub failing: bool,
}

/// The service's tasks, so each line lands in the stream of the task that wrote it
/// (`{service}/{service}/{task-id}`, as awslogs names them with the service as prefix and
/// container). Empty: streams get names of their own.
#[derive(Debug, Clone, Default)]
pub struct TaskStreams {
    pub tasks: Vec<TaskSpan>,
}

impl TaskStreams {
    /// The task logging at `t`: one running the failing revision when `failing` (else the
    /// one of them that stopped last), else one of the healthy ones (`pick` chooses).
    fn at(&self, t: Epoch, failing: bool, pick: u64) -> Option<&str> {
        let running = |s: &&TaskSpan| s.from <= t && s.until.is_none_or(|u| t < u);
        let alive: Vec<&TaskSpan> = self
            .tasks
            .iter()
            .filter(running)
            .filter(|s| s.failing == failing)
            .collect();
        if let Some(s) = alive.get(usize::try_from(pick).unwrap_or(0) % alive.len().max(1)) {
            return Some(&s.id);
        }
        if failing {
            return self
                .tasks
                .iter()
                .filter(|s| s.failing && s.from <= t)
                .max_by_key(|s| s.from)
                .map(|s| s.id.as_str());
        }
        self.tasks.iter().find(running).map(|s| s.id.as_str())
    }
}

fn task_stream(service: &str, task_id: &str) -> String {
    format!("{service}/{service}/{task_id}")
}

fn stream(seed: u64, env: &str, service: &str, which: &str) -> String {
    let id = rng::rng(seed, &[env, service, "stream", which]).hex(32);
    format!("{service}/{service}/{id}")
}

fn event(
    seed: u64,
    env: &str,
    group: &str,
    ts_ms: i64,
    stream: String,
    message: String,
) -> LogEvent {
    let id = rng::key(seed, &[env, group, &ts_ms.to_string(), &message]);
    LogEvent {
        timestamp_ms: ts_ms,
        log_group: group.to_string(),
        log_stream: stream,
        message,
        event_id: format!("{id:020}"),
    }
}

/// The events of `group` in `[start_ms, end_ms]`, oldest first (only the last
/// [`MAX_RANGE`] seconds of a longer range).
pub fn events(
    seed: u64,
    clock: &IncidentClock,
    env: &str,
    group: &str,
    start_ms: i64,
    end_ms: i64,
    streams: &TaskStreams,
) -> Vec<LogEvent> {
    let Some(service) = group_service(env, group) else {
        return Vec::new();
    };
    let end = end_ms.div_euclid(1000);
    let start = start_ms.div_euclid(1000).max(end.saturating_sub(MAX_RANGE));
    let fastapi = service == "fastapi";
    let mut out = Vec::new();
    let mut t = start.div_euclid(SLOT) * SLOT;
    while t <= end {
        let e = t - clock.start;
        let bad = if fastapi { clock.badness(env, t) } else { 0.0 };
        slot_events(seed, env, group, service, t, e, bad, streams, &mut out);
        t += SLOT;
    }
    if fastapi {
        for (at, message) in super::fault_logs::rows(seed, clock, env, start, end) {
            let pick = rng::key(seed, &[env, "fault-stream", &at.to_string()]) % 3;
            let task = match streams.at(at, false, pick) {
                Some(id) => task_stream(service, id),
                None => stream(seed, env, service, &pick.to_string()),
            };
            out.push(event(
                seed,
                env,
                group,
                at * 1000 + 250,
                task,
                message.to_string(),
            ));
        }
    }
    out.retain(|ev| ev.timestamp_ms >= start_ms && ev.timestamp_ms <= end_ms);
    out.sort_by_key(|ev| ev.timestamp_ms);
    out
}

#[allow(clippy::too_many_arguments)]
fn slot_events(
    seed: u64,
    env: &str,
    group: &str,
    service: &str,
    t: Epoch,
    e: i64,
    bad: f64,
    streams: &TaskStreams,
    out: &mut Vec<LogEvent>,
) {
    let mut r = rng::rng(seed, &[env, group, "slot", &t.to_string()]);
    let pick = r.below(3);
    let healthy = match streams.at(t, false, pick) {
        Some(id) => task_stream(service, id),
        None => stream(seed, env, service, &pick.to_string()),
    };
    let base_ms = t * 1000 + r.below(4000) as i64;
    let roll = r.below(1000) as f64 / 1000.0;
    let failing = roll < bad * 0.7;
    // v1.9.0 reads the missing FEATURE_FLAGS_URL on the order paths.
    let path = match (failing, r.below(10)) {
        (true, 0..6) => "/api/orders",
        (true, 6..9) => "/api/checkout",
        (true, _) => "/api/products",
        (false, _) => PATHS[r.below(PATHS.len() as u64) as usize],
    };
    let method = if path == "/api/checkout" {
        "POST"
    } else {
        "GET"
    };
    let slow = roll < bad || r.below(60) == 0;
    let duration = if slow {
        r.range(1001, 3200)
    } else {
        r.range(12, 180)
    };
    let status = if failing {
        500
    } else if r.below(50) == 0 {
        404
    } else {
        200
    };
    let incident = env == "prod" && service == "fastapi";
    // The `:42` task of the current minute (they crash and are replaced every minute).
    let bad_stream = match streams.at(t, true, pick) {
        Some(id) => task_stream(service, id),
        None => stream(seed, env, service, &format!("v42-{}", e.div_euclid(60))),
    };
    let req_stream = if failing {
        bad_stream.clone()
    } else {
        healthy.clone()
    };
    if failing {
        let json = format!(
            "{{\"level\": \"ERROR\", \"logger\": \"app.main\", \"message\": \"Unhandled exception\", \"path\": \"{path}\", \"method\": \"{method}\", \"exception\": \"KeyError: 'FEATURE_FLAGS_URL'\", \"version\": \"1.9.0\"}}"
        );
        out.push(event(
            seed,
            env,
            group,
            base_ms - 1,
            req_stream.clone(),
            json,
        ));
    }
    out.push(event(
        seed,
        env,
        group,
        base_ms,
        req_stream,
        format!(
            "INFO app.access: Request completed method={method} path={path} duration={duration}ms status={status}"
        ),
    ));
    if incident && t.rem_euclid(60) == 0 {
        match e {
            120 => out.push(event(
                seed,
                env,
                group,
                t * 1000,
                bad_stream.clone(),
                "INFO app.main: Starting fastapi v1.9.0 (cloudplatform-prod-fastapi:42)".into(),
            )),
            150..720 => {
                out.push(event(
                    seed,
                    env,
                    group,
                    t * 1000 + 100,
                    bad_stream.clone(),
                    "WARN app.config: FEATURE_FLAGS_URL is not set".into(),
                ));
                out.push(event(
                    seed,
                    env,
                    group,
                    t * 1000 + 200,
                    bad_stream.clone(),
                    "ERROR uvicorn.error: Application startup failed. Exiting.".into(),
                ));
            }
            720 => out.push(event(
                seed,
                env,
                group,
                t * 1000,
                match streams.at(t, false, 0) {
                    Some(id) => task_stream(service, id),
                    None => stream(seed, env, service, "rollback"),
                },
                "INFO app.main: Starting fastapi v1.8.3 (cloudplatform-prod-fastapi:41)".into(),
            )),
            _ => {}
        }
    }
    // Calm background: a rare upstream timeout and a redis warning.
    if r.below(480) == 0 {
        out.push(event(
            seed,
            env,
            group,
            base_ms + 2,
            healthy.clone(),
            "{\"level\": \"ERROR\", \"logger\": \"app.main\", \"message\": \"upstream timed out\", \"path\": \"/api/reports\", \"method\": \"GET\", \"exception\": \"TimeoutError\", \"version\": \"1.8.3\"}".into(),
        ));
    } else if r.below(240) == 0 {
        out.push(event(
            seed,
            env,
            group,
            base_ms + 3,
            healthy,
            "WARN app.cache: redis timeout after 500ms on GET session:*; falling back to the database"
                .into(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_belong_to_their_environment() {
        assert_eq!(group_service("prod", "/ecs/prod/fastapi"), Some("fastapi"));
        assert_eq!(group_service("prod", "/ecs/dev/fastapi"), None);
        assert_eq!(group_service("prod", "/ecs/prod/"), None);
        assert_eq!(group_service("prod", "/aws/lambda/x"), None);
    }

    #[test]
    fn prod_incident_has_errors_and_calm_minutes_do_not() {
        let g = "/ecs/prod/fastapi";
        let none = TaskStreams::default();
        let calm = events(1, &IncidentClock::scripted(0), "prod", g, 0, 119_000, &none);
        assert!(!calm.is_empty());
        assert!(calm.iter().all(|e| !e.message.contains("KeyError")));
        let incident = events(
            1,
            &IncidentClock::scripted(0),
            "prod",
            g,
            240_000,
            600_000,
            &none,
        );
        let errors = incident
            .iter()
            .filter(|e| e.message.contains("\"path\": \"/api/") && e.message.contains("KeyError"))
            .count();
        assert!(errors > 10, "{errors}");
        assert!(
            incident
                .iter()
                .any(|e| e.message.contains("Application startup failed"))
        );
        assert!(
            incident
                .windows(2)
                .all(|w| w[0].timestamp_ms <= w[1].timestamp_ms)
        );
        assert_eq!(
            incident,
            events(
                1,
                &IncidentClock::scripted(0),
                "prod",
                g,
                240_000,
                600_000,
                &none
            )
        );
        let steady = events(
            1,
            &IncidentClock::scripted(0),
            "prod",
            g,
            960_000,
            1_200_000,
            &none,
        );
        assert!(steady.iter().all(|e| !e.message.contains("KeyError")));
        assert!(
            events(
                1,
                &IncidentClock::scripted(0),
                "prod",
                "/ecs/staging/fastapi",
                0,
                60_000,
                &none
            )
            .is_empty()
        );
    }
}
