//! Planning manual rotation (`secrets.rotate` without a rotation Lambda,
//! `secrets.put_value`), its rollback (`secrets.restore_previous`) and the Redis AUTH
//! token steps (`elasticache.rotate_auth_token`, `elasticache.set_auth_token`). Each plan
//! line is an exact call with the version ids before → after; a value never appears.
//! The new version's id is the run's token: the same on a retry, so a retried
//! `PutSecretValue` cannot make a second version.

use super::super::kinds::StepKind;
use super::super::plan::{Action, PlannedStep, RunContext, RunError};
use super::inputs::{Inputs, text};
use super::rotation_action::RotationAction;
use super::rotation_ids::{rotation_token, when};
use super::value_source::{ValueSource, source};
use crate::cloud::{
    AWS_CURRENT, AWS_PENDING, AWS_PREVIOUS, AuthTokenStrategy, SecretMeta, StageMove,
};

fn holder(meta: &SecretMeta, stage: &str) -> Option<String> {
    meta.versions
        .iter()
        .find(|v| v.stages.iter().any(|s| s == stage))
        .map(|v| v.id.clone())
}

/// Plan `PutSecretValue` + `UpdateSecretVersionStage` for `meta` into `p`.
pub fn plan_put(
    p: &mut PlannedStep,
    kind: StepKind,
    inputs: &Inputs,
    run_id: &str,
    meta: &SecretMeta,
) -> Result<(), RunError> {
    if let Some(v) = meta.pending() {
        return Err(RunError::Refused(format!(
            "{} has a version staged AWSPENDING ({}): a rotation is unfinished. Finish or clear it first (secretsmanager:UpdateSecretVersionStage --remove-from-version-id {} --version-stage AWSPENDING)",
            meta.name, v.id, v.id
        )));
    }
    let Some(previous) = meta.current() else {
        return Err(RunError::Refused(format!(
            "{} has no AWSCURRENT version (DescribeSecret)",
            meta.name
        )));
    };
    let source = source(kind, inputs)?;
    let version = rotation_token(run_id);
    let before_previous = holder(meta, AWS_PREVIOUS).unwrap_or_else(|| "none".into());
    p.calls.push(source.describe());
    p.calls.push(format!(
        "secretsmanager:PutSecretValue SecretId={} ClientRequestToken={version} VersionStages=[AWSPENDING] SecretString=<redacted>: new version {version} staged AWSPENDING",
        meta.arn
    ));
    p.calls.push(format!(
        "secretsmanager:UpdateSecretVersionStage SecretId={} VersionStage=AWSCURRENT MoveToVersionId={version} RemoveFromVersionId={previous}: AWSCURRENT {previous} → {version}, AWSPREVIOUS {before_previous} → {previous}",
        meta.arn
    ));
    p.calls.push(format!(
        "secretsmanager:DescribeSecret {}: read back AWSCURRENT = {version}, AWSPREVIOUS = {previous}",
        meta.name
    ));
    p.warnings.push(
        "the value is never shown, logged or audited; running tasks keep the old value until they restart"
            .into(),
    );
    p.action = Some(Action::Rotation(RotationAction::PutAndPromote {
        secret: meta.arn.clone(),
        version,
        previous: previous.to_string(),
        source,
    }));
    Ok(())
}

/// Plan `secrets.restore_previous`: `AWSCURRENT` back to the version that held it before
/// this run (now `AWSPREVIOUS`), or this run's `AWSPENDING` cleared.
pub fn plan_restore(p: &mut PlannedStep, run_id: &str, meta: &SecretMeta) -> Result<(), RunError> {
    if meta.rotation_enabled {
        return Err(RunError::Refused(format!(
            "{} is rotated by its Lambda ({}), which also changed the credentials where they are used: moving AWSCURRENT back would make the secret disagree with them. Page the owner (escalation)",
            meta.name,
            meta.rotation_lambda
                .as_deref()
                .unwrap_or("managed rotation")
        )));
    }
    let ours = rotation_token(run_id);
    let has = |stage: &str| {
        meta.versions
            .iter()
            .any(|v| v.id == ours && v.stages.iter().any(|s| s == stage))
    };
    let change = if has(AWS_CURRENT) {
        let Some(previous) = holder(meta, AWS_PREVIOUS) else {
            return Err(RunError::Refused(format!(
                "{}: no version is AWSPREVIOUS to go back to",
                meta.name
            )));
        };
        p.calls.push(format!(
            "secretsmanager:UpdateSecretVersionStage SecretId={} VersionStage=AWSCURRENT MoveToVersionId={previous} RemoveFromVersionId={ours}: AWSCURRENT {ours} → {previous} (AWSPREVIOUS → {ours})",
            meta.arn
        ));
        StageMove {
            secret: meta.arn.clone(),
            stage: AWS_CURRENT.into(),
            move_to: Some(previous),
            remove_from: Some(ours),
        }
    } else if has(AWS_PENDING) {
        p.calls.push(format!(
            "secretsmanager:UpdateSecretVersionStage SecretId={} VersionStage=AWSPENDING RemoveFromVersionId={ours}: the run's staged version cleared; AWSCURRENT stays {}",
            meta.arn,
            meta.current().unwrap_or("?")
        ));
        StageMove {
            secret: meta.arn.clone(),
            stage: AWS_PENDING.into(),
            move_to: None,
            remove_from: Some(ours),
        }
    } else {
        p.calls.push(format!(
            "nothing to do: {} has no version of this run (AWSCURRENT {})",
            meta.name,
            meta.current().unwrap_or("?")
        ));
        return Ok(());
    };
    p.action = Some(Action::Rotation(RotationAction::Stage(change)));
    Ok(())
}

