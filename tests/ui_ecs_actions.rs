//! From the ECS pane to action in two keys: `R`, `S` and `X` on a service open the
//! rollback, scale and restart forms filled in for that service (nothing runs before the
//! plan is confirmed); the runbook list shows each runbook's title.

mod ui_support;

use crossterm::event::KeyCode;
use opsdeck::panes::Pane;
use opsdeck::panes::runbooks::RunbooksState;
use opsdeck::panes::runbooks::state::Flow;
use opsdeck::runbook::library::Library;
use ui_support::{console_on, key, render, text};

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn r_s_x_on_a_service_open_its_runbook_forms_filled_in() {
    for (k, runbook) in [('R', "rollback"), ('S', "scale"), ('X', "restart")] {
        let mut state = console_on(Pane::Ecs, "prod", 1, |_| {}).await;
        state.runbooks = RunbooksState::new(Library::load(None));
        let service = state.ecs.selected_service().expect("a service").clone();
        key(&mut state, KeyCode::Char(k));
        assert_eq!(state.pane, Pane::Runbooks, "{k}");
        let Flow::Params {
            runbook: rb,
            fields,
            ..
        } = &state.runbooks.flow
        else {
            panic!("{k}: {:?}", state.runbooks.flow);
        };
        assert_eq!(rb.name, runbook);
        assert_eq!(field(fields, "service"), Some(service.name.as_str()), "{k}");
        if runbook == "scale" {
            assert_eq!(
                field(fields, "count"),
                Some(service.desired.to_string().as_str())
            );
        }
        let screen = text(&render(&state, 160, 45));
        assert!(screen.contains(&service.name), "{screen}");
    }
}

#[tokio::test]
async fn the_runbook_list_shows_titles() {
    let mut state = console_on(Pane::Runbooks, "prod", 1, |_| {}).await;
    state.runbooks = RunbooksState::new(Library::load(None));
    let screen = text(&render(&state, 200, 60));
    assert!(
        screen.contains("Roll back an ECS service") || screen.contains("Scale an ECS service"),
        "{screen}"
    );
    key(&mut state, KeyCode::Esc);
}

#[tokio::test]
async fn enter_on_a_stopped_task_shows_why_and_l_opens_its_log_stream() {
    let mut state = console_on(Pane::Ecs, "prod", 6, |_| {}).await;
    key(&mut state, KeyCode::Tab);
    // Walk the tasks list to a task the crash loop stopped.
    for _ in 0..40 {
        if state
            .ecs
            .selected_task()
            .is_some_and(|t| t.last_status == "STOPPED" && t.stopped_reason.is_some())
        {
            break;
        }
        key(&mut state, KeyCode::Char('j'));
    }
    let task = state.ecs.selected_task().expect("a task").clone();
    assert_eq!(task.last_status, "STOPPED");
    key(&mut state, KeyCode::Enter);
    let screen = text(&render(&state, 200, 60));
    for expected in [
        format!("Task {}", task.id()),
        "Essential container in task exited".to_string(),
        "exit 1".to_string(),
        "sha256:".to_string(),
        "stopped reason".to_string(),
        "l logs of this task".to_string(),
    ] {
        assert!(screen.contains(&expected), "{expected:?} in {screen}");
    }
    assert!(text(&render(&state, 30, 8)).contains("too small"));
    for (w, h) in [(80, 24), (200, 60)] {
        insta::assert_snapshot!(
            format!("ecs_prod_stopped_task_detail_{w}x{h}"),
            text(&render(&state, w, h))
        );
    }
    // At 80x24 the containers are below the fold: scroll to them.
    for _ in 0..5 {
        key(&mut state, KeyCode::Char('j'));
    }
    let scrolled = text(&render(&state, 80, 24));
    assert!(scrolled.contains("exit 1"), "{scrolled}");
    insta::assert_snapshot!("ecs_prod_stopped_task_detail_80x24_scrolled", scrolled);
    // `l`: the Logs pane runs a query on the task's log stream.
    key(&mut state, KeyCode::Char('l'));
    assert_eq!(state.pane, Pane::Logs);
    let run = state.logs.run.as_ref().expect("a query run");
    assert!(run.query.query.contains(task.id()), "{:?}", run.query);
    // Back on the ECS pane, esc closes the detail.
    state.pane = Pane::Ecs;
    key(&mut state, KeyCode::Esc);
    assert!(state.ecs.task_detail.is_none());
}
