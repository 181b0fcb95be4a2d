//! Cell text of the Cost pane: dollars, short service names, the metric's label and a
//! source's placeholder.

use crate::panes::kit::loadable::Loadable;
use crate::ui::view::View;

pub(super) fn usd(v: f64) -> String {
    // An empty sum is -0.0.
    let v = if v == 0.0 { 0.0 } else { v };
    if v.abs() >= 1000.0 {
        format!("${v:.0}")
    } else {
        format!("${v:.2}")
    }
}

/// The text of a widget without data: its error, a fetch under way, or a paid request
/// that waits for consent.
pub(super) fn placeholder<T>(data: &Loadable<T>) -> String {
    match &data.error {
        Some(e) => e.to_string(),
        None if data.loading || data.fetched_at.is_some() => "loading…".to_string(),
        None => "not cached: needs a paid Cost Explorer request (r)".to_string(),
    }
}

/// A service name without the `Amazon `/`AWS ` prefix, to fit narrow columns.
pub(super) fn short_service(name: &str) -> &str {
    name.strip_prefix("Amazon ")
        .or_else(|| name.strip_prefix("AWS "))
        .unwrap_or(name)
}

pub(super) fn metric_label(state: &View) -> &'static str {
    state.cost.metric.label()
}
