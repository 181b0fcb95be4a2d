//! `cloud::aws` against moto (ECS reads, STS, UpdateService, error mapping) and, for what
//! moto lacks (ListServiceDeployments, AccessDenied, throttling, ListTasks paging, task
//! AZ/health/startedAt), against `aws-smithy-mocks`.

mod support;

use opsdeck::cloud::aws::{AwsClients, AwsCloud, handle};
use opsdeck::cloud::{CloudError, EcsRead, ServiceUpdate};
use support::ecs_seed::{SECRET_ARN, seed};
use support::moto;
use support::proxy::Proxy;

async fn moto_cloud() -> AwsCloud {
    AwsCloud::from_clients(AwsClients::from_sdk_config(&moto::sdk_config().await, None))
}

#[tokio::test]
async fn list_services_reports_counts_and_deployment() {
    let seeded = seed("svc").await;
    let cloud = moto_cloud().await;
    let services = cloud
        .list_services(&seeded.cluster)
        .await
        .expect("list_services");
    assert_eq!(services.len(), 1, "{services:?}");
    let s = &services[0];
    assert_eq!(s.name, seeded.service);
    assert_eq!(s.status, "ACTIVE");
    assert_eq!(s.desired, 2);
    // moto never starts a service's tasks: runningCount 0 (MOTO_ECS_SERVICE_RUNNING unset),
    // pendingCount = desiredCount - runningCount.
    assert_eq!((s.running, s.pending), (0, 2));
    assert!(
        s.task_definition.ends_with(&format!("{}:1", seeded.family)),
        "{}",
        s.task_definition
    );
    let primary = s.primary_deployment().expect("a PRIMARY deployment");
    assert_eq!(primary.task_definition, s.task_definition);
    assert_eq!(primary.desired, 2);
    assert!(primary.rollout_state.is_some(), "{primary:?}");
    assert!(primary.created_at.is_some(), "{primary:?}");
    // moto 5.2.5 sends no service-level createdAt; the mapping tolerates that.
}

#[tokio::test]
async fn list_tasks_reports_running_tasks_with_network_details() {
    let seeded = seed("tasks").await;
    let cloud = moto_cloud().await;
    let tasks = cloud.list_tasks(&seeded.cluster).await.expect("list_tasks");
    assert_eq!(tasks.len(), 2, "{tasks:?}");
    for t in &tasks {
        assert_eq!(t.last_status, "RUNNING", "{t:?}");
        assert_eq!(t.task_definition(), format!("{}:1", seeded.family));
        assert!(
            t.eni_id.as_deref().is_some_and(|e| e.starts_with("eni-")),
            "{t:?}"
        );
        assert!(
            t.private_ip
                .as_deref()
                .is_some_and(|ip| ip.parse::<std::net::Ipv4Addr>().is_ok()),
            "{t:?}"
        );
        // moto 5.2.5 sends no availabilityZone/startedAt for tasks: covered by the mocked test.
        assert_eq!(t.service_name(), Some(seeded.service.as_str()));
    }
}

