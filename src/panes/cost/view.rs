//! The Cost pane: month to date by service, the forecast against the budget, the 30-day
//! trend against the 30 days before, top movers, anomalies, the seed's cost levers, and
//! spend control (cache age, requests made, the consent popup for paid requests).

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell, Clear, Gauge, Paragraph, Row, Table, Wrap};

use super::cells::{metric_label, placeholder, short_service, usd};
use crate::cloud::{CostAnomaly, ymd};
use crate::cost_cache::DEFAULT_TTL_SECONDS;
use crate::panes::cost::fetch::USD_PER_REQUEST;
use crate::panes::cost::report::{budget_level, levers, month_to_date, spent_before_today};
use crate::panes::cost::state::cost_filter;
use crate::panes::kit::loadable::format_age;
use crate::ui::theme::{Level, Theme};
use crate::ui::view::View;
use crate::ui::widgets::centered::centered;
use crate::ui::widgets::source_block::source_block;
use crate::ui::widgets::table::header_row;

/// Draw the pane into `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    if area.height < COMPACT_BELOW {
        draw_compact(frame, area, state);
        if state.cost.asking() {
            draw_consent(frame, area, state);
        }
        return;
    }
    let wide = area.width >= 100;
    let [summary, top, middle, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Percentage(34),
        Constraint::Percentage(36),
        Constraint::Min(4),
    ])
    .areas(area);
    draw_summary(frame, summary, state);
    let split = |r: Rect, left: u16| {
        Layout::horizontal([Constraint::Percentage(left), Constraint::Min(0)]).areas::<2>(r)
    };
    let [mtd, forecast] = split(top, if wide { 55 } else { 50 });
    draw_month_to_date(frame, mtd, state);
    draw_forecast(frame, forecast, state);
    let [chart, movers] = split(middle, if wide { 65 } else { 55 });
    super::trend_view::draw_trend(frame, chart, state);
    super::trend_view::draw_movers(frame, movers, state);
    let [anomalies, hints] = split(bottom, 50);
    draw_anomalies(frame, anomalies, state);
    draw_levers(frame, hints, state);
    if state.cost.asking() {
        draw_consent(frame, area, state);
    }
}

/// Below this height the pane is a few lines of text instead of widgets.
const COMPACT_BELOW: u16 = 14;

/// The essentials as lines: scope, month to date, month-end projection, top anomaly.
fn draw_compact(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let cost = &state.cost;
    let [summary, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    draw_summary(frame, summary, state);
    let mut lines = Vec::new();
    match &cost.usage.data {
        Some(u) => {
            let (total, _) = month_to_date(u, cost.metric, state.now);
            lines.push(Line::from(format!("month to date {}", usd(total))));
            let forecast = cost.forecast(cost.metric).data.as_ref();
            if let (Some(f), Some(b)) = (forecast, state.env.monthly_budget_usd) {
                let projected = spent_before_today(u, cost.metric, state.now) + f.mean;
                lines.push(Line::from(Span::styled(
                    format!(
                        "month end {} of {} ({:.0}%)",
                        usd(projected),
                        usd(b),
                        if b > 0.0 { projected / b * 100.0 } else { 0.0 }
                    ),
                    theme.level(budget_level(projected, b)),
                )));
            }
        }
        None => lines.push(Line::from(Span::styled(
            placeholder(&cost.usage),
            theme.level(if cost.usage.error.is_some() {
                Level::Critical
            } else {
                Level::Unknown
            }),
        ))),
    }
    if let Some(a) = cost
        .anomalies
        .data
        .as_ref()
        .and_then(|a| a.anomalies.first())
    {
        lines.push(Line::from(Span::styled(
            format!(
                "anomaly {} {}",
                usd(a.total_impact),
                a.root_service().map_or("-", short_service)
            ),
            theme.level(Level::Warning),
        )));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), rest);
}

