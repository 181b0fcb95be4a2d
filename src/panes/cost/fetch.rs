//! Cost Explorer through the disk cache: what the Cost pane and `opsdeck cost` ask for,
//! and the one function that decides whether a paid request is made.
//!
//! A [`CostFetch`] carries its [`CostAccess`]: `CacheOnly` never calls Cost Explorer (the
//! console uses it until the user consents), `Paid` calls it when the cache has no fresh
//! answer, `Simulated` calls the simulated account directly (nothing billed, no cache).

use serde::{Deserialize, Serialize};

use crate::cloud::{
    CloudResult, CostAnomalies, CostAnomalyRequest, CostFilter, CostForecast, CostForecastRequest,
    CostMetric, CostRead, CostUsage, CostUsageRequest, DAY, Epoch, day_start, next_month_start,
};
use crate::cost_cache::CostCache;

/// Days of daily cost fetched: the last 30 days and the 30 before them (which also
/// always covers the month to date).
pub const USAGE_DAYS: i64 = 60;
/// Days of anomalies fetched.
pub const ANOMALY_DAYS: i64 = 30;
/// What one Cost Explorer request (page) costs, in USD.
pub const USD_PER_REQUEST: f64 = 0.01;

/// One Cost Explorer question.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CostQuery {
    Usage(CostUsageRequest),
    Forecast(CostForecastRequest),
    Anomalies(CostAnomalyRequest),
}

/// Which widget a query feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CostKind {
    Usage,
    Forecast(CostMetric),
    Anomalies,
}

impl CostQuery {
    /// The three questions the Cost pane asks at `now`, for `filter`.
    pub fn all(now: Epoch, filter: &CostFilter, metric: CostMetric) -> [CostQuery; 3] {
        let today = day_start(now);
        let account = match filter {
            CostFilter::LinkedAccount(a) => Some(a.clone()),
            CostFilter::Tag { .. } => None,
        };
        [
            CostQuery::Usage(CostUsageRequest {
                start: today - USAGE_DAYS * DAY,
                end: today + DAY,
                filter: filter.clone(),
            }),
            CostQuery::Forecast(CostForecastRequest {
                start: today,
                end: next_month_start(now),
                metric,
                filter: filter.clone(),
            }),
            CostQuery::Anomalies(CostAnomalyRequest {
                start: today - ANOMALY_DAYS * DAY,
                end: today,
                account,
            }),
        ]
    }

    /// The widget this query feeds.
    pub fn kind(&self) -> CostKind {
        match self {
            CostQuery::Usage(_) => CostKind::Usage,
            CostQuery::Forecast(r) => CostKind::Forecast(r.metric),
            CostQuery::Anomalies(_) => CostKind::Anomalies,
        }
    }

    /// The cache key: the whole request, so any change of dates, metric or filter misses.
    pub fn cache_key(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| format!("{self:?}"))
    }
}

/// Whether a fetch may call Cost Explorer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CostAccess {
    /// The disk cache only (stale answers too); never a paid request.
    CacheOnly,
    /// A fresh cache entry, else Cost Explorer (paid), whose answer is then cached.
    Paid,
    /// The simulated account: asked directly, no cache, nothing billed.
    Simulated,
}

/// A query and how it may be answered: the Cost pane's `Source`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CostFetch {
    pub query: CostQuery,
    pub access: CostAccess,
}

/// An answer's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CostData {
    Usage(CostUsage),
    Forecast(CostForecast),
    Anomalies(CostAnomalies),
}

impl CostData {
    /// Requests (pages) Cost Explorer needed for this data.
    pub fn requests(&self) -> u32 {
        match self {
            CostData::Usage(u) => u.requests,
            CostData::Forecast(f) => f.requests,
            CostData::Anomalies(a) => a.requests,
        }
    }

    fn answers(&self, query: &CostQuery) -> bool {
        matches!(
            (self, query),
            (CostData::Usage(_), CostQuery::Usage(_))
                | (CostData::Forecast(_), CostQuery::Forecast(_))
                | (CostData::Anomalies(_), CostQuery::Anomalies(_))
        )
    }
}

/// What a [`CostFetch`] produced.
#[derive(Debug, Clone, PartialEq)]
pub struct CostAnswer {
    /// `None`: nothing cached and no consent to call Cost Explorer.
    pub data: Option<CostData>,
    /// When the data came from Cost Explorer (a cached answer's store time); `None` when
    /// it was just fetched from the simulated account.
    pub stored_at: Option<Epoch>,
    /// Younger than the cache's TTL (or just fetched).
    pub fresh: bool,
    /// Requests this fetch sent to Cost Explorer (billed unless simulated).
    pub requests_made: u32,
}

async fn ask(read: &dyn CostRead, query: &CostQuery) -> CloudResult<CostData> {
    Ok(match query {
        CostQuery::Usage(r) => CostData::Usage(read.cost_and_usage(r).await?),
        CostQuery::Forecast(r) => CostData::Forecast(read.cost_forecast(r).await?),
        CostQuery::Anomalies(r) => CostData::Anomalies(read.cost_anomalies(r).await?),
    })
}

/// Answer `fetch` for environment `env` at wall-clock `now`, through `cache` (if any).
/// Only `Paid` (without a fresh entry) and `Simulated` call `read`.
pub async fn run(
    read: &dyn CostRead,
    cache: Option<&CostCache>,
    env: &str,
    fetch: &CostFetch,
    now: Epoch,
) -> CloudResult<CostAnswer> {
    if fetch.access == CostAccess::Simulated {
        let data = ask(read, &fetch.query).await?;
        return Ok(CostAnswer {
            requests_made: data.requests(),
            data: Some(data),
            stored_at: None,
            fresh: true,
        });
    }
    let key = fetch.query.cache_key();
    let cached = cache
        .and_then(|c| c.get::<CostData>(env, &key))
        .filter(|c| c.value.answers(&fetch.query));
    let fresh = |stored_at| cache.is_some_and(|c| c.is_fresh(stored_at, now));
    match cached {
        Some(c) if fresh(c.stored_at) || fetch.access == CostAccess::CacheOnly => {
            return Ok(CostAnswer {
                fresh: fresh(c.stored_at),
                data: Some(c.value),
                stored_at: Some(c.stored_at),
                requests_made: 0,
            });
        }
        None if fetch.access == CostAccess::CacheOnly => {
            return Ok(CostAnswer {
                data: None,
                stored_at: None,
                fresh: false,
                requests_made: 0,
            });
        }
        _ => {}
    }
    let data = ask(read, &fetch.query).await?;
    if let Some(c) = cache
        && let Err(err) = c.put(env, &key, &data, now)
    {
        tracing::warn!(%err, "could not write the cost cache");
    }
    Ok(CostAnswer {
        requests_made: data.requests(),
        data: Some(data),
        stored_at: Some(now),
        fresh: true,
    })
}
