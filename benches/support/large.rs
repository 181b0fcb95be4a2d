//! The large data of issue 16, grown from the simulated account's own answers: 10,000
//! Security Hub findings, 500 ECS services, 10,000 Logs Insights rows and 100,000 tail
//! lines (the simulated log lines repeated with distinct ids and times).

use opsdeck::app::AppState;
use opsdeck::app::dispatch::Fetched;
use opsdeck::cloud::{Listing, LogEvent};
use opsdeck::panes::ecs::sources::EcsFetched;
use opsdeck::panes::logs::results::ResultsTable;
use opsdeck::panes::logs::state::LogsView;
use opsdeck::panes::security::sources::SecurityFetched;

/// Findings, services, query rows and tail lines loaded.
pub const FINDINGS: usize = 10_000;
pub const SERVICES: usize = 500;
pub const QUERY_ROWS: usize = 10_000;
pub const TAIL_LINES: usize = 100_000;

/// `f` with its findings listing or service list grown to the sizes above.
pub fn inflate(f: Fetched) -> Fetched {
    match f {
        Fetched::Security(SecurityFetched::Findings(filters, Ok(list))) if !list.is_empty() => {
            let base: Vec<_> = list.iter().cloned().collect();
            let items = (0..FINDINGS)
                .map(|i| {
                    let mut f = base[i % base.len()].clone();
                    f.id = format!("{}-{i}", f.id);
                    f
                })
                .collect();
            Fetched::Security(SecurityFetched::Findings(
                filters,
                Ok(Listing::complete(items)),
            ))
        }
        Fetched::Ecs(EcsFetched::Services(Ok(list))) if !list.is_empty() => {
            let items = (0..SERVICES)
                .map(|i| {
                    let mut s = list[i % list.len()].clone();
                    if i >= list.len() {
                        s.name = format!("{}-{i}", s.name);
                        s.arn = format!("{}-{i}", s.arn);
                    }
                    s
                })
                .collect();
            Fetched::Ecs(EcsFetched::Services(Ok(items)))
        }
        other => other,
    }
}

/// A realistic application log line (JSON, ~200 bytes).
pub fn log_line(i: usize) -> String {
    let level = if i.is_multiple_of(50) {
        "ERROR"
    } else {
        "INFO"
    };
    format!(
        r#"{{"time": "2026-09-01T00:{:02}:{:02}Z", "level": "{level}", "logger": "app.main", "path": "/api/v1/orders/{}", "status": 200, "duration_ms": {}, "request_id": "{:016x}"}}"#,
        (i / 60) % 60,
        i % 60,
        i % 977,
        i % 300,
        i.wrapping_mul(0x9e37_79b9)
    )
}

/// Fill the Logs pane with [`TAIL_LINES`] tail lines (in polls of 500, as they arrive)
/// and [`QUERY_ROWS`] query rows; show the tail when `tail`.
pub fn load_logs(state: &mut AppState, tail: bool) {
    let now = state.now;
    let groups = state.env.log_groups.clone();
    state.logs.tail.start(groups.clone(), now);
    let group = groups.first().cloned().unwrap_or_else(|| "/ecs/app".into());
    for chunk in 0..TAIL_LINES / 500 {
        let events: Vec<LogEvent> = (chunk * 500..(chunk + 1) * 500)
            .map(|i| LogEvent {
                timestamp_ms: (now - 3_600) * 1000 + i as i64 * 30,
                log_group: group.clone(),
                log_stream: format!("ecs/fastapi/{:032x}", i % 6),
                message: log_line(i),
                event_id: format!("{:056}", i),
            })
            .collect();
        state.logs.tail.apply(Ok(events), now);
    }
    let rows = (0..QUERY_ROWS)
        .map(|i| {
            vec![
                (
                    "@timestamp".to_string(),
                    format!("2026-09-01 00:{:02}:{:02}.000", (i / 60) % 60, i % 60),
                ),
                ("@message".to_string(), log_line(i)),
                ("@ptr".to_string(), format!("ptr-{i}")),
            ]
        })
        .collect();
    state.logs.results = Some(ResultsTable::new(rows));
    state.logs.reshow();
    state.logs.view = if tail {
        LogsView::Tail
    } else {
        LogsView::Query
    };
}
