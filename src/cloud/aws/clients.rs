//! The SDK clients `AwsCloud` uses, built from one shared `SdkConfig` with the endpoint
//! precedence applied per service. Cost Explorer always talks to us-east-1.

use aws_types::SdkConfig;
use aws_types::region::Region;

use super::config::endpoint_for;

/// Service id of ECS, as used in `AWS_ENDPOINT_URL_ECS`.
pub const ECS_SERVICE_ID: &str = "ECS";
/// Service id of STS, as used in `AWS_ENDPOINT_URL_STS`.
pub const STS_SERVICE_ID: &str = "STS";
/// Cost Explorer's only endpoint region.
pub const COST_EXPLORER_REGION: &str = "us-east-1";

macro_rules! clients {
    ($( $field:ident : $krate:ident = $id:literal ),* $(,)?) => {
        /// Ready-made SDK clients, one per service. Build them yourself (e.g. with
        /// `aws-smithy-mocks`, starting from [`AwsClients::unreachable`]) and pass them to
        /// `AwsCloud::from_clients`, or let [`AwsClients::from_sdk_config`] build them.
        #[derive(Debug, Clone)]
        pub struct AwsClients {
            $( pub $field: $krate::Client, )*
        }

        impl AwsClients {
            /// Clients for every service from one shared config. For each service the
            /// endpoint is `AWS_ENDPOINT_URL_<SERVICE>` if set, else `endpoint_url`, else
            /// whatever `config` says.
            pub fn from_sdk_config(config: &SdkConfig, endpoint_url: Option<&str>) -> Self {
                Self {
                    $( $field: {
                        let mut b = $krate::config::Builder::from(config);
                        if let Some(url) = endpoint_for($id, endpoint_url) {
                            b = b.endpoint_url(url);
                        }
                        if $id == "COST_EXPLORER" {
                            b = b.region(Region::new(COST_EXPLORER_REGION));
                        }
                        $krate::Client::from_conf(b.build())
                    }, )*
                }
            }

            /// The same clients without SDK retries: for writes, which are sent once (a
            /// retried write whose first attempt landed would be applied twice, and the
            /// audit log has one intent for it).
            pub fn without_retries(&self) -> Self {
                Self {
                    $( $field: $krate::Client::from_conf(
                        self.$field
                            .config()
                            .to_builder()
                            .retry_config(aws_smithy_types::retry::RetryConfig::disabled())
                            .build(),
                    ), )*
                }
            }

            /// The same clients (endpoints, region, retries, timeouts) acting with
            /// `credentials` instead: the break-glass session. The credentials live only in
            /// these clients' memory.
            pub fn with_credentials(&self, credentials: aws_credential_types::Credentials) -> Self {
                let provider =
                    aws_credential_types::provider::SharedCredentialsProvider::new(credentials);
                Self {
                    $( $field: $krate::Client::from_conf(
                        self.$field
                            .config()
                            .to_builder()
                            .credentials_provider(provider.clone())
                            .build(),
                    ), )*
                }
            }
        }
    };
}

clients! {
    sts: aws_sdk_sts = "STS",
    ecs: aws_sdk_ecs = "ECS",
    cloudwatch: aws_sdk_cloudwatch = "CLOUDWATCH",
    logs: aws_sdk_cloudwatchlogs = "CLOUDWATCH_LOGS",
    securityhub: aws_sdk_securityhub = "SECURITYHUB",
    guardduty: aws_sdk_guardduty = "GUARDDUTY",
    costexplorer: aws_sdk_costexplorer = "COST_EXPLORER",
    autoscaling: aws_sdk_applicationautoscaling = "APPLICATION_AUTO_SCALING",
    elbv2: aws_sdk_elasticloadbalancingv2 = "ELASTIC_LOAD_BALANCING_V2",
    secrets: aws_sdk_secretsmanager = "SECRETS_MANAGER",
    ec2: aws_sdk_ec2 = "EC2",
    sns: aws_sdk_sns = "SNS",
    rds: aws_sdk_rds = "RDS",
    elasticache: aws_sdk_elasticache = "ELASTICACHE",
    iam: aws_sdk_iam = "IAM",
    tagging: aws_sdk_resourcegroupstagging = "RESOURCE_GROUPS_TAGGING_API",
    cloudtrail: aws_sdk_cloudtrail = "CLOUDTRAIL",
    ssm: aws_sdk_ssm = "SSM",
}

impl AwsClients {
    /// Clients that point at a closed local port with static test credentials: a base
    /// for tests that replace the one client they exercise (`AwsClients { ecs, ..base }`).
    pub fn unreachable() -> Self {
        let config = SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(
                    aws_credential_types::Credentials::new(
                        "test",
                        "test",
                        None,
                        None,
                        "opsdeck-tests",
                    ),
                ),
            )
            .endpoint_url("http://127.0.0.1:9")
            .build();
        Self::from_sdk_config(&config, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_explorer_is_pinned_to_us_east_1() {
        let config = SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(Region::new("eu-west-1"))
            .build();
        let c = AwsClients::from_sdk_config(&config, None);
        assert_eq!(
            c.costexplorer.config().region().map(|r| r.as_ref()),
            Some("us-east-1")
        );
        assert_eq!(
            c.ecs.config().region().map(|r| r.as_ref()),
            Some("eu-west-1")
        );
    }
}
