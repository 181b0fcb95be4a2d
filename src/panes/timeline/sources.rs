//! The Timeline pane's sources: one per feed, keyed by the span it covers (the window
//! ends at the fetch's clock), and the answers carrying the window they were read for.

use std::path::PathBuf;

use super::feed::Feed;
use super::gather::{FeedAnswer, FeedScope, gather};
use crate::cloud::{CloudRead, CloudResult, Epoch, Window};
use crate::config::Environment;

/// One feed over the last `span` seconds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TimelineSource {
    pub feed: Feed,
    pub span: i64,
    /// The alarm-name prefix (alarms) and the audit log (operators) it reads.
    pub alarm_prefix: String,
    pub audit: Option<PathBuf>,
}

/// A feed's answer and the window it was read for.
#[derive(Debug, Clone)]
pub struct TimelineFetched {
    pub source: TimelineSource,
    pub window: Window,
    pub result: CloudResult<FeedAnswer>,
}

/// Read one feed of `env` over the `span` seconds before `now`.
pub async fn fetch(
    read: &dyn CloudRead,
    env: &Environment,
    source: TimelineSource,
    now: Epoch,
) -> TimelineFetched {
    let window = Window {
        since: now - source.span,
        until: now + 1,
    };
    let scope = FeedScope {
        env,
        alarm_prefix: &source.alarm_prefix,
        audit: source.audit.as_deref(),
    };
    let result = gather(read, scope, source.feed, window).await;
    TimelineFetched {
        source,
        window,
        result,
    }
}
