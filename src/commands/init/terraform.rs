//! Terraform outputs as candidates: reads `terraform output -json` (run in `--terraform
//! DIR`, or saved in `--terraform-outputs FILE`), `{"NAME": {"value": …, "type": …,
//! "sensitive": bool}}`, and maps well-known output names to config keys.
//!
//! What is accepted, per environment `ENV` (`-` in it may be `_` in output names):
//! - a path with `{env}` in it is read once per environment: every output applies to
//!   that environment (one state or file per environment);
//! - an output named `ENV_NAME` or `NAME_ENV` (`prod_ecs_cluster_name`) applies to `ENV`;
//! - an output whose value is an object keyed by environment
//!   (`ecs_cluster_name = {staging = "…", prod = "…"}`) gives `ENV` its entry;
//! - a plain `NAME` with a plain value applies when only one environment is initialised.
//!
//! `NAME` is one of the well-known names in [`WELL_KNOWN`]. Sensitive outputs are never
//! read (nothing secret goes into the config). Values are strings, or lists of strings
//! for `log_groups` and `secrets`. Anything else is ignored with a note.

use std::path::Path;
use std::process::{Command, Stdio};

use indexmap::IndexMap;
use serde_json::Value;

use super::candidates::{Candidate, Key, Source};

/// Output names Terraform modules commonly use, and the key each fills.
pub const WELL_KNOWN: &[(&str, Key)] = &[
    ("ecs_cluster_name", Key::Cluster),
    ("ecs_cluster_arn", Key::Cluster),
    ("cluster_name", Key::Cluster),
    ("ecs_service_name", Key::Service),
    ("ecs_service_arn", Key::Service),
    ("service_name", Key::Service),
    ("alb_arn", Key::LoadBalancer),
    ("load_balancer_arn", Key::LoadBalancer),
    ("lb_arn", Key::LoadBalancer),
    ("target_group_arn", Key::TargetGroup),
    ("alb_target_group_arn", Key::TargetGroup),
    ("tg_arn", Key::TargetGroup),
    ("db_instance_identifier", Key::DbInstance),
    ("db_instance_id", Key::DbInstance),
    ("rds_instance_id", Key::DbInstance),
    ("rds_instance_identifier", Key::DbInstance),
    ("redis_replication_group_id", Key::CacheReplicationGroup),
    (
        "elasticache_replication_group_id",
        Key::CacheReplicationGroup,
    ),
    ("replication_group_id", Key::CacheReplicationGroup),
    ("log_group_name", Key::LogGroups),
    ("log_group_names", Key::LogGroups),
    ("log_groups", Key::LogGroups),
    ("secret_arn", Key::Secrets),
    ("secret_arns", Key::Secrets),
    ("secrets", Key::Secrets),
    ("alert_topic_arn", Key::AlertTopicArn),
    ("sns_topic_arn", Key::AlertTopicArn),
    ("alerts_topic_arn", Key::AlertTopicArn),
    ("quarantine_security_group_id", Key::QuarantineSecurityGroup),
    ("quarantine_sg_id", Key::QuarantineSecurityGroup),
];

/// Output names that give the project (the `Project` tag value).
pub const PROJECT_NAMES: &[&str] = &["project", "project_name"];

/// One output as `terraform output -json` prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub value: Value,
    pub sensitive: bool,
}

/// Every output of one state, with where they came from (for messages and comments).
#[derive(Debug, Clone, PartialEq)]
pub struct Outputs {
    /// The file, or `terraform output in DIR`.
    pub from: String,
    pub outputs: IndexMap<String, Output>,
    /// True when the path named one environment (`{env}`): every output is that
    /// environment's.
    pub per_environment: bool,
}

/// Parse `terraform output -json` text; errors name `from`.
pub fn parse(from: &str, text: &str) -> Result<Outputs, String> {
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| format!("{from}: not terraform output -json: {e}"))?;
    let Value::Object(map) = doc else {
        return Err(format!(
            "{from}: not terraform output -json: expected an object of outputs"
        ));
    };
    let mut outputs = IndexMap::new();
    for (name, entry) in map {
        let Value::Object(entry) = entry else {
            return Err(format!(
                "{from}: output {}: expected {{\"value\": …, \"type\": …}}",
                crate::text::quote(&name)
            ));
        };
        let Some(value) = entry.get("value") else {
            return Err(format!(
                "{from}: output {}: no \"value\"",
                crate::text::quote(&name)
            ));
        };
        outputs.insert(
            name,
            Output {
                value: value.clone(),
                sensitive: entry
                    .get("sensitive")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            },
        );
    }
    Ok(Outputs {
        from: from.to_string(),
        outputs,
        per_environment: false,
    })
}

