//! The Logs tail on Live Tail: the title says it streams (and is billed by the minute),
//! a sampled update puts the SAMPLED mark up for a while, and a Live Tail that is not
//! available leaves the tail polling with the reason in view (TestBackend).

mod ui_support;

use crossterm::event::KeyCode;
use opsdeck::cloud::{CloudError, LiveTailBatch, LogEvent};
use opsdeck::panes::Pane;
use opsdeck::panes::logs::tail::{LiveCall, SAMPLED_MARK_SECONDS, TailMode};
use ui_support::{console_on, key, render, text};

fn event(ms: i64, message: &str) -> LogEvent {
    LogEvent {
        timestamp_ms: ms,
        log_group: "/ecs/prod/fastapi".into(),
        log_stream: "fastapi/fastapi/abc".into(),
        message: message.into(),
        event_id: String::new(),
    }
}

#[tokio::test]
async fn streaming_sampled_and_fallback_are_shown() {
    let mut state = console_on(Pane::Logs, "prod", 6, |_| {}).await;
    key(&mut state, KeyCode::Char('t'));
    let now = state.now;
    let tail = &mut state.logs.tail;
    // `t` asked for StartLiveTail at once (the key's reply carried the fetch).
    assert_eq!(tail.mode, TailMode::Starting, "Live Tail is tried first");
    tail.live_started(Ok("s1".into()), now);
    tail.live_sent(&LiveCall::Read("s1".into()));
    tail.live_read(
        "s1",
        Ok(LiveTailBatch {
            events: vec![
                event(now * 1000 - 2000, "INFO GET /health 200"),
                event(now * 1000 - 1000, "ERROR POST /orders 500"),
            ],
            sampled: true,
        }),
        now,
    );
    let screen = text(&render(&state, 160, 30));
    assert!(screen.contains("Live Tail (billed per minute)"), "{screen}");
    assert!(screen.contains("SAMPLED (over 500 events/s)"), "{screen}");
    assert!(screen.contains("ERROR POST /orders 500"), "{screen}");
    insta::assert_snapshot!(
        "logs_live_tail_sampled_100x16",
        text(&render(&state, 100, 16))
    );

    // The mark goes once updates are no longer sampled.
    state.now = now + SAMPLED_MARK_SECONDS;
    let screen = text(&render(&state, 160, 30));
    assert!(!screen.contains("SAMPLED"), "{screen}");

    // The stream fails: polling, with the reason at the bottom of the tail.
    let tail = &mut state.logs.tail;
    tail.live_sent(&LiveCall::Read("s1".into()));
    tail.live_read(
        "s1",
        Err(CloudError::AccessDenied("logs:StartLiveTail".into())),
        now + SAMPLED_MARK_SECONDS,
    );
    assert_eq!(tail.mode, TailMode::Polling);
    let screen = text(&render(&state, 160, 30));
    assert!(screen.contains("polling FilterLogEvents"), "{screen}");
    assert!(
        screen.contains("Live Tail ended: access denied"),
        "{screen}"
    );
}
