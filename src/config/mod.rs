//! The config file: where it is found, what it holds, and the defaults that fill it in.
//!
//! Keys are a public contract (see README). Every resource key is optional and
//! defaults from the seed's naming convention (Appendix A) and its log-group and
//! secret conventions (§3.3, §5.5).

pub mod aws_profiles;
pub mod error;
pub mod example;
pub mod shapes;
pub mod thresholds;
pub mod values;

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;

pub use error::FileError;
use thresholds::ThresholdOverrides;
pub use thresholds::Thresholds;
use toml::Spanned;
use values::{
    EndpointUrl, LoadBalancer, MfaArn, Region, ResourceName, RoleArn, SecretRef, SecurityGroupId,
    TargetGroup, TopicArn, Usd,
};

use crate::text::quote;

/// The default project name (seed Appendix A).
pub const DEFAULT_PROJECT: &str = "cloudplatform";
/// Environments the fleet view reads at once unless `fleet_concurrency` says.
pub const DEFAULT_FLEET_CONCURRENCY: usize = 8;
/// The most `fleet_concurrency` (and `opsdeck fleet --concurrency`) allows.
pub const MAX_FLEET_CONCURRENCY: usize = 64;
/// The environments opsdeck knows without a config file, in display order.
pub const DEFAULT_ENVIRONMENTS: [&str; 3] = ["dev", "staging", "prod"];

/// The file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    project: Option<ResourceName>,
    default_environment: Option<Spanned<String>>,
    refresh_seconds: Option<Spanned<u64>>,
    fleet_concurrency: Option<Spanned<u64>>,
    theme: Option<Spanned<String>>,
    #[serde(default)]
    environments: IndexMap<Spanned<String>, EnvFile>,
    #[serde(default)]
    thresholds: ThresholdOverrides,
}

/// One `[environments.NAME]` table as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvFile {
    region: Option<Region>,
    profile: Option<String>,
    endpoint_url: Option<EndpointUrl>,
    protected: Option<bool>,
    account_id: Option<String>,
    cluster: Option<ResourceName>,
    service: Option<ResourceName>,
    load_balancer: Option<LoadBalancer>,
    target_group: Option<TargetGroup>,
    db_instance: Option<ResourceName>,
    cache_replication_group: Option<ResourceName>,
    log_groups: Option<Vec<ResourceName>>,
    secrets: Option<Vec<SecretRef>>,
    alert_topic_arn: Option<TopicArn>,
    quarantine_security_group: Option<SecurityGroupId>,
    break_glass_role_arn: Option<RoleArn>,
    mfa_serial: Option<MfaArn>,
    monthly_budget_usd: Option<Usd>,
    min_tasks: Option<u32>,
    cost_cache_hours: Option<values::CacheHours>,
    cost_filter: Option<CostFilterKind>,
    findings_region: Option<Region>,
    findings_profile: Option<String>,
    monitoring_account: Option<String>,
    monitoring_profile: Option<String>,
}

/// One environment with every default filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    pub name: String,
    pub region: String,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    /// Writes need the environment name typed to confirm.
    pub protected: bool,
    /// Why it is (or is not) protected: the config said so, or its name (`prod*`,
    /// `production`) — the header says which.
    pub protected_by_config: bool,
    /// Expected account id, when the config pins one.
    pub account_id: Option<String>,
    pub cluster: String,
    pub service: String,
    pub load_balancer: Option<String>,
    pub target_group: Option<String>,
    pub db_instance: String,
    pub cache_replication_group: String,
    pub log_groups: Vec<String>,
    pub secrets: Vec<String>,
    pub alert_topic_arn: Option<String>,
    pub quarantine_security_group: Option<String>,
    pub break_glass_role_arn: Option<String>,
    pub mfa_serial: Option<String>,
    pub monthly_budget_usd: Option<f64>,
    /// Fewest running tasks allowed (seed: prod ≥ 3).
    pub min_tasks: u32,
    /// How long Cost Explorer answers are reused from the disk cache, in seconds (default 6 h).
    pub cost_cache_seconds: i64,
    /// How Cost Explorer picks this environment's costs (default: the `Environment` tag).
    pub cost_filter: CostFilterKind,
    /// Security Hub's aggregation region: findings of every linked region (and, from a
    /// delegated administrator, of every member account) are read there.
    pub findings_region: Option<String>,
    /// The profile Security Hub is read (and triaged) with: a delegated administrator.
    pub findings_profile: Option<String>,
    /// A CloudWatch monitoring account (cross-account observability): the dashboard's
    /// metrics are read there, each query naming this environment's `account_id`.
    pub monitoring_account: Option<String>,
    /// The profile of the monitoring account (default: the environment's own).
    pub monitoring_profile: Option<String>,
}

