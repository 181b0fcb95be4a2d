//! Criterion: one dashboard frame at 240x70 (prod mid-incident, every widget filled from
//! the simulated account) and building the one `GetMetricData` request of a refresh.

mod support;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use opsdeck::panes::Pane;
use opsdeck::panes::dashboard::query::{DashboardTargets, TimeRange, dashboard_request};
use opsdeck::ui;
use opsdeck::ui::theme::Theme;
use opsdeck::ui::view::View;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support::{T0, loaded_state};

fn bench(c: &mut Criterion) {
    let (state, _) = loaded_state(Pane::Dashboard, |f| f);
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
