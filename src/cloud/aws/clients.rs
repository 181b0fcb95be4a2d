//! The SDK clients `AwsCloud` uses, built from one shared `SdkConfig` with the endpoint
//! precedence applied per service.

use aws_types::SdkConfig;

use super::config::endpoint_for;

/// Service id of ECS, as used in `AWS_ENDPOINT_URL_ECS`.
pub const ECS_SERVICE_ID: &str = "ECS";
/// Service id of STS, as used in `AWS_ENDPOINT_URL_STS`.
pub const STS_SERVICE_ID: &str = "STS";

/// Ready-made SDK clients. Build them yourself (e.g. with `aws-smithy-mocks`) and pass them
/// to `AwsCloud::from_clients`, or let [`AwsClients::from_sdk_config`] build them.
#[derive(Debug, Clone)]
pub struct AwsClients {
    pub ecs: aws_sdk_ecs::Client,
    pub sts: aws_sdk_sts::Client,
}

impl AwsClients {
    /// Clients for every service from one shared config. For each service the endpoint is
    /// `AWS_ENDPOINT_URL_<SERVICE>` if set, else `endpoint_url`, else whatever `config` says.
    pub fn from_sdk_config(config: &SdkConfig, endpoint_url: Option<&str>) -> Self {
        let mut ecs = aws_sdk_ecs::config::Builder::from(config);
        if let Some(url) = endpoint_for(ECS_SERVICE_ID, endpoint_url) {
            ecs = ecs.endpoint_url(url);
        }
        let mut sts = aws_sdk_sts::config::Builder::from(config);
        if let Some(url) = endpoint_for(STS_SERVICE_ID, endpoint_url) {
            sts = sts.endpoint_url(url);
        }
        Self {
            ecs: aws_sdk_ecs::Client::from_conf(ecs.build()),
            sts: aws_sdk_sts::Client::from_conf(sts.build()),
        }
    }
}
