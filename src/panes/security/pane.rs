//! The Security pane behind the pane interface: its schedule, results (rows derived on
//! arrival; an answer for filters no longer shown is dropped), keys (offers, triage,
//! read-only refusals) and help lines.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent};

use super::offer_pick::{self, OfferPick, PickOutcome};
use super::sources::{SecurityFetched, SecuritySource};
use super::state::{
    COMPLIANCE_REFRESH_SECONDS, SECURITY_REFRESH_SECONDS, SecurityFocus, SecurityState,
};
use crate::cloud::security_filter::FindingFilters;
use crate::cloud::security_score::HubCounts;
use crate::cloud::{CloudResult, Epoch, Finding, Listing, WriteReceipt};
use crate::level::Level;
use crate::panes::kit::{
    BindingGroup, ListState, PaneCtx, PaneState, Reply, Request, Schedule, Write, b,
};

/// The Security pane's keys, as the help popup lists them.
pub const HELP: BindingGroup = BindingGroup {
    title: "Security pane",
    bindings: &[
        b("enter", "detail + history / open a group (esc back)"),
        b("pgdn pgup", "scroll the finding detail"),
        b("o", "open an offered runbook, its form filled in"),
        b("tab", "Security Hub / GuardDuty findings"),
        b("v", "group by control / resource / type / account / none"),
        b("s  w", "filter: minimum severity / workflow status"),
        b("R  p  t", "filter: record state / product / resource type"),
        b("a", "filter: member account (aggregated findings)"),
        b("m", "show / hide muted (SUPPRESSED) findings"),
        b("x", "reset the filters"),
        b("space", "mark / unmark a finding for triage"),
        b(
            "T",
            "triage: set workflow status with a note (plan, confirm, audited)",
        ),
        b("A", "archive GuardDuty findings (plan, confirm, audited)"),
    ],
};

impl SecurityState {
    /// `o` in the Security pane: the finding's offers, opened or listed.
    fn offer(&mut self) -> Option<Result<Request, String>> {
        let offers = self.offers();
        match offers.as_slice() {
            [] => Some(Err("no runbook is offered for this finding".to_string())),
            [one] => Some(Ok(offer_pick::open(one))),
            _ => {
                self.offer_pick = Some(OfferPick { offers, cursor: 0 });
                None
            }
        }
    }

    /// A key while the list of offers is open: the request to open the chosen one, if any.
    fn pick_key(&mut self, key: KeyEvent) -> Option<Request> {
        let pick = self.offer_pick.as_mut()?;
        match pick.on_key(key) {
            PickOutcome::Open => None,
            PickOutcome::Cancelled => {
                self.offer_pick = None;
                None
            }
            PickOutcome::Chosen(offer) => {
                self.offer_pick = None;
                Some(offer_pick::open(&offer))
            }
        }
    }

    /// Store a fetch result; an answer for filters no longer shown is dropped.
    pub fn store(&mut self, fetched: SecurityFetched, now: Epoch) {
        match fetched {
            SecurityFetched::Findings(filters, r) => {
                if filters != self.filters {
                    return;
                }
                if let Ok(found) = &r {
                    for f in found {
                        self.resource_types
                            .extend(f.resources.iter().map(|r| r.resource_type.clone()));
                        self.accounts.insert(f.account.clone());
                    }
                    if filters == FindingFilters::default() {
                        self.unfiltered = Some((HubCounts::of(found), found.complete));
                    }
                    self.findings_for = Some(filters);
                }
                self.paging = false;
                self.findings.set(r, now);
            }
            // A first page is shown only while no whole answer for these filters is held
            // (a refresh keeps showing the last whole answer until the new one is read).
            SecurityFetched::FindingsPage(filters, found) => {
                if filters != self.filters || (self.findings_current() && !self.paging) {
                    return;
                }
                for f in &found {
                    self.resource_types
                        .extend(f.resources.iter().map(|r| r.resource_type.clone()));
                    self.accounts.insert(f.account.clone());
                }
                self.findings_for = Some(filters);
                self.paging = true;
                self.findings.data = Some(Listing::partial(found));
                self.findings.fetched_at = Some(now);
            }
            SecurityFetched::Compliance(r) => self.compliance.set(r, now),
            SecurityFetched::Detectors(r) => self.detectors.set(r, now),
            SecurityFetched::GuardDuty(_, r) => {
                self.threats_paging = false;
                self.threats.set(r, now);
            }
            // As for Security Hub: only while no whole answer is held.
            SecurityFetched::GuardDutyPage(_, found) => {
                if self.threats.data.is_some() && !self.threats_paging {
                    return;
                }
                self.threats_paging = true;
                self.threats.data = Some(Listing::partial(found));
                self.threats.fetched_at = Some(now);
            }
            SecurityFetched::History(finding, r) => self.history.apply(finding, r, now),
        }
        self.refresh_rows();
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
            // The write may have reached Security Hub: the findings are read again (stale)
            // and show whether it landed.
            Err(e) if e.may_have_landed() => (
                format!(
                    "triage outcome UNKNOWN ({e}): reading the findings again to see whether it landed"
                ),
                Level::Warning,
            ),
            Err(e) => (format!("triage failed: {e}"), Level::Critical),
        }
    }
}

