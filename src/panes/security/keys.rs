//! The Security pane's keys: focus, grouping, the filters sent to the API (a new filter
//! is fetched at once; until its answer arrives the list shows "loading", never the old
//! rows), detail scrolling, marks, and opening the triage and archive popups.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::state::{PRODUCTS, SecurityFocus, SecurityState};
use super::triage::{SecurityWrite, Triage, TriageItem, TriageOutcome};
use crate::cloud::security_filter::FindingFilters;
use crate::cloud::{Finding, RecordState, Severity, ThreatFinding, WorkflowStatus};
use crate::panes::kit::{ListState, PaneCtx};

/// What a key did.
#[derive(Debug, Clone, Default)]
pub struct KeyResult {
    /// False when the key is not the pane's.
    pub used: bool,
    /// A confirmed triage write and its one-line plan.
    pub write: Option<(SecurityWrite, String)>,
    /// The filters changed: fetch the findings for the new ones now.
    pub refetch: bool,
}

impl KeyResult {
    fn used() -> KeyResult {
        KeyResult {
            used: true,
            ..KeyResult::default()
        }
    }
}

impl SecurityState {
    fn set_filters(&mut self, filters: FindingFilters) {
        self.filters = filters;
        self.finding_list.cursor = 0;
        self.group_list.cursor = 0;
        self.group = None;
        self.detail = false;
    }

    fn cycle<T: Clone + PartialEq>(options: &[T], current: &[T]) -> Vec<T> {
        let pos = match current {
            [one] => options.iter().position(|o| o == one),
            _ => None,
        };
        match pos {
            None => options.first().cloned().into_iter().collect(),
            Some(i) => options.get(i + 1).cloned().into_iter().collect(),
        }
    }

    /// Handle a pane key (before the console's). Returns a write once a triage is confirmed.
    pub fn handle_key(&mut self, key: KeyEvent, ctx: &PaneCtx) -> KeyResult {
        let before = self.filters.clone();
        let mut result = self.key(key, ctx);
        result.refetch = self.filters != before;
        self.refresh_rows();
        result
    }

