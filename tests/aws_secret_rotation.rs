//! Manual secret rotation and Redis AUTH token rotation against the real AWS
//! implementation. moto serves GetRandomPassword (the policy honoured), PutSecretValue
//! staged AWSPENDING, UpdateSecretVersionStage (AWSPREVIOUS moved as Secrets Manager
//! does) and DescribeSecret; the values are read back here with GetSecretValue (opsdeck
//! itself never calls it). moto 5.2.5 accepts ElastiCache `ModifyReplicationGroup` but
//! ignores `AuthToken`, `AuthTokenUpdateStrategy` and `ApplyImmediately`: the request's
//! fields are read off the wire through the recording proxy (the token sent is the value
//! stored in the secret), and aws-smithy-mocks assert the ROTATE and SET requests and a
//! whole run up to SET. moto's ECS services never become steady, so runs against moto stop
//! at the wait for the restarted services (a failed check: the rollback is offered).

mod support;

use std::time::Duration;

use opsdeck::cloud::aws::AwsClients;
use opsdeck::cloud::{CloudHandle, PasswordPolicy};
use opsdeck::config::Environment;
use opsdeck::runbook::engine::{RunStatus, execute, execute_rollback, prepare_rollback};
use opsdeck::runbook::library::Library;
use opsdeck::runbook::plan::{Prepared, RunContext, RunError};
use opsdeck::runbook::steps::value_source::with_typed;
use support::ecs_seed::{SeedOptions, seed_with};
use support::moto;
use support::proxy::Proxy;
use support::runbooks::{moto_handle, plan_shipped, read_write, run_context};

fn context(env: Environment, cloud: CloudHandle) -> (tempfile::TempDir, RunContext) {
    run_context(env, cloud, Duration::from_millis(50))
}

/// An environment whose (empty) cluster exists: no service injects anything.
async fn empty_env() -> Environment {
    let env = Environment::with_defaults("cloudplatform", "emu");
    aws_sdk_ecs::Client::new(&moto::sdk_config().await)
        .create_cluster()
        .cluster_name(&env.cluster)
        .send()
        .await
        .expect("CreateCluster");
    env
}

async fn sm() -> aws_sdk_secretsmanager::Client {
    aws_sdk_secretsmanager::Client::new(&moto::sdk_config().await)
}

/// A secret without rotation holding `value`; (name, ARN).
async fn plain_secret(prefix: &str, value: &str) -> (String, String) {
    let name = format!("/emu/{}/app/api-key", moto::unique(prefix));
    let arn = sm()
        .await
        .create_secret()
        .name(&name)
        .secret_string(value)
        .send()
        .await
        .expect("CreateSecret")
        .arn()
        .expect("arn")
        .to_owned();
    (name, arn)
}

/// (AWSCURRENT version, AWSPREVIOUS version) as DescribeSecret lists them.
async fn labels(name: &str) -> (Option<String>, Option<String>) {
    let d = sm()
        .await
        .describe_secret()
        .secret_id(name)
        .send()
        .await
        .expect("DescribeSecret");
    let holder = |stage: &str| {
        d.version_ids_to_stages().and_then(|m| {
            m.iter()
                .find(|(_, s)| s.iter().any(|x| x == stage))
                .map(|(id, _)| id.clone())
        })
    };
    (holder("AWSCURRENT"), holder("AWSPREVIOUS"))
}

/// The AWSCURRENT value (the test's own read; opsdeck never reads a value). The stage is
/// named: without it moto 5.2.5 answers the version its own PutSecretValue last made
/// current, not the one UpdateSecretVersionStage moved AWSCURRENT to.
async fn current_value(name: &str) -> String {
    sm().await
        .get_secret_value()
        .secret_id(name)
        .version_stage("AWSCURRENT")
        .send()
        .await
        .expect("GetSecretValue")
        .secret_string()
        .expect("string")
        .to_owned()
}

/// The run's new version id, from its PutSecretValue plan line.
fn new_version(p: &Prepared) -> String {
    p.lines()
        .iter()
        .find_map(|l| {
            l.split("PutSecretValue")
                .nth(1)?
                .split("ClientRequestToken=")
                .nth(1)?
                .split_whitespace()
                .next()
                .map(str::to_owned)
        })
        .expect("a PutSecretValue line")
}

