//! `opsdeck cost --env NAME [--json]`: the Cost pane without the UI. Uses the same disk
//! cache (running the command is the consent to paid requests) and prints how many paid
//! Cost Explorer requests it made.

use std::fmt::Write as _;
use std::process::ExitCode;

use serde_json::{Value, json};

use super::context::{Context, EXIT_ERROR};
use crate::cli::GlobalArgs;
use crate::cloud::sim::wall_clock_now as wall_clock;
use crate::cloud::{
    CloudError, CloudRead, CostAnomalies, CostFilter, CostForecast, CostMetric, CostUsage, Epoch,
    ymd,
};
use crate::cost_cache::CostCache;
use crate::level::Level;
use crate::panes::cost::fetch::{
    self, CostAccess, CostData, CostFetch, CostQuery, USD_PER_REQUEST,
};
use crate::panes::cost::report::{
    budget_level, levers, month_to_date, spent_before_today, top_movers, trend,
};
use crate::panes::cost::state::cost_filter;

/// The three answers and what they cost.
#[derive(Debug, Clone)]
pub struct CostReport {
    pub env: String,
    pub filter: CostFilter,
    pub metric: CostMetric,
    pub budget: Option<f64>,
    pub now: Epoch,
    pub usage: Result<CostUsage, CloudError>,
    pub forecast: Result<CostForecast, CloudError>,
    pub anomalies: Result<CostAnomalies, CloudError>,
    /// Requests sent to Cost Explorer (billed unless `simulated`).
    pub requests_made: u32,
    pub simulated: bool,
    /// Oldest cache entry used, as its store time.
    pub oldest_cached: Option<Epoch>,
}

impl CostReport {
    /// True when every question was answered.
    pub fn complete(&self) -> bool {
        self.usage.is_ok() && self.forecast.is_ok() && self.anomalies.is_ok()
    }
}

/// Ask the three questions through `cache`; `access` is `Paid` or `Simulated`.
#[allow(clippy::too_many_arguments)]
pub async fn report(
    read: &dyn CloudRead,
    cache: Option<&CostCache>,
    env: &str,
    filter: CostFilter,
    metric: CostMetric,
    budget: Option<f64>,
    access: CostAccess,
    now: Epoch,
) -> CostReport {
    let mut out = CostReport {
        env: env.to_owned(),
        filter: filter.clone(),
        metric,
        budget,
        now,
        usage: Err(CloudError::Service("not asked".into())),
        forecast: Err(CloudError::Service("not asked".into())),
        anomalies: Err(CloudError::Service("not asked".into())),
        requests_made: 0,
        simulated: access == CostAccess::Simulated,
        oldest_cached: None,
    };
    for query in CostQuery::all(now, &filter, metric) {
        let fetch = CostFetch { query, access };
        let answer = fetch::run(read, cache, env, &fetch, now).await;
        let data = answer.and_then(|a| {
            out.requests_made += a.requests_made;
            if a.requests_made == 0 {
                out.oldest_cached = match (out.oldest_cached, a.stored_at) {
                    (Some(o), Some(s)) => Some(o.min(s)),
                    (o, s) => o.or(s),
                };
            }
            a.data
                .ok_or_else(|| CloudError::Service("no answer".into()))
        });
        match (&fetch.query, data) {
            (CostQuery::Usage(_), Ok(CostData::Usage(u))) => out.usage = Ok(u),
            (CostQuery::Forecast(_), Ok(CostData::Forecast(f))) => out.forecast = Ok(f),
            (CostQuery::Anomalies(_), Ok(CostData::Anomalies(a))) => out.anomalies = Ok(a),
            (CostQuery::Usage(_), Err(e)) => out.usage = Err(e),
            (CostQuery::Forecast(_), Err(e)) => out.forecast = Err(e),
            (CostQuery::Anomalies(_), Err(e)) => out.anomalies = Err(e),
            _ => {}
        }
    }
    out
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Ok => "ok",
        Level::Warning => "warning",
        Level::Critical => "critical",
        Level::Unknown => "unknown",
    }
}

fn projection(r: &CostReport) -> Option<(f64, f64, f64)> {
    let usage = r.usage.as_ref().ok()?;
    let forecast = r.forecast.as_ref().ok()?;
    let spent = spent_before_today(usage, r.metric, r.now);
    Some((spent, forecast.mean, spent + forecast.mean))
}

