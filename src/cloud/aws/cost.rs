//! Cost Explorer calls: `GetCostAndUsage`, `GetCostForecast`, `GetAnomalies`. Every page
//! is a paid request and is counted in the answer. The client is pinned to us-east-1 in
//! `clients.rs`.

use std::collections::BTreeMap;

use aws_sdk_costexplorer::Client;
use aws_sdk_costexplorer::types::{
    AnomalyDateInterval, DateInterval, Dimension, DimensionValues, Expression, Granularity, Group,
    GroupDefinition, GroupDefinitionType, MatchOption, Metric, MetricValue, TagValues,
};

use super::error_map::map_sdk_error;
use crate::cloud::{
    AnomalyCause, CloudError, CloudResult, CostAnomalies, CostAnomaly, CostAnomalyRequest,
    CostFilter, CostForecast, CostForecastRequest, CostMetric, CostUsage, CostUsageRequest,
    DailyCost, ServiceCost, parse_ymd, ymd,
};

/// A guard against an endpoint that keeps returning a next page token.
const MAX_PAGES: u32 = 20;

/// One day being merged from pages: estimated, and service → (unblended, amortized).
type DayAcc = (bool, BTreeMap<String, (f64, f64)>);

fn interval(start: i64, end: i64) -> CloudResult<DateInterval> {
    DateInterval::builder()
        .start(ymd(start))
        .end(ymd(end))
        .build()
        .map_err(|e| CloudError::Invalid(e.to_string()))
}

/// The filter expression for the environment's part of the bill.
fn expression(filter: &CostFilter) -> Expression {
    match filter {
        CostFilter::Tag { key, value } => Expression::builder()
            .tags(
                TagValues::builder()
                    .key(key)
                    .values(value)
                    .match_options(MatchOption::Equals)
                    .build(),
            )
            .build(),
        CostFilter::LinkedAccount(account) => Expression::builder()
            .dimensions(
                DimensionValues::builder()
                    .key(Dimension::LinkedAccount)
                    .values(account)
                    .build(),
            )
            .build(),
    }
}

fn amount(metrics: Option<&std::collections::HashMap<String, MetricValue>>, name: &str) -> f64 {
    metrics
        .and_then(|m| m.get(name))
        .and_then(MetricValue::amount)
        .and_then(|a| a.parse::<f64>().ok())
        .filter(|a| a.is_finite())
        .unwrap_or(0.0)
}

fn unit_of(group: &Group) -> Option<String> {
    group
        .metrics()
        .and_then(|m| m.values().find_map(MetricValue::unit))
        .map(str::to_owned)
}

/// `GetCostAndUsage`, daily, both metrics, grouped by SERVICE, all pages.
pub async fn cost_and_usage(client: &Client, request: &CostUsageRequest) -> CloudResult<CostUsage> {
    let unblended = CostMetric::Unblended.usage_name();
    let amortized = CostMetric::Amortized.usage_name();
    // Pages split the days (and groups within a day): merge by day, then by service.
    let mut days: BTreeMap<i64, DayAcc> = BTreeMap::new();
    let mut unit = None;
    let mut token: Option<String> = None;
    let mut requests = 0;
    while requests < MAX_PAGES {
        let page = client
            .get_cost_and_usage()
            .time_period(interval(request.start, request.end)?)
            .granularity(Granularity::Daily)
            .metrics(unblended)
            .metrics(amortized)
            .group_by(
                GroupDefinition::builder()
                    .r#type(GroupDefinitionType::Dimension)
                    .key("SERVICE")
                    .build(),
            )
            .filter(expression(&request.filter))
            .set_next_page_token(token.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("GetCostAndUsage", e))?;
        requests += 1;
        for result in page.results_by_time() {
            let Some(day) = result.time_period().and_then(|p| parse_ymd(p.start())) else {
                continue;
            };
            let entry = days.entry(day).or_default();
            entry.0 |= result.estimated();
            for group in result.groups() {
                let service = group.keys().join(" / ");
                let cost = entry.1.entry(service).or_default();
                cost.0 += amount(group.metrics(), unblended);
                cost.1 += amount(group.metrics(), amortized);
                if unit.is_none() {
                    unit = unit_of(group);
                }
            }
        }
        token = page
            .next_page_token()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    Ok(CostUsage {
        days: days
            .into_iter()
            .map(|(day, (estimated, services))| DailyCost {
                day,
                estimated,
                services: services
                    .into_iter()
                    .map(|(service, (unblended, amortized))| ServiceCost {
                        service,
                        unblended,
                        amortized,
                    })
                    .collect(),
            })
            .collect(),
        unit: unit.unwrap_or_else(|| "USD".to_owned()),
        requests,
    })
}

fn number(s: Option<&str>) -> Option<f64> {
    s.and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite())
}

