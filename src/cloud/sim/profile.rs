//! The static shape of each simulated environment: account, network, services, task
//! definition families and the deployment script (history plus prod's incident).
//!
//! Names follow the seed's convention `{project}-{environment}-{resource-type}`. Times are
//! offsets in seconds from the world's start (the incident start instant).

use super::rng;

/// The seed's project name.
pub const PROJECT: &str = "cloudplatform";
/// The region every environment lives in.
pub const REGION: &str = "us-east-1";
/// The shared ECR registry (shared resources account).
pub const ECR: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
/// The environments the sim knows by name (any other name gets a calm dev-like shape).
pub const ENVIRONMENTS: [&str; 3] = ["dev", "staging", "prod"];
/// The FastAPI container's port (Appendix C).
pub const APP_PORT: u16 = 8000;

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// What a service runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceKind {
    /// The FastAPI application behind the ALB.
    Api,
    /// The background worker (no load balancer).
    Worker,
}

/// One registered revision of a task definition family.
#[derive(Debug, Clone)]
pub struct Revision {
    pub number: i32,
    pub tag: &'static str,
    /// Tasks of this revision exit with code 1 shortly after starting.
    pub bad: bool,
    pub registered: i64,
}

/// A task definition family.
#[derive(Debug, Clone)]
pub struct Family {
    pub name: String,
    pub kind: ServiceKind,
    pub cpu: &'static str,
    pub memory: &'static str,
    pub revisions: Vec<Revision>,
}

/// A scripted `UpdateService` (history, and prod's incident).
#[derive(Debug, Clone)]
pub struct Deploy {
    pub at: i64,
    pub revision: i32,
    pub desired: Option<i32>,
}

/// One ECS service and its script. The service exists from its first deploy.
#[derive(Debug, Clone)]
pub struct ServiceSpec {
    pub name: String,
    pub kind: ServiceKind,
    pub family: String,
    pub script: Vec<Deploy>,
}

/// Everything static about one environment.
#[derive(Debug, Clone)]
pub struct EnvProfile {
    pub name: String,
    pub account: String,
    /// Second octet of the VPC CIDR (Appendix B): 10.<octet>.0.0/16.
    pub octet: u8,
    pub families: Vec<Family>,
    pub services: Vec<ServiceSpec>,
    /// ECS's deployment circuit breaker rolls crash-looping deployments back (off in drills).
    pub circuit_breaker: bool,
}

