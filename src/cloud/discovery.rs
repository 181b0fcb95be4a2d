//! Finding an environment's resources in an account, for `opsdeck init`: the resources
//! the Resource Groups Tagging API lists for a set of tags, what their ARNs name, and the
//! service wiring (task definition, target groups) that tags do not carry.
//!
//! Plain domain types only; `cloud::aws::discovery` implements [`DiscoveryRead`].

use async_trait::async_trait;

use super::{CallerIdentity, CloudResult, EcsService, TaskDefinition};

/// One resource `tag:GetResources` returned, with its tags.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaggedResource {
    pub arn: String,
    /// `service:type` as the Tagging API spells it (`ecs:cluster`, `rds:db`), from the ARN.
    pub resource_type: String,
    pub tags: Vec<(String, String)>,
}

impl TaggedResource {
    /// A resource with `arn` and `tags`; its type is read off the ARN.
    pub fn new(arn: impl Into<String>, tags: Vec<(String, String)>) -> TaggedResource {
        let arn = arn.into();
        TaggedResource {
            resource_type: resource_type(&arn),
            arn,
            tags,
        }
    }

    /// The value of tag `key` (exact key), if the resource has it.
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// What the ARN names.
    pub fn kind(&self) -> ResourceKind {
        classify(&self.arn)
    }
}

/// A tag filter: the key and the values it may have (empty: any value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFilter {
    pub key: String,
    pub values: Vec<String>,
}

impl TagFilter {
    /// `key` = one of `values` (none: any value).
    pub fn new(key: &str, values: &[&str]) -> TagFilter {
        TagFilter {
            key: key.to_string(),
            values: values.iter().map(|v| (*v).to_string()).collect(),
        }
    }
}

/// What a resource ARN names, in the form the config file holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceKind {
    /// `arn:aws:ecs:…:cluster/NAME` → the cluster name.
    EcsCluster(String),
    /// `arn:aws:ecs:…:service/CLUSTER/NAME` (or the old `service/NAME`).
    EcsService {
        cluster: Option<String>,
        name: String,
    },
    /// `arn:aws:elasticloadbalancing:…:loadbalancer/app/NAME/ID` → the whole ARN.
    LoadBalancer(String),
    /// `arn:aws:elasticloadbalancing:…:targetgroup/NAME/ID` → the whole ARN.
    TargetGroup(String),
    /// `arn:aws:rds:…:db:ID` → the instance identifier.
    DbInstance(String),
    /// `arn:aws:elasticache:…:replicationgroup:ID` → the replication group id.
    CacheReplicationGroup(String),
    /// `arn:aws:sns:…:TOPIC` → the whole ARN.
    SnsTopic(String),
    /// `arn:aws:ec2:…:security-group/sg-…` → the group id.
    SecurityGroup(String),
    /// `arn:aws:secretsmanager:…:secret:NAME-abcdef` → the ARN (a JSON key or version
    /// after it is dropped).
    Secret(String),
    /// `arn:aws:logs:…:log-group:NAME[:*]` → the log group name.
    LogGroup(String),
    /// Anything else (including text that is not an ARN).
    Other,
}

/// `arn`'s six parts, when it has them and none of the first five is odd.
fn split_arn(arn: &str) -> Option<[&str; 6]> {
    let mut it = arn.splitn(6, ':');
    let parts = [
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ];
    let plain = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if parts[0] != "arn"
        || parts[1].is_empty()
        || parts[2].is_empty()
        || parts[5].is_empty()
        || !parts[..5].iter().all(|p| plain(p))
        || arn.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    Some(parts)
}

/// `service:type` of an ARN as the Tagging API names it (`ecs:service`, `sns`), or `""`.
pub fn resource_type(arn: &str) -> String {
    let Some([_, _, service, _, _, resource]) = split_arn(arn) else {
        return String::new();
    };
    let ty = resource.split(['/', ':']).next().unwrap_or_default();
    if service == "sns" || ty.is_empty() || ty == resource {
        service.to_string()
    } else {
        format!("{service}:{ty}")
    }
}

