//! `opsdeck snapshot --env NAME [--json]`: the dashboard without a UI — a verdict per tier,
//! every series' latest value, alarm states and recent errors. All reads run concurrently
//! (the metrics request waits only for the ALB lookup it needs). Exit code 0 healthy,
//! 1 degraded (a threshold breached or an alarm in ALARM), 2 on error.

use std::process::ExitCode;

use serde_json::{Value, json};

use super::context::{Context, EXIT_ERROR};
use crate::cli::GlobalArgs;
use crate::cloud::{
    Alarm, AlarmState, CloudError, CloudRead, CloudResult, MetricData, RecentErrors,
};
use crate::config::Environment;
use crate::level::Level;
use crate::panes::dashboard::format::display;
use crate::panes::dashboard::health::read_health;
use crate::panes::dashboard::query::{ERRORS_MAX_WINDOW, TimeRange};
use crate::panes::dashboard::sources::{
    DashboardFetched as Fetched, DashboardSource as Source, fetch as run_fetch,
};
use crate::panes::dashboard::verdict::TierVerdict;

/// Exit code when a threshold is breached or an alarm fires.
pub const EXIT_DEGRADED: u8 = 1;
/// The window a snapshot looks at (enough for the 10-minute sustained thresholds).
pub const SNAPSHOT_RANGE: TimeRange = TimeRange::M15;

/// Everything one snapshot read.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub env: String,
    pub load_balancer: Result<Option<String>, String>,
    pub metrics: CloudResult<MetricData>,
    pub alarms: CloudResult<Vec<Alarm>>,
    pub errors: CloudResult<RecentErrors>,
    pub service: CloudResult<Option<crate::cloud::EcsService>>,
    pub verdicts: Vec<TierVerdict>,
}

impl Snapshot {
    /// The first failed read, if any.
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |what: &str, e: Option<&CloudError>| {
            if let Some(e) = e {
                out.push(format!("{what}: {e}"));
            }
        };
        check("GetMetricData", self.metrics.as_ref().err());
        check("DescribeAlarms", self.alarms.as_ref().err());
        check("Logs Insights", self.errors.as_ref().err());
        check("DescribeServices", self.service.as_ref().err());
        if let Err(e) = &self.load_balancer {
            out.push(e.clone());
        }
        out
    }

    /// True when a threshold is breached or an alarm is in ALARM.
    pub fn degraded(&self) -> bool {
        self.verdicts
            .iter()
            .any(|v| matches!(v.level, Level::Warning | Level::Critical))
            || self
                .alarms
                .as_ref()
                .is_ok_and(|a| a.iter().any(|a| a.state == AlarmState::Alarm))
    }

    /// 0 healthy, 1 degraded, 2 when a read failed.
    pub fn exit_code(&self) -> u8 {
        if !self.failures().is_empty() {
            EXIT_ERROR
        } else if self.degraded() {
            EXIT_DEGRADED
        } else {
            0
        }
    }
}

/// Read everything the dashboard shows for `env`, concurrently: its health
/// (`dashboard::health`) and the recent errors.
pub async fn take(
    read: &dyn CloudRead,
    env: &Environment,
    project: &str,
    thresholds: &crate::config::Thresholds,
) -> Snapshot {
    let health = read_health(read, env, project, thresholds, SNAPSHOT_RANGE);
    let errors = run_fetch(
        read,
        env,
        Source::Errors(SNAPSHOT_RANGE.seconds().min(ERRORS_MAX_WINDOW)),
    );
    let (health, e) = futures::join!(health, errors);
    let errors = match e {
        Fetched::Errors(_, r) => r,
        _ => Err(CloudError::Service("unexpected fetch".into())),
    };
    Snapshot {
        env: env.name.clone(),
        load_balancer: health.load_balancer,
        metrics: health.metrics,
        alarms: health.alarms,
        errors,
        service: health.service,
        verdicts: health.verdicts,
    }
}

fn level_name(l: Level) -> &'static str {
    match l {
        Level::Ok => "ok",
        Level::Warning => "warning",
        Level::Critical => "critical",
        Level::Unknown => "unknown",
    }
}

