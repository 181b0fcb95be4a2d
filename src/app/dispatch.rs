//! The list of panes, in one place: the console's `Source` and `Fetched` wrap each
//! pane's own, one fetch function dispatches to the pane's, and `with_pane!` runs code
//! against the pane interface of whichever pane is named. Adding a pane means a variant
//! in each enum and an arm in each macro below.

use crate::cloud::{CallerIdentity, CloudRead, CloudResult, Epoch};
use crate::config::{Config, Environment};
use crate::panes::cost::fetch::CostFetch;
use crate::panes::cost::sources::CostFetched;
use crate::panes::dashboard::sources::{DashboardFetched, DashboardSource};
use crate::panes::ecs::sources::{EcsFetched, EcsSource};
use crate::panes::fleet::readers::FleetReaders;
use crate::panes::fleet::sources::{FleetFetched, FleetSource};
use crate::panes::logs::sources::{LogsFetched, LogsSource};
use crate::panes::runbooks::request::NoSource;
use crate::panes::security::sources::{SecurityFetched, SecuritySource};
use crate::panes::timeline::sources::{TimelineFetched, TimelineSource};

/// One thing that can be fetched. At most one fetch per source is in flight.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// The caller's identity (the chrome's).
    Identity,
    Dashboard(DashboardSource),
    Ecs(EcsSource),
    Cost(CostFetch),
    Security(SecuritySource),
    Logs(LogsSource),
    Timeline(TimelineSource),
    /// One environment of the fleet, read with its own reader (not the console's cloud).
    Fleet(FleetSource),
}

/// A finished fetch's result.
#[derive(Debug, Clone)]
pub enum Fetched {
    Identity(CloudResult<CallerIdentity>),
    Dashboard(DashboardFetched),
    Ecs(EcsFetched),
    Cost(CostFetched),
    Security(SecurityFetched),
    Logs(LogsFetched),
    Timeline(TimelineFetched),
    Fleet(FleetFetched),
}

impl From<FleetSource> for Source {
    fn from(s: FleetSource) -> Source {
        Source::Fleet(s)
    }
}

impl From<DashboardSource> for Source {
    fn from(s: DashboardSource) -> Source {
        Source::Dashboard(s)
    }
}

impl From<EcsSource> for Source {
    fn from(s: EcsSource) -> Source {
        Source::Ecs(s)
    }
}

impl From<CostFetch> for Source {
    fn from(s: CostFetch) -> Source {
        Source::Cost(s)
    }
}

impl From<SecuritySource> for Source {
    fn from(s: SecuritySource) -> Source {
        Source::Security(s)
    }
}

impl From<LogsSource> for Source {
    fn from(s: LogsSource) -> Source {
        Source::Logs(s)
    }
}

impl From<TimelineSource> for Source {
    fn from(s: TimelineSource) -> Source {
        Source::Timeline(s)
    }
}

impl From<NoSource> for Source {
    fn from(s: NoSource) -> Source {
        match s {}
    }
}

/// Fetch one source from `read` for `env` at `now` (the console's clock). The one place
/// a `Source` becomes cloud calls.
pub async fn run_fetch(
    read: &dyn CloudRead,
    env: &Environment,
    source: Source,
    now: Epoch,
) -> Fetched {
    match source {
        Source::Identity => Fetched::Identity(read.caller_identity().await),
        Source::Dashboard(s) => {
            Fetched::Dashboard(crate::panes::dashboard::sources::fetch(read, env, s).await)
        }
        Source::Ecs(s) => Fetched::Ecs(crate::panes::ecs::sources::fetch(read, env, s).await),
        Source::Cost(s) => {
            Fetched::Cost(crate::panes::cost::sources::fetch(read, env, s, now).await)
        }
        Source::Security(s) => {
            Fetched::Security(crate::panes::security::sources::fetch(read, s).await)
        }
        Source::Logs(s) => Fetched::Logs(crate::panes::logs::sources::fetch(read, s).await),
        Source::Timeline(s) => {
            Fetched::Timeline(crate::panes::timeline::sources::fetch(read, env, s, now).await)
        }
        // Another environment needs its own reader: `run_fetch_with_fleet` has them.
        Source::Fleet(s) => Fetched::Fleet(FleetFetched::unavailable(s)),
    }
}

/// As [`run_fetch`], telling `progress` about partial answers of the sources that have
/// them (Security Hub findings while pages are still coming).
pub async fn run_fetch_streamed(
    read: &dyn CloudRead,
    env: &Environment,
    source: Source,
    now: Epoch,
    progress: &(dyn Fn(Fetched) + Send + Sync),
) -> Fetched {
    match source {
        Source::Security(s) => {
            let page = |f| progress(Fetched::Security(f));
            Fetched::Security(crate::panes::security::sources::fetch_streamed(read, s, &page).await)
        }
        other => run_fetch(read, env, other, now).await,
    }
}