/// `path` with `{env}` replaced by `env`, and whether it had one.
pub fn for_env(path: &Path, env: &str) -> (std::path::PathBuf, bool) {
    let text = path.to_string_lossy();
    if text.contains("{env}") {
        (text.replace("{env}", env).into(), true)
    } else {
        (path.to_path_buf(), false)
    }
}

/// Read saved `terraform output -json` from `file`.
pub fn read_file(file: &Path) -> Result<Outputs, String> {
    let from = file.display().to_string();
    let text = std::fs::read_to_string(file).map_err(|e| format!("{from}: cannot read: {e}"))?;
    parse(&from, &text)
}

/// Run `terraform output -json` in `dir`.
pub fn run_in(dir: &Path) -> Result<Outputs, String> {
    let from = format!("terraform output in {}", dir.display());
    if !dir.is_dir() {
        return Err(format!("{}: not a directory", dir.display()));
    }
    let out = Command::new("terraform")
        .args(["output", "-json"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{from}: cannot run terraform: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{from}: terraform output -json failed ({}): {}",
            out.status,
            crate::text::one_line(String::from_utf8_lossy(&out.stderr).trim())
        ));
    }
    parse(&from, &String::from_utf8_lossy(&out.stdout))
}

/// The well-known name `output` stands for in `env`, if it is one: `NAME`, `ENV_NAME`
/// or `NAME_ENV`. The flag says whether the environment was in the name.
fn well_known(output: &str, env: &str) -> Option<(Key, bool)> {
    let env = env.replace('-', "_");
    let lookup = |n: &str| WELL_KNOWN.iter().find(|(w, _)| *w == n).map(|(_, k)| *k);
    if let Some(k) = lookup(output) {
        return Some((k, false));
    }
    let stripped = output
        .strip_prefix(&format!("{env}_"))
        .or_else(|| output.strip_suffix(&format!("_{env}")))?;
    lookup(stripped).map(|k| (k, true))
}

/// Strings in `value`: a string, or a list of strings (lists only for list keys).
fn strings(key: Key, value: &Value) -> Option<Vec<String>> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(vec![s.clone()]),
        Value::Array(items) if key.is_list() => items
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => None,
    }
}

/// The candidates `outputs` hold for environment `env`; `only_env` is true when `env` is
/// the only environment being initialised. Ignored outputs become notes.
pub fn candidates(
    outputs: &Outputs,
    env: &str,
    only_env: bool,
    notes: &mut Vec<String>,
) -> Vec<(Key, Candidate)> {
    let mut out = Vec::new();
    for (name, output) in &outputs.outputs {
        let Some((key, env_in_name)) = well_known(name, env) else {
            continue;
        };
        if output.sensitive {
            notes.push(format!(
                "terraform output {name} ({}) is sensitive: not read",
                outputs.from
            ));
            continue;
        }
        let value = match &output.value {
            Value::Object(per_env) if !env_in_name => match per_env.get(env) {
                Some(v) => v,
                None => continue,
            },
            v if env_in_name || outputs.per_environment || only_env => v,
            // A plain output of a shared state: whose environment is it?
            _ => continue,
        };
        match strings(key, value) {
            Some(values) => out.extend(values.into_iter().map(|v| {
                (
                    key,
                    Candidate::new(
                        v,
                        Source::Terraform {
                            output: name.clone(),
                            from: outputs.from.clone(),
                        },
                    ),
                )
            })),
            None => notes.push(format!(
                "terraform output {name} ({}): expected {} for {}",
                outputs.from,
                if key.is_list() {
                    "a string or a list of strings"
                } else {
                    "a string"
                },
                key.name()
            )),
        }
    }
    out
}

