//! Criterion: one Security pane frame at 240x70 with 10,000 Security Hub findings loaded
//! (the simulated account's findings repeated with distinct ids), and applying that
//! listing to the pane's state (counts, filters and sorts run on arrival, not per frame).

mod support;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use opsdeck::app::dispatch::Fetched;
use opsdeck::app::update::{Event, update};
use opsdeck::panes::Pane;
use opsdeck::panes::security::sources::SecurityFetched;
use opsdeck::ui;
use opsdeck::ui::theme::Theme;
use opsdeck::ui::view::View;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support::large::{FINDINGS, inflate};
use support::{loaded_state, rss_kb};

fn bench(c: &mut Criterion) {
    let before = rss_kb();
    let (state, applied) = loaded_state(Pane::Security, inflate);
    if let (Some(b), Some(a)) = (before, rss_kb()) {
        eprintln!(
            "resident set: {} MB with {FINDINGS} findings loaded ({} MB before)",
            a / 1024,
            b / 1024
        );
    }
    let findings = applied
        .into_iter()
        .find(|f| matches!(f, Fetched::Security(SecurityFetched::Findings(..))))
        .expect("a findings listing");
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
