//! Shared helpers for pane snapshot tests: a console state filled from the simulated
//! account at a fixed time, rendering to a TestBackend, and the buffer as text.
#![allow(dead_code)]

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use opsdeck::app::AppState;
use opsdeck::app::dispatch::{Source, run_fetch};
use opsdeck::app::update::{Effect, Event, update};
use opsdeck::cloud::CloudHandle;
use opsdeck::cloud::sim::{self, SimClock, SimWorld};
use opsdeck::config::Config;
use opsdeck::panes::Pane;
use opsdeck::ui;
use opsdeck::ui::theme::Theme;
use opsdeck::ui::view::View;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

/// 2026-09-01T00:00:00Z: the simulated incident starts here.
pub const T0: i64 = 1_788_220_800;

/// Run the reducer's fetches against the sim until nothing more is due.
pub async fn settle(state: &mut AppState, cloud: &CloudHandle, mut effects: Vec<Effect>) {
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
            let now = state.now;
            let f = run_fetch(cloud.read.as_ref(), &state.env.clone(), s, now).await;
            effects.extend(update(state, Event::Fetched(f)));
        }
    }
}

pub async fn console(env: &str, minutes: i64, tweak: impl Fn(&SimWorld)) -> AppState {
    let world = SimWorld::new(42, SimClock::Fixed(T0));
    world.set_clock(SimClock::Fixed(T0 + minutes * 60));
    tweak(&world);
    let config = Config::default();
    let environment = config.environment(env).expect("env").clone();
    let mut state = AppState::new(config, environment, T0 + minutes * 60);
    state.pane = Pane::Ecs;
    state.demo = true;
    let cloud = sim::handle(Arc::clone(&world), env, false);
    let effects = update(&mut state, Event::Tick(T0 + minutes * 60));
    settle(&mut state, &cloud, effects).await;
    // Ages in snapshots: data fetched 5 s ago.
    update(&mut state, Event::Tick(T0 + minutes * 60 + 5));
    state
}

pub fn render(state: &AppState, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    let theme = Theme::default_theme();
    let view = View {
        app: state,
        theme: &theme,
    };
    terminal.draw(|f| ui::draw(f, &view)).expect("draw");
    terminal.backend().buffer().clone()
}

pub fn text(buffer: &Buffer) -> String {
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

pub fn key(state: &mut AppState, code: KeyCode) {
    update(state, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// As `console`, but on `pane` (its sources fetched too).
pub async fn console_on(
    pane: Pane,
    env: &str,
    minutes: i64,
    tweak: impl Fn(&SimWorld),
) -> AppState {
    let world = SimWorld::new(42, SimClock::Fixed(T0));
    world.set_clock(SimClock::Fixed(T0 + minutes * 60));
    tweak(&world);
    let config = Config::default();
    let environment = config.environment(env).expect("env").clone();
    let now = T0 + minutes * 60;
    let mut state = AppState::new(config, environment, now);
    state.demo = true;
    state.pane = pane;
    let cloud = sim::handle(Arc::clone(&world), env, false);
    let effects = update(&mut state, Event::Tick(now));
    settle(&mut state, &cloud, effects).await;
    update(&mut state, Event::Tick(now + 5));
    state
}
