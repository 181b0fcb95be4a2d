//! Writes are sent once: a write answered with a retryable server error is not retried
//! by the SDK (the first attempt may have landed; the audit log holds one intent), while
//! reads keep their bounded retry. aws-smithy-mocks: the mock answers 500, then 200.

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_credential_types::Credentials;
use aws_sdk_ecs::Client;
use aws_sdk_ecs::operation::update_service::UpdateServiceOutput;
use aws_smithy_mocks::{MockResponseInterceptor, RuleMode, create_mock_http_client, mock};
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_types::region::Region;
use opsdeck::cloud::aws::{AwsClients, AwsCloud};
use opsdeck::cloud::{CloudAct, ServiceUpdate};

fn server_error() -> aws_smithy_runtime_api::http::Response {
    aws_smithy_runtime_api::http::Response::new(
        StatusCode::try_from(500).expect("status"),
        SdkBody::from(r#"{"__type":"ServerException","message":"boom"}"#),
    )
}

#[tokio::test]
async fn update_service_is_sent_once_even_after_a_500() {
    let update = mock!(Client::update_service)
        .sequence()
        .http_response(server_error)
        .output(|| UpdateServiceOutput::builder().build())
        .build();
    let conf = aws_sdk_ecs::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("a", "b", None, None, "t"))
        .http_client(create_mock_http_client())
        // What the console configures for reads: the first attempt plus retries.
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .interceptor(
            MockResponseInterceptor::new()
                .rule_mode(RuleMode::MatchAny)
                .with_rule(&update),
        )
        .build();
    let cloud = AwsCloud::from_clients(AwsClients {
        ecs: Client::from_conf(conf),
        ..AwsClients::unreachable()
    });
    let r = cloud
        .update_service(
            "c",
            "s",
            &ServiceUpdate {
                desired_count: Some(4),
                ..Default::default()
            },
        )
        .await;
    assert!(r.is_err(), "{r:?}");
    assert_eq!(
        update.num_calls(),
        1,
        "one UpdateService for one audit intent"
    );
}