#[tokio::test]
async fn list_tasks_adds_recently_stopped_tasks_with_their_reason() {
    let seeded = seed("stopped").await;
    let ecs = aws_sdk_ecs::Client::new(&moto::sdk_config().await);
    let arns = ecs
        .list_tasks()
        .cluster(&seeded.cluster)
        .send()
        .await
        .expect("ListTasks")
        .task_arns()
        .to_vec();
    assert_eq!(arns.len(), 2, "{arns:?}");
    ecs.stop_task()
        .cluster(&seeded.cluster)
        .task(&arns[1])
        .reason("Essential container in task exited")
        .send()
        .await
        .expect("StopTask");

    let proxy = Proxy::start(&moto::endpoint(), None);
    let config = moto::sdk_config_at(&proxy.url).await;
    let cloud = AwsCloud::from_clients(AwsClients::from_sdk_config(&config, None));
    let tasks = cloud.list_tasks(&seeded.cluster).await.expect("list_tasks");
    assert_eq!(tasks.len(), 2, "{tasks:?}");
    let running: Vec<_> = tasks
        .iter()
        .filter(|t| t.last_status == "RUNNING")
        .collect();
    assert_eq!(running.len(), 1, "{tasks:?}");
    assert_eq!(running[0].stopped_reason, None);
    let stopped = tasks
        .iter()
        .find(|t| t.last_status == "STOPPED")
        .expect("the stopped task is listed");
    assert_eq!(stopped.arn, arns[1]);
    assert_eq!(stopped.desired_status, "STOPPED");
    assert_eq!(
        stopped.stopped_reason.as_deref(),
        Some("Essential container in task exited")
    );
    // One ListTasks per desired status (moto sends no nextToken), one DescribeTasks.
    let lists = proxy.bodies("ListTasks");
    assert_eq!(lists.len(), 2, "{lists:?}");
    let list: Vec<serde_json::Value> = lists
        .iter()
        .map(|b| serde_json::from_str(b).expect("JSON"))
        .collect();
    assert_eq!(list[0]["desiredStatus"], "RUNNING");
    assert_eq!(list[1]["desiredStatus"], "STOPPED");
    for l in &list {
        assert_eq!(l["cluster"], seeded.cluster.as_str());
        assert_eq!(l["maxResults"], 100);
    }
    let describe = proxy.bodies("DescribeTasks");
    assert_eq!(describe.len(), 1, "{describe:?}");
    let describe: serde_json::Value = serde_json::from_str(&describe[0]).expect("JSON");
    assert_eq!(describe["tasks"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn describe_task_definition_returns_secret_references() {
    let seeded = seed("taskdef").await;
    let cloud = moto_cloud().await;
    let td = cloud
        .describe_task_definition(&format!("{}:1", seeded.family))
        .await
        .expect("describe_task_definition");
    assert_eq!(td.family, seeded.family);
    assert_eq!(td.revision, 1);
    assert_eq!(td.containers.len(), 1);
    assert_eq!(td.containers[0].image, "nginx:1.27");
    assert_eq!(td.containers[0].secret_refs, vec![SECRET_ARN.to_owned()]);
}

#[tokio::test]
async fn list_service_deployments_on_moto_is_a_server_error_not_unsupported() {
    let seeded = seed("deploys").await;
    let cloud = moto_cloud().await;
    let result = cloud
        .list_service_deployments(&seeded.cluster, &seeded.service)
        .await;
    assert!(matches!(result, Err(CloudError::Server(_))), "{result:?}");
}

#[tokio::test]
async fn caller_identity_is_motos_account_through_the_lazy_loader() {
    // `handle` builds its clients on first use from `AwsSettings` (static test credentials).
    let cloud = handle(moto::aws_settings(), true);
    let me = cloud.read.caller_identity().await.expect("caller_identity");
    assert_eq!(me.account, moto::ACCOUNT_ID);
    assert!(me.arn.starts_with("arn:aws:"), "{me:?}");
}

#[tokio::test]
async fn update_service_changes_desired_count() {
    let seeded = seed("update").await;
    let cloud = handle(moto::aws_settings(), false);
    let actor = cloud.actor().expect("writable handle");
    let receipt = actor
        .update_service(
            &seeded.cluster,
            &seeded.service,
            &ServiceUpdate {
                desired_count: Some(5),
                ..Default::default()
            },
        )
        .await
        .expect("update_service");
    assert!(receipt.summary.contains("desiredCount=5"), "{receipt:?}");
    assert!(receipt.summary.contains(&seeded.service), "{receipt:?}");
    assert!(
        receipt.request_id.is_some(),
        "moto sends x-amzn-requestid: {receipt:?}"
    );

    let ecs = aws_sdk_ecs::Client::new(&moto::sdk_config().await);
    let described = ecs
        .describe_services()
        .cluster(&seeded.cluster)
        .services(&seeded.service)
        .send()
        .await
        .expect("DescribeServices");
    assert_eq!(described.services()[0].desired_count(), 5);
}

#[tokio::test]
async fn nonexistent_cluster_is_an_error_not_a_panic() {
    let cloud = moto_cloud().await;
    let missing = moto::unique("missing");
    let result = cloud.list_tasks(&missing).await;
    assert!(matches!(result, Err(CloudError::NotFound(_))), "{result:?}");
    let result = cloud
        .describe_task_definition(&format!("{missing}:1"))
        .await;
    assert!(result.is_err(), "{result:?}");
}

#[test]
fn read_only_handle_has_no_actor() {
    let cloud = handle(moto::aws_settings(), true);
    assert!(cloud.act.is_none());
    assert_eq!(cloud.actor().err(), Some(CloudError::ReadOnly));
}

/// Clients backed by `aws-smithy-mocks` (no `test-util` feature needed).
mod mocked {
    use aws_credential_types::Credentials;
    use aws_credential_types::provider::{ProvideCredentials, error::CredentialsError, future};
    use aws_sdk_ecs::Client;
    use aws_sdk_ecs::types::{ServiceDeploymentBrief, ServiceDeploymentStatus, ServiceRevision};
    use aws_smithy_mocks::{
        MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock,
    };
    use aws_smithy_types::DateTime;
    use aws_types::region::Region;
    use opsdeck::cloud::aws::config::retry_config;
    use opsdeck::cloud::aws::{AwsClients, AwsCloud};
    use opsdeck::cloud::{CloudError, EcsRead};

    use aws_config::BehaviorVersion;

    fn cloud(rules: &[&Rule]) -> AwsCloud {
        let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
        for rule in rules {
            interceptor = interceptor.with_rule(rule);
        }
        let ecs = aws_sdk_ecs::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("a", "b", None, None, "test"))
            .http_client(create_mock_http_client())
            .retry_config(retry_config())
            .interceptor(interceptor)
            .build();
        let sts = aws_sdk_sts::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("a", "b", None, None, "test"))
            .http_client(create_mock_http_client())
            .build();
        AwsCloud::from_clients(AwsClients {
            ecs: Client::from_conf(ecs),
            sts: aws_sdk_sts::Client::from_conf(sts),
            ..AwsClients::unreachable()
        })
    }

    const REVISION: &str = "arn:aws:ecs:us-east-1:1:service-revision/prod/web/111";

    #[tokio::test]
    async fn list_service_deployments_maps_and_resolves_task_definitions() {
        let list = mock!(Client::list_service_deployments)
            .match_requests(|r| r.cluster() == Some("prod") && r.service() == Some("web"))
            .then_output(|| {
                aws_sdk_ecs::operation::list_service_deployments::ListServiceDeploymentsOutput::builder()
                    .service_deployments(
                        ServiceDeploymentBrief::builder()
                            .service_deployment_arn("arn:aws:ecs:us-east-1:1:service-deployment/prod/web/d1")
                            .status(ServiceDeploymentStatus::RollbackSuccessful)
                            .target_service_revision_arn(REVISION)
                            .started_at(DateTime::from_secs(100))
                            .finished_at(DateTime::from_secs(200))
                            .build(),
                    )
                    .service_deployments(
                        ServiceDeploymentBrief::builder()
                            .service_deployment_arn("arn:aws:ecs:us-east-1:1:service-deployment/prod/web/d0")
                            .status(ServiceDeploymentStatus::Successful)
                            .created_at(DateTime::from_secs(50))
                            .build(),
                    )
                    .build()
            });
        let revisions = mock!(Client::describe_service_revisions)
            .match_requests(|r| r.service_revision_arns() == [REVISION.to_owned()])
            .then_output(|| {
                aws_sdk_ecs::operation::describe_service_revisions::DescribeServiceRevisionsOutput::builder()
                    .service_revisions(
                        ServiceRevision::builder()
                            .service_revision_arn(REVISION)
                            .task_definition("arn:aws:ecs:us-east-1:1:task-definition/web:42")
                            .build(),
                    )
                    .build()
            });
        let cloud = cloud(&[&list, &revisions]);
        let records = cloud
            .list_service_deployments("prod", "web")
            .await
            .expect("mapped");
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].status, "ROLLBACK_SUCCESSFUL");
        assert_eq!(
            records[0].target_task_definition.as_deref(),
            Some("arn:aws:ecs:us-east-1:1:task-definition/web:42")
        );
        assert_eq!(records[0].started_at, Some(100));
        assert_eq!(records[0].finished_at, Some(200));
        assert_eq!(records[1].status, "SUCCESSFUL");
        assert_eq!(records[1].target_task_definition, None);
        assert_eq!(records[1].started_at, Some(50));
        assert_eq!(list.num_calls(), 1);
        assert_eq!(revisions.num_calls(), 1);
    }

    /// Kept as a mock: moto's ListTasks ignores maxResults and never sends a nextToken, and
    /// its tasks carry no availabilityZone, healthStatus or startedAt. The stopped task and
    /// its reason are read from moto in `list_tasks_adds_recently_stopped_tasks_with_their_reason`;
    /// hundreds of tasks over pages in `aws_large`.
    #[tokio::test]
    async fn list_tasks_follows_every_page_of_running_and_stopped_tasks() {
        use aws_sdk_ecs::operation::describe_tasks::DescribeTasksOutput;
        use aws_sdk_ecs::operation::list_tasks::ListTasksOutput;
        use aws_sdk_ecs::types::{Attachment, DesiredStatus, HealthStatus, KeyValuePair, Task};

        let listing = |status: DesiredStatus, token: Option<&'static str>| {
            mock!(Client::list_tasks).match_requests(move |r| {
                r.cluster() == Some("prod")
                    && r.desired_status() == Some(&status)
                    && r.next_token() == token
            })
        };
        let page1 = listing(DesiredStatus::Running, None).then_output(|| {
            ListTasksOutput::builder()
                .task_arns("t1")
                .next_token("p2")
                .build()
        });
        let page2 = listing(DesiredStatus::Running, Some("p2"))
            .then_output(|| ListTasksOutput::builder().task_arns("t2").build());
        let stopped = listing(DesiredStatus::Stopped, None).then_output(|| {
            // t1 stopped between the two listings: listed once.
            ListTasksOutput::builder()
                .task_arns("t3")
                .task_arns("t1")
                .next_token("older")
                .build()
        });
        let stopped2 = listing(DesiredStatus::Stopped, Some("older"))
            .then_output(|| ListTasksOutput::builder().task_arns("t4").build());
        let describe = mock!(Client::describe_tasks)
            .match_requests(|r| {
                r.cluster() == Some("prod") && r.tasks() == ["t1", "t2", "t3", "t4"]
            })
            .then_output(|| {
                let kv = |n: &str, v: &str| KeyValuePair::builder().name(n).value(v).build();
                DescribeTasksOutput::builder()
                    .tasks(
                        Task::builder()
                            .task_arn("arn:aws:ecs:us-east-1:1:task/prod/t1")
                            .last_status("RUNNING")
                            .availability_zone("us-east-1b")
                            .health_status(HealthStatus::Unhealthy)
                            .started_at(DateTime::from_secs(1_700_000_000))
                            .attachments(
                                Attachment::builder()
                                    .r#type("ElasticNetworkInterface")
                                    .details(kv("networkInterfaceId", "eni-1"))
                                    .details(kv("privateIPv4Address", "10.0.1.7"))
                                    .build(),
                            )
                            .build(),
                    )
                    .tasks(
                        Task::builder()
                            .task_arn("arn:aws:ecs:us-east-1:1:task/prod/t3")
                            .last_status("STOPPED")
                            .stopped_reason("Essential container in task exited")
                            .build(),
                    )
                    .build()
            });
        let cloud = cloud(&[&page1, &page2, &stopped, &stopped2, &describe]);
        let tasks = cloud.list_tasks("prod").await.expect("list_tasks");
        assert_eq!((page1.num_calls(), page2.num_calls()), (1, 1));
        assert_eq!((stopped.num_calls(), stopped2.num_calls()), (1, 1));
        assert_eq!(describe.num_calls(), 1);
        assert_eq!(tasks.len(), 2);
        let t1 = &tasks[0];
        assert_eq!(t1.availability_zone.as_deref(), Some("us-east-1b"));
        assert_eq!(t1.health.as_deref(), Some("UNHEALTHY"));
        assert_eq!(t1.started_at, Some(1_700_000_000));
        assert_eq!(t1.eni_id.as_deref(), Some("eni-1"));
        assert_eq!(t1.private_ip.as_deref(), Some("10.0.1.7"));
        assert_eq!(
            tasks[1].stopped_reason.as_deref(),
            Some("Essential container in task exited")
        );
    }

    /// An endpoint that keeps returning a next token: after `MAX_PAGES` pages the answer is
    /// an error that says so, never a list that looks whole; nothing is described.
    #[tokio::test]
    async fn a_next_token_forever_is_an_error_not_a_short_list() {
        use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
        use aws_sdk_ecs::operation::list_services::ListServicesOutput;
        use aws_sdk_ecs::operation::list_tasks::ListTasksOutput;
        use opsdeck::cloud::aws::MAX_PAGES;
        let endless = mock!(Client::list_services)
            .sequence()
            .output(|| {
                ListServicesOutput::builder()
                    .service_arns("arn:svc")
                    .next_token("again")
                    .build()
            })
            .repeatedly()
            .build();
        let describe = mock!(Client::describe_services)
            .then_output(|| DescribeServicesOutput::builder().build());
        let result = cloud(&[&endless, &describe]).list_services("prod").await;
        let err = result.expect_err("cut short");
        assert!(err.to_string().contains("ListServices"), "{err}");
        assert!(err.to_string().contains("2000 pages"), "{err}");
        assert_eq!(endless.num_calls(), MAX_PAGES);
        assert_eq!(describe.num_calls(), 0);
        let endless = mock!(Client::list_tasks)
            .sequence()
            .output(|| {
                ListTasksOutput::builder()
                    .task_arns("t")
                    .next_token("again")
                    .build()
            })
            .repeatedly()
            .build();
        let err = cloud(&[&endless])
            .list_tasks("prod")
            .await
            .expect_err("cut short");
        assert!(err.to_string().contains("ListTasks"), "{err}");
        assert_eq!(endless.num_calls(), MAX_PAGES);
    }

    #[tokio::test]
    async fn http_403_is_access_denied() {
        let rule = mock!(Client::list_services)
            .sequence()
            .http_status(
                403,
                Some(r#"{"__type":"AccessDeniedException","message":"not authorized to perform ecs:ListServices"}"#.into()),
            )
            .build();
        let result = cloud(&[&rule]).list_services("prod").await;
        match result {
            Err(CloudError::AccessDenied(msg)) => assert!(msg.contains("ListServices"), "{msg}"),
            other => panic!("expected AccessDenied, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn throttling_is_retried_once_then_reported() {
        let throttled = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;
        let rule = mock!(Client::list_tasks)
            .sequence()
            .http_status(400, Some(throttled.into()))
            .times(3)
            .build();
        let result = cloud(&[&rule]).list_tasks("prod").await;
        assert!(
            matches!(result, Err(CloudError::Throttled(_))),
            "{result:?}"
        );
        assert_eq!(
            rule.num_calls(),
            2,
            "standard retries with at most 2 attempts"
        );
    }

    #[tokio::test]
    async fn html_500_without_error_code_is_a_server_error_not_unsupported() {
        let rule = mock!(Client::list_service_deployments)
            .sequence()
            .http_status(
                500,
                Some("<html><body>Internal Server Error</body></html>".into()),
            )
            .times(2) // a 500 is retried once
            .build();
        let result = cloud(&[&rule])
            .list_service_deployments("prod", "web")
            .await;
        // A transient server failure: retried at the next refresh, never "not
        // supported" for the session.
        assert!(
            matches!(&result, Err(CloudError::Server(m)) if m.contains("HTTP 500")),
            "{result:?}"
        );
    }

    #[tokio::test]
    async fn an_unknown_operation_is_unsupported() {
        let rule = mock!(Client::list_service_deployments)
            .sequence()
            .http_status(404, Some("<html>Not Found</html>".into()))
            .build();
        let result = cloud(&[&rule])
            .list_service_deployments("prod", "web")
            .await;
        assert_eq!(
            result,
            Err(CloudError::Unsupported("ListServiceDeployments".into()))
        );
    }

    #[derive(Debug)]
    struct NoCredentials;
    impl ProvideCredentials for NoCredentials {
        fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            future::ProvideCredentials::ready(Err(CredentialsError::not_loaded(
                "no providers in chain provided credentials",
            )))
        }
    }

    #[tokio::test]
    async fn missing_credentials_say_how_to_log_in() {
        let ecs = aws_sdk_ecs::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(NoCredentials)
            .http_client(create_mock_http_client())
            .build();
        let sts = aws_sdk_sts::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(NoCredentials)
            .http_client(create_mock_http_client())
            .build();
        let cloud = AwsCloud::from_clients(AwsClients {
            ecs: Client::from_conf(ecs),
            sts: aws_sdk_sts::Client::from_conf(sts),
            ..AwsClients::unreachable()
        });
        match cloud.list_services("prod").await {
            Err(CloudError::ExpiredCredentials(msg)) => {
                assert!(msg.contains("aws sso login"), "{msg}")
            }
            other => panic!("expected ExpiredCredentials, got {other:?}"),
        }
    }
}
