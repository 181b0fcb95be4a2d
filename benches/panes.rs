//! Frame time of every pane at 240x70 on prod mid-incident, with the large data loaded
//! where a pane holds a list (10,000 findings, 500 services, 10,000 query rows, 100,000
//! tail lines): criterion's estimate per pane, then p50/p99/max of 2,000 frames each
//! (the target is p99 ≤ 1 ms per pane).

mod support;

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use opsdeck::app::AppState;
use opsdeck::panes::Pane;
use opsdeck::ui;
use opsdeck::ui::theme::Theme;
use opsdeck::ui::view::View;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support::large::{inflate, load_logs};
use support::loaded_state;

/// The panes measured: each with its data, the Logs pane twice (query results, tail).
fn states() -> Vec<(String, AppState)> {
    let mut out = Vec::new();
    for pane in Pane::EVERY {
        let (mut state, _) = loaded_state(pane, inflate);
        if pane == Pane::Logs {
            let (mut tail, _) = loaded_state(pane, inflate);
            load_logs(&mut tail, true);
            out.push(("logs (tail 100k)".to_string(), tail));
            load_logs(&mut state, false);
            out.push(("logs (10k rows)".to_string(), state));
        } else {
            out.push((format!("{pane:?}").to_lowercase(), state));
        }
    }
    out
}

/// p50, p99 and max of `frames` draws, in microseconds.
fn percentiles(state: &AppState, theme: &Theme, frames: usize) -> (f64, f64, f64) {
    let view = View { app: state, theme };
    let mut terminal = Terminal::new(TestBackend::new(240, 70)).expect("terminal");
    let mut times: Vec<f64> = (0..frames)
        .map(|_| {
            let t = Instant::now();
            terminal
                .draw(|f| ui::draw(f, black_box(&view)))
                .expect("draw");
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    (at(0.5), at(0.99), times[times.len() - 1])
}

fn bench(c: &mut Criterion) {
    let theme = Theme::default_theme();
    let states = states();
    eprintln!("pane                 p50 µs   p99 µs   max µs  (2,000 frames at 240x70)");
    for (name, state) in &states {
        let (p50, p99, max) = percentiles(state, &theme, 2_000);
        eprintln!("{name:<20} {p50:>7.0}  {p99:>7.0}  {max:>7.0}");
    }
    for (name, state) in &states {
        let view = View {
            app: state,
            theme: &theme,
        };
        let mut terminal = Terminal::new(TestBackend::new(240, 70)).expect("terminal");
        c.bench_function(&format!("{name} render 240x70"), |b| {
            b.iter(|| {
                terminal
                    .draw(|f| ui::draw(f, black_box(&view)))
                    .expect("draw");
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
