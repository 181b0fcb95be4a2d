//! `opsdeck init` against moto: a platform tagged `Project`/`Environment` in two
//! environments, with names that do not follow the naming convention, is found key by key
//! (log groups and secrets from the service's task definition) and the written file drives
//! `opsdeck snapshot`; the same platform untagged is found from a Terraform outputs file;
//! an existing file is only replaced with `--force`; two tagged clusters and no terminal
//! are an error that lists both and says which `--set` decides.

mod pty_support;
mod support;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use aws_sdk_ecs::types::{ContainerDefinition, LogConfiguration, LogDriver, Secret};
use support::moto;

const ACCOUNT: &str = moto::ACCOUNT_ID;

/// What one seeded environment holds, as the config should name it.
#[derive(Debug, Clone)]
struct Env {
    name: String,
    cluster: String,
    service: String,
    load_balancer: String,
    target_group: String,
    db: String,
    cache: String,
    topic: String,
    quarantine: String,
    log_group: String,
    secret: String,
}

/// `Project`/`Environment` tags, or none.
fn tags(project: &str, env: &str, tagged: bool) -> Vec<(String, String)> {
    if tagged {
        vec![
            ("Project".into(), project.into()),
            ("Environment".into(), env.into()),
        ]
    } else {
        vec![]
    }
}

/// A VPC with two subnets in two zones (an ALB needs them).
async fn network(config: &aws_types::SdkConfig) -> (String, Vec<String>) {
    let ec2 = aws_sdk_ec2::Client::new(config);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.20.0.0/16")
        .send()
        .await
        .expect("CreateVpc");
    let vpc_id = vpc
        .vpc()
        .and_then(|v| v.vpc_id())
        .expect("vpc id")
        .to_owned();
    let mut subnets = Vec::new();
    for (cidr, az) in [
        ("10.20.1.0/24", "us-east-1a"),
        ("10.20.2.0/24", "us-east-1b"),
    ] {
        let s = ec2
            .create_subnet()
            .vpc_id(&vpc_id)
            .cidr_block(cidr)
            .availability_zone(az)
            .send()
            .await
            .expect("CreateSubnet");
        subnets.push(
            s.subnet()
                .and_then(|s| s.subnet_id())
                .expect("subnet id")
                .to_owned(),
        );
    }
    (vpc_id, subnets)
}

