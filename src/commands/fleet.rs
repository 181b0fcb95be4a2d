//! `opsdeck fleet [--json] [--concurrency N]`: every configured environment at once,
//! read as the fleet pane reads them (`panes::fleet`: one reader per environment, a
//! bounded pool, a deadline per environment). Exits as `opsdeck snapshot` does, over
//! all rows: 2 when any read failed, else 1 when any environment is degraded (a
//! threshold breached or an alarm in ALARM), else 0.

use std::process::ExitCode;
use std::sync::Arc;

use serde_json::{Value, json};

use super::context::{Context, EXIT_ERROR};
use super::snapshot::EXIT_DEGRADED;
use crate::audit::rfc3339_at;
use crate::cli::GlobalArgs;
use crate::cloud::{CloudError, Epoch};
use crate::config::Config;
use crate::level::Level;
use crate::panes::fleet::gather::{EnvReading, GuardDutyRead};
use crate::panes::fleet::readers::FleetReaders;
use crate::panes::fleet::row::{CostCell, FleetRow};
use crate::panes::fleet::sources::{FleetFetched, FleetSource, fetch};
use crate::panes::kit::loadable::format_age;

/// Every environment of `config`, read through `readers`' pool, in config order.
pub async fn read_all(readers: &FleetReaders, config: &Config) -> Vec<FleetFetched> {
    futures::future::join_all(
        config
            .environments
            .iter()
            .map(|e| fetch(readers, config, FleetSource::Env(e.name.clone()))),
    )
    .await
}

/// One environment's exit code: 2 a read failed, 1 degraded, 0 healthy.
pub fn exit_code(f: &FleetFetched) -> u8 {
    match &f.result {
        Err(_) => EXIT_ERROR,
        Ok(r) if !r.failures().is_empty() => EXIT_ERROR,
        Ok(r) if r.health.degraded() => EXIT_DEGRADED,
        Ok(_) => 0,
    }
}

