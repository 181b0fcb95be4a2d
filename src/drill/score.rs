//! Scoring a run of a drill from its journal (panes opened, how each fault ended) and the
//! audit log (the operator's writes and each run's verification): time to detect, time
//! to mitigate, wrong or risky actions, and what was left undone.

use std::collections::BTreeMap;

use super::journal::JournalRecord;
use super::model::{Drill, Expected, WRONG_ENV_PENALTY};
use crate::audit::{Record, RecordKind};
use crate::cloud::Epoch;

/// How one fault went.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultResult {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub env: String,
    pub onset: Epoch,
    /// The first time the operator looked at the pane that shows it, at or after its
    /// onset (its onset when that pane was open when it began).
    pub detected: Option<Epoch>,
    pub escalated: Option<Epoch>,
    pub resolved: Option<Epoch>,
    pub resolved_by: Option<String>,
    pub escalation_note: Option<String>,
}

/// How one expected response went.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseResult {
    pub expected: Expected,
    /// When the run was verified, if it was.
    pub verified: Option<Epoch>,
    /// Minutes after the fault's onset it was due by.
    pub due: Epoch,
    pub points: u32,
}

impl ResponseResult {
    /// Verified, but after its deadline.
    pub fn late(&self) -> bool {
        self.verified.is_some_and(|v| v > self.due)
    }
}

/// A write the drill counts against the operator.
#[derive(Debug, Clone, PartialEq)]
pub struct WrongAction {
    pub at: Epoch,
    pub runbook: String,
    pub env: String,
    pub reason: String,
    pub penalty: u32,
}

/// One of the operator's actions, from the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub at: Epoch,
    pub env: String,
    pub runbook: String,
    pub what: String,
}

/// The whole debrief's facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub run: String,
    pub started: Epoch,
    pub ended: Option<Epoch>,
    pub seed: u64,
    pub speed: f64,
    pub faults: Vec<FaultResult>,
    pub responses: Vec<ResponseResult>,
    pub wrong: Vec<WrongAction>,
    pub actions: Vec<Action>,
    pub panes: Vec<(Epoch, String)>,
    pub hints: Vec<(Epoch, String)>,
    pub points: u32,
    pub max: u32,
    pub undone: Vec<String>,
}

/// How a fault stood at the end: escalated, resolved, by what.
type Outcome = (Option<Epoch>, Option<Epoch>, Option<String>);

