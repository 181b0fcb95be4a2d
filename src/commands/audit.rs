//! `opsdeck audit show [--env E] [--since WHEN] [--json]` and `opsdeck audit verify`.

use std::process::ExitCode;

use super::context::EXIT_ERROR;
use crate::audit::{AuditLog, Record};
use crate::cli::{AuditCommand, GlobalArgs};

/// Dispatch an audit subcommand.
pub fn run(global: &GlobalArgs, cmd: AuditCommand) -> ExitCode {
    let log = AuditLog::for_mode(global.demo);
    match cmd {
        AuditCommand::Verify => match log.verify() {
            Ok(n) => {
                println!("{}: {n} records, hash chain intact", log.path().display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("opsdeck: audit log FAILED verification: {e}");
                ExitCode::from(1)
            }
        },
        AuditCommand::Show { since, json } => {
            let cutoff = match since.as_deref().map(parse_since) {
                Some(Ok(t)) => Some(t),
                Some(Err(e)) => {
                    eprintln!("opsdeck: --since: {e}");
                    return ExitCode::from(EXIT_ERROR);
                }
                None => None,
            };
            let env = match global.single_env() {
                Ok(env) => env,
                Err(e) => {
                    eprintln!("opsdeck: {e}");
                    return ExitCode::from(EXIT_ERROR);
                }
            };
            let records = match log.read_all() {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("opsdeck: {}", crate::text::one_line(&e.to_string()));
                    return ExitCode::from(EXIT_ERROR);
                }
            };
            for r in records.iter().filter(|r| keep(r, env, cutoff)) {
                if json {
                    let text = serde_json::to_string(r).unwrap_or_default();
                    println!("{}", crate::text::json_printed(&text));
                } else {
                    println!("{}", crate::text::one_line(&line(r)));
                }
            }
            ExitCode::SUCCESS
        }
    }
}

fn keep(r: &Record, env: Option<&str>, cutoff: Option<time::OffsetDateTime>) -> bool {
    let env_ok = env.is_none_or(|e| r.entry.env == e);
    let time_ok = cutoff.is_none_or(|c| {
        time::OffsetDateTime::parse(&r.time, &time::format_description::well_known::Rfc3339)
            .is_ok_and(|t| t >= c)
    });
    env_ok && time_ok
}

/// One record as a line of text.
pub fn line(r: &Record) -> String {
    let what = r
        .entry
        .error
        .as_deref()
        .map(|e| format!("ERROR {e}"))
        .or_else(|| r.entry.result.clone())
        .unwrap_or_else(|| r.entry.plan.join("; "));
    let who = r
        .entry
        .caller
        .as_deref()
        .map(|c| format!(" by {c}"))
        .unwrap_or_default();
    let incident = r
        .entry
        .params
        .get("incident")
        .filter(|i| !i.is_empty())
        .map(|i| format!(" [{i}]"))
        .unwrap_or_default();
    format!(
        "{} #{} {:<11} {:<8} {:<12} {} — {}{}{who}{incident}",
        r.time,
        r.seq,
        format!("{:?}", r.kind).to_lowercase(),
        r.entry.env,
        r.entry.runbook,
        r.entry.step,
        what,
        r.entry
            .request_id
            .as_deref()
            .map(|id| format!(" (request {id})"))
            .unwrap_or_default()
    )
}

/// `30m`, `12h`, `7d` ago, or an RFC 3339 time.
pub fn parse_since(s: &str) -> Result<time::OffsetDateTime, String> {
    if let Ok(t) = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
        return Ok(t);
    }
    let (num, unit) = s.split_at(s.len().saturating_sub(1));
    let n: i64 = num
        .parse()
        .map_err(|_| format!("{s:?}: expected e.g. 30m, 12h, 7d or an RFC 3339 time"))?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86400,
        _ => return Err(format!("{s:?}: unit must be s, m, h or d")),
    };
    Ok(time::OffsetDateTime::now_utc() - time::Duration::seconds(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_names_the_caller_and_the_incident() {
        let mut params = std::collections::BTreeMap::new();
        params.insert("incident".to_string(), "INC-812".to_string());
        let r = Record {
            seq: 1,
            time: "2026-09-01T00:00:00Z".into(),
            kind: crate::audit::RecordKind::Intent,
            entry: crate::audit::Entry {
                env: "prod".into(),
                runbook: "rollback".into(),
                step: "ecs.rollback".into(),
                caller: Some("arn:aws:sts::3:assumed-role/OnCall/alice".into()),
                params,
                ..Default::default()
            },
            prev: String::new(),
            hash: String::new(),
        };
        let l = line(&r);
        assert!(
            l.contains("by arn:aws:sts::3:assumed-role/OnCall/alice"),
            "{l}"
        );
        assert!(l.contains("[INC-812]"), "{l}");
    }

    #[test]
    fn since_parses_durations_and_times() {
        assert!(parse_since("30m").is_ok());
        assert!(parse_since("2026-11-22T10:00:00Z").is_ok());
        assert!(parse_since("soon").is_err());
        assert!(parse_since("5w").is_err());
    }
}