/// Plan `elasticache.rotate_auth_token` / `elasticache.set_auth_token`.
pub async fn plan_auth(
    ctx: &RunContext,
    kind: StepKind,
    label: &str,
    inputs: &Inputs,
) -> Result<PlannedStep, RunError> {
    let group_id = text(inputs, "replication_group").unwrap_or_default();
    let group = ctx.cloud.read.cache_replication_group(&group_id).await?;
    let mut p = PlannedStep::new(kind, label, inputs);
    p.inputs.remove(super::super::value::TYPED_VALUE);
    p.calls.push(format!(
        "elasticache:DescribeReplicationGroups {}: {}, AUTH {}, transit encryption {}, token last changed {}",
        group.id,
        group.status,
        match group.auth_token_enabled {
            Some(true) => "enabled",
            Some(false) => "DISABLED",
            None => "not reported",
        },
        match group.transit_encryption {
            Some(true) => "on",
            Some(false) => "OFF",
            None => "not reported",
        },
        when(group.auth_token_modified)
    ));
    if group.auth_token_enabled == Some(false) {
        return Err(RunError::Refused(format!(
            "{} does not use AUTH (AuthTokenEnabled=false): there is no token to rotate. Turning AUTH on needs transit encryption and clients that send a token; this runbook does not do that",
            group.id
        )));
    }
    let (strategy, source) = if kind == StepKind::CacheRotateAuth {
        if group.status != "available" {
            return Err(RunError::Refused(format!(
                "{} is {}, not available: wait for it before changing its AUTH token",
                group.id, group.status
            )));
        }
        let source = source(kind, inputs)?;
        p.calls.push(source.describe());
        (AuthTokenStrategy::Rotate, Some(source))
    } else {
        (AuthTokenStrategy::Set, None)
    };
    p.calls.push(format!(
        "elasticache:ModifyReplicationGroup ReplicationGroupId={} AuthToken=<redacted{}> AuthTokenUpdateStrategy={} ApplyImmediately=true: {}",
        group.id,
        if source.is_none() { ", the token this run set with ROTATE" } else { "" },
        strategy.as_str(),
        match strategy {
            AuthTokenStrategy::Rotate => "status available → modifying; the old and the new token are both accepted",
            AuthTokenStrategy::Set => "status available → modifying; only the new token is accepted from now on (the old one is dropped)",
        }
    ));
    if strategy == AuthTokenStrategy::Set {
        p.warnings.push(
            "clients still sending the old token are refused after this step: every service using it was restarted before it"
                .into(),
        );
    }
    if matches!(
        source,
        Some(ValueSource::Generate(_)) | Some(ValueSource::Typed(_))
    ) {
        p.warnings.push(
            "the token is never shown, logged or audited; the same token is stored in the secret by a later step"
                .into(),
        );
    }
    p.action = Some(Action::Rotation(RotationAction::AuthToken {
        group: group.id.clone(),
        strategy,
        source,
    }));
    Ok(p)
}

/// The first step of a run that makes a new value makes it for the whole run: later
/// steps' plans say they use that one (the executor does).
pub fn share_value(steps: &mut [PlannedStep]) {
    let mut made_by: Option<usize> = None;
    for (i, step) in steps.iter_mut().enumerate() {
        let source = match &step.action {
            Some(Action::Rotation(RotationAction::PutAndPromote { source, .. })) => Some(source),
            Some(Action::Rotation(RotationAction::AuthToken {
                source: Some(source),
                ..
            })) => Some(source),
            _ => None,
        };
        let Some(source) = source else { continue };
        match made_by {
            None => made_by = Some(i + 1),
            Some(n) => {
                let line = source.describe();
                for call in step.calls.iter_mut().filter(|c| **c == line) {
                    *call = format!(
                        "the new value step {n} made (the same value: never shown, logged or audited)"
                    );
                }
            }
        }
    }
}
