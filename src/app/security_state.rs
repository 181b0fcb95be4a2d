//! State of the Security pane: Security Hub findings (fetched with the pane's filters as
//! API `Filters`), standard scores, GuardDuty detectors and findings; selection, grouping,
//! detail view, marks and the triage popup.

use std::collections::BTreeSet;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::list::ListState;
use super::loadable::Loadable;
use super::schedule::Schedule;
use super::security_history::HistoryState;
use super::security_offer_pick::OfferPick;
use super::security_offers::{RunbookOffer, finding_offers, threat_offers};
use super::security_triage::{SecurityWrite, Triage, TriageItem, TriageOutcome};
use super::security_view::{self, Group, Grouping};
use super::source::{Fetched, Source};
use crate::cloud::security_filter::FindingFilters;
use crate::cloud::security_score::{SeverityCounts, StandardScore, open_counts};
use crate::cloud::{
    CloudError, CloudResult, Detector, Epoch, Finding, RecordState, Severity, ThreatFinding,
    WorkflowStatus, WriteReceipt,
};
use crate::level::Level;

/// Findings and GuardDuty refresh every minute; standards every five.
pub const SECURITY_REFRESH_SECONDS: i64 = 60;
/// Standard scores change slowly.
pub const COMPLIANCE_REFRESH_SECONDS: i64 = 300;

/// Products the `p` key cycles through (plus any seen in the data).
pub const PRODUCTS: [&str; 4] = ["Security Hub", "GuardDuty", "Inspector", "Config"];

/// Which list has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecurityFocus {
    #[default]
    Findings,
    GuardDuty,
}

/// What the pane needs from the rest of the console to handle a key.
#[derive(Debug, Clone)]
pub struct KeyContext {
    pub env: String,
    pub protected: bool,
    pub read_only: bool,
    /// Who triages (the caller's short name), for notes.
    pub who: String,
}

/// Everything the Security pane shows.
#[derive(Debug, Clone, Default)]
pub struct SecurityState {
    pub findings: Loadable<Vec<Finding>>,
    pub compliance: Loadable<Vec<StandardScore>>,
    pub detectors: Loadable<Vec<Detector>>,
    pub threats: Loadable<Vec<ThreatFinding>>,
    /// The filters sent with `GetFindings`.
    pub filters: FindingFilters,
    pub min_severity: Option<Severity>,
    pub grouping: Grouping,
    /// The group drilled into (enter on a group).
    pub group: Option<String>,
    pub focus: SecurityFocus,
    pub finding_list: ListState,
    pub group_list: ListState,
    pub threat_list: ListState,
    /// Detail view of the selected finding.
    pub detail: bool,
    /// Lines the detail view is scrolled down by.
    pub detail_scroll: u16,
    /// The history of the Security Hub finding in the detail view.
    pub history: HistoryState,
    /// Findings marked for triage (Security Hub ids, or GuardDuty ids).
    pub marked: BTreeSet<String>,
    pub triage: Option<Triage>,
    /// Choosing one of several runbooks the finding offers (`o`).
    pub offer_pick: Option<OfferPick>,
    /// A write finished: refetch now.
    pub stale: bool,
    /// A triage write is in flight.
    pub writing: bool,
    /// Resource types seen in any answer (the `t` key cycles through them).
    pub resource_types: BTreeSet<String>,
    /// The last answer for the default filters (the header summary counts it).
    pub unfiltered: Option<Vec<Finding>>,
}

impl SecurityState {
    /// The findings source for the current filters.
    pub fn findings_source(&self) -> Source {
        Source::SecurityFindings(self.filters.clone())
    }

    /// The enabled detector, if any.
    pub fn detector(&self) -> Option<&Detector> {
        self.detectors
            .data
            .as_deref()
            .and_then(|d| d.iter().find(|d| d.enabled()).or(d.first()))
    }

    /// Findings passing the filters (also applied locally), the group and the text
    /// filter, most severe then most recently seen first.
    pub fn visible_findings(&self) -> Vec<&Finding> {
        let mut v: Vec<&Finding> = self
            .filtered()
            .into_iter()
            .filter(|f| {
                self.group
                    .as_ref()
                    .is_none_or(|g| self.grouping.key(f) == *g)
            })
            .filter(|f| security_view::text_matches(&self.finding_list, f))
            .collect();
        security_view::sort_findings(&mut v);
        v
    }

    fn filtered(&self) -> Vec<&Finding> {
        self.findings
            .data
            .as_deref()
            .unwrap_or_default()
            .iter()
            .filter(|f| self.filters.matches(f))
            .collect()
    }

    /// True when the list shows groups rather than findings.
    pub fn showing_groups(&self) -> bool {
        self.grouping != Grouping::None && self.group.is_none()
    }

    /// Groups of the filtered findings, passing the group list's text filter.
    pub fn visible_groups(&self) -> Vec<Group> {
        let filtered = self.filtered();
        security_view::group_findings(&filtered, self.grouping)
            .into_iter()
            .filter(|g| self.group_list.matches(&[&g.key, &g.label]))
            .collect()
    }

