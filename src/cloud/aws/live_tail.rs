//! CloudWatch Logs Live Tail (`StartLiveTail`): the event stream is read by a task of
//! its own into a channel, and the console's tail drains that channel on each of its
//! polls, so the Logs pane keeps its request/answer shape. Sessions are closed (the task
//! aborted, dropping the stream) on request; Live Tail is billed by the minute.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::{LiveTailSessionUpdate, StartLiveTailResponseStream};
use tokio::sync::mpsc;

use super::error_map::map_sdk_error;
use crate::cloud::{CloudError, CloudResult, LiveTailBatch, LogEvent};

/// How long a read waits for the first update when none is buffered.
const READ_WAIT: Duration = Duration::from_millis(900);
/// Log groups one Live Tail session may follow.
pub const MAX_GROUPS: usize = 10;

/// What the stream task hands over.
enum Item {
    Update(LiveTailBatch),
    Failed(CloudError),
}

struct Open {
    rx: mpsc::UnboundedReceiver<Item>,
    task: tokio::task::JoinHandle<()>,
}

/// The open Live Tail sessions of one cloud.
#[derive(Default)]
pub struct LiveTails {
    open: Mutex<HashMap<String, Open>>,
    /// Sessions stopped while a read had them out of `open`: closed when it hands back.
    stopped: Mutex<std::collections::HashSet<String>>,
    next: Mutex<u64>,
}

impl Drop for LiveTails {
    fn drop(&mut self) {
        if let Ok(open) = self.open.get_mut() {
            for (_, o) in open.drain() {
                o.task.abort();
            }
        }
    }
}

/// One update as a batch: its events (oldest first) and its `sampled` flag.
pub fn batch(update: &LiveTailSessionUpdate) -> LiveTailBatch {
    let mut events: Vec<LogEvent> = update
        .session_results()
        .iter()
        .map(|e| {
            let group = e.log_group_identifier().unwrap_or_default();
            // Live Tail names groups by ARN (`…:log-group:NAME`); the pane shows names.
            let group = group
                .split_once(":log-group:")
                .map_or(group, |(_, name)| name.trim_end_matches(":*"));
            LogEvent {
                timestamp_ms: e.timestamp().unwrap_or_default(),
                log_group: group.to_string(),
                log_stream: e.log_stream_name().unwrap_or_default().to_string(),
                message: e.message().unwrap_or_default().to_string(),
                event_id: String::new(),
            }
        })
        .collect();
    events.sort_by_key(|e| e.timestamp_ms);
    LiveTailBatch {
        events,
        sampled: update.session_metadata().is_some_and(|m| m.sampled()),
    }
}

/// `arn:aws:logs:REGION:ACCOUNT:log-group:NAME` (names pass through when already ARNs).
pub fn group_arn(name: &str, region: &str, account: &str) -> String {
    if name.starts_with("arn:") {
        name.to_string()
    } else {
        format!("arn:aws:logs:{region}:{account}:log-group:{name}")
    }
}

