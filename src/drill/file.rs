//! Reading a drill file: TOML into the validated model, every problem reported with the
//! file, line and column (unknown fault kinds, references to faults that do not exist,
//! runbooks missing from the library, minutes outside the drill, bad rates).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::model::{Drill, Expected, Fault, WRONG_ENV_PENALTY, Wrong};
use crate::cloud::sim::{Escalation, FaultKind, SimFault};
use crate::config::FileError;
use crate::text::quote;

/// Panes a fault's `detect_pane` may name.
pub const PANES: [&str; 8] = [
    "fleet",
    "dashboard",
    "ecs",
    "cost",
    "security",
    "logs",
    "runbooks",
    "timeline",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DrillFile {
    name: Spanned<String>,
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    env: Option<Spanned<String>>,
    duration_minutes: Spanned<i64>,
    #[serde(default)]
    seed: Option<u64>,
    faults: Spanned<Vec<Spanned<FaultFile>>>,
    #[serde(default)]
    expected: Vec<Spanned<ExpectedFile>>,
    #[serde(default)]
    wrong: Vec<Spanned<WrongFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultFile {
    id: Spanned<String>,
    kind: Spanned<String>,
    at_minute: Spanned<i64>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    env: Option<Spanned<String>>,
    #[serde(default)]
    rate: Option<Spanned<f64>>,
    #[serde(default)]
    lasts_minutes: Option<Spanned<i64>>,
    #[serde(default)]
    hint: String,
    #[serde(default)]
    detect_pane: Option<Spanned<String>>,
    #[serde(default)]
    escalation: Option<Spanned<EscalationFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EscalationFile {
    after_minutes: Spanned<i64>,
    factor: Spanned<f64>,
    #[serde(default)]
    note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedFile {
    fault: Spanned<String>,
    runbook: Spanned<String>,
    #[serde(default)]
    params: BTreeMap<String, toml::Value>,
    #[serde(default)]
    env: Option<Spanned<String>>,
    within_minutes: Spanned<i64>,
    #[serde(default)]
    points: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WrongFile {
    runbook: Spanned<String>,
    #[serde(default)]
    env: Option<String>,
    reason: String,
    #[serde(default)]
    penalty: Option<Spanned<i64>>,
}

/// A name that can be a file name and a run id's part: letters, digits, `-`, `_`.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Parses `text` (read from `path`). `runbooks`: the names in the runbook library, to
/// check the responses against (None: not checked).
pub fn parse(path: &Path, text: &str, runbooks: Option<&[String]>) -> Result<Drill, FileError> {
    let file: DrillFile = toml::from_str(text).map_err(|e| FileError::from_toml(path, text, &e))?;
    let at = |offset: usize, msg: String| FileError::at_offset(path, text, offset, msg);
    let name = file.name.get_ref().clone();
    if !valid_name(&name) {
        return Err(at(
            file.name.span().start,
            format!("drill name {}: use letters, digits, - and _", quote(&name)),
        ));
    }
    let env = match &file.env {
        Some(e) if !valid_name(e.get_ref()) => {
            return Err(at(
                e.span().start,
                format!("environment {} is not a name", quote(e.get_ref())),
            ));
        }
        Some(e) => e.get_ref().clone(),
        None => "prod".to_string(),
    };
    let duration = *file.duration_minutes.get_ref();
    if !(1..=1440).contains(&duration) {
        return Err(at(
            file.duration_minutes.span().start,
            format!("duration_minutes {duration} must be 1..=1440"),
        ));
    }
    if file.faults.get_ref().is_empty() {
        return Err(at(
            file.faults.span().start,
            "a drill needs at least one fault".into(),
        ));
    }
    let mut faults: Vec<Fault> = Vec::new();
    for spanned in file.faults.get_ref() {
        let fault = fault(spanned.get_ref(), &env, duration, &at)?;
        if faults.iter().any(|f| f.sim.id == fault.sim.id) {
            let id = &spanned.get_ref().id;
            return Err(at(
                id.span().start,
                format!("fault id {} is used twice", quote(id.get_ref())),
            ));
        }
        faults.push(fault);
    }
    let mut expected = Vec::new();
    for spanned in &file.expected {
        let e = spanned.get_ref();
        let id = e.fault.get_ref();
        let Some(target) = faults.iter().find(|f| f.sim.id == *id) else {
            return Err(at(
                e.fault.span().start,
                format!(
                    "fault {} is not one of this drill's ({})",
                    quote(id),
                    faults
                        .iter()
                        .map(|f| f.sim.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        check_runbook(&e.runbook, runbooks, &at)?;
        let within = *e.within_minutes.get_ref();
        if !(1..=1440).contains(&within) {
            return Err(at(
                e.within_minutes.span().start,
                format!("within_minutes {within} must be 1..=1440"),
            ));
        }
        let points = match &e.points {
            Some(p) if !(0..=1000).contains(p.get_ref()) => {
                return Err(at(
                    p.span().start,
                    format!("points {} must be 0..=1000", p.get_ref()),
                ));
            }
            Some(p) => *p.get_ref() as u32,
            None => 10,
        };
        let mut params = BTreeMap::new();
        for (k, v) in &e.params {
            let text = match v {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                _ => {
                    return Err(at(
                        spanned.span().start,
                        format!(
                            "parameter {} must be a string, integer or boolean",
                            quote(k)
                        ),
                    ));
                }
            };
            params.insert(k.clone(), text);
        }
        expected.push(Expected {
            fault: id.clone(),
            runbook: e.runbook.get_ref().clone(),
            params,
            env: e
                .env
                .as_ref()
                .map_or_else(|| target.sim.env.clone(), |s| s.get_ref().clone()),
            within_minutes: within,
            points,
        });
    }
    let mut wrong = Vec::new();
    for spanned in &file.wrong {
        let w = spanned.get_ref();
        check_runbook(&w.runbook, runbooks, &at)?;
        let penalty = match &w.penalty {
            Some(p) if !(0..=1000).contains(p.get_ref()) => {
                return Err(at(
                    p.span().start,
                    format!("penalty {} must be 0..=1000", p.get_ref()),
                ));
            }
            Some(p) => *p.get_ref() as u32,
            None => WRONG_ENV_PENALTY,
        };
        wrong.push(Wrong {
            runbook: w.runbook.get_ref().clone(),
            env: w.env.clone(),
            reason: w.reason.clone(),
            penalty,
        });
    }
    Ok(Drill {
        name,
        title: file.title,
        description: file.description,
        env,
        duration_minutes: duration,
        seed: file.seed,
        faults,
        expected,
        wrong,
        source: path.to_path_buf(),
        user: false,
    })
}

fn check_runbook(
    runbook: &Spanned<String>,
    runbooks: Option<&[String]>,
    at: &dyn Fn(usize, String) -> FileError,
) -> Result<(), FileError> {
    match runbooks {
        Some(names) if !names.iter().any(|n| n == runbook.get_ref()) => Err(at(
            runbook.span().start,
            format!("runbook {} is not in the library", quote(runbook.get_ref())),
        )),
        _ => Ok(()),
    }
}

fn fault(
    f: &FaultFile,
    drill_env: &str,
    duration: i64,
    at: &dyn Fn(usize, String) -> FileError,
) -> Result<Fault, FileError> {
    let id = f.id.get_ref();
    if !valid_name(id) {
        return Err(at(
            f.id.span().start,
            format!("fault id {}: use letters, digits, - and _", quote(id)),
        ));
    }
    let kind = FaultKind::from_name(f.kind.get_ref()).ok_or_else(|| {
        at(
            f.kind.span().start,
            format!(
                "unknown fault kind {}; known: {}",
                quote(f.kind.get_ref()),
                FaultKind::ALL.map(FaultKind::name).join(", ")
            ),
        )
    })?;
    let minute = *f.at_minute.get_ref();
    if !(0..duration).contains(&minute) {
        return Err(at(
            f.at_minute.span().start,
            format!("at_minute {minute} is outside the drill (0..{duration})"),
        ));
    }
    let rate = match &f.rate {
        Some(r) if !(r.get_ref().is_finite() && *r.get_ref() > 0.0) => {
            return Err(at(
                r.span().start,
                format!("rate {} must be a number above 0", r.get_ref()),
            ));
        }
        Some(r) => *r.get_ref(),
        None => kind.default_rate(),
    };
    let lasts = match &f.lasts_minutes {
        Some(l) if !(1..=1440).contains(l.get_ref()) => {
            return Err(at(
                l.span().start,
                format!("lasts_minutes {} must be 1..=1440", l.get_ref()),
            ));
        }
        Some(l) => Some(*l.get_ref() * 60),
        None => None,
    };
    let escalation = match &f.escalation {
        None => None,
        Some(e) => {
            let esc = e.get_ref();
            if !(1..=1440).contains(esc.after_minutes.get_ref()) {
                return Err(at(
                    esc.after_minutes.span().start,
                    format!(
                        "after_minutes {} must be 1..=1440",
                        esc.after_minutes.get_ref()
                    ),
                ));
            }
            let factor = *esc.factor.get_ref();
            if !(factor.is_finite() && (1.0..=100.0).contains(&factor)) {
                return Err(at(
                    esc.factor.span().start,
                    format!("factor {factor} must be 1..=100"),
                ));
            }
            Some(Escalation {
                after: *esc.after_minutes.get_ref() * 60,
                factor,
                note: esc.note.clone(),
            })
        }
    };
    let detect_pane = match &f.detect_pane {
        Some(p) if !PANES.contains(&p.get_ref().as_str()) => {
            return Err(at(
                p.span().start,
                format!(
                    "detect_pane {} is not a pane ({})",
                    quote(p.get_ref()),
                    PANES.join(", ")
                ),
            ));
        }
        Some(p) => p.get_ref().clone(),
        None => kind.pane().to_string(),
    };
    let env = match &f.env {
        Some(e) if !valid_name(e.get_ref()) => {
            return Err(at(
                e.span().start,
                format!("environment {} is not a name", quote(e.get_ref())),
            ));
        }
        Some(e) => e.get_ref().clone(),
        None => drill_env.to_string(),
    };
    Ok(Fault {
        sim: SimFault {
            id: id.clone(),
            kind,
            env,
            at: minute * 60,
            rate,
            escalation,
            lasts,
        },
        title: f
            .title
            .clone()
            .unwrap_or_else(|| kind.name().replace('_', " ")),
        hint: f.hint.clone(),
        detect_pane,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
name = "t"
title = "T"
duration_minutes = 20
[[faults]]
id = "a"
kind = "db_storage"
at_minute = 1
"#;

    #[test]
    fn a_minimal_file_loads_with_defaults() {
        let d = parse(Path::new("t.toml"), MINIMAL, None).expect("parses");
        assert_eq!(d.env, "prod");
        assert_eq!(d.faults[0].sim.rate, 3.0);
        assert_eq!(d.faults[0].detect_pane, "dashboard");
    }

    #[test]
    fn errors_are_located() {
        let bad = MINIMAL.replace("db_storage", "meteor");
        let e = parse(Path::new("t.toml"), &bad, None).expect_err("unknown kind");
        assert_eq!((e.line, e.column), (7, 8), "{e}");
        assert!(
            e.to_string().starts_with("t.toml:7:8: unknown fault kind"),
            "{e}"
        );
    }
}
