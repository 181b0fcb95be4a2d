//! Seeds moto with an ECS service the way the platform runs one: a VPC with DNS
//! hostnames, a subnet and security group, a cluster, a Fargate task definition with a
//! secret reference, a service, and two RUNNING tasks started by it (testing.md recipe).

use aws_sdk_ec2::types::AttributeBooleanValue;
use aws_sdk_ecs::types::{
    AwsVpcConfiguration, Compatibility, ContainerDefinition, LaunchType, NetworkConfiguration,
    NetworkMode, Secret,
};

use super::moto;

pub const SECRET_ARN: &str =
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbCdEf";

/// What [`seed`] created.
pub struct Seeded {
    pub cluster: String,
    pub service: String,
    pub family: String,
    pub vpc_id: String,
    pub security_group: String,
    /// The `ip` target group (port 8000) the tasks' IPs are registered in, if asked for.
    pub target_group: Option<String>,
}

impl Seeded {
    /// An environment (`emu`) pointing at the seeded cluster and service.
    pub fn env(&self) -> opsdeck::config::Environment {
        let mut env = opsdeck::config::Environment::with_defaults("cloudplatform", "emu");
        env.cluster = self.cluster.clone();
        env.service = self.service.clone();
        env
    }

    /// Write `dir/opsdeck.toml` with an `emu` environment on the seeded cluster and service,
    /// reached at `endpoint_url` (moto, or a proxy in front of it), plus `extra` TOML lines
    /// for that environment; its path.
    pub fn write_config(
        &self,
        dir: &std::path::Path,
        endpoint_url: &str,
        extra: &str,
    ) -> std::path::PathBuf {
        let path = dir.join("opsdeck.toml");
        std::fs::write(
            &path,
            format!(
                "[environments.emu]\nregion = \"us-east-1\"\nendpoint_url = \"{endpoint_url}\"\ncluster = \"{}\"\nservice = \"{}\"\n{extra}",
                self.cluster, self.service
            ),
        )
        .expect("write config");
        path
    }
}

/// Choices beyond the default seed.
#[derive(Default)]
pub struct SeedOptions {
    /// The secret the container injects (default [`SECRET_ARN`]).
    pub secret_arn: Option<String>,
    /// Put the service behind an `ip` target group and register the tasks' IPs in it.
    pub target_group: bool,
}

/// A VPC (DNS hostnames on), subnet and security group; a cluster, a task definition with
/// container-level memory and a secret, a service, and two RUNNING tasks started "by" it.
pub async fn seed(prefix: &str) -> Seeded {
    seed_with(prefix, SeedOptions::default()).await
}

