//! The fleet pane on the simulated account (dev, staging, prod), TestBackend + insta:
//! prod mid-incident (ten minutes in: ALB critical, ECS warning, a deployment in flight,
//! alarms firing) next to a calm dev and a staging whose database is low on storage; one
//! environment failing a source on its own; a role that needs MFA; `0` and `enter`.

mod ui_support;

use std::sync::Arc;

use crossterm::event::KeyCode;
use opsdeck::app::AppState;
use opsdeck::app::connect::{Connector, SimConnector};
use opsdeck::app::dispatch::{Source, run_fetch_with_fleet};
use opsdeck::app::update::{Effect, Event, update};
use opsdeck::cloud::CloudError;
use opsdeck::cloud::sim::{SimClock, SimSource, SimWorld};
use opsdeck::config::Config;
use opsdeck::level::Level;
use opsdeck::panes::Pane;
use opsdeck::panes::fleet::readers::FleetReaders;
use opsdeck::panes::fleet::row::NEEDS_MFA;
use ratatui::buffer::Buffer;
use ui_support::{T0, render, text};

/// Ten minutes into the prod incident: the bad deployment crash-loops.
const MID_INCIDENT: i64 = 10;
const SIZES: [(u16, u16); 4] = [(240, 70), (120, 40), (80, 24), (40, 10)];

/// The console on `env`, showing `pane`, with every fleet row read from the sim.
async fn fleet_console(env: &str, minutes: i64, tweak: impl Fn(&SimWorld)) -> AppState {
    let world = SimWorld::new(42, SimClock::Fixed(T0));
    world.set_clock(SimClock::Fixed(T0 + minutes * 60));
    tweak(&world);
    let now = T0 + minutes * 60;
    let config = Config::default();
    let environment = config.environment(env).expect("env").clone();
    let mut state = AppState::new(config.clone(), environment.clone(), now);
    state.demo = true;
    state.pane = Pane::Fleet;
    let connector = SimConnector {
        world: Arc::clone(&world),
        read_only: false,
    };
    let readers = FleetReaders::new(connector.fleet_readers(), 8);
    let cloud = connector.connect(&environment);
    let mut effects = update(&mut state, Event::Tick(now));
    for _ in 0..10 {
        let fetches: Vec<Source> = effects
            .drain(..)
            .filter_map(|e| match e {
                Effect::Fetch(s) => Some(s),
                _ => None,
            })
            .collect();
        if fetches.is_empty() {
            break;
        }
        for s in fetches {
            let env = state.env.clone();
            let f =
                run_fetch_with_fleet(cloud.read.as_ref(), &env, &readers, &config, s, now).await;
            effects.extend(update(&mut state, Event::Fetched(f)));
        }
    }
    // Ages in snapshots: data read 5 s ago.
    update(&mut state, Event::Tick(now + 5));
    state
}

fn has_colour(buf: &Buffer, colour: ratatui::style::Color) -> bool {
    buf.content().iter().any(|c| c.fg == colour)
}

fn line_of<'a>(screen: &'a str, env: &str) -> &'a str {
    screen
        .lines()
        .find(|l| {
            l.trim_start_matches(['┃', '│', ' '])
                .split_whitespace()
                .next()
                == Some(env)
        })
        .unwrap_or_else(|| panic!("no row for {env}:\n{screen}"))
}

#[tokio::test]
async fn prod_mid_incident_next_to_calm_dev() {
    let mut state = fleet_console("prod", MID_INCIDENT, |_| {}).await;
    // The detail below the table shows prod.
    for _ in 0..2 {
        ui_support::key(&mut state, KeyCode::Char('j'));
    }
    let rows: Vec<_> = state
        .fleet
        .slots
        .iter()
        .map(|s| s.row.clone().expect("every row read"))
        .collect();
    let levels: Vec<Level> = rows.iter().map(|r| r.level).collect();
    assert_eq!(
        levels,
        vec![Level::Ok, Level::Critical, Level::Critical],
        "dev calm; staging's database and its alarm; prod's ALB"
    );
    let prod = &rows[2];
    assert_eq!(prod.tiers[0].level, Level::Critical, "{:?}", prod.tiers[0]);
    assert_eq!(prod.tiers[1].level, Level::Warning, "{:?}", prod.tiers[1]);
    assert_eq!(prod.deployments, Ok(1));
    assert!(prod.alarms.as_ref().is_ok_and(|n| *n > 0));
    assert!(rows.iter().all(|r| r.failures.is_empty()));
    let screen = text(&render(&state, 240, 70));
    for want in [
        "Fleet · 3 environments",
        "333333333333 role/OnCallEngineer",
        "5xx",
        "fresh",
        "$0.18/$600",
    ] {
        assert!(screen.contains(want), "{want} missing:\n{screen}");
    }
    assert!(line_of(&screen, "dev").contains("OK"));
    assert!(has_colour(
        &render(&state, 240, 70),
        opsdeck::ui::theme::Theme::default_theme().critical
    ));
    for (w, h) in SIZES {
        insta::assert_snapshot!(
            format!("fleet_mid_incident_{w}x{h}"),
            text(&render(&state, w, h))
        );
    }
    for w in 1..=30u16 {
        for h in 1..=12u16 {
            render(&state, w, h);
        }
    }
}

