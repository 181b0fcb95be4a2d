//! Per config key, the candidates found and where from (`--set`, tags, the service's own
//! settings, Terraform outputs), and the rule that decides among them: the first source
//! with a valid candidate wins (several candidates there are a choice for the operator),
//! later sources that disagree are mentioned, and a key nobody found gets the naming
//! convention's guess, written commented out. Pure: no I/O.

use crate::cloud::discovery::{ResourceKind, classify};
use crate::config::Environment;
use crate::config::values::{
    LoadBalancer, ResourceName, SecretRef, SecurityGroupId, TargetGroup, TopicArn,
};

/// A resource key of `[environments.NAME]` that `init` looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Cluster,
    Service,
    LoadBalancer,
    TargetGroup,
    DbInstance,
    CacheReplicationGroup,
    LogGroups,
    Secrets,
    AlertTopicArn,
    QuarantineSecurityGroup,
}

impl Key {
    /// Every key, in the order the file lists them.
    pub const ALL: [Key; 10] = [
        Key::Cluster,
        Key::Service,
        Key::LoadBalancer,
        Key::TargetGroup,
        Key::DbInstance,
        Key::CacheReplicationGroup,
        Key::LogGroups,
        Key::Secrets,
        Key::AlertTopicArn,
        Key::QuarantineSecurityGroup,
    ];

    /// The config key.
    pub fn name(self) -> &'static str {
        match self {
            Key::Cluster => "cluster",
            Key::Service => "service",
            Key::LoadBalancer => "load_balancer",
            Key::TargetGroup => "target_group",
            Key::DbInstance => "db_instance",
            Key::CacheReplicationGroup => "cache_replication_group",
            Key::LogGroups => "log_groups",
            Key::Secrets => "secrets",
            Key::AlertTopicArn => "alert_topic_arn",
            Key::QuarantineSecurityGroup => "quarantine_security_group",
        }
    }

    /// The key called `name` in the config.
    pub fn from_name(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.name() == name)
    }

    /// What the key names, for messages ("2 ECS clusters").
    pub fn what(self) -> &'static str {
        match self {
            Key::Cluster => "ECS clusters",
            Key::Service => "ECS services",
            Key::LoadBalancer => "load balancers",
            Key::TargetGroup => "target groups",
            Key::DbInstance => "RDS instances",
            Key::CacheReplicationGroup => "ElastiCache replication groups",
            Key::LogGroups => "log groups",
            Key::Secrets => "secrets",
            Key::AlertTopicArn => "SNS topics",
            Key::QuarantineSecurityGroup => "quarantine security groups",
        }
    }

    /// True for the keys that hold a list (every candidate is kept).
    pub fn is_list(self) -> bool {
        matches!(self, Key::LogGroups | Key::Secrets)
    }

    /// What opsdeck uses when the key is absent — the naming convention of
    /// [`Environment::with_defaults`] (and the ALB name the dashboard looks up) — or
    /// `None` when the key has no default.
    pub fn convention(self, project: &str, env: &str) -> Option<Vec<String>> {
        let d = Environment::with_defaults(project, env);
        match self {
            Key::Cluster => Some(vec![d.cluster]),
            Key::Service => Some(vec![d.service]),
            Key::LoadBalancer => Some(vec![format!("{project}-{env}-alb")]),
            Key::DbInstance => Some(vec![d.db_instance]),
            Key::CacheReplicationGroup => Some(vec![d.cache_replication_group]),
            Key::LogGroups => Some(d.log_groups),
            Key::Secrets => Some(d.secrets),
            Key::TargetGroup | Key::AlertTopicArn | Key::QuarantineSecurityGroup => None,
        }
    }

    /// `value` in the form the config holds: an ARN of the key's own kind becomes the
    /// name the key wants (cluster, service, instance, group or log group name; a secret
    /// ARN without a JSON key); anything else is returned unchanged.
    pub fn normalize(self, value: &str) -> String {
        let value = value.trim();
        if !value.starts_with("arn:") {
            return value.to_string();
        }
        let kind = classify(value);
        let named = match (self, kind) {
            (Key::Cluster, ResourceKind::EcsCluster(n))
            | (Key::Service, ResourceKind::EcsService { name: n, .. })
            | (Key::DbInstance, ResourceKind::DbInstance(n))
            | (Key::CacheReplicationGroup, ResourceKind::CacheReplicationGroup(n))
            | (Key::LogGroups, ResourceKind::LogGroup(n))
            | (Key::Secrets, ResourceKind::Secret(n))
            | (Key::QuarantineSecurityGroup, ResourceKind::SecurityGroup(n)) => Some(n),
            _ => None,
        };
        named.unwrap_or_else(|| value.to_string())
    }

    /// Whether the config accepts `value` for this key (the loader's own checks), or why not.
    pub fn check(self, value: &str) -> Result<(), String> {
        let v = value.to_string();
        match self {
            Key::Cluster
            | Key::Service
            | Key::DbInstance
            | Key::CacheReplicationGroup
            | Key::LogGroups => ResourceName::try_from(v).map(drop),
            Key::LoadBalancer => LoadBalancer::try_from(v).map(drop),
            Key::TargetGroup => TargetGroup::try_from(v).map(drop),
            Key::Secrets => SecretRef::try_from(v).map(drop),
            Key::AlertTopicArn => TopicArn::try_from(v).map(drop),
            Key::QuarantineSecurityGroup => SecurityGroupId::try_from(v).map(drop),
        }
    }
}