/// A compact table row: revision, image tag, registered at (offset), deployed at (offset).
type Row = (i32, &'static str, i64, Option<i64>);

struct Shape {
    account: &'static str,
    octet: u8,
    api_desired: i32,
    worker_desired: i32,
    api_size: (&'static str, &'static str),
    worker_size: (&'static str, &'static str),
    api: &'static [Row],
    worker: &'static [Row],
    bad_api: &'static [i32],
}

const fn ago(days: i64, hours: i64) -> i64 {
    -(days * DAY + hours * HOUR)
}

const DEV: Shape = Shape {
    account: "111111111111",
    octet: 0,
    api_desired: 1,
    worker_desired: 1,
    api_size: ("256", "512"),
    worker_size: ("256", "512"),
    api: &[
        (52, "v1.8.3", ago(20, 4), Some(ago(20, 4) + 20 * MINUTE)),
        (
            53,
            "v1.9.0-rc.1",
            ago(12, 6),
            Some(ago(12, 6) + 20 * MINUTE),
        ),
        (54, "v1.9.0-rc.2", ago(9, 2), Some(ago(9, 2) + 20 * MINUTE)),
        (55, "v1.9.0", ago(6, 5), Some(ago(6, 5) + 20 * MINUTE)),
        (56, "v1.9.1-dev.3", ago(1, 2), Some(ago(1, 2) + 20 * MINUTE)),
    ],
    worker: &[
        (22, "v1.9.0", ago(6, 5), Some(ago(6, 5) + 25 * MINUTE)),
        (23, "v1.9.1-dev.3", ago(1, 2), Some(ago(1, 2) + 25 * MINUTE)),
    ],
    bad_api: &[],
};

const STAGING: Shape = Shape {
    account: "222222222222",
    octet: 1,
    api_desired: 2,
    worker_desired: 2,
    api_size: ("512", "1024"),
    worker_size: ("256", "512"),
    api: &[
        (38, "v1.8.1", ago(30, 3), Some(ago(30, 3) + 20 * MINUTE)),
        (39, "v1.8.2", ago(21, 5), Some(ago(21, 5) + 20 * MINUTE)),
        (40, "v1.8.3", ago(9, 4), Some(ago(9, 4) + 20 * MINUTE)),
        (41, "v1.9.0-rc.1", ago(4, 6), Some(ago(4, 6) + 20 * MINUTE)),
        (42, "v1.9.0", ago(1, 3), Some(ago(1, 3) + 20 * MINUTE)),
    ],
    worker: &[
        (18, "v1.8.2", ago(21, 5), Some(ago(21, 5) + 25 * MINUTE)),
        (19, "v1.8.3", ago(9, 4), Some(ago(9, 4) + 25 * MINUTE)),
        (20, "v1.9.0", ago(1, 3), Some(ago(1, 3) + 25 * MINUTE)),
    ],
    // v1.9.0-rc.1 failed in staging and was rolled back by the circuit breaker.
    bad_api: &[41],
};

const PROD: Shape = Shape {
    account: "333333333333",
    octet: 2,
    api_desired: 3,
    worker_desired: 2,
    api_size: ("1024", "2048"),
    worker_size: ("512", "1024"),
    api: &[
        (37, "v1.8.0", ago(40, 2), Some(ago(40, 2) + HOUR)),
        (38, "v1.8.1", ago(28, 3), Some(ago(28, 3) + HOUR)),
        (39, "v1.8.2", ago(19, 5), Some(ago(19, 5) + HOUR)),
        (40, "v1.8.2", ago(12, 1), Some(ago(12, 1) + HOUR)),
        (41, "v1.8.3", ago(3, 5), Some(ago(3, 5) + HOUR)),
        // Registered by CI before the manual approval; deployed 2 minutes into the world.
        (42, "v1.9.0", -18 * MINUTE, Some(2 * MINUTE)),
    ],
    worker: &[
        (17, "v1.8.1", ago(28, 3), Some(ago(28, 3) + HOUR)),
        (18, "v1.8.2", ago(19, 5), Some(ago(19, 5) + HOUR)),
        (19, "v1.8.3", ago(3, 5), Some(ago(3, 5) + HOUR)),
    ],
    // v1.9.0 passes staging but its tasks exit with code 1 in prod.
    bad_api: &[42],
};

impl EnvProfile {
    /// The profile of environment `name`; unknown names get a calm dev-like shape with an
    /// account id and network derived from the name.
    pub fn for_env(name: &str) -> Self {
        let (shape, account, octet) = match name {
            "dev" => (&DEV, DEV.account.to_string(), DEV.octet),
            "staging" => (&STAGING, STAGING.account.to_string(), STAGING.octet),
            "prod" => (&PROD, PROD.account.to_string(), PROD.octet),
            other => {
                let h = rng::hash_str(other);
                let account = format!("{:012}", 400_000_000_000 + h % 500_000_000_000);
                (&DEV, account, 10 + (h % 200) as u8)
            }
        };
        let api_family = format!("{PROJECT}-{name}-fastapi");
        let worker_family = format!("{PROJECT}-{name}-worker");
        let family =
            |fam: &str, kind, size: (&'static str, &'static str), rows: &[Row], bad: &[i32]| {
                Family {
                    name: fam.to_string(),
                    kind,
                    cpu: size.0,
                    memory: size.1,
                    revisions: rows
                        .iter()
                        .map(|&(number, tag, registered, _)| Revision {
                            number,
                            tag,
                            bad: bad.contains(&number),
                            registered,
                        })
                        .collect(),
                }
            };
        let script = |rows: &[Row], desired: i32| {
            rows.iter()
                .filter_map(|&(revision, _, _, at)| at.map(|at| (revision, at)))
                .enumerate()
                .map(|(i, (revision, at))| Deploy {
                    at,
                    revision,
                    desired: (i == 0).then_some(desired),
                })
                .collect()
        };
        EnvProfile {
            name: name.to_string(),
            account,
            octet,
            families: vec![
                family(
                    &api_family,
                    ServiceKind::Api,
                    shape.api_size,
                    shape.api,
                    shape.bad_api,
                ),
                family(
                    &worker_family,
                    ServiceKind::Worker,
                    shape.worker_size,
                    shape.worker,
                    &[],
                ),
            ],
            services: vec![
                ServiceSpec {
                    name: format!("{PROJECT}-{name}-ecs-service"),
                    kind: ServiceKind::Api,
                    family: api_family,
                    script: script(shape.api, shape.api_desired),
                },
                ServiceSpec {
                    name: format!("{PROJECT}-{name}-worker"),
                    kind: ServiceKind::Worker,
                    family: worker_family,
                    script: script(shape.worker, shape.worker_desired),
                },
            ],
            circuit_breaker: true,
        }
    }

    /// `cloudplatform-<env>-ecs-cluster`.
    pub fn cluster(&self) -> String {
        format!("{PROJECT}-{}-ecs-cluster", self.name)
    }

    /// The cluster's ARN.
    pub fn cluster_arn(&self) -> String {
        format!(
            "arn:aws:ecs:{REGION}:{}:cluster/{}",
            self.account,
            self.cluster()
        )
    }

    /// True when `cluster` (a name or ARN) names this environment's cluster.
    pub fn is_cluster(&self, cluster: &str) -> bool {
        cluster == self.cluster() || cluster == self.cluster_arn()
    }

    /// The service named by `service` (a name or ARN).
    pub fn service(&self, service: &str) -> Option<&ServiceSpec> {
        let name = service.rsplit('/').next().unwrap_or(service);
        self.services.iter().find(|s| s.name == name)
    }

    /// The family called `name`.
    pub fn family(&self, name: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.name == name)
    }

    /// A service's ARN.
    pub fn service_arn(&self, service: &str) -> String {
        format!(
            "arn:aws:ecs:{REGION}:{}:service/{}/{service}",
            self.account,
            self.cluster()
        )
    }

    /// A task definition revision's ARN.
    pub fn task_definition_arn(&self, family: &str, revision: i32) -> String {
        format!(
            "arn:aws:ecs:{REGION}:{}:task-definition/{family}:{revision}",
            self.account
        )
    }

    /// A task's ARN.
    pub fn task_arn(&self, task_id: &str) -> String {
        format!(
            "arn:aws:ecs:{REGION}:{}:task/{}/{task_id}",
            self.account,
            self.cluster()
        )
    }

    /// The API's ALB target group ARN.
    pub fn target_group_arn(&self, seed: u64) -> String {
        let suffix = rng::rng(seed, &[&self.name, "target-group"]).hex(16);
        format!(
            "arn:aws:elasticloadbalancing:{REGION}:{}:targetgroup/{PROJECT}-{}-tg/{suffix}",
            self.account, self.name
        )
    }

    /// The secret references every container of this environment carries (never values).
    pub fn secret_refs(&self) -> Vec<String> {
        let env = &self.name;
        let acct = &self.account;
        vec![
            format!(
                "arn:aws:secretsmanager:{REGION}:{acct}:secret:/{env}/database/credentials-AbCdEf"
            ),
            format!("arn:aws:secretsmanager:{REGION}:{acct}:secret:/{env}/redis/auth-token-GhIjKl"),
        ]
    }

    /// `sts:GetCallerIdentity` as the on-call engineer.
    pub fn caller_arn(&self) -> String {
        format!(
            "arn:aws:sts::{}:assumed-role/OnCallEngineer/oncall@example.com",
            self.account
        )
    }

    /// The role's unique id plus the session name.
    pub fn caller_user_id(&self) -> String {
        let id = rng::rng(0, &[&self.account, "OnCallEngineer"])
            .pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 17);
        format!("AROA{id}:oncall@example.com")
    }
}

