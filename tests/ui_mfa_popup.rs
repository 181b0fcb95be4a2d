//! The MFA popup and the session countdown, drawn: the profile and device, the digits as
//! dots (never the digits), at 120x40, 80x24 and on a terminal too small for the console
//! (the code is still asked for); the header's time left of an MFA role session, amber
//! under ten minutes and "session expired" once over.

mod ui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use opsdeck::app::mfa_prompt::MfaPrompt;
use opsdeck::app::update::{Event, update};
use opsdeck::panes::Pane;
use ui_support::{console_on, render, text};

const SERIAL: &str = "arn:aws:iam::999900001111:mfa/alice";

#[tokio::test]
async fn the_popup_shows_dots_never_digits_at_every_size() {
    let mut state = console_on(Pane::Dashboard, "prod", 1, |_| {}).await;
    state.mfa_prompt = Some(MfaPrompt::new("prod-admin".into(), SERIAL.into()));
    for c in ['4', '2', '7'] {
        update(
            &mut state,
            Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    for (w, h) in [(120, 40), (80, 24), (30, 8)] {
        let screen = text(&render(&state, w, h));
        assert!(
            !screen.contains("427"),
            "the digits are on screen at {w}x{h}"
        );
        assert!(screen.contains("•••___"), "{w}x{h}:\n{screen}");
        insta::assert_snapshot!(format!("mfa_popup_{w}x{h}"), screen);
    }
    let wide = text(&render(&state, 120, 40));
    assert!(
        wide.contains("prod-admin") && wide.contains(SERIAL),
        "{wide}"
    );
    // The footer offers only the popup's keys.
    assert!(wide.contains("enter sign in · esc cancel"), "{wide}");
    assert!(!wide.contains("r refresh"), "{wide}");
    // Keys go to the popup: '2' is a digit, not the ECS pane.
    assert_eq!(state.pane, Pane::Dashboard);
}

#[tokio::test]
async fn the_header_counts_the_session_down() {
    let mut state = console_on(Pane::Ecs, "prod", 1, |_| {}).await;
    let now = state.now;
    let mut identity = state.identity.data.clone().expect("identity");
    for (left, expected) in [
        (3_000, "⏱ session 50m"),
        (300, "⏱ session 5m"),
        (45, "⏱ session 45s"),
        (-5, "session expired"),
    ] {
        identity.session_expires = Some(now + left);
        state.identity.data = Some(identity.clone());
        let screen = text(&render(&state, 200, 60));
        let header = screen
            .lines()
            .find(|l| l.contains("opsdeck"))
            .unwrap_or_default()
            .to_string();
        assert!(header.contains(expected), "{expected:?} in {header}");
    }
}
