//! The Security pane's triage flow: choose a workflow status, write a note, review the
//! plan (the exact API call and the findings it changes) and confirm — `y`/enter, or on a
//! protected environment by typing its name. Esc cancels at any step. Confirming yields
//! a [`SecurityWrite`] that the event loop performs through `CloudHandle::actor()`.

use crossterm::event::{KeyCode, KeyEvent};

use crate::cloud::{FindingRef, Severity, WorkflowStatus};

/// A write the Security pane asks the event loop to perform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityWrite {
    /// `securityhub:BatchUpdateFindings`.
    Workflow {
        findings: Vec<FindingRef>,
        status: WorkflowStatus,
        note: String,
        updated_by: String,
    },
    /// `guardduty:ArchiveFindings`.
    Archive {
        detector_id: String,
        finding_ids: Vec<String>,
    },
}

/// One finding the triage changes, as the plan lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct TriageItem {
    pub reference: FindingRef,
    pub title: String,
    pub severity: Severity,
    /// The current workflow status ("-" for GuardDuty findings).
    pub current: String,
}

/// What is being triaged.
#[derive(Debug, Clone, PartialEq)]
pub enum TriageAction {
    Workflow { status: WorkflowStatus },
    Archive { detector_id: String },
}

/// The step the popup is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriageStep {
    /// Pick the new workflow status (cursor into `WorkflowStatus::ALL`).
    Status(usize),
    /// Type the note.
    Note,
    /// Review the plan and confirm.
    Confirm,
}

/// The open triage popup.
#[derive(Debug, Clone, PartialEq)]
pub struct Triage {
    pub action: TriageAction,
    pub items: Vec<TriageItem>,
    pub step: TriageStep,
    pub note: String,
    /// What has been typed to confirm on a protected environment.
    pub typed: String,
    pub env: String,
    pub protected: bool,
    pub who: String,
}

/// What a key did to the popup.
#[derive(Debug, Clone, PartialEq)]
pub enum TriageOutcome {
    Open,
    Cancelled,
    Confirmed(SecurityWrite),
}

impl Triage {
    /// A workflow-status triage of `items`.
    pub fn workflow(items: Vec<TriageItem>, env: &str, protected: bool, who: &str) -> Triage {
        Triage {
            action: TriageAction::Workflow {
                status: WorkflowStatus::Resolved,
            },
            items,
            step: TriageStep::Status(2),
            note: String::new(),
            typed: String::new(),
            env: env.to_string(),
            protected,
            who: who.to_string(),
        }
    }

    /// An archive of GuardDuty `items` of `detector_id`, straight to the plan.
    pub fn archive(
        items: Vec<TriageItem>,
        detector_id: &str,
        env: &str,
        protected: bool,
        who: &str,
    ) -> Triage {
        Triage {
            action: TriageAction::Archive {
                detector_id: detector_id.to_string(),
            },
            items,
            step: TriageStep::Confirm,
            note: String::new(),
            typed: String::new(),
            env: env.to_string(),
            protected,
            who: who.to_string(),
        }
    }

    /// True when the confirmation may be given now.
    pub fn can_confirm(&self) -> bool {
        self.step == TriageStep::Confirm && (!self.protected || self.typed == self.env)
    }

    /// Handle one key.
    pub fn on_key(&mut self, key: KeyEvent) -> TriageOutcome {
        if key.code == KeyCode::Esc {
            return TriageOutcome::Cancelled;
        }
        match self.step {
            TriageStep::Status(cursor) => {
                let last = WorkflowStatus::ALL.len() - 1;
                let pick = |s: WorkflowStatus| WorkflowStatus::ALL.iter().position(|w| *w == s);
                let next = match key.code {
                    KeyCode::Char('j') | KeyCode::Down => Some((cursor + 1).min(last)),
                    KeyCode::Char('k') | KeyCode::Up => Some(cursor.saturating_sub(1)),
                    KeyCode::Char('n') => pick(WorkflowStatus::New),
                    KeyCode::Char('o') => pick(WorkflowStatus::Notified),
                    KeyCode::Char('r') => pick(WorkflowStatus::Resolved),
                    KeyCode::Char('s') => pick(WorkflowStatus::Suppressed),
                    KeyCode::Enter => {
                        let status = WorkflowStatus::ALL
                            .get(cursor)
                            .copied()
                            .unwrap_or(WorkflowStatus::Resolved);
                        self.action = TriageAction::Workflow { status };
                        self.step = TriageStep::Note;
                        None
                    }
                    _ => None,
                };
                if let Some(c) = next {
                    self.step = TriageStep::Status(c);
                }
            }
            TriageStep::Note => match key.code {
                KeyCode::Enter => self.step = TriageStep::Confirm,
                KeyCode::Backspace => {
                    self.note.pop();
                }
                KeyCode::Char(c) if !c.is_control() && self.note.chars().count() < 512 => {
                    self.note.push(c)
                }
                _ => {}
            },
            TriageStep::Confirm if self.protected => match key.code {
                KeyCode::Enter if self.can_confirm() => return self.confirmed(),
                KeyCode::Backspace => {
                    self.typed.pop();
                }
                KeyCode::Char(c) if !c.is_control() && self.typed.len() < 64 => self.typed.push(c),
                _ => {}
            },
            TriageStep::Confirm => {
                if matches!(key.code, KeyCode::Enter | KeyCode::Char('y')) {
                    return self.confirmed();
                }
            }
        }
        TriageOutcome::Open
    }

