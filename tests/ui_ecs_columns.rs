//! ECS tables size their columns to their content: during the circuit-breaker rollback
//! the deployment history's `ROLLBACK_IN_PROGRESS` is shown whole at 200 columns, and a
//! cell that cannot fit ends in `…` instead of being cut silently.

mod ui_support;

use opsdeck::panes::Pane;
use ui_support::{console_on, render, text};

#[tokio::test]
async fn rollback_status_is_never_cut_while_room_is_left() {
    // Twelve minutes in: ECS's circuit breaker is rolling the :42 deployment back.
    for minutes in [12, 13] {
        let state = console_on(Pane::Ecs, "prod", minutes, |_| {}).await;
        let screen = text(&render(&state, 200, 60));
        if screen.contains("ROLLBACK_") {
            assert!(
                screen.contains("ROLLBACK_IN_PROGRESS") || screen.contains("ROLLBACK_SUCCESSFUL"),
                "{screen}"
            );
            assert!(!screen.contains("ROLLBACK_IN "), "{screen}");
            insta::assert_snapshot!(format!("ecs_prod_rollback_{minutes}m_200x60"), screen);
            return;
        }
    }
    panic!("no rollback status during the circuit breaker");
}

#[tokio::test]
async fn narrow_cells_end_in_an_ellipsis() {
    let state = console_on(Pane::Ecs, "prod", 6, |_| {}).await;
    let screen = text(&render(&state, 80, 24));
    insta::assert_snapshot!("ecs_prod_incident_columns_80x24", screen);
}