impl PaneState for SecurityState {
    type Source = SecuritySource;
    type Fetched = SecurityFetched;

    fn requested(&self) -> &HashMap<SecuritySource, Epoch> {
        &self.requested
    }

    fn requested_mut(&mut self) -> &mut HashMap<SecuritySource, Epoch> {
        &mut self.requested
    }

    fn mark_loading(&mut self, source: &SecuritySource) {
        match source {
            SecuritySource::Findings(_) => {
                self.stale = false;
                self.findings.loading = true;
            }
            SecuritySource::Compliance => self.compliance.loading = true,
            SecuritySource::Detectors => self.detectors.loading = true,
            SecuritySource::GuardDuty(_) => self.threats.loading = true,
            SecuritySource::History(finding) => self.history.mark_loading(finding),
        }
    }

    fn due(&self, _ctx: &PaneCtx, schedule: &Schedule<SecuritySource>) -> Vec<SecuritySource> {
        let mut due = Vec::new();
        let force = self.stale;
        let findings = self.findings_source();
        if force
            || schedule.is_due(
                &findings,
                self.findings.error.as_ref(),
                SECURITY_REFRESH_SECONDS,
            )
        {
            due.push(findings);
        }
        if force
            || schedule.is_due(
                &SecuritySource::Compliance,
                self.compliance.error.as_ref(),
                COMPLIANCE_REFRESH_SECONDS,
            )
        {
            due.push(SecuritySource::Compliance);
        }
        if schedule.is_due(
            &SecuritySource::Detectors,
            self.detectors.error.as_ref(),
            COMPLIANCE_REFRESH_SECONDS,
        ) {
            due.push(SecuritySource::Detectors);
        }
        if let Some(d) = self.detector() {
            let source = SecuritySource::GuardDuty(d.id.clone());
            if force
                || schedule.is_due(
                    &source,
                    self.threats.error.as_ref(),
                    SECURITY_REFRESH_SECONDS,
                )
            {
                due.push(source);
            }
        }
        let shown = self.detail_finding().map(Finding::reference);
        due.extend(self.history.due(shown.as_ref(), schedule, force));
        due
    }

    fn apply(&mut self, fetched: SecurityFetched, ctx: &PaneCtx) -> Reply<SecuritySource> {
        self.store(fetched, ctx.now);
        Reply::handled()
    }

    fn on_key(&mut self, key: KeyEvent, ctx: &PaneCtx) -> Reply<SecuritySource> {
        if self.offer_pick.is_some() {
            let mut reply = Reply::handled();
            if let Some(r) = self.pick_key(key) {
                reply = reply.request(r);
            }
            return reply;
        }
        if self.triage.is_none() && key.code == KeyCode::Char('o') {
            return match self.offer() {
                Some(Ok(r)) => Reply::handled().request(r),
                Some(Err(why)) => Reply::handled().status(why, Level::Warning),
                None => Reply::handled(),
            };
        }
        let opens = matches!(key.code, KeyCode::Char('T') | KeyCode::Char('A'));
        if opens && ctx.read_only && self.triage.is_none() {
            return Reply::handled()
                .status("read-only: triage writes are disabled", Level::Warning);
        }
        let result = self.handle_key(key, ctx);
        let mut reply = Reply::used(result.used);
        if result.refetch {
            reply = reply.fetch(self.findings_source());
        }
        if let Some((write, plan)) = result.write {
            reply = reply
                .status(format!("writing: {plan}"), Level::Warning)
                .request(Request::Write(Write::Triage(write)));
        }
        reply
    }

