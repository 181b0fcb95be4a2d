//! Criterion: one Security pane frame at 240x70 with 10,000 Security Hub findings loaded
//! (the simulated account's findings repeated with distinct ids), and applying that
//! listing to the pane's state (counts, filters and sorts run on arrival, not per frame).

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use opsdeck::app::AppState;
use opsdeck::app::dispatch::{Fetched, Source, run_fetch};
use opsdeck::app::update::{Effect, Event, update};
use opsdeck::cloud::Listing;
use opsdeck::cloud::sim::{self, SimClock, SimWorld};
use opsdeck::config::Config;
use opsdeck::panes::Pane;
use opsdeck::panes::security::sources::SecurityFetched;
use opsdeck::ui;
use opsdeck::ui::theme::Theme;
use opsdeck::ui::view::View;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const T0: i64 = 1_788_220_800;
/// Findings loaded.
const FINDINGS: usize = 10_000;

/// `f` with its findings listing grown to [`FINDINGS`] (distinct ids).
fn inflate(f: Fetched) -> Fetched {
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
        other => other,
    }
}

/// The Security pane on prod mid-incident with every source fetched once; the findings
/// listing (grown) is returned too, to time applying it.
fn security_state() -> (AppState, Fetched) {
    let now = T0 + 6 * 60;
    let world = SimWorld::new(42, SimClock::Fixed(now));
    let config = Config::default();
    let env = config.environment("prod").cloned().expect("prod");
    let mut state = AppState::new(config, env, now);
    state.pane = Pane::Security;
    let cloud = sim::handle(Arc::clone(&world), "prod", true);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let mut effects = update(&mut state, Event::Tick(now));
    let mut findings = None;
    for _ in 0..5 {
        let sources: Vec<Source> = effects
            .drain(..)
            .filter_map(|e| match e {
                Effect::Fetch(s) => Some(s),
                _ => None,
            })
            .collect();
        for s in sources {
            let f =
                inflate(rt.block_on(run_fetch(cloud.read.as_ref(), &state.env.clone(), s, now)));
            if matches!(f, Fetched::Security(SecurityFetched::Findings(..))) && findings.is_none() {
                findings = Some(f.clone());
            }
            effects.extend(update(&mut state, Event::Fetched(f)));
        }
    }
    (state, findings.expect("a findings listing"))
}

fn bench(c: &mut Criterion) {
    let (state, findings) = security_state();
    assert!(
        state.security.summary().is_some(),
        "the findings are loaded"
    );
    let theme = Theme::default_theme();
    let view = View {
        app: &state,
        theme: &theme,
    };
    let mut terminal = Terminal::new(TestBackend::new(240, 70)).expect("terminal");
    c.bench_function("security render 240x70, 10k findings", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::draw(f, black_box(&view)))
                .expect("draw");
        })
    });
    c.bench_function("security: apply a 10k findings listing", |b| {
        b.iter_batched(
            || (state.clone(), findings.clone()),
            |(mut s, f)| update(&mut s, Event::Fetched(f)),
            criterion::BatchSize::LargeInput,
        )
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
