//! The postmortem's Markdown: the seed's incident procedure (§5.7.3) as sections, every
//! AWS-provided text escaped for GitHub, unknown values written as unknown.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::actions::Run;
use super::impact::Impact;
use crate::cloud::{CloudResult, Epoch};
use crate::incidents::Incident;
use crate::panes::timeline::event::EventKind;
use crate::panes::timeline::feed::Feed;
use crate::panes::timeline::gather::FeedAnswer;
use crate::panes::timeline::merged::merge;
use crate::panes::timeline::render_text::{
    feed_problems, markdown as timeline_table, md_cell, stamp,
};
use crate::panes::timeline::suspect;

/// An evidence file and its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub path: PathBuf,
    pub sha256: Result<String, String>,
    pub bytes: u64,
}

/// Everything the report is written from.
#[derive(Debug)]
pub struct Inputs<'a> {
    pub incident: &'a Incident,
    pub now: Epoch,
    pub feeds: &'a BTreeMap<Feed, CloudResult<FeedAnswer>>,
    pub runs: &'a [Run],
    pub audit_problem: Option<String>,
    pub impact: &'a Impact,
    pub evidence: &'a [Evidence],
}

/// The evidence runbooks wrote for this incident: `evidence/<env>/<incident>/` beside
/// the audit log, and the audit log itself.
pub fn evidence_files(audit: &Path, incident: &Incident) -> Vec<Evidence> {
    let base = audit
        .parent()
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    let dir = base.join("evidence").join(&incident.env).join(&incident.id);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    if audit.exists() {
        paths.push(audit.to_path_buf());
    }
    paths
        .into_iter()
        .map(|path| {
            let read = std::fs::read(&path);
            Evidence {
                bytes: read.as_ref().map_or(0, |b| b.len() as u64),
                sha256: read
                    .map(|b| hex::encode(Sha256::digest(&b)))
                    .map_err(|e| e.to_string()),
                path,
            }
        })
        .collect()
}

fn number(v: &Result<f64, String>, unit: &str) -> String {
    match v {
        Ok(n) if unit.is_empty() => format!("{n:.0}"),
        Ok(n) => format!("{n:.0} {unit}"),
        Err(e) => format!("unknown ({})", md_cell(e)),
    }
}

fn duration(secs: i64) -> String {
    let s = secs.max(0);
    if s >= 3600 {
        format!("{}h {:02}m", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}m {:02}s", s / 60, s % 60)
    }
}

