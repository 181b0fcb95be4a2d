//! State of the Cost pane: the three Cost Explorer answers, the metric shown, and spend
//! control (what a refresh would cost, the once-per-session consent, requests made).
//!
//! Until the user consents, fetches read the disk cache only; stale or missing answers
//! are collected in `needed` and a popup offers to fetch them (`y`) or not (`n`). After
//! consent, fetches may call Cost Explorer when the cache has no fresh answer. The
//! simulated account needs no consent.

use std::collections::{BTreeMap, HashMap};

use crossterm::event::{KeyCode, KeyEvent};

use super::fetch::{CostAccess, CostData, CostFetch, CostKind, CostQuery};
use super::sources::CostFetched;
use crate::cloud::{
    CallerIdentity, CloudResult, CostAnomalies, CostFilter, CostForecast, CostMetric, CostUsage,
    Epoch,
};
use crate::config::{CostFilterKind, Environment};
use crate::panes::kit::{Loadable, Schedule};

/// How often the pane re-reads its sources (a fresh cache answer costs nothing).
pub const COST_REFRESH_SECONDS: i64 = 300;

/// Whether the user allowed paid Cost Explorer requests in this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Consent {
    #[default]
    Unasked,
    Granted,
}

/// Everything the Cost pane shows.
#[derive(Debug, Clone, Default)]
pub struct CostState {
    pub metric: CostMetric,
    pub usage: Loadable<CostUsage>,
    pub forecast_unblended: Loadable<CostForecast>,
    pub forecast_amortized: Loadable<CostForecast>,
    pub anomalies: Loadable<CostAnomalies>,
    /// Answers that are stale or missing, with the requests (pages) each last took.
    pub needed: BTreeMap<String, u32>,
    /// Survives environment switches: asked once per session.
    pub consent: Consent,
    /// The popup was answered "not now"; `r` asks again.
    pub dismissed: bool,
    /// Cost Explorer requests made this session per environment (billed unless
    /// `simulated`).
    pub requests_by_env: BTreeMap<String, u32>,
    /// The environment this state is for (its requests are counted under its name).
    pub env: String,
    /// Requests went to the simulated account.
    pub simulated: bool,
    /// When each question was last asked.
    pub requested: HashMap<CostFetch, Epoch>,
}

fn kind_name(kind: CostKind) -> String {
    match kind {
        CostKind::Usage => "GetCostAndUsage".into(),
        CostKind::Forecast(m) => format!("GetCostForecast ({})", m.label()),
        CostKind::Anomalies => "GetAnomalies".into(),
    }
}

/// The part of the bill that is the environment's: its `Environment` tag, or its linked
/// account (`account_id`, else the caller's account once known).
pub fn cost_filter(env: &Environment, identity: Option<&CallerIdentity>) -> Option<CostFilter> {
    match env.cost_filter {
        CostFilterKind::Tag => Some(CostFilter::Tag {
            key: "Environment".into(),
            value: env.name.clone(),
        }),
        CostFilterKind::Account => env
            .account_id
            .clone()
            .or_else(|| {
                identity
                    .map(|i| i.account.clone())
                    .filter(|a| !a.is_empty())
            })
            .map(CostFilter::LinkedAccount),
    }
}

impl CostState {
    /// A fresh state for another environment, keeping what belongs to the session.
    pub fn for_new_environment(&self, env: &str) -> CostState {
        CostState {
            metric: self.metric,
            consent: self.consent,
            requests_by_env: self.requests_by_env.clone(),
            env: env.to_string(),
            simulated: self.simulated,
            ..CostState::default()
        }
    }

    /// Cost Explorer requests made this session for this state's environment.
    pub fn requests_made(&self) -> u32 {
        self.requests_by_env.get(&self.env).copied().unwrap_or(0)
    }

    /// The forecast in `metric`.
    pub fn forecast(&self, metric: CostMetric) -> &Loadable<CostForecast> {
        match metric {
            CostMetric::Unblended => &self.forecast_unblended,
            CostMetric::Amortized => &self.forecast_amortized,
        }
    }

    fn forecast_mut(&mut self, metric: CostMetric) -> &mut Loadable<CostForecast> {
        match metric {
            CostMetric::Unblended => &mut self.forecast_unblended,
            CostMetric::Amortized => &mut self.forecast_amortized,
        }
    }

    /// Paid requests a refresh would make now (each stale or missing answer's last page count).
    pub fn pending_requests(&self) -> u32 {
        self.needed.values().sum()
    }