/// One environment of `project`: cluster, service on a task definition with an awslogs
/// log group and a secret, ALB, target group, database, cache, alert topic, a quarantine
/// security group and another group, the log group — tagged when `tagged`.
async fn seed_env(project: &str, env: &str, tagged: bool) -> Env {
    let config = moto::sdk_config().await;
    let t = tags(project, env, tagged);
    let p = format!("{project}-{env}");
    let (vpc_id, subnets) = network(&config).await;

    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&config);
    let elb_tags: Vec<_> = t
        .iter()
        .map(|(k, v)| {
            aws_sdk_elasticloadbalancingv2::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
        })
        .collect();
    let lb = elb
        .create_load_balancer()
        .name(format!("{p}-lb"))
        .set_subnets(Some(subnets))
        .set_tags(Some(elb_tags.clone()))
        .send()
        .await
        .expect("CreateLoadBalancer");
    let load_balancer = lb
        .load_balancers()
        .first()
        .and_then(|l| l.load_balancer_arn())
        .expect("lb arn")
        .to_owned();
    let tg = elb
        .create_target_group()
        .name(format!("{p}-tg"))
        .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
        .port(80)
        .vpc_id(&vpc_id)
        .target_type(aws_sdk_elasticloadbalancingv2::types::TargetTypeEnum::Ip)
        .set_tags(Some(elb_tags))
        .send()
        .await
        .expect("CreateTargetGroup");
    let target_group = tg
        .target_groups()
        .first()
        .and_then(|t| t.target_group_arn())
        .expect("tg arn")
        .to_owned();

    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    let log_group = format!("/{project}/{env}/api");
    logs.create_log_group()
        .log_group_name(&log_group)
        .set_tags(Some(t.iter().cloned().collect()))
        .send()
        .await
        .expect("CreateLogGroup");
    let secret =
        format!("arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:{project}/{env}/db-AbCdEf");

    let ecs = aws_sdk_ecs::Client::new(&config);
    let ecs_tags: Vec<_> = t
        .iter()
        .map(|(k, v)| aws_sdk_ecs::types::Tag::builder().key(k).value(v).build())
        .collect();
    let cluster = format!("{p}-main");
    let service = format!("{p}-api");
    ecs.create_cluster()
        .cluster_name(&cluster)
        .set_tags(Some(ecs_tags.clone()))
        .send()
        .await
        .expect("CreateCluster");
    ecs.register_task_definition()
        .family(&service)
        .container_definitions(
            ContainerDefinition::builder()
                .name("api")
                .image("nginx:1.27")
                .memory(512)
                .essential(true)
                .log_configuration(
                    LogConfiguration::builder()
                        .log_driver(LogDriver::Awslogs)
                        .options("awslogs-group", &log_group)
                        .options("awslogs-region", "us-east-1")
                        .options("awslogs-stream-prefix", "api")
                        .build()
                        .expect("log configuration"),
                )
                .secrets(
                    Secret::builder()
                        .name("DB_PASSWORD")
                        // A JSON key after the ARN: the config names the secret alone.
                        .value_from(format!("{secret}:password::"))
                        .build()
                        .expect("secret"),
                )
                .build(),
        )
        .send()
        .await
        .expect("RegisterTaskDefinition");
    ecs.create_service()
        .cluster(&cluster)
        .service_name(&service)
        .task_definition(&service)
        .desired_count(1)
        .load_balancers(
            aws_sdk_ecs::types::LoadBalancer::builder()
                .target_group_arn(&target_group)
                .container_name("api")
                .container_port(80)
                .build(),
        )
        .set_tags(Some(ecs_tags))
        .send()
        .await
        .expect("CreateService");

    let rds = aws_sdk_rds::Client::new(&config);
    let db = format!("{p}-pg");
    rds.create_db_instance()
        .db_instance_identifier(&db)
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .allocated_storage(20)
        .master_username("app")
        .master_user_password("not-a-secret-1")
        .set_tags(Some(
            t.iter()
                .map(|(k, v)| aws_sdk_rds::types::Tag::builder().key(k).value(v).build())
                .collect(),
        ))
        .send()
        .await
        .expect("CreateDBInstance");

    let ec = aws_sdk_elasticache::Client::new(&config);
    let cache = format!("{p}-cache");
    ec.create_replication_group()
        .replication_group_id(&cache)
        .replication_group_description("cache")
        .engine("redis")
        .cache_node_type("cache.t3.micro")
        .num_cache_clusters(1)
        .set_tags(Some(
            t.iter()
                .map(|(k, v)| {
                    aws_sdk_elasticache::types::Tag::builder()
                        .key(k)
                        .value(v)
                        .build()
                })
                .collect(),
        ))
        .send()
        .await
        .expect("CreateReplicationGroup");

    let sns = aws_sdk_sns::Client::new(&config);
    let topic = sns
        .create_topic()
        .name(format!("{p}-alerts"))
        .set_tags(Some(
            t.iter()
                .map(|(k, v)| {
                    aws_sdk_sns::types::Tag::builder()
                        .key(k)
                        .value(v)
                        .build()
                        .expect("sns tag")
                })
                .collect(),
        ))
        .send()
        .await
        .expect("CreateTopic")
        .topic_arn()
        .expect("topic arn")
        .to_owned();

    let ec2 = aws_sdk_ec2::Client::new(&config);
    let mut groups = Vec::new();
    for (name, role) in [("quarantine", "Quarantine"), ("web", "web")] {
        let sg = ec2
            .create_security_group()
            .group_name(format!("{p}-{name}"))
            .description("opsdeck init test")
            .vpc_id(&vpc_id)
            .send()
            .await
            .expect("CreateSecurityGroup");
        let id = sg.group_id().expect("sg id").to_owned();
        if tagged {
            let mut create = ec2.create_tags().resources(&id).tags(
                aws_sdk_ec2::types::Tag::builder()
                    .key("Role")
                    .value(role)
                    .build(),
            );
            for (k, v) in &t {
                create = create.tags(aws_sdk_ec2::types::Tag::builder().key(k).value(v).build());
            }
            create.send().await.expect("CreateTags");
        }
        groups.push(id);
    }
    Env {
        name: env.to_owned(),
        cluster,
        service,
        load_balancer,
        target_group,
        db,
        cache,
        topic,
        quarantine: groups.remove(0),
        log_group,
        secret,
    }
}