/// `cost_filter = "tag" | "account"`: the seed's `Environment` cost-allocation tag (shared
/// accounts) or the environment's linked account (`account_id`, else the caller's account).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CostFilterKind {
    #[default]
    Tag,
    Account,
}

impl Environment {
    /// An environment with only the seed's defaults.
    pub fn with_defaults(project: &str, name: &str) -> Environment {
        Environment::resolve(project, name, &EnvFile::default())
    }

    fn resolve(project: &str, name: &str, f: &EnvFile) -> Environment {
        let named = |o: &Option<ResourceName>, suffix: &str| {
            o.as_ref()
                .map_or_else(|| format!("{project}-{name}-{suffix}"), |r| r.0.clone())
        };
        let log_groups = f.log_groups.as_ref().map_or_else(
            || vec![format!("/ecs/{name}/fastapi")],
            |v| v.iter().map(|r| r.0.clone()).collect(),
        );
        let secrets = f.secrets.as_ref().map_or_else(
            || default_secrets(name),
            |v| v.iter().map(|r| r.0.clone()).collect(),
        );
        Environment {
            name: name.to_string(),
            region: f
                .region
                .as_ref()
                .map_or_else(|| "us-east-1".to_string(), |r| r.0.clone()),
            profile: f.profile.clone(),
            endpoint_url: f.endpoint_url.as_ref().map(|e| e.0.clone()),
            protected: f.protected.unwrap_or_else(|| protected_by_name(name)),
            protected_by_config: f.protected.is_some(),
            account_id: f.account_id.clone(),
            cluster: named(&f.cluster, "ecs-cluster"),
            service: named(&f.service, "ecs-service"),
            load_balancer: f.load_balancer.as_ref().map(|r| r.0.clone()),
            target_group: f.target_group.as_ref().map(|r| r.0.clone()),
            db_instance: named(&f.db_instance, "rds-postgres"),
            cache_replication_group: named(&f.cache_replication_group, "redis"),
            log_groups,
            secrets,
            alert_topic_arn: f.alert_topic_arn.as_ref().map(|a| a.0.clone()),
            quarantine_security_group: f.quarantine_security_group.as_ref().map(|s| s.0.clone()),
            break_glass_role_arn: f.break_glass_role_arn.as_ref().map(|a| a.0.clone()),
            mfa_serial: f.mfa_serial.as_ref().map(|a| a.0.clone()),
            monthly_budget_usd: f
                .monthly_budget_usd
                .map(|u| u.0)
                .or_else(|| default_budget(name)),
            min_tasks: f.min_tasks.unwrap_or(if name == "prod" { 3 } else { 1 }),
            cost_cache_seconds: f
                .cost_cache_hours
                .map_or(crate::cost_cache::DEFAULT_TTL_SECONDS, |h| {
                    i64::from(h.0) * 3600
                }),
            cost_filter: f.cost_filter.unwrap_or_default(),
            findings_region: f.findings_region.as_ref().map(|r| r.0.clone()),
            findings_profile: f.findings_profile.clone(),
            monitoring_account: f.monitoring_account.clone(),
            monitoring_profile: f.monitoring_profile.clone(),
        }
    }
}

/// Environments protected unless the config says otherwise: `prod*` and `production`
/// (any case).
pub fn protected_by_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("prod") || n == "production"
}

/// The seed's secret hierarchy (§5.5.1) for one environment.
pub fn default_secrets(env: &str) -> Vec<String> {
    [
        "database/credentials",
        "redis/auth-token",
        "app/jwt-secret",
        "app/external-api-keys",
        "monitoring/slack-webhook",
    ]
    .iter()
    .map(|s| format!("/{env}/{s}"))
    .collect()
}

/// The top of the seed's monthly cost range per environment (§11.1).
pub fn default_budget(env: &str) -> Option<f64> {
    match env {
        "dev" => Some(120.0),
        "staging" => Some(200.0),
        "prod" => Some(600.0),
        _ => None,
    }
}