fn status_name(code: u8) -> &'static str {
    match code {
        0 => "healthy",
        1 => "degraded",
        _ => "error",
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

fn stamp(at: Epoch, now: Epoch) -> Value {
    json!({"read_at": rfc3339_at(at), "age_seconds": (now - at).max(0)})
}

fn err(e: Option<&CloudError>) -> Value {
    e.map_or(Value::Null, |e| json!(e.to_string()))
}

fn reading_json(r: &EnvReading, row: &FleetRow, now: Epoch) -> Value {
    let s = &r.scope;
    let h = &r.health;
    let identity = r.identity.result.as_ref().ok();
    let cost = r.cost.result.as_ref().ok();
    json!({
        "identity": {
            "account": identity.map(|i| i.account.clone()),
            "arn": identity.map(|i| i.arn.clone()),
            "principal": row.identity.as_ref().ok().map(|i| i.principal.clone()),
            "error": err(r.identity.result.as_ref().err()),
            "for": {"region": s.region, "profile": s.profile, "endpoint_url": s.endpoint_url},
            "fetched": stamp(r.identity.at, now),
        },
        "verdicts": row.tiers.iter().map(|t| json!({
            "tier": t.tier.short(),
            "level": level_name(t.level),
            "line": t.line,
        })).collect::<Vec<_>>(),
        "health": {
            "for": {
                "range": s.range,
                "cluster": s.cluster,
                "service": s.service,
                "load_balancer": h.load_balancer.as_ref().ok().cloned().flatten(),
            },
            "errors": h.failures(),
            "fetched": stamp(r.health_at, now),
        },
        "alarms_in_alarm": {
            "count": row.alarms.as_ref().ok(),
            "error": err(h.alarms.as_ref().err()),
            "for": {"name_prefix": h.alarm_prefix},
            "fetched": stamp(r.health_at, now),
        },
        "deployments_in_flight": {
            "count": row.deployments.as_ref().ok(),
            "error": row.deployments.as_ref().err(),
            "for": {"cluster": s.cluster, "service": s.service},
            "fetched": stamp(r.health_at, now),
        },
        "findings": {
            "critical": row.findings.as_ref().ok().map(|f| f.critical),
            "high": row.findings.as_ref().ok().map(|f| f.high),
            "complete": row.findings.as_ref().ok().map(|f| f.complete),
            "lower_bound": row.findings.as_ref().ok().map(|f| !f.complete),
            "guardduty": match &r.guardduty {
                GuardDutyRead::Read => json!("read"),
                GuardDutyRead::NoDetector => json!("no detector"),
                GuardDutyRead::Failed(e) => json!(format!("not read: {e}")),
            },
            "error": err(r.findings.result.as_ref().err()),
            "for": s.findings,
            "fetched": stamp(r.findings.at, now),
        },
        "cost": {
            "month_to_date_usd": cost.and_then(|c| c.spent),
            "budget_usd": cost.and_then(|c| c.budget),
            "level": match &row.cost {
                CostCell::Spent { level, .. } => json!(level_name(*level)),
                _ => Value::Null,
            },
            "answered_at": cost.and_then(|c| c.data_at).map(rfc3339_at),
            "fresh": cost.map(|c| c.fresh),
            "missing": cost.and_then(|c| c.missing.clone()),
            "error": err(r.cost.result.as_ref().err()),
            "for": {"filter": s.cost, "source": s.cost_source},
            "fetched": stamp(r.cost.at, now),
        },
    })
}

/// One environment as JSON: each value with what it was read for and when.
pub fn to_json(f: &FleetFetched, now: Epoch) -> Value {
    let code = exit_code(f);
    let mut out = json!({
        "environment": f.env,
        "status": status_name(code),
    });
    match &f.result {
        Ok(r) => {
            let row = FleetRow::from_reading(r);
            out["level"] = json!(level_name(row.level));
            out["needs_mfa"] = json!(row.needs_mfa);
            if let (Value::Object(o), Value::Object(more)) = (&mut out, reading_json(r, &row, now))
            {
                o.extend(more);
            }
            out["errors"] = json!(r.failures());
        }
        Err(e) => {
            out["level"] = json!("unknown");
            out["needs_mfa"] = json!(matches!(e, CloudError::MfaNeeded(_)));
            out["errors"] = json!([e.to_string()]);
        }
    }
    out
}

fn row_line(f: &FleetFetched, now: Epoch) -> String {
    let row = match &f.result {
        Ok(r) => FleetRow::from_reading(r),
        Err(e) => FleetRow::failed(&f.env, e),
    };
    let tiers: Vec<String> = row
        .tiers
        .iter()
        .map(|t| format!("{} {}", t.tier.short(), level_name(t.level).to_uppercase()))
        .collect();
    let count = |v: &Result<usize, String>| v.as_ref().map_or("?".to_string(), usize::to_string);
    let findings = row.findings.as_ref().map_or("?".to_string(), |f| {
        let b = if f.complete { "" } else { "≥" };
        format!("{b}{}/{b}{}", f.critical, f.high)
    });
    let cost = match &row.cost {
        CostCell::Unknown(_) => "?".to_string(),
        CostCell::Missing(_) => "not cached".to_string(),
        CostCell::Spent { spent, budget, .. } => match budget {
            Some(b) => format!("${spent:.0}/${b:.0}"),
            None => format!("${spent:.0}"),
        },
    };
    let who = row.identity.as_ref().map_or("?".to_string(), |i| {
        format!("{} {}", i.account, i.principal)
    });
    let age = row.read_at.map_or("–".to_string(), |t| format_age(now - t));
    format!(
        "{:<9} {:<12} {}  alarms {}  deploying {}  crit/high {}  cost {}  {}  {}\n",
        status_name(exit_code(f)).to_uppercase(),
        f.env,
        tiers.join(" "),
        count(&row.alarms),
        count(&row.deployments),
        findings,
        cost,
        who,
        age
    )
}

/// The fleet as text: a line per environment, then each failed read.
pub fn to_text(all: &[FleetFetched], now: Epoch) -> String {
    let mut out = String::new();
    for f in all {
        out.push_str(&row_line(f, now));
    }
    let failures: Vec<(String, String)> = all
        .iter()
        .flat_map(|f| {
            let lines = match &f.result {
                Ok(r) => r.failures(),
                Err(e) => vec![e.to_string()],
            };
            lines.into_iter().map(|l| (f.env.clone(), l))
        })
        .collect();
    if !failures.is_empty() {
        out.push_str("\nerrors\n");
        for (env, line) in failures {
            out.push_str(&format!("  {env}: {line}\n"));
        }
    }
    out
}

/// Run the command.
pub fn run(global: &GlobalArgs, json: bool, concurrency: Option<usize>) -> ExitCode {
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
    let readers: Arc<FleetReaders> = FleetReaders::new(
        context.connector.fleet_readers(),
        concurrency.unwrap_or(context.config.fleet_concurrency),
    );
    let all = runtime.block_on(read_all(&readers, &context.config));
    let now = readers.now();
    runtime.shutdown_background();
    if json {
        let items: Vec<Value> = all.iter().map(|f| to_json(f, now)).collect();
        println!(
            "{}",
            crate::text::json_printed(&serde_json::to_string_pretty(&items).unwrap_or_default())
        );
    } else {
        print!("{}", crate::text::printed(&to_text(&all, now)));
    }
    ExitCode::from(all.iter().map(exit_code).max().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::connect::{Connector, SimConnector};
    use crate::cloud::sim::{SimClock, SimSource, SimWorld};

    const T0: i64 = 1_788_220_800;

    async fn fleet(minutes: i64, tweak: impl Fn(&SimWorld)) -> Vec<FleetFetched> {
        let world = SimWorld::new(42, SimClock::Fixed(T0));
        world.set_elapsed(minutes * 60);
        tweak(&world);
        let connector = SimConnector {
            world,
            read_only: true,
        };
        let readers = FleetReaders::new(connector.fleet_readers(), 8);
        read_all(&readers, &Config::default()).await
    }

    #[tokio::test]
    async fn exit_codes_over_all_rows_as_snapshot() {
        let calm = fleet(25, |_| {}).await;
        let codes: Vec<u8> = calm.iter().map(exit_code).collect();
        // staging's database is low on storage in the simulated account all along.
        assert_eq!(codes, vec![0, 1, 0], "{}", to_text(&calm, T0));
        let incident = fleet(10, |_| {}).await;
        let codes: Vec<u8> = incident.iter().map(exit_code).collect();
        assert_eq!(codes, vec![0, 1, 1], "{}", to_text(&incident, T0));
        let broken = fleet(10, |w| {
            w.fail_in(
                "dev",
                SimSource::Alarms,
                CloudError::AccessDenied("no".into()),
            )
        })
        .await;
        let codes: Vec<u8> = broken.iter().map(exit_code).collect();
        assert_eq!(codes, vec![2, 1, 1], "{}", to_text(&broken, T0));
        let j = to_json(&broken[0], T0 + 600);
        assert_eq!(j["status"], "error");
        assert_eq!(
            j["alarms_in_alarm"]["count"],
            Value::Null,
            "unknown, never 0"
        );
        assert!(
            j["alarms_in_alarm"]["error"]
                .as_str()
                .is_some_and(|e| e.contains("access denied"))
        );
        assert_eq!(
            j["alarms_in_alarm"]["for"]["name_prefix"],
            "cloudplatform-dev-"
        );
        let prod = to_json(&incident[2], T0 + 600);
        assert_eq!(prod["deployments_in_flight"]["count"], 1, "{prod:#}");
        assert!(
            prod["alarms_in_alarm"]["count"]
                .as_u64()
                .is_some_and(|n| n > 0)
        );
    }
}