    fn confirmed(&self) -> TriageOutcome {
        TriageOutcome::Confirmed(self.write())
    }

    /// The write this triage performs once confirmed.
    pub fn write(&self) -> SecurityWrite {
        match &self.action {
            TriageAction::Workflow { status } => SecurityWrite::Workflow {
                findings: self.items.iter().map(|i| i.reference.clone()).collect(),
                status: *status,
                note: self.note.trim().to_string(),
                updated_by: self.who.clone(),
            },
            TriageAction::Archive { detector_id } => SecurityWrite::Archive {
                detector_id: detector_id.clone(),
                finding_ids: self.items.iter().map(|i| i.reference.id.clone()).collect(),
            },
        }
    }

    /// The plan: the exact call with its parameters, then one line per finding it changes.
    pub fn plan(&self) -> Vec<String> {
        let mut lines = Vec::new();
        match &self.action {
            TriageAction::Workflow { status } => {
                lines.push(format!(
                    "securityhub:BatchUpdateFindings in {} ({} finding{})",
                    self.env,
                    self.items.len(),
                    if self.items.len() == 1 { "" } else { "s" }
                ));
                lines.push(format!("  Workflow.Status = {}", status.as_str()));
                if self.note.trim().is_empty() {
                    lines.push("  Note = (none)".to_string());
                } else {
                    lines.push(format!("  Note.Text = {:?}", self.note.trim()));
                    lines.push(format!("  Note.UpdatedBy = {}", self.who));
                }
                for i in &self.items {
                    lines.push(format!(
                        "  {:<5} {} → {}  {}",
                        i.severity.short(),
                        i.current,
                        status.as_str(),
                        i.title
                    ));
                }
            }
            TriageAction::Archive { detector_id } => {
                lines.push(format!(
                    "guardduty:ArchiveFindings in {} ({} finding{})",
                    self.env,
                    self.items.len(),
                    if self.items.len() == 1 { "" } else { "s" }
                ));
                lines.push(format!("  DetectorId = {detector_id}"));
                for i in &self.items {
                    lines.push(format!(
                        "  {:<5} {}  {}",
                        i.severity.short(),
                        i.reference.id,
                        i.title
                    ));
                }
            }
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn press(t: &mut Triage, code: KeyCode) -> TriageOutcome {
        t.on_key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn item(id: &str) -> TriageItem {
        TriageItem {
            reference: FindingRef {
                id: id.into(),
                product_arn: "p".into(),
            },
            title: format!("finding {id}"),
            severity: Severity::High,
            current: "NEW".into(),
        }
    }

    #[test]
    fn status_note_plan_confirm() {
        let mut t = Triage::workflow(vec![item("a"), item("b")], "dev", false, "alice");
        press(&mut t, KeyCode::Char('s'));
        assert_eq!(press(&mut t, KeyCode::Enter), TriageOutcome::Open);
        for c in "false positive".chars() {
            press(&mut t, KeyCode::Char(c));
        }
        press(&mut t, KeyCode::Enter);
        assert_eq!(t.step, TriageStep::Confirm);
        let plan = t.plan();
        assert!(plan[0].contains("BatchUpdateFindings in dev (2 findings)"));
        assert!(plan.iter().any(|l| l.contains("SUPPRESSED")));
        assert!(plan.iter().any(|l| l.contains("\"false positive\"")));
        match press(&mut t, KeyCode::Char('y')) {
            TriageOutcome::Confirmed(SecurityWrite::Workflow {
                findings,
                status,
                note,
                updated_by,
            }) => {
                assert_eq!(findings.len(), 2);
                assert_eq!(status, WorkflowStatus::Suppressed);
                assert_eq!(note, "false positive");
                assert_eq!(updated_by, "alice");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn protected_needs_the_typed_name_and_esc_cancels() {
        let mut t = Triage::archive(vec![item("g1")], "det", "prod", true, "alice");
        assert_eq!(press(&mut t, KeyCode::Char('y')), TriageOutcome::Open);
        assert_eq!(press(&mut t, KeyCode::Enter), TriageOutcome::Open);
        press(&mut t, KeyCode::Backspace);
        for c in "prod".chars() {
            press(&mut t, KeyCode::Char(c));
        }
        assert!(matches!(
            press(&mut t, KeyCode::Enter),
            TriageOutcome::Confirmed(SecurityWrite::Archive { .. })
        ));
        let mut t = Triage::archive(vec![item("g1")], "det", "prod", true, "alice");
        assert_eq!(press(&mut t, KeyCode::Esc), TriageOutcome::Cancelled);
    }
}
