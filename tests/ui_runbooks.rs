//! Snapshots of the Runbooks pane: library, parameters, plan, typed confirmation on
//! prod, live progress and result (80x24, 200x60, tiny), and read-only marking.

mod ui_support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crossterm::event::KeyCode;
use opsdeck::app::AppState;
use opsdeck::audit::AuditLog;
use opsdeck::cloud::sim::{self, SimClock, SimWorld};
use opsdeck::panes::Pane;
use opsdeck::panes::runbooks::request::RunbookMsg;
use opsdeck::panes::runbooks::state::{Flow, RunbooksState};
use opsdeck::runbook::engine::{RunStatus, RunSummary, prepare};
use opsdeck::runbook::library::Library;
use opsdeck::runbook::params::resolve_params;
use opsdeck::runbook::plan::{Phase, RunContext, RunEvent};
use ui_support::{T0, console_on, key, render, text};

async fn pane(env: &str) -> AppState {
    let mut state = console_on(Pane::Runbooks, env, 6, |_| {}).await;
    state.runbooks = RunbooksState::new(Library::load(None));
    state
}

async fn planned(state: &mut AppState, name: &str, params: &[(&str, &str)]) {
    let world = SimWorld::new(42, SimClock::Fixed(T0 + 6 * 60));
    let dir = tempfile::tempdir().expect("tempdir");
    let ctx = RunContext {
        env: state.env.clone(),
        cloud: sim::handle(Arc::clone(&world), &state.env.name, false),
        audit: AuditLog::new(dir.path().join("a.jsonl")),
        events: None,
        poll: Duration::from_millis(1),
        cancel: Arc::new(AtomicBool::new(false)),
    };
    let lib = Library::load(None);
    let rb = lib.get(name).expect("runbook");
    let raw: BTreeMap<String, String> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let params = resolve_params(rb, &state.env, &raw).expect("params");
    let p = prepare(rb, params, &ctx).await.expect("prepare");
    state
        .runbooks
        .apply(RunbookMsg::Planned(Ok(Box::new(p))), state.now);
}

fn sizes(state: &AppState, name: &str) {
    for (w, h) in [(80, 24), (200, 60)] {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text(&render(state, w, h)));
    }
    render(state, 20, 5);
    render(state, 40, 10);
}

#[tokio::test]
async fn library_and_runbook_detail() {
    let state = pane("prod").await;
    sizes(&state, "runbooks_library");
}

#[tokio::test]
async fn read_only_marks_writing_runbooks_unavailable() {
    let mut state = pane("dev").await;
    state.read_only = true;
    let screen = text(&render(&state, 200, 30));
    assert!(screen.contains("unavailable (read-only)"), "{screen}");
    key(&mut state, KeyCode::Enter);
    assert!(
        matches!(state.runbooks.flow, Flow::Browse),
        "no parameters form in read-only"
    );
    assert!(
        state
            .status
            .as_ref()
            .is_some_and(|(m, _)| m.contains("read-only"))
    );
}

#[tokio::test]
async fn parameters_form_takes_every_key_as_text() {
    let mut state = pane("dev").await;
    // The last runbook by name: scale.
    key(&mut state, KeyCode::Char('G'));
    key(&mut state, KeyCode::Enter);
    assert!(matches!(state.runbooks.flow, Flow::Params { .. }));
    // 'q' and digits are text here, not quit or pane keys.
    for c in "q2".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    assert!(!state.quit);
    assert_eq!(state.pane, Pane::Runbooks);
    sizes(&state, "runbooks_params");
}

#[tokio::test]
async fn plan_and_typed_confirmation_on_prod() {
    let mut state = pane("prod").await;
    planned(&mut state, "rollback", &[]).await;
    sizes(&state, "runbooks_plan_prod");
    key(&mut state, KeyCode::Char('y'));
    assert!(matches!(state.runbooks.flow, Flow::Confirm { .. }));
    // 'y' does not confirm a high-risk runbook on prod: the name must be typed.
    for c in "pro".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    key(&mut state, KeyCode::Enter);
    assert!(
        matches!(state.runbooks.flow, Flow::Confirm { .. }),
        "partial name refused"
    );
    sizes(&state, "runbooks_confirm_prod");
    key(&mut state, KeyCode::Char('d'));
    let effects = opsdeck::app::update::update(
        &mut state,
        opsdeck::app::update::Event::Key(crossterm::event::KeyEvent::new(
            KeyCode::Enter,
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    assert!(effects.iter().any(|e| matches!(
        e,
        opsdeck::app::update::Effect::Write(opsdeck::panes::kit::Write::Runbook(_))
    )));
    assert!(matches!(state.runbooks.flow, Flow::Running { .. }));
}

#[tokio::test]
async fn progress_and_result() {
    let mut state = pane("dev").await;
    planned(&mut state, "scale", &[("count", "2")]).await;
    key(&mut state, KeyCode::Char('y'));
    key(&mut state, KeyCode::Char('y'));
    assert!(matches!(state.runbooks.flow, Flow::Running { .. }));
    let now = state.now;
    for ev in [
        RunEvent::StepStarted {
            phase: Phase::Procedure,
            index: 0,
        },
        RunEvent::StepFinished {
            phase: Phase::Procedure,
            index: 0,
            ok: true,
            detail: "UpdateService cloudplatform-dev-ecs-service: desiredCount 1 → 2".into(),
        },
        RunEvent::StepStarted {
            phase: Phase::Verification,
            index: 0,
        },
        RunEvent::Log(
            "(service cloudplatform-dev-ecs-service) has started 1 tasks: (task 1716d4ac).".into(),
        ),
        RunEvent::Log("waiting: 1 deployments, 1/2 running, 1 pending".into()),
    ] {
        state.runbooks.apply(RunbookMsg::Progress(ev), now);
    }
    sizes(&state, "runbooks_progress");
    state.runbooks.apply(
        RunbookMsg::Finished(RunSummary {
            status: RunStatus::VerificationFailed("not steady after 600 s".into()),
            lines: vec![
                "ecs.scale: ok: desiredCount 1 → 2".into(),
                "verify ecs.wait_stable: FAILED: not steady after 600 s".into(),
            ],
            escalation: "page the platform on-call".into(),
            elevation: None,
        }),
        now,
    );
    sizes(&state, "runbooks_result_failed");
    let screen = text(&render(&state, 200, 60));
    assert!(screen.contains("R: plan the rollback section"), "{screen}");
}
