//! The Cost pane's trend chart (the last 30 days against the 30 before) and its top
//! movers (the services whose cost changed most).

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Cell, Chart, Dataset, GraphType, Paragraph, Row, Table, Wrap};

use super::cells::{placeholder, short_service, usd};
use crate::cloud::ymd;
use crate::panes::cost::report::{top_movers, trend};
use crate::ui::theme::Level;
use crate::ui::view::View;
use crate::ui::widgets::source_block::source_block;
use crate::ui::widgets::table::header_row;

pub(super) fn draw_trend(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let cost = &state.cost;
    let block = source_block(
        theme,
        "Daily, last 30 days vs the 30 before".into(),
        false,
        &cost.usage,
        state.now,
    );
    let Some(usage) = &cost.usage.data else {
        frame.render_widget(
            Paragraph::new(placeholder(&cost.usage))
                .block(block)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    };
    let points = trend(usage, cost.metric, state.now);
    let now_series: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v, _))| (i as f64, *v))
        .collect();
    let before_series: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, (_, _, b))| b.map(|b| (i as f64, b)))
        .collect();
    let max = points
        .iter()
        .flat_map(|(_, v, b)| [*v, b.unwrap_or(0.0)])
        .fold(0.0_f64, f64::max);
    if max <= 0.0 {
        frame.render_widget(
            Paragraph::new("no daily cost in the last 60 days").block(block),
            area,
        );
        return;
    }
    let top = (max * 1.15).ceil();
    let first = points
        .first()
        .map_or(String::new(), |p| ymd(p.0)[5..].to_string());
    let last = points
        .last()
        .map_or(String::new(), |p| ymd(p.0)[5..].to_string());
    let chart = Chart::new(vec![
        Dataset::default()
            .name("30 days before")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.dim())
            .data(&before_series),
        Dataset::default()
            .name("last 30 days")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(Style::default().fg(theme.accent))
            .data(&now_series),
    ])
    .block(block)
    .x_axis(
        Axis::default()
            .bounds([0.0, (points.len().max(2) - 1) as f64])
            .labels([Span::raw(first), Span::raw(last)])
            .style(theme.dim()),
    )
    .y_axis(
        Axis::default()
            .bounds([0.0, top])
            .labels([Span::raw("$0"), Span::raw(format!("${top:.0}"))])
            .style(theme.dim()),
    )
    .legend_position(Some(ratatui::widgets::LegendPosition::TopLeft));
    frame.render_widget(chart, area);
}

pub(super) fn draw_movers(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let cost = &state.cost;
    let block = source_block(
        theme,
        "Top movers, 7 days vs a month ago".into(),
        false,
        &cost.usage,
        state.now,
    );
    let Some(usage) = &cost.usage.data else {
        frame.render_widget(
            Paragraph::new(placeholder(&cost.usage))
                .block(block)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    };
    let movers = top_movers(usage, cost.metric, state.now, 5);
    if movers.is_empty() {
        frame.render_widget(
            Paragraph::new("no service's daily cost rose").block(block),
            area,
        );
        return;
    }
    let wide = area.width >= 50;
    let rows = movers.iter().map(|m| {
        let level = if m.before > 0.0 && m.after >= m.before * 1.5 {
            Level::Warning
        } else {
            Level::Unknown
        };
        let mut cells = vec![
            Cell::from(short_service(&m.service).to_string()),
            Cell::from(Line::from(format!("+{}", usd(m.delta()))).alignment(Alignment::Right))
                .style(theme.level(level)),
        ];
        if wide {
            cells.push(
                Cell::from(
                    Line::from(format!("{}→{}", usd(m.before), usd(m.after)))
                        .alignment(Alignment::Right),
                )
                .style(theme.dim()),
            );
        }
        Row::new(cells)
    });
    let mut widths = vec![Constraint::Min(10), Constraint::Length(8)];
    let mut headers = vec!["SERVICE", "RISE/DAY"];
    if wide {
        widths.push(Constraint::Length(15));
        headers.push("BEFORE→NOW");
    }
    let table = Table::new(rows, widths)
        .header(header_row(theme, &headers))
        .block(block);
    frame.render_widget(table, area);
}
