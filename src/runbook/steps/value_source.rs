//! Where a new secret value comes from, for manual rotation and Redis AUTH rotation:
//! `value = "generate"` (the default: `secretsmanager:GetRandomPassword` with the step's
//! `length`, `exclude_characters` and `exclude_punctuation`) or `value = "prompt"` (typed
//! by the operator at a hidden prompt: the console's popup, `/dev/tty` for the CLI).
//! The inputs are checked when the runbook loads and again when it is planned; a typed
//! value is checked without ever being quoted.

use std::collections::BTreeMap;

use super::super::kinds::StepKind;
use super::super::model::{ParamSpec, ParamType, Runbook};
use super::super::plan::RunError;
use super::super::value::{Input, Params, TYPED_VALUE, Value, resolve};
use super::inputs::{Inputs, secret, text};
use crate::cloud::{PasswordPolicy, Redacted};
use crate::config::Environment;

/// The two ways to get a value.
pub const STRATEGIES: [&str; 2] = ["generate", "prompt"];
/// Punctuation an ElastiCache AUTH token may hold (besides letters and digits).
pub const AUTH_PUNCTUATION: &str = "!&#$^<>-";
/// Every ASCII punctuation character (`GetRandomPassword`'s set).
const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// Where the run's new value comes from (a typed value never prints).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueSource {
    Generate(PasswordPolicy),
    Typed(Redacted),
}

impl ValueSource {
    /// The plan's line for how the value is made (never the value).
    pub fn describe(&self) -> String {
        match self {
            ValueSource::Generate(p) => format!(
                "secretsmanager:GetRandomPassword {} (the new value: never shown, logged or audited)",
                p.describe()
            ),
            ValueSource::Typed(_) => {
                "the new value typed at the hidden prompt (never shown, logged or audited)".into()
            }
        }
    }
}

/// Lengths a kind's generated value may have: Secrets Manager's 1–4096, an ElastiCache
/// AUTH token's 16–128.
fn length_bounds(kind: StepKind) -> (i64, i64) {
    if kind == StepKind::CacheRotateAuth {
        (16, 128)
    } else {
        (1, 4096)
    }
}

fn default_length(kind: StepKind) -> i64 {
    if kind == StepKind::CacheRotateAuth {
        64
    } else {
        32
    }
}

fn printable(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_graphic() || c == ' ')
}

/// Load-time check of one value input of `kind`: a literal must fit, a parameter must be
/// declared so that every value it can take fits. Err(message) names the problem.
pub fn check_input(
    kind: StepKind,
    key: &str,
    input: &Input,
    params: &[ParamSpec],
) -> Result<(), String> {
    if !kind.takes_value() {
        return Ok(());
    }
    let param = |p: &str| params.iter().find(|s| s.name == p);
    let (lo, hi) = length_bounds(kind);
    match (key, input) {
        ("value", Input::Literal(Value::Str(v))) if !STRATEGIES.contains(&v.as_str()) => {
            Err(format!(
                "value must be \"generate\" or \"prompt\", not {}",
                crate::text::quote(v)
            ))
        }
        ("value", Input::Param(p)) => match param(p).map(|s| &s.ty) {
            Some(ParamType::Enum(values))
                if values.iter().all(|v| STRATEGIES.contains(&v.as_str())) =>
            {
                Ok(())
            }
            _ => Err(format!(
                "value references {p}, which must be an enum of \"generate\" and \"prompt\""
            )),
        },
        ("length", Input::Literal(Value::Int(n))) if !(lo..=hi).contains(n) => Err(format!(
            "length {n} is outside {lo}..={hi} for {}",
            kind.name()
        )),
        ("length", Input::Param(p)) => match param(p).map(|s| &s.ty) {
            Some(ParamType::Int {
                min: Some(min),
                max: Some(max),
            }) if *min >= lo && *max <= hi => Ok(()),
            _ => Err(format!(
                "length references {p}, which must be an int with min and max within {lo}..={hi}"
            )),
        },
        ("exclude_characters", Input::Literal(Value::Str(s))) if !printable(s) => {
            Err("exclude_characters must be printable ASCII".into())
        }
        ("exclude_characters", Input::Param(p)) => match param(p) {
            Some(s) if matches!(&s.default, Some(Value::Str(d)) if !printable(d)) => {
                Err(format!("{p}'s default must be printable ASCII"))
            }
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// Load-time check across a step's inputs: a generated AUTH token may only hold the
/// punctuation ElastiCache accepts.
pub fn check_step(kind: StepKind, inputs: &BTreeMap<String, Input>) -> Result<(), String> {
    if kind != StepKind::CacheRotateAuth {
        return Ok(());
    }
    let no_punctuation = matches!(
        inputs.get("exclude_punctuation"),
        Some(Input::Literal(Value::Bool(true)))
    );
    let excluded = match inputs.get("exclude_characters") {
        Some(Input::Literal(Value::Str(s))) => s.clone(),
        _ => String::new(),
    };
    let refused: String = PUNCTUATION
        .chars()
        .filter(|c| !AUTH_PUNCTUATION.contains(*c) && !excluded.contains(*c))
        .collect();
    if no_punctuation || refused.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}: an AUTH token may only hold letters, digits and {AUTH_PUNCTUATION}: set exclude_punctuation = true (or exclude {refused})",
            kind.name()
        ))
    }
}

