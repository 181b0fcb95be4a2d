//! Cost Explorer: the read trait, its requests and answers, and UTC day arithmetic.
//!
//! Every Cost Explorer request is billed ($0.01, each page counts), so every answer says
//! how many requests it took (`requests`). Caching and consent live above this boundary
//! (`crate::cost_cache`, `crate::panes::cost::fetch`); the trait is a plain reader.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime};

use super::error::CloudResult;
use super::types::Epoch;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Which cost figure to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum CostMetric {
    /// What was billed on the day it was used.
    #[default]
    Unblended,
    /// Upfront and recurring reservation / Savings Plans fees spread over the period.
    Amortized,
}

impl CostMetric {
    /// The `Metrics` name in `GetCostAndUsage` (`UnblendedCost`).
    pub fn usage_name(self) -> &'static str {
        match self {
            CostMetric::Unblended => "UnblendedCost",
            CostMetric::Amortized => "AmortizedCost",
        }
    }

    /// The `Metric` name in `GetCostForecast` (`UNBLENDED_COST`).
    pub fn forecast_name(self) -> &'static str {
        match self {
            CostMetric::Unblended => "UNBLENDED_COST",
            CostMetric::Amortized => "AMORTIZED_COST",
        }
    }

    /// A short label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            CostMetric::Unblended => "unblended",
            CostMetric::Amortized => "amortized",
        }
    }

    /// The other metric.
    pub fn toggled(self) -> CostMetric {
        match self {
            CostMetric::Unblended => CostMetric::Amortized,
            CostMetric::Amortized => CostMetric::Unblended,
        }
    }
}

/// Which part of the bill belongs to the environment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CostFilter {
    /// A cost-allocation tag (the seed tags everything `Environment = dev|staging|prod`).
    Tag { key: String, value: String },
    /// One linked account (environments in separate accounts).
    LinkedAccount(String),
}

impl CostFilter {
    /// A readable form, e.g. `tag Environment=prod`.
    pub fn describe(&self) -> String {
        match self {
            CostFilter::Tag { key, value } => format!("tag {key}={value}"),
            CostFilter::LinkedAccount(a) => format!("account {a}"),
        }
    }
}

/// `GetCostAndUsage`: daily, `UnblendedCost` and `AmortizedCost`, grouped by SERVICE,
/// for days `start..end` (midnight UTC, end exclusive).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CostUsageRequest {
    pub start: Epoch,
    pub end: Epoch,
    pub filter: CostFilter,
}

/// One service's cost on one day, in both metrics.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ServiceCost {
    pub service: String,
    pub unblended: f64,
    pub amortized: f64,
}

impl ServiceCost {
    /// The amount in `metric`.
    pub fn amount(&self, metric: CostMetric) -> f64 {
        match metric {
            CostMetric::Unblended => self.unblended,
            CostMetric::Amortized => self.amortized,
        }
    }
}

/// One day of cost by service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DailyCost {
    /// Midnight UTC of the day.
    pub day: Epoch,
    /// Cost Explorer has not finalised the day yet.
    pub estimated: bool,
    pub services: Vec<ServiceCost>,
}

impl DailyCost {
    /// The day's total in `metric`.
    pub fn total(&self, metric: CostMetric) -> f64 {
        self.services.iter().map(|s| s.amount(metric)).sum()
    }
}

/// The answer to a [`CostUsageRequest`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CostUsage {
    /// Days in order.
    pub days: Vec<DailyCost>,
    /// Currency, e.g. `USD`.
    pub unit: String,
    /// Paid requests (pages) this answer took.
    pub requests: u32,
}

/// `GetCostForecast` of one metric for `start..end` (today to the first of next month).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CostForecastRequest {
    pub start: Epoch,
    pub end: Epoch,
    pub metric: CostMetric,
    pub filter: CostFilter,
}

/// The forecast for the rest of the period (not including what was already spent).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CostForecast {
    pub mean: f64,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub unit: String,
    pub requests: u32,
}

/// `GetAnomalies` for detections between `start` and `end` (midnight UTC).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CostAnomalyRequest {
    pub start: Epoch,
    pub end: Epoch,
    /// Keep only anomalies whose root causes name this linked account.
    pub account: Option<String>,
}

