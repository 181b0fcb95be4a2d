//! Snapshots of the Security pane's detail views on the simulated account: a Security Hub
//! finding's history (`GetFindingHistory`: a note and a triage write, at 80x24 scrolled,
//! 200x60 and tiny; loading, failing and unsupported), and the runbooks findings offer —
//! a GuardDuty ECS-task finding opening `isolate-task`'s form filled in, a credential
//! finding's choice of two, and a runbook missing from the library.

mod ui_support;

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use opsdeck::app::AppState;
use opsdeck::app::update::{Event, update};
use opsdeck::cloud::sim::{self, SimClock, SimSource, SimWorld};
use opsdeck::cloud::{CloudError, CloudHandle, WorkflowStatus};
use opsdeck::panes::Pane;
use opsdeck::panes::runbooks::state::{Flow, RunbooksState};
use opsdeck::runbook::library::Library;
use ui_support::{T0, console_on, key, render, settle, text};

/// 40x10 is the smallest console that draws panes (below it says "too small").
const SIZES: [(u16, u16); 3] = [(80, 24), (200, 60), (40, 10)];
const MINUTES: i64 = 6;

/// The shipped runbooks without `isolate-task` (to see the "not in the library" path).
fn library_without_isolate_task() -> Library {
    let mut library = Library::load(None);
    library.runbooks.retain(|r| r.name != "isolate-task");
    library
}

/// The same simulated account `console_on` reads (same seed and time).
fn cloud(env: &str, tweak: impl Fn(&SimWorld)) -> CloudHandle {
    let world = SimWorld::new(42, SimClock::Fixed(T0 + MINUTES * 60));
    tweak(&world);
    sim::handle(Arc::clone(&world), env, false)
}

