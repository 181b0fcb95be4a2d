//! The whole console state. The UI draws from it; only `update` changes it.

use std::collections::HashMap;

use super::cost_state::CostState;
use super::dashboard_state::DashboardState;
use super::ecs_state::EcsState;
use super::loadable::Loadable;
use super::logs_state::LogsState;
use super::pane::Pane;
use super::runbooks_state::{Flow, RunbooksState};
use super::security_state::SecurityState;
use super::source::Source;
use crate::cloud::{CallerIdentity, Epoch};
use crate::config::{Config, Environment};
use crate::level::Level;
use crate::ui::theme::Theme;

/// What the keyboard is talking to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Normal,
    /// Typing a `/` filter for the focused list.
    Filter,
    /// Typing a `:` command.
    Palette,
    /// The `?` help popup.
    Help,
}

/// How often each source refreshes, in seconds.
pub const ECS_REFRESH_SECONDS: i64 = 15;
/// Identity is re-checked rarely (credentials can expire).
pub const IDENTITY_REFRESH_SECONDS: i64 = 300;
/// Back-off before retrying a failed source.
pub const RETRY_SECONDS: i64 = 30;

/// The console's state.
#[derive(Debug, Clone)]
pub struct AppState {
    pub config: Config,
    pub env: Environment,
    pub demo: bool,
    pub read_only: bool,
    pub theme: Theme,
    pub no_color: bool,
    /// Wall-clock (or simulated) time of the last tick.
    pub now: Epoch,
    pub pane: Pane,
    pub mode: Mode,
    pub identity: Loadable<CallerIdentity>,
    pub ecs: EcsState,
    pub cost: CostState,
    pub dashboard: DashboardState,
    pub security: SecurityState,
    pub logs: LogsState,
    pub runbooks: RunbooksState,
    /// Text being typed in the palette.
    pub palette_input: String,
    pub help_scroll: u16,
    /// One-line message in the footer.
    pub status: Option<(String, Level)>,
    /// The open break-glass session, if any (shown in the header until it ends).
    pub break_glass: Option<super::break_glass::BreakGlassBanner>,
    /// When each source was last requested (for schedules and back-off).
    pub last_requested: HashMap<Source, Epoch>,
    pub quit: bool,
}

impl AppState {
    /// A fresh state for `env` of `config`.
    pub fn new(config: Config, env: Environment, theme: Theme, now: Epoch) -> AppState {
        AppState {
            config,
            env,
            demo: false,
            read_only: false,
            theme,
            no_color: false,
            now,
            // The pane an on-call engineer opens first: is prod healthy, which tier hurts.
            pane: Pane::Dashboard,
            mode: Mode::Normal,
            identity: Loadable::default(),
            ecs: EcsState::default(),
            cost: CostState::default(),
            dashboard: DashboardState::default(),
            security: SecurityState::default(),
            logs: LogsState::default(),
            runbooks: RunbooksState::default(),
            palette_input: String::new(),
            help_scroll: 0,
            status: None,
            break_glass: None,
            last_requested: HashMap::new(),
            quit: false,
        }
    }

    /// Forget everything fetched (after switching environment).
    pub fn clear_data(&mut self) {
        self.identity = Loadable::default();
        self.ecs = EcsState::default();
        self.security = SecurityState::default();
        self.logs.reset();
        self.cost = self.cost.for_new_environment();
        self.dashboard = DashboardState {
            range: self.dashboard.range,
            ..DashboardState::default()
        };
        self.last_requested.clear();
        // A plan or confirmation belongs to the environment it was made for; a run in
        // progress (or its result) stays visible.
        if !matches!(self.runbooks.flow, Flow::Running { .. } | Flow::Done { .. }) {
            self.runbooks.flow = Flow::Browse;
        }
    }

    /// Age in seconds of the oldest data the current pane shows.
    pub fn pane_data_age(&self) -> Option<i64> {
        match self.pane {
            Pane::Ecs => {
                let a = self.ecs.services.age(self.now);
                let b = self.ecs.tasks.age(self.now);
                a.max(b)
            }
            Pane::Cost => self.cost.data_age(self.now),
            Pane::Dashboard => {
                let d = &self.dashboard;
                d.metrics.age(self.now).max(d.alarms.age(self.now))
            }
            Pane::Security => self.security.findings.age(self.now),
            Pane::Logs => self.logs.data_age(self.now),
            Pane::Runbooks => None,
        }
    }

    /// The list the `/` filter and movement keys act on, if the pane has one.
    pub fn focused_list(&mut self) -> Option<&mut super::list::ListState> {
        match self.pane {
            Pane::Ecs => Some(self.ecs.focused_list()),
            Pane::Cost => None,
            Pane::Dashboard => None,
            Pane::Security => Some(self.security.focused_list()),
            Pane::Logs => Some(self.logs.focused_list()),
            Pane::Runbooks => self.runbooks.focused_list(),
        }
    }

    /// True when the current environment needs typed confirmation for writes.
    pub fn protected(&self) -> bool {
        self.env.protected
    }
}