/// The report.
pub fn markdown(i: &Inputs) -> String {
    let inc = i.incident;
    let end = inc.ended.unwrap_or(i.now);
    let events = merge(
        i.feeds
            .iter()
            .filter_map(|(f, r)| r.as_ref().ok().map(|a| (*f, a.events.as_slice()))),
    );
    let found = suspect::find(&events);
    let first_alarm = events.iter().find(|e| e.kind == EventKind::AlarmRaised);
    let mut md = String::new();
    md.push_str(&format!(
        "# Postmortem: {} ({})\n\n",
        md_cell(&inc.id),
        md_cell(&inc.env)
    ));
    md.push_str(&format!(
        "_Written by opsdeck at {} UTC from the incident log, the audit log and the environment's AWS records. All times UTC._\n\n",
        stamp(i.now)
    ));

    md.push_str("## Summary\n\n");
    md.push_str(&format!("- **Environment:** {}\n", md_cell(&inc.env)));
    md.push_str(&format!(
        "- **Opened:** {} by {} ({})\n",
        stamp(inc.started),
        md_cell(inc.opened_by.as_deref().unwrap_or("unknown")),
        md_cell(&inc.opened_via)
    ));
    match inc.ended {
        Some(t) => md.push_str(&format!(
            "- **Closed:** {} — open for {}\n",
            stamp(t),
            duration(t - inc.started)
        )),
        None => md.push_str(&format!(
            "- **Closed:** still open at {} ({} so far)\n",
            stamp(i.now),
            duration(i.now - inc.started)
        )),
    }
    match &found {
        Some(s) => md.push_str(&format!("- **Suspect change:** {}\n", md_cell(&s.evidence))),
        None => md.push_str(
            "- **Suspect change:** none found (no alarm after a change in the readable feeds)\n",
        ),
    }
    let verified = i.runs.iter().filter(|r| r.outcome() == "verified").count();
    md.push_str(&format!(
        "- **Response:** {} runbook run(s), {} verified\n\n",
        i.runs.len(),
        verified
    ));

    md.push_str("## Detection\n\n");
    match first_alarm {
        Some(a) => {
            md.push_str(&format!(
                "- First alarm: `{}` went to ALARM at {}",
                md_cell(&a.resource).replace('`', ""),
                stamp(a.at)
            ));
            if let Some(s) = &found {
                let c = &events[s.change];
                md.push_str(&format!(
                    ", {} after the suspect change",
                    duration(a.at - c.at)
                ));
            }
            md.push_str(&format!(
                ".\n- The incident was opened {} {} the first alarm.\n\n",
                duration((inc.started - a.at).abs()),
                if inc.started >= a.at {
                    "after"
                } else {
                    "before"
                }
            ));
        }
        None => md
            .push_str("- No alarm went to ALARM in the readable alarm history of this window.\n\n"),
    }

    md.push_str(&format!(
        "## Timeline\n\nFrom {} (an hour before the incident opened) to {}.\n\n",
        stamp(inc.started - super::LEAD),
        stamp(end)
    ));
    md.push_str(&timeline_table(&events, found.as_ref().map(|s| s.change)));
    let problems = feed_problems(i.feeds);
    if !problems.is_empty() {
        md.push_str("\nNot in this timeline (unknown, not empty):\n\n");
        for p in &problems {
            md.push_str(&format!("- {}\n", md_cell(p)));
        }
    }
    md.push('\n');

    md.push_str("## Containment, eradication and recovery\n\n");
    if let Some(p) = &i.audit_problem {
        md.push_str(&format!(
            "The audit log could not be read: {}. Actions are unknown.\n\n",
            md_cell(p)
        ));
    } else if i.runs.is_empty() {
        md.push_str("No runbook run was recorded for this incident.\n\n");
    } else {
        md.push_str(
            "| Time | Who | Runbook | Step | Outcome | Detail |\n|---|---|---|---|---|---|\n",
        );
        for r in i.runs {
            for s in &r.steps {
                md.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} |\n",
                    stamp(s.at),
                    md_cell(r.caller.as_deref().unwrap_or("unknown")),
                    md_cell(&r.runbook),
                    md_cell(&s.step),
                    md_cell(&s.status),
                    md_cell(&s.detail)
                ));
            }
        }
        md.push('\n');
        for r in i.runs {
            md.push_str(&format!(
                "- `{}` run `{}` by {}: **{}**\n",
                md_cell(&r.runbook).replace('`', ""),
                md_cell(&r.run_id).replace('`', ""),
                md_cell(r.caller.as_deref().unwrap_or("unknown")),
                r.outcome()
            ));
        }
        md.push('\n');
    }

    md.push_str("## Impact\n\n");
    md.push_str(&format!(
        "Over the incident window ({} to {}):\n\n",
        stamp(inc.started),
        stamp(end)
    ));
    let imp = i.impact;
    md.push_str(&format!("- Requests: {}\n", number(&imp.requests, "")));
    md.push_str(&format!(
        "- 5xx responses: {}\n",
        number(&imp.errors_5xx, "")
    ));
    let rate = match (&imp.requests, &imp.errors_5xx) {
        (Ok(r), Ok(e)) if *r > 0.0 => format!("{:.2}%", e / r * 100.0),
        (Ok(_), Ok(_)) => "unknown (no requests)".to_string(),
        _ => "unknown (needs both counts)".to_string(),
    };
    md.push_str(&format!("- 5xx rate: {rate}\n"));
    md.push_str(&format!(
        "- p99 latency, worst minute: {}\n",
        number(&imp.p99_worst_ms, "ms")
    ));
    md.push_str(&format!(
        "- Error lines in the application logs: {}\n\n",
        number(&imp.log_errors, "")
    ));

    md.push_str("## Evidence\n\n");
    if i.evidence.is_empty() {
        md.push_str("No evidence files were written for this incident.\n\n");
    } else {
        md.push_str("| File | Bytes | SHA-256 |\n|---|---|---|\n");
        for e in i.evidence {
            md.push_str(&format!(
                "| {} | {} | {} |\n",
                md_cell(&e.path.display().to_string()),
                e.bytes,
                match &e.sha256 {
                    Ok(h) => format!("`{h}`"),
                    Err(err) => format!("unreadable: {}", md_cell(err)),
                }
            ));
        }
        md.push('\n');
    }

    md.push_str("## Follow-ups\n\n");
    let mut follow = Vec::new();
    if let Some(s) = &found {
        follow.push(format!(
            "Find out why the suspect change failed before it is made again: {}",
            md_cell(&s.evidence)
        ));
    }
    for r in i.runs {
        if matches!(r.outcome(), "UNKNOWN" | "FAILED" | "verification FAILED") {
            follow.push(format!(
                "Run `{}` (`{}`) ended {}: check the resource's state by hand",
                md_cell(&r.runbook).replace('`', ""),
                md_cell(&r.run_id).replace('`', ""),
                r.outcome()
            ));
        }
    }
    for p in &problems {
        follow.push(format!("Read what this report could not: {}", md_cell(p)));
    }
    if inc.ended.is_none() {
        follow.push(format!(
            "Close the incident when it is over (`:incident end` on {})",
            md_cell(&inc.env)
        ));
    }
    follow.push("Review the alarm thresholds that fired against the seed's (§10)".into());
    for f in follow {
        md.push_str(&format!("- [ ] {f}\n"));
    }
    md
}
