//! What every command needs: the config, the chosen environment, and a cloud for it.

use std::path::Path;
use std::sync::Arc;

use crate::app::connect::{AwsConnector, Connector, SimConnector};
use crate::cli::GlobalArgs;
use crate::cloud::CloudHandle;
use crate::cloud::sim::{SimClock, SimWorld};
use crate::config::{Config, Environment, FileError};

/// Seed of the simulated account in demo mode.
pub const DEMO_SEED: u64 = 42;
/// Exit code for errors (bad input, failed calls).
pub const EXIT_ERROR: u8 = 2;

/// Config, environment and the connector the flags ask for.
pub struct Context {
    pub config: Config,
    pub env: Environment,
    pub connector: Box<dyn Connector>,
    pub read_only: bool,
    pub demo: bool,
}

impl Context {
    /// Load the config and pick the environment (`--env`, else the config's default).
    pub fn load(global: &GlobalArgs) -> Result<Context, FileError> {
        if global.demo_at.is_some() && !global.demo {
            return Err(FileError::whole(
                std::path::Path::new("--demo-at"),
                "it starts the simulated account some minutes in: add --demo",
            ));
        }
        let mut config = Config::discover(global.config.as_deref())?;
        if global.demo {
            // The simulated account's alert topic, quarantine group and break-glass role
            // fill whatever the config leaves unset.
            config
                .environments
                .iter_mut()
                .for_each(crate::cloud::sim::demo_incident_settings);
        }
        // `--profile`, `--region` and `--endpoint-url` beat every environment's values;
        // written into the environments, so the palette's `:profile` / `:region` can
        // change them again for the session.
        for env in &mut config.environments {
            if let Some(p) = &global.profile {
                env.profile = Some(p.clone());
            }
            if let Some(r) = &global.region {
                env.region = r.clone();
            }
            if let Some(u) = &global.endpoint_url {
                env.endpoint_url = Some(u.clone());
            }
        }
        let name = global
            .single_env()
            .map_err(|e| FileError::whole(Path::new("--env"), e))?
            .map_or_else(|| config.default_environment.clone(), str::to_string);
        let env = config.environment(&name).cloned().ok_or_else(|| {
            FileError::whole(
                config.source.as_deref().unwrap_or(Path::new("config")),
                format!(
                    "unknown environment {name:?}; known: {}",
                    config.environment_names().join(", ")
                ),
            )
        })?;
        Ok(Context {
            config,
            env,
            connector: connector(global),
            read_only: global.read_only,
            demo: global.demo,
        })
    }

    /// The cloud for the chosen environment.
    pub fn cloud(&self) -> CloudHandle {
        self.connector.connect(&self.env)
    }
}

/// The tokio runtime every command (and the console) runs on: two workers, I/O and timers.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start runtime: {e}"))
}

/// How fast simulated time runs: `OPSDECK_DEMO_SPEED` (e.g. 10 to watch the prod
/// incident unfold in a minute and a half), default real time.
pub fn demo_speed() -> f64 {
    std::env::var("OPSDECK_DEMO_SPEED")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 1000.0)
        .unwrap_or(1.0)
}

/// The simulated account for `--demo`, else AWS (the flags' `--profile`, `--region` and
/// `--endpoint-url` are already written into the environments by [`Context::load`]).
pub fn connector(global: &GlobalArgs) -> Box<dyn Connector> {
    if global.demo {
        let world = SimWorld::new(DEMO_SEED, SimClock::live(demo_speed()));
        if let Some(minutes) = global.demo_at {
            world.advance(i64::from(minutes) * 60);
        }
        Box::new(SimConnector {
            world: Arc::clone(&world),
            read_only: global.read_only,
        })
    } else {
        Box::new(AwsConnector {
            read_only: global.read_only,
            ..AwsConnector::default()
        })
    }
}
