//! Credentials for a role profile that needs an MFA code, which the SDK cannot sign in
//! with by itself (awslabs/aws-sdk-rust#527): the session is taken from the AWS CLI's
//! cache while it lasts; otherwise the code is asked for (terminal or console popup) and
//! `AssumeRole` is called with `SerialNumber`/`TokenCode` using the source profile's
//! credentials, and the answer cached for the CLI and for the next run. Chains are
//! followed hop by hop, each hop cached like the CLI caches it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use aws_types::region::Region;

use super::config::{AwsSettings, endpoint_for, retry_config, timeout_config};
use crate::cloud::Epoch;
use crate::cloud::mfa::chain::{HopSource, RoleHop};
use crate::cloud::mfa::cli_cache::{self, CachedSession};
use crate::cloud::mfa::{MfaNeeded, MfaPrompter, SessionExpiry};

/// After the operator cancels (or nobody can be asked), how long before asking again.
const REFUSED_SECONDS: Epoch = 120;

/// The credentials provider for an MFA role chain.
#[derive(Debug, Clone)]
pub struct MfaRoleProvider {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    hop: RoleHop,
    region: String,
    endpoint_url: Option<String>,
    prompter: MfaPrompter,
    cache_dir: PathBuf,
    /// Where the top hop publishes its session's end for the header.
    expiry: Option<SessionExpiry>,
    state: tokio::sync::Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    current: Option<CachedSession>,
    refused_until: Option<(Epoch, String)>,
}

fn wall_now() -> Epoch {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as Epoch)
}

fn credentials(s: &CachedSession) -> Credentials {
    let expiry = UNIX_EPOCH + Duration::from_secs(u64::try_from(s.expiration).unwrap_or(0));
    Credentials::new(
        &s.access_key_id,
        &s.secret_access_key,
        Some(s.session_token.clone()),
        Some(expiry),
        "opsdeck-mfa-role",
    )
}

impl MfaRoleProvider {
    /// A provider for `hop` (the profile's chain) with `settings`' region, endpoint and
    /// prompter; the session's end is published to `expiry`.
    pub fn new(hop: RoleHop, settings: &AwsSettings, expiry: Option<SessionExpiry>) -> Self {
        Self::with_cache_dir(hop, settings, expiry, cli_cache::cache_dir())
    }

    fn with_cache_dir(
        hop: RoleHop,
        settings: &AwsSettings,
        expiry: Option<SessionExpiry>,
        cache_dir: PathBuf,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                hop,
                region: settings.region.clone(),
                endpoint_url: settings.endpoint_url.clone(),
                prompter: settings.mfa.clone(),
                cache_dir,
                expiry,
                state: tokio::sync::Mutex::new(State::default()),
            }),
        }
    }

    /// Boxed (and `Send` by its type) because a chain's hops call each other.
    fn load(&self) -> futures::future::BoxFuture<'static, Result<Credentials, CredentialsError>> {
        // A task of its own: a caller that times out while the operator types the code
        // must not drop the prompt half-way; the next caller finds the session.
        let inner = Arc::clone(&self.inner);
        Box::pin(async move {
            tokio::spawn(async move { inner.load().await })
                .await
                .map_err(CredentialsError::provider_error)?
        })
    }
}

