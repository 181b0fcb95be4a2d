//! Every key the footer shows works on that pane: each one pressed changes what the
//! pane shows (a popup, a mode, a focus, a fetch, another pane). The footer offers no
//! `/ filter` where there is no list.

mod ui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use opsdeck::app::update::{Effect, Event, update};
use opsdeck::app::{AppState, Mode};
use opsdeck::panes::Pane;
use opsdeck::panes::runbooks::RunbooksState;
use opsdeck::runbook::library::Library;
use opsdeck::ui::chrome::footer_hints;
use ui_support::console_on;

fn press(state: &mut AppState, code: KeyCode) -> Vec<Effect> {
    update(state, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

async fn on(pane: Pane) -> AppState {
    let mut s = console_on(pane, "prod", 6, |_| {}).await;
    s.runbooks = RunbooksState::new(Library::load(None));
    s
}

#[tokio::test]
async fn every_footer_key_does_what_it_says() {
    for pane in Pane::ALL {
        let hints = footer_hints(pane);
        // The keys every pane offers.
        let mut s = on(pane).await;
        press(&mut s, KeyCode::Char('?'));
        assert_eq!(s.mode, Mode::Help, "{pane:?} ?");
        press(&mut s, KeyCode::Esc);
        press(&mut s, KeyCode::Char(':'));
        assert_eq!(s.mode, Mode::Palette, "{pane:?} :");
        press(&mut s, KeyCode::Esc);
        assert_eq!(s.mode, Mode::Normal);
        if hints.contains("/ filter") {
            press(&mut s, KeyCode::Char('/'));
            assert_eq!(s.mode, Mode::Filter, "{pane:?} /");
            press(&mut s, KeyCode::Esc);
        }
        if hints.contains("r refresh") {
            let fx = press(&mut s, KeyCode::Char('r'));
            assert!(
                fx.iter().any(|e| matches!(e, Effect::Fetch(_))),
                "{pane:?} r: {fx:?}"
            );
        }
        assert!(hints.contains("q quit"), "{pane:?}");
        let mut q = on(pane).await;
        press(&mut q, KeyCode::Char('q'));
        assert!(q.quit, "{pane:?} q");
    }
    // The pane's own keys.
    let mut d = on(Pane::Dashboard).await;
    assert!(!footer_hints(Pane::Dashboard).contains("/ filter"));
    let range = d.dashboard.range;
    press(&mut d, KeyCode::Char('t'));
    assert_ne!(d.dashboard.range, range, "dashboard t");

    let mut e = on(Pane::Ecs).await;
    let focus = e.ecs.focus;
    press(&mut e, KeyCode::Tab);
    assert_ne!(e.ecs.focus, focus, "ecs tab");
    let mut e = on(Pane::Ecs).await;
    press(&mut e, KeyCode::Enter);
    assert_ne!(e.ecs.focus, focus, "ecs enter");
    for k in ['R', 'S', 'X'] {
        let mut e = on(Pane::Ecs).await;
        press(&mut e, KeyCode::Char(k));
        assert_eq!(e.pane, Pane::Runbooks, "ecs {k}");
    }

    let mut c = on(Pane::Cost).await;
    assert!(!footer_hints(Pane::Cost).contains("/ filter"));
    let metric = c.cost.metric;
    press(&mut c, KeyCode::Char('m'));
    assert_ne!(c.cost.metric, metric, "cost m");

    let mut s = on(Pane::Security).await;
    let focus = s.security.focus;
    press(&mut s, KeyCode::Tab);
    assert_ne!(s.security.focus, focus, "security tab");
    let mut s = on(Pane::Security).await;
    press(&mut s, KeyCode::Enter);
    assert!(s.security.detail, "security enter");
    let mut s = on(Pane::Security).await;
    press(&mut s, KeyCode::Char('T'));
    assert!(s.security.triage.is_some(), "security T");

    let mut l = on(Pane::Logs).await;
    press(&mut l, KeyCode::F(1));
    assert!(l.logs.run.is_some(), "logs F1");
    let mut l = on(Pane::Logs).await;
    press(&mut l, KeyCode::Char('e'));
    assert!(l.logs.editing.is_some(), "logs e");

    let mut r = on(Pane::Runbooks).await;
    press(&mut r, KeyCode::Enter);
    assert!(
        !matches!(
            r.runbooks.flow,
            opsdeck::panes::runbooks::state::Flow::Browse
        ),
        "runbooks enter"
    );
}
