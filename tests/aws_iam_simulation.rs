//! `doctor`'s write check through `iam:SimulatePrincipalPolicy`, which moto does not
//! implement: aws-smithy-mocks answers it (and `GetRole` for an assumed-role caller),
//! asserting the request: the role's full ARN (with its path) as the policy source and
//! every write action asked at once; denied actions come back as not allowed.

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_sdk_iam::Client;
use aws_sdk_iam::operation::get_role::GetRoleOutput;
use aws_sdk_iam::operation::simulate_principal_policy::SimulatePrincipalPolicyOutput;
use aws_sdk_iam::types::{EvaluationResult, PolicyEvaluationDecisionType, Role};
use aws_smithy_mocks::{MockResponseInterceptor, RuleMode, create_mock_http_client, mock};
use aws_types::region::Region;
use opsdeck::cloud::IdentityRead;
use opsdeck::cloud::aws::{AwsClients, AwsCloud};

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/oncall/ops";

#[tokio::test]
async fn an_assumed_role_is_simulated_as_its_role() {
    let get_role = mock!(Client::get_role)
        .match_requests(|r| r.role_name() == Some("ops"))
        .then_output(|| {
            GetRoleOutput::builder()
                .role(
                    Role::builder()
                        .path("/oncall/")
                        .role_name("ops")
                        .role_id("AROA1")
                        .arn(ROLE_ARN)
                        .create_date(aws_smithy_types::DateTime::from_secs(0))
                        .build()
                        .expect("role"),
                )
                .build()
        });
    let simulate = mock!(Client::simulate_principal_policy)
        .match_requests(|r| {
            r.policy_source_arn() == Some(ROLE_ARN)
                && r.action_names() == ["ecs:UpdateService", "sns:Publish"]
        })
        .then_output(|| {
            let result = |action: &str, decision: PolicyEvaluationDecisionType| {
                EvaluationResult::builder()
                    .eval_action_name(action)
                    .eval_decision(decision)
                    .build()
                    .expect("result")
            };
            SimulatePrincipalPolicyOutput::builder()
                .evaluation_results(result(
                    "ecs:UpdateService",
                    PolicyEvaluationDecisionType::Allowed,
                ))
                .evaluation_results(result(
                    "sns:Publish",
                    PolicyEvaluationDecisionType::ExplicitDeny,
                ))
                .is_truncated(false)
                .build()
        });
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("a", "b", None, None, "t"))
        .http_client(create_mock_http_client())
        .interceptor(
            MockResponseInterceptor::new()
                .rule_mode(RuleMode::MatchAny)
                .with_rule(&get_role)
                .with_rule(&simulate),
        )
        .build();
    let cloud = AwsCloud::from_clients(AwsClients {
        iam: Client::from_conf(conf),
        ..AwsClients::unreachable()
    });
    let verdicts = cloud
        .simulate_principal(
            "arn:aws:sts::123456789012:assumed-role/ops/alice",
            &["ecs:UpdateService", "sns:Publish"],
        )
        .await
        .expect("simulated");
    assert_eq!(
        verdicts,
        vec![
            ("ecs:UpdateService".to_string(), true),
            ("sns:Publish".to_string(), false)
        ]
    );
    assert_eq!((get_role.num_calls(), simulate.num_calls()), (1, 1));
}