/// The value source of a planned step: its policy or the typed value.
pub fn source(kind: StepKind, inputs: &Inputs) -> Result<ValueSource, RunError> {
    let strategy = text(inputs, "value").unwrap_or_else(|| "generate".into());
    match strategy.as_str() {
        "prompt" => {
            let typed = secret(inputs, TYPED_VALUE).filter(|v| !v.0.is_empty());
            let Some(typed) = typed else {
                return Err(RunError::Refused(
                    "value=prompt: no value was typed (the CLI asks on the terminal, the console in a popup; value=generate makes one)"
                        .into(),
                ));
            };
            check_typed(kind, &typed)?;
            Ok(ValueSource::Typed(typed))
        }
        "generate" => {
            let (lo, hi) = length_bounds(kind);
            let length = match inputs.get("length") {
                Some(Value::Int(n)) => *n,
                _ => default_length(kind),
            };
            if !(lo..=hi).contains(&length) {
                return Err(RunError::Refused(format!(
                    "length {length} is outside {lo}..={hi}"
                )));
            }
            let exclude_characters = text(inputs, "exclude_characters").unwrap_or_default();
            if !printable(&exclude_characters) {
                return Err(RunError::Refused(
                    "exclude_characters must be printable ASCII".into(),
                ));
            }
            Ok(ValueSource::Generate(PasswordPolicy {
                length,
                exclude_characters,
                exclude_punctuation: matches!(
                    inputs.get("exclude_punctuation"),
                    Some(Value::Bool(true))
                ),
            }))
        }
        other => Err(RunError::Refused(format!(
            "value must be generate or prompt, not {}",
            crate::text::quote(other)
        ))),
    }
}

/// A typed value must fit where it goes; the message never quotes it.
fn check_typed(kind: StepKind, typed: &Redacted) -> Result<(), RunError> {
    let v = &typed.0;
    if kind == StepKind::CacheRotateAuth {
        let ok = (16..=128).contains(&v.len())
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || AUTH_PUNCTUATION.contains(c));
        if !ok {
            return Err(RunError::Refused(format!(
                "the typed AUTH token does not fit ElastiCache: 16–128 letters, digits or {AUTH_PUNCTUATION} ({} characters typed)",
                v.chars().count()
            )));
        }
    } else if v.len() > 65_536 {
        return Err(RunError::Refused(
            "the typed value is longer than Secrets Manager's 65,536 bytes".into(),
        ));
    }
    Ok(())
}