/// The snapshot as JSON.
pub fn to_json(s: &Snapshot) -> Value {
    let series: Vec<Value> = match &s.metrics {
        Ok(d) => d
            .series
            .iter()
            .map(|x| {
                let latest = x.latest();
                json!({
                    "id": x.id,
                    "label": x.label,
                    "latest": latest,
                    "display": latest.map(|v| display(&x.id, v, d.period)),
                    "points": x.points.len(),
                })
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    json!({
        "environment": s.env,
        "status": match s.exit_code() { 0 => "healthy", 1 => "degraded", _ => "error" },
        "range": SNAPSHOT_RANGE.label(),
        "verdicts": s.verdicts.iter().map(|v| json!({
            "tier": v.tier.short(),
            "level": level_name(v.level),
            "line": v.line,
        })).collect::<Vec<_>>(),
        "series": series,
        "alarms": s.alarms.as_ref().map(|a| a.iter().map(|a| json!({
            "name": a.name,
            "state": a.state.as_str(),
            "reason": a.reason,
        })).collect::<Vec<_>>()).unwrap_or_default(),
        "recent_errors": s.errors.as_ref().map(|r| r.iter().map(|r| json!({
            "timestamp": r.timestamp,
            "message": r.message,
        })).collect::<Vec<_>>()).unwrap_or_default(),
        "service": s.service.as_ref().ok().and_then(Option::as_ref).map(|x| json!({
            "name": x.name,
            "running": x.running,
            "desired": x.desired,
            "rollout": x.primary_deployment().and_then(|d| d.rollout_state.clone()),
        })),
        "errors": s.failures(),
    })
}

/// The snapshot as text.
pub fn to_text(s: &Snapshot) -> String {
    let mut out = format!("{} · last {}\n", s.env, SNAPSHOT_RANGE.label());
    for v in &s.verdicts {
        out.push_str(&format!(
            "{:<9} {}\n",
            level_name(v.level).to_uppercase(),
            v.line
        ));
    }
    if let Ok(Some(svc)) = &s.service {
        out.push_str(&format!("\ntasks {}/{} running", svc.running, svc.desired));
        if let Some(r) = svc
            .primary_deployment()
            .and_then(|d| d.rollout_state.as_deref())
        {
            out.push_str(&format!(" (rollout {r})"));
        }
        out.push('\n');
    }
    if let Ok(d) = &s.metrics {
        out.push_str("\nseries (latest)\n");
        for x in &d.series {
            let v = x
                .latest()
                .map_or("–".to_string(), |v| display(&x.id, v, d.period));
            out.push_str(&format!("  {:<16} {:<18} {v}\n", x.id, x.label));
        }
    }
    if let Ok(alarms) = &s.alarms {
        out.push_str(&format!("\nalarms ({})\n", alarms.len()));
        for a in alarms {
            out.push_str(&format!(
                "  {:<17} {}  {}\n",
                a.state.as_str(),
                a.name,
                a.reason
            ));
        }
    }
    if let Ok(rows) = &s.errors {
        out.push_str(&format!("\nrecent errors ({})\n", rows.len()));
        for r in rows.iter() {
            out.push_str(&format!(
                "  {}  {}\n",
                r.timestamp,
                crate::text::one_line(&r.message.replace('\n', " "))
            ));
        }
    }
    if let Ok(None) = &s.load_balancer {
        out.push_str("\nno ALB found: set load_balancer in config\n");
    }
    let failures = s.failures();
    if !failures.is_empty() {
        out.push_str("\nerrors\n");
        for f in failures {
            out.push_str(&format!("  {f}\n"));
        }
    }
    out
}

/// Run the command.
pub fn run(global: &GlobalArgs, json: bool) -> ExitCode {
    let context = match Context::load(global) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("opsdeck: {}", crate::text::one_line(&e.to_string()));
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let runtime = match super::context::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("opsdeck: {}", crate::text::one_line(&e.to_string()));
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let cloud = context.cloud();
    let snapshot = runtime.block_on(take(
        cloud.read.as_ref(),
        &context.env,
        &context.config.project,
        &context.config.thresholds,
    ));
    runtime.shutdown_background();
    if json {
        println!(
            "{}",
            crate::text::json_printed(
                &serde_json::to_string_pretty(&to_json(&snapshot)).unwrap_or_default()
            )
        );
    } else {
        print!("{}", crate::text::printed(&to_text(&snapshot)));
    }
    ExitCode::from(snapshot.exit_code())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::cloud::sim::{self, SimClock, SimSource, SimWorld};
    use crate::config::Config;

    const T0: i64 = 1_788_220_800;

    async fn snap(env: &str, minutes: i64, fail: Option<SimSource>) -> Snapshot {
        let world = SimWorld::new(42, SimClock::Fixed(T0));
        world.set_elapsed(minutes * 60);
        if let Some(s) = fail {
            world.fail(s, CloudError::AccessDenied("denied".into()));
        }
        let config = Config::default();
        let e = config.environment(env).cloned().expect("env");
        let cloud = sim::handle(Arc::clone(&world), env, true);
        take(cloud.read.as_ref(), &e, &config.project, &config.thresholds).await
    }

    #[tokio::test]
    async fn exit_codes_follow_health() {
        let calm = snap("dev", 1, None).await;
        assert_eq!(calm.exit_code(), 0, "{}", to_text(&calm));
        let incident = snap("prod", 6, None).await;
        assert_eq!(
            incident.exit_code(),
            EXIT_DEGRADED,
            "{}",
            to_text(&incident)
        );
        assert!(to_text(&incident).contains("ALARM"));
        let staging = snap("staging", 1, None).await;
        assert!(
            staging.verdicts[2].line.starts_with("DB: FreeStorageSpace"),
            "{:?}",
            staging.verdicts
        );
        let broken = snap("dev", 1, Some(SimSource::Alarms)).await;
        assert_eq!(broken.exit_code(), EXIT_ERROR);
        let j = to_json(&broken);
        assert_eq!(j["status"], "error");
        assert!(j["series"].as_array().is_some_and(|s| !s.is_empty()));
    }
}
