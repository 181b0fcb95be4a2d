//! What this session's Logs Insights queries scanned and what that costs: the Logs pane's
//! own queries and the dashboard's recent-errors widget, added up as answers arrive and
//! shown beside the pane's query statistics (Logs Insights bills per GB scanned).

/// US East price of Logs Insights, per GB scanned (the seed's region; other regions
/// differ by a few percent).
pub const PRICE_PER_GB: f64 = 0.005;
/// Bytes in the GB Logs Insights bills (a binary gigabyte).
pub const BYTES_PER_GB: f64 = 1_073_741_824.0;

/// Bytes scanned this session, by who asked.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ScanSpend {
    /// The Logs pane's queries (and how many finished).
    pub pane_bytes: f64,
    pub pane_queries: u32,
    /// The dashboard's recent-errors refreshes (and how many answered).
    pub dashboard_bytes: f64,
    pub dashboard_queries: u32,
    /// Answers that did not say what they scanned (the totals are lower bounds then).
    pub unreported: u32,
}

impl ScanSpend {
    /// A finished query of the Logs pane.
    pub fn add_pane(&mut self, bytes: Option<f64>) {
        self.pane_queries = self.pane_queries.saturating_add(1);
        match bytes.filter(|b| b.is_finite() && *b >= 0.0) {
            Some(b) => self.pane_bytes += b,
            None => self.unreported = self.unreported.saturating_add(1),
        }
    }

    /// An answer of the dashboard's recent-errors widget.
    pub fn add_dashboard(&mut self, bytes: Option<f64>) {
        self.dashboard_queries = self.dashboard_queries.saturating_add(1);
        match bytes.filter(|b| b.is_finite() && *b >= 0.0) {
            Some(b) => self.dashboard_bytes += b,
            None => self.unreported = self.unreported.saturating_add(1),
        }
    }

    /// Every byte scanned this session.
    pub fn total_bytes(&self) -> f64 {
        self.pane_bytes + self.dashboard_bytes
    }

    /// Their price in dollars.
    pub fn dollars(&self) -> f64 {
        self.total_bytes() / BYTES_PER_GB * PRICE_PER_GB
    }

    /// `session ≈ $0.0056 · 1.20 GB scanned (dashboard 1.10 GB/12, queries 100.0 MB/1)`,
    /// with `≥` when an answer did not report its bytes.
    pub fn label(&self) -> String {
        let at_least = if self.unreported > 0 { "≥ " } else { "" };
        let dollars = self.dollars();
        let price = if dollars > 0.0 && dollars < 0.0001 {
            "< $0.0001".to_string()
        } else {
            format!("{at_least}${dollars:.4}")
        };
        format!(
            "session ≈ {price} · {at_least}{} scanned (dashboard {}/{}, queries {}/{})",
            crate::cloud::format_bytes(self.total_bytes()),
            crate::cloud::format_bytes(self.dashboard_bytes),
            self.dashboard_queries,
            crate::cloud::format_bytes(self.pane_bytes),
            self.pane_queries,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_both_sources_and_prices_them() {
        let mut s = ScanSpend::default();
        s.add_dashboard(Some(BYTES_PER_GB));
        s.add_pane(Some(BYTES_PER_GB));
        assert_eq!(s.total_bytes(), 2.0 * BYTES_PER_GB);
        assert!((s.dollars() - 0.01).abs() < 1e-12);
        assert_eq!(
            s.label(),
            "session ≈ $0.0100 · 2.15 GB scanned (dashboard 1.07 GB/1, queries 1.07 GB/1)"
        );
        let mut tiny = ScanSpend::default();
        tiny.add_pane(Some(1000.0));
        assert!(
            tiny.label().starts_with("session ≈ < $0.0001 · 1.0 kB"),
            "{}",
            tiny.label()
        );
    }

    #[test]
    fn an_unreported_answer_makes_the_totals_lower_bounds() {
        let mut s = ScanSpend::default();
        s.add_dashboard(None);
        s.add_pane(Some(f64::NAN));
        assert_eq!(s.total_bytes(), 0.0);
        assert!(
            s.label().starts_with("session ≈ ≥ $0.0000 · ≥ 0 B scanned"),
            "{}",
            s.label()
        );
    }
}
