//! The leaked-access-key steps: `iam.deactivate_key` (refused when the key is already
//! inactive or is the key opsdeck signs with; warns when the caller is the key's own
//! user),
//! its rollback `iam.reactivate_key`, and the verification `iam.key_inactive` read back
//! from `ListAccessKeys`. The plan says whose key it is and where it was last used.

use std::collections::BTreeMap;

use super::super::kinds::StepKind;
use super::super::plan::{Action, PlannedStep, RunContext, RunError};
use super::super::value::Value;
use super::data_action::DataAction;
use super::inputs::text;
use crate::cloud::AccessKey;

/// The key's last use, in words.
fn last_use(k: &AccessKey) -> String {
    match k.last_used {
        Some(t) => format!(
            "last used {} by {} in {}",
            crate::audit::rfc3339_at(t),
            k.last_service.as_deref().unwrap_or("?"),
            k.last_region.as_deref().unwrap_or("?")
        ),
        None => "never used".into(),
    }
}

/// Plan `iam.deactivate_key` or `iam.reactivate_key`.
pub async fn plan(
    ctx: &RunContext,
    kind: StepKind,
    label: &str,
    inputs: &BTreeMap<String, Value>,
) -> Result<PlannedStep, RunError> {
    let key_id = text(inputs, "key").unwrap_or_default();
    let key = ctx.cloud.read.access_key(&key_id).await?;
    let activate = kind == StepKind::IamReactivateKey;
    let mut warnings = Vec::new();
    if !activate {
        if !key.active() {
            return Err(RunError::Refused(format!(
                "{key_id} of {} is already {}: nothing to deactivate",
                key.user, key.status
            )));
        }
        if ctx.cloud.read.signing_key().await.ok().flatten().as_deref() == Some(key_id.as_str()) {
            return Err(RunError::Refused(format!(
                "{key_id} is the key opsdeck is signed in with: deactivating it would stop this run at its next call; run it as another principal (another key, a role, break-glass)"
            )));
        }
        if let Ok(me) = ctx.cloud.read.caller_identity().await
            && me.arn.ends_with(&format!(":user/{}", key.user))
        {
            warnings.push(format!(
                "you are signed in as {}: if {key_id} is the key you are using, this run stops at the next call; run it as another principal (break-glass)",
                key.user
            ));
        }
    }
    let status = if activate { "Active" } else { "Inactive" };
    Ok(PlannedStep {
        kind,
        label: label.to_string(),
        calls: vec![
            format!(
                "iam:GetAccessKeyLastUsed {key_id}: user {}, {}",
                key.user,
                last_use(&key)
            ),
            format!(
                "iam:ListAccessKeys {}: {key_id} is {}",
                key.user, key.status
            ),
            format!(
                "iam:UpdateAccessKey UserName={} AccessKeyId={key_id} Status={status}{}",
                key.user,
                if activate {
                    ""
                } else {
                    " (stops signing at once; reversible: the rollback makes it Active again; nothing is deleted)"
                }
            ),
        ],
        warnings,
        action: Some(Action::Data(DataAction::SetAccessKeyStatus {
            user: key.user,
            key: key_id,
            active: activate,
        })),
        inputs: inputs.clone(),
    })
}

/// What `iam.key_inactive` checks.
pub fn describe(inputs: &BTreeMap<String, Value>) -> Vec<String> {
    vec![format!(
        "iam:ListAccessKeys: {} is Inactive",
        text(inputs, "key").unwrap_or_default()
    )]
}

/// `iam.key_inactive`: the key reads back as inactive.
pub async fn verify_inactive(
    ctx: &RunContext,
    inputs: &BTreeMap<String, Value>,
) -> Result<String, String> {
    let key_id = text(inputs, "key").unwrap_or_default();
    match ctx.cloud.read.access_key(&key_id).await {
        Ok(k) if !k.active() => Ok(format!("{key_id} of {} is {}", k.user, k.status)),
        Ok(k) => Err(format!("{key_id} of {} is still {}", k.user, k.status)),
        Err(e) => Err(format!("could not read {key_id} back: {e}")),
    }
}