/// Rounded to the cent (sums of floats are not).
fn cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The report as JSON.
pub fn to_json(r: &CostReport) -> Value {
    let err = |e: &CloudError| json!({ "error": e.to_string(), "kind": e.kind() });
    let mtd = match &r.usage {
        Ok(u) => {
            let (total, rows) = month_to_date(u, r.metric, r.now);
            json!({
                "total": cents(total),
                "unit": u.unit,
                "by_service": rows.iter().map(|s| json!({"service": s.service, "amount": cents(s.amount)})).collect::<Vec<_>>(),
                "trend": trend(u, r.metric, r.now).iter().map(|(d, v, b)| json!({"day": ymd(*d), "cost": cents(*v), "before": b.map(cents)})).collect::<Vec<_>>(),
                "top_movers": top_movers(u, r.metric, r.now, 5).iter().map(|m| json!({"service": m.service, "before_per_day": cents(m.before), "now_per_day": cents(m.after)})).collect::<Vec<_>>(),
                "levers": levers(&r.env, u, r.anomalies.as_ref().ok(), r.metric, r.now),
            })
        }
        Err(e) => err(e),
    };
    let forecast = match (&r.forecast, projection(r)) {
        (Ok(f), Some((spent, rest, projected))) => json!({
            "spent_before_today": cents(spent),
            "forecast_rest_of_month": cents(rest),
            "lower": f.lower,
            "upper": f.upper,
            "projected_month_total": cents(projected),
            "budget": r.budget,
            "level": r.budget.map(|b| level_name(budget_level(projected, b))),
        }),
        (Err(e), _) => err(e),
        (Ok(f), None) => json!({ "forecast_rest_of_month": f.mean, "budget": r.budget }),
    };
    let anomalies = match &r.anomalies {
        Ok(a) => json!(a.anomalies.iter().map(|a| json!({
            "id": a.id,
            "start": a.start.map(ymd),
            "end": a.end.map(ymd),
            "total_impact": a.total_impact,
            "max_impact": a.max_impact,
            "root_cause_service": a.root_service(),
            "root_cause_usage_type": a.root_causes.first().and_then(|c| c.usage_type.clone()),
        })).collect::<Vec<_>>()),
        Err(e) => err(e),
    };
    json!({
        "environment": r.env,
        "filter": r.filter.describe(),
        "metric": r.metric.usage_name(),
        "date": ymd(r.now),
        "month_to_date": mtd,
        "forecast": forecast,
        "anomalies": anomalies,
        "requests_made": r.requests_made,
        "simulated": r.simulated,
        "cost_usd": f64::from(r.requests_made) * USD_PER_REQUEST * if r.simulated { 0.0 } else { 1.0 },
        "cache_stored_at": r.oldest_cached,
    })
}

/// The report as text.
pub fn to_text(r: &CostReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "cost of {} ({}, {}) on {}",
        r.env,
        r.filter.describe(),
        r.metric.label(),
        ymd(r.now)
    );
    match &r.usage {
        Ok(u) => {
            let (total, rows) = month_to_date(u, r.metric, r.now);
            let _ = writeln!(s, "\nmonth to date: ${total:.2} {}", u.unit);
            for row in &rows {
                let share = if total > 0.0 {
                    row.amount / total * 100.0
                } else {
                    0.0
                };
                let _ = writeln!(
                    s,
                    "  {:<40} {:>10.2} {:>4.0}%",
                    row.service, row.amount, share
                );
            }
            let points = trend(u, r.metric, r.now);
            let avg = |v: Vec<f64>| {
                if v.is_empty() {
                    0.0
                } else {
                    v.iter().sum::<f64>() / v.len() as f64
                }
            };
            let _ = writeln!(
                s,
                "\ndaily average, last 30 days: ${:.2} (30 days before: ${:.2})",
                avg(points.iter().map(|p| p.1).collect()),
                avg(points.iter().filter_map(|p| p.2).collect())
            );
            let movers = top_movers(u, r.metric, r.now, 5);
            if !movers.is_empty() {
                let _ = writeln!(s, "top movers (per day, last 7 days vs a month earlier):");
                for m in &movers {
                    let _ = writeln!(
                        s,
                        "  {:<40} +{:.2} ({:.2} -> {:.2})",
                        m.service,
                        m.delta(),
                        m.before,
                        m.after
                    );
                }
            }
        }
        Err(e) => {
            let _ = writeln!(s, "\nmonth to date: {e}");
        }
    }
    match (&r.forecast, projection(r)) {
        (Ok(_), Some((spent, rest, projected))) => {
            let _ = write!(
                s,
                "\nforecast: spent ${spent:.2} + rest of month ${rest:.2} = ${projected:.2}"
            );
            match r.budget {
                Some(b) if b > 0.0 => {
                    let level = budget_level(projected, b);
                    let _ = writeln!(
                        s,
                        " of budget ${b:.2} ({:.0}%): {}",
                        projected / b * 100.0,
                        level_name(level).to_uppercase()
                    );
                }
                _ => {
                    let _ = writeln!(s, " (no budget)");
                }
            }
        }
        (Ok(f), None) => {
            let _ = writeln!(s, "\nforecast: rest of month ${:.2}", f.mean);
        }
        (Err(e), _) => {
            let _ = writeln!(s, "\nforecast: {e}");
        }
    }
    match &r.anomalies {
        Ok(a) if a.anomalies.is_empty() => {
            let _ = writeln!(s, "\nanomalies (30 days): none");
        }
        Ok(a) => {
            let _ = writeln!(s, "\nanomalies (30 days):");
            for an in &a.anomalies {
                let _ = writeln!(
                    s,
                    "  {} .. {}  impact ${:.2}  root cause {}",
                    an.start.map_or("-".into(), ymd),
                    an.end.map_or("open".into(), ymd),
                    an.total_impact,
                    an.root_service().unwrap_or("-")
                );
            }
        }
        Err(e) => {
            let _ = writeln!(s, "\nanomalies: {e}");
        }
    }
    if let Ok(u) = &r.usage {
        for hint in levers(&r.env, u, r.anomalies.as_ref().ok(), r.metric, r.now) {
            let _ = writeln!(s, "lever: {hint}");
        }
    }
    let _ = writeln!(
        s,
        "\n{}",
        if r.simulated {
            format!(
                "{} Cost Explorer requests to the simulated account (would cost ${:.2})",
                r.requests_made,
                f64::from(r.requests_made) * USD_PER_REQUEST
            )
        } else {
            format!(
                "{} paid Cost Explorer requests made (${:.2}){}",
                r.requests_made,
                f64::from(r.requests_made) * USD_PER_REQUEST,
                r.oldest_cached.map_or(String::new(), |t| format!(
                    "; cached answers from {} min ago",
                    (r.now - t).max(0) / 60
                ))
            )
        }
    );
    s
}

