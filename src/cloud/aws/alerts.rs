//! SNS for the incident runbooks: publish a notice to the environment's alert topic.

use aws_sdk_sns::operation::RequestId;

use super::error_map::map_sdk_error;
use crate::cloud::{CloudResult, WriteReceipt};

/// `Publish` with a subject (SNS limits it to 100 characters; it is cut to fit).
pub async fn publish_alert(
    c: &aws_sdk_sns::Client,
    topic: &str,
    subject: &str,
    message: &str,
) -> CloudResult<WriteReceipt> {
    let subject: String = subject
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    let out = c
        .publish()
        .topic_arn(topic)
        .subject(subject)
        .message(message)
        .send()
        .await
        .map_err(|e| map_sdk_error("Publish", e))?;
    Ok(WriteReceipt {
        request_id: out.request_id().map(str::to_owned),
        summary: format!(
            "Publish to {topic}: message {}",
            out.message_id().unwrap_or("?")
        ),
    })
}
