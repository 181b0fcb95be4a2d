//! Planning the incident runbooks' remaining steps: `sns.notify` (a message naming the
//! runbook, environment, caller and non-secret parameters), `sts.break_glass` (AssumeRole
//! with MFA; the code never appears in the plan, inputs or audit), `logs.export_errors`
//! (the last hour of error logs into an evidence file next to the audit log) and `note`
//! (a manual checklist item). Reads nothing from the cloud.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::super::kinds::StepKind;
use super::super::plan::{Action, PlannedStep, RunContext, RunError};
use super::super::value::Value;
use super::data_plan::stamp;
use super::incident_action::IncidentAction;
use super::inputs::text;
use crate::cloud::{BreakGlassRequest, Redacted, last_segment};

type Inputs = BTreeMap<String, Value>;

/// The filter pattern of the evidence export (the platform logs `ERROR` lines).
pub const ERROR_PATTERN: &str = "ERROR";

/// Who is running what, for messages and names.
pub struct NotifyScope<'a> {
    pub runbook: &'a str,
    pub run_id: &'a str,
    pub caller: Option<&'a str>,
    /// Parameters as the audit log shows them (secrets redacted).
    pub params: &'a BTreeMap<String, String>,
}

/// An STS role session name: `[\w+=,.@-]`, 2–64 characters.
pub fn session_name(caller: Option<&str>, incident: Option<&str>) -> String {
    let who = last_segment(caller.unwrap_or("opsdeck"));
    let raw = format!("{who}-{}", incident.unwrap_or("no-incident"));
    let mut s = super::sanitize::restrict(
        &raw,
        |c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c),
        '-',
        64,
    );
    while s.len() < 2 {
        s.push('-');
    }
    s
}

/// The SNS subject and message for `event`.
pub fn alert_text(ctx: &RunContext, scope: &NotifyScope<'_>, event: &str) -> (String, String) {
    let subject: String = format!("[opsdeck] {}: {} — {event}", ctx.env.name, scope.runbook)
        .chars()
        .take(100)
        .collect();
    let params: Vec<String> = scope
        .params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let message = format!(
        "{event}\nenvironment: {}{}\nrunbook: {} (run {})\nby: {}\nparameters: {}\n",
        ctx.env.name,
        if ctx.env.protected {
            " (PRODUCTION / protected)"
        } else {
            ""
        },
        scope.runbook,
        scope.run_id,
        scope.caller.unwrap_or("unknown caller"),
        if params.is_empty() {
            "none".to_string()
        } else {
            params.join(", ")
        }
    );
    (subject, message)
}

/// A name that becomes one path component: letters, digits, `.`, `_`, `-`, at most 64,
/// and not `.` or `..` (validated, not cleaned: `..` must never climb out of a directory).
pub fn path_part<'a>(what: &str, value: &'a str) -> Result<&'a str, String> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value != "."
        && value != ".."
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(value)
    } else {
        Err(format!(
            "{what} {:?} cannot name a directory: use 1–64 letters, digits, '.', '_' or '-' (not '.' or '..')",
            value.chars().take(64).collect::<String>()
        ))
    }
}

/// Where `logs.export_errors` writes: `evidence/<env>/<incident>/errors-<stamp>.log`
/// next to the audit log.
pub fn evidence_path(ctx: &RunContext, incident: Option<&str>, at: i64) -> Result<PathBuf, String> {
    let base = ctx
        .audit
        .path()
        .parent()
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    let incident = path_part("incident id", incident.unwrap_or("manual"))?;
    let env = path_part("environment name", &ctx.env.name)?;
    Ok(base
        .join("evidence")
        .join(env)
        .join(incident)
        .join(format!("errors-{}.log", stamp(at))))
}

