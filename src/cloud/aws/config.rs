//! SDK configuration: settings, timeouts and retries for an interactive console, and the
//! per-service endpoint precedence.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;

/// Where and as whom the console talks to AWS.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AwsSettings {
    /// AWS region, e.g. `eu-west-1`.
    pub region: String,
    /// Named profile from `~/.aws/config`; `None` uses the default chain.
    pub profile: Option<String>,
    /// Endpoint for every service (e.g. an emulator); a service-specific
    /// `AWS_ENDPOINT_URL_<SERVICE>` environment variable still wins for its service.
    pub endpoint_url: Option<String>,
    /// Static `(access key id, secret access key)` instead of the default credential chain.
    /// Meant for emulators and tests (moto); leave `None` for real accounts.
    pub static_credentials: Option<(String, String)>,
    /// Who is asked for an MFA code when the profile's role needs one.
    pub mfa: crate::cloud::mfa::MfaPrompter,
    /// Security Hub read elsewhere: an aggregation region, a delegated administrator.
    pub findings: Option<ReadElsewhere>,
    /// CloudWatch read as a monitoring account (cross-account observability).
    pub metrics: Option<ReadElsewhere>,
}

/// One service read from another region or as another profile than the environment's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReadElsewhere {
    /// `None`: the environment's region.
    pub region: Option<String>,
    /// `None`: the environment's profile.
    pub profile: Option<String>,
}

impl ReadElsewhere {
    /// `Some` when either is given.
    pub fn of(region: Option<&str>, profile: Option<&str>) -> Option<ReadElsewhere> {
        (region.is_some() || profile.is_some()).then(|| ReadElsewhere {
            region: region.map(str::to_string),
            profile: profile.map(str::to_string),
        })
    }

    /// `base` with this region and profile.
    pub fn settings(&self, base: &AwsSettings) -> AwsSettings {
        AwsSettings {
            region: self.region.clone().unwrap_or_else(|| base.region.clone()),
            profile: self.profile.clone().or_else(|| base.profile.clone()),
            findings: None,
            metrics: None,
            ..base.clone()
        }
    }
}

impl AwsSettings {
    /// Settings for `region` with the default credential chain and endpoints.
    pub fn new(region: impl Into<String>) -> Self {
        Self {
            region: region.into(),
            ..Self::default()
        }
    }
}

/// TCP connect timeout: an unreachable endpoint should fail fast.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// One attempt of an operation.
pub const OPERATION_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// An operation including its retries.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(20);
/// Attempts per operation (the first plus one retry).
pub const MAX_ATTEMPTS: u32 = 2;

/// Timeouts fit for an interactive tool.
pub fn timeout_config() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .operation_attempt_timeout(OPERATION_ATTEMPT_TIMEOUT)
        .operation_timeout(OPERATION_TIMEOUT)
        .build()
}

/// Standard retries, at most [`MAX_ATTEMPTS`] attempts.
pub fn retry_config() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS)
}

/// The region aws-config finds without being told one (`AWS_REGION`, then the profile's
/// `region` in `~/.aws/config`), if any.
pub async fn default_region(profile: Option<&str>) -> Option<String> {
    let mut chain = aws_config::default_provider::region::DefaultRegionChain::builder();
    if let Some(p) = profile {
        chain = chain.profile_name(p);
    }
    chain.build().region().await.map(|r| r.to_string())
}

/// The environment variable that overrides the endpoint of one service:
/// `AWS_ENDPOINT_URL_<SERVICE_ID>` with the service id upper-cased and spaces as underscores.
pub fn service_endpoint_env_var(service_id: &str) -> String {
    format!(
        "AWS_ENDPOINT_URL_{}",
        service_id.to_uppercase().replace(' ', "_")
    )
}

/// Endpoint precedence for one service: the service-specific environment value wins, then
/// the settings' endpoint; `None` leaves it to aws-config (which honours `AWS_ENDPOINT_URL`
/// and profile settings). Blank values count as unset.
pub fn resolve_endpoint(
    service_env: Option<&str>,
    settings_endpoint: Option<&str>,
) -> Option<String> {
    let non_blank = |v: Option<&str>| {
        v.map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    non_blank(service_env).or_else(|| non_blank(settings_endpoint))
}

/// The endpoint to set on one service's client builder, reading
/// `AWS_ENDPOINT_URL_<SERVICE_ID>` from the environment.
pub fn endpoint_for(service_id: &str, settings_endpoint: Option<&str>) -> Option<String> {
    let env = std::env::var(service_endpoint_env_var(service_id)).ok();
    resolve_endpoint(env.as_deref(), settings_endpoint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_var_names_follow_the_service_id() {
        assert_eq!(service_endpoint_env_var("ECS"), "AWS_ENDPOINT_URL_ECS");
        assert_eq!(service_endpoint_env_var("STS"), "AWS_ENDPOINT_URL_STS");
        assert_eq!(
            service_endpoint_env_var("CloudWatch Logs"),
            "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"
        );
        assert_eq!(
            service_endpoint_env_var("Elastic Load Balancing v2"),
            "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2"
        );
        assert_eq!(
            service_endpoint_env_var("Cost Explorer"),
            "AWS_ENDPOINT_URL_COST_EXPLORER"
        );
    }

    #[test]
    fn service_env_beats_settings() {
        assert_eq!(
            resolve_endpoint(Some("http://svc:1"), Some("http://all:2")).as_deref(),
            Some("http://svc:1")
        );
    }

    #[test]
    fn settings_used_without_service_env() {
        assert_eq!(
            resolve_endpoint(None, Some("http://all:2")).as_deref(),
            Some("http://all:2")
        );
        assert_eq!(
            resolve_endpoint(Some("  "), Some("http://all:2")).as_deref(),
            Some("http://all:2")
        );
    }

    #[test]
    fn nothing_set_leaves_it_to_aws_config() {
        assert_eq!(resolve_endpoint(None, None), None);
        assert_eq!(resolve_endpoint(Some(""), Some("")), None);
    }

    #[test]
    fn interactive_limits() {
        let t = timeout_config();
        assert_eq!(t.connect_timeout(), Some(CONNECT_TIMEOUT));
        assert_eq!(
            t.operation_attempt_timeout(),
            Some(OPERATION_ATTEMPT_TIMEOUT)
        );
        assert_eq!(t.operation_timeout(), Some(OPERATION_TIMEOUT));
        assert_eq!(retry_config().max_attempts(), MAX_ATTEMPTS);
    }
}
