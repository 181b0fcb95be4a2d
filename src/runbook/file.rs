//! Reading a runbook file: TOML into the validated model, every problem reported with
//! the file, line and column (unknown step kinds, unknown or missing inputs, type
//! errors, references to undeclared parameters or unknown environment keys).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use super::kinds::{Section, StepKind};
use super::model::{ParamSpec, ParamType, Risk, Runbook, Step};
use super::value::{Input, Ty, Value, env_key_type, parse_input};
use crate::config::FileError;
use crate::text::{QUOTE_MAX, quote};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunbookFile {
    name: Spanned<String>,
    title: String,
    purpose: String,
    risk: Spanned<String>,
    escalation: String,
    #[serde(default)]
    params: IndexMap<String, Spanned<ParamFile>>,
    #[serde(default)]
    prerequisites: Vec<Spanned<toml::Table>>,
    procedure: Vec<Spanned<toml::Table>>,
    #[serde(default)]
    verification: Vec<Spanned<toml::Table>>,
    #[serde(default)]
    rollback: Vec<Spanned<toml::Table>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamFile {
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    required: bool,
    default: Option<Spanned<toml::Value>>,
    default_from: Option<String>,
    min: Option<Spanned<i64>>,
    max: Option<Spanned<i64>>,
    values: Option<Vec<String>>,
    #[serde(default)]
    help: String,
}

/// Parameters every runbook accepts: waits' `timeout` and the `incident` id.
pub fn implicit_params() -> Vec<ParamSpec> {
    vec![
        ParamSpec {
            name: "timeout".into(),
            ty: ParamType::Int {
                min: Some(10),
                max: Some(7200),
            },
            required: false,
            default: Some(Value::Int(600)),
            default_from: None,
            help: "seconds each wait may take".into(),
        },
        ParamSpec {
            name: "incident".into(),
            ty: ParamType::String,
            required: false,
            default: None,
            default_from: None,
            help: "incident id, recorded in the audit log and tags".into(),
        },
    ]
}

/// Parse and validate runbook text.
pub fn parse(path: &Path, text: &str) -> Result<Runbook, FileError> {
    let file: RunbookFile =
        toml::from_str(text).map_err(|e| FileError::from_toml(path, text, &e))?;
    let at = |offset: usize, msg: String| FileError::at_offset(path, text, offset, msg);
    let name = file.name.get_ref().clone();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(at(
            file.name.span().start,
            format!(
                "invalid runbook name {}: use lowercase letters, digits and '-'",
                quote(&name)
            ),
        ));
    }
    let risk = match file.risk.get_ref().as_str() {
        "low" => Risk::Low,
        "high" => Risk::High,
        other => {
            return Err(at(
                file.risk.span().start,
                format!(
                    "invalid risk {}: expected \"low\" or \"high\"",
                    quote(other)
                ),
            ));
        }
    };
    let mut params = Vec::new();
    for (pname, spanned) in &file.params {
        params.push(
            param(pname, spanned.get_ref())
                .map_err(|(offset, m)| at(offset.unwrap_or(spanned.span().start), m))?,
        );
    }
    for implicit in implicit_params() {
        if !params.iter().any(|p| p.name == implicit.name) {
            params.push(implicit);
        }
    }
    let mut sections: BTreeMap<&str, Vec<Step>> = BTreeMap::new();
    for (section, tables) in [
        (Section::Prerequisites, &file.prerequisites),
        (Section::Procedure, &file.procedure),
        (Section::Verification, &file.verification),
        (Section::Rollback, &file.rollback),
    ] {
        let mut steps = Vec::new();
        for t in tables {
            steps.push(step(path, text, section, t, &params)?);
        }
        sections.insert(section.key(), steps);
    }
    if file.procedure.is_empty() {
        return Err(at(0, "procedure has no steps".into()));
    }
    let mut take = |k: &str| sections.remove(k).unwrap_or_default();
    Ok(Runbook {
        name,
        title: file.title,
        purpose: file.purpose,
        risk,
        escalation: file.escalation,
        params,
        prerequisites: take("prerequisites"),
        procedure: take("procedure"),
        verification: take("verification"),
        rollback: take("rollback"),
        source: path.to_path_buf(),
        name_at: crate::config::error::line_column(text, file.name.span().start),
        replaces_shipped: false,
    })
}