/// An audit record's time in Unix seconds.
pub fn record_time(r: &Record) -> Option<Epoch> {
    time::OffsetDateTime::parse(&r.time, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// The run id of an audit record (`<run id>/<step>/<call>`).
fn run_of(r: &Record) -> &str {
    r.entry.id.split('/').next().unwrap_or_default()
}

fn params_match(expected: &BTreeMap<String, String>, got: &BTreeMap<String, String>) -> bool {
    expected
        .iter()
        .all(|(k, v)| got.get(k).is_some_and(|g| v == "*" || g == v))
}

/// Scores `drill`'s run from its journal and the audit records written during it.
pub fn score(drill: &Drill, journal: &[JournalRecord], audit: &[Record]) -> Score {
    let (run, started, seed, speed, audit_seq) = journal
        .iter()
        .find_map(|r| match r {
            JournalRecord::Start {
                run,
                started,
                seed,
                speed,
                audit_seq,
                ..
            } => Some((run.clone(), *started, *seed, *speed, *audit_seq)),
            _ => None,
        })
        .unwrap_or_default();
    let ended = journal.iter().rev().find_map(|r| match r {
        JournalRecord::End { at } => Some(*at),
        _ => None,
    });
    let panes: Vec<(Epoch, String)> = journal
        .iter()
        .filter_map(|r| match r {
            JournalRecord::Pane { at, pane } => Some((*at, pane.clone())),
            _ => None,
        })
        .collect();
    let hints: Vec<(Epoch, String)> = journal
        .iter()
        .filter_map(|r| match r {
            JournalRecord::Hint { at, fault } => Some((*at, fault.clone())),
            _ => None,
        })
        .collect();
    let outcomes: BTreeMap<&str, Outcome> = journal
        .iter()
        .filter_map(|r| match r {
            JournalRecord::Outcome {
                fault,
                escalated,
                resolved,
                resolved_by,
                ..
            } => Some((fault.as_str(), (*escalated, *resolved, resolved_by.clone()))),
            _ => None,
        })
        .collect();
    let until = ended.unwrap_or(Epoch::MAX);
    let records: Vec<(&Record, Epoch)> = audit
        .iter()
        .filter(|r| r.seq > audit_seq)
        .filter_map(|r| record_time(r).map(|t| (r, t)))
        .filter(|(_, t)| *t >= started && *t <= until)
        .collect();

    let faults: Vec<FaultResult> = drill
        .faults
        .iter()
        .map(|f| {
            let onset = started + f.sim.at;
            // Already on the pane when it began counts from the onset.
            let showing = panes
                .iter()
                .rev()
                .find(|(at, _)| *at < onset)
                .is_some_and(|(_, pane)| *pane == f.detect_pane);
            let detected = if showing {
                Some(onset)
            } else {
                panes
                    .iter()
                    .find(|(at, pane)| *at >= onset && *pane == f.detect_pane)
                    .map(|(at, _)| *at)
            };
            let (escalated, resolved, by) =
                outcomes.get(f.sim.id.as_str()).cloned().unwrap_or_default();
            FaultResult {
                id: f.sim.id.clone(),
                title: f.title.clone(),
                kind: f.sim.kind.name().to_string(),
                env: f.sim.env.clone(),
                onset,
                detected,
                escalated,
                resolved,
                resolved_by: by,
                escalation_note: f.sim.escalation.as_ref().map(|e| e.note.clone()),
            }
        })
        .collect();

    let responses: Vec<ResponseResult> = drill
        .expected
        .iter()
        .map(|e| {
            let onset = drill
                .fault(&e.fault)
                .map_or(started, |f| started + f.sim.at);
            let due = onset + e.within_minutes * 60;
            let verified = records
                .iter()
                .find(|(r, t)| {
                    r.kind == RecordKind::Verified
                        && r.entry.error.is_none()
                        && r.entry.runbook == e.runbook
                        && r.entry.env == e.env
                        && *t >= onset
                        && params_match(&e.params, &r.entry.params)
                })
                .map(|(_, t)| *t);
            let points = match verified {
                Some(v) if v <= due => e.points,
                Some(_) => e.points / 2,
                None => 0,
            };
            ResponseResult {
                expected: e.clone(),
                verified,
                due,
                points,
            }
        })
        .collect();

    // Each run's first write decides whether the run was wrong.
    let envs = drill.envs();
    let mut wrong = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (r, t) in records.iter().filter(|(r, _)| r.kind == RecordKind::Intent) {
        let run = run_of(r);
        if seen.contains(&run) {
            continue;
        }
        seen.push(run);
        if !envs.contains(&r.entry.env) {
            wrong.push(WrongAction {
                at: *t,
                runbook: r.entry.runbook.clone(),
                env: r.entry.env.clone(),
                reason: format!(
                    "a write on {}, which this drill does not involve ({})",
                    r.entry.env,
                    envs.join(", ")
                ),
                penalty: WRONG_ENV_PENALTY,
            });
            continue;
        }
        if let Some(w) = drill.wrong.iter().find(|w| {
            w.runbook == r.entry.runbook && w.env.as_ref().is_none_or(|e| *e == r.entry.env)
        }) {
            wrong.push(WrongAction {
                at: *t,
                runbook: r.entry.runbook.clone(),
                env: r.entry.env.clone(),
                reason: w.reason.clone(),
                penalty: w.penalty,
            });
        }
    }

    let actions: Vec<Action> = records
        .iter()
        .filter(|(r, _)| {
            matches!(
                r.kind,
                RecordKind::Outcome | RecordKind::Verified | RecordKind::Reconciled
            )
        })
        .map(|(r, t)| Action {
            at: *t,
            env: r.entry.env.clone(),
            runbook: r.entry.runbook.clone(),
            what: match (&r.kind, &r.entry.result, &r.entry.error) {
                (RecordKind::Verified, _, None) => "verified".to_string(),
                (RecordKind::Verified, _, Some(e)) => format!("verification FAILED: {e}"),
                (_, _, Some(e)) => format!("{}: FAILED {e}", r.entry.step),
                (_, Some(ok), None) => format!("{}: {ok}", r.entry.step),
                (_, None, None) => r.entry.step.clone(),
            },
        })
        .collect();

    let earned: u32 = responses.iter().map(|r| r.points).sum();
    let penalties: u32 = wrong.iter().map(|w| w.penalty).sum();
    let mut undone = Vec::new();
    for r in &responses {
        match r.verified {
            None => undone.push(format!(
                "{} on {} (for {}) was not run to a verified end",
                r.expected.runbook, r.expected.env, r.expected.fault
            )),
            Some(_) if r.late() => undone.push(format!(
                "{} on {} (for {}) was verified after its {}-minute deadline",
                r.expected.runbook, r.expected.env, r.expected.fault, r.expected.within_minutes
            )),
            Some(_) => {}
        }
    }
    for f in &faults {
        if f.resolved.is_none() {
            undone.push(format!(
                "fault {} ({}) was still active at the end",
                f.id, f.title
            ));
        }
        if f.detected.is_none() {
            undone.push(format!(
                "fault {} was never looked at (its pane was not opened after it began)",
                f.id
            ));
        }
    }
    Score {
        run,
        started,
        ended,
        seed,
        speed,
        faults,
        responses,
        wrong,
        actions,
        panes,
        hints,
        points: earned.saturating_sub(penalties),
        max: drill.max_points(),
        undone,
    }
}