/// What `arn` names; [`ResourceKind::Other`] for anything unexpected (never panics).
pub fn classify(arn: &str) -> ResourceKind {
    let Some([_, _, service, _, _, resource]) = split_arn(arn) else {
        return ResourceKind::Other;
    };
    let nonempty = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let kind = match service {
        "ecs" => {
            if let Some(name) = resource.strip_prefix("cluster/") {
                nonempty(name)
                    .filter(|n| !n.contains('/'))
                    .map(ResourceKind::EcsCluster)
            } else if let Some(rest) = resource.strip_prefix("service/") {
                match rest.split('/').collect::<Vec<_>>().as_slice() {
                    [name] if !name.is_empty() => Some(ResourceKind::EcsService {
                        cluster: None,
                        name: (*name).to_string(),
                    }),
                    [cluster, name] if !cluster.is_empty() && !name.is_empty() => {
                        Some(ResourceKind::EcsService {
                            cluster: Some((*cluster).to_string()),
                            name: (*name).to_string(),
                        })
                    }
                    _ => None,
                }
            } else {
                None
            }
        }
        "elasticloadbalancing" => {
            let parts: Vec<&str> = resource.split('/').collect();
            match parts.as_slice() {
                ["loadbalancer", "app", name, id] if !name.is_empty() && !id.is_empty() => {
                    Some(ResourceKind::LoadBalancer(arn.to_string()))
                }
                ["targetgroup", name, id] if !name.is_empty() && !id.is_empty() => {
                    Some(ResourceKind::TargetGroup(arn.to_string()))
                }
                _ => None,
            }
        }
        "rds" => resource
            .strip_prefix("db:")
            .and_then(nonempty)
            .filter(|id| !id.contains(':'))
            .map(ResourceKind::DbInstance),
        "elasticache" => resource
            .strip_prefix("replicationgroup:")
            .and_then(nonempty)
            .filter(|id| !id.contains(':'))
            .map(ResourceKind::CacheReplicationGroup),
        "sns" => (!resource.contains(':') && !resource.contains('/'))
            .then(|| ResourceKind::SnsTopic(arn.to_string())),
        "ec2" => resource
            .strip_prefix("security-group/")
            .filter(|id| id.starts_with("sg-") && id.len() > 3 && !id.contains('/'))
            .map(|id| ResourceKind::SecurityGroup(id.to_string())),
        "secretsmanager" => resource.strip_prefix("secret:").and_then(|rest| {
            let name = rest.split(':').next().unwrap_or_default();
            (!name.is_empty()).then(|| {
                let cut = arn.len() - resource.len() + "secret:".len() + name.len();
                ResourceKind::Secret(arn[..cut].to_string())
            })
        }),
        "logs" => resource.strip_prefix("log-group:").and_then(|rest| {
            let name = rest.strip_suffix(":*").unwrap_or(rest);
            (!name.is_empty() && !name.contains(':'))
                .then(|| ResourceKind::LogGroup(name.to_string()))
        }),
        _ => None,
    };
    kind.unwrap_or(ResourceKind::Other)
}

/// The reads `opsdeck init` makes to find an environment's resources.
#[async_trait]
pub trait DiscoveryRead: Send + Sync {
    /// `sts:GetCallerIdentity`: which account is being read.
    async fn caller_identity(&self) -> CloudResult<CallerIdentity>;
    /// `tag:GetResources`, every page: the resources carrying every tag of `filters`.
    async fn tagged_resources(&self, filters: &[TagFilter]) -> CloudResult<Vec<TaggedResource>>;
    /// `ecs:DescribeServices` of one service; `None` when the cluster has no such service.
    async fn describe_service(
        &self,
        cluster: &str,
        service: &str,
    ) -> CloudResult<Option<EcsService>>;
    /// `ecs:DescribeTaskDefinition` by ARN or `family[:revision]`: containers with their
    /// awslogs log group and secret references.
    async fn task_definition(&self, task_definition: &str) -> CloudResult<TaskDefinition>;
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "arn:aws:";

    fn c(rest: &str) -> ResourceKind {
        classify(&format!("{A}{rest}"))
    }