impl LiveTails {
    /// `StartLiveTail` over `arns`, the stream read into a channel by a task.
    pub async fn start(&self, client: &Client, arns: Vec<String>) -> CloudResult<String> {
        if arns.is_empty() || arns.len() > MAX_GROUPS {
            return Err(CloudError::Invalid(format!(
                "StartLiveTail follows 1 to {MAX_GROUPS} log groups, not {}",
                arns.len()
            )));
        }
        let mut out = client
            .start_live_tail()
            .set_log_group_identifiers(Some(arns))
            .send()
            .await
            .map_err(|e| map_sdk_error("StartLiveTail", e))?;
        let (tx, rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            loop {
                let item = match out.response_stream.recv().await {
                    Ok(Some(StartLiveTailResponseStream::SessionUpdate(u))) => {
                        Item::Update(batch(&u))
                    }
                    Ok(Some(_)) => continue,
                    Ok(None) => Item::Failed(CloudError::Network("Live Tail stream ended".into())),
                    Err(e) => Item::Failed(CloudError::Service(format!(
                        "Live Tail stream: {}",
                        aws_smithy_types::error::display::DisplayErrorContext(e)
                    ))),
                };
                let failed = matches!(item, Item::Failed(_));
                if tx.send(item).is_err() || failed {
                    return;
                }
            }
        });
        let id = {
            let mut n = self.next.lock().unwrap_or_else(|e| e.into_inner());
            *n = n.wrapping_add(1);
            format!("live-tail-{n}")
        };
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.clone(), Open { rx, task });
        Ok(id)
    }

    /// Everything buffered for `id`, waiting up to [`READ_WAIT`] for a first update.
    pub async fn read(&self, id: &str) -> CloudResult<LiveTailBatch> {
        let mut open = {
            let mut map = self.open.lock().unwrap_or_else(|e| e.into_inner());
            map.remove(id)
                .ok_or_else(|| CloudError::NotFound(format!("live tail session {id}")))?
        };
        let mut out = LiveTailBatch::default();
        let mut failed = None;
        let first = tokio::time::timeout(READ_WAIT, open.rx.recv()).await;
        let mut take = |item: Option<Item>, out: &mut LiveTailBatch| match item {
            Some(Item::Update(b)) => {
                out.sampled |= b.sampled;
                out.events.extend(b.events);
                true
            }
            Some(Item::Failed(e)) => {
                failed = Some(e);
                false
            }
            None => {
                failed = Some(CloudError::Network("Live Tail stream ended".into()));
                false
            }
        };
        if let Ok(item) = first
            && take(item, &mut out)
        {
            while let Ok(item) = open.rx.try_recv() {
                if !take(Some(item), &mut out) {
                    break;
                }
            }
        }
        if let Some(e) = failed {
            open.task.abort();
            return Err(e);
        }
        out.events.sort_by_key(|e| e.timestamp_ms);
        let stopped = self
            .stopped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
        if stopped {
            open.task.abort();
        } else {
            self.open
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id.to_string(), open);
        }
        Ok(out)
    }

    /// Close `id` (dropping the stream ends the session); one being read is closed when
    /// the read hands it back.
    pub fn stop(&self, id: &str) {
        let open = self
            .open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
        match open {
            Some(o) => o.task.abort(),
            None => {
                self.stopped
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(id.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudwatchlogs::types::{LiveTailSessionLogEvent, LiveTailSessionMetadata};

    #[test]
    fn an_update_becomes_a_batch_with_its_sampled_flag() {
        let update = LiveTailSessionUpdate::builder()
            .session_metadata(LiveTailSessionMetadata::builder().sampled(true).build())
            .session_results(
                LiveTailSessionLogEvent::builder()
                    .log_group_identifier("arn:aws:logs:us-east-1:1:log-group:/ecs/prod/api")
                    .log_stream_name("api/app/abc")
                    .message("ERROR boom")
                    .timestamp(2_000)
                    .build(),
            )
            .session_results(
                LiveTailSessionLogEvent::builder()
                    .log_group_identifier("/ecs/prod/api")
                    .message("first")
                    .timestamp(1_000)
                    .build(),
            )
            .build();
        let b = batch(&update);
        assert!(b.sampled);
        assert_eq!(b.events[0].message, "first");
        assert_eq!(b.events[1].log_group, "/ecs/prod/api");
        let calm = LiveTailSessionUpdate::builder().build();
        assert!(!batch(&calm).sampled);
    }

    #[test]
    fn names_become_arns() {
        assert_eq!(
            group_arn("/ecs/x", "eu-west-1", "123"),
            "arn:aws:logs:eu-west-1:123:log-group:/ecs/x"
        );
        assert_eq!(group_arn("arn:aws:logs:x", "r", "a"), "arn:aws:logs:x");
    }
}