/// [`seed`] with options.
pub async fn seed_with(prefix: &str, options: SeedOptions) -> Seeded {
    let config = moto::sdk_config().await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let ecs = aws_sdk_ecs::Client::new(&config);
    let name = moto::unique(prefix);

    let vpc = ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .send()
        .await
        .expect("CreateVpc");
    let vpc_id = vpc
        .vpc()
        .and_then(|v| v.vpc_id())
        .expect("vpc id")
        .to_owned();
    ec2.modify_vpc_attribute()
        .vpc_id(&vpc_id)
        .enable_dns_hostnames(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .expect("ModifyVpcAttribute");
    let subnet = ec2
        .create_subnet()
        .vpc_id(&vpc_id)
        .cidr_block("10.0.1.0/24")
        .availability_zone("us-east-1a")
        .send()
        .await
        .expect("CreateSubnet");
    let subnet_id = subnet
        .subnet()
        .and_then(|s| s.subnet_id())
        .expect("subnet id")
        .to_owned();
    let sg = ec2
        .create_security_group()
        .group_name(&name)
        .description("opsdeck test")
        .vpc_id(&vpc_id)
        .send()
        .await
        .expect("CreateSecurityGroup");
    let sg_id = sg.group_id().expect("sg id").to_owned();

    let cluster = format!("{name}-cluster");
    let service = format!("{name}-web");
    let family = format!("{name}-web");
    ecs.create_cluster()
        .cluster_name(&cluster)
        .send()
        .await
        .expect("CreateCluster");
    ecs.register_task_definition()
        .family(&family)
        .network_mode(NetworkMode::Awsvpc)
        .requires_compatibilities(Compatibility::Fargate)
        .cpu("256")
        .memory("512")
        .container_definitions(
            ContainerDefinition::builder()
                .name("app")
                .image("nginx:1.27")
                .memory(512)
                .essential(true)
                .secrets(
                    Secret::builder()
                        .name("DB_PASSWORD")
                        .value_from(options.secret_arn.as_deref().unwrap_or(SECRET_ARN))
                        .build()
                        .expect("secret"),
                )
                .build(),
        )
        .send()
        .await
        .expect("RegisterTaskDefinition");
    let network = NetworkConfiguration::builder()
        .awsvpc_configuration(
            AwsVpcConfiguration::builder()
                .subnets(&subnet_id)
                .security_groups(&sg_id)
                .build()
                .expect("awsvpc"),
        )
        .build();
    let elbv2 = aws_sdk_elasticloadbalancingv2::Client::new(&config);
    let target_group = if options.target_group {
        let tg = elbv2
            .create_target_group()
            .name(format!("{}-tg", &name[name.len().saturating_sub(20)..]))
            .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
            .port(8000)
            .vpc_id(&vpc_id)
            .target_type(aws_sdk_elasticloadbalancingv2::types::TargetTypeEnum::Ip)
            .send()
            .await
            .expect("CreateTargetGroup");
        tg.target_groups()
            .first()
            .and_then(|t| t.target_group_arn())
            .map(str::to_owned)
    } else {
        None
    };
    let mut create = ecs
        .create_service()
        .cluster(&cluster)
        .service_name(&service)
        .task_definition(&family)
        .desired_count(2)
        .launch_type(LaunchType::Fargate)
        .network_configuration(network.clone());
    if let Some(tg) = &target_group {
        create = create.load_balancers(
            aws_sdk_ecs::types::LoadBalancer::builder()
                .target_group_arn(tg)
                .container_name("app")
                .container_port(8000)
                .build(),
        );
    }
    create.send().await.expect("CreateService");
    let run = ecs
        .run_task()
        .cluster(&cluster)
        .task_definition(&family)
        .count(2)
        .launch_type(LaunchType::Fargate)
        .network_configuration(network)
        .started_by(format!("ecs-svc/{service}"))
        .group(format!("service:{service}"))
        .send()
        .await
        .expect("RunTask");
    assert_eq!(
        run.tasks().len(),
        2,
        "RunTask failures: {:?}",
        run.failures()
    );
    if let Some(tg) = &target_group {
        for task in run.tasks() {
            let ip = task
                .attachments()
                .iter()
                .flat_map(|a| a.details())
                .find(|d| d.name() == Some("privateIPv4Address"))
                .and_then(|d| d.value())
                .expect("task IP")
                .to_owned();
            register_ip(tg, &ip).await;
        }
    }
    Seeded {
        cluster,
        service,
        family,
        vpc_id,
        security_group: sg_id,
        target_group,
    }
}

/// `RegisterTargets` of `ip`:8000 in the `ip` target group `tg`.
pub async fn register_ip(tg: &str, ip: &str) {
    let elbv2 = aws_sdk_elasticloadbalancingv2::Client::new(&moto::sdk_config().await);
    elbv2
        .register_targets()
        .target_group_arn(tg)
        .targets(
            aws_sdk_elasticloadbalancingv2::types::TargetDescription::builder()
                .id(ip)
                .port(8000)
                .build(),
        )
        .send()
        .await
        .expect("RegisterTargets");
}

/// The seeded service as `DescribeServices` reports it now.
pub async fn describe(s: &Seeded) -> aws_sdk_ecs::types::Service {
    let ecs = aws_sdk_ecs::Client::new(&moto::sdk_config().await);
    let out = ecs
        .describe_services()
        .cluster(&s.cluster)
        .services(&s.service)
        .send()
        .await
        .expect("DescribeServices");
    out.services().first().cloned().expect("the seeded service")
}