fn assert_nowhere(ctx: &RunContext, p: &Prepared, value: &str) {
    let audit = std::fs::read_to_string(ctx.audit.path()).expect("audit");
    assert!(!audit.contains(value), "the value is in the audit log");
    assert!(
        !p.lines().join("\n").contains(value),
        "the value is in the plan"
    );
    assert!(!format!("{p:?}").contains(value), "the value is in Debug");
}

#[tokio::test(flavor = "multi_thread")]
async fn manual_rotation_generates_stages_promotes_restarts_and_rolls_back() {
    const OLD: &str = "old-api-key-value-Zx81";
    let (name, arn) = plain_secret("manual", OLD).await;
    let (old_version, _) = labels(&name).await;
    let old_version = old_version.expect("a first version");
    let seeded = seed_with(
        "manual",
        SeedOptions {
            secret_arn: Some(arn.clone()),
            ..Default::default()
        },
    )
    .await;
    let (_d, ctx) = context(seeded.env(), moto_handle().await);
    let p = plan_shipped(
        &ctx,
        "rotate-secret",
        &[("secret", &name), ("timeout", "10"), ("length", "40")],
    )
    .await
    .expect("plan");
    let version = new_version(&p);
    let text = p.lines().join("\n");
    for line in [
        "rotation not configured".to_string(),
        "secretsmanager:GetRandomPassword PasswordLength=40 ExcludeCharacters=\"\\\"'\\\\/@`\""
            .to_string(),
        format!(
            "secretsmanager:PutSecretValue SecretId={arn} ClientRequestToken={version} VersionStages=[AWSPENDING] SecretString=<redacted>"
        ),
        format!(
            "secretsmanager:UpdateSecretVersionStage SecretId={arn} VersionStage=AWSCURRENT MoveToVersionId={version} RemoveFromVersionId={old_version}: AWSCURRENT {old_version} → {version}, AWSPREVIOUS none → {old_version}"
        ),
        format!("service={} forceNewDeployment=true", seeded.service),
    ] {
        assert!(text.contains(&line), "{line}\nnot in\n{text}");
    }
    let summary = execute(&p, &ctx).await;
    assert!(
        matches!(&summary.status, RunStatus::VerificationFailed(m) if m.contains("not steady")),
        "moto's services never settle: {summary:#?}"
    );
    assert!(
        summary.lines[0].contains(&format!(
            "read back: AWSCURRENT {version}, AWSPREVIOUS {old_version}"
        )),
        "{summary:#?}"
    );
    assert!(summary.lines[1].contains("rotated"), "{summary:#?}");
    assert!(summary.lines[2].contains("UpdateService"), "{summary:#?}");
    assert_eq!(
        labels(&name).await,
        (Some(version.clone()), Some(old_version.clone()))
    );
    let generated = current_value(&name).await;
    assert_eq!(generated.len(), 40, "GetRandomPassword's length");
    assert!(
        !generated.chars().any(|c| "\"'\\/@`".contains(c)),
        "excluded characters"
    );
    assert_nowhere(&ctx, &p, &generated);
    assert_nowhere(&ctx, &p, OLD);
    let records = ctx.audit.read_all().expect("audit");
    let steps: Vec<&str> = records.iter().map(|r| r.entry.step.as_str()).collect();
    assert_eq!(
        steps
            .iter()
            .filter(|s| s.contains("secrets.rotate"))
            .count(),
        6,
        "GetRandomPassword, PutSecretValue and UpdateSecretVersionStage, intent and outcome each: {steps:?}"
    );
    assert!(
        records.iter().any(|r| r.entry.result.as_deref()
            == Some("GetRandomPassword: a new value of 40 characters (not shown)")),
        "{records:#?}"
    );

    // The rollback: AWSCURRENT back to the old version, then the restart.
    let back = prepare_rollback(&p, &ctx).await.expect("rollback plan");
    assert!(
        back[0].calls[1].contains(&format!(
            "VersionStage=AWSCURRENT MoveToVersionId={old_version} RemoveFromVersionId={version}"
        )),
        "{back:#?}"
    );
    let r = execute_rollback(&p, &back, &ctx).await;
    assert_eq!(r.status, RunStatus::Verified, "{r:#?}");
    assert_eq!(labels(&name).await, (Some(old_version), Some(version)));
    assert_eq!(current_value(&name).await, OLD);
}