/// Where a candidate was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `--set ENV.KEY=VALUE`.
    Set,
    /// `tag:GetResources`; the text says which tags (`tag Project=shop Environment=prod`).
    Tags(String),
    /// The chosen ECS service's own settings (`task definition shop-web:3 of service web`).
    Service(String),
    /// A Terraform output: its name and the file or directory it came from.
    Terraform { output: String, from: String },
}

impl Source {
    /// For the file's comments and the report.
    pub fn describe(&self) -> String {
        match self {
            Source::Set => "--set".to_string(),
            Source::Tags(t) => t.clone(),
            Source::Service(s) => s.clone(),
            Source::Terraform { output, from } => format!("terraform output {output} ({from})"),
        }
    }

    /// One word for the kind of source: tags, service, terraform, --set.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Set => "--set",
            Source::Tags(_) => "tags",
            Source::Service(_) => "service",
            Source::Terraform { .. } => "terraform",
        }
    }
}

/// One value found for a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub value: String,
    pub source: Source,
}

impl Candidate {
    pub fn new(value: impl Into<String>, source: Source) -> Candidate {
        Candidate {
            value: value.into(),
            source,
        }
    }
}

/// What was decided for one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Found: the value (several for a list key) and where.
    Found { values: Vec<String>, source: Source },
    /// Not found: the naming convention's guess, if the key has one.
    NotFound { guess: Option<Vec<String>> },
}

/// One key of one environment, decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub key: Key,
    pub outcome: Outcome,
    /// Other sources that disagreed, candidates the config would reject.
    pub notes: Vec<String>,
}

impl Finding {
    pub fn is_found(&self) -> bool {
        matches!(self.outcome, Outcome::Found { .. })
    }

    /// The single value found (the first, for a list key).
    pub fn value(&self) -> Option<&str> {
        match &self.outcome {
            Outcome::Found { values, .. } => values.first().map(String::as_str),
            Outcome::NotFound { .. } => None,
        }
    }
}

/// Normalized, valid, de-duplicated candidates of one source tier; rejects become notes.
fn usable(key: Key, tier: &[Candidate], notes: &mut Vec<String>) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    for c in tier {
        let value = key.normalize(&c.value);
        match key.check(&value) {
            Ok(()) if !out.iter().any(|o| o.value == value) => {
                out.push(Candidate::new(value, c.source.clone()));
            }
            Ok(()) => {}
            Err(why) => notes.push(format!("ignored from {}: {why}", c.source.describe())),
        }
    }
    out
}

