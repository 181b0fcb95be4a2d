//! How the dashboard shows one value: its style by level, the tasks count against the
//! desired count, and a labelled value span.

use ratatui::style::Style;
use ratatui::text::Span;

use crate::cloud::MetricData;
use crate::panes::dashboard::format::display;
use crate::ui::theme::Level;
use crate::ui::view::View;

pub(super) fn level_style(state: &View, level: Level) -> Style {
    match level {
        Level::Ok => state.theme.level(Level::Ok),
        Level::Unknown => state.theme.dim(),
        l => state.theme.level(l),
    }
}

pub(super) fn tasks_style(state: &View, running: i32, desired: i32) -> Style {
    if running < state.env.min_tasks as i32 {
        state.theme.level(Level::Critical)
    } else if running < desired {
        state.theme.level(Level::Warning)
    } else {
        state.theme.level(Level::Ok)
    }
}

/// One value of the compact table, coloured by its threshold.
pub(super) fn value_spans<'a>(
    state: &View,
    data: Option<&MetricData>,
    label: &str,
    id: &str,
) -> Vec<Span<'a>> {
    let (text, level) = match data.and_then(|d| d.latest(id).map(|v| (d, v))) {
        Some((d, v)) => (display(id, v, d.period), state.dashboard.judged.level(id)),
        None => ("–".to_string(), Level::Unknown),
    };
    let style = match level {
        Level::Warning | Level::Critical => state.theme.level(level),
        _ => state.theme.text(),
    };
    vec![
        Span::styled(format!("{label} "), state.theme.dim()),
        Span::styled(text, style),
        Span::raw("  "),
    ]
}
