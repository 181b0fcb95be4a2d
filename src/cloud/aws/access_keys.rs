//! IAM access keys for the `deactivate-access-key` runbook: whose key it is and when it
//! was last used (`GetAccessKeyLastUsed`), its status (`ListAccessKeys`), and
//! `UpdateAccessKey` to make it inactive (or active again on rollback).

use aws_sdk_iam::Client;
use aws_sdk_iam::operation::RequestId;
use aws_sdk_iam::types::StatusType;

use super::error_map::map_sdk_error;
use crate::cloud::{AccessKey, CloudError, CloudResult, WriteReceipt};

/// The key `key_id`: its user, status, creation and last use.
pub async fn access_key(client: &Client, key_id: &str) -> CloudResult<AccessKey> {
    let used = client
        .get_access_key_last_used()
        .access_key_id(key_id)
        .send()
        .await
        .map_err(|e| map_sdk_error("GetAccessKeyLastUsed", e))?;
    let user = used.user_name().unwrap_or_default().to_string();
    if user.is_empty() {
        return Err(CloudError::NotFound(format!(
            "GetAccessKeyLastUsed: {key_id} belongs to no IAM user of this account (a root or another account's key)"
        )));
    }
    let last = used.access_key_last_used();
    let mut marker = None;
    loop {
        let page = client
            .list_access_keys()
            .user_name(&user)
            .set_marker(marker)
            .send()
            .await
            .map_err(|e| map_sdk_error("ListAccessKeys", e))?;
        if let Some(k) = page
            .access_key_metadata()
            .iter()
            .find(|k| k.access_key_id() == Some(key_id))
        {
            return Ok(AccessKey {
                id: key_id.to_string(),
                user,
                status: k
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                created: k.create_date().map(|d| d.secs()),
                last_used: last.and_then(|l| l.last_used_date()).map(|d| d.secs()),
                last_service: last
                    .map(|l| l.service_name().to_string())
                    .filter(|s| !s.is_empty() && s != "N/A"),
                last_region: last
                    .map(|l| l.region().to_string())
                    .filter(|s| !s.is_empty() && s != "N/A"),
            });
        }
        marker = page.marker().map(str::to_string);
        if !page.is_truncated() || marker.is_none() {
            break;
        }
    }
    Err(CloudError::NotFound(format!(
        "ListAccessKeys: {key_id} is not among {user}'s keys"
    )))
}

/// `UpdateAccessKey` of `user`'s `key_id` to `Active` or `Inactive`.
pub async fn set_status(
    client: &Client,
    user: &str,
    key_id: &str,
    active: bool,
) -> CloudResult<WriteReceipt> {
    let status = if active {
        StatusType::Active
    } else {
        StatusType::Inactive
    };
    let out = client
        .update_access_key()
        .user_name(user)
        .access_key_id(key_id)
        .status(status.clone())
        .send()
        .await
        .map_err(|e| map_sdk_error("UpdateAccessKey", e))?;
    Ok(WriteReceipt {
        request_id: out.request_id().map(str::to_string),
        summary: format!("UpdateAccessKey {user} {key_id} Status={}", status.as_str()),
    })
}
