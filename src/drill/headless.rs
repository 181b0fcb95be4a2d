//! Playing a drill without a terminal: the simulated clock is moved by the caller, panes
//! are "opened" by name, and runbooks run through the real engine (prerequisites, plan,
//! execute, verify, audit) against the simulated account with their confirmations
//! answered. The drill tests use it; a whole drill plays in about a second.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use super::model::Drill;
use super::score::Score;
use super::session::Session;
use crate::audit::AuditLog;
use crate::cloud::sim::{self, SimClock, SimWorld, demo_incident_settings};
use crate::config::Environment;
use crate::runbook::engine::{RunStatus, execute, prepare};
use crate::runbook::library::Library;
use crate::runbook::params::resolve_params;
use crate::runbook::plan::RunContext;

/// Simulated seconds per real second while a runbook runs (its waits poll the world).
const RUN_SPEED: f64 = 600.0;

/// A drill played by a program.
pub struct Headless {
    pub session: Session,
    library: Library,
    audit_path: PathBuf,
}

/// What running one runbook came to.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutcome {
    pub status: Option<RunStatus>,
    /// The refusal or error that stopped it before it ran.
    pub refused: Option<String>,
}

impl Headless {
    /// `drill` on a world whose clock stands at `start`, auditing into `dir`.
    pub fn new(drill: &Drill, seed: u64, start: i64, dir: &Path) -> std::io::Result<Headless> {
        let world = SimWorld::with_scenario(seed, SimClock::Fixed(start), drill.scenario());
        let clock_world = Arc::clone(&world);
        let audit_path = dir.join("audit-demo.jsonl");
        let audit =
            AuditLog::new(&audit_path).with_clock(Some(Arc::new(move || clock_world.now())));
        let session = Session::start(drill.clone(), world, audit, seed, 0.0)?;
        Ok(Headless {
            session,
            library: Library::load(None),
            audit_path,
        })
    }

    /// The world being played.
    pub fn world(&self) -> &Arc<SimWorld> {
        &self.session.world
    }

    /// Moves the clock to `minute` of the drill (never back) and lets the session tick.
    pub fn at_minute(&mut self, minute: i64) {
        let world = self.world();
        let target = world.start() + minute * 60;
        if target > world.now() {
            world.set_time(target);
        }
        self.session.tick();
    }

    /// The operator opens `pane`.
    pub fn open(&mut self, pane: &str) {
        self.session.pane(pane);
    }

    /// Runs the runbook `name` on `env` with `params`, confirming whatever it asks.
    pub async fn run(&mut self, env: &str, name: &str, params: &[(&str, &str)]) -> RunOutcome {
        let refused = |e: String| RunOutcome {
            status: None,
            refused: Some(e),
        };
        let Some(rb) = self.library.get(name).cloned() else {
            return refused(format!("runbook {name} is not in the library"));
        };
        let mut environment = Environment::with_defaults(sim::PROJECT, env);
        demo_incident_settings(&mut environment);
        let ctx = RunContext {
            env: environment,
            cloud: sim::handle(Arc::clone(self.world()), env, false),
            audit: self.audit(),
            events: None,
            poll: Duration::from_millis(5),
            cancel: Arc::new(AtomicBool::new(false)),
        };
        let raw: BTreeMap<String, String> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let params = match resolve_params(&rb, &ctx.env, &raw) {
            Ok(p) => p,
            Err(e) => return refused(e),
        };
        let world = Arc::clone(self.world());
        // Time runs while the runbook waits for AWS, then stands still again.
        world.set_clock(SimClock::Live {
            start: world.now(),
            started: std::time::Instant::now(),
            speed: RUN_SPEED,
        });
        let outcome = match prepare(&rb, params, &ctx).await {
            Ok(prepared) if prepared.runnable() => RunOutcome {
                status: Some(execute(&prepared, &ctx).await.status),
                refused: None,
            },
            Ok(prepared) => refused(
                prepared
                    .checks
                    .iter()
                    .filter(|c| !c.ok)
                    .map(|c| c.detail.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Err(e) => refused(e.to_string()),
        };
        world.set_time(world.now());
        self.session.tick();
        outcome
    }

    fn audit(&self) -> AuditLog {
        let world = Arc::clone(self.world());
        AuditLog::new(&self.audit_path).with_clock(Some(Arc::new(move || world.now())))
    }

    /// Plays to the drill's end and scores it.
    pub fn finish(&mut self) -> Score {
        let end = self.session.drill.duration_minutes;
        self.at_minute(end);
        self.session.finish();
        self.session.score()
    }
}