/// Decide `key` from tiers of candidates, best source first. Several candidates in the
/// winning tier of a single-valued key are handed to `pick`, which returns the index of
/// the one to use (or an error, e.g. when there is no terminal to ask on).
pub fn decide<E>(
    key: Key,
    tiers: &[Vec<Candidate>],
    guess: Option<Vec<String>>,
    pick: impl FnOnce(&[Candidate]) -> Result<usize, E>,
) -> Result<Finding, E> {
    let mut notes = Vec::new();
    let tiers: Vec<Vec<Candidate>> = tiers.iter().map(|t| usable(key, t, &mut notes)).collect();
    let Some(winner) = tiers.iter().position(|t| !t.is_empty()) else {
        return Ok(Finding {
            key,
            outcome: Outcome::NotFound { guess },
            notes,
        });
    };
    let chosen: Vec<Candidate> = if key.is_list() || tiers[winner].len() == 1 {
        tiers[winner].clone()
    } else {
        let i = pick(&tiers[winner])?;
        tiers[winner].get(i).cloned().into_iter().collect()
    };
    let values: Vec<String> = chosen.iter().map(|c| c.value.clone()).collect();
    let source = chosen
        .first()
        .map_or(Source::Set, |c: &Candidate| c.source.clone());
    // Later sources that say something else are worth a word: the file says which won.
    for tier in &tiers[winner + 1..] {
        let mut by_source: Vec<(&Source, Vec<&str>)> = Vec::new();
        for c in tier {
            match by_source.iter_mut().find(|(s, _)| *s == &c.source) {
                Some((_, v)) => v.push(&c.value),
                None => by_source.push((&c.source, vec![&c.value])),
            }
        }
        for (s, v) in by_source {
            let differs = if key.is_list() {
                let mut a: Vec<&str> = values.iter().map(String::as_str).collect();
                let mut b = v.clone();
                a.sort_unstable();
                b.sort_unstable();
                a != b
            } else {
                !v.contains(&values[0].as_str())
            };
            if differs {
                notes.push(format!("{} says {}", s.describe(), v.join(", ")));
            }
        }
    }
    Ok(Finding {
        key,
        outcome: Outcome::Found { values, source },
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(v: &str) -> Candidate {
        Candidate::new(v, Source::Tags("tag Project=shop Environment=prod".into()))
    }

    fn tf(v: &str) -> Candidate {
        Candidate::new(
            v,
            Source::Terraform {
                output: "ecs_cluster_name".into(),
                from: "out.json".into(),
            },
        )
    }

    fn no_pick(_: &[Candidate]) -> Result<usize, String> {
        Err("asked".into())
    }

    #[test]
    fn the_first_source_with_a_value_wins_and_disagreement_is_noted() {
        let f = decide(
            Key::Cluster,
            &[
                vec![],
                vec![tags("shop-prod-main")],
                vec![tf("shop-prod-old")],
            ],
            Key::Cluster.convention("shop", "prod"),
            no_pick,
        )
        .unwrap();
        assert_eq!(f.value(), Some("shop-prod-main"));
        assert!(matches!(
            f.outcome,
            Outcome::Found {
                source: Source::Tags(_),
                ..
            }
        ));
        assert_eq!(
            f.notes,
            vec!["terraform output ecs_cluster_name (out.json) says shop-prod-old"]
        );
        let agree = decide(
            Key::Cluster,
            &[
                vec![tags("a")],
                vec![tf("arn:aws:ecs:us-east-1:123456789012:cluster/a")],
            ],
            None,
            no_pick,
        )
        .unwrap();
        assert!(agree.notes.is_empty(), "{:?}", agree.notes);
    }

    #[test]
    fn several_candidates_are_picked_and_a_refusal_is_the_error() {
        let tier = vec![tags("a"), tags("b"), tags("a")];
        let f = decide(Key::Cluster, std::slice::from_ref(&tier), None, |c| {
            assert_eq!(c.len(), 2, "duplicates merged");
            Ok::<_, String>(1)
        })
        .unwrap();
        assert_eq!(f.value(), Some("b"));
        assert_eq!(
            decide(Key::Cluster, &[tier], None, no_pick).unwrap_err(),
            "asked"
        );
    }

    #[test]
    fn list_keys_keep_every_value() {
        let f = decide(
            Key::LogGroups,
            &[
                vec![tags("/ecs/prod/web"), tags("/ecs/prod/worker")],
                vec![tf("/ecs/prod/worker"), tf("/ecs/prod/web")],
            ],
            None,
            no_pick,
        )
        .unwrap();
        assert_eq!(
            f.outcome,
            Outcome::Found {
                values: vec!["/ecs/prod/web".into(), "/ecs/prod/worker".into()],
                source: tags("").source
            }
        );
        assert!(f.notes.is_empty(), "same set in another order");
    }

    #[test]
    fn nothing_found_keeps_the_guess_and_invalid_values_are_noted() {
        let f = decide(
            Key::QuarantineSecurityGroup,
            &[vec![tf("not-a-group")]],
            None,
            no_pick,
        )
        .unwrap();
        assert_eq!(f.outcome, Outcome::NotFound { guess: None });
        assert!(f.notes[0].contains("expected sg-"), "{:?}", f.notes);
        let f = decide(
            Key::Cluster,
            &[],
            Key::Cluster.convention("shop", "prod"),
            no_pick,
        )
        .unwrap();
        assert_eq!(
            f.outcome,
            Outcome::NotFound {
                guess: Some(vec!["shop-prod-ecs-cluster".into()])
            }
        );
    }

    #[test]
    fn arns_become_the_names_the_config_holds() {
        let acct = "us-east-1:123456789012";
        assert_eq!(
            Key::Cluster.normalize(&format!("arn:aws:ecs:{acct}:cluster/c")),
            "c"
        );
        assert_eq!(
            Key::Service.normalize(&format!("arn:aws:ecs:{acct}:service/c/s")),
            "s"
        );
        assert_eq!(
            Key::DbInstance.normalize(&format!("arn:aws:rds:{acct}:db:d")),
            "d"
        );
        assert_eq!(
            Key::Secrets.normalize(&format!(
                "arn:aws:secretsmanager:{acct}:secret:x-AbCdEf:k::"
            )),
            format!("arn:aws:secretsmanager:{acct}:secret:x-AbCdEf")
        );
        let tg = format!("arn:aws:elasticloadbalancing:{acct}:targetgroup/t/1");
        assert_eq!(Key::TargetGroup.normalize(&tg), tg);
        assert_eq!(Key::Cluster.normalize(" plain "), "plain");
        assert!(Key::Cluster.check("has space").is_err());
        assert!(Key::AlertTopicArn.check("topic-name").is_err());
    }

    #[test]
    fn conventions_are_the_loader_defaults() {
        let d = Environment::with_defaults("shop", "prod");
        assert_eq!(
            Key::DbInstance.convention("shop", "prod"),
            Some(vec![d.db_instance])
        );
        assert_eq!(
            Key::Secrets.convention("shop", "prod"),
            Some(crate::config::default_secrets("prod"))
        );
        assert_eq!(Key::TargetGroup.convention("shop", "prod"), None);
        for k in Key::ALL {
            assert_eq!(Key::from_name(k.name()), Some(k));
        }
    }
}