/// Plan `sns.notify`, `sts.break_glass`, `logs.export_errors` or `note`.
pub fn plan(
    ctx: &RunContext,
    kind: StepKind,
    label: &str,
    inputs: &Inputs,
    scope: &NotifyScope<'_>,
) -> Result<PlannedStep, RunError> {
    let mut p = PlannedStep::new(kind, label, inputs);
    match kind {
        StepKind::SnsNotify => {
            let event = text(inputs, "event").unwrap_or_default();
            let Some(topic) = text(inputs, "topic") else {
                p.calls.push(format!(
                    "nothing to do: {} has no alert_topic_arn configured",
                    ctx.env.name
                ));
                p.warnings
                    .push("tell the incident channel by hand: nothing will be published".into());
                return Ok(p);
            };
            let (subject, message) = alert_text(ctx, scope, &event);
            p.calls.push(format!(
                "sns:Publish TopicArn={topic} Subject=\"{subject}\""
            ));
            p.calls.extend(message.lines().map(|l| format!("  | {l}")));
            p.action = Some(Action::Incident(IncidentAction::Publish {
                topic,
                subject,
                message,
            }));
        }
        StepKind::StsBreakGlass => {
            p.inputs.remove("token");
            let missing = |what: &str| {
                RunError::Refused(format!(
                    "{} has no {what} configured: add it under [environments.{}]",
                    ctx.env.name, ctx.env.name
                ))
            };
            let role_arn =
                text(inputs, "role_arn").ok_or_else(|| missing("break_glass_role_arn"))?;
            let mfa_serial = text(inputs, "mfa_serial").ok_or_else(|| missing("mfa_serial"))?;
            let token = super::inputs::secret(inputs, "token").unwrap_or_default().0;
            if token.len() != 6 || !token.chars().all(|c| c.is_ascii_digit()) {
                return Err(RunError::Refused(
                    "the MFA code must be the 6 digits your device shows".into(),
                ));
            }
            let minutes = match inputs.get("duration") {
                Some(Value::Int(m)) => *m,
                _ => 30,
            };
            if !(15..=60).contains(&minutes) {
                return Err(RunError::Refused(format!(
                    "duration {minutes} min is outside 15–60 min"
                )));
            }
            let incident = text(inputs, "incident");
            let session = session_name(scope.caller, incident.as_deref());
            p.calls.push(format!(
                "sts:AssumeRole RoleArn={role_arn} RoleSessionName={session} SerialNumber={mfa_serial} TokenCode=<redacted> DurationSeconds={}",
                minutes * 60
            ));
            p.warnings.push(format!(
                "the session's credentials stay in opsdeck's memory only; the console acts as the role for {minutes} min, then drops them (quitting drops them too)"
            ));
            p.action = Some(Action::Incident(IncidentAction::AssumeRole(
                BreakGlassRequest {
                    role_arn,
                    mfa_serial,
                    token_code: Redacted(token),
                    session_name: session,
                    duration_seconds: (minutes * 60) as i32,
                },
            )));
        }
        StepKind::LogsExportErrors => {
            let minutes = match inputs.get("minutes") {
                Some(Value::Int(m)) if *m > 0 => (*m).min(24 * 60),
                _ => 60,
            };
            let incident = text(inputs, "incident");
            let path = evidence_path(ctx, incident.as_deref(), ctx.cloud.read.metrics_now())
                .map_err(RunError::Refused)?;
            let groups = ctx.env.log_groups.clone();
            p.calls.push(format!(
                "logs:FilterLogEvents {} for the last {minutes} min, pattern \"{ERROR_PATTERN}\" → {} (mode 0600; count and SHA-256 go to the audit log)",
                groups.join(", "),
                path.display()
            ));
            p.action = Some(Action::Incident(IncidentAction::ExportLogs {
                groups,
                minutes,
                pattern: ERROR_PATTERN.into(),
                path,
            }));
        }
        StepKind::Note => {
            p.calls.push(format!(
                "manual: {}",
                text(inputs, "text").unwrap_or_default()
            ));
        }
        other => {
            return Err(RunError::Refused(format!(
                "{} is not a notify step",
                other.name()
            )));
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    #[test]
    fn path_parts_are_validated_not_cleaned() {
        for bad in [
            "..",
            ".",
            "",
            "a/b",
            "../x",
            "a b",
            "INC\u{1b}[2J",
            &"x".repeat(65),
        ] {
            assert!(super::path_part("incident id", bad).is_err(), "{bad:?}");
        }
        for good in ["INC-123", "manual", "2026.12.02_a"] {
            assert_eq!(super::path_part("incident id", good), Ok(good));
        }
    }

    use super::*;

    #[test]
    fn session_names_follow_sts_rules() {
        assert_eq!(
            session_name(
                Some("arn:aws:sts::1:assumed-role/OnCall/oncall@example.com"),
                Some("INC 812")
            ),
            "oncall@example.com-INC-812"
        );
        assert_eq!(session_name(None, None), "opsdeck-no-incident");
        assert_eq!(session_name(Some(&"a".repeat(80)), None).len(), 64);
    }
}