    fn captures_keys(&self) -> bool {
        SecurityState::captures_keys(self)
    }

    fn focused_list(&mut self) -> Option<&mut ListState> {
        Some(SecurityState::focused_list(self))
    }

    fn filter_changed(&mut self) {
        self.refresh_rows();
    }

    fn data_age(&self, now: Epoch) -> Option<i64> {
        match self.focus {
            SecurityFocus::Findings => self.findings.age(now),
            SecurityFocus::GuardDuty => self.threats.age(now),
        }
    }

    fn loading(&self) -> bool {
        self.findings.loading
            || self.compliance.loading
            || self.detectors.loading
            || self.threats.loading
            || self.history.data.loading
    }

    fn help(&self) -> BindingGroup {
        HELP
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::CloudError;

    #[test]
    fn a_triage_write_that_may_have_landed_is_unknown_and_read_again() {
        let mut s = SecurityState::default();
        let (text, level) = s.written(Err(CloudError::Server(
            "BatchUpdateFindings: HTTP 500".into(),
        )));
        assert!(text.contains("outcome UNKNOWN"), "{text}");
        assert_eq!(level, Level::Warning);
        assert!(s.stale, "the findings are read again");
        let (text, level) = s.written(Err(CloudError::AccessDenied("no".into())));
        assert!(text.starts_with("triage failed"), "{text}");
        assert_eq!(level, Level::Critical);
    }

    fn findings(n: usize) -> Vec<Finding> {
        (0..n)
            .map(|i| Finding {
                id: format!("f-{i}"),
                title: format!("finding {i}"),
                ..Finding::default()
            })
            .collect()
    }

    #[test]
    fn the_first_pages_show_until_the_whole_answer_replaces_them() {
        let mut s = SecurityState::default();
        let filters = s.filters.clone();
        s.store(
            SecurityFetched::FindingsPage(filters.clone(), findings(100)),
            10,
        );
        assert!(s.paging && s.findings_current());
        assert_eq!(s.rows.findings.len(), 100, "the first page is on screen");
        assert!(!s.findings_complete(), "counted as a lower bound");
        s.store(
            SecurityFetched::FindingsPage(filters.clone(), findings(200)),
            11,
        );
        assert_eq!(s.rows.findings.len(), 200, "the list fills as pages come");
        s.store(
            SecurityFetched::Findings(filters.clone(), Ok(Listing::complete(findings(250)))),
            12,
        );
        assert!(!s.paging && s.findings_complete());
        assert_eq!(s.rows.findings.len(), 250);
        // The next refresh's first page does not replace the whole answer held.
        s.store(SecurityFetched::FindingsPage(filters, findings(100)), 70);
        assert_eq!(s.rows.findings.len(), 250);
        assert!(!s.paging);
        // Nor does a page for filters no longer shown.
        let other = FindingFilters {
            products: vec!["GuardDuty".into()],
            ..FindingFilters::default()
        };
        s.store(SecurityFetched::FindingsPage(other, findings(5)), 71);
        assert_eq!(s.rows.findings.len(), 250);
    }

    #[test]
    fn guardduty_pages_show_until_the_whole_answer_and_never_replace_it() {
        let threat = |i: usize| crate::cloud::ThreatFinding {
            id: format!("t-{i}"),
            ..Default::default()
        };
        let mut s = SecurityState::default();
        s.store(
            SecurityFetched::GuardDutyPage("det".into(), vec![threat(0)]),
            1,
        );
        assert!(s.threats_paging && !s.threats_complete());
        assert_eq!(s.threats.data.as_ref().map(|l| l.len()), Some(1));
        let whole = Listing::complete((0..3).map(threat).collect());
        s.store(SecurityFetched::GuardDuty("det".into(), Ok(whole)), 2);
        assert!(!s.threats_paging && s.threats_complete());
        s.store(
            SecurityFetched::GuardDutyPage("det".into(), vec![threat(9)]),
            60,
        );
        assert_eq!(s.threats.data.as_ref().map(|l| l.len()), Some(3), "kept");
    }
}
