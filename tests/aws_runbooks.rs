//! Runbook step kinds against the real AWS implementation: moto for everything it serves
//! (UpdateService desired count / task definition / force new deployment, ListTaskDefinitions,
//! RegisterTaskDefinition, Application Auto Scaling bounds, ELBv2 target health), and
//! aws-smithy-mocks for what it lacks (ListServiceDeployments, StopServiceDeployment),
//! asserting the requests sent.

mod support;

use std::path::Path;
use std::time::Duration;

use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
use aws_sdk_ecs::types::ContainerDefinition;
use opsdeck::audit::RecordKind;
use opsdeck::cloud::CloudHandle;
use opsdeck::cloud::aws::AwsClients;
use opsdeck::config::Environment;
use opsdeck::runbook::engine::{RunStatus, execute};
use opsdeck::runbook::file::parse;
use opsdeck::runbook::library::Library;
use opsdeck::runbook::plan::{Action, RunContext, RunError};
use support::ecs_seed::{Seeded, describe, seed};
use support::moto;
use support::runbooks::{moto_handle, prepare_with as prepare, read_write, run_context};

fn context(env: Environment, cloud: CloudHandle) -> (tempfile::TempDir, RunContext) {
    run_context(env, cloud, Duration::from_millis(200))
}

/// A runbook with the given procedure (and verification) TOML, no prerequisites.
fn runbook(body: &str) -> opsdeck::runbook::model::Runbook {
    let text = format!(
        "name = \"t\"\ntitle = \"t\"\npurpose = \"p\"\nrisk = \"low\"\nescalation = \"e\"\n[params.count]\ntype = \"int\"\n[params.revision]\ntype = \"int\"\n[params.image]\ntype = \"string\"\n{body}"
    );
    parse(Path::new("test.toml"), &text).expect("test runbook")
}

async fn register_revisions(s: &Seeded, images: &[&str]) -> Vec<String> {
    let ecs = aws_sdk_ecs::Client::new(&moto::sdk_config().await);
    let mut arns = Vec::new();
    for image in images {
        let out = ecs
            .register_task_definition()
            .family(&s.family)
            .container_definitions(
                ContainerDefinition::builder()
                    .name("app")
                    .image(*image)
                    .memory(512)
                    .build(),
            )
            .send()
            .await
            .expect("RegisterTaskDefinition");
        arns.push(
            out.task_definition()
                .and_then(|t| t.task_definition_arn())
                .expect("arn")
                .to_string(),
        );
    }
    arns
}

async fn service_state(s: &Seeded) -> (String, i32) {
    let svc = describe(s).await;
    (
        svc.task_definition().unwrap_or_default().to_string(),
        svc.desired_count(),
    )
}

const ROLLBACK: &str = "[[procedure]]\nkind = \"ecs.rollback\"\ncluster = \"{env.cluster}\"\nservice = \"{env.service}\"\nrevision = \"{param.revision}\"\n";

