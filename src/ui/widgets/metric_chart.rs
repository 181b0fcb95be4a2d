//! A braille line/area chart of dashboard series, x in seconds before the window's end.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph};

use crate::cloud::MetricData;
use crate::panes::dashboard::format::normalise;
use crate::panes::dashboard::verdict::compact;
use crate::ui::theme::Theme;

/// One line of a chart: the series id, its legend name, colour and how it is drawn.
pub struct Line<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub color: Color,
    pub area: bool,
    /// Multiply each (normalised) value by this (e.g. seconds → ms).
    pub scale: f64,
    /// Add the series of this id first (stacking).
    pub stack_on: Option<&'a str>,
}

fn points(data: &MetricData, line: &Line) -> Vec<(f64, f64)> {
    let Some(s) = data.get(line.id) else {
        return Vec::new();
    };
    let below = line.stack_on.and_then(|id| data.get(id));
    s.points
        .iter()
        .filter(|(_, v)| v.is_finite())
        .map(|(t, v)| {
            let base = below
                .and_then(|b| b.points.iter().find(|(bt, _)| bt == t))
                .map_or(0.0, |(_, bv)| {
                    normalise(line.stack_on.unwrap_or(""), *bv, data.period)
                });
            let y = (normalise(line.id, *v, data.period) + base) * line.scale;
            ((*t - data.end) as f64, y)
        })
        .filter(|(_, y)| y.is_finite())
        .collect()
}

/// `-1h`, `-15m`, `-7d`.
fn ago_label(seconds: i64) -> String {
    match seconds {
        s if s >= 86_400 => format!("-{}d", s / 86_400),
        s if s >= 3_600 => format!("-{}h", s / 3_600),
        s => format!("-{}m", (s / 60).max(1)),
    }
}

/// Draw `lines` of `data` in `block`; "no data" when every series is empty.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    block: Block,
    data: &MetricData,
    lines: &[Line],
) {
    let series: Vec<Vec<(f64, f64)>> = lines.iter().map(|l| points(data, l)).collect();
    if series.iter().all(Vec::is_empty) {
        frame.render_widget(
            Paragraph::new(Span::styled("no data", theme.dim())).block(block),
            area,
        );
        return;
    }
    let max = series
        .iter()
        .flatten()
        .map(|(_, y)| *y)
        .fold(0.0_f64, f64::max);
    let top = if max > 0.0 { max * 1.15 } else { 1.0 };
    let span = (data.end - data.start).max(60);
    let datasets: Vec<Dataset> = lines
        .iter()
        .zip(&series)
        .map(|(l, pts)| {
            Dataset::default()
                .name(l.name.to_string())
                .marker(Marker::Braille)
                .graph_type(if l.area {
                    GraphType::Area
                } else {
                    GraphType::Line
                })
                .style(Style::default().fg(l.color))
                .data(pts)
        })
        .collect();
    let chart = Chart::new(datasets)
        .block(block)
        .style(theme.text())
        .x_axis(
            Axis::default()
                .bounds([-(span as f64), 0.0])
                .style(theme.dim())
                .labels([Span::raw(ago_label(span)), Span::raw("now")]),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, top])
                .style(theme.dim())
                .labels([Span::raw("0"), Span::raw(compact(top))]),
        )
        .hidden_legend_constraints((
            ratatui::layout::Constraint::Percentage(60),
            ratatui::layout::Constraint::Percentage(60),
        ));
    frame.render_widget(chart, area);
}