/// The id of the environment's security group for `what` (`ecs-tasks`, `quarantine`).
pub fn security_group(env: &str, what: &str) -> String {
    format!("sg-{}", rng::rng(0, &[env, what]).hex(17))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_have_distinct_accounts_and_networks() {
        let envs: Vec<_> = ENVIRONMENTS
            .iter()
            .map(|e| EnvProfile::for_env(e))
            .collect();
        assert_eq!(envs[0].account, "111111111111");
        assert_eq!(envs[2].account, "333333333333");
        assert_ne!(envs[0].account, envs[1].account);
        assert_eq!(envs[1].octet, 1);
        let other = EnvProfile::for_env("qa");
        assert_eq!(other.account.len(), 12);
        assert!(other.account.chars().all(|c| c.is_ascii_digit()));
    }

    #[test]
    fn names_follow_the_convention() {
        let p = EnvProfile::for_env("prod");
        assert_eq!(p.cluster(), "cloudplatform-prod-ecs-cluster");
        assert!(p.service("cloudplatform-prod-ecs-service").is_some());
        assert!(
            p.service(&p.service_arn("cloudplatform-prod-worker"))
                .is_some()
        );
        assert!(p.service("cloudplatform-dev-ecs-service").is_none());
        assert!(p.is_cluster(&p.cluster_arn()));
        assert!(
            p.target_group_arn(1)
                .contains(":targetgroup/cloudplatform-prod-tg/")
        );
        assert_eq!(p.services[0].script.len(), 6);
        assert_eq!(p.services[0].script[0].desired, Some(3));
        assert!(
            p.family("cloudplatform-prod-fastapi")
                .is_some_and(|f| f.revisions.iter().any(|r| r.number == 42 && r.bad))
        );
    }
}
