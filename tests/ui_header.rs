//! The header says what is so: at 80x24 it keeps the environment, DEMO and a shortened
//! identity; "loading" only while something loads (a pane whose reads failed says "no
//! data"); status messages expire.

mod ui_support;

use opsdeck::app::update::{Event, update};
use opsdeck::cloud::CloudError;
use opsdeck::cloud::sim::SimSource;
use opsdeck::level::Level;
use opsdeck::panes::Pane;
use ui_support::{T0, console_on, render, text};

fn header(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains("opsdeck"))
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn at_80x24_the_header_keeps_environment_identity_and_demo() {
    let state = console_on(Pane::Ecs, "prod", 1, |_| {}).await;
    let wide = header(&text(&render(&state, 200, 60)));
    assert!(wide.contains("DEMO (simulated account)"), "{wide}");
    assert!(wide.contains("us-east-1"), "{wide}");
    let narrow = header(&text(&render(&state, 80, 24)));
    for expected in ["PRODUCTION", "DEMO", "acct …3333", "oncall@"] {
        assert!(narrow.contains(expected), "{expected:?} in {narrow}");
    }
    insta::assert_snapshot!("header_prod_demo_80x24", narrow);
}

#[tokio::test]
async fn loading_only_while_something_loads() {
    let state = console_on(Pane::Ecs, "dev", 1, |w| {
        w.fail(
            SimSource::EcsServices,
            CloudError::AccessDenied("ecs:DescribeServices".into()),
        );
        w.fail(
            SimSource::EcsTasks,
            CloudError::AccessDenied("ecs:DescribeTasks".into()),
        );
    })
    .await;
    assert!(!state.loading());
    let top = header(&text(&render(&state, 200, 60)));
    assert!(!top.contains("loading"), "{top}");
    assert!(top.contains("no data"), "{top}");
}

#[tokio::test]
async fn status_messages_expire() {
    let mut state = console_on(Pane::Ecs, "dev", 1, |_| {}).await;
    state.set_status("something happened", Level::Ok);
    assert!(text(&render(&state, 200, 60)).contains("something happened"));
    let now = state.now;
    for i in 1..=12 {
        update(&mut state, Event::Tick(now + i));
    }
    assert!(!text(&render(&state, 200, 60)).contains("something happened"));
    let _ = T0;
}

/// `:profile NAME` and `:region NAME` switch the current environment's profile or region
/// for the session and reconnect; a region that is not one is refused.
#[tokio::test]
async fn palette_switches_profile_and_region_in_place() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use opsdeck::app::update::Effect;
    let mut state = console_on(Pane::Dashboard, "staging", 1, |_| {}).await;
    let type_line = |state: &mut opsdeck::app::AppState, line: &str| {
        let press = |state: &mut opsdeck::app::AppState, code| {
            update(state, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
        };
        press(state, KeyCode::Char(':'));
        for c in line.chars() {
            press(state, KeyCode::Char(c));
        }
        press(state, KeyCode::Enter)
    };
    let effects = type_line(&mut state, "profile ops-admin");
    assert_eq!(state.env.profile.as_deref(), Some("ops-admin"));
    assert!(
        effects.contains(&Effect::SwitchEnv("staging".into())),
        "{effects:?}"
    );
    let status = state.status.clone().expect("a status").0;
    assert!(status.contains("profile ops-admin on staging"), "{status}");

    let effects = type_line(&mut state, "region eu-west-1");
    assert_eq!(state.env.region, "eu-west-1");
    assert!(effects.contains(&Effect::SwitchEnv("staging".into())));

    let effects = type_line(&mut state, "region moon-base");
    assert_eq!(state.env.region, "eu-west-1", "unchanged");
    assert!(!effects.iter().any(|e| matches!(e, Effect::SwitchEnv(_))));
    assert_eq!(state.status.clone().expect("warning").1, Level::Warning);
}

/// An expired SSO session is named as such in the header, and `L` hands the terminal to
/// `aws sso login --profile P` for the environment's profile.
#[tokio::test]
async fn an_expired_sso_session_offers_l_to_log_in() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use opsdeck::app::update::Effect;
    let mut state = console_on(Pane::Dashboard, "staging", 1, |w| {
        w.fail(
            SimSource::Identity,
            CloudError::SsoExpired("the SSO token has expired".into()),
        );
    })
    .await;
    // Outside the demo (the simulated account has no SSO), with an SSO profile.
    state.demo = false;
    state.env.profile = Some("corp-sso".into());
    let screen = text(&render(&state, 200, 60));
    assert!(
        header(&screen).contains("SSO session expired: L runs aws sso login"),
        "{screen}"
    );
    let effects = update(
        &mut state,
        Event::Key(KeyEvent::new(KeyCode::Char('L'), KeyModifiers::NONE)),
    );
    assert!(
        effects.contains(&Effect::SsoLogin(Some("corp-sso".into()))),
        "{effects:?}"
    );
    // After a successful login, everything is read again with fresh clients.
    let effects = update(
        &mut state,
        Event::Reconnect("aws sso login succeeded".into(), Level::Ok),
    );
    assert!(effects.contains(&Effect::SwitchEnv("staging".into())));
}
