//! The plan view of every shipped runbook on the simulated account (80x24 and 200x60,
//! tiny sizes rendered for panics only): what the operator reads before confirming.
//! The run id (and the rotation token made from it) is replaced by `run-ID`.

mod ui_support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use opsdeck::app::AppState;
use opsdeck::audit::AuditLog;
use opsdeck::cloud::sim::{self, SimClock, SimWorld, demo_incident_settings};
use opsdeck::panes::Pane;
use opsdeck::panes::runbooks::request::RunbookMsg;
use opsdeck::panes::runbooks::state::RunbooksState;
use opsdeck::runbook::engine::prepare;
use opsdeck::runbook::library::Library;
use opsdeck::runbook::params::resolve_params;
use opsdeck::runbook::plan::RunContext;
use ui_support::{T0, console_on, render, text};

const MINUTES: i64 = 20;

/// (environment, runbook, parameters).
type Case = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

async fn plan_view(env: &str, name: &str, params: &[(&str, &str)]) -> AppState {
    let mut state = console_on(Pane::Runbooks, env, MINUTES, |_| {}).await;
    demo_incident_settings(&mut state.env);
    state.runbooks = RunbooksState::new(Library::load(None));
    let world = SimWorld::new(42, SimClock::Fixed(T0 + MINUTES * 60));
    let ctx = RunContext {
        env: state.env.clone(),
        cloud: sim::handle(Arc::clone(&world), env, false),
        // Where the audit log of an on-call laptop lives (nothing is written while planning).
        audit: AuditLog::new(std::path::PathBuf::from(
            "/home/oncall/.local/state/opsdeck/audit.jsonl",
        )),
        events: None,
        poll: Duration::from_millis(1),
        cancel: Arc::new(AtomicBool::new(false)),
    };
    let mut params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if name == "isolate-task" {
        let task = ctx
            .cloud
            .read
            .list_tasks(&ctx.env.cluster)
            .await
            .expect("tasks")
            .into_iter()
            .find(|t| {
                t.last_status == "RUNNING" && t.service_name() == Some(ctx.env.service.as_str())
            })
            .expect("running task");
        params.push(("task".into(), task.arn));
    }
    let lib = Library::load(None);
    let rb = lib.get(name).expect("runbook");
    let raw: BTreeMap<String, String> = params.into_iter().collect();
    let resolved = resolve_params(rb, &state.env, &raw).expect("params");
    let mut p = prepare(rb, resolved, &ctx).await.expect("prepare");
    let id = p.run_id.clone();
    for step in p.procedure.iter_mut().chain(p.verification.iter_mut()) {
        for line in step.calls.iter_mut() {
            *line = line.replace(&id, "run-ID");
        }
    }
    state
        .runbooks
        .apply(RunbookMsg::Planned(Ok(Box::new(p))), state.now);
    state
}

#[tokio::test]
async fn every_shipped_runbook_has_a_plan_view() {
    let cases: &[Case] = &[
        ("prod", "rollback", &[]),
        ("staging", "scale", &[("count", "3")]),
        (
            "staging",
            "deploy",
            &[("image", "registry.example.com/fastapi:1.4.2")],
        ),
        ("dev", "restart", &[]),
        ("prod", "db-snapshot", &[("incident", "INC-812")]),
        ("prod", "db-failover", &[]),
        ("prod", "cache-failover", &[]),
        ("dev", "dev-scale-down", &[]),
        ("dev", "dev-scale-up", &[]),
        (
            "prod",
            "rotate-secret",
            &[("secret", "/prod/database/credentials")],
        ),
        // No rotation Lambda: rotated by hand with a generated value.
        ("dev", "rotate-secret", &[("secret", "/dev/app/jwt-secret")]),
        (
            "staging",
            "rotate-redis-auth",
            &[("secret", "/staging/redis/auth-token")],
        ),
        (
            "prod",
            "isolate-task",
            &[
                ("reason", "GuardDuty CryptoCurrency:Runtime/BitcoinTool.B"),
                ("incident", "INC-812"),
            ],
        ),
        (
            "prod",
            "break-glass",
            &[
                ("token", "123456"),
                ("reason", "unblock the migration lock"),
                ("incident", "INC-812"),
            ],
        ),
        ("prod", "incident-response", &[("incident", "INC-812")]),
        ("prod", "db-storage-cleanup", &[]),
        (
            "prod",
            "deactivate-access-key",
            &[("key", "AKIA4Q2CIDEPLOY7X3ZB"), ("incident", "INC-812")],
        ),
    ];
    let shipped: Vec<String> = Library::load(None)
        .runbooks
        .iter()
        .map(|r| r.name.clone())
        .collect();
    let mut covered: Vec<String> = cases.iter().map(|c| c.1.to_string()).collect();
    covered.sort();
    covered.dedup();
    let mut all = shipped.clone();
    all.sort();
    assert_eq!(covered, all, "every shipped runbook needs a plan snapshot");
    for (env, name, params) in cases {
        let state = plan_view(env, name, params).await;
        for (w, h) in [(80, 24), (200, 60)] {
            let screen = text(&render(&state, w, h));
            if *name == "break-glass" {
                assert!(!screen.contains("123456"), "the MFA code is on screen");
            }
            insta::assert_snapshot!(format!("plan_{name}_{env}_{w}x{h}"), screen);
        }
        render(&state, 40, 10);
        render(&state, 20, 5);
    }
}

