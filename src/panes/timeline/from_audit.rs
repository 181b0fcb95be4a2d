//! The operators' own actions from the audit log as timeline events: each write's
//! outcome (or, with none, that its outcome is unknown), reconciliations, interrupted
//! calls and each run's verification.

use std::collections::HashSet;

use super::event::{EventKind, Jump, TimelineEvent};
use super::feed::Feed;
use crate::audit::{Record, RecordKind};
use crate::cloud::{Epoch, Window};
use crate::level::Level;

/// The epoch seconds of an RFC 3339 time.
pub fn parse_time(text: &str) -> Option<Epoch> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// Events of `env`'s records inside `window`.
pub fn events(records: &[Record], env: &str, window: Window) -> Vec<TimelineEvent> {
    let finished: HashSet<&str> = records
        .iter()
        .filter(|r| r.kind != RecordKind::Intent)
        .map(|r| r.entry.id.as_str())
        .collect();
    records
        .iter()
        .filter(|r| r.entry.env == env)
        .filter_map(|r| {
            let at = parse_time(&r.time).filter(|t| window.contains(*t))?;
            let e = &r.entry;
            let (text, level) = match r.kind {
                RecordKind::Intent if finished.contains(e.id.as_str()) => return None,
                RecordKind::Intent => (
                    "started, no outcome recorded: UNKNOWN".to_string(),
                    Level::Unknown,
                ),
                RecordKind::Outcome => match (&e.result, &e.error) {
                    (_, Some(err)) => (format!("FAILED: {err}"), Level::Critical),
                    (Some(res), None) => (res.clone(), Level::Ok),
                    (None, None) => ("done".to_string(), Level::Ok),
                },
                RecordKind::Interrupted => {
                    ("interrupted: outcome UNKNOWN".to_string(), Level::Unknown)
                }
                RecordKind::Reconciled => (
                    e.result
                        .clone()
                        .or_else(|| e.error.clone())
                        .unwrap_or_default(),
                    Level::Warning,
                ),
                RecordKind::Verified => match (&e.result, &e.error) {
                    (_, Some(err)) => (format!("verification FAILED: {err}"), Level::Critical),
                    (res, None) => (
                        format!("verified: {}", res.clone().unwrap_or_default()),
                        Level::Ok,
                    ),
                },
            };
            let summary = format!("{} · {}: {text}", e.runbook, e.step);
            let mut ev = TimelineEvent::new(
                at,
                Feed::Operators,
                EventKind::Operator,
                &e.runbook,
                summary,
            )
            .level(level)
            .by(e.caller.clone())
            .with("record", format!("#{} {:?}", r.seq, r.kind).to_lowercase())
            .with("id", &e.id)
            .with("step", &e.step)
            .jump(Jump::Runbooks);
            for (k, v) in &e.params {
                ev = ev.with(&format!("param {k}"), v.clone());
            }
            if let Some(id) = &e.request_id {
                ev = ev.with("request id", id.clone());
            }
            Some(ev)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Entry;

    fn record(seq: u64, kind: RecordKind, id: &str, result: Option<&str>) -> Record {
        Record {
            seq,
            time: format!("2026-09-01T00:0{seq}:00Z"),
            kind,
            entry: Entry {
                id: id.into(),
                env: "prod".into(),
                runbook: "rollback".into(),
                step: "roll back (ecs.rollback)".into(),
                caller: Some("alice".into()),
                result: result.map(str::to_string),
                ..Default::default()
            },
            prev: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn an_intent_with_an_outcome_shows_once_and_one_without_is_unknown() {
        let base = parse_time("2026-09-01T00:00:00Z").unwrap_or_default();
        let w = Window {
            since: base,
            until: base + 3600,
        };
        let rs = vec![
            record(1, RecordKind::Intent, "r/1/a", None),
            record(2, RecordKind::Outcome, "r/1/a", Some("UpdateService :41")),
            record(3, RecordKind::Intent, "r/2/a", None),
            record(
                4,
                RecordKind::Verified,
                "r/verification",
                Some("verify stable: ok"),
            ),
        ];
        let e = events(&rs, "prod", w);
        let s: Vec<&str> = e.iter().map(|e| e.summary.as_str()).collect();
        assert_eq!(
            s,
            vec![
                "rollback · roll back (ecs.rollback): UpdateService :41",
                "rollback · roll back (ecs.rollback): started, no outcome recorded: UNKNOWN",
                "rollback · roll back (ecs.rollback): verified: verify stable: ok",
            ]
        );
        assert_eq!(e[0].actor.as_deref(), Some("alice"));
        assert!(events(&rs, "dev", w).is_empty());
    }
}
