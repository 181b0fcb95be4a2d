//! Typed values and inputs of runbook steps. An input is a literal, or a reference to a
//! parameter or an environment value that is substituted whole — never spliced into
//! another string — and type-checked when the file loads.

use std::collections::BTreeMap;
use std::fmt;

use crate::config::Environment;
use crate::text::quote;

/// The type of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Str,
    Int,
    Bool,
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ty::Str => "string",
            Ty::Int => "integer",
            Ty::Bool => "boolean",
        })
    }
}

/// A typed value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Str(String),
    Int(i64),
    Bool(bool),
    /// A string typed by the operator that must never print (a `secret` parameter, a new
    /// secret value): `Debug` and `Display` show `<redacted>`.
    Secret(crate::cloud::Redacted),
}

impl Value {
    /// The value's type.
    pub fn ty(&self) -> Ty {
        match self {
            Value::Str(_) => Ty::Str,
            Value::Int(_) => Ty::Int,
            Value::Bool(_) => Ty::Bool,
            Value::Secret(_) => Ty::Str,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => f.write_str(s),
            Value::Int(i) => write!(f, "{i}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Secret(r) => write!(f, "{r}"),
        }
    }
}

/// Where a step input's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Literal(Value),
    /// `"{param.NAME}"`
    Param(String),
    /// `"{env.KEY}"`
    Env(String),
}

/// Environment values a runbook may reference, with their types.
pub const ENV_KEYS: &[(&str, Ty)] = &[
    ("name", Ty::Str),
    ("region", Ty::Str),
    ("cluster", Ty::Str),
    ("service", Ty::Str),
    ("db_instance", Ty::Str),
    ("cache_replication_group", Ty::Str),
    ("target_group", Ty::Str),
    ("load_balancer", Ty::Str),
    ("alert_topic_arn", Ty::Str),
    ("quarantine_security_group", Ty::Str),
    ("break_glass_role_arn", Ty::Str),
    ("mfa_serial", Ty::Str),
    ("min_tasks", Ty::Int),
];

/// The type of environment key `key`, if it is one.
pub fn env_key_type(key: &str) -> Option<Ty> {
    ENV_KEYS.iter().find(|(k, _)| *k == key).map(|(_, t)| *t)
}

/// The value of environment key `key` (None when the environment leaves it unset).
pub fn env_value(env: &Environment, key: &str) -> Option<Value> {
    let s = |v: &str| Some(Value::Str(v.to_string()));
    match key {
        "name" => s(&env.name),
        "region" => s(&env.region),
        "cluster" => s(&env.cluster),
        "service" => s(&env.service),
        "db_instance" => s(&env.db_instance),
        "cache_replication_group" => s(&env.cache_replication_group),
        "target_group" => env.target_group.as_deref().and_then(s),
        "load_balancer" => env.load_balancer.as_deref().and_then(s),
        "alert_topic_arn" => env.alert_topic_arn.as_deref().and_then(s),
        "quarantine_security_group" => env.quarantine_security_group.as_deref().and_then(s),
        "break_glass_role_arn" => env.break_glass_role_arn.as_deref().and_then(s),
        "mfa_serial" => env.mfa_serial.as_deref().and_then(s),
        "min_tasks" => Some(Value::Int(i64::from(env.min_tasks))),
        _ => None,
    }
}

/// Parse a TOML value as an input: `"{param.x}"` / `"{env.k}"` references, else a literal.
/// A `{` anywhere else in a string is an error: substitution is whole-value only.
pub fn parse_input(v: &toml::Value) -> Result<Input, String> {
    match v {
        toml::Value::String(s) => {
            if let Some(inner) = s.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
                if let Some(p) = inner.strip_prefix("param.") {
                    return Ok(Input::Param(p.to_string()));
                }
                if let Some(k) = inner.strip_prefix("env.") {
                    return Ok(Input::Env(k.to_string()));
                }
                return Err(format!(
                    "unknown reference {}: use \"{{param.NAME}}\" or \"{{env.KEY}}\"",
                    quote(s)
                ));
            }
            if s.contains('{') || s.contains('}') {
                return Err(format!(
                    "{}: a reference must be the whole value (\"{{param.NAME}}\"); values are never spliced into strings",
                    quote(s)
                ));
            }
            Ok(Input::Literal(Value::Str(s.clone())))
        }
        toml::Value::Integer(i) => Ok(Input::Literal(Value::Int(*i))),
        toml::Value::Boolean(b) => Ok(Input::Literal(Value::Bool(*b))),
        other => Err(format!(
            "unsupported input type {}: use a string, integer or boolean",
            other.type_str()
        )),
    }
}

/// Resolved parameter values of one run.
pub type Params = BTreeMap<String, Value>;

/// The key under which a front end puts a value the operator typed at a hidden prompt
/// (not a declared parameter: `--param` and the form cannot set it). Steps that take a
/// value see it as their `typed_value` input.
pub const TYPED_VALUE: &str = "typed_value";

/// Resolve an input for a run; None when it references an unset optional value.
pub fn resolve(input: &Input, params: &Params, env: &Environment) -> Option<Value> {
    match input {
        Input::Literal(v) => Some(v.clone()),
        Input::Param(p) => params.get(p).cloned(),
        Input::Env(k) => env_value(env, k),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_whole_values() {
        let v = |s: &str| toml::Value::String(s.into());
        assert_eq!(
            parse_input(&v("{param.count}")),
            Ok(Input::Param("count".into()))
        );
        assert_eq!(
            parse_input(&v("{env.cluster}")),
            Ok(Input::Env("cluster".into()))
        );
        assert!(parse_input(&v("svc-{param.x}")).is_err());
        assert!(parse_input(&v("{other.x}")).is_err());
        assert_eq!(
            parse_input(&toml::Value::Integer(3)),
            Ok(Input::Literal(Value::Int(3)))
        );
    }

    #[test]
    fn env_values_resolve() {
        let env = Environment::with_defaults("cloudplatform", "prod");
        assert_eq!(
            env_value(&env, "cluster"),
            Some(Value::Str("cloudplatform-prod-ecs-cluster".into()))
        );
        assert_eq!(env_value(&env, "min_tasks"), Some(Value::Int(3)));
        assert_eq!(env_value(&env, "alert_topic_arn"), None);
    }
}
