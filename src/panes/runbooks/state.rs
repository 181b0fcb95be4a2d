//! State of the Runbooks pane: the library, and the flow of one run — parameters,
//! plan, confirmation (typed environment name on protected environments for
//! high-risk runbooks), live progress, result, and the rollback section.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use super::progress::{StepProgress, StepState};
use super::progress::{apply_event, form_fields, progress_steps};
use super::request::{RunbookMsg, RunbookRequest};
use super::value_entry::{EntryOutcome, ValueEntry};
use crate::cloud::Epoch;
use crate::config::Environment;
use crate::panes::kit::list::ListState;
use crate::runbook::engine::{RunStatus, RunSummary};
use crate::runbook::library::Library;
use crate::runbook::model::{ParamType, Runbook};
use crate::runbook::plan::{Phase, PlannedStep, Prepared};

/// Where the pane is in a run.
#[derive(Debug, Clone, Default)]
pub enum Flow {
    #[default]
    Browse,
    /// Editing parameters: (name, value) pairs and the field under the cursor.
    Params {
        runbook: Box<Runbook>,
        fields: Vec<(String, String)>,
        cursor: usize,
    },
    /// Typing a new secret value at the hidden prompt (`value=prompt`).
    TypeValue(Box<ValueEntry>),
    Planning(String),
    Planned(Box<Prepared>),
    PlanFailed(String),
    /// Waiting for confirmation; `typed` is what the operator typed so far.
    Confirm {
        prepared: Box<Prepared>,
        rollback: Option<Vec<PlannedStep>>,
        typed: String,
    },
    Running {
        prepared: Box<Prepared>,
        steps: Vec<StepProgress>,
        log: Vec<String>,
        started_at: Epoch,
        cancelling: bool,
    },
    Done {
        prepared: Box<Prepared>,
        summary: RunSummary,
        log: Vec<String>,
        rolled_back: bool,
    },
}

/// The Runbooks pane.
#[derive(Debug, Clone, Default)]
pub struct RunbooksState {
    pub library: Library,
    pub list: ListState,
    pub flow: Flow,
    /// Lines scrolled in a plan, confirmation or result.
    pub scroll: u16,
    /// The pane fetches nothing; the interface still asks for its request times.
    pub no_requests: std::collections::HashMap<super::request::NoSource, Epoch>,
}

impl RunbooksState {
    /// The pane with `library` loaded.
    pub fn new(library: Library) -> RunbooksState {
        RunbooksState {
            library,
            ..Default::default()
        }
    }

    /// Runbooks passing the `/` filter.
    pub fn visible(&self) -> Vec<&Runbook> {
        self.library
            .runbooks
            .iter()
            .filter(|r| self.list.matches(&[&r.name, &r.title]))
            .collect()
    }

    /// The runbook under the cursor.
    pub fn selected(&self) -> Option<&Runbook> {
        let v = self.visible();
        v.get(self.list.cursor.min(v.len().saturating_sub(1)))
            .copied()
    }

    /// Open runbook `name`'s parameter form with `values` filled in over the defaults
    /// (an offer from another pane; secrets are never pre-filled, unknown names are
    /// ignored). The cursor starts on the first required field still empty. Refused while a run
    /// is being planned or running, for a runbook not in the library, and for a writing
    /// runbook in read-only mode.
    pub fn open_with(
        &mut self,
        name: &str,
        values: &[(String, String)],
        env: &Environment,
        read_only: bool,
    ) -> Result<(), String> {
        if matches!(self.flow, Flow::Planning(_) | Flow::Running { .. }) {
            return Err(format!(
                "a runbook run is in progress: finish it before opening {name}"
            ));
        }
        let Some(rb) = self.library.get(name).cloned() else {
            return Err(format!("runbook {name} is not in the library"));
        };
        if rb.writes() && read_only {
            return Err(format!("{name} writes: unavailable in read-only mode"));
        }
        let mut fields = form_fields(&rb, env);
        for (key, value) in values {
            let secret = rb
                .params
                .iter()
                .any(|p| &p.name == key && p.ty == ParamType::Secret);
            if let Some((_, v)) = fields.iter_mut().find(|(n, _)| n == key)
                && !secret
            {
                v.clone_from(value);
            }
        }
        self.list.filter.clear();
        self.list.cursor = self
            .visible()
            .iter()
            .position(|r| r.name == name)
            .unwrap_or(0);
        let cursor = fields
            .iter()
            .position(|(n, v)| v.is_empty() && rb.params.iter().any(|p| &p.name == n && p.required))
            .unwrap_or(0);
        self.flow = Flow::Params {
            runbook: Box::new(rb),
            fields,
            cursor,
        };
        Ok(())
    }

