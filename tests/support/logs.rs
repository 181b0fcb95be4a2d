//! Seeding CloudWatch Logs in moto: a log group with one stream and the lines a test
//! needs.

use super::moto;

/// Create `group` with stream `web/1` holding `message` at Unix second `at`.
pub async fn group_with_line(group: &str, message: &str, at: i64) {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&moto::sdk_config().await);
    logs.create_log_group()
        .log_group_name(group)
        .send()
        .await
        .expect("CreateLogGroup");
    stream_with_line(group, "web/1", message, at).await;
}

/// Add stream `stream` to an existing `group`, holding `message` at Unix second `at`.
pub async fn stream_with_line(group: &str, stream: &str, message: &str, at: i64) {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&moto::sdk_config().await);
    logs.create_log_stream()
        .log_group_name(group)
        .log_stream_name(stream)
        .send()
        .await
        .expect("CreateLogStream");
    logs.put_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .log_events(
            aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                .timestamp(at * 1000)
                .message(message)
                .build()
                .expect("event"),
        )
        .send()
        .await
        .expect("PutLogEvents");
}
