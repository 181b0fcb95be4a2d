//! The Runbooks pane behind the pane interface: its keys (every flow screen owns `esc`),
//! no data sources of its own (runs report through the write actor), and its help lines.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent};

use super::request::{NoFetched, NoSource};
use super::state::{Flow, RunbooksState};
use crate::cloud::Epoch;
use crate::level::Level;
use crate::panes::kit::{
    BindingGroup, ListState, PaneCtx, PaneState, Reply, Request, Schedule, Write, b,
};

/// The pane's keys, as the help popup lists them.
pub const HELP: BindingGroup = BindingGroup {
    title: "Runbooks pane",
    bindings: &[
        b("enter", "parameters → plan (no changes) → confirm"),
        b("y", "on a plan: confirm and run"),
        b(
            "type env name",
            "confirm a high-risk runbook on a protected environment",
        ),
        b("j k  pgdn pgup", "scroll a plan or result"),
        b("c", "while running: cancel between steps"),
        b("R", "after failed verification: plan the rollback section"),
        b("esc", "back (leaves a plan, confirmation or result)"),
    ],
};

impl PaneState for RunbooksState {
    type Source = NoSource;
    type Fetched = NoFetched;

    fn requested(&self) -> &HashMap<NoSource, Epoch> {
        &self.no_requests
    }

    fn requested_mut(&mut self) -> &mut HashMap<NoSource, Epoch> {
        &mut self.no_requests
    }

    fn due(&self, _ctx: &PaneCtx, _schedule: &Schedule<NoSource>) -> Vec<NoSource> {
        Vec::new()
    }

    fn mark_loading(&mut self, _source: &NoSource) {}

    fn fetches(&self) -> bool {
        false
    }

    fn apply(&mut self, fetched: NoFetched, _ctx: &PaneCtx) -> Reply<NoSource> {
        match fetched {}
    }

    fn on_key(&mut self, key: KeyEvent, ctx: &PaneCtx) -> Reply<NoSource> {
        if matches!(self.flow, Flow::Browse) && key.code != KeyCode::Enter {
            let len = self.visible().len();
            let ctrl = key
                .modifiers
                .contains(crossterm::event::KeyModifiers::CONTROL);
            return Reply::used(self.list.on_key(key.code, ctrl, len));
        }
        let (request, status, used) = self.on_flow_key(key, ctx.env, ctx.read_only);
        let mut reply = Reply::used(used);
        if let Some(r) = request {
            reply = reply.request(Request::Write(Write::Runbook(Box::new(r))));
        }
        if let Some(s) = status {
            reply = reply.status(s, Level::Warning);
        }
        reply
    }

    fn captures_keys(&self) -> bool {
        self.captures_text()
    }

    fn focused_list(&mut self) -> Option<&mut ListState> {
        RunbooksState::focused_list(self)
    }

    fn data_age(&self, _now: Epoch) -> Option<i64> {
        None
    }

    fn loading(&self) -> bool {
        matches!(self.flow, Flow::Planning(_))
    }

    fn help(&self) -> BindingGroup {
        HELP
    }
}
