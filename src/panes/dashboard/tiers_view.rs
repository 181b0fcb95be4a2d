//! The dashboard's four tiers at full size: Requests, Compute, Database and Cache, each a
//! row of braille charts and number widgets (the RDS storage as a gauge), titled with the
//! tier's verdict and every value in its level's colour.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Gauge, Paragraph, Wrap};

use super::value_style::{level_style, tasks_style, value_spans};
use crate::panes::dashboard::format::display;
use crate::panes::dashboard::query::ids;
use crate::panes::dashboard::verdict::{Tier, TierVerdict};
use crate::ui::theme::Level;
use crate::ui::view::View;
use crate::ui::widgets::metric_chart::{self, Line as ChartLine};
use crate::ui::widgets::source_block::{placeholder, source_block};

pub(super) fn draw_tier(
    frame: &mut Frame,
    area: Rect,
    state: &View,
    tier: Tier,
    verdict: &TierVerdict,
) {
    let theme = &state.theme;
    let style = level_style(state, verdict.level);
    let mut block = Block::bordered()
        .border_type(BorderType::Plain)
        .border_style(match verdict.level {
            Level::Warning | Level::Critical => style,
            _ => theme.border(false),
        })
        .title(Line::from(Span::styled(
            format!(" {} ", tier.title()),
            style.add_modifier(Modifier::BOLD),
        )));
    if !verdict.findings.is_empty() {
        block = block.title(Line::from(Span::styled(
            format!(" {} ", verdict.line),
            style,
        )));
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width < 3 || inner.height < 3 {
        return;
    }
    match tier {
        Tier::Requests => draw_requests(frame, inner, state),
        Tier::Compute => draw_compute(frame, inner, state),
        Tier::Database => draw_database(frame, inner, state),
        Tier::Cache => draw_cache(frame, inner, state),
    }
}

/// A chart widget: title with the latest value of `value_id` coloured by its threshold.
pub(super) fn chart(
    frame: &mut Frame,
    area: Rect,
    state: &View,
    title: &str,
    value_id: &str,
    lines: &[ChartLine],
) {
    let d = &state.dashboard;
    let block = widget_block(state, title, value_id);
    match &d.metrics.data {
        Some(data) => metric_chart::draw(frame, area, state.theme, block, data, lines),
        None => frame.render_widget(
            Paragraph::new(placeholder(&d.metrics))
                .block(block)
                .wrap(Wrap { trim: true }),
            area,
        ),
    }
}

pub(super) fn widget_block<'a>(state: &View, title: &str, value_id: &str) -> Block<'a> {
    let d = &state.dashboard;
    let block = source_block(state.theme, title.to_string(), false, &d.metrics, state.now);
    let Some(data) = &d.metrics.data else {
        return block;
    };
    let Some(v) = data.latest(value_id) else {
        return block;
    };
    let level = d.judged.level(value_id);
    block.title(Line::from(Span::styled(
        format!("{} ", display(value_id, v, data.period)),
        match level {
            Level::Warning | Level::Critical => state.theme.level(level),
            _ => state.theme.text().add_modifier(Modifier::BOLD),
        },
    )))
}

pub(super) fn columns(area: Rect, n: u32) -> Vec<Rect> {
    Layout::horizontal((0..n).map(|_| Constraint::Ratio(1, n)))
        .split(area)
        .to_vec()
}

pub(super) fn cl<'a>(id: &'a str, name: &'a str, color: ratatui::style::Color) -> ChartLine<'a> {
    ChartLine {
        id,
        name,
        color,
        area: false,
        scale: 1.0,
        stack_on: None,
    }
}

pub(super) fn draw_requests(frame: &mut Frame, area: Rect, state: &View) {
    let t = &state.theme;
    if let Err(msg) = state.dashboard.alb(&state.env, &state.config.project) {
        frame.render_widget(
            Paragraph::new(Span::styled(msg, t.level(Level::Warning))).wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let c = columns(area, 4);
    let [a, b, e, h] = [c[0], c[1], c[2], c[3]];
    chart(
        frame,
        a,
        state,
        "Requests/min",
        ids::REQUESTS,
        &[ChartLine {
            area: true,
            ..cl(ids::REQUESTS, "req", t.accent)
        }],
    );
    chart(
        frame,
        b,
        state,
        "Latency p50/p99 ms",
        ids::P99,
        &[
            ChartLine {
                scale: 1e3,
                ..cl(ids::P50, "p50", t.ok)
            },
            ChartLine {
                scale: 1e3,
                ..cl(ids::P99, "p99", t.warning)
            },
        ],
    );
    chart(
        frame,
        e,
        state,
        "5xx/min",
        ids::E5XX,
        &[cl(ids::E5XX, "5xx", t.critical)],
    );
    numbers(
        frame,
        h,
        state,
        "Hosts · errors",
        &[
            ("healthy", ids::HEALTHY),
            ("unhealthy", ids::UNHEALTHY),
            ("5xx %", ids::E5XX_PCT),
            ("4xx", ids::E4XX),
        ],
        Vec::new(),
    );
}

pub(super) fn draw_compute(frame: &mut Frame, area: Rect, state: &View) {
    let t = &state.theme;
    let c = columns(area, 3);
    chart(
        frame,
        c[0],
        state,
        "ECS CPU %",
        ids::ECS_CPU,
        &[cl(ids::ECS_CPU, "cpu", t.accent)],
    );
    chart(
        frame,
        c[1],
        state,
        "ECS memory %",
        ids::ECS_MEM,
        &[cl(ids::ECS_MEM, "mem", t.accent)],
    );
    draw_tasks(frame, c[2], state);
}

pub(super) fn draw_tasks(frame: &mut Frame, area: Rect, state: &View) {
    let d = &state.dashboard;
    let block = source_block(
        state.theme,
        "Running tasks".into(),
        false,
        &d.services,
        state.now,
    );
    if d.services.data.is_none() {
        frame.render_widget(
            Paragraph::new(placeholder(&d.services))
                .block(block)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let Some(s) = d.service(&state.env) else {
        frame.render_widget(
            Paragraph::new(format!("service {} not found", state.env.service)).block(block),
            area,
        );
        return;
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!("{}", s.running),
            tasks_style(state, s.running, s.desired).add_modifier(Modifier::BOLD),
        ),
        Span::styled(format!(" / {} desired", s.desired), state.theme.text()),
        Span::styled(
            format!("  (min {}, {} pending)", state.env.min_tasks, s.pending),
            state.theme.dim(),
        ),
    ])];
    for dep in &s.deployments {
        let rollout = dep.rollout_state.as_deref().unwrap_or("-");
        let level = match rollout {
            "COMPLETED" => Level::Ok,
            "IN_PROGRESS" => Level::Warning,
            "FAILED" => Level::Critical,
            _ => Level::Unknown,
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:<8}", dep.status), state.theme.dim()),
            Span::styled(
                format!("{} ", crate::cloud::last_segment(&dep.task_definition)),
                state.theme.text(),
            ),
            Span::styled(rollout.to_string(), level_style(state, level)),
            Span::styled(
                format!(" {}/{} failed {}", dep.running, dep.desired, dep.failed),
                state.theme.dim(),
            ),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

pub(super) fn draw_database(frame: &mut Frame, area: Rect, state: &View) {
    let t = &state.theme;
    let c = columns(area, 3);
    let title = match state.dashboard.max_connections() {
        Some(max) => format!("RDS connections (max {max})"),
        None => "RDS connections".to_string(),
    };
    chart(
        frame,
        c[0],
        state,
        &title,
        ids::RDS_CONN,
        &[cl(ids::RDS_CONN, "conn", t.accent)],
    );
    chart(
        frame,
        c[1],
        state,
        "RDS CPU %",
        ids::RDS_CPU,
        &[cl(ids::RDS_CPU, "cpu", t.accent)],
    );
    draw_storage(frame, c[2], state);
}

pub(super) fn draw_storage(frame: &mut Frame, area: Rect, state: &View) {
    let d = &state.dashboard;
    let block = widget_block(state, "RDS storage", ids::RDS_FREE);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(data) = &d.metrics.data else {
        frame.render_widget(
            Paragraph::new(placeholder(&d.metrics)).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    };
    let [gauge, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let threshold_gb = state.config.thresholds.rds_free_storage_gb;
    // The allocated size is not a metric: DescribeDBInstances gives it; until then the
    // gauge spans ten times the alarm threshold.
    let allocated = d
        .database
        .data
        .as_ref()
        .and_then(|db| db.allocated_storage_gb);
    let full_gb = allocated.map_or(threshold_gb * 10.0, |gb| gb as f64);
    match data.latest(ids::RDS_FREE) {
        Some(free) => {
            let free_gb = free / 1e9;
            let level = state.dashboard.judged.level(ids::RDS_FREE);
            let ratio = if full_gb > 0.0 {
                (free_gb / full_gb).clamp(0.0, 1.0)
            } else {
                0.0
            };
            frame.render_widget(
                Gauge::default()
                    .ratio(if ratio.is_finite() { ratio } else { 0.0 })
                    .label(match allocated {
                        Some(gb) => format!(
                            "{} free of {gb} GB (alarm < {} GB)",
                            display(ids::RDS_FREE, free, data.period),
                            threshold_gb
                        ),
                        None => format!(
                            "{} free (alarm < {} GB)",
                            display(ids::RDS_FREE, free, data.period),
                            threshold_gb
                        ),
                    })
                    .gauge_style(match level {
                        Level::Critical | Level::Warning => state.theme.level(level),
                        _ => Style::default().fg(state.theme.ok),
                    }),
                gauge,
            );
        }
        None => frame.render_widget(
            Paragraph::new(Span::styled("free storage: no data", state.theme.dim())),
            gauge,
        ),
    }
    let lines: Vec<Line> = [
        ("read latency", ids::RDS_READ),
        ("write latency", ids::RDS_WRITE),
        ("freeable memory", ids::RDS_MEM),
    ]
    .iter()
    .map(|(label, id)| Line::from(value_spans(state, Some(data), label, id)))
    .collect();
    frame.render_widget(Paragraph::new(lines), rest);
}

pub(super) fn draw_cache(frame: &mut Frame, area: Rect, state: &View) {
    let t = &state.theme;
    let c = columns(area, 3);
    chart(
        frame,
        c[0],
        state,
        "Redis hit/miss per min",
        ids::REDIS_HIT_RATIO,
        &[
            ChartLine {
                area: true,
                stack_on: Some(ids::REDIS_HITS),
                ..cl(ids::REDIS_MISSES, "miss", t.warning)
            },
            ChartLine {
                area: true,
                ..cl(ids::REDIS_HITS, "hit", t.ok)
            },
        ],
    );
    chart(
        frame,
        c[1],
        state,
        "Redis memory %",
        ids::REDIS_MEM,
        &[cl(ids::REDIS_MEM, "mem", t.accent)],
    );
    numbers(
        frame,
        c[2],
        state,
        "Redis",
        &[
            ("connections", ids::REDIS_CONN),
            ("hit ratio", ids::REDIS_HIT_RATIO),
            ("replication lag", ids::REDIS_LAG),
            ("cpu", ids::REDIS_CPU),
        ],
        Vec::new(),
    );
}

/// A number widget: one labelled value per line, coloured by its threshold.
pub(super) fn numbers(
    frame: &mut Frame,
    area: Rect,
    state: &View,
    title: &str,
    items: &[(&str, &str)],
    mut extra: Vec<Line>,
) {
    let d = &state.dashboard;
    let block = source_block(state.theme, title.to_string(), false, &d.metrics, state.now);
    let Some(data) = &d.metrics.data else {
        frame.render_widget(
            Paragraph::new(placeholder(&d.metrics))
                .block(block)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    };
    let mut lines: Vec<Line> = items
        .iter()
        .map(|(label, id)| Line::from(value_spans(state, Some(data), label, id)))
        .collect();
    lines.append(&mut extra);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
