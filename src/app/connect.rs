//! Building a `CloudHandle` for an environment: the simulated account in demo mode,
//! AWS otherwise, with the command line's overrides applied.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use crate::cloud::CloudHandle;
use crate::cloud::aws::{self, AwsSettings};
use crate::cloud::mfa::{MfaPrompter, MfaRequest};
use crate::cloud::sim::{self, SimWorld};
use crate::config::Environment;
use crate::panes::fleet::readers::ReaderSource;

/// Makes the cloud for an environment (called at start and on `:env`).
pub trait Connector: Send + Sync {
    fn connect(&self, env: &Environment) -> CloudHandle;
    /// The clock the console runs on: wall-clock time, or the simulated account's.
    fn now(&self) -> crate::cloud::Epoch {
        crate::cloud::sim::wall_clock_now()
    }
    /// The clock audit records are timed by when it is not the wall clock.
    fn audit_clock(&self) -> Option<crate::audit::AuditClock> {
        None
    }
    /// From now on, MFA codes are asked for in the console: the requests arrive on the
    /// returned channel (`None`: this cloud never asks).
    fn ask_mfa_in_console(&self) -> Option<mpsc::UnboundedReceiver<MfaRequest>> {
        None
    }
    /// Readers for the fleet view, one per environment: read-only, never asking for an
    /// MFA code (`None`: this connector cannot read other environments).
    fn fleet_readers(&self) -> Option<ReaderSource> {
        None
    }
}

/// Region, profile and endpoint: what makes two environments' clouds differ.
type AwsSettingsKey = (String, Option<String>, Option<String>);

/// The built-in simulated account.
pub struct SimConnector {
    pub world: Arc<SimWorld>,
    pub read_only: bool,
}

impl Connector for SimConnector {
    fn connect(&self, env: &Environment) -> CloudHandle {
        sim::handle(self.world.clone(), &env.name, self.read_only)
    }

    /// Ages, audit times, query ranges and the tail follow the simulated clock (which
    /// runs faster with `OPSDECK_DEMO_SPEED`).
    fn now(&self) -> crate::cloud::Epoch {
        self.world.now()
    }

    fn audit_clock(&self) -> Option<crate::audit::AuditClock> {
        let world = Arc::clone(&self.world);
        Some(Arc::new(move || world.now()))
    }

    fn fleet_readers(&self) -> Option<ReaderSource> {
        let world = Arc::clone(&self.world);
        let clock_world = Arc::clone(&self.world);
        Some(ReaderSource {
            make: Arc::new(move |env: &Environment| {
                sim::handle(Arc::clone(&world), &env.name, true).read
            }),
            clock: Arc::new(move || clock_world.now()),
            simulated: true,
        })
    }
}

/// Real AWS; `--profile`, `--region` and `--endpoint-url` beat the environment's values.
#[derive(Debug, Clone, Default)]
pub struct AwsConnector {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub read_only: bool,
    /// Who is asked for MFA codes (the terminal until the console takes over).
    pub mfa: Arc<Mutex<MfaPrompter>>,
}

impl AwsConnector {
    /// The SDK settings for `env` after overrides.
    pub fn settings(&self, env: &Environment) -> AwsSettings {
        AwsSettings {
            region: self.region.clone().unwrap_or_else(|| env.region.clone()),
            profile: self.profile.clone().or_else(|| env.profile.clone()),
            endpoint_url: self
                .endpoint_url
                .clone()
                .or_else(|| env.endpoint_url.clone()),
            mfa: self
                .mfa
                .lock()
                .map(|m| m.clone())
                .unwrap_or(MfaPrompter::Never),
            findings: crate::cloud::aws::ReadElsewhere::of(
                env.findings_region.as_deref(),
                env.findings_profile.as_deref(),
            ),
            metrics: env.monitoring_account.as_ref().and_then(|_| {
                crate::cloud::aws::ReadElsewhere::of(None, env.monitoring_profile.as_deref())
            }),
            ..Default::default()
        }
    }
}

impl Connector for AwsConnector {
    fn connect(&self, env: &Environment) -> CloudHandle {
        aws::handle(self.settings(env), self.read_only)
    }

    fn ask_mfa_in_console(&self) -> Option<mpsc::UnboundedReceiver<MfaRequest>> {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut mfa = self.mfa.lock().ok()?;
        *mfa = MfaPrompter::Console(tx);
        Some(rx)
    }

    /// The same overrides, read-only, and an MFA role is never asked for its code: the
    /// fleet row says so, and `enter` signs in through the console's own cloud.
    fn fleet_readers(&self) -> Option<ReaderSource> {
        let this = AwsConnector {
            read_only: true,
            mfa: Arc::new(Mutex::new(MfaPrompter::Never)),
            ..self.clone()
        };
        // Environments signed in the same way (region, profile, endpoint) share one
        // cloud: one SDK config, one set of clients, one credential provider.
        let shared: Mutex<HashMap<AwsSettingsKey, Arc<dyn crate::cloud::CloudRead>>> =
            Mutex::new(HashMap::new());
        Some(ReaderSource {
            make: Arc::new(move |env: &Environment| {
                let settings = this.settings(env);
                let key = (
                    settings.region.clone(),
                    settings.profile.clone(),
                    settings.endpoint_url.clone(),
                );
                let mut shared = shared.lock().unwrap_or_else(|e| e.into_inner());
                Arc::clone(
                    shared
                        .entry(key)
                        .or_insert_with(|| aws::handle(settings, true).read),
                )
            }),
            clock: Arc::new(crate::cloud::sim::wall_clock_now),
            simulated: false,
        })
    }
}