/// The secret a run asks a value for at a hidden prompt (the first step whose `value`
/// resolves to `prompt`), or None when nothing is to be typed.
pub fn prompt_for(runbook: &Runbook, params: &Params, env: &Environment) -> Option<String> {
    runbook
        .procedure
        .iter()
        .filter(|s| s.kind.takes_value())
        .find(|s| {
            s.inputs
                .get("value")
                .and_then(|i| resolve(i, params, env))
                .is_some_and(|v| v == Value::Str("prompt".into()))
        })
        .map(|s| {
            ["secret", "replication_group"]
                .iter()
                .find_map(|k| s.inputs.get(*k).and_then(|i| resolve(i, params, env)))
                .map_or_else(|| "the new value".into(), |v| v.to_string())
        })
}

/// Puts the typed value into a run's parameters (never as a string: it cannot print).
pub fn with_typed(params: &mut Params, typed: Redacted) {
    params.insert(TYPED_VALUE.into(), Value::Secret(typed));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(pairs: &[(&str, Value)]) -> Inputs {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn generate_is_the_default_with_the_kinds_length() {
        let s = source(StepKind::SecretsRotate, &inputs(&[])).expect("source");
        assert_eq!(s, ValueSource::Generate(PasswordPolicy::default()));
        let s = source(StepKind::CacheRotateAuth, &inputs(&[])).expect("source");
        assert!(matches!(s, ValueSource::Generate(p) if p.length == 64));
        assert!(
            source(
                StepKind::CacheRotateAuth,
                &inputs(&[("length", Value::Int(200))])
            )
            .is_err()
        );
    }

    #[test]
    fn a_typed_value_is_checked_without_being_quoted() {
        let typed = |v: &str| {
            inputs(&[
                ("value", Value::Str("prompt".into())),
                (TYPED_VALUE, Value::Secret(Redacted(v.into()))),
            ])
        };
        let err = source(StepKind::CacheRotateAuth, &typed("short/@secret"))
            .unwrap_err()
            .to_string();
        assert!(!err.contains("short/@secret") && err.contains("13 characters"));
        assert!(source(StepKind::CacheRotateAuth, &typed(&"a".repeat(32))).is_ok());
        let ok = source(StepKind::SecretsPutValue, &typed("anything at all")).expect("ok");
        assert!(!format!("{ok:?}").contains("anything"));
        assert!(
            source(
                StepKind::SecretsPutValue,
                &inputs(&[("value", Value::Str("prompt".into()))])
            )
            .is_err()
        );
    }

    #[test]
    fn load_checks_literals_and_parameters() {
        let lit = |v: Value| Input::Literal(v);
        assert!(
            check_input(
                StepKind::SecretsRotate,
                "value",
                &lit(Value::Str("ask".into())),
                &[]
            )
            .is_err()
        );
        assert!(
            check_input(
                StepKind::SecretsRotate,
                "length",
                &lit(Value::Int(5000)),
                &[]
            )
            .is_err()
        );
        assert!(
            check_input(
                StepKind::CacheRotateAuth,
                "length",
                &lit(Value::Int(8)),
                &[]
            )
            .is_err()
        );
        let len = ParamSpec {
            name: "length".into(),
            ty: ParamType::Int {
                min: Some(16),
                max: Some(4096),
            },
            required: false,
            default: None,
            default_from: None,
            help: String::new(),
        };
        let p = Input::Param("length".into());
        assert!(
            check_input(
                StepKind::SecretsRotate,
                "length",
                &p,
                std::slice::from_ref(&len)
            )
            .is_ok()
        );
        assert!(check_input(StepKind::CacheRotateAuth, "length", &p, &[len]).is_err());
        let mut step = BTreeMap::new();
        assert!(check_step(StepKind::CacheRotateAuth, &step).is_err());
        step.insert("exclude_punctuation".into(), lit(Value::Bool(true)));
        assert!(check_step(StepKind::CacheRotateAuth, &step).is_ok());
    }
}
