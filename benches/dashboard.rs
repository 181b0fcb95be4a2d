//! Criterion: one dashboard frame at 240x70 (prod mid-incident, every widget filled from
//! the simulated account) and building the one `GetMetricData` request of a refresh.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use opsdeck::app::AppState;
use opsdeck::app::dispatch::{Source, run_fetch};
use opsdeck::app::update::{Effect, Event, update};
use opsdeck::cloud::sim::{self, SimClock, SimWorld};
use opsdeck::config::Config;
use opsdeck::panes::Pane;
use opsdeck::panes::dashboard::query::{DashboardTargets, TimeRange, dashboard_request};
use opsdeck::ui;
use opsdeck::ui::theme::Theme;
use opsdeck::ui::view::View;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const T0: i64 = 1_788_220_800;

fn incident_state() -> AppState {
    let now = T0 + 6 * 60;
    let world = SimWorld::new(42, SimClock::Fixed(now));
    let config = Config::default();
    let env = config.environment("prod").cloned().expect("prod");
    let mut state = AppState::new(config, env, now);
    state.pane = Pane::Dashboard;
    let cloud = sim::handle(Arc::clone(&world), "prod", true);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let mut effects = update(&mut state, Event::Tick(now));
    for _ in 0..5 {
        let sources: Vec<Source> = effects
            .drain(..)
            .filter_map(|e| match e {
                Effect::Fetch(s) => Some(s),
                _ => None,
            })
            .collect();
        for s in sources {
            let f = rt.block_on(run_fetch(cloud.read.as_ref(), &state.env.clone(), s, now));
            effects.extend(update(&mut state, Event::Fetched(f)));
        }
    }
    state
}

fn bench(c: &mut Criterion) {
    let state = incident_state();
    let theme = Theme::default_theme();
    let view = View {
        app: &state,
        theme: &theme,
    };
    let mut terminal = Terminal::new(TestBackend::new(240, 70)).expect("terminal");
    c.bench_function("dashboard render 240x70", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::draw(f, black_box(&view)))
                .expect("draw");
        })
    });
    let targets =
        DashboardTargets::for_env(&state.env, Some("app/cloudplatform-prod-alb/abc".into()));
    c.bench_function("build GetMetricData request", |b| {
        b.iter(|| dashboard_request(black_box(&targets), TimeRange::H1, black_box(T0)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
