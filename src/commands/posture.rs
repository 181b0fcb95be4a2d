//! `opsdeck posture --env NAME [--json] [--fail-on SEVERITY]`: the daily security posture
//! review without the UI — open findings by severity across Security Hub and GuardDuty,
//! the score of each enabled standard, and what is new since yesterday. Exits 1 when open
//! findings at or above `--fail-on` exist, 2 when the findings could not be read, or could
//! not all be read and none at or above `--fail-on` was among those read.
//!
//! Every page is read; where a paging guard stopped a listing, the text shows counts as
//! `≥ N` and says so, and the JSON says `"complete": false`, `"lower_bound": true`.

use std::fmt::Write as _;
use std::process::ExitCode;

use serde_json::{Value, json};

use super::context::{Context, EXIT_ERROR};
use crate::cli::GlobalArgs;
use crate::cloud::security_filter::FindingFilters;
use crate::cloud::security_score::{
    SeverityCounts, StandardScore, is_open, open_counts, score_standards,
};
use crate::cloud::sim::wall_clock_now as wall_clock;
use crate::cloud::{
    CloudError, CloudRead, Detector, Epoch, Finding, Listing, Severity, ThreatFinding,
};
use crate::panes::kit::count;

/// Exit code when findings at or above `--fail-on` are open.
pub const EXIT_FINDINGS: u8 = 1;
/// "New" means first seen within this many seconds.
pub const NEW_WINDOW: i64 = 86_400;

/// Everything the review found.
#[derive(Debug, Clone)]
pub struct PostureReport {
    pub env: String,
    pub now: Epoch,
    pub findings: Result<Listing<Finding>, CloudError>,
    /// Complete only when every control finding was read.
    pub standards: Result<Listing<StandardScore>, CloudError>,
    pub detectors: Result<Vec<Detector>, CloudError>,
    pub threats: Result<Listing<ThreatFinding>, CloudError>,
}

impl PostureReport {
    /// True when the open and new counts are totals: Security Hub and GuardDuty findings
    /// were read to their last page (an unreadable source is reported on its own).
    pub fn counts_complete(&self) -> bool {
        self.findings.as_ref().is_ok_and(|l| l.complete)
            && self.threats.as_ref().map_or(true, |l| l.complete)
    }

    /// True when every listing the report reads was read to its last page.
    pub fn complete(&self) -> bool {
        self.counts_complete() && self.standards.as_ref().map_or(true, |l| l.complete)
    }

    /// Open findings by severity across both sources (GuardDuty duplicates dropped).
    pub fn counts(&self) -> SeverityCounts {
        open_counts(
            self.findings.as_deref().unwrap_or_default(),
            self.threats.as_deref().unwrap_or_default(),
        )
    }

    /// Open Security Hub findings first seen in the last day, by severity.
    pub fn new_since_yesterday(&self) -> SeverityCounts {
        SeverityCounts::of(
            self.findings
                .as_deref()
                .unwrap_or_default()
                .iter()
                .filter(|f| is_open(f) && f.first_seen.is_some_and(|t| self.now - t <= NEW_WINDOW))
                .map(|f| f.severity),
        )
    }

    /// The exit code for `fail_on`.
    pub fn exit_code(&self, fail_on: Option<Severity>) -> u8 {
        if self.findings.is_err() {
            return EXIT_ERROR;
        }
        match fail_on {
            Some(min) if self.counts().at_least(min) > 0 => EXIT_FINDINGS,
            // None among those read, but not all were read: no clean bill.
            Some(_) if !self.counts_complete() => EXIT_ERROR,
            _ => 0,
        }
    }
}

/// Ask Security Hub and GuardDuty.
pub async fn report(read: &dyn CloudRead, env: &str, now: Epoch) -> PostureReport {
    let findings = read.security_findings(&FindingFilters::default()).await;
    let standards = match read.enabled_standards().await {
        Ok(s) => read
            .security_findings(&FindingFilters::controls())
            .await
            .map(|controls| controls.map(|c| score_standards(&s, &c))),
        Err(e) => Err(e),
    };
    let detectors = read.guardduty_detectors().await;
    let threats = match &detectors {
        Ok(d) => match d.iter().find(|d| d.enabled()) {
            Some(d) => read.guardduty_findings(&d.id).await,
            None => Ok(Listing::default()),
        },
        Err(e) => Err(e.clone()),
    };
    PostureReport {
        env: env.to_string(),
        now,
        findings,
        standards,
        detectors,
        threats,
    }
}