    /// The finding under the cursor (not in the group view).
    pub fn selected_finding(&self) -> Option<&Finding> {
        if self.showing_groups() {
            return None;
        }
        let v = self.visible_findings();
        v.get(self.finding_list.cursor.min(v.len().saturating_sub(1)))
            .copied()
    }

    /// GuardDuty findings passing the text filter, most severe first.
    pub fn visible_threats(&self) -> Vec<&ThreatFinding> {
        let mut v: Vec<&ThreatFinding> = self
            .threats
            .data
            .as_deref()
            .unwrap_or_default()
            .iter()
            .filter(|t| !t.archived && security_view::threat_matches(&self.threat_list, t))
            .collect();
        security_view::sort_threats(&mut v);
        v
    }

    /// The Security Hub finding shown in the detail view, if one is.
    pub fn detail_finding(&self) -> Option<&Finding> {
        (self.detail && self.focus == SecurityFocus::Findings)
            .then(|| self.selected_finding())
            .flatten()
    }

    /// The GuardDuty finding shown in the detail view, if one is.
    pub fn detail_threat(&self) -> Option<&ThreatFinding> {
        (self.detail && self.focus == SecurityFocus::GuardDuty)
            .then(|| self.selected_threat())
            .flatten()
    }

    /// Runbooks the finding under the cursor offers (Security Hub or GuardDuty list).
    pub fn offers(&self) -> Vec<RunbookOffer> {
        match self.focus {
            SecurityFocus::Findings => self
                .selected_finding()
                .map(finding_offers)
                .unwrap_or_default(),
            SecurityFocus::GuardDuty => self
                .selected_threat()
                .map(threat_offers)
                .unwrap_or_default(),
        }
    }

    /// True while a popup of the pane (triage, offers) takes every key.
    pub fn captures_keys(&self) -> bool {
        self.triage.is_some() || self.offer_pick.is_some()
    }

    /// The GuardDuty finding under the cursor.
    pub fn selected_threat(&self) -> Option<&ThreatFinding> {
        let v = self.visible_threats();
        v.get(self.threat_list.cursor.min(v.len().saturating_sub(1)))
            .copied()
    }

    /// Open critical/high/… counts across Security Hub (the last unfiltered answer) and
    /// GuardDuty, for the header summary; None before either has answered.
    pub fn summary(&self) -> Option<SeverityCounts> {
        if self.unfiltered.is_none() && self.threats.data.is_none() {
            return None;
        }
        Some(open_counts(
            self.unfiltered.as_deref().unwrap_or_default(),
            self.threats.data.as_deref().unwrap_or_default(),
        ))
    }

    /// The list that has the keyboard.
    pub fn focused_list(&mut self) -> &mut ListState {
        match self.focus {
            SecurityFocus::GuardDuty => &mut self.threat_list,
            SecurityFocus::Findings if self.showing_groups() => &mut self.group_list,
            SecurityFocus::Findings => &mut self.finding_list,
        }
    }

    fn focused_len(&self) -> usize {
        match self.focus {
            SecurityFocus::GuardDuty => self.visible_threats().len(),
            SecurityFocus::Findings if self.showing_groups() => self.visible_groups().len(),
            SecurityFocus::Findings => self.visible_findings().len(),
        }
    }

    /// Esc: close the detail view or leave the group; false when there was nothing to close.
    pub fn back(&mut self) -> bool {
        if self.detail {
            self.detail = false;
            self.detail_scroll = 0;
        } else if self.group.take().is_some() {
            self.finding_list = ListState::default();
        } else {
            return false;
        }
        true
    }

