//! TestBackend + insta snapshots of the console on the simulated account at a fixed
//! time: the ECS pane, header and help at 80x24, 200x60 and a tiny 20x5, plus
//! colour assertions for what must stand out (prod frame, failures).

mod ui_support;

use crossterm::event::KeyCode;
use opsdeck::app::Mode;
use opsdeck::cloud::CloudError;
use opsdeck::cloud::sim::SimSource;
use opsdeck::ui::theme::Theme;
use ui_support::{console, key, render, text};

#[tokio::test]
async fn ecs_prod_steady_at_three_sizes() {
    let state = console("prod", 1, |_| {}).await;
    // Tiny: the same "too small" screen the dashboard's 20x5 snapshot holds.
    assert!(text(&render(&state, 20, 5)).contains("too small"));
    for (w, h) in [(80, 24), (200, 60)] {
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