/// The project an output names (`project`, `project_name`), if any.
pub fn project(outputs: &Outputs) -> Option<String> {
    PROJECT_NAMES.iter().find_map(|n| {
        let o = outputs.outputs.get(*n)?;
        (!o.sensitive)
            .then(|| o.value.as_str().map(str::to_string))
            .flatten()
            .filter(|p| !p.is_empty() && !p.contains(char::is_whitespace))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"{
      "prod_ecs_cluster_name": {"value": "shop-prod-main", "type": "string", "sensitive": false},
      "ecs_service_name_prod": {"value": "web", "type": "string", "sensitive": false},
      "db_instance_identifier": {"value": {"staging": "shop-stg-db", "prod": "shop-prod-db"}, "type": ["object", {}], "sensitive": false},
      "log_group_names": {"value": {"prod": ["/ecs/prod/web", "/ecs/prod/worker"]}, "type": "dynamic"},
      "cluster_name": {"value": "shared-cluster", "type": "string", "sensitive": false},
      "prod_secret_arns": {"value": "not-a-list-is-fine", "type": "string", "sensitive": false},
      "alert_topic_arn": {"value": {"prod": 42}, "type": "dynamic", "sensitive": false},
      "redis_replication_group_id": {"value": "x", "type": "string", "sensitive": true},
      "vpc_id": {"value": "vpc-1", "type": "string", "sensitive": false},
      "project": {"value": "shop", "type": "string", "sensitive": false}
    }"#;

    fn values(c: &[(Key, Candidate)], key: Key) -> Vec<String> {
        c.iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, c)| c.value.clone())
            .collect()
    }

    #[test]
    fn env_in_the_name_or_the_value_selects_the_environment() {
        let o = parse("out.json", TEXT).unwrap();
        let mut notes = Vec::new();
        let c = candidates(&o, "prod", false, &mut notes);
        assert_eq!(values(&c, Key::Cluster), vec!["shop-prod-main"]);
        assert_eq!(values(&c, Key::Service), vec!["web"]);
        assert_eq!(values(&c, Key::DbInstance), vec!["shop-prod-db"]);
        assert_eq!(
            values(&c, Key::LogGroups),
            vec!["/ecs/prod/web", "/ecs/prod/worker"]
        );
        assert_eq!(values(&c, Key::Secrets), vec!["not-a-list-is-fine"]);
        assert!(values(&c, Key::CacheReplicationGroup).is_empty());
        assert!(values(&c, Key::AlertTopicArn).is_empty());
        assert!(notes.iter().any(|n| n.contains("sensitive")), "{notes:?}");
        assert!(
            notes.iter().any(|n| n.contains("alert_topic_arn")),
            "{notes:?}"
        );
        let Source::Terraform { output, from } = &c[0].1.source else {
            panic!("{c:?}")
        };
        assert_eq!(
            (output.as_str(), from.as_str()),
            ("prod_ecs_cluster_name", "out.json")
        );
        assert_eq!(project(&o).as_deref(), Some("shop"));
    }

    #[test]
    fn plain_names_apply_to_a_single_environment_or_a_per_env_file() {
        let o = parse("out.json", TEXT).unwrap();
        let shared = candidates(&o, "staging", false, &mut Vec::new());
        assert_eq!(values(&shared, Key::Cluster), Vec::<String>::new());
        assert_eq!(values(&shared, Key::DbInstance), vec!["shop-stg-db"]);
        let single = candidates(&o, "staging", true, &mut Vec::new());
        assert_eq!(values(&single, Key::Cluster), vec!["shared-cluster"]);
        let per_env = Outputs {
            per_environment: true,
            ..o.clone()
        };
        let c = candidates(&per_env, "dev", false, &mut Vec::new());
        assert_eq!(values(&c, Key::Cluster), vec!["shared-cluster"]);
        assert_eq!(
            for_env(Path::new("tf/{env}/out.json"), "prod"),
            ("tf/prod/out.json".into(), true)
        );
        assert_eq!(
            for_env(Path::new("out.json"), "prod"),
            ("out.json".into(), false)
        );
    }

    #[test]
    fn dashed_environments_match_underscored_names() {
        let o = parse(
            "o",
            r#"{"prod_eu_cluster_name": {"value": "c", "type": "string"}}"#,
        )
        .unwrap();
        let c = candidates(&o, "prod-eu", false, &mut Vec::new());
        assert_eq!(values(&c, Key::Cluster), vec!["c"]);
    }

    #[test]
    fn bad_json_is_an_error_naming_the_file() {
        for bad in [
            "",
            "nope",
            "[]",
            r#"{"a": 1}"#,
            r#"{"a": {"type": "string"}}"#,
            "{\"a\": {\"value\": \"\u{1b}\"",
        ] {
            let e = parse("outputs.json", bad).unwrap_err();
            assert!(e.starts_with("outputs.json: "), "{e}");
        }
        assert!(parse("o", "{}").unwrap().outputs.is_empty());
    }
}
