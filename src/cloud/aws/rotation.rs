//! [`RotationAct`] for [`AwsCloud`]: `GetRandomPassword`, `PutSecretValue` (staged
//! `AWSPENDING`), `UpdateSecretVersionStage` and ElastiCache `ModifyReplicationGroup` with
//! an AUTH token. Values go from a [`Redacted`] straight into the request; no receipt,
//! error or log line carries them (SDK request types redact `SecretString` and
//! `AuthToken` in their `Debug` too).

use async_trait::async_trait;
use aws_sdk_elasticache::operation::RequestId as _;

use super::AwsCloud;
use super::error_map::map_sdk_error;
use crate::cloud::{
    AWS_PENDING, AuthTokenStrategy, CloudError, CloudResult, PasswordPolicy, Redacted, RotationAct,
    StageMove, WriteReceipt,
};

#[async_trait]
impl RotationAct for AwsCloud {
    async fn random_password(&self, policy: &PasswordPolicy) -> CloudResult<Redacted> {
        let out = self
            .act_clients()
            .await
            .secrets
            .get_random_password()
            .password_length(policy.length)
            .set_exclude_characters(
                (!policy.exclude_characters.is_empty()).then(|| policy.exclude_characters.clone()),
            )
            .exclude_punctuation(policy.exclude_punctuation)
            .send()
            .await
            .map_err(|e| map_sdk_error("GetRandomPassword", e))?;
        match out.random_password() {
            Some(p) if !p.is_empty() => Ok(Redacted(p.to_string())),
            _ => Err(CloudError::Service(
                "GetRandomPassword answered without a password".into(),
            )),
        }
    }

    async fn put_secret_pending(
        &self,
        secret: &str,
        version: &str,
        value: &Redacted,
    ) -> CloudResult<WriteReceipt> {
        let out = self
            .act_clients()
            .await
            .secrets
            .put_secret_value()
            .secret_id(secret)
            .client_request_token(version)
            .secret_string(value.0.clone())
            .version_stages(AWS_PENDING)
            .send()
            .await
            .map_err(|e| map_sdk_error("PutSecretValue", e))?;
        Ok(WriteReceipt {
            request_id: out.request_id().map(str::to_owned),
            summary: format!(
                "PutSecretValue {}: version {} staged {}",
                out.name().unwrap_or(secret),
                out.version_id().unwrap_or(version),
                out.version_stages().join(",")
            ),
        })
    }

    async fn move_secret_stage(&self, change: &StageMove) -> CloudResult<WriteReceipt> {
        let out = self
            .act_clients()
            .await
            .secrets
            .update_secret_version_stage()
            .secret_id(&change.secret)
            .version_stage(&change.stage)
            .set_move_to_version_id(change.move_to.clone())
            .set_remove_from_version_id(change.remove_from.clone())
            .send()
            .await
            .map_err(|e| map_sdk_error("UpdateSecretVersionStage", e))?;
        Ok(WriteReceipt {
            request_id: out.request_id().map(str::to_owned),
            summary: format!(
                "UpdateSecretVersionStage {} {}: {} → {}",
                out.name().unwrap_or(&change.secret),
                change.stage,
                change.remove_from.as_deref().unwrap_or("-"),
                change.move_to.as_deref().unwrap_or("-")
            ),
        })
    }

    async fn modify_auth_token(
        &self,
        replication_group: &str,
        token: &Redacted,
        strategy: AuthTokenStrategy,
    ) -> CloudResult<WriteReceipt> {
        let out = self
            .act_clients()
            .await
            .elasticache
            .modify_replication_group()
            .replication_group_id(replication_group)
            .auth_token(token.0.clone())
            .auth_token_update_strategy(
                aws_sdk_elasticache::types::AuthTokenUpdateStrategyType::from(strategy.as_str()),
            )
            .apply_immediately(true)
            .send()
            .await
            .map_err(|e| map_sdk_error("ModifyReplicationGroup", e))?;
        let status = out
            .replication_group()
            .and_then(|g| g.status())
            .unwrap_or("unknown");
        Ok(WriteReceipt {
            request_id: out.request_id().map(str::to_owned),
            summary: format!(
                "ModifyReplicationGroup {replication_group} AuthTokenUpdateStrategy={}: {status}",
                strategy.as_str()
            ),
        })
    }
}