/// Confirm the break-glass plan on screen (typing `prod`) and take the plan the console
/// hands to its write actor.
fn confirm_break_glass(state: &mut AppState) -> opsdeck::runbook::plan::Prepared {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use opsdeck::app::update::{Effect, Event, update};
    let press = |state: &mut AppState, code: KeyCode| {
        update(state, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    };
    press(state, KeyCode::Enter);
    for c in "prod".chars() {
        press(state, KeyCode::Char(c));
    }
    let effects = press(state, KeyCode::Enter);
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Write(opsdeck::panes::kit::Write::Runbook(r)) => match r.as_ref() {
                opsdeck::panes::runbooks::request::RunbookRequest::Execute(p) => Some(*p.clone()),
                _ => None,
            },
            _ => None,
        })
        .expect("an execute request after typing prod")
}

/// A run context on the simulated prod account at the plan's minute, auditing into a
/// temporary directory (kept alive by the guard).
fn sim_prod_context(env: opsdeck::config::Environment) -> (tempfile::TempDir, RunContext) {
    let world = SimWorld::new(42, SimClock::Fixed(T0 + MINUTES * 60));
    let dir = tempfile::tempdir().expect("tempdir");
    let ctx = RunContext {
        env,
        cloud: sim::handle(Arc::clone(&world), "prod", false),
        audit: AuditLog::new(dir.path().join("audit.jsonl")),
        events: None,
        poll: Duration::from_millis(1),
        cancel: Arc::new(AtomicBool::new(false)),
    };
    (dir, ctx)
}

/// Break-glass in the console: the finished run hands its session to the event loop
/// (`Effect::Elevate`, no longer held by the result), the header shows the role and the
/// time left, and at expiry the session is dropped.
#[tokio::test]
async fn break_glass_session_banner_and_expiry() {
    use opsdeck::app::break_glass::BreakGlassBanner;
    use opsdeck::app::update::{Effect, Event, update};
    use opsdeck::runbook::engine::execute;

    let mut state = plan_view(
        "prod",
        "break-glass",
        &[
            ("token", "123456"),
            ("reason", "unblock the migration lock"),
            ("incident", "INC-812"),
        ],
    )
    .await;
    let prepared = confirm_break_glass(&mut state);
    let (_dir, ctx) = sim_prod_context(state.env.clone());
    let summary = execute(&prepared, &ctx).await;
    let effects = update(&mut state, Event::Runbook(RunbookMsg::Finished(summary)));
    let elevation = effects
        .iter()
        .find_map(|e| match e {
            Effect::Elevate { env, elevation } if env == "prod" => Some(elevation.clone()),
            _ => None,
        })
        .expect("the session goes to the event loop");
    let opsdeck::panes::runbooks::state::Flow::Done { summary, .. } = &state.runbooks.flow else {
        panic!("{:?}", state.runbooks.flow);
    };
    assert!(
        summary.elevation.is_none(),
        "the result no longer holds the session"
    );
    // What the event loop does with it (run.rs): the banner, counted in wall-clock time.
    state.break_glass = Some(BreakGlassBanner::new("prod", &elevation, state.now));
    for (w, h) in [(80, 24), (200, 60)] {
        let screen = text(&render(&state, w, h));
        assert!(!screen.contains("123456"));
        insta::assert_snapshot!(format!("break_glass_session_{w}x{h}"), screen);
    }
    let header = text(&render(&state, 200, 60));
    assert!(
        header.contains("BREAK-GLASS cloudplatform-prod-break-glass 30:00 left"),
        "{header}"
    );
    let deadline = state.break_glass.as_ref().expect("banner").deadline;
    assert!(
        update(&mut state, Event::Tick(deadline - 1))
            .iter()
            .all(|e| *e != Effect::DropElevation)
    );
    let effects = update(&mut state, Event::Tick(deadline));
    assert!(effects.contains(&Effect::DropElevation));
    assert!(state.break_glass.is_none());
    assert!(text(&render(&state, 200, 60)).contains("break-glass session expired"));
}

