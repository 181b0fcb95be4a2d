//! The ECS pane's exec and forward popups and the open-forwards list (TestBackend +
//! insta): the preflight's verdicts with their fixes, the typed confirmation on prod, and
//! the forwards with their local ports, at a normal and a tiny size. Also the keys'
//! requests: `x` → the preflight, enter after it → `ExecuteCommand`; read-only refuses.

mod ui_support;

use crossterm::event::KeyCode;
use opsdeck::app::update::{Effect, Event, WriteDone, update};
use opsdeck::cloud::{ExecContainer, ExecFacts};
use opsdeck::exec::forwards::ForwardInfo;
use opsdeck::exec::plugin::PluginStatus;
use opsdeck::exec::preflight::{Preflight, RoleVerdict, verdicts};
use opsdeck::panes::Pane;
use opsdeck::panes::kit::Write;
use ui_support::{console_on, render, text};

fn facts(task_arn: &str, exec: bool) -> ExecFacts {
    ExecFacts {
        cluster: "cloudplatform-prod-ecs-cluster".into(),
        task_arn: task_arn.into(),
        task_exec_enabled: exec,
        service: Some("cloudplatform-prod-ecs-service".into()),
        service_exec_enabled: Some(exec),
        launch_type: Some("FARGATE".into()),
        platform_version: Some("1.4.0".into()),
        task_role_arn: Some("arn:aws:iam::111111111111:role/prod-task".into()),
        containers: vec![ExecContainer {
            name: "fastapi".into(),
            runtime_id: Some("r-1".into()),
            agent_status: Some(if exec { "RUNNING" } else { "STOPPED" }.into()),
            agent_reason: None,
        }],
    }
}

fn preflight(task_arn: &str, exec: bool, plugin: PluginStatus) -> Preflight {
    let f = facts(task_arn, exec);
    let checks = verdicts(&f, None, &RoleVerdict::Allowed, &plugin);
    Preflight {
        task_id: f.task_id().to_string(),
        container: Some("fastapi".into()),
        facts: Some(f),
        checks,
    }
}

fn key(state: &mut opsdeck::app::AppState, code: KeyCode) -> Vec<Effect> {
    update(
        state,
        Event::Key(crossterm::event::KeyEvent::new(
            code,
            crossterm::event::KeyModifiers::NONE,
        )),
    )
}

fn found() -> PluginStatus {
    PluginStatus::Found {
        path: "/usr/local/bin/session-manager-plugin".into(),
        version: Some("1.2.650.0".into()),
    }
}

#[tokio::test]
async fn exec_preflight_popup() {
    let mut state = console_on(Pane::Ecs, "prod", 1, |_| {}).await;
    key(&mut state, KeyCode::Tab);
    let task = state.ecs.selected_task().expect("a task").clone();
    let effects = key(&mut state, KeyCode::Char('x'));
    assert!(effects.iter().all(|e| !matches!(e, Effect::Write(_))));
    let effects = key(&mut state, KeyCode::Enter);
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::Write(Write::ExecCheck { task: t, container: Some(c) }) if *t == task.arn && c == "fastapi"
        )),
        "{effects:?}"
    );
    // A failing preflight: every cause with its fix.
    update(
        &mut state,
        Event::Written(WriteDone::ExecChecked(Box::new(preflight(
            &task.arn,
            false,
            PluginStatus::Missing,
        )))),
    );
    insta::assert_snapshot!(
        "exec_preflight_failed_120x40",
        text(&render(&state, 120, 40))
    );
    insta::assert_snapshot!("exec_preflight_failed_40x12", text(&render(&state, 40, 12)));
    // Enter on a failed preflight only closes it.
    let effects = key(&mut state, KeyCode::Enter);
    assert!(effects.iter().all(|e| !matches!(e, Effect::Write(_))));
    assert!(state.ecs.session.prompt.is_none());

    // A passing one on prod: the environment's name must be typed first.
    key(&mut state, KeyCode::Char('x'));
    key(&mut state, KeyCode::Enter);
    update(
        &mut state,
        Event::Written(WriteDone::ExecChecked(Box::new(preflight(
            &task.arn,
            true,
            found(),
        )))),
    );
    insta::assert_snapshot!(
        "exec_preflight_passed_120x40",
        text(&render(&state, 120, 40))
    );
    let effects = key(&mut state, KeyCode::Enter);
    assert!(effects.iter().all(|e| !matches!(e, Effect::Write(_))));
    for c in "prod".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    let effects = key(&mut state, KeyCode::Enter);
    let exec = effects.iter().find_map(|e| match e {
        Effect::Write(Write::Exec { request, confirmed }) => Some((request.clone(), *confirmed)),
        _ => None,
    });
    let (request, confirmed) = exec.expect("ExecuteCommand asked");
    assert!(confirmed);
    assert_eq!(request.command, "/bin/sh");
    assert_eq!(request.container, "fastapi");
    assert_eq!(request.runtime_id, "r-1");
}

#[tokio::test]
async fn open_forwards_list() {
    let mut state = console_on(Pane::Ecs, "prod", 1, |_| {}).await;
    let now = state.now;
    for (id, port, what, host, remote) in [
        (
            1,
            15432,
            "db cloudplatform-prod-db",
            "cloudplatform-prod-db.sim.us-east-1.rds.amazonaws.com",
            5432,
        ),
        (
            2,
            16379,
            "cache cloudplatform-prod-redis",
            "master.cloudplatform-prod-redis.sim.us-east-1.cache.amazonaws.com",
            6379,
        ),
    ] {
        update(
            &mut state,
            Event::Written(WriteDone::Forwarded(Ok(ForwardInfo {
                id,
                env: "prod".into(),
                local_port: port,
                what: what.into(),
                host: host.into(),
                remote_port: remote,
                task_id: "0123456789abcdef".into(),
                session_id: format!("sim-{id}"),
                opened_at: now - 125,
            }))),
        );
    }
    insta::assert_snapshot!("ecs_forwards_120x40", text(&render(&state, 120, 40)));
    insta::assert_snapshot!("ecs_forwards_60x16", text(&render(&state, 60, 16)));
    let effects = key(&mut state, KeyCode::Char('P'));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Write(Write::CloseForward(2)))),
        "{effects:?}"
    );
    // Forwards outlive an environment switch, marked with their environment.
    let mut effects = Vec::new();
    opsdeck::app::update::switch_env(&mut state, "staging", &mut effects);
    assert_eq!(state.ecs.session.forwards.len(), 2);
    let screen = text(&render(&state, 160, 45));
    assert!(
        screen.contains("→ prod db cloudplatform-prod-db"),
        "{screen}"
    );
}

#[tokio::test]
async fn read_only_refuses_x_and_p() {
    let mut state = console_on(Pane::Ecs, "prod", 1, |_| {}).await;
    state.read_only = true;
    key(&mut state, KeyCode::Tab);
    for k in ['x', 'p'] {
        let effects = key(&mut state, KeyCode::Char(k));
        assert!(effects.iter().all(|e| !matches!(e, Effect::Write(_))));
        assert!(state.ecs.session.prompt.is_none());
        let status = state
            .status
            .as_ref()
            .map(|s| s.0.clone())
            .unwrap_or_default();
        assert!(status.contains("read-only"), "{status}");
    }
}