impl Inner {
    fn publish(&self, s: &CachedSession) {
        if let Some(expiry) = &self.expiry
            && let Ok(mut e) = expiry.lock()
        {
            *e = Some(s.expiration);
        }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let mut state = self.state.lock().await;
        let now = wall_now();
        if let Some(s) = state.current.as_ref().filter(|s| s.usable_at(now)) {
            return Ok(credentials(s));
        }
        let key = cli_cache::cache_key(&self.hop);
        if let Some(s) = cli_cache::read(&self.cache_dir, &key).filter(|s| s.usable_at(now)) {
            tracing::info!(profile = %self.hop.profile, "reusing the AWS CLI's cached role session");
            self.publish(&s);
            let c = credentials(&s);
            state.current = Some(s);
            return Ok(c);
        }
        if let Some((until, why)) = &state.refused_until
            && now < *until
        {
            return Err(CredentialsError::not_loaded(MfaNeeded(why.clone())));
        }
        let source = self.source_credentials().await?;
        let code = match &self.hop.mfa_serial {
            Some(serial) => match self.prompter.ask(&self.hop.profile, serial).await {
                Ok(code) => Some(code),
                Err(why) => {
                    state.refused_until = Some((now + REFUSED_SECONDS, why.clone()));
                    return Err(CredentialsError::not_loaded(MfaNeeded(why)));
                }
            },
            None => None,
        };
        let session = self.assume_role(source, code).await?;
        if let Err(e) = cli_cache::write(&self.cache_dir, &key, &session) {
            tracing::warn!(error = %e, "could not write the AWS CLI session cache");
        }
        self.publish(&session);
        let c = credentials(&session);
        state.current = Some(session);
        state.refused_until = None;
        Ok(c)
    }

    async fn source_credentials(&self) -> Result<Credentials, CredentialsError> {
        match &self.hop.source {
            HopSource::Profile(profile) => {
                aws_config::profile::ProfileFileCredentialsProvider::builder()
                    .profile_name(profile)
                    .build()
                    .provide_credentials()
                    .await
            }
            HopSource::Hop(inner) => {
                let settings = AwsSettings {
                    region: self.region.clone(),
                    endpoint_url: self.endpoint_url.clone(),
                    mfa: self.prompter.clone(),
                    ..AwsSettings::default()
                };
                MfaRoleProvider::with_cache_dir(
                    (**inner).clone(),
                    &settings,
                    None,
                    self.cache_dir.clone(),
                )
                .load()
                .await
            }
            HopSource::CredentialSource(source) if source == "Environment" => {
                aws_config::environment::EnvironmentVariableCredentialsProvider::new()
                    .provide_credentials()
                    .await
            }
            HopSource::CredentialSource(_) => {
                aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
                    .build()
                    .await
                    .provide_credentials()
                    .await
            }
        }
    }

    async fn assume_role(
        &self,
        source: Credentials,
        code: Option<String>,
    ) -> Result<CachedSession, CredentialsError> {
        let mut config = aws_sdk_sts::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .credentials_provider(SharedCredentialsProvider::new(source))
            .timeout_config(timeout_config())
            .retry_config(retry_config());
        let endpoint = endpoint_for("STS", self.endpoint_url.as_deref()).or_else(|| {
            std::env::var("AWS_ENDPOINT_URL")
                .ok()
                .filter(|u| !u.is_empty())
        });
        if let Some(url) = endpoint {
            config = config.endpoint_url(url);
        }
        let sts = aws_sdk_sts::Client::from_conf(config.build());
        let hop = &self.hop;
        let session_name = hop
            .role_session_name
            .clone()
            .unwrap_or_else(|| format!("opsdeck-session-{}", wall_now()));
        let out = sts
            .assume_role()
            .role_arn(&hop.role_arn)
            .role_session_name(session_name)
            .set_serial_number(hop.mfa_serial.clone().filter(|_| code.is_some()))
            .set_token_code(code)
            .set_external_id(hop.external_id.clone())
            .set_duration_seconds(hop.duration_seconds)
            .send()
            .await
            .map_err(|e| {
                CredentialsError::provider_error(super::error_map::map_sdk_error("AssumeRole", e))
            })?;
        let c = out.credentials().ok_or_else(|| {
            CredentialsError::unhandled("AssumeRole answered without credentials")
        })?;
        let user = out.assumed_role_user();
        Ok(CachedSession {
            access_key_id: c.access_key_id().to_string(),
            secret_access_key: c.secret_access_key().to_string(),
            session_token: c.session_token().to_string(),
            expiration: c.expiration().secs(),
            assumed_role_arn: user.map(|u| u.arn().to_string()),
            assumed_role_id: user.map(|u| u.assumed_role_id().to_string()),
        })
    }
}

impl ProvideCredentials for MfaRoleProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.load())
    }
}
