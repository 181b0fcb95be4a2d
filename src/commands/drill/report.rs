//! The drill debrief in Markdown (renders on GitHub): the score, each fault's time to
//! detect and to mitigate, the expected responses and how they went, wrong or risky
//! actions, what was left undone, and the run's timeline with the fault events beside
//! the operator's actions. Text from files is escaped so no cell breaks a table.

use crate::cloud::Epoch;
use crate::drill::Drill;
use crate::drill::score::Score;
use crate::panes::timeline::render_text::{md_cell, stamp};

/// `T+07:12` relative to the run's start.
fn rel(started: Epoch, t: Epoch) -> String {
    let s = (t - started).max(0);
    format!("T+{:02}:{:02}", s / 60, s % 60)
}

/// `3m 05s`.
fn span(secs: i64) -> String {
    let s = secs.max(0);
    format!("{}m {:02}s", s / 60, s % 60)
}

/// The debrief of `score`, a run of `drill`.
pub fn markdown(drill: &Drill, score: &Score) -> String {
    let mut out = String::new();
    let push = |out: &mut String, line: String| {
        out.push_str(&line);
        out.push('\n');
    };
    push(
        &mut out,
        format!(
            "# Drill debrief: {} (`{}`)\n",
            md_cell(&drill.title),
            md_cell(&drill.name)
        ),
    );
    push(
        &mut out,
        format!("**Score: {} / {}**\n", score.points, score.max),
    );
    push(&mut out, format!("- Run: `{}`", md_cell(&score.run)));
    push(
        &mut out,
        format!(
            "- Simulated account, environment {}, seed {}",
            md_cell(&drill.env),
            score.seed
        ),
    );
    push(
        &mut out,
        format!("- Started: {} (simulated time, UTC)", stamp(score.started)),
    );
    push(
        &mut out,
        match score.ended {
            Some(e) => format!("- Ended: {} ({})", stamp(e), rel(score.started, e)),
            None => "- Ended: not yet (the run is still going or was cut short)".to_string(),
        },
    );
    if !drill.description.is_empty() {
        push(&mut out, format!("\n{}", md_cell(&drill.description)));
    }

    push(&mut out, "\n## Faults\n".into());
    push(
        &mut out,
        "| fault | began | detected (time to detect) | resolved (time to mitigate) | escalated |"
            .into(),
    );
    push(&mut out, "|---|---|---|---|---|".into());
    for f in &score.faults {
        let detected = f.detected.map_or("never".to_string(), |d| {
            format!("{} ({})", rel(score.started, d), span(d - f.onset))
        });
        let resolved = match (f.resolved, &f.resolved_by) {
            (Some(r), Some(by)) => format!(
                "{} ({}) by `{}`",
                rel(score.started, r),
                span(r - f.onset),
                md_cell(by)
            ),
            (Some(r), None) => format!("{} (ended by itself)", rel(score.started, r)),
            (None, _) => "**no**".to_string(),
        };
        let escalated = match (f.escalated, &f.escalation_note) {
            (Some(e), Some(note)) => format!("{}: {}", rel(score.started, e), md_cell(note)),
            (Some(e), None) => rel(score.started, e),
            (None, _) => "no".to_string(),
        };
        push(
            &mut out,
            format!(
                "| **{}** {} ({}, {}) | {} | {} | {} | {} |",
                md_cell(&f.id),
                md_cell(&f.title),
                md_cell(&f.kind),
                md_cell(&f.env),
                rel(score.started, f.onset),
                detected,
                resolved,
                escalated
            ),
        );
    }

    push(&mut out, "\n## Expected response\n".into());
    push(
        &mut out,
        "| for | runbook | environment | parameters | due | verified | points |".into(),
    );
    push(&mut out, "|---|---|---|---|---|---|---|".into());
    for r in &score.responses {
        let e = &r.expected;
        let params = if e.params.is_empty() {
            "any".to_string()
        } else {
            e.params
                .iter()
                .map(|(k, v)| format!("{}={}", md_cell(k), md_cell(v)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let verified = match r.verified {
            Some(v) if r.late() => format!("{} (late)", rel(score.started, v)),
            Some(v) => rel(score.started, v),
            None => "**no**".to_string(),
        };
        push(
            &mut out,
            format!(
                "| {} | `{}` | {} | {} | {} (within {} min) | {} | {} / {} |",
                md_cell(&e.fault),
                md_cell(&e.runbook),
                md_cell(&e.env),
                params,
                rel(score.started, r.due),
                e.within_minutes,
                verified,
                r.points,
                e.points
            ),
        );
    }
    if !drill.wrong.is_empty() {
        push(&mut out, "\nWould be wrong here:\n".into());
        for w in &drill.wrong {
            push(
                &mut out,
                format!(
                    "- `{}`{}: {} (−{})",
                    md_cell(&w.runbook),
                    w.env
                        .as_ref()
                        .map_or(String::new(), |e| format!(" on {}", md_cell(e))),
                    md_cell(&w.reason),
                    w.penalty
                ),
            );
        }
    }

    push(&mut out, "\n## Wrong or risky actions\n".into());
    if score.wrong.is_empty() {
        push(&mut out, "None.".into());
    }
    for w in &score.wrong {
        push(
            &mut out,
            format!(
                "- {} `{}` on {}: {} (−{})",
                rel(score.started, w.at),
                md_cell(&w.runbook),
                md_cell(&w.env),
                md_cell(&w.reason),
                w.penalty
            ),
        );
    }

    push(&mut out, "\n## Left undone\n".into());
    if score.undone.is_empty() {
        push(&mut out, "Nothing.".into());
    }
    for u in &score.undone {
        push(&mut out, format!("- [ ] {}", md_cell(u)));
    }

    push(&mut out, "\n## Timeline\n".into());
    push(&mut out, "| time | faults | operator |".into());
    push(&mut out, "|---|---|---|".into());
    for (t, fault, operator) in timeline(drill, score) {
        push(
            &mut out,
            format!("| {} | {} | {} |", rel(score.started, t), fault, operator),
        );
    }
    out
}

/// The run's events in time order: (when, fault side, operator side), already escaped.
fn timeline(drill: &Drill, score: &Score) -> Vec<(Epoch, String, String)> {
    let mut rows: Vec<(Epoch, u8, String, String)> = Vec::new();
    for f in &score.faults {
        rows.push((
            f.onset,
            0,
            format!("**{}** begins: {}", md_cell(&f.id), md_cell(&f.title)),
            String::new(),
        ));
        if let Some(e) = f.escalated {
            let note = f.escalation_note.as_deref().unwrap_or("");
            rows.push((
                e,
                1,
                format!("**{}** escalates: {}", md_cell(&f.id), md_cell(note)),
                String::new(),
            ));
        }
        if let Some(r) = f.resolved {
            rows.push((
                r,
                3,
                format!("**{}** resolved", md_cell(&f.id)),
                String::new(),
            ));
        }
    }
    for (t, pane) in &score.panes {
        rows.push((*t, 2, String::new(), format!("opened {}", md_cell(pane))));
    }
    for (t, fault) in &score.hints {
        rows.push((*t, 2, String::new(), format!("hint for {}", md_cell(fault))));
    }
    for a in &score.actions {
        rows.push((
            a.at,
            2,
            String::new(),
            format!(
                "`{}` on {}: {}",
                md_cell(&a.runbook),
                md_cell(&a.env),
                md_cell(&a.what)
            ),
        ));
    }
    for w in &score.wrong {
        rows.push((
            w.at,
            2,
            String::new(),
            format!("⚠ wrong: {}", md_cell(&w.reason)),
        ));
    }
    if let Some(end) = score.ended {
        let text = if end - score.started >= drill.duration_minutes * 60 {
            format!("drill ends ({} min)", drill.duration_minutes)
        } else {
            format!(
                "the console was closed (the drill has {} min)",
                drill.duration_minutes
            )
        };
        rows.push((end, 4, text, String::new()));
    }
    rows.sort_by_key(|r| (r.0, r.1));
    rows.into_iter().map(|(t, _, f, o)| (t, f, o)).collect()
}