    /// True while the pane takes every key as text (parameters, typed confirmation).
    pub fn captures_text(&self) -> bool {
        matches!(
            self.flow,
            Flow::Params { .. } | Flow::TypeValue(_) | Flow::Confirm { .. }
        )
    }

    /// The list the `/` filter acts on (only while browsing).
    pub fn focused_list(&mut self) -> Option<&mut ListState> {
        matches!(self.flow, Flow::Browse).then_some(&mut self.list)
    }

    /// Handle a key on a flow screen; returns a request for the write actor, a status
    /// message, and whether the key was used (an unused key falls to the console).
    pub fn on_flow_key(
        &mut self,
        key: KeyEvent,
        env: &Environment,
        read_only: bool,
    ) -> (Option<RunbookRequest>, Option<String>, bool) {
        let before = std::mem::discriminant(&self.flow);
        let (request, status, used) = self.flow_key(key, env, read_only);
        if std::mem::discriminant(&self.flow) != before {
            self.scroll = 0;
        }
        (request, status, used)
    }

    fn scroll_key(&mut self, code: KeyCode) -> bool {
        match code {
            KeyCode::Char('j') | KeyCode::Down => self.scroll = self.scroll.saturating_add(1),
            KeyCode::Char('k') | KeyCode::Up => self.scroll = self.scroll.saturating_sub(1),
            KeyCode::PageDown => self.scroll = self.scroll.saturating_add(10),
            KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(10),
            KeyCode::Char('g') | KeyCode::Home => self.scroll = 0,
            _ => return false,
        }
        true
    }

