//! A validated runbook (seed §12.2 template): purpose, prerequisites, typed parameters,
//! procedure, verification, rollback and escalation.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::kinds::{Section, StepKind};
use super::value::{Input, Ty, Value};

/// How dangerous a runbook is; `High` needs the environment name typed on protected environments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Risk {
    Low,
    High,
}

/// The kinds of parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamType {
    String,
    Int {
        min: Option<i64>,
        max: Option<i64>,
    },
    Enum(Vec<String>),
    TaskArn,
    SecretId,
    /// Typed by the operator, never written to the audit log or shown (e.g. an MFA code).
    Secret,
}

impl ParamType {
    /// The value type inputs see.
    pub fn ty(&self) -> Ty {
        match self {
            ParamType::Int { .. } => Ty::Int,
            _ => Ty::Str,
        }
    }

    /// The name used in runbook files.
    pub fn name(&self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Int { .. } => "int",
            ParamType::Enum(_) => "enum",
            ParamType::TaskArn => "task_arn",
            ParamType::SecretId => "secret_id",
            ParamType::Secret => "secret",
        }
    }
}

/// One declared parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamSpec {
    pub name: String,
    pub ty: ParamType,
    pub required: bool,
    pub default: Option<Value>,
    /// An environment key whose value is the default (e.g. `service`).
    pub default_from: Option<String>,
    pub help: String,
}

/// One step: a built-in kind with its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub kind: StepKind,
    /// A human label (defaults to the kind's name).
    pub label: String,
    pub inputs: BTreeMap<String, Input>,
    /// Line in the runbook file, for messages.
    pub line: usize,
}

/// A loaded, validated runbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runbook {
    pub name: String,
    pub title: String,
    pub purpose: String,
    pub risk: Risk,
    pub escalation: String,
    pub params: Vec<ParamSpec>,
    pub prerequisites: Vec<Step>,
    pub procedure: Vec<Step>,
    pub verification: Vec<Step>,
    pub rollback: Vec<Step>,
    pub source: PathBuf,
    /// Line and column of the `name` value in `source`.
    pub name_at: (usize, usize),
    /// A user file that replaced the shipped runbook of this name: marked in the list,
    /// the plan and every audit record of its runs.
    pub replaces_shipped: bool,
}

impl Runbook {
    /// "yours: replaces the shipped one (PATH)" for a user file that replaced a shipped
    /// runbook.
    pub fn origin_note(&self) -> Option<String> {
        self.replaces_shipped.then(|| {
            format!(
                "yours: replaces the shipped {} ({})",
                self.name,
                self.source.display()
            )
        })
    }

    /// True when any procedure or rollback step writes.
    pub fn writes(&self) -> bool {
        self.procedure
            .iter()
            .chain(&self.rollback)
            .any(|s| s.kind.writes())
    }

    /// The steps of `section`.
    pub fn section(&self, section: Section) -> &[Step] {
        match section {
            Section::Prerequisites => &self.prerequisites,
            Section::Procedure => &self.procedure,
            Section::Verification => &self.verification,
            Section::Rollback => &self.rollback,
        }
    }

    /// The parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&ParamSpec> {
        self.params.iter().find(|p| p.name == name)
    }
}
