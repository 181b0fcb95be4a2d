//! The fleet's one kind of source, an environment, and how it is read: a place in the
//! bounded pool, the environment's own reader, every value at once, within a deadline
//! so that a hanging environment frees its place.

use std::time::Duration;

use super::gather::{EnvReading, read_env};
use super::readers::FleetReaders;
use crate::cloud::CloudError;
use crate::config::Config;

/// The longest one environment's read may take (the SDK's own operation timeout is
/// 20 s; this bounds a read whose calls queue behind each other).
pub const ROW_DEADLINE: Duration = Duration::from_secs(45);

/// One fleet fetch: every value of one environment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FleetSource {
    Env(String),
}

/// A fleet fetch's answer, with the environment it was made for.
#[derive(Debug, Clone)]
pub struct FleetFetched {
    pub env: String,
    /// `Err` when the environment could not be read at all (no reader, the deadline).
    /// Boxed: a reading is large and the console's events carry it.
    pub result: Result<Box<EnvReading>, CloudError>,
}

impl FleetFetched {
    /// The answer where no per-environment readers exist.
    pub fn unavailable(source: FleetSource) -> FleetFetched {
        let FleetSource::Env(env) = source;
        FleetFetched {
            env,
            result: Err(CloudError::Unsupported(
                "this console cannot read other environments".into(),
            )),
        }
    }
}

/// True for failures that fresh credentials may cure (the reader is then rebuilt).
fn credentials_failure(e: &CloudError) -> bool {
    matches!(
        e,
        CloudError::MfaNeeded(_) | CloudError::SsoExpired(_) | CloudError::ExpiredCredentials(_)
    )
}

/// Read environment `source` of `config` through `readers`' pool.
pub async fn fetch(readers: &FleetReaders, config: &Config, source: FleetSource) -> FleetFetched {
    let FleetSource::Env(name) = source;
    let Some(env) = config.environment(&name) else {
        return FleetFetched {
            result: Err(CloudError::NotFound(format!(
                "environment {name} is not in the config"
            ))),
            env: name,
        };
    };
    let _place = readers.permit().await;
    let result = match readers.reader(env) {
        Err(e) => Err(e),
        Ok(reader) => {
            let clock = || readers.now();
            tokio::time::timeout(
                ROW_DEADLINE,
                read_env(reader.as_ref(), env, config, readers.simulated(), &clock),
            )
            .await
            .map(Box::new)
            .map_err(|_| {
                CloudError::Network(format!(
                    "{name}: no answer within {} s",
                    ROW_DEADLINE.as_secs()
                ))
            })
        }
    };
    let stale_credentials = match &result {
        Ok(r) => r.errors().into_iter().any(credentials_failure),
        Err(e) => credentials_failure(e),
    };
    if stale_credentials {
        readers.forget(&name);
    }
    FleetFetched { env: name, result }
}
