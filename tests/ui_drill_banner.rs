//! The DRILL banner on every screen while a drill plays: on top of the prod frame at
//! 80x24 and 200x60 (with the keys and the last hint), first on the "too small" screen
//! at 20x5, reversed in the warning colour; F9, F8 and `:hint` reach the drill only while
//! one plays.

mod ui_support;

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use opsdeck::app::AppState;
use opsdeck::app::event::DrillControl;
use opsdeck::app::update::{Effect, Event, update};
use opsdeck::cloud::sim::{self, SimClock, SimWorld};
use opsdeck::config::Config;
use opsdeck::drill::DrillLibrary;
use opsdeck::drill::session::DrillBanner;
use opsdeck::panes::Pane;
use opsdeck::runbook::library::Library;
use ratatui::style::Modifier;
use ui_support::{T0, render, settle, text};

const MINUTES: i64 = 9;

/// The dashboard of prod nine minutes into the cache-pressure drill.
async fn drill_console(hint: Option<&str>) -> AppState {
    let drill = DrillLibrary::load(None, &Library::load(None))
        .get("cache-pressure")
        .cloned()
        .expect("drill");
    let world = SimWorld::with_scenario(42, SimClock::Fixed(T0), drill.scenario());
    world.set_elapsed(MINUTES * 60);
    let config = Config::default();
    let env = config.environment("prod").expect("prod").clone();
    let now = T0 + MINUTES * 60;
    let mut state = AppState::new(config, env, now);
    state.demo = true;
    state.pane = Pane::Dashboard;
    state.drill = Some(DrillBanner {
        name: drill.name.clone(),
        elapsed: MINUTES * 60,
        duration: drill.duration_minutes * 60,
        paused: false,
        over: false,
        hint: hint.map(str::to_string),
    });
    let cloud = sim::handle(Arc::clone(&world), "prod", false);
    let effects = update(&mut state, Event::Tick(now));
    settle(&mut state, &cloud, effects).await;
    update(&mut state, Event::Tick(now + 5));
    state
}

#[tokio::test]
async fn the_banner_is_on_top_at_every_size() {
    let state = drill_console(Some("The Dashboard's Cache tier: memory %")).await;
    for (w, h) in [(80, 24), (200, 60), (20, 5)] {
        let buffer = render(&state, w, h);
        let screen = text(&buffer);
        let first = screen.lines().next().unwrap_or_default().to_string();
        let banner_row = if (w, h) == (20, 5) { 0 } else { 1 };
        let row = screen.lines().nth(banner_row).unwrap_or_default();
        assert!(row.contains("DRILL"), "{w}x{h}: {screen}");
        // Reversed, so it reads as a banner in any theme and with NO_COLOR.
        let x = row.find("DRILL").map_or(0, |i| row[..i].chars().count()) as u16;
        let cell = &buffer[(x, banner_row as u16)];
        assert!(cell.modifier.contains(Modifier::REVERSED), "{w}x{h}");
        if w >= 80 {
            assert!(
                first.contains("PRODUCTION"),
                "the prod frame stays: {first}"
            );
            assert!(row.contains("09:00/25:00"), "{row}");
        }
        insta::assert_snapshot!(format!("drill_banner_{w}x{h}"), screen);
    }
    let wide = text(&render(&state, 200, 60));
    assert!(wide.contains("simulated account, not real AWS"), "{wide}");
    assert!(wide.contains("F9 hint"), "{wide}");
    assert!(wide.contains("hint: The Dashboard's Cache tier"), "{wide}");
}

#[tokio::test]
async fn paused_and_over_say_so() {
    let mut state = drill_console(None).await;
    if let Some(b) = state.drill.as_mut() {
        b.paused = true;
    }
    assert!(text(&render(&state, 120, 30)).contains("09:00/25:00 PAUSED"));
    if let Some(b) = state.drill.as_mut() {
        b.over = true;
        b.elapsed = 26 * 60;
    }
    let screen = text(&render(&state, 120, 30));
    assert!(
        screen.contains("25:00/25:00 OVER: opsdeck drill report"),
        "{screen}"
    );
    insta::assert_snapshot!(
        "drill_banner_over_120x30",
        screen.lines().nth(1).unwrap_or_default()
    );
}

#[tokio::test]
async fn f9_and_f8_reach_the_drill_only_while_one_plays() {
    let press = |state: &mut AppState, code| {
        update(state, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    };
    let mut state = drill_console(None).await;
    assert!(press(&mut state, KeyCode::F(9)).contains(&Effect::Drill(DrillControl::Hint)));
    assert!(press(&mut state, KeyCode::F(8)).contains(&Effect::Drill(DrillControl::Pause)));
    // The palette's `:hint` does what F9 does.
    press(&mut state, KeyCode::Char(':'));
    for c in "hint".chars() {
        press(&mut state, KeyCode::Char(c));
    }
    assert!(press(&mut state, KeyCode::Enter).contains(&Effect::Drill(DrillControl::Hint)));
    state.drill = None;
    assert!(press(&mut state, KeyCode::F(9)).is_empty());
}