/// Press `code` and run the fetches it makes due against `cloud`.
async fn press(state: &mut AppState, cloud: &CloudHandle, code: KeyCode) {
    let effects = update(state, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    settle(state, cloud, effects).await;
}

/// Filter the focused list to `text` (the first match is selected).
fn filter(state: &mut AppState, text: &str) {
    key(state, KeyCode::Char('/'));
    for c in text.chars() {
        key(state, KeyCode::Char(c));
    }
    key(state, KeyCode::Enter);
}

fn status(state: &AppState) -> String {
    state
        .status
        .as_ref()
        .map_or(String::new(), |(m, _)| m.clone())
}

#[tokio::test]
async fn history_of_a_noted_finding_with_a_triage_write() {
    let cloud = cloud("prod", |_| {});
    let mut state = console_on(Pane::Security, "prod", MINUTES, |_| {}).await;
    let ec2_18 = state
        .security
        .findings
        .data
        .iter()
        .flatten()
        .find(|f| f.control_id.as_deref() == Some("EC2.18"))
        .expect("EC2.18")
        .reference();
    cloud
        .actor()
        .expect("actor")
        .update_findings_workflow(
            &[ec2_18],
            WorkflowStatus::Resolved,
            "vendor session finished at 00:04; the temporary 0.0.0.0/0 rule on port 22 was removed and the bastion is back behind the VPN (CHG-4411)",
            "oncall",
        )
        .await
        .expect("write");
    press(&mut state, &cloud, KeyCode::Char('r')).await;
    filter(&mut state, "EC2.18");
    press(&mut state, &cloud, KeyCode::Enter).await;
    let screen = text(&render(&state, 200, 60));
    for expected in [
        "History",
        "update by oncall@example.com",
        "Workflow.Status  NOTIFIED → RESOLVED",
        "was: paged #netsec; temporary rule for a vendor session",
        "CHG-4411",
        "update by bob",
        "import by securityhub · finding created",
    ] {
        assert!(screen.contains(expected), "{expected:?} in {screen}");
    }
    for (w, h) in SIZES {
        insta::assert_snapshot!(
            format!("security_prod_history_{w}x{h}"),
            text(&render(&state, w, h))
        );
    }
    for w in [1, 10, 39, 40, 60, 80, 200] {
        for h in [1, 5, 10, 24, 60] {
            render(&state, w, h);
        }
    }
    // At 80x24 the history is below the fold: page down to it.
    key(&mut state, KeyCode::PageDown);
    key(&mut state, KeyCode::PageDown);
    insta::assert_snapshot!(
        "security_prod_history_80x24_scrolled",
        text(&render(&state, 80, 24))
    );
    key(&mut state, KeyCode::PageUp);
    key(&mut state, KeyCode::PageUp);
    assert_eq!(state.security.detail_scroll, 0);
}

#[tokio::test]
async fn history_loading_failing_and_unsupported() {
    let mut state = console_on(Pane::Security, "prod", MINUTES, |_| {}).await;
    // Opened, the fetch not back yet.
    key(&mut state, KeyCode::Enter);
    assert!(state.security.history.data.loading);
    let screen = text(&render(&state, 200, 60));
    assert!(screen.contains("History"), "{screen}");
    assert!(screen.contains("loading…"), "{screen}");
    // An error is shown in the section.
    let denied = cloud("prod", |w| {
        w.fail(
            SimSource::SecurityHistory,
            CloudError::AccessDenied("securityhub:GetFindingHistory".into()),
        )
    });
    let mut state = console_on(Pane::Security, "prod", MINUTES, |_| {}).await;
    press(&mut state, &denied, KeyCode::Enter).await;
    let screen = text(&render(&state, 200, 60));
    assert!(
        screen.contains("⚠ access denied") || screen.contains("⚠ AccessDenied"),
        "{screen}"
    );
    // An endpoint without the operation says so, and is asked again only after ten minutes.
    let unsupported = cloud("prod", |w| {
        w.fail(
            SimSource::SecurityHistory,
            CloudError::Unsupported("GetFindingHistory".into()),
        )
    });
    let mut state = console_on(Pane::Security, "prod", MINUTES, |_| {}).await;
    press(&mut state, &unsupported, KeyCode::Enter).await;
    let screen = text(&render(&state, 200, 60));
    assert!(
        screen.contains("not supported by this endpoint (GetFindingHistory)"),
        "{screen}"
    );
    let history_asked = |effects: &[opsdeck::app::update::Effect]| {
        effects.iter().any(|e| {
            matches!(
                e,
                opsdeck::app::update::Effect::Fetch(opsdeck::app::dispatch::Source::Security(
                    opsdeck::panes::security::sources::SecuritySource::History(_)
                ))
            )
        })
    };
    let soon = update(&mut state, Event::Tick(T0 + MINUTES * 60 + 300));
    assert!(!history_asked(&soon), "not asked again at once: {soon:?}");
    // ... but a transient answer never silences it for the session.
    let later = update(&mut state, Event::Tick(T0 + MINUTES * 60 + 700));
    assert!(
        history_asked(&later),
        "asked again after ten minutes: {later:?}"
    );
}

#[tokio::test]
async fn a_guardduty_ecs_task_finding_opens_isolate_task_filled_in() {
    let mut state = console_on(Pane::Security, "prod", MINUTES, |_| {}).await;
    key(&mut state, KeyCode::Tab);
    filter(&mut state, "BitcoinTool");
    key(&mut state, KeyCode::Enter);
    let threat = state.security.detail_threat().expect("detail").clone();
    let opsdeck::cloud::ThreatResource::EcsTask { task_arn, .. } = &threat.resource else {
        panic!("an ECS task finding: {threat:?}");
    };
    let screen = text(&render(&state, 200, 60));
    assert!(
        screen.contains(&format!("isolate-task  task={task_arn}")),
        "{screen}"
    );
    for (w, h) in SIZES {
        insta::assert_snapshot!(
            format!("security_prod_offers_{w}x{h}"),
            text(&render(&state, w, h))
        );
    }
    // Not in this library: a clear message, and the pane stays.
    state.runbooks = RunbooksState::new(library_without_isolate_task());
    key(&mut state, KeyCode::Char('o'));
    assert_eq!(state.pane, Pane::Security);
    assert_eq!(status(&state), "runbook isolate-task is not in the library");
    // With the runbook in the library: the Runbooks pane, its form filled in.
    state.runbooks = RunbooksState::new(Library::load(None));
    key(&mut state, KeyCode::Char('o'));
    assert_eq!(state.pane, Pane::Runbooks);
    let Flow::Params {
        runbook, fields, ..
    } = &state.runbooks.flow
    else {
        panic!("parameters form: {:?}", state.runbooks.flow);
    };
    assert_eq!(runbook.name, "isolate-task");
    let value = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(value("task").as_deref(), Some(task_arn.as_str()));
    assert_eq!(
        value("reason"),
        Some(format!(
            "GuardDuty CryptoCurrency:Runtime/BitcoinTool.B {}",
            threat.id
        ))
    );
    assert_eq!(
        state.runbooks.selected().map(|r| r.name.as_str()),
        Some("isolate-task")
    );
    for (w, h) in [(80, 24), (200, 60)] {
        insta::assert_snapshot!(
            format!("security_prod_isolate_task_form_{w}x{h}"),
            text(&render(&state, w, h))
        );
    }
    for (w, h) in [(40, 10), (30, 8), (1, 1)] {
        render(&state, w, h);
    }
}

#[tokio::test]
async fn a_credential_finding_offers_a_choice_of_three() {
    let mut state = console_on(Pane::Security, "prod", MINUTES, |_| {}).await;
    state.runbooks = RunbooksState::new(Library::load(None));
    key(&mut state, KeyCode::Tab);
    filter(&mut state, "CredentialAccess");
    key(&mut state, KeyCode::Enter);
    let screen = text(&render(&state, 200, 60));
    assert!(
        screen.contains("1 deactivate-access-key  key=AKIA4Q2CIDEPLOY7X3ZB"),
        "{screen}"
    );
    assert!(
        screen
            .contains("2 break-glass  reason=GuardDuty CredentialAccess:IAMUser/AnomalousBehavior"),
        "{screen}"
    );
    assert!(screen.contains("3 rotate-secret"), "{screen}");
    key(&mut state, KeyCode::Char('o'));
    assert!(state.security.offer_pick.is_some());
    for (w, h) in SIZES {
        insta::assert_snapshot!(
            format!("security_prod_offer_pick_{w}x{h}"),
            text(&render(&state, w, h))
        );
    }
    // Keys go to the list: '3' picks rotate-secret (not a pane switch to Cost).
    key(&mut state, KeyCode::Char('3'));
    assert!(state.security.offer_pick.is_none());
    assert_eq!(state.pane, Pane::Runbooks);
    let Flow::Params { runbook, .. } = &state.runbooks.flow else {
        panic!("parameters form: {:?}", state.runbooks.flow);
    };
    assert_eq!(runbook.name, "rotate-secret");
    key(&mut state, KeyCode::Esc);
    key(&mut state, KeyCode::Char('4'));
    assert_eq!(state.pane, Pane::Security);
    // esc closes the list without opening anything.
    key(&mut state, KeyCode::Char('o'));
    key(&mut state, KeyCode::Esc);
    assert!(state.security.offer_pick.is_none());
    assert!(state.security.detail, "still in the detail view");
    // A finding without offers says so.
    key(&mut state, KeyCode::Esc);
    filter(&mut state, "S3/Bucket");
    key(&mut state, KeyCode::Char('o'));
    assert_eq!(status(&state), "no runbook is offered for this finding");
}