    fn key(&mut self, key: KeyEvent, ctx: &PaneCtx) -> KeyResult {
        if let Some(triage) = &mut self.triage {
            return match triage.on_key(key) {
                TriageOutcome::Open => KeyResult::used(),
                TriageOutcome::Cancelled => {
                    self.triage = None;
                    KeyResult::used()
                }
                TriageOutcome::Confirmed(write) => {
                    let plan = triage.plan().into_iter().next().unwrap_or_default();
                    self.triage = None;
                    self.writing = true;
                    KeyResult {
                        write: Some((write, plan)),
                        ..KeyResult::used()
                    }
                }
            };
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if self.detail && self.scroll_detail(key.code, ctrl) {
            return KeyResult::used();
        }
        if key.code == KeyCode::Esc {
            return KeyResult {
                used: self.back(),
                ..KeyResult::default()
            };
        }
        let len = self.focused_len();
        let mut filters = self.filters.clone();
        match key.code {
            KeyCode::Tab | KeyCode::BackTab => {
                self.focus = match self.focus {
                    SecurityFocus::Findings => SecurityFocus::GuardDuty,
                    SecurityFocus::GuardDuty => SecurityFocus::Findings,
                };
                self.detail = false;
            }
            KeyCode::Enter if self.focus == SecurityFocus::Findings => {
                if self.showing_groups() {
                    let groups = self.visible_groups();
                    if let Some(g) =
                        groups.get(self.group_list.cursor.min(groups.len().saturating_sub(1)))
                    {
                        self.group = Some(g.key.clone());
                        self.finding_list = ListState::default();
                    }
                } else {
                    self.detail = !self.detail;
                    self.detail_scroll = 0;
                }
            }
            KeyCode::Enter => {
                self.detail = !self.detail;
                self.detail_scroll = 0;
            }
            KeyCode::Char('v') => {
                self.grouping = self.grouping.next();
                self.group = None;
                self.group_list = ListState::default();
                self.finding_list.cursor = 0;
                self.detail = false;
            }
            KeyCode::Char('s') => {
                self.min_severity = match self.min_severity {
                    None => Some(Severity::Critical),
                    Some(Severity::Critical) => Some(Severity::High),
                    Some(Severity::High) => Some(Severity::Medium),
                    Some(Severity::Medium) => Some(Severity::Low),
                    Some(_) => None,
                };
                filters.severities = FindingFilters::at_least(self.min_severity);
                self.set_filters(filters);
            }
            KeyCode::Char('w') => {
                filters.workflow = Self::cycle(&WorkflowStatus::ALL, &filters.workflow);
                self.set_filters(filters);
            }
            KeyCode::Char('R') => {
                filters.record_state = match filters.record_state {
                    Some(RecordState::Active) => Some(RecordState::Archived),
                    Some(RecordState::Archived) => None,
                    None => Some(RecordState::Active),
                };
                self.set_filters(filters);
            }
            KeyCode::Char('p') => {
                let options: Vec<String> = PRODUCTS.iter().map(|p| p.to_string()).collect();
                filters.products = Self::cycle(&options, &filters.products);
                self.set_filters(filters);
            }
            KeyCode::Char('t') => {
                let options: Vec<String> = self.resource_types.iter().cloned().collect();
                filters.resource_types = Self::cycle(&options, &filters.resource_types);
                self.set_filters(filters);
            }
            KeyCode::Char('a') => {
                let options: Vec<String> = self.accounts.iter().cloned().collect();
                filters.accounts = Self::cycle(&options, &filters.accounts);
                self.set_filters(filters);
            }
            KeyCode::Char('m') => {
                filters.show_suppressed = !filters.show_suppressed;
                self.set_filters(filters);
            }
            KeyCode::Char('x') => {
                filters = FindingFilters::default();
                self.min_severity = None;
                self.set_filters(filters);
            }
            KeyCode::Char(' ') => self.toggle_mark(),
            KeyCode::Char('T') if self.focus == SecurityFocus::Findings => self.open_triage(ctx),
            KeyCode::Char('A') if self.focus == SecurityFocus::GuardDuty => self.open_archive(ctx),
            _ => {
                let used = self.focused_list().on_key(key.code, ctrl, len);
                if used {
                    self.detail_scroll = 0;
                }
                return KeyResult {
                    used,
                    ..KeyResult::default()
                };
            }
        }
        KeyResult::used()
    }

    /// Page keys scroll the detail view; true when `code` was one.
    fn scroll_detail(&mut self, code: KeyCode, ctrl: bool) -> bool {
        const PAGE: u16 = 10;
        match code {
            KeyCode::PageDown => self.detail_scroll = self.detail_scroll.saturating_add(PAGE),
            KeyCode::Char('d') if ctrl => {
                self.detail_scroll = self.detail_scroll.saturating_add(PAGE)
            }
            KeyCode::PageUp => self.detail_scroll = self.detail_scroll.saturating_sub(PAGE),
            KeyCode::Char('u') if ctrl => {
                self.detail_scroll = self.detail_scroll.saturating_sub(PAGE)
            }
            _ => return false,
        }
        true
    }

    fn toggle_mark(&mut self) {
        let id = match self.focus {
            SecurityFocus::Findings => self.selected_finding().map(|f| f.id.clone()),
            SecurityFocus::GuardDuty => self.selected_threat().map(|t| t.id.clone()),
        };
        if let Some(id) = id
            && !self.marked.remove(&id)
        {
            self.marked.insert(id);
        }
    }

    /// Marked findings, or the selected one when none is marked.
    fn triage_items(&self) -> Vec<TriageItem> {
        let all = self.findings.data.as_deref().unwrap_or_default();
        let marked: Vec<&Finding> = all.iter().filter(|f| self.marked.contains(&f.id)).collect();
        let chosen = if marked.is_empty() {
            self.selected_finding().into_iter().collect()
        } else {
            marked
        };
        chosen
            .into_iter()
            .map(|f| TriageItem {
                reference: f.reference(),
                title: f.title.clone(),
                severity: f.severity,
                current: f.workflow.as_str().to_string(),
            })
            .collect()
    }

    fn open_triage(&mut self, ctx: &PaneCtx) {
        if ctx.read_only || self.writing {
            return;
        }
        let items = self.triage_items();
        if !items.is_empty() {
            self.triage = Some(Triage::workflow(
                items,
                &ctx.env.name,
                ctx.protected(),
                &ctx.who(),
            ));
        }
    }

    fn open_archive(&mut self, ctx: &PaneCtx) {
        if ctx.read_only || self.writing {
            return;
        }
        let Some(detector) = self.detector().map(|d| d.id.clone()) else {
            return;
        };
        let all = self.threats.data.as_deref().unwrap_or_default();
        let mut chosen: Vec<&ThreatFinding> =
            all.iter().filter(|t| self.marked.contains(&t.id)).collect();
        if chosen.is_empty() {
            chosen = self.selected_threat().into_iter().collect();
        }
        let items: Vec<TriageItem> = chosen
            .into_iter()
            .map(|t| TriageItem {
                reference: crate::cloud::FindingRef {
                    id: t.id.clone(),
                    product_arn: String::new(),
                },
                title: format!("{} · {}", t.finding_type, t.resource.label()),
                severity: t.severity(),
                current: "-".into(),
            })
            .collect();
        if !items.is_empty() {
            self.triage = Some(Triage::archive(
                items,
                &detector,
                &ctx.env.name,
                ctx.protected(),
                &ctx.who(),
            ));
        }
    }
}
