//! `opsdeck postmortem INC-123 [--out FILE]`: the incident's report in Markdown, shaped
//! like the seed's incident procedure (§5.7): summary, detection, timeline,
//! containment/eradication/recovery actions from the audit log (who, when, outcome,
//! verification), impact with numbers (one `GetMetricData`, one Logs Insights count),
//! evidence files with their SHA-256, and follow-ups. Whatever could not be read is
//! written as unknown, never as zero.

pub mod actions;
pub mod impact;
pub mod report;

use std::process::ExitCode;

use super::context::{Context, EXIT_ERROR};
use crate::audit::AuditLog;
use crate::cli::GlobalArgs;
use crate::cloud::Window;
use crate::incidents::IncidentLog;
use crate::panes::dashboard::state::alarm_prefix;
use crate::panes::timeline::gather::{FeedScope, gather_all};

/// How long before the incident opened the timeline starts: the change that caused it
/// usually came first.
pub const LEAD: i64 = 3600;

/// Run the command.
pub fn run(global: &GlobalArgs, id: &str, out: Option<std::path::PathBuf>) -> ExitCode {
    let fail = |e: String| {
        eprintln!("opsdeck: {}", crate::text::one_line(&e));
        ExitCode::from(EXIT_ERROR)
    };
    let audit = AuditLog::for_mode(global.demo);
    let incidents = IncidentLog::beside(audit.path());
    let Some(incident) = incidents.find(id) else {
        return fail(format!(
            "no incident {id:?} in {} (open one with `:incident start {id}` or a runbook's --param incident={id})",
            incidents.path().display()
        ));
    };
    let mut global = global.clone();
    global.env = vec![incident.env.clone()];
    let context = match Context::load(&global) {
        Ok(c) => c,
        Err(e) => return fail(e.to_string()),
    };
    let now = context.connector.now();
    let end = incident.ended.unwrap_or(now);
    let window = Window {
        since: incident.started - LEAD,
        until: end + 1,
    };
    let runtime = match super::context::runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(e),
    };
    let cloud = context.cloud();
    let prefix = alarm_prefix(&context.env, &context.config.project);
    let scope = FeedScope {
        env: &context.env,
        alarm_prefix: &prefix,
        audit: Some(audit.path()),
    };
    let (feeds, impact) = runtime.block_on(async {
        futures::join!(
            gather_all(cloud.read.as_ref(), scope, window, None),
            impact::measure(
                cloud.read.as_ref(),
                &context.env,
                &context.config.project,
                Window {
                    since: incident.started,
                    until: end,
                }
            )
        )
    });
    runtime.shutdown_background();
    let records = if audit.path().exists() {
        audit.read_all().map_err(|e| e.to_string())
    } else {
        Ok(Vec::new())
    };
    let runs = actions::runs(records.as_deref().unwrap_or_default(), &incident, end);
    let evidence = report::evidence_files(audit.path(), &incident);
    let text = report::markdown(&report::Inputs {
        incident: &incident,
        now,
        feeds: &feeds,
        runs: &runs,
        audit_problem: records.as_ref().err().cloned(),
        impact: &impact,
        evidence: &evidence,
    });
    match out {
        Some(path) => {
            if let Err(e) = std::fs::write(&path, &text) {
                return fail(format!("{}: {e}", path.display()));
            }
            eprintln!("wrote {}", path.display());
        }
        None => print!("{}", crate::text::printed(&text)),
    }
    ExitCode::SUCCESS
}