#[tokio::test(flavor = "multi_thread")]
async fn manual_rotation_stores_the_typed_value() {
    const TYPED: &str = "typed-Value-9c2Lm0-never-shown";
    let (name, _) = plain_secret("typed", "v1-old").await;
    let (_d, ctx) = context(empty_env().await, moto_handle().await);
    let lib = Library::load(None);
    let rb = lib.get("rotate-secret").expect("rotate-secret");
    let raw = [("secret", name.as_str()), ("value", "prompt")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut params = opsdeck::runbook::params::resolve_params(rb, &ctx.env, &raw).expect("params");
    // Without a typed value, value=prompt is refused before any call.
    match opsdeck::runbook::engine::prepare(rb, params.clone(), &ctx).await {
        Err(RunError::Refused(m)) => assert!(m.contains("no value was typed"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    with_typed(&mut params, opsdeck::cloud::Redacted(TYPED.into()));
    let p = opsdeck::runbook::engine::prepare(rb, params, &ctx)
        .await
        .expect("plan");
    assert!(
        p.lines()
            .join("\n")
            .contains("the new value typed at the hidden prompt"),
        "{:?}",
        p.lines()
    );
    assert!(
        p.lines().join("\n").contains("nothing to do: no service"),
        "{:?}",
        p.lines()
    );
    let summary = execute(&p, &ctx).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:#?}");
    assert_eq!(current_value(&name).await, TYPED);
    assert_eq!(labels(&name).await.0, Some(new_version(&p)));
    assert_nowhere(&ctx, &p, TYPED);
    assert!(!summary.lines.join("\n").contains(TYPED));
}

#[tokio::test(flavor = "multi_thread")]
async fn prompt_with_a_rotation_lambda_and_an_unfinished_put_are_refused() {
    let env = Environment::with_defaults("cloudplatform", "emu");
    let (_d, ctx) = context(env, moto_handle().await);
    let rotating = format!("/emu/{}/database/credentials", moto::unique("lambda"));
    support::secrets::rotating_secret(&rotating, "v1").await;
    match plan_shipped(
        &ctx,
        "rotate-secret",
        &[("secret", &rotating), ("value", "prompt")],
    )
    .await
    {
        Err(RunError::Refused(m)) => assert!(m.contains("value=prompt does not apply"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let (plain, _) = plain_secret("unfinished", "v1").await;
    let staged = sm()
        .await
        .put_secret_value()
        .secret_id(&plain)
        .secret_string("v2")
        .version_stages("AWSPENDING")
        .send()
        .await
        .expect("PutSecretValue");
    match plan_shipped(&ctx, "rotate-secret", &[("secret", &plain)]).await {
        Err(RunError::Refused(m)) => {
            assert!(m.contains("staged AWSPENDING"), "{m}");
            assert!(m.contains(staged.version_id().expect("id")), "{m}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn get_random_password_follows_the_policy() {
    let cloud = moto_handle().await;
    let act = cloud.actor().expect("acting side");
    let policy = PasswordPolicy {
        length: 64,
        exclude_characters: "abcXYZ".into(),
        exclude_punctuation: true,
    };
    let v = act
        .random_password(&policy)
        .await
        .expect("GetRandomPassword");
    assert_eq!(v.0.len(), 64);
    assert!(
        v.0.chars().all(|c| c.is_ascii_alphanumeric()),
        "no punctuation"
    );
    assert!(!v.0.chars().any(|c| "abcXYZ".contains(c)));
    assert_eq!(format!("{v:?}"), "<redacted>");
    // moto refuses what Secrets Manager refuses.
    let too_long = PasswordPolicy {
        length: 5000,
        ..PasswordPolicy::default()
    };
    assert!(act.random_password(&too_long).await.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn redis_auth_rotation_sends_rotate_with_the_token_it_stores() {
    let ec = aws_sdk_elasticache::Client::new(&moto::sdk_config().await);
    let group = moto::unique("auth");
    ec.create_replication_group()
        .replication_group_id(&group)
        .replication_group_description("cache")
        .engine("redis")
        .cache_node_type("cache.t3.micro")
        .num_cache_clusters(2)
        .transit_encryption_enabled(true)
        .auth_token("the-old-auth-token-0123456789")
        .send()
        .await
        .expect("CreateReplicationGroup");
    let (name, arn) = plain_secret("redis", "the-old-auth-token-0123456789").await;
    let seeded = seed_with(
        "redis",
        SeedOptions {
            secret_arn: Some(arn),
            ..Default::default()
        },
    )
    .await;
    let proxy = Proxy::start(&moto::endpoint(), None);
    let config = moto::sdk_config_at(&proxy.url).await;
    let mut env = seeded.env();
    env.cache_replication_group = group.clone();
    let (_d, ctx) = context(env, read_write(AwsClients::from_sdk_config(&config, None)));
    let p = plan_shipped(
        &ctx,
        "rotate-redis-auth",
        &[("secret", &name), ("timeout", "10")],
    )
    .await
    .expect("plan");
    let text = p.lines().join("\n");
    assert!(
        text.contains(&format!(
            "elasticache:DescribeReplicationGroups {group}: available, AUTH enabled"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "elasticache:ModifyReplicationGroup ReplicationGroupId={group} AuthToken=<redacted> AuthTokenUpdateStrategy=ROTATE ApplyImmediately=true"
        )),
        "{text}"
    );
    assert!(text.contains("the new value step 1 made"), "{text}");
    let summary = execute(&p, &ctx).await;
    // ROTATE, the wait, the secret and the restart went through; moto's services never
    // settle, so the run stops at the wait before SET (the old token would still work).
    assert!(
        matches!(&summary.status, RunStatus::VerificationFailed(m) if m.contains("not steady")),
        "{summary:#?}"
    );
    assert_eq!(summary.lines.len(), 5, "{summary:#?}");
    let modifies = proxy.bodies("ModifyReplicationGroup");
    assert_eq!(modifies.len(), 1, "only ROTATE was sent: {modifies:?}");
    let fields: std::collections::BTreeMap<String, String> = modifies[0]
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), percent_decode(v)))
        .collect();
    assert_eq!(fields["AuthTokenUpdateStrategy"], "ROTATE");
    assert_eq!(fields["ApplyImmediately"], "true");
    assert_eq!(fields["ReplicationGroupId"], group);
    let token = &fields["AuthToken"];
    assert_eq!(token.len(), 64);
    assert!(token.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(
        &current_value(&name).await,
        token,
        "the token ROTATE set is the one stored in the secret"
    );
    assert_nowhere(&ctx, &p, token);
    assert!(!summary.lines.join("\n").contains(token.as_str()));
}

fn percent_decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

mod mocked {
    use super::*;
    use aws_credential_types::Credentials;
    use aws_sdk_elasticache::operation::describe_replication_groups::DescribeReplicationGroupsOutput;
    use aws_sdk_elasticache::operation::modify_replication_group::ModifyReplicationGroupOutput;
    use aws_sdk_elasticache::types::{AuthTokenUpdateStrategyType, NodeGroup, ReplicationGroup};
    use aws_smithy_mocks::{RuleMode, create_mock_http_client, mock};
    use aws_types::region::Region;
    use opsdeck::cloud::{AuthTokenStrategy, Redacted};

    const RG: &str = "cloudplatform-emu-redis";

    fn group(status: &str) -> ReplicationGroup {
        ReplicationGroup::builder()
            .replication_group_id(RG)
            .status(status)
            .auth_token_enabled(true)
            .transit_encryption_enabled(true)
            .node_groups(
                NodeGroup::builder()
                    .node_group_id("0001")
                    .status(status)
                    .build(),
            )
            .build()
    }

    fn elasticache(
        interceptor: aws_smithy_mocks::MockResponseInterceptor,
    ) -> aws_sdk_elasticache::Client {
        let conf = aws_sdk_elasticache::Config::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("a", "b", None, None, "t"))
            .http_client(create_mock_http_client())
            .interceptor(interceptor)
            .build();
        aws_sdk_elasticache::Client::from_conf(conf)
    }

    /// ROTATE then SET, each with the token, the strategy and ApplyImmediately.
    #[tokio::test]
    async fn modify_replication_group_sends_the_token_the_strategy_and_apply_immediately() {
        const TOKEN: &str = "NewTokenNewTokenNewToken0123456789";
        let rotate = mock!(aws_sdk_elasticache::Client::modify_replication_group)
            .match_requests(|r| {
                r.replication_group_id() == Some(RG)
                    && r.auth_token() == Some(TOKEN)
                    && r.auth_token_update_strategy() == Some(&AuthTokenUpdateStrategyType::Rotate)
                    && r.apply_immediately() == Some(true)
            })
            .then_output(|| {
                ModifyReplicationGroupOutput::builder()
                    .replication_group(group("modifying"))
                    .build()
            });
        let set = mock!(aws_sdk_elasticache::Client::modify_replication_group)
            .match_requests(|r| {
                r.auth_token() == Some(TOKEN)
                    && r.auth_token_update_strategy() == Some(&AuthTokenUpdateStrategyType::Set)
                    && r.apply_immediately() == Some(true)
            })
            .then_output(|| {
                ModifyReplicationGroupOutput::builder()
                    .replication_group(group("modifying"))
                    .build()
            });
        let interceptor = aws_smithy_mocks::MockResponseInterceptor::new()
            .rule_mode(RuleMode::MatchAny)
            .with_rule(&rotate)
            .with_rule(&set);
        let cloud = read_write(AwsClients {
            elasticache: elasticache(interceptor),
            ..AwsClients::from_sdk_config(&moto::sdk_config().await, None)
        });
        let act = cloud.actor().expect("acting side");
        let token = Redacted(TOKEN.into());
        let r = act
            .modify_auth_token(RG, &token, AuthTokenStrategy::Rotate)
            .await
            .expect("ROTATE");
        assert_eq!(
            r.summary,
            format!("ModifyReplicationGroup {RG} AuthTokenUpdateStrategy=ROTATE: modifying")
        );
        act.modify_auth_token(RG, &token, AuthTokenStrategy::Set)
            .await
            .expect("SET");
        assert_eq!((rotate.num_calls(), set.num_calls()), (1, 1));
        assert!(!r.summary.contains(TOKEN));
    }

    /// The whole runbook through SET and its verification, with ElastiCache mocked (moto
    /// ignores the AUTH fields) and Secrets Manager and ECS from moto; no service of the
    /// (empty) cluster injects the secret, so nothing is restarted and the run verifies.
    #[tokio::test(flavor = "multi_thread")]
    async fn rotate_redis_auth_runs_rotate_store_and_set_with_one_token() {
        let (name, _) = plain_secret("mocked", "the-old-auth-token-0123456789").await;
        let tokens = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(String, String)>::new()));
        let seen = std::sync::Arc::clone(&tokens);
        let describe = mock!(aws_sdk_elasticache::Client::describe_replication_groups)
            .match_requests(|r| r.replication_group_id() == Some(RG))
            .then_output(|| {
                DescribeReplicationGroupsOutput::builder()
                    .replication_groups(group("available"))
                    .build()
            });
        let modify = mock!(aws_sdk_elasticache::Client::modify_replication_group)
            .match_requests(move |r| {
                seen.lock().expect("tokens").push((
                    r.auth_token_update_strategy()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    r.auth_token().unwrap_or_default().to_string(),
                ));
                r.apply_immediately() == Some(true)
            })
            .then_output(|| {
                ModifyReplicationGroupOutput::builder()
                    .replication_group(group("modifying"))
                    .build()
            });
        let interceptor = aws_smithy_mocks::MockResponseInterceptor::new()
            .rule_mode(RuleMode::MatchAny)
            .with_rule(&describe)
            .with_rule(&modify);
        let cloud = read_write(AwsClients {
            elasticache: elasticache(interceptor),
            ..AwsClients::from_sdk_config(&moto::sdk_config().await, None)
        });
        let mut env = empty_env().await;
        env.cache_replication_group = RG.into();
        let (_d, ctx) = context(env, cloud);
        let p = plan_shipped(&ctx, "rotate-redis-auth", &[("secret", &name)])
            .await
            .expect("plan");
        let mut p = p;
        // The default cluster does not exist in moto: drop the ECS steps.
        p.procedure.retain(|s| !s.kind.name().starts_with("ecs."));
        let summary = execute(&p, &ctx).await;
        assert_eq!(summary.status, RunStatus::Verified, "{summary:#?}");
        let sent = tokens.lock().expect("tokens").clone();
        let strategies: Vec<&str> = sent.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(strategies, ["ROTATE", "SET"]);
        assert_eq!(sent[0].1, sent[1].1, "SET keeps the token ROTATE added");
        assert_eq!(
            current_value(&name).await,
            sent[0].1,
            "and the secret holds it"
        );
        assert_nowhere(&ctx, &p, &sent[0].1);
        assert!(!summary.lines.join("\n").contains(&sent[0].1));
    }
}
