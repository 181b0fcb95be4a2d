//! The responders' actions for a postmortem: the audit log's runbook runs that belong to
//! an incident (its `incident` parameter, or made on its environment while it was open),
//! each with its steps' outcomes and its verification.

use std::collections::BTreeMap;

use crate::audit::{Record, RecordKind};
use crate::cloud::Epoch;
use crate::incidents::Incident;
use crate::panes::timeline::from_audit::parse_time;

/// One step's outcome in a run.
#[derive(Debug, Clone, PartialEq)]
pub struct StepOutcome {
    pub at: Epoch,
    pub step: String,
    /// `ok`, `FAILED`, `UNKNOWN`, `reconciled` or `verified`.
    pub status: String,
    pub detail: String,
}

/// One runbook run.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub run_id: String,
    pub runbook: String,
    pub caller: Option<String>,
    pub started: Epoch,
    pub steps: Vec<StepOutcome>,
    /// `Some(true)` verified, `Some(false)` verification failed, `None` not recorded.
    pub verified: Option<bool>,
}

impl Run {
    /// The run's outcome in a word.
    pub fn outcome(&self) -> &'static str {
        if self.steps.iter().any(|s| s.status == "FAILED") {
            "FAILED"
        } else if self.steps.iter().any(|s| s.status == "UNKNOWN") {
            "UNKNOWN"
        } else {
            match self.verified {
                Some(true) => "verified",
                Some(false) => "verification FAILED",
                None => "done, not verified",
            }
        }
    }
}

/// The runs of `incident` (ended at `end`), oldest first.
pub fn runs(records: &[Record], incident: &Incident, end: Epoch) -> Vec<Run> {
    let mut finished: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for r in records.iter().filter(|r| r.kind != RecordKind::Intent) {
        finished.insert(r.entry.id.as_str());
    }
    let mut runs: BTreeMap<String, Run> = BTreeMap::new();
    for r in records {
        let e = &r.entry;
        let Some(at) = parse_time(&r.time) else {
            continue;
        };
        let tagged = e.params.get("incident").is_some_and(|i| *i == incident.id);
        let during = e.env == incident.env && at >= incident.started && at <= end;
        if !(tagged || during) {
            continue;
        }
        let run_id = e.id.split('/').next().unwrap_or(&e.id).to_string();
        let run = runs.entry(run_id.clone()).or_insert_with(|| Run {
            run_id,
            runbook: e.runbook.clone(),
            caller: e.caller.clone(),
            started: at,
            steps: Vec::new(),
            verified: None,
        });
        let (status, detail) = match r.kind {
            RecordKind::Intent if finished.contains(e.id.as_str()) => continue,
            RecordKind::Intent => ("UNKNOWN", "no outcome recorded".to_string()),
            RecordKind::Outcome => match (&e.result, &e.error) {
                (_, Some(err)) => ("FAILED", err.clone()),
                (res, None) => ("ok", res.clone().unwrap_or_default()),
            },
            RecordKind::Interrupted => ("UNKNOWN", "interrupted before its outcome".to_string()),
            RecordKind::Reconciled => (
                "reconciled",
                e.result
                    .clone()
                    .or_else(|| e.error.clone())
                    .unwrap_or_default(),
            ),
            RecordKind::Verified => {
                run.verified = Some(e.error.is_none());
                match (&e.result, &e.error) {
                    (_, Some(err)) => ("verification FAILED", err.clone()),
                    (res, None) => ("verified", res.clone().unwrap_or_default()),
                }
            }
        };
        run.steps.push(StepOutcome {
            at,
            step: e.step.clone(),
            status: status.to_string(),
            detail,
        });
    }
    let mut out: Vec<Run> = runs.into_values().collect();
    out.sort_by_key(|r| r.started);
    out
}
