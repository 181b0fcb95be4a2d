//! The Logs pane on the simulated account: snapshots while a query runs, complete,
//! failed and empty, the row detail and the live tail at 80x24, 200x60 and a tiny size;
//! leaving the pane stops a running query; any result shape renders without panic.

mod ui_support;

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use opsdeck::app::AppState;
use opsdeck::app::dispatch::{Fetched, Source};
use opsdeck::app::update::{Effect, Event, update};
use opsdeck::cloud::sim::{self, SimClock, SimSource, SimWorld};
use opsdeck::cloud::{CloudError, CloudHandle, QueryResults, QueryStatus, ResultRow};
use opsdeck::config::Config;
use opsdeck::panes::Pane;
use opsdeck::panes::logs::sources::{LogsFetched, LogsSource};
use opsdeck::ui::theme::Theme;
use proptest::prelude::*;
use ui_support::{T0, render, settle, text};

const SIZES: [(u16, u16); 3] = [(80, 24), (200, 60), (20, 5)];

struct Console {
    state: AppState,
    cloud: CloudHandle,
    world: Arc<SimWorld>,
}

impl Console {
    async fn new(env: &str, minutes: i64, tweak: impl Fn(&SimWorld)) -> Console {
        let world = SimWorld::new(42, SimClock::Fixed(T0));
        world.set_clock(SimClock::Fixed(T0 + minutes * 60));
        tweak(&world);
        let config = Config::default();
        let environment = config.environment(env).expect("env").clone();
        let now = T0 + minutes * 60;
        let mut state = AppState::new(config, environment, now);
        state.demo = true;
        state.pane = Pane::Logs;
        let cloud = sim::handle(Arc::clone(&world), env, false);
        let mut c = Console {
            state,
            cloud,
            world,
        };
        c.event(Event::Tick(now)).await;
        c
    }

    async fn event(&mut self, e: Event) -> Vec<Effect> {
        let effects = update(&mut self.state, e);
        let kept = effects.clone();
        settle(&mut self.state, &self.cloud, effects).await;
        kept
    }

    async fn key(&mut self, code: KeyCode) -> Vec<Effect> {
        self.event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
            .await
    }

    async fn ctrl(&mut self, c: char) -> Vec<Effect> {
        self.event(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )))
        .await
    }

    async fn wait(&mut self, secs: i64) {
        self.world.advance(secs);
        let now = self.state.now + secs;
        self.event(Event::Tick(now)).await;
    }

    fn status(&self) -> Option<QueryStatus> {
        self.state.logs.run.as_ref().map(|r| r.status)
    }

    /// Snapshots at 80x24 and 200x60; the tiny size renders the same "too small" screen
    /// for every state, so one snapshot of it (the dev one) is kept and the rest assert it.
    fn snap(&self, name: &str) {
        for (w, h) in SIZES {
            if (w, h) == (20, 5) && name != "logs_dev_empty" {
                let tiny = text(&render(&self.state, w, h));
                assert!(tiny.contains("too small"), "{tiny}");
                continue;
            }
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), text(&render(&self.state, w, h)));
        }
    }
}

#[tokio::test]
async fn recent_errors_runs_then_completes_with_statistics() {
    let mut c = Console::new("prod", 10, |_| {}).await;
    c.snap("logs_prod_idle");
    c.key(KeyCode::F(1)).await;
    assert_eq!(c.status(), Some(QueryStatus::Running));
    let screen = text(&render(&c.state, 200, 60));
    assert!(screen.contains("Running"), "{screen}");
    assert!(
        screen.contains("scanned"),
        "statistics while running: {screen}"
    );
    c.snap("logs_prod_running");
    c.wait(2).await;
    assert_eq!(c.status(), Some(QueryStatus::Complete));
    let table = c.state.logs.results.as_ref().expect("results");
    assert_eq!(table.columns, vec!["@timestamp", "@message"], "@ptr hidden");
    assert_eq!(table.rows.len(), 20);
    assert!(table.rows.iter().all(|r| r[1].1.contains("ERROR")));
    let screen = text(&render(&c.state, 200, 60));
    assert!(screen.contains("KeyError"), "{screen}");
    assert!(screen.contains("Complete"), "{screen}");
    c.snap("logs_prod_complete");

    // The detail view pretty-prints the JSON message (the second row is JSON).
    c.key(KeyCode::Char('j')).await;
    c.key(KeyCode::Enter).await;
    let screen = text(&render(&c.state, 200, 60));
    assert!(screen.contains("\"path\":"), "{screen}");
    insta::assert_snapshot!("logs_prod_detail_200x60", screen);
    c.key(KeyCode::Esc).await;
    assert!(c.state.logs.detail.is_none());
}