fn draw_summary(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let cost = &state.cost;
    let scope = cost_filter(&state.env, state.identity.data.as_ref())
        .map_or_else(|| "account (waiting for identity)".into(), |f| f.describe());
    let spend = if cost.simulated {
        format!(
            "{} requests ≈ ${:.2} if paid",
            cost.requests_made(),
            f64::from(cost.requests_made()) * USD_PER_REQUEST
        )
    } else {
        format!(
            "{} paid requests this session (${:.2})",
            cost.requests_made(),
            f64::from(cost.requests_made()) * USD_PER_REQUEST
        )
    };
    let cache = if cost.simulated {
        "sim (no cache)".to_string()
    } else {
        match cost.data_age(state.now) {
            Some(age) => format!(
                "cache {} old (ttl {}h)",
                format_age(age),
                DEFAULT_TTL_SECONDS / 3600
            ),
            None => "nothing cached".to_string(),
        }
    };
    let mut spans = vec![
        Span::styled(scope, theme.text().add_modifier(Modifier::BOLD)),
        Span::styled(format!(" · {} · ", metric_label(state)), theme.dim()),
        Span::styled(cache, theme.dim()),
        Span::styled(" · ", theme.dim()),
        Span::styled(spend, theme.dim()),
    ];
    let pending = cost.pending_requests();
    if pending > 0 && !cost.simulated && !cost.asking() {
        spans.push(Span::styled(
            format!(" · stale: r asks to refresh ({pending} paid)"),
            theme.level(Level::Warning),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_month_to_date(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let cost = &state.cost;
    let Some(usage) = &cost.usage.data else {
        let block = source_block(theme, "Month to date".into(), false, &cost.usage, state.now);
        frame.render_widget(
            Paragraph::new(placeholder(&cost.usage))
                .block(block)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    };
    let (total, rows) = month_to_date(usage, cost.metric, state.now);
    let title = format!("Month to date {} {}", usd(total), usage.unit);
    let block = source_block(theme, title, false, &cost.usage, state.now);
    if rows.is_empty() {
        frame.render_widget(
            Paragraph::new("no cost recorded this month for this filter")
                .block(block)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let table = Table::new(
        rows.iter().map(|r| {
            let share = if total > 0.0 {
                r.amount / total * 100.0
            } else {
                0.0
            };
            Row::new(vec![
                Cell::from(short_service(&r.service).to_string()),
                Cell::from(Line::from(usd(r.amount)).alignment(Alignment::Right)),
                Cell::from(Line::from(format!("{share:.0}%")).alignment(Alignment::Right)),
            ])
        }),
        [
            Constraint::Min(10),
            Constraint::Length(9),
            Constraint::Length(4),
        ],
    )
    .header(header_row(theme, &["SERVICE", "COST", "%"]))
    .block(block);
    frame.render_widget(table, area);
}

fn draw_forecast(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let cost = &state.cost;
    let forecast = cost.forecast(cost.metric);
    let budget = state.env.monthly_budget_usd;
    let title = match budget {
        Some(b) => format!("Forecast to month end · budget {}", usd(b)),
        None => "Forecast to month end · no budget".to_string(),
    };
    let block = source_block(theme, title, false, forecast, state.now);
    let Some(f) = &forecast.data else {
        frame.render_widget(
            Paragraph::new(placeholder(forecast))
                .block(block)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    };
    let Some(usage) = &cost.usage.data else {
        // The forecast alone: the month to date (and so the month-end total) is unknown.
        let lines = vec![
            Line::from(vec![
                Span::styled("rest of month ", theme.dim()),
                Span::styled(usd(f.mean), theme.text().add_modifier(Modifier::BOLD)),
            ]),
            Line::from(Span::styled(
                format!(
                    "month to date unknown ({})",
                    cost.usage.error.as_ref().map_or("loading", |e| e.kind())
                ),
                theme.dim(),
            )),
        ];
        frame.render_widget(
            Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
            area,
        );
        return;
    };
    let spent = spent_before_today(usage, cost.metric, state.now);
    let projected = spent + f.mean;
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [gauge_area, text_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let mut lines = vec![Line::from(vec![
        Span::styled("spent ", theme.dim()),
        Span::raw(usd(spent)),
        Span::styled(" + forecast ", theme.dim()),
        Span::raw(usd(f.mean)),
        Span::styled(" = ", theme.dim()),
        Span::styled(usd(projected), theme.text().add_modifier(Modifier::BOLD)),
    ])];
    if let (Some(lo), Some(hi)) = (f.lower, f.upper) {
        lines.push(Line::from(Span::styled(
            format!("80% range {} – {}", usd(spent + lo), usd(spent + hi)),
            theme.dim(),
        )));
    }
    match budget {
        Some(b) if b > 0.0 => {
            let level = budget_level(projected, b);
            let ratio = projected / b;
            let gauge = Gauge::default()
                .gauge_style(theme.level(level))
                .ratio(ratio.clamp(0.0, 1.0))
                .label(format!("{:.0}% of {}", ratio * 100.0, usd(b)));
            frame.render_widget(gauge, gauge_area);
            let verdict = match level {
                Level::Critical => format!("over budget by {}", usd(projected - b)),
                Level::Warning => format!("close to budget: {} left", usd(b - projected)),
                _ => format!("within budget: {} left", usd(b - projected)),
            };
            lines.insert(0, Line::from(Span::styled(verdict, theme.level(level))));
        }
        _ => lines.insert(
            0,
            Line::from(Span::styled(
                "set monthly_budget_usd in the config",
                theme.dim(),
            )),
        ),
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), text_area);
}

fn anomaly_row<'a>(theme: &Theme, a: &CostAnomaly) -> Row<'a> {
    let when = match (a.start, a.end) {
        (Some(s), Some(e)) if e > s => format!("{}…{}", &ymd(s)[5..], &ymd(e)[5..]),
        (Some(s), None) => format!("{}…open", &ymd(s)[5..]),
        (Some(s), _) => ymd(s)[5..].to_string(),
        _ => "-".to_string(),
    };
    let cause = a
        .root_causes
        .first()
        .map(|c| {
            let mut s = c
                .service
                .as_deref()
                .map_or_else(|| "-".to_string(), |s| short_service(s).to_string());
            if let Some(u) = &c.usage_type {
                s.push_str(&format!(" ({u})"));
            }
            s
        })
        .unwrap_or_else(|| "-".into());
    let level = if a.end.is_none() {
        Level::Critical
    } else {
        Level::Warning
    };
    Row::new(vec![
        Cell::from(when),
        Cell::from(Line::from(usd(a.total_impact)).alignment(Alignment::Right))
            .style(theme.level(level)),
        Cell::from(cause),
    ])
}

fn draw_anomalies(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let cost = &state.cost;
    let count = cost
        .anomalies
        .data
        .as_ref()
        .map_or(0, |a| a.anomalies.len());
    let block = source_block(
        theme,
        format!("Anomalies, 30 days ({count})"),
        false,
        &cost.anomalies,
        state.now,
    );
    let Some(data) = &cost.anomalies.data else {
        frame.render_widget(
            Paragraph::new(placeholder(&cost.anomalies))
                .block(block)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    };
    if data.anomalies.is_empty() {
        frame.render_widget(Paragraph::new("no anomalies detected").block(block), area);
        return;
    }
    let table = Table::new(
        data.anomalies.iter().map(|a| anomaly_row(theme, a)),
        [
            Constraint::Length(11),
            Constraint::Length(9),
            Constraint::Min(10),
        ],
    )
    .header(header_row(theme, &["WHEN", "IMPACT", "ROOT CAUSE"]))
    .block(block);
    frame.render_widget(table, area);
}

fn draw_levers(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let cost = &state.cost;
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(false))
        .title(" Cost levers (§11.2) ");
    let hints = cost.usage.data.as_ref().map_or_else(Vec::new, |u| {
        levers(
            &state.env.name,
            u,
            cost.anomalies.data.as_ref(),
            cost.metric,
            state.now,
        )
    });
    let lines: Vec<Line> = if hints.is_empty() {
        vec![Line::from(Span::styled(
            if cost.usage.data.is_some() {
                "none apply to this month's data"
            } else {
                "waiting for cost data"
            },
            theme.dim(),
        ))]
    } else {
        hints
            .into_iter()
            .map(|h| {
                Line::from(vec![
                    Span::styled("▸ ", Style::default().fg(theme.accent)),
                    Span::raw(h),
                ])
            })
            .collect()
    };
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

fn draw_consent(frame: &mut Frame, area: Rect, state: &View) {
    let theme = &state.theme;
    let cost = &state.cost;
    let n = cost.pending_requests();
    let lines = vec![
        Line::from(vec![
            Span::styled(
                format!(
                    "{n} paid Cost Explorer request{} (${:.2})",
                    if n == 1 { "" } else { "s" },
                    f64::from(n) * USD_PER_REQUEST
                ),
                theme.text().add_modifier(Modifier::BOLD),
            ),
            Span::raw(" to refresh"),
        ]),
        Line::from(Span::styled(
            "$0.01 per request; every page counts",
            theme.dim(),
        )),
        Line::from(Span::styled(
            format!(
                "for {}",
                cost.needed.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
            theme.dim(),
        )),
        Line::from(Span::styled(
            format!(
                "answers are cached {} h; asked once per session",
                DEFAULT_TTL_SECONDS / 3600
            ),
            theme.dim(),
        )),
        Line::from(vec![
            Span::styled(" y ", theme.selected()),
            Span::raw(" fetch  "),
            Span::styled(" n ", theme.selected()),
            Span::raw(" not now (r asks again)"),
        ]),
    ];
    let width = area.width.min(72);
    let inner = width.saturating_sub(2).max(1) as usize;
    let height: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let popup = centered(area, width, height as u16 + 2);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.level(Level::Warning))
        .title(" Paid requests ");
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .style(theme.text())
            .wrap(Wrap { trim: true }),
        popup,
    );
}
