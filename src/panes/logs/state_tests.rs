//! The Logs pane state's query lifecycle: polling with back-off, cancelling, leaving,
//! failures.

use super::*;
use crate::cloud::QueryResults;

fn schedule(now: Epoch) -> (Epoch, std::collections::HashMap<LogsSource, Epoch>) {
    (now, std::collections::HashMap::new())
}

fn due(l: &LogsState, now: Epoch) -> Vec<LogsSource> {
    let (now, last) = schedule(now);
    l.due_sources(
        &Schedule {
            now,
            last_requested: &last,
            force: false,
        },
        "prod",
    )
}

fn started(l: &mut LogsState, now: Epoch) -> u64 {
    l.start(Some("recent-errors"), vec!["/g".into()], now)
        .expect("starts");
    let id = l.run.as_ref().map(|r| r.id).unwrap_or_default();
    let src = LogsSource::Start(
        id,
        l.run.as_ref().map(|r| r.query.clone()).unwrap_or_default(),
    );
    assert!(due(l, now).contains(&src));
    l.mark_source_loading(&src);
    l.store(
        LogsFetched::Started(id, InsightsQuery::default(), Ok("q1".into())),
        now,
    );
    id
}

#[test]
fn a_query_polls_with_back_off_until_complete() {
    let mut l = LogsState::default();
    let id = started(&mut l, 100);
    let poll = LogsSource::Results(id, "q1".into());
    assert!(due(&l, 100).contains(&poll), "first poll at once");
    l.mark_source_loading(&poll);
    assert!(!due(&l, 100).contains(&poll), "one poll in flight");
    let running = QueryResults {
        status: QueryStatus::Running,
        statistics: Some(QueryStatistics {
            records_matched: 1.0,
            records_scanned: 10.0,
            bytes_scanned: 1000.0,
        }),
        rows: vec![],
    };
    l.store(
        LogsFetched::Results(id, "q1".into(), Ok(running.clone())),
        100,
    );
    assert!(!due(&l, 100).contains(&poll));
    assert!(due(&l, 101).contains(&poll), "1 s back-off");
    l.mark_source_loading(&poll);
    l.store(LogsFetched::Results(id, "q1".into(), Ok(running)), 101);
    assert!(due(&l, 102).contains(&poll));
    l.mark_source_loading(&poll);
    l.store(
        LogsFetched::Results(
            id,
            "q1".into(),
            Ok(QueryResults {
                status: QueryStatus::Running,
                statistics: None,
                rows: vec![],
            }),
        ),
        102,
    );
    assert!(!due(&l, 103).contains(&poll), "2 s back-off");
    assert!(due(&l, 104).contains(&poll));
    l.mark_source_loading(&poll);
    let done = QueryResults {
        status: QueryStatus::Complete,
        statistics: None,
        rows: vec![vec![("@message".into(), "x".into())]],
    };
    l.store(LogsFetched::Results(id, "q1".into(), Ok(done)), 104);
    let run = l.run.as_ref().expect("run");
    assert_eq!(run.status, QueryStatus::Complete);
    assert_eq!(run.elapsed(999), 4);
    assert_eq!(run.statistics.map(|s| s.records_scanned), Some(10.0));
    assert_eq!(l.results.as_ref().map(|t| t.rows.len()), Some(1));
    assert!(!due(&l, 200).contains(&poll));
    assert_eq!(l.history[0].status, "Complete");
}

#[test]
fn cancelling_and_leaving_stop_the_query() {
    let mut l = LogsState::default();
    started(&mut l, 100);
    let stops = l.leave_now(101);
    assert_eq!(stops, vec![LogsSource::Stop("q1".into())]);
    assert_eq!(
        l.run.as_ref().map(|r| r.status),
        Some(QueryStatus::Cancelled)
    );
    assert!(l.leave_now(102).is_empty(), "only once");

    // Cancelled before StartQuery answered: stopped when the id arrives.
    let mut l = LogsState::default();
    l.start(None, vec!["/g".into()], 5).expect("starts");
    assert!(l.cancel(6));
    let id = l.run.as_ref().map(|r| r.id).unwrap_or_default();
    l.store(
        LogsFetched::Started(id, InsightsQuery::default(), Ok("q9".into())),
        7,
    );
    assert!(due(&l, 7).contains(&LogsSource::Stop("q9".into())));
}

#[test]
fn failures_and_transient_errors() {
    let mut l = LogsState::default();
    let id = started(&mut l, 0);
    l.store(
        LogsFetched::Results(id, "q1".into(), Err(CloudError::Throttled("slow".into()))),
        0,
    );
    assert!(l.run.as_ref().is_some_and(QueryRun::is_running), "retried");
    l.store(
        LogsFetched::Results(
            id,
            "q1".into(),
            Ok(QueryResults {
                status: QueryStatus::Failed,
                statistics: None,
                rows: vec![],
            }),
        ),
        6,
    );
    assert!(!l.run.as_ref().is_some_and(QueryRun::is_running));
    let mut l = LogsState::default();
    l.start(None, vec!["/g".into()], 0).expect("starts");
    let id = l.run.as_ref().map(|r| r.id).unwrap_or_default();
    l.store(
        LogsFetched::Started(
            id,
            InsightsQuery::default(),
            Err(CloudError::Invalid("bad".into())),
        ),
        1,
    );
    assert_eq!(l.run.as_ref().map(|r| r.status), Some(QueryStatus::Failed));
    assert!(l.start(None, vec![], 0).is_err(), "no groups");
    l.range_input = "soon".into();
    assert!(l.start(None, vec!["/g".into()], 0).is_err(), "bad range");
}