    fn set_filters(&mut self, filters: FindingFilters) {
        self.filters = filters;
        self.finding_list.cursor = 0;
        self.group_list.cursor = 0;
        self.group = None;
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

    /// Handle a pane key (global keys come first). Returns a write once a triage is confirmed.
    pub fn on_key(&mut self, key: KeyEvent, ctx: &KeyContext) -> Option<(SecurityWrite, String)> {
        if let Some(triage) = &mut self.triage {
            return match triage.on_key(key) {
                TriageOutcome::Open => None,
                TriageOutcome::Cancelled => {
                    self.triage = None;
                    None
                }
                TriageOutcome::Confirmed(write) => {
                    let plan = triage.plan().into_iter().next().unwrap_or_default();
                    self.triage = None;
                    self.writing = true;
                    Some((write, plan))
                }
            };
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if self.detail && self.scroll_detail(key.code, ctrl) {
            return None;
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
                self.focused_list().on_key(key.code, ctrl, len);
                self.detail_scroll = 0;
            }
        }
        None
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

    fn open_triage(&mut self, ctx: &KeyContext) {
        if ctx.read_only || self.writing {
            return;
        }
        let items = self.triage_items();
        if !items.is_empty() {
            self.triage = Some(Triage::workflow(items, &ctx.env, ctx.protected, &ctx.who));
        }
    }

    fn open_archive(&mut self, ctx: &KeyContext) {
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
                &ctx.env,
                ctx.protected,
                &ctx.who,
            ));
        }
    }

    /// A triage write finished: the footer message, and a refetch.
    pub fn written(&mut self, result: CloudResult<WriteReceipt>) -> (String, Level) {
        self.writing = false;
        self.stale = true;
        match result {
            Ok(r) => {
                self.marked.clear();
                (r.summary, Level::Ok)
            }
            Err(e) => (format!("triage failed: {e}"), Level::Critical),
        }
    }

    /// Store a fetch result that belongs to this pane.
    pub fn apply(&mut self, fetched: Fetched, now: Epoch) {
        match fetched {
            Fetched::SecurityFindings(filters, r) => {
                if filters != self.filters {
                    return; // answer for filters no longer shown
                }
                if let Ok(found) = &r {
                    for f in found {
                        self.resource_types
                            .extend(f.resources.iter().map(|r| r.resource_type.clone()));
                    }
                }
                if filters == FindingFilters::default()
                    && let Ok(found) = &r
                {
                    self.unfiltered = Some(found.clone());
                }
                self.findings.set(r, now);
                let n = self.focused_len();
                self.focused_list().clamp(n);
            }
            Fetched::SecurityCompliance(r) => self.compliance.set(r, now),
            Fetched::SecurityDetectors(r) => self.detectors.set(r, now),
            Fetched::GuardDutyFindings(_, r) => {
                self.threats.set(r, now);
                let n = self.visible_threats().len();
                self.threat_list.clamp(n);
            }
            Fetched::SecurityHistory(finding, r) => self.history.apply(finding, r, now),
            _ => {}
        }
    }

    /// Mark a source of this pane as being fetched.
    pub fn mark_loading(&mut self, source: &Source) {
        self.stale = false;
        match source {
            Source::SecurityFindings(_) => self.findings.loading = true,
            Source::SecurityCompliance => self.compliance.loading = true,
            Source::SecurityDetectors => self.detectors.loading = true,
            Source::GuardDutyFindings(_) => self.threats.loading = true,
            Source::SecurityHistory(finding) => self.history.mark_loading(finding),
            _ => {}
        }
    }

    /// This pane's sources that are due under `schedule`.
    pub fn due(&self, schedule: &Schedule) -> Vec<Source> {
        let mut due = Vec::new();
        let force = self.stale;
        let findings = self.findings_source();
        if force
            || schedule.is_due(
                &findings,
                self.findings.error.is_some(),
                SECURITY_REFRESH_SECONDS,
            )
        {
            due.push(findings);
        }
        if force
            || schedule.is_due(
                &Source::SecurityCompliance,
                self.compliance.error.is_some(),
                COMPLIANCE_REFRESH_SECONDS,
            )
        {
            due.push(Source::SecurityCompliance);
        }
        if schedule.is_due(
            &Source::SecurityDetectors,
            self.detectors.error.is_some(),
            COMPLIANCE_REFRESH_SECONDS,
        ) {
            due.push(Source::SecurityDetectors);
        }
        if let Some(d) = self.detector() {
            let source = Source::GuardDutyFindings(d.id.clone());
            let unsupported = matches!(self.threats.error, Some(CloudError::Unsupported(_)));
            if force
                || (!unsupported
                    && schedule.is_due(
                        &source,
                        self.threats.error.is_some(),
                        SECURITY_REFRESH_SECONDS,
                    ))
            {
                due.push(source);
            }
        }
        let shown = self.detail_finding().map(Finding::reference);
        due.extend(self.history.due(shown.as_ref(), schedule, force));
        due
    }
}

impl SecurityState {
    /// The `/` filter of the focused list (for the footer).
    pub fn focused_filter(&self) -> &str {
        match self.focus {
            SecurityFocus::GuardDuty => &self.threat_list.filter,
            SecurityFocus::Findings if self.showing_groups() => &self.group_list.filter,
            SecurityFocus::Findings => &self.finding_list.filter,
        }
    }
}

/// A key for the Security pane (or its open triage popup): builds the context, and turns
/// a confirmed triage into an effect.
pub fn route_key(
    state: &mut super::AppState,
    key: KeyEvent,
    effects: &mut Vec<super::update::Effect>,
) {
    let ctx = KeyContext {
        env: state.env.name.clone(),
        protected: state.protected(),
        read_only: state.read_only,
        who: state
            .identity
            .data
            .as_ref()
            .map_or("opsdeck".to_string(), |i| i.short_name().to_string()),
    };
    if state.security.offer_pick.is_some() {
        super::security_offer_pick::route_key(state, key);
        return;
    }
    if state.security.triage.is_none() && key.code == KeyCode::Char('o') {
        super::security_offer_pick::offer(state);
        return;
    }
    let opens = matches!(key.code, KeyCode::Char('T') | KeyCode::Char('A'));
    if opens && ctx.read_only && state.security.triage.is_none() {
        state.status = Some((
            "read-only: triage writes are disabled".to_string(),
            Level::Warning,
        ));
        return;
    }
    if let Some((write, plan)) = state.security.on_key(key, &ctx) {
        state.status = Some((format!("writing: {plan}"), Level::Warning));
        effects.push(super::update::Effect::SecurityWrite(write));
    }
}