    /// The consent popup is showing.
    pub fn asking(&self) -> bool {
        self.consent == Consent::Unasked && !self.dismissed && !self.needed.is_empty()
    }

    /// Age in seconds of the oldest answer shown.
    pub fn data_age(&self, now: Epoch) -> Option<i64> {
        [
            self.usage.age(now),
            self.forecast(self.metric).age(now),
            self.anomalies.age(now),
        ]
        .into_iter()
        .flatten()
        .max()
    }

    /// Handle a pane key; false when it is not the pane's.
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Char('m') => self.metric = self.metric.toggled(),
            KeyCode::Char('y') if self.asking() => self.consent = Consent::Granted,
            KeyCode::Char('n') if self.asking() => self.dismissed = true,
            _ => return false,
        }
        true
    }

    /// Store a fetch result that belongs to this pane.
    pub fn store(&mut self, fetched: CostFetched, now: Epoch) {
        let CostFetched { fetch, result } = fetched;
        let kind = fetch.query.kind();
        let name = kind_name(kind);
        let answer = match result {
            Ok(answer) => answer,
            Err(e) => {
                self.set(kind, Err(e), now, None);
                return;
            }
        };
        let made = self.requests_by_env.entry(self.env.clone()).or_default();
        *made = made.saturating_add(answer.requests_made);
        self.simulated = fetch.access == CostAccess::Simulated;
        let last_pages = answer.data.as_ref().map_or(1, |d| d.requests().max(1));
        if answer.fresh {
            self.needed.remove(&name);
        } else {
            self.needed.insert(name, last_pages);
        }
        match answer.data {
            Some(data) => self.set(kind, Ok(data), now, answer.stored_at),
            None => self.set_loading(kind, false),
        }
    }

    fn set(&mut self, kind: CostKind, r: CloudResult<CostData>, now: Epoch, at: Option<Epoch>) {
        let fetched_at = at.unwrap_or(now);
        match (kind, r) {
            (CostKind::Usage, Ok(CostData::Usage(u))) => {
                self.usage.set(Ok(u), now);
                self.usage.fetched_at = Some(fetched_at);
            }
            (CostKind::Forecast(m), Ok(CostData::Forecast(f))) => {
                let l = self.forecast_mut(m);
                l.set(Ok(f), now);
                l.fetched_at = Some(fetched_at);
            }
            (CostKind::Anomalies, Ok(CostData::Anomalies(a))) => {
                self.anomalies.set(Ok(a), now);
                self.anomalies.fetched_at = Some(fetched_at);
            }
            (CostKind::Usage, Err(e)) => self.usage.set(Err(e), now),
            (CostKind::Forecast(m), Err(e)) => self.forecast_mut(m).set(Err(e), now),
            (CostKind::Anomalies, Err(e)) => self.anomalies.set(Err(e), now),
            // An answer of another shape cannot happen (`cost_fetch` checks it).
            (kind, Ok(_)) => self.set_loading(kind, false),
        }
    }

    fn set_loading(&mut self, kind: CostKind, loading: bool) {
        match kind {
            CostKind::Usage => self.usage.loading = loading,
            CostKind::Forecast(m) => self.forecast_mut(m).loading = loading,
            CostKind::Anomalies => self.anomalies.loading = loading,
        }
    }

    /// Mark a question as being asked.
    pub fn mark_asking(&mut self, fetch: &CostFetch) {
        self.set_loading(fetch.query.kind(), true);
    }

    /// This pane's sources that are due under `schedule`. `filter` is `None` while the
    /// account to filter by is not known yet; `simulated` for the simulated account.
    pub fn due_questions(
        &self,
        schedule: &Schedule<CostFetch>,
        filter: Option<&CostFilter>,
        simulated: bool,
    ) -> Vec<CostFetch> {
        let Some(filter) = filter else {
            return Vec::new();
        };
        let access = if simulated {
            CostAccess::Simulated
        } else if self.consent == Consent::Granted {
            CostAccess::Paid
        } else {
            CostAccess::CacheOnly
        };
        CostQuery::all(schedule.now, filter, self.metric)
            .into_iter()
            .filter_map(|query| {
                let error = match query.kind() {
                    CostKind::Usage => self.usage.error.as_ref(),
                    CostKind::Forecast(m) => self.forecast(m).error.as_ref(),
                    CostKind::Anomalies => self.anomalies.error.as_ref(),
                };
                let source = CostFetch { query, access };
                schedule
                    .is_due(&source, error, COST_REFRESH_SECONDS)
                    .then_some(source)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::cloud::CloudError;
    use crate::panes::cost::fetch::CostAnswer;
    use crossterm::event::KeyModifiers;

    fn tag() -> CostFilter {
        CostFilter::Tag {
            key: "Environment".into(),
            value: "prod".into(),
        }
    }

    fn due(s: &mut CostState, simulated: bool) -> Vec<CostFetch> {
        let last = HashMap::new();
        let schedule = Schedule {
            now: 1_000_000,
            last_requested: &last,
            force: false,
        };
        s.due_questions(&schedule, Some(&tag()), simulated)
    }

    fn press(s: &mut CostState, c: char) {
        s.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }

    #[test]
    fn cache_only_until_consent_then_paid() {
        let mut s = CostState::default();
        let fetches = due(&mut s, false);
        assert_eq!(fetches.len(), 3);
        assert!(fetches.iter().all(|f| f.access == CostAccess::CacheOnly));
        // A miss and a stale answer that took 2 pages: 3 paid requests pending.
        s.store(
            CostFetched {
                fetch: fetches[1].clone(),
                result: Ok(CostAnswer {
                    data: None,
                    stored_at: None,
                    fresh: false,
                    requests_made: 0,
                }),
            },
            10,
        );
        s.store(
            CostFetched {
                fetch: fetches[0].clone(),
                result: Ok(CostAnswer {
                    data: Some(CostData::Usage(CostUsage {
                        requests: 2,
                        ..Default::default()
                    })),
                    stored_at: Some(5),
                    fresh: false,
                    requests_made: 0,
                }),
            },
            10,
        );
        assert_eq!(s.pending_requests(), 3);
        assert!(s.asking());
        assert_eq!(s.usage.age(10), Some(5), "the cache's age, not the read's");
        press(&mut s, 'n');
        assert!(!s.asking());
        assert_eq!(s.consent, Consent::Unasked);
        s.dismissed = false;
        press(&mut s, 'y');
        assert_eq!(s.consent, Consent::Granted);
        assert!(
            due(&mut s, false)
                .iter()
                .all(|f| f.access == CostAccess::Paid)
        );
        let next = s.for_new_environment("staging");
        assert_eq!(next.consent, Consent::Granted, "once per session");
        assert!(next.needed.is_empty());
    }

    #[test]
    fn simulated_needs_no_consent_but_counts_requests() {
        let mut s = CostState::default();
        let fetches = due(&mut s, true);
        assert!(fetches.iter().all(|f| f.access == CostAccess::Simulated));
        s.store(
            CostFetched {
                fetch: fetches[2].clone(),
                result: Ok(CostAnswer {
                    data: Some(CostData::Anomalies(CostAnomalies::default())),
                    stored_at: None,
                    fresh: true,
                    requests_made: 1,
                }),
            },
            10,
        );
        assert_eq!((s.requests_made(), s.simulated), (1, true));
        assert!(!s.asking());
        assert_eq!(s.anomalies.age(12), Some(2));
    }

    #[test]
    fn errors_stay_with_their_widget() {
        let mut s = CostState::default();
        let fetches = due(&mut s, true);
        s.store(
            CostFetched {
                fetch: fetches[0].clone(),
                result: Err(CloudError::AccessDenied("ce:GetCostAndUsage".into())),
            },
            10,
        );
        assert!(s.usage.error.is_some());
        assert!(s.anomalies.error.is_none());
        assert!(s.forecast(CostMetric::Unblended).error.is_none());
    }

    #[test]
    fn m_switches_metric_and_the_forecast_it_needs() {
        let mut s = CostState::default();
        press(&mut s, 'm');
        assert_eq!(s.metric, CostMetric::Amortized);
        let fetches = due(&mut s, true);
        assert!(fetches.iter().any(
            |f| matches!(&f.query, CostQuery::Forecast(r) if r.metric == CostMetric::Amortized)
        ));
    }

    #[test]
    fn account_filter_waits_for_the_account() {
        let mut env = Environment::with_defaults("cloudplatform", "prod");
        assert!(matches!(
            cost_filter(&env, None),
            Some(CostFilter::Tag { .. })
        ));
        env.cost_filter = CostFilterKind::Account;
        assert_eq!(cost_filter(&env, None), None);
        let me = CallerIdentity {
            account: "333333333333".into(),
            ..Default::default()
        };
        assert_eq!(
            cost_filter(&env, Some(&me)),
            Some(CostFilter::LinkedAccount("333333333333".into()))
        );
        env.account_id = Some("1".into());
        assert_eq!(
            cost_filter(&env, Some(&me)),
            Some(CostFilter::LinkedAccount("1".into()))
        );
    }
}
