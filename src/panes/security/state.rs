//! State of the Security pane: Security Hub findings (fetched with the pane's filters as
//! API `Filters`), standard scores, GuardDuty detectors and findings; selection, grouping,
//! detail view, marks and the triage popup.

use std::collections::BTreeSet;

use std::collections::HashMap;

use super::findings_view::{self as security_view, Group, Grouping};
use super::history::HistoryState;
use super::offer_pick::OfferPick;
use super::offers::{RunbookOffer, finding_offers, threat_offers};
use super::sources::SecuritySource;
use super::triage::Triage;
use crate::cloud::security_filter::FindingFilters;
use crate::cloud::security_score::{HubCounts, OpenCounts, StandardScore};
use crate::cloud::{Detector, Epoch, Finding, Listing, Severity, ThreatFinding};
use crate::panes::kit::{ListState, Loadable};

pub use super::sources::SECURITY_REFRESH_SECONDS;
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

/// The index in `all` of `item`, a reference into `all` (address arithmetic, O(1)).
fn index_in<T>(all: &[T], item: &T) -> usize {
    let size = std::mem::size_of::<T>().max(1);
    (item as *const T as usize - all.as_ptr() as usize) / size
}

/// The rows the pane shows, computed when data, filters or grouping change (never
/// while drawing): indexes into the fetched findings and GuardDuty findings, groups, and
/// the open counts of the posture line and the header.
#[derive(Debug, Clone, Default)]
pub struct SecurityRows {
    pub findings: Vec<usize>,
    pub groups: Vec<Group>,
    pub threats: Vec<usize>,
    pub summary: Option<OpenCounts>,
}

/// Everything the Security pane shows.
#[derive(Debug, Clone, Default)]
pub struct SecurityState {
    /// Listings say whether every page was read: counts of a cut-short one show as `≥ N`.
    pub findings: Loadable<Listing<Finding>>,
    pub compliance: Loadable<Listing<StandardScore>>,
    pub detectors: Loadable<Vec<Detector>>,
    pub threats: Loadable<Listing<ThreatFinding>>,
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
    /// Member accounts seen in any answer (the `a` key cycles through them).
    pub accounts: BTreeSet<String>,
    /// What the header summary needs of the last answer for the default filters, and
    /// whether that answer was complete (the listing itself is not kept twice).
    pub unfiltered: Option<(HubCounts, bool)>,
    /// Pages of the findings shown are still arriving (the list fills as they come).
    pub paging: bool,
    /// The same for the GuardDuty findings.
    pub threats_paging: bool,
    /// The filters `findings` was fetched with (`None` before any answer).
    pub findings_for: Option<FindingFilters>,
    /// The rows shown, derived from the above.
    pub rows: SecurityRows,
    /// When each source was last requested.
    pub requested: HashMap<SecuritySource, Epoch>,
}

impl SecurityState {
    /// The findings source for the current filters.
    pub fn findings_source(&self) -> SecuritySource {
        SecuritySource::Findings(self.filters.clone())
    }

    /// True when the findings held were fetched with the filters shown.
    pub fn findings_current(&self) -> bool {
        self.findings_for.as_ref() == Some(&self.filters)
    }

    /// Recompute the rows shown (after data, filters, grouping or a text filter changed).
    pub fn refresh_rows(&mut self) {
        let findings = self.compute_findings();
        let groups = self.compute_groups();
        let threats = self.compute_threats();
        let summary = self.compute_summary();
        self.rows = SecurityRows {
            findings,
            groups,
            threats,
            summary,
        };
        let n = self.focused_len();
        self.focused_list().clamp(n);
        let n = self.rows.threats.len();
        self.threat_list.clamp(n);
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
        let all = self.findings.data.as_deref().unwrap_or_default();
        self.rows
            .findings
            .iter()
            .filter_map(|i| all.get(*i))
            .collect()
    }

    fn compute_findings(&self) -> Vec<usize> {
        let all = self.findings.data.as_deref().unwrap_or_default();
        let mut v: Vec<(usize, &Finding)> = self
            .filtered()
            .into_iter()
            .filter(|(_, f)| {
                self.group
                    .as_ref()
                    .is_none_or(|g| self.grouping.key(f) == *g)
            })
            .filter(|(_, f)| security_view::text_matches(&self.finding_list, f))
            .collect();
        let mut refs: Vec<&Finding> = v.drain(..).map(|(_, f)| f).collect();
        security_view::sort_findings(&mut refs);
        refs.into_iter().map(|f| index_in(all, f)).collect()
    }

