//! One environment, found: the resources tagged `Project`/`Environment`, sorted by what
//! their ARNs name; the chosen ECS service's task definition (awslogs log groups, secret
//! references) and target groups; then every key decided from `--set`, those, and the
//! Terraform candidates, in that order of trust.

use crate::cloud::discovery::{DiscoveryRead, ResourceKind, TagFilter, TaggedResource};
use crate::cloud::{CloudError, EcsService};

use super::candidates::{Candidate, Finding, Key, Source, decide};

/// Tag keys whose value marks the quarantine security group (it contains "quarantine").
pub const QUARANTINE_TAGS: [&str; 3] = ["Role", "Purpose", "Name"];

/// Why an environment could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiscoverError {
    /// An AWS call failed: the IAM action and the error.
    Cloud {
        action: &'static str,
        error: CloudError,
    },
    /// Several candidates and no choice (no terminal, cancelled): the listing and hint.
    Choice(String),
}

impl std::fmt::Display for DiscoverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DiscoverError::Cloud { action, error } => write!(f, "{action}: {error}"),
            DiscoverError::Choice(text) => f.write_str(text),
        }
    }
}

/// What was decided for one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFindings {
    pub name: String,
    /// One per [`Key::ALL`], in that order.
    pub findings: Vec<Finding>,
    /// How many resources carried the environment's tags.
    pub tagged: usize,
    /// Things worth knowing that belong to no key.
    pub notes: Vec<String>,
}

impl EnvFindings {
    pub fn finding(&self, key: Key) -> Option<&Finding> {
        self.findings.iter().find(|f| f.key == key)
    }
}

/// Asks the operator to choose: environment, key, candidates → index.
pub type Picker<'a> = dyn FnMut(&str, Key, &[Candidate]) -> Result<usize, String> + 'a;

/// The tagged resources of one environment, by the key they can fill.
#[derive(Debug, Default)]
struct Tagged {
    clusters: Vec<String>,
    services: Vec<(Option<String>, String)>,
    load_balancers: Vec<String>,
    target_groups: Vec<String>,
    db_instances: Vec<String>,
    caches: Vec<String>,
    topics: Vec<String>,
    quarantine_groups: Vec<String>,
    secrets: Vec<String>,
    log_groups: Vec<String>,
}

fn is_quarantine(r: &TaggedResource) -> bool {
    QUARANTINE_TAGS.iter().any(|k| {
        r.tag(k)
            .is_some_and(|v| v.to_ascii_lowercase().contains("quarantine"))
    })
}

fn sort(resources: &[TaggedResource]) -> Tagged {
    let mut t = Tagged::default();
    for r in resources {
        match r.kind() {
            ResourceKind::EcsCluster(n) => t.clusters.push(n),
            ResourceKind::EcsService { cluster, name } => t.services.push((cluster, name)),
            ResourceKind::LoadBalancer(a) => t.load_balancers.push(a),
            ResourceKind::TargetGroup(a) => t.target_groups.push(a),
            ResourceKind::DbInstance(i) => t.db_instances.push(i),
            ResourceKind::CacheReplicationGroup(i) => t.caches.push(i),
            ResourceKind::SnsTopic(a) => t.topics.push(a),
            ResourceKind::SecurityGroup(id) if is_quarantine(r) => t.quarantine_groups.push(id),
            ResourceKind::Secret(a) => t.secrets.push(a),
            ResourceKind::LogGroup(n) => t.log_groups.push(n),
            ResourceKind::SecurityGroup(_) | ResourceKind::Other => {}
        }
    }
    // Several topics: the alert topic is the one that says so, when one does.
    let alerting: Vec<String> = t
        .topics
        .iter()
        .filter(|a| a.rsplit(':').next().unwrap_or("").contains("alert"))
        .cloned()
        .collect();
    if !alerting.is_empty() {
        t.topics = alerting;
    }
    t
}

