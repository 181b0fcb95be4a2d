//! The dashboard pane (seed §10.2): a verdict per tier and the alarms on top, then the
//! Requests, Compute, Database and Cache tiers (braille charts, number widgets, the RDS
//! storage gauge) and the recent errors. Breached values and tier headers take the theme's
//! warning/critical colours; every widget shows its source's data age and error. Below
//! 100×30 the tiers shrink to one line of numbers each.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Gauge, Paragraph, Wrap};

use crate::cloud::{AlarmState, MetricData};
use crate::panes::dashboard::format::display;
use crate::panes::dashboard::query::{ERRORS_MAX_WINDOW, ids};
use crate::panes::dashboard::verdict::{Tier, TierVerdict, level_of, verdicts};
use crate::ui::theme::Level;
use crate::ui::view::View;
use crate::ui::widgets::metric_chart::{self, Line as ChartLine};
use crate::ui::widgets::source_block::{placeholder, source_block};

/// Below this size the tiers are one line of numbers each.
const FULL_WIDTH: u16 = 100;
const FULL_HEIGHT: u16 = 30;

/// Draw the pane into `area`.
/// The configured thresholds, with connections judged against the database's max.
fn thresholds(state: &View) -> crate::config::Thresholds {
    state.dashboard.thresholds(&state.config.thresholds)
}

pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    if area.width < 2 || area.height < 2 {
        return;
    }
    let d = &state.dashboard;
    let v = verdicts(
        d.metrics.data.as_ref(),
        d.service(&state.env),
        &thresholds(state),
        state.env.min_tasks,
    );
    if area.width < FULL_WIDTH || area.height < FULL_HEIGHT {
        draw_compact(frame, area, state, &v);
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
    draw_health(frame, health, state, &v);
    draw_alarms(frame, alarms, state);
    let rows = Layout::vertical([Constraint::Ratio(1, 4); 4]).split(tiers);
    for (i, tier) in Tier::ALL.into_iter().enumerate() {
        if let (Some(r), Some(verdict)) = (rows.get(i), v.get(i)) {
            draw_tier(frame, *r, state, tier, verdict);
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

fn level_style(state: &View, level: Level) -> Style {
    match level {
        Level::Ok => state.theme.level(Level::Ok),
        Level::Unknown => state.theme.dim(),
        l => state.theme.level(l),
    }
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
    let firing = d.alarms.data.as_ref().map_or(0, |a| {
        a.iter().filter(|a| a.state == AlarmState::Alarm).count()
    });
    let title = format!("Alarms ({firing} in ALARM)");
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

/// One value of the compact table, coloured by its threshold.
fn value_spans<'a>(
    state: &View,
    data: Option<&MetricData>,
    label: &str,
    id: &str,
) -> Vec<Span<'a>> {
    let (text, level) = match data.and_then(|d| d.latest(id).map(|v| (d, v))) {
        Some((d, v)) => (
            display(id, v, d.period),
            level_of(d, id, &thresholds(state)),
        ),
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

fn tasks_style(state: &View, running: i32, desired: i32) -> Style {
    if running < state.env.min_tasks as i32 {
        state.theme.level(Level::Critical)
    } else if running < desired {
        state.theme.level(Level::Warning)
    } else {
        state.theme.level(Level::Ok)
    }
}

fn draw_tier(frame: &mut Frame, area: Rect, state: &View, tier: Tier, verdict: &TierVerdict) {
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
fn chart(
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

fn widget_block<'a>(state: &View, title: &str, value_id: &str) -> Block<'a> {
    let d = &state.dashboard;
    let block = source_block(state.theme, title.to_string(), false, &d.metrics, state.now);
    let Some(data) = &d.metrics.data else {
        return block;
    };
    let Some(v) = data.latest(value_id) else {
        return block;
    };
    let level = level_of(data, value_id, &thresholds(state));
    block.title(Line::from(Span::styled(
        format!("{} ", display(value_id, v, data.period)),
        match level {
            Level::Warning | Level::Critical => state.theme.level(level),
            _ => state.theme.text().add_modifier(Modifier::BOLD),
        },
    )))
}

fn columns(area: Rect, n: u32) -> Vec<Rect> {
    Layout::horizontal((0..n).map(|_| Constraint::Ratio(1, n)))
        .split(area)
        .to_vec()
}

fn cl<'a>(id: &'a str, name: &'a str, color: ratatui::style::Color) -> ChartLine<'a> {
    ChartLine {
        id,
        name,
        color,
        area: false,
        scale: 1.0,
        stack_on: None,
    }
}

fn draw_requests(frame: &mut Frame, area: Rect, state: &View) {
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

fn draw_compute(frame: &mut Frame, area: Rect, state: &View) {
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

fn draw_tasks(frame: &mut Frame, area: Rect, state: &View) {
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

fn draw_database(frame: &mut Frame, area: Rect, state: &View) {
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

fn draw_storage(frame: &mut Frame, area: Rect, state: &View) {
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
            let level = level_of(data, ids::RDS_FREE, &thresholds(state));
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

fn draw_cache(frame: &mut Frame, area: Rect, state: &View) {
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
fn numbers(
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
