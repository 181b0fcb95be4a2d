//! Executing `Action::Rotation`. The run's new value lives in one slot, redacted: the
//! first step that needs it makes it (`GetRandomPassword`) or takes the typed one, and
//! later steps of the same run use the same value (the AUTH token `ROTATE` set is the
//! one stored in the secret and the one `SET` keeps). Each call (`GetRandomPassword`
//! included) goes through the audited path; an unknown outcome is read back (`DescribeSecret` labels, the replication
//! group's status).

use super::super::audited::{audited, receipt};
use super::super::plan::{PlannedStep, Prepared, RunContext};
use super::read_back::Reconciled;
use super::rotation_action::RotationAction;
use super::value_source::ValueSource;
use crate::cloud::{
    AWS_CURRENT, AWS_PENDING, AWS_PREVIOUS, CloudAct, CloudRead, Epoch, Redacted, StageMove,
    WriteReceipt,
};

/// The run's new value, once made.
pub type ValueSlot = Option<Redacted>;

/// The run's value: the one already made, the typed one, or a new one from
/// `GetRandomPassword` (audited like a write — intent, then outcome naming only its
/// length — so a refused call is on record).
async fn value(
    prepared: &Prepared,
    ctx: &RunContext,
    id: String,
    step: &PlannedStep,
    act: &dyn CloudAct,
    slot: &mut ValueSlot,
    source: Option<&ValueSource>,
) -> Result<Redacted, String> {
    if let Some(v) = slot {
        return Ok(v.clone());
    }
    let v = match source {
        Some(ValueSource::Typed(v)) => v.clone(),
        Some(ValueSource::Generate(policy)) => {
            audited(prepared, ctx, id, step, || async {
                let v = act.random_password(policy).await?;
                let summary = format!(
                    "GetRandomPassword: a new value of {} characters (not shown)",
                    v.0.chars().count()
                );
                Ok((
                    v,
                    WriteReceipt {
                        request_id: None,
                        summary,
                    },
                ))
            })
            .await?
        }
        None => {
            return Err(
                "no new value was made in this run (the ROTATE step did not run): nothing set"
                    .into(),
            );
        }
    };
    *slot = Some(v.clone());
    Ok(v)
}

/// Perform one planned rotation write.
pub async fn perform(
    prepared: &Prepared,
    ctx: &RunContext,
    index: usize,
    step: &PlannedStep,
    action: &RotationAction,
    slot: &mut ValueSlot,
) -> Result<String, String> {
    let id = |call: usize| format!("{}/{index}/{call}", prepared.run_id);
    let gen_id = || format!("{}/{index}/value", prepared.run_id);
    let actor = ctx.cloud.actor().map_err(|e| e.to_string())?.clone();
    let act: &dyn CloudAct = actor.as_ref();
    let read = ctx.cloud.read.as_ref();
    match action {
        RotationAction::PutAndPromote {
            secret,
            version,
            previous,
            source,
        } => {
            let v = value(prepared, ctx, gen_id(), step, act, slot, Some(source)).await?;
            let put = receipt(
                prepared,
                ctx,
                id(0),
                step,
                act.put_secret_pending(secret, version, &v),
                staged(read, secret, version),
            )
            .await?;
            let promote = StageMove {
                secret: secret.clone(),
                stage: AWS_CURRENT.into(),
                move_to: Some(version.clone()),
                remove_from: Some(previous.clone()),
            };
            let moved = receipt(
                prepared,
                ctx,
                id(1),
                step,
                act.move_secret_stage(&promote),
                stage_moved(read, &promote),
            )
            .await?;
            let check = read_back_promoted(read, secret, version, previous).await?;
            Ok(format!("{put}; {moved}; {check}"))
        }
        RotationAction::AuthToken {
            group,
            strategy,
            source,
        } => {
            let v = value(prepared, ctx, gen_id(), step, act, slot, source.as_ref()).await?;
            let since = read.metrics_now();
            receipt(
                prepared,
                ctx,
                id(0),
                step,
                act.modify_auth_token(group, &v, *strategy),
                auth_modified(read, group, since),
            )
            .await
        }
        RotationAction::Stage(change) => {
            receipt(
                prepared,
                ctx,
                id(0),
                step,
                act.move_secret_stage(change),
                stage_moved(read, change),
            )
            .await
        }
    }
}

