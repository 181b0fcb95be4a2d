//! The fleet pane behind the pane interface: every environment due each refresh, `enter`
//! opens the selected environment on the dashboard.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::sources::{FleetFetched, FleetSource};
use super::state::FleetState;
use crate::cloud::Epoch;
use crate::level::Level;
use crate::panes::kit::bindings::{BindingGroup, b};
use crate::panes::kit::{ListState, PaneCtx, PaneState, Reply, Request, Schedule};

/// The fleet pane's keys.
pub const HELP: BindingGroup = BindingGroup {
    title: "Fleet (0, :fleet)",
    bindings: &[
        b("j/k, g/G", "move between environments"),
        b(
            "enter",
            "open the environment on the dashboard (signs in first when it needs MFA)",
        ),
        b("/", "filter by environment, account or problem"),
        b("r", "read every environment now"),
    ],
};

impl PaneState for FleetState {
    type Source = FleetSource;
    type Fetched = FleetFetched;

    fn requested(&self) -> &HashMap<FleetSource, Epoch> {
        &self.requested
    }

    fn requested_mut(&mut self) -> &mut HashMap<FleetSource, Epoch> {
        &mut self.requested
    }

    fn due(&self, ctx: &PaneCtx, schedule: &Schedule<FleetSource>) -> Vec<FleetSource> {
        self.due_sources(schedule, ctx.refresh_seconds())
    }

    fn mark_loading(&mut self, source: &FleetSource) {
        let FleetSource::Env(env) = source;
        FleetState::mark_loading(self, env);
    }

    fn apply(&mut self, fetched: FleetFetched, ctx: &PaneCtx) -> Reply<FleetSource> {
        self.store(fetched, ctx.now);
        Reply::handled()
    }

    fn on_key(&mut self, key: KeyEvent, _ctx: &PaneCtx) -> Reply<FleetSource> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if self.list.on_key(key.code, ctrl, self.visible.len()) {
            return Reply::handled();
        }
        match key.code {
            KeyCode::Enter => match self.selected() {
                Some(slot) => {
                    let note = if slot.row.as_ref().is_some_and(|r| r.needs_mfa) {
                        format!("opening {}: enter its MFA code to sign in", slot.env)
                    } else {
                        format!("opening {}", slot.env)
                    };
                    Reply::handled()
                        .request(Request::OpenEnvironment(slot.env.clone()))
                        .status(note, Level::Ok)
                }
                None => Reply::handled(),
            },
            _ => Reply::ignored(),
        }
    }

    fn focused_list(&mut self) -> Option<&mut ListState> {
        Some(&mut self.list)
    }

    fn filter_changed(&mut self) {
        self.refresh_rows();
    }

    fn data_age(&self, now: Epoch) -> Option<i64> {
        FleetState::data_age(self, now)
    }

    fn loading(&self) -> bool {
        FleetState::loading(self)
    }

    fn help(&self) -> BindingGroup {
        HELP
    }
}