/// The whole configuration, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub project: String,
    /// Environments in file order (or dev, staging, prod without a file).
    pub environments: Vec<Environment>,
    pub default_environment: String,
    pub refresh_seconds: u64,
    /// Environments the fleet view reads at once.
    pub fleet_concurrency: usize,
    pub theme: Option<String>,
    /// Line and column of the `theme` value in the file, for errors about it.
    pub theme_at: Option<(usize, usize)>,
    pub thresholds: Thresholds,
    /// The file this came from, if any.
    pub source: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            project: DEFAULT_PROJECT.to_string(),
            environments: DEFAULT_ENVIRONMENTS
                .iter()
                .map(|n| Environment::with_defaults(DEFAULT_PROJECT, n))
                .collect(),
            default_environment: "dev".to_string(),
            refresh_seconds: 60,
            fleet_concurrency: DEFAULT_FLEET_CONCURRENCY,
            theme: None,
            theme_at: None,
            thresholds: Thresholds::default(),
            source: None,
        }
    }
}

impl Config {
    /// Parse and validate config text; errors name `path`, line and column.
    pub fn parse(path: &Path, text: &str) -> Result<Config, FileError> {
        let file: ConfigFile =
            toml::from_str(text).map_err(|e| FileError::from_toml(path, text, &e))?;
        let at = |offset: usize, msg: String| FileError::at_offset(path, text, offset, msg);
        let project = file
            .project
            .as_ref()
            .map_or_else(|| DEFAULT_PROJECT.to_string(), |p| p.0.clone());
        let names: Vec<&Spanned<String>> = file.environments.keys().collect();
        for (i, spanned) in names.iter().enumerate() {
            let name = spanned.get_ref();
            if let Some(first) = names[..i]
                .iter()
                .find(|n| n.get_ref().eq_ignore_ascii_case(name))
            {
                let (line, column) = error::line_column(text, first.span().start);
                return Err(at(
                    spanned.span().start,
                    format!(
                        "environment {} differs only in case from {} at line {line}, column {column}",
                        quote(name),
                        quote(first.get_ref())
                    ),
                ));
            }
        }
        for spanned in &names {
            let name = spanned.get_ref();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                return Err(at(
                    spanned.span().start,
                    format!(
                        "invalid environment name {}: use lowercase letters, digits and '-'",
                        quote(name)
                    ),
                ));
            }
        }
        let environments: Vec<Environment> = if file.environments.is_empty() {
            Config::default().environments
        } else {
            file.environments
                .iter()
                .map(|(name, f)| Environment::resolve(&project, name.get_ref(), f))
                .collect()
        };
        let default_environment = match &file.default_environment {
            Some(d) if environments.iter().any(|e| &e.name == d.get_ref()) => d.get_ref().clone(),
            Some(d) => {
                return Err(at(
                    d.span().start,
                    format!(
                        "default_environment {} is not one of the environments",
                        quote(d.get_ref())
                    ),
                ));
            }
            None => environments
                .iter()
                .find(|e| e.name == "dev")
                .unwrap_or(&environments[0])
                .name
                .clone(),
        };
        let refresh_seconds = file.refresh_seconds.as_ref().map_or(60, |r| *r.get_ref());
        if !(5..=3600).contains(&refresh_seconds) {
            let offset = file.refresh_seconds.as_ref().map_or(0, |r| r.span().start);
            return Err(at(
                offset,
                format!("refresh_seconds {refresh_seconds} out of range 5..=3600"),
            ));
        }
        let fleet_concurrency = file
            .fleet_concurrency
            .as_ref()
            .map_or(DEFAULT_FLEET_CONCURRENCY as u64, |r| *r.get_ref());
        if !(1..=MAX_FLEET_CONCURRENCY as u64).contains(&fleet_concurrency) {
            let offset = file
                .fleet_concurrency
                .as_ref()
                .map_or(0, |r| r.span().start);
            return Err(at(
                offset,
                format!(
                    "fleet_concurrency {fleet_concurrency} out of range 1..={MAX_FLEET_CONCURRENCY}"
                ),
            ));
        }
        Ok(Config {
            project,
            environments,
            default_environment,
            refresh_seconds,
            fleet_concurrency: fleet_concurrency as usize,
            theme: file.theme.as_ref().map(|t| t.get_ref().clone()),
            theme_at: file
                .theme
                .as_ref()
                .map(|t| error::line_column(text, t.span().start)),
            thresholds: file.thresholds.resolve(),
            source: Some(path.to_path_buf()),
        })
    }

    /// Check the `theme` value with `load` (which loads a theme by name or path, as the
    /// console will): its error is reported at the value, naming the theme file's error.
    pub fn check_theme(
        &self,
        load: impl FnOnce(&str) -> Result<(), FileError>,
    ) -> Result<(), FileError> {
        let Some(theme) = &self.theme else {
            return Ok(());
        };
        load(theme).map_err(|e| {
            let (line, column) = self.theme_at.unwrap_or((1, 1));
            // A whole-file error (unknown name, unreadable) says it all; a located one
            // names the theme file's line and column too.
            let reason = if e.line == 0 {
                e.message.clone()
            } else {
                e.to_string()
            };
            FileError {
                path: self
                    .source
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("config")),
                line,
                column,
                message: crate::text::clip_message(&format!("theme {}: {reason}", quote(theme))),
            }
        })
    }

    /// Read and parse a config file.
    pub fn load_file(path: &Path) -> Result<Config, FileError> {
        let text = FileError::read_text(path, "config")?;
        Config::parse(path, &text)
    }

    /// Find the config: `--config`, else `$OPSDECK_CONFIG`, else the XDG config dir.
    /// A named file must exist; the XDG default may be absent (built-in defaults apply).
    pub fn discover(explicit: Option<&Path>) -> Result<Config, FileError> {
        if let Some(p) = explicit {
            return Config::load_file(p);
        }
        if let Some(p) = std::env::var_os("OPSDECK_CONFIG").filter(|v| !v.is_empty()) {
            return Config::load_file(Path::new(&p));
        }
        match default_config_path() {
            Some(p) if p.exists() => Config::load_file(&p),
            _ => Ok(Config::default()),
        }
    }

    /// The environment called `name`.
    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name == name)
    }

    /// Names of all environments, in order.
    pub fn environment_names(&self) -> Vec<String> {
        self.environments.iter().map(|e| e.name.clone()).collect()
    }
}