/// The `--set` values for one environment's key, as the first tier.
fn set_tier(set: &[(String, Key, String)], env: &str, key: Key) -> Vec<Candidate> {
    set.iter()
        .filter(|(e, k, _)| e == env && *k == key)
        .flat_map(|(_, _, v)| {
            let values: Vec<&str> = if key.is_list() {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            } else {
                vec![v.as_str()]
            };
            values
                .into_iter()
                .map(|v| Candidate::new(v, Source::Set))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn terraform_tier(terraform: &[(Key, Candidate)], key: Key) -> Vec<Candidate> {
    terraform
        .iter()
        .filter(|(k, _)| *k == key)
        .map(|(_, c)| c.clone())
        .collect()
}

/// Everything one environment needs, to be decided key by key.
pub struct EnvInput<'a> {
    pub project: &'a str,
    pub env: &'a str,
    /// `--set ENV.KEY=VALUE`, parsed: (environment, key, value).
    pub set: &'a [(String, Key, String)],
    /// The Terraform candidates for this environment.
    pub terraform: &'a [(Key, Candidate)],
}

/// The secret references of a task definition as the config holds them: Secrets Manager
/// ARNs (without a JSON key) or names; SSM parameters are not secrets opsdeck rotates.
fn secret_ref(value_from: &str) -> Option<String> {
    if !value_from.starts_with("arn:") {
        return Some(value_from.to_string());
    }
    match crate::cloud::discovery::classify(value_from) {
        ResourceKind::Secret(arn) => Some(arn),
        _ => None,
    }
}

/// Find one environment's keys.
pub async fn discover(
    read: &dyn DiscoveryRead,
    input: &EnvInput<'_>,
    pick: &mut Picker<'_>,
) -> Result<EnvFindings, DiscoverError> {
    let EnvInput {
        project,
        env,
        set,
        terraform,
    } = *input;
    let resources = read
        .tagged_resources(&[
            TagFilter::new("Project", &[project]),
            TagFilter::new("Environment", &[env]),
        ])
        .await
        .map_err(|error| DiscoverError::Cloud {
            action: "tag:GetResources",
            error,
        })?;
    let tagged = sort(&resources);
    let by_tags = Source::Tags(format!("tag Project={project} Environment={env}"));
    let tags = |values: &[String]| -> Vec<Candidate> {
        values
            .iter()
            .map(|v| Candidate::new(v.clone(), by_tags.clone()))
            .collect()
    };
    let mut notes = Vec::new();
    let mut findings = Vec::new();
    let mut decide_key = |key: Key, middle: Vec<Vec<Candidate>>| {
        let mut tiers = vec![set_tier(set, env, key)];
        tiers.extend(middle);
        tiers.push(terraform_tier(terraform, key));
        decide(key, &tiers, key.convention(project, env), |c| {
            pick(env, key, c)
        })
        .map_err(DiscoverError::Choice)
    };

    let cluster = decide_key(Key::Cluster, vec![tags(&tagged.clusters)])?;
    let cluster_name = cluster.value().map(str::to_string);
    // Services of the chosen cluster (or of an unknown one: old-format ARNs).
    let services: Vec<String> = tagged
        .services
        .iter()
        .filter(|(c, _)| c.is_none() || c.as_deref() == cluster_name.as_deref())
        .map(|(_, n)| n.clone())
        .collect();
    let service = decide_key(Key::Service, vec![tags(&services)])?;

    // The service's own wiring: its target groups and its task definition.
    let mut wired_tgs: Vec<Candidate> = Vec::new();
    let mut td_logs: Vec<Candidate> = Vec::new();
    let mut td_secrets: Vec<Candidate> = Vec::new();
    if let (Some(c), Some(s)) = (cluster.value(), service.value()) {
        match read.describe_service(c, s).await {
            Ok(Some(svc)) => {
                wired(read, &svc, &mut wired_tgs, &mut td_logs, &mut td_secrets).await?;
            }
            Ok(None) | Err(CloudError::NotFound(_)) => notes.push(format!(
                "service {s} not found in cluster {c}: log groups and secrets not read from its task definition"
            )),
            Err(error) => {
                return Err(DiscoverError::Cloud {
                    action: "ecs:DescribeServices",
                    error,
                });
            }
        }
    }
    let load_balancer = decide_key(Key::LoadBalancer, vec![tags(&tagged.load_balancers)])?;
    // Tagged target groups, narrowed to the service's own when that leaves one or more.
    let tagged_tgs: Vec<String> = {
        let own: Vec<String> = tagged
            .target_groups
            .iter()
            .filter(|t| wired_tgs.iter().any(|w| &w.value == *t))
            .cloned()
            .collect();
        if own.is_empty() {
            tagged.target_groups.clone()
        } else {
            own
        }
    };
    let target_group = decide_key(Key::TargetGroup, vec![tags(&tagged_tgs), wired_tgs])?;
    let db = decide_key(Key::DbInstance, vec![tags(&tagged.db_instances)])?;
    let cache = decide_key(Key::CacheReplicationGroup, vec![tags(&tagged.caches)])?;
    let logs = decide_key(Key::LogGroups, vec![td_logs, tags(&tagged.log_groups)])?;
    let secrets = decide_key(Key::Secrets, vec![td_secrets, tags(&tagged.secrets)])?;
    let topic = decide_key(Key::AlertTopicArn, vec![tags(&tagged.topics)])?;
    let quarantine = decide_key(
        Key::QuarantineSecurityGroup,
        vec![tags(&tagged.quarantine_groups)],
    )?;
    findings.extend([
        cluster,
        service,
        load_balancer,
        target_group,
        db,
        cache,
        logs,
        secrets,
        topic,
        quarantine,
    ]);
    Ok(EnvFindings {
        name: env.to_string(),
        findings,
        tagged: resources.len(),
        notes,
    })
}

/// The target groups, awslogs log groups and secret references of `svc`.
async fn wired(
    read: &dyn DiscoveryRead,
    svc: &EcsService,
    target_groups: &mut Vec<Candidate>,
    logs: &mut Vec<Candidate>,
    secrets: &mut Vec<Candidate>,
) -> Result<(), DiscoverError> {
    let lb_source = Source::Service(format!("load balancer settings of service {}", svc.name));
    target_groups.extend(
        svc.target_groups
            .iter()
            .map(|t| Candidate::new(t.clone(), lb_source.clone())),
    );
    if svc.task_definition.is_empty() {
        return Ok(());
    }
    let td = read
        .task_definition(&svc.task_definition)
        .await
        .map_err(|error| DiscoverError::Cloud {
            action: "ecs:DescribeTaskDefinition",
            error,
        })?;
    let td_name = if td.family.is_empty() {
        crate::cloud::last_segment(&svc.task_definition).to_string()
    } else {
        format!("{}:{}", td.family, td.revision)
    };
    let source = Source::Service(format!("task definition {td_name} of service {}", svc.name));
    for c in &td.containers {
        if let Some(g) = &c.log_group {
            logs.push(Candidate::new(g.clone(), source.clone()));
        }
        secrets.extend(
            c.secret_refs
                .iter()
                .filter_map(|v| secret_ref(v))
                .map(|v| Candidate::new(v, source.clone())),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;

    use super::*;
    use crate::cloud::{CallerIdentity, CloudResult, ContainerSummary, TaskDefinition};
    use crate::commands::init::candidates::Outcome;

    const ACCT: &str = "us-east-1:123456789012";

    #[derive(Default)]
    struct Fake {
        resources: Vec<TaggedResource>,
        service: Option<EcsService>,
        td: Option<TaskDefinition>,
        asked: Mutex<Vec<String>>,
    }

    #[async_trait]
    impl DiscoveryRead for Fake {
        async fn caller_identity(&self) -> CloudResult<CallerIdentity> {
            Ok(CallerIdentity::default())
        }
        async fn tagged_resources(&self, f: &[TagFilter]) -> CloudResult<Vec<TaggedResource>> {
            self.asked.lock().unwrap().push(format!("{f:?}"));
            Ok(self.resources.clone())
        }
        async fn describe_service(&self, _: &str, _: &str) -> CloudResult<Option<EcsService>> {
            Ok(self.service.clone())
        }
        async fn task_definition(&self, _: &str) -> CloudResult<TaskDefinition> {
            self.td
                .clone()
                .ok_or_else(|| CloudError::AccessDenied("DescribeTaskDefinition".into()))
        }
    }

    fn r(rest: &str, extra: &[(&str, &str)]) -> TaggedResource {
        let mut tags = vec![
            ("Project".to_string(), "shop".to_string()),
            ("Environment".to_string(), "prod".to_string()),
        ];
        tags.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string())),
        );
        TaggedResource::new(format!("arn:aws:{rest}"), tags)
    }

    fn fake() -> Fake {
        let tg = format!("arn:aws:elasticloadbalancing:{ACCT}:targetgroup/web/1");
        Fake {
            resources: vec![
                r(&format!("ecs:{ACCT}:cluster/shop-prod-main"), &[]),
                r(&format!("ecs:{ACCT}:service/shop-prod-main/web"), &[]),
                r(&format!("ecs:{ACCT}:service/other-cluster/api"), &[]),
                r(
                    &format!("elasticloadbalancing:{ACCT}:loadbalancer/app/shop/9"),
                    &[],
                ),
                r(
                    &format!("elasticloadbalancing:{ACCT}:targetgroup/web/1"),
                    &[],
                ),
                r(
                    &format!("elasticloadbalancing:{ACCT}:targetgroup/old/2"),
                    &[],
                ),
                r(&format!("rds:{ACCT}:db:shop-prod-db"), &[]),
                r(
                    &format!("elasticache:{ACCT}:replicationgroup:shop-prod-redis"),
                    &[],
                ),
                r(&format!("sns:{ACCT}:shop-prod-alerts"), &[]),
                r(&format!("sns:{ACCT}:shop-prod-events"), &[]),
                r(
                    &format!("ec2:{ACCT}:security-group/sg-0aa"),
                    &[("Name", "web")],
                ),
                r(
                    &format!("ec2:{ACCT}:security-group/sg-0bb"),
                    &[("Role", "Quarantine")],
                ),
                r(&format!("ec2:{ACCT}:instance/i-1"), &[]),
            ],
            service: Some(EcsService {
                name: "web".into(),
                task_definition: format!("arn:aws:ecs:{ACCT}:task-definition/web:3"),
                target_groups: vec![tg],
                ..Default::default()
            }),
            td: Some(TaskDefinition {
                family: "web".into(),
                revision: 3,
                containers: vec![ContainerSummary {
                    name: "app".into(),
                    log_group: Some("/ecs/prod/web".into()),
                    secret_refs: vec![
                        format!("arn:aws:secretsmanager:{ACCT}:secret:prod/db-AbCdEf:password::"),
                        format!("arn:aws:ssm:{ACCT}:parameter/prod/flag"),
                        "prod/api-key".into(),
                    ],
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    async fn run(
        f: &Fake,
        terraform: &[(Key, Candidate)],
        set: &[(String, Key, String)],
    ) -> Result<EnvFindings, DiscoverError> {
        let input = EnvInput {
            project: "shop",
            env: "prod",
            set,
            terraform,
        };
        discover(f, &input, &mut |_, key, c| {
            Err(format!("asked about {} among {}", key.name(), c.len()))
        })
        .await
    }

    fn value(e: &EnvFindings, key: Key) -> Vec<String> {
        match &e.finding(key).unwrap().outcome {
            Outcome::Found { values, .. } => values.clone(),
            Outcome::NotFound { .. } => vec![],
        }
    }

    #[tokio::test]
    async fn tags_and_the_service_fill_every_key() {
        let f = fake();
        let e = run(&f, &[], &[]).await.unwrap();
        assert_eq!(value(&e, Key::Cluster), vec!["shop-prod-main"]);
        assert_eq!(
            value(&e, Key::Service),
            vec!["web"],
            "other cluster's service left out"
        );
        assert_eq!(
            value(&e, Key::TargetGroup),
            vec![format!(
                "arn:aws:elasticloadbalancing:{ACCT}:targetgroup/web/1"
            )],
            "narrowed to the service's own"
        );
        assert_eq!(value(&e, Key::DbInstance), vec!["shop-prod-db"]);
        assert_eq!(
            value(&e, Key::CacheReplicationGroup),
            vec!["shop-prod-redis"]
        );
        assert_eq!(value(&e, Key::LogGroups), vec!["/ecs/prod/web"]);
        assert_eq!(
            value(&e, Key::Secrets),
            vec![
                format!("arn:aws:secretsmanager:{ACCT}:secret:prod/db-AbCdEf"),
                "prod/api-key".to_string()
            ]
        );
        assert_eq!(
            value(&e, Key::AlertTopicArn),
            vec![format!("arn:aws:sns:{ACCT}:shop-prod-alerts")]
        );
        assert_eq!(value(&e, Key::QuarantineSecurityGroup), vec!["sg-0bb"]);
        assert!(e.findings.iter().all(Finding::is_found), "{e:#?}");
        assert_eq!(e.tagged, 13);
        let asked = f.asked.lock().unwrap().join("");
        assert!(asked.contains("Project") && asked.contains("shop") && asked.contains("prod"));
    }

    #[tokio::test]
    async fn two_clusters_ask_and_set_answers() {
        let mut f = fake();
        f.resources
            .push(r(&format!("ecs:{ACCT}:cluster/shop-prod-b"), &[]));
        let e = run(&f, &[], &[]).await.unwrap_err();
        assert_eq!(
            e,
            DiscoverError::Choice("asked about cluster among 2".into())
        );
        let set = [(
            "prod".to_string(),
            Key::Cluster,
            "shop-prod-main".to_string(),
        )];
        let e = run(&f, &[], &set).await.unwrap();
        assert_eq!(value(&e, Key::Cluster), vec!["shop-prod-main"]);
        assert!(e.findings.iter().all(Finding::is_found), "{e:#?}");
        assert!(matches!(
            e.finding(Key::Cluster).unwrap().outcome,
            Outcome::Found {
                source: Source::Set,
                ..
            }
        ));
    }

    #[tokio::test]
    async fn terraform_fills_what_tags_lack_and_denied_reads_name_the_action() {
        let mut f = fake();
        f.resources.retain(|r| !r.arn.contains(":db:"));
        let tf = Source::Terraform {
            output: "db_instance_identifier".into(),
            from: "o.json".into(),
        };
        let e = run(&f, &[(Key::DbInstance, Candidate::new("tf-db", tf))], &[])
            .await
            .unwrap();
        assert_eq!(value(&e, Key::DbInstance), vec!["tf-db"]);
        f.td = None;
        let e = run(&f, &[], &[]).await.unwrap_err();
        assert!(
            e.to_string()
                .starts_with("ecs:DescribeTaskDefinition: access denied"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn nothing_tagged_leaves_guesses() {
        let f = Fake::default();
        let e = run(&f, &[], &[]).await.unwrap();
        assert!(e.findings.iter().all(|f| !f.is_found()));
        assert_eq!(
            e.finding(Key::Cluster).unwrap().outcome,
            Outcome::NotFound {
                guess: Some(vec!["shop-prod-ecs-cluster".into()])
            }
        );
    }
}
