//! The history (`GetFindingHistory`) of the Security Hub finding open in the detail view:
//! fetched in the background when the detail opens or shows another finding, refreshed
//! with the findings; an endpoint that said it does not support it is asked again only
//! after ten minutes.

use super::sources::SecuritySource;
use crate::cloud::{CloudError, CloudResult, Epoch, FindingHistoryRecord, FindingRef};
use crate::panes::kit::loadable::Loadable;
use crate::panes::kit::schedule::Schedule;

/// The history refreshes as often as the findings.
pub const HISTORY_REFRESH_SECONDS: i64 = super::sources::SECURITY_REFRESH_SECONDS;

/// The history of one finding.
#[derive(Debug, Clone, Default)]
pub struct HistoryState {
    /// The finding `data` belongs to.
    pub of: Option<FindingRef>,
    pub data: Loadable<Vec<FindingHistoryRecord>>,
}

impl HistoryState {
    /// The history of `finding`, if it is the one held (else it is about to be fetched).
    pub fn of(&self, finding: &FindingRef) -> Option<&Loadable<Vec<FindingHistoryRecord>>> {
        (self.of.as_ref() == Some(finding)).then_some(&self.data)
    }

    /// True once the endpoint answered that it lacks `GetFindingHistory`.
    pub fn unsupported(&self) -> bool {
        matches!(self.data.error, Some(CloudError::Unsupported(_)))
    }

    /// The fetch due for `shown` (the finding in the detail view), if any: always for a
    /// finding not held yet, on `force`, else on the schedule unless unsupported.
    pub fn due(
        &self,
        shown: Option<&FindingRef>,
        schedule: &Schedule<SecuritySource>,
        force: bool,
    ) -> Option<SecuritySource> {
        let shown = shown.filter(|r| !r.id.is_empty())?;
        let source = SecuritySource::History(shown.clone());
        let held = self.of.as_ref() == Some(shown);
        // An endpoint that said "unsupported" is asked again after the schedule's wait
        // for it (ten minutes), never silenced for the session.
        let forced = force && !self.unsupported();
        let due = !held
            || forced
            || schedule.is_due(&source, self.data.error.as_ref(), HISTORY_REFRESH_SECONDS);
        (due && !(held && self.data.loading)).then_some(source)
    }

    /// A fetch for `finding` started: forget another finding's history.
    pub fn mark_loading(&mut self, finding: &FindingRef) {
        if self.of.as_ref() != Some(finding) {
            self.of = Some(finding.clone());
            self.data = Loadable::default();
        }
        self.data.loading = true;
    }

    /// Store an answer (dropped when it is for a finding no longer shown).
    pub fn apply(
        &mut self,
        finding: FindingRef,
        result: CloudResult<Vec<FindingHistoryRecord>>,
        now: Epoch,
    ) {
        if self.of.as_ref() == Some(&finding) {
            self.data.set(result, now);
        }
    }
}

/// Newest first (records without a time last), keeping the API's order for ties.
pub fn newest_first(records: &[FindingHistoryRecord]) -> Vec<&FindingHistoryRecord> {
    let mut v: Vec<&FindingHistoryRecord> = records.iter().collect();
    v.sort_by_key(|r| std::cmp::Reverse(r.at.unwrap_or(i64::MIN)));
    v
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn r(id: &str) -> FindingRef {
        FindingRef {
            id: id.into(),
            product_arn: "arn:p".into(),
        }
    }

    #[test]
    fn fetched_when_shown_then_on_schedule_and_again_after_the_unsupported_wait() {
        let mut last = HashMap::new();
        let mut h = HistoryState::default();
        let s = Schedule {
            now: 100,
            last_requested: &last,
            force: false,
        };
        assert_eq!(h.due(None, &s, false), None);
        assert_eq!(
            h.due(Some(&FindingRef::default()), &s, false),
            None,
            "no id"
        );
        assert_eq!(
            h.due(Some(&r("a")), &s, false),
            Some(SecuritySource::History(r("a")))
        );
        h.mark_loading(&r("a"));
        assert_eq!(h.due(Some(&r("a")), &s, false), None, "in flight");
        last.insert(SecuritySource::History(r("a")), 100);
        h.apply(r("a"), Ok(vec![]), 100);
        let s = Schedule {
            now: 110,
            last_requested: &last,
            force: false,
        };
        assert_eq!(h.due(Some(&r("a")), &s, false), None);
        assert!(h.due(Some(&r("a")), &s, true).is_some(), "after a write");
        assert!(h.due(Some(&r("b")), &s, false).is_some(), "another finding");
        // An answer for a finding no longer shown is dropped.
        h.mark_loading(&r("b"));
        h.apply(r("a"), Ok(vec![FindingHistoryRecord::default()]), 120);
        assert!(h.of(&r("a")).is_none());
        h.apply(
            r("b"),
            Err(CloudError::Unsupported("GetFindingHistory".into())),
            120,
        );
        assert!(h.unsupported());
        last.insert(SecuritySource::History(r("b")), 120);
        let soon = Schedule {
            now: 400,
            last_requested: &last,
            force: false,
        };
        assert_eq!(h.due(Some(&r("b")), &soon, true), None, "not at once");
        let later = Schedule {
            now: 120 + 601,
            last_requested: &last,
            force: false,
        };
        assert!(
            h.due(Some(&r("b")), &later, false).is_some(),
            "asked again after ten minutes: a transient answer never silences it"
        );
    }

    #[test]
    fn newest_first_puts_undated_last() {
        let rec = |at| FindingHistoryRecord {
            at,
            ..Default::default()
        };
        let all = [rec(Some(1)), rec(None), rec(Some(3))];
        let sorted: Vec<Option<Epoch>> = newest_first(&all).iter().map(|r| r.at).collect();
        assert_eq!(sorted, vec![Some(3), Some(1), None]);
    }
}