fn counts_line(c: &SeverityCounts, complete: bool) -> String {
    Severity::ALL
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                s.label().to_lowercase(),
                count(c.get(*s), complete)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The report as text.
pub fn text(r: &PostureReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Security posture of {}", r.env);
    match &r.findings {
        Ok(_) => {
            let complete = r.counts_complete();
            let _ = writeln!(
                out,
                "  open findings: {}",
                counts_line(&r.counts(), complete)
            );
            let _ = writeln!(
                out,
                "  new since yesterday: {}",
                counts_line(&r.new_since_yesterday(), complete)
            );
            if !complete {
                let _ = writeln!(
                    out,
                    "  INCOMPLETE: reading stopped with findings left (paging guard hit); every count is a lower bound"
                );
            }
        }
        Err(e) => {
            let _ = writeln!(out, "  findings: unavailable ({e})");
        }
    }
    match &r.standards {
        Ok(scores) if scores.is_empty() => {
            let _ = writeln!(out, "  standards: none enabled");
        }
        Ok(scores) => {
            if !scores.complete {
                let _ = writeln!(
                    out,
                    "  standards (partial: not every control finding was read):"
                );
            }
            for s in scores {
                let pct = s.percent().map_or("-".to_string(), |p| format!("{p}%"));
                let _ = writeln!(
                    out,
                    "  {}: {pct} ({} passed, {} failed)",
                    s.standard.display_name(),
                    s.passed,
                    s.failed
                );
            }
        }
        Err(e) => {
            let _ = writeln!(out, "  standards: unavailable ({e})");
        }
    }
    match (&r.detectors, &r.threats) {
        (Ok(d), Ok(t)) => {
            let status = d
                .first()
                .map_or("no detector".to_string(), |d| d.status.clone());
            let _ = writeln!(
                out,
                "  GuardDuty: {status}, {} active finding(s)",
                count(t.iter().filter(|t| !t.archived).count(), t.complete)
            );
        }
        (Err(e), _) | (_, Err(e)) => {
            let _ = writeln!(out, "  GuardDuty: unavailable ({e})");
        }
    }
    let mut top: Vec<&Finding> = r
        .findings
        .as_deref()
        .unwrap_or_default()
        .iter()
        .filter(|f| is_open(f) && f.severity <= Severity::High)
        .collect();
    crate::panes::security::findings_view::sort_findings(&mut top);
    if !top.is_empty() {
        let _ = writeln!(out, "  critical and high:");
        for f in top {
            let _ = writeln!(
                out,
                "    {:<8} {:<11} {}  [{}]",
                f.severity.label(),
                crate::text::one_line(&f.product_name),
                crate::text::one_line(&f.title),
                f.resource_id()
            );
        }
    }
    out
}

fn err(e: &CloudError) -> Value {
    json!({"kind": e.kind(), "message": e.to_string()})
}

fn counts_json(c: &SeverityCounts) -> Value {
    let mut m = serde_json::Map::new();
    for s in Severity::ALL {
        m.insert(s.label().to_lowercase(), json!(c.get(s)));
    }
    Value::Object(m)
}

/// The report as JSON. `complete` is false when a listing was cut short; `lower_bound`
/// true when the `open` and `new_since_yesterday` counts are then minimums.
pub fn to_json(r: &PostureReport) -> Value {
    json!({
        "environment": r.env,
        "generated_at": r.now,
        "complete": r.complete(),
        "lower_bound": r.findings.is_ok() && !r.counts_complete(),
        "open": r.findings.as_ref().map(|_| counts_json(&r.counts())).unwrap_or_else(err),
        "new_since_yesterday": r.findings.as_ref().map(|_| counts_json(&r.new_since_yesterday())).unwrap_or_else(err),
        "standards": match &r.standards {
            Ok(l) => Value::Array(l.iter().map(|s| json!({
                "standard": s.standard.display_name(),
                "arn": s.standard.standards_arn,
                "passed": s.passed,
                "failed": s.failed,
                "score_percent": s.percent(),
                "complete": l.complete,
            })).collect()),
            Err(e) => err(e),
        },
        "guardduty": match (&r.detectors, &r.threats) {
            (Ok(d), Ok(t)) => json!({
                "detectors": d.iter().map(|d| json!({"id": d.id, "status": d.status})).collect::<Vec<_>>(),
                "active_findings": t.iter().filter(|t| !t.archived).count(),
                "complete": t.complete,
            }),
            (Err(e), _) | (_, Err(e)) => err(e),
        },
    })
}

/// Run the command; returns the process exit code.
pub fn run(global: &GlobalArgs, as_json: bool, fail_on: Option<Severity>) -> ExitCode {
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
    let r = runtime.block_on(report(cloud.read.as_ref(), &context.env.name, wall_clock()));
    if as_json {
        println!(
            "{}",
            crate::text::json_printed(
                &serde_json::to_string_pretty(&to_json(&r)).unwrap_or_default()
            )
        );
    } else {
        print!("{}", crate::text::printed(&text(&r)));
    }
    if let Err(e) = &r.findings {
        eprintln!(
            "opsdeck: Security Hub findings: {}",
            crate::text::one_line(&e.to_string())
        );
    }
    ExitCode::from(r.exit_code(fail_on))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::cloud::sim::{self, SimClock, SimWorld};

    const T0: Epoch = 1_788_220_800;

    #[tokio::test]
    async fn prod_posture_fails_on_high_and_scores_standards() {
        let world = SimWorld::new(42, SimClock::Fixed(T0 + 10 * 60));
        let cloud = sim::handle(Arc::clone(&world), "prod", true);
        let r = report(cloud.read.as_ref(), "prod", T0 + 10 * 60).await;
        let c = r.counts();
        assert!(c.get(Severity::Critical) >= 1, "{c:?}");
        assert!(c.get(Severity::High) >= 1, "{c:?}");
        assert_eq!(r.exit_code(Some(Severity::High)), EXIT_FINDINGS);
        assert_eq!(r.exit_code(None), 0);
        let scores = r.standards.as_ref().expect("scores");
        assert_eq!(scores.len(), 2);
        assert!(scores.iter().all(|s| s.percent().is_some()));
        let t = text(&r);
        assert!(
            t.contains("AWS Foundational Security Best Practices"),
            "{t}"
        );
        assert!(t.contains("new since yesterday"), "{t}");
        let j = to_json(&r);
        assert!(j["open"]["critical"].as_u64().unwrap_or(0) >= 1, "{j}");
        assert!(j["guardduty"]["active_findings"].as_u64().unwrap_or(0) >= 1);
    }

    #[tokio::test]
    async fn unreadable_findings_exit_2() {
        let world = SimWorld::new(42, SimClock::Fixed(T0));
        world.fail(
            sim::SimSource::SecurityFindings,
            CloudError::AccessDenied("securityhub:GetFindings".into()),
        );
        let cloud = sim::handle(Arc::clone(&world), "dev", true);
        let r = report(cloud.read.as_ref(), "dev", T0).await;
        assert_eq!(r.exit_code(Some(Severity::High)), EXIT_ERROR);
        assert!(text(&r).contains("unavailable"));
    }

    #[tokio::test]
    async fn a_cut_short_listing_is_a_lower_bound_and_no_clean_bill() {
        let world = SimWorld::new(42, SimClock::Fixed(T0 + 10 * 60));
        world.cut_short(sim::SimSource::SecurityFindings, 0);
        world.cut_short(sim::SimSource::GuardDuty, 0);
        let cloud = sim::handle(Arc::clone(&world), "prod", true);
        let r = report(cloud.read.as_ref(), "prod", T0 + 10 * 60).await;
        assert_eq!(r.counts().total(), 0, "nothing was read");
        assert!(!r.counts_complete() && !r.complete());
        // Nothing at or above HIGH among those read, but not all were read.
        assert_eq!(r.exit_code(Some(Severity::High)), EXIT_ERROR);
        assert_eq!(r.exit_code(None), 0);
        let t = text(&r);
        assert!(t.contains("critical ≥ 0, high ≥ 0"), "{t}");
        assert!(t.contains("INCOMPLETE"), "{t}");
        assert!(t.contains("partial"), "{t}");
        assert!(t.contains("≥ 0 active finding(s)"), "{t}");
        let j = to_json(&r);
        assert_eq!(j["complete"], false, "{j}");
        assert_eq!(j["lower_bound"], true, "{j}");
        assert_eq!(j["guardduty"]["complete"], false, "{j}");
        assert_eq!(j["standards"][0]["complete"], false, "{j}");
        let whole = report(
            sim::handle(SimWorld::new(42, SimClock::Fixed(T0)), "prod", true)
                .read
                .as_ref(),
            "prod",
            T0,
        )
        .await;
        let j = to_json(&whole);
        assert_eq!(
            (&j["complete"], &j["lower_bound"]),
            (&json!(true), &json!(false))
        );
        assert!(!text(&whole).contains('≥'));
    }

    #[test]
    fn fail_on_parses_severities() {
        assert_eq!(crate::cli::parse_severity("high"), Ok(Severity::High));
        assert_eq!(
            crate::cli::parse_severity("CRITICAL"),
            Ok(Severity::Critical)
        );
        assert!(crate::cli::parse_severity("severe").is_err());
    }
}
