//! Verification of the incident runbooks: a secret's rotation finished (no `AWSPENDING`,
//! `LastRotatedDate` moved), every service that injects it is steady again, and an
//! isolated task sits only in the quarantine group and in no target group.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::super::kinds::StepKind;
use super::super::plan::{RunContext, RunEvent};
use super::super::value::Value;
use super::inputs::text;
use super::secret_plan::{CURRENT_BEFORE, EXPECT_CURRENT, ROTATED_BEFORE, users, when};
use super::task_facts::gather;

type Inputs = BTreeMap<String, Value>;

fn timeout(inputs: &Inputs) -> Duration {
    match inputs.get("timeout") {
        Some(Value::Int(s)) if *s > 0 => Duration::from_secs(*s as u64),
        _ => Duration::from_secs(600),
    }
}

/// What the step checks, for the plan.
pub fn describe(kind: StepKind, inputs: &Inputs) -> Vec<String> {
    let secret = text(inputs, "secret").unwrap_or_default();
    match kind {
        StepKind::SecretsWaitRotated => vec![format!(
            "secretsmanager:DescribeSecret {secret} every poll until no version is AWSPENDING and LastRotatedDate moved (timeout {} s)",
            timeout(inputs).as_secs()
        )],
        StepKind::EcsWaitSecretUsers => vec![format!(
            "ecs:DescribeServices of every service injecting {secret}: each steady (1 deployment, rollout COMPLETED, running == desired; timeout {} s each)",
            timeout(inputs).as_secs()
        )],
        StepKind::Ec2TaskQuarantined => vec![format!(
            "ec2:DescribeNetworkInterfaces: the task's ENI is only in {}; elasticloadbalancing:DescribeTargetHealth: its IP is in no target group",
            text(inputs, "security_group").unwrap_or_else(|| "the quarantine group".into())
        )],
        StepKind::StsElevated => vec![
            "sts:GetCallerIdentity with the session's credentials: the caller is the break-glass role"
                .into(),
        ],
        other => vec![other.name().to_string()],
    }
}

/// Run one of these checks: Ok(detail) when it passes, Err(detail) when not.
pub async fn verify(ctx: &RunContext, kind: StepKind, inputs: &Inputs) -> Result<String, String> {
    match kind {
        StepKind::SecretsWaitRotated => wait_rotated(ctx, inputs).await,
        StepKind::EcsWaitSecretUsers => users_stable(ctx, inputs).await,
        StepKind::Ec2TaskQuarantined => quarantined(ctx, inputs).await,
        other => Err(format!("{} is not an incident check", other.name())),
    }
}

async fn wait_rotated(ctx: &RunContext, inputs: &Inputs) -> Result<String, String> {
    let id = text(inputs, "secret").unwrap_or_default();
    let before = match inputs.get(ROTATED_BEFORE) {
        Some(Value::Int(t)) => Some(*t),
        _ => None,
    };
    let current_before = text(inputs, CURRENT_BEFORE);
    let expect = text(inputs, EXPECT_CURRENT);
    let limit = timeout(inputs);
    let started = tokio::time::Instant::now();
    let mut last = String::new();
    loop {
        let m = ctx
            .cloud
            .read
            .describe_secret(&id)
            .await
            .map_err(|e| e.to_string())?;
        let moved = match before {
            Some(b) => m.last_rotated.is_some_and(|t| t > b),
            None => true,
        } || (current_before.is_some() && m.current() != current_before.as_deref());
        let status = match m.pending() {
            Some(v) => format!("version {} is AWSPENDING", v.id),
            None if moved => {
                return promoted(&m, expect.as_deref(), current_before.as_deref());
            }
            None => "rotation not started yet".to_string(),
        };
        if status != last {
            ctx.emit(RunEvent::Log(format!("{}: {status}", m.name)));
            last = status.clone();
        }
        if started.elapsed() >= limit {
            return Err(format!(
                "{} did not finish rotating in {} s ({status}); the old version is still AWSCURRENT — read the rotation Lambda's logs",
                m.name,
                limit.as_secs()
            ));
        }
        if ctx.cancel.load(Ordering::SeqCst) {
            return Err("cancelled while waiting".into());
        }
        tokio::time::sleep(ctx.poll).await;
    }
}

/// The versions read back: AWSCURRENT is the run's version and AWSPREVIOUS the one that
/// was current before (when the plan recorded them).
fn promoted(
    m: &crate::cloud::SecretMeta,
    expect: Option<&str>,
    before: Option<&str>,
) -> Result<String, String> {
    let previous = m
        .versions
        .iter()
        .find(|v| v.stages.iter().any(|s| s == crate::cloud::AWS_PREVIOUS))
        .map(|v| v.id.as_str());
    let current = m.current();
    if let Some(want) = expect
        && current != Some(want)
    {
        return Err(format!(
            "{}: AWSCURRENT is {}, not this run's version {want}",
            m.name,
            current.unwrap_or("none")
        ));
    }
    if expect.is_some()
        && let Some(before) = before
        && previous != Some(before)
    {
        return Err(format!(
            "{}: AWSPREVIOUS is {}, not {before} (the version current before the run)",
            m.name,
            previous.unwrap_or("none")
        ));
    }
    Ok(format!(
        "{} rotated (last rotation {}): AWSCURRENT is {}, AWSPREVIOUS {}",
        m.name,
        when(m.last_rotated),
        current.unwrap_or("?"),
        previous.unwrap_or("none")
    ))
}

async fn users_stable(ctx: &RunContext, inputs: &Inputs) -> Result<String, String> {
    let id = text(inputs, "secret").unwrap_or_default();
    let cluster = text(inputs, "cluster").unwrap_or_default();
    let meta = ctx
        .cloud
        .read
        .describe_secret(&id)
        .await
        .map_err(|e| e.to_string())?;
    let found = users(ctx, &cluster, &meta)
        .await
        .map_err(|e| e.to_string())?;
    if found.is_empty() {
        return Ok(format!("no service in {cluster} injects {}", meta.name));
    }
    let mut lines = Vec::new();
    for (svc, _) in found {
        let mut one = inputs.clone();
        one.insert("service".into(), Value::Str(svc.name.clone()));
        lines.push(super::service_wait::wait_stable(ctx, &one).await?);
    }
    Ok(lines.join("; "))
}

async fn quarantined(ctx: &RunContext, inputs: &Inputs) -> Result<String, String> {
    let cluster = text(inputs, "cluster").unwrap_or_default();
    let task = text(inputs, "task").unwrap_or_default();
    let sg = text(inputs, "security_group").unwrap_or_default();
    let facts = gather(ctx, &cluster, &task)
        .await
        .map_err(|e| e.to_string())?;
    let Some(eni) = &facts.eni else {
        return Err(format!("task {} has no network interface", facts.task.id()));
    };
    if eni.groups != [sg.clone()] {
        return Err(format!(
            "{} is in [{}], not only {sg}",
            eni.id,
            eni.groups.join(", ")
        ));
    }
    if let Some(t) = facts.targets.first() {
        return Err(format!(
            "{} is still registered in {}",
            t.id,
            crate::cloud::last_segment(&t.target_group)
        ));
    }
    Ok(format!(
        "{} only in {sg}; {} in no target group",
        eni.id,
        eni.private_ip.as_deref().unwrap_or("its IP")
    ))
}
