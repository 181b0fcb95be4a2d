//! How the dashboard prints a series' value: per-minute rates, ms/s latencies, GB, %.
//! Shared by the pane and `opsdeck snapshot`.

use crate::panes::dashboard::query::ids;
use crate::panes::dashboard::verdict::{compact, trimmed};

/// Rates summed per period are shown per minute.
pub fn is_rate(id: &str) -> bool {
    matches!(
        id,
        ids::REQUESTS | ids::E5XX | ids::E4XX | ids::REDIS_HITS | ids::REDIS_MISSES
    )
}

/// The value as plotted and printed: per-minute for rates, unchanged otherwise.
pub fn normalise(id: &str, v: f64, period: i32) -> f64 {
    if is_rate(id) {
        v * 60.0 / f64::from(period.max(60))
    } else {
        v
    }
}

fn seconds(v: f64) -> String {
    if v.abs() < 1.0 {
        format!("{:.0} ms", v * 1e3)
    } else {
        format!("{} s", trimmed(v, 2))
    }
}

fn bytes(v: f64) -> String {
    if v.abs() >= 1e9 {
        format!("{} GB", trimmed(v / 1e9, 1))
    } else {
        format!("{:.0} MB", v / 1e6)
    }
}

/// `1.2k/min`, `350 ms`, `3.1 GB`, `86%`, … for the raw value `v` of query `id`.
pub fn display(id: &str, v: f64, period: i32) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    let n = normalise(id, v, period);
    match id {
        _ if is_rate(id) => format!("{}/min", compact(n)),
        ids::P50 | ids::P99 | ids::REDIS_LAG => seconds(n),
        ids::RDS_READ | ids::RDS_WRITE => format!("{} ms", trimmed(n * 1e3, 1)),
        ids::RDS_FREE | ids::RDS_MEM => bytes(n),
        ids::E5XX_PCT | ids::REDIS_HIT_RATIO => format!("{}%", trimmed(n, 1)),
        ids::ECS_CPU | ids::ECS_MEM | ids::RDS_CPU | ids::REDIS_MEM | ids::REDIS_CPU => {
            format!("{n:.0}%")
        }
        _ => compact(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_naturally() {
        assert_eq!(display(ids::REQUESTS, 6000.0, 300), "1.2k/min");
        assert_eq!(display(ids::P99, 0.35, 60), "350 ms");
        assert_eq!(display(ids::P99, 3.2, 60), "3.2 s");
        assert_eq!(display(ids::RDS_FREE, 3.1e9, 60), "3.1 GB");
        assert_eq!(display(ids::RDS_MEM, 4.5e8, 60), "450 MB");
        assert_eq!(display(ids::RDS_READ, 0.0021, 60), "2.1 ms");
        assert_eq!(display(ids::ECS_CPU, 85.4, 60), "85%");
        assert_eq!(display(ids::E5XX_PCT, 12.34, 60), "12.3%");
        assert_eq!(display(ids::HEALTHY, 3.0, 60), "3");
        assert_eq!(display(ids::P99, f64::NAN, 60), "–");
    }
}
