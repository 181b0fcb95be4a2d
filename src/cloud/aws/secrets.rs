//! Secrets Manager for the rotate-secret runbook: `DescribeSecret` (rotation settings,
//! versions and their staging labels) and `RotateSecret`. `GetSecretValue` is never called.

use aws_sdk_secretsmanager::operation::RequestId;

use super::convert::{epoch, opt, owned};
use super::error_map::map_sdk_error;
use crate::cloud::{CloudResult, SecretMeta, SecretVersion, WriteReceipt};

/// `DescribeSecret`: metadata and version stages, never the value.
pub async fn describe_secret(
    c: &aws_sdk_secretsmanager::Client,
    id: &str,
) -> CloudResult<SecretMeta> {
    let out = c
        .describe_secret()
        .secret_id(id)
        .send()
        .await
        .map_err(|e| map_sdk_error("DescribeSecret", e))?;
    let mut versions: Vec<SecretVersion> = out
        .version_ids_to_stages()
        .map(|m| {
            m.iter()
                .map(|(id, stages)| SecretVersion {
                    id: id.clone(),
                    stages: stages.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    versions.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(SecretMeta {
        arn: owned(out.arn()),
        name: owned(out.name()),
        rotation_enabled: out.rotation_enabled().unwrap_or(false),
        rotation_lambda: opt(out.rotation_lambda_arn()),
        rotation_days: out
            .rotation_rules()
            .and_then(|r| r.automatically_after_days()),
        last_rotated: epoch(out.last_rotated_date()),
        versions,
    })
}

/// `RotateSecret` with `RotateImmediately=true` and `ClientRequestToken`.
pub async fn rotate_secret(
    c: &aws_sdk_secretsmanager::Client,
    id: &str,
    token: &str,
) -> CloudResult<WriteReceipt> {
    let out = c
        .rotate_secret()
        .secret_id(id)
        .client_request_token(token)
        .rotate_immediately(true)
        .send()
        .await
        .map_err(|e| map_sdk_error("RotateSecret", e))?;
    Ok(WriteReceipt {
        request_id: out.request_id().map(str::to_owned),
        summary: format!(
            "RotateSecret {} started: new version {}",
            out.name().unwrap_or(id),
            out.version_id().unwrap_or("?")
        ),
    })
}