    #[test]
    fn arns_name_the_config_values() {
        assert_eq!(
            c("ecs:us-east-1:123456789012:cluster/shop-prod-main"),
            ResourceKind::EcsCluster("shop-prod-main".into())
        );
        assert_eq!(
            c("ecs:us-east-1:123456789012:service/shop-prod-main/web"),
            ResourceKind::EcsService {
                cluster: Some("shop-prod-main".into()),
                name: "web".into()
            }
        );
        assert_eq!(
            c("ecs:us-east-1:123456789012:service/web"),
            ResourceKind::EcsService {
                cluster: None,
                name: "web".into()
            }
        );
        let lb = format!(
            "{A}elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/50dc6c495c0c9188"
        );
        assert_eq!(classify(&lb), ResourceKind::LoadBalancer(lb.clone()));
        let tg = format!(
            "{A}elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-tg/73e2d6bc24d8a067"
        );
        assert_eq!(classify(&tg), ResourceKind::TargetGroup(tg.clone()));
        assert_eq!(
            c("rds:us-east-1:123456789012:db:shop-prod-db"),
            ResourceKind::DbInstance("shop-prod-db".into())
        );
        assert_eq!(
            c("elasticache:us-east-1:123456789012:replicationgroup:shop-prod-cache"),
            ResourceKind::CacheReplicationGroup("shop-prod-cache".into())
        );
        let topic = format!("{A}sns:us-east-1:123456789012:shop-prod-alerts");
        assert_eq!(classify(&topic), ResourceKind::SnsTopic(topic.clone()));
        assert_eq!(
            c("ec2:us-east-1:123456789012:security-group/sg-0123abcd"),
            ResourceKind::SecurityGroup("sg-0123abcd".into())
        );
        assert_eq!(
            c("secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf:password::"),
            ResourceKind::Secret(format!(
                "{A}secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"
            ))
        );
        assert_eq!(
            c("logs:us-east-1:123456789012:log-group:/ecs/prod/web:*"),
            ResourceKind::LogGroup("/ecs/prod/web".into())
        );
        assert_eq!(
            c("logs:us-east-1:123456789012:log-group:/ecs/prod/web"),
            ResourceKind::LogGroup("/ecs/prod/web".into())
        );
    }

    #[test]
    fn odd_arns_are_other_and_never_panic() {
        for odd in [
            "",
            "arn",
            "arn:aws",
            "not an arn",
            "arn:aws:ecs:us-east-1:1:cluster/",
            "arn:aws:ecs:us-east-1:1:cluster/a/b",
            "arn:aws:ecs:us-east-1:1:service/",
            "arn:aws:ecs:us-east-1:1:service/a/b/c",
            "arn:aws:ecs:us-east-1:1:task/abc",
            "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/x/1",
            "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/x",
            "arn:aws:rds:us-east-1:1:db:",
            "arn:aws:rds:us-east-1:1:snapshot:x",
            "arn:aws:elasticache:us-east-1:1:cluster:x",
            "arn:aws:sns:us-east-1:1:topic:sub-id",
            "arn:aws:ec2:us-east-1:1:security-group/",
            "arn:aws:ec2:us-east-1:1:instance/i-1",
            "arn:aws:secretsmanager:us-east-1:1:secret:",
            "arn:aws:logs:us-east-1:1:log-group:",
            "arn:aws:ecs:us east-1:1:cluster/x",
            "arn:aws:ecs:us-east-1:1:cluster/x y",
            "arn:aws:ecs:us-east-1:1:cluster/\u{1b}[2J",
            "arn:aws:s3:::bucket",
        ] {
            assert_eq!(classify(odd), ResourceKind::Other, "{odd:?}");
        }
    }

    #[test]
    fn resource_types_follow_the_tagging_api() {
        assert_eq!(
            resource_type("arn:aws:ecs:us-east-1:1:cluster/x"),
            "ecs:cluster"
        );
        assert_eq!(resource_type("arn:aws:rds:us-east-1:1:db:x"), "rds:db");
        assert_eq!(resource_type("arn:aws:sns:us-east-1:1:t"), "sns");
        assert_eq!(
            resource_type("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/b"),
            "elasticloadbalancing:targetgroup"
        );
        assert_eq!(resource_type("garbage"), "");
        let r = TaggedResource::new(
            "arn:aws:rds:us-east-1:1:db:x",
            vec![("Project".into(), "shop".into())],
        );
        assert_eq!(r.tag("Project"), Some("shop"));
        assert_eq!(r.tag("project"), None);
        assert_eq!(r.kind(), ResourceKind::DbInstance("x".into()));
    }
}