/// Run `opsdeck cost`.
pub fn run(global: &GlobalArgs, json: bool, amortized: bool) -> ExitCode {
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
    let env = context.env.clone();
    let metric = if amortized {
        CostMetric::Amortized
    } else {
        CostMetric::Unblended
    };
    let (access, cache) = if context.demo {
        (CostAccess::Simulated, None)
    } else {
        (
            CostAccess::Paid,
            CostCache::default_location_with_ttl(context.env.cost_cache_seconds),
        )
    };
    let result = runtime.block_on(async {
        let filter = match cost_filter(&env, None) {
            Some(f) => f,
            None => {
                let me = cloud.read.caller_identity().await?;
                cost_filter(&env, Some(&me))
                    .ok_or_else(|| CloudError::Invalid("no account to filter by".into()))?
            }
        };
        Ok::<_, CloudError>(
            report(
                cloud.read.as_ref(),
                cache.as_ref(),
                &env.name,
                filter,
                metric,
                env.monthly_budget_usd,
                access,
                wall_clock(),
            )
            .await,
        )
    });
    match result {
        Ok(r) => {
            if json {
                println!(
                    "{}",
                    crate::text::json_printed(
                        &serde_json::to_string_pretty(&to_json(&r)).unwrap_or_default()
                    )
                );
            } else {
                print!("{}", crate::text::printed(&to_text(&r)));
            }
            if r.complete() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_ERROR)
            }
        }
        Err(e) => {
            eprintln!("opsdeck: {}", crate::text::one_line(&e.to_string()));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::cloud::sim::{self, SimClock, SimWorld};

    const NOW: Epoch = 1_788_220_800 + 14 * 86_400 + 10 * 3600;

    async fn sim_report(env: &str, cache: Option<&CostCache>, access: CostAccess) -> CostReport {
        let world = SimWorld::new(42, SimClock::Fixed(NOW));
        let cloud = sim::handle(Arc::clone(&world), env, true);
        let filter = CostFilter::Tag {
            key: "Environment".into(),
            value: env.into(),
        };
        report(
            cloud.read.as_ref(),
            cache,
            env,
            filter,
            CostMetric::Unblended,
            Some(600.0),
            access,
            NOW,
        )
        .await
    }

    #[tokio::test]
    async fn prod_report_is_over_budget_and_names_the_nat_anomaly() {
        let r = sim_report("prod", None, CostAccess::Simulated).await;
        assert!(r.complete());
        assert_eq!(r.requests_made, 3);
        let text = to_text(&r);
        assert!(text.contains("CRITICAL"), "{text}");
        assert!(text.contains("EC2 - Other"), "{text}");
        assert!(text.contains("would cost $0.03"), "{text}");
        let j = to_json(&r);
        assert_eq!(j["forecast"]["level"], "critical");
        assert_eq!(j["anomalies"][0]["root_cause_service"], "EC2 - Other");
        assert_eq!(j["requests_made"], 3);
    }

    #[tokio::test]
    async fn the_cache_answers_the_second_run_for_free() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = CostCache::new(dir.path(), 3600);
        let first = sim_report("dev", Some(&cache), CostAccess::Paid).await;
        assert_eq!(first.requests_made, 3);
        let second = sim_report("dev", Some(&cache), CostAccess::Paid).await;
        assert_eq!(second.requests_made, 0);
        assert_eq!(second.oldest_cached, Some(NOW));
        assert_eq!(
            second.usage.as_ref().ok().map(|u| u.days.len()),
            first.usage.as_ref().ok().map(|u| u.days.len())
        );
    }
}
