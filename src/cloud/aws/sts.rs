//! STS calls: who the console is acting as.

use aws_sdk_sts::Client;

use super::convert::owned;
use super::error_map::map_sdk_error;
use crate::cloud::{CallerIdentity, CloudResult};

/// `GetCallerIdentity`.
pub async fn caller_identity(client: &Client) -> CloudResult<CallerIdentity> {
    let out = client
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| map_sdk_error("GetCallerIdentity", e))?;
    Ok(CallerIdentity {
        session_expires: None,
        account: owned(out.account()),
        arn: owned(out.arn()),
        user_id: owned(out.user_id()),
    })
}