/// `$XDG_CONFIG_HOME/opsdeck/config.toml` (or the platform equivalent).
pub fn default_config_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("opsdeck").join("config.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, FileError> {
        Config::parse(Path::new("t.toml"), text)
    }

    #[test]
    fn empty_file_gives_three_default_environments() {
        let c = parse("").unwrap();
        assert_eq!(c.environment_names(), vec!["dev", "staging", "prod"]);
        let prod = c.environment("prod").unwrap();
        assert!(prod.protected);
        assert_eq!(prod.cluster, "cloudplatform-prod-ecs-cluster");
        assert_eq!(prod.log_groups, vec!["/ecs/prod/fastapi"]);
        assert_eq!(prod.secrets[0], "/prod/database/credentials");
        assert_eq!(prod.monthly_budget_usd, Some(600.0));
        assert_eq!(prod.min_tasks, 3);
        assert!(!c.environment("dev").unwrap().protected);
    }

    #[test]
    fn fleet_concurrency_defaults_to_8_and_stays_in_range() {
        assert_eq!(parse("").unwrap().fleet_concurrency, 8);
        assert_eq!(parse("fleet_concurrency = 3").unwrap().fleet_concurrency, 3);
        let e = parse("\nfleet_concurrency = 0").unwrap_err();
        assert_eq!((e.line, e.column), (2, 21), "{e}");
        assert!(e.to_string().contains("out of range 1..=64"), "{e}");
        assert!(parse("fleet_concurrency = 65").is_err());
    }

    #[test]
    fn project_changes_default_names() {
        let c = parse("project = \"shop\"\n[environments.qa]\n").unwrap();
        let qa = c.environment("qa").unwrap();
        assert_eq!(qa.service, "shop-qa-ecs-service");
        assert_eq!(qa.db_instance, "shop-qa-rds-postgres");
        assert_eq!(c.default_environment, "qa");
    }

    #[test]
    fn unknown_key_names_line_and_column() {
        let e = parse("[environments.prod]\nregion = \"us-east-1\"\nclustr = \"x\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1), "{e}");
        assert!(e.message.contains("clustr"), "{e}");
    }

    #[test]
    fn bad_value_points_at_the_value() {
        let e = parse("[environments.prod]\nregion = \"nowhere\"\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("invalid region"), "{e}");
    }

    #[test]
    fn wrong_type_is_reported() {
        let e = parse("[environments.prod]\nprotected = \"yes\"\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }

    #[test]
    fn thresholds_override_defaults() {
        let c = parse("[thresholds]\nrds_free_storage_gb = 10\n").unwrap();
        assert_eq!(c.thresholds.rds_free_storage_gb, 10.0);
        assert_eq!(c.thresholds.alb_p99_latency_seconds, 2.0);
    }

    #[test]
    fn cost_filter_is_tag_or_account() {
        let c =
            parse("[environments.prod]\ncost_filter = \"account\"\n[environments.dev]\n").unwrap();
        assert_eq!(
            c.environment("prod").unwrap().cost_filter,
            CostFilterKind::Account
        );
        assert_eq!(
            c.environment("dev").unwrap().cost_filter,
            CostFilterKind::Tag
        );
        let e = parse("[environments.prod]\ncost_filter = \"owner\"\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("owner"), "{e}");
    }

    #[test]
    fn prod_like_names_are_protected_by_default() {
        let c = parse("[environments.prod-eu]\n[environments.production]\n[environments.preprod]\n[environments.product-dev]\nprotected = false\n").unwrap();
        assert!(c.environment("prod-eu").unwrap().protected);
        assert!(c.environment("production").unwrap().protected);
        assert!(!c.environment("preprod").unwrap().protected);
        assert!(!c.environment("prod-eu").unwrap().protected_by_config);
        assert!(c.environment("product-dev").unwrap().protected_by_config);
        assert!(
            !c.environment("product-dev").unwrap().protected,
            "the config says so"
        );
    }

    #[test]
    fn environments_differing_only_in_case_name_both() {
        let e = parse("[environments.prod]\n[environments.Prod]\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 15), "{e}");
        assert!(
            e.message
                .contains("\"Prod\" differs only in case from \"prod\" at line 1"),
            "{e}"
        );
    }

    #[test]
    fn quoted_values_are_escaped_and_clipped() {
        let long = format!("[environments.prod]\nregion = \"{}\"\n", "x".repeat(5000));
        let e = parse(&long).unwrap_err();
        assert!(e.message.len() < 400, "{e}");
        assert!(
            e.message.contains(&format!("\"{}…\"", "x".repeat(200))),
            "{e}"
        );
        let e = parse("[environments.prod]\nregion = \"\\u001b[2J\"\n").unwrap_err();
        assert!(e.message.contains("\\u{1b}[2J"), "{e}");
        assert!(!e.to_string().chars().any(char::is_control), "{e:?}");
        let e = parse("\"\\u001b[31mkey\" = 1\n").unwrap_err();
        assert!(!e.to_string().chars().any(char::is_control), "{e:?}");
    }

    #[test]
    fn theme_errors_point_at_the_theme_value() {
        let c = parse("project = \"p\"\ntheme = \"nope\"\n").unwrap();
        let e = c
            .check_theme(|name| Err(FileError::whole(Path::new(name), "unknown theme")))
            .unwrap_err();
        assert_eq!(e.to_string(), "t.toml:2:9: theme \"nope\": unknown theme");
        let e = c
            .check_theme(|_| Err(FileError::at_offset(Path::new("x.toml"), "a", 0, "bad")))
            .unwrap_err();
        assert!(e.message.ends_with("x.toml:1:1: bad"), "{e}");
        assert!(c.check_theme(|_| Ok(())).is_ok());
    }

    #[test]
    fn a_file_that_is_not_utf8_is_an_error_at_line_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.toml");
        std::fs::write(&path, b"project = \"p\"\nx = \"\xc3\x28\"\n").expect("write");
        let e = Config::load_file(&path).unwrap_err();
        assert_eq!((e.line, e.column), (1, 1), "{e}");
        assert!(
            e.message.contains("not UTF-8") && e.message.contains("line 2, column 6"),
            "{e}"
        );
    }

    #[test]
    fn the_example_is_valid() {
        let c = parse(example::EXAMPLE).unwrap();
        assert_eq!(c.environment_names(), vec!["dev", "staging", "prod"]);
    }
}
