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
    default: Option<toml::Value>,
    default_from: Option<String>,
    min: Option<i64>,
    max: Option<i64>,
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
            format!("invalid runbook name {name:?}: use lowercase letters, digits and '-'"),
        ));
    }
    let risk = match file.risk.get_ref().as_str() {
        "low" => Risk::Low,
        "high" => Risk::High,
        other => {
            return Err(at(
                file.risk.span().start,
                format!("invalid risk {other:?}: expected \"low\" or \"high\""),
            ));
        }
    };
    let mut params = Vec::new();
    for (pname, spanned) in &file.params {
        params.push(param(pname, spanned.get_ref()).map_err(|m| at(spanned.span().start, m))?);
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
        return Err(FileError::whole(path, "procedure has no steps"));
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
    })
}

fn param(name: &str, f: &ParamFile) -> Result<ParamSpec, String> {
    let ty = match f.ty.as_str() {
        "string" => ParamType::String,
        "int" => ParamType::Int {
            min: f.min,
            max: f.max,
        },
        "enum" => match &f.values {
            Some(v) if !v.is_empty() => ParamType::Enum(v.clone()),
            _ => return Err(format!("param {name}: enum needs non-empty `values`")),
        },
        "task_arn" => ParamType::TaskArn,
        "secret_id" => ParamType::SecretId,
        "secret" => ParamType::Secret,
        other => {
            return Err(format!(
                "param {name}: unknown type {other:?} (string, int, enum, task_arn, secret_id, secret)"
            ));
        }
    };
    let default = match &f.default {
        None => None,
        Some(v) => match (v, ty.ty()) {
            (toml::Value::Integer(i), Ty::Int) => Some(Value::Int(*i)),
            (toml::Value::String(s), Ty::Str) => Some(Value::Str(s.clone())),
            (other, t) => {
                return Err(format!("param {name}: default {other} is not a {t}"));
            }
        },
    };
    if let Some(k) = &f.default_from {
        match env_key_type(k) {
            Some(t) if t == ty.ty() => {}
            Some(t) => {
                return Err(format!(
                    "param {name}: default_from {k} is a {t}, not a {}",
                    ty.ty()
                ));
            }
            None => {
                return Err(format!(
                    "param {name}: default_from {k:?} is not an environment key"
                ));
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
                "unknown step kind {kind_name:?}; known: {}",
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
                    "{kind_name} has no input {key:?}; its inputs: {}",
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
                    at_key(key, format!("{key} references undeclared parameter {p:?}"))
                })?,
            Input::Env(k) => env_key_type(k).ok_or_else(|| {
                at_key(
                    key,
                    format!("{key} references unknown environment key {k:?}"),
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
        inputs.insert(key.clone(), input);
    }
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
