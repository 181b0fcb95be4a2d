//! Loading the shared SDK config for an environment: region, profile, timeouts and
//! retries from `config`, and the credentials: static keys (emulators), a profile whose
//! role chain needs an MFA code (through `MfaRoleProvider`), else the SDK's own chain.

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_types::SdkConfig;
use aws_types::region::Region;

use super::config::{AwsSettings, retry_config, timeout_config};
use super::mfa_provider::MfaRoleProvider;

/// Loads the shared SDK config for `settings` (region, profile, credentials, timeouts,
/// retries; endpoints are applied per service by `config::endpoint_for`), publishing an MFA session's end to `expiry`. A profile whose role
/// chain needs an MFA code signs in through [`MfaRoleProvider`] (the SDK cannot prompt);
/// access keys in the environment still win, as in the SDK's own chain.
pub async fn load_sdk_config_with(
    settings: &AwsSettings,
    expiry: Option<crate::cloud::mfa::SessionExpiry>,
) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(settings.region.clone()))
        .timeout_config(timeout_config())
        .retry_config(retry_config());
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(hop) = mfa_chain(settings) {
        loader = loader.credentials_provider(MfaRoleProvider::new(hop, settings, expiry));
    }
    if let Some((key, secret)) = &settings.static_credentials {
        loader = loader.credentials_provider(Credentials::new(
            key,
            secret,
            None,
            None,
            "opsdeck-static",
        ));
    }
    loader.load().await
}

/// The MFA role chain of the settings' profile (or `AWS_PROFILE`), when it has one and no
/// static or environment keys take precedence. A broken chain is left to the SDK, whose
/// error then names it.
fn mfa_chain(settings: &AwsSettings) -> Option<crate::cloud::mfa::chain::RoleHop> {
    if settings.static_credentials.is_some() || crate::cloud::mfa::chain::env_keys_set() {
        return None;
    }
    let profile = settings
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .filter(|p| !p.is_empty())?;
    match crate::cloud::mfa::chain::ProfileFiles::load().mfa_chain(&profile) {
        Ok(hop) => hop,
        Err(e) => {
            tracing::warn!(error = %e, "profile chain");
            None
        }
    }
}