/// Break-glass whose announcement fails: the run does not verify, the session is dropped
/// at once and the console is not elevated (no `Elevate`, no banner), and it says so.
#[tokio::test]
async fn break_glass_with_a_failing_notice_leaves_the_console_unelevated() {
    use opsdeck::app::update::{Effect, Event, update};
    use opsdeck::runbook::engine::{RunStatus, execute};
    use opsdeck::runbook::plan::Action;
    use opsdeck::runbook::steps::incident_action::IncidentAction;

    let mut state = plan_view(
        "prod",
        "break-glass",
        &[("token", "123456"), ("reason", "r"), ("incident", "INC-9")],
    )
    .await;
    let mut prepared = confirm_break_glass(&mut state);
    // The alert topic is gone: Publish fails.
    for step in &mut prepared.procedure {
        if let Some(Action::Incident(IncidentAction::Publish { topic, .. })) = &mut step.action {
            *topic = "no-such-topic".into();
        }
    }
    let (_dir, ctx) = sim_prod_context(state.env.clone());
    let summary = execute(&prepared, &ctx).await;
    assert!(
        matches!(summary.status, RunStatus::Failed(_)),
        "{:?}",
        summary.status
    );
    let effects = update(&mut state, Event::Runbook(RunbookMsg::Finished(summary)));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Elevate { .. })),
        "{effects:?}"
    );
    assert!(state.break_glass.is_none());
    let screen = text(&render(&state, 200, 60));
    assert!(!screen.contains("BREAK-GLASS"), "{screen}");
    assert!(screen.contains("nothing is elevated"), "{screen}");
}

/// `value=prompt` in the console: the form's enter opens the hidden prompt (nothing typed
/// is drawn), the value is typed twice, and the plan request carries it redacted; the
/// plan then shows the calls with version ids and never the value.
#[tokio::test]
async fn a_typed_value_is_asked_in_a_popup_and_never_drawn() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use opsdeck::app::update::{Effect, Event, update};
    use opsdeck::panes::kit::Write;
    use opsdeck::panes::runbooks::request::RunbookRequest;
    use opsdeck::runbook::steps::value_source::with_typed;

    const TYPED: &str = "Typed-Value-4u7Kq9";
    let mut state = console_on(Pane::Runbooks, "dev", MINUTES, |_| {}).await;
    state.runbooks = RunbooksState::new(Library::load(None));
    let press = |state: &mut AppState, code: KeyCode| {
        update(state, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    };
    let typed = |state: &mut AppState, s: &str| {
        for c in s.chars() {
            press(state, KeyCode::Char(c));
        }
    };
    typed(&mut state, "/rotate-secret");
    press(&mut state, KeyCode::Enter);
    press(&mut state, KeyCode::Enter);
    // Fields in the form's order: secret, value, length, exclude_characters, …
    let fields = match &state.runbooks.flow {
        opsdeck::panes::runbooks::state::Flow::Params { fields, .. } => fields.clone(),
        other => panic!("{other:?}"),
    };
    let at = |name: &str| fields.iter().position(|(k, _)| k == name).expect(name);
    typed(&mut state, "/dev/app/jwt-secret");
    for _ in 0..at("value") {
        press(&mut state, KeyCode::Down);
    }
    for _ in 0.."generate".len() {
        press(&mut state, KeyCode::Backspace);
    }
    typed(&mut state, "prompt");
    press(&mut state, KeyCode::Enter);
    typed(&mut state, TYPED);
    for (w, h) in [(80, 24), (200, 60)] {
        let screen = text(&render(&state, w, h));
        assert!(!screen.contains(TYPED) && !screen.contains("•"), "{screen}");
        insta::assert_snapshot!(format!("rotate_secret_value_prompt_{w}x{h}"), screen);
    }
    render(&state, 20, 5);
    press(&mut state, KeyCode::Enter);
    typed(&mut state, TYPED);
    assert!(!text(&render(&state, 200, 60)).contains(TYPED));
    assert!(!format!("{:?}", state.runbooks.flow).contains(TYPED));
    let effects = press(&mut state, KeyCode::Enter);
    let (runbook, raw, value) = effects
        .iter()
        .find_map(|e| match e {
            Effect::Write(Write::Runbook(r)) => match r.as_ref() {
                RunbookRequest::Plan {
                    runbook,
                    raw,
                    typed,
                } => Some((runbook.clone(), raw.clone(), typed.clone())),
                _ => None,
            },
            _ => None,
        })
        .expect("a plan request");
    assert!(!format!("{effects:?}").contains(TYPED));
    assert_eq!(value.as_ref().map(|v| v.0.as_str()), Some(TYPED));
    assert_eq!(raw.get("value").map(String::as_str), Some("prompt"));
    // The plan the actor makes with it.
    let world = SimWorld::new(42, SimClock::Fixed(T0 + MINUTES * 60));
    let ctx = RunContext {
        env: state.env.clone(),
        cloud: sim::handle(Arc::clone(&world), "dev", false),
        audit: AuditLog::new(std::path::PathBuf::from("/nonexistent/audit.jsonl")),
        events: None,
        poll: Duration::from_millis(1),
        cancel: Arc::new(AtomicBool::new(false)),
    };
    let mut params = resolve_params(&runbook, &state.env, &raw).expect("params");
    with_typed(&mut params, value.expect("typed"));
    let p = prepare(&runbook, params, &ctx).await.expect("prepare");
    let lines = p.lines().join("\n");
    assert!(lines.contains("typed at the hidden prompt"), "{lines}");
    assert!(lines.contains("PutSecretValue") && lines.contains("UpdateSecretVersionStage"));
    assert!(!lines.contains(TYPED) && !format!("{p:?}").contains(TYPED));
}
