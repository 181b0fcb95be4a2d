//! Turning `--param key=value` (or the pane's form) into typed parameter values:
//! defaults from the runbook or the environment, required checks, ranges and enums.

use std::collections::BTreeMap;

use super::model::{ParamSpec, ParamType, Runbook};
use super::value::{Params, Value, env_value};
use crate::config::Environment;

/// Parse `key=value` pairs.
pub fn parse_pairs(pairs: &[String]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for p in pairs {
        let (k, v) = p
            .split_once('=')
            .ok_or_else(|| format!("--param {p:?}: expected key=value"))?;
        if out.insert(k.trim().to_string(), v.to_string()).is_some() {
            return Err(format!("--param {k} given twice"));
        }
    }
    Ok(out)
}

/// Check `raw` against the runbook's parameters and fill in defaults.
pub fn resolve_params(
    runbook: &Runbook,
    env: &Environment,
    raw: &BTreeMap<String, String>,
) -> Result<Params, String> {
    for k in raw.keys() {
        if runbook.param(k).is_none() {
            let known: Vec<&str> = runbook.params.iter().map(|p| p.name.as_str()).collect();
            return Err(format!(
                "{} has no parameter {k:?}; its parameters: {}",
                runbook.name,
                known.join(", ")
            ));
        }
    }
    let mut params = Params::new();
    for spec in &runbook.params {
        let value = match raw.get(&spec.name).filter(|v| !v.is_empty()) {
            Some(text) => Some(parse_value(spec, text)?),
            None => spec
                .default
                .clone()
                .or_else(|| spec.default_from.as_deref().and_then(|k| env_value(env, k))),
        };
        match value {
            Some(v) => {
                params.insert(spec.name.clone(), v);
            }
            None if spec.required => {
                return Err(format!(
                    "{} needs --param {}=… ({})",
                    runbook.name, spec.name, spec.help
                ));
            }
            None => {}
        }
    }
    Ok(params)
}

/// Parse one value for `spec`.
pub fn parse_value(spec: &ParamSpec, text: &str) -> Result<Value, String> {
    let name = &spec.name;
    match &spec.ty {
        ParamType::Int { min, max } => {
            let n: i64 = text
                .trim()
                .parse()
                .map_err(|_| format!("{name}: {text:?} is not an integer"))?;
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                return Err(format!(
                    "{name}: {n} is outside {}..={}",
                    min.map_or("".into(), |m| m.to_string()),
                    max.map_or("".into(), |m| m.to_string())
                ));
            }
            Ok(Value::Int(n))
        }
        ParamType::Enum(values) => {
            if values.iter().any(|v| v == text) {
                Ok(Value::Str(text.to_string()))
            } else {
                Err(format!(
                    "{name}: {text:?} is not one of {}",
                    values.join(", ")
                ))
            }
        }
        ParamType::TaskArn => {
            if text.starts_with("arn:") && text.contains(":task/") {
                Ok(Value::Str(text.to_string()))
            } else {
                Err(format!("{name}: {text:?} is not an ECS task ARN"))
            }
        }
        ParamType::String | ParamType::SecretId => Ok(Value::Str(text.to_string())),
        ParamType::Secret => Ok(Value::Secret(crate::cloud::Redacted(text.to_string()))),
    }
}

/// Parameter values as the audit log may record them: secrets redacted.
pub fn for_audit(runbook: &Runbook, params: &Params) -> BTreeMap<String, String> {
    params
        .iter()
        .map(|(k, v)| {
            let secret = matches!(v, Value::Secret(_))
                || runbook.param(k).is_some_and(|s| s.ty == ParamType::Secret);
            (
                k.clone(),
                if secret {
                    "<redacted>".into()
                } else {
                    v.to_string()
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::library::Library;

    fn scale() -> Runbook {
        Library::load(None).get("scale").cloned().expect("scale")
    }

    #[test]
    fn required_and_ranges_are_checked() {
        let env = Environment::with_defaults("cloudplatform", "prod");
        let rb = scale();
        let raw = |p: &[&str]| {
            parse_pairs(&p.iter().map(|s| s.to_string()).collect::<Vec<_>>()).expect("pairs")
        };
        assert!(
            resolve_params(&rb, &env, &raw(&[]))
                .unwrap_err()
                .contains("count")
        );
        assert!(resolve_params(&rb, &env, &raw(&["count=99"])).is_err());
        assert!(resolve_params(&rb, &env, &raw(&["count=x"])).is_err());
        assert!(resolve_params(&rb, &env, &raw(&["nope=1"])).is_err());
        let p = resolve_params(&rb, &env, &raw(&["count=5", "incident=INC-7"])).expect("ok");
        assert_eq!(p.get("count"), Some(&Value::Int(5)));
        assert_eq!(p.get("timeout"), Some(&Value::Int(600)));
        assert_eq!(p.get("incident"), Some(&Value::Str("INC-7".into())));
    }

    #[test]
    fn pairs_must_be_key_value() {
        assert!(parse_pairs(&["count".to_string()]).is_err());
        assert!(parse_pairs(&["a=1".to_string(), "a=2".to_string()]).is_err());
    }
}