    /// Findings fetched with the filters shown, passing them locally too (an endpoint may
    /// ignore API filters); none while the answer for these filters has not arrived.
    fn filtered(&self) -> Vec<(usize, &Finding)> {
        if !self.findings_current() {
            return Vec::new();
        }
        self.findings
            .data
            .as_deref()
            .unwrap_or_default()
            .iter()
            .enumerate()
            .filter(|(_, f)| self.filters.matches(f))
            .collect()
    }

    /// True when the list shows groups rather than findings.
    pub fn showing_groups(&self) -> bool {
        self.grouping != Grouping::None && self.group.is_none()
    }

    /// Groups of the filtered findings, passing the group list's text filter.
    pub fn visible_groups(&self) -> Vec<Group> {
        self.rows.groups.clone()
    }

    fn compute_groups(&self) -> Vec<Group> {
        let filtered: Vec<&Finding> = self.filtered().into_iter().map(|(_, f)| f).collect();
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
        let all = self.threats.data.as_deref().unwrap_or_default();
        self.rows
            .threats
            .iter()
            .filter_map(|i| all.get(*i))
            .collect()
    }

    fn compute_threats(&self) -> Vec<usize> {
        let all = self.threats.data.as_deref().unwrap_or_default();
        let mut v: Vec<&ThreatFinding> = all
            .iter()
            .filter(|t| !t.archived && security_view::threat_matches(&self.threat_list, t))
            .collect();
        security_view::sort_threats(&mut v);
        v.into_iter().map(|t| index_in(all, t)).collect()
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
    /// GuardDuty, for the header summary; None before either has answered. Lower bounds
    /// (`complete` false) when either listing was cut short.
    pub fn summary(&self) -> Option<OpenCounts> {
        self.rows.summary
    }

    fn compute_summary(&self) -> Option<OpenCounts> {
        if self.unfiltered.is_none() && self.threats.data.is_none() {
            return None;
        }
        let threats = self.threats.data.as_deref().unwrap_or_default();
        Some(OpenCounts {
            counts: match &self.unfiltered {
                Some((hub, _)) => hub.with_threats(threats),
                None => HubCounts::default().with_threats(threats),
            },
            complete: self
                .unfiltered
                .as_ref()
                .is_none_or(|(_, complete)| *complete)
                && self.threats.data.as_ref().is_none_or(|l| l.complete),
        })
    }

    /// True when the findings held are every finding for their filters.
    pub fn findings_complete(&self) -> bool {
        self.findings.data.as_ref().is_none_or(|l| l.complete)
    }

    /// True when the GuardDuty findings held are all of them.
    pub fn threats_complete(&self) -> bool {
        self.threats.data.as_ref().is_none_or(|l| l.complete)
    }

    /// The list that has the keyboard.
    pub fn focused_list(&mut self) -> &mut ListState {
        match self.focus {
            SecurityFocus::GuardDuty => &mut self.threat_list,
            SecurityFocus::Findings if self.showing_groups() => &mut self.group_list,
            SecurityFocus::Findings => &mut self.finding_list,
        }
    }

    pub(super) fn focused_len(&self) -> usize {
        match self.focus {
            SecurityFocus::GuardDuty => self.rows.threats.len(),
            SecurityFocus::Findings if self.showing_groups() => self.rows.groups.len(),
            SecurityFocus::Findings => self.rows.findings.len(),
        }
    }

    /// Esc: close the detail view or leave the group; false when there was nothing to close.
    pub fn back(&mut self) -> bool {
        if self.detail {
            self.detail = false;
            self.detail_scroll = 0;
        } else if self.group.take().is_some() {
            self.finding_list = ListState::default();
            self.refresh_rows();
        } else {
            return false;
        }
        true
    }

    /// The `/` filter of the focused list (for the footer).
    pub fn focused_filter(&self) -> &str {
        match self.focus {
            SecurityFocus::GuardDuty => &self.threat_list.filter,
            SecurityFocus::Findings if self.showing_groups() => &self.group_list.filter,
            SecurityFocus::Findings => &self.finding_list.filter,
        }
    }
}