/// `opsdeck --endpoint-url moto --region us-east-1 ARGS…` with no terminal to ask on.
fn opsdeck(home: &Path, args: &[&str]) -> Output {
    let mut cmd: Command = support::cli::opsdeck(home);
    cmd.args([
        "--endpoint-url",
        &moto::endpoint(),
        "--region",
        moto::REGION,
    ])
    .args(args);
    detach_from_terminal(&mut cmd);
    cmd.output().expect("run opsdeck")
}

/// A new session without a controlling terminal: `/dev/tty` cannot be opened, as in CI,
/// even when the tests run in a terminal.
fn detach_from_terminal(cmd: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: setsid is async-signal-safe and touches no memory of the parent.
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                Ok(())
            });
        }
    }
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

/// The file names every key of `e`, with the comment saying where it was found.
/// (`target_group` may come from the service's own load balancer settings, which beat
/// Terraform.)
fn assert_env_in_file(file: &str, e: &Env, source: &str) {
    let section = file
        .split(&format!("[environments.{}]", e.name))
        .nth(1)
        .and_then(|rest| rest.split("[environments.").next())
        .unwrap_or_else(|| panic!("no [environments.{}] in\n{file}", e.name));
    for (key, value) in [
        ("cluster", &e.cluster),
        ("service", &e.service),
        ("load_balancer", &e.load_balancer),
        ("target_group", &e.target_group),
        ("db_instance", &e.db),
        ("cache_replication_group", &e.cache),
        ("alert_topic_arn", &e.topic),
        ("quarantine_security_group", &e.quarantine),
    ] {
        let l = section
            .lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("{}: no {key} line in\n{section}", e.name));
        assert!(
            l.starts_with(&format!("{key} = \"{value}\"")),
            "{}: {l}",
            e.name
        );
        let wired = format!("# load balancer settings of service {}", e.service);
        assert!(
            l.contains(source) || (key == "target_group" && l.contains(&wired)),
            "{}: {l} should say {source}",
            e.name
        );
    }
    let logs = section
        .lines()
        .find(|l| l.starts_with("log_groups = "))
        .expect("log_groups");
    assert!(
        logs.starts_with(&format!("log_groups = [\"{}\"]", e.log_group))
            && logs.contains("task definition"),
        "{logs}"
    );
    let secrets = section
        .lines()
        .find(|l| l.starts_with("secrets = "))
        .expect("secrets");
    assert!(
        secrets.starts_with(&format!("secrets = [\"{}\"]", e.secret)),
        "{secrets}"
    );
}

