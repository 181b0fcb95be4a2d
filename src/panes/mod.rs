//! The console's panes, one folder each: its state, keys, sources (fetch and apply) and
//! view, behind one interface (`kit::PaneState`). This file names them (tab order, tab
//! titles, `:` names); adding a pane means its folder, lines here, its variants and
//! arms in `app::dispatch` and its field in `app::state` (`docs/adding-a-pane.md`).

pub mod cost;
pub mod dashboard;
pub mod ecs;
pub mod fleet;
pub mod kit;
pub mod logs;
pub mod runbooks;
pub mod security;
pub mod timeline;

/// One screen of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    /// ALB, ECS, RDS and Redis health at a glance, alarms and recent errors.
    Dashboard,
    /// ECS services, deployments, tasks and events.
    Ecs,
    /// Cost Explorer: month to date, trend, forecast vs budget, anomalies.
    Cost,
    /// Security Hub and GuardDuty findings, standard scores, triage.
    Security,
    /// CloudWatch Logs Insights queries, results, history, saved queries and live tail.
    Logs,
    /// Runbooks: plan, confirm, execute with audit, verify, roll back.
    Runbooks,
    /// What changed: deployments, alarms, CloudTrail, findings, scaling, RDS and operator
    /// actions in time order, with the suspect change.
    Timeline,
    /// Every environment at once (pane `0`): above the environment's own panes, so not
    /// one of the numbered tabs.
    Fleet,
}

impl Pane {
    /// Every pane, in tab order (number keys select them).
    pub const ALL: [Pane; 7] = [
        Pane::Dashboard,
        Pane::Ecs,
        Pane::Cost,
        Pane::Security,
        Pane::Logs,
        Pane::Runbooks,
        Pane::Timeline,
    ];

    /// Every pane: the fleet, then the environment's tabs (help and palette list them).
    pub const EVERY: [Pane; 8] = [
        Pane::Fleet,
        Pane::Dashboard,
        Pane::Ecs,
        Pane::Cost,
        Pane::Security,
        Pane::Logs,
        Pane::Runbooks,
        Pane::Timeline,
    ];

    /// The number key that opens the pane.
    pub fn key(self) -> char {
        match self {
            Pane::Fleet => '0',
            Pane::Dashboard => '1',
            Pane::Ecs => '2',
            Pane::Cost => '3',
            Pane::Security => '4',
            Pane::Logs => '5',
            Pane::Runbooks => '6',
            Pane::Timeline => '7',
        }
    }

    /// The pane number key `c` opens.
    pub fn from_key(c: char) -> Option<Pane> {
        Pane::EVERY.into_iter().find(|p| p.key() == c)
    }

    /// The name used in tabs and `:` commands.
    pub fn name(self) -> &'static str {
        match self {
            Pane::Dashboard => "dashboard",
            Pane::Ecs => "ecs",
            Pane::Cost => "cost",
            Pane::Security => "security",
            Pane::Logs => "logs",
            Pane::Runbooks => "runbooks",
            Pane::Timeline => "timeline",
            Pane::Fleet => "fleet",
        }
    }

    /// The tab title.
    pub fn title(self) -> &'static str {
        match self {
            Pane::Dashboard => "Dashboard",
            Pane::Ecs => "ECS",
            Pane::Cost => "Cost",
            Pane::Security => "Security",
            Pane::Logs => "Logs",
            Pane::Runbooks => "Runbooks",
            Pane::Timeline => "Timeline",
            Pane::Fleet => "Fleet",
        }
    }

    /// The pane called `name` (case-insensitive).
    pub fn from_name(name: &str) -> Option<Pane> {
        Pane::EVERY
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
    }
}