    fn flow_key(
        &mut self,
        key: KeyEvent,
        env: &Environment,
        read_only: bool,
    ) -> (Option<RunbookRequest>, Option<String>, bool) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if matches!(
            self.flow,
            Flow::Planned(_) | Flow::Done { .. } | Flow::Running { .. } | Flow::PlanFailed(_)
        ) && self.scroll_key(key.code)
        {
            return (None, None, true);
        }
        match &mut self.flow {
            Flow::Browse => {
                let len = self.visible().len();
                if key.code == KeyCode::Enter {
                    let Some(rb) = self.selected().cloned() else {
                        return (None, None, true);
                    };
                    if rb.writes() && read_only {
                        return (
                            None,
                            Some(format!("{} writes: unavailable in read-only mode", rb.name)),
                            true,
                        );
                    }
                    self.flow = Flow::Params {
                        fields: form_fields(&rb, env),
                        runbook: Box::new(rb),
                        cursor: 0,
                    };
                } else {
                    self.list.on_key(key.code, ctrl, len);
                }
                (None, None, true)
            }
            Flow::Params {
                runbook,
                fields,
                cursor,
            } => match key.code {
                KeyCode::Esc => {
                    self.flow = Flow::Browse;
                    (None, None, true)
                }
                KeyCode::Down | KeyCode::Tab => {
                    *cursor = (*cursor + 1).min(fields.len().saturating_sub(1));
                    (None, None, true)
                }
                KeyCode::Up | KeyCode::BackTab => {
                    *cursor = cursor.saturating_sub(1);
                    (None, None, true)
                }
                KeyCode::Backspace => {
                    if let Some((_, v)) = fields.get_mut(*cursor) {
                        v.pop();
                    }
                    (None, None, true)
                }
                KeyCode::Char(c) if !ctrl => {
                    if let Some((_, v)) = fields.get_mut(*cursor) {
                        v.push(c);
                    }
                    (None, None, true)
                }
                KeyCode::Enter => {
                    let raw: BTreeMap<String, String> = fields
                        .iter()
                        .filter(|(_, v)| !v.is_empty())
                        .cloned()
                        .collect();
                    let runbook = runbook.clone();
                    let asks = crate::runbook::params::resolve_params(&runbook, env, &raw)
                        .ok()
                        .and_then(|p| {
                            crate::runbook::steps::value_source::prompt_for(&runbook, &p, env)
                        });
                    if let Some(about) = asks {
                        self.flow = Flow::TypeValue(Box::new(ValueEntry::new(runbook, raw, about)));
                        return (None, None, true);
                    }
                    self.flow = Flow::Planning(runbook.name.clone());
                    let typed = None;
                    (
                        Some(RunbookRequest::Plan {
                            runbook,
                            raw,
                            typed,
                        }),
                        None,
                        true,
                    )
                }
                _ => (None, None, true),
            },
            Flow::TypeValue(entry) => match entry.on_key(key) {
                EntryOutcome::Typing => (None, None, true),
                EntryOutcome::Back => {
                    let runbook = entry.runbook.clone();
                    let mut fields = form_fields(&runbook, env);
                    for (k, v) in fields.iter_mut() {
                        if let Some(given) = entry.raw.get(k) {
                            v.clone_from(given);
                        }
                    }
                    self.flow = Flow::Params {
                        runbook,
                        fields,
                        cursor: 0,
                    };
                    (
                        None,
                        Some("no value typed: nothing was changed".into()),
                        true,
                    )
                }
                EntryOutcome::Done(typed) => {
                    let (runbook, raw) = (entry.runbook.clone(), entry.raw.clone());
                    self.flow = Flow::Planning(runbook.name.clone());
                    let typed = Some(typed);
                    (
                        Some(RunbookRequest::Plan {
                            runbook,
                            raw,
                            typed,
                        }),
                        None,
                        true,
                    )
                }
            },
            Flow::Planning(_) if key.code == KeyCode::Esc => {
                // The plan's answer is dropped when it arrives (the flow moved on).
                self.flow = Flow::Browse;
                (
                    None,
                    Some("planning abandoned: nothing was changed".into()),
                    true,
                )
            }
            Flow::Planning(_) => (None, None, false),
            Flow::PlanFailed(_) => {
                let leave = matches!(key.code, KeyCode::Esc | KeyCode::Enter);
                if leave {
                    self.flow = Flow::Browse;
                }
                (None, None, leave)
            }
            Flow::Planned(prepared) => match key.code {
                KeyCode::Esc => {
                    self.flow = Flow::Browse;
                    (None, None, true)
                }
                KeyCode::Enter | KeyCode::Char('y') if prepared.runnable() => {
                    let prepared = prepared.clone();
                    self.flow = Flow::Confirm {
                        prepared,
                        rollback: None,
                        typed: String::new(),
                    };
                    (None, None, true)
                }
                _ => (None, None, false),
            },
            Flow::Confirm {
                prepared,
                rollback,
                typed,
            } => {
                let typed_needed = prepared.needs_typed_confirmation();
                match key.code {
                    KeyCode::Esc => {
                        self.flow = Flow::Browse;
                        (
                            None,
                            Some("not confirmed: nothing was changed".into()),
                            true,
                        )
                    }
                    KeyCode::Backspace if typed_needed => {
                        typed.pop();
                        (None, None, true)
                    }
                    KeyCode::Char(c) if typed_needed && !ctrl => {
                        typed.push(c);
                        (None, None, true)
                    }
                    KeyCode::Enter if typed_needed && typed.as_str() != prepared.env.name => (
                        None,
                        Some(format!("type {} exactly to confirm", prepared.env.name)),
                        true,
                    ),
                    KeyCode::Enter | KeyCode::Char('y') => {
                        let prepared = prepared.clone();
                        let rollback = rollback.take();
                        let request = match &rollback {
                            Some(steps) => {
                                RunbookRequest::ExecuteRollback(prepared.clone(), steps.clone())
                            }
                            None => RunbookRequest::Execute(prepared.clone()),
                        };
                        let steps = progress_steps(&prepared, rollback.as_deref());
                        self.flow = Flow::Running {
                            prepared,
                            steps,
                            log: Vec::new(),
                            started_at: 0,
                            cancelling: false,
                        };
                        (Some(request), None, true)
                    }
                    KeyCode::Char('n') if !typed_needed => {
                        self.flow = Flow::Browse;
                        (
                            None,
                            Some("not confirmed: nothing was changed".into()),
                            true,
                        )
                    }
                    _ => (None, None, true),
                }
            }
            Flow::Running { cancelling, .. } => {
                if key.code == KeyCode::Char('c') && !*cancelling {
                    *cancelling = true;
                    return (
                        Some(RunbookRequest::Cancel),
                        Some("cancelling after the current step".into()),
                        true,
                    );
                }
                (None, None, false)
            }
            Flow::Done {
                prepared,
                summary,
                rolled_back,
                ..
            } => match key.code {
                KeyCode::Char('R')
                    if matches!(summary.status, RunStatus::VerificationFailed(_))
                        && !prepared.runbook.rollback.is_empty()
                        && !*rolled_back =>
                {
                    (
                        Some(RunbookRequest::PlanRollback(prepared.clone())),
                        Some("planning the rollback section".into()),
                        true,
                    )
                }
                KeyCode::Esc | KeyCode::Enter => {
                    self.flow = Flow::Browse;
                    (None, None, true)
                }
                _ => (None, None, false),
            },
        }
    }

    /// Apply a message from a run.
    pub fn apply(&mut self, msg: RunbookMsg, now: Epoch) {
        match msg {
            RunbookMsg::Planned(Ok(p)) => self.flow = Flow::Planned(p),
            RunbookMsg::Planned(Err(e)) => self.flow = Flow::PlanFailed(e.to_string()),
            RunbookMsg::RollbackPlanned(Ok(steps)) => {
                if let Flow::Done { prepared, .. } = &self.flow {
                    self.flow = Flow::Confirm {
                        prepared: prepared.clone(),
                        rollback: Some(steps),
                        typed: String::new(),
                    };
                }
            }
            RunbookMsg::RollbackPlanned(Err(e)) => self.flow = Flow::PlanFailed(e.to_string()),
            RunbookMsg::Progress(event) => {
                if let Flow::Running {
                    steps,
                    log,
                    started_at,
                    ..
                } = &mut self.flow
                {
                    if *started_at == 0 {
                        *started_at = now;
                    }
                    apply_event(steps, log, event);
                }
            }
            RunbookMsg::Finished(summary) => {
                if let Flow::Running {
                    prepared,
                    log,
                    steps,
                    ..
                } = &self.flow
                {
                    let rolled_back = steps.iter().any(|s| s.phase == Phase::Rollback);
                    self.flow = Flow::Done {
                        prepared: prepared.clone(),
                        summary,
                        log: log.clone(),
                        rolled_back,
                    };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn prod() -> Environment {
        Config::default()
            .environment("prod")
            .cloned()
            .expect("prod")
    }

    fn values(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn open_with_fills_values_over_defaults_and_selects_the_runbook() {
        let mut s = RunbooksState::new(Library::load(None));
        s.open_with(
            "scale",
            &values(&[("count", "5"), ("incident", "INC-9"), ("nope", "x")]),
            &prod(),
            false,
        )
        .expect("opens");
        let Flow::Params {
            runbook,
            fields,
            cursor,
        } = &s.flow
        else {
            panic!("{:?}", s.flow);
        };
        assert_eq!(runbook.name, "scale");
        assert!(fields.contains(&("count".to_string(), "5".to_string())));
        assert!(fields.contains(&("incident".to_string(), "INC-9".to_string())));
        assert!(fields.contains(&("timeout".to_string(), "600".to_string())));
        assert!(!fields.iter().any(|(k, _)| k == "nope"));
        assert_eq!(*cursor, 0, "no required field left empty");
        assert_eq!(s.selected().map(|r| r.name.as_str()), Some("scale"));
        // Without the value the cursor waits on the empty required field.
        s.open_with("scale", &[], &prod(), false).expect("opens");
        let Flow::Params { fields, cursor, .. } = &s.flow else {
            panic!("{:?}", s.flow);
        };
        assert_eq!(fields[*cursor].0, "count");
    }

    #[test]
    fn open_with_refuses_missing_read_only_and_busy() {
        let mut s = RunbooksState::new(Library::load(None));
        assert_eq!(
            s.open_with("no-such-runbook", &[], &prod(), false),
            Err("runbook no-such-runbook is not in the library".to_string())
        );
        assert_eq!(
            s.open_with("scale", &[], &prod(), true),
            Err("scale writes: unavailable in read-only mode".to_string())
        );
        assert!(matches!(s.flow, Flow::Browse));
        s.flow = Flow::Planning("rollback".into());
        assert!(
            s.open_with("scale", &[], &prod(), false)
                .is_err_and(|e| e.contains("in progress"))
        );
        assert!(matches!(s.flow, Flow::Planning(_)));
    }
}