#[tokio::test]
async fn an_environment_failing_one_source_shows_its_error_while_the_others_are_fresh() {
    let mut state = fleet_console("dev", MID_INCIDENT, |w| {
        w.fail_in(
            "staging",
            SimSource::Alarms,
            CloudError::AccessDenied("cloudwatch:DescribeAlarms".into()),
        );
    })
    .await;
    let staging = state.fleet.slots[1].row.clone().expect("staging read");
    assert_eq!(
        staging.alarms,
        Err("AccessDenied".into()),
        "unknown, never 0"
    );
    assert!(
        staging
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("DescribeAlarms"))
    );
    for other in [0, 2] {
        let row = state.fleet.slots[other].row.clone().expect("read");
        assert!(row.failures.is_empty(), "{row:?}");
        assert!(row.alarms.is_ok());
    }
    let screen = text(&render(&state, 240, 70));
    assert!(
        line_of(&screen, "staging").contains("DescribeAlarms AccessDenied"),
        "{screen}"
    );
    assert!(line_of(&screen, "dev").contains("fresh"), "{screen}");
    assert!(line_of(&screen, "prod").contains("fresh"), "{screen}");
    ui_support::key(&mut state, KeyCode::Char('j'));
    insta::assert_snapshot!(
        "fleet_one_source_failing_120x40",
        text(&render(&state, 120, 40))
    );
    insta::assert_snapshot!(
        "fleet_one_source_failing_80x24",
        text(&render(&state, 80, 24))
    );
}

#[tokio::test]
async fn a_role_that_needs_mfa_says_so_instead_of_asking() {
    let state = fleet_console("dev", MID_INCIDENT, |w| {
        w.fail_in(
            "prod",
            SimSource::Identity,
            CloudError::MfaNeeded("profile prod needs an MFA code".into()),
        );
    })
    .await;
    let prod = state.fleet.slots[2].row.clone().expect("prod read");
    assert!(prod.needs_mfa);
    assert_eq!(prod.problem.as_deref(), Some(NEEDS_MFA));
    let screen = text(&render(&state, 240, 70));
    assert!(line_of(&screen, "prod").contains(NEEDS_MFA), "{screen}");
    assert!(state.mfa_prompt.is_none(), "nobody is asked for a code");
}

#[tokio::test]
async fn zero_opens_the_fleet_and_enter_opens_an_environment() {
    let mut state = fleet_console("dev", MID_INCIDENT, |_| {}).await;
    state.pane = Pane::Dashboard;
    let press = |state: &mut AppState, code| {
        update(
            state,
            Event::Key(crossterm::event::KeyEvent::new(
                code,
                crossterm::event::KeyModifiers::NONE,
            )),
        )
    };
    press(&mut state, KeyCode::Char('0'));
    assert_eq!(state.pane, Pane::Fleet);
    press(&mut state, KeyCode::Char('j'));
    press(&mut state, KeyCode::Char('j'));
    let effects = press(&mut state, KeyCode::Enter);
    assert!(
        effects.contains(&Effect::SwitchEnv("prod".into())),
        "{effects:?}"
    );
    assert_eq!(
        (state.pane, state.env.name.as_str()),
        (Pane::Dashboard, "prod")
    );
    assert!(
        state.fleet.slots.iter().all(|s| s.row.is_some()),
        "the fleet is kept across the switch"
    );
    // Back on the fleet, enter on the current environment just shows its dashboard.
    press(&mut state, KeyCode::Char('0'));
    let effects = press(&mut state, KeyCode::Enter);
    assert!(!effects.iter().any(|e| matches!(e, Effect::SwitchEnv(_))));
    assert_eq!(state.pane, Pane::Dashboard);
}

#[tokio::test]
async fn the_filter_narrows_rows_by_name_account_or_problem() {
    let mut state = fleet_console("dev", MID_INCIDENT, |_| {}).await;
    for c in ['/', '3', '3', '3'] {
        update(
            &mut state,
            Event::Key(crossterm::event::KeyEvent::new(
                KeyCode::Char(c),
                crossterm::event::KeyModifiers::NONE,
            )),
        );
    }
    assert_eq!(state.fleet.visible, vec![2], "prod's account 333333333333");
    let screen = text(&render(&state, 120, 40));
    assert!(screen.contains("/333"), "{screen}");
}
