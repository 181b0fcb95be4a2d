//! Prerequisite checks, run before the plan is shown: the caller can act, the
//! service exists, the environment is not protected.

use std::collections::BTreeMap;

use super::super::kinds::StepKind;
use super::super::plan::{CheckResult, RunContext, RunError};
use super::super::value::Value;
use super::ecs_plan::service_of;

/// Run one prerequisite; failures are results, not errors. A read that failed for a
/// transient reason (throttling, network, a server error) leaves the check *unchecked*:
/// "could not check", never a refusal.
pub async fn check(
    ctx: &RunContext,
    kind: StepKind,
    label: &str,
    inputs: &BTreeMap<String, Value>,
) -> CheckResult {
    let mut unchecked = false;
    let mut failed = |transient: bool, e: String| {
        unchecked = transient;
        (false, e)
    };
    let (ok, detail) = match kind {
        StepKind::CheckCaller => match ctx.cloud.read.caller_identity().await {
            Ok(id) if ctx.cloud.is_read_only() => {
                (false, format!("{} — but opsdeck is read-only", id.arn))
            }
            Ok(id) => (true, id.arn),
            Err(e) => failed(e.is_transient(), e.to_string()),
        },
        StepKind::CheckServiceExists => match service_of(ctx, inputs).await {
            Ok(s) => (
                true,
                format!(
                    "{} {} on {}, {}/{} running",
                    s.name,
                    s.status,
                    crate::cloud::last_segment(&s.task_definition),
                    s.running,
                    s.desired
                ),
            ),
            Err(e) => failed(
                matches!(&e, RunError::Cloud(c) if c.is_transient()),
                e.to_string(),
            ),
        },
        StepKind::CheckNotProtected => {
            if ctx.env.protected {
                (
                    false,
                    format!(
                        "{} is protected: this runbook is for unprotected environments only",
                        ctx.env.name
                    ),
                )
            } else {
                (true, format!("{} is not protected", ctx.env.name))
            }
        }
        other => (false, format!("{} is not a check", other.name())),
    };
    CheckResult {
        label: label.to_string(),
        ok,
        detail,
        unchecked,
    }
}
