//! STS `AssumeRole` with MFA for the break-glass runbook. The session's credentials go
//! straight into a new set of SDK clients (an in-memory `CloudHandle`); they are never
//! returned, written or printed.

use std::sync::Arc;

use aws_sdk_sts::operation::RequestId;

use super::AwsCloud;
use super::error_map::map_sdk_error;
use crate::cloud::{
    BreakGlassRequest, CloudError, CloudHandle, CloudResult, Elevation, WriteReceipt,
};

/// Assume the break-glass role and build a cloud that acts as it.
pub async fn assume(cloud: &AwsCloud, request: &BreakGlassRequest) -> CloudResult<Elevation> {
    let clients = cloud.clients().await;
    let out = clients
        .sts
        .assume_role()
        .role_arn(&request.role_arn)
        .role_session_name(&request.session_name)
        .serial_number(&request.mfa_serial)
        .token_code(&request.token_code.0)
        .duration_seconds(request.duration_seconds)
        .send()
        .await
        .map_err(|e| map_sdk_error("AssumeRole", e))?;
    let creds = out
        .credentials()
        .ok_or_else(|| CloudError::Service("AssumeRole returned no credentials".into()))?;
    let expires_at = creds.expiration().secs();
    let credentials = aws_credential_types::Credentials::new(
        creds.access_key_id(),
        creds.secret_access_key(),
        Some(creds.session_token().to_owned()),
        std::time::SystemTime::UNIX_EPOCH
            .checked_add(std::time::Duration::from_secs(expires_at.max(0) as u64)),
        "opsdeck-break-glass",
    );
    let assumed_arn = out
        .assumed_role_user()
        .map(|u| u.arn().to_owned())
        .unwrap_or_else(|| request.role_arn.clone());
    let elevated = AwsCloud::from_clients(clients.with_credentials(credentials));
    Ok(Elevation {
        handle: CloudHandle::new(Arc::new(elevated), false),
        assumed_arn: assumed_arn.clone(),
        expires_at,
        receipt: WriteReceipt {
            request_id: out.request_id().map(str::to_owned),
            summary: format!(
                "AssumeRole {} as {assumed_arn} until epoch {expires_at} (MFA {})",
                request.role_arn, request.mfa_serial
            ),
        },
    })
}