/// One root cause Cost Anomaly Detection names.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AnomalyCause {
    pub service: Option<String>,
    pub region: Option<String>,
    pub usage_type: Option<String>,
    pub linked_account: Option<String>,
}

/// One detected anomaly.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CostAnomaly {
    pub id: String,
    pub start: Option<Epoch>,
    pub end: Option<Epoch>,
    /// Cost above expectation over the anomaly's duration.
    pub total_impact: f64,
    pub max_impact: f64,
    pub root_causes: Vec<AnomalyCause>,
}

impl CostAnomaly {
    /// The first root cause's service, if any.
    pub fn root_service(&self) -> Option<&str> {
        self.root_causes.iter().find_map(|c| c.service.as_deref())
    }
}

/// The answer to a [`CostAnomalyRequest`], biggest impact first.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CostAnomalies {
    pub anomalies: Vec<CostAnomaly>,
    pub requests: u32,
}

/// Read access to Cost Explorer (billed per request; callers cache).
#[async_trait]
pub trait CostRead: Send + Sync {
    /// `GetCostAndUsage` (all pages).
    async fn cost_and_usage(&self, request: &CostUsageRequest) -> CloudResult<CostUsage>;
    /// `GetCostForecast`.
    async fn cost_forecast(&self, request: &CostForecastRequest) -> CloudResult<CostForecast>;
    /// `GetAnomalies` (all pages).
    async fn cost_anomalies(&self, request: &CostAnomalyRequest) -> CloudResult<CostAnomalies>;
}

/// Midnight UTC of the day containing `t`.
pub fn day_start(t: Epoch) -> Epoch {
    t.div_euclid(DAY) * DAY
}

fn date_of(t: Epoch) -> Date {
    OffsetDateTime::from_unix_timestamp(t)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .date()
}

fn epoch_of(d: Date) -> Epoch {
    d.midnight().assume_utc().unix_timestamp()
}

/// Midnight UTC on the first of the month containing `t`.
pub fn month_start(t: Epoch) -> Epoch {
    let d = date_of(t);
    Date::from_calendar_date(d.year(), d.month(), 1).map_or(day_start(t), epoch_of)
}

/// Midnight UTC on the first of the month after the one containing `t`.
pub fn next_month_start(t: Epoch) -> Epoch {
    let d = date_of(t);
    let (year, month) = match d.month() {
        Month::December => (d.year() + 1, Month::January),
        m => (d.year(), m.next()),
    };
    Date::from_calendar_date(year, month, 1).map_or(day_start(t) + 31 * DAY, epoch_of)
}

/// `YYYY-MM-DD` of the day containing `t` (Cost Explorer's date format).
pub fn ymd(t: Epoch) -> String {
    let d = date_of(t);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Midnight UTC of a `YYYY-MM-DD` date (or of an RFC 3339 timestamp's date).
pub fn parse_ymd(s: &str) -> Option<Epoch> {
    let head = s.get(..10)?;
    let mut parts = head.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    let month = Month::try_from(month).ok()?;
    Date::from_calendar_date(year, month, day)
        .ok()
        .map(epoch_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_helpers() {
        // 2026-09-15T13:00:00Z
        let t = 1_789_430_400 + 13 * 3600;
        assert_eq!(ymd(t), "2026-09-15");
        assert_eq!(ymd(month_start(t)), "2026-09-01");
        assert_eq!(ymd(next_month_start(t)), "2026-10-01");
        let dec = parse_ymd("2026-12-31").unwrap();
        assert_eq!(ymd(next_month_start(dec)), "2027-01-01");
        assert_eq!(parse_ymd("2026-09-15T00:00:00Z"), Some(day_start(t)));
        assert_eq!(parse_ymd("junk"), None);
        assert_eq!(parse_ymd("2026-13-01"), None);
        assert_eq!(day_start(-1), -DAY);
    }

    #[test]
    fn metric_names() {
        assert_eq!(CostMetric::Amortized.usage_name(), "AmortizedCost");
        assert_eq!(CostMetric::Unblended.forecast_name(), "UNBLENDED_COST");
        assert_eq!(CostMetric::Unblended.toggled(), CostMetric::Amortized);
    }
}
