//! The dashboard pane (seed §10.2): a verdict per tier and the alarms on top, then the
//! Requests, Compute, Database and Cache tiers (braille charts, number widgets, the RDS
//! storage gauge) and the recent errors. Breached values and tier headers take the theme's
//! warning/critical colours; every widget shows its source's data age and error. Below
//! 100×30 the tiers shrink to one line of numbers each.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::value_style::{level_style, tasks_style, value_spans};
use crate::cloud::AlarmState;
use crate::panes::dashboard::query::{ERRORS_MAX_WINDOW, ids};
use crate::panes::dashboard::verdict::{Tier, TierVerdict};
use crate::ui::theme::Level;
use crate::ui::view::View;
use crate::ui::widgets::source_block::{placeholder, source_block};

/// Below this size the tiers are one line of numbers each.
const FULL_WIDTH: u16 = 100;
const FULL_HEIGHT: u16 = 30;

/// Draw the pane into `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    if area.width < 2 || area.height < 2 {
        return;
    }
    let d = &state.dashboard;
    let v = &d.judged.verdicts;
    if area.width < FULL_WIDTH || area.height < FULL_HEIGHT {
        draw_compact(frame, area, state, v);
        return;
    }
    let errors_h = (area.height / 5).clamp(5, 14);
    let tiers_h = area.height.saturating_sub(6 + errors_h);
    let [top, tiers, errors] = Layout::vertical([
        Constraint::Length(6),
        Constraint::Length(tiers_h),
        Constraint::Min(3),
    ])
    .areas(area);
    let [health, alarms] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(top);
    draw_health(frame, health, state, v);
    draw_alarms(frame, alarms, state);
    let rows = Layout::vertical([Constraint::Ratio(1, 4); 4]).split(tiers);
    for (i, tier) in Tier::ALL.into_iter().enumerate() {
        if let (Some(r), Some(verdict)) = (rows.get(i), v.get(i)) {
            super::tiers_view::draw_tier(frame, *r, state, tier, verdict);
        }
    }
    draw_errors(frame, errors, state);
}

fn draw_compact(frame: &mut Frame, area: Rect, state: &View, v: &[TierVerdict]) {
    let rest = area.height.saturating_sub(12);
    let [health, numbers, alarms, errors] = Layout::vertical([
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(rest / 2),
        Constraint::Min(0),
    ])
    .areas(area);
    draw_health(frame, health, state, v);
    draw_numbers(frame, numbers, state);
    draw_alarms(frame, alarms, state);
    draw_errors(frame, errors, state);
}