#[tokio::test]
async fn errors_by_endpoint_is_a_multi_column_stats_table() {
    let mut c = Console::new("prod", 10, |_| {}).await;
    c.key(KeyCode::F(2)).await;
    c.wait(2).await;
    let table = c.state.logs.results.as_ref().expect("results");
    assert_eq!(table.columns, vec!["endpoint", "errors"]);
    assert!(table.rows[0][0].1.starts_with("/api/"), "{:?}", table.rows);
    let counts: Vec<f64> = table
        .rows
        .iter()
        .filter_map(|r| r[1].1.parse().ok())
        .collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "sorted by errors desc"
    );
    c.snap("logs_prod_by_endpoint");
    c.key(KeyCode::F(3)).await;
    c.wait(2).await;
    let table = c.state.logs.results.as_ref().expect("results");
    assert_eq!(
        table.columns,
        vec!["bin(5m)", "slow_requests", "avg_duration"]
    );
}

#[tokio::test]
async fn a_failing_start_shows_the_error() {
    let mut c = Console::new("prod", 10, |w| {
        w.fail(
            SimSource::LogsInsights,
            CloudError::AccessDenied("logs:StartQuery".into()),
        )
    })
    .await;
    c.key(KeyCode::F(1)).await;
    assert_eq!(c.status(), Some(QueryStatus::Failed));
    let screen = text(&render(&c.state, 200, 60));
    assert!(screen.contains("access denied"), "{screen}");
    c.snap("logs_prod_failed");
}

#[tokio::test]
async fn an_edited_query_matching_nothing_is_empty() {
    let mut c = Console::new("dev", 10, |_| {}).await;
    c.key(KeyCode::Char('e')).await;
    for _ in 0..200 {
        c.key(KeyCode::Backspace).await;
    }
    for ch in "fields @timestamp, @message\n| filter @message like /NO-SUCH-LINE/".chars() {
        let code = if ch == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(ch)
        };
        c.key(code).await;
    }
    assert!(
        c.state.logs.captures_keys(),
        "q typed into the editor does not quit"
    );
    c.key(KeyCode::Tab).await;
    c.key(KeyCode::Tab).await;
    c.key(KeyCode::Backspace).await;
    c.key(KeyCode::Backspace).await;
    for ch in "15m".chars() {
        c.key(KeyCode::Char(ch)).await;
    }
    c.ctrl('r').await;
    c.wait(2).await;
    assert_eq!(c.status(), Some(QueryStatus::Complete));
    let run = c.state.logs.run.as_ref().expect("run");
    assert_eq!(run.query.end - run.query.start, 900);
    assert!(
        c.state
            .logs
            .results
            .as_ref()
            .is_some_and(|t| t.rows.is_empty())
    );
    assert_eq!(c.state.logs.history.len(), 1);
    c.snap("logs_dev_empty");
}

#[tokio::test]
async fn leaving_the_pane_stops_a_running_query() {
    let mut c = Console::new("prod", 10, |_| {}).await;
    c.key(KeyCode::F(1)).await;
    let qid = c
        .state
        .logs
        .run
        .as_ref()
        .and_then(|r| r.query_id.clone())
        .expect("query id");
    let effects = update(
        &mut c.state,
        Event::Key(KeyEvent::new(KeyCode::Char('2'), KeyModifiers::NONE)),
    );
    assert!(
        effects.contains(&Effect::Fetch(Source::Logs(LogsSource::Stop(qid.clone())))),
        "{effects:?}"
    );
    assert_eq!(c.status(), Some(QueryStatus::Cancelled));
    // `c` cancels too.
    let mut c = Console::new("prod", 10, |_| {}).await;
    c.key(KeyCode::F(1)).await;
    let effects = c.key(KeyCode::Char('c')).await;
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Fetch(Source::Logs(LogsSource::Stop(_))))),
        "{effects:?}"
    );
}

#[tokio::test]
async fn live_tail_follows_pauses_and_highlights() {
    let mut c = Console::new("prod", 8, |_| {}).await;
    c.key(KeyCode::Char('t')).await;
    let n = c.state.logs.tail.events.len();
    assert!(n > 10, "{n}");
    let screen = text(&render(&c.state, 200, 60));
    assert!(screen.contains("Live tail"), "{screen}");
    assert!(screen.contains("Request completed"), "{screen}");
    c.snap("logs_prod_tail");
    // Errors are red.
    let buf = render(&c.state, 200, 60);
    let theme = Theme::default_theme();
    let red = (0..60)
        .any(|y| (0..200).any(|x| buf[(x, y)].fg == theme.critical && buf[(x, y)].symbol() == "E"));
    assert!(red, "ERROR lines highlighted");
    c.key(KeyCode::Char(' ')).await;
    assert!(c.state.logs.tail.paused);
    c.wait(10).await;
    assert_eq!(c.state.logs.tail.events.len(), n, "paused: no poll");
    c.key(KeyCode::Char(' ')).await;
    c.wait(10).await;
    assert!(c.state.logs.tail.events.len() > n, "resumed");
}