/// After the promotion: `AWSCURRENT` is the new version and `AWSPREVIOUS` the old one.
async fn read_back_promoted(
    read: &dyn CloudRead,
    secret: &str,
    version: &str,
    previous: &str,
) -> Result<String, String> {
    let m = read
        .describe_secret(secret)
        .await
        .map_err(|e| format!("the promotion could not be read back: {e}"))?;
    let prev = m
        .versions
        .iter()
        .find(|v| v.stages.iter().any(|s| s == AWS_PREVIOUS))
        .map(|v| v.id.as_str());
    if m.current() == Some(version) && prev == Some(previous) {
        Ok(format!(
            "read back: AWSCURRENT {version}, AWSPREVIOUS {previous}"
        ))
    } else {
        Err(format!(
            "read back: AWSCURRENT is {}, AWSPREVIOUS {} (expected {version} and {previous})",
            m.current().unwrap_or("none"),
            prev.unwrap_or("none")
        ))
    }
}

/// `PutSecretValue`: the version exists.
async fn staged(read: &dyn CloudRead, secret: &str, version: &str) -> Reconciled {
    match read.describe_secret(secret).await {
        Ok(m) => match m.versions.iter().find(|v| v.id == version) {
            Some(v) => Reconciled::Landed(format!(
                "version {version} exists ({})",
                v.stages.join(", ")
            )),
            None => Reconciled::NotLanded(format!("no version {version} of {}", m.name)),
        },
        Err(e) => Reconciled::Unknown(format!("the secret could not be read back: {e}")),
    }
}

/// `UpdateSecretVersionStage`: the label sits where it was moved to and not where it was
/// removed from.
async fn stage_moved(read: &dyn CloudRead, change: &StageMove) -> Reconciled {
    let m = match read.describe_secret(&change.secret).await {
        Ok(m) => m,
        Err(e) => return Reconciled::Unknown(format!("the secret could not be read back: {e}")),
    };
    let on = |id: &Option<String>| {
        id.as_ref().is_some_and(|id| {
            m.versions
                .iter()
                .any(|v| &v.id == id && v.stages.contains(&change.stage))
        })
    };
    let what = format!(
        "{} on {}",
        change.stage,
        m.versions
            .iter()
            .find(|v| v.stages.contains(&change.stage))
            .map_or("no version", |v| v.id.as_str())
    );
    let arrived = change.move_to.is_none() || on(&change.move_to);
    let left = change.remove_from.is_none() || !on(&change.remove_from);
    if arrived && left {
        Reconciled::Landed(what)
    } else if change.stage != AWS_PENDING && on(&change.remove_from) {
        Reconciled::NotLanded(what)
    } else {
        Reconciled::Unknown(what)
    }
}

/// `ModifyReplicationGroup`: the group is modifying, or its token changed after `since`.
async fn auth_modified(read: &dyn CloudRead, group: &str, since: Epoch) -> Reconciled {
    match read.cache_replication_group(group).await {
        Ok(g) if g.status == "modifying" || g.auth_token_modified.is_some_and(|t| t >= since) => {
            Reconciled::Landed(format!("{group} is {}", g.status))
        }
        Ok(g) => Reconciled::Unknown(format!(
            "{group} is {} and its token last changed {}: cannot tell",
            g.status,
            super::rotation_ids::when(g.auth_token_modified)
        )),
        Err(e) => Reconciled::Unknown(format!("the group could not be read back: {e}")),
    }
}