fn draw_health(frame: &mut Frame, area: Rect, state: &View, v: &[TierVerdict]) {
    let d = &state.dashboard;
    let title = format!(
        "Health · last {} · {}s period · t/T range",
        d.range.label(),
        d.range.period()
    );
    let block = source_block(state.theme, title, false, &d.metrics, state.now);
    let mut lines: Vec<Line> = v
        .iter()
        .map(|t| {
            let mark = match t.level {
                Level::Critical => "✖ ",
                Level::Warning => "▲ ",
                Level::Ok => "✔ ",
                Level::Unknown => "· ",
            };
            Line::from(Span::styled(
                format!("{mark}{}", t.line),
                level_style(state, t.level),
            ))
        })
        .collect();
    if let Some(e) = &d.metrics.error {
        lines.push(Line::from(Span::styled(
            format!("GetMetricData: {e}"),
            state.theme.level(Level::Critical),
        )));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn draw_alarms(frame: &mut Frame, area: Rect, state: &View) {
    let d = &state.dashboard;
    let firing = d
        .alarms
        .data
        .as_ref()
        .map(|a| a.iter().filter(|a| a.state == AlarmState::Alarm).count());
    // A count is shown only from a read that answered; a failed read is "unknown".
    let title = match (firing, &d.alarms.error) {
        (None, _) if d.alarms.loading => "Alarms".to_string(),
        (None, _) => "Alarms (unknown)".to_string(),
        (Some(n), None) => format!("Alarms ({n} in ALARM)"),
        (Some(n), Some(_)) => {
            format!("Alarms ({n} in ALARM at the last good read; refresh failed)")
        }
    };
    let block = source_block(state.theme, title, false, &d.alarms, state.now);
    let Some(alarms) = &d.alarms.data else {
        frame.render_widget(
            Paragraph::new(placeholder(&d.alarms))
                .block(block)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    };
    let prefix = format!("{}-{}-", state.config.project, state.env.name);
    let lines: Vec<Line> = if alarms.is_empty() {
        vec![Line::from(Span::styled(
            format!("no alarms named {prefix}*"),
            state.theme.dim(),
        ))]
    } else {
        alarms
            .iter()
            .map(|a| {
                let level = match a.state {
                    AlarmState::Alarm => Level::Critical,
                    AlarmState::InsufficientData => Level::Unknown,
                    AlarmState::Ok => Level::Ok,
                };
                Line::from(vec![
                    Span::styled(
                        format!("{:<6} ", short_state(a.state)),
                        level_style(state, level),
                    ),
                    Span::styled(
                        a.name.strip_prefix(&prefix).unwrap_or(&a.name).to_string(),
                        state.theme.text(),
                    ),
                    Span::styled(format!("  {}", a.reason), state.theme.dim()),
                ])
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn short_state(s: AlarmState) -> &'static str {
    match s {
        AlarmState::Alarm => "ALARM",
        AlarmState::Ok => "OK",
        AlarmState::InsufficientData => "NODATA",
    }
}

fn draw_errors(frame: &mut Frame, area: Rect, state: &View) {
    if area.height < 2 {
        return;
    }
    let d = &state.dashboard;
    let window = d.range.seconds().min(ERRORS_MAX_WINDOW);
    let title = format!(
        "Recent errors · Logs Insights · last {} · {}",
        crate::panes::kit::loadable::format_age(window),
        state.env.log_groups.join(", ")
    );
    let block = source_block(state.theme, title, false, &d.errors, state.now);
    let Some(rows) = &d.errors.data else {
        frame.render_widget(
            Paragraph::new(placeholder(&d.errors))
                .block(block)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    };
    let lines: Vec<Line> = if rows.is_empty() {
        vec![Line::from(Span::styled(
            "no ERROR lines",
            state.theme.dim(),
        ))]
    } else {
        rows.iter()
            .map(|r| {
                let time = r.timestamp.get(11..19).unwrap_or(&r.timestamp).to_string();
                Line::from(vec![
                    Span::styled(format!("{time} "), state.theme.dim()),
                    Span::styled(
                        r.message.replace(['\n', '\r', '\t'], " "),
                        state
                            .theme
                            .level(Level::Critical)
                            .remove_modifier(Modifier::BOLD),
                    ),
                ])
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn draw_numbers(frame: &mut Frame, area: Rect, state: &View) {
    let d = &state.dashboard;
    let block = source_block(state.theme, "Now".into(), false, &d.metrics, state.now);
    let data = d.metrics.data.as_ref();
    let mut lines = Vec::new();
    let row = |name: &str, items: &[(&str, &str)]| {
        let mut spans = vec![Span::styled(
            format!("{name:<6}"),
            state.theme.text().add_modifier(Modifier::BOLD),
        )];
        for (label, id) in items {
            spans.extend(value_spans(state, data, label, id));
        }
        Line::from(spans)
    };
    match d.alb(&state.env, &state.config.project) {
        Ok(_) => lines.push(row(
            "ALB",
            &[
                ("req", ids::REQUESTS),
                ("p99", ids::P99),
                ("5xx", ids::E5XX),
                ("5xx%", ids::E5XX_PCT),
                ("unhealthy", ids::UNHEALTHY),
            ],
        )),
        Err(msg) => lines.push(Line::from(vec![
            Span::styled("ALB   ", state.theme.text().add_modifier(Modifier::BOLD)),
            Span::styled(msg, state.theme.level(Level::Warning)),
        ])),
    }
    let mut ecs = row("ECS", &[("cpu", ids::ECS_CPU), ("mem", ids::ECS_MEM)]);
    if let Some(s) = d.service(&state.env) {
        ecs.spans.push(Span::styled("tasks ", state.theme.dim()));
        ecs.spans.push(Span::styled(
            format!("{}/{}", s.running, s.desired),
            tasks_style(state, s.running, s.desired),
        ));
    }
    lines.push(ecs);
    lines.push(row(
        "DB",
        &[
            ("free", ids::RDS_FREE),
            ("cpu", ids::RDS_CPU),
            ("conn", ids::RDS_CONN),
            ("read", ids::RDS_READ),
        ],
    ));
    lines.push(row(
        "Cache",
        &[
            ("hit", ids::REDIS_HIT_RATIO),
            ("mem", ids::REDIS_MEM),
            ("conn", ids::REDIS_CONN),
            ("lag", ids::REDIS_LAG),
        ],
    ));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