/// `GetCostForecast`, monthly granularity, with the 80 % prediction interval.
pub async fn cost_forecast(
    client: &Client,
    request: &CostForecastRequest,
) -> CloudResult<CostForecast> {
    let metric = match request.metric {
        CostMetric::Unblended => Metric::UnblendedCost,
        CostMetric::Amortized => Metric::AmortizedCost,
    };
    let out = client
        .get_cost_forecast()
        .time_period(interval(request.start, request.end)?)
        .granularity(Granularity::Monthly)
        .metric(metric)
        .prediction_interval_level(80)
        .filter(expression(&request.filter))
        .send()
        .await
        .map_err(|e| map_sdk_error("GetCostForecast", e))?;
    let results = out.forecast_results_by_time();
    let sum = |f: fn(&aws_sdk_costexplorer::types::ForecastResult) -> Option<&str>| {
        let values: Vec<f64> = results.iter().filter_map(|r| number(f(r))).collect();
        (!values.is_empty()).then(|| values.iter().sum())
    };
    let mean = number(out.total().and_then(MetricValue::amount))
        .or_else(|| sum(|r| r.mean_value()))
        .unwrap_or(0.0);
    Ok(CostForecast {
        mean,
        lower: sum(|r| r.prediction_interval_lower_bound()),
        upper: sum(|r| r.prediction_interval_upper_bound()),
        unit: out
            .total()
            .and_then(MetricValue::unit)
            .unwrap_or("USD")
            .to_owned(),
        requests: 1,
    })
}

/// `GetAnomalies` detected in the interval, all pages, biggest total impact first.
pub async fn cost_anomalies(
    client: &Client,
    request: &CostAnomalyRequest,
) -> CloudResult<CostAnomalies> {
    let dates = AnomalyDateInterval::builder()
        .start_date(ymd(request.start))
        .end_date(ymd(request.end))
        .build()
        .map_err(|e| CloudError::Invalid(e.to_string()))?;
    let mut anomalies = Vec::new();
    let mut token: Option<String> = None;
    let mut requests = 0;
    while requests < MAX_PAGES {
        let page = client
            .get_anomalies()
            .date_interval(dates.clone())
            .max_results(100)
            .set_next_page_token(token.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("GetAnomalies", e))?;
        requests += 1;
        anomalies.extend(page.anomalies().iter().map(|a| {
            CostAnomaly {
                id: a.anomaly_id().to_owned(),
                start: a.anomaly_start_date().and_then(parse_ymd),
                end: a.anomaly_end_date().and_then(parse_ymd),
                total_impact: a.impact().map_or(0.0, |i| i.total_impact()),
                max_impact: a.impact().map_or(0.0, |i| i.max_impact()),
                root_causes: a
                    .root_causes()
                    .iter()
                    .map(|c| AnomalyCause {
                        service: c.service().map(str::to_owned),
                        region: c.region().map(str::to_owned),
                        usage_type: c.usage_type().map(str::to_owned),
                        linked_account: c.linked_account().map(str::to_owned),
                    })
                    .collect(),
            }
        }));
        token = page
            .next_page_token()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    if let Some(account) = &request.account {
        anomalies.retain(|a| {
            a.root_causes.is_empty()
                || a.root_causes
                    .iter()
                    .any(|c| c.linked_account.as_deref().is_none_or(|l| l == account))
        });
    }
    anomalies.sort_by(|a, b| b.total_impact.total_cmp(&a.total_impact));
    Ok(CostAnomalies {
        anomalies,
        requests,
    })
}