/// The loaded config matches what was seeded.
fn assert_loads(path: &Path, project: &str, envs: &[&Env]) {
    let c = opsdeck::config::Config::load_file(path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.project, project);
    assert_eq!(
        c.environment_names(),
        envs.iter().map(|e| e.name.clone()).collect::<Vec<_>>()
    );
    for e in envs {
        let got = c.environment(&e.name).expect("environment");
        assert_eq!(got.region, "us-east-1");
        assert_eq!(got.cluster, e.cluster);
        assert_eq!(got.service, e.service);
        assert_eq!(got.load_balancer.as_deref(), Some(e.load_balancer.as_str()));
        assert_eq!(got.target_group.as_deref(), Some(e.target_group.as_str()));
        assert_eq!(got.db_instance, e.db);
        assert_eq!(got.cache_replication_group, e.cache);
        assert_eq!(got.log_groups, vec![e.log_group.clone()]);
        assert_eq!(got.secrets, vec![e.secret.clone()]);
        assert_eq!(got.alert_topic_arn.as_deref(), Some(e.topic.as_str()));
        assert_eq!(
            got.quarantine_security_group.as_deref(),
            Some(e.quarantine.as_str())
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tagged_platform_is_found_and_the_file_drives_snapshot() {
    let project = moto::unique("shop");
    let staging = seed_env(&project, "staging", true).await;
    let prod = seed_env(&project, "prod", true).await;
    let home = tempfile::tempdir().expect("tempdir");
    let path = home.path().join("conf").join("opsdeck.toml");
    let path_s = path.display().to_string();
    let out = opsdeck(
        home.path(),
        &[
            "init",
            "--env",
            "staging",
            "--env",
            "prod",
            "--project",
            &project,
            "--write",
            &path_s,
        ],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        out.stdout.is_empty(),
        "the file, not stdout: {}",
        text(&out.stdout)
    );
    assert!(stderr.contains("10 of 10 keys found"), "{stderr}");
    assert!(stderr.contains(&format!("wrote {path_s}")), "{stderr}");
    let file = std::fs::read_to_string(&path).expect("written");
    assert!(
        file.starts_with("# opsdeck configuration, generated by `opsdeck init` on 20"),
        "{file}"
    );
    assert!(file.contains(&format!("account {ACCOUNT}")), "{file}");
    assert!(file.contains(&format!("project = \"{project}\"")), "{file}");
    assert!(
        !file.contains("# cluster ="),
        "nothing commented out:\n{file}"
    );
    for e in [&staging, &prod] {
        assert_env_in_file(
            &file,
            e,
            &format!("# tag Project={project} Environment={}", e.name),
        );
    }
    assert_loads(&path, &project, &[&staging, &prod]);

    let check = support::cli::opsdeck(home.path())
        .args(["config", "check", &path_s])
        .output()
        .expect("config check");
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));

    // The written file drives the dashboard: every tier read, no read failed. CloudWatch
    // goes through the CBOR↔JSON translator in front of moto.
    let translator = support::cbor_cloudwatch::CborCloudWatch::from_venv(&moto::venv())
        .expect("botocore CloudWatch model");
    let proxy =
        support::proxy::Proxy::with_transform(&moto::endpoint(), None, Arc::new(translator));
    let snap = support::cli::opsdeck(home.path())
        .args([
            "--config",
            &path_s,
            "--env",
            "prod",
            "--endpoint-url",
            &proxy.url,
        ])
        .args(["snapshot", "--json"])
        .output()
        .expect("snapshot");
    let stdout = text(&snap.stdout);
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", text(&snap.stderr)));
    assert!(
        matches!(snap.status.code(), Some(0 | 1)),
        "{json:#}\n{}",
        text(&snap.stderr)
    );
    assert_eq!(json["errors"], serde_json::json!([]), "{json:#}");
    assert_eq!(json["environment"], "prod");
    assert_eq!(json["service"]["name"], prod.service.as_str(), "{json:#}");
    let tiers: Vec<&str> = json["verdicts"]
        .as_array()
        .expect("verdicts")
        .iter()
        .filter_map(|v| v["tier"].as_str())
        .collect();
    assert_eq!(tiers, vec!["ALB", "ECS", "DB", "Cache"], "{json:#}");
    assert!(
        json["series"].as_array().is_some_and(|s| !s.is_empty()),
        "{json:#}"
    );
}

/// `terraform output -json` for two environments: names with the environment in them,
/// and objects keyed by environment; a sensitive output that must not be read.
fn outputs(staging: &Env, prod: &Env) -> String {
    let by_env = |f: fn(&Env) -> String| serde_json::json!({"value": {"staging": f(staging), "prod": f(prod)}, "type": ["object", {}], "sensitive": false});
    let lists = |f: fn(&Env) -> String| serde_json::json!({"value": {"staging": [f(staging)], "prod": [f(prod)]}, "type": ["object", {}], "sensitive": false});
    let plain = |v: &str| serde_json::json!({"value": v, "type": "string", "sensitive": false});
    let mut doc = serde_json::json!({
        "ecs_service_name": by_env(|e| e.service.clone()),
        "alb_arn": by_env(|e| e.load_balancer.clone()),
        "db_instance_identifier": by_env(|e| e.db.clone()),
        "redis_replication_group_id": by_env(|e| e.cache.clone()),
        "sns_topic_arn": by_env(|e| e.topic.clone()),
        "quarantine_security_group_id": by_env(|e| e.quarantine.clone()),
        "log_group_names": lists(|e| e.log_group.clone()),
        "secret_arns": lists(|e| e.secret.clone()),
        "db_password": {"value": "hunter2-not-for-the-config", "type": "string", "sensitive": true},
        "vpc_id": plain("vpc-123"),
    });
    for e in [staging, prod] {
        doc[format!("{}_ecs_cluster_name", e.name)] = plain(&e.cluster);
        doc[format!("target_group_arn_{}", e.name)] = plain(&e.target_group);
    }
    serde_json::to_string_pretty(&doc).expect("json")
}

#[tokio::test(flavor = "multi_thread")]
async fn untagged_platform_is_found_from_terraform_outputs() {
    let project = moto::unique("tfshop");
    let staging = seed_env(&project, "staging", false).await;
    let prod = seed_env(&project, "prod", false).await;
    let home = tempfile::tempdir().expect("tempdir");
    let tf = home.path().join("outputs.json");
    std::fs::write(&tf, outputs(&staging, &prod)).expect("write outputs");
    let tf_s = tf.display().to_string();
    let path = home.path().join("opsdeck.toml");
    let path_s = path.display().to_string();
    let out = opsdeck(
        home.path(),
        &[
            "init",
            "--env",
            "staging",
            "--env",
            "prod",
            "--project",
            &project,
            "--terraform-outputs",
            &tf_s,
            "--write",
            &path_s,
        ],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("staging: 0 resources tagged"), "{stderr}");
    assert!(stderr.contains("[terraform: terraform output"), "{stderr}");
    let file = std::fs::read_to_string(&path).expect("written");
    assert!(!file.contains("hunter2"), "sensitive output read:\n{file}");
    assert!(
        file.contains(&format!("# from: terraform outputs {tf_s}")),
        "{file}"
    );
    for e in [&staging, &prod] {
        assert_env_in_file(&file, e, "# terraform output ");
    }
    assert!(
        file.contains(&format!(
            "# terraform output {}_ecs_cluster_name ({tf_s})",
            prod.name
        )),
        "{file}"
    );
    assert_loads(&path, &project, &[&staging, &prod]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_existing_file_is_replaced_only_with_force() {
    // Nothing is tagged with this project: every key not found, exit 1, file written.
    let project = moto::unique("empty");
    let home = tempfile::tempdir().expect("tempdir");
    let path = home.path().join("opsdeck.toml");
    let path_s = path.display().to_string();
    let init = |extra: &[&str]| {
        let mut args = vec![
            "init",
            "--env",
            "prod",
            "--project",
            &project,
            "--write",
            &path_s,
        ];
        args.extend_from_slice(extra);
        opsdeck(home.path(), &args)
    };
    let out = init(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let first = std::fs::read_to_string(&path).expect("written");
    assert!(
        first.contains(&format!("# cluster = \"{project}-prod-ecs-cluster\"")),
        "{first}"
    );
    assert!(
        text(&out.stderr).contains("10 keys not found"),
        "{}",
        text(&out.stderr)
    );

    // The same again: nothing to replace.
    let out = init(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("is up to date"),
        "{}",
        text(&out.stderr)
    );

    // Different content: refused, the difference shown, the file untouched.
    let out = init(&["--set", "prod.cluster=picked-by-hand"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stdout.contains(&format!("--- {path_s} (existing)")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("-# cluster = \"{project}-prod-ecs-cluster\"")),
        "{stdout}"
    );
    assert!(stdout.contains("+cluster = \"picked-by-hand\""), "{stdout}");
    assert!(stderr.contains("--force replaces it"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).expect("kept"), first);

    let out = init(&["--set", "prod.cluster=picked-by-hand", "--force"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("replaced"),
        "{}",
        text(&out.stderr)
    );
    let replaced = std::fs::read_to_string(&path).expect("replaced");
    assert!(
        replaced.contains("cluster = \"picked-by-hand\""),
        "{replaced}"
    );
    assert!(replaced.contains("# --set"), "{replaced}");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_tagged_clusters_without_a_terminal_list_both() {
    let project = moto::unique("twins");
    let config = moto::sdk_config().await;
    let ecs = aws_sdk_ecs::Client::new(&config);
    let mut clusters = Vec::new();
    for name in ["blue", "green"] {
        let cluster = format!("{project}-prod-{name}");
        ecs.create_cluster()
            .cluster_name(&cluster)
            .set_tags(Some(
                tags(&project, "prod", true)
                    .iter()
                    .map(|(k, v)| aws_sdk_ecs::types::Tag::builder().key(k).value(v).build())
                    .collect(),
            ))
            .send()
            .await
            .expect("CreateCluster");
        clusters.push(cluster);
    }
    let home = tempfile::tempdir().expect("tempdir");
    let path = home.path().join("opsdeck.toml");
    let out = opsdeck(
        home.path(),
        &[
            "init",
            "--env",
            "prod",
            "--project",
            &project,
            "--write",
            &path.display().to_string(),
        ],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for c in &clusters {
        assert!(stderr.contains(c.as_str()), "{c} not listed: {stderr}");
    }
    assert!(
        stderr.contains("2 ECS clusters found for cluster"),
        "{stderr}"
    );
    assert!(stderr.contains("no terminal to choose on"), "{stderr}");
    assert!(stderr.contains("--set prod.cluster=VALUE"), "{stderr}");
    assert!(!path.exists(), "nothing written on an error");

    // The hint works.
    let out = opsdeck(
        home.path(),
        &[
            "init",
            "--env",
            "prod",
            "--project",
            &project,
            "--set",
            &format!("prod.cluster={}", clusters[1]),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("cluster = \"{}\"", clusters[1])),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn an_unreachable_endpoint_names_the_action() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = support::cli::opsdeck(home.path());
    cmd.args([
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--region",
        "us-east-1",
        "init",
        "--env",
        "prod",
    ]);
    detach_from_terminal(&mut cmd);
    let out = cmd.output().expect("run opsdeck");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("sts:GetCallerIdentity"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_tagged_clusters_on_a_terminal_are_a_numbered_choice() {
    let project = moto::unique("pick");
    let config = moto::sdk_config().await;
    let ecs = aws_sdk_ecs::Client::new(&config);
    for name in ["blue", "green"] {
        ecs.create_cluster()
            .cluster_name(format!("{project}-prod-{name}"))
            .set_tags(Some(
                tags(&project, "prod", true)
                    .iter()
                    .map(|(k, v)| aws_sdk_ecs::types::Tag::builder().key(k).value(v).build())
                    .collect(),
            ))
            .send()
            .await
            .expect("CreateCluster");
    }
    let home = tempfile::tempdir().expect("tempdir");
    let path = home.path().join("opsdeck.toml");
    let path_text = path.display().to_string();
    let endpoint = moto::endpoint();
    let envs = support::cli::moto_env(home.path());
    let mut pty = pty_support::Pty::spawn(
        &[
            "--endpoint-url",
            &endpoint,
            "--region",
            moto::REGION,
            "init",
            "--env",
            "prod",
            "--project",
            &project,
            "--write",
            &path_text,
        ],
        home.path(),
        &envs,
        120,
        40,
    );
    pty.wait_all(&["which one [1-2]?"], std::time::Duration::from_secs(60));
    let second = pty
        .transcript()
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("2. ")?
                .split_whitespace()
                .next()
                .map(str::to_string)
        })
        .expect("option 2 listed");
    pty.send("7\r");
    pty.wait_all(
        &["a number from 1 to 2"],
        std::time::Duration::from_secs(10),
    );
    pty.send("2\r");
    let _ = pty.finish();
    let written = std::fs::read_to_string(&path).expect("config written");
    assert!(
        written.contains(&format!("cluster = \"{second}\"")),
        "{second} not chosen:\n{written}"
    );
}