#[tokio::test(flavor = "multi_thread")]
async fn rollback_without_history_goes_to_the_previous_active_revision() {
    let s = seed("rb-rollback").await;
    let arns = register_revisions(&s, &["app:v2", "app:v3"]).await;
    let ecs = aws_sdk_ecs::Client::new(&moto::sdk_config().await);
    ecs.update_service()
        .cluster(&s.cluster)
        .service(&s.service)
        .task_definition(&arns[1])
        .send()
        .await
        .expect("UpdateService to :3");
    let (_d, ctx) = context(s.env(), moto_handle().await);
    let p = prepare(&ctx, &runbook(ROLLBACK), &[]).await.expect("plan");
    let step = &p.procedure[0];
    assert!(
        step.warnings
            .iter()
            .any(|w| w.contains("ListServiceDeployments")
                && w.contains("using DescribeServices and revision numbers")),
        "{step:?}"
    );
    assert!(
        step.calls[0].ends_with(&format!(
            "taskDefinition {}:3 → {}:2 (the previous ACTIVE revision by number)",
            s.family, s.family
        )),
        "{step:?}"
    );
    let summary = execute(&p, &ctx).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:?}");
    assert_eq!(service_state(&s).await.0, arns[0]);
    let records = ctx.audit.read_all().expect("audit");
    assert_eq!(
        records.iter().map(|r| r.kind).collect::<Vec<_>>(),
        vec![RecordKind::Intent, RecordKind::Outcome]
    );
    assert!(records[1].entry.request_id.is_some());
    assert!(
        records[0]
            .entry
            .caller
            .as_deref()
            .is_some_and(|c| c.contains(moto::ACCOUNT_ID))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn scale_reads_auto_scaling_bounds_and_updates_desired_count() {
    let s = seed("rb-scale").await;
    let aas = aws_sdk_applicationautoscaling::Client::new(&moto::sdk_config().await);
    aas.register_scalable_target()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(format!("service/{}/{}", s.cluster, s.service))
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .min_capacity(1)
        .max_capacity(4)
        .send()
        .await
        .expect("RegisterScalableTarget");
    let (_d, ctx) = context(s.env(), moto_handle().await);
    let rb = runbook(
        "[[procedure]]\nkind = \"ecs.scale\"\ncluster = \"{env.cluster}\"\nservice = \"{env.service}\"\ncount = \"{param.count}\"\n\n[[rollback]]\nkind = \"ecs.restore\"\ncluster = \"{env.cluster}\"\nservice = \"{env.service}\"\n",
    );
    let refused = prepare(&ctx, &rb, &[("count", "6")]).await;
    assert!(
        matches!(&refused, Err(RunError::Refused(m)) if m.contains("1..=4")),
        "{refused:?}"
    );
    let p = prepare(&ctx, &rb, &[("count", "3")]).await.expect("plan");
    assert!(
        p.procedure[0]
            .calls
            .iter()
            .any(|c| c.contains("min 1 max 4"))
    );
    assert!(
        p.procedure[0]
            .calls
            .iter()
            .any(|c| c.contains("desiredCount 2 → 3"))
    );
    let summary = execute(&p, &ctx).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:?}");
    assert_eq!(service_state(&s).await.1, 3);
    // The rollback section restores the count recorded before the run.
    let steps = opsdeck::runbook::engine::prepare_rollback(&p, &ctx)
        .await
        .expect("rollback plan");
    assert!(
        steps[0].calls[0].contains("desiredCount 3 → 2"),
        "{:?}",
        steps[0].calls
    );
    let r = opsdeck::runbook::engine::execute_rollback(&p, &steps, &ctx).await;
    assert_eq!(r.status, RunStatus::Verified);
    assert_eq!(service_state(&s).await.1, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_image_registers_a_copy_and_points_the_service_at_it() {
    let s = seed("rb-deploy").await;
    let (_d, ctx) = context(s.env(), moto_handle().await);
    let rb = runbook(
        "[[procedure]]\nkind = \"ecs.deploy\"\ncluster = \"{env.cluster}\"\nservice = \"{env.service}\"\nimage = \"{param.image}\"\nrevision = \"{param.revision}\"\n",
    );
    let both = prepare(&ctx, &rb, &[("image", "nginx:1.28"), ("revision", "1")]).await;
    assert!(matches!(both, Err(RunError::Refused(_))));
    let p = prepare(&ctx, &rb, &[("image", "nginx:1.28")])
        .await
        .expect("plan");
    assert!(matches!(
        p.procedure[0].action,
        Some(Action::RegisterAndDeploy { .. })
    ));
    assert!(
        p.procedure[0].calls[0].contains("image nginx:1.27 → nginx:1.28"),
        "{:?}",
        p.procedure[0].calls
    );
    let summary = execute(&p, &ctx).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:?}");
    let (td, _) = service_state(&s).await;
    assert!(td.ends_with(&format!("{}:2", s.family)), "{td}");
    let ecs = aws_sdk_ecs::Client::new(&moto::sdk_config().await);
    let described = ecs
        .describe_task_definition()
        .task_definition(&td)
        .send()
        .await
        .expect("describe");
    let def = described.task_definition().expect("td");
    assert_eq!(def.container_definitions()[0].image(), Some("nginx:1.28"));
    // The copy keeps the secret reference and memory of the original.
    assert_eq!(def.container_definitions()[0].secrets().len(), 1);
    // Two audited calls: register, then update.
    assert_eq!(ctx.audit.read_all().expect("audit").len(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn restart_forces_a_new_deployment_and_wait_stable_reports_moto_never_settling() {
    let s = seed("rb-restart").await;
    let (_d, ctx) = context(s.env(), moto_handle().await);
    let rb = runbook(
        "[[procedure]]\nkind = \"ecs.restart\"\ncluster = \"{env.cluster}\"\nservice = \"{env.service}\"\n\n[[verification]]\nkind = \"ecs.wait_stable\"\ncluster = \"{env.cluster}\"\nservice = \"{env.service}\"\ntimeout = 1\n",
    );
    let p = prepare(&ctx, &rb, &[]).await.expect("plan");
    assert!(p.procedure[0].calls[0].contains("forceNewDeployment=true"));
    let summary = execute(&p, &ctx).await;
    // moto's services never start tasks themselves (running 0 of 2): not steady.
    assert!(
        matches!(&summary.status, RunStatus::VerificationFailed(m) if m.contains("not steady")),
        "{summary:?}"
    );
    assert_eq!(summary.exit_code(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn targets_healthy_reads_elbv2_target_health() {
    let s = seed("rb-elb").await;
    let config = moto::sdk_config().await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.9.0.0/16")
        .send()
        .await
        .expect("vpc");
    let vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).expect("id").to_string();
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&config);
    let tg = elb
        .create_target_group()
        .name(moto::unique("tg").chars().take(32).collect::<String>())
        .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
        .port(8000)
        .vpc_id(&vpc_id)
        .target_type(aws_sdk_elasticloadbalancingv2::types::TargetTypeEnum::Ip)
        .send()
        .await
        .expect("CreateTargetGroup");
    let tg_arn = tg.target_groups()[0]
        .target_group_arn()
        .expect("arn")
        .to_string();
    for ip in ["10.9.1.10", "10.9.1.11"] {
        support::ecs_seed::register_ip(&tg_arn, ip).await;
    }
    let (_d, ctx) = context(s.env(), moto_handle().await);
    let health = ctx.cloud.read.target_health(&tg_arn).await.expect("health");
    assert_eq!(health.len(), 2);
    let rb = runbook(&format!(
        "[[procedure]]\nkind = \"ecs.restart\"\ncluster = \"{{env.cluster}}\"\nservice = \"{{env.service}}\"\n\n[[verification]]\nkind = \"elb.targets_healthy\"\ncluster = \"{{env.cluster}}\"\nservice = \"{{env.service}}\"\ntarget_group = \"{tg_arn}\"\n"
    ));
    let p = prepare(&ctx, &rb, &[]).await.expect("plan");
    let summary = execute(&p, &ctx).await;
    assert_eq!(summary.status, RunStatus::Verified, "{summary:?}");
    assert!(
        summary.lines.iter().any(|l| l.contains("2/2 healthy")),
        "{:?}",
        summary.lines
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn shipped_scale_runbook_on_moto_refuses_below_the_environment_minimum() {
    let s = seed("rb-min").await;
    let mut env = s.env();
    env.min_tasks = 2;
    let (_d, ctx) = context(env, moto_handle().await);
    let lib = Library::load(None);
    let rb = lib.get("scale").expect("scale");
    let r = prepare(&ctx, rb, &[("count", "1")]).await;
    assert!(
        matches!(&r, Err(RunError::Refused(m)) if m.contains("minimum of 2")),
        "{r:?}"
    );
    assert!(
        ctx.audit.read_all().expect("audit").is_empty(),
        "nothing was written"
    );
}

mod mocked {
    //! ListServiceDeployments, DescribeServiceRevisions and StopServiceDeployment, which
    //! moto lacks. ListServices/DescribeServices are mocked beside them because the
    //! service's rollout state must agree with the mocked history, which a moto service
    //! cannot; the moto rollback test above covers those reads without history.

    use super::*;
    use aws_credential_types::Credentials;
    use aws_sdk_ecs::Client;
    use aws_sdk_ecs::types::{
        Deployment, Service, ServiceDeploymentBrief, ServiceDeploymentStatus, ServiceRevision,
        StopServiceDeploymentStopType,
    };
    use aws_smithy_mocks::{RuleMode, create_mock_http_client, mock};
    use aws_types::region::Region;

    const CLUSTER: &str = "prod";
    const SERVICE: &str = "web";
    const DEPLOY_ARN: &str = "arn:aws:ecs:us-east-1:1:service-deployment/prod/web/abc";

    fn td(rev: i32) -> String {
        format!("arn:aws:ecs:us-east-1:1:task-definition/web:{rev}")
    }

    fn service(current: i32, rollout: &str) -> Service {
        Service::builder()
            .service_name(SERVICE)
            .service_arn("arn:aws:ecs:us-east-1:1:service/prod/web")
            .status("ACTIVE")
            .desired_count(3)
            .running_count(3)
            .task_definition(td(current))
            .deployments(
                Deployment::builder()
                    .id("ecs-svc/1")
                    .status("PRIMARY")
                    .task_definition(td(current))
                    .rollout_state(rollout.into())
                    .build(),
            )
            .build()
    }

    fn brief(status: ServiceDeploymentStatus, revision: &str) -> ServiceDeploymentBrief {
        ServiceDeploymentBrief::builder()
            .service_deployment_arn(DEPLOY_ARN)
            .status(status)
            .target_service_revision_arn(revision)
            .build()
    }

    fn cloud(rules: &[&aws_smithy_mocks::Rule]) -> CloudHandle {
        let mut interceptor =
            aws_smithy_mocks::MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
        for r in rules {
            interceptor = interceptor.with_rule(r);
        }
        let ecs = aws_sdk_ecs::Config::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("a", "b", None, None, "t"))
            .http_client(create_mock_http_client())
            .interceptor(interceptor)
            .build();
        read_write(AwsClients {
            ecs: Client::from_conf(ecs),
            ..AwsClients::unreachable()
        })
    }

    fn env() -> Environment {
        let mut env = Environment::with_defaults("cloudplatform", "prod");
        env.cluster = CLUSTER.into();
        env.service = SERVICE.into();
        env
    }

    #[tokio::test]
    async fn in_flight_deployment_is_stopped_with_rollback() {
        let list = mock!(Client::list_services).then_output(|| {
            aws_sdk_ecs::operation::list_services::ListServicesOutput::builder()
                .service_arns("arn:aws:ecs:us-east-1:1:service/prod/web")
                .build()
        });
        let describe = mock!(Client::describe_services).then_output(|| {
            aws_sdk_ecs::operation::describe_services::DescribeServicesOutput::builder()
                .services(service(42, "IN_PROGRESS"))
                .build()
        });
        let history = mock!(Client::list_service_deployments)
            .match_requests(|r| r.cluster() == Some(CLUSTER) && r.service() == Some(SERVICE))
            .then_output(|| {
                aws_sdk_ecs::operation::list_service_deployments::ListServiceDeploymentsOutput::builder()
                    .service_deployments(brief(ServiceDeploymentStatus::InProgress, "rev-42"))
                    .build()
            });
        let revisions = mock!(Client::describe_service_revisions).then_output(|| {
            aws_sdk_ecs::operation::describe_service_revisions::DescribeServiceRevisionsOutput::builder()
                .service_revisions(
                    ServiceRevision::builder()
                        .service_revision_arn("rev-42")
                        .task_definition(td(42))
                        .build(),
                )
                .build()
        });
        let stop = mock!(Client::stop_service_deployment)
            .match_requests(|r| {
                r.service_deployment_arn() == Some(DEPLOY_ARN)
                    && r.stop_type() == Some(&StopServiceDeploymentStopType::Rollback)
            })
            .then_output(|| {
                aws_sdk_ecs::operation::stop_service_deployment::StopServiceDeploymentOutput::builder()
                    .service_deployment_arn(DEPLOY_ARN)
                    .build()
            });
        let cloud = cloud(&[&list, &describe, &history, &revisions, &stop]);
        let (_d, ctx) = context(env(), cloud);
        let p = prepare(&ctx, &runbook(ROLLBACK), &[]).await.expect("plan");
        assert_eq!(
            p.procedure[0].action,
            Some(Action::StopDeployment {
                arn: DEPLOY_ARN.into()
            })
        );
        let summary = execute(&p, &ctx).await;
        assert_eq!(summary.status, RunStatus::Verified, "{summary:?}");
        assert_eq!(
            stop.num_calls(),
            1,
            "exactly one StopServiceDeployment, stopType ROLLBACK"
        );
    }

    #[tokio::test]
    async fn completed_history_picks_the_last_good_deployment_not_the_previous_number() {
        let list = mock!(Client::list_services).then_output(|| {
            aws_sdk_ecs::operation::list_services::ListServicesOutput::builder()
                .service_arns("arn:aws:ecs:us-east-1:1:service/prod/web")
                .build()
        });
        let describe = mock!(Client::describe_services).then_output(|| {
            aws_sdk_ecs::operation::describe_services::DescribeServicesOutput::builder()
                .services(service(42, "COMPLETED"))
                .build()
        });
        // Newest first: 42 (current), 41 rolled back (a bad build), 40 good.
        let history = mock!(Client::list_service_deployments).then_output(|| {
            aws_sdk_ecs::operation::list_service_deployments::ListServiceDeploymentsOutput::builder(
            )
            .service_deployments(brief(ServiceDeploymentStatus::Successful, "rev-42"))
            .service_deployments(brief(ServiceDeploymentStatus::RollbackSuccessful, "rev-41"))
            .service_deployments(brief(ServiceDeploymentStatus::Successful, "rev-40"))
            .build()
        });
        let revisions = mock!(Client::describe_service_revisions).then_output(|| {
            let rev = |arn: &str, n: i32| {
                ServiceRevision::builder()
                    .service_revision_arn(arn)
                    .task_definition(td(n))
                    .build()
            };
            aws_sdk_ecs::operation::describe_service_revisions::DescribeServiceRevisionsOutput::builder()
                .service_revisions(rev("rev-42", 42))
                .service_revisions(rev("rev-41", 41))
                .service_revisions(rev("rev-40", 40))
                .build()
        });
        let cloud = cloud(&[&list, &describe, &history, &revisions]);
        let (_d, ctx) = context(env(), cloud);
        let p = prepare(&ctx, &runbook(ROLLBACK), &[]).await.expect("plan");
        match &p.procedure[0].action {
            Some(Action::UpdateService { update, .. }) => {
                assert_eq!(update.task_definition.as_deref(), Some(td(40).as_str()))
            }
            other => panic!("{other:?}"),
        }
        assert!(p.procedure[0].calls[0].contains("web:42 → web:40"));
    }
}