fn run_with(state: &mut AppState, rows: Vec<ResultRow>) {
    state
        .logs
        .start(None, vec!["/g".into()], state.now)
        .expect("start");
    let id = state.logs.run.as_ref().map(|r| r.id).unwrap_or_default();
    let q = state
        .logs
        .run
        .as_ref()
        .map(|r| r.query.clone())
        .unwrap_or_default();
    update(
        state,
        Event::Fetched(Fetched::Logs(LogsFetched::Started(id, q, Ok("q".into())))),
    );
    update(
        state,
        Event::Fetched(Fetched::Logs(LogsFetched::Results(
            id,
            "q".into(),
            Ok(QueryResults {
                status: QueryStatus::Complete,
                statistics: None,
                rows,
            }),
        ))),
    );
}

fn bare_state() -> AppState {
    let config = Config::default();
    let env = config.environment("prod").expect("prod").clone();
    let mut s = AppState::new(config, env, T0);
    s.pane = Pane::Logs;
    s
}

#[test]
fn ten_thousand_rows_render_and_scroll() {
    let mut s = bare_state();
    let rows: Vec<ResultRow> = (0..10_000)
        .map(|i| {
            vec![
                ("@timestamp".to_string(), format!("2026-09-01 00:00:{i:05}")),
                ("@message".into(), format!("ERROR line {i}")),
                ("@ptr".into(), "x".into()),
            ]
        })
        .collect();
    run_with(&mut s, rows);
    assert_eq!(s.logs.visible_rows().len(), 10_000);
    update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::Char('G'), KeyModifiers::NONE)),
    );
    let screen = text(&render(&s, 120, 30));
    assert!(screen.contains("ERROR line 9999"), "{screen}");
}

fn arb_value() -> impl Strategy<Value = String> {
    prop_oneof![
        ".*",
        "[\\x00-\\x1f\\x7f\"\\\\{}\\[\\]é漢🙂]{0,40}",
        Just("{\"level\": \"ERROR\", \"path\": \"/api/orders\"}".to_string()),
        Just("x".repeat(20_000)),
        Just("\\x00\\u0000\u{1b}[31m\\".to_string()),
    ]
}

fn arb_rows() -> impl Strategy<Value = Vec<ResultRow>> {
    let field = prop_oneof![
        Just("@timestamp".to_string()),
        Just("@message".to_string()),
        Just("@ptr".to_string()),
        Just("count()".to_string()),
        "[a-z@()]{0,12}",
    ];
    prop::collection::vec(prop::collection::vec((field, arb_value()), 0..6), 0..40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_result_shape_renders(rows in arb_rows(), w in 0u16..220, h in 0u16..70, sort in 0usize..4) {
        let mut s = bare_state();
        run_with(&mut s, rows);
        for _ in 0..sort {
            update(&mut s, Event::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::NONE)));
        }
        let _ = render(&s, w.max(1), h.max(1));
        update(&mut s, Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
        let _ = render(&s, w.max(1), h.max(1));
        if let Some(t) = &s.logs.results {
            let all: Vec<usize> = (0..t.rows.len()).collect();
            let json: serde_json::Value = serde_json::from_str(&t.to_json(&all)).expect("json");
            prop_assert_eq!(json.as_array().map(Vec::len), Some(t.rows.len()));
            let _ = t.to_csv(&all);
        }
    }
}

/// `l` on a task in the demo: the simulated log streams are the tasks' own
/// (`fastapi/fastapi/<task-id>`), so the query finds that task's lines, and only its.
#[tokio::test]
async fn l_on_a_crashed_task_finds_its_own_log_lines() {
    let mut c = Console::new("prod", 6, |_| {}).await;
    c.key(KeyCode::Char('2')).await;
    assert_eq!(c.state.pane, Pane::Ecs);
    c.key(KeyCode::Tab).await;
    for _ in 0..40 {
        if c.state
            .ecs
            .selected_task()
            .is_some_and(|t| t.last_status == "STOPPED" && t.task_definition_arn.ends_with(":42"))
        {
            break;
        }
        c.key(KeyCode::Char('j')).await;
    }
    let task = c.state.ecs.selected_task().expect("a task").clone();
    assert!(task.task_definition_arn.ends_with(":42"), "{task:?}");
    c.key(KeyCode::Enter).await;
    c.key(KeyCode::Char('l')).await;
    assert_eq!(c.state.pane, Pane::Logs);
    c.wait(2).await;
    assert_eq!(c.status(), Some(QueryStatus::Complete));
    let table = c.state.logs.results.as_ref().expect("results");
    let stream = table
        .columns
        .iter()
        .position(|col| col == "@logStream")
        .expect("a @logStream column");
    assert!(!table.rows.is_empty(), "no lines for task {}", task.id());
    assert!(
        table.rows.iter().all(|r| r[stream].1.ends_with(task.id())),
        "{:?}",
        table.rows
    );
}