/// As [`run_fetch`], with the fleet's per-environment readers (over `config`'s
/// environments) for the fleet's sources.
pub async fn run_fetch_with_fleet(
    read: &dyn CloudRead,
    env: &Environment,
    fleet: &FleetReaders,
    config: &Config,
    source: Source,
    now: Epoch,
) -> Fetched {
    match source {
        Source::Fleet(s) => {
            Fetched::Fleet(crate::panes::fleet::sources::fetch(fleet, config, s).await)
        }
        other => run_fetch(read, env, other, now).await,
    }
}

/// The context a pane is handed, borrowed from the console's state `$s` (an identifier
/// of a `&mut AppState` or `&AppState`).
#[macro_export]
macro_rules! pane_ctx {
    ($s:ident) => {
        $crate::panes::kit::PaneCtx {
            config: &$s.config,
            env: &$s.env,
            now: $s.now,
            read_only: $s.read_only,
            demo: $s.demo,
            identity: $s.identity.data.as_ref(),
        }
    };
}

/// Run `$body` with `$p` bound mutably to pane `$pane`'s state of `$s` and `$ctx` to its
/// context; every arm must evaluate to the same type.
#[macro_export]
macro_rules! with_pane {
    ($s:ident, $pane:expr, |$p:ident, $ctx:ident| $body:expr) => {{
        let $ctx = $crate::pane_ctx!($s);
        match $pane {
            $crate::panes::Pane::Dashboard => {
                let $p = &mut $s.dashboard;
                $body
            }
            $crate::panes::Pane::Ecs => {
                let $p = &mut $s.ecs;
                $body
            }
            $crate::panes::Pane::Cost => {
                let $p = &mut $s.cost;
                $body
            }
            $crate::panes::Pane::Security => {
                let $p = &mut $s.security;
                $body
            }
            $crate::panes::Pane::Logs => {
                let $p = &mut $s.logs;
                $body
            }
            $crate::panes::Pane::Runbooks => {
                let $p = &mut $s.runbooks;
                $body
            }
            $crate::panes::Pane::Timeline => {
                let $p = &mut $s.timeline;
                $body
            }
            $crate::panes::Pane::Fleet => {
                let $p = &mut $s.fleet;
                $body
            }
        }
    }};
}

/// As `with_pane!`, read-only (`$p` is a shared reference; no context).
#[macro_export]
macro_rules! with_pane_ref {
    ($s:expr, $pane:expr, |$p:ident| $body:expr) => {{
        match $pane {
            $crate::panes::Pane::Dashboard => {
                let $p = &$s.dashboard;
                $body
            }
            $crate::panes::Pane::Ecs => {
                let $p = &$s.ecs;
                $body
            }
            $crate::panes::Pane::Cost => {
                let $p = &$s.cost;
                $body
            }
            $crate::panes::Pane::Security => {
                let $p = &$s.security;
                $body
            }
            $crate::panes::Pane::Logs => {
                let $p = &$s.logs;
                $body
            }
            $crate::panes::Pane::Runbooks => {
                let $p = &$s.runbooks;
                $body
            }
            $crate::panes::Pane::Timeline => {
                let $p = &$s.timeline;
                $body
            }
            $crate::panes::Pane::Fleet => {
                let $p = &$s.fleet;
                $body
            }
        }
    }};
}

/// Run `$body` with `$m` naming pane `$pane`'s module (`$m::view::draw`, …): how the
/// `ui` layer reaches the current pane's view without a list of its own.
#[macro_export]
macro_rules! with_pane_module {
    ($pane:expr, |$m:ident| $body:expr) => {{
        match $pane {
            $crate::panes::Pane::Dashboard => {
                use $crate::panes::dashboard as $m;
                $body
            }
            $crate::panes::Pane::Ecs => {
                use $crate::panes::ecs as $m;
                $body
            }
            $crate::panes::Pane::Cost => {
                use $crate::panes::cost as $m;
                $body
            }
            $crate::panes::Pane::Security => {
                use $crate::panes::security as $m;
                $body
            }
            $crate::panes::Pane::Logs => {
                use $crate::panes::logs as $m;
                $body
            }
            $crate::panes::Pane::Runbooks => {
                use $crate::panes::runbooks as $m;
                $body
            }
            $crate::panes::Pane::Timeline => {
                use $crate::panes::timeline as $m;
                $body
            }
            $crate::panes::Pane::Fleet => {
                use $crate::panes::fleet as $m;
                $body
            }
        }
    }};
}
