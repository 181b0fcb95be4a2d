//! The whole console state. The UI draws from it; only the reducer (`update`) changes it.

use super::break_glass::BreakGlassBanner;
use crate::cloud::{CallerIdentity, Epoch};
use crate::config::{Config, Environment};
use crate::level::Level;
use crate::panes::Pane;
use crate::panes::cost::CostState;
use crate::panes::dashboard::DashboardState;
use crate::panes::ecs::EcsState;
use crate::panes::fleet::FleetState;
use crate::panes::kit::{ListState, Loadable, PaneState};
use crate::panes::logs::LogsState;
use crate::panes::runbooks::RunbooksState;
use crate::panes::runbooks::state::Flow;
use crate::panes::security::SecurityState;
use crate::panes::timeline::TimelineState;

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

/// Identity is re-checked rarely (credentials can expire).
pub const IDENTITY_REFRESH_SECONDS: i64 = 300;
/// A status message disappears after this many ticks (seconds of wall time).
pub const STATUS_TICKS: u32 = 10;

/// The console's state.
#[derive(Debug, Clone)]
pub struct AppState {
    pub config: Config,
    pub env: Environment,
    pub demo: bool,
    pub read_only: bool,
    /// The colour theme's name (the loop holds the loaded theme; the UI draws with it).
    pub theme_name: String,
    /// Themes `:theme` completes (built-in and the user's).
    pub theme_names: Vec<String>,
    /// Profiles in the AWS CLI's files (the `:profile` picker).
    pub profile_names: Vec<String>,
    pub no_color: bool,
    /// The console's clock: wall-clock time, or the simulated account's in demo mode.
    pub now: Epoch,
    pub pane: Pane,
    pub mode: Mode,
    pub identity: Loadable<CallerIdentity>,
    /// When the identity was last requested.
    pub identity_requested: Option<Epoch>,
    pub dashboard: DashboardState,
    pub ecs: EcsState,
    pub cost: CostState,
    pub security: SecurityState,
    pub logs: LogsState,
    pub runbooks: RunbooksState,
    pub timeline: TimelineState,
    /// Every environment at once; kept across environment switches.
    pub fleet: FleetState,
    /// Text being typed in the palette.
    pub palette_input: String,
    pub help_scroll: u16,
    /// One-line message in the footer.
    pub status: Option<(String, Level)>,
    /// Ticks the status message has been shown (it expires after `STATUS_TICKS`).
    pub status_age: u32,
    /// The open break-glass session, if any (shown in the header until it ends).
    pub break_glass: Option<BreakGlassBanner>,
    /// The MFA popup, while a role profile waits for a code.
    pub mfa_prompt: Option<super::mfa_prompt::MfaPrompt>,
    /// The drill being played, as its banner shows it (None: not a drill).
    pub drill: Option<crate::drill::session::DrillBanner>,
    pub quit: bool,
}

impl AppState {
    /// A fresh state for `env` of `config`.
    pub fn new(config: Config, env: Environment, now: Epoch) -> AppState {
        let theme_name = config
            .theme
            .clone()
            .unwrap_or_else(|| "default".to_string());
        let cost = CostState::default().for_new_environment(&env.name);
        let fleet = FleetState::for_config(&config);
        AppState {
            config,
            env,
            demo: false,
            read_only: false,
            theme_name,
            theme_names: Vec::new(),
            profile_names: Vec::new(),
            no_color: false,
            now,
            // The pane an on-call engineer opens first: is prod healthy, which tier hurts.
            pane: Pane::Dashboard,
            mode: Mode::Normal,
            identity: Loadable::default(),
            identity_requested: None,
            dashboard: DashboardState::default(),
            ecs: EcsState::default(),
            cost,
            security: SecurityState::default(),
            logs: LogsState::default(),
            runbooks: RunbooksState::default(),
            timeline: TimelineState::default(),
            fleet,
            palette_input: String::new(),
            help_scroll: 0,
            status: None,
            status_age: 0,
            break_glass: None,
            mfa_prompt: None,
            drill: None,
            quit: false,
        }
    }

    /// Forget everything fetched (after switching environment).
    /// True when the identity read failed because an SSO session expired (not in the
    /// demo): the header offers `L` (`aws sso login`).
    pub fn sso_login_needed(&self) -> bool {
        !self.demo
            && self
                .identity
                .error
                .as_ref()
                .is_some_and(crate::cloud::CloudError::needs_sso_login)
    }

    pub fn clear_data(&mut self) {
        self.identity = Loadable::default();
        self.identity_requested = None;
        // Open port forwards outlive the switch (their plugins run until closed or exit).
        let forwards = std::mem::take(&mut self.ecs.session.forwards);
        self.ecs = EcsState::default();
        self.ecs.session.forwards = forwards;
        self.security = SecurityState::default();
        self.logs.reset();
        self.timeline = TimelineState {
            span: self.timeline.span,
            audit_path: self.timeline.audit_path.take(),
            ..TimelineState::default()
        };
        self.cost = self.cost.for_new_environment(&self.env.name);
        self.dashboard = DashboardState {
            range: self.dashboard.range,
            ..DashboardState::default()
        };
        // A plan or confirmation belongs to the environment it was made for; a run in
        // progress (or its result) stays visible.
        if !matches!(self.runbooks.flow, Flow::Running { .. } | Flow::Done { .. }) {
            self.runbooks.flow = Flow::Browse;
        }
    }

    /// Show `text` in the footer (it expires after `STATUS_TICKS` or at the next key).
    pub fn set_status(&mut self, text: impl Into<String>, level: Level) {
        let text = text.into();
        if matches!(level, Level::Warning | Level::Critical) {
            tracing::warn!(env = %self.env.name, pane = self.pane.name(), status = %text, "shown");
        }
        self.status = Some((text, level));
        self.status_age = 0;
    }

    /// Age in seconds of the oldest data the current pane shows.
    pub fn pane_data_age(&self) -> Option<i64> {
        let now = self.now;
        crate::with_pane_ref!(self, self.pane, |p| p.data_age(now))
    }

    /// False for a pane that fetches nothing itself (its header shows no data age).
    pub fn pane_fetches(&self) -> bool {
        crate::with_pane_ref!(self, self.pane, |p| p.fetches())
    }

    /// True while any source of the current pane (or the identity) is being fetched.
    pub fn loading(&self) -> bool {
        self.identity.loading || crate::with_pane_ref!(self, self.pane, |p| p.loading())
    }

    /// The list the `/` filter and movement keys act on, if the pane has one.
    pub fn focused_list(&mut self) -> Option<&mut ListState> {
        let s = self;
        let pane = s.pane;
        crate::with_pane!(s, pane, |p, _ctx| PaneState::focused_list(p))
    }

    /// True when the current environment needs typed confirmation for writes.
    pub fn protected(&self) -> bool {
        self.env.protected
    }
}