/// A problem with a parameter: where (None: the parameter's table) and what.
type ParamError = (Option<usize>, String);

fn param(name: &str, f: &ParamFile) -> Result<ParamSpec, ParamError> {
    let whole = |m: String| (None, m);
    let (min, max) = (f.min.as_ref(), f.max.as_ref());
    let ty = match f.ty.as_str() {
        "string" => ParamType::String,
        "int" => ParamType::Int {
            min: min.map(|m| *m.get_ref()),
            max: max.map(|m| *m.get_ref()),
        },
        "enum" => match &f.values {
            Some(v) if !v.is_empty() => ParamType::Enum(v.clone()),
            _ => {
                return Err(whole(format!(
                    "param {name}: enum needs non-empty `values`"
                )));
            }
        },
        "task_arn" => ParamType::TaskArn,
        "secret_id" => ParamType::SecretId,
        "secret" => ParamType::Secret,
        other => {
            return Err(whole(format!(
                "param {name}: unknown type {} (string, int, enum, task_arn, secret_id, secret)",
                quote(other)
            )));
        }
    };
    if let (Some(lo), Some(hi)) = (min, max)
        && lo.get_ref() > hi.get_ref()
    {
        return Err((
            Some(lo.span().start),
            format!(
                "param {name}: min {} is greater than max {}",
                lo.get_ref(),
                hi.get_ref()
            ),
        ));
    }
    let default = match &f.default {
        None => None,
        Some(spanned) => {
            let here = |m: String| (Some(spanned.span().start), m);
            let value = match (spanned.get_ref(), ty.ty()) {
                (toml::Value::Integer(i), Ty::Int) => Value::Int(*i),
                (toml::Value::String(s), Ty::Str) => Value::Str(s.clone()),
                (other, t) => {
                    let shown = crate::text::escape_clipped(&other.to_string(), QUOTE_MAX);
                    return Err(here(format!("param {name}: default {shown} is not a {t}")));
                }
            };
            match (&ty, &value) {
                (ParamType::Secret, _) => {
                    return Err(here(format!(
                        "param {name}: a secret parameter cannot have a default \
                         (it would be written in the file); the operator types it"
                    )));
                }
                (ParamType::Enum(values), Value::Str(s)) if !values.contains(s) => {
                    return Err(here(format!(
                        "param {name}: default {} is not one of its values: {}",
                        quote(s),
                        values
                            .iter()
                            .map(|v| quote(v))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
                (ParamType::Int { min, max }, Value::Int(n))
                    if min.is_some_and(|m| *n < m) || max.is_some_and(|m| *n > m) =>
                {
                    return Err(here(format!(
                        "param {name}: default {n} is outside {}..={}",
                        min.map_or(String::new(), |m| m.to_string()),
                        max.map_or(String::new(), |m| m.to_string())
                    )));
                }
                _ => {}
            }
            Some(value)
        }
    };
    if let Some(k) = &f.default_from {
        match env_key_type(k) {
            Some(t) if t == ty.ty() => {}
            Some(t) => {
                return Err(whole(format!(
                    "param {name}: default_from {k} is a {t}, not a {}",
                    ty.ty()
                )));
            }
            None => {
                return Err(whole(format!(
                    "param {name}: default_from {} is not an environment key",
                    quote(k)
                )));
            }
        }
    }
    Ok(ParamSpec {
        name: name.to_string(),
        ty,
        required: f.required,
        default,
        default_from: f.default_from.clone(),
        help: f.help.clone(),
    })
}

/// Offset of `key = …` in the step table that starts at `span` (whose span covers only
/// the `[[section]]` header: the table runs to the next header), else the header.
fn key_offset(text: &str, span: &Range<usize>, key: &str) -> usize {
    let start = span.start.min(text.len());
    let mut offset = start;
    for (i, line) in text[start..].split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start();
        if i > 0 && trimmed.starts_with('[') {
            break;
        }
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return offset + (line.len() - trimmed.len());
        }
        offset += line.len();
    }
    start
}

fn step(
    path: &Path,
    text: &str,
    section: Section,
    table: &Spanned<toml::Table>,
    params: &[ParamSpec],
) -> Result<Step, FileError> {
    let span = table.span();
    let t = table.get_ref();
    let at_key = |key: &str, msg: String| {
        FileError::at_offset(path, text, key_offset(text, &span, key), msg)
    };
    let kind_name = match t.get("kind") {
        Some(toml::Value::String(s)) => s.clone(),
        Some(_) => return Err(at_key("kind", "`kind` must be a string".into())),
        None => {
            return Err(FileError::at_offset(
                path,
                text,
                span.start,
                format!("{} step has no `kind`", section.key()),
            ));
        }
    };
    let kind = StepKind::from_name(&kind_name).ok_or_else(|| {
        let known: Vec<&str> = StepKind::ALL.iter().map(|k| k.name()).collect();
        at_key(
            "kind",
            format!(
                "unknown step kind {}; known: {}",
                quote(&kind_name),
                known.join(", ")
            ),
        )
    })?;
    if !kind.allowed_in(section) {
        return Err(at_key(
            "kind",
            format!("step kind {kind_name} is not allowed in {}", section.key()),
        ));
    }
    let specs = kind.inputs();
    let mut inputs = BTreeMap::new();
    for (key, value) in t {
        if key == "kind" || key == "label" {
            continue;
        }
        let Some(spec) = specs.iter().find(|s| s.name == key) else {
            let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
            return Err(at_key(
                key,
                format!(
                    "{} has no input {}; its inputs: {}",
                    crate::text::escape_clipped(&kind_name, QUOTE_MAX),
                    quote(key),
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
            ));
        };
        let input = parse_input(value).map_err(|m| at_key(key, m))?;
        let actual = match &input {
            Input::Literal(v) => v.ty(),
            Input::Param(p) => params
                .iter()
                .find(|s| &s.name == p)
                .map(|s| s.ty.ty())
                .ok_or_else(|| {
                    at_key(
                        key,
                        format!("{key} references undeclared parameter {}", quote(p)),
                    )
                })?,
            Input::Env(k) => env_key_type(k).ok_or_else(|| {
                at_key(
                    key,
                    format!("{key} references unknown environment key {}", quote(k)),
                )
            })?,
        };
        if actual != spec.ty {
            return Err(at_key(
                key,
                format!(
                    "{kind_name} input {key} must be a {}, found a {actual}",
                    spec.ty
                ),
            ));
        }
        super::steps::value_source::check_input(kind, key, &input, params)
            .map_err(|m| at_key(key, m))?;
        inputs.insert(key.clone(), input);
    }
    super::steps::value_source::check_step(kind, &inputs)
        .map_err(|m| FileError::at_offset(path, text, span.start, m))?;
    for spec in specs.iter().filter(|s| s.required) {
        if !inputs.contains_key(spec.name) {
            return Err(FileError::at_offset(
                path,
                text,
                span.start,
                format!("{kind_name} step is missing required input {}", spec.name),
            ));
        }
    }
    let label = match t.get("label") {
        Some(toml::Value::String(s)) => s.clone(),
        _ => kind_name.clone(),
    };
    Ok(Step {
        kind,
        label,
        inputs,
        line: crate::config::error::line_column(text, span.start).0,
    })
}
