//! ECS service tags: where the dev scale-down records the desired count it replaced.

use aws_sdk_ecs::operation::RequestId;
use aws_sdk_ecs::types::Tag;

use super::convert::owned;
use super::error_map::map_sdk_error;
use crate::cloud::{CloudResult, WriteReceipt};

/// `ListTagsForResource` of a service ARN.
pub async fn service_tags(
    c: &aws_sdk_ecs::Client,
    arn: &str,
) -> CloudResult<Vec<(String, String)>> {
    let out = c
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(|e| map_sdk_error("ListTagsForResource", e))?;
    Ok(out
        .tags()
        .iter()
        .map(|t| (owned(t.key()), owned(t.value())))
        .collect())
}

/// `TagResource` with one tag.
pub async fn tag_service(
    c: &aws_sdk_ecs::Client,
    arn: &str,
    key: &str,
    value: &str,
) -> CloudResult<WriteReceipt> {
    let out = c
        .tag_resource()
        .resource_arn(arn)
        .tags(Tag::builder().key(key).value(value).build())
        .send()
        .await
        .map_err(|e| map_sdk_error("TagResource", e))?;
    Ok(WriteReceipt {
        request_id: out.request_id().map(str::to_owned),
        summary: format!("TagResource {arn} {key}={value}"),
    })
}
