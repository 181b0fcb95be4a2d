//! TestBackend + insta snapshots of the console on the simulated account at a fixed
//! time: the ECS pane, header and help at 80x24, 200x60 and a tiny 20x5, plus
//! colour assertions for what must stand out (prod frame, failures).

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use opsdeck::app::source::{Fetched, Source};
use opsdeck::app::update::{Effect, Event, update};
use opsdeck::app::{AppState, Mode};
use opsdeck::cloud::sim::{self, SimClock, SimSource, SimWorld};
use opsdeck::cloud::{CloudError, CloudHandle};
use opsdeck::config::Config;
use opsdeck::ui;
use opsdeck::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

/// 2026-09-01T00:00:00Z: the simulated incident starts here.
const T0: i64 = 1_788_220_800;

async fn fetch(cloud: &CloudHandle, cluster: &str, source: Source) -> Fetched {
    let r = &cloud.read;
    match source {
        Source::Identity => Fetched::Identity(r.caller_identity().await),
        Source::EcsServices => Fetched::EcsServices(r.list_services(cluster).await),
        Source::EcsTasks => Fetched::EcsTasks(r.list_tasks(cluster).await),
        Source::ServiceDeployments(s) => {
            let x = r.list_service_deployments(cluster, &s).await;
            Fetched::ServiceDeployments(s, x)
        }
        Source::TaskDefinition(a) => {
            let x = r.describe_task_definition(&a).await;
            Fetched::TaskDefinition(a, x)
        }
    }
}

/// Run the reducer's fetches against the sim until nothing more is due.
async fn settle(state: &mut AppState, cloud: &CloudHandle, mut effects: Vec<Effect>) {
    for _ in 0..10 {
        let fetches: Vec<Source> = effects
            .drain(..)
            .filter_map(|e| match e {
                Effect::Fetch(s) => Some(s),
                _ => None,
            })
            .collect();
        if fetches.is_empty() {
            return;
        }
        for s in fetches {
            let f = fetch(cloud, &state.env.cluster.clone(), s).await;
            effects.extend(update(state, Event::Fetched(f)));
        }
    }
}

async fn console(env: &str, minutes: i64, tweak: impl Fn(&SimWorld)) -> AppState {
    let world = SimWorld::new(42, SimClock::Fixed(T0));
    world.set_clock(SimClock::Fixed(T0 + minutes * 60));
    tweak(&world);
    let config = Config::default();
    let environment = config.environment(env).expect("env").clone();
    let mut state = AppState::new(
        config,
        environment,
        Theme::default_theme(),
        T0 + minutes * 60,
    );
    state.demo = true;
    let cloud = sim::handle(Arc::clone(&world), env, false);
    let effects = update(&mut state, Event::Tick(T0 + minutes * 60));
    settle(&mut state, &cloud, effects).await;
    // Ages in snapshots: data fetched 5 s ago.
    update(&mut state, Event::Tick(T0 + minutes * 60 + 5));
    state
}

fn render(state: &AppState, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| ui::draw(f, state)).expect("draw");
    terminal.backend().buffer().clone()
}

fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        for x in 0..area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn key(state: &mut AppState, code: KeyCode) {
    update(state, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

#[tokio::test]
async fn ecs_prod_steady_at_three_sizes() {
    let state = console("prod", 1, |_| {}).await;
    for (w, h) in [(80, 24), (200, 60), (20, 5)] {
        insta::assert_snapshot!(
            format!("ecs_prod_steady_{w}x{h}"),
            text(&render(&state, w, h))
        );
    }
}

#[tokio::test]
async fn ecs_prod_incident_shows_the_failing_rollout() {
    let state = console("prod", 6, |_| {}).await;
    let buf = render(&state, 200, 60);
    let screen = text(&buf);
    assert!(screen.contains("IN_PROGRESS"), "{screen}");
    insta::assert_snapshot!("ecs_prod_incident_200x60", screen);
    insta::assert_snapshot!("ecs_prod_incident_80x24", text(&render(&state, 80, 24)));
}

#[tokio::test]
async fn prod_is_framed_in_the_prod_colour() {
    let state = console("prod", 1, |_| {}).await;
    let buf = render(&state, 120, 30);
    let theme = Theme::default_theme();
    assert_eq!(buf[(0, 0)].fg, theme.env_prod, "prod frame colour");
    assert!(
        text(&buf)
            .lines()
            .next()
            .unwrap_or("")
            .contains("PRODUCTION")
    );
    let dev = console("dev", 1, |_| {}).await;
    let buf = render(&dev, 120, 30);
    assert_ne!(buf[(0, 0)].fg, theme.env_prod, "dev has no prod frame");
    insta::assert_snapshot!("ecs_dev_120x30", text(&buf));
}

#[tokio::test]
async fn help_lists_every_binding() {
    let mut state = console("dev", 1, |_| {}).await;
    key(&mut state, KeyCode::Char('?'));
    assert_eq!(state.mode, Mode::Help);
    for (w, h) in [(80, 24), (200, 60)] {
        insta::assert_snapshot!(format!("help_{w}x{h}"), text(&render(&state, w, h)));
    }
    text(&render(&state, 20, 5));
}

#[tokio::test]
async fn palette_suggests_environments() {
    let mut state = console("dev", 1, |_| {}).await;
    key(&mut state, KeyCode::Char(':'));
    for c in "env ".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    insta::assert_snapshot!("palette_env_80x24", text(&render(&state, 80, 24)));
}

#[tokio::test]
async fn a_failing_source_shows_its_error_while_others_work() {
    let state = console("staging", 1, |w| {
        w.fail(
            SimSource::EcsTasks,
            CloudError::AccessDenied("ecs:ListTasks".into()),
        );
    })
    .await;
    let buf = render(&state, 200, 60);
    let screen = text(&buf);
    assert!(screen.contains("AccessDenied"), "{screen}");
    assert!(
        screen.contains("cloudplatform-staging-ecs-service"),
        "{screen}"
    );
    insta::assert_snapshot!("ecs_staging_tasks_denied_200x60", screen);
}

#[tokio::test]
async fn filter_narrows_the_focused_list() {
    let mut state = console("prod", 1, |_| {}).await;
    key(&mut state, KeyCode::Char('/'));
    for c in "worker".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    key(&mut state, KeyCode::Enter);
    assert_eq!(state.ecs.visible_services().len(), 1);
    insta::assert_snapshot!("ecs_prod_filtered_80x24", text(&render(&state, 80, 24)));
}

#[tokio::test]
async fn every_size_renders_without_panic() {
    let state = console("prod", 7, |_| {}).await;
    for w in [1, 2, 10, 39, 40, 41, 79, 80, 120, 300] {
        for h in [1, 2, 5, 9, 10, 11, 24, 70] {
            render(&state, w, h);
        }
    }
}
